//! Routing benchmark on the bundled Helsinki extract (run: cargo bench -p waymark-core --bench routes).
//!
//! 300 random node pairs at least 500 m apart, walking and driving. Prints the share of pairs
//! with at least 1, 2 and 3 alternatives (besides the fastest route), mean stretch and corridor
//! overlap of the alternatives, query times, and import time — each time also as a ratio to a
//! baseline measured in the same run (one plain fastest-route query; one bare PBF decode pass).

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
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
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

fn main() {
    // Import: median of 5, against a bare decode pass over the same bytes.
    let mut decode = Vec::new();
    let mut import = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut count = 0u64;
        osmpbf::ElementReader::new(std::io::Cursor::new(BUNDLED_PBF))
            .for_each(|_| count += 1)
            .expect("bundled file decodes");
        decode.push(t.elapsed());
        std::hint::black_box(count);
        let t = Instant::now();
        let m = RoutingMap::from_pbf(BUNDLED_PBF).expect("bundled map imports");
        import.push(t.elapsed());
        std::hint::black_box(m);
    }
    let decode_ms = ms(percentile(&mut decode, 0.5));
    let import_ms = ms(percentile(&mut import, 0.5));
    println!("import of bundled map: {import_ms:.1} ms (bare PBF decode {decode_ms:.1} ms, ratio {:.2}x)", import_ms / decode_ms);
    let (map, report) = RoutingMap::from_pbf(BUNDLED_PBF).expect("bundled map imports");
    println!(
        "graph: {} nodes, {} arcs, {:.1} km walkable, {:.1} km drivable, {} missing node refs, {} nodes outside main components",
        report.nodes, report.arcs, report.foot_km, report.car_km, report.missing_node_refs, report.nodes_outside_main_component
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
    for profile in [Profile::Foot, Profile::Car] {
        let nodes: Vec<u32> = (0..g.node_count() as u32)
            .filter(|&v| g.in_main_component(v, profile))
            .collect();
        let mut rng = Rng(0x5EED ^ profile as u64);
        let mut pairs = Vec::new();
        while pairs.len() < 300 {
            let s = nodes[(rng.next() % nodes.len() as u64) as usize];
            let t = nodes[(rng.next() % nodes.len() as u64) as usize];
            if hav(g.coord(s), g.coord(t)) >= 500.0 {
                pairs.push((s, t));
            }
        }
        let router = map.router(profile);
        let mut base = Vec::new();
        for &(s, t) in &pairs {
            let t0 = Instant::now();
            std::hint::black_box(
                router
                    .fastest_between(s, t)
                    .expect("main component is connected"),
            );
            base.push(t0.elapsed());
        }
        let base_med = ms(percentile(&mut base, 0.5));
        // Default options (T-test with 2% slack), then the strict T-test for comparison.
        for (max_routes, slack) in [(3usize, None), (4, None), (4, Some(0.0))] {
            let mut opts = AlternativeOptions {
                max_routes,
                ..AlternativeOptions::default()
            };
            if let Some(s) = slack {
                opts.local_slack = s;
            }
            let mut times = Vec::new();
            let mut at_least = [0usize; 4];
            let (mut stretch, mut overlap, mut alts) = (0.0, 0.0, 0usize);
            for &(s, t) in &pairs {
                let t0 = Instant::now();
                let routes = router.alternatives_between(s, t, &opts).expect("routes");
                times.push(t0.elapsed());
                let n_alt = routes.len() - 1;
                for (k, count) in at_least.iter_mut().enumerate().skip(1) {
                    if n_alt >= k {
                        *count += 1;
                    }
                }
                for r in &routes[1..] {
                    stretch += r.duration_s / routes[0].duration_s;
                    overlap += r.shared_with_earlier;
                    alts += 1;
                }
            }
            let n = pairs.len() as f64;
            let med = ms(percentile(&mut times, 0.5));
            let p95 = ms(percentile(&mut times, 0.95));
            println!(
                "{:<5} routes<={max_routes}{}: >=1 alt {:.1}%  >=2 alts {:.1}%  >=3 alts {:.1}%  mean stretch {:.3}  mean overlap {:.1}%  query median {med:.2} ms  p95 {p95:.2} ms  (plain fastest-route median {base_med:.3} ms; ratio {:.1}x)",
                profile.as_str(),
                if slack.is_some() { " strict" } else { "" },
                100.0 * at_least[1] as f64 / n,
                100.0 * at_least[2] as f64 / n,
                100.0 * at_least[3] as f64 / n,
                if alts > 0 { stretch / alts as f64 } else { 0.0 },
                if alts > 0 { 100.0 * overlap / alts as f64 } else { 0.0 },
                med / base_med,
            );
        }
    }
}
