//! Who may use a way when its tags do not say: each country's legal defaults, in one table.
//!
//! Source: the OpenStreetMap wiki page "OSM tags for routing/Access restrictions" (revision of
//! 21 July 2024, Special:PermanentLink/2734618), the per-country tables of default access by
//! `highway=*` class. Only the columns the three profiles need are kept (foot and bicycle on
//! trunk roads, cycleways, bridleways, footways and pedestrian streets); a country whose
//! defaults all equal the worldwide row is left out. Trunk roads signed as motor roads are
//! tagged `motorroad=yes` and are never walked or cycled, wherever they are.
//!
//! The country of a map comes from the position of its centre, matched against rough bounding
//! boxes (smallest box first). Limits: a map centred within roughly 20 km of a border may be
//! given the neighbour's rules (the neighbours' rows often agree); overseas territories, Alaska
//! and Hawaii fall back to the worldwide row; the whole island of Ireland shares one row (the
//! wiki's rows for Ireland and Northern Ireland agree on these columns), and Great Britain
//! takes the United Kingdom's (England, Scotland and Wales agree on them too).

/// Default access for the ways whose rules differ between countries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryRules {
    /// ISO 3166-1 alpha-2 code, "--" for the worldwide defaults.
    pub code: &'static str,
    pub name: &'static str,
    /// `highway=trunk`/`trunk_link` without `motorroad=yes`.
    pub trunk_foot: bool,
    pub trunk_bike: bool,
    /// `highway=cycleway` without a `foot=*` tag.
    pub cycleway_foot: bool,
    pub bridleway_foot: bool,
    pub bridleway_bike: bool,
    pub footway_bike: bool,
    pub pedestrian_bike: bool,
}

const fn rules(
    code: &'static str,
    name: &'static str,
    trunk: bool,
    cycleway_foot: bool,
    bridleway: (bool, bool),
    footway_bike: bool,
    pedestrian_bike: bool,
) -> CountryRules {
    CountryRules {
        code,
        name,
        trunk_foot: trunk,
        trunk_bike: trunk,
        cycleway_foot,
        bridleway_foot: bridleway.0,
        bridleway_bike: bridleway.1,
        footway_bike,
        pedestrian_bike,
    }
}

/// The wiki's "Worldwide" row: trunk roads open to all, cycleways to bicycles only,
/// bridleways to horses only, footways and pedestrian streets to pedestrians only.
pub const WORLDWIDE: CountryRules =
    rules("--", "worldwide", true, false, (false, false), false, false);

const NO: (bool, bool) = (false, false);
const FOOT: (bool, bool) = (true, false);
const BOTH: (bool, bool) = (true, true);

/// Columns: code, name, trunk walkable and cyclable, cycleway walkable, bridleway (foot, bike),
/// footway cyclable, pedestrian street cyclable.
pub const COUNTRIES: &[CountryRules] = &[
    rules("AU", "Australia", true, false, NO, true, false),
    rules("AT", "Austria", false, false, NO, false, false),
    rules("BY", "Belarus", true, true, NO, true, true),
    rules("BE", "Belgium", false, true, FOOT, false, true),
    rules("BR", "Brazil", true, false, BOTH, false, false),
    rules("CN", "China", true, false, NO, false, true),
    rules("DK", "Denmark", false, true, NO, false, false),
    rules("FI", "Finland", true, true, NO, false, true),
    rules("FR", "France", false, false, NO, false, true),
    rules("DE", "Germany", true, false, NO, false, false),
    rules("GR", "Greece", true, true, BOTH, false, false),
    rules("HU", "Hungary", false, true, NO, false, false),
    rules("IS", "Iceland", true, true, NO, true, true),
    rules("IE", "Ireland (island)", true, false, BOTH, false, false),
    rules("IT", "Italy", true, false, NO, false, true),
    rules("NL", "Netherlands", true, true, NO, false, false),
    rules("NO", "Norway", true, true, NO, true, true),
    rules("OM", "Oman", true, true, BOTH, false, false),
    rules("PH", "Philippines", true, true, BOTH, false, true),
    rules("PL", "Poland", true, true, BOTH, false, false),
    rules("RO", "Romania", true, false, BOTH, false, false),
    rules("SK", "Slovakia", false, false, NO, false, false),
    rules("ES", "Spain", true, false, NO, false, true),
    rules("SE", "Sweden", true, true, FOOT, false, true),
    rules("CH", "Switzerland", false, true, NO, false, false),
    rules("TH", "Thailand", true, true, BOTH, false, true),
    rules("TR", "Türkiye", true, true, FOOT, false, false),
    rules("GB", "United Kingdom", true, true, BOTH, false, false),
    rules("US", "United States", true, true, BOTH, false, true),
];

/// Rough boxes (west, south, east, north in degrees) per country code. Some countries take
/// several boxes so that a big neighbour's city is not caught by a small country's box.
const BOXES: &[(&str, [f64; 4])] = &[
    ("AU", [112.9, -43.7, 153.7, -10.6]),
    ("AT", [9.5, 46.4, 17.2, 49.0]),
    ("BY", [23.2, 51.3, 32.8, 56.2]),
    ("BE", [2.55, 49.5, 6.4, 51.5]),
    ("BR", [-74.0, -33.8, -34.8, 5.3]),
    ("CN", [73.5, 18.2, 134.8, 53.6]),
    ("DK", [8.0, 54.55, 12.7, 57.8]),
    ("DK", [14.6, 54.95, 15.2, 55.35]),
    ("FI", [20.5, 59.7, 27.9, 70.1]),
    ("FI", [27.9, 61.0, 31.6, 70.1]),
    ("FR", [-5.2, 41.3, 9.6, 51.1]),
    ("DE", [5.9, 47.3, 15.0, 55.1]),
    ("GR", [19.3, 34.8, 29.7, 41.8]),
    ("HU", [16.1, 45.7, 22.9, 48.6]),
    ("IS", [-24.6, 63.3, -13.5, 66.6]),
    ("IE", [-10.7, 51.4, -5.4, 55.4]),
    ("IT", [6.6, 35.5, 18.6, 47.1]),
    ("NL", [3.3, 51.3, 6.2, 53.6]),
    ("NL", [6.2, 51.8, 7.25, 53.6]),
    ("NL", [5.6, 50.75, 6.1, 51.3]),
    ("NO", [4.6, 57.9, 12.5, 65.0]),
    ("NO", [12.0, 65.0, 31.1, 71.2]),
    ("OM", [52.0, 16.6, 59.9, 26.4]),
    ("PH", [116.9, 4.6, 126.6, 21.1]),
    ("PL", [14.1, 49.0, 24.2, 54.9]),
    ("RO", [20.2, 43.6, 29.7, 48.3]),
    ("SK", [16.8, 47.7, 22.6, 49.6]),
    ("ES", [-9.4, 35.9, 4.4, 43.8]),
    ("SE", [11.0, 55.3, 19.5, 69.1]),
    ("SE", [19.5, 63.3, 24.2, 69.1]),
    ("CH", [5.95, 45.8, 10.5, 47.8]),
    ("TH", [97.3, 5.6, 105.7, 20.5]),
    ("TR", [25.6, 35.8, 44.8, 42.1]),
    ("GB", [-8.7, 49.8, 1.8, 60.9]),
    ("US", [-125.0, 24.4, -66.9, 49.4]),
];

/// The country whose box around (lat, lon) is smallest, or None.
pub fn country_at(lat: f64, lon: f64) -> Option<&'static str> {
    BOXES
        .iter()
        .filter(|(_, [w, s, e, n])| lon >= *w && lon <= *e && lat >= *s && lat <= *n)
        .min_by(|a, b| area(&a.1).total_cmp(&area(&b.1)))
        .map(|(code, _)| *code)
}

fn area([w, s, e, n]: &[f64; 4]) -> f64 {
    (e - w) * (n - s)
}

/// The defaults for a country code ("--" or an unknown code: the worldwide row).
pub fn rules_for(code: &str) -> CountryRules {
    COUNTRIES
        .iter()
        .find(|r| r.code == code)
        .copied()
        .unwrap_or(WORLDWIDE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_get_their_countrys_rules() {
        for (lat, lon, code) in [
            (60.17, 24.94, "FI"),   // Helsinki
            (51.51, -0.13, "GB"),   // London
            (55.95, -3.19, "GB"),   // Edinburgh
            (54.60, -5.93, "IE"),   // Belfast: the island's row
            (53.35, -6.26, "IE"),   // Dublin
            (52.37, 4.90, "NL"),    // Amsterdam
            (50.94, 6.96, "DE"),    // Cologne, inside the Dutch outline's rough box
            (50.85, 4.35, "BE"),    // Brussels
            (48.86, 2.35, "FR"),    // Paris
            (47.37, 8.54, "CH"),    // Zurich
            (40.71, -74.0, "US"),   // New York
            (55.68, 12.57, "DK"),   // Copenhagen
            (55.60, 13.00, "SE"),   // Malmö, across the sound
            (59.33, 18.07, "SE"),   // Stockholm
            (59.91, 10.75, "NO"),   // Oslo
            (-33.87, 151.21, "AU"), // Sydney
        ] {
            assert_eq!(country_at(lat, lon), Some(code), "{lat},{lon}");
        }
        assert_eq!(country_at(-77.85, 166.67), None); // McMurdo: worldwide row
        assert_eq!(country_at(59.44, 24.75), None); // Tallinn: not in the table
        let uk = rules_for("GB");
        assert!(uk.trunk_foot && uk.cycleway_foot && uk.bridleway_foot && uk.bridleway_bike);
        assert!(!rules_for("FR").trunk_foot);
        assert!(!rules_for("DE").cycleway_foot);
        assert_eq!(rules_for("--"), WORLDWIDE);
        assert_eq!(rules_for("XX"), WORLDWIDE);
        // One row per country, and every boxed country has a row.
        for (i, r) in COUNTRIES.iter().enumerate() {
            assert!(
                COUNTRIES[..i].iter().all(|o| o.code != r.code),
                "{}",
                r.code
            );
        }
        for (code, _) in BOXES {
            assert!(COUNTRIES.iter().any(|r| r.code == *code), "{code}");
        }
    }
}
