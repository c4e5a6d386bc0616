//! The intervals the outputs carry, against independent truths: exact binomial probabilities
//! and beta quantiles from statrs, closed-form quantiles, and coverage at fixed seeds with
//! tolerances from the Monte Carlo standard error of a coverage.

use rand::RngExt;
use sim::chunk_rng;
use sim::stats::{Proportion, QuantileSketch, quantile_rank_interval};
use statrs::distribution::{Beta, Binomial, ContinuousCDF, Discrete, DiscreteCDF};

/// No hit in n runs: the bound is the exact one-sided 95 % Clopper–Pearson bound, i.e. the
/// 95 % quantile of Beta(1, n), and under it seeing no hit has probability exactly 5 %.
#[test]
fn the_bound_with_no_hits_is_the_exact_clopper_pearson_bound() {
    for n in [1u64, 10, 300, 100_000, 1_000_000, 10_000_000_000] {
        let (lo, hi) = Proportion { hits: 0, n }.interval95();
        assert_eq!(lo, 0.0);
        if n <= 1000 {
            // (statrs' inverse beta CDF loses digits for larger shapes; the binomial below
            // checks those.)
            let beta = Beta::new(1.0, n as f64).unwrap().inverse_cdf(0.95);
            assert!((hi - beta).abs() <= 1e-5 * beta, "n {n}: {hi} vs Beta(1, n) {beta}");
            let p0 = Binomial::new(hi, n).unwrap().pmf(0);
            assert!((p0 - 0.05).abs() < 1e-9, "n {n}: P(0 hits) {p0}");
        }
        // The rule of three is its large-n form.
        if n >= 100_000 {
            assert!((hi * n as f64 / 3.0 - 1.0).abs() < 0.002, "n {n}: {hi}");
        }
        // Every run a hit: the mirror image.
        let (lo_all, hi_all) = Proportion { hits: n, n }.interval95();
        assert_eq!(hi_all, 1.0);
        assert!((lo_all - (1.0 - hi)).abs() < 1e-12);
    }
    let (a, b) = Proportion { hits: 0, n: 0 }.interval95();
    assert!(a.is_nan() && b.is_nan());
}

/// Small counts: the two-sided Clopper–Pearson interval, the 2.5 % and 97.5 % quantiles of
/// Beta(k, n − k + 1) and Beta(k + 1, n − k), from statrs.
#[test]
fn small_counts_give_the_clopper_pearson_interval() {
    for (hits, n) in [
        (1u64, 10u64),
        (3, 1000),
        (17, 40),
        (100, 100_000),
        (99_990, 100_000),
        (5, 6),
    ] {
        let (lo, hi) = Proportion { hits, n }.interval95();
        let (k, m) = (hits as f64, n as f64);
        let want_lo = Beta::new(k, m - k + 1.0).unwrap().inverse_cdf(0.025);
        let want_hi = Beta::new(k + 1.0, m - k).unwrap().inverse_cdf(0.975);
        for (got, want) in [(lo, want_lo), (hi, want_hi)] {
            assert!((got - want).abs() <= 1e-5 * want, "{hits}/{n}: {got} vs {want}");
        }
    }
}

/// The intervals' exact coverage, summed over the binomial distribution of the count: at
/// least about 95 % also for rare events, where p ± 1.96·se falls far short. With no hit the
/// interval is the one-sided 95 % bound (it excludes p whenever P(no hit) < 5 % is all that
/// is left), so overall coverage may dip to 92.5 % when P(no hit) is near 5 %.
#[test]
fn wilson_intervals_cover_about_95_percent_exactly() {
    for (n, p) in [
        (50u64, 0.1),
        (200, 0.01),
        (1000, 0.003),
        (1000, 0.5),
        (20_000, 0.0005),
        (5000, 0.97),
    ] {
        let b = Binomial::new(p, n).unwrap();
        let (mut wilson, mut wald) = (0.0, 0.0);
        for hits in 0..=n {
            let pr = Proportion { hits, n };
            let (lo, hi) = pr.interval95();
            if lo <= p && p <= hi {
                wilson += b.pmf(hits);
            }
            let (c, h) = (pr.p(), 1.96 * pr.std_error());
            if c - h <= p && p <= c + h {
                wald += b.pmf(hits);
            }
        }
        assert!((0.925..=0.995).contains(&wilson), "n {n} p {p}: Wilson covers {wilson}");
        if (n as f64) * p.min(1.0 - p) < 10.0 {
            // Where n·p is small the usual ± 1.96 se misses more often.
            assert!(wald < wilson, "n {n} p {p}: Wald {wald} vs Wilson {wilson}");
        }
    }
}

/// The order-statistic ranks cover the quantile with probability at least 95 % (exact, from
/// the binomial distribution of the number of draws below it).
#[test]
fn quantile_ranks_cover_at_least_95_percent_exactly() {
    for n in [200u64, 1000, 100_000, 1_000_000] {
        for q in [0.1, 0.5, 0.8, 0.85, 0.9, 0.95] {
            let (lo, hi) = quantile_rank_interval(n, q);
            // 1-based ranks l = lo + 1, u = hi + 1 cover iff l ≤ count ≤ u − 1.
            let b = Binomial::new(q, n).unwrap();
            let coverage = b.cdf(hi) - if lo == 0 { 0.0 } else { b.cdf(lo) };
            assert!(
                (0.945..0.99).contains(&coverage),
                "n {n} q {q}: ranks {lo}..{hi} cover {coverage}"
            );
        }
    }
}

/// Through the sketch, on draws whose quantiles are known in closed form: the intervals of
/// 400 independent samples cover the true quantile in 95 % of them, within 3 standard errors
/// of a coverage (√(0.95·0.05/400) = 1.1 %).
#[test]
fn sketch_intervals_cover_closed_form_quantiles() {
    const REPS: u64 = 400;
    const N: usize = 2000;
    const QS: [f64; 6] = [0.1, 0.5, 0.8, 0.85, 0.9, 0.95];
    // Exponential with mean 3 (quantile −3·ln(1 − q)) and uniform on [−5, 15].
    let truth = |i: usize, q: f64| {
        if i == 0 {
            -3.0 * (1.0f64 - q).ln()
        } else {
            -5.0 + 20.0 * q
        }
    };
    let mut covered = [[0u64; 2]; QS.len()];
    for rep in 0..REPS {
        let mut rng = chunk_rng(77, rep);
        let mut s = [QuantileSketch::new(), QuantileSketch::new()];
        for _ in 0..N {
            let u: f64 = rng.random();
            s[0].push(-3.0 * (1.0 - u).ln());
            s[1].push(-5.0 + 20.0 * rng.random::<f64>());
        }
        for (j, &q) in QS.iter().enumerate() {
            for (i, s) in s.iter().enumerate() {
                let (lo, hi) = s.quantile_interval95(q);
                assert!(lo <= s.quantile(q) && s.quantile(q) <= hi);
                covered[j][i] += u64::from(lo <= truth(i, q) && truth(i, q) <= hi);
            }
        }
    }
    let se = (0.95f64 * 0.05 / REPS as f64).sqrt();
    for (q, c) in QS.iter().zip(covered) {
        for c in c {
            let rate = c as f64 / REPS as f64;
            assert!((rate - 0.95).abs() < 3.0 * se + 0.01, "q {q}: coverage {rate}");
        }
    }
}

/// The width of the interval at large n is the asymptotic one, 2·1.96·√(q(1 − q)/n)/f(x_q),
/// for a normal N(0, 10²) (density f from the closed form), within 10 %. Centred on 0, so the
/// sketch's relative error (|x|·2⁻¹¹, at most 0.01 here) is small against the sampling error.
#[test]
fn interval_width_matches_the_asymptotic_standard_error() {
    let n = 400_000;
    let mut rng = chunk_rng(5, 0);
    let mut s = QuantileSketch::new();
    let normal = statrs::distribution::Normal::new(0.0, 10.0).unwrap();
    for _ in 0..n {
        s.push(normal.inverse_cdf(rng.random::<f64>().max(1e-300)));
    }
    for q in [0.1, 0.5, 0.9] {
        let x = normal.inverse_cdf(q);
        let f = statrs::distribution::Continuous::pdf(&normal, x);
        let want = 2.0 * 1.96 * (q * (1.0 - q) / n as f64).sqrt() / f;
        let (lo, hi) = s.quantile_interval95(q);
        let sketch = (lo.abs() + hi.abs()) * QuantileSketch::RELATIVE_ACCURACY;
        let width = hi - lo - sketch;
        assert!((width / want - 1.0).abs() < 0.10, "q {q}: width {width} vs {want}");
        assert!(lo <= x && x <= hi, "q {q}: {lo}..{hi} misses {x}");
    }
}
