//! The console summary of a run.

use std::fmt::Write;

use super::{column_width, pct};
use crate::format::round_dp;
use crate::summary::Summary;

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
            pct(k.prob_net_loss),
            payback
        );
    }
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
    let _ = writeln!(
        o,
        "  budget {} MSEK: P(cost overrun) {} (±{}); P80 contingency over budget {} MSEK",
        m(s.budget_msek),
        pct(s.prob_cost_overrun),
        pct2(s.prob_cost_overrun_se),
        m(s.p80_contingency_msek)
    );
    let d = &s.establishment_duration_months;
    let _ = writeln!(o, "  duration: P50 {} months, P80 {} months", m(d.p50), m(d.p80));
    let _ = writeln!(
        o,
        "\n(payback: median year from which cumulative net benefit stays ≥ 0; \"after\" = not by {})",
        s.horizon_year
    );
    o
}
