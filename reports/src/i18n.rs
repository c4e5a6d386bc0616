//! The report's strings in Swedish and English, one catalogue (`strings.toml`, embedded) read
//! by key: `lang.tr("chart.median")`. A key is `section.name`; `common` holds strings that
//! several outputs share. To add a string: one entry with `sv` and `en` in `strings.toml`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::format::Lang;

const CATALOGUE: &str = include_str!("strings.toml");

/// Key -> [Swedish, English].
type Catalogue = HashMap<String, [String; 2]>;

/// The catalogue parsed, or what is wrong with it (a test parses it, so an error here is a
/// broken build, not bad input).
fn parse(text: &str) -> Result<Catalogue, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Catalogue::new();
    for (section, entries) in &table {
        if section == GLOSSARY {
            continue;
        }
        let entries = entries.as_table().ok_or(format!("{section}: not a section"))?;
        for (name, langs) in entries {
            let key = format!("{section}.{name}");
            let langs = langs.as_table().ok_or(format!("{key}: needs sv and en"))?;
            let text = |lang: &str| match langs.get(lang).and_then(|v| v.as_str()) {
                Some(t) if !t.is_empty() => Ok(t.to_string()),
                _ => Err(format!("{key}: no {lang} text")),
            };
            if let Some(other) = langs.keys().find(|l| *l != "sv" && *l != "en") {
                return Err(format!("{key}: unknown language {other}"));
            }
            let both = [text("sv")?, text("en")?];
            out.insert(key, both);
        }
    }
    Ok(out)
}

fn catalogue() -> &'static Catalogue {
    static CELL: OnceLock<Catalogue> = OnceLock::new();
    CELL.get_or_init(|| parse(CATALOGUE).unwrap_or_else(|e| panic!("reports/src/strings.toml: {e}")))
}

/// The catalogue section of scenario words and what the report writes instead: each entry
/// has `from` (the word as the scenario or an analysis writes it), `sv` and `en`.
const GLOSSARY: &str = "glossary";

/// The glossary's (from, to) pairs in `lang`.
pub(crate) fn glossary(lang: Lang) -> Vec<(&'static str, &'static str)> {
    static CELL: OnceLock<Vec<(String, [String; 2])>> = OnceLock::new();
    let all = CELL.get_or_init(|| {
        let table: toml::Table = toml::from_str(CATALOGUE).unwrap_or_default();
        let Some(g) = table.get(GLOSSARY).and_then(|g| g.as_table()) else {
            return Vec::new();
        };
        g.values()
            .filter_map(|e| {
                let t = |k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_string);
                Some((t("from")?, [t("sv")?, t("en")?]))
            })
            .collect()
    });
    all.iter()
        .map(|(from, [sv, en])| {
            let to = match lang {
                Lang::Sv => sv.as_str(),
                Lang::En => en.as_str(),
            };
            (from.as_str(), to)
        })
        .collect()
}

impl Lang {
    /// The text of `key` with each `{name}` replaced by its value from `args`.
    pub fn trf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.tr(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The text of `key` in this language. Every key the code uses is in the catalogue (tested).
    pub fn tr(self, key: &str) -> &'static str {
        let [sv, en] = catalogue()
            .get(key)
            .unwrap_or_else(|| panic!("no string {key} in reports/src/strings.toml"));
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `tr("…")` key in the crate's source and templates.
    fn keys_in_source() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // `.tr("k")`, and `.trf("k", …)` where rustfmt may break the line first.
                    for call in [".tr(", ".trf("] {
                        for (i, _) in text.match_indices(call) {
                            let rest = text[i + call.len()..].trim_start();
                            let Some(rest) = rest.strip_prefix('"') else { continue };
                            let key = &rest[..rest.find('"').unwrap()];
                            out.push((path.display().to_string(), key.to_string()));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        walk(&root.join("src"), &mut out);
        walk(&root.join("templates"), &mut out);
        out
    }

    #[test]
    fn every_key_has_both_languages() {
        let c = parse(CATALOGUE).unwrap();
        assert!(c.len() > 150, "{} keys", c.len());
        for (key, [sv, en]) in &c {
            assert!(!sv.trim().is_empty() && !en.trim().is_empty(), "{key}");
        }
    }

    #[test]
    fn the_glossary_has_both_languages() {
        let table: toml::Table = toml::from_str(CATALOGUE).unwrap();
        let n = table[GLOSSARY].as_table().unwrap().len();
        assert!(n >= 3);
        assert_eq!(glossary(Lang::Sv).len(), n, "every glossary entry has from, sv and en");
        assert_eq!(glossary(Lang::En).len(), n);
    }

    #[test]
    fn a_missing_language_is_refused() {
        assert!(parse("[x]\na.sv = \"ja\"\n").unwrap_err().contains("x.a: no en text"));
        assert!(parse("[x]\na.sv = \"ja\"\na.en = \"\"\n").is_err());
        assert!(parse("[x]\na.sv = \"ja\"\na.en = \"yes\"\na.de = \"ja\"\n").is_err());
    }

    #[test]
    fn every_key_in_use_is_in_the_catalogue_and_every_entry_is_used() {
        let c = parse(CATALOGUE).unwrap();
        let used = keys_in_source();
        // This file's own examples are not keys.
        let used: Vec<_> = used.into_iter().filter(|(f, _)| !f.ends_with("i18n.rs")).collect();
        for (file, key) in &used {
            assert!(c.contains_key(key), "{file}: {key} is not in strings.toml");
        }
        for key in c.keys() {
            assert!(
                used.iter().any(|(_, k)| k == key),
                "{key} in strings.toml is never used"
            );
        }
    }

    #[test]
    fn languages_pick_their_text() {
        assert_eq!(Lang::Sv.tr("format.msek"), "mnkr");
        assert_eq!(Lang::En.tr("format.msek"), "MSEK");
        assert_eq!(Lang::Sv.tr("format.percent_sign"), "\u{a0}%");
    }
}
