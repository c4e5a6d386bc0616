//! The savings in one run: the rate per cost category at full effect, and how fast it takes
//! effect after migration ends (the scenario's `[savings_ramp]`): linearly, from nothing at the
//! end of migration to full effect `ramp_months` later.

use super::Draw;
use super::timeline::Timeline;
use crate::model::{Model, overlap};

/// One run's saving rates and cost growth.
#[derive(Debug, Clone, PartialEq)]
pub struct Savings {
    /// The staff saving at full effect: 1 − FTE of the joint organisation / FTE today
    /// (negative when it needs more staff than today).
    pub staff_saving: f64,
    /// Per cost category: the share of its cost saved at full effect.
    pub rate_by_category: Vec<f64>,
    /// Per cost category: 1 + its growth rate, a year.
    pub growth_factor: Vec<f64>,
}

/// One year's GGVV cost summed over the categories, MSEK.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sums {
    /// Today's cost.
    pub current_msek: f64,
    /// The saving on it at full effect.
    pub full_saving_msek: f64,
    /// Today's cost of the categories the staff saving works on, per FTE today: what a kommun
    /// pays for one IT FTE of its own that year.
    pub staff_msek_per_fte: f64,
}

impl Savings {
    pub fn new(model: &Model, draw: &Draw) -> Savings {
        // The staff: the scenario's total, or from the staffing ratios: volume / (volume per
        // FTE) per role, plus managers and strategic support.
        let fte = match draw.total_fte {
            Some(total) => total,
            None => {
                let roles_fte = model
                    .roles
                    .iter()
                    .zip(&draw.role_volume_per_fte)
                    .fold(-0.0, |sum, (&(volume, _), per_fte)| sum + volume / per_fte);
                model.staff_fixed + draw.strategic_fte.unwrap_or(0.0) + roles_fte
            }
        };
        let staff_saving = 1.0 - fte / model.staff_today;

        // Each category's saving from the posts that apply to it, summed in the order of the
        // posts, then the staff saving where it applies, scaled by the share captured.
        let mut rate_by_category = vec![-0.0; model.cost0_total.len()];
        for (post, rate_pct) in model.savings.iter().zip(&draw.saving_rate_pct) {
            let fraction = rate_pct / 100.0;
            for (rate, applies) in rate_by_category.iter_mut().zip(&post.applies) {
                *rate += fraction * applies;
            }
        }
        for (rate, staff_applies) in rate_by_category.iter_mut().zip(&model.staff_applies) {
            *rate = model.savings_capture * (staff_saving * staff_applies + *rate);
        }

        Savings {
            staff_saving,
            rate_by_category,
            growth_factor: draw.category_growth_pct.iter().map(|g| 1.0 + g / 100.0).collect(),
        }
    }

    /// Today's cost, its full saving and the staff cost per FTE, given each category's cost
    /// that year.
    pub fn sums_msek(&self, model: &Model, category_cost_msek: &[f64]) -> Sums {
        let (mut current, mut saved, mut staff) = (0.0, 0.0, 0.0);
        for (c, &cost) in category_cost_msek.iter().enumerate() {
            current += cost;
            saved += cost * self.rate_by_category[c];
            staff += cost * model.staff_applies[c];
        }
        Sums {
            current_msek: current,
            full_saving_msek: saved,
            staff_msek_per_fte: staff / model.staff_today,
        }
    }

    /// The saving as a share of today's cost in the year full effect is measured in (also when
    /// that year lies past the horizon), from the run's 2024 cost per category.
    pub fn share_at_full_effect(&self, model: &Model, timeline: &Timeline, category_2024_msek: &[f64]) -> f64 {
        let start = (model.start_year - model.base_year) as usize;
        let years_from_base = (start as f64
            + timeline.migration_end_offset_years
            + model.full_effect_years_after_migration as f64) as i32;
        let (mut current, mut saved) = (0.0, 0.0);
        for (c, &cost_2024) in category_2024_msek.iter().enumerate() {
            let cost = cost_2024 * self.growth_factor[c].powi(years_from_base);
            current += cost;
            saved += cost * self.rate_by_category[c];
        }
        saved / current
    }
}

/// How the months of one year divide between the establishment, the ramp to full effect and
/// full effect, as shares of the year; and the share of the full saving in effect during the
/// ramp's months of the year. All 0 before the start year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearSplit {
    /// Months before migration ends: each kommun still runs its own IT.
    pub establishing: f64,
    /// Months of the ramp (the transition key).
    pub transition: f64,
    /// Months at full effect (the full-effect key).
    pub full: f64,
    /// The saving realised in the ramp's months, as a share of a full year's full saving.
    pub ramp_effect: f64,
}

impl YearSplit {
    /// Year `rel` from the start year, with a ramp of `ramp_months` from the end of migration.
    pub fn new(timeline: &Timeline, ramp_months: f64, rel: i64) -> YearSplit {
        if rel < 0 {
            return YearSplit {
                establishing: 0.0,
                transition: 0.0,
                full: 0.0,
                ramp_effect: 0.0,
            };
        }
        let y = rel as usize;
        let (d, r) = (timeline.duration_months, ramp_months);
        let lo = 12.0 * y as f64;
        // The ramp's effect rises linearly from 0 at d to 1 at d + r: its integral over the
        // ramp's months of this year.
        let (a, b) = (d.max(lo), (d + r).min(lo + 12.0));
        let ramp = if b > a {
            (b - a) * (b + a - 2.0 * d) / (2.0 * r)
        } else {
            0.0
        };
        YearSplit {
            establishing: overlap(0.0, d, y) / 12.0,
            transition: overlap(d, d + r, y) / 12.0,
            full: overlap(d + r, f64::INFINITY, y) / 12.0,
            ramp_effect: ramp / 12.0,
        }
    }

    /// The share of the full saving in effect over the year.
    pub fn effect(&self) -> f64 {
        self.ramp_effect + self.full
    }
}
