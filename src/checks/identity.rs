//! One of each singleton, unique ids, one listing per team member.

use crate::diag::{Code, Diagnostic, Location};
use crate::load::CONFIG_FILE;
use crate::model::{Kind, RecordSet, Spec};
use std::collections::BTreeMap;

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    let mut first: foldhash::HashMap<(Kind, &str), &crate::model::Record> = Default::default();
    for r in set.iter() {
        match first.get(&(r.kind(), r.id())) {
            Some(original) => out.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    format!("{} `{}` is defined twice", r.kind(), r.id()),
                )
                .at(r.at("/metadata/id"))
                .with_label("second definition")
                .with_related(original.at("/metadata/id"), "first defined here")
                .with_help("ids are unique within their kind; rename one of the records"),
            ),
            None => {
                first.insert((r.kind(), r.id()), r);
            }
        }
    }

    let policies: Vec<_> = set.of_kind(Kind::Policy).collect();
    match policies.as_slice() {
        // An invalid Policy is not a missing one: its own findings say what is wrong.
        [] if set.has_invalid(Kind::Policy) => {}
        [] => out.push(
            Diagnostic::new(
                Code::MissingPolicy,
                "there is no `Policy` record; defaults apply and no change can be approved",
            )
            .at(Location::file(CONFIG_FILE))
            .with_help("add a Policy record (`cabinet init` writes one to start from)"),
        ),
        [_] => {}
        [original, rest @ ..] => {
            for p in rest {
                out.push(
                    Diagnostic::new(
                        Code::DuplicatePolicy,
                        format!("a second `Policy` record, `{}`", p.id()),
                    )
                    .at(p.at("/kind"))
                    .with_related(original.at("/kind"), "the first Policy")
                    .with_help("merge the policies into one record"),
                );
            }
        }
    }
    let configs: Vec<_> = set.of_kind(Kind::Config).collect();
    if let [original, rest @ ..] = configs.as_slice() {
        for c in rest {
            out.push(
                Diagnostic::new(
                    Code::DuplicateConfig,
                    format!("a second `Config` record, `{}`", c.id()),
                )
                .at(c.at("/kind"))
                .with_related(original.at("/kind"), "the first Config")
                .with_help(format!("keep one Config, in {CONFIG_FILE}")),
            );
        }
    }

    for r in set.iter() {
        let Spec::Service(service) = &r.spec else {
            continue;
        };
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, o) in service.offerings.iter().enumerate() {
            if let Some(&j) = seen.get(o.id.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::DuplicateId,
                        format!(
                            "offering `{}` is listed twice in service `{}`",
                            o.id,
                            r.id()
                        ),
                    )
                    .at(r.at(format!("/spec/offerings/{i}/id")))
                    .with_related(r.at(format!("/spec/offerings/{j}/id")), "first listed here")
                    .with_help("offering ids are unique within their service"),
                );
            } else {
                seen.insert(&o.id, i);
            }
        }
    }

    for r in set.iter() {
        let Spec::Team(team) = &r.spec else { continue };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, m) in team.members.iter().enumerate() {
            let login = m.github.to_ascii_lowercase();
            if let Some(&j) = seen.get(&login) {
                out.push(
                    Diagnostic::new(
                        Code::DuplicateMember,
                        format!("`{}` is listed twice in team `{}`", m.github, r.id()),
                    )
                    .at(r.at(format!("/spec/members/{i}/github")))
                    .with_related(
                        r.at(format!("/spec/members/{j}/github")),
                        "first listed here",
                    )
                    .with_help("logins compare case-insensitively; remove one entry"),
                );
            } else {
                seen.insert(login, i);
            }
        }
    }
}
