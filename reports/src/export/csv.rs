//! yearly.csv (percentiles per kommun and year, for fan charts), the per-run samples file and
//! the follow-up's corridor.csv.

use std::fmt::Write;

use models::followup::Followup;
use models::{Outcome, RunResult};

use super::{ExportError, Exporter, RunOutput};

/// A text cell: quoted if it needs it (RFC 4180), and a leading `=`, `+`, `-`, `@`, tab or
/// carriage return defused with an apostrophe, so a spreadsheet opening the file shows the
/// text instead of running it as a formula (OWASP, "CSV Injection"). Every text cell of every
/// CSV file goes through here; numbers are written as numbers.
pub(crate) fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One row per kommun (and `total_label` for the total) and year, MSEK.
pub fn yearly(r: &RunResult, total_label: &str) -> String {
    let mut out = String::from("kommun,year");
    for what in ["net_benefit", "joint_cost"] {
        for stat in ["mean", "p5", "p10", "p25", "p50", "p75", "p90", "p95"] {
            let _ = write!(out, ",{what}_{stat}_msek");
        }
    }
    out.push('\n');
    let n = r.years.len();
    let names = r.kommuner.iter().map(String::as_str).chain([total_label]);
    for (k, name) in names.enumerate() {
        for (t, year) in r.years.iter().enumerate() {
            let _ = write!(out, "{},{year}", field(name));
            for stats in [&r.net_yearly, &r.joint_yearly] {
                let s = stats[k * n + t].summary();
                for v in [s.mean, s.p5, s.p10, s.p25, s.p50, s.p75, s.p90, s.p95] {
                    let _ = write!(out, ",{v:.4}");
                }
            }
            out.push('\n');
        }
    }
    out
}

/// Header of the samples file: run index, every input by field path, then outputs.
pub fn samples_header(input_names: &[String], kommuner: &[String], total_label: &str) -> String {
    let mut h = String::from("run");
    for n in input_names {
        let _ = write!(h, ",{}", field(n));
    }
    h.push_str(",establishment_cost_msek,establishment_duration_months,staff_saving_rate");
    for k in kommuner.iter().map(String::as_str).chain([total_label]) {
        let _ = write!(h, ",{}", field(&format!("npv_msek_{k}")));
    }
    h.push('\n');
    h
}

/// One samples row.
pub fn samples_row(out: &mut String, run: u64, inputs: &[f64], o: &Outcome) {
    let _ = write!(out, "{run}");
    for v in inputs {
        let _ = write!(out, ",{v}");
    }
    let _ = write!(
        out,
        ",{},{},{}",
        o.establishment_msek, o.duration_months, o.staff_saving
    );
    for v in &o.npv {
        let _ = write!(out, ",{v}");
    }
    let _ = writeln!(out, ",{}", o.npv.iter().sum::<f64>());
}

/// The control ranges: per year the P10–P90 corridor of cumulative establishment spend.
pub fn corridor_csv(f: &Followup) -> String {
    let mut o = String::from("year,p10_msek,p50_msek,p90_msek,actual_msek,status\n");
    for c in &f.corridor {
        let _ = writeln!(
            o,
            "{},{:.4},{:.4},{:.4},{},{}",
            c.year,
            c.p10_msek,
            c.p50_msek,
            c.p90_msek,
            c.actual_msek.map_or(String::new(), |a| format!("{a:.4}")),
            c.status.unwrap_or("")
        );
    }
    o
}

/// yearly.csv of a run.
pub struct YearlyCsv;

impl Exporter<RunOutput<'_>> for YearlyCsv {
    fn file_name(&self) -> &'static str {
        "yearly.csv"
    }

    fn serialize(&self, run: &RunOutput) -> Result<Vec<u8>, ExportError> {
        Ok(yearly(run.result, &run.summary.total.name).into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    /// A text cell a spreadsheet would run as a formula is defused, then quoted as RFC 4180
    /// asks; plain text and the field paths of the samples header pass unchanged.
    #[test]
    fn text_cells_are_quoted_and_never_formulas() {
        for (text, cell) in [
            ("Gislaved", "Gislaved"),
            ("npv_msek_Värnamo", "npv_msek_Värnamo"),
            (
                "establishment.one_off[2].cost_msek",
                "establishment.one_off[2].cost_msek",
            ),
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("a,b", "\"a,b\""),
            ("rad\nbrytning", "\"rad\nbrytning\""),
            ("inne=1", "inne=1"),
        ] {
            assert_eq!(field(text), cell, "{text:?}");
        }
    }
}
