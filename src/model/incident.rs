//! Incidents: what happened in operation, written after the fact (a post-incident review is a
//! pull request), with the follow-up actions the review agreed on.

use super::{CHANGE_REF, PROBLEM_REF, SERVICE_OR_CI_REF, TEAM_REF};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IncidentSpec {
    /// What failed: services or CIs (at least one). The incident's impact is computed from
    /// them over the dependency graph, as a change's is.
    #[schemars(length(min = 1), inner(pattern(SERVICE_OR_CI_REF)))]
    pub affects: Vec<String>,
    /// How much of the business is hit.
    pub impact: Level,
    /// How fast the service must be restored.
    pub urgency: Level,
    /// `P1` to `P4`; must be what the Policy's `priorityMatrix` gives for impact and urgency.
    pub priority: Priority,
    /// When the incident was detected (RFC 3339 with an offset).
    pub detected: Timestamp,
    /// The first response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responded: Option<Timestamp>,
    /// When the service was restored; required once the status is resolved or closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Timestamp>,
    pub status: IncidentStatus,
    /// The change that caused the incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(CHANGE_REF))]
    pub caused_by: Option<String>,
    /// The problem behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(PROBLEM_REF))]
    pub problem: Option<String>,
    /// What happened, the timeline and why (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub summary: Option<String>,
    /// Follow-ups agreed in the review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

/// High, medium or low: an incident's impact and its urgency.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    High,
    Medium,
    Low,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::High => "high",
            Level::Medium => "medium",
            Level::Low => "low",
        }
    }
}

/// An incident priority, `P1` the most urgent; it picks the SLA targets that apply.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Priority {
    P1,
    P2,
    P3,
    P4,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentStatus {
    Open,
    Resolved,
    Closed,
}

impl IncidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Resolved => "resolved",
            IncidentStatus::Closed => "closed",
        }
    }
}

/// A follow-up from the post-incident review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    #[schemars(length(min = 1, max = 200))]
    pub title: String,
    /// The team that carries it out.
    #[schemars(pattern(TEAM_REF))]
    pub owner: String,
    /// The day it is due (`2026-12-01`); it is overdue from the next day on (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default)]
    pub done: bool,
}
