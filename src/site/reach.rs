//! What a record needs and what needs it, transitively, for one page.
//!
//! Dependents come from `impact::propagate`, the engine behind `ImpactSet` and
//! `cabinet impact`, so the site says exactly what the impact report would. It is called
//! directly rather than through `ImpactSet::compute` because a page shows at most a few
//! hundred rows: describing every impacted record (tens of thousands under a core switch)
//! for every one of 60,000 pages would cost more than the whole rest of the build.
//!
//! Dependencies are walked forwards with the same rules for one lost record: a hard path
//! takes the service down, a soft edge on the way degrades it, and a member of a group that
//! can lose it (more members than `minUp`) is covered by the redundancy.

use crate::graph::{DependencyGraph, Node};
use crate::impact::propagate;
use crate::model::{Impact, Kind};
use std::collections::{HashMap, HashSet, VecDeque};

/// How losing a record affects another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Effect {
    /// Down.
    Full,
    /// Degraded.
    Partial,
    /// Nothing while the rest of its redundancy group is up.
    Redundant,
}

impl Effect {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Effect::Full => "full",
            Effect::Partial => "partial",
            Effect::Redundant => "redundant",
        }
    }

    fn of(impact: Impact) -> Effect {
        match impact {
            Impact::Full => Effect::Full,
            Impact::Partial => Effect::Partial,
        }
    }
}

/// One related record: who, how, and the path that explains it (from the focus, both ends
/// included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Related {
    pub node: Node,
    pub effect: Effect,
    pub via: Vec<Node>,
}

/// Per node, what sorting and counting need.
#[derive(Clone, Debug)]
pub(super) struct NodeFacts {
    pub kind: Kind,
    /// Services only.
    pub tier: Option<u8>,
}

/// What depends on `focus`, transitively.
#[derive(Clone, Debug, Default)]
pub(super) struct Dependents {
    /// Sorted as the impact report sorts (down first, services first, tier, reference),
    /// at most `cap`.
    pub shown: Vec<Related>,
    pub services_down: usize,
    pub services_degraded: usize,
    pub cis_down: usize,
    pub cis_degraded: usize,
    /// Tier-1 services that go down: `focus` is a single point of failure if not empty.
    pub tier1_down: Vec<Node>,
}

impl Dependents {
    pub(super) fn total(&self) -> usize {
        self.services_down + self.services_degraded + self.cis_down + self.cis_degraded
    }
}

/// Take `focus` down alone and see what follows.
pub(super) fn dependents(
    graph: &DependencyGraph,
    facts: &[NodeFacts],
    focus: Node,
    cap: usize,
) -> Dependents {
    let p = propagate(graph, &[focus]);
    let mut out = Dependents::default();
    let mut all: Vec<(Node, Effect)> = Vec::with_capacity(p.impacted().len());
    for &n in p.impacted() {
        if n == focus {
            continue;
        }
        let Some(impact) = p.impact(n) else { continue };
        let f = &facts[n as usize];
        let service = f.kind == Kind::Service;
        match (service, impact) {
            (true, Impact::Full) => out.services_down += 1,
            (true, Impact::Partial) => out.services_degraded += 1,
            (false, Impact::Full) => out.cis_down += 1,
            (false, Impact::Partial) => out.cis_degraded += 1,
        }
        if service && impact == Impact::Full && f.tier == Some(1) {
            out.tier1_down.push(n);
        }
        all.push((n, Effect::of(impact)));
    }
    out.tier1_down.sort_unstable();
    let key = |&(n, e): &(Node, Effect)| {
        let f = &facts[n as usize];
        (e, f.kind != Kind::Service, f.tier.unwrap_or(9), n)
    };
    if all.len() > cap {
        all.select_nth_unstable_by_key(cap, key);
        all.truncate(cap);
    }
    all.sort_unstable_by_key(key);
    out.shown = all
        .into_iter()
        .map(|(node, effect)| Related {
            node,
            effect,
            via: p.via(node),
        })
        .collect();
    out
}

/// What `focus` needs, transitively: every record it reaches along `dependsOn`, with the
/// strongest effect losing that record alone has on `focus`, and a shortest path that shows
/// it. Sorted by effect, services first, then reference; at most `cap` of them, with the
/// number of all of them (a service at the top of a catalogue can need thousands).
pub(super) fn dependencies(
    graph: &DependencyGraph,
    facts: &[NodeFacts],
    focus: Node,
    cap: usize,
) -> (Vec<Related>, usize) {
    // A group can lose a member when it has more members than it needs.
    let covered = |n: Node| {
        graph
            .group_of(n)
            .is_some_and(|g| g.members.len() as u32 > g.min_up)
    };
    let mut found: HashMap<Node, (Effect, Node)> = HashMap::new();
    let mut seen: HashSet<Node> = HashSet::new();
    let mut queue: VecDeque<Node> = VecDeque::new();
    for effect in [Effect::Full, Effect::Partial, Effect::Redundant] {
        // Breadth-first from the focus, over the edges this pass may use; what an earlier
        // (stronger) pass found keeps its effect and is walked through again.
        seen.clear();
        seen.insert(focus);
        queue.push_back(focus);
        while let Some(n) = queue.pop_front() {
            for e in graph.dependencies_of(n) {
                let m = e.node;
                if effect == Effect::Full && e.impact != Impact::Full {
                    continue;
                }
                if effect != Effect::Redundant && covered(m) {
                    continue;
                }
                if !seen.insert(m) {
                    continue;
                }
                found.entry(m).or_insert((effect, n));
                queue.push_back(m);
            }
        }
    }
    found.remove(&focus);
    let total = found.len();
    let key = |&(n, e): &(Node, Effect)| (e, facts[n as usize].kind != Kind::Service, n);
    let mut all: Vec<(Node, Effect)> = found.iter().map(|(&n, &(e, _))| (n, e)).collect();
    if all.len() > cap {
        all.select_nth_unstable_by_key(cap, key);
        all.truncate(cap);
    }
    all.sort_unstable_by_key(key);
    let shown = all
        .into_iter()
        .map(|(node, effect)| {
            let mut via = vec![node];
            let mut cur = node;
            while cur != focus {
                let Some(&(_, parent)) = found.get(&cur) else {
                    break;
                };
                via.push(parent);
                cur = parent;
            }
            via.reverse();
            if via.first() != Some(&focus) {
                via.insert(0, focus);
            }
            Related { node, effect, via }
        })
        .collect();
    (shown, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::tests::graph;
    use crate::model::RecordRef;

    fn facts(g: &DependencyGraph) -> Vec<NodeFacts> {
        g.nodes
            .iter()
            .map(|r| NodeFacts {
                kind: r.kind,
                tier: (r.kind == Kind::Service).then_some(1),
            })
            .collect()
    }

    fn node(g: &DependencyGraph, id: &str) -> Node {
        let kind = if id.starts_with("s-") {
            Kind::Service
        } else {
            Kind::ConfigurationItem
        };
        g.node(&RecordRef::new(kind, id)).unwrap()
    }

    fn show(g: &DependencyGraph, rows: &[Related]) -> Vec<String> {
        rows.iter()
            .map(|r| {
                let via: Vec<&str> = r.via.iter().map(|&n| g.reference(n).id.as_str()).collect();
                format!(
                    "{}={} via {}",
                    g.reference(r.node).id,
                    r.effect.as_str(),
                    via.join(">")
                )
            })
            .collect()
    }

    const SPEC: &str = "net\nn1@pool/2: net\nn2@pool/2\nn3@pool/2\ndb: n1, n2, n3\ncache\ns-app: db, ~cache\ns-web: s-app";

    #[test]
    fn dependencies_say_what_losing_each_one_does() {
        let (_, g) = graph(SPEC);
        let f = facts(&g);
        let (rows, total) = dependencies(&g, &f, node(&g, "s-web"), 100);
        assert_eq!(total, rows.len());
        assert_eq!(
            show(&g, &rows),
            [
                "s-app=full via s-web>s-app",
                "db=full via s-web>s-app>db",
                "cache=partial via s-web>s-app>cache",
                "n1=redundant via s-web>s-app>db>n1",
                "n2=redundant via s-web>s-app>db>n2",
                "n3=redundant via s-web>s-app>db>n3",
                "net=redundant via s-web>s-app>db>n1>net",
            ]
        );
    }

    #[test]
    fn dependents_agree_with_the_impact_report() {
        let (set, g) = graph(SPEC);
        let f = facts(&g);
        let d = dependents(&g, &f, node(&g, "db"), 10);
        assert_eq!(
            show(&g, &d.shown),
            ["s-app=full via db>s-app", "s-web=full via db>s-app>s-web"]
        );
        assert_eq!((d.services_down, d.total()), (2, 2));
        assert_eq!(d.tier1_down.len(), 2);
        let report = crate::impact::ImpactSet::compute(
            &set,
            &g,
            &[RecordRef::new(Kind::ConfigurationItem, "db")],
        );
        assert_eq!(report.impacted.len(), d.total() + 1);
        // A redundant member takes nothing down.
        let d = dependents(&g, &f, node(&g, "net"), 10);
        assert_eq!(show(&g, &d.shown), ["n1=full via net>n1"]);
        assert!(d.tier1_down.is_empty());
    }

    #[test]
    fn the_cap_keeps_the_most_serious() {
        let (_, g) = graph("a\ns-x: ~a\ns-y: a\nb: a\nc: a");
        let f = facts(&g);
        let d = dependents(&g, &f, node(&g, "a"), 2);
        assert_eq!(show(&g, &d.shown), ["s-y=full via a>s-y", "b=full via a>b"]);
        assert_eq!(d.total(), 4);
    }
}
