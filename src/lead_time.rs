//! Lead time of change records, from git history: when each was proposed, first approved and
//! first implemented, as the commits that made it so say.
//!
//! A record's milestones are the times of commits (committer time): the first commit that
//! holds it, the first in which its status is approved or later, and the first in which it
//! is implemented. Every commit reachable from the revision counts, merged pull-request
//! branches included, each for what it added or changed against its first parent; where a
//! record was seen on several branches, the earliest time wins. Which files are read, and
//! how, is the loader's (`load::changed_records`): the revision's cabinet.yaml decides what
//! is excluded and the limits.

use crate::load::{self, LoadError};
use crate::model::{ChangeStatus, Spec};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::Path;

/// When a change record reached each point of its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Milestones {
    /// The first commit that holds the record.
    pub proposed: Timestamp,
    /// The first commit in which its status is approved or later (`ChangeStatus::is_approved`).
    pub approved: Option<Timestamp>,
    /// The first commit in which it is implemented (`ChangeStatus::is_implemented`).
    pub completed: Option<Timestamp>,
}

/// Why the history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LeadTimeError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A commit's time is outside the years 1 to 9999 (only a forged commit has one).
    #[error("commit {commit} has a time that is not a date ({seconds} seconds from 1970)")]
    CommitTime { commit: String, seconds: i64 },
}

/// The milestones of every change record in the history reachable from `rev`, by change id,
/// for the cabinet root `root` (which may be a folder inside the repository).
pub fn read(root: &Path, rev: &str) -> Result<BTreeMap<String, Milestones>, LeadTimeError> {
    let commits = load::changed_records(root, rev, |record| match &record.spec {
        Spec::Change(change) => Some((record.metadata.id.clone(), change.status)),
        _ => None,
    })?;
    let mut seen = Vec::with_capacity(commits.len());
    for c in commits {
        let time = Timestamp::from_second(c.time).map_err(|_| LeadTimeError::CommitTime {
            commit: c.commit,
            seconds: c.time,
        })?;
        seen.push((time, c.found));
    }
    Ok(milestones(seen))
}

/// The milestones of every change in `commits`: each a commit's time and the id and status
/// of every change record it added or changed. The order of the commits does not matter (the
/// earliest time wins), so neither does the order a walk of a history with branches takes.
fn milestones<C>(commits: impl IntoIterator<Item = (Timestamp, C)>) -> BTreeMap<String, Milestones>
where
    C: IntoIterator<Item = (String, ChangeStatus)>,
{
    fn earliest(at: &mut Option<Timestamp>, time: Timestamp) {
        *at = Some(at.map_or(time, |t| t.min(time)));
    }
    let mut out: BTreeMap<String, Milestones> = BTreeMap::new();
    for (time, changes) in commits {
        for (id, status) in changes {
            let m = out.entry(id).or_insert(Milestones {
                proposed: time,
                approved: None,
                completed: None,
            });
            m.proposed = m.proposed.min(time);
            if status.is_approved() {
                earliest(&mut m.approved, time);
            }
            if status.is_implemented() {
                earliest(&mut m.completed, time);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeStatus::*;
    use proptest::prelude::*;

    /// Noon of the `day`th of January 2027.
    fn day(day: i64) -> Timestamp {
        Timestamp::from_second(1_798_761_600 + (day - 1) * 86_400 + 12 * 3600)
            .expect("a date in 2027")
    }

    fn commit(
        d: i64,
        changes: &[(&str, ChangeStatus)],
    ) -> (Timestamp, Vec<(String, ChangeStatus)>) {
        (
            day(d),
            changes.iter().map(|(id, s)| (id.to_string(), *s)).collect(),
        )
    }

    fn of(id: &str, commits: Vec<(Timestamp, Vec<(String, ChangeStatus)>)>) -> Milestones {
        *milestones(commits).get(id).expect("the change is seen")
    }

    #[test]
    fn each_milestone_is_the_first_commit_that_reached_it() {
        let m = of(
            "CHG-1",
            vec![
                commit(1, &[("CHG-1", Requested)]),
                commit(2, &[("CHG-1", Requested)]),
                commit(3, &[("CHG-1", Approved)]),
                commit(4, &[("CHG-1", Scheduled)]),
                commit(5, &[("CHG-1", Implementing)]),
                commit(6, &[("CHG-1", Completed)]),
                commit(7, &[("CHG-1", Completed)]),
            ],
        );
        assert_eq!(
            m,
            Milestones {
                proposed: day(1),
                approved: Some(day(3)),
                completed: Some(day(6)),
            }
        );
    }

    #[test]
    fn a_record_added_implemented_was_approved_and_completed_when_proposed() {
        for status in [Completed, Failed, RolledBack] {
            let m = of("CHG-1", vec![commit(4, &[("CHG-1", status)])]);
            assert_eq!(
                m,
                Milestones {
                    proposed: day(4),
                    approved: Some(day(4)),
                    completed: Some(day(4)),
                },
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_scheduled_record_is_approved_and_not_completed() {
        let m = of(
            "CHG-1",
            vec![
                commit(1, &[("CHG-1", Draft)]),
                commit(2, &[("CHG-1", Scheduled)]),
            ],
        );
        assert_eq!((m.approved, m.completed), (Some(day(2)), None));
    }

    #[test]
    fn draft_requested_and_cancelled_are_not_approved() {
        let m = of(
            "CHG-1",
            vec![
                commit(1, &[("CHG-1", Draft)]),
                commit(2, &[("CHG-1", Requested)]),
                commit(3, &[("CHG-1", Cancelled)]),
            ],
        );
        assert_eq!(
            m,
            Milestones {
                proposed: day(1),
                approved: None,
                completed: None,
            }
        );
    }

    #[test]
    fn the_earliest_time_wins_across_branches() {
        // A merge commit (day 9) brings in what the branch did on days 2 and 5; main's own
        // commits, walked in any order, cannot move a milestone later.
        let m = of(
            "CHG-1",
            vec![
                commit(9, &[("CHG-1", Completed)]),
                commit(2, &[("CHG-1", Requested)]),
                commit(5, &[("CHG-1", Approved), ("CHG-2", Requested)]),
                commit(7, &[("CHG-1", Completed)]),
            ],
        );
        assert_eq!(
            m,
            Milestones {
                proposed: day(2),
                approved: Some(day(5)),
                completed: Some(day(7)),
            }
        );
    }

    #[test]
    fn every_change_a_commit_names_is_kept_by_id_and_other_ids_are_not_made_up() {
        let all = milestones(vec![
            commit(1, &[("CHG-2", Requested), ("CHG-1", Approved)]),
            commit(2, &[]),
        ]);
        assert_eq!(all.keys().collect::<Vec<_>>(), ["CHG-1", "CHG-2"]);
        assert_eq!(all["CHG-1"].approved, Some(day(1)));
        assert_eq!(all["CHG-2"].approved, None);
    }

    fn status() -> impl Strategy<Value = ChangeStatus> {
        prop::sample::select(vec![
            Draft,
            Requested,
            Approved,
            Scheduled,
            Implementing,
            Completed,
            Failed,
            RolledBack,
            Cancelled,
        ])
    }

    proptest! {
        /// Milestones follow each other in time, and do not depend on the order of the walk.
        #[test]
        fn milestones_are_ordered_and_independent_of_the_walk(
            commits in prop::collection::vec(
                (1i64..60, prop::collection::vec((0u8..4, status()), 0..4)),
                0..30,
            ),
            seed in any::<u64>(),
        ) {
            let commits: Vec<_> = commits
                .into_iter()
                .map(|(d, changes)| {
                    (
                        day(d),
                        changes
                            .into_iter()
                            .map(|(id, s)| (format!("CHG-{id}"), s))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            let all = milestones(commits.clone());
            for (id, m) in &all {
                let seen = commits
                    .iter()
                    .flat_map(|(t, cs)| cs.iter().filter(|(i, _)| i == id).map(move |(_, s)| (*t, *s)));
                let first = |keep: fn(ChangeStatus) -> bool| {
                    seen.clone().filter(|(_, s)| keep(*s)).map(|(t, _)| t).min()
                };
                prop_assert_eq!(Some(m.proposed), first(|_| true));
                prop_assert_eq!(m.approved, first(ChangeStatus::is_approved));
                prop_assert_eq!(m.completed, first(ChangeStatus::is_implemented));
                prop_assert!(m.approved.is_none_or(|a| m.proposed <= a));
                prop_assert!(m.completed.is_none_or(|c| m.approved.is_some_and(|a| a <= c)));
            }
            let mut shuffled = commits;
            fastrand::Rng::with_seed(seed).shuffle(&mut shuffled);
            prop_assert_eq!(milestones(shuffled), all);
        }
    }
}
