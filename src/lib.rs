//! cabinet: IT service management the GitOps way.
//!
//! Records (services, configuration items, SLAs, teams, policy, change records, incidents and
//! problems) live as YAML in a git repository. This library reads them (`load`), checks them
//! (`schema`, `checks`), and reports what it found (`report`). The binary in `main.rs` is a
//! thin shell over `cli`.

pub mod approval;
pub mod changeset;
pub mod checks;
pub mod cli;
pub mod conflict;
pub mod diag;
pub mod diff;
pub mod error;
pub mod gate;
pub mod graph;
pub mod impact;
pub mod load;
pub mod model;
pub mod policy;
pub mod report;
pub mod risk;
pub mod schedule;
pub mod schema;
pub mod service_hours;
pub mod site;
pub mod templates;
pub mod validation;
pub mod vcs;
