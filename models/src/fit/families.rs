//! Maximum-likelihood fits, one function per family. Closed forms where they exist (normal,
//! lognormal), Newton or a bracketed root on the profile equation (gamma, Weibull), Nelder–Mead
//! on the log-likelihood otherwise (beta, truncated normal), a golden-section search over the
//! mode (PERT by ML).

use statrs::distribution::{Beta, Continuous, ContinuousCDF, Gamma, LogNormal, Normal, Weibull};
use statrs::function::gamma::{digamma, ln_gamma};

/// A fitted family: its parameters by name, the number fitted, its CDF and log-likelihood.
pub struct Fitted {
    pub family: &'static str,
    pub params: Vec<(&'static str, f64)>,
    /// Parameters estimated from the data (a stated range is not counted).
    pub k: usize,
    pub log_likelihood: f64,
    pub cdf: Box<dyn Fn(f64) -> f64>,
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Normal: mean and the MLE sd (divisor n), as scipy's `norm.fit`.
pub fn normal(x: &[f64]) -> Option<Fitted> {
    let m = mean(x);
    let s = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
    let d = Normal::new(m, s).ok()?;
    let ll = x.iter().map(|&v| d.ln_pdf(v)).sum();
    Some(Fitted {
        family: "normal",
        params: vec![("mean", m), ("sd", s)],
        k: 2,
        log_likelihood: ll,
        cdf: Box::new(move |v| d.cdf(v)),
    })
}

/// Lognormal (x > 0): mean and MLE sd of ln x; scipy's `lognorm.fit(floc=0)` has s = σ,
/// scale = exp(μ).
pub fn lognormal(x: &[f64]) -> Option<Fitted> {
    let l: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let mu = mean(&l);
    let s = (l.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / l.len() as f64).sqrt();
    let d = LogNormal::new(mu, s).ok()?;
    let ll = x.iter().map(|&v| d.ln_pdf(v)).sum();
    Some(Fitted {
        family: "lognormal",
        params: vec![("mu", mu), ("sigma", s)],
        k: 2,
        log_likelihood: ll,
        cdf: Box::new(move |v| d.cdf(v)),
    })
}

/// Trigamma ψ'(k) by recurrence to k ≥ 12 and the asymptotic series (next term < 1e-13).
fn trigamma(mut k: f64) -> f64 {
    let mut acc = 0.0;
    while k < 12.0 {
        acc += 1.0 / (k * k);
        k += 1.0;
    }
    let k2 = 1.0 / (k * k);
    acc + 1.0 / k + k2 / 2.0 + (1.0 / 6.0 - (1.0 / 30.0 - (1.0 / 42.0 - k2 / 30.0) * k2) * k2) * k2 / k
}

/// Gamma (x > 0): Newton on ln k − ψ(k) = ln x̄ − mean(ln x) from Minka's start; scale x̄/k.
pub fn gamma(x: &[f64]) -> Option<Fitted> {
    let m = mean(x);
    let s = m.ln() - mean(&x.iter().map(|v| v.ln()).collect::<Vec<_>>());
    if !(s > 0.0) {
        return None;
    }
    let mut k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
    for _ in 0..100 {
        let f = k.ln() - digamma(k) - s;
        let step = f / (1.0 / k - trigamma(k));
        let next = (k - step).max(k / 10.0);
        let done = (next - k).abs() <= 1e-14 * k;
        k = next;
        if done {
            break;
        }
    }
    let scale = m / k;
    let d = Gamma::new(k, 1.0 / scale).ok()?;
    let ll = x.iter().map(|&v| d.ln_pdf(v)).sum();
    Some(Fitted {
        family: "gamma",
        params: vec![("shape", k), ("scale", scale)],
        k: 2,
        log_likelihood: ll,
        cdf: Box::new(move |v| d.cdf(v)),
    })
}

/// Weibull (x > 0): the profile equation Σxᵏ ln x / Σxᵏ − 1/k − mean(ln x) = 0, increasing in
/// k, solved by bisection on ln k (data scaled by its maximum against overflow);
/// scale (mean xᵏ)^(1/k).
pub fn weibull(x: &[f64]) -> Option<Fitted> {
    let top = x.iter().cloned().fold(f64::MIN, f64::max);
    let y: Vec<f64> = x.iter().map(|v| v / top).collect();
    let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let ml = mean(&ly);
    let g = |k: f64| {
        let (mut a, mut b) = (0.0, 0.0);
        for (v, l) in y.iter().zip(&ly) {
            let p = v.powf(k);
            a += p * l;
            b += p;
        }
        a / b - 1.0 / k - ml
    };
    let (mut lo, mut hi) = (1e-3_f64.ln(), 1e3_f64.ln());
    if !(g(lo.exp()) < 0.0 && g(hi.exp()) > 0.0) {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if g(mid.exp()) < 0.0 { lo = mid } else { hi = mid }
    }
    let k = (0.5 * (lo + hi)).exp();
    let scale = top * mean(&y.iter().map(|v| v.powf(k)).collect::<Vec<_>>()).powf(1.0 / k);
    let d = Weibull::new(k, scale).ok()?;
    let ll = x.iter().map(|&v| d.ln_pdf(v)).sum();
    Some(Fitted {
        family: "weibull",
        params: vec![("shape", k), ("scale", scale)],
        k: 2,
        log_likelihood: ll,
        cdf: Box::new(move |v| d.cdf(v)),
    })
}

/// Nelder–Mead minimisation of `f` from `x0` with initial step `step` (standard coefficients).
pub fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, x0: &[f64], step: f64) -> Vec<f64> {
    let n = x0.len();
    let mut pts: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += step;
        pts.push(p);
    }
    let mut vals: Vec<f64> = pts.iter().map(|p| f(p)).collect();
    for _ in 0..5000 {
        let mut idx: Vec<usize> = (0..=n).collect();
        idx.sort_by(|&a, &b| vals[a].total_cmp(&vals[b]));
        pts = idx.iter().map(|&i| pts[i].clone()).collect();
        vals = idx.iter().map(|&i| vals[i]).collect();
        if (vals[n] - vals[0]).abs() <= 1e-13 * (1.0 + vals[0].abs()) {
            break;
        }
        let c: Vec<f64> = (0..n)
            .map(|j| pts[..n].iter().map(|p| p[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> { (0..n).map(|j| c[j] + t * (pts[n][j] - c[j])).collect() };
        let r = along(-1.0);
        let fr = f(&r);
        if fr < vals[0] {
            let e = along(-2.0);
            let fe = f(&e);
            (pts[n], vals[n]) = if fe < fr { (e, fe) } else { (r, fr) };
        } else if fr < vals[n - 1] {
            (pts[n], vals[n]) = (r, fr);
        } else {
            let k = if fr < vals[n] { along(-0.5) } else { along(0.5) };
            let fk = f(&k);
            if fk < vals[n].min(fr) {
                (pts[n], vals[n]) = (k, fk);
            } else {
                for i in 1..=n {
                    pts[i] = (0..n).map(|j| pts[0][j] + 0.5 * (pts[i][j] - pts[0][j])).collect();
                    vals[i] = f(&pts[i]);
                }
            }
        }
    }
    let best = (0..=n).min_by(|&a, &b| vals[a].total_cmp(&vals[b])).expect("a point");
    pts[best].clone()
}

fn beta_ll(y: &[f64], a: f64, b: f64) -> f64 {
    let (s1, s2): (f64, f64) = y.iter().fold((0.0, 0.0), |(p, q), v| (p + v.ln(), q + (1.0 - v).ln()));
    let n = y.len() as f64;
    (a - 1.0) * s1 + (b - 1.0) * s2 - n * (ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b))
}

/// Beta on the stated range [lo, hi] (every point strictly inside): Nelder–Mead on
/// (ln α, ln β) from the moment estimates. scipy: `beta.fit(x, floc=lo, fscale=hi-lo)`.
pub fn beta(x: &[f64], lo: f64, hi: f64) -> Option<Fitted> {
    let w = hi - lo;
    let y: Vec<f64> = x.iter().map(|v| (v - lo) / w).collect();
    let m = mean(&y);
    let v = y.iter().map(|t| (t - m).powi(2)).sum::<f64>() / y.len() as f64;
    let c = (m * (1.0 - m) / v - 1.0).max(0.1);
    let nll = |p: &[f64]| -beta_ll(&y, p[0].exp(), p[1].exp());
    let p = nelder_mead(&nll, &[(m * c).ln(), ((1.0 - m) * c).ln()], 0.3);
    let (a, b) = (p[0].exp(), p[1].exp());
    let d = Beta::new(a, b).ok()?;
    Some(Fitted {
        family: "beta",
        params: vec![("alpha", a), ("beta", b), ("min", lo), ("max", hi)],
        k: 2,
        log_likelihood: beta_ll(&y, a, b) - y.len() as f64 * w.ln(),
        cdf: Box::new(move |t| d.cdf(((t - lo) / w).clamp(0.0, 1.0))),
    })
}

/// PERT (shape 4) on [lo, hi] with the given mode: α = 1 + 4(mode − lo)/(hi − lo), β likewise.
fn pert_at(x: &[f64], lo: f64, hi: f64, mode: f64, family: &'static str) -> Option<Fitted> {
    let w = hi - lo;
    let a = 1.0 + 4.0 * (mode - lo) / w;
    let b = 1.0 + 4.0 * (hi - mode) / w;
    let y: Vec<f64> = x.iter().map(|v| (v - lo) / w).collect();
    let d = Beta::new(a, b).ok()?;
    Some(Fitted {
        family,
        params: vec![("min", lo), ("mode", mode), ("max", hi)],
        k: 1,
        log_likelihood: beta_ll(&y, a, b) - y.len() as f64 * w.ln(),
        cdf: Box::new(move |t| d.cdf(((t - lo) / w).clamp(0.0, 1.0))),
    })
}

/// PERT by moments: the mode from the mean, mean = (lo + 4·mode + hi)/6, kept in the range.
pub fn pert_moments(x: &[f64], lo: f64, hi: f64) -> Option<Fitted> {
    let mode = ((6.0 * mean(x) - lo - hi) / 4.0).clamp(lo, hi);
    pert_at(x, lo, hi, mode, "pert_moments")
}

/// PERT by maximum likelihood over the mode (golden-section search; the log-likelihood is
/// concave in the mode: linear in α and β, which are linear in it).
pub fn pert_ml(x: &[f64], lo: f64, hi: f64) -> Option<Fitted> {
    let ll = |m: f64| pert_at(x, lo, hi, m, "pert_ml").map_or(f64::NEG_INFINITY, |f| f.log_likelihood);
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let (c, d) = (b - r * (b - a), a + r * (b - a));
        if ll(c) > ll(d) { b = d } else { a = c }
    }
    pert_at(x, lo, hi, 0.5 * (a + b), "pert_ml")
}

/// Normal truncated to [lo, hi]: Nelder–Mead on (μ, ln σ) from the sample mean and sd.
pub fn truncated_normal(x: &[f64], lo: f64, hi: f64) -> Option<Fitted> {
    let std = Normal::standard();
    let nll = |p: &[f64]| {
        let (mu, s) = (p[0], p[1].exp());
        let z = std.cdf((hi - mu) / s) - std.cdf((lo - mu) / s);
        if !(z > 0.0) {
            return f64::INFINITY;
        }
        let n = x.len() as f64;
        let q: f64 = x.iter().map(|v| ((v - mu) / s).powi(2)).sum();
        0.5 * q + n * (s.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln() + z.ln())
    };
    let m = mean(x);
    let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64).sqrt();
    let p = nelder_mead(&nll, &[m, sd.ln()], 0.5 * sd.max(1e-9));
    let p = nelder_mead(&nll, &p, 0.1 * sd.max(1e-9));
    let (mu, s) = (p[0], p[1].exp());
    let ll = -nll(&p);
    let (fa, fb) = (std.cdf((lo - mu) / s), std.cdf((hi - mu) / s));
    Some(Fitted {
        family: "truncated_normal",
        params: vec![("mean", mu), ("sd", s), ("min", lo), ("max", hi)],
        k: 2,
        log_likelihood: ll,
        cdf: Box::new(move |t| ((std.cdf((t.clamp(lo, hi) - mu) / s) - fa) / (fb - fa)).clamp(0.0, 1.0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigamma_matches_closed_values() {
        // ψ'(1) = π²/6, ψ'(1/2) = π²/2.
        let pi2 = std::f64::consts::PI.powi(2);
        assert!((trigamma(1.0) - pi2 / 6.0).abs() < 1e-12);
        assert!((trigamma(0.5) - pi2 / 2.0).abs() < 1e-12);
    }

    #[test]
    fn nelder_mead_finds_the_rosenbrock_minimum() {
        let f = |p: &[f64]| (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2);
        let p = nelder_mead(&f, &[-1.2, 1.0], 0.5);
        assert!((p[0] - 1.0).abs() < 1e-4 && (p[1] - 1.0).abs() < 1e-4, "{p:?}");
    }

    #[test]
    fn weibull_with_shape_one_on_exponential_like_data_and_gamma_profile_root() {
        // Gamma: the fitted shape solves the profile equation.
        let x: Vec<f64> = (1..=50).map(|i| (i as f64 / 51.0).powi(2) * 10.0 + 0.1).collect();
        let g = gamma(&x).unwrap();
        let k = g.params[0].1;
        let s = mean(&x).ln() - mean(&x.iter().map(|v| v.ln()).collect::<Vec<_>>());
        assert!((k.ln() - digamma(k) - s).abs() < 1e-12);
        // Weibull: the profile equation's root, checked on the unscaled data.
        let w = weibull(&x).unwrap();
        let kw = w.params[0].1;
        let (a, b) = x
            .iter()
            .fold((0.0, 0.0), |(a, b), v| (a + v.powf(kw) * v.ln(), b + v.powf(kw)));
        let ml = mean(&x.iter().map(|v| v.ln()).collect::<Vec<_>>());
        assert!((a / b - 1.0 / kw - ml).abs() < 1e-10);
    }
}
