//! How an outage spreads: from the records taken down, along reverse dependency edges.
//!
//! Rules: a hard (`full`) edge passes on what it receives; a soft (`partial`) edge turns an
//! outage into a degradation; a dependency on a member of a redundancy group sees the state
//! of the group, which is down when fewer than `minUp` members are up (not down), degraded
//! when enough are up but fewer than `minUp` are healthy (not impacted at all), and otherwise
//! unaffected: that is what the redundancy is for (the report still says how many are up and
//! healthy). A member's dependency on another member of its own group sees the group too, so
//! a member can keep up the group it depends on. The result is the least assignment of states
//! that satisfies the rules (states only rise none → partial → full, so it exists on any
//! graph, cycles included).
//!
//! An explanation (`via`) is a shortest chain of steps from a seed, each passing on the state
//! it explains: along an edge, or from a member of a group to what depends on any member of
//! it, when the member is impacted as much as the group (a degraded member is up: it does not
//! explain a group that is down). So a step can go from one member to what depends on another.
//!
//! Since a degradation never takes anything down, two linear passes suffice: first what
//! goes down (hard edges from what is down, and groups that lose too many members), then one
//! breadth-first walk from the seeds that degrades what is not down and gives every
//! impacted node a shortest explanation. A group degraded by members that walk reaches one
//! after the other may be found degraded only after the walk went past its nearest member;
//! then the walk is done once more, with every group's state known from the start (about
//! as long again). On a million records and three million edges an impact touching
//! everything takes about 155 ms (see BENCHMARKS.md).

use crate::graph::{DependencyGraph, Node, SOFT};
use crate::model::Impact;

const NONE: u8 = 0;
const PARTIAL: u8 = 1;
const FULL: u8 = 2;
/// The state bits of a node's byte; the next bit says the explanation has reached it, and
/// the one after that the node is in a redundancy group (copied from the graph, so that a
/// walk reads one byte per node it looks at).
const STATE: u8 = 3;
const SEEN: u8 = 4;
const GROUPED: u8 = 8;

/// The result of one propagation: the state of every node and, for each impacted node, the
/// previous node on a shortest explanation from a seed.
#[derive(Debug, PartialEq, Eq)]
pub struct Propagation {
    state: Vec<u8>,
    parent: Vec<Node>,
    /// Impacted nodes in the order the explanation reached them (seeds first).
    order: Vec<Node>,
    seeds: Vec<Node>,
    /// Members down, per redundancy group.
    group_down: Vec<u32>,
    /// Members impacted (down or degraded), per redundancy group.
    group_impacted: Vec<u32>,
    /// The state of each redundancy group: what a dependency on one of its members sees.
    group_state: Vec<u8>,
    /// How many explanation walks it took (1, or 2 when a group was degraded late).
    #[cfg(test)]
    walks: u8,
}

const NO_PARENT: Node = Node::MAX;

impl Propagation {
    /// How `n` is impacted, if it is.
    pub fn impact(&self, n: Node) -> Option<Impact> {
        match self.state[n as usize] & STATE {
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

    /// How many members of redundancy group `g` are impacted (down or degraded).
    pub fn group_impacted(&self, g: usize) -> u32 {
        self.group_impacted[g]
    }

    #[cfg(test)]
    pub(crate) fn walks(&self) -> u8 {
        self.walks
    }

    /// How redundancy group `g` is impacted, if it is: down when fewer than `minUp` members
    /// are up, degraded when fewer than `minUp` are healthy.
    pub fn group_impact(&self, g: usize) -> Option<Impact> {
        match self.group_state[g] {
            FULL => Some(Impact::Full),
            PARTIAL => Some(Impact::Partial),
            _ => None,
        }
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

/// What a source in state `source` passes on along a packed edge (`SOFT` set for partial).
fn contribution(source: u8, edge: u32) -> u8 {
    match (source, edge & SOFT == 0) {
        (FULL, true) => FULL,
        (FULL, false) | (PARTIAL, _) => PARTIAL,
        _ => NONE,
    }
}

/// How the walks expand a level: from each node of the level to what depends on it
/// (`Push`), or from each node not reached yet to what it depends on (`Pull`). Both give the
/// same result; `Auto` pushes small levels and pulls large ones.
///
/// Pulling is the direction-optimising breadth-first search of Beamer, Asanović and
/// Patterson (2012): when a level is larger than half of what is left, scanning what is left
/// in node order (its dependencies are stored together) and testing a bitmap of the level,
/// which stays in cache, reads memory front to back where pushing reads it at random.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Auto,
    #[cfg(test)]
    Push,
    #[cfg(test)]
    Pull,
    /// Level `k` pulls when bit `k % 64` is set (to test any mix of the two).
    #[cfg(test)]
    Mixed(u64),
}

impl Direction {
    /// Whether to pull a level of `level` nodes when `left` nodes are not reached yet.
    fn pulls(self, level: usize, left: usize, depth: usize) -> bool {
        // `depth` only chooses in tests.
        let _ = depth;
        match self {
            Direction::Auto => level * 2 > left,
            #[cfg(test)]
            Direction::Push => false,
            #[cfg(test)]
            Direction::Pull => true,
            #[cfg(test)]
            Direction::Mixed(bits) => bits >> (depth % 64) & 1 != 0,
        }
    }
}

/// Take `seeds` down and compute what follows.
pub fn propagate(graph: &DependencyGraph, seeds: &[Node]) -> Propagation {
    propagate_with(graph, seeds, Direction::Auto)
}

pub(crate) fn propagate_with(
    graph: &DependencyGraph,
    seeds: &[Node],
    direction: Direction,
) -> Propagation {
    let n = graph.len();
    let mut seeds: Vec<Node> = seeds.to_vec();
    seeds.sort_unstable();
    seeds.dedup();
    let state: Vec<u8> = graph
        .grouped()
        .iter()
        .map(|&g| if g { GROUPED } else { NONE })
        .collect();
    debug_assert_eq!(state.len(), n);
    let groups = graph.groups.len();
    let mut walk = Walk {
        graph,
        direction,
        state,
        group_down: vec![0u32; groups],
        group_impacted: vec![0u32; groups],
        group_state: vec![NONE; groups],
        degraded_late: false,
        #[cfg(test)]
        walks: 0,
        bits: Bits::default(),
    };
    walk.down(&seeds);
    let (parent, order) = walk.explain(&seeds);
    Propagation {
        state: walk.state,
        parent,
        order,
        seeds,
        group_down: walk.group_down,
        group_impacted: walk.group_impacted,
        group_state: walk.group_state,
        #[cfg(test)]
        walks: walk.walks,
    }
}

/// One bit per node.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn with(&mut self, n: usize) -> &mut Self {
        if self.0.is_empty() {
            self.0.resize(n.div_ceil(64), 0);
        }
        self
    }

    fn set(&mut self, x: Node) {
        self.0[x as usize / 64] |= 1 << (x % 64);
    }

    fn has(&self, x: Node) -> bool {
        self.0[x as usize / 64] >> (x % 64) & 1 != 0
    }

    /// Clear the bits of `xs` (cheaper than clearing all when `xs` is small).
    fn unset_all(&mut self, xs: &[Node]) {
        for &x in xs {
            self.0[x as usize / 64] = 0;
        }
    }
}

/// The state of one propagation while it runs.
struct Walk<'g> {
    graph: &'g DependencyGraph,
    direction: Direction,
    state: Vec<u8>,
    group_down: Vec<u32>,
    /// Members the explanation has reached so far, per group (all of them are impacted).
    group_impacted: Vec<u32>,
    /// Per group: `FULL` once `down` finds it down, `PARTIAL` once the explanation has
    /// reached enough impacted members (see `count_member`).
    group_state: Vec<u8>,
    /// A group was found degraded after the explanation walk had passed one of its members
    /// (see `explain`).
    degraded_late: bool,
    #[cfg(test)]
    walks: u8,
    /// Scratch space for `ascending`.
    bits: Bits,
}

impl Walk<'_> {
    /// Take `x` down. Returns false if it already was. The nodes whose dependents must be
    /// looked at next go to `next`: `x`, or, for a member of a redundancy group, the whole
    /// group when this member takes it down (its dependents see the group).
    fn take_down(&mut self, x: Node, next: &mut Vec<Node>) -> bool {
        let b = &mut self.state[x as usize];
        if *b & STATE == FULL {
            return false;
        }
        *b |= FULL;
        if *b & GROUPED == 0 {
            next.push(x);
            return true;
        }
        let gi = self.graph.group_index(x) as usize;
        self.group_down[gi] += 1;
        if self.group_down[gi] >= self.graph.fails_at(gi) && self.group_state[gi] != FULL {
            self.group_state[gi] = FULL;
            next.extend_from_slice(&self.graph.groups[gi].members);
        }
        true
    }

    /// The explanation reached a member of group `g`: count it, and degrade the group when
    /// fewer than `minUp` members are left healthy (the count that takes a group down, of
    /// members impacted rather than down). Returns the group's state.
    fn count_member(&mut self, g: usize) -> u8 {
        self.group_impacted[g] += 1;
        if self.group_state[g] == NONE && self.group_impacted[g] >= self.graph.fails_at(g) {
            self.group_state[g] = PARTIAL;
            // The first member reached explains the group; if that was an earlier one, the
            // walk went past it before the group was degraded.
            self.degraded_late |= self.group_impacted[g] > 1;
        }
        self.group_state[g]
    }

    /// What goes down: the seeds, then whatever depends through a hard edge on something
    /// down, that is on a node outside any group, or on any member of a group that has fewer
    /// than `minUp` members up. Level by level (each level in node order, see `ascending`).
    fn down(&mut self, seeds: &[Node]) {
        let graph = self.graph;
        let n = graph.len();
        let mut level: Vec<Node> = Vec::new();
        let mut next: Vec<Node> = Vec::new();
        let mut reached = 0usize;
        for &s in seeds {
            reached += usize::from(self.take_down(s, &mut level));
        }
        // For pulling: the nodes not down yet, in node order, and the level as a bitmap.
        let mut left: Option<Vec<Node>> = None;
        let mut frontier = Bits::default();
        let mut depth = 0;
        while !level.is_empty() {
            if self.direction.pulls(level.len(), n - reached, depth) {
                frontier.with(n);
                for &y in &level {
                    frontier.set(y);
                }
                let left = left.get_or_insert_with(|| {
                    (0..n as Node)
                        .filter(|&x| self.state[x as usize] & STATE != FULL)
                        .collect()
                });
                let mut keep = 0;
                for i in 0..left.len() {
                    let x = left[i];
                    if self.state[x as usize] & STATE == FULL {
                        continue;
                    }
                    let hit = graph
                        .dependencies_packed(x)
                        .iter()
                        .any(|&d| d & SOFT == 0 && frontier.has(d));
                    if hit && self.take_down(x, &mut next) {
                        reached += 1;
                        continue;
                    }
                    left[keep] = x;
                    keep += 1;
                }
                left.truncate(keep);
                frontier.unset_all(&level);
            } else {
                ascending(&mut level, &mut self.bits, n);
                for &y in &level {
                    for &d in graph.dependents_packed(y) {
                        if d & SOFT == 0 {
                            reached += usize::from(self.take_down(d, &mut next));
                        }
                    }
                }
            }
            std::mem::swap(&mut level, &mut next);
            next.clear();
            depth += 1;
        }
    }

    /// Breadth-first from the seeds over the edges that explain each state, so every impacted
    /// node gets a shortest explanation. The walk goes level by level, each level in node
    /// order (sorted by reference), and a node's explanation continues the first node of the
    /// previous level that explains it: the choice among equally short paths is
    /// deterministic.
    ///
    /// The same walk finds what is degraded: a node that is not down is degraded exactly when
    /// it depends on something impacted along an edge that passes on a degradation (any edge
    /// from something degraded, a soft edge from something down), and the first such edge
    /// reached is its explanation. Returns the parents and the impacted nodes in walk order.
    ///
    /// What depends on a member of a group sees the group, and the first member reached that
    /// is impacted as much as the group explains it. Whether a group is down is known before
    /// the walk; whether it is degraded only once the walk has reached enough impacted
    /// members. When that was after the walk had gone past the first of them, the walk is
    /// done again with the states of the groups known from the start: the same nodes are
    /// reached, by shorter explanations.
    fn explain(&mut self, seeds: &[Node]) -> (Vec<Node>, Vec<Node>) {
        let (parent, order) = self.explain_once(seeds);
        if !self.degraded_late {
            return (parent, order);
        }
        drop(parent);
        for &x in &order {
            self.state[x as usize] &= !SEEN;
        }
        drop(order);
        self.group_impacted.fill(0);
        self.degraded_late = false;
        self.explain_once(seeds)
    }

    /// One breadth-first walk of `explain`.
    fn explain_once(&mut self, seeds: &[Node]) -> (Vec<Node>, Vec<Node>) {
        #[cfg(test)]
        {
            self.walks += 1;
        }
        let graph = self.graph;
        let n = graph.len();
        let groups = graph.groups.len();
        let mut parent = vec![NO_PARENT; n];
        let mut group_done = vec![false; groups];
        // Everything reached is impacted: the seeds, then one level after the other. (Room
        // for all: growing a large vector copies it each time; the unused room is given back
        // at the end.)
        let mut order: Vec<Node> = Vec::with_capacity(n);
        for &s in seeds {
            self.state[s as usize] |= SEEN;
            order.push(s);
        }
        let mut dependents: Vec<u32> = Vec::new();
        // For pulling: the nodes not reached yet, in node order; the level's nodes outside
        // any group, down and degraded, as bitmaps; per group, the member that explains it
        // in this level.
        let mut left: Option<Vec<Node>> = None;
        let mut down = Bits::default();
        let mut degraded = Bits::default();
        let mut explainer = vec![NO_PARENT; groups];
        let mut claimed: Vec<Node> = Vec::new();
        let mut start = 0;
        let mut depth = 0;
        while start < order.len() {
            let end = order.len();
            depth += 1;
            if !self.direction.pulls(end - start, n - end, depth) {
                self.push_level(
                    &mut order,
                    start..end,
                    &mut parent,
                    &mut group_done,
                    &mut dependents,
                );
                ascending(&mut order[end..], &mut self.bits, n);
                start = end;
                continue;
            }
            down.with(n);
            degraded.with(n);
            let mut explaining: Vec<usize> = Vec::new();
            for &u in &order[start..end] {
                let b = self.state[u as usize];
                if b & GROUPED == 0 {
                    if b & STATE == FULL {
                        down.set(u);
                    } else {
                        degraded.set(u);
                    }
                    continue;
                }
                let g = graph.group_index(u) as usize;
                let group = self.count_member(g);
                if group != NONE && b & STATE >= group && !group_done[g] {
                    group_done[g] = true;
                    explainer[g] = u;
                    explaining.push(g);
                }
            }
            let left = left.get_or_insert_with(|| {
                (0..n as Node)
                    .filter(|&x| self.state[x as usize] & SEEN == 0)
                    .collect()
            });
            let mut keep = 0;
            for i in 0..left.len() {
                let x = left[i];
                let b = self.state[x as usize];
                if b & SEEN != 0 {
                    continue;
                }
                let is_down = b & STATE == FULL;
                // The first node of the level (in node order) with an edge that explains `x`.
                let mut best = NO_PARENT;
                for &d in graph.dependencies_packed(x) {
                    let u = d & !SOFT;
                    let (by, own) = if graph.is_grouped(u) {
                        let g = graph.group_index(u) as usize;
                        match explainer[g] {
                            NO_PARENT => continue,
                            m => (m, self.group_state[g]),
                        }
                    } else if down.has(u) {
                        (u, FULL)
                    } else if degraded.has(u) {
                        (u, PARTIAL)
                    } else {
                        continue;
                    };
                    let c = contribution(own, d);
                    if by < best && c != NONE && is_down == (c == FULL) {
                        best = by;
                    }
                }
                if best == NO_PARENT {
                    left[keep] = x;
                    keep += 1;
                    continue;
                }
                self.state[x as usize] |= if is_down { FULL } else { PARTIAL } | SEEN;
                parent[x as usize] = best;
                claimed.push(x);
            }
            left.truncate(keep);
            down.unset_all(&order[start..end]);
            degraded.unset_all(&order[start..end]);
            for g in explaining {
                explainer[g] = NO_PARENT;
            }
            // Scanned in node order: the new level is sorted already.
            order.append(&mut claimed);
            start = end;
        }
        order.shrink_to_fit();
        (parent, order)
    }

    /// Expand the level `order[range]` by pushing: each node claims the dependents it
    /// explains, which are appended to `order`.
    fn push_level(
        &mut self,
        order: &mut Vec<Node>,
        range: std::ops::Range<usize>,
        parent: &mut [Node],
        group_done: &mut [bool],
        dependents: &mut Vec<u32>,
    ) {
        let graph = self.graph;
        for i in range {
            let u = order[i];
            let own = self.state[u as usize] & STATE;
            // What passes along the edges: `u`'s state, or for a member, its group's.
            let (source, edges) = if self.state[u as usize] & GROUPED == 0 {
                // The dependents of one node are stored in node order.
                (own, graph.dependents_packed(u))
            } else {
                let g = graph.group_index(u) as usize;
                let group = self.count_member(g);
                if group == NONE || own < group || group_done[g] {
                    // Nothing passes through a group that is unaffected, and a degraded
                    // member is still up: it does not explain a group that is down.
                    continue;
                }
                // What depends on a member sees the group: the first member reached that is
                // impacted as much as the group explains it for all of them.
                group_done[g] = true;
                dependents.clear();
                for &m in &graph.groups[g].members {
                    dependents.extend_from_slice(graph.dependents_packed(m));
                }
                dependents.sort_unstable_by_key(|&d| d & !SOFT);
                (group, &dependents[..])
            };
            for &d in edges {
                let x = d & !SOFT;
                let b = &mut self.state[x as usize];
                if *b & SEEN != 0 {
                    continue;
                }
                let c = contribution(source, d);
                // A node down is explained by what passes on an outage; one that is not
                // down is degraded by what passes on a degradation.
                if c != NONE && (*b & STATE == FULL) == (c == FULL) {
                    *b |= c | SEEN;
                    parent[x as usize] = u;
                    order.push(x);
                }
            }
        }
    }
}

/// Sort one level of a walk (distinct nodes): a walk that takes its nodes in node order reads
/// the adjacency arrays front to back instead of at random, which on a large graph is most of
/// its cost. A small level is sorted; a large one goes through a bitmap of all nodes.
fn ascending(level: &mut [Node], bits: &mut Bits, n: usize) {
    if level.len() * 1024 < n {
        level.sort_unstable();
        return;
    }
    let bits = bits.with(n);
    for &x in level.iter() {
        bits.set(x);
    }
    let mut k = 0;
    for (w, word) in bits.0.iter_mut().enumerate() {
        let mut b = std::mem::take(word);
        while b != 0 {
            level[k] = (w * 64) as Node + b.trailing_zeros();
            k += 1;
            b &= b - 1;
        }
    }
    debug_assert_eq!(k, level.len(), "a level holds distinct nodes");
}
