//! Where a route starts and ends: the nearest point on the nearest usable way, as a temporary
//! node that splits that way for one query only (the stored graph is never changed).
//!
//! Both ends are snapped within one connected piece of the profile's network. Usually that is
//! the piece of the nearest way to each point; when the two nearest ways lie in different
//! pieces (a pocket of paths reachable only over ways this profile may not use), a piece near
//! both is used if it is at most `POCKET_SLACK_M` further than the nearest way at either end,
//! and otherwise the person is told plainly that the map has no connection between them.

use super::geometry::dist_point_segment;
use super::graph::{Arc, Profile};
use super::RoutingMap;
use crate::error::{Error, Result};
use std::collections::HashMap;

/// How far from the nearest usable way a point may be and still count as on the map.
pub const MAX_SNAP_M: f64 = 250.0;
/// How much further than its nearest way an end may be snapped to reach a way connected to
/// the other end.
pub const POCKET_SLACK_M: f64 = 50.0;
/// How much nearer a way below ground must be than one at street level to be snapped onto
/// (a street often runs right above a tunnel; a phone with a fix is seldom underground).
pub const UNDERGROUND_SNAP_M: f64 = 30.0;

/// A point placed on a way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Snapped {
    /// The stored arc it lies on, and how far along it (0 at the arc's tail, 1 at its head).
    pub arc: u32,
    pub t: f64,
    pub xy: (f64, f64),
    /// Metres from the requested point to where the route starts or ends.
    pub gap_m: f64,
    /// What the choice between ways compares: `gap_m`, plus `UNDERGROUND_SNAP_M` below ground.
    pub rank_m: f64,
}

/// The temporary nodes and arcs of one query. Virtual node ids follow the stored nodes
/// (n, n + 1), virtual arc ids follow the stored arcs (m, m + 1, ...).
#[derive(Default)]
pub(crate) struct Overlay {
    pub n: u32,
    pub m: u32,
    pub node_xy: Vec<(f64, f64)>,
    pub node_coord: Vec<(f64, f64)>,
    pub arcs: Vec<Arc>,
    pub arc_from: Vec<u32>,
    /// Nodes that some virtual arc leaves or enters (a handful).
    pub touched: Vec<u32>,
}

impl Overlay {
    pub fn empty(map: &RoutingMap) -> Overlay {
        Overlay {
            n: map.graph.node_count() as u32,
            m: map.graph.arc_count() as u32,
            ..Overlay::default()
        }
    }

    fn push_arc(&mut self, from: u32, arc: Arc) {
        for v in [from, arc.to] {
            if !self.touched.contains(&v) {
                self.touched.push(v);
            }
        }
        self.arc_from.push(from);
        self.arcs.push(arc);
    }

    /// Add `p` as a node splitting its arc (and the arc back, if the profile may use it).
    pub fn add_point(&mut self, map: &RoutingMap, profile: Profile, p: &Snapped) -> u32 {
        let x = self.n + self.node_xy.len() as u32;
        self.node_xy.push(p.xy);
        self.node_coord.push(map.unproject(p.xy));
        let a = *map.graph.arc(p.arc as usize);
        let u = map.arc_from(p.arc as usize);
        let len = f64::from(a.length_m);
        let part = |arc: &Arc, to: u32, share: f64| Arc {
            to,
            length_m: (len * share) as f32,
            ..*arc
        };
        if a.allows(profile) {
            self.push_arc(u, part(&a, x, p.t));
            self.push_arc(x, part(&a, a.to, 1.0 - p.t));
        }
        if let Some(r) = map.reverse_arc(p.arc as usize, profile) {
            let r = *map.graph.arc(r);
            self.push_arc(a.to, part(&r, x, 1.0 - p.t));
            self.push_arc(x, part(&r, u, p.t));
        }
        x
    }

    /// When both ends lie on the same way, the direct piece between them.
    pub fn join_on_same_way(
        &mut self,
        map: &RoutingMap,
        profile: Profile,
        s: (u32, &Snapped),
        t: (u32, &Snapped),
    ) {
        let (sa, ta) = (s.1.arc as usize, t.1.arc as usize);
        let rev = map.reverse_arc(sa, profile);
        let t_along = if ta == sa {
            t.1.t
        } else if map.arc_from(ta) == map.graph.arc(sa).to
            && map.graph.arc(ta).to == map.arc_from(sa)
        {
            1.0 - t.1.t
        } else {
            return;
        };
        let a = *map.graph.arc(sa);
        let len = f64::from(a.length_m);
        if a.allows(profile) && s.1.t <= t_along {
            let arc = Arc {
                to: t.0,
                length_m: (len * (t_along - s.1.t)) as f32,
                ..a
            };
            self.push_arc(s.0, arc);
        }
        if let Some(r) = rev {
            if s.1.t >= t_along {
                let arc = Arc {
                    to: t.0,
                    length_m: (len * (s.1.t - t_along)) as f32,
                    ..*map.graph.arc(r)
                };
                self.push_arc(s.0, arc);
            }
        }
    }
}

/// The nearest usable way per connected piece, near one point.
struct Near {
    /// Per piece id: the best snap.
    by_piece: HashMap<u32, Snapped>,
    nearest: Option<(u32, Snapped)>,
}

impl RoutingMap {
    fn near(&self, p: (f64, f64), profile: Profile) -> Near {
        let mut by_piece: HashMap<u32, Snapped> = HashMap::new();
        let mut nearest: Option<(u32, Snapped)> = None;
        self.arc_grid.for_each_near(p, |id, a, b| {
            let arc = self.graph.arc(id);
            if !arc.allows(profile) && self.reverse_arc(id, profile).is_none() {
                return;
            }
            let d = dist_point_segment(p, a, b);
            if d > MAX_SNAP_M {
                return;
            }
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let rank_m = if arc.underground() {
                d + UNDERGROUND_SNAP_M
            } else {
                d
            };
            let snapped = Snapped {
                arc: id as u32,
                t,
                xy: (a.0 + t * dx, a.1 + t * dy),
                gap_m: d,
                rank_m,
            };
            let piece = self.piece(profile, self.arc_from(id));
            let better = |old: &Snapped| rank_m < old.rank_m;
            if by_piece.get(&piece).is_none_or(better) {
                by_piece.insert(piece, snapped);
            }
            if nearest.as_ref().is_none_or(|(_, old)| better(old)) {
                nearest = Some((piece, snapped));
            }
        });
        Near { by_piece, nearest }
    }

    /// Snap both ends of a trip within one connected piece of the profile's network.
    pub(crate) fn snap_ends(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        profile: Profile,
    ) -> Result<(Snapped, Snapped)> {
        let pf = self.checked_xy(from, "from")?;
        let pt = self.checked_xy(to, "to")?;
        let nf = self.near(pf, profile);
        let nt = self.near(pt, profile);
        let Some((piece_f, best_f)) = nf.nearest else {
            return Err(self.too_far(pf, profile, "from"));
        };
        let Some((piece_t, best_t)) = nt.nearest else {
            return Err(self.too_far(pt, profile, "to"));
        };
        if piece_f == piece_t {
            return Ok((best_f, best_t));
        }
        // The nearest ways are not connected: a piece near both ends, if not much further.
        let mut best: Option<(f64, Snapped, Snapped)> = None;
        for (piece, sf) in &nf.by_piece {
            let Some(st) = nt.by_piece.get(piece) else {
                continue;
            };
            if sf.gap_m > best_f.gap_m + POCKET_SLACK_M || st.gap_m > best_t.gap_m + POCKET_SLACK_M
            {
                continue;
            }
            let cost = sf.rank_m + st.rank_m;
            if best.as_ref().is_none_or(|(c, _, _)| cost < *c) {
                best = Some((cost, *sf, *st));
            }
        }
        match best {
            Some((_, sf, st)) => Ok((sf, st)),
            None => Err(no_connection(profile)),
        }
    }

    fn checked_xy(&self, (lat, lon): (f64, f64), field: &str) -> Result<(f64, f64)> {
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return Err(Error::invalid(
                field,
                "that is not a valid latitude,longitude",
            ));
        }
        Ok(self.projection.xy((lat, lon)))
    }

    /// A point with no usable way within `MAX_SNAP_M`: say how far the nearest one is.
    fn too_far(&self, p: (f64, f64), profile: Profile, field: &str) -> Error {
        let mut nearest = f64::INFINITY;
        for (id, arc) in self.graph.arcs.iter().enumerate() {
            if arc.allows(profile) {
                let a = self.xy[self.arc_from[id] as usize];
                let b = self.xy[arc.to as usize];
                nearest = nearest.min(dist_point_segment(p, a, b));
            }
        }
        let way = way_word(profile);
        if !nearest.is_finite() {
            return Error::invalid(field, format!("the loaded map has no {way} ways"));
        }
        let (w, h) = self.extent_km();
        let (cx, cy) = self.centre_xy();
        let outside =
            (p.0 - cx).abs() > w * 500.0 + MAX_SNAP_M || (p.1 - cy).abs() > h * 500.0 + MAX_SNAP_M;
        let how_far = if nearest >= 10_000.0 {
            format!("{:.0} km", nearest / 1000.0)
        } else if nearest >= 1000.0 {
            format!("{:.1} km", nearest / 1000.0)
        } else {
            format!("{:.0} m", (nearest / 10.0).round() * 10.0)
        };
        let reason = if outside {
            format!(
                "that point is outside the loaded map: the nearest {way} way on it is about {how_far} away"
            )
        } else {
            format!(
                "that point is about {how_far} from the nearest {way} way on the map (at most {} m is allowed)",
                MAX_SNAP_M as u32
            )
        };
        Error::invalid(field, reason)
    }
}

pub(crate) fn way_word(profile: Profile) -> &'static str {
    match profile {
        Profile::Foot => "walkable",
        Profile::Bike => "cyclable",
        Profile::Car => "drivable",
    }
}

/// The two places are in parts of the network that no usable way joins.
pub(crate) fn no_connection(profile: Profile) -> Error {
    let (way, verb) = match profile {
        Profile::Foot => ("walkable", "walked"),
        Profile::Bike => ("cyclable", "cycled"),
        Profile::Car => ("drivable", "driven"),
    };
    Error::not_found(format!(
        "a {way} way between these two places: the map has no {way} connection between them \
         (one of them is in a part of the network that cannot be {verb} out of)"
    ))
}
