//! The decision analyses as sections of the board report: what is worth finding out (EVPPI),
//! allocation keys and financing models, organisation form, data centre, membership changes,
//! the first study's alternatives and the risk register. Each is run on the scenario's own
//! draws by its `models` function and shown here as a table with a plain reading.

use std::fmt::Write;

use models::alternatives::{AlternativesReport, RiskReport};
use models::decision::{DcReport, KeysReport, MembershipReport, OptionResult, OrgReport};
use models::sensitivity::Sensitivity;

use crate::format::{Lang, html_escape as esc, number, pct};
use crate::render::Render;

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
    let mut cols = vec![l.t("Alternativ", "Option").to_string()];
    cols.extend(kommuner.iter().map(|k| format!("{k}: {}", l.t("ändring", "change"))));
    cols.push(l.t("GGVV, medel", "GGVV, mean").to_string());
    head(o, &cols);
    for opt in options {
        let mut cells = vec![opt.name.clone()];
        for (c, p) in opt.change.iter().zip(&opt.prob_net_loss) {
            cells.push(format!("{} ({} {})", m(c.mean, l), l.t("förlust", "loss"), pct(*p, l)));
        }
        cells.push(m(opt.total_npv_mean, l));
        row(o, &cells);
    }
    o.push_str("</tbody></table>");
}

/// The board report's section on sensitivity.
pub(crate) fn sensitivity_html(s: &Sensitivity, l: Lang) -> String {
    let mut o = String::new();
    let u = l.msek_unit();
    section(
        &mut o,
        "vardeavinformation",
        l.t("Vilka osäkerheter är värda att utreda?", "Which uncertainties are worth studying?"),
        l.t(
            "Förväntat värde av perfekt information (EVPPI) för beslutet ”gå med eller stå utanför”, per kommun och grupp av osäkerheter: hur mycket bättre beslutet blir i genomsnitt om gruppens rätta värden vore kända före beslutet. Beräknat med regressionsmetoden (Strong, Oakley & Brennan 2014). Nära noll: ingen utredning av den gruppen kan ändra beslutet.",
            "Expected value of partial perfect information (EVPPI) for the decision \"join or stay alone\", per kommun and group of uncertainties: how much better the decision is on average if the group's true values were known before deciding. Regression method (Strong, Oakley & Brennan 2014). Near zero: no study of that group can change the decision.",
        ),
        true,
    );
    let mut cols = vec![format!("{} ({u})", l.t("Grupp", "Group"))];
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
    let mut cells = vec![l.t("All osäkerhet (EVPI)", "All uncertainty (EVPI)").to_string()];
    cells.extend(s.evpi_msek.iter().map(|v| number(*v, 2, l)));
    row(&mut o, &cells);
    let mut cells = vec![
        l.t("Sannolikhet för nettoförlust", "Probability of a net loss")
            .to_string(),
    ];
    cells.extend(s.prob_net_loss.iter().map(|p| pct(*p, l)));
    row(&mut o, &cells);
    o.push_str("</tbody></table>");
    let _ = write!(
        o,
        "<p>{}</p>",
        esc(l.t(
            "Störst bidrag till variansen i GGVV:s nuvärde (Sobol, totalindex):",
            "Largest shares of the variance of GGVV's NPV (Sobol, total index):"
        ))
    );
    let mut sob: Vec<_> = s.sobol_npv_total.iter().collect();
    sob.sort_by(|x, y| y.total.estimate.total_cmp(&x.total.estimate));
    o.push_str("<ul>");
    for r in sob.iter().take(5) {
        let _ = write!(o, "<li>{} – {}</li>", esc(&r.input), esc(&pct(r.total.estimate, l)));
    }
    o.push_str("</ul></section>\n");
    o
}

/// The board report's section on keys.
pub(crate) fn keys_html(k: &KeysReport, l: Lang) -> String {
    let mut o = String::new();
    section(
        &mut o,
        "nycklar",
        l.t("Fördelningsnycklar och finansieringsmodeller", "Allocation keys and financing models"),
        l.t(
            "Samma slumpdragningar under varje alternativ. Ändring = medelvärdet av kommunens nuvärde minus med förstudiens fördelning (mnkr), inom parentes sannolikheten för nettoförlust. Nycklarna flyttar bara pengar mellan kommunerna: GGVV:s summa är densamma.",
            "The same random draws under each option. Change = the kommun's mean NPV minus under the förstudie's allocation (MSEK), in brackets the probability of a net loss. Keys only move money between kommuner: the GGVV total is the same.",
        ),
        true,
    );
    options_table(&mut o, &k.kommuner, &k.options, l);
    o.push_str("</section>\n");
    o
}

/// The board report's section on organisation.
pub(crate) fn organisation_html(r: &OrgReport, l: Lang) -> String {
    let mut o = String::new();
    let u = l.msek_unit();
    section(
        &mut o,
        "organisationsform",
        l.t("Aktiebolag eller kommunalförbund", "Limited company or kommunalförbund"),
        l.t(
            "Ett aktiebolag betalar bolagsskatt på överskott, ett kommunalförbund inte; momsen hanteras lika (seed 000). Tabellen visar skattens nuvärde per kommun beroende på bolagets prissättning. Ansvar: i ett förbund svarar medlemmarna solidariskt för skulderna, i ett bolag bara med insatt kapital.",
            "A limited company pays corporate tax on any surplus, a kommunalförbund does not; VAT is alike (seed 000). The table shows the tax's present value per kommun by the company's pricing. Liability: in a förbund the members answer jointly for its debts, in a company only with the capital put in.",
        ),
        false,
    );
    let mut cols = vec![l.t("Påslag i bolaget", "Company markup").to_string()];
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
                "Vid ett dåligt utfall (P95) överskrider etableringen budgeten med {} mnkr. I ett förbund är varje medlem ytterst ansvarig för hela beloppet; i ett aktiebolag riskerar ägarna högst sitt kapital ({} mnkr sammanlagt, antagande).",
                m(r.overrun_p95_msek, l),
                m(r.ab_exposure_msek.iter().sum(), l)
            ),
            Lang::En => format!(
                "In a bad outcome (P95) the establishment overruns the budget by {} MSEK. In a förbund every member is ultimately liable for all of it; in a company the owners risk at most their capital ({} MSEK in total, an assumption).",
                m(r.overrun_p95_msek, l),
                m(r.ab_exposure_msek.iter().sum(), l)
            ),
        })
    );
    o
}

/// The board report's section on data centre.
pub(crate) fn data_centre_html(r: &DcReport, l: Lang) -> String {
    let mut o = String::new();
    section(
        &mut o,
        "datacenter",
        l.t("Datacenter: bygga vidare eller nytt", "Data centre: build on or new"),
        l.t(
            "Ändring av nuvärdet per kommun mot försäljning till värdering (mnkr). Alla belopp för datacentret är antaganden i scenariot: underlagen anger inga.",
            "Change of NPV per kommun against sale at valuation (MSEK). All data-centre amounts are assumptions in the scenario: the seeds give none.",
        ),
        false,
    );
    options_table(&mut o, &r.kommuner, &r.options, l);
    o.push_str("</section>\n");
    o
}

/// The board report's section on membership.
pub(crate) fn membership_html(r: &MembershipReport, l: Lang) -> String {
    let mut o = String::new();
    section(
        &mut o,
        "medlemskap",
        l.t("Om en kommun lämnar eller en ny går med", "If a kommun leaves or a new one joins"),
        l.t(
            "Ändring av nuvärdet per kommun mot att alla fyra stannar (mnkr, median). Villkoren är antaganden i scenariot.",
            "Change of NPV per kommun against all four staying (MSEK, median). The terms are assumptions in the scenario.",
        ),
        false,
    );
    let mut cols = vec![String::new()];
    cols.extend(r.kommuner.iter().cloned());
    head(&mut o, &cols);
    let mut cells = vec![format!("{} {} {}", r.exit_kommun, l.t("lämnar", "leaves"), r.exit_year)];
    cells.extend(r.exit_change.iter().map(|c| m(c.p50, l)));
    row(&mut o, &cells);
    let mut cells = vec![format!("{} {}", r.entrant, l.t("går med", "joins"))];
    cells.extend(r.entry_change.iter().map(|c| m(c.p50, l)));
    row(&mut o, &cells);
    o.push_str("</tbody></table></section>\n");
    o
}

/// The board report's section on alternatives.
pub(crate) fn alternatives_html(r: &AlternativesReport, l: Lang) -> String {
    let mut o = String::new();
    let u = l.msek_unit();
    section(
        &mut o,
        "handlingsalternativ",
        l.t("Den första utredningens handlingsalternativ", "The first study's alternatives"),
        l.t(
            "Varje alternativ mot att fortsätta som i dag, på samma dragningar. Andel av besparingspotentialen, etableringsinsats och tid är antaganden (underlaget värderar dem bara i ord).",
            "Each alternative against carrying on as today, on the same draws. Share of the savings potential, establishment effort and time are assumptions (the seed rates them in words only).",
        ),
        true,
    );
    let mut cols = vec![
        l.t("Alternativ", "Alternative").to_string(),
        format!("{} ({u})", l.t("GGVV nuvärde, median", "GGVV NPV, median")),
        l.t("Sannolikhet att vara bäst", "Probability of being best")
            .to_string(),
        format!("{} ({u})", l.t("Etablering P50 / P80", "Establishment P50 / P80")),
    ];
    cols.extend(
        r.kommuner
            .iter()
            .map(|k| format!("{k}: {}", l.t("bättre än i dag", "better than today"))),
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
    o
}

/// The board report's section on risks.
pub(crate) fn risks_html(r: &RiskReport, l: Lang) -> String {
    let mut o = String::new();
    let u = l.msek_unit();
    section(
        &mut o,
        "riskregister",
        l.t("Riskregister", "Risk register"),
        l.t(
            "Ateas nio riskområden (seed 004) som händelser med sannolikhet, kostnad och försening; siffrorna är antaganden utifrån underlagets ord. Förväntad kostnad och andel av P80-bufferten: med risken minus utan den. Åtgärden lönar sig om GGVV:s nuvärde stiger trots åtgärdens kostnad.",
            "Atea's nine risk areas (seed 004) as events with a probability, a cost and a delay; the numbers are assumptions from the seed's wording. Expected cost and share of the P80 contingency: with the risk minus without it. The mitigation pays if GGVV's NPV rises despite its cost.",
        ),
        true,
    );
    let cols = vec![
        l.t("Område", "Area").to_string(),
        l.t("Sannolikhet", "Probability").to_string(),
        format!("{} ({u})", l.t("Förväntad kostnad", "Expected cost")),
        l.t("Andel av P80-bufferten", "Share of the P80 contingency")
            .to_string(),
        l.t("Åtgärd", "Mitigation").to_string(),
        format!("{} ({u})", l.t("Åtgärdens kostnad", "Its cost")),
        format!("{} ({u})", l.t("Effekt på GGVV:s nuvärde", "Effect on GGVV NPV")),
        l.t("Lönar sig?", "Pays?").to_string(),
    ];
    head(&mut o, &cols);
    for x in &r.risks {
        row(
            &mut o,
            &[
                x.area.clone(),
                format!("{} %", number(x.probability_pct, 0, l)),
                m(x.expected_cost_msek, l),
                pct(x.share_of_p80_contingency.max(0.0), l),
                x.mitigation.clone(),
                m(x.mitigation_cost_msek, l),
                number(x.mitigation_npv_change_msek, 2, l),
                (if x.mitigation_pays {
                    l.t("ja", "yes")
                } else {
                    l.t("nej", "no")
                })
                .to_string(),
            ],
        );
    }
    o.push_str("</tbody></table></section>\n");
    o
}

/// HTML sections for the analyses that are present.
pub fn html_sections(a: &Analyses, l: Lang) -> String {
    let mut o = String::new();
    let sections: [Option<&dyn Render>; 7] = [
        a.sensitivity.as_ref().map(|x| x as &dyn Render),
        a.keys.as_ref().map(|x| x as &dyn Render),
        a.organisation.as_ref().map(|x| x as &dyn Render),
        a.data_centre.as_ref().map(|x| x as &dyn Render),
        a.membership.as_ref().map(|x| x as &dyn Render),
        a.alternatives.as_ref().map(|x| x as &dyn Render),
        a.risks.as_ref().map(|x| x as &dyn Render),
    ];
    for r in sections.into_iter().flatten() {
        o.push_str(&r.html(l).unwrap_or_default());
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
