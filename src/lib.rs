//! cabinet: IT service management the GitOps way.
//!
//! Records (services, configuration items, SLAs, teams, policy, change records, incidents and
//! problems) live as YAML in a git repository. This library reads them (`load`), checks them
//! (`schema`, `checks`), and reports what it found (`report`). The binary in `main.rs` is a
//! thin shell over `cli`.
//!
//! The public modules are what the binary, the integration tests, the benchmarks and the fuzz
//! targets use; everything else is `pub(crate)`, and `unreachable_pub` keeps it so.

pub mod approval;
pub(crate) mod changeset;
pub(crate) mod checks;
pub mod cli;
pub(crate) mod conflict;
pub mod diag;
pub(crate) mod diff;
pub mod error;
pub(crate) mod figures;
pub(crate) mod gate;
pub mod graph;
pub mod impact;
pub mod lead_time;
pub mod load;
pub mod model;
pub(crate) mod policy;
pub mod report;
pub(crate) mod risk;
pub(crate) mod schedule;
pub mod schema;
pub(crate) mod service_hours;
pub(crate) mod site;
pub(crate) mod sla_measure;
pub(crate) mod templates;
pub(crate) mod validation;
pub(crate) mod vcs;
