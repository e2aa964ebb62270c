//! Change impact: what the changed records take down or degrade, transitively, and why.

mod propagate;
#[cfg(test)]
mod proptests;

pub use propagate::{Propagation, propagate};

use crate::graph::DependencyGraph;
use crate::model::{Impact, Kind, RecordRef, RecordSet, Spec};
use serde::Serialize;

/// One impacted record, with what a reviewer needs to judge it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Impacted {
    #[serde(rename = "ref")]
    pub reference: RecordRef,
    pub kind: Kind,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<String>,
    pub impact: Impact,
    /// From a changed record to this one.
    pub via: Vec<RecordRef>,
    /// This record is one of the changed records.
    pub changed: bool,
}

impl Impacted {
    pub fn is_service(&self) -> bool {
        self.kind == Kind::Service
    }
}

/// A redundancy group with impacted members, which may still be up.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupStatus {
    pub group: String,
    /// Members not down: healthy or degraded.
    pub up: u32,
    /// Members not impacted at all.
    pub healthy: u32,
    pub members: u32,
    pub min_up: u32,
    /// Fewer than `minUp` members are up: what depends on the group goes down.
    pub down: bool,
    /// Enough members are up but fewer than `minUp` are healthy: what depends on the group
    /// is degraded.
    pub degraded: bool,
}

impl GroupStatus {
    /// Members up but degraded.
    pub fn degraded_members(&self) -> u32 {
        self.up.saturating_sub(self.healthy)
    }
}

/// The impact of a set of changed records on one graph.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImpactSet {
    /// The changed records that are services or CIs (others have no impact).
    pub changed: Vec<RecordRef>,
    /// Sorted: down before degraded, services before CIs, tier, reference.
    pub impacted: Vec<Impacted>,
    /// Redundancy groups with impacted members (in JSON even when empty, like every list).
    pub redundancy: Vec<GroupStatus>,
}

impl ImpactSet {
    /// Compute the impact of `changed` (references that are not in the graph are ignored).
    pub fn compute(set: &RecordSet, graph: &DependencyGraph, changed: &[RecordRef]) -> ImpactSet {
        let seeds: Vec<_> = changed.iter().filter_map(|r| graph.node(r)).collect();
        let p = propagate(graph, &seeds);
        let mut impacted: Vec<Impacted> = p
            .impacted()
            .iter()
            .filter_map(|&n| {
                let impact = p.impact(n)?;
                let via = p
                    .via(n)
                    .into_iter()
                    .map(|v| graph.reference(v).clone())
                    .collect();
                Some(describe(
                    set,
                    graph.reference(n),
                    impact,
                    via,
                    p.seeds().contains(&n),
                ))
            })
            .collect();
        sort(&mut impacted);
        let mut changed: Vec<RecordRef> =
            seeds.iter().map(|&n| graph.reference(n).clone()).collect();
        changed.sort();
        changed.dedup();
        let redundancy = graph
            .groups
            .iter()
            .enumerate()
            .filter(|(g, _)| p.group_impacted(*g) > 0)
            .map(|(g, group)| {
                let members = group.members.len() as u32;
                let impact = p.group_impact(g);
                GroupStatus {
                    group: group.name.clone(),
                    up: members.saturating_sub(p.group_down(g)),
                    healthy: members.saturating_sub(p.group_impacted(g)),
                    members,
                    min_up: group.min_up,
                    down: impact == Some(Impact::Full),
                    degraded: impact == Some(Impact::Partial),
                }
            })
            .collect();
        ImpactSet {
            changed,
            impacted,
            redundancy,
        }
    }

    /// Impact computed on two graphs (base and head) and merged: the stronger impact wins, and
    /// for equal impact the shorter explanation, so deleting an edge still shows what used to
    /// depend on it.
    pub fn merge(head: ImpactSet, base: ImpactSet) -> ImpactSet {
        let mut by_ref: std::collections::BTreeMap<RecordRef, Impacted> =
            std::collections::BTreeMap::new();
        for i in head.impacted.into_iter().chain(base.impacted) {
            match by_ref.get(&i.reference) {
                Some(old)
                    if (rank(old.impact), std::cmp::Reverse(old.via.len()))
                        >= (rank(i.impact), std::cmp::Reverse(i.via.len())) => {}
                _ => {
                    by_ref.insert(i.reference.clone(), i);
                }
            }
        }
        let mut impacted: Vec<Impacted> = by_ref.into_values().collect();
        sort(&mut impacted);
        let mut changed = head.changed;
        changed.extend(base.changed);
        changed.sort();
        changed.dedup();
        let mut redundancy = head.redundancy;
        for g in base.redundancy {
            if !redundancy.iter().any(|h| h.group == g.group) {
                redundancy.push(g);
            }
        }
        redundancy.sort();
        ImpactSet {
            changed,
            impacted,
            redundancy,
        }
    }

    /// The impacted services.
    pub fn services(&self) -> impl Iterator<Item = &Impacted> {
        self.impacted.iter().filter(|i| i.is_service())
    }
}

fn rank(i: Impact) -> u8 {
    match i {
        Impact::Full => 2,
        Impact::Partial => 1,
    }
}

fn sort(v: &mut [Impacted]) {
    v.sort_by(|a, b| {
        (
            std::cmp::Reverse(rank(a.impact)),
            !a.is_service(),
            a.tier.unwrap_or(9),
            &a.reference,
        )
            .cmp(&(
                std::cmp::Reverse(rank(b.impact)),
                !b.is_service(),
                b.tier.unwrap_or(9),
                &b.reference,
            ))
    });
}

/// The attributes of an impacted record, read from its record.
pub fn describe(
    set: &RecordSet,
    r: &RecordRef,
    impact: Impact,
    via: Vec<RecordRef>,
    changed: bool,
) -> Impacted {
    let record = set.get(r);
    let (tier, owner, sla) = match record.map(|x| &x.spec) {
        Some(Spec::Service(s)) => (
            Some(s.tier),
            Some(RecordRef::parse_as(&s.owner, Kind::Team).id),
            s.sla.as_ref().map(|x| RecordRef::parse_as(x, Kind::Sla).id),
        ),
        Some(Spec::ConfigurationItem(c)) => (
            None,
            Some(RecordRef::parse_as(&c.owner, Kind::Team).id),
            None,
        ),
        _ => (None, None, None),
    };
    Impacted {
        reference: r.clone(),
        kind: r.kind,
        name: record.map_or_else(|| r.id.clone(), |x| x.metadata.display_name().to_string()),
        tier,
        owner,
        sla,
        impact,
        via,
        changed,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::RecordSet;

    /// A graph from a compact description: `name: dep, ~soft, ...` per line; a name with
    /// `@group/minUp` joins a redundancy group; names starting with `s-` are tier-1 services.
    pub(crate) fn graph(spec: &str) -> (RecordSet, DependencyGraph) {
        let mut yaml = String::new();
        for line in spec.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (head, deps) = line.split_once(':').unwrap_or((line, ""));
            let (name, group) = match head.trim().split_once('@') {
                Some((n, g)) => (n.trim(), Some(g.split_once('/').unwrap())),
                None => (head.trim(), None),
            };
            let deps: Vec<String> = deps
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| {
                    let (soft, d) = d.strip_prefix('~').map_or((false, d), |x| (true, x));
                    let kind = if d.starts_with("s-") { "service" } else { "ci" };
                    if soft {
                        format!("{{ref: {kind}:{d}, impact: partial}}")
                    } else {
                        format!("{kind}:{d}")
                    }
                })
                .collect();
            let deps = format!("[{}]", deps.join(", "));
            if name.starts_with("s-") {
                yaml.push_str(&format!(
                    "---\napiVersion: cabinet/v1\nkind: Service\nmetadata: {{id: {name}}}\nspec: {{owner: t, tier: 1, lifecycle: planned, dependsOn: {deps}}}\n"
                ));
            } else {
                let red = group.map_or(String::new(), |(g, m)| {
                    format!(", redundancy: {{group: {g}, minUp: {m}}}")
                });
                yaml.push_str(&format!(
                    "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {{id: {name}}}\nspec: {{type: server, owner: t, environment: production, lifecycle: planned, dependsOn: {deps}{red}}}\n"
                ));
            }
        }
        let (records, diags) = crate::load::records_from_str("g.yaml", &yaml);
        assert!(diags.is_empty(), "{diags:?}\n{yaml}");
        let set = RecordSet::new(records);
        let g = DependencyGraph::build(&set);
        (set, g)
    }

    /// The impact of `changed` (ids as in `graph`) on the graph of `spec`.
    fn compute(spec: &str, changed: &[&str]) -> ImpactSet {
        let (set, g) = graph(spec);
        let changed: Vec<RecordRef> = changed
            .iter()
            .map(|c| {
                RecordRef::new(
                    if c.starts_with("s-") {
                        Kind::Service
                    } else {
                        Kind::ConfigurationItem
                    },
                    *c,
                )
            })
            .collect();
        ImpactSet::compute(&set, &g, &changed)
    }

    /// `group: up U, healthy H of M (minUp K), down|degraded|up` for every group listed.
    fn groups_of(spec: &str, changed: &[&str]) -> Vec<String> {
        compute(spec, changed)
            .redundancy
            .iter()
            .map(|g| {
                let state = match (g.down, g.degraded) {
                    (true, false) => "down",
                    (false, true) => "degraded",
                    (false, false) => "up",
                    (true, true) => "down and degraded",
                };
                format!(
                    "{}: up {}, healthy {} of {} (minUp {}), {state}",
                    g.group, g.up, g.healthy, g.members, g.min_up
                )
            })
            .collect()
    }

    /// `name=full|partial via a>b>c` for every impacted record, sorted by name.
    pub(crate) fn impact_of(spec: &str, changed: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = compute(spec, changed)
            .impacted
            .iter()
            .map(|i| {
                let via: Vec<&str> = i.via.iter().map(|r| r.id.as_str()).collect();
                format!(
                    "{}={} via {}",
                    i.reference.id,
                    if i.impact == Impact::Full {
                        "full"
                    } else {
                        "partial"
                    },
                    via.join(">")
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_long_hard_chain_goes_down_end_to_end() {
        let got = impact_of("a\nb: a\nc: b\nd: c\ns-x: d", &["a"]);
        assert_eq!(
            got,
            vec![
                "a=full via a",
                "b=full via a>b",
                "c=full via a>b>c",
                "d=full via a>b>c>d",
                "s-x=full via a>b>c>d>s-x"
            ]
        );
    }

    #[test]
    fn a_diamond_is_reached_once_by_the_shortest_path() {
        let got = impact_of("a\nb: a\nc: a\nd: b, c\ne: d", &["a"]);
        assert_eq!(
            got,
            vec![
                "a=full via a",
                "b=full via a>b",
                "c=full via a>c",
                "d=full via a>b>d",
                "e=full via a>b>d>e"
            ]
        );
    }

    #[test]
    fn a_soft_edge_inside_a_hard_chain_degrades_everything_after_it() {
        let got = impact_of("a\nb: a\nc: ~b\nd: c", &["a"]);
        assert_eq!(
            got,
            vec![
                "a=full via a",
                "b=full via a>b",
                "c=partial via a>b>c",
                "d=partial via a>b>c>d"
            ]
        );
    }

    #[test]
    fn a_hard_path_beats_a_soft_one() {
        let got = impact_of("a\nb: ~a\nc: a\nd: b, c", &["a"]);
        assert_eq!(
            got,
            vec![
                "a=full via a",
                "b=partial via a>b",
                "c=full via a>c",
                "d=full via a>c>d"
            ]
        );
    }

    #[test]
    fn a_redundancy_group_at_min_up_keeps_its_dependents_up() {
        let spec = "n1@pool/2\nn2@pool/2\nn3@pool/2\ndb: n1, n2, n3\ns-app: db";
        assert_eq!(impact_of(spec, &["n1"]), vec!["n1=full via n1"]);
        let (set, g) = graph(spec);
        let i = ImpactSet::compute(&set, &g, &[RecordRef::new(Kind::ConfigurationItem, "n1")]);
        let pool = GroupStatus {
            group: "pool".into(),
            up: 2,
            healthy: 2,
            members: 3,
            min_up: 2,
            down: false,
            degraded: false,
        };
        assert_eq!(i.redundancy, vec![pool]);
    }

    #[test]
    fn a_redundancy_group_below_min_up_goes_down() {
        let spec = "n1@pool/2\nn2@pool/2\nn3@pool/2\ndb: n1, n2, n3\ns-app: db";
        let got = impact_of(spec, &["n1", "n2"]);
        assert_eq!(
            got,
            vec![
                "db=full via n1>db",
                "n1=full via n1",
                "n2=full via n2",
                "s-app=full via n1>db>s-app"
            ]
        );
    }

    #[test]
    fn a_group_member_lost_downstream_counts_for_the_group() {
        // `rack` takes n2 and n3 down, which leaves n1 (minUp 1); with n1 changed too, none is up.
        let spec = "rack\nn1@pool/1\nn2@pool/1: rack\nn3@pool/1: rack\ndb: n1";
        let got = impact_of(spec, &["rack"]);
        assert_eq!(
            got,
            vec![
                "n2=full via rack>n2",
                "n3=full via rack>n3",
                "rack=full via rack"
            ]
        );
        let got = impact_of(spec, &["rack", "n1"]);
        assert!(got.contains(&"db=full via n1>db".to_string()), "{got:?}");
    }

    #[test]
    fn a_degraded_member_of_a_group_of_one_degrades_what_depends_on_it() {
        // As if there were no group: the one member needed is not healthy.
        let want = vec![
            "db=partial via san>n1>db",
            "n1=partial via san>n1",
            "s-app=partial via san>n1>db>s-app",
            "san=full via san",
        ];
        let spec = "san\nn1@solo/1: ~san\ndb: n1\ns-app: db";
        assert_eq!(impact_of(spec, &["san"]), want);
        assert_eq!(impact_of(&spec.replace("@solo/1", ""), &["san"]), want);
        assert_eq!(
            groups_of(spec, &["san"]),
            ["solo: up 1, healthy 0 of 1 (minUp 1), degraded"]
        );
    }

    #[test]
    fn a_group_with_enough_members_up_but_too_few_healthy_is_degraded() {
        // n1 down and n2 degraded leave two of three up but one healthy (minUp 2).
        let spec = "rack\nsan\nn1@pool/2: rack\nn2@pool/2: ~san\nn3@pool/2\ndb: n3\ns-app: db";
        assert_eq!(
            impact_of(spec, &["rack", "san"]),
            vec![
                "db=partial via rack>n1>db",
                "n1=full via rack>n1",
                "n2=partial via san>n2",
                "rack=full via rack",
                "s-app=partial via rack>n1>db>s-app",
                "san=full via san",
            ]
        );
        assert_eq!(
            groups_of(spec, &["rack", "san"]),
            ["pool: up 2, healthy 1 of 3 (minUp 2), degraded"]
        );
        // One member degraded leaves two healthy: the group is up, and listed.
        assert_eq!(
            impact_of(spec, &["san"]),
            vec!["n2=partial via san>n2", "san=full via san"]
        );
        assert_eq!(
            groups_of(spec, &["san"]),
            ["pool: up 3, healthy 2 of 3 (minUp 2), up"]
        );
    }

    #[test]
    fn a_group_with_too_few_members_up_is_down_and_a_degraded_member_does_not_explain_it() {
        // n2 down and n1 degraded leave two of three up (minUp 3). n1 comes first in node
        // order and is reached as early, but it is up: n2 explains the group.
        let spec = "rack\nsan\nn1@pool/3: ~san\nn2@pool/3: rack\nn3@pool/3\ndb: n3\nlog: ~n3";
        assert_eq!(
            impact_of(spec, &["rack", "san"]),
            vec![
                "db=full via rack>n2>db",
                "log=partial via rack>n2>log",
                "n1=partial via san>n1",
                "n2=full via rack>n2",
                "rack=full via rack",
                "san=full via san",
            ]
        );
        assert_eq!(
            groups_of(spec, &["rack", "san"]),
            ["pool: up 2, healthy 1 of 3 (minUp 3), down"]
        );
    }

    #[test]
    fn a_member_depending_on_another_member_of_its_group_sees_the_group() {
        // n2 depends on n1 alone, but through the group, which n2 itself keeps up.
        let spec = "n1@pool/1\nn2@pool/1: n1\ndb: n2";
        assert_eq!(impact_of(spec, &["n1"]), vec!["n1=full via n1"]);
        assert_eq!(
            groups_of(spec, &["n1"]),
            ["pool: up 1, healthy 1 of 2 (minUp 1), up"]
        );
        // Without the group, n2 goes down with n1.
        assert_eq!(
            impact_of(&spec.replace("@pool/1", ""), &["n1"]),
            vec![
                "db=full via n1>n2>db",
                "n1=full via n1",
                "n2=full via n1>n2"
            ]
        );
        // When the group needs both, n2 goes down with it (and db with the group).
        assert_eq!(
            impact_of(&spec.replace("/1", "/2"), &["n1"]),
            vec!["db=full via n1>db", "n1=full via n1", "n2=full via n1>n2"]
        );
    }

    #[test]
    fn the_explanation_hops_from_a_member_to_what_depends_on_another_member() {
        // db depends on n1 only; the group is down because n2 and n3 are.
        let spec = "rack\nn1@pool/2\nn2@pool/2: rack\nn3@pool/2: rack\ndb: n1";
        assert_eq!(
            impact_of(spec, &["rack"]),
            vec![
                "db=full via rack>n2>db",
                "n2=full via rack>n2",
                "n3=full via rack>n3",
                "rack=full via rack",
            ]
        );
    }

    #[test]
    fn a_group_degraded_by_a_far_member_is_explained_by_its_nearest_one() {
        // n1 is degraded one step from s, n2 three steps: the group is degraded only once
        // both are (minUp 2 of 3), but x's shortest explanation goes through n1.
        let spec = "s\na: s\nb: a\nn1@pool/2: ~s\nn2@pool/2: ~b\nn3@pool/2\nx: n3\ny: x";
        assert_eq!(
            impact_of(spec, &["s"]),
            vec![
                "a=full via s>a",
                "b=full via s>a>b",
                "n1=partial via s>n1",
                "n2=partial via s>a>b>n2",
                "s=full via s",
                "x=partial via s>n1>x",
                "y=partial via s>n1>x>y",
            ]
        );
        assert_eq!(
            groups_of(spec, &["s"]),
            ["pool: up 3, healthy 1 of 3 (minUp 2), degraded"]
        );
    }

    #[test]
    fn redundancy_is_in_the_json_even_when_empty() {
        let json = serde_json::to_value(compute("a\nb: a", &["a"])).unwrap_or_default();
        assert_eq!(json["redundancy"], serde_json::json!([]));
    }

    #[test]
    fn nothing_upstream_is_impacted() {
        let got = impact_of("a\nb: a\nc: b", &["b"]);
        assert_eq!(got, vec!["b=full via b", "c=full via b>c"]);
    }

    #[test]
    fn a_cycle_does_not_hang_the_walk() {
        let got = impact_of("a: c\nb: a\nc: b\nd: ~a", &["b"]);
        assert_eq!(
            got,
            vec![
                "a=full via b>c>a",
                "b=full via b",
                "c=full via b>c",
                "d=partial via b>c>a>d"
            ]
        );
    }
}
