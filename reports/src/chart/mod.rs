//! The report's charts, each drawn once for SVG (inlined in rapport.html) and once for PNG
//! (twice the pixels, for slides and mail), with plotters. One module per figure; `theme`
//! holds the font, palette, header and axes they share.
//!
//! To add a chart: a module with a struct implementing [`Drawing`] and a function that builds
//! it from the report data and calls [`render`], then one line in [`all`].

mod bars;
mod corridor;
mod fan;
mod histogram;
mod keys;
mod scurve;
mod theme;
mod tornado;
mod waterfall;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::export::html::analyses::Analyses;
use crate::report::ReportData;
pub use corridor::corridor;
pub(crate) use theme::WIDTH;
use theme::{FONT, PNG_SCALE};
use theme::{SVG_FONT_STACK, register_fonts};
pub use waterfall::waterfall;

/// A drawn chart: its file stem, title (for alt text) and both renderings.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under charts/: "netto_per_ar_gislaved".
    pub name: String,
    /// Width in CSS pixels of the SVG as drawn.
    pub width: u32,
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

/// Something that can draw itself on any plotters backend at scale `s`.
pub(super) trait Drawing {
    /// Width in CSS pixels: the column's, or half of it for small multiples.
    fn width(&self) -> u32 {
        WIDTH
    }
    fn height(&self) -> u32;
    fn draw<DB: DrawingBackend>(&self, root: Draw<DB>, s: f64) -> R;
}

pub(super) fn render<D: Drawing>(name: &str, title: &str, d: &D) -> Result<Chart, ChartError> {
    register_fonts();
    let fail = |problem: String| ChartError {
        name: name.to_string(),
        problem,
    };
    let (w, h) = (d.width(), d.height());
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
        width: w,
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

pub(super) type Draw<'a, DB> = &'a DrawingArea<DB, Shift>;
pub(super) type R = Result<(), String>;

pub(super) fn e<E: std::fmt::Debug>(err: E) -> String {
    format!("{err:?}")
}

/// A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) giving about `n` intervals over `span`.
pub(super) fn nice_step(span: f64, n: f64) -> f64 {
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
pub(super) fn range_with_zero(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let pad = ((hi - lo) * 0.06).max(0.5);
    (lo - pad, hi + pad)
}

/// Every chart of the report, the explain section's waterfalls last.
pub fn all(d: &ReportData, a: &Analyses) -> Result<Vec<Chart>, ChartError> {
    let mut out = Vec::new();
    for (i, k) in d.kommuner.iter().enumerate() {
        out.push(fan::yearly(d, k)?);
        out.push(fan::cumulative(d, i, k)?);
        out.push(histogram::npv(d, i, k)?);
    }
    out.push(scurve::kommuner(d)?);
    out.push(scurve::establishment(d)?);
    out.push(keys::allocation(d, a)?);
    out.push(tornado::tornado(d)?);
    out.push(tornado::risk_kommun(d)?);
    out.extend(a.explain.iter().flat_map(|x| x.charts.iter().cloned()));
    Ok(out)
}
