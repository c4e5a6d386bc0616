//! `run --samples F`: the per-run inputs and outputs as CSV (`.csv`) or Parquet (`.parquet`),
//! chosen by the file's extension, streamed into the staged output set (whole or not at all).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use models::{Model, Outcome, RunOptions, Scenario};
use parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use reports::OutputSet;
use sim::RunPlan;

use crate::failure::Failure;

/// Rows per Parquet row group: the writer holds one group's column vectors in memory
/// (about 0.5 MB per column).
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The samples file's format, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// The format of `path`, or a bad-input failure naming the path and the fix (checked
    /// before the run, with a directory in the way).
    pub fn of(path: &Path) -> Result<Format, Failure> {
        if path.is_dir() {
            return Err(Failure::Input(format!(
                "--samples {}: is a directory\n  fix: name a file in it, e.g. {}",
                path.display(),
                path.join("samples.parquet").display()
            )));
        }
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let format = match ext.as_deref() {
            Some("csv") => Format::Csv,
            Some("parquet") => Format::Parquet,
            _ => {
                return Err(Failure::Input(format!(
                    "--samples {}: unknown file type {}\n  fix: name the file F.csv (CSV) or F.parquet (Parquet)",
                    path.display(),
                    ext.map_or("(no extension)".to_string(), |e| format!(".{e}"))
                )));
            }
        };
        Ok(format)
    }
}

/// Column names of the samples file (the CSV header's fields, in order) and their units.
pub fn columns(model: &Model, scenario: &Scenario, total_label: &str) -> Vec<(String, String)> {
    let ids = scenario.input_ids();
    let mut cols = vec![("run".to_string(), "run index from 0".to_string())];
    for name in model.input_names() {
        let unit = ids.iter().find(|id| id.path() == *name).map_or(String::new(), |id| {
            let unit = id.kind.def().unit.text().1;
            let volume = scenario.staffing.roles.get(id.index).map_or("", |r| r.volume.as_str());
            unit.replace("{volume}", volume)
        });
        cols.push((name.clone(), unit));
    }
    cols.push(("establishment_cost_msek".into(), "MSEK".into()));
    cols.push(("establishment_duration_months".into(), "months".into()));
    cols.push(("staff_saving_rate".into(), "fraction (1 - FTE/today)".into()));
    for k in model.kommuner().iter().map(String::as_str).chain([total_label]) {
        cols.push((format!("npv_msek_{k}"), "MSEK".into()));
    }
    cols
}

/// Stage the samples of the first `cap` runs at `path` in `format`.
#[allow(clippy::too_many_arguments)]
pub fn stage(
    files: &mut OutputSet,
    path: &Path,
    format: Format,
    model: &Model,
    scenario: &Scenario,
    plan: &RunPlan,
    opts: RunOptions,
    cap: u64,
    total_label: &str,
) -> Result<(), Failure> {
    let chunks = cap.div_ceil(sim::CHUNK_RUNS);
    let runs = |f: &mut dyn FnMut(u64, &[f64], &Outcome) -> bool| {
        models::run::for_each_run_with(model, plan, 0..chunks, opts, |run, x, o| run < cap && f(run, x, o));
    };
    let staged = match format {
        // Streamed into the staged file row by row: memory does not grow with --samples-max.
        Format::Csv => files.add_with_at(path, |w| {
            w.write_all(
                reports::export::csv::samples_header(model.input_names(), model.kommuner(), total_label).as_bytes(),
            )?;
            let mut row = String::new();
            let mut result = Ok(());
            runs(&mut |run, x, o| {
                row.clear();
                reports::export::csv::samples_row(&mut row, run, x, o);
                result = w.write_all(row.as_bytes());
                result.is_ok()
            });
            result
        }),
        Format::Parquet => {
            let cols = columns(model, scenario, total_label);
            files.add_with_at(path, |w| write_parquet(w, &cols, scenario, plan, runs))
        }
    };
    // The one path here the user chose: a failure to write it is bad input (exit 2).
    staged.map_err(|e| Failure::Input(format!("--samples {}: {e}", path.display())))
}

/// A `Send` sink for the Parquet writer: bytes collect here and are moved on to the staged
/// file after every row group, so at most one group's encoded bytes are held.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn drain_into(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut buf = self.0.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(&buf)?;
        buf.clear();
        Ok(())
    }
}

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn pq(e: parquet::errors::ParquetError) -> std::io::Error {
    std::io::Error::other(format!("Parquet: {e}"))
}

/// The schema: `run` as INT64, every other column DOUBLE, all required.
fn schema(cols: &[(String, String)]) -> parquet::errors::Result<Type> {
    let mut fields = Vec::with_capacity(cols.len());
    for (i, (name, _)) in cols.iter().enumerate() {
        let t = if i == 0 {
            Type::primitive_type_builder(name, Physical::INT64)
                .with_logical_type(Some(LogicalType::Integer {
                    bit_width: 64,
                    is_signed: true,
                }))
                .with_repetition(Repetition::REQUIRED)
                .build()?
        } else {
            Type::primitive_type_builder(name, Physical::DOUBLE)
                .with_repetition(Repetition::REQUIRED)
                .build()?
        };
        fields.push(Arc::new(t));
    }
    Type::group_type_builder("riskkalkyl_samples")
        .with_fields(fields)
        .build()
}

/// The file's key-value metadata: `units` (a JSON object from column name to unit) and the
/// run's identity.
fn metadata(cols: &[(String, String)], scenario: &Scenario, plan: &RunPlan) -> Vec<KeyValue> {
    let units: serde_json::Map<String, serde_json::Value> = cols
        .iter()
        .map(|(n, u)| (n.clone(), serde_json::Value::String(u.clone())))
        .collect();
    vec![
        KeyValue::new("units".into(), serde_json::Value::Object(units).to_string()),
        KeyValue::new("riskkalkyl.scenario".into(), scenario.meta.name.clone()),
        KeyValue::new("riskkalkyl.seed".into(), plan.seed.to_string()),
        KeyValue::new("riskkalkyl.version".into(), env!("CARGO_PKG_VERSION").to_string()),
    ]
}

/// Write the samples as Parquet into `w`, one row group per [`ROW_GROUP_ROWS`] runs.
fn write_parquet(
    w: &mut dyn Write,
    cols: &[(String, String)],
    scenario: &Scenario,
    plan: &RunPlan,
    runs: impl FnOnce(&mut dyn FnMut(u64, &[f64], &Outcome) -> bool),
) -> std::io::Result<()> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        // Random draws do not repeat: a dictionary would only cost time.
        .set_dictionary_enabled(false)
        .set_key_value_metadata(Some(metadata(cols, scenario, plan)))
        .build();
    let sink = Shared::default();
    let mut writer =
        SerializedFileWriter::new(sink.clone(), Arc::new(schema(cols).map_err(pq)?), Arc::new(props)).map_err(pq)?;
    let mut run_col: Vec<i64> = Vec::with_capacity(ROW_GROUP_ROWS);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(ROW_GROUP_ROWS); cols.len() - 1];
    let mut result = Ok(());
    let flush = |writer: &mut SerializedFileWriter<Shared>,
                 run_col: &mut Vec<i64>,
                 values: &mut [Vec<f64>],
                 w: &mut dyn Write|
     -> std::io::Result<()> {
        if run_col.is_empty() {
            return Ok(());
        }
        let mut group = writer.next_row_group().map_err(pq)?;
        let mut i = 0;
        while let Some(mut col) = group.next_column().map_err(pq)? {
            if i == 0 {
                col.typed::<Int64Type>().write_batch(run_col, None, None).map_err(pq)?;
            } else {
                col.typed::<DoubleType>()
                    .write_batch(&values[i - 1], None, None)
                    .map_err(pq)?;
            }
            col.close().map_err(pq)?;
            i += 1;
        }
        group.close().map_err(pq)?;
        run_col.clear();
        values.iter_mut().for_each(Vec::clear);
        sink.drain_into(w)
    };
    runs(&mut |run, x, o| {
        run_col.push(run as i64);
        let total: f64 = o.npv.iter().sum();
        let row = x
            .iter()
            .copied()
            .chain([o.establishment_msek, o.duration_months, o.staff_saving])
            .chain(o.npv.iter().copied())
            .chain([total]);
        for (c, v) in values.iter_mut().zip(row) {
            c.push(v);
        }
        if run_col.len() == ROW_GROUP_ROWS {
            result = flush(&mut writer, &mut run_col, &mut values, w);
        }
        result.is_ok()
    });
    result?;
    flush(&mut writer, &mut run_col, &mut values, w)?;
    writer.close().map_err(pq)?;
    sink.drain_into(w)
}
