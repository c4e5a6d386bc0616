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
    let est = m(s.reference_estimate_msek);
    let (lo, hi) = s
        .reference_range_msek
        .map_or(("–".to_string(), "–".to_string()), |[lo, hi]| (m(lo), m(hi)));
    let _ = writeln!(
        o,
        "\nEstablishment (one-off) cost, MSEK: the förstudie's estimate {est}, its range {lo}–{hi}"
    );
    let _ = writeln!(o, "  95 % confidence intervals: {}", intervals(e, &[50, 80, 85, 95]));
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
        prob(s.prob_cost_above_estimate, s.prob_cost_above_estimate_ci95),
        if s.prob_cost_above_estimate_se.is_nan() {
            "one-sided bound".to_string()
        } else {
            pct2(s.prob_cost_above_estimate_se)
        },
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
