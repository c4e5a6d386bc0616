//! The establishment's extra costs in one run, year by year: project labour by phase, parallel
//! running, the risks that occur and the one-off items.

use super::Draw;
use super::timeline::Timeline;
use crate::model::{Model, overlap};

/// The extra costs of one run's establishment, nominal MSEK.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    /// Per year from the start year to the one migration ends in (also past the horizon).
    pub by_year_msek: Vec<f64>,
    /// All years together.
    pub total_msek: f64,
}

impl Establishment {
    pub fn new(model: &Model, draw: &Draw, timeline: &Timeline) -> Establishment {
        let last = timeline.migration_end_offset_years as usize;
        let by_year_msek: Vec<f64> = (0..=last).map(|y| year_msek(model, draw, timeline, y)).collect();
        let total_msek = by_year_msek.iter().fold(0.0, |sum, x| sum + x);
        Establishment {
            by_year_msek,
            total_msek,
        }
    }
}

/// The extra cost of year `y` (0 = the start year), MSEK. Summed in the order the lanes sum.
fn year_msek(model: &Model, draw: &Draw, tl: &Timeline, y: usize) -> f64 {
    let d = tl.duration_months;
    let overrun = 1.0 + draw.migration_overrun_pct / 100.0;
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
        let cost = labour_msek * p.hours_share * overlap(a, b, y) / (b - a);
        extra += if p.migration { cost * overrun } else { cost };
    }

    // Parallel running from its start month to the end, in the price of the year; with the
    // migration overrun once migration starts.
    let p0 = model.parallel_start_month;
    let exponent = model.start_year + y as i32 - model.parallel_price_year;
    let price = (1.0 + draw.parallel_growth_pct / 100.0).powi(exponent);
    if d > p0 {
        let months = overlap(p0, m0.max(p0), y) + overrun * overlap(m0.max(p0), d, y);
        extra += draw.parallel_running_msek_per_year / 12.0 * months * price;
    }

    // The risks' cost, spread evenly over the establishment.
    extra += tl.risk_cost_msek * overlap(0.0, d, y) / d;

    // One-off items: migration items over the migration (with its overrun), others over the
    // whole establishment.
    for (&(_, migration), &amount) in model.one_offs.iter().zip(&draw.one_off_msek) {
        extra += if migration {
            amount * overlap(m0, d, y) / (d - m0).max(f64::MIN_POSITIVE) * overrun
        } else {
            amount * overlap(0.0, d, y) / d
        };
    }
    extra
}
