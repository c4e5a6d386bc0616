//! Sampling, correlation, convergence and paired comparison on the GGVV model.

use models::run::for_each_run_with;
use models::{Model, RunOptions, Scenario, SeTarget, compare, simulate_until, simulate_with};
use sim::correlation::{pearson, ranks};
use sim::{CHUNK_RUNS, RunPlan, Sampling};

const LHS: RunOptions = RunOptions {
    sampling: Sampling::LatinHypercube,
};
const MC: RunOptions = RunOptions {
    sampling: Sampling::MonteCarlo,
};

fn without_correlation() -> Scenario {
    let mut s = Scenario::default_ggvv();
    s.correlation = None;
    s
}

/// The input columns of the first `runs` runs (drawn as a run draws them, not evaluated).
fn columns(model: &Model, runs: u64, seed: u64, opts: RunOptions) -> Vec<Vec<f64>> {
    let plan = RunPlan::new(runs, seed, 1).unwrap();
    let k = model.inputs().len();
    let mut cols = vec![Vec::with_capacity(runs as usize); k];
    let mut chunk = vec![vec![0.0; CHUNK_RUNS as usize]; k];
    let mut scratch = sim::correlation::Scratch::default();
    for c in 0..plan.chunks() {
        let range = plan.chunk_runs(c);
        let len = (range.end - range.start) as usize;
        models::run::sample_chunk(model, opts.sampling, seed, c, len, &mut chunk, &mut scratch);
        for (all, part) in cols.iter_mut().zip(&chunk) {
            all.extend_from_slice(&part[..len]);
        }
    }
    cols
}

/// `columns` sees exactly the draws of a run.
#[test]
fn columns_are_the_runs_draws() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let plan = RunPlan::new(CHUNK_RUNS + 5, 4, 1).unwrap();
    let cols = columns(&model, plan.runs, 4, LHS);
    let mut n = 0;
    for_each_run_with(&model, &plan, 0..plan.chunks(), LHS, |run, x, _| {
        assert!(x.iter().zip(&cols).all(|(v, c)| *v == c[run as usize]));
        n += 1;
        true
    });
    assert_eq!(n, plan.runs);
}

#[test]
fn lhs_and_correlation_do_not_depend_on_the_thread_count() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let runs = 3 * CHUNK_RUNS + 123;
    for opts in [MC, LHS] {
        let one = simulate_with(&model, &RunPlan::new(runs, 5, 1).unwrap(), 0..4, 30.0, opts).unwrap();
        let two = simulate_with(&model, &RunPlan::new(runs, 5, 2).unwrap(), 0..4, 30.0, opts).unwrap();
        assert_eq!(one, two);
        assert_eq!(one.runs, runs);
    }
}

/// At 100 000 runs the default scenario's rank correlations are met within 0.02, and the
/// marginals are exactly those of the uncorrelated scenario: per chunk the same values, only
/// re-ordered (each input's stream depends on its name, not on the correlation).
#[test]
fn default_correlations_are_achieved_with_marginals_unchanged() {
    let s = Scenario::default_ggvv();
    let corr = s.correlation.clone().expect("the default has correlations");
    let model = Model::new(&s).unwrap();
    let plain = Model::new(&without_correlation()).unwrap();
    let runs = 100_000;
    for opts in [MC, LHS] {
        let cols = columns(&model, runs, 11, opts);
        let ranks: Vec<Vec<f64>> = corr
            .inputs
            .iter()
            .map(|n| ranks(&cols[model.input_names().iter().position(|m| m == n).unwrap()]))
            .collect();
        for i in 0..ranks.len() {
            for j in i + 1..ranks.len() {
                let got = pearson(&ranks[i], &ranks[j]);
                let want = corr.matrix[i][j];
                assert!(
                    (got - want).abs() < 0.02,
                    "{:?} {} ~ {}: {got:.4} vs {want}",
                    opts.sampling,
                    corr.inputs[i],
                    corr.inputs[j]
                );
            }
        }
        let free = columns(&plain, runs, 11, opts);
        let n = CHUNK_RUNS as usize;
        for (a, b) in cols.iter().zip(&free) {
            for (ca, cb) in a.chunks(n).zip(b.chunks(n)) {
                let (mut ca, mut cb) = (ca.to_vec(), cb.to_vec());
                ca.sort_by(f64::total_cmp);
                cb.sort_by(f64::total_cmp);
                assert_eq!(ca, cb);
            }
        }
    }
}

#[test]
fn until_se_stops_at_the_first_batch_that_meets_the_target_and_is_reproducible() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let budget = model.reference_estimate_msek();
    // P(cost overrun) is near 0.96 in the default, so an SE of 0.0015 needs about 17 000
    // runs: more than the 3-chunk cap below, far less than the 2 000 000 of the first plan.
    let target = SeTarget {
        npv_msek: 0.15,
        prob: 0.0015,
    };
    let plan = RunPlan::new(2_000_000, 3, 2).unwrap();
    let (r, met) = simulate_until(&model, &plan, budget, MC, 2, target).unwrap();
    assert!(met);
    let (npv, prob) = r.key_se();
    assert!(npv <= target.npv_msek && prob <= target.prob);
    let chunks = r.runs / CHUNK_RUNS;
    assert_eq!(r.runs % (2 * CHUNK_RUNS), 0);
    // Identical to a plain run of that many runs, on another thread count.
    let fixed = RunPlan::new(r.runs, 3, 1).unwrap();
    assert_eq!(r, simulate_with(&model, &fixed, 0..chunks, budget, MC).unwrap());
    // One batch fewer would not have met it.
    if chunks > 2 {
        let less = RunPlan::new(r.runs - 2 * CHUNK_RUNS, 3, 2).unwrap();
        let (npv, prob) = simulate_with(&model, &less, 0..chunks - 2, budget, MC)
            .unwrap()
            .key_se();
        assert!(npv > target.npv_msek || prob > target.prob);
    }
    // A cap below the need: stops at the cap, not met.
    let small = RunPlan::new(3 * CHUNK_RUNS, 3, 2).unwrap();
    let (r, met) = simulate_until(&model, &small, budget, MC, 2, target).unwrap();
    assert!(!met);
    assert_eq!(r.runs, 3 * CHUNK_RUNS);
}

/// LHS standard errors come from the spread of chunk means (independent replicates). The
/// truth they estimate is checked against the spread of means over independent seeds. With 10
/// chunks (fewer than `MIN_CHUNKS_FOR_LHS_SE`) the run reports the i.i.d. upper bound, so the
/// batch-means estimate is read from the chunk means themselves.
#[test]
fn lhs_standard_error_is_honest_and_below_plain_sampling() {
    let model = Model::new(&without_correlation()).unwrap();
    let budget = model.reference_estimate_msek();
    let runs = 10 * CHUNK_RUNS;
    let seeds = 8;
    let (mut means, mut ses, mut mc_ses) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 0..seeds {
        let plan = RunPlan::new(runs, 1000 + seed, 2).unwrap();
        let r = simulate_with(&model, &plan, 0..plan.chunks(), budget, LHS).unwrap();
        means.push(r.npv[4].moments.mean());
        assert!(
            r.npv_mean_se(4) >= r.npv[4].moments.std_error(),
            "below 51 chunks: the i.i.d. bound"
        );
        ses.push(r.chunk_means.npv[4].std_error());
        mc_ses.push(r.npv[4].moments.std_error());
    }
    let m = means.iter().sum::<f64>() / seeds as f64;
    let spread = (means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (seeds - 1) as f64).sqrt();
    let se = ses.iter().sum::<f64>() / seeds as f64;
    let mc = mc_ses.iter().sum::<f64>() / seeds as f64;
    // With 8 seeds the spread's own relative error is about 1/√14 ≈ 27 %: allow a factor 2.
    assert!(se / spread > 0.5 && se / spread < 2.0, "LHS se {se} vs spread {spread}");
    assert!(se < mc / 3.0, "LHS se {se} not far below the i.i.d. {mc}");
}

#[test]
fn compare_does_not_depend_on_the_thread_count() {
    let a = Scenario::default_ggvv();
    let mut b = a.clone();
    b.allocation.full_effect_weights_pct = [("users".to_string(), 100.0)].into();
    let (ma, mb) = (Model::new(&a).unwrap(), Model::new(&b).unwrap());
    let runs = 2 * CHUNK_RUNS + 99;
    let one = compare(&ma, &mb, &RunPlan::new(runs, 8, 1).unwrap(), LHS).unwrap();
    let three = compare(&ma, &mb, &RunPlan::new(runs, 8, 3).unwrap(), LHS).unwrap();
    assert_eq!(one, three);
}

/// A scenario compared with itself differs by exactly zero in every run.
#[test]
fn compare_with_itself_is_exactly_zero() {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    for opts in [MC, LHS] {
        let plan = RunPlan::new(2 * CHUNK_RUNS + 7, 9, 2).unwrap();
        let r = compare(&model, &model, &plan, opts).unwrap();
        for p in &r.pairs {
            let d = p.diff.summary();
            assert_eq!((d.min, d.max, d.mean, d.sd), (0.0, 0.0, 0.0, 0.0));
            assert_eq!((p.a_better.hits, p.b_better.hits), (0, 0));
        }
    }
}

/// Option B splits the joint cost by the 2024 cost share instead of population from 2031, and
/// has a wider licence-saving range. With common random numbers the standard error of the
/// mean difference is far below that of independent draws; the independent figure is checked
/// against real independent runs (B on another seed).
#[test]
fn common_random_numbers_cut_the_standard_error_of_the_difference() {
    let a = Scenario::default_ggvv();
    let mut b = a.clone();
    b.allocation.full_effect_weights_pct = [("cost_share".to_string(), 100.0)].into();
    b.savings[1].rate_pct = sim::DistSpec::Pert {
        min: 20.0,
        mode: 45.0,
        max: 70.0,
        shape: None,
        point: None,
    };
    let (ma, mb) = (Model::new(&a).unwrap(), Model::new(&b).unwrap());
    let runs = 40_000;
    let plan = RunPlan::new(runs, 21, 2).unwrap();
    let r = compare(&ma, &mb, &plan, MC).unwrap();
    let s = models::CompareSummary::new("a", "b", 21, &r);
    // Independent draws: A on seed 21, B on seed 22, paired run by run.
    let npv = |m: &Model, seed: u64| {
        let plan = RunPlan::new(runs, seed, 1).unwrap();
        let mut v = Vec::new();
        for_each_run_with(m, &plan, 0..plan.chunks(), MC, |_, _, o| {
            v.push(o.npv.clone());
            true
        });
        v
    };
    let (ia, ib) = (npv(&ma, 21), npv(&mb, 22));
    for (k, p) in s.kommuner.iter().enumerate() {
        let d: Vec<f64> = ia.iter().zip(&ib).map(|(x, y)| x[k] - y[k]).collect();
        let m = d.iter().sum::<f64>() / runs as f64;
        let sd = (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
        let indep_se = sd / (runs as f64).sqrt();
        // The sample sd of 40 000 pairs is within 2 % of the truth with high probability.
        assert!(
            (indep_se / p.independent_mean_se - 1.0).abs() < 0.05,
            "{}: measured independent se {indep_se} vs formula {}",
            p.name,
            p.independent_mean_se
        );
        assert!(
            // At least halved: a key change moves a share of the joint cost, so the difference
            // still varies with it (Gnosjö, whose shares differ most, gains least, about 3×).
            p.difference_mean_se < p.independent_mean_se / 2.0,
            "{}: CRN se {} vs independent {}",
            p.name,
            p.difference_mean_se,
            p.independent_mean_se
        );
        assert!(p.variance_reduction.unwrap() > 4.0);
    }
}

/// Re-keying moves money between kommuner but not the GGVV total: a tie in every run (up to
/// floating-point rounding), never "A better".
#[test]
fn rekeying_leaves_the_total_tied() {
    let a = Scenario::default_ggvv();
    let mut b = a.clone();
    b.allocation.full_effect_weights_pct = [("cost_share".to_string(), 100.0)].into();
    let (ma, mb) = (Model::new(&a).unwrap(), Model::new(&b).unwrap());
    let plan = RunPlan::new(CHUNK_RUNS, 2, 2).unwrap();
    let r = compare(&ma, &mb, &plan, MC).unwrap();
    let total = &r.pairs[4];
    assert_eq!((total.a_better.hits, total.b_better.hits), (0, 0));
    assert_eq!(total.diff.moments.variance(), 0.0);
    // Gnosjö pays more by cost share than by population from 2031 (13.2 % vs 10.4 %): A better.
    assert_eq!(r.pairs[1].a_better.hits, CHUNK_RUNS);
}
