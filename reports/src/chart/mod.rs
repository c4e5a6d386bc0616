//! The report's charts, each drawn once for SVG (inlined in rapport.html) and once for PNG
//! (twice the pixels, for slides and mail), with plotters.
//!
//! Text is drawn with the bundled Liberation Sans (SIL Open Font License 1.1, see
//! `reports/assets/fonts/`), registered with plotters' ab_glyph backend, so PNGs show å ä ö
//! on a machine without system fonts. SVGs name the same font, with its metric-compatible
//! fallbacks Arial and Helvetica, so the layout computed here holds in a browser.
//!
//! Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies); every
//! legend sits above the plot, never on the data.

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use crate::format::{Lang, msek, number, pct, pct_sign};
use crate::report::{GRID, KommunData, ReportData};

/// The bundled font's family name.
pub const FONT: &str = "Liberation Sans";
const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");
/// What an SVG asks the browser for: the bundled font, then fonts with the same metrics.
const SVG_FONT_STACK: &str = "Liberation Sans, Arimo, Arial, Helvetica, sans-serif";

/// Chart width in CSS pixels: A4 text width at 96 dpi is about 680 px, so charts scale down
/// slightly when printed and fonts stay above 8 pt.
pub const WIDTH: u32 = 780;
/// PNG pixels per SVG pixel.
pub const PNG_SCALE: u32 = 2;

// Okabe & Ito (2008), "Color Universal Design".
const BLUE: RGBColor = RGBColor(0, 114, 178);
const ORANGE: RGBColor = RGBColor(230, 159, 0);
const SKY: RGBColor = RGBColor(86, 180, 233);
const GREEN: RGBColor = RGBColor(0, 158, 115);
const VERMILLION: RGBColor = RGBColor(213, 94, 0);
const PURPLE: RGBColor = RGBColor(204, 121, 167);
const INK: RGBColor = RGBColor(33, 33, 33);
const GREY: RGBColor = RGBColor(100, 100, 100);
const LIGHT: RGBColor = RGBColor(225, 225, 225);

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and tested; a failure here is a broken build.
        let ok = register_font(FONT, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FONT, FontStyle::Bold, FONT_BOLD).is_ok();
        assert!(ok, "the bundled font is a valid TrueType file");
    });
}

/// A drawn chart: its file stem, title (for alt text) and both renderings.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under charts/: "netto_per_ar_gislaved".
    pub name: String,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart {name}: {problem}")]
pub struct ChartError {
    pub name: String,
    pub problem: String,
}

type Draw<'a, DB> = &'a DrawingArea<DB, Shift>;
type R = Result<(), String>;

fn e<E: std::fmt::Debug>(err: E) -> String {
    format!("{err:?}")
}

fn font(px: f64, s: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, px * s).into_font()).color(&INK)
}

fn bold(px: f64, s: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, px * s, FontStyle::Bold).into_font()).color(&INK)
}

/// A legend entry.
enum Key {
    /// A filled box.
    Fill(RGBAColor),
    /// A line, dashed or not.
    Line(RGBColor, bool),
}

/// Title, subtitle and a legend that wraps, above the plot. Returns the area left for it.
fn header<DB: DrawingBackend>(
    root: Draw<DB>,
    s: f64,
    title: &str,
    subtitle: &str,
    legend: &[(Key, String)],
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(e)?;
    let (w, _) = root.dim_in_pixel();
    let pad = 14.0 * s;
    let mut y = 10.0 * s;
    root.draw_text(title, &bold(18.0, s), (pad as i32, y as i32))
        .map_err(e)?;
    y += 26.0 * s;
    for line in wrap(root, subtitle, &font(13.0, s).color(&GREY), w as f64 - 2.0 * pad)? {
        root.draw_text(&line, &font(13.0, s).color(&GREY), (pad as i32, y as i32))
            .map_err(e)?;
        y += 18.0 * s;
    }
    y += 6.0 * s;
    let mut x = pad;
    let style = font(13.0, s);
    for (key, label) in legend {
        let (tw, _) = root.estimate_text_size(label, &style).map_err(e)?;
        let item = 28.0 * s + tw as f64 + 18.0 * s;
        if x + item > w as f64 - pad && x > pad {
            x = pad;
            y += 20.0 * s;
        }
        let (x0, y0) = (x as i32, (y + 2.0 * s) as i32);
        let (x1, y1) = ((x + 22.0 * s) as i32, (y + 13.0 * s) as i32);
        match key {
            Key::Fill(c) => {
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
                    .map_err(e)?;
            }
            Key::Line(c, dashed) => {
                let ym = (y0 + y1) / 2;
                let st = c.stroke_width((2.5 * s) as u32);
                if *dashed {
                    let seg = (5.0 * s) as i32;
                    let mut a = x0;
                    while a < x1 {
                        root.draw(&PathElement::new(vec![(a, ym), ((a + seg).min(x1), ym)], st))
                            .map_err(e)?;
                        a += 2 * seg;
                    }
                } else {
                    root.draw(&PathElement::new(vec![(x0, ym), (x1, ym)], st)).map_err(e)?;
                }
            }
        }
        root.draw_text(label, &style, ((x + 28.0 * s) as i32, y as i32))
            .map_err(e)?;
        x += item;
    }
    y += 24.0 * s;
    Ok(root.split_vertically(y as u32).1)
}

/// Break `text` into lines no wider than `width` pixels.
fn wrap<DB: DrawingBackend>(root: Draw<DB>, text: &str, style: &TextStyle, width: f64) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let trial = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        let (tw, _) = root.estimate_text_size(&trial, style).map_err(e)?;
        if tw as f64 > width && !cur.is_empty() {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = trial;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    Ok(lines)
}

/// A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) giving about `n` intervals over `span`.
fn nice_step(span: f64, n: f64) -> f64 {
    let raw = (span / n).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    mag * if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    }
}

/// A padded value range that includes zero.
fn range_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let pad = ((hi - lo) * 0.06).max(0.5);
    (lo - pad, hi + pad)
}

/// Something that can draw itself on any plotters backend at scale `s`.
trait Drawing {
    fn height(&self) -> u32;
    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R;
}

fn render<D: Drawing>(name: &str, title: &str, d: &D) -> Result<Chart, ChartError> {
    register_fonts();
    let fail = |problem: String| ChartError {
        name: name.to_string(),
        problem,
    };
    let (w, h) = (WIDTH, d.height());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        d.draw(&root, 1.0).map_err(&fail)?;
        root.present().map_err(|x| fail(e(x)))?;
    }
    let svg = svg_font_sizes(&svg.replace(
        &format!("font-family=\"{FONT}\""),
        &format!("font-family=\"{SVG_FONT_STACK}\""),
    ));
    let (pw, ph) = (w * PNG_SCALE, h * PNG_SCALE);
    let mut rgb = vec![255u8; (pw * ph * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (pw, ph)).into_drawing_area();
        d.draw(&root, PNG_SCALE as f64).map_err(&fail)?;
        root.present().map_err(|x| fail(e(x)))?;
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, pw, ph);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|x| fail(x.to_string()))?;
        writer.write_image_data(&rgb).map_err(|x| fail(x.to_string()))?;
    }
    Ok(Chart {
        name: name.to_string(),
        title: title.to_string(),
        svg,
        png,
    })
}

/// plotters writes `font-size` as the layout size / 1.24, but lays text out (ab_glyph) with the
/// size as ascent − descent, which for Liberation Sans is 2 288/2 048 em. Rewrite the sizes so
/// the browser draws text as large as the layout and the PNG assume.
fn svg_font_sizes(svg: &str) -> String {
    const EM_PER_SIZE: f64 = 2048.0 / 2288.0;
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find("font-size=\"") {
        let (head, tail) = rest.split_at(i + 11);
        out.push_str(head);
        let end = tail.find('"').unwrap_or(0);
        match tail[..end].parse::<f64>() {
            Ok(v) => out.push_str(&format!("{:.2}", v * 1.24 * EM_PER_SIZE)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Year labels only on whole years.
fn year_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{:.0}", x)
    } else {
        String::new()
    }
}

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
}

impl Drawing for Fan<'_> {
    fn height(&self) -> u32 {
        // The cumulative chart's legend has a second row.
        if self.cumulative { 410 } else { 390 }
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
                Key::Line(VERMILLION, true),
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
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8.0 * s)
            .margin_right(22.0 * s)
            .margin_bottom(8.0 * s)
            .x_label_area_size(44.0 * s)
            .y_label_area_size(70.0 * s)
            .build_cartesian_2d(x0..x1, lo..hi)
            .map_err(e)?;
        // The establishment years, shaded lightly.
        let (e0, e1) = self.establishment;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(e0 as f64 - 0.5, hi), (e1 as f64 + 0.5, lo)],
                RGBColor(240, 240, 240).filled(),
            )))
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(xs.len() + 2)
            .x_label_formatter(&year_label)
            .y_labels(8)
            .y_label_formatter(&|v| number(*v, 0, l))
            .y_desc(if self.cumulative {
                format!("{} ({unit})", l.tr("common.cumulative_net_benefit"))
            } else {
                format!("{} ({unit}/{})", l.tr("common.net_benefit"), l.tr("common.yr"))
            })
            .x_desc(l.tr("common.year"))
            .label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
            .draw()
            .map_err(e)?;
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
                VERMILLION.stroke_width((2.5 * s) as u32),
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

/// S-curve of the establishment cost with budget, P50 and P80.
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
                sum.budget_msek,
                VERMILLION,
                true,
                l.tr("chart.budget"),
                format!(
                    "{} {} ({} {})",
                    l.tr("common.budget_the_forstudies_estimate"),
                    msek(sum.budget_msek, l),
                    l.tr("chart.overrun_in"),
                    pct(sum.prob_cost_overrun, l)
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
        let top = q[GRID * 95 / 100].max(est.p80).max(sum.budget_msek);
        let bottom = q[0].min(sum.budget_msek);
        let pad = (top - bottom) * 0.04;
        let (x0, x1) = ((bottom - pad).max(0.0), top + pad);
        let unit = l.msek_unit();
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8.0 * s)
            .margin_right(22.0 * s)
            .margin_bottom(8.0 * s)
            .x_label_area_size(44.0 * s)
            .y_label_area_size(70.0 * s)
            .build_cartesian_2d(x0..x1, 0.0..100.0)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_labels(10)
            .y_labels(11)
            .x_label_formatter(&|v| number(*v, 0, l))
            .y_label_formatter(&|v| format!("{}{}%", number(*v, 0, l), if l == Lang::Sv { " " } else { "" }))
            .x_desc(format!("{} ({unit})", l.tr("common.one_off_establishment_cost")))
            .y_desc(l.tr("chart.probability"))
            .label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
            .draw()
            .map_err(e)?;
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

/// Histogram of a kommun's NPV with the loss side shaded.
struct Histogram<'a> {
    lang: Lang,
    title: String,
    subtitle: String,
    k: &'a KommunData,
    prob_loss: f64,
    p50: f64,
}

impl Drawing for Histogram<'_> {
    fn height(&self) -> u32 {
        360
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
                Key::Line(VERMILLION, true),
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
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8.0 * s)
            .margin_right(22.0 * s)
            .margin_bottom(8.0 * s)
            .x_label_area_size(44.0 * s)
            .y_label_area_size(70.0 * s)
            .build_cartesian_2d(x0..x1, 0.0..ymax)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(10)
            .y_labels(6)
            .x_label_formatter(&|v| number(*v, 0, l))
            .y_label_formatter(&|v| format!("{}{}%", number(*v, 1, l), if l == Lang::Sv { " " } else { "" }))
            .x_desc(format!("{} ({unit})", l.tr("common.net_present_value_of_net_benefit")))
            .y_desc(l.tr("chart.share_of_outcomes"))
            .label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
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
        chart
            .draw_series(DashedLineSeries::new(
                vec![(self.k.point_npv, 0.0), (self.k.point_npv, ymax)],
                6.0 * s,
                5.0 * s,
                VERMILLION.stroke_width((2.5 * s) as u32),
            ))
            .map_err(e)?;
        Ok(())
    }
}

/// Horizontal bars, labelled on the left: the tornado and the allocation keys.
struct Bars {
    title: String,
    subtitle: String,
    legend: Vec<(RGBColor, String)>,
    /// Row labels, top to bottom; a row with an empty label is a spacer.
    rows: Vec<String>,
    /// Bars: row, from, to, colour index, text at the bar's end.
    bars: Vec<(usize, f64, f64, usize, String)>,
    /// A vertical reference line and its label.
    reference: Option<(f64, String)>,
    x_desc: String,
    lang: Lang,
    label_width: f64,
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
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8.0 * s)
            .margin_right(22.0 * s)
            .margin_bottom(8.0 * s)
            .x_label_area_size(44.0 * s)
            .y_label_area_size(self.label_width * s)
            .build_cartesian_2d(x0..x1, -0.6..n - 0.4)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&|v| number(*v, 0, l))
            .x_desc(self.x_desc.clone())
            .label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
            .draw()
            .map_err(e)?;
        let colours = [BLUE, ORANGE, GREEN, SKY, PURPLE, VERMILLION];
        let y_of = |row: usize| n - 1.0 - row as f64;
        let per_row = |row: usize| self.bars.iter().filter(|b| b.0 == row).count().max(1);
        let mut seen = vec![0usize; self.rows.len()];
        for (row, a, b, ci, text) in &self.bars {
            let k = per_row(*row) as f64;
            let h = 0.8 / k;
            let top = y_of(*row) + 0.4 - seen[*row] as f64 * h;
            seen[*row] += 1;
            let c = colours[ci % colours.len()];
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

/// Every chart of the report.
pub fn all(d: &ReportData) -> Result<Vec<Chart>, ChartError> {
    let l = d.lang;
    let unit = l.msek_unit();
    let mut out = Vec::new();
    let (npv0, npv1) = d.npv_years();
    let est_years = d.establishment_years;
    let years_text = format!("{}–{}", d.years[0], d.years[d.years.len() - 1]);
    for (i, k) in d.kommuner.iter().enumerate() {
        let ks = d.kommun_summary(i);
        let title = format!("{}: {}", k.name, l.tr("chart.what_is_the_net_benefit_year"));
        let fan = Fan {
            lang: l,
            subtitle: format!(
                "{} {years_text}, {unit}. {}",
                l.tr("chart.net_benefit_cost_of_todays_it"),
                l.tr("chart.below_zero_joint_operations_cost_more")
            ),
            title: title.clone(),
            years: &d.years,
            k,
            cumulative: false,
            payback: None,
            establishment: est_years,
        };
        out.push(render(&format!("netto_per_ar_{}", k.slug), &title, &fan)?);
        let title = format!("{}: {}", k.name, l.tr("chart.when_has_the_establishment_paid_for"));
        let fan = Fan {
            lang: l,
            subtitle: format!(
                "{} {}, {unit}. {}",
                l.tr("chart.cumulative_net_benefit_from"),
                d.years[0],
                l.tr("chart.the_investment_has_paid_back_when")
            ),
            title: title.clone(),
            years: &d.years,
            k,
            cumulative: true,
            payback: ks.payback_year.p50,
            establishment: est_years,
        };
        out.push(render(&format!("ackumulerat_{}", k.slug), &title, &fan)?);
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
            p50: ks.net_benefit_npv.p50,
        };
        out.push(render(&format!("nuvarde_{}", k.slug), &title, &h)?);
    }
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
    out.push(render("etableringskostnad", &title, &sc)?);

    // Allocation keys.
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
                let colour = [BLUE, ORANGE, GREEN, SKY, PURPLE, VERMILLION][i % 6];
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
    out.push(render("fordelningsnycklar", &title, &alloc)?);

    // Tornado.
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
    out.push(render("tornado", &title, &tornado)?);
    Ok(out)
}

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
        let mut chart = ChartBuilder::on(&area)
            .margin_left(8.0 * s)
            .margin_right(22.0 * s)
            .margin_bottom(8.0 * s)
            .x_label_area_size(44.0 * s)
            .y_label_area_size(70.0 * s)
            .build_cartesian_2d(x0..x1, lo.min(0.0)..hi)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(xs.len() + 2)
            .x_label_formatter(&year_label)
            .y_labels(8)
            .y_label_formatter(&|v| number(*v, 0, l))
            .y_desc(format!("{} ({})", l.tr("chart.cumulative_spend"), l.msek_unit()))
            .x_desc(l.tr("common.year"))
            .label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
            .draw()
            .map_err(e)?;
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
