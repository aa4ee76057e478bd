//! Small planar geometry for a city-sized area: a local projection to metres and a grid of
//! segments for "how far is this point from that route" questions.
//!
//! Over a few kilometres an equirectangular projection around the area's centre is accurate to
//! well under a metre, which is far finer than the 25 m corridor it serves.

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

impl Projection {
    /// The inverse of `xy`.
    pub fn lat_lon(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let lat = self.lat0 + (y / EARTH_RADIUS_M).to_degrees();
        let lon = if self.cos_lat0.abs() > 1e-12 {
            self.lon0 + (x / (EARTH_RADIUS_M * self.cos_lat0)).to_degrees()
        } else {
            self.lon0
        };
        (lat, lon)
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

/// Segments bucketed in a dense grid (CSR) over their bounding box; a segment is entered in
/// every cell its bounding box touches. Queries look at the 3 × 3 cells around a point, so a
/// query radius must not exceed the cell size.
pub struct SegmentGrid {
    cell: f64,
    x0: f64,
    y0: f64,
    cols: i64,
    rows: i64,
    first: Vec<u32>,
    ids: Vec<u32>,
    segments: Vec<((f64, f64), (f64, f64))>,
}

/// Beyond this many cells the cells grow instead (a huge imported map stays cheap).
const MAX_CELLS: f64 = 4_000_000.0;

impl SegmentGrid {
    pub fn build(segments: Vec<((f64, f64), (f64, f64))>, cell_m: f64) -> SegmentGrid {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for &(a, b) in &segments {
            x0 = x0.min(a.0).min(b.0);
            y0 = y0.min(a.1).min(b.1);
            x1 = x1.max(a.0).max(b.0);
            y1 = y1.max(a.1).max(b.1);
        }
        if segments.is_empty()
            || !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite())
        {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let area_cells = ((x1 - x0) / cell_m + 1.0) * ((y1 - y0) / cell_m + 1.0);
        let cell = if area_cells > MAX_CELLS {
            cell_m * (area_cells / MAX_CELLS).sqrt()
        } else {
            cell_m
        };
        let cols = ((x1 - x0) / cell) as i64 + 1;
        let rows = ((y1 - y0) / cell) as i64 + 1;
        let mut grid = SegmentGrid {
            cell,
            x0,
            y0,
            cols,
            rows,
            first: vec![0; (cols * rows + 1) as usize],
            ids: Vec::new(),
            segments,
        };
        // Count, prefix-sum, fill.
        for pass in 0..2 {
            let mut fill = grid.first.clone();
            for (id, &(a, b)) in grid.segments.iter().enumerate() {
                let (cx0, cy0) = grid.key(a.0.min(b.0), a.1.min(b.1));
                let (cx1, cy1) = grid.key(a.0.max(b.0), a.1.max(b.1));
                for cy in cy0..=cy1 {
                    for cx in cx0..=cx1 {
                        let c = (cy * grid.cols + cx) as usize;
                        if pass == 0 {
                            grid.first[c + 1] += 1;
                        } else {
                            grid.ids[fill[c] as usize] = id as u32;
                            fill[c] += 1;
                        }
                    }
                }
            }
            if pass == 0 {
                for i in 0..(cols * rows) as usize {
                    grid.first[i + 1] += grid.first[i];
                }
                grid.ids = vec![0; grid.first[(cols * rows) as usize] as usize];
            }
        }
        grid
    }

    /// Cell of a point, clamped into the grid.
    fn key(&self, x: f64, y: f64) -> (i64, i64) {
        let cx = ((x - self.x0) / self.cell).floor();
        let cy = ((y - self.y0) / self.cell).floor();
        (
            (cx.max(0.0) as i64).min(self.cols - 1),
            (cy.max(0.0) as i64).min(self.rows - 1),
        )
    }

    /// Segment ids in the 3 × 3 cells around p (none if p is more than a cell outside).
    fn around(&self, p: (f64, f64)) -> impl Iterator<Item = u32> + '_ {
        let cx = ((p.0 - self.x0) / self.cell).floor();
        let cy = ((p.1 - self.y0) / self.cell).floor();
        let inside = cx.is_finite()
            && cy.is_finite()
            && cx >= -1.0
            && cy >= -1.0
            && cx <= self.cols as f64
            && cy <= self.rows as f64;
        let (cx, cy) = if inside {
            (cx as i64, cy as i64)
        } else {
            (-10, -10)
        };
        (-1..=1i64)
            .flat_map(move |dy| (-1..=1i64).map(move |dx| (cx + dx, cy + dy)))
            .filter(move |&(x, y)| inside && x >= 0 && y >= 0 && x < self.cols && y < self.rows)
            .flat_map(move |(x, y)| {
                let c = (y * self.cols + x) as usize;
                self.ids[self.first[c] as usize..self.first[c + 1] as usize]
                    .iter()
                    .copied()
            })
    }

    /// Every segment in the 3 × 3 cells around p (all those within one cell size of p, and
    /// some further), with its id and ends.
    pub fn for_each_near(&self, p: (f64, f64), mut f: impl FnMut(usize, (f64, f64), (f64, f64))) {
        let mut seen = std::collections::HashSet::new();
        for id in self.around(p) {
            // A segment spanning several cells is listed in each.
            if seen.insert(id) {
                let (a, b) = self.segments[id as usize];
                f(id as usize, a, b);
            }
        }
    }

    /// Nearest segment within one cell's reach.
    pub fn nearest(&self, p: (f64, f64)) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for id in self.around(p) {
            let (a, b) = self.segments[id as usize];
            let d = dist_point_segment(p, a, b);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((id as usize, d));
            }
        }
        best
    }

    /// Is p within `radius` (at most the cell size) of any segment?
    pub fn within(&self, p: (f64, f64), radius: f64) -> bool {
        self.around(p).any(|id| {
            let (a, b) = self.segments[id as usize];
            dist_point_segment(p, a, b) <= radius
        })
    }
}

/// A polyline in projected metres with its corridor index.
pub struct Corridor {
    pub grid: SegmentGrid,
    pub radius: f64,
}

impl Corridor {
    pub fn new(points: &[(f64, f64)], radius: f64) -> Corridor {
        let mut segments: Vec<_> = points.windows(2).map(|w| (w[0], w[1])).collect();
        if points.len() == 1 {
            segments.push((points[0], points[0]));
        }
        Corridor {
            grid: SegmentGrid::build(segments, radius.max(1.0)),
            radius,
        }
    }
}

impl Corridor {
    pub fn covers(&self, p: (f64, f64)) -> bool {
        self.grid.within(p, self.radius)
    }
}

/// Points every `step` metres or less along a line (the middle of each piece), each with the
/// length it stands for.
pub fn samples(points: &[(f64, f64)], step: f64) -> Vec<((f64, f64), f64)> {
    let mut out = Vec::new();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len == 0.0 {
            continue;
        }
        let k = (len / step).ceil().max(1.0) as usize;
        for i in 0..k {
            let t = (i as f64 + 0.5) / k as f64;
            out.push((
                (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)),
                len / k as f64,
            ));
        }
    }
    out
}

/// Fraction (0..=1) of the length of `points` that lies within any of the corridors.
pub fn shared_fraction(points: &[(f64, f64)], corridors: &[&Corridor], step: f64) -> f64 {
    let (mut total, mut shared) = (0.0, 0.0);
    for (p, len) in samples(points, step) {
        total += len;
        if corridors.iter().any(|c| c.covers(p)) {
            shared += len;
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
