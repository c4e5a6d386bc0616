//! Every distribution as docs/distributions.md writes it parses from TOML and validates; a wrong nested
//! parameter is reported at its place in the file.

use models::Scenario;
use serde::Deserialize;
use sim::DistSpec;
use sim::dist::Input;

/// The examples of docs/distributions.md, one per distribution (keep in step with it).
const EXAMPLES: &[&str] = &[
    r#"x = { dist = "fixed", value = 6.3 }"#,
    r#"x = { dist = "uniform", min = 300.0, max = 500.0 }"#,
    r#"x = { dist = "triangular", min = 4.0, mode = 6.0, max = 12.0 }"#,
    r#"x = { dist = "pert", min = 4.0, mode = 6.0, max = 12.0 }"#,
    r#"x = { dist = "pert", min = 4.0, mode = 6.0, max = 12.0, shape = 2.0 }"#,
    r#"x = { dist = "normal", mean = 5.0, sd = 1.0 }"#,
    r#"x = { dist = "truncated_normal", mean = 5.0, sd = 2.0, min = 0.0 }"#,
    r#"x = { dist = "lognormal", mean = 6.0, sd = 2.0 }"#,
    r#"x = { dist = "lognormal", p10 = 4.0, p90 = 10.0 }"#,
    r#"x = { dist = "beta", alpha = 2.0, beta = 5.0, min = 30.0, max = 60.0 }"#,
    r#"x = { dist = "discrete", values = [0.0, 1.0, 2.5], weights = [0.5, 0.3, 0.2] }"#,
    r#"x = { dist = "risk_event", prob = 0.15, impact = { dist = "pert", min = 1.0, mode = 2.0, max = 6.0 } }"#,
    r#"x = { dist = "empirical", observations = [12.0, 35.0, 8.0, 27.0, 60.0, 15.0] }"#,
    r#"x = { dist = "triple", min = 20.0, most_likely = 28.0, max = 45.0 }"#,
    r#"x = { dist = "triple", min = 20.0, most_likely = 28.0, max = 45.0, bounds = "p1_p99" }"#,
    r#"x = { dist = "ref_class_overrun", tail_prob = 0.1667, body_mean = -8.0, body_sd = 15.0, body_min = -50.0, tail_scale = 70.0, tail_alpha = 1.0, tail_cap = 500.0 }"#,
];

#[derive(Deserialize)]
struct One {
    x: DistSpec,
}

#[test]
fn every_documented_example_parses_and_validates() {
    for ex in EXAMPLES {
        let one: One = toml::from_str(ex).unwrap_or_else(|e| panic!("{ex}: {e}"));
        Input::new(&one.x).unwrap_or_else(|e| panic!("{ex}: {e}"));
    }
    let doc = include_str!("../../docs/distributions.md");
    for ex in EXAMPLES {
        let body = ex.trim_start_matches("x = ");
        assert!(doc.contains(body), "docs/distributions.md lacks the example {body}");
    }
}

#[test]
fn a_bad_nested_parameter_is_located() {
    let from = r#"amount_msek = { dist = "pert", min = 0.0, mode = 0.25, max = 1.0, point = 0.0 }"#;
    let to = r#"amount_msek = { dist = "risk_event", prob = 0.2, impact = { dist = "pert", min = 3.0, mode = 1.0, max = 2.0 } }"#;
    assert!(models::DEFAULT_SCENARIO.contains(from));
    let text = models::DEFAULT_SCENARIO.replace(from, to);
    let e = Scenario::from_toml(&text, "t.toml").unwrap_err();
    assert_eq!(e.path(), "establishment.one_off[2].amount_msek.impact.max");
    let line = text.lines().position(|l| l.contains("risk_event")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("max = 2.0").unwrap() + "max = ".len() + 1;
    assert_eq!(e.location(), Some(("t.toml", line, col)), "{e}");
}

/// `normal` parses, but no field admits it: every field's support is bounded (also the growth
/// rates, whose support does permit negatives), so `scenario check` refuses it with the hint
/// to use `truncated_normal`, which the same field then accepts.
#[test]
fn a_normal_is_refused_everywhere_with_the_truncated_normal_as_the_fix() {
    let from = r#"high = { dist = "pert", min = 3.0, mode = 5.0, max = 8.0 }"#;
    assert!(models::DEFAULT_SCENARIO.contains(from));
    let normal = models::DEFAULT_SCENARIO.replace(from, r#"high = { dist = "normal", mean = 5.0, sd = 1.0 }"#);
    let e = Scenario::from_toml(&normal, "t.toml").unwrap_err().to_string();
    assert!(e.contains("growth_pct_per_year.high"), "{e}");
    assert!(e.contains("unbounded below") && e.contains("truncated_normal"), "{e}");
    let truncated = models::DEFAULT_SCENARIO.replace(
        from,
        r#"high = { dist = "truncated_normal", mean = 5.0, sd = 1.0, min = 0.0, max = 10.0 }"#,
    );
    Scenario::from_toml(&truncated, "t.toml").unwrap();
}
