//! Redundancy groups: members agree on `minUp`, and the group can meet it.

use crate::diag::{Code, Diagnostic};
use crate::model::{Record, RecordSet, Spec};
use std::collections::BTreeMap;

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    let mut groups: BTreeMap<&str, Vec<(&Record, u32)>> = BTreeMap::new();
    for r in set.iter() {
        if let Spec::ConfigurationItem(ci) = &r.spec
            && let Some(red) = &ci.redundancy
        {
            groups
                .entry(red.group.as_str())
                .or_default()
                .push((r, red.min_up));
        }
    }
    for (group, members) in groups {
        let (first, first_min) = members[0];
        for &(r, min) in &members[1..] {
            if min != first_min {
                out.push(
                    Diagnostic::new(
                        Code::RedundancyGroup,
                        format!(
                            "`{}` says group `{group}` needs {min} up, `{}` says {first_min}",
                            r.reference(),
                            first.reference()
                        ),
                    )
                    .at(r.at("/spec/redundancy/minUp"))
                    .with_related(first.at("/spec/redundancy/minUp"), "first declared here")
                    .with_help("give every member of the group the same `minUp`"),
                );
            }
        }
        if first_min as usize > members.len() {
            let names: Vec<String> = members
                .iter()
                .map(|(r, _)| format!("`{}`", r.id()))
                .collect();
            out.push(
                Diagnostic::new(
                    Code::RedundancyGroup,
                    format!(
                        "group `{group}` needs {first_min} up but has {} member(s): {}",
                        members.len(),
                        names.join(", ")
                    ),
                )
                .at(first.at("/spec/redundancy/minUp"))
                .with_help("lower `minUp`, or add the missing members to the group"),
            );
        }
    }
}
