//! Turning run results into files and console text.
//!
//! - [`export`]: the files, one module per format behind one `Exporter` trait.
//! - [`chart`]: the report's figures, one module per figure, with a shared `theme`.
//! - [`text`]: console output, one module per command.
//! - [`i18n`]: every Swedish and English string of the report, by key.
//! - [`summary`] and [`report`]: the figures the exporters read.

pub mod chart;
pub mod export;
pub mod format;
pub mod i18n;
pub mod output;
pub mod render;
pub mod report;
pub mod summary;
pub mod text;

pub use output::{OutputError, OutputSet};
pub use summary::{RunInfo, Summary};
