//! Problems of scale: bounds on every figure a run can produce.

use std::collections::BTreeMap;

use sim::dist::Input;

use super::error::Problems;
use super::error::{FieldPath, Seg};
use super::inputs::{InputId, InputKind as K};
use super::{MAX_AMOUNT_MSEK, MAX_ESTABLISHMENT_MONTHS, MAX_OUTPUT_MSEK, Scenario};

impl Scenario {
    /// Every number of the scenario, selected or not (the `[decision]` section, the risk case
    /// not chosen, every alternative): finite, and a money figure (a field whose name says
    /// MSEK) within ±[`MAX_AMOUNT_MSEK`]. Walks the serialised form, so a field added to the
    /// schema is covered without a line here; the path names the field for the file's
    /// line:column.
    pub(crate) fn check_numbers(&self, out: &mut Problems) {
        /// A step of the path to the value being looked at; the path is written out only for
        /// a problem (formatting it at every value made this walk most of `scenario check`).
        enum Step<'a> {
            Key(&'a str),
            Index(usize),
        }
        fn path(steps: &[Step]) -> String {
            let segs = steps.iter().map(|s| match s {
                Step::Key(k) => Seg::Key((*k).to_string()),
                Step::Index(i) => Seg::Index(*i),
            });
            FieldPath(segs.collect()).to_string()
        }
        fn walk<'a>(v: &'a toml::Value, steps: &mut Vec<Step<'a>>, money: bool, out: &mut Problems) {
            match v {
                toml::Value::Float(x) => {
                    if !x.is_finite() {
                        out.bad(
                            path(steps),
                            format!("{x} is not a finite number"),
                            "write a finite number",
                        );
                    } else if money && x.abs() > MAX_AMOUNT_MSEK {
                        out.bad(
                            path(steps),
                            format!("{x:e} MSEK is beyond ±{MAX_AMOUNT_MSEK:e} MSEK"),
                            "check the unit (MSEK, million kronor) and the value",
                        );
                    }
                }
                toml::Value::Integer(i) if money && (*i as f64).abs() > MAX_AMOUNT_MSEK => out.bad(
                    path(steps),
                    format!("{i} MSEK is beyond ±{MAX_AMOUNT_MSEK:e} MSEK"),
                    "check the unit (MSEK, million kronor) and the value",
                ),
                toml::Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        steps.push(Step::Index(i));
                        walk(x, steps, money, out);
                        steps.pop();
                    }
                }
                toml::Value::Table(t) => {
                    for (k, x) in t {
                        steps.push(Step::Key(k));
                        walk(x, steps, money || k.contains("_msek"), out);
                        steps.pop();
                    }
                }
                _ => {}
            }
        }
        if let Ok(v) = toml::Value::try_from(self) {
            walk(&v, &mut Vec::new(), false, out);
        }
    }

    /// Problems of scale, for a scenario whose every field is valid on its own: an upper bound
    /// on every money figure a run can produce (interval arithmetic over the inputs' ranges)
    /// must stay within [`MAX_OUTPUT_MSEK`], so no infinity, NaN or overflow reaches the
    /// statistics or a report. Each check names the input that drives the bound.
    pub(crate) fn check_bounds(&self, out: &mut Problems) {
        let mut bad = |path: String, problem: String, hint: &str| out.bad(path, problem, hint);
        let inputs: BTreeMap<String, (Input, f64, f64)> = self
            .inputs()
            .into_iter()
            .filter_map(|(name, spec)| {
                Input::new(&spec).ok().map(|i| {
                    // The range each input stays in (`Input::far_range`, exhaustive over the kinds).
                    let (lo, hi) = i.far_range();
                    (name, (i, lo, hi))
                })
            })
            .collect();
        // An input whose distribution is invalid is missing here: its own problem is reported
        // by the input check, and NaN keeps every bound that uses it from firing a second time.
        let hi = |name: &str| inputs.get(name).map_or(f64::NAN, |i| i.2);
        let lo = |name: &str| inputs.get(name).map_or(f64::NAN, |i| i.1);
        let single = |kind| InputId::single(kind).path();
        let at = |kind, i| InputId::at(kind, i).path();
        let y = &self.years;
        let e = &self.establishment;

        // Current cost: the 2024 total must be positive (the saving share divides by it).
        let cost_tkr: f64 = self.kommuner.iter().flat_map(|k| k.cost_2024_tkr.values()).sum();
        if !(cost_tkr >= 1.0) {
            bad(
                "kommuner[0].cost_2024_tkr".into(),
                format!("the 2024 costs of all kommuner add up to {cost_tkr} tkr"),
                "give the kommuner's 2024 IT costs in tkr: with no cost there is nothing to save or share",
            );
            return;
        }

        // Duration of the establishment.
        let phase_paths: Vec<String> = (0..e.phases.len()).map(|i| at(K::PhaseDuration, i)).collect();
        let point_sum: f64 = phase_paths
            .iter()
            .map(|p| inputs.get(p).map_or(f64::NAN, |i| i.0.point))
            .sum();
        let longest = phase_paths
            .iter()
            .map(|p| (p.clone(), hi(p)))
            .fold((String::new(), 0.0), |a, b| if b.1 > a.1 { b } else { a })
            .0;
        let phases_hi: f64 = phase_paths.iter().map(|p| hi(p)).sum();
        let schedule_path = single(K::ScheduleOverrun);
        let schedule = 1.0 + hi(&schedule_path) / 100.0;
        // The risk register's delays add to the duration, its costs to the extras.
        let (mut risk_delays, mut risk_costs) = (Vec::new(), Vec::new());
        if let Some(reg) = &self.risk_register {
            let case = reg.case_name();
            for (i, r) in reg.risks.iter().enumerate() {
                let delay = InputId::risk(K::RiskDelay, i, case).path();
                let cost = InputId::risk(K::RiskCost, i, case).path();
                let d = hi(&delay).max(0.0);
                risk_delays.push((delay, d));
                let c = hi(&cost).max(0.0);
                risk_costs.push((cost, c));
                if r.mitigation.applied {
                    risk_costs.push((
                        format!("risk_register.risks[{i}].mitigation.cost_msek"),
                        r.mitigation.cost_msek,
                    ));
                }
            }
        }
        let delay_max: f64 = risk_delays.iter().map(|d| d.1).sum();
        let d_max = e.planned_months * (phases_hi / point_sum) * schedule + delay_max;
        if !(d_max <= MAX_ESTABLISHMENT_MONTHS) {
            let path = if delay_max > d_max / 2.0 {
                risk_delays
                    .iter()
                    .fold(&risk_delays[0], |a, b| if b.1 > a.1 { b } else { a })
                    .0
                    .clone()
            } else if schedule >= phases_hi / point_sum {
                schedule_path
            } else {
                longest
            };
            bad(
                path,
                format!("the establishment could last {d_max:.4e} months, more than {MAX_ESTABLISHMENT_MONTHS}"),
                "narrow the range: the drawn durations and the schedule overrun stretch the planned months",
            );
            return;
        }
        let est_years = (d_max / 12.0).ceil();

        // Growth compounding over the appraisal.
        let years = f64::from(y.horizon_year - y.base_year);
        let mut cur_max = 0.0;
        for c in &self.categories {
            let g = InputId::growth(&c.growth).path();
            let factor = (1.0 + hi(&g) / 100.0).powf(years).max(1.0);
            if !(factor <= 1000.0) {
                bad(
                    g.clone(),
                    format!(
                        "growing up to {} %/yr for {years} years multiplies today's cost by {factor:.3e}",
                        hi(&g)
                    ),
                    "narrow the growth range or shorten the horizon (a thousandfold growth is not a forecast)",
                );
                return;
            }
            let cat_tkr: f64 = self
                .kommuner
                .iter()
                .map(|k| k.cost_2024_tkr.get(&c.id).copied().unwrap_or(0.0))
                .sum();
            cur_max += cat_tkr / 1000.0 * factor;
        }

        // Staff: the joint organisation's FTE against today's.
        let volume = |v: &str| self.kommuner.iter().map(|k| k.volume(v).unwrap_or(0.0)).sum::<f64>();
        let mut fte_parts: Vec<(String, f64)> = vec![("staffing.managers_fte".into(), self.staffing.managers_fte)];
        for kind in [K::StrategicFte, K::TotalFte] {
            let p = single(kind);
            if inputs.contains_key(&p) {
                fte_parts.push((p.clone(), hi(&p)));
            }
        }
        for (i, r) in self.staffing.roles.iter().enumerate() {
            let p = at(K::RolePerFte, i);
            let f = volume(&r.volume) / lo(&p);
            fte_parts.push((p, f));
        }
        let fte_max: f64 = fte_parts.iter().map(|p| p.1).sum();
        let today = self.staffing.today_fte;
        if !(fte_max <= 100.0 * today) {
            let worst = fte_parts
                .iter()
                .fold(&fte_parts[0], |a, b| if b.1 > a.1 { b } else { a });
            bad(
                worst.0.clone(),
                format!("the joint organisation could need {fte_max:.4e} FTE, over a hundred times today's {today}"),
                "check the staffing ratios (volume served per FTE) and today's FTE",
            );
            return;
        }
        // How far below zero a category's saving can go: the staff saving 1 − FTE/today and
        // negative saving rates.
        let staff_neg = (fte_max / today - 1.0).max(0.0);
        let mut neg = 0.0_f64;
        for c in &self.categories {
            let mut v = staff_neg * self.staffing.applies_to_pct.get(&c.id).copied().unwrap_or(0.0) / 100.0;
            for (i, p) in self.savings.iter().enumerate() {
                let rate_lo = lo(&at(K::SavingRate, i));
                v += (-rate_lo / 100.0).max(0.0) * p.applies_to_pct.get(&c.id).copied().unwrap_or(0.0) / 100.0;
            }
            neg = neg.max(v);
        }

        // Establishment extras.
        let overrun = (1.0 + hi(&single(K::ReferenceClassOverrun)) / 100.0).max(1.0);
        let stretch = d_max / e.planned_months;
        let g_par = InputId::growth(&e.parallel_growth).path();
        let price_exp = |year_offset: f64| f64::from(y.start_year - e.parallel_price_year) + year_offset;
        let price = [price_exp(0.0), price_exp(est_years)]
            .iter()
            .flat_map(|&x| [(1.0 + hi(&g_par) / 100.0).powf(x), (1.0 + lo(&g_par) / 100.0).powf(x)])
            .fold(1.0, f64::max);
        let (labour, parallel) = (single(K::ProjectLabour), single(K::ParallelRunning));
        let mut extras = vec![
            (labour.clone(), hi(&labour) * stretch * overrun),
            (parallel.clone(), hi(&parallel) * d_max / 12.0 * price * overrun),
        ];
        for i in 0..e.one_off.len() {
            let p = at(K::OneOffAmount, i);
            let v = hi(&p) * overrun;
            extras.push((p, v));
        }
        extras.extend(risk_costs);
        // The inside view with the overrun on every item bounds the outside view too, unless the
        // scenario gives its own estimate.
        let outside_max = e.reference_estimate_msek.unwrap_or(0.0) * overrun;
        let extras_max: f64 = extras.iter().map(|x| x.1).sum::<f64>().max(outside_max);
        if !(extras_max <= 1e6) {
            let worst = extras.iter().fold(&extras[0], |a, b| if b.1 > a.1 { b } else { a });
            bad(
                worst.0.clone(),
                format!("the establishment could cost {extras_max:.4e} MSEK"),
                "check the unit (MSEK) and narrow the range",
            );
            return;
        }

        // Discounting, and the bound on every figure: current + joint cost per year, summed
        // over the years and discounted.
        let r = 1.0 + self.finance.discount_rate_pct / 100.0;
        let discount = [y.base_year, y.horizon_year]
            .iter()
            .map(|&year| r.powi(y.npv_base_year - year))
            .fold(1.0, f64::max);
        // The cost of staying alone and the kommuner's own staff after joining, and how far a
        // kommun's true cost may lie above its 2024 row.
        let factor_max = (0..self.kommuner.len())
            .map(|i| at(K::CostFactor, i))
            .filter(|p| inputs.contains_key(p))
            .map(|p| hi(&p) / 100.0)
            .fold(1.0, f64::max);
        cur_max *= factor_max;
        let growth_max = self
            .growth_pct_per_year
            .keys()
            .map(|g| (1.0 + hi(&InputId::growth(g).path()) / 100.0).powf(years).max(1.0))
            .fold(1.0, f64::max);
        let kommuner = self.kommuner.len() as f64;
        let mut own = 0.0;
        let security = single(K::StandAloneSecurity);
        if inputs.contains_key(&security) {
            own += hi(&security) * kommuner * growth_max;
        }
        let local = single(K::LocalFte);
        if inputs.contains_key(&local) {
            own += hi(&local) * kommuner / today * cur_max;
        }
        let net_max = cur_max * (2.0 + neg) + extras_max + own;
        let npv_max = (years + 1.0) * net_max * discount;
        if !(npv_max <= MAX_OUTPUT_MSEK) {
            bad(
                "years.horizon_year".into(),
                format!(
                    "figures could reach {npv_max:.3e} MSEK (today's cost up to {cur_max:.3e} MSEK after growth, savings down to −{neg:.1} of it, discounting ×{discount:.3e}), more than {MAX_OUTPUT_MSEK:e}"
                ),
                "narrow the growth, staffing and discount ranges or shorten the horizon",
            );
        }
    }
}
