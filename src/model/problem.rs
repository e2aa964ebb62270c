//! Problems: the cause behind one or more incidents. A problem at `known-error` is an entry of
//! the known-error database: its cause is known and it has a workaround.

use super::{CHANGE_REF, INCIDENT_REF, SERVICE_OR_CI_REF};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProblemSpec {
    pub status: ProblemStatus,
    /// The services and CIs the cause lives in (at least one).
    #[schemars(length(min = 1), inner(pattern(SERVICE_OR_CI_REF)))]
    pub affects: Vec<String>,
    /// The incidents it caused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(pattern(INCIDENT_REF)))]
    pub incidents: Vec<String>,
    /// Why it happens (Markdown); required from `known-error` on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub root_cause: Option<String>,
    /// How to restore service until the fix (Markdown); required while `known-error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub workaround: Option<String>,
    /// The change that removes the cause; required once resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(CHANGE_REF))]
    pub fix: Option<String>,
}

/// From `new` to `closed`; `known-error` once the cause is known and a workaround exists.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemStatus {
    New,
    Investigating,
    KnownError,
    Resolved,
    Closed,
}

impl ProblemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::New => "new",
            ProblemStatus::Investigating => "investigating",
            ProblemStatus::KnownError => "known-error",
            ProblemStatus::Resolved => "resolved",
            ProblemStatus::Closed => "closed",
        }
    }

    /// The cause has been removed.
    pub fn is_resolved(self) -> bool {
        matches!(self, ProblemStatus::Resolved | ProblemStatus::Closed)
    }
}
