//! An alternative's establishment effort scales every kind of distribution its three fields
//! may hold. Before `DistSpec::scaled`, `apply` scaled six kinds and left triple, beta,
//! truncated normal, discrete, empirical, risk event and reference-class inputs as they were.

use models::alternatives::apply;
use models::scenario::{Alternative, OneOff};
use models::{Model, Scenario};
use sim::DistSpec;
use sim::dist::{Input, TripleBounds};

#[test]
fn establishment_effort_scales_inputs_of_every_kind() {
    let mut s = Scenario::default_ggvv();
    let e = &mut s.establishment;
    e.project_labour_msek = DistSpec::Triple {
        min: 10.0,
        most_likely: 12.0,
        max: 16.0,
        bounds: TripleBounds::Absolute,
        point: None,
    };
    e.parallel_running_msek_per_year = DistSpec::RefClassOverrun {
        tail_prob: 0.1,
        body_mean: 6.0,
        body_sd: 1.0,
        body_min: 4.0,
        tail_scale: 8.0,
        tail_alpha: 1.5,
        tail_cap: 20.0,
        point: None,
    };
    let kinds = [
        DistSpec::Beta {
            alpha: 2.0,
            beta: 3.0,
            min: Some(0.5),
            max: Some(2.0),
            point: None,
        },
        DistSpec::TruncatedNormal {
            mean: 1.0,
            sd: 0.5,
            min: Some(0.0),
            max: None,
            point: None,
        },
        DistSpec::Discrete {
            values: vec![0.5, 1.0, 2.0],
            weights: None,
            point: None,
        },
        DistSpec::Empirical {
            observations: vec![0.4, 0.9, 1.7],
            point: None,
        },
        DistSpec::RiskEvent {
            prob: 0.5,
            impact: Box::new(DistSpec::Uniform {
                min: 1.0,
                max: 3.0,
                point: None,
            }),
            point: None,
        },
    ];
    e.one_off = kinds
        .into_iter()
        .enumerate()
        .map(|(i, amount_msek)| OneOff {
            name: format!("item {i}"),
            name_en: None,
            amount_msek,
            migration: i % 2 == 0,
        })
        .collect();
    let a = Alternative {
        name: "lean".into(),
        seed_wording: String::new(),
        savings_capture_pct: 100.0,
        establishment_effort_pct: 80.0,
        planned_months: s.establishment.planned_months,
        reversibility: String::new(),
        joint_organisation: true,
        risk_areas: vec![],
    };
    let v = apply(&s, &a);
    let (base, lean) = (&s.establishment, &v.establishment);
    let mut fields = vec![
        (&base.project_labour_msek, &lean.project_labour_msek),
        (
            &base.parallel_running_msek_per_year,
            &lean.parallel_running_msek_per_year,
        ),
    ];
    fields.extend(
        base.one_off
            .iter()
            .map(|o| &o.amount_msek)
            .zip(lean.one_off.iter().map(|o| &o.amount_msek)),
    );
    for (b, l) in fields {
        // Mean and point at 80 %, from the validated inputs (the means by their inverse CDFs).
        let (bi, li) = (Input::new(b).unwrap(), Input::new(l).unwrap());
        let mean = |i: &Input| {
            (0..10_000)
                .map(|j| i.quantile((j as f64 + 0.5) / 10_000.0))
                .sum::<f64>()
                / 1e4
        };
        assert_eq!(l, &b.scaled(0.8), "{b:?}");
        assert!(
            (mean(&li) - 0.8 * mean(&bi)).abs() < 1e-9 * mean(&bi).abs().max(1.0),
            "{b:?}"
        );
        assert!((li.point - 0.8 * bi.point).abs() < 1e-12, "{b:?}");
    }
    Model::new(&v).expect("the scaled scenario builds");
}
