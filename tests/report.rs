//! The board report (`riskkalkyl report`), run as a user runs it: its numbers against
//! summary.json of `run` with the same seed, its files, and the page in headless Chromium.

use assert_cmd::Command;
use std::path::Path;

const RUNS: &str = "20000";
const SEED: &str = "11";

fn riskkalkyl() -> Command {
    Command::cargo_bin("riskkalkyl").unwrap()
}

fn report_to(dir: &Path, lang: &str) {
    riskkalkyl()
        .args([
            "report",
            "--runs",
            RUNS,
            "--seed",
            SEED,
            "--quiet",
            "--lang",
            lang,
            "--analysis-runs",
            "2000",
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
}

/// The value at a dotted path ("kommuner.1.net_benefit_npv.p50") of a JSON document.
fn at<'a>(v: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    path.split('.').fold(v, |v, seg| match seg.parse::<usize>() {
        Ok(i) => &v[i],
        Err(_) => &v[seg],
    })
}

/// Every `data-key="K" data-value="V"` pair of the page.
fn tagged_numbers(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("data-key=\"") {
        rest = &rest[i + 10..];
        let key = &rest[..rest.find('"').unwrap()];
        let j = rest.find("data-value=\"").unwrap();
        let tail = &rest[j + 12..];
        let value = &tail[..tail.find('"').unwrap()];
        out.push((key.to_string(), value.to_string()));
    }
    out
}

#[test]
fn report_numbers_equal_summary_json_of_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let run_dir = tmp.path().join("run");
    riskkalkyl()
        .args(["run", "--runs", RUNS, "--seed", SEED, "--quiet", "--out"])
        .arg(&run_dir)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).unwrap()).unwrap();
    let rep = tmp.path().join("rapport");
    report_to(&rep, "sv");
    let html = std::fs::read_to_string(rep.join("rapport.html")).unwrap();
    let tagged = tagged_numbers(&html);
    assert!(tagged.len() >= 40, "only {} tagged numbers", tagged.len());
    for (key, value) in &tagged {
        let want = at(&summary, key);
        if value == "null" {
            assert!(want.is_null(), "{key}: page says none, summary.json {want}");
            continue;
        }
        let got: f64 = value.parse().unwrap();
        let want = want.as_f64().unwrap_or_else(|| panic!("{key} is not in summary.json"));
        assert_eq!(got, want, "{key}");
    }
    // The shown (rounded half away from zero, Swedish) text of a few cells, and the same in
    // summary.md. Quantiles are dyadic, so ×10 is exact and f64::round is the reader's rule.
    let g = &summary["kommuner"][0]["net_benefit_npv"]["p50"].as_f64().unwrap();
    let shown = format!("{:.1}", (g * 10.0).round() / 10.0).replace('.', ",");
    assert!(html.contains(&format!("data-value=\"{g}\">{shown}</td>")), "{shown}");
    let md = std::fs::read_to_string(rep.join("summary.md")).unwrap();
    // P(cost > the estimate) = hits / runs; in tenths of a percent, rounded half up, with integers.
    let runs: u64 = RUNS.parse().unwrap();
    let hits = (summary["prob_cost_above_estimate"].as_f64().unwrap() * runs as f64).round() as u64;
    let tenths = (hits * 2000 + runs) / (2 * runs);
    let p = format!("{},{} %", tenths / 10, tenths % 10);
    assert!(md.contains(&p), "{p} not in {md}");
    assert!(md.contains(&format!("| Gislaved | {shown} |")), "{md}");
}

#[test]
fn report_writes_every_file_and_swedish_text() {
    let tmp = tempfile::tempdir().unwrap();
    report_to(tmp.path(), "sv");
    let charts = tmp.path().join("charts");
    let mut names: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for stem in [
        "netto_per_ar_gislaved",
        "netto_per_ar_varnamo",
        "ackumulerat_gnosjo",
        "nuvarde_vaggeryd",
        "nuvarde_ggvv",
        "etableringskostnad",
        "fordelningsnycklar",
        "tornado",
    ] {
        for ext in ["svg", "png"] {
            let f = format!("{stem}.{ext}");
            assert!(names.contains(&f), "{f} missing from {names:?}");
        }
    }
    // PNGs are real images of the stated size; SVGs carry their Swedish text.
    let png = std::fs::read(charts.join("tornado.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(charts.join("nuvarde_varnamo.svg")).unwrap();
    assert!(svg.contains("Värnamo: hur troligt är en nettoförlust?"), "{svg}");
    let html = std::fs::read_to_string(tmp.path().join("rapport.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"sv\">"));
    assert_eq!(html.matches("<svg").count(), names.len() / 2);
    // Self-contained: no scripts, no external resources.
    for bad in ["<script", "http://", "https://", "<link", "@import", "<img"] {
        let n = html.matches(bad).count();
        let xmlns = html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        assert!(
            n == 0 || (bad == "http://" && n == xmlns),
            "rapport.html has {n} × {bad}"
        );
    }
    assert!(html.contains("Med 80\u{a0}% sannolikhet blir engångskostnaden"));
    // The decision analyses of the default scenario are in the report.
    for id in [
        "vardeavinformation",
        "nycklar",
        "organisationsform",
        "datacenter",
        "medlemskap",
        "handlingsalternativ",
        "riskregister",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id} missing");
    }
    let register = html
        .split("<section id=\"riskregister\">")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    // A header row and Atea's nine areas (seed 004).
    assert_eq!(register.matches("<tr>").count(), 10, "{register}");
    assert!(register.contains("Styrning och beslutsfattande") && register.contains("Förändringstakt"));
    let xlsx = std::fs::read(tmp.path().join("riskkalkyl.xlsx")).unwrap();
    assert_eq!(&xlsx[..2], b"PK");
}

#[test]
fn english_report() {
    let tmp = tempfile::tempdir().unwrap();
    report_to(tmp.path(), "en");
    let md = std::fs::read_to_string(tmp.path().join("summary.md")).unwrap();
    assert!(
        md.contains("With 80% probability the one-off establishment cost"),
        "{md}"
    );
    assert!(md.contains("MSEK"));
}

#[test]
fn report_refuses_bad_input_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    riskkalkyl()
        .args(["report", "--runs", "100", "--budget-msek", "-3", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(!out.join("rapport.html").exists());
    riskkalkyl()
        .args(["report", "--lang", "de", "--out"])
        .arg(&out)
        .assert()
        .code(2);
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Render the page in headless Chromium: a harness page loads the report in a frame, checks
/// every chart has drawn at a real size and no image is broken, and writes what it found
/// into its own DOM, which Chromium prints.
#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!("note: chromium is not installed; skipping the rendering test (.ci/run installs it)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    report_to(tmp.path(), "sv");
    let harness = tmp.path().join("harness.html");
    std::fs::write(
        &harness,
        r#"<!DOCTYPE html><html><body><iframe id="f" src="rapport.html" style="width:900px;height:1200px"></iframe>
<pre id="out">pending</pre>
<script>
window.addEventListener('load', function () {
  var d = document.getElementById('f').contentDocument;
  var svgs = d.querySelectorAll('figure svg');
  var drawn = 0;
  svgs.forEach(function (s) { var r = s.getBoundingClientRect(); if (r.width > 300 && r.height > 100) drawn++; });
  var imgs = d.querySelectorAll('img');
  var broken = 0;
  imgs.forEach(function (i) { if (!i.complete || i.naturalWidth === 0) broken++; });
  var texts = d.querySelectorAll('figure svg text').length;
  document.getElementById('out').textContent =
    'figures=' + d.querySelectorAll('figure').length + ' drawn=' + drawn + ' broken=' + broken +
    ' texts=' + texts + ' title=' + d.title;
});
</script></body></html>"#,
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", harness.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let line = dom.lines().find(|l| l.contains("figures=")).unwrap_or_else(|| {
        panic!(
            "no result from chromium: {dom}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let field = |name: &str| -> usize {
        line.split(|c: char| c.is_whitespace() || c == '>' || c == '<')
            .find_map(|w| w.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing in {line}"))
    };
    let charts = std::fs::read_dir(tmp.path().join("charts")).unwrap().count() / 2;
    assert_eq!(field("figures"), charts, "{line}");
    assert_eq!(field("drawn"), charts, "{line}");
    assert_eq!(field("broken"), 0, "{line}");
    assert!(field("texts") > 20 * charts, "{line}");
    assert!(line.contains("risk och nytta"), "{line}");
    // And it prints to a PDF.
    let pdf = tmp.path().join("r.pdf");
    let profile = tempfile::tempdir().unwrap();
    let st = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", tmp.path().join("rapport.html").display()))
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // With poppler-utils, the first A4 page as a picture: it must not be blank.
    let page = tmp.path().join("page");
    match std::process::Command::new("pdftoppm")
        .args(["-r", "30", "-f", "1", "-l", "1", "-gray", "-png"])
        .arg(&pdf)
        .arg(&page)
        .output()
    {
        Ok(o) if o.status.success() => {
            let png = std::fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
                .expect("pdftoppm wrote the page");
            let size = std::fs::metadata(&png).unwrap().len();
            // A blank grey page compresses to well under a kilobyte.
            assert!(size > 4000, "page 1 looks blank ({size} bytes)");
        }
        _ => eprintln!("note: pdftoppm (poppler-utils) not installed; PDF page not inspected"),
    }
}

/// The total's label comes from the scenario's `meta.total_label`: summary.json, yearly.csv,
/// the samples header and the report's total row all carry it, and the default prints no
/// such line in `scenario show`.
#[test]
fn the_total_is_labelled_by_the_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let shown = riskkalkyl().args(["scenario", "show"]).output().unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(!text.contains("total_label"), "the default label is not written out");
    let labelled = text.replacen("[meta]\n", "[meta]\ntotal_label = \"Höglandet\"\n", 1);
    assert_ne!(labelled, text, "the scenario has a [meta] section");
    let scenario = tmp.path().join("hoglandet.toml");
    std::fs::write(&scenario, labelled).unwrap();
    let run = tmp.path().join("run");
    let samples = tmp.path().join("samples.csv");
    riskkalkyl()
        .arg("--scenario")
        .arg(&scenario)
        .args(["run", "--runs", "4096", "--seed", "3", "--quiet", "--out"])
        .arg(&run)
        .arg("--samples")
        .arg(&samples)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["total"]["name"], "Höglandet");
    let yearly = std::fs::read_to_string(run.join("yearly.csv")).unwrap();
    assert!(yearly.lines().any(|l| l.starts_with("Höglandet,")));
    assert!(!yearly.contains("GGVV"));
    let header = std::fs::read_to_string(&samples).unwrap();
    assert!(header.lines().next().unwrap().ends_with(",npv_msek_Höglandet"));
    let report = tmp.path().join("report");
    riskkalkyl()
        .arg("--scenario")
        .arg(&scenario)
        .args([
            "report",
            "--runs",
            "4096",
            "--seed",
            "3",
            "--analysis-runs",
            "0",
            "--quiet",
            "--out",
        ])
        .arg(&report)
        .assert()
        .success();
    let md = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(md.contains("Höglandet totalt"), "{md}");
}
