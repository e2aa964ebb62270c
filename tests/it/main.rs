//! The one integration-test binary: runs the real `cabinet` binary on repositories built in
//! the test (a temporary folder, optionally a git history), with no network and a fixed clock.

// The test modules share helpers with `pub`; nothing here is a library's interface.
#![allow(unreachable_pub)]

mod fixtures;
mod util;

mod approvals;
mod attacks;
mod broken;
mod check;
mod cli_basics;
mod consumers;
mod docs;
mod examples;
mod formats;
mod github;
mod graph;
mod hostile;
mod impact;
mod lead_time;
mod load_pair;
mod report;
mod schedule;
mod site;
