//! Console and JSON output of `riskkalkyl sensitivity`.

use std::fmt::Write;

use models::sensitivity::Sensitivity;

use super::column_width;
use crate::format::round_dp;

fn m(x: f64, dp: u32) -> String {
    format!("{:.*}", dp as usize, round_dp(x, dp))
}

/// Tables: tornado, rank contributions, Sobol indices, EVPPI.
pub fn to_text(s: &Sensitivity, top: usize) -> String {
    let mut o = String::new();
    let w = column_width(s.tornado.iter().map(|r| r.input.as_str()), 10);
    let _ = writeln!(
        o,
        "What moves the total NPV (MSEK): one-way swings P10 → P90, other inputs at their medians"
    );
    let _ = writeln!(
        o,
        "(base: total NPV {} MSEK, establishment {} MSEK)\n",
        m(s.base_npv_total, 1),
        m(s.base_establishment, 1)
    );
    let _ = writeln!(
        o,
        "{:<w$}{:>10}{:>10}{:>12}{:>12}{:>9}",
        "input", "P10", "P90", "NPV at P10", "NPV at P90", "swing"
    );
    for r in s.tornado.iter().take(top) {
        let _ = writeln!(
            o,
            "{:<w$}{:>10}{:>10}{:>12}{:>12}{:>9}",
            r.input,
            m(r.low_value, 2),
            m(r.high_value, 2),
            m(r.npv_total_at_low, 1),
            m(r.npv_total_at_high, 1),
            m((r.npv_total_at_high - r.npv_total_at_low).abs(), 1)
        );
    }
    for (title, key) in [("total NPV", "npv_total"), ("establishment cost", "establishment_cost")] {
        let _ = writeln!(
            o,
            "\nContribution to variance of the {title} (Spearman ρ², share of Σρ²; {} runs)",
            s.runs
        );
        if let Some((_, rows)) = s.contributions.iter().find(|(k, _)| k == key) {
            for r in rows.iter().take(top) {
                let _ = writeln!(
                    o,
                    "  {:<w$}{:>8}{:>8} %",
                    r.input,
                    m(r.rank_correlation, 3),
                    m(100.0 * r.share_of_variance, 1)
                );
            }
        }
    }
    for (title, rows) in [
        ("total NPV", &s.sobol_npv_total),
        ("establishment cost", &s.sobol_establishment),
    ] {
        let _ = writeln!(
            o,
            "\nSobol indices of the {title} ({} base samples, 95 % bootstrap intervals)",
            s.sobol_base_samples
        );
        let _ = writeln!(o, "  {:<w$}{:>22}{:>22}", "input", "first order", "total");
        let mut sorted: Vec<_> = rows.iter().collect();
        sorted.sort_by(|a, b| b.total.estimate.total_cmp(&a.total.estimate));
        for r in sorted.iter().take(top) {
            let ci =
                |i: &sim::sensitivity::Index| format!("{} [{}, {}]", m(i.estimate, 3), m(i.ci_low, 3), m(i.ci_high, 3));
            let _ = writeln!(o, "  {:<w$}{:>22}{:>22}", r.input, ci(&r.first), ci(&r.total));
        }
    }
    let gw = column_width(s.evppi.iter().map(|r| r.group.as_str()), 10);
    let _ = writeln!(
        o,
        "\nValue of information for \"join versus stay alone\", EVPPI per input group, MSEK"
    );
    let _ = write!(o, "{:<gw$}", "group");
    for k in &s.kommuner {
        let _ = write!(o, "{:>11}", k);
    }
    o.push('\n');
    let mut rows: Vec<_> = s.evppi.iter().collect();
    rows.sort_by(|a, b| {
        b.per_kommun_msek
            .iter()
            .sum::<f64>()
            .total_cmp(&a.per_kommun_msek.iter().sum::<f64>())
    });
    for r in rows {
        let pad = gw - r.group.chars().count();
        let _ = write!(o, "{}{}", r.group, " ".repeat(pad));
        for v in &r.per_kommun_msek {
            let _ = write!(o, "{:>11}", m(*v, 3));
        }
        o.push('\n');
    }
    let _ = write!(o, "{:<gw$}", "EVPI (all inputs)");
    for v in &s.evpi_msek {
        let _ = write!(o, "{:>11}", m(*v, 3));
    }
    o.push('\n');
    let _ = write!(o, "{:<gw$}", "P(net loss)");
    for v in &s.prob_net_loss {
        let _ = write!(o, "{:>11}", format!("{} %", m(100.0 * v, 1)));
    }
    let _ = writeln!(
        o,
        "\n\nEVPPI: the expected gain of learning a group's true values before deciding, by Strong, Oakley & \
         Brennan's (2014) regression method (polynomial smoother). Where P(net loss) is small, joining is \
         right in almost every outcome and no study can be worth much."
    );
    o
}
