//! Decision analysis for the boards: the same random draws under different allocation keys,
//! financing models and organisation forms, per kommun.
//!
//! Allocation and financing options only move money between kommuner: for every draw the
//! joint cost is the same; each option splits it differently. So the options are compared on
//! common random numbers by re-splitting each run's joint cost (the outcome of the scenario's
//! own model), and the kommuner's NPVs under every option always add up to the same total.

use serde::{Deserialize, Serialize};
use sim::RunPlan;
use sim::stats::{Proportion, Stat};

use crate::model::{Model, Outcome};
use crate::run::for_each_run;
use crate::scenario::Scenario;

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

/// How an option splits the joint cost: a key during establishment, then a key per year after
/// migration ends (the last one repeats).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPath {
    pub name: String,
    pub establishment: Vec<f64>,
    pub after: Vec<Vec<f64>>,
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
        establishment: mix(&a.establishment_weights_pct),
        after: vec![mix(&a.transition_weights_pct), mix(&a.full_effect_weights_pct)],
    }];
    for (name, k) in &s.keys {
        let v = key(s, name).unwrap_or_default();
        paths.push(KeyPath {
            name: format!(
                "Hela kostnaden efter nyckeln {name} ({})",
                k.description.clone().unwrap_or_default()
            ),
            establishment: v.clone(),
            after: vec![v],
        });
    }
    if let (Some(cs), Some(pop)) = (key(s, "cost_share"), key(s, "population")) {
        let n = d.phase_in_years.max(1);
        paths.push(KeyPath {
            name: format!("Infasning från kostnadsandel till befolkning över {n} år"),
            establishment: pop.clone(),
            after: (1..=n).map(|j| blend(&cs, &pop, j as f64 / n as f64)).collect(),
        });
    }
    if let Some(fixed) = key(s, &d.fixed_key) {
        paths.push(KeyPath {
            name: format!(
                "Finansieringsmodell 1: kommunbidrag efter fast nyckel ({})",
                d.fixed_key
            ),
            establishment: fixed.clone(),
            after: vec![fixed.clone()],
        });
        for m in &d.use_measures {
            if let Some(usage) = volume_key(s, m) {
                paths.push(KeyPath {
                    name: format!("Finansieringsmodell 2: debitering efter användning ({m})"),
                    establishment: usage.clone(),
                    after: vec![usage.clone()],
                });
                let combined = blend(&usage, &fixed, d.base_share_pct / 100.0);
                paths.push(KeyPath {
                    name: format!(
                        "Finansieringsmodell 3: kombinerad ({} % bas efter {}, resten efter {m})",
                        d.base_share_pct, d.fixed_key
                    ),
                    establishment: combined.clone(),
                    after: vec![combined],
                });
            }
        }
    }
    paths
}

/// Re-split one run's joint cost by `path` and return each kommun's NPV (MSEK) in `npv`.
pub fn npv_under(model: &Model, o: &Outcome, path: &KeyPath, npv: &mut [f64]) {
    let years = model.years();
    let n = years.len();
    let k = model.kommuner().len();
    let r = model.discount_rate_pct() / 100.0;
    npv.iter_mut().for_each(|v| *v = 0.0);
    for (t, &year) in years.iter().enumerate() {
        let (mut cur_total, mut joint_total) = (0.0, 0.0);
        for kk in 0..k {
            cur_total += o.current[kk * n + t];
            joint_total += o.joint[kk * n + t];
        }
        let discount = (1.0 + r).powi(year - model.npv_base_year());
        for (kk, v) in npv.iter_mut().enumerate() {
            let current = o.current[kk * n + t];
            let joint = if year < model.start_year() {
                current
            } else if year <= o.migration_end_year {
                current + path.establishment[kk] * (joint_total - cur_total)
            } else {
                let j = (year - o.migration_end_year) as usize;
                path.after[(j - 1).min(path.after.len() - 1)][kk] * joint_total
            };
            *v += (current - joint) / discount;
        }
    }
}

/// One option's results per kommun.
#[derive(Debug, Clone, Serialize)]
pub struct OptionResult {
    pub name: String,
    pub npv: Vec<sim::Summary>,
    pub prob_net_loss: Vec<f64>,
    /// NPV under this option minus under the first (default) option, per kommun.
    pub change: Vec<sim::Summary>,
    /// P(this option gives the kommun a higher NPV than the default).
    pub prob_better: Vec<f64>,
    /// The four kommuner's NPVs added up (the same for every option, run by run).
    pub total_npv_mean: f64,
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

/// Compare allocation keys and financing models on common random numbers.
pub fn compare_keys(s: &Scenario, model: &Model, d: &DecisionSettings, runs: u64, seed: u64) -> KeysReport {
    let paths = key_paths(s, d);
    let k = model.kommuner().len();
    let plan = RunPlan::new(runs, seed, 0).expect("runs ≥ 1");
    let mut npv = vec![vec![Stat::default(); k]; paths.len()];
    let mut change = vec![vec![Stat::default(); k]; paths.len()];
    let mut loss = vec![vec![Proportion::default(); k]; paths.len()];
    let mut better = vec![vec![Proportion::default(); k]; paths.len()];
    let mut totals = vec![Stat::default(); paths.len()];
    let mut buf = vec![vec![0.0; k]; paths.len()];
    let mut worst: f64 = 0.0;
    for_each_run(model, &plan, 0..plan.chunks(), |_, _, o| {
        for (p, path) in paths.iter().enumerate() {
            npv_under(model, o, path, &mut buf[p]);
        }
        let base_total: f64 = buf[0].iter().sum();
        for p in 0..paths.len() {
            let total: f64 = buf[p].iter().sum();
            worst = worst.max((total - base_total).abs());
            totals[p].push(total);
            for kk in 0..k {
                let v = buf[p][kk];
                npv[p][kk].push(v);
                loss[p][kk].push(v < 0.0);
                change[p][kk].push(v - buf[0][kk]);
                better[p][kk].push(v > buf[0][kk]);
            }
        }
        true
    });
    KeysReport {
        unit: "MSEK",
        runs,
        seed,
        kommuner: model.kommuner().to_vec(),
        options: paths
            .iter()
            .enumerate()
            .map(|(p, path)| OptionResult {
                name: path.name.clone(),
                npv: npv[p].iter().map(Stat::summary).collect(),
                prob_net_loss: loss[p].iter().map(Proportion::p).collect(),
                change: change[p].iter().map(Stat::summary).collect(),
                prob_better: better[p].iter().map(Proportion::p).collect(),
                total_npv_mean: totals[p].moments.mean(),
            })
            .collect(),
        max_total_discrepancy_msek: worst,
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
    /// Establishment cost over budget at P95 (MSEK): a bad outcome the organisation must fund.
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
}

/// Corporate tax and liability: AB versus kommunalförbund.
pub fn compare_organisation(
    s: &Scenario,
    model: &Model,
    d: &DecisionSettings,
    runs: u64,
    seed: u64,
    budget_msek: f64,
) -> OrgReport {
    let org = &d.organisation;
    let k = model.kommuner().len();
    let years = model.years().to_vec();
    let n = years.len();
    let r = model.discount_rate_pct() / 100.0;
    let plan = RunPlan::new(runs, seed, 0).expect("runs ≥ 1");
    let path = &key_paths(s, d)[0];
    let mut tax = vec![vec![Stat::default(); k]; org.ab_markups_pct.len()];
    let mut est = Stat::default();
    for_each_run(model, &plan, 0..plan.chunks(), |_, _, o| {
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
    let over = (est.summary().p95 - budget_msek).max(0.0);
    OrgReport {
        unit: "MSEK",
        runs,
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
    }
}
