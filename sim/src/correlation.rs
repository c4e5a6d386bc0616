//! Rank correlation between inputs by the Iman–Conover method.
//!
//! Iman & Conover (1982), "A distribution-free approach to inducing rank correlation among
//! input variables", Communications in Statistics B 11(3). Per chunk of `n` runs and `k`
//! correlated inputs:
//! 1. van der Waerden scores Φ⁻¹(i/(n+1)), i = 1..n, each column a random permutation → M;
//! 2. T = corr(M) with Cholesky factor Q; the target C* with a factor P (P·Pᵀ = C*);
//! 3. S = M·(P·Q⁻¹)ᵀ has sample correlation exactly C*;
//! 4. each input column is re-ordered to the ranks of its column of S.
//!
//! Step 4 only permutes each column, so every marginal is left exactly as drawn. The scores'
//! *Pearson* correlation is C*; their *Spearman* correlation is (6/π)·arcsin(ρ/2) (the normal
//! copula), e.g. 0.683 for 0.7. So C* is set to 2·sin(π·ρ/6) elementwise, which makes the
//! achieved rank correlation the target ρ (tested below).
//!
//! A target that is not positive semi-definite is refused with its smallest eigenvalue; when
//! asked, it is repaired to the nearest correlation matrix in the Frobenius norm (Higham 2002,
//! "Computing the nearest correlation matrix", IMA J. Numer. Anal. 22(3), alternating
//! projections with Dykstra's correction) and the distance moved is reported.

use nalgebra::DMatrix;
use rand::Rng;
use rand::seq::SliceRandom;

use crate::dist::std_normal_quantile;

/// Tolerance below zero for the smallest eigenvalue of a "positive semi-definite" matrix.
const PSD_TOL: f64 = 1e-10;

/// Why a correlation matrix was refused. Indices are 0-based rows and columns.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CorrelationError {
    #[error("the matrix has {rows} rows for {k} inputs")]
    Rows { rows: usize, k: usize },
    #[error("row {row} has {len} entries for {k} inputs")]
    Row { row: usize, len: usize, k: usize },
    #[error("entry [{row}][{col}] = {value} is not a correlation in [-1, 1]")]
    Range { row: usize, col: usize, value: f64 },
    #[error("diagonal entry [{row}][{row}] = {value}, must be 1")]
    Diagonal { row: usize, value: f64 },
    #[error("entry [{row}][{col}] = {value} differs from [{col}][{row}] = {mirror}")]
    Asymmetric {
        row: usize,
        col: usize,
        value: f64,
        mirror: f64,
    },
    #[error(
        "the matrix is not positive semi-definite (smallest eigenvalue {min_eigenvalue:.4}): no joint distribution has these correlations"
    )]
    NotPsd { min_eigenvalue: f64 },
}

/// How far a repair moved the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    /// Smallest eigenvalue of the matrix as given.
    pub min_eigenvalue_before: f64,
    /// Frobenius norm of the change.
    pub frobenius: f64,
    /// Largest change of a single entry.
    pub max_abs_change: f64,
    /// The repaired matrix, row by row.
    pub matrix: Vec<Vec<f64>>,
}

/// A validated rank-correlation target, ready to impose on chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct RankCorrelation {
    k: usize,
    /// The rank correlations aimed at (after any repair), row-major.
    target: Vec<f64>,
    /// Pᵀ with P·Pᵀ = C*, the Pearson target of the normal scores.
    p_t: DMatrix<f64>,
    repair: Option<Repair>,
}

/// Per-worker buffers for [`RankCorrelation::apply`]; reuse one per thread.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    n: usize,
    scores: Vec<f64>,
    /// Σ scores²: the common variance (times n) of every score column.
    var: f64,
    /// Column-major n×k.
    m: Vec<f64>,
    s: Vec<f64>,
    /// Score keys: [`order_key`] of the score with the row index in its low bits; sorting
    /// them sorts rows by score.
    order: Vec<u64>,
    /// Order keys of one column's values, sorted.
    sorted: Vec<u64>,
    /// The first score column's permutation: row i holds the `perm[i]`-th smallest score.
    perm: Vec<u32>,
    /// Rank the first column by a sort like the others, not by `perm` (set only by the test
    /// that the two agree).
    sort_first: bool,
    buckets: Buckets,
}

/// Buffers of [`sort_keys`].
#[derive(Debug, Default, Clone)]
struct Buckets {
    of_key: Vec<u16>,
    starts: Vec<u32>,
    out: Vec<u64>,
}

/// Largest bucket [`sort_keys`] finishes by insertion; a larger one is sorted as a slice.
const MAX_INSERTION: u32 = 48;

/// Sort [`order_key`]s ascending: the same result as `sort_unstable` (equal keys are equal
/// bits), in a few linear passes instead of log₂ n comparison rounds.
///
/// The keys go into 2n buckets of equal width between the smallest and largest value they
/// stand for (with n buckets a chunk's insertion pass took 13 % more time: twice as many keys
/// share a bucket with another). A key's bucket never decreases as the key grows (each rounding in
/// ⌊(x − lo)·scale⌋ is monotone), so keys only ever need to move within their bucket. The draws
/// and normal scores of a chunk spread over the buckets with a few keys in each, which one
/// insertion pass sorts; a sample so skewed that a bucket holds many keys has those buckets
/// sorted like any slice, and one spanning nearly all of f64 is sorted as a whole.
///
/// Where the CPU has AVX2 the passes over all keys run four at a time where the compiler can:
/// the same operations, so the same result.
fn sort_keys(keys: &mut Vec<u64>, b: &mut Buckets) {
    crate::kernels::with_avx2(
        #[inline(always)]
        || sort_keys_inner(keys, b),
    );
}

#[inline(always)]
fn sort_keys_inner(keys: &mut Vec<u64>, b: &mut Buckets) {
    let n = keys.len();
    let (lo, hi) = keys.iter().fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let (lo, hi) = (from_order_key(lo), from_order_key(hi));
    let buckets = 2 * n;
    let scale = buckets as f64 / (hi - lo);
    // Few keys (or more than the u16 bucket numbers take), NaN, a constant sample, or a span
    // beyond f64: no buckets.
    let buckets_work =
        (64..=1 << 15).contains(&n) && lo.is_finite() && hi.is_finite() && scale.is_finite() && scale > 0.0;
    if !buckets_work {
        keys.sort_unstable();
        return;
    }
    let last = (buckets - 1) as f64;
    b.of_key.clear();
    // In [0, 2n − 1] by the min: the cast neither saturates nor truncates a large value.
    b.of_key.extend(
        keys.iter()
            .map(|&k| ((from_order_key(k) - lo) * scale).min(last) as u16),
    );
    b.starts.clear();
    b.starts.resize(buckets, 0);
    for &i in &b.of_key {
        b.starts[usize::from(i)] += 1;
    }
    let biggest = b.starts.iter().copied().max().unwrap_or(0);
    let mut at = 0;
    for c in b.starts.iter_mut() {
        (*c, at) = (at, at + *c);
    }
    b.out.resize(n, 0);
    for (&k, &i) in keys.iter().zip(&b.of_key) {
        let at = &mut b.starts[usize::from(i)];
        b.out[*at as usize] = k;
        *at += 1;
    }
    if biggest <= MAX_INSERTION {
        insertion_sort(&mut b.out);
    } else {
        // starts[i] is now the end of bucket i.
        let mut start = 0;
        for &end in &b.starts {
            let end = end as usize;
            b.out[start..end].sort_unstable();
            start = end;
        }
    }
    // The sorted keys take the place of the input, which becomes the next call's buffer.
    std::mem::swap(keys, &mut b.out);
}

/// Σ aᵢ·bᵢ in eight interleaved partial sums: independent additions, so the processor
/// overlaps them (a single running sum waits for each addition before the next).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    const L: usize = 8;
    let mut acc = [0.0; L];
    let (qa, qb) = (a.chunks_exact(L), b.chunks_exact(L));
    let tail: f64 = qa.remainder().iter().zip(qb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in qa.zip(qb) {
        for i in 0..L {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Insertion sort: linear in the length plus the number of keys out of order.
fn insertion_sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let k = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > k {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = k;
    }
}

/// A `u64` whose unsigned order is `f64::total_cmp`'s order on `x`: sorting plain integers
/// is several times faster than sorting floats (or indices) with a comparator.
#[inline]
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    // Negative values: flip all bits (larger magnitude sorts first); positive: flip the sign.
    b ^ (((b as i64 >> 63) as u64) | (1 << 63))
}

/// The inverse of [`order_key`]. Without a branch, so a loop of it runs in vector lanes.
#[inline]
fn from_order_key(k: u64) -> f64 {
    // Top bit set (a non-negative value): flip only it; clear: flip all bits.
    let positive = ((k as i64) >> 63) as u64;
    f64::from_bits(k ^ (!positive | (1 << 63)))
}

fn min_eigenvalue(a: &DMatrix<f64>) -> f64 {
    a.clone().symmetric_eigenvalues().min()
}

/// Projection onto the PSD cone: clip negative eigenvalues to zero.
fn psd_part(a: &DMatrix<f64>) -> DMatrix<f64> {
    let e = a.clone().symmetric_eigen();
    let d = DMatrix::from_diagonal(&e.eigenvalues.map(|l| l.max(0.0)));
    &e.eigenvectors * d * e.eigenvectors.transpose()
}

/// Higham's alternating projections with Dykstra's correction onto {PSD} ∩ {unit diagonal}.
fn nearest_correlation(a: &DMatrix<f64>) -> DMatrix<f64> {
    let k = a.nrows();
    let mut y = a.clone();
    let mut ds = DMatrix::zeros(k, k);
    for _ in 0..10_000 {
        let r = &y - &ds;
        let x = psd_part(&r);
        ds = &x - &r;
        let mut next = x;
        for i in 0..k {
            next[(i, i)] = 1.0;
        }
        let moved = (&next - &y).norm();
        y = next;
        if moved < 1e-13 && min_eigenvalue(&y) >= -PSD_TOL {
            break;
        }
    }
    y
}

impl RankCorrelation {
    /// Validate a k×k rank-correlation matrix (rows in input order). With `repair`, a matrix
    /// that is not positive semi-definite is moved to the nearest correlation matrix (see
    /// [`RankCorrelation::repair`]); without it, it is refused.
    pub fn new(matrix: &[Vec<f64>], repair: bool) -> Result<RankCorrelation, CorrelationError> {
        Self::build(matrix, repair, true)
    }

    fn build(matrix: &[Vec<f64>], repair: bool, adjust: bool) -> Result<RankCorrelation, CorrelationError> {
        let k = matrix.len();
        for (row, r) in matrix.iter().enumerate() {
            if r.len() != k {
                return Err(CorrelationError::Row { row, len: r.len(), k });
            }
            for (col, &value) in r.iter().enumerate() {
                if !(-1.0..=1.0).contains(&value) {
                    return Err(CorrelationError::Range { row, col, value });
                }
            }
            if r[row] != 1.0 {
                return Err(CorrelationError::Diagonal { row, value: r[row] });
            }
        }
        for (row, r) in matrix.iter().enumerate() {
            for (col, &value) in r.iter().enumerate().skip(row + 1) {
                let mirror = matrix[col][row];
                if (value - mirror).abs() > 1e-12 {
                    return Err(CorrelationError::Asymmetric {
                        row: col,
                        col: row,
                        value: mirror,
                        mirror: value,
                    });
                }
            }
        }
        let mut c = DMatrix::from_fn(k, k, |i, j| matrix[i][j]);
        let min_eig = if k == 0 { 0.0 } else { min_eigenvalue(&c) };
        let mut report = None;
        if min_eig < -PSD_TOL {
            if !repair {
                return Err(CorrelationError::NotPsd {
                    min_eigenvalue: min_eig,
                });
            }
            let fixed = nearest_correlation(&c);
            let diff = &fixed - &c;
            report = Some(Repair {
                min_eigenvalue_before: min_eig,
                frobenius: diff.norm(),
                max_abs_change: diff.amax(),
                matrix: (0..k).map(|i| (0..k).map(|j| fixed[(i, j)]).collect()).collect(),
            });
            c = fixed;
        }
        // The normal-score target whose Spearman correlation is c.
        let c_star = c.map(|r| {
            if adjust {
                2.0 * (std::f64::consts::PI * r / 6.0).sin()
            } else {
                r
            }
        });
        let p = match c_star.clone().cholesky() {
            Some(ch) => ch.l(),
            // Singular (or, after the sine map, barely indefinite): an eigen factor V·√Λ⁺.
            None => {
                let e = c_star.symmetric_eigen();
                let d = DMatrix::from_diagonal(&e.eigenvalues.map(|l| l.max(0.0).sqrt()));
                e.eigenvectors * d
            }
        };
        Ok(RankCorrelation {
            k,
            target: c.iter().copied().collect::<Vec<_>>(),
            p_t: p.transpose(),
            repair: report,
        })
    }

    /// Number of correlated inputs.
    pub fn len(&self) -> usize {
        self.k
    }

    pub fn is_empty(&self) -> bool {
        self.k == 0
    }

    /// The rank correlation aimed at between inputs `i` and `j` (after any repair).
    pub fn target(&self, i: usize, j: usize) -> f64 {
        // nalgebra stores column-major; the matrix is symmetric.
        self.target[j * self.k + i]
    }

    /// What a repair changed, if one was asked for and needed.
    pub fn repair(&self) -> Option<&Repair> {
        self.repair.as_ref()
    }

    /// Re-order rows `..len` of `columns[which[0]]`, `columns[which[1]]`, … (in matrix order)
    /// so that their rank correlation is the target. Only permutes: marginals are unchanged.
    /// Reproducible: the only randomness is the score permutations drawn from `rng`.
    pub fn apply<R: Rng + ?Sized>(
        &self,
        columns: &mut [Vec<f64>],
        which: &[usize],
        len: usize,
        rng: &mut R,
        sc: &mut Scratch,
    ) {
        let k = self.k;
        assert_eq!(which.len(), k, "one column per matrix row");
        if k < 2 || len < k + 2 {
            // Too few runs for a non-singular score correlation: leave the draws independent.
            return;
        }
        let n = len;
        if sc.n != n {
            sc.n = n;
            sc.scores = (1..=n)
                .map(|i| std_normal_quantile(i as f64 / (n + 1) as f64))
                .collect();
            sc.var = sc.scores.iter().map(|x| x * x).sum();
        }
        sc.m.resize(n * k, 0.0);
        sc.s.resize(n * k, 0.0);
        sc.order.resize(n, 0);
        sc.sorted.resize(n, 0);
        // The row index takes the low bits of a score key: scores that agree in all other
        // bits (a relative difference below 2⁻⁴⁰ for n = 4096) rank by row, a tie-break with
        // no effect on the rank correlation.
        let row_mask = (n as u64).next_power_of_two() - 1;
        // The first column as a permutation of indices: the same draws as shuffling the
        // scores (a shuffle's draws depend on the length only), and it keeps the ranks.
        sc.perm.clear();
        sc.perm.extend(0..n as u32);
        sc.perm.shuffle(rng);
        for (x, &p) in sc.m[..n].iter_mut().zip(&sc.perm) {
            *x = sc.scores[p as usize];
        }
        for j in 1..k {
            let col = &mut sc.m[j * n..(j + 1) * n];
            col.copy_from_slice(&sc.scores);
            col.shuffle(rng);
        }
        // T = corr(M): every column is a permutation of the same centred scores, so the
        // covariance is Mᵀ·M/n and the common variance divides out.
        // T is symmetric: each pair's dot product is taken once.
        let var = sc.var;
        let mut t = DMatrix::identity(k, k);
        for a in 0..k {
            for b in a + 1..k {
                let (ca, cb) = (&sc.m[a * n..(a + 1) * n], &sc.m[b * n..(b + 1) * n]);
                let r = dot(ca, cb) / var;
                (t[(a, b)], t[(b, a)]) = (r, r);
            }
        }
        let Some(q) = t.cholesky() else {
            // A random permutation matrix of scores is non-singular with probability 1.
            return;
        };
        // W = (P·Q⁻¹)ᵀ = Q⁻ᵀ·Pᵀ, solving Qᵀ·W = Pᵀ.
        let w = q
            .l()
            .tr_solve_lower_triangular(&self.p_t)
            .expect("a Cholesky factor has a non-zero diagonal");
        // W is upper triangular (Q⁻ᵀ and Pᵀ are), so the first transformed column is the first
        // score column times W₀₀ > 0, plus exact zeros: its ranks are the permutation's, as
        // a sort would find them (adjacent normal scores differ by far more than the low
        // bits the row index takes).
        let first_ranked = !sc.sort_first && w[(0, 0)] > 0.0 && (1..k).all(|l| w[(l, 0)] == 0.0);
        // Its transformed column is then not needed.
        for j in usize::from(first_ranked)..k {
            let (m, s) = (&sc.m, &mut sc.s[j * n..(j + 1) * n]);
            s.fill(0.0);
            for l in 0..k {
                let wl = w[(l, j)];
                if wl != 0.0 {
                    for (x, y) in s.iter_mut().zip(&m[l * n..(l + 1) * n]) {
                        *x += wl * y;
                    }
                }
            }
        }
        for (j, &c) in which.iter().enumerate() {
            let s = &sc.s[j * n..(j + 1) * n];
            let col = &mut columns[c][..n];
            for (k, &x) in sc.sorted.iter_mut().zip(col.iter()) {
                *k = order_key(x);
            }
            sort_keys(&mut sc.sorted, &mut sc.buckets);
            if j == 0 && first_ranked {
                for (x, &rank) in col.iter_mut().zip(&sc.perm) {
                    *x = from_order_key(sc.sorted[rank as usize]);
                }
                continue;
            }
            for (i, (o, &x)) in sc.order.iter_mut().zip(s).enumerate() {
                *o = (order_key(x) & !row_mask) | i as u64;
            }
            sort_keys(&mut sc.order, &mut sc.buckets);
            for (&o, &k) in sc.order.iter().zip(&sc.sorted) {
                col[(o & row_mask) as usize] = from_order_key(k);
            }
        }
    }
}

/// Spearman's rank correlation of two equally long samples (average ranks for ties).
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&ranks(a), &ranks(b))
}

/// Ranks 1..=n of a sample, ties sharing their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_unstable_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = 0.5 * (i + j) as f64 + 1.0;
        for &t in &idx[i..=j] {
            r[t] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation of two equally long samples; 0 when either is constant (a fixed
/// input is uncorrelated with everything).
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        return 0.0;
    }
    sab / (saa * sbb).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{DistSpec, Input};
    use crate::rng::chunk_rng;
    use crate::runner::CHUNK_RUNS;
    use crate::sampling::Sampling;

    #[test]
    fn order_keys_sort_as_total_cmp_and_invert() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1.0 + f64::EPSILON,
            7e200,
            f64::INFINITY,
        ];
        for a in xs {
            assert_eq!(from_order_key(order_key(a)).to_bits(), a.to_bits());
            for b in xs {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn interleaved_dot_product_equals_the_running_sum() {
        use rand::RngExt;
        let mut rng = chunk_rng(8, 0);
        for n in [0, 1, 7, 8, 9, 4095, 4096] {
            let a: Vec<f64> = (0..n).map(|_| rng.random::<f64>() - 0.5).collect();
            let b: Vec<f64> = (0..n).map(|i| a[i] * 0.5 + rng.random::<f64>() - 0.5).collect();
            let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let scale: f64 = a.iter().zip(&b).map(|(x, y)| (x * y).abs()).sum();
            // Both are sums of the same n products: they differ by rounding, at most n·ε·Σ|aᵢbᵢ|.
            assert!(
                (dot(&a, &b) - plain).abs() <= n as f64 * f64::EPSILON * scale,
                "n = {n}"
            );
        }
    }

    #[test]
    fn bucket_sort_equals_a_comparison_sort() {
        use rand::RngExt;
        use rand_distr::{Distribution, LogNormal, StandardNormal};
        let mut rng = chunk_rng(7, 0);
        let mut b = Buckets::default();
        let mut samples: Vec<(&str, Vec<f64>)> = Vec::new();
        // 2¹⁵ keys is the most that take buckets (2n bucket numbers in u16), one more is not.
        for n in [5, 63, 64, 65, 1000, 4096, 1 << 15, (1 << 15) + 1] {
            samples.push(("normal", (0..n).map(|_| rng.sample(StandardNormal)).collect()));
            samples.push(("uniform", (0..n).map(|_| rng.random::<f64>() * 20.0 + 30.0).collect()));
            // Heavy right tail: most keys crowd the first buckets (the slice-sort path).
            let ln = LogNormal::new(0.0, 3.0).unwrap();
            samples.push(("lognormal", (0..n).map(|_| ln.sample(&mut rng)).collect()));
            // Ties, signed zeros and a value that is its bucket's lower edge.
            samples.push(("ties", (0..n).map(|i| [-0.0, 0.0, 1.0, -2.0, 2.5][i % 5]).collect()));
            samples.push(("constant", vec![4.25; n]));
            // A span beyond f64 (hi − lo overflows), an infinity, a NaN.
            let wide: Vec<f64> = (0..n)
                .map(|i| {
                    if i % 2 == 0 {
                        -1e308
                    } else {
                        1e308 * rng.random::<f64>()
                    }
                })
                .collect();
            samples.push(("wide", wide.clone()));
            for bad in [f64::INFINITY, f64::NAN] {
                let mut v = wide.clone();
                v[n / 2] = bad;
                samples.push(("non-finite", v));
            }
        }
        for (name, xs) in &samples {
            // Plain value keys (duplicates allowed) and score keys (row in the low bits).
            let mask = (xs.len() as u64).next_power_of_two() - 1;
            let plain: Vec<u64> = xs.iter().map(|&x| order_key(x)).collect();
            let rows: Vec<u64> = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| (order_key(x) & !mask) | i as u64)
                .collect();
            for keys in [plain, rows] {
                let mut expect = keys.clone();
                expect.sort_unstable();
                let mut got = keys;
                sort_keys(&mut got, &mut b);
                assert_eq!(got, expect, "{name}, n = {}", xs.len());
            }
        }
    }

    fn marginals() -> Vec<Input> {
        [
            DistSpec::Lognormal {
                mean: Some(5.0),
                sd: Some(3.0),
                p10: None,
                p90: None,
                point: None,
            },
            DistSpec::Pert {
                min: 0.0,
                mode: 1.0,
                max: 10.0,
                shape: None,
                point: None,
            },
            DistSpec::Uniform {
                min: -1.0,
                max: 1.0,
                point: None,
            },
            DistSpec::RefClassOverrun {
                tail_prob: 1.0 / 6.0,
                body_mean: -8.0,
                body_sd: 15.0,
                body_min: -50.0,
                tail_scale: 70.0,
                tail_alpha: 1.0,
                tail_cap: 500.0,
                point: None,
            },
        ]
        .iter()
        .map(|s| Input::new(s).unwrap())
        .collect()
    }

    const TARGET: [[f64; 4]; 4] = [
        [1.0, 0.7, -0.4, 0.3],
        [0.7, 1.0, 0.2, 0.5],
        [-0.4, 0.2, 1.0, 0.0],
        [0.3, 0.5, 0.0, 1.0],
    ];

    /// 100 000 runs in chunks of 4096: returns the pooled columns before and after.
    fn run(rc: &RankCorrelation, sampling: Sampling) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let inputs = marginals();
        let runs = 100_000usize;
        let (mut before, mut after) = (vec![Vec::new(); 4], vec![Vec::new(); 4]);
        let mut sc = Scratch::default();
        let which = [0, 1, 2, 3];
        for c in 0..runs.div_ceil(CHUNK_RUNS as usize) {
            let len = (runs - c * CHUNK_RUNS as usize).min(CHUNK_RUNS as usize);
            let mut rng = chunk_rng(99, c as u64);
            let mut cols: Vec<Vec<f64>> = inputs
                .iter()
                .map(|i| {
                    let mut v = vec![0.0; len];
                    sampling.fill(i, &mut rng, &mut v);
                    v
                })
                .collect();
            for (b, col) in before.iter_mut().zip(&cols) {
                b.extend_from_slice(col);
            }
            rc.apply(&mut cols, &which, len, &mut rng, &mut sc);
            for (a, col) in after.iter_mut().zip(&cols) {
                a.extend_from_slice(col);
            }
        }
        (before, after)
    }

    #[test]
    fn first_column_ranked_by_its_permutation_equals_ranked_by_a_sort() {
        let rc = RankCorrelation::new(&TARGET.map(|r| r.to_vec()), false).unwrap();
        let inputs = marginals();
        let mut by_perm = Scratch::default();
        let mut by_sort = Scratch {
            sort_first: true,
            ..Scratch::default()
        };
        // A full chunk, short last chunks and the fewest runs the method takes (k + 2).
        for (c, len) in [4096, 4095, 1000, 65, 64, 7, 6].into_iter().enumerate() {
            let mut rng = chunk_rng(5, c as u64);
            let cols: Vec<Vec<f64>> = inputs
                .iter()
                .map(|i| {
                    let mut v = vec![0.0; len];
                    i.fill(&mut rng, &mut v);
                    v
                })
                .collect();
            let (mut a, mut b) = (cols.clone(), cols);
            let (mut ra, mut rb) = (chunk_rng(6, c as u64), chunk_rng(6, c as u64));
            rc.apply(&mut a, &[0, 1, 2, 3], len, &mut ra, &mut by_perm);
            rc.apply(&mut b, &[0, 1, 2, 3], len, &mut rb, &mut by_sort);
            assert_eq!(a, b, "{len} runs");
        }
    }

    #[test]
    fn achieved_rank_correlations_hit_the_target_with_marginals_unchanged() {
        let rc = RankCorrelation::new(&TARGET.map(|r| r.to_vec()), false).unwrap();
        for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
            let (before, after) = run(&rc, sampling);
            for i in 0..4 {
                for j in i + 1..4 {
                    let got = spearman(&after[i], &after[j]);
                    assert!(
                        (got - TARGET[i][j]).abs() < 0.02,
                        "{sampling:?} [{i}][{j}]: achieved {got}, target {}",
                        TARGET[i][j]
                    );
                }
                // Marginals: the same multiset of values chunk by chunk (so also pooled).
                let (mut b, mut a) = (before[i].clone(), after[i].clone());
                b.sort_by(f64::total_cmp);
                a.sort_by(f64::total_cmp);
                assert_eq!(a, b, "column {i} changed its values");
            }
        }
    }

    #[test]
    fn the_sine_adjustment_removes_the_pearson_spearman_bias() {
        // Continuous columns only: without the adjustment the achieved Spearman correlation is
        // (6/π)·arcsin(ρ/2) (0.683 for 0.7); with it, ρ.
        let m = [[1.0, 0.7, -0.4], [0.7, 1.0, 0.2], [-0.4, 0.2, 1.0]].map(|r| r.to_vec());
        let mut m4 = TARGET.map(|r| r.to_vec());
        for (row, src) in m4.iter_mut().zip(&m) {
            row[..3].copy_from_slice(src);
        }
        let with = RankCorrelation::build(&m4, false, true).unwrap();
        let without = RankCorrelation::build(&m4, false, false).unwrap();
        let (_, a) = run(&with, Sampling::MonteCarlo);
        let (_, b) = run(&without, Sampling::MonteCarlo);
        let (r_with, r_without) = (spearman(&a[0], &a[1]), spearman(&b[0], &b[1]));
        let predicted = 6.0 / std::f64::consts::PI * (0.35_f64).asin();
        assert!((r_with - 0.7).abs() < 0.005, "with adjustment {r_with}");
        assert!(
            (r_without - predicted).abs() < 0.005,
            "without {r_without} vs {predicted}"
        );
        assert!((r_without - 0.7).abs() > 0.01);
    }

    #[test]
    fn same_stream_same_order() {
        let rc = RankCorrelation::new(&TARGET.map(|r| r.to_vec()), false).unwrap();
        let (_, a) = run(&rc, Sampling::MonteCarlo);
        let (_, b) = run(&rc, Sampling::MonteCarlo);
        assert_eq!(a, b);
    }

    #[test]
    fn not_psd_is_refused_or_repaired_on_request() {
        let bad = vec![vec![1.0, 0.9, -0.9], vec![0.9, 1.0, 0.9], vec![-0.9, 0.9, 1.0]];
        match RankCorrelation::new(&bad, false) {
            Err(CorrelationError::NotPsd { min_eigenvalue }) => assert!(min_eigenvalue < -0.5),
            other => panic!("{other:?}"),
        }
        let rc = RankCorrelation::new(&bad, true).unwrap();
        let r = rc.repair().unwrap();
        assert!(r.frobenius > 0.1 && r.max_abs_change > 0.0);
        let fixed = DMatrix::from_fn(3, 3, |i, j| r.matrix[i][j]);
        assert!(min_eigenvalue(&fixed) >= -1e-9);
        for i in 0..3 {
            assert_eq!(fixed[(i, i)], 1.0);
        }
        // A valid matrix is not moved.
        let ok = RankCorrelation::new(&TARGET.map(|r| r.to_vec()), true).unwrap();
        assert!(ok.repair().is_none());
    }

    #[test]
    fn shape_and_entries_are_checked() {
        let e = RankCorrelation::new(&[vec![1.0, 0.5], vec![0.4, 1.0]], false).unwrap_err();
        assert!(
            matches!(e, CorrelationError::Asymmetric { row: 1, col: 0, .. }),
            "{e:?}"
        );
        let e = RankCorrelation::new(&[vec![1.0, 1.5], vec![1.5, 1.0]], false).unwrap_err();
        assert!(matches!(e, CorrelationError::Range { row: 0, col: 1, .. }), "{e:?}");
        let e = RankCorrelation::new(&[vec![0.9, 0.0], vec![0.0, 1.0]], false).unwrap_err();
        assert!(matches!(e, CorrelationError::Diagonal { row: 0, .. }), "{e:?}");
        let e = RankCorrelation::new(&[vec![1.0, 0.0], vec![0.0]], false).unwrap_err();
        assert!(matches!(e, CorrelationError::Row { row: 1, .. }), "{e:?}");
        let e = RankCorrelation::new(&[vec![f64::NAN, 0.0], vec![0.0, 1.0]], false).unwrap_err();
        assert!(matches!(e, CorrelationError::Range { .. }), "{e:?}");
    }
}
