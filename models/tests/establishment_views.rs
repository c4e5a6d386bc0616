//! The establishment cost's two views (issue 19): the outside view is the förstudie's estimate
//! times (1 + the reference class's overrun), the inside view the bottom-up items; the headline
//! takes one of them, never both stacked. Checked against independent truths: the point values,
//! and the reference-class mixture's law written out here with `statrs`.

use models::{HeadlineView, Model, Scenario, simulate};
use sim::RunPlan;
use statrs::distribution::{ContinuousCDF, Normal};

/// The default's reference class (ggvv.toml): 5/6 a normal(−8, 15) truncated below at −50,
/// 1/6 a Pareto from 70 with index 1, capped at 500 (an atom at the cap).
const TAIL_PROB: f64 = 0.1667;
const BODY: (f64, f64, f64) = (-8.0, 15.0, -50.0);
const TAIL: (f64, f64, f64) = (70.0, 1.0, 500.0);

/// P(O ≤ o), percent overrun, by the law's definition.
fn overrun_cdf(o: f64) -> f64 {
    let (mean, sd, min) = BODY;
    let n = Normal::new(mean, sd).unwrap();
    let body = if o < min {
        0.0
    } else {
        (n.cdf(o) - n.cdf(min)) / (1.0 - n.cdf(min))
    };
    let (scale, alpha, cap) = TAIL;
    let tail = if o < scale {
        0.0
    } else if o >= cap {
        1.0
    } else {
        1.0 - (scale / o).powf(alpha)
    };
    (1.0 - TAIL_PROB) * body + TAIL_PROB * tail
}

fn default_model() -> Model {
    let s = Scenario::default_ggvv();
    assert_eq!(s.establishment.headline_view, HeadlineView::Outside);
    Model::new(&s).unwrap()
}

#[test]
fn at_point_values_the_outside_view_is_the_forstudies_estimate() {
    let model = default_model();
    let e_ref = model.reference_estimate_msek();
    let mut o = model.new_outcome();
    model.evaluate(&model.point_values(), &mut o);
    // Left out of the scenario, the estimate is the inside view at point values, so the two
    // views and the headline agree to the bit there (the overrun's point is 0).
    assert_eq!(o.establishment_outside_msek.to_bits(), e_ref.to_bits());
    assert_eq!(o.establishment_inside_msek.to_bits(), e_ref.to_bits());
    assert_eq!(o.establishment_msek.to_bits(), e_ref.to_bits());
    assert!((e_ref - 28.71).abs() < 0.01, "{e_ref}");
    // An estimate given in the scenario is the outside view at point values, and its yearly
    // costs (the inside view's timing) add up to it.
    let mut s = Scenario::default_ggvv();
    s.establishment.reference_estimate_msek = Some(30.0);
    let m = Model::new(&s).unwrap();
    m.evaluate(&m.point_values(), &mut o);
    assert_eq!(o.establishment_outside_msek, 30.0);
    assert_eq!(o.establishment_msek, 30.0);
    let by_year: f64 = o.establishment_by_year().iter().sum();
    assert!((by_year - 30.0).abs() < 1e-9, "{by_year}");
}

#[test]
fn the_named_one_offs_at_their_modes_lie_inside_the_forstudies_range() {
    // Seed 000 4.4: "omkring 20-40 miljoner kronor" for the whole one-off cost; the one-offs
    // the förstudie names but does not price go inside it at their most likely values.
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let mut x = model.point_values();
    let mut modes = 0.0;
    for (i, o) in s.establishment.one_off.iter().enumerate() {
        let sim::DistSpec::Pert { mode, .. } = o.amount_msek else {
            panic!("one-off {i} is not a PERT")
        };
        let slot = model
            .input_names()
            .iter()
            .position(|n| *n == format!("establishment.one_off[{i}].amount_msek"))
            .unwrap();
        x[slot] = mode;
        modes += mode;
    }
    assert_eq!(modes, 1.75);
    let mut o = model.new_outcome();
    model.evaluate(&x, &mut o);
    let inside = o.establishment_inside_msek;
    assert!(
        (inside - (model.reference_estimate_msek() + 1.75)).abs() < 1e-9,
        "{inside}"
    );
    assert!((20.0..=40.0).contains(&inside), "{inside}");
    // Not on top of the outside view: its base stays the förstudie's estimate.
    assert_eq!(o.establishment_outside_msek, model.reference_estimate_msek());
    assert_eq!(s.establishment.reference_range_msek, Some([20.0, 40.0]));
}

/// The outside view's sample against the mixture law: the empirical CDF at a grid of costs within
/// 4.5 binomial standard errors of F, and the Kolmogorov–Smirnov distance below its 0.1 %
/// critical value (conservative for a law with atoms). Also: the run's P(cost < 20) and
/// P(cost > 40) are the sample's own shares, and agree with the law.
#[test]
fn the_outside_view_follows_the_reference_class_law() {
    let model = default_model();
    let e_ref = model.reference_estimate_msek();
    let runs = 60_000u64;
    let plan = RunPlan::new(runs, 20_270_101, 2).unwrap();
    let mut costs = Vec::with_capacity(runs as usize);
    models::run::for_each_run(&model, &plan, 0..plan.chunks(), |_, _, o| {
        costs.push(o.establishment_outside_msek);
        assert_eq!(o.establishment_msek, o.establishment_outside_msek);
        true
    });
    let n = costs.len() as f64;
    // C ≤ c  ⇔  O ≤ 100 (c / E − 1).
    let law = |c: f64| overrun_cdf(100.0 * (c / e_ref - 1.0));
    costs.sort_by(f64::total_cmp);
    let mut ks: f64 = 0.0;
    // Below the cap the law is continuous (its atom at the cap is checked on its own below).
    for (i, &c) in costs.iter().enumerate().take_while(|(_, c)| **c < 6.0 * e_ref) {
        let f = law(c);
        ks = ks.max((f - i as f64 / n).abs()).max(((i + 1) as f64 / n - f).abs());
    }
    assert!(ks < 1.95 / n.sqrt(), "KS distance {ks}");
    let share_le = |c: f64| costs.partition_point(|&x| x <= c) as f64 / n;
    for c in [15.0, 20.0, 25.0, 27.5, 30.0, 35.0, 40.0, 50.0, 60.0, 100.0, 170.0] {
        let (got, f) = (share_le(c), law(c));
        let se = (f * (1.0 - f) / n).sqrt().max(1.0 / n);
        assert!((got - f).abs() < 4.5 * se, "P(C ≤ {c}): {got} vs {f}");
    }
    // The cap is an atom: 1/6 × 70/500 of the runs cost exactly E × 6.
    let at_cap = costs.iter().filter(|&&c| c == e_ref * 6.0).count() as f64 / n;
    let p_cap = TAIL_PROB * TAIL.0 / TAIL.2;
    assert!(
        (at_cap - p_cap).abs() < 4.5 * (p_cap * (1.0 - p_cap) / n).sqrt(),
        "{at_cap}"
    );

    let r = simulate(&model, &plan, 0..plan.chunks(), e_ref).unwrap();
    let below = costs.iter().filter(|&&c| c < 20.0).count() as u64;
    let above = costs.iter().filter(|&&c| c > 40.0).count() as u64;
    let over = costs.iter().filter(|&&c| c > e_ref).count() as u64;
    assert_eq!(
        (r.cost_outside.below_range.hits, r.cost_outside.below_range.n),
        (below, runs)
    );
    assert_eq!(r.cost_outside.above_range.hits, above);
    assert_eq!(r.cost_outside.above_estimate.hits, over);
    // The headline is the outside view: the same counts.
    assert_eq!(r.cost, r.cost_outside);
    for (p, truth) in [
        (r.cost_outside.below_range.p(), law(20.0 - 1e-9)),
        (r.cost_outside.above_range.p(), 1.0 - law(40.0)),
    ] {
        let se = (truth * (1.0 - truth) / n).sqrt();
        assert!((p - truth).abs() < 4.5 * se, "{p} vs {truth}");
    }
}

#[test]
fn the_inside_view_headline_pays_the_bottom_up_cost() {
    let mut s = Scenario::default_ggvv();
    s.establishment.headline_view = HeadlineView::Inside;
    let inside = Model::new(&s).unwrap();
    let outside = default_model();
    let plan = RunPlan::new(3000, 5, 1).unwrap();
    let mut a = Vec::new();
    models::run::for_each_run(&inside, &plan, 0..plan.chunks(), |_, _, o| {
        assert_eq!(o.establishment_msek, o.establishment_inside_msek);
        a.push((o.establishment_inside_msek, o.establishment_outside_msek));
        true
    });
    // The same draws give the same two views whichever the headline takes.
    let mut i = 0;
    models::run::for_each_run(&outside, &plan, 0..plan.chunks(), |_, _, o| {
        assert_eq!((o.establishment_inside_msek, o.establishment_outside_msek), a[i]);
        let by_year: f64 = o.establishment_by_year().iter().sum();
        // Within the horizon the yearly costs carry the outside view's level.
        assert!(by_year <= o.establishment_outside_msek * (1.0 + 1e-12) + 1e-9);
        i += 1;
        true
    });
}

#[test]
fn a_schedule_uplift_with_the_outside_view_is_warned_about() {
    assert!(default_model().warnings().is_empty());
    let mut s = Scenario::default_ggvv();
    s.establishment.schedule_overrun_pct = sim::DistSpec::Pert {
        min: 0.0,
        mode: 2.0,
        max: 20.0,
        shape: None,
        point: Some(0.0),
    };
    let w = Model::new(&s).unwrap().warnings().to_vec();
    assert_eq!(w.len(), 1);
    assert!(w[0].contains("two corrections for the same optimism bias"), "{w:?}");
    s.establishment.headline_view = HeadlineView::Inside;
    assert!(Model::new(&s).unwrap().warnings().is_empty());
}

#[test]
fn the_old_budget_field_is_refused_with_a_fix() {
    let text = models::DEFAULT_SCENARIO.replace(
        "discount_rate_pct = 2.5\n",
        "discount_rate_pct = 2.5\nbudget_msek = 28.7\n",
    );
    let e = Scenario::from_toml(&text, "old.toml").unwrap_err();
    assert_eq!(e.path(), "finance.budget_msek");
    assert!(e.problem().contains("no longer read"), "{e}");
    assert!(e.hint().contains("reference_estimate_msek"), "{e}");
    // The overrun's old name still loads.
    let old = models::DEFAULT_SCENARIO.replace("reference_class_overrun_pct = {", "migration_overrun_pct = {");
    let s = Scenario::from_toml(&old, "old.toml").unwrap();
    assert_eq!(s, Scenario::default_ggvv());
}
