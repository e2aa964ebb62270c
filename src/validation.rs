//! `validate` as a library call: load a revision, run the schema and semantic checks, locate
//! and sort the findings. The result is plain data that every report format renders.

use crate::checks;
use crate::diag::{self, Diagnostic, Severity};
use crate::graph::DependencyGraph;
use crate::load::{self, LoadError, Loaded, Source};
use crate::model::RecordSet;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Everything `cabinet validate` found in one revision.
#[derive(Debug)]
pub struct Validation {
    pub records: RecordSet,
    /// Documents that are not cabinet records.
    pub skipped: usize,
    /// Sorted: file, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read, for snippets.
    pub texts: BTreeMap<String, Arc<str>>,
    /// The commit read, for a revision.
    pub commit: Option<String>,
    /// The reading limits in force (from cabinet.yaml).
    pub limits: crate::model::Limits,
    /// The dependency graph of `records`.
    pub graph: DependencyGraph,
}

impl Validation {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// No finding blocks.
    pub fn ok(&self) -> bool {
        self.errors() == 0
    }

    /// Files read, in path order.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }
}

/// Load and check the repository rooted at `root`, judging deadlines at `now`.
pub(crate) fn run(root: &Path, source: &Source, now: Timestamp) -> Result<Validation, LoadError> {
    Ok(of(load::load(root, source)?, now, None))
}

/// Check what was loaded, judging deadlines at `now`. `rules` judge when they are not the
/// loaded Policy's (the gate's come from the base revision).
pub(crate) fn of(loaded: Loaded, now: Timestamp, rules: Option<&checks::Rules>) -> Validation {
    let mut diagnostics = loaded.diagnostics;
    let (found, graph) = checks::all(&loaded.records, !loaded.truncated, now, rules);
    diagnostics.extend(found);
    load::locate(&mut diagnostics, &loaded.texts, &loaded.limits);
    for d in &mut diagnostics {
        d.related.sort();
    }
    diag::sort(&mut diagnostics);
    Validation {
        records: loaded.records,
        skipped: loaded.skipped,
        diagnostics,
        texts: loaded.texts,
        commit: loaded.commit,
        limits: loaded.limits,
        graph,
    }
}
