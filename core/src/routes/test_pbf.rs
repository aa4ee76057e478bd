//! Small synthetic OpenStreetMap maps for tests: ways laid out in metres around a chosen place,
//! written as a real .osm.pbf (uncompressed blobs, plain nodes) that the importer reads like
//! any other file.

/// A way: id, node ids, tags.
type SketchWay = (i64, Vec<i64>, Vec<(String, String)>);

/// A map being drawn: nodes at (x east, y north) metres from `origin`.
pub struct Sketch {
    origin: (f64, f64),
    nodes: Vec<(i64, f64, f64)>,
    ways: Vec<SketchWay>,
}

impl Sketch {
    pub fn at(lat: f64, lon: f64) -> Sketch {
        Sketch {
            origin: (lat, lon),
            nodes: Vec::new(),
            ways: Vec::new(),
        }
    }

    /// (lat, lon) of a point given in metres from the origin.
    pub fn lat_lon(&self, x: f64, y: f64) -> (f64, f64) {
        let k = 111_195.0;
        (
            self.origin.0 + y / k,
            self.origin.1 + x / (k * self.origin.0.to_radians().cos()),
        )
    }

    pub fn node(&mut self, x: f64, y: f64) -> i64 {
        let id = self.nodes.len() as i64 + 1;
        let (lat, lon) = self.lat_lon(x, y);
        self.nodes.push((id, lat, lon));
        id
    }

    /// A way through existing nodes.
    pub fn way(&mut self, refs: &[i64], tags: &[(&str, &str)]) {
        let id = self.ways.len() as i64 + 1;
        let tags = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.ways.push((id, refs.to_vec(), tags));
    }

    /// A straight way from (x0, y0) to (x1, y1) with a node every `step` metres or less,
    /// starting and ending at the given nodes if any. Returns its node ids.
    pub fn line(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        ends: (Option<i64>, Option<i64>),
        tags: &[(&str, &str)],
    ) -> Vec<i64> {
        let len = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
        let k = (len / 50.0).ceil().max(1.0) as usize;
        let mut ids = Vec::new();
        for i in 0..=k {
            let f = i as f64 / k as f64;
            let id = match (i, ends) {
                (0, (Some(a), _)) => a,
                (i, (_, Some(b))) if i == k => b,
                _ => self.node(from.0 + f * (to.0 - from.0), from.1 + f * (to.1 - from.1)),
            };
            ids.push(id);
        }
        self.way(&ids, tags);
        ids
    }

    pub fn pbf(&self) -> Vec<u8> {
        let mut strings: Vec<String> = vec![String::new()];
        let mut index = |s: &str| -> u64 {
            if let Some(i) = strings.iter().position(|x| x == s) {
                return i as u64;
            }
            strings.push(s.to_string());
            (strings.len() - 1) as u64
        };
        let mut group = Vec::new();
        for &(id, lat, lon) in &self.nodes {
            let mut node = Vec::new();
            field_varint(&mut node, 1, zigzag(id));
            // Granularity 100 nanodegrees: units of 1e-7 degrees.
            field_varint(&mut node, 8, zigzag((lat * 1e7).round() as i64));
            field_varint(&mut node, 9, zigzag((lon * 1e7).round() as i64));
            field_bytes(&mut group, 1, &node);
        }
        for (id, refs, tags) in &self.ways {
            let mut way = Vec::new();
            field_varint(&mut way, 1, *id as u64);
            let keys: Vec<u64> = tags.iter().map(|(k, _)| index(k)).collect();
            let vals: Vec<u64> = tags.iter().map(|(_, v)| index(v)).collect();
            field_bytes(&mut way, 2, &packed(&keys));
            field_bytes(&mut way, 3, &packed(&vals));
            let mut prev = 0;
            let deltas: Vec<u64> = refs
                .iter()
                .map(|&r| {
                    let d = zigzag(r - prev);
                    prev = r;
                    d
                })
                .collect();
            field_bytes(&mut way, 8, &packed(&deltas));
            field_bytes(&mut group, 3, &way);
        }
        let mut table = Vec::new();
        for s in &strings {
            field_bytes(&mut table, 1, s.as_bytes());
        }
        let mut block = Vec::new();
        field_bytes(&mut block, 1, &table);
        field_bytes(&mut block, 2, &group);
        let mut header = Vec::new();
        field_bytes(&mut header, 4, b"OsmSchema-V0.6");
        let mut out = Vec::new();
        blob(&mut out, "OSMHeader", &header);
        blob(&mut out, "OSMData", &block);
        out
    }
}

fn blob(out: &mut Vec<u8>, kind: &str, data: &[u8]) {
    let mut body = Vec::new();
    field_bytes(&mut body, 1, data);
    field_varint(&mut body, 2, data.len() as u64);
    let mut head = Vec::new();
    field_bytes(&mut head, 1, kind.as_bytes());
    field_varint(&mut head, 3, body.len() as u64);
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&body);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn field_varint(out: &mut Vec<u8>, field: u32, v: u64) {
    varint(out, u64::from(field) << 3);
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, (u64::from(field) << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn packed(values: &[u64]) -> Vec<u8> {
    let mut out = Vec::new();
    for &v in values {
        varint(&mut out, v);
    }
    out
}
