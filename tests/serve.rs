//! `riskkalkyl serve` over loopback: every endpoint, bad input, the Host check, cancellation,
//! and the round trip: the saved scenario under `riskkalkyl run` gives the page's figures.

mod serve_common;

use assert_cmd::Command;
use serde_json::{Value, json};
use serve_common::{Server, request};

fn server() -> Server {
    Server::start(&["serve", "--port", "0"])
}

/// A state that moves the migration item's maximum and puts every period on the users key.
fn edited(runs: u64, seed: u64) -> Value {
    json!({
        "runs": runs,
        "seed": seed,
        "edits": [{ "path": "establishment.one_off[0].amount_msek.max", "value": 9.0 }],
        "choices": { "key": "users" },
    })
}

#[test]
fn the_page_and_its_files_are_served_from_the_binary() {
    let s = server();
    let r = s.get("/");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(
        html.contains("<html lang=\"sv\">") && html.contains("/assets/app.js"),
        "{html}"
    );
    assert!(r.header("content-security-policy").is_some());
    for (path, needle) in [
        ("/assets/app.js", "/api/simulate"),
        ("/assets/app.css", "fieldset"),
        ("/assets/uPlot.iife.min.js", "uPlot"),
        ("/assets/uPlot.min.css", ".uplot"),
        ("/assets/uPlot-LICENSE.txt", "MIT License"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.text().contains(needle), "{path}");
    }
    assert_eq!(s.get("/assets/../Cargo.toml").status, 404);
    assert_eq!(s.get("/assets/secret.txt").status, 404);
    let en = Server::start(&["serve", "--port", "0", "--lang", "en"]);
    assert!(en.get("/").text().contains("<html lang=\"en\">"));
    assert_eq!(en.get("/api/form").json()["lang"], "en");
}

#[test]
fn the_form_has_every_registry_input_in_its_group_and_the_choices() {
    let s = server();
    let f = s.get("/api/form").json();
    let scenario = models::Scenario::default_ggvv();
    let paths: Vec<String> = f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["inputs"].as_array().unwrap().iter())
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    let mut want: Vec<String> = scenario.input_ids().iter().map(|id| id.path()).collect();
    let mut got = paths.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "every uncertain input, once");
    // Grouped as the registry groups them, with its Swedish labels.
    for g in f["groups"].as_array().unwrap() {
        for i in g["inputs"].as_array().unwrap() {
            let id = scenario.input_id(i["path"].as_str().unwrap()).unwrap();
            assert_eq!(g["label"], id.group(&scenario).label(&scenario).sv);
            assert_eq!(i["label"], id.label(&scenario).sv);
        }
    }
    assert!(f["keys"].as_array().unwrap().iter().any(|k| k == "users"));
    // Each key named for a reader, in the keys' order.
    let (keys, labels) = (f["keys"].as_array().unwrap(), f["key_labels"].as_array().unwrap());
    assert_eq!(keys.len(), labels.len());
    let users = keys.iter().position(|k| k == "users").unwrap();
    assert_eq!(labels[users], "Andel av totalt antal användare (nov. 2025)");
    assert!(!f["alternatives"].as_array().unwrap().is_empty());
    assert_eq!(f["discount_rate_pct"], scenario.finance.discount_rate_pct);
    let reference = models::Model::new(&scenario).unwrap().reference_estimate_msek();
    assert_eq!(f["reference_msek"].as_f64().unwrap(), reference);
}

#[test]
fn a_saved_scenario_under_run_gives_exactly_the_pages_figures() {
    let s = server();
    let (runs, seed) = (5000, 7);
    let state = edited(runs, seed);
    let page = s.post_json("/api/simulate", &state);
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    let saved = s.post_json("/api/save", &state);
    assert_eq!(saved.status, 200);
    assert!(saved.header("content-disposition").unwrap().contains("scenario.toml"));
    let text = saved.text();
    assert!(text.starts_with("# Saved from the what-if page"), "{text}");
    assert!(
        text.contains("establishment.one_off[0].amount_msek.max: 2 -> 9"),
        "{text}"
    );
    assert!(text.contains("allocation: key \"users\""), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.toml");
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    run_command(Some(&file), runs, seed, &out).assert().success();
    let mut run: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // The run's manifest (build, scenario hash) is the file's provenance, not a figure the page
    // shows; every figure must agree.
    run.as_object_mut().unwrap().remove("manifest");
    assert_eq!(
        page["summary"], run,
        "the page's summary is summary.json of the saved scenario"
    );
    // And the change is a change: against the opened scenario on the same seed.
    assert_ne!(page["summary"], page["base_summary"]);
    let base_out = dir.path().join("base");
    Command::cargo_bin("riskkalkyl")
        .unwrap()
        .args([
            "run",
            "--runs",
            &runs.to_string(),
            "--seed",
            &seed.to_string(),
            "--quiet",
            "--out",
        ])
        .arg(&base_out)
        .assert()
        .success();
    let mut base: Value =
        serde_json::from_str(&std::fs::read_to_string(base_out.join("summary.json")).unwrap()).unwrap();
    base.as_object_mut().unwrap().remove("manifest");
    assert_eq!(page["base_summary"], base);
    let k = page["changes"].as_array().unwrap();
    assert_eq!(k.len(), 5, "four kommuner and the total");
    let total = &k[4];
    let diff = page["summary"]["total"]["net_benefit_npv"]["mean"].as_f64().unwrap()
        - page["base_summary"]["total"]["net_benefit_npv"]["mean"]
            .as_f64()
            .unwrap();
    assert_eq!(total["mean_msek"].as_f64().unwrap(), diff);
    assert!(total["mean_se_msek"].as_f64().unwrap() > 0.0);
}

/// `riskkalkyl [--scenario F] run --runs N --seed S --quiet --out OUT`, as the page's figures
/// are checked against.
fn run_command(scenario: Option<&std::path::Path>, runs: u64, seed: u64, out: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("riskkalkyl").unwrap();
    if let Some(f) = scenario {
        cmd.arg("--scenario").arg(f);
    }
    cmd.args([
        "run",
        "--runs",
        &runs.to_string(),
        "--seed",
        &seed.to_string(),
        "--quiet",
        "--out",
    ])
    .arg(out);
    cmd
}

/// Per run, the NPV of each kommun and the total (the last five columns of `--samples`).
fn sampled_npv(
    scenario: Option<&std::path::Path>,
    runs: u64,
    seed: u64,
    dir: &std::path::Path,
    name: &str,
) -> Vec<Vec<f64>> {
    let csv = dir.join(format!("{name}.csv"));
    run_command(scenario, runs, seed, &dir.join(name))
        .arg("--samples")
        .arg(&csv)
        .args(["--samples-max", &runs.to_string()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let first = header
        .iter()
        .position(|h| h.trim_matches('"').starts_with("npv_msek_"))
        .unwrap();
    lines
        .map(|l| l.split(',').skip(first).map(|x| x.parse().unwrap()).collect())
        .collect()
}

#[test]
fn the_change_of_p_net_loss_carries_its_paired_standard_error() {
    let s = server();
    // Every run is in the paired pass (3 chunks): the page's SE is over the very runs of --samples.
    let (runs, seed) = (3 * 4096, 11);
    let state = json!({
        "runs": runs,
        "seed": seed,
        "edits": [{ "path": "establishment.one_off[0].amount_msek.max", "value": 30.0 }],
        "choices": { "key": "users" },
    });
    let page = s.post_json("/api/simulate", &state);
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    let text = s.post_json("/api/save", &state).text();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.toml");
    std::fs::write(&file, &text).unwrap();
    let a = sampled_npv(Some(&file), runs, seed, dir.path(), "edited");
    let b = sampled_npv(None, runs, seed, dir.path(), "base");
    assert_eq!((a.len(), b.len()), (runs as usize, runs as usize));
    let changes = page["changes"].as_array().unwrap();
    assert_eq!(changes.len(), a[0].len());
    let n = runs as f64;
    for (k, c) in changes.iter().enumerate() {
        // The independent computation: d_i = 1[loss edited] - 1[loss opened], SE = sqrt(var(d)/n).
        let d: Vec<f64> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| f64::from(u8::from(x[k] < 0.0)) - f64::from(u8::from(y[k] < 0.0)))
            .collect();
        let mean = d.iter().sum::<f64>() / n;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let want = (var / n).sqrt();
        let got = c["loss_se"].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-12 + 1e-9 * want,
            "kommun {k}: page {got}, from the samples {want}"
        );
        // The change itself is the difference of the two P(net loss) on the same runs.
        let pa = a.iter().filter(|x| x[k] < 0.0).count() as f64 / n;
        let pb = b.iter().filter(|x| x[k] < 0.0).count() as f64 / n;
        assert!((mean - (pa - pb)).abs() < 1e-12);
        if k == changes.len() - 1 {
            // Paired, not the unpaired sum of the two binomial variances.
            let unpaired = (pa * (1.0 - pa) / n + pb * (1.0 - pb) / n).sqrt();
            assert!(want > 0.0 && want < unpaired, "paired {want}, unpaired {unpaired}");
        }
    }
}

#[test]
fn a_state_with_nothing_changed_equals_the_opened_scenario_and_yearly_fans_come_on_demand() {
    let s = server();
    let r = s
        .post_json("/api/simulate", &json!({ "runs": 2000, "yearly": true }))
        .json();
    assert_eq!(r["summary"], r["base_summary"]);
    for c in r["changes"].as_array().unwrap() {
        assert_eq!(c["mean_msek"], 0.0);
        assert_eq!(
            c["mean_se_msek"], 0.0,
            "common random numbers: no noise in a zero change"
        );
    }
    let years = r["years"].as_array().unwrap().len();
    let fans = r["curves"]["yearly"].as_array().unwrap();
    assert_eq!(fans.len(), 5);
    for band in fans[0].as_array().unwrap() {
        assert_eq!(band.as_array().unwrap().len(), years);
    }
    let no = s.post_json("/api/simulate", &json!({ "runs": 2000 })).json();
    assert!(no["curves"].get("yearly").is_none());
    assert!(!r["drivers"].as_array().unwrap().is_empty());
}

#[test]
fn choices_an_alternative_the_data_centre_the_rate_and_the_reference_round_trip() {
    let s = server();
    let f = s.get("/api/form").json();
    let alt = f["alternatives"][0].as_str().unwrap();
    let state = json!({
        "runs": 3000,
        "choices": { "alternative": alt, "data_centre": "new", "discount_rate_pct": 4.0, "budget_msek": 40.0 },
    });
    let page = s.post_json("/api/simulate", &state);
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    assert_eq!(page["summary"]["discount_rate_pct"], 4.0);
    let text = s.post_json("/api/save", &state).text();
    let saved = models::Scenario::from_toml(&text, "saved.toml").unwrap();
    assert_eq!(saved.risk_register.as_ref().unwrap().data_centre, "new");
    assert!(saved.alternatives.is_empty(), "the alternative is applied, not listed");
    let default = models::Scenario::default_ggvv();
    let a = default.alternatives.iter().find(|a| a.name == alt).unwrap();
    assert_eq!(saved.savings_capture_pct, a.savings_capture_pct);
    // The reference figure is the alternative's: scaled with its establishment effort.
    assert_eq!(
        saved.establishment.reference_estimate_msek,
        Some(40.0 * (a.establishment_effort_pct / 100.0))
    );
}

#[test]
fn upload_goes_through_the_scenario_validation() {
    let s = server();
    let ok = request(
        &s.addr,
        "POST",
        "/api/upload",
        &s.addr,
        "text/plain",
        models::DEFAULT_SCENARIO.as_bytes(),
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["name"], "GGVV gemensam IT-drift");
    let bad = models::DEFAULT_SCENARIO.replacen(
        "min = 12.0, mode = 18.0, max = 24.0",
        "min = 12.0, mode = 28.0, max = 24.0",
        1,
    );
    let r = request(&s.addr, "POST", "/api/upload", &s.addr, "text/plain", bad.as_bytes());
    assert_eq!(r.status, 422);
    let e = &r.json()["error"];
    assert_eq!(e["path"], "establishment.phases[2].duration_months.mode");
    let cli = models::Scenario::from_toml(&bad, "<uploaded scenario>").unwrap_err();
    assert_eq!(e["message"], cli.to_string(), "the command line's own message");
    // An uploaded scenario is the base of a state.
    let mut text = models::DEFAULT_SCENARIO.to_string();
    text = text.replacen("discount_rate_pct = 2.5", "discount_rate_pct = 3.5", 1);
    let r = s
        .post_json("/api/simulate", &json!({ "runs": 1000, "base": text }))
        .json();
    // summary.json records the model's rate (3.5 % as the model computes it).
    let rate = r["summary"]["discount_rate_pct"].as_f64().unwrap();
    assert!((rate - 3.5).abs() < 1e-9, "{rate}");
    assert_eq!(
        r["base_summary"]["discount_rate_pct"],
        r["summary"]["discount_rate_pct"]
    );
    let r = request(
        &s.addr,
        "POST",
        "/api/upload",
        &s.addr,
        "text/plain",
        &[0xff, 0xfe, 0x00],
    );
    assert_eq!(r.status, 422);
}

#[test]
fn bad_input_is_refused_with_the_field_path_and_the_server_keeps_serving() {
    let s = server();
    let refused = |body: Value, path: &str| {
        for endpoint in ["/api/simulate", "/api/save", "/api/report"] {
            let r = s.post_json(endpoint, &body);
            assert_eq!(r.status, 422, "{endpoint} {body}: {}", r.text());
            let e = &r.json()["error"];
            assert_eq!(e["path"], path, "{endpoint} {body}");
            assert!(!e["hint"].as_str().unwrap().is_empty());
        }
    };
    let max =
        |v: f64| json!({ "runs": 1000, "edits": [{ "path": "establishment.one_off[0].amount_msek.max", "value": v }] });
    refused(max(-5.0), "establishment.one_off[0].amount_msek.max");
    refused(
        json!({ "runs": 1000, "edits": [{ "path": "savings[1].rate_pct.max", "value": 150.0 }] }),
        "savings[1].rate_pct",
    );
    refused(
        json!({ "runs": 1000, "edits": [{ "path": "meta.name", "value": 1.0 }] }),
        "meta.name",
    );
    refused(json!({ "runs": 0 }), "runs");
    refused(json!({ "runs": 1_000_001 }), "runs");
    refused(json!({ "runs": 10, "choices": { "key": "nope" } }), "choices.key");
    refused(
        json!({ "runs": 10, "choices": { "alternative": "nope" } }),
        "choices.alternative",
    );
    refused(
        json!({ "runs": 10, "choices": { "data_centre": "cloud" } }),
        "choices.data_centre",
    );
    refused(
        json!({ "runs": 10, "choices": { "discount_rate_pct": 500.0 } }),
        "finance.discount_rate_pct",
    );
    refused(
        json!({ "runs": 10, "choices": { "budget_msek": -1.0 } }),
        "establishment.reference_estimate_msek",
    );
    refused(json!({ "runs": 10, "surprise": 1 }), "(request)");
    refused(json!({ "runs": 10, "base": "not toml [" }), "(syntax)");
    let r = s.post("/api/simulate", "{ not json");
    assert_eq!(r.status, 422);
    // Too large a body is refused before it is read.
    let big = format!(
        "{{\"runs\": 10, \"base\": \"{}\"}}",
        "x".repeat(web::MAX_BODY_BYTES + 10)
    );
    assert_eq!(s.post("/api/simulate", &big).status, 413);
    assert_eq!(s.get("/api/simulate").status, 405);
    // Still serving.
    assert_eq!(s.get("/api/form").status, 200);
    let ok = s.post_json("/api/simulate", &json!({ "runs": 1000 }));
    assert_eq!(ok.status, 200);
}

#[test]
fn another_host_is_refused_against_dns_rebinding() {
    let s = server();
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    for host in ["evil.example", &format!("evil.example:{port}"), "127.0.0.1:1"] {
        let r = request(&s.addr, "GET", "/api/form", host, "", &[]);
        assert_eq!(r.status, 403, "{host}");
        let r = request(
            &s.addr,
            "POST",
            "/api/simulate",
            host,
            "application/json",
            b"{\"runs\":10}",
        );
        assert_eq!(r.status, 403, "{host}");
    }
    let r = request(&s.addr, "GET", "/api/form", &format!("localhost:{port}"), "", &[]);
    assert_eq!(r.status, 200);
}

#[test]
fn a_newer_state_on_the_same_lane_cancels_the_stale_computation() {
    let s = server();
    let addr = s.addr.clone();
    let slow = std::thread::spawn(move || {
        let body = json!({ "runs": 1_000_000, "lane": "tab-1" }).to_string();
        request(
            &addr,
            "POST",
            "/api/simulate",
            &addr,
            "application/json",
            body.as_bytes(),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let started = std::time::Instant::now();
    let newer = s.post_json("/api/simulate", &json!({ "runs": 1000, "lane": "tab-1" }));
    assert_eq!(newer.status, 200);
    let stale = slow.join().unwrap();
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert_eq!(stale.json()["cancelled"], true);
    // Another lane is not disturbed (and a state without a lane is never cancelled).
    let other = s.post_json("/api/simulate", &json!({ "runs": 1000, "lane": "tab-2" }));
    assert_eq!(other.status, 200);
    eprintln!("cancelled within {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn the_report_is_riskkalkyl_report_of_the_saved_scenario() {
    let s = server();
    let (runs, seed, analysis_runs) = (1000, 3, 200);
    let mut state = edited(runs, seed);
    state["analysis_runs"] = json!(analysis_runs);
    let r = s.post_json("/api/report", &state);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.header("content-disposition").unwrap().contains("rapport.html"));
    let page = r.text();
    let saved = s.post_json("/api/save", &state);
    assert_eq!(saved.status, 200);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.toml");
    std::fs::write(&file, saved.text()).unwrap();
    let out = dir.path().join("rapport");
    Command::cargo_bin("riskkalkyl")
        .unwrap()
        .arg("--scenario")
        .arg(&file)
        .args(["report", "--runs", &runs.to_string(), "--seed", &seed.to_string()])
        .args(["--analysis-runs", &analysis_runs.to_string(), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let cli = std::fs::read_to_string(out.join("rapport.html")).unwrap();
    // The command's cover line also shows its run's fingerprint (of the manifest it writes
    // beside the report) and the two may straddle midnight: that line goes; everything else,
    // the decision analyses and every chart included, is the same page.
    let without = |html: &str| strip_between(html, "<p class=\"meta\">", "</p>");
    assert!(
        cli.contains("id=\"run-fingerprint\""),
        "the command's cover has the fingerprint"
    );
    for section in [
        "Varför resultatet skiljer sig från förstudien",
        "Fördelningsnycklar och finansieringsmodeller",
        "Vilka osäkerheter är värda att utreda?",
        "Den första utredningens handlingsalternativ",
        "Riskregister",
    ] {
        assert!(page.contains(section), "the page's report has the section on {section}");
    }
    let (p, c) = (without(&page), without(&cli));
    if p != c {
        let at = p.bytes().zip(c.bytes()).take_while(|(a, b)| a == b).count();
        panic!(
            "the page's report differs from riskkalkyl report of the saved scenario at byte {at}:\n page: {}\n  cli: {}",
            &p[at.saturating_sub(80)..(at + 120).min(p.len())],
            &c[at.saturating_sub(80)..(at + 120).min(c.len())]
        );
    }
    // A report may not ask for more analysis runs than the command line allows.
    state["analysis_runs"] = json!(2_000_000);
    let r = s.post_json("/api/report", &state);
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["error"]["path"], "analysis_runs");
}

/// `html` with each stretch from `open` to the next `close` (both included) taken out.
fn strip_between(html: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        rest = &rest[i + open.len()..];
        rest = rest.find(close).map_or("", |j| &rest[j + close.len()..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn listening_beyond_loopback_says_so() {
    let s = Server::start(&["serve", "--port", "0", "--listen", "0.0.0.0"]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    assert!(s.addr.starts_with("0.0.0.0:"), "{}", s.addr);
    let r = request(&format!("127.0.0.1:{port}"), "GET", "/api/form", &s.addr, "", &[]);
    assert_eq!(r.status, 200);
    // On every address, any address literal with the port may name it; a DNS name may not.
    let r = request(
        &format!("127.0.0.1:{port}"),
        "GET",
        "/api/form",
        &format!("127.0.0.1:{port}"),
        "",
        &[],
    );
    assert_eq!(r.status, 200);
    let r = request(
        &format!("127.0.0.1:{port}"),
        "GET",
        "/api/form",
        &format!("evil.example:{port}"),
        "",
        &[],
    );
    assert_eq!(r.status, 403);
    let stderr = s.stderr.clone();
    drop(s);
    let mut waited = 0;
    while !stderr.lock().unwrap().contains("warning") && waited < 50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    }
    assert!(
        stderr.lock().unwrap().contains("warning: serving on 0.0.0.0:"),
        "{}",
        stderr.lock().unwrap()
    );
}
