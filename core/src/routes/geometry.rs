//! Small planar geometry for a city-sized area: a local projection to metres and a grid of
//! segments for "how far is this point from that route" questions.
//!
//! Over a few kilometres an equirectangular projection around the area's centre is accurate to
//! well under a metre, which is far finer than the 25 m corridor it serves.

use std::collections::HashMap;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone, Copy)]
pub struct Projection {
    lat0: f64,
    lon0: f64,
    cos_lat0: f64,
}

impl Projection {
    pub fn new(lat0: f64, lon0: f64) -> Projection {
        Projection {
            lat0,
            lon0,
            cos_lat0: lat0.to_radians().cos(),
        }
    }

    /// Centre on the mean of the points (any point if there are none).
    pub fn centred_on(points: impl Iterator<Item = (f64, f64)>) -> Projection {
        let (mut sl, mut so, mut k) = (0.0, 0.0, 0.0);
        for (la, lo) in points {
            sl += la;
            so += lo;
            k += 1.0;
        }
        if k == 0.0 {
            return Projection::new(0.0, 0.0);
        }
        Projection::new(sl / k, so / k)
    }

    /// (lat, lon) in degrees -> (x east, y north) in metres.
    pub fn xy(&self, (lat, lon): (f64, f64)) -> (f64, f64) {
        (
            (lon - self.lon0).to_radians() * self.cos_lat0 * EARTH_RADIUS_M,
            (lat - self.lat0).to_radians() * EARTH_RADIUS_M,
        )
    }
}

pub fn dist_point_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

/// Segments bucketed by grid cell; a segment is entered in every cell its bounding box touches.
pub struct SegmentGrid {
    cell: f64,
    segments: Vec<((f64, f64), (f64, f64))>,
    cells: HashMap<(i32, i32), Vec<u32>>,
}

impl SegmentGrid {
    pub fn new(cell_m: f64) -> SegmentGrid {
        SegmentGrid {
            cell: cell_m,
            segments: Vec::new(),
            cells: HashMap::new(),
        }
    }

    fn key(&self, x: f64, y: f64) -> (i32, i32) {
        (
            (x / self.cell).floor() as i32,
            (y / self.cell).floor() as i32,
        )
    }

    pub fn insert(&mut self, a: (f64, f64), b: (f64, f64)) {
        let id = self.segments.len() as u32;
        self.segments.push((a, b));
        let (x0, y0) = self.key(a.0.min(b.0), a.1.min(b.1));
        let (x1, y1) = self.key(a.0.max(b.0), a.1.max(b.1));
        for cx in x0..=x1 {
            for cy in y0..=y1 {
                self.cells.entry((cx, cy)).or_default().push(id);
            }
        }
    }

    /// Nearest segment within one cell's reach (the caller's radius must not exceed the cell).
    pub fn nearest(&self, p: (f64, f64)) -> Option<(usize, f64)> {
        let (cx, cy) = self.key(p.0, p.1);
        let mut best: Option<(usize, f64)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(ids) = self.cells.get(&(cx + dx, cy + dy)) {
                    for &id in ids {
                        let (a, b) = self.segments[id as usize];
                        let d = dist_point_segment(p, a, b);
                        if best.is_none_or(|(_, bd)| d < bd) {
                            best = Some((id as usize, d));
                        }
                    }
                }
            }
        }
        best
    }

    /// Is p within `radius` (at most the cell size) of any segment?
    pub fn within(&self, p: (f64, f64), radius: f64) -> bool {
        let (cx, cy) = self.key(p.0, p.1);
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(ids) = self.cells.get(&(cx + dx, cy + dy)) {
                    for &id in ids {
                        let (a, b) = self.segments[id as usize];
                        if dist_point_segment(p, a, b) <= radius {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }
}

/// A polyline in projected metres with its corridor index.
pub struct Corridor {
    pub grid: SegmentGrid,
    pub radius: f64,
}

impl Corridor {
    pub fn new(points: &[(f64, f64)], radius: f64) -> Corridor {
        let mut grid = SegmentGrid::new(radius.max(1.0));
        for w in points.windows(2) {
            grid.insert(w[0], w[1]);
        }
        if points.len() == 1 {
            grid.insert(points[0], points[0]);
        }
        Corridor { grid, radius }
    }
}

/// Fraction (0..=1) of the length of `points` that lies within any of the corridors.
/// Measured by sampling the line every `step` metres (each sample stands for its stretch).
pub fn shared_fraction(points: &[(f64, f64)], corridors: &[&Corridor], step: f64) -> f64 {
    let mut total = 0.0;
    let mut shared = 0.0;
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len == 0.0 {
            continue;
        }
        let k = (len / step).ceil().max(1.0) as usize;
        let piece = len / k as f64;
        for i in 0..k {
            // Sample the middle of each piece.
            let t = (i as f64 + 0.5) / k as f64;
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            total += piece;
            if corridors.iter().any(|c| c.grid.within(p, c.radius)) {
                shared += piece;
            }
        }
    }
    if total == 0.0 {
        1.0
    } else {
        shared / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_line_inside_corridor_is_shared() {
        let a = [(0.0, 0.0), (100.0, 0.0)];
        let near = [(0.0, 20.0), (100.0, 20.0)];
        let far = [(0.0, 30.0), (100.0, 30.0)];
        let c = Corridor::new(&a, 25.0);
        assert!((shared_fraction(&near, &[&c], 5.0) - 1.0).abs() < 1e-9);
        assert_eq!(shared_fraction(&far, &[&c], 5.0), 0.0);
        // Half of this line runs beside `a`, half goes away from it.
        let half = [(50.0, 10.0), (100.0, 10.0), (100.0, 60.0)];
        let f = shared_fraction(&half, &[&c], 1.0);
        assert!((f - 0.65).abs() < 0.02, "{f}");
    }
}
