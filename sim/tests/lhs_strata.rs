//! A Latin hypercube column of n draws puts one draw in each 1/n probability stratum of its
//! law: the law's CDF (computed here independently, from statrs) at the draws, times n, hits
//! every integer part once. Atoms (the reference-class overrun's cap) take the strata they
//! cover, within one.

use sim::dist::{DistSpec, Input};
use sim::{CHUNK_RUNS, Sampling, input_rng};
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal};

/// Mixture CDF of the reference-class overrun below its cap: truncated-normal body, Pareto
/// tail.
fn ref_class_cdf(p: f64, bm: f64, bs: f64, bmin: f64, xm: f64, al: f64) -> impl Fn(f64) -> f64 {
    let sn = Normal::new(0.0, 1.0).unwrap();
    let a = sn.cdf((bmin - bm) / bs);
    move |x: f64| {
        let fb = ((sn.cdf((x - bm) / bs) - a) / (1.0 - a)).clamp(0.0, 1.0);
        let ft = if x < xm { 0.0 } else { 1.0 - (xm / x).powf(al) };
        (1.0 - p) * fb + p * ft
    }
}

/// Counts per stratum of `cdf` at n LHS draws of `spec`; the draws equal to `atom` (if any)
/// counted apart. Asserts one per stratum below `atom_from` (the CDF just below the atom) and
/// the atom's count within one of the strata it covers.
fn check(name: &str, spec: DistSpec, cdf: &dyn Fn(f64) -> f64, atom: Option<(f64, f64)>) {
    let input = Input::new(&spec).unwrap();
    let n = CHUNK_RUNS as usize;
    for chunk in 0..8 {
        let mut xs = vec![0.0; n];
        Sampling::LatinHypercube.fill(&input, &mut input_rng(2303, chunk, 1), &mut xs);
        let mut seen = vec![0u32; n];
        let mut at_atom = 0usize;
        for &x in &xs {
            if atom.is_some_and(|(v, _)| x == v) {
                at_atom += 1;
                continue;
            }
            let i = ((cdf(x) * n as f64) as usize).min(n - 1);
            seen[i] += 1;
        }
        let below = atom.map_or(n, |(_, f)| (f * n as f64).floor() as usize);
        let shared: Vec<(usize, u32)> = seen[..below]
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, c)| c != 1)
            .collect();
        assert!(
            shared.len() <= usize::from(atom.is_some()),
            "{name}, chunk {chunk}: {} strata do not hold exactly one draw: {:?}",
            shared.len(),
            &shared[..shared.len().min(10)]
        );
        if let Some((_, f)) = atom {
            let covered = (1.0 - f) * n as f64;
            assert!(
                (at_atom as f64 - covered).abs() <= 1.0 + 1e-9,
                "{name}: {at_atom} at the atom for {covered}"
            );
        }
    }
}

#[test]
fn reference_class_overrun_with_overlapping_body_and_tail_is_stratified() {
    // Body N(60, 40) above −20, tail Pareto(50, 1.5) capped at 400: they overlap over most
    // of the body.
    let (p, bm, bs, bmin, xm, al, cap) = (0.3, 60.0, 40.0, -20.0, 50.0, 1.5, 400.0);
    let spec = DistSpec::RefClassOverrun {
        tail_prob: p,
        body_mean: bm,
        body_sd: bs,
        body_min: bmin,
        tail_scale: xm,
        tail_alpha: al,
        tail_cap: cap,
        point: None,
    };
    let f = ref_class_cdf(p, bm, bs, bmin, xm, al);
    let below_cap = f(cap - 1e-9);
    check("overlapping ref_class_overrun", spec, &f, Some((cap, below_cap)));
}

#[test]
fn reference_class_overrun_of_the_default_calibration_is_stratified() {
    let (p, bm, bs, bmin, xm, al, cap) = (1.0 / 6.0, -8.0, 15.0, -50.0, 70.0, 1.0, 500.0);
    let spec = DistSpec::RefClassOverrun {
        tail_prob: p,
        body_mean: bm,
        body_sd: bs,
        body_min: bmin,
        tail_scale: xm,
        tail_alpha: al,
        tail_cap: cap,
        point: None,
    };
    let f = ref_class_cdf(p, bm, bs, bmin, xm, al);
    let below_cap = f(cap - 1e-9);
    check("default ref_class_overrun", spec, &f, Some((cap, below_cap)));
}

#[test]
fn continuous_laws_are_stratified() {
    let pert = Beta::new(1.0 + 4.0 * 2.0 / 8.0, 1.0 + 4.0 * 6.0 / 8.0).unwrap();
    check(
        "pert",
        DistSpec::Pert {
            min: 2.0,
            mode: 4.0,
            max: 10.0,
            shape: None,
            point: None,
        },
        &|x| pert.cdf((x - 2.0) / 8.0),
        None,
    );
    let sigma2 = (1.0 + (3.0f64 / 5.0).powi(2)).ln();
    let ln = LogNormal::new(5f64.ln() - sigma2 / 2.0, sigma2.sqrt()).unwrap();
    check(
        "lognormal",
        DistSpec::Lognormal {
            mean: Some(5.0),
            sd: Some(3.0),
            p10: None,
            p90: None,
            point: None,
        },
        &|x| ln.cdf(x),
        None,
    );
    let sn = Normal::new(0.0, 1.0).unwrap();
    let (lo, hi) = (sn.cdf((8.0 - 12.0) / 4.0), sn.cdf((25.0 - 12.0) / 4.0));
    check(
        "truncated_normal",
        DistSpec::TruncatedNormal {
            mean: 12.0,
            sd: 4.0,
            min: Some(8.0),
            max: Some(25.0),
            point: None,
        },
        &|x| (sn.cdf((x - 12.0) / 4.0) - lo) / (hi - lo),
        None,
    );
}
