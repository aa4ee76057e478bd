//! `waymark map|places|routes|plan` end to end, through the real binary and a real vault.

mod common;

use std::process::Output;

fn waymark(vault: &std::path::Path, args: &[&str]) -> Output {
    common::run(vault, args, &format!("{}\n", common::PIN))
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

#[test]
fn routes_and_plans_from_saved_places() {
    let (_dir, v) = common::new_vault();
    ok(&waymark(&v, &["places", "add", "Home", "60.1690,24.9400"]));
    ok(&waymark(&v, &["places", "add", "Work", "60.1760,24.9480"]));
    let info = ok(&waymark(&v, &["map", "info"]));
    assert!(info.contains("© OpenStreetMap contributors (ODbL)"));

    let text = ok(&waymark(&v, &["routes", "home", "work"]));
    assert!(
        text.contains("Route 1 (quickest)") && text.contains("© OpenStreetMap contributors (ODbL)")
    );

    let json: serde_json::Value = serde_json::from_str(&ok(&waymark(
        &v,
        &["--json", "routes", "Home", "Work", "--alternatives", "3"],
    )))
    .unwrap();
    assert_eq!(json["attribution"], "© OpenStreetMap contributors (ODbL)");
    let routes = json["routes"].as_array().unwrap();
    assert!(!routes.is_empty() && routes.len() <= 3);
    for r in routes {
        assert!(r["length_m"].as_f64().unwrap() > 500.0);
        assert!(r["duration_s"].as_f64().unwrap() > 300.0);
        assert!(r["extra_s"].as_f64().unwrap() >= 0.0);
        assert!(r["street_names"].is_array());
        let coords = r["geometry"]["coordinates"].as_array().unwrap();
        // GeoJSON order: [lon, lat], here in central Helsinki.
        let first = coords[0].as_array().unwrap();
        assert!((24.9..25.0).contains(&first[0].as_f64().unwrap()));
        assert!((60.1..60.2).contains(&first[1].as_f64().unwrap()));
    }

    let geo: serde_json::Value = serde_json::from_str(&ok(&waymark(
        &v,
        &["routes", "home", "work", "--geojson", "--profile", "car"],
    )))
    .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(
        geo["features"][0]["properties"]["attribution"],
        "© OpenStreetMap contributors (ODbL)"
    );

    let plan: serde_json::Value = serde_json::from_str(&ok(&waymark(
        &v,
        &[
            "--json",
            "plan",
            "--from",
            "home",
            "--to",
            "work",
            "--days",
            "5",
            "--arrive-by",
            "09:00",
            "--extra-minutes",
            "20",
        ],
    )))
    .unwrap();
    let trips = plan["trips"].as_array().unwrap();
    assert_eq!(trips.len(), 5);
    for t in trips {
        assert!(t["arrive"].as_str().unwrap() <= "09:00");
        assert!(t["depart"].as_str().unwrap() >= "08:20");
    }
    assert!(plan["predictability"]["route_best_guess"].as_f64().unwrap() <= 1.0);

    // Nothing about the places is readable in the vault's files.
    for entry in std::fs::read_dir(&v).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(4).any(|w| w == b"Home"),
                "plaintext place name on disk"
            );
        }
    }
    ok(&waymark(&v, &["places", "remove", "work"]));
    let list = ok(&waymark(&v, &["places", "list"]));
    assert!(list.contains("Home") && !list.contains("Work"));
}

#[test]
fn a_start_away_from_any_way_is_explained_once() {
    use waymark_core::routes::{Profile, RoutingMap};
    let map = RoutingMap::bundled().unwrap();
    let router = map.router(Profile::Foot);
    let to = (60.1760, 24.9480);
    // Find a point in the bundled map 20-100 m from the nearest walkable way (a courtyard).
    let from = (0..400)
        .map(|i| {
            (
                60.166 + 0.0005 * f64::from(i / 20),
                24.937 + 0.0007 * f64::from(i % 20),
            )
        })
        .find(|&p| {
            router
                .fastest(p, to)
                .is_ok_and(|r| (20.0..100.0).contains(&r.start_gap_m))
        })
        .expect("some point of central Helsinki is 20-100 m from a walkable way");
    let gap = router.fastest(from, to).unwrap().start_gap_m.round();
    let (_dir, v) = common::new_vault();
    let from_arg = format!("{:.6},{:.6}", from.0, from.1);
    let text = ok(&waymark(&v, &["routes", &from_arg, "60.1760,24.9480"]));
    let line = format!("The route starts {gap:.0} m from your starting point");
    assert_eq!(text.matches(&line).count(), 1, "{text}");
    let json: serde_json::Value = serde_json::from_str(&ok(&waymark(
        &v,
        &["--json", "routes", &from_arg, "60.1760,24.9480"],
    )))
    .unwrap();
    assert_eq!(json["routes"][0]["start_gap_m"].as_f64(), Some(gap));
}

#[test]
fn bad_input_is_explained_without_repeating_it() {
    let (dir, v) = common::new_vault();
    let out = waymark(&v, &["routes", "60.1690,24.9400", "59.4370,24.7536"]);
    let err = common::assert_clean_failure(&out, 1);
    assert!(
        err.contains("outside the loaded map") && !err.contains("59.437"),
        "{err}"
    );

    let out = waymark(&v, &["routes", "Nowhere", "60.1690,24.9400"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Nowhere"));

    let bad = dir.path().join("bad.osm.pbf");
    std::fs::write(&bad, b"\x00\x00\x00\x0dnot really a pbf file at all").unwrap();
    let out = waymark(&v, &["map", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("map file"));
    // The failed import changed nothing.
    assert!(ok(&waymark(&v, &["map", "info"])).contains("built-in sample map"));
}
