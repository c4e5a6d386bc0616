//! The cost model for one run, written to be read: one drawn value per named field in, the
//! run's [`Outcome`] out. Each step is a small module:
//! - [`timeline`]: how long the establishment takes, and which risks occur;
//! - [`establishment`]: its extra costs, year by year, inside and outside view;
//! - [`savings`]: the saving rate per category, and how fast it takes effect;
//! - [`allocation`]: today's and the joint cost of each kommun;
//! - [`npv`]: the discounted net benefit and the payback year.
//!
//! The run loop evaluates many runs side by side in [`Model::evaluate_lanes`] (`lanes.rs`) for
//! speed. Both do the same floating-point operations in the same order, so they agree to the
//! bit; `models/tests/reference.rs` checks it on random scenarios and draws. A change to the
//! model is made here first, then in the lanes, until that test passes again.
//!
//! This version allocates a little per run: it is for reading, for the förstudie's tables
//! ([`Model::point_tables`]) and for tests, not for the run loop.

pub mod allocation;
pub mod establishment;
pub mod npv;
pub mod savings;
pub mod timeline;

use super::{Model, Outcome};

/// One run's drawn value of each uncertain input, by name (units in the names).
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    pub project_labour_msek: f64,
    pub parallel_running_msek_per_year: f64,
    /// Growth of the parallel running's price, percent a year.
    pub parallel_growth_pct: f64,
    pub schedule_overrun_pct: f64,
    /// The reference class's overrun of the whole establishment cost (the outside view).
    pub reference_class_overrun_pct: f64,
    /// Per phase of the establishment.
    pub phase_duration_months: Vec<f64>,
    /// Per one-off item of the establishment.
    pub one_off_msek: Vec<f64>,
    /// Per risk of the register.
    pub risks: Vec<RiskDraw>,
    /// Per savings post.
    pub saving_rate_pct: Vec<f64>,
    /// Per cost category: the growth rate it follows, percent a year.
    pub category_growth_pct: Vec<f64>,
    pub strategic_fte: f64,
    /// Per staffing role: volume served per FTE.
    pub role_volume_per_fte: Vec<f64>,
}

/// One risk's draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskDraw {
    /// Uniform in [0, 1): the risk occurs when this is below its probability.
    pub occurs: f64,
    /// Extra cost if it occurs, MSEK.
    pub cost_msek: f64,
    /// Delay if it occurs, months.
    pub delay_months: f64,
}

impl Draw {
    /// The named values of draw `x` (in [`Model::input_names`] order).
    pub fn read(model: &Model, x: &[f64]) -> Draw {
        let slots = &model.slots;
        Draw {
            project_labour_msek: x[slots.labour],
            parallel_running_msek_per_year: x[slots.parallel],
            parallel_growth_pct: x[model.parallel_growth],
            schedule_overrun_pct: x[slots.schedule],
            reference_class_overrun_pct: x[slots.overrun],
            phase_duration_months: model.phases.iter().map(|p| x[p.duration]).collect(),
            one_off_msek: model.one_offs.iter().map(|&(slot, _)| x[slot]).collect(),
            risks: model
                .risks
                .iter()
                .map(|r| RiskDraw {
                    occurs: x[r.occurs],
                    cost_msek: x[r.cost],
                    delay_months: x[r.delay],
                })
                .collect(),
            saving_rate_pct: model.savings.iter().map(|p| x[p.rate]).collect(),
            category_growth_pct: model.cat_growth.iter().map(|&slot| x[slot]).collect(),
            strategic_fte: x[slots.strategic],
            role_volume_per_fte: model.roles.iter().map(|&(_, slot)| x[slot]).collect(),
        }
    }
}

/// Evaluate one draw `x` (in [`Model::input_names`] order): the same outcome as
/// [`Model::evaluate`], to the bit.
pub fn evaluate(model: &Model, x: &[f64]) -> Outcome {
    let draw = Draw::read(model, x);
    let (k_count, n) = (model.names.len(), model.years.len());
    let start = (model.start_year - model.base_year) as usize;

    let timeline = timeline::Timeline::new(model, &draw);
    let establishment = establishment::Establishment::new(model, &draw, &timeline);
    let savings = savings::Savings::new(model, &draw);
    let saving_share_full = savings.share_at_full_effect(model, &timeline);

    let mut out = Outcome {
        current: vec![0.0; k_count * n],
        joint: vec![0.0; k_count * n],
        net: vec![0.0; k_count * n],
        joint_total: vec![0.0; n],
        npv: vec![0.0; k_count],
        payback_year: vec![None; k_count + 1],
        establishment_msek: establishment.total_msek,
        establishment_inside_msek: establishment.inside_msek,
        establishment_outside_msek: establishment.outside_msek,
        duration_months: timeline.duration_months,
        migration_end_year: model.start_year + timeline.migration_end_offset_years as i32,
        staff_saving: savings.staff_saving,
        saving_share_full,
        extras: vec![0.0; n],
        lanes: None,
    };
    for (y, &extra) in establishment.by_year_msek.iter().enumerate() {
        if start + y < n {
            out.extras[start + y] = extra;
        }
    }

    // Year by year: the GGVV cost, its split per kommun, and the sums over the years.
    let mut category_cost_msek = model.cost0_total.clone();
    let mut payback = vec![npv::Payback::default(); k_count + 1];
    for t in 0..n {
        let year = model.base_year + t as i32;
        // Years from the start year; negative before the establishment starts.
        let rel = t as i64 - start as i64;
        if t > 0 {
            for (cost, growth) in category_cost_msek.iter_mut().zip(&savings.growth_factor) {
                *cost *= growth;
            }
        }
        let effect = savings::effect_share(model, &timeline, rel);
        let (current_total, saved_total) = savings.current_and_saved_msek(&category_cost_msek, effect);
        let joint_total = current_total - saved_total + out.extras[t];
        out.joint_total[t] = joint_total;

        let phase = allocation::Phase::of_year(rel, timeline.migration_end_offset_years, model);
        let mut net_total = 0.0;
        for (k, kommun_payback) in payback[..k_count].iter_mut().enumerate() {
            let current = allocation::current_msek(model, k, t, current_total, &savings.growth_factor);
            let joint = allocation::joint_msek(model, k, phase, current, current_total, joint_total);
            let net = current - joint;
            let i = k * n + t;
            (out.current[i], out.joint[i], out.net[i]) = (current, joint, net);
            out.npv[k] = npv::add_discounted(out.npv[k], net, model.discount_factor[t]);
            net_total += net;
            if rel >= 0 {
                kommun_payback.add(net, year);
            }
        }
        if rel >= 0 {
            payback[k_count].add(net_total, year);
        }
    }
    for (to, from) in out.payback_year.iter_mut().zip(&payback) {
        *to = from.year;
    }
    out
}
