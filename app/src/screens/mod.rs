//! One module per screen: its state, its events and its view.

pub(crate) mod capture;
pub(crate) mod checkin;
pub(crate) mod delivery;
pub(crate) mod disguise;
pub(crate) mod export;
pub(crate) mod first_run;
pub(crate) mod help;
pub(crate) mod home;
pub(crate) mod incident;
pub(crate) mod insights;
pub(crate) mod lifecycle;
pub(crate) mod lock;
pub(crate) mod relay;
pub(crate) mod risk;
pub(crate) mod routes;
pub(crate) mod settings;
pub(crate) mod work;
