//! Streaming statistics that merge exactly.
//!
//! Every accumulator here is integer-valued inside (counts, fixed-point sums), so merging is
//! associative and commutative to the bit: the result does not depend on how runs were split
//! over chunks, threads or shards, and memory does not grow with the run count.
//!
//! Quantiles come from a log-linear bucket sketch (the HdrHistogram idea, bucketing on the
//! bits of the f64): each binary octave is cut into 2^10 equal buckets, so every reported
//! quantile lies within a relative error of [`QuantileSketch::RELATIVE_ACCURACY`] (2⁻¹¹ ≈
//! 0.05 %) of an order statistic at the requested rank. Values with |x| below
//! [`QuantileSketch::ZERO_BAND`] (10⁻⁶, a millionth of the unit) count as zero.
//!
//! Why not a crate: the maintained DDSketch and t-digest crates either merge with floating
//! point weights (order-dependent) or collapse buckets in an order-dependent way; bit-identical
//! results across thread counts and shards need integer buckets.

use serde::{Deserialize, Serialize};

/// Scale of the fixed-point sum: 2⁻³⁰ of the unit (below 10⁻⁹ MSEK, far below any output).
const SUM_SCALE: f64 = (1u64 << 30) as f64;
/// Scale of the fixed-point sum of squares: 2⁻¹⁶ of the unit, so squares of values up to
/// 10⁹ units fit comfortably in i128 over 10¹² runs.
const SQ_SCALE: f64 = (1u64 << 16) as f64;

/// Count, mean and variance with an exact, order-independent merge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moments {
    n: u64,
    sum: i128,
    /// Σq and Σq² of q = x rounded at the coarser scale, kept together so the variance
    /// formula sees one consistent set of numbers.
    sum_q: i128,
    sum_sq: i128,
    /// Kept for the mean only ([`Moments::mean_only`]): Σq and Σq² are not taken, and the
    /// variance is NaN. Written to a state file only when set, so full moments read and write
    /// as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    mean_only: bool,
}

/// 1.5 · 2⁵²: adding it to |y| ≤ 2⁵¹ leaves y rounded to an integer (ties to even) in the
/// low bits of the sum, so rounding and conversion take two instructions and no libm call.
const MAGIC: f64 = 6_755_399_441_055_744.0;
/// Values with |x| below this take the fast path of [`Moments::push`] (x · 2³⁰ ≤ 2⁵¹).
const FAST_LIMIT: f64 = (1u64 << 21) as f64;

/// Values per block of the fast path's sums: they stay in i64, as |fixed(x·2³⁰)| < 2⁵¹.
const SUM_BLOCK: usize = 1024;

/// `y` (|y| ≤ 2⁵¹) rounded to the nearest integer, ties to even.
#[inline(always)]
fn fixed(y: f64) -> i64 {
    (y + MAGIC).to_bits() as i64 - MAGIC.to_bits() as i64
}

impl Moments {
    /// Whether these moments could have come from pushing finite values with |x| ≤
    /// `max_abs`: sums within n·max_abs, a non-negative variance (Cauchy–Schwarz on the
    /// rounded values). For moments read from a file that nothing vouches for (a shard state).
    pub fn check(&self, max_abs: f64) -> Result<(), String> {
        let n = self.n as f64;
        let sum_max = n * (max_abs * SUM_SCALE + 1.0);
        let q_max = max_abs * SQ_SCALE + 1.0;
        if (self.sum as f64).abs() > sum_max {
            return Err(format!("the sum is beyond {n} values of ±{max_abs:e}"));
        }
        if self.mean_only {
            return if self.sum_q == 0 && self.sum_sq == 0 {
                Ok(())
            } else {
                Err("mean-only moments with a spread".into())
            };
        }
        let (sq, s2) = (self.sum_q as f64, self.sum_sq as f64);
        if !(sq.abs() <= n * q_max && (0.0..=n * q_max * q_max).contains(&s2)) {
            return Err(format!("the sums of squares are beyond {n} values of ±{max_abs:e}"));
        }
        if sq * sq > n * s2 * (1.0 + 1e-9) + 1.0 {
            return Err("the sums of squares give a negative variance".into());
        }
        Ok(())
    }

    /// Moments that keep the count and the mean but not the spread: about half the work per
    /// value, for outputs whose standard deviation nobody reads (the yearly rows of a run).
    pub fn mean_only() -> Moments {
        Moments {
            mean_only: true,
            ..Moments::default()
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        self.push_repeated(x, 1);
    }

    /// `count` copies of `x`: the same result as pushing it `count` times.
    #[inline]
    fn push_repeated(&mut self, x: f64, count: u64) {
        let (s, q) = if x.abs() < FAST_LIMIT {
            (i128::from(fixed(x * SUM_SCALE)), i128::from(fixed(x * SQ_SCALE)))
        } else {
            (
                (x * SUM_SCALE).round_ties_even() as i128,
                (x * SQ_SCALE).round_ties_even() as i128,
            )
        };
        let c = i128::from(count);
        self.n += count;
        self.sum += c * s;
        if !self.mean_only {
            self.sum_q += c * q;
            self.sum_sq += c * q * q;
        }
    }

    /// Push many values; the same result as pushing them one by one.
    #[inline(always)]
    pub fn push_slice(&mut self, xs: &[f64]) {
        for block in xs.chunks(SUM_BLOCK) {
            // A fold without early exit, so the compiler compares several values at once.
            if !block.iter().fold(true, |all, x| all & (x.abs() < FAST_LIMIT)) {
                block.iter().for_each(|&x| self.push(x));
            } else {
                self.push_small(block);
            }
        }
    }

    /// Push at most [`SUM_BLOCK`] values, each within ±[`FAST_LIMIT`]: the fast path of
    /// [`Self::push_slice`].
    #[inline(always)]
    fn push_small(&mut self, block: &[f64]) {
        debug_assert!(block.len() <= SUM_BLOCK && block.iter().all(|x| x.abs() < FAST_LIMIT));
        if self.mean_only {
            self.n += block.len() as u64;
            self.sum += i128::from(block.iter().map(|&x| fixed(x * SUM_SCALE)).sum::<i64>());
            return;
        }
        // q² is up to 2⁷⁴; with q = h·2²⁰ + l (|h| ≤ 2¹⁷, 0 ≤ l < 2²⁰) its three parts
        // h², h·l and l² are products of 32-bit numbers whose block sums fit in i64, so
        // the loop runs in 64-bit vector lanes and the total is still exact.
        let (mut sum, mut sum_q) = (0i64, 0i64);
        let (mut hh, mut hl, mut ll) = (0i64, 0i64, 0i64);
        for &x in block {
            sum += fixed(x * SUM_SCALE);
            let q = fixed(x * SQ_SCALE);
            sum_q += q;
            let (h, l) = (i64::from((q >> 20) as i32), i64::from((q & 0xF_FFFF) as i32));
            hh += h * h;
            hl += h * l;
            ll += l * l;
        }
        self.n += block.len() as u64;
        self.sum += i128::from(sum);
        self.sum_q += i128::from(sum_q);
        self.sum_sq += (i128::from(hh) << 40) + (i128::from(hl) << 21) + i128::from(ll);
    }

    /// Merge `other` in. The result keeps the spread only if both did.
    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum += other.sum;
        self.sum_q += other.sum_q;
        self.sum_sq += other.sum_sq;
        self.mean_only |= other.mean_only;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / SUM_SCALE / self.n as f64
    }

    /// Sample variance (n − 1 in the denominator); NaN for [`Moments::mean_only`].
    pub fn variance(&self) -> f64 {
        if self.mean_only {
            return f64::NAN;
        }
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        let mean_q = self.sum_q as f64 / n;
        let ss = self.sum_sq as f64 - self.sum_q as f64 * mean_q;
        (ss.max(0.0) / (n - 1.0)) / (SQ_SCALE * SQ_SCALE)
    }

    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Monte Carlo standard error of the mean, sd/√n.
    pub fn std_error(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sd() / (self.n as f64).sqrt()
    }
}

const SUB_BITS: u32 = 10;
const SUB: usize = 1 << SUB_BITS;
const EXPONENTS: usize = 2048;

/// A mergeable quantile sketch with bounded relative error. See the module docs.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    n: u64,
    zeros: u64,
    /// Pages of bucket counts, indexed by the f64's sign and exponent (a value's key shifted
    /// right by [`SUB_BITS`]): x > 0 below [`EXPONENTS`], x < 0 (on |x|) from it. One table,
    /// so an increment needs no choice between two.
    pages: Vec<Option<Page>>,
    /// Values taken into the u32 counts since they were last carried (see [`Page`]).
    narrow: u64,
    /// +∞ while empty.
    min: f64,
    /// −∞ while empty.
    max: f64,
}

/// The state-file form of a [`QuantileSketch`]: the page tables of each sign apart.
#[derive(Serialize)]
struct SketchOut<'a> {
    n: u64,
    zeros: u64,
    /// Pages for x > 0, indexed by the f64 exponent.
    pos: &'a [Option<Page>],
    /// The same for x < 0, on |x|.
    neg: &'a [Option<Page>],
    /// +∞ while empty; stored as `null` then (formats such as JSON have no infinities).
    #[serde(with = "empty_as_none::min")]
    min: f64,
    /// −∞ while empty, likewise.
    #[serde(with = "empty_as_none::max")]
    max: f64,
}

#[derive(Deserialize)]
struct SketchIn {
    n: u64,
    zeros: u64,
    pos: Vec<Option<Page>>,
    neg: Vec<Option<Page>>,
    #[serde(with = "empty_as_none::min")]
    min: f64,
    #[serde(with = "empty_as_none::max")]
    max: f64,
}

thread_local! {
    /// Whether [`QuantileSketch`]es serialise in their digest form (see [`with_digest_form`]).
    static DIGEST_FORM: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with every [`QuantileSketch`] serialised in its digest form: count, zeros, minimum,
/// maximum and two checksums of its buckets (Σ key·count and Σ key²·count over the non-zero
/// buckets, wrapping u64), instead of the state-file form's full pages of 1 024 counts. A
/// run's chunk digests (the run manifest) hash this form: a chunk of 4 096 runs fills
/// about as many buckets per statistic, so any full listing of them is megabytes per chunk.
/// The digest form cannot be read back, and need not be; together with the exact moments
/// beside it, a chunk that does not reproduce still changes the digest.
pub fn with_digest_form<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DIGEST_FORM.with(|d| d.set(self.0));
        }
    }
    let _reset = Reset(DIGEST_FORM.with(|d| d.replace(true)));
    f()
}

/// The digest form of a [`QuantileSketch`] (see [`with_digest_form`]).
#[derive(Serialize)]
struct SketchDigest {
    n: u64,
    zeros: u64,
    key_sum: u64,
    key_square_sum: u64,
    #[serde(with = "empty_as_none::min")]
    min: f64,
    #[serde(with = "empty_as_none::max")]
    max: f64,
}

impl Serialize for QuantileSketch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if DIGEST_FORM.with(|d| d.get()) {
            let (mut key_sum, mut key_square_sum) = (0u64, 0u64);
            let pages = self
                .pages
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.as_ref().map(|p| (i, p)));
            let mut add = |key: u64, count: u64| {
                key_sum = key_sum.wrapping_add(key.wrapping_mul(count));
                key_square_sum = key_square_sum.wrapping_add(key.wrapping_mul(key).wrapping_mul(count));
            };
            for (i, page) in pages {
                let first = (i << SUB_BITS) as u64;
                match &page.0.wide {
                    // Most pages have only u32 counts: read them straight, no per-bucket choice.
                    None => page
                        .0
                        .narrow
                        .iter()
                        .zip(first..)
                        .for_each(|(&c, key)| add(key, u64::from(c))),
                    Some(_) => page.counts().zip(first..).for_each(|(c, key)| add(key, c)),
                }
            }
            let digest = SketchDigest {
                n: self.n,
                zeros: self.zeros,
                key_sum,
                key_square_sum,
                min: self.min,
                max: self.max,
            };
            return digest.serialize(s);
        }
        let (pos, neg) = self.sides();
        SketchOut {
            n: self.n,
            zeros: self.zeros,
            pos,
            neg,
            min: self.min,
            max: self.max,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for QuantileSketch {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<QuantileSketch, D::Error> {
        let SketchIn {
            n,
            zeros,
            pos,
            neg,
            min,
            max,
        } = SketchIn::deserialize(d)?;
        for (side, len) in [("pos", pos.len()), ("neg", neg.len())] {
            if len > EXPONENTS {
                return Err(serde::de::Error::custom(format_args!(
                    "{len} {side} pages, at most {EXPONENTS} (one per f64 exponent)"
                )));
            }
        }
        let mut pages = pos;
        if !neg.is_empty() {
            pages.resize_with(EXPONENTS, || None);
            pages.extend(neg);
        }
        Ok(QuantileSketch {
            n,
            zeros,
            pages,
            narrow: 0,
            min,
            max,
        })
    }
}

/// One pass over a slice ([`scan`]): its smallest and largest value, and whether every value
/// is finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scan {
    lo: f64,
    hi: f64,
    finite: bool,
}

impl Scan {
    /// Every value lies strictly within ±`limit` (which implies finite).
    #[inline(always)]
    fn within(&self, limit: f64) -> bool {
        self.finite && -limit < self.lo && self.hi < limit
    }

    /// Every value is finite with |x| ≤ `limit`.
    #[inline]
    pub fn bounded(&self, limit: f64) -> bool {
        self.finite && -limit <= self.lo && self.hi <= limit
    }
}

/// [`Scan`] `xs`, with −0 taken as +0 so that the bounds do not depend on the order of the
/// values (`lo` = +∞ and `hi` = −∞ for no values). Eight independent lanes of
/// `x < m ? x : m` (one vector minimum each), so the compiler keeps them in vector registers.
/// NaN loses every comparison, so finiteness is a third sum per lane: `x · 0` is ±0 for a
/// finite `x` and NaN otherwise.
#[inline]
pub fn scan(xs: &[f64]) -> Scan {
    const L: usize = 8;
    let (mut l, mut h, mut nan) = ([f64::INFINITY; L], [f64::NEG_INFINITY; L], [0.0; L]);
    let mut lanes = xs.chunks_exact(L);
    for q in &mut lanes {
        for i in 0..L {
            l[i] = if q[i] < l[i] { q[i] } else { l[i] };
            h[i] = if q[i] > h[i] { q[i] } else { h[i] };
            nan[i] += q[i] * 0.0;
        }
    }
    for &x in lanes.remainder() {
        l[0] = if x < l[0] { x } else { l[0] };
        h[0] = if x > h[0] { x } else { h[0] };
        nan[0] += x * 0.0;
    }
    // −0 and +0 compare equal, so which one a lane kept depends on the order: take either as +0.
    let (mut a, mut b, mut c) = (l[0] + 0.0, h[0] + 0.0, nan[0]);
    for i in 1..L {
        let (x, y) = (l[i] + 0.0, h[i] + 0.0);
        a = if x < a { x } else { a };
        b = if y > b { y } else { b };
        c += nan[i];
    }
    Scan {
        lo: a,
        hi: b,
        finite: c == 0.0,
    }
}

/// Most values a sketch takes into its u32 counts before it carries them into u64 counts:
/// no bucket can overflow below it. Small in unit tests, so that every test crosses it.
#[cfg(not(test))]
const NARROW_LIMIT: u64 = u32::MAX as u64;
#[cfg(test)]
const NARROW_LIMIT: u64 = 1000;

/// The [`SUB`] bucket counts of one binary octave. Values go into u32 counts: the increments
/// are bound by cache misses, and half-width counts halve the lines they touch. Before the
/// u32 counts could overflow ([`NARROW_LIMIT`] values), they are carried into u64 counts,
/// made then. A fixed-size array, so indexing it with a masked sub-bucket needs no bounds
/// check. (De)serialised as the plain sequence of the total counts.
#[derive(Debug, Clone)]
struct Page(Box<PageCounts>);

#[derive(Debug, Clone)]
struct PageCounts {
    narrow: [u32; SUB],
    wide: Option<Box<[u64; SUB]>>,
}

impl Page {
    fn zeroed() -> Page {
        Page(Box::new(PageCounts {
            narrow: [0; SUB],
            wide: None,
        }))
    }

    /// The count of sub-bucket `s`.
    #[inline]
    fn count(&self, s: usize) -> u64 {
        u64::from(self.0.narrow[s]) + self.0.wide.as_ref().map_or(0, |w| w[s])
    }

    fn counts(&self) -> impl DoubleEndedIterator<Item = u64> + '_ {
        (0..SUB).map(|s| self.count(s))
    }

    /// Add `count` to sub-bucket `s` in the u64 counts.
    fn add_wide(&mut self, s: usize, count: u64) {
        self.0.wide.get_or_insert_with(|| Box::new([0; SUB]))[s] += count;
    }

    /// Move the u32 counts into the u64 counts.
    fn carry(&mut self) {
        let PageCounts { narrow, wide } = &mut *self.0;
        let wide = wide.get_or_insert_with(|| Box::new([0; SUB]));
        for (w, n) in wide.iter_mut().zip(narrow.iter_mut()) {
            *w += u64::from(std::mem::take(n));
        }
    }
}

/// Equal when the counts are: where they are held does not matter.
impl PartialEq for Page {
    fn eq(&self, other: &Page) -> bool {
        self.counts().eq(other.counts())
    }
}

impl Serialize for Page {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.counts())
    }
}

impl<'de> Deserialize<'de> for Page {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Page, D::Error> {
        let v = Vec::<u64>::deserialize(d)?;
        let len = v.len();
        let wide: Box<[u64; SUB]> = v
            .into_boxed_slice()
            .try_into()
            .map_err(|_| serde::de::Error::invalid_length(len, &"1024 bucket counts"))?;
        Ok(Page(Box::new(PageCounts {
            narrow: [0; SUB],
            wide: Some(wide),
        })))
    }
}

/// Serde for the min and max of a sketch: `None` stands for the infinity of an empty sketch.
mod empty_as_none {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    fn ser<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        x.is_finite().then_some(*x).serialize(s)
    }

    fn de<'de, D: Deserializer<'de>>(d: D, empty: f64) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(empty))
    }

    pub mod min {
        use super::*;
        pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
            ser(x, s)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            de(d, f64::INFINITY)
        }
    }

    pub mod max {
        use super::*;
        pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
            ser(x, s)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            de(d, f64::NEG_INFINITY)
        }
    }
}

/// Equal when they hold the same values: how the counts are split between u32 and u64 does
/// not matter.
impl PartialEq for QuantileSketch {
    fn eq(&self, o: &QuantileSketch) -> bool {
        (self.n, self.zeros, self.sides(), self.min, self.max) == (o.n, o.zeros, o.sides(), o.min, o.max)
    }
}

impl Default for QuantileSketch {
    fn default() -> Self {
        Self::new()
    }
}

impl QuantileSketch {
    /// The largest relative distance between a reported quantile and the order statistic it
    /// stands for: half a bucket, 2⁻¹¹.
    pub const RELATIVE_ACCURACY: f64 = 1.0 / (2 * SUB) as f64;
    /// Values with |x| below this count as exactly zero.
    pub const ZERO_BAND: f64 = 1e-6;

    pub fn new() -> Self {
        QuantileSketch {
            n: 0,
            zeros: 0,
            pages: Vec::new(),
            narrow: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Page `e`, made if need be.
    #[inline(always)]
    fn page(pages: &mut Vec<Option<Page>>, e: usize) -> &mut Page {
        if pages.get(e).is_none_or(|p| p.is_none()) {
            Self::make_page(pages, e);
        }
        pages[e].as_mut().expect("made just above")
    }

    #[cold]
    fn make_page(pages: &mut Vec<Option<Page>>, e: usize) {
        if pages.len() <= e {
            pages.resize_with(e + 1, || None);
        }
        pages[e].get_or_insert_with(Page::zeroed);
    }

    /// First value in octave `e`: make room for its page.
    #[cold]
    fn bump_new_page(pages: &mut Vec<Option<Page>>, e: usize, s: usize, count: u32) {
        Self::page(pages, e).0.narrow[s] += count;
    }

    /// Add one finite value. Non-finite values are a caller bug and are ignored in release.
    #[inline]
    pub fn push(&mut self, x: f64) {
        debug_assert!(x.is_finite());
        self.push_repeated(x, 1);
    }

    /// `count` copies of `x`: the same result as pushing it `count` times.
    #[inline]
    fn push_repeated(&mut self, x: f64, count: u64) {
        if !x.is_finite() {
            return;
        }
        self.n += count;
        self.widen(&scan(&[x]));
        let k = Self::key(x);
        match u32::try_from(count) {
            Ok(c) if self.make_narrow_room(count) => self.bump_key(k, c),
            // More copies than the u32 counts take at once: straight into the u64 counts.
            _ if k == 0 => self.zeros += count,
            _ => {
                let (pages, e, s) = self.pages_of(k);
                Self::page(pages, e).add_wide(s, count);
            }
        }
    }

    /// Make room for `count` more values in the u32 counts, carrying them into the u64 counts
    /// if need be. False if `count` alone is more than they take.
    #[inline]
    fn make_narrow_room(&mut self, count: u64) -> bool {
        if count > NARROW_LIMIT {
            return false;
        }
        if self.narrow + count > NARROW_LIMIT {
            self.carry();
        }
        self.narrow += count;
        true
    }

    /// Carry every u32 count into the u64 counts.
    #[cold]
    fn carry(&mut self) {
        for page in self.pages.iter_mut().flatten() {
            page.carry();
        }
        self.narrow = 0;
    }

    /// The page table, with key `k`'s page and sub-bucket.
    #[inline(always)]
    fn pages_of(&mut self, k: u32) -> (&mut Vec<Option<Page>>, usize, usize) {
        (&mut self.pages, (k >> SUB_BITS) as usize, k as usize & (SUB - 1))
    }

    /// The page tables of x > 0 and of x < 0, each without trailing empty pages.
    fn sides(&self) -> (&[Option<Page>], &[Option<Page>]) {
        let (pos, neg) = self.pages.split_at(self.pages.len().min(EXPONENTS));
        let trim = |side: &[Option<Page>]| side.len() - side.iter().rev().take_while(|p| p.is_none()).count();
        (&pos[..trim(pos)], &neg[..trim(neg)])
    }

    /// Add many values: the same result as [`QuantileSketch::push`] one by one, with the
    /// count, minimum and maximum taken over the slice at once.
    #[inline(always)]
    pub fn push_slice(&mut self, xs: &[f64]) {
        let s = scan(xs);
        if !s.finite {
            xs.iter().for_each(|&x| self.push(x));
            return;
        }
        self.push_scanned(xs, s);
    }

    /// Take the bounds of a [`scan`] into the minimum and maximum.
    #[inline(always)]
    fn widen(&mut self, s: &Scan) {
        // Both sides hold +0 for a zero, so equal values are equal bits.
        self.min = if s.lo < self.min { s.lo } else { self.min };
        self.max = if s.hi > self.max { s.hi } else { self.max };
    }

    /// [`Self::push_slice`] of finite values `xs`, given their [`scan`].
    #[inline(always)]
    fn push_scanned(&mut self, xs: &[f64], s: Scan) {
        debug_assert!(s.finite);
        self.n += xs.len() as u64;
        self.widen(&s);
        let (key_lo, key_hi) = (Self::key(s.lo), Self::key(s.hi));
        // Both bounds outside the zero band and of one sign: so is every value between them,
        // and its page lies between theirs (pages hold one sign's octaves in order).
        let (e_lo, e_hi) = ((key_lo >> SUB_BITS) as usize, (key_hi >> SUB_BITS) as usize);
        let (e0, e1) = (e_lo.min(e_hi), e_lo.max(e_hi));
        let one_sign = key_lo != 0 && key_hi != 0 && (e_lo < EXPONENTS) == (e_hi < EXPONENTS);
        let sub = |x: f64| (x.to_bits() >> (52 - SUB_BITS)) as usize & (SUB - 1);
        if one_sign && e0 == e1 {
            // One octave: one page, the bucket from the top mantissa bits alone.
            for block in xs.chunks(256) {
                self.make_narrow_room(block.len() as u64);
                let counts = &mut Self::page(&mut self.pages, e0).0.narrow;
                block.iter().for_each(|&x| counts[sub(x)] += 1);
            }
            return;
        }
        if one_sign && e1 == e0 + 1 {
            // Two neighbouring octaves, each holding a bound: both pages get values. The page
            // is picked by the lowest exponent bit, without a branch.
            for block in xs.chunks(256) {
                self.make_narrow_room(block.len() as u64);
                Self::page(&mut self.pages, e0);
                Self::page(&mut self.pages, e1);
                let (below, above) = self.pages.split_at_mut(e1);
                let (a, b) = (&mut below[e0], &mut above[0]);
                let (Some(a), Some(b)) = (a, b) else {
                    unreachable!("both pages made just above")
                };
                let counts = [&mut a.0.narrow, &mut b.0.narrow];
                let first = e0 & 1;
                for &x in block {
                    let page = ((x.to_bits() >> 52) as usize & 1) ^ first;
                    counts[page][sub(x)] += 1;
                }
            }
            return;
        }
        // Two passes: the bucket keys in vector lanes, then one increment each.
        let mut keys = [0u32; 256];
        for block in xs.chunks(keys.len()) {
            self.make_narrow_room(block.len() as u64);
            for (k, &x) in keys.iter_mut().zip(block) {
                *k = Self::key(x);
            }
            for &k in &keys[..block.len()] {
                self.bump_key(k, 1);
            }
        }
    }

    /// The bucket of finite `x` as one number: the f64's sign, exponent and top [`SUB_BITS`]
    /// mantissa bits, or 0 in the zero band (the key of the smallest positive subnormals,
    /// which lie in the zero band too, so no value outside it shares the key).
    #[inline(always)]
    fn key(x: f64) -> u32 {
        let k = (x.to_bits() >> (52 - SUB_BITS)) as u32;
        if x.abs() < Self::ZERO_BAND { 0 } else { k }
    }

    /// `count` into the u32 count of key `k` ([`Self::key`]), for which
    /// [`Self::make_narrow_room`] has made room.
    #[inline(always)]
    fn bump_key(&mut self, k: u32, count: u32) {
        let (pages, e, s) = self.pages_of(k);
        match pages.get_mut(e) {
            Some(Some(page)) => page.0.narrow[s] += count,
            // Key 0 (the zero band) lands here too: page 0 of the positives is never made.
            _ if k == 0 => self.zeros += u64::from(count),
            _ => Self::bump_new_page(pages, e, s, count),
        }
    }

    pub fn merge(&mut self, other: &QuantileSketch) {
        self.n += other.n;
        self.zeros += other.zeros;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        // Into the u32 counts while no bucket can overflow there (the other's counts are at
        // most its n), else into the u64 counts.
        let narrow = self.make_narrow_room(other.n);
        if self.pages.len() < other.pages.len() {
            self.pages.resize_with(other.pages.len(), || None);
        }
        for (m, t) in self.pages.iter_mut().zip(&other.pages) {
            if let Some(t) = t {
                let m = m.get_or_insert_with(Page::zeroed);
                if narrow && t.0.wide.is_none() {
                    // The common case, u32 counts into u32 counts: a loop the compiler vectorises.
                    for (a, b) in m.0.narrow.iter_mut().zip(&t.0.narrow) {
                        *a += *b;
                    }
                    continue;
                }
                for (s, c) in t.counts().enumerate() {
                    if narrow {
                        m.0.narrow[s] += c as u32;
                    } else {
                        m.add_wide(s, c);
                    }
                }
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// Whether this sketch could have come from pushing `n` finite values with |x| ≤
    /// `max_abs`: counts adding up, min and max consistent, no bucket beyond `max_abs`. For
    /// sketches read from a file that nothing vouches for (a shard state).
    pub fn check(&self, max_abs: f64) -> Result<(), String> {
        let (pos, neg) = self.sides();
        // Octaves above max_abs's cannot hold a value.
        let e_max = (max_abs.abs().to_bits() >> 52) as usize;
        if pos.len() > e_max + 1 || neg.len() > e_max + 1 {
            return Err(format!("a bucket lies beyond ±{max_abs:e}"));
        }
        let mut total = u128::from(self.zeros);
        for p in pos.iter().chain(neg).flatten() {
            total += p.counts().map(u128::from).sum::<u128>();
        }
        if total != u128::from(self.n) {
            return Err(format!("bucket counts add up to {total}, but n is {}", self.n));
        }
        if self.n == 0 {
            return Ok(());
        }
        if !(self.min.is_finite() && self.max.is_finite() && self.min <= self.max) {
            return Err(format!("min {} and max {} of {} values", self.min, self.max, self.n));
        }
        if !(self.min.abs() <= max_abs && self.max.abs() <= max_abs) {
            return Err(format!("min {} or max {} beyond ±{max_abs:e}", self.min, self.max));
        }
        Ok(())
    }

    /// Midpoint of bucket `(e, s)` as a positive value.
    fn bucket_mid(e: usize, s: usize) -> f64 {
        // Added, not or-ed: the last sub-bucket's upper edge carries into the exponent (it is
        // the next octave's first value). An `|` lost that carry for odd exponents, whose
        // lowest bit is already set, and put the edge an octave down.
        let edge = |s: u64| f64::from_bits(((e as u64) << 52) + (s << (52 - SUB_BITS)));
        0.5 * (edge(s as u64) + edge(s as u64 + 1))
    }

    /// The value at rank `k` (0-based) in sorted order, to within the stated accuracy.
    fn at_rank(&self, k: u64) -> f64 {
        self.at_ranks([k])[0]
    }

    /// [`Self::at_rank`] of each of `ks`, in one pass over the buckets: `ks` must not
    /// decrease (a summary's eight percentiles cost one scan, not eight).
    fn at_ranks<const N: usize>(&self, ks: [u64; N]) -> [f64; N] {
        debug_assert!(ks.is_sorted());
        let mut out = [self.max; N];
        let mut next = 0;
        let mut seen = 0u64;
        // Every rank below `seen` takes `value`; true when none is left.
        let mut take = |seen: u64, value: f64| {
            while next < N && seen > ks[next] {
                out[next] = value;
                next += 1;
            }
            next == N
        };
        let (pos, neg) = self.sides();
        // Negative values, most negative first: high exponents first, high sub-buckets first.
        for e in (0..neg.len()).rev() {
            if let Some(p) = &neg[e] {
                for s in (0..SUB).rev() {
                    seen += p.count(s);
                    if take(seen, -Self::bucket_mid(e, s)) {
                        return out;
                    }
                }
            }
        }
        seen += self.zeros;
        if take(seen, 0.0) {
            return out;
        }
        for (e, p) in pos.iter().enumerate() {
            if let Some(p) = p {
                for (s, c) in p.counts().enumerate() {
                    seen += c;
                    if take(seen, Self::bucket_mid(e, s)) {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// [`Self::quantile`] of each of `qs` (in increasing order), in one pass.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        if self.n == 0 {
            return [f64::NAN; N];
        }
        let ranks = qs.map(|q| self.rank(q));
        self.at_ranks(ranks).map(|x| x.clamp(self.min, self.max))
    }

    /// The 0-based rank [`Self::quantile`] reads for `q`.
    fn rank(&self, q: f64) -> u64 {
        (q.clamp(0.0, 1.0) * (self.n - 1) as f64).round() as u64
    }

    /// The q-quantile (0 ≤ q ≤ 1): the order statistic at rank ⌊q·(n−1)⌉ (nearest rank on
    /// the 0-based scale), clamped to the exact minimum and maximum. NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.at_rank(self.rank(q)).clamp(self.min, self.max)
    }

    /// A 95 % confidence interval for the q-quantile of the distribution the values were
    /// drawn from: the order statistics at the ranks of [`quantile_rank_interval`], each
    /// widened by the sketch's [`QuantileSketch::RELATIVE_ACCURACY`] (and the zero band) so the
    /// bucketing cannot narrow it, clamped to the exact minimum and maximum. NaN when empty.
    ///
    /// The sampling part shrinks as 1/√n; the sketch part does not. Which one dominates
    /// depends on the spread: for a quantile x with density f at it, the sampling half-width is
    /// 1.96·√(q(1 − q)/n)/f against |x|·2⁻¹¹, so the sketch dominates beyond
    /// n ≈ (1.96·√(q(1 − q))·2¹¹ / (f·|x|))², about 10⁷ runs for a normal with sd/|mean| ≈ 0.5.
    pub fn quantile_interval95(&self, q: f64) -> (f64, f64) {
        if self.n == 0 {
            return (f64::NAN, f64::NAN);
        }
        let (lo, hi) = quantile_rank_interval(self.n, q);
        let widen = |x: f64, dir: f64| x + dir * (x.abs() * Self::RELATIVE_ACCURACY + Self::ZERO_BAND);
        let [at_lo, at_hi] = self.at_ranks([lo, hi]);
        (
            widen(at_lo, -1.0).clamp(self.min, self.max),
            widen(at_hi, 1.0).clamp(self.min, self.max),
        )
    }

    /// The exact smallest value pushed.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The exact largest value pushed.
    pub fn max(&self) -> f64 {
        self.max
    }
}

/// Moments and quantiles of one output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    pub moments: Moments,
    pub sketch: QuantileSketch,
}

impl Stat {
    /// Whether this statistic could have come from pushing finite values with |x| ≤ `max_abs`
    /// ([`Moments::check`], [`QuantileSketch::check`], the same count in both, the mean within
    /// the range).
    pub fn check(&self, max_abs: f64) -> Result<(), String> {
        self.moments.check(max_abs).map_err(|e| format!("moments: {e}"))?;
        self.sketch.check(max_abs).map_err(|e| format!("sketch: {e}"))?;
        if self.moments.count() != self.sketch.count() {
            return Err(format!(
                "moments count {} values, the sketch {}",
                self.moments.count(),
                self.sketch.count()
            ));
        }
        if self.moments.count() > 0 {
            let (m, lo, hi) = (self.moments.mean(), self.sketch.min(), self.sketch.max());
            let slack = 1e-6 * (1.0 + lo.abs().max(hi.abs()));
            if !(m >= lo - slack && m <= hi + slack) {
                return Err(format!("mean {m} outside min {lo} .. max {hi}"));
            }
        }
        Ok(())
    }

    /// A statistic with [`Moments::mean_only`]: mean and quantiles, with `sd` and `mean_se`
    /// of its [`Summary`] NaN.
    pub fn mean_only() -> Stat {
        Stat {
            moments: Moments::mean_only(),
            sketch: QuantileSketch::default(),
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        self.moments.push(x);
        self.sketch.push(x);
    }

    /// Push many values. Cheaper per value than [`Stat::push`] in a loop over many
    /// statistics, because one statistic's buckets stay in cache while its values go in.
    pub fn push_slice(&mut self, xs: &[f64]) {
        self.push_slice_with(xs, None);
    }

    /// [`Stat::push_slice`] given `s`, the [`scan`] of `xs`: for a caller that scanned the
    /// values already (to check their range), so they are not scanned twice.
    pub fn push_scanned(&mut self, xs: &[f64], s: Scan) {
        debug_assert_eq!(s, scan(xs));
        self.push_slice_with(xs, Some(s));
    }

    #[inline(always)]
    fn push_slice_with(&mut self, xs: &[f64], s: Option<Scan>) {
        if xs.len() >= 16 {
            // The same integer and comparison operations, four values at a time where the CPU
            // has AVX2 and the compiler can, so the same result.
            crate::kernels::with_avx2(
                #[inline(always)]
                || self.push_slice_inner(xs, s),
            );
            return;
        }
        self.push_slice_inner(xs, s);
    }

    #[inline(always)]
    fn push_slice_inner(&mut self, xs: &[f64], s: Option<Scan>) {
        // A block of one repeated value (an output the model fixes, such as the net benefit
        // before the start year, which is 0) goes in as one count.
        if let Some((&first, rest)) = xs.split_first()
            && rest.iter().all(|&x| x == first)
        {
            self.moments.push_repeated(first, xs.len() as u64);
            self.sketch.push_repeated(first, xs.len() as u64);
            return;
        }
        // One pass for the sketch's bounds, finiteness and the moments' fast-path range.
        let s = s.unwrap_or_else(|| scan(xs));
        if !s.finite {
            self.moments.push_slice(xs);
            self.sketch.push_slice(xs);
            return;
        }
        if s.within(FAST_LIMIT) {
            xs.chunks(SUM_BLOCK).for_each(|block| self.moments.push_small(block));
        } else {
            self.moments.push_slice(xs);
        }
        self.sketch.push_scanned(xs, s);
    }

    pub fn merge(&mut self, other: &Stat) {
        self.moments.merge(&other.moments);
        self.sketch.merge(&other.sketch);
    }

    pub fn summary(&self) -> Summary {
        let [p5, p10, p25, p50, p75, p80, p90, p95] =
            self.sketch.quantiles([0.05, 0.10, 0.25, 0.50, 0.75, 0.80, 0.90, 0.95]);
        Summary {
            mean: self.moments.mean(),
            mean_se: self.moments.std_error(),
            sd: self.moments.sd(),
            min: self.sketch.min(),
            p5,
            p10,
            p25,
            p50,
            p75,
            p80,
            p90,
            p95,
            max: self.sketch.max(),
        }
    }
}

/// The usual figures of one output distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub mean: f64,
    /// Monte Carlo standard error of the mean.
    pub mean_se: f64,
    pub sd: f64,
    pub min: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p80: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
}

/// A count of events among runs: an exact probability estimate with its standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proportion {
    pub hits: u64,
    pub n: u64,
}

impl Proportion {
    #[inline]
    pub fn push(&mut self, hit: bool) {
        self.n += 1;
        self.hits += hit as u64;
    }

    pub fn merge(&mut self, other: &Proportion) {
        self.hits += other.hits;
        self.n += other.n;
    }

    pub fn p(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.hits as f64 / self.n as f64
        }
    }

    /// Binomial standard error √(p(1−p)/n). It is 0 when no run (or every run) was a hit,
    /// which says nothing about how rare the event is: use [`Proportion::interval95`] then.
    pub fn std_error(&self) -> f64 {
        let p = self.p();
        (p * (1.0 - p) / self.n as f64).sqrt()
    }

    /// A 95 % confidence interval for the probability (NaN, NaN for no runs):
    /// - no hits: `[0, 1 − 0.05^(1/n)]`, the exact one-sided 95 % Clopper–Pearson upper bound
    ///   (Clopper & Pearson 1934), ≈ 3/n (the "rule of three", Hanley & Lippman-Hand 1983):
    ///   the largest probability under which seeing no hit in n runs still has a 5 % chance;
    /// - every run a hit: `[0.05^(1/n), 1]`, the same bound from below;
    /// - at most [`EXACT_COUNT`] hits (or misses): the exact two-sided Clopper–Pearson
    ///   interval, whose coverage is at least 95 % for every p;
    /// - otherwise the Wilson score interval (Wilson 1927), within a fraction of a percentage
    ///   point of 95 % coverage at such counts (Brown, Cai & DasGupta 2001).
    ///
    /// For runs that are not independent (Latin hypercube per chunk) it is conservative: the
    /// variance of an LHS proportion is at most n/(n − 1) times the i.i.d. one (Owen 1997).
    pub fn interval95(&self) -> (f64, f64) {
        if self.n == 0 {
            return (f64::NAN, f64::NAN);
        }
        let n = self.n as f64;
        let one_sided = (1.0 - CONFIDENCE).powf(1.0 / n);
        let (k, misses) = (self.hits, self.n - self.hits);
        if k == 0 {
            return (0.0, 1.0 - one_sided);
        }
        if misses == 0 {
            return (one_sided, 1.0);
        }
        let tail = (1.0 - CONFIDENCE) / 2.0;
        if k <= EXACT_COUNT {
            // The upper end: P(Bin(n, p) ≤ k) = 2.5 %; the lower: P(Bin(n, p) ≤ k − 1) = 97.5 %.
            let upper = solve_decreasing(|p| binomial_cdf(k, self.n, p), tail);
            let lower = solve_decreasing(|p| binomial_cdf(k - 1, self.n, p), 1.0 - tail);
            return (lower, upper);
        }
        if misses <= EXACT_COUNT {
            let (lo, hi) = Proportion {
                hits: misses,
                n: self.n,
            }
            .interval95();
            return (1.0 - hi, 1.0 - lo);
        }
        let (p, z) = (self.p(), Z95);
        let z2n = z * z / n;
        let centre = (p + z2n / 2.0) / (1.0 + z2n);
        let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

/// Counts up to which [`Proportion::interval95`] is the exact Clopper–Pearson interval.
pub const EXACT_COUNT: u64 = 100;

/// P(Bin(n, p) ≤ k) for small k, summed in log space (k + 1 terms).
fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if k >= n { 1.0 } else { 0.0 };
    }
    let (ln_p, ln_q) = (p.ln(), (-p).ln_1p());
    let nf = n as f64;
    let mut ln_choose = 0.0;
    let mut total = 0.0;
    for j in 0..=k.min(n) {
        if j > 0 {
            ln_choose += ((nf - j as f64 + 1.0) / j as f64).ln();
        }
        total += (ln_choose + j as f64 * ln_p + (nf - j as f64) * ln_q).exp();
    }
    total.min(1.0)
}

/// The p in (0, 1) where the decreasing `f` crosses `target`, by bisection to the f64
/// resolution (on a log scale below 10⁻³⁰⁰ is not needed: probabilities of interest are
/// above 10⁻¹²).
fn solve_decreasing(f: impl Fn(f64) -> f64, target: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The confidence level of every interval here: 95 %.
pub const CONFIDENCE: f64 = 0.95;
/// The standard normal's 97.5 % quantile, Φ⁻¹(0.975): the half-width of a two-sided 95 %
/// interval in standard errors.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The 0-based ranks `(lo, hi)` of the order statistics that bracket the q-quantile of `n`
/// i.i.d. draws with 95 % confidence: the number of draws at or below the true quantile is
/// Binomial(n, q), so `[x(lo), x(hi)]` covers it whenever that count lies within
/// n·q ± 1.96·√(n·q·(1 − q)) (normal approximation, widened to whole ranks; distribution-free,
/// e.g. Conover 1999 §3.2, David & Nagaraja 2003 §7.1).
pub fn quantile_rank_interval(n: u64, q: f64) -> (u64, u64) {
    let (nf, q) = (n as f64, q.clamp(0.0, 1.0));
    let half = Z95 * (nf * q * (1.0 - q)).sqrt();
    // 1-based ranks l and u cover the quantile iff l ≤ count ≤ u − 1.
    let l = (nf * q - half).floor().max(1.0);
    let u = ((nf * q + half).ceil() + 1.0).min(nf);
    ((l as u64).saturating_sub(1), (u as u64).saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::chunk_rng;
    use rand::RngExt;

    #[test]
    fn moments_match_two_pass() {
        let mut rng = chunk_rng(3, 0);
        let xs: Vec<f64> = (0..10_000).map(|_| rng.random::<f64>() * 50.0 - 10.0).collect();
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.push(x));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((m.mean() - mean).abs() < 1e-9);
        assert!((m.variance() - var).abs() / var < 1e-9);
    }

    #[test]
    fn merge_is_exact_in_any_grouping() {
        let mut rng = chunk_rng(4, 0);
        let xs: Vec<f64> = (0..5_000).map(|_| rng.random::<f64>() * 200.0 - 100.0).collect();
        let mut whole = Stat::default();
        xs.iter().for_each(|&x| whole.push(x));
        let mut parts: Vec<Stat> = xs
            .chunks(333)
            .map(|c| {
                let mut s = Stat::default();
                c.iter().for_each(|&x| s.push(x));
                s
            })
            .collect();
        parts.reverse();
        let mut merged = Stat::default();
        parts.iter().for_each(|p| merged.merge(p));
        assert_eq!(whole.moments, merged.moments);
        assert_eq!(whole.summary(), merged.summary());
    }

    #[test]
    fn mean_only_keeps_the_mean_and_quantiles_and_no_spread() {
        // Slices through every path of push_slice: the fast range, values beyond it, a
        // repeated value, and single pushes.
        let mut rng = chunk_rng(5, 0);
        let mut slices: Vec<Vec<f64>> = (0..6)
            .map(|_| (0..700).map(|_| rng.random::<f64>() * 80.0 - 30.0).collect())
            .collect();
        slices.push(vec![3.0e6, -2.5e7, 0.125, 4.0e6]);
        slices.push(vec![-1.75; 300]);
        let (mut full, mut lean) = (Stat::default(), Stat::mean_only());
        for xs in &slices {
            full.push_slice(xs);
            lean.push_slice(xs);
        }
        full.push(2.5);
        lean.push(2.5);
        let (f, l) = (full.summary(), lean.summary());
        assert_eq!(l.mean.to_bits(), f.mean.to_bits());
        assert!(f.sd > 0.0 && l.sd.is_nan() && l.mean_se.is_nan());
        let quantiles = |s: Summary| [s.min, s.p5, s.p10, s.p25, s.p50, s.p75, s.p80, s.p90, s.p95, s.max];
        assert_eq!(quantiles(l), quantiles(f));
        assert_eq!(lean.moments.count(), full.moments.count());

        // A state file: full moments are written as before (no new field), mean-only ones say
        // so and read back as they were; merged in, mean-only wins.
        let full_json = serde_json::to_string(&full.moments).unwrap();
        assert!(!full_json.contains("mean_only"), "{full_json}");
        let back: Moments = serde_json::from_str(&serde_json::to_string(&lean.moments).unwrap()).unwrap();
        assert_eq!(back, lean.moments);
        let mut merged = Stat::default();
        merged.merge(&lean);
        assert_eq!(merged.summary().mean.to_bits(), l.mean.to_bits());
        assert!(merged.summary().sd.is_nan());
    }

    #[test]
    fn quantiles_in_an_octave_s_last_bucket_are_within_the_accuracy() {
        // The median of three values is the middle one, which lies in the last sub-bucket of
        // its octave; octaves of both exponent parities and both signs. Values far below and
        // above keep the clamp to the minimum and maximum from hiding an error.
        for e in -4..=4 {
            let top = 2f64.powi(e + 1);
            let x = top * (1.0 - 1.0 / 4096.0);
            for sign in [1.0, -1.0] {
                let mut s = QuantileSketch::new();
                for v in [top / 8.0, x, top * 8.0] {
                    s.push(sign * v);
                }
                let q = s.quantile(0.5);
                let err = (q - sign * x).abs() / x;
                assert!(
                    err <= QuantileSketch::RELATIVE_ACCURACY,
                    "median of {} is {q}",
                    sign * x
                );
            }
        }
    }

    /// The u32 counts sum to at most the values taken since the last carry, which stay within
    /// [`NARROW_LIMIT`] (1000 in unit tests), so no u32 count can overflow.
    fn assert_narrow_bounded(s: &QuantileSketch) {
        let narrow: u64 = s
            .pages
            .iter()
            .flatten()
            .map(|p| p.0.narrow.iter().map(|&c| u64::from(c)).sum::<u64>())
            .sum();
        assert!(
            narrow <= s.narrow && s.narrow <= NARROW_LIMIT,
            "{narrow} in u32 counts, bound {}",
            s.narrow
        );
    }

    #[test]
    fn the_digest_form_is_the_same_for_the_same_values_and_changes_with_one_value() {
        let digest = |s: &QuantileSketch| with_digest_form(|| serde_json::to_string(s).unwrap());
        let mut rng = chunk_rng(9, 0);
        let xs: Vec<f64> = (0..5_000).map(|_| rng.random::<f64>() * 60.0 - 5.0).collect();
        let (mut one, mut merged, mut a, mut b) = (
            QuantileSketch::new(),
            QuantileSketch::new(),
            QuantileSketch::new(),
            QuantileSketch::new(),
        );
        xs.iter().for_each(|&x| one.push(x));
        a.push_slice(&xs[..1_700]);
        b.push_slice(&xs[1_700..]);
        merged.merge(&a);
        merged.merge(&b);
        // Split differently between the u32 and u64 counts, the same values: the same digest.
        assert_eq!(digest(&one), digest(&merged));
        // One value moved to another bucket (min and max unchanged): another digest.
        let mut moved = xs.clone();
        moved[10] = if moved[10] < 20.0 {
            moved[10] + 10.0
        } else {
            moved[10] - 10.0
        };
        let mut other = QuantileSketch::new();
        moved.iter().for_each(|&x| other.push(x));
        assert_eq!((other.min, other.max, other.n), (one.min, one.max, one.n));
        assert_ne!(digest(&one), digest(&other));
        // Outside the digest form the state-file form is unchanged.
        assert!(serde_json::to_string(&one).unwrap().contains("\"pos\""));
    }

    #[test]
    fn quantiles_in_one_pass_equal_quantiles_one_at_a_time() {
        let mut rng = chunk_rng(11, 0);
        let mut s = QuantileSketch::default();
        for i in 0..30_000 {
            s.push(match i % 5 {
                0 => 0.0,
                1 => -rng.random::<f64>() * 300.0,
                _ => rng.random::<f64>().powi(3) * 1e4,
            });
        }
        let qs = [0.0, 0.01, 0.2, 0.2, 0.21, 0.5, 0.9999, 1.0];
        assert_eq!(s.quantiles(qs), qs.map(|q| s.quantile(q)));
        assert!(QuantileSketch::default().quantiles([0.5])[0].is_nan());
    }

    #[test]
    fn counts_carried_into_u64_equal_counts_pushed_one_by_one() {
        let mut rng = chunk_rng(5, 0);
        let xs: Vec<f64> = (0..20_000)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => -rng.random::<f64>() * 40.0,
                _ => rng.random::<f64>() * 90.0 + 1.0,
            })
            .collect();
        let mut one = QuantileSketch::new();
        xs.iter().for_each(|&x| one.push(x));
        assert_narrow_bounded(&one);
        // Many carries happened (one per 1000 values), so the u64 counts hold most values.
        assert!(one.pages.iter().flatten().all(|p| p.0.wide.is_some()));

        let mut slices = QuantileSketch::new();
        xs.chunks(300).for_each(|c| slices.push_slice(c));
        assert_narrow_bounded(&slices);
        assert_eq!(one, slices);

        // Merges: a small part goes into the u32 counts, a part beyond the limit into u64.
        let (mut merged, mut small, mut big) = (QuantileSketch::new(), QuantileSketch::new(), QuantileSketch::new());
        small.push_slice(&xs[..600]);
        big.push_slice(&xs[600..]);
        merged.merge(&small);
        assert_narrow_bounded(&merged);
        merged.merge(&big);
        assert_narrow_bounded(&merged);
        assert_eq!(one, merged);

        // Repeated values: within the limit, and more copies than it (straight into u64).
        let (mut rep, mut each) = (QuantileSketch::new(), QuantileSketch::new());
        for (x, count) in [(3.5, 999), (3.5, 2), (-7.25, 5000), (0.0, 4000), (2.0, 1)] {
            rep.push_repeated(x, count);
            assert_narrow_bounded(&rep);
            (0..count).for_each(|_| each.push(x));
        }
        assert_eq!(rep, each);
        assert_eq!([0.3, 0.6, 0.99].map(|q| rep.quantile(q)), [-7.25, 0.0, 3.5]);
    }

    #[test]
    fn a_sketch_read_back_equals_itself_and_takes_more_values() {
        let mut rng = chunk_rng(6, 0);
        let xs: Vec<f64> = (0..5_000).map(|_| rng.random::<f64>() * 200.0 - 50.0).collect();
        let mut s = QuantileSketch::new();
        s.push_slice(&xs[..2_500]);
        let mut back: QuantileSketch = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        s.push_slice(&xs[2_500..]);
        back.push_slice(&xs[2_500..]);
        assert_narrow_bounded(&back);
        assert_eq!(back, s);
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&s).unwrap()
        );
        // Only positives, only negatives: each side keeps its own table.
        for sign in [1.0, -1.0] {
            let mut one_side = QuantileSketch::new();
            one_side.push_slice(&xs.iter().map(|x| sign * (x.abs() + 1.0)).collect::<Vec<_>>());
            let json = serde_json::to_string(&one_side).unwrap();
            assert_eq!(serde_json::from_str::<QuantileSketch>(&json).unwrap(), one_side);
            assert_eq!(json.contains(r#""neg":[]"#), sign > 0.0, "{}", &json[..60]);
        }
        // More pages than f64 exponents is refused, not read into the other sign's table.
        let bad = format!(
            r#"{{"n":0,"zeros":0,"pos":[{}],"neg":[],"min":null,"max":null}}"#,
            vec!["null"; EXPONENTS + 1].join(",")
        );
        let err = serde_json::from_str::<QuantileSketch>(&bad).unwrap_err().to_string();
        assert!(err.contains("2049 pos pages"), "{err}");
    }

    #[test]
    fn quantiles_within_stated_accuracy_of_exact() {
        // Mixed-sign values over several orders of magnitude, plus exact zeros.
        let mut rng = chunk_rng(9, 0);
        let mut xs: Vec<f64> = (0..200_000)
            .map(|i| {
                if i % 50 == 0 {
                    0.0
                } else {
                    let u: f64 = rng.random();
                    (u * 12.0 - 4.0).exp() * if rng.random::<bool>() { 1.0 } else { -0.3 }
                }
            })
            .collect();
        let mut s = QuantileSketch::new();
        xs.iter().for_each(|&x| s.push(x));
        xs.sort_by(f64::total_cmp);
        for q in [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0] {
            let k = (q * (xs.len() - 1) as f64).round() as usize;
            let exact = xs[k];
            let got = s.quantile(q);
            let tol = exact.abs() * QuantileSketch::RELATIVE_ACCURACY + QuantileSketch::ZERO_BAND;
            assert!((got - exact).abs() <= tol, "q={q}: {got} vs {exact}");
        }
    }

    #[test]
    fn push_slice_equals_pushes_also_for_huge_values() {
        let mut rng = chunk_rng(5, 0);
        let xs: Vec<f64> = (0..3000)
            .map(|i| {
                let x = rng.random::<f64>() * 100.0 - 50.0;
                // Every 100th value takes the wide path (|x| ≥ 2^21), every 37th is in the
                // zero band.
                if i % 100 == 0 {
                    x * 1e9
                } else if i % 37 == 0 {
                    x * 1e-9
                } else {
                    x
                }
            })
            .collect();
        let mut one = Stat::default();
        xs.iter().for_each(|&x| one.push(x));
        let mut many = Stat::default();
        xs.chunks(77).for_each(|c| many.push_slice(c));
        assert_eq!(one, many);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((one.moments.mean() - mean).abs() < 1e-6 * mean.abs().max(1.0));
    }

    #[test]
    fn block_sums_stay_exact_at_the_edge_of_the_fast_path() {
        // A full block of 1024 values just inside ±2²¹ (the largest the split sums of
        // squares take), of both signs: the same moments as one push at a time.
        let edge = FAST_LIMIT - 0.25;
        let xs: Vec<f64> = (0..1024)
            .map(|i| match i % 3 {
                0 => edge,
                1 => -edge,
                _ => -edge + i as f64 * 1e-3,
            })
            .collect();
        let mut one = Moments::default();
        xs.iter().for_each(|&x| one.push(x));
        let mut block = Moments::default();
        block.push_slice(&xs);
        assert_eq!(one, block);
    }

    #[test]
    fn a_slice_of_one_repeated_value_equals_its_pushes() {
        let mut one = Stat::default();
        let mut many = Stat::default();
        for (x, len) in [
            (5.25, 256),
            (0.0, 77),
            (-3.0, 1),
            (1e-9, 10),
            (-0.0, 3),
            (3e9, 5),
            (-7e12, 256),
        ] {
            let xs = vec![x; len];
            xs.iter().for_each(|&x| one.push(x));
            many.push_slice(&xs);
            assert_eq!(one, many, "{x} × {len}");
        }
        // ±0 in one slice compare equal and count as zeros either way.
        let xs = [0.0, -0.0, 0.0];
        xs.iter().for_each(|&x| one.push(x));
        many.push_slice(&xs);
        assert_eq!(one, many);
        assert_eq!(one.moments.count(), 611);
    }

    #[test]
    fn min_and_max_do_not_depend_on_the_order_of_signed_zeros() {
        // Zero is the minimum (or maximum) and comes as −0 and +0 in every lane position.
        for n in [3, 8, 9, 20, 37] {
            for first_negative in [false, true] {
                let zeros: Vec<f64> = (0..n)
                    .map(|i| if (i % 3 == 0) == first_negative { -0.0 } else { 0.0 })
                    .collect();
                let above: Vec<f64> = zeros.iter().enumerate().map(|(i, z)| z + i as f64).collect();
                let below: Vec<f64> = above.iter().map(|x| -x).collect();
                for (xs, lo, hi) in [
                    (&zeros, 0.0, 0.0),
                    (&above, 0.0, (n - 1) as f64),
                    (&below, -((n - 1) as f64), 0.0),
                ] {
                    let (mut slice, mut one) = (QuantileSketch::new(), QuantileSketch::new());
                    slice.push_slice(xs);
                    xs.iter().for_each(|&x| one.push(x));
                    for s in [&slice, &one] {
                        assert_eq!(
                            (s.min().to_bits(), s.max().to_bits()),
                            (lo.to_bits(), hi.to_bits()),
                            "{xs:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn scan_finds_a_non_finite_value_in_every_lane_position() {
        for n in [1, 7, 8, 9, 16, 17, 33] {
            let xs: Vec<f64> = (0..n).map(|i| i as f64 - 3.5).collect();
            let s = scan(&xs);
            assert!(s.finite, "n = {n}");
            assert_eq!((s.lo, s.hi), (-3.5, n as f64 - 4.5));
            for p in 0..n {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut ys = xs.clone();
                    ys[p] = bad;
                    assert!(!scan(&ys).finite, "{bad} at {p} of {n}");
                }
            }
        }
    }

    #[test]
    fn slices_in_one_or_two_octaves_count_as_single_pushes() {
        // One octave; two octaves meeting at 2 (the lower page's exponent odd) and at 4 (even);
        // three octaves; both signs; across zero; into the zero band. Slices of 256 and 77,
        // so pages are made inside a slice and the u32 counts carry (every 1000 values here).
        let ranges = [
            (2.1, 3.9),
            (1.5, 2.5),
            (3.0, 5.0),
            (1.5, 7.0),
            (-0.5, 0.5),
            (-1e-5, 1e-5),
        ];
        for (lo, hi) in ranges {
            for sign in [1.0, -1.0] {
                let mut rng = chunk_rng(11, 0);
                let xs: Vec<f64> = (0..5000)
                    .map(|_| sign * (lo + (hi - lo) * rng.random::<f64>()))
                    .collect();
                let mut one = QuantileSketch::new();
                xs.iter().for_each(|&x| one.push(x));
                for len in [256, 77] {
                    let mut many = QuantileSketch::new();
                    xs.chunks(len).for_each(|c| many.push_slice(c));
                    assert_eq!(one, many, "{sign} × [{lo}, {hi}] in slices of {len}");
                }
            }
        }
    }

    #[test]
    fn the_fast_moments_path_is_taken_only_within_its_range() {
        // Slices within ±2²¹ before and after values far outside it: each slice takes its own
        // path, with the same sums as one push at a time.
        for first in [3e9, -3e9, 5.0] {
            for then in [
                [1.5, -2.25, 7.0, 0.0, 1e-9, 4.0, 2.0, 1.0, 3.0],
                [3e9; 9],
                [-FAST_LIMIT; 9],
            ] {
                let (mut one, mut many) = (Stat::default(), Stat::default());
                for xs in [&[first, 1.0][..], &then[..], &[FAST_LIMIT * 0.999; 20][..]] {
                    xs.iter().for_each(|&x| one.push(x));
                    many.push_slice(xs);
                }
                assert_eq!(one, many, "{first} then {then:?}");
            }
        }
    }

    #[test]
    fn fixed_point_rounds_to_nearest() {
        for (y, r) in [
            (0.4, 0),
            (0.6, 1),
            (-0.6, -1),
            (2.5, 2),
            (3.5, 4),
            (-1e15 - 0.75, -1_000_000_000_000_001),
        ] {
            assert_eq!(fixed(y), r, "{y}");
        }
    }

    #[test]
    fn rank_interval_is_within_the_sample_and_brackets_the_rank() {
        for (n, q) in [
            (1, 0.5),
            (2, 0.1),
            (10, 0.95),
            (1000, 0.5),
            (1_000_000, 0.8),
            (10_000_000_000, 0.99),
        ] {
            let (lo, hi) = quantile_rank_interval(n, q);
            let k = (q * (n - 1) as f64).round() as u64;
            assert!(lo <= k && k <= hi && hi < n, "n {n} q {q}: {lo}..{hi} around {k}");
        }
        assert_eq!(quantile_rank_interval(1, 0.5), (0, 0));
    }

    #[test]
    fn proportion_and_se() {
        let mut p = Proportion::default();
        (0..100).for_each(|i| p.push(i % 4 == 0));
        assert_eq!(p.p(), 0.25);
        assert!((p.std_error() - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }
}
