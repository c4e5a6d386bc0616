//! Follow-up: conditioning on actuals narrows or shifts the forecast as it should.

use models::analysis::{Analysis, AnalysisError, AnalysisPlan};
use models::followup::{Actuals, Followup, FollowupAnalysis, Spend};
use models::{Model, Scenario};
use sim::RunPlan;

/// Condition `runs` draws from `seed` on `actuals`, against `budget_msek`.
fn followup(
    s: &Scenario,
    model: &Model,
    actuals: &Actuals,
    runs: u64,
    seed: u64,
    budget_msek: f64,
) -> Result<Followup, AnalysisError> {
    let plan = AnalysisPlan::new(runs, seed).unwrap().with_estimate_msek(budget_msek)?;
    FollowupAnalysis { actuals }.run(s, model, &plan)
}

fn point_spend(model: &Model) -> Vec<(i32, f64)> {
    let mut o = model.new_outcome();
    model.evaluate(&model.point_values(), &mut o);
    model
        .years()
        .iter()
        .copied()
        .zip(o.establishment_by_year().iter().copied())
        .filter(|(y, _)| (2027..=2029).contains(y))
        .collect()
}

fn actuals(spend: &[(i32, f64)]) -> Actuals {
    Actuals {
        tolerance_pct: 10.0,
        tolerance_min_msek: 0.5,
        tolerance_months: 1.5,
        spend: spend
            .iter()
            .map(|&(year, v)| Spend {
                year,
                establishment_msek: v,
            })
            .collect(),
        milestones: vec![],
    }
}

#[test]
fn actuals_on_the_plan_narrow_the_forecast_around_it() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let budget = model.reference_estimate_msek();
    let path = point_spend(&model);
    let f = followup(&s, &model, &actuals(&path), 400_000, 3, budget).unwrap();
    assert!(f.accepted >= 500);
    let (b, a) = (&f.establishment_before, &f.establishment_after);
    assert!(a.sd < 0.5 * b.sd, "sd before {} after {}", b.sd, a.sd);
    assert!(a.p90 - a.p10 < 0.5 * (b.p90 - b.p10));
    assert!(
        (a.p50 - budget).abs() < (b.p50 - budget).abs(),
        "P50 before {} after {} plan {budget}",
        b.p50,
        a.p50
    );
    // The corridor is cumulative, so it never falls; both observed years carry a status.
    assert!(
        f.corridor
            .windows(2)
            .all(|w| w[1].p10_msek >= w[0].p10_msek && w[1].p90_msek >= w[0].p90_msek)
    );
    assert_eq!(f.corridor.iter().filter(|c| c.status.is_some()).count(), 3);
}

#[test]
fn an_overrun_to_date_shifts_the_forecast_up_and_is_flagged() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let budget = model.reference_estimate_msek();
    // Every year so far at twice the plan: a project in the reference class's tail (the outside
    // view, the default headline, scales every year of a run alike).
    let over: Vec<(i32, f64)> = point_spend(&model).into_iter().map(|(y, v)| (y, 2.0 * v)).collect();
    // Allow 20 % around the actuals: the runs' timing varies the split over the years.
    let a = Actuals {
        tolerance_pct: 20.0,
        ..actuals(&over)
    };
    let f = followup(&s, &model, &a, 400_000, 3, budget).unwrap();
    assert!(
        f.establishment_after.p50 > f.establishment_before.p50 + 5.0,
        "{} vs {}",
        f.establishment_after.p50,
        f.establishment_before.p50
    );
    assert!(f.prob_cost_above_estimate_after > 0.99);
    let flagged = f.corridor.iter().find(|c| c.year == 2029).unwrap();
    assert_eq!(flagged.status, Some("above"), "{flagged:?}");
}

#[test]
fn impossible_actuals_are_refused() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let f = followup(&s, &model, &actuals(&[(2027, 500.0)]), 20_000, 3, 28.7);
    assert!(matches!(f, Err(AnalysisError::TooFewRuns(_))), "{f:?}");
}

#[test]
fn the_forecast_before_conditioning_is_the_runs_own() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let (runs, seed) = (20_000, 4);
    // Loose actuals keep every run: then "after" is "before" too.
    let a = Actuals {
        tolerance_pct: 1e6,
        ..actuals(&point_spend(&model))
    };
    let f = followup(&s, &model, &a, runs, seed, model.reference_estimate_msek()).unwrap();
    assert_eq!(f.accepted, runs);
    let plan = RunPlan::new(runs, seed, 1).unwrap();
    let run = models::simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs());
    assert!(close(f.establishment_before.mean, run.establishment.moments.mean()));
    assert!(close(f.duration_months_before.mean, run.duration_months.moments.mean()));
    assert_eq!(f.prob_cost_above_estimate_after, run.cost.above_estimate.p());
    for (k, kf) in f.kommuner.iter().enumerate() {
        assert_eq!(kf.prob_net_loss_before, run.net_loss[k].p(), "{}", kf.name);
        assert_eq!(kf.prob_net_loss_after, kf.prob_net_loss_before);
        assert!(close(kf.npv_before.mean, run.npv[k].moments.mean()));
    }
}

#[test]
fn actuals_file_is_validated_against_the_scenario() {
    let s = Scenario::default_ggvv();
    let ok = "[[spend]]\nyear = 2027\nestablishment_msek = 5.0\n[[milestones]]\nphase = \"Etablera och styra\"\ncompleted_month = 12\n";
    assert!(Actuals::from_toml(ok, "a.toml", &s).is_ok());
    let e = Actuals::from_toml(&ok.replace("Etablera och styra", "Nope"), "a.toml", &s).unwrap_err();
    assert_eq!(e.path, "milestones[0].phase");
    let e = Actuals::from_toml(&ok.replace("2027", "2020"), "a.toml", &s).unwrap_err();
    assert_eq!(e.path, "spend[0].year");
    let e = Actuals::from_toml(
        "[[spend]]\nyear = 2027\nestablishment_msek = 5.0\nfoo = 1\n",
        "a.toml",
        &s,
    )
    .unwrap_err();
    assert!(e.problem.contains("unknown field"), "{e}");
}
