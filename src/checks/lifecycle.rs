//! Lifecycle rules: what is live must not rest on what is gone, and must promise something.

use crate::diag::{Code, Diagnostic};
use crate::graph::dependencies;
use crate::model::{Lifecycle, Record, RecordRef, RecordSet, Spec};

fn lifecycle(r: &Record) -> Option<Lifecycle> {
    match &r.spec {
        Spec::Service(s) => Some(s.lifecycle),
        Spec::ConfigurationItem(c) => Some(c.lifecycle),
        _ => None,
    }
}

/// Live records on retired or deprecated ones, and live services without an SLA.
pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    for r in set.iter() {
        if lifecycle(r) != Some(Lifecycle::Live) {
            continue;
        }
        for (i, dep) in dependencies(r).iter().enumerate() {
            let Some(target) = RecordRef::parse(dep.target()).and_then(|t| set.get(&t)) else {
                continue;
            };
            let (code, word) = match lifecycle(target) {
                Some(Lifecycle::Retired) => (Code::DependsOnRetired, "retired"),
                Some(Lifecycle::Deprecated) => (Code::DependsOnDeprecated, "deprecated"),
                _ => continue,
            };
            out.push(
                Diagnostic::new(
                    code,
                    format!(
                        "live {} `{}` depends on {word} `{}`",
                        r.kind(),
                        r.id(),
                        target.reference()
                    ),
                )
                .at(r.at(format!("/spec/dependsOn/{i}{}", dep.ref_pointer())))
                .with_related(
                    target.at("/spec/lifecycle"),
                    format!("`{}` is {word} here", target.reference()),
                )
                .with_help("move the dependency to the record that replaces it"),
            );
        }
        if let Spec::Service(s) = &r.spec
            && s.sla.is_none()
        {
            out.push(
                Diagnostic::new(
                    Code::MissingSla,
                    format!("live service `{}` has no SLA", r.id()),
                )
                .at(r.at("/spec/lifecycle"))
                .with_label("live services must name an SLA")
                .with_help("add `sla: <id>` to the spec"),
            );
        }
    }
}
