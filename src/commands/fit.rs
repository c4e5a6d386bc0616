//! `riskkalkyl fit DATA.csv`: distributions fitted to a column of data (models::fit), ranked.

use std::fmt::Write;
use std::path::Path;

use models::fit::{self, FitReport};

use crate::failure::{Failure, print};

pub fn fit(data: &Path, column: Option<&str>, range: Option<&str>, json: bool) -> Result<(), Failure> {
    let range = range.map(parse_range).transpose()?;
    let input = |e: fit::FitError| Failure::Input(format!("cannot fit {e}"));
    let d = fit::read_csv(data, column).map_err(input)?;
    let r = fit::fit(&d, range).map_err(input)?;
    if json {
        let mut s = serde_json::to_string_pretty(&r).map_err(|e| Failure::Runtime(e.to_string()))?;
        s.push('\n');
        print(&s)
    } else {
        print(&text(&r))
    }
}

fn parse_range(s: &str) -> Result<(f64, f64), Failure> {
    let bad = || {
        Failure::Input(format!(
            "--range {s:?} is not LO,HI\n  fix: two numbers with a comma between, e.g. --range 0,100"
        ))
    };
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let p = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match (p(a), p(b)) {
        (Some(a), Some(b)) if a < b => Ok((a, b)),
        _ => Err(bad()),
    }
}

fn text(r: &FitReport) -> String {
    let mut o = String::new();
    let s = &r.summary;
    let _ = writeln!(
        o,
        "{} column {:?}: n = {}, mean {:.6}, sd {:.6}, min {}, max {}",
        r.file, r.column, s.n, s.mean, s.sd, s.min, s.max
    );
    let _ = writeln!(
        o,
        "\n{:<18} {:>12} {:>12} {:>8} {:>8}  parameters",
        "family", "AIC", "BIC", "KS D", "AD A²"
    );
    for f in &r.fits {
        let p: Vec<String> = f.params.iter().map(|(n, v)| format!("{n} {v:.6}")).collect();
        let _ = writeln!(
            o,
            "{:<18} {:>12.3} {:>12.3} {:>8.4} {:>8.3}  {}",
            f.family,
            f.aic,
            f.bic,
            f.ks,
            f.ad,
            p.join(", ")
        );
    }
    for k in &r.skipped {
        let _ = writeln!(o, "{:<18} skipped: {}", k.family, k.reason);
    }
    for n in &r.notes {
        let _ = writeln!(o, "note: {n}");
    }
    let _ = writeln!(o, "\nBest ({}), for the scenario:\n{}", r.best, r.toml);
    let row: Vec<String> = r.xlsx_row.iter().map(|(h, v)| format!("{h} = {v}")).collect();
    let _ = writeln!(o, "\nWorkbook row (sheet Indata): {}", row.join(" | "));
    let _ = writeln!(
        o,
        "\nOr the data itself (empirical, no likelihood to rank):\n{}",
        r.empirical_toml
    );
    o
}
