//! rapport.html: one self-contained page for a kommunstyrelse. Charts are inline SVG; no
//! external fonts, scripts or network; laid out for A4 print.
//!
//! Every figure that summary.json also holds is written with `data-key` (its JSON path) and
//! `data-value` (the unrounded number), so a test can check the page against summary.json.

use std::fmt::Write;

use askama::Template;

use crate::chart::Chart;
use crate::format::{Lang, html_escape as esc, msek, number, pct, pct_sign};
use crate::report::ReportData;
use models::scenario::lowercase_first;

use super::{BoardReport, ExportError, Exporter};

pub mod analyses;

use analyses::Analyses;

/// The page around its sections: head, style and the header with the run's identity.
#[derive(Template)]
#[template(path = "page.html", escape = "html")]
struct Page<'a> {
    l: Lang,
    d: &'a ReportData,
    title: String,
    subtitle: String,
    runs: String,
    /// The scenario's SHA-256, short form.
    fingerprint: String,
    /// The run's fingerprint (the run manifest's, `xxxx-xxxx-xxxx`), which `riskkalkyl verify`
    /// checks against the manifest beside the report; empty for a run without a manifest.
    run_fingerprint: String,
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
        .replacen(&format!("width=\"{}\"", c.width), "", 1)
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

/// The words of the report's fixed verbal probability scale for `p` (the IPCC's, stated in the
/// appendix): "mycket osannolikt" for 1–10 %.
pub(crate) fn verbal(p: f64, l: Lang) -> &'static str {
    let key = if p >= 0.99 {
        "scale.virtually_certain"
    } else if p >= 0.90 {
        "scale.very_likely"
    } else if p >= 0.66 {
        "scale.likely"
    } else if p > 0.33 {
        "scale.about_as_likely_as_not"
    } else if p > 0.10 {
        "scale.unlikely"
    } else if p > 0.01 {
        "scale.very_unlikely"
    } else {
        "scale.exceptionally_unlikely"
    };
    l.tr(key)
}

/// The executive summary as plain sentences (summary.md's message).
pub(crate) fn key_sentences(d: &ReportData) -> Vec<String> {
    let l = d.lang;
    let s = &d.summary;
    let e = &s.establishment_cost;
    let t = &s.total;
    let (y0, y1) = d.npv_years();
    let mut out = vec![
        l.trf(
            "page.sentence_cost",
            &[
                ("p80", &msek(e.p80, l)),
                ("p50", &msek(e.p50, l)),
                ("point", &msek(s.reference_estimate_msek, l)),
                ("overrun", &pct(s.prob_cost_above_estimate, l)),
                ("reserve", &msek(s.reserve_p80_over_estimate_msek, l)),
            ],
        ),
        l.trf(
            "page.sentence_npv",
            &[
                ("y0", &y0.to_string()),
                ("y1", &y1.to_string()),
                ("p50", &msek(t.net_benefit_npv.p50, l)),
                ("p10", &msek(t.net_benefit_npv.p10, l)),
                ("p90", &msek(t.net_benefit_npv.p90, l)),
                ("loss", &pct(t.prob_net_loss, l)),
            ],
        ),
    ];
    if let Some(k) = s.kommuner.get(d.risk_kommun) {
        out.push(l.trf(
            "page.sentence_risk_kommun",
            &[
                ("kommun", &k.name),
                ("loss", &pct(k.prob_net_loss, l)),
                ("words", verbal(k.prob_net_loss, l)),
            ],
        ));
    }
    out.push(match t.payback_year.p50 {
        Some(y) => l.trf(
            "page.sentence_payback",
            &[
                ("year", &y.to_string()),
                ("horizon", &d.info.horizon_year.to_string()),
                ("prob", &pct(t.payback_year.prob_by_horizon, l)),
            ],
        ),
        None => l.trf(
            "page.sentence_no_payback",
            &[("horizon", &d.info.horizon_year.to_string())],
        ),
    });
    if let Some(top) = d.tornado.first() {
        out.push(l.trf("page.sentence_driver", &[("input", &d.inputs[top.input].name)]));
    }
    out
}

/// A number from summary.json inside running text, tagged for the tests.
fn tagged(key: &str, value: f64, text: &str) -> String {
    format!(
        "<span data-key=\"{}\" data-value=\"{value}\">{}</span>",
        esc(key),
        esc(text)
    )
}

/// Page one's table: per kommun the share of the one-off cost, the NPV's median and 80 %
/// range, the probability of ending up worse off and the payback year.
fn decision_table(d: &ReportData) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let _ = write!(
        o,
        "<table class=\"kommuner\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{} ({u})</th><th scope=\"col\">{} ({u})</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(&l.trf(
            "page.table_caption",
            &[
                ("y0", &d.npv_years().0.to_string()),
                ("y1", &d.npv_years().1.to_string())
            ]
        )),
        l.tr("common.kommun"),
        l.tr("page.share_of_one_off_cost"),
        l.tr("page.net_benefit_median"),
        l.tr("page.range_80"),
        l.tr("page.risk_worse_off"),
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
        let share = if i < n {
            d.establishment_share.get(i).copied().unwrap_or(f64::NAN)
        } else {
            d.establishment_share.iter().sum()
        };
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
            "<tr{}><th scope=\"row\">{}</th><td>{}</td>{}<td>{} – {}</td><td>{} <span class=\"words\">{}</span></td>{}</tr>",
            if i == n { " class=\"total\"" } else { "" },
            esc(&name),
            number(share * 100.0, 0, l) + pct_sign(l),
            cell(&format!("{key}.net_benefit_npv.p50"), npv.p50, &number(npv.p50, 1, l)),
            tagged(&format!("{key}.net_benefit_npv.p10"), npv.p10, &number(npv.p10, 1, l)),
            tagged(&format!("{key}.net_benefit_npv.p90"), npv.p90, &number(npv.p90, 1, l)),
            tagged(
                &format!("{key}.prob_net_loss"),
                k.prob_net_loss,
                &pct(k.prob_net_loss, l)
            ),
            esc(verbal(k.prob_net_loss, l)),
            payback
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// The findings of page one: each one sentence with a link to its section.
fn findings(d: &ReportData, a: &Analyses) -> Vec<(String, &'static str)> {
    let l = d.lang;
    let s = &d.summary;
    let mut out = Vec::new();
    out.push((
        l.trf(
            "page.finding_cost",
            &[
                (
                    "p80",
                    &tagged(
                        "establishment_cost.p80",
                        s.establishment_cost.p80,
                        &msek(s.establishment_cost.p80, l),
                    ),
                ),
                (
                    "point",
                    &tagged(
                        "reference_estimate_msek",
                        s.reference_estimate_msek,
                        &msek(s.reference_estimate_msek, l),
                    ),
                ),
            ],
        ),
        "etablering",
    ));
    if let Some(k) = &a.keys
        && let Some((kommun, x)) = analyses::largest_move(&k.kommuner, &k.options)
    {
        out.push((
            l.trf(
                "page.finding_keys",
                &[("msek", &esc(&msek(x, l))), ("kommun", &esc(&kommun))],
            ),
            "nycklar",
        ));
    }
    if let Some(r) = &a.data_centre
        && let Some(new) = r.options.last()
        && r.options.len() > 1
        && let Some((i, c)) = new
            .change
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.mean.total_cmp(&b.1.mean))
        && c.mean < 0.0
    {
        out.push((
            l.trf(
                "page.finding_data_centre",
                &[("kommun", &esc(&r.kommuner[i])), ("msek", &esc(&msek(-c.mean, l)))],
            ),
            "datacenter",
        ));
    }
    if let Some(top) = d.tornado.first() {
        out.push((
            l.trf(
                "page.finding_driver",
                &[
                    ("input", &esc(&lowercase_first(&d.inputs[top.input].name))),
                    ("msek", &esc(&msek(top.width(), l))),
                ],
            ),
            "drivare",
        ));
    }
    out.truncate(5);
    out
}

/// Page one: what is compared and assumed, the table per kommun, the one-off cost, the
/// findings and what the numbers leave out.
fn decision_page(d: &ReportData, a: &Analyses) -> String {
    let l = d.lang;
    let s = &d.summary;
    let e = &s.establishment_cost;
    let (y0, y1) = d.npv_years();
    let names: Vec<&str> = s.kommuner.iter().map(|k| k.name.as_str()).collect();
    let mut o = String::new();
    let _ = write!(o, "<section id=\"beslut\"><h2>{}</h2>", l.tr("page.the_decision"));
    let _ = write!(
        o,
        "<p>{}</p>",
        esc(&l.trf(
            "page.what_is_compared",
            &[
                ("kommuner", &join_and(&names, l)),
                ("y0", &y0.to_string()),
                ("y1", &y1.to_string()),
                ("rate", &number(d.info.discount_rate_pct, 1, l)),
                ("base", &d.info.npv_base_year.to_string()),
            ]
        ))
    );
    let _ = write!(
        o,
        "<p class=\"assume\">{}</p>",
        esc(&l.trf("page.assumptions", &[("key", &d.full_effect_key)]))
    );
    o.push_str(&decision_table(d));
    // The one-off cost for GGVV, against the förstudie's figure and, if it has one, its range.
    struct Range {
        lo: String,
        hi: String,
        above: String,
        below: String,
    }
    let range = match (s.reference_range_msek, s.prob_cost_above_range, s.prob_cost_below_range) {
        (Some([lo, hi]), Some(above), Some(below)) => Some(Range {
            lo: tagged("reference_range_msek.0", lo, &number(lo, 0, l)),
            hi: tagged("reference_range_msek.1", hi, &msek(hi, l)),
            above: tagged("prob_cost_above_range", above, &pct(above, l)),
            below: tagged("prob_cost_below_range", below, &pct(below, l)),
        }),
        _ => None,
    };
    let range = range.as_ref();
    let args: &[(&str, &str)] = &[
        ("p50", &tagged("establishment_cost.p50", e.p50, &msek(e.p50, l))),
        ("lo", &range.map_or(String::new(), |r| r.lo.clone())),
        ("hi", &range.map_or(String::new(), |r| r.hi.clone())),
        ("above", &range.map_or(String::new(), |r| r.above.clone())),
        ("below", &range.map_or(String::new(), |r| r.below.clone())),
        (
            "p85",
            &tagged(
                "cost_frame_p85_msek",
                s.cost_frame_p85_msek,
                &msek(s.cost_frame_p85_msek, l),
            ),
        ),
        (
            "point",
            &tagged(
                "reference_estimate_msek",
                s.reference_estimate_msek,
                &msek(s.reference_estimate_msek, l),
            ),
        ),
        (
            "overrun",
            &tagged(
                "prob_cost_above_estimate",
                s.prob_cost_above_estimate,
                &pct(s.prob_cost_above_estimate, l),
            ),
        ),
        ("words", verbal(s.prob_cost_above_estimate, l)),
        ("p80", &tagged("establishment_cost.p80", e.p80, &msek(e.p80, l))),
        ("p95", &tagged("establishment_cost.p95", e.p95, &msek(e.p95, l))),
    ];
    // With the förstudie's range: the range, both tails and the P85 frame in the same
    // paragraph (page one has room for one).
    let cost = match range {
        Some(_) => l.trf("page.one_off_cost_range", args),
        None => l.trf("page.one_off_cost", args),
    };
    let _ = write!(o, "<p class=\"cost\">{cost}</p>");
    let _ = write!(o, "<h3>{}</h3><ol class=\"findings\">", l.tr("page.findings"));
    for (text, id) in findings(d, a) {
        let _ = write!(o, "<li>{text} <a href=\"#{id}\">{}</a></li>", l.tr("page.read_more"));
    }
    o.push_str("</ol>");
    let _ = writeln!(
        o,
        "<p class=\"note\"><strong>{}</strong> {}</p><p class=\"note\">{}</p></section>",
        l.tr("page.not_covered_title"),
        esc(l.tr("page.not_covered")),
        esc(l.tr("page.how_to_read"))
    );
    o
}

/// "a, b, c och d" / "a, b, c and d".
fn join_and(names: &[&str], l: Lang) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), l.tr("page.and")),
    }
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

/// A chart by name as a figure, if it was drawn.
fn fig(o: &mut String, charts: &[Chart], name: &str, caption: &str) {
    if let Some(c) = chart(charts, name) {
        o.push_str(&figure(c, caption));
    }
}

/// A section's opening: `<section id><h2>` and its introduction.
fn open(o: &mut String, id: &str, title: &str, intro: &str, new_page: bool) {
    let class = if new_page { " class=\"newpage\"" } else { "" };
    let _ = write!(o, "<section id=\"{id}\"><h2{class}>{}</h2>", esc(title));
    if !intro.is_empty() {
        let _ = write!(o, "<p>{}</p>", esc(intro));
    }
}

/// The caption of kommun `i`'s NPV histogram.
fn npv_caption(d: &ReportData, i: usize) -> String {
    let l = d.lang;
    let ks = d.kommun_summary(i);
    format!(
        "{}: {} ({} {} – {}).",
        l.tr("html.median_npv"),
        msek(ks.net_benefit_npv.p50, l),
        l.tr("html.80_of_outcomes"),
        number(ks.net_benefit_npv.p10, 1, l),
        msek(ks.net_benefit_npv.p90, l)
    )
}

/// The caption of kommun `i`'s cumulative chart.
fn payback_caption(d: &ReportData, i: usize) -> String {
    let l = d.lang;
    let ks = d.kommun_summary(i);
    match ks.payback_year.p50 {
        Some(y) => format!(
            "{} {y}; {} {}: {}.",
            l.tr("html.paid_back_at_the_median_in"),
            l.tr("html.probability_of_having_paid_back_by"),
            d.info.horizon_year,
            pct(ks.payback_year.prob_by_horizon, l)
        ),
        None => format!("{} {}.", l.tr("html.not_paid_back_at_the_median"), d.info.horizon_year),
    }
}

/// The caption of kommun `k`'s yearly chart.
fn yearly_caption(d: &ReportData, k: &crate::report::KommunData) -> String {
    let l = d.lang;
    format!(
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
    )
}

/// The report's body: page one, the main part, then the appendix with its contents.
pub(crate) fn page_with(d: &ReportData, charts: &[Chart], a: &Analyses) -> String {
    let l = d.lang;
    let s = &d.summary;
    let kommuner = d.kommuner_only();
    let mut o = String::new();

    // Page one.
    o.push_str(&decision_page(d, a));

    // Per kommun: the four NPV distributions on one chart, then one histogram each.
    open(
        &mut o,
        "kommuner",
        l.tr("page.per_kommun"),
        l.tr("page.per_kommun_intro"),
        true,
    );
    fig(&mut o, charts, "nuvarde_kommuner", l.tr("page.scurves_caption"));
    o.push_str("<div class=\"grid\">");
    for (i, k) in kommuner.iter().enumerate() {
        fig(&mut o, charts, &format!("nuvarde_{}", k.slug), &npv_caption(d, i));
    }
    o.push_str("</div></section>\n");

    // When it has paid for itself.
    open(
        &mut o,
        "aterbetalning",
        l.tr("page.payback"),
        l.tr("page.payback_intro"),
        false,
    );
    o.push_str("<div class=\"grid\">");
    for (i, k) in kommuner.iter().enumerate() {
        fig(
            &mut o,
            charts,
            &format!("ackumulerat_{}", k.slug),
            &payback_caption(d, i),
        );
    }
    o.push_str("</div></section>\n");

    // The one-off cost.
    open(
        &mut o,
        "etablering",
        l.tr("html.establishment_cost_against_the_forstudie"),
        &l.trf(
            "page.establishment_intro",
            &[("point", &msek(d.establishment_point_msek, l))],
        ),
        false,
    );
    o.push_str(&establishment_table(d));
    fig(
        &mut o,
        charts,
        "etableringskostnad",
        l.tr("html.read_the_curve_go_up_from"),
    );
    o.push_str("</section>\n");

    // What drives the risk: one method, the one-way tornado, for GGVV and the kommun most at
    // risk.
    open(
        &mut o,
        "drivare",
        l.tr("html.what_drives_the_risk"),
        l.tr("html.the_chart_shows_how_much_ggvvs"),
        false,
    );
    fig(&mut o, charts, "tornado", "");
    if let Some(k) = kommuner.get(d.risk_kommun) {
        fig(&mut o, charts, &format!("tornado_{}", k.slug), "");
    }
    o.push_str("</section>\n");

    // How the cost is split: every key, then the keys analysis.
    open(
        &mut o,
        "fordelning",
        l.tr("html.how_the_cost_is_split_between"),
        l.tr("html.the_allocation_key_decides_how_gain"),
        false,
    );
    fig(&mut o, charts, "fordelningsnycklar", l.tr("page.keys_caption"));
    o.push_str("</section>\n");

    // The other decisions.
    let decisions = [
        analyses::organisation(d, a, 3),
        analyses::data_centre(d, a, 3),
        analyses::membership(d, a, 3),
    ]
    .concat();
    if !decisions.is_empty() {
        open(
            &mut o,
            "beslutsanalyser",
            l.tr("page.decisions"),
            l.tr("page.decisions_intro"),
            false,
        );
        o.push_str(&decisions);
        o.push_str("</section>\n");
    }

    // The appendix: its parts, each listed in the contents. The first study's alternatives are
    // background (the förstudie already chose among them), so they are here.
    let mut parts: Vec<(&str, String, String)> = Vec::new();
    let mut yearly = format!("<p>{}</p>", esc(l.tr("html.for_each_kommun_the_net_benefit")));
    for k in &d.kommuner {
        fig(
            &mut yearly,
            charts,
            &format!("netto_per_ar_{}", k.slug),
            &yearly_caption(d, k),
        );
    }
    let total = d.kommuner.len() - 1;
    fig(
        &mut yearly,
        charts,
        &format!("ackumulerat_{}", d.total().slug),
        &payback_caption(d, total),
    );
    fig(
        &mut yearly,
        charts,
        &format!("nuvarde_{}", d.total().slug),
        &npv_caption(d, total),
    );
    // Why the result differs from the förstudie (the explain analysis), when it ran: in the
    // appendix, so the main part keeps to eight pages; its section comes with its own heading.
    if let Some(x) = &a.explain {
        let body = x.html.trim_end().trim_end_matches("</section>");
        if let Some((head, inner)) = body.split_once("</h2>") {
            let title = head.rsplit_once('>').map_or("", |(_, t)| t);
            parts.push(("forklaring", unesc(title), inner.to_string()));
        }
    }
    parts.push(("per-ar", l.tr("page.appendix_yearly").to_string(), yearly));
    let keys = analyses::keys(d, a, 0);
    if !keys.is_empty() {
        parts.push((
            "nyckeltabell",
            l.tr("analyses.allocation_keys_and_financing_models").to_string(),
            keys,
        ));
    }
    let voi = analyses::value_of_information(d, a, 0);
    if !voi.is_empty() {
        parts.push((
            "information",
            l.tr("analyses.which_uncertainties_are_worth_studying").to_string(),
            format!("<p>{}</p>{voi}", esc(l.tr("page.voi_note"))),
        ));
    }
    let alt = analyses::alternatives(d, a, 0);
    if !alt.is_empty() {
        parts.push((
            "alternativ",
            l.tr("analyses.the_first_studys_alternatives").to_string(),
            alt,
        ));
    }
    let reg = analyses::risks(d, a, 0);
    if !reg.is_empty() {
        parts.push(("risker", l.tr("analyses.risk_register").to_string(), reg));
    }
    parts.push((
        "antaganden",
        l.tr("html.assumptions").to_string(),
        format!(
            "<p>{}</p>{}",
            esc(l.tr("html.each_uncertain_input_with_its_distribution")),
            inputs_table(d)
        ),
    ));
    parts.push(("metod", l.tr("html.method").to_string(), method(d)));
    parts.push(("ord", l.tr("page.words_title").to_string(), words(d)));
    let _ = write!(
        o,
        "<section id=\"bilaga\"><h2 class=\"newpage\">{}</h2><nav aria-label=\"{}\"><ol class=\"toc\">",
        l.tr("page.appendix"),
        l.tr("page.contents")
    );
    for (i, (id, title, _)) in parts.iter().enumerate() {
        let _ = write!(o, "<li><a href=\"#{id}\">{} {}</a></li>", letter(i, l), esc(title));
    }
    o.push_str("</ol></nav></section>\n");
    for (i, (id, title, body)) in parts.iter().enumerate() {
        let _ = writeln!(
            o,
            "<section id=\"{id}\" class=\"appendix\"><h2{}>{} {}</h2>{body}</section>",
            if i == 0 { "" } else { " class=\"newpage\"" },
            letter(i, l),
            esc(title)
        );
    }

    let (y0, y1) = (d.years[0], d.info.horizon_year);
    Page {
        l,
        d,
        title: format!("{} – {}", d.info.scenario, l.tr("common.risk_and_benefit")),
        subtitle: l.trf("page.subtitle", &[("y0", &y0.to_string()), ("y1", &y1.to_string())]),
        runs: number(s.runs as f64, 0, l),
        fingerprint: d.fingerprint.chars().take(12).collect(),
        run_fingerprint: (s.manifest.as_ref()).map_or(String::new(), |m| m.fingerprint()),
        sections: &o,
    }
    .render()
    .expect("the page template writes to a String")
}

/// "Bilaga A" / "Appendix A" for part `i`.
fn letter(i: usize, l: Lang) -> String {
    format!("{} {}", l.tr("page.appendix_part"), (b'A' + (i % 26) as u8) as char)
}

/// The method: how the model calculates, and what makes the numbers reproducible.
fn method(d: &ReportData) -> String {
    let l = d.lang;
    let s = &d.summary;
    format!(
        "<p>{}</p><p>{}</p><p class=\"note\">{}</p>",
        esc(&l.trf(
            "page.method",
            &[
                ("runs", &number(s.runs as f64, 0, l)),
                ("base", &d.info.npv_base_year.to_string()),
                ("rate", &number(d.info.discount_rate_pct, 1, l)),
            ]
        )),
        esc(&l.trf(
            "page.method_tornado",
            &[("draws", &number(crate::report::TORNADO_DRAWS as f64, 0, l))]
        )),
        esc(&format!(
            "{} {}{}. {}",
            l.tr("html.the_same_scenario_seed_and_run"),
            number(s.quantile_relative_accuracy * 100.0, 2, l),
            pct_sign(l),
            l.tr("html.made_by_riskkalkyl")
        ))
    )
}

/// The verbal scale and the terms, each explained in one line.
fn words(d: &ReportData) -> String {
    let l = d.lang;
    let mut o = format!(
        "<p>{}</p><table class=\"scale\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(l.tr("page.scale_intro")),
        l.tr("page.scale_words"),
        l.tr("page.scale_probability")
    );
    for (key, range) in [
        (l.tr("scale.virtually_certain"), "≥ 99"),
        (l.tr("scale.very_likely"), "≥ 90"),
        (l.tr("scale.likely"), "≥ 66"),
        (l.tr("scale.about_as_likely_as_not"), "33–66"),
        (l.tr("scale.unlikely"), "≤ 33"),
        (l.tr("scale.very_unlikely"), "≤ 10"),
        (l.tr("scale.exceptionally_unlikely"), "≤ 1"),
    ] {
        let _ = write!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{range}{}</td></tr>",
            esc(key),
            pct_sign(l)
        );
    }
    o.push_str("</tbody></table><dl class=\"terms\">");
    for (term, means) in [
        (l.tr("terms.npv"), l.tr("terms.npv_means")),
        (l.tr("terms.median"), l.tr("terms.median_means")),
        (l.tr("terms.p80"), l.tr("terms.p80_means")),
        (l.tr("terms.range"), l.tr("terms.range_means")),
        (l.tr("terms.sensitivity"), l.tr("terms.sensitivity_means")),
        (l.tr("terms.voi"), l.tr("terms.voi_means")),
        (l.tr("terms.key"), l.tr("terms.key_means")),
        (l.tr("terms.payback"), l.tr("terms.payback_means")),
    ] {
        let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(term), esc(means));
    }
    o.push_str("</dl>");
    o
}

/// rapport.html of the board report.
pub struct RapportHtml;

impl Exporter<BoardReport<'_>> for RapportHtml {
    fn file_name(&self) -> &'static str {
        "rapport.html"
    }

    fn serialize(&self, r: &BoardReport) -> Result<Vec<u8>, ExportError> {
        Ok(page_with(r.data, r.charts, r.analyses).into_bytes())
    }
}

/// The text of an escaped heading (`&amp;` and the like back to characters).
fn unesc(t: &str) -> String {
    t.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
