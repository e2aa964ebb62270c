//! Every reference resolves, and a near miss gets a `did you mean`.

use crate::diag::{self, Code, Diagnostic};
use crate::model::{Kind, Record, RecordRef, RecordSet, Requirement, Spec};

/// Every reference a record makes: `(pointer, text, the kind a bare id names)`.
pub(crate) fn references(r: &Record) -> Vec<(String, &str, Option<Kind>)> {
    let mut refs = Vec::new();
    match &r.spec {
        Spec::Service(s) => {
            refs.push((
                "/spec/owner".to_string(),
                s.owner.as_str(),
                Some(Kind::Team),
            ));
            if let Some(sla) = &s.sla {
                refs.push(("/spec/sla".to_string(), sla.as_str(), Some(Kind::Sla)));
            }
            for (i, d) in s.depends_on.iter().enumerate() {
                refs.push((
                    format!("/spec/dependsOn/{i}{}", d.ref_pointer()),
                    d.target(),
                    None,
                ));
            }
        }
        Spec::ConfigurationItem(c) => {
            refs.push((
                "/spec/owner".to_string(),
                c.owner.as_str(),
                Some(Kind::Team),
            ));
            for (i, d) in c.depends_on.iter().enumerate() {
                refs.push((
                    format!("/spec/dependsOn/{i}{}", d.ref_pointer()),
                    d.target(),
                    None,
                ));
            }
        }
        Spec::Change(c) => {
            for (i, a) in c.affects.iter().enumerate() {
                refs.push((format!("/spec/affects/{i}"), a.as_str(), None));
            }
            if let Some(m) = &c.model {
                refs.push((
                    "/spec/model".to_string(),
                    m.as_str(),
                    Some(Kind::ChangeModel),
                ));
            }
            // These fields also hold ticket ids of other tools (`INC-88121`); only the
            // `incident:ID` form names a record.
            let incident = |text: &str| text.starts_with("incident:");
            if let Some(e) = c.emergency.as_ref().filter(|e| incident(&e.incident)) {
                refs.push((
                    "/spec/emergency/incident".to_string(),
                    e.incident.as_str(),
                    None,
                ));
            }
            for (i, text) in c
                .outcome
                .iter()
                .flat_map(|o| o.incidents.iter().enumerate())
            {
                if incident(text) {
                    refs.push((format!("/spec/outcome/incidents/{i}"), text.as_str(), None));
                }
            }
        }
        Spec::Incident(incident) => {
            for (i, a) in incident.affects.iter().enumerate() {
                refs.push((format!("/spec/affects/{i}"), a.as_str(), None));
            }
            if let Some(c) = &incident.caused_by {
                refs.push(("/spec/causedBy".to_string(), c.as_str(), Some(Kind::Change)));
            }
            if let Some(p) = &incident.problem {
                refs.push(("/spec/problem".to_string(), p.as_str(), Some(Kind::Problem)));
            }
            for (i, a) in incident.actions.iter().enumerate() {
                refs.push((
                    format!("/spec/actions/{i}/owner"),
                    a.owner.as_str(),
                    Some(Kind::Team),
                ));
            }
        }
        Spec::Problem(p) => {
            for (i, a) in p.affects.iter().enumerate() {
                refs.push((format!("/spec/affects/{i}"), a.as_str(), None));
            }
            for (i, text) in p.incidents.iter().enumerate() {
                refs.push((
                    format!("/spec/incidents/{i}"),
                    text.as_str(),
                    Some(Kind::Incident),
                ));
            }
            if let Some(f) = &p.fix {
                refs.push(("/spec/fix".to_string(), f.as_str(), Some(Kind::Change)));
            }
        }
        Spec::Policy(p) => {
            refs.push(("/spec/cab".to_string(), p.cab.as_str(), Some(Kind::Team)));
            if let Some(e) = &p.ecab {
                refs.push(("/spec/ecab".to_string(), e.as_str(), Some(Kind::Team)));
            }
            for (i, rule) in p.approvals.iter().enumerate() {
                for (j, s) in rule.when.impacted_services.iter().enumerate() {
                    refs.push((
                        format!("/spec/approvals/{i}/when/impactedServices/{j}"),
                        s.as_str(),
                        None,
                    ));
                }
                for (j, req) in rule.require.iter().enumerate() {
                    approver_refs(req, format!("/spec/approvals/{i}/require/{j}"), &mut refs);
                }
            }
            for (i, f) in p.freezes.iter().enumerate() {
                for (j, s) in f.scope.iter().enumerate() {
                    refs.push((format!("/spec/freezes/{i}/scope/{j}"), s.as_str(), None));
                }
            }
        }
        Spec::Config(_) | Spec::Team(_) | Spec::Sla(_) | Spec::ChangeModel(_) => {}
    }
    refs
}

fn approver_refs<'a>(
    req: &'a Requirement,
    at: String,
    refs: &mut Vec<(String, &'a str, Option<Kind>)>,
) {
    match req {
        Requirement::Approvals(a) => {
            for (k, from) in a.from.iter().enumerate() {
                if from.starts_with("team:") {
                    refs.push((format!("{at}/from/{k}"), from.as_str(), None));
                }
            }
        }
        Requirement::AnyOf(any) => {
            for (k, inner) in any.any_of.iter().enumerate() {
                approver_refs(inner, format!("{at}/anyOf/{k}"), refs);
            }
        }
    }
}

/// Resolve a reference's text as the field reads it.
pub(crate) fn resolve(text: &str, bare: Option<Kind>) -> Option<RecordRef> {
    match bare {
        Some(kind) => Some(RecordRef::parse_as(text, kind)),
        None => RecordRef::parse(text),
    }
}

/// How many ids, in all, a `did you mean` may compare a missing id with. Each missing id is
/// looked up once however often it is referred to, and past this budget the findings carry no
/// suggestion: a pull request that removes a record a million others depend on costs linear
/// time, not a scan of every id per reference.
const SUGGESTION_BUDGET: usize = 2_000_000;

/// Near misses of missing ids, each looked up once, within a budget of comparisons.
struct Suggestions<'a> {
    ids: std::collections::HashMap<Kind, Vec<&'a str>>,
    found: std::collections::HashMap<RecordRef, Option<&'a str>>,
    budget: usize,
}

impl<'a> Suggestions<'a> {
    fn new(set: &'a RecordSet, budget: usize) -> Self {
        let mut ids: std::collections::HashMap<Kind, Vec<&'a str>> = Default::default();
        for r in set.iter() {
            ids.entry(r.kind()).or_default().push(r.id());
        }
        Suggestions {
            ids,
            found: Default::default(),
            budget,
        }
    }

    fn near(&mut self, target: &RecordRef) -> Option<&'a str> {
        if let Some(known) = self.found.get(target) {
            return *known;
        }
        let candidates = self.ids.get(&target.kind).map_or(&[][..], Vec::as_slice);
        let near = if candidates.len() <= self.budget {
            self.budget -= candidates.len();
            diag::closest(&target.id, candidates.iter().copied())
        } else {
            self.budget = 0;
            None
        };
        self.found.insert(target.clone(), near);
        near
    }
}

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    findings_within(set, SUGGESTION_BUDGET, out);
}

fn findings_within(set: &RecordSet, budget: usize, out: &mut Vec<Diagnostic>) {
    let mut suggestions = Suggestions::new(set, budget);
    for r in set.iter() {
        for (pointer, text, bare) in references(r) {
            let Some(target) = resolve(text, bare) else {
                continue;
            };
            if set.contains(&target) || set.is_invalid(&target) {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::DanglingReference,
                format!("`{target}` does not exist"),
            )
            .at(r.at(pointer))
            .with_label(format!("no {} has the id `{}`", target.kind, target.id));
            if let Some(near) = suggestions.near(&target) {
                let suggestion = match bare {
                    Some(_) => near.to_string(),
                    None => RecordRef::new(target.kind, near).to_string(),
                };
                d = d.with_help(format!("did you mean `{suggestion}`?"));
            } else if let Some(other) = Kind::ALL
                .into_iter()
                .filter(|&k| k != target.kind)
                .map(|k| RecordRef::new(k, target.id.clone()))
                .find(|other| set.contains(other))
            {
                d = d.with_help(format!("there is a `{other}`: is the kind right?"));
            } else {
                d = d.with_note(format!(
                    "{} `{}` depends on a record that is not in the repository",
                    r.kind(),
                    r.id()
                ));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::records_from_str;

    fn set(yaml: &str) -> RecordSet {
        let (records, diagnostics) = records_from_str("x.yaml", yaml);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        RecordSet::new(records)
    }

    const TEAM: &str =
        "apiVersion: cabinet/v1\nkind: Team\nmetadata: {id: payments, name: P}\nspec: {}\n";

    fn service(id: &str, owner: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: {id}, name: S}}\nspec: {{owner: {owner}, tier: 2, lifecycle: live}}\n"
        )
    }

    fn helps(set: &RecordSet, budget: usize) -> Vec<Option<String>> {
        let mut out = Vec::new();
        findings_within(set, budget, &mut out);
        out.into_iter().map(|d| d.help).collect()
    }

    #[test]
    fn a_near_miss_is_suggested_for_every_reference_to_it() {
        let yaml = format!(
            "{TEAM}{}{}",
            service("a", "paymnets"),
            service("b", "paymnets")
        );
        let set = set(&yaml);
        let expected = Some("did you mean `payments`?".to_string());
        assert_eq!(helps(&set, 100), vec![expected.clone(), expected]);
    }

    #[test]
    fn a_missing_id_is_compared_with_the_ids_once_however_often_it_is_named() {
        let yaml = format!(
            "{TEAM}{}{}",
            service("a", "paymnets"),
            service("b", "paymnets")
        );
        let set = set(&yaml);
        let mut suggestions = Suggestions::new(&set, 1);
        let target = RecordRef::new(Kind::Team, "paymnets");
        assert_eq!(suggestions.near(&target), Some("payments"));
        assert_eq!(suggestions.budget, 0);
        // The second time costs nothing: the budget of one comparison is already spent.
        assert_eq!(suggestions.near(&target), Some("payments"));
    }

    #[test]
    fn past_the_budget_the_finding_stays_and_the_suggestion_goes() {
        let yaml = format!(
            "{TEAM}{}{}",
            service("a", "paymnets"),
            service("b", "paymnts")
        );
        let set = set(&yaml);
        let found = helps(&set, 1);
        assert_eq!(found.len(), 2, "both references are still reported");
        assert_eq!(found[0].as_deref(), Some("did you mean `payments`?"));
        assert_eq!(found[1], None);
    }

    #[test]
    fn a_reference_of_the_wrong_kind_is_told_the_kind_that_exists() {
        // `dependsOn: [ci:a]` where `a` is a service.
        let yaml = format!(
            "{TEAM}{}---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: b, name: S}}\nspec: {{owner: payments, tier: 2, lifecycle: live, dependsOn: [ci:a]}}\n",
            service("a", "payments")
        );
        let set = set(&yaml);
        assert_eq!(
            helps(&set, 100),
            vec![Some(
                "there is a `service:a`: is the kind right?".to_string()
            )]
        );
    }

    #[test]
    fn incidents_and_problems_name_what_they_refer_to() {
        let yaml = format!(
            "{TEAM}{}---
apiVersion: cabinet/v1
kind: Incident
metadata: {{id: INC-1}}
spec:
  affects: [service:a, ci:gone]
  impact: low
  urgency: low
  priority: P4
  detected: \"2026-11-03T09:00:00Z\"
  status: open
  causedBy: change:CHG-9
  problem: PRB-9
  actions: [{{title: t, owner: team:paymnets}}]
---
apiVersion: cabinet/v1
kind: Problem
metadata: {{id: PRB-1}}
spec: {{status: new, affects: [service:a], incidents: [incident:INC-1, INC-2], fix: CHG-8}}
",
            service("a", "payments")
        );
        let set = set(&yaml);
        let mut out = Vec::new();
        findings(&set, &mut out);
        let found: Vec<(String, String)> = out
            .iter()
            .map(|d| (d.location.clone().unwrap().pointer, d.message.clone()))
            .collect();
        let expect = |p: &str, m: &str| (p.to_string(), m.to_string());
        assert_eq!(
            found,
            vec![
                expect("/spec/affects/1", "`ci:gone` does not exist"),
                expect("/spec/causedBy", "`change:CHG-9` does not exist"),
                expect("/spec/problem", "`problem:PRB-9` does not exist"),
                expect("/spec/actions/0/owner", "`team:paymnets` does not exist"),
                expect("/spec/incidents/1", "`incident:INC-2` does not exist"),
                expect("/spec/fix", "`change:CHG-8` does not exist"),
            ]
        );
    }

    #[test]
    fn a_change_names_an_incident_record_only_in_the_incident_form() {
        let change = |incident: &str, caused: &str| {
            format!(
                "{TEAM}---
apiVersion: cabinet/v1
kind: Change
metadata: {{id: CHG-1}}
spec:
  type: emergency
  requester: octocat
  reason: r
  affects: [ci:x]
  window: {{start: \"2026-12-01T22:00:00Z\", end: \"2026-12-01T23:00:00Z\"}}
  risk: low
  plan: p
  backout: b
  emergency: {{incident: \"{incident}\", justification: j}}
  status: failed
  outcome: {{result: failed, incidents: [\"{caused}\"]}}
---
apiVersion: cabinet/v1
kind: ConfigurationItem
metadata: {{id: x}}
spec: {{type: server, owner: payments, environment: production, lifecycle: planned}}
"
            )
        };
        let dangling = |yaml: &str| {
            let mut out = Vec::new();
            findings(&set(yaml), &mut out);
            out.into_iter()
                .map(|d| d.location.unwrap().pointer)
                .collect::<Vec<_>>()
        };
        // Ticket ids of another tool are free text.
        assert!(dangling(&change("INC-88121", "SNOW-42")).is_empty());
        assert_eq!(
            dangling(&change("incident:INC-1", "incident:INC-2")),
            vec!["/spec/emergency/incident", "/spec/outcome/incidents/0"]
        );
    }
}
