//! rapport.html: one self-contained page for a kommunstyrelse. Charts are inline SVG; no
//! external fonts, scripts or network; laid out for A4 print.
//!
//! Every figure that summary.json also holds is written with `data-key` (its JSON path) and
//! `data-value` (the unrounded number), so a test can check the page against summary.json.

use std::fmt::Write;

use askama::Template;

use crate::chart::Chart;
use crate::format::{Lang, NBSP, html_escape as esc, msek, number, pct, pct_sign};
use crate::report::ReportData;

use super::{BoardReport, ExportError, Exporter};

pub mod analyses;

/// The page around its sections: head, style and the header with the run's identity.
#[derive(Template)]
#[template(path = "page.html", escape = "html")]
struct Page<'a> {
    l: Lang,
    d: &'a ReportData,
    title: String,
    first_year: i32,
    runs: String,
    rate: String,
    pct_sign: &'a str,
    /// The sections, already HTML.
    sections: &'a str,
}

/// A table cell with a number from summary.json: `data-key`/`data-value` for tests.
#[derive(Template)]
#[template(path = "cell.html", escape = "html")]
struct Cell<'a> {
    key: &'a str,
    value: f64,
    text: &'a str,
}

fn cell(key: &str, value: f64, text: &str) -> String {
    Cell { key, value, text }
        .render()
        .expect("a template writes to a String")
}

/// An inline figure from a chart's SVG, with a caption in plain text.
#[derive(Template)]
#[template(path = "figure.html", escape = "html")]
struct Figure<'a> {
    name: &'a str,
    title: &'a str,
    /// The attributes of the chart's `<svg>` element and the rest of its SVG, markup as drawn.
    svg_attrs: &'a str,
    svg_rest: &'a str,
    caption: &'a str,
}

fn figure(c: &Chart, caption: &str) -> String {
    let body = c
        .svg
        .trim_start_matches(|ch: char| ch != '<')
        .trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .trim();
    // Let the SVG scale to the column: keep the viewBox, drop the fixed size.
    let open_end = body.find('>').unwrap_or(0);
    let (open, rest) = body.split_at(open_end);
    let open = open
        .replacen(&format!("width=\"{}\"", crate::chart::WIDTH), "", 1)
        .replacen("height=\"", "data-height=\"", 1);
    Figure {
        name: &c.name,
        title: &c.title,
        svg_attrs: open.trim_start_matches("<svg"),
        svg_rest: rest,
        caption,
    }
    .render()
    .expect("a template writes to a String")
}

fn chart<'a>(charts: &'a [Chart], name: &str) -> Option<&'a Chart> {
    charts.iter().find(|c| c.name == name)
}

/// The executive summary: plain sentences from the numbers.
pub(crate) fn key_sentences(d: &ReportData) -> Vec<String> {
    let l = d.lang;
    let s = &d.summary;
    let e = &s.establishment_cost;
    let t = &s.total;
    let (y0, y1) = d.npv_years();
    let mut out = vec![
        match l {
            Lang::Sv => format!(
                "Med 80{NBSP}% sannolikhet blir engångskostnaden för etableringen högst {} (median {}). Förstudiens kalkyl, {}, överskrids i {} av utfallen; en kostnadsram som håller med 80{NBSP}% sannolikhet behöver en reserv på {} utöver den, en P85-ram {}.",
                msek(e.p80, l),
                msek(e.p50, l),
                msek(s.reference_estimate_msek, l),
                pct(s.prob_cost_above_estimate, l),
                msek(s.reserve_p80_over_estimate_msek, l),
                msek(s.reserve_p85_over_estimate_msek, l)
            ),
            Lang::En => format!(
                "With 80% probability the one-off establishment cost is at most {} (median {}). The förstudie's estimate, {}, is exceeded in {} of outcomes; a cost frame that holds with 80% probability needs a reserve of {} on top of it, a P85 frame {}.",
                msek(e.p80, l),
                msek(e.p50, l),
                msek(s.reference_estimate_msek, l),
                pct(s.prob_cost_above_estimate, l),
                msek(s.reserve_p80_over_estimate_msek, l),
                msek(s.reserve_p85_over_estimate_msek, l)
            ),
        },
        match l {
            Lang::Sv => format!(
                "För de fyra kommunerna tillsammans är nuvärdet av nettonyttan {y0}–{y1} {} i median; i åtta fall av tio mellan {} och {}. Sannolikheten för en nettoförlust är {}.",
                msek(t.net_benefit_npv.p50, l),
                msek(t.net_benefit_npv.p10, l),
                msek(t.net_benefit_npv.p90, l),
                pct(t.prob_net_loss, l)
            ),
            Lang::En => format!(
                "For the four kommuner together the net present value of net benefit {y0}–{y1} is {} at the median; in eight cases out of ten between {} and {}. The probability of a net loss is {}.",
                msek(t.net_benefit_npv.p50, l),
                msek(t.net_benefit_npv.p10, l),
                msek(t.net_benefit_npv.p90, l),
                pct(t.prob_net_loss, l)
            ),
        },
    ];
    let mut by_risk: Vec<&crate::summary::KommunSummary> = s.kommuner.iter().collect();
    by_risk.sort_by(|a, b| b.prob_net_loss.total_cmp(&a.prob_net_loss));
    let parts: Vec<String> = by_risk
        .iter()
        .map(|k| match l {
            Lang::Sv => format!("{} i {}", k.name, pct(k.prob_net_loss, l)),
            Lang::En => format!("{} in {}", k.name, pct(k.prob_net_loss, l)),
        })
        .collect();
    if parts.len() > 1 {
        out.push(match l {
            Lang::Sv => format!(
                "Risken för nettoförlust skiljer sig mellan kommunerna: {} går med förlust i {} av utfallen, {}.",
                by_risk[0].name,
                pct(by_risk[0].prob_net_loss, l),
                parts[1..].join(", ")
            ),
            Lang::En => format!(
                "The risk of a net loss differs between the kommuner: {} makes a loss in {} of outcomes, {}.",
                by_risk[0].name,
                pct(by_risk[0].prob_net_loss, l),
                parts[1..].join(", ")
            ),
        });
    }
    out.push(match (l, t.payback_year.p50) {
        (Lang::Sv, Some(y)) => format!(
            "I median har etableringen betalat sig för GGVV totalt år {y}: då har den ackumulerade nettonyttan vänt till plus. Sannolikheten att den gör det senast {} är {}.",
            d.info.horizon_year,
            pct(t.payback_year.prob_by_horizon, l)
        ),
        (Lang::En, Some(y)) => format!(
            "At the median the establishment has paid for itself for GGVV in total in {y}, when cumulative net benefit turns positive. The probability that it does so by {} is {}.",
            d.info.horizon_year,
            pct(t.payback_year.prob_by_horizon, l)
        ),
        (Lang::Sv, None) => format!(
            "I median har etableringen inte betalat sig till {}.",
            d.info.horizon_year
        ),
        (Lang::En, None) => format!("At the median the establishment has not paid back by {}.", d.info.horizon_year),
    });
    if d.tornado.len() >= 3 {
        let names: Vec<String> = d.tornado[..3].iter().map(|s| d.inputs[s.input].label.clone()).collect();
        out.push(match l {
            Lang::Sv => format!("Mest påverkar resultatet: {}, {} och {}.", names[0], names[1], names[2]),
            Lang::En => format!(
                "The result is moved most by: {}, {} and {}.",
                names[0], names[1], names[2]
            ),
        });
    }
    out
}

/// The per-kommun key table.
fn kommun_table(d: &ReportData) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let _ = write!(
        o,
        "<table class=\"kommuner\"><thead><tr><th>{}</th><th>{} ({u})</th><th>P10</th><th>P90</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        l.tr("common.kommun"),
        l.tr("common.npv_median"),
        l.tr("common.mean"),
        l.tr("common.probability_of_a_net_loss"),
        l.tr("html.paid_back_in_median"),
    );
    let n = d.summary.kommuner.len();
    for i in 0..=n {
        let k = d.kommun_summary(i);
        let key = if i < n {
            format!("kommuner.{i}")
        } else {
            "total".to_string()
        };
        let name = if i < n { k.name.clone() } else { d.total().name.clone() };
        let npv = &k.net_benefit_npv;
        let payback = match k.payback_year.p50 {
            Some(y) => format!("<td data-key=\"{key}.payback_year.p50\" data-value=\"{y}\">{y}</td>"),
            None => format!(
                "<td data-key=\"{key}.payback_year.p50\" data-value=\"null\">{} {}</td>",
                l.tr("common.after"),
                d.info.horizon_year
            ),
        };
        let _ = write!(
            o,
            "<tr{}><td>{}</td>{}{}{}{}{}{}</tr>",
            if i == n { " class=\"total\"" } else { "" },
            esc(&name),
            cell(&format!("{key}.net_benefit_npv.p50"), npv.p50, &number(npv.p50, 1, l)),
            cell(&format!("{key}.net_benefit_npv.p10"), npv.p10, &number(npv.p10, 1, l)),
            cell(&format!("{key}.net_benefit_npv.p90"), npv.p90, &number(npv.p90, 1, l)),
            cell(
                &format!("{key}.net_benefit_npv.mean"),
                npv.mean,
                &number(npv.mean, 1, l)
            ),
            cell(
                &format!("{key}.prob_net_loss"),
                k.prob_net_loss,
                &pct(k.prob_net_loss, l)
            ),
            payback
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// The establishment cost table.
fn establishment_table(d: &ReportData) -> String {
    let l = d.lang;
    let s = &d.summary;
    let e = &s.establishment_cost;
    let rows = [
        (
            l.tr("html.the_forstudies_point_estimate"),
            "reference_estimate_msek",
            s.reference_estimate_msek,
        ),
        (l.tr("html.median_p50"), "establishment_cost.p50", e.p50),
        (l.tr("common.mean"), "establishment_cost.mean", e.mean),
        (
            l.tr("common.cost_frame_p80"),
            "cost_frame_p80_msek",
            s.cost_frame_p80_msek,
        ),
        (
            l.tr("common.cost_frame_p85"),
            "cost_frame_p85_msek",
            s.cost_frame_p85_msek,
        ),
        ("P95", "establishment_cost.p95", e.p95),
        (
            l.tr("common.reserve_for_a_p80_frame"),
            "reserve_p80_over_estimate_msek",
            s.reserve_p80_over_estimate_msek,
        ),
        (
            l.tr("common.reserve_for_a_p85_frame"),
            "reserve_p85_over_estimate_msek",
            s.reserve_p85_over_estimate_msek,
        ),
        (
            l.tr("common.outside_view"),
            "establishment_cost_outside.p50",
            s.establishment_cost_outside.stats.p50,
        ),
        (
            l.tr("common.inside_view"),
            "establishment_cost_inside.p50",
            s.establishment_cost_inside.stats.p50,
        ),
    ];
    let mut o = format!(
        "<table class=\"establishment\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
        l.tr("html.one_off_cost"),
        l.msek_unit()
    );
    for (label, key, v) in rows {
        let _ = write!(o, "<tr><td>{}</td>{}</tr>", esc(label), cell(key, v, &number(v, 1, l)));
    }
    let _ = write!(
        o,
        "<tr><td>{}</td>{}</tr>",
        l.tr("html.probability_above_the_estimate"),
        cell(
            "prob_cost_above_estimate",
            s.prob_cost_above_estimate,
            &pct(s.prob_cost_above_estimate, l)
        )
    );
    for (label, key, p) in [
        (
            l.tr("common.p_above_range"),
            "prob_cost_above_range",
            s.prob_cost_above_range,
        ),
        (
            l.tr("common.p_below_range"),
            "prob_cost_below_range",
            s.prob_cost_below_range,
        ),
    ] {
        if let Some(p) = p {
            let _ = write!(o, "<tr><td>{}</td>{}</tr>", esc(label), cell(key, p, &pct(p, l)));
        }
    }
    let dm = &s.establishment_duration_months;
    let _ = write!(
        o,
        "<tr><td>{}</td>{}</tr>",
        l.tr("html.establishment_duration_median_months"),
        cell("establishment_duration_months.p50", dm.p50, &number(dm.p50, 0, l))
    );
    o.push_str("</tbody></table>");
    o
}

fn inputs_table(d: &ReportData) -> String {
    let l = d.lang;
    let mut o = format!(
        "<table class=\"inputs\"><thead><tr><th>{}</th><th class=\"text\">{}</th><th>{}</th><th>P10</th><th>P50</th><th>P90</th><th class=\"text\">{}</th></tr></thead><tbody>",
        l.tr("common.input"),
        l.tr("common.distribution"),
        l.tr("html.forstudie"),
        l.tr("common.source"),
    );
    let dp = |x: f64| if x.abs() >= 100.0 { 0 } else { 1 };
    for r in &d.inputs {
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
            esc(&r.label),
            esc(&r.dist),
            number(r.point, dp(r.point), l),
            number(r.p10, dp(r.p10), l),
            number(r.p50, dp(r.p50), l),
            number(r.p90, dp(r.p90), l),
            esc(if r.source.is_empty() { "–" } else { &r.source })
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// [`page`] with `extra` sections (the decision analyses) before the assumptions.
pub(crate) fn page_with(d: &ReportData, charts: &[Chart], extra: &str) -> String {
    let l = d.lang;
    let s = &d.summary;
    let (y0, y1) = d.npv_years();
    let mut o = String::new();

    // 1. Summary.
    let _ = write!(
        o,
        "<section id=\"sammanfattning\"><h2>{}</h2><div class=\"lead\"><ul>",
        l.tr("common.summary")
    );
    for sentence in key_sentences(d) {
        let _ = write!(o, "<li>{}</li>", esc(&sentence));
    }
    let _ = writeln!(
        o,
        "</ul></div><p>{}</p>{}</section>",
        esc(&match (l, s.npv_base_year) {
            (Lang::Sv, base) => format!(
                "Nuvärdet summerar nettonyttan {y0}–{y1} (kostnad med nuvarande IT-drift minus kostnad med gemensam IT-drift) i nominella belopp, diskonterade till {base} med internräntan som kalkylränta; återbetalningsåret räknas på odiskonterade belopp. Positivt betyder att kommunen tjänar på den gemensamma driften. P10 och P90: i åtta fall av tio hamnar utfallet mellan dem."
            ),
            (Lang::En, base) => format!(
                "The NPV sums the net benefit {y0}–{y1} (cost of today's IT operations minus cost of joint IT operations) in nominal amounts, discounted to {base} at the internal rate used as kalkylränta; the payback year uses undiscounted amounts. Positive means the kommun gains from joint operations. P10 and P90: eight outcomes in ten fall between them."
            ),
        }),
        kommun_table(d)
    );

    // 2. Per kommun.
    let _ = write!(
        o,
        "<section id=\"kommuner\"><h2 class=\"newpage\">{}</h2><p>{}</p>",
        l.tr("html.results_per_kommun"),
        esc(l.tr("html.for_each_kommun_the_net_benefit"))
    );
    for (i, k) in d.kommuner.iter().enumerate() {
        let ks = d.kommun_summary(i);
        let _ = write!(o, "<div class=\"kommun\"><h3>{}</h3>", esc(&k.name));
        if let Some(c) = chart(charts, &format!("netto_per_ar_{}", k.slug)) {
            o.push_str(&figure(
                c,
                &format!(
                    "{} {}: {} {}; {} {} ({} {} – {}).",
                    l.tr("html.net_benefit_in"),
                    d.years.last().copied().unwrap_or(0),
                    l.tr("html.the_forstudies_calculation"),
                    msek(k.point_net.last().copied().unwrap_or(f64::NAN), l),
                    l.tr("html.the_simulations_median"),
                    msek(k.yearly.p50.last().copied().unwrap_or(f64::NAN), l),
                    l.tr("html.80_of_outcomes"),
                    number(k.yearly.p10.last().copied().unwrap_or(f64::NAN), 1, l),
                    msek(k.yearly.p90.last().copied().unwrap_or(f64::NAN), l),
                ),
            ));
        }
        if let Some(c) = chart(charts, &format!("ackumulerat_{}", k.slug)) {
            let cap = match ks.payback_year.p50 {
                Some(y) => format!(
                    "{} {y}; {} {}: {}.",
                    l.tr("html.paid_back_at_the_median_in"),
                    l.tr("html.probability_of_having_paid_back_by"),
                    d.info.horizon_year,
                    pct(ks.payback_year.prob_by_horizon, l)
                ),
                None => format!("{} {}.", l.tr("html.not_paid_back_at_the_median"), d.info.horizon_year),
            };
            o.push_str(&figure(c, &cap));
        }
        o.push_str("</div>");
    }
    o.push_str("</section>\n");

    // 2b. Loss risk per kommun, side by side in print.
    let _ = write!(
        o,
        "<section id=\"forlust\"><h2 class=\"newpage\">{}</h2><p>{}</p>",
        l.tr("html.how_likely_is_a_net_loss"),
        esc(l.tr("html.the_distribution_of_each_kommuns_npv"))
    );
    for (i, k) in d.kommuner.iter().enumerate() {
        let ks = d.kommun_summary(i);
        if let Some(c) = chart(charts, &format!("nuvarde_{}", k.slug)) {
            o.push_str(&figure(
                c,
                &format!(
                    "{}: {} ({} {} – {}).",
                    l.tr("html.median_npv"),
                    msek(ks.net_benefit_npv.p50, l),
                    l.tr("html.80_of_outcomes"),
                    number(ks.net_benefit_npv.p10, 1, l),
                    msek(ks.net_benefit_npv.p90, l)
                ),
            ));
        }
    }
    o.push_str("</section>\n");

    // 3. Establishment.
    let _ = write!(
        o,
        "<section id=\"etablering\"><h2 class=\"newpage\">{}</h2><p>{}</p>{}",
        l.tr("html.establishment_cost_against_the_forstudie"),
        esc(&match l {
            Lang::Sv => format!(
                "Engångskostnaden omfattar projektarbete, dubbla kostnader under parallell drift, engångsposter som förstudien nämner men inte prissätter (migrering, infrastruktur, avveckling, indirekta kostnader) samt tids- och kostnadsöverdrag. Förstudiens egen kalkyl motsvarar {}. Migreringen kan bli betydligt dyrare än beräknat; därför har fördelningen en lång högersvans.",
                msek(d.establishment_point_msek, l)
            ),
            Lang::En => format!(
                "The one-off cost covers project labour, double costs during parallel running, one-off items the förstudie names but does not cost (migration, infrastructure, decommissioning, indirect costs) and schedule and cost overruns. The förstudie's own calculation corresponds to {}. Migration may become considerably more expensive than estimated, hence the long right tail.",
                msek(d.establishment_point_msek, l)
            ),
        }),
        establishment_table(d)
    );
    if let Some(c) = chart(charts, "etableringskostnad") {
        o.push_str(&figure(c, l.tr("html.read_the_curve_go_up_from")));
    }
    o.push_str("</section>\n");

    // 4. Allocation keys.
    let _ = write!(
        o,
        "<section id=\"fordelning\"><h2 class=\"newpage\">{}</h2><p>{}</p>",
        l.tr("html.how_the_cost_is_split_between"),
        esc(l.tr("html.the_allocation_key_decides_how_gain"))
    );
    if let Some(c) = chart(charts, "fordelningsnycklar") {
        o.push_str(&figure(c, ""));
    }
    o.push_str("</section>\n");

    // 5. Drivers.
    let _ = write!(
        o,
        "<section id=\"drivare\"><h2 class=\"newpage\">{}</h2><p>{}</p>",
        l.tr("html.what_drives_the_risk"),
        esc(l.tr("html.the_chart_shows_how_much_ggvvs"))
    );
    if let Some(c) = chart(charts, "tornado") {
        o.push_str(&figure(c, ""));
    }
    o.push_str("</section>\n");

    o.push_str(extra);

    // 6. Assumptions.
    let _ = writeln!(
        o,
        "<section id=\"antaganden\"><h2 class=\"newpage\">{}</h2><p>{}</p>{}</section>",
        l.tr("html.assumptions"),
        esc(l.tr("html.each_uncertain_input_with_its_distribution")),
        inputs_table(d)
    );

    // 7. Method.
    let _ = writeln!(
        o,
        "<section id=\"metod\"><h2>{}</h2><p>{}</p><p class=\"note\">{}</p></section>",
        l.tr("html.method"),
        esc(&match l {
            Lang::Sv => format!(
                "Modellen räknar som förstudien: dagens IT-kostnad per kategori räknas upp med sin kostnadsökning och fördelas per kommun; den gemensamma driften kostar dagens kostnad minus realiserade besparingar plus etableringens extrakostnader, och fördelas med fördelningsnycklarna. Med alla indata på förstudiens värden återger modellen förstudiens tabeller. I stället för ett enda värde dras varje osäker indata slumpmässigt ur sin fördelning, {} gånger (Monte Carlo-simulering). Resultatet är en fördelning för varje kommun och år; percentilerna i rapporten (P10, P50, P90) läses ur den. Nuvärden diskonteras till {} med {}{NBSP}% per år. {}",
                number(s.runs as f64, 0, l),
                d.info.npv_base_year,
                number(d.info.discount_rate_pct, 1, l),
                format_args!(
                    "Känslighetsdiagrammet är en enkel envägsanalys; percentilerna för varje indata kommer från {} dragningar.",
                    number(crate::report::TORNADO_DRAWS as f64, 0, l)
                )
            ),
            Lang::En => format!(
                "The model calculates as the förstudie does: today's IT cost per category grows at its rate and is split per kommun; joint operations cost today's cost less realised savings plus the establishment's extra costs, split by the allocation keys. With every input at the förstudie's values the model reproduces the förstudie's tables. Instead of one value, each uncertain input is drawn at random from its distribution, {} times (Monte Carlo simulation). The result is a distribution per kommun and year; the report's percentiles (P10, P50, P90) are read from it. Present values are discounted to {} at {}% a year. {}",
                number(s.runs as f64, 0, l),
                d.info.npv_base_year,
                number(d.info.discount_rate_pct, 1, l),
                format_args!(
                    "The sensitivity chart is a simple one-way analysis; each input's percentiles come from {} draws.",
                    number(crate::report::TORNADO_DRAWS as f64, 0, l)
                )
            ),
        }),
        esc(&format!(
            "{} {} {}. {}",
            l.tr("html.the_same_scenario_seed_and_run"),
            number(s.quantile_relative_accuracy * 100.0, 2, l),
            "%",
            l.tr("html.made_by_riskkalkyl")
        ))
    );
    Page {
        l,
        d,
        title: format!("{} – {}", d.info.scenario, l.tr("common.risk_and_benefit")),
        first_year: d.years[0],
        runs: number(d.summary.runs as f64, 0, l),
        rate: number(d.info.discount_rate_pct, 1, l),
        pct_sign: pct_sign(l),
        sections: &o,
    }
    .render()
    .expect("the page template writes to a String")
}

/// rapport.html of the board report.
pub struct RapportHtml;

impl Exporter<BoardReport<'_>> for RapportHtml {
    fn file_name(&self) -> &'static str {
        "rapport.html"
    }

    fn serialize(&self, r: &BoardReport) -> Result<Vec<u8>, ExportError> {
        Ok(page_with(r.data, r.charts, &analyses::html_sections(r.analyses, r.data.lang)).into_bytes())
    }
}
