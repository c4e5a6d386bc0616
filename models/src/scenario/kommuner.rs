//! The cost table and who pays: `[[categories]]`, `[[kommuner]]`, `[keys]`, `[baseline]`,
//! `[allocation]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sim::DistSpec;

use super::error::{FieldPath, Problems, Seg};
use super::{MAX_COST_TKR, MAX_VOLUME};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    /// The name in the English report; the name itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Name of a rate in `[growth_pct_per_year]`.
    pub growth: String,
}

/// Check the categories against the growth rates; their ids in file order (also the empty
/// and duplicate ones, so later messages still find them).
pub(crate) fn check_categories<'a>(
    categories: &'a [Category],
    growth: &BTreeMap<String, DistSpec>,
    out: &mut Problems,
) -> Vec<&'a str> {
    if categories.is_empty() {
        out.bad(
            "categories",
            "no cost categories",
            "add [[categories]] with id, name and growth",
        );
    }
    let mut ids: Vec<&str> = Vec::new();
    for (i, c) in categories.iter().enumerate() {
        if c.id.trim().is_empty() {
            out.bad(
                format!("categories[{i}].id"),
                "empty category id",
                "give the category a short id such as \"licences\"",
            );
        } else if ids.contains(&c.id.as_str()) {
            out.bad(
                format!("categories[{i}].id"),
                format!("duplicate category id \"{}\"", c.id),
                "give each category a unique id",
            );
        }
        ids.push(&c.id);
        if !growth.contains_key(&c.growth) {
            out.bad(
                format!("categories[{i}].growth"),
                format!("unknown growth rate \"{}\"", c.growth),
                "name a rate defined under [growth_pct_per_year]",
            );
        }
    }
    ids
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
    /// How far the kommun's true cost lies from its row of the 2024 table, percent (100: as
    /// in the table): it multiplies the kommun's cost, alone and in the joint organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_factor_pct: Option<DistSpec>,
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

/// The kommun volumes by name, as [`Kommun::volume`] knows them.
pub(crate) const VOLUME_NAMES: [&str; 7] = [
    "users",
    "inhabitants",
    "employees",
    "pcs",
    "servers",
    "network_units",
    "it_staff_fte",
];
pub(crate) const VOLUMES: &str = "users, inhabitants, employees, pcs, servers, network_units, it_staff_fte";

/// A volume's name in Swedish reports (the field name where there is none).
pub(crate) fn volume_sv(name: &str) -> &str {
    match name {
        "employees" => "anställda",
        "servers" => "servrar",
        "pcs" => "datorer",
        "users" => "användare",
        "inhabitants" => "invånare",
        "network_units" => "nätverksenheter",
        other => other,
    }
}

impl Kommun {
    /// One kommun, the `i`-th; `names` are the names of the kommuner before it.
    fn check(&self, i: usize, ids: &[&str], names: &[&str], out: &mut Problems) {
        let n = self.name.as_str();
        let at = format!("kommuner[{i}].name");
        if n.trim().is_empty() {
            out.bad(at, "empty kommun name", "give the kommun its name");
        } else if n.trim() != n {
            out.bad(
                at,
                format!("kommun name \"{n}\" begins or ends with a space"),
                "write the name without surrounding spaces, as in the keys",
            );
        } else if n.chars().count() > 64 || n.chars().any(|c| c.is_control()) {
            out.bad(
                at,
                "kommun name is too long or has control characters",
                "use the kommun's plain name",
            );
        } else if let Some(c) = n.chars().find(|c| "/\\:*?\"<>|".contains(*c)) {
            // Names reach report files and may one day name files: never a path.
            out.bad(
                at,
                format!("kommun name \"{n}\" contains '{c}'"),
                "use the kommun's plain name: letters, digits, spaces, hyphens",
            );
        } else if n.starts_with(['=', '+', '-', '@', '.']) {
            // A CSV cell starting with = + - @ runs as a formula in a spreadsheet.
            out.bad(
                at,
                format!("kommun name \"{n}\" starts with '{}'", &n[..1]),
                "start the name with a letter or digit",
            );
        } else if names.iter().any(|m| m.to_lowercase() == n.to_lowercase()) {
            out.bad(
                at,
                format!("duplicate kommun name \"{n}\""),
                "give each kommun a unique name",
            );
        }
        for v in VOLUME_NAMES {
            let x = self.volume(v).unwrap_or(0.0);
            if !(x.is_finite() && x >= 0.0) {
                out.bad(
                    format!("kommuner[{i}].{v}"),
                    format!("{v} must be a non-negative number, got {x}"),
                    "write a count of zero or more",
                );
            } else if x > MAX_VOLUME {
                out.bad(
                    format!("kommuner[{i}].{v}"),
                    format!("{v} {x} is more than {MAX_VOLUME:e}"),
                    "write the kommun's own count",
                );
            }
        }
        for (cat, &x) in &self.cost_2024_tkr {
            let at = format!("kommuner[{i}].cost_2024_tkr.{cat}");
            if !ids.contains(&cat.as_str()) {
                out.bad(
                    at,
                    format!("unknown category \"{cat}\""),
                    "use the ids of [[categories]]",
                );
            } else if !(x.is_finite() && x >= 0.0) {
                out.bad(
                    at,
                    format!("cost must be a non-negative number of tkr, got {x}"),
                    "write the 2024 cost in thousand SEK",
                );
            } else if x > MAX_COST_TKR {
                out.bad(
                    at,
                    format!("cost {x} tkr is more than {} MSEK", MAX_COST_TKR / 1000.0),
                    "write the 2024 cost in thousand SEK (tkr), not in SEK",
                );
            }
        }
        for id in ids {
            if !self.cost_2024_tkr.contains_key(*id) {
                out.bad(
                    format!("kommuner[{i}].cost_2024_tkr"),
                    format!("no cost for category \"{id}\""),
                    "give a 2024 cost (tkr) for every category, 0 if none",
                );
            }
        }
    }
}

/// Check the kommuner against the category ids; their names in file order.
pub(crate) fn check_kommuner<'a>(kommuner: &'a [Kommun], ids: &[&str], out: &mut Problems) -> Vec<&'a str> {
    if kommuner.is_empty() {
        out.bad("kommuner", "no kommuner", "add at least one [[kommuner]]");
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, k) in kommuner.iter().enumerate() {
        k.check(i, ids, &names, out);
        names.push(&k.name);
    }
    names
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The description in the English report; the description itself when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_en: Option<String>,
    /// Share per kommun name, percent; sums to 100.
    pub shares_pct: BTreeMap<String, f64>,
}

impl Key {
    /// The key called `name`: a share for every kommun of `names`, adding up to 100.
    pub(crate) fn check(&self, name: &str, names: &[&str], out: &mut Problems) {
        let base = FieldPath(vec![
            Seg::Key("keys".into()),
            Seg::Key(name.to_string()),
            Seg::Key("shares_pct".into()),
        ])
        .to_string();
        let mut sum = 0.0;
        for (k, &x) in &self.shares_pct {
            if !names.contains(&k.as_str()) {
                out.bad(
                    format!("{base}.\"{k}\""),
                    format!("\"{k}\" is not a kommun of this scenario"),
                    "use the names of [[kommuner]] exactly",
                );
            } else if !(x.is_finite() && (0.0..=100.0).contains(&x)) {
                out.bad(
                    format!("{base}.\"{k}\""),
                    format!("share {x} % lies outside 0..100"),
                    "give a percentage between 0 and 100",
                );
            }
            sum += x;
        }
        for n in names {
            if !self.shares_pct.contains_key(*n) {
                out.bad(
                    base.clone(),
                    format!("no share for kommun \"{n}\""),
                    "give every kommun a share",
                );
            }
        }
        if !((sum - 100.0).abs() <= 0.05) {
            out.bad(
                base,
                format!("shares sum to {sum:.3} %, not 100"),
                "correct the shares so they add up to 100 (within 0.05 for rounding)",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// A key name, or "own_costs".
    pub split: String,
}

impl Baseline {
    pub(crate) fn check(&self, keys: &BTreeMap<String, Key>, out: &mut Problems) {
        let split = &self.split;
        if split != "own_costs" && !keys.contains_key(split) {
            out.bad(
                "baseline.split",
                format!("unknown key \"{split}\""),
                "name a key under [keys] or \"own_costs\"",
            );
        }
    }
}

/// `[counterfactual]`: what staying alone costs beyond today's cost on its growth path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counterfactual {
    /// Security and NIS2 duties a kommun meets alone, MSEK a year per kommun in prices of the
    /// start year, from the start year on; growing at `security_growth`. The joint
    /// organisation carries its security in its staff, so this is a cost of staying alone.
    pub security_msek_per_year_per_kommun: DistSpec,
    /// Name of a rate in `[growth_pct_per_year]`.
    pub security_growth: String,
}

impl Counterfactual {
    pub(crate) fn check(&self, growth: &BTreeMap<String, DistSpec>, out: &mut Problems) {
        if !growth.contains_key(&self.security_growth) {
            out.bad(
                "counterfactual.security_growth",
                format!("unknown growth rate \"{}\"", self.security_growth),
                "name a rate defined under [growth_pct_per_year]",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub establishment_weights_pct: BTreeMap<String, f64>,
    pub transition_weights_pct: BTreeMap<String, f64>,
    pub full_effect_weights_pct: BTreeMap<String, f64>,
}

impl Allocation {
    /// Each period's weights name keys and add up to 100.
    pub(crate) fn check(&self, keys: &BTreeMap<String, Key>, out: &mut Problems) {
        for (field, w) in [
            ("establishment_weights_pct", &self.establishment_weights_pct),
            ("transition_weights_pct", &self.transition_weights_pct),
            ("full_effect_weights_pct", &self.full_effect_weights_pct),
        ] {
            let mut sum = 0.0;
            for (k, &x) in w {
                if !keys.contains_key(k) {
                    out.bad(
                        format!("allocation.{field}.{k}"),
                        format!("unknown key \"{k}\""),
                        "name a key defined under [keys]",
                    );
                } else if !(x.is_finite() && x >= 0.0) {
                    out.bad(
                        format!("allocation.{field}.{k}"),
                        format!("weight {x} must be a non-negative percentage"),
                        "give a weight between 0 and 100",
                    );
                }
                sum += x;
            }
            if !((sum - 100.0).abs() <= 1e-6) {
                out.bad(
                    format!("allocation.{field}"),
                    format!("weights sum to {sum}, not 100"),
                    "make the key weights add up to 100",
                );
            }
        }
    }
}
