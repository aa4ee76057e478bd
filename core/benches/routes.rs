//! Routing benchmark (run: cargo bench -p waymark-core --bench routes).
//!
//! Maps: the bundled Helsinki extract, every other `.osm.pbf` in core/data, and any files or
//! folders listed in WAYMARK_BENCH_MAPS (separated by ':'). Per map and profile, 300 random
//! origin/destination points, each up to 60 m off a way in a random direction and at least
//! 500 m apart, as a person's position would be. Prints, all measured in the same run:
//! - the share of pairs with at least 1, 2 and 3 alternatives besides the quickest route,
//!   the median stretch (duration / quickest) and median corridor share of the alternatives;
//! - how often the quickest route is more than 3% slower than a plain Dijkstra written here,
//!   run from the same snapped start to the same snapped end on the stored arcs, on the ways
//!   the route starts and ends on (where a street crosses a tunnel or a bridge without meeting
//!   it, starting on the other level would be a jump no one can make);
//! - the snap distance (requested point to route start or end: median, p95);
//! - query times (median, p95), also as a ratio to a plain quickest-route query.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};
use waymark_core::routes::{AlternativeOptions, Profile, RoutingMap, BUNDLED_PBF};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn percentile<T: Copy + PartialOrd>(v: &mut [T], p: f64) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn hav(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Local metres around `c`.
fn local(c: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let k = 111_195.0;
    ((p.1 - c.1) * k * c.0.to_radians().cos(), (p.0 - c.0) * k)
}

/// The reference: where on which arcs a snapped point lies (every arc the profile may use
/// within 0.5 m of it, with the fraction along it), found by scanning all arcs.
fn arcs_at(map: &RoutingMap, profile: Profile, p: (f64, f64)) -> Vec<(usize, f64)> {
    let g = map.graph();
    let mut out = Vec::new();
    for v in 0..g.node_count() as u32 {
        for id in g.arc_range(v) {
            let a = g.arc(id);
            if !a.allows(profile) {
                continue;
            }
            let (x0, y0) = local(p, g.coord(v));
            let (x1, y1) = local(p, g.coord(a.to));
            let (dx, dy) = (x1 - x0, y1 - y0);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(x0 * dx + y0 * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            if (x0 + t * dx).hypot(y0 + t * dy) < 0.5 {
                out.push((id, t));
            }
        }
    }
    out
}

/// The arcs of the way a route's end lies on: those of `arcs_at` running along the route's
/// first (or last) stretch, towards `toward`. Where two ways cross without meeting (a street
/// over a tunnel, a bridge over a road), the point lies on both in the plane; the route is on
/// one of them, and a reference starting on the other would jump between levels. At a node
/// (t at 0 or 1) every arc there is a fair start. Also says whether other ways crossed there.
fn arcs_on_way(
    map: &RoutingMap,
    profile: Profile,
    p: (f64, f64),
    toward: (f64, f64),
) -> (Vec<(usize, f64)>, bool) {
    let all = arcs_at(map, profile, p);
    let g = map.graph();
    let mut tail = std::collections::HashMap::new();
    for v in 0..g.node_count() as u32 {
        for id in g.arc_range(v) {
            if all.iter().any(|&(a, _)| a == id) {
                tail.insert(id, v);
            }
        }
    }
    let dir = local(p, toward);
    let along = |id: usize| {
        let a = local(p, g.coord(tail[&id]));
        let b = local(p, g.coord(g.arc(id).to));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let cross = (dx * dir.1 - dy * dir.0) / (dx.hypot(dy) * dir.0.hypot(dir.1)).max(1e-9);
        cross.abs() < 0.05
    };
    let at_node = |t: f64| !(1e-3..=1.0 - 1e-3).contains(&t);
    let mut keep: Vec<(usize, f64)> = all.iter().copied().filter(|&(id, _)| along(id)).collect();
    if keep.is_empty() || keep.iter().any(|&(_, t)| at_node(t)) {
        keep = all.iter().copied().filter(|&(_, t)| at_node(t)).collect();
        keep.extend(
            all.iter()
                .copied()
                .filter(|&(id, t)| !at_node(t) && along(id)),
        );
    }
    let crossed = keep.len() < all.len();
    if keep.is_empty() {
        return (all, false);
    }
    (keep, crossed)
}

/// The first point of `line` more than 0.5 m from its start.
fn next_distinct(line: &[(f64, f64)]) -> (f64, f64) {
    let p = line[0];
    line.iter()
        .copied()
        .find(|&q| {
            let (x, y) = local(p, q);
            x.hypot(y) > 0.5
        })
        .unwrap_or(p)
}

/// Plain Dijkstra (binary heap over whole seconds × 1000) from the route's snapped start to its
/// snapped end, on the stored arcs with the profile's travel times, starting and ending on the
/// ways the route starts and ends on. Returns the seconds and whether either end lay where ways
/// cross without meeting.
fn reference_seconds(map: &RoutingMap, profile: Profile, route: &[(f64, f64)]) -> (f64, bool) {
    let from = route[0];
    let to = *route.last().expect("a route has two ends");
    let reversed: Vec<(f64, f64)> = route.iter().rev().copied().collect();
    let (starts, crossed_s) = arcs_on_way(map, profile, from, next_distinct(route));
    let (ends, crossed_e) = arcs_on_way(map, profile, to, next_distinct(&reversed));
    let g = map.graph();
    let secs = |id: usize| g.arc(id).seconds(profile).unwrap_or(f64::INFINITY);
    let mut tail = vec![0u32; g.arc_count()];
    for v in 0..g.node_count() as u32 {
        for id in g.arc_range(v) {
            tail[id] = v;
        }
    }
    let n = g.node_count();
    let mut dist = vec![f64::INFINITY; n];
    let mut heap = BinaryHeap::new();
    let mut best = f64::INFINITY;
    for &(id, t) in &starts {
        let head = g.arc(id).to as usize;
        let d = (1.0 - t) * secs(id);
        if d < dist[head] {
            dist[head] = d;
            heap.push(Reverse(((d * 1000.0) as u64, head)));
        }
        // Start and end on the same arc, in its direction.
        for &(e, te) in &ends {
            if e == id && te >= t {
                best = best.min((te - t) * secs(id));
            }
        }
    }
    while let Some(Reverse((_, v))) = heap.pop() {
        let d = dist[v];
        for id in g.arc_range(v as u32) {
            let w = secs(id);
            let to = g.arc(id).to as usize;
            if d + w < dist[to] {
                dist[to] = d + w;
                heap.push(Reverse((((d + w) * 1000.0) as u64, to)));
            }
        }
    }
    for &(id, t) in &ends {
        best = best.min(dist[tail[id] as usize] + t * secs(id));
    }
    (best, crossed_s || crossed_e)
}

fn maps() -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("bundled helsinki-centre".to_string(), BUNDLED_PBF.to_vec())];
    let mut paths: Vec<std::path::PathBuf> = Vec::new();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut sources = vec![data];
    if let Ok(list) = std::env::var("WAYMARK_BENCH_MAPS") {
        sources.extend(list.split(':').filter(|s| !s.is_empty()).map(Into::into));
    }
    for src in sources {
        if src.is_dir() {
            if let Ok(dir) = std::fs::read_dir(&src) {
                for e in dir.flatten() {
                    paths.push(e.path());
                }
            }
        } else {
            paths.push(src);
        }
    }
    paths.sort();
    for p in paths {
        let name = p.to_string_lossy().to_string();
        if !name.ends_with(".osm.pbf") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        if bytes == BUNDLED_PBF {
            continue;
        }
        out.push((name, bytes));
    }
    out
}

fn main() {
    for (name, bytes) in maps() {
        bench_map(&name, &bytes);
    }
}

fn bench_map(name: &str, bytes: &[u8]) {
    // Import: median of 5, against a bare decode pass over the same bytes.
    let mut decode = Vec::new();
    let mut import = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut count = 0u64;
        osmpbf::ElementReader::new(std::io::Cursor::new(bytes))
            .for_each(|_| count += 1)
            .expect("map decodes");
        decode.push(t.elapsed());
        std::hint::black_box(count);
        let t = Instant::now();
        let m = RoutingMap::from_pbf(bytes).expect("map imports");
        import.push(t.elapsed());
        std::hint::black_box(m);
    }
    let decode_ms = ms(percentile(&mut decode, 0.5));
    let import_ms = ms(percentile(&mut import, 0.5));
    println!("== {name}");
    println!(
        "import: {import_ms:.1} ms (bare PBF decode {decode_ms:.1} ms, ratio {:.2}x)",
        import_ms / decode_ms
    );
    let (map, report) = RoutingMap::from_pbf(bytes).expect("map imports");
    println!(
        "graph: country {}, {} nodes, {} arcs, {:.1} km walkable, {:.1} km cyclable, {:.1} km drivable, {} missing node refs, {} nodes in pieces outside the main ones",
        report.country, report.nodes, report.arcs, report.foot_km, report.bike_km, report.car_km, report.missing_node_refs, report.nodes_outside_main_component
    );
    let stored = map.to_bytes();
    let t = Instant::now();
    let reloaded = RoutingMap::from_bytes(&stored).expect("reloads");
    println!(
        "stored graph: {} KiB, reload {:.1} ms",
        stored.len() / 1024,
        ms(t.elapsed())
    );
    std::hint::black_box(reloaded);

    let g = map.graph();
    for profile in [Profile::Foot, Profile::Bike, Profile::Car] {
        let nodes: Vec<u32> = (0..g.node_count() as u32)
            .filter(|&v| g.in_main_component(v, profile))
            .collect();
        if nodes.len() < 2 {
            println!("{:<5} no network", profile.as_str());
            continue;
        }
        let mut rng = Rng(0x5EED ^ profile as u64);
        // A position up to 60 m from a node of the main network, in a random direction.
        let point = |rng: &mut Rng| {
            let (lat, lon) = g.coord(nodes[(rng.next() % nodes.len() as u64) as usize]);
            let (d, a) = (60.0 * rng.unit(), std::f64::consts::TAU * rng.unit());
            let k = 111_195.0;
            (
                lat + d * a.sin() / k,
                lon + d * a.cos() / (k * lat.to_radians().cos()),
            )
        };
        let mut pairs = Vec::new();
        while pairs.len() < 300 {
            let (s, t) = (point(&mut rng), point(&mut rng));
            if hav(s, t) >= 500.0 {
                pairs.push((s, t));
            }
        }
        let router = map.router(profile);
        let mut base = Vec::new();
        let mut gaps = Vec::new();
        let (mut refused, mut slower, mut checked, mut crossings) =
            (0usize, 0usize, 0usize, 0usize);
        let mut usable = Vec::new();
        for &(s, t) in &pairs {
            let t0 = Instant::now();
            let r = router.fastest(s, t);
            base.push(t0.elapsed());
            match r {
                Ok(r) => {
                    gaps.push(r.start_gap_m);
                    gaps.push(r.end_gap_m);
                    let (reference, crossed) = reference_seconds(&map, profile, &r.geometry);
                    checked += 1;
                    crossings += usize::from(crossed);
                    if r.duration_s > reference * 1.03 + 1e-6 {
                        slower += 1;
                        println!(
                            "  quickest {:.0} s against the reference's {reference:.0} s: {s:?} -> {t:?}",
                            r.duration_s
                        );
                    }
                    usable.push((s, t));
                }
                Err(_) => refused += 1,
            }
        }
        let base_med = ms(percentile(&mut base, 0.5));
        println!(
            "{:<5} {} pairs ({refused} refused: no connection or too far from a way); snap distance median {:.1} m, p95 {:.1} m; quickest >3% slower than the plain reference: {:.1}% of {checked} ({crossings} with an end where ways cross without meeting)",
            profile.as_str(),
            pairs.len(),
            percentile(&mut gaps, 0.5),
            percentile(&mut gaps, 0.95),
            100.0 * slower as f64 / checked.max(1) as f64,
        );
        for max_routes in [3usize, 4] {
            let opts = AlternativeOptions {
                max_routes,
                ..AlternativeOptions::default()
            };
            let mut times = Vec::new();
            let mut at_least = [0usize; 4];
            let (mut stretch, mut shared) = (Vec::new(), Vec::new());
            for &(s, t) in &usable {
                let t0 = Instant::now();
                let routes = router.alternatives(s, t, &opts).expect("routes");
                times.push(t0.elapsed());
                let n_alt = routes.len() - 1;
                for (k, count) in at_least.iter_mut().enumerate().skip(1) {
                    if n_alt >= k {
                        *count += 1;
                    }
                }
                for r in &routes[1..] {
                    stretch.push(r.duration_s / routes[0].duration_s);
                    shared.push(r.shared_with_earlier);
                }
            }
            let n = usable.len().max(1) as f64;
            let med = ms(percentile(&mut times, 0.5));
            let p95 = ms(percentile(&mut times, 0.95));
            let (st, sh) = if stretch.is_empty() {
                (0.0, 0.0)
            } else {
                (
                    percentile(&mut stretch, 0.5),
                    100.0 * percentile(&mut shared, 0.5),
                )
            };
            println!(
                "{:<5} routes<={max_routes}: >=1 alt {:.1}%  >=2 alts {:.1}%  >=3 alts {:.1}%  median stretch {st:.3}  median corridor share {sh:.1}%  query median {med:.2} ms  p95 {p95:.2} ms  (plain quickest-route median {base_med:.3} ms; ratio {:.1}x)",
                profile.as_str(),
                100.0 * at_least[1] as f64 / n,
                100.0 * at_least[2] as f64 / n,
                100.0 * at_least[3] as f64 / n,
                med / base_med,
            );
        }
    }
}
