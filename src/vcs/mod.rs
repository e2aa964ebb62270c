//! Adapters to the outside world. `git` is the only module that uses git2; `github` is the
//! only one that uses octocrab (and tokio).

pub(crate) mod git;
pub(crate) mod github;
