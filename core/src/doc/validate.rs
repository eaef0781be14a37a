//! What a server checks in an incoming inspection document before it keeps
//! it (the layout, the times and codes every device's projections read, the
//! frozen records), and the blobs the document references, which decide who
//! may read them. Read key by key, without hydrating the whole document.

use automerge::{Automerge, ReadDoc, ScalarValue, ROOT};

use super::fields::{object, root_map, string};
use crate::error::{Error, Result};
use crate::model::inspection::SCHEMA_VERSION;
use crate::model::{FindingStatus, InspectionStatus, Timestamp};
use crate::rules::grades::GradeScheme;

/// Checks what a server must check before accepting changes to an
/// inspection: the layout version, the id, that signatures, refusals and
/// device keys are as their devices froze them, and that every finding's grade
/// belongs to `scheme` and its deadline and status parse. Reads key by key,
/// without hydrating the whole document.
pub fn check_schema(doc: &Automerge, expected_id: &str, scheme: &GradeScheme) -> Result<()> {
    match super::fields::scalar(doc, &ROOT, "schema")? {
        Some(ScalarValue::Uint(v)) if v == SCHEMA_VERSION => {}
        other => return Err(Error::Schema(format!("unsupported inspection schema {other:?}"))),
    }
    let id = string(doc, &ROOT, "id")?.unwrap_or_default();
    if id != expected_id {
        return Err(Error::Schema("the document's id does not match".into()));
    }
    InspectionStatus::from_code(&string(doc, &ROOT, "status")?.unwrap_or_default())?;
    // Times every device's projections read: a malformed one would stop the
    // next sync of every device that receives it.
    for field in ["created_at", "scheduled_at", "started_at", "ended_at"] {
        check_values(doc, &ROOT, field, field == "created_at", |v| match v {
            ScalarValue::Null if field != "created_at" => Ok(()),
            ScalarValue::Str(t) => Timestamp::parse(t).map(|_| ()),
            _ => Err(Error::Schema(format!("malformed {field}"))),
        })
        .map_err(|_| Error::Schema(format!("the inspection's {field} is malformed")))?;
    }
    crate::signing::frozen::check_frozen(doc)?;
    let findings = root_map(doc, "findings")?;
    for key in doc.keys(&findings) {
        let obj = object(doc, &findings, &key, "finding")?;
        for field in ["grade", "deadline", "status", "found_at", "description"] {
            // Every concurrent value must be valid, not only the winner.
            check_values(doc, &obj, field, true, |v| {
                let text = v.as_str().ok_or_else(|| Error::Schema(format!("malformed {field}")))?;
                match field {
                    "grade" => scheme.grade(text).map(|_| ()),
                    "deadline" => crate::rules::deadline::Deadline::parse(text).map(|_| ()),
                    "found_at" => Timestamp::parse(text).map(|_| ()),
                    "description" => Ok(()),
                    _ => FindingStatus::from_code(text).map(|_| ()),
                }
            })
            .map_err(|_| Error::Schema(format!("finding {key}: {field} is missing or malformed")))?;
        }
    }
    Ok(())
}

/// Runs `check` on every concurrent scalar value of `obj[field]`; a field
/// `required` must hold at least one, and an object where a scalar belongs
/// is refused.
fn check_values(
    doc: &Automerge,
    obj: &automerge::ObjId,
    field: &str,
    required: bool,
    check: impl Fn(&ScalarValue) -> Result<()>,
) -> Result<()> {
    let values = doc.get_all(obj, field)?;
    if required && values.is_empty() {
        return Err(Error::Schema("missing".into()));
    }
    for (value, _) in values {
        match value {
            automerge::Value::Scalar(s) => check(&s)?,
            automerge::Value::Object(_) => return Err(Error::Schema("not a value".into())),
        }
    }
    Ok(())
}

/// The first change after `since` that writes `hash` (as a value or a map
/// key): the change that introduced a reference to that blob, named when
/// the reference is refused so the device sets aside only that change.
pub fn change_writing(doc: &Automerge, since: &[automerge::ChangeHash], hash: &str) -> Option<automerge::ChangeHash> {
    use automerge::legacy::{Key, OpType};
    doc.get_changes(since).into_iter().find_map(|c| {
        let writes = c.decode().operations.iter().any(|op| {
            matches!(&op.action, OpType::Put(automerge::ScalarValue::Str(s)) if s.eq_ignore_ascii_case(hash))
                || matches!(&op.key, Key::Map(k) if k.eq_ignore_ascii_case(hash))
        });
        writes.then(|| c.hash())
    })
}

/// Every blob (SHA-256 hex) the document references as evidence, from its
/// findings and checklist responses. The server lets a user read a blob only
/// when a document they may read references it.
pub fn evidence_refs(doc: &Automerge) -> Result<std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeSet::new();
    for (collection, field) in
        [("findings", "evidence"), ("findings", "rectification_evidence"), ("responses", "evidence")]
    {
        let Some((automerge::Value::Object(_), map)) = doc.get(ROOT, collection)? else { continue };
        for key in doc.keys(&map) {
            let Some((automerge::Value::Object(_), obj)) = doc.get(&map, &key)? else { continue };
            let Some((automerge::Value::Object(_), list)) = doc.get(&obj, field)? else { continue };
            for i in 0..doc.length(&list) {
                if let Some((automerge::Value::Scalar(s), _)) = doc.get(&list, i)? {
                    if let Some(h) = s.as_str().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())) {
                        out.insert(h.to_ascii_lowercase());
                    }
                }
            }
        }
    }
    // The derived copies of each photo and the signature images.
    for (collection, fields) in
        [("evidence", &["sha256", "display", "thumbnail"][..]), ("signatures", &["image_sha256"][..])]
    {
        let Some((automerge::Value::Object(_), map)) = doc.get(ROOT, collection)? else { continue };
        for key in doc.keys(&map) {
            let Some((automerge::Value::Object(_), obj)) = doc.get(&map, &key)? else { continue };
            for field in fields {
                if let Some(h) =
                    string(doc, &obj, field)?.filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    out.insert(h.to_ascii_lowercase());
                }
            }
        }
    }
    Ok(out)
}
