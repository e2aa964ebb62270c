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

/// A redundancy group that lost members but may still be up.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupStatus {
    pub group: String,
    pub up: u32,
    pub members: u32,
    pub min_up: u32,
    /// Fewer than `minUp` members are up: what depends on the group goes down.
    pub down: bool,
}

/// The impact of a set of changed records on one graph.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImpactSet {
    /// The changed records that are services or CIs (others have no impact).
    pub changed: Vec<RecordRef>,
    /// Sorted: down before degraded, services before CIs, tier, reference.
    pub impacted: Vec<Impacted>,
    /// Redundancy groups that lost members.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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
            .filter(|(g, _)| p.group_down(*g) > 0)
            .map(|(g, group)| {
                let members = group.members.len() as u32;
                let up = members - p.group_down(g);
                GroupStatus {
                    group: group.name.clone(),
                    up,
                    members,
                    min_up: group.min_up,
                    down: up < group.min_up,
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

    /// `name=full|partial via a>b>c` for every impacted record, sorted by name.
    pub(crate) fn impact_of(spec: &str, changed: &[&str]) -> Vec<String> {
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
        let mut out: Vec<String> = ImpactSet::compute(&set, &g, &changed)
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
            members: 3,
            min_up: 2,
            down: false,
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
