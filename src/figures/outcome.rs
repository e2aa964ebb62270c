//! How a change turned out: the one definition of success and failure that the report's
//! rates and the `model-unreliable` and `outcome-overdue` checks share.

use crate::model::{ChangeSpec, ChangeStatus, Kind, Record, RecordRef, RecordSet, Spec};
use jiff::{SignedDuration, Timestamp};
use std::collections::HashSet;

/// The verdict on one change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `successful` or `successful-with-issues`, and no incident names it as its cause.
    Success,
    /// `failed` or `backed-out`, or named by an incident's `causedBy`.
    Failure,
    /// No outcome yet: it does not count.
    Pending,
}

/// The ids of the changes that incidents name in `causedBy`.
pub(crate) fn caused_by(set: &RecordSet) -> HashSet<String> {
    set.of_kind(Kind::Incident)
        .filter_map(|r| match &r.spec {
            Spec::Incident(i) => i.caused_by.as_ref(),
            _ => None,
        })
        .filter_map(|c| RecordRef::parse(c).filter(|r| r.kind == Kind::Change))
        .map(|r| r.id)
        .collect()
}

pub(crate) fn verdict(id: &str, c: &ChangeSpec, caused: &HashSet<String>) -> Verdict {
    match &c.outcome {
        None => Verdict::Pending,
        Some(o) if o.result.is_failure() || caused.contains(id) => Verdict::Failure,
        Some(_) => Verdict::Success,
    }
}

/// When a change's outcome is due: `days` after its window ended, for a change that was
/// authorised to run (approved, scheduled or implementing). A draft or a request whose window
/// passed never ran; a cancelled change will not; an implemented one without an outcome is
/// already an error (`change-missing-outcome`).
pub(crate) fn due(c: &ChangeSpec, days: u32) -> Option<Timestamp> {
    let authorised = matches!(
        c.status,
        ChangeStatus::Approved | ChangeStatus::Scheduled | ChangeStatus::Implementing
    );
    if c.outcome.is_some() || !authorised {
        return None;
    }
    c.window
        .end
        .checked_add(SignedDuration::from_hours(i64::from(days) * 24))
        .ok()
}

/// The change records whose outcome was due before `now` and is not written, by id.
pub(crate) fn overdue(set: &RecordSet, now: Timestamp, days: u32) -> Vec<&Record> {
    let mut out: Vec<&Record> = set
        .of_kind(Kind::Change)
        .filter(|r| set.is_first(r))
        .filter(|r| match &r.spec {
            Spec::Change(c) => due(c, days).is_some_and(|d| d < now),
            _ => false,
        })
        .collect();
    out.sort_by(|a, b| a.id().cmp(b.id()));
    out
}
