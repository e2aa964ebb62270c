//! When two windows overlap and when two changes conflict: the one statement of both rules,
//! which the gate (`policy`), the calendar (`schedule`) and the site call.
//!
//! Two changes conflict when both are open, their windows overlap, and the records they touch
//! meet. What a change touches is what it names in `affects` and what that takes down or
//! degrades; each caller computes it once in the form it already holds (record references,
//! or graph nodes on the site), and this module only compares. Which changes count as open is
//! the caller's to say: the gate also judges a change that its own pull request closes.

use crate::impact::ImpactSet;
use crate::model::RecordRef;
use jiff::Timestamp;

/// Two windows `[start, end)` share an instant (a window that ends as another starts does not
/// overlap it).
pub(crate) fn overlap(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The records a change touches: those it names in `affects`, and those `impact` (the impact
/// of taking them down) says go down or degrade.
pub(crate) fn touched(affects: &[RecordRef], impact: &ImpactSet) -> Vec<RecordRef> {
    impact
        .impacted
        .iter()
        .map(|i| i.reference.clone())
        .chain(affects.iter().cloned())
        .collect()
}

/// A change as the conflict rule sees it: its id, its window, whether it is open, and what it
/// touches (kept sorted, without repeats).
#[derive(Clone, Debug)]
pub(crate) struct Change<'a, T> {
    pub id: &'a str,
    pub window: (Timestamp, Timestamp),
    pub open: bool,
    touches: Vec<T>,
}

impl<'a, T: Ord> Change<'a, T> {
    pub(crate) fn new(
        id: &'a str,
        window: (Timestamp, Timestamp),
        open: bool,
        touches: impl IntoIterator<Item = T>,
    ) -> Self {
        let mut touches: Vec<T> = touches.into_iter().collect();
        touches.sort_unstable();
        touches.dedup();
        Change {
            id,
            window,
            open,
            touches,
        }
    }

    /// What the change touches, in order.
    #[cfg(test)]
    pub(crate) fn touches(&self) -> &[T] {
        &self.touches
    }
}

/// What `a` and `b` both touch, in order, when they conflict; `None` when they do not (a
/// change never conflicts with itself).
pub(crate) fn between<'c, T: Ord>(a: &'c Change<'_, T>, b: &Change<'_, T>) -> Option<Vec<&'c T>> {
    if a.id == b.id || !a.open || !b.open || !overlap(a.window, b.window) {
        return None;
    }
    let shared = common(&a.touches, &b.touches);
    (!shared.is_empty()).then_some(shared)
}

/// One conflicting pair of `among`'s input: indices into it, the smaller id first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConflictingPair<'c, T> {
    pub first: usize,
    pub second: usize,
    pub shared: Vec<&'c T>,
}

/// Every pair of `changes` that conflict, ordered by the ids of the pair. A sweep over the
/// open changes sorted by start: only changes whose windows overlap are compared.
pub(crate) fn among<'c, T: Ord>(changes: &'c [Change<'_, T>]) -> Vec<ConflictingPair<'c, T>> {
    let mut open: Vec<usize> = (0..changes.len()).filter(|&i| changes[i].open).collect();
    open.sort_by(|&a, &b| {
        (changes[a].window.0, changes[a].id).cmp(&(changes[b].window.0, changes[b].id))
    });
    let mut out = Vec::new();
    for (k, &i) in open.iter().enumerate() {
        let a = &changes[i];
        // Sorted by start: past the first change that starts when `a` has ended, none overlap.
        for &j in open[k + 1..]
            .iter()
            .take_while(|&&j| changes[j].window.0 < a.window.1)
        {
            let b = &changes[j];
            if let Some(shared) = between(a, b) {
                let (first, second) = if a.id <= b.id { (i, j) } else { (j, i) };
                out.push(ConflictingPair {
                    first,
                    second,
                    shared,
                });
            }
        }
    }
    out.sort_by(|x, y| {
        (changes[x.first].id, changes[x.second].id, x.first, x.second).cmp(&(
            changes[y.first].id,
            changes[y.second].id,
            y.first,
            y.second,
        ))
    });
    out
}

/// The elements two sorted lists share, in order.
fn common<'c, T: Ord>(a: &'c [T], b: &[T]) -> Vec<&'c T> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(&a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
