//! The cost model evaluated for many runs side by side: the fast path the run loop takes.
//!
//! Each figure of a run is a row of [`Lanes`] with one value per run, and every loop runs over
//! the runs of a row, so the compiler turns it into vector instructions. Every run goes
//! through the same operations in the same order, with selects where a plain model branches;
//! [`super::reference`] is the same model written for one run, and a property test
//! (`models/tests/reference.rs`) checks that the two agree to the bit.

use super::{Model, Outcome, overlap, powi_each};

/// The year of a run's payback in [`Lanes::payback_year`] when it does not pay back by the
/// horizon.
pub const NO_PAYBACK: i32 = i32::MIN;

/// The outcomes of up to [`Lanes::width`] runs side by side, filled by
/// [`Model::evaluate_lanes`]: the value of run `j` in row `i` of a field at `[i * width + j]`,
/// so one figure of all runs lies in one contiguous slice ([`Lanes::row`]). Buffers are reused;
/// make one per worker with [`Model::new_lanes`].
#[derive(Debug, Clone)]
pub struct Lanes {
    width: usize,
    len: usize,
    /// Rows `k * years + t` per kommun and year, MSEK: today's cost, the joint-operations
    /// cost after the split, and the net benefit.
    current: Vec<f64>,
    joint: Vec<f64>,
    net: Vec<f64>,
    /// Rows `t`: the net benefit and the split joint cost summed over the kommuner.
    net_sum: Vec<f64>,
    joint_sum: Vec<f64>,
    /// Rows `t`: the joint cost before the split.
    joint_total: Vec<f64>,
    /// Rows `k`: NPV per kommun; and their sum.
    npv: Vec<f64>,
    npv_sum: Vec<f64>,
    /// Rows `k` per kommun, then the total: the payback year, or [`NO_PAYBACK`].
    payback_year: Vec<i32>,
    /// The establishment cost by the headline view, and by each view.
    establishment_msek: Vec<f64>,
    establishment_inside_msek: Vec<f64>,
    establishment_outside_msek: Vec<f64>,
    duration_months: Vec<f64>,
    staff_saving: Vec<f64>,
    saving_share_full: Vec<f64>,
    /// Rows `t`: establishment (extra) cost per year.
    extras: Vec<f64>,
    /// Years from the start year to the one migration ends in (a whole number: kept as f64
    /// so that the comparisons with it run in the same vector lanes as the money).
    end_rel: Vec<f64>,
    /// Per-run intermediate figures, one value per run each.
    scratch: Scratch,
    /// Rows `c` per cost category.
    cat_cost: Vec<f64>,
    cat_growth: Vec<f64>,
    cat_saving: Vec<f64>,
    /// Rows `k` per kommun, then the total: cumulative net benefit from the start year.
    cum: Vec<f64>,
}

/// The intermediate figures of [`Model::evaluate_lanes`], one row of one value per run each:
/// named as in [`super::reference`], which computes the same figures for one run.
#[derive(Debug, Clone)]
struct Scratch {
    /// Sum of the drawn phase durations, months.
    drawn_months: Vec<f64>,
    /// Cost of the mitigations and of the risks that occur, MSEK.
    risk_cost_msek: Vec<f64>,
    /// Delay from the risks that occur, months.
    risk_delay_months: Vec<f64>,
    /// Drawn duration / planned duration: project labour scales with it.
    stretch: Vec<f64>,
    /// The plan's calendar squeezed or stretched to the drawn duration: years of the run per
    /// plan year.
    calendar: Vec<f64>,
    /// 1 + the reference class's overrun.
    overrun_factor: Vec<f64>,
    /// Outside view / inside view: the factor on the inside view's yearly costs that gives the
    /// outside view's.
    view_scale: Vec<f64>,
    /// Project labour stretched with the duration, MSEK.
    labour_msek: Vec<f64>,
    /// The parallel running's yearly price factor.
    parallel_growth_factor: Vec<f64>,
    /// When the migration one-offs start, months from January of the start year.
    migration_start_month: Vec<f64>,
    /// Extra cost of the establishment year at hand, MSEK.
    year_extra_msek: Vec<f64>,
    /// Staff of the roles in the joint organisation, FTE.
    roles_fte: Vec<f64>,
    /// A saving post's rate as a fraction.
    saving_fraction: Vec<f64>,
    /// Today's cost summed over the categories, MSEK (of the full-effect year, then of each
    /// year).
    current_total_msek: Vec<f64>,
    /// The saving summed over the categories, MSEK (same years).
    saved_total_msek: Vec<f64>,
    /// Share of the full saving realised in the year at hand.
    effect_share: Vec<f64>,
    /// A growth factor raised to a power.
    power: Vec<f64>,
}

/// A figure of [`Lanes`] to read a row of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Row `k * years + t`.
    Current,
    /// Row `k * years + t`.
    Net,
    /// Row `k * years + t`.
    Joint,
    /// Row `t`: summed over the kommuner.
    NetSum,
    /// Row `t`: summed over the kommuner.
    JointSum,
    /// Row `k`.
    Npv,
    /// Row 0: summed over the kommuner.
    NpvSum,
    /// Row 0: by the headline view.
    Establishment,
    /// Row 0: the inside view (bottom-up).
    EstablishmentInside,
    /// Row 0: the outside view (reference class).
    EstablishmentOutside,
    /// Row 0.
    Duration,
    /// Row 0.
    SavingShareFull,
    /// Row 0.
    StaffSaving,
    /// Row `t`: the joint cost before the split.
    JointTotal,
    /// Row `t`: the establishment (extra) cost.
    Extras,
}

/// The buffer of [`Lanes`] behind a [`Field`], borrowed with `&` or `&mut`: one list for
/// [`Lanes::row`] and [`Lanes::row_mut`].
macro_rules! field_vec {
    ($lanes:expr, $field:expr, $($borrow:tt)+) => {
        match $field {
            Field::Current => $($borrow)+ $lanes.current,
            Field::Net => $($borrow)+ $lanes.net,
            Field::Joint => $($borrow)+ $lanes.joint,
            Field::NetSum => $($borrow)+ $lanes.net_sum,
            Field::JointSum => $($borrow)+ $lanes.joint_sum,
            Field::Npv => $($borrow)+ $lanes.npv,
            Field::NpvSum => $($borrow)+ $lanes.npv_sum,
            Field::Establishment => $($borrow)+ $lanes.establishment_msek,
            Field::EstablishmentInside => $($borrow)+ $lanes.establishment_inside_msek,
            Field::EstablishmentOutside => $($borrow)+ $lanes.establishment_outside_msek,
            Field::Duration => $($borrow)+ $lanes.duration_months,
            Field::SavingShareFull => $($borrow)+ $lanes.saving_share_full,
            Field::StaffSaving => $($borrow)+ $lanes.staff_saving,
            Field::JointTotal => $($borrow)+ $lanes.joint_total,
            Field::Extras => $($borrow)+ $lanes.extras,
        }
    };
}

impl Lanes {
    /// How many runs the lanes hold.
    pub fn width(&self) -> usize {
        self.width
    }

    /// How many runs the last evaluation filled.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Row `i` of `field`: one figure of each run of the last evaluation.
    #[inline]
    pub fn row(&self, field: Field, i: usize) -> &[f64] {
        let v = field_vec!(self, field, &);
        &v[i * self.width..i * self.width + self.len]
    }

    /// Row `i` of `field`, to overwrite (tests of what the run loop does with bad figures).
    #[cfg(test)]
    pub(crate) fn row_mut(&mut self, field: Field, i: usize) -> &mut [f64] {
        let (w, len) = (self.width, self.len);
        let v = field_vec!(self, field, &mut);
        &mut v[i * w..i * w + len]
    }

    /// Payback years of kommun `k` (the total at `k = kommuner`), [`NO_PAYBACK`] for none.
    pub fn payback_year(&self, k: usize) -> &[i32] {
        &self.payback_year[k * self.width..k * self.width + self.len]
    }
}

/// Add one year's net benefit to the cumulative sums `cum`; the payback year is the first year
/// from which the sum stays ≥ 0.
#[inline]
fn track_payback(cum: &mut [f64], payback: &mut [i32], net: &[f64], year: i32) {
    for ((c, p), &nb) in cum.iter_mut().zip(payback.iter_mut()).zip(net) {
        *c += nb;
        *p = if *c >= 0.0 {
            if *p == NO_PAYBACK { year } else { *p }
        } else {
            NO_PAYBACK
        };
    }
}

impl Model {
    /// Lanes for up to `width` runs evaluated together.
    pub fn new_lanes(&self, width: usize) -> Lanes {
        let (k, n, c) = (self.names.len(), self.years.len(), self.cost0_total.len());
        let v = |rows: usize| vec![0.0; rows * width];
        Lanes {
            width,
            len: 0,
            current: v(k * n),
            joint: v(k * n),
            net: v(k * n),
            net_sum: v(n),
            joint_sum: v(n),
            joint_total: v(n),
            npv: v(k),
            npv_sum: v(1),
            payback_year: vec![NO_PAYBACK; (k + 1) * width],
            establishment_msek: v(1),
            establishment_inside_msek: v(1),
            establishment_outside_msek: v(1),
            duration_months: v(1),
            staff_saving: v(1),
            saving_share_full: v(1),
            extras: v(n),
            end_rel: vec![0.0; width],
            scratch: Scratch {
                drawn_months: v(1),
                risk_cost_msek: v(1),
                risk_delay_months: v(1),
                stretch: v(1),
                calendar: v(1),
                overrun_factor: v(1),
                view_scale: v(1),
                labour_msek: v(1),
                parallel_growth_factor: v(1),
                migration_start_month: v(1),
                year_extra_msek: v(1),
                roles_fte: v(1),
                saving_fraction: v(1),
                current_total_msek: v(1),
                saved_total_msek: v(1),
                effect_share: v(1),
                power: v(1),
            },
            cat_cost: v(c),
            cat_growth: v(c),
            cat_saving: v(c),
            cum: v(k + 1),
        }
    }

    /// Evaluate one draw `x` (in [`Model::input_names`] order) into `out`. Allocates nothing.
    /// The same arithmetic as [`Model::evaluate_lanes`] on one lane, so a run's outcome is the
    /// same to the bit whichever way it is evaluated.
    pub fn evaluate(&self, x: &[f64], out: &mut Outcome) {
        let mut lanes = out.lanes.take().unwrap_or_else(|| Box::new(self.new_lanes(1)));
        self.evaluate_lanes_inner(|i| std::slice::from_ref(&x[i]), 1, &mut lanes);
        self.read_run(&lanes, 0, out);
        out.lanes = Some(lanes);
    }

    /// Copy run `j` of `lanes` (filled by this model) into `out`.
    pub fn read_run(&self, lanes: &Lanes, j: usize, out: &mut Outcome) {
        assert!(j < lanes.len, "run {j} of {} in the lanes", lanes.len);
        let w = lanes.width;
        let gather = |to: &mut [f64], from: &[f64]| to.iter_mut().enumerate().for_each(|(i, v)| *v = from[i * w + j]);
        gather(&mut out.current, &lanes.current);
        gather(&mut out.joint, &lanes.joint);
        gather(&mut out.net, &lanes.net);
        gather(&mut out.joint_total, &lanes.joint_total);
        gather(&mut out.npv, &lanes.npv);
        gather(&mut out.extras, &lanes.extras);
        for (k, p) in out.payback_year.iter_mut().enumerate() {
            let y = lanes.payback_year[k * w + j];
            *p = (y != NO_PAYBACK).then_some(y);
        }
        out.establishment_msek = lanes.establishment_msek[j];
        out.establishment_inside_msek = lanes.establishment_inside_msek[j];
        out.establishment_outside_msek = lanes.establishment_outside_msek[j];
        out.duration_months = lanes.duration_months[j];
        out.migration_end_year = self.start_year + lanes.end_rel[j] as i32;
        out.staff_saving = lanes.staff_saving[j];
        out.saving_share_full = lanes.saving_share_full[j];
    }

    /// Evaluate `len` runs side by side into `out` (at most [`Lanes::width`] runs): `x(i)`
    /// holds input `i` (in [`Model::input_names`] order) of each run. Every figure of a run
    /// goes through the same operations in the same order as in any other run, so the loops
    /// over runs can use vector instructions and a run's results do not depend on its
    /// neighbours. Allocates nothing.
    #[allow(
        unsafe_code,
        reason = "the model's one call of code compiled for AVX2, after checking the CPU"
    )]
    pub fn evaluate_lanes<'x>(&self, x: impl Fn(usize) -> &'x [f64], len: usize, out: &mut Lanes) {
        assert!(len <= out.width, "{len} runs in lanes of width {}", out.width);
        #[cfg(target_arch = "x86_64")]
        if len > 1 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { self.evaluate_lanes_avx2(x, len, out) };
            return;
        }
        self.evaluate_lanes_inner(x, len, out);
    }

    /// [`Model::evaluate_lanes`] compiled for AVX2: the same operations, four lanes at a time.
    /// (No fused multiply-add: Rust never contracts `a * b + c`, so results are identical.)
    /// The model keeps this one dispatch of its own rather than `sim::kernels::with_avx2`: the
    /// closure that the generic dispatch needs cost 225 instructions per run (callgrind, 40 960
    /// default runs on one thread: 12 583 against 12 014 with this function).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn evaluate_lanes_avx2<'x>(&self, x: impl Fn(usize) -> &'x [f64], len: usize, out: &mut Lanes) {
        self.evaluate_lanes_inner(x, len, out);
    }

    #[inline(always)]
    fn evaluate_lanes_inner<'x>(&self, x: impl Fn(usize) -> &'x [f64], len: usize, out: &mut Lanes) {
        let w = out.width;
        let n = self.years.len();
        let k_count = self.names.len();
        let start = (self.start_year - self.base_year) as usize;
        // The savings ramp: the share of the full saving in the months after migration ends, how
        // many months, and the year (after the one migration ends in) full effect starts.
        let (half, ramp) = (self.half_effect_share, self.half_effect_months);
        let full_after = self.full_effect_years_after_migration as f64;
        let x = |i: usize| &x(i)[..len];
        // Row `i` of a field laid out `[i * w + j]`, cut to the runs in use.
        fn row<T>(v: &mut [T], i: usize, w: usize, len: usize) -> &mut [T] {
            &mut v[i * w..i * w + len]
        }
        let Lanes {
            current,
            joint,
            net,
            net_sum,
            joint_sum,
            joint_total: joint_totals,
            npv,
            npv_sum,
            payback_year,
            establishment_msek,
            establishment_inside_msek,
            establishment_outside_msek,
            duration_months,
            staff_saving,
            saving_share_full,
            extras,
            end_rel,
            scratch,
            cat_cost,
            cat_growth,
            cat_saving,
            cum,
            ..
        } = out;
        // The short names the arithmetic below reads best with.
        let Scratch {
            drawn_months,
            risk_cost_msek,
            risk_delay_months,
            stretch,
            calendar,
            overrun_factor,
            view_scale,
            labour_msek,
            parallel_growth_factor,
            migration_start_month,
            year_extra_msek,
            roles_fte,
            saving_fraction,
            current_total_msek,
            saved_total_msek,
            effect_share,
            power,
        } = scratch;
        let drawn = &mut drawn_months[..len];
        let risk_cost = &mut risk_cost_msek[..len];
        let risk_delay = &mut risk_delay_months[..len];
        let stretch = &mut stretch[..len];
        let calendar = &mut calendar[..len];
        let overrun = &mut overrun_factor[..len];
        let labour = &mut labour_msek[..len];
        let par_growth = &mut parallel_growth_factor[..len];
        let m0 = &mut migration_start_month[..len];
        let extra = &mut year_extra_msek[..len];
        let roles = &mut roles_fte[..len];
        let fraction = &mut saving_fraction[..len];
        let current_total = &mut current_total_msek[..len];
        let saved_total = &mut saved_total_msek[..len];
        let effect = &mut effect_share[..len];
        let power = &mut power[..len];
        let end_rel = &mut end_rel[..len];
        let d = &mut duration_months[..len];

        // Timeline: the plan stretched by the drawn phase durations and schedule overrun.
        drawn.fill(-0.0);
        for p in &self.phases {
            let xd = x(p.duration);
            (0..len).for_each(|j| drawn[j] += xd[j]);
        }
        let schedule = x(self.slots.schedule);
        for j in 0..len {
            d[j] = self.planned_months * (drawn[j] / self.point_duration_sum) * (1.0 + schedule[j] / 100.0);
        }
        // Risks of the register that occur add cost and delay; the delay stretches the plan.
        risk_cost.fill(self.mitigation_cost_msek);
        risk_delay.fill(0.0);
        for r in &self.risks {
            let (occurs, cost, delay) = (x(r.occurs), x(r.cost), x(r.delay));
            let (probability, impact) = (r.probability, r.impact);
            // Zipped slices of one length and a select, not a branch: the occurrence is random,
            // so a branch would be mispredicted for about one run in four.
            let sums = risk_cost.iter_mut().zip(risk_delay.iter_mut());
            for ((rc, rd), ((&o, &c), &dl)) in sums.zip(occurs.iter().zip(cost).zip(delay)) {
                // Adding +0 for a risk that does not occur leaves the sums as they are.
                let hit = o < probability;
                *rc += if hit { c * impact } else { 0.0 };
                *rd += if hit { dl * impact } else { 0.0 };
            }
        }
        let (x_overrun, x_labour, x_g_par) = (x(self.slots.overrun), x(self.slots.labour), x(self.parallel_growth));
        for j in 0..len {
            d[j] += risk_delay[j];
            stretch[j] = d[j] / self.planned_months;
            // The plan's calendar (the years the förstudie books phases in) squeezed or
            // stretched to the drawn duration.
            calendar[j] = d[j] / (12.0 * self.plan_years);
            end_rel[j] = (d[j] / 12.0).ceil().max(1.0) - 1.0;
            overrun[j] = 1.0 + x_overrun[j] / 100.0;
            labour[j] = x_labour[j] * stretch[j];
            // The parallel running's yearly price factor.
            par_growth[j] = 1.0 + x_g_par[j] / 100.0;
            // The migration one-offs are spread from the start of the (first) migration phase.
            m0[j] = (12.0 * self.migration_offset * calendar[j]).min(d[j]);
        }
        let d = &*d;

        // Extra costs per calendar year of the establishment by the inside view; a run adds
        // nothing after its own end.
        extras[..n * w].fill(0.0);
        let total = &mut establishment_inside_msek[..len];
        total.fill(0.0);
        let p0 = self.parallel_start_month;
        let x_parallel = x(self.slots.parallel);
        let last = end_rel.iter().copied().fold(0.0, f64::max) as usize;
        for y in 0..=last {
            extra.fill(0.0);
            for p in &self.phases {
                let cost = |j: usize| {
                    let (a, b) = (
                        12.0 * p.plan_offset * calendar[j],
                        12.0 * (p.plan_offset + 1.0) * calendar[j],
                    );
                    labour[j] * p.hours_share * overlap(a, b, y) / (b - a)
                };
                (0..len).for_each(|j| extra[j] += cost(j));
            }
            let exponent = self.start_year + y as i32 - self.parallel_price_year;
            powi_each(power, par_growth, |_| exponent);
            for j in 0..len {
                if d[j] > p0 {
                    let price = power[j];
                    extra[j] += x_parallel[j] / 12.0 * overlap(p0, d[j], y) * price;
                }
                extra[j] += risk_cost[j] * overlap(0.0, d[j], y) / d[j];
            }
            for &(slot, migration) in &self.one_offs {
                let amount = x(slot);
                for j in 0..len {
                    extra[j] += if migration {
                        amount[j] * overlap(m0[j], d[j], y) / (d[j] - m0[j]).max(f64::MIN_POSITIVE)
                    } else {
                        amount[j] * overlap(0.0, d[j], y) / d[j]
                    };
                }
            }
            // Past a run's own end its extra is 0 (and adding +0 leaves its total as it is).
            let yf = y as f64;
            (0..len).for_each(|j| extra[j] = if yf <= end_rel[j] { extra[j] } else { 0.0 });
            (0..len).for_each(|j| total[j] += extra[j]);
            if start + y < n {
                row(extras, start + y, w, len).copy_from_slice(extra);
            }
        }
        // The outside view: the reference estimate × (1 + overrun); the headline view's total.
        let outside = &mut establishment_outside_msek[..len];
        (0..len).for_each(|j| outside[j] = self.reference_estimate_msek * overrun[j]);
        let headline = &mut establishment_msek[..len];
        if self.headline_outside {
            headline.copy_from_slice(outside);
            // The outside view's level on the inside view's timing: each year's inside cost
            // × outside / inside (in the years of the run's own establishment).
            let scale = &mut view_scale[..len];
            (0..len).for_each(|j| scale[j] = if total[j] > 0.0 { outside[j] / total[j] } else { 0.0 });
            for y in (0..=last).take_while(|y| start + y < n) {
                let yf = y as f64;
                let ex = row(extras, start + y, w, len);
                (0..len).for_each(|j| ex[j] = if yf <= end_rel[j] { ex[j] * scale[j] } else { ex[j] });
            }
        } else {
            headline.copy_from_slice(total);
        }

        // Savings rate per category at full effect.
        let strategic = x(self.slots.strategic);
        roles.fill(-0.0);
        for &(volume, per) in &self.roles {
            let per = x(per);
            (0..len).for_each(|j| roles[j] += volume / per[j]);
        }
        let staff_saving = &mut staff_saving[..len];
        for j in 0..len {
            let fte = self.staff_fixed + strategic[j] + roles[j];
            staff_saving[j] = 1.0 - fte / self.staff_today;
        }
        // Each category's saving from the posts that apply to it, summed in the order of
        // the posts; each rate is turned into a fraction once, not once per category.
        let cats = self.cost0_total.len();
        for c in 0..cats {
            row(cat_saving, c, w, len).fill(-0.0);
        }
        for p in &self.savings {
            let rate = x(p.rate);
            (0..len).for_each(|j| fraction[j] = rate[j] / 100.0);
            for (c, &applies) in p.applies.iter().enumerate() {
                let posts = row(cat_saving, c, w, len);
                (0..len).for_each(|j| posts[j] += fraction[j] * applies);
            }
        }
        for c in 0..cats {
            let s = row(cat_saving, c, w, len);
            for j in 0..len {
                s[j] = self.savings_capture * (staff_saving[j] * self.staff_applies[c] + s[j]);
            }
        }

        // Each category's yearly growth factor.
        for (c, &slot) in self.cat_growth.iter().enumerate() {
            let g = x(slot);
            let growth = row(cat_growth, c, w, len);
            (0..len).for_each(|j| growth[j] = 1.0 + g[j] / 100.0);
        }

        // Saving share at full effect, in the year full effect starts (also when that year lies
        // past the horizon).
        let (cur, saved) = (&mut *current_total, &mut *saved_total);
        cur.fill(0.0);
        saved.fill(0.0);
        for c in 0..cats {
            let (g, s) = (&cat_growth[c * w..c * w + len], &cat_saving[c * w..c * w + len]);
            powi_each(power, g, |j| (start as f64 + end_rel[j] + full_after) as i32);
            for j in 0..len {
                let cost = self.cost0_total[c] * power[j];
                cur[j] += cost;
                saved[j] += cost * s[j];
            }
        }
        for (f, (s, c)) in saving_share_full[..len].iter_mut().zip(saved.iter().zip(cur.iter())) {
            *f = s / c;
        }

        // Year by year; category costs compound by one growth factor a year.
        for c in 0..cats {
            row(cat_cost, c, w, len).fill(self.cost0_total[c]);
        }
        cum[..(k_count + 1) * w].fill(0.0);
        npv[..k_count * w].fill(0.0);
        payback_year[..(k_count + 1) * w].fill(NO_PAYBACK);
        for t in 0..n {
            let year = self.base_year + t as i32;
            let rel = t as i64 - start as i64;
            let relf = rel as f64;
            if rel < 0 {
                effect.fill(0.0);
            } else {
                let y = rel as usize;
                for j in 0..len {
                    effect[j] = (half * overlap(d[j], d[j] + ramp, y) + overlap(d[j] + ramp, f64::INFINITY, y)) / 12.0;
                }
            }
            current_total.fill(0.0);
            saved_total.fill(0.0);
            for c in 0..cats {
                let cost = row(cat_cost, c, w, len);
                if t > 0 {
                    let g = &cat_growth[c * w..c * w + len];
                    (0..len).for_each(|j| cost[j] *= g[j]);
                }
                let s = &cat_saving[c * w..c * w + len];
                for j in 0..len {
                    current_total[j] += cost[j];
                    saved_total[j] += cost[j] * effect[j] * s[j];
                }
            }
            let jt = row(joint_totals, t, w, len);
            let ex = &extras[t * w..t * w + len];
            for j in 0..len {
                jt[j] = current_total[j] - saved_total[j] + ex[j];
            }
            let jt = &*jt;
            let discount = self.discount_factor[t];
            let net_total = row(net_sum, t, w, len);
            let joint_split = row(joint_sum, t, w, len);
            net_total.fill(0.0);
            joint_split.fill(0.0);
            for k in 0..k_count {
                let i = (k * n + t) * w;
                let cur = &mut current[i..i + len];
                match &self.baseline_key {
                    Some(share) => (0..len).for_each(|j| cur[j] = share[k] * current_total[j]),
                    None => {
                        cur.fill(-0.0);
                        for c in 0..cats {
                            let g = &cat_growth[c * w..c * w + len];
                            (0..len).for_each(|j| cur[j] += self.cost0[k][c] * g[j].powi(t as i32));
                        }
                    }
                }
                let (jnt, nb) = (&mut joint[i..i + len], &mut net[i..i + len]);
                let (est, tra, full) = (self.key_establishment[k], self.key_transition[k], self.key_full[k]);
                let npv = row(npv, k, w, len);
                if rel < 0 {
                    jnt.copy_from_slice(cur);
                } else {
                    // All three splits, then a choice per run: selects, not branches.
                    for j in 0..len {
                        let establishing = cur[j] + est * (jt[j] - current_total[j]);
                        let (transition, full) = (tra * jt[j], full * jt[j]);
                        let after = if relf < end_rel[j] + full_after {
                            transition
                        } else {
                            full
                        };
                        jnt[j] = if relf <= end_rel[j] { establishing } else { after };
                    }
                }
                for j in 0..len {
                    nb[j] = cur[j] - jnt[j];
                    npv[j] += nb[j] * discount;
                    net_total[j] += nb[j];
                    joint_split[j] += jnt[j];
                }
                if rel >= 0 {
                    track_payback(row(cum, k, w, len), row(payback_year, k, w, len), nb, year);
                }
            }
            if rel >= 0 {
                let k = k_count;
                track_payback(row(cum, k, w, len), row(payback_year, k, w, len), net_total, year);
            }
        }
        let npv_sum = &mut npv_sum[..len];
        npv_sum.fill(0.0);
        for k in 0..k_count {
            let v = &npv[k * w..k * w + len];
            (0..len).for_each(|j| npv_sum[j] += v[j]);
        }
        out.len = len;
    }
}
