//! Every analysis has one shape (`Analysis::run` with an `AnalysisPlan`) and draws the run's
//! own inputs: sensitivity and compare checked against `simulate` on the same draws, and the
//! plan's checks.

use models::analysis::{Analysis, AnalysisError, AnalysisPlan, if_present};
use models::compare::CompareAnalysis;
use models::decision::KeysAnalysis;
use models::sensitivity::SensitivityAnalysis;
use models::{Model, Scenario};
use sim::{RunPlan, Sampling};

#[test]
fn a_plan_without_runs_is_refused_and_a_missing_section_is_absent() {
    assert!(matches!(AnalysisPlan::new(0, 1), Err(AnalysisError::Plan(_))));
    let mut s = Scenario::default_ggvv();
    s.decision = None;
    let model = Model::new(&s).unwrap();
    let r = if_present(KeysAnalysis.run(&s, &model, &AnalysisPlan::new(10, 1).unwrap()));
    assert!(matches!(r, Ok(None)));
}

#[test]
fn the_sensitivity_sample_is_the_runs_own_draws() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let (runs, seed) = (2000, 31);
    let r = SensitivityAnalysis { sobol_n: 16 }
        .run(&s, &model, &AnalysisPlan::new(runs, seed).unwrap())
        .unwrap();
    let plan = RunPlan::new(runs, seed, 1).unwrap();
    let run = models::simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
    for (k, p) in r.prob_net_loss.iter().enumerate() {
        assert_eq!(*p, run.net_loss[k].p(), "kommun {k}");
    }
}

#[test]
fn a_scenario_compared_with_a_changed_copy_differs_by_the_runs_means() {
    let a = Scenario::default_ggvv();
    let mut b = a.clone();
    b.savings_capture_pct = 80.0;
    let (ma, mb) = (Model::new(&a).unwrap(), Model::new(&b).unwrap());
    let (runs, seed) = (8192, 2);
    let plan = AnalysisPlan::new(runs, seed)
        .unwrap()
        .with_threads(2)
        .with_sampling(Sampling::LatinHypercube);
    let r = CompareAnalysis {
        b: &mb,
        names: ("a", "b"),
    }
    .run(&a, &ma, &plan)
    .unwrap();
    let engine = RunPlan::new(runs, seed, 1).unwrap();
    let lhs = models::RunOptions {
        sampling: Sampling::LatinHypercube,
    };
    let mean = |m: &Model, k: usize| {
        models::simulate_with(m, &engine, 0..engine.chunks(), m.reference_estimate_msek(), lhs)
            .unwrap()
            .npv[k]
            .moments
            .mean()
    };
    for (k, p) in r.kommuner.iter().enumerate() {
        let (x, y) = (mean(&ma, k), mean(&mb, k));
        assert!((p.npv_mean_a - x).abs() < 1e-9 * (1.0 + x.abs()), "{}", p.name);
        assert!((p.npv_mean_b - y).abs() < 1e-9 * (1.0 + y.abs()), "{}", p.name);
        assert!(p.difference.mean > 0.0, "{}: more capture is better", p.name);
    }
    assert_eq!(r.sampling, "lhs");
}
