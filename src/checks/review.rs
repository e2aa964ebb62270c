//! What the reviews of changes expect, judged against `now`: each change's outcome is written
//! within the Policy's allowance after its window (`outcome-overdue`), and each standard-change
//! model keeps proving itself (`model-unreliable`). Success and failure are
//! `figures::outcome`'s, the definitions `cabinet report` counts with.

use crate::diag::{Code, Diagnostic};
use crate::figures::outcome::{self, Verdict};
use crate::model::{ChangeType, Kind, RecordRef, RecordSet, ReviewPolicy, Spec};
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

pub(super) fn findings(
    set: &RecordSet,
    now: Timestamp,
    review: &ReviewPolicy,
    out: &mut Vec<Diagnostic>,
) {
    for r in outcome::overdue(set, now, review.outcome_days) {
        let Spec::Change(c) = &r.spec else { continue };
        out.push(
            Diagnostic::new(
                Code::OutcomeOverdue,
                format!(
                    "change `{}` ended {} and has no outcome; it was due {} day(s) later",
                    r.id(),
                    c.window.end,
                    review.outcome_days
                ),
            )
            .at(r.at("/spec/status"))
            .with_help("write `outcome: {result: ...}` and the final status, or cancel the change if it never ran"),
        );
    }
    models(set, now, review, out);
}

fn models(set: &RecordSet, now: Timestamp, review: &ReviewPolicy, out: &mut Vec<Diagnostic>) {
    let m = &review.models;
    let since = now
        .checked_sub(SignedDuration::from_hours(i64::from(m.look_back_days) * 24))
        .unwrap_or(Timestamp::MIN);
    let caused = outcome::caused_by(set);
    // Model id -> (counted, failed, the failures' ids).
    let mut tally: BTreeMap<String, (u32, u32, Vec<&str>)> = BTreeMap::new();
    for r in set.of_kind(Kind::Change).filter(|r| set.is_first(r)) {
        let Spec::Change(c) = &r.spec else { continue };
        let (ChangeType::Standard, Some(model)) = (c.change_type, &c.model) else {
            continue;
        };
        if !(since <= c.window.end && c.window.end < now) {
            continue;
        }
        let verdict = outcome::verdict(r.id(), c, &caused);
        if verdict == Verdict::Pending {
            continue;
        }
        let e = tally
            .entry(RecordRef::parse_as(model, Kind::ChangeModel).id)
            .or_default();
        e.0 += 1;
        if verdict == Verdict::Failure {
            e.1 += 1;
            e.2.push(r.id());
        }
    }
    for (id, (counted, failed, mut failures)) in tally {
        let Some(record) = set.get_id(Kind::ChangeModel, &id) else {
            continue;
        };
        let rate = f64::from(failed) / f64::from(counted);
        if counted < m.min_changes || rate <= m.max_failure_rate {
            continue;
        }
        failures.sort_unstable();
        const SHOWN: usize = 5;
        let mut named = failures[..failures.len().min(SHOWN)].join(", ");
        if failures.len() > SHOWN {
            named.push_str(&format!(" and {} more", failures.len() - SHOWN));
        }
        out.push(
            Diagnostic::new(
                Code::ModelUnreliable,
                format!(
                    "{failed} of the last {counted} changes of standard model `{id}` failed ({:.0}%), above the Policy's {:.0}% over {} days",
                    rate * 100.0,
                    m.max_failure_rate * 100.0,
                    m.look_back_days
                ),
            )
            .at(record.at("/metadata/id"))
            .with_note(format!("failed: {named}"))
            .with_help("the CAB should review whether the model stays pre-approved: tighten `appliesTo` or `maxRisk`, or retire it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::valid_records;

    const MODEL: &str = "---
apiVersion: cabinet/v1
kind: ChangeModel
metadata: {id: restart}
spec: {appliesTo: [container], maxRisk: low, plan: p}
";

    fn change(
        id: &str,
        model: Option<&str>,
        end: &str,
        status: &str,
        result: Option<&str>,
    ) -> String {
        let kind = match model {
            Some(m) => format!("standard, model: {m}"),
            None => "normal".into(),
        };
        let outcome = result.map_or(String::new(), |r| format!(", outcome: {{result: {r}}}"));
        format!(
            "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: {kind}, requester: octocat, reason: r, affects: [ci:db], window: {{start: \"2026-01-01T00:00:00Z\", end: \"{end}\"}}, risk: low, plan: p, backout: b, verification: v, status: {status}{outcome}}}\n"
        )
    }

    fn codes(records: &str, now: &str, review: &ReviewPolicy) -> Vec<(Code, String)> {
        let set = valid_records([("r.yaml", records)]);
        let mut out = Vec::new();
        findings(&set, now.parse().unwrap(), review, &mut out);
        out.into_iter().map(|d| (d.code, d.message)).collect()
    }

    #[test]
    fn an_authorised_change_owes_its_outcome_after_the_allowance() {
        let review = ReviewPolicy::default();
        let end = "2026-11-01T00:00:00Z";
        for status in ["approved", "scheduled", "implementing"] {
            let c = change("CHG-1", None, end, status, None);
            // Seven days exactly: not yet.
            assert!(
                codes(&c, "2026-11-08T00:00:00Z", &review).is_empty(),
                "{status}"
            );
            let found = codes(&c, "2026-11-08T00:00:01Z", &review);
            assert_eq!(found.len(), 1, "{status}");
            assert_eq!(found[0].0, Code::OutcomeOverdue);
            assert!(
                found[0].1.contains("`CHG-1` ended 2026-11-01T00:00:00Z"),
                "{}",
                found[0].1
            );
        }
        // A draft, a request, a cancelled change, or one with its outcome owes nothing.
        for (status, result) in [
            ("draft", None),
            ("requested", None),
            ("cancelled", None),
            ("completed", Some("successful")),
        ] {
            let c = change("CHG-1", None, end, status, result);
            assert!(
                codes(&c, "2027-06-01T00:00:00Z", &review).is_empty(),
                "{status}"
            );
        }
        // The Policy sets the allowance.
        let c = change("CHG-1", None, end, "approved", None);
        let strict = ReviewPolicy {
            outcome_days: 0,
            ..ReviewPolicy::default()
        };
        assert_eq!(codes(&c, "2026-11-01T00:00:01Z", &strict).len(), 1);
    }

    fn history(failed: usize, ok: usize, end: &str) -> String {
        let mut s = MODEL.to_string();
        for n in 0..failed + ok {
            let (status, result) = if n < failed {
                ("failed", "failed")
            } else {
                ("completed", "successful")
            };
            s += &change(
                &format!("CHG-{n}"),
                Some("restart"),
                end,
                status,
                Some(result),
            );
        }
        s
    }

    #[test]
    fn a_model_that_fails_more_than_the_policy_allows_is_unreliable() {
        let review = ReviewPolicy::default(); // 20% over 180 days, from 5 changes
        let now = "2026-12-01T00:00:00Z";
        let end = "2026-11-01T00:00:00Z";
        // 2 of 6 failed: 33% > 20%.
        let found = codes(&history(2, 4, end), now, &review);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Code::ModelUnreliable);
        assert_eq!(
            found[0].1,
            "2 of the last 6 changes of standard model `restart` failed (33%), above the Policy's 20% over 180 days"
        );
        // 1 of 5 is exactly 20%: not above.
        assert!(codes(&history(1, 4, end), now, &review).is_empty());
        // 2 of 4: too few to say.
        assert!(codes(&history(2, 2, end), now, &review).is_empty());
        // Out of the look-back, or not yet ended: they do not count.
        assert!(codes(&history(3, 3, "2026-05-01T00:00:00Z"), now, &review).is_empty());
        assert!(codes(&history(3, 3, "2026-12-02T00:00:00Z"), now, &review).is_empty());
        // A window ending at `now` exactly has not ended before it.
        assert!(codes(&history(3, 3, now), now, &review).is_empty());
    }

    #[test]
    fn an_incident_caused_by_a_standard_change_counts_as_its_failure() {
        let review = ReviewPolicy::default();
        let mut records = history(1, 4, "2026-11-01T00:00:00Z");
        records += "---\napiVersion: cabinet/v1\nkind: Incident\nmetadata: {id: INC-1}\nspec: {affects: [ci:db], impact: low, urgency: low, priority: P4, detected: \"2026-11-01T01:00:00Z\", resolved: \"2026-11-01T02:00:00Z\", status: resolved, causedBy: change:CHG-4}\n";
        let found = codes(&records, "2026-12-01T00:00:00Z", &review);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.starts_with("2 of the last 5"), "{}", found[0].1);
    }
}
