//! Simulation against independent truths: a case with a closed form, and the deterministic
//! limit (no uncertainty: every percentile equals the point tables).

use models::{Model, Scenario, simulate};
use sim::{DistSpec, RunPlan};

/// The default scenario with every uncertain input fixed at its point value.
fn deterministic() -> Scenario {
    let mut s = Scenario::default_ggvv();
    // Fixed values cannot be correlated.
    s.correlation = None;
    s.for_each_input_mut(|_, d| {
        let point = sim::dist::Input::new(d).unwrap().point;
        *d = DistSpec::Fixed { value: point };
    });
    s
}

#[test]
fn without_uncertainty_every_percentile_is_the_point_value() {
    let s = deterministic();
    let model = Model::new(&s).unwrap();
    let tables = model.point_tables();
    let plan = RunPlan::new(10_000, 1, 2).unwrap();
    let r = simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
    let n = r.years.len();
    let tol = |x: f64| x.abs() * sim::QuantileSketch::RELATIVE_ACCURACY + 1e-9;
    for (k, row) in tables.difference.iter().enumerate() {
        for (t, &v) in row.iter().enumerate() {
            let sm = r.net_yearly[k * n + t].summary();
            for q in [sm.p5, sm.p10, sm.p50, sm.p90, sm.p95] {
                assert!((q - v).abs() <= tol(v), "{} {}: {q} vs {v}", r.kommuner[k], r.years[t]);
            }
            assert!((sm.mean - v).abs() < 1e-6);
        }
    }
    let e = r.establishment.summary();
    assert!((e.p80 - tables.establishment_msek).abs() <= tol(tables.establishment_msek));
    // At the estimate itself nothing lies above it.
    assert_eq!(r.cost.above_estimate.hits, 0);
}

/// Only project labour uncertain, uniform on [10, 14] MSEK: with the timeline at plan, the inside
/// view of the establishment cost is (fixed part) + labour, so its quantiles and the probability
/// above a figure have closed forms; the outside view (no overrun drawn) stays at the estimate.
#[test]
fn uniform_labour_gives_the_closed_form_cost_distribution() {
    let mut s = deterministic();
    s.establishment.project_labour_msek = DistSpec::Uniform {
        min: 10.0,
        max: 14.0,
        point: Some(12.0),
    };
    let model = Model::new(&s).unwrap();
    let fixed = model.reference_estimate_msek() - 12.0; // establishment cost at point less labour 12
    let budget = fixed + 13.0; // P(L > 13) = 1/4
    let runs = 200_000;
    let plan = RunPlan::new(runs, 99, 2).unwrap();
    let r = simulate(&model, &plan, 0..plan.chunks(), budget).unwrap();
    let outside = r.establishment_outside.summary();
    assert_eq!((outside.min, outside.max), (fixed + 12.0, fixed + 12.0));
    let e = r.establishment_inside.summary();
    // Mean: fixed + 12, se = (4/√12)/√n.
    let se_mean = 4.0 / 12f64.sqrt() / (runs as f64).sqrt();
    assert!((e.mean - (fixed + 12.0)).abs() < 4.0 * se_mean, "mean {}", e.mean);
    // Quantile q of a uniform: fixed + 10 + 4q; its MC se is √(q(1−q)/n) / density(1/4).
    for (q, got) in [(0.1, e.p10), (0.5, e.p50), (0.8, e.p80), (0.9, e.p90)] {
        let truth = fixed + 10.0 + 4.0 * q;
        let se = (q * (1.0 - q) / runs as f64).sqrt() * 4.0;
        let tol = 4.0 * se + truth * sim::QuantileSketch::RELATIVE_ACCURACY;
        assert!((got - truth).abs() < tol, "q{q}: {got} vs {truth}");
    }
    let p = r.cost_inside.above_estimate.p();
    let se_p = (0.25f64 * 0.75 / runs as f64).sqrt();
    assert!((p - 0.25).abs() < 4.0 * se_p, "P(overrun) {p}");
}

fn slot(model: &Model, name: &str) -> usize {
    model.input_names().iter().position(|n| n == name).unwrap()
}

#[test]
fn slippage_moves_the_savings_ramp_and_prolongs_parallel_running() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let x = model.point_values();
    let mut plan = model.new_outcome();
    model.evaluate(&x, &mut plan);
    assert_eq!(plan.migration_end_year, 2029);
    let mut late = x.clone();
    late[slot(&model, "establishment.schedule_overrun_pct")] = 25.0; // 45 months: ends Sept 2030
    let mut o = model.new_outcome();
    model.evaluate(&late, &mut o);
    assert_eq!(o.migration_end_year, 2030);
    assert!((o.duration_months - 45.0).abs() < 1e-9);
    // The inside view's labour and parallel running last longer; the outside view's level is
    // the reference class's, whatever the timeline.
    assert!(o.establishment_inside_msek > plan.establishment_inside_msek);
    assert_eq!(o.establishment_outside_msek, plan.establishment_outside_msek);
    let n = model.years().len();
    let t2030 = (2030 - 2024) as usize;
    for k in 0..model.kommuner().len() {
        assert!(
            o.net[k * n + t2030] < plan.net[k * n + t2030],
            "kommun {k}: 2030 should lose savings"
        );
    }
}

#[test]
fn higher_saving_rates_never_lower_any_kommuns_net_benefit() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let mut rng = sim::chunk_rng(5, 0);
    let mut x = vec![0.0; model.inputs().len()];
    let (mut a, mut b) = (model.new_outcome(), model.new_outcome());
    for _ in 0..200 {
        for (v, input) in x.iter_mut().zip(model.inputs()) {
            *v = input.sample(&mut rng);
        }
        model.evaluate(&x, &mut a);
        let mut more = x.clone();
        for i in 0..3 {
            more[slot(&model, &format!("savings[{i}].rate_pct"))] += 5.0;
        }
        model.evaluate(&more, &mut b);
        for (na, nb) in a.net.iter().zip(&b.net) {
            assert!(nb >= na, "{nb} < {na}");
        }
        assert_eq!(a.establishment_msek, b.establishment_msek);
    }
}

/// The migration one-offs start with the first migration phase, on the
/// plan's calendar stretched to the drawn duration, also when the plan is shorter than the
/// years it books phases in. (A unit slip capped the phase's plan-year offset by the planned
/// duration in years, so an 18-month plan started migration at month 9 instead of 12.)
#[test]
fn a_migration_one_off_starts_with_the_migration_phase_of_a_short_plan() {
    let mut s = deterministic();
    s.establishment.planned_months = 18.0;
    let by_year = |amount: f64| {
        let mut s = s.clone();
        s.establishment.one_off[0].amount_msek = DistSpec::Fixed { value: amount };
        assert!(s.establishment.one_off[0].migration);
        let model = Model::new(&s).unwrap();
        let mut o = model.new_outcome();
        model.evaluate(&model.point_values(), &mut o);
        assert_eq!(o.duration_months, 18.0);
        o.establishment_by_year().to_vec()
    };
    let (with, without) = (by_year(10.0), by_year(0.0));
    let start = (s.years.start_year - s.years.base_year) as usize;
    // Phases booked in 2027, 2028 and 2029 over 18 months: migration (2029) from month 12 on,
    // so the whole one-off falls in the second year of the establishment.
    let added: Vec<f64> = with.iter().zip(&without).map(|(a, b)| a - b).collect();
    assert!(added[start].abs() < 1e-12, "{added:?}");
    assert!((added[start + 1] - 10.0).abs() < 1e-9, "{added:?}");
}
