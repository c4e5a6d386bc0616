//! The decision analyses as sections of the board report: what is worth finding out (EVPPI),
//! allocation keys and financing models, organisation form, data centre, membership changes,
//! the first study's alternatives and the risk register. Each is run on the scenario's own
//! draws by its `models` function and shown here as a table with a plain reading.

use std::fmt::Write;

use models::alternatives::{AlternativesAnalysis, AlternativesReport, RiskReport, RisksAnalysis};
use models::analysis::if_present;
use models::decision::{
    DataCentreAnalysis, DcReport, KeysAnalysis, KeysReport, MembershipAnalysis, MembershipReport, OptionResult,
    OrgReport, OrganisationAnalysis,
};
use models::sensitivity::{Sensitivity, SensitivityAnalysis};
use models::{Analysis, AnalysisError, AnalysisPlan, Model, Scenario};

use crate::chart::ChartError;
use crate::format::{Lang, html_escape as esc, number, pct};
use crate::report::{ReportData, plain_words};

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

/// Most runs of the report's "why it differs from the förstudie" (each is evaluated under
/// every subset of the input groups: 512 for the default).
pub const EXPLAIN_REPORT_RUNS: u64 = 10_000;

/// Sobol base sample of the report's variance decomposition.
const SOBOL_N: usize = 2048;

/// What stops the report's analyses: an analysis, or a chart of the explain section.
#[derive(Debug, thiserror::Error)]
pub enum AnalysesError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Chart(#[from] ChartError),
}

impl Analyses {
    /// The analyses the board report shows, each on `runs` draws of `seed` against the
    /// one-off cost's reference `estimate_msek` (none when `runs` is 0): value of
    /// information, the decision analyses the scenario has sections for, and "why it differs
    /// from the förstudie" on at most [`EXPLAIN_REPORT_RUNS`]. `riskkalkyl report` and the
    /// what-if page's Rapport both call this, so the two reports of one scenario agree.
    pub fn compute(
        s: &Scenario,
        model: &Model,
        runs: u64,
        seed: u64,
        estimate_msek: f64,
        lang: Lang,
    ) -> Result<Analyses, AnalysesError> {
        let mut a = Analyses {
            runs,
            ..Default::default()
        };
        if runs == 0 {
            return Ok(a);
        }
        let sensitivity = SensitivityAnalysis { sobol_n: SOBOL_N };
        a.sensitivity = Some(sensitivity.run(s, model, &AnalysisPlan::new(runs.max(1000), seed)?)?);
        let plan = AnalysisPlan::new(runs, seed)?.with_estimate_msek(estimate_msek)?;
        a.keys = if_present(KeysAnalysis.run(s, model, &plan))?;
        a.organisation = if_present(OrganisationAnalysis.run(s, model, &plan))?;
        a.data_centre = if_present(DataCentreAnalysis.run(s, model, &plan))?;
        a.membership = if_present(MembershipAnalysis.run(s, model, &plan))?;
        a.alternatives = if_present(AlternativesAnalysis.run(s, model, &plan))?;
        a.risks = if_present(RisksAnalysis.run(s, model, &plan))?;
        let plan = AnalysisPlan::new(runs.min(EXPLAIN_REPORT_RUNS), seed)?;
        let e = models::explain::ExplainAnalysis.run(s, model, &plan)?;
        a.explain = Some(crate::text::explain::report_section(&e, lang)?);
        Ok(a)
    }
}

fn m(x: f64, l: Lang) -> String {
    number(x, 1, l)
}

fn head(o: &mut String, cols: &[String]) {
    o.push_str("<table><thead><tr>");
    for c in cols {
        let _ = write!(o, "<th scope=\"col\">{}</th>", esc(c));
    }
    o.push_str("</tr></thead><tbody>");
}

fn row(o: &mut String, cells: &[String]) {
    o.push_str("<tr>");
    for (i, c) in cells.iter().enumerate() {
        // The first cell names the row; words left-aligned, figures right-aligned.
        if i == 0 {
            let _ = write!(o, "<th scope=\"row\" class=\"text\">{}</th>", esc(c));
            continue;
        }
        let class = if c.chars().any(char::is_alphabetic) {
            " class=\"text\""
        } else {
            ""
        };
        let _ = write!(o, "<td{class}>{}</td>", esc(c));
    }
    o.push_str("</tr>");
}

/// A section's opening: its heading at `level` (3; 0 for none, where the appendix names the
/// part) and its introduction, which ends with how many draws of its own the analysis ran on
/// (beside its first number).
fn section(o: &mut String, id: &str, title: &str, intro: &str, level: u8, runs: u64, l: Lang) {
    let _ = write!(o, "<div id=\"{id}\" class=\"analysis\">");
    if level > 0 {
        let _ = write!(o, "<h{level}>{}</h{level}>", esc(title));
    }
    let _ = write!(o, "<p>{} {}</p>", esc(intro), esc(&own_draws(runs, l)));
}

fn close(o: &mut String, _level: u8) {
    o.push_str("</div>\n");
}

/// "The figures in this section come from N simulated outcomes of their own."
pub(crate) fn own_draws(runs: u64, l: Lang) -> String {
    l.trf("analyses.own_draws", &[("runs", &number(runs as f64, 0, l))])
}

/// Options side by side: per kommun the mean change of NPV against the first option and the
/// probability of a net loss under the option (the first option's losses are page one's).
/// An option's name in the report's language.
pub(crate) fn option_name(o: &OptionResult, l: Lang) -> &str {
    match l {
        Lang::Sv => &o.name,
        Lang::En => &o.name_en,
    }
}

fn options_table(o: &mut String, d: &ReportData, kommuner: &[String], options: &[OptionResult]) {
    let l = d.lang;
    let mut cols = vec![l.tr("analyses.option").to_string()];
    cols.extend(kommuner.iter().map(|k| format!("{k}: {}", l.tr("analyses.change"))));
    head(o, &cols);
    for (i, opt) in options.iter().enumerate() {
        let mut cells = vec![plain_words(option_name(opt, d.lang), &d.glossary)];
        for (c, p) in opt.change.iter().zip(&opt.prob_net_loss) {
            cells.push(if i == 0 {
                l.tr("analyses.reference").to_string()
            } else {
                format!("{} ({} {})", m(c.mean, l), l.tr("analyses.loss"), pct(*p, l))
            });
        }
        row(o, &cells);
    }
    o.push_str("</tbody></table>");
}

/// The largest mean move of one kommun's NPV between two options, MSEK, and that kommun.
pub(crate) fn largest_move(kommuner: &[String], options: &[OptionResult]) -> Option<(String, f64)> {
    let mut best: Option<(String, f64)> = None;
    for (k, name) in kommuner.iter().enumerate() {
        let means: Vec<f64> = options.iter().filter_map(|o| o.change.get(k).map(|c| c.mean)).collect();
        let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if hi.is_finite() && lo.is_finite() && best.as_ref().is_none_or(|b| hi - lo > b.1) {
            best = Some((name.clone(), hi - lo));
        }
    }
    best
}

/// Value of information: EVPPI per group and kommun, and the Sobol ranking, which answers a
/// different question than the tornado.
pub(crate) fn value_of_information(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let Some(s) = &a.sensitivity else { return o };
    section(
        &mut o,
        "vardeavinformation",
        l.tr("analyses.which_uncertainties_are_worth_studying"),
        l.tr("analyses.expected_value_of_partial_perfect_information"),
        level,
        s.runs,
        l,
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
        let group = match l {
            Lang::Sv => &r.group,
            Lang::En => &r.group_en,
        };
        let mut cells = vec![plain_words(group, &d.glossary)];
        cells.extend(r.per_kommun_msek.iter().map(|v| number(*v, 2, l)));
        row(&mut o, &cells);
    }
    let mut cells = vec![l.tr("analyses.all_uncertainty_evpi").to_string()];
    cells.extend(s.evpi_msek.iter().map(|v| number(*v, 2, l)));
    row(&mut o, &cells);
    o.push_str("</tbody></table>");
    let _ = write!(o, "<p>{}</p>", esc(l.tr("analyses.largest_shares_of_the_variance_of")));
    let mut sob: Vec<_> = s.sobol_npv_total.iter().collect();
    sob.sort_by(|x, y| y.total.estimate.total_cmp(&x.total.estimate));
    o.push_str("<ul>");
    for r in sob.iter().take(5) {
        let label = d
            .inputs
            .iter()
            .find(|i| i.path == r.input)
            .map(|i| i.label.clone())
            .unwrap_or_else(|| l.tr("analyses.another_input").to_string());
        let _ = write!(o, "<li>{} – {}</li>", esc(&label), esc(&pct(r.total.estimate, l)));
    }
    o.push_str("</ul>");
    close(&mut o, level);
    o
}

/// Allocation keys and financing models: the options table.
pub(crate) fn keys(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let mut o = String::new();
    let Some(k) = &a.keys else { return o };
    section(
        &mut o,
        "nycklar",
        l.tr("analyses.allocation_keys_and_financing_models"),
        l.tr("analyses.the_same_random_draws_under_each"),
        level,
        k.runs,
        l,
    );
    options_table(&mut o, d, &k.kommuner, &k.options);
    close(&mut o, level);
    o
}

/// Organisation form: corporate tax by the company's markup, and liability.
pub(crate) fn organisation(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let Some(r) = &a.organisation else { return o };
    section(
        &mut o,
        "organisationsform",
        l.tr("analyses.limited_company_or_kommunalforbund"),
        l.tr("analyses.a_limited_company_pays_corporate_tax"),
        level,
        r.runs,
        l,
    );
    let mut cols = vec![l.tr("analyses.company_markup").to_string()];
    cols.extend(r.kommuner.iter().map(|k| format!("{k} ({u})")));
    head(&mut o, &cols);
    for rr in &r.rows {
        let mut cells = vec![format!(
            "{}{}",
            number(rr.ab_markup_pct, 0, l),
            crate::format::pct_sign(l)
        )];
        cells.extend(rr.tax_cost_npv.iter().map(|t| m(t.mean, l)));
        row(&mut o, &cells);
    }
    o.push_str("</tbody></table>");
    let _ = write!(
        o,
        "<p>{}</p>",
        esc(&l.trf(
            "analyses.liability",
            &[
                ("overrun", &m(r.overrun_p95_msek, l)),
                ("capital", &m(r.ab_exposure_msek.iter().sum(), l)),
            ]
        ))
    );
    close(&mut o, level);
    o
}

/// Data centre: the options table.
pub(crate) fn data_centre(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let mut o = String::new();
    let Some(r) = &a.data_centre else { return o };
    section(
        &mut o,
        "datacenter",
        l.tr("analyses.data_centre_build_on_or_new"),
        l.tr("analyses.change_of_npv_per_kommun_against"),
        level,
        r.runs,
        l,
    );
    options_table(&mut o, d, &r.kommuner, &r.options);
    close(&mut o, level);
    o
}

/// Membership: a kommun leaving, a new one joining.
pub(crate) fn membership(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let mut o = String::new();
    let Some(r) = &a.membership else { return o };
    section(
        &mut o,
        "medlemskap",
        l.tr("analyses.if_a_kommun_leaves_or_a"),
        l.tr("analyses.change_of_npv_per_kommun_against_2"),
        level,
        r.runs,
        l,
    );
    let mut cols = vec![l.tr("analyses.change_of_membership").to_string()];
    cols.extend(r.kommuner.iter().cloned());
    head(&mut o, &cols);
    let mut cells = vec![format!("{} {} {}", r.exit_kommun, l.tr("analyses.leaves"), r.exit_year)];
    cells.extend(r.exit_change.iter().map(|c| m(c.p50, l)));
    row(&mut o, &cells);
    let mut cells = vec![format!(
        "{} {}",
        plain_words(&r.entrant, &d.glossary),
        l.tr("analyses.joins")
    )];
    cells.extend(r.entry_change.iter().map(|c| m(c.p50, l)));
    row(&mut o, &cells);
    o.push_str("</tbody></table>");
    close(&mut o, level);
    o
}

/// The first study's alternatives.
pub(crate) fn alternatives(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let Some(r) = &a.alternatives else { return o };
    section(
        &mut o,
        "handlingsalternativ",
        l.tr("analyses.the_first_studys_alternatives"),
        l.tr("analyses.each_alternative_against_carrying_on_as"),
        level,
        r.runs,
        l,
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
            plain_words(&alt.name, &d.glossary),
            m(alt.npv_total.p50, l),
            pct(alt.prob_best_total, l),
            format!("{} / {}", m(alt.establishment.p50, l), m(alt.establishment.p80, l)),
        ];
        cells.extend(alt.prob_better_than_today.iter().map(|p| pct(*p, l)));
        row(&mut o, &cells);
    }
    o.push_str("</tbody></table>");
    close(&mut o, level);
    o
}

/// The risk register: each risk, its mitigation and whether it pays.
pub(crate) fn risks(d: &ReportData, a: &Analyses, level: u8) -> String {
    let l = d.lang;
    let u = l.msek_unit();
    let mut o = String::new();
    let Some(r) = &a.risks else { return o };
    section(
        &mut o,
        "riskregister",
        l.tr("analyses.risk_register"),
        l.tr("analyses.ateas_nine_risk_areas"),
        level,
        r.runs,
        l,
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
                plain_words(
                    models::scenario::name_in(&x.area, &x.area_en, l == Lang::En),
                    &d.glossary,
                ),
                format!("{}{}", number(x.probability_pct, 0, l), crate::format::pct_sign(l)),
                m(x.expected_cost_msek, l),
                pct(x.share_of_p80_reserve.max(0.0), l),
                plain_words(&x.mitigation, &d.glossary),
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
    o.push_str("</tbody></table>");
    close(&mut o, level);
    o
}
