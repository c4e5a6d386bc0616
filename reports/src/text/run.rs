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

/// A plain-text summary: NPV per kommun, and the establishment cost by both views against the
/// förstudie's estimate and range.
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
    let est = m(s.reference_estimate_msek);
    let (lo, hi) = s
        .reference_range_msek
        .map_or(("–".to_string(), "–".to_string()), |[lo, hi]| (m(lo), m(hi)));
    let _ = writeln!(
        o,
        "\nEstablishment (one-off) cost, MSEK: the förstudie's estimate {est}, its range {lo}–{hi}"
    );
    let _ = writeln!(
        o,
        "  {:<28}{:>7}{:>7}{:>7}{:>7}{:>7}{:>7}{:>10}{:>9}{:>9}",
        "",
        "mean",
        "P5",
        "P50",
        "P80",
        "P85",
        "P95",
        format!("P(>{est})"),
        format!("P(>{hi})"),
        format!("P(<{lo})")
    );
    let opt = |p: Option<f64>| p.map_or("–".to_string(), pct);
    for (name, v) in [
        ("outside view (ref. class)", &s.establishment_cost_outside),
        ("inside view (bottom-up)", &s.establishment_cost_inside),
    ] {
        let e = &v.stats;
        let _ = writeln!(
            o,
            "  {name:<28}{:>7}{:>7}{:>7}{:>7}{:>7}{:>7}{:>10}{:>9}{:>9}",
            m(e.mean),
            m(e.p5),
            m(e.p50),
            m(e.p80),
            m(v.p85),
            m(e.p95),
            pct(v.prob_above_estimate),
            opt(v.prob_above_range),
            opt(v.prob_below_range)
        );
    }
    let g = &s.establishment_views_gap_msek;
    let (out5, in5) = (
        s.establishment_cost_outside.stats.p5,
        s.establishment_cost_inside.stats.p5,
    );
    let signed = |x: f64| format!("{:+}", round_dp(x, 1));
    let _ = writeln!(
        o,
        "  {:<28}{:>7}{:>7}{:>7}{:>7}{:>7}{:>7}",
        "gap outside − inside",
        signed(g.mean),
        signed(out5 - in5),
        signed(g.p50),
        signed(g.p80),
        signed(g.p85),
        signed(g.p95)
    );
    let e = &s.establishment_cost;
    let _ = writeln!(
        o,
        "  headline ({} view): mean {} (±{}); P(cost > {est}) {} (±{}); outside above inside in {} of draws",
        s.headline_view,
        m(e.mean),
        round_dp(e.mean_se, 2),
        pct(s.prob_cost_above_estimate),
        pct2(s.prob_cost_above_estimate_se),
        pct(g.prob_outside_above_inside)
    );
    let _ = writeln!(
        o,
        "  cost frame P80 {} MSEK (reserve over the estimate {}), P85 {} MSEK (reserve {})",
        m(s.cost_frame_p80_msek),
        signed(s.reserve_p80_over_estimate_msek),
        m(s.cost_frame_p85_msek),
        signed(s.reserve_p85_over_estimate_msek)
    );
    let d = &s.establishment_duration_months;
    let _ = writeln!(o, "  duration: P50 {} months, P80 {} months", m(d.p50), m(d.p80));
    let _ = writeln!(
        o,
        "\n(money nominal; payback: median year from which the undiscounted cumulative net benefit stays ≥ 0; \"after\" = not by {}.\n P85: a confidence level used for large Swedish infrastructure investments, Trafikverket practice, unconfirmed here.)",
        s.horizon_year
    );
    o
}
