//! The imported map, saved places and plans, kept only inside the vault's encrypted database.
//!
//! These are the most sensitive things Waymark holds: where someone lives, works and how they
//! get there. Nothing here is written to a plain file or logged; errors name no place.

use super::graph::Profile;
use super::import::ImportReport;
use super::schedule::{plan_trips, OsRandom, PlanOptions, TripPlan};
use super::search::{AlternativeOptions, AvoidArea, Route};
use super::{RoutingMap, ATTRIBUTION};
use crate::error::{Error, Result};
use crate::log::{IncidentLog, ListFilter};
use crate::progress::{Progress, Stage};
use crate::vault::Vault;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::path::Path;

/// Append-only; registered in vault/schema.rs.
pub(crate) const MIGRATIONS: &[&str] = &["
CREATE TABLE routes_map (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    graph BLOB NOT NULL,
    report TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE routes_places (
    name_key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE routes_plans (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    plan TEXT NOT NULL
);
"];

const MAX_PLACES: usize = 200;
/// Older plans are removed beyond this many, so old routines do not pile up.
const KEEP_PLANS: i64 = 20;
/// The largest map file `import_map_file` reads into memory.
pub const MAX_MAP_FILE: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedPlace {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// What a route or plan keeps away from.
#[derive(Debug, Clone, PartialEq)]
pub struct Avoid {
    /// Places where incidents with a position were logged.
    pub incidents: bool,
    /// (lat, lon) spots the person chose.
    pub spots: Vec<(f64, f64)>,
    pub radius_m: f64,
}

impl Default for Avoid {
    fn default() -> Self {
        Avoid {
            incidents: false,
            spots: vec![],
            radius_m: 100.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapInfo {
    /// False while the bundled sample map (central Helsinki) is in use.
    pub imported: bool,
    pub imported_at: Option<DateTime<Utc>>,
    pub nodes: usize,
    pub arcs: usize,
    pub width_km: f64,
    pub height_km: f64,
    pub walk_km: f64,
    pub bike_km: f64,
    pub drive_km: f64,
    pub attribution: String,
}

/// Routes storage over an unlocked vault.
pub struct RouteStore<'v> {
    vault: &'v Vault,
}

/// Place names are matched without regard to case or surrounding spaces.
fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::invalid("place name", "use 1 to 60 characters"));
    }
    if name.contains(',') && parse_lat_lon(name).is_some() {
        return Err(Error::invalid(
            "place name",
            "a name cannot look like a position",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid("place name", "contains control characters"));
    }
    Ok(name)
}

/// "lat,lon" in decimal degrees.
pub fn parse_lat_lon(s: &str) -> Option<(f64, f64)> {
    let (a, b) = s.split_once(',')?;
    let lat: f64 = a.trim().parse().ok()?;
    let lon: f64 = b.trim().parse().ok()?;
    (lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
        .then_some((lat, lon))
}

impl<'v> RouteStore<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        RouteStore { vault }
    }

    /// Import a PBF file and make it the map. The old map stays if the file is refused.
    pub fn import_map(&self, pbf: &[u8]) -> Result<ImportReport> {
        self.import_map_with_progress(pbf, Progress::NONE)
    }

    /// As `import_map`, reporting progress; a cancelled import returns `Cancelled` and keeps
    /// the old map (the new one is stored in one transaction at the very end).
    pub fn import_map_with_progress(&self, pbf: &[u8], progress: Progress) -> Result<ImportReport> {
        let reading = progress.span(Stage::ReadingMap, 0.0, 0.9);
        let (map, report) =
            RoutingMap::from_pbf_with_progress(pbf, &|f| reading.report(f).is_ok())?;
        progress.report(Stage::SavingMap, 0.9)?;
        let graph = map.to_bytes();
        let report_json =
            serde_json::to_string(&report).map_err(|_| Error::storage("could not encode"))?;
        self.vault.write(|tx| {
            // Last chance to stop: after this the new map is kept.
            progress.check()?;
            tx.conn().execute(
                "INSERT INTO routes_map (id, graph, report, imported_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET graph = excluded.graph, report = excluded.report,
                 imported_at = excluded.imported_at",
                params![graph, report_json, tx.now().to_rfc3339()],
            )?;
            Ok(())
        })?;
        // Stored: a cancel now comes too late to matter.
        progress.report(Stage::SavingMap, 1.0).ok();
        Ok(report)
    }

    /// Imports the map file at `path` (see `import_map_with_progress`). Files larger than
    /// `MAX_MAP_FILE` are refused before reading: a phone cannot route over a country anyway.
    pub fn import_map_file(&self, path: &Path, progress: Progress) -> Result<ImportReport> {
        // Say so before reading a large file that could not be stored anyway.
        if !self.vault.is_unlocked() {
            return Err(Error::Locked);
        }
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::not_found("that map file"),
            _ => Error::from(e),
        })?;
        if meta.is_dir() {
            return Err(Error::invalid("map file", "is a folder, not a file"));
        }
        // A device (/dev/zero has length 0) would be read forever, a pipe would block.
        if !meta.is_file() {
            return Err(Error::invalid("map file", "is not a regular file"));
        }
        if meta.len() > MAX_MAP_FILE {
            return Err(Error::invalid(
                "map file",
                "is too large for a phone (at most 512 MB); use a city or region extract",
            ));
        }
        let bytes = std::fs::read(path)?;
        progress.check()?;
        self.import_map_with_progress(&bytes, progress)
    }

    /// Go back to the bundled sample map.
    pub fn forget_map(&self) -> Result<()> {
        self.vault.write(|tx| {
            tx.conn().execute("DELETE FROM routes_map", [])?;
            Ok(())
        })
    }

    /// The imported map, or the bundled one if none was imported.
    pub fn map(&self) -> Result<RoutingMap> {
        let stored: Option<Vec<u8>> = self.vault.read(|c| {
            Ok(
                c.query_row("SELECT graph FROM routes_map WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        match stored {
            Some(bytes) => RoutingMap::from_bytes(&bytes),
            None => RoutingMap::bundled(),
        }
    }

    pub fn map_info(&self) -> Result<MapInfo> {
        let imported_at: Option<String> = self.vault.read(|c| {
            Ok(
                c.query_row("SELECT imported_at FROM routes_map WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        let map = self.map()?;
        let (w, h) = map.extent_km();
        Ok(MapInfo {
            imported: imported_at.is_some(),
            imported_at: imported_at
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .map(|t| t.with_timezone(&Utc)),
            nodes: map.graph().node_count(),
            arcs: map.graph().arc_count(),
            width_km: w,
            height_km: h,
            walk_km: map.network_km(Profile::Foot),
            bike_km: map.network_km(Profile::Bike),
            drive_km: map.network_km(Profile::Car),
            attribution: ATTRIBUTION.to_string(),
        })
    }

    pub fn add_place(&self, name: &str, lat: f64, lon: f64) -> Result<SavedPlace> {
        let name = check_name(name)?;
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(Error::invalid(
                "position",
                "that is not a valid latitude,longitude",
            ));
        }
        self.vault.write(|tx| {
            let c = tx.conn();
            let count: i64 = c.query_row("SELECT COUNT(*) FROM routes_places", [], |r| r.get(0))?;
            if count as usize >= MAX_PLACES {
                return Err(Error::invalid("places", "too many saved places; remove some first"));
            }
            let exists: Option<i64> = c
                .query_row(
                    "SELECT 1 FROM routes_places WHERE name_key = ?1",
                    [name_key(name)],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(Error::invalid(
                    "place name",
                    "a saved place already has that name; remove it first or choose another",
                ));
            }
            c.execute(
                "INSERT INTO routes_places (name_key, name, lat, lon, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name_key(name), name, lat, lon, tx.now().to_rfc3339()],
            )?;
            Ok(())
        })?;
        Ok(SavedPlace {
            name: name.to_string(),
            lat,
            lon,
        })
    }

    pub fn places(&self) -> Result<Vec<SavedPlace>> {
        self.vault.read(|c| {
            let mut stmt =
                c.prepare("SELECT name, lat, lon FROM routes_places ORDER BY name_key")?;
            let rows = stmt.query_map([], |r| {
                Ok(SavedPlace {
                    name: r.get(0)?,
                    lat: r.get(1)?,
                    lon: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
        })
    }

    pub fn remove_place(&self, name: &str) -> Result<()> {
        let key = name_key(name);
        self.vault.write(|tx| {
            let n = tx
                .conn()
                .execute("DELETE FROM routes_places WHERE name_key = ?1", [key])?;
            if n == 0 {
                return Err(Error::not_found("no saved place has that name"));
            }
            Ok(())
        })
    }

    /// A saved place's name, or "lat,lon".
    pub fn resolve(&self, spec: &str, field: &str) -> Result<(f64, f64)> {
        if let Some(p) = parse_lat_lon(spec) {
            return Ok(p);
        }
        let key = name_key(spec);
        let found: Option<(f64, f64)> = self.vault.read(|c| {
            Ok(c.query_row(
                "SELECT lat, lon FROM routes_places WHERE name_key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        found.ok_or_else(|| {
            Error::invalid(
                field,
                "not a saved place and not a latitude,longitude (e.g. 60.17,24.94)",
            )
        })
    }

    /// Places where incidents with a position were logged, as areas for routes to go round.
    pub fn incident_areas(&self, radius_m: f64) -> Result<Vec<AvoidArea>> {
        let incidents = IncidentLog::new(self.vault).list(&ListFilter::default())?;
        Ok(incidents
            .iter()
            .filter_map(|i| {
                let p = i.details.place.as_ref()?;
                Some(AvoidArea {
                    lat: p.lat?,
                    lon: p.lon?,
                    radius_m,
                    label: Some(format!(
                        "where you logged \"{}\" on {}",
                        i.details.kind.label().to_lowercase(),
                        i.details.occurred.start.format("%-d %b")
                    )),
                })
            })
            .collect())
    }

    /// The areas a route or plan keeps away from: incident places (if asked) and spots the
    /// person chose, each `radius_m` (1 to 2000 m) across.
    pub fn avoid_areas(&self, avoid: &Avoid) -> Result<Vec<AvoidArea>> {
        if !(avoid.radius_m > 0.0 && avoid.radius_m <= 2000.0) {
            return Err(Error::invalid(
                "avoid radius",
                "must be between 1 and 2000 metres",
            ));
        }
        let mut areas = Vec::new();
        if avoid.incidents {
            areas.extend(self.incident_areas(avoid.radius_m)?);
        }
        for &(lat, lon) in &avoid.spots {
            if parse_lat_lon(&format!("{lat},{lon}")).is_none() {
                return Err(Error::invalid(
                    "avoid",
                    "that is not a valid latitude,longitude",
                ));
            }
            areas.push(AvoidArea {
                lat,
                lon,
                radius_m: avoid.radius_m,
                label: None,
            });
        }
        Ok(areas)
    }

    /// Up to `max_routes` clearly different routes between two saved places (or "lat,lon"),
    /// the fastest first, on the imported map (or the bundled one).
    pub fn alternatives(
        &self,
        from: &str,
        to: &str,
        profile: Profile,
        max_routes: usize,
        avoid: &Avoid,
    ) -> Result<Vec<Route>> {
        if !(1..=10).contains(&max_routes) {
            return Err(Error::invalid("alternatives", "must be 1 to 10"));
        }
        let from = self.resolve(from, "from")?;
        let to = self.resolve(to, "to")?;
        let opts = AlternativeOptions {
            max_routes,
            avoid: self.avoid_areas(avoid)?,
            ..AlternativeOptions::default()
        };
        self.map()?.router(profile).alternatives(from, to, &opts)
    }

    /// Draws a plan over up to five alternatives with the OS's CSPRNG and keeps it.
    pub fn plan(
        &self,
        from: &str,
        to: &str,
        profile: Profile,
        avoid: &Avoid,
        options: &PlanOptions,
    ) -> Result<TripPlan> {
        let routes = self.alternatives(from, to, profile, 5, avoid)?;
        let plan = plan_trips(routes, options, &mut OsRandom::new())?;
        self.save_plan(&plan)?;
        Ok(plan)
    }

    /// Keep a plan (encrypted with everything else). Returns its id.
    pub fn save_plan(&self, plan: &TripPlan) -> Result<i64> {
        let json = serde_json::to_string(plan).map_err(|_| Error::storage("could not encode"))?;
        self.vault.write(|tx| {
            let c = tx.conn();
            c.execute(
                "INSERT INTO routes_plans (created_at, plan) VALUES (?1, ?2)",
                params![tx.now().to_rfc3339(), json],
            )?;
            let id = c.last_insert_rowid();
            c.execute("DELETE FROM routes_plans WHERE id <= ?1", [id - KEEP_PLANS])?;
            Ok(id)
        })
    }

    /// The most recent plan, if any.
    pub fn latest_plan(&self) -> Result<Option<TripPlan>> {
        let json: Option<String> = self.vault.read(|c| {
            Ok(c.query_row(
                "SELECT plan FROM routes_plans ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        json.map(|j| serde_json::from_str(&j).map_err(|_| Error::integrity("stored plan")))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::schedule::{plan_trips, OsRandom, PlanOptions};
    use crate::routes::AlternativeOptions;
    use crate::vault::CreateOptions;
    use crate::ManualClock;
    use chrono::{NaiveDate, NaiveTime, TimeZone};
    use std::sync::Arc;

    fn vault() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap(),
        ));
        let (v, _) = Vault::create(dir.path(), "246810", CreateOptions::for_tests(clock)).unwrap();
        (dir, v)
    }

    #[test]
    fn places_are_stored_in_the_vault_and_need_it_unlocked() {
        let (dir, v) = vault();
        let s = RouteStore::new(&v);
        s.add_place("Home", 60.1699, 24.9384).unwrap();
        s.add_place("Work", 60.1720, 24.9410).unwrap();
        assert!(matches!(
            s.add_place(" home ", 60.0, 24.0),
            Err(Error::InvalidInput { .. })
        ));
        assert!(s.add_place("", 60.0, 24.0).is_err());
        assert!(s.add_place("Gym", 95.0, 24.0).is_err());
        assert_eq!(s.resolve("HOME", "from").unwrap(), (60.1699, 24.9384));
        assert_eq!(s.resolve("60.1,24.9", "from").unwrap(), (60.1, 24.9));
        let err = s.resolve("Nowhere", "to").unwrap_err();
        assert!(
            !err.to_string().contains("Nowhere"),
            "errors do not repeat place names"
        );
        assert_eq!(s.places().unwrap().len(), 2);
        s.remove_place("work").unwrap();
        assert!(matches!(
            s.remove_place("work"),
            Err(Error::NotFound { .. })
        ));
        // Nothing readable on disk: the name and coordinates appear in no file of the vault.
        v.checkpoint().unwrap();
        for entry in walk(dir.path()) {
            let bytes = std::fs::read(&entry).unwrap();
            for needle in [&b"Home"[..], b"60.1699", b"routes_places"] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "plaintext found in a vault file"
                );
            }
        }
        v.lock();
        assert!(matches!(s.places(), Err(Error::Locked)));
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn imported_map_and_plans_round_trip_through_the_vault() {
        let (_dir, v) = vault();
        let s = RouteStore::new(&v);
        assert!(!s.map_info().unwrap().imported);
        // A refused file leaves things as they were.
        assert!(s.import_map(b"not a map").is_err());
        assert!(!s.map_info().unwrap().imported);
        let report = s.import_map(super::super::BUNDLED_PBF).unwrap();
        let info = s.map_info().unwrap();
        assert!(info.imported);
        assert_eq!(info.nodes, report.nodes);
        assert_eq!(info.attribution, ATTRIBUTION);

        let map = s.map().unwrap();
        let router = map.router(Profile::Foot);
        let routes = router
            .alternatives(
                (60.1690, 24.9400),
                (60.1760, 24.9480),
                &AlternativeOptions::default(),
            )
            .unwrap();
        let opts = PlanOptions {
            start_date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            days: 7,
            arrive_by: NaiveTime::from_hms_opt(9, 0, 0),
            leave_after: None,
            extra_minutes: 10,
            watcher_wait_minutes: 10,
        };
        let plan = plan_trips(routes, &opts, &mut OsRandom::new()).unwrap();
        s.save_plan(&plan).unwrap();
        let back = s.latest_plan().unwrap().unwrap();
        assert_eq!(back.trips, plan.trips);
        assert_eq!(back.routes.len(), plan.routes.len());
        s.forget_map().unwrap();
        assert!(!s.map_info().unwrap().imported);
    }

    #[test]
    fn places_of_logged_incidents_become_areas_to_go_round() {
        use crate::log::{IncidentKind, NewIncident, Occurred, Place};
        let (_dir, v) = vault();
        let log = IncidentLog::new(&v);
        let at = Utc.with_ymd_and_hms(2026, 11, 3, 8, 15, 0).unwrap();
        let mut with_place = NewIncident::new(
            IncidentKind::Followed,
            Occurred {
                start: at,
                end: None,
            },
            "followed",
        );
        with_place.place = Some(Place {
            lat: Some(60.1705),
            lon: Some(24.9440),
            ..Place::default()
        });
        log.record(with_place).unwrap();
        log.record(NewIncident::new(
            IncidentKind::Threats,
            Occurred {
                start: at,
                end: None,
            },
            "no place",
        ))
        .unwrap();
        let areas = RouteStore::new(&v).incident_areas(80.0).unwrap();
        assert_eq!(areas.len(), 1);
        assert_eq!(
            (areas[0].lat, areas[0].lon, areas[0].radius_m),
            (60.1705, 24.9440, 80.0)
        );
        assert_eq!(
            areas[0].label.as_deref(),
            Some("where you logged \"followed\" on 3 Nov")
        );
    }
}
