//! Checking signatures. A signature is one of: valid (the frozen snapshot is
//! intact, its device signature verifies under a key registered to the
//! device that wrote it, and the live record still renders to the same
//! bytes); changed after signing (all of that holds but the live record has
//! moved on, with the list of changes); or invalid (the snapshot, the
//! signature, the key or the binding to this record was tampered with).

use automerge::{Automerge, ObjType, ReadDoc, ROOT};
use sha2::{Digest, Sha256};

use super::canonical::{canonical_record, record_value};
use super::diff::{diff, RecordChange};
use super::entry::SignatureEntry;
use super::keys::verify_hex;
use super::record::RecordRef;
use crate::error::Result;
use crate::model::Inspection;

/// The outcome of verifying one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Intact, and the record is still exactly what was signed.
    Valid,
    /// Intact, but the live record changed since; the signature covers only
    /// the frozen snapshot.
    ChangedAfterSigning {
        /// What changed.
        changes: Vec<RecordChange>,
    },
    /// Not a valid signature of this record.
    Invalid {
        /// Why, in Chinese.
        reason: String,
    },
}

/// One signature and its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The stored entry.
    pub entry: SignatureEntry,
    /// Its status.
    pub status: SignatureStatus,
}

fn invalid(reason: &str) -> SignatureStatus {
    SignatureStatus::Invalid { reason: reason.into() }
}

/// Verifies every signature stored in an inspection document.
pub fn verify_all(doc: &Automerge) -> Result<Vec<SignatureCheck>> {
    let live: Inspection = autosurgeon::hydrate(doc)?;
    let mut out = Vec::new();
    for (key, entry) in &live.signatures {
        out.push(SignatureCheck { status: verify_entry(doc, key, entry, &live), entry: entry.clone() });
    }
    out.sort_by(|a, b| (a.entry.signed_at, &a.entry.id).cmp(&(b.entry.signed_at, &b.entry.id)));
    Ok(out)
}

/// Verifies the entry stored under `key` against the document and the live
/// inspection hydrated from it.
pub fn verify_entry(doc: &Automerge, key: &str, entry: &SignatureEntry, live: &Inspection) -> SignatureStatus {
    if entry.id != key {
        return invalid("签名不属于此检查记录（疑似移植）");
    }
    let key_check = match registered_key(doc, key) {
        Some(k) if k == entry.device_key => Ok(()),
        Some(_) => Err("签名设备密钥与登记的不符"),
        None => Err("签名设备密钥未登记"),
    };
    check(entry, live, key_check)
}

/// Verifies a signature presented on its own (exported with a document,
/// handed to the office or a court) against an inspection document: it must
/// be intact, signed by a device key that an actor of this inspection
/// registered for itself, identical to the stored signature of the same id
/// if there is one, and it is compared with the live record.
pub fn verify_detached(doc: &Automerge, entry: &SignatureEntry) -> Result<SignatureStatus> {
    let live: Inspection = autosurgeon::hydrate(doc)?;
    if let Some(stored) = live.signatures.get(&entry.id) {
        if stored != entry {
            return Ok(invalid("与存档的签名不一致（已被改动）"));
        }
    }
    let key_check = if registered_keys(doc).contains(&entry.device_key) {
        Ok(())
    } else {
        Err("签名设备密钥未在此检查中登记")
    };
    Ok(check(entry, &live, key_check))
}

fn check(entry: &SignatureEntry, live: &Inspection, key_check: Result<(), &str>) -> SignatureStatus {
    if entry.inspection != live.id {
        return invalid("签名不属于此检查记录（疑似移植）");
    }
    let Ok(record) = entry.record.parse::<RecordRef>() else { return invalid("签名所指的记录无法识别") };
    if hex::encode(Sha256::digest(entry.snapshot.as_bytes())) != entry.snapshot_sha256 {
        return invalid("签名快照已被篡改（哈希不符）");
    }
    let Ok(signed) = serde_json::from_str::<serde_json::Value>(&entry.snapshot) else {
        return invalid("签名快照无法解析");
    };
    if signed.get("inspection").and_then(|v| v.as_str()) != Some(&entry.inspection.to_string())
        || signed.get("record").and_then(|v| v.as_str()) != Some(entry.record.as_str())
    {
        return invalid("签名快照不属于此记录（疑似移植）");
    }
    if let Err(reason) = key_check {
        return invalid(reason);
    }
    if !verify_hex(&entry.device_key, &entry.message(), &entry.device_signature) {
        return invalid("设备签名校验失败");
    }
    let live_bytes = match canonical_record(live, &record) {
        Ok(bytes) => bytes,
        Err(_) => {
            return SignatureStatus::ChangedAfterSigning {
                changes: vec![RecordChange {
                    path: record.code(), description: format!("{}已被删除", record.label())
                }],
            }
        }
    };
    if live_bytes == entry.snapshot.as_bytes() {
        return SignatureStatus::Valid;
    }
    let live_value = record_value(live, &record).unwrap_or(serde_json::Value::Null);
    let mut changes = diff(&signed, &live_value);
    if changes.is_empty() {
        // Same content, different bytes: an older canonical form.
        changes.push(RecordChange { path: String::new(), description: "记录格式已变化".into() });
    }
    SignatureStatus::ChangedAfterSigning { changes }
}

/// The device key registered for the actor that created signature `key`:
/// the author of a change is authenticated by the server, so the key is
/// bound to an enrolled device.
fn registered_key(doc: &Automerge, key: &str) -> Option<String> {
    let (_, sigs) = doc.get(ROOT, "signatures").ok()??;
    let (value, exid) = doc.get(&sigs, key).ok()??;
    if !matches!(value, automerge::Value::Object(ObjType::Map)) {
        return None;
    }
    let automerge::ObjId::Id(_, actor, _) = exid else { return None };
    own_key(doc, &actor.to_hex_string())
}

/// Every device key an actor of the document registered for itself.
fn registered_keys(doc: &Automerge) -> Vec<String> {
    let Some((_, actors)) = doc.get(ROOT, "actors").ok().flatten() else { return Vec::new() };
    doc.keys(&actors).filter_map(|actor| own_key(doc, &actor)).collect()
}

/// The key in `actors[actor].device_key`, only if that actor wrote it itself
/// and nobody wrote a rival value: another device cannot register a key in
/// someone else's name.
fn own_key(doc: &Automerge, actor: &str) -> Option<String> {
    let (_, actors) = doc.get(ROOT, "actors").ok()??;
    let (_, entry) = doc.get(&actors, actor).ok()??;
    let values = doc.get_all(&entry, "device_key").ok()?;
    let [(automerge::Value::Scalar(s), automerge::ObjId::Id(_, writer, _))] = values.as_slice() else { return None };
    (writer.to_hex_string() == actor).then(|| s.as_str().map(str::to_string)).flatten()
}
