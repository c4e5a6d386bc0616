//! Files a run or a report writes, one module per format, each behind [`Exporter`] (as
//! hyperfine's `export/`). An exporter turns its input into bytes; [`write_run`] and
//! [`write_board`] stage them in an [`OutputSet`], which writes all or none.
//!
//! To add a format: a module here with a unit struct implementing `Exporter<RunOutput>` (it
//! reads the run) or `Exporter<BoardReport>` (it reads the report's data and charts), and one
//! entry in the list of [`write_run`] or [`write_board`].

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod xlsx;

use models::RunResult;

use crate::chart::Chart;
use crate::output::{OutputError, OutputSet};
use crate::report::ReportData;
use crate::summary::Summary;
use html::analyses::Analyses;

/// What a run's exporters read: its result and the summary made from it.
pub struct RunOutput<'a> {
    pub result: &'a RunResult,
    pub summary: &'a Summary,
}

/// What the board report's exporters read.
pub struct BoardReport<'a> {
    pub data: &'a ReportData,
    pub charts: &'a [Chart],
    /// The decision analyses shown before the assumptions (empty when not run).
    pub analyses: &'a Analyses,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Xlsx(#[from] xlsx::XlsxExportError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// One output file made from `In`.
pub trait Exporter<In> {
    /// The file's name under the output directory.
    fn file_name(&self) -> &'static str;
    /// The file's bytes.
    fn serialize(&self, input: &In) -> Result<Vec<u8>, ExportError>;
}

fn write_all<In>(files: &mut OutputSet, exporters: &[&dyn Exporter<In>], input: &In) -> Result<(), ExportError> {
    for x in exporters {
        files.add(x.file_name(), &x.serialize(input)?)?;
    }
    Ok(())
}

/// Stage a (whole or merged) run's files: summary.json and yearly.csv.
pub fn write_run(files: &mut OutputSet, run: &RunOutput) -> Result<(), ExportError> {
    write_all(files, &[&json::SummaryJson, &csv::YearlyCsv], run)
}

/// Stage the board report's files: every chart as SVG and PNG, rapport.html, summary.md and
/// riskkalkyl.xlsx.
pub fn write_board(files: &mut OutputSet, report: &BoardReport) -> Result<(), ExportError> {
    for c in report.charts {
        files.add(&format!("charts/{}.svg", c.name), c.svg.as_bytes())?;
        files.add(&format!("charts/{}.png", c.name), &c.png)?;
    }
    write_all(files, &[&html::RapportHtml, &markdown::SummaryMd, &xlsx::Xlsx], report)
}
