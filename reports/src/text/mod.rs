//! Console output, one module per command: plain text in English, MSEK, rounded as a reader
//! rounds a printed table.

pub mod alternatives;
pub mod compare;
pub mod decision;
pub mod explain;
pub mod followup;
pub mod run;
pub mod sensitivity;
pub mod tables;

use crate::format::round_dp;

/// MSEK with one decimal.
fn m(x: f64) -> String {
    format!("{:.1}", round_dp(x, 1))
}

/// A probability as a percentage with one decimal and a spaced "%".
fn pct(p: f64) -> String {
    format!("{} %", round_dp(100.0 * p, 1))
}

/// The width of a first column holding `names`: the longest, at least `min`, plus two spaces.
fn column_width<'a>(names: impl Iterator<Item = &'a str>, min: usize) -> usize {
    names.map(|n| n.chars().count()).max().unwrap_or(min).max(min) + 2
}
