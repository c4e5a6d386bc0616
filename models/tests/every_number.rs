//! Issue 22, class 1: every number of the schema, selected or not, is validated at load, the
//! same for every command. Table-driven over the embedded scenario: each numeric field in
//! turn (every `[decision]` setting, the risk case not selected, every alternative, every
//! distribution parameter) is set to NaN, to ±infinity and, for a money figure, to 10^12
//! MSEK; each such file must be refused with its line, the field's path and a fix.

use models::{DEFAULT_SCENARIO, Scenario};
use toml::Value;

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_string(p: &[Seg]) -> String {
    let mut s = String::new();
    for seg in p {
        match seg {
            Seg::Key(k) if s.is_empty() => s.push_str(k),
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Every numeric leaf of the document, by path.
fn numeric_leaves(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Integer(_) | Value::Float(_) => out.push(at.clone()),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Seg::Index(i));
                numeric_leaves(x, at, out);
                at.pop();
            }
        }
        Value::Table(t) => {
            for (k, x) in t {
                at.push(Seg::Key(k.clone()));
                numeric_leaves(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn leaf_mut<'a>(v: &'a mut Value, p: &[Seg]) -> &'a mut Value {
    p.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Index(i) => &mut v[*i],
    })
}

#[test]
fn every_number_of_the_schema_is_checked_at_load_with_its_place() {
    let doc: Value = toml::from_str(DEFAULT_SCENARIO).unwrap();
    let mut leaves = Vec::new();
    numeric_leaves(&doc, &mut Vec::new(), &mut leaves);
    assert!(leaves.len() > 300, "only {} numeric fields found", leaves.len());
    let mut failures = Vec::new();
    let mut cases = 0;
    for p in &leaves {
        let path = path_string(p);
        let money = path.contains("msek");
        let mut values = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        if money {
            values.push(1e12);
        }
        for x in values {
            cases += 1;
            let mut d = doc.clone();
            *leaf_mut(&mut d, p) = Value::Float(x);
            let text = toml::to_string(&d).unwrap();
            let err = match Scenario::from_toml(&text, "t.toml") {
                Ok(_) => {
                    failures.push(format!("{path} = {x}: accepted"));
                    continue;
                }
                Err(e) => e,
            };
            let Some((file, line, column)) = err.location() else {
                failures.push(format!("{path} = {x}: no location in {err}"));
                continue;
            };
            // The line the error names holds the field's own key (the last key of its path).
            let key = p.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            });
            let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            let located = file == "t.toml" && line >= 1 && column >= 1 && key.is_some_and(|k| line_text.contains(k));
            // The path names the field or the distribution it is a parameter of.
            // Keys that are not bare TOML keys (kommun names with å, ä, ö) are quoted in
            // error paths; the walk above writes them bare.
            let err_path = err.path().replace('"', "");
            let named = path.starts_with(&err_path) || err_path.starts_with(&path);
            if !located || !named || err.hint().is_empty() {
                failures.push(format!("{path} = {x}: refused as {err} (line {line}: {line_text:?})"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
