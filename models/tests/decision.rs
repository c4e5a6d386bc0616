//! Accounting identities of the decision analyses.

use models::decision::{KeyPath, compare_keys, compare_organisation, key_paths, npv_under};
use models::{Model, Scenario};
use sim::RunPlan;

fn setup() -> (Scenario, Model, models::scenario::DecisionSettings) {
    let s = Scenario::default_ggvv();
    let m = Model::new(&s).unwrap();
    let d = s.decision.clone().unwrap();
    (s, m, d)
}

#[test]
fn the_default_path_reproduces_the_models_own_npv() {
    let (s, model, d) = setup();
    let default = &key_paths(&s, &d)[0];
    let plan = RunPlan::new(3000, 5, 1).unwrap();
    let mut npv = vec![0.0; 4];
    models::run::for_each_run(&model, &plan, 0..plan.chunks(), |_, _, o| {
        npv_under(&model, o, default, &mut npv);
        for (a, b) in npv.iter().zip(&o.npv) {
            assert!((a - b).abs() < 1e-9, "{a} vs {b}");
        }
        true
    });
}

#[test]
fn keys_move_money_between_kommuner_but_never_change_the_total() {
    let (s, model, d) = setup();
    let r = compare_keys(&s, &model, &d, 20_000, 9);
    assert!(r.options.len() >= 8);
    assert!(r.max_total_discrepancy_msek < 1e-9, "{}", r.max_total_discrepancy_msek);
    for opt in &r.options {
        // What one kommun gains, the others lose: the mean changes add up to zero.
        let sum: f64 = opt.change.iter().map(|c| c.mean).sum();
        assert!(sum.abs() < 1e-6, "{}: {sum}", opt.name);
        assert!((opt.total_npv_mean - r.options[0].total_npv_mean).abs() < 1e-6);
    }
    // The default compared with itself: exactly zero change, never better.
    let first = &r.options[0];
    assert!(
        first
            .change
            .iter()
            .all(|c| c.mean == 0.0 && c.p5 == 0.0 && c.p95 == 0.0)
    );
    assert!(first.prob_better.iter().all(|&p| p == 0.0));
}

#[test]
fn identical_options_compare_as_exactly_equal() {
    let (s, model, d) = setup();
    let paths = key_paths(&s, &d);
    let twin = KeyPath {
        name: "twin".into(),
        ..paths[0].clone()
    };
    let plan = RunPlan::new(2000, 1, 1).unwrap();
    let (mut a, mut b) = (vec![0.0; 4], vec![0.0; 4]);
    models::run::for_each_run(&model, &plan, 0..plan.chunks(), |_, _, o| {
        npv_under(&model, o, &paths[0], &mut a);
        npv_under(&model, o, &twin, &mut b);
        assert_eq!(a, b);
        true
    });
}

#[test]
fn ab_tax_is_zero_at_cost_and_grows_with_the_markup() {
    let (s, model, d) = setup();
    let r = compare_organisation(&s, &model, &d, 5000, 2, model.budget_msek());
    assert_eq!(r.rows[0].ab_markup_pct, 0.0);
    assert!(r.rows[0].tax_cost_npv.iter().all(|t| t.mean == 0.0));
    let at2: f64 = r.rows[1].tax_cost_npv.iter().map(|t| t.mean).sum();
    let at5: f64 = r.rows[2].tax_cost_npv.iter().map(|t| t.mean).sum();
    assert!(at2 > 0.0 && (at5 / at2 - 2.5).abs() < 1e-9, "{at2} {at5}");
    // Liability: the förbund shares add up to the whole overrun; the AB exposure to the capital.
    let shares: f64 = r.forbund_share_msek.iter().sum();
    assert!((shares - r.overrun_p95_msek).abs() < 1e-9);
    let capital: f64 = r.ab_exposure_msek.iter().sum();
    assert!((capital - d.organisation.ab_share_capital_msek).abs() < 1e-9);
}

#[test]
fn data_centre_compensation_only_moves_money_to_the_owner() {
    let (s, model, d) = setup();
    let r = models::decision::compare_data_centre(&s, &model, &d, 5000, 4).unwrap();
    let t: Vec<f64> = r.options.iter().map(|o| o.total_npv_mean).collect();
    // Valuation, book value and reduced fee are transfers: the GGVV total is the same.
    assert!((t[0] - t[1]).abs() < 1e-9 && (t[0] - t[2]).abs() < 1e-6, "{t:?}");
    // The owner gains more from a higher price; the others lose exactly what it gains net.
    let owner = 0;
    assert!(r.options[1].change[owner].mean < 0.0);
    let others: f64 = (1..4).map(|i| r.options[1].change[i].mean).sum();
    assert!((others + r.options[1].change[owner].mean).abs() < 1e-9);
}

#[test]
fn an_exit_after_the_horizon_is_a_pure_transfer_of_the_leaving_fee() {
    let (s, model, mut d) = setup();
    let ms = d.membership.as_mut().unwrap();
    ms.exit_notice_year = *model.years().last().unwrap();
    ms.notice_years = 1;
    let r = models::decision::compare_membership(&s, &model, &d, 3000, 6).unwrap();
    let sum: f64 = r.exit_change.iter().map(|c| c.mean).sum();
    assert!(sum.abs() < 1e-9, "{sum}");
    let leaver = r.kommuner.iter().position(|k| *k == r.exit_kommun).unwrap();
    assert!(r.exit_change[leaver].mean < 0.0);
}
