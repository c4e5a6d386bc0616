//! The S-curve of the establishment cost with the förstudie's estimate, P50 and P80.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{BLUE, GREY, INK, Key, ORANGE, POINT, SERIES, Themed, VERMILLION, axes, bold, header};
use super::{Chart, ChartError, Draw, Drawing, R, e, render};
use crate::format::{Lang, msek, number, pct};
use crate::report::{GRID, ReportData};

/// S-curve of the establishment cost with the förstudie's estimate, P50 and P80.
struct SCurve<'a> {
    d: &'a ReportData,
    title: String,
    subtitle: String,
}

impl Drawing for SCurve<'_> {
    fn height(&self) -> u32 {
        440
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.d.lang;
        let q = &self.d.establishment_quantiles;
        let sum = &self.d.summary;
        let est = &sum.establishment_cost;
        let marks = [
            (
                sum.reference_estimate_msek,
                POINT,
                true,
                l.tr("chart.estimate"),
                format!(
                    "{} {} ({} {})",
                    l.tr("common.the_forstudies_estimate"),
                    msek(sum.reference_estimate_msek, l),
                    l.tr("chart.exceeded_in"),
                    pct(sum.prob_cost_above_estimate, l)
                ),
            ),
            (est.p50, BLUE, false, "P50", format!("P50 {}", msek(est.p50, l))),
            (est.p80, ORANGE, false, "P80", format!("P80 {}", msek(est.p80, l))),
        ];
        let mut legend = vec![(
            Key::Line(INK, false),
            l.tr("chart.probability_the_cost_is_at_most").to_string(),
        )];
        legend.extend(
            marks
                .iter()
                .map(|(_, c, dashed, _, text)| (Key::Line(*c, *dashed), text.clone())),
        );
        let area = header(root, s, &self.title, &self.subtitle, &legend)?;
        let top = q[GRID * 95 / 100].max(est.p80).max(sum.reference_estimate_msek);
        let bottom = q[0].min(sum.reference_estimate_msek);
        let pad = (top - bottom) * 0.04;
        let (x0, x1) = ((bottom - pad).max(0.0), top + pad);
        let unit = l.msek_unit();
        let mut chart = axes(&area, s, 70.0, x0..x1, 0.0..100.0)?;
        cdf_mesh(
            &mut chart,
            s,
            format!("{} ({unit})", l.tr("common.one_off_establishment_cost")),
            l.tr("chart.probability"),
            l,
        )?;
        let pts: Vec<(f64, f64)> = q
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, (i as f64 + 0.5) / GRID as f64 * 100.0))
            .filter(|(v, _)| *v <= x1)
            .collect();
        chart
            .draw_series(LineSeries::new(pts, INK.stroke_width((2.5 * s) as u32)))
            .map_err(e)?;
        let (_, ph) = chart.plotting_area().dim_in_pixel();
        let mut last_x: Option<f64> = None;
        let mut row = 0;
        for (v, c, dashed, tag, _) in &marks {
            let st = c.stroke_width((2.5 * s) as u32);
            if *dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(*v, 0.0), (*v, 100.0)],
                        6.0 * s,
                        5.0 * s,
                        st,
                    ))
                    .map_err(e)?;
            } else {
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(*v, 0.0), (*v, 100.0)], st)))
                    .map_err(e)?;
            }
            // Tags at the top, on a second row when the lines are close.
            let px = (v - x0) / (x1 - x0) * chart.plotting_area().dim_in_pixel().0 as f64;
            row = match last_x {
                Some(p) if (px - p).abs() < 60.0 * s => 1 - row,
                _ => 0,
            };
            last_x = Some(px);
            let y = 100.0 - (row as f64 * 20.0 * s + 4.0 * s) / ph as f64 * 100.0;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((*v, y))
                        + Text::new(
                            tag.to_string(),
                            ((5.0 * s) as i32, 0),
                            bold(13.0, s).color(c).pos(Pos::new(HPos::Left, VPos::Top)),
                        ),
                ))
                .map_err(e)?;
        }
        // Where the curve meets P50 and P80.
        for (v, p) in [(est.p50, 50.0), (est.p80, 80.0)] {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, p), (v, p)],
                    3.0 * s,
                    4.0 * s,
                    GREY.stroke_width(s as u32),
                ))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// The establishment cost's S-curve.
pub(super) fn establishment(d: &ReportData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let title = l.tr("chart.what_will_the_establishment_cost").to_string();
    let sc = SCurve {
        d,
        subtitle: format!(
            "{} {}; {} {}.",
            l.tr("chart.one_off_cost_project_labour_parallel"),
            msek(d.establishment_quantiles[GRID * 95 / 100], l),
            l.tr("chart.5_of_outcomes_cost_more_up"),
            msek(d.summary.establishment_cost.max, l)
        ),
        title: title.clone(),
    };
    render("etableringskostnad", &title, &sc)
}

/// The NPV S-curves of the kommuner on one chart, with zero (the loss line) marked.
struct KommunCurves<'a> {
    d: &'a ReportData,
    title: String,
    subtitle: String,
}

impl Drawing for KommunCurves<'_> {
    fn height(&self) -> u32 {
        400
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.d.lang;
        let kommuner = self.d.kommuner_only();
        let legend: Vec<(Key, String)> = kommuner
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let loss = self.d.kommun_summary(i).prob_net_loss;
                (
                    Key::Line(SERIES[i % SERIES.len()], false),
                    format!("{} ({} {})", k.name, l.tr("chart.loss"), pct(loss, l)),
                )
            })
            .collect();
        let area = header(root, s, &self.title, &self.subtitle, &legend)?;
        // P0.5 to P99.5 of every kommun, and zero.
        let lo = kommuner
            .iter()
            .map(|k| k.npv_quantiles[GRID / 200])
            .fold(0.0f64, f64::min);
        let hi = kommuner
            .iter()
            .map(|k| k.npv_quantiles[GRID - 1 - GRID / 200])
            .fold(0.0f64, f64::max);
        let pad = (hi - lo) * 0.04;
        let (x0, x1) = (lo - pad, hi + pad);
        let unit = l.msek_unit();
        let mut chart = axes(&area, s, 70.0, x0..x1, 0.0..100.0)?;
        cdf_mesh(
            &mut chart,
            s,
            format!("{} ({unit})", l.tr("common.net_present_value_of_net_benefit")),
            l.tr("chart.probability_at_most"),
            l,
        )?;
        // The loss side, lightly shaded in the loss colour.
        if x0 < 0.0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x0, 0.0), (0.0, 100.0)],
                    VERMILLION.mix(0.08).filled(),
                )))
                .map_err(e)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, 100.0)],
                VERMILLION.stroke_width((2.0 * s) as u32),
            )))
            .map_err(e)?;
        for (i, k) in kommuner.iter().enumerate() {
            let pts: Vec<(f64, f64)> = k
                .npv_quantiles
                .iter()
                .enumerate()
                .map(|(j, &v)| (v, (j as f64 + 0.5) / GRID as f64 * 100.0))
                .filter(|(v, _)| *v >= x0 && *v <= x1)
                .collect();
            chart
                .draw_series(LineSeries::new(
                    pts,
                    SERIES[i % SERIES.len()].stroke_width((2.5 * s) as u32),
                ))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// Every kommun's NPV S-curve on one chart.
pub(super) fn kommuner(d: &ReportData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let (y0, y1) = d.npv_years();
    let title = l.tr("chart.how_likely_is_each_kommun_to_lose").to_string();
    let c = KommunCurves {
        d,
        subtitle: l.trf(
            "chart.kommun_curves_subtitle",
            &[
                ("y0", &y0.to_string()),
                ("y1", &y1.to_string()),
                ("unit", l.msek_unit()),
            ],
        ),
        title: title.clone(),
    };
    render("nuvarde_kommuner", &title, &c)
}

/// The mesh of an S-curve: money on x in whole units of `x_desc`, the cumulative probability
/// on y in steps of 10 %.
fn cdf_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    s: f64,
    x_desc: String,
    y_desc: &str,
    l: Lang,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .x_labels(10)
        .y_labels(11)
        .x_label_formatter(&|v| number(*v, 0, l))
        .y_label_formatter(&|v| format!("{}{}%", number(*v, 0, l), if l == Lang::Sv { " " } else { "" }))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .themed(s)
        .draw()
        .map_err(e)
}
