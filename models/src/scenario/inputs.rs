//! The registry of uncertain inputs: every distribution a run draws, declared once with its
//! field path, unit, sensitivity group, Swedish and English label, source and allowed range.
//!
//! Scenario loading (which fields are drawn, what range each may take), the model's slots,
//! the sensitivity and value-of-information groups and the reports' labels all read
//! [`REGISTRY`]; an input's path string is written only here. Inputs in lists (phases,
//! one-off items, savings posts, staffing roles, risks) and the growth rates are families:
//! one entry, with the list index or the rate's name in the path.
//!
//! To add an uncertain input: a `DistSpec` field in its section's struct, a kind here with its
//! [`InputDef`], one line in [`Scenario::for_each_input_mut`], and the model's use of its slot.

use sim::DistSpec;
use sim::dist::Input;

use super::error::Problems;
use super::kommuner::volume_sv;
use super::{Scenario, name_in};

/// What an uncertain input is; with [`InputId::index`] or [`InputId::key`] for a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputKind {
    /// Cost growth per year of a named rate (`key`).
    Growth,
    ProjectLabour,
    ParallelRunning,
    ScheduleOverrun,
    /// The reference class's overrun of the whole establishment cost (the outside view).
    ReferenceClassOverrun,
    /// Duration of phase `index`.
    PhaseDuration,
    /// Amount of one-off item `index`.
    OneOffAmount,
    /// Saving rate of savings post `index`.
    SavingRate,
    StrategicFte,
    /// Volume per FTE of staffing role `index`.
    RolePerFte,
    /// Occurrence draw of risk `index`.
    RiskOccurs,
    /// Cost of risk `index` in the register's data-centre case (`key`).
    RiskCost,
    /// Delay of risk `index` in the register's data-centre case (`key`).
    RiskDelay,
    /// Months from the end of migration to full effect of the savings.
    SavingsRampMonths,
    /// The joint organisation's whole staff (instead of the roles).
    TotalFte,
    /// IT staff each kommun keeps itself after joining.
    LocalFte,
    /// Security a kommun meets alone, per kommun and year.
    StandAloneSecurity,
    /// Kommun `index`'s true cost against its row of the 2024 table.
    CostFactor,
}

/// The unit of an input's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Msek,
    MsekPerYear,
    Pct,
    PctPerYear,
    Months,
    Fte,
    /// Kommun volume (the role's) served per FTE.
    VolumePerFte,
    /// A uniform draw on 0..1.
    Draw,
}

impl Unit {
    /// How the unit is written in labels: (Swedish, English); `{volume}` is the role's volume.
    pub fn text(self) -> (&'static str, &'static str) {
        match self {
            Unit::Msek => ("mnkr", "MSEK"),
            Unit::MsekPerYear => ("mnkr/år", "MSEK/yr"),
            Unit::Pct => ("%", "%"),
            Unit::PctPerYear => ("%/år", "%/yr"),
            Unit::Months => ("mån", "months"),
            Unit::Fte => ("årsarbetare", "FTE"),
            Unit::VolumePerFte => ("{volume} per årsarbetare", "{volume} per FTE"),
            Unit::Draw => ("slumptal 0–1", "uniform draw 0–1"),
        }
    }
}

/// A group of inputs one study could resolve, for sensitivity and value of information.
/// Every input belongs to exactly one; groups are reported in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputGroup {
    /// The reference class's overrun: the outside view of the establishment cost.
    ReferenceClass,
    /// The migration one-off items.
    Migration,
    /// Phase durations and the schedule overrun.
    Schedule,
    ParallelRunning,
    ProjectLabour,
    /// One-off items not linked to the migration.
    OtherOneOffs,
    /// Savings post `n`.
    Saving(usize),
    /// Every savings post together: `riskkalkyl explain`'s grouping ([`InputGroup::explain`]);
    /// no input's own group.
    Savings,
    /// The ramp from the end of migration to full effect.
    SavingsRamp,
    /// Phase lengths and project labour together: `riskkalkyl explain`'s grouping; no input's
    /// own group.
    ScheduleAndLabour,
    /// Every named one-off item (migration and other): `riskkalkyl explain`'s grouping; no
    /// input's own group.
    OneOffs,
    Staffing,
    Growth,
    RiskRegister,
    /// What staying alone costs: security alone, the 2024 table's accuracy.
    StayingAlone,
}

impl InputGroup {
    /// The coarser group `riskkalkyl explain` splits a difference by: its exact Shapley values
    /// take all 2^k subsets of groups, so the savings posts go together; every other group is
    /// the registry's own, so sensitivity, value of information and explain name the same groups.
    pub fn explain(self) -> InputGroup {
        match self {
            // The ramp with the savings: how much and how fast (fidelity review §3.4, G6).
            InputGroup::Saving(_) | InputGroup::SavingsRamp => InputGroup::Savings,
            // Nine groups as the fidelity review's §8.2 (512 subsets): the timeline with the
            // labour it stretches (G2), the named one-off items together (G4).
            InputGroup::Schedule | InputGroup::ProjectLabour => InputGroup::ScheduleAndLabour,
            InputGroup::Migration | InputGroup::OtherOneOffs => InputGroup::OneOffs,
            g => g,
        }
    }

    /// A stable identifier (JSON, the report's sentence per group): "risk_register".
    pub fn id(self) -> String {
        match self {
            InputGroup::ReferenceClass => "reference_class".into(),
            InputGroup::Migration => "migration".into(),
            InputGroup::Schedule => "schedule".into(),
            InputGroup::ParallelRunning => "parallel_running".into(),
            InputGroup::ProjectLabour => "project_labour".into(),
            InputGroup::OtherOneOffs => "other_one_offs".into(),
            InputGroup::Saving(i) => format!("saving_{i}"),
            InputGroup::Staffing => "staffing".into(),
            InputGroup::Growth => "growth".into(),
            InputGroup::RiskRegister => "risk_register".into(),
            InputGroup::Savings => "savings".into(),
            InputGroup::ScheduleAndLabour => "schedule_and_labour".into(),
            InputGroup::OneOffs => "one_offs".into(),
            InputGroup::SavingsRamp => "savings_ramp".into(),
            InputGroup::StayingAlone => "staying_alone".into(),
        }
    }
}

/// How an input's group is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupRule {
    Always(InputGroup),
    /// [`InputGroup::Migration`] for a one-off item marked `migration`, else
    /// [`InputGroup::OtherOneOffs`].
    OneOffByMigration,
    /// Each savings post its own group.
    PerSavingPost,
}

/// The values an input's distribution may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Allowed {
    /// Every possible value within `lo..=hi` (`hi` may be infinite: unbounded above).
    Within(f64, f64),
    /// Above `lo` (strictly) and bounded.
    AboveBounded(f64),
    /// At least `lo` and bounded.
    AtLeastBounded(f64),
}

impl Allowed {
    fn admits(self, lo: f64, hi: f64) -> bool {
        match self {
            Allowed::Within(min, max) => lo >= min && hi <= max,
            Allowed::AboveBounded(min) => lo > min && hi.is_finite(),
            Allowed::AtLeastBounded(min) => lo >= min && hi.is_finite(),
        }
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputDef {
    pub kind: InputKind,
    /// Field path; `{i}` stands for the list index, `{key}` for the rate name or risk case.
    pub path: &'static str,
    pub unit: Unit,
    pub group: GroupRule,
    /// Label before the unit; `{name}` is the entry's name (phase, item, post, role, risk
    /// area; for a growth rate the categories that follow it).
    pub label_sv: &'static str,
    pub label_en: &'static str,
    /// Where the default scenario's values come from, as its comments cite it.
    pub source: &'static str,
    pub allowed: Allowed,
    /// Why a value outside `allowed` is refused.
    pub allowed_why: &'static str,
}

const COST: (Allowed, &str) = (Allowed::Within(0.0, f64::INFINITY), "a cost cannot be negative");
const POSITIVE: (Allowed, &str) = (Allowed::AboveBounded(0.0), "must be positive and bounded");

/// Every kind of uncertain input, in the order of [`InputKind`].
pub const REGISTRY: [InputDef; 18] = [
    InputDef {
        kind: InputKind::Growth,
        path: "growth_pct_per_year.{key}",
        unit: Unit::PctPerYear,
        group: GroupRule::Always(InputGroup::Growth),
        label_sv: "Kostnadsökning: {name}",
        label_en: "Cost growth: {name}",
        source: "seed 000 4.1",
        allowed: Allowed::Within(-50.0, 100.0),
        allowed_why: "a growth rate must stay within -50..100 % a year",
    },
    InputDef {
        kind: InputKind::ProjectLabour,
        path: "establishment.project_labour_msek",
        unit: Unit::Msek,
        group: GroupRule::Always(InputGroup::ProjectLabour),
        label_sv: "Projektarbete",
        label_en: "Project labour",
        source: "seed 000 4.2",
        allowed: COST.0,
        allowed_why: COST.1,
    },
    InputDef {
        kind: InputKind::ParallelRunning,
        path: "establishment.parallel_running_msek_per_year",
        unit: Unit::MsekPerYear,
        group: GroupRule::Always(InputGroup::ParallelRunning),
        label_sv: "Parallell drift",
        label_en: "Parallel running",
        source: "seed 000 4.4",
        allowed: COST.0,
        allowed_why: COST.1,
    },
    InputDef {
        kind: InputKind::ScheduleOverrun,
        path: "establishment.schedule_overrun_pct",
        unit: Unit::Pct,
        group: GroupRule::Always(InputGroup::Schedule),
        label_sv: "Tidsöverdrag",
        label_en: "Schedule overrun",
        source: "Green Book",
        allowed: Allowed::AboveBounded(-100.0),
        allowed_why: "a schedule overrun must be above -100 % and bounded",
    },
    InputDef {
        kind: InputKind::ReferenceClassOverrun,
        path: "establishment.reference_class_overrun_pct",
        unit: Unit::Pct,
        group: GroupRule::Always(InputGroup::ReferenceClass),
        label_sv: "Kostnadsöverdrag i jämförbara IT-projekt (referensklass)",
        label_en: "Cost overrun of comparable IT projects (reference class)",
        source: "Flyvbjerg & Budzier 2011",
        allowed: Allowed::AtLeastBounded(-100.0),
        allowed_why: "a cost overrun must be at least -100 % and bounded",
    },
    InputDef {
        kind: InputKind::PhaseDuration,
        path: "establishment.phases[{i}].duration_months",
        unit: Unit::Months,
        group: GroupRule::Always(InputGroup::Schedule),
        label_sv: "Fasens längd: {name}",
        label_en: "Phase length: {name}",
        source: "seed 004",
        allowed: POSITIVE.0,
        allowed_why: POSITIVE.1,
    },
    InputDef {
        kind: InputKind::OneOffAmount,
        path: "establishment.one_off[{i}].amount_msek",
        unit: Unit::Msek,
        group: GroupRule::OneOffByMigration,
        label_sv: "{name}",
        label_en: "{name}",
        source: "seed 000 4.2",
        allowed: COST.0,
        allowed_why: COST.1,
    },
    InputDef {
        kind: InputKind::SavingRate,
        path: "savings[{i}].rate_pct",
        unit: Unit::Pct,
        group: GroupRule::PerSavingPost,
        label_sv: "Besparing: {name}",
        label_en: "Saving: {name}",
        source: "seed 000 4.3",
        allowed: Allowed::Within(-100.0, 100.0),
        allowed_why: "a saving rate lies within -100..100 %",
    },
    InputDef {
        kind: InputKind::StrategicFte,
        path: "staffing.strategic_fte",
        unit: Unit::Fte,
        group: GroupRule::Always(InputGroup::Staffing),
        label_sv: "Strategiskt stöd",
        label_en: "Strategic support",
        source: "seed 004",
        allowed: Allowed::Within(0.0, f64::INFINITY),
        allowed_why: "staff cannot be negative",
    },
    InputDef {
        kind: InputKind::RolePerFte,
        path: "staffing.roles[{i}].per_fte",
        unit: Unit::VolumePerFte,
        group: GroupRule::Always(InputGroup::Staffing),
        label_sv: "Bemanning: {name}",
        label_en: "Staffing: {name}",
        source: "seed 004",
        allowed: POSITIVE.0,
        allowed_why: POSITIVE.1,
    },
    InputDef {
        kind: InputKind::RiskOccurs,
        path: "risk_register.risks[{i}].occurs",
        unit: Unit::Draw,
        group: GroupRule::Always(InputGroup::RiskRegister),
        label_sv: "Risk {name}: inträffar",
        label_en: "Risk {name}: occurs",
        source: "seed 004",
        allowed: Allowed::Within(0.0, 1.0),
        allowed_why: "the occurrence draw is uniform on 0..1 (set by the program)",
    },
    InputDef {
        kind: InputKind::RiskCost,
        path: "risk_register.risks[{i}].{key}.cost_msek",
        unit: Unit::Msek,
        group: GroupRule::Always(InputGroup::RiskRegister),
        label_sv: "Risk {name}: kostnad om den inträffar",
        label_en: "Risk {name}: cost if it occurs",
        source: "seed 004",
        allowed: COST.0,
        allowed_why: COST.1,
    },
    InputDef {
        kind: InputKind::RiskDelay,
        path: "risk_register.risks[{i}].{key}.delay_months",
        unit: Unit::Months,
        group: GroupRule::Always(InputGroup::RiskRegister),
        label_sv: "Risk {name}: försening om den inträffar",
        label_en: "Risk {name}: delay if it occurs",
        source: "seed 004",
        allowed: Allowed::Within(0.0, 120.0),
        allowed_why: "a delay lies within 0..120 months",
    },
    InputDef {
        kind: InputKind::SavingsRampMonths,
        path: "savings_ramp.ramp_months",
        unit: Unit::Months,
        group: GroupRule::Always(InputGroup::SavingsRamp),
        label_sv: "Tid till full besparingseffekt",
        label_en: "Time to full saving effect",
        source: "seed 000 4.3",
        allowed: Allowed::Within(0.0, 600.0),
        allowed_why: "the ramp to full effect lies within 0..600 months",
    },
    InputDef {
        kind: InputKind::TotalFte,
        path: "staffing.total_fte",
        unit: Unit::Fte,
        group: GroupRule::Always(InputGroup::Staffing),
        label_sv: "Bemanning i den gemensamma organisationen",
        label_en: "Staff of the joint organisation",
        source: "seed 004",
        allowed: Allowed::AtLeastBounded(0.0),
        allowed_why: "staff cannot be negative and must be bounded",
    },
    InputDef {
        kind: InputKind::LocalFte,
        path: "staffing.local_fte_per_kommun",
        unit: Unit::Fte,
        group: GroupRule::Always(InputGroup::Staffing),
        label_sv: "Lokal IT-kompetens per kommun",
        label_en: "Local IT staff per kommun",
        source: "seed 000 4.3",
        allowed: Allowed::Within(0.0, 1000.0),
        allowed_why: "a kommun's own IT staff lies within 0..1000 FTE",
    },
    InputDef {
        kind: InputKind::StandAloneSecurity,
        path: "counterfactual.security_msek_per_year_per_kommun",
        unit: Unit::MsekPerYear,
        group: GroupRule::Always(InputGroup::StayingAlone),
        label_sv: "Egen cybersäkerhet per kommun (ensam)",
        label_en: "Own security per kommun (alone)",
        source: "seed 003",
        allowed: Allowed::Within(0.0, 1e4),
        allowed_why: "a yearly cost within 0..10 000 MSEK",
    },
    InputDef {
        kind: InputKind::CostFactor,
        path: "kommuner[{i}].cost_factor_pct",
        unit: Unit::Pct,
        group: GroupRule::Always(InputGroup::StayingAlone),
        label_sv: "Verklig kostnad mot 2024-tabellen: {name}",
        label_en: "True cost against the 2024 table: {name}",
        source: "seed 000 2.3",
        allowed: Allowed::Within(10.0, 1000.0),
        allowed_why: "a kommun's true cost lies within 10..1000 % of its 2024 row",
    },
];

impl InputKind {
    /// The kind's registry entry.
    pub fn def(self) -> &'static InputDef {
        &REGISTRY[self as usize]
    }
}

/// One uncertain input of a scenario: its kind, and for a family the list index or key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputId {
    pub kind: InputKind,
    /// List index (phases, one-off items, savings posts, roles, risks); 0 otherwise.
    pub index: usize,
    /// Growth rate name, or the risk's data-centre case ("existing", "new"); empty otherwise.
    pub key: String,
}

impl InputId {
    /// An input that is not in a list.
    pub fn single(kind: InputKind) -> InputId {
        InputId {
            kind,
            index: 0,
            key: String::new(),
        }
    }

    /// Entry `index` of a list family.
    pub fn at(kind: InputKind, index: usize) -> InputId {
        InputId {
            kind,
            index,
            key: String::new(),
        }
    }

    /// The growth rate called `name`.
    pub fn growth(name: &str) -> InputId {
        InputId {
            kind: InputKind::Growth,
            index: 0,
            key: name.to_string(),
        }
    }

    /// Risk `index`'s cost or delay in data-centre case `case`.
    pub fn risk(kind: InputKind, index: usize, case: &str) -> InputId {
        InputId {
            kind,
            index,
            key: case.to_string(),
        }
    }

    /// The field path, e.g. `establishment.phases[2].duration_months`: the input's name in
    /// `--samples` columns, `[correlation]` and the common-random-number streams.
    pub fn path(&self) -> String {
        let template = self.kind.def().path;
        // Most paths have no placeholder, and validation asks for paths often.
        if !template.contains('{') {
            return template.to_string();
        }
        template
            .replace("{i}", &self.index.to_string())
            .replace("{key}", &self.key)
    }

    /// The group the input belongs to in `s`.
    pub fn group(&self, s: &Scenario) -> InputGroup {
        match self.kind.def().group {
            GroupRule::Always(g) => g,
            GroupRule::PerSavingPost => InputGroup::Saving(self.index),
            GroupRule::OneOffByMigration => {
                if s.establishment.one_off.get(self.index).is_some_and(|o| o.migration) {
                    InputGroup::Migration
                } else {
                    InputGroup::OtherOneOffs
                }
            }
        }
    }

    /// The entry's name in `s` for `{name}` in a label, Swedish or English.
    fn name(&self, s: &Scenario, en: bool) -> String {
        let i = self.index;
        let or_unknown = |n: Option<&str>| n.unwrap_or("?").to_string();
        match self.kind {
            InputKind::Growth => {
                let cats: Vec<&str> = s
                    .categories
                    .iter()
                    .filter(|c| c.growth == self.key)
                    .map(|c| name_in(&c.name, &c.name_en, en))
                    .collect();
                match cats.as_slice() {
                    [] => self.key.clone(),
                    [one] => one.to_string(),
                    [first, ..] => format!("{first} {}", if en { "etc." } else { "m.fl." }),
                }
            }
            InputKind::PhaseDuration => {
                or_unknown(s.establishment.phases.get(i).map(|p| name_in(&p.name, &p.name_en, en)))
            }
            InputKind::OneOffAmount => {
                or_unknown(s.establishment.one_off.get(i).map(|p| name_in(&p.name, &p.name_en, en)))
            }
            InputKind::SavingRate => or_unknown(s.savings.get(i).map(|p| name_in(&p.name, &p.name_en, en))),
            InputKind::RolePerFte => or_unknown(s.staffing.roles.get(i).map(|p| name_in(&p.name, &p.name_en, en))),
            InputKind::CostFactor => or_unknown(s.kommuner.get(i).map(|k| k.name.as_str())),
            InputKind::RiskOccurs | InputKind::RiskCost | InputKind::RiskDelay => or_unknown(
                s.risk_register
                    .as_ref()
                    .and_then(|r| r.risks.get(i))
                    .map(|r| name_in(&r.area, &r.area_en, en)),
            ),
            InputKind::ProjectLabour
            | InputKind::ParallelRunning
            | InputKind::ScheduleOverrun
            | InputKind::ReferenceClassOverrun
            | InputKind::StrategicFte
            | InputKind::SavingsRampMonths
            | InputKind::TotalFte
            | InputKind::LocalFte
            | InputKind::StandAloneSecurity => String::new(),
        }
    }

    /// The reader's name of the input in `s`, e.g. "Fasens längd: Designa och bygga (mån)".
    pub fn label(&self, s: &Scenario) -> InputLabel {
        let def = self.kind.def();
        let (unit_sv, unit_en) = def.unit.text();
        let volume = s.staffing.roles.get(self.index).map_or("", |r| r.volume.as_str());
        let one = |template: &str, unit: &str, en: bool| {
            let unit = if self.kind == InputKind::RolePerFte {
                unit.replace("{volume}", if en { volume } else { volume_sv(volume) })
            } else {
                unit.to_string()
            };
            format!("{} ({unit})", template.replace("{name}", &self.name(s, en)))
        };
        InputLabel {
            sv: one(def.label_sv, unit_sv, false),
            en: one(def.label_en, unit_en, true),
        }
    }

    /// The name without its unit, for a sentence ("Besparing: Licensoptimering" rather than
    /// "... (%)").
    pub fn name_label(&self, s: &Scenario) -> InputLabel {
        let def = self.kind.def();
        InputLabel {
            sv: def.label_sv.replace("{name}", &self.name(s, false)),
            en: def.label_en.replace("{name}", &self.name(s, true)),
        }
    }
}

/// An input's or a group's label in both report languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLabel {
    pub sv: String,
    pub en: String,
}

impl InputGroup {
    /// The group's label in `s` (a savings group is named by its post).
    pub fn label(self, s: &Scenario) -> InputLabel {
        let (sv, en) = match self {
            InputGroup::ReferenceClass => (
                "Referensklassen (jämförbara IT-projekt)",
                "Reference class (comparable IT projects)",
            ),
            InputGroup::Migration => ("Migrering (engångskostnad)", "Migration (one-off cost)"),
            InputGroup::Schedule => (
                "Tidplan (fasernas längd, förseningar)",
                "Schedule (phase lengths, delays)",
            ),
            InputGroup::ParallelRunning => ("Parallelldrift", "Parallel running"),
            InputGroup::ProjectLabour => ("Projektarbete", "Project labour"),
            InputGroup::OtherOneOffs => ("Övriga engångskostnader", "Other one-off costs"),
            InputGroup::Saving(i) => {
                let (sv, en) = s
                    .savings
                    .get(i)
                    .map_or(("?", "?"), |p| (p.name.as_str(), name_in(&p.name, &p.name_en, true)));
                return InputLabel {
                    sv: format!("Besparing: {sv}"),
                    en: format!("Saving: {en}"),
                };
            }
            InputGroup::SavingsRamp => ("Tid till full besparingseffekt", "Time to full saving effect"),
            InputGroup::Staffing => (
                "Bemanning (gemensam organisation, lokal IT-kompetens)",
                "Staffing (joint organisation, local IT staff)",
            ),
            InputGroup::Growth => ("Kostnadsutveckling", "Cost growth"),
            InputGroup::Savings => ("Besparingar (alla poster)", "Savings (every post)"),
            InputGroup::ScheduleAndLabour => ("Tidplan och projektarbete", "Schedule and project labour"),
            InputGroup::OneOffs => ("Namngivna engångsposter", "Named one-off items"),
            InputGroup::RiskRegister => (
                "Riskregistret (Ateas nio riskområden)",
                "Risk register (Atea's nine risk areas)",
            ),
            InputGroup::StayingAlone => (
                "Att stå ensam (egen cybersäkerhet, 2024-tabellens osäkerhet)",
                "Staying alone (own security, the 2024 table's accuracy)",
            ),
        };
        InputLabel {
            sv: sv.into(),
            en: en.into(),
        }
    }
}

impl Scenario {
    /// Every uncertain input's id, in the order of [`Scenario::inputs`].
    pub fn input_ids(&self) -> Vec<InputId> {
        let mut v = Vec::new();
        self.clone().visit_inputs_mut(|id, _| v.push(id));
        v
    }

    /// The input whose field path is `path`, if the scenario has it.
    pub fn input_id(&self, path: &str) -> Option<InputId> {
        self.input_ids().into_iter().find(|id| id.path() == path)
    }

    /// Visit every uncertain input mutably, with its id: the one place that maps the
    /// registry's kinds onto the scenario's fields, in the fixed order of the sampled columns.
    pub(crate) fn visit_inputs_mut(&mut self, mut f: impl FnMut(InputId, &mut DistSpec)) {
        use InputKind as K;
        for (name, d) in self.growth_pct_per_year.iter_mut() {
            f(InputId::growth(name), d);
        }
        let e = &mut self.establishment;
        f(InputId::single(K::ProjectLabour), &mut e.project_labour_msek);
        f(
            InputId::single(K::ParallelRunning),
            &mut e.parallel_running_msek_per_year,
        );
        f(InputId::single(K::ScheduleOverrun), &mut e.schedule_overrun_pct);
        f(
            InputId::single(K::ReferenceClassOverrun),
            &mut e.reference_class_overrun_pct,
        );
        for (i, p) in e.phases.iter_mut().enumerate() {
            f(InputId::at(K::PhaseDuration, i), &mut p.duration_months);
        }
        for (i, o) in e.one_off.iter_mut().enumerate() {
            f(InputId::at(K::OneOffAmount, i), &mut o.amount_msek);
        }
        for (i, s) in self.savings.iter_mut().enumerate() {
            f(InputId::at(K::SavingRate, i), &mut s.rate_pct);
        }
        f(
            InputId::single(K::SavingsRampMonths),
            &mut self.savings_ramp.ramp_months,
        );
        let st = &mut self.staffing;
        if let Some(total) = &mut st.total_fte {
            f(InputId::single(K::TotalFte), total);
        }
        if let Some(strategic) = &mut st.strategic_fte {
            f(InputId::single(K::StrategicFte), strategic);
        }
        for (i, r) in st.roles.iter_mut().enumerate() {
            f(InputId::at(K::RolePerFte, i), &mut r.per_fte);
        }
        if let Some(local) = &mut st.local_fte_per_kommun {
            f(InputId::single(K::LocalFte), local);
        }
        if let Some(c) = &mut self.counterfactual {
            f(
                InputId::single(K::StandAloneSecurity),
                &mut c.security_msek_per_year_per_kommun,
            );
        }
        for (i, k) in self.kommuner.iter_mut().enumerate() {
            if let Some(factor) = &mut k.cost_factor_pct {
                f(InputId::at(K::CostFactor, i), factor);
            }
        }
        if let Some(reg) = &mut self.risk_register {
            let case = reg.case_name();
            for (i, r) in reg.risks.iter_mut().enumerate() {
                f(InputId::at(K::RiskOccurs, i), &mut r.occurs);
                let c = if case == "new" { &mut r.new } else { &mut r.existing };
                f(InputId::risk(K::RiskCost, i, case), &mut c.cost_msek);
                f(InputId::risk(K::RiskDelay, i, case), &mut c.delay_months);
            }
        }
    }

    /// Each input's distribution: valid parameters, and values within what the registry
    /// allows for its kind.
    pub(crate) fn check_inputs(&self, out: &mut Problems) {
        for (id, spec) in self.input_ids().into_iter().zip(self.inputs()) {
            let path = spec.0;
            match Input::new(&spec.1) {
                Err(e) => out.bad(format!("{path}.{}", e.param), e.problem.clone(), &e.hint),
                Ok(inp) => {
                    let (lo, hi) = (inp.lo, inp.hi);
                    let def = id.kind.def();
                    if !def.allowed.admits(lo, hi) {
                        // Every field's support is bounded, so a law unbounded below (a normal)
                        // is never admitted: say what to use instead.
                        let hint = if lo == f64::NEG_INFINITY {
                            "this law is unbounded below: use truncated_normal with min (and max) inside the allowed range, or pert, triangular, uniform"
                        } else {
                            "narrow the distribution's range"
                        };
                        out.bad(path, format!("possible values {lo}..{hi}: {}", def.allowed_why), hint);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_in_kind_order_and_complete() {
        for (i, d) in REGISTRY.iter().enumerate() {
            assert_eq!(d.kind as usize, i, "{:?} out of order", d.kind);
            assert!(
                !d.label_sv.trim().is_empty() && !d.label_en.trim().is_empty(),
                "{:?}",
                d.kind
            );
            assert!(!d.source.is_empty() && !d.allowed_why.is_empty(), "{:?}", d.kind);
            let (sv, en) = d.unit.text();
            assert!(!sv.is_empty() && !en.is_empty());
            // Paths are unique, and a family's path has its index or key.
            assert_eq!(REGISTRY.iter().filter(|e| e.path == d.path).count(), 1, "{}", d.path);
        }
    }

    #[test]
    fn paths_and_ids_round_trip() {
        let s = Scenario::default_ggvv();
        let ids = s.input_ids();
        let paths: Vec<String> = s.inputs().into_iter().map(|(p, _)| p).collect();
        assert_eq!(ids.iter().map(InputId::path).collect::<Vec<_>>(), paths);
        assert!(paths.contains(&"establishment.phases[2].duration_months".to_string()));
        for id in &ids {
            assert_eq!(s.input_id(&id.path()).as_ref(), Some(id));
        }
        assert_eq!(s.input_id("establishment.planned_months"), None);
    }

    /// The default scenario and the bench scenarios (one has the risk register).
    fn scenarios() -> Vec<(String, Scenario, String)> {
        let mut v = vec![(
            "ggvv".to_string(),
            Scenario::default_ggvv(),
            crate::DEFAULT_SCENARIO.to_string(),
        )];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../benches/scenarios");
        for name in ["ggvv_horizon_2047.toml", "ggvv_x3_12_kommuner.toml"] {
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            let s = Scenario::from_toml(&text, name).unwrap();
            v.push((name.to_string(), s, text));
        }
        assert!(v.iter().any(|(_, s, _)| s.risk_register.is_some()));
        v
    }

    #[test]
    fn every_input_is_in_exactly_one_group_and_labelled_in_both_languages() {
        for (name, s, _) in scenarios() {
            let model = crate::Model::new(&s).unwrap();
            let groups = crate::sensitivity::groups(&s, &model);
            let mut seen = vec![0; model.input_names().len()];
            for g in &groups {
                assert!(!g.inputs.is_empty(), "{name}: empty group {}", g.name);
                for &i in &g.inputs {
                    seen[i] += 1;
                }
            }
            for (i, n) in seen.iter().enumerate() {
                assert_eq!(*n, 1, "{name}: {} is in {n} groups", model.input_names()[i]);
            }
            for id in s.input_ids() {
                let l = id.label(&s);
                for text in [&l.sv, &l.en] {
                    assert!(
                        !text.trim().is_empty() && !text.contains('{') && !text.contains('?'),
                        "{name}: {} labelled {text:?}",
                        id.path()
                    );
                }
                assert_ne!(l.sv, l.en, "{name}: {} has no Swedish label of its own", id.path());
                let g = id.group(&s).label(&s);
                assert!(!g.sv.is_empty() && !g.en.is_empty());
            }
        }
    }

    #[test]
    fn the_english_label_takes_the_english_name_and_the_sentence_name_has_no_unit() {
        let mut s = Scenario::default_ggvv();
        let id = InputId::at(InputKind::SavingRate, 1);
        let post = &s.savings[1];
        let en = post
            .name_en
            .clone()
            .expect("the default names its savings posts in English");
        assert_eq!(id.label(&s).sv, format!("Besparing: {} (%)", post.name));
        assert_eq!(id.label(&s).en, format!("Saving: {en} (%)"));
        assert_eq!(id.name_label(&s).sv, format!("Besparing: {}", post.name));
        assert_eq!(id.name_label(&s).en, format!("Saving: {en}"));
        assert_eq!(id.group(&s).label(&s).en, format!("Saving: {en}"));
        let risk = InputId::at(InputKind::RiskCost, 0);
        let area_en = s.risk_register.as_ref().unwrap().risks[0].area_en.clone().unwrap();
        assert!(risk.label(&s).en.contains(&area_en), "{:?}", risk.label(&s));
        // Without an English name the English label names the item as the file writes it.
        s.savings[1].name_en = None;
        assert_eq!(id.label(&s).en, format!("Saving: {} (%)", s.savings[1].name));
    }

    #[test]
    fn the_migration_group_takes_the_migration_one_offs() {
        let s = Scenario::default_ggvv();
        let one_off = |i| InputId::at(InputKind::OneOffAmount, i).group(&s);
        assert!(s.establishment.one_off[0].migration && !s.establishment.one_off[1].migration);
        assert_eq!(one_off(0), InputGroup::Migration);
        assert_eq!(one_off(1), InputGroup::OtherOneOffs);
        assert_eq!(
            InputId::at(InputKind::SavingRate, 2).group(&s).label(&s).sv,
            format!("Besparing: {}", s.savings[2].name)
        );
    }

    #[test]
    fn the_sources_are_cited_by_the_scenarios_that_use_them() {
        let all = scenarios();
        for d in &REGISTRY {
            let cited = all
                .iter()
                .any(|(_, s, text)| text.contains(d.source) && s.input_ids().iter().any(|id| id.kind == d.kind));
            assert!(cited, "no scenario with {:?} cites {}", d.kind, d.source);
        }
    }

    #[test]
    fn a_range_the_registry_refuses_names_the_input() {
        let mut s = Scenario::default_ggvv();
        s.savings[1].rate_pct = DistSpec::Uniform {
            min: -150.0,
            max: 10.0,
            point: None,
        };
        let e = s.validate().unwrap_err();
        assert_eq!(e.path(), "savings[1].rate_pct");
        assert!(e.problem().contains(InputKind::SavingRate.def().allowed_why), "{e}");
        assert_eq!(e.location(), None);
        assert!(
            e.to_string()
                .starts_with("scenario built in code: savings[1].rate_pct:"),
            "{e}"
        );
    }
}
