//! The decision analyses as sections of the board report: what is worth finding out (EVPPI),
//! allocation keys and financing models, organisation form, data centre, membership changes,
//! the first study's alternatives and the risk register. Each is run on the scenario's own
//! draws by its `models` function and shown here as a table with a plain reading.

use std::fmt::Write;

use models::alternatives::{AlternativesReport, RiskReport};
use models::decision::{DcReport, KeysReport, MembershipReport, OptionResult, OrgReport};
use models::sensitivity::Sensitivity;

use crate::format::{Lang, html_escape as esc, number, pct};

/// The analyses a report shows; each is optional (a scenario without `[decision]` or a risk
/// register has none of those).
#[derive(Debug, Clone, Default)]
pub struct Analyses {
    pub runs: u64,
    pub sensitivity: Option<Sensitivity>,
    pub keys: Option<KeysReport>,
    pub organisation: Option<OrgReport>,
    pub data_centre: Option<DcReport>,
    pub membership: Option<MembershipReport>,
    pub alternatives: Option<AlternativesReport>,
    pub risks: Option<RiskReport>,
    /// "Why the result differs from the förstudie" ([`crate::text::explain::report_section`]).
    pub explain: Option<crate::text::explain::Section>,
}

fn m(x: f64, l: Lang) -> String {
    number(x, 1, l)
}

fn head(o: &mut String, cols: &[String]) {
    o.push_str("<table><thead><tr>");
    for c in cols {
        let _ = write!(o, "<th>{}</th>", esc(c));
    }
    o.push_str("</tr></thead><tbody>");
}

fn row(o: &mut String, cells: &[String]) {
    o.push_str("<tr>");
    for c in cells {
        // Words left-aligned, figures right-aligned.
        let class = if c.chars().any(char::is_alphabetic) {
            " class=\"text\""
        } else {
            ""
        };
        let _ = write!(o, "<td{class}>{}</td>", esc(c));
    }
    o.push_str("</tr>");
}

fn section(o: &mut String, id: &str, title: &str, intro: &str, new_page: bool) {
    let class = if new_page { " class=\"newpage\"" } else { "" };
    let _ = write!(
        o,
        "<section id=\"{id}\"><h2{class}>{}</h2><p>{}</p>",
        esc(title),
        esc(intro)
    );
}

/// Options side by side: per kommun the mean change of NPV against the first option.
fn options_table(o: &mut String, kommuner: &[String], options: &[OptionResult], l: Lang) {
    let mut cols = vec![l.tr("analyses.option").to_string()];
    cols.extend(kommuner.iter().map(|k| format!("{k}: {}", l.tr("analyses.change"))));
    cols.push(l.tr("analyses.ggvv_mean").to_string());
    head(o, &cols);
    for opt in options {
        let mut cells = vec![opt.name.clone()];
        for (c, p) in opt.change.iter().zip(&opt.prob_net_loss) {
            cells.push(format!("{} ({} {})", m(c.mean, l), l.tr("analyses.loss"), pct(*p, l)));
        }
        cells.push(m(opt.total_npv_mean, l));
        row(o, &cells);
    }
    o.push_str("</tbody></table>");
}

/// HTML sections for the analyses that are present.
pub(crate) fn html_sections(a: &Analyses, l: Lang) -> String {
    let mut o = String::new();
    let u = l.msek_unit();
    if let Some(x) = &a.explain {
        o.push_str(&x.html);
    }
    if let Some(s) = &a.sensitivity {
        section(
            &mut o,
            "vardeavinformation",
            l.tr("analyses.which_uncertainties_are_worth_studying"),
            l.tr("analyses.expected_value_of_partial_perfect_information"),
            true,
        );
        let mut cols = vec![format!("{} ({u})", l.tr("analyses.group"))];
        cols.extend(s.kommuner.iter().cloned());
        head(&mut o, &cols);
        let mut rows: Vec<_> = s.evppi.iter().collect();
        rows.sort_by(|x, y| {
            y.per_kommun_msek
                .iter()
                .sum::<f64>()
                .total_cmp(&x.per_kommun_msek.iter().sum::<f64>())
        });
        for r in rows {
            let mut cells = vec![r.group.clone()];
            cells.extend(r.per_kommun_msek.iter().map(|v| number(*v, 2, l)));
            row(&mut o, &cells);
        }
        let mut cells = vec![l.tr("analyses.all_uncertainty_evpi").to_string()];
        cells.extend(s.evpi_msek.iter().map(|v| number(*v, 2, l)));
        row(&mut o, &cells);
        let mut cells = vec![l.tr("common.probability_of_a_net_loss").to_string()];
        cells.extend(s.prob_net_loss.iter().map(|p| pct(*p, l)));
        row(&mut o, &cells);
        o.push_str("</tbody></table>");
        let _ = write!(o, "<p>{}</p>", esc(l.tr("analyses.largest_shares_of_the_variance_of")));
        let mut sob: Vec<_> = s.sobol_npv_total.iter().collect();
        sob.sort_by(|x, y| y.total.estimate.total_cmp(&x.total.estimate));
        o.push_str("<ul>");
        for r in sob.iter().take(5) {
            let _ = write!(o, "<li>{} – {}</li>", esc(&r.input), esc(&pct(r.total.estimate, l)));
        }
        o.push_str("</ul></section>\n");
    }
    if let Some(k) = &a.keys {
        section(
            &mut o,
            "nycklar",
            l.tr("analyses.allocation_keys_and_financing_models"),
            l.tr("analyses.the_same_random_draws_under_each"),
            true,
        );
        options_table(&mut o, &k.kommuner, &k.options, l);
        o.push_str("</section>\n");
    }
    if let Some(r) = &a.organisation {
        section(
            &mut o,
            "organisationsform",
            l.tr("analyses.limited_company_or_kommunalforbund"),
            l.tr("analyses.a_limited_company_pays_corporate_tax"),
            false,
        );
        let mut cols = vec![l.tr("analyses.company_markup").to_string()];
        cols.extend(r.kommuner.iter().map(|k| format!("{k} ({u})")));
        head(&mut o, &cols);
        for rr in &r.rows {
            let mut cells = vec![format!("{} %", number(rr.ab_markup_pct, 0, l))];
            cells.extend(rr.tax_cost_npv.iter().map(|t| m(t.mean, l)));
            row(&mut o, &cells);
        }
        o.push_str("</tbody></table>");
        let _ = writeln!(
            o,
            "<p>{}</p></section>",
            esc(&match l {
                Lang::Sv => format!(
                    "Vid ett dåligt utfall (P95) överskrider etableringen förstudiens kalkyl med {} mnkr. I ett förbund är varje medlem ytterst ansvarig för hela beloppet; i ett aktiebolag riskerar ägarna högst sitt kapital ({} mnkr sammanlagt, antagande).",
                    m(r.overrun_p95_msek, l),
                    m(r.ab_exposure_msek.iter().sum(), l)
                ),
                Lang::En => format!(
                    "In a bad outcome (P95) the establishment exceeds the förstudie's estimate by {} MSEK. In a förbund every member is ultimately liable for all of it; in a company the owners risk at most their capital ({} MSEK in total, an assumption).",
                    m(r.overrun_p95_msek, l),
                    m(r.ab_exposure_msek.iter().sum(), l)
                ),
            })
        );
    }
    if let Some(r) = &a.data_centre {
        section(
            &mut o,
            "datacenter",
            l.tr("analyses.data_centre_build_on_or_new"),
            l.tr("analyses.change_of_npv_per_kommun_against"),
            false,
        );
        options_table(&mut o, &r.kommuner, &r.options, l);
        o.push_str("</section>\n");
    }
    if let Some(r) = &a.membership {
        section(
            &mut o,
            "medlemskap",
            l.tr("analyses.if_a_kommun_leaves_or_a"),
            l.tr("analyses.change_of_npv_per_kommun_against_2"),
            false,
        );
        let mut cols = vec![String::new()];
        cols.extend(r.kommuner.iter().cloned());
        head(&mut o, &cols);
        let mut cells = vec![format!("{} {} {}", r.exit_kommun, l.tr("analyses.leaves"), r.exit_year)];
        cells.extend(r.exit_change.iter().map(|c| m(c.p50, l)));
        row(&mut o, &cells);
        let mut cells = vec![format!("{} {}", r.entrant, l.tr("analyses.joins"))];
        cells.extend(r.entry_change.iter().map(|c| m(c.p50, l)));
        row(&mut o, &cells);
        o.push_str("</tbody></table></section>\n");
    }
    if let Some(r) = &a.alternatives {
        section(
            &mut o,
            "handlingsalternativ",
            l.tr("analyses.the_first_studys_alternatives"),
            l.tr("analyses.each_alternative_against_carrying_on_as"),
            true,
        );
        let mut cols = vec![
            l.tr("analyses.alternative").to_string(),
            format!("{} ({u})", l.tr("analyses.ggvv_npv_median")),
            l.tr("analyses.probability_of_being_best").to_string(),
            format!("{} ({u})", l.tr("analyses.establishment_p50_p80")),
        ];
        cols.extend(
            r.kommuner
                .iter()
                .map(|k| format!("{k}: {}", l.tr("analyses.better_than_today"))),
        );
        head(&mut o, &cols);
        for alt in &r.alternatives {
            let mut cells = vec![
                alt.name.clone(),
                m(alt.npv_total.p50, l),
                pct(alt.prob_best_total, l),
                format!("{} / {}", m(alt.establishment.p50, l), m(alt.establishment.p80, l)),
            ];
            cells.extend(alt.prob_better_than_today.iter().map(|p| pct(*p, l)));
            row(&mut o, &cells);
        }
        o.push_str("</tbody></table></section>\n");
    }
    if let Some(r) = &a.risks {
        section(
            &mut o,
            "riskregister",
            l.tr("analyses.risk_register"),
            l.tr("analyses.ateas_nine_risk_areas_seed_004"),
            true,
        );
        let cols = vec![
            l.tr("analyses.area").to_string(),
            l.tr("analyses.probability").to_string(),
            format!("{} ({u})", l.tr("analyses.expected_cost")),
            l.tr("analyses.share_of_the_p80_reserve").to_string(),
            l.tr("analyses.mitigation").to_string(),
            format!("{} ({u})", l.tr("analyses.its_cost")),
            format!("{} ({u})", l.tr("analyses.effect_on_ggvv_npv")),
            l.tr("analyses.pays").to_string(),
        ];
        head(&mut o, &cols);
        for x in &r.risks {
            row(
                &mut o,
                &[
                    x.area.clone(),
                    format!("{} %", number(x.probability_pct, 0, l)),
                    m(x.expected_cost_msek, l),
                    pct(x.share_of_p80_reserve.max(0.0), l),
                    x.mitigation.clone(),
                    m(x.mitigation_cost_msek, l),
                    number(x.mitigation_npv_change_msek, 2, l),
                    (if x.mitigation_pays {
                        l.tr("analyses.yes")
                    } else {
                        l.tr("analyses.no")
                    })
                    .to_string(),
                ],
            );
        }
        o.push_str("</tbody></table></section>\n");
    }
    if !o.is_empty() {
        let _ = write!(
            o,
            "<p class=\"note\">{}</p>",
            esc(&match l {
                Lang::Sv => format!(
                    "Analyserna i detta avsnitt bygger på {} simulerade utfall vardera.",
                    number(a.runs as f64, 0, l)
                ),
                Lang::En => format!(
                    "The analyses in this part use {} simulated outcomes each.",
                    number(a.runs as f64, 0, l)
                ),
            })
        );
    }
    o
}
