//! The output of `riskkalkyl compare`: JSON and a console table.

use std::fmt::Write;

use models::CompareSummary;

use super::column_width;
use crate::format::round_dp;

/// A plain-text table: per kommun the NPV difference A − B, P(A better), the CRN standard
/// error against that of independent draws.
pub fn to_text(s: &CompareSummary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "A: {}\nB: {}", s.scenario_a, s.scenario_b);
    let _ = writeln!(
        o,
        "{} paired runs on common random numbers, seed {}, sampling {}\n",
        s.runs, s.seed, s.sampling
    );
    let _ = writeln!(o, "NPV of net benefit, A − B, MSEK");
    let width = column_width(s.kommuner.iter().map(|k| k.name.as_str()), 8);
    let _ = writeln!(
        o,
        "{:<width$}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>12}{:>10}{:>11}",
        "Kommun", "mean A", "mean B", "A − B", "±se", "P10", "P90", "P(A > B)", "indep.se", "var.red."
    );
    for k in s.kommuner.iter().chain([&s.total]) {
        let d = &k.difference;
        let pad = width - k.name.chars().count();
        let red = k
            .variance_reduction
            .map_or("exact".to_string(), |v| format!("{}×", round_dp(v, 1)));
        let _ = writeln!(
            o,
            "{}{}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>12}{:>10}{:>11}",
            k.name,
            " ".repeat(pad),
            round_dp(k.npv_mean_a, 1),
            round_dp(k.npv_mean_b, 1),
            round_dp(d.mean, 2),
            round_dp(k.difference_mean_se, 3),
            round_dp(d.p10, 1),
            round_dp(d.p90, 1),
            format!("{} %", round_dp(100.0 * k.prob_a_better, 1)),
            round_dp(k.independent_mean_se, 3),
            red
        );
    }
    let _ = writeln!(
        o,
        "\n(±se: standard error of the mean difference with common random numbers; indep.se: the same\n with independent draws; var.red.: how many times more independent runs give the same se;\n \"exact\": A and B agree in every run)"
    );
    o
}
