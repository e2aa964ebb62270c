//! Which open changes conflict, for the "conflicts with" column of change rows.

use crate::graph::Node;
use crate::model::{Record, Spec};
use crate::policy::window::overlap;
use jiff::Timestamp;
use std::collections::HashMap;

/// Conflicts between open changes, as `schedule::conflicts` defines them (windows overlap
/// and the records they touch meet), from the touched sets already computed in parallel:
/// a sweep over windows sorted by start, so only overlapping pairs are compared.
pub(super) fn conflicts(
    changes: &[&Record],
    touched: &[Vec<(Node, &'static str)>],
) -> HashMap<String, Vec<String>> {
    let mut open: Vec<(Timestamp, Timestamp, &str, Vec<Node>)> = changes
        .iter()
        .zip(touched)
        .filter_map(|(r, t)| match &r.spec {
            Spec::Change(c) if !c.status.is_closed() => {
                let mut nodes: Vec<Node> = t.iter().map(|x| x.0).collect();
                nodes.sort_unstable();
                nodes.dedup();
                Some((c.window.start, c.window.end, r.id(), nodes))
            }
            _ => None,
        })
        .collect();
    open.sort_by(|a, b| (a.0, a.2).cmp(&(b.0, b.2)));
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (i, a) in open.iter().enumerate() {
        for b in open[i + 1..].iter().take_while(|b| b.0 < a.1) {
            if overlap((a.0, a.1), (b.0, b.1)) && meet(&a.3, &b.3) {
                out.entry(a.2.to_string())
                    .or_default()
                    .push(b.2.to_string());
                out.entry(b.2.to_string())
                    .or_default()
                    .push(a.2.to_string());
            }
        }
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    out
}

/// Two sorted lists share an element.
fn meet(a: &[Node], b: &[Node]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::facts::Facts;
    use crate::schedule;
    use std::collections::HashMap;

    #[test]
    fn conflicts_agree_with_the_schedule() {
        let change = |id: &str, affects: &str, start: &str, end: &str, status: &str| {
            format!(
                "---\napiVersion: cabinet/v1\nkind: Change\nmetadata: {{id: {id}}}\nspec: {{type: normal, requester: octocat, reason: r, affects: [{affects}], window: {{start: \"{start}\", end: \"{end}\"}}, risk: low, plan: p, backout: b, status: {status}}}\n"
            )
        };
        let mut yaml = String::from(
            "---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: db}\nspec: {type: database, owner: t, environment: production, lifecycle: live}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: app}\nspec: {type: application, owner: t, environment: production, lifecycle: live, dependsOn: [ci:db]}\n---\napiVersion: cabinet/v1\nkind: ConfigurationItem\nmetadata: {id: other}\nspec: {type: server, owner: t, environment: production, lifecycle: live}\n",
        );
        // A and B overlap and meet at app (B's impact); C overlaps both but touches other
        // records; D meets A but is cancelled; E meets A but later.
        yaml += &change(
            "A",
            "ci:db",
            "2026-12-01T22:00:00Z",
            "2026-12-02T01:00:00Z",
            "requested",
        );
        yaml += &change(
            "B",
            "ci:app",
            "2026-12-02T00:00:00Z",
            "2026-12-02T02:00:00Z",
            "approved",
        );
        yaml += &change(
            "C",
            "ci:other",
            "2026-12-01T21:00:00Z",
            "2026-12-02T03:00:00Z",
            "approved",
        );
        yaml += &change(
            "D",
            "ci:db",
            "2026-12-01T22:00:00Z",
            "2026-12-02T01:00:00Z",
            "cancelled",
        );
        yaml += &change(
            "E",
            "ci:db",
            "2026-12-02T01:00:00Z",
            "2026-12-02T02:00:00Z",
            "scheduled",
        );
        crate::site::tests::with_site(&yaml, |input, _| {
            let f = Facts::gather(input);
            let mut want: HashMap<String, Vec<String>> = HashMap::new();
            for c in schedule::conflicts(input.records, &f.graph) {
                want.entry(c.changes.0.clone())
                    .or_default()
                    .push(c.changes.1.clone());
                want.entry(c.changes.1).or_default().push(c.changes.0);
            }
            for list in want.values_mut() {
                list.sort();
            }
            assert_eq!(want.len(), 3, "{want:?}");
            assert_eq!(f.conflicts, want);
        });
    }
}
