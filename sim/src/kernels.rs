//! Generic numeric kernels: element-wise integer powers bit for bit as `f64::powi`, and the
//! one dispatch to code compiled for AVX2. This is the workspace's only `unsafe`: a caller
//! passes a closure, and [`with_avx2`] runs it compiled for AVX2 where the CPU has it.

/// Run `f` compiled with AVX2 enabled if the CPU has it, else as it is. For loops over many
/// values that the compiler vectorises: with AVX2 four f64 at a time instead of two. The
/// result is the same either way, since Rust never contracts `a * b + c` into a fused
/// multiply-add and the vector instructions round as the scalar ones do.
///
/// `f` is compiled for AVX2 only where it is inlined into the dispatch: mark the closure
/// `#[inline(always)]` (`with_avx2(#[inline(always)] || work(xs))`), and the work it calls too.
#[inline(always)]
#[allow(
    unsafe_code,
    reason = "the one call of code compiled for a CPU feature, after checking it"
)]
pub fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        return unsafe { avx2(f) };
    }
    f()
}

/// [`with_avx2`]'s AVX2 half: `f` inlined here is compiled with the feature.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// `out[j] = x[j].powi(n(j))` for every j, bit for bit, in loops the compiler runs across
/// many runs at once. `f64::powi` with an exponent known only at run time calls
/// compiler-builtins' `__powidf2` for each value; this is its square-and-multiply from the
/// lowest bit, with the same multiplications in the same order (the squares past a value's
/// top bit, which the library skips, never reach its product) and the reciprocal for n < 0.
#[inline(always)]
pub fn powi_each(out: &mut [f64], x: &[f64], n: impl Fn(usize) -> i32) {
    const L: usize = 64;
    for (i, (out, x)) in out.chunks_mut(L).zip(x.chunks(L)).enumerate() {
        let len = out.len();
        let (mut e, mut a) = ([0i32; L], [0.0; L]);
        for j in 0..len {
            (e[j], a[j]) = (n(i * L + j), x[j]);
        }
        out.fill(1.0);
        let top = e[..len].iter().fold(0, |m, &v| m | v.unsigned_abs());
        for bit in 0..u32::BITS - top.leading_zeros() {
            for j in 0..len {
                out[j] = if (e[j].unsigned_abs() >> bit) & 1 == 1 {
                    out[j] * a[j]
                } else {
                    out[j]
                };
                a[j] *= a[j];
            }
        }
        // The division is slow, and a model's exponents are rarely negative.
        if e[..len].iter().any(|&n| n < 0) {
            for j in 0..len {
                out[j] = if e[j] < 0 { 1.0 / out[j] } else { out[j] };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powi_each_gives_the_bits_of_f64_powi() {
        // std's powi (compiler-builtins' __powidf2 for a run-time exponent) is the truth, bit for
        // bit: bases around 1 as the growth factors are, and others; exponents of both signs, 0
        // and large; lengths that leave a partial chunk of 64.
        let bases: Vec<f64> = (0..203)
            .map(|i| 0.37 + i as f64 * 0.013_7)
            .chain([1.0, 0.0, -1.5, 1e-3, 1e3])
            .collect();
        // Exponents of both signs, and none negative (which skips the reciprocals).
        let signed = |j: usize| (j as i32 * 7) % 61 - 30;
        let natural = |j: usize| (j as i32 * 7) % 31;
        for len in [1, 63, 64, 65, bases.len()] {
            let mut out = vec![f64::NAN; len];
            for exponent in [&signed as &dyn Fn(usize) -> i32, &natural] {
                powi_each(&mut out, &bases[..len], exponent);
                for j in 0..len {
                    let want = bases[j].powi(std::hint::black_box(exponent(j)));
                    assert_eq!(
                        out[j].to_bits(),
                        want.to_bits(),
                        "{}^{} of {len}",
                        bases[j],
                        exponent(j)
                    );
                }
            }
            powi_each(&mut out, &bases[..len], |_| 0);
            assert!(out.iter().all(|&x| x == 1.0));
        }
    }

    #[test]
    fn with_avx2_returns_the_closure_result() {
        let xs: Vec<f64> = (0..1000).map(|i| 1.0 + i as f64 * 1e-3).collect();
        let plain: f64 = xs.iter().map(|x| x * x).sum();
        assert_eq!(
            with_avx2(|| xs.iter().map(|x| x * x).sum::<f64>()).to_bits(),
            plain.to_bits()
        );
    }
}
