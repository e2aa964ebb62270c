//! The pieces several page models share: links, table rows, times, change rows, what every
//! record page shows (`RecordHeader`), SLA and team summaries; and the words records' enums are
//! shown as. Plain serialisable data, no lookups: `facts.rs` fills them in.

use crate::model::{Kind, ServiceHours, SlaSpec};
use jiff::Timestamp;
use serde::Serialize;

/// A link to a record; `href` is `None` when the record does not exist (a dangling
/// reference is shown as text).
#[derive(Clone, Debug, Serialize)]
pub(super) struct LinkTo {
    pub(super) name: String,
    pub(super) reference: String,
    pub(super) href: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Row<'a> {
    pub(super) name: &'a str,
    pub(super) reference: &'a str,
    pub(super) href: &'a str,
    pub(super) kind: &'static str,
    pub(super) tier: Option<u8>,
    pub(super) effect: &'static str,
    /// The records between the page's record and this one, by name (`A → B`); empty when
    /// the relation is direct. Text, not links: every one of them has a row of its own.
    pub(super) via: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Time {
    pub(super) text: String,
    pub(super) iso: String,
}

pub(super) fn time(t: Timestamp) -> Time {
    Time {
        text: t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        iso: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct ChangeRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) href: String,
    pub(super) change_type: &'static str,
    pub(super) status: &'static str,
    pub(super) risk: &'static str,
    pub(super) start: Time,
    pub(super) end: Time,
    pub(super) outcome: Option<String>,
    /// How it touches the record of the page: `affected` (named), `full`, `partial`.
    pub(super) effect: &'static str,
    pub(super) conflicts: Vec<LinkTo>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct Commit {
    pub(super) sha: String,
    pub(super) short: String,
    pub(super) date: String,
    pub(super) author: String,
    pub(super) subject: String,
    pub(super) url: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct LabelRow {
    pub(super) key: String,
    pub(super) value: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct SafeLink {
    pub(super) title: String,
    /// `None` when the address is not http(s) or mailto: shown as text.
    pub(super) url: Option<String>,
    pub(super) text: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct RecordHeader {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) reference: String,
    pub(super) file: String,
    pub(super) description: Option<String>,
    pub(super) labels: Vec<LabelRow>,
    pub(super) links: Vec<SafeLink>,
    pub(super) history: Vec<Commit>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct SlaSummary {
    pub(super) link: LinkTo,
    pub(super) sla_type: &'static str,
    pub(super) availability: String,
    pub(super) hours: Option<String>,
    pub(super) priorities: Vec<PriorityRow>,
    pub(super) rto: Option<String>,
    pub(super) rpo: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct PriorityRow {
    pub(super) priority: &'static str,
    pub(super) response: String,
    pub(super) resolution: String,
}

#[derive(Clone, Debug, Serialize)]
pub(super) struct TeamSummary {
    pub(super) link: LinkTo,
    pub(super) email: Option<String>,
    pub(super) chat: Option<String>,
}

/// One incident in a list: the incidents index, a service's or CI's recent incidents.
#[derive(Clone, Debug, Serialize)]
pub(super) struct IncidentLine {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) href: String,
    pub(super) priority: &'static str,
    pub(super) status: &'static str,
    pub(super) detected: Time,
    pub(super) resolved: Option<Time>,
    /// How it reached the record of the page: `affected` (named), `full`, `partial`; empty
    /// in the index.
    pub(super) effect: &'static str,
}

/// A known error in a list: what it is, how it reaches the record of the page, and how to
/// get around it.
#[derive(Clone, Debug, Serialize)]
pub(super) struct KnownErrorEntry {
    pub(super) problem: LinkTo,
    /// `affected` (named), `full` (it would take the record down), `partial` (degrade it).
    pub(super) effect: &'static str,
    /// Rendered Markdown.
    pub(super) workaround: Option<String>,
}

/// The changes that touch a record, soonest (upcoming) and latest (past) first.
pub(super) struct ChangeLists {
    pub(super) upcoming: Vec<ChangeRow>,
    pub(super) upcoming_more: usize,
    pub(super) past: Vec<ChangeRow>,
    pub(super) past_more: usize,
}

pub(super) fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "service",
        Kind::ConfigurationItem => "CI",
        Kind::Sla => "SLA",
        Kind::Team => "team",
        Kind::Change => "change",
        Kind::Incident => "incident",
        Kind::Problem => "problem",
        _ => "record",
    }
}

pub(super) fn outcome_word(o: crate::model::OutcomeResult) -> &'static str {
    use crate::model::OutcomeResult::*;
    match o {
        Successful => "successful",
        SuccessfulWithIssues => "successful with issues",
        Failed => "failed",
        BackedOut => "backed out",
    }
}

pub(super) fn lifecycle_word(l: crate::model::Lifecycle) -> &'static str {
    use crate::model::Lifecycle::*;
    match l {
        Planned => "planned",
        Live => "live",
        Deprecated => "deprecated",
        Retired => "retired",
    }
}

pub(super) fn json_word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn hours(h: &ServiceHours) -> String {
    match h {
        ServiceHours::Always(_) => "24x7".to_string(),
        ServiceHours::Window(w) => {
            let days: Vec<String> = w.days.iter().map(json_word).collect();
            format!("{} {}–{} ({})", days.join(", "), w.from, w.to, w.timezone)
        }
    }
}

pub(super) fn sla_details(link: LinkTo, s: &SlaSpec) -> SlaSummary {
    SlaSummary {
        link,
        sla_type: match s.sla_type {
            crate::model::SlaType::Sla => "SLA",
            crate::model::SlaType::Ola => "OLA",
            crate::model::SlaType::Uc => "underpinning contract",
        },
        availability: format!("{}%", s.availability),
        hours: s.service_hours.as_ref().map(hours),
        priorities: s
            .priorities
            .iter()
            .map(|(p, t)| PriorityRow {
                priority: p,
                response: t.response.clone(),
                resolution: t.resolution.clone(),
            })
            .collect(),
        rto: s.continuity.as_ref().and_then(|c| c.rto.clone()),
        rpo: s.continuity.as_ref().and_then(|c| c.rpo.clone()),
    }
}
