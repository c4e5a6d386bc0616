//! The scenario file: schema, loading and validation.
//!
//! Every field's unit is in its name. Loading never panics: a file that is not TOML, has an
//! unknown or missing field, a wrong type or an inconsistent value gives a [`ScenarioError`]
//! with the file, line:column, the field path and how to fix it.
//!
//! One module per section of the file; each section type checks itself (`check`), and
//! [`Scenario::validate`] runs the checks in file order, then the bounds on what a run can
//! produce ([`bounds`]). The uncertain inputs are declared once, in [`inputs::REGISTRY`].

mod alternative;
mod bounds;
mod correlation;
mod decision;
pub(crate) mod error;
mod establishment;
pub mod inputs;
mod kommuner;
mod risk;
mod savings;
pub mod workbook;
mod years;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

pub use alternative::{Alternative, OWN_COSTS_KEY};
pub use correlation::Correlation;
pub use decision::{DataCentre, DecisionSettings, Membership, Organisation};
pub(crate) use error::Problem;
use error::Problems;
pub use error::{FieldPath, ScenarioError, Seg};
pub use establishment::{Establishment, HeadlineView, OneOff, Phase};
pub use inputs::{InputDef, InputGroup, InputId, InputKind, InputLabel, REGISTRY};
pub use kommuner::{Allocation, Baseline, Category, Counterfactual, Key, Kommun};
pub use risk::{Mitigation, Risk, RiskCase, RiskRegister};
pub use savings::{Role, SavingPost, SavingsRamp, Staffing};
pub use years::{DEFAULT_TOTAL_LABEL, Finance, Meta, Years};

/// The embedded GGVV default scenario (models/scenarios/ggvv.toml).
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/ggvv.toml");
/// How the embedded scenario is named in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "<embedded ggvv.toml>";

/// Most years a scenario may span (base year to horizon): an absurd horizon is a typo.
pub const MAX_YEARS: i32 = 100;
/// Every year in a scenario lies in this range; it also keeps year arithmetic far from
/// integer overflow.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2300;
/// Largest scenario file read, bytes (the default is about 14 kB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Most kommuner in a scenario: Sweden has 290.
pub const MAX_KOMMUNER: usize = 300;
/// Most entries of any other list or table (categories, phases, one-off items, savings posts,
/// staffing roles, keys, growth rates): what a run allocates grows with these.
pub const MAX_ENTRIES: usize = 50;
/// Largest 2024 cost of one category in one kommun, tkr (100 000 MSEK).
pub const MAX_COST_TKR: f64 = 1e8;
/// Largest kommun volume (users, inhabitants, …); Sweden has 10.6 million inhabitants.
pub const MAX_VOLUME: f64 = 1e8;
/// Largest magnitude any money figure of a run may reach, MSEK. The statistics keep sums of
/// squares in 128-bit fixed point (sim::stats), exact for values up to this over 10^10 runs;
/// and a thousand times Sweden's GDP is a typo, not a scenario.
pub const MAX_OUTPUT_MSEK: f64 = 1e9;
/// Largest magnitude of any single money figure a file states (a cost, a valuation, a budget,
/// an actual spend), MSEK: a sixth of Sweden's GDP; beyond it a figure is a typo or a unit
/// mistake (tkr for MSEK), and sums of such figures stay far within [`MAX_OUTPUT_MSEK`].
pub const MAX_AMOUNT_MSEK: f64 = 1e6;
/// Longest establishment the drawn durations may give, months.
pub const MAX_ESTABLISHMENT_MONTHS: f64 = 1200.0;

/// A scenario as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub meta: Meta,
    pub years: Years,
    pub finance: Finance,
    pub growth_pct_per_year: BTreeMap<String, DistSpec>,
    pub categories: Vec<Category>,
    pub kommuner: Vec<Kommun>,
    pub keys: BTreeMap<String, Key>,
    pub baseline: Baseline,
    pub allocation: Allocation,
    pub establishment: Establishment,
    pub savings: Vec<SavingPost>,
    /// When the savings take effect; the förstudie's ramp when left out.
    #[serde(default, skip_serializing_if = "SavingsRamp::is_default")]
    pub savings_ramp: SavingsRamp,
    pub staffing: Staffing,
    /// What staying alone costs beyond today's cost; none when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterfactual: Option<Counterfactual>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Correlation>,
    /// Share of the savings potential captured, percent (100 for the case the förstudie costs).
    #[serde(default = "hundred", skip_serializing_if = "is_hundred")]
    pub savings_capture_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_register: Option<RiskRegister>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// Settings of the decision analyses (`keys`, `organisation`); optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionSettings>,
}

fn hundred() -> f64 {
    100.0
}

fn is_hundred(x: &f64) -> bool {
    *x == 100.0
}

/// Whether [`Scenario::problems`] checks the free texts: a variant derived by
/// [`crate::alternatives::apply`] has its base's texts, checked already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Texts {
    Check,
    Checked,
}

impl Scenario {
    /// The embedded GGVV default.
    pub fn default_ggvv() -> Scenario {
        Scenario::from_toml(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME).expect("the embedded scenario is valid (tested)")
    }

    /// Parse and validate scenario text; `file` names it in messages.
    pub fn from_toml(src: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let at = |(line, column): (usize, usize), path: &str, problem: String, hint: String| ScenarioError::File {
            file: file.to_string(),
            line,
            column,
            path: path.into(),
            problem,
            hint,
        };
        let whole = |problem: String, hint: &str| at((1, 1), "(file)", problem, hint.into());
        if src.len() as u64 > MAX_FILE_BYTES {
            return Err(whole(
                format!(
                    "the file has {} bytes, more than a scenario needs ({MAX_FILE_BYTES})",
                    src.len()
                ),
                "check that this is the scenario file (the default is about 14 kB)",
            ));
        }
        if src.trim().is_empty() {
            return Err(whole(
                "the file is empty".into(),
                "start from `riskkalkyl scenario show > my.toml` and edit it",
            ));
        }
        let doc = error::Spans::parse(src).map_err(|e| {
            at(
                e.span().map_or((1, 1), |s| error::line_col(src, s.start)),
                "(syntax)",
                format!("not valid TOML: {}", e.message().trim()),
                error::parse_hint(e.message()),
            )
        })?;
        let scenario: Scenario = toml::from_str(src).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let path = doc.path_at(&span);
            let path = if path.0.is_empty() {
                "(top level)".into()
            } else {
                path.to_string()
            };
            at(
                error::line_col(src, span.start),
                &path,
                e.message().trim().to_string(),
                error::parse_hint(e.message()),
            )
        })?;
        if let Some(p) = scenario.all_problems().into_iter().next() {
            return Err(at(doc.line_col_of(&p.path), &p.path, p.problem, p.hint));
        }
        Ok(scenario)
    }

    /// Read a file and validate it. I/O problems are reported like content problems.
    pub fn from_file(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
        Scenario::read(path).map(|(s, _)| s)
    }

    /// Read a file once and validate it: the scenario and the text it was read from (the
    /// report cites the text; a pipe such as `<(cat file)` cannot be read twice). The read is
    /// bounded in size, kind and time ([`crate::input_file`]).
    pub fn read(path: &std::path::Path) -> Result<(Scenario, String), ScenarioError> {
        let name = path.display().to_string();
        let whole = |(line, column): (usize, usize), problem: String, hint: &str| ScenarioError::File {
            file: name.clone(),
            line,
            column,
            path: "(file)".into(),
            problem,
            hint: hint.into(),
        };
        let bytes = crate::input_file::read_capped(path, MAX_FILE_BYTES).map_err(|e| {
            let hint = match e {
                crate::input_file::ReadError::TooLarge { .. } => {
                    "check that this is the scenario file (the default is about 14 kB)"
                }
                _ => e.hint(),
            };
            whole((1, 1), e.to_string(), hint)
        })?;
        let src = String::from_utf8(bytes).map_err(|e| {
            whole(
                error::line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to()),
                "the file is not UTF-8 text".into(),
                "save the scenario as UTF-8 text (a TOML file, not a binary or a spreadsheet)",
            )
        })?;
        let s = Scenario::from_toml(&src, &name)?;
        Ok((s, src))
    }

    /// Kommun names in file order.
    pub fn kommun_names(&self) -> Vec<String> {
        self.kommuner.iter().map(|k| k.name.clone()).collect()
    }

    /// Every uncertain input: its field path and spec, in a fixed order (the order of the
    /// sampled columns and of `--samples` files): that of [`Scenario::for_each_input_mut`].
    pub fn inputs(&self) -> Vec<(String, DistSpec)> {
        let mut v = Vec::new();
        self.clone().visit_inputs_mut(|id, d| v.push((id.path(), d.clone())));
        v
    }

    /// Visit every uncertain input mutably, with its field path (see [`inputs`]).
    pub fn for_each_input_mut(&mut self, mut f: impl FnMut(&str, &mut DistSpec)) {
        self.visit_inputs_mut(|id, d| f(&id.path(), d));
    }

    /// Check a scenario built in code (not read from a file): the same rules as loading; the
    /// error names the field path (there is no file to point into).
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match self.all_problems().into_iter().next() {
            None => Ok(()),
            Some(p) => Err(p.built()),
        }
    }

    /// Every problem of the sections, or if there are none, of the bounds, or if there are
    /// none, of the scenarios derived from this one.
    fn all_problems(&self) -> Vec<Problem> {
        let out = self.own_problems(Texts::Check);
        if !out.is_empty() {
            return out;
        }
        self.variant_problems()
    }

    /// The problems of this scenario alone (not of the variants its alternatives derive):
    /// those of the sections, or if there are none, of the bounds.
    fn own_problems(&self, texts: Texts) -> Vec<Problem> {
        let out = self.problems(texts);
        if !out.is_empty() {
            return out;
        }
        let mut out = Problems::default();
        self.check_bounds(&mut out);
        out.0
    }

    /// Check a scenario so it can be run: [`Scenario::validate`] without the variants of its
    /// alternatives, which are checked when an analysis derives them (for [`Model::new`],
    /// which every variant passes through; a scenario read from a file has had them checked).
    ///
    /// [`Model::new`]: crate::model::Model::new
    pub(crate) fn validate_runnable(&self) -> Result<(), ScenarioError> {
        match self.own_problems(Texts::Check).into_iter().next() {
            None => Ok(()),
            Some(p) => Err(p.built()),
        }
    }

    /// Every scenario a command derives from this one is valid too, so no command refuses
    /// later what `scenario check` accepted: each alternative applied
    /// ([`crate::alternatives::apply`], as `alternatives` and `report` do), and the risk
    /// register's case not selected (a decision may switch it). A variant's problem is put on
    /// the field of this file that causes it.
    fn variant_problems(&self) -> Vec<Problem> {
        if let Some(reg) = &self.risk_register {
            let mut v = self.clone();
            if let Some(r) = &mut v.risk_register {
                r.data_centre = if reg.case_name() == "new" { "existing" } else { "new" }.into();
            }
            v.alternatives.clear();
            let mut out = Problems::default();
            v.check_bounds(&mut out);
            if !out.is_empty() {
                return out.0;
            }
        }
        for (i, a) in self.alternatives.iter().enumerate() {
            // The break-even probe of `alternatives` runs the same variant at zero capture.
            for capture in [a.savings_capture_pct, 0.0] {
                let probe = alternative::Alternative {
                    savings_capture_pct: capture,
                    ..a.clone()
                };
                let v = crate::alternatives::apply(self, &probe);
                // `apply` changes numbers, not texts: those were checked on this scenario.
                if let Some(p) = v.own_problems(Texts::Checked).into_iter().next() {
                    let field = if p.path.contains("months") {
                        "planned_months"
                    } else if p.path.starts_with("allocation") || p.path.starts_with("risk_register") {
                        "joint_organisation"
                    } else if p.path.starts_with("savings") {
                        "savings_capture_pct"
                    } else {
                        "establishment_effort_pct"
                    };
                    return vec![Problem {
                        path: format!("alternatives[{i}].{field}"),
                        problem: format!(
                            "under alternative \"{}\" the scenario is not usable: {}: {}",
                            a.name, p.path, p.problem
                        ),
                        hint: format!("{}; or change the alternative's {field}", p.hint),
                    }];
                }
            }
        }
        Vec::new()
    }

    /// All validation problems of the sections, in file order as far as practical.
    fn problems(&self, texts: Texts) -> Vec<Problem> {
        let mut out = Problems::default();
        // Sizes first: everything after this, and every run, allocates in proportion to them.
        for (path, len, max) in [
            ("kommuner", self.kommuner.len(), MAX_KOMMUNER),
            ("categories", self.categories.len(), MAX_ENTRIES),
            ("growth_pct_per_year", self.growth_pct_per_year.len(), MAX_ENTRIES),
            ("keys", self.keys.len(), MAX_ENTRIES),
            ("establishment.phases", self.establishment.phases.len(), MAX_ENTRIES),
            ("establishment.one_off", self.establishment.one_off.len(), MAX_ENTRIES),
            ("savings", self.savings.len(), MAX_ENTRIES),
            ("staffing.roles", self.staffing.roles.len(), MAX_ENTRIES),
            ("alternatives", self.alternatives.len(), MAX_ENTRIES),
            (
                "risk_register.risks",
                self.risk_register.as_ref().map_or(0, |r| r.risks.len()),
                MAX_ENTRIES,
            ),
        ] {
            if len > max {
                out.bad(
                    path,
                    format!("{len} entries, more than the {max} a scenario may have"),
                    "merge entries or split the case into several scenarios",
                );
            }
        }
        if !out.is_empty() || !self.years.check_range(&mut out) {
            return out.0;
        }
        // Every number, selected or not, the same for every command.
        self.check_numbers(&mut out);
        if !out.is_empty() {
            return out.0;
        }
        let names = if texts == Texts::Check {
            self.display_names()
        } else {
            Vec::new()
        };
        for (path, name, max_chars) in names {
            if name.chars().count() > max_chars || name.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                out.bad(
                    path,
                    format!("text is longer than {max_chars} characters or holds control characters"),
                    "write plain text (control characters would garble the terminal and reports)",
                );
            }
        }
        self.meta.check(&mut out);
        self.years.check(&mut out);
        self.finance.check(&mut out);
        // Distributions: parameters, and for some fields their possible range.
        self.check_inputs(&mut out);
        if let Some(c) = &self.correlation {
            let example = InputId::single(InputKind::ReferenceClassOverrun).path();
            c.check(&self.inputs(), &example, &mut out);
        }
        let ids = kommuner::check_categories(&self.categories, &self.growth_pct_per_year, &mut out);
        let names = kommuner::check_kommuner(&self.kommuner, &ids, &mut out);
        for (name, key) in &self.keys {
            key.check(name, &names, &mut out);
        }
        self.baseline.check(&self.keys, &mut out);
        self.allocation.check(&self.keys, &mut out);
        self.establishment
            .check(&self.years, &self.growth_pct_per_year, &mut out);
        savings::check_shares(&self.savings, &self.staffing, &ids, &mut out);
        savings::check_capture("savings_capture_pct".into(), self.savings_capture_pct, &mut out);
        self.savings_ramp.check(&mut out);
        if let Some(reg) = &self.risk_register {
            reg.check(&mut out);
        }
        for (i, a) in self.alternatives.iter().enumerate() {
            a.check(i, &mut out);
        }
        self.staffing.check(&mut out);
        if let Some(c) = &self.counterfactual {
            c.check(&self.growth_pct_per_year, &mut out);
        }
        if let Some(d) = &self.decision {
            d.check(&self.keys, &names, &self.years, &mut out);
        }
        out.0
    }

    /// Every free text of the scenario with its path and the longest it may be.
    fn display_names(&self) -> Vec<(String, &str, usize)> {
        let mut v: Vec<(String, &str, usize)> = vec![("meta.name".into(), &self.meta.name, 200)];
        if let Some(d) = &self.meta.description {
            v.push(("meta.description".into(), d, 4000));
        }
        for (i, c) in self.categories.iter().enumerate() {
            v.push((format!("categories[{i}].name"), &c.name, 200));
            if let Some(n) = &c.name_en {
                v.push((format!("categories[{i}].name_en"), n, 200));
            }
            v.push((format!("categories[{i}].id"), &c.id, 64));
        }
        for (name, k) in &self.keys {
            v.push((format!("keys.{name}"), name, 64));
            if let Some(d) = &k.description {
                v.push((format!("keys.{name}.description"), d, 4000));
            }
            if let Some(d) = &k.description_en {
                v.push((format!("keys.{name}.description_en"), d, 4000));
            }
        }
        for name in self.growth_pct_per_year.keys() {
            v.push((InputId::growth(name).path(), name, 64));
        }
        for (i, p) in self.establishment.phases.iter().enumerate() {
            v.push((format!("establishment.phases[{i}].name"), &p.name, 200));
            if let Some(n) = &p.name_en {
                v.push((format!("establishment.phases[{i}].name_en"), n, 200));
            }
        }
        for (i, o) in self.establishment.one_off.iter().enumerate() {
            v.push((format!("establishment.one_off[{i}].name"), &o.name, 200));
            if let Some(n) = &o.name_en {
                v.push((format!("establishment.one_off[{i}].name_en"), n, 200));
            }
        }
        for (i, p) in self.savings.iter().enumerate() {
            v.push((format!("savings[{i}].name"), &p.name, 200));
            if let Some(n) = &p.name_en {
                v.push((format!("savings[{i}].name_en"), n, 200));
            }
        }
        for (i, r) in self.staffing.roles.iter().enumerate() {
            v.push((format!("staffing.roles[{i}].name"), &r.name, 200));
            if let Some(n) = &r.name_en {
                v.push((format!("staffing.roles[{i}].name_en"), n, 200));
            }
        }
        if let Some(reg) = &self.risk_register {
            for (i, r) in reg.risks.iter().enumerate() {
                let at = format!("risk_register.risks[{i}]");
                v.push((format!("{at}.area"), &r.area, 200));
                if let Some(n) = &r.area_en {
                    v.push((format!("{at}.area_en"), n, 200));
                }
                v.push((format!("{at}.existing.description"), &r.existing.description, 4000));
                v.push((format!("{at}.new.description"), &r.new.description, 4000));
                v.push((format!("{at}.mitigation.description"), &r.mitigation.description, 4000));
            }
        }
        for (i, a) in self.alternatives.iter().enumerate() {
            let at = format!("alternatives[{i}]");
            v.push((format!("{at}.name"), &a.name, 200));
            v.push((format!("{at}.seed_wording"), &a.seed_wording, 4000));
            v.push((format!("{at}.reversibility"), &a.reversibility, 4000));
            for (j, area) in a.risk_areas.iter().enumerate() {
                v.push((format!("{at}.risk_areas[{j}]"), area, 200));
            }
        }
        if let Some(m) = self.decision.as_ref().and_then(|d| d.membership.as_ref()) {
            v.push(("decision.membership.entrant_name".into(), &m.entrant_name, 200));
        }
        v
    }
}

/// `s` with its first letter in lower case (a name put inside a sentence).
pub fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_lowercase().chain(c).collect())
}

/// A scenario item's name in a report language: `name_en` in English when the file gives it,
/// else the name as written (the scenario's own language, Swedish for GGVV).
pub fn name_in<'a>(name: &'a str, name_en: &'a Option<String>, en: bool) -> &'a str {
    match name_en {
        Some(n) if en => n,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_is_valid() {
        let s = Scenario::default_ggvv();
        assert_eq!(s.kommun_names(), ["Gislaved", "Gnosjö", "Vaggeryd", "Värnamo"]);
    }

    fn broken(from: &str, to: &str) -> ScenarioError {
        assert!(DEFAULT_SCENARIO.contains(from), "{from}");
        Scenario::from_toml(&DEFAULT_SCENARIO.replacen(from, to, 1), "t.toml").unwrap_err()
    }

    /// An alternative whose applied scenario no command could run is refused at load, located
    /// on the alternative's field (it used to load and fail later in `alternatives`).
    #[test]
    fn alternative_with_zero_effort_is_refused_at_load_with_its_line() {
        let e = broken("establishment_effort_pct = 25.0", "establishment_effort_pct = 0.0");
        let (file, line, _) = e.location().expect("located");
        assert_eq!(file, "t.toml");
        assert!(line > 1, "{e}");
        assert!(
            e.to_string().contains("alternatives[0].establishment_effort_pct"),
            "{e}"
        );
    }

    #[test]
    fn text_with_control_characters_or_too_long_is_refused_with_its_path() {
        // A risk area's English name with an escape sequence (it would reach the terminal).
        let e = broken("area_en = \"IT security\"", "area_en = \"IT \\u001b[31msecurity\"");
        assert!(e.path().ends_with("].area_en"), "{e}");
        assert!(e.problem().contains("control characters"), "{e}");
        assert!(e.to_string().contains("fix:"), "{e}");
        // A savings post's name over 200 characters.
        let long = "x".repeat(201);
        let e = broken("name = \"Licensoptimering\"", &format!("name = \"{long}\""));
        assert_eq!(e.path(), "savings[1].name", "{e}");
        // A description may hold a line break.
        assert!(
            Scenario::from_toml(
                &DEFAULT_SCENARIO.replacen(
                    "description = \"Risk för otydligt ansvar",
                    "description = \"Rad ett.\\nRisk för otydligt ansvar",
                    1
                ),
                "t.toml"
            )
            .is_ok()
        );
    }

    #[test]
    fn more_entries_than_a_scenario_may_have_are_refused_before_anything_else() {
        let mut s = Scenario::default_ggvv();
        let reg = s.risk_register.as_mut().unwrap();
        let one = reg.risks[0].clone();
        reg.risks.resize(MAX_ENTRIES + 1, one);
        let problems = s.all_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "risk_register.risks", "{problems:?}");
        assert!(problems[0].problem.contains("51 entries"), "{problems:?}");
        let mut s = Scenario::default_ggvv();
        s.risk_register.as_mut().unwrap().risks.truncate(MAX_ENTRIES);
        let a = s.alternatives[0].clone();
        s.alternatives.resize(MAX_ENTRIES + 1, a);
        let problems = s.all_problems();
        assert!(problems.iter().any(|p| p.path == "alternatives"), "{problems:?}");
    }

    #[test]
    fn errors_point_at_the_field() {
        let e = broken("name = \"Gnosjö\"", "name = \"Gislaved\"");
        assert_eq!(e.path(), "kommuner[1].name");
        let line = DEFAULT_SCENARIO
            .lines()
            .position(|l| l.contains("name = \"Gnosjö\""))
            .unwrap()
            + 1;
        assert_eq!(e.location().unwrap().1, line);

        let e = broken("Gislaved = 31.546", "Gislaved = 35.546");
        assert!(e.path().starts_with("keys.cost_share.shares_pct"), "{e}");
        assert!(e.problem().contains("sum"), "{e}");

        let e = broken(
            "min = 12.0, mode = 18.0, max = 24.0",
            "min = 12.0, mode = 28.0, max = 24.0",
        );
        assert_eq!(e.path(), "establishment.phases[2].duration_months.mode");

        let e = broken("planned_months = 36", "planned_months = 36\nplaned = 3");
        assert!(e.problem().contains("unknown field"), "{e}");
        assert_eq!(e.path(), "establishment.planed");
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn correlation_errors_point_at_the_entry() {
        let e = broken(
            "  \"savings[2].rate_pct\",                           # 8",
            "  \"savings[2].rate_percent\",                       # 8",
        );
        assert_eq!(e.path(), "correlation.inputs[8]");
        assert!(e.problem().contains("not an uncertain input"), "{e}");
        assert!(e.hint().contains("savings[2].rate_pct"), "{e}");
        assert_eq!(
            e.location().unwrap().1,
            line_of(DEFAULT_SCENARIO, "\"savings[2].rate_pct\",  ")
        );

        // Asymmetric: [3][4] = 0.5 but [4][3] changed.
        let e = broken(
            "[0.0, 0.0, 0.0, 0.5, 1.0, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0], # 4",
            "[0.0, 0.0, 0.0, 0.6, 1.0, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0], # 4",
        );
        assert_eq!(e.path(), "correlation.matrix[4][3]");
        assert!(e.problem().contains("differs"), "{e}");
        assert_eq!(
            e.location().unwrap().1,
            line_of(DEFAULT_SCENARIO, "# 4 migration phase duration")
        );

        let e = broken(
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
        );
        assert_eq!(e.path(), "correlation.matrix[0]");

        let e = broken(
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
            "[1.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
        );
        assert_eq!(e.path(), "correlation.matrix[0][1]");
    }

    /// Three inputs that cannot be correlated so: a~b 0.9, b~c 0.9, a~c −0.9.
    const NOT_PSD: &str = r#"
[correlation]
inputs = ["establishment.one_off[0].amount_msek", "establishment.reference_class_overrun_pct", "establishment.phases[2].duration_months"]
matrix = [
  [1.0, 0.9, -0.9],
  [0.9, 1.0, 0.9],
  [-0.9, 0.9, 1.0],
]
"#;

    #[test]
    fn a_matrix_that_is_not_psd_is_refused_unless_repair_is_asked() {
        let head = &DEFAULT_SCENARIO[..DEFAULT_SCENARIO.find("[correlation]").unwrap()];
        let text = format!("{head}{NOT_PSD}");
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert_eq!(e.path(), "correlation.matrix");
        assert!(e.problem().contains("not positive semi-definite"), "{e}");
        assert!(e.hint().contains("repair = true"), "{e}");
        assert_eq!(e.location().unwrap().1, line_of(&text, "matrix = ["));
        let repaired = text.replace("matrix = [", "repair = true\nmatrix = [");
        let s = Scenario::from_toml(&repaired, "t.toml").unwrap();
        let m = crate::Model::new(&s).unwrap();
        let r = m.correlation().unwrap().0.repair().unwrap();
        assert!(r.frobenius > 0.0);
    }

    #[test]
    fn a_fixed_input_cannot_be_correlated_and_names_are_unique() {
        let text = DEFAULT_SCENARIO.replace(
            "parallel_running_msek_per_year = { dist = \"pert\", min = 4.5, mode = 6.3, max = 8.1 }",
            "parallel_running_msek_per_year = { dist = \"fixed\", value = 6.3 }",
        );
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert_eq!(e.path(), "correlation.inputs[2]");
        let text = DEFAULT_SCENARIO.replace("\"growth_pct_per_year.low\",  ", "\"growth_pct_per_year.high\", ");
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert_eq!(e.path(), "correlation.inputs[1]");
        assert!(e.problem().contains("twice"), "{e}");
    }

    #[test]
    fn path_round_trip() {
        let p = FieldPath::parse("establishment.phases[2].duration_months.max");
        assert_eq!(p.to_string(), "establishment.phases[2].duration_months.max");
        assert_eq!(
            FieldPath::parse("keys.cost_share.shares_pct.\"Gnosjö\"").to_string(),
            "keys.cost_share.shares_pct.\"Gnosjö\""
        );
    }
}
