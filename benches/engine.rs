//! Criterion benchmarks: one model evaluation, sampling a chunk of inputs, a full run.

use criterion::{Criterion, criterion_group, criterion_main};
use models::{Model, Scenario, simulate};
use sim::RunPlan;

fn benches(c: &mut Criterion) {
    let model = Model::new(&Scenario::default_ggvv()).unwrap();
    let x = model.point_values();
    let mut out = model.new_outcome();
    c.bench_function("model_evaluate", |b| {
        b.iter(|| model.evaluate(std::hint::black_box(&x), &mut out))
    });

    let mut rng = sim::chunk_rng(1, 0);
    let mut col = vec![0.0; sim::CHUNK_RUNS as usize];
    c.bench_function("sample_all_inputs_one_chunk", |b| {
        b.iter(|| {
            for input in model.inputs() {
                input.fill(&mut rng, &mut col);
            }
        })
    });

    let budget = model.budget_msek();
    let mut g = c.benchmark_group("full_run");
    g.sample_size(10);
    g.bench_function("100k_runs", |b| {
        b.iter(|| {
            let plan = RunPlan::new(100_000, 1, 0).unwrap();
            simulate(&model, &plan, 0..plan.chunks(), budget).unwrap()
        })
    });
    g.finish();
}

criterion_group!(engine, benches);
criterion_main!(engine);
