//! Decision analysis for the boards: the same random draws under different allocation keys,
//! financing models and organisation forms, per kommun.
//!
//! Allocation and financing options only move money between kommuner: for every draw the
//! joint cost is the same; each option splits it differently. So the options are compared on
//! common random numbers by re-splitting each run's joint cost (the outcome of the scenario's
//! own model), and the kommuner's NPVs under every option always add up to the same total.

use serde::Serialize;
use sim::stats::{Proportion, Stat};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan, NamedDraws};
use crate::model::{Model, Outcome};
use crate::scenario::{DecisionSettings, InputId, InputKind, Scenario, lowercase_first};

/// How an option splits the joint cost: a key during establishment, then a key per year after
/// migration ends (the last one repeats).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPath {
    pub name: String,
    /// The name in the English report.
    pub name_en: String,
    pub establishment: Vec<f64>,
    pub after: Vec<Vec<f64>>,
    /// The key of the savings ramp's months, month by month as the model splits them (the
    /// scenario's transition key; the last of `after` from full effect on); `None`: the year's
    /// key of `after`.
    pub ramp_key: Option<Vec<f64>>,
}

fn normalised(v: Vec<f64>) -> Vec<f64> {
    let s: f64 = v.iter().sum();
    v.into_iter().map(|x| x / s).collect()
}

fn key(s: &Scenario, name: &str) -> Option<Vec<f64>> {
    let k = s.keys.get(name)?;
    Some(normalised(
        s.kommuner
            .iter()
            .map(|km| k.shares_pct.get(&km.name).copied().unwrap_or(0.0))
            .collect(),
    ))
}

fn volume_key(s: &Scenario, measure: &str) -> Option<Vec<f64>> {
    let v: Option<Vec<f64>> = s.kommuner.iter().map(|k| k.volume(measure)).collect();
    let v = v?;
    (v.iter().sum::<f64>() > 0.0).then(|| normalised(v))
}

fn blend(a: &[f64], b: &[f64], w_b: f64) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| (1.0 - w_b) * x + w_b * y).collect()
}

/// The options `riskkalkyl keys` compares; the first is the scenario's own allocation.
pub fn key_paths(s: &Scenario, d: &DecisionSettings) -> Vec<KeyPath> {
    let mix = |w: &std::collections::BTreeMap<String, f64>| -> Vec<f64> {
        let mut v = vec![0.0; s.kommuner.len()];
        for (name, weight) in w {
            if let Some(k) = key(s, name) {
                v.iter_mut().zip(k).for_each(|(x, share)| *x += weight / 100.0 * share);
            }
        }
        normalised(v)
    };
    let a = &s.allocation;
    let mut paths = vec![KeyPath {
        name: "Förstudiens väg (scenariots fördelning)".into(),
        name_en: "The förstudie's path (the scenario's allocation)".into(),
        establishment: mix(&a.establishment_weights_pct),
        after: vec![mix(&a.transition_weights_pct), mix(&a.full_effect_weights_pct)],
        ramp_key: Some(mix(&a.transition_weights_pct)),
    }];
    for (name, k) in &s.keys {
        let v = key(s, name).unwrap_or_default();
        paths.push(KeyPath {
            name: format!(
                "Hela kostnaden efter nyckeln {name} ({})",
                k.description.clone().unwrap_or_default()
            ),
            // Named by its description alone (the report's glossary turns key ids into
            // Swedish words).
            name_en: format!(
                "The whole cost by {}",
                k.description_en
                    .as_deref()
                    .map_or_else(|| name.replace('_', " "), lowercase_first)
            ),
            establishment: v.clone(),
            after: vec![v],
            ramp_key: None,
        });
    }
    if let (Some(cs), Some(pop)) = (key(s, "cost_share"), key(s, "population")) {
        let n = d.phase_in_years.max(1);
        paths.push(KeyPath {
            name: format!("Infasning från kostnadsandel till befolkning över {n} år"),
            name_en: format!("Phase-in from cost share to population over {n} years"),
            establishment: pop.clone(),
            after: (1..=n).map(|j| blend(&cs, &pop, j as f64 / n as f64)).collect(),
            ramp_key: None,
        });
    }
    if let Some(fixed) = key(s, &d.fixed_key) {
        paths.push(KeyPath {
            name: format!(
                "Finansieringsmodell 1: kommunbidrag efter fast nyckel ({})",
                d.fixed_key
            ),
            name_en: format!(
                "Financing model 1: member contributions by a fixed key ({})",
                d.fixed_key
            ),
            establishment: fixed.clone(),
            after: vec![fixed.clone()],
            ramp_key: None,
        });
        for m in &d.use_measures {
            if let Some(usage) = volume_key(s, m) {
                paths.push(KeyPath {
                    name: format!("Finansieringsmodell 2: debitering efter användning ({m})"),
                    name_en: format!("Financing model 2: charging by use ({m})"),
                    establishment: usage.clone(),
                    after: vec![usage.clone()],
                    ramp_key: None,
                });
                let combined = blend(&usage, &fixed, d.base_share_pct / 100.0);
                paths.push(KeyPath {
                    name: format!(
                        "Finansieringsmodell 3: kombinerad ({} % bas efter {}, resten efter {m})",
                        d.base_share_pct, d.fixed_key
                    ),
                    name_en: format!(
                        "Financing model 3: combined ({} % base by {}, the rest by {m})",
                        d.base_share_pct, d.fixed_key
                    ),
                    establishment: combined.clone(),
                    after: vec![combined],
                    ramp_key: None,
                });
            }
        }
    }
    paths
}

/// Re-split one run's joint cost by `path` and return each kommun's NPV (MSEK) in `npv`: month
/// by month as the model splits it (each kommun's own IT until migration ends, the
/// establishment's extras by the establishment key, the ramp's and full effect's months by the
/// path's keys after migration), with each kommun's own local staff outside the keys.
pub fn npv_under(model: &Model, o: &Outcome, path: &KeyPath, npv: &mut [f64]) {
    let years = model.years();
    let n = years.len();
    let r = model.discount_rate_pct() / 100.0;
    let extras = o.establishment_by_year();
    npv.iter_mut().for_each(|v| *v = 0.0);
    for (t, &year) in years.iter().enumerate() {
        let discount = (1.0 + r).powi(year - model.npv_base_year());
        let j = (year - o.migration_end_year).max(1) as usize;
        let after = &path.after[(j - 1).min(path.after.len() - 1)];
        let (ramp, full) = match &path.ramp_key {
            Some(ramp) => (ramp, &path.after[path.after.len() - 1]),
            None => (after, after),
        };
        for (kk, v) in npv.iter_mut().enumerate() {
            let current = o.current[kk * n + t];
            let joint = if year < model.start_year() {
                current
            } else {
                o.own_share[t] * current
                    + path.establishment[kk] * extras[t]
                    + ramp[kk] * o.transition_msek[t]
                    + full[kk] * o.full_effect_msek[t]
                    + o.local_msek[t]
            };
            *v += (current - joint) / discount;
        }
    }
}

/// One option's results per kommun.
#[derive(Debug, Clone, Serialize)]
pub struct OptionResult {
    pub name: String,
    /// The name in the English report.
    pub name_en: String,
    pub npv: Vec<sim::Summary>,
    pub prob_net_loss: Vec<f64>,
    /// NPV under this option minus under the first (default) option, per kommun.
    pub change: Vec<sim::Summary>,
    /// P(this option gives the kommun a higher NPV than the default).
    pub prob_better: Vec<f64>,
    /// The four kommuner's NPVs added up (the same for every option, run by run).
    pub total_npv_mean: f64,
}

/// Per-option statistics on common draws: each kommun's NPV, P(loss), change against the
/// first option and P(better), and the total.
struct OptionStats {
    npv: Vec<Vec<Stat>>,
    change: Vec<Vec<Stat>>,
    loss: Vec<Vec<Proportion>>,
    better: Vec<Vec<Proportion>>,
    totals: Vec<Stat>,
}

impl OptionStats {
    fn new(options: usize, k: usize) -> OptionStats {
        OptionStats {
            npv: vec![vec![Stat::default(); k]; options],
            change: vec![vec![Stat::default(); k]; options],
            loss: vec![vec![Proportion::default(); k]; options],
            better: vec![vec![Proportion::default(); k]; options],
            totals: vec![Stat::default(); options],
        }
    }

    /// One draw: `v[option][kommun]`, NPV in MSEK; option 0 is the reference.
    fn push(&mut self, v: &[Vec<f64>]) {
        for (p, row) in v.iter().enumerate() {
            self.totals[p].push(row.iter().sum());
            for (kk, &x) in row.iter().enumerate() {
                self.npv[p][kk].push(x);
                self.loss[p][kk].push(x < 0.0);
                self.change[p][kk].push(x - v[0][kk]);
                self.better[p][kk].push(x > v[0][kk]);
            }
        }
    }

    /// One result per option, named by `names` (Swedish, English).
    fn results(&self, names: impl Iterator<Item = (String, String)>) -> Vec<OptionResult> {
        names
            .enumerate()
            .map(|(p, (name, name_en))| OptionResult {
                name,
                name_en,
                npv: self.npv[p].iter().map(Stat::summary).collect(),
                prob_net_loss: self.loss[p].iter().map(Proportion::p).collect(),
                change: self.change[p].iter().map(Stat::summary).collect(),
                prob_better: self.better[p].iter().map(Proportion::p).collect(),
                total_npv_mean: self.totals[p].moments.mean(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeysReport {
    pub unit: &'static str,
    pub runs: u64,
    pub seed: u64,
    pub kommuner: Vec<String>,
    pub options: Vec<OptionResult>,
    /// Largest difference, over runs and options, between an option's total NPV and the
    /// default's (an accounting check: should be rounding only).
    pub max_total_discrepancy_msek: f64,
}

/// The scenario's `[decision]` settings, which every decision analysis needs.
fn settings(s: &Scenario) -> Result<&DecisionSettings, AnalysisError> {
    s.decision.as_ref().ok_or(AnalysisError::MissingSection {
        section: "[decision] section",
    })
}

/// `riskkalkyl keys`: allocation keys and financing models ([`key_paths`]) compared on common
/// random numbers.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeysAnalysis;

impl Analysis for KeysAnalysis {
    type Report = KeysReport;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<KeysReport, AnalysisError> {
        let paths = key_paths(s, settings(s)?);
        let k = model.kommuner().len();
        let mut stats = OptionStats::new(paths.len(), k);
        let mut buf = vec![vec![0.0; k]; paths.len()];
        let mut worst: f64 = 0.0;
        plan.for_each_run(model, |_, _, o| {
            for (p, path) in paths.iter().enumerate() {
                npv_under(model, o, path, &mut buf[p]);
            }
            let base_total: f64 = buf[0].iter().sum();
            for row in &buf {
                worst = worst.max((row.iter().sum::<f64>() - base_total).abs());
            }
            stats.push(&buf);
            true
        });
        Ok(KeysReport {
            unit: "MSEK",
            runs: plan.runs(),
            seed: plan.seed(),
            kommuner: model.kommuner().to_vec(),
            options: stats.results(paths.iter().map(|p| (p.name.clone(), p.name_en.clone()))),
            max_total_discrepancy_msek: worst,
        })
    }
}

/// AB versus kommunalförbund for one pricing policy.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    pub ab_markup_pct: f64,
    /// NPV cost of corporate tax on the AB's surplus per kommun (MSEK, ≥ 0): the difference
    /// AB minus kommunalförbund in each kommun's NPV is minus this.
    pub tax_cost_npv: Vec<sim::Summary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgReport {
    pub unit: &'static str,
    pub runs: u64,
    pub kommuner: Vec<String>,
    pub corporate_tax_pct: f64,
    pub rows: Vec<OrgRow>,
    /// Establishment cost over the förstudie's estimate at P95 (MSEK): a bad outcome the
    /// organisation must fund.
    pub overrun_p95_msek: f64,
    /// Kommunalförbund: each kommun's share of that overrun by the establishment key, and its
    /// joint liability (members answer jointly for the förbund's debts: up to the whole).
    pub forbund_share_msek: Vec<f64>,
    pub forbund_joint_liability_msek: f64,
    /// AB: each owner's most it can lose, its share of the share capital (no guarantees
    /// assumed; a guarantee makes the AB exposure like the förbund's).
    pub ab_exposure_msek: Vec<f64>,
    /// The seeds' statement on VAT: it works alike in both forms (seed 000), so no difference.
    pub vat_note: &'static str,
    /// AB owned by its customers and pricing at cost: each owner's share of the same overrun,
    /// passed on through the AB's prices by the key (or covered by aktieägartillskott, seed
    /// 000 3 "Kapitalkrav"): economically the kommuner bear it as in a förbund (MSEK).
    pub ab_price_pass_through_msek: Vec<f64>,
    /// What decides the form and what each figure rests on, each labelled.
    pub notes: Vec<OrgNote>,
}

/// What a statement about the organisation form rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Basis {
    /// Swedish law (named; paragraph numbers not verified).
    Law,
    /// A seed document says it.
    Seed,
    /// Arithmetic on the above.
    Derived,
    /// Our choice, no seed figure.
    Assumption,
}

/// One labelled statement of the organisation analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgNote {
    pub basis: Basis,
    pub text: &'static str,
}

/// The organisation form's statements (seed 000 3 and 6, seed 002 "Styrning och ledning").
pub const ORG_NOTES: [OrgNote; 6] = [
    OrgNote {
        basis: Basis::Law,
        text: "What decides it: procurement law. Seed 002 (Styrning och ledning): only a jointly owned \
               aktiebolag lets the whole kommunkoncern (kommunala bolag, kommunalförbund, stiftelser) buy \
               its services without procurement, as in-house provision under lagen (2016:1145) om offentlig \
               upphandling (the in-house exemption; paragraph not verified here). Tax and liability do not \
               decide it; seed 000 3 and 6: the form is not decisive if governance and agreements are clear.",
    },
    OrgNote {
        basis: Basis::Law,
        text: "Corporate tax (inkomstskattelagen, 20.6 %) falls only on an AB's surplus: priced at cost \
               (markup 0) it pays about none; a kommunalförbund pays none.",
    },
    OrgNote {
        basis: Basis::Law,
        text: "Liability: an AB's owners answer only with the capital put in (aktiebolagslagen); a \
               kommunalförbund's members answer jointly for its debts (kommunallagen, the förbundsordning; \
               seed 000 3).",
    },
    OrgNote {
        basis: Basis::Derived,
        text: "But an AB whose owners are its only customers and which prices at cost passes an overrun on \
               through its prices (or its owners cover it by aktieägartillskott, seed 000 3 Kapitalkrav): \
               the kommuner bear the overrun by the price key in both forms, the same figures. Limited \
               liability matters only if the owners let the AB fail.",
    },
    OrgNote {
        basis: Basis::Assumption,
        text: "The AB's share capital (ab_share_capital_msek) has no seed figure (seed 003's 4 000 tkr is an \
               ägartillskott to a kommunalförbund); the legal minimum of a private AB is 25 000 kr \
               (aktiebolagslagen, not verified here).",
    },
    OrgNote {
        basis: Basis::Law,
        text: "VAT works alike in both forms (seed 000 3). Momskompensation (lag (2005:807) om ersättning för \
               viss mervärdesskatt för kommuner, regioner, samordningsförbund och kommunalförbund, not \
               verified here) covers a kommun's and a kommunalförbund's input VAT on purchases for their \
               non-taxable activities, so the VAT on an AB's invoices to a kommun is compensated; it does not \
               cover the AB itself (which deducts as a taxable business) nor buyers outside the scheme: \
               kommunala bolag deduct only for their taxable activities, and stiftelser not registered for \
               VAT cannot recover it. ASSUMPTION: that unrecovered VAT is not quantified; the model has no \
               VAT difference.",
    },
];

/// `riskkalkyl organisation`: corporate tax and liability, AB versus kommunalförbund; the
/// overrun is measured against the förstudie's estimate (or the plan's figure).
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganisationAnalysis;

impl Analysis for OrganisationAnalysis {
    type Report = OrgReport;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<OrgReport, AnalysisError> {
        let d = settings(s)?;
        let org = &d.organisation;
        let k = model.kommuner().len();
        let years = model.years().to_vec();
        let n = years.len();
        let r = model.discount_rate_pct() / 100.0;
        let path = &key_paths(s, d)[0];
        let mut tax = vec![vec![Stat::default(); k]; org.ab_markups_pct.len()];
        let mut est = Stat::default();
        plan.for_each_run(model, |_, _, o| {
            est.push(o.establishment_msek);
            for (m, markup) in org.ab_markups_pct.iter().enumerate() {
                let mut per_k = vec![0.0; k];
                for (t, &year) in years.iter().enumerate() {
                    if year < model.start_year() {
                        continue;
                    }
                    // The AB invoices its costs plus the markup; the surplus is taxed.
                    let joint_org_cost: f64 = if year <= o.migration_end_year {
                        o.establishment_by_year()[t]
                    } else {
                        (0..k).map(|kk| o.joint[kk * n + t]).sum()
                    };
                    let tax_t = joint_org_cost * markup / 100.0 * org.corporate_tax_pct / 100.0;
                    let key = if year <= o.migration_end_year {
                        &path.establishment
                    } else {
                        let j = (year - o.migration_end_year) as usize;
                        &path.after[(j - 1).min(path.after.len() - 1)]
                    };
                    let discount = (1.0 + r).powi(year - model.npv_base_year());
                    for kk in 0..k {
                        per_k[kk] += key[kk] * tax_t / discount;
                    }
                }
                for kk in 0..k {
                    tax[m][kk].push(per_k[kk]);
                }
            }
            true
        });
        let over = (est.summary().p95 - plan.estimate_msek(model)).max(0.0);
        Ok(OrgReport {
            unit: "MSEK",
            runs: plan.runs(),
            kommuner: model.kommuner().to_vec(),
            corporate_tax_pct: org.corporate_tax_pct,
            rows: org
                .ab_markups_pct
                .iter()
                .zip(&tax)
                .map(|(m, t)| OrgRow {
                    ab_markup_pct: *m,
                    tax_cost_npv: t.iter().map(Stat::summary).collect(),
                })
                .collect(),
            overrun_p95_msek: over,
            forbund_share_msek: path.establishment.iter().map(|s| s * over).collect(),
            forbund_joint_liability_msek: over,
            ab_exposure_msek: path
                .establishment
                .iter()
                .map(|s| s * org.ab_share_capital_msek)
                .collect(),
            vat_note: "Momsen hanteras lika i AB och kommunalförbund (seed 000): ingen skillnad modelleras.",
            ab_price_pass_through_msek: path.establishment.iter().map(|s| s * over).collect(),
            notes: ORG_NOTES.to_vec(),
        })
    }
}

/// The data-centre options compared: keep the owner's existing data centre (with three ways
/// of compensating the owner) or build a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DcOption {
    /// The existing data centre; the others buy it from the owner at its valuation.
    SaleAtValuation,
    /// The existing data centre; the others buy it at book value.
    SaleAtBookValue,
    /// The existing data centre; the owner gets a reduced fee for some years instead.
    ReducedFee,
    /// A new data centre; the owner's existing one is stranded (part of its book value
    /// recovered).
    NewDataCentre,
}

impl DcOption {
    /// Every option, in report order; the first is the reference.
    pub const ALL: [DcOption; 4] = [
        DcOption::SaleAtValuation,
        DcOption::SaleAtBookValue,
        DcOption::ReducedFee,
        DcOption::NewDataCentre,
    ];

    /// The option's name in reports.
    pub fn label(self) -> &'static str {
        match self {
            DcOption::SaleAtValuation => "Befintligt DC, ägaren ersätts med försäljning till värdering",
            DcOption::SaleAtBookValue => "Befintligt DC, ägaren ersätts med bokfört värde",
            DcOption::ReducedFee => "Befintligt DC, ägaren ersätts med reducerad avgift under övergången",
            DcOption::NewDataCentre => "Nytt DC",
        }
    }

    /// The option's name in the English report.
    pub fn label_en(self) -> &'static str {
        match self {
            DcOption::SaleAtValuation => "Existing data centre, the owner paid by a sale at valuation",
            DcOption::SaleAtBookValue => "Existing data centre, the owner paid its book value",
            DcOption::ReducedFee => "Existing data centre, the owner paid by a reduced fee during the transition",
            DcOption::NewDataCentre => "New data centre",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DcReport {
    pub unit: &'static str,
    pub runs: u64,
    pub kommuner: Vec<String>,
    pub owner: String,
    /// One result per option in [`DcOption::ALL`] order; change and P(better) against the
    /// first.
    pub options: Vec<OptionResult>,
    /// P(hidden costs appear) realised in the draws.
    pub hidden_cost_share: f64,
}

/// Field path of the data-centre settings: the stream names of their draws.
const DC_PATH: &str = "decision.data_centre";

/// `riskkalkyl datacentre`: existing versus new data centre and the owner's compensation, on
/// common random numbers: the scenario's own draws, and the data centre's amounts each from
/// the stream of its field path (`decision.data_centre.existing_capex_msek`, ...). The hidden
/// cost is the risk register's risk named by `hidden_cost_risk` (existing case, mitigation
/// applied as in `run`), drawn from the registry's own streams of that risk.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataCentreAnalysis;

/// Column of each data-centre draw in [`NamedDraws`].
const ADAPT: usize = 0;
const HIT: usize = 1;
const HIDDEN: usize = 2;
const NEW_CAPEX: usize = 3;
const NEW_OPEX: usize = 4;

impl Analysis for DataCentreAnalysis {
    type Report = DcReport;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<DcReport, AnalysisError> {
        let d = settings(s)?;
        let dc = d.data_centre.as_ref().ok_or(AnalysisError::MissingSection {
            section: "[decision.data_centre] section",
        })?;
        let owner = s
            .kommuner
            .iter()
            .position(|k| k.name == dc.owner)
            .ok_or_else(|| AnalysisError::Input {
                path: format!("{DC_PATH}.owner"),
                problem: format!("\"{}\" is not a kommun of this scenario", dc.owner),
                hint: "name the kommun that owns the existing data centre".into(),
            })?;
        // The hidden cost is the register's risk of that area, existing case: the registry's
        // own inputs (field paths `risk_register.risks[i].occurs` and
        // `risk_register.risks[i].existing.cost_msek`), so this draw is the one `run` and
        // `risks` use, run by run.
        let hidden_path = format!("{DC_PATH}.hidden_cost_risk");
        let reg = s.risk_register.as_ref().ok_or_else(|| AnalysisError::Input {
            path: hidden_path.clone(),
            problem: "the scenario has no [risk_register]; the data centre's hidden cost is its risk".into(),
            hint: "add the risk register (seed 004) or leave out [decision.data_centre]".into(),
        })?;
        let ri = reg
            .risks
            .iter()
            .position(|r| r.area == dc.hidden_cost_risk)
            .ok_or_else(|| AnalysisError::Input {
                path: hidden_path.clone(),
                problem: format!("\"{}\" is not an area of [[risk_register.risks]]", dc.hidden_cost_risk),
                hint: "name the register risk that carries the existing data centre's hidden costs".into(),
            })?;
        let risk = &reg.risks[ri];
        let (pf, imf) = if risk.mitigation.applied {
            (
                risk.mitigation.probability_factor_pct / 100.0,
                risk.mitigation.impact_factor_pct / 100.0,
            )
        } else {
            (1.0, 1.0)
        };
        let hidden_p = risk.existing.probability_pct / 100.0 * pf;
        let field = |name: &str| format!("{DC_PATH}.{name}");
        let mut draws = NamedDraws::new(
            [
                (field("existing_capex_msek"), &dc.existing_capex_msek),
                (InputId::at(InputKind::RiskOccurs, ri).path(), &risk.occurs),
                (
                    InputId::risk(InputKind::RiskCost, ri, "existing").path(),
                    &risk.existing.cost_msek,
                ),
                (field("new_capex_msek"), &dc.new_capex_msek),
                (
                    field("new_opex_saving_msek_per_year"),
                    &dc.new_opex_saving_msek_per_year,
                ),
            ],
            plan,
        )?;
        let path = &key_paths(s, d)[0];
        let k = model.kommuner().len();
        let r = model.discount_rate_pct() / 100.0;
        let disc = |year: i32| (1.0 + r).powi(year - model.npv_base_year());
        let t0 = model.start_year();
        let last_year = *model.years().last().unwrap_or(&t0);
        let others_key: Vec<f64> = {
            let rest: f64 = (0..k).filter(|&i| i != owner).map(|i| path.establishment[i]).sum();
            (0..k)
                .map(|i| if i == owner { 0.0 } else { path.establishment[i] / rest })
                .collect()
        };
        let mut stats = OptionStats::new(DcOption::ALL.len(), k);
        let mut hidden_hits = Proportion::default();
        let mut v = vec![vec![0.0; k]; DcOption::ALL.len()];
        plan.for_each_run(model, |run, _, o| {
            let adapt = draws.get(ADAPT, run);
            let hit = draws.get(HIT, run) < hidden_p;
            let hidden_cost = draws.get(HIDDEN, run) * imf;
            let capex = draws.get(NEW_CAPEX, run);
            let opex = draws.get(NEW_OPEX, run);
            hidden_hits.push(hit);
            let one_off = adapt + if hit { hidden_cost } else { 0.0 };
            for (&opt, row) in DcOption::ALL.iter().zip(v.iter_mut()) {
                for (i, x) in row.iter_mut().enumerate() {
                    let key_e = path.establishment[i];
                    let is_owner = if i == owner { 1.0 } else { 0.0 };
                    let sale = |price: f64| (-key_e * (one_off + price) + is_owner * price) / disc(t0);
                    *x = o.npv[i]
                        + match opt {
                            DcOption::SaleAtValuation => sale(dc.valuation_msek),
                            DcOption::SaleAtBookValue => sale(dc.book_value_msek),
                            DcOption::ReducedFee => {
                                let mut fee = 0.0;
                                for y in 0..dc.reduced_fee_years as i32 {
                                    let f = dc.reduced_fee_msek_per_year / disc(t0 + y);
                                    fee += is_owner * f - others_key[i] * f;
                                }
                                -key_e * one_off / disc(t0) + fee
                            }
                            DcOption::NewDataCentre => {
                                let mut saving = 0.0;
                                for year in (o.migration_end_year + 1)..=last_year {
                                    let j = (year - o.migration_end_year) as usize;
                                    saving += path.after[(j - 1).min(path.after.len() - 1)][i] * opex / disc(year);
                                }
                                let stranded = is_owner * dc.book_value_msek * (1.0 - dc.stranded_recovery_pct / 100.0);
                                (-key_e * capex - stranded) / disc(t0) + saving
                            }
                        };
                }
            }
            stats.push(&v);
            true
        });
        Ok(DcReport {
            unit: "MSEK",
            runs: plan.runs(),
            kommuner: model.kommuner().to_vec(),
            owner: dc.owner.clone(),
            options: stats.results(
                DcOption::ALL
                    .iter()
                    .map(|o| (o.label().to_string(), o.label_en().to_string())),
            ),
            hidden_cost_share: hidden_hits.p(),
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MembershipReport {
    pub unit: &'static str,
    pub runs: u64,
    pub kommuner: Vec<String>,
    /// Exit: each kommun's NPV change against all staying (the leaver's includes its fee).
    pub exit_kommun: String,
    pub exit_year: i32,
    pub exit_change: Vec<sim::Summary>,
    pub exit_fee_msek: sim::Summary,
    /// Entry: each incumbent's NPV change, and the entrant's NPV of joining against standing
    /// alone, MSEK.
    pub entrant: String,
    pub entry_change: Vec<sim::Summary>,
    pub entry_fee_msek: sim::Summary,
    pub entrant_npv: sim::Summary,
    pub entrant_member_fee_first_full_year_msek: sim::Summary,
    /// P(the entrant's NPV of joining < 0), its own integration, pre-study and double costs
    /// included (seed 003).
    pub entrant_loss_share: f64,
    /// A member leaving during the establishment (seed 000 1, Hylte): its probability (input),
    /// the share of draws it happened in, and per kommun, over the draws where another kommun
    /// left, the NPV change and P(worse off than all staying).
    pub establishment_exit_prob_pct: f64,
    pub establishment_exit_share: f64,
    pub establishment_exit_change: Vec<sim::Summary>,
    pub establishment_exit_worse_share: Vec<f64>,
}

/// `riskkalkyl membership`: exit of a member and entry of a new one, on the scenario's own
/// draws.
#[derive(Debug, Clone, Copy, Default)]
pub struct MembershipAnalysis;

impl Analysis for MembershipAnalysis {
    type Report = MembershipReport;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<MembershipReport, AnalysisError> {
        let d = settings(s)?;
        let ms = d.membership.as_ref().ok_or(AnalysisError::MissingSection {
            section: "[decision.membership] section",
        })?;
        let leaver = s
            .kommuner
            .iter()
            .position(|k| k.name == ms.exit_kommun)
            .ok_or_else(|| AnalysisError::Input {
                path: "decision.membership.exit_kommun".into(),
                problem: format!("\"{}\" is not a kommun of this scenario", ms.exit_kommun),
                hint: "name the kommun that leaves".into(),
            })?;
        let path = &key_paths(s, d)[0];
        let years = model.years().to_vec();
        let n = years.len();
        let k = model.kommuner().len();
        let r = model.discount_rate_pct() / 100.0;
        let disc = |year: i32| (1.0 + r).powi(year - model.npv_base_year());
        let pop: Vec<f64> = s.kommuner.iter().map(|km| km.inhabitants).collect();
        let pop_total: f64 = pop.iter().sum();
        let exit_year = ms.exit_notice_year + ms.notice_years as i32;
        let mut entrant_loses = Proportion::default();
        let mut exit_change = vec![Stat::default(); k];
        let mut entry_change = vec![Stat::default(); k];
        let (mut exit_fee, mut entry_fee, mut entrant_npv, mut member_fee) =
            (Stat::default(), Stat::default(), Stat::default(), Stat::default());
        // The Hylte precedent (seed 000 1): a member leaving during the establishment. Whether
        // it happens, who and when: own streams named by their field paths.
        let unit = sim::DistSpec::Uniform {
            min: 0.0,
            max: 1.0,
            point: None,
        };
        let est_base = "decision.membership.establishment_exit";
        let mut est_draws = NamedDraws::new(
            [
                (format!("{est_base}.occurs"), &unit),
                (format!("{est_base}.kommun"), &unit),
                (format!("{est_base}.month"), &unit),
            ],
            plan,
        )?;
        let est_p = ms.establishment_exit_prob_pct / 100.0;
        let mut est_change = vec![Stat::default(); k];
        let mut est_worse = vec![Proportion::default(); k];
        let mut est_hits = Proportion::default();
        plan.for_each_run(model, |run, _, o| {
            let extras = o.establishment_by_year();
            let key_at = |year: i32| -> &Vec<f64> {
                if year <= o.migration_end_year {
                    &path.establishment
                } else {
                    &path.after[((year - o.migration_end_year) as usize - 1).min(path.after.len() - 1)]
                }
            };
            // Undepreciated establishment investment at the start of `year`.
            let undepreciated = |year: i32| -> f64 {
                let used = (year - o.migration_end_year - 1).max(0) as f64;
                o.establishment_msek * (1.0 - used / ms.depreciation_years.max(1) as f64).max(0.0)
            };
            // A member `leaver` gone from `exit_year` on, paying `fee` that year: each kommun's
            // NPV change. The leaver is back on its own current cost, which already carries the
            // cost of standing alone (`[counterfactual]`): no second figure. The stayers carry
            // what is left of the one-off cost and the running cost among themselves, with a
            // saving cut by the lost scale; the fee goes to them by their key.
            let exit_delta = |leaver: usize, exit_year: i32, fee: f64| -> Vec<f64> {
                let stay_share: f64 = 1.0 - key_at(exit_year)[leaver];
                let mut delta = vec![0.0; k];
                for (t, &year) in years.iter().enumerate() {
                    if year < exit_year {
                        continue;
                    }
                    let cur_total: f64 = (0..k).map(|i| o.current[i * n + t]).sum();
                    let joint_total: f64 = (0..k).map(|i| o.joint[i * n + t]).sum();
                    let savings = cur_total + extras[t] - joint_total;
                    let key = key_at(year);
                    let leaver_share = key[leaver];
                    let leaver_new = o.current[leaver * n + t];
                    delta[leaver] += (o.joint[leaver * n + t] - leaver_new) / disc(year);
                    let stay_cur: f64 = (0..k).filter(|&i| i != leaver).map(|i| o.current[i * n + t]).sum();
                    let stay_saving =
                        savings * (1.0 - leaver_share) * (1.0 - ms.scale_loss_pct_of_share / 100.0 * leaver_share);
                    // The one-off cost still to come falls on the stayers whole.
                    let stay_joint = stay_cur - stay_saving + extras[t];
                    for i in (0..k).filter(|&i| i != leaver) {
                        let new_i = stay_joint * key[i] / (1.0 - leaver_share);
                        delta[i] += (o.joint[i * n + t] - new_i) / disc(year);
                    }
                }
                let y_fee = exit_year.max(model.start_year());
                delta[leaver] -= fee / disc(y_fee);
                for i in (0..k).filter(|&i| i != leaver) {
                    delta[i] += fee * key_at(exit_year)[i] / stay_share.max(1e-12) / disc(y_fee);
                }
                delta
            };
            // Exit (seed 000 5.3): the leaver bears its share, by the key in force the year it
            // leaves, of the investment not yet written off and of the long contracts.
            let fee = key_at(exit_year)[leaver] * (undepreciated(exit_year) + ms.long_contracts_msek);
            exit_fee.push(fee);
            let delta = exit_delta(leaver, exit_year, fee);
            for (st, dv) in exit_change.iter_mut().zip(&delta) {
                st.push(*dv);
            }
            // Exit during the establishment (seed 000 1, Hylte): the leaver has paid its share
            // of the one-off cost to date (in its joint cost of the years before) and pays its
            // share of the long contracts; what is left of the one-off cost and the running
            // cost falls on the others.
            let hit = est_draws.get(0, run) < est_p;
            est_hits.push(hit);
            if hit {
                let who = ((est_draws.get(1, run) * k as f64) as usize).min(k - 1);
                let month = est_draws.get(2, run) * o.duration_months.max(1.0);
                let year = model.start_year() + (month / 12.0) as i32;
                let fee = path.establishment[who] * ms.long_contracts_msek;
                let delta = exit_delta(who, year, fee);
                for i in (0..k).filter(|&i| i != who) {
                    est_change[i].push(delta[i]);
                    est_worse[i].push(delta[i] < 0.0);
                }
            }
            // Entry: from entry_year on, population key over the enlarged group.
            let share_e = ms.entrant_inhabitants / (pop_total + ms.entrant_inhabitants);
            let fee_e = share_e * undepreciated(ms.entry_year);
            entry_fee.push(fee_e);
            let mut delta = vec![0.0; k];
            let mut npv_e = 0.0;
            let mut first_fee = None;
            // Seed 003 (Tranås): the entrant bears its own integration as a project, a pre-study
            // first, and double costs while old contracts run on (not the incumbents).
            let mut double_left = ms.entrant_double_cost_months / 12.0;
            for (t, &year) in years.iter().enumerate() {
                if year < ms.entry_year {
                    if year + 1 == ms.entry_year {
                        npv_e -= ms.entrant_prestudy_msek / disc(year);
                    }
                    continue;
                }
                let cur_total: f64 = (0..k).map(|i| o.current[i * n + t]).sum();
                let joint_total: f64 = (0..k).map(|i| o.joint[i * n + t]).sum();
                let saving_share = if year > o.migration_end_year {
                    (cur_total - joint_total) / cur_total
                } else {
                    0.0
                };
                // The entrant's own cost today: the GGVV cost per inhabitant times its inhabitants.
                let entrant_alone = cur_total / pop_total * ms.entrant_inhabitants;
                let enlarged = joint_total + entrant_alone * (1.0 - saving_share);
                let entrant_pays = share_e * enlarged;
                first_fee.get_or_insert(entrant_pays);
                let double = double_left.clamp(0.0, 1.0);
                double_left -= double;
                let double_cost = double * entrant_alone * ms.entrant_double_cost_pct_of_own_cost / 100.0;
                npv_e += (entrant_alone - entrant_pays - double_cost) / disc(year);
                if year == ms.entry_year {
                    let integration =
                        o.establishment_inside_msek * share_e * ms.entrant_integration_pct_of_establishment / 100.0;
                    npv_e -= integration / disc(year);
                }
                for (i, dv) in delta.iter_mut().enumerate() {
                    let new_i = (1.0 - share_e) * pop[i] / pop_total * enlarged;
                    *dv += (o.joint[i * n + t] - new_i) / disc(year);
                }
            }
            let fee_years = ms.entry_fee_years.max(1);
            for y in 0..fee_years as i32 {
                let part = fee_e / fee_years as f64 / disc(ms.entry_year + y);
                npv_e -= part;
                for (i, dv) in delta.iter_mut().enumerate() {
                    *dv += part * pop[i] / pop_total;
                }
            }
            for (st, dv) in entry_change.iter_mut().zip(&delta) {
                st.push(*dv);
            }
            entrant_npv.push(npv_e);
            entrant_loses.push(npv_e < 0.0);
            member_fee.push(first_fee.unwrap_or(0.0));
            true
        });
        Ok(MembershipReport {
            unit: "MSEK",
            runs: plan.runs(),
            kommuner: model.kommuner().to_vec(),
            exit_kommun: ms.exit_kommun.clone(),
            exit_year,
            exit_change: exit_change.iter().map(Stat::summary).collect(),
            exit_fee_msek: exit_fee.summary(),
            entrant: ms.entrant_name.clone(),
            entry_change: entry_change.iter().map(Stat::summary).collect(),
            entry_fee_msek: entry_fee.summary(),
            entrant_npv: entrant_npv.summary(),
            entrant_member_fee_first_full_year_msek: member_fee.summary(),
            entrant_loss_share: entrant_loses.p(),
            establishment_exit_prob_pct: ms.establishment_exit_prob_pct,
            establishment_exit_share: est_hits.p(),
            establishment_exit_change: est_change.iter().map(Stat::summary).collect(),
            establishment_exit_worse_share: est_worse.iter().map(Proportion::p).collect(),
        })
    }
}
