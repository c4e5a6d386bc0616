//! Console and JSON output of the decision analyses (`keys`, `organisation`).

use std::fmt::Write;

use models::decision::{KeysReport, OrgReport};

use crate::tables::round_dp;

fn m(x: f64) -> String {
    format!("{:.1}", round_dp(x, 1))
}

fn pct(p: f64) -> String {
    format!("{} %", round_dp(100.0 * p, 1))
}

pub fn keys_json(r: &KeysReport) -> String {
    let mut t = serde_json::to_string_pretty(r).expect("serialises");
    t.push('\n');
    t
}

pub fn org_json(r: &OrgReport) -> String {
    let mut t = serde_json::to_string_pretty(r).expect("serialises");
    t.push('\n');
    t
}

pub fn keys_text(r: &KeysReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Allocation keys and financing models on the same {} draws: NPV of net benefit per kommun, MSEK.\n\
         Change = against the first option (the scenario's own allocation); P(better) = share of draws where the\n\
         option gives the kommun a higher NPV. Keys only move money: the GGVV total is the same for every option.\n",
        r.runs
    );
    for opt in &r.options {
        let _ = writeln!(o, "{}", opt.name);
        let _ = writeln!(
            o,
            "  {:<10}{:>8}{:>8}{:>8}{:>12}{:>10}{:>11}",
            "kommun", "P10", "P50", "P90", "P(loss)", "change", "P(better)"
        );
        for (i, name) in r.kommuner.iter().enumerate() {
            let _ = writeln!(
                o,
                "  {:<10}{:>8}{:>8}{:>8}{:>12}{:>10}{:>11}",
                name,
                m(opt.npv[i].p10),
                m(opt.npv[i].p50),
                m(opt.npv[i].p90),
                pct(opt.prob_net_loss[i]),
                m(opt.change[i].mean),
                pct(opt.prob_better[i])
            );
        }
        let _ = writeln!(o, "  GGVV total mean NPV {}\n", m(opt.total_npv_mean));
    }
    let _ = writeln!(
        o,
        "(largest difference in the GGVV total between options, any draw: {:.2e} MSEK)",
        r.max_total_discrepancy_msek
    );
    o
}

pub fn org_text(r: &OrgReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "AB versus kommunalförbund ({} draws), MSEK\n", r.runs);
    let _ = writeln!(
        o,
        "Corporate tax ({} %) on an AB's surplus, NPV per kommun (mean; P90):",
        r.corporate_tax_pct
    );
    let _ = write!(o, "  {:<14}", "AB markup");
    for k in &r.kommuner {
        let _ = write!(o, "{:>16}", k);
    }
    o.push('\n');
    for row in &r.rows {
        let _ = write!(o, "  {:<14}", format!("{} %", row.ab_markup_pct));
        for s in &row.tax_cost_npv {
            let _ = write!(o, "{:>16}", format!("{} ({})", m(s.mean), m(s.p90)));
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "\nLiability in a bad outcome: establishment cost over budget at P95 = {} MSEK",
        m(r.overrun_p95_msek)
    );
    let _ = writeln!(
        o,
        "  {:<10}{:>22}{:>26}{:>22}",
        "kommun", "förbund: key share", "förbund: joint liability", "AB: capital at risk"
    );
    for (i, k) in r.kommuner.iter().enumerate() {
        let _ = writeln!(
            o,
            "  {:<10}{:>22}{:>26}{:>22}",
            k,
            m(r.forbund_share_msek[i]),
            format!("up to {}", m(r.forbund_joint_liability_msek)),
            m(r.ab_exposure_msek[i])
        );
    }
    let _ = writeln!(o, "\n{}", r.vat_note);
    o
}
