//! Targeted writes into a document.
//!
//! autosurgeon's `reconcile` puts every scalar it visits, even unchanged ones,
//! and in automerge every put is an op that conflicts with concurrent puts of
//! the same key. Reconciling a whole finding to change its location would
//! therefore show a false "grade conflict" whenever another inspector touched
//! the grade. Edits go through these helpers instead: they write one key, and
//! only when its value really changes.

use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::error::{Error, Result};

/// A map at the root, created if the document predates it (maps added to
/// the layout later: `evidence`, `signatures`, `refusals`).
pub fn root_map_or_create<T: Transactable + ReadDoc>(tx: &mut T, key: &'static str) -> Result<ObjId> {
    match tx.get(automerge::ROOT, key)? {
        Some(_) => root_map(tx, key),
        None => Ok(tx.put_object(automerge::ROOT, key, ObjType::Map)?),
    }
}

/// The object stored at `obj[key]`, or `NotFound`.
pub fn object<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str, kind: &'static str) -> Result<ObjId> {
    match doc.get(obj, key)? {
        Some((Value::Object(_), id)) => Ok(id),
        Some(_) => Err(Error::Schema(format!("{kind} {key} is not an object"))),
        None => Err(Error::NotFound { kind, id: key.to_string() }),
    }
}

/// The map at the root key `key` (findings, responses, ...).
pub fn root_map<D: ReadDoc>(doc: &D, key: &'static str) -> Result<ObjId> {
    match doc.get(automerge::ROOT, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Err(Error::Schema(format!("root key {key} is missing or not a map"))),
    }
}

/// The scalar at `obj[key]`, if any (the winning value when conflicted).
pub fn scalar<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Option<ScalarValue>> {
    Ok(match doc.get(obj, key)? {
        Some((Value::Scalar(s), _)) => Some(s.into_owned()),
        _ => None,
    })
}

/// The string at `obj[key]`, if it is one.
pub fn string<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<Option<String>> {
    Ok(match scalar(doc, obj, key)? {
        Some(ScalarValue::Str(s)) => Some(s.to_string()),
        _ => None,
    })
}

/// Whether concurrent writes left more than one value at `obj[key]`.
pub fn is_conflicted<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Result<bool> {
    Ok(doc.get_all(obj, key)?.len() > 1)
}

/// Writes `value` at `obj[key]` unless it is already the only value there.
/// Returns whether anything was written.
pub fn put_if_changed<T: Transactable + ReadDoc>(
    tx: &mut T,
    obj: &ObjId,
    key: &str,
    value: ScalarValue,
) -> Result<bool> {
    let all = tx.get_all(obj, key)?;
    if all.len() == 1 {
        if let (Value::Scalar(current), _) = &all[0] {
            if current.as_ref() == &value {
                return Ok(false);
            }
        }
    }
    tx.put(obj, key, value)?;
    Ok(true)
}

/// Like [`put_if_changed`], but refuses to overwrite a conflicted key: for
/// legally significant fields a person must resolve the conflict first.
pub fn put_significant<T: Transactable + ReadDoc>(
    tx: &mut T,
    obj: &ObjId,
    key: &'static str,
    value: ScalarValue,
) -> Result<bool> {
    if is_conflicted(tx, obj, key)? {
        return Err(Error::Conflicted { field: key });
    }
    put_if_changed(tx, obj, key, value)
}

/// An optional string as a scalar (null when absent).
pub fn opt_str(v: Option<&str>) -> ScalarValue {
    v.map(ScalarValue::from).unwrap_or(ScalarValue::Null)
}

/// Appends `value` to the list at `obj[key]` unless it is already in it.
/// Concurrent appends from several devices both survive.
pub fn append_unique<T: Transactable + ReadDoc>(tx: &mut T, obj: &ObjId, key: &str, value: &str) -> Result<bool> {
    let list = match tx.get(obj, key)? {
        Some((Value::Object(ObjType::List), id)) => id,
        _ => tx.put_object(obj, key, ObjType::List)?,
    };
    let present = tx.values(&list).any(|(v, _)| matches!(v, Value::Scalar(s) if s.as_str() == Some(value)));
    if present {
        return Ok(false);
    }
    let n = tx.length(&list);
    tx.insert(&list, n, value)?;
    Ok(true)
}

/// Whether `obj[field]` holds concurrent values a person must resolve. A
/// finding's deadline computed from its grade is not such a field: every
/// device derives it from the grade (`rules::deadline::finding_deadline`),
/// so only a conflict on the grade, or on a deadline set by hand, counts.
pub fn significant_conflict<D: ReadDoc>(doc: &D, obj: &ObjId, field: &str) -> Result<bool> {
    if doc.get_all(obj, field)?.len() < 2 {
        return Ok(false);
    }
    if field == "deadline" {
        let basis = doc.get_all(obj, "deadline_basis")?;
        let computed = match basis.as_slice() {
            [] => true,
            [(Value::Scalar(s), _)] => s.as_str() == Some(crate::model::DeadlineBasis::Computed.code()),
            _ => false,
        };
        return Ok(!computed);
    }
    Ok(true)
}
