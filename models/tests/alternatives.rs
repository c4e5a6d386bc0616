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
        joint_organisation: true,
        risk_areas: vec![],
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
        joint_organisation: true,
        risk_areas: vec![],
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
        joint_organisation: true,
        risk_areas: vec![],
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

/// Alternative S has no joint organisation (seed 001 3.2.1): no population key, no joint data
/// centre's risks; the other alternatives keep both.
#[test]
fn alternative_s_has_no_population_key_and_no_data_centre_risks() {
    let s = Scenario::default_ggvv();
    let (without, with): (Vec<&Alternative>, Vec<&Alternative>) =
        s.alternatives.iter().partition(|a| !a.joint_organisation);
    assert_eq!(
        without.len(),
        1,
        "the default has one alternative without a joint organisation (S)"
    );
    let a = without[0];
    assert!(a.name.starts_with("S "), "{}", a.name);
    let v = apply(&s, a);
    let own = [(models::scenario::OWN_COSTS_KEY.to_string(), 100.0)].into();
    for w in [
        &v.allocation.establishment_weights_pct,
        &v.allocation.transition_weights_pct,
        &v.allocation.full_effect_weights_pct,
    ] {
        assert_eq!(w, &own);
    }
    let reg = v.risk_register.as_ref().unwrap();
    for r in &reg.risks {
        let kept = a.risk_areas.contains(&r.area);
        assert_eq!(r.existing.probability_pct > 0.0, kept, "{}", r.area);
        assert!(kept || r.new.probability_pct == 0.0, "{}", r.area);
    }
    assert!(
        !a.risk_areas
            .iter()
            .any(|x| x.contains("Ekonomi och investeringar") || x.contains("Drift"))
    );
    for b in with {
        let vb = apply(&s, b);
        assert_eq!(vb.allocation, s.allocation, "{}", b.name);
        assert_eq!(vb.risk_register, s.risk_register, "{}", b.name);
    }
    // Switching risks off never raises the one-off cost, run by run on the same draws.
    let mut joint = a.clone();
    joint.joint_organisation = true;
    joint.risk_areas.clear();
    let (lone, together) = (per_run(&v, 3000), per_run(&apply(&s, &joint), 3000));
    assert!(lone.iter().zip(&together).all(|(x, y)| x.1 <= y.1));
    assert!(lone.iter().zip(&together).any(|(x, y)| x.1 < y.1));
}

#[test]
fn an_alternative_keeping_an_unknown_risk_area_is_refused_by_name() {
    let mut s = Scenario::default_ggvv();
    let i = s.alternatives.iter().position(|a| !a.joint_organisation).unwrap();
    s.alternatives[i].risk_areas.push("Vädret".into());
    let model = Model::new(&s).unwrap();
    let e = AlternativesAnalysis
        .run(&s, &model, &AnalysisPlan::new(100, 1).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("alternatives[{i}].risk_areas[2]")) && e.contains("Vädret"),
        "{e}"
    );
    let mut s = Scenario::default_ggvv();
    s.alternatives[i].joint_organisation = true;
    assert!(s.validate().unwrap_err().to_string().contains("risk_areas"));
}
