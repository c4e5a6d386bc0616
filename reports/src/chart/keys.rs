//! The allocation-key chart: with the keys analysis, each kommun's change of NPV under every
//! key and financing model it compares; without it, the joint cost in the first full-effect
//! year split by each key of the scenario.

use super::bars::Bars;
use super::theme::SERIES;
use super::{Chart, ChartError, render};
use crate::export::html::analyses::{Analyses, option_name};
use crate::format::{msek, number, pct_sign};
use crate::report::{ReportData, plain_words};

/// The keys chart: every option of the keys analysis when it ran, else the scenario's keys.
pub(super) fn allocation(d: &ReportData, a: &Analyses) -> Result<Chart, ChartError> {
    match &a.keys {
        Some(k) if k.options.len() > 1 => options(d, k),
        _ => shares(d),
    }
}

/// Per kommun, the mean change of its NPV under each option against the scenario's own split.
fn options(d: &ReportData, k: &models::decision::KeysReport) -> Result<Chart, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let (y0, y1) = d.npv_years();
    let title = l.tr("chart.what_does_the_choice_of_key_move").to_string();
    let opts = &k.options[1..];
    let mut bars = Vec::new();
    for ki in 0..k.kommuner.len() {
        for (ci, o) in opts.iter().enumerate() {
            let v = o.change.get(ki).map_or(f64::NAN, |c| c.mean);
            bars.push((ki, 0.0, v, ci, number(v, 1, l)));
        }
    }
    let chart = Bars {
        title: title.clone(),
        subtitle: l.trf(
            "chart.keys_subtitle",
            &[
                (
                    "reference",
                    &plain_words(option_name(&k.options[0], d.lang), &d.glossary),
                ),
                ("y0", &y0.to_string()),
                ("y1", &y1.to_string()),
            ],
        ),
        legend: opts
            .iter()
            .enumerate()
            .map(|(i, o)| {
                (
                    SERIES[i % SERIES.len()],
                    plain_words(option_name(o, d.lang), &d.glossary),
                )
            })
            .collect(),
        rows: k.kommuner.clone(),
        bars,
        reference: None,
        x_desc: l.trf("chart.keys_x", &[("unit", unit)]),
        lang: l,
        label_width: 110.0,
    };
    render("fordelningsnycklar", &title, &chart)
}

/// The joint cost split by every allocation key of the scenario.
fn shares(d: &ReportData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let title = l.tr("chart.how_do_the_allocation_keys_split").to_string();
    let mut bars = Vec::new();
    for (ki, _) in d.kommuner_only().iter().enumerate() {
        for (ci, key) in d.keys.iter().enumerate() {
            let v = key.shares[ki] * d.full_effect_joint_p50;
            bars.push((
                ki,
                0.0,
                v,
                ci,
                format!(
                    "{} ({}{})",
                    number(v, 1, l),
                    number(key.shares[ki] * 100.0, 1, l),
                    pct_sign(l)
                ),
            ));
        }
    }
    let alloc = Bars {
        title: title.clone(),
        subtitle: format!(
            "{} {} ({} {}) {}",
            l.tr("chart.the_joint_it_cost_in"),
            d.full_effect_year,
            l.tr("chart.median_lower"),
            msek(d.full_effect_joint_p50, l),
            l.tr("chart.split_per_kommun_by_each_key")
        ),
        legend: d
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let colour = SERIES[i % SERIES.len()];
                let used = if k.in_use {
                    format!(" ({} {})", l.tr("chart.used_from"), d.full_effect_year)
                } else {
                    String::new()
                };
                (colour, format!("{}{used}", plain_words(&k.description, &d.glossary)))
            })
            .collect(),
        rows: d.kommuner_only().iter().map(|k| k.name.clone()).collect(),
        bars,
        reference: None,
        x_desc: l.trf(
            "chart.kommun_cost_in",
            &[("year", &d.full_effect_year.to_string()), ("unit", unit)],
        ),
        lang: l,
        label_width: 110.0,
    };
    render("fordelningsnycklar", &title, &alloc)
}
