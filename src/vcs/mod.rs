//! Adapters to the outside world. `git` is the only module that uses git2.

pub mod git;
