//! Places where incidents cluster: groups of incidents within a radius of a centre.

use super::coordinates;
use crate::log::Incident;
use geo::{Distance, Haversine, Point};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceCluster {
    pub centre_lat: f64,
    pub centre_lon: f64,
    pub radius_m: f64,
    /// The most common place name among its incidents, if any were named.
    pub label: Option<String>,
    pub incident_ids: Vec<String>,
}

pub(crate) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
}

/// Greedy clustering: repeatedly take the incident with the most unassigned neighbours within
/// `radius_m` as a centre and claim those neighbours. Only groups of two or more are returned,
/// largest first. O(n^2) distances, fine for thousands of incidents.
pub fn place_clusters(sorted: &[&Incident], radius_m: f64) -> Vec<PlaceCluster> {
    if !(radius_m.is_finite() && radius_m > 0.0) {
        return vec![];
    }
    let located: Vec<(&Incident, (f64, f64))> = sorted
        .iter()
        .filter_map(|i| coordinates(i).map(|c| (*i, c)))
        .collect();
    let n = located.len();
    let neighbours: Vec<Vec<usize>> = (0..n)
        .map(|a| {
            (0..n)
                .filter(|&b| distance_m(located[a].1, located[b].1) <= radius_m)
                .collect()
        })
        .collect();
    let mut assigned = vec![false; n];
    let mut clusters = vec![];
    loop {
        let best = (0..n)
            .filter(|&a| !assigned[a])
            .map(|a| (a, neighbours[a].iter().filter(|&&b| !assigned[b]).count()))
            .max_by_key(|&(a, count)| (count, std::cmp::Reverse(a)));
        let Some((centre, count)) = best else { break };
        if count < 2 {
            break;
        }
        let members: Vec<usize> = neighbours[centre]
            .iter()
            .copied()
            .filter(|&b| !assigned[b])
            .collect();
        for &m in &members {
            assigned[m] = true;
        }
        let (sum_lat, sum_lon) = members.iter().fold((0.0, 0.0), |(la, lo), &m| {
            (la + located[m].1 .0, lo + located[m].1 .1)
        });
        let mut labels: HashMap<&str, usize> = HashMap::new();
        for &m in &members {
            if let Some(l) = located[m]
                .0
                .details
                .place
                .as_ref()
                .and_then(|p| p.label.as_deref())
            {
                *labels.entry(l).or_default() += 1;
            }
        }
        let label = labels
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(l, _)| l.to_string());
        clusters.push(PlaceCluster {
            centre_lat: sum_lat / members.len() as f64,
            centre_lon: sum_lon / members.len() as f64,
            radius_m,
            label,
            incident_ids: members.iter().map(|&m| located[m].0.id.clone()).collect(),
        });
    }
    clusters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::chronological;
    use crate::insight::testdata::*;
    use crate::log::IncidentKind;
    use chrono::Duration;

    #[test]
    fn groups_nearby_incidents_and_ignores_loners_and_bad_coordinates() {
        let k = IncidentKind::Watching;
        let v = vec![
            at_place(incident("a", k, t0()), 51.5000, -0.1000),
            at_place(
                incident("b", k, t0() + Duration::hours(1)),
                51.5005,
                -0.1002,
            ), // ~57 m from a
            at_place(
                incident("c", k, t0() + Duration::hours(2)),
                51.5009,
                -0.0998,
            ),
            at_place(
                incident("far", k, t0() + Duration::hours(3)),
                51.6000,
                -0.1000,
            ), // 11 km away
            at_place(
                incident("bad", k, t0() + Duration::hours(4)),
                f64::NAN,
                500.0,
            ),
            incident("none", k, t0() + Duration::hours(5)),
        ];
        let s = chronological(&v);
        let c = place_clusters(&s, 200.0);
        assert_eq!(c.len(), 1);
        let mut ids = c[0].incident_ids.clone();
        ids.sort();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(c[0].label.as_deref(), Some("corner shop"));
        assert!((c[0].centre_lat - 51.5004667).abs() < 1e-6);
        assert!(place_clusters(&s, 20.0).is_empty());
    }

    #[test]
    fn distance_is_in_metres() {
        let d = distance_m((51.5, -0.1), (51.6, -0.1));
        assert!((d - 11_120.0).abs() < 30.0, "{d}");
    }
}
