//! SLA breaches of incidents: every measure of an incident under an SLA its impact reached
//! (`sla_measure`, which the site's incident pages show too) that took longer than the target
//! is a finding. Only the incidents whose time on the wall exceeds the tightest target of
//! their priority have their impact computed, once per distinct `affects`.

use crate::diag::{Code, Diagnostic};
use crate::graph::DependencyGraph;
use crate::model::{IncidentSpec, Record, RecordRef, RecordSet, Spec};
use crate::sla_measure::{Agreements, Measure, Measurement, Reached, Verdict, affected, length};
use jiff::Timestamp;
use rayon::prelude::*;
use std::collections::HashMap;

fn code(m: Measure) -> Code {
    match m {
        Measure::Response => Code::SlaResponseBreach,
        Measure::Resolution => Code::SlaResolutionBreach,
    }
}

pub(super) fn findings(
    set: &RecordSet,
    graph: &DependencyGraph,
    now: Timestamp,
    out: &mut Vec<Diagnostic>,
) {
    let agreements = Agreements::new(set);
    if agreements.is_empty() {
        return;
    }
    // The incidents that may breach, with the records they name (sorted, as a key: incidents
    // on the same records share one impact, computed once).
    let mut candidates: Vec<(&Record, &IncidentSpec, Vec<RecordRef>)> = Vec::new();
    for r in set.iter() {
        let Spec::Incident(i) = &r.spec else {
            continue;
        };
        if agreements.may_breach(i, now) {
            candidates.push((r, i, affected(i)));
        }
    }
    let mut distinct: Vec<&Vec<RecordRef>> = candidates.iter().map(|c| &c.2).collect();
    distinct.sort();
    distinct.dedup();
    let reached: HashMap<&Vec<RecordRef>, Reached> = distinct
        .into_par_iter()
        .map(|affects| (affects, crate::sla_measure::reached(set, graph, affects)))
        .collect();
    for (r, i, affects) in &candidates {
        let Some(by_sla) = reached.get(affects) else {
            continue;
        };
        for m in agreements.measure(i, by_sla, now) {
            for v in &m.verdicts {
                if v.breached() {
                    out.push(breach(r, i, &m, v));
                }
            }
        }
    }
}

/// The finding for one SLA and one measure the incident took longer than.
fn breach(r: &Record, i: &IncidentSpec, m: &Measurement<'_>, v: &Verdict<'_>) -> Diagnostic {
    let text = v.target.map_or("", |(text, _)| text);
    let (p, field, sla) = (
        i.priority.as_str(),
        v.measure.field(),
        m.agreement.record.id(),
    );
    let (pointer, what) = match (v.measure, i.responded, i.resolved) {
        (Measure::Response, Some(_), _) => ("/spec/responded", "was first responded to"),
        (Measure::Response, None, Some(_)) => (
            "/spec/resolved",
            "records no response before its resolution",
        ),
        (Measure::Response, None, None) => ("/spec/status", "is open with no response"),
        (Measure::Resolution, _, Some(_)) => ("/spec/resolved", "was resolved"),
        (Measure::Resolution, _, None) => ("/spec/status", "is open and unresolved"),
    };
    let mut d = Diagnostic::new(
        code(v.measure),
        format!(
            "incident `{}` {what} after {} of `{sla}` service time, past its {p} {field} target of {text}",
            r.id(),
            length(v.took)
        ),
    )
    .at(r.at(pointer))
    .with_related(
        m.agreement.record.at(format!("/spec/priorities/{p}/{field}")),
        format!("{p} {field} target of `{sla}`"),
    )
    .with_note(format!("reached under `{sla}`: {}", listed(m.services)));
    if matches!(v.measure, Measure::Response) && i.responded.is_none() {
        d = d.with_help("record the first response in `responded:` if it came earlier");
    }
    d
}

/// At most five services, and how many more.
fn listed(services: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = services[..services.len().min(SHOWN)].join(", ");
    if services.len() > SHOWN {
        text.push_str(&format!(" and {} more", services.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::records_from_str;
    use crate::sla_measure::tests::CATALOGUE;

    fn incident(affects: &str, times: &str, status: &str) -> String {
        format!(
            "---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {{id: INC-1}}\nspec: {{affects: [{affects}], impact: high, urgency: high, priority: P1, {times}, status: {status}}}\n"
        )
    }

    /// `(code, SLA, pointer)` of every finding at `now`.
    fn breaches(incident: &str, now: &str) -> Vec<(&'static str, String, String)> {
        let (records, diagnostics) = records_from_str("r.yaml", &format!("{CATALOGUE}{incident}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let set = RecordSet::new(records);
        let graph = DependencyGraph::build(&set);
        let mut out = Vec::new();
        findings(&set, &graph, now.parse().unwrap(), &mut out);
        out.into_iter()
            .map(|d| {
                let sla = d.message.split('`').nth(3).unwrap_or_default().to_string();
                (d.code.as_str(), sla, d.location.unwrap().pointer)
            })
            .collect()
    }

    const NOW: &str = "2026-12-01T00:00:00Z";

    /// The findings about `office` alone (what `app` is held to; `web`, degraded through it,
    /// has its own tighter targets).
    fn office(incident: &str, now: &str) -> Vec<(&'static str, String, String)> {
        let mut found = breaches(incident, now);
        found.retain(|(_, sla, _)| sla == "office");
        found
    }

    #[test]
    fn within_every_target_nothing_is_reported() {
        let times = "detected: \"2026-11-03T10:00:00Z\", responded: \"2026-11-03T10:10:00Z\", resolved: \"2026-11-03T11:30:00Z\"";
        assert_eq!(breaches(&incident("ci:db", times, "resolved"), NOW), vec![]);
    }

    #[test]
    fn every_service_the_impact_reaches_is_held_to_its_own_sla() {
        // Tuesday 10:00 to 15:00 UTC (GMT in November): five hours, in office hours too.
        // `app` is down (office: 4h), `web` degraded through it (always: 2h); the response
        // after 20 minutes misses only office's 15.
        let times = "detected: \"2026-11-03T10:00:00Z\", responded: \"2026-11-03T10:20:00Z\", resolved: \"2026-11-03T15:00:00Z\"";
        assert_eq!(
            breaches(&incident("ci:db", times, "closed"), NOW),
            vec![
                (
                    "sla-resolution-breach",
                    "always".into(),
                    "/spec/resolved".into()
                ),
                (
                    "sla-response-breach",
                    "office".into(),
                    "/spec/responded".into()
                ),
                (
                    "sla-resolution-breach",
                    "office".into(),
                    "/spec/resolved".into()
                ),
            ]
        );
    }

    #[test]
    fn only_service_hours_count_across_several_windows() {
        // Friday 17:00 to Monday 10:00 London time: 1 h on Friday and 2 h on Monday for
        // `office`, within its 4 h; 65 h on the wall for `always`, far past its 2 h.
        let times = "detected: \"2026-11-06T17:00:00Z\", responded: \"2026-11-06T17:10:00Z\", resolved: \"2026-11-09T10:00:00Z\"";
        assert_eq!(
            breaches(&incident("ci:db", times, "resolved"), NOW),
            vec![(
                "sla-resolution-breach",
                "always".into(),
                "/spec/resolved".into()
            )]
        );
        // Affecting `web` alone reaches nothing under `office`: impact runs up the graph.
        let only_web = breaches(&incident("service:web", times, "resolved"), NOW);
        assert_eq!(only_web.len(), 1);
        assert_eq!(only_web[0].1, "always");
    }

    #[test]
    fn office_hours_across_the_clock_change_are_counted_in_local_time() {
        // London goes to BST on Sunday 2026-03-29. Friday 16:00 GMT to Monday 11:00 BST is
        // 2 h + 3 h = 5 h of office time: past the 4 h target. Read in UTC without the
        // switch it would be 2 h + 4 h.
        let times = "detected: \"2026-03-27T16:00:00Z\", responded: \"2026-03-27T16:05:00Z\", resolved: \"2026-03-30T10:00:00Z\"";
        let found = office(&incident("service:app", times, "resolved"), NOW);
        assert_eq!(
            found,
            vec![(
                "sla-resolution-breach",
                "office".into(),
                "/spec/resolved".into()
            )]
        );
        let (records, _) = records_from_str(
            "r.yaml",
            &format!("{CATALOGUE}{}", incident("service:app", times, "resolved")),
        );
        let set = RecordSet::new(records);
        let mut out = Vec::new();
        findings(
            &set,
            &DependencyGraph::build(&set),
            NOW.parse().unwrap(),
            &mut out,
        );
        let office = out.iter().find(|d| d.message.contains("`office`")).unwrap();
        assert!(
            office.message.contains("after 5h of `office` service time"),
            "{}",
            office.message
        );
    }

    #[test]
    fn an_open_incident_breaches_once_now_is_past_the_target() {
        let times = "detected: \"2026-11-03T10:00:00Z\", responded: \"2026-11-03T10:05:00Z\"";
        let open = incident("service:app", times, "open");
        assert_eq!(office(&open, "2026-11-03T13:59:00Z"), vec![]);
        assert_eq!(
            office(&open, "2026-11-03T14:01:00Z"),
            vec![(
                "sla-resolution-breach",
                "office".into(),
                "/spec/status".into()
            )]
        );
        // Not responded to either: the response target is measured up to now too.
        let silent = incident("service:app", "detected: \"2026-11-03T10:00:00Z\"", "open");
        assert_eq!(
            office(&silent, "2026-11-03T10:20:00Z"),
            vec![(
                "sla-response-breach",
                "office".into(),
                "/spec/status".into()
            )]
        );
    }

    #[test]
    fn without_a_response_the_resolution_stands_for_it() {
        let times = "detected: \"2026-11-03T10:00:00Z\", resolved: \"2026-11-03T10:40:00Z\"";
        assert_eq!(
            office(&incident("service:app", times, "resolved"), NOW),
            vec![(
                "sla-response-breach",
                "office".into(),
                "/spec/resolved".into()
            )]
        );
    }

    #[test]
    fn times_out_of_order_measure_nothing() {
        let times = "detected: \"2026-11-03T10:00:00Z\", resolved: \"2026-11-02T10:00:00Z\"";
        assert_eq!(
            breaches(&incident("service:app", times, "resolved"), NOW),
            vec![]
        );
    }

    #[test]
    fn a_long_list_of_services_is_cut_short() {
        let services: Vec<String> = (0..7).map(|n| format!("service:s{n}")).collect();
        assert_eq!(
            listed(&services),
            "service:s0, service:s1, service:s2, service:s3, service:s4 and 2 more"
        );
        assert_eq!(listed(&services[..2]), "service:s0, service:s1");
    }
}
