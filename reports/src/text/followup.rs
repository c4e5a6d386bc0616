//! Console output of `riskkalkyl followup`.

use std::fmt::Write;

use models::followup::Followup;

use super::{m, round_dp};

pub fn to_text(f: &Followup) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Follow-up: {} of {} runs are consistent with the actuals ({} %). MSEK.\n",
        f.accepted,
        f.runs,
        round_dp(100.0 * f.accepted as f64 / f.runs as f64, 1)
    );
    let _ = writeln!(o, "Control range (styrintervall) of cumulative establishment spend");
    let _ = writeln!(
        o,
        "{:>6}{:>9}{:>9}{:>9}{:>9}  status",
        "year", "P10", "P50", "P90", "actual"
    );
    for c in &f.corridor {
        let flag = match c.status {
            Some("inside") => "inside",
            Some("above") => "ABOVE the corridor: act",
            Some("below") => "below the corridor: check that work is not lagging",
            _ => "",
        };
        let _ = writeln!(
            o,
            "{:>6}{:>9}{:>9}{:>9}{:>9}  {flag}",
            c.year,
            m(c.p10_msek),
            m(c.p50_msek),
            m(c.p90_msek),
            c.actual_msek.map_or("-".into(), m)
        );
    }
    let (b, a) = (&f.establishment_before, &f.establishment_after);
    let _ = writeln!(o, "\nEstablishment cost        P10    P50    P80    P90");
    let _ = writeln!(
        o,
        "  before actuals   {:>8}{:>7}{:>7}{:>7}",
        m(b.p10),
        m(b.p50),
        m(b.p80),
        m(b.p90)
    );
    let _ = writeln!(
        o,
        "  with actuals     {:>8}{:>7}{:>7}{:>7}",
        m(a.p10),
        m(a.p50),
        m(a.p80),
        m(a.p90)
    );
    let r = &f.remaining_after;
    let _ = writeln!(
        o,
        "  remaining after spend to date {}: P50 {}, P80 {}",
        m(f.spent_to_date_msek),
        m(r.p50),
        m(r.p80)
    );
    let _ = writeln!(
        o,
        "  the förstudie's estimate {}: P(cost above it) {} %, reserve still needed for a P80 frame: {}",
        m(f.reference_estimate_msek),
        round_dp(100.0 * f.prob_cost_above_estimate_after, 1),
        m(f.reserve_p80_over_estimate_msek)
    );
    let (db, da) = (&f.duration_months_before, &f.duration_months_after);
    let _ = writeln!(
        o,
        "Establishment duration, months: P50 {} → {}, P80 {} → {}",
        m(db.p50),
        m(da.p50),
        m(db.p80),
        m(da.p80)
    );
    let _ = writeln!(
        o,
        "\nNPV of net benefit per kommun    P10 / P50 / P90 before → with actuals    P(net loss)"
    );
    for k in &f.kommuner {
        let (nb, na) = (&k.npv_before, &k.npv_after);
        let _ = writeln!(
            o,
            "  {:<10} {:>6} /{:>6} /{:>6}  →{:>6} /{:>6} /{:>6}    {} % → {} %",
            k.name,
            m(nb.p10),
            m(nb.p50),
            m(nb.p90),
            m(na.p10),
            m(na.p50),
            m(na.p90),
            round_dp(100.0 * k.prob_net_loss_before, 1),
            round_dp(100.0 * k.prob_net_loss_after, 1)
        );
    }
    o
}
