//! The compact routable graph: nodes in CSR (compressed sparse row) order, one directed arc
//! per direction of travel, per-profile access bits, and a byte format for the vault.
//!
//! Everything a query needs that can be rebuilt cheaply (reverse arcs, per-profile weights,
//! the spatial grid) is derived on load rather than stored.

use crate::error::{Error, Result};
use ring::digest;

/// How the person travels. Each has its own access rules, speed and connected component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Foot,
    Bike,
    Car,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Foot, Profile::Bike, Profile::Car];

    /// The access bit an arc carries when this profile may use it in the arc's direction.
    pub(crate) fn bit(self) -> u8 {
        match self {
            Profile::Foot => ACCESS_FOOT,
            Profile::Bike => ACCESS_BIKE,
            Profile::Car => ACCESS_CAR,
        }
    }

    fn index(self) -> usize {
        match self {
            Profile::Foot => 0,
            Profile::Bike => 1,
            Profile::Car => 2,
        }
    }

    pub fn parse(s: &str) -> Result<Profile> {
        match s.trim().to_ascii_lowercase().as_str() {
            "foot" | "walk" | "walking" => Ok(Profile::Foot),
            "bike" | "bicycle" | "cycle" | "cycling" => Ok(Profile::Bike),
            "car" | "drive" | "driving" => Ok(Profile::Car),
            _ => Err(Error::invalid("profile", "choose foot, bike or car")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Foot => "foot",
            Profile::Bike => "bike",
            Profile::Car => "car",
        }
    }
}

pub(crate) const ACCESS_FOOT: u8 = 1;
pub(crate) const ACCESS_BIKE: u8 = 2;
pub(crate) const ACCESS_CAR: u8 = 4;
/// Not a profile: set on arcs of ways below ground (tunnels, underground passages). Routes may
/// use them, but a position is not snapped onto one when a way at street level is about as
/// near: a phone that has a position fix is almost never underground, and a street often runs
/// right above a tunnel. Maps stored before this bit have it clear everywhere.
pub(crate) const UNDERGROUND: u8 = 0x80;

/// Walking speed: 5 km/h.
pub(crate) const FOOT_MPS: f64 = 5.0 / 3.6;
/// Cycling speed on roads and cycleways: 15 km/h.
pub(crate) const BIKE_MPS: f64 = 15.0 / 3.6;
/// Cycling where bikes are allowed among pedestrians: 8 km/h.
pub(crate) const BIKE_SHARED_MPS: f64 = 8.0 / 3.6;

/// What sort of way an arc is on; sidewalks and crossings are told apart so that a route on
/// "the other pavement" is recognised as the same corridor, and can borrow the street's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum WayKind {
    Road = 0,
    Path = 1,
    Sidewalk = 2,
    Crossing = 3,
    Steps = 4,
    Pedestrian = 5,
}

impl WayKind {
    fn from_u8(v: u8) -> Option<WayKind> {
        Some(match v {
            0 => WayKind::Road,
            1 => WayKind::Path,
            2 => WayKind::Sidewalk,
            3 => WayKind::Crossing,
            4 => WayKind::Steps,
            5 => WayKind::Pedestrian,
            _ => return None,
        })
    }
}

pub(crate) const NO_NAME: u32 = u32::MAX;

/// One directed arc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arc {
    pub to: u32,
    pub length_m: f32,
    /// Driving speed in km/h (0 where cars may not go).
    pub car_kmh: u8,
    /// Which profiles may travel this arc in its direction (ACCESS_* bits).
    pub access: u8,
    pub kind: WayKind,
    /// Index into the name table or NO_NAME.
    pub name: u32,
}

impl Arc {
    pub fn allows(&self, profile: Profile) -> bool {
        self.access & profile.bit() != 0
    }

    /// The way runs below ground (see `UNDERGROUND`).
    pub fn underground(&self) -> bool {
        self.access & UNDERGROUND != 0
    }

    /// Travel time in seconds for the profile, or None if the profile may not use the arc.
    pub fn seconds(&self, profile: Profile) -> Option<f64> {
        if !self.allows(profile) {
            return None;
        }
        let len = f64::from(self.length_m);
        Some(match profile {
            Profile::Foot => len / FOOT_MPS,
            Profile::Bike => match self.kind {
                WayKind::Sidewalk | WayKind::Pedestrian | WayKind::Crossing | WayKind::Steps => {
                    len / BIKE_SHARED_MPS
                }
                _ => len / BIKE_MPS,
            },
            Profile::Car => len / (f64::from(self.car_kmh.max(5)) / 3.6),
        })
    }
}

/// The stored part of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// ISO 3166-1 code of the country whose default access rules the import used ("--" for
    /// the worldwide defaults; see `access.rs`).
    pub(crate) country: String,
    /// Latitude and longitude in units of 1e-7 degrees, as OSM stores them.
    pub(crate) lat_e7: Vec<i32>,
    pub(crate) lon_e7: Vec<i32>,
    /// Per node: bit p set when the node is in profile p's largest strongly connected component.
    pub(crate) in_main_component: Vec<u8>,
    /// CSR offsets: the arcs leaving node v are arcs[first_arc[v]..first_arc[v+1]].
    pub(crate) first_arc: Vec<u32>,
    pub(crate) arcs: Vec<Arc>,
    pub(crate) names: Vec<String>,
}

const MAGIC: &[u8; 8] = b"WMROUTE1";
/// 2 added the map's country. Version 1 maps still load (country "--").
const FORMAT_VERSION: u32 = 2;

impl Graph {
    pub fn node_count(&self) -> usize {
        self.lat_e7.len()
    }

    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// (lat, lon) in degrees.
    pub fn coord(&self, v: u32) -> (f64, f64) {
        let i = v as usize;
        (
            f64::from(self.lat_e7[i]) * 1e-7,
            f64::from(self.lon_e7[i]) * 1e-7,
        )
    }

    /// Arc ids leaving v.
    pub fn arc_range(&self, v: u32) -> std::ops::Range<usize> {
        self.first_arc[v as usize] as usize..self.first_arc[v as usize + 1] as usize
    }

    pub fn arc(&self, id: usize) -> &Arc {
        &self.arcs[id]
    }

    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }

    /// The country whose default access rules were used ("--": worldwide defaults).
    pub fn country(&self) -> &str {
        &self.country
    }

    pub fn in_main_component(&self, v: u32, profile: Profile) -> bool {
        self.in_main_component[v as usize] & (1 << profile.index()) != 0
    }

    /// Serialise for the vault. A SHA-256 of the body closes the record so that damage is
    /// noticed on load rather than producing wrong routes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.node_count();
        let mut out = Vec::with_capacity(32 + n * 13 + self.arcs.len() * 15);
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, FORMAT_VERSION);
        put_u32(&mut out, n as u32);
        put_u32(&mut out, self.arcs.len() as u32);
        put_u32(&mut out, self.names.len() as u32);
        let mut code = [b'-'; 2];
        for (c, b) in code.iter_mut().zip(self.country.bytes()) {
            *c = b;
        }
        out.extend_from_slice(&code);
        for v in 0..n {
            out.extend_from_slice(&self.lat_e7[v].to_le_bytes());
            out.extend_from_slice(&self.lon_e7[v].to_le_bytes());
            out.push(self.in_main_component[v]);
        }
        for &o in &self.first_arc {
            put_u32(&mut out, o);
        }
        for a in &self.arcs {
            put_u32(&mut out, a.to);
            out.extend_from_slice(&a.length_m.to_le_bytes());
            out.push(a.car_kmh);
            out.push(a.access);
            out.push(a.kind as u8);
            put_u32(&mut out, a.name);
        }
        for name in &self.names {
            put_u32(&mut out, name.len() as u32);
            out.extend_from_slice(name.as_bytes());
        }
        let sum = digest::digest(&digest::SHA256, &out);
        out.extend_from_slice(sum.as_ref());
        out
    }

    /// Parse and validate bytes written by `to_bytes`. Anything inconsistent is an integrity error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Graph> {
        let damaged = || Error::integrity("stored map");
        if bytes.len() < MAGIC.len() + 16 + 32 {
            return Err(damaged());
        }
        let (body, sum) = bytes.split_at(bytes.len() - 32);
        if digest::digest(&digest::SHA256, body).as_ref() != sum {
            return Err(damaged());
        }
        let mut r = Reader {
            bytes: body,
            pos: 0,
        };
        if r.take(8).ok_or_else(damaged)? != MAGIC {
            return Err(damaged());
        }
        let version = r.u32().ok_or_else(damaged)?;
        if version > FORMAT_VERSION || version == 0 {
            return Err(Error::invalid(
                "stored map",
                "was written by a newer version of Waymark",
            ));
        }
        let n = r.u32().ok_or_else(damaged)? as usize;
        let m = r.u32().ok_or_else(damaged)? as usize;
        let k = r.u32().ok_or_else(damaged)? as usize;
        let country = if version >= 2 {
            let code = r.take(2).ok_or_else(damaged)?;
            if !code.iter().all(|b| b.is_ascii_uppercase() || *b == b'-') {
                return Err(damaged());
            }
            String::from_utf8(code.to_vec()).map_err(|_| damaged())?
        } else {
            "--".to_string()
        };
        // Check sizes before allocating so a damaged header cannot ask for gigabytes.
        let need = n
            .checked_mul(9)
            .and_then(|x| x.checked_add((n + 1).checked_mul(4)?))
            .and_then(|x| x.checked_add(m.checked_mul(15)?))
            .and_then(|x| x.checked_add(k.checked_mul(4)?))
            .ok_or_else(damaged)?;
        if r.remaining() < need {
            return Err(damaged());
        }
        let mut g = Graph {
            country,
            lat_e7: Vec::with_capacity(n),
            lon_e7: Vec::with_capacity(n),
            in_main_component: Vec::with_capacity(n),
            first_arc: Vec::with_capacity(n + 1),
            arcs: Vec::with_capacity(m),
            names: Vec::with_capacity(k),
        };
        for _ in 0..n {
            g.lat_e7.push(r.i32().ok_or_else(damaged)?);
            g.lon_e7.push(r.i32().ok_or_else(damaged)?);
            g.in_main_component.push(r.u8().ok_or_else(damaged)?);
        }
        for _ in 0..=n {
            g.first_arc.push(r.u32().ok_or_else(damaged)?);
        }
        for _ in 0..m {
            let to = r.u32().ok_or_else(damaged)?;
            let length_m = f32::from_le_bytes(r.array().ok_or_else(damaged)?);
            let car_kmh = r.u8().ok_or_else(damaged)?;
            let access = r.u8().ok_or_else(damaged)?;
            let kind = WayKind::from_u8(r.u8().ok_or_else(damaged)?).ok_or_else(damaged)?;
            let name = r.u32().ok_or_else(damaged)?;
            g.arcs.push(Arc {
                to,
                length_m,
                car_kmh,
                access,
                kind,
                name,
            });
        }
        for _ in 0..k {
            let len = r.u32().ok_or_else(damaged)? as usize;
            let s = r.take(len).ok_or_else(damaged)?;
            g.names
                .push(String::from_utf8(s.to_vec()).map_err(|_| damaged())?);
        }
        if r.remaining() != 0 {
            return Err(damaged());
        }
        g.validate().map_err(|_| damaged())?;
        Ok(g)
    }

    /// Structural invariants every query relies on (indices in range, offsets monotonic).
    pub(crate) fn validate(&self) -> Result<()> {
        let n = self.node_count();
        let bad = |what: &str| Error::integrity(format!("map graph: {what}"));
        if self.lon_e7.len() != n || self.in_main_component.len() != n {
            return Err(bad("node arrays differ in length"));
        }
        if self.first_arc.len() != n + 1
            || self.first_arc.first() != Some(&0)
            || self.first_arc.last().map(|&x| x as usize) != Some(self.arcs.len())
            || self.first_arc.windows(2).any(|w| w[0] > w[1])
        {
            return Err(bad("arc offsets"));
        }
        for a in &self.arcs {
            if a.to as usize >= n
                || !(a.length_m.is_finite() && a.length_m >= 0.0)
                || (a.name != NO_NAME && a.name as usize >= self.names.len())
            {
                return Err(bad("arc out of range"));
            }
        }
        for v in 0..n {
            if self.lat_e7[v].abs() > 900_000_000 || self.lon_e7[v].abs() > 1_800_000_000 {
                return Err(bad("coordinate out of range"));
            }
        }
        Ok(())
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.array()?))
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.array()?))
    }
}

/// Strongly connected components of the arcs a profile may use (iterative Kosaraju): the
/// component id of each node and the size of each component. With directed arcs (one-way
/// streets) a strongly connected component guarantees a way there and a way back between any
/// two of its nodes.
pub(crate) fn scc_ids(
    n: usize,
    first_arc: &[u32],
    arcs: &[Arc],
    profile: Profile,
) -> (Vec<u32>, Vec<usize>) {
    let bit = profile.bit();
    // Reverse adjacency restricted to the profile.
    let mut rev_first = vec![0u32; n + 1];
    for v in 0..n {
        for a in &arcs[first_arc[v] as usize..first_arc[v + 1] as usize] {
            if a.access & bit != 0 {
                rev_first[a.to as usize + 1] += 1;
            }
        }
    }
    for i in 0..n {
        rev_first[i + 1] += rev_first[i];
    }
    let mut fill = rev_first.clone();
    let mut rev = vec![0u32; rev_first[n] as usize];
    for v in 0..n {
        for a in &arcs[first_arc[v] as usize..first_arc[v + 1] as usize] {
            if a.access & bit != 0 {
                let slot = &mut fill[a.to as usize];
                rev[*slot as usize] = v as u32;
                *slot += 1;
            }
        }
    }
    // Pass 1: finishing order on the forward graph.
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for root in 0..n {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        stack.push((root as u32, first_arc[root] as usize));
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            let end = first_arc[v as usize + 1] as usize;
            let mut pushed = None;
            while *next < end {
                let a = &arcs[*next];
                *next += 1;
                if a.access & bit != 0 && !visited[a.to as usize] {
                    visited[a.to as usize] = true;
                    pushed = Some(a.to);
                    break;
                }
            }
            match pushed {
                Some(w) => stack.push((w, first_arc[w as usize] as usize)),
                None => {
                    order.push(v);
                    stack.pop();
                }
            }
        }
    }
    // Pass 2: components on the reverse graph in reverse finishing order.
    let mut comp = vec![u32::MAX; n];
    let mut sizes: Vec<usize> = Vec::new();
    let mut todo = Vec::new();
    for &root in order.iter().rev() {
        if comp[root as usize] != u32::MAX {
            continue;
        }
        let id = sizes.len() as u32;
        let mut size = 0;
        comp[root as usize] = id;
        todo.push(root);
        while let Some(v) = todo.pop() {
            size += 1;
            for &u in &rev[rev_first[v as usize] as usize..rev_first[v as usize + 1] as usize] {
                if comp[u as usize] == u32::MAX {
                    comp[u as usize] = id;
                    todo.push(u);
                }
            }
        }
        sizes.push(size);
    }
    (comp, sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(to: u32, access: u8) -> Arc {
        Arc {
            to,
            length_m: 10.0,
            car_kmh: 30,
            access,
            kind: WayKind::Road,
            name: NO_NAME,
        }
    }

    #[test]
    fn scc_respects_one_way_arcs() {
        // 0 <-> 1 <-> 2 for everyone, 2 -> 3 one way for cars only: 3 is not in the car SCC.
        let all = ACCESS_FOOT | ACCESS_BIKE | ACCESS_CAR;
        let arcs = vec![
            arc(1, all),
            arc(0, all),
            arc(2, all),
            arc(1, all),
            arc(3, ACCESS_CAR | ACCESS_FOOT),
            arc(2, ACCESS_FOOT),
        ];
        let first = vec![0, 1, 3, 5, 6];
        let (car, car_sizes) = scc_ids(4, &first, &arcs, Profile::Car);
        assert!(car[0] == car[1] && car[1] == car[2] && car[3] != car[0]);
        assert_eq!(car_sizes[car[0] as usize], 3);
        let (foot, _) = scc_ids(4, &first, &arcs, Profile::Foot);
        assert!(foot.iter().all(|&c| c == foot[0]));
    }
}
