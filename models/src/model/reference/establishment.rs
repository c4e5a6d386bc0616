//! The establishment's extra costs in one run, year by year, by two methods on the same draw:
//! - the **inside view** (bottom-up): project labour by phase, parallel running, the risks that
//!   occur and the one-off items, with no overrun factor;
//! - the **outside view** (reference class): the förstudie's estimate × (1 + the reference
//!   class's overrun of the whole cost), laid out over the years as the inside view is.
//!
//! The scenario's `headline_view` says which one the kommuner pay (one correction for optimism
//! bias, never both stacked).

use super::Draw;
use super::timeline::Timeline;
use crate::model::{Model, overlap};

/// The extra costs of one run's establishment, nominal MSEK.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    /// The headline view per year from the start year to the one migration ends in (also past
    /// the horizon).
    pub by_year_msek: Vec<f64>,
    /// The headline view, all years together.
    pub total_msek: f64,
    /// The inside view, all years together.
    pub inside_msek: f64,
    /// The outside view: the reference estimate × (1 + overrun / 100).
    pub outside_msek: f64,
}

impl Establishment {
    pub fn new(model: &Model, draw: &Draw, timeline: &Timeline) -> Establishment {
        let last = timeline.migration_end_offset_years as usize;
        let inside_by_year: Vec<f64> = (0..=last).map(|y| year_msek(model, draw, timeline, y)).collect();
        let inside_msek = inside_by_year.iter().fold(0.0, |sum, x| sum + x);
        let outside_msek = model.reference_estimate_msek * (1.0 + draw.reference_class_overrun_pct / 100.0);
        if !model.headline_outside {
            return Establishment {
                by_year_msek: inside_by_year,
                total_msek: inside_msek,
                inside_msek,
                outside_msek,
            };
        }
        // The outside view's level on the inside view's timing (the drawn phases and delays).
        let scale = if inside_msek > 0.0 {
            outside_msek / inside_msek
        } else {
            0.0
        };
        Establishment {
            by_year_msek: inside_by_year.iter().map(|x| x * scale).collect(),
            total_msek: outside_msek,
            inside_msek,
            outside_msek,
        }
    }
}

/// The inside view's extra cost of year `y` (0 = the start year), MSEK. Summed in the order the
/// lanes sum.
fn year_msek(model: &Model, draw: &Draw, tl: &Timeline, y: usize) -> f64 {
    let d = tl.duration_months;
    let m0 = tl.migration_start_month;

    // Project labour, stretched with the duration, by each phase's share of the hours, spread
    // evenly over the phase's year of the (stretched) plan calendar.
    let labour_msek = draw.project_labour_msek * tl.stretch;
    let mut extra = 0.0;
    for p in &model.phases {
        let (a, b) = (
            12.0 * p.plan_offset * tl.calendar,
            12.0 * (p.plan_offset + 1.0) * tl.calendar,
        );
        extra += labour_msek * p.hours_share * overlap(a, b, y) / (b - a);
    }

    // Parallel running from its start month to the end, in the price of the year.
    let p0 = model.parallel_start_month;
    let exponent = model.start_year + y as i32 - model.parallel_price_year;
    let price = (1.0 + draw.parallel_growth_pct / 100.0).powi(exponent);
    if d > p0 {
        extra += draw.parallel_running_msek_per_year / 12.0 * overlap(p0, d, y) * price;
    }

    // The risks' cost, spread evenly over the establishment.
    extra += tl.risk_cost_msek * overlap(0.0, d, y) / d;

    // One-off items: migration items over the migration, others over the whole establishment.
    for (&(_, migration), &amount) in model.one_offs.iter().zip(&draw.one_off_msek) {
        extra += if migration {
            amount * overlap(m0, d, y) / (d - m0).max(f64::MIN_POSITIVE)
        } else {
            amount * overlap(0.0, d, y) / d
        };
    }
    extra
}
