//! The fan charts per kommun: yearly and cumulative net benefit with P10–P90 and P25–P75 bands.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{BLUE, GREEN, GREY, INK, Key, POINT, WIDTH, axes, font, header, year_mesh};
use super::{Chart, ChartError, Draw, Drawing, R, e, range_with_zero, render};
use crate::format::Lang;
use crate::report::{KommunData, ReportData};

/// Fan chart of yearly or cumulative net benefit for one kommun.
struct Fan<'a> {
    lang: Lang,
    title: String,
    subtitle: String,
    years: &'a [i32],
    k: &'a KommunData,
    cumulative: bool,
    /// Median payback year, for the cumulative chart.
    payback: Option<i32>,
    establishment: (i32, i32),
    width: u32,
}

impl Drawing for Fan<'_> {
    fn width(&self) -> u32 {
        self.width
    }

    fn height(&self) -> u32 {
        // The cumulative chart's legend has a second row; a half-width chart more.
        if self.width < WIDTH {
            480
        } else if self.cumulative {
            410
        } else {
            390
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.lang;
        let b = if self.cumulative {
            &self.k.cumulative
        } else {
            &self.k.yearly
        };
        let point = if self.cumulative {
            &self.k.point_cum
        } else {
            &self.k.point_net
        };
        let mut legend = vec![
            (
                Key::Fill(BLUE.mix(0.18)),
                l.tr("chart.80_of_outcomes_p10_p90").to_string(),
            ),
            (
                Key::Fill(BLUE.mix(0.42)),
                l.tr("chart.50_of_outcomes_p25_p75").to_string(),
            ),
            (Key::Line(BLUE, false), l.tr("chart.median").to_string()),
            (
                Key::Line(POINT, true),
                l.tr("chart.the_forstudies_calculation_point_values").to_string(),
            ),
        ];
        if self.cumulative {
            legend.push((
                Key::Line(GREEN, false),
                match self.payback {
                    Some(y) => format!("{} {y}", l.tr("chart.paid_back_median")),
                    None => format!(
                        "{} {}",
                        l.tr("chart.not_paid_back_median_by"),
                        self.years.last().copied().unwrap_or(0)
                    ),
                },
            ));
        }
        let area = header(root, s, &self.title, &self.subtitle, &legend)?;
        let xs: Vec<f64> = self.years.iter().map(|&y| y as f64).collect();
        let (lo, hi) = range_with_zero(b.p10.iter().chain(&b.p90).chain(point).copied());
        let (x0, x1) = (xs[0] - 0.4, xs[xs.len() - 1] + 0.4);
        let unit = l.msek_unit();
        let mut chart = axes(&area, s, 70.0, x0..x1, lo..hi)?;
        // The establishment years, shaded lightly.
        let (e0, e1) = self.establishment;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(e0 as f64 - 0.5, hi), (e1 as f64 + 0.5, lo)],
                RGBColor(240, 240, 240).filled(),
            )))
            .map_err(e)?;
        let y_desc = if self.cumulative {
            format!("{} ({unit})", l.tr("common.cumulative_net_benefit"))
        } else {
            format!("{} ({unit}/{})", l.tr("common.net_benefit"), l.tr("common.yr"))
        };
        year_mesh(&mut chart, s, xs.len(), y_desc, l)?;
        chart
            .draw_series(std::iter::once(Text::new(
                l.tr("chart.establishment").to_string(),
                (e0 as f64 - 0.45, hi),
                font(12.0, s).color(&GREY).pos(Pos::new(HPos::Left, VPos::Top)),
            )))
            .map_err(e)?;
        for (upper, lower, alpha) in [(&b.p90, &b.p10, 0.18), (&b.p75, &b.p25, 0.30)] {
            let mut poly: Vec<(f64, f64)> = xs.iter().copied().zip(upper.iter().copied()).collect();
            poly.extend(xs.iter().copied().zip(lower.iter().copied()).rev());
            chart
                .draw_series(std::iter::once(Polygon::new(poly, BLUE.mix(alpha).filled())))
                .map_err(e)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x0, 0.0), (x1, 0.0)],
                INK.stroke_width(s as u32),
            )))
            .map_err(e)?;
        chart
            .draw_series(LineSeries::new(
                xs.iter().copied().zip(b.p50.iter().copied()),
                BLUE.stroke_width((3.0 * s) as u32),
            ))
            .map_err(e)?;
        chart
            .draw_series(DashedLineSeries::new(
                xs.iter().copied().zip(point.iter().copied()),
                6.0 * s,
                5.0 * s,
                POINT.stroke_width((2.5 * s) as u32),
            ))
            .map_err(e)?;
        if let (true, Some(y)) = (self.cumulative, self.payback) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(y as f64, lo), (y as f64, hi)],
                    GREEN.stroke_width((2.5 * s) as u32),
                )))
                .map_err(e)?;
            let t = xs.iter().position(|&x| x == y as f64).unwrap_or(0);
            chart
                .draw_series(std::iter::once(Circle::new(
                    (y as f64, b.p50[t]),
                    5.0 * s,
                    GREEN.filled(),
                )))
                .map_err(e)?;
        }
        Ok(())
    }
}

/// The yearly net benefit of kommun `k` (of `d.kommuner`).
pub(super) fn yearly(d: &ReportData, k: &KommunData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let subtitle = format!(
        "{} {}–{}, {}. {}",
        l.tr("chart.net_benefit_cost_of_todays_it"),
        d.years[0],
        d.years[d.years.len() - 1],
        l.msek_unit(),
        l.tr("chart.below_zero_joint_operations_cost_more")
    );
    let question = l.tr("chart.what_is_the_net_benefit_year");
    fan(d, k, "netto_per_ar", question, subtitle, false, None)
}

/// The cumulative net benefit of kommun `i` and its median payback year.
pub(super) fn cumulative(d: &ReportData, i: usize, k: &KommunData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let subtitle = format!(
        "{} {}, {}. {}",
        l.tr("chart.cumulative_net_benefit_from"),
        d.years[0],
        l.msek_unit(),
        l.tr("chart.the_investment_has_paid_back_when")
    );
    let question = l.tr("chart.when_has_the_establishment_paid_for");
    let payback = d.kommun_summary(i).payback_year.p50;
    fan(d, k, "ackumulerat", question, subtitle, true, payback)
}

fn fan(
    d: &ReportData,
    k: &KommunData,
    stem: &str,
    question: &str,
    subtitle: String,
    cumulative: bool,
    payback: Option<i32>,
) -> Result<Chart, ChartError> {
    let title = format!("{}: {question}", k.name);
    let fan = Fan {
        lang: d.lang,
        subtitle,
        title: title.clone(),
        years: &d.years,
        k,
        cumulative,
        payback,
        establishment: d.establishment_years,
        // The kommuner's cumulative charts side by side in print.
        width: if cumulative && k.slug != d.total().slug {
            WIDTH / 2
        } else {
            WIDTH
        },
    };
    render(&format!("{stem}_{}", k.slug), &title, &fan)
}
