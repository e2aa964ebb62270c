//! References between records: `KIND:ID` with the kind in lower case (`service:payments-api`),
//! or a bare id where a field can only name one kind (`owner: payments`).

use super::Kind;
use serde::Serialize;
use std::fmt;

/// `service:ID` or `ci:ID`: what `dependsOn` and `affects` may name.
pub const SERVICE_OR_CI_REF: &str = r"^(?:service|ci):(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// A team, bare or as `team:ID`.
pub const TEAM_REF: &str = r"^(?:team:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// An SLA, bare or as `sla:ID`.
pub const SLA_REF: &str = r"^(?:sla:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// A change model, bare or as `model:ID`.
pub const MODEL_REF: &str = r"^(?:model:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// A change record, bare or as `change:ID`.
pub const CHANGE_REF: &str = r"^(?:change:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// An incident, bare or as `incident:ID`.
pub const INCIDENT_REF: &str = r"^(?:incident:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// A problem, bare or as `problem:ID`.
pub const PROBLEM_REF: &str = r"^(?:problem:)?(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
/// Any record that can be named.
pub const ANY_REF: &str =
    r"^(?:service|ci|sla|team|change|model):(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

/// A resolved-to-be name of a record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordRef {
    pub kind: Kind,
    pub id: String,
}

impl RecordRef {
    pub fn new(kind: Kind, id: impl Into<String>) -> Self {
        RecordRef {
            kind,
            id: id.into(),
        }
    }

    /// Read `KIND:ID`; `None` if the prefix is not a kind.
    pub fn parse(text: &str) -> Option<RecordRef> {
        let (prefix, id) = text.split_once(':')?;
        Some(RecordRef::new(Kind::from_ref_prefix(prefix)?, id))
    }

    /// Read a field that can only name `kind`: the bare id or `PREFIX:ID`.
    pub fn parse_as(text: &str, kind: Kind) -> RecordRef {
        let prefix = kind.ref_prefix();
        match text.split_once(':') {
            Some((p, id)) if p == prefix => RecordRef::new(kind, id),
            _ => RecordRef::new(kind, text),
        }
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.ref_prefix(), self.id)
    }
}

impl Serialize for RecordRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixed_and_bare_references() {
        assert_eq!(
            RecordRef::parse("ci:pg-main"),
            Some(RecordRef::new(Kind::ConfigurationItem, "pg-main"))
        );
        assert_eq!(RecordRef::parse("pg-main"), None);
        assert_eq!(RecordRef::parse("widget:x"), None);
        assert_eq!(
            RecordRef::parse_as("team:payments", Kind::Team),
            RecordRef::new(Kind::Team, "payments")
        );
        assert_eq!(
            RecordRef::parse_as("payments", Kind::Team).to_string(),
            "team:payments"
        );
    }
}
