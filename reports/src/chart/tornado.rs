//! The tornado chart: the swing of the total NPV per input.

use super::bars::Bars;
use super::theme::{BLUE, ORANGE};
use super::{Chart, ChartError, render};
use crate::format::{msek, number};
use crate::report::ReportData;

/// The tornado of GGVV's total NPV: one input at a time at its P10 or P90.
pub(super) fn tornado(d: &ReportData) -> Result<Chart, ChartError> {
    let who = d.total().name.clone();
    draw(d, "tornado", &who, d.tornado_base, &d.tornado)
}

/// The same for the kommun most at risk.
pub(super) fn risk_kommun(d: &ReportData) -> Result<Chart, ChartError> {
    let k = &d.kommuner[d.risk_kommun];
    draw(
        d,
        &format!("tornado_{}", k.slug),
        &k.name,
        d.risk_tornado_base,
        &d.risk_tornado,
    )
}

fn draw(
    d: &ReportData,
    name: &str,
    who: &str,
    base: f64,
    swings: &[crate::report::Swing],
) -> Result<Chart, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let (npv0, npv1) = d.npv_years();
    let title = l.trf("chart.which_uncertainties_move_the_result_for", &[("who", who)]);
    let mut bars = Vec::new();
    for (row, sw) in swings.iter().enumerate() {
        bars.push((row, base, sw.npv_at_p10, 0, number(sw.npv_at_p10, 1, l)));
        bars.push((row, base, sw.npv_at_p90, 1, number(sw.npv_at_p90, 1, l)));
    }
    let tornado = Bars {
        title: title.clone(),
        subtitle: l.trf(
            "chart.tornado_subtitle",
            &[
                ("who", who),
                ("y0", &npv0.to_string()),
                ("y1", &npv1.to_string()),
                ("unit", unit),
            ],
        ),
        legend: vec![
            (BLUE, l.tr("chart.input_at_its_p10_low").to_string()),
            (ORANGE, l.tr("chart.input_at_its_p90_high").to_string()),
        ],
        rows: swings.iter().map(|sw| d.inputs[sw.input].label.clone()).collect(),
        bars,
        reference: Some((base, format!("{} {}", l.tr("chart.all_at_median"), msek(base, l)))),
        x_desc: l.trf("chart.npv_for", &[("who", who), ("unit", unit)]),
        lang: l,
        label_width: 300.0,
    };
    render(name, &title, &tornado)
}
