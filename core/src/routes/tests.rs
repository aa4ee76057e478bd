//! Tests over the bundled Helsinki extract. The reference shortest paths and the admissibility
//! checks are written here independently of `search` (different queue, geo's distances).

use super::graph::{Graph, Profile, FOOT_MPS};
use super::search::AlternativeOptions;
use super::*;
use crate::error::Error;
use geo::{Distance, Euclidean, Haversine, LineString, Point};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn map() -> &'static RoutingMap {
    static MAP: OnceLock<RoutingMap> = OnceLock::new();
    MAP.get_or_init(|| RoutingMap::bundled().expect("bundled map imports"))
}

/// xorshift64*: reproducible pair selection for tests.
struct TestRng(u64);
impl TestRng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn hav(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
}

/// Random node pairs in the profile's main component, at least `min_m` apart.
fn random_pairs(
    g: &Graph,
    profile: Profile,
    count: usize,
    min_m: f64,
    seed: u64,
) -> Vec<(u32, u32)> {
    let nodes: Vec<u32> = (0..g.node_count() as u32)
        .filter(|&v| g.in_main_component(v, profile))
        .collect();
    let mut rng = TestRng(seed);
    let mut out = Vec::new();
    while out.len() < count {
        let s = nodes[rng.below(nodes.len())];
        let t = nodes[rng.below(nodes.len())];
        if hav(g.coord(s), g.coord(t)) >= min_m {
            out.push((s, t));
        }
    }
    out
}

/// Reference: textbook Dijkstra with an ordered set as the queue, over the parsed arcs.
fn reference_dijkstra(g: &Graph, profile: Profile, s: u32, t: u32) -> Option<f64> {
    let n = g.node_count();
    let mut dist = vec![f64::INFINITY; n];
    let mut queue: BTreeSet<(u64, u32)> = BTreeSet::new();
    dist[s as usize] = 0.0;
    queue.insert((0, s));
    while let Some((_, v)) = queue.pop_first() {
        if v == t {
            return Some(dist[v as usize]);
        }
        for id in g.arc_range(v) {
            let a = g.arc(id);
            let Some(sec) = a.seconds(profile) else {
                continue;
            };
            let d = dist[v as usize] + sec;
            if d < dist[a.to as usize] {
                if dist[a.to as usize].is_finite() {
                    queue.remove(&(dist[a.to as usize].to_bits(), a.to));
                }
                dist[a.to as usize] = d;
                // Non-negative f64 bit patterns order like the numbers.
                queue.insert((d.to_bits(), a.to));
            }
        }
    }
    None
}

#[test]
fn bundled_map_imports_with_its_quirks_handled() {
    let (m, report) = RoutingMap::from_pbf(BUNDLED_PBF).unwrap();
    // The NOTICE says 912 way references point outside the clip.
    assert!(report.missing_node_refs > 100, "{report:?}");
    assert!(report.nodes_outside_main_component > 0, "{report:?}");
    assert!(
        report.foot_km > 50.0 && report.foot_km < 200.0,
        "{report:?}"
    );
    assert!(
        report.car_km > 5.0 && report.car_km < report.foot_km,
        "{report:?}"
    );
    let (w, h) = m.extent_km();
    assert!(w > 0.5 && w < 2.0 && h > 1.0 && h < 2.5, "{w} x {h}");
    // Some separately mapped pavements took the name of the street beside them.
    let g = m.graph();
    let named_sidewalks = g
        .arcs
        .iter()
        .filter(|a| a.kind == WayKind::Sidewalk && a.name != super::graph::NO_NAME)
        .count();
    assert!(named_sidewalks > 50, "{named_sidewalks}");
}

#[test]
fn graph_bytes_round_trip_and_damage_is_detected() {
    let g = map().graph();
    let bytes = g.to_bytes();
    assert_eq!(&Graph::from_bytes(&bytes).unwrap(), g);
    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x40;
    assert!(matches!(
        Graph::from_bytes(&damaged),
        Err(Error::Integrity { .. })
    ));
    assert!(matches!(
        Graph::from_bytes(&bytes[..bytes.len() - 1]),
        Err(Error::Integrity { .. })
    ));
    assert!(Graph::from_bytes(&[]).is_err());
}

#[test]
fn malformed_or_empty_pbf_is_a_clear_error() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("text", b"this is not a map".to_vec()),
        (
            "random",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        ),
        ("truncated", BUNDLED_PBF[..BUNDLED_PBF.len() / 2].to_vec()),
        ("flipped", {
            let mut b = BUNDLED_PBF.to_vec();
            for i in (200..b.len()).step_by(997) {
                b[i] ^= 0xA5;
            }
            b
        }),
    ];
    for (what, bytes) in cases {
        match RoutingMap::from_pbf(&bytes) {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, "map file", "{what}");
                assert!(!reason.is_empty());
            }
            Err(other) => panic!("{what}: unexpected error kind {other:?}"),
            Ok(_) => panic!("{what}: a damaged file was accepted"),
        }
    }
}

#[test]
fn pbf_without_roads_is_refused() {
    // Cut the file after its first data blob: a valid PBF whose blocks hold only nodes.
    let b = BUNDLED_PBF;
    let mut pos = 0;
    let mut blobs = 0;
    while pos + 4 <= b.len() && blobs < 2 {
        let hlen = u32::from_be_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]]) as usize;
        let header = &b[pos + 4..pos + 4 + hlen];
        // BlobHeader: field 3 (datasize) is the last varint; parse fields minimally.
        let mut i = 0;
        let mut datasize = 0usize;
        while i < header.len() {
            let key = header[i];
            i += 1;
            match key {
                0x0a | 0x12 => {
                    let l = header[i] as usize;
                    i += 1 + l;
                }
                0x18 => {
                    let mut shift = 0;
                    loop {
                        let byte = header[i];
                        i += 1;
                        datasize |= ((byte & 0x7f) as usize) << shift;
                        shift += 7;
                        if byte & 0x80 == 0 {
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        pos += 4 + hlen + datasize;
        blobs += 1;
    }
    let head = &b[..pos];
    match RoutingMap::from_pbf(head) {
        Err(Error::InvalidInput { reason, .. }) => assert!(reason.contains("no roads"), "{reason}"),
        other => panic!("expected a no-roads error, got {other:?}"),
    }
}

#[test]
fn points_off_the_map_and_missing_ways_are_clear_errors() {
    let m = map();
    let r = m.router(Profile::Foot);
    let inside = m.graph().coord(0);
    // Tallinn is not in central Helsinki.
    let err = r.fastest((59.437, 24.7536), inside).unwrap_err();
    match &err {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "from");
            assert!(reason.contains("outside the loaded map"));
            assert!(
                !reason.contains("59.4") && !reason.contains("24.7"),
                "no coordinates in errors"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.fastest(inside, (f64::NAN, 1.0)),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        r.fastest(inside, inside),
        Err(Error::InvalidInput { .. })
    ));

    // A pedestrian-only node cannot be reached by car.
    let g = m.graph();
    let car = (0..g.node_count() as u32)
        .find(|&v| g.in_main_component(v, Profile::Car))
        .unwrap();
    let foot_only = (0..g.node_count() as u32)
        .find(|&v| !g.in_main_component(v, Profile::Car))
        .unwrap();
    let err = m
        .router(Profile::Car)
        .fastest_between(car, foot_only)
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[test]
fn fastest_routes_match_a_reference_dijkstra() {
    let m = map();
    let g = m.graph();
    for (profile, seed) in [(Profile::Foot, 7), (Profile::Car, 11), (Profile::Bike, 13)] {
        let router = m.router(profile);
        for (s, t) in random_pairs(g, profile, 40, 200.0, seed) {
            let expect = reference_dijkstra(g, profile, s, t).expect("main component is connected");
            let route = router.fastest_between(s, t).unwrap();
            assert!(
                (route.duration_s - expect).abs() <= 1e-6 * expect.max(1.0),
                "{profile:?}: {} vs reference {expect}",
                route.duration_s
            );
            // The route is a real walk through the graph from s to t.
            assert_eq!(route.nodes().first(), Some(&s));
            assert_eq!(route.nodes().last(), Some(&t));
            let geo_len: f64 = route.geometry.windows(2).map(|w| hav(w[0], w[1])).sum();
            assert!((geo_len - route.length_m).abs() < 0.01 * route.length_m.max(1.0));
        }
    }
}

/// Share of `route` (projected points) within `radius` of any earlier line, sampled every metre.
fn overlap_with(route: &[(f64, f64)], earlier: &[LineString<f64>], radius: f64) -> f64 {
    let (mut total, mut near) = (0.0, 0.0);
    for w in route.windows(2) {
        let len = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
        let k = len.ceil().max(1.0) as usize;
        for i in 0..k {
            let f = (i as f64 + 0.5) / k as f64;
            let p = Point::new(
                w[0].0 + f * (w[1].0 - w[0].0),
                w[0].1 + f * (w[1].1 - w[0].1),
            );
            total += len / k as f64;
            if earlier.iter().any(|l| Euclidean.distance(&p, l) <= radius) {
                near += len / k as f64;
            }
        }
    }
    if total == 0.0 {
        1.0
    } else {
        near / total
    }
}

#[test]
fn every_alternative_is_admissible() {
    let m = map();
    let g = m.graph();
    let opts = AlternativeOptions::default();
    let router = m.router(Profile::Foot);
    // Project around the map's centre with the test's own projection.
    let lat0 = 60.17f64;
    let k = lat0.to_radians().cos();
    let proj = |(la, lo): (f64, f64)| ((lo - 24.94) * 111_195.0 * k, (la - lat0) * 111_195.0);
    let mut with_alternative = 0;
    let pairs = random_pairs(g, Profile::Foot, 25, 500.0, 99);
    for &(s, t) in &pairs {
        let routes = router.alternatives_between(s, t, &opts).unwrap();
        assert!(!routes.is_empty() && routes.len() <= opts.max_routes);
        // Walking time follows from the geometry alone at a constant speed.
        let secs: Vec<f64> = routes
            .iter()
            .map(|r| r.geometry.windows(2).map(|w| hav(w[0], w[1])).sum::<f64>() / FOOT_MPS)
            .collect();
        let fastest = reference_dijkstra(g, Profile::Foot, s, t).unwrap();
        assert!(
            (secs[0] - fastest).abs() < 0.01 * fastest,
            "first route is the fastest"
        );
        let bound = (1.4 * fastest).max(fastest + 300.0);
        if routes.len() > 1 {
            with_alternative += 1;
        }
        let mut earlier: Vec<LineString<f64>> = Vec::new();
        for (i, r) in routes.iter().enumerate() {
            let pts: Vec<(f64, f64)> = r.geometry.iter().map(|&p| proj(p)).collect();
            assert!(
                secs[i] <= bound * 1.01,
                "route {i} stretch {}",
                secs[i] / fastest
            );
            assert!((r.extra_s - (secs[i] - secs[0])).abs() < 0.02 * fastest);
            if i > 0 {
                let shared = overlap_with(&pts, &earlier, 25.0);
                assert!(
                    shared <= 0.6 + 0.02,
                    "route {i} shares {shared:.2} with earlier routes"
                );
                // Local optimality: windows of T = 0.25 x fastest, every T/2, are shortest paths.
                let nodes = r.nodes();
                let mut cum = vec![0.0];
                for w in nodes.windows(2) {
                    let a = g
                        .arc_range(w[0])
                        .map(|id| g.arc(id))
                        .filter(|a| a.to == w[1])
                        .filter_map(|a| a.seconds(Profile::Foot))
                        .fold(f64::INFINITY, f64::min);
                    assert!(
                        a.is_finite(),
                        "consecutive route nodes are joined by a usable arc"
                    );
                    cum.push(cum.last().unwrap() + a);
                }
                let window = 0.25 * fastest;
                let total = *cum.last().unwrap();
                let mut start = 0.0;
                while start < total {
                    let u = cum.partition_point(|&c| c <= start).saturating_sub(1);
                    let v = cum
                        .partition_point(|&c| c < start + window)
                        .min(nodes.len() - 1);
                    if v > u + 1 {
                        let best =
                            reference_dijkstra(g, Profile::Foot, nodes[u], nodes[v]).unwrap();
                        assert!(
                            cum[v] - cum[u] <= best * (1.0 + opts.local_slack) + 1e-3,
                            "route {i}: window is {:.1}s but the shortest is {best:.1}s",
                            cum[v] - cum[u]
                        );
                    }
                    if start + window >= total {
                        break;
                    }
                    start += window / 2.0;
                }
            }
            earlier.push(LineString::from(pts));
        }
    }
    // Not a benchmark, but the method must actually find alternatives on this map.
    assert!(
        with_alternative * 10 >= pairs.len() * 8,
        "only {with_alternative} of {} pairs had an alternative",
        pairs.len()
    );
}

#[test]
fn avoided_places_are_gone_round_and_explained() {
    let m = map();
    let g = m.graph();
    let router = m.router(Profile::Foot);
    let mut checked = 0;
    for (s, t) in random_pairs(g, Profile::Foot, 30, 700.0, 5) {
        let fastest = router.fastest_between(s, t).unwrap();
        // Avoid a spot half-way along the fastest route.
        let mid = fastest.geometry[fastest.geometry.len() / 2];
        let opts = AlternativeOptions {
            avoid: vec![AvoidArea {
                lat: mid.0,
                lon: mid.1,
                radius_m: 30.0,
                label: None,
            }],
            max_routes: 2,
            ..AlternativeOptions::default()
        };
        let routes = router.alternatives_between(s, t, &opts).unwrap();
        let first = &routes[0];
        // Distance from the avoided spot to the route's line, in the test's own projection.
        let k = mid.0.to_radians().cos();
        let proj = |(la, lo): (f64, f64)| ((lo - mid.1) * 111_195.0 * k, (la - mid.0) * 111_195.0);
        let line = LineString::from(first.geometry.iter().map(|&p| proj(p)).collect::<Vec<_>>());
        let closest = Euclidean.distance(&Point::new(0.0, 0.0), &line);
        if closest > 30.5 {
            assert!(
                first
                    .notes
                    .iter()
                    .any(|n| n.starts_with("Goes round a place you asked to avoid")),
                "{:?}",
                first.notes
            );
            assert!(first.extra_s > 0.0);
            checked += 1;
        } else {
            assert!(closest < 29.5 || !first.notes.is_empty());
            assert!(
                first.notes.iter().any(|n| n.contains("no way round")),
                "{:?}",
                first.notes
            );
        }
    }
    assert!(checked >= 20, "went round only {checked} times of 30");
}

#[test]
fn the_other_pavement_lies_in_the_streets_corridor() {
    // Sidewalks mapped as their own ways run within the 25 m corridor of their street, so a
    // route that merely swaps to the other pavement shares its length with the street and is
    // never offered as a different route.
    use geo::Line;
    use std::collections::HashMap;
    let g = map().graph();
    let k = 60.17f64.to_radians().cos();
    let proj = |(la, lo): (f64, f64)| geo::Coord {
        x: (lo - 24.94) * 111_195.0 * k,
        y: (la - 60.17) * 111_195.0,
    };
    let mut streets: HashMap<u32, Vec<Line<f64>>> = HashMap::new();
    for v in 0..g.node_count() as u32 {
        for id in g.arc_range(v) {
            let a = g.arc(id);
            if a.kind == WayKind::Road && a.name != super::graph::NO_NAME {
                let line = Line::new(proj(g.coord(v)), proj(g.coord(a.to)));
                streets.entry(a.name).or_default().push(line);
            }
        }
    }
    let (mut total, mut inside) = (0.0, 0.0);
    for v in 0..g.node_count() as u32 {
        for id in g.arc_range(v) {
            let a = g.arc(id);
            if a.kind != WayKind::Sidewalk || a.name == super::graph::NO_NAME {
                continue;
            }
            let Some(lines) = streets.get(&a.name) else {
                continue;
            };
            let (p, q) = (proj(g.coord(v)), proj(g.coord(a.to)));
            let mid = Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0);
            let d = lines
                .iter()
                .map(|l| Euclidean.distance(&mid, l))
                .fold(f64::INFINITY, f64::min);
            total += f64::from(a.length_m);
            if d <= 25.0 {
                inside += f64::from(a.length_m);
            }
        }
    }
    assert!(total > 5_000.0, "only {total:.0} m of named sidewalk");
    assert!(
        inside / total > 0.9,
        "{:.0}% of sidewalk length in its street's corridor",
        100.0 * inside / total
    );
}

#[test]
fn import_reports_progress_and_can_be_cancelled() {
    use std::sync::Mutex;
    let seen = Mutex::new(Vec::new());
    RoutingMap::from_pbf_with_progress(BUNDLED_PBF, &|f| {
        seen.lock().unwrap().push(f);
        true
    })
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() > 4, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "progress never goes back"
    );
    assert_eq!(seen.last(), Some(&1.0));
    let err = RoutingMap::from_pbf_with_progress(BUNDLED_PBF, &|f| f < 0.3).unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
}

#[test]
fn driving_alternatives_keep_stretch_and_dissimilarity() {
    let m = map();
    let g = m.graph();
    let opts = AlternativeOptions::default();
    let router = m.router(Profile::Car);
    let k = 60.17f64.to_radians().cos();
    let proj = |(la, lo): (f64, f64)| ((lo - 24.94) * 111_195.0 * k, (la - 60.17) * 111_195.0);
    let mut alternatives = 0;
    for (s, t) in random_pairs(g, Profile::Car, 15, 500.0, 41) {
        let routes = router.alternatives_between(s, t, &opts).unwrap();
        let fastest = reference_dijkstra(g, Profile::Car, s, t).unwrap();
        let bound = (1.4 * fastest).max(fastest + 300.0);
        let mut earlier: Vec<LineString<f64>> = Vec::new();
        for (i, r) in routes.iter().enumerate() {
            // Driving time from the arcs actually used, one-way rules included.
            let secs: f64 = r
                .nodes()
                .windows(2)
                .map(|w| {
                    g.arc_range(w[0])
                        .map(|id| g.arc(id))
                        .filter(|a| a.to == w[1])
                        .filter_map(|a| a.seconds(Profile::Car))
                        .fold(f64::INFINITY, f64::min)
                })
                .sum();
            assert!(secs.is_finite(), "route {i} uses an arc cars may not use");
            assert!(
                secs <= bound + 1e-6,
                "route {i} stretch {:.2}",
                secs / fastest
            );
            let pts: Vec<(f64, f64)> = r.geometry.iter().map(|&p| proj(p)).collect();
            if i > 0 {
                let shared = overlap_with(&pts, &earlier, 25.0);
                assert!(shared <= 0.62, "route {i} shares {shared:.2}");
                alternatives += 1;
            }
            earlier.push(LineString::from(pts));
        }
    }
    assert!(
        alternatives >= 15,
        "only {alternatives} alternatives for 15 pairs"
    );
}

#[test]
fn an_avoided_place_at_the_start_is_named_as_such() {
    let m = map();
    let g = m.graph();
    let (s, t) = random_pairs(g, Profile::Foot, 1, 600.0, 3)[0];
    let (lat, lon) = g.coord(s);
    let opts = AlternativeOptions {
        avoid: vec![AvoidArea {
            lat,
            lon,
            radius_m: 40.0,
            label: Some("where you logged \"watching\" on 2 Nov".into()),
        }],
        ..AlternativeOptions::default()
    };
    let routes = m
        .router(Profile::Foot)
        .alternatives_between(s, t, &opts)
        .unwrap();
    for r in &routes {
        assert!(
            r.notes
                .iter()
                .any(|n| n == "Starts or ends close to where you logged \"watching\" on 2 Nov."),
            "{:?}",
            r.notes
        );
    }
}

#[test]
fn damaged_map_files_never_crash_the_import() {
    // Flip bytes and cut the file at pseudo-random places: every outcome is a clean result
    // (a damaged name or tag can still parse) or a clear "map file" error, never a panic.
    let mut rng = TestRng(0xDA7A);
    for round in 0..16 {
        let mut bytes = BUNDLED_PBF.to_vec();
        if round % 2 == 0 {
            for _ in 0..4 {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
        } else {
            bytes.truncate(rng.below(bytes.len()));
        }
        match RoutingMap::from_pbf(&bytes) {
            Ok(_) => {}
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "map file"),
            Err(other) => panic!("round {round}: {other:?}"),
        }
    }
}

// ---- Synthetic maps: each test draws the ways it needs around a real city, so the country's
// ---- default access rules apply as they would to an imported extract there.

use super::test_pbf::Sketch;

const LONDON: (f64, f64) = (51.5, -0.12);
const BERLIN: (f64, f64) = (52.52, 13.40);
const PARIS: (f64, f64) = (48.86, 2.35);

fn import(sketch: &Sketch) -> RoutingMap {
    RoutingMap::from_pbf(&sketch.pbf())
        .expect("sketch imports")
        .0
}

/// A rectangle of streets with corners only (long edges), from (x, y) to (x + w, y + h).
fn block(s: &mut Sketch, x: f64, y: f64, w: f64, h: f64, tags: &[(&str, &str)]) -> [i64; 4] {
    let a = s.node(x, y);
    let b = s.node(x + w, y);
    let c = s.node(x + w, y + h);
    let d = s.node(x, y + h);
    s.way(&[a, b], &[&[("name", "High Street")], tags].concat());
    s.way(&[b, c, d, a], tags);
    [a, b, c, d]
}

#[test]
fn a_point_off_a_street_starts_the_route_on_that_street() {
    let mut s = Sketch::at(LONDON.0, LONDON.1);
    block(
        &mut s,
        0.0,
        0.0,
        400.0,
        300.0,
        &[("highway", "residential")],
    );
    let m = import(&s);
    // 30 m south of the middle of High Street; the nearest corner is 201 m away.
    let from = s.lat_lon(200.0, -30.0);
    let to = s.lat_lon(200.0, 330.0);
    let r = m.router(Profile::Foot).fastest(from, to).unwrap();
    let start = r.geometry[0];
    assert!(
        hav(start, s.lat_lon(200.0, 0.0)) < 1.0,
        "starts {:.1} m from the street's nearest point",
        hav(start, s.lat_lon(200.0, 0.0))
    );
    assert!(hav(*r.geometry.last().unwrap(), s.lat_lon(200.0, 300.0)) < 1.0);
    assert!((r.start_gap_m - 30.0).abs() < 0.5, "{}", r.start_gap_m);
    assert!((r.length_m - 700.0).abs() < 2.0, "{}", r.length_m);
    assert_eq!(
        r.street_names.first().map(String::as_str),
        Some("High Street")
    );
    let note = r.gap_note().expect("a 30 m gap is mentioned");
    assert!(
        note.contains("starts 30 m") && note.contains("ends 30 m"),
        "{note}"
    );
    // Alternatives start there too, and a point on the street itself needs no note.
    let routes = m
        .router(Profile::Foot)
        .alternatives(from, to, &AlternativeOptions::default())
        .unwrap();
    assert!(routes.len() >= 2, "both ways round the block");
    for r in &routes {
        assert!(hav(r.geometry[0], s.lat_lon(200.0, 0.0)) < 1.0);
    }
    let on = m
        .router(Profile::Foot)
        .fastest(s.lat_lon(100.0, 2.0), s.lat_lon(300.0, 298.0))
        .unwrap();
    assert!(on.gap_note().is_none(), "{:?}", on.gap_note());
    // Too far from any way: refused, saying how far the nearest one is.
    match m
        .router(Profile::Foot)
        .fastest(s.lat_lon(200.0, -400.0), to)
    {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "from");
            assert!(
                reason.contains("nearest walkable way") && reason.contains("about 400 m"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A block of streets, and 400 m east of it a second block joined to it only by `link`.
fn two_blocks(place: (f64, f64), link: &[(&str, &str)]) -> (Sketch, RoutingMap) {
    let mut s = Sketch::at(place.0, place.1);
    let [_, b, _, _] = block(
        &mut s,
        0.0,
        0.0,
        400.0,
        300.0,
        &[("highway", "residential")],
    );
    let [e, _, _, _] = block(&mut s, 800.0, 0.0, 200.0, 200.0, &[("highway", "footway")]);
    s.line((400.0, 0.0), (800.0, 0.0), (Some(b), Some(e)), link);
    let m = import(&s);
    (s, m)
}

fn is_no_connection(r: Result<Route>) -> bool {
    match r {
        Err(Error::NotFound { what }) => {
            assert!(
                what.contains("no walkable connection between them") && !what.contains("outside"),
                "{what}"
            );
            true
        }
        _ => false,
    }
}

#[test]
fn a_cycleway_only_pocket_is_walkable_where_the_country_allows_it() {
    let cycleway = [("highway", "cycleway")];
    let (s, uk) = two_blocks(LONDON, &cycleway);
    assert_eq!(uk.graph().country(), "GB");
    // The country travels with the stored map.
    let stored = RoutingMap::from_bytes(&uk.to_bytes()).unwrap();
    assert_eq!(stored.graph().country(), "GB");
    let in_pocket = s.lat_lon(900.0, -20.0);
    let in_town = s.lat_lon(200.0, -20.0);
    let r = uk
        .router(Profile::Foot)
        .fastest(in_pocket, in_town)
        .unwrap();
    // 100 m to the pocket's corner, 400 m of cycleway, 200 m along High Street.
    assert!((r.length_m - 700.0).abs() < 2.0, "{}", r.length_m);

    let (s, de) = two_blocks(BERLIN, &cycleway);
    assert_eq!(de.graph().country(), "DE");
    let (in_pocket, in_town) = (s.lat_lon(900.0, -20.0), s.lat_lon(200.0, -20.0));
    assert!(is_no_connection(
        de.router(Profile::Foot).fastest(in_pocket, in_town)
    ));
    assert!(is_no_connection(
        de.router(Profile::Foot)
            .alternatives(in_town, in_pocket, &AlternativeOptions::default())
            .map(|mut v| v.remove(0))
    ));
    // A bicycle may use the cycleway there.
    assert!(de.router(Profile::Bike).fastest(in_pocket, in_town).is_ok());
}

#[test]
fn a_pocket_is_routed_within_itself() {
    // In Germany the footway block is cut off for walking; both ends inside it still route.
    let (s, de) = two_blocks(BERLIN, &[("highway", "cycleway")]);
    let from = s.lat_lon(900.0, -20.0);
    let to = s.lat_lon(900.0, 220.0);
    let r = de.router(Profile::Foot).fastest(from, to).unwrap();
    assert!((r.length_m - 400.0).abs() < 2.0, "{}", r.length_m);
    assert!(r.start_gap_m < 21.0 && r.end_gap_m < 21.0);
    for &p in &r.geometry {
        let x_east = (p.1 - BERLIN.1) * 111_195.0 * BERLIN.0.to_radians().cos();
        assert!(x_east > 790.0, "left the pocket at {x_east:.0} m");
    }
    let alts = de
        .router(Profile::Foot)
        .alternatives(from, to, &AlternativeOptions::default())
        .unwrap();
    assert_eq!(alts.len(), 2, "both ways round the pocket's block");
}

#[test]
fn trunk_roads_are_walked_beside_a_pavement_but_never_as_motor_roads() {
    let from_to = |s: &Sketch| (s.lat_lon(200.0, -20.0), s.lat_lon(900.0, -20.0));
    // France: trunk roads are closed to pedestrians unless a pavement is mapped along them.
    let (s, fr) = two_blocks(PARIS, &[("highway", "trunk")]);
    assert_eq!(fr.graph().country(), "FR");
    let (a, b) = from_to(&s);
    assert!(is_no_connection(fr.router(Profile::Foot).fastest(a, b)));
    let (s, fr) = two_blocks(PARIS, &[("highway", "trunk"), ("sidewalk", "both")]);
    let (a, b) = from_to(&s);
    let r = fr.router(Profile::Foot).fastest(a, b).unwrap();
    assert!((r.length_m - 700.0).abs() < 2.0, "{}", r.length_m);
    // The UK: trunk roads are walkable, motor roads are not, pavement or not.
    let (s, uk) = two_blocks(LONDON, &[("highway", "trunk")]);
    let (a, b) = from_to(&s);
    assert!(uk.router(Profile::Foot).fastest(a, b).is_ok());
    let motor_road = [
        ("highway", "trunk"),
        ("motorroad", "yes"),
        ("sidewalk", "both"),
    ];
    let (s, uk) = two_blocks(LONDON, &motor_road);
    let (a, b) = from_to(&s);
    assert!(is_no_connection(uk.router(Profile::Foot).fastest(a, b)));
}

#[test]
fn driving_alternatives_are_capped_at_twice_the_quickest() {
    // A 1 km street (2 min at 30 km/h), a 1.8 km loop north and a 2.5 km loop south: "+5
    // minutes" alone would admit both loops.
    let mut s = Sketch::at(LONDON.0, LONDON.1);
    let road = [("highway", "residential")];
    let ends = s.line((0.0, 0.0), (1000.0, 0.0), (None, None), &road);
    let (a, b) = (ends[0], *ends.last().unwrap());
    for y in [400.0, -750.0] {
        let up = s.line((0.0, 0.0), (0.0, y), (Some(a), None), &road);
        let across = s.line((0.0, y), (1000.0, y), (up.last().copied(), None), &road);
        s.line(
            (1000.0, y),
            (1000.0, 0.0),
            (across.last().copied(), Some(b)),
            &road,
        );
    }
    let m = import(&s);
    let car = m.router(Profile::Car);
    let (from, to) = (s.lat_lon(0.0, 0.0), s.lat_lon(1000.0, 0.0));
    let lengths = |opts: &AlternativeOptions| -> Vec<f64> {
        let routes = car.alternatives(from, to, opts).unwrap();
        for r in &routes {
            assert!(r.duration_s <= opts.bound(routes[0].duration_s) + 1e-6);
        }
        routes.iter().map(|r| r.length_m.round()).collect()
    };
    let capped = lengths(&AlternativeOptions::default());
    assert_eq!(capped.len(), 2, "{capped:?}");
    assert!((capped[0] - 1000.0).abs() < 3.0 && (capped[1] - 1800.0).abs() < 3.0);
    let uncapped = lengths(&AlternativeOptions {
        max_stretch_cap: 5.0,
        ..AlternativeOptions::default()
    });
    assert!(
        uncapped.iter().any(|l| (l - 2500.0).abs() < 3.0),
        "without the cap the long loop is admitted: {uncapped:?}"
    );
}

#[test]
fn a_map_that_adds_up_to_no_length_is_refused() {
    // Two ways whose nodes all sit on one spot: roads, but nothing to walk along.
    let mut s = Sketch::at(LONDON.0, LONDON.1);
    let a = s.node(0.0, 0.0);
    let b = s.node(0.0, 0.0);
    let c = s.node(0.0, 0.0);
    s.way(&[a, b, c], &[("highway", "residential")]);
    s.way(&[c, a], &[("highway", "footway")]);
    let err = super::import::import_pbf(&s.pbf())
        .err()
        .expect("a 0 km map must be refused");
    assert!(err.to_string().contains("no length"), "{err}");
}

/// A street with a tunnel 4 m beside it (as Helsinki's Kalevankatu runs over the Kamppi
/// service tunnel): a point 1 m from the tunnel and 3 m from the street starts on the street.
/// The same way at street level would win, being nearer.
#[test]
fn a_position_is_not_snapped_into_a_tunnel_beside_a_street() {
    let starts = |tunnel: &[(&str, &str)]| {
        let mut s = Sketch::at(LONDON.0, LONDON.1);
        let street = s.line(
            (0.0, 0.0),
            (400.0, 0.0),
            (None, None),
            &[("highway", "residential"), ("name", "High Street")],
        );
        let (a, b) = (s.node(20.0, -4.0), s.node(380.0, -4.0));
        s.way(&[street[0], a, b, *street.last().unwrap()], tunnel);
        s.line(
            (400.0, 0.0),
            (400.0, 300.0),
            (street.last().copied(), None),
            &[("highway", "residential")],
        );
        let m = import(&s);
        let r = m
            .router(Profile::Foot)
            .fastest(s.lat_lon(200.0, -3.0), s.lat_lon(400.0, 250.0))
            .unwrap();
        let (on_street, on_tunnel) = (
            hav(r.geometry[0], s.lat_lon(200.0, 0.0)),
            hav(r.geometry[0], s.lat_lon(200.0, -4.0)),
        );
        (on_street < 0.5, on_tunnel < 0.5)
    };
    let service = ("highway", "service");
    assert_eq!(
        starts(&[service]),
        (false, true),
        "the nearer way, at street level"
    );
    assert_eq!(
        starts(&[service, ("tunnel", "yes"), ("layer", "-3")]),
        (true, false)
    );
    assert_eq!(starts(&[service, ("layer", "-1")]), (true, false));
}
