//! What the records' history says about a change: earlier changes on the same records that
//! failed, open known errors on what it affects or impacts, and recent incidents on what it
//! affects. Each becomes a contribution to the risk, naming the record it was found on.
//!
//! The history is read once into a `Ledger` indexed by record, from every revision given (at
//! the gate, base then head). A record counts when it counts in any of them, as the first
//! revision in which it counts has it: a pull request can neither delete a failure, a known
//! error or an incident, nor rewrite one away (resolve a known error, move an incident out of
//! the period, reword a workaround), since what the record said at base stands. What the
//! pull request adds counts too.

use crate::impact::ImpactSet;
use crate::model::{Kind, Priority, ProblemStatus, RecordRef, RecordSet, RiskPolicy, Spec};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A problem at `known-error` on a record a change affects or impacts: the CAB should see
/// its workaround before approving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct KnownError {
    /// The problem's id.
    pub problem: String,
    pub name: String,
    /// The first of the change's records (affected, then impacted) that the problem affects.
    pub on: RecordRef,
    pub workaround: String,
    pub file: String,
}

/// An incident detected in the look-back period on a record a change affects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct RecentIncident {
    pub incident: String,
    pub name: String,
    /// The first of the change's affected records that the incident names.
    pub on: RecordRef,
    pub detected: Timestamp,
    pub priority: Priority,
}

/// The history that bears on one change set, each list sorted by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct History {
    /// Earlier change records that failed or were backed out, with a record they shared.
    pub failed_before: Vec<(String, RecordRef)>,
    pub known_errors: Vec<KnownError>,
    pub recent_incidents: Vec<RecentIncident>,
}

/// One entry of the ledger, filed under every record it names.
#[derive(Debug)]
enum Entry {
    Failed(String),
    KnownError {
        problem: String,
        name: String,
        workaround: String,
        file: String,
    },
    Incident {
        incident: String,
        name: String,
        detected: Timestamp,
        priority: Priority,
    },
}

/// The history of a repository, indexed by the records each entry names. Only what can
/// count is kept: failed changes, problems at `known-error`, and incidents of the period.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    by_record: HashMap<RecordRef, Vec<usize>>,
    entries: Vec<Entry>,
}

impl Ledger {
    /// Read the history of `revisions` (earliest first). An incident is recent when it was
    /// detected at most the Policy's `recentIncidentDays` before `now`.
    pub(crate) fn read(revisions: &[&RecordSet], now: Timestamp, policy: &RiskPolicy) -> Ledger {
        let since = policy.recent_since(now);
        let mut ledger = Ledger::default();
        let mut seen: HashSet<(Kind, &str)> = HashSet::new();
        for set in revisions {
            for kind in [Kind::Change, Kind::Problem, Kind::Incident] {
                for r in set.of_kind(kind) {
                    if seen.contains(&(kind, r.id())) {
                        continue;
                    }
                    let (entry, names) = match &r.spec {
                        Spec::Change(c)
                            if c.status.is_implemented()
                                && c.outcome.as_ref().is_some_and(|o| o.result.is_failure()) =>
                        {
                            (Entry::Failed(r.id().to_string()), &c.affects)
                        }
                        Spec::Problem(p) if p.status == ProblemStatus::KnownError => (
                            Entry::KnownError {
                                problem: r.id().to_string(),
                                name: r.metadata.display_name().to_string(),
                                workaround: p.workaround.clone().unwrap_or_default(),
                                file: r.origin.file.clone(),
                            },
                            &p.affects,
                        ),
                        Spec::Incident(i) if i.detected >= since => (
                            Entry::Incident {
                                incident: r.id().to_string(),
                                name: r.metadata.display_name().to_string(),
                                detected: i.detected,
                                priority: i.priority,
                            },
                            &i.affects,
                        ),
                        _ => continue,
                    };
                    seen.insert((kind, r.id()));
                    ledger.file(entry, names);
                }
            }
        }
        ledger
    }

    fn file(&mut self, entry: Entry, names: &[String]) {
        let at = self.entries.len();
        self.entries.push(entry);
        let mut refs: Vec<RecordRef> = names.iter().filter_map(|a| RecordRef::parse(a)).collect();
        refs.sort();
        refs.dedup();
        for r in refs {
            self.by_record.entry(r).or_default().push(at);
        }
    }

    fn on<'a>(&'a self, r: &RecordRef) -> impl Iterator<Item = &'a Entry> {
        self.by_record
            .get(r)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entries.get(i))
    }

    /// The history of a change set: failures and recent incidents on what it `affected`,
    /// known errors on that or on what it `impact`s. The change records in `in_play` are
    /// under judgement: their own outcome does not count against them.
    pub(crate) fn history(
        &self,
        affected: &[RecordRef],
        impact: &ImpactSet,
        in_play: &[&str],
    ) -> History {
        let mut failed: BTreeMap<&str, &RecordRef> = BTreeMap::new();
        let mut known: BTreeMap<&str, KnownError> = BTreeMap::new();
        let mut incidents: BTreeMap<&str, RecentIncident> = BTreeMap::new();
        for on in affected {
            for e in self.on(on) {
                match e {
                    Entry::Failed(id) if !in_play.contains(&id.as_str()) => {
                        failed.entry(id).or_insert(on);
                    }
                    Entry::Incident {
                        incident,
                        name,
                        detected,
                        priority,
                    } => {
                        incidents.entry(incident).or_insert_with(|| RecentIncident {
                            incident: incident.clone(),
                            name: name.clone(),
                            on: on.clone(),
                            detected: *detected,
                            priority: *priority,
                        });
                    }
                    _ => {}
                }
            }
        }
        let impacted = impact.impacted.iter().map(|i| &i.reference);
        for on in affected.iter().chain(impacted) {
            for e in self.on(on) {
                if let Entry::KnownError {
                    problem,
                    name,
                    workaround,
                    file,
                } = e
                {
                    known.entry(problem).or_insert_with(|| KnownError {
                        problem: problem.clone(),
                        name: name.clone(),
                        on: on.clone(),
                        workaround: workaround.clone(),
                        file: file.clone(),
                    });
                }
            }
        }
        History {
            failed_before: failed
                .into_iter()
                .map(|(id, on)| (id.to_string(), on.clone()))
                .collect(),
            known_errors: known.into_values().collect(),
            recent_incidents: incidents.into_values().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::DependencyGraph;
    use crate::load::valid_records;
    use crate::model::Risk;
    use crate::risk::{RiskContext, assess};

    const NOW: &str = "2026-12-01T09:00:00Z";

    /// `db` <- `pay` (tier 1) <- `shop` (tier 2).
    const GRAPH: &str = "---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {id: db}
spec: {type: database, owner: t, environment: production, lifecycle: live}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: pay}
spec: {owner: t, tier: 1, lifecycle: live, dependsOn: [ci:db]}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: shop}
spec: {owner: t, tier: 2, lifecycle: live, dependsOn: [service:pay]}
";

    fn problem(id: &str, status: &str, affects: &str, workaround: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Problem\nmetadata: {{id: {id}, name: Pool exhaustion}}\nspec: {{status: {status}, affects: [{affects}], rootCause: r, workaround: {workaround}}}\n"
        )
    }

    fn incident(id: &str, affects: &str, detected: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {{id: {id}, name: Outage}}\nspec: {{affects: [{affects}], impact: high, urgency: high, priority: P1, detected: \"{detected}\", resolved: \"{detected}\", status: resolved}}\n"
        )
    }

    fn failed_change(id: &str, affects: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: normal, requester: octocat, reason: r, affects: [{affects}], window: {{start: \"2026-11-01T22:00:00Z\", end: \"2026-11-01T23:00:00Z\"}}, risk: low, plan: p, backout: b, verification: v, status: failed, outcome: {{result: failed}}}}\n"
        )
    }

    struct Case {
        revisions: Vec<RecordSet>,
        policy: RiskPolicy,
    }

    impl Case {
        /// One revision holding the graph and `history`.
        fn with(history: &str) -> Case {
            Case {
                revisions: vec![valid_records([("r.yaml", &*format!("{GRAPH}{history}"))])],
                policy: RiskPolicy::default(),
            }
        }

        /// A later revision (the pull request's head) holding the graph and `history`.
        fn then(mut self, history: &str) -> Case {
            self.revisions
                .push(valid_records([("r.yaml", &*format!("{GRAPH}{history}"))]));
            self
        }

        /// The history of a change to `affected`, and the risk it adds.
        fn of(&self, affected: &[&str], in_play: &[&str]) -> (History, Vec<String>) {
            let sets: Vec<&RecordSet> = self.revisions.iter().collect();
            let last = sets[sets.len() - 1];
            let affected: Vec<RecordRef> = affected
                .iter()
                .map(|a| RecordRef::parse(a).unwrap())
                .collect();
            let impact = ImpactSet::compute(last, &DependencyGraph::build(last), &affected);
            let ledger = Ledger::read(&sets, NOW.parse().unwrap(), &self.policy);
            let history = ledger.history(&affected, &impact, in_play);
            let ctx = RiskContext {
                history: history.clone(),
                ..RiskContext::default()
            };
            // Only the history's reasons: no weight for the services, so the score is theirs.
            let policy = RiskPolicy {
                tier_weights: crate::model::TierWeights::NONE,
                degraded_weights: crate::model::TierWeights::NONE,
                ..self.policy.clone()
            };
            let mut reasons = assess(&impact, &ctx, &policy).reasons;
            reasons.pop(); // "score N is ... risk"
            (history, reasons)
        }
    }

    #[test]
    fn an_open_known_error_on_an_affected_record_adds_its_weight_and_workaround() {
        let case = Case::with(&problem(
            "PRB-7",
            "known-error",
            "ci:db",
            "Restart the pool",
        ));
        let (history, reasons) = case.of(&["ci:db"], &[]);
        assert_eq!(reasons, ["open known error PRB-7 on ci:db (+2)"]);
        assert_eq!(
            history.known_errors,
            [KnownError {
                problem: "PRB-7".into(),
                name: "Pool exhaustion".into(),
                on: RecordRef::parse("ci:db").unwrap(),
                workaround: "Restart the pool".into(),
                file: "r.yaml".into(),
            }]
        );
    }

    #[test]
    fn a_known_error_on_an_impacted_record_counts_once_on_the_affected_one_first() {
        // On `shop`, which a change to `db` takes down, and on `db` itself.
        let case = Case::with(&problem("PRB-7", "known-error", "service:shop, ci:db", "w"));
        let (_, reasons) = case.of(&["ci:db"], &[]);
        assert_eq!(reasons, ["open known error PRB-7 on ci:db (+2)"]);
        let case = Case::with(&problem("PRB-7", "known-error", "service:shop", "w"));
        let (_, reasons) = case.of(&["ci:db"], &[]);
        assert_eq!(reasons, ["open known error PRB-7 on service:shop (+2)"]);
        // A change to `pay` takes `shop` down too; a change to `shop` impacts nothing of `db`.
        let (_, reasons) = case.of(&["service:pay"], &[]);
        assert_eq!(reasons, ["open known error PRB-7 on service:shop (+2)"]);
        let case = Case::with(&problem("PRB-7", "known-error", "ci:db", "w"));
        let (history, reasons) = case.of(&["service:shop"], &[]);
        assert!(reasons.is_empty(), "{reasons:?}");
        assert!(history.known_errors.is_empty());
    }

    #[test]
    fn only_a_problem_at_known_error_counts() {
        for status in ["new", "investigating", "resolved", "closed"] {
            let fix = if status == "resolved" || status == "closed" {
                ", fix: change:CHG-9"
            } else {
                ""
            };
            let text = problem("PRB-7", status, "ci:db", "w").replace("w}", &format!("w{fix}}}"));
            let (history, reasons) = Case::with(&text).of(&["ci:db"], &[]);
            assert!(reasons.is_empty(), "{status}: {reasons:?}");
            assert!(history.known_errors.is_empty(), "{status}");
        }
    }

    #[test]
    fn an_incident_counts_for_the_policy_s_look_back_on_affected_records_only() {
        let case = Case::with(
            &(incident("INC-1", "ci:db", "2026-11-20T10:00:00Z")
                // Exactly 90 days before now: still in the period.
                + &incident("INC-2", "ci:db", "2026-09-02T09:00:00Z")
                // A second earlier: out.
                + &incident("INC-3", "ci:db", "2026-09-02T08:59:59Z")
                // Recent, but on a record the change only impacts.
                + &incident("INC-4", "service:pay", "2026-11-20T10:00:00Z")),
        );
        let (history, reasons) = case.of(&["ci:db"], &[]);
        assert_eq!(
            reasons,
            [
                "P1 incident INC-1 on ci:db, detected 2026-11-20 (+1)",
                "P1 incident INC-2 on ci:db, detected 2026-09-02 (+1)"
            ]
        );
        assert_eq!(history.recent_incidents[0].on.to_string(), "ci:db");
        // The Policy sets the period and the weight.
        let mut case = case;
        case.policy.recent_incident_days = 30;
        case.policy.recent_incident_weight = 4;
        let (_, reasons) = case.of(&["ci:db", "service:pay"], &[]);
        assert_eq!(
            reasons,
            [
                "P1 incident INC-1 on ci:db, detected 2026-11-20 (+4)",
                "P1 incident INC-4 on service:pay, detected 2026-11-20 (+4)"
            ]
        );
    }

    #[test]
    fn weights_come_from_the_policy_and_zero_adds_no_reason() {
        let mut case = Case::with(&problem("PRB-7", "known-error", "ci:db", "w"));
        case.policy.known_error_weight = 5;
        assert_eq!(
            case.of(&["ci:db"], &[]).1,
            ["open known error PRB-7 on ci:db (+5)"]
        );
        case.policy.known_error_weight = 0;
        let (history, reasons) = case.of(&["ci:db"], &[]);
        assert!(reasons.is_empty(), "{reasons:?}");
        // Still in play: the workaround is shown whatever its weight.
        assert_eq!(history.known_errors.len(), 1);
    }

    #[test]
    fn the_pull_request_cannot_write_the_history_away() {
        let base = problem("PRB-7", "known-error", "ci:db", "Restart the pool")
            + &incident("INC-1", "ci:db", "2026-11-20T10:00:00Z")
            + &failed_change("CHG-0", "ci:db");
        // Head resolves the known error and rewords its workaround, moves the incident a
        // year back, and deletes the failed change.
        let head = problem("PRB-7", "resolved", "ci:db", "Nothing to do")
            .replace("Nothing to do}", "Nothing to do, fix: change:CHG-9}")
            + &incident("INC-1", "ci:db", "2025-11-20T10:00:00Z");
        let (history, reasons) = Case::with(&base).then(&head).of(&["ci:db"], &[]);
        assert_eq!(
            reasons,
            [
                "CHG-0 on ci:db failed before (+2)",
                "open known error PRB-7 on ci:db (+2)",
                "P1 incident INC-1 on ci:db, detected 2026-11-20 (+1)"
            ]
        );
        assert_eq!(history.known_errors[0].workaround, "Restart the pool");
        // What the pull request adds counts too.
        let (_, reasons) = Case::with("")
            .then(&problem("PRB-8", "known-error", "ci:db", "w"))
            .of(&["ci:db"], &[]);
        assert_eq!(reasons, ["open known error PRB-8 on ci:db (+2)"]);
        // A problem that becomes a known error at head counts, as head has it.
        let (history, _) = Case::with(&problem("PRB-8", "investigating", "ci:db", "old"))
            .then(&problem("PRB-8", "known-error", "ci:db", "new"))
            .of(&["ci:db"], &[]);
        assert_eq!(history.known_errors[0].workaround, "new");
    }

    #[test]
    fn only_a_change_that_was_carried_out_and_failed_counts_as_a_failure() {
        let succeeded = failed_change("CHG-0", "ci:db")
            .replace("status: failed", "status: completed")
            .replace("result: failed", "result: successful");
        // Not carried out: its outcome, written ahead of time, says nothing yet.
        let pending =
            failed_change("CHG-1", "ci:db").replace("status: failed", "status: scheduled");
        let (history, reasons) = Case::with(&(succeeded + &pending)).of(&["ci:db"], &[]);
        assert!(reasons.is_empty(), "{reasons:?}");
        assert!(history.failed_before.is_empty());
    }

    #[test]
    fn a_change_under_judgement_is_not_held_against_itself() {
        let case =
            Case::with(&(failed_change("CHG-0", "ci:db") + &failed_change("CHG-1", "ci:db")));
        let (_, reasons) = case.of(&["ci:db"], &["CHG-1"]);
        assert_eq!(reasons, ["CHG-0 on ci:db failed before (+2)"]);
    }

    #[test]
    fn each_entry_counts_once_whatever_it_names() {
        let case = Case::with(
            &(problem("PRB-7", "known-error", "ci:db, service:pay", "w")
                + &incident("INC-1", "ci:db, service:pay", "2026-11-20T10:00:00Z")
                + &failed_change("CHG-0", "ci:db, service:pay")),
        );
        let (history, reasons) = case.of(&["service:pay", "ci:db"], &[]);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        // The first affected record in the change's order names it.
        assert_eq!(history.known_errors[0].on.to_string(), "service:pay");
        assert_eq!(history.recent_incidents[0].on.to_string(), "service:pay");
        assert_eq!(history.failed_before[0].1.to_string(), "service:pay");
    }

    #[test]
    fn the_history_raises_the_level() {
        let case = Case::with(
            &(problem("PRB-7", "known-error", "ci:db", "w")
                + &problem("PRB-8", "known-error", "ci:db", "w")),
        );
        let sets: Vec<&RecordSet> = case.revisions.iter().collect();
        let affected = [RecordRef::parse("ci:db").unwrap()];
        let g = DependencyGraph::build(sets[0]);
        let impact = ImpactSet::compute(sets[0], &g, &affected);
        let ledger = Ledger::read(&sets, NOW.parse().unwrap(), &RiskPolicy::default());
        let ctx = RiskContext {
            history: ledger.history(&affected, &impact, &[]),
            ..RiskContext::default()
        };
        // pay down (3) and shop down (2), then two known errors (2 + 2): 9 is critical.
        let a = assess(&impact, &ctx, &RiskPolicy::default());
        assert_eq!((a.score, a.level), (9, Risk::Critical));
    }
}
