// The what-if page in Chromium: open it, change the maximum of the one-off cost and the
// allocation key, wait for the redraw, check the displayed figures against `riskkalkyl run` on
// the downloaded scenario, take screenshots before and after, run axe-core, and measure
// input event to redrawn page (performance marks in the page).
//
// Usage: node serve.mjs --url http://127.0.0.1:PORT/ --bin path/to/riskkalkyl --out DIR [--changes N]
//        [--bench N [--bench-runs 50000]]: also time N re-simulations on the server (server_ms).
// Prints one JSON line; exits 1 when a check fails.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launch, axe, blocking } from "./lib.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const url = args.url;
const bin = args.bin;
const out = args.out || "serve-browser";
const changes = Number(args.changes || 20);
mkdirSync(out, { recursive: true });

const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };
const MAX = "p:establishment.one_off[0].amount_msek.max";

/** Waits until the page has drawn state generation `gen` (or later) at `state`. */
async function drawn(page, states, gen) {
  await page.waitForFunction(
    ([states, gen]) => states.includes(document.body.dataset.state) && Number(document.body.dataset.gen || -1) >= gen,
    [states, gen],
    { timeout: 600_000 },
  );
}
const gen = (page) => page.evaluate(() => window.rk.S.gen);

const browser = await launch();
let result;
try {
  // bypassCSP: axe-core is injected as an inline script, which the page's policy forbids.
  const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true, viewport: { width: 1500, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The refused value below is answered 422 on purpose; Chromium logs that as an error.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().includes("status of 422")) errors.push(m.text()); });
  await page.goto(url);
  await drawn(page, ["refined"], 1);
  const before = join(out, "serve-before.png");
  await page.screenshot({ path: before, fullPage: false });

  // Input event to redrawn page: move the one-off cost's maximum `changes` times, each
  // waiting for the quick pass to be drawn.
  const box = page.locator(`[id="${MAX}"]`);
  const original = Number(await box.inputValue());
  for (let i = 1; i <= changes; i++) {
    const g = (await gen(page)) + 1;
    await box.fill(String(original + i));
    await drawn(page, ["quick", "refined"], g);
  }
  const latencies = await page.evaluate(() => window.rk.latencies.slice());

  // The change the screenshots and the round trip show: the maximum, then the key.
  await box.fill("12");
  await page.selectOption('[id="c:key"]', "users");
  const last = await gen(page);
  await drawn(page, ["refined"], last);
  const after = join(out, "serve-after.png");
  await page.screenshot({ path: after, fullPage: false });
  await page.screenshot({ path: join(out, "serve-after-full.png"), fullPage: true });

  // Spara scenario: the download, under `riskkalkyl run` with the page's runs and seed.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  const saved = join(out, "saved.toml");
  await download.saveAs(saved);
  const toml = readFileSync(saved, "utf8");
  check(toml.includes("establishment.one_off[0].amount_msek.max:") && toml.includes('key "users"'), "the saved scenario says what changed");
  const runs = await page.evaluate(() => document.body.dataset.runs);
  const seed = await page.evaluate(() => window.rk.S.form.seed);
  const runDir = join(out, "run");
  execFileSync(bin, ["--scenario", saved, "run", "--runs", String(runs), "--seed", String(seed), "--quiet", "--out", runDir]);
  const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  const shown = await page.evaluate(() => {
    const rows = [...document.querySelectorAll("#loss-table tbody tr")].map((tr) => ({
      kommun: tr.dataset.kommun,
      ploss: Number(tr.querySelector(".ploss").dataset.value),
      plossText: tr.querySelector(".ploss").textContent,
      npv: Number(tr.querySelector(".npvmean").dataset.value),
      npvText: tr.querySelector(".npvmean").textContent,
    }));
    const p80 = document.getElementById("est-p80");
    return { rows, p80: Number(p80.dataset.value), p80Text: p80.textContent };
  });
  const want = [...summary.kommuner, summary.total];
  check(shown.rows.length === want.length, `rows: ${shown.rows.length} shown, ${want.length} in summary.json`);
  let compared = 0;
  for (let i = 0; i < Math.min(shown.rows.length, want.length); i++) {
    const r = shown.rows[i], w = want[i];
    const fmt = await page.evaluate(([p, m]) => [window.rk.fmtPct(p), window.rk.fmt1(m)], [w.prob_net_loss, w.net_benefit_npv.mean]);
    check(r.ploss === w.prob_net_loss, `${r.kommun}: P(net loss) ${r.ploss} shown, ${w.prob_net_loss} by riskkalkyl run`);
    check(r.plossText.startsWith(fmt[0]), `${r.kommun}: P(net loss) text ${r.plossText}, want ${fmt[0]}`);
    check(r.npv === w.net_benefit_npv.mean, `${r.kommun}: mean NPV ${r.npv} shown, ${w.net_benefit_npv.mean} by riskkalkyl run`);
    check(r.npvText === fmt[1], `${r.kommun}: mean NPV text ${r.npvText}, want ${fmt[1]}`);
    compared += 4;
  }
  check(shown.p80 === summary.establishment_cost.p80, `one-off cost P80 ${shown.p80} shown, ${summary.establishment_cost.p80} by riskkalkyl run`);
  compared += 1;

  // A refused value is shown beside its field, and the page recovers.
  const g = (await gen(page)) + 1;
  await box.fill("-5");
  await page.waitForFunction(() => document.body.dataset.state === "refused", null, { timeout: 600_000 });
  const message = await page.locator('[id="err:establishment.one_off[0].amount_msek"]').textContent();
  check(message.includes("establishment.one_off[0].amount_msek.max") && message.includes("min"), `error beside the field: ${message}`);
  await page.screenshot({ path: join(out, "serve-refused.png"), fullPage: false });
  await box.fill("12");
  await drawn(page, ["quick", "refined"], g + 1);

  // Yearly fan charts on demand.
  await page.click("#yearly-toggle");
  await page.waitForFunction(() => document.querySelectorAll("#yearly canvas").length >= 4, null, { timeout: 600_000 });
  await drawn(page, ["refined"], await gen(page));

  // The server's time for a 50 000-run re-simulation with every statistic (--bench N times,
  // each a new maximum, so the edited side is simulated afresh; the opened side is cached).
  const benchRuns = Number(args["bench-runs"] || 50000);
  const server = await page.evaluate(async ([n, runs]) => {
    const ms = [];
    for (let i = 0; i < n; i++) {
      const body = { runs, seed: window.rk.S.form.seed, edits: [{ path: "establishment.one_off[0].amount_msek.max", value: 20 + i }] };
      const r = await fetch("/api/simulate", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      ms.push((await r.json()).server_ms);
    }
    return ms;
  }, [Number(args.bench || 0), benchRuns]);

  const violations = await axe(page);
  const bad = blocking(violations);
  check(bad.length === 0, `axe: ${bad.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.map((n) => n.target).join(" ")}]`).join("; ")}`);
  check(errors.length === 0, `page errors: ${errors.join("; ")}`);
  const pctOf = (xs) => {
    const s = xs.slice().sort((a, b) => a - b);
    const at = (p) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
    return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
  };
  result = {
    ok: failures.length === 0,
    failures,
    compared,
    runs: Number(runs),
    latency_ms: pctOf(latencies),
    server_ms: server.length ? { runs: benchRuns, ...pctOf(server) } : null,
    violations: violations.length,
    blocking: bad.length,
    screenshots: { before, after },
  };
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
process.exit(result && result.ok ? 0 : 1);
