//! The beta family: a Beta(α, β) scaled to `[lo, hi]` (behind PERT and triple estimates too),
//! drawn by an exact table sampler where the density is bounded, by Cheng's algorithm otherwise.

use rand::Rng;
use rand_distr::Distribution;
use statrs::distribution::{Beta as SBeta, ContinuousCDF};
use std::sync::{Arc, OnceLock};

use super::input::with_point;
use super::{Dist, DistError, Input, err, finite, ordered, positive};

/// A Beta(α, β) scaled to `[lo, hi]`: PERT, triple estimates and the beta itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ScaledBeta {
    lo: f64,
    width: f64,
    sampler: BetaSampler,
    cdf: SBeta,
}

/// How [`ScaledBeta`] draws on `[0, 1]`: the table sampler for α, β ≥ 1 (every PERT and triple
/// estimate) up to [`BETA_TABLE_MAX_SHAPE`], Cheng's algorithm (rand_distr) otherwise: where
/// the density is unbounded (α or β < 1), or so peaked that the table rejects too often.
#[derive(Debug, Clone)]
enum BetaSampler {
    /// Built on the first draw, not with the input: checking a scenario constructs its inputs
    /// several times and never draws (a table costs ~0.2 ms to build).
    Table(OnceLock<BetaTable>),
    Cheng(rand_distr::Beta<f64>),
}

/// Two table samplers are equal when their shapes are (compared in [`ScaledBeta`]'s CDF),
/// whether or not either table has been built yet.
impl PartialEq for BetaSampler {
    fn eq(&self, other: &BetaSampler) -> bool {
        match (self, other) {
            (BetaSampler::Table(_), BetaSampler::Table(_)) => true,
            (BetaSampler::Cheng(a), BetaSampler::Cheng(b)) => a == b,
            _ => false,
        }
    }
}

impl ScaledBeta {
    pub(super) fn new(alpha: f64, beta: f64, lo: f64, hi: f64) -> Option<ScaledBeta> {
        let cdf = SBeta::new(alpha, beta).ok()?;
        let sampler = if alpha >= 1.0 && beta >= 1.0 && alpha + beta - 2.0 <= BETA_TABLE_MAX_SHAPE {
            BetaSampler::Table(OnceLock::new())
        } else {
            BetaSampler::Cheng(rand_distr::Beta::new(alpha, beta).ok()?)
        };
        Some(ScaledBeta {
            lo,
            width: hi - lo,
            sampler,
            cdf,
        })
    }

    #[inline]
    pub(super) fn quantile(&self, u: f64) -> f64 {
        self.lo + self.width * self.cdf.inverse_cdf(u)
    }

    /// The CDF at `x` (0 below the support, 1 above it).
    pub(super) fn cdf(&self, x: f64) -> f64 {
        self.cdf.cdf(((x - self.lo) / self.width).clamp(0.0, 1.0))
    }

    /// Mean and variance of the scaled beta.
    pub(super) fn moments(&self) -> (f64, f64) {
        let (a, b) = (self.cdf.shape_a(), self.cdf.shape_b());
        let m = a / (a + b);
        let v = a * b / ((a + b) * (a + b) * (a + b + 1.0));
        (self.lo + self.width * m, self.width * self.width * v)
    }

    /// The table of a table sampler, built on first use.
    #[inline]
    fn table<'a>(&self, cell: &'a OnceLock<BetaTable>) -> &'a BetaTable {
        cell.get_or_init(|| BetaTable::shared(&self.cdf))
    }

    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match &self.sampler {
            BetaSampler::Table(t) => self.table(t).sample(rng),
            BetaSampler::Cheng(d) => d.sample(rng),
        };
        self.lo + self.width * x
    }

    /// [`Self::sample`] into every slot of `out`, choosing the sampler once.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.sampler {
            BetaSampler::Table(t) => {
                let t = self.table(t);
                out.iter_mut().for_each(|x| *x = self.lo + self.width * t.sample(rng))
            }
            BetaSampler::Cheng(d) => out.iter_mut().for_each(|x| *x = self.lo + self.width * d.sample(rng)),
        }
    }
}

/// log2 of the number of cells of [`BetaTable`].
const BETA_TABLE_BITS: u32 = 8;
/// Cells of [`BetaTable`]: 256 × 40 bytes, 10 KiB per table. Chosen by measurement: 128 cells
/// reject twice as often; 512 and 1024 are faster in isolation but no faster in a full run
/// (33 tables share the cache with the model and statistics), and cost more to build.
const BETA_CELLS: usize = 1 << BETA_TABLE_BITS;
/// Largest (α−1) + (β−1) (a PERT's shape s) drawn from the table. Rejections grow with it,
/// mostly in the end cells, where the density falls by orders of magnitude: measured 0.02 per
/// draw at 4, 0.13 at 40, 0.7 at 512, 1.05 at 1024, where the table is about as slow as Cheng's
/// algorithm (~55 ns).
const BETA_TABLE_MAX_SHAPE: f64 = 512.0;
/// 2⁻⁵³: a 53-bit integer times this is uniform on [0, 1).
const TWO_POW_M53: f64 = 1.0 / (1u64 << 53) as f64;
/// Bits of a [`BetaTable`] draw's position within its cell: steps of 2⁻³² of the cell, so
/// 2⁻⁴⁰ in probability, far finer than any run count resolves.
const POSITION_BITS: u32 = 32;
/// Bits of the acceptance uniform taken from the draw's first word: what the cell and the
/// position leave of it.
const ACCEPT_BITS: u32 = 64 - BETA_TABLE_BITS - POSITION_BITS;
/// 2⁻[`ACCEPT_BITS`].
const TWO_POW_M_ACCEPT: f64 = 1.0 / (1u64 << ACCEPT_BITS) as f64;

/// log2 of the parts of a [`Cell`] with a squeeze each.
const SQUEEZE_BITS: u32 = 2;
/// Parts of a [`Cell`] with a squeeze each.
const SQUEEZES: usize = 1 << SQUEEZE_BITS;

/// One cell `[a, a + w]` of a [`BetaTable`], holding probability 1/N, with bounds of the
/// scaled density g over it: `gmax ≥ g` over the cell, and `squeeze[j] · gmax ≤ g` over the
/// j-th of its [`SQUEEZES`] equal parts (the points `a + t·w` with t in [j/S, (j+1)/S)).
/// A squeeze per part lies closer to g than one for the whole cell, so fewer draws need g.
/// The squeezes are f32 rounded down, so a cell takes 40 bytes. Measured on 4096 draws of a
/// PERT: 21.2 µs with one squeeze per cell (2.6 % of draws evaluate g), 20.0 µs with two,
/// 17.4 µs with four (1.7 %) and with eight.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(8))]
struct Cell {
    a: f64,
    w: f64,
    gmax: f64,
    squeeze: [f32; SQUEEZES],
}

impl Cell {
    /// The squeeze for the point at position `t` in [0, 1) of the cell, `t` given as the
    /// 53-bit integer `m` with t = m·2⁻⁵³.
    #[inline(always)]
    fn squeeze_at(&self, m: u64) -> f64 {
        f64::from(self.squeeze[(m >> (53 - SQUEEZE_BITS)) as usize])
    }
}

/// The point at position m·2⁻⁵³ of the cell `[a, a + w]` (`m` ≤ 2⁵³), as the sampler and the
/// table's squeezes compute it: a + t·w never decreases as `m` grows.
#[inline(always)]
fn cell_point(a: f64, w: f64, m: u64) -> f64 {
    a + m as f64 * TWO_POW_M53 * w
}

/// The largest f32 not above `x` (x ≥ 0 and finite).
fn f32_at_most(x: f64) -> f32 {
    let r = x as f32;
    if f64::from(r) > x { r.next_down() } else { r }
}

/// An exact table sampler for Beta(α, β) with α, β ≥ 1, where the density is bounded and
/// unimodal. [0, 1] is cut into N cells of probability exactly 1/N (edges F⁻¹(i/N)); a draw
/// picks a cell uniformly, then a point in it by rejection from the cell's bounding rectangle
/// (Devroye 1986, *Non-Uniform Random Variate Generation*, ch. 8: table methods and the
/// inversion–rejection principle). A lower rectangle accepts most points without evaluating
/// the density, as in the ziggurat (Marsaglia & Tsang 2000, *The ziggurat method*, J. Stat.
/// Softw. 5(8)). A rejected point is redrawn in the same cell, so the law is exactly the Beta's.
#[derive(Clone, PartialEq)]
struct BetaTable {
    cells: Arc<[Cell; BETA_CELLS]>,
    /// g(x) = exp((α−1)·ln x + (β−1)·ln(1−x) − ln_fmode): the density scaled to 1 at the
    /// mode, so that large α, β do not underflow.
    am1: f64,
    bm1: f64,
    ln_fmode: f64,
}

impl std::fmt::Debug for BetaTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BetaTable")
            .field("cells", &BETA_CELLS)
            .field("alpha", &(self.am1 + 1.0))
            .field("beta", &(self.bm1 + 1.0))
            .finish()
    }
}

impl BetaTable {
    /// The table of `cdf`'s shape, built once per process: inputs of one shape (every
    /// symmetric PERT is Beta(3, 3)) share it, and a model compiled again (each alternative,
    /// each what-if request) does not build it again. A table is a function of the shape
    /// alone, so sharing it changes no draw.
    fn shared(cdf: &SBeta) -> BetaTable {
        type Tables = std::sync::Mutex<Vec<((u64, u64), BetaTable)>>;
        static TABLES: Tables = std::sync::Mutex::new(Vec::new());
        // At most this many shapes are kept; past it a table is built for its input alone.
        const KEEP: usize = 256;
        let key = (cdf.shape_a().to_bits(), cdf.shape_b().to_bits());
        let mut tables = TABLES.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, t)) = tables.iter().find(|(k, _)| *k == key) {
            return t.clone();
        }
        let t = BetaTable::new(cdf);
        if tables.len() < KEEP {
            tables.push((key, t.clone()));
        }
        t
    }

    fn new(cdf: &SBeta) -> BetaTable {
        let edges = equal_mass_edges(cdf, BETA_CELLS);
        let (am1, bm1) = (cdf.shape_a() - 1.0, cdf.shape_b() - 1.0);
        // The mode; for the uniform (α = β = 1) any point will do.
        let mode = if am1 + bm1 > 0.0 { am1 / (am1 + bm1) } else { 0.5 };
        let ln_fmode = ln_beta_kernel(am1, bm1, mode);
        let g = |x: f64| (ln_beta_kernel(am1, bm1, x) - ln_fmode).exp();
        let mut cells = [Cell::default(); BETA_CELLS];
        for (i, c) in cells.iter_mut().enumerate() {
            let (a, b) = (edges[i], edges[i + 1]);
            let (ga, gb) = (g(a), g(b));
            // g is unimodal: largest at the mode if the cell holds it, else at an end.
            let top = if a <= mode && mode <= b { 1.0 } else { ga.max(gb) };
            // Widen the bounds by far more than g's rounding error, so they hold as computed.
            let gmax = top * (1.0 + 1e-12);
            let w = b - a;
            // On each part, too, g is least at an end. The ends are computed as the sampler
            // computes a point, which never decreases with its position: every point drawn in
            // part j lies between them.
            let end = |j: usize| cell_point(a, w, (j as u64) << (53 - SQUEEZE_BITS));
            let squeeze = std::array::from_fn(|j| f32_at_most(g(end(j)).min(g(end(j + 1))) / gmax * (1.0 - 1e-12)));
            *c = Cell { a, w, gmax, squeeze };
        }
        BetaTable {
            cells: Arc::new(cells),
            am1,
            bm1,
            ln_fmode,
        }
    }

    #[inline(always)]
    fn g(&self, x: f64) -> f64 {
        (ln_beta_kernel(self.am1, self.bm1, x) - self.ln_fmode).exp()
    }

    /// One draw on [0, 1], mostly from one 64-bit word: the cell from its top
    /// [`BETA_TABLE_BITS`], the position in the cell from the next [`POSITION_BITS`], and the
    /// first [`ACCEPT_BITS`] of the acceptance uniform u from the rest. Those bits place u in
    /// an interval of width 2⁻²⁴; the squeeze accepts when all of it lies below the squeeze.
    /// Otherwise a second word completes u to 53 bits for the density test, so each u is
    /// still uniform and the law still exact. One word instead of two for 98 % of draws:
    /// 4 096 PERT draws take 14.5 µs instead of 17.4 (criterion `sample_4096/pert`).
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let r = rng.next_u64();
        let c = &self.cells[(r >> (64 - BETA_TABLE_BITS)) as usize];
        let m = ((r << BETA_TABLE_BITS) >> (64 - POSITION_BITS)) << (53 - POSITION_BITS);
        let x = cell_point(c.a, c.w, m);
        let head = r & ((1 << ACCEPT_BITS) - 1);
        if (head + 1) as f64 * TWO_POW_M_ACCEPT <= c.squeeze_at(m) {
            return x;
        }
        let u = ((head << (53 - ACCEPT_BITS)) | (rng.next_u64() >> (11 + ACCEPT_BITS))) as f64 * TWO_POW_M53;
        self.sample_beyond_squeeze(c, x, u, rng)
    }

    /// The rest of [`Self::sample`] when the point `x` (with acceptance uniform `u`) is not
    /// accepted by the squeeze: the density test, and new points in the same cell until one
    /// is accepted. Out of line: it runs for a few draws in a hundred, and its calls into
    /// `ln` and `exp` would otherwise make the common path keep its values on the stack.
    #[cold]
    #[inline(never)]
    fn sample_beyond_squeeze<R: Rng + ?Sized>(&self, c: &Cell, mut x: f64, mut u: f64, rng: &mut R) -> f64 {
        // The squeeze is only a shortcut: any u below it passes the density test too.
        while u * c.gmax > self.g(x) {
            let m = rng.next_u64() >> 11;
            x = cell_point(c.a, c.w, m);
            u = (rng.next_u64() >> 11) as f64 * TWO_POW_M53;
            if u < c.squeeze_at(m) {
                break;
            }
        }
        x
    }
}

/// (α−1)·ln x + (β−1)·ln(1−x), the log of the unnormalised Beta density, given α−1 and β−1.
/// ln 0 is taken as ln of the least normal number, so that a zero exponent (α or β = 1) gives
/// 0 rather than NaN at the ends.
#[inline(always)]
fn ln_beta_kernel(am1: f64, bm1: f64, x: f64) -> f64 {
    am1 * x.max(f64::MIN_POSITIVE).ln() + bm1 * (1.0 - x).max(f64::MIN_POSITIVE).ln()
}

/// Edges 0 = x₀ < x₁ < … < x_n = 1 with F(xᵢ) = i/n, F statrs' Beta CDF, solved to rounding
/// by Newton steps on F, kept inside the bracket [x_{i−1}, 1] by bisection. The first guesses
/// are statrs' inverse CDF (AS 109, alone off by up to ~4e-10 in probability for peaked
/// shapes), the rest an extrapolation of the previous three edges, which is cheaper.
fn equal_mass_edges(cdf: &SBeta, n: usize) -> Vec<f64> {
    let (alpha, beta) = (cdf.shape_a(), cdf.shape_b());
    let ln_b = statrs::function::beta::ln_beta(alpha, beta);
    let pdf = |x: f64| (ln_beta_kernel(alpha - 1.0, beta - 1.0, x) - ln_b).exp();
    let mut x = vec![0.0; n + 1];
    x[n] = 1.0;
    for i in 1..n {
        let p = i as f64 / n as f64;
        let (mut lo, mut hi) = (x[i - 1], 1.0);
        let guess = if i > 3 {
            3.0 * x[i - 1] - 3.0 * x[i - 2] + x[i - 3]
        } else {
            cdf.inverse_cdf(p)
        };
        let mut xi = if lo < guess && guess < hi {
            guess
        } else {
            0.5 * (lo + hi)
        };
        for _ in 0..100 {
            let r = cdf.cdf(xi) - p;
            if r == 0.0 {
                break;
            }
            if r > 0.0 {
                hi = xi;
            } else {
                lo = xi;
            }
            let step = r / pdf(xi);
            let next = xi - step;
            if !(lo < next && next < hi) {
                xi = 0.5 * (lo + hi);
                if hi - lo <= f64::EPSILON * hi {
                    break;
                }
                continue;
            }
            xi = next;
            // Newton converges quadratically: after a step this small relative to the cell,
            // the error left is far below rounding.
            if step.abs() <= 1e-9 * (xi - x[i - 1]) {
                break;
            }
        }
        x[i] = xi.max(x[i - 1]);
    }
    x
}

/// [`super::DistSpec::Beta`], on `[0, 1]` unless bounds are given.
pub(super) fn beta(
    alpha: f64,
    beta: f64,
    min: Option<f64>,
    max: Option<f64>,
    point: &Option<f64>,
) -> Result<Input, DistError> {
    let a = positive("alpha", alpha, "give a shape parameter above 0")?;
    let b = positive("beta", beta, "give a shape parameter above 0")?;
    let (lo, hi) = (finite("min", min.unwrap_or(0.0))?, finite("max", max.unwrap_or(1.0))?);
    ordered("min", lo, "max", hi)?;
    let d =
        ScaledBeta::new(a, b, lo, hi).ok_or_else(|| err("alpha", "gives an unusable beta", "check alpha and beta"))?;
    with_point(Dist::Beta(d), lo + (hi - lo) * a / (a + b), lo, hi, point)
}

#[cfg(test)]
mod tests {
    use super::super::DistSpec;
    use super::super::testing::{Law, beta_var, check};
    use super::*;

    /// The beta table sampler of a spec.
    fn table(spec: &DistSpec) -> (BetaTable, SBeta) {
        let Dist::Beta(b) = Input::new(spec).unwrap().dist else {
            unreachable!()
        };
        let BetaSampler::Table(t) = &b.sampler else {
            panic!("{spec:?}: no table sampler")
        };
        (b.table(t).clone(), b.cdf)
    }

    /// Inputs of one shape share one table, and it is the table built for that shape alone.
    #[test]
    fn inputs_of_one_shape_share_one_table() {
        let pert = |min, mode, max| DistSpec::Pert {
            min,
            mode,
            max,
            shape: None,
            point: None,
        };
        // Both symmetric: Beta(3, 3) on different ranges.
        let (a, cdf) = table(&pert(1.0, 2.0, 3.0));
        let (b, _) = table(&pert(-40.0, 10.0, 60.0));
        assert!(Arc::ptr_eq(&a.cells, &b.cells));
        assert!(a == BetaTable::new(&cdf));
        let (c, _) = table(&pert(0.0, 1.0, 4.0));
        assert!(!Arc::ptr_eq(&a.cells, &c.cells));
    }

    fn table_shapes() -> Vec<DistSpec> {
        let pert = |min, mode, max, shape| DistSpec::Pert {
            min,
            mode,
            max,
            shape,
            point: None,
        };
        vec![
            pert(0.0, 2.0, 20.0, None),
            pert(30.0, 45.0, 60.0, None),
            pert(0.0, 0.5, 2.0, None),
            pert(0.0, 0.0, 1.0, None),
            pert(0.0, 1.0, 10.0, Some(40.0)),
            // Peaked: statrs' inverse CDF alone is off by ~4e-10 here.
            pert(0.0, 0.0, 1.0, Some(400.0)),
            pert(0.0, 0.3, 1.0, Some(BETA_TABLE_MAX_SHAPE)),
            DistSpec::Beta {
                alpha: 1.0,
                beta: 1.0,
                min: None,
                max: None,
                point: None,
            },
        ]
    }

    #[test]
    fn beta_sampler_by_shape() {
        let sampler = |spec: DistSpec| match Input::new(&spec).unwrap().dist {
            Dist::Beta(b) => b.sampler,
            _ => unreachable!(),
        };
        let pert = |shape| DistSpec::Pert {
            min: 0.0,
            mode: 3.0,
            max: 10.0,
            shape: Some(shape),
            point: None,
        };
        let beta = |alpha, beta| DistSpec::Beta {
            alpha,
            beta,
            min: None,
            max: None,
            point: None,
        };
        assert!(matches!(sampler(pert(4.0)), BetaSampler::Table(_)));
        assert!(matches!(sampler(pert(BETA_TABLE_MAX_SHAPE)), BetaSampler::Table(_)));
        assert!(matches!(
            sampler(pert(2.0 * BETA_TABLE_MAX_SHAPE)),
            BetaSampler::Cheng(_)
        ));
        assert!(matches!(sampler(beta(1.0, 1.0)), BetaSampler::Table(_)));
        assert!(matches!(sampler(beta(0.5, 2.0)), BetaSampler::Cheng(_)));
        assert!(matches!(sampler(beta(3.0, 0.99)), BetaSampler::Cheng(_)));
    }

    #[test]
    fn beta_table_cells_hold_equal_probability() {
        for spec in table_shapes() {
            let (t, cdf) = table(&spec);
            let n = BETA_CELLS as f64;
            assert_eq!(t.cells[0].a, 0.0);
            let last = t.cells[BETA_CELLS - 1];
            assert_eq!(last.a + last.w, 1.0, "{spec:?}");
            for (i, c) in t.cells.iter().enumerate() {
                assert!(c.w > 0.0, "{spec:?}: cell {i} is empty");
                let err = (cdf.cdf(c.a) - i as f64 / n).abs();
                assert!(err < 1e-12, "{spec:?}: F(x_{i}) off by {err}");
            }
        }
    }

    #[test]
    fn beta_table_bounds_hold_inside_every_cell() {
        // squeeze·gmax ≤ g(x) ≤ gmax across each part of each cell, ends included, at points
        // computed as the sampler computes them: the rejection step is exact only if gmax
        // bounds g, the squeezes only if they lie below g.
        let per_part = 16;
        for spec in table_shapes() {
            let (t, _) = table(&spec);
            for (i, c) in t.cells.iter().enumerate() {
                for (j, &squeeze) in c.squeeze.iter().enumerate() {
                    assert!(
                        (0.0..1.0).contains(&squeeze),
                        "{spec:?}: cell {i} part {j} squeeze {squeeze}"
                    );
                    for k in 0..=per_part {
                        // m/2⁵³ runs from j/S to (j+1)/S; the last point is the next part's first.
                        let m = ((j * per_part + k) as u64) << (53 - SQUEEZE_BITS) >> per_part.ilog2();
                        let x = cell_point(c.a, c.w, m);
                        let g = t.g(x);
                        assert!(g <= c.gmax, "{spec:?}: cell {i}, g({x}) = {g} > gmax {}", c.gmax);
                        if k < per_part {
                            assert_eq!(c.squeeze_at(m), f64::from(squeeze));
                        }
                        assert!(
                            f64::from(squeeze) * c.gmax <= g,
                            "{spec:?}: cell {i} part {j}, g({x}) = {g} under the squeeze"
                        );
                    }
                }
            }
        }
    }

    /// Words in a script, then zeros, counting how many were taken.
    struct Script {
        words: Vec<u64>,
        taken: usize,
    }

    impl rand::TryRng for Script {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.taken += 1;
            Ok(self.words.get(self.taken - 1).copied().unwrap_or(0))
        }
        /// Bytes from the next words, little-endian, as rand_core's generators fill them.
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for chunk in dst.chunks_mut(8) {
                let word = self.try_next_u64()?.to_le_bytes();
                chunk.copy_from_slice(&word[..chunk.len()]);
            }
            Ok(())
        }
    }

    #[test]
    fn beta_table_squeeze_accepts_from_one_word_only_below_the_squeeze() {
        // The first word's low 24 bits place u in [h, h + 1)·2⁻²⁴. The squeeze may accept from
        // that word alone only if the whole interval lies below it: h = ⌊s·2²⁴⌋ − 1 is the
        // last such h, and h = ⌊s·2²⁴⌋ must take a second word to complete u. A zero second
        // word leaves u = h·2⁻²⁴ < s, which the density test accepts.
        let (t, _) = table(&table_shapes()[0]);
        let mut tried = 0;
        for cell in [0, 1, BETA_CELLS / 2, BETA_CELLS - 1] {
            let c = &t.cells[cell];
            // A squeeze below 2⁻²³ (at an end where the density is 0) accepts no h.
            for (j, &squeeze) in c
                .squeeze
                .iter()
                .enumerate()
                .filter(|(_, s)| f64::from(**s) >= 2.0 * TWO_POW_M_ACCEPT)
            {
                tried += 1;
                let last = (f64::from(squeeze) / TWO_POW_M_ACCEPT).floor() as u64 - 1;
                let position = (j as u64) << (POSITION_BITS - SQUEEZE_BITS);
                let word = |head: u64| ((cell as u64) << (64 - BETA_TABLE_BITS)) | (position << ACCEPT_BITS) | head;
                let x = cell_point(c.a, c.w, position << (53 - POSITION_BITS));
                for (head, words) in [(0, 1), (last, 1), (last + 1, 2)] {
                    let mut rng = Script {
                        words: vec![word(head)],
                        taken: 0,
                    };
                    assert_eq!(t.sample(&mut rng), x, "cell {cell} part {j} head {head}");
                    assert_eq!(rng.taken, words, "cell {cell} part {j} head {head}");
                }
            }
        }
        assert!(tried >= 12, "only {tried} parts tried");
    }

    #[test]
    fn beta_law() {
        let (a, b, lo, hi) = (2.0, 5.0, 10.0, 20.0);
        let beta = SBeta::new(a, b).unwrap();
        let cdf = |x: f64| beta.cdf(((x - lo) / (hi - lo)).clamp(0.0, 1.0));
        check(
            "beta",
            DistSpec::Beta {
                alpha: a,
                beta: b,
                min: Some(lo),
                max: Some(hi),
                point: None,
            },
            Law {
                cdf: &cdf,
                cdf_left: &cdf,
                mean: lo + (hi - lo) * a / (a + b),
                var: beta_var(a, b, hi - lo),
            },
            10,
        );
    }
}
