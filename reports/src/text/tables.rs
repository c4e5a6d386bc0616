//! The förstudie's three tables (seed 000 4.4) as text and JSON, from the model at point values.

use std::fmt::Write;

use models::PointTables;
use rust_decimal::prelude::*;
use serde_json::{Map, Value, json};

use crate::format::round_dp;

fn rows(t: &PointTables, m: &[Vec<f64>]) -> Value {
    let mut map = Map::new();
    for (name, row) in t.kommuner.iter().zip(m) {
        map.insert(
            name.clone(),
            json!(row.iter().map(|&v| round_dp(v, 3).to_f64()).collect::<Vec<_>>()),
        );
    }
    let total: Vec<_> = (0..t.years.len())
        .map(|i| round_dp(m.iter().map(|r| r[i]).sum(), 3).to_f64())
        .collect();
    map.insert("Totalt".into(), json!(total));
    Value::Object(map)
}

/// `{"unit":"MSEK","years":[…],"current":{kommun:[…],…,"Totalt":[…]},"joint":…,"difference":…}`.
pub fn to_json(t: &PointTables) -> String {
    let v = json!({
        "unit": "MSEK",
        "years": t.years,
        "current": rows(t, &t.current),
        "joint": rows(t, &t.joint),
        "difference": rows(t, &t.difference),
        "establishment_cost_msek": round_dp(t.establishment_msek, 3).to_f64(),
    });
    let mut s = serde_json::to_string_pretty(&v).expect("tables serialise");
    s.push('\n');
    s
}

/// The three tables as aligned text, one decimal, MSEK.
pub fn to_text(t: &PointTables) -> String {
    let mut out = String::new();
    let width = t.kommuner.iter().map(|k| k.chars().count()).max().unwrap_or(6).max(6) + 2;
    for (title, m) in [
        ("Förväntade kostnader vid nuvarande IT-drift (MSEK)", &t.current),
        ("Förväntade kostnader vid gemensam IT-drift (MSEK)", &t.joint),
        (
            "Skillnad = nuvarande − gemensam, besparing positiv (MSEK)",
            &t.difference,
        ),
    ] {
        let _ = writeln!(out, "{title}");
        let _ = write!(out, "{:<width$}", "Kommun");
        for y in &t.years {
            let _ = write!(out, "{y:>8}");
        }
        out.push('\n');
        let total: Vec<f64> = (0..t.years.len()).map(|i| m.iter().map(|r| r[i]).sum()).collect();
        for (name, row) in t
            .kommuner
            .iter()
            .map(String::as_str)
            .zip(m.iter())
            .chain([("Totalt", &total)])
        {
            let pad = width - name.chars().count();
            let _ = write!(out, "{name}{}", " ".repeat(pad));
            for v in row {
                let _ = write!(out, "{:>8}", format!("{:.1}", round_dp(*v, 1)));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Engångskostnad för etablering (förstudiens punktvärden): {} MSEK",
        round_dp(t.establishment_msek, 1)
    );
    out
}
