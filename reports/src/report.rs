//! What the board report shows, gathered once from a run: every chart, table and sentence of
//! `rapport.html`, `summary.md` and `riskkalkyl.xlsx` reads from a [`ReportData`], so the
//! formats cannot disagree, and every figure that summary.json also has is taken from the
//! same [`Summary`].

use models::scenario::{InputId, InputLabel, lowercase_first};
use models::{Model, PointTables, RunResult, Scenario};
use serde_json::Value;
use sim::dist::Input;
use sim::stats::Stat;

use crate::format::Lang;
use crate::summary::{RunInfo, Summary};

/// Draws per input for its P10/P50/P90 in the one-way sensitivity (tornado). 20 000 draws put
/// the P10 within about ±0.4 percentile points (binomial standard error √(0.1·0.9/20 000)).
pub(crate) const TORNADO_DRAWS: usize = 20_000;
/// How many inputs the tornado shows (the largest swings).
pub(crate) const TORNADO_TOP: usize = 10;
/// Probability grid for S-curves and histograms: quantiles at (i + 0.5)/GRID.
pub(crate) const GRID: usize = 1000;

/// Percentile bands of one quantity per year, MSEK.
#[derive(Debug, Clone, Default)]
pub struct Bands {
    pub p10: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p90: Vec<f64>,
    pub mean: Vec<f64>,
}

impl Bands {
    fn from_stats(stats: &[Stat]) -> Bands {
        let mut b = Bands::default();
        for s in stats {
            let q = s.summary();
            b.p10.push(q.p10);
            b.p25.push(q.p25);
            b.p50.push(q.p50);
            b.p75.push(q.p75);
            b.p90.push(q.p90);
            b.mean.push(q.mean);
        }
        b
    }
}

/// One kommun (or the GGVV total) in the report.
#[derive(Debug, Clone)]
pub struct KommunData {
    pub name: String,
    /// ASCII file-name part: "varnamo".
    pub slug: String,
    /// Net benefit per year (current − joint cost).
    pub yearly: Bands,
    /// Cumulative net benefit to each year.
    pub cumulative: Bands,
    /// Joint-operations cost per year.
    pub joint: Bands,
    /// The förstudie's calculation: the model with every input at its point value.
    pub point_net: Vec<f64>,
    pub point_cum: Vec<f64>,
    /// NPV quantiles at (i + 0.5)/GRID, ascending.
    pub npv_quantiles: Vec<f64>,
    /// NPV at point values.
    pub point_npv: f64,
}

/// One uncertain input of the scenario.
#[derive(Debug, Clone)]
pub struct InputRow {
    /// Field path in the scenario file.
    pub path: String,
    /// A reader's name, with the unit.
    pub label: String,
    /// The name without the unit, for a sentence.
    pub name: String,
    /// The distribution as written: "PERT 11–12–13".
    pub dist: String,
    pub point: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// Sources cited in the scenario file's comment for this input ("" if none).
    pub source: String,
}

/// One bar of the tornado: total NPV with this input at its P10 and at its P90, the others at
/// their medians.
#[derive(Debug, Clone)]
pub struct Swing {
    pub input: usize,
    pub npv_at_p10: f64,
    pub npv_at_p90: f64,
}

impl Swing {
    pub fn width(&self) -> f64 {
        (self.npv_at_p90 - self.npv_at_p10).abs()
    }
}

/// An allocation key: its name, description and share per kommun (0..1).
#[derive(Debug, Clone)]
pub struct KeyData {
    pub name: String,
    pub description: String,
    pub shares: Vec<f64>,
    /// Whether the scenario uses this key for the joint cost at full effect.
    pub in_use: bool,
}

/// Everything the report formats show.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub lang: Lang,
    pub info: RunInfo,
    pub summary: Summary,
    /// Where the run ran and how it was split, from the run manifest (the xlsx's about sheet);
    /// `None` where no manifest was made.
    pub provenance: Option<(models::run::manifest::ShardLayout, models::run::manifest::Platform)>,
    pub years: Vec<i32>,
    pub start_year: i32,
    /// The planned establishment years (start to planned end), as the charts shade them.
    pub establishment_years: (i32, i32),
    /// The kommuner, then the GGVV total last.
    pub kommuner: Vec<KommunData>,
    /// Establishment cost quantiles at (i + 0.5)/GRID.
    pub establishment_quantiles: Vec<f64>,
    pub establishment_point_msek: f64,
    pub keys: Vec<KeyData>,
    /// First full-effect year at plan, and the median GGVV joint cost that year.
    pub full_effect_year: i32,
    pub full_effect_joint_p50: f64,
    pub inputs: Vec<InputRow>,
    /// Total NPV with every input at its median: the tornado's centre.
    pub tornado_base: f64,
    /// The largest swings, largest first.
    pub tornado: Vec<Swing>,
    /// The kommun most at risk (highest probability of a net loss): its index, its NPV with
    /// every input at its median, and its largest swings.
    pub risk_kommun: usize,
    pub risk_tornado_base: f64,
    pub risk_tornado: Vec<Swing>,
    pub point_tables: PointTables,
    /// Each kommun's share of the one-off cost (0..1), by the establishment period's keys.
    pub establishment_share: Vec<f64>,
    /// The keys the joint cost is split by at full effect, as a reader names them.
    pub full_effect_key: String,
    /// The cover's record: the date the report was made (ISO, from `SOURCE_DATE_EPOCH` when
    /// set, so a build can be reproduced), the program version and the scenario's SHA-256.
    pub date: String,
    pub version: &'static str,
    pub fingerprint: String,
    /// Scenario words a reader should not see (allocation key ids, English role names,
    /// abbreviations) and what the report writes instead, longest first.
    pub glossary: Vec<(String, String)>,
}

/// The civil date (yyyy-mm-dd, UTC) of a Unix time: Howard Hinnant's `civil_from_days`.
pub(crate) fn iso_date(unix_s: u64) -> String {
    let z = (unix_s / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today's date, or `SOURCE_DATE_EPOCH`'s for a reproducible build.
fn report_date() -> String {
    let s = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        });
    iso_date(s)
}

/// What the report writes for the scenario's own ids and foreign words: each key id becomes
/// its description, and the catalogue's `glossary` section adds the rest.
fn glossary(scenario: &Scenario, lang: Lang) -> Vec<(String, String)> {
    let mut g = Vec::new();
    for (id, key) in &scenario.keys {
        let desc = key.description.clone().unwrap_or_else(|| id.replace('_', " "));
        // "nyckeln cost_share (Andel av …)" as the keys analysis names an option.
        g.push((
            format!("nyckeln {id} ({desc})"),
            format!("nyckeln {}", lowercase_first(&desc)),
        ));
        if id.contains('_') {
            g.push((id.clone(), lowercase_first(&desc)));
        }
    }
    for (from, to) in crate::i18n::glossary(lang) {
        g.push((from.to_string(), to.to_string()));
    }
    g.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    g
}

/// `text` with every glossary word replaced where it stands as a whole word.
pub(crate) fn plain_words(text: &str, glossary: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (from, to) in glossary {
        let mut res = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(from.as_str()) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + from.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            res.push_str(&rest[..i]);
            if word(before) || word(after) {
                res.push_str(from);
            } else {
                res.push_str(to);
            }
            rest = &rest[i + from.len()..];
        }
        res.push_str(rest);
        out = res;
    }
    out
}

/// ASCII file-name part of a name: lower case, å ä → a, ö → o, others to '-'.
pub(crate) fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' => 'a',
            'ö' | 'ø' | 'ó' => 'o',
            'é' | 'è' => 'e',
            'ü' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && s.ends_with('-')) {
            s.push(c);
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "kommun".into() } else { s }
}

/// Slugs made unique by a numeric suffix where two names map to the same one.
fn unique_slugs(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let base = slug(n);
        let mut s = base.clone();
        let mut i = 2;
        while out.contains(&s) {
            s = format!("{base}-{i}");
            i += 1;
        }
        out.push(s);
    }
    out
}

/// A number as a scenario file writes it (no trailing zeros), with a decimal comma in Swedish
/// and "−" for minus.
fn plain(x: f64, lang: Lang) -> String {
    let s = format!("{x}");
    let s = s.strip_suffix(".0").map(str::to_string).unwrap_or(s).replace('-', "−");
    match lang {
        Lang::Sv => s.replace('.', ","),
        Lang::En => s,
    }
}

/// The distribution of a spec in a few words, from its serialised form so any kind of
/// distribution reads sensibly.
pub(crate) fn dist_text(spec: &sim::DistSpec, lang: Lang) -> String {
    let v = serde_json::to_value(spec).unwrap_or(Value::Null);
    let Some(map) = v.as_object() else {
        return String::new();
    };
    let kind = map.get("dist").and_then(Value::as_str).unwrap_or("");
    let name = match kind {
        "pert" => "PERT".to_string(),
        "uniform" => lang.tr("report.uniform").to_string(),
        "triangular" => lang.tr("report.triangular").to_string(),
        "normal" => lang.tr("report.normal").to_string(),
        "lognormal" => "lognormal".to_string(),
        "fixed" => lang.tr("report.fixed").to_string(),
        "ref_class_overrun" => lang.tr("report.reference_class").to_string(),
        other => other.replace('_', " "),
    };
    let num = |k: &str| map.get(k).and_then(Value::as_f64);
    let p = |x: f64| plain(x, lang);
    if let sim::DistSpec::Pooled { experts, .. } = spec {
        return pooled_text(spec, experts, lang);
    }
    match (num("min"), num("mode"), num("max")) {
        (Some(a), Some(m), Some(b)) => return format!("{name} {}–{}–{}", p(a), p(m), p(b)),
        (Some(a), None, Some(b)) => return format!("{name} {}–{}", p(a), p(b)),
        _ => {}
    }
    if let (Some(tp), Some(bm), Some(bs), Some(bmin), Some(ts), Some(ta), Some(tc)) = (
        num("tail_prob"),
        num("body_mean"),
        num("body_sd"),
        num("body_min"),
        num("tail_scale"),
        num("tail_alpha"),
        num("tail_cap"),
    ) {
        let share = crate::format::number_plain(tp * 100.0, 1, lang);
        return match lang {
            Lang::Sv => format!(
                "{name}: normal (medel {}, sd {}, lägst {}); i {share} % av fallen Pareto från {} (index {}), högst {}",
                p(bm),
                p(bs),
                p(bmin),
                p(ts),
                p(ta),
                p(tc)
            ),
            Lang::En => format!(
                "{name}: normal (mean {}, sd {}, at least {}); in {share}% of cases Pareto from {} (index {}), at most {}",
                p(bm),
                p(bs),
                p(bmin),
                p(ts),
                p(ta),
                p(tc)
            ),
        };
    }
    let params: Vec<String> = map
        .iter()
        .filter(|(k, _)| *k != "dist" && *k != "point")
        .filter_map(|(k, v)| v.as_f64().map(|x| format!("{} {}", k.replace('_', " "), p(x))))
        .collect();
    format!("{name} ({})", params.join(", "))
}

/// A workshop's pool: its mean and spread, then each expert's triple and weight, e.g.
/// "sammanvägd expertbedömning (3 experter): medel 12,5, sd 3,9; A 8–10–16 (50 %), …".
fn pooled_text(spec: &sim::DistSpec, experts: &[sim::dist::Expert], lang: Lang) -> String {
    let p = |x: f64| plain(x, lang);
    let two = |x: f64| crate::format::number_plain(x, 2, lang);
    let (mean, sd, weights) = match Input::new(spec).map(|i| i.dist) {
        Ok(sim::dist::Dist::Pooled(d)) => (d.mean(), d.sd(), d.weights().to_vec()),
        _ => return String::new(),
    };
    let each: Vec<String> = experts
        .iter()
        .zip(&weights)
        .enumerate()
        .map(|(i, (e, w))| {
            let who = e.name.clone().unwrap_or_else(|| format!("{}", i + 1));
            format!(
                "{who} {}–{}–{} ({} %)",
                p(e.min),
                p(e.most_likely),
                p(e.max),
                crate::format::number_plain(w * 100.0, 0, lang)
            )
        })
        .collect();
    match lang {
        Lang::Sv => format!(
            "sammanvägd expertbedömning ({} experter): medel {}, sd {}; {}",
            experts.len(),
            two(mean),
            two(sd),
            each.join("; ")
        ),
        Lang::En => format!(
            "pooled expert estimate ({} experts): mean {}, sd {}; {}",
            experts.len(),
            two(mean),
            two(sd),
            each.join("; ")
        ),
    }
}

/// A reader's name for an input, from the input registry and the scenario's own names.
pub(crate) fn input_label(path: &str, s: &Scenario, lang: Lang) -> String {
    registry_text(path, s, lang, InputId::label)
}

/// An input's name without its unit, in `lang`; the path when it is not an input.
fn input_name(path: &str, s: &Scenario, lang: Lang) -> String {
    registry_text(path, s, lang, InputId::name_label)
}

/// The registry's `text` of the input at `path` in `lang`; the path when it is not an input.
fn registry_text(path: &str, s: &Scenario, lang: Lang, text: fn(&InputId, &Scenario) -> InputLabel) -> String {
    match s.input_id(path) {
        Some(id) => {
            let l = text(&id, s);
            match lang {
                Lang::Sv => l.sv,
                Lang::En => l.en,
            }
        }
        None => path.to_string(),
    }
}

/// The comment lines directly above line `i` (0-based), top to bottom.
fn comment_above(lines: &[&str], i: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut j = i;
    while j > 0 {
        j -= 1;
        let l = lines[j].trim();
        if let Some(c) = l.strip_prefix('#') {
            out.push(c.trim().to_string());
        } else {
            break;
        }
    }
    out.reverse();
    out
}

/// A source document's name by its number ("000"), as the report cites it.
pub(crate) fn source_document(number: &str, lang: Lang) -> String {
    match number {
        "000" => lang.tr("sources.doc_000"),
        "001" => lang.tr("sources.doc_001"),
        "002" => lang.tr("sources.doc_002"),
        "003" => lang.tr("sources.doc_003"),
        "004" => lang.tr("sources.doc_004"),
        _ => lang.tr("sources.other_document"),
    }
    .to_string()
}

/// Citations in a comment, as a reader names the documents: "seed 000 4.2" is the förstudie's
/// economics sub-report, section 4.2; "Flyvbjerg", "Green Book"; and whether a figure is
/// marked ASSUMPTION or FIT.
fn citations(comment: &str, lang: Lang) -> String {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut push = |doc: String, sec: String| {
        if let Some(f) = found.iter_mut().find(|(d, _)| *d == doc) {
            if f.1.is_empty() {
                f.1 = sec;
            }
        } else {
            found.push((doc, sec));
        }
    };
    let words: Vec<&str> = comment.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if w.trim_start_matches('(').eq_ignore_ascii_case("seed")
            && let Some(n) = words.get(i + 1)
        {
            let n = n.trim_end_matches([')', ',', ';', ':', '.']);
            if n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()) {
                let doc = source_document(n, lang);
                let mut sec = String::new();
                if let Some(s) = words.get(i + 2) {
                    let s = s.trim_end_matches([')', ',', ';', ':']).trim_end_matches('.');
                    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.') {
                        sec = format!("{} {s}", lang.tr("report.section"));
                    }
                }
                push(doc, sec);
            }
        }
    }
    for (needle, name) in [
        ("Flyvbjerg", "Flyvbjerg m.fl."),
        ("Green Book", "HM Treasury Green Book"),
        ("SKR", "SKR"),
    ] {
        if comment.contains(needle) {
            push(name.replace(" m.fl.", lang.tr("report.et_al")), String::new());
        }
    }
    if comment.contains("ASSUMPTION") {
        push(lang.tr("report.assumption").into(), String::new());
    }
    if comment.contains("FIT") {
        push(lang.tr("report.fitted_to_the_forstudies_tables").into(), String::new());
    }
    found
        .into_iter()
        .map(|(d, s)| if s.is_empty() { d } else { format!("{d}, {s}") })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Where an input is defined in the scenario text: its line, and the line of the array entry
/// or table header it sits in.
fn input_lines(path: &str, lines: &[&str]) -> (Option<usize>, Option<usize>) {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let header_of = |name: &str, nth: usize| -> Option<usize> {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.trim() == format!("[[{name}]]") || l.trim() == format!("[{name}]"))
            .nth(nth)
            .map(|(i, _)| i)
    };
    // The table the input lives in: "a.b[2].c" → header "a.b", entry 2.
    let parent = &path[..path.len() - leaf.len()].trim_end_matches('.');
    let (table, nth) = match parent.rsplit_once('[') {
        Some((t, rest)) => (t.to_string(), rest.trim_end_matches(']').parse().unwrap_or(0)),
        None => (parent.to_string(), 0),
    };
    let header = if table.is_empty() { None } else { header_of(&table, nth) };
    let from = header.unwrap_or(0);
    let key_line = lines
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.trim_start().starts_with(&format!("{leaf} =")))
        .map(|(i, _)| i);
    (key_line, header)
}

/// The sources the scenario file cites for an input: in the comment above its line, else
/// above its table or array entry, else above the first entry of its array.
pub(crate) fn input_source(path: &str, scenario_text: &str, lang: Lang) -> String {
    let lines: Vec<&str> = scenario_text.lines().collect();
    let (key, header) = input_lines(path, &lines);
    let mut tried = Vec::new();
    if let Some(k) = key {
        tried.push(comment_above(&lines, k).join(" "));
    }
    if let Some(h) = header {
        tried.push(comment_above(&lines, h).join(" "));
        // Later entries of an array usually share the first entry's comment.
        if let Some(name) = lines[h].trim().strip_prefix("[[").and_then(|l| l.strip_suffix("]]"))
            && let Some(first) = lines.iter().position(|l| l.trim() == format!("[[{name}]]"))
        {
            tried.push(comment_above(&lines, first).join(" "));
        }
        // Then the tables it is nested in: [[staffing.roles]] → [staffing].
        let mut table = lines[h].trim().trim_matches(['[', ']']).to_string();
        while let Some((up, _)) = table.rsplit_once('.') {
            table = up.to_string();
            if let Some(i) = lines.iter().position(|l| l.trim() == format!("[{table}]")) {
                tried.push(comment_above(&lines, i).join(" "));
            }
        }
    }
    tried
        .iter()
        .map(|c| citations(c, lang))
        .find(|c| !c.is_empty())
        .unwrap_or_default()
}

fn quantile_grid(stat: &Stat) -> Vec<f64> {
    (0..GRID)
        .map(|i| stat.sketch.quantile((i as f64 + 0.5) / GRID as f64))
        .collect()
}

/// P10, P50 and P90 of each input from `TORNADO_DRAWS` draws (nearest rank, as the run's
/// quantiles), from a stream of `seed` apart from the run's chunks.
fn input_percentiles(inputs: &[Input], seed: u64) -> Vec<[f64; 3]> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            // Chunk indices from 2⁶² on are never reached by a run (runs < 2⁶² · 4096).
            let mut rng = sim::chunk_rng(seed, (1u64 << 62) + i as u64);
            let mut xs = vec![0.0; TORNADO_DRAWS];
            input.fill(&mut rng, &mut xs);
            xs.sort_by(f64::total_cmp);
            let at = |q: f64| xs[(q * (TORNADO_DRAWS - 1) as f64).round() as usize];
            [at(0.1), at(0.5), at(0.9)]
        })
        .collect()
}

impl ReportData {
    /// Gather the report from a run made with [`models::run::simulate_with_cumulative`].
    pub fn new(
        lang: Lang,
        info: &RunInfo,
        scenario: &Scenario,
        scenario_text: &str,
        model: &Model,
        r: &RunResult,
    ) -> ReportData {
        let summary = Summary::new(info, r);
        let n = r.years.len();
        let k_count = r.kommuner.len();
        let mut point = model.new_outcome();
        model.evaluate(&model.point_values(), &mut point);
        let mut names = r.kommuner.clone();
        names.push(info.total_label.clone());
        let slugs = unique_slugs(&names);
        let total_name = format!("{} {}", info.total_label, lang.tr("report.total"));
        let kommuner = (0..=k_count)
            .map(|k| {
                let point_net: Vec<f64> = (0..n)
                    .map(|t| {
                        if k < k_count {
                            point.net[k * n + t]
                        } else {
                            (0..k_count).map(|j| point.net[j * n + t]).sum()
                        }
                    })
                    .collect();
                let point_cum = point_net
                    .iter()
                    .scan(0.0, |c, x| {
                        *c += x;
                        Some(*c)
                    })
                    .collect();
                let cum = if r.cum_yearly.is_empty() {
                    Bands::default()
                } else {
                    Bands::from_stats(&r.cum_yearly[k * n..(k + 1) * n])
                };
                KommunData {
                    name: if k < k_count {
                        names[k].clone()
                    } else {
                        total_name.clone()
                    },
                    slug: slugs[k].clone(),
                    yearly: Bands::from_stats(&r.net_yearly[k * n..(k + 1) * n]),
                    cumulative: cum,
                    joint: Bands::from_stats(&r.joint_yearly[k * n..(k + 1) * n]),
                    point_net,
                    point_cum,
                    npv_quantiles: quantile_grid(&r.npv[k]),
                    point_npv: if k < k_count {
                        point.npv[k]
                    } else {
                        point.npv.iter().sum()
                    },
                }
            })
            .collect();

        // Inputs, their percentiles and the one-way swings around the medians.
        let specs = scenario.inputs();
        let glossary_early = glossary(scenario, lang);
        let pcts = input_percentiles(model.inputs(), info.seed);
        let inputs: Vec<InputRow> = specs
            .iter()
            .zip(model.inputs())
            .zip(&pcts)
            .map(|(((path, spec), input), p)| InputRow {
                path: path.clone(),
                label: plain_words(&input_label(path, scenario, lang), &glossary_early),
                name: plain_words(&input_name(path, scenario, lang), &glossary_early),
                dist: dist_text(spec, lang),
                point: input.point,
                p10: p[0],
                p50: p[1],
                p90: p[2],
                source: input_source(path, scenario_text, lang),
            })
            .collect();
        // The kommun most at risk gets its own tornado beside GGVV's.
        let risk_kommun = (0..k_count)
            .max_by(|&a, &b| r.net_loss[a].p().total_cmp(&r.net_loss[b].p()).then(b.cmp(&a)))
            .unwrap_or(0);
        let mut out = model.new_outcome();
        // NPV of GGVV (`None`) or of one kommun with the inputs at `x`.
        let mut npv = |x: &[f64], k: Option<usize>| {
            model.evaluate(x, &mut out);
            match k {
                Some(k) => out.npv[k],
                None => out.npv.iter().sum::<f64>(),
            }
        };
        let medians: Vec<f64> = pcts.iter().map(|p| p[1]).collect();
        let mut swings_of = |k: Option<usize>| -> (f64, Vec<Swing>) {
            let base = npv(&medians, k);
            let mut swings: Vec<Swing> = (0..medians.len())
                .map(|i| {
                    let mut x = medians.clone();
                    x[i] = pcts[i][0];
                    let lo = npv(&x, k);
                    x[i] = pcts[i][2];
                    let hi = npv(&x, k);
                    Swing {
                        input: i,
                        npv_at_p10: lo,
                        npv_at_p90: hi,
                    }
                })
                .collect();
            swings.sort_by(|a, b| b.width().total_cmp(&a.width()).then(a.input.cmp(&b.input)));
            swings.truncate(TORNADO_TOP);
            (base, swings)
        };
        let (tornado_base, swings) = swings_of(None);
        let (risk_tornado_base, risk_tornado) = swings_of(Some(risk_kommun));

        // Allocation keys, and the joint cost they split in the first full-effect year.
        let full_key: Vec<&String> = scenario
            .allocation
            .full_effect_weights_pct
            .iter()
            .filter(|(_, w)| **w > 0.0)
            .map(|(k, _)| k)
            .collect();
        let keys = scenario
            .keys
            .iter()
            .map(|(name, key)| KeyData {
                name: name.clone(),
                description: key.description.clone().unwrap_or_else(|| name.clone()),
                shares: scenario
                    .kommuner
                    .iter()
                    .map(|k| key.shares_pct.get(&k.name).copied().unwrap_or(0.0) / 100.0)
                    .collect(),
                in_use: full_key.len() == 1 && full_key[0] == name,
            })
            .collect();
        let weighted_share = |weights: &std::collections::BTreeMap<String, f64>, kommun: &str| -> f64 {
            weights
                .iter()
                .map(|(key, w)| {
                    let share = scenario.keys.get(key).and_then(|k| k.shares_pct.get(kommun)).copied();
                    w / 100.0 * share.unwrap_or(0.0) / 100.0
                })
                .sum()
        };
        let establishment_share = scenario
            .kommuner
            .iter()
            .map(|k| weighted_share(&scenario.allocation.establishment_weights_pct, &k.name))
            .collect();
        let glossary = glossary(scenario, lang);
        let full_effect_key = scenario
            .allocation
            .full_effect_weights_pct
            .iter()
            .filter(|(_, w)| **w > 0.0)
            .map(|(k, w)| {
                let name = plain_words(k, &glossary);
                if full_key.len() == 1 {
                    name
                } else {
                    format!("{} {name}", crate::format::pct(w / 100.0, lang))
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let planned_years = (scenario.establishment.planned_months / 12.0).ceil() as i32;
        let full_effect_year = (scenario.years.start_year + planned_years + 1).min(scenario.years.horizon_year);
        let t_full = (full_effect_year - scenario.years.base_year) as usize;
        let full_effect_joint_p50 = r.joint_yearly[k_count * n + t_full].summary().p50;

        ReportData {
            lang,
            info: info.clone(),
            summary,
            provenance: None,
            years: r.years.clone(),
            start_year: scenario.years.start_year,
            establishment_years: (
                scenario.years.start_year,
                (scenario.years.start_year + planned_years - 1).max(scenario.years.start_year),
            ),
            kommuner,
            establishment_quantiles: quantile_grid(&r.establishment),
            establishment_point_msek: point.establishment_msek,
            keys,
            full_effect_year,
            full_effect_joint_p50,
            inputs,
            tornado_base,
            tornado: swings,
            risk_kommun,
            risk_tornado_base,
            risk_tornado,
            point_tables: model.point_tables(),
            establishment_share,
            full_effect_key,
            date: report_date(),
            version: env!("CARGO_PKG_VERSION"),
            fingerprint: models::run::state::scenario_fingerprint(scenario),
            glossary,
        }
    }

    /// The kommuner without the total.
    pub(crate) fn kommuner_only(&self) -> &[KommunData] {
        &self.kommuner[..self.kommuner.len() - 1]
    }

    pub fn total(&self) -> &KommunData {
        &self.kommuner[self.kommuner.len() - 1]
    }

    /// The summary.json entry of kommun `k` (the total last).
    pub(crate) fn kommun_summary(&self, k: usize) -> &crate::summary::KommunSummary {
        self.summary.kommuner.get(k).unwrap_or(&self.summary.total)
    }

    /// First year of the NPV sum: the start of the establishment.
    pub(crate) fn npv_years(&self) -> (i32, i32) {
        (self.start_year, self.info.horizon_year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_unique() {
        let names: Vec<String> = ["Värnamo", "Gnosjö", "Gnosjo", "Å / Ö"].map(String::from).to_vec();
        assert_eq!(unique_slugs(&names), ["varnamo", "gnosjo", "gnosjo-2", "a-o"]);
    }

    #[test]
    fn sources_come_from_the_scenario_comments() {
        let s = Scenario::default_ggvv();
        let text = models::DEFAULT_SCENARIO;
        let src = |p: &str| input_source(p, text, Lang::Sv);
        let eco = "Förstudien, ekonomigruppens delrapport (2026)";
        assert_eq!(src("establishment.project_labour_msek"), format!("{eco}, avsnitt 4.2"));
        assert!(src("establishment.phases[2].duration_months").contains("Ateas presentation"));
        assert!(
            src("savings[1].rate_pct").contains(&format!("{eco}, avsnitt 4.3")),
            "{}",
            src("savings[1].rate_pct")
        );
        assert!(src("establishment.reference_class_overrun_pct").contains("Flyvbjerg"));
        assert!(src("growth_pct_per_year.high").contains(&format!("{eco}, avsnitt 4.1")));
        for (path, _) in s.inputs() {
            assert!(!src(&path).is_empty(), "{path} has no source");
            assert!(!src(&path).contains("seed"), "{path}: {}", src(&path));
        }
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_798_761_599), "2026-12-31");
    }

    #[test]
    fn ids_and_foreign_words_become_plain_words() {
        let s = Scenario::default_ggvv();
        let g = glossary(&s, Lang::Sv);
        let t = plain_words("Hela kostnaden efter nyckeln cost_share, befintligt DC; pcs", &g);
        assert!(
            !t.contains("cost_share") && !t.contains("DC") && !t.contains("pcs"),
            "{t}"
        );
        assert_eq!(plain_words("PCS-DCX", &g), "PCS-DCX");
    }

    #[test]
    fn labels_and_distributions_read_well() {
        let s = Scenario::default_ggvv();
        let labels: Vec<String> = s.inputs().iter().map(|(p, _)| input_label(p, &s, Lang::Sv)).collect();
        assert!(labels.contains(&"Projektarbete (mnkr)".to_string()), "{labels:?}");
        assert!(labels.iter().all(|l| !l.contains('[')), "{labels:?}");
        let d = dist_text(&s.establishment.project_labour_msek, Lang::Sv);
        assert_eq!(d, "PERT 11–12–13");
        let d = dist_text(&s.establishment.reference_class_overrun_pct, Lang::Sv);
        assert!(
            d.starts_with("referensklass: normal (medel −8,") && d.contains("högst 500"),
            "{d}"
        );
        let d = dist_text(&s.establishment.parallel_running_msek_per_year, Lang::Sv);
        assert_eq!(d, "PERT 4,5–6,3–8,1");
    }

    #[test]
    fn a_pool_shows_its_mean_spread_and_each_expert() {
        let e = |name: Option<&str>, min, most_likely, max, weight| sim::dist::Expert {
            name: name.map(str::to_string),
            min,
            most_likely,
            max,
            weight,
        };
        let spec = sim::DistSpec::Pooled {
            experts: vec![
                e(Some("Ekonom"), 8.0, 10.0, 16.0, Some(3.0)),
                e(None, 12.0, 18.0, 30.0, None),
            ],
            point: None,
        };
        // Means (8 + 30 + 16)/5 = 10.8 and (12 + 54 + 30)/5 = 19.2, weights 3/4 and 1/4.
        let d = dist_text(&spec, Lang::Sv);
        assert!(
            d.starts_with("sammanvägd expertbedömning (2 experter): medel 12,90, sd 4,28; "),
            "{d}"
        );
        assert!(d.ends_with("; Ekonom 8–10–16 (75 %); 2 12–18–30 (25 %)"), "{d}");
        assert!(dist_text(&spec, Lang::En).starts_with("pooled expert estimate (2 experts): mean 12.90, sd 4.28"));
    }
}
