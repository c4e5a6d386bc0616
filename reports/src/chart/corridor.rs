//! The follow-up's control range of the establishment cost.

use plotters::prelude::*;

use super::theme::{BLUE, INK, Key, VERMILLION, axes, header, year_mesh};
use super::{Chart, ChartError, Draw, Drawing, R, e, range_with_zero, render};
use crate::format::Lang;

/// The follow-up's control range: the P10–P90 corridor of cumulative establishment spend per
/// year, its median, and the actuals against it (marked where they leave the corridor).
struct CorridorChart<'a> {
    lang: Lang,
    f: &'a models::followup::Followup,
}

impl Drawing for CorridorChart<'_> {
    fn height(&self) -> u32 {
        400
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.lang;
        let c = &self.f.corridor;
        let legend = vec![
            (
                Key::Fill(BLUE.mix(0.18)),
                l.tr("chart.control_range_p10_p90").to_string(),
            ),
            (Key::Line(BLUE, false), l.tr("chart.median").to_string()),
            (Key::Line(INK, false), l.tr("chart.actuals_to_date").to_string()),
            (
                Key::Line(VERMILLION, false),
                l.tr("chart.actual_outside_the_range").to_string(),
            ),
        ];
        let area = header(
            root,
            s,
            l.tr("chart.is_the_establishment_on_track"),
            l.tr("chart.cumulative_establishment_spend_from_the_start"),
            &legend,
        )?;
        let xs: Vec<f64> = c.iter().map(|x| x.year as f64).collect();
        if xs.is_empty() {
            return Ok(());
        }
        let values = c
            .iter()
            .flat_map(|x| [x.p10_msek, x.p90_msek, x.actual_msek.unwrap_or(x.p50_msek)]);
        let (lo, hi) = range_with_zero(values);
        let (x0, x1) = (xs[0] - 0.4, xs[xs.len() - 1] + 0.4);
        let mut chart = axes(&area, s, 70.0, x0..x1, lo.min(0.0)..hi)?;
        let y_desc = format!("{} ({})", l.tr("chart.cumulative_spend"), l.msek_unit());
        year_mesh(&mut chart, s, xs.len(), y_desc, l)?;
        let mut poly: Vec<(f64, f64)> = c.iter().map(|x| (x.year as f64, x.p90_msek)).collect();
        poly.extend(c.iter().rev().map(|x| (x.year as f64, x.p10_msek)));
        chart
            .draw_series(std::iter::once(Polygon::new(poly, BLUE.mix(0.18).filled())))
            .map_err(e)?;
        chart
            .draw_series(LineSeries::new(
                c.iter().map(|x| (x.year as f64, x.p50_msek)),
                BLUE.stroke_width((3.0 * s) as u32),
            ))
            .map_err(e)?;
        let actual: Vec<(f64, f64, bool)> = c
            .iter()
            .filter_map(|x| x.actual_msek.map(|a| (x.year as f64, a, x.status != Some("inside"))))
            .collect();
        chart
            .draw_series(LineSeries::new(
                actual.iter().map(|&(x, y, _)| (x, y)),
                INK.stroke_width((2.0 * s) as u32),
            ))
            .map_err(e)?;
        for &(x, y, out) in &actual {
            let colour = if out { VERMILLION } else { INK };
            chart
                .draw_series(std::iter::once(Circle::new((x, y), 6.0 * s, colour.filled())))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// The follow-up's control-range chart (SVG and PNG).
pub fn corridor(f: &models::followup::Followup, lang: Lang) -> Result<Chart, ChartError> {
    let d = CorridorChart { lang, f };
    render(
        "styrintervall",
        lang.tr("chart.control_range_of_the_establishment_cost"),
        &d,
    )
}
