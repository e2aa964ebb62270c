//! Every reference resolves, and a near miss gets a `did you mean`.

use crate::diag::{self, Code, Diagnostic};
use crate::model::{Kind, Record, RecordRef, RecordSet, Requirement, Spec};

/// Every reference a record makes: `(pointer, text, the kind a bare id names)`.
pub(crate) fn references(r: &Record) -> Vec<(String, &str, Option<Kind>)> {
    let mut refs = Vec::new();
    match &r.spec {
        Spec::Service(s) => {
            refs.push((
                "/spec/owner".to_string(),
                s.owner.as_str(),
                Some(Kind::Team),
            ));
            if let Some(sla) = &s.sla {
                refs.push(("/spec/sla".to_string(), sla.as_str(), Some(Kind::Sla)));
            }
            for (i, d) in s.depends_on.iter().enumerate() {
                refs.push((
                    format!("/spec/dependsOn/{i}{}", d.ref_pointer()),
                    d.target(),
                    None,
                ));
            }
        }
        Spec::ConfigurationItem(c) => {
            refs.push((
                "/spec/owner".to_string(),
                c.owner.as_str(),
                Some(Kind::Team),
            ));
            for (i, d) in c.depends_on.iter().enumerate() {
                refs.push((
                    format!("/spec/dependsOn/{i}{}", d.ref_pointer()),
                    d.target(),
                    None,
                ));
            }
        }
        Spec::Change(c) => {
            for (i, a) in c.affects.iter().enumerate() {
                refs.push((format!("/spec/affects/{i}"), a.as_str(), None));
            }
            if let Some(m) = &c.model {
                refs.push((
                    "/spec/model".to_string(),
                    m.as_str(),
                    Some(Kind::ChangeModel),
                ));
            }
        }
        Spec::Policy(p) => {
            refs.push(("/spec/cab".to_string(), p.cab.as_str(), Some(Kind::Team)));
            if let Some(e) = &p.ecab {
                refs.push(("/spec/ecab".to_string(), e.as_str(), Some(Kind::Team)));
            }
            for (i, rule) in p.approvals.iter().enumerate() {
                for (j, s) in rule.when.impacted_services.iter().enumerate() {
                    refs.push((
                        format!("/spec/approvals/{i}/when/impactedServices/{j}"),
                        s.as_str(),
                        None,
                    ));
                }
                for (j, req) in rule.require.iter().enumerate() {
                    approver_refs(req, format!("/spec/approvals/{i}/require/{j}"), &mut refs);
                }
            }
            for (i, f) in p.freezes.iter().enumerate() {
                for (j, s) in f.scope.iter().enumerate() {
                    refs.push((format!("/spec/freezes/{i}/scope/{j}"), s.as_str(), None));
                }
            }
        }
        Spec::Config(_) | Spec::Team(_) | Spec::Sla(_) | Spec::ChangeModel(_) => {}
    }
    refs
}

fn approver_refs<'a>(
    req: &'a Requirement,
    at: String,
    refs: &mut Vec<(String, &'a str, Option<Kind>)>,
) {
    match req {
        Requirement::Approvals(a) => {
            for (k, from) in a.from.iter().enumerate() {
                if from.starts_with("team:") {
                    refs.push((format!("{at}/from/{k}"), from.as_str(), None));
                }
            }
        }
        Requirement::AnyOf(any) => {
            for (k, inner) in any.any_of.iter().enumerate() {
                approver_refs(inner, format!("{at}/anyOf/{k}"), refs);
            }
        }
    }
}

/// Resolve a reference's text as the field reads it.
pub(crate) fn resolve(text: &str, bare: Option<Kind>) -> Option<RecordRef> {
    match bare {
        Some(kind) => Some(RecordRef::parse_as(text, kind)),
        None => RecordRef::parse(text),
    }
}

pub(super) fn check(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    for r in set.iter() {
        for (pointer, text, bare) in references(r) {
            let Some(target) = resolve(text, bare) else {
                continue;
            };
            if set.contains(&target) || set.is_invalid(&target) {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::DanglingReference,
                format!("`{target}` does not exist"),
            )
            .at(r.at(pointer))
            .with_label(format!("no {} has the id `{}`", target.kind, target.id));
            if let Some(near) = diag::closest(&target.id, set.ids(target.kind)) {
                let suggestion = match bare {
                    Some(_) => near.to_string(),
                    None => RecordRef::new(target.kind, near).to_string(),
                };
                d = d.with_help(format!("did you mean `{suggestion}`?"));
            } else if let Some(other) = Kind::ALL
                .into_iter()
                .filter(|&k| k != target.kind)
                .map(|k| RecordRef::new(k, target.id.clone()))
                .find(|other| set.contains(other))
            {
                d = d.with_help(format!("there is a `{other}`: is the kind right?"));
            } else {
                d = d.with_note(format!(
                    "{} `{}` depends on a record that is not in the repository",
                    r.kind(),
                    r.id()
                ));
            }
            out.push(d);
        }
    }
}
