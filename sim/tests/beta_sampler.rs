//! The table sampler behind PERT, triple and beta inputs (`Input::sample`, `Input::fill`)
//! against statrs' Beta law at one million draws: Kolmogorov–Smirnov, mean, variance, and the
//! share of draws in each 0.1 % tail (the edge cells of the table). Fixed seeds; every
//! tolerance is a 99.9 % critical value or 4 Monte Carlo standard errors.

use sim::chunk_rng;
use sim::dist::{DistSpec, Input, TripleBounds};
use statrs::distribution::{Beta, ContinuousCDF};

const N: usize = 1_000_000;

fn pert(min: f64, mode: f64, max: f64, shape: Option<f64>) -> DistSpec {
    DistSpec::Pert {
        min,
        mode,
        max,
        shape,
        point: None,
    }
}

fn beta(alpha: f64, beta: f64) -> DistSpec {
    DistSpec::Beta {
        alpha,
        beta,
        min: None,
        max: None,
        point: None,
    }
}

/// The law's test: `spec` must be Beta(α, β) on `[lo, hi]`.
fn check(name: &str, spec: DistSpec, (a, b): (f64, f64), (lo, hi): (f64, f64), seed: u64) {
    let input = Input::new(&spec).unwrap();
    let mut xs = vec![0.0; N];
    let mut rng = chunk_rng(seed, 0);
    // Both entry points, half each: `fill` is specialised for the beta, `sample` is not.
    let (head, tail) = xs.split_at_mut(N / 2);
    input.fill(&mut rng, head);
    tail.iter_mut().for_each(|x| *x = input.sample(&mut rng));
    assert!(
        xs.iter().all(|&x| (lo..=hi).contains(&x)),
        "{name}: a draw outside [{lo}, {hi}]"
    );

    let law = Beta::new(a, b).unwrap();
    let w = hi - lo;
    let cdf = |x: f64| law.cdf(((x - lo) / w).clamp(0.0, 1.0));
    let nf = N as f64;

    // Mean and variance against the closed forms; the variance's standard error from the
    // closed-form kurtosis κ: se(s²) ≈ σ²·√((κ − 1)/n).
    let mean = lo + w * a / (a + b);
    let var = w * w * a * b / ((a + b).powi(2) * (a + b + 1.0));
    let excess =
        6.0 * ((a - b).powi(2) * (a + b + 1.0) - a * b * (a + b + 2.0)) / (a * b * (a + b + 2.0) * (a + b + 3.0));
    let m = xs.iter().sum::<f64>() / nf;
    let s2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (nf - 1.0);
    let (se_mean, se_var) = ((var / nf).sqrt(), var * ((2.0 + excess) / nf).sqrt());
    assert!(
        (m - mean).abs() < 4.0 * se_mean,
        "{name}: mean {m} vs {mean} (se {se_mean})"
    );
    assert!(
        (s2 - var).abs() < 4.0 * se_var,
        "{name}: variance {s2} vs {var} (se {se_var})"
    );

    // The 0.1 % tails: the share below F⁻¹(0.001) and above F⁻¹(0.999), 4 binomial SEs.
    let (q_lo, q_hi) = (lo + w * law.inverse_cdf(0.001), lo + w * law.inverse_cdf(0.999));
    let se = (0.001 * 0.999 / nf).sqrt();
    let below = xs.iter().filter(|&&x| x < q_lo).count() as f64 / nf;
    let above = xs.iter().filter(|&&x| x > q_hi).count() as f64 / nf;
    assert!(
        (below - 0.001).abs() < 4.0 * se,
        "{name}: share below the 0.1 % point {below}"
    );
    assert!(
        (above - 0.001).abs() < 4.0 * se,
        "{name}: share above the 99.9 % point {above}"
    );

    // Kolmogorov–Smirnov at alpha 0.001 (asymptotic critical value 1.95/√n).
    xs.sort_by(f64::total_cmp);
    let d = xs.iter().enumerate().fold(0.0_f64, |d, (i, &x)| {
        let f = cdf(x);
        d.max(f - i as f64 / nf).max((i + 1) as f64 / nf - f)
    });
    let crit = 1.95 / nf.sqrt();
    assert!(d < crit, "{name}: KS distance {d} ≥ {crit}");
}

/// PERT α, β for min, mode, max and shape s.
fn shape(min: f64, mode: f64, max: f64, s: f64) -> (f64, f64) {
    (
        1.0 + s * (mode - min) / (max - min),
        1.0 + s * (max - mode) / (max - min),
    )
}

#[test]
fn pert_skewed_right() {
    check(
        "pert 0/2/20",
        pert(0.0, 2.0, 20.0, None),
        shape(0.0, 2.0, 20.0, 4.0),
        (0.0, 20.0),
        1,
    );
}

#[test]
fn pert_skewed_right_short_support() {
    check(
        "pert 0/0.5/3",
        pert(0.0, 0.5, 3.0, None),
        shape(0.0, 0.5, 3.0, 4.0),
        (0.0, 3.0),
        2,
    );
}

#[test]
fn pert_symmetric() {
    check(
        "pert 30/45/60",
        pert(30.0, 45.0, 60.0, None),
        (3.0, 3.0),
        (30.0, 60.0),
        3,
    );
}

#[test]
fn pert_skewed_left_with_shape() {
    // α = 7.4, β = 1.6: the mode near the top, a peaked density.
    check(
        "pert 0/8/10 s=8",
        pert(0.0, 8.0, 10.0, Some(8.0)),
        shape(0.0, 8.0, 10.0, 8.0),
        (0.0, 10.0),
        4,
    );
}

#[test]
fn pert_peaked_large_shape() {
    check(
        "pert 0/1/10 s=40",
        pert(0.0, 1.0, 10.0, Some(40.0)),
        (5.0, 37.0),
        (0.0, 10.0),
        5,
    );
}

#[test]
fn pert_very_peaked_uses_the_fallback() {
    // Shape 10 000: beyond the table's limit, drawn by Cheng's algorithm.
    check(
        "pert 0/3/10 s=1e4",
        pert(0.0, 3.0, 10.0, Some(1e4)),
        (3001.0, 7001.0),
        (0.0, 10.0),
        11,
    );
}

#[test]
fn pert_mode_at_the_minimum() {
    // α = 1 exactly: the density is finite and largest at the lower end.
    check("pert 0/0/1", pert(0.0, 0.0, 1.0, None), (1.0, 5.0), (0.0, 1.0), 6);
}

#[test]
fn triple_estimate() {
    let spec = DistSpec::Triple {
        min: 10.0,
        most_likely: 12.0,
        max: 20.0,
        bounds: TripleBounds::Absolute,
        point: None,
    };
    check("triple 10/12/20", spec, shape(10.0, 12.0, 20.0, 3.0), (10.0, 20.0), 7);
}

#[test]
fn beta_uniform() {
    check("beta(1, 1)", beta(1.0, 1.0), (1.0, 1.0), (0.0, 1.0), 8);
}

#[test]
fn beta_below_one_uses_the_fallback() {
    // α < 1 or β < 1: an unbounded density, drawn by rand_distr's Cheng sampler.
    check("beta(0.5, 2)", beta(0.5, 2.0), (0.5, 2.0), (0.0, 1.0), 9);
    check("beta(3, 0.7)", beta(3.0, 0.7), (3.0, 0.7), (0.0, 1.0), 10);
}
