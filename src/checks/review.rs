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
