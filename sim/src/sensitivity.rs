//! Global sensitivity and value of information, model-agnostic.
//!
//! - [`sobol`]: first-order and total Sobol indices by the Saltelli (2010) sampling scheme,
//!   first order by the Saltelli 2010 estimator, total by Jansen's, with bootstrap confidence
//!   intervals (inputs independent, as the method assumes). Reference code: SciPy
//!   `scipy/stats/_sensitivity_analysis.py`, SALib `analyze/sobol.py`.
//! - [`rank_contributions`]: contribution to variance from Spearman rank correlations
//!   (ρᵢ² / Σρ², the measure spreadsheet add-ins show).
//! - [`evppi`]: expected value of partial perfect information by the regression method of
//!   Strong, Oakley & Brennan (2014): regress the incremental net benefit on the inputs of
//!   interest, then EVPPI ≈ mean over runs of max(0, ĝ) − max(0, mean ĝ) for a two-option
//!   decision. The smoother here is a least-squares polynomial (degree 2 with pairwise
//!   interactions for up to 4 inputs, degree 3 per input beyond), a stated simplification of
//!   their GAM.

use rand::RngExt;

use crate::correlation::{pearson, ranks};
use crate::dist::Input;
use crate::rng::chunk_rng;

/// A Sobol index with a bootstrap confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Index {
    pub estimate: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// First-order and total indices per input, in input order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SobolResult {
    pub first: Vec<Index>,
    pub total: Vec<Index>,
    /// Variance of the output over the A and B samples.
    pub variance: f64,
    pub evaluations: usize,
}

/// Sobol indices of `f` over independent `inputs`, from `n` base samples (n·(k+2) calls of
/// `f`), with `boot` bootstrap resamples for percentile intervals at `confidence` (e.g. 0.95).
/// Deterministic for a given seed.
pub fn sobol(
    inputs: &[Input],
    f: impl Fn(&[f64]) -> f64 + Sync,
    n: usize,
    boot: usize,
    confidence: f64,
    seed: u64,
) -> SobolResult {
    let k = inputs.len();
    let mut rng = chunk_rng(seed, u64::MAX);
    let draw = |rng: &mut crate::rng::ChunkRng| -> Vec<f64> {
        let mut m = vec![0.0; n * k];
        for row in m.chunks_mut(k) {
            for (x, input) in row.iter_mut().zip(inputs) {
                *x = input.sample(rng);
            }
        }
        m
    };
    let a = draw(&mut rng);
    let b = draw(&mut rng);
    let fa: Vec<f64> = a.chunks(k).map(&f).collect();
    let fb: Vec<f64> = b.chunks(k).map(&f).collect();
    let mut fab = vec![vec![0.0; n]; k];
    let mut row = vec![0.0; k];
    for (i, col) in fab.iter_mut().enumerate() {
        for j in 0..n {
            row.copy_from_slice(&a[j * k..(j + 1) * k]);
            row[i] = b[j * k + i];
            col[j] = f(&row);
        }
    }
    // Centre on the pooled mean (SciPy does the same) to reduce round-off.
    let mean = (fa.iter().sum::<f64>() + fb.iter().sum::<f64>()) / (2 * n) as f64;
    let fa: Vec<f64> = fa.iter().map(|v| v - mean).collect();
    let fb: Vec<f64> = fb.iter().map(|v| v - mean).collect();
    let fab: Vec<Vec<f64>> = fab.iter().map(|c| c.iter().map(|v| v - mean).collect()).collect();

    let estimate = |idx: &dyn Fn(usize) -> usize| -> (Vec<f64>, Vec<f64>, f64) {
        let m = n as f64;
        let (mut sa, mut sb, mut saa, mut sbb) = (0.0, 0.0, 0.0, 0.0);
        for j in 0..n {
            let (x, y) = (fa[idx(j)], fb[idx(j)]);
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
        }
        let mu = (sa + sb) / (2.0 * m);
        let var = (saa + sbb) / (2.0 * m) - mu * mu;
        let mut first = vec![0.0; k];
        let mut total = vec![0.0; k];
        for i in 0..k {
            let (mut s1, mut st) = (0.0, 0.0);
            for j in 0..n {
                let jj = idx(j);
                s1 += fb[jj] * (fab[i][jj] - fa[jj]);
                st += (fa[jj] - fab[i][jj]).powi(2);
            }
            first[i] = s1 / m / var;
            total[i] = 0.5 * st / m / var;
        }
        (first, total, var)
    };
    let (first, total, variance) = estimate(&|j| j);
    let mut boot_first = vec![Vec::with_capacity(boot); k];
    let mut boot_total = vec![Vec::with_capacity(boot); k];
    let mut picks = vec![0usize; n];
    for _ in 0..boot {
        picks.iter_mut().for_each(|p| *p = rng.random_range(0..n));
        let (f1, ft, _) = estimate(&|j| picks[j]);
        for i in 0..k {
            boot_first[i].push(f1[i]);
            boot_total[i].push(ft[i]);
        }
    }
    let interval = |est: f64, mut v: Vec<f64>| -> Index {
        if v.is_empty() {
            return Index {
                estimate: est,
                ci_low: est,
                ci_high: est,
            };
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((q * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
        let tail = 0.5 * (1.0 - confidence);
        Index {
            estimate: est,
            ci_low: at(tail),
            ci_high: at(1.0 - tail),
        }
    };
    SobolResult {
        first: first.iter().zip(boot_first).map(|(&e, v)| interval(e, v)).collect(),
        total: total.iter().zip(boot_total).map(|(&e, v)| interval(e, v)).collect(),
        variance,
        evaluations: n * (k + 2),
    }
}

/// Spearman rank correlation of each input column with the output, and its share of
/// Σρ² (the "contribution to variance" of spreadsheet add-ins; an approximation that is
/// exact only for additive monotone models with independent inputs).
pub fn rank_contributions(columns: &[Vec<f64>], output: &[f64]) -> Vec<(f64, f64)> {
    let ry = ranks(output);
    let rho: Vec<f64> = columns.iter().map(|c| pearson(&ranks(c), &ry)).collect();
    let sum: f64 = rho.iter().map(|r| r * r).sum();
    rho.iter()
        .map(|&r| (r, if sum > 0.0 { r * r / sum } else { 0.0 }))
        .collect()
}

/// Empirical q-quantile of an input from `n` draws (for one-way swings).
pub fn input_quantiles(input: &Input, qs: &[f64], n: usize, seed: u64) -> Vec<f64> {
    let mut rng = chunk_rng(seed, u64::MAX - 1);
    let mut v: Vec<f64> = (0..n).map(|_| input.sample(&mut rng)).collect();
    v.sort_by(f64::total_cmp);
    qs.iter()
        .map(|q| v[((q * (n - 1) as f64).round() as usize).min(n - 1)])
        .collect()
}

/// Fitted values of the least-squares regression of `y` on the `design` columns (column 0 the
/// intercept), solved by SVD (nalgebra) on standardised columns, so collinear columns do no harm.
fn least_squares_fit(design: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let (n, p) = (y.len(), design.len());
    let mut x = nalgebra::DMatrix::<f64>::zeros(n, p);
    for (j, c) in design.iter().enumerate() {
        let (m, sd) = if j == 0 {
            (0.0, 1.0)
        } else {
            let m = c.iter().sum::<f64>() / n as f64;
            let sd = (c.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n as f64).sqrt();
            (m, if sd > 0.0 { sd } else { 1.0 })
        };
        for (r, v) in c.iter().enumerate() {
            x[(r, j)] = (v - m) / sd;
        }
    }
    let yv = nalgebra::DVector::from_column_slice(y);
    let beta = x
        .clone()
        .svd(true, true)
        .solve(&yv, 1e-10)
        .unwrap_or_else(|_| nalgebra::DVector::zeros(p));
    (x * beta).iter().copied().collect()
}

/// The polynomial design for the regression smoother: intercept, each input to degree 3, and
/// pairwise products when there are at most 4 inputs.
fn design(params: &[&[f64]]) -> Vec<Vec<f64>> {
    let n = params.first().map_or(0, |p| p.len());
    let mut d = vec![vec![1.0; n]];
    for p in params {
        d.push(p.to_vec());
        d.push(p.iter().map(|v| v * v).collect());
        d.push(p.iter().map(|v| v * v * v).collect());
    }
    if params.len() <= 4 {
        for i in 0..params.len() {
            for j in i + 1..params.len() {
                d.push(params[i].iter().zip(params[j]).map(|(a, b)| a * b).collect());
            }
        }
    }
    d
}

/// EVPPI of a two-option decision (act if the incremental net benefit `inb` > 0, else not),
/// for the inputs `params` (columns over the same runs as `inb`). Same unit as `inb`.
pub fn evppi(inb: &[f64], params: &[&[f64]]) -> f64 {
    let n = inb.len() as f64;
    let fitted = least_squares_fit(&design(params), inb);
    let with_info = fitted.iter().map(|g| g.max(0.0)).sum::<f64>() / n;
    let without = (fitted.iter().sum::<f64>() / n).max(0.0);
    (with_info - without).max(0.0)
}

/// EVPI of the same decision: mean of max(0, inb) − max(0, mean inb).
pub fn evpi(inb: &[f64]) -> f64 {
    let n = inb.len() as f64;
    inb.iter().map(|v| v.max(0.0)).sum::<f64>() / n - (inb.iter().sum::<f64>() / n).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::DistSpec;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn sobol_matches_ishigami_analytic_indices() {
        let u = Input::new(&DistSpec::Uniform {
            min: -PI,
            max: PI,
            point: None,
        })
        .unwrap();
        // Six indices are checked at once: Bonferroni 1 − 0.05/6 ≈ 0.99 intervals.
        let r = sobol(&[u.clone(), u.clone(), u], ishigami, 20_000, 400, 0.99, 42);
        // Analytic values (a = 7, b = 0.1; SciPy's test fixture, REFERENCES.md).
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        assert!((r.variance - 13.8446).abs() < 0.5, "variance {}", r.variance);
        for i in 0..3 {
            let (f, t) = (r.first[i], r.total[i]);
            assert!(
                f.ci_low <= s1[i] && s1[i] <= f.ci_high,
                "S{} {:?} vs {}",
                i + 1,
                f,
                s1[i]
            );
            assert!(
                t.ci_low <= st[i] && st[i] <= t.ci_high,
                "ST{} {:?} vs {}",
                i + 1,
                t,
                st[i]
            );
            assert!(
                f.ci_high - f.ci_low < 0.1 && t.ci_high - t.ci_low < 0.1,
                "intervals too wide to mean anything"
            );
        }
    }

    /// Linear-Gaussian case: inb = θ + ε, θ ~ N(μ, σ²), ε ~ N(0, τ²) independent. Then
    /// E[inb | θ] = θ and EVPPI(θ) = σ·L(μ/σ), L the unit normal loss function
    /// L(z) = φ(z) − z(1 − Φ(z)). EVPPI(ε) is not zero in general, so use an input that does
    /// not enter inb at all for the zero case.
    #[test]
    fn evppi_matches_the_linear_gaussian_closed_form_and_is_zero_for_an_irrelevant_input() {
        use statrs::distribution::{Continuous, ContinuousCDF, Normal};
        let (mu, sigma, tau) = (1.0, 2.0, 3.0);
        let n = 200_000;
        let mut rng = chunk_rng(8, 0);
        let th_d = Input::new(&DistSpec::Normal {
            mean: mu,
            sd: sigma,
            point: None,
        })
        .unwrap();
        let eps_d = Input::new(&DistSpec::Normal {
            mean: 0.0,
            sd: tau,
            point: None,
        })
        .unwrap();
        let theta: Vec<f64> = (0..n).map(|_| th_d.sample(&mut rng)).collect();
        let eps: Vec<f64> = (0..n).map(|_| eps_d.sample(&mut rng)).collect();
        let noise: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let inb: Vec<f64> = theta.iter().zip(&eps).map(|(a, b)| a + b).collect();
        let z = mu / sigma;
        let sn = Normal::new(0.0, 1.0).unwrap();
        let truth = sigma * (sn.pdf(z) - z * (1.0 - sn.cdf(z)));
        let got = evppi(&inb, &[&theta]);
        // MC error of the estimator: sd of max(0, θ)-type terms / √n is about σ/√n.
        let se = sigma / (n as f64).sqrt();
        assert!((got - truth).abs() < 4.0 * se + 0.01 * truth, "EVPPI {got} vs {truth}");
        let irrelevant = evppi(&inb, &[&noise]);
        assert!(irrelevant < 0.01 * truth, "irrelevant input EVPPI {irrelevant}");
        // EVPPI(all) ≤ EVPI and EVPPI(θ) ≤ EVPI.
        let e = evpi(&inb);
        assert!(got <= e + 1e-9);
    }

    #[test]
    fn rank_contributions_of_an_additive_model() {
        let mut rng = chunk_rng(3, 0);
        let n = 50_000;
        let a: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let b: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(x, z)| 3.0 * x + z).collect();
        let c = rank_contributions(&[a, b], &y);
        // Variance shares of 3A + B with uniform A, B: 9/10 and 1/10; Spearman-based shares
        // are close but not equal: check order and rough size.
        assert!(c[0].1 > 0.85 && c[1].1 < 0.15, "{c:?}");
        assert!((c[0].1 + c[1].1 - 1.0).abs() < 1e-12);
    }
}
