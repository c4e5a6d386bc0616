//! The first study's alternatives (seed 001 3.2) against staying as today, and the risk
//! register's risks and mitigations, all on common random numbers: every variant is the same
//! scenario with other settings, so it has the same inputs and sees the same draws.

use serde::Serialize;
use sim::stats::{Proportion, Stat};

use crate::analysis::{Analysis, AnalysisError, AnalysisPlan};
use crate::model::Model;
use crate::scenario::{Alternative, OWN_COSTS_KEY, Scenario};

/// Whether alternative `i` of `s` can be applied: without a joint organisation the scenario
/// needs the key [`OWN_COSTS_KEY`], and every risk area it keeps must be in the register.
pub fn check_alternative(s: &Scenario, i: usize) -> Result<(), AnalysisError> {
    let a = &s.alternatives[i];
    if a.joint_organisation {
        return Ok(());
    }
    if !s.keys.contains_key(OWN_COSTS_KEY) {
        return Err(AnalysisError::Input {
            path: format!("alternatives[{i}].joint_organisation"),
            problem: format!(
                "without a joint organisation each kommun carries its own costs, by the key \"{OWN_COSTS_KEY}\", which the scenario lacks"
            ),
            hint: format!("add [keys.{OWN_COSTS_KEY}] with each kommun's share of today's cost"),
        });
    }
    let areas: Vec<&str> = s
        .risk_register
        .iter()
        .flat_map(|r| r.risks.iter().map(|x| x.area.as_str()))
        .collect();
    match a
        .risk_areas
        .iter()
        .enumerate()
        .find(|(_, x)| !areas.contains(&x.as_str()))
    {
        Some((j, x)) => Err(AnalysisError::Input {
            path: format!("alternatives[{i}].risk_areas[{j}]"),
            problem: format!("\"{x}\" is not a risk area of [risk_register]"),
            hint: format!("name one of: {}", areas.join(", ")),
        }),
        None => Ok(()),
    }
}

/// The scenario as it would be under alternative `a`: its savings capture, establishment
/// effort (project labour, parallel running and one-off items scaled) and planned duration;
/// without a joint organisation, every phase allocated by [`OWN_COSTS_KEY`] and only the
/// register's risks in `a.risk_areas`.
pub fn apply(s: &Scenario, a: &Alternative) -> Scenario {
    let mut v = s.clone();
    v.savings_capture_pct = a.savings_capture_pct;
    let f = a.establishment_effort_pct / 100.0;
    let e = &mut v.establishment;
    e.project_labour_msek = e.project_labour_msek.scaled(f);
    e.parallel_running_msek_per_year = e.parallel_running_msek_per_year.scaled(f);
    for o in &mut e.one_off {
        o.amount_msek = o.amount_msek.scaled(f);
    }
    // The outside view's base scales with the effort too (left out, it follows from the scaled
    // items at point values).
    e.reference_estimate_msek = e.reference_estimate_msek.map(|x| x * f);
    e.planned_months = a.planned_months;
    e.parallel_start_month = e.parallel_start_month.min(0.5 * a.planned_months);
    if !a.joint_organisation {
        let own: std::collections::BTreeMap<String, f64> = [(OWN_COSTS_KEY.to_string(), 100.0)].into();
        let al = &mut v.allocation;
        al.establishment_weights_pct = own.clone();
        al.transition_weights_pct = own.clone();
        al.full_effect_weights_pct = own;
        if let Some(reg) = &mut v.risk_register {
            for r in reg.risks.iter_mut().filter(|r| !a.risk_areas.contains(&r.area)) {
                r.existing.probability_pct = 0.0;
                r.new.probability_pct = 0.0;
            }
        }
    }
    v.alternatives.clear();
    v
}

/// One variant's results.
#[derive(Debug, Clone, Serialize)]
pub struct VariantResult {
    pub name: String,
    pub npv: Vec<sim::Summary>,
    pub npv_total: sim::Summary,
    /// P(NPV > 0): better than staying as today, per kommun.
    pub prob_better_than_today: Vec<f64>,
    /// P(this variant has the highest NPV of all variants and today), per kommun and total.
    pub prob_best: Vec<f64>,
    pub prob_best_total: f64,
    pub establishment: sim::Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlternativesReport {
    pub unit: &'static str,
    pub runs: u64,
    pub kommuner: Vec<String>,
    pub alternatives: Vec<VariantResult>,
    /// P(staying as today is best), per kommun and total.
    pub prob_today_best: Vec<f64>,
    /// Per alternative: the savings capture (percent) at which its mean total NPV would equal
    /// the best alternative's (NPV is linear in the capture share); None for the best itself
    /// or when no capture up to 200 % gets there.
    pub break_even_capture_pct: Vec<Option<f64>>,
    pub seed_wording: Vec<String>,
    pub reversibility: Vec<String>,
    pub assumed: Vec<(f64, f64, f64)>,
}

/// Per run and variant: NPV per kommun and the total, then the establishment cost by the
/// headline view and by the inside view (where the risks are priced; the outside view does not
/// see them).
fn draws(models: &[Model], plan: &AnalysisPlan) -> Vec<Vec<Vec<f64>>> {
    models
        .iter()
        .map(|m| {
            let k = m.kommuner().len();
            let mut v = vec![Vec::with_capacity(plan.runs() as usize); k + 3];
            plan.for_each_run(m, |_, _, o| {
                for (i, col) in v.iter_mut().enumerate().take(k) {
                    col.push(o.npv[i]);
                }
                v[k].push(o.npv[..k].iter().sum());
                v[k + 1].push(o.establishment_msek);
                v[k + 2].push(o.establishment_inside_msek);
                true
            });
            v
        })
        .collect()
}

fn stat(v: &[f64]) -> sim::Summary {
    let mut s = Stat::default();
    v.iter().for_each(|&x| s.push(x));
    s.summary()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// `riskkalkyl alternatives`: the scenario's alternatives against staying as today.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlternativesAnalysis;

impl Analysis for AlternativesAnalysis {
    type Report = AlternativesReport;

    fn run(&self, s: &Scenario, _model: &Model, plan: &AnalysisPlan) -> Result<AlternativesReport, AnalysisError> {
        if s.alternatives.is_empty() {
            return Err(AnalysisError::MissingSection {
                section: "[[alternatives]]",
            });
        }
        for i in 0..s.alternatives.len() {
            check_alternative(s, i)?;
        }
        let variants: Vec<Scenario> = s.alternatives.iter().map(|a| apply(s, a)).collect();
        let models: Vec<Model> = variants.iter().map(Model::new).collect::<Result<_, _>>()?;
        let k = s.kommuner.len();
        let d = draws(&models, plan);
        let n = plan.runs() as usize;
        let mut best = vec![vec![Proportion::default(); k + 1]; models.len()];
        let mut today_best = vec![Proportion::default(); k + 1];
        for col in 0..=k {
            for r in 0..n {
                // Index of the best variant (or today, at 0) for this draw; ties go to today.
                let mut arg = None;
                let mut top = 0.0;
                for (v, dv) in d.iter().enumerate() {
                    if dv[col][r] > top {
                        top = dv[col][r];
                        arg = Some(v);
                    }
                }
                today_best[col].push(arg.is_none());
                for (v, b) in best.iter_mut().enumerate() {
                    b[col].push(arg == Some(v));
                }
            }
        }
        // Break-even capture: NPV is linear in the capture share, so two runs at other captures
        // give the line exactly (on the same draws).
        let probe_plan = plan.at_most(20_000);
        let best_mean = d.iter().map(|v| mean(&v[k])).fold(f64::NEG_INFINITY, f64::max);
        let mut break_even = Vec::new();
        for (a, dv) in s.alternatives.iter().zip(&d) {
            let m_here = mean(&dv[k]);
            if (m_here - best_mean).abs() < 1e-9 {
                break_even.push(None);
                continue;
            }
            let probe = Alternative {
                savings_capture_pct: 0.0,
                ..a.clone()
            };
            let m0 = Model::new(&apply(s, &probe))?;
            let at0 = mean(&draws(std::slice::from_ref(&m0), &probe_plan)[0][k]);
            let here = mean(&draws(std::slice::from_ref(&models[break_even.len()]), &probe_plan)[0][k]);
            let slope = (here - at0) / a.savings_capture_pct.max(1e-9);
            let c = if slope > 0.0 {
                (best_mean - at0) / slope
            } else {
                f64::INFINITY
            };
            break_even.push((c.is_finite() && (0.0..=200.0).contains(&c)).then_some(c));
        }
        Ok(AlternativesReport {
            unit: "MSEK",
            runs: plan.runs(),
            kommuner: s.kommun_names(),
            alternatives: s
                .alternatives
                .iter()
                .zip(&d)
                .zip(&best)
                .map(|((a, dv), b)| VariantResult {
                    name: a.name.clone(),
                    npv: (0..k).map(|i| stat(&dv[i])).collect(),
                    npv_total: stat(&dv[k]),
                    prob_better_than_today: (0..k)
                        .map(|i| dv[i].iter().filter(|&&x| x > 0.0).count() as f64 / n as f64)
                        .collect(),
                    prob_best: (0..k).map(|i| b[i].p()).collect(),
                    prob_best_total: b[k].p(),
                    establishment: stat(&dv[k + 1]),
                })
                .collect(),
            prob_today_best: today_best.iter().map(Proportion::p).collect(),
            break_even_capture_pct: break_even,
            seed_wording: s.alternatives.iter().map(|a| a.seed_wording.clone()).collect(),
            reversibility: s.alternatives.iter().map(|a| a.reversibility.clone()).collect(),
            assumed: s
                .alternatives
                .iter()
                .map(|a| (a.savings_capture_pct, a.establishment_effort_pct, a.planned_months))
                .collect(),
        })
    }
}

/// One risk of the register: what it costs and what its mitigation does.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow {
    pub area: String,
    /// The area's name in the English report, when the scenario gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_en: Option<String>,
    pub description: String,
    pub probability_pct: f64,
    /// Mean establishment cost with the risk minus without it (probability 0), MSEK.
    pub expected_cost_msek: f64,
    /// P80 of the establishment cost with minus without the risk, MSEK.
    pub p80_effect_msek: f64,
    /// Its share of the inside view's P80 reserve over the förstudie's estimate.
    pub share_of_p80_reserve: f64,
    /// Mean total NPV with minus without the risk (delay moves savings too), MSEK.
    pub npv_total_effect_msek: f64,
    pub mitigation: String,
    pub mitigation_cost_msek: f64,
    /// With the mitigation applied (its cost included) minus without: mean establishment
    /// cost, P80, mean total NPV.
    pub mitigation_mean_cost_change_msek: f64,
    pub mitigation_p80_change_msek: f64,
    pub mitigation_npv_change_msek: f64,
    /// Whether the mitigation pays for itself: it raises the mean total NPV.
    pub mitigation_pays: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub unit: &'static str,
    pub runs: u64,
    pub data_centre: String,
    /// The establishment figures are the inside view's (bottom-up), where the register's risks
    /// are priced; the NPV effects are the headline view's.
    pub establishment_view: &'static str,
    pub reference_estimate_msek: f64,
    pub establishment: sim::Summary,
    /// P80 of the inside view minus the förstudie's estimate.
    pub reserve_p80_over_estimate_msek: f64,
    pub risks: Vec<RiskRow>,
}

/// `riskkalkyl risks`: the register's risks one by one, switched off and mitigated, against
/// the scenario; the reserve over the förstudie's estimate (or the plan's figure).
#[derive(Debug, Clone, Copy, Default)]
pub struct RisksAnalysis;

impl Analysis for RisksAnalysis {
    type Report = RiskReport;

    fn run(&self, s: &Scenario, model: &Model, plan: &AnalysisPlan) -> Result<RiskReport, AnalysisError> {
        let Some(reg) = &s.risk_register else {
            return Err(AnalysisError::MissingSection {
                section: "[risk_register]",
            });
        };
        let reference_estimate_msek = plan.estimate_msek(model);
        let k = s.kommuner.len();
        let mut variants = vec![s.clone()];
        for i in 0..reg.risks.len() {
            let mut off = s.clone();
            let r = &mut off.risk_register.as_mut().expect("register").risks[i];
            r.existing.probability_pct = 0.0;
            r.new.probability_pct = 0.0;
            r.mitigation.applied = false;
            variants.push(off);
            let mut mit = s.clone();
            mit.risk_register.as_mut().expect("register").risks[i]
                .mitigation
                .applied = true;
            variants.push(mit);
        }
        let models: Vec<Model> = variants.iter().map(Model::new).collect::<Result<_, _>>()?;
        let d = draws(&models, plan);
        let est = |v: usize| stat(&d[v][k + 2]);
        let base = est(0);
        let reserve = base.p80 - reference_estimate_msek;
        let npv_mean = |v: usize| mean(&d[v][k]);
        let risks = reg
            .risks
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (off, mit) = (est(1 + 2 * i), est(2 + 2 * i));
                let p80_effect = base.p80 - off.p80;
                let npv_change = npv_mean(2 + 2 * i) - npv_mean(0);
                RiskRow {
                    area: r.area.clone(),
                    area_en: r.area_en.clone(),
                    description: r.case(&reg.data_centre).description.clone(),
                    probability_pct: r.case(&reg.data_centre).probability_pct,
                    expected_cost_msek: base.mean - off.mean,
                    p80_effect_msek: p80_effect,
                    share_of_p80_reserve: if reserve > 0.0 { p80_effect / reserve } else { 0.0 },
                    npv_total_effect_msek: npv_mean(0) - npv_mean(1 + 2 * i),
                    mitigation: r.mitigation.description.clone(),
                    mitigation_cost_msek: r.mitigation.cost_msek,
                    mitigation_mean_cost_change_msek: mit.mean - base.mean,
                    mitigation_p80_change_msek: mit.p80 - base.p80,
                    mitigation_npv_change_msek: npv_change,
                    mitigation_pays: npv_change > 0.0,
                }
            })
            .collect();
        Ok(RiskReport {
            unit: "MSEK",
            runs: plan.runs(),
            data_centre: reg.data_centre.clone(),
            establishment_view: "inside",
            reference_estimate_msek,
            establishment: base,
            reserve_p80_over_estimate_msek: reserve,
            risks,
        })
    }
}
