//! Routes and plan: the map in use (the bundled sample or one the person imported), saved places
//! (from a location fix or by name and position), the clearly different routes between two of
//! them with their figures and what a shell needs to draw them (route lines as [lon, lat] pairs,
//! a bounding box and the streets around, from the vault's own map: no map tiles are fetched),
//! and the routine-varying plan with how predictable it is.
//!
//! Places are the most sensitive things Waymark holds; they live in the vault (the core's
//! `RouteStore`) and in this screen's state only while the vault is unlocked.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{FixedOffset, Offset, Utc};
use waymark_core::routes::{
    AlternativeOptions, Avoid, Graph, MapInfo, PlanOptions, Profile, Route as CoreRoute,
    RouteStore, SavedPlace, TripPlan,
};
use waymark_core::Error;

use crate::effect::{Effect, PickSource};
use crate::model::{Model, Route};
use crate::screens::work::{Job, Outcome};
use crate::strings::fill;
use crate::view::Tone;

/// How to travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TravelMode {
    Walk,
    Cycle,
    Drive,
}

impl From<TravelMode> for Profile {
    fn from(m: TravelMode) -> Self {
        match m {
            TravelMode::Walk => Profile::Foot,
            TravelMode::Cycle => Profile::Bike,
            TravelMode::Drive => Profile::Car,
        }
    }
}

/// Routes offered between two places.
const ALTERNATIVES: usize = 3;
/// The streets drawn around the routes: at most this many lines and points, nearest first.
pub(crate) const MAX_STREET_LINES: usize = 1000;
pub(crate) const MAX_STREET_POINTS: usize = 8000;
/// How far around the routes the drawing reaches.
const MARGIN_M: f64 = 150.0;
/// A plan covers this many days from today.
const PLAN_DAYS: u32 = 7;
const PLAN_EXTRA_MINUTES: u32 = 15;
const WATCHER_WAIT_MINUTES: u32 = 10;
/// A location fix older than this is not "where I am now".
const FIX_FRESH_SECONDS: i64 = 120;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MapCard {
    /// "Map: the built-in sample (central Helsinki)" / "Map imported on 2026-11-20"
    pub label: String,
    /// False while the bundled sample map is in use.
    pub imported: bool,
    /// "3.1 × 2.4 km, 120 km of streets to walk"
    pub size_label: String,
    /// `ImportMap`: the file picker, then a map import with progress (`ViewModel.work`).
    pub import_label: String,
    /// `ForgetMap` (back to the sample); only when a map was imported.
    pub forget_label: Option<String>,
    pub attribution: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceRow {
    /// Also what `FindRoutes`, `PlanTrips` and `RemovePlace` take.
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// "60.16900, 24.94000"
    pub position_label: String,
    pub remove_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ModeOption {
    pub mode: TravelMode,
    pub label: String,
}

/// One of the alternatives, with its figures.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RouteCard {
    /// For `SelectRoute { index }`.
    pub index: u32,
    /// "Route 1 (fastest)"
    pub title: String,
    pub minutes: u32,
    /// "14 min, 1.2 km"
    pub minutes_label: String,
    pub length_m: f64,
    /// This route's time over the fastest one's (1.0 for the fastest).
    pub stretch: f64,
    /// "3 min longer than the fastest (1.2×)"; empty for the fastest.
    pub stretch_label: String,
    /// Share of this route's length along the routes listed before it (0 for the first).
    pub corridor_share: f64,
    /// "40% along the routes above"; empty for the first.
    pub corridor_label: String,
    /// Street names in the order used.
    pub streets: Vec<String>,
    /// "Via Mannerheimintie, Aleksanterinkatu"
    pub streets_label: String,
    /// The core's notes (places it went round, or could not); English from the core.
    pub notes: Vec<String>,
    pub selected: bool,
}

/// A line to draw: points as [lon, lat] (GeoJSON order).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RouteLine {
    pub index: u32,
    pub selected: bool,
    pub points: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StreetLine {
    /// Empty for a way without a name.
    pub name: String,
    pub points: Vec<Vec<f64>>,
}

/// Everything needed to draw the routes without map tiles.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RouteDrawing {
    /// [min lon, min lat, max lon, max lat] around the routes, with a margin.
    pub bbox: Vec<f64>,
    pub routes: Vec<RouteLine>,
    /// The streets within the box, nearest the routes' middle first, at most 1000 lines and 8000 points.
    pub streets: Vec<StreetLine>,
    /// Fewer streets than the box holds were given (the limit was reached).
    pub streets_cut: bool,
    pub attribution: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TripRow {
    /// "2026-11-20"
    pub date: String,
    /// "Fri 20 Nov"
    pub day_label: String,
    pub is_today: bool,
    /// Index into `RoutesScreen.plan_routes`.
    pub route: u32,
    /// "08:12"
    pub depart: String,
    pub arrive: String,
    /// "Leave 08:12 by route 2, arrive 08:31"
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FigureRow {
    pub label: String,
    /// A share (0 to 1) or a count, as the label says.
    pub value: f64,
    pub value_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanCard {
    pub heading: String,
    /// Today's trip, if the plan has one.
    pub today: Option<TripRow>,
    pub trips: Vec<TripRow>,
    /// How the plan's routes look (the same figures as the route cards).
    pub routes: Vec<RouteCard>,
    pub predictability_heading: String,
    pub predictability: Vec<FigureRow>,
    pub attribution: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RoutesScreen {
    pub map: MapCard,
    pub places_heading: String,
    pub places: Vec<PlaceRow>,
    /// Shown when `places` is empty.
    pub no_places_text: String,
    /// `AddPlaceHere { name }`: saves the phone's position under the name typed.
    pub add_here_label: String,
    /// `AddPlace { name, lat, lon }`.
    pub add_label: String,
    pub name_label: String,
    pub lat_label: String,
    pub lon_label: String,
    pub from_label: String,
    pub to_label: String,
    pub modes: Vec<ModeOption>,
    /// `FindRoutes { from, to, mode }`.
    pub find_label: String,
    /// `PlanTrips { from, to, mode, arrive_by_minute }`.
    pub plan_label: String,
    pub arrive_by_label: String,
    /// The routes found last, the fastest first.
    pub alternatives: Vec<RouteCard>,
    pub drawing: Option<RouteDrawing>,
    pub plan: Option<PlanCard>,
    /// A position fix is awaited for `AddPlaceHere`.
    pub waiting_for_position: bool,
}

#[derive(Debug, Default)]
pub(crate) struct RoutesState {
    pub map: Option<MapInfo>,
    pub places: Vec<SavedPlace>,
    pub found: Option<Found>,
    pub plan: Option<TripPlan>,
    /// The name to save once a position fix arrives.
    pub pending_here: Option<String>,
    /// The file picker is open for a map.
    pub picking_map: bool,
}

#[derive(Debug)]
pub(crate) struct Found {
    pub routes: Vec<CoreRoute>,
    pub selected: usize,
    pub streets: Vec<StreetLine>,
    pub streets_cut: bool,
    pub bbox: [f64; 4],
}

fn local(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix())
}

impl Model {
    pub(crate) fn open_routes(&mut self) {
        if !self.is_unlocked() {
            return;
        }
        self.go(Route::Routes);
        self.refresh_routes(true);
    }

    /// Reads the places, the latest plan and (when asked: it loads the map) the map's facts.
    fn refresh_routes(&mut self, with_map: bool) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let store = RouteStore::new(v);
        let read = (|| -> Result<_, Error> {
            let map = if with_map {
                Some(store.map_info()?)
            } else {
                None
            };
            Ok((map, store.places()?, store.latest_plan()?))
        })();
        match read {
            Ok((map, places, plan)) => {
                if map.is_some() {
                    self.routes.map = map;
                }
                self.routes.places = places;
                if self.routes.plan.is_none() {
                    self.routes.plan = plan;
                }
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn add_place(&mut self, name: &str, lat: f64, lon: f64) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match RouteStore::new(v).add_place(name, lat, lon) {
            Ok(_) => {
                let text = self.s.routes.place_saved.to_string();
                self.say(text, Tone::Good);
                self.refresh_routes(false);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Saves where the phone is: the last fix if it is fresh, or the next one.
    pub(crate) fn add_place_here(&mut self, name: &str) {
        if !self.is_unlocked() {
            return;
        }
        let now = self.now();
        match self.last_fix.as_ref() {
            Some(fix) if (now - fix.at).num_seconds() <= FIX_FRESH_SECONDS => {
                let (lat, lon) = (fix.lat, fix.lon);
                self.add_place(name, lat, lon);
            }
            _ => {
                self.routes.pending_here = Some(name.to_string());
                self.effect(Effect::RequestLocation);
                let text = self.s.routes.finding_position.to_string();
                self.say(text, Tone::Neutral);
            }
        }
    }

    /// After a `LocationFix`: a place waiting for it is saved now.
    pub(crate) fn routes_fix_arrived(&mut self) {
        if !self.is_unlocked() {
            return;
        }
        let Some(name) = self.routes.pending_here.take() else {
            return;
        };
        if let Some(fix) = self.last_fix.as_ref() {
            let (lat, lon) = (fix.lat, fix.lon);
            self.add_place(&name, lat, lon);
        }
    }

    pub(crate) fn remove_place(&mut self, name: &str) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match RouteStore::new(v).remove_place(name) {
            Ok(()) => {
                let text = self.s.routes.place_removed.to_string();
                self.say(text, Tone::Neutral);
                self.refresh_routes(false);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn find_routes(&mut self, from: &str, to: &str, mode: TravelMode) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let store = RouteStore::new(v);
        // One load of the map serves both the search and the streets drawn around it.
        let found = (|| -> Result<Found, Error> {
            let map = store.map()?;
            let a = store.resolve(from, "from")?;
            let b = store.resolve(to, "to")?;
            let opts = AlternativeOptions {
                max_routes: ALTERNATIVES,
                avoid: store.avoid_areas(&Avoid::default())?,
                ..AlternativeOptions::default()
            };
            let routes = map.router(mode.into()).alternatives(a, b, &opts)?;
            let bbox = route_bbox(&routes);
            let (streets, streets_cut) = streets_within(map.graph(), bbox);
            Ok(Found {
                routes,
                selected: 0,
                streets,
                streets_cut,
                bbox,
            })
        })();
        match found {
            Ok(f) => self.routes.found = Some(f),
            Err(e) => {
                self.routes.found = None;
                self.fail(&e);
            }
        }
    }

    pub(crate) fn select_route(&mut self, index: u32) {
        if let Some(f) = self.routes.found.as_mut() {
            let i = index as usize;
            if i < f.routes.len() {
                f.selected = i;
            }
        }
    }

    pub(crate) fn plan_trips(
        &mut self,
        from: &str,
        to: &str,
        mode: TravelMode,
        arrive_by_minute: Option<u32>,
    ) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        let arrive_by = match arrive_by_minute {
            None => None,
            Some(m) => match chrono::NaiveTime::from_hms_opt(m / 60, m % 60, 0) {
                Some(t) => Some(t),
                None => {
                    let e = Error::invalid("arrive by", "must be a time of day");
                    return self.fail(&e);
                }
            },
        };
        let today = self
            .now()
            .with_timezone(&local(self.config.utc_offset_minutes))
            .date_naive();
        let options = PlanOptions {
            start_date: today,
            days: PLAN_DAYS,
            arrive_by,
            leave_after: None,
            extra_minutes: PLAN_EXTRA_MINUTES,
            watcher_wait_minutes: WATCHER_WAIT_MINUTES,
        };
        match RouteStore::new(v).plan(from, to, mode.into(), &Avoid::default(), &options) {
            Ok(plan) => {
                self.routes.plan = Some(plan);
                let text = self.s.routes.plan_made.to_string();
                self.say(text, Tone::Good);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn import_map(&mut self) {
        if !self.is_unlocked() {
            return;
        }
        if self.work_busy() {
            let text = self.s.export.busy.to_string();
            return self.say(text, Tone::Caution);
        }
        self.routes.picking_map = true;
        self.effect(Effect::PickFile {
            source: PickSource::Files,
        });
    }

    pub(crate) fn map_file_picked(&mut self, path: &str) {
        self.routes.picking_map = false;
        if !self.is_unlocked() {
            return;
        }
        // Only a regular file: a device (/dev/zero) or a pipe would be read forever or block.
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            let e = Error::invalid("map file", "is not a file that can be read");
            return self.fail(&e);
        }
        self.start_work(Job::ImportMap {
            path: PathBuf::from(path),
        });
    }

    pub(crate) fn map_pick_cancelled(&mut self) {
        self.routes.picking_map = false;
    }

    pub(crate) fn map_import_ended(&mut self, result: Result<Outcome, Error>) {
        match result {
            Ok(Outcome::Map { walk_km }) => {
                let text = fill(
                    self.s.routes.map_imported,
                    &[("km", &format!("{walk_km:.0}"))],
                );
                self.say(text, Tone::Good);
                // Routes found on the old map no longer match it.
                self.routes.found = None;
                self.refresh_routes(true);
            }
            Ok(_) => {}
            Err(Error::Cancelled) => {
                let text = self.s.routes.map_import_stopped.to_string();
                self.say(text, Tone::Neutral);
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(crate) fn forget_map(&mut self) {
        let Some(v) = self.unlocked_vault() else {
            return;
        };
        match RouteStore::new(v).forget_map() {
            Ok(()) => {
                self.routes.found = None;
                let text = self.s.routes.map_forgotten.to_string();
                self.say(text, Tone::Neutral);
                self.refresh_routes(true);
            }
            Err(e) => self.fail(&e),
        }
    }

    fn map_card(&self) -> MapCard {
        let w = &self.s.routes;
        let attribution = waymark_core::routes::ATTRIBUTION.to_string();
        let Some(m) = &self.routes.map else {
            return MapCard {
                label: String::new(),
                imported: false,
                size_label: String::new(),
                import_label: w.import_map.to_string(),
                forget_label: None,
                attribution,
            };
        };
        let label = match (m.imported, m.imported_at) {
            (true, Some(at)) => fill(
                w.map_imported_on,
                &[(
                    "date",
                    &at.with_timezone(&local(self.config.utc_offset_minutes))
                        .format("%Y-%m-%d")
                        .to_string(),
                )],
            ),
            (true, None) => w.map_imported_label.to_string(),
            (false, _) => w.map_sample.to_string(),
        };
        MapCard {
            label,
            imported: m.imported,
            size_label: fill(
                w.map_size,
                &[
                    ("width", &format!("{:.1}", m.width_km)),
                    ("height", &format!("{:.1}", m.height_km)),
                    ("km", &format!("{:.0}", m.walk_km)),
                ],
            ),
            import_label: w.import_map.to_string(),
            forget_label: m.imported.then(|| w.forget_map.to_string()),
            attribution,
        }
    }

    fn route_cards(&self, routes: &[CoreRoute], selected: Option<usize>) -> Vec<RouteCard> {
        let w = &self.s.routes;
        let fastest = routes.first().map_or(0.0, |r| r.duration_s);
        routes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let n = (i + 1).to_string();
                let minutes = (r.duration_s / 60.0).round().max(0.0) as u32;
                let stretch = if fastest > 0.0 {
                    r.duration_s / fastest
                } else {
                    1.0
                };
                let extra = ((r.duration_s - fastest) / 60.0).round().max(0.0) as u32;
                let mut streets: Vec<String> = Vec::new();
                for s in &r.street_names {
                    if streets.last() != Some(s) {
                        streets.push(s.clone());
                    }
                }
                RouteCard {
                    index: i as u32,
                    title: if i == 0 {
                        fill(w.route_fastest, &[("n", &n)])
                    } else {
                        fill(w.route_n, &[("n", &n)])
                    },
                    minutes,
                    minutes_label: fill(
                        w.route_minutes,
                        &[
                            ("minutes", &minutes.to_string()),
                            ("km", &format!("{:.1}", r.length_m / 1000.0)),
                        ],
                    ),
                    length_m: r.length_m,
                    stretch,
                    stretch_label: if i == 0 {
                        String::new()
                    } else {
                        fill(
                            w.route_stretch,
                            &[
                                ("minutes", &extra.to_string()),
                                ("stretch", &format!("{stretch:.2}")),
                            ],
                        )
                    },
                    corridor_share: r.shared_with_earlier,
                    corridor_label: if i == 0 {
                        String::new()
                    } else {
                        fill(
                            w.route_shared,
                            &[("percent", &format!("{:.0}", r.shared_with_earlier * 100.0))],
                        )
                    },
                    streets_label: if streets.is_empty() {
                        String::new()
                    } else {
                        fill(w.route_via, &[("streets", &streets.join(", "))])
                    },
                    streets,
                    notes: r.notes.clone(),
                    selected: selected == Some(i),
                }
            })
            .collect()
    }

    fn plan_card(&self, plan: &TripPlan) -> PlanCard {
        let w = &self.s.routes;
        let today = self
            .now()
            .with_timezone(&local(self.config.utc_offset_minutes))
            .date_naive();
        let trips: Vec<TripRow> = plan
            .trips
            .iter()
            .map(|t| {
                let depart = t.depart.format("%H:%M").to_string();
                let arrive = t.arrive.format("%H:%M").to_string();
                TripRow {
                    date: t.date.format("%Y-%m-%d").to_string(),
                    day_label: t.date.format("%a %-d %b").to_string(),
                    is_today: t.date == today,
                    route: t.route as u32,
                    text: fill(
                        w.trip,
                        &[
                            ("depart", &depart),
                            ("arrive", &arrive),
                            ("n", &(t.route + 1).to_string()),
                        ],
                    ),
                    depart,
                    arrive,
                }
            })
            .collect();
        let q = &plan.predictability;
        let pct = |x: f64| format!("{:.0}%", x * 100.0);
        let figure = |label: String, value: f64, value_label: String| FigureRow {
            label,
            value,
            value_label,
        };
        let wait = q.watcher_wait_minutes.to_string();
        PlanCard {
            heading: fill(w.plan_heading, &[("days", &PLAN_DAYS.to_string())]),
            today: trips.iter().find(|t| t.is_today).cloned(),
            trips,
            routes: self.route_cards(&plan.routes, None),
            predictability_heading: w.predictability_heading.to_string(),
            predictability: vec![
                figure(
                    w.figure_choices.to_string(),
                    q.choices as f64,
                    q.choices.to_string(),
                ),
                figure(
                    w.figure_route_guess.to_string(),
                    q.route_best_guess,
                    pct(q.route_best_guess),
                ),
                figure(
                    w.figure_departure_guess.to_string(),
                    q.departure_best_guess,
                    pct(q.departure_best_guess),
                ),
                figure(
                    w.figure_trip_guess.to_string(),
                    q.trip_best_guess,
                    pct(q.trip_best_guess),
                ),
                figure(
                    fill(w.figure_seen_leaving, &[("minutes", &wait)]),
                    q.watcher_sees_departure,
                    pct(q.watcher_sees_departure),
                ),
                figure(
                    fill(w.figure_seen_arriving, &[("minutes", &wait)]),
                    q.watcher_sees_arrival,
                    pct(q.watcher_sees_arrival),
                ),
            ],
            attribution: plan.attribution.clone(),
        }
    }

    pub(crate) fn routes_view(&self) -> RoutesScreen {
        let w = &self.s.routes;
        let found = self.routes.found.as_ref();
        RoutesScreen {
            map: self.map_card(),
            places_heading: w.places_heading.to_string(),
            places: self
                .routes
                .places
                .iter()
                .map(|p| PlaceRow {
                    name: p.name.clone(),
                    lat: p.lat,
                    lon: p.lon,
                    position_label: format!("{:.5}, {:.5}", p.lat, p.lon),
                    remove_label: w.remove_place.to_string(),
                })
                .collect(),
            no_places_text: w.no_places.to_string(),
            add_here_label: w.add_here.to_string(),
            add_label: w.add_place.to_string(),
            name_label: w.name.to_string(),
            lat_label: w.lat.to_string(),
            lon_label: w.lon.to_string(),
            from_label: w.from.to_string(),
            to_label: w.to.to_string(),
            modes: vec![
                ModeOption {
                    mode: TravelMode::Walk,
                    label: w.walk.to_string(),
                },
                ModeOption {
                    mode: TravelMode::Cycle,
                    label: w.cycle.to_string(),
                },
                ModeOption {
                    mode: TravelMode::Drive,
                    label: w.drive.to_string(),
                },
            ],
            find_label: w.find.to_string(),
            plan_label: fill(w.plan_button, &[("days", &PLAN_DAYS.to_string())]),
            arrive_by_label: w.arrive_by.to_string(),
            alternatives: found
                .map(|f| self.route_cards(&f.routes, Some(f.selected)))
                .unwrap_or_default(),
            drawing: found.map(|f| RouteDrawing {
                bbox: f.bbox.to_vec(),
                routes: f
                    .routes
                    .iter()
                    .enumerate()
                    .map(|(i, r)| RouteLine {
                        index: i as u32,
                        selected: i == f.selected,
                        points: r
                            .geometry
                            .iter()
                            .map(|&(lat, lon)| vec![lon, lat])
                            .collect(),
                    })
                    .collect(),
                streets: f.streets.clone(),
                streets_cut: f.streets_cut,
                attribution: waymark_core::routes::ATTRIBUTION.to_string(),
            }),
            plan: self.routes.plan.as_ref().map(|p| self.plan_card(p)),
            waiting_for_position: self.routes.pending_here.is_some(),
        }
    }
}

/// [min lon, min lat, max lon, max lat] of the routes, with `MARGIN_M` around.
fn route_bbox(routes: &[CoreRoute]) -> [f64; 4] {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(lat, lon) in routes.iter().flat_map(|r| r.geometry.iter()) {
        x0 = x0.min(lon);
        x1 = x1.max(lon);
        y0 = y0.min(lat);
        y1 = y1.max(lat);
    }
    if x0 > x1 {
        return [0.0; 4];
    }
    let dlat = MARGIN_M / 111_320.0;
    let mid = ((y0 + y1) / 2.0).to_radians().cos().max(0.01);
    let dlon = dlat / mid;
    [x0 - dlon, y0 - dlat, x1 + dlon, y1 + dlat]
}

/// The map's ways inside `bbox` as polylines (joined where a street runs on without a fork),
/// nearest the box's middle first, within `MAX_STREET_LINES` and `MAX_STREET_POINTS`. Returns
/// whether some were left out.
pub(crate) fn streets_within(graph: &Graph, bbox: [f64; 4]) -> (Vec<StreetLine>, bool) {
    let inside = |v: u32| {
        let (lat, lon) = graph.coord(v);
        lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]
    };
    // Undirected segments (a two-way street is two arcs: keep one), both ends in the box.
    let mut segs: Vec<(u32, u32, u32)> = Vec::new();
    let mut seen: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    for v in 0..graph.node_count() as u32 {
        if !inside(v) {
            continue;
        }
        for id in graph.arc_range(v) {
            let a = graph.arc(id);
            if a.to == v || !inside(a.to) {
                continue;
            }
            let key = (v.min(a.to), v.max(a.to));
            if seen.insert(key) {
                segs.push((key.0, key.1, a.name));
            }
        }
    }
    // Join segments through nodes where exactly two of them meet and the name goes on.
    let mut at: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &(a, b, _)) in segs.iter().enumerate() {
        at.entry(a).or_default().push(i);
        at.entry(b).or_default().push(i);
    }
    let mut used = vec![false; segs.len()];
    let mut lines: Vec<(Vec<u32>, u32)> = Vec::new();
    for start in 0..segs.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b, name) = segs[start];
        let mut nodes = std::collections::VecDeque::from([a, b]);
        for forward in [true, false] {
            loop {
                let end = if forward { nodes.back() } else { nodes.front() };
                let Some(&end) = end else { break };
                let next = at.get(&end).and_then(|list| {
                    if list.len() != 2 {
                        return None;
                    }
                    list.iter()
                        .copied()
                        .find(|&i| !used[i] && segs[i].2 == name)
                });
                let Some(i) = next else { break };
                used[i] = true;
                let (p, q, _) = segs[i];
                let other = if p == end { q } else { p };
                if forward {
                    nodes.push_back(other);
                } else {
                    nodes.push_front(other);
                }
            }
        }
        lines.push((nodes.into_iter().collect(), name));
    }
    // Nearest the middle first, so a cut keeps what is around the routes.
    let (cx, cy) = ((bbox[0] + bbox[2]) / 2.0, (bbox[1] + bbox[3]) / 2.0);
    let distance = |nodes: &[u32]| {
        nodes
            .iter()
            .map(|&v| {
                let (lat, lon) = graph.coord(v);
                (lon - cx).powi(2) + (lat - cy).powi(2)
            })
            .fold(f64::MAX, f64::min)
    };
    let mut keyed: Vec<(f64, Vec<u32>, u32)> = lines
        .into_iter()
        .map(|(n, name)| (distance(&n), n, name))
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = keyed.len();
    let mut out = Vec::new();
    let mut points = 0;
    for (_, nodes, name) in keyed {
        if out.len() >= MAX_STREET_LINES || points + nodes.len() > MAX_STREET_POINTS {
            break;
        }
        points += nodes.len();
        out.push(StreetLine {
            name: graph.name(name).unwrap_or("").to_string(),
            points: nodes
                .iter()
                .map(|&v| {
                    let (lat, lon) = graph.coord(v);
                    vec![lon, lat]
                })
                .collect(),
        });
    }
    let cut = out.len() < total;
    (out, cut)
}
