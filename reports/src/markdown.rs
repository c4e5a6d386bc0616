//! summary.md: the key table and probabilities in Markdown, for a CI job summary or a mail.

use std::fmt::Write;

use crate::format::{Lang, number_plain as num, pct};
use crate::report::ReportData;

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
        d.info.scenario,
        l.t("risk och nytta", "risk and benefit")
    );
    let _ = writeln!(
        o,
        "{} {}, {} {}. {} {}–{}, {} {} {} %.\n",
        num(s.runs as f64, 0, l),
        l.t("simulerade utfall", "simulated outcomes"),
        l.t("slumpfrö", "seed"),
        s.seed,
        l.t("Nuvärde av nettonyttan", "Net present value of net benefit"),
        y0,
        y1,
        l.t("diskonterat till", "discounted to"),
        d.info.npv_base_year,
        format_args!("{} {}", l.t("med", "at"), num(d.info.discount_rate_pct, 1, l)),
    );
    for sentence in crate::html::key_sentences(d) {
        let _ = writeln!(o, "- {sentence}");
    }
    let _ = writeln!(
        o,
        "\n| {} | {} ({u}) | P10 | P90 | {} | {} |\n|---|---:|---:|---:|---:|---:|",
        l.t("Kommun", "Kommun"),
        l.t("Nuvärde, median", "NPV, median"),
        l.t("P(nettoförlust)", "P(net loss)"),
        l.t("Återbetald (median)", "Paid back (median)"),
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
            None => format!("{} {}", l.t("efter", "after"), d.info.horizon_year),
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
        l.t("Engångskostnad för etableringen", "One-off establishment cost"),
        l.t("Budget (förstudiens kalkyl)", "Budget (the förstudie's estimate)"),
        num(s.budget_msek, 1, l),
        num(e.p50, 1, l),
        num(e.p80, 1, l),
        num(e.p95, 1, l),
        l.t("Reserv för P80-budget", "Contingency for a P80 budget"),
        num(s.p80_contingency_msek, 1, l),
        l.t("P(budgeten överskrids)", "P(budget overrun)"),
        pct(s.prob_cost_overrun, l),
    );
    let _ = writeln!(
        o,
        "\n{} {}.",
        l.t(
            "Fullständig rapport med diagram: rapport.html. Alla belopp i",
            "Full report with charts: rapport.html. All amounts in"
        ),
        match l {
            Lang::Sv => "miljoner kronor (mnkr)",
            Lang::En => "million SEK (MSEK)",
        }
    );
    o.replace(crate::format::NBSP, " ")
}
