//! The plain reference model (`models::model::reference`) and the lane-vectorised one the run
//! loop uses (`Model::evaluate_lanes`, and `Model::evaluate` on one lane) give the same
//! outcome **bit for bit**: every figure of [`Outcome`] is compared with `f64::to_bits`, so
//! not even the sign of a zero may differ. (Measured, not assumed: the two do the same
//! floating-point operations in the same order, and no case proptest has found differs in any
//! bit, so the test asks for identity rather than a tolerance such as 1e-12 MSEK.)
//!
//! Property-tested (proptest) over random scenarios: the default scenario and the bench
//! scenarios (12 kommuner; horizon 2047), with a random baseline split, start year, savings
//! capture and savings ramp, risk register case and mitigations; and random draws of every
//! input anywhere in its range, its ends included. Runs go through the lanes several at a time
//! (the AVX2 build where the CPU has it) at random positions of lanes of random width.

use models::model::reference;
use models::{Model, NO_PAYBACK, Outcome, Scenario};
use proptest::prelude::*;

/// The scenarios the cases start from.
fn base(which: usize) -> Scenario {
    match which {
        0 => Scenario::default_ggvv(),
        1 => Scenario::from_toml(
            include_str!("../../benches/scenarios/ggvv_x3_12_kommuner.toml"),
            "ggvv_x3_12_kommuner.toml",
        )
        .unwrap(),
        _ => Scenario::from_toml(
            include_str!("../../benches/scenarios/ggvv_horizon_2047.toml"),
            "ggvv_horizon_2047.toml",
        )
        .unwrap(),
    }
}

#[derive(Debug, Clone)]
struct Variant {
    base: usize,
    /// 0..3: a key name; 3: "own_costs".
    baseline: usize,
    /// Years the establishment (and its plan and price year) moves later, or earlier.
    start_shift: i32,
    savings_capture_pct: f64,
    half_effect_pct: f64,
    half_effect_months: f64,
    full_effect_years_after_migration: u32,
    new_data_centre: bool,
    mitigate: bool,
    no_register: bool,
}

fn variant() -> impl Strategy<Value = Variant> {
    (
        (0usize..3, 0usize..4, -2i32..=2, 0.0f64..=150.0),
        (0.0f64..=100.0, 0.0f64..=30.0, 1u32..=4),
        (any::<bool>(), any::<bool>(), proptest::bool::weighted(0.15)),
    )
        .prop_map(
            |((base, baseline, start_shift, capture), (half, months, full), (new, mitigate, none))| Variant {
                base,
                baseline,
                start_shift,
                savings_capture_pct: capture,
                half_effect_pct: half,
                half_effect_months: months,
                full_effect_years_after_migration: full,
                new_data_centre: new,
                mitigate,
                no_register: none,
            },
        )
}

fn scenario(v: &Variant) -> Scenario {
    let mut s = base(v.base);
    s.baseline.split = ["cost_share", "population", "users", "own_costs"][v.baseline].to_string();
    s.years.start_year += v.start_shift;
    s.establishment.parallel_price_year += v.start_shift;
    for p in &mut s.establishment.phases {
        p.planned_year += v.start_shift;
    }
    s.savings_capture_pct = v.savings_capture_pct;
    s.savings_ramp.half_effect_pct = v.half_effect_pct;
    s.savings_ramp.half_effect_months = v.half_effect_months;
    s.savings_ramp.full_effect_years_after_migration = v.full_effect_years_after_migration;
    if v.no_register {
        s.risk_register = None;
    }
    if let Some(reg) = &mut s.risk_register {
        reg.data_centre = if v.new_data_centre { "new" } else { "existing" }.into();
        reg.risks.iter_mut().for_each(|r| r.mitigation.applied = v.mitigate);
    }
    s.validate().unwrap();
    s
}

/// Most inputs any of the scenarios has.
const MAX_INPUTS: usize = 128;

/// A position in an input's range: anywhere inside, or one of its ends.
fn unit() -> impl Strategy<Value = f64> {
    prop_oneof![8 => 0.0f64..1.0, 1 => Just(0.0), 1 => Just(1.0)]
}

/// A draw inside every input's range: `u` in [0, 1] per input.
fn draw(model: &Model, u: &[f64]) -> Vec<f64> {
    assert!(model.inputs().len() <= u.len(), "{} inputs", model.inputs().len());
    model
        .inputs()
        .iter()
        .zip(u)
        .map(|(i, &u)| {
            assert!(
                i.lo.is_finite() && i.hi.is_finite(),
                "the scenarios' inputs are bounded"
            );
            (i.lo + u * (i.hi - i.lo)).min(i.hi)
        })
        .collect()
}

/// The first figure in which `a` and `b` differ in any bit, if any.
fn difference(a: &Outcome, b: &Outcome) -> Option<String> {
    let rows = [
        ("current", &a.current, &b.current),
        ("joint", &a.joint, &b.joint),
        ("net", &a.net, &b.net),
        ("joint_total", &a.joint_total, &b.joint_total),
        ("npv", &a.npv, &b.npv),
    ];
    for (name, x, y) in rows {
        assert_eq!(x.len(), y.len());
        if let Some(i) = (0..x.len()).find(|&i| x[i].to_bits() != y[i].to_bits()) {
            return Some(format!("{name}[{i}]: {} vs {}", x[i], y[i]));
        }
    }
    let (x, y) = (a.establishment_by_year(), b.establishment_by_year());
    if let Some(i) = (0..x.len()).find(|&i| x[i].to_bits() != y[i].to_bits()) {
        return Some(format!("establishment_by_year[{i}]: {} vs {}", x[i], y[i]));
    }
    let scalars = [
        ("establishment_msek", a.establishment_msek, b.establishment_msek),
        (
            "establishment_inside_msek",
            a.establishment_inside_msek,
            b.establishment_inside_msek,
        ),
        (
            "establishment_outside_msek",
            a.establishment_outside_msek,
            b.establishment_outside_msek,
        ),
        ("duration_months", a.duration_months, b.duration_months),
        ("staff_saving", a.staff_saving, b.staff_saving),
        ("saving_share_full", a.saving_share_full, b.saving_share_full),
    ];
    for (name, x, y) in scalars {
        if x.to_bits() != y.to_bits() {
            return Some(format!("{name}: {x} vs {y}"));
        }
    }
    if a.payback_year != b.payback_year {
        return Some(format!("payback_year: {:?} vs {:?}", a.payback_year, b.payback_year));
    }
    if a.migration_end_year != b.migration_end_year {
        return Some(format!(
            "migration_end_year: {} vs {}",
            a.migration_end_year, b.migration_end_year
        ));
    }
    None
}

/// The reference outcome of `x` against the lanes' one alone and at position `j` of `lanes`.
fn check_run(model: &Model, x: &[f64], lanes: &models::Lanes, j: usize) -> Result<(), String> {
    let plain = reference::evaluate(model, x);
    let mut alone = model.new_outcome();
    model.evaluate(x, &mut alone);
    if let Some(d) = difference(&plain, &alone) {
        return Err(format!("reference vs evaluate: {d}"));
    }
    let mut side_by_side = model.new_outcome();
    model.read_run(lanes, j, &mut side_by_side);
    if let Some(d) = difference(&plain, &side_by_side) {
        return Err(format!("reference vs lane {j} of {}: {d}", lanes.len()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_reference_model_and_the_lanes_give_the_same_outcome_to_the_bit(
        v in variant(),
        draws in proptest::collection::vec(proptest::collection::vec(unit(), MAX_INPUTS), 1..24),
        pad in 0usize..9,
    ) {
        let model = Model::new(&scenario(&v)).unwrap();
        let xs: Vec<Vec<f64>> = draws.iter().map(|u| draw(&model, u)).collect();
        // Input-major columns, as the run loop keeps them.
        let columns: Vec<Vec<f64>> = (0..xs[0].len()).map(|i| xs.iter().map(|x| x[i]).collect()).collect();
        let mut lanes = model.new_lanes(xs.len() + pad);
        model.evaluate_lanes(|i| &columns[i], xs.len(), &mut lanes);
        for (j, x) in xs.iter().enumerate() {
            if let Err(e) = check_run(&model, x, &lanes, j) {
                prop_assert!(false, "run {j} of {:?}: {e}", v);
            }
        }
        // The lanes' own payback rows agree too (read_run turns them into Option).
        for k in 0..=model.kommuner().len() {
            let plain: Vec<Option<i32>> = xs.iter().map(|x| reference::evaluate(&model, x).payback_year[k]).collect();
            let lane: Vec<Option<i32>> = lanes.payback_year(k).iter().map(|&y| (y != NO_PAYBACK).then_some(y)).collect();
            prop_assert_eq!(plain, lane);
        }
    }
}

#[test]
fn at_point_values_both_give_the_same_outcome_on_every_bench_scenario() {
    for which in 0..3 {
        let model = Model::new(&base(which)).unwrap();
        let x = model.point_values();
        let mut lanes = model.new_lanes(3);
        let columns: Vec<Vec<f64>> = x.iter().map(|&v| vec![v; 3]).collect();
        model.evaluate_lanes(|i| &columns[i], 3, &mut lanes);
        for j in 0..3 {
            check_run(&model, &x, &lanes, j).unwrap_or_else(|e| panic!("scenario {which}: {e}"));
        }
    }
}

#[test]
fn the_savings_ramp_moves_the_savings_and_the_keys() {
    // A check that the ramp is read at all, against figures worked out by hand: with the
    // default plan migration ends in December 2029, so 2030 is the ramp year and 2031 the
    // first full year.
    let mut s = Scenario::default_ggvv();
    let point = |s: &Scenario| {
        let m = Model::new(s).unwrap();
        reference::evaluate(&m, &m.point_values())
    };
    let n = s.years.horizon_year - s.years.base_year + 1;
    let t2030 = (2030 - s.years.base_year) as usize;
    let default = point(&s);
    // No saving during the ramp: the 2030 joint cost is the current cost (no extras then).
    s.savings_ramp.half_effect_pct = 0.0;
    let none = point(&s);
    let current_2030: f64 = (0..4).map(|k| default.current[k * n as usize + t2030]).sum();
    assert!((none.joint_total[t2030] - current_2030).abs() < 1e-9);
    // Half the saving: the saving in 2030 is half of the full saving rate on 2030's cost.
    let saved_half = current_2030 - default.joint_total[t2030];
    s.savings_ramp.half_effect_pct = 100.0;
    let full = point(&s);
    let saved_full = current_2030 - full.joint_total[t2030];
    assert!(
        (saved_half - saved_full / 2.0).abs() < 1e-9,
        "{saved_half} vs {saved_full}"
    );
    // Full effect counted from three years after migration: 2031 takes the transition key,
    // and the saving share is measured in 2032.
    s.savings_ramp = Default::default();
    s.savings_ramp.full_effect_years_after_migration = 3;
    let later = point(&s);
    assert_ne!(later.saving_share_full, default.saving_share_full);
    let t2031 = t2030 + 1;
    assert_ne!(later.joint[t2031], default.joint[t2031]);
    assert_eq!(later.joint[t2031 + 1], default.joint[t2031 + 1]);
}

#[test]
fn a_savings_ramp_out_of_range_is_refused_at_load_with_its_place() {
    use models::DEFAULT_SCENARIO;
    for (from, to, path) in [
        (
            "half_effect_pct = 50.0",
            "half_effect_pct = 150.0",
            "savings_ramp.half_effect_pct",
        ),
        (
            "half_effect_months = 12.0",
            "half_effect_months = -1.0",
            "savings_ramp.half_effect_months",
        ),
        (
            "full_effect_years_after_migration = 2",
            "full_effect_years_after_migration = 0",
            "savings_ramp.full_effect_years_after_migration",
        ),
    ] {
        assert!(DEFAULT_SCENARIO.contains(from), "{from}");
        let text = DEFAULT_SCENARIO.replacen(from, to, 1);
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        let line = 1 + text[..text.find(to).unwrap()].matches('\n').count();
        assert_eq!((e.path(), e.location().map(|l| l.1)), (path, Some(line)), "{e}");
    }
    // Left out, the section is the förstudie's ramp.
    let start = DEFAULT_SCENARIO.find("[savings_ramp]").unwrap();
    let end = start + DEFAULT_SCENARIO[start..].find("\n\n").unwrap();
    let without = format!("{}{}", &DEFAULT_SCENARIO[..start], &DEFAULT_SCENARIO[end..]);
    let s = Scenario::from_toml(&without, "t.toml").unwrap();
    assert_eq!(s, Scenario::default_ggvv());
}
