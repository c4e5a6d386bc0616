//! Common random numbers for a risk event whose probability changes: on the same seed and
//! stream, the two specs share every run's occurrence uniform and impact, so the event occurs
//! under the higher probability wherever it occurs under the lower one, with the same impact,
//! and the difference of the two outputs has the variance of the closed form.

use sim::dist::{DistSpec, Input};
use sim::{CHUNK_RUNS, Sampling, input_rng, stream_id};

fn event(prob: f64) -> Input {
    Input::new(&DistSpec::RiskEvent {
        prob,
        impact: Box::new(DistSpec::Uniform {
            min: 2.0,
            max: 10.0,
            point: None,
        }),
        point: None,
    })
    .unwrap()
}

const CHUNKS: u64 = 50;

/// The column of a chunk as a model's input draws it, plain MC (`fill`) or one `sample` at a
/// time.
fn column(input: &Input, chunk: u64, by_sample: bool) -> Vec<f64> {
    let mut rng = input_rng(2305, chunk, stream_id("establishment.risk_event_msek"));
    let mut v = vec![0.0; CHUNK_RUNS as usize];
    if by_sample {
        v.iter_mut().for_each(|x| *x = input.sample(&mut rng));
    } else {
        Sampling::MonteCarlo.fill(input, &mut rng, &mut v);
    }
    v
}

#[test]
fn a_probability_change_keeps_every_common_impact() {
    let (low, high) = (event(0.3), event(0.5));
    for by_sample in [false, true] {
        let (mut both, mut only_low) = (0, 0);
        for c in 0..CHUNKS {
            let (a, b) = (column(&low, c, by_sample), column(&high, c, by_sample));
            for (x, y) in a.iter().zip(&b) {
                if *x != 0.0 && *y != 0.0 {
                    both += 1;
                    assert_eq!(x, y, "chunk {c}: the same run's impact differs");
                } else if *x != 0.0 {
                    only_low += 1;
                }
            }
        }
        // A shared uniform below 0.3 is below 0.5 too.
        assert_eq!(only_low, 0, "by_sample = {by_sample}");
        // About 0.3 of the runs occur in both (sd of the count ≈ 290).
        let n = (CHUNKS * CHUNK_RUNS) as f64;
        assert!((both as f64 / n - 0.3).abs() < 4.0 * (0.21 / n).sqrt(), "{both}");
    }
}

#[test]
fn the_difference_of_a_probability_change_has_the_closed_form_variance() {
    // Under common random numbers the difference is the impact I ~ U(2, 10) when the shared
    // uniform falls in [0.3, 0.5), else 0: with q = 0.2, Var = q·E[I²] − (q·E[I])²
    // = 0.2·124/3 − 1.2² = 6.8267. Independent draws would give the sum of the variances,
    // 20.83.
    let (low, high) = (event(0.3), event(0.5));
    let d: Vec<f64> = (0..CHUNKS)
        .flat_map(|c| {
            let (a, b) = (column(&low, c, false), column(&high, c, false));
            a.into_iter().zip(b).map(|(x, y)| y - x).collect::<Vec<_>>()
        })
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = d.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    // Standard error of a sample variance: √((μ₄ − σ⁴)/n).
    let se = ((m4 - var * var) / n).sqrt();
    let truth = 0.2 * 124.0 / 3.0 - 1.2f64.powi(2);
    assert!((var - truth).abs() < 4.0 * se, "variance {var} vs {truth} (SE {se})");
    assert!((mean - 1.2).abs() < 4.0 * (truth / n).sqrt(), "mean {mean}");
}
