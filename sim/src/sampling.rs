//! How a chunk's column of draws is made: plain Monte Carlo or Latin hypercube.
//!
//! Latin hypercube sampling (McKay, Beckman, Conover 1979) cuts the unit interval into as many
//! equal strata as the chunk has runs, draws one uniform point in each, shuffles them and maps
//! them through the input's inverse CDF. Each chunk is its own Latin hypercube, drawn from the
//! chunk's stream, so results stay reproducible and independent of the thread count, and the
//! chunks are independent replicates (which gives an honest standard error, see
//! [`crate::stats`] users). Owen (1997): the variance of an LHS mean is at most n/(n − 1) times
//! that of plain Monte Carlo, and much lower for outputs that are near-additive in the inputs.

use rand::distr::Open01;
use rand::seq::SliceRandom;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::dist::{Dist, Input};

/// The sampling method.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Independent draws.
    #[default]
    #[serde(rename = "mc")]
    MonteCarlo,
    /// A Latin hypercube per chunk.
    #[serde(rename = "lhs")]
    LatinHypercube,
}

impl Sampling {
    /// The name used on the command line and in output files.
    pub fn name(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "mc",
            Sampling::LatinHypercube => "lhs",
        }
    }

    /// Fill `out` with draws of `input`.
    pub fn fill<R: Rng + ?Sized>(self, input: &Input, rng: &mut R, out: &mut [f64]) {
        match (self, &input.dist) {
            (_, Dist::Fixed(v)) => out.fill(*v),
            (Sampling::MonteCarlo, _) => input.fill(rng, out),
            (Sampling::LatinHypercube, _) => {
                let n = out.len() as f64;
                for (i, x) in out.iter_mut().enumerate() {
                    let u: f64 = rng.sample(Open01);
                    *x = (i as f64 + u) / n;
                }
                out.shuffle(rng);
                for x in out.iter_mut() {
                    *x = input.quantile(*x);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::DistSpec;
    use crate::rng::chunk_rng;

    #[test]
    fn every_stratum_holds_exactly_one_draw() {
        let input = Input::new(&DistSpec::Uniform {
            min: 0.0,
            max: 1.0,
            point: None,
        })
        .unwrap();
        let mut out = vec![0.0; 4096];
        Sampling::LatinHypercube.fill(&input, &mut chunk_rng(1, 0), &mut out);
        let mut seen = vec![0; 4096];
        for x in &out {
            seen[(x * 4096.0) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c == 1));
        // The strata are shuffled: two columns are independent (rank correlation ≈ 0; its sd
        // under independence is 1/√(n − 1) ≈ 0.016).
        let mut other = vec![0.0; 4096];
        let mut second = vec![0.0; 4096];
        let mut rng = chunk_rng(1, 0);
        Sampling::LatinHypercube.fill(&input, &mut rng, &mut other);
        Sampling::LatinHypercube.fill(&input, &mut rng, &mut second);
        let r = crate::correlation::spearman(&other, &second);
        assert!(r.abs() < 4.0 / 4095f64.sqrt(), "rank correlation {r}");
    }

    /// Known answer: E[X1 + X2 + X3] for Xi ~ PERT(0, 1, 4) is 3·(0 + 4 + 4)/6 = 4. Over 200
    /// independent chunks of 4096 runs the spread of chunk means is far smaller with LHS than
    /// with plain sampling (an additive output: LHS removes nearly all of its variance), and
    /// both are centred on the truth.
    #[test]
    fn lhs_lowers_the_variance_of_the_mean_on_a_known_answer() {
        let input = Input::new(&DistSpec::Pert {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
            shape: None,
            point: None,
        })
        .unwrap();
        let (n, chunks) = (4096, 200u64);
        let truth = 4.0;
        let spread = |s: Sampling| {
            let mut cols = vec![vec![0.0; n]; 3];
            let means: Vec<f64> = (0..chunks)
                .map(|c| {
                    let mut rng = chunk_rng(7, c);
                    for col in cols.iter_mut() {
                        s.fill(&input, &mut rng, col);
                    }
                    (0..n).map(|j| cols[0][j] + cols[1][j] + cols[2][j]).sum::<f64>() / n as f64
                })
                .collect();
            let m = means.iter().sum::<f64>() / chunks as f64;
            let v = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (chunks - 1) as f64;
            (m, v)
        };
        let (m_mc, v_mc) = spread(Sampling::MonteCarlo);
        let (m_lhs, v_lhs) = spread(Sampling::LatinHypercube);
        // Var of one PERT(0,1,4): α = 2, β = 4 on width 4: 2·4/(36·7)·16; of the sum, 3×; of a
        // chunk mean, /4096. Plain MC must match that; LHS must be far below.
        let v_truth = 3.0 * 8.0 / (36.0 * 7.0) * 16.0 / n as f64;
        let se_mc = (v_mc / chunks as f64).sqrt();
        assert!((m_mc - truth).abs() < 4.0 * se_mc, "MC mean {m_mc}");
        assert!(
            (m_lhs - truth).abs() < 4.0 * (v_lhs / chunks as f64).sqrt() + 1e-9,
            "LHS mean {m_lhs}"
        );
        // The sample variance of 200 chunk means is within ±30 % of the truth w.p. > 0.999.
        assert!((v_mc / v_truth - 1.0).abs() < 0.3, "MC variance {v_mc} vs {v_truth}");
        assert!(v_lhs < v_mc / 100.0, "LHS variance {v_lhs} not far below MC {v_mc}");
    }
}
