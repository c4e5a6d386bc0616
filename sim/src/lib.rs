//! Generic Monte Carlo engine.
//!
//! `sim` knows nothing about IT operations or kommuner. It offers:
//! - [`dist`]: validated input distributions with a point value,
//! - [`rng`]: reproducible per-chunk random streams,
//! - [`sampling`]: plain Monte Carlo or Latin hypercube per chunk,
//! - [`correlation`]: rank correlation between inputs (Iman–Conover),
//! - [`runner`]: a parallel runner over fixed-size chunks whose result does not depend on the
//!   thread count,
//! - [`stats`]: streaming, exactly mergeable statistics (moments, quantile sketch, counters),
//! - [`kernels`]: element-wise numeric kernels and the AVX2 dispatch (the workspace's only
//!   `unsafe`).

// The one exception is the AVX2 dispatch in `kernels`.
#![deny(unsafe_code)]

pub mod correlation;
pub mod dist;
pub mod kernels;
pub mod rng;
pub mod runner;
pub mod sampling;
pub mod sensitivity;
pub mod stats;

pub use dist::{Dist, DistError, DistSpec};
pub use rng::{ChunkRng, chunk_rng, input_rng, stream_id};
pub use runner::{CHUNK_RUNS, RunPlan, RunPlanError, run_chunks, with_threads};
pub use sampling::Sampling;
pub use stats::{Moments, Proportion, QuantileSketch, Stat, Summary};
