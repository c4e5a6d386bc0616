#!/usr/bin/env python3
"""A straightforward vectorised NumPy implementation of riskkalkyl's default model.

STATUS (issue 19): this file models the default as it was BEFORE issue 19: the migration
overrun on parallel running and the migration one-offs, the risk register stacked on top, no
outside/inside view, no counterfactual security, no local IT competence, savings ramp fixed.
It is kept as a speed reference only; `--compare` against today's default (outside view
headline, models/scenarios/ggvv.toml) is expected to fail and is no check of the model. No
test or CI job runs it. Bringing it to the new model is open work.

Two jobs: a speed reference (riskkalkyl should be at least 5x faster for the same outputs)
and an independent re-implementation that must give the same distributions within Monte Carlo
error. It reads the scenario TOML itself and follows Model::new and Model::evaluate in
models/src/model.rs: the phase calendar spread on the drawn duration, migration overrun on
parallel running and migration one-offs from the start of the first migration phase, the risk
register (the chosen data-centre case; occurrence, cost and delay, mitigations), savings
capture and the baseline split. The [correlation] section is imposed by Iman-Conover per chunk
of 4096 runs, as sim/src/correlation.rs does (van der Waerden scores, target 2 sin(pi r/6)).
It draws its own random numbers (NumPy's PCG64), so only distributions can agree, not draws.

Outputs computed, as `riskkalkyl run` does: NPV per kommun and total (mean, sd, P5..P95), net
benefit and joint cost per kommun and year (mean, P5..P95), payback year, establishment cost,
duration, P(cost overrun), full-effect saving share. Percentiles are exact (np.percentile).

    cargo run --release -- run --runs 1000000 --out /tmp/rk       # riskkalkyl
    python3 benches/numpy_reference.py --runs 1000000 --compare /tmp/rk/summary.json

Needs Python >= 3.11 (tomllib) and NumPy. Exit code 1 if a compared figure differs by more
than 4 combined standard errors. Not run in CI (a manual measurement, see README).
"""

import argparse
import json
import math
import sys
import time
import tomllib
from functools import lru_cache
from pathlib import Path
from statistics import NormalDist

import numpy as np

SCENARIO = Path(__file__).resolve().parent.parent / "models" / "scenarios" / "ggvv.toml"
CHUNK = 4096  # riskkalkyl's chunk of runs (sim::CHUNK_RUNS): the correlation is imposed per chunk


def point(spec):
    """The plan value of a distribution, as sim/src/dist.rs defines it."""
    if "point" in spec:
        return spec["point"]
    d = spec["dist"]
    if d == "fixed":
        return spec["value"]
    if d == "uniform":
        return (spec["min"] + spec["max"]) / 2
    if d in ("pert", "triangular"):
        return spec["mode"]
    if d in ("normal", "lognormal"):
        return spec["mean"]
    if d == "ref_class_overrun":
        return 0.0
    raise ValueError(d)


def sample(spec, rng, n):
    d = spec["dist"]
    if d == "fixed":
        return np.full(n, spec["value"])
    if d == "uniform":
        return rng.uniform(spec["min"], spec["max"], n)
    if d == "pert":
        lo, mode, hi = spec["min"], spec["mode"], spec["max"]
        s = spec.get("shape", 4.0)
        a = 1 + s * (mode - lo) / (hi - lo)
        b = 1 + s * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * rng.beta(a, b, n)
    if d == "ref_class_overrun":
        out = rng.normal(spec["body_mean"], spec["body_sd"], n)
        bad = out < spec["body_min"]
        while bad.any():
            out[bad] = rng.normal(spec["body_mean"], spec["body_sd"], bad.sum())
            bad = out < spec["body_min"]
        tail = rng.random(n) < spec["tail_prob"]
        u = 1.0 - rng.random(tail.sum())
        out[tail] = np.minimum(spec["tail_scale"] * u ** (-1.0 / spec["tail_alpha"]), spec["tail_cap"])
        return out
    raise ValueError(d)


def overlap(a, b, y):
    """Months of [a, b) inside year y (0-based from the start year)."""
    lo = 12.0 * y
    return np.maximum(np.minimum(b, lo + 12.0) - np.maximum(a, lo), 0.0)


def chol(a):
    """Lower Cholesky factor; for a singular PSD matrix an eigen factor V·√Λ⁺ (as correlation.rs)."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        w, v = np.linalg.eigh(a)
        return v * np.sqrt(np.maximum(w, 0.0))


@lru_cache
def scores(n):
    """van der Waerden scores Φ⁻¹(i/(n+1)), i = 1..n."""
    inv = NormalDist().inv_cdf
    return np.array([inv(i / (n + 1)) for i in range(1, n + 1)])


def iman_conover(x, p, rng):
    """Re-order the columns of x (chunks, n, k) so their rank correlation follows P·Pᵀ."""
    c, n, k = x.shape
    if k < 2 or n < k + 2:
        return x
    sc = scores(n)
    m = rng.permuted(np.broadcast_to(sc[None, :, None], (c, n, k)), axis=1)  # each column shuffled
    t = np.einsum("cna,cnb->cab", m, m) / (sc @ sc)
    q = np.linalg.cholesky(t)
    w = np.linalg.solve(q.transpose(0, 2, 1), np.broadcast_to(p.T, (c, k, k)))  # (P Q⁻¹)ᵀ
    s = m @ w
    out = np.empty_like(x)
    np.put_along_axis(out, np.argsort(s, axis=1), np.sort(x, axis=1), axis=1)
    return out


class Model:
    def __init__(self, s):
        self.s = s
        y = s["years"]
        self.base, self.start, self.horizon = y["base_year"], y["start_year"], y["horizon_year"]
        self.npv_base = y["npv_base_year"]
        self.years = np.arange(self.base, self.horizon + 1)
        self.names = [k["name"] for k in s["kommuner"]]
        cats = s["categories"]
        self.cost0 = np.array([[k["cost_2024_tkr"][c["id"]] / 1000 for c in cats] for k in s["kommuner"]])
        self.cost0_total = self.cost0.sum(0)
        self.cat_growth = [c["growth"] for c in cats]

        def key(name):
            return np.array([s["keys"][name]["shares_pct"][k] / 100 for k in self.names])

        def mix(weights):
            v = sum(w / 100 * key(k) for k, w in weights.items())
            return v / v.sum()

        split = s["baseline"]["split"]
        self.baseline = None if split == "own_costs" else key(split) / key(split).sum()
        a = s["allocation"]
        self.key_est = mix(a["establishment_weights_pct"])
        self.key_tr = mix(a["transition_weights_pct"])
        self.key_full = mix(a["full_effect_weights_pct"])
        e = s["establishment"]
        hours = [p["internal_hours"] + p["external_hours"] for p in e["phases"]]
        self.hours_share = [h / sum(hours) for h in hours]
        self.plan_offset = [p["planned_year"] - self.start for p in e["phases"]]
        self.plan_years = max([o + 1.0 for o in self.plan_offset] + [1.0])
        # Plan year of the first migration phase (the end of the plan if none). model.rs also
        # caps it at planned_months / 12, which mixes units; no effect for ggvv (2 < 3).
        mig = [o for o, p in zip(self.plan_offset, e["phases"]) if p["migration"]]
        self.migration_offset = min(mig + [self.plan_years])
        self.point_duration_sum = sum(point(p["duration_months"]) for p in e["phases"])
        ids = [c["id"] for c in cats]
        self.saving_applies = [
            np.array([sv["applies_to_pct"].get(c, 0.0) / 100 for c in ids]) for sv in s["savings"]
        ]
        self.capture = s.get("savings_capture_pct", 100.0) / 100
        st = s["staffing"]
        self.staff_applies = np.array([st["applies_to_pct"].get(c, 0.0) / 100 for c in ids])
        self.role_volume = [sum(k.get(r["volume"], 0.0) for k in s["kommuner"]) for r in st["roles"]]
        self.discount = 1.0 / (1 + s["finance"]["discount_rate_pct"] / 100) ** (self.years - self.npv_base)
        # Risk register: (risk index, case, probability, impact factor) of the chosen case; applied
        # mitigations lower probability and impact and add their cost.
        reg = s.get("risk_register")
        self.risks, self.mitigation_cost = [], 0.0
        if reg:
            case = "new" if reg["data_centre"] == "new" else "existing"
            for i, r in enumerate(reg["risks"]):
                m = r["mitigation"]
                on = m.get("applied", False)
                pf, imf = (m["probability_factor_pct"] / 100, m["impact_factor_pct"] / 100) if on else (1.0, 1.0)
                self.risks.append((i, case, r[case]["probability_pct"] / 100 * pf, imf))
                self.mitigation_cost += m["cost_msek"] if on else 0.0
        corr = s.get("correlation")
        self.corr = None
        if corr:
            c = np.array(corr["matrix"], dtype=float)
            if np.linalg.eigvalsh(c).min() < -1e-10:
                raise ValueError("correlation matrix is not PSD (repair is not implemented here)")
            # Normal-score target whose Spearman correlation is the matrix.
            self.corr = (corr["inputs"], chol(2 * np.sin(np.pi * c / 6)))

    def specs(self):
        """The uncertain inputs by field path, as Scenario::inputs names them."""
        s, e, st = self.s, self.s["establishment"], self.s["staffing"]
        out = {f"growth_pct_per_year.{k}": v for k, v in s["growth_pct_per_year"].items()}
        for k in ("project_labour_msek", "parallel_running_msek_per_year", "schedule_overrun_pct", "migration_overrun_pct"):
            out[f"establishment.{k}"] = e[k]
        for i, p in enumerate(e["phases"]):
            out[f"establishment.phases[{i}].duration_months"] = p["duration_months"]
        for i, o in enumerate(e["one_off"]):
            out[f"establishment.one_off[{i}].amount_msek"] = o["amount_msek"]
        for i, sv in enumerate(s["savings"]):
            out[f"savings[{i}].rate_pct"] = sv["rate_pct"]
        out["staffing.strategic_fte"] = st["strategic_fte"]
        for i, r in enumerate(st["roles"]):
            out[f"staffing.roles[{i}].per_fte"] = r["per_fte"]
        for i, case, _, _ in self.risks:
            r = s["risk_register"]["risks"][i]
            out[f"risk_register.risks[{i}].occurs"] = {"dist": "uniform", "min": 0.0, "max": 1.0, "point": 1.0}
            out[f"risk_register.risks[{i}].{case}.cost_msek"] = r[case]["cost_msek"]
            out[f"risk_register.risks[{i}].{case}.delay_months"] = r[case]["delay_months"]
        return out

    def draw(self, rng, n):
        x = {k: sample(v, rng, n) for k, v in self.specs().items()}
        if self.corr:
            # Iman–Conover per chunk of 4096 runs, as riskkalkyl's runner cuts them.
            names, p = self.corr
            cols = np.stack([x[k] for k in names], axis=1)
            full = n // CHUNK * CHUNK
            parts = [iman_conover(cols[:full].reshape(-1, CHUNK, len(names)), p, rng).reshape(full, -1)] if full else []
            if full < n:
                parts.append(iman_conover(cols[None, full:], p, rng)[0])
            cols = np.concatenate(parts)
            for j, k in enumerate(names):
                x[k] = cols[:, j]
        return x

    def points(self):
        return {k: np.array([point(v)]) for k, v in self.specs().items()}

    def evaluate(self, x):
        s, e = self.s, self.s["establishment"]
        n = len(x["staffing.strategic_fte"])
        T, K = len(self.years), len(self.names)
        start = self.start - self.base
        drawn = sum(x[f"establishment.phases[{i}].duration_months"] for i in range(len(e["phases"])))
        planned = e["planned_months"] * (drawn / self.point_duration_sum) * (1 + x["establishment.schedule_overrun_pct"] / 100)
        risk_cost, risk_delay = np.full(n, self.mitigation_cost), np.zeros(n)
        for i, case, prob, impact in self.risks:
            hit = x[f"risk_register.risks[{i}].occurs"] < prob
            risk_cost += np.where(hit, x[f"risk_register.risks[{i}].{case}.cost_msek"] * impact, 0.0)
            risk_delay += np.where(hit, x[f"risk_register.risks[{i}].{case}.delay_months"] * impact, 0.0)
        d = planned + risk_delay
        stretch = d / e["planned_months"]
        calendar = d / (12 * self.plan_years)  # the plan's phase calendar spread on d
        end_rel = np.maximum(np.ceil(d / 12).astype(int), 1) - 1
        overrun = 1 + x["establishment.migration_overrun_pct"] / 100
        labour = x["establishment.project_labour_msek"] * stretch
        g_par = x[f"growth_pct_per_year.{e['parallel_growth']}"] / 100
        par = x["establishment.parallel_running_msek_per_year"]
        p0 = e["parallel_start_month"]
        m0 = np.minimum(12 * self.migration_offset * calendar, d)  # migration (and its overrun) starts
        m0p = np.maximum(m0, p0)
        extras = np.zeros((n, T))
        total = np.zeros(n)
        for y in range(int(end_rel.max()) + 1):
            active = y <= end_rel
            extra = np.zeros(n)
            for i, p in enumerate(e["phases"]):
                a = 12 * self.plan_offset[i] * calendar
                b = 12 * (self.plan_offset[i] + 1) * calendar
                cost = labour * self.hours_share[i] * overlap(a, b, y) / (b - a)
                extra += cost * overrun if p["migration"] else cost
            price = (1 + g_par) ** (self.start + y - e["parallel_price_year"])
            months = overlap(p0, m0p, y) + overrun * overlap(m0p, d, y)
            extra += np.where(d > p0, par / 12 * months * price, 0.0)
            extra += risk_cost * overlap(0.0, d, y) / d
            for i, o in enumerate(e["one_off"]):
                amount = x[f"establishment.one_off[{i}].amount_msek"]
                if o["migration"]:
                    extra += amount * overlap(m0, d, y) / np.maximum(d - m0, np.finfo(float).tiny) * overrun
                else:
                    extra += amount * overlap(0.0, d, y) / d
            extra = np.where(active, extra, 0.0)
            total += extra
            if start + y < T:
                extras[:, start + y] = extra
        st = s["staffing"]
        fte = st["managers_fte"] + x["staffing.strategic_fte"] + sum(
            v / x[f"staffing.roles[{i}].per_fte"] for i, v in enumerate(self.role_volume))
        staff_saving = 1 - fte / st["today_fte"]
        cat_saving = staff_saving[:, None] * self.staff_applies[None, :]
        for i, app in enumerate(self.saving_applies):
            cat_saving = cat_saving + (x[f"savings[{i}].rate_pct"] / 100)[:, None] * app[None, :]
        cat_saving = self.capture * cat_saving
        g = np.stack([1 + x[f"growth_pct_per_year.{c}"] / 100 for c in self.cat_growth], axis=1)  # (n, C)
        full_year = start + end_rel + 2
        cost_full = self.cost0_total[None, :] * g ** full_year[:, None]
        saving_share = (cost_full * cat_saving).sum(1) / cost_full.sum(1)
        t = np.arange(T)
        gt = g[:, None, :] ** t[None, :, None]  # (n, T, C)
        cat_cost = self.cost0_total[None, None, :] * gt
        current_total = cat_cost.sum(2)
        rel = t[None, :] - start
        eff = (0.5 * overlap(d[:, None], d[:, None] + 12, rel) + overlap(d[:, None] + 12, np.inf, rel)) / 12
        eff = np.where(rel < 0, 0.0, eff)
        saved_total = (cat_cost * cat_saving[:, None, :]).sum(2) * eff
        joint_total = current_total - saved_total + extras
        if self.baseline is None:  # own_costs: each kommun's own categories compounded
            current = np.einsum("kc,ntc->nkt", self.cost0, gt)
        else:
            current = self.baseline[None, :, None] * current_total[:, None, :]  # (n, K, T)
        er = end_rel[:, None, None]
        r3 = np.broadcast_to(rel[:, None, :], (n, K, T))
        joint = np.where(
            r3 < 0,
            current,
            np.where(
                r3 <= er,
                current + self.key_est[None, :, None] * (joint_total - current_total)[:, None, :],
                np.where(r3 == er + 1, self.key_tr[None, :, None], self.key_full[None, :, None]) * joint_total[:, None, :],
            ),
        )
        net = current - joint
        npv = (net * self.discount[None, None, :]).sum(2)
        # Payback: first year from which cumulative net benefit (from the start year) stays >= 0.
        net_all = np.concatenate([net, net.sum(1, keepdims=True)], axis=1)[:, :, start:]
        cum = np.cumsum(net_all, axis=2)
        neg = cum < 0
        last_neg = np.where(neg.any(2), T - start - 1 - np.argmax(neg[:, :, ::-1], axis=2), -1)
        payback = np.where(neg[:, :, -1], -1, self.start + last_neg + 1)  # -1: not by the horizon
        return dict(npv=npv, net=net, joint=joint, establishment=total, duration=d,
                    saving_share=saving_share, payback=payback)


PCTS = [5, 10, 25, 50, 75, 80, 90, 95]
BATCH = 24 * CHUNK


def summarise(m, o, budget):
    npv_total = o["npv"].sum(1)
    npvs = [o["npv"][:, k] for k in range(len(m.names))] + [npv_total]
    res = {"npv": [], "yearly": []}
    for v in npvs:
        res["npv"].append(dict(mean=v.mean(), sd=v.std(ddof=1), p=np.percentile(v, PCTS), loss=(v < 0).mean()))
    for arr in (o["net"], o["joint"]):
        full = np.concatenate([arr, arr.sum(1, keepdims=True)], axis=1)
        res["yearly"].append((full.mean(0), np.percentile(full, PCTS, axis=0)))
    est = o["establishment"]
    res["establishment"] = dict(mean=est.mean(), sd=est.std(ddof=1), p=np.percentile(est, PCTS))
    res["overrun"] = (est > budget).mean()
    res["duration"] = (o["duration"].mean(), np.percentile(o["duration"], PCTS))
    res["saving_share"] = (o["saving_share"].mean(), np.percentile(o["saving_share"], PCTS))
    res["payback_counts"] = [np.unique(o["payback"][:, k], return_counts=True) for k in range(o["payback"].shape[1])]
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20270101)
    ap.add_argument("--scenario", type=Path, default=SCENARIO)
    ap.add_argument("--compare", type=Path, help="riskkalkyl summary.json to compare with")
    ap.add_argument("--json", action="store_true", help="print timing as JSON")
    a = ap.parse_args()
    m = Model(tomllib.loads(a.scenario.read_text()))
    budget = float(m.evaluate(m.points())["establishment"][0])
    rng = np.random.default_rng(a.seed)
    t0 = time.perf_counter()
    # Batches of 24 chunks (98 304 runs) keep the temporaries in memory; percentiles are taken over all runs.
    parts = [m.evaluate(m.draw(rng, min(BATCH, a.runs - i))) for i in range(0, a.runs, BATCH)]
    o = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    res = summarise(m, o, budget)
    secs = time.perf_counter() - t0
    timing = dict(runs=a.runs, seconds=secs, runs_per_s=a.runs / secs, ns_per_run=secs * 1e9 / a.runs,
                  numpy=np.__version__, budget_msek=budget)
    print(json.dumps(timing) if a.json else
          f"numpy reference: {a.runs} runs in {secs:.2f} s ({a.runs / secs:.0f} runs/s, {secs * 1e9 / a.runs:.0f} ns/run); budget {budget:.3f} MSEK")
    if not a.compare:
        return 0
    rk = json.loads(a.compare.read_text())
    n_rk = rk["runs"]
    bad = 0

    def check(what, mine, mine_se, theirs, theirs_se):
        nonlocal bad
        z = abs(mine - theirs) / math.hypot(mine_se, theirs_se)
        ok = z <= 4
        bad += not ok
        print(f"  {'ok ' if ok else 'BAD'} {what:<40} numpy {mine:10.4f}  riskkalkyl {theirs:10.4f}  z = {z:4.1f}")

    print(f"compare with {a.compare} ({n_rk} runs): |difference| <= 4 combined standard errors")
    check("budget (point values), MSEK", budget, 1e-9, rk["budget_msek"], 1e-3)
    entries = rk["kommuner"] + [rk["total"]]
    for i, k in enumerate(entries):
        r = res["npv"][i]
        theirs = k["net_benefit_npv"]
        check(f"NPV mean {k['name']}", r["mean"], r["sd"] / math.sqrt(a.runs), theirs["mean"], theirs["mean_se"])
        # Median: se ~ sd * sqrt(pi/2) / sqrt(n) for near-normal; 1.6x as margin for skew.
        for q, key in ((50, "p50"), (10, "p10"), (90, "p90")):
            se = 1.6 * r["sd"] * math.sqrt(math.pi / 2)
            check(f"NPV {key} {k['name']}", r["p"][PCTS.index(q)], se / math.sqrt(a.runs), theirs[key], se / math.sqrt(n_rk))
        p = r["loss"]
        check(f"P(net loss) {k['name']}", p, math.sqrt(max(p * (1 - p), 1e-12) / a.runs), k["prob_net_loss"],
              max(k["prob_net_loss_se"], 1e-9))
    est = res["establishment"]
    check("establishment mean, MSEK", est["mean"], est["sd"] / math.sqrt(a.runs),
          rk["establishment_cost"]["mean"], rk["establishment_cost"]["mean_se"])
    p = res["overrun"]
    check("P(cost overrun)", p, math.sqrt(p * (1 - p) / a.runs), rk["prob_cost_overrun"], rk["prob_cost_overrun_se"])
    sm, _ = res["saving_share"]
    sd = o["saving_share"].std(ddof=1)
    check("full-effect saving share mean", sm, sd / math.sqrt(a.runs), rk["saving_share_full_effect"]["mean"],
          rk["saving_share_full_effect"]["mean_se"])
    dm, _ = res["duration"]
    sd = o["duration"].std(ddof=1)
    check("duration mean, months", dm, sd / math.sqrt(a.runs), rk["establishment_duration_months"]["mean"],
          rk["establishment_duration_months"]["mean_se"])
    print("all within 4 standard errors" if bad == 0 else f"{bad} figure(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
