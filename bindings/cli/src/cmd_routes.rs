//! Maps, saved places, varied routes and plans: `waymark map|places|routes|plan`.

use crate::app::{App, CliError, CliResult};
use chrono::{Datelike, NaiveTime};
use clap::{Args, Subcommand};
use serde_json::json;
use waymark_core::routes::schedule::{plan_trips, OsRandom, PlanOptions, TripPlan};
use waymark_core::routes::store::parse_lat_lon;
use waymark_core::routes::{
    AlternativeOptions, AvoidArea, Profile, Route, RouteStore, ATTRIBUTION,
};

#[derive(Args)]
pub struct MapArgs {
    #[command(subcommand)]
    pub command: MapCommand,
}

#[derive(Subcommand)]
pub enum MapCommand {
    /// Load your area's map from an OpenStreetMap .osm.pbf file (kept inside your vault).
    Import {
        /// The .osm.pbf file.
        file: std::path::PathBuf,
    },
    /// Say which map is in use and what it covers.
    Info,
    /// Stop using an imported map and go back to the built-in sample map.
    Forget,
}

#[derive(Args)]
pub struct PlacesArgs {
    #[command(subcommand)]
    pub command: PlacesCommand,
}

#[derive(Subcommand)]
pub enum PlacesCommand {
    /// Save a place under a name you choose ("home", "work", "school").
    Add {
        name: String,
        /// Latitude,longitude, e.g. 60.1699,24.9384.
        #[arg(allow_hyphen_values = true)]
        position: String,
    },
    /// List saved places.
    List,
    /// Remove a saved place.
    Remove { name: String },
}

#[derive(Args)]
pub struct RoutesArgs {
    /// Where from: a saved place or latitude,longitude.
    #[arg(allow_hyphen_values = true)]
    pub from: String,
    /// Where to: a saved place or latitude,longitude.
    #[arg(allow_hyphen_values = true)]
    pub to: String,
    /// How you travel: foot, bike or car.
    #[arg(long, default_value = "foot")]
    pub profile: String,
    /// How many different routes to show at most (the fastest and others).
    #[arg(long, default_value_t = 3)]
    pub alternatives: usize,
    /// Print the routes as GeoJSON (for a map viewer).
    #[arg(long)]
    pub geojson: bool,
    #[command(flatten)]
    pub avoid: AvoidArgs,
}

#[derive(Args)]
pub struct AvoidArgs {
    /// Keep away from places where you logged incidents with a position.
    #[arg(long)]
    pub avoid_incidents: bool,
    /// Keep away from a spot: latitude,longitude (repeat for more).
    #[arg(long = "avoid", value_name = "LAT,LON", allow_hyphen_values = true)]
    pub avoid: Vec<String>,
    /// How far to keep away, in metres.
    #[arg(long, default_value_t = 100.0)]
    pub avoid_radius: f64,
}

#[derive(Args)]
pub struct PlanArgs {
    /// Where from: a saved place or latitude,longitude.
    #[arg(long, allow_hyphen_values = true)]
    pub from: String,
    /// Where to: a saved place or latitude,longitude.
    #[arg(long, allow_hyphen_values = true)]
    pub to: String,
    /// How many days to plan, starting tomorrow.
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// The latest you can arrive, e.g. 09:00.
    #[arg(long, value_name = "TIME")]
    pub arrive_by: Option<String>,
    /// The earliest you can leave, e.g. 17:30.
    #[arg(long, value_name = "TIME")]
    pub leave_after: Option<String>,
    /// Minutes of your day you are willing to give up to be less predictable (leaving earlier
    /// or arriving later than the quickest trip would need). With both --leave-after and
    /// --arrive-by, the window is the limit and this caps how much longer a route may be.
    #[arg(long, default_value_t = 15)]
    pub extra_minutes: u32,
    /// How you travel: foot, bike or car.
    #[arg(long, default_value = "foot")]
    pub profile: String,
    /// How long someone might wait outside, in minutes, for the "seen leaving" figure.
    #[arg(long, default_value_t = 10)]
    pub watcher_minutes: u32,
    #[command(flatten)]
    pub avoid: AvoidArgs,
}

pub fn map(args: MapArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let store = RouteStore::new(app.vault()?);
    match args.command {
        MapCommand::Import { file } => {
            let bytes = crate::input::read_plain_file(
                &file,
                "that map file",
                waymark_core::routes::import::MAX_MAP_BYTES,
            )?;
            let report = store.import_map(&bytes)?;
            if json {
                print_json(&json!({"imported": report, "attribution": ATTRIBUTION}))?;
            } else {
                println!(
                    "Map loaded and stored in your vault: {:.0} km of walkable ways, {:.0} km of roads.",
                    report.foot_km, report.car_km
                );
                println!(
                    "Ways without access tags follow the defaults for {} (from where the map is).",
                    waymark_core::routes::access::rules_for(&report.country).name
                );
                if report.missing_node_refs > 0 {
                    println!("Some ways run off the edge of the file; routes stop at its edge.");
                }
                println!("{ATTRIBUTION}");
            }
        }
        MapCommand::Info => {
            let info = store.map_info()?;
            if json {
                print_json(&info)?;
            } else {
                if info.imported {
                    let when = info
                        .imported_at
                        .map(|t| t.format(" on %-d %B %Y").to_string())
                        .unwrap_or_default();
                    println!("Using the map you imported{when}.");
                } else {
                    println!("Using the built-in sample map (central Helsinki). Import your own area with `waymark map import FILE`.");
                }
                println!(
                    "It covers about {:.1} × {:.1} km: {:.0} km to walk, {:.0} km to cycle, {:.0} km to drive.",
                    info.width_km, info.height_km, info.walk_km, info.bike_km, info.drive_km
                );
                println!("{}", info.attribution);
            }
        }
        MapCommand::Forget => {
            store.forget_map()?;
            println!("Your imported map was removed; the built-in sample map is in use.");
        }
    }
    Ok(())
}

pub fn places(args: PlacesArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let store = RouteStore::new(app.vault()?);
    match args.command {
        PlacesCommand::Add { name, position } => {
            let (lat, lon) = parse_lat_lon(&position).ok_or_else(|| {
                CliError::usage("give the position as latitude,longitude, e.g. 60.1699,24.9384")
            })?;
            let place = store.add_place(&name, lat, lon)?;
            if json {
                print_json(&place)?;
            } else {
                println!(
                    "Saved \"{}\". It is kept only inside your vault.",
                    place.name
                );
            }
        }
        PlacesCommand::List => {
            let places = store.places()?;
            if json {
                print_json(&places)?;
            } else if places.is_empty() {
                println!("No saved places yet. Add one with `waymark places add NAME LAT,LON`.");
            } else {
                for p in places {
                    println!("{:<20} {:.5},{:.5}", p.name, p.lat, p.lon);
                }
                println!("{ATTRIBUTION}");
            }
        }
        PlacesCommand::Remove { name } => {
            store.remove_place(&name)?;
            println!("Removed.");
        }
    }
    Ok(())
}

fn avoid_areas(args: &AvoidArgs, store: &RouteStore) -> Result<Vec<AvoidArea>, CliError> {
    if !(args.avoid_radius > 0.0 && args.avoid_radius <= 2000.0) {
        return Err(CliError::usage(
            "--avoid-radius must be between 1 and 2000 metres",
        ));
    }
    let mut areas = Vec::new();
    if args.avoid_incidents {
        areas.extend(store.incident_areas(args.avoid_radius)?);
    }
    for spec in &args.avoid {
        let (lat, lon) = parse_lat_lon(spec).ok_or_else(|| {
            CliError::usage("give each --avoid as latitude,longitude, e.g. 60.17,24.94")
        })?;
        areas.push(AvoidArea {
            lat,
            lon,
            radius_m: args.avoid_radius,
            label: None,
        });
    }
    Ok(areas)
}

pub fn routes(args: RoutesArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let store = RouteStore::new(app.vault()?);
    let profile = Profile::parse(&args.profile)?;
    let from = store.resolve(&args.from, "from")?;
    let to = store.resolve(&args.to, "to")?;
    let opts = AlternativeOptions {
        max_routes: args.alternatives,
        avoid: avoid_areas(&args.avoid, &store)?,
        ..AlternativeOptions::default()
    };
    let map = store.map()?;
    let routes = map.router(profile).alternatives(from, to, &opts)?;
    if args.geojson {
        print_json(&geojson(&routes, profile))?;
    } else if json {
        print_json(&json!({
            "profile": profile.as_str(),
            "routes": routes.iter().map(route_json).collect::<Vec<_>>(),
            "attribution": ATTRIBUTION,
        }))?;
    } else {
        // Every route starts and ends at the same snapped points; say it once.
        if let Some(note) = routes.first().and_then(|r| r.gap_note()) {
            println!("{note}");
        }
        for (i, r) in routes.iter().enumerate() {
            print_route("", i, r, profile);
        }
        if routes.len() < args.alternatives {
            println!(
                "Only {} clearly different route{} found within the time limit.",
                routes.len(),
                if routes.len() == 1 { " was" } else { "s were" }
            );
        }
        println!("{ATTRIBUTION}");
    }
    Ok(())
}

pub fn plan(args: PlanArgs, app: &mut App) -> CliResult {
    let json = app.json;
    let arrive_by = args.arrive_by.as_deref().map(parse_time).transpose()?;
    let leave_after = args.leave_after.as_deref().map(parse_time).transpose()?;
    let store = RouteStore::new(app.vault()?);
    let profile = Profile::parse(&args.profile)?;
    let from = store.resolve(&args.from, "from")?;
    let to = store.resolve(&args.to, "to")?;
    let opts = AlternativeOptions {
        max_routes: 5,
        avoid: avoid_areas(&args.avoid, &store)?,
        ..AlternativeOptions::default()
    };
    let map = store.map()?;
    let routes = map.router(profile).alternatives(from, to, &opts)?;
    let tomorrow = chrono::Local::now()
        .date_naive()
        .succ_opt()
        .ok_or_else(|| CliError::usage("the date on this computer looks wrong"))?;
    let plan_opts = PlanOptions {
        start_date: tomorrow,
        days: args.days,
        arrive_by,
        leave_after,
        extra_minutes: args.extra_minutes,
        watcher_wait_minutes: args.watcher_minutes,
    };
    let plan = plan_trips(routes, &plan_opts, &mut OsRandom::new())?;
    store.save_plan(&plan)?;
    if json {
        print_json(&plan_json(&plan, profile))?;
    } else {
        print_plan(&plan, &plan_opts, profile);
    }
    Ok(())
}

fn parse_time(s: &str) -> Result<NaiveTime, CliError> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s.trim(), "%H.%M"))
        .map_err(|_| CliError::usage("give times as HH:MM, e.g. 08:45"))
}

fn print_json(v: &impl serde::Serialize) -> CliResult {
    let s = serde_json::to_string_pretty(v)
        .map_err(|_| CliError::usage("could not format the output"))?;
    println!("{s}");
    Ok(())
}

fn line_coords(r: &Route) -> Vec<[f64; 2]> {
    // GeoJSON order is [longitude, latitude]; 6 decimals is about 10 cm.
    let round = |x: f64| (x * 1e6).round() / 1e6;
    r.geometry
        .iter()
        .map(|&(lat, lon)| [round(lon), round(lat)])
        .collect()
}

fn route_json(r: &Route) -> serde_json::Value {
    json!({
        "length_m": r.length_m.round(),
        "duration_s": r.duration_s.round(),
        "extra_s": r.extra_s.round(),
        "street_names": r.street_names,
        "shared_with_earlier": (r.shared_with_earlier * 1000.0).round() / 1000.0,
        "start_gap_m": r.start_gap_m.round(),
        "end_gap_m": r.end_gap_m.round(),
        "gap_note": r.gap_note(),
        "notes": r.notes,
        "geometry": {"type": "LineString", "coordinates": line_coords(r)},
        "attribution": ATTRIBUTION,
    })
}

fn geojson(routes: &[Route], profile: Profile) -> serde_json::Value {
    json!({
        "type": "FeatureCollection",
        "features": routes.iter().enumerate().map(|(i, r)| json!({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line_coords(r)},
            "properties": {
                "route": i + 1,
                "profile": profile.as_str(),
                "length_m": r.length_m.round(),
                "duration_s": r.duration_s.round(),
                "extra_s": r.extra_s.round(),
                "street_names": r.street_names,
                "notes": r.notes,
                "attribution": ATTRIBUTION,
            },
        })).collect::<Vec<_>>(),
        "attribution": ATTRIBUTION,
    })
}

fn minutes(secs: f64) -> String {
    let m = (secs / 60.0).round() as i64;
    if m < 1 {
        "under a minute".to_string()
    } else if m == 1 {
        "1 min".to_string()
    } else {
        format!("{m} min")
    }
}

fn travel_word(p: Profile) -> &'static str {
    match p {
        Profile::Foot => "on foot",
        Profile::Bike => "by bike",
        Profile::Car => "by car",
    }
}

fn print_route(indent: &str, i: usize, r: &Route, profile: Profile) {
    let head = if i == 0 {
        format!("Route {} (quickest)", i + 1)
    } else {
        format!("Route {} ({} longer)", i + 1, minutes(r.extra_s))
    };
    println!(
        "{indent}{head}: {:.1} km, {} {}",
        r.length_m / 1000.0,
        minutes(r.duration_s),
        travel_word(profile)
    );
    if !r.street_names.is_empty() {
        println!("{indent}  along {}", r.street_names.join(", "));
    }
    if i > 0 {
        println!(
            "{indent}  {:.0}% of it runs close to the routes above",
            r.shared_with_earlier * 100.0
        );
    }
    for n in &r.notes {
        println!("{indent}  {n}");
    }
}

fn plan_json(plan: &TripPlan, profile: Profile) -> serde_json::Value {
    json!({
        "profile": profile.as_str(),
        "routes": plan.routes.iter().map(route_json).collect::<Vec<_>>(),
        "trips": plan.trips.iter().map(|t| json!({
            "date": t.date.to_string(),
            "weekday": t.weekday,
            "route": t.route + 1,
            "depart": t.depart.format("%H:%M").to_string(),
            "arrive": t.arrive.format("%H:%M").to_string(),
        })).collect::<Vec<_>>(),
        "predictability": plan.predictability,
        "attribution": ATTRIBUTION,
    })
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn print_plan(plan: &TripPlan, o: &PlanOptions, profile: Profile) {
    let window = match (o.leave_after, o.arrive_by) {
        (Some(l), Some(a)) => format!(
            "leaving after {} and arriving by {}",
            l.format("%H:%M"),
            a.format("%H:%M")
        ),
        (None, Some(a)) => format!("arriving by {}", a.format("%H:%M")),
        (Some(l), None) => format!("leaving after {}", l.format("%H:%M")),
        (None, None) => String::new(),
    };
    println!(
        "Your plan for the next {} days ({}, {window}, up to {} extra minutes):",
        o.days,
        travel_word(profile),
        o.extra_minutes
    );
    for t in &plan.trips {
        println!(
            "  {:<3} {}  leave {}  route {}  arrive {}",
            t.date.weekday(),
            t.date.format("%-d %b"),
            t.depart.format("%H:%M"),
            t.route + 1,
            t.arrive.format("%H:%M")
        );
    }
    println!("Routes:");
    if let Some(note) = plan.routes.first().and_then(|r| r.gap_note()) {
        println!("  {note}");
    }
    for (i, r) in plan.routes.iter().enumerate() {
        let used = plan.trips.iter().filter(|t| t.route == i).count();
        print_route("  ", i, r, profile);
        if used == 0 {
            println!("    (not drawn this time)");
        }
    }
    let p = &plan.predictability;
    println!("How predictable this is:");
    println!(
        "  - Someone's best guess of your route would be right on about {} of days.",
        pct(p.route_best_guess)
    );
    println!(
        "  - Their best guess of the minute you leave would be right on about {} of days.",
        pct(p.departure_best_guess)
    );
    println!(
        "  - Someone waiting {} minutes outside at the best time for them would see you leave on about {} of days (and arrive on {}).",
        p.watcher_wait_minutes,
        pct(p.watcher_sees_departure),
        pct(p.watcher_sees_arrival)
    );
    if p.watcher_sees_departure > 0.5 {
        println!(
            "    To lower this, allow more extra minutes or a wider time window: the spread of leaving times is what protects you."
        );
    }
    let route_scores: Vec<String> = p
        .predictors
        .iter()
        .filter(|s| s.guessing == "route")
        .map(|s| format!("{} {}", s.predictor, pct(s.hit_rate)))
        .collect();
    if plan.trips.len() > 1 {
        println!(
            "  - Guessing your route from the days before in this plan: {} (the best guess can do is about {}).",
            route_scores.join(", "),
            pct(p.route_best_guess)
        );
    }
    println!(
        "Each day is drawn at random on its own, so no day tells anyone anything about the next."
    );
    println!("The plan is saved in your vault. Share it only with people you trust.");
    println!("{ATTRIBUTION}");
}
