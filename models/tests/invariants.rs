//! Invariants of the model and the run, property-tested (proptest) over perturbed scenarios
//! and random draws:
//! - the per-kommun joint costs add up to the total joint cost in every run and year;
//! - runs evaluated side by side (`Model::evaluate_lanes`, vector instructions) give each
//!   run's outcome to the bit, as evaluated alone;
//! - with all uncertainty removed every percentile equals the deterministic tables value;
//! - raising any saving never lowers any kommun's net benefit on the same draws, and raising
//!   any establishment cost never raises it;
//! - the same seed gives the same result on any thread count and for any split of the chunks
//!   merged with `RunResult::merge` (what shards do).

use models::{Field, Model, NO_PAYBACK, RunResult, Scenario, simulate};
use proptest::prelude::*;
use sim::{DistSpec, QuantileSketch, RunPlan};

/// Scenario perturbations: key shares, the baseline split and the transition weights.
#[derive(Debug, Clone)]
struct Perturb {
    /// Per key (cost_share, population, users) and kommun: a factor on the default share.
    share_factors: Vec<[f64; 4]>,
    /// Per key and kommun: jitter after normalising to 100 (rounding in a real file).
    jitter: Vec<[f64; 4]>,
    baseline: usize,
    transition_cost_share_pct: f64,
}

fn perturb() -> impl Strategy<Value = Perturb> {
    (
        proptest::collection::vec(proptest::array::uniform4(0.3f64..3.0), 3),
        proptest::collection::vec(proptest::array::uniform4(-0.012f64..0.012), 3),
        0usize..4,
        0.0f64..=100.0,
    )
        .prop_map(|(share_factors, jitter, baseline, t)| Perturb {
            share_factors,
            jitter,
            baseline,
            transition_cost_share_pct: t,
        })
}

fn scenario(p: &Perturb) -> Scenario {
    let mut s = Scenario::default_ggvv();
    for (ki, key) in ["cost_share", "population", "users"].iter().enumerate() {
        let shares = &mut s.keys.get_mut(*key).unwrap().shares_pct;
        let names: Vec<String> = shares.keys().cloned().collect();
        let raw: Vec<f64> = names
            .iter()
            .enumerate()
            .map(|(i, n)| shares[n] * p.share_factors[ki][i])
            .collect();
        let sum: f64 = raw.iter().sum();
        for (i, n) in names.iter().enumerate() {
            shares.insert(n.clone(), raw[i] / sum * 100.0 + p.jitter[ki][i]);
        }
    }
    s.baseline.split = ["cost_share", "population", "users", "own_costs"][p.baseline].to_string();
    let t = &mut s.allocation.transition_weights_pct;
    t.clear();
    t.insert("cost_share".into(), p.transition_cost_share_pct);
    t.insert("population".into(), 100.0 - p.transition_cost_share_pct);
    s
}

/// A draw inside every input's range: `u` in [0, 1) per input.
fn draw(model: &Model, u: &[f64]) -> Vec<f64> {
    model
        .inputs()
        .iter()
        .zip(u)
        .map(|(i, &u)| {
            assert!(i.lo.is_finite() && i.hi.is_finite(), "default inputs are bounded");
            i.lo + u * (i.hi - i.lo)
        })
        .collect()
}

fn n_inputs() -> usize {
    Model::new(&Scenario::default_ggvv()).unwrap().inputs().len()
}

fn slots(model: &Model, pred: impl Fn(&str) -> bool) -> Vec<usize> {
    model
        .input_names()
        .iter()
        .enumerate()
        .filter(|(_, n)| pred(n))
        .map(|(i, _)| i)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn kommun_joint_costs_add_up_to_the_total(
        p in perturb(),
        draws in proptest::collection::vec(proptest::collection::vec(0.0f64..1.0, n_inputs()), 1..8),
    ) {
        let model = Model::new(&scenario(&p)).unwrap();
        let (k_count, n) = (model.kommuner().len(), model.years().len());
        let mut o = model.new_outcome();
        for u in &draws {
            model.evaluate(&draw(&model, u), &mut o);
            for t in 0..n {
                let sum: f64 = (0..k_count).map(|k| o.joint[k * n + t]).sum();
                let total = o.joint_total[t];
                prop_assert!(
                    (sum - total).abs() <= 1e-9 * total.abs().max(1.0),
                    "year {}: kommuner sum to {sum}, total {total}", model.years()[t]
                );
                let current: f64 = (0..k_count).map(|k| o.current[k * n + t]).sum();
                let net: f64 = (0..k_count).map(|k| o.net[k * n + t]).sum();
                prop_assert!((current - sum - net).abs() <= 1e-9 * current.abs().max(1.0));
            }
        }
    }

    #[test]
    fn runs_evaluated_side_by_side_equal_runs_evaluated_alone(
        p in perturb(),
        mitigate in any::<bool>(),
        draws in proptest::collection::vec(proptest::collection::vec(0.0f64..1.0, n_inputs()), 2..40),
    ) {
        let mut s = scenario(&p);
        if let Some(reg) = &mut s.risk_register {
            reg.risks.iter_mut().for_each(|r| r.mitigation.applied = mitigate);
        }
        let model = Model::new(&s).unwrap();
        let (k_count, n) = (model.kommuner().len(), model.years().len());
        let xs: Vec<Vec<f64>> = draws.iter().map(|u| draw(&model, u)).collect();
        // Input-major columns, as the run loop keeps them.
        let columns: Vec<Vec<f64>> = (0..xs[0].len()).map(|i| xs.iter().map(|x| x[i]).collect()).collect();
        let mut lanes = model.new_lanes(64);
        model.evaluate_lanes(|i| &columns[i], xs.len(), &mut lanes);
        prop_assert_eq!(lanes.len(), xs.len());
        let mut o = model.new_outcome();
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
        for (j, x) in xs.iter().enumerate() {
            model.evaluate(x, &mut o);
            let rows = |field: Field, v: &[f64]| (0..v.len()).all(|i| same(lanes.row(field, i)[j], v[i]));
            prop_assert!(rows(Field::Current, &o.current), "run {j}: current");
            prop_assert!(rows(Field::Joint, &o.joint), "run {j}: joint");
            prop_assert!(rows(Field::Net, &o.net), "run {j}: net");
            prop_assert!(rows(Field::Npv, &o.npv), "run {j}: npv");
            prop_assert!(rows(Field::JointTotal, &o.joint_total), "run {j}: joint total");
            prop_assert!(rows(Field::Extras, o.establishment_by_year()), "run {j}: extras");
            prop_assert!(same(lanes.row(Field::Establishment, 0)[j], o.establishment_msek));
            prop_assert!(same(lanes.row(Field::Duration, 0)[j], o.duration_months));
            prop_assert!(same(lanes.row(Field::SavingShareFull, 0)[j], o.saving_share_full));
            prop_assert!(same(lanes.row(Field::StaffSaving, 0)[j], o.staff_saving));
            for k in 0..=k_count {
                let year = lanes.payback_year(k)[j];
                prop_assert_eq!((year != NO_PAYBACK).then_some(year), o.payback_year[k], "run {}: payback {}", j, k);
            }
            // The sums over kommuner the statistics take.
            let npv_sum: f64 = o.npv.iter().fold(0.0, |a, b| a + b);
            prop_assert!(same(lanes.row(Field::NpvSum, 0)[j], npv_sum));
            for t in 0..n {
                let sum = |v: &[f64]| (0..k_count).fold(0.0, |a, k| a + v[k * n + t]);
                prop_assert!(same(lanes.row(Field::NetSum, t)[j], sum(&o.net)), "run {j}: net sum {t}");
                prop_assert!(same(lanes.row(Field::JointSum, t)[j], sum(&o.joint)), "run {j}: joint sum {t}");
            }
        }
    }

    #[test]
    fn raising_a_saving_never_lowers_and_raising_a_cost_never_raises_net_benefit(
        p in perturb(),
        u in proptest::collection::vec(0.0f64..1.0, n_inputs()),
        which in any::<proptest::sample::Index>(),
        step in 0.01f64..1.0,
    ) {
        let model = Model::new(&scenario(&p)).unwrap();
        let x = draw(&model, &u);
        let (mut base, mut moved) = (model.new_outcome(), model.new_outcome());
        model.evaluate(&x, &mut base);
        let tol = |a: f64| 1e-9 * a.abs().max(1.0);
        // Savings: the posts' rates and the staffing ratios (more served per FTE, fewer FTE).
        let savings = slots(&model, |n| n.ends_with("rate_pct") || n.ends_with("per_fte"));
        let s = savings[which.index(savings.len())];
        let mut y = x.clone();
        y[s] += step * (model.inputs()[s].hi - model.inputs()[s].lo);
        model.evaluate(&y, &mut moved);
        for (i, (a, b)) in base.net.iter().zip(&moved.net).enumerate() {
            prop_assert!(*b >= a - tol(*a), "{} up: net[{i}] {a} -> {b}", model.input_names()[s]);
        }
        for (a, b) in base.npv.iter().zip(&moved.npv) {
            prop_assert!(*b >= a - tol(*a), "{} up: npv {a} -> {b}", model.input_names()[s]);
        }
        // Establishment costs: labour, parallel running, one-off items, reference-class overrun.
        let costs = slots(&model, |n| n.ends_with("_msek") || n.ends_with("_msek_per_year") || n.ends_with("reference_class_overrun_pct"));
        let c = costs[which.index(costs.len())];
        let mut y = x.clone();
        y[c] += step * (model.inputs()[c].hi - model.inputs()[c].lo);
        model.evaluate(&y, &mut moved);
        let (bi, mi) = (base.establishment_inside_msek, moved.establishment_inside_msek);
        prop_assert!(mi >= bi - tol(bi), "{} up: inside view {bi} -> {mi}", model.input_names()[c]);
        // With the outside view as headline, an inside-view item only re-times the headline
        // cost (its level is the reference class's): the headline total stays, and a year's net
        // benefit may rise as cost moves to another year. Its overrun raises every year's cost.
        let overrun = model.input_names()[c].ends_with("reference_class_overrun_pct");
        if overrun || model.headline_view() == models::HeadlineView::Inside {
            prop_assert!(moved.establishment_msek >= base.establishment_msek - tol(base.establishment_msek));
            for (i, (a, b)) in base.net.iter().zip(&moved.net).enumerate() {
                prop_assert!(*b <= a + tol(*a), "{} up: net[{i}] {a} -> {b}", model.input_names()[c]);
            }
            for (a, b) in base.npv.iter().zip(&moved.npv) {
                prop_assert!(*b <= a + tol(*a), "{} up: npv {a} -> {b}", model.input_names()[c]);
            }
        } else {
            prop_assert_eq!(moved.establishment_msek.to_bits(), base.establishment_msek.to_bits());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn without_uncertainty_every_percentile_is_the_tables_value(
        p in perturb(),
        u in proptest::collection::vec(0.0f64..1.0, n_inputs()),
        seed in any::<u64>(),
        runs in 1u64..6000,
    ) {
        let mut s = scenario(&p);
        // Every input fixed at a value drawn inside its range.
        let model = Model::new(&s).unwrap();
        let fixed = draw(&model, &u);
        let mut i = 0;
        // Fixed values cannot be correlated.
        s.correlation = None;
        s.for_each_input_mut(|_, d| {
            *d = DistSpec::Fixed { value: fixed[i] };
            i += 1;
        });
        let model = Model::new(&s).unwrap();
        let tables = model.point_tables();
        let plan = RunPlan::new(runs, seed, 2).unwrap();
        let r = simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
        prop_assert_eq!(r.runs, runs);
        let n = r.years.len();
        let close = |q: f64, v: f64| (q - v).abs() <= v.abs() * QuantileSketch::RELATIVE_ACCURACY + QuantileSketch::ZERO_BAND;
        for (k, name) in r.kommuner.iter().enumerate() {
            for (t, year) in tables.years.iter().enumerate() {
                for (stats, table, what) in [(&r.net_yearly, &tables.difference, "net"), (&r.joint_yearly, &tables.joint, "joint")] {
                    let v = table[k][t];
                    let sm = stats[k * n + t].summary();
                    for q in [sm.min, sm.p5, sm.p10, sm.p25, sm.p50, sm.p75, sm.p80, sm.p90, sm.p95, sm.max] {
                        prop_assert!(close(q, v), "{name} {year} {what}: percentile {q} vs table {v}");
                    }
                    prop_assert!((sm.mean - v).abs() <= 1e-6 * v.abs().max(1.0), "{name} {year} {what}: mean {} vs {v}", sm.mean);
                }
            }
        }
        let e = r.establishment.summary();
        for q in [e.p5, e.p50, e.p95] {
            prop_assert!(close(q, tables.establishment_msek), "establishment {q} vs {}", tables.establishment_msek);
        }
    }

    #[test]
    fn same_seed_same_result_on_any_thread_count_and_chunk_split(
        seed in any::<u64>(),
        runs in 1u64..(3 * sim::CHUNK_RUNS + 100),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..3),
        threads in 1usize..4,
    ) {
        let model = Model::new(&Scenario::default_ggvv()).unwrap();
        let budget = model.reference_estimate_msek();
        let whole = |threads: usize| {
            let plan = RunPlan::new(runs, seed, threads).unwrap();
            simulate(&model, &plan, 0..plan.chunks(), budget).unwrap()
        };
        let one = whole(1);
        prop_assert_eq!(one.runs, runs);
        prop_assert_eq!(&one, &whole(threads));
        // Split the chunks at random places, run the parts separately and merge them.
        let plan = RunPlan::new(runs, seed, threads).unwrap();
        let chunks = plan.chunks();
        let mut bounds: Vec<u64> = cuts.iter().map(|c| c.index(chunks as usize + 1) as u64).collect();
        bounds.extend([0, chunks]);
        bounds.sort_unstable();
        bounds.dedup();
        let mut merged: Option<RunResult> = None;
        for w in bounds.windows(2).rev() {
            let part = simulate(&model, &plan, w[0]..w[1], budget).unwrap();
            match &mut merged {
                None => merged = Some(part),
                Some(m) => m.merge(&part),
            }
        }
        prop_assert_eq!(&one, &merged.unwrap());
    }
}
