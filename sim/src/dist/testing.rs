//! Shared test helpers: the Kolmogorov–Smirnov distance and the law check of every family.

use rand::RngExt;
use rand::distr::Open01;

use super::{DistSpec, Input};
use crate::rng::chunk_rng;

/// Kolmogorov–Smirnov distance between a sample and a CDF, correct with ties (atoms):
/// at each distinct value the ECDF's left limit is compared with `cdf_left` (P(X < x)) and
/// its value with `cdf` (P(X ≤ x)). For a continuous law pass the CDF twice.
pub(super) fn ks(mut xs: Vec<f64>, cdf: &dyn Fn(f64) -> f64, cdf_left: &dyn Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let (mut d, mut i) = (0.0_f64, 0);
    while i < n {
        let x = xs[i];
        let mut j = i;
        while j < n && xs[j] == x {
            j += 1;
        }
        d = d
            .max((cdf_left(x) - i as f64 / n as f64).abs())
            .max((cdf(x) - j as f64 / n as f64).abs());
        i = j;
    }
    d
}

/// KS critical value at alpha = 0.001 (asymptotic, 1.95/√n); conservative for atoms.
pub(super) fn ks_crit(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

pub(super) fn draws(spec: &DistSpec, n: usize, seed: u64) -> Vec<f64> {
    let input = Input::new(spec).unwrap();
    let mut rng = chunk_rng(seed, 0);
    let mut v = vec![0.0; n];
    input.fill(&mut rng, &mut v);
    v
}

/// Draws through the inverse CDF (the path Latin hypercube sampling uses).
pub(super) fn quantile_draws(spec: &DistSpec, n: usize, seed: u64) -> Vec<f64> {
    let input = Input::new(spec).unwrap();
    let mut rng = chunk_rng(seed, 1);
    (0..n).map(|_| input.quantile(rng.sample(Open01))).collect()
}

pub(super) struct Law<'a> {
    pub cdf: &'a dyn Fn(f64) -> f64,
    pub cdf_left: &'a dyn Fn(f64) -> f64,
    pub mean: f64,
    pub var: f64,
}

/// The law's test: KS of both samplers against the CDF at alpha 0.001, and the sample mean
/// and variance within 4 standard errors of the closed forms (the variance's standard
/// error from the sample's fourth central moment).
pub(super) fn check(name: &str, spec: DistSpec, law: Law, seed: u64) {
    let n = 20_000;
    for (how, xs) in [
        ("sample", draws(&spec, n, seed)),
        ("quantile", quantile_draws(&spec, n, seed)),
    ] {
        let d = ks(xs, law.cdf, law.cdf_left);
        assert!(d < ks_crit(n), "{name} ({how}): KS distance {d} ≥ {}", ks_crit(n));
    }
    let n = 400_000;
    let xs = draws(&spec, n, seed + 1000);
    let nf = n as f64;
    let mean = xs.iter().sum::<f64>() / nf;
    let m2 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / nf;
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / nf;
    let var = m2 * nf / (nf - 1.0);
    let se_mean = (m2 / nf).sqrt();
    let se_var = ((m4 - m2 * m2) / nf).sqrt();
    assert!(
        (mean - law.mean).abs() < 4.0 * se_mean,
        "{name}: mean {mean} vs {} (se {se_mean})",
        law.mean
    );
    assert!(
        (var - law.var).abs() < 4.0 * se_var,
        "{name}: variance {var} vs {} (se {se_var})",
        law.var
    );
}

pub(super) fn beta_var(a: f64, b: f64, w: f64) -> f64 {
    a * b / ((a + b).powi(2) * (a + b + 1.0)) * w * w
}
