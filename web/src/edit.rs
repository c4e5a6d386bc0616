//! A what-if state: the opened scenario's text with the page's edits written into it.
//!
//! Edits go into the TOML document (comments kept) and the result is loaded through the
//! normal loader, [`Scenario::from_toml`]: the page is refused exactly what a scenario file
//! would be, with the same field path and fix, and the saved text reproduces the page's
//! figures under `riskkalkyl run`.

use std::fmt::Write as _;

use std::sync::Arc;

use models::{Model, Scenario};
use serde::Deserialize;
use toml_edit::{DocumentMut, InlineTable, Item, Value};

use crate::Refusal;

/// Most edits one request may carry (the default has about 60 editable parameters).
pub const MAX_EDITS: usize = 2000;

/// One changed number: `path` is an input's field path and the parameter, e.g.
/// `establishment.one_off[0].amount_msek.max`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub path: String,
    pub value: f64,
}

/// The choices that are not distributions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choices {
    /// One allocation key (a name under `[keys]`) for every period, instead of the file's mix.
    #[serde(default)]
    pub key: Option<String>,
    /// An alternative of `[[alternatives]]` by name ([`models::alternatives::apply`]).
    #[serde(default)]
    pub alternative: Option<String>,
    /// The risk register's data-centre case, "existing" or "new".
    #[serde(default)]
    pub data_centre: Option<String>,
    /// Kalkylränta, percent.
    #[serde(default)]
    pub discount_rate_pct: Option<f64>,
    /// The reference figure the one-off cost is measured against, MSEK
    /// (`establishment.reference_estimate_msek`).
    #[serde(default)]
    pub budget_msek: Option<f64>,
}

/// The opened scenario: what every state starts from.
#[derive(Debug, Clone)]
pub struct Base {
    pub text: String,
    /// How the scenario is named in messages (its file, or the upload).
    pub name: String,
    pub scenario: Scenario,
    /// The scenario compiled once: every request on this base reuses it (and the sampler
    /// tables its distributions build on first use).
    pub model: Arc<Model>,
}

impl Base {
    /// Load `text` through the normal loader.
    pub fn new(text: String, name: &str) -> Result<Base, Refusal> {
        let scenario = Scenario::from_toml(&text, name).map_err(Refusal::scenario)?;
        Base::loaded(text, name.to_string(), scenario)
    }

    /// A scenario already loaded from `text`: compiled here, once.
    pub fn loaded(text: String, name: String, scenario: Scenario) -> Result<Base, Refusal> {
        let model = Arc::new(Model::new(&scenario).map_err(Refusal::scenario)?);
        Ok(Base {
            text,
            name,
            scenario,
            model,
        })
    }
}

/// The edited scenario, its text and what changed, one line per change.
#[derive(Debug, Clone)]
pub struct Edited {
    pub scenario: Scenario,
    pub text: String,
    pub changes: Vec<String>,
}

/// Write `edits` and `choices` into `base` and load the result through the normal loader.
pub fn apply(base: &Base, edits: &[Edit], choices: &Choices) -> Result<Edited, Refusal> {
    if edits.len() > MAX_EDITS {
        return Err(Refusal::field(
            "edits",
            format!("{} edits, more than the {MAX_EDITS} a request may carry", edits.len()),
            "send only the parameters that differ from the opened scenario",
        ));
    }
    let mut doc: DocumentMut = base
        .text
        .parse()
        .map_err(|e| Refusal::field("(scenario)", format!("not valid TOML: {e}"), "open a valid scenario"))?;
    let editable = editable_params(&base.scenario);
    let mut changes = Vec::new();
    for e in edits {
        let Some(old) = editable.iter().find(|(p, _)| *p == e.path).map(|(_, v)| *v) else {
            return Err(Refusal::field(
                &e.path,
                "not an editable parameter of this scenario".into(),
                "edit a parameter the page shows (an input's path and min, mode, max, ...)",
            ));
        };
        if !e.value.is_finite() {
            return Err(Refusal::field(&e.path, "not a finite number".into(), "give a number"));
        }
        if e.value.to_bits() == old.to_bits() {
            continue;
        }
        set_number(&mut doc, &e.path, e.value)?;
        changes.push(format!("{}: {} -> {}", e.path, old, e.value));
    }
    let s = &base.scenario;
    if let Some(key) = &choices.key {
        if !s.keys.contains_key(key) {
            return Err(Refusal::field(
                "choices.key",
                format!("unknown key \"{key}\""),
                &format!(
                    "choose one of: {}",
                    s.keys.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        for period in [
            "establishment_weights_pct",
            "transition_weights_pct",
            "full_effect_weights_pct",
        ] {
            let mut t = InlineTable::new();
            t.insert(key, Value::from(100.0));
            set_item(
                &mut doc,
                &format!("allocation.{period}"),
                Item::Value(Value::InlineTable(t)),
            )?;
        }
        changes.push(format!("allocation: key \"{key}\" in every period"));
    }
    if let Some(dc) = &choices.data_centre {
        let Some(reg) = &s.risk_register else {
            return Err(Refusal::field(
                "choices.data_centre",
                "the scenario has no risk register".into(),
                "leave the data-centre choice out",
            ));
        };
        if dc != "existing" && dc != "new" {
            return Err(Refusal::field(
                "choices.data_centre",
                format!("unknown data-centre case \"{dc}\""),
                "choose \"existing\" or \"new\"",
            ));
        }
        if *dc != reg.data_centre {
            set_item(&mut doc, "risk_register.data_centre", toml_edit::value(dc.as_str()))?;
            changes.push(format!("risk_register.data_centre: {} -> {dc}", reg.data_centre));
        }
    }
    if let Some(r) = choices.discount_rate_pct
        && r.to_bits() != s.finance.discount_rate_pct.to_bits()
    {
        set_number(&mut doc, "finance.discount_rate_pct", r)?;
        changes.push(format!(
            "finance.discount_rate_pct: {} -> {r}",
            s.finance.discount_rate_pct
        ));
    }
    if let Some(b) = choices.budget_msek
        && Some(b.to_bits()) != s.establishment.reference_estimate_msek.map(f64::to_bits)
    {
        set_number(&mut doc, "establishment.reference_estimate_msek", b)?;
        changes.push(format!(
            "establishment.reference_estimate_msek: {} -> {b}",
            fmt_opt(s.establishment.reference_estimate_msek)
        ));
    }
    let mut text = doc.to_string();
    let mut scenario = Scenario::from_toml(&text, &base.name).map_err(Refusal::scenario)?;
    if let Some(name) = &choices.alternative {
        let Some(a) = scenario.alternatives.iter().find(|a| &a.name == name).cloned() else {
            return Err(Refusal::field(
                "choices.alternative",
                format!("unknown alternative \"{name}\""),
                "choose an alternative of the scenario's [[alternatives]]",
            ));
        };
        let target = models::alternatives::apply(&scenario, &a);
        text = write_alternative(&text, &scenario, &target)?;
        scenario = Scenario::from_toml(&text, &base.name).map_err(Refusal::scenario)?;
        if scenario != target {
            return Err(Refusal::internal(
                "the alternative did not round-trip through the scenario text",
            ));
        }
        changes.push(format!("alternative \"{name}\" (seed 001 3.2) applied"));
    }
    Ok(Edited {
        scenario,
        text,
        changes,
    })
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or("(förstudie)".into(), |v| v.to_string())
}

/// Every editable number of `s`: each uncertain input's numeric parameters, with its value.
pub fn editable_params(s: &Scenario) -> Vec<(String, f64)> {
    let mut v = Vec::new();
    for (path, spec) in s.inputs() {
        for (param, x) in params(&spec) {
            v.push((format!("{path}.{param}"), x));
        }
    }
    v
}

/// A distribution's kind and numeric parameters in file order, as the file writes them.
pub fn params(spec: &sim::DistSpec) -> Vec<(String, f64)> {
    let Ok(serde_json::Value::Object(m)) = serde_json::to_value(spec) else {
        return Vec::new();
    };
    m.iter()
        .filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x)))
        .collect()
}

/// The `dist` name of a distribution ("pert", "triangular", ...).
pub fn dist_name(spec: &sim::DistSpec) -> String {
    serde_json::to_value(spec)
        .ok()
        .and_then(|v| v.get("dist").and_then(|d| d.as_str().map(str::to_string)))
        .unwrap_or_default()
}

/// One step of a field path.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step<'_>> {
    let mut v = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            v.push(Step::Key(name));
        }
        while let Some((i, r)) = rest.split_once(']') {
            if let Ok(i) = i.parse() {
                v.push(Step::Index(i));
            }
            rest = r.trim_start_matches('[');
        }
    }
    v
}

/// The item at `path`, creating a missing last key of a table.
fn item_mut<'d>(doc: &'d mut DocumentMut, path: &str) -> Option<&'d mut Item> {
    let steps = steps(path);
    let mut item = doc.as_item_mut();
    for (n, st) in steps.iter().enumerate() {
        let last = n + 1 == steps.len();
        item = match st {
            Step::Key(k) => {
                if last && item.get(k).is_none() {
                    match item {
                        Item::Table(t) => {
                            t.insert(k, Item::None);
                        }
                        Item::Value(Value::InlineTable(t)) => {
                            t.insert(*k, Value::from(0.0));
                        }
                        _ => return None,
                    }
                }
                item.get_mut(k)?
            }
            Step::Index(i) => item.get_mut(*i)?,
        };
    }
    Some(item)
}

fn missing(path: &str) -> Refusal {
    Refusal::field(
        path,
        "not found in the scenario text".into(),
        "edit a field the page shows",
    )
}

/// Set the number at `path`, keeping the spacing around it.
fn set_number(doc: &mut DocumentMut, path: &str, x: f64) -> Result<(), Refusal> {
    let item = item_mut(doc, path).ok_or_else(|| missing(path))?;
    match item.as_value_mut() {
        Some(v) => {
            let decor = v.decor().clone();
            *v = Value::from(x);
            *v.decor_mut() = decor;
        }
        None => *item = toml_edit::value(x),
    }
    Ok(())
}

fn set_item(doc: &mut DocumentMut, path: &str, new: Item) -> Result<(), Refusal> {
    let item = item_mut(doc, path).ok_or_else(|| missing(path))?;
    *item = new;
    Ok(())
}

/// `text` changed as [`models::alternatives::apply`] changed `from` into `to`: the scaled
/// establishment inputs, the capture, the planned duration, and no `[[alternatives]]`.
fn write_alternative(text: &str, from: &Scenario, to: &Scenario) -> Result<String, Refusal> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Refusal::internal(&format!("edited text does not parse: {e}")))?;
    for ((path, a), (_, b)) in from.inputs().into_iter().zip(to.inputs()) {
        if a != b {
            let mut t = InlineTable::new();
            t.insert("dist", Value::from(dist_name(&b)));
            for (k, x) in params(&b) {
                t.insert(&k, Value::from(x));
            }
            set_item(&mut doc, &path, Item::Value(Value::InlineTable(t)))?;
        }
    }
    set_number(&mut doc, "savings_capture_pct", to.savings_capture_pct)?;
    if let Some(x) = to.establishment.reference_estimate_msek
        && Some(x.to_bits()) != from.establishment.reference_estimate_msek.map(f64::to_bits)
    {
        set_number(&mut doc, "establishment.reference_estimate_msek", x)?;
    }
    set_number(
        &mut doc,
        "establishment.planned_months",
        to.establishment.planned_months,
    )?;
    set_number(
        &mut doc,
        "establishment.parallel_start_month",
        to.establishment.parallel_start_month,
    )?;
    // Without a joint organisation: every period by the own-costs key, and only the
    // alternative's risk areas.
    let (fa, ta) = (&from.allocation, &to.allocation);
    for (period, a, b) in [
        (
            "establishment_weights_pct",
            &fa.establishment_weights_pct,
            &ta.establishment_weights_pct,
        ),
        (
            "transition_weights_pct",
            &fa.transition_weights_pct,
            &ta.transition_weights_pct,
        ),
        (
            "full_effect_weights_pct",
            &fa.full_effect_weights_pct,
            &ta.full_effect_weights_pct,
        ),
    ] {
        if a != b {
            let mut t = InlineTable::new();
            for (k, w) in b {
                t.insert(k, Value::from(*w));
            }
            set_item(
                &mut doc,
                &format!("allocation.{period}"),
                Item::Value(Value::InlineTable(t)),
            )?;
        }
    }
    if let (Some(fr), Some(tr)) = (&from.risk_register, &to.risk_register) {
        for (i, (a, b)) in fr.risks.iter().zip(&tr.risks).enumerate() {
            for (case, x, y) in [("existing", &a.existing, &b.existing), ("new", &a.new, &b.new)] {
                if x.probability_pct.to_bits() != y.probability_pct.to_bits() {
                    set_number(
                        &mut doc,
                        &format!("risk_register.risks[{i}].{case}.probability_pct"),
                        y.probability_pct,
                    )?;
                }
            }
        }
    }
    doc.as_table_mut().remove("alternatives");
    Ok(doc.to_string())
}

/// The saved scenario: a header saying what changed and how to rerun it, then the text.
pub fn saved_text(base: &Base, e: &Edited, runs: u64, seed: u64) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "# Saved from the what-if page (riskkalkyl serve), on {}.", base.name);
    if e.changes.is_empty() {
        h.push_str("# Nothing changed against the opened scenario.\n");
    } else {
        h.push_str("# Changed against the opened scenario:\n");
        for c in &e.changes {
            let _ = writeln!(h, "#   {c}");
        }
    }
    let _ = writeln!(
        h,
        "# The page's figures: riskkalkyl --scenario THIS.toml run --runs {runs} --seed {seed}\n"
    );
    h + &e.text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        Base::new(models::DEFAULT_SCENARIO.to_string(), models::DEFAULT_SCENARIO_NAME).unwrap()
    }

    #[test]
    fn no_edit_is_the_opened_scenario_and_its_text() {
        let b = base();
        let e = apply(&b, &[], &Choices::default()).unwrap();
        assert_eq!(e.scenario, b.scenario);
        assert_eq!(e.text, b.text, "the document is written back unchanged");
        assert!(e.changes.is_empty());
    }

    #[test]
    fn an_edit_moves_that_parameter_only_and_keeps_the_comments() {
        let b = base();
        let path = "establishment.phases[2].duration_months.max";
        let e = apply(
            &b,
            &[Edit {
                path: path.into(),
                value: 30.0,
            }],
            &Choices::default(),
        )
        .unwrap();
        let mut want = b.scenario.clone();
        want.establishment.phases[2].duration_months = match want.establishment.phases[2].duration_months {
            sim::DistSpec::Pert {
                min,
                mode,
                shape,
                point,
                ..
            } => sim::DistSpec::Pert {
                min,
                mode,
                max: 30.0,
                shape,
                point,
            },
            ref other => panic!("the default's phase is a PERT, not {other:?}"),
        };
        assert_eq!(e.scenario, want);
        assert_eq!(e.text.lines().count(), b.text.lines().count());
        assert!(e.text.contains("# GGVV: joint IT operations"));
        assert_eq!(e.changes, [format!("{path}: 24 -> 30")]);
    }

    #[test]
    fn only_parameters_and_known_choices_are_editable() {
        let b = base();
        for path in [
            "meta.name",
            "establishment.phases[2].duration_months",
            "establishment.phases[9].duration_months.max",
            "x[0]]",
        ] {
            let r = apply(
                &b,
                &[Edit {
                    path: path.into(),
                    value: 1.0,
                }],
                &Choices::default(),
            )
            .unwrap_err();
            assert_eq!((r.status, r.path.as_str()), (422, path));
        }
        let c = Choices {
            key: Some("nope".into()),
            ..Choices::default()
        };
        assert_eq!(apply(&b, &[], &c).unwrap_err().path, "choices.key");
    }

    #[test]
    fn an_alternative_is_written_into_the_text() {
        let b = base();
        for a in &b.scenario.alternatives {
            let c = Choices {
                alternative: Some(a.name.clone()),
                ..Choices::default()
            };
            let e = apply(&b, &[], &c).unwrap();
            assert_eq!(e.scenario, models::alternatives::apply(&b.scenario, a), "{}", a.name);
        }
    }
}
