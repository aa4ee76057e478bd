//! Maps, saved places, routes and routine-varying plans as the shells see them. Geometry is
//! GeoJSON-ordered: each point is `[lon, lat]`, ready for a map view's line layer.

use std::sync::Arc;
use std::time::SystemTime;

use chrono::{FixedOffset, NaiveTime};
use waymark_core::routes as core_routes;

use crate::error::{Result, WaymarkError};
use crate::evidence::path_arg;
use crate::progress::{with_progress, CancelHandle, ProgressListener};
use crate::time::{to_chrono, to_system_time};
use crate::vault::Vault;

/// Shown with every route, plan and map.
#[uniffi::export]
pub fn map_attribution() -> String {
    core_routes::ATTRIBUTION.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TravelProfile {
    Foot,
    Bike,
    Car,
}

impl From<TravelProfile> for core_routes::Profile {
    fn from(p: TravelProfile) -> Self {
        match p {
            TravelProfile::Foot => core_routes::Profile::Foot,
            TravelProfile::Bike => core_routes::Profile::Bike,
            TravelProfile::Car => core_routes::Profile::Car,
        }
    }
}
impl From<core_routes::Profile> for TravelProfile {
    fn from(p: core_routes::Profile) -> Self {
        match p {
            core_routes::Profile::Foot => TravelProfile::Foot,
            core_routes::Profile::Bike => TravelProfile::Bike,
            core_routes::Profile::Car => TravelProfile::Car,
        }
    }
}

fn u64_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a map import found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MapImportReport {
    pub ways_used: u64,
    /// Way references to nodes missing from the extract (routes stop at its edge).
    pub missing_node_refs: u64,
    pub nodes: u64,
    pub arcs: u64,
    pub nodes_outside_main_component: u64,
    pub foot_km: f64,
    pub bike_km: f64,
    pub car_km: f64,
}

impl From<core_routes::ImportReport> for MapImportReport {
    fn from(r: core_routes::ImportReport) -> Self {
        MapImportReport {
            ways_used: u64_of(r.ways_used),
            missing_node_refs: u64_of(r.missing_node_refs),
            nodes: u64_of(r.nodes),
            arcs: u64_of(r.arcs),
            nodes_outside_main_component: u64_of(r.nodes_outside_main_component),
            foot_km: r.foot_km,
            bike_km: r.bike_km,
            car_km: r.car_km,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MapInfo {
    /// False while the bundled sample map (central Helsinki) is in use.
    pub imported: bool,
    pub imported_at: Option<SystemTime>,
    pub nodes: u64,
    pub arcs: u64,
    pub width_km: f64,
    pub height_km: f64,
    pub walk_km: f64,
    pub bike_km: f64,
    pub drive_km: f64,
    pub attribution: String,
}

impl From<core_routes::MapInfo> for MapInfo {
    fn from(m: core_routes::MapInfo) -> Self {
        MapInfo {
            imported: m.imported,
            imported_at: m.imported_at.map(to_system_time),
            nodes: u64_of(m.nodes),
            arcs: u64_of(m.arcs),
            width_km: m.width_km,
            height_km: m.height_km,
            walk_km: m.walk_km,
            bike_km: m.bike_km,
            drive_km: m.drive_km,
            attribution: m.attribution,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SavedPlace {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

impl From<core_routes::SavedPlace> for SavedPlace {
    fn from(p: core_routes::SavedPlace) -> Self {
        SavedPlace {
            name: p.name,
            lat: p.lat,
            lon: p.lon,
        }
    }
}

/// What a route or plan keeps away from.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AvoidOptions {
    /// Places where incidents with a position were logged.
    #[uniffi(default = false)]
    pub incidents: bool,
    /// Spots the person chose.
    #[uniffi(default)]
    pub spots: Vec<AvoidSpot>,
    /// How far to keep away, 1 to 2000 metres.
    #[uniffi(default = 100.0)]
    pub radius_m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct AvoidSpot {
    pub lat: f64,
    pub lon: f64,
}

impl From<AvoidOptions> for core_routes::Avoid {
    fn from(a: AvoidOptions) -> Self {
        core_routes::Avoid {
            incidents: a.incidents,
            spots: a.spots.iter().map(|s| (s.lat, s.lon)).collect(),
            radius_m: a.radius_m,
        }
    }
}

/// One route, ready to draw and describe.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RouteOption {
    pub profile: TravelProfile,
    /// Start to end, each point `[lon, lat]` (GeoJSON order).
    pub geometry: Vec<Vec<f64>>,
    pub length_m: f64,
    pub duration_s: f64,
    /// Seconds more than the fastest way between the same points.
    pub extra_s: f64,
    /// Street names in the order they are used.
    pub street_names: Vec<String>,
    /// Share of this route's length within the corridor of routes listed before it.
    pub shared_with_earlier: f64,
    /// Plain-words reasons this route went round places to avoid, or could not.
    pub notes: Vec<String>,
}

impl From<core_routes::Route> for RouteOption {
    fn from(r: core_routes::Route) -> Self {
        RouteOption {
            profile: r.profile.into(),
            geometry: r
                .geometry
                .iter()
                .map(|&(lat, lon)| vec![lon, lat])
                .collect(),
            length_m: r.length_m,
            duration_s: r.duration_s,
            extra_s: r.extra_s,
            street_names: r.street_names,
            shared_with_earlier: r.shared_with_earlier,
            notes: r.notes,
        }
    }
}

/// What a plan is asked for. Times of day are minutes after local midnight.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanRequest {
    /// A saved place's name or "lat,lon".
    pub from: String,
    pub to: String,
    pub profile: TravelProfile,
    /// The first day planned (its local date at `utc_offset_minutes`).
    pub first_day: SystemTime,
    #[uniffi(default = 0)]
    pub utc_offset_minutes: i32,
    #[uniffi(default = 7)]
    pub days: u32,
    #[uniffi(default = None)]
    pub arrive_by_minute: Option<u32>,
    #[uniffi(default = None)]
    pub leave_after_minute: Option<u32>,
    /// Minutes of the day the person will give up to be less predictable.
    #[uniffi(default = 15)]
    pub extra_minutes: u32,
    /// How long someone might wait outside, for the "seen leaving" figure.
    #[uniffi(default = 10)]
    pub watcher_wait_minutes: u32,
    pub avoid: AvoidOptions,
}

fn time_of_day(field: &str, minute: Option<u32>) -> Result<Option<NaiveTime>> {
    minute
        .map(|m| {
            NaiveTime::from_hms_opt(m / 60, m % 60, 0).ok_or_else(|| {
                WaymarkError::invalid(field, "must be a minute of the day (0 to 1439)")
            })
        })
        .transpose()
}

fn offset(minutes: i32) -> Result<FixedOffset> {
    minutes
        .checked_mul(60)
        .and_then(FixedOffset::east_opt)
        .ok_or_else(|| WaymarkError::invalid("utc offset", "must be within ±24 hours"))
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlannedTrip {
    /// Local date, "2026-11-26".
    pub date: String,
    pub weekday: String,
    /// Index into the plan's routes.
    pub route: u32,
    /// Local times, "08:12".
    pub depart: String,
    pub arrive: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PredictorScore {
    pub predictor: String,
    pub guessing: String,
    pub hit_rate: f64,
    pub chance: f64,
}

/// How hard the plan is to predict, for the plan screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Predictability {
    pub choices: u64,
    pub route_best_guess: f64,
    pub route_min_entropy_bits: f64,
    pub departure_best_guess: f64,
    pub departure_min_entropy_bits: f64,
    pub trip_best_guess: f64,
    pub trip_min_entropy_bits: f64,
    pub watcher_wait_minutes: u32,
    pub watcher_sees_departure: f64,
    pub watcher_sees_arrival: f64,
    pub predictors: Vec<PredictorScore>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TripPlan {
    pub routes: Vec<RouteOption>,
    pub trips: Vec<PlannedTrip>,
    pub predictability: Predictability,
    pub attribution: String,
}

impl From<core_routes::TripPlan> for TripPlan {
    fn from(p: core_routes::TripPlan) -> Self {
        let q = p.predictability;
        TripPlan {
            routes: p.routes.into_iter().map(Into::into).collect(),
            trips: p
                .trips
                .into_iter()
                .map(|t| PlannedTrip {
                    date: t.date.format("%Y-%m-%d").to_string(),
                    weekday: t.weekday,
                    route: u32_of(t.route),
                    depart: t.depart.format("%H:%M").to_string(),
                    arrive: t.arrive.format("%H:%M").to_string(),
                })
                .collect(),
            predictability: Predictability {
                choices: u64_of(q.choices),
                route_best_guess: q.route_best_guess,
                route_min_entropy_bits: q.route_min_entropy_bits,
                departure_best_guess: q.departure_best_guess,
                departure_min_entropy_bits: q.departure_min_entropy_bits,
                trip_best_guess: q.trip_best_guess,
                trip_min_entropy_bits: q.trip_min_entropy_bits,
                watcher_wait_minutes: q.watcher_wait_minutes,
                watcher_sees_departure: q.watcher_sees_departure,
                watcher_sees_arrival: q.watcher_sees_arrival,
                predictors: q
                    .predictors
                    .into_iter()
                    .map(|s| PredictorScore {
                        predictor: s.predictor,
                        guessing: s.guessing,
                        hit_rate: s.hit_rate,
                        chance: s.chance,
                    })
                    .collect(),
            },
            attribution: p.attribution,
        }
    }
}

/// The map, saved places, routes and plans of an unlocked vault (`Locked` otherwise).
#[derive(uniffi::Object)]
pub struct Routes {
    pub(crate) vault: Arc<Vault>,
}

impl Routes {
    fn core(&self) -> core_routes::RouteStore<'_> {
        core_routes::RouteStore::new(&self.vault.inner)
    }
}

#[uniffi::export]
impl Routes {
    /// Imports an OpenStreetMap .osm.pbf file and makes it the map. Long (seconds to minutes
    /// for a city): run it off the main thread. Cancelled or refused, the old map stays.
    #[uniffi::method(default(listener = None, cancel = None))]
    pub fn import_map(
        &self,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<MapImportReport> {
        let path = path_arg("map file", &path)?;
        with_progress(listener, cancel, |p| {
            Ok(self.core().import_map_file(&path, p)?.into())
        })
    }

    /// Goes back to the bundled sample map.
    pub fn forget_map(&self) -> Result<()> {
        Ok(self.core().forget_map()?)
    }

    pub fn map_info(&self) -> Result<MapInfo> {
        Ok(self.core().map_info()?.into())
    }

    pub fn add_place(&self, name: String, lat: f64, lon: f64) -> Result<SavedPlace> {
        Ok(self.core().add_place(&name, lat, lon)?.into())
    }

    pub fn places(&self) -> Result<Vec<SavedPlace>> {
        Ok(self.core().places()?.into_iter().map(Into::into).collect())
    }

    pub fn remove_place(&self, name: String) -> Result<()> {
        Ok(self.core().remove_place(&name)?)
    }

    /// Up to `alternatives` (1 to 10) clearly different routes, fastest first, between two
    /// saved places (or "lat,lon").
    pub fn routes(
        &self,
        from: String,
        to: String,
        profile: TravelProfile,
        alternatives: u32,
        avoid: AvoidOptions,
    ) -> Result<Vec<RouteOption>> {
        let n = usize::try_from(alternatives).unwrap_or(usize::MAX);
        Ok(self
            .core()
            .alternatives(&from, &to, profile.into(), n, &avoid.into())?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Draws a plan (a route and leaving time per day) and keeps it as the latest plan.
    pub fn plan(&self, request: PlanRequest) -> Result<TripPlan> {
        let tz = offset(request.utc_offset_minutes)?;
        let first = to_chrono(request.first_day)?
            .with_timezone(&tz)
            .date_naive();
        let options = core_routes::PlanOptions {
            start_date: first,
            days: request.days,
            arrive_by: time_of_day("arrive by", request.arrive_by_minute)?,
            leave_after: time_of_day("leave after", request.leave_after_minute)?,
            extra_minutes: request.extra_minutes,
            watcher_wait_minutes: request.watcher_wait_minutes,
        };
        Ok(self
            .core()
            .plan(
                &request.from,
                &request.to,
                request.profile.into(),
                &request.avoid.into(),
                &options,
            )?
            .into())
    }

    /// The plan drawn last, if any.
    pub fn latest_plan(&self) -> Result<Option<TripPlan>> {
        Ok(self.core().latest_plan()?.map(Into::into))
    }
}

pub(crate) fn utc_offset(minutes: i32) -> Result<FixedOffset> {
    offset(minutes)
}
