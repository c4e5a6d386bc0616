//! What every chart shares: the bundled font, the palette, the title-and-legend header and
//! the axes. Change the look of all charts here.
//!
//! Text is drawn with the bundled Liberation Sans (SIL Open Font License 1.1, see
//! `reports/assets/fonts/`), registered with plotters' ab_glyph backend, so PNGs show å ä ö
//! on a machine without system fonts. SVGs name the same font, with its metric-compatible
//! fallbacks Arial and Helvetica, so the layout computed here holds in a browser.
//!
//! Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies); every
//! legend sits above the plot, never on the data.

use std::ops::Range;
use std::sync::Once;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::{Draw, e};
use crate::format::{Lang, number};

/// The bundled font's family name.
pub const FONT: &str = "Liberation Sans";
const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");
/// What an SVG asks the browser for: the bundled font, then fonts with the same metrics.
pub(super) const SVG_FONT_STACK: &str = "Liberation Sans, Arimo, Arial, Helvetica, sans-serif";

/// Chart width in CSS pixels: A4 text width at 96 dpi is about 680 px, so charts scale down
/// slightly when printed and fonts stay above 8 pt.
pub const WIDTH: u32 = 780;
/// PNG pixels per SVG pixel.
pub const PNG_SCALE: u32 = 2;

// Okabe & Ito (2008), "Color Universal Design".
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
pub(super) const GREY: RGBColor = RGBColor(100, 100, 100);
pub(super) const LIGHT: RGBColor = RGBColor(225, 225, 225);
/// The förstudie's own calculation in every chart: a dark purple no other series uses (the
/// vermillion is kept for losses).
pub(super) const POINT: RGBColor = RGBColor(117, 63, 153);

/// The smallest text a chart draws, px: a chart printed at its full column (780 px on about
/// 688 px of A4 text width) or at half a column from a half-width drawing keeps 13.6 px ×
/// 688/780 = 12 px = 9 pt.
const MIN_TEXT_PX: f64 = 14.0;

pub(super) fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and tested; a failure here is a broken build.
        let ok = register_font(FONT, FontStyle::Normal, FONT_REGULAR).is_ok()
            && register_font(FONT, FontStyle::Bold, FONT_BOLD).is_ok();
        assert!(ok, "the bundled font is a valid TrueType file");
    });
}

/// The bar colours, in order of the series.
/// Vermillion is left out: it marks losses. Nine, for the keys analysis's options.
pub(super) const SERIES: [RGBColor; 9] = [
    BLUE,
    ORANGE,
    GREEN,
    SKY,
    PURPLE,
    INK,
    GREY,
    RGBColor(140, 86, 40),
    RGBColor(190, 170, 0),
];

pub(super) fn font(px: f64, s: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, px.max(MIN_TEXT_PX) * s).into_font()).color(&INK)
}

pub(super) fn bold(px: f64, s: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, px.max(MIN_TEXT_PX) * s, FontStyle::Bold).into_font()).color(&INK)
}

/// A legend entry.
pub(super) enum Key {
    /// A filled box.
    Fill(RGBAColor),
    /// A line, dashed or not.
    Line(RGBColor, bool),
}

/// Title, subtitle and a legend that wraps, above the plot. Returns the area left for it.
pub(super) fn header<DB: DrawingBackend>(
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
    for line in wrap(root, title, &bold(18.0, s), w as f64 - 2.0 * pad)? {
        root.draw_text(&line, &bold(18.0, s), (pad as i32, y as i32))
            .map_err(e)?;
        y += 24.0 * s;
    }
    y += 2.0 * s;
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
pub(super) fn wrap<DB: DrawingBackend>(
    root: Draw<DB>,
    text: &str,
    style: &TextStyle,
    width: f64,
) -> Result<Vec<String>, String> {
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

/// The plot area under a header: the margins and label areas every chart uses, with the y
/// labels `y_label_px` wide (before scaling by `s`).
pub(super) fn axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    s: f64,
    y_label_px: f64,
    x: Range<f64>,
    y: Range<f64>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, String> {
    ChartBuilder::on(area)
        .margin_left(8.0 * s)
        .margin_right(22.0 * s)
        .margin_bottom(8.0 * s)
        .x_label_area_size(44.0 * s)
        .y_label_area_size(y_label_px * s)
        .build_cartesian_2d(x, y)
        .map_err(e)
}

/// The grid and axis look every chart shares.
pub(super) trait Themed {
    fn themed(&mut self, s: f64) -> &mut Self;
}

impl<X: Ranged, Y: Ranged, DB: DrawingBackend> Themed for MeshStyle<'_, '_, X, Y, DB> {
    fn themed(&mut self, s: f64) -> &mut Self {
        self.label_style(font(13.0, s))
            .axis_desc_style(font(14.0, s))
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT.stroke_width(1))
            .axis_style(GREY.stroke_width(s as u32))
    }
}

/// Draw the mesh of a chart over years: a label on every whole year, the value on the y axis
/// in whole units of `y_desc`.
pub(super) fn year_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    s: f64,
    years: usize,
    y_desc: String,
    l: Lang,
) -> Result<(), String> {
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(years + 2)
        .x_label_formatter(&year_label)
        .y_labels(8)
        .y_label_formatter(&|v| number(*v, 0, l))
        .y_desc(y_desc)
        .x_desc(l.tr("common.year"))
        .themed(s)
        .draw()
        .map_err(e)
}

/// Year labels only on whole years.
fn year_label(x: &f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{:.0}", x)
    } else {
        String::new()
    }
}
