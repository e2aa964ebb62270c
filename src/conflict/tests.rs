use super::*;
use crate::diag::Code;
use crate::diff::{RecordDiff, Status};
use crate::graph::DependencyGraph;
use crate::model::{Kind, RecordRef, RecordSet, Spec};
use crate::policy::{self, PolicyInput};
use crate::schedule;
use crate::site::{SiteInput, conflicts_shown};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

fn at(hour: i64) -> Timestamp {
    Timestamp::from_second(1_796_000_000 + hour * 3600).unwrap()
}

fn change(id: &str, hours: (i64, i64), open: bool, touches: &[u8]) -> Change<'static, u8> {
    let id: &'static str = Box::leak(id.to_string().into_boxed_str());
    Change::new(
        id,
        (at(hours.0), at(hours.1)),
        open,
        touches.iter().copied(),
    )
}

#[test]
fn windows_overlap_when_they_share_an_instant() {
    let nine_to_ten = (at(9), at(10));
    let half_past = (at(9) + jiff::SignedDuration::from_mins(30), at(11));
    let ten_to_eleven = (at(10), at(11));
    let inside = (
        at(9) + jiff::SignedDuration::from_mins(10),
        at(9) + jiff::SignedDuration::from_mins(20),
    );
    assert!(overlap(nine_to_ten, half_past) && overlap(half_past, nine_to_ten));
    assert!(overlap(nine_to_ten, inside) && overlap(inside, nine_to_ten));
    assert!(!overlap(nine_to_ten, ten_to_eleven) && !overlap(ten_to_eleven, nine_to_ten));
}

#[test]
fn open_changes_at_the_same_time_on_the_same_record_conflict_on_what_they_share() {
    let a = change("A", (0, 3), true, &[3, 1, 2, 1]);
    let b = change("B", (2, 4), true, &[5, 2, 3]);
    assert_eq!(a.touches(), &[1, 2, 3], "sorted, without repeats");
    assert_eq!(between(&a, &b), Some(vec![&2, &3]));
    assert_eq!(between(&b, &a), Some(vec![&2, &3]));
}

#[test]
fn a_closed_change_conflicts_with_nothing() {
    let open = change("A", (0, 3), true, &[1]);
    let closed = change("B", (0, 3), false, &[1]);
    assert_eq!(between(&open, &closed), None);
    assert_eq!(between(&closed, &open), None);
    assert_eq!(between(&closed, &closed.clone()), None);
}

#[test]
fn changes_one_after_the_other_do_not_conflict() {
    let a = change("A", (0, 2), true, &[1]);
    let b = change("B", (2, 4), true, &[1]);
    assert_eq!(between(&a, &b), None);
}

#[test]
fn changes_at_the_same_time_on_different_records_do_not_conflict() {
    let a = change("A", (0, 2), true, &[1, 2]);
    let b = change("B", (0, 2), true, &[3]);
    assert_eq!(between(&a, &b), None);
}

#[test]
fn a_change_does_not_conflict_with_itself() {
    let a = change("A", (0, 2), true, &[1]);
    assert_eq!(between(&a, &a.clone()), None);
}

#[test]
fn among_names_each_pair_once_smaller_id_first_in_id_order() {
    let changes = vec![
        change("C", (0, 5), true, &[1]),
        change("A", (4, 6), true, &[1]),
        change("B", (1, 2), true, &[1, 2]),
        change("D", (1, 2), false, &[1]),
    ];
    let pairs: Vec<(&str, &str, Vec<&u8>)> = among(&changes)
        .into_iter()
        .map(|p| (changes[p.first].id, changes[p.second].id, p.shared))
        .collect();
    assert_eq!(
        pairs,
        vec![("A", "C", vec![&1]), ("B", "C", vec![&1])],
        "A and B do not overlap; D is closed"
    );
}

proptest! {
    /// The sweep finds exactly the pairs that comparing every pair finds.
    #[test]
    fn among_finds_every_pair_that_between_finds(
        specs in prop::collection::vec((0i64..20, 1i64..6, any::<bool>(), prop::collection::vec(0u8..6, 0..4)), 0..12)
    ) {
        let changes: Vec<Change<'_, u8>> = specs
            .iter()
            .enumerate()
            .map(|(i, (start, len, open, touches))| {
                change(&format!("C{}", i % 7), (*start, start + len), *open, touches)
            })
            .collect();
        let mut want = Vec::new();
        for i in 0..changes.len() {
            for j in 0..changes.len() {
                let (a, b) = (&changes[i], &changes[j]);
                if (a.id, i) < (b.id, j)
                    && let Some(shared) = between(a, b)
                {
                    want.push((i, j, shared));
                }
            }
        }
        want.sort_by_key(|w| (changes[w.0].id, changes[w.1].id, w.0, w.1));
        let got: Vec<_> = among(&changes).into_iter().map(|p| (p.first, p.second, p.shared)).collect();
        prop_assert_eq!(got, want);
    }
}

// ---------------------------------------------------------------------------------------------
// The gate, the calendar and the site agree, on random schedules.

const STATUSES: [&str; 9] = [
    "draft",
    "requested",
    "approved",
    "scheduled",
    "implementing",
    "completed",
    "failed",
    "rolled-back",
    "cancelled",
];

/// A random repository: a few CIs, each depending on some earlier ones, a service on the
/// last, and changes with random windows on an hour
/// grid, statuses and `affects`.
fn schedules() -> impl Strategy<Value = String> {
    let cis = prop::collection::vec(prop::collection::vec(any::<bool>(), 5), 1..6);
    let changes = prop::collection::vec(
        (
            0u32..12,
            1u32..5,
            0..STATUSES.len(),
            prop::collection::vec(0usize..7, 1..3),
        ),
        0..9,
    );
    (cis, changes).prop_map(|(cis, changes)| {
        let mut yaml = String::from(
            "---\napiVersion: cabinet/v1\nkind: Team\nmetadata: {id: t}\nspec: {members: [{github: octocat}]}\n",
        );
        for (i, deps) in cis.iter().enumerate() {
            let on: Vec<String> = (0..i)
                .filter(|&j| deps[j])
                .map(|j| format!("ci:c{j}"))
                .collect();
            yaml += &format!(
                "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: c{i}}}\nspec: {{type: server, owner: t, environment: production, lifecycle: live, dependsOn: [{}]}}\n",
                on.join(", ")
            );
        }
        yaml += &format!(
            "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: s}}\nspec: {{tier: 2, owner: t, lifecycle: live, dependsOn: [ci:c{}]}}\n",
            cis.len() - 1
        );
        // What a change may name: a CI, the service, or a CI that does not exist (not in the graph).
        let targets: Vec<String> = (0..cis.len())
            .map(|i| format!("ci:c{i}"))
            .chain(["service:s".to_string(), "ci:gone".to_string()])
            .collect();
        for (i, (start, len, status, affects)) in changes.iter().enumerate() {
            let named: Vec<&str> = affects
                .iter()
                .map(|&a| targets[a % targets.len()].as_str())
                .collect();
            yaml += &format!(
                "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: CHG-{i}}}\nspec: {{type: normal, requester: octocat, reason: r, affects: [{}], window: {{start: \"2026-12-01T{:02}:00:00Z\", end: \"2026-12-01T{:02}:00:00Z\"}}, risk: low, plan: p, backout: b, status: {}}}\n",
                named.join(", "),
                start,
                start + len,
                STATUSES[*status]
            );
        }
        yaml
    })
}

type Pairs = BTreeSet<(String, String)>;

/// Every pair of open changes whose windows share an hour and whose touched records meet,
/// compared the slow way.
fn reference(set: &RecordSet, graph: &DependencyGraph) -> Pairs {
    let mut changes = Vec::new();
    for r in set.of_kind(Kind::Change) {
        let Spec::Change(c) = &r.spec else { continue };
        if c.status.is_closed() {
            continue;
        }
        let touched: BTreeSet<RecordRef> = schedule::touched(set, graph, c).into_iter().collect();
        let hours: BTreeSet<i64> = (c.window.start.as_second()..c.window.end.as_second())
            .step_by(3600)
            .collect();
        changes.push((r.id().to_string(), hours, touched));
    }
    let mut out = Pairs::new();
    for a in &changes {
        for b in &changes {
            if a.0 < b.0 && !a.1.is_disjoint(&b.1) && !a.2.is_disjoint(&b.2) {
                out.insert((a.0.clone(), b.0.clone()));
            }
        }
    }
    out
}

fn gate(set: &RecordSet, graph: &DependencyGraph) -> Pairs {
    // Every change in play, unchanged from base: the gate judges the open ones.
    let records: Vec<RecordDiff> = set
        .of_kind(Kind::Change)
        .map(|r| RecordDiff {
            reference: r.reference(),
            status: Status::Modified,
            file: r.origin.file.clone(),
            fields: Vec::new(),
        })
        .collect();
    let (diagnostics, _) = policy::judge(&PolicyInput {
        base: set,
        head: set,
        head_graph: graph,
        records: &records,
        policy: None,
        now: "2026-11-22T09:00:00Z".parse().unwrap(),
        history: &crate::risk::Ledger::default(),
    });
    diagnostics
        .iter()
        .filter(|d| d.code == Code::ChangeConflict)
        .map(|d| {
            let ids: Vec<&str> = d.message.split('`').skip(1).step_by(2).take(2).collect();
            let (a, b) = (ids[0].to_string(), ids[1].to_string());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect()
}

fn calendar(set: &RecordSet, graph: &DependencyGraph) -> Pairs {
    schedule::conflicts(set, graph, None)
        .into_iter()
        .map(|c| c.changes)
        .collect()
}

fn site(set: &RecordSet) -> Pairs {
    let history = HashMap::new();
    let input = SiteInput {
        records: set,
        history: &history,
        now: "2026-11-22T09:00:00Z".parse().unwrap(),
        commit: None,
        in_git: false,
    };
    let mut out = Pairs::new();
    for (a, others) in conflicts_shown(&input) {
        for b in others {
            assert!(a != b);
            out.insert(if a < b {
                (a.clone(), b)
            } else {
                (b, a.clone())
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_gate_the_calendar_and_the_site_report_the_same_conflicts(yaml in schedules()) {
        let (records, diags) = crate::load::records_from_str("c.yaml", &yaml);
        prop_assert!(diags.is_empty(), "{:?}", diags);
        let set = RecordSet::new(records);
        let graph = DependencyGraph::build(&set);
        let want = reference(&set, &graph);
        prop_assert_eq!(&gate(&set, &graph), &want, "the gate");
        prop_assert_eq!(&calendar(&set, &graph), &want, "the calendar");
        prop_assert_eq!(&site(&set), &want, "the site");
    }

    /// The calendar of a range computes only the changes near it, and still lists every
    /// conflict one of whose changes falls in the range.
    #[test]
    fn a_calendar_lists_every_conflict_with_a_change_in_its_range(
        yaml in schedules(),
        first in 0i64..16,
        hours in 1i64..6,
    ) {
        let (records, _) = crate::load::records_from_str("c.yaml", &yaml);
        let set = RecordSet::new(records);
        let graph = DependencyGraph::build(&set);
        let midnight: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let hour = |h: i64| Timestamp::from_second(midnight.as_second() + h * 3600).unwrap();
        let range = (hour(first), hour(first + hours));
        let window = |id: &str| match set.get(&RecordRef::new(Kind::Change, id)).map(|r| &r.spec) {
            Some(Spec::Change(c)) => Some((c.window.start, c.window.end)),
            _ => None,
        };
        let want: Pairs = reference(&set, &graph)
            .into_iter()
            .filter(|(a, b)| [a, b].iter().any(|id| window(id).is_some_and(|w| overlap(w, range))))
            .collect();
        let listed: Pairs = schedule::build(&set, None, range.0, range.1)
            .conflicts
            .into_iter()
            .map(|c| c.changes)
            .collect();
        prop_assert_eq!(listed, want);
    }
}
