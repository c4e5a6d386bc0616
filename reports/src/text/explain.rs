//! `riskkalkyl explain` as a reader sees it: the console table (Swedish or English), one plain
//! sentence per group and statistic, and the board report's section with its waterfall charts.
//!
//! The section is self-contained: [`report_section`] returns its HTML (charts inline) and the
//! charts to write under charts/, so the report places it with one call.

use std::fmt::Write;

use models::explain::{Explain, ExplainOutput, OutputKind, Statistic};

use crate::chart::{Chart, ChartError, waterfall};
use crate::format::{Lang, html_escape as esc, msek, number, number_plain};

/// Contributions smaller than this (MSEK) read "does not change": below the table's rounding.
const NEGLIGIBLE_MSEK: f64 = 0.05;

/// "Engångskostnad" or "Nuvärde för Gislaved".
pub fn output_title(o: &ExplainOutput, l: Lang) -> String {
    match o.kind {
        OutputKind::EstablishmentCost => l.tr("explain.cost").to_string(),
        OutputKind::EstablishmentCostInside => format!("{}, {}", l.tr("explain.cost"), inside_view(l)),
        OutputKind::Npv => l.tr("explain.npv_of").replace("{kommun}", &o.kommun),
    }
}

/// The inside view's name: the bottom-up estimate beside the headline's view.
fn inside_view(l: Lang) -> &'static str {
    match l {
        Lang::Sv => "inifrånperspektiv (nedifrån och upp)",
        Lang::En => "inside view (bottom-up)",
    }
}

/// The column head of a statistic: "medel", "P50".
fn stat_head(stat: Statistic, l: Lang) -> &'static str {
    match stat {
        Statistic::Mean => l.tr("explain.mean"),
        Statistic::P20 => "P20",
        Statistic::P50 => "P50",
        Statistic::P80 => "P80",
    }
}

/// "i medianen", "vid P80".
fn measure(stat: Statistic, l: Lang) -> &'static str {
    match stat {
        Statistic::Mean => l.tr("explain.measure_mean"),
        Statistic::P20 => l.tr("explain.measure_p20"),
        Statistic::P50 => l.tr("explain.measure_p50"),
        Statistic::P80 => l.tr("explain.measure_p80"),
    }
}

/// "engångskostnaden", "nuvärdet för Gislaved".
fn outcome(o: &ExplainOutput, l: Lang) -> String {
    match o.kind {
        OutputKind::EstablishmentCost => l.tr("explain.outcome_cost").to_string(),
        OutputKind::EstablishmentCostInside => format!("{} ({})", l.tr("explain.outcome_cost"), inside_view(l)),
        OutputKind::Npv => l.tr("explain.outcome_npv").replace("{kommun}", &o.kommun),
    }
}

/// The sentence template of a group: its own, or the generic one for a group without one.
fn template(group_id: &str, l: Lang) -> &'static str {
    match group_id {
        "reference_class" => l.tr("explain.sentence_reference_class"),
        "schedule_and_labour" => l.tr("explain.sentence_schedule_and_labour"),
        "one_offs" => l.tr("explain.sentence_one_offs"),
        "migration" => l.tr("explain.sentence_migration"),
        "schedule" => l.tr("explain.sentence_schedule"),
        "parallel_running" => l.tr("explain.sentence_parallel_running"),
        "project_labour" => l.tr("explain.sentence_project_labour"),
        "other_one_offs" => l.tr("explain.sentence_other_one_offs"),
        "savings" => l.tr("explain.sentence_savings"),
        "staffing" => l.tr("explain.sentence_staffing"),
        "growth" => l.tr("explain.sentence_growth"),
        "risk_register" => l.tr("explain.sentence_risk_register"),
        "staying_alone" => l.tr("explain.sentence_staying_alone"),
        _ => l.tr("explain.sentence_generic"),
    }
}

fn group_name(e: &Explain, g: usize, l: Lang) -> &str {
    match l {
        Lang::Sv => &e.groups[g].name_sv,
        Lang::En => &e.groups[g].name_en,
    }
}

/// One plain sentence for group `g`'s contribution to `stat` of output `o`: "Riskerna i … höjer
/// engångskostnaden i medianen med 4,5 mnkr."
pub fn sentence(e: &Explain, o: &ExplainOutput, stat: Statistic, g: usize, l: Lang) -> String {
    let phi = o.stat(stat).map_or(0.0, |s| s.contributions[g]);
    let name = group_name(e, g, l);
    let text = if phi.abs() < NEGLIGIBLE_MSEK {
        l.tr("explain.no_change").replace("{group}", name)
    } else {
        let dir = if phi > 0.0 {
            l.tr("explain.raises")
        } else {
            l.tr("explain.lowers")
        };
        template(&e.groups[g].id, l)
            .replace("{group}", name)
            .replace("{dir}", dir)
            .replace("{amount}", &msek(phi.abs(), l))
    };
    let text = text
        .replace("{outcome}", &outcome(o, l))
        .replace("{measure}", measure(stat, l));
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn signed(x: f64, l: Lang) -> String {
    let t = number_plain(x, 1, l);
    if t.starts_with('−') || number_plain(x.abs(), 1, l) == number_plain(0.0, 1, l) {
        t
    } else {
        format!("+{t}")
    }
}

/// The console table: per output, the förstudie's figure, each group's contribution per
/// statistic, the difference and the simulated statistic.
pub fn to_text(e: &Explain, l: Lang) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {}",
        l.tr("explain.title"),
        l.tr("explain.header")
            .replace("{runs}", &number_plain(e.runs as f64, 0, l))
            .replace("{seed}", &e.seed.to_string())
            .replace("{groups}", &e.groups.len().to_string())
            .replace("{subsets}", &number_plain(e.subsets as f64, 0, l))
    );
    let names: Vec<&str> = (0..e.groups.len()).map(|g| group_name(e, g, l)).collect();
    let w = super::column_width(
        names
            .iter()
            .copied()
            .chain([l.tr("explain.simulated"), l.tr("explain.difference")]),
        20,
    ) + 2;
    let unit = l.msek_unit();
    for out in &e.outputs {
        let _ = writeln!(
            o,
            "\n{}, {unit}: {} {}",
            output_title(out, l),
            l.tr("explain.forstudie"),
            number_plain(out.point, 1, l)
        );
        let _ = write!(o, "{:<w$}", "");
        for st in &out.stats {
            let _ = write!(o, "{:>9}", stat_head(st.stat, l));
        }
        o.push('\n');
        for (g, name) in names.iter().enumerate() {
            let _ = write!(o, "  {:<w2$}", name, w2 = w - 2);
            for st in &out.stats {
                let _ = write!(o, "{:>9}", signed(st.contributions[g], l));
            }
            o.push('\n');
        }
        let _ = write!(o, "  {:<w2$}", l.tr("explain.difference"), w2 = w - 2);
        for st in &out.stats {
            let _ = write!(o, "{:>9}", signed(st.difference, l));
        }
        o.push('\n');
        let _ = write!(o, "  {:<w2$}", l.tr("explain.simulated"), w2 = w - 2);
        for st in &out.stats {
            let _ = write!(o, "{:>9}", number_plain(st.simulated, 1, l));
        }
        o.push('\n');
    }
    o
}

/// The report's section and the charts it shows.
#[derive(Debug, Clone)]
pub struct Section {
    pub html: String,
    pub charts: Vec<Chart>,
}

/// The outputs the report draws a waterfall for: the one-off cost and the total's NPV, at the
/// median; the table shows every output's median.
const CHARTED: [&str; 2] = ["establishment_cost", "npv_total"];

/// An inline figure from a chart's SVG, scaled to the column (the report's own figures do
/// the same).
fn figure(c: &Chart, caption: &str) -> String {
    let body = c
        .svg
        .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .trim();
    let open_end = body.find('>').unwrap_or(0);
    let (open, rest) = body.split_at(open_end);
    let open = open
        .replacen(&format!("width=\"{}\"", crate::chart::WIDTH), "", 1)
        .replacen("height=\"", "data-height=\"", 1);
    format!(
        "<figure id=\"fig-{}\"><svg role=\"img\" aria-label=\"{}\"{}{}<figcaption>{}</figcaption></figure>",
        esc(&c.name),
        esc(&c.title),
        open.trim_start_matches("<svg"),
        rest,
        esc(caption)
    )
}

/// The board report's section "Varför resultatet skiljer sig från förstudien": a waterfall
/// and one sentence per group for the one-off cost and the total's NPV at the median, then the
/// median contributions of every output in one table.
pub fn report_section(e: &Explain, l: Lang) -> Result<Section, ChartError> {
    let mut html = String::new();
    let _ = write!(
        html,
        "<section id=\"forklaring\"><h2 class=\"newpage\">{}</h2><p>{} {}</p>",
        esc(l.tr("explain.title")),
        esc(l.tr("explain.intro")),
        esc(&l
            .tr("explain.header")
            .replace("{runs}", &number(e.runs as f64, 0, l))
            .replace("{seed}", &e.seed.to_string())
            .replace("{groups}", &e.groups.len().to_string())
            .replace("{subsets}", &number(e.subsets as f64, 0, l)))
    );
    let mut charts = Vec::new();
    for id in CHARTED {
        let Some(out) = e.output(id) else { continue };
        let chart = waterfall(e, id, Statistic::P50, l)?;
        html.push_str(&figure(&chart, &chart.title));
        html.push_str("<ul>");
        for g in 0..e.groups.len() {
            let _ = write!(html, "<li>{}</li>", esc(&sentence(e, out, Statistic::P50, g, l)));
        }
        html.push_str("</ul>");
        charts.push(chart);
    }
    let _ = write!(
        html,
        "<p>{}</p><table><thead><tr><th></th>",
        esc(l.tr("explain.median_table"))
    );
    for out in &e.outputs {
        let _ = write!(html, "<th>{}</th>", esc(&output_title(out, l)));
    }
    html.push_str("</tr></thead><tbody>");
    let row = |html: &mut String, label: &str, cell: &dyn Fn(&ExplainOutput) -> String| {
        let _ = write!(html, "<tr><td class=\"text\">{}</td>", esc(label));
        for out in &e.outputs {
            let _ = write!(html, "<td>{}</td>", esc(&cell(out)));
        }
        html.push_str("</tr>");
    };
    row(&mut html, l.tr("explain.forstudie_bar"), &|o| number(o.point, 1, l));
    for g in 0..e.groups.len() {
        row(&mut html, group_name(e, g, l), &|o| {
            o.stat(Statistic::P50)
                .map_or(String::new(), |s| signed(s.contributions[g], l))
        });
    }
    row(&mut html, l.tr("explain.simulated_bar"), &|o| {
        o.stat(Statistic::P50)
            .map_or(String::new(), |s| number(s.simulated, 1, l))
    });
    html.push_str("</tbody></table></section>");
    Ok(Section { html, charts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::explain::{ExplainGroup, ExplainStat};

    fn sample() -> Explain {
        let group = |id: &str, sv: &str| ExplainGroup {
            id: id.into(),
            name_sv: sv.into(),
            name_en: sv.into(),
            inputs: vec![],
            uncertain: true,
        };
        Explain {
            unit: "MSEK".into(),
            runs: 1000,
            seed: 7,
            subsets: 8,
            quantiles: String::new(),
            groups: vec![
                group("risk_register", "Riskregistret"),
                group("new_group", "En ny grupp"),
                group("growth", "Kostnadsutveckling"),
            ],
            outputs: vec![
                ExplainOutput {
                    id: "establishment_cost".into(),
                    kind: OutputKind::EstablishmentCost,
                    kommun: String::new(),
                    point: 28.71,
                    stats: vec![ExplainStat {
                        stat: Statistic::P50,
                        simulated: 33.2,
                        difference: 4.49,
                        contributions: vec![4.5, -0.01, 0.0],
                    }],
                },
                ExplainOutput {
                    id: "npv_total".into(),
                    kind: OutputKind::Npv,
                    kommun: "GGVV".into(),
                    point: 120.0,
                    stats: vec![ExplainStat {
                        stat: Statistic::P50,
                        simulated: 110.0,
                        difference: -10.0,
                        contributions: vec![-4.0, -1.0, -5.0],
                    }],
                },
            ],
        }
    }

    #[test]
    fn sentences_say_direction_amount_outcome_and_measure() {
        let e = sample();
        let cost = &e.outputs[0];
        let s = sentence(&e, cost, Statistic::P50, 0, Lang::Sv);
        assert!(s.starts_with("Riskerna i Ateas"), "{s}");
        assert!(
            s.contains("höjer engångskostnaden i medianen med 4,5\u{a0}mnkr."),
            "{s}"
        );
        assert_eq!(
            sentence(&e, cost, Statistic::P50, 1, Lang::Sv),
            "En ny grupp ändrar inte engångskostnaden i medianen."
        );
        let npv = &e.outputs[1];
        let s = sentence(&e, npv, Statistic::P50, 1, Lang::Sv);
        assert_eq!(s, "En ny grupp sänker nuvärdet för GGVV i medianen med 1,0\u{a0}mnkr.");
        let s = sentence(&e, npv, Statistic::P50, 2, Lang::En);
        assert!(
            s.contains("lowers the NPV for GGVV at the median by 5.0\u{a0}MSEK."),
            "{s}"
        );
    }

    #[test]
    fn the_table_lists_every_group_the_difference_and_the_simulated_figure() {
        let e = sample();
        let t = to_text(&e, Lang::Sv);
        assert!(t.contains("Engångskostnad, mnkr: förstudien 28,7"), "{t}");
        assert!(
            t.contains("1 000 dragningar, slumpfrö 7, 3 grupper (8 kombinationer)"),
            "{t}"
        );
        for needle in [
            "Riskregistret",
            "+4,5",
            "−4,0",
            "= simulerat",
            "33,2",
            "Nuvärde för GGVV",
        ] {
            assert!(t.contains(needle), "{needle} in\n{t}");
        }
        let en = to_text(&e, Lang::En);
        assert!(
            en.contains("One-off cost, MSEK: förstudie 28.7") && en.contains("= simulated"),
            "{en}"
        );
    }
}
