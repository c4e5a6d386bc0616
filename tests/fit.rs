//! `riskkalkyl fit`: parameters and AIC ranking against scipy's `stats.X.fit` on the same file
//! (skipped without python3 and scipy, unless RISKKALKYL_SCIPY_REQUIRED=1, which .ci/run sets
//! once scipy is installed), against closed forms without Python, and the refusals.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use statrs::distribution::{Continuous, ContinuousCDF, Gamma, LogNormal, Normal};

fn bin() -> Command {
    Command::cargo_bin("riskkalkyl").expect("the binary")
}

/// `n` draws of `d` by inversion of a seeded splitmix64 stream.
fn draws(d: &dyn ContinuousCDF<f64, f64>, n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            d.inverse_cdf(((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64)
        })
        .collect()
}

fn write_csv(path: &Path, head: &str, x: &[f64]) {
    let mut s = format!("{head}\n");
    for v in x {
        s.push_str(&format!("{v:.17e}\n"));
    }
    std::fs::write(path, s).unwrap();
}

fn fit_json(args: &[&str]) -> Value {
    let out = bin().arg("fit").args(args).arg("--json").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn family<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == name)
        .unwrap_or_else(|| panic!("no {name} in {j}"))
}

fn param(f: &Value, name: &str) -> f64 {
    f["params"].as_array().unwrap().iter().find(|p| p[0] == name).unwrap()[1]
        .as_f64()
        .unwrap()
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * b.abs().max(1e-12),
        "{what}: riskkalkyl {a} vs {b}"
    );
}

const SCIPY: &str = r#"
import json, sys
import numpy as np
from scipy import stats
x = np.loadtxt(sys.argv[1], skiprows=1)
lo, hi = float(sys.argv[2]), float(sys.argv[3])
out = {}
def put(name, d, kw, names):
    p = d.fit(x, **kw)
    ll = float(d.logpdf(x, *p).sum())
    out[name] = dict(params=[float(v) for v in p], names=names, aic=2 * 2 - 2 * ll)
put("normal", stats.norm, {}, ["mean", "sd"])
put("lognormal", stats.lognorm, dict(floc=0), ["sigma", "loc", "scale"])
put("gamma", stats.gamma, dict(floc=0), ["shape", "loc", "scale"])
put("weibull", stats.weibull_min, dict(floc=0), ["shape", "loc", "scale"])
put("beta", stats.beta, dict(floc=lo, fscale=hi - lo), ["alpha", "beta", "loc", "scale"])
print(json.dumps(out))
"#;

#[test]
fn parameters_and_aic_ranking_agree_with_scipy() {
    let have = Command::new("python3")
        .args(["-c", "import scipy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("RISKKALKYL_SCIPY_REQUIRED").is_none(),
            "RISKKALKYL_SCIPY_REQUIRED is set but python3 cannot import scipy"
        );
        eprintln!("skipped: python3 with scipy is not available (pip install scipy)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("overrun.csv");
    // Gamma(3, scale 2): gamma, Weibull, beta on [0, 40] close, normal far behind.
    write_csv(&csv, "overrun_msek", &draws(&Gamma::new(3.0, 0.5).unwrap(), 300, 25));
    let j = fit_json(&[csv.to_str().unwrap(), "--range", "0,40"]);
    let py = Command::new("python3")
        .args(["-c", SCIPY, csv.to_str().unwrap(), "0", "40"])
        .output()
        .unwrap();
    assert!(py.status.success(), "{}", String::from_utf8_lossy(&py.stderr));
    let s: Value = serde_json::from_slice(&py.stdout).unwrap();
    let sp = |f: &str, i: usize| s[f]["params"][i].as_f64().unwrap();
    let rel = 1e-4;
    close(param(family(&j, "normal"), "mean"), sp("normal", 0), rel, "normal mean");
    close(param(family(&j, "normal"), "sd"), sp("normal", 1), rel, "normal sd");
    close(
        param(family(&j, "lognormal"), "sigma"),
        sp("lognormal", 0),
        rel,
        "lognormal sigma",
    );
    close(
        param(family(&j, "lognormal"), "mu").exp(),
        sp("lognormal", 2),
        rel,
        "lognormal scale",
    );
    for f in ["gamma", "weibull"] {
        close(param(family(&j, f), "shape"), sp(f, 0), rel, &format!("{f} shape"));
        close(param(family(&j, f), "scale"), sp(f, 2), rel, &format!("{f} scale"));
    }
    close(param(family(&j, "beta"), "alpha"), sp("beta", 0), rel, "beta alpha");
    close(param(family(&j, "beta"), "beta"), sp("beta", 1), rel, "beta beta");
    let names = ["normal", "lognormal", "gamma", "weibull", "beta"];
    for f in names {
        close(
            family(&j, f)["aic"].as_f64().unwrap(),
            s[f]["aic"].as_f64().unwrap(),
            1e-6,
            &format!("{f} AIC"),
        );
    }
    // Same ranking of the families both fit.
    let ours: Vec<&str> = j["fits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["family"].as_str())
        .filter(|f| names.contains(f))
        .collect();
    let mut theirs = names.to_vec();
    theirs.sort_by(|a, b| s[a]["aic"].as_f64().unwrap().total_cmp(&s[b]["aic"].as_f64().unwrap()));
    assert_eq!(ours, theirs);
    assert_ne!(ours[0], "normal", "gamma data: a skewed family wins");
}

#[test]
fn normal_and_lognormal_match_the_closed_form_mles_and_their_aic() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("pris.csv");
    let x = draws(&LogNormal::new(1.5, 0.4).unwrap(), 120, 7);
    // Two columns, the second chosen by name, ;-separated with decimal commas (Swedish Excel).
    let mut s = String::from("år;pris_kr\n");
    for (i, v) in x.iter().enumerate() {
        s.push_str(&format!("{};{}\n", 2000 + i, format!("{v:.17e}").replace('.', ",")));
    }
    std::fs::write(&csv, s).unwrap();
    let j = fit_json(&[csv.to_str().unwrap(), "--column", "pris_kr"]);
    let n = x.len() as f64;
    let l: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let mu = l.iter().sum::<f64>() / n;
    let sigma = (l.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / n).sqrt();
    let ln = family(&j, "lognormal");
    close(param(ln, "mu"), mu, 1e-12, "mu");
    close(param(ln, "sigma"), sigma, 1e-12, "sigma");
    let ll: f64 = x.iter().map(|&v| LogNormal::new(mu, sigma).unwrap().ln_pdf(v)).sum();
    close(ln["aic"].as_f64().unwrap(), 4.0 - 2.0 * ll, 1e-10, "lognormal AIC");
    close(
        ln["bic"].as_f64().unwrap(),
        2.0 * n.ln() - 2.0 * ll,
        1e-10,
        "lognormal BIC",
    );
    let m = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt();
    let nf = family(&j, "normal");
    close(param(nf, "mean"), m, 1e-12, "mean");
    close(param(nf, "sd"), sd, 1e-12, "sd");
    // KS D of the normal fit, by its definition, against statrs's CDF.
    let mut xs = x.clone();
    xs.sort_by(f64::total_cmp);
    let d = Normal::new(m, sd).unwrap();
    let ks = xs.iter().enumerate().fold(0.0_f64, |a, (i, &v)| {
        let f = d.cdf(v);
        a.max((i as f64 + 1.0) / n - f).max(f - i as f64 / n)
    });
    close(nf["ks"].as_f64().unwrap(), ks, 1e-12, "KS");
    assert_eq!(j["fits"][0]["family"], "lognormal", "lognormal data: {}", j["fits"]);
    // The snippet is in the scenario syntax: mean and sd of the variable.
    let toml = j["toml"].as_str().unwrap();
    assert!(toml.contains("dist = \"lognormal\", mean = "), "{toml}");
}

#[test]
fn refuses_data_it_cannot_fit_with_exit_2_and_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let out = bin().arg("fit").arg(&p).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            p.display().to_string(),
        )
    };
    let (code, err, p) = f("few.csv", "x\n1\n2\n3\n");
    assert_eq!(code, Some(2));
    assert!(err.contains(&p) && err.contains("fewer than 8"), "{err}");
    let (code, err, p) = f("text.csv", "x\n1\n2\n3\nfyra\n5\n6\n7\n8\n9\n");
    assert_eq!(code, Some(2));
    assert!(err.contains(&format!("{p}:5:1")) && err.contains("\"fyra\""), "{err}");
    let (code, err, _) = f("const.csv", &format!("x\n{}", "4.5\n".repeat(12)));
    assert_eq!(code, Some(2));
    assert!(err.contains("constant"), "{err}");
    let (code, err, _) = f("two.csv", "a,b\n1,2\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("--column"), "{err}");
    // Negative data: the positive families are skipped with a note, the rest fitted.
    let p = dir.path().join("neg.csv");
    write_csv(&p, "saving_pct", &draws(&Normal::new(1.0, 3.0).unwrap(), 40, 3));
    let j = fit_json(&[p.to_str().unwrap()]);
    assert!(
        j["skipped"].as_array().unwrap().iter().any(|s| s["family"] == "gamma"),
        "{j}"
    );
    assert!(j["toml"].as_str().unwrap().contains("truncated_normal"), "{j}");
}
