//! Horizontal bars labelled on the left, drawn by the allocation-key and tornado charts.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::theme::{INK, Key, SERIES, Themed, axes, font, header, wrap};
use super::{Draw, Drawing, R, e};
use crate::format::{Lang, number};

/// Horizontal bars, labelled on the left: the tornado and the allocation keys.
pub(super) struct Bars {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) legend: Vec<(RGBColor, String)>,
    /// Row labels, top to bottom; a row with an empty label is a spacer.
    pub(super) rows: Vec<String>,
    /// Bars: row, from, to, colour index, text at the bar's end.
    pub(super) bars: Vec<(usize, f64, f64, usize, String)>,
    /// A vertical reference line and its label.
    pub(super) reference: Option<(f64, String)>,
    pub(super) x_desc: String,
    pub(super) lang: Lang,
    pub(super) label_width: f64,
}

impl Drawing for Bars {
    fn height(&self) -> u32 {
        let legend_rows = self.legend.len().div_ceil(2) as u32;
        let per_row = (0..self.rows.len())
            .map(|r| self.bars.iter().filter(|b| b.0 == r).count())
            .max()
            .unwrap_or(1) as u32;
        170 + 20 * legend_rows + (9 + 9 * per_row) * self.rows.len() as u32
    }

    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R {
        let l = self.lang;
        let mut legend: Vec<(Key, String)> = self
            .legend
            .iter()
            .map(|(c, t)| (Key::Fill(c.mix(0.9)), t.clone()))
            .collect();
        if let Some((_, label)) = &self.reference {
            legend.push((Key::Line(INK, false), label.clone()));
        }
        let area = header(root, s, &self.title, &self.subtitle, &legend)?;
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (_, a, b, _, _) in &self.bars {
            lo = lo.min(*a).min(*b);
            hi = hi.max(*a).max(*b);
        }
        if let Some((r, _)) = &self.reference {
            lo = lo.min(*r);
            hi = hi.max(*r);
        }
        let span = (hi - lo).max(1.0);
        // Room for the value texts at both ends.
        // Bars that all grow from zero start at the axis; others get room for their texts.
        let from_zero = self.bars.iter().all(|b| b.1 == 0.0) && lo >= 0.0;
        let x0 = if from_zero { 0.0 } else { lo - span * 0.16 };
        let x1 = hi + span * 0.2;
        let n = self.rows.len() as f64;
        let mut chart = axes(&area, s, self.label_width, x0..x1, -0.6..n - 0.4)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&|v| number(*v, 0, l))
            .x_desc(self.x_desc.clone())
            .themed(s)
            .draw()
            .map_err(e)?;
        let y_of = |row: usize| n - 1.0 - row as f64;
        let per_row = |row: usize| self.bars.iter().filter(|b| b.0 == row).count().max(1);
        let mut seen = vec![0usize; self.rows.len()];
        for (row, a, b, ci, text) in &self.bars {
            let k = per_row(*row) as f64;
            let h = 0.8 / k;
            let top = y_of(*row) + 0.4 - seen[*row] as f64 * h;
            seen[*row] += 1;
            let c = SERIES[ci % SERIES.len()];
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a.min(*b), top - h * 0.06), (a.max(*b), top - h * 0.94)],
                    c.mix(0.9).filled(),
                )))
                .map_err(e)?;
            if !text.is_empty() {
                let right = b >= a;
                let dx = if right { 4.0 * s } else { -4.0 * s };
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((*b, top - h / 2.0))
                            + Text::new(
                                text.clone(),
                                (dx as i32, 0),
                                font(12.0, s).pos(Pos::new(if right { HPos::Left } else { HPos::Right }, VPos::Center)),
                            ),
                    ))
                    .map_err(e)?;
            }
        }
        if let Some((r, _)) = &self.reference {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(*r, -0.6), (*r, n - 0.4)],
                    INK.stroke_width((2.0 * s) as u32),
                )))
                .map_err(e)?;
        }
        // Row labels at the left of the plot, right-aligned.
        let pa = chart.plotting_area();
        for (i, label) in self.rows.iter().enumerate() {
            let (px, py) = pa.map_coordinate(&(x0, y_of(i)));
            for (j, line) in wrap(root, label, &font(13.0, s), (self.label_width - 14.0) * s)?
                .iter()
                .enumerate()
                .take(2)
            {
                let lines = wrap(root, label, &font(13.0, s), (self.label_width - 14.0) * s)?
                    .len()
                    .min(2);
                let dy = (j as f64 - (lines as f64 - 1.0) / 2.0) * 15.0 * s;
                root.draw_text(
                    line,
                    &font(13.0, s).pos(Pos::new(HPos::Right, VPos::Center)),
                    (px - (8.0 * s) as i32, py + dy as i32),
                )
                .map_err(e)?;
            }
        }
        Ok(())
    }
}
