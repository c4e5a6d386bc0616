//! The scenario as an Excel workbook an economist can edit, and back
//! (`riskkalkyl scenario export --xlsx F.xlsx`, `--scenario F.xlsx`).
//!
//! Sheets:
//! - `Indata`: one row per uncertain input ([`super::inputs::REGISTRY`]), in the order of
//!   [`Scenario::inputs`]: group, Swedish label, unit, distribution kind (a list validation
//!   offers [`DistSpec::KINDS`]), its numeric and text parameters one per column (headed by the
//!   parameter's name, `min`, `mode`, …), parameters that are tables or lists (a risk event's
//!   `impact`, `observations`) as TOML in one cell, source, comment, and last the TOML field path.
//! - one sheet per list or table of entries in [`TABLES`] (`Kommuner` holds the 2024 cost table
//!   per kommun and the volumes, `Nycklar` the allocation keys, …): one row per entry, one column
//!   per field, headed by the field's path within the entry (`cost_2024_tkr.staff`).
//! - `Inställningar`: every other value, one row each: field path, value, comment.
//!
//! Nothing but the registry and the document's own structure decides the rows and columns, so
//! a new uncertain input, field or section appears without a change here (a new list of entries
//! lands in `Inställningar`, one row per field, until it is given a sheet in [`TABLES`]).
//! Empty lists and tables are left out (every one in the schema has a default).
//!
//! Import builds the TOML document from the cells and reads it through
//! [`Scenario::from_toml`], so a workbook is validated exactly as a file is; an error is moved
//! to the cell that holds the offending value (`Indata!E14`).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::{Map, Value};
use sim::DistSpec;

use super::error::{FieldPath, Seg, Spans};
use super::inputs::{InputKind, Unit};
use super::kommuner::volume_sv;
use super::{Scenario, ScenarioError};

/// The sheet of uncertain inputs.
pub const INPUT_SHEET: &str = "Indata";
/// The sheet of every value not on another sheet.
pub const SETTINGS_SHEET: &str = "Inställningar";
/// Lists and tables of entries that get a sheet of their own: (sheet, field path). A list of
/// tables gets one row per entry; a table of tables (the keys) one row per name.
pub const TABLES: [(&str, &str); 9] = [
    ("Kommuner", "kommuner"),
    ("Nycklar", "keys"),
    ("Kategorier", "categories"),
    ("Faser", "establishment.phases"),
    ("Engångsposter", "establishment.one_off"),
    ("Besparingar", "savings"),
    ("Bemanning", "staffing.roles"),
    ("Risker", "risk_register.risks"),
    ("Alternativ", "alternatives"),
];
/// Largest workbook read, bytes (the default scenario's is about 40 kB).
pub const MAX_WORKBOOK_BYTES: u64 = 8 << 20;
/// Most non-empty cells read from one sheet: a scenario has a few thousand.
const MAX_CELLS: usize = 200_000;

const H_GROUP: &str = "Grupp";
const H_LABEL: &str = "Indata";
const H_UNIT: &str = "Enhet";
const H_KIND: &str = "Fördelning";
const H_TOML: &str = "Övriga parametrar (TOML)";
const H_SOURCE: &str = "Källa";
const H_COMMENT: &str = "Kommentar";
const H_PATH: &str = "Fältsökväg";
const H_VALUE: &str = "Värde";
/// The first column of a table of tables: the entry's name.
const H_NAME: &str = "(namn)";
/// Parameters in this order first; any other a kind has follows in order of appearance.
const PARAM_ORDER: [&str; 16] = [
    "value",
    "min",
    "mode",
    "most_likely",
    "max",
    "mean",
    "sd",
    "p10",
    "p90",
    "alpha",
    "beta",
    "shape",
    "scale",
    "prob",
    "bounds",
    "point",
];

/// A distribution as a document table (`dist` and its parameters).
type Spec = Map<String, Value>;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the scenario workbook: {0}")]
pub struct WorkbookError(#[from] XlsxError);

/// The scenario as workbook bytes. `text`, the scenario's TOML, gives the comments.
pub fn to_xlsx(s: &Scenario, text: Option<&str>) -> Result<Vec<u8>, WorkbookError> {
    let spans = text.and_then(|t| Spans::parse(t).ok());
    let comment = |path: &str| match (&spans, text) {
        (Some(sp), Some(t)) => comment_at(t, sp.line_col_of(path).0),
        _ => String::new(),
    };
    let mut doc = serde_json::to_value(s).expect("a scenario serialises");
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xE8F0F8)
        .set_border_bottom(FormatBorder::Thin);
    let grey = Format::new().set_font_color(0x808080);
    let mut wb = Workbook::new();

    // Uncertain inputs, taken out of the document. Inputs the program makes (a risk's
    // occurrence draw) are not in the file, nor in the workbook.
    let (rows, ids): (Vec<(String, Spec)>, Vec<_>) = s
        .input_ids()
        .into_iter()
        .filter_map(|id| {
            let path = id.path();
            match take(&mut doc, &FieldPath::parse(&path)) {
                Some(Value::Object(m)) => Some(((path, m), id)),
                _ => None,
            }
        })
        .unzip();
    let mut params: Vec<String> = PARAM_ORDER
        .iter()
        .filter(|p| rows.iter().any(|(_, m)| m.get(**p).is_some_and(scalar)))
        .map(|p| p.to_string())
        .collect();
    for (_, m) in &rows {
        for (k, v) in m {
            if k != "dist" && scalar(v) && !params.contains(k) {
                params.push(k.clone());
            }
        }
    }
    let ws = wb.add_worksheet().set_name(INPUT_SHEET)?;
    let mut heads: Vec<&str> = vec![H_GROUP, H_LABEL, H_UNIT, H_KIND];
    heads.extend(params.iter().map(String::as_str));
    heads.extend([H_TOML, H_SOURCE, H_COMMENT, H_PATH]);
    let mut widths = vec![34.0, 56.0, 12.0, 16.0];
    widths.extend(params.iter().map(|_| 9.0));
    widths.extend([30.0, 18.0, 50.0, 44.0]);
    write_heads(ws, &head, &heads, &widths)?;
    let col = |name: &str| heads.iter().position(|h| *h == name).expect("a header") as u16;
    for (r, ((path, spec), id)) in rows.iter().zip(ids).enumerate() {
        let r = r as u32 + 1;
        let def = id.kind.def();
        ws.write_string(r, col(H_GROUP), id.group(s).label(s).sv)?;
        ws.write_string(r, col(H_LABEL), id.label(s).sv)?;
        ws.write_string(r, col(H_UNIT), unit_sv(s, &id.kind, id.index, def.unit))?;
        let mut extra = Vec::new();
        for (k, v) in spec {
            if k == "dist" {
                ws.write_string(r, col(H_KIND), v.as_str().unwrap_or_default())?;
            } else if scalar(v) {
                write_leaf(ws, r, col(k), v)?;
            } else {
                extra.push(format!("{k} = {}", toml_inline(v)));
            }
        }
        if !extra.is_empty() {
            ws.write_string(r, col(H_TOML), extra.join(", "))?;
        }
        ws.write_string(r, col(H_SOURCE), def.source)?;
        ws.write_string(r, col(H_COMMENT), comment(path))?;
        ws.write_string_with_format(r, col(H_PATH), path, &grey)?;
    }
    let kinds = DataValidation::new()
        .allow_list_strings(&DistSpec::KINDS)?
        .set_error_title("Okänd fördelning")?
        .set_error_message("Välj en fördelning ur listan.")?;
    let last = rows.len() as u32 + 100;
    ws.add_data_validation(1, col(H_KIND), last, col(H_KIND), &kinds)?;
    ws.autofilter(0, 0, rows.len() as u32, heads.len() as u16 - 1)?;

    // Lists and tables of entries.
    for (sheet, path) in TABLES {
        let fp = FieldPath::parse(path);
        let entries: Vec<(Option<String>, Value)> = match get(&doc, &fp) {
            Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {
                a.iter().map(|v| (None, v.clone())).collect()
            }
            Some(Value::Object(m)) if !m.is_empty() && m.values().all(Value::is_object) => {
                m.iter().map(|(k, v)| (Some(k.clone()), v.clone())).collect()
            }
            _ => continue,
        };
        take(&mut doc, &fp);
        let keyed = entries[0].0.is_some();
        let flat: Vec<Vec<(String, Value)>> = entries
            .iter()
            .map(|(_, v)| {
                let mut out = Vec::new();
                flatten(v, &mut Vec::new(), &mut out);
                out.into_iter().map(|(p, v)| (p.to_string(), v)).collect()
            })
            .collect();
        let mut cols: Vec<String> = keyed.then(|| H_NAME.to_string()).into_iter().collect();
        for e in &flat {
            for (p, _) in e {
                if !cols.contains(p) {
                    cols.push(p.clone());
                }
            }
        }
        let ws = wb.add_worksheet().set_name(sheet)?;
        let names: Vec<&str> = cols.iter().map(String::as_str).collect();
        let widths: Vec<f64> = cols
            .iter()
            .map(|c| (c.chars().count() as f64 + 2.0).clamp(10.0, 40.0))
            .collect();
        write_heads(ws, &head, &names, &widths)?;
        for (r, ((name, _), e)) in entries.iter().zip(&flat).enumerate() {
            let r = r as u32 + 1;
            if let Some(n) = name {
                ws.write_string(r, 0, n)?;
            }
            for (p, v) in e {
                let c = cols.iter().position(|x| x == p).expect("a column") as u16;
                write_leaf(ws, r, c, v)?;
            }
        }
    }

    // Everything else.
    let ws = wb.add_worksheet().set_name(SETTINGS_SHEET)?;
    write_heads(ws, &head, &[H_PATH, H_VALUE, H_COMMENT], &[52.0, 30.0, 80.0])?;
    let mut out = Vec::new();
    flatten(&doc, &mut Vec::new(), &mut out);
    for (r, (p, v)) in out.iter().enumerate() {
        let r = r as u32 + 1;
        let p = p.to_string();
        ws.write_string(r, 0, &p)?;
        write_leaf(ws, r, 1, v)?;
        ws.write_string(r, 2, comment(&p))?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Read a scenario file: a workbook if its name ends in `.xlsx`, TOML otherwise. Returns the
/// scenario and its TOML text (for a workbook, the text the cells make).
pub fn read_scenario_file(path: &Path) -> Result<(Scenario, String), ScenarioError> {
    if is_workbook(path) {
        from_xlsx_file(path)
    } else {
        // Read once: the text the report cites is the text that was run.
        Scenario::read(path)
    }
}

/// Whether `path` names a workbook (by its extension, `.xlsx` in any case).
pub fn is_workbook(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Read and validate a workbook file; see [`from_xlsx`].
pub fn from_xlsx_file(path: &Path) -> Result<(Scenario, String), ScenarioError> {
    let name = path.display().to_string();
    let whole = |problem: String, hint: &str| sheet_error(&name, "(file)", "(file)", problem, hint);
    let unreadable = |e: std::io::Error| {
        whole(
            format!("cannot read the file: {e}"),
            "check the path and that the file is readable",
        )
    };
    // Bounded in size, kind and time like every input (crate::input_file).
    let bytes = match crate::input_file::read_capped(path, MAX_WORKBOOK_BYTES) {
        Ok(b) => b,
        Err(crate::input_file::ReadError::Io(e)) => return Err(unreadable(e)),
        Err(crate::input_file::ReadError::TooLarge { .. }) => {
            return Err(whole(
                format!("the file is larger than {MAX_WORKBOOK_BYTES} bytes, more than a scenario needs"),
                "check that this is the scenario workbook (`riskkalkyl scenario export --xlsx F.xlsx` writes one)",
            ));
        }
        Err(e) => return Err(whole(e.to_string(), e.hint())),
    };
    from_xlsx(&bytes, &name)
}

/// A value read from a cell, and where.
struct Cell {
    at: String,
    value: Option<Value>,
}

/// Parse and validate workbook bytes; `file` names it in messages. Returns the scenario and
/// the TOML text its cells make.
pub fn from_xlsx(bytes: &[u8], file: &str) -> Result<(Scenario, String), ScenarioError> {
    let fail = |cell: &str, path: &str, problem: String, hint: &str| sheet_error(file, cell, path, problem, hint);
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        fail(
            "(file)",
            "(file)",
            format!("not an xlsx workbook: {e}"),
            "save the file as an Excel workbook (.xlsx), or give a TOML scenario a .toml name",
        )
    })?;
    let sheets = wb.sheet_names();
    let mut doc = Value::Object(Map::new());
    // Every value's field path and cell, to move a validation error to its cell.
    let mut cells: Vec<(String, String)> = Vec::new();
    let put = |doc: &mut Value, path: String, cell: Cell, cells: &mut Vec<(String, String)>| {
        let Some(v) = cell.value else { return Ok(()) };
        // Paths as validation writes them (keys quoted where they must be), to match its errors.
        let fp = FieldPath::parse(&path);
        let path = fp.to_string();
        set(doc, &fp, v).map_err(|why| {
            fail(
                &cell.at,
                &path,
                why,
                "give each field once; a field that holds a table cannot also hold a value",
            )
        })?;
        cells.push((path, cell.at));
        Ok(())
    };

    let need = |name: &str| -> Result<(), ScenarioError> {
        if sheets.iter().any(|s| s == name) {
            Ok(())
        } else {
            Err(fail(
                name,
                "(file)",
                format!("the workbook has no sheet {name:?} (it has {})", sheets.join(", ")),
                "start from `riskkalkyl scenario export --xlsx F.xlsx` and keep its sheet names",
            ))
        }
    };
    need(INPUT_SHEET)?;
    need(SETTINGS_SHEET)?;

    let settings = read_sheet(&mut wb, SETTINGS_SHEET, file)?;
    for (r, row) in rows(&settings).filter(|(r, _)| *r > 0) {
        let Some(path) = text_at(&settings, r, 0, SETTINGS_SHEET, file)? else {
            if let Some((c, _)) = row.iter().find(|(c, _)| **c == 1) {
                return Err(fail(
                    &cell_ref(SETTINGS_SHEET, r, *c),
                    "(unknown)",
                    "a value without a field path".into(),
                    "write the field path in column A, or delete the row",
                ));
            }
            continue;
        };
        let cell = value_at(&settings, r, 1, SETTINGS_SHEET, file)?;
        if cell.value.is_none() {
            return Err(fail(
                &cell.at,
                &path,
                "the value is empty".into(),
                "write the value, or delete the row to leave the field out",
            ));
        }
        put(&mut doc, path, cell, &mut cells)?;
    }

    for (sheet, path) in TABLES {
        if !sheets.iter().any(|s| s == sheet) {
            continue;
        }
        let grid = read_sheet(&mut wb, sheet, file)?;
        let heads = header(&grid, sheet, file)?;
        let keyed = heads.first().is_some_and(|(c, h)| *c == 0 && h == H_NAME);
        let mut index = 0;
        for (r, _) in rows(&grid).filter(|(r, _)| *r > 0) {
            let entry = if keyed {
                match text_at(&grid, r, 0, sheet, file)? {
                    Some(name) => format!("{path}.{}", quoted(&name)),
                    None => {
                        return Err(fail(
                            &cell_ref(sheet, r, 0),
                            path,
                            "an entry without a name".into(),
                            "write the entry's name in column A, or delete the row",
                        ));
                    }
                }
            } else {
                index += 1;
                format!("{path}[{}]", index - 1)
            };
            for (c, h) in heads.iter().filter(|(_, h)| h != H_NAME) {
                let cell = value_at(&grid, r, *c, sheet, file)?;
                put(&mut doc, format!("{entry}.{h}"), cell, &mut cells)?;
            }
        }
    }

    let grid = read_sheet(&mut wb, INPUT_SHEET, file)?;
    let heads = header(&grid, INPUT_SHEET, file)?;
    let find = |name: &str| heads.iter().find(|(_, h)| h == name).map(|(c, _)| *c);
    let (Some(c_kind), Some(c_path)) = (find(H_KIND), find(H_PATH)) else {
        return Err(fail(
            &format!("{INPUT_SHEET}!1:1"),
            "(file)",
            format!("the header row needs the columns {H_KIND:?} and {H_PATH:?}"),
            "start from `riskkalkyl scenario export --xlsx F.xlsx` and keep its header row",
        ));
    };
    let c_toml = find(H_TOML);
    let fixed = [H_GROUP, H_LABEL, H_UNIT, H_KIND, H_TOML, H_SOURCE, H_COMMENT, H_PATH];
    let param_cols: Vec<&(u16, String)> = heads.iter().filter(|(_, h)| !fixed.contains(&h.as_str())).collect();
    for (r, _) in rows(&grid).filter(|(r, _)| *r > 0) {
        let Some(path) = text_at(&grid, r, c_path, INPUT_SHEET, file)? else {
            return Err(fail(
                &cell_ref(INPUT_SHEET, r, c_path),
                "(unknown)",
                "an input row without a field path".into(),
                "copy the field path of the input (column Fältsökväg), or delete the row",
            ));
        };
        let kind = text_at(&grid, r, c_kind, INPUT_SHEET, file)?.ok_or_else(|| {
            fail(
                &cell_ref(INPUT_SHEET, r, c_kind),
                &path,
                "no distribution is given".into(),
                &format!("choose one of {}", DistSpec::KINDS.join(", ")),
            )
        })?;
        let kind_at = cell_ref(INPUT_SHEET, r, c_kind);
        put(
            &mut doc,
            format!("{path}.dist"),
            Cell {
                at: kind_at.clone(),
                value: Some(Value::String(kind)),
            },
            &mut cells,
        )?;
        cells.push((FieldPath::parse(&path).to_string(), kind_at));
        for (c, name) in &param_cols {
            let cell = value_at(&grid, r, *c, INPUT_SHEET, file)?;
            put(&mut doc, format!("{path}.{}", quoted(name)), cell, &mut cells)?;
        }
        if let Some(c) = c_toml
            && let Some(text) = text_at(&grid, r, c, INPUT_SHEET, file)?
        {
            let at = cell_ref(INPUT_SHEET, r, c);
            let table = parse_inline(&text).map_err(|why| {
                fail(
                    &at,
                    &path,
                    format!("not TOML key = value pairs: {why}"),
                    "write pairs separated by commas, e.g. impact = { dist = \"pert\", min = 1, mode = 2, max = 4 }",
                )
            })?;
            for (k, v) in table {
                put(
                    &mut doc,
                    format!("{path}.{}", quoted(&k)),
                    Cell {
                        at: at.clone(),
                        value: Some(v),
                    },
                    &mut cells,
                )?;
            }
        }
    }

    let text = toml::to_string(&doc).map_err(|e| {
        fail(
            "(file)",
            "(file)",
            format!("the cells do not make a TOML document: {e}"),
            "check the field paths in the workbook (column Fältsökväg and Inställningar!A)",
        )
    })?;
    match Scenario::from_toml(&text, file) {
        Ok(s) => Ok((s, text)),
        Err(e) => Err(locate(file, &cells, e)),
    }
}

/// Move an error found in the document the cells make to the cell that holds its value: the
/// cell of the path itself, else of its nearest parent, else the first cell below it.
fn locate(file: &str, cells: &[(String, String)], e: ScenarioError) -> ScenarioError {
    let path = e.path().to_string();
    let under = |parent: &str, child: &str| {
        child == parent || child.starts_with(&format!("{parent}.")) || child.starts_with(&format!("{parent}["))
    };
    let cell = cells
        .iter()
        .filter(|(p, _)| under(p, &path))
        .max_by_key(|(p, _)| p.len())
        .or_else(|| cells.iter().find(|(p, _)| under(&path, p)))
        .map(|(_, c)| c.clone());
    let (cell, hint) = match cell {
        Some(c) => (c, e.hint().to_string()),
        None => (
            SETTINGS_SHEET.to_string(),
            format!(
                "{} (in the workbook: add a row to {SETTINGS_SHEET} with the field path in column A)",
                e.hint()
            ),
        ),
    };
    sheet_error(file, &cell, &path, e.problem().to_string(), &hint)
}

fn sheet_error(file: &str, cell: &str, path: &str, problem: String, hint: &str) -> ScenarioError {
    ScenarioError::Workbook {
        file: file.to_string(),
        cell: cell.to_string(),
        path: path.to_string(),
        problem,
        hint: hint.to_string(),
    }
}

/// A sheet's non-empty cells by (row, column), 0-based.
type Grid = BTreeMap<(u32, u16), CellData>;

#[derive(Debug, Clone)]
enum CellData {
    Number(f64),
    Text(String),
    Bool(bool),
    /// A date, a duration or an error value: nothing a scenario holds.
    Other(String),
}

fn read_sheet(wb: &mut Xlsx<Cursor<&[u8]>>, sheet: &str, file: &str) -> Result<Grid, ScenarioError> {
    let broken = |e: calamine::XlsxError| {
        sheet_error(
            file,
            sheet,
            "(file)",
            format!("cannot read the sheet: {e}"),
            "save the workbook again from Excel or LibreOffice",
        )
    };
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(broken)?;
    let mut grid = Grid::new();
    while let Some(cell) = reader.next_cell().map_err(broken)? {
        let (r, c) = cell.get_position();
        let d = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Int(i) => CellData::Number(*i as f64),
            DataRef::Float(f) => CellData::Number(*f),
            DataRef::String(s) => CellData::Text(s.clone()),
            DataRef::SharedString(s) => CellData::Text(s.to_string()),
            DataRef::Bool(b) => CellData::Bool(*b),
            DataRef::DateTime(_) | DataRef::DateTimeIso(_) => CellData::Other("a date".into()),
            DataRef::DurationIso(_) => CellData::Other("a duration".into()),
            DataRef::Error(e) => CellData::Other(format!("the error value {e}")),
        };
        if let CellData::Text(t) = &d
            && t.is_empty()
        {
            continue;
        }
        if grid.len() >= MAX_CELLS {
            return Err(sheet_error(
                file,
                sheet,
                "(file)",
                format!("more than {MAX_CELLS} cells, more than a scenario needs"),
                "delete what does not belong to the scenario",
            ));
        }
        let Ok(c) = u16::try_from(c) else { continue };
        grid.insert((r, c), d);
    }
    Ok(grid)
}

/// The rows that have a cell, each with its cells by column.
fn rows(grid: &Grid) -> impl Iterator<Item = (u32, BTreeMap<u16, &CellData>)> + '_ {
    let mut by_row: BTreeMap<u32, BTreeMap<u16, &CellData>> = BTreeMap::new();
    for ((r, c), d) in grid {
        by_row.entry(*r).or_default().insert(*c, d);
    }
    by_row.into_iter()
}

/// The header row's texts by column.
fn header(grid: &Grid, sheet: &str, file: &str) -> Result<Vec<(u16, String)>, ScenarioError> {
    let mut out = Vec::new();
    for ((_, c), _) in grid.range((0, 0)..(1, 0)) {
        if let Some(h) = text_at(grid, 0, *c, sheet, file)? {
            if out.iter().any(|(_, x)| *x == h) {
                return Err(sheet_error(
                    file,
                    &cell_ref(sheet, 0, *c),
                    "(header)",
                    format!("the column {h:?} appears twice"),
                    "keep one column of each name",
                ));
            }
            out.push((*c, h));
        }
    }
    Ok(out)
}

/// A text cell's trimmed content; a number where text belongs is an error.
fn text_at(grid: &Grid, r: u32, c: u16, sheet: &str, file: &str) -> Result<Option<String>, ScenarioError> {
    match grid.get(&(r, c)) {
        None => Ok(None),
        Some(CellData::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(CellData::Text(t)) => Ok(Some(t.trim().to_string())),
        Some(other) => Err(sheet_error(
            file,
            &cell_ref(sheet, r, c),
            "(header)",
            format!("expected text, found {}", describe(other)),
            "write the name or field path as text",
        )),
    }
}

/// A value cell as a document value (`None` when empty). A whole number becomes an integer,
/// which a field of either kind takes.
fn value_at(grid: &Grid, r: u32, c: u16, sheet: &str, file: &str) -> Result<Cell, ScenarioError> {
    let at = cell_ref(sheet, r, c);
    let value = match grid.get(&(r, c)) {
        None => None,
        Some(CellData::Number(x)) => Some(number(*x)),
        Some(CellData::Text(t)) => Some(Value::String(t.clone())),
        Some(CellData::Bool(b)) => Some(Value::Bool(*b)),
        Some(other) => {
            return Err(sheet_error(
                file,
                &at,
                "(cell)",
                format!("the cell holds {}, not a number, text or TRUE/FALSE", describe(other)),
                "write the value as a plain number or text",
            ));
        }
    };
    Ok(Cell { at, value })
}

fn describe(d: &CellData) -> String {
    match d {
        CellData::Number(x) => format!("the number {x}"),
        CellData::Text(t) => format!("the text {t:?}"),
        CellData::Bool(b) => format!("the truth value {b}"),
        CellData::Other(what) => what.clone(),
    }
}

fn number(x: f64) -> Value {
    // Exact integers below 2^53 as integers (a year or an hour count is one); -0 stays a float.
    if x.fract() == 0.0 && x.abs() < 9.0e15 && !(x == 0.0 && x.is_sign_negative()) {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// `E14`-style reference of 0-based (row, col) on `sheet`.
pub fn cell_ref(sheet: &str, row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut c = col as u32 + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push((b'A' + rem as u8) as char);
        c = (c - 1) / 26;
    }
    let letters: String = letters.into_iter().rev().collect();
    format!("{sheet}!{letters}{}", row + 1)
}

fn write_heads(ws: &mut Worksheet, f: &Format, names: &[&str], widths: &[f64]) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, f)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(13.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    // Printed (or converted to PDF): landscape A3, all columns on one page width.
    ws.set_landscape()
        .set_paper_size(8)
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(0, 0)?;
    Ok(())
}

fn write_leaf(ws: &mut Worksheet, r: u32, c: u16, v: &Value) -> Result<(), XlsxError> {
    match v {
        Value::Number(n) => ws.write_number(r, c, n.as_f64().unwrap_or(f64::NAN)).map(|_| ()),
        Value::String(s) => ws.write_string(r, c, s).map(|_| ()),
        Value::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
        // Nulls do not occur (options are skipped); containers are flattened before.
        _ => Ok(()),
    }
}

fn scalar(v: &Value) -> bool {
    matches!(v, Value::Number(_) | Value::String(_) | Value::Bool(_))
}

/// The unit as the Swedish label writes it.
fn unit_sv(s: &Scenario, kind: &InputKind, index: usize, unit: Unit) -> String {
    let text = unit.text().0;
    let volume = s.staffing.roles.get(index).map_or("", |r| r.volume.as_str());
    if *kind == InputKind::RolePerFte {
        text.replace("{volume}", volume_sv(volume))
    } else {
        text.to_string()
    }
}

/// A key as one path segment: bare if it may be, else quoted.
fn quoted(key: &str) -> String {
    FieldPath(vec![Seg::Key(key.to_string())]).to_string()
}

/// Every scalar leaf under `v` with its path; empty lists and tables are left out.
fn flatten(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<(FieldPath, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Seg::Key(k.clone()));
                flatten(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Seg::Index(i));
                flatten(x, path, out);
                path.pop();
            }
        }
        Value::Null => {}
        _ => out.push((FieldPath(path.clone()), v.clone())),
    }
}

fn get<'a>(doc: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    path.0.iter().try_fold(doc, |node, seg| match seg {
        Seg::Key(k) => node.get(k.as_str()),
        Seg::Index(i) => node.get(*i),
    })
}

/// Remove the value at `path` from its table (a path ending in a list index is not used).
fn take(doc: &mut Value, path: &FieldPath) -> Option<Value> {
    let (last, parent) = path.0.split_last()?;
    let parent = parent.iter().try_fold(doc, |node, seg| match seg {
        Seg::Key(k) => node.get_mut(k.as_str()),
        Seg::Index(i) => node.get_mut(*i),
    })?;
    match last {
        Seg::Key(k) => parent.as_object_mut()?.shift_remove(k),
        Seg::Index(_) => None,
    }
}

/// Put `v` at `path`, making tables and lists on the way (list gaps are empty tables, which
/// validation then reports as entries with missing fields).
fn set(doc: &mut Value, path: &FieldPath, v: Value) -> Result<(), String> {
    let mut node = doc;
    let mut v = Some(v);
    for (i, seg) in path.0.iter().enumerate() {
        let last = i + 1 == path.0.len();
        let next_is_index = matches!(path.0.get(i + 1), Some(Seg::Index(_)));
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        let here = FieldPath(path.0[..i].to_vec());
        node = match seg {
            Seg::Key(k) => {
                let Value::Object(m) = node else {
                    return Err(format!("{here} holds a value, not a table with {k:?}"));
                };
                if last {
                    if m.contains_key(k) {
                        return Err(format!("{path} is given twice"));
                    }
                    m.insert(k.clone(), v.take().expect("set once"));
                    return Ok(());
                }
                m.entry(k.clone()).or_insert_with(fresh)
            }
            Seg::Index(n) => {
                let Value::Array(a) = node else {
                    return Err(format!("{here} holds a value, not a list"));
                };
                while a.len() <= *n {
                    a.push(Value::Object(Map::new()));
                }
                if last {
                    a[*n] = v.take().expect("set once");
                    return Ok(());
                }
                if next_is_index && a[*n].as_object().is_some_and(Map::is_empty) {
                    a[*n] = Value::Array(Vec::new());
                }
                &mut a[*n]
            }
        };
    }
    Err("an empty field path".into())
}

/// A value as inline TOML (`{ dist = "pert", min = 1.0 }`, `[1.0, 2.0]`).
fn toml_inline(v: &Value) -> String {
    toml::Value::try_from(v).map_or_else(|_| v.to_string(), |t| t.to_string())
}

/// `k = v, k2 = v2` as a table.
fn parse_inline(text: &str) -> Result<Map<String, Value>, String> {
    let doc: toml::Table = toml::from_str(&format!("x = {{ {text} }}")).map_err(|e| e.message().to_string())?;
    match serde_json::to_value(&doc["x"]) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err("not a table".into()),
    }
}

/// The comment on line `line` (1-based) of `text` and the comment lines right above it.
fn comment_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(here) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return String::new();
    };
    let mut parts = Vec::new();
    let mut i = line - 1;
    while i > 0 {
        let l = lines[i - 1].trim();
        match l.strip_prefix('#') {
            Some(c) if !l.starts_with("[") => parts.push(c.trim().to_string()),
            _ => break,
        }
        i -= 1;
    }
    parts.reverse();
    // A trailing comment, outside any string (TOML strings here hold no '#' before it).
    if let Some(pos) = trailing_comment(here) {
        parts.push(here[pos + 1..].trim().to_string());
    }
    parts.join(" ")
}

fn trailing_comment(line: &str) -> Option<usize> {
    let mut in_str = false;
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match ch {
            '"' if prev != '\\' => in_str = !in_str,
            '#' if !in_str => return Some(i),
            _ => {}
        }
        prev = ch;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenarios() -> Vec<(String, Scenario, String)> {
        let mut v = vec![(
            "ggvv".to_string(),
            Scenario::default_ggvv(),
            crate::DEFAULT_SCENARIO.to_string(),
        )];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/scenarios");
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        names.sort();
        for p in names {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.display().to_string();
            let s = Scenario::from_toml(&text, &name).unwrap();
            v.push((name, s, text));
        }
        assert!(v.len() >= 4, "the bench scenarios are found");
        v
    }

    #[test]
    fn export_then_import_gives_the_scenario() {
        for (name, s, text) in scenarios() {
            let bytes = to_xlsx(&s, Some(&text)).unwrap();
            let (back, toml) = from_xlsx(&bytes, "t.xlsx").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(back, s, "{name}");
            assert_eq!(Scenario::from_toml(&toml, "t.toml").unwrap(), s, "{name}");
            assert_eq!(
                crate::run::state::scenario_fingerprint(&back),
                crate::run::state::scenario_fingerprint(&s),
                "{name}"
            );
        }
    }

    #[test]
    fn a_pooled_estimate_and_a_risk_event_round_trip_through_the_toml_cell() {
        let mut s = Scenario::default_ggvv();
        let e = |name: Option<&str>, min, most_likely, max, weight| sim::dist::Expert {
            name: name.map(str::to_string),
            min,
            most_likely,
            max,
            weight,
        };
        s.establishment.project_labour_msek = DistSpec::Pooled {
            experts: vec![
                e(Some("Ekonom, \"A\""), 10.0, 12.0, 14.5, Some(2.0)),
                e(None, 11.0, 13.0, 16.0, None),
            ],
            point: None,
        };
        s.establishment.one_off[1].amount_msek = DistSpec::RiskEvent {
            prob: 0.25,
            impact: Box::new(DistSpec::Pert {
                min: 0.5,
                mode: 1.0,
                max: 3.0,
                shape: None,
                point: None,
            }),
            point: Some(0.0),
        };
        s.validate().unwrap();
        let bytes = to_xlsx(&s, None).unwrap();
        let g = grid(&bytes, INPUT_SHEET);
        let r = input_row(&g, "establishment.project_labour_msek");
        let cell = text(&g, r, col(&g, H_TOML));
        assert!(
            cell.starts_with("experts = [{ ") && cell.contains("most_likely = 12.0"),
            "{cell}"
        );
        assert_eq!(from_xlsx(&bytes, "t.xlsx").unwrap().0, s);
    }

    #[test]
    fn gamma_and_weibull_round_trip_through_their_parameter_columns() {
        let mut s = Scenario::default_ggvv();
        s.establishment.project_labour_msek = DistSpec::Gamma {
            shape: 11.390272,
            scale: 1.0625,
            point: None,
        };
        s.establishment.one_off[1].amount_msek = DistSpec::Weibull {
            shape: 3.088386,
            scale: 0.75,
            point: Some(0.7),
        };
        s.validate().unwrap();
        let bytes = to_xlsx(&s, None).unwrap();
        let g = grid(&bytes, INPUT_SHEET);
        // The kind list offers both, and shape and scale are parameter columns (no TOML cell).
        assert!(DistSpec::KINDS.contains(&"gamma") && DistSpec::KINDS.contains(&"weibull"));
        let r = input_row(&g, "establishment.project_labour_msek");
        assert_eq!(text(&g, r, col(&g, H_KIND)), "gamma");
        assert!(
            !g.contains_key(&(r, col(&g, H_TOML))),
            "{:?}",
            g.get(&(r, col(&g, H_TOML)))
        );
        let (shape, scale) = (col(&g, "shape"), col(&g, "scale"));
        assert!(g.contains_key(&(r, shape)) && g.contains_key(&(r, scale)));
        assert_eq!(from_xlsx(&bytes, "t.xlsx").unwrap().0, s);
    }

    /// The workbook's cells, as calamine reads them.
    fn grid(bytes: &[u8], sheet: &str) -> Grid {
        let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
        read_sheet(&mut wb, sheet, "t.xlsx").unwrap()
    }

    fn text(g: &Grid, r: u32, c: u16) -> String {
        match g.get(&(r, c)) {
            Some(CellData::Text(t)) => t.clone(),
            other => panic!("({r}, {c}): {other:?}"),
        }
    }

    fn col(g: &Grid, name: &str) -> u16 {
        header(g, "x", "t")
            .unwrap()
            .into_iter()
            .find(|(_, h)| h == name)
            .unwrap()
            .0
    }

    #[test]
    fn the_input_sheet_has_a_row_per_registry_input_with_label_unit_and_path() {
        let s = Scenario::default_ggvv();
        let bytes = to_xlsx(&s, Some(crate::DEFAULT_SCENARIO)).unwrap();
        let g = grid(&bytes, INPUT_SHEET);
        // Every input the scenario sets (an optional input left out, such as the default's
        // absent schedule overrun, has no row).
        let doc = serde_json::to_value(&s).unwrap();
        let ids: Vec<_> = s
            .input_ids()
            .into_iter()
            .filter(|id| id.kind != InputKind::RiskOccurs)
            .filter(|id| take(&mut doc.clone(), &FieldPath::parse(&id.path())).is_some_and(|v| v.is_object()))
            .collect();
        assert!(ids.len() > 30, "the default sets most inputs");
        let (c_path, c_label, c_kind, c_min) = (col(&g, H_PATH), col(&g, H_LABEL), col(&g, H_KIND), col(&g, "min"));
        for (r, id) in ids.iter().enumerate() {
            let r = r as u32 + 1;
            assert_eq!(text(&g, r, c_path), id.path());
            assert_eq!(text(&g, r, c_label), id.label(&s).sv);
        }
        assert!(!g.contains_key(&(ids.len() as u32 + 1, c_path)), "one row per input");
        let r = ids
            .iter()
            .position(|id| id.path() == "establishment.phases[2].duration_months")
            .unwrap() as u32
            + 1;
        assert_eq!(text(&g, r, c_kind), "pert");
        assert!(matches!(g.get(&(r, c_min)), Some(CellData::Number(x)) if *x == 12.0));
        let c_comment = col(&g, H_COMMENT);
        let r = ids
            .iter()
            .position(|id| id.path() == "establishment.project_labour_msek")
            .unwrap() as u32
            + 1;
        assert!(
            text(&g, r, c_comment).contains("20 000 hours"),
            "{}",
            text(&g, r, c_comment)
        );
        // The cost table per kommun, and the keys by name.
        let k = grid(&bytes, "Kommuner");
        let c = col(&k, "cost_2024_tkr.staff");
        assert!(matches!(k.get(&(2, c)), Some(CellData::Number(x)) if *x == 7318.0));
        let keys = grid(&bytes, "Nycklar");
        assert_eq!(text(&keys, 0, 0), H_NAME);
        assert_eq!(text(&keys, 1, 0), "cost_share");
    }

    /// Change one cell of the exported default workbook (sheet, 0-based row/col) and import.
    fn edited(sheet: &str, find: impl Fn(&Grid) -> (u32, u16), to: CellEdit) -> ScenarioError {
        let s = Scenario::default_ggvv();
        let bytes = to_xlsx(&s, None).unwrap();
        let (r, c) = find(&grid(&bytes, sheet));
        // Rebuild the workbook from the exported cells with one changed: a reader's view.
        let mut wb = Workbook::new();
        let mut xl = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
        for name in xl.sheet_names() {
            let g = read_sheet(&mut xl, &name, "t").unwrap();
            let ws = wb.add_worksheet().set_name(&name).unwrap();
            for ((rr, cc), d) in &g {
                match d {
                    CellData::Number(x) => ws.write_number(*rr, *cc, *x).map(|_| ()),
                    CellData::Text(t) => ws.write_string(*rr, *cc, t).map(|_| ()),
                    CellData::Bool(b) => ws.write_boolean(*rr, *cc, *b).map(|_| ()),
                    CellData::Other(_) => Ok(()),
                }
                .unwrap();
            }
            if name == sheet {
                match &to {
                    CellEdit::Number(x) => ws.write_number(r, c, *x).map(|_| ()),
                    CellEdit::Text(t) => ws.write_string(r, c, *t).map(|_| ()),
                    CellEdit::Clear => ws.write_blank(r, c, &Format::new()).map(|_| ()),
                }
                .unwrap();
            }
        }
        from_xlsx(&wb.save_to_buffer().unwrap(), "t.xlsx").unwrap_err()
    }

    enum CellEdit {
        Number(f64),
        Text(&'static str),
        Clear,
    }

    fn input_row(g: &Grid, path: &str) -> u32 {
        let c = col(g, H_PATH);
        (1..).find(|r| text(g, *r, c) == path).unwrap()
    }

    #[test]
    fn errors_name_the_sheet_the_cell_and_the_fix() {
        // A mode above the max: the mode's cell.
        let path = "establishment.phases[2].duration_months";
        let e = edited(
            INPUT_SHEET,
            |g| (input_row(g, path), col(g, "mode")),
            CellEdit::Number(28.0),
        );
        let at = |g: &Grid, name| cell_ref(INPUT_SHEET, input_row(g, path), col(g, name));
        let g = grid(&to_xlsx(&Scenario::default_ggvv(), None).unwrap(), INPUT_SHEET);
        assert_eq!(e.cell(), Some(at(&g, "mode").as_str()), "{e}");
        assert_eq!(e.path(), format!("{path}.mode"));
        assert!(
            e.to_string().starts_with(&format!("t.xlsx: {}: ", at(&g, "mode"))),
            "{e}"
        );
        assert!(e.hint().contains("mode"), "{e}");

        // An unknown kind: the kind's cell, and the accepted names.
        let e = edited(
            INPUT_SHEET,
            |g| (input_row(g, path), col(g, H_KIND)),
            CellEdit::Text("perty"),
        );
        assert_eq!(e.cell(), Some(at(&g, H_KIND).as_str()), "{e}");
        assert!(e.problem().contains("pert"), "{e}");

        // Text in a number's place, in the cost table.
        let e = edited(
            "Kommuner",
            |g| (2, col(g, "cost_2024_tkr.staff")),
            CellEdit::Text("sju"),
        );
        let k = grid(&to_xlsx(&Scenario::default_ggvv(), None).unwrap(), "Kommuner");
        assert_eq!(
            e.cell(),
            Some(cell_ref("Kommuner", 2, col(&k, "cost_2024_tkr.staff")).as_str()),
            "{e}"
        );
        assert_eq!(e.path(), "kommuner[1].cost_2024_tkr.staff");

        // A required value deleted: named by its path, the settings sheet, and how to add it.
        let e = edited(
            SETTINGS_SHEET,
            |g| ((1..).find(|r| text(g, *r, 0) == "years.base_year").unwrap(), 0),
            CellEdit::Clear,
        );
        assert!(
            e.problem().contains("value without a field path") || e.problem().contains("base_year"),
            "{e}"
        );
        assert!(e.cell().unwrap().starts_with(SETTINGS_SHEET), "{e}");

        // A share that breaks the key's sum: its cell.
        let e = edited(
            "Nycklar",
            |g| (1, col(g, "shares_pct.Gislaved")),
            CellEdit::Number(35.546),
        );
        assert!(e.problem().contains("sum"), "{e}");
        assert!(e.cell().unwrap().starts_with("Nycklar!"), "{e}");
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_refused_with_a_fix() {
        let e = from_xlsx(b"[meta]\nname = 1", "x.xlsx").unwrap_err();
        assert!(e.problem().contains("not an xlsx workbook"), "{e}");
        assert!(e.hint().contains(".toml"), "{e}");
    }

    #[test]
    fn cell_refs_are_excel_style() {
        assert_eq!(cell_ref("Indata", 13, 4), "Indata!E14");
        assert_eq!(cell_ref("S", 0, 25), "S!Z1");
        assert_eq!(cell_ref("S", 0, 26), "S!AA1");
        assert_eq!(cell_ref("S", 0, 701), "S!ZZ1");
        assert_eq!(cell_ref("S", 0, 702), "S!AAA1");
    }
}
