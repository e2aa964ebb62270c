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

impl Action {
    /// Not done, and `now` (read in UTC) is past the day it was due: the one statement of
    /// "overdue", which the `action-overdue` check and the site's incident pages both use.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        !self.done && self.due.is_some_and(|due| due < today)
    }
}

#[cfg(test)]
mod tests {
    use crate::load::records_from_str;

    fn codes(spec: &str) -> Vec<String> {
        let yaml = format!(
            "apiVersion: cabinet/v1\nkind: Incident\nmetadata: {{id: INC-1}}\nspec:\n  impact: low\n  urgency: low\n  priority: P4\n  status: open\n{spec}"
        );
        let (_, diagnostics) = records_from_str("i.yaml", &yaml);
        diagnostics
            .into_iter()
            .map(|d| format!("{}@{}", d.code, d.location.unwrap().pointer))
            .collect()
    }

    const VALID: &str = "  affects: [ci:db]\n  detected: \"2026-11-03T09:00:00+01:00\"\n";

    #[test]
    fn a_plain_incident_reads() {
        assert_eq!(codes(VALID), Vec::<String>::new());
    }

    #[test]
    fn times_carry_an_offset_and_dates_exist() {
        let local = VALID.replace("+01:00", "");
        assert_eq!(codes(&local), vec!["schema-violation@/spec/detected"]);
        let action = |due: &str| {
            codes(&format!(
                "{VALID}  actions: [{{title: t, owner: ops, due: \"{due}\"}}]\n"
            ))
        };
        assert_eq!(action("2026-12-01"), Vec::<String>::new());
        assert_eq!(
            action("2026-02-30"),
            vec!["schema-violation@/spec/actions/0/due"]
        );
    }

    #[test]
    fn strings_are_bounded_like_the_other_kinds() {
        let long = "x".repeat(201);
        assert_eq!(
            codes(&format!(
                "{VALID}  actions: [{{title: {long}, owner: ops}}]\n"
            )),
            vec!["schema-violation@/spec/actions/0/title"]
        );
        assert_eq!(
            codes(&VALID.replace("[ci:db]", "[]")),
            vec!["schema-violation@/spec/affects"]
        );
        assert_eq!(
            codes(&format!("{VALID}  causedBy: change:../../etc\n")),
            vec!["schema-violation@/spec/causedBy"]
        );
        assert_eq!(
            codes(&format!("{VALID}  problem: incident:INC-2\n")),
            vec!["schema-violation@/spec/problem"]
        );
        assert_eq!(
            codes(&format!("{VALID}  severity: high\n")),
            vec!["unknown-field@/spec/severity"]
        );
    }
}
