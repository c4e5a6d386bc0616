//! The console summary of a run.

use std::fmt::Write;

use super::{column_width, pct};
use crate::format::{Lang, interval, pct_bounded, round_dp};
use crate::summary::{Stats, Summary};

/// A probability; with no hit (or only hits) its 95 % bound, "< 0.00030 %".
fn prob(p: f64, ci95: [f64; 2]) -> String {
    if p == 0.0 || p == 1.0 {
        pct_bounded(p, ci95, Lang::En).replace('\u{a0}', " ").replace('%', " %")
    } else {
        pct(p)
    }
}

/// "P10 86.9–88.1, P50 …": the 95 % confidence intervals of the given percentiles, MSEK.
fn intervals(s: &Stats, pcts: &[u32]) -> String {
    let parts: Vec<String> = pcts
        .iter()
        .filter_map(|&p| s.ci95(p))
        .map(|c| format!("P{} {}", c.pct, interval(c.lo, c.hi, 1, Lang::En).replace(',', "")))
        .collect();
    parts.join(", ")
}

fn pct2(p: f64) -> String {
    format!("{} %", round_dp(100.0 * p, 2))
}

/// MSEK rounded to one decimal, trailing zeros dropped.
fn m(x: f64) -> String {
    round_dp(x, 1).to_string()
}

/// A plain-text summary: NPV per kommun, the establishment cost and the overrun risk.
pub fn summary(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} — {} runs, seed {}", s.scenario, s.runs, s.seed);
    let _ = writeln!(
        o,
        "Net benefit (current − joint cost), NPV {}–{} discounted to {} at {} %, MSEK\n",
        s.npv_base_year + 1,
        s.horizon_year,
        s.npv_base_year,
        s.discount_rate_pct
    );
    let width = column_width(s.kommuner.iter().map(|k| k.name.as_str()), 8);
    let _ = writeln!(
        o,
        "{:<width$}{:>9}{:>8}{:>9}{:>9}{:>9}{:>13}{:>10}",
        "Kommun", "mean", "±se", "P10", "P50", "P90", "P(net loss)", "payback"
    );
    for k in s.kommuner.iter().chain([&s.total]) {
        let n = &k.net_benefit_npv;
        let pad = width - k.name.chars().count();
        let payback = k.payback_year.p50.map_or("after".to_string(), |y| y.to_string());
        let _ = writeln!(
            o,
            "{}{}{:>9}{:>8}{:>9}{:>9}{:>9}{:>13}{:>10}",
            k.name,
            " ".repeat(pad),
            m(n.mean),
            round_dp(n.mean_se, 2).to_string(),
            m(n.p10),
            m(n.p50),
            m(n.p90),
            prob(k.prob_net_loss, k.prob_net_loss_ci95),
            payback
        );
    }
    let _ = writeln!(
        o,
        "  95 % confidence intervals of the {} NPV percentiles: {}",
        s.total.name,
        intervals(&s.total.net_benefit_npv, &[10, 50, 90])
    );
    let e = &s.establishment_cost;
    let _ = writeln!(o, "\nEstablishment (one-off) cost, MSEK");
    let _ = writeln!(
        o,
        "  mean {} (±{})   P50 {}   P80 {}   P95 {}",
        m(e.mean),
        round_dp(e.mean_se, 2),
        m(e.p50),
        m(e.p80),
        m(e.p95)
    );
    let _ = writeln!(o, "  95 % confidence intervals: {}", intervals(e, &[50, 80, 85, 95]));
    let _ = writeln!(
        o,
        "  budget {} MSEK: P(cost overrun) {} (±{}); P80 contingency over budget {} MSEK",
        m(s.budget_msek),
        prob(s.prob_cost_overrun, s.prob_cost_overrun_ci95),
        if s.prob_cost_overrun_se.is_nan() {
            format!(
                "95 % CI {}",
                interval(
                    100.0 * s.prob_cost_overrun_ci95[0],
                    100.0 * s.prob_cost_overrun_ci95[1],
                    2,
                    Lang::En
                )
            )
        } else {
            pct2(s.prob_cost_overrun_se)
        },
        m(s.p80_contingency_msek)
    );
    let d = &s.establishment_duration_months;
    let _ = writeln!(o, "  duration: P50 {} months, P80 {} months", m(d.p50), m(d.p80));
    let _ = writeln!(
        o,
        "\n(payback: median year from which cumulative net benefit stays ≥ 0; \"after\" = not by {})",
        s.horizon_year
    );
    let _ = writeln!(o, "({})", se_note(s));
    o
}

/// How the standard errors were obtained, in a sentence.
fn se_note(s: &Summary) -> String {
    use models::run::SeMethod;
    let method = match s.standard_errors {
        SeMethod::Iid => "±se: Monte Carlo standard error sd/√n".to_string(),
        SeMethod::ChunkMeans {
            full_chunks,
            relative_precision,
        } => format!(
            "±se: Latin hypercube standard error from the means of {full_chunks} chunks, itself precise to ±{:.0} %",
            100.0 * relative_precision
        ),
        SeMethod::IidUpperBound {
            full_chunks,
            needed_chunks,
        } => format!(
            "±se: the i.i.d. formula, an upper bound for Latin hypercube ({full_chunks} full chunks, {needed_chunks} needed for a between-chunk SE)"
        ),
    };
    format!(
        "{method}; percentiles within {:.2} % of the sampled value; P(…) 0 or 100 % shown as its one-sided 95 % bound",
        100.0 * s.quantile_relative_accuracy
    )
}
