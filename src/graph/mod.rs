//! The dependency graph over services and configuration items, built once per run from
//! `dependsOn`. Edges point from the dependent to what it depends on and carry how an outage
//! propagates (`full` or `partial`); members of a redundancy group share one group state.
//!
//! The graph is compact adjacency arrays (CSR) in both directions, which is what impact,
//! the cycle check (Tarjan over the arrays) and the exports walk: on a million records a
//! reverse walk over flat arrays is several times faster than over linked edge lists. The
//! tests compare these walks with petgraph's on the same graph (`petgraph()`, test-only).

use crate::model::{Dependency, Impact, Kind, Record, RecordRef, RecordSet, Spec};
use foldhash::fast::RandomState;
use hashbrown::HashTable;
#[cfg(test)]
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// A node index (position in `DependencyGraph::nodes`).
pub type Node = u32;

/// `Group` marker for nodes that belong to no redundancy group.
pub const NO_GROUP: u32 = u32::MAX;

/// In `dependents_packed`, the bit that marks a soft (`partial`) edge.
pub const SOFT: u32 = 1 << 31;

/// One `dependsOn` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The other end: the dependency (in `dependencies_of`) or the dependent (in `dependents_of`).
    pub node: Node,
    pub impact: Impact,
    /// Position of the entry in the dependent's `dependsOn`.
    pub index: u32,
}

impl Edge {
    /// The JSON pointer of the entry in the dependent's record.
    pub fn pointer(&self) -> String {
        format!("/spec/dependsOn/{}", self.index)
    }
}

/// A redundancy group: it stays up while at least `min_up` members are up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub min_up: u32,
    pub members: Vec<Node>,
}

/// Services and CIs, and who depends on whom. References that do not resolve (reported by the
/// reference check) are left out.
#[derive(Debug, Default)]
pub struct DependencyGraph {
    /// Every service and CI, sorted by reference, so node order never depends on file order.
    pub nodes: Vec<RecordRef>,
    /// Nodes found by the hash of their kind and id (see `node_of`).
    index: HashTable<Node>,
    hasher: RandomState,
    fwd_offsets: Vec<u32>,
    fwd: Vec<Edge>,
    rev_offsets: Vec<u32>,
    rev: Vec<Edge>,
    /// `rev` and `fwd` as bare nodes with `SOFT` for a partial edge: a third of the memory,
    /// which is what the walks over the whole graph read (more of it stays in cache).
    rev_packed: Vec<u32>,
    fwd_packed: Vec<u32>,
    group_of: Vec<u32>,
    /// Whether each node is in a redundancy group, a byte each and a bit each (so a walk's
    /// test is cheap).
    grouped: Vec<bool>,
    grouped_bits: Vec<u64>,
    /// Per group, how many members down take it down, and how many impacted (down or
    /// degraded) degrade it (`members - minUp + 1`, at least 1).
    fails_at: Vec<u32>,
    pub groups: Vec<Group>,
}

fn find_node(
    index: &HashTable<Node>,
    hasher: &RandomState,
    nodes: &[RecordRef],
    kind: Kind,
    id: &str,
) -> Option<Node> {
    index
        .find(hasher.hash_one((kind, id)), |&j| {
            let n = &nodes[j as usize];
            n.kind == kind && n.id == id
        })
        .copied()
}

impl DependencyGraph {
    pub fn build(set: &RecordSet) -> DependencyGraph {
        let mut nodes: Vec<RecordRef> = set
            .iter()
            .filter(|r| matches!(r.kind(), Kind::Service | Kind::ConfigurationItem))
            .map(Record::reference)
            .collect();
        nodes.sort();
        nodes.dedup();
        let hasher = RandomState::default();
        let mut index = HashTable::with_capacity(nodes.len());
        for (i, r) in nodes.iter().enumerate() {
            // `nodes` is deduplicated: every node is new.
            index.insert_unique(hasher.hash_one((r.kind, r.id.as_str())), i as Node, |&j| {
                let n = &nodes[j as usize];
                hasher.hash_one((n.kind, n.id.as_str()))
            });
        }
        let find = |kind: Kind, id: &str| find_node(&index, &hasher, &nodes, kind, id);
        let mut edges: Vec<(Node, Edge)> = Vec::new();
        let mut groups: BTreeMap<String, (u32, Vec<Node>)> = BTreeMap::new();
        let mut group_of = vec![NO_GROUP; nodes.len()];
        for (i, r) in nodes.iter().enumerate() {
            let Some(record) = set.get(r) else { continue };
            for (k, dep) in dependencies(record).iter().enumerate() {
                let Some(target) = dep
                    .target()
                    .split_once(':')
                    .and_then(|(prefix, id)| find(Kind::from_ref_prefix(prefix)?, id))
                else {
                    continue;
                };
                edges.push((
                    i as Node,
                    Edge {
                        node: target,
                        impact: dep.impact(),
                        index: k as u32,
                    },
                ));
            }
            if let Spec::ConfigurationItem(ci) = &record.spec
                && let Some(red) = &ci.redundancy
            {
                let entry = groups
                    .entry(red.group.clone())
                    .or_insert((red.min_up, Vec::new()));
                entry.0 = entry.0.max(red.min_up);
                entry.1.push(i as Node);
            }
        }
        let groups: Vec<Group> = groups
            .into_iter()
            .enumerate()
            .map(|(g, (name, (min_up, members)))| {
                for &m in &members {
                    group_of[m as usize] = g as u32;
                }
                Group {
                    name,
                    min_up,
                    members,
                }
            })
            .collect();
        let n = nodes.len();
        assert!(n < SOFT as usize, "at most 2^31 records");
        let (fwd_offsets, fwd) = csr(n, edges.iter().map(|&(from, e)| (from, e)));
        let (rev_offsets, rev) = csr(
            n,
            edges.iter().map(|&(from, e)| {
                (
                    e.node,
                    Edge {
                        node: from,
                        impact: e.impact,
                        index: e.index,
                    },
                )
            }),
        );
        let packed = |edges: &[Edge]| -> Vec<u32> {
            edges
                .iter()
                .map(|e| match e.impact {
                    Impact::Full => e.node,
                    Impact::Partial => e.node | SOFT,
                })
                .collect()
        };
        let rev_packed = packed(&rev);
        let fwd_packed = packed(&fwd);
        let grouped: Vec<bool> = group_of.iter().map(|&g| g != NO_GROUP).collect();
        let mut grouped_bits = vec![0u64; n.div_ceil(64)];
        for (i, _) in grouped.iter().enumerate().filter(|(_, g)| **g) {
            grouped_bits[i / 64] |= 1 << (i % 64);
        }
        let fails_at = groups
            .iter()
            .map(|g| (g.members.len() as u32 + 1).saturating_sub(g.min_up).max(1))
            .collect();
        DependencyGraph {
            nodes,
            index,
            hasher,
            fwd_offsets,
            fwd,
            rev_offsets,
            rev,
            rev_packed,
            fwd_packed,
            group_of,
            grouped,
            grouped_bits,
            fails_at,
            groups,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn edge_count(&self) -> usize {
        self.fwd.len()
    }

    pub fn node(&self, r: &RecordRef) -> Option<Node> {
        self.node_of(r.kind, &r.id)
    }

    /// The node of the record of `kind` with `id`, without building a `RecordRef`.
    pub fn node_of(&self, kind: Kind, id: &str) -> Option<Node> {
        find_node(&self.index, &self.hasher, &self.nodes, kind, id)
    }

    pub fn reference(&self, n: Node) -> &RecordRef {
        &self.nodes[n as usize]
    }

    /// What `n` depends on, in `dependsOn` order.
    pub fn dependencies_of(&self, n: Node) -> &[Edge] {
        let i = n as usize;
        &self.fwd[self.fwd_offsets[i] as usize..self.fwd_offsets[i + 1] as usize]
    }

    /// What depends on `n`, by dependent.
    pub fn dependents_of(&self, n: Node) -> &[Edge] {
        let i = n as usize;
        &self.rev[self.rev_offsets[i] as usize..self.rev_offsets[i + 1] as usize]
    }

    /// What depends on `n` (as `dependents_of`), each a node with `SOFT` set for a soft edge.
    pub fn dependents_packed(&self, n: Node) -> &[u32] {
        let i = n as usize;
        &self.rev_packed[self.rev_offsets[i] as usize..self.rev_offsets[i + 1] as usize]
    }

    /// The redundancy group `n` belongs to.
    pub fn group_of(&self, n: Node) -> Option<&Group> {
        let g = self.group_of[n as usize];
        (g != NO_GROUP).then(|| &self.groups[g as usize])
    }

    /// What `n` depends on (as `dependencies_of`), each a node with `SOFT` set for a soft edge.
    pub fn dependencies_packed(&self, n: Node) -> &[u32] {
        let i = n as usize;
        &self.fwd_packed[self.fwd_offsets[i] as usize..self.fwd_offsets[i + 1] as usize]
    }

    /// For every node, whether it is in a redundancy group.
    pub fn grouped(&self) -> &[bool] {
        &self.grouped
    }

    /// Whether `n` is in a redundancy group (one bit per node: it stays in cache).
    pub fn is_grouped(&self, n: Node) -> bool {
        self.grouped_bits[n as usize / 64] >> (n % 64) & 1 != 0
    }

    /// How many members of group `g` down take the group down (and how many impacted
    /// degrade it).
    pub fn fails_at(&self, g: usize) -> u32 {
        self.fails_at[g]
    }

    pub fn group_index(&self, n: Node) -> u32 {
        self.group_of[n as usize]
    }

    /// A petgraph view (node weights are `Node` indices): the reference the tests check the
    /// compact walks against.
    #[cfg(test)]
    pub(crate) fn petgraph(&self) -> DiGraph<Node, Impact> {
        let mut g = DiGraph::with_capacity(self.nodes.len(), self.fwd.len());
        for i in 0..self.nodes.len() {
            g.add_node(i as Node);
        }
        for i in 0..self.nodes.len() {
            for e in self.dependencies_of(i as Node) {
                g.add_edge(NodeIndex::new(i), NodeIndex::new(e.node as usize), e.impact);
            }
        }
        g
    }

    /// The records around `focus`, sorted: `focus`, everything reached by following
    /// `dependsOn` from it (what it needs), and everything reached by following it backwards
    /// (what needs it), each walk at most `depth` steps (`None`: no limit). The two walks stay
    /// apart: a dependency's other dependents are not neighbours, or one shared database
    /// would pull in the whole catalogue. A redundancy group is shown whole: when a walk
    /// reaches a member, the other members come with it (so a reader sees `2 of 3` and not
    /// a lone node), but the walks do not continue from them.
    pub fn neighbourhood(&self, focus: Node, depth: Option<u32>) -> Vec<Node> {
        let mut keep = vec![false; self.len()];
        for needs in [true, false] {
            let mut seen = vec![false; self.len()];
            seen[focus as usize] = true;
            keep[focus as usize] = true;
            let mut frontier = vec![focus];
            let mut steps = 0u32;
            while !frontier.is_empty() && depth.is_none_or(|max| steps < max) {
                let mut next = Vec::new();
                for &n in &frontier {
                    let edges = if needs {
                        self.dependencies_of(n)
                    } else {
                        self.dependents_of(n)
                    };
                    for e in edges {
                        if !std::mem::replace(&mut seen[e.node as usize], true) {
                            keep[e.node as usize] = true;
                            next.push(e.node);
                        }
                    }
                }
                frontier = next;
                steps += 1;
            }
        }
        let reached: Vec<Node> = (0..self.len() as Node)
            .filter(|&n| keep[n as usize])
            .collect();
        for &n in &reached {
            if let Some(group) = self.group_of(n) {
                for &m in &group.members {
                    keep[m as usize] = true;
                }
            }
        }
        (0..self.len() as Node)
            .filter(|&n| keep[n as usize])
            .collect()
    }

    /// Every cycle: one per strongly connected component that holds one, listed from its
    /// smallest reference along the shortest cycle through it; sorted.
    ///
    /// Tarjan's algorithm, iterative, over the compact adjacency, with Pearce's single
    /// index array, which also holds whether a component is complete (no petgraph copy, no
    /// recursion, one read at random per edge): see BENCHMARKS.md for a million records.
    pub fn cycles(&self) -> Vec<Vec<Node>> {
        // Set on a node whose component is complete (its number is in the other bits).
        const DONE: u32 = 1 << 31;
        let n = self.len();
        // 0: not visited; then the discovery order, lowered to the lowest order reachable
        // while the node is open; once its component is complete, the component (from 1)
        // with `DONE`. One array, so each edge looked at costs one read at random.
        let mut rindex = vec![0u32; n];
        // What cannot be on a cycle needs no search: its component is itself.
        for v in self.acyclic() {
            rindex[v as usize] = DONE;
        }
        // Finished nodes whose component is not complete yet.
        let mut stack: Vec<Node> = Vec::new();
        // The depth-first path: a node, the position of its next edge in `fwd_packed`, and
        // whether the node is still the root of its component (reaches nothing lower).
        let mut path: Vec<(Node, u32, bool)> = Vec::new();
        let mut next = 1u32;
        let mut components = 0u32;
        let mut looped: Vec<(Node, u32)> = Vec::new();
        for root in 0..n as Node {
            if rindex[root as usize] != 0 {
                continue;
            }
            rindex[root as usize] = next;
            next += 1;
            path.push((root, self.fwd_offsets[root as usize], true));
            'path: while let Some((v, pos, is_root)) = path.last_mut() {
                let v = *v;
                let vi = v as usize;
                let end = self.fwd_offsets[vi + 1];
                while *pos < end {
                    let w = self.fwd_packed[*pos as usize] & !SOFT;
                    *pos += 1;
                    let wi = w as usize;
                    let rw = rindex[wi];
                    if rw == 0 {
                        rindex[wi] = next;
                        next += 1;
                        path.push((w, self.fwd_offsets[wi], true));
                        continue 'path;
                    }
                    if rw & DONE == 0 && rw < rindex[vi] {
                        rindex[vi] = rw;
                        *is_root = false;
                    }
                }
                // `v` is finished: its parent on the path reaches what it reaches.
                let is_root = *is_root;
                path.pop();
                if let Some((p, _, parent_root)) = path.last_mut() {
                    let pi = *p as usize;
                    if rindex[vi] < rindex[pi] {
                        rindex[pi] = rindex[vi];
                        *parent_root = false;
                    }
                }
                if !is_root {
                    stack.push(v);
                    continue;
                }
                // `v` roots a component: itself and the finished nodes above it that
                // reach no lower.
                components += 1;
                let c = components | DONE;
                let mut size = 1usize;
                let mut smallest = v;
                while let Some(&w) = stack.last() {
                    if rindex[w as usize] < rindex[vi] {
                        break;
                    }
                    stack.pop();
                    rindex[w as usize] = c;
                    size += 1;
                    smallest = smallest.min(w);
                }
                rindex[vi] = c;
                if size > 1 || self.dependencies_of(v).iter().any(|e| e.node == v) {
                    looped.push((smallest, c));
                }
            }
        }
        let mut out: Vec<Vec<Node>> = looped
            .into_iter()
            .map(|(start, c)| self.cycle_through(start, |m| rindex[m as usize] == c))
            .collect();
        out.sort();
        out
    }

    /// Nodes that are on no cycle, found cheaply: a node whose dependencies are all such nodes
    /// (or that has none) is one, and so is a node whose dependents all are (or that has
    /// none): a node on a cycle has a dependency and a dependent on it, which are on it too.
    /// Sweeps over the nodes left, each reading one adjacency front to back and a bitmap that
    /// stays in cache: by dependencies in node order, or by dependents in reverse order (each
    /// order lets a removal reach further within the same sweep). It sweeps one way while a
    /// sweep removes a thirty-second of what is left, then the other way, and stops when both
    /// ways have stopped paying in turn, or after `SWEEPS` sweeps (so a catalogue that suits
    /// them badly pays a few sweeps, never more). On a catalogue without cycles this usually
    /// takes everything (1M records: 4 sweeps by dependencies), and of one that is nearly all
    /// one cycle it still takes what hangs off it at either end (1M records with one large
    /// component: 1 sweep by dependencies, 7 by dependents, 64k left); what it leaves is
    /// searched as before. In no particular order.
    fn acyclic(&self) -> Vec<Node> {
        const SWEEPS: usize = 8;
        let n = self.len();
        let mut removed = vec![0u64; n.div_ceil(64)];
        let mut left: Vec<Node> = (0..n as Node).collect();
        let mut out = Vec::with_capacity(n);
        // One sweep: keeps in `left` (in its order) what it cannot remove.
        fn sweep<'g>(
            left: &mut Vec<Node>,
            removed: &mut [u64],
            out: &mut Vec<Node>,
            edges: impl Fn(Node) -> &'g [u32],
        ) {
            left.retain(|&v| {
                let free = edges(v).iter().all(|&d| {
                    let x = d & !SOFT;
                    removed[x as usize / 64] >> (x % 64) & 1 != 0
                });
                if free {
                    removed[v as usize / 64] |= 1 << (v % 64);
                    out.push(v);
                }
                !free
            });
        }
        // Sweeps one way while they pay, then the other way; ends when both ways have
        // stopped paying one after the other.
        let mut by_dependents = false;
        let mut stalled = false;
        for _ in 0..SWEEPS {
            let before = left.len();
            if by_dependents {
                left.reverse();
                sweep(&mut left, &mut removed, &mut out, |v| {
                    self.dependents_packed(v)
                });
                left.reverse();
            } else {
                sweep(&mut left, &mut removed, &mut out, |v| {
                    self.dependencies_packed(v)
                });
            }
            if left.is_empty() {
                break;
            }
            if (before - left.len()) * 32 < before {
                if stalled {
                    break;
                }
                stalled = true;
                by_dependents = !by_dependents;
            } else {
                stalled = false;
            }
        }
        out
    }

    /// The shortest cycle from `start` back to itself inside one component (breadth-first).
    fn cycle_through(&self, start: Node, inside: impl Fn(Node) -> bool) -> Vec<Node> {
        let mut prev: HashMap<Node, Node> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let mut next: Vec<Node> = self
                .dependencies_of(n)
                .iter()
                .map(|e| e.node)
                .filter(|&m| inside(m))
                .collect();
            next.sort_unstable();
            next.dedup();
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

/// Compressed adjacency: offsets per node and edges grouped by source, in input order.
fn csr(n: usize, edges: impl Iterator<Item = (Node, Edge)> + Clone) -> (Vec<u32>, Vec<Edge>) {
    let mut offsets = vec![0u32; n + 1];
    for (from, _) in edges.clone() {
        offsets[from as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut out = vec![
        Edge {
            node: 0,
            impact: Impact::Full,
            index: 0
        };
        offsets[n] as usize
    ];
    for (from, e) in edges {
        let slot = &mut fill[from as usize];
        out[*slot as usize] = e;
        *slot += 1;
    }
    (offsets, out)
}

/// The `dependsOn` entries of a service or CI (empty for other kinds).
pub fn dependencies(r: &Record) -> &[Dependency] {
    match &r.spec {
        Spec::Service(s) => &s.depends_on,
        Spec::ConfigurationItem(c) => &c.depends_on,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::tests::graph;
    use proptest::prelude::*;

    /// The ids of `neighbourhood(focus, depth)` on a graph written as in `impact::tests::graph`.
    fn around(spec: &str, focus: &str, depth: Option<u32>) -> Vec<String> {
        let (_, g) = graph(spec);
        let kind = if focus.starts_with("s-") {
            Kind::Service
        } else {
            Kind::ConfigurationItem
        };
        let focus = g
            .node(&RecordRef::new(kind, focus))
            .expect("the focus exists");
        let mut ids: Vec<String> = g
            .neighbourhood(focus, depth)
            .into_iter()
            .map(|n| g.reference(n).id.clone())
            .collect();
        ids.sort();
        ids
    }

    const CHAIN: &str = "a\nb: a\nc: b\nd: c\ne: ~d";

    #[test]
    fn depth_counts_steps_in_both_directions() {
        assert_eq!(around(CHAIN, "c", Some(0)), ["c"]);
        assert_eq!(around(CHAIN, "c", Some(1)), ["b", "c", "d"]);
        assert_eq!(around(CHAIN, "c", Some(2)), ["a", "b", "c", "d", "e"]);
        assert_eq!(around(CHAIN, "a", Some(2)), ["a", "b", "c"]);
        assert_eq!(around(CHAIN, "e", None), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn the_walks_do_not_turn_sideways() {
        // x and y share a dependency; y is neither what x needs nor what needs x.
        let spec = "a\nx: a\ny: a\ns-top: x";
        assert_eq!(around(spec, "x", None), ["a", "s-top", "x"]);
        assert_eq!(around(spec, "a", Some(1)), ["a", "x", "y"]);
    }

    #[test]
    fn a_reached_group_comes_whole_but_is_not_walked_from() {
        let spec = "n1\nn2\np1@g/2\np2@g/2: n2\np3@g/2\ndb: p1, p2, p3\ns-app: db";
        // From p1: its dependent db, and p1's group mates; not n2 (p2's dependency) nor s-app.
        assert_eq!(around(spec, "p1", Some(1)), ["db", "p1", "p2", "p3"]);
        assert_eq!(around(spec, "p1", Some(0)), ["p1", "p2", "p3"]);
        // From db, the group is reached in one step; n2 only in two.
        assert_eq!(
            around(spec, "db", Some(1)),
            ["db", "p1", "p2", "p3", "s-app"]
        );
        assert_eq!(
            around(spec, "db", Some(2)),
            ["db", "n2", "p1", "p2", "p3", "s-app"]
        );
    }

    #[test]
    fn cycles_end() {
        assert_eq!(
            around("a: b\nb: c\nc: a\nd: a", "a", None),
            ["a", "b", "c", "d"]
        );
    }

    proptest! {
        /// Without a depth, the neighbourhood is what petgraph reaches forwards and backwards
        /// from the focus, plus the groups of what it reaches; a larger depth never shrinks it.
        #[test]
        fn unlimited_depth_is_reachability(
            edges in prop::collection::vec((0u8..12, 0u8..12, any::<bool>()), 0..30),
            grouped in prop::collection::vec(any::<bool>(), 12),
            focus in 0u8..12,
            depth in 0u32..4,
        ) {
            let lines: Vec<String> = (0..12)
                .map(|i| {
                    let group = if grouped[i] { "@g/1" } else { "" };
                    let deps: Vec<String> = edges
                        .iter()
                        .filter(|(from, _, _)| usize::from(*from) == i)
                        .map(|(_, to, soft)| format!("{}n{to:02}", if *soft { "~" } else { "" }))
                        .collect();
                    format!("n{i:02}{group}: {}", deps.join(", "))
                })
                .collect();
            let (_, g) = graph(&lines.join("\n"));
            let focus = Node::from(focus);
            let pg = g.petgraph();
            let mut want = std::collections::BTreeSet::new();
            let mut dfs = petgraph::visit::Dfs::new(&pg, NodeIndex::new(focus as usize));
            while let Some(n) = dfs.next(&pg) {
                want.insert(n.index() as Node);
            }
            let back = petgraph::visit::Reversed(&pg);
            let mut dfs = petgraph::visit::Dfs::new(back, NodeIndex::new(focus as usize));
            while let Some(n) = dfs.next(back) {
                want.insert(n.index() as Node);
            }
            for n in want.clone() {
                if let Some(group) = g.group_of(n) {
                    want.extend(group.members.iter().copied());
                }
            }
            let got = g.neighbourhood(focus, None);
            prop_assert_eq!(&got, &want.into_iter().collect::<Vec<_>>());
            let near = g.neighbourhood(focus, Some(depth));
            let nearer = g.neighbourhood(focus, Some(depth + 1));
            prop_assert!(near.iter().all(|n| nearer.contains(n)));
            prop_assert!(nearer.iter().all(|n| got.contains(n)));
        }
    }
}
