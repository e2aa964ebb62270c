//! Change records (what a pull request proposes to do, when, and how to undo it) and change
//! models (pre-approved standard changes).

use super::{CiType, MODEL_REF, SERVICE_OR_CI_REF};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangeSpec {
    #[serde(rename = "type")]
    pub change_type: ChangeType,
    /// The ChangeModel a standard change follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(MODEL_REF))]
    pub model: Option<String>,
    /// GitHub login of the person asking for the change.
    #[schemars(pattern(super::LOGIN_PATTERN))]
    pub requester: String,
    #[schemars(length(min = 1))]
    pub reason: String,
    /// The services and CIs the change touches (at least one).
    #[schemars(length(min = 1), inner(pattern(SERVICE_OR_CI_REF)))]
    pub affects: Vec<String>,
    pub window: ChangeWindow,
    /// The requester's own assessment.
    pub risk: Risk,
    /// How the change is carried out (Markdown).
    #[schemars(length(min = 1))]
    pub plan: String,
    /// How to undo it; required for normal and emergency changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backout: Option<String>,
    /// How success is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<String>,
    /// Required exactly when `type` is `emergency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<Emergency>,
    pub status: ChangeStatus,
    /// The post-implementation review, once completed, failed or rolled back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeType {
    Standard,
    Normal,
    Emergency,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Standard => "standard",
            ChangeType::Normal => "normal",
            ChangeType::Emergency => "emergency",
        }
    }
}

/// Risk levels, in increasing order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

/// When the change is carried out: RFC 3339 timestamps with an offset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeWindow {
    pub start: Timestamp,
    pub end: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Emergency {
    /// The incident the change responds to: `incident:ID` for an Incident record (checked),
    /// or the ticket id of another tool (`INC-88121`).
    #[schemars(length(min = 1))]
    pub incident: String,
    #[schemars(length(min = 1))]
    pub justification: String,
}

/// The lifecycle of a change record.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeStatus {
    Draft,
    Requested,
    Approved,
    Scheduled,
    Implementing,
    Completed,
    Failed,
    RolledBack,
    Cancelled,
}

impl ChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Draft => "draft",
            ChangeStatus::Requested => "requested",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Scheduled => "scheduled",
            ChangeStatus::Implementing => "implementing",
            ChangeStatus::Completed => "completed",
            ChangeStatus::Failed => "failed",
            ChangeStatus::RolledBack => "rolled-back",
            ChangeStatus::Cancelled => "cancelled",
        }
    }

    /// The change has been approved, whatever happened since: approved, scheduled,
    /// implementing or implemented (not draft, requested or cancelled).
    pub fn is_approved(self) -> bool {
        matches!(
            self,
            ChangeStatus::Approved | ChangeStatus::Scheduled | ChangeStatus::Implementing
        ) || self.is_implemented()
    }

    /// The change has been carried out (successfully or not) and needs an outcome.
    pub fn is_implemented(self) -> bool {
        matches!(
            self,
            ChangeStatus::Completed | ChangeStatus::Failed | ChangeStatus::RolledBack
        )
    }

    /// The change is over: it will not run (again).
    pub fn is_closed(self) -> bool {
        self.is_implemented() || self == ChangeStatus::Cancelled
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub result: OutcomeResult,
    /// Incidents the change caused: `incident:ID` for Incident records (checked), or ticket
    /// ids of another tool.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeResult {
    Successful,
    SuccessfulWithIssues,
    Failed,
    BackedOut,
}

impl OutcomeResult {
    /// The change did not achieve what it set out to do.
    pub fn is_failure(self) -> bool {
        matches!(self, OutcomeResult::Failed | OutcomeResult::BackedOut)
    }
}

/// A pre-approved standard change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangeModelSpec {
    /// CI types a standard change of this model may affect.
    #[schemars(length(min = 1))]
    pub applies_to: Vec<CiType>,
    /// The highest computed risk a change of this model may have and still be standard.
    pub max_risk: Risk,
    /// The pre-approved procedure (Markdown).
    pub plan: String,
}
