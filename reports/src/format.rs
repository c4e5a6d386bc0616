//! Numbers as a reader expects them: Swedish (decimal comma, space between thousands, "mnkr",
//! "−" for minus) or English (decimal point, comma between thousands, "MSEK").
//!
//! Rounding is half away from zero on the decimal value ([`round_dp`]), as a
//! reader rounds a printed table.

use rust_decimal::prelude::*;

/// The report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Sv,
    En,
}

impl Lang {
    /// The money unit: "mnkr" or "MSEK".
    pub fn msek_unit(self) -> &'static str {
        self.tr("format.msek")
    }
}

/// The percent sign after a number: " %" with a no-break space in Swedish, "%" in English.
pub fn pct_sign(lang: Lang) -> &'static str {
    lang.tr("format.percent_sign")
}

/// No-break space: keeps "1 234" and "27,5 mnkr" on one line in HTML and charts.
pub(crate) const NBSP: char = '\u{a0}';

/// `x` with `dp` decimals in the language's format, thousands grouped by `group`.
fn number_with(x: f64, dp: u32, lang: Lang, group: char) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let d = round_dp(x, dp);
    let negative = d.is_sign_negative() && !d.is_zero();
    let text = format!("{:.*}", dp as usize, d.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(match lang {
                Lang::Sv => group,
                Lang::En => ',',
            });
        }
        grouped.push(*c);
    }
    let mut out = String::new();
    if negative {
        out.push('−');
    }
    out.push_str(&grouped);
    if dp > 0 {
        out.push(match lang {
            Lang::Sv => ',',
            Lang::En => '.',
        });
        out.push_str(frac);
    }
    out
}

/// `x` with `dp` decimals: "−1 234,5" (sv, no-break space) or "−1,234.5" (en).
pub fn number(x: f64, dp: u32, lang: Lang) -> String {
    number_with(x, dp, lang, NBSP)
}

/// As [`number`] with a plain space between thousands (Markdown, spreadsheets as text).
pub(crate) fn number_plain(x: f64, dp: u32, lang: Lang) -> String {
    number_with(x, dp, lang, ' ')
}

/// An amount of MSEK with one decimal and the unit: "27,5 mnkr" / "27.5 MSEK".
pub fn msek(x: f64, lang: Lang) -> String {
    format!("{}{NBSP}{}", number(x, 1, lang), lang.msek_unit())
}

/// A probability (0..1) as a percentage with one decimal: "3,3 %" / "3.3%". Estimates that
/// round to 0.0 (also 0 hits: a Monte Carlo estimate cannot prove impossibility) read
/// "<0,1 %", and values short of certainty that round to 100.0 read ">99,9 %".
pub fn pct(p: f64, lang: Lang) -> String {
    let sep = match lang {
        Lang::Sv => NBSP.to_string(),
        Lang::En => String::new(),
    };
    let v = p * 100.0;
    if p >= 0.0 && round_dp(v, 1).is_zero() {
        return format!("<{}{sep}%", number(0.1, 1, lang));
    }
    if p < 1.0 && round_dp(v, 1) == Decimal::ONE_HUNDRED {
        return format!(">{}{sep}%", number(99.9, 1, lang));
    }
    format!("{}{sep}%", number(v, 1, lang))
}

/// A probability with its 95 % confidence interval `ci95` (`[lo, hi]`, as summary.json's
/// `prob_*_ci95`), as a reader should see it. When no run was a hit (`p` = 0) the estimate
/// 0 would claim impossibility: this shows the one-sided 95 % upper bound instead, rounded up
/// to two significant digits, "< 0,00030 %" / "< 0.00030%"; when every run was a hit,
/// "> 99,99970 %" likewise from the lower bound. Otherwise as [`pct`].
pub fn pct_bounded(p: f64, ci95: [f64; 2], lang: Lang) -> String {
    let sep = match lang {
        Lang::Sv => NBSP.to_string(),
        Lang::En => String::new(),
    };
    let [lo, hi] = ci95;
    if p == 0.0 && hi.is_finite() && hi > 0.0 {
        let v = hi * 100.0;
        return format!("<{NBSP}{}{sep}%", number(round_up_2sig(v), sig2_dp(v), lang));
    }
    if p == 1.0 && lo.is_finite() && lo < 1.0 {
        let gap = (1.0 - lo) * 100.0;
        let dp = sig2_dp(gap);
        return format!(">{NBSP}{}{sep}%", number(100.0 - round_up_2sig(gap), dp, lang));
    }
    pct(p, lang)
}

/// Decimals that show two significant digits of `v` (> 0), at least one.
fn sig2_dp(v: f64) -> u32 {
    (1 - v.log10().floor() as i32).clamp(1, 12) as u32
}

/// `v` (> 0) rounded up to two significant digits.
fn round_up_2sig(v: f64) -> f64 {
    round_with(v, sig2_dp(v), RoundingStrategy::ToPositiveInfinity)
}

fn round_with(x: f64, dp: u32, strategy: RoundingStrategy) -> f64 {
    Decimal::from_f64(x)
        .unwrap_or_default()
        .round_dp_with_strategy(dp, strategy)
        .to_f64()
        .unwrap_or(x)
}

/// A 95 % confidence interval of an amount, `dp` decimals, "37,4–37,8" (en dash, no unit):
/// the ends rounded outward, so the printed interval contains the computed one.
pub fn interval(lo: f64, hi: f64, dp: u32, lang: Lang) -> String {
    format!(
        "{}–{}",
        number(round_with(lo, dp, RoundingStrategy::ToNegativeInfinity), dp, lang),
        number(round_with(hi, dp, RoundingStrategy::ToPositiveInfinity), dp, lang)
    )
}

/// Round half away from zero to `dp` decimals, exactly as a reader rounds a printed table
/// (f64 formatting rounds the binary value, so 2.25 may print as 2.2).
pub(crate) fn round_dp(x: f64, dp: u32) -> Decimal {
    Decimal::from_f64(x)
        .unwrap_or_default()
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// The entity that stands for `c` in HTML and SVG text or attributes, if it needs one.
fn html_entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&#39;"),
        _ => None,
    }
}

/// Escape text for HTML and SVG.
pub(crate) fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match html_entity(c) {
            Some(e) => o.push_str(e),
            None => o.push(c),
        }
    }
    o
}

/// Escape text for Markdown (summary.md): `<`, `>` and `&` as entities, so no raw HTML
/// from a scenario reaches a Markdown viewer, and a backslash before the characters that open
/// code, emphasis, links, strike-through or a table cell (CommonMark lets a backslash precede
/// any ASCII punctuation). Only scenario text and sentences built from it pass through here:
/// the page's own Markdown is written as such.
pub(crate) fn md_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            // The HTML escaper's entities; quotes stay as they are (Markdown gives them no
            // meaning).
            '<' | '>' | '&' => o.push_str(html_entity(c).unwrap_or_default()),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                o.push('\\');
                o.push(c);
            }
            _ => o.push(c),
        }
    }
    o
}

/// The templates' escaper (`reports/askama.toml`): the same entities as [`html_escape`], so
/// text escaped by a template and text escaped in code read alike (askama's own escaper
/// writes `&#60;` for `&lt;`).
#[derive(Clone, Copy)]
pub struct HtmlEscaper;

impl askama::filters::Escaper for HtmlEscaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        let mut last = 0;
        for (i, c) in string.char_indices() {
            if let Some(e) = html_entity(c) {
                dest.write_str(&string[last..i])?;
                dest.write_str(e)?;
                last = i + c.len_utf8();
            }
        }
        dest.write_str(&string[last..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile scenario text, escaped for Markdown, reads back through an independent
    /// CommonMark/GFM parser as the same plain text: no HTML, emphasis, code, link or extra
    /// table cell, in running text and in a table cell alike.
    #[test]
    fn markdown_escaping_leaves_plain_text() {
        use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "a | b | c",
            "*fet* _kursiv_ **x** `kod` ~~struken~~",
            "[länk](http://example.com) ![bild](x.png)",
            "back\\slash & &amp; &lt;",
            "Gislaved – 12 → 3 serverhallar (100 %)",
        ];
        for s in hostile {
            for doc in [
                format!("- {}\n", md_escape(s)),
                format!("| a | b |\n|---|---|\n| {} | x |\n", md_escape(s)),
            ] {
                let mut text = String::new();
                let mut cells = 0;
                for ev in Parser::new_ext(&doc, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
                    match ev {
                        Event::Text(t) => text.push_str(&t),
                        Event::Start(Tag::TableCell) => cells += 1,
                        Event::Start(
                            Tag::Item | Tag::List(_) | Tag::Paragraph | Tag::Table(_) | Tag::TableHead | Tag::TableRow,
                        )
                        | Event::End(
                            TagEnd::Item
                            | TagEnd::List(_)
                            | TagEnd::Paragraph
                            | TagEnd::Table
                            | TagEnd::TableHead
                            | TagEnd::TableRow
                            | TagEnd::TableCell,
                        ) => {}
                        other => panic!("{s:?} gave {other:?} in {doc:?}"),
                    }
                }
                if doc.starts_with('|') {
                    assert_eq!(cells, 4, "{doc}");
                    assert_eq!(text, format!("ab{s}x"), "{doc}");
                } else {
                    assert_eq!(text, s, "{doc}");
                }
            }
        }
    }

    #[test]
    fn swedish_numbers() {
        let sv = |x, dp| number_plain(x, dp, Lang::Sv);
        assert_eq!(sv(1234567.25, 1), "1 234 567,3");
        assert_eq!(sv(-27.45, 1), "−27,5");
        assert_eq!(sv(999.95, 1), "1 000,0");
        assert_eq!(sv(0.0, 0), "0");
        assert_eq!(sv(-0.04, 1), "0,0");
        assert_eq!(sv(123.0, 0), "123");
        assert_eq!(sv(1000.0, 0), "1 000");
        assert_eq!(number(1000.0, 0, Lang::Sv), "1\u{a0}000");
        assert_eq!(msek(27.46, Lang::Sv), "27,5\u{a0}mnkr");
    }

    #[test]
    fn english_numbers() {
        assert_eq!(number(1234567.25, 1, Lang::En), "1,234,567.3");
        assert_eq!(msek(-3.0, Lang::En), "−3.0\u{a0}MSEK");
    }

    #[test]
    fn percentages_never_hide_rare_outcomes() {
        assert_eq!(pct(0.0333, Lang::Sv), "3,3\u{a0}%");
        assert_eq!(pct(0.0, Lang::Sv), "<0,1\u{a0}%");
        assert_eq!(pct(0.0002, Lang::Sv), "<0,1\u{a0}%");
        assert_eq!(pct(0.99996, Lang::En), ">99.9%");
        assert_eq!(pct(1.0, Lang::En), "100.0%");
    }

    #[test]
    fn a_probability_never_observed_shows_its_upper_bound() {
        // No loss in 10⁶ runs: the one-sided 95 % bound 1 − 0.05^(1/n) = 2.9957·10⁻⁶.
        let none = sim::Proportion { hits: 0, n: 1_000_000 };
        let (lo, hi) = none.interval95();
        assert_eq!(pct_bounded(0.0, [lo, hi], Lang::En), "<\u{a0}0.00030%");
        assert_eq!(pct_bounded(0.0, [lo, hi], Lang::Sv), "<\u{a0}0,00030\u{a0}%");
        let few = sim::Proportion { hits: 0, n: 200 };
        let (lo, hi) = few.interval95();
        assert_eq!(pct_bounded(0.0, [lo, hi], Lang::En), "<\u{a0}1.5%");
        let all = sim::Proportion { hits: 200, n: 200 };
        let (lo, hi) = all.interval95();
        assert_eq!(pct_bounded(1.0, [lo, hi], Lang::En), ">\u{a0}98.5%");
        assert_eq!(pct_bounded(0.0333, [0.03, 0.037], Lang::Sv), "3,3\u{a0}%");
        assert_eq!(interval(37.43, 37.71, 1, Lang::Sv), "37,4–37,8");
        assert_eq!(interval(-1.05, 2.0, 1, Lang::En), "−1.1–2.0");
    }
}
