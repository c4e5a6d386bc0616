//! The waterfall of `riskkalkyl explain`: from the förstudie's figure, one bar per group of
//! assumptions (its Shapley contribution, starting where the previous one ended), to the
//! simulated statistic.

use models::explain::{Explain, Statistic};

use super::bars::Bars;
use super::theme::{BLUE, ORANGE, SKY};
use super::{Chart, ChartError, render};
use crate::format::{Lang, number};
use crate::text::explain::output_title;

/// Colour indices into the theme's series: totals, raises, lowers.
const TOTAL: usize = 0;
const RAISE: usize = 1;
const LOWER: usize = 3;

/// The waterfall of output `output_id` at statistic `stat`; the file stem is
/// `forklaring_{output_id}_{stat}`.
pub fn waterfall(e: &Explain, output_id: &str, stat: Statistic, l: Lang) -> Result<Chart, ChartError> {
    let name = format!(
        "forklaring_{}_{}",
        output_id.to_lowercase(),
        serde_json::to_value(stat)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    );
    let missing = |what: &str| ChartError {
        name: name.clone(),
        problem: format!("the explain report has no {what}"),
    };
    let out = e.output(output_id).ok_or_else(|| missing(output_id))?;
    let st = out
        .stat(stat)
        .ok_or_else(|| missing(&format!("{stat:?} of {output_id}")))?;
    let title = format!("{}: {}", l.tr("explain.title"), output_title(out, l));
    let mut rows = vec![l.tr("explain.forstudie_bar").to_string()];
    let mut bars = vec![(0, 0.0, out.point, TOTAL, number(out.point, 1, l))];
    let mut at = out.point;
    for (g, phi) in st.contributions.iter().enumerate() {
        rows.push(match l {
            Lang::Sv => e.groups[g].name_sv.clone(),
            Lang::En => e.groups[g].name_en.clone(),
        });
        let text = if phi.abs() < 0.05 {
            number(0.0, 1, l)
        } else if *phi > 0.0 {
            format!("+{}", number(*phi, 1, l))
        } else {
            number(*phi, 1, l)
        };
        bars.push((g + 1, at, at + phi, if *phi >= 0.0 { RAISE } else { LOWER }, text));
        at += phi;
    }
    rows.push(l.tr("explain.simulated_bar").to_string());
    bars.push((rows.len() - 1, 0.0, st.simulated, TOTAL, number(st.simulated, 1, l)));
    let measure = match stat {
        Statistic::Mean => l.tr("explain.measure_mean"),
        Statistic::P20 => l.tr("explain.measure_p20"),
        Statistic::P50 => l.tr("explain.measure_p50"),
        Statistic::P80 => l.tr("explain.measure_p80"),
    };
    let chart = Bars {
        title: title.clone(),
        subtitle: l
            .tr("explain.chart_subtitle")
            .replace("{outcome}", &output_title(out, l))
            .replace("{measure}", measure)
            .replace("{unit}", l.msek_unit())
            .replace("{point}", &number(out.point, 1, l))
            .replace("{simulated}", &number(st.simulated, 1, l)),
        legend: vec![
            (BLUE, l.tr("explain.totals_bar").to_string()),
            (ORANGE, l.tr("explain.raises_bar").to_string()),
            (SKY, l.tr("explain.lowers_bar").to_string()),
        ],
        rows,
        bars,
        reference: None,
        x_desc: l.msek_unit().to_string(),
        lang: l,
        label_width: 300.0,
    };
    render(&name, &title, &chart)
}
