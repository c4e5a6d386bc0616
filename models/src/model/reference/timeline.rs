//! How long the establishment takes in a run, and what its risks add.

use super::Draw;
use crate::model::Model;

/// The establishment's calendar in one run. Months count from January of the start year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeline {
    /// The drawn duration: the plan stretched by the drawn phase durations and the schedule
    /// overrun, plus the delays of the risks that occur.
    pub duration_months: f64,
    /// Drawn duration / planned duration: project labour scales with it.
    pub stretch: f64,
    /// The plan's calendar (the years the förstudie books the phases in) squeezed or stretched
    /// to the drawn duration: run years per plan year.
    pub calendar: f64,
    /// Years from the start year to the one migration ends in (a whole number, at least 0).
    pub migration_end_offset_years: f64,
    /// When the (first) migration phase starts: the migration one-offs are spread from here.
    pub migration_start_month: f64,
    /// The mitigations' cost plus the cost of the risks that occur, MSEK.
    pub risk_cost_msek: f64,
}

impl Timeline {
    pub fn new(model: &Model, draw: &Draw) -> Timeline {
        let drawn_months = draw.phase_duration_months.iter().fold(-0.0, |sum, d| sum + d);
        let planned = model.planned_months;
        let mut duration_months =
            planned * (drawn_months / model.point_duration_sum) * (1.0 + draw.schedule_overrun_pct / 100.0);

        let (mut risk_cost_msek, mut risk_delay_months) = (model.mitigation_cost_msek, 0.0);
        for (risk, drawn) in model.risks.iter().zip(&draw.risks) {
            // Adding +0 for a risk that does not occur, as the lanes do: it turns a sum of -0
            // into +0.
            let occurs = drawn.occurs < risk.probability;
            risk_cost_msek += if occurs { drawn.cost_msek * risk.impact } else { 0.0 };
            risk_delay_months += if occurs { drawn.delay_months * risk.impact } else { 0.0 };
        }
        duration_months += risk_delay_months;

        let calendar = duration_months / (12.0 * model.plan_years);
        Timeline {
            duration_months,
            stretch: duration_months / planned,
            calendar,
            migration_end_offset_years: (duration_months / 12.0).ceil().max(1.0) - 1.0,
            migration_start_month: (12.0 * model.migration_offset * calendar).min(duration_months),
            risk_cost_msek,
        }
    }
}
