//! One entry of a keyed collection (a finding, an event, a signature...)
//! as it stood before a change and after it: its objects, its fields read in
//! one pass on each side, and what the change did to it. The per-collection
//! rules (`entries`, `closed_loop`) read entries through this.

use std::collections::BTreeSet;

use automerge::{Automerge, ObjId, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::Hydrate;

use super::refusal::{Refusal, Rule};
use super::Step;
use crate::doc::at::DocAt;

/// One entry before and after the change.
pub(super) struct Entry<'k> {
    pub(super) collection: &'static str,
    pub(super) key: &'k str,
    pub(super) before: Option<ObjId>,
    pub(super) after: Option<ObjId>,
    /// Concurrent objects at the key before and after the change.
    pub(super) before_count: usize,
    pub(super) after_count: usize,
    /// The entry's fields before the change, read in one pass (each read
    /// of an older state recomputes the document's clock, so fields are
    /// not read one by one there), with whether each was in conflict.
    pub(super) before_fields: Option<automerge::hydrate::Map>,
    /// The same after the change.
    pub(super) after_fields: Option<automerge::hydrate::Map>,
}

impl<'k> Entry<'k> {
    pub(super) fn read(s: &Step<'_>, collection: &'static str, key: &'k str) -> Result<Self, Refusal> {
        let before_all = root_obj(&s.before, collection).map(|r| all(&s.before, &r, key)).unwrap_or_default();
        let after_all = root_obj(&s.after, collection).map(|r| all(&s.after, &r, key)).unwrap_or_default();
        let object = |v: &[(Value<'static>, ObjId)]| -> Result<Option<ObjId>, Refusal> {
            match v.last() {
                None => Ok(None),
                Some((Value::Object(_), id)) => Ok(Some(id.clone())),
                Some(_) => Err(Refusal::new(Rule::Schema, format!("「{collection}」中的 {key} 不是记录"))),
            }
        };
        let (before, after) = (object(&before_all)?, object(&after_all)?);
        let snapshot = |view: &DocAt<'_, Automerge>, obj: &Option<ObjId>| -> Option<automerge::hydrate::Map> {
            match obj.as_ref().map(|o| ReadDoc::hydrate(view, o, None)) {
                Some(Ok(automerge::hydrate::Value::Map(m))) => Some(m),
                _ => None,
            }
        };
        let entry = Entry {
            collection,
            key,
            before_fields: snapshot(&s.before, &before),
            after_fields: snapshot(&s.after, &after),
            before,
            after,
            before_count: before_all.len(),
            after_count: after_all.len(),
        };
        // Team members and sub-groups come and go; every other record stays.
        if entry.after.is_none() && entry.before.is_some() && !matches!(collection, "team" | "subgroups") {
            return Err(Refusal::new(Rule::Deleted, format!("「{collection}」中的 {key} 被删除")));
        }
        Ok(entry)
    }

    /// The entry was there before (and so this change edits it).
    pub(super) fn existed(&self) -> bool {
        self.before.is_some()
    }

    /// The change put a new object where one stood (not an edit in place).
    pub(super) fn replaced(&self) -> bool {
        self.before.is_some() && self.before != self.after
    }

    /// The fields whose values differ before and after the change.
    pub(super) fn changed(&self) -> BTreeSet<String> {
        let empty = automerge::hydrate::Map::default();
        let (b, a) = (self.before_fields.as_ref().unwrap_or(&empty), self.after_fields.as_ref().unwrap_or(&empty));
        let keys: BTreeSet<&String> = b.iter().map(|(k, _)| k).chain(a.iter().map(|(k, _)| k)).collect();
        keys.into_iter().filter(|k| b.get(k) != a.get(k)).cloned().collect()
    }

    /// A field's text value before the change.
    pub(super) fn before_text(&self, field: &str) -> Option<String> {
        match self.before_fields.as_ref()?.get(field)? {
            automerge::hydrate::Value::Scalar(ScalarValue::Str(t)) => Some(t.to_string()),
            _ => None,
        }
    }

    /// A list of texts (evidence hashes) before the change.
    pub(super) fn before_list(&self, field: &str) -> Vec<String> {
        match self.before_fields.as_ref().and_then(|m| m.get(field)) {
            Some(automerge::hydrate::Value::List(l)) => l
                .iter()
                .filter_map(|v| match &v.value {
                    automerge::hydrate::Value::Scalar(ScalarValue::Str(t)) => Some(t.to_string()),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        }
    }

    /// Whether `field` held concurrent values a person must resolve, before
    /// (`after` false) or after the change. A deadline computed from the
    /// grade is not such a field (see `fields::significant_conflict`).
    pub(super) fn conflicted(&self, field: &str, after: bool) -> bool {
        let fields = if after { &self.after_fields } else { &self.before_fields };
        let Some(m) = fields else { return false };
        let in_conflict = m.iter().any(|(k, v)| k == field && v.conflict);
        if !in_conflict || field != "deadline" {
            return in_conflict;
        }
        let basis = m.iter().find(|(k, _)| k.as_str() == "deadline_basis");
        match basis {
            None => false,
            Some((_, v)) => {
                v.conflict
                    || !matches!(&v.value, automerge::hydrate::Value::Scalar(ScalarValue::Str(t))
                        if t.as_str() == crate::model::DeadlineBasis::Computed.code())
            }
        }
    }

    /// The entry after the change, typed.
    pub(super) fn value<T: Hydrate>(&self, s: &Step<'_>) -> Result<T, Refusal> {
        let obj = self.after.as_ref().ok_or_else(|| Refusal::new(Rule::Deleted, format!("{} 不存在", self.key)))?;
        T::hydrate_map(&s.after, obj)
            .map_err(|_| Refusal::new(Rule::Schema, format!("「{}」中的 {} 无法读取", self.collection, self.key)))
    }
}

/// How many concurrent objects `collection[key]` holds in `doc` now.
pub(super) fn concurrent(doc: &automerge::Automerge, collection: &str, key: &str) -> usize {
    root_obj(doc, collection).map_or(0, |m| all(doc, &m, key).len())
}

pub(super) fn root_obj<D: ReadDoc>(doc: &D, collection: &str) -> Option<ObjId> {
    match doc.get(ROOT, collection).ok().flatten() {
        Some((Value::Object(_), id)) => Some(id),
        _ => None,
    }
}

pub(super) fn all<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Vec<(Value<'static>, ObjId)> {
    doc.get_all(obj, key).unwrap_or_default().into_iter().map(|(v, id)| (v.into_owned(), id)).collect()
}
