//! The cost model: one draw of the uncertain inputs in, one outcome per kommun and year out.
//!
//! The model reproduces the förstudie's method (seed 000 section 4.4) and adds the
//! uncertainty it leaves out:
//! - today's cost per category compounds at its growth rate; the GGVV total is split per
//!   kommun by the baseline key;
//! - the joint organisation carries today's cost less the savings realised so far, plus the
//!   establishment's extra costs (project labour, parallel running, one-off items, migration
//!   overrun), laid out month by month over the drawn establishment duration;
//! - savings reach half effect in the 12 months after migration ends and full effect after;
//! - the joint cost is split per kommun by the allocation keys of the phase a year belongs to.
//!
//! With every input at its point value the model gives the förstudie's own tables.

use sim::correlation::RankCorrelation;
use sim::dist::Input;
use sim::kernels::powi_each;

use crate::scenario::{Scenario, ScenarioError};

/// Indices of the uncertain inputs the model reads, in [`Scenario::inputs`] order.
#[derive(Debug, Clone)]
struct Slots {
    labour: usize,
    parallel: usize,
    schedule: usize,
    overrun: usize,
    strategic: usize,
}

#[derive(Debug, Clone)]
struct PhaseC {
    /// Share of all project hours.
    hours_share: f64,
    /// planned_year − start_year.
    plan_offset: f64,
    duration: usize,
    migration: bool,
}

#[derive(Debug, Clone)]
struct RiskC {
    occurs: usize,
    cost: usize,
    delay: usize,
    /// Probability of occurring, after any applied mitigation.
    probability: f64,
    /// Factor on the impacts, after any applied mitigation.
    impact: f64,
}

#[derive(Debug, Clone)]
struct SavingC {
    rate: usize,
    /// Fraction of each category the post works on.
    applies: Vec<f64>,
}

/// A compiled scenario: validated inputs and everything the evaluation needs, laid out flat.
#[derive(Debug, Clone)]
pub struct Model {
    names: Vec<String>,
    /// Calendar years base..=horizon.
    years: Vec<i32>,
    inputs: Vec<Input>,
    input_names: Vec<String>,
    /// Random stream id of each input, from its name (common random numbers by name).
    streams: Vec<u64>,
    /// The rank correlation and the input slots it binds, in matrix order.
    correlation: Option<(RankCorrelation, Vec<usize>)>,
    slots: Slots,
    base_year: i32,
    start_year: i32,
    tables_last_year: i32,
    npv_base_year: i32,
    discount_rate: f64,
    /// 1 / (1 + rate)^(year − npv base year) per year index: the same for every run.
    discount_factor: Vec<f64>,
    budget_msek: Option<f64>,
    /// 2024 cost per kommun and category, MSEK: `[k][c]`.
    cost0: Vec<Vec<f64>>,
    /// GGVV 2024 cost per category, MSEK.
    cost0_total: Vec<f64>,
    /// Input slot of each category's growth rate.
    cat_growth: Vec<usize>,
    /// The baseline split per kommun, or `None` for each kommun's own categories.
    baseline_key: Option<Vec<f64>>,
    key_establishment: Vec<f64>,
    key_transition: Vec<f64>,
    key_full: Vec<f64>,
    planned_months: f64,
    point_duration_sum: f64,
    /// Years the plan books phases in (last planned year − start year + 1).
    plan_years: f64,
    phases: Vec<PhaseC>,
    /// Plan-year offset of the first migration phase (where the migration overrun starts to
    /// show); the end of the establishment if no phase is marked as migration.
    migration_offset: f64,
    parallel_price_year: i32,
    parallel_growth: usize,
    parallel_start_month: f64,
    one_offs: Vec<(usize, bool)>,
    savings: Vec<SavingC>,
    /// Share of the savings potential captured (1 for the förstudie's case).
    savings_capture: f64,
    risks: Vec<RiskC>,
    /// Cost of the mitigations the scenario applies, MSEK, spread over the establishment.
    mitigation_cost_msek: f64,
    staff_today: f64,
    staff_fixed: f64,
    staff_applies: Vec<f64>,
    /// (GGVV volume, input slot of volume per FTE) per role.
    roles: Vec<(f64, usize)>,
}

/// One run's results. Buffers are reused between runs: make one per worker with
/// [`Model::new_outcome`].
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Per kommun `k` and year index `t` at `[k * years + t]`, MSEK: today's cost.
    pub current: Vec<f64>,
    /// Joint-operations cost, same layout.
    pub joint: Vec<f64>,
    /// Net benefit = current − joint, same layout.
    pub net: Vec<f64>,
    /// The joint-operations cost of all kommuner together per year (before it is split by
    /// the keys), MSEK: the split must add up to it.
    pub joint_total: Vec<f64>,
    /// NPV of net benefit per kommun, MSEK, discounted to the NPV base year.
    pub npv: Vec<f64>,
    /// First year from which cumulative net benefit (from the start year) stays ≥ 0, per
    /// kommun and for the GGVV total last; `None` if not by the horizon.
    pub payback_year: Vec<Option<i32>>,
    /// Total one-off establishment cost, nominal MSEK (all years, also past the horizon).
    pub establishment_msek: f64,
    /// Drawn establishment duration, months from January of the start year.
    pub duration_months: f64,
    /// Year in which migration ends.
    pub migration_end_year: i32,
    /// Staff saving rate at full effect (1 − FTE/today).
    pub staff_saving: f64,
    /// Saving at full effect in the year after migration ends, as a fraction of current cost.
    pub saving_share_full: f64,
    extras: Vec<f64>,
    /// One lane to evaluate in (taken out while [`Model::evaluate`] reads it back).
    lanes: Option<Box<Lanes>>,
}

/// The year of a run's payback in [`Lanes::payback_year`] when it does not pay back by the
/// horizon.
pub const NO_PAYBACK: i32 = i32::MIN;

/// The outcomes of up to [`Lanes::width`] runs side by side, filled by
/// [`Model::evaluate_lanes`]: the value of run `j` in row `i` of a field at `[i * width + j]`,
/// so one figure of all runs lies in one contiguous slice ([`Lanes::row`]). Buffers are reused;
/// make one per worker with [`Model::new_lanes`].
#[derive(Debug, Clone)]
pub struct Lanes {
    width: usize,
    len: usize,
    /// Rows `k * years + t` per kommun and year, MSEK: today's cost, the joint-operations
    /// cost after the split, and the net benefit.
    current: Vec<f64>,
    joint: Vec<f64>,
    net: Vec<f64>,
    /// Rows `t`: the net benefit and the split joint cost summed over the kommuner.
    net_sum: Vec<f64>,
    joint_sum: Vec<f64>,
    /// Rows `t`: the joint cost before the split.
    joint_total: Vec<f64>,
    /// Rows `k`: NPV per kommun; and their sum.
    npv: Vec<f64>,
    npv_sum: Vec<f64>,
    /// Rows `k` per kommun, then the total: the payback year, or [`NO_PAYBACK`].
    payback_year: Vec<i32>,
    establishment_msek: Vec<f64>,
    duration_months: Vec<f64>,
    staff_saving: Vec<f64>,
    saving_share_full: Vec<f64>,
    /// Rows `t`: establishment (extra) cost per year.
    extras: Vec<f64>,
    /// Years from the start year to the one migration ends in (a whole number: kept as f64
    /// so that the comparisons with it run in the same vector lanes as the money).
    end_rel: Vec<f64>,
    /// Per-run intermediate figures.
    tmp: [Vec<f64>; 14],
    /// Rows `c` per cost category.
    cat_cost: Vec<f64>,
    cat_growth: Vec<f64>,
    cat_saving: Vec<f64>,
    /// Rows `k` per kommun, then the total: cumulative net benefit from the start year.
    cum: Vec<f64>,
}

/// A figure of [`Lanes`] to read a row of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Row `k * years + t`.
    Current,
    /// Row `k * years + t`.
    Net,
    /// Row `k * years + t`.
    Joint,
    /// Row `t`: summed over the kommuner.
    NetSum,
    /// Row `t`: summed over the kommuner.
    JointSum,
    /// Row `k`.
    Npv,
    /// Row 0: summed over the kommuner.
    NpvSum,
    /// Row 0.
    Establishment,
    /// Row 0.
    Duration,
    /// Row 0.
    SavingShareFull,
    /// Row 0.
    StaffSaving,
    /// Row `t`: the joint cost before the split.
    JointTotal,
    /// Row `t`: the establishment (extra) cost.
    Extras,
}

/// The buffer of [`Lanes`] behind a [`Field`], borrowed with `&` or `&mut`: one list for
/// [`Lanes::row`] and [`Lanes::row_mut`].
macro_rules! field_vec {
    ($lanes:expr, $field:expr, $($borrow:tt)+) => {
        match $field {
            Field::Current => $($borrow)+ $lanes.current,
            Field::Net => $($borrow)+ $lanes.net,
            Field::Joint => $($borrow)+ $lanes.joint,
            Field::NetSum => $($borrow)+ $lanes.net_sum,
            Field::JointSum => $($borrow)+ $lanes.joint_sum,
            Field::Npv => $($borrow)+ $lanes.npv,
            Field::NpvSum => $($borrow)+ $lanes.npv_sum,
            Field::Establishment => $($borrow)+ $lanes.establishment_msek,
            Field::Duration => $($borrow)+ $lanes.duration_months,
            Field::SavingShareFull => $($borrow)+ $lanes.saving_share_full,
            Field::StaffSaving => $($borrow)+ $lanes.staff_saving,
            Field::JointTotal => $($borrow)+ $lanes.joint_total,
            Field::Extras => $($borrow)+ $lanes.extras,
        }
    };
}

impl Lanes {
    /// How many runs the lanes hold.
    pub fn width(&self) -> usize {
        self.width
    }

    /// How many runs the last evaluation filled.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i` of `field`: one figure of each run of the last evaluation.
    #[inline]
    pub fn row(&self, field: Field, i: usize) -> &[f64] {
        let v = field_vec!(self, field, &);
        &v[i * self.width..i * self.width + self.len]
    }

    /// Row `i` of `field`, to overwrite (tests of what the run loop does with bad figures).
    #[cfg(test)]
    pub(crate) fn row_mut(&mut self, field: Field, i: usize) -> &mut [f64] {
        let (w, len) = (self.width, self.len);
        let v = field_vec!(self, field, &mut);
        &mut v[i * w..i * w + len]
    }

    /// Payback years of kommun `k` (the total at `k = kommuner`), [`NO_PAYBACK`] for none.
    pub fn payback_year(&self, k: usize) -> &[i32] {
        &self.payback_year[k * self.width..k * self.width + self.len]
    }
}

/// Add one year's net benefit to the cumulative sums `cum`; the payback year is the first year
/// from which the sum stays ≥ 0.
#[inline]
fn track_payback(cum: &mut [f64], payback: &mut [i32], net: &[f64], year: i32) {
    for ((c, p), &nb) in cum.iter_mut().zip(payback.iter_mut()).zip(net) {
        *c += nb;
        *p = if *c >= 0.0 {
            if *p == NO_PAYBACK { year } else { *p }
        } else {
            NO_PAYBACK
        };
    }
}

impl Outcome {
    /// Establishment (extra) cost per year of [`Model::years`], nominal MSEK.
    pub fn establishment_by_year(&self) -> &[f64] {
        &self.extras
    }
}

/// The förstudie's three tables, from the model at point values, MSEK.
#[derive(Debug, Clone, PartialEq)]
pub struct PointTables {
    pub years: Vec<i32>,
    pub kommuner: Vec<String>,
    /// `[k][t]`.
    pub current: Vec<Vec<f64>>,
    pub joint: Vec<Vec<f64>>,
    pub difference: Vec<Vec<f64>>,
    /// The one-off establishment cost at point values, MSEK.
    pub establishment_msek: f64,
}

/// Months of `[a, b)` inside year `y` (0-based from the start year) of 12 months.
#[inline]
fn overlap(a: f64, b: f64, y: usize) -> f64 {
    let lo = 12.0 * y as f64;
    (b.min(lo + 12.0) - a.max(lo)).max(0.0)
}

fn key_vec(s: &Scenario, name: &str) -> Vec<f64> {
    s.kommuner
        .iter()
        .map(|k| s.keys[name].shares_pct[&k.name] / 100.0)
        .collect()
}

/// A key normalised to sum 1: shares in a file sum to 100 only within rounding, and the
/// kommuner's costs must add up to the GGVV total exactly.
fn normalised_key(s: &Scenario, name: &str) -> Vec<f64> {
    let mut v = key_vec(s, name);
    let sum: f64 = v.iter().sum();
    v.iter_mut().for_each(|x| *x /= sum);
    v
}

fn mix(s: &Scenario, weights: &std::collections::BTreeMap<String, f64>) -> Vec<f64> {
    let mut v = vec![0.0; s.kommuner.len()];
    for (key, w) in weights {
        for (x, share) in v.iter_mut().zip(key_vec(s, key)) {
            *x += w / 100.0 * share;
        }
    }
    // Keys sum to 100 within rounding; normalise so joint costs are split exactly.
    let sum: f64 = v.iter().sum();
    v.iter_mut().for_each(|x| *x /= sum);
    v
}

impl Model {
    /// Compile a validated scenario.
    pub fn new(s: &Scenario) -> Result<Model, ScenarioError> {
        // A scenario read from a file is checked already; one built in code is checked here.
        s.validate()?;
        let specs = s.inputs();
        let mut inputs = Vec::with_capacity(specs.len());
        let mut input_names = Vec::with_capacity(specs.len());
        for (name, spec) in &specs {
            // Validated at load; a Scenario built in code may still be wrong.
            let input = Input::new(spec).map_err(|e| ScenarioError {
                file: "(scenario)".into(),
                line: 0,
                column: 0,
                path: format!("{name}.{}", e.param),
                problem: e.problem,
                hint: e.hint,
            })?;
            inputs.push(input);
            input_names.push(name.clone());
        }
        let slot = |path: &str| {
            input_names
                .iter()
                .position(|n| n == path)
                .expect("input listed by Scenario::inputs")
        };
        let growth_slot = |name: &str| slot(&format!("growth_pct_per_year.{name}"));
        let correlation = match &s.correlation {
            None => None,
            Some(c) => {
                let located = |path: String, problem: String| ScenarioError {
                    file: "(scenario)".into(),
                    line: 0,
                    column: 0,
                    path,
                    problem,
                    hint: "correct the [correlation] section".into(),
                };
                let rc = RankCorrelation::new(&c.matrix, c.repair)
                    .map_err(|e| located("correlation.matrix".into(), e.to_string()))?;
                let which = c
                    .inputs
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        input_names.iter().position(|m| m == n).ok_or_else(|| {
                            located(
                                format!("correlation.inputs[{i}]"),
                                format!("\"{n}\" is not an uncertain input"),
                            )
                        })
                    })
                    .collect::<Result<Vec<usize>, _>>()?;
                Some((rc, which))
            }
        };
        let e = &s.establishment;
        let cats = &s.categories;
        let cost0: Vec<Vec<f64>> = s
            .kommuner
            .iter()
            .map(|k| cats.iter().map(|c| k.cost_2024_tkr[&c.id] / 1000.0).collect())
            .collect();
        let cost0_total = (0..cats.len()).map(|c| cost0.iter().map(|row| row[c]).sum()).collect();
        let applies = |map: &std::collections::BTreeMap<String, f64>| -> Vec<f64> {
            cats.iter()
                .map(|c| map.get(&c.id).copied().unwrap_or(0.0) / 100.0)
                .collect()
        };
        let total_hours: f64 = e.phases.iter().map(|p| p.internal_hours + p.external_hours).sum();
        let phases: Vec<PhaseC> = e
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| PhaseC {
                hours_share: (p.internal_hours + p.external_hours) / total_hours,
                plan_offset: (p.planned_year - s.years.start_year) as f64,
                duration: slot(&format!("establishment.phases[{i}].duration_months")),
                migration: p.migration,
            })
            .collect();
        let point_duration_sum = phases.iter().map(|p| inputs[p.duration].point).sum();
        let years: Vec<i32> = (s.years.base_year..=s.years.horizon_year).collect();
        let volume = |name: &str| s.kommuner.iter().map(|k| k.volume(name).unwrap_or(0.0)).sum::<f64>();
        Ok(Model {
            names: s.kommun_names(),
            slots: Slots {
                labour: slot("establishment.project_labour_msek"),
                parallel: slot("establishment.parallel_running_msek_per_year"),
                schedule: slot("establishment.schedule_overrun_pct"),
                overrun: slot("establishment.migration_overrun_pct"),
                strategic: slot("staffing.strategic_fte"),
            },
            base_year: s.years.base_year,
            start_year: s.years.start_year,
            tables_last_year: s.years.tables_last_year,
            npv_base_year: s.years.npv_base_year,
            discount_rate: s.finance.discount_rate_pct / 100.0,
            discount_factor: years
                .iter()
                .map(|&y| 1.0 / (1.0 + s.finance.discount_rate_pct / 100.0).powi(y - s.years.npv_base_year))
                .collect(),
            budget_msek: s.finance.budget_msek,
            cost0,
            cost0_total,
            cat_growth: cats.iter().map(|c| growth_slot(&c.growth)).collect(),
            baseline_key: (s.baseline.split != "own_costs").then(|| normalised_key(s, &s.baseline.split)),
            key_establishment: mix(s, &s.allocation.establishment_weights_pct),
            key_transition: mix(s, &s.allocation.transition_weights_pct),
            key_full: mix(s, &s.allocation.full_effect_weights_pct),
            planned_months: e.planned_months,
            point_duration_sum,
            plan_years: phases.iter().map(|p| p.plan_offset + 1.0).fold(1.0, f64::max),
            migration_offset: phases
                .iter()
                .filter(|p| p.migration)
                .map(|p| p.plan_offset)
                .fold(f64::INFINITY, f64::min),
            phases,
            parallel_price_year: e.parallel_price_year,
            parallel_growth: growth_slot(&e.parallel_growth),
            parallel_start_month: e.parallel_start_month,
            one_offs: (0..e.one_off.len())
                .map(|i| {
                    (
                        slot(&format!("establishment.one_off[{i}].amount_msek")),
                        e.one_off[i].migration,
                    )
                })
                .collect(),
            savings: (0..s.savings.len())
                .map(|i| SavingC {
                    rate: slot(&format!("savings[{i}].rate_pct")),
                    applies: applies(&s.savings[i].applies_to_pct),
                })
                .collect(),
            savings_capture: s.savings_capture_pct / 100.0,
            risks: s
                .risk_register
                .iter()
                .flat_map(|reg| {
                    let case = if reg.data_centre == "new" { "new" } else { "existing" };
                    reg.risks
                        .iter()
                        .enumerate()
                        .map(move |(i, r)| (i, r, case, reg.data_centre.clone()))
                })
                .map(|(i, r, case, dc)| {
                    let c = r.case(&dc);
                    let m = &r.mitigation;
                    let (pf, imf) = if m.applied {
                        (m.probability_factor_pct / 100.0, m.impact_factor_pct / 100.0)
                    } else {
                        (1.0, 1.0)
                    };
                    RiskC {
                        occurs: slot(&format!("risk_register.risks[{i}].occurs")),
                        cost: slot(&format!("risk_register.risks[{i}].{case}.cost_msek")),
                        delay: slot(&format!("risk_register.risks[{i}].{case}.delay_months")),
                        probability: c.probability_pct / 100.0 * pf,
                        impact: imf,
                    }
                })
                .collect(),
            mitigation_cost_msek: s
                .risk_register
                .iter()
                .flat_map(|reg| reg.risks.iter())
                .filter(|r| r.mitigation.applied)
                .map(|r| r.mitigation.cost_msek)
                .sum(),
            staff_today: s.staffing.today_fte,
            staff_fixed: s.staffing.managers_fte,
            staff_applies: applies(&s.staffing.applies_to_pct),
            roles: (0..s.staffing.roles.len())
                .map(|i| {
                    (
                        volume(&s.staffing.roles[i].volume),
                        slot(&format!("staffing.roles[{i}].per_fte")),
                    )
                })
                .collect(),
            streams: input_names.iter().map(|n| sim::stream_id(n)).collect(),
            correlation,
            inputs,
            input_names,
            years,
        })
    }

    pub fn kommuner(&self) -> &[String] {
        &self.names
    }

    pub fn years(&self) -> &[i32] {
        &self.years
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// Field paths of the inputs, in sampling order.
    pub fn input_names(&self) -> &[String] {
        &self.input_names
    }

    /// Random stream id of each input, in sampling order.
    pub fn streams(&self) -> &[u64] {
        &self.streams
    }

    /// The rank correlation and the input slots of its rows, if the scenario has one.
    pub fn correlation(&self) -> Option<(&RankCorrelation, &[usize])> {
        self.correlation.as_ref().map(|(rc, w)| (rc, w.as_slice()))
    }

    pub fn npv_base_year(&self) -> i32 {
        self.npv_base_year
    }

    pub fn discount_rate_pct(&self) -> f64 {
        self.discount_rate * 100.0
    }

    /// When phase `i` ends in a run with establishment duration `duration_months`, in months
    /// from January of the start year: the phase calendar is the plan's (the year the förstudie
    /// books the phase's hours in) stretched by the drawn duration.
    pub fn phase_end_month(&self, i: usize, duration_months: f64) -> f64 {
        (self.phases[i].plan_offset + 1.0) * duration_months / self.plan_years
    }

    pub fn start_year(&self) -> i32 {
        self.start_year
    }

    /// Every input at its point value.
    pub fn point_values(&self) -> Vec<f64> {
        self.inputs.iter().map(|i| i.point).collect()
    }

    /// The establishment budget: the scenario's, or the one-off cost at point values (the
    /// förstudie's own estimate implied by its tables).
    pub fn budget_msek(&self) -> f64 {
        self.budget_msek.unwrap_or_else(|| {
            let mut o = self.new_outcome();
            self.evaluate(&self.point_values(), &mut o);
            o.establishment_msek
        })
    }

    pub fn new_outcome(&self) -> Outcome {
        let (k, n) = (self.names.len(), self.years.len());
        Outcome {
            current: vec![0.0; k * n],
            joint: vec![0.0; k * n],
            net: vec![0.0; k * n],
            joint_total: vec![0.0; n],
            npv: vec![0.0; k],
            payback_year: vec![None; k + 1],
            establishment_msek: 0.0,
            duration_months: 0.0,
            migration_end_year: self.start_year,
            staff_saving: 0.0,
            saving_share_full: 0.0,
            extras: vec![0.0; n],
            lanes: Some(Box::new(self.new_lanes(1))),
        }
    }

    /// Lanes for up to `width` runs evaluated together.
    pub fn new_lanes(&self, width: usize) -> Lanes {
        let (k, n, c) = (self.names.len(), self.years.len(), self.cost0_total.len());
        let v = |rows: usize| vec![0.0; rows * width];
        Lanes {
            width,
            len: 0,
            current: v(k * n),
            joint: v(k * n),
            net: v(k * n),
            net_sum: v(n),
            joint_sum: v(n),
            joint_total: v(n),
            npv: v(k),
            npv_sum: v(1),
            payback_year: vec![NO_PAYBACK; (k + 1) * width],
            establishment_msek: v(1),
            duration_months: v(1),
            staff_saving: v(1),
            saving_share_full: v(1),
            extras: v(n),
            end_rel: vec![0.0; width],
            tmp: std::array::from_fn(|_| v(1)),
            cat_cost: v(c),
            cat_growth: v(c),
            cat_saving: v(c),
            cum: v(k + 1),
        }
    }

    /// Evaluate one draw `x` (in [`Model::input_names`] order) into `out`. Allocates nothing.
    /// The same arithmetic as [`Model::evaluate_lanes`] on one lane, so a run's outcome is the
    /// same to the bit whichever way it is evaluated.
    pub fn evaluate(&self, x: &[f64], out: &mut Outcome) {
        let mut lanes = out.lanes.take().unwrap_or_else(|| Box::new(self.new_lanes(1)));
        self.evaluate_lanes_inner(|i| std::slice::from_ref(&x[i]), 1, &mut lanes);
        self.read_run(&lanes, 0, out);
        out.lanes = Some(lanes);
    }

    /// Copy run `j` of `lanes` (filled by this model) into `out`.
    pub fn read_run(&self, lanes: &Lanes, j: usize, out: &mut Outcome) {
        assert!(j < lanes.len, "run {j} of {} in the lanes", lanes.len);
        let w = lanes.width;
        let gather = |to: &mut [f64], from: &[f64]| to.iter_mut().enumerate().for_each(|(i, v)| *v = from[i * w + j]);
        gather(&mut out.current, &lanes.current);
        gather(&mut out.joint, &lanes.joint);
        gather(&mut out.net, &lanes.net);
        gather(&mut out.joint_total, &lanes.joint_total);
        gather(&mut out.npv, &lanes.npv);
        gather(&mut out.extras, &lanes.extras);
        for (k, p) in out.payback_year.iter_mut().enumerate() {
            let y = lanes.payback_year[k * w + j];
            *p = (y != NO_PAYBACK).then_some(y);
        }
        out.establishment_msek = lanes.establishment_msek[j];
        out.duration_months = lanes.duration_months[j];
        out.migration_end_year = self.start_year + lanes.end_rel[j] as i32;
        out.staff_saving = lanes.staff_saving[j];
        out.saving_share_full = lanes.saving_share_full[j];
    }

    /// Evaluate `len` runs side by side into `out` (at most [`Lanes::width`] runs): `x(i)`
    /// holds input `i` (in [`Model::input_names`] order) of each run. Every figure of a run
    /// goes through the same operations in the same order as in any other run, so the loops
    /// over runs can use vector instructions and a run's results do not depend on its
    /// neighbours. Allocates nothing.
    pub fn evaluate_lanes<'x>(&self, x: impl Fn(usize) -> &'x [f64], len: usize, out: &mut Lanes) {
        assert!(len <= out.width, "{len} runs in lanes of width {}", out.width);
        if len > 1 {
            // The same operations, four lanes at a time where the CPU has AVX2.
            sim::kernels::with_avx2(
                #[inline(always)]
                || self.evaluate_lanes_inner(x, len, out),
            );
            return;
        }
        self.evaluate_lanes_inner(x, len, out);
    }

    #[inline(always)]
    fn evaluate_lanes_inner<'x>(&self, x: impl Fn(usize) -> &'x [f64], len: usize, out: &mut Lanes) {
        let w = out.width;
        let n = self.years.len();
        let k_count = self.names.len();
        let start = (self.start_year - self.base_year) as usize;
        let x = |i: usize| &x(i)[..len];
        // Row `i` of a field laid out `[i * w + j]`, cut to the runs in use.
        fn row<T>(v: &mut [T], i: usize, w: usize, len: usize) -> &mut [T] {
            &mut v[i * w..i * w + len]
        }
        let Lanes {
            current,
            joint,
            net,
            net_sum,
            joint_sum,
            joint_total: joint_totals,
            npv,
            npv_sum,
            payback_year,
            establishment_msek,
            duration_months,
            staff_saving,
            saving_share_full,
            extras,
            end_rel,
            tmp,
            cat_cost,
            cat_growth,
            cat_saving,
            cum,
            ..
        } = out;
        let [
            drawn,
            risk_cost,
            risk_delay,
            stretch,
            calendar,
            overrun,
            labour,
            par_growth,
            m0,
            extra,
            current_total,
            saved_total,
            effect,
            power,
        ] = tmp.each_mut().map(|v| &mut v[..len]);
        let end_rel = &mut end_rel[..len];
        let d = &mut duration_months[..len];

        // Timeline: the plan stretched by the drawn phase durations and schedule overrun.
        drawn.fill(-0.0);
        for p in &self.phases {
            let xd = x(p.duration);
            (0..len).for_each(|j| drawn[j] += xd[j]);
        }
        let schedule = x(self.slots.schedule);
        for j in 0..len {
            d[j] = self.planned_months * (drawn[j] / self.point_duration_sum) * (1.0 + schedule[j] / 100.0);
        }
        // Risks of the register that occur add cost and delay; the delay stretches the plan.
        risk_cost.fill(self.mitigation_cost_msek);
        risk_delay.fill(0.0);
        for r in &self.risks {
            let (occurs, cost, delay) = (x(r.occurs), x(r.cost), x(r.delay));
            let (probability, impact) = (r.probability, r.impact);
            // Zipped slices of one length and a select, not a branch: the occurrence is random,
            // so a branch would be mispredicted for about one run in four.
            let sums = risk_cost.iter_mut().zip(risk_delay.iter_mut());
            for ((rc, rd), ((&o, &c), &dl)) in sums.zip(occurs.iter().zip(cost).zip(delay)) {
                // Adding +0 for a risk that does not occur leaves the sums as they are.
                let hit = o < probability;
                *rc += if hit { c * impact } else { 0.0 };
                *rd += if hit { dl * impact } else { 0.0 };
            }
        }
        let (x_overrun, x_labour, x_g_par) = (x(self.slots.overrun), x(self.slots.labour), x(self.parallel_growth));
        for j in 0..len {
            d[j] += risk_delay[j];
            stretch[j] = d[j] / self.planned_months;
            // The plan's calendar (the years the förstudie books phases in) squeezed or
            // stretched to the drawn duration.
            calendar[j] = d[j] / (12.0 * self.plan_years);
            end_rel[j] = (d[j] / 12.0).ceil().max(1.0) - 1.0;
            overrun[j] = 1.0 + x_overrun[j] / 100.0;
            labour[j] = x_labour[j] * stretch[j];
            // The parallel running's yearly price factor.
            par_growth[j] = 1.0 + x_g_par[j] / 100.0;
            // The migration overrun shows during migration: it applies to parallel running
            // and migration one-offs from the start of the (first) migration phase on.
            m0[j] = (12.0 * self.migration_offset * calendar[j]).min(d[j]);
        }
        let d = &*d;

        // Extra costs per calendar year of the establishment; a run adds nothing after its
        // own end.
        extras[..n * w].fill(0.0);
        let total = &mut establishment_msek[..len];
        total.fill(0.0);
        let p0 = self.parallel_start_month;
        let x_parallel = x(self.slots.parallel);
        let last = end_rel.iter().copied().fold(0.0, f64::max) as usize;
        for y in 0..=last {
            extra.fill(0.0);
            for p in &self.phases {
                let cost = |j: usize| {
                    let (a, b) = (
                        12.0 * p.plan_offset * calendar[j],
                        12.0 * (p.plan_offset + 1.0) * calendar[j],
                    );
                    labour[j] * p.hours_share * overlap(a, b, y) / (b - a)
                };
                if p.migration {
                    (0..len).for_each(|j| extra[j] += cost(j) * overrun[j]);
                } else {
                    (0..len).for_each(|j| extra[j] += cost(j));
                }
            }
            let exponent = self.start_year + y as i32 - self.parallel_price_year;
            powi_each(power, par_growth, |_| exponent);
            for j in 0..len {
                if d[j] > p0 {
                    let price = power[j];
                    let months = overlap(p0, m0[j].max(p0), y) + overrun[j] * overlap(m0[j].max(p0), d[j], y);
                    extra[j] += x_parallel[j] / 12.0 * months * price;
                }
                extra[j] += risk_cost[j] * overlap(0.0, d[j], y) / d[j];
            }
            for &(slot, migration) in &self.one_offs {
                let amount = x(slot);
                for j in 0..len {
                    extra[j] += if migration {
                        amount[j] * overlap(m0[j], d[j], y) / (d[j] - m0[j]).max(f64::MIN_POSITIVE) * overrun[j]
                    } else {
                        amount[j] * overlap(0.0, d[j], y) / d[j]
                    };
                }
            }
            // Past a run's own end its extra is 0 (and adding +0 leaves its total as it is).
            let yf = y as f64;
            (0..len).for_each(|j| extra[j] = if yf <= end_rel[j] { extra[j] } else { 0.0 });
            (0..len).for_each(|j| total[j] += extra[j]);
            if start + y < n {
                row(extras, start + y, w, len).copy_from_slice(extra);
            }
        }

        // Savings rate per category at full effect.
        let strategic = x(self.slots.strategic);
        let roles = &mut *extra;
        roles.fill(-0.0);
        for &(volume, per) in &self.roles {
            let per = x(per);
            (0..len).for_each(|j| roles[j] += volume / per[j]);
        }
        let staff_saving = &mut staff_saving[..len];
        for j in 0..len {
            let fte = self.staff_fixed + strategic[j] + roles[j];
            staff_saving[j] = 1.0 - fte / self.staff_today;
        }
        // Each category's saving from the posts that apply to it, summed in the order of
        // the posts; each rate is turned into a fraction once, not once per category.
        let fraction = roles;
        let cats = self.cost0_total.len();
        for c in 0..cats {
            row(cat_saving, c, w, len).fill(-0.0);
        }
        for p in &self.savings {
            let rate = x(p.rate);
            (0..len).for_each(|j| fraction[j] = rate[j] / 100.0);
            for (c, &applies) in p.applies.iter().enumerate() {
                let posts = row(cat_saving, c, w, len);
                (0..len).for_each(|j| posts[j] += fraction[j] * applies);
            }
        }
        for c in 0..cats {
            let s = row(cat_saving, c, w, len);
            for j in 0..len {
                s[j] = self.savings_capture * (staff_saving[j] * self.staff_applies[c] + s[j]);
            }
        }

        // Each category's yearly growth factor.
        for (c, &slot) in self.cat_growth.iter().enumerate() {
            let g = x(slot);
            let growth = row(cat_growth, c, w, len);
            (0..len).for_each(|j| growth[j] = 1.0 + g[j] / 100.0);
        }

        // Saving share at full effect, in the second year after migration ends (also when
        // that year lies past the horizon).
        let (cur, saved) = (&mut *current_total, &mut *saved_total);
        cur.fill(0.0);
        saved.fill(0.0);
        for c in 0..cats {
            let (g, s) = (&cat_growth[c * w..c * w + len], &cat_saving[c * w..c * w + len]);
            powi_each(power, g, |j| (start as f64 + end_rel[j] + 2.0) as i32);
            for j in 0..len {
                let cost = self.cost0_total[c] * power[j];
                cur[j] += cost;
                saved[j] += cost * s[j];
            }
        }
        for (f, (s, c)) in saving_share_full[..len].iter_mut().zip(saved.iter().zip(cur.iter())) {
            *f = s / c;
        }

        // Year by year; category costs compound by one growth factor a year.
        for c in 0..cats {
            row(cat_cost, c, w, len).fill(self.cost0_total[c]);
        }
        cum[..(k_count + 1) * w].fill(0.0);
        npv[..k_count * w].fill(0.0);
        payback_year[..(k_count + 1) * w].fill(NO_PAYBACK);
        for t in 0..n {
            let year = self.base_year + t as i32;
            let rel = t as i64 - start as i64;
            let relf = rel as f64;
            if rel < 0 {
                effect.fill(0.0);
            } else {
                let y = rel as usize;
                for j in 0..len {
                    effect[j] = (0.5 * overlap(d[j], d[j] + 12.0, y) + overlap(d[j] + 12.0, f64::INFINITY, y)) / 12.0;
                }
            }
            current_total.fill(0.0);
            saved_total.fill(0.0);
            for c in 0..cats {
                let cost = row(cat_cost, c, w, len);
                if t > 0 {
                    let g = &cat_growth[c * w..c * w + len];
                    (0..len).for_each(|j| cost[j] *= g[j]);
                }
                let s = &cat_saving[c * w..c * w + len];
                for j in 0..len {
                    current_total[j] += cost[j];
                    saved_total[j] += cost[j] * effect[j] * s[j];
                }
            }
            let jt = row(joint_totals, t, w, len);
            let ex = &extras[t * w..t * w + len];
            for j in 0..len {
                jt[j] = current_total[j] - saved_total[j] + ex[j];
            }
            let jt = &*jt;
            let discount = self.discount_factor[t];
            let net_total = row(net_sum, t, w, len);
            let joint_split = row(joint_sum, t, w, len);
            net_total.fill(0.0);
            joint_split.fill(0.0);
            for k in 0..k_count {
                let i = (k * n + t) * w;
                let cur = &mut current[i..i + len];
                match &self.baseline_key {
                    Some(share) => (0..len).for_each(|j| cur[j] = share[k] * current_total[j]),
                    None => {
                        cur.fill(-0.0);
                        for c in 0..cats {
                            let g = &cat_growth[c * w..c * w + len];
                            (0..len).for_each(|j| cur[j] += self.cost0[k][c] * g[j].powi(t as i32));
                        }
                    }
                }
                let (jnt, nb) = (&mut joint[i..i + len], &mut net[i..i + len]);
                let (est, tra, full) = (self.key_establishment[k], self.key_transition[k], self.key_full[k]);
                let npv = row(npv, k, w, len);
                if rel < 0 {
                    jnt.copy_from_slice(cur);
                } else {
                    // All three splits, then a choice per run: selects, not branches.
                    for j in 0..len {
                        let establishing = cur[j] + est * (jt[j] - current_total[j]);
                        let (transition, full) = (tra * jt[j], full * jt[j]);
                        let after = if relf == end_rel[j] + 1.0 { transition } else { full };
                        jnt[j] = if relf <= end_rel[j] { establishing } else { after };
                    }
                }
                for j in 0..len {
                    nb[j] = cur[j] - jnt[j];
                    npv[j] += nb[j] * discount;
                    net_total[j] += nb[j];
                    joint_split[j] += jnt[j];
                }
                if rel >= 0 {
                    track_payback(row(cum, k, w, len), row(payback_year, k, w, len), nb, year);
                }
            }
            if rel >= 0 {
                let k = k_count;
                track_payback(row(cum, k, w, len), row(payback_year, k, w, len), net_total, year);
            }
        }
        let npv_sum = &mut npv_sum[..len];
        npv_sum.fill(0.0);
        for k in 0..k_count {
            let v = &npv[k * w..k * w + len];
            (0..len).for_each(|j| npv_sum[j] += v[j]);
        }
        out.len = len;
    }

    /// The förstudie's three tables (seed 000 4.4) from this model at point values.
    pub fn point_tables(&self) -> PointTables {
        let mut o = self.new_outcome();
        self.evaluate(&self.point_values(), &mut o);
        let n = self.years.len();
        let last = (self.tables_last_year - self.base_year) as usize + 1;
        let rows =
            |v: &[f64]| -> Vec<Vec<f64>> { (0..self.names.len()).map(|k| v[k * n..k * n + last].to_vec()).collect() };
        PointTables {
            years: self.years[..last].to_vec(),
            kommuner: self.names.clone(),
            current: rows(&o.current),
            joint: rows(&o.joint),
            difference: rows(&o.net),
            establishment_msek: o.establishment_msek,
        }
    }
}
