//! Fitting a distribution to data (`riskkalkyl fit data.csv`): the candidate families that suit
//! the data's support, ranked by AIC (then BIC), with Kolmogorov–Smirnov and Anderson–Darling
//! statistics, and the best as a ready scenario snippet in this project's distribution syntax
//! (docs/distributions.md) and as the cells of a row of the workbook's `Indata` sheet.
//!
//! Families: normal, lognormal, gamma, Weibull (positive support), and on a stated range
//! `--range LO,HI`: truncated normal, beta, PERT by maximum likelihood and by moments. The
//! empirical distribution is listed last: it has no likelihood to rank (its snippet is the data).
//! Every fitted family but the normal has a scenario kind; a normal that ranks first is written
//! truncated (every field refuses the unbounded normal).

pub mod families;

use std::path::Path;

use serde::Serialize;

use families::Fitted;

/// Largest data file read (a CSV of history, not of draws).
pub const MAX_DATA_BYTES: u64 = 16 << 20;
/// Fewest points fitted: below this AIC ranks noise.
pub const MIN_POINTS: usize = 8;

/// Why data could not be fitted; every message names the file (and line and column) and the fix.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    #[error("{file}: {reason}; {hint}")]
    Read { file: String, reason: String, hint: String },
    #[error("{file}:{line}:{column}: {reason}; {hint}")]
    Cell {
        file: String,
        line: u64,
        column: usize,
        reason: String,
        hint: String,
    },
    #[error("{file}: {reason}; {hint}")]
    Data { file: String, reason: String, hint: String },
}

/// The numbers of one column of a CSV file with a header row.
#[derive(Debug, Clone)]
pub struct Data {
    pub file: String,
    pub column: String,
    pub values: Vec<f64>,
    /// Blank cells left out.
    pub blanks: usize,
}

/// Read column `column` (a header name, or a 1-based number) of `path`; without it the file
/// must have a single column. Blank cells are left out; any other non-number is refused.
pub fn read_csv(path: &Path, column: Option<&str>) -> Result<Data, FitError> {
    let file = path.display().to_string();
    let bytes = crate::input_file::read_capped(path, MAX_DATA_BYTES).map_err(|e| FitError::Read {
        file: file.clone(),
        reason: e.to_string(),
        hint: e.hint().into(),
    })?;
    let delim = sniff(&bytes);
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(&bytes[..]);
    let read_err = |e: csv::Error| FitError::Read {
        file: file.clone(),
        reason: format!("not a readable CSV file: {e}"),
        hint: "save it as CSV (UTF-8) with a header row".into(),
    };
    let heads: Vec<String> = rd
        .headers()
        .map_err(read_err)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let col = match column {
        Some(c) => match heads.iter().position(|h| h == c) {
            Some(i) => i,
            None => match c.parse::<usize>() {
                Ok(n) if (1..=heads.len()).contains(&n) => n - 1,
                _ => {
                    return Err(FitError::Data {
                        file,
                        reason: format!("no column {c:?}"),
                        hint: format!("name one of {heads:?} (or its number, 1 to {})", heads.len()),
                    });
                }
            },
        },
        None if heads.len() == 1 => 0,
        None => {
            return Err(FitError::Data {
                file,
                reason: format!("{} columns", heads.len()),
                hint: format!("choose one with --column, one of {heads:?}"),
            });
        }
    };
    let mut values = Vec::new();
    let mut blanks = 0;
    for rec in rd.records() {
        let rec = rec.map_err(read_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = rec.get(col).unwrap_or("").trim();
        if cell.is_empty() {
            blanks += 1;
            continue;
        }
        // A decimal comma is accepted when the delimiter is not a comma (Swedish Excel).
        let text = if delim != b',' {
            cell.replace(',', ".")
        } else {
            cell.to_string()
        };
        match text.replace([' ', '\u{a0}'], "").parse::<f64>() {
            Ok(v) if v.is_finite() => values.push(v),
            _ => {
                return Err(FitError::Cell {
                    file,
                    line,
                    column: col + 1,
                    reason: format!("{cell:?} in column {:?} is not a finite number", heads[col]),
                    hint: "write a number (a decimal point, or a decimal comma in a ;-separated file) or leave the cell blank".into(),
                });
            }
        }
    }
    Ok(Data {
        file,
        column: heads[col].clone(),
        values,
        blanks,
    })
}

/// `;` when the header line has more semicolons than commas (Swedish Excel's CSV), else `,`.
fn sniff(bytes: &[u8]) -> u8 {
    let head = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| head.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

/// One family's fit.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyFit {
    pub family: String,
    /// Parameters by name, in the family's usual order.
    pub params: Vec<(String, f64)>,
    pub k: usize,
    pub log_likelihood: f64,
    pub aic: f64,
    pub bic: f64,
    /// Kolmogorov–Smirnov D.
    pub ks: f64,
    /// Anderson–Darling A².
    pub ad: f64,
    /// The scenario snippet, when the project has this kind.
    pub toml: Option<String>,
}

/// A family not fitted, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub family: String,
    pub reason: String,
}

/// Summary statistics of the data.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
}

/// Everything `fit` prints.
#[derive(Debug, Clone, Serialize)]
pub struct FitReport {
    pub file: String,
    pub column: String,
    pub blanks: usize,
    pub range: Option<(f64, f64)>,
    pub summary: Summary,
    /// Ranked by AIC, lowest first.
    pub fits: Vec<FamilyFit>,
    pub skipped: Vec<Skipped>,
    /// The family of the snippet: the best ranked one that has a scenario kind.
    pub best: String,
    pub toml: String,
    /// The cells of a row of the workbook's `Indata` sheet: (header, value).
    pub xlsx_row: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// The empirical alternative (every observation equally likely).
    pub empirical_toml: String,
}

fn ks_ad(sorted: &[f64], cdf: &dyn Fn(f64) -> f64) -> (f64, f64) {
    let n = sorted.len() as f64;
    let f: Vec<f64> = sorted.iter().map(|&v| cdf(v).clamp(1e-300, 1.0 - 1e-16)).collect();
    let mut d: f64 = 0.0;
    let mut a = 0.0;
    for (i, &fi) in f.iter().enumerate() {
        let i1 = i as f64 + 1.0;
        d = d.max(i1 / n - fi).max(fi - i as f64 / n);
        a += (2.0 * i1 - 1.0) * (fi.ln() + (1.0 - f[f.len() - 1 - i]).ln());
    }
    (d, -n - a / n)
}

/// A number as the snippet writes it: 6 significant digits.
fn num(v: f64) -> String {
    if v == 0.0 {
        return "0.0".into();
    }
    let digits = (5 - v.abs().log10().floor() as i32).max(1) as usize;
    let s = format!("{v:.digits$}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// The scenario spec of a fit, as (dist, parameters), or None when the project has no kind.
fn spec(f: &FamilyFit) -> Option<(&'static str, Vec<(&'static str, f64)>)> {
    let p = |name: &str| {
        f.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .unwrap_or(f64::NAN)
    };
    match f.family.as_str() {
        "lognormal" => {
            let (mu, s) = (p("mu"), p("sigma"));
            let m = (mu + s * s / 2.0).exp();
            Some(("lognormal", vec![("mean", m), ("sd", m * ((s * s).exp() - 1.0).sqrt())]))
        }
        "normal" => Some(("normal", vec![("mean", p("mean")), ("sd", p("sd"))])),
        "truncated_normal" => Some((
            "truncated_normal",
            vec![
                ("mean", p("mean")),
                ("sd", p("sd")),
                ("min", p("min")),
                ("max", p("max")),
            ],
        )),
        "beta" => Some((
            "beta",
            vec![
                ("alpha", p("alpha")),
                ("beta", p("beta")),
                ("min", p("min")),
                ("max", p("max")),
            ],
        )),
        "gamma" => Some(("gamma", vec![("shape", p("shape")), ("scale", p("scale"))])),
        "weibull" => Some(("weibull", vec![("shape", p("shape")), ("scale", p("scale"))])),
        "pert_ml" | "pert_moments" => Some(("pert", vec![("min", p("min")), ("mode", p("mode")), ("max", p("max"))])),
        _ => None,
    }
}

fn inline(dist: &str, params: &[(&str, f64)]) -> String {
    let body: Vec<String> = params.iter().map(|(n, v)| format!("{n} = {}", num(*v))).collect();
    format!("{{ dist = \"{dist}\", {} }}", body.join(", "))
}

/// Fit every family that suits the data (and the stated range) and rank them.
pub fn fit(data: &Data, range: Option<(f64, f64)>) -> Result<FitReport, FitError> {
    let bad = |reason: String, hint: &str| FitError::Data {
        file: data.file.clone(),
        reason,
        hint: hint.into(),
    };
    let x = &data.values;
    let n = x.len();
    if n < MIN_POINTS {
        return Err(bad(
            format!("column {:?} has {n} numbers, fewer than {MIN_POINTS}", data.column),
            "fit needs at least 8 observations; with fewer, elicit a triple (min, most likely, max) instead",
        ));
    }
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (sorted[0], sorted[n - 1]);
    if min == max {
        return Err(bad(
            format!("column {:?} is constant ({})", data.column, num(min)),
            "a constant is written { dist = \"fixed\", value = ... }; nothing to fit",
        ));
    }
    if let Some((lo, hi)) = range
        && !(lo < hi && lo <= min && max <= hi)
    {
        return Err(bad(
            format!(
                "--range {},{} does not hold the data ({} to {})",
                num(lo),
                num(hi),
                num(min),
                num(max)
            ),
            "state a range LO,HI with LO < HI that contains every observation",
        ));
    }

    let m = x.iter().sum::<f64>() / n as f64;
    let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let mut fitted: Vec<Fitted> = Vec::new();
    let mut skipped = Vec::new();
    let mut skip = |family: &str, reason: String| {
        skipped.push(Skipped {
            family: family.into(),
            reason,
        })
    };
    fitted.extend(families::normal(x));
    if min > 0.0 {
        for (name, f) in [
            ("lognormal", families::lognormal as fn(&[f64]) -> Option<Fitted>),
            ("gamma", families::gamma),
            ("weibull", families::weibull),
        ] {
            match f(x) {
                Some(r) => fitted.push(r),
                None => skip(name, "the fit did not converge".into()),
            }
        }
    } else {
        for name in ["lognormal", "gamma", "weibull"] {
            skip(name, format!("positive support, and the data has {} ≤ 0", num(min)));
        }
    }
    match range {
        Some((lo, hi)) => {
            fitted.extend(families::truncated_normal(x, lo, hi));
            if lo < min && max < hi {
                fitted.extend(families::beta(x, lo, hi));
                fitted.extend(families::pert_ml(x, lo, hi));
                fitted.extend(families::pert_moments(x, lo, hi));
            } else {
                for name in ["beta", "pert_ml", "pert_moments"] {
                    skip(
                        name,
                        "an observation lies on the stated range's bound, where the density may be 0; widen --range"
                            .into(),
                    );
                }
            }
        }
        None => {
            for name in ["truncated_normal", "beta", "pert_ml", "pert_moments"] {
                skip(name, "needs a stated range: --range LO,HI".into());
            }
        }
    }
    let mut fits: Vec<FamilyFit> = fitted
        .into_iter()
        .filter(|f| f.log_likelihood.is_finite())
        .map(|f| {
            let (ks, ad) = ks_ad(&sorted, &f.cdf);
            let mut ff = FamilyFit {
                family: f.family.into(),
                params: f.params.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
                k: f.k,
                log_likelihood: f.log_likelihood,
                aic: 2.0 * f.k as f64 - 2.0 * f.log_likelihood,
                bic: f.k as f64 * (n as f64).ln() - 2.0 * f.log_likelihood,
                ks,
                ad,
                toml: None,
            };
            ff.toml = spec(&ff).map(|(d, p)| inline(d, &p));
            ff
        })
        .collect();
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic).then(a.bic.total_cmp(&b.bic)));
    let mut notes = Vec::new();
    if data.blanks > 0 {
        notes.push(format!("{} blank cells left out", data.blanks));
    }
    // The snippet: the best fit the scenario can use. A normal is refused by every field
    // (docs/distributions.md), so it is written as a normal truncated at 0 for positive data.
    let usable = fits.iter().find(|f| f.family != "normal" && f.toml.is_some());
    if fits[0].toml.is_none() || fits[0].family == "normal" {
        notes.push(format!(
            "{} ranks first: every scenario field refuses `normal` (unbounded); the snippet is the best family a scenario can use",
            fits[0].family,
        ));
    }
    let (best, dist, params) = match usable {
        Some(f) => {
            let (d, p) = spec(f).expect("usable");
            (f.family.clone(), d, p)
        }
        None => {
            let nf = fits.iter().find(|f| f.family == "normal").expect("normal fits");
            let p = |k: &str| {
                nf.params
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| *v)
                    .unwrap_or(f64::NAN)
            };
            let mut params = vec![("mean", p("mean")), ("sd", p("sd"))];
            if min >= 0.0 {
                params.push(("min", 0.0));
                notes.push("the normal is written truncated at 0; state --range for a fitted truncated normal".into());
            } else {
                params.push(("min", min - 3.0 * sd));
                params.push(("max", max + 3.0 * sd));
                notes.push("the normal is written truncated at the data's range ± 3 sd; state --range for a fitted truncated normal".into());
            }
            ("normal".into(), "truncated_normal", params)
        }
    };
    let toml = format!(
        "# fitted to {} column {:?}, n = {n}\nfield = {}",
        data.file,
        data.column,
        inline(dist, &params)
    );
    let mut xlsx_row = vec![("Fördelning".to_string(), dist.to_string())];
    xlsx_row.extend(params.iter().map(|(k, v)| (k.to_string(), num(*v))));
    xlsx_row.push((
        "Källa".into(),
        format!("anpassad till {} ({}, n = {n}), riskkalkyl fit", data.file, data.column),
    ));
    let obs: Vec<String> = sorted.iter().map(|v| num(*v)).collect();
    Ok(FitReport {
        file: data.file.clone(),
        column: data.column.clone(),
        blanks: data.blanks,
        range,
        summary: Summary {
            n,
            mean: m,
            sd,
            min,
            max,
        },
        fits,
        skipped,
        best,
        toml,
        xlsx_row,
        notes,
        empirical_toml: format!("{{ dist = \"empirical\", observations = [{}] }}", obs.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(v: Vec<f64>) -> Data {
        Data {
            file: "t.csv".into(),
            column: "x".into(),
            values: v,
            blanks: 0,
        }
    }

    #[test]
    fn ks_and_ad_match_closed_forms_on_a_uniform_grid() {
        // Points at (i − 1/2)/n under the uniform CDF: D = 1/(2n) exactly, and
        // A² = −n − (1/n) Σ (2i−1)(ln uᵢ + ln(1 − u_{n+1−i})) with uᵢ = (i − ½)/n.
        let n = 20;
        let x: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let (d, a) = ks_ad(&x, &|v| v);
        assert!((d - 0.5 / n as f64).abs() < 1e-15);
        let mut s = 0.0;
        for i in 0..n {
            s += (2.0 * i as f64 + 1.0) * (x[i].ln() + (1.0 - x[n - 1 - i]).ln());
        }
        assert!((a - (-(n as f64) - s / n as f64)).abs() < 1e-12);
        assert!(a < 0.2, "a grid fits the uniform well: {a}");
    }

    #[test]
    fn refuses_too_few_constant_and_out_of_range_data() {
        assert!(
            fit(&data(vec![1.0; 5]), None)
                .unwrap_err()
                .to_string()
                .contains("fewer than 8")
        );
        assert!(
            fit(&data(vec![2.0; 10]), None)
                .unwrap_err()
                .to_string()
                .contains("constant")
        );
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!(
            fit(&data(v), Some((2.0, 20.0)))
                .unwrap_err()
                .to_string()
                .contains("does not hold")
        );
    }

    #[test]
    fn negative_data_skips_positive_families() {
        let v: Vec<f64> = (0..20).map(|i| f64::from(i) - 5.0).collect();
        let r = fit(&data(v), None).unwrap();
        assert_eq!(r.fits.len(), 1);
        assert!(
            r.skipped
                .iter()
                .any(|s| s.family == "gamma" && s.reason.contains("positive"))
        );
        assert!(r.toml.contains("truncated_normal"));
    }

    #[test]
    fn every_snippet_parses_and_validates_as_a_scenario_distribution() {
        #[derive(serde::Deserialize)]
        struct One {
            field: sim::DistSpec,
        }
        // Skewed positive data on a range: every family, and PERT's snippets, are fitted.
        let v: Vec<f64> = (1..=40).map(|i| 2.0 + (f64::from(i) / 41.0).powi(2) * 20.0).collect();
        let r = fit(&data(v), Some((0.0, 30.0))).unwrap();
        assert_eq!(r.fits.len(), 8, "{:?}", r.skipped);
        let mut texts: Vec<String> = r.fits.iter().filter_map(|f| f.toml.clone()).collect();
        texts.push(r.empirical_toml.clone());
        texts.push(
            r.toml
                .lines()
                .last()
                .unwrap()
                .trim_start_matches("field = ")
                .to_string(),
        );
        let mut kinds = Vec::new();
        for t in texts {
            let one: One = toml::from_str(&format!("field = {t}")).unwrap_or_else(|e| panic!("{t}: {e}"));
            sim::dist::Input::new(&one.field).unwrap_or_else(|e| panic!("{t}: {e}"));
            kinds.push(
                serde_json::to_value(&one.field).unwrap()["dist"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
        // Each family's snippet is its own kind: gamma and Weibull are no longer replaced.
        for k in ["gamma", "weibull", "lognormal", "beta", "pert", "truncated_normal"] {
            assert!(kinds.iter().any(|x| x == k), "no {k} snippet: {kinds:?}");
        }
    }

    #[test]
    fn a_gamma_or_weibull_that_ranks_first_is_its_own_snippet() {
        // Weibull quantiles (shape 1.5, scale 10) at (i − 0.5)/60: Weibull data, and whichever
        // of the positive families ranks first is the snippet, with the fitted parameters.
        let v: Vec<f64> = (1..=60)
            .map(|i| 10.0 * (-(1.0 - (f64::from(i) - 0.5) / 60.0).ln()).powf(1.0 / 1.5))
            .collect();
        let r = fit(&data(v), None).unwrap();
        let first = &r.fits[0];
        assert!(["gamma", "weibull"].contains(&first.family.as_str()), "{:?}", r.fits);
        assert_eq!(r.best, first.family);
        let line = r.toml.lines().last().unwrap();
        assert_eq!(Some(line.trim_start_matches("field = ")), first.toml.as_deref());
        assert!(
            line.contains(&format!("dist = \"{}\", shape = ", first.family)),
            "{line}"
        );
        assert!(!r.notes.iter().any(|n| n.contains("no scenario kind")), "{:?}", r.notes);
        let spec: sim::DistSpec = toml::from_str::<toml::Value>(line).unwrap()["field"]
            .clone()
            .try_into()
            .unwrap();
        sim::dist::Input::new(&spec).unwrap();
    }

    #[test]
    fn snippet_numbers() {
        assert_eq!(num(6.0), "6.0");
        assert_eq!(num(0.000123456789), "0.000123457");
        assert_eq!(num(12345.678), "12345.7");
    }
}
