//! The savings ramp, the staff need and the allocation keys of issue 19 (points 3-5) and issue 23
//! (point 6), against independent truths: closed forms of the laws as they come out of the
//! model, and the continuity of every kommun's NPV in the month migration ends.

use models::model::reference;
use models::{Model, Outcome, Scenario};
use sim::{DistSpec, RunPlan};

/// The default scenario with every uncertain input fixed at its point value, but `keep`.
fn only(keep: &str) -> Scenario {
    let mut s = Scenario::default_ggvv();
    s.correlation = None;
    s.for_each_input_mut(|name, d| {
        if name != keep {
            let point = sim::dist::Input::new(d).unwrap().point;
            *d = DistSpec::Fixed { value: point };
        }
    });
    s
}

fn slot(model: &Model, name: &str) -> usize {
    model.input_names().iter().position(|n| n == name).unwrap()
}

/// Every run's outcome of `runs` draws at `seed`, through `f`.
fn each_run(model: &Model, runs: u64, seed: u64, mut f: impl FnMut(&[f64], &Outcome)) {
    let plan = RunPlan::new(runs, seed, 1).unwrap();
    models::run::for_each_run(model, &plan, 0..plan.chunks(), |_, x, o| {
        f(x, o);
        true
    });
}

/// Largest distance between the empirical CDF of `sample` and `cdf` (Kolmogorov-Smirnov).
fn ks(mut sample: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    sample.sort_by(f64::total_cmp);
    let n = sample.len() as f64;
    sample.iter().enumerate().fold(0.0, |d, (i, &x)| {
        let f = cdf(x);
        d.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs())
    })
}

/// Critical KS distance at alpha = 0.001 for `n` draws (asymptotic, 1.949 / √n).
fn ks_critical(n: usize) -> f64 {
    1.949 / (n as f64).sqrt()
}

#[test]
fn the_ramp_follows_its_pert_law_through_the_2030_saving() {
    // Only the ramp uncertain, PERT(0, 12, 24) = 24 · Beta(3, 3), whose CDF is the polynomial
    // I_x(3, 3) = 10x³ − 15x⁴ + 6x⁵. Migration ends in December 2029 (point plan), so the share
    // of the full 2030 saving in effect is e = 1 − R/24 for R ≤ 12 and 6/R above: invert it per
    // run from the model's own joint cost and compare the ramps with the law.
    let s = only("savings_ramp.ramp_months");
    let model = Model::new(&s).unwrap();
    let n = model.years().len();
    let t = (2030 - s.years.base_year) as usize;
    let mut no_ramp = s.clone();
    no_ramp.savings_ramp.ramp_months = DistSpec::Fixed { value: 0.0 };
    let full = {
        let m = Model::new(&no_ramp).unwrap();
        reference::evaluate(&m, &m.point_values())
    };
    let current: f64 = (0..4).map(|k| full.current[k * n + t]).sum();
    let saving_full = current - full.joint_total[t];
    let ramp = slot(&model, "savings_ramp.ramp_months");
    let mut ramps = Vec::new();
    each_run(&model, 20_000, 11, |x, o| {
        let e = (current - o.joint_total[t]) / saving_full;
        let r = if e >= 0.5 { 24.0 * (1.0 - e) } else { 6.0 / e };
        assert!((r - x[ramp]).abs() < 1e-6 * 24.0, "{r} vs drawn {}", x[ramp]);
        ramps.push(r);
    });
    let cdf = |r: f64| {
        let x = (r / 24.0).clamp(0.0, 1.0);
        x * x * x * (10.0 - 15.0 * x + 6.0 * x * x)
    };
    let d = ks(ramps.clone(), cdf);
    assert!(d < ks_critical(ramps.len()), "KS {d}");
    // Mean 12 (symmetric), se = sd / √n with sd = 24 · √(1/28).
    let mean = ramps.iter().sum::<f64>() / ramps.len() as f64;
    let se = 24.0 * (1.0f64 / 28.0).sqrt() / (ramps.len() as f64).sqrt();
    assert!((mean - 12.0).abs() < 4.0 * se, "mean {mean}");
}

#[test]
fn the_staff_need_is_uniform_between_ateas_two_trees() {
    // Only the staff need uncertain: the staff saving is 1 − FTE / 62 with FTE uniform on
    // [54, 67], so the saving share at full effect is linear in FTE: uniform between its values
    // at 67 and at 54 FTE (the model at those two fixed values).
    let s = only("staffing.total_fte");
    let at = |fte: f64| {
        let mut fixed = s.clone();
        fixed.staffing.total_fte = Some(DistSpec::Fixed { value: fte });
        let m = Model::new(&fixed).unwrap();
        reference::evaluate(&m, &m.point_values()).saving_share_full
    };
    let (lo, hi) = (at(67.0), at(54.0));
    let model = Model::new(&s).unwrap();
    // The point is the minimal tree (the tables').
    assert_eq!(reference::evaluate(&model, &model.point_values()).saving_share_full, hi);
    let mut shares = Vec::new();
    each_run(&model, 20_000, 12, |_, o| shares.push(o.saving_share_full));
    assert!(shares.iter().all(|&v| (lo - 1e-12..=hi + 1e-12).contains(&v)));
    let d = ks(shares.clone(), |v| ((v - lo) / (hi - lo)).clamp(0.0, 1.0));
    assert!(d < ks_critical(shares.len()), "KS {d}");
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    let se = (hi - lo) / 12f64.sqrt() / (shares.len() as f64).sqrt();
    assert!((mean - (lo + hi) / 2.0).abs() < 4.0 * se, "mean {mean}");
}

#[test]
fn the_full_effect_saving_spans_the_forstudies_10_to_30_percent() {
    // The default's saving share at full effect (seed 000 4.4 "omkring 10-30 procent"): P5 near
    // 11 %, median at the förstudie's 18.5 %, P95 near 27 %. Tolerances: the order statistics'
    // binomial standard error at 40 000 runs is below 0.1 percentage point here.
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let mut v = Vec::new();
    each_run(&model, 40_000, 20270101, |_, o| v.push(o.saving_share_full));
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[(p * v.len() as f64) as usize];
    let (p5, p50, p95) = (q(0.05), q(0.5), q(0.95));
    assert!((0.10..=0.125).contains(&p5), "P5 {p5}");
    assert!((0.180..=0.190).contains(&p50), "P50 {p50}");
    assert!((0.26..=0.30).contains(&p95), "P95 {p95}");
}

/// The default scenario's draw `x` with the migration phase stretched so that migration ends at
/// month `d` (36 at plan; the risks' delays are at their points, 0).
fn ending_at(model: &Model, x: &[f64], d: f64) -> Vec<f64> {
    let mut y = x.to_vec();
    let phases: Vec<usize> = (0..3)
        .map(|i| slot(model, &format!("establishment.phases[{i}].duration_months")))
        .collect();
    let planned: f64 = phases.iter().map(|&i| model.inputs()[i].point).sum();
    // d = 36 · (Σ durations / Σ points) · (1 + schedule overrun) + delays.
    let schedule = (model.input_names().iter())
        .position(|n| n == "establishment.schedule_overrun_pct")
        .map_or(1.0, |i| 1.0 + y[i] / 100.0);
    let others = y[phases[0]] + y[phases[1]];
    y[phases[2]] = d / (36.0 * schedule) * planned - others;
    y
}

#[test]
fn every_kommuns_npv_is_continuous_in_the_month_migration_ends() {
    // Issue 23 point 6: the keys switch with the month migration ends, as the savings ramp
    // does, so a delay across a year boundary moves no kommun's NPV by a jump. Before, the
    // key switched a whole year later and Gnosjö lost about 5 MSEK at the boundary. Checked at
    // point values and at a few random draws, across the years 2029-2031.
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let mut draws = vec![model.point_values()];
    each_run(&model, 4, 3, |x, _| draws.push(x.to_vec()));
    let mut risk_free = Vec::new();
    for x in &draws {
        let mut x = x.clone();
        // No register risk occurs (their delays would move d on their own).
        for (i, name) in model.input_names().iter().enumerate() {
            if name.ends_with(".occurs") {
                x[i] = 1.0;
            }
        }
        risk_free.push(x);
    }
    let eps = 1e-6;
    for x in &risk_free {
        for d in [24.0, 30.0, 36.0, 40.0, 48.0, 53.5, 60.0] {
            let npv = |d: f64| {
                let y = ending_at(&model, x, d);
                let o = reference::evaluate(&model, &y);
                assert!((o.duration_months - d).abs() < 1e-9, "{} vs {d}", o.duration_months);
                o.npv
            };
            let (before, after) = (npv(d - eps), npv(d + eps));
            for k in 0..4 {
                assert!(
                    (after[k] - before[k]).abs() < 1e-3,
                    "{} at month {d}: {} -> {}",
                    model.kommuner()[k],
                    before[k],
                    after[k]
                );
            }
        }
    }
}

#[test]
fn local_staff_and_security_alone_cost_what_their_closed_forms_say() {
    // At point values but one FTE of local staff per kommun and 1 MSEK a year of security
    // alone: each kommun's NPV falls by Σ over the years after migration of 0.582 MSEK grown
    // at 5 % from 2024 (the staff category's cost per FTE), discounted; and rises by 1 MSEK
    // grown at 5 % from 2027 over the years after migration (before it, a kommun in the joint
    // case still pays its own security).
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let base = reference::evaluate(&model, &model.point_values());
    let mut x = model.point_values();
    x[slot(&model, "staffing.local_fte_per_kommun")] = 1.0;
    let local = reference::evaluate(&model, &x);
    let mut x = model.point_values();
    x[slot(&model, "counterfactual.security_msek_per_year_per_kommun")] = 1.0;
    let security = reference::evaluate(&model, &x);
    let staff_2024: f64 = s.kommuner.iter().map(|k| k.cost_2024_tkr["staff"]).sum::<f64>() / 1000.0;
    let per_fte = staff_2024 / s.staffing.today_fte;
    assert!((per_fte - 0.582).abs() < 5e-4, "{per_fte}");
    let disc = |y: i32| 1.025f64.powi(y - 2026);
    let local_npv: f64 = (2030..=2035).map(|y| per_fte * 1.05f64.powi(y - 2024) / disc(y)).sum();
    let security_npv: f64 = (2030..=2035).map(|y| 1.05f64.powi(y - 2027) / disc(y)).sum();
    for k in 0..4 {
        let dl = local.npv[k] - base.npv[k];
        assert!((dl + local_npv).abs() < 1e-9, "{k}: {dl} vs −{local_npv}");
        let ds = security.npv[k] - base.npv[k];
        assert!((ds - security_npv).abs() < 1e-9, "{k}: {ds} vs {security_npv}");
    }
}
