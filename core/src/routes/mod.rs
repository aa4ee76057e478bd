//! Routine-variation planner: an offline OpenStreetMap graph, admissible alternative routes and
//! departure schedules drawn so that a watcher cannot learn the routine.
//!
//! - `import`: PBF -> compact graph (access rules, one-way, missing nodes, main component)
//! - `graph`: the compact CSR graph and its byte format
//! - `search`: shortest paths and admissible alternatives, avoid-areas
//! - `schedule`: CSPRNG-drawn plans and how predictable they are
//! - `store`: map, saved places and plans in the vault

pub mod access;
mod geometry;
pub mod graph;
pub mod import;
pub mod schedule;
pub mod search;
mod snap;
pub mod store;

pub use graph::{Graph, Profile, WayKind};
pub use import::ImportReport;
pub use schedule::{plan_trips, PlanOptions, PlannedTrip, Predictability, TripPlan};
pub use search::{AlternativeOptions, AvoidArea, Route, Router};
pub(crate) use store::MIGRATIONS;
pub use store::{Avoid, MapInfo, RouteStore, SavedPlace};

use crate::error::Result;
use geometry::{Projection, SegmentGrid};
pub use snap::{MAX_SNAP_M, POCKET_SLACK_M};

/// Shown with every route, plan and map: the data is OpenStreetMap's, under the ODbL.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL)";

/// The bundled default map: central Helsinki (see core/data/NOTICE.md).
pub static BUNDLED_PBF: &[u8] = include_bytes!("../../data/helsinki-centre.osm.pbf");

/// A routable map: the stored graph plus indexes rebuilt on load.
pub struct RoutingMap {
    graph: Graph,
    /// Reverse CSR: arcs entering v are rev_arc[rev_first[v]..rev_first[v+1]] (arc ids).
    rev_first: Vec<u32>,
    rev_arc: Vec<u32>,
    /// The tail (from-node) of each arc.
    arc_from: Vec<u32>,
    projection: Projection,
    /// Projected node positions in metres.
    xy: Vec<(f64, f64)>,
    node_grid: NodeGrid,
    /// Every arc as a segment (id = arc id), for snapping points onto ways.
    arc_grid: SegmentGrid,
    /// Per profile (Profile::ALL order): the connected piece of each node (import keeps each
    /// profile's arcs within strongly connected pieces, so these are those pieces).
    pieces: [Vec<u32>; 3],
}

impl std::fmt::Debug for RoutingMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print coordinates.
        f.debug_struct("RoutingMap")
            .field("nodes", &self.graph.node_count())
            .field("arcs", &self.graph.arc_count())
            .finish()
    }
}

impl RoutingMap {
    /// Import an OpenStreetMap .osm.pbf file held in memory.
    pub fn from_pbf(bytes: &[u8]) -> Result<(RoutingMap, ImportReport)> {
        let (graph, report) = import::import_pbf(bytes)?;
        Ok((RoutingMap::from_graph(graph), report))
    }

    /// As `from_pbf`, reporting progress (0.0 to 1.0); returning false cancels the import.
    pub fn from_pbf_with_progress(
        bytes: &[u8],
        progress: &(dyn Fn(f64) -> bool + Sync),
    ) -> Result<(RoutingMap, ImportReport)> {
        let (graph, report) = import::import_pbf_with_progress(bytes, progress)?;
        Ok((RoutingMap::from_graph(graph), report))
    }

    /// The embedded default map.
    pub fn bundled() -> Result<RoutingMap> {
        Ok(RoutingMap::from_pbf(BUNDLED_PBF)?.0)
    }

    /// Load a graph stored with `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<RoutingMap> {
        Ok(RoutingMap::from_graph(Graph::from_bytes(bytes)?))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.graph.to_bytes()
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    fn from_graph(graph: Graph) -> RoutingMap {
        let n = graph.node_count();
        let m = graph.arc_count();
        let mut arc_from = vec![0u32; m];
        let mut rev_first = vec![0u32; n + 1];
        for v in 0..n as u32 {
            for id in graph.arc_range(v) {
                arc_from[id] = v;
                rev_first[graph.arc(id).to as usize + 1] += 1;
            }
        }
        for i in 0..n {
            rev_first[i + 1] += rev_first[i];
        }
        let mut fill = rev_first.clone();
        let mut rev_arc = vec![0u32; m];
        for (id, a) in graph.arcs.iter().enumerate() {
            let slot = &mut fill[a.to as usize];
            rev_arc[*slot as usize] = id as u32;
            *slot += 1;
        }
        let projection = Projection::centred_on((0..n as u32).map(|v| graph.coord(v)));
        let xy: Vec<(f64, f64)> = (0..n as u32)
            .map(|v| projection.xy(graph.coord(v)))
            .collect();
        let node_grid = NodeGrid::new(&xy, 50.0);
        let segments = (0..m)
            .map(|id| (xy[arc_from[id] as usize], xy[graph.arcs[id].to as usize]))
            .collect();
        let arc_grid = SegmentGrid::build(segments, MAX_SNAP_M);
        let pieces = Profile::ALL.map(|p| pieces(&graph, &arc_from, p));
        RoutingMap {
            graph,
            rev_first,
            rev_arc,
            arc_from,
            projection,
            xy,
            node_grid,
            arc_grid,
            pieces,
        }
    }

    /// The connected piece of the profile's network that v belongs to.
    pub(crate) fn piece(&self, profile: Profile, v: u32) -> u32 {
        let i = Profile::ALL.iter().position(|&p| p == profile).unwrap_or(0);
        self.pieces[i][v as usize]
    }

    /// The arc running back along `arc` that the profile may use, if any.
    pub(crate) fn reverse_arc(&self, arc: usize, profile: Profile) -> Option<usize> {
        let a = self.graph.arc(arc);
        let u = self.arc_from[arc];
        self.graph
            .arc_range(a.to)
            .filter(|&id| {
                let r = self.graph.arc(id);
                r.to == u && r.allows(profile) && (r.length_m - a.length_m).abs() < 0.5
            })
            .min_by(|&x, &y| {
                let d = |id: usize| (self.graph.arc(id).length_m - a.length_m).abs();
                d(x).total_cmp(&d(y))
            })
    }

    pub(crate) fn unproject(&self, xy: (f64, f64)) -> (f64, f64) {
        self.projection.lat_lon(xy)
    }

    /// The middle of the map's extent, in projected metres.
    pub(crate) fn centre_xy(&self) -> (f64, f64) {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &self.xy {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if self.xy.is_empty() {
            return (0.0, 0.0);
        }
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    /// Arc ids entering v.
    pub(crate) fn arcs_into(&self, v: u32) -> &[u32] {
        &self.rev_arc[self.rev_first[v as usize] as usize..self.rev_first[v as usize + 1] as usize]
    }

    pub(crate) fn arc_from(&self, arc: usize) -> u32 {
        self.arc_from[arc]
    }

    pub(crate) fn project(&self, lat_lon: (f64, f64)) -> (f64, f64) {
        self.projection.xy(lat_lon)
    }

    pub(crate) fn nodes_within(&self, p: (f64, f64), radius: f64, out: &mut Vec<u32>) {
        self.node_grid.within(&self.xy, p, radius, out)
    }

    /// Rough size of the area covered, in km (east-west, north-south).
    pub fn extent_km(&self) -> (f64, f64) {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in &self.xy {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if self.xy.is_empty() {
            return (0.0, 0.0);
        }
        ((x1 - x0) / 1000.0, (y1 - y0) / 1000.0)
    }

    /// Kilometres of way usable by each profile (each direction counted once).
    pub fn network_km(&self, profile: Profile) -> f64 {
        let mut km = 0.0;
        for a in &self.graph.arcs {
            if a.allows(profile) {
                km += f64::from(a.length_m) / 2000.0;
            }
        }
        km
    }
}

/// Connected pieces of the arcs a profile may use (union-find; arcs were kept by the import
/// only inside strongly connected pieces, so joining along them finds exactly those).
fn pieces(graph: &Graph, arc_from: &[u32], profile: Profile) -> Vec<u32> {
    let n = graph.node_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut v: u32) -> u32 {
        while parent[v as usize] != v {
            let up = parent[parent[v as usize] as usize];
            parent[v as usize] = up;
            v = up;
        }
        v
    }
    for (id, a) in graph.arcs.iter().enumerate() {
        if a.allows(profile) {
            let (x, y) = (root(&mut parent, arc_from[id]), root(&mut parent, a.to));
            if x != y {
                parent[x.max(y) as usize] = x.min(y);
            }
        }
    }
    (0..n as u32).map(|v| root(&mut parent, v)).collect()
}

/// Nodes bucketed in square cells (CSR), for snapping and "everything near this route".
struct NodeGrid {
    cell: f64,
    x0: f64,
    y0: f64,
    cols: usize,
    rows: usize,
    first: Vec<u32>,
    nodes: Vec<u32>,
}

impl NodeGrid {
    fn new(xy: &[(f64, f64)], cell: f64) -> NodeGrid {
        let (mut x0, mut x1, mut y0, mut y1) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        if let Some(&(x, y)) = xy.first() {
            (x0, x1, y0, y1) = (x, x, y, y);
        }
        for &(x, y) in xy {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        // Cap the grid so a map with a stray far-away node cannot demand a huge table.
        let cell = cell.max(((x1 - x0).max(y1 - y0)) / 2000.0);
        let cols = ((x1 - x0) / cell) as usize + 1;
        let rows = ((y1 - y0) / cell) as usize + 1;
        let cell_of = |&(x, y): &(f64, f64)| {
            let c = (((x - x0) / cell) as usize).min(cols - 1);
            let r = (((y - y0) / cell) as usize).min(rows - 1);
            r * cols + c
        };
        let mut first = vec![0u32; cols * rows + 1];
        for p in xy {
            first[cell_of(p) + 1] += 1;
        }
        for i in 0..cols * rows {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut nodes = vec![0u32; xy.len()];
        for (v, p) in xy.iter().enumerate() {
            let c = cell_of(p);
            nodes[fill[c] as usize] = v as u32;
            fill[c] += 1;
        }
        NodeGrid {
            cell,
            x0,
            y0,
            cols,
            rows,
            first,
            nodes,
        }
    }

    fn within(&self, xy: &[(f64, f64)], p: (f64, f64), radius: f64, out: &mut Vec<u32>) {
        let lo_c = ((p.0 - radius - self.x0) / self.cell).floor().max(0.0) as usize;
        let lo_r = ((p.1 - radius - self.y0) / self.cell).floor().max(0.0) as usize;
        let hi_c = ((p.0 + radius - self.x0) / self.cell).floor();
        let hi_r = ((p.1 + radius - self.y0) / self.cell).floor();
        if hi_c < 0.0 || hi_r < 0.0 || !hi_c.is_finite() || !hi_r.is_finite() {
            return;
        }
        let hi_c = (hi_c as usize).min(self.cols - 1);
        let hi_r = (hi_r as usize).min(self.rows - 1);
        let r2 = radius * radius;
        for r in lo_r..=hi_r {
            for c in lo_c..=hi_c {
                let cell = r * self.cols + c;
                for &v in &self.nodes[self.first[cell] as usize..self.first[cell + 1] as usize] {
                    let (x, y) = xy[v as usize];
                    if (x - p.0).powi(2) + (y - p.1).powi(2) <= r2 {
                        out.push(v);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod test_pbf;
#[cfg(test)]
mod tests;
