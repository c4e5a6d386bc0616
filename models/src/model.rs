//! The cost model: one draw of the uncertain inputs in, one outcome per kommun and year out.
//!
//! The model reproduces the förstudie's method (seed 000 section 4.4) and adds the
//! uncertainty it leaves out:
//! - today's cost per category compounds at its growth rate; the GGVV total is split per
//!   kommun by the baseline key;
//! - the joint organisation carries today's cost less the savings realised so far, plus the
//!   establishment's extra costs, laid out month by month over the drawn establishment
//!   duration, by the scenario's headline view: the outside view (the förstudie's estimate ×
//!   the reference class's overrun) or the inside view (project labour, parallel running,
//!   one-off items and the risk register, bottom-up); both are computed on every draw;
//! - savings take effect after migration ends, rising linearly to full effect over the drawn
//!   ramp (the scenario's `[savings_ramp]`; 12 months gives the förstudie's half effect the
//!   year after migration);
//! - the joint cost is split per kommun by the allocation keys of the months of a year: the
//!   establishment's until migration ends, the transition key during the ramp, the full-effect
//!   key after it (month by month, so a delay moves the keys as smoothly as the savings);
//! - a kommun alone also pays its own security (`[counterfactual]`), and after joining the
//!   IT staff it keeps itself (`staffing.local_fte_per_kommun`), outside the keys.
//!
//! [`reference`] is the model written plainly for one run, one small module per step; the run
//! loop evaluates many runs side by side with the same arithmetic in [`Model::evaluate_lanes`]
//! (`lanes.rs`), and a property test checks that both give the same outcome to the bit.
//!
//! With every input at its point value the model gives the förstudie's own tables.

use sim::correlation::RankCorrelation;
use sim::dist::Input;
use sim::kernels::powi_each;

use crate::scenario::{HeadlineView, InputId, InputKind as K, Scenario, ScenarioError};

mod lanes;
pub mod reference;

pub use lanes::{Field, Lanes, NO_PAYBACK};

/// Indices of the uncertain inputs the model reads, in [`Scenario::inputs`] order.
#[derive(Debug, Clone)]
struct Slots {
    labour: usize,
    parallel: usize,
    schedule: usize,
    overrun: usize,
    strategic: Option<usize>,
    total_fte: Option<usize>,
    ramp: usize,
    local_fte: Option<usize>,
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
    /// Whether the headline (and the joint cost) takes the outside view of the establishment
    /// cost; else the inside view.
    headline_outside: bool,
    /// The estimate the reference class is applied to and costs are compared with, MSEK: the
    /// scenario's, or the inside view at point values.
    reference_estimate_msek: f64,
    /// The förstudie's range for the one-off cost, MSEK, if the scenario gives one.
    reference_range_msek: Option<[f64; 2]>,
    /// Notes on the scenario for the user (e.g. two optimism-bias corrections).
    warnings: Vec<String>,
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
    /// Plan-year offset of the first migration phase (where the migration one-offs start); the
    /// end of the establishment if no phase is marked as migration.
    migration_offset: f64,
    parallel_price_year: i32,
    parallel_growth: usize,
    parallel_start_month: f64,
    one_offs: Vec<(usize, bool)>,
    savings: Vec<SavingC>,
    /// Share of the savings potential captured (1 for the förstudie's case).
    savings_capture: f64,
    /// Years after the migration-end year in which the saving share at full effect is
    /// measured (2).
    full_effect_years_after_migration: i32,
    /// Input slots of the security a kommun alone pays and of its price growth.
    security: Option<(usize, usize)>,
    /// Per kommun: the input slot of its cost factor against its 2024 row.
    cost_factor: Vec<Option<usize>>,
    has_cost_factors: bool,
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
    /// Total one-off establishment cost by the headline view, nominal MSEK (all years, also
    /// past the horizon).
    pub establishment_msek: f64,
    /// The inside view (bottom-up) of the same run, nominal MSEK.
    pub establishment_inside_msek: f64,
    /// The outside view (reference class) of the same run, nominal MSEK.
    pub establishment_outside_msek: f64,
    /// Drawn establishment duration, months from January of the start year.
    pub duration_months: f64,
    /// Year in which migration ends.
    pub migration_end_year: i32,
    /// Staff saving rate at full effect (1 − FTE/today).
    pub staff_saving: f64,
    /// Saving at full effect in the year full effect starts (the second after the one migration
    /// ends in, by default), as a fraction of current cost.
    pub saving_share_full: f64,
    extras: Vec<f64>,
    /// Per year: the share of the year before migration ends (each kommun runs its own IT).
    pub own_share: Vec<f64>,
    /// Per year: the cost split by the transition key (the ramp's months), MSEK.
    pub transition_msek: Vec<f64>,
    /// Per year: the cost split by the full-effect key, MSEK.
    pub full_effect_msek: Vec<f64>,
    /// Per year: the local IT staff each kommun pays itself, MSEK.
    pub local_msek: Vec<f64>,
    /// One lane to evaluate in (taken out while [`Model::evaluate`] reads it back).
    lanes: Option<Box<Lanes>>,
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
    /// The one-off establishment cost at point values (headline view), MSEK.
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
        // A scenario read from a file is checked already; one built in code is checked here
        // (its alternatives' variants when an analysis derives them, through here).
        s.validate_runnable()?;
        let specs = s.inputs();
        let mut inputs = Vec::with_capacity(specs.len());
        let mut input_names = Vec::with_capacity(specs.len());
        for (name, spec) in &specs {
            // Validated at load; a Scenario built in code may still be wrong.
            let input = Input::new(spec).map_err(|e| ScenarioError::Built {
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
        let opt_slot = |path: &str| input_names.iter().position(|n| n == path);
        let growth_slot = |name: &str| slot(&InputId::growth(name).path());
        let correlation = match &s.correlation {
            None => None,
            Some(c) => {
                let located = |path: String, problem: String| ScenarioError::Built {
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
                duration: slot(&InputId::at(K::PhaseDuration, i).path()),
                migration: p.migration,
            })
            .collect();
        let point_duration_sum = phases.iter().map(|p| inputs[p.duration].point).sum();
        let years: Vec<i32> = (s.years.base_year..=s.years.horizon_year).collect();
        let volume = |name: &str| s.kommuner.iter().map(|k| k.volume(name).unwrap_or(0.0)).sum::<f64>();
        let mut model = Model {
            names: s.kommun_names(),
            slots: Slots {
                labour: slot(&InputId::single(K::ProjectLabour).path()),
                parallel: slot(&InputId::single(K::ParallelRunning).path()),
                schedule: slot(&InputId::single(K::ScheduleOverrun).path()),
                overrun: slot(&InputId::single(K::ReferenceClassOverrun).path()),
                strategic: opt_slot(&InputId::single(K::StrategicFte).path()),
                total_fte: opt_slot(&InputId::single(K::TotalFte).path()),
                ramp: slot(&InputId::single(K::SavingsRampMonths).path()),
                local_fte: opt_slot(&InputId::single(K::LocalFte).path()),
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
            headline_outside: e.headline_view == HeadlineView::Outside,
            // Set below from the model itself when the scenario leaves it out.
            reference_estimate_msek: e.reference_estimate_msek.unwrap_or(0.0),
            reference_range_msek: e.reference_range_msek,
            warnings: e.warnings(),
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
                .map(|i| (slot(&InputId::at(K::OneOffAmount, i).path()), e.one_off[i].migration))
                .collect(),
            savings: (0..s.savings.len())
                .map(|i| SavingC {
                    rate: slot(&InputId::at(K::SavingRate, i).path()),
                    applies: applies(&s.savings[i].applies_to_pct),
                })
                .collect(),
            savings_capture: s.savings_capture_pct / 100.0,
            full_effect_years_after_migration: s.savings_ramp.full_effect_years_after_migration as i32,
            security: s.counterfactual.as_ref().map(|c| {
                (
                    slot(&InputId::single(K::StandAloneSecurity).path()),
                    growth_slot(&c.security_growth),
                )
            }),
            cost_factor: (0..s.kommuner.len())
                .map(|i| opt_slot(&InputId::at(K::CostFactor, i).path()))
                .collect(),
            has_cost_factors: s.kommuner.iter().any(|k| k.cost_factor_pct.is_some()),
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
                        occurs: slot(&InputId::at(K::RiskOccurs, i).path()),
                        cost: slot(&InputId::risk(K::RiskCost, i, case).path()),
                        delay: slot(&InputId::risk(K::RiskDelay, i, case).path()),
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
                        slot(&InputId::at(K::RolePerFte, i).path()),
                    )
                })
                .collect(),
            streams: input_names.iter().map(|n| sim::stream_id(n)).collect(),
            correlation,
            inputs,
            input_names,
            years,
        };
        if e.reference_estimate_msek.is_none() {
            // The inside view does not depend on the estimate.
            model.reference_estimate_msek =
                reference::evaluate(&model, &model.point_values()).establishment_inside_msek;
        }
        Ok(model)
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

    /// The förstudie's estimate of the one-off cost, MSEK: the base of the outside view and the
    /// figure costs are compared with. The scenario's `reference_estimate_msek`, or the inside
    /// view at point values (the estimate the förstudie's tables imply).
    pub fn reference_estimate_msek(&self) -> f64 {
        self.reference_estimate_msek
    }

    /// The förstudie's range for the one-off cost `[low, high]`, MSEK, if the scenario has one.
    pub fn reference_range_msek(&self) -> Option<[f64; 2]> {
        self.reference_range_msek
    }

    /// Which view of the establishment cost the headline takes: "outside" or "inside".
    pub fn headline_view(&self) -> HeadlineView {
        if self.headline_outside {
            HeadlineView::Outside
        } else {
            HeadlineView::Inside
        }
    }

    /// Notes on the scenario for the user: valid, but worth a second look.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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
            establishment_inside_msek: 0.0,
            establishment_outside_msek: 0.0,
            duration_months: 0.0,
            migration_end_year: self.start_year,
            staff_saving: 0.0,
            saving_share_full: 0.0,
            extras: vec![0.0; n],
            own_share: vec![0.0; n],
            transition_msek: vec![0.0; n],
            full_effect_msek: vec![0.0; n],
            local_msek: vec![0.0; n],
            lanes: Some(Box::new(self.new_lanes(1))),
        }
    }

    /// The förstudie's three tables (seed 000 4.4) from this model at point values, by the
    /// plain [`reference`] model (the same figures as [`Model::evaluate`], to the bit).
    pub fn point_tables(&self) -> PointTables {
        let o = reference::evaluate(self, &self.point_values());
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
