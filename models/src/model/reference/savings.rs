//! The savings in one run: the rate per cost category at full effect, and how fast it takes
//! effect after migration ends (the scenario's `[savings_ramp]`).

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

impl Savings {
    pub fn new(model: &Model, draw: &Draw) -> Savings {
        // Staff from the staffing ratios: volume / (volume per FTE) per role, plus managers
        // and strategic support.
        let roles_fte = model
            .roles
            .iter()
            .zip(&draw.role_volume_per_fte)
            .fold(-0.0, |sum, (&(volume, _), per_fte)| sum + volume / per_fte);
        let fte = model.staff_fixed + draw.strategic_fte + roles_fte;
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

    /// Today's cost and the saving on it, summed over the categories, MSEK, given each
    /// category's cost that year and the share of the full saving in effect.
    pub fn current_and_saved_msek(&self, category_cost_msek: &[f64], effect: f64) -> (f64, f64) {
        let (mut current, mut saved) = (0.0, 0.0);
        for (cost, rate) in category_cost_msek.iter().zip(&self.rate_by_category) {
            current += cost;
            saved += cost * effect * rate;
        }
        (current, saved)
    }

    /// The saving as a share of today's cost in the year full effect starts (also when that
    /// year lies past the horizon).
    pub fn share_at_full_effect(&self, model: &Model, timeline: &Timeline) -> f64 {
        let start = (model.start_year - model.base_year) as usize;
        let years_from_base = (start as f64
            + timeline.migration_end_offset_years
            + model.full_effect_years_after_migration as f64) as i32;
        let (mut current, mut saved) = (0.0, 0.0);
        for c in 0..model.cost0_total.len() {
            let cost = model.cost0_total[c] * self.growth_factor[c].powi(years_from_base);
            current += cost;
            saved += cost * self.rate_by_category[c];
        }
        saved / current
    }
}

/// The share of the full saving in effect in year `rel` from the start year: 0 before the
/// start; from the end of migration the ramp's share for its months, then all of it.
pub fn effect_share(model: &Model, timeline: &Timeline, rel: i64) -> f64 {
    if rel < 0 {
        return 0.0;
    }
    let y = rel as usize;
    let (end, ramp) = (timeline.duration_months, model.half_effect_months);
    (model.half_effect_share * overlap(end, end + ramp, y) + overlap(end + ramp, f64::INFINITY, y)) / 12.0
}
