//! Criterion benchmarks: sampling each input distribution, one model evaluation (alone and 256
//! runs side by side), the statistics update, a full run of 1 M runs. `cargo bench`;
//! `riskkalkyl bench --json` for a quick record.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use models::{Model, Scenario, simulate};
use rand::RngExt;
use sim::RunPlan;
use sim::dist::{DistSpec, Input};
use sim::stats::Stat;

fn sampling(c: &mut Criterion) {
    let n = sim::CHUNK_RUNS as usize;
    // Written as a scenario file writes them (JSON here), so the benches follow the schema.
    let specs = [
        ("uniform", r#"{"dist": "uniform", "min": 300, "max": 500}"#),
        ("triangular", r#"{"dist": "triangular", "min": 0, "mode": 1, "max": 4}"#),
        ("pert", r#"{"dist": "pert", "min": 4.5, "mode": 6.3, "max": 10}"#),
        ("normal", r#"{"dist": "normal", "mean": 0, "sd": 1}"#),
        ("lognormal", r#"{"dist": "lognormal", "mean": 10, "sd": 3}"#),
        (
            "ref_class_overrun",
            r#"{"dist": "ref_class_overrun", "tail_prob": 0.1667, "body_mean": -8, "body_sd": 15,
                "body_min": -50, "tail_scale": 70, "tail_alpha": 1, "tail_cap": 500}"#,
        ),
    ];
    let mut g = c.benchmark_group("sample_4096");
    g.throughput(Throughput::Elements(n as u64));
    let mut rng = sim::chunk_rng(1, 0);
    let mut col = vec![0.0; n];
    for (name, json) in specs {
        let spec: DistSpec = serde_json::from_str(json).unwrap();
        let input = Input::new(&spec).unwrap();
        g.bench_function(name, |b| b.iter(|| input.fill(&mut rng, &mut col)));
    }
    g.finish();

    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    c.bench_function("sample_all_inputs_one_chunk", |b| {
        b.iter(|| {
            for input in model.inputs() {
                input.fill(&mut rng, &mut col);
            }
        })
    });

    // The default's rank correlation on one chunk of fresh draws: the score shuffles, the
    // Cholesky step and the sorts (the draws are made in the untimed setup).
    let (rc, which) = model.correlation().expect("the default correlates inputs");
    let (mut scratch, mut shuffles) = (sim::correlation::Scratch::default(), sim::chunk_rng(2, 0));
    c.bench_function("iman_conover_one_chunk", |b| {
        b.iter_batched_ref(
            || {
                let mut columns = vec![vec![0.0; n]; model.inputs().len()];
                for (input, column) in model.inputs().iter().zip(&mut columns) {
                    input.fill(&mut rng, column);
                }
                columns
            },
            |columns| rc.apply(columns, which, n, &mut shuffles, &mut scratch),
            BatchSize::LargeInput,
        )
    });
}

fn evaluate(c: &mut Criterion) {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let x = model.point_values();
    let mut out = model.new_outcome();
    c.bench_function("model_evaluate", |b| {
        b.iter(|| model.evaluate(std::hint::black_box(&x), &mut out))
    });
    // 256 runs side by side, as the run loop evaluates them, on drawn inputs (the point
    // values would give every run the same calendar).
    let mut rng = sim::chunk_rng(3, 0);
    let columns: Vec<Vec<f64>> = model
        .inputs()
        .iter()
        .map(|input| {
            let mut col = vec![0.0; 256];
            input.fill(&mut rng, &mut col);
            col
        })
        .collect();
    let mut lanes = model.new_lanes(256);
    let mut g = c.benchmark_group("model_evaluate_lanes");
    g.throughput(Throughput::Elements(256));
    g.bench_function("256_runs", |b| {
        b.iter(|| model.evaluate_lanes(|i| std::hint::black_box(&columns[i]), 256, &mut lanes))
    });
    g.finish();
}

fn statistics(c: &mut Criterion) {
    // Values like a yearly net benefit, MSEK.
    let mut rng = sim::chunk_rng(2, 0);
    let xs: Vec<f64> = (0..256).map(|_| 20.0 + 15.0 * rng.random::<f64>()).collect();
    let mut g = c.benchmark_group("stat_update_256_values");
    g.throughput(Throughput::Elements(xs.len() as u64));
    g.bench_function("push_slice", |b| {
        b.iter_batched_ref(
            || {
                let mut s = Stat::default();
                s.push_slice(&xs);
                s
            },
            |s| s.push_slice(std::hint::black_box(&xs)),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("push_one_by_one", |b| {
        b.iter_batched_ref(
            || {
                let mut s = Stat::default();
                s.push_slice(&xs);
                s
            },
            |s| std::hint::black_box(&xs).iter().for_each(|&x| s.push(x)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn full_run(c: &mut Criterion) {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let budget = model.reference_estimate_msek();
    let mut g = c.benchmark_group("full_run");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("1M_runs_all_threads", |b| {
        b.iter(|| {
            let plan = RunPlan::new(1_000_000, 1, 0).unwrap();
            simulate(&model, &plan, 0..plan.chunks(), budget).unwrap()
        })
    });
    g.finish();
}

criterion_group!(engine, sampling, evaluate, statistics, full_run);
criterion_main!(engine);
