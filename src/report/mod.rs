//! Report writers: one file per output format. They render plain data into a writer and never
//! decide anything; only they and `cli` write output.

pub mod check;
pub mod github;
pub mod graph;
pub mod human;
pub mod impact;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod schedule;

/// Options shared by the writers.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// ANSI colour in human output.
    pub color: bool,
    /// Prefix that turns a path relative to the cabinet root into one relative to the git
    /// repository's top (`examples/acme/`), for formats a forge resolves (github, sarif).
    pub path_prefix: String,
}
