//! One interface through which every analysis is shown: its JSON is its serde form
//! ([`crate::export::json::pretty`]), its console text comes from [`Render`] (the board
//! report's HTML sections are still in [`crate::export::html::analyses`]).

use models::alternatives::{AlternativesReport, RiskReport};
use models::decision::{DcReport, KeysReport, MembershipReport, OrgReport};
use models::followup::Followup;
use models::sensitivity::Sensitivity;

use crate::format::Lang;
use crate::text::{alternatives, compare, decision, followup, sensitivity};

/// How console text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Rows shown per ranked table (the sensitivity tables; the other analyses show every row).
    pub top: usize,
    /// Language of the text that has both (explain); the others print English.
    pub lang: Lang,
}

impl Default for TextOptions {
    fn default() -> TextOptions {
        TextOptions {
            top: 10,
            lang: Lang::Sv,
        }
    }
}

/// An analysis's report as a reader sees it.
pub trait Render {
    /// The console text.
    fn text(&self, opts: &TextOptions) -> String;

    /// The board report's section, or `None` where the report has none (follow-up, compare).
    fn html(&self, _lang: Lang) -> Option<String> {
        None
    }
}

impl Render for KeysReport {
    fn text(&self, _: &TextOptions) -> String {
        decision::keys_text(self)
    }
}

impl Render for OrgReport {
    fn text(&self, _: &TextOptions) -> String {
        decision::org_text(self)
    }
}

impl Render for DcReport {
    fn text(&self, _: &TextOptions) -> String {
        decision::dc_text(self)
    }
}

impl Render for MembershipReport {
    fn text(&self, _: &TextOptions) -> String {
        decision::membership_text(self)
    }
}

impl Render for AlternativesReport {
    fn text(&self, _: &TextOptions) -> String {
        alternatives::alternatives_text(self)
    }
}

impl Render for RiskReport {
    fn text(&self, _: &TextOptions) -> String {
        alternatives::risks_text(self)
    }
}

impl Render for Sensitivity {
    fn text(&self, opts: &TextOptions) -> String {
        sensitivity::to_text(self, opts.top)
    }
}

impl Render for models::explain::Explain {
    fn text(&self, opts: &TextOptions) -> String {
        crate::text::explain::to_text(self, opts.lang)
    }
}

impl Render for Followup {
    fn text(&self, _: &TextOptions) -> String {
        followup::to_text(self)
    }
}

impl Render for models::CompareSummary {
    fn text(&self, _: &TextOptions) -> String {
        compare::to_text(self)
    }
}
