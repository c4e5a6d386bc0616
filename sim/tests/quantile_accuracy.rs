//! The streaming quantiles against a full sort at one million values, fed the way a run feeds
//! them: per-chunk blocks pushed with `push_slice`, chunk results merged in scrambled order.

use rand::RngExt;
use sim::stats::{QuantileSketch, Stat};
use sim::{CHUNK_RUNS, chunk_rng};

#[test]
fn quantiles_at_one_million_runs_within_stated_accuracy_of_a_full_sort() {
    const N: usize = 1_000_000;
    let chunks = N.div_ceil(CHUNK_RUNS as usize);
    let mut parts: Vec<(Stat, Vec<f64>)> = (0..chunks)
        .map(|c| {
            let mut rng = chunk_rng(2027, c as u64);
            let len = (N - c * CHUNK_RUNS as usize).min(CHUNK_RUNS as usize);
            // A net-benefit-like mixture: mostly a positive body, a fat negative tail, exact zeros.
            let xs: Vec<f64> = (0..len)
                .map(|_| {
                    let u: f64 = rng.random();
                    if u < 0.02 {
                        0.0
                    } else if u < 0.12 {
                        -(rng.random::<f64>() * 9.0 - 2.0).exp()
                    } else {
                        30.0 + 25.0 * (rng.random::<f64>() - 0.5) * rng.random::<f64>()
                    }
                })
                .collect();
            let mut s = Stat::default();
            xs.chunks(256).for_each(|b| s.push_slice(b));
            (s, xs)
        })
        .collect();
    // Merge in an order unlike the chunk order.
    parts.reverse();
    parts.rotate_left(7);
    let mut stat = Stat::default();
    let mut all = Vec::with_capacity(N);
    for (s, xs) in &parts {
        stat.merge(s);
        all.extend_from_slice(xs);
    }
    assert_eq!(stat.sketch.count(), N as u64);
    all.sort_by(f64::total_cmp);
    let mut worst = 0.0f64;
    for i in 0..=200 {
        let q = i as f64 / 200.0;
        let exact = all[(q * (N - 1) as f64).round() as usize];
        let got = stat.sketch.quantile(q);
        let err = (got - exact).abs();
        let tol = exact.abs() * QuantileSketch::RELATIVE_ACCURACY + QuantileSketch::ZERO_BAND;
        assert!(err <= tol, "q={q}: sketch {got}, exact {exact}, error {err} > {tol}");
        if exact != 0.0 {
            worst = worst.max(err / exact.abs());
        }
    }
    assert_eq!(stat.sketch.min(), all[0]);
    assert_eq!(stat.sketch.max(), all[N - 1]);
    // The bound is not vacuous: buckets do cost accuracy, just never more than stated.
    assert!(worst > 0.0 && worst <= QuantileSketch::RELATIVE_ACCURACY, "{worst}");
    // Mean and sd against a two-pass computation over the sorted values.
    let mean = all.iter().sum::<f64>() / N as f64;
    let sd = (all.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1) as f64).sqrt();
    assert!((stat.moments.mean() - mean).abs() < 1e-8 * (1.0 + mean.abs()));
    assert!((stat.moments.sd() - sd).abs() < 1e-6 * sd);
}
