//! `run --samples F.parquet`: the same columns and values as `--samples F.csv` for the same
//! seed and runs, read back with the parquet crate's reader and (when python3 imports it, or
//! RISKKALKYL_PYARROW_REQUIRED=1, which .ci/run sets) with pyarrow; units in the file's
//! key-value metadata; bad paths refused with exit 2.

use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;

fn bin() -> Command {
    Command::cargo_bin("riskkalkyl").expect("the binary")
}

/// Run with `--samples samples` into `out`; the runs and the cap span two Parquet row groups
/// (65 536 rows each) and leave the cap below the runs.
fn run_with_samples(out: &Path, samples: &Path) {
    let o = bin()
        .args([
            "run",
            "--runs",
            "70000",
            "--seed",
            "11",
            "--quiet",
            "--samples-max",
            "66000",
            "--out",
        ])
        .arg(out)
        .arg("--samples")
        .arg(samples)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(path: &Path) -> Csv {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(!text.contains('"'), "a quoted CSV field: split by comma would be wrong");
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines.map(|l| l.split(',').map(String::from).collect()).collect();
    Csv { header, rows }
}

#[test]
fn parquet_samples_equal_the_csv_samples() {
    let tmp = tempfile::tempdir().unwrap();
    let (pq_path, csv_path) = (tmp.path().join("s.parquet"), tmp.path().join("s.csv"));
    run_with_samples(&tmp.path().join("a"), &pq_path);
    run_with_samples(&tmp.path().join("b"), &csv_path);
    let csv = read_csv(&csv_path);
    assert_eq!(csv.rows.len(), 66000, "the cap");

    let reader = SerializedFileReader::new(std::fs::File::open(&pq_path).unwrap()).unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.num_row_groups(), 2, "66 000 rows in groups of 65 536");
    assert_eq!(meta.file_metadata().num_rows(), 66000);
    let schema = meta.file_metadata().schema_descr();
    let names: Vec<String> = schema.columns().iter().map(|c| c.name().to_string()).collect();
    assert_eq!(names, csv.header, "column names and order");
    assert_eq!(schema.column(0).physical_type(), parquet::basic::Type::INT64);
    for c in &schema.columns()[1..] {
        assert_eq!(c.physical_type(), parquet::basic::Type::DOUBLE, "{}", c.name());
    }

    // The CSV prints f64 with Rust's shortest round-trip form: parsed back, every value must
    // equal the Parquet one bit for bit.
    let mut n = 0;
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        let row = row.unwrap();
        let line = &csv.rows[i];
        assert_eq!(
            row.get_long(0).unwrap(),
            line[0].parse::<i64>().unwrap(),
            "run at row {i}"
        );
        for (j, cell) in line.iter().enumerate().skip(1) {
            let want: f64 = cell.parse().unwrap();
            let got = row.get_double(j).unwrap();
            assert_eq!(
                got.to_bits(),
                want.to_bits(),
                "row {i}, column {}: {got} vs {cell}",
                names[j]
            );
        }
        n += 1;
    }
    assert_eq!(n, csv.rows.len());

    // Units: a JSON object in the `units` key, one entry per column in the same order; every
    // unit matches the unit its field path names.
    let kv = meta.file_metadata().key_value_metadata().expect("key-value metadata");
    let units = kv
        .iter()
        .find(|k| k.key == "units")
        .and_then(|k| k.value.clone())
        .expect("units");
    let units: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&units).unwrap();
    assert_eq!(units.keys().cloned().collect::<Vec<_>>(), names);
    let mut checked = 0;
    for (name, unit) in &units {
        let unit = unit.as_str().unwrap();
        let want = if name.ends_with("_msek") || name.starts_with("npv_msek_") {
            "MSEK"
        } else if name.ends_with("_msek_per_year") {
            "MSEK/yr"
        } else if name.ends_with("_months") {
            "months"
        } else if name.starts_with("growth_pct_per_year.") {
            "%/yr"
        } else {
            assert!(!unit.is_empty(), "{name} has no unit");
            continue;
        };
        assert_eq!(unit, want, "{name}");
        checked += 1;
    }
    assert!(checked > 10, "only {checked} units checked against their names");
    let seed = kv
        .iter()
        .find(|k| k.key == "riskkalkyl.seed")
        .and_then(|k| k.value.as_deref());
    assert_eq!(seed, Some("11"));

    pyarrow_reads(&pq_path, &csv, &names);
}

/// pyarrow reads the file with the same shape, column names, types and column sum.
fn pyarrow_reads(path: &Path, csv: &Csv, names: &[String]) {
    let have = Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("RISKKALKYL_PYARROW_REQUIRED").is_none(),
            "RISKKALKYL_PYARROW_REQUIRED is set but python3 cannot import pyarrow"
        );
        eprintln!("skipped: python3 with pyarrow is not available (pip install pyarrow)");
        return;
    }
    const PY: &str = r#"
import json, sys
import pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1])
last = t.schema.names[-1]
print(json.dumps({
    "rows": t.num_rows,
    "names": t.schema.names,
    "types": [str(x) for x in t.schema.types],
    "sum_last": pc.sum(t.column(last)).as_py(),
    "units_last": json.loads(t.schema.metadata[b"units"])[last],
}))
"#;
    let o = Command::new("python3").args(["-c", PY]).arg(path).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["rows"].as_u64(), Some(csv.rows.len() as u64));
    let py_names: Vec<String> = j["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().into())
        .collect();
    assert_eq!(py_names, names);
    let types = j["types"].as_array().unwrap();
    assert_eq!(types[0], "int64");
    assert!(types[1..].iter().all(|t| t == "double"), "{types:?}");
    let last = names.len() - 1;
    let sum: f64 = csv.rows.iter().map(|r| r[last].parse::<f64>().unwrap()).sum();
    let py_sum = j["sum_last"].as_f64().unwrap();
    // Summation order may differ (pyarrow sums pairwise): agree to rounding.
    assert!(
        (py_sum - sum).abs() <= 1e-9 * sum.abs().max(1.0),
        "pyarrow's sum {py_sum} vs the CSV's {sum}"
    );
    assert_eq!(j["units_last"], "MSEK");
}

#[test]
fn bad_samples_paths_exit_2_with_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("d.parquet");
    std::fs::create_dir(&dir).unwrap();
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (dir.clone(), "is a directory"),
        (tmp.path().join("s.xls"), "unknown file type .xls"),
        (tmp.path().join("s"), "unknown file type (no extension)"),
        // Below a regular file: its directory cannot be made.
        (blocker.join("s.parquet"), "s.parquet"),
    ];
    for (path, says) in cases {
        let o = bin()
            .args(["run", "--runs", "100", "--quiet", "--out"])
            .arg(tmp.path().join("out"))
            .arg("--samples")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{path:?}: {err}");
        assert!(
            err.contains(says) && err.contains("fix:"),
            "{path:?}: `{says}` not in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(!path.is_file(), "{path:?} was written");
    }
}
