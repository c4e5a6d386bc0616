//! Where a problem is: field paths, their place in the TOML text, and the scenario's errors.

use std::fmt;
use std::ops::Range;

use toml::de::DeValue;

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
pub enum ScenarioError {
    /// A scenario read from text: the file, and where in it.
    #[error("{file}:{line}:{column}: {path}: {problem}\n  fix: {hint}")]
    File {
        file: String,
        /// 1-based line and column of the offending value (of the whole file when unknown).
        line: usize,
        column: usize,
        /// Field path, or `(file)` for problems with the file as a whole.
        path: String,
        problem: String,
        hint: String,
    },
    /// A scenario read from a workbook: the file, and the sheet and cell (`Indata!E14`, or the
    /// sheet alone when no cell holds the value).
    #[error("{file}: {cell}: {path}: {problem}\n  fix: {hint}")]
    Workbook {
        file: String,
        cell: String,
        path: String,
        problem: String,
        hint: String,
    },
    /// A scenario built or changed in code (an analysis's variant): it has no file, so the
    /// field path alone says where.
    #[error("scenario built in code: {path}: {problem}\n  fix: {hint}")]
    Built {
        path: String,
        problem: String,
        hint: String,
    },
}

impl ScenarioError {
    /// The field path of the offending value.
    pub fn path(&self) -> &str {
        match self {
            ScenarioError::File { path, .. }
            | ScenarioError::Workbook { path, .. }
            | ScenarioError::Built { path, .. } => path,
        }
    }

    /// What is wrong.
    pub fn problem(&self) -> &str {
        match self {
            ScenarioError::File { problem, .. }
            | ScenarioError::Workbook { problem, .. }
            | ScenarioError::Built { problem, .. } => problem,
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> &str {
        match self {
            ScenarioError::File { hint, .. }
            | ScenarioError::Workbook { hint, .. }
            | ScenarioError::Built { hint, .. } => hint,
        }
    }

    /// File, 1-based line and column, for a scenario read from text.
    pub fn location(&self) -> Option<(&str, usize, usize)> {
        match self {
            ScenarioError::File { file, line, column, .. } => Some((file, *line, *column)),
            ScenarioError::Workbook { .. } | ScenarioError::Built { .. } => None,
        }
    }

    /// Sheet and cell (`Indata!E14`), for a scenario read from a workbook.
    pub fn cell(&self) -> Option<&str> {
        match self {
            ScenarioError::Workbook { cell, .. } => Some(cell),
            _ => None,
        }
    }
}

/// A problem found by validation, before it is located in a file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub path: String,
    pub problem: String,
    pub hint: String,
}

impl Problem {
    /// The error for a scenario built in code.
    pub(crate) fn built(self) -> ScenarioError {
        ScenarioError::Built {
            path: self.path,
            problem: self.problem,
            hint: self.hint,
        }
    }
}

/// The problems the sections' checks find, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<Problem>);

impl Problems {
    /// Note a problem at `path`.
    pub fn bad(&mut self, path: impl Into<String>, problem: impl Into<String>, hint: &str) {
        self.0.push(Problem {
            path: path.into(),
            problem: problem.into(),
            hint: hint.to_string(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// 1-based line and column of byte `offset` in `src`.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// The span of the value at `path` in the parsed document, or of its deepest existing parent.
pub(crate) fn span_of(doc: &toml::Spanned<DeValue<'_>>, path: &FieldPath) -> Range<usize> {
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
pub(crate) fn path_at(doc: &toml::Spanned<DeValue<'_>>, span: &Range<usize>) -> FieldPath {
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
pub(crate) fn parse_hint(message: &str) -> String {
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

/// A TOML text parsed with the spans of its values, to point at a field path.
pub(crate) struct Spans<'a> {
    src: &'a str,
    doc: toml::Spanned<DeValue<'a>>,
}

impl<'a> Spans<'a> {
    /// Parse `src`; a syntax error comes back with its place.
    pub fn parse(src: &'a str) -> Result<Spans<'a>, toml::de::Error> {
        let doc = toml::de::DeTable::parse(src)?;
        let span = doc.span();
        Ok(Spans {
            src,
            doc: toml::Spanned::new(span, DeValue::Table(doc.into_inner())),
        })
    }

    /// Line and column of the value at `path` (or of its deepest existing parent).
    pub fn line_col_of(&self, path: &str) -> (usize, usize) {
        line_col(self.src, span_of(&self.doc, &FieldPath::parse(path)).start)
    }

    /// The path of the value an error at `span` belongs to.
    pub fn path_at(&self, span: &Range<usize>) -> FieldPath {
        path_at(&self.doc, span)
    }
}
