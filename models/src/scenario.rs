//! The scenario file: schema, loading and validation.
//!
//! Every field's unit is in its name. Loading never panics: a file that is not TOML, has an
//! unknown or missing field, a wrong type or an inconsistent value gives a [`ScenarioError`]
//! with the file, line:column, the field path and how to fix it.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use sim::DistSpec;
use sim::dist::Input;
use toml::de::{DeTable, DeValue};

/// The embedded GGVV default scenario (models/scenarios/ggvv.toml).
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/ggvv.toml");
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
/// Longest establishment the drawn durations may give, months.
pub const MAX_ESTABLISHMENT_MONTHS: f64 = 1200.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Years {
    /// The year of the cost table.
    pub base_year: i32,
    /// Establishment starts in January of this year.
    pub start_year: i32,
    /// Last year of the appraisal.
    pub horizon_year: i32,
    /// Net benefit is discounted to this year.
    pub npv_base_year: i32,
    /// The `tables` command prints up to this year.
    pub tables_last_year: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    pub discount_rate_pct: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_msek: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// Name of a rate in `[growth_pct_per_year]`.
    pub growth: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kommun {
    pub name: String,
    pub users: f64,
    pub inhabitants: f64,
    pub employees: f64,
    pub pcs: f64,
    pub servers: f64,
    pub network_units: f64,
    pub it_staff_fte: f64,
    /// 2024 cost per category id, thousand SEK.
    pub cost_2024_tkr: BTreeMap<String, f64>,
}

impl Kommun {
    /// A volume by name, for staffing ratios.
    pub fn volume(&self, name: &str) -> Option<f64> {
        Some(match name {
            "users" => self.users,
            "inhabitants" => self.inhabitants,
            "employees" => self.employees,
            "pcs" => self.pcs,
            "servers" => self.servers,
            "network_units" => self.network_units,
            "it_staff_fte" => self.it_staff_fte,
            _ => return None,
        })
    }
}

const VOLUME_NAMES: [&str; 7] = [
    "users",
    "inhabitants",
    "employees",
    "pcs",
    "servers",
    "network_units",
    "it_staff_fte",
];
const VOLUMES: &str = "users, inhabitants, employees, pcs, servers, network_units, it_staff_fte";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Share per kommun name, percent; sums to 100.
    pub shares_pct: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// A key name, or "own_costs".
    pub split: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub establishment_weights_pct: BTreeMap<String, f64>,
    pub transition_weights_pct: BTreeMap<String, f64>,
    pub full_effect_weights_pct: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub internal_hours: f64,
    pub external_hours: f64,
    pub planned_year: i32,
    pub duration_months: DistSpec,
    pub migration: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOff {
    pub name: String,
    pub amount_msek: DistSpec,
    pub migration: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Establishment {
    pub planned_months: f64,
    pub project_labour_msek: DistSpec,
    pub parallel_running_msek_per_year: DistSpec,
    pub parallel_price_year: i32,
    pub parallel_growth: String,
    pub parallel_start_month: f64,
    pub schedule_overrun_pct: DistSpec,
    pub migration_overrun_pct: DistSpec,
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub one_off: Vec<OneOff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingPost {
    pub name: String,
    pub rate_pct: DistSpec,
    /// Share of each category (by id) the post works on, percent.
    pub applies_to_pct: BTreeMap<String, f64>,
}

/// When the savings take effect after migration ends. Left out of a file, the förstudie's
/// ramp (seed 000 4.4: half effect 2030 and full effect from 2031, migration ending 2029).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavingsRamp {
    /// Share of the full saving realised in the months right after migration ends, percent.
    pub half_effect_pct: f64,
    /// How long that share holds, months from the end of migration; the full saving after.
    pub half_effect_months: f64,
    /// Years after the year migration ends in from which the full-effect allocation key applies
    /// and the saving share at full effect is measured; the years between take the transition
    /// key. At least 1.
    pub full_effect_years_after_migration: u32,
}

impl Default for SavingsRamp {
    fn default() -> Self {
        SavingsRamp {
            half_effect_pct: 50.0,
            half_effect_months: 12.0,
            full_effect_years_after_migration: 2,
        }
    }
}

impl SavingsRamp {
    fn is_default(&self) -> bool {
        *self == SavingsRamp::default()
    }

    /// Report each value out of range to `bad(path, problem, hint)`.
    fn check(&self, bad: &mut impl FnMut(String, String, &str)) {
        if !(0.0..=100.0).contains(&self.half_effect_pct) {
            bad(
                "savings_ramp.half_effect_pct".into(),
                format!("{} % lies outside 0..100", self.half_effect_pct),
                "give the share of the full saving realised during the ramp, 0..100 (the förstudie: 50)",
            );
        }
        if !(0.0..=MAX_ESTABLISHMENT_MONTHS).contains(&self.half_effect_months) {
            bad(
                "savings_ramp.half_effect_months".into(),
                format!(
                    "{} months lies outside 0..{MAX_ESTABLISHMENT_MONTHS}",
                    self.half_effect_months
                ),
                "give the months at half effect after migration ends (the förstudie: 12)",
            );
        }
        let years = self.full_effect_years_after_migration;
        if !(1..=MAX_YEARS as u32).contains(&years) {
            bad(
                "savings_ramp.full_effect_years_after_migration".into(),
                format!("{years} lies outside 1..{MAX_YEARS}"),
                "give the years after the migration-end year from which full effect counts (the förstudie: 2)",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// A kommun volume: users, inhabitants, employees, pcs, servers, network_units.
    pub volume: String,
    /// Volume served per FTE.
    pub per_fte: DistSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staffing {
    pub today_fte: f64,
    pub managers_fte: f64,
    pub strategic_fte: DistSpec,
    pub applies_to_pct: BTreeMap<String, f64>,
    pub roles: Vec<Role>,
}

/// One case (existing or new data centre) of a risk in the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCase {
    /// The seed's description of the risk in this case.
    pub description: String,
    pub probability_pct: f64,
    /// Extra establishment cost if the risk occurs, MSEK.
    pub cost_msek: DistSpec,
    /// Delay of the establishment if the risk occurs, months (moves the savings ramp).
    pub delay_months: DistSpec,
}

/// A mitigation: its cost and how it lowers the risk's probability and impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    pub description: String,
    pub cost_msek: f64,
    /// The probability becomes this percent of what it was.
    pub probability_factor_pct: f64,
    /// Cost and delay impacts become this percent of what they were.
    pub impact_factor_pct: f64,
    /// Whether the scenario applies the mitigation.
    #[serde(default)]
    pub applied: bool,
}

fn occurs_default() -> DistSpec {
    DistSpec::Uniform {
        min: 0.0,
        max: 1.0,
        point: Some(1.0),
    }
}

/// A risk of the register (seed 004 risk and vulnerability analysis).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub area: String,
    pub existing: RiskCase,
    pub new: RiskCase,
    pub mitigation: Mitigation,
    /// The draw that decides occurrence (the risk occurs when it is below the probability);
    /// one uniform per risk keeps draws common when a mitigation changes the probability.
    #[serde(default = "occurs_default", skip_serializing)]
    pub occurs: DistSpec,
}

/// The risk register: which data-centre case applies, and the risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRegister {
    /// "existing" or "new".
    pub data_centre: String,
    pub risks: Vec<Risk>,
}

impl Risk {
    /// The case the register's data-centre choice selects.
    pub fn case(&self, data_centre: &str) -> &RiskCase {
        if data_centre == "new" {
            &self.new
        } else {
            &self.existing
        }
    }
}

/// An alternative way to organise the cooperation (seed 001 3.2), as changes to the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    pub name: String,
    /// The seed's wording of the alternative.
    pub seed_wording: String,
    /// Share of the savings potential the alternative captures, percent.
    pub savings_capture_pct: f64,
    /// Establishment effort (project labour, parallel running, one-off items) as a percent of
    /// the default's.
    pub establishment_effort_pct: f64,
    /// Planned establishment duration, months.
    pub planned_months: f64,
    /// How easily it is reversed (text, for the report).
    pub reversibility: String,
}

/// Rank correlation between uncertain inputs (Spearman), imposed with the Iman–Conover method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correlation {
    /// The correlated inputs by field path, as [`Scenario::inputs`] names them (e.g.
    /// `establishment.migration_overrun_pct`), in the order of the matrix rows.
    pub inputs: Vec<String>,
    /// Spearman rank correlations, one row per input: symmetric, unit diagonal, positive
    /// semi-definite.
    pub matrix: Vec<Vec<f64>>,
    /// Replace a matrix that is not positive semi-definite by the nearest one (Higham 2002)
    /// instead of refusing it; the run reports how far it moved.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repair: bool,
}

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
    pub decision: Option<crate::decision::DecisionSettings>,
}

fn hundred() -> f64 {
    100.0
}

fn is_hundred(x: &f64) -> bool {
    *x == 100.0
}

/// A field path such as `establishment.phases[2].duration_months.max`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl FieldPath {
    pub fn parse(s: &str) -> FieldPath {
        let mut segs = Vec::new();
        for part in s.split('.') {
            let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
            if !key.is_empty() {
                segs.push(Seg::Key(key.trim_matches('"').to_string()));
            }
            for idx in rest.split('[') {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    segs.push(Seg::Index(i));
                }
            }
        }
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !k.is_empty() {
                        f.write_str(k)?;
                    } else {
                        write!(f, "\"{k}\"")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Why a scenario was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {path}: {problem}\n  fix: {hint}")]
pub struct ScenarioError {
    pub file: String,
    /// 1-based line and column of the offending value (of the whole file when unknown).
    pub line: usize,
    pub column: usize,
    /// Field path, or `(file)` for problems with the file as a whole.
    pub path: String,
    pub problem: String,
    pub hint: String,
}

/// A problem found by validation, before it is located in the file.
#[derive(Debug, Clone)]
struct Problem {
    path: String,
    problem: String,
    hint: String,
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// The span of the value at `path` in the parsed document, or of its deepest existing parent.
fn span_of(doc: &toml::Spanned<DeValue<'_>>, path: &FieldPath) -> Range<usize> {
    let mut node = doc;
    for seg in &path.0 {
        let next = match seg {
            Seg::Key(k) => node.get_ref().get(k.as_str()),
            Seg::Index(i) => node.get_ref().get(*i),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.span()
}

/// The path of the value an error at `span` belongs to: at each level the entry that starts
/// last at or before the error (table bodies written under a `[header]` have no span of their
/// own that covers them, so containment alone does not work).
fn path_at(doc: &toml::Spanned<DeValue<'_>>, span: &Range<usize>) -> FieldPath {
    let pos = span.start;
    let mut path = Vec::new();
    let mut node = doc;
    loop {
        let next = match node.get_ref() {
            DeValue::Table(t) => t
                .iter()
                .map(|(k, v)| (k.span().start.min(v.span().start), Seg::Key(k.get_ref().to_string()), v))
                .filter(|(start, _, _)| *start <= pos)
                .max_by_key(|(start, _, _)| *start),
            DeValue::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (v.span().start, Seg::Index(i), v))
                .filter(|(start, _, _)| *start <= pos)
                .max_by_key(|(start, _, _)| *start),
            _ => None,
        };
        match next {
            Some((_, seg, v)) => {
                path.push(seg);
                node = v;
            }
            None => return FieldPath(path),
        }
    }
}

/// A hint for a serde message from the TOML deserialiser.
fn parse_hint(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the field or correct its spelling (the message lists the accepted names)".into()
    } else if message.contains("missing field") {
        "add the field; `riskkalkyl scenario show` prints a complete example".into()
    } else if message.contains("unknown variant") {
        "use one of the names the message lists".into()
    } else if message.contains("invalid type") {
        "write the value with the type the message expects (a number, a string in quotes, a table)".into()
    } else {
        "correct the TOML syntax at this place; `riskkalkyl scenario show` prints a valid example".into()
    }
}

/// The range an input stays in: its bounds, or for an unbounded distribution the values it
/// passes with probability below 10⁻¹⁵ per draw (8 standard deviations of the normal or of
/// the lognormal's logarithm). A distribution without a known tail counts with a thousand
/// times its point value. The run refuses any draw that still leads past the output limit.
fn far_range(spec: &DistSpec, i: &Input) -> (f64, f64) {
    const Z: f64 = 8.0;
    let (lo, hi) = match (spec, &i.dist) {
        (DistSpec::Normal { mean, sd, .. }, _) => (mean - Z * sd, mean + Z * sd),
        (_, sim::dist::Dist::Lognormal { mu, sigma, .. }) => (0.0, (mu + Z * sigma).exp()),
        _ => (-i.point.abs().max(1.0) * 1e3, i.point.abs().max(1.0) * 1e3),
    };
    (
        if i.lo.is_finite() { i.lo } else { lo },
        if i.hi.is_finite() { i.hi } else { hi },
    )
}

impl Scenario {
    /// The embedded GGVV default.
    pub fn default_ggvv() -> Scenario {
        Scenario::from_toml(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME).expect("the embedded scenario is valid (tested)")
    }

    /// Parse and validate scenario text; `file` names it in messages.
    pub fn from_toml(src: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let whole = |problem: String, hint: &str| ScenarioError {
            file: file.to_string(),
            line: 1,
            column: 1,
            path: "(file)".into(),
            problem,
            hint: hint.into(),
        };
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
        let doc = DeTable::parse(src).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_col(src, s.start));
            ScenarioError {
                file: file.to_string(),
                line,
                column,
                path: "(syntax)".into(),
                problem: format!("not valid TOML: {}", e.message().trim()),
                hint: parse_hint(e.message()),
            }
        })?;
        let span = doc.span();
        let doc = toml::Spanned::new(span, DeValue::Table(doc.into_inner()));
        let scenario: Scenario = toml::from_str(src).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let (line, column) = line_col(src, span.start);
            let path = path_at(&doc, &span);
            ScenarioError {
                file: file.to_string(),
                line,
                column,
                path: if path.0.is_empty() {
                    "(top level)".into()
                } else {
                    path.to_string()
                },
                problem: e.message().trim().to_string(),
                hint: parse_hint(e.message()),
            }
        })?;
        if let Some(p) = scenario.all_problems().into_iter().next() {
            let fp = FieldPath::parse(&p.path);
            let (line, column) = line_col(src, span_of(&doc, &fp).start);
            return Err(ScenarioError {
                file: file.to_string(),
                line,
                column,
                path: p.path,
                problem: p.problem,
                hint: p.hint,
            });
        }
        Ok(scenario)
    }

    /// Read a file and validate it. I/O problems are reported like content problems.
    pub fn from_file(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
        let name = path.display().to_string();
        let unreadable = |e: std::io::Error| ScenarioError {
            file: name.clone(),
            line: 1,
            column: 1,
            path: "(file)".into(),
            problem: format!("cannot read the file: {e}"),
            hint: "check the path and that the file is readable".into(),
        };
        // Read at most one byte past the limit: a device or a huge file is not slurped whole.
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::fs::File::open(path).map_err(unreadable)?, MAX_FILE_BYTES + 1),
            &mut bytes,
        )
        .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ScenarioError {
                file: name.clone(),
                line: 1,
                column: 1,
                path: "(file)".into(),
                problem: format!("the file is larger than {MAX_FILE_BYTES} bytes, more than a scenario needs"),
                hint: "check that this is the scenario file (the default is about 14 kB)".into(),
            });
        }
        let src = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
            ScenarioError {
                file: name.clone(),
                line,
                column,
                path: "(file)".into(),
                problem: "the file is not UTF-8 text".into(),
                hint: "save the scenario as UTF-8 text (a TOML file, not a binary or a spreadsheet)".into(),
            }
        })?;
        Scenario::from_toml(&src, &name)
    }

    /// Kommun names in file order.
    pub fn kommun_names(&self) -> Vec<String> {
        self.kommuner.iter().map(|k| k.name.clone()).collect()
    }

    /// Every uncertain input: its field path and spec, in a fixed order (the order of the
    /// sampled columns and of `--samples` files): that of [`Scenario::for_each_input_mut`].
    pub fn inputs(&self) -> Vec<(String, DistSpec)> {
        let mut v = Vec::new();
        self.clone()
            .for_each_input_mut(|name, d| v.push((name.to_string(), d.clone())));
        v
    }

    /// Visit every uncertain input mutably, with its field path.
    pub fn for_each_input_mut(&mut self, mut f: impl FnMut(&str, &mut DistSpec)) {
        for (name, d) in self.growth_pct_per_year.iter_mut() {
            f(&format!("growth_pct_per_year.{name}"), d);
        }
        let e = &mut self.establishment;
        f("establishment.project_labour_msek", &mut e.project_labour_msek);
        f(
            "establishment.parallel_running_msek_per_year",
            &mut e.parallel_running_msek_per_year,
        );
        f("establishment.schedule_overrun_pct", &mut e.schedule_overrun_pct);
        f("establishment.migration_overrun_pct", &mut e.migration_overrun_pct);
        for (i, p) in e.phases.iter_mut().enumerate() {
            f(
                &format!("establishment.phases[{i}].duration_months"),
                &mut p.duration_months,
            );
        }
        for (i, o) in e.one_off.iter_mut().enumerate() {
            f(&format!("establishment.one_off[{i}].amount_msek"), &mut o.amount_msek);
        }
        for (i, s) in self.savings.iter_mut().enumerate() {
            f(&format!("savings[{i}].rate_pct"), &mut s.rate_pct);
        }
        f("staffing.strategic_fte", &mut self.staffing.strategic_fte);
        for (i, r) in self.staffing.roles.iter_mut().enumerate() {
            f(&format!("staffing.roles[{i}].per_fte"), &mut r.per_fte);
        }
        if let Some(reg) = &mut self.risk_register {
            let case = if reg.data_centre == "new" { "new" } else { "existing" };
            for (i, r) in reg.risks.iter_mut().enumerate() {
                f(&format!("risk_register.risks[{i}].occurs"), &mut r.occurs);
                let c = if case == "new" { &mut r.new } else { &mut r.existing };
                f(&format!("risk_register.risks[{i}].{case}.cost_msek"), &mut c.cost_msek);
                f(
                    &format!("risk_register.risks[{i}].{case}.delay_months"),
                    &mut c.delay_months,
                );
            }
        }
    }

    /// The correlation section's problems: names, then the matrix.
    fn correlation_problems(&self, c: &Correlation, bad: &mut impl FnMut(String, String, &str)) {
        use sim::correlation::{CorrelationError as E, RankCorrelation};
        let inputs = self.inputs();
        let mut ok = true;
        for (i, name) in c.inputs.iter().enumerate() {
            match inputs.iter().find(|(n, _)| n == name) {
                None => {
                    ok = false;
                    let near: Vec<&str> = inputs
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .filter(|n| name.split('.').next().is_some_and(|head| n.starts_with(head)))
                        .take(6)
                        .collect();
                    let hint = if near.is_empty() {
                        "name an uncertain input by its field path, e.g. \"establishment.migration_overrun_pct\""
                            .to_string()
                    } else {
                        format!(
                            "name an uncertain input by its field path, e.g. one of: {}",
                            near.join(", ")
                        )
                    };
                    bad(
                        format!("correlation.inputs[{i}]"),
                        format!("\"{name}\" is not an uncertain input of this scenario"),
                        &hint,
                    );
                }
                Some((_, DistSpec::Fixed { .. })) => {
                    ok = false;
                    bad(
                        format!("correlation.inputs[{i}]"),
                        format!("\"{name}\" is a fixed value: it cannot be correlated"),
                        "remove it from the correlation, or give it a distribution",
                    );
                }
                Some(_) => {}
            }
            if c.inputs[..i].contains(name) {
                ok = false;
                bad(
                    format!("correlation.inputs[{i}]"),
                    format!("\"{name}\" is listed twice"),
                    "list each input once",
                );
            }
        }
        if !ok {
            return;
        }
        if c.matrix.len() != c.inputs.len() {
            bad(
                "correlation.matrix".into(),
                format!("{} rows for {} inputs", c.matrix.len(), c.inputs.len()),
                "give one row per input, in the order of correlation.inputs",
            );
            return;
        }
        if let Err(e) = RankCorrelation::new(&c.matrix, c.repair) {
            let (path, hint) = match &e {
                E::Rows { .. } => (
                    "correlation.matrix".to_string(),
                    "give one row per input, in the order of correlation.inputs",
                ),
                E::Row { row, .. } => (
                    format!("correlation.matrix[{row}]"),
                    "give each row one entry per input",
                ),
                E::Range { row, col, .. } => (
                    format!("correlation.matrix[{row}][{col}]"),
                    "a rank correlation lies between -1 and 1",
                ),
                E::Diagonal { row, .. } => (
                    format!("correlation.matrix[{row}][{row}]"),
                    "an input correlates 1.0 with itself: write 1.0 on the diagonal",
                ),
                E::Asymmetric { row, col, .. } => (
                    format!("correlation.matrix[{row}][{col}]"),
                    "the matrix must be symmetric: write the same value at [i][j] and [j][i]",
                ),
                E::NotPsd { .. } => (
                    "correlation.matrix".to_string(),
                    "weaken the strongest correlations (some of them contradict each other), or set repair = true to use the nearest valid matrix",
                ),
            };
            bad(path, e.to_string(), hint);
        }
    }

    /// Check a scenario built in code (not read from a file): the same rules as loading.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match self.all_problems().into_iter().next() {
            None => Ok(()),
            Some(p) => Err(ScenarioError {
                file: "(scenario)".into(),
                line: 0,
                column: 0,
                path: p.path,
                problem: p.problem,
                hint: p.hint,
            }),
        }
    }

    fn all_problems(&self) -> Vec<Problem> {
        let out = self.problems();
        if out.is_empty() { self.bound_problems() } else { out }
    }

    /// Every free text of the scenario with its path and the longest it may be.
    fn display_names(&self) -> Vec<(String, &str, usize)> {
        let mut v: Vec<(String, &str, usize)> = vec![("meta.name".into(), &self.meta.name, 200)];
        if let Some(d) = &self.meta.description {
            v.push(("meta.description".into(), d, 4000));
        }
        for (i, c) in self.categories.iter().enumerate() {
            v.push((format!("categories[{i}].name"), &c.name, 200));
            v.push((format!("categories[{i}].id"), &c.id, 64));
        }
        for (name, k) in &self.keys {
            v.push((format!("keys.{name}"), name, 64));
            if let Some(d) = &k.description {
                v.push((format!("keys.{name}.description"), d, 4000));
            }
        }
        for name in self.growth_pct_per_year.keys() {
            v.push((format!("growth_pct_per_year.{name}"), name, 64));
        }
        for (i, p) in self.establishment.phases.iter().enumerate() {
            v.push((format!("establishment.phases[{i}].name"), &p.name, 200));
        }
        for (i, o) in self.establishment.one_off.iter().enumerate() {
            v.push((format!("establishment.one_off[{i}].name"), &o.name, 200));
        }
        for (i, p) in self.savings.iter().enumerate() {
            v.push((format!("savings[{i}].name"), &p.name, 200));
        }
        for (i, r) in self.staffing.roles.iter().enumerate() {
            v.push((format!("staffing.roles[{i}].name"), &r.name, 200));
        }
        v
    }

    /// Problems of scale, for a scenario whose every field is valid on its own: an upper bound
    /// on every money figure a run can produce (interval arithmetic over the inputs' ranges)
    /// must stay within [`MAX_OUTPUT_MSEK`], so no infinity, NaN or overflow reaches the
    /// statistics or a report. Each check names the input that drives the bound.
    fn bound_problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut bad = |path: String, problem: String, hint: &str| {
            out.push(Problem {
                path,
                problem,
                hint: hint.to_string(),
            })
        };
        let inputs: BTreeMap<String, (Input, f64, f64)> = self
            .inputs()
            .into_iter()
            .filter_map(|(name, spec)| {
                Input::new(&spec).ok().map(|i| {
                    let (lo, hi) = far_range(&spec, &i);
                    (name, (i, lo, hi))
                })
            })
            .collect();
        let hi = |name: &str| inputs[name].2;
        let lo = |name: &str| inputs[name].1;
        let y = &self.years;
        let e = &self.establishment;

        // Current cost: the 2024 total must be positive (the saving share divides by it).
        let cost_tkr: f64 = self.kommuner.iter().flat_map(|k| k.cost_2024_tkr.values()).sum();
        if !(cost_tkr >= 1.0) {
            bad(
                "kommuner[0].cost_2024_tkr".into(),
                format!("the 2024 costs of all kommuner add up to {cost_tkr} tkr"),
                "give the kommuner's 2024 IT costs in tkr: with no cost there is nothing to save or share",
            );
            return out;
        }

        // Duration of the establishment.
        let point_sum: f64 = (0..e.phases.len())
            .map(|i| inputs[&format!("establishment.phases[{i}].duration_months")].0.point)
            .sum();
        let (longest, phase_hi) = (0..e.phases.len())
            .map(|i| {
                let p = format!("establishment.phases[{i}].duration_months");
                let h = hi(&p);
                (p, h)
            })
            .fold((String::new(), 0.0), |a, b| if b.1 > a.1 { b } else { a });
        let phases_hi: f64 = (0..e.phases.len())
            .map(|i| hi(&format!("establishment.phases[{i}].duration_months")))
            .sum();
        let schedule = 1.0 + hi("establishment.schedule_overrun_pct") / 100.0;
        // The risk register's delays add to the duration, its costs to the extras.
        let (mut risk_delays, mut risk_costs) = (Vec::new(), Vec::new());
        if let Some(reg) = &self.risk_register {
            let case = if reg.data_centre == "new" { "new" } else { "existing" };
            for (i, r) in reg.risks.iter().enumerate() {
                let base = format!("risk_register.risks[{i}].{case}");
                risk_delays.push((
                    format!("{base}.delay_months"),
                    hi(&format!("{base}.delay_months")).max(0.0),
                ));
                risk_costs.push((format!("{base}.cost_msek"), hi(&format!("{base}.cost_msek")).max(0.0)));
                if r.mitigation.applied {
                    risk_costs.push((
                        format!("risk_register.risks[{i}].mitigation.cost_msek"),
                        r.mitigation.cost_msek,
                    ));
                }
            }
        }
        let delay_max: f64 = risk_delays.iter().map(|d| d.1).sum();
        let d_max = e.planned_months * (phases_hi / point_sum) * schedule + delay_max;
        if !(d_max <= MAX_ESTABLISHMENT_MONTHS) {
            let path = if delay_max > d_max / 2.0 {
                risk_delays
                    .iter()
                    .fold(&risk_delays[0], |a, b| if b.1 > a.1 { b } else { a })
                    .0
                    .clone()
            } else if schedule >= phases_hi / point_sum {
                "establishment.schedule_overrun_pct".to_string()
            } else {
                longest
            };
            let _ = phase_hi;
            bad(
                path,
                format!("the establishment could last {d_max:.4e} months, more than {MAX_ESTABLISHMENT_MONTHS}"),
                "narrow the range: the drawn durations and the schedule overrun stretch the planned months",
            );
            return out;
        }
        let est_years = (d_max / 12.0).ceil();

        // Growth compounding over the appraisal.
        let years = f64::from(y.horizon_year - y.base_year);
        let mut cur_max = 0.0;
        for (ci, c) in self.categories.iter().enumerate() {
            let g = format!("growth_pct_per_year.{}", c.growth);
            let factor = (1.0 + hi(&g) / 100.0).powf(years).max(1.0);
            if !(factor <= 1000.0) {
                bad(
                    g.clone(),
                    format!(
                        "growing up to {} %/yr for {years} years multiplies today's cost by {factor:.3e}",
                        hi(&g)
                    ),
                    "narrow the growth range or shorten the horizon (a thousandfold growth is not a forecast)",
                );
                return out;
            }
            let cat_tkr: f64 = self
                .kommuner
                .iter()
                .map(|k| k.cost_2024_tkr.get(&c.id).copied().unwrap_or(0.0))
                .sum();
            let _ = ci;
            cur_max += cat_tkr / 1000.0 * factor;
        }

        // Staff: the joint organisation's FTE against today's.
        let volume = |v: &str| self.kommuner.iter().map(|k| k.volume(v).unwrap_or(0.0)).sum::<f64>();
        let mut fte_parts: Vec<(String, f64)> = vec![
            ("staffing.managers_fte".into(), self.staffing.managers_fte),
            ("staffing.strategic_fte".into(), hi("staffing.strategic_fte")),
        ];
        for (i, r) in self.staffing.roles.iter().enumerate() {
            let p = format!("staffing.roles[{i}].per_fte");
            let f = volume(&r.volume) / lo(&p);
            fte_parts.push((p, f));
        }
        let fte_max: f64 = fte_parts.iter().map(|p| p.1).sum();
        let today = self.staffing.today_fte;
        if !(fte_max <= 100.0 * today) {
            let worst = fte_parts
                .iter()
                .fold(&fte_parts[0], |a, b| if b.1 > a.1 { b } else { a });
            bad(
                worst.0.clone(),
                format!("the joint organisation could need {fte_max:.4e} FTE, over a hundred times today's {today}"),
                "check the staffing ratios (volume served per FTE) and today's FTE",
            );
            return out;
        }
        // How far below zero a category's saving can go: the staff saving 1 − FTE/today and
        // negative saving rates.
        let staff_neg = (fte_max / today - 1.0).max(0.0);
        let mut neg = 0.0_f64;
        for c in &self.categories {
            let mut v = staff_neg * self.staffing.applies_to_pct.get(&c.id).copied().unwrap_or(0.0) / 100.0;
            for (i, p) in self.savings.iter().enumerate() {
                let rate_lo = lo(&format!("savings[{i}].rate_pct"));
                v += (-rate_lo / 100.0).max(0.0) * p.applies_to_pct.get(&c.id).copied().unwrap_or(0.0) / 100.0;
            }
            neg = neg.max(v);
        }

        // Establishment extras.
        let overrun = (1.0 + hi("establishment.migration_overrun_pct") / 100.0).max(1.0);
        let stretch = d_max / e.planned_months;
        let g_par = format!("growth_pct_per_year.{}", e.parallel_growth);
        let price_exp = |year_offset: f64| f64::from(y.start_year - e.parallel_price_year) + year_offset;
        let price = [price_exp(0.0), price_exp(est_years)]
            .iter()
            .flat_map(|&x| [(1.0 + hi(&g_par) / 100.0).powf(x), (1.0 + lo(&g_par) / 100.0).powf(x)])
            .fold(1.0, f64::max);
        let mut extras = vec![
            (
                "establishment.project_labour_msek".to_string(),
                hi("establishment.project_labour_msek") * stretch * overrun,
            ),
            (
                "establishment.parallel_running_msek_per_year".to_string(),
                hi("establishment.parallel_running_msek_per_year") * d_max / 12.0 * price * overrun,
            ),
        ];
        for i in 0..e.one_off.len() {
            let p = format!("establishment.one_off[{i}].amount_msek");
            let v = hi(&p) * overrun;
            extras.push((p, v));
        }
        extras.extend(risk_costs);
        let extras_max: f64 = extras.iter().map(|x| x.1).sum();
        if !(extras_max <= 1e6) {
            let worst = extras.iter().fold(&extras[0], |a, b| if b.1 > a.1 { b } else { a });
            bad(
                worst.0.clone(),
                format!("the establishment could cost {extras_max:.4e} MSEK"),
                "check the unit (MSEK) and narrow the range",
            );
            return out;
        }

        // Discounting, and the bound on every figure: current + joint cost per year, summed
        // over the years and discounted.
        let r = 1.0 + self.finance.discount_rate_pct / 100.0;
        let discount = [y.base_year, y.horizon_year]
            .iter()
            .map(|&year| r.powi(y.npv_base_year - year))
            .fold(1.0, f64::max);
        let net_max = cur_max * (2.0 + neg) + extras_max;
        let npv_max = (years + 1.0) * net_max * discount;
        if !(npv_max <= MAX_OUTPUT_MSEK) {
            bad(
                "years.horizon_year".into(),
                format!(
                    "figures could reach {npv_max:.3e} MSEK (today's cost up to {cur_max:.3e} MSEK after growth, savings down to −{neg:.1} of it, discounting ×{discount:.3e}), more than {MAX_OUTPUT_MSEK:e}"
                ),
                "narrow the growth, staffing and discount ranges or shorten the horizon",
            );
        }
        out
    }

    /// All validation problems, in file order as far as practical.
    fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let push = |out: &mut Vec<Problem>, path: String, problem: String, hint: &str| {
            out.push(Problem {
                path,
                problem,
                hint: hint.to_string(),
            })
        };
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
        ] {
            if len > max {
                push(
                    &mut out,
                    path.into(),
                    format!("{len} entries, more than the {max} a scenario may have"),
                    "merge entries or split the case into several scenarios",
                );
            }
        }
        if !out.is_empty() {
            return out;
        }
        let y = &self.years;
        let mut years_ok = true;
        for (field, year) in [
            ("base_year", y.base_year),
            ("start_year", y.start_year),
            ("horizon_year", y.horizon_year),
            ("npv_base_year", y.npv_base_year),
            ("tables_last_year", y.tables_last_year),
        ] {
            if !YEAR_RANGE.contains(&year) {
                years_ok = false;
                push(
                    &mut out,
                    format!("years.{field}"),
                    format!("year {year} lies outside {}..{}", YEAR_RANGE.start(), YEAR_RANGE.end()),
                    "write a calendar year such as 2027",
                );
            }
        }
        if !years_ok {
            return out;
        }
        for (path, name, max_chars) in self.display_names() {
            if name.chars().count() > max_chars || name.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                push(
                    &mut out,
                    path,
                    format!("text is longer than {max_chars} characters or holds control characters"),
                    "write plain text (control characters would garble the terminal and reports)",
                );
            }
        }
        let mut bad = |path: String, problem: String, hint: &str| {
            out.push(Problem {
                path,
                problem,
                hint: hint.to_string(),
            })
        };
        if self.meta.name.trim().is_empty() {
            bad(
                "meta.name".into(),
                "the scenario name is empty".into(),
                "give the scenario a name",
            );
        }
        if y.base_year > y.start_year {
            bad(
                "years.start_year".into(),
                format!("start_year {} is before base_year {}", y.start_year, y.base_year),
                "the establishment cannot start before the year of the cost table",
            );
        }
        if y.start_year > y.horizon_year {
            bad(
                "years.horizon_year".into(),
                format!("horizon_year {} is before start_year {}", y.horizon_year, y.start_year),
                "set horizon_year at or after start_year",
            );
        } else if y.horizon_year - y.base_year >= MAX_YEARS {
            bad(
                "years.horizon_year".into(),
                format!(
                    "horizon_year {} lies {} years after base_year",
                    y.horizon_year,
                    y.horizon_year - y.base_year
                ),
                "use a horizon within 100 years of base_year",
            );
        }
        if !(y.base_year <= y.npv_base_year && y.npv_base_year <= y.horizon_year) {
            bad(
                "years.npv_base_year".into(),
                format!(
                    "npv_base_year {} lies outside {}..{}",
                    y.npv_base_year, y.base_year, y.horizon_year
                ),
                "discount to a year between base_year and horizon_year",
            );
        }
        if !(y.base_year <= y.tables_last_year && y.tables_last_year <= y.horizon_year) {
            bad(
                "years.tables_last_year".into(),
                format!(
                    "tables_last_year {} lies outside {}..{}",
                    y.tables_last_year, y.base_year, y.horizon_year
                ),
                "choose a year between base_year and horizon_year",
            );
        }
        let r = self.finance.discount_rate_pct;
        if !(r.is_finite() && (-50.0..=100.0).contains(&r)) {
            bad(
                "finance.discount_rate_pct".into(),
                format!("discount rate {r} % is not a usable rate"),
                "give a rate in percent between -50 and 100, e.g. 2.5",
            );
        }
        if let Some(b) = self.finance.budget_msek
            && !(b.is_finite() && b > 0.0)
        {
            bad(
                "finance.budget_msek".into(),
                format!("budget {b} MSEK must be a positive number"),
                "give the establishment budget in MSEK, or leave it out to use the förstudie's estimate",
            );
        }
        // Distributions: parameters, and for some fields their possible range.
        for (path, spec) in self.inputs() {
            match Input::new(&spec) {
                Err(e) => bad(format!("{path}.{}", e.param), e.problem.clone(), &e.hint),
                Ok(inp) => {
                    let (lo, hi) = (inp.lo, inp.hi);
                    let need = |min: f64, max: f64| lo >= min && hi <= max;
                    let (ok, what) = if path.starts_with("growth_pct_per_year") {
                        (need(-50.0, 100.0), "a growth rate must stay within -50..100 % a year")
                    } else if path.ends_with("_msek") || path.ends_with("_msek_per_year") {
                        (need(0.0, f64::INFINITY), "a cost cannot be negative")
                    } else if path.ends_with("duration_months") || path.ends_with("per_fte") {
                        (lo > 0.0 && hi.is_finite(), "must be positive and bounded")
                    } else if path.ends_with("strategic_fte") {
                        (need(0.0, f64::INFINITY), "staff cannot be negative")
                    } else if path.ends_with("rate_pct") {
                        (need(-100.0, 100.0), "a saving rate lies within -100..100 %")
                    } else if path.ends_with("schedule_overrun_pct") {
                        (
                            lo > -100.0 && hi.is_finite(),
                            "a schedule overrun must be above -100 % and bounded",
                        )
                    } else if path.ends_with("delay_months") {
                        (need(0.0, 120.0), "a delay lies within 0..120 months")
                    } else if path.ends_with(".occurs") {
                        (
                            need(0.0, 1.0),
                            "the occurrence draw is uniform on 0..1 (set by the program)",
                        )
                    } else if path.ends_with("migration_overrun_pct") {
                        (
                            lo >= -100.0 && hi.is_finite(),
                            "a cost overrun must be at least -100 % and bounded",
                        )
                    } else {
                        (true, "")
                    };
                    if !ok {
                        bad(
                            path.clone(),
                            format!("possible values {lo}..{hi}: {what}"),
                            "narrow the distribution's range",
                        );
                    }
                }
            }
        }
        if let Some(c) = &self.correlation {
            self.correlation_problems(c, &mut bad);
        }
        // Categories and growth names.
        if self.categories.is_empty() {
            bad(
                "categories".into(),
                "no cost categories".into(),
                "add [[categories]] with id, name and growth",
            );
        }
        let mut ids: Vec<&str> = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            if c.id.trim().is_empty() {
                bad(
                    format!("categories[{i}].id"),
                    "empty category id".into(),
                    "give the category a short id such as \"licences\"",
                );
            } else if ids.contains(&c.id.as_str()) {
                bad(
                    format!("categories[{i}].id"),
                    format!("duplicate category id \"{}\"", c.id),
                    "give each category a unique id",
                );
            }
            ids.push(&c.id);
            if !self.growth_pct_per_year.contains_key(&c.growth) {
                bad(
                    format!("categories[{i}].growth"),
                    format!("unknown growth rate \"{}\"", c.growth),
                    "name a rate defined under [growth_pct_per_year]",
                );
            }
        }
        // Kommuner.
        if self.kommuner.is_empty() {
            bad("kommuner".into(), "no kommuner".into(), "add at least one [[kommuner]]");
        }
        let mut names: Vec<&str> = Vec::new();
        for (i, k) in self.kommuner.iter().enumerate() {
            let n = k.name.as_str();
            if n.trim().is_empty() {
                bad(
                    format!("kommuner[{i}].name"),
                    "empty kommun name".into(),
                    "give the kommun its name",
                );
            } else if n.trim() != n {
                bad(
                    format!("kommuner[{i}].name"),
                    format!("kommun name \"{n}\" begins or ends with a space"),
                    "write the name without surrounding spaces, as in the keys",
                );
            } else if n.chars().count() > 64 || n.chars().any(|c| c.is_control()) {
                bad(
                    format!("kommuner[{i}].name"),
                    "kommun name is too long or has control characters".into(),
                    "use the kommun's plain name",
                );
            } else if let Some(c) = n.chars().find(|c| "/\\:*?\"<>|".contains(*c)) {
                // Names reach report files and may one day name files: never a path.
                bad(
                    format!("kommuner[{i}].name"),
                    format!("kommun name \"{n}\" contains '{c}'"),
                    "use the kommun's plain name: letters, digits, spaces, hyphens",
                );
            } else if n.starts_with(['=', '+', '-', '@', '.']) {
                // A CSV cell starting with = + - @ runs as a formula in a spreadsheet.
                bad(
                    format!("kommuner[{i}].name"),
                    format!("kommun name \"{n}\" starts with '{}'", &n[..1]),
                    "start the name with a letter or digit",
                );
            } else if names.iter().any(|m| m.to_lowercase() == n.to_lowercase()) {
                bad(
                    format!("kommuner[{i}].name"),
                    format!("duplicate kommun name \"{n}\""),
                    "give each kommun a unique name",
                );
            }
            names.push(n);
            for v in VOLUME_NAMES {
                let x = k.volume(v).unwrap_or(0.0);
                if !(x.is_finite() && x >= 0.0) {
                    bad(
                        format!("kommuner[{i}].{v}"),
                        format!("{v} must be a non-negative number, got {x}"),
                        "write a count of zero or more",
                    );
                } else if x > MAX_VOLUME {
                    bad(
                        format!("kommuner[{i}].{v}"),
                        format!("{v} {x} is more than {MAX_VOLUME:e}"),
                        "write the kommun's own count",
                    );
                }
            }
            for (cat, &x) in &k.cost_2024_tkr {
                if !ids.contains(&cat.as_str()) {
                    bad(
                        format!("kommuner[{i}].cost_2024_tkr.{cat}"),
                        format!("unknown category \"{cat}\""),
                        "use the ids of [[categories]]",
                    );
                } else if !(x.is_finite() && x >= 0.0) {
                    bad(
                        format!("kommuner[{i}].cost_2024_tkr.{cat}"),
                        format!("cost must be a non-negative number of tkr, got {x}"),
                        "write the 2024 cost in thousand SEK",
                    );
                } else if x > MAX_COST_TKR {
                    bad(
                        format!("kommuner[{i}].cost_2024_tkr.{cat}"),
                        format!("cost {x} tkr is more than {} MSEK", MAX_COST_TKR / 1000.0),
                        "write the 2024 cost in thousand SEK (tkr), not in SEK",
                    );
                }
            }
            for id in &ids {
                if !k.cost_2024_tkr.contains_key(*id) {
                    bad(
                        format!("kommuner[{i}].cost_2024_tkr"),
                        format!("no cost for category \"{id}\""),
                        "give a 2024 cost (tkr) for every category, 0 if none",
                    );
                }
            }
        }
        // Keys.
        for (name, key) in &self.keys {
            let base = FieldPath(vec![
                Seg::Key("keys".into()),
                Seg::Key(name.clone()),
                Seg::Key("shares_pct".into()),
            ])
            .to_string();
            let mut sum = 0.0;
            for (k, &x) in &key.shares_pct {
                if !names.contains(&k.as_str()) {
                    bad(
                        format!("{base}.\"{k}\""),
                        format!("\"{k}\" is not a kommun of this scenario"),
                        "use the names of [[kommuner]] exactly",
                    );
                } else if !(x.is_finite() && (0.0..=100.0).contains(&x)) {
                    bad(
                        format!("{base}.\"{k}\""),
                        format!("share {x} % lies outside 0..100"),
                        "give a percentage between 0 and 100",
                    );
                }
                sum += x;
            }
            for n in &names {
                if !key.shares_pct.contains_key(*n) {
                    bad(
                        base.clone(),
                        format!("no share for kommun \"{n}\""),
                        "give every kommun a share",
                    );
                }
            }
            if !((sum - 100.0).abs() <= 0.05) {
                bad(
                    base.clone(),
                    format!("shares sum to {sum:.3} %, not 100"),
                    "correct the shares so they add up to 100 (within 0.05 for rounding)",
                );
            }
        }
        let split = &self.baseline.split;
        if split != "own_costs" && !self.keys.contains_key(split) {
            bad(
                "baseline.split".into(),
                format!("unknown key \"{split}\""),
                "name a key under [keys] or \"own_costs\"",
            );
        }
        for (field, w) in [
            ("establishment_weights_pct", &self.allocation.establishment_weights_pct),
            ("transition_weights_pct", &self.allocation.transition_weights_pct),
            ("full_effect_weights_pct", &self.allocation.full_effect_weights_pct),
        ] {
            let mut sum = 0.0;
            for (k, &x) in w {
                if !self.keys.contains_key(k) {
                    bad(
                        format!("allocation.{field}.{k}"),
                        format!("unknown key \"{k}\""),
                        "name a key defined under [keys]",
                    );
                } else if !(x.is_finite() && x >= 0.0) {
                    bad(
                        format!("allocation.{field}.{k}"),
                        format!("weight {x} must be a non-negative percentage"),
                        "give a weight between 0 and 100",
                    );
                }
                sum += x;
            }
            if !((sum - 100.0).abs() <= 1e-6) {
                bad(
                    format!("allocation.{field}"),
                    format!("weights sum to {sum}, not 100"),
                    "make the key weights add up to 100",
                );
            }
        }
        // Establishment.
        let e = &self.establishment;
        if !(e.planned_months.is_finite() && e.planned_months > 0.0 && e.planned_months <= 600.0) {
            bad(
                "establishment.planned_months".into(),
                format!("planned duration {} months is not usable", e.planned_months),
                "give the planned establishment duration in months, e.g. 36",
            );
        }
        if !self.growth_pct_per_year.contains_key(&e.parallel_growth) {
            bad(
                "establishment.parallel_growth".into(),
                format!("unknown growth rate \"{}\"", e.parallel_growth),
                "name a rate under [growth_pct_per_year]",
            );
        }
        if !(e.parallel_start_month.is_finite()
            && e.parallel_start_month >= 0.0
            && e.parallel_start_month < e.planned_months)
        {
            bad(
                "establishment.parallel_start_month".into(),
                format!(
                    "parallel running starts at month {}, outside the planned establishment",
                    e.parallel_start_month
                ),
                "give the month (0 = January of start_year) parallel running starts, before planned_months",
            );
        }
        if (i64::from(e.parallel_price_year) - i64::from(y.base_year)).abs() > i64::from(MAX_YEARS) {
            bad(
                "establishment.parallel_price_year".into(),
                format!("price year {} is far from base_year", e.parallel_price_year),
                "give the year whose prices the parallel cost is stated in",
            );
        }
        if e.phases.is_empty() {
            bad(
                "establishment.phases".into(),
                "no phases".into(),
                "add [[establishment.phases]]",
            );
        }
        let mut total_hours = 0.0;
        for (i, p) in e.phases.iter().enumerate() {
            for (f, h) in [
                ("internal_hours", p.internal_hours),
                ("external_hours", p.external_hours),
            ] {
                if !(h.is_finite() && (0.0..=1e8).contains(&h)) {
                    bad(
                        format!("establishment.phases[{i}].{f}"),
                        format!("hours must be a number from 0 to 1e8, got {h}"),
                        "write the phase's hours",
                    );
                }
                total_hours += h;
            }
            if !(y.start_year <= p.planned_year && p.planned_year <= y.horizon_year) {
                bad(
                    format!("establishment.phases[{i}].planned_year"),
                    format!(
                        "planned year {} lies outside {}..{}",
                        p.planned_year, y.start_year, y.horizon_year
                    ),
                    "book the phase in a year between start_year and horizon_year",
                );
            }
        }
        if !e.phases.is_empty() && !(total_hours > 0.0) {
            bad(
                "establishment.phases".into(),
                "the phases have no hours".into(),
                "give the phases their project hours",
            );
        }
        // Savings and staffing shares per category.
        let mut share = vec![0.0; self.categories.len()];
        let mut applies = |path: String, map: &BTreeMap<String, f64>, bad: &mut dyn FnMut(String, String, &str)| {
            for (cat, &x) in map {
                match ids.iter().position(|c| c == cat) {
                    None => bad(
                        format!("{path}.{cat}"),
                        format!("unknown category \"{cat}\""),
                        "use the ids of [[categories]]",
                    ),
                    Some(ci) => {
                        if !(x.is_finite() && (0.0..=100.0).contains(&x)) {
                            bad(
                                format!("{path}.{cat}"),
                                format!("share {x} % lies outside 0..100"),
                                "give the share of the category the post works on, 0..100",
                            );
                        } else {
                            share[ci] += x;
                        }
                    }
                }
            }
        };
        for (i, s) in self.savings.iter().enumerate() {
            applies(format!("savings[{i}].applies_to_pct"), &s.applies_to_pct, &mut bad);
        }
        applies(
            "staffing.applies_to_pct".into(),
            &self.staffing.applies_to_pct,
            &mut bad,
        );
        for (ci, s) in share.iter().enumerate() {
            if *s > 100.0 + 1e-9 {
                bad(
                    "savings".into(),
                    format!(
                        "the savings posts and staffing together work on {s} % of category \"{}\"",
                        ids[ci]
                    ),
                    "let the applies_to_pct shares of one category add up to at most 100",
                );
            }
        }
        if !(self.savings_capture_pct.is_finite() && (0.0..=150.0).contains(&self.savings_capture_pct)) {
            bad(
                "savings_capture_pct".into(),
                format!("{} % lies outside 0..150", self.savings_capture_pct),
                "give the share of the savings potential captured, 0..150",
            );
        }
        self.savings_ramp.check(&mut bad);
        if let Some(reg) = &self.risk_register {
            if reg.data_centre != "existing" && reg.data_centre != "new" {
                bad(
                    "risk_register.data_centre".into(),
                    format!("unknown case \"{}\"", reg.data_centre),
                    "write \"existing\" or \"new\"",
                );
            }
            if reg.risks.len() > 200 {
                bad(
                    "risk_register.risks".into(),
                    format!("{} risks", reg.risks.len()),
                    "keep the register to at most 200 risks",
                );
            }
            for (i, r) in reg.risks.iter().enumerate() {
                for (case, c) in [("existing", &r.existing), ("new", &r.new)] {
                    if !(0.0..=100.0).contains(&c.probability_pct) {
                        bad(
                            format!("risk_register.risks[{i}].{case}.probability_pct"),
                            format!("probability {} % lies outside 0..100", c.probability_pct),
                            "give a probability in percent",
                        );
                    }
                }
                let m = &r.mitigation;
                for (f, v) in [
                    ("probability_factor_pct", m.probability_factor_pct),
                    ("impact_factor_pct", m.impact_factor_pct),
                ] {
                    if !(0.0..=100.0).contains(&v) {
                        bad(
                            format!("risk_register.risks[{i}].mitigation.{f}"),
                            format!("{v} % lies outside 0..100"),
                            "a mitigation keeps 0..100 % of the probability or impact",
                        );
                    }
                }
                if !(m.cost_msek.is_finite() && m.cost_msek >= 0.0) {
                    bad(
                        format!("risk_register.risks[{i}].mitigation.cost_msek"),
                        format!("cost {} must be zero or more", m.cost_msek),
                        "give the mitigation's cost in MSEK",
                    );
                }
            }
        }
        for (i, a) in self.alternatives.iter().enumerate() {
            if !(0.0..=150.0).contains(&a.savings_capture_pct) {
                bad(
                    format!("alternatives[{i}].savings_capture_pct"),
                    format!("{} % lies outside 0..150", a.savings_capture_pct),
                    "give the share of the savings potential captured, 0..150",
                );
            }
            if !(a.establishment_effort_pct.is_finite() && (0.0..=500.0).contains(&a.establishment_effort_pct)) {
                bad(
                    format!("alternatives[{i}].establishment_effort_pct"),
                    format!("{} % is not usable", a.establishment_effort_pct),
                    "give the effort as a percent of the default's, 0..500",
                );
            }
            if !(a.planned_months.is_finite() && a.planned_months > 0.0 && a.planned_months <= 600.0) {
                bad(
                    format!("alternatives[{i}].planned_months"),
                    format!("{} months is not usable", a.planned_months),
                    "give the planned establishment in months",
                );
            }
        }
        let st = &self.staffing;
        if !(st.today_fte.is_finite() && st.today_fte > 0.0) {
            bad(
                "staffing.today_fte".into(),
                format!("today's staff {} FTE must be positive", st.today_fte),
                "give today's IT staff in FTE",
            );
        }
        if !(st.managers_fte.is_finite() && (0.0..=1e6).contains(&st.managers_fte)) {
            bad(
                "staffing.managers_fte".into(),
                format!("managers {} FTE must be zero or more", st.managers_fte),
                "give the joint organisation's managers in FTE",
            );
        }
        for (i, role) in st.roles.iter().enumerate() {
            if !VOLUME_NAMES.contains(&role.volume.as_str()) {
                bad(
                    format!("staffing.roles[{i}].volume"),
                    format!("unknown volume \"{}\"", role.volume),
                    &format!("use one of: {VOLUMES}"),
                );
            }
        }
        if let Some(d) = &self.decision {
            if !self.keys.contains_key(&d.fixed_key) {
                bad(
                    "decision.fixed_key".into(),
                    format!("unknown key \"{}\"", d.fixed_key),
                    "name a key under [keys]",
                );
            }
            for (i, m) in d.use_measures.iter().enumerate() {
                if !VOLUME_NAMES.contains(&m.as_str()) {
                    bad(
                        format!("decision.use_measures[{i}]"),
                        format!("unknown volume \"{m}\""),
                        &format!("use one of: {VOLUMES}"),
                    );
                }
            }
            if !(0.0..=100.0).contains(&d.base_share_pct) {
                bad(
                    "decision.base_share_pct".into(),
                    format!("base share {} % lies outside 0..100", d.base_share_pct),
                    "give a percentage between 0 and 100",
                );
            }
            if !(1..=50).contains(&d.phase_in_years) {
                bad(
                    "decision.phase_in_years".into(),
                    format!("{} years is not a usable phase-in", d.phase_in_years),
                    "give 1 to 50 years",
                );
            }
            let o = &d.organisation;
            if !(0.0..100.0).contains(&o.corporate_tax_pct) {
                bad(
                    "decision.organisation.corporate_tax_pct".into(),
                    format!("tax {} % lies outside 0..100", o.corporate_tax_pct),
                    "Swedish corporate tax is 20.6 %",
                );
            }
            for (i, m) in o.ab_markups_pct.iter().enumerate() {
                if !(0.0..=100.0).contains(m) {
                    bad(
                        format!("decision.organisation.ab_markups_pct[{i}]"),
                        format!("markup {m} % lies outside 0..100"),
                        "give the AB's markup on its costs in percent",
                    );
                }
            }
            if let Some(dc) = &d.data_centre {
                let base = "decision.data_centre";
                if !names.contains(&dc.owner.as_str()) {
                    bad(
                        format!("{base}.owner"),
                        format!("\"{}\" is not a kommun of this scenario", dc.owner),
                        "name the kommun that owns the existing data centre",
                    );
                }
                for (f, spec) in [
                    ("existing_capex_msek", &dc.existing_capex_msek),
                    ("hidden_cost_msek", &dc.hidden_cost_msek),
                    ("new_capex_msek", &dc.new_capex_msek),
                    ("new_opex_saving_msek_per_year", &dc.new_opex_saving_msek_per_year),
                ] {
                    match Input::new(spec) {
                        Err(e) => bad(format!("{base}.{f}.{}", e.param), e.problem.clone(), &e.hint),
                        Ok(i) if i.lo < 0.0 || !i.hi.is_finite() => {
                            bad(
                                format!("{base}.{f}"),
                                format!(
                                    "possible values {}..{}: an amount must be non-negative and bounded",
                                    i.lo, i.hi
                                ),
                                "narrow the distribution's range",
                            );
                        }
                        Ok(_) => {}
                    }
                }
                if !(0.0..=100.0).contains(&dc.hidden_cost_prob_pct) {
                    bad(
                        format!("{base}.hidden_cost_prob_pct"),
                        format!("probability {} % lies outside 0..100", dc.hidden_cost_prob_pct),
                        "give a probability in percent",
                    );
                }
                if !(0.0..=100.0).contains(&dc.stranded_recovery_pct) {
                    bad(
                        format!("{base}.stranded_recovery_pct"),
                        format!("{} % lies outside 0..100", dc.stranded_recovery_pct),
                        "give the share of book value recovered, 0..100",
                    );
                }
                for (f, x) in [
                    ("valuation_msek", dc.valuation_msek),
                    ("book_value_msek", dc.book_value_msek),
                    ("reduced_fee_msek_per_year", dc.reduced_fee_msek_per_year),
                ] {
                    if !(x.is_finite() && x >= 0.0) {
                        bad(
                            format!("{base}.{f}"),
                            format!("{x} must be a non-negative amount"),
                            "give the amount in MSEK",
                        );
                    }
                }
                if dc.reduced_fee_years > 50 {
                    bad(
                        format!("{base}.reduced_fee_years"),
                        format!("{} years is not usable", dc.reduced_fee_years),
                        "give 0 to 50 years",
                    );
                }
            }
            if let Some(ms) = &d.membership {
                let base = "decision.membership";
                if !names.contains(&ms.exit_kommun.as_str()) {
                    bad(
                        format!("{base}.exit_kommun"),
                        format!("\"{}\" is not a kommun of this scenario", ms.exit_kommun),
                        "name the kommun that leaves",
                    );
                }
                for (f, year) in [("exit_notice_year", ms.exit_notice_year), ("entry_year", ms.entry_year)] {
                    if !(y.start_year <= year && year <= y.horizon_year) {
                        bad(
                            format!("{base}.{f}"),
                            format!("{year} lies outside {}..{}", y.start_year, y.horizon_year),
                            "give a year within the appraisal",
                        );
                    }
                }
                for (f, v) in [
                    ("notice_years", ms.notice_years),
                    ("depreciation_years", ms.depreciation_years),
                    ("entry_fee_years", ms.entry_fee_years),
                ] {
                    if !(1..=50).contains(&v) {
                        bad(
                            format!("{base}.{f}"),
                            format!("{v} years is not usable"),
                            "give 1 to 50 years",
                        );
                    }
                }
                for (f, v) in [
                    ("long_contracts_msek", ms.long_contracts_msek),
                    ("stand_alone_extra_msek_per_year", ms.stand_alone_extra_msek_per_year),
                    ("entrant_inhabitants", ms.entrant_inhabitants),
                ] {
                    if !(v.is_finite() && v >= 0.0) {
                        bad(
                            format!("{base}.{f}"),
                            format!("{v} must be zero or more"),
                            "give a non-negative number",
                        );
                    }
                }
                if !(0.0..=100.0).contains(&ms.scale_loss_pct_of_share) {
                    bad(
                        format!("{base}.scale_loss_pct_of_share"),
                        format!("{} % lies outside 0..100", ms.scale_loss_pct_of_share),
                        "give a percentage",
                    );
                }
            }
            if !(o.ab_share_capital_msek.is_finite() && o.ab_share_capital_msek >= 0.0) {
                bad(
                    "decision.organisation.ab_share_capital_msek".into(),
                    format!("share capital {} MSEK must be zero or more", o.ab_share_capital_msek),
                    "give the owners' capital in MSEK",
                );
            }
        }
        out
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

    #[test]
    fn errors_point_at_the_field() {
        let e = broken("name = \"Gnosjö\"", "name = \"Gislaved\"");
        assert_eq!(e.path, "kommuner[1].name");
        let line = DEFAULT_SCENARIO
            .lines()
            .position(|l| l.contains("name = \"Gnosjö\""))
            .unwrap()
            + 1;
        assert_eq!(e.line, line);

        let e = broken("Gislaved = 31.546", "Gislaved = 35.546");
        assert!(e.path.starts_with("keys.cost_share.shares_pct"), "{e}");
        assert!(e.problem.contains("sum"), "{e}");

        let e = broken(
            "min = 12.0, mode = 18.0, max = 24.0",
            "min = 12.0, mode = 28.0, max = 24.0",
        );
        assert_eq!(e.path, "establishment.phases[2].duration_months.mode");

        let e = broken("planned_months = 36", "planned_months = 36\nplaned = 3");
        assert!(e.problem.contains("unknown field"), "{e}");
        assert_eq!(e.path, "establishment.planed");
    }

    fn line_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap() + 1
    }

    #[test]
    fn correlation_errors_point_at_the_entry() {
        let e = broken(
            "  \"savings[2].rate_pct\",                          # 9",
            "  \"savings[2].rate_percent\",                      # 9",
        );
        assert_eq!(e.path, "correlation.inputs[9]");
        assert!(e.problem.contains("not an uncertain input"), "{e}");
        assert!(e.hint.contains("savings[2].rate_pct"), "{e}");
        assert_eq!(e.line, line_of(DEFAULT_SCENARIO, "\"savings[2].rate_pct\",  "));

        // Asymmetric: [3][4] = 0.6 but [4][3] changed.
        let e = broken(
            "[0.0, 0.0, 0.3, 0.6, 1.0, 0.5, 0.4, 0.0, 0.0, 0.0], # 4",
            "[0.0, 0.0, 0.3, 0.7, 1.0, 0.5, 0.4, 0.0, 0.0, 0.0], # 4",
        );
        assert_eq!(e.path, "correlation.matrix[4][3]");
        assert!(e.problem.contains("differs"), "{e}");
        assert_eq!(e.line, line_of(DEFAULT_SCENARIO, "# 4 migration overrun"));

        let e = broken(
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
        );
        assert_eq!(e.path, "correlation.matrix[0]");

        let e = broken(
            "[1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
            "[1.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], # 0",
        );
        assert_eq!(e.path, "correlation.matrix[0][1]");
    }

    /// Three inputs that cannot be correlated so: a~b 0.9, b~c 0.9, a~c −0.9.
    const NOT_PSD: &str = r#"
[correlation]
inputs = ["establishment.schedule_overrun_pct", "establishment.migration_overrun_pct", "establishment.phases[2].duration_months"]
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
        assert_eq!(e.path, "correlation.matrix");
        assert!(e.problem.contains("not positive semi-definite"), "{e}");
        assert!(e.hint.contains("repair = true"), "{e}");
        assert_eq!(e.line, line_of(&text, "matrix = ["));
        let repaired = text.replace("matrix = [", "repair = true\nmatrix = [");
        let s = Scenario::from_toml(&repaired, "t.toml").unwrap();
        let m = crate::Model::new(&s).unwrap();
        let r = m.correlation().unwrap().0.repair().unwrap();
        assert!(r.frobenius > 0.0);
    }

    #[test]
    fn a_fixed_input_cannot_be_correlated_and_names_are_unique() {
        let text = DEFAULT_SCENARIO.replace(
            "parallel_running_msek_per_year = { dist = \"pert\", min = 4.5, mode = 6.3, max = 10.0 }",
            "parallel_running_msek_per_year = { dist = \"fixed\", value = 6.3 }",
        );
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert_eq!(e.path, "correlation.inputs[2]");
        let text = DEFAULT_SCENARIO.replace("\"growth_pct_per_year.low\",  ", "\"growth_pct_per_year.high\", ");
        let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
        assert_eq!(e.path, "correlation.inputs[1]");
        assert!(e.problem.contains("twice"), "{e}");
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
