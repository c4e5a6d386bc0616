// The what-if page of `riskkalkyl serve`. Every change sends the whole state (edits to the
// opened scenario and the choices) for a quick pass, then a refinement; the server
// validates it as a scenario file and answers on common random numbers against the opened
// scenario. A newer change aborts the older requests (and the server stops their runs).
"use strict";

const LANG = document.documentElement.lang === "en" ? "en" : "sv";
const T = {
  sv: {
    title: "riskkalkyl: vad händer om …", save: "Spara scenario", report: "Rapport", open: "Öppna scenario…",
    reset: "Återställ", inputs: "Antaganden", choices: "Val", key: "Fördelningsnyckel", keyFile: "som i filen",
    alternative: "Alternativ", altNone: "förstudiens förslag", dc: "Datacenter", dcExisting: "befintligt", dcNew: "nytt",
    rate: "Kalkylränta (%)", budget: "Referens för engångskostnaden (mnkr)",
    npv: "Nettonytta (nuvärde) per kommun", npvNote: "S-kurvor: andel körningar med högst detta nuvärde. Heldragen: ändrat scenario; streckad: scenariot som öppnades (samma slumptal).",
    estMean: "Medel (mnkr)", pp: "pe", kommun: "Kommun", ploss: "P(nettoförlust)", pbase: "öppnat", change: "ändring", mean: "Medel nuvärde (mnkr)", meanChange: "ändring (mnkr)",
    est: "Engångskostnad (etablering)", estNote: "S-kurva med förstudiens siffra (referensen) och P80/P85-ramen.",
    drivers: "Drivande antaganden", driversNote: "Korrelation med GGVV:s totala nuvärde, första körningarna.",
    yearly: "Årlig nettonytta", yearlyShow: "Visa årliga solfjäderdiagram", yearlyHide: "Dölj årliga diagram",
    status: (n, ms, refined) => `${fmtInt(n)} körningar, ${fmt1(ms)} ms på servern${refined ? "" : " – förfinar …"}`,
    computing: "räknar …", notNumber: "inte ett tal", ref: "referens", overrun: "P(över referensen)",
    figure: "Mått", edited: "ändrat", opened: "öppnat", total: "GGVV totalt", better: "P(bättre)", input: "Antagande", corr: "korrelation",
    quantile: "P", msek: "mnkr", prob: "andel",
    reportBusy: "tar fram rapporten med beslutsanalyserna (några sekunder) …",
    params: { min: "min", max: "max", mode: "troligast", most_likely: "troligast", point: "planvärde", value: "värde",
      mean: "medel", sd: "std.avv.", shape: "form", scale: "skala", alpha: "α", beta: "β", prob: "sannolikhet",
      p10: "P10", p90: "P90", tail_prob: "andel i svansen", body_mean: "medel (kropp)", body_sd: "std.avv. (kropp)",
      body_min: "min (kropp)", tail_scale: "svansens skala", tail_alpha: "svansindex α", tail_cap: "tak" },
    dists: { fixed: "fast värde", uniform: "likformig", triangular: "triangel", pert: "PERT", normal: "normal",
      truncated_normal: "trunkerad normal", lognormal: "lognormal", beta: "beta", discrete: "diskret",
      risk_event: "riskhändelse", empirical: "empirisk", triple: "trepunktsskattning", pooled: "sammanvägd expertbedömning",
      ref_class_overrun: "referensklass: kropp och svans", gamma: "gamma", weibull: "Weibull" },
  },
  en: {
    title: "riskkalkyl: what if …", save: "Save scenario", report: "Report", open: "Open scenario…",
    reset: "Reset", inputs: "Assumptions", choices: "Choices", key: "Allocation key", keyFile: "as in the file",
    alternative: "Alternative", altNone: "the pre-study's proposal", dc: "Data centre", dcExisting: "existing", dcNew: "new",
    rate: "Discount rate (%)", budget: "Reference for the one-off cost (MSEK)",
    npv: "Net benefit (NPV) per kommun", npvNote: "S-curves: share of runs with at most this NPV. Solid: edited scenario; dashed: the scenario opened (same random numbers).",
    estMean: "Mean (MSEK)", pp: "pp", kommun: "Kommun", ploss: "P(net loss)", pbase: "opened", change: "change", mean: "Mean NPV (MSEK)", meanChange: "change (MSEK)",
    est: "One-off cost (establishment)", estNote: "S-curve with the pre-study's figure (the reference) and the P80/P85 frame.",
    drivers: "Driving assumptions", driversNote: "Correlation with the GGVV total NPV, first runs.",
    yearly: "Yearly net benefit", yearlyShow: "Show yearly fan charts", yearlyHide: "Hide yearly charts",
    status: (n, ms, refined) => `${fmtInt(n)} runs, ${fmt1(ms)} ms on the server${refined ? "" : " – refining …"}`,
    computing: "computing …", notNumber: "not a number", ref: "reference", overrun: "P(above the reference)",
    figure: "Figure", edited: "edited", opened: "opened", total: "GGVV total", better: "P(better)", input: "Assumption", corr: "correlation",
    quantile: "P", msek: "MSEK", prob: "share",
    reportBusy: "producing the report with the decision analyses (a few seconds) …",
    params: { min: "min", max: "max", mode: "most likely", most_likely: "most likely", point: "plan value", value: "value",
      mean: "mean", sd: "sd", shape: "shape", scale: "scale", alpha: "α", beta: "β", prob: "probability",
      p10: "P10", p90: "P90", tail_prob: "tail share", body_mean: "body mean", body_sd: "body sd",
      body_min: "body min", tail_scale: "tail scale", tail_alpha: "tail index α", tail_cap: "cap" },
    dists: { fixed: "fixed value", uniform: "uniform", triangular: "triangular", pert: "PERT", normal: "normal",
      truncated_normal: "truncated normal", lognormal: "lognormal", beta: "beta", discrete: "discrete",
      risk_event: "risk event", empirical: "empirical", triple: "three-point estimate", pooled: "pooled expert estimate",
      ref_class_overrun: "reference class: body and tail", gamma: "gamma", weibull: "Weibull" },
  },
}[LANG];
const LOCALE = LANG === "sv" ? "sv-SE" : "en-GB";
const nf1 = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const nf0 = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
function fmt1(x) { return nf1.format(x); }
function fmtInt(x) { return nf0.format(x); }
/** A probability as a percentage with one decimal. */
function fmtPct(p) { return nf1.format(100 * p) + " %"; }
function signed(x, f) { return (x > 0 ? "+" : x < 0 ? "−" : "±") + f(Math.abs(x)); }
const COLORS = ["#1f77b4", "#c0392b", "#2e8b57", "#7b3fa0", "#444444"];

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};

const S = {
  form: null, upload: null, edits: new Map(), choices: {}, gen: 0, drawnGen: -1, pendingT0: null,
  lane: (crypto.randomUUID ? crypto.randomUUID() : String(Math.random())), abort: null, yearly: false,
  charts: {}, latencies: [], last: null,
};
window.rk = { S, fmt1, fmtPct, latencies: S.latencies };

function stateBody(runs) {
  const edits = [...S.edits].map(([path, value]) => ({ path, value }));
  const choices = Object.fromEntries(Object.entries(S.choices).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const body = { edits, choices, runs, seed: S.form.seed, lane: S.lane, yearly: S.yearly };
  if (S.upload !== null) body.base = S.upload;
  return body;
}

async function post(url, body, signal) {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  return r;
}

function clearErrors() {
  for (const e of document.querySelectorAll("#form .error")) e.textContent = "";
  for (const e of document.querySelectorAll("#form [aria-invalid=true]")) e.removeAttribute("aria-invalid");
}

/** Show a refusal beside the field its path names (the longest prefix the form has). */
function showError(err) {
  clearErrors();
  let path = err.path;
  const choiceField = { "choices.key": "c:key", "choices.alternative": "c:alternative", "choices.data_centre": "c:dc",
    "finance.discount_rate_pct": "c:rate", "establishment.reference_estimate_msek": "c:budget" };
  let target = choiceField[path] ? $(choiceField[path]) : null;
  while (!target && path) {
    target = document.getElementById("p:" + path) || document.getElementById("row:" + path);
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  const msg = `${err.problem}\n${LANG === "sv" ? "åtgärd" : "fix"}: ${err.hint}`;
  if (target) {
    if (target.tagName === "INPUT" || target.tagName === "SELECT") target.setAttribute("aria-invalid", "true");
    const box = target.closest(".row, .choice").querySelector(".error");
    box.textContent = `${err.path}: ${msg}`;
  } else {
    $("upload-error").textContent = `${err.path}: ${msg}`;
  }
  document.body.dataset.state = "refused";
}

/** A change: a quick pass first, then the refinement; a newer change supersedes both. */
async function recompute(t0) {
  const gen = ++S.gen;
  if (S.pendingT0 === null && t0 !== undefined) S.pendingT0 = t0;
  if (S.abort) S.abort.abort();
  const abort = new AbortController();
  S.abort = abort;
  document.body.dataset.state = "computing";
  $("status").textContent = T.computing;
  for (const [runs, refined] of [[S.form.runs_quick, false], [S.form.runs_refine, true]]) {
    let r;
    try {
      r = await post("/api/simulate", stateBody(runs), abort.signal);
    } catch (e) {
      if (e.name === "AbortError") return;
      $("upload-error").textContent = String(e);
      return;
    }
    if (gen !== S.gen) return;
    if (r.status === 409) return;
    const j = await r.json();
    if (gen !== S.gen) return;
    if (!r.ok) { showError(j.error); return; }
    clearErrors();
    $("upload-error").textContent = "";
    draw(j, refined);
    if (S.pendingT0 !== null) {
      const m = performance.measure("rk-redraw", { start: S.pendingT0, end: performance.now() });
      S.latencies.push(m.duration);
      S.pendingT0 = null;
    }
    S.drawnGen = gen;
    document.body.dataset.gen = String(gen);
    document.body.dataset.runs = String(j.runs);
    document.body.dataset.state = refined ? "refined" : "quick";
  }
}

function changed(t0) { recompute(t0); }

function parseNum(s) {
  const t = String(s).trim().replace(/\u2212/g, "-").replace(/\s/g, "").replace(",", ".");
  if (t === "") return NaN;
  return Number(t);
}

function buildForm() {
  const f = S.form;
  $("title").textContent = T.title;
  $("scenario-name").textContent = f.name;
  const form = $("form");
  form.replaceChildren();
  // The choices that are not distributions.
  const cs = el("fieldset", {}, el("legend", { text: T.choices }));
  const choice = (id, label, input) => {
    const row = el("div", { class: "choice" }, el("label", { for: id, text: label }), input, el("p", { class: "error", id: "err:" + id }));
    input.setAttribute("aria-describedby", "err:" + id);
    cs.append(row);
  };
  const sel = (id, options, key) => {
    const s = el("select", { id });
    for (const [v, t] of options) s.append(el("option", { value: v, text: t }));
    s.addEventListener("change", () => { S.choices[key] = s.value || null; changed(performance.now()); });
    return s;
  };
  choice("c:key", T.key, sel("c:key", [["", `${T.keyFile} (${f.key_mix})`], ...f.keys.map((k, i) => [k, f.key_labels[i] ?? k])], "key"));
  if (f.alternatives.length) choice("c:alternative", T.alternative, sel("c:alternative", [["", T.altNone], ...f.alternatives.map((a) => [a, a])], "alternative"));
  if (f.data_centre !== null) {
    const s = sel("c:dc", [["existing", T.dcExisting], ["new", T.dcNew]], "data_centre");
    s.value = f.data_centre;
    choice("c:dc", T.dc, s);
  }
  const num = (id, value, key) => {
    const i = el("input", { id, type: "number", step: "any", value: value ?? "" });
    i.addEventListener("input", () => {
      const x = parseNum(i.value);
      if (i.value.trim() === "" && key === "budget_msek") { S.choices[key] = null; changed(performance.now()); return; }
      if (!Number.isFinite(x)) { i.setAttribute("aria-invalid", "true"); $("err:" + id).textContent = T.notNumber; return; }
      S.choices[key] = x;
      changed(performance.now());
    });
    return i;
  };
  choice("c:rate", T.rate, num("c:rate", f.discount_rate_pct, "discount_rate_pct"));
  const b = num("c:budget", f.budget_msek, "budget_msek");
  b.placeholder = fmt1(f.reference_msek);
  choice("c:budget", T.budget, b);
  form.append(cs);
  // Every uncertain input, grouped as the input registry groups them.
  for (const g of f.groups) {
    const fs = el("fieldset", {}, el("legend", { text: g.label }));
    for (const inp of g.inputs) {
      const row = el("div", { class: "row", id: "row:" + inp.path });
      row.append(el("span", { class: "name", text: inp.label }), el("span", { class: "dist", text: `${T.dists[inp.dist] ?? inp.dist} · ${inp.source}`, title: `dist = "${inp.dist}"` }));
      const ps = el("div", { class: "params" });
      const central = inp.params.find(([k]) => ["mode", "value", "mean", "p10"].includes(k));
      for (const [k, v] of inp.params) {
        const id = `p:${inp.path}.${k}`;
        const box = el("input", { id, type: "number", step: "any", value: String(v), "aria-describedby": "err:" + inp.path });
        const lab = el("label", { for: id, text: T.params[k] ?? k, title: `${inp.path}.${k}` });
        ps.append(lab, box);
        let slider = null;
        if (central && central[0] === k) {
          const lo = inp.params.find(([q]) => q === "min")?.[1] ?? inp.allowed_lo ?? Math.min(0, v);
          const hi = inp.params.find(([q]) => q === "max")?.[1] ?? inp.allowed_hi ?? Math.max(2 * Math.abs(v), 1);
          if (hi > lo) {
            slider = el("input", { type: "range", min: String(lo), max: String(hi), step: String((hi - lo) / 200), value: String(v),
              "aria-label": `${inp.label}: ${T.params[k] ?? k}` });
            slider.addEventListener("input", () => {
              box.value = slider.value;
              S.edits.set(`${inp.path}.${k}`, Number(slider.value));
              row.classList.add("changed");
              changed(performance.now());
            });
            ps.append(slider);
          }
        }
        box.addEventListener("input", () => {
          const x = parseNum(box.value);
          if (!Number.isFinite(x)) { box.setAttribute("aria-invalid", "true"); $("err:" + inp.path).textContent = `${T.params[k] ?? k}: ${T.notNumber}`; return; }
          S.edits.set(`${inp.path}.${k}`, x);
          if (slider) slider.value = String(x);
          row.classList.add("changed");
          changed(performance.now());
        });
      }
      row.append(ps, el("p", { class: "error", id: "err:" + inp.path }));
      fs.append(row);
    }
    form.append(fs);
  }
}

/** Probability at `x` of a quantile function given at `levels` (linear between points). */
function cdfAt(q, levels, x) {
  if (x <= q[0]) return x < q[0] ? 0 : levels[0];
  if (x >= q[q.length - 1]) return 1;
  let lo = 0, hi = q.length - 1;
  while (hi - lo > 1) { const m = (lo + hi) >> 1; if (q[m] <= x) lo = m; else hi = m; }
  const span = q[hi] - q[lo];
  return span > 0 ? levels[lo] + (levels[hi] - levels[lo]) * (x - q[lo]) / span : levels[hi];
}

function sCurveData(curves, levels) {
  const lo = Math.min(...curves.map((c) => c[0])), hi = Math.max(...curves.map((c) => c[c.length - 1]));
  const n = 160, xs = [];
  for (let i = 0; i <= n; i++) xs.push(lo + (hi - lo) * i / n);
  return [xs, ...curves.map((c) => xs.map((x) => cdfAt(c, levels, x)))];
}

function chartWidth(id) { return Math.max(320, $(id).clientWidth || 600); }

function makeChart(id, series, opts = {}) {
  const u = new uPlot({
    width: chartWidth(id), height: opts.height || 280,
    scales: { x: { time: false }, y: opts.y || { range: [0, 1] } },
    axes: [{ label: opts.xLabel || T.msek }, { label: opts.yLabel || T.prob }],
    series: [{ label: opts.xLabel || T.msek }, ...series],
    legend: { live: false },
    bands: opts.bands,
    hooks: opts.hooks,
    cursor: { drag: { x: false, y: false } },
  }, opts.data, $(id));
  return u;
}

function draw(a, refined) {
  S.last = a;
  const s = a.summary, b = a.base_summary;
  const names = [...s.kommuner.map((k) => k.name), T.total];
  const ks = s.kommuner.length;
  // NPV S-curves: the four kommuner, edited solid, opened dashed.
  const curves = [...a.curves.npv.slice(0, ks), ...a.base_curves.npv.slice(0, ks)];
  const data = sCurveData(curves, a.levels);
  if (!S.charts.npv || S.charts.npv.series.length !== 2 * ks + 1) {
    if (S.charts.npv) S.charts.npv.destroy();
    const series = [];
    for (let k = 0; k < ks; k++) series.push({ label: names[k], stroke: COLORS[k % 5], width: 2 });
    for (let k = 0; k < ks; k++) series.push({ label: `${names[k]} (${T.opened})`, stroke: COLORS[k % 5], width: 1, dash: [5, 4] });
    S.charts.npv = makeChart("npv-chart", series, { data });
  } else {
    S.charts.npv.setData(data);
  }
  // P(net loss) and mean NPV per kommun and the total, with the change on common random numbers.
  const rows = [...s.kommuner, s.total], brows = [...b.kommuner, b.total];
  const t = $("loss-table");
  t.replaceChildren(el("caption", { text: `${T.ploss} ± ${LANG === "sv" ? "medelfel" : "standard error"}` }),
    el("thead", {}, el("tr", {}, ...[T.kommun, T.ploss, T.pbase, T.change, T.mean, T.meanChange, T.better].map((h) => el("th", { scope: "col", text: h })))));
  const tb = el("tbody");
  rows.forEach((r, i) => {
    const c = a.changes[i];
    const dp = r.prob_net_loss - brows[i].prob_net_loss;
    tb.append(el("tr", { "data-kommun": names[i] },
      el("th", { scope: "row", text: names[i] }),
      el("td", { class: "ploss", "data-value": String(r.prob_net_loss), "data-se": String(r.prob_net_loss_se), text: `${fmtPct(r.prob_net_loss)} ± ${fmt1(100 * r.prob_net_loss_se)}` }),
      el("td", { text: fmtPct(brows[i].prob_net_loss) }),
      el("td", { class: dp > 0 ? "down" : dp < 0 ? "up" : "", "data-value": String(dp), "data-se": String(c.loss_se), text: `${signed(100 * dp, fmt1)} ± ${fmt1(100 * c.loss_se)} ${T.pp}` }),
      el("td", { class: "npvmean", "data-value": String(r.net_benefit_npv.mean), text: fmt1(r.net_benefit_npv.mean) }),
      el("td", { class: c.mean_msek < 0 ? "down" : c.mean_msek > 0 ? "up" : "", text: `${signed(c.mean_msek, fmt1)} ± ${fmt1(c.mean_se_msek)}` }),
      el("td", { text: fmtPct(c.p_better) })));
  });
  t.append(tb);
  // One-off cost: S-curve, the reference figure and the P80/P85 frame.
  const e = s.establishment_cost, eb = b.establishment_cost;
  const edata = sCurveData([a.curves.establishment, a.base_curves.establishment], a.levels);
  const marks = { ref: s.reference_estimate_msek, p80: e.p80, p85: a.curves.establishment_p85 };
  S.marks = marks;
  if (!S.charts.est) {
    S.charts.est = makeChart("est-chart", [
      { label: T.edited, stroke: COLORS[0], width: 2 },
      { label: T.opened, stroke: COLORS[4], width: 1, dash: [5, 4] },
    ], { data: edata, hooks: { draw: [(u) => {
      const ctx = u.ctx;
      for (const [v, color, text] of [[S.marks.ref, "#000", T.ref], [S.marks.p80, "#c0392b", "P80"], [S.marks.p85, "#7b3fa0", "P85"]]) {
        const x = u.valToPos(v, "x", true);
        ctx.save(); ctx.strokeStyle = color; ctx.setLineDash([3, 3]); ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.fillStyle = color; ctx.font = "12px system-ui"; ctx.fillText(text, x + 3, u.bbox.top + 12 * devicePixelRatio);
        ctx.restore();
      }
    }] } });
  } else {
    S.charts.est.setData(edata);
  }
  const et = $("est-table");
  const estRow = (label, id, v, bv, f) => el("tr", {}, el("th", { scope: "row", text: label }),
    el("td", { id, "data-value": String(v), text: f(v) }), el("td", { text: f(bv) }), el("td", { text: signed(v - bv, f) }));
  et.replaceChildren(el("thead", {}, el("tr", {}, ...[T.figure, T.edited, T.opened, T.change].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {},
      estRow(`${T.estMean} ± ${fmt1(e.mean_se)}`, "est-mean", e.mean, eb.mean, fmt1),
      estRow(`P80 (${T.msek})`, "est-p80", e.p80, eb.p80, fmt1),
      estRow(`P85 (${T.msek})`, "est-p85", a.curves.establishment_p85, a.base_curves.establishment_p85, fmt1),
      estRow(`${T.ref} (${T.msek})`, "est-ref", s.reference_estimate_msek, b.reference_estimate_msek, fmt1),
      estRow(`${T.overrun} ± ${fmt1(100 * s.prob_cost_above_estimate_se)}`, "est-overrun", s.prob_cost_above_estimate, b.prob_cost_above_estimate, fmtPct)));
  // Drivers.
  const dt = $("drivers-table");
  const maxc = Math.max(...a.drivers.map((d) => Math.abs(d.corr)), 1e-9);
  dt.replaceChildren(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: T.input }), el("th", { scope: "col", text: T.corr }), el("th", { scope: "col", text: "" }))),
    el("tbody", {}, ...a.drivers.map((d) => el("tr", {}, el("th", { scope: "row", text: d.label }),
      el("td", { text: (d.corr < 0 ? "−" : "") + nf2.format(Math.abs(d.corr)) }),
      el("td", {}, el("span", { class: "bar" + (d.corr < 0 ? " neg" : ""), style: `width:${Math.round(120 * Math.abs(d.corr) / maxc)}px` }))))));
  $("drivers-note").textContent = `${T.driversNote} (${fmtInt(a.paired_runs)})`;
  if (S.yearly && a.curves.yearly) drawYearly(a, names);
  $("status").textContent = T.status(a.runs, a.server_ms, refined);
}

function drawYearly(a, names) {
  const box = $("yearly");
  const ys = a.years;
  a.curves.yearly.forEach((q, k) => {
    const id = "yearly-" + k;
    let div = $(id);
    if (!div) {
      box.append(el("h3", { text: names[k] }));
      div = el("div", { id, class: "chart" });
      box.append(div);
    }
    const bq = a.base_curves.yearly[k];
    const data = [ys, ...q, bq[2]];
    if (!S.charts[id]) {
      S.charts[id] = makeChart(id, [
        { label: "P5", stroke: "#9bb8d3" }, { label: "P25", stroke: "#4f81b0" }, { label: "P50", stroke: COLORS[0], width: 2 },
        { label: "P75", stroke: "#4f81b0" }, { label: "P95", stroke: "#9bb8d3" },
        { label: `P50 (${T.opened})`, stroke: COLORS[4], dash: [5, 4] },
      ], { data, height: 220, y: {}, xLabel: LANG === "sv" ? "år" : "year", yLabel: T.msek,
        bands: [{ series: [5, 1], fill: "rgba(31,119,180,0.12)" }, { series: [4, 2], fill: "rgba(31,119,180,0.22)" }] });
    } else {
      S.charts[id].setData(data);
    }
  });
}

async function download(url, fallback, busy) {
  const status = $("status"), was = status.textContent;
  if (busy) status.textContent = busy;
  const r = await post(url, stateBody(S.form.runs_refine));
  if (busy) status.textContent = was;
  if (!r.ok) { const j = await r.json(); showError(j.error); return; }
  const blob = await r.blob();
  const cd = r.headers.get("content-disposition") || "";
  const name = (cd.match(/filename="([^"]+)"/) || [])[1] || fallback;
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

async function openFile(file) {
  const text = await file.text();
  const r = await fetch("/api/upload", { method: "POST", headers: { "content-type": "text/plain" }, body: text });
  const j = await r.json();
  if (!r.ok) { $("upload-error").textContent = `${file.name}: ${j.error.message}`; return; }
  $("upload-error").textContent = "";
  S.form = j; S.upload = text; S.edits.clear(); S.choices = {};
  buildForm();
  recompute(performance.now());
}

async function start() {
  $("save").textContent = T.save; $("report").textContent = T.report; $("open-text").textContent = T.open;
  $("reset").textContent = T.reset; $("inputs-title").textContent = T.inputs; $("npv-title").textContent = T.npv;
  $("npv-note").textContent = T.npvNote; $("est-title").textContent = T.est; $("est-note").textContent = T.estNote;
  $("drivers-title").textContent = T.drivers; $("yearly-title").textContent = T.yearly; $("yearly-toggle").textContent = T.yearlyShow;
  S.form = await (await fetch("/api/form")).json();
  buildForm();
  $("save").addEventListener("click", () => download("/api/save", "scenario.toml"));
  $("report").addEventListener("click", () => download("/api/report", "rapport.html", T.reportBusy));
  $("open").addEventListener("change", (ev) => { if (ev.target.files[0]) openFile(ev.target.files[0]); });
  $("reset").addEventListener("click", () => { S.edits.clear(); S.choices = {}; buildForm(); recompute(performance.now()); });
  $("yearly-toggle").addEventListener("click", () => {
    S.yearly = !S.yearly;
    $("yearly-toggle").textContent = S.yearly ? T.yearlyHide : T.yearlyShow;
    $("yearly-toggle").setAttribute("aria-expanded", String(S.yearly));
    if (!S.yearly) {
      for (const k of Object.keys(S.charts)) if (k.startsWith("yearly-")) { S.charts[k].destroy(); delete S.charts[k]; }
      $("yearly").replaceChildren();
    }
    recompute();
  });
  recompute();
}
start();
