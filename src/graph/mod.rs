//! The dependency graph over services and configuration items, built from `dependsOn`.
//! Edges point from the dependent to what it depends on, and carry how an outage propagates.

use crate::model::{Dependency, Impact, Kind, Record, RecordRef, RecordSet, Spec};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

/// One `dependsOn` entry, kept with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub impact: Impact,
    /// Pointer of the entry in the dependent's record (`/spec/dependsOn/1`).
    pub pointer: String,
}

/// Services and CIs, and who depends on whom. Dangling references are left out (they are
/// reported by the reference check).
#[derive(Debug, Default)]
pub struct DependencyGraph {
    pub graph: DiGraph<RecordRef, Edge>,
    index: HashMap<RecordRef, NodeIndex>,
}

impl DependencyGraph {
    pub fn build(set: &RecordSet) -> DependencyGraph {
        let mut g = DependencyGraph::default();
        for r in set.iter() {
            if matches!(r.kind(), Kind::Service | Kind::ConfigurationItem) {
                g.node(r.reference());
            }
        }
        for r in set.iter() {
            let from = r.reference();
            let Some(&from_ix) = g.index.get(&from) else {
                continue;
            };
            for (i, dep) in dependencies(r).iter().enumerate() {
                let Some(target) = RecordRef::parse(dep.target()) else {
                    continue;
                };
                let Some(&to_ix) = g.index.get(&target) else {
                    continue;
                };
                g.graph.add_edge(
                    from_ix,
                    to_ix,
                    Edge {
                        impact: dep.impact(),
                        pointer: format!("/spec/dependsOn/{i}"),
                    },
                );
            }
        }
        g
    }

    fn node(&mut self, r: RecordRef) -> NodeIndex {
        if let Some(&ix) = self.index.get(&r) {
            return ix;
        }
        let ix = self.graph.add_node(r.clone());
        self.index.insert(r, ix);
        ix
    }

    pub fn index_of(&self, r: &RecordRef) -> Option<NodeIndex> {
        self.index.get(r).copied()
    }

    /// Every cycle, as the strongly connected components that contain one, each listed from
    /// its smallest reference along a real cycle through it; sorted.
    pub fn cycles(&self) -> Vec<Vec<NodeIndex>> {
        let mut out = Vec::new();
        for scc in petgraph::algo::tarjan_scc(&self.graph) {
            let looped = scc.len() > 1 || self.graph.contains_edge(scc[0], scc[0]);
            if !looped {
                continue;
            }
            let start = *scc
                .iter()
                .min_by_key(|&&n| &self.graph[n])
                .expect("an SCC is never empty");
            out.push(self.cycle_through(start, &scc));
        }
        out.sort_by(|a, b| self.graph[a[0]].cmp(&self.graph[b[0]]));
        out
    }

    /// The shortest cycle from `start` back to itself inside `scc` (breadth-first).
    fn cycle_through(&self, start: NodeIndex, scc: &[NodeIndex]) -> Vec<NodeIndex> {
        use std::collections::VecDeque;
        let inside: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
        let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = self
                .graph
                .neighbors(n)
                .filter(|m| inside.contains(m))
                .collect();
            next.sort_by(|a, b| self.graph[*a].cmp(&self.graph[*b]));
            for m in next {
                if m == start {
                    let mut path = vec![n];
                    let mut cur = n;
                    while cur != start {
                        cur = prev[&cur];
                        path.push(cur);
                    }
                    path.reverse();
                    return path;
                }
                if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                    e.insert(n);
                    queue.push_back(m);
                }
            }
        }
        vec![start]
    }
}

/// The `dependsOn` entries of a service or CI (empty for other kinds).
pub fn dependencies(r: &Record) -> &[Dependency] {
    match &r.spec {
        Spec::Service(s) => &s.depends_on,
        Spec::ConfigurationItem(c) => &c.depends_on,
        _ => &[],
    }
}
