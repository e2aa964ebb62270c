//! Sets of time: intervals merged so that no second counts twice, and summaries of durations.

use serde::Serialize;

/// Sorted, disjoint, non-empty `[start, end)` intervals in seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Spans(Vec<(i64, i64)>);

impl Spans {
    /// The union of `intervals` (empty ones are dropped).
    pub(crate) fn union(mut intervals: Vec<(i64, i64)>) -> Spans {
        intervals.retain(|(a, b)| a < b);
        // By start only: the merge needs no more, and intervals that come sorted by their
        // start (as incidents in the order they were detected do) are not sorted again.
        intervals.sort_unstable_by_key(|&(a, _)| a);
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(intervals.len());
        for (a, b) in intervals {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Spans(out)
    }

    /// Add `[a, b)` (nothing if empty). An interval that starts no earlier than the last one
    /// merges as it comes; one that starts earlier costs a new union.
    pub(crate) fn add(&mut self, (a, b): (i64, i64)) {
        if a >= b {
            return;
        }
        match self.0.last_mut() {
            Some(last) if a < last.0 => {
                let mut all = std::mem::take(&mut self.0);
                all.push((a, b));
                *self = Spans::union(all);
            }
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => self.0.push((a, b)),
        }
    }

    pub(crate) fn seconds(&self) -> i64 {
        self.0.iter().map(|(a, b)| b - a).sum()
    }

    /// The seconds of `self` outside `other`.
    pub(crate) fn seconds_outside(&self, other: &Spans) -> i64 {
        let mut total = 0;
        let mut j = 0;
        for &(a, b) in &self.0 {
            let mut at = a;
            while j < other.0.len() && other.0[j].1 <= at {
                j += 1;
            }
            let mut k = j;
            while at < b {
                match other.0.get(k) {
                    Some(&(c, d)) if c < b => {
                        if c > at {
                            total += c - at;
                        }
                        at = at.max(d);
                        k += 1;
                    }
                    _ => {
                        total += b - at;
                        at = b;
                    }
                }
            }
        }
        total
    }
}

/// Mean, median and 90th percentile of durations in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub(crate) struct Summary {
    pub count: usize,
    pub mean: i64,
    pub median: i64,
    pub p90: i64,
}

impl Summary {
    /// `None` for no values. The mean is rounded down to the second; the median of an even
    /// count is the mean of the two middle values (rounded down); the 90th percentile is the
    /// nearest rank (the smallest value with at least 90% of the values at or below it).
    pub(crate) fn of(mut values: Vec<i64>) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        let n = values.len();
        let sum: i128 = values.iter().map(|&v| i128::from(v)).sum();
        let mean = i64::try_from(sum.div_euclid(n as i128)).unwrap_or(i64::MAX);
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            let (a, b) = (i128::from(values[n / 2 - 1]), i128::from(values[n / 2]));
            i64::try_from((a + b).div_euclid(2)).unwrap_or(i64::MAX)
        };
        // Nearest rank: ceil(0.9 n), 1-based.
        let rank = (9 * n).div_ceil(10).max(1);
        Some(Summary {
            count: n,
            mean,
            median,
            p90: values[rank - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        let s = Spans::union(vec![(10, 20), (0, 5), (15, 30), (30, 40), (50, 50)]);
        assert_eq!(s, Spans(vec![(0, 5), (10, 40)]));
        assert_eq!(s.seconds(), 35);
    }

    #[test]
    fn intervals_added_one_by_one_merge_as_a_union_does() {
        let mut s = Spans::default();
        for span in [(0, 5), (3, 8), (8, 9), (12, 12), (20, 30)] {
            s.add(span);
        }
        assert_eq!(s, Spans(vec![(0, 9), (20, 30)]));
        // One that starts before the last: still merged, not appended out of order.
        s.add((1, 21));
        assert_eq!(s, Spans(vec![(0, 30)]));
        s.add((-10, -5));
        assert_eq!(s, Spans(vec![(-10, -5), (0, 30)]));
    }

    #[test]
    fn seconds_outside_leave_out_the_other_set() {
        let a = Spans::union(vec![(0, 100)]);
        let b = Spans::union(vec![(10, 20), (30, 40), (90, 200)]);
        assert_eq!(a.seconds_outside(&b), 10 + 10 + 50);
        assert_eq!(b.seconds_outside(&a), 100);
        assert_eq!(a.seconds_outside(&Spans::default()), 100);
    }

    #[test]
    fn a_summary_states_its_arithmetic() {
        // 1, 2, 3, 4 hours: mean 2.5 h, median (2 + 3) / 2 = 2.5 h, p90 rank ceil(3.6) = 4.
        let s = Summary::of(vec![3600, 7200, 10800, 14400]).unwrap();
        assert_eq!((s.count, s.mean, s.median, s.p90), (4, 9000, 9000, 14400));
        let s = Summary::of(vec![5, 1, 3]).unwrap();
        assert_eq!((s.mean, s.median, s.p90), (3, 3, 5));
        // Ten values: rank 9.
        let s = Summary::of((1..=10).collect()).unwrap();
        assert_eq!(s.p90, 9);
        assert_eq!(Summary::of(vec![]), None);
    }

    fn seconds_by_brute_force(intervals: &[(i64, i64)]) -> std::collections::BTreeSet<i64> {
        intervals.iter().flat_map(|&(a, b)| a..b).collect()
    }

    proptest! {
        #[test]
        fn merging_never_counts_a_second_twice(
            a in prop::collection::vec((0i64..200, 0i64..40), 0..12),
            b in prop::collection::vec((0i64..200, 0i64..40), 0..12),
        ) {
            let a: Vec<(i64, i64)> = a.into_iter().map(|(s, l)| (s, s + l)).collect();
            let b: Vec<(i64, i64)> = b.into_iter().map(|(s, l)| (s, s + l)).collect();
            let (sa, sb) = (seconds_by_brute_force(&a), seconds_by_brute_force(&b));
            let (ua, ub) = (Spans::union(a), Spans::union(b));
            prop_assert_eq!(ua.seconds() as usize, sa.len());
            prop_assert_eq!(ua.seconds_outside(&ub) as usize, sa.difference(&sb).count());
        }

        #[test]
        fn adding_in_any_order_is_the_union(
            a in prop::collection::vec((0i64..200, 0i64..40), 0..16),
            sorted in any::<bool>(),
        ) {
            let mut a: Vec<(i64, i64)> = a.into_iter().map(|(s, l)| (s, s + l)).collect();
            if sorted {
                a.sort_by_key(|&(s, _)| s);
            }
            let mut added = Spans::default();
            for &span in &a {
                added.add(span);
            }
            prop_assert_eq!(added, Spans::union(a));
        }
    }
}
