//! The device's side of a sync, without I/O: it turns store state into
//! requests and applies responses; the HTTP client (or a test) carries them.
//!
//! A session is thrown away after any transport error: a new session starts
//! again from the persisted sync states, never from in-memory state that may
//! assume a response arrived (design.md 6).

use std::collections::{BTreeMap, BTreeSet};

use automerge::sync::State;
use serde_bytes::ByteBuf;

use super::wire::*;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::store::{ServerRefusal, Store};

/// What a person is told when the server will not take a document at all.
const NOT_A_WRITER: &str = "无权修改该记录（不在检查组或权限不足），本机未同步的修改已另存";

/// Most batch rounds a session may take before it gives up.
pub const MAX_ROUNDS: u32 = 64;

/// What to send next.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Round 1: the digest.
    Digest(DigestRequest),
    /// Round 1b: per-document heads.
    Heads(HeadsRequest),
    /// Round 2+: sync messages.
    Batch(BatchRequest),
}

/// What came back.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// Answer to a digest.
    Digest(DigestResponse),
    /// Answer to heads.
    Heads(HeadsResponse),
    /// Answer to a batch.
    Batch(BatchResponse),
}

/// Progress of a session, for the app's sync screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Documents that needed sync.
    pub documents_total: usize,
    /// Of which finished.
    pub documents_done: usize,
    /// Request bytes sent (bodies).
    pub bytes_sent: u64,
    /// Response bytes received (bodies).
    pub bytes_received: u64,
    /// Requests made.
    pub requests: u32,
    /// Documents whose changes the server refused.
    pub rejected: Vec<Rejection>,
    /// Changes set aside because of those refusals (kept, see
    /// `Store::set_aside_changes`).
    pub set_aside: u32,
    /// Set-aside edits made again (sent in the next session).
    pub reapplied: u32,
    /// Documents received in a form this device cannot keep (see
    /// `Store::quarantined`); the others synced on.
    pub quarantined: Vec<String>,
    /// Documents this session changed on the device (for change listeners).
    pub changed: Vec<String>,
}

/// One sync session of a device with a server.
#[derive(Debug)]
pub struct ClientSession {
    peer: String,
    states: BTreeMap<String, State>,
    active: BTreeSet<String>,
    done: BTreeSet<String>,
    rounds: u32,
    progress: Progress,
}

impl ClientSession {
    /// A new session with `peer` (the server's stable id).
    pub fn new(peer: impl Into<String>) -> Self {
        ClientSession {
            peer: peer.into(),
            states: BTreeMap::new(),
            active: BTreeSet::new(),
            done: BTreeSet::new(),
            rounds: 0,
            progress: Progress::default(),
        }
    }

    /// Progress so far.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Accounts for bytes on the wire (the transport calls this).
    pub fn count_bytes(&mut self, sent: usize, received: usize) {
        self.progress.bytes_sent += sent as u64;
        self.progress.bytes_received += received as u64;
        self.progress.requests += 1;
    }

    /// The first request: one digest of everything the store holds.
    pub fn start(&mut self, store: &Store) -> Result<Request> {
        let inventory = store.sync_inventory()?;
        let digest = super::digest::heads_digest(inventory.iter().map(|(id, h)| (id.as_str(), h.as_slice())));
        let documents = inventory.iter().filter(|(_, h)| !h.is_empty()).count() as u32;
        Ok(Request::Digest(DigestRequest { digest: ByteBuf::from(digest.to_vec()), documents }))
    }

    /// Handles a response; returns the next request, or `None` when done.
    pub fn handle(&mut self, store: &mut Store, response: Response, at: Timestamp) -> Result<Option<Request>> {
        match response {
            Response::Digest(DigestResponse::InSync) => Ok(None),
            Response::Digest(DigestResponse::SendHeads) => {
                let docs = store
                    .sync_inventory()?
                    .into_iter()
                    .map(|(doc, heads)| DocHeads {
                        doc,
                        heads: heads.iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(),
                    })
                    .collect();
                Ok(Some(Request::Heads(HeadsRequest { docs })))
            }
            Response::Heads(h) => {
                // A document the server will neither take nor give (the user
                // left its team): work on it that never reached the server is
                // set aside once, not offered on every sync.
                for doc in h.refused {
                    let changes = store.unsynced_changes(&doc, &self.peer)?;
                    if changes.is_empty() {
                        continue;
                    }
                    let refusal = ServerRefusal {
                        doc: doc.clone(),
                        code: "forbidden".into(),
                        reason: NOT_A_WRITER.into(),
                        change: None,
                        changes: changes.clone(),
                    };
                    self.refused(store, refusal, at)?;
                }
                self.active = h.differ.into_iter().chain(h.new).collect();
                self.progress.documents_total = self.active.len();
                self.next_batch(store)
            }
            Response::Batch(b) => {
                self.rounds += 1;
                if self.rounds > MAX_ROUNDS {
                    return Err(Error::validation("sync", "did not converge within the round limit"));
                }
                for r in b.rejected {
                    self.active.remove(&r.doc);
                    self.done.insert(r.doc.clone());
                    let refusal = ServerRefusal {
                        doc: r.doc.clone(),
                        code: r.code.clone(),
                        reason: r.reason.clone(),
                        change: r.change.clone(),
                        changes: r.changes.clone(),
                    };
                    self.refused(store, refusal, at)?;
                }
                for m in b.messages {
                    if !self.active.contains(&m.doc) {
                        if self.progress.quarantined.contains(&m.doc) {
                            continue;
                        }
                        return Err(Error::validation("sync", "server answered for a document not in this session"));
                    }
                    let peer = self.peer.clone();
                    let state = self.state(store, &m.doc)?;
                    match store.receive_sync_message(&m.doc, &peer, state, &m.message, at, &mut |_, _, _| Ok(())) {
                        Ok(changed) => {
                            store.release(&m.doc)?;
                            if changed && !self.progress.changed.contains(&m.doc) {
                                self.progress.changed.push(m.doc.clone());
                            }
                        }
                        // A document this device cannot keep is set apart;
                        // the others sync on. Storage failures still stop.
                        Err(
                            e @ (Error::Schema(_)
                            | Error::Hydrate(_)
                            | Error::Validation { .. }
                            | Error::InvalidId { .. }
                            | Error::CorruptDocument { .. }
                            | Error::Automerge(_)),
                        ) => {
                            store.quarantine(&m.doc, &e.to_string(), at)?;
                            self.states.remove(&m.doc);
                            self.active.remove(&m.doc);
                            self.done.insert(m.doc.clone());
                            self.progress.quarantined.push(m.doc.clone());
                        }
                        Err(e) => return Err(e),
                    }
                }
                // A document is done once we have nothing more to say about it
                // (checked in next_batch); the server speaks only in reply.
                self.next_batch(store)
            }
        }
    }

    /// Sets the refused work aside and gets back into step, so it is not
    /// sent again; the next session converges.
    fn refused(&mut self, store: &mut Store, r: ServerRefusal, at: Timestamp) -> Result<()> {
        let outcome = store.handle_refusal(&r, at)?;
        self.progress.set_aside += outcome.set_aside;
        self.progress.reapplied += outcome.reapplied;
        self.states.remove(&r.doc);
        self.progress.rejected.push(Rejection {
            doc: r.doc,
            code: r.code,
            reason: r.reason,
            change: r.change,
            changes: r.changes,
        });
        Ok(())
    }

    fn state(&mut self, store: &Store, doc: &str) -> Result<&mut State> {
        if !self.states.contains_key(doc) {
            let s = store.sync_state(doc, &self.peer)?;
            self.states.insert(doc.to_string(), s);
        }
        Ok(self.states.get_mut(doc).expect("inserted"))
    }

    fn next_batch(&mut self, store: &mut Store) -> Result<Option<Request>> {
        let mut messages = Vec::new();
        let docs: Vec<String> = self.active.iter().cloned().collect();
        for doc in docs {
            let state = self.state(store, &doc)?;
            match store.generate_sync_message(&doc, state)? {
                Some(m) => messages.push(DocMessage { doc, message: ByteBuf::from(m) }),
                None => {
                    self.active.remove(&doc);
                    self.done.insert(doc);
                }
            }
        }
        self.progress.documents_done = self.done.len();
        if messages.is_empty() {
            return Ok(None);
        }
        Ok(Some(Request::Batch(BatchRequest { messages })))
    }
}
