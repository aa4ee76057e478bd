//! Shortest paths and admissible alternative routes.
//!
//! Alternatives follow the admissibility rules of Abraham et al. ("Alternative routes in road
//! networks"): an alternative is accepted only if
//! - its cost is at most max(`max_stretch` × fastest, fastest + `max_extra_s`), and never more
//!   than `max_stretch_cap` (2) × fastest (bounded stretch),
//! - at most `max_shared` of its length lies within `corridor_m` of any route chosen before it
//!   (geometric, so a separately mapped pavement beside the same street counts as the same way),
//! - every stretch of it up to T = `local_window` × fastest is a shortest path between its ends,
//!   within `local_slack` (local optimality, checked in overlapping windows: the T-test).
//!
//! Candidates come from plateaus of the forward and backward shortest-path trees (via-node
//! routes) and from penalty rounds that make everything near the routes found so far dearer.

use super::geometry::{samples, shared_fraction, Corridor};
use super::graph::{Arc, Profile};
use super::snap::{no_connection, Overlay};
use super::RoutingMap;
use crate::error::{Error, Result};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;
/// How much dearer an arc becomes, per round, when it lies along a route already found.
const PENALTY_FACTOR: f64 = 1.6;
/// Penalty rounds tried after the via-node candidates run out.
const PENALTY_ROUNDS: usize = 8;
/// Via-node candidates examined per query (longest plateaus first).
const VIA_CANDIDATES: usize = 48;
/// How much dearer arcs inside an area to avoid are.
const AVOID_FACTOR: f64 = 12.0;
/// Windows a candidate may have replaced by shortest paths before it is given up.
const MAX_REPAIRS: usize = 6;
/// Spacing of corridor samples along a route.
const SAMPLE_STEP_M: f64 = 5.0;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlternativeOptions {
    /// Routes wanted in total, the fastest included.
    pub max_routes: usize,
    pub max_stretch: f64,
    pub max_extra_s: f64,
    /// Never more than this × the fastest, whatever `max_extra_s` allows: on a 3-minute drive
    /// "+5 minutes" would otherwise admit detours 2.6 times as long.
    #[serde(default = "default_stretch_cap")]
    pub max_stretch_cap: f64,
    pub max_shared: f64,
    pub corridor_m: f64,
    pub local_window: f64,
    pub local_slack: f64,
    pub avoid: Vec<AvoidArea>,
}

impl Default for AlternativeOptions {
    fn default() -> Self {
        AlternativeOptions {
            max_routes: 3,
            max_stretch: 1.4,
            max_extra_s: 300.0,
            max_stretch_cap: default_stretch_cap(),
            max_shared: 0.6,
            corridor_m: 25.0,
            local_window: 0.25,
            local_slack: 0.02,
            avoid: Vec::new(),
        }
    }
}

fn default_stretch_cap() -> f64 {
    2.0
}

impl AlternativeOptions {
    /// The most an admissible route may cost when the fastest costs `opt`.
    pub fn bound(&self, opt: f64) -> f64 {
        (self.max_stretch * opt)
            .max(opt + self.max_extra_s)
            .min(self.max_stretch_cap.max(self.max_stretch) * opt)
    }

    fn validate(&self) -> Result<()> {
        let bad = |f: &str, r: &str| Err(Error::invalid(f, r));
        if self.max_routes == 0 || self.max_routes > 10 {
            return bad("alternatives", "ask for between 1 and 10 routes");
        }
        if !(1.0..=5.0).contains(&self.max_stretch) {
            return bad("max stretch", "must be between 1 and 5");
        }
        if !(1.0..=5.0).contains(&self.max_stretch_cap) {
            return bad("max stretch cap", "must be between 1 and 5");
        }
        if !(0.0..=4.0 * 3600.0).contains(&self.max_extra_s) {
            return bad("extra time", "must be between 0 and 4 hours");
        }
        if !(0.0..=1.0).contains(&self.max_shared) || self.max_shared == 0.0 {
            return bad("shared fraction", "must be above 0 and at most 1");
        }
        if !(0.0..=200.0).contains(&self.corridor_m) || self.corridor_m == 0.0 {
            return bad("corridor", "must be between 0 and 200 metres");
        }
        if !(0.0..=1.0).contains(&self.local_window) || !(0.0..=1.0).contains(&self.local_slack) {
            return bad(
                "local optimality",
                "window and slack must be between 0 and 1",
            );
        }
        for a in &self.avoid {
            let position_ok = a.lat.is_finite()
                && a.lon.is_finite()
                && a.lat.abs() <= 90.0
                && a.lon.abs() <= 180.0;
            if !position_ok || !(0.0..=2000.0).contains(&a.radius_m) || a.radius_m == 0.0 {
                return bad(
                    "place to avoid",
                    "needs a valid position and a radius up to 2 km",
                );
            }
        }
        Ok(())
    }
}

/// A place to keep away from (for example where an incident was logged).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AvoidArea {
    pub lat: f64,
    pub lon: f64,
    pub radius_m: f64,
    /// Shown to the user when a route goes round it, e.g. "where you were followed on 3 Nov".
    pub label: Option<String>,
}

/// One route, ready to show.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Route {
    pub profile: Profile,
    /// (lat, lon) in degrees, start to end.
    pub geometry: Vec<(f64, f64)>,
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
    /// Metres from the point asked for to where the route starts (on the nearest usable way),
    /// and from where it ends to the destination asked for.
    #[serde(default)]
    pub start_gap_m: f64,
    #[serde(default)]
    pub end_gap_m: f64,
    #[serde(skip)]
    pub(crate) nodes: Vec<u32>,
    /// Cost in the search's weights (seconds, with avoid-area penalties).
    #[serde(skip)]
    pub(crate) cost: f64,
}

impl Route {
    /// Graph node ids along the route (for tests and diagnostics). A route between points
    /// starts and ends part-way along a way: those two ends are not graph nodes and are not
    /// listed.
    pub fn nodes(&self) -> &[u32] {
        &self.nodes
    }

    /// What to tell the person when the route does not start or end where they asked, because
    /// the nearest way is more than `GAP_NOTE_M` away: None when both ends are close.
    pub fn gap_note(&self) -> Option<String> {
        let m = |d: f64| format!("{:.0} m", d.round());
        match (self.start_gap_m > GAP_NOTE_M, self.end_gap_m > GAP_NOTE_M) {
            (false, false) => None,
            (true, false) => Some(format!(
                "The route starts {} from your starting point, on the nearest way.",
                m(self.start_gap_m)
            )),
            (false, true) => Some(format!(
                "The route ends {} from your destination, on the nearest way.",
                m(self.end_gap_m)
            )),
            (true, true) => Some(format!(
                "The route starts {} from your starting point and ends {} from your destination, on the nearest ways.",
                m(self.start_gap_m),
                m(self.end_gap_m)
            )),
        }
    }
}

/// Gaps between a requested point and the route up to this are not worth mentioning (phone
/// positions are rarely better than this).
pub const GAP_NOTE_M: f64 = 10.0;

#[derive(Copy, Clone, PartialEq)]
struct Item {
    cost: f64,
    node: u32,
}
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the cheapest first.
        o.cost
            .total_cmp(&self.cost)
            .then_with(|| o.node.cmp(&self.node))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A shortest-path tree. `parent[v]` is the arc used to reach v (forward: arc into v;
/// backward: arc out of v towards the target). Nodes with dist <= `settled_to` are final.
struct Tree {
    dist: Vec<f64>,
    parent: Vec<u32>,
    settled_to: f64,
}

impl Tree {
    fn settled(&self, v: u32) -> bool {
        self.dist[v as usize] <= self.settled_to
    }
}

/// Routing for one profile on one map.
pub struct Router<'m> {
    map: &'m RoutingMap,
    profile: Profile,
    /// Seconds per arc; infinite where the profile may not go.
    seconds: Vec<f64>,
    /// Lower bound on seconds per metre of straight-line distance (for A*).
    min_sec_per_m: f64,
}

impl RoutingMap {
    pub fn router(&self, profile: Profile) -> Router<'_> {
        let seconds: Vec<f64> = self
            .graph
            .arcs
            .iter()
            .map(|a| a.seconds(profile).unwrap_or(f64::INFINITY))
            .collect();
        // Fewest seconds per metre anywhere (the top speed), scaled down a little because the
        // planar distance may run slightly over the great-circle one.
        let min_sec_per_m = self
            .graph
            .arcs
            .iter()
            .zip(&seconds)
            .filter(|(a, s)| a.length_m > 0.0 && s.is_finite())
            .map(|(a, s)| *s / f64::from(a.length_m))
            .fold(f64::INFINITY, f64::min);
        let min_sec_per_m = if min_sec_per_m.is_finite() {
            min_sec_per_m * 0.99
        } else {
            0.0
        };
        Router {
            map: self,
            profile,
            seconds,
            min_sec_per_m,
        }
    }
}

/// A via candidate with its sample points and which of them lie near a chosen route.
struct Tracked {
    cand: Candidate,
    samples: Vec<((f64, f64), f64)>,
    covered: Vec<bool>,
}

impl Tracked {
    fn new(samples: Vec<((f64, f64), f64)>, cand: Candidate) -> Tracked {
        Tracked {
            covered: vec![false; samples.len()],
            samples,
            cand,
        }
    }

    fn cover(&mut self, corridor: &Corridor) {
        for (c, (p, _)) in self.covered.iter_mut().zip(&self.samples) {
            if !*c && corridor.covers(*p) {
                *c = true;
            }
        }
    }

    fn shared(&self) -> f64 {
        let (mut total, mut shared) = (0.0, 0.0);
        for (c, (_, len)) in self.covered.iter().zip(&self.samples) {
            total += len;
            if *c {
                shared += len;
            }
        }
        if total == 0.0 {
            1.0
        } else {
            shared / total
        }
    }
}

struct Candidate {
    arcs: Vec<u32>,
    cost: f64,
    /// Index ranges of nodes on the candidate known to be shortest paths already.
    known_optimal: Vec<(usize, usize)>,
}

impl<'m> Router<'m> {
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Seconds per arc for this profile (infinite where not allowed).
    pub fn arc_seconds(&self) -> &[f64] {
        &self.seconds
    }

    /// The fastest route between two points, from and to the nearest point on the nearest
    /// usable way (see `snap`).
    pub fn fastest(&self, from: (f64, f64), to: (f64, f64)) -> Result<Route> {
        self.query_points(from, to, &[])?.fastest()
    }

    /// The fastest route between two graph nodes.
    pub fn fastest_between(&self, s: u32, t: u32) -> Result<Route> {
        self.query_nodes(s, t, &[])?.fastest()
    }

    /// Up to `opts.max_routes` admissible routes, fastest first, from and to the nearest
    /// point on the nearest usable way.
    pub fn alternatives(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        opts: &AlternativeOptions,
    ) -> Result<Vec<Route>> {
        opts.validate()?;
        self.query_points(from, to, &opts.avoid)?.alternatives(opts)
    }

    /// As `alternatives`, between two graph nodes.
    pub fn alternatives_between(
        &self,
        s: u32,
        t: u32,
        opts: &AlternativeOptions,
    ) -> Result<Vec<Route>> {
        opts.validate()?;
        self.query_nodes(s, t, &opts.avoid)?.alternatives(opts)
    }

    fn query_nodes(&self, s: u32, t: u32, avoid: &[AvoidArea]) -> Result<Query<'_>> {
        let n = self.map.graph.node_count() as u32;
        if s >= n || t >= n {
            return Err(Error::invalid("route", "no such point on the map"));
        }
        if s == t {
            return Err(same_place());
        }
        if self.map.piece(self.profile, s) != self.map.piece(self.profile, t) {
            return Err(no_connection(self.profile));
        }
        Ok(Query::new(
            self,
            Overlay::empty(self.map),
            s,
            t,
            (0.0, 0.0),
            avoid,
        ))
    }

    fn query_points(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        avoid: &[AvoidArea],
    ) -> Result<Query<'_>> {
        let (sf, st) = self.map.snap_ends(from, to, self.profile)?;
        let (dx, dy) = (sf.xy.0 - st.xy.0, sf.xy.1 - st.xy.1);
        if (dx * dx + dy * dy).sqrt() < 1.0 {
            return Err(same_place());
        }
        let mut ov = Overlay::empty(self.map);
        let s = ov.add_point(self.map, self.profile, &sf);
        let t = ov.add_point(self.map, self.profile, &st);
        ov.join_on_same_way(self.map, self.profile, (s, &sf), (t, &st));
        Ok(Query::new(self, ov, s, t, (sf.gap_m, st.gap_m), avoid))
    }
}

/// One search: the map seen through the query's overlay (its start and destination as
/// temporary nodes), with per-arc seconds and weights that include the temporary arcs.
struct Query<'r> {
    router: &'r Router<'r>,
    map: &'r RoutingMap,
    ov: Overlay,
    profile: Profile,
    s: u32,
    t: u32,
    /// Metres from the requested points to the route's ends (0 between graph nodes).
    gaps: (f64, f64),
    seconds: Vec<f64>,
    /// Seconds with places to avoid made dearer.
    weights: Vec<f64>,
}

impl<'r> Query<'r> {
    fn new(
        router: &'r Router<'r>,
        ov: Overlay,
        s: u32,
        t: u32,
        gaps: (f64, f64),
        avoid: &[AvoidArea],
    ) -> Query<'r> {
        let mut seconds = router.seconds.clone();
        seconds.extend(
            ov.arcs
                .iter()
                .map(|a| a.seconds(router.profile).unwrap_or(f64::INFINITY)),
        );
        let mut q = Query {
            router,
            map: router.map,
            ov,
            profile: router.profile,
            s,
            t,
            gaps,
            weights: Vec::new(),
            seconds,
        };
        q.weights = q.weights_with_avoid(avoid);
        q
    }

    fn node_count(&self) -> usize {
        self.ov.n as usize + self.ov.node_xy.len()
    }

    /// Arc ids leaving v, temporary ones included.
    fn out(&self, v: u32) -> impl Iterator<Item = usize> + '_ {
        let real = if v < self.ov.n {
            self.map.graph.arc_range(v)
        } else {
            0..0
        };
        let k = if self.ov.touched.contains(&v) {
            self.ov.arcs.len()
        } else {
            0
        };
        let m = self.ov.m as usize;
        real.chain(
            (0..k)
                .filter(move |&i| self.ov.arc_from[i] == v)
                .map(move |i| m + i),
        )
    }

    /// Arc ids entering v, temporary ones included.
    fn into(&self, v: u32) -> impl Iterator<Item = usize> + '_ {
        let real: &[u32] = if v < self.ov.n {
            self.map.arcs_into(v)
        } else {
            &[]
        };
        let k = if self.ov.touched.contains(&v) {
            self.ov.arcs.len()
        } else {
            0
        };
        let m = self.ov.m as usize;
        real.iter().map(|&id| id as usize).chain(
            (0..k)
                .filter(move |&i| self.ov.arcs[i].to == v)
                .map(move |i| m + i),
        )
    }

    fn arc(&self, id: usize) -> &Arc {
        match id.checked_sub(self.ov.m as usize) {
            Some(i) => &self.ov.arcs[i],
            None => self.map.graph.arc(id),
        }
    }

    fn arc_from(&self, id: usize) -> u32 {
        match id.checked_sub(self.ov.m as usize) {
            Some(i) => self.ov.arc_from[i],
            None => self.map.arc_from(id),
        }
    }

    fn xy(&self, v: u32) -> (f64, f64) {
        match v.checked_sub(self.ov.n) {
            Some(i) => self.ov.node_xy[i as usize],
            None => self.map.xy[v as usize],
        }
    }

    fn coord(&self, v: u32) -> (f64, f64) {
        match v.checked_sub(self.ov.n) {
            Some(i) => self.ov.node_coord[i as usize],
            None => self.map.graph.coord(v),
        }
    }

    fn fastest(&self) -> Result<Route> {
        let (s, t) = (self.s, self.t);
        let tree = self.astar(&self.seconds, s, t, f64::INFINITY);
        if !tree.dist[t as usize].is_finite() {
            return Err(no_connection(self.profile));
        }
        let arcs = self.forward_path(&tree, t);
        let mut r = self.build_route(s, &arcs, &self.seconds);
        r.extra_s = 0.0;
        self.hand_over(&mut r);
        Ok(r)
    }

    /// Ready a route for the caller: the gaps to the requested points, and only stored graph
    /// nodes in `nodes` (the temporary start and end are query-local).
    fn hand_over(&self, r: &mut Route) {
        r.start_gap_m = self.gaps.0;
        r.end_gap_m = self.gaps.1;
        let n = self.ov.n;
        r.nodes.retain(|&v| v < n);
    }

    fn alternatives(&self, opts: &AlternativeOptions) -> Result<Vec<Route>> {
        let (s, t) = (self.s, self.t);
        let weights = self.weights.as_slice();
        let fwd = self.dijkstra_bounded_by_stretch(weights, s, t, opts);
        let opt = fwd.dist[t as usize];
        if !opt.is_finite() {
            return Err(no_connection(self.profile));
        }
        let bound = opts.bound(opt);
        let bwd = self.backward_tree(weights, t, bound);

        let p0 = self.forward_path(&fwd, t);
        let mut chosen: Vec<(Route, Corridor)> = Vec::new();
        let first = self.build_route(s, &p0, weights);
        let c = self.corridor(&first, opts.corridor_m);
        chosen.push((first, c));

        // Via candidates remember which of their sample points are near a chosen route, so
        // each new route is compared against them once.
        let mut vias: Vec<Tracked> = self
            .via_candidates(&fwd, &bwd, s, t, bound)
            .into_iter()
            .map(|cand| Tracked::new(self.line_samples(s, &cand.arcs), cand))
            .collect();
        for v in &mut vias {
            v.cover(&chosen[0].1);
        }
        let mut penalized = weights.to_vec();
        let mut penalized_upto = 0;
        let mut rounds = 0;
        let mut tried: Vec<Vec<u32>> = vec![p0];
        while chosen.len() < opts.max_routes {
            // Best admissible via candidate: least cost × (1 + share with chosen routes).
            let mut ranked: Vec<(f64, usize)> = vias
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let shared = v.shared();
                    (shared <= opts.max_shared).then_some((v.cand.cost * (1.0 + shared), i))
                })
                .collect();
            ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut accepted = None;
            for &(_, i) in &ranked {
                let found =
                    self.admissible(s, &vias[i].cand, weights, opt, bound, &chosen, &tried, opts);
                if let Some((fixed, shared)) = found {
                    accepted = Some((i, fixed, shared));
                    break;
                }
            }
            let mut found = false;
            if let Some((i, fixed, shared)) = accepted {
                let v = vias.swap_remove(i);
                self.accept(s, &fixed, shared, weights, opts, &mut chosen);
                tried.push(v.cand.arcs);
                tried.push(fixed.arcs);
                found = true;
            }
            // Via candidates exhausted for now: penalty rounds.
            while !found && rounds < PENALTY_ROUNDS {
                rounds += 1;
                for path in &tried[penalized_upto..] {
                    self.penalize_corridor(s, path, opts.corridor_m, &mut penalized);
                }
                penalized_upto = tried.len();
                let tree = self.astar(&penalized, s, t, f64::INFINITY);
                if !tree.dist[t as usize].is_finite() {
                    break;
                }
                let arcs = self.forward_path(&tree, t);
                let cost: f64 = arcs.iter().map(|&a| weights[a as usize]).sum();
                let cand = Candidate {
                    arcs,
                    cost,
                    known_optimal: Vec::new(),
                };
                if !tried.contains(&cand.arcs) {
                    if let Some((fixed, shared)) =
                        self.admissible(s, &cand, weights, opt, bound, &chosen, &tried, opts)
                    {
                        self.accept(s, &fixed, shared, weights, opts, &mut chosen);
                        tried.push(fixed.arcs);
                        found = true;
                    }
                }
                // Remember rejected paths too, so the next round looks elsewhere.
                tried.push(cand.arcs);
            }
            if !found {
                break;
            }
            if let Some((_, newest)) = chosen.last() {
                for v in &mut vias {
                    v.cover(newest);
                }
            }
            vias.retain(|v| !tried.contains(&v.cand.arcs));
        }

        let mut routes: Vec<Route> = chosen.into_iter().map(|(r, _)| r).collect();
        self.finish(&mut routes, opts)?;
        for r in &mut routes {
            self.hand_over(r);
        }
        Ok(routes)
    }

    /// The candidate made locally optimal (see `locally_optimal_version`), if it then meets
    /// the stretch bound and shares at most `max_shared` with the routes chosen so far.
    #[allow(clippy::too_many_arguments)]
    fn admissible(
        &self,
        s: u32,
        cand: &Candidate,
        weights: &[f64],
        opt: f64,
        bound: f64,
        chosen: &[(Route, Corridor)],
        tried: &[Vec<u32>],
        opts: &AlternativeOptions,
    ) -> Option<(Candidate, f64)> {
        if cand.cost > bound + 1e-9 {
            return None;
        }
        let fixed = self.locally_optimal_version(s, cand, weights, opt, opts)?;
        if fixed.cost > bound + 1e-9 || (fixed.arcs != cand.arcs && tried.contains(&fixed.arcs)) {
            return None;
        }
        let route = self.build_route(s, &fixed.arcs, weights);
        let shared = self.shared_with(&route, chosen);
        (shared <= opts.max_shared).then_some((fixed, shared))
    }

    fn accept(
        &self,
        s: u32,
        cand: &Candidate,
        shared: f64,
        weights: &[f64],
        opts: &AlternativeOptions,
        chosen: &mut Vec<(Route, Corridor)>,
    ) {
        let mut r = self.build_route(s, &cand.arcs, weights);
        r.shared_with_earlier = shared;
        let c = self.corridor(&r, opts.corridor_m);
        chosen.push((r, c));
    }

    /// Fill in extra time against the true fastest way and the avoid-area notes.
    fn finish(&self, routes: &mut [Route], opts: &AlternativeOptions) -> Result<()> {
        let fastest = if opts.avoid.is_empty() {
            routes.first().map(|r| r.duration_s).unwrap_or(0.0)
        } else {
            self.fastest()?.duration_s
        };
        let fastest_hits = if opts.avoid.is_empty() {
            Vec::new()
        } else {
            self.areas_touched(&self.fastest()?, &opts.avoid)
        };
        for r in routes.iter_mut() {
            r.extra_s = (r.duration_s - fastest).max(0.0);
            if opts.avoid.is_empty() {
                continue;
            }
            let hits = self.areas_touched(r, &opts.avoid);
            let went_round: Vec<usize> = fastest_hits
                .iter()
                .copied()
                .filter(|i| !hits.contains(i))
                .collect();
            if !went_round.is_empty() {
                let labels = describe_areas(&went_round, &opts.avoid);
                let minutes = (r.extra_s / 60.0).round() as i64;
                let cost = match minutes {
                    0 => "adding under a minute".to_string(),
                    1 => "adding about 1 minute".to_string(),
                    m => format!("adding about {m} minutes"),
                };
                r.notes.push(format!(
                    "Goes round {labels} (the quickest way passes through), {cost}."
                ));
            }
            // Areas around the start or the destination cannot be gone round; say so plainly.
            let (ends, passed): (Vec<usize>, Vec<usize>) = hits
                .iter()
                .partition(|&&i| self.end_inside(r, &opts.avoid[i]));
            if !ends.is_empty() {
                let labels = describe_areas(&ends, &opts.avoid);
                r.notes.push(format!("Starts or ends close to {labels}."));
            }
            if !passed.is_empty() {
                let labels = describe_areas(&passed, &opts.avoid);
                r.notes.push(format!(
                    "Passes close to {labels}: there was no way round within your time limit."
                ));
            }
        }
        Ok(())
    }

    fn end_inside(&self, r: &Route, a: &AvoidArea) -> bool {
        let c = self.map.project((a.lat, a.lon));
        [r.nodes.first(), r.nodes.last()]
            .into_iter()
            .flatten()
            .any(|&v| {
                let p = self.xy(v);
                ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt() <= a.radius_m
            })
    }

    fn areas_touched(&self, r: &Route, avoid: &[AvoidArea]) -> Vec<usize> {
        let pts: Vec<(f64, f64)> = r.nodes.iter().map(|&v| self.xy(v)).collect();
        let mut out = Vec::new();
        for (i, a) in avoid.iter().enumerate() {
            let c = self.map.project((a.lat, a.lon));
            let near = pts
                .windows(2)
                .any(|w| super::geometry::dist_point_segment(c, w[0], w[1]) <= a.radius_m)
                || pts.first().is_some_and(|p| {
                    ((p.0 - c.0).powi(2) + (p.1 - c.1).powi(2)).sqrt() <= a.radius_m
                });
            if near {
                out.push(i);
            }
        }
        out
    }

    fn weights_with_avoid(&self, avoid: &[AvoidArea]) -> Vec<f64> {
        let mut w = self.seconds.clone();
        let mut near = Vec::new();
        for a in avoid {
            near.clear();
            let c = self.map.project((a.lat, a.lon));
            self.map.nodes_within(c, a.radius_m, &mut near);
            // The temporary start and destination count as nodes here too.
            for (i, p) in self.ov.node_xy.iter().enumerate() {
                if (p.0 - c.0).hypot(p.1 - c.1) <= a.radius_m {
                    near.push(self.ov.n + i as u32);
                }
            }
            for &v in &near {
                for id in self.out(v) {
                    w[id] *= AVOID_FACTOR;
                }
                for id in self.into(v) {
                    w[id] *= AVOID_FACTOR;
                }
            }
        }
        w
    }

    fn corridor(&self, r: &Route, radius: f64) -> Corridor {
        let pts: Vec<(f64, f64)> = r.nodes.iter().map(|&v| self.xy(v)).collect();
        Corridor::new(&pts, radius)
    }

    fn line_samples(&self, s: u32, arcs: &[u32]) -> Vec<((f64, f64), f64)> {
        let mut pts = Vec::with_capacity(arcs.len() + 1);
        pts.push(self.xy(s));
        pts.extend(arcs.iter().map(|&a| self.xy(self.arc(a as usize).to)));
        samples(&pts, SAMPLE_STEP_M)
    }

    fn shared_with(&self, r: &Route, chosen: &[(Route, Corridor)]) -> f64 {
        let pts: Vec<(f64, f64)> = r.nodes.iter().map(|&v| self.xy(v)).collect();
        let cs: Vec<&Corridor> = chosen.iter().map(|(_, c)| c).collect();
        shared_fraction(&pts, &cs, SAMPLE_STEP_M)
    }

    /// Make every arc with both ends within the corridor of `path` dearer.
    fn penalize_corridor(&self, s: u32, path: &[u32], radius: f64, w: &mut [f64]) {
        let n = self.node_count();
        let mut near = vec![false; n];
        let mut found = Vec::new();
        let mut mark = |p: (f64, f64), found: &mut Vec<u32>| {
            found.clear();
            self.map.nodes_within(p, radius, found);
            for &v in found.iter() {
                near[v as usize] = true;
            }
        };
        mark(self.xy(s), &mut found);
        let mut prev = self.xy(s);
        for &a in path {
            let to = self.xy(self.arc(a as usize).to);
            let len = ((to.0 - prev.0).powi(2) + (to.1 - prev.1).powi(2)).sqrt();
            let k = (len / radius).ceil().max(1.0) as usize;
            for i in 1..=k {
                let f = i as f64 / k as f64;
                mark(
                    (prev.0 + f * (to.0 - prev.0), prev.1 + f * (to.1 - prev.1)),
                    &mut found,
                );
            }
            prev = to;
        }
        for (id, weight) in w.iter_mut().enumerate() {
            let from = self.arc_from(id) as usize;
            let to = self.arc(id).to as usize;
            if near[from] && near[to] {
                *weight *= PENALTY_FACTOR;
            }
        }
    }

    /// Forward search from s that stops once everything within the stretch bound is settled.
    fn dijkstra_bounded_by_stretch(
        &self,
        w: &[f64],
        s: u32,
        t: u32,
        opts: &AlternativeOptions,
    ) -> Tree {
        let n = self.node_count();
        let mut dist = vec![f64::INFINITY; n];
        let mut parent = vec![NONE; n];
        let mut heap = BinaryHeap::new();
        dist[s as usize] = 0.0;
        heap.push(Item { cost: 0.0, node: s });
        let mut limit = f64::INFINITY;
        let mut settled_to = f64::INFINITY;
        while let Some(Item { cost, node }) = heap.pop() {
            if cost > dist[node as usize] {
                continue;
            }
            if cost > limit {
                settled_to = limit;
                break;
            }
            if node == t {
                limit = opts.bound(cost);
            }
            self.relax_out(w, node, cost, &mut dist, &mut parent, &mut heap);
        }
        Tree {
            dist,
            parent,
            settled_to,
        }
    }

    fn relax_out(
        &self,
        w: &[f64],
        v: u32,
        cost: f64,
        dist: &mut [f64],
        parent: &mut [u32],
        heap: &mut BinaryHeap<Item>,
    ) {
        for id in self.out(v) {
            let c = cost + w[id];
            let to = self.arc(id).to;
            if c < dist[to as usize] {
                dist[to as usize] = c;
                parent[to as usize] = id as u32;
                heap.push(Item { cost: c, node: to });
            }
        }
    }

    /// Dijkstra along arcs in reverse: distances *to* `target`, settled up to `limit`.
    fn backward_tree(&self, w: &[f64], target: u32, limit: f64) -> Tree {
        let n = self.node_count();
        let mut dist = vec![f64::INFINITY; n];
        let mut parent = vec![NONE; n];
        let mut heap = BinaryHeap::new();
        dist[target as usize] = 0.0;
        heap.push(Item {
            cost: 0.0,
            node: target,
        });
        let mut settled_to = f64::INFINITY;
        while let Some(Item { cost, node }) = heap.pop() {
            if cost > dist[node as usize] {
                continue;
            }
            if cost > limit {
                settled_to = limit;
                break;
            }
            for id in self.into(node) {
                let c = cost + w[id];
                let from = self.arc_from(id);
                if c < dist[from as usize] {
                    dist[from as usize] = c;
                    parent[from as usize] = id as u32;
                    heap.push(Item {
                        cost: c,
                        node: from,
                    });
                }
            }
        }
        Tree {
            dist,
            parent,
            settled_to,
        }
    }

    /// A* from `source` to `target` with the straight-line time at the profile's top speed as
    /// the (admissible) estimate; every weight used is at least the plain travel time, so the
    /// estimate never overshoots. Only the target's distance and path are meaningful; the
    /// search gives up once no path can be cheaper than `limit`.
    fn astar(&self, w: &[f64], source: u32, target: u32, limit: f64) -> Tree {
        let n = self.node_count();
        let goal = self.xy(target);
        let h = |v: u32| {
            let p = self.xy(v);
            ((p.0 - goal.0).powi(2) + (p.1 - goal.1).powi(2)).sqrt() * self.router.min_sec_per_m
        };
        let mut dist = vec![f64::INFINITY; n];
        let mut parent = vec![NONE; n];
        let mut heap = BinaryHeap::new();
        dist[source as usize] = 0.0;
        heap.push(Item {
            cost: h(source),
            node: source,
        });
        while let Some(Item { cost, node }) = heap.pop() {
            let g = dist[node as usize];
            if cost > limit || node == target {
                break;
            }
            if cost > g + h(node) + 1e-9 {
                continue; // stale entry
            }
            for id in self.out(node) {
                let c = g + w[id];
                let to = self.arc(id).to;
                if c < dist[to as usize] {
                    dist[to as usize] = c;
                    parent[to as usize] = id as u32;
                    heap.push(Item {
                        cost: c + h(to),
                        node: to,
                    });
                }
            }
        }
        Tree {
            dist,
            parent,
            settled_to: 0.0,
        }
    }

    /// Arcs from the tree's root to v, in travel order.
    fn forward_path(&self, tree: &Tree, v: u32) -> Vec<u32> {
        let mut arcs = Vec::new();
        let mut x = v;
        while tree.parent[x as usize] != NONE {
            let a = tree.parent[x as usize];
            arcs.push(a);
            x = self.arc_from(a as usize);
        }
        arcs.reverse();
        arcs
    }

    /// Arcs from v to the backward tree's root, in travel order.
    fn backward_path(&self, tree: &Tree, v: u32) -> Vec<u32> {
        let mut arcs = Vec::new();
        let mut x = v;
        while tree.parent[x as usize] != NONE {
            let a = tree.parent[x as usize];
            arcs.push(a);
            x = self.arc(a as usize).to;
        }
        arcs
    }

    /// Via-node candidates from plateaus: maximal chains of arcs that lie in both the forward
    /// tree from s and the backward tree to t. Longest plateaus first.
    fn via_candidates(&self, fwd: &Tree, bwd: &Tree, s: u32, t: u32, bound: f64) -> Vec<Candidate> {
        let n = self.node_count();
        let is_plateau = |a: u32| -> bool {
            let from = self.arc_from(a as usize);
            let to = self.arc(a as usize).to;
            fwd.settled(to)
                && bwd.settled(from)
                && fwd.parent[to as usize] == a
                && bwd.parent[from as usize] == a
        };
        let mut chains: Vec<(f64, u32, u32)> = Vec::new(); // (plateau cost, start, end)
        for v in 0..n as u32 {
            if !fwd.settled(v) || !bwd.settled(v) {
                continue;
            }
            let out = bwd.parent[v as usize];
            if out == NONE || !is_plateau(out) {
                continue;
            }
            let inn = fwd.parent[v as usize];
            if inn != NONE && is_plateau(inn) {
                continue; // not the start of its chain
            }
            if v == s {
                continue; // the fastest route itself
            }
            let mut end = v;
            let mut len = 0.0;
            loop {
                let a = bwd.parent[end as usize];
                if a == NONE || !is_plateau(a) {
                    break;
                }
                len += fwd.dist[self.arc(a as usize).to as usize] - fwd.dist[end as usize];
                end = self.arc(a as usize).to;
            }
            let total = fwd.dist[v as usize] + len + bwd.dist[end as usize];
            // A chain that reaches t is the fastest route's own plateau.
            if total <= bound && end != t {
                chains.push((len, v, end));
            }
        }
        chains.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out = Vec::new();
        let mut seen = vec![false; n];
        for &(_, start, end) in chains.iter() {
            if out.len() >= VIA_CANDIDATES {
                break;
            }
            let mut arcs = self.forward_path(fwd, end);
            let head = arcs.len();
            let tail = self.backward_path(bwd, end);
            arcs.extend_from_slice(&tail);
            // Reject paths that visit a node twice (head and tail trees can cross).
            let mut simple = true;
            let mut visited = Vec::with_capacity(arcs.len() + 1);
            seen[s as usize] = true;
            visited.push(s);
            for &a in &arcs {
                let v = self.arc(a as usize).to;
                if seen[v as usize] {
                    simple = false;
                    break;
                }
                seen[v as usize] = true;
                visited.push(v);
            }
            for v in visited {
                seen[v as usize] = false;
            }
            if !simple {
                continue;
            }
            let cost = fwd.dist[end as usize] + bwd.dist[end as usize];
            // s..end follows the forward tree and start..t the backward tree: both are
            // shortest paths, so only windows spanning the whole plateau need checking.
            let start_idx = head - self.backward_steps(bwd, start, end);
            out.push(Candidate {
                arcs,
                cost,
                known_optimal: vec![(0, head), (start_idx, usize::MAX)],
            });
        }
        out
    }

    /// Number of arcs from `start` to `end` along the backward tree.
    fn backward_steps(&self, bwd: &Tree, start: u32, end: u32) -> usize {
        let mut k = 0;
        let mut x = start;
        while x != end {
            let a = bwd.parent[x as usize];
            if a == NONE {
                break;
            }
            x = self.arc(a as usize).to;
            k += 1;
        }
        k
    }

    /// The T-test in overlapping windows: every window of cost T = local_window × opt, started
    /// every T/2 along the route, must be a shortest path between its ends (within slack).
    /// A window that fails is replaced by the shortest path between its ends (a penalty
    /// candidate often has a needless kink where it joins another street), loops are cut, and
    /// the test starts again; after `MAX_REPAIRS` the candidate is dropped. What is returned
    /// passes the test as it stands.
    fn locally_optimal_version(
        &self,
        s: u32,
        cand: &Candidate,
        w: &[f64],
        opt: f64,
        opts: &AlternativeOptions,
    ) -> Option<Candidate> {
        let window = opts.local_window * opt;
        let mut arcs = cand.arcs.clone();
        let mut known = cand.known_optimal.clone();
        let mut repairs = 0;
        'again: loop {
            let mut nodes = Vec::with_capacity(arcs.len() + 1);
            let mut cum = Vec::with_capacity(arcs.len() + 1);
            nodes.push(s);
            cum.push(0.0);
            for &a in &arcs {
                nodes.push(self.arc(a as usize).to);
                cum.push(cum.last().copied().unwrap_or(0.0) + w[a as usize]);
            }
            let total = *cum.last().unwrap_or(&0.0);
            let last = nodes.len() - 1;
            let mut start = 0.0;
            loop {
                if window <= 0.0 || total <= 0.0 {
                    break;
                }
                // u: last node at or before `start`; v: first node at or after start + window.
                let u = cum.partition_point(|&c| c <= start).saturating_sub(1);
                let v = cum.partition_point(|&c| c < start + window).min(last);
                let covered = known.iter().any(|&(a, b)| u >= a && v <= b);
                if v > u + 1 && !covered {
                    let along = cum[v] - cum[u];
                    let limit = along / (1.0 + opts.local_slack) - 1e-6;
                    let tree = self.astar(w, nodes[u], nodes[v], limit);
                    if tree.dist[nodes[v] as usize] < limit {
                        if repairs >= MAX_REPAIRS {
                            return None;
                        }
                        repairs += 1;
                        let mut spliced = arcs[..u].to_vec();
                        spliced.extend(self.forward_path(&tree, nodes[v]));
                        spliced.extend_from_slice(&arcs[v..]);
                        arcs = self.without_loops(s, &spliced);
                        known.clear();
                        continue 'again;
                    }
                }
                if start + window >= total {
                    break;
                }
                start += window / 2.0;
            }
            return Some(Candidate {
                cost: total,
                arcs,
                known_optimal: known,
            });
        }
    }

    /// Cut any cycle out of a path (keeps the first visit's position, drops the loop).
    fn without_loops(&self, s: u32, arcs: &[u32]) -> Vec<u32> {
        let mut pos: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        let mut nodes = vec![s];
        let mut out = Vec::with_capacity(arcs.len());
        pos.insert(s, 0);
        for &a in arcs {
            let v = self.arc(a as usize).to;
            if let Some(&i) = pos.get(&v) {
                for x in nodes.drain(i + 1..) {
                    pos.remove(&x);
                }
                out.truncate(i);
            } else {
                nodes.push(v);
                pos.insert(v, nodes.len() - 1);
                out.push(a);
            }
        }
        out
    }

    fn build_route(&self, s: u32, arcs: &[u32], weights: &[f64]) -> Route {
        let mut nodes = Vec::with_capacity(arcs.len() + 1);
        nodes.push(s);
        let mut length = 0.0;
        let mut duration = 0.0;
        let mut cost = 0.0;
        // (name id, metres) runs for the street list.
        let mut runs: Vec<(u32, f64)> = Vec::new();
        for &a in arcs {
            let arc = self.arc(a as usize);
            nodes.push(arc.to);
            length += f64::from(arc.length_m);
            duration += self.seconds[a as usize];
            cost += weights[a as usize];
            match runs.last_mut() {
                Some((name, m)) if *name == arc.name => *m += f64::from(arc.length_m),
                _ => runs.push((arc.name, f64::from(arc.length_m))),
            }
        }
        // Streets used for a few metres (crossing a road, a corner) are not worth listing.
        let mut street_names: Vec<String> = Vec::new();
        for (name, m) in runs {
            if m < 30.0 {
                continue;
            }
            if let Some(n) = self.map.graph.name(name) {
                if street_names.last().map(String::as_str) != Some(n) {
                    street_names.push(n.to_string());
                }
            }
        }
        Route {
            profile: self.profile,
            geometry: nodes.iter().map(|&v| self.coord(v)).collect(),
            length_m: length,
            duration_s: duration,
            extra_s: 0.0,
            street_names,
            shared_with_earlier: 0.0,
            notes: Vec::new(),
            start_gap_m: 0.0,
            end_gap_m: 0.0,
            nodes,
            cost,
        }
    }
}

fn describe_areas(ids: &[usize], avoid: &[AvoidArea]) -> String {
    let labels: Vec<&str> = ids
        .iter()
        .filter_map(|&i| avoid.get(i).and_then(|a| a.label.as_deref()))
        .collect();
    if labels.len() == ids.len() && !labels.is_empty() {
        labels.join(", ")
    } else if ids.len() == 1 {
        "a place you asked to avoid".to_string()
    } else {
        format!("{} places you asked to avoid", ids.len())
    }
}

fn same_place() -> Error {
    Error::invalid(
        "to",
        "the start and the destination are the same place on the map",
    )
}
