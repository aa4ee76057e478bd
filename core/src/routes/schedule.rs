//! Varied schedules: for each coming day, a route and a departure minute drawn from a
//! cryptographically secure generator, uniformly over every choice that fits the person's
//! window and extra-time budget. Uniform is the maximum-entropy choice: nothing about one day
//! says anything about the next. There is deliberately no rotation and no "never repeat
//! yesterday" rule; a watcher who knows such a rule learns from it.
//!
//! The plan also says how predictable it is, in plain numbers: a watcher's best single guess,
//! how often simple predictors would have been right, and the chance that someone waiting a
//! few minutes at the start sees the person leave.

use super::search::Route;
use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;

const DAY_MIN: u32 = 24 * 60;

/// Source of uniformly random 64-bit words. Production uses the OS CSPRNG (`OsRandom`).
pub trait RandomSource {
    fn next_u64(&mut self) -> Result<u64>;

    /// Uniform in 0..n without modulo bias (rejection sampling).
    fn below(&mut self, n: u64) -> Result<u64> {
        if n == 0 {
            return Err(Error::invalid("plan", "nothing to choose from"));
        }
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64()?;
            if x < zone {
                return Ok(x % n);
            }
        }
    }
}

/// The operating system's CSPRNG through ring.
pub struct OsRandom(SystemRandom);

impl OsRandom {
    pub fn new() -> OsRandom {
        OsRandom(SystemRandom::new())
    }
}

impl Default for OsRandom {
    fn default() -> Self {
        OsRandom::new()
    }
}

impl RandomSource for OsRandom {
    fn next_u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.0
            .fill(&mut b)
            .map_err(|_| Error::storage("the system random number generator failed"))?;
        Ok(u64::from_le_bytes(b))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanOptions {
    pub start_date: NaiveDate,
    pub days: u32,
    /// Latest arrival.
    pub arrive_by: Option<NaiveTime>,
    /// Earliest departure.
    pub leave_after: Option<NaiveTime>,
    /// How many minutes the person will give up, in total, compared with leaving at the last
    /// moment (or first moment) on the fastest route.
    pub extra_minutes: u32,
    /// How long a watcher is assumed to wait, for the "seen leaving" figure.
    pub watcher_wait_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlannedTrip {
    pub date: NaiveDate,
    pub weekday: String,
    /// Index into the plan's routes.
    pub route: usize,
    pub depart: NaiveTime,
    pub arrive: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PredictorScore {
    /// "most frequent", "most frequent for the weekday", "follows yesterday (Markov)".
    pub predictor: String,
    /// "route" or "departure window".
    pub guessing: String,
    /// Share of days (after the first) it guessed right in this plan.
    pub hit_rate: f64,
    /// What the best possible guess achieves against this plan's randomness.
    pub chance: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Predictability {
    /// Every (route, departure minute) pair the draw chooses from.
    pub choices: usize,
    /// Chance that a watcher's single best guess of the route is right on a given day.
    pub route_best_guess: f64,
    pub route_min_entropy_bits: f64,
    /// Chance that a watcher's best guess of the exact departure minute is right.
    pub departure_best_guess: f64,
    pub departure_min_entropy_bits: f64,
    /// Chance of guessing both route and minute.
    pub trip_best_guess: f64,
    pub trip_min_entropy_bits: f64,
    pub watcher_wait_minutes: u32,
    /// Chance that someone waiting `watcher_wait_minutes` at the start, at the best moment for
    /// them, sees the person leave.
    pub watcher_sees_departure: f64,
    /// Same at the destination, seeing the person arrive.
    pub watcher_sees_arrival: f64,
    pub predictors: Vec<PredictorScore>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TripPlan {
    pub routes: Vec<Route>,
    pub trips: Vec<PlannedTrip>,
    pub predictability: Predictability,
    pub attribution: String,
}

/// One thing the draw can pick: a route and a departure minute after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Choice {
    route: usize,
    depart: u32,
}

fn minutes(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

fn time_of(min: u32) -> NaiveTime {
    let m = min % DAY_MIN;
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN)
}

/// Every (route, departure) that respects the window and budget.
fn choices(routes: &[Route], o: &PlanOptions) -> Result<Vec<Choice>> {
    let fastest = routes
        .iter()
        .map(|r| r.duration_s)
        .fold(f64::INFINITY, f64::min);
    if !fastest.is_finite() {
        return Err(Error::invalid("plan", "there are no routes to plan with"));
    }
    let budget = f64::from(o.extra_minutes);
    let fastest_min = fastest / 60.0;
    let mut out = Vec::new();
    for (i, r) in routes.iter().enumerate() {
        let dur = r.duration_s / 60.0;
        let extra = dur - fastest_min;
        if extra > budget + 1e-9 {
            continue;
        }
        // Departure window [lo, hi] in minutes after midnight.
        let (lo, hi) = match (o.leave_after, o.arrive_by) {
            (Some(l), Some(a)) => (f64::from(minutes(l)), f64::from(minutes(a)) - dur),
            (None, Some(a)) => {
                let a = f64::from(minutes(a));
                (a - fastest_min - budget, a - dur)
            }
            (Some(l), None) => {
                let l = f64::from(minutes(l));
                (l, l + fastest_min + budget - dur)
            }
            (None, None) => {
                return Err(Error::invalid(
                    "plan",
                    "give a time to arrive by, a time to leave after, or both",
                ))
            }
        };
        let lo = lo.max(0.0).ceil() as i64;
        let hi = hi.min(f64::from(DAY_MIN - 1)).floor() as i64;
        for t in lo..=hi {
            out.push(Choice {
                route: i,
                depart: t as u32,
            });
        }
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "plan",
            "no route fits in that time window; allow more time or more extra minutes",
        ));
    }
    Ok(out)
}

/// Draw a plan: each day independently and uniformly over every fitting choice.
pub fn plan_trips(
    routes: Vec<Route>,
    o: &PlanOptions,
    rng: &mut dyn RandomSource,
) -> Result<TripPlan> {
    if o.days == 0 || o.days > 366 {
        return Err(Error::invalid("days", "plan between 1 and 366 days"));
    }
    if o.extra_minutes > 240 {
        return Err(Error::invalid("extra minutes", "at most 240"));
    }
    if !(1..=120).contains(&o.watcher_wait_minutes) {
        return Err(Error::invalid("watcher wait", "between 1 and 120 minutes"));
    }
    // Routes over the extra-time budget are left out of the plan altogether.
    let fastest = routes
        .iter()
        .map(|r| r.duration_s)
        .fold(f64::INFINITY, f64::min);
    let routes: Vec<Route> = routes
        .into_iter()
        .filter(|r| r.duration_s - fastest <= f64::from(o.extra_minutes) * 60.0 + 1e-6)
        .collect();
    let all = choices(&routes, o)?;
    let mut trips = Vec::with_capacity(o.days as usize);
    for d in 0..o.days {
        let date = o
            .start_date
            .checked_add_days(chrono::Days::new(u64::from(d)))
            .ok_or_else(|| Error::invalid("start date", "too far in the future"))?;
        let c = all[rng.below(all.len() as u64)? as usize];
        let arrive = c.depart + (routes[c.route].duration_s / 60.0).round() as u32;
        trips.push(PlannedTrip {
            date,
            weekday: date.weekday().to_string(),
            route: c.route,
            depart: time_of(c.depart),
            arrive: time_of(arrive),
        });
    }
    let predictability = assess(&routes, &all, &trips, o.watcher_wait_minutes);
    Ok(TripPlan {
        routes,
        trips,
        predictability,
        attribution: super::ATTRIBUTION.to_string(),
    })
}

fn max_share<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>, n: usize) -> f64 {
    let mut counts: HashMap<K, usize> = HashMap::new();
    for k in keys {
        *counts.entry(k).or_default() += 1;
    }
    counts.values().copied().max().unwrap_or(0) as f64 / n.max(1) as f64
}

/// Best chance of a watcher present for `wait` consecutive minutes, over where they place it.
fn best_window(times: &[u32], wait: u32) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let mut best = 0;
    let mut j = 0;
    for i in 0..sorted.len() {
        while j < sorted.len() && sorted[j] < sorted[i] + wait {
            j += 1;
        }
        best = best.max(j - i);
    }
    best as f64 / sorted.len().max(1) as f64
}

fn bits(p: f64) -> f64 {
    if p > 0.0 {
        -p.log2()
    } else {
        0.0
    }
}

fn assess(routes: &[Route], all: &[Choice], trips: &[PlannedTrip], wait: u32) -> Predictability {
    let n = all.len();
    let route_p = max_share(all.iter().map(|c| c.route), n);
    let depart_p = max_share(all.iter().map(|c| c.depart), n);
    let trip_p = 1.0 / n as f64;
    let departs: Vec<u32> = all.iter().map(|c| c.depart).collect();
    let arrivals: Vec<u32> = all
        .iter()
        .map(|c| c.depart + (routes[c.route].duration_s / 60.0).round() as u32)
        .collect();
    let window_p = max_share(all.iter().map(|c| c.depart / wait), n);

    let weekdays: Vec<u32> = trips
        .iter()
        .map(|t| t.date.weekday().num_days_from_monday())
        .collect();
    let route_seq: Vec<u32> = trips.iter().map(|t| t.route as u32).collect();
    let window_seq: Vec<u32> = trips.iter().map(|t| minutes(t.depart) / wait).collect();
    let mut predictors = Vec::new();
    for (guessing, seq, chance) in [
        ("route", &route_seq, route_p),
        ("departure window", &window_seq, window_p),
    ] {
        let rates = predictor_hit_rates(seq, &weekdays);
        for (name, rate) in PREDICTOR_NAMES.iter().zip(rates) {
            predictors.push(PredictorScore {
                predictor: name.to_string(),
                guessing: guessing.to_string(),
                hit_rate: rate,
                chance,
            });
        }
    }
    Predictability {
        choices: n,
        route_best_guess: route_p,
        route_min_entropy_bits: bits(route_p),
        departure_best_guess: depart_p,
        departure_min_entropy_bits: bits(depart_p),
        trip_best_guess: trip_p,
        trip_min_entropy_bits: bits(trip_p),
        watcher_wait_minutes: wait,
        watcher_sees_departure: best_window(&departs, wait),
        watcher_sees_arrival: best_window(&arrivals, wait),
        predictors,
    }
}

pub const PREDICTOR_NAMES: [&str; 3] = [
    "most frequent so far",
    "most frequent on that weekday",
    "what followed yesterday's choice (Markov)",
];

/// Online hit rates of three simple predictors over a sequence: each day is predicted from the
/// days before it only. Day 0 is never predicted. Ties go to the smallest value, so a
/// predictor is deterministic.
pub fn predictor_hit_rates(seq: &[u32], weekdays: &[u32]) -> [f64; 3] {
    fn argmax(counts: &HashMap<u32, u32>) -> Option<u32> {
        counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(k, _)| *k)
    }
    let mut overall: HashMap<u32, u32> = HashMap::new();
    let mut by_day: HashMap<u32, HashMap<u32, u32>> = HashMap::new();
    let mut after: HashMap<u32, HashMap<u32, u32>> = HashMap::new();
    let mut hits = [0u32; 3];
    for (i, &x) in seq.iter().enumerate() {
        let wd = weekdays.get(i).copied().unwrap_or(0);
        if i > 0 {
            let freq = argmax(&overall);
            let weekday = by_day.get(&wd).and_then(argmax).or(freq);
            let markov = after.get(&seq[i - 1]).and_then(argmax).or(freq);
            for (h, guess) in hits.iter_mut().zip([freq, weekday, markov]) {
                if guess == Some(x) {
                    *h += 1;
                }
            }
            *after.entry(seq[i - 1]).or_default().entry(x).or_default() += 1;
        }
        *overall.entry(x).or_default() += 1;
        *by_day.entry(wd).or_default().entry(x).or_default() += 1;
    }
    let predicted = seq.len().saturating_sub(1).max(1) as f64;
    hits.map(|h| f64::from(h) / predicted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(minutes: f64) -> Route {
        Route {
            profile: super::super::Profile::Foot,
            geometry: vec![],
            length_m: minutes * 83.0,
            duration_s: minutes * 60.0,
            extra_s: 0.0,
            street_names: vec![],
            shared_with_earlier: 0.0,
            notes: vec![],
            start_gap_m: 0.0,
            end_gap_m: 0.0,
            nodes: vec![],
            cost: minutes * 60.0,
        }
    }

    fn opts(days: u32) -> PlanOptions {
        PlanOptions {
            start_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            days,
            arrive_by: NaiveTime::from_hms_opt(9, 0, 0),
            leave_after: None,
            extra_minutes: 15,
            watcher_wait_minutes: 10,
        }
    }

    /// A deterministic source for the rejection-sampling test only.
    struct Counter(u64);
    impl RandomSource for Counter {
        fn next_u64(&mut self) -> Result<u64> {
            self.0 = self.0.wrapping_add(1);
            Ok(self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        }
    }

    #[test]
    fn every_trip_fits_the_window_and_budget() {
        let routes = vec![route(20.0), route(24.0), route(40.0)];
        let plan = plan_trips(routes, &opts(200), &mut OsRandom::new()).unwrap();
        assert_eq!(
            plan.routes.len(),
            2,
            "the 40-minute route is over the budget"
        );
        let nine = 9 * 60;
        for t in &plan.trips {
            assert!(t.route < 2, "a route over the extra-time budget was used");
            let dur = if t.route == 0 { 20 } else { 24 };
            assert!(minutes(t.depart) + dur <= nine, "arrives late");
            // Leaving earlier than 9:00 - 20 min - 15 min would exceed the budget.
            assert!(minutes(t.depart) >= nine - 35);
        }
        // Both routes and a spread of times are used over 200 days.
        assert!(plan.trips.iter().any(|t| t.route == 0));
        assert!(plan.trips.iter().any(|t| t.route == 1));
        let distinct: std::collections::HashSet<_> = plan.trips.iter().map(|t| t.depart).collect();
        assert!(distinct.len() >= 10, "{}", distinct.len());
        // 16 departure minutes for the fastest, 12 for the other: 28 choices.
        assert_eq!(plan.predictability.choices, 16 + 12);
        assert!((plan.predictability.route_best_guess - 16.0 / 28.0).abs() < 1e-9);
        // Best 10-minute wait: 08:25-08:34, where both routes can start: 20 of 28 choices.
        assert!((plan.predictability.watcher_sees_departure - 20.0 / 28.0).abs() < 1e-9);
    }

    #[test]
    fn impossible_windows_are_clear_errors() {
        let mut o = opts(5);
        o.arrive_by = None;
        assert!(matches!(
            plan_trips(vec![route(10.0)], &o, &mut OsRandom::new()),
            Err(Error::InvalidInput { .. })
        ));
        let mut o = opts(5);
        o.leave_after = NaiveTime::from_hms_opt(8, 50, 0);
        assert!(plan_trips(vec![route(30.0)], &o, &mut OsRandom::new()).is_err());
        assert!(plan_trips(vec![], &opts(5), &mut OsRandom::new()).is_err());
        assert!(plan_trips(vec![route(10.0)], &opts(0), &mut OsRandom::new()).is_err());
    }

    #[test]
    fn uniform_draw_has_no_modulo_bias() {
        let mut c = Counter(0);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[c.below(3).unwrap() as usize] += 1;
        }
        for k in counts {
            assert!((9_500..=10_500).contains(&k), "{counts:?}");
        }
    }

    /// The listed predictors must do no better than chance allows on a drawn plan: hit rate at
    /// most the best single guess plus 4.5 binomial standard deviations.
    #[test]
    fn predictors_do_no_better_than_chance() {
        let routes = vec![route(20.0), route(22.0), route(25.0), route(27.0)];
        let mut o = opts(366);
        o.extra_minutes = 20;
        let mut rng = OsRandom::new();
        // Several independent plans make a long sequence (the planner caps one plan at a year).
        let mut route_seq = Vec::new();
        let mut window_seq = Vec::new();
        let mut weekdays = Vec::new();
        let mut chance = (0.0, 0.0);
        for _ in 0..8 {
            let plan = plan_trips(routes.clone(), &o, &mut rng).unwrap();
            for t in &plan.trips {
                route_seq.push(t.route as u32);
                window_seq.push(minutes(t.depart) / 10);
                weekdays.push(t.date.weekday().num_days_from_monday());
            }
            let p = &plan.predictability;
            chance = (p.route_best_guess, p.predictors[3].chance);
        }
        let n = route_seq.len() as f64;
        for (seq, p) in [(&route_seq, chance.0), (&window_seq, chance.1)] {
            let limit = p + 4.5 * (p * (1.0 - p) / n).sqrt();
            let rates = predictor_hit_rates(seq, &weekdays);
            for (name, r) in PREDICTOR_NAMES.iter().zip(rates) {
                assert!(
                    r <= limit,
                    "{name}: hit rate {r:.3} above chance {p:.3} (limit {limit:.3})"
                );
            }
        }
    }

    /// The same predictors do catch a routine: a rotation and a weekday habit are found.
    #[test]
    fn predictors_catch_a_routine() {
        let weekdays: Vec<u32> = (0..700).map(|d| d % 7).collect();
        let rotation: Vec<u32> = (0..700).map(|d| d % 3).collect();
        let r = predictor_hit_rates(&rotation, &weekdays);
        assert!(r[2] > 0.95, "Markov should learn a rotation: {r:?}");
        let habit: Vec<u32> = weekdays
            .iter()
            .map(|&w| if w == 4 { 1 } else { w % 2 * 2 })
            .collect();
        let r = predictor_hit_rates(&habit, &weekdays);
        assert!(
            r[1] > 0.95,
            "weekday predictor should learn a weekday habit: {r:?}"
        );
    }
}
