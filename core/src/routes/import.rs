//! OpenStreetMap PBF -> compact routable graph.
//!
//! Keeps only ways people can travel on, decides per profile and direction who may use each
//! segment (highway class, access, foot/bicycle/motor tags, one-way rules), splits ways where
//! they reference nodes missing from the extract, and keeps nodes in some profile's largest
//! strongly connected component. Nothing here logs names or coordinates.

use super::access::{self, CountryRules};
use super::graph::{
    scc_ids, Arc, Graph, Profile, WayKind, ACCESS_BIKE, ACCESS_CAR, ACCESS_FOOT, NO_NAME,
    UNDERGROUND,
};
use crate::error::{Error, Result};
use geo::{Distance, Haversine, Point};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};

/// What the import found, for `waymark map info` and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ImportReport {
    pub ways_used: usize,
    /// Way references to nodes that are not in the extract (the way is split there).
    pub missing_node_refs: usize,
    pub nodes: usize,
    pub arcs: usize,
    /// Nodes outside every profile's largest connected piece (kept: routes within their own
    /// smaller piece still work).
    pub nodes_outside_main_component: usize,
    /// ISO country code whose default access rules were used ("--": the worldwide defaults).
    pub country: String,
    pub foot_km: f64,
    pub bike_km: f64,
    pub car_km: f64,
}

struct WayRec {
    refs: Vec<i64>,
    /// (index into ROUTING_KEYS, interned value).
    tags: Vec<(u8, u32)>,
    name: u32,
}

/// Who may use a way, decided with the map's country rules.
struct WayAccess {
    access: DirectionalAccess,
    car_kmh: u8,
    kind: WayKind,
    /// Below ground: a tunnel (not a passage through a building at street level), a negative
    /// layer, or `location=underground`.
    underground: bool,
}

#[derive(Clone, Copy, Default)]
struct DirectionalAccess {
    forward: u8,
    backward: u8,
}

/// The largest map file imported. The whole file is held in memory while it is read twice (a
/// city or county extract is 5-100 MB); past this, a phone would run out of memory.
pub const MAX_MAP_BYTES: u64 = 256 << 20;

/// Parse a PBF file held in memory. Errors say what is wrong with the file, never its contents.
pub fn import_pbf(bytes: &[u8]) -> Result<(Graph, ImportReport)> {
    import_pbf_with_progress(bytes, &|_| true)
}

/// As `import_pbf`, calling `progress` with the fraction done (0.0 to 1.0) as the file is read;
/// when it returns false the import stops with `Error::Cancelled` and nothing is kept.
pub fn import_pbf_with_progress(
    bytes: &[u8],
    progress: &(dyn Fn(f64) -> bool + Sync),
) -> Result<(Graph, ImportReport)> {
    if bytes.is_empty() {
        return Err(Error::invalid("map file", "the file is empty"));
    }
    if bytes.len() as u64 > MAX_MAP_BYTES {
        return Err(Error::invalid(
            "map file",
            "the file is larger than 256 MB; cut a smaller area (a city or a county)",
        ));
    }
    let cancelled = AtomicBool::new(false);
    // osmpbf reports malformed input as errors; a panic deep in a decoder on hostile input
    // must still not take the app down, so it becomes the same clear error.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_elements(bytes, progress, &cancelled)
    }))
    .map_err(|_| not_pbf());
    if cancelled.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    let built = build_graph(parsed??)?;
    progress(1.0);
    Ok(built)
}

/// Reads the file for one pass, reporting progress within [from, to) and failing the read
/// (which ends the pass) once the caller cancels.
struct ProgressReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    from: f64,
    to: f64,
    progress: &'a (dyn Fn(f64) -> bool + Sync),
    cancelled: &'a AtomicBool,
}

impl std::io::Read for ProgressReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let done = self.pos as f64 / self.bytes.len().max(1) as f64;
        if !(self.progress)(self.from + (self.to - self.from) * done) {
            self.cancelled.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("cancelled"));
        }
        let rest = &self.bytes[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

fn not_pbf() -> Error {
    Error::invalid(
        "map file",
        "this is not a readable OpenStreetMap .osm.pbf file (it may be damaged or cut short)",
    )
}

struct Parsed {
    nodes: HashMap<i64, (i32, i32)>,
    ways: Vec<WayRec>,
    names: Vec<String>,
    /// Tag values, interned; `WayRec::tags` points into this.
    values: Vec<String>,
}

/// The tags `classify` reads; ways keep only these until their country is known.
const ROUTING_KEYS: &[&str] = &[
    "highway",
    "area",
    "footway",
    "access",
    "foot",
    "bicycle",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "maxspeed",
    "oneway",
    "junction",
    "oneway:bicycle",
    "cycleway",
    "motorroad",
    "sidewalk",
    "sidewalk:both",
    "sidewalk:left",
    "sidewalk:right",
    "tunnel",
    "layer",
    "location",
];

/// Every default open: a way this rejects is unusable in every country.
const ANY_COUNTRY: CountryRules = CountryRules {
    code: "**",
    name: "any",
    trunk_foot: true,
    trunk_bike: true,
    cycleway_foot: true,
    bridleway_foot: true,
    bridleway_bike: true,
    footway_bike: true,
    pedestrian_bike: true,
};

/// Two passes over the file: first the routable ways, then only the nodes they use, so a
/// large extract (most of whose nodes are buildings) does not have to fit in memory whole.
fn read_elements(
    bytes: &[u8],
    progress: &(dyn Fn(f64) -> bool + Sync),
    cancelled: &AtomicBool,
) -> Result<Parsed> {
    let reader = |from, to| ProgressReader {
        bytes,
        pos: 0,
        from,
        to,
        progress,
        cancelled,
    };
    use osmpbf::{Element, ElementReader};
    let mut ways = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut name_ids: HashMap<String, u32> = HashMap::new();
    let mut values: Vec<String> = Vec::new();
    let mut value_ids: HashMap<String, u32> = HashMap::new();
    let mut needed: HashSet<i64> = HashSet::new();
    let mut saw_element = false;
    ElementReader::new(reader(0.0, 0.5))
        .for_each(|element| {
            saw_element = true;
            if let Element::Way(w) = element {
                let tags: HashMap<&str, &str> = w.tags().collect();
                // Keep every way some country lets someone use; the map's own country is
                // known only once its nodes are read, and decides in `build_graph`.
                if classify(&tags, &ANY_COUNTRY).is_some() {
                    let mut rec = WayRec {
                        refs: w.refs().collect(),
                        tags: Vec::new(),
                        name: NO_NAME,
                    };
                    if let Some(&name) = tags.get("name") {
                        let next = names.len() as u32;
                        rec.name = *name_ids.entry(name.to_string()).or_insert_with(|| {
                            names.push(name.to_string());
                            next
                        });
                    }
                    for (k, key) in ROUTING_KEYS.iter().enumerate() {
                        if let Some(&value) = tags.get(key) {
                            let next = values.len() as u32;
                            let id = *value_ids.entry(value.to_string()).or_insert_with(|| {
                                values.push(value.to_string());
                                next
                            });
                            rec.tags.push((k as u8, id));
                        }
                    }
                    needed.extend(rec.refs.iter().copied());
                    ways.push(rec);
                }
            }
        })
        .map_err(|_| not_pbf())?;
    if !saw_element {
        return Err(Error::invalid(
            "map file",
            "the file holds no map data (no nodes or ways)",
        ));
    }
    let mut nodes: HashMap<i64, (i32, i32)> = HashMap::with_capacity(needed.len());
    if !ways.is_empty() {
        ElementReader::new(reader(0.5, 0.95))
            .for_each(|element| match element {
                Element::DenseNode(n) if needed.contains(&n.id()) => {
                    nodes.insert(n.id(), (n.decimicro_lat(), n.decimicro_lon()));
                }
                Element::Node(n) if needed.contains(&n.id()) => {
                    nodes.insert(n.id(), (n.decimicro_lat(), n.decimicro_lon()));
                }
                _ => {}
            })
            .map_err(|_| not_pbf())?;
    }
    Ok(Parsed {
        nodes,
        ways,
        names,
        values,
    })
}

fn is_yes(v: Option<&&str>) -> Option<bool> {
    match v.copied() {
        Some("yes" | "designated" | "permissive" | "official" | "destination" | "customers") => {
            Some(true)
        }
        Some("no" | "private" | "agricultural" | "forestry" | "delivery" | "use_sidepath") => {
            Some(false)
        }
        _ => None,
    }
}

/// Decide whether a way is routable and for whom, with `rules` for what its tags leave
/// unsaid. Returns None for ways nobody can travel.
fn classify(tags: &HashMap<&str, &str>, rules: &CountryRules) -> Option<WayAccess> {
    let highway = *tags.get("highway")?;
    if tags.get("area").copied() == Some("yes") && highway != "pedestrian" {
        return None;
    }
    // (foot default, bike default, car default km/h or 0, kind)
    let (foot, bike, car_kmh, kind) = match highway {
        "motorway" | "motorway_link" => (false, false, 100, WayKind::Road),
        "trunk" | "trunk_link" => (rules.trunk_foot, rules.trunk_bike, 70, WayKind::Road),
        "primary" | "primary_link" => (true, true, 50, WayKind::Road),
        "secondary" | "secondary_link" => (true, true, 40, WayKind::Road),
        "tertiary" | "tertiary_link" => (true, true, 40, WayKind::Road),
        "unclassified" | "road" => (true, true, 30, WayKind::Road),
        "residential" => (true, true, 30, WayKind::Road),
        "living_street" => (true, true, 10, WayKind::Road),
        "service" => (true, true, 15, WayKind::Road),
        "track" => (true, true, 0, WayKind::Path),
        "pedestrian" => (true, rules.pedestrian_bike, 0, WayKind::Pedestrian),
        "footway" | "corridor" => {
            let kind = match tags.get("footway").copied() {
                Some("sidewalk") => WayKind::Sidewalk,
                Some("crossing") => WayKind::Crossing,
                _ => WayKind::Path,
            };
            let bike = highway == "footway" && rules.footway_bike;
            (true, bike, 0, kind)
        }
        "path" => (true, true, 0, WayKind::Path),
        "cycleway" => (rules.cycleway_foot, true, 0, WayKind::Path),
        "bridleway" => (rules.bridleway_foot, rules.bridleway_bike, 0, WayKind::Path),
        "steps" => (true, false, 0, WayKind::Steps),
        _ => return None,
    };
    // A motor road (e.g. a Kraftfahrstraße, an autoweg) is closed to walking and cycling
    // whatever the road class; a pavement along the road (other than a motorway's) opens it
    // to walking.
    let motorroad = tags.get("motorroad").copied() == Some("yes");
    let motorway = highway.starts_with("motorway");
    let sidewalk = !motorway
        && [
            "sidewalk",
            "sidewalk:both",
            "sidewalk:left",
            "sidewalk:right",
        ]
        .iter()
        .any(|k| {
            matches!(
                tags.get(k).copied(),
                Some("both" | "left" | "right" | "yes")
            )
        });
    // General access first, then the specific mode tags override it.
    let general = is_yes(tags.get("access"));
    let foot_ok = is_yes(tags.get("foot"))
        .or(motorroad.then_some(false))
        .or(general)
        .or(sidewalk.then_some(true))
        .unwrap_or(foot);
    let bike_ok = is_yes(tags.get("bicycle"))
        .or(is_yes(tags.get("vehicle")))
        .or(motorroad.then_some(false))
        .or(general)
        .unwrap_or(bike);
    let car_ok = car_kmh > 0
        && is_yes(tags.get("motorcar"))
            .or(is_yes(tags.get("motor_vehicle")))
            .or(is_yes(tags.get("vehicle")))
            .or(general)
            .unwrap_or(true);
    let car_kmh = if car_ok {
        tags.get("maxspeed")
            .and_then(|s| parse_maxspeed(s))
            .unwrap_or(car_kmh)
    } else {
        0
    };

    // One-way rules: cars always follow them, bicycles unless exempted, pedestrians ignore them.
    let oneway = match tags.get("oneway").copied() {
        Some("yes" | "true" | "1") => 1,
        Some("-1" | "reverse") => -1,
        Some("no" | "false" | "0") => 0,
        _ => {
            let roundabout = matches!(
                tags.get("junction").copied(),
                Some("roundabout" | "circular")
            );
            if roundabout || highway == "motorway" {
                1
            } else {
                0
            }
        }
    };
    let bike_exempt = tags.get("oneway:bicycle").copied() == Some("no")
        || tags
            .get("cycleway")
            .is_some_and(|v| v.starts_with("opposite"));
    let mut fwd = 0;
    let mut bwd = 0;
    if foot_ok {
        fwd |= ACCESS_FOOT;
        bwd |= ACCESS_FOOT;
    }
    if bike_ok {
        let ow = if bike_exempt { 0 } else { oneway };
        if ow >= 0 {
            fwd |= ACCESS_BIKE;
        }
        if ow <= 0 {
            bwd |= ACCESS_BIKE;
        }
    }
    if car_ok {
        if oneway >= 0 {
            fwd |= ACCESS_CAR;
        }
        if oneway <= 0 {
            bwd |= ACCESS_CAR;
        }
    }
    if fwd == 0 && bwd == 0 {
        return None;
    }
    let underground = !matches!(
        tags.get("tunnel").copied(),
        None | Some("no" | "building_passage")
    ) || tags
        .get("layer")
        .and_then(|l| l.trim().parse::<i32>().ok())
        .is_some_and(|l| l < 0)
        || tags.get("location").copied() == Some("underground");
    Some(WayAccess {
        access: DirectionalAccess {
            forward: fwd,
            backward: bwd,
        },
        car_kmh,
        kind,
        underground,
    })
}

fn parse_maxspeed(s: &str) -> Option<u8> {
    let s = s.trim();
    let (num, mph) = match s.strip_suffix("mph") {
        Some(rest) => (rest.trim(), true),
        None => (s, false),
    };
    let v: f64 = num.parse().ok()?;
    let kmh = if mph { v * 1.609 } else { v };
    (5.0..=200.0).contains(&kmh).then_some(kmh.round() as u8)
}

fn build_graph(parsed: Parsed) -> Result<(Graph, ImportReport)> {
    let Parsed {
        nodes: coords,
        ways,
        names,
        values,
    } = parsed;
    let mut report = ImportReport::default();
    // The country of the map's centre decides what untagged ways allow.
    let country = map_country(&coords);
    let rules = access::rules_for(&country);
    report.country = country.clone();
    // Dense ids for nodes that some routable way uses and that exist in the extract.
    let mut dense: HashMap<i64, u32> = HashMap::new();
    let mut lat_e7 = Vec::new();
    let mut lon_e7 = Vec::new();
    // (from, arc) before sorting into CSR.
    let mut raw: Vec<(u32, Arc)> = Vec::new();
    for way in &ways {
        let tags: HashMap<&str, &str> = way
            .tags
            .iter()
            .map(|&(k, v)| (ROUTING_KEYS[k as usize], values[v as usize].as_str()))
            .collect();
        let Some(way_access) = classify(&tags, &rules) else {
            continue;
        };
        let mut prev: Option<u32> = None;
        let mut used = false;
        for id in &way.refs {
            let Some(&(la, lo)) = coords.get(id) else {
                // The way leaves the extract here: split it, do not join across the gap.
                report.missing_node_refs += 1;
                prev = None;
                continue;
            };
            let v = *dense.entry(*id).or_insert_with(|| {
                lat_e7.push(la);
                lon_e7.push(lo);
                (lat_e7.len() - 1) as u32
            });
            if let Some(u) = prev {
                if u != v {
                    let len = haversine_e7(
                        (lat_e7[u as usize], lon_e7[u as usize]),
                        (lat_e7[v as usize], lon_e7[v as usize]),
                    ) as f32;
                    let level = if way_access.underground {
                        UNDERGROUND
                    } else {
                        0
                    };
                    let base = Arc {
                        to: v,
                        length_m: len,
                        car_kmh: way_access.car_kmh,
                        access: way_access.access.forward | level,
                        kind: way_access.kind,
                        name: way.name,
                    };
                    if way_access.access.forward != 0 {
                        raw.push((u, base));
                    }
                    if way_access.access.backward != 0 {
                        raw.push((
                            v,
                            Arc {
                                to: u,
                                access: way_access.access.backward | level,
                                ..base
                            },
                        ));
                    }
                    used = true;
                }
            }
            prev = Some(v);
        }
        if used {
            report.ways_used += 1;
        }
    }
    if raw.is_empty() {
        return Err(Error::invalid(
            "map file",
            "the file has no roads or paths that can be walked, cycled or driven",
        ));
    }
    let n = lat_e7.len();
    let (first_arc, arcs) = to_csr(n, raw);

    // Each profile keeps an arc only inside one strongly connected piece of its network (so
    // any two points of a piece have a way there and back); pieces of one node and arcs
    // between pieces (a one-way exit) are dropped. Small pieces stay: a pocket of paths
    // reachable only over ways a profile may not use is still routed within itself.
    // `flags` marks each profile's largest piece.
    let mut flags = vec![0u8; n];
    let mut comps = Vec::new();
    for (i, p) in Profile::ALL.iter().enumerate() {
        let (comp, sizes) = scc_ids(n, &first_arc, &arcs, *p);
        let largest = (0..sizes.len())
            .filter(|&c| sizes[c] > 1)
            .max_by_key(|&c| sizes[c]);
        for v in 0..n {
            if Some(comp[v] as usize) == largest {
                flags[v] |= 1 << i;
            }
        }
        comps.push(comp);
    }
    let mut raw2 = Vec::new();
    let mut used = vec![false; n];
    for v in 0..n {
        for a in &arcs[first_arc[v] as usize..first_arc[v + 1] as usize] {
            let mut access = 0;
            for (i, p) in Profile::ALL.iter().enumerate() {
                if a.allows(*p) && comps[i][v] == comps[i][a.to as usize] {
                    access |= p.bit();
                }
            }
            if access != 0 {
                used[v] = true;
                used[a.to as usize] = true;
                access |= a.access & UNDERGROUND;
                raw2.push((v as u32, Arc { access, ..*a }));
            }
        }
    }
    let mut new_id = vec![u32::MAX; n];
    let mut kept = 0u32;
    for v in 0..n {
        if used[v] {
            new_id[v] = kept;
            kept += 1;
            if flags[v] == 0 {
                report.nodes_outside_main_component += 1;
            }
        }
    }
    for (from, a) in &mut raw2 {
        *from = new_id[*from as usize];
        a.to = new_id[a.to as usize];
    }
    let keep = |v: &usize| new_id[*v] != u32::MAX;
    let lat_e7: Vec<i32> = (0..n).filter(keep).map(|v| lat_e7[v]).collect();
    let lon_e7: Vec<i32> = (0..n).filter(keep).map(|v| lon_e7[v]).collect();
    let flags: Vec<u8> = (0..n).filter(keep).map(|v| flags[v]).collect();
    let (first_arc, mut arcs) = to_csr(lat_e7.len(), raw2);
    let mut graph_names = names;
    name_unnamed_sidewalks(&lat_e7, &lon_e7, &first_arc, &mut arcs, &graph_names);
    graph_names.shrink_to_fit();
    let graph = Graph {
        country,
        lat_e7,
        lon_e7,
        in_main_component: flags,
        first_arc,
        arcs,
        names: graph_names,
    };
    graph.validate().map_err(|_| {
        Error::invalid(
            "map file",
            "the file holds positions outside the valid latitude and longitude range",
        )
    })?;
    report.nodes = graph.node_count();
    report.arcs = graph.arc_count();
    for a in &graph.arcs {
        // Each two-way segment is two arcs; count half of each to get street length.
        let km = f64::from(a.length_m) / 1000.0 / 2.0;
        if a.allows(Profile::Foot) {
            report.foot_km += km;
        }
        if a.allows(Profile::Bike) {
            report.bike_km += km;
        }
        if a.allows(Profile::Car) {
            report.car_km += km;
        }
    }
    // A map with no length (every way folded onto one spot, or nothing left after the
    // connectivity pass) would replace a working map with one that routes nowhere.
    if report.foot_km + report.bike_km + report.car_km < 0.001 {
        return Err(Error::invalid(
            "map file",
            "the file's roads and paths add up to no length, so there is nothing to route on; \
             the map you have now is kept",
        ));
    }
    Ok((graph, report))
}

/// The country code ("--" when none) of the mean position of the map's nodes.
fn map_country(coords: &HashMap<i64, (i32, i32)>) -> String {
    let (mut la, mut lo) = (0.0, 0.0);
    for &(a, o) in coords.values() {
        la += f64::from(a) * 1e-7;
        lo += f64::from(o) * 1e-7;
    }
    let k = coords.len().max(1) as f64;
    access::country_at(la / k, lo / k)
        .unwrap_or(access::WORLDWIDE.code)
        .to_string()
}

fn to_csr(n: usize, mut raw: Vec<(u32, Arc)>) -> (Vec<u32>, Vec<Arc>) {
    raw.sort_by_key(|(from, a)| (*from, a.to));
    let mut first = vec![0u32; n + 1];
    for (from, _) in &raw {
        first[*from as usize + 1] += 1;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    (first, raw.into_iter().map(|(_, a)| a).collect())
}

pub(crate) fn haversine_e7(a: (i32, i32), b: (i32, i32)) -> f64 {
    let p = |(la, lo): (i32, i32)| Point::new(f64::from(lo) * 1e-7, f64::from(la) * 1e-7);
    Haversine.distance(p(a), p(b))
}

/// Sidewalks mapped as their own ways usually carry no name. Give each unnamed sidewalk arc the
/// name of the nearest named street within 30 m, so directions read "along Mannerheimintie"
/// whichever pavement is used.
fn name_unnamed_sidewalks(
    lat_e7: &[i32],
    lon_e7: &[i32],
    first_arc: &[u32],
    arcs: &mut [Arc],
    _names: &[String],
) {
    use super::geometry::{Projection, SegmentGrid};
    let n = lat_e7.len();
    if n == 0 {
        return;
    }
    let coord = |v: usize| (f64::from(lat_e7[v]) * 1e-7, f64::from(lon_e7[v]) * 1e-7);
    let proj = Projection::centred_on((0..n).map(coord));
    let mut segments = Vec::new();
    let mut seg_name = Vec::new();
    for v in 0..n {
        for a in &arcs[first_arc[v] as usize..first_arc[v + 1] as usize] {
            if a.kind == WayKind::Road && a.name != NO_NAME && (v as u32) < a.to {
                segments.push((proj.xy(coord(v)), proj.xy(coord(a.to as usize))));
                seg_name.push(a.name);
            }
        }
    }
    let grid = SegmentGrid::build(segments, 30.0);
    for v in 0..n {
        let (x1, y1) = proj.xy(coord(v));
        for a in &mut arcs[first_arc[v] as usize..first_arc[v + 1] as usize] {
            if a.kind != WayKind::Sidewalk || a.name != NO_NAME {
                continue;
            }
            let (x2, y2) = proj.xy(coord(a.to as usize));
            let mid = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
            if let Some((seg, d)) = grid.nearest(mid) {
                if d <= 30.0 {
                    a.name = seg_name[seg];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags<'a>(pairs: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    fn classify_ww(t: &HashMap<&str, &str>) -> Option<WayAccess> {
        classify(t, &access::WORLDWIDE)
    }

    fn foot_in(country: &str, pairs: &[(&str, &str)]) -> bool {
        classify(&tags(pairs), &access::rules_for(country))
            .is_some_and(|w| w.access.forward & ACCESS_FOOT != 0)
    }

    #[test]
    fn tunnels_and_negative_layers_are_below_ground_a_building_passage_is_not() {
        let under = |pairs: &[(&str, &str)]| classify_ww(&tags(pairs)).map(|w| w.underground);
        let road = ("highway", "service");
        assert_eq!(under(&[road]), Some(false));
        assert_eq!(under(&[road, ("tunnel", "yes")]), Some(true));
        assert_eq!(under(&[road, ("tunnel", "building_passage")]), Some(false));
        assert_eq!(
            under(&[road, ("tunnel", "no"), ("layer", "1")]),
            Some(false)
        );
        assert_eq!(under(&[road, ("layer", "-2")]), Some(true));
        assert_eq!(under(&[road, ("layer", "x")]), Some(false));
        assert_eq!(
            under(&[("highway", "footway"), ("location", "underground")]),
            Some(true)
        );
    }

    #[test]
    fn walking_follows_the_countrys_defaults_and_the_ways_own_tags() {
        let trunk = [("highway", "trunk")];
        assert!(foot_in("GB", &trunk), "trunk roads are walkable in the UK");
        assert!(!foot_in("FR", &trunk), "and not in France");
        let with_pavement = [("highway", "trunk"), ("sidewalk", "both")];
        assert!(foot_in("FR", &with_pavement) && foot_in("GB", &with_pavement));
        assert!(foot_in(
            "FR",
            &[("highway", "trunk"), ("sidewalk:left", "yes")]
        ));
        let motorroad = [
            ("highway", "trunk"),
            ("motorroad", "yes"),
            ("sidewalk", "both"),
        ];
        assert!(!foot_in("GB", &motorroad) && !foot_in("FI", &motorroad));
        assert!(!foot_in("GB", &[("highway", "trunk"), ("foot", "no")]));
        assert!(foot_in("FR", &[("highway", "trunk"), ("foot", "yes")]));
        // A motor road keeps its cars.
        let m = classify(&tags(&motorroad), &access::rules_for("GB")).unwrap();
        assert_eq!(m.access.forward, ACCESS_CAR);
        let cycleway = [("highway", "cycleway")];
        assert!(foot_in("GB", &cycleway) && foot_in("FI", &cycleway));
        assert!(!foot_in("DE", &cycleway) && !foot_in("--", &cycleway));
        assert!(foot_in(
            "DE",
            &[("highway", "cycleway"), ("foot", "designated")]
        ));
        assert!(!foot_in("GB", &[("highway", "cycleway"), ("foot", "no")]));
        let bridleway = [("highway", "bridleway")];
        assert!(foot_in("GB", &bridleway));
        assert!(classify(&tags(&bridleway), &access::WORLDWIDE).is_none());
        // A motorway is never walked, pavement or not.
        assert!(!foot_in(
            "GB",
            &[("highway", "motorway"), ("sidewalk", "both")]
        ));
    }

    #[test]
    fn access_rules_follow_osm_tags() {
        let fw = classify_ww(&tags(&[("highway", "footway")])).unwrap();
        assert_eq!(fw.access.forward, ACCESS_FOOT);
        let fw_bike = classify_ww(&tags(&[("highway", "footway"), ("bicycle", "yes")])).unwrap();
        assert_eq!(fw_bike.access.forward, ACCESS_FOOT | ACCESS_BIKE);
        let motorway = classify_ww(&tags(&[("highway", "motorway")])).unwrap();
        assert_eq!(
            (motorway.access.forward, motorway.access.backward),
            (ACCESS_CAR, 0)
        );
        assert!(classify_ww(&tags(&[("highway", "residential"), ("access", "private")])).is_none());
        let private_but_foot = classify_ww(&tags(&[
            ("highway", "service"),
            ("access", "no"),
            ("foot", "yes"),
        ]))
        .unwrap();
        assert_eq!(private_but_foot.access.forward, ACCESS_FOOT);
        let one_way = classify_ww(&tags(&[("highway", "residential"), ("oneway", "yes")])).unwrap();
        assert_eq!(
            one_way.access.forward,
            ACCESS_FOOT | ACCESS_BIKE | ACCESS_CAR
        );
        assert_eq!(one_way.access.backward, ACCESS_FOOT);
        let contraflow = classify_ww(&tags(&[
            ("highway", "residential"),
            ("oneway", "-1"),
            ("oneway:bicycle", "no"),
        ]))
        .unwrap();
        assert_eq!(contraflow.access.forward, ACCESS_FOOT | ACCESS_BIKE);
        assert_eq!(
            contraflow.access.backward,
            ACCESS_FOOT | ACCESS_BIKE | ACCESS_CAR
        );
        let side = classify_ww(&tags(&[("highway", "footway"), ("footway", "sidewalk")])).unwrap();
        assert_eq!(side.kind, WayKind::Sidewalk);
        let no_cars = classify_ww(&tags(&[
            ("highway", "residential"),
            ("motor_vehicle", "no"),
        ]))
        .unwrap();
        assert_eq!(no_cars.access.forward & ACCESS_CAR, 0);
        assert!(classify_ww(&tags(&[("highway", "proposed")])).is_none());
        assert_eq!(parse_maxspeed("30 mph"), Some(48));
        assert_eq!(parse_maxspeed("none"), None);
    }
}
