//! Statistical tests behind the escalation signals. Deliberately simple, well-known and stated
//! in the output, so a support worker can check them: the Mann-Kendall trend test (with Sen's
//! slope) for "is this rising?", and a Poisson tail for "was this week far above the rest?".

use serde::Serialize;

/// Two-sided significance level used for every trend decision.
pub const SIGNIFICANCE: f64 = 0.05;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrendDirection {
    Rising,
    Falling,
    NoClearTrend,
    NotEnoughData,
}

/// The result of a Mann-Kendall test, reported whole so the reader can see what was tested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendTest {
    /// Which test was used, in words.
    pub method: String,
    /// What series was tested (e.g. "weekly incident counts").
    pub series: String,
    /// Number of values in the series.
    pub n: usize,
    /// Mann-Kendall S statistic: concordant minus discordant pairs.
    pub s: i64,
    /// Normal-approximation z score (continuity-corrected, tie-corrected variance).
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Sen's slope: median change per step (per week for weekly counts).
    pub sen_slope: f64,
    pub direction: TrendDirection,
}

pub const MANN_KENDALL: &str =
    "Mann-Kendall trend test (two-sided, normal approximation with tie correction), significance 0.05";

/// Mann-Kendall trend test on `xs` in time order. Fewer than `min_n` values gives
/// `NotEnoughData` rather than a guess.
pub fn mann_kendall(xs: &[f64], min_n: usize, series: &str) -> TrendTest {
    let n = xs.len();
    let mut result = TrendTest {
        method: MANN_KENDALL.to_string(),
        series: series.to_string(),
        n,
        s: 0,
        z: 0.0,
        p_value: 1.0,
        sen_slope: 0.0,
        direction: TrendDirection::NotEnoughData,
    };
    if n < min_n.max(3) || xs.iter().any(|x| !x.is_finite()) {
        return result;
    }
    let mut s: i64 = 0;
    let mut slopes = Vec::with_capacity(n * (n - 1) / 2);
    for i in 0..n {
        for j in (i + 1)..n {
            let d = xs[j] - xs[i];
            s += if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                0
            };
            slopes.push(d / (j - i) as f64);
        }
    }
    // Tie correction: groups of equal values reduce the variance of S.
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && sorted[j] == sorted[i] {
            j += 1;
        }
        let t = (j - i) as f64;
        tie_term += t * (t - 1.0) * (2.0 * t + 5.0);
        i = j;
    }
    let nf = n as f64;
    let var = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - tie_term) / 18.0;
    let z = if var <= 0.0 || s == 0 {
        0.0
    } else if s > 0 {
        (s as f64 - 1.0) / var.sqrt()
    } else {
        (s as f64 + 1.0) / var.sqrt()
    };
    let p = erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0);
    slopes.sort_by(f64::total_cmp);
    let m = slopes.len();
    let sen = if m == 0 {
        0.0
    } else if m % 2 == 1 {
        slopes[m / 2]
    } else {
        (slopes[m / 2 - 1] + slopes[m / 2]) / 2.0
    };
    result.s = s;
    result.z = z;
    result.p_value = p;
    result.sen_slope = sen;
    result.direction = if p < SIGNIFICANCE && s > 0 {
        TrendDirection::Rising
    } else if p < SIGNIFICANCE && s < 0 {
        TrendDirection::Falling
    } else {
        TrendDirection::NoClearTrend
    };
    result
}

/// P(X >= k) for X ~ Poisson(lambda).
pub fn poisson_upper_tail(k: u32, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    // Sum P(X < k) term by term in log space so large lambda does not underflow.
    let mut log_term = -lambda; // log P(X = 0)
    let mut below = log_term.exp();
    for i in 1..k {
        log_term += lambda.ln() - (i as f64).ln();
        below += log_term.exp();
    }
    (1.0 - below).clamp(0.0, 1.0)
}

/// Complementary error function (Numerical Recipes `erfcc`, fractional error below 1.2e-7),
/// ample for a p-value compared against 0.05.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let ans = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-6);
        assert!((erfc(1.0) - 0.157_299_207).abs() < 1e-6);
        assert!((erfc(-1.0) - 1.842_700_793).abs() < 1e-6);
        // two-sided p for z = 1.96 is 0.05
        assert!((erfc(1.96 / std::f64::consts::SQRT_2) - 0.05).abs() < 1e-3);
    }

    #[test]
    fn mann_kendall_matches_hand_computation() {
        // 1,2,3,4,5: S = 10, Var = 5*4*15/18 = 16.667, z = 9/4.082 = 2.205, p = 0.0275
        let t = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0], 3, "x");
        assert_eq!(t.s, 10);
        assert!((t.z - 2.2045).abs() < 1e-3, "{}", t.z);
        assert!((t.p_value - 0.0275).abs() < 1e-3, "{}", t.p_value);
        assert_eq!(t.direction, TrendDirection::Rising);
        assert!((t.sen_slope - 1.0).abs() < 1e-12);
    }

    #[test]
    fn constant_series_has_no_trend_and_short_series_is_not_guessed() {
        let t = mann_kendall(&[2.0; 10], 6, "x");
        assert_eq!(t.direction, TrendDirection::NoClearTrend);
        assert_eq!(t.p_value, 1.0);
        let t = mann_kendall(&[1.0, 5.0, 9.0], 6, "x");
        assert_eq!(t.direction, TrendDirection::NotEnoughData);
    }

    #[test]
    fn poisson_tail_is_correct() {
        // P(X >= 1 | 1) = 1 - e^-1
        assert!((poisson_upper_tail(1, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        // P(X >= 3 | 1) = 1 - e^-1 (1 + 1 + 1/2)
        let want = 1.0 - (-1.0f64).exp() * 2.5;
        assert!((poisson_upper_tail(3, 1.0) - want).abs() < 1e-12);
        assert_eq!(poisson_upper_tail(0, 4.0), 1.0);
        assert_eq!(poisson_upper_tail(2, 0.0), 0.0);
        assert!(poisson_upper_tail(5, 800.0) > 0.999);
    }
}
