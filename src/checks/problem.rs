//! Problem records carry what their status claims: a known error says why it happens and how
//! to work around it, and a resolved problem names its fix.

use crate::diag::{Code, Diagnostic};
use crate::model::{ProblemStatus, RecordSet, Spec};

pub(super) fn findings(set: &RecordSet, out: &mut Vec<Diagnostic>) {
    for r in set.iter() {
        let Spec::Problem(p) = &r.spec else {
            continue;
        };
        let blank = |field: &Option<String>| field.as_deref().is_none_or(|t| t.trim().is_empty());
        let known = p.status >= ProblemStatus::KnownError;
        let mut missing = Vec::new();
        if known && blank(&p.root_cause) {
            missing.push(("rootCause", "why it happens"));
        }
        if p.status == ProblemStatus::KnownError && blank(&p.workaround) {
            missing.push(("workaround", "how to restore service until the fix"));
        }
        if p.status.is_resolved() && p.fix.is_none() {
            missing.push(("fix", "the change that removed the cause, `change:ID`"));
        }
        for (field, what) in missing {
            out.push(
                Diagnostic::new(
                    Code::KnownErrorIncomplete,
                    format!(
                        "problem `{}` is {} but has no `{field}`",
                        r.id(),
                        p.status.as_str()
                    ),
                )
                .at(r.at("/spec/status"))
                .with_help(format!("add `{field}:` ({what}), or set the status back")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::records_from_str;

    fn messages(spec: &str) -> Vec<String> {
        let yaml = format!(
            "apiVersion: cabinet/v1\nkind: Problem\nmetadata: {{id: PRB-1}}\nspec:\n  affects: [ci:db]\n{spec}"
        );
        let (records, diagnostics) = records_from_str("p.yaml", &yaml);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let mut out = Vec::new();
        findings(&RecordSet::new(records), &mut out);
        assert!(out.iter().all(|d| d.code == Code::KnownErrorIncomplete
            && d.location.as_ref().unwrap().pointer == "/spec/status"));
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_problem_under_investigation_needs_nothing_yet() {
        assert!(messages("  status: new\n").is_empty());
        assert!(messages("  status: investigating\n").is_empty());
    }

    #[test]
    fn a_known_error_needs_a_root_cause_and_a_workaround() {
        assert_eq!(
            messages("  status: known-error\n"),
            vec![
                "problem `PRB-1` is known-error but has no `rootCause`",
                "problem `PRB-1` is known-error but has no `workaround`",
            ]
        );
        assert_eq!(
            messages("  status: known-error\n  rootCause: a leak\n  workaround: \"  \"\n"),
            vec!["problem `PRB-1` is known-error but has no `workaround`"]
        );
        assert!(
            messages("  status: known-error\n  rootCause: a leak\n  workaround: restart it\n")
                .is_empty()
        );
    }

    #[test]
    fn a_resolved_problem_names_its_fix_and_keeps_its_root_cause() {
        assert_eq!(
            messages("  status: resolved\n  rootCause: a leak\n"),
            vec!["problem `PRB-1` is resolved but has no `fix`"]
        );
        assert_eq!(
            messages("  status: closed\n  fix: change:CHG-1\n"),
            vec!["problem `PRB-1` is closed but has no `rootCause`"]
        );
        // The workaround is only required while the problem is a known error.
        assert!(
            messages("  status: closed\n  rootCause: a leak\n  fix: change:CHG-1\n").is_empty()
        );
    }
}
