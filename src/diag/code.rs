//! The registry of diagnostic codes. Every finding cabinet can report is listed here once,
//! with its default severity, a one-line description (SARIF `shortDescription`, the README
//! table) and a longer explanation (`cabinet explain CODE`). Codes are public names: never
//! rename or reuse one.

use super::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $id:literal, $sev:ident, $desc:literal, $expl:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$doc])* $variant, )* }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The kebab-case name users see.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The opaque rule id of SARIF (`CAB3007`): stable like the name, and what the
            /// SARIF spec asks of `reportingDescriptor.id`. The first digit is the family
            /// (1 reading files, 2 schema, 3 the record set, 4 the policy, 5 operations).
            pub fn rule_id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One line, for SARIF rules and the README table.
            pub fn description(self) -> &'static str {
                match self { $( Code::$variant => $desc, )* }
            }

            /// A paragraph: why it matters and how to fix it.
            pub fn explanation(self) -> &'static str {
                match self { $( Code::$variant => $expl, )* }
            }

            /// The code named by its kebab-case name or its rule id (any case).
            pub fn from_name(name: &str) -> Option<Code> {
                Code::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == name || c.rule_id().eq_ignore_ascii_case(name))
            }
        }
    };
}

codes! {
    // --- reading files ---
    InvalidYaml = "invalid-yaml", "CAB1001", Error,
        "the file is not well-formed YAML",
        "The YAML parser stopped at this position. Common causes are tabs used for indentation, an unclosed quote or bracket, or a key without a value on a line of its own. Documents before the error in the same file are still read.";
    InvalidUtf8 = "invalid-utf8", "CAB1002", Error,
        "the file is not valid UTF-8",
        "Records must be UTF-8 text. The position points at the first byte that is not UTF-8; re-save the file as UTF-8.";
    FileTooLarge = "file-too-large", "CAB1003", Error,
        "the file is larger than the configured limit",
        "cabinet refuses files above `spec.limits.maxFileBytes` in cabinet.yaml (default 1 MiB) so that a pull request cannot make the gate slow or exhaust memory. Split the file, or raise the limit if the file is genuine.";
    TooDeep = "too-deep", "CAB1004", Error,
        "the YAML nests deeper than the configured limit",
        "cabinet refuses documents nested deeper than `spec.limits.maxDepth` (default 64). Real records nest a handful of levels; deep nesting is almost always a mistake or an attack.";
    TooManyRecords = "too-many-records", "CAB1005", Error,
        "the repository holds more records than the configured limit",
        "cabinet stops reading after `spec.limits.maxRecords` documents (default 1,000,000). Raise the limit in cabinet.yaml if the repository really is that large.";
    DuplicateKey = "duplicate-key", "CAB1006", Error,
        "a mapping has the same key twice",
        "YAML parsers disagree on which of two equal keys wins, so a reviewer may read one value while the tool uses the other. cabinet refuses duplicate keys; delete one of them.";
    YamlAnchor = "yaml-anchor", "CAB1007", Error,
        "anchors, aliases and merge keys are not allowed",
        "Anchors (`&a`), aliases (`*a`) and merge keys (`<<`) make a record say something that is not written where it is reviewed, and allow alias bombs. Write the values out in full.";
    UnsupportedYaml = "unsupported-yaml", "CAB1008", Error,
        "a YAML feature that records cannot use",
        "Records use plain YAML data: mappings with scalar keys, sequences and scalars. Custom tags (`!Ref`), complex keys and non-finite numbers (`.inf`, `.nan`) are refused.";
    NumberOutOfRange = "number-out-of-range", "CAB1009", Error,
        "an integer does not fit in 64 bits",
        "The number is too large to represent exactly. If it is an identifier rather than a quantity, quote it so that it is read as a string.";
    EmptyFile = "empty-file", "CAB1010", Error,
        "the file holds no YAML document",
        "Every `*.yaml`/`*.yml` file under the repository is read as records. An empty file is probably a mistake; delete it, or list it in `spec.exclude` in cabinet.yaml.";
    NotAMapping = "not-a-mapping", "CAB1011", Error,
        "a YAML document is not a mapping",
        "Each document must be a mapping with `apiVersion`, `kind`, `metadata` and `spec`. A list or a scalar at the top level is not a record. If the file is not meant for cabinet, list it in `spec.exclude` in cabinet.yaml.";
    UnknownKind = "unknown-kind", "CAB1012", Error,
        "a `cabinet/v1` document has a kind cabinet does not know",
        "The kinds are Config, Policy, Team, Service, ConfigurationItem, SLA, Change, ChangeModel, Incident and Problem. Kinds are case-sensitive.";
    UnsupportedApiVersion = "unsupported-api-version", "CAB1013", Error,
        "a cabinet document has an apiVersion this version does not read",
        "This version of cabinet reads `apiVersion: cabinet/v1`. A document with another `cabinet/...` version, or a record kind with `apiVersion` misspelt (`Cabinet/v1`) or empty, would otherwise be skipped silently, and a pull request could make a record vanish from review by changing one letter.";
    MissingApiVersion = "missing-api-version", "CAB1014", Warning,
        "a document looks like a record but has no `apiVersion`, so it is skipped",
        "Documents without `apiVersion: cabinet/v1` are not records and are skipped. This one has a `kind` cabinet knows, so it is probably a record with a missing or misspelt `apiVersion`.";
    SymlinkOutsideRepo = "symlink-outside-repo", "CAB1015", Error,
        "a symbolic link points outside the repository",
        "cabinet never reads outside the repository, so that a pull request cannot make it read files from the machine that runs the gate. Replace the link with the file itself.";
    SymlinkSkipped = "symlink-skipped", "CAB1016", Warning,
        "a symbolic link to a YAML file is not followed",
        "Links are not followed, so that the working tree and a git revision read exactly the same records. The file the link points at is read on its own if it is under the repository.";
    NotAFile = "not-a-file", "CAB1017", Warning,
        "something named like a record file is not a regular file",
        "A folder, named pipe, socket or device whose name ends in `.yaml` or `.yml` is not read as records (reading a pipe could block forever; a folder's files are read on their own). Rename it, or list it in `spec.exclude` in cabinet.yaml.";
    FileNameNotUtf8 = "file-name-not-utf8", "CAB1018", Error,
        "a record file's name is not valid UTF-8",
        "File names are shown in reports, links and annotations, which are UTF-8; a name that is not could not be named exactly, so the file is not read. The working tree and a revision report it alike. Rename the file.";
    // --- schema ---
    SchemaViolation = "schema-violation", "CAB2001", Error,
        "a field does not match the record's schema",
        "The value has the wrong type, is outside its allowed range, or does not match the required pattern. The schemas are in `schemas/` and editors can use them for completion (`# yaml-language-server: $schema=...`).";
    UnknownField = "unknown-field", "CAB2002", Error,
        "a field that the kind does not have",
        "Unknown fields are refused so that a typo (`dependOn`) cannot pass silently. Check the spelling against the schema in `schemas/`.";
    MissingField = "missing-field", "CAB2003", Error,
        "a required field is missing",
        "The record lacks a field its kind requires. The message names it; the schemas in `schemas/` list every required field.";
    // --- the record set ---
    MissingConfig = "missing-config", "CAB3001", Error,
        "there is no `Config` record in cabinet.yaml",
        "The repository root must hold `cabinet.yaml` with one document of kind `Config`.";
    DuplicateConfig = "duplicate-config", "CAB3002", Error,
        "more than one `Config` record",
        "A repository has exactly one Config, in cabinet.yaml at its root.";
    MissingPolicy = "missing-policy", "CAB3003", Warning,
        "there is no `Policy` record; the built-in defaults apply",
        "Without a Policy, change checks use the defaults documented in the README and no approval rule exists, so no change can be approved. Add a Policy record (see `cabinet init`).";
    DuplicatePolicy = "duplicate-policy", "CAB3004", Error,
        "more than one `Policy` record",
        "There must be exactly one Policy so that it is clear which rules judge a change.";
    DuplicateId = "duplicate-id", "CAB3005", Error,
        "two records of the same kind have the same id",
        "Ids are unique within their kind; references would otherwise be ambiguous. Rename one of the records.";
    DanglingReference = "dangling-reference", "CAB3006", Error,
        "a reference names a record that does not exist",
        "References are written `KIND:ID` (`service:payments-api`, `ci:pg-main`) or, where a field can only name one kind, as a bare id. Every reference must resolve to a record in the repository.";
    DependencyCycle = "dependency-cycle", "CAB3007", Error,
        "services and configuration items depend on each other in a cycle",
        "`dependsOn` must form a graph without cycles, otherwise the impact of an outage is undefined. The message lists every record on the cycle; remove one of the edges.";
    DependsOnRetired = "depends-on-retired", "CAB3008", Error,
        "a live record depends on a retired one",
        "A retired record no longer exists in production, so a live service or CI cannot depend on it. Remove the dependency or point it at the replacement.";
    DependsOnDeprecated = "depends-on-deprecated", "CAB3009", Warning,
        "a live record depends on a deprecated one",
        "Deprecated records are on their way out; plan to move the dependency to their replacement.";
    MissingSla = "missing-sla", "CAB3010", Error,
        "a live service has no SLA",
        "Every service in lifecycle `live` must name the SLA it is run under (`spec.sla`).";
    SlaResponseAfterResolution = "sla-response-after-resolution", "CAB3011", Error,
        "an SLA priority's response target is later than its resolution target",
        "A ticket cannot be resolved before it is responded to, so `response` must be at most `resolution`.";
    SlaPriorityInversion = "sla-priority-inversion", "CAB3012", Warning,
        "a more urgent priority has a looser target than a less urgent one",
        "P1 is the most urgent priority; its targets should be at least as tight as P2's, P2's as P3's and so on.";
    WindowOrder = "window-order", "CAB3013", Error,
        "a window (of a change or a freeze) ends before it starts",
        "`end` must be later than `start`. Both are RFC 3339 timestamps with an offset (`2026-12-01T22:00:00Z`).";
    UnknownTimeZone = "unknown-time-zone", "CAB3014", Error,
        "a time zone that is not in the IANA time zone database",
        "Time zones are IANA names such as `Europe/Berlin` or `UTC`; abbreviations like `CET` are ambiguous and refused.";
    ChangeMissingModel = "change-missing-model", "CAB3015", Error,
        "a standard change names no change model",
        "Standard changes are pre-approved by a ChangeModel; `spec.model` must name one.";
    ChangeMissingBackout = "change-missing-backout", "CAB3016", Error,
        "a normal or emergency change has no backout plan",
        "Normal and emergency changes must say how to undo them (`spec.backout`).";
    ChangeEmergencyDetails = "change-emergency-details", "CAB3017", Error,
        "emergency details are missing on an emergency change, or present on another type",
        "`spec.emergency` (incident and justification) is required exactly when `spec.type` is `emergency`.";
    ChangeMissingOutcome = "change-missing-outcome", "CAB3018", Error,
        "an implemented change has no outcome",
        "Once a change is `completed`, `failed` or `rolled-back`, its post-implementation review belongs in `spec.outcome`.";
    UnexpectedOutcome = "unexpected-outcome", "CAB3019", Warning,
        "a change that has not been carried out already has an outcome",
        "`spec.outcome` is the post-implementation review. A change that is still `draft`, `requested`, `approved`, `scheduled`, `implementing` or `cancelled` has no outcome yet; set the status, or remove the outcome.";
    RedundancyGroup = "redundancy-group", "CAB3020", Error,
        "a redundancy group that cannot work as declared",
        "Members of a redundancy group keep the group up while at least `minUp` of them are up. Every member must declare the same `minUp`, and `minUp` cannot be more than the number of members, or the group is down before anything fails.";
    InvalidRecurrence = "invalid-recurrence", "CAB3021", Error,
        "a maintenance window's recurrence rule cannot be read",
        "`rrule` is an RFC 5545 recurrence rule without `DTSTART`, such as `FREQ=WEEKLY;BYDAY=SU;BYHOUR=22`; it is read in the window's `timezone`, counting from its `start` (default 2026-01-01T00:00:00 local).";
    WindowTooFrequent = "window-too-frequent", "CAB3022", Error,
        "a maintenance window recurs more often than the policy allows",
        "A window that recurs every minute or every second has millions of occurrences a year, and every question about it (does this change fit, when is the next window) walks them from the window's `start`. Windows recur at most hourly unless the Policy's `finestWindowFrequency` allows `minutely` or `secondly`; even then the gate walks at most a million occurrences per question and fails closed past that (`window-undecidable`).";
    // --- the policy, applied to a pull request (`cabinet check`) ---
    FreezeViolation = "freeze-violation", "CAB4001", Error,
        "a change's window overlaps a freeze that does not allow it",
        "During a freeze only the change types it `allow`s may run; a freeze with a `scope` applies only to changes that touch (affect or impact) a record in it. Move the window, or make the case for an emergency change.";
    OutsideMaintenanceWindow = "outside-maintenance-window", "CAB4002", Error,
        "a normal change on a critical service falls outside every maintenance window",
        "Normal changes that impact a service of a tier in `maintenanceWindowTiers` (default tier 1) must run entirely inside one occurrence of a maintenance window. Windows are recurrence rules in a time zone, so daylight-saving time is handled. The help names the next window.";
    ChangeConflict = "change-conflict", "CAB4003", Error,
        "two changes overlap in time and impact the same records",
        "Two changes whose windows overlap and whose impact sets intersect (not only the same CI: a shared downstream service counts) can break each other or hide each other's effect. Move one of them, or merge them into one change. Cancelled, completed, failed and rolled-back changes do not conflict.";
    MissingChangeRecord = "missing-change-record", "CAB4004", Error,
        "a pull request edits a service or CI without a change record that affects it",
        "With `requireChangeRecord: true`, a pull request that adds, removes or edits a Service or ConfigurationItem (anything but its description, links and labels) must add or edit a Change whose `affects` names it.";
    StandardChangeOutOfModel = "standard-change-out-of-model", "CAB4005", Warning,
        "a standard change goes beyond its change model, so it is judged as a normal change",
        "A standard change is pre-approved only while it stays inside its ChangeModel (read from the base revision): every affected CI must be of a type in `appliesTo`, and the computed risk must not exceed `maxRisk`. Otherwise the gate treats it as a normal change, with a normal change's approvals and maintenance windows.";
    RiskUnderstated = "risk-understated", "CAB4006", Warning,
        "the risk declared in the change record is below the computed risk",
        "The gate uses the computed risk; update the declared `risk` so that reviewers see the same level.";
    StatusRegression = "status-regression", "CAB4007", Error,
        "a change record moves backwards in its lifecycle, or is edited after completion",
        "A change moves forward: draft, requested, approved, scheduled, implementing, then completed, failed or rolled-back (or cancelled at any point before). Once it is over, only its `outcome` (and description, links and labels) may still change.";
    ChangeRecordDeleted = "change-record-deleted", "CAB4008", Error,
        "a pull request deletes a change record that is past draft",
        "Change records are the audit trail: a change that was requested, scheduled or run stays on record, and deleting it would also remove the conflicts and the failure history it weighs in other changes' risk. Set `status: cancelled` instead (a draft may be deleted).";
    InvalidPolicy = "invalid-policy", "CAB4009", Error,
        "the base revision's Policy record is invalid, so the gate cannot judge by it",
        "The gate judges a pull request by the base revision's Policy. When that Policy does not pass validation, cabinet does not fall back on the defaults (which would be a weaker policy than the one written): every pull request is blocked until a pull request that fixes the Policy is merged by the repository's administrators. `cabinet validate` on the base branch names what is wrong.";
    WindowInThePast = "window-in-the-past", "CAB4010", Warning,
        "a change that has not run has a window that is already over",
        "The window ended before now (`--now`). Move the window, or record what happened (`status` and `outcome`).";
    ChangeFileName = "change-file-name", "CAB4011", Warning,
        "a change record's file name is not its id",
        "Change records live in a file named after their id (`changes/2026/CHG-2026-0042.yaml`) so that they are easy to find and pull requests do not collide.";
    DuplicateMember = "duplicate-member", "CAB4012", Warning,
        "a team lists the same GitHub login twice",
        "Logins compare case-insensitively; list each member once.";
    MemberWithoutGithubId = "member-without-github-id", "CAB4013", Warning,
        "a member of a team that approves changes is listed without `githubId`",
        "Approvals are matched to Team members by GitHub login and, where `githubId` is listed, by GitHub's numeric user id as well. A login alone matches whoever holds it today: a renamed or recycled login takes over the seat. Members of the teams that approve (the CAB, the ECAB, the owners of services, teams named in approval rules) should list `githubId` (`gh api users/LOGIN --jq .id`). With `requireGithubIds: true` in the Policy, an approval by a member listed without an id does not count.";
    WindowUndecidable = "window-undecidable", "CAB4014", Error,
        "whether a change falls inside a maintenance window could not be decided",
        "Deciding whether a change fits a maintenance window walks the window's occurrences from its `start`; the gate walks at most a million of them per window and question. When no window is known to hold the change and one could not be walked far enough, the gate cannot tell, and blocks rather than guess. Give the window a recent `start`, or a coarser `FREQ`.";
    // --- operations records: incidents and problems ---
    PriorityMismatch = "priority-mismatch", "CAB5001", Error,
        "an incident's priority is not what the Policy's priority matrix gives for its impact and urgency",
        "The priority picks the SLA targets an incident is held to, so it must follow from the impact and urgency by the Policy's `priorityMatrix` (the standard matrix by default: high impact and high urgency is P1, low and low is P4). An error, because a priority written by hand could otherwise make a P1 outage a P3 and its breach disappear; change the priority, or the impact and urgency if they were wrong.";
    IncidentTimeOrder = "incident-time-order", "CAB5002", Error,
        "an incident's times are out of order, or a resolved incident has no `resolved` time",
        "An incident is detected, then responded to, then resolved: `detected` ≤ `responded` ≤ `resolved`, and an incident whose status is `resolved` or `closed` says when (`resolved`). Every figure about the incident (its SLA breaches, the time to restore) is computed from these times, so times out of order are an error: they would make those figures wrong, and no SLA is checked for the incident until they are fixed.";
    SlaResponseBreach = "sla-response-breach", "CAB5003", Note,
        "an incident was responded to later than the SLA's response target of its priority",
        "The time from `detected` to `responded` is counted within the service hours of the SLA of every service the incident's computed impact reached (down or degraded), in the SLA's time zone, and compared with the response target of the incident's priority. Without `responded`, the response is taken to be the resolution (restoring the service answers the incident); an open incident is measured up to now (`--now`). A note, not an error: a breach is a fact of the past that no edit to the record can honestly undo, and it must not block the pull request that records it; reports count it.";
    SlaResolutionBreach = "sla-resolution-breach", "CAB5004", Note,
        "an incident took longer to resolve than the SLA's resolution target of its priority",
        "The time from `detected` to `resolved` is counted within the service hours of the SLA of every service the incident's computed impact reached (down or degraded), in the SLA's time zone, and compared with the resolution target of the incident's priority. An open incident is measured up to now (`--now`) and breaches once it is past the target. A note, not an error: a breach is a fact of the past that no edit to the record can honestly undo, and it must not block the pull request that records it; reports count it.";
    ActionOverdue = "action-overdue", "CAB5005", Warning,
        "a follow-up action of an incident is not done and its due date has passed",
        "An action is overdue from the day after its `due` date (UTC), judged against now (`--now`), until it is marked `done: true`. A warning: the follow-ups of a post-incident review are what keeps the incident from happening again, so an overdue one is worth everyone's attention, but it should not block unrelated pull requests. Do it, or agree a new date and change `due`.";
    KnownErrorIncomplete = "known-error-incomplete", "CAB5006", Error,
        "a problem lacks what its status requires: a root cause from known-error on, a workaround while a known error, a fix once resolved",
        "A known error is an entry of the known-error database: people look it up during an incident, so it must say why it happens (`rootCause`) and how to restore service meanwhile (`workaround`). A resolved or closed problem names the change that removed the cause (`fix`) and keeps its root cause. An error, like a change without a backout plan: the record claims a status its content does not support; fill in the field, or set the status back.";
    OutcomeOverdue = "outcome-overdue", "CAB5007", Warning,
        "a change's window ended more than the Policy's allowance ago and its outcome is not written",
        "The outcome of a change (`outcome.result`: successful, successful-with-issues, failed or backed-out) is due `review.outcomeDays` days (default 7) after its window ends, judged against now (`--now`), from a change that was authorised to run (approved, scheduled or implementing): a draft or request whose window passed never ran, and a completed change without an outcome is already `change-missing-outcome`. Until it is written the change counts in no success or failure rate, and a change that went wrong stays out of the figures the CAB steers by. A warning: the change happened, and the record is late, not wrong. Write the outcome (and set the status to completed, failed or rolled-back), or cancel the change if it never ran.";
    ModelUnreliable = "model-unreliable", "CAB5008", Warning,
        "a standard-change model's changes failed more often than the Policy allows over its look-back",
        "A standard change is pre-approved because its model has proved safe. Over the last `review.models.lookBackDays` days (default 180; changes whose window ended then and that have an outcome), when at least `minChanges` (5) changes of the model counted and more than `maxFailureRate` (0.2) of them failed (failed, backed out, or named by an incident's `causedBy`), the model has stopped proving it. A warning on the model: the CAB should review whether it stays pre-approved, tighten its `appliesTo` or `maxRisk`, or retire it.";
}

impl Code {
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    /// The rule's friendly name in SARIF: the name in Pascal case, every word a capital and
    /// at least one small letter or digit (`NotMapping` for `not-a-mapping`: one-letter words
    /// are left out), as the SARIF Multitool's rule SARIF2012 wants it.
    pub fn pascal_name(self) -> String {
        self.as_str()
            .split('-')
            .filter(|w| w.len() > 1)
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Where the code is documented: its section of `docs/diagnostics.md` at this version's
    /// tag in the repository (`cabinet explain --markdown` writes that page).
    pub fn help_uri(self) -> String {
        format!(
            "{}/blob/v{}/docs/diagnostics.md#{}",
            env!("CARGO_PKG_REPOSITORY"),
            env!("CARGO_PKG_VERSION"),
            self.as_str()
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab-case"
            );
            assert!(!code.description().is_empty() && !code.explanation().is_empty());
            assert_eq!(Code::from_name(name), Some(*code));
            assert_eq!(Code::from_name(code.rule_id()), Some(*code));
        }
    }

    /// SARIF's `reportingDescriptor.id` is opaque and stable, `name` a Pascal-case
    /// identifier: the SARIF Multitool checks names with `^(\p{Lu}[\p{Ll}\p{Nd}]+)*$`.
    #[test]
    fn rule_ids_are_opaque_and_names_pascal_case() {
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        for code in Code::ALL {
            let id = code.rule_id();
            assert!(ids.insert(id), "duplicate rule id {id}");
            assert!(
                id.len() == 7
                    && id.starts_with("CAB")
                    && id[3..].bytes().all(|b| b.is_ascii_digit()),
                "{id}"
            );
            let name = code.pascal_name();
            assert!(names.insert(name.clone()), "duplicate friendly name {name}");
            let mut words = 0;
            let mut chars = name.chars().peekable();
            while let Some(c) = chars.next() {
                assert!(c.is_ascii_uppercase(), "{name}: a word starts with `{c}`");
                let mut rest = 0;
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                {
                    chars.next();
                    rest += 1;
                }
                assert!(rest > 0, "{name}: a word of one capital");
                words += 1;
            }
            assert!(words > 0);
        }
        assert_eq!(Code::NotAMapping.pascal_name(), "NotMapping");
        assert_eq!(Code::InvalidUtf8.pascal_name(), "InvalidUtf8");
        assert_eq!(Code::from_name("cab1001"), Some(Code::InvalidYaml));
    }
}
