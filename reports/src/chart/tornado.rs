//! The tornado chart: the swing of the total NPV per input.

use super::bars::Bars;
use super::theme::{BLUE, ORANGE};
use super::{Chart, ChartError, render};
use crate::format::{msek, number};
use crate::report::ReportData;

/// The tornado: the total NPV with one input at a time at its P10 or P90.
pub(super) fn tornado(d: &ReportData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let (npv0, npv1) = d.npv_years();
    let title = l.tr("chart.which_uncertainties_move_the_result_most").to_string();
    let mut bars = Vec::new();
    for (row, sw) in d.tornado.iter().enumerate() {
        bars.push((row, d.tornado_base, sw.npv_at_p10, 0, number(sw.npv_at_p10, 1, l)));
        bars.push((row, d.tornado_base, sw.npv_at_p90, 1, number(sw.npv_at_p90, 1, l)));
    }
    let tornado = Bars {
        title: title.clone(),
        subtitle: format!(
            "{} {npv0}–{npv1}, {unit}) {}",
            l.tr("chart.ggvvs_total_npv_net_benefit"),
            l.tr("chart.when_one_input_at_a_time")
        ),
        legend: vec![
            (BLUE, l.tr("chart.input_at_its_p10_low").to_string()),
            (ORANGE, l.tr("chart.input_at_its_p90_high").to_string()),
        ],
        rows: d.tornado.iter().map(|sw| d.inputs[sw.input].label.clone()).collect(),
        bars,
        reference: Some((
            d.tornado_base,
            format!("{} {}", l.tr("chart.all_at_median"), msek(d.tornado_base, l)),
        )),
        x_desc: format!("{} ({unit})", l.tr("chart.npv_for_ggvv_in_total")),
        lang: l,
        label_width: 300.0,
    };
    render("tornado", &title, &tornado)
}
