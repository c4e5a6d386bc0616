//! The allocation-key chart: the joint cost in the first full-effect year, split by each key.

use super::bars::Bars;
use super::theme::SERIES;
use super::{Chart, ChartError, render};
use crate::format::{msek, number, pct_sign};
use crate::report::ReportData;

/// The joint cost split by every allocation key of the scenario.
pub(super) fn allocation(d: &ReportData) -> Result<Chart, ChartError> {
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
                (colour, format!("{}{used}", k.description))
            })
            .collect(),
        rows: d.kommuner_only().iter().map(|k| k.name.clone()).collect(),
        bars,
        reference: None,
        x_desc: format!("{} {} ({unit})", l.tr("chart.cost_share"), d.full_effect_year),
        lang: l,
        label_width: 110.0,
    };
    render("fordelningsnycklar", &title, &alloc)
}
