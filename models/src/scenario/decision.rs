//! `[decision]`: settings of the decision analyses (`keys`, `organisation`, `data-centre`,
//! `membership`). The analyses themselves are in [`crate::decision`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::dist::Input;

use super::error::Problems;
use super::kommuner::{Key, VOLUME_NAMES, VOLUMES};
use super::years::Years;

/// Decision settings in the scenario (`[decision]`). Every figure not in the seeds is an
/// assumption with its reason in the scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionSettings {
    /// Years over which the phase-in option moves from the cost-share key to the population key.
    pub phase_in_years: u32,
    /// Financing model 3 (combined): share of the joint cost that is base functions financed by
    /// key; the rest is charged by use.
    pub base_share_pct: f64,
    /// The key that base functions and model 1 use (a key name under `[keys]`).
    pub fixed_key: String,
    /// Usage measures for charging by use: kommun volumes ("users", "pcs", ...).
    pub use_measures: Vec<String>,
    pub organisation: Organisation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_centre: Option<DataCentre>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
}

/// A member leaving and a new member joining.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The kommun that gives notice, the year it does, and the notice period in years.
    pub exit_kommun: String,
    pub exit_notice_year: i32,
    pub notice_years: u32,
    /// The establishment cost is written off over this many years from the end of migration;
    /// the leaver pays its share of what is left, MSEK.
    pub depreciation_years: u32,
    /// Long contracts the leaver must carry its share of, MSEK in total.
    pub long_contracts_msek: f64,
    /// After leaving: the stayers' loss of scale: the saving falls by this percent of the
    /// leaver's share. (The leaver's cost of standing alone is the counterfactual's own,
    /// `[counterfactual]`, already in its current cost: not a second figure here.)
    pub scale_loss_pct_of_share: f64,
    /// A new member joining in `entry_year` with this many inhabitants; it pays an entry fee
    /// equal to its population share of the value built up, spread over `entry_fee_years`.
    pub entrant_name: String,
    pub entry_year: i32,
    pub entrant_inhabitants: f64,
    pub entry_fee_years: u32,
    /// The entrant's own pre-study of moving its IT in, MSEK, paid the year before entry.
    #[serde(default)]
    pub entrant_prestudy_msek: f64,
    /// The entrant's own integration project: percent of the run's inside-view one-off cost
    /// times its population share, paid by the entrant alone in its entry year.
    #[serde(default)]
    pub entrant_integration_pct_of_establishment: f64,
    /// Months from entry during which the entrant pays double costs while it migrates, and
    /// their size: this percent of its own (stand-alone) cost runs on beside its member fee.
    #[serde(default)]
    pub entrant_double_cost_months: f64,
    #[serde(default)]
    pub entrant_double_cost_pct_of_own_cost: f64,
    /// Probability, percent, that one member leaves during the establishment (any kommun, any
    /// month of it, drawn uniformly); its consequence for the rest is reported.
    #[serde(default)]
    pub establishment_exit_prob_pct: f64,
}

/// Existing (a member's) versus new data centre, with the compensation to the owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataCentre {
    /// The kommun that owns the existing data centre.
    pub owner: String,
    /// One-off cost of adapting the existing data centre, MSEK.
    pub existing_capex_msek: sim::DistSpec,
    /// The risk-register area whose "existing" case is the existing data centre's hidden cost
    /// (security level, fibre, network, storage): one figure, the same draw in `run`, `risks`
    /// and `datacentre`.
    #[serde(default = "default_hidden_cost_risk")]
    pub hidden_cost_risk: String,
    /// One-off cost of a new data centre, MSEK, and its lower running cost per year once
    /// migration is done, MSEK.
    pub new_capex_msek: sim::DistSpec,
    pub new_opex_saving_msek_per_year: sim::DistSpec,
    /// Compensation to the owner: sale at valuation, at book value, or a reduced fee per year
    /// for some years.
    pub valuation_msek: f64,
    pub book_value_msek: f64,
    pub reduced_fee_msek_per_year: f64,
    pub reduced_fee_years: u32,
    /// With a new data centre, the share of its book value the owner recovers (by other use or
    /// sale), percent.
    pub stranded_recovery_pct: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Swedish corporate income tax on an AB's surplus, percent (20.6 % from 2021).
    pub corporate_tax_pct: f64,
    /// Pricing policies of an AB to compare: markup on its costs, percent (0 = priced at cost).
    pub ab_markups_pct: Vec<f64>,
    /// The owners' capital in an AB: the most they lose if it fails, MSEK in total.
    pub ab_share_capital_msek: f64,
}

impl DecisionSettings {
    /// The key and measures named, the shares, and each sub-section; `names` are the
    /// scenario's kommuner.
    pub(crate) fn check(&self, keys: &BTreeMap<String, Key>, names: &[&str], y: &Years, out: &mut Problems) {
        let d = self;
        if !keys.contains_key(&d.fixed_key) {
            out.bad(
                "decision.fixed_key",
                format!("unknown key \"{}\"", d.fixed_key),
                "name a key under [keys]",
            );
        }
        for (i, m) in d.use_measures.iter().enumerate() {
            if !VOLUME_NAMES.contains(&m.as_str()) {
                out.bad(
                    format!("decision.use_measures[{i}]"),
                    format!("unknown volume \"{m}\""),
                    &format!("use one of: {VOLUMES}"),
                );
            }
        }
        if !(0.0..=100.0).contains(&d.base_share_pct) {
            out.bad(
                "decision.base_share_pct",
                format!("base share {} % lies outside 0..100", d.base_share_pct),
                "give a percentage between 0 and 100",
            );
        }
        if !(1..=50).contains(&d.phase_in_years) {
            out.bad(
                "decision.phase_in_years",
                format!("{} years is not a usable phase-in", d.phase_in_years),
                "give 1 to 50 years",
            );
        }
        d.organisation.check_tax_and_markups(out);
        if let Some(dc) = &d.data_centre {
            dc.check(names, out);
        }
        if let Some(ms) = &d.membership {
            ms.check(names, y, out);
        }
        d.organisation.check_capital(out);
    }
}

impl Organisation {
    fn check_tax_and_markups(&self, out: &mut Problems) {
        if !(0.0..100.0).contains(&self.corporate_tax_pct) {
            out.bad(
                "decision.organisation.corporate_tax_pct",
                format!("tax {} % lies outside 0..100", self.corporate_tax_pct),
                "Swedish corporate tax is 20.6 %",
            );
        }
        for (i, m) in self.ab_markups_pct.iter().enumerate() {
            if !(0.0..=100.0).contains(m) {
                out.bad(
                    format!("decision.organisation.ab_markups_pct[{i}]"),
                    format!("markup {m} % lies outside 0..100"),
                    "give the AB's markup on its costs in percent",
                );
            }
        }
    }

    fn check_capital(&self, out: &mut Problems) {
        if !(self.ab_share_capital_msek.is_finite() && self.ab_share_capital_msek >= 0.0) {
            out.bad(
                "decision.organisation.ab_share_capital_msek",
                format!("share capital {} MSEK must be zero or more", self.ab_share_capital_msek),
                "give the owners' capital in MSEK",
            );
        }
    }
}

impl DataCentre {
    fn check(&self, names: &[&str], out: &mut Problems) {
        let dc = self;
        let base = "decision.data_centre";
        if !names.contains(&dc.owner.as_str()) {
            out.bad(
                format!("{base}.owner"),
                format!("\"{}\" is not a kommun of this scenario", dc.owner),
                "name the kommun that owns the existing data centre",
            );
        }
        for (f, spec) in [
            ("existing_capex_msek", &dc.existing_capex_msek),
            ("new_capex_msek", &dc.new_capex_msek),
            ("new_opex_saving_msek_per_year", &dc.new_opex_saving_msek_per_year),
        ] {
            match Input::new(spec) {
                Err(e) => out.bad(format!("{base}.{f}.{}", e.param), e.problem.clone(), &e.hint),
                Ok(i) if i.lo < 0.0 || !i.hi.is_finite() => {
                    out.bad(
                        format!("{base}.{f}"),
                        format!(
                            "possible values {}..{}: an amount must be non-negative and bounded",
                            i.lo, i.hi
                        ),
                        "narrow the distribution's range",
                    );
                }
                Ok(_) => {}
            }
        }
        if !(0.0..=100.0).contains(&dc.stranded_recovery_pct) {
            out.bad(
                format!("{base}.stranded_recovery_pct"),
                format!("{} % lies outside 0..100", dc.stranded_recovery_pct),
                "give the share of book value recovered, 0..100",
            );
        }
        for (f, x) in [
            ("valuation_msek", dc.valuation_msek),
            ("book_value_msek", dc.book_value_msek),
            ("reduced_fee_msek_per_year", dc.reduced_fee_msek_per_year),
        ] {
            if !(x.is_finite() && x >= 0.0) {
                out.bad(
                    format!("{base}.{f}"),
                    format!("{x} must be a non-negative amount"),
                    "give the amount in MSEK",
                );
            }
        }
        if dc.reduced_fee_years > 50 {
            out.bad(
                format!("{base}.reduced_fee_years"),
                format!("{} years is not usable", dc.reduced_fee_years),
                "give 0 to 50 years",
            );
        }
    }
}

impl Membership {
    fn check(&self, names: &[&str], y: &Years, out: &mut Problems) {
        let ms = self;
        let base = "decision.membership";
        if !names.contains(&ms.exit_kommun.as_str()) {
            out.bad(
                format!("{base}.exit_kommun"),
                format!("\"{}\" is not a kommun of this scenario", ms.exit_kommun),
                "name the kommun that leaves",
            );
        }
        for (f, year) in [("exit_notice_year", ms.exit_notice_year), ("entry_year", ms.entry_year)] {
            if !(y.start_year <= year && year <= y.horizon_year) {
                out.bad(
                    format!("{base}.{f}"),
                    format!("{year} lies outside {}..{}", y.start_year, y.horizon_year),
                    "give a year within the appraisal",
                );
            }
        }
        for (f, v) in [
            ("notice_years", ms.notice_years),
            ("depreciation_years", ms.depreciation_years),
            ("entry_fee_years", ms.entry_fee_years),
        ] {
            if !(1..=50).contains(&v) {
                out.bad(
                    format!("{base}.{f}"),
                    format!("{v} years is not usable"),
                    "give 1 to 50 years",
                );
            }
        }
        for (f, v) in [
            ("long_contracts_msek", ms.long_contracts_msek),
            ("entrant_inhabitants", ms.entrant_inhabitants),
            ("entrant_prestudy_msek", ms.entrant_prestudy_msek),
            (
                "entrant_integration_pct_of_establishment",
                ms.entrant_integration_pct_of_establishment,
            ),
            ("entrant_double_cost_months", ms.entrant_double_cost_months),
            (
                "entrant_double_cost_pct_of_own_cost",
                ms.entrant_double_cost_pct_of_own_cost,
            ),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                out.bad(
                    format!("{base}.{f}"),
                    format!("{v} must be zero or more"),
                    "give a non-negative number",
                );
            }
        }
        if !(0.0..=100.0).contains(&ms.establishment_exit_prob_pct) {
            out.bad(
                format!("{base}.establishment_exit_prob_pct"),
                format!("{} % lies outside 0..100", ms.establishment_exit_prob_pct),
                "give a probability in percent",
            );
        }
        if !(0.0..=100.0).contains(&ms.scale_loss_pct_of_share) {
            out.bad(
                format!("{base}.scale_loss_pct_of_share"),
                format!("{} % lies outside 0..100", ms.scale_loss_pct_of_share),
                "give a percentage",
            );
        }
    }
}

fn default_hidden_cost_risk() -> String {
    "Ekonomi och investeringar".into()
}
