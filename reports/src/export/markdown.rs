//! summary.md: the key table and probabilities in Markdown, for a CI job summary or a mail.

use std::fmt::Write;

use crate::format::{Lang, md_escape, number_plain as num, pct};
use crate::report::ReportData;

use super::{BoardReport, ExportError, Exporter};

/// The Markdown summary. Non-breaking spaces become plain spaces: Markdown viewers wrap badly
/// on them in tables.
pub fn summary(d: &ReportData) -> String {
    let l = d.lang;
    let s = &d.summary;
    let u = l.msek_unit();
    let (y0, y1) = d.npv_years();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {} – {}\n",
        md_escape(&d.info.scenario),
        l.tr("common.risk_and_benefit")
    );
    let _ = writeln!(
        o,
        "{} {}, {} {}. {} {}–{}, {} {} {} %.\n",
        num(s.runs as f64, 0, l),
        l.tr("markdown.simulated_outcomes"),
        l.tr("common.seed"),
        s.seed,
        l.tr("common.net_present_value_of_net_benefit"),
        y0,
        y1,
        l.tr("common.discounted_to"),
        d.info.npv_base_year,
        format_args!("{} {}", l.tr("common.at"), num(d.info.discount_rate_pct, 1, l)),
    );
    for sentence in super::html::key_sentences(d) {
        let _ = writeln!(o, "- {}", md_escape(&sentence));
    }
    let _ = writeln!(
        o,
        "\n| {} | {} ({u}) | P10 | P90 | {} | {} |\n|---|---:|---:|---:|---:|---:|",
        l.tr("common.kommun"),
        l.tr("common.npv_median"),
        l.tr("common.p_net_loss"),
        l.tr("markdown.paid_back_median"),
    );
    let n = s.kommuner.len();
    for i in 0..=n {
        let k = d.kommun_summary(i);
        let name = if i < n {
            md_escape(&k.name)
        } else {
            format!("**{}**", md_escape(&d.total().name))
        };
        let npv = &k.net_benefit_npv;
        let payback = match k.payback_year.p50 {
            Some(y) => y.to_string(),
            None => format!("{} {}", l.tr("common.after"), d.info.horizon_year),
        };
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {} | {} | {payback} |",
            num(npv.p50, 1, l),
            num(npv.p10, 1, l),
            num(npv.p90, 1, l),
            pct(k.prob_net_loss, l),
        );
    }
    let e = &s.establishment_cost;
    let range = s.reference_range_msek.map_or("–".to_string(), |[lo, hi]| {
        format!("{}–{}", num(lo, 0, l), num(hi, 0, l))
    });
    let opt = |p: Option<f64>| p.map_or("–".to_string(), |p| pct(p, l));
    let _ = writeln!(
        o,
        "\n| {} | {u} |\n|---|---:|\n| {} | {} |\n| {} | {} |\n| P50 | {} |\n| P95 | {} |\n| {} | {} |\n| {} | {} |\n| {} | {} |\n| {} | {} |\n| {} | {} |\n| {} | {} |\n| {} | {} |",
        l.tr("common.one_off_establishment_cost"),
        l.tr("common.the_forstudies_estimate"),
        num(s.reference_estimate_msek, 1, l),
        l.tr("common.the_forstudies_range"),
        range,
        num(e.p50, 1, l),
        num(e.p95, 1, l),
        l.tr("common.cost_frame_p80"),
        num(s.cost_frame_p80_msek, 1, l),
        l.tr("common.cost_frame_p85"),
        num(s.cost_frame_p85_msek, 1, l),
        l.tr("common.reserve_for_a_p80_frame"),
        num(s.reserve_p80_over_estimate_msek, 1, l),
        l.tr("common.reserve_for_a_p85_frame"),
        num(s.reserve_p85_over_estimate_msek, 1, l),
        l.tr("common.p_above_estimate"),
        pct(s.prob_cost_above_estimate, l),
        l.tr("common.p_above_range"),
        opt(s.prob_cost_above_range),
        l.tr("common.p_below_range"),
        opt(s.prob_cost_below_range),
    );
    // Both views side by side (the headline is one of them).
    let _ = writeln!(
        o,
        "\n| {} | P50 | P80 | P85 | P95 | {} | {} | {} |\n|---|---:|---:|---:|---:|---:|---:|---:|",
        u,
        l.tr("common.p_above_estimate"),
        l.tr("common.p_above_range"),
        l.tr("common.p_below_range"),
    );
    for (label, v) in [
        (l.tr("common.outside_view"), &s.establishment_cost_outside),
        (l.tr("common.inside_view"), &s.establishment_cost_inside),
    ] {
        let _ = writeln!(
            o,
            "| {label} | {} | {} | {} | {} | {} | {} | {} |",
            num(v.stats.p50, 1, l),
            num(v.stats.p80, 1, l),
            num(v.p85, 1, l),
            num(v.stats.p95, 1, l),
            pct(v.prob_above_estimate, l),
            opt(v.prob_above_range),
            opt(v.prob_below_range),
        );
    }
    let _ = writeln!(
        o,
        "\n{}",
        match l {
            Lang::Sv => format!(
                "Rubriken använder den {} vyn. Beloppen är nominella (varje års egna priser); nuvärdet diskonteras med internräntan som kalkylränta; återbetalningsåret är odiskonterat.",
                if s.headline_view == "outside" { "yttre" } else { "inre" }
            ),
            Lang::En => format!(
                "The headline uses the {} view. Amounts are nominal (each year's own prices); the NPV discounts them at the internal rate used as kalkylränta; the payback year is undiscounted.",
                s.headline_view
            ),
        }
    );
    let _ = writeln!(
        o,
        "\n{} {}.",
        l.tr("markdown.full_report_with_charts_rapport_html"),
        match l {
            Lang::Sv => "miljoner kronor (mnkr)",
            Lang::En => "million SEK (MSEK)",
        }
    );
    o.replace(crate::format::NBSP, " ")
}

/// summary.md of the board report.
pub struct SummaryMd;

impl Exporter<BoardReport<'_>> for SummaryMd {
    fn file_name(&self) -> &'static str {
        "summary.md"
    }

    fn serialize(&self, r: &BoardReport) -> Result<Vec<u8>, ExportError> {
        Ok(summary(r.data).into_bytes())
    }
}
