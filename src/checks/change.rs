//! Change-record rules that depend on more than one field: window order, what each type of
//! change must carry, the outcome once implemented, and the file name.

use crate::diag::{Code, Diagnostic};
use crate::model::{ChangeType, RecordSet, Spec};
use std::collections::HashMap;

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    let mut per_file: HashMap<&str, usize> = HashMap::new();
    for r in set.iter() {
        *per_file.entry(r.origin.file.as_str()).or_default() += 1;
    }
    for r in set.iter() {
        match &r.spec {
            Spec::Change(c) => {
                if c.window.end <= c.window.start {
                    out.push(
                        Diagnostic::new(
                            Code::WindowOrder,
                            format!(
                                "the window of `{}` ends at {} but starts at {}",
                                r.id(),
                                c.window.end,
                                c.window.start
                            ),
                        )
                        .at(r.at("/spec/window/end"))
                        .with_related(r.at("/spec/window/start"), "start")
                        .with_help("`end` must be later than `start`"),
                    );
                }
                if c.change_type == ChangeType::Standard && c.model.is_none() {
                    out.push(
                        Diagnostic::new(
                            Code::ChangeMissingModel,
                            format!("standard change `{}` names no change model", r.id()),
                        )
                        .at(r.at("/spec/type"))
                        .with_help("add `model: <ChangeModel id>`, or make it a normal change"),
                    );
                }
                if c.change_type != ChangeType::Standard
                    && c.backout.as_deref().is_none_or(|b| b.trim().is_empty())
                {
                    out.push(
                        Diagnostic::new(
                            Code::ChangeMissingBackout,
                            format!(
                                "{} change `{}` has no backout plan",
                                c.change_type.as_str(),
                                r.id()
                            ),
                        )
                        .at(r.at("/spec/type"))
                        .with_help("add `backout:` saying how to undo the change"),
                    );
                }
                match (c.change_type == ChangeType::Emergency, &c.emergency) {
                    (true, None) => out.push(
                        Diagnostic::new(
                            Code::ChangeEmergencyDetails,
                            format!("emergency change `{}` has no `emergency` details", r.id()),
                        )
                        .at(r.at("/spec/type"))
                        .with_help("add `emergency: {incident: INC-..., justification: ...}`"),
                    ),
                    (false, Some(_)) => out.push(
                        Diagnostic::new(
                            Code::ChangeEmergencyDetails,
                            format!(
                                "{} change `{}` carries `emergency` details",
                                c.change_type.as_str(),
                                r.id()
                            ),
                        )
                        .at(r.at("/spec/emergency").key())
                        .with_help("set `type: emergency`, or remove the `emergency` block"),
                    ),
                    _ => {}
                }
                if c.status.is_implemented() && c.outcome.is_none() {
                    out.push(
                        Diagnostic::new(
                            Code::ChangeMissingOutcome,
                            format!("change `{}` is {} but has no outcome", r.id(), c.status.as_str()),
                        )
                        .at(r.at("/spec/status"))
                        .with_help("add `outcome: {result: ..., notes: ...}` with the post-implementation review"),
                    );
                }
                if !c.status.is_implemented() && c.outcome.is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::UnexpectedOutcome,
                            format!(
                                "change `{}` is {} but already has an outcome",
                                r.id(),
                                c.status.as_str()
                            ),
                        )
                        .at(r.at("/spec/outcome").key())
                        .with_related(r.at("/spec/status"), "status")
                        .with_help(
                            "set `status` to completed, failed or rolled-back, or remove `outcome`",
                        ),
                    );
                }
                let file = &r.origin.file;
                let name = file.rsplit('/').next().unwrap_or(file);
                let stem = name
                    .strip_suffix(".yaml")
                    .or_else(|| name.strip_suffix(".yml"))
                    .unwrap_or(name);
                if per_file.get(file.as_str()) == Some(&1) && stem != r.id() {
                    out.push(
                        Diagnostic::new(
                            Code::ChangeFileName,
                            format!("change `{}` is in `{name}`", r.id()),
                        )
                        .at(r.at("/metadata/id"))
                        .with_help(format!("rename the file to `{}.yaml`", r.id())),
                    );
                }
            }
            Spec::Policy(p) => {
                for (i, f) in p.freezes.iter().enumerate() {
                    if f.end <= f.start {
                        out.push(
                            Diagnostic::new(
                                Code::WindowOrder,
                                format!("freeze `{}` ends before it starts", f.name),
                            )
                            .at(r.at(format!("/spec/freezes/{i}/end")))
                            .with_related(r.at(format!("/spec/freezes/{i}/start")), "start")
                            .with_help("`end` must be later than `start`"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
