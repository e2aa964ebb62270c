//! Incident-record rules that need more than one field: the priority follows from impact and
//! urgency by the Policy's matrix, the times come in order, and follow-up actions are done by
//! their due date (judged against `now`).

use crate::diag::{Code, Diagnostic};
use crate::model::{IncidentSpec, IncidentStatus, PriorityMatrix, Record, RecordSet, Spec};
use jiff::Timestamp;

/// `judging`, when given, is the priority matrix that judges (the base revision's, at the
/// gate), not the one of the Policy among the records under judgement.
pub(super) fn findings(
    set: &RecordSet,
    now: Timestamp,
    judging: Option<&PriorityMatrix>,
    out: &mut Vec<Diagnostic>,
) {
    // The Policy record shown beside a finding, when its matrix is the one that judges.
    let policy = match judging {
        Some(_) => None,
        None => set.policy(),
    };
    let default_matrix = PriorityMatrix::default();
    let matrix = judging
        .or(policy.map(|(_, p)| &p.priority_matrix))
        .unwrap_or(&default_matrix);
    for r in set.iter() {
        let Spec::Incident(i) = &r.spec else {
            continue;
        };
        let expected = matrix.priority(i.impact, i.urgency);
        if i.priority != expected {
            let mut d = Diagnostic::new(
                Code::PriorityMismatch,
                format!(
                    "incident `{}` is {} but impact {} and urgency {} make it {}",
                    r.id(),
                    i.priority.as_str(),
                    i.impact.as_str(),
                    i.urgency.as_str(),
                    expected.as_str()
                ),
            )
            .at(r.at("/spec/priority"))
            .with_help(format!(
                "write `priority: {}`, or correct `impact` and `urgency`",
                expected.as_str()
            ));
            if let Some((p, _)) = policy.filter(|(_, s)| s.priority_matrix != default_matrix) {
                d = d.with_related(p.at("/spec/priorityMatrix"), "the Policy's priority matrix");
            }
            out.push(d);
        }
        time_order(r, i, out);
        for (n, a) in i.actions.iter().enumerate() {
            if let Some(due) = a.due.filter(|_| a.is_overdue(now)) {
                out.push(
                    Diagnostic::new(
                        Code::ActionOverdue,
                        format!(
                            "action `{}` of incident `{}` was due {due} and is not done",
                            a.title,
                            r.id()
                        ),
                    )
                    .at(r.at(format!("/spec/actions/{n}/due")))
                    .with_label(format!("owner: {}", a.owner))
                    .with_help("mark it `done: true`, or agree a new `due` date"),
                );
            }
        }
    }
}

fn time_order(r: &Record, i: &IncidentSpec, out: &mut Vec<Diagnostic>) {
    let wrong = |pointer: &str, message: String, before: (&str, &str)| {
        Diagnostic::new(Code::IncidentTimeOrder, message)
            .at(r.at(pointer))
            .with_related(r.at(before.0), before.1)
            .with_help("an incident is detected, then responded to, then resolved")
    };
    if let Some(responded) = i.responded
        && responded < i.detected
    {
        out.push(wrong(
            "/spec/responded",
            format!(
                "incident `{}` was responded to at {responded}, before it was detected at {}",
                r.id(),
                i.detected
            ),
            ("/spec/detected", "detected"),
        ));
    }
    if let Some(resolved) = i.resolved {
        if resolved < i.detected {
            out.push(wrong(
                "/spec/resolved",
                format!(
                    "incident `{}` was resolved at {resolved}, before it was detected at {}",
                    r.id(),
                    i.detected
                ),
                ("/spec/detected", "detected"),
            ));
        } else if let Some(responded) = i.responded.filter(|&t| resolved < t) {
            out.push(wrong(
                "/spec/resolved",
                format!(
                    "incident `{}` was resolved at {resolved}, before its first response at {responded}",
                    r.id()
                ),
                ("/spec/responded", "responded"),
            ));
        }
    } else if i.status != IncidentStatus::Open {
        out.push(
            Diagnostic::new(
                Code::IncidentTimeOrder,
                format!(
                    "incident `{}` is {} but does not say when it was resolved",
                    r.id(),
                    i.status.as_str()
                ),
            )
            .at(r.at("/spec/status"))
            .with_help("add `resolved:` with the time the service was restored (RFC 3339)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::records_from_str;

    const NOW: &str = "2026-12-01T09:00:00Z";

    fn incident(spec: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {{id: INC-1}}\nspec:\n  affects: [ci:db]\n{spec}"
        )
    }

    const FINE: &str = "  impact: high\n  urgency: medium\n  priority: P2\n  detected: \"2026-11-03T09:00:00Z\"\n  responded: \"2026-11-03T09:10:00Z\"\n  resolved: \"2026-11-03T10:00:00Z\"\n  status: resolved\n";

    /// `(code, pointer)` of every finding.
    fn found(yaml: &str) -> Vec<(&'static str, String)> {
        let (records, diagnostics) = records_from_str("i.yaml", yaml);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let mut out = Vec::new();
        findings(
            &RecordSet::new(records),
            NOW.parse().unwrap(),
            None,
            &mut out,
        );
        out.into_iter()
            .map(|d| (d.code.as_str(), d.location.unwrap().pointer))
            .collect()
    }

    #[test]
    fn an_incident_by_the_book_has_no_finding() {
        assert_eq!(found(&incident(FINE)), vec![]);
    }

    #[test]
    fn a_priority_other_than_the_matrix_gives_is_reported() {
        let yaml = incident(&FINE.replace("priority: P2", "priority: P3"));
        assert_eq!(
            found(&yaml),
            vec![("priority-mismatch", "/spec/priority".to_string())]
        );
    }

    #[test]
    fn the_matrix_of_the_policy_decides_the_priority() {
        // This Policy makes high impact and medium urgency a P1.
        let policy = "apiVersion: cabinet/v1\nkind: Policy\nmetadata: {id: p}\nspec:\n  cab: cab\n  priorityMatrix:\n    high: {high: P1, medium: P1, low: P2}\n";
        let yaml = format!("{policy}{}", incident(FINE));
        let (records, _) = records_from_str("i.yaml", &yaml);
        let mut out = Vec::new();
        findings(
            &RecordSet::new(records),
            NOW.parse().unwrap(),
            None,
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, Code::PriorityMismatch);
        assert_eq!(
            out[0].message,
            "incident `INC-1` is P2 but impact high and urgency medium make it P1"
        );
        assert_eq!(out[0].related[0].location.pointer, "/spec/priorityMatrix");
        // The other rows keep the default.
        let low = incident(
            &FINE
                .replace("impact: high", "impact: low")
                .replace("priority: P2", "priority: P4"),
        );
        let yaml = format!("{policy}{low}");
        let (records, _) = records_from_str("i.yaml", &yaml);
        let mut out = Vec::new();
        findings(
            &RecordSet::new(records),
            NOW.parse().unwrap(),
            None,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn times_out_of_order_are_reported_where_they_go_wrong() {
        let early_response = FINE.replace("09:10:00Z", "08:50:00Z");
        assert_eq!(
            found(&incident(&early_response)),
            vec![("incident-time-order", "/spec/responded".to_string())]
        );
        let resolved_before_response = FINE.replace("10:00:00Z", "09:05:00Z");
        assert_eq!(
            found(&incident(&resolved_before_response)),
            vec![("incident-time-order", "/spec/resolved".to_string())]
        );
        let resolved_before_detection = FINE
            .replace("  responded: \"2026-11-03T09:10:00Z\"\n", "")
            .replace("10:00:00Z", "08:00:00Z");
        assert_eq!(
            found(&incident(&resolved_before_detection)),
            vec![("incident-time-order", "/spec/resolved".to_string())]
        );
        // Equal times are in order.
        let at_once = FINE
            .replace("09:10:00Z", "09:00:00Z")
            .replace("10:00:00Z", "09:00:00Z");
        assert_eq!(found(&incident(&at_once)), vec![]);
    }

    #[test]
    fn a_resolved_or_closed_incident_says_when() {
        for status in ["resolved", "closed"] {
            let yaml = incident(
                &FINE
                    .replace("  resolved: \"2026-11-03T10:00:00Z\"\n", "")
                    .replace("status: resolved", &format!("status: {status}")),
            );
            assert_eq!(
                found(&yaml),
                vec![("incident-time-order", "/spec/status".to_string())]
            );
        }
        let open = incident(
            &FINE
                .replace("  resolved: \"2026-11-03T10:00:00Z\"\n", "")
                .replace("status: resolved", "status: open"),
        );
        assert_eq!(found(&open), vec![]);
    }

    #[test]
    fn an_action_is_overdue_from_the_day_after_its_due_date() {
        let action = |due: &str, done: bool| {
            incident(&format!(
                "{FINE}  actions:\n    - {{title: Add an alert, owner: team:ops, due: {due}, done: {done}}}\n"
            ))
        };
        assert_eq!(
            found(&action("2026-11-30", false)),
            vec![("action-overdue", "/spec/actions/0/due".to_string())]
        );
        // Due today (the UTC date of `now`) is not overdue yet.
        assert_eq!(found(&action("2026-12-01", false)), vec![]);
        // Done is done, however late.
        assert_eq!(found(&action("2026-01-01", true)), vec![]);
        // No due date, never overdue.
        let undated = incident(&format!(
            "{FINE}  actions:\n    - {{title: Add an alert, owner: ops}}\n"
        ));
        assert_eq!(found(&undated), vec![]);
    }
}
