//! The histogram of a kommun's NPV, the loss side shaded.

use plotters::prelude::*;

use super::theme::{BLUE, GREY, INK, Key, POINT, Themed, VERMILLION, WIDTH, axes, header};
use super::{Chart, ChartError, Draw, Drawing, R, e, nice_step, render};
use crate::format::{Lang, msek, number, pct, pct_sign};
use crate::report::{GRID, KommunData, ReportData};

/// Histogram of a kommun's NPV with the loss side shaded.
struct Histogram<'a> {
    lang: Lang,
    title: String,
    subtitle: String,
    k: &'a KommunData,
    prob_loss: f64,
    p10: f64,
    p50: f64,
    p90: f64,
    width: u32,
}

impl Drawing for Histogram<'_> {
    fn width(&self) -> u32 {
        self.width
    }

    fn height(&self) -> u32 {
        if self.width < WIDTH { 390 } else { 380 }
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.lang;
        let q = &self.k.npv_quantiles;
        let legend = vec![
            (
                Key::Fill(VERMILLION.mix(0.85)),
                format!("{}: {}", l.tr("chart.net_loss_npv_0"), pct(self.prob_loss, l)),
            ),
            (
                Key::Fill(BLUE.mix(0.75)),
                format!("{}: {}", l.tr("chart.net_gain"), pct(1.0 - self.prob_loss, l)),
            ),
            (
                Key::Line(INK, false),
                format!("{} {}", l.tr("chart.median"), msek(self.p50, l)),
            ),
            (
                Key::Line(GREY, true),
                format!("P10 {} · P90 {}", number(self.p10, 1, l), number(self.p90, 1, l)),
            ),
            (
                Key::Line(POINT, true),
                format!(
                    "{} {}",
                    l.tr("chart.the_forstudies_calculation"),
                    msek(self.k.point_npv, l)
                ),
            ),
        ];
        let area = header(root, s, &self.title, &self.subtitle, &legend)?;
        // Bins on multiples of a nice width, so zero is an edge; P0.5–P99.5 shown.
        let lo_q = q[GRID / 200].min(0.0).min(self.k.point_npv);
        let hi_q = q[GRID - 1 - GRID / 200].max(0.0).max(self.k.point_npv);
        let w = nice_step(hi_q - lo_q, 45.0);
        let first = (lo_q / w).floor() as i64;
        let last = (hi_q / w).ceil() as i64;
        let mut mass = vec![0.0; (last - first).max(1) as usize];
        // The outer half percent on each side is left out (said in the subtitle).
        for &v in q.iter().filter(|v| (lo_q..=hi_q).contains(*v)) {
            let b = ((v / w).floor() as i64 - first).clamp(0, mass.len() as i64 - 1) as usize;
            mass[b] += 100.0 / GRID as f64;
        }
        let ymax = mass.iter().cloned().fold(0.0, f64::max) * 1.12;
        let (x0, x1) = (first as f64 * w, last as f64 * w);
        let unit = l.msek_unit();
        let mut chart = axes(&area, s, 70.0, x0..x1, 0.0..ymax)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(10)
            .y_labels(6)
            .x_label_formatter(&|v| number(*v, 0, l))
            .y_label_formatter(&|v| format!("{}{}%", number(*v, 1, l), if l == Lang::Sv { " " } else { "" }))
            .x_desc(format!("{} ({unit})", l.tr("common.net_present_value_of_net_benefit")))
            .y_desc(l.tr("chart.share_of_outcomes"))
            .themed(s)
            .draw()
            .map_err(e)?;
        chart
            .draw_series(mass.iter().enumerate().filter(|(_, m)| **m > 0.0).map(|(i, m)| {
                let a = (first + i as i64) as f64 * w;
                let c = if a < 0.0 { VERMILLION.mix(0.85) } else { BLUE.mix(0.75) };
                Rectangle::new([(a, 0.0), (a + w, *m)], c.filled())
            }))
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, ymax)],
                INK.stroke_width(s as u32),
            )))
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(self.p50, 0.0), (self.p50, ymax)],
                INK.stroke_width((2.5 * s) as u32),
            )))
            .map_err(e)?;
        for v in [self.p10, self.p90] {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(v, 0.0), (v, ymax)],
                    3.0 * s,
                    3.0 * s,
                    GREY.stroke_width((2.0 * s) as u32),
                ))
                .map_err(e)?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                vec![(self.k.point_npv, 0.0), (self.k.point_npv, ymax)],
                6.0 * s,
                5.0 * s,
                POINT.stroke_width((2.5 * s) as u32),
            ))
            .map_err(e)?;
        Ok(())
    }
}

/// The NPV histogram of kommun `i`.
pub(super) fn npv(d: &ReportData, i: usize, k: &KommunData) -> Result<Chart, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let (npv0, npv1) = d.npv_years();
    let ks = d.kommun_summary(i);
    let title = format!("{}: {}", k.name, l.tr("chart.how_likely_is_a_net_loss"));
    let h = Histogram {
        lang: l,
        subtitle: format!(
            "{} {npv0}–{npv1} {} {} {} {}{}, {unit}. {}",
            l.tr("chart.distribution_of_the_net_present_value"),
            l.tr("common.discounted_to"),
            d.info.npv_base_year,
            l.tr("common.at"),
            number(d.info.discount_rate_pct, 1, l),
            pct_sign(l),
            l.tr("chart.bars_show_p0_5_p99_5"),
        ),
        title: title.clone(),
        k,
        prob_loss: ks.prob_net_loss,
        p10: ks.net_benefit_npv.p10,
        p50: ks.net_benefit_npv.p50,
        p90: ks.net_benefit_npv.p90,
        // The kommuner side by side in print; the total across the column.
        width: if i < d.summary.kommuner.len() { WIDTH / 2 } else { WIDTH },
    };
    render(&format!("nuvarde_{}", k.slug), &title, &h)
}
