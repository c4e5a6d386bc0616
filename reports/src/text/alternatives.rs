//! Console and JSON output of `riskkalkyl alternatives` and `riskkalkyl risks`.

use std::fmt::Write;

use models::alternatives::{AlternativesReport, RiskReport};

use super::{m, pct};

pub fn alternatives_text(r: &AlternativesReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "The first study's alternatives (seed 001 3.2) against staying as today, on the same {} draws. MSEK.\n\
         Capture, effort and duration are assumptions (the seed rates them in words only).\n",
        r.runs
    );
    for (i, a) in r.alternatives.iter().enumerate() {
        let (cap, eff, months) = r.assumed[i];
        let _ = writeln!(o, "{}", a.name);
        let _ = writeln!(o, "  seed: {}", r.seed_wording[i]);
        let _ = writeln!(
            o,
            "  assumed: savings capture {cap} %, establishment effort {eff} %, {months} months; {}",
            r.reversibility[i]
        );
        let _ = writeln!(
            o,
            "  establishment cost P50 {} / P80 {}; GGVV NPV P10 {} P50 {} P90 {}; P(best for GGVV) {}",
            m(a.establishment.p50),
            m(a.establishment.p80),
            m(a.npv_total.p10),
            m(a.npv_total.p50),
            m(a.npv_total.p90),
            pct(a.prob_best_total)
        );
        let _ = writeln!(
            o,
            "  {:<10}{:>8}{:>8}{:>8}{:>16}{:>10}",
            "kommun", "P10", "P50", "P90", "P(better than", "P(best)"
        );
        let _ = writeln!(o, "  {:<10}{:>8}{:>8}{:>8}{:>16}{:>10}", "", "", "", "", "today)", "");
        for (j, k) in r.kommuner.iter().enumerate() {
            let _ = writeln!(
                o,
                "  {:<10}{:>8}{:>8}{:>8}{:>16}{:>10}",
                k,
                m(a.npv[j].p10),
                m(a.npv[j].p50),
                m(a.npv[j].p90),
                pct(a.prob_better_than_today[j]),
                pct(a.prob_best[j])
            );
        }
        match r.break_even_capture_pct[i] {
            Some(c) => {
                let _ = writeln!(
                    o,
                    "  would match the best alternative's mean GGVV NPV at a savings capture of {} %\n",
                    m(c)
                );
            }
            None => {
                let _ = writeln!(
                    o,
                    "  (the best alternative by mean GGVV NPV, or no capture up to 200 % makes it so)\n"
                );
            }
        }
    }
    let _ = writeln!(
        o,
        "P(staying as today is best): GGVV {}",
        pct(*r.prob_today_best.last().unwrap_or(&0.0))
    );
    o
}

pub fn risks_text(r: &RiskReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Risk register (seed 004), {} data centre, {} draws. MSEK. Establishment cost, inside view (where the risks are priced): P50 {}, P80 {}; the förstudie's estimate {}; P80 reserve over it {}.\n\
         Probabilities, impacts and mitigation effects are assumptions from the seed's wording.\n",
        r.data_centre,
        r.runs,
        m(r.establishment.p50),
        m(r.establishment.p80),
        m(r.reference_estimate_msek),
        m(r.reserve_p80_over_estimate_msek)
    );
    let w = r.risks.iter().map(|x| x.area.chars().count()).max().unwrap_or(10) + 2;
    let _ = writeln!(
        o,
        "{:<w$}{:>6}{:>10}{:>9}{:>10}{:>9}{:>10}{:>10}{:>9}  pays?",
        "area", "p", "E[cost]", "ΔP80", "share P80", "ΔNPV", "mit.cost", "mit.ΔE", "mit.ΔNPV"
    );
    for x in &r.risks {
        let pad = w - x.area.chars().count();
        let _ = writeln!(
            o,
            "{}{}{:>6}{:>10}{:>9}{:>10}{:>9}{:>10}{:>10}{:>9}  {}",
            x.area,
            " ".repeat(pad),
            format!("{}%", x.probability_pct),
            m(x.expected_cost_msek),
            m(x.p80_effect_msek),
            pct(x.share_of_p80_reserve),
            m(-x.npv_total_effect_msek),
            m(x.mitigation_cost_msek),
            m(x.mitigation_mean_cost_change_msek),
            m(x.mitigation_npv_change_msek),
            if x.mitigation_pays { "yes" } else { "no" }
        );
    }
    let _ = writeln!(
        o,
        "\nE[cost]: mean establishment cost with the risk minus without it; ΔP80 likewise at P80; ΔNPV: the risk's\n\
         effect on the GGVV NPV (its delay also moves the savings). mit.ΔE / mit.ΔNPV: change of the mean\n\
         establishment cost (the mitigation's cost included) and of the GGVV NPV when the mitigation is applied.\n\
         A mitigation pays for itself when it raises the GGVV NPV."
    );
    o
}
