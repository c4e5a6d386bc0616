//! `riskkalkyl serve`: the local what-if page.
//!
//! One page (web/assets, embedded in the binary; uPlot vendored with its licence) over a small
//! JSON API. Every request is a whole what-if state (edits to the opened scenario and the
//! choices), applied to the scenario text and loaded through the normal loader ([`edit`]),
//! then simulated on common random numbers against the opened scenario ([`compute`]). The
//! server keeps no state between requests but a cache of the opened scenario's runs; it
//! reads and writes no file on a request's behalf.
//!
//! Endpoints: `GET /` and `/assets/*`; `GET /api/form` (the opened scenario's inputs and
//! choices), `POST /api/upload` (a scenario text: its form, or 422), `POST /api/simulate`,
//! `POST /api/save` (the edited scenario as TOML), `POST /api/report` (the board report).

pub mod compute;
pub mod edit;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use models::{Model, Scenario};
use reports::format::Lang;
use serde::{Deserialize, Serialize};
use sim::RunPlan;

use edit::{Base, Choices, Edit};

/// Largest request body, bytes: a scenario (at most 1 MiB) escaped in JSON, with room.
pub const MAX_BODY_BYTES: usize = 3 << 20;
/// Runs of the opened scenario kept for comparison (per runs and seed).
const BASE_CACHE: usize = 8;
/// Cancellation lanes remembered; beyond it the table starts afresh.
const MAX_LANES: usize = 256;
/// The default seed, as the command line's.
pub const DEFAULT_SEED: u64 = 20270101;

/// Why a request is refused: the HTTP status, the field path, what is wrong and the fix.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    #[serde(skip)]
    pub status: u16,
    pub path: String,
    pub problem: String,
    pub hint: String,
    /// The whole message as the command line prints it.
    pub message: String,
}

impl Refusal {
    pub fn field(path: &str, problem: String, hint: &str) -> Refusal {
        Refusal {
            status: 422,
            message: format!("{path}: {problem}\n  fix: {hint}"),
            path: path.to_string(),
            problem,
            hint: hint.to_string(),
        }
    }

    pub fn scenario(e: models::ScenarioError) -> Refusal {
        Refusal {
            status: 422,
            path: e.path().to_string(),
            problem: e.problem().to_string(),
            hint: e.hint().to_string(),
            message: e.to_string(),
        }
    }

    /// An analysis of the report refused the edited scenario (a variant it builds, or an input
    /// it cannot use): the user's to fix, with the field path; anything else is ours.
    pub fn analyses(e: reports::export::html::analyses::AnalysesError) -> Refusal {
        use models::AnalysisError as E;
        use reports::export::html::analyses::AnalysesError as A;
        match e {
            A::Analysis(E::Scenario(e)) => Refusal::scenario(e),
            A::Analysis(E::Input { path, problem, hint }) => Refusal::field(&path, problem, &hint),
            e => Refusal::internal(&e.to_string()),
        }
    }

    pub fn internal(what: &str) -> Refusal {
        Refusal {
            status: 500,
            path: "(server)".into(),
            problem: what.to_string(),
            hint: "report this; the server goes on serving".into(),
            message: what.to_string(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &serde_json::json!({ "error": self }))
    }
}

fn json_response<T: Serialize>(status: StatusCode, v: &T) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// How `serve` was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub base: Base,
    pub addr: SocketAddr,
    pub lang: Lang,
    /// Runs of the quick pass and of the refinement the page asks for.
    pub quick_runs: u64,
    pub refine_runs: u64,
}

/// A cached run of an opened scenario: (text fingerprint, runs, seed, its side).
type BaseRun = (u64, u64, u64, Arc<BaseSide>);

/// The opened scenario's run on some runs and seed, with what every answer shows of it
/// (computed once: each change on the page compares against the same side).
struct BaseSide {
    ran: compute::Ran,
    summary: reports::Summary,
    /// Without the yearly fans (those are made when asked).
    curves: compute::Curves,
}

struct App {
    base: Base,
    lang: Lang,
    runs: (u64, u64),
    /// Host header values a request may carry (the served address, and localhost for loopback).
    hosts: Vec<String>,
    /// Listening on every address (`--listen 0.0.0.0` or `::`).
    any_address: bool,
    base_runs: Mutex<Vec<BaseRun>>,
    lanes: Mutex<HashMap<String, u64>>,
    generation: AtomicU64,
}

/// Bind, print the address on stdout, and serve until the process is stopped.
pub fn serve(opts: Options) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr).await?;
        let addr = listener.local_addr()?;
        let mut hosts = vec![addr.to_string()];
        if addr.ip().is_loopback() {
            hosts.push(format!("localhost:{}", addr.port()));
            hosts.push(format!("127.0.0.1:{}", addr.port()));
            hosts.push(format!("[::1]:{}", addr.port()));
        }
        let any_address = addr.ip().is_unspecified();
        let app = Arc::new(App {
            base: opts.base,
            lang: opts.lang,
            runs: (opts.quick_runs, opts.refine_runs),
            hosts,
            any_address,
            base_runs: Mutex::new(Vec::new()),
            lanes: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        });
        println!("riskkalkyl serve: http://{addr}/");
        // Tests and scripts read the address from this line.
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        axum::serve(listener, router(app)).await
    })
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/form", get(form))
        .route("/api/upload", post(upload))
        .route("/api/simulate", post(simulate))
        .route("/api/save", post(save))
        .route("/api/report", post(report))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(app.clone(), check_host))
        .with_state(app)
}

/// DNS rebinding: a page of another site that resolves its name to 127.0.0.1 sends its own
/// Host header; only the served address is answered.
async fn check_host(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    match host {
        Some(h) if host_allowed(&app, h) => next.run(req).await,
        _ => (
            StatusCode::FORBIDDEN,
            "the Host header does not name the address this server serves\n",
        )
            .into_response(),
    }
}

/// The served address by name (or localhost on loopback); when listening on every address
/// (0.0.0.0, ::), any IP address with the served port: rebinding needs a DNS name, and an
/// address literal names no other site.
fn host_allowed(app: &App, host: &str) -> bool {
    app.hosts.iter().any(|a| a == host)
        || (app.any_address
            && host.parse::<SocketAddr>().is_ok_and(|a| {
                Some(a.port())
                    == app
                        .hosts
                        .first()
                        .and_then(|h| h.parse::<SocketAddr>().ok())
                        .map(|s| s.port())
            }))
}

const INDEX: &str = include_str!("../assets/index.html");
const ASSETS: [(&str, &str, &[u8]); 6] = [
    ("app.js", "text/javascript", include_bytes!("../assets/app.js")),
    ("app.css", "text/css", include_bytes!("../assets/app.css")),
    (
        "uPlot.iife.min.js",
        "text/javascript",
        include_bytes!("../assets/vendor/uplot/uPlot.iife.min.js"),
    ),
    (
        "uPlot.min.css",
        "text/css",
        include_bytes!("../assets/vendor/uplot/uPlot.min.css"),
    ),
    (
        "uPlot-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/uplot/LICENSE"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' fill='#1f4e79'/></svg>",
    ),
];

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "sv",
        Lang::En => "en",
    }
}

async fn index(State(app): State<Arc<App>>) -> Response {
    let html = INDEX.replace("{{lang}}", lang_code(app.lang));
    secured(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, ct, bytes)) => secured(([(header::CONTENT_TYPE, *ct)], *bytes).into_response()),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}

/// The page loads only its own files.
fn secured(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// The form of a scenario: its inputs grouped as the registry groups them, and the choices.
#[derive(Debug, Serialize)]
struct Form {
    lang: &'static str,
    name: String,
    seed: u64,
    runs_quick: u64,
    runs_refine: u64,
    max_runs: u64,
    groups: Vec<FormGroup>,
    keys: Vec<String>,
    /// Each key as a reader names it (its description in the page's language; its id if none).
    key_labels: Vec<String>,
    /// The file's mix of keys per period, as a reader's text.
    key_mix: String,
    alternatives: Vec<String>,
    data_centre: Option<String>,
    discount_rate_pct: f64,
    budget_msek: Option<f64>,
    /// The förstudie's figure (the model's budget when the file sets none), MSEK.
    reference_msek: f64,
}

#[derive(Debug, Serialize)]
struct FormGroup {
    label: String,
    inputs: Vec<FormInput>,
}

#[derive(Debug, Serialize)]
struct FormInput {
    path: String,
    label: String,
    dist: String,
    params: Vec<(String, f64)>,
    /// The range the registry allows (null where unbounded).
    allowed_lo: Option<f64>,
    allowed_hi: Option<f64>,
    source: &'static str,
}

fn form_of(s: &Scenario, lang: Lang, runs: (u64, u64)) -> Result<Form, Refusal> {
    let en = lang == Lang::En;
    let model = Model::new(s).map_err(Refusal::scenario)?;
    let mut groups: Vec<(models::scenario::InputGroup, FormGroup)> = Vec::new();
    for (id, (path, spec)) in s.input_ids().into_iter().zip(s.inputs()) {
        let g = id.group(s);
        let def = id.kind.def();
        let (lo, hi) = match def.allowed {
            models::scenario::inputs::Allowed::Within(lo, hi) => (Some(lo), hi.is_finite().then_some(hi)),
            models::scenario::inputs::Allowed::AboveBounded(lo)
            | models::scenario::inputs::Allowed::AtLeastBounded(lo) => (Some(lo), None),
        };
        let l = id.label(s);
        let input = FormInput {
            path,
            label: if en { l.en } else { l.sv },
            dist: edit::dist_name(&spec),
            params: edit::params(&spec),
            allowed_lo: lo,
            allowed_hi: hi,
            source: def.source,
        };
        match groups.iter_mut().find(|(k, _)| *k == g) {
            Some((_, fg)) => fg.inputs.push(input),
            None => {
                let gl = g.label(s);
                groups.push((
                    g,
                    FormGroup {
                        label: if en { gl.en } else { gl.sv },
                        inputs: vec![input],
                    },
                ))
            }
        }
    }
    groups.sort_by_key(|(g, _)| *g);
    let a = &s.allocation;
    let mix = |w: &std::collections::BTreeMap<String, f64>| {
        w.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    Ok(Form {
        lang: lang_code(lang),
        name: s.meta.name.clone(),
        seed: DEFAULT_SEED,
        runs_quick: runs.0,
        runs_refine: runs.1,
        max_runs: compute::MAX_RUNS,
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        keys: s.keys.keys().cloned().collect(),
        key_labels: s
            .keys
            .iter()
            .map(|(id, k)| {
                let d = match lang {
                    Lang::Sv => k.description.as_ref(),
                    Lang::En => k.description_en.as_ref().or(k.description.as_ref()),
                };
                d.cloned().unwrap_or_else(|| id.clone())
            })
            .collect(),
        key_mix: format!(
            "{} / {} / {}",
            mix(&a.establishment_weights_pct),
            mix(&a.transition_weights_pct),
            mix(&a.full_effect_weights_pct)
        ),
        alternatives: s.alternatives.iter().map(|a| a.name.clone()).collect(),
        data_centre: s.risk_register.as_ref().map(|r| r.data_centre.clone()),
        discount_rate_pct: s.finance.discount_rate_pct,
        budget_msek: s.establishment.reference_estimate_msek,
        reference_msek: model.reference_estimate_msek(),
    })
}

async fn form(State(app): State<Arc<App>>) -> Response {
    match form_of(&app.base.scenario, app.lang, app.runs) {
        Ok(f) => json_response(StatusCode::OK, &f),
        Err(e) => e.into_response(),
    }
}

/// A what-if state, as every computing request sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateReq {
    /// An uploaded scenario's text; the scenario the server opened when left out.
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    edits: Vec<Edit>,
    #[serde(default)]
    choices: Choices,
    runs: u64,
    #[serde(default = "default_seed")]
    seed: u64,
    /// Yearly fan charts too.
    #[serde(default)]
    yearly: bool,
    /// A cancellation lane: a newer request on the same lane stops this one between chunks.
    #[serde(default)]
    lane: Option<String>,
    /// The report's runs for each decision analysis (`riskkalkyl report --analysis-runs`).
    #[serde(default = "default_analysis_runs")]
    analysis_runs: u64,
}

/// `riskkalkyl report`'s default `--analysis-runs`, so that the page's report is the command's.
pub const REPORT_ANALYSIS_RUNS: u64 = 20_000;
/// Most analysis runs a report request may ask (the command line's cap).
pub const MAX_ANALYSIS_RUNS: u64 = 1_000_000;

fn default_analysis_runs() -> u64 {
    REPORT_ANALYSIS_RUNS
}

fn default_seed() -> u64 {
    DEFAULT_SEED
}

fn parse_state(body: &[u8]) -> Result<StateReq, Refusal> {
    let r: StateReq = serde_json::from_slice(body).map_err(|e| {
        Refusal::field(
            "(request)",
            format!("not a what-if state: {e}"),
            "send JSON with runs, seed, edits [{path, value}] and choices",
        )
    })?;
    if !(1..=compute::MAX_RUNS).contains(&r.runs) {
        return Err(Refusal::field(
            "runs",
            format!(
                "{} runs per request; the page may ask 1 to {}",
                r.runs,
                compute::MAX_RUNS
            ),
            "ask for fewer runs (the command line has no such cap: riskkalkyl run --runs N)",
        ));
    }
    if r.analysis_runs > MAX_ANALYSIS_RUNS {
        return Err(Refusal::field(
            "analysis_runs",
            format!(
                "{} analysis runs; a report may ask 0 to {MAX_ANALYSIS_RUNS}",
                r.analysis_runs
            ),
            "ask for fewer (0 leaves the decision analyses out)",
        ));
    }
    Ok(r)
}

/// The scenario a state starts from: the upload, if any, else the opened one.
fn base_of(app: &App, r: &StateReq) -> Result<Base, Refusal> {
    match &r.base {
        Some(text) => Base::new(text.clone(), "<uploaded scenario>"),
        None => Ok(app.base.clone()),
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Refusal> + Send + 'static) -> Result<T, Refusal> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(Refusal::internal(&format!("the computation failed: {e}"))))
}

async fn upload(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let (lang, runs) = (app.lang, app.runs);
    let r = blocking(move || {
        let text = String::from_utf8(body.to_vec()).map_err(|_| {
            Refusal::field(
                "(file)",
                "the file is not UTF-8 text".into(),
                "open a scenario TOML file saved as UTF-8",
            )
        })?;
        let base = Base::new(text, "<uploaded scenario>")?;
        form_of(&base.scenario, lang, runs)
    })
    .await;
    match r {
        Ok(f) => json_response(StatusCode::OK, &f),
        Err(e) => e.into_response(),
    }
}

/// The page's answers for one state.
#[derive(Debug, Serialize)]
struct Answer {
    runs: u64,
    seed: u64,
    server_ms: f64,
    levels: Vec<f64>,
    /// Exactly what `riskkalkyl run` writes as summary.json for the saved scenario.
    summary: reports::Summary,
    curves: compute::Curves,
    /// The opened scenario on the same runs and seed.
    base_summary: reports::Summary,
    base_curves: compute::Curves,
    /// Per kommun, then the total.
    changes: Vec<compute::Change>,
    paired_runs: u64,
    drivers: Vec<compute::Driver>,
    years: Vec<i32>,
    changed: Vec<String>,
}

impl App {
    /// A new generation on `lane`, and a test of whether it is still the newest.
    fn lane(self: &Arc<Self>, lane: Option<String>) -> impl Fn() -> bool + use<> {
        let me = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(l) = &lane {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            if lanes.len() >= MAX_LANES {
                lanes.clear();
            }
            lanes.insert(l.clone(), me);
        }
        let app = self.clone();
        move || {
            lane.as_ref().is_some_and(|l| {
                let lanes = app.lanes.lock().unwrap_or_else(|e| e.into_inner());
                lanes.get(l).is_some_and(|&g| g != me)
            })
        }
    }

    /// The opened scenario's run for `runs` and `seed` (cached).
    fn base_run(&self, base: &Base, model: &Model, plan: &RunPlan) -> Result<Arc<BaseSide>, Refusal> {
        let key = fingerprint(&base.text);
        {
            let cache = self.base_runs.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((.., r)) = cache
                .iter()
                .find(|(k, n, s, _)| *k == key && *n == plan.runs && *s == plan.seed)
            {
                return Ok(r.clone());
            }
        }
        let ran = compute::run(model, plan, model.reference_estimate_msek(), &|| false)?
            .ok_or_else(|| Refusal::internal("cancelled"))?;
        let r = Arc::new(BaseSide {
            summary: compute::summary(&base.scenario, model, &ran.result, plan.seed),
            curves: compute::Curves::new(&ran.result, false),
            ran,
        });
        let mut cache = self.base_runs.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= BASE_CACHE {
            cache.remove(0);
        }
        cache.push((key, plan.runs, plan.seed, r.clone()));
        Ok(r)
    }
}

/// FNV-1a of a scenario text: the cache key of its runs.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

async fn simulate(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let started = Instant::now();
    let r = match parse_state(&body) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let cancelled = app.lane(r.lane.clone());
    let a = app.clone();
    let out = blocking(move || {
        let base = base_of(&a, &r)?;
        let e = edit::apply(&base, &r.edits, &r.choices)?;
        let en = a.lang == Lang::En;
        let model = Model::new(&e.scenario).map_err(Refusal::scenario)?;
        let base_model = base.model.clone();
        let plan = RunPlan::new(r.runs, r.seed, 0).map_err(|e| Refusal::internal(&e.to_string()))?;
        let Some(ran) = compute::run(&model, &plan, model.reference_estimate_msek(), &cancelled)? else {
            return Ok(None);
        };
        let base_side = a.base_run(&base, &base_model, &plan)?;
        let base_ran = &base_side.ran;
        let (res, base_res) = (&ran.result, &base_ran.result);
        if cancelled() {
            return Ok(None);
        }
        let summary = compute::summary(&e.scenario, &model, res, r.seed);
        let base_summary = base_side.summary.clone();
        let means: Vec<(f64, f64)> = summary
            .kommuner
            .iter()
            .chain([&summary.total])
            .zip(base_summary.kommuner.iter().chain([&base_summary.total]))
            .map(|(a, b)| (a.net_benefit_npv.mean, b.net_benefit_npv.mean))
            .collect();
        let changes = compute::changes(&ran.kept, &base_ran.kept, model.kommuner().len(), r.runs, &means);
        let drivers = compute::drivers(&e.scenario, &model, &ran.kept, en);
        Ok(Some(Answer {
            runs: r.runs,
            seed: r.seed,
            server_ms: 0.0,
            levels: compute::levels(),
            curves: compute::Curves::new(res, r.yearly),
            base_curves: if r.yearly {
                compute::Curves::new(base_res, true)
            } else {
                base_side.curves.clone()
            },
            summary,
            base_summary,
            changes,
            paired_runs: r.runs.min(compute::PAIRED_RUNS),
            drivers,
            years: res.years.clone(),
            changed: e.changes,
        }))
    })
    .await;
    match out {
        Ok(Some(mut answer)) => {
            answer.server_ms = started.elapsed().as_secs_f64() * 1e3;
            json_response(StatusCode::OK, &answer)
        }
        Ok(None) => json_response(
            StatusCode::CONFLICT,
            &serde_json::json!({ "cancelled": true, "why": "a newer state came on the same lane" }),
        ),
        Err(e) => e.into_response(),
    }
}

fn download(content_type: &'static str, file: &str, body: Vec<u8>) -> Response {
    let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

async fn save(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let a = app.clone();
    let out = blocking(move || {
        let r = parse_state(&body)?;
        let base = base_of(&a, &r)?;
        let e = edit::apply(&base, &r.edits, &r.choices)?;
        Ok(edit::saved_text(&base, &e, r.runs, r.seed))
    })
    .await;
    match out {
        Ok(text) => download("application/toml; charset=utf-8", "scenario.toml", text.into_bytes()),
        Err(e) => e.into_response(),
    }
}

async fn report(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let a = app.clone();
    let out = blocking(move || {
        let r = parse_state(&body)?;
        let base = base_of(&a, &r)?;
        let e = edit::apply(&base, &r.edits, &r.choices)?;
        let model = Model::new(&e.scenario).map_err(Refusal::scenario)?;
        let plan = RunPlan::new(r.runs, r.seed, 0).map_err(|e| Refusal::internal(&e.to_string()))?;
        let res =
            models::run::simulate_with_cumulative(&model, &plan, 0..plan.chunks(), model.reference_estimate_msek())
                .map_err(|e| Refusal::internal(&e.to_string()))?;
        let info = compute::info(&e.scenario, &model, r.runs, r.seed);
        let text = edit::saved_text(&base, &e, r.runs, r.seed);
        let data = reports::report::ReportData::new(a.lang, &info, &e.scenario, &text, &model, &res);
        let analyses = reports::export::html::analyses::Analyses::compute(
            &e.scenario,
            &model,
            r.analysis_runs,
            r.seed,
            model.reference_estimate_msek(),
            a.lang,
        )
        .map_err(Refusal::analyses)?;
        let charts = reports::chart::all(&data, &analyses).map_err(|e| Refusal::internal(&e.to_string()))?;
        let board = reports::export::BoardReport {
            data: &data,
            charts: &charts,
            analyses: &analyses,
        };
        use reports::export::Exporter as _;
        reports::export::html::RapportHtml
            .serialize(&board)
            .map_err(|e| Refusal::internal(&e.to_string()))
    })
    .await;
    match out {
        Ok(html) => download("text/html; charset=utf-8", "rapport.html", html),
        Err(e) => e.into_response(),
    }
}
