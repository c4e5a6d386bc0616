//! Risk register and alternatives: the identities the issue asks for.

use models::alternatives::{AlternativesAnalysis, RisksAnalysis, apply};
use models::analysis::{Analysis, AnalysisError, AnalysisPlan};
use models::scenario::Alternative;
use models::{Model, Scenario};
use sim::{DistSpec, RunPlan};

/// Per run: the NPVs and the inside view of the establishment cost (where the register's risks
/// are priced).
fn per_run(s: &Scenario, runs: u64) -> Vec<(Vec<f64>, f64)> {
    let model = Model::new(s).unwrap();
    let plan = RunPlan::new(runs, 17, 1).unwrap();
    let mut v = Vec::new();
    models::run::for_each_run(&model, &plan, 0..plan.chunks(), |_, _, o| {
        v.push((o.npv.clone(), o.establishment_inside_msek));
        true
    });
    v
}

#[test]
fn a_risk_with_probability_zero_changes_nothing() {
    let base = Scenario::default_ggvv();
    let mut none = base.clone();
    for r in &mut none.risk_register.as_mut().unwrap().risks {
        r.existing.probability_pct = 0.0;
        r.new.probability_pct = 0.0;
    }
    let mut without = base.clone();
    without.risk_register = None;
    assert_eq!(per_run(&none, 5000), per_run(&without, 5000));
}

#[test]
fn a_certain_risk_with_a_fixed_impact_adds_exactly_that_impact() {
    let base = Scenario::default_ggvv();
    let mut off = base.clone();
    for r in &mut off.risk_register.as_mut().unwrap().risks {
        r.existing.probability_pct = 0.0;
    }
    let mut certain = off.clone();
    let r = &mut certain.risk_register.as_mut().unwrap().risks[0];
    r.existing.probability_pct = 100.0;
    r.existing.cost_msek = DistSpec::Fixed { value: 2.5 };
    r.existing.delay_months = DistSpec::Fixed { value: 0.0 };
    for ((_, a), (_, b)) in per_run(&off, 3000).iter().zip(per_run(&certain, 3000).iter()) {
        assert!((b - a - 2.5).abs() < 1e-9, "{a} -> {b}");
    }
}

#[test]
fn an_alternative_identical_to_the_default_compares_as_exactly_equal() {
    let s = Scenario::default_ggvv();
    let same = Alternative {
        name: "same".into(),
        seed_wording: String::new(),
        savings_capture_pct: 100.0,
        establishment_effort_pct: 100.0,
        planned_months: s.establishment.planned_months,
        reversibility: String::new(),
    };
    let mut plain = s.clone();
    plain.alternatives.clear();
    assert_eq!(per_run(&apply(&s, &same), 4000), per_run(&plain, 4000));
}

#[test]
fn less_capture_means_less_net_benefit_on_the_same_draws() {
    let s = Scenario::default_ggvv();
    let alt = |c: f64| Alternative {
        name: "x".into(),
        seed_wording: String::new(),
        savings_capture_pct: c,
        establishment_effort_pct: 100.0,
        planned_months: 36.0,
        reversibility: String::new(),
    };
    let (lo, hi) = (
        per_run(&apply(&s, &alt(50.0)), 2000),
        per_run(&apply(&s, &alt(100.0)), 2000),
    );
    for ((a, _), (b, _)) in lo.iter().zip(&hi) {
        assert!(a.iter().sum::<f64>() < b.iter().sum::<f64>());
    }
}

fn same_as_default(s: &Scenario) -> Alternative {
    Alternative {
        name: "same".into(),
        seed_wording: String::new(),
        savings_capture_pct: 100.0,
        establishment_effort_pct: 100.0,
        planned_months: s.establishment.planned_months,
        reversibility: String::new(),
    }
}

#[test]
fn an_alternative_like_the_scenario_reports_the_runs_own_outcome() {
    let mut s = Scenario::default_ggvv();
    s.alternatives.push(same_as_default(&s));
    let model = Model::new(&s).unwrap();
    let (runs, seed) = (6000, 23);
    let r = AlternativesAnalysis
        .run(&s, &model, &AnalysisPlan::new(runs, seed).unwrap())
        .unwrap();
    let same = r.alternatives.last().unwrap();
    let plan = RunPlan::new(runs, seed, 1).unwrap();
    let run = models::simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
    let k = model.kommuner().len();
    for i in 0..k {
        // P(NPV > 0) and P(NPV < 0) of the same draws add up to one (no NPV is exactly 0).
        assert!((same.prob_better_than_today[i] + run.net_loss[i].p() - 1.0).abs() < 1e-12);
    }
    let total = run.npv[k].moments.mean();
    assert!((same.npv_total.mean - total).abs() < 1e-9 * (1.0 + total.abs()));
    assert!((same.establishment.mean - run.establishment.moments.mean()).abs() < 1e-9);
}

#[test]
fn a_scenario_without_alternatives_or_register_is_a_missing_section() {
    let mut s = Scenario::default_ggvv();
    s.alternatives.clear();
    s.risk_register = None;
    let model = Model::new(&s).unwrap();
    let plan = AnalysisPlan::new(100, 1).unwrap();
    let e = AlternativesAnalysis.run(&s, &model, &plan).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::MissingSection {
                section: "[[alternatives]]"
            }
        ),
        "{e}"
    );
    let e = RisksAnalysis.run(&s, &model, &plan).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::MissingSection {
                section: "[risk_register]"
            }
        ),
        "{e}"
    );
}

#[test]
fn a_certain_fixed_risk_costs_exactly_its_impact_and_an_impossible_one_nothing() {
    let mut s = Scenario::default_ggvv();
    let reg = s.risk_register.as_mut().unwrap();
    for r in &mut reg.risks {
        r.existing.probability_pct = 0.0;
        r.new.probability_pct = 0.0;
        r.mitigation.applied = false;
    }
    let case = &mut reg.risks[0].existing;
    case.probability_pct = 100.0;
    case.cost_msek = DistSpec::Fixed { value: 2.5 };
    case.delay_months = DistSpec::Fixed { value: 0.0 };
    let model = Model::new(&s).unwrap();
    let r = RisksAnalysis
        .run(&s, &model, &AnalysisPlan::new(3000, 8).unwrap())
        .unwrap();
    assert!(
        (r.risks[0].expected_cost_msek - 2.5).abs() < 1e-9,
        "{}",
        r.risks[0].expected_cost_msek
    );
    assert!((r.risks[0].p80_effect_msek - 2.5).abs() < 1e-9);
    for row in &r.risks[1..] {
        assert_eq!(
            (row.expected_cost_msek, row.npv_total_effect_msek),
            (0.0, 0.0),
            "{}",
            row.area
        );
    }
}
