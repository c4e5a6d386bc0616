//! `riskkalkyl explain`: exact Shapley values over the input groups on common random numbers.
//! The laws pinned here hold for any scenario: no figure of the default is hard-coded.

use models::explain::{self, Explain, ExplainAnalysis, OutputKind, Statistic};
use models::{Analysis, AnalysisPlan, Model, Scenario, simulate};
use sim::dist::Input;
use sim::{DistSpec, RunPlan};

const SEED: u64 = 20270101;

fn explain_of(s: &Scenario, runs: u64) -> Explain {
    let model = Model::new(s).unwrap();
    ExplainAnalysis
        .run(s, &model, &AnalysisPlan::new(runs, SEED).unwrap())
        .unwrap()
}

/// `s` with every input fixed at its point value whose explain group or registry group is
/// one of `ids`.
fn fix_groups(s: &Scenario, ids: &[&str]) -> Scenario {
    let paths: Vec<String> = s
        .input_ids()
        .into_iter()
        .filter(|id| {
            let g = id.group(s);
            ids.contains(&g.id().as_str()) || ids.contains(&g.explain().id().as_str())
        })
        .map(|id| id.path())
        .collect();
    assert!(!paths.is_empty(), "no inputs in {ids:?}");
    let mut out = s.clone();
    // A fixed value cannot be correlated: take the fixed inputs out of the matrix.
    if let Some(c) = &mut out.correlation {
        let keep: Vec<usize> = (0..c.inputs.len()).filter(|&i| !paths.contains(&c.inputs[i])).collect();
        c.matrix = keep
            .iter()
            .map(|&i| keep.iter().map(|&j| c.matrix[i][j]).collect())
            .collect();
        c.inputs = keep.iter().map(|&i| c.inputs[i].clone()).collect();
        if c.inputs.len() < 2 {
            out.correlation = None;
        }
    }
    out.for_each_input_mut(|path, spec| {
        if paths.iter().any(|p| p == path) {
            let point = Input::new(spec).unwrap().point;
            *spec = DistSpec::Fixed { value: point };
        }
    });
    out
}

fn group_index(e: &Explain, id: &str) -> usize {
    e.groups
        .iter()
        .position(|g| g.id == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

#[test]
fn contributions_add_up_to_the_difference_for_every_output_and_statistic() {
    let e = explain_of(&Scenario::default_ggvv(), 50);
    assert_eq!(e.subsets, 1 << e.groups.len());
    // The headline one-off cost, the inside view beside it, each kommun's NPV and the total's.
    assert_eq!(e.outputs.len(), 2 + Scenario::default_ggvv().kommuner.len() + 1);
    for o in &e.outputs {
        assert_eq!(o.stats.len(), o.kind.statistics().len());
        for st in &o.stats {
            let sum: f64 = st.contributions.iter().sum();
            let scale = o.point.abs().max(st.simulated.abs()).max(1.0);
            assert!(
                (sum - st.difference).abs() <= 1e-9 * scale,
                "{} {:?}: Σ {sum} vs {}",
                o.id,
                st.stat,
                st.difference
            );
            assert_eq!(st.difference, st.simulated - o.point, "{} {:?}", o.id, st.stat);
        }
    }
    // Something is explained: the simulated median cost is not the point estimate.
    let cost = e.output("establishment_cost").unwrap();
    assert_ne!(cost.stat(Statistic::P50).unwrap().difference, 0.0);
}

#[test]
fn v_of_the_empty_set_is_the_forstudie_to_the_bit() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let e = explain_of(&s, 100);
    let tables = model.point_tables();
    let cost = e.output("establishment_cost").unwrap();
    assert_eq!(cost.point.to_bits(), tables.establishment_msek.to_bits());
    let o = models::model::reference::evaluate(&model, &model.point_values());
    for (k, name) in model.kommuner().iter().enumerate() {
        let npv = e.output(&format!("npv_{name}")).unwrap();
        assert_eq!(npv.point.to_bits(), o.npv[k].to_bits(), "{name}");
        assert_eq!(npv.kommun, *name);
    }
    let total = e.output("npv_total").unwrap().point;
    let sum: f64 = o.npv.iter().sum();
    assert!((total - sum).abs() < 1e-9, "{total} vs {sum}");
}

#[test]
fn the_simulated_statistics_are_the_run_on_the_same_draws() {
    let s = Scenario::default_ggvv();
    let model = Model::new(&s).unwrap();
    let runs = 300;
    let e = explain_of(&s, runs);
    let plan = RunPlan::new(runs, SEED, 1).unwrap();
    let r = simulate(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek()).unwrap();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let cost = e
        .output("establishment_cost")
        .unwrap()
        .stat(Statistic::Mean)
        .unwrap()
        .simulated;
    assert!(close(cost, r.establishment.moments.mean()), "{cost}");
    for (k, name) in model.kommuner().iter().enumerate() {
        let m = e
            .output(&format!("npv_{name}"))
            .unwrap()
            .stat(Statistic::Mean)
            .unwrap()
            .simulated;
        assert!(close(m, r.npv[k].moments.mean()), "{name}: {m}");
    }
}

#[test]
fn a_group_without_uncertainty_contributes_exactly_nothing() {
    let s = fix_groups(&Scenario::default_ggvv(), &["parallel_running"]);
    let e = explain_of(&s, 200);
    let g = group_index(&e, "parallel_running");
    assert!(!e.groups[g].uncertain && e.groups.iter().filter(|g| g.uncertain).count() > 1);
    for o in &e.outputs {
        for st in &o.stats {
            assert_eq!(st.contributions[g], 0.0, "{} {:?}", o.id, st.stat);
        }
    }
    // An uncertain group that the output does not read contributes exactly nothing too.
    let cost = e.output("establishment_cost").unwrap();
    let savings = group_index(&e, "savings");
    assert!(e.groups[savings].uncertain);
    assert!(cost.stats.iter().all(|st| st.contributions[savings] == 0.0));
}

/// Only groups whose effects on the NPV add up stay uncertain: the named one-off items
/// and the savings rates (with growth and staffing fixed), no
/// correlation. For the mean, Shapley values are then the single-group effects
/// v({i}) − v(∅), each measured on a scenario where only that group is uncertain.
#[test]
fn in_an_additive_case_shapley_values_are_the_single_group_effects() {
    let mut base = Scenario::default_ggvv();
    base.correlation = None;
    // The inside view pays: the outside view lays its level over the inside view's timing
    // (level / inside total), which is not additive in the inside view's items.
    base.establishment.headline_view = models::HeadlineView::Inside;
    let fixed = [
        "reference_class",
        // The duration stretches the labour, so the timeline and the labour stay fixed together.
        "schedule_and_labour",
        "parallel_running",
        "staffing",
        "growth",
        "risk_register",
        // The cost factors scale today's cost, so they interact with the savings.
        "staying_alone",
    ];
    let additive = ["one_offs", "savings"];
    let toy = fix_groups(&base, &fixed);
    let e = explain_of(&toy, 200);
    for id in additive {
        let others: Vec<&str> = additive.iter().copied().filter(|x| *x != id).collect();
        let alone = explain_of(&fix_groups(&toy, &others), 200);
        let g = group_index(&e, id);
        for (o, single) in e.outputs.iter().zip(&alone.outputs) {
            let (full, one) = (o.stat(Statistic::Mean).unwrap(), single.stat(Statistic::Mean).unwrap());
            let scale = o.point.abs().max(1.0);
            assert!(
                (full.contributions[g] - one.difference).abs() <= 1e-9 * scale,
                "{id} on {}: φ {} vs v({{i}}) − v(∅) {}",
                o.id,
                full.contributions[g],
                one.difference
            );
        }
    }
    // And the cost does not read the savings at all; the NPVs do.
    let savings = group_index(&e, "savings");
    let npv = e.output("npv_total").unwrap().stat(Statistic::Mean).unwrap();
    assert_ne!(npv.contributions[savings], 0.0);
}

#[test]
fn every_input_is_in_exactly_one_explain_group_and_there_are_at_most_ten() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/scenarios");
    let mut all = vec![Scenario::default_ggvv()];
    for name in ["ggvv_horizon_2047.toml", "ggvv_x3_12_kommuner.toml"] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        all.push(Scenario::from_toml(&text, name).unwrap());
    }
    for s in &all {
        let model = Model::new(s).unwrap();
        let groups = explain::groups(s, &model);
        assert!(groups.len() <= explain::MAX_GROUPS, "{} groups", groups.len());
        let mut seen = vec![0; model.inputs().len()];
        for (g, inputs) in &groups {
            assert!(!inputs.is_empty(), "{g:?} empty");
            for &i in inputs {
                seen[i] += 1;
            }
        }
        for (i, n) in seen.iter().enumerate() {
            assert_eq!(*n, 1, "{} is in {n} explain groups", model.input_names()[i]);
        }
        // The coarsening only merges registry groups: inputs of one registry group stay together.
        let sens = models::sensitivity::groups(s, &model);
        for sg in &sens {
            let explain_group_of = |i: usize| groups.iter().position(|(_, v)| v.contains(&i));
            let first = explain_group_of(sg.inputs[0]);
            assert!(sg.inputs.iter().all(|&i| explain_group_of(i) == first), "{}", sg.name);
        }
    }
}

#[test]
fn the_report_round_trips_through_json() {
    let e = explain_of(&Scenario::default_ggvv(), 50);
    let text = serde_json::to_string(&e).unwrap();
    let back: Explain = serde_json::from_str(&text).unwrap();
    assert_eq!(back, e);
    assert!(text.contains("\"stat\":\"p80\"") && text.contains("\"kind\":\"establishment_cost\""));
    assert!(
        e.outputs
            .iter()
            .any(|o| o.kind == OutputKind::Npv && o.stat(Statistic::P20).is_some())
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = Scenario::default_ggvv();
    let one = sim::with_threads(1, || explain_of(&s, 150)).unwrap();
    let two = sim::with_threads(2, || explain_of(&s, 150)).unwrap();
    assert_eq!(one, two);
}
