//! Who pays: today's cost per kommun by the baseline split (with each kommun's true cost
//! against its 2024 row), what staying alone adds to it, and the joint organisation's cost per
//! kommun by the allocation keys of the months of a year (establishment, ramp, full effect).

use super::Draw;
use super::savings::{Sums, YearSplit};
use crate::model::Model;

/// One run's 2024 cost: per category for GGVV, and how it divides per kommun.
#[derive(Debug, Clone, PartialEq)]
pub struct KommunCosts {
    /// GGVV's 2024 cost per category, MSEK, with each kommun's cost factor.
    pub category_2024_msek: Vec<f64>,
    /// Per kommun: its share of today's GGVV cost (the baseline key, weighted by the cost
    /// factors), when today's cost is split by a key.
    pub share: Option<Vec<f64>>,
    /// Per kommun: its cost factor (1 without one).
    pub factor: Vec<f64>,
}

impl KommunCosts {
    pub fn new(model: &Model, draw: &Draw) -> KommunCosts {
        let factor: Vec<f64> = draw
            .cost_factor_pct
            .iter()
            .map(|f| f.map_or(1.0, |p| p / 100.0))
            .collect();
        if !model.has_cost_factors {
            return KommunCosts {
                category_2024_msek: model.cost0_total.clone(),
                share: model.baseline_key.clone(),
                factor,
            };
        }
        match &model.baseline_key {
            Some(key) => {
                // The GGVV total grows with the kommuner's factors, weighted by their shares.
                let total = (0..key.len()).fold(0.0, |sum, k| sum + factor[k] * key[k]);
                KommunCosts {
                    category_2024_msek: model.cost0_total.iter().map(|c| c * total).collect(),
                    share: Some((0..key.len()).map(|k| factor[k] * key[k] / total).collect()),
                    factor,
                }
            }
            None => KommunCosts {
                category_2024_msek: (0..model.cost0_total.len())
                    .map(|c| (0..factor.len()).fold(0.0, |sum, k| sum + factor[k] * model.cost0[k][c]))
                    .collect(),
                share: None,
                factor,
            },
        }
    }

    /// Today's cost of kommun `k` in year index `t`, MSEK, before what staying alone adds: its
    /// share of the GGVV total, or its own categories compounded (times its factor).
    pub fn current_msek(
        &self,
        model: &Model,
        k: usize,
        t: usize,
        current_total_msek: f64,
        growth_factor: &[f64],
    ) -> f64 {
        match &self.share {
            Some(share) => share[k] * current_total_msek,
            None => {
                let own = (0..growth_factor.len())
                    .fold(-0.0, |sum, c| sum + model.cost0[k][c] * growth_factor[c].powi(t as i32));
                if model.has_cost_factors {
                    self.factor[k] * own
                } else {
                    own
                }
            }
        }
    }
}

/// One year's costs for the split, MSEK.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YearCosts {
    /// The security a kommun alone pays this year (each kommun the same).
    pub security_msek: f64,
    /// The local IT staff each kommun pays itself this year, after migration ends.
    pub local_msek: f64,
    /// The joint organisation's cost: today's, less the saving in effect, plus the
    /// establishment's extra cost.
    pub shared_msek: f64,
    /// The establishment's extra cost (the establishment key).
    pub extras_msek: f64,
    /// The share of the year before migration ends.
    pub establishing: f64,
    /// The cost of the ramp's months (the transition key).
    pub transition_msek: f64,
    /// The cost of the months at full effect (the full-effect key).
    pub full_effect_msek: f64,
}

impl YearCosts {
    /// Year `rel` from the start year.
    pub fn new(draw: &Draw, sums: &Sums, split: &YearSplit, extras_msek: f64, rel: i64) -> YearCosts {
        let (current, full_saving) = (sums.current_msek, sums.full_saving_msek);
        let security_msek = match (draw.security_msek_per_year, draw.security_growth_pct) {
            (Some(amount), Some(growth)) if rel >= 0 => amount * (1.0 + growth / 100.0).powi(rel as i32),
            _ => 0.0,
        };
        let local_msek = match draw.local_fte_per_kommun {
            Some(fte) => fte * sums.staff_msek_per_fte * (split.transition + split.full),
            None => 0.0,
        };
        YearCosts {
            security_msek,
            local_msek,
            shared_msek: current - full_saving * split.effect() + extras_msek,
            extras_msek,
            establishing: split.establishing,
            transition_msek: split.transition * current - split.ramp_effect * full_saving,
            full_effect_msek: split.full * current - split.full * full_saving,
        }
    }

    /// The kommuner's joint-case costs together: the joint organisation's, their own IT before
    /// migration ends (security included) and their local staff.
    pub fn joint_total_msek(&self, kommuner: usize) -> f64 {
        let k = kommuner as f64;
        self.shared_msek + self.establishing * (k * self.security_msek) + k * self.local_msek
    }

    /// The joint-case cost of kommun `k`, MSEK, given its cost alone this year: its own IT
    /// for the months before migration ends, its key shares of the establishment's extras, of
    /// the ramp's months and of the months at full effect, and its local staff.
    pub fn joint_msek(&self, model: &Model, k: usize, rel: i64, current_msek: f64) -> f64 {
        if rel < 0 {
            return current_msek;
        }
        self.establishing * current_msek
            + model.key_establishment[k] * self.extras_msek
            + model.key_transition[k] * self.transition_msek
            + model.key_full[k] * self.full_effect_msek
            + self.local_msek
    }
}
