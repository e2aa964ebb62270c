//! The semantic difference between two revisions: records added, removed or edited, compared
//! by what they say (typed values), not by their text. Reformatting, comments, key order and
//! moving a record to another file change nothing.

use crate::model::{Record, RecordRef, RecordSet};
use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Added,
    Removed,
    Modified,
}

/// One field that differs: `spec.tier: 2 → 1`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct FieldChange {
    /// Dotted path (`spec.dependsOn[1].impact`).
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl FieldChange {
    /// `spec.tier: 2 → 1`, with long text abbreviated.
    pub(crate) fn describe(&self) -> String {
        let show = |v: &Option<Value>| match v {
            None => "(absent)".to_string(),
            Some(Value::String(s)) if s.contains('\n') || s.chars().count() > 60 => {
                "(text)".to_string()
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                let t = other.to_string();
                if t.chars().count() > 60 {
                    "(...)".to_string()
                } else {
                    t
                }
            }
        };
        format!(
            "{}: {} → {}",
            self.path,
            show(&self.before),
            show(&self.after)
        )
    }
}

/// A record that differs between base and head.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct RecordDiff {
    #[serde(rename = "ref")]
    pub reference: RecordRef,
    pub status: Status,
    /// Where the record is (at head; at base for a removed one).
    pub file: String,
    /// For edits: every field that differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

impl RecordDiff {
    /// Only the description, links, labels or display name changed: nothing that runs.
    pub(crate) fn is_cosmetic(&self) -> bool {
        self.status == Status::Modified
            && self.fields.iter().all(|f| {
                [
                    "metadata.description",
                    "metadata.links",
                    "metadata.labels",
                    "metadata.name",
                ]
                .iter()
                .any(|p| {
                    f.path == *p
                        || f.path.starts_with(&format!("{p}."))
                        || f.path.starts_with(&format!("{p}["))
                })
            })
    }
}

/// Compare two record sets. Sorted by reference.
///
/// When a kind and id is written twice, the first record (in file order) is the one compared,
/// as everywhere else.
pub(crate) fn diff(base: &RecordSet, head: &RecordSet) -> Vec<RecordDiff> {
    let mut out = Vec::new();
    for rec in first_of_each(head) {
        match base.get_id(rec.kind(), rec.id()) {
            None => out.push(RecordDiff {
                file: rec.origin.file.clone(),
                reference: rec.reference(),
                status: Status::Added,
                fields: Vec::new(),
            }),
            // Most records of a pull request are untouched: the same shared record (a file
            // read once for both revisions), or equal typed values, say so without turning
            // both into JSON.
            Some(old)
                if std::ptr::eq(old, rec)
                    || (old.metadata == rec.metadata && old.spec == rec.spec) => {}
            Some(old) => {
                let mut fields = Vec::new();
                compare("", &old.to_value(), &rec.to_value(), &mut fields);
                if !fields.is_empty() {
                    out.push(RecordDiff {
                        file: rec.origin.file.clone(),
                        reference: rec.reference(),
                        status: Status::Modified,
                        fields,
                    });
                }
            }
        }
    }
    for rec in first_of_each(base) {
        if head.get_id(rec.kind(), rec.id()).is_none() {
            out.push(RecordDiff {
                file: rec.origin.file.clone(),
                reference: rec.reference(),
                status: Status::Removed,
                fields: Vec::new(),
            });
        }
    }
    out.sort_by(|x, y| x.reference.cmp(&y.reference));
    out
}

/// The records a lookup by reference finds: the first of each kind and id.
fn first_of_each(set: &RecordSet) -> impl Iterator<Item = &Record> {
    set.iter().filter(|r| set.is_first(r))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn compare(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => compare(&join(path, k), p, q, out),
                    (p, q) => out.push(FieldChange {
                        path: join(path, k),
                        before: p.cloned(),
                        after: q.cloned(),
                    }),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            // Lists in records are sets in meaning (dependencies, members, rules): a new order
            // is no change. What is left after matching equal items is reported per item; an
            // item removed and one added at the same position are compared field by field.
            let mut unmatched_y: Vec<Option<&Value>> = y.iter().map(Some).collect();
            let mut removed = Vec::new();
            for (i, item) in x.iter().enumerate() {
                match unmatched_y.iter().position(|c| *c == Some(item)) {
                    Some(j) => unmatched_y[j] = None,
                    None => removed.push((i, item)),
                }
            }
            let mut added: Vec<(usize, &Value)> = unmatched_y
                .iter()
                .enumerate()
                .filter_map(|(j, c)| c.map(|v| (j, v)))
                .collect();
            for (i, item) in removed {
                if let Some(k) = added.iter().position(|(j, _)| *j == i) {
                    let (_, other) = added.remove(k);
                    compare(&format!("{path}[{i}]"), item, other, out);
                } else {
                    out.push(FieldChange {
                        path: format!("{path}[{i}]"),
                        before: Some(item.clone()),
                        after: None,
                    });
                }
            }
            for (j, item) in added {
                out.push(FieldChange {
                    path: format!("{path}[{j}]"),
                    before: None,
                    after: Some(item.clone()),
                });
            }
        }
        _ => out.push(FieldChange {
            path: path.to_string(),
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> RecordSet {
        crate::load::valid_records(files.iter().copied())
    }

    const SVC: &str = "apiVersion: cabinet/v1\nkind: Service\nmetadata: {id: pay}\nspec: {owner: t, tier: 2, lifecycle: planned, dependsOn: [ci:db]}\n";

    #[test]
    fn reformatting_and_moving_a_record_change_nothing() {
        let moved = "# moved and reformatted\napiVersion: cabinet/v1\nkind: Service\nmetadata:\n  id: pay\nspec:\n  lifecycle: planned\n  dependsOn:\n    - ci:db\n  tier: 2\n  owner: t\n";
        assert!(diff(&set(&[("a.yaml", SVC)]), &set(&[("b/c.yaml", moved)])).is_empty());
    }

    #[test]
    fn an_edit_is_reported_field_by_field() {
        let edited = SVC
            .replace("tier: 2", "tier: 1")
            .replace("[ci:db]", "[ci:db, ci:cache]");
        let d = diff(&set(&[("a.yaml", SVC)]), &set(&[("a.yaml", &edited)]));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].status, Status::Modified);
        let lines: Vec<String> = d[0].fields.iter().map(FieldChange::describe).collect();
        assert_eq!(
            lines,
            vec!["spec.dependsOn[1]: (absent) → ci:cache", "spec.tier: 2 → 1"]
        );
    }

    #[test]
    fn a_reordered_list_is_no_change_and_an_edited_item_is_compared_inside() {
        let reordered = SVC.replace("[ci:db]", "[ci:db, {ref: ci:cache, impact: partial}]");
        let base = set(&[("a.yaml", &reordered)]);
        let swapped = SVC.replace("[ci:db]", "[{ref: ci:cache, impact: partial}, ci:db]");
        assert!(diff(&base, &set(&[("a.yaml", &swapped)])).is_empty());
        let hardened = SVC.replace("[ci:db]", "[ci:db, {ref: ci:cache, impact: full}]");
        let d = diff(&base, &set(&[("a.yaml", &hardened)]));
        let lines: Vec<String> = d[0].fields.iter().map(FieldChange::describe).collect();
        assert_eq!(lines, vec!["spec.dependsOn[1].impact: partial → full"]);
    }

    #[test]
    fn a_renamed_record_is_a_removal_and_an_addition() {
        let renamed = SVC.replace("id: pay", "id: payments");
        let d = diff(&set(&[("a.yaml", SVC)]), &set(&[("a.yaml", &renamed)]));
        let got: Vec<(String, Status)> = d
            .iter()
            .map(|x| (x.reference.to_string(), x.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("service:pay".into(), Status::Removed),
                ("service:payments".into(), Status::Added)
            ]
        );
    }

    #[test]
    fn a_description_edit_is_cosmetic() {
        let described = SVC.replace(
            "metadata: {id: pay}",
            "metadata: {id: pay, description: Takes payments.}",
        );
        let d = diff(&set(&[("a.yaml", SVC)]), &set(&[("a.yaml", &described)]));
        assert!(d[0].is_cosmetic());
    }
}
