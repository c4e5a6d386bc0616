//! What drives the risk and what is worth finding out, for a scenario.
//!
//! - one-way swings (tornado): each input from its P10 to its P90, the others at their medians;
//! - contribution to variance from Spearman rank correlations, over a simulated sample;
//! - Sobol first-order and total indices (independent inputs, as the method assumes);
//! - EVPPI per input group for each kommun's decision "join versus stay alone": the
//!   incremental net benefit of joining is the kommun's NPV of net benefit (staying alone is
//!   0 by definition), so EVPPI is the expected gain, in MSEK, from learning the group's
//!   values before deciding.

use std::collections::BTreeMap;

use serde::Serialize;
use sim::sensitivity::{self as sa, Index};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan};
use crate::model::{Model, Outcome};
use crate::scenario::{InputGroup, InputId, Scenario};

/// A named group of inputs that one study could resolve (e.g. a migration inventory).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub name: String,
    /// The name in the English report.
    pub name_en: String,
    /// Indices into the model's inputs.
    pub inputs: Vec<usize>,
}

/// The input groups of a scenario, from the input registry ([`InputGroup`]): each saving
/// post, migration (overrun and migration one-offs), schedule (phase durations and schedule
/// overrun), parallel running, project labour, other one-off costs, staffing, cost growth, the
/// risk register. Every input is in exactly one group; groups without inputs are left out.
pub fn groups(s: &Scenario, model: &Model) -> Vec<Group> {
    let ids = s.input_ids();
    debug_assert_eq!(
        ids.iter().map(InputId::path).collect::<Vec<_>>(),
        model.input_names(),
        "the model was compiled from this scenario"
    );
    let mut by_group: BTreeMap<InputGroup, Vec<usize>> = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        by_group.entry(id.group(s)).or_default().push(i);
    }
    by_group
        .into_iter()
        .map(|(g, inputs)| {
            let l = g.label(s);
            Group {
                name: l.sv,
                name_en: l.en,
                inputs,
            }
        })
        .collect()
}

/// One input's one-way swing.
#[derive(Debug, Clone, Serialize)]
pub struct Swing {
    pub input: String,
    pub low_value: f64,
    pub high_value: f64,
    /// Total NPV (MSEK) with the input at its P10 and at its P90.
    pub npv_total_at_low: f64,
    pub npv_total_at_high: f64,
    /// Per kommun NPV at P10 and P90, MSEK.
    pub npv_at_low: Vec<f64>,
    pub npv_at_high: Vec<f64>,
    pub establishment_at_low: f64,
    pub establishment_at_high: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contribution {
    pub input: String,
    pub rank_correlation: f64,
    pub share_of_variance: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SobolRow {
    pub input: String,
    pub first: Index,
    pub total: Index,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvppiRow {
    pub group: String,
    /// The group's name in the English report.
    pub group_en: String,
    /// EVPPI per kommun (MSEK), in kommun order.
    pub per_kommun_msek: Vec<f64>,
}

/// Everything `riskkalkyl sensitivity` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub unit: &'static str,
    pub kommuner: Vec<String>,
    pub runs: u64,
    pub seed: u64,
    /// Base case: every input at its median; total NPV there, MSEK.
    pub base_npv_total: f64,
    pub base_establishment: f64,
    /// Sorted by swing of the total NPV, largest first.
    pub tornado: Vec<Swing>,
    /// Per output ("npv_total", "establishment_cost", then each kommun's NPV): contributions.
    pub contributions: Vec<(String, Vec<Contribution>)>,
    pub sobol_npv_total: Vec<SobolRow>,
    pub sobol_establishment: Vec<SobolRow>,
    pub sobol_base_samples: usize,
    /// EVPI per kommun (MSEK): the most any information could be worth.
    pub evpi_msek: Vec<f64>,
    /// P(NPV < 0) per kommun in the sample used for EVPPI.
    pub prob_net_loss: Vec<f64>,
    pub evppi: Vec<EvppiRow>,
}

fn total_npv(o: &Outcome, kommuner: usize) -> f64 {
    o.npv[..kommuner].iter().sum()
}

/// `riskkalkyl sensitivity`, the whole analysis: the plan's simulated draws (the run's own,
/// on the common streams) for rank contributions and EVPPI, `sobol_n` base samples for Sobol
/// indices. The tornado's quantiles and the Sobol design draw from streams of the seed: they
/// are evaluations at chosen points, not runs.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityAnalysis {
    /// Base samples for the Sobol indices (N·(k+2) model evaluations).
    pub sobol_n: usize,
}

impl Analysis for SensitivityAnalysis {
    type Report = Sensitivity;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<Sensitivity, AnalysisError> {
        let (runs, seed, sobol_n) = (plan.runs(), plan.seed(), self.sobol_n);
        let k = model.kommuner().len();
        let inputs = model.inputs();
        let names = model.input_names();
        let mut out = model.new_outcome();

        // Tornado around the medians.
        let qs: Vec<Vec<f64>> = inputs
            .iter()
            .map(|i| sa::input_quantiles(i, &[0.1, 0.5, 0.9], 20_000, seed))
            .collect();
        let base: Vec<f64> = qs.iter().map(|q| q[1]).collect();
        model.evaluate(&base, &mut out);
        let base_npv_total = total_npv(&out, k);
        let base_establishment = out.establishment_msek;
        let mut tornado: Vec<Swing> = (0..inputs.len())
            .filter(|&i| qs[i][0] != qs[i][2])
            .map(|i| {
                let mut x = base.clone();
                x[i] = qs[i][0];
                model.evaluate(&x, &mut out);
                let (lo_total, lo_k, lo_e) = (total_npv(&out, k), out.npv[..k].to_vec(), out.establishment_msek);
                x[i] = qs[i][2];
                model.evaluate(&x, &mut out);
                Swing {
                    input: names[i].clone(),
                    low_value: qs[i][0],
                    high_value: qs[i][2],
                    npv_total_at_low: lo_total,
                    npv_total_at_high: total_npv(&out, k),
                    npv_at_low: lo_k,
                    npv_at_high: out.npv[..k].to_vec(),
                    establishment_at_low: lo_e,
                    establishment_at_high: out.establishment_msek,
                }
            })
            .collect();
        tornado.sort_by(|a, b| {
            let sa_ = (a.npv_total_at_high - a.npv_total_at_low).abs();
            let sb = (b.npv_total_at_high - b.npv_total_at_low).abs();
            sb.total_cmp(&sa_)
        });

        // A simulated sample, drawn exactly as `run` draws.
        let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(runs as usize); inputs.len()];
        let mut npv: Vec<Vec<f64>> = vec![Vec::with_capacity(runs as usize); k + 1];
        let mut est = Vec::with_capacity(runs as usize);
        plan.for_each_run(model, |_, x, o| {
            for (c, v) in columns.iter_mut().zip(x) {
                c.push(*v);
            }
            for (kk, col) in npv.iter_mut().enumerate().take(k) {
                col.push(o.npv[kk]);
            }
            npv[k].push(total_npv(o, k));
            est.push(o.establishment_msek);
            true
        });
        let contrib = |y: &[f64]| -> Vec<Contribution> {
            let mut v: Vec<Contribution> = sa::rank_contributions(&columns, y)
                .into_iter()
                .zip(names)
                .map(|((r, share), n)| Contribution {
                    input: n.clone(),
                    rank_correlation: r,
                    share_of_variance: share,
                })
                .collect();
            v.sort_by(|a, b| b.share_of_variance.total_cmp(&a.share_of_variance));
            v
        };
        let mut contributions = vec![
            ("npv_total".to_string(), contrib(&npv[k])),
            ("establishment_cost".to_string(), contrib(&est)),
        ];
        for (kk, name) in model.kommuner().iter().enumerate() {
            contributions.push((format!("npv_{name}"), contrib(&npv[kk])));
        }

        // Sobol indices.
        let sobol_of = |f: &(dyn Fn(&Outcome) -> f64 + Sync)| -> Vec<SobolRow> {
            // One outcome buffer for all evaluations (`sobol` calls `f` from one thread; the lock
            // is never contended and only satisfies `Sync`).
            let scratch = std::sync::Mutex::new(model.new_outcome());
            let r = sa::sobol(
                inputs,
                |x| {
                    let mut o = scratch.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    model.evaluate(x, &mut o);
                    f(&o)
                },
                sobol_n,
                200,
                0.95,
                seed,
            );
            names
                .iter()
                .zip(r.first.iter().zip(&r.total))
                .map(|(n, (f1, ft))| SobolRow {
                    input: n.clone(),
                    first: *f1,
                    total: *ft,
                })
                .collect()
        };
        let sobol_npv_total = sobol_of(&|o| total_npv(o, k));
        let sobol_establishment = sobol_of(&|o| o.establishment_msek);

        // EVPPI per group and kommun.
        let gs = groups(s, model);
        let evppi = gs
            .iter()
            .map(|g| EvppiRow {
                group: g.name.clone(),
                group_en: g.name_en.clone(),
                per_kommun_msek: (0..k)
                    .map(|kk| {
                        let params: Vec<&[f64]> = g.inputs.iter().map(|&i| columns[i].as_slice()).collect();
                        sa::evppi(&npv[kk], &params)
                    })
                    .collect(),
            })
            .collect();
        Ok(Sensitivity {
            unit: "MSEK",
            kommuner: model.kommuner().to_vec(),
            runs,
            seed,
            base_npv_total,
            base_establishment,
            tornado,
            contributions,
            sobol_npv_total,
            sobol_establishment,
            sobol_base_samples: sobol_n,
            evpi_msek: (0..k).map(|kk| sa::evpi(&npv[kk])).collect(),
            prob_net_loss: (0..k)
                .map(|kk| npv[kk].iter().filter(|v| **v < 0.0).count() as f64 / runs as f64)
                .collect(),
            evppi,
        })
    }
}
