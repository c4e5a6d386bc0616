//! Turning run results into files and tables: one module per output format.

pub mod console;
pub mod csv;
pub mod json;
pub mod output;
pub mod tables;

pub use json::{RunInfo, Summary};
pub use output::{OutputError, OutputSet};
pub mod chart;
pub mod format;
pub mod html;
pub mod markdown;
pub mod report;
pub mod xlsx;
