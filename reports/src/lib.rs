//! Turning run results into files and tables: one module per output format.

pub mod alternatives;
pub mod analyses;
pub mod compare;
pub mod console;
pub mod csv;
pub mod decision;
pub mod followup;
pub mod json;
pub mod output;
pub mod render;
pub mod sensitivity;
pub mod state;
pub mod tables;

pub use json::{RunInfo, Summary};
pub use output::{OutputError, OutputSet};
pub mod chart;
pub mod format;
pub mod html;
pub mod markdown;
pub mod report;
pub mod xlsx;
