//! How an outage spreads: from the records taken down, along reverse dependency edges, until
//! nothing changes. States only rise (none → partial → full), so the walk ends on any graph,
//! cycles included.
//!
//! Rules: a hard (`full`) edge passes on what it receives; a soft (`partial`) edge turns an
//! outage into a degradation; a dependency on a member of a redundancy group sees the state
//! of the group, which is down only when fewer than `minUp` members are up, and otherwise
//! unaffected: that is what the redundancy is for (the report still says how many are up).

use crate::graph::{DependencyGraph, NO_GROUP, Node};
use crate::model::Impact;
use std::collections::VecDeque;

const NONE: u8 = 0;
const PARTIAL: u8 = 1;
const FULL: u8 = 2;

/// The result of one propagation: the state of every node and, for each impacted node, the
/// previous node on a shortest explanation from a seed.
#[derive(Debug)]
pub struct Propagation {
    state: Vec<u8>,
    parent: Vec<Node>,
    /// Impacted nodes in the order the explanation reached them (seeds first).
    order: Vec<Node>,
    seeds: Vec<Node>,
    /// Members down, per redundancy group.
    group_down: Vec<u32>,
}

const NO_PARENT: Node = Node::MAX;

impl Propagation {
    /// How `n` is impacted, if it is.
    pub fn impact(&self, n: Node) -> Option<Impact> {
        match self.state[n as usize] {
            FULL => Some(Impact::Full),
            PARTIAL => Some(Impact::Partial),
            _ => None,
        }
    }

    /// Every impacted node (seeds included), nearest first.
    pub fn impacted(&self) -> &[Node] {
        &self.order
    }

    pub fn seeds(&self) -> &[Node] {
        &self.seeds
    }

    /// How many members of redundancy group `g` are down.
    pub fn group_down(&self, g: usize) -> u32 {
        self.group_down[g]
    }

    /// The path from a seed to `n` that explains its state (seed first, `n` last).
    pub fn via(&self, n: Node) -> Vec<Node> {
        let mut path = vec![n];
        let mut cur = n;
        while self.parent[cur as usize] != NO_PARENT {
            cur = self.parent[cur as usize];
            path.push(cur);
        }
        path.reverse();
        path
    }
}

fn contribution(source: u8, edge: Impact) -> u8 {
    match (source, edge) {
        (FULL, Impact::Full) => FULL,
        (FULL, Impact::Partial) | (PARTIAL, _) => PARTIAL,
        _ => NONE,
    }
}

struct Walk<'g> {
    graph: &'g DependencyGraph,
    state: Vec<u8>,
    seed: Vec<bool>,
    group_state: Vec<u8>,
    group_down: Vec<u32>,
    queue: VecDeque<Node>,
}

impl Walk<'_> {
    /// What `n`'s dependency on the node `e.node` passes on.
    fn through(&self, target: Node, edge: Impact) -> u8 {
        let g = self.graph.group_index(target);
        let source = if g == NO_GROUP {
            self.state[target as usize]
        } else {
            self.group_state[g as usize]
        };
        contribution(source, edge)
    }

    fn recompute(&self, n: Node) -> u8 {
        if self.seed[n as usize] {
            return FULL;
        }
        let mut s = NONE;
        for e in self.graph.dependencies_of(n) {
            s = s.max(self.through(e.node, e.impact));
            if s == FULL {
                break;
            }
        }
        s
    }

    fn raise(&mut self, n: Node, to: u8) {
        let from = self.state[n as usize];
        if to <= from {
            return;
        }
        self.state[n as usize] = to;
        self.queue.push_back(n);
        let g = self.graph.group_index(n);
        if g == NO_GROUP {
            return;
        }
        let gi = g as usize;
        if to != FULL {
            // A degraded member is still up: the group does not notice.
            return;
        }
        self.group_down[gi] += 1;
        let group = &self.graph.groups[gi];
        let up = group.members.len() as u32 - self.group_down[gi];
        let gs = if up < group.min_up { FULL } else { NONE };
        if gs > self.group_state[gi] {
            self.group_state[gi] = gs;
            // Everything that depends on any member sees the group's new state.
            for &m in &group.members {
                if m != n {
                    self.queue.push_back(m);
                }
            }
        }
    }
}

/// Take `seeds` down and compute what follows.
pub fn propagate(graph: &DependencyGraph, seeds: &[Node]) -> Propagation {
    let n = graph.len();
    let mut walk = Walk {
        graph,
        state: vec![NONE; n],
        seed: vec![false; n],
        group_state: vec![NONE; graph.groups.len()],
        group_down: vec![0; graph.groups.len()],
        queue: VecDeque::new(),
    };
    let mut seeds: Vec<Node> = seeds.to_vec();
    seeds.sort_unstable();
    seeds.dedup();
    for &s in &seeds {
        walk.seed[s as usize] = true;
    }
    for &s in &seeds {
        walk.raise(s, FULL);
    }
    while let Some(y) = walk.queue.pop_front() {
        for e in graph.dependents_of(y) {
            let s = walk.recompute(e.node);
            walk.raise(e.node, s);
        }
    }
    explain(walk, seeds)
}

/// Breadth-first from the seeds over the edges that explain each state, so every impacted
/// node gets a shortest explanation; neighbours are visited in node order (sorted by
/// reference), which makes the choice among equally short paths deterministic.
fn explain(walk: Walk<'_>, seeds: Vec<Node>) -> Propagation {
    let graph = walk.graph;
    let n = graph.len();
    let mut parent = vec![NO_PARENT; n];
    let mut seen = vec![false; n];
    let mut group_done = vec![false; graph.groups.len()];
    let mut order = Vec::new();
    let mut queue = VecDeque::new();
    for &s in &seeds {
        seen[s as usize] = true;
        queue.push_back(s);
    }
    let mut dependents: Vec<(Node, Node, crate::model::Impact)> = Vec::new();
    while let Some(u) = queue.pop_front() {
        order.push(u);
        dependents.clear();
        let g = graph.group_index(u);
        if g == NO_GROUP {
            dependents.extend(graph.dependents_of(u).iter().map(|e| (e.node, u, e.impact)));
        } else if !group_done[g as usize] {
            group_done[g as usize] = true;
            for &m in &graph.groups[g as usize].members {
                dependents.extend(graph.dependents_of(m).iter().map(|e| (e.node, m, e.impact)));
            }
        }
        dependents.sort_unstable_by_key(|&(x, _, _)| x);
        for &(x, target, impact) in &dependents {
            let xi = x as usize;
            if seen[xi] || walk.state[xi] == NONE || walk.seed[xi] {
                continue;
            }
            if walk.through(target, impact) == walk.state[xi] {
                seen[xi] = true;
                parent[xi] = u;
                queue.push_back(x);
            }
        }
    }
    Propagation {
        state: walk.state,
        parent,
        order,
        seeds,
        group_down: walk.group_down,
    }
}
