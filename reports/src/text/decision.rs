//! Console and JSON output of the decision analyses (`keys`, `organisation`).

use std::fmt::Write;

use models::decision::{DcReport, KeysReport, MembershipReport, OrgReport};

use super::{m, pct};

/// Options side by side: per kommun P10/P50/P90, P(loss), mean change and P(better) against
/// the first option.
fn options_text(kommuner: &[String], options: &[models::decision::OptionResult]) -> String {
    let mut o = String::new();
    for opt in options {
        let _ = writeln!(o, "{}", opt.name);
        let _ = writeln!(
            o,
            "  {:<10}{:>8}{:>8}{:>8}{:>12}{:>10}{:>11}",
            "kommun", "P10", "P50", "P90", "P(loss)", "change", "P(better)"
        );
        for (i, name) in kommuner.iter().enumerate() {
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
    o
}

pub fn keys_text(r: &KeysReport) -> String {
    let mut o = format!(
        "Allocation keys and financing models on the same {} draws: NPV of net benefit per kommun, MSEK.\n\
         Change = against the first option (the scenario's own allocation); P(better) = share of draws where the\n\
         option gives the kommun a higher NPV. Keys only move money: the GGVV total is the same for every option.\n\n",
        r.runs
    );
    o.push_str(&options_text(&r.kommuner, &r.options));
    let _ = writeln!(
        o,
        "(largest difference in the GGVV total between options, any draw: {:.2e} MSEK)",
        r.max_total_discrepancy_msek
    );
    o
}

pub fn dc_text(r: &DcReport) -> String {
    let mut o = format!(
        "Data centre: existing ({}'s) versus new, and the owner's compensation; {} draws, NPV per kommun, MSEK.\n\
         Change and P(better) against the first option. Hidden costs in the existing data centre appeared in {} of draws.\n\
         All data-centre amounts are assumptions in the scenario ([decision.data_centre]): the seeds give none.\n\n",
        r.owner,
        r.runs,
        pct(r.hidden_cost_share)
    );
    o.push_str(&options_text(&r.kommuner, &r.options));
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
        "\nLiability in a bad outcome: establishment cost over the förstudie's estimate at P95 = {} MSEK",
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
    let _ = writeln!(
        o,
        "AB pricing at cost passes the overrun on through its prices: {} (MSEK per kommun, as the förbund's key share)",
        r.ab_price_pass_through_msek
            .iter()
            .map(|x| m(*x))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    for n in &r.notes {
        let _ = writeln!(o, "\n[{}] {}", format!("{:?}", n.basis).to_uppercase(), n.text);
    }
    o
}

pub fn membership_text(r: &MembershipReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Membership changes ({} draws), NPV change per kommun against all staying together, MSEK\n",
        r.runs
    );
    let _ = writeln!(
        o,
        "Exit: {} leaves in {} (after notice). Its leaving fee (share of undepreciated investment and long contracts): P50 {}, P90 {}",
        r.exit_kommun,
        r.exit_year,
        m(r.exit_fee_msek.p50),
        m(r.exit_fee_msek.p90)
    );
    let _ = writeln!(o, "  {:<10}{:>8}{:>8}{:>8}", "kommun", "P10", "P50", "P90");
    for (i, k) in r.kommuner.iter().enumerate() {
        let c = &r.exit_change[i];
        let _ = writeln!(o, "  {:<10}{:>8}{:>8}{:>8}", k, m(c.p10), m(c.p50), m(c.p90));
    }
    let _ = writeln!(
        o,
        "\nEntry: {} joins; entry fee (share of the value built up) P50 {}; its member fee in the first year P50 {} per year;\n\
         its NPV of joining versus standing alone P10 {}, P50 {}, P90 {}",
        r.entrant,
        m(r.entry_fee_msek.p50),
        m(r.entrant_member_fee_first_full_year_msek.p50),
        m(r.entrant_npv.p10),
        m(r.entrant_npv.p50),
        m(r.entrant_npv.p90)
    );
    let _ = writeln!(o, "  {:<10}{:>8}{:>8}{:>8}", "kommun", "P10", "P50", "P90");
    for (i, k) in r.kommuner.iter().enumerate() {
        let c = &r.entry_change[i];
        let _ = writeln!(o, "  {:<10}{:>8}{:>8}{:>8}", k, m(c.p10), m(c.p50), m(c.p90));
    }
    let _ = writeln!(
        o,
        "  P(the entrant loses by joining, its own integration, pre-study and double costs included): {}",
        pct(r.entrant_loss_share)
    );
    let _ = writeln!(
        o,
        "\nRisk: a member leaves during the establishment (as Hylte did, seed 000 1): probability {} % (ASSUMPTION), \
         happened in {} of draws. NPV change of those who stay when another kommun leaves, and P(worse off):",
        r.establishment_exit_prob_pct,
        pct(r.establishment_exit_share)
    );
    let _ = writeln!(
        o,
        "  {:<10}{:>8}{:>8}{:>8}{:>12}",
        "kommun", "P10", "P50", "P90", "P(worse)"
    );
    for (i, k) in r.kommuner.iter().enumerate() {
        let c = &r.establishment_exit_change[i];
        let _ = writeln!(
            o,
            "  {:<10}{:>8}{:>8}{:>8}{:>12}",
            k,
            m(c.p10),
            m(c.p50),
            m(c.p90),
            pct(r.establishment_exit_worse_share[i])
        );
    }
    let _ = writeln!(
        o,
        "\n(Exit and entry terms are assumptions in [decision.membership]; see the scenario for their reasons.)"
    );
    o
}
