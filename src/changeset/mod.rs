//! A change set: what a pull request (two revisions) or a list of records changes, what that
//! takes down, and the risk that follows. Pure: records in, report out.

use crate::diff::{self, RecordDiff, Status};
use crate::graph::DependencyGraph;
use crate::impact::ImpactSet;
use crate::model::{ChangeSpec, Kind, RecordRef, RecordSet, RiskPolicy, Spec};
use crate::risk::{self, Assessment, KnownError, Ledger, RecentIncident, RiskContext};
use serde::Serialize;

/// A change record that takes part in the change set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ChangeSummary {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub change_type: crate::model::ChangeType,
    pub status: crate::model::ChangeStatus,
    /// The requester's own assessment.
    pub declared: crate::model::Risk,
    pub affects: Vec<RecordRef>,
    pub file: String,
}

/// An incident named on the command line: what it says about itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct IncidentSummary {
    pub id: String,
    pub name: String,
    pub priority: crate::model::Priority,
    pub status: crate::model::IncidentStatus,
    pub detected: jiff::Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<jiff::Timestamp>,
    pub affects: Vec<RecordRef>,
    pub file: String,
}

/// Everything `cabinet impact` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ChangeSetReport {
    /// The semantic difference between the revisions (empty when records were named).
    pub records: Vec<RecordDiff>,
    /// Change records added or edited (or named).
    pub changes: Vec<ChangeSummary>,
    /// Incidents named: what they took down or degraded is the impact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incidents: Vec<IncidentSummary>,
    #[serde(flatten)]
    pub impact: ImpactSet,
    pub risk: Assessment,
    /// Open known errors on what the change affects or impacts, with their workarounds.
    #[serde(rename = "knownErrors")]
    pub known_errors: Vec<KnownError>,
    /// Incidents of the look-back period on what the change affects.
    #[serde(rename = "recentIncidents")]
    pub recent_incidents: Vec<RecentIncident>,
}

fn summary(r: &crate::model::Record, c: &ChangeSpec) -> ChangeSummary {
    ChangeSummary {
        id: r.id().to_string(),
        name: r.metadata.display_name().to_string(),
        change_type: c.change_type,
        status: c.status,
        declared: c.risk,
        affects: c
            .affects
            .iter()
            .filter_map(|a| RecordRef::parse(a))
            .collect(),
        file: r.origin.file.clone(),
    }
}

fn change<'a>(set: &'a RecordSet, id: &str) -> Option<(&'a crate::model::Record, &'a ChangeSpec)> {
    let r = set.get(&RecordRef::new(Kind::Change, id))?;
    match &r.spec {
        Spec::Change(c) => Some((r, c)),
        _ => None,
    }
}

fn context(
    changes: &[ChangeSummary],
    set: &RecordSet,
    base: Option<&RecordSet>,
    (changed, impact): (&[RecordRef], &ImpactSet),
    ledger: &Ledger,
) -> RiskContext {
    let mut ctx = RiskContext::default();
    for s in changes {
        ctx.change_types.push((s.id.clone(), s.change_type));
        ctx.declared.push((s.id.clone(), s.declared));
        if let Some((_, c)) = change(set, &s.id)
            && c.verification
                .as_deref()
                .is_none_or(|v| v.trim().is_empty())
        {
            ctx.missing_verification.push(s.id.clone());
        }
        if let Some((_, old)) = base.and_then(|b| change(b, &s.id)) {
            ctx.declared_at_base.push((s.id.clone(), old.risk));
        }
    }
    let in_play: Vec<&str> = changes.iter().map(|s| s.id.as_str()).collect();
    ctx.history = ledger.history(changed, impact, &in_play);
    ctx
}

/// The report of a change set, with the history its risk was scored on.
fn report(
    records: Vec<RecordDiff>,
    changes: Vec<ChangeSummary>,
    incidents: Vec<IncidentSummary>,
    impact: ImpactSet,
    ctx: RiskContext,
    policy: &RiskPolicy,
) -> ChangeSetReport {
    let risk = risk::assess(&impact, &ctx, policy);
    ChangeSetReport {
        records,
        changes,
        incidents,
        impact,
        risk,
        known_errors: ctx.history.known_errors,
        recent_incidents: ctx.history.recent_incidents,
    }
}

fn incident(r: &crate::model::Record) -> Option<IncidentSummary> {
    let Spec::Incident(i) = &r.spec else {
        return None;
    };
    Some(IncidentSummary {
        id: r.id().to_string(),
        name: r.metadata.display_name().to_string(),
        priority: i.priority,
        status: i.status,
        detected: i.detected,
        resolved: i.resolved,
        affects: i
            .affects
            .iter()
            .filter_map(|a| RecordRef::parse(a))
            .collect(),
        file: r.origin.file.clone(),
    })
}

/// The impact of named records. A `change:ID` or `incident:ID` stands for the records its
/// `affects` names. `ledger` holds the history of `set`.
pub(crate) fn of_records(
    set: &RecordSet,
    graph: &DependencyGraph,
    named: &[RecordRef],
    policy: &RiskPolicy,
    ledger: &Ledger,
) -> ChangeSetReport {
    let mut changed = Vec::new();
    let mut changes = Vec::new();
    let mut incidents = Vec::new();
    for r in named {
        match r.kind {
            Kind::Change => {
                if let Some((rec, c)) = change(set, &r.id) {
                    let s = summary(rec, c);
                    changed.extend(s.affects.iter().cloned());
                    changes.push(s);
                }
            }
            Kind::Incident => {
                if let Some(s) = set.get(r).and_then(incident) {
                    changed.extend(s.affects.iter().cloned());
                    incidents.push(s);
                }
            }
            _ => changed.push(r.clone()),
        }
    }
    changed.sort();
    changed.dedup();
    let impact = ImpactSet::compute(set, graph, &changed);
    let ctx = context(&changes, set, None, (&changed, &impact), ledger);
    report(Vec::new(), changes, incidents, impact, ctx, policy)
}

/// One revision's records and their dependency graph.
#[derive(Clone, Copy)]
pub(crate) struct Revision<'a> {
    pub records: &'a RecordSet,
    pub graph: &'a DependencyGraph,
}

/// The impact of the difference between two revisions. `policy` should come from the base
/// revision, so that a pull request cannot loosen the rules that score it, and `ledger` hold
/// the history of both (base first), so that it cannot delete it.
pub(crate) fn between(
    base: Revision<'_>,
    head: Revision<'_>,
    policy: &RiskPolicy,
    ledger: &Ledger,
) -> ChangeSetReport {
    let (base_graph, head_graph) = (base.graph, head.graph);
    let (base, head) = (base.records, head.records);
    let records = diff::diff(base, head);
    let mut changed = Vec::new();
    let mut changes = Vec::new();
    for d in &records {
        match d.reference.kind {
            Kind::Service | Kind::ConfigurationItem if !d.is_cosmetic() => {
                changed.push(d.reference.clone())
            }
            Kind::Change if d.status != Status::Removed => {
                if let Some((rec, c)) = change(head, &d.reference.id) {
                    let s = summary(rec, c);
                    changed.extend(s.affects.iter().cloned());
                    changes.push(s);
                }
            }
            _ => {}
        }
    }
    changed.sort();
    changed.dedup();
    let at_head = ImpactSet::compute(head, head_graph, &changed);
    let at_base = ImpactSet::compute(base, base_graph, &changed);
    let impact = ImpactSet::merge(at_head, at_base);
    let ctx = context(&changes, head, Some(base), (&changed, &impact), ledger);
    report(records, changes, Vec::new(), impact, ctx, policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::records_from_str;
    use crate::model::Risk;

    fn set(text: &str) -> RecordSet {
        let (records, diags) = records_from_str("r.yaml", text);
        assert!(diags.is_empty(), "{diags:?}");
        RecordSet::new(records)
    }

    fn ci(id: &str, deps: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {id}}}\nspec: {{type: database, owner: t, environment: production, lifecycle: planned, dependsOn: [{deps}]}}\n"
        )
    }

    fn svc(id: &str, tier: u8, deps: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: {id}}}\nspec: {{owner: t, tier: {tier}, lifecycle: planned, dependsOn: [{deps}]}}\n"
        )
    }

    fn chg(id: &str, affects: &str, extra: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: normal, requester: octocat, reason: r, affects: [{affects}], window: {{start: \"2026-12-01T22:00:00Z\", end: \"2026-12-01T23:00:00Z\"}}, risk: low, plan: p, backout: b, verification: v, status: requested{extra}}}\n"
        )
    }

    fn between_sets(base: &RecordSet, head: &RecordSet) -> ChangeSetReport {
        let (base_graph, head_graph) = (DependencyGraph::build(base), DependencyGraph::build(head));
        between(
            Revision {
                records: base,
                graph: &base_graph,
            },
            Revision {
                records: head,
                graph: &head_graph,
            },
            &RiskPolicy::default(),
            &Ledger::read(&[base, head], now(), &RiskPolicy::default()),
        )
    }

    fn now() -> jiff::Timestamp {
        "2026-12-01T09:00:00Z".parse().unwrap()
    }

    fn ids(r: &ChangeSetReport) -> Vec<String> {
        r.impact
            .impacted
            .iter()
            .map(|i| i.reference.to_string())
            .collect()
    }

    #[test]
    fn editing_a_service_makes_it_a_changed_record() {
        let base = set(&(ci("db", "") + &svc("pay", 1, "ci:db")));
        let head = set(&(ci("db", "") + &svc("pay", 1, "")));
        let r = between_sets(&base, &head);
        assert_eq!(r.impact.changed, vec![RecordRef::new(Kind::Service, "pay")]);
        // The service itself was edited (its dependency removed): it is the changed record.
        assert_eq!(ids(&r), vec!["service:pay"]);
    }

    #[test]
    fn a_change_record_names_what_it_affects() {
        let records = ci("db", "") + &svc("pay", 1, "ci:db");
        let base = set(&records);
        let head = set(&(records.clone() + &chg("CHG-1", "ci:db", "")));
        let r = between_sets(&base, &head);
        assert_eq!(
            r.impact.changed,
            vec![RecordRef::new(Kind::ConfigurationItem, "db")]
        );
        assert_eq!(ids(&r), vec!["service:pay", "ci:db"]);
        assert_eq!(r.changes.len(), 1);
        assert_eq!(r.risk.level, Risk::Medium);
        assert_eq!(r.risk.reasons[0], "tier-1 service pay goes down (+3)");
    }

    #[test]
    fn deleting_a_dependency_is_judged_on_the_base_graph_too() {
        // The pull request removes `pay`'s dependency on `db` and changes `db`.
        let base = set(&(ci("db", "") + &svc("pay", 2, "ci:db") + &svc("shop", 1, "service:pay")));
        let head = set(&(ci("db", "ci:other")
            + &ci("other", "")
            + &svc("pay", 2, "")
            + &svc("shop", 1, "service:pay")));
        let r = between_sets(&base, &head);
        let got = ids(&r);
        assert!(got.contains(&"service:shop".to_string()), "{got:?}");
    }

    #[test]
    fn earlier_failures_on_the_same_records_raise_the_risk() {
        let records = ci("db", "")
            + &chg("CHG-0", "ci:db", ", outcome: {result: failed}")
                .replace("status: requested", "status: failed");
        let set = set(&records);
        let r = of_records(
            &set,
            &DependencyGraph::build(&set),
            &[RecordRef::new(Kind::ConfigurationItem, "db")],
            &RiskPolicy::default(),
            &Ledger::read(&[&set], now(), &RiskPolicy::default()),
        );
        assert!(
            r.risk
                .reasons
                .contains(&"CHG-0 on ci:db failed before (+2)".to_string()),
            "{:?}",
            r.risk.reasons
        );
    }

    #[test]
    fn a_change_edited_to_declare_less_risk_keeps_the_base_level() {
        let records = ci("db", "");
        let base =
            set(&(records.clone() + &chg("CHG-1", "ci:db", "").replace("risk: low", "risk: high")));
        let head = set(&(records + &chg("CHG-1", "ci:db", "")));
        let r = between_sets(&base, &head);
        assert_eq!(r.risk.level, Risk::High);
    }
}
