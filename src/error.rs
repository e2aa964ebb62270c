//! When the tool itself cannot do its job. Findings about the user's data are diagnostics,
//! never errors; an error here means usage (exit 2) or an environment failure (exit 3).

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
            GitError::Git(_) => CommandError::failure(e.to_string()),
        }
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        CommandError::failure(format!("I/O error: {e}"))
    }
}
