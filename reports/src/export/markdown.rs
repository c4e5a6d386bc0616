//! summary.md: the key table and probabilities in Markdown, for a CI job summary or a mail.

use std::fmt::Write;

use crate::format::{Lang, number_plain as num, pct};
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
    let _ = writeln!(o, "# {} – {}\n", d.info.scenario, l.tr("common.risk_and_benefit"));
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
        let _ = writeln!(o, "- {sentence}");
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
            k.name.clone()
        } else {
            format!("**{}**", d.total().name)
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
    let _ = writeln!(
        o,
        "\n| {} | {u} |\n|---|---:|\n| {} | {} |\n| P50 | {} |\n| P80 | {} |\n| P95 | {} |\n| {} | {} |\n| {} | {} |",
        l.tr("common.one_off_establishment_cost"),
        l.tr("common.budget_the_forstudies_estimate"),
        num(s.budget_msek, 1, l),
        num(e.p50, 1, l),
        num(e.p80, 1, l),
        num(e.p95, 1, l),
        l.tr("common.contingency_for_a_p80_budget"),
        num(s.p80_contingency_msek, 1, l),
        l.tr("common.p_budget_overrun"),
        pct(s.prob_cost_overrun, l),
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
