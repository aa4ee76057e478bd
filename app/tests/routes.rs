//! Routes and plan on the bundled Helsinki map: saved places (by name and position, and from a
//! location fix), the alternatives between two of them with their figures and what a shell
//! needs to draw them, today's plan with its predictability figures, and importing a map from a
//! picked file as long work (refused, cancelled and completed).

mod common;

use common::*;
use waymark_app::strings::EN;
use waymark_app::{
    AppEvent, AppUpdate, Destination, Effect, PickSource, RoutesScreen, Screen, SmsAbility, Tone,
    TravelMode, ViewModel,
};

fn routes(v: &ViewModel) -> RoutesScreen {
    match &v.screen {
        Screen::Routes { routes } => routes.clone(),
        other => panic!("expected the routes screen, got {other:?}"),
    }
}

fn run_work_id(u: &AppUpdate) -> String {
    u.effects
        .iter()
        .find_map(|e| match e {
            Effect::RunWork { id } => Some(id.clone()),
            _ => None,
        })
        .expect("a RunWork effect")
}

fn on_routes() -> Phone {
    let mut p = Phone::new(SmsAbility::SendSilently);
    p.set_up();
    p.send(AppEvent::Open {
        to: Destination::Routes,
    });
    p
}

// Two spots in central Helsinki, about 1 km apart (as in the FFI's own routes test).
const HOME: (f64, f64) = (60.1690, 24.9400);
const WORK: (f64, f64) = (60.1760, 24.9480);

#[test]
fn places_routes_with_figures_and_a_drawing_and_a_plan_on_the_bundled_map() {
    let mut p = on_routes();
    let v = p.view();
    assert_eq!(v.title, EN.routes.title);
    let r = routes(&v);
    assert!(!r.map.imported);
    assert_eq!(r.map.label, EN.routes.map_sample);
    assert!(
        r.map.size_label.contains("km of streets to walk"),
        "{}",
        r.map.size_label
    );
    assert!(r.map.forget_label.is_none());
    assert!(r.map.attribution.contains("OpenStreetMap"));
    assert!(r.places.is_empty());
    assert_eq!(r.no_places_text, EN.routes.no_places);
    assert!(r.drawing.is_none() && r.plan.is_none());

    // A place by name and position.
    let u = p.send(AppEvent::AddPlace {
        name: "Home".into(),
        lat: HOME.0,
        lon: HOME.1,
    });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.routes.place_saved);
    let r = routes(&u.view);
    assert_eq!(r.places.len(), 1);
    assert_eq!(r.places[0].name, "Home");
    assert_eq!(r.places[0].position_label, "60.16900, 24.94000");

    // A place from where the phone is: no fresh fix yet, so one is asked for first.
    let u = p.send(AppEvent::AddPlaceHere {
        name: "Work".into(),
    });
    assert!(u.effects.contains(&Effect::RequestLocation));
    assert!(routes(&u.view).waiting_for_position);
    assert_eq!(
        u.view.banner.clone().unwrap().text,
        EN.routes.finding_position
    );
    let u = p.send(AppEvent::LocationFix {
        lat: WORK.0,
        lon: WORK.1,
        accuracy_m: Some(8.0),
    });
    let r = routes(&u.view);
    assert!(!r.waiting_for_position);
    assert_eq!(
        r.places.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        vec!["Home", "Work"]
    );

    // The alternatives between them, on foot.
    let u = p.send(AppEvent::FindRoutes {
        from: "Home".into(),
        to: "work".into(),
        mode: TravelMode::Walk,
    });
    assert!(u.view.banner.is_none(), "{:?}", u.view.banner);
    let r = routes(&u.view);
    let cards = &r.alternatives;
    assert!(cards.len() >= 2, "{} alternatives", cards.len());
    assert_eq!(cards[0].title, "Route 1 (fastest)");
    assert_eq!(cards[0].stretch, 1.0);
    assert!(cards[0].stretch_label.is_empty() && cards[0].corridor_label.is_empty());
    assert!(cards[0].selected && !cards[1].selected);
    assert_eq!(cards[1].title, "Route 2");
    for c in cards {
        assert!(c.minutes >= 5 && c.minutes <= 60, "{c:?}");
        assert!(c.minutes_label.starts_with(&format!("{} min, ", c.minutes)));
        assert!(c.stretch >= 1.0 && c.stretch <= 2.0, "{c:?}");
        assert!((0.0..=1.0).contains(&c.corridor_share));
        assert!(!c.streets.is_empty());
        assert!(c.streets_label.starts_with("Via "));
    }
    assert!(cards[1].stretch_label.contains("longer than the fastest"));
    assert!(cards[1]
        .corridor_label
        .ends_with("% along the routes above"));

    // What a shell needs to draw them: [lon, lat] lines, a box, the streets around.
    let d = r.drawing.expect("a drawing");
    let [x0, y0, x1, y1] = [d.bbox[0], d.bbox[1], d.bbox[2], d.bbox[3]];
    assert!(x0 < x1 && y0 < y1);
    assert!(
        (24.9..25.0).contains(&x0) && (60.1..60.2).contains(&y0),
        "{:?}",
        d.bbox
    );
    assert_eq!(d.routes.len(), cards.len());
    for line in &d.routes {
        assert!(line.points.len() >= 2);
        for pt in &line.points {
            assert_eq!(pt.len(), 2);
            assert!(
                pt[0] >= x0 && pt[0] <= x1 && pt[1] >= y0 && pt[1] <= y1,
                "{pt:?}"
            );
        }
        // Starts near Home, ends near Work ([lon, lat]).
        let a = &line.points[0];
        let b = &line.points[line.points.len() - 1];
        assert!(
            (a[0] - HOME.1).abs() < 0.003 && (a[1] - HOME.0).abs() < 0.002,
            "{a:?}"
        );
        assert!(
            (b[0] - WORK.1).abs() < 0.003 && (b[1] - WORK.0).abs() < 0.002,
            "{b:?}"
        );
    }
    assert!(d.streets.len() >= 20, "{} streets", d.streets.len());
    assert!(d.streets.len() <= 1000);
    assert!(d.streets.iter().map(|s| s.points.len()).sum::<usize>() <= 8000);
    for s in &d.streets {
        assert!(s.points.len() >= 2);
        for pt in &s.points {
            assert!(
                pt[0] >= x0 && pt[0] <= x1 && pt[1] >= y0 && pt[1] <= y1,
                "{pt:?}"
            );
        }
    }
    // The streets the routes use are among those drawn.
    let drawn: std::collections::BTreeSet<&str> =
        d.streets.iter().map(|s| s.name.as_str()).collect();
    assert!(cards[0].streets.iter().any(|s| drawn.contains(s.as_str())));
    assert!(d.attribution.contains("OpenStreetMap"));

    let u = p.send(AppEvent::SelectRoute { index: 1 });
    let r = routes(&u.view);
    assert!(!r.alternatives[0].selected && r.alternatives[1].selected);
    let d = r.drawing.unwrap();
    assert!(d.routes[1].selected && !d.routes[0].selected);
    // An index out of range changes nothing.
    let u = p.send(AppEvent::SelectRoute { index: 99 });
    assert!(routes(&u.view).alternatives[1].selected);

    // Today's plan, arriving by 09:00.
    let u = p.send(AppEvent::PlanTrips {
        from: "Home".into(),
        to: "Work".into(),
        mode: TravelMode::Walk,
        arrive_by_minute: Some(9 * 60),
    });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.routes.plan_made);
    let plan = routes(&u.view).plan.expect("the plan");
    assert_eq!(plan.heading, "Your plan for the next 7 days");
    assert_eq!(plan.trips.len(), 7);
    let today = plan.today.clone().expect("a trip today");
    assert_eq!(today.date, "2026-11-20");
    assert_eq!(today.day_label, "Fri 20 Nov");
    assert!(today.arrive.as_str() <= "09:00", "{today:?}");
    assert!(today
        .text
        .starts_with(&format!("Leave {} by route ", today.depart)));
    assert!((today.route as usize) < plan.routes.len());
    assert_eq!(plan.predictability.len(), 6);
    assert!(plan.predictability[0].value >= 1.0);
    for f in &plan.predictability[1..] {
        assert!((0.0..=1.0).contains(&f.value), "{f:?}");
        assert!(f.value_label.ends_with('%'));
    }
    assert_eq!(
        plan.predictability_heading,
        EN.routes.predictability_heading
    );

    // After a restart the places and the plan are still there (in the vault).
    let mut p = p.lock_and_relaunch();
    p.enter_pin(PIN);
    let u = p.send(AppEvent::Open {
        to: Destination::Routes,
    });
    let r = routes(&u.view);
    assert_eq!(r.places.len(), 2);
    assert_eq!(r.plan.expect("the plan kept").trips.len(), 7);

    let u = p.send(AppEvent::RemovePlace {
        name: "Work".into(),
    });
    assert_eq!(u.view.banner.clone().unwrap().text, EN.routes.place_removed);
    assert_eq!(routes(&u.view).places.len(), 1);

    // Locking forgets what the screen held: unlocked again, no routes are on it until asked.
    p.send(AppEvent::FindRoutes {
        from: "Home".into(),
        to: "60.1760,24.9480".into(),
        mode: TravelMode::Walk,
    });
    assert!(routes(&p.view()).drawing.is_some());
    let u = p.send(AppEvent::Panic);
    lock(&u.view);
    p.enter_pin(PIN);
    let u = p.send(AppEvent::Open {
        to: Destination::Routes,
    });
    let r = routes(&u.view);
    assert!(r.drawing.is_none() && r.alternatives.is_empty());
    assert_eq!(r.places.len(), 1);
}

#[test]
fn bad_places_and_unknown_names_are_said_plainly_and_change_nothing() {
    let mut p = on_routes();
    let u = p.send(AppEvent::AddPlace {
        name: " ".into(),
        lat: HOME.0,
        lon: HOME.1,
    });
    let b = u.view.banner.clone().unwrap();
    assert_eq!(b.tone, Tone::Danger);
    assert!(b.text.starts_with("Please check: place name"), "{}", b.text);
    let u = p.send(AppEvent::AddPlace {
        name: "Home".into(),
        lat: f64::NAN,
        lon: HOME.1,
    });
    assert_eq!(u.view.banner.clone().unwrap().tone, Tone::Danger);
    assert!(routes(&u.view).places.is_empty());

    let u = p.send(AppEvent::FindRoutes {
        from: "Nowhere".into(),
        to: "60.1760,24.9480".into(),
        mode: TravelMode::Walk,
    });
    assert_eq!(u.view.banner.clone().unwrap().tone, Tone::Danger);
    assert!(routes(&u.view).drawing.is_none());
    let u = p.send(AppEvent::PlanTrips {
        from: "60.1690,24.9400".into(),
        to: "60.1760,24.9480".into(),
        mode: TravelMode::Walk,
        arrive_by_minute: Some(24 * 60),
    });
    assert_eq!(u.view.banner.clone().unwrap().tone, Tone::Danger);
    assert!(routes(&u.view).plan.is_none());
}

#[test]
fn a_map_from_a_picked_file_is_imported_with_progress_refused_or_cancelled_keeping_the_old() {
    let mut p = on_routes();
    // A file that is no map: refused, the sample stays.
    let junk = p.dir.path().join("junk.osm.pbf");
    std::fs::write(&junk, b"this is not a map").unwrap();
    let u = p.send(AppEvent::ImportMap);
    assert!(u.effects.contains(&Effect::PickFile {
        source: PickSource::Files
    }));
    let u = p.send(AppEvent::FilePicked {
        path: junk.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    assert_eq!(u.view.work.unwrap().title, EN.export.working_map);
    let done = p.app.run_work(id);
    assert_eq!(done.view.banner.clone().unwrap().tone, Tone::Danger);
    assert!(!routes(&done.view).map.imported);

    // Picking nothing does nothing.
    p.send(AppEvent::ImportMap);
    let u = p.send(AppEvent::FilePickCancelled);
    assert!(u.effects.is_empty());
    assert!(u.view.work.is_none());

    // The bundled extract as if it were a downloaded one; cancelled at its first report.
    let map = p.dir.path().join("helsinki.osm.pbf");
    std::fs::write(&map, waymark_core::routes::BUNDLED_PBF).unwrap();
    p.send(AppEvent::ImportMap);
    let u = p.send(AppEvent::FilePicked {
        path: map.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    let cancel_id = id.clone();
    let done = p.app.run_work_watched(&id, &|_, _| {
        p.app.dispatch(AppEvent::CancelWork {
            id: cancel_id.clone(),
        });
    });
    assert_eq!(
        done.view.banner.clone().unwrap().text,
        EN.routes.map_import_stopped
    );
    assert!(!routes(&done.view).map.imported);

    // To the end: the imported map is the one in use, and can be forgotten.
    p.send(AppEvent::ImportMap);
    let u = p.send(AppEvent::FilePicked {
        path: map.to_string_lossy().into_owned(),
    });
    let id = run_work_id(&u);
    let seen = std::sync::Mutex::new(Vec::new());
    let done = p
        .app
        .run_work_watched(&id, &|_, f| seen.lock().unwrap().push(f));
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.len() >= 2 && seen.windows(2).all(|w| w[1] >= w[0]),
        "{seen:?}"
    );
    let b = done.view.banner.clone().unwrap();
    assert_eq!(b.tone, Tone::Good);
    assert!(
        b.text.starts_with("Map imported: ") && b.text.ends_with(" km of streets to walk."),
        "{}",
        b.text
    );
    let r = routes(&done.view);
    assert!(r.map.imported);
    assert_eq!(r.map.label, "Map imported on 2026-11-20");
    assert_eq!(r.map.forget_label.as_deref(), Some(EN.routes.forget_map));
    let u = p.send(AppEvent::ForgetMap);
    assert_eq!(u.view.banner.clone().unwrap().text, EN.routes.map_forgotten);
    assert!(!routes(&u.view).map.imported);
}
