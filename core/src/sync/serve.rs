//! The server's side of a sync, without I/O, over [`ServerDocs`]: whatever
//! holds the server's copies (the server's SQL tables, or a [`Store`] in
//! tests). The axum server supplies the caller's access rights
//! ([`Access`]) from its access table and carries requests and responses.
//!
//! Incoming changes are applied, then checked (authored only by actors bound
//! to the calling device, the caller may write the document, the result
//! passes the schema checks); a refused change is rolled back — the holder
//! reloads the document from disk — so it never corrupts the server's copy.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::sync::{Message, State};
use automerge::{Automerge, Change, ChangeHash};

use super::wire::*;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::store::Store;

/// The caller's rights, from the server's access table.
pub trait Access {
    /// Documents the caller may read.
    fn readable(&self) -> Result<BTreeSet<String>>;
    /// Whether the caller may write `doc` (`exists`: whether the server has it).
    fn may_write(&self, doc: &str, exists: bool) -> bool;
    /// Whether `actor` (hex) is bound to the calling device.
    fn is_own_actor(&self, actor: &str) -> bool;
    /// Further checks of a document after new changes (schema rules).
    fn validate(&self, doc: &str, merged: &Automerge, known: &[ChangeHash], new: &[Change]) -> Result<()>;
}

/// Where the server keeps its copies of documents, durably. The holder also
/// keeps its access table in step with what it stores (an inspection's team
/// writes it), in the same transaction.
pub trait ServerDocs {
    /// Every stored document with its heads.
    fn inventory(&mut self) -> Result<Vec<(String, Vec<ChangeHash>)>>;
    /// Heads of one document; empty when it is not stored.
    fn stored_heads(&mut self, doc: &str) -> Result<Vec<ChangeHash>>;
    /// The persisted sync state with `peer` for `doc`, or a fresh one.
    fn sync_state(&mut self, doc: &str, peer: &str) -> Result<State>;
    /// Applies a sync message durably (see [`crate::doc::apply`]); whether
    /// the document changed. On error nothing is kept.
    fn receive_sync_message(
        &mut self,
        doc: &str,
        peer: &str,
        state: &mut State,
        message: &[u8],
        at: Timestamp,
        check: &mut crate::doc::apply::Check<'_>,
    ) -> Result<bool>;
    /// The next sync message for `doc`, or `None`.
    fn generate_sync_message(&mut self, doc: &str, state: &mut State) -> Result<Option<Vec<u8>>>;
}

impl ServerDocs for Store {
    fn inventory(&mut self) -> Result<Vec<(String, Vec<ChangeHash>)>> {
        self.sync_inventory()
    }
    fn stored_heads(&mut self, doc: &str) -> Result<Vec<ChangeHash>> {
        Store::stored_heads(self, doc)
    }
    fn sync_state(&mut self, doc: &str, peer: &str) -> Result<State> {
        Store::sync_state(self, doc, peer)
    }
    fn receive_sync_message(
        &mut self,
        doc: &str,
        peer: &str,
        state: &mut State,
        message: &[u8],
        at: Timestamp,
        check: &mut crate::doc::apply::Check<'_>,
    ) -> Result<bool> {
        Store::receive_sync_message(self, doc, peer, state, message, at, check)
    }
    fn generate_sync_message(&mut self, doc: &str, state: &mut State) -> Result<Option<Vec<u8>>> {
        Store::generate_sync_message(self, doc, state)
    }
}

/// Sync states of one device's session, kept in memory between its requests
/// and dropped when the session ends or a transport error is suspected.
pub type SessionStates = HashMap<String, State>;

/// The server's view of what the caller may read: ids with the server's heads.
fn readable_heads(
    store: &mut dyn ServerDocs,
    access: &dyn Access,
) -> Result<BTreeMap<String, Vec<automerge::ChangeHash>>> {
    let readable = access.readable()?;
    Ok(store.inventory()?.into_iter().filter(|(id, h)| !h.is_empty() && readable.contains(id)).collect())
}

/// The digest of what the caller may read, with the server's heads (what a
/// device that is in sync sends). Servers may cache it until anything changes.
pub fn server_digest(store: &mut dyn ServerDocs, access: &dyn Access) -> Result<[u8; 32]> {
    let docs = readable_heads(store, access)?;
    Ok(super::digest::heads_digest(docs.iter().map(|(id, h)| (id.as_str(), h.as_slice()))))
}

/// Round 1, given the server's digest for the caller.
pub fn answer_digest(ours: &[u8; 32], req: &DigestRequest) -> DigestResponse {
    if req.digest.as_ref() == ours.as_slice() {
        DigestResponse::InSync
    } else {
        DigestResponse::SendHeads
    }
}

/// Round 1.
pub fn digest(store: &mut dyn ServerDocs, access: &dyn Access, req: &DigestRequest) -> Result<DigestResponse> {
    Ok(answer_digest(&server_digest(store, access)?, req))
}

/// Round 1b.
pub fn heads(store: &mut dyn ServerDocs, access: &dyn Access, req: &HeadsRequest) -> Result<HeadsResponse> {
    let readable = readable_heads(store, access)?;
    let mut resp = HeadsResponse { differ: vec![], new: vec![], refused: vec![] };
    let mut seen = BTreeSet::new();
    for d in &req.docs {
        if !seen.insert(d.doc.as_str()) {
            return Err(Error::validation("heads", "a document is listed twice"));
        }
        let mut theirs = Vec::with_capacity(d.heads.len());
        for h in &d.heads {
            let bytes: [u8; 32] =
                h.as_ref().try_into().map_err(|_| Error::validation("heads", "a head is not 32 bytes"))?;
            theirs.push(automerge::ChangeHash(bytes));
        }
        theirs.sort();
        match readable.get(&d.doc) {
            Some(ours) => {
                let mut ours = ours.clone();
                ours.sort();
                if ours != theirs {
                    resp.differ.push(d.doc.clone());
                }
            }
            None => {
                let exists = !store.stored_heads(&d.doc)?.is_empty();
                if !exists && access.may_write(&d.doc, false) {
                    resp.differ.push(d.doc.clone());
                } else {
                    resp.refused.push(d.doc.clone());
                }
            }
        }
    }
    resp.new = readable.keys().filter(|id| !seen.contains(id.as_str())).cloned().collect();
    Ok(resp)
}

fn rejection(doc: &str, e: &Error, changes: Vec<String>) -> Rejection {
    let code = match e {
        Error::Refused(r) => r.rule.code(),
        Error::Forbidden { .. } => "forbidden",
        Error::Validation { field: "sync message", .. } => "malformed",
        Error::Schema(_) | Error::Validation { .. } | Error::Hydrate(_) => "schema",
        _ => "rejected",
    };
    let change = match e {
        Error::Refused(r) => r.change.clone(),
        _ => None,
    };
    Rejection { doc: doc.to_string(), code: code.into(), reason: reason_for_people(e), change, changes }
}

/// What a person is told: the rule's Chinese reason, or a Chinese sentence
/// for the transport and format refusals (never internals).
fn reason_for_people(e: &Error) -> String {
    match e {
        Error::Refused(r) => r.to_string(),
        Error::Forbidden { .. } => "无权修改该记录（不在检查组或权限不足）".into(),
        Error::Validation { field: "sync message", .. } => "同步数据无法解析".into(),
        Error::Schema(s) => format!("数据格式不正确：{s}"),
        other => format!("服务器拒绝了该修改：{other}"),
    }
}

fn hashes<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<String> {
    changes.into_iter().map(|c| c.hash().to_string()).collect()
}

/// Round 2+: applies the caller's messages and answers with the server's.
pub fn batch(
    store: &mut dyn ServerDocs,
    peer: &str,
    states: &mut SessionStates,
    access: &dyn Access,
    req: &BatchRequest,
    at: Timestamp,
) -> Result<BatchResponse> {
    let readable = access.readable()?;
    let mut resp = BatchResponse { messages: vec![], rejected: vec![] };
    let mut seen = BTreeSet::new();
    for m in &req.messages {
        if !seen.insert(m.doc.as_str()) {
            return Err(Error::validation("batch", "a document appears twice in one batch"));
        }
        let exists = !store.stored_heads(&m.doc)?.is_empty();
        let may_write = access.may_write(&m.doc, exists);
        if !(readable.contains(&m.doc) || may_write) {
            resp.rejected.push(rejection(
                &m.doc,
                &Error::Forbidden { role: "caller".into(), action: "sync".into() },
                vec![],
            ));
            continue;
        }
        let decoded = match Message::decode(&m.message) {
            Ok(d) => d,
            Err(e) => {
                resp.rejected.push(rejection(&m.doc, &Error::validation("sync message", e.to_string()), vec![]));
                continue;
            }
        };
        if !may_write && !decoded.changes.is_empty() {
            let forbidden = Error::Forbidden { role: "reader".into(), action: "write".into() };
            let sent: Vec<Change> =
                decoded.changes.iter().filter_map(|bytes| Change::from_bytes(bytes.to_vec()).ok()).collect();
            resp.rejected.push(rejection(&m.doc, &forbidden, hashes(&sent)));
            continue;
        }
        if !states.contains_key(&m.doc) {
            states.insert(m.doc.clone(), store.sync_state(&m.doc, peer)?);
        }
        let state = states.get_mut(&m.doc).expect("inserted");
        let doc = m.doc.as_str();
        let mut incoming = Vec::new();
        let result = store.receive_sync_message(doc, peer, state, &m.message, at, &mut |merged, known, new| {
            incoming = hashes(new);
            if let Some(c) = new.iter().find(|c| !access.is_own_actor(&c.actor_id().to_hex_string())) {
                // Relayed from another device: only its own device may send it.
                let refusal = crate::doc::authorize::Refusal::new(
                    crate::doc::authorize::Rule::Relayed,
                    format!("修改 {} 须由其作者的设备自行同步", &c.hash().to_string()[..12]),
                );
                return Err(refusal.by(c.hash()).into());
            }
            access.validate(doc, merged, known, new)
        });
        match result {
            Ok(_) => {}
            Err(e) => {
                // Start this document over next time from the persisted state.
                states.remove(doc);
                resp.rejected.push(rejection(doc, &e, incoming));
                continue;
            }
        }
        if let Some(reply) = store.generate_sync_message(doc, states.get_mut(doc).expect("present"))? {
            resp.messages.push(DocMessage { doc: m.doc.clone(), message: serde_bytes::ByteBuf::from(reply) });
        }
    }
    Ok(resp)
}
