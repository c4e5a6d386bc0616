//! Who pays: today's cost per kommun by the baseline split, and the joint organisation's cost
//! per kommun by the allocation keys of the phase a year belongs to.

use crate::model::Model;

/// The phase of a year, which decides the allocation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before the start year: each kommun runs its own IT as today.
    Before,
    /// From the start year to the one migration ends in: each kommun keeps its own cost and
    /// pays its establishment-key share of the joint extra cost.
    Establishing,
    /// The years after migration until full effect: the transition key.
    Transition,
    /// From the year full effect starts: the full-effect key.
    FullEffect,
}

impl Phase {
    /// The phase of year `rel` from the start year, when migration ends in year
    /// `migration_end_offset_years` from it.
    pub fn of_year(rel: i64, migration_end_offset_years: f64, model: &Model) -> Phase {
        let (rel, end) = (rel as f64, migration_end_offset_years);
        if rel < 0.0 {
            Phase::Before
        } else if rel <= end {
            Phase::Establishing
        } else if rel < end + model.full_effect_years_after_migration as f64 {
            Phase::Transition
        } else {
            Phase::FullEffect
        }
    }
}

/// Today's cost of kommun `k` in year index `t`, MSEK: its share of the GGVV total by the
/// baseline key, or its own categories compounded.
pub fn current_msek(model: &Model, k: usize, t: usize, current_total_msek: f64, growth_factor: &[f64]) -> f64 {
    match &model.baseline_key {
        Some(share) => share[k] * current_total_msek,
        None => (0..growth_factor.len()).fold(-0.0, |sum, c| sum + model.cost0[k][c] * growth_factor[c].powi(t as i32)),
    }
}

/// The joint organisation's cost to kommun `k`, MSEK, given its cost today, today's GGVV cost
/// and the joint GGVV cost of the year.
pub fn joint_msek(
    model: &Model,
    k: usize,
    phase: Phase,
    current_msek: f64,
    current_total_msek: f64,
    joint_total_msek: f64,
) -> f64 {
    match phase {
        Phase::Before => current_msek,
        Phase::Establishing => current_msek + model.key_establishment[k] * (joint_total_msek - current_total_msek),
        Phase::Transition => model.key_transition[k] * joint_total_msek,
        Phase::FullEffect => model.key_full[k] * joint_total_msek,
    }
}
