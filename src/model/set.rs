//! All records of one revision, indexed by kind and id.

use super::{ConfigSpec, Kind, PolicySpec, Record, RecordRef, Spec};
use foldhash::fast::RandomState;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::sync::Arc;

/// The records of one revision, in file order, with a lookup by reference.
///
/// Records are shared: two revisions read together hold the same record for a file that did
/// not change (see `load::load_pair`), and cloning a set copies no record.
#[derive(Debug, Default, Clone)]
pub struct RecordSet {
    records: Vec<Arc<Record>>,
    /// Positions in `records`, found by the hash of a kind and id: the index copies no id,
    /// and a lookup by `&str` allocates nothing.
    index: HashTable<usize>,
    hasher: RandomState,
    /// Records that exist but failed their schema: references to them are not dangling.
    invalid: foldhash::HashSet<RecordRef>,
}

/// Two sets are equal when they hold the same records in the same order and the same invalid
/// references (the index follows from the records).
impl PartialEq for RecordSet {
    fn eq(&self, other: &RecordSet) -> bool {
        self.records == other.records && self.invalid == other.invalid
    }
}

impl RecordSet {
    /// Index records; when two share a kind and id, the first (in file order) wins the lookup.
    pub fn new(records: Vec<Record>) -> RecordSet {
        RecordSet::shared(records.into_iter().map(Arc::new).collect())
    }

    /// Index records that may also be held elsewhere (by another revision's set).
    pub fn shared(records: Vec<Arc<Record>>) -> RecordSet {
        let hasher = RandomState::default();
        let hash = |r: &Record| hasher.hash_one((r.kind(), r.id()));
        let mut index = HashTable::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let same = |&j: &usize| records[j].kind() == r.kind() && records[j].id() == r.id();
            if let hashbrown::hash_table::Entry::Vacant(v) =
                index.entry(hash(r), same, |&j| hash(&records[j]))
            {
                v.insert(i);
            }
        }
        RecordSet {
            records,
            index,
            hasher,
            invalid: Default::default(),
        }
    }

    /// Remember records that were written but could not be read, so that references to them
    /// are not reported as dangling on top of their own findings.
    pub fn with_invalid(mut self, invalid: impl IntoIterator<Item = RecordRef>) -> RecordSet {
        self.invalid.extend(invalid);
        self
    }

    /// A record of this kind was written but is invalid (with or without a readable id).
    pub fn has_invalid(&self, kind: Kind) -> bool {
        self.invalid.iter().any(|r| r.kind == kind)
    }

    /// A record with this reference was written but is invalid.
    pub fn is_invalid(&self, r: &RecordRef) -> bool {
        self.invalid.contains(r)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.records.iter().map(|r| &**r)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn get(&self, r: &RecordRef) -> Option<&Record> {
        self.get_id(r.kind, &r.id)
    }

    /// The record of `kind` with `id` (the first, when it is written twice).
    pub fn get_id(&self, kind: Kind, id: &str) -> Option<&Record> {
        self.position(kind, id).map(|i| &*self.records[i])
    }

    pub fn contains(&self, r: &RecordRef) -> bool {
        self.position(r.kind, &r.id).is_some()
    }

    /// This record is the one a lookup by its kind and id finds (not a later duplicate).
    pub fn is_first(&self, record: &Record) -> bool {
        self.get_id(record.kind(), record.id())
            .is_some_and(|first| std::ptr::eq(first, record))
    }

    fn position(&self, kind: Kind, id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one((kind, id));
        self.index
            .find(hash, |&j| {
                let r = &self.records[j];
                r.kind() == kind && r.id() == id
            })
            .copied()
    }

    /// Records of one kind, in file order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Record> {
        self.iter().filter(move |r| r.kind() == kind)
    }

    /// Ids of one kind (for `did you mean`).
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.of_kind(kind).map(Record::id)
    }

    /// The Config record, if there is one.
    pub fn config(&self) -> Option<&ConfigSpec> {
        self.iter().find_map(|r| match &r.spec {
            Spec::Config(c) => Some(c),
            _ => None,
        })
    }

    /// The Policy record, if there is exactly one or more (the first).
    pub fn policy(&self) -> Option<(&Record, &PolicySpec)> {
        self.iter().find_map(|r| match &r.spec {
            Spec::Policy(p) => Some((r, p.as_ref())),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RecordSet;
    use crate::load::records_from_str;
    use crate::model::{Kind, RecordRef};

    fn set(text: &str) -> RecordSet {
        let (records, diagnostics) = records_from_str("r.yaml", text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        RecordSet::new(records)
    }

    const TWO_OF_A_KIND: &str = "\
apiVersion: cabinet/v1
kind: Team
metadata: {id: payments, name: First}
spec: {members: []}
---
apiVersion: cabinet/v1
kind: Team
metadata: {id: payments, name: Second}
spec: {members: []}
---
apiVersion: cabinet/v1
kind: Service
metadata: {id: payments}
spec: {owner: payments, tier: 1, lifecycle: live}
";

    #[test]
    fn a_lookup_finds_the_first_record_of_a_kind_and_id() {
        let s = set(TWO_OF_A_KIND);
        let team = s.get_id(Kind::Team, "payments").unwrap();
        assert_eq!(team.metadata.name.as_deref(), Some("First"));
        let records: Vec<_> = s.iter().collect();
        assert!(s.is_first(records[0]));
        assert!(!s.is_first(records[1]));
    }

    #[test]
    fn the_same_id_under_another_kind_is_another_record() {
        let s = set(TWO_OF_A_KIND);
        assert_eq!(
            s.get_id(Kind::Service, "payments").unwrap().kind(),
            Kind::Service
        );
        assert!(s.contains(&RecordRef::new(Kind::Team, "payments")));
        assert!(!s.contains(&RecordRef::new(Kind::Sla, "payments")));
        assert!(s.get_id(Kind::Team, "payment").is_none());
    }
}
