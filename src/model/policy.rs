//! The change policy: who approves what, how risk is scored, freezes and maintenance windows.
//! When gating a pull request it is always read from the base revision.

use super::{
    ANY_REF, ChangeType, DURATION_PATTERN, Level, Priority, Risk, SERVICE_OR_CI_REF, TEAM_REF,
};
use jiff::{SignedDuration, Timestamp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who may approve: `cab`, `ecab`, `owners` (of the impacted services), `any-member` (of any
/// team) or `team:ID`.
pub const APPROVER_PATTERN: &str =
    r"^(?:cab|ecab|owners|any-member|team:(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127})$";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicySpec {
    /// The Change Advisory Board team.
    #[schemars(pattern(TEAM_REF))]
    pub cab: String,
    /// The team that approves emergency changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(TEAM_REF))]
    pub ecab: Option<String>,
    /// How computed risk is scored.
    #[serde(default)]
    pub risk: RiskPolicy,
    /// Every rule whose `when` matches must be met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<ApprovalRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub freezes: Vec<Freeze>,
    /// Normal changes on services of `maintenanceWindowTiers` must fall inside one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maintenance_windows: Vec<MaintenanceWindow>,
    /// The service tiers whose normal changes must fall inside a maintenance window
    /// (default: tier 1).
    #[serde(default = "PolicySpec::default_window_tiers")]
    #[schemars(inner(range(min = 1, max = 4)))]
    pub maintenance_window_tiers: Vec<u8>,
    /// The finest `FREQ` a maintenance window may recur at (default `hourly`): a window every
    /// minute or second is refused unless allowed here.
    #[serde(default, skip_serializing_if = "WindowFrequency::is_default")]
    pub finest_window_frequency: WindowFrequency,
    /// Which policy findings block the merge, by code (`risk-understated: true`). Codes not
    /// listed keep their default.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub blocking: std::collections::BTreeMap<String, bool>,
    /// A pull request that edits a Service or CI must carry a Change that affects it.
    #[serde(default)]
    pub require_change_record: bool,
    /// What an approval is bound to: `content` (default: every file the pull request changes
    /// is the same at the reviewed commit as at head), `head` (the reviewed commit is the
    /// head) or `semantic` (like content, but records only need to say the same thing:
    /// reformatting, comments and key order keep an approval).
    #[serde(default)]
    pub binding: Binding,
    /// Judge approvals even when the authorship of a commit cannot be known (default
    /// `false`: a commit whose author, committer or co-author e-mail is tied to no GitHub
    /// account and no Team member's `email` blocks the merge, since it may be an approver's).
    #[serde(default)]
    pub allow_unknown_authors: bool,
    /// Members of the teams that approve (`cab`, `ecab`, owners, `team:ID`) must list their
    /// `githubId` (default `false`: a login without an id counts, with a warning). When
    /// `true`, an approval by a member listed without an id does not count.
    #[serde(default)]
    pub require_github_ids: bool,
    /// `cabinet check` without an approvals source (`--approvals` or `--github`) blocks the
    /// merge (default `false`: the report says approvals were not evaluated and what they
    /// will need). `check --require-approvals` does the same for one run.
    #[serde(default)]
    pub require_approvals: bool,
    /// What a change to the gate's own inputs needs, on top of every rule that matches: a
    /// pull request that edits a Policy, Team, ChangeModel or Config record (wherever its
    /// file lives), or a file matching `paths`, is a governance change.
    #[serde(default)]
    pub governance: Governance,
    /// The priority of an incident from its impact and urgency (default: the standard
    /// matrix, P1 for high and high down to P4). A row not written keeps the default.
    #[serde(default)]
    pub priority_matrix: PriorityMatrix,
    /// How much a degraded minute of a service counts against its availability, as a share
    /// of a down minute (default 0.5).
    #[serde(default = "PolicySpec::degraded_availability_weight")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub degraded_availability_weight: f64,
    /// When outcomes are due, when incidents recur, and when a standard-change model should go
    /// back to the CAB (`cabinet report` and the `outcome-overdue` and `model-unreliable`
    /// findings).
    #[serde(default)]
    pub review: ReviewPolicy,
}

/// What the change and incident reviews expect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ReviewPolicy {
    /// Days after its window ends by which a change's outcome must be written (default 7).
    #[serde(default = "ReviewPolicy::outcome_days")]
    #[schemars(range(max = 3660))]
    pub outcome_days: u32,
    /// At least this many incidents on one record in a report's period make it recurring
    /// (default 3).
    #[serde(default = "ReviewPolicy::recurring_incidents")]
    #[schemars(range(min = 2, max = 1000))]
    pub recurring_incidents: u32,
    /// When a standard-change model is no longer reliable enough to stay pre-approved.
    #[serde(default)]
    pub models: ModelReview,
}

impl ReviewPolicy {
    fn outcome_days() -> u32 {
        7
    }
    fn recurring_incidents() -> u32 {
        3
    }
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            outcome_days: ReviewPolicy::outcome_days(),
            recurring_incidents: ReviewPolicy::recurring_incidents(),
            models: ModelReview::default(),
        }
    }
}

/// A standard-change model whose changes fail more often than `maxFailureRate` over the
/// last `lookBackDays` (with at least `minChanges` of them) is `model-unreliable`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelReview {
    /// How far back changes count, in days (default 180).
    #[serde(default = "ModelReview::look_back_days")]
    #[schemars(range(min = 1, max = 3660))]
    pub look_back_days: u32,
    /// The highest failure rate a model may have, from 0 to 1 (default 0.2).
    #[serde(default = "ModelReview::max_failure_rate")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub max_failure_rate: f64,
    /// Fewer changes than this say nothing yet (default 5).
    #[serde(default = "ModelReview::min_changes")]
    #[schemars(range(min = 1, max = 100000))]
    pub min_changes: u32,
}

impl ModelReview {
    fn look_back_days() -> u32 {
        180
    }
    fn max_failure_rate() -> f64 {
        0.2
    }
    fn min_changes() -> u32 {
        5
    }
}

impl Default for ModelReview {
    fn default() -> Self {
        ModelReview {
            look_back_days: ModelReview::look_back_days(),
            max_failure_rate: ModelReview::max_failure_rate(),
            min_changes: ModelReview::min_changes(),
        }
    }
}

/// Impact (the rows) by urgency (the columns) gives the priority of an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityMatrix {
    #[serde(default = "PriorityMatrix::high")]
    pub high: PriorityRow,
    #[serde(default = "PriorityMatrix::medium")]
    pub medium: PriorityRow,
    #[serde(default = "PriorityMatrix::low")]
    pub low: PriorityRow,
}

/// The priorities of one impact, by urgency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityRow {
    pub high: Priority,
    pub medium: Priority,
    pub low: Priority,
}

impl PriorityRow {
    fn of(&self, urgency: Level) -> Priority {
        match urgency {
            Level::High => self.high,
            Level::Medium => self.medium,
            Level::Low => self.low,
        }
    }
}

impl PriorityMatrix {
    fn high() -> PriorityRow {
        PriorityRow {
            high: Priority::P1,
            medium: Priority::P2,
            low: Priority::P3,
        }
    }
    fn medium() -> PriorityRow {
        PriorityRow {
            high: Priority::P2,
            medium: Priority::P3,
            low: Priority::P4,
        }
    }
    fn low() -> PriorityRow {
        PriorityRow {
            high: Priority::P3,
            medium: Priority::P4,
            low: Priority::P4,
        }
    }

    /// The priority of an incident of this impact and urgency.
    pub fn priority(&self, impact: Level, urgency: Level) -> Priority {
        let row = match impact {
            Level::High => &self.high,
            Level::Medium => &self.medium,
            Level::Low => &self.low,
        };
        row.of(urgency)
    }
}

impl Default for PriorityMatrix {
    fn default() -> Self {
        PriorityMatrix {
            high: PriorityMatrix::high(),
            medium: PriorityMatrix::medium(),
            low: PriorityMatrix::low(),
        }
    }
}

/// The built-in governance rule: it always applies to changes of what the gate runs on, so a
/// pull request cannot pass as a plain low-risk change by editing the workflow, the report
/// templates or the people who approve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Governance {
    /// Globs of files the gate runs on or trusts, from the top of the git repository (default:
    /// cabinet.yaml, CI workflows and recipes, CODEOWNERS, templates, pre-commit files).
    #[serde(default = "Governance::default_paths")]
    pub paths: Vec<String>,
    /// What a governance change needs (default: one approval from the CAB).
    #[serde(default = "Governance::default_require")]
    #[schemars(length(min = 1))]
    pub require: Vec<Requirement>,
}

impl Governance {
    pub fn default_paths() -> Vec<String> {
        [
            "cabinet.yaml",
            "**/cabinet.yaml",
            ".github/**",
            ".gitlab-ci.yml",
            ".gitlab/**",
            "CODEOWNERS",
            "**/CODEOWNERS",
            "templates/**",
            "**/templates/**",
            ".pre-commit-config.yaml",
            ".pre-commit-hooks.yaml",
        ]
        .into_iter()
        .map(str::to_string)
        .collect()
    }

    fn default_require() -> Vec<Requirement> {
        vec![Requirement::Approvals(ApprovalCount {
            count: 1,
            from: vec!["cab".to_string()],
            per: None,
        })]
    }
}

impl Default for Governance {
    fn default() -> Self {
        Governance {
            paths: Governance::default_paths(),
            require: Governance::default_require(),
        }
    }
}

impl PolicySpec {
    fn default_window_tiers() -> Vec<u8> {
        vec![1]
    }
    fn degraded_availability_weight() -> f64 {
        0.5
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Binding {
    #[default]
    Content,
    Head,
    Semantic,
}

/// Weights and thresholds of the risk score. Every field has a documented default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RiskPolicy {
    /// Points for each impacted service that goes down, by its tier (default 3, 2, 1, 0).
    #[serde(default)]
    pub tier_weights: TierWeights,
    /// Points for each impacted service that is degraded, by its tier (default 1, 1, 0, 0).
    #[serde(default = "TierWeights::degraded")]
    pub degraded_weights: TierWeights,
    /// One point for every this many impacted services (default 5).
    #[serde(default = "RiskPolicy::breadth_step")]
    #[schemars(range(min = 1))]
    pub breadth_step: u32,
    /// Points by type of change (default standard 0, normal 0, emergency 2).
    #[serde(default)]
    pub type_weights: TypeWeights,
    /// Points when the change has no verification plan (default 1).
    #[serde(default = "RiskPolicy::missing_verification")]
    pub missing_verification: u32,
    /// Points for each earlier change on the same records that failed or was backed out
    /// (default 2).
    #[serde(default = "RiskPolicy::failed_before")]
    pub failed_before: u32,
    /// The lowest score of each level above `low`.
    #[serde(default)]
    pub levels: RiskLevels,
    /// Points for each open known error (a Problem at `known-error`) on an affected or
    /// impacted record (default 2).
    #[serde(default = "RiskPolicy::known_error_weight")]
    pub known_error_weight: u32,
    /// Points for each incident of the last `recentIncidentDays` on an affected record
    /// (default 1).
    #[serde(default = "RiskPolicy::recent_incident_weight")]
    pub recent_incident_weight: u32,
    /// How far back an incident counts as recent, in days (default 90).
    #[serde(default = "RiskPolicy::recent_incident_days")]
    #[schemars(range(min = 1, max = 3660))]
    pub recent_incident_days: u32,
}

impl RiskPolicy {
    /// Where "recent" starts at `now`: `recentIncidentDays` before it. The one statement of
    /// the period, for the risk (incidents on what a change affects) and for the site (the
    /// incidents a record page lists).
    pub(crate) fn recent_since(&self, now: Timestamp) -> Timestamp {
        now.checked_sub(SignedDuration::from_hours(
            i64::from(self.recent_incident_days) * 24,
        ))
        .unwrap_or(Timestamp::MIN)
    }

    fn breadth_step() -> u32 {
        5
    }
    fn missing_verification() -> u32 {
        1
    }
    fn failed_before() -> u32 {
        2
    }
    fn known_error_weight() -> u32 {
        2
    }
    fn recent_incident_weight() -> u32 {
        1
    }
    fn recent_incident_days() -> u32 {
        90
    }
}

impl Default for RiskPolicy {
    fn default() -> Self {
        RiskPolicy {
            tier_weights: TierWeights::default(),
            degraded_weights: TierWeights::degraded(),
            breadth_step: RiskPolicy::breadth_step(),
            type_weights: TypeWeights::default(),
            missing_verification: RiskPolicy::missing_verification(),
            failed_before: RiskPolicy::failed_before(),
            levels: RiskLevels::default(),
            known_error_weight: RiskPolicy::known_error_weight(),
            recent_incident_weight: RiskPolicy::recent_incident_weight(),
            recent_incident_days: RiskPolicy::recent_incident_days(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeWeights {
    #[serde(default)]
    pub standard: u32,
    #[serde(default)]
    pub normal: u32,
    #[serde(default = "TypeWeights::emergency")]
    pub emergency: u32,
}

impl TypeWeights {
    fn emergency() -> u32 {
        2
    }

    pub fn of(&self, t: ChangeType) -> u32 {
        match t {
            ChangeType::Standard => self.standard,
            ChangeType::Normal => self.normal,
            ChangeType::Emergency => self.emergency,
        }
    }
}

impl Default for TypeWeights {
    fn default() -> Self {
        TypeWeights {
            standard: 0,
            normal: 0,
            emergency: 2,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierWeights {
    #[serde(rename = "1", default = "TierWeights::t1")]
    pub tier1: u32,
    #[serde(rename = "2", default = "TierWeights::t2")]
    pub tier2: u32,
    #[serde(rename = "3", default = "TierWeights::t3")]
    pub tier3: u32,
    #[serde(rename = "4", default = "TierWeights::t4")]
    pub tier4: u32,
}

impl TierWeights {
    /// No points for any tier (tests that look at other contributions).
    #[cfg(test)]
    pub(crate) const NONE: TierWeights = TierWeights {
        tier1: 0,
        tier2: 0,
        tier3: 0,
        tier4: 0,
    };

    fn t1() -> u32 {
        3
    }
    fn t2() -> u32 {
        2
    }
    fn t3() -> u32 {
        1
    }
    fn t4() -> u32 {
        0
    }

    fn degraded() -> TierWeights {
        TierWeights {
            tier1: 1,
            tier2: 1,
            tier3: 0,
            tier4: 0,
        }
    }

    /// The weight of a tier (tiers outside 1..4 weigh nothing).
    pub fn of(&self, tier: u8) -> u32 {
        match tier {
            1 => self.tier1,
            2 => self.tier2,
            3 => self.tier3,
            4 => self.tier4,
            _ => 0,
        }
    }
}

impl Default for TierWeights {
    fn default() -> Self {
        TierWeights {
            tier1: 3,
            tier2: 2,
            tier3: 1,
            tier4: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskLevels {
    #[serde(default = "RiskLevels::medium")]
    pub medium: u32,
    #[serde(default = "RiskLevels::high")]
    pub high: u32,
    #[serde(default = "RiskLevels::critical")]
    pub critical: u32,
}

impl RiskLevels {
    fn medium() -> u32 {
        2
    }
    fn high() -> u32 {
        4
    }
    fn critical() -> u32 {
        6
    }
}

impl Default for RiskLevels {
    fn default() -> Self {
        RiskLevels {
            medium: 2,
            high: 4,
            critical: 6,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRule {
    #[schemars(length(min = 1))]
    pub name: String,
    /// Which changes the rule applies to; an empty `when` matches every change.
    #[serde(default)]
    pub when: RuleCondition,
    /// Every requirement must hold.
    #[schemars(length(min = 1))]
    pub require: Vec<Requirement>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleCondition {
    #[serde(rename = "type", default, skip_serializing_if = "Vec::is_empty")]
    pub change_type: Vec<ChangeType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<Risk>,
    /// Globs of paths the pull request changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_paths: Vec<String>,
    /// Matches when any of these services is impacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(pattern(SERVICE_OR_CI_REF)))]
    pub impacted_services: Vec<String>,
    /// Matches when a service of one of these tiers is impacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(range(min = 1, max = 4)))]
    pub tiers: Vec<u8>,
}

/// `{count, from, per}` or `{anyOf: [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Requirement {
    Approvals(ApprovalCount),
    AnyOf(AnyOf),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AnyOf {
    /// At least one of these requirements must hold.
    #[schemars(length(min = 1))]
    pub any_of: Vec<Requirement>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalCount {
    /// How many distinct approvers.
    #[schemars(range(min = 1))]
    pub count: u32,
    /// Who counts: `cab`, `ecab`, `owners`, `any-member`, `team:ID`.
    #[schemars(length(min = 1), inner(pattern(APPROVER_PATTERN)))]
    pub from: Vec<String>,
    /// `impacted-service`: the count is needed once for every impacted service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Per>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    ImpactedService,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Freeze {
    #[schemars(length(min = 1))]
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Change types allowed during the freeze.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<ChangeType>,
    /// When given, the freeze applies only to changes touching these records.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(pattern(ANY_REF)))]
    pub scope: Vec<String>,
}

/// How often a maintenance window recurs, from finest to coarsest (RFC 5545 `FREQ`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum WindowFrequency {
    Secondly,
    Minutely,
    #[default]
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl WindowFrequency {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowFrequency::Secondly => "secondly",
            WindowFrequency::Minutely => "minutely",
            WindowFrequency::Hourly => "hourly",
            WindowFrequency::Daily => "daily",
            WindowFrequency::Weekly => "weekly",
            WindowFrequency::Monthly => "monthly",
            WindowFrequency::Yearly => "yearly",
        }
    }

    fn is_default(&self) -> bool {
        *self == WindowFrequency::default()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceWindow {
    #[schemars(length(min = 1))]
    pub name: String,
    /// An RFC 5545 recurrence rule (`FREQ=WEEKLY;BYDAY=SU;BYHOUR=22`).
    #[schemars(pattern(r"^FREQ="))]
    pub rrule: String,
    #[schemars(pattern(DURATION_PATTERN))]
    pub duration: String,
    /// The IANA time zone the rule is read in.
    pub timezone: String,
    /// Local date and time the rule counts from (`2026-01-04T22:00:00`, default
    /// `2026-01-01T00:00:00`): it fixes what the rule leaves open, like the week of
    /// `INTERVAL=2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"))]
    pub start: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_starts_the_policy_s_days_before_now() {
        let now: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        let default = RiskPolicy::default();
        // 90 days before 1 December 09:00 is 2 September 09:00 (30 + 31 + 29 days back).
        assert_eq!(
            default.recent_since(now),
            "2026-09-02T09:00:00Z".parse::<Timestamp>().unwrap()
        );
        let week = RiskPolicy {
            recent_incident_days: 7,
            ..default
        };
        assert_eq!(
            week.recent_since(now),
            "2026-11-24T09:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
