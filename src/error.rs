//! When the tool itself cannot do its job. Findings about the user's data are diagnostics,
//! never errors; an error here means usage (exit 2) or an environment failure (exit 3).
//!
//! Library modules return their own error types; the `From` impls below are the one place
//! that decides which are usage and which failures, and what hints they carry.

use crate::gate::GateError;
use crate::load::LoadError;
use crate::site::SiteError;
use crate::templates::TemplateError;
use crate::vcs::git::GitError;
use std::fmt;

/// The exit codes every command keeps (README, "Exit codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Done, nothing blocking found.
    Ok = 0,
    /// A blocking finding: invalid records, risk or policy violation, approvals missing.
    Blocked = 1,
    /// Usage or configuration error: bad flag, no cabinet.yaml, unknown revision.
    Usage = 2,
    /// Could not complete: I/O, git, forge unreachable.
    Failure = 3,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user asked for something that cannot be done (exit 2).
    Usage,
    /// The environment failed us: I/O, git, network (exit 3).
    Failure,
}

/// A failure with what went wrong and hints on what to do.
#[derive(Debug)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    pub hints: Vec<String>,
}

impl CommandError {
    pub fn usage(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        CommandError {
            kind: ErrorKind::Failure,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_status(&self) -> ExitStatus {
        match self.kind {
            ErrorKind::Usage => ExitStatus::Usage,
            ErrorKind::Failure => ExitStatus::Failure,
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

impl From<GitError> for CommandError {
    fn from(e: GitError) -> Self {
        match &e {
            GitError::UnknownRevision { .. } => CommandError::usage(e.to_string()).hint(
                "check the name with `git rev-parse`, or fetch it first (`git fetch origin main`)",
            ),
            GitError::NotARepository { .. } => CommandError::usage(e.to_string())
                .hint("`--rev` reads records from git; drop it to read the working tree"),
            GitError::MissingPath { .. } => CommandError::usage(e.to_string())
                .hint("the folder did not exist yet at that revision"),
            GitError::ShallowHistory { .. } => CommandError::usage(e.to_string()).hint(
                "fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)",
            ),
            GitError::HistoryTooLong { .. }
            | GitError::CommitTooLarge { .. }
            | GitError::HistoryTooLarge { .. }
            | GitError::Git(_) => CommandError::failure(e.to_string()),
        }
    }
}

impl From<LoadError> for CommandError {
    fn from(e: LoadError) -> Self {
        let message = e.to_string();
        match e {
            LoadError::Git(e) => e.into(),
            LoadError::ReadConfig { .. } => CommandError::usage(message)
                .hint("run `cabinet init` to create a repository, or pass `-C DIR`"),
            LoadError::ConfigTooLarge { .. } | LoadError::RevisionConfigTooLarge { .. } => {
                CommandError::usage(message)
                    .hint("cabinet.yaml holds settings only; move records to files of their own")
            }
            LoadError::NoConfigAt { .. } => CommandError::usage(message),
            LoadError::List { .. } | LoadError::ReadFile { .. } | LoadError::ReadLink { .. } => {
                CommandError::failure(message)
            }
        }
    }
}

impl From<TemplateError> for CommandError {
    fn from(e: TemplateError) -> Self {
        match e {
            TemplateError::Load { .. } => CommandError::usage(e.to_string()),
            TemplateError::Render { .. } => CommandError::usage(e.to_string()).hint(
                "check the template in the repository's templates/ folder against the default in cabinet's templates/",
            ),
        }
    }
}

impl From<SiteError> for CommandError {
    fn from(e: SiteError) -> Self {
        match e {
            SiteError::Template(e) => e.into(),
            SiteError::Write { .. }
            | SiteError::Interrupted
            | SiteError::CalendarFeed { .. }
            | SiteError::UnexpectedGraphNode { .. }
            | SiteError::UnexpectedRecordKind { .. } => CommandError::failure(e.to_string()),
        }
    }
}

impl From<GateError> for CommandError {
    fn from(e: GateError) -> Self {
        let message = e.to_string();
        match e {
            GateError::Load(e) => e.into(),
            GateError::Git(e) => e.into(),
            GateError::HeadNotACommitId { .. } => CommandError::usage(message).hint(
                "the approvals file names the commit its reviews are about: GitHub's `head.sha`",
            ),
            GateError::HeadIsWorkTree => CommandError::usage(message)
                .hint("drop --head: the head is then the pull request's"),
            GateError::UnknownHead { .. } => CommandError::usage(message),
            GateError::UnknownPullRequestHead { .. } => CommandError::usage(message).hint(
                "fetch it first (`git fetch origin pull/N/head`), or check `head_sha` in the approvals file",
            ),
            GateError::OtherHead { .. } => CommandError::usage(message).hint(
                "drop --head (the head is then the pull request's), or save the approvals of the commit you gate",
            ),
            GateError::BaseTruncated { .. } => CommandError::failure(message)
                .hint("raise `spec.limits.maxRecords` in cabinet.yaml on the base branch"),
        }
    }
}

impl From<crate::lead_time::LeadTimeError> for CommandError {
    fn from(e: crate::lead_time::LeadTimeError) -> Self {
        match e {
            crate::lead_time::LeadTimeError::Load(e) => e.into(),
            e @ crate::lead_time::LeadTimeError::CommitTime { .. } => {
                CommandError::failure(e.to_string())
            }
        }
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        CommandError::failure(format!("I/O error: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_cabinet_yaml_is_a_usage_error_with_a_hint() {
        let e = CommandError::from(LoadError::RevisionConfigTooLarge {
            rev: "main".into(),
            limit: 1024,
        });
        assert_eq!(e.exit_status(), ExitStatus::Usage);
        assert_eq!(
            e.message,
            "main:cabinet.yaml is larger than 1024 bytes; its settings are not read"
        );
        assert_eq!(
            e.hints,
            ["cabinet.yaml holds settings only; move records to files of their own"]
        );
    }

    #[test]
    fn a_template_that_fails_is_a_usage_error_pointing_at_the_override() {
        let source = minijinja::Error::new(minijinja::ErrorKind::UndefinedError, "x");
        let e = CommandError::from(TemplateError::Render {
            name: "check.md".into(),
            source,
        });
        assert_eq!(e.exit_status(), ExitStatus::Usage);
        assert!(e.message.starts_with("template `check.md` failed: "), "{e}");
        assert_eq!(e.hints.len(), 1);
        assert!(e.hints[0].contains("templates/ folder"), "{:?}", e.hints);
    }

    #[test]
    fn a_sink_that_cannot_write_is_a_failure_and_a_template_keeps_its_hint() {
        let e = CommandError::from(SiteError::Write {
            path: "public/index.html".into(),
            source: std::io::Error::other("disk full"),
        });
        assert_eq!(e.exit_status(), ExitStatus::Failure);
        assert_eq!(e.message, "cannot write public/index.html: disk full");
        assert!(e.hints.is_empty());
        let source = minijinja::Error::new(minijinja::ErrorKind::UndefinedError, "x");
        let e = CommandError::from(SiteError::Template(TemplateError::Render {
            name: "site/index.html".into(),
            source,
        }));
        assert_eq!(e.exit_status(), ExitStatus::Usage);
        assert_eq!(e.hints.len(), 1);
    }

    #[test]
    fn approvals_of_another_head_are_a_usage_error_with_a_hint() {
        let e = CommandError::from(GateError::OtherHead {
            approved: "a".repeat(40),
            rev: "HEAD".into(),
            gated: "b".repeat(40),
        });
        assert_eq!(e.exit_status(), ExitStatus::Usage);
        assert_eq!(
            e.message,
            "the approvals are for the head aaaaaaa, but the head being gated (HEAD) is bbbbbbb: approvals of another commit do not judge this one"
        );
        assert_eq!(
            e.hints,
            [
                "drop --head (the head is then the pull request's), or save the approvals of the commit you gate"
            ]
        );
        // A git error the gate meets keeps git's own hint.
        let e = CommandError::from(GateError::Load(LoadError::Git(GitError::UnknownRevision {
            rev: "main".into(),
        })));
        assert_eq!(e.exit_status(), ExitStatus::Usage);
        assert!(e.hints[0].contains("git rev-parse"), "{:?}", e.hints);
    }
}
