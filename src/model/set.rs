//! All records of one revision, indexed by kind and id.

use super::{ConfigSpec, Kind, PolicySpec, Record, RecordRef, Spec};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The records of one revision, in file order, with a lookup by reference.
///
/// Records are shared: two revisions read together hold the same record for a file that did
/// not change (see `load::load_pair`), and cloning a set copies no record.
#[derive(Debug, Default, Clone)]
pub struct RecordSet {
    records: Vec<Arc<Record>>,
    /// Per kind (in `Kind::ALL` order), id → position in `records`: a lookup by `&str`
    /// allocates nothing.
    index: [HashMap<String, usize>; Kind::ALL.len()],
    /// Records that exist but failed their schema: references to them are not dangling.
    invalid: HashSet<RecordRef>,
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
        let mut index: [HashMap<String, usize>; Kind::ALL.len()] = Default::default();
        for (i, r) in records.iter().enumerate() {
            index[r.kind() as usize]
                .entry(r.id().to_string())
                .or_insert(i);
        }
        RecordSet {
            records,
            index,
            invalid: HashSet::new(),
        }
    }

    /// Remember records that were written but could not be read, so that references to them
    /// are not reported as dangling on top of their own findings.
    pub fn with_invalid(mut self, invalid: impl IntoIterator<Item = RecordRef>) -> RecordSet {
        self.invalid.extend(invalid);
        self
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
        self.index[kind as usize].get(id).copied()
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
