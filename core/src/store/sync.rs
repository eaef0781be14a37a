//! The store's side of sync: the inventory and digest of what it holds, sync
//! state per (document, peer), and applying or producing automerge sync
//! messages durably. Used by the device (`sync::client`) and by the server
//! when it keeps documents in SQLite (`sync::serve`).

use automerge::sync::{Message, State, SyncDoc};
use automerge::{Automerge, Change, ChangeHash};
use rusqlite::{params, OptionalExtension};

use super::chunks::{self, DocKind};
use super::{Reach, Store};
use crate::doc::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use crate::doc::InspectionDoc;
use crate::error::{Error, Result};
use crate::model::Timestamp;

impl Store {
    /// Every stored document with its heads, in id order.
    pub fn sync_inventory(&self) -> Result<Vec<(String, Vec<ChangeHash>)>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, heads FROM documents ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, heads) = row?;
            out.push((id, chunks::decode_heads(&heads)?));
        }
        Ok(out)
    }

    /// Heads of one document, from the documents table (no load); empty when
    /// the document is not stored.
    pub fn stored_heads(&self, id: &str) -> Result<Vec<ChangeHash>> {
        let heads: Option<Vec<u8>> =
            self.conn.query_row("SELECT heads FROM documents WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        heads.map(|h| chunks::decode_heads(&h)).transpose().map(Option::unwrap_or_default)
    }

    /// The sync state with `peer` for `doc`: the persisted part, or a fresh one.
    pub fn sync_state(&self, doc: &str, peer: &str) -> Result<State> {
        let bytes: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT state FROM sync_states WHERE doc_id = ?1 AND peer = ?2", params![doc, peer], |r| {
                r.get(0)
            })
            .optional()?;
        match bytes {
            // A state that does not decode is only an optimisation lost: start over.
            Some(b) => Ok(State::decode(&b).unwrap_or_default()),
            None => Ok(State::new()),
        }
    }

    /// Produces the next sync message for `doc` (an empty document when it is
    /// not stored here yet), or `None` when there is nothing to say.
    pub fn generate_sync_message(&mut self, doc: &str, state: &mut State) -> Result<Option<Vec<u8>>> {
        let msg = if self.ensure_loaded(doc)? {
            self.cache[doc].1.doc.generate_sync_message(state)
        } else {
            Automerge::new().generate_sync_message(state)
        };
        Ok(msg.map(Message::encode))
    }

    /// Applies a sync message from `peer` for `doc`, durably, with the new
    /// state. `check` sees the document after the changes and the changes
    /// that are new; if it refuses, nothing is kept (document and state as
    /// before). A document that is new here is created from what arrives.
    /// Returns whether the document changed.
    pub fn receive_sync_message<F>(
        &mut self,
        doc: &str,
        peer: &str,
        state: &mut State,
        message: &[u8],
        at: Timestamp,
        check: F,
    ) -> Result<bool>
    where
        F: FnOnce(&Automerge, &[Change]) -> Result<()>,
    {
        let message = Message::decode(message).map_err(|e| Error::validation("sync message", e.to_string()))?;
        let saved_state = state.clone();
        let restore = |state: &mut State| *state = saved_state.clone();
        if !self.ensure_loaded(doc)? {
            let mut fresh = Automerge::new().with_actor(self.actor.clone());
            if let Err(e) = fresh.receive_sync_message(state, message) {
                restore(state);
                return Err(e.into());
            }
            if fresh.get_heads().is_empty() {
                self.save_sync_state(doc, peer, state)?;
                return Ok(false);
            }
            let result = (|| {
                let new = fresh.get_changes(&[]);
                check(&fresh, &new)?;
                let kind = detect_kind(doc, fresh)?;
                let tx = self.conn.transaction()?;
                let loaded = chunks::insert(&tx, doc, kind.0, kind.1, at)?;
                super::refresh(&tx, &loaded, Reach::Everything, true)?;
                write_sync_state(&tx, doc, peer, &state.encode())?;
                tx.commit()?;
                Ok(loaded)
            })();
            return match result {
                Ok(loaded) => {
                    self.insert_cached(loaded);
                    Ok(true)
                }
                Err(e) => {
                    restore(state);
                    Err(e)
                }
            };
        }
        let (_, loaded) = self.cache.get_mut(doc).expect("loaded");
        let before = loaded.saved_heads.clone();
        let applied = loaded.doc.receive_sync_message(state, message).map_err(Error::from).and_then(|()| {
            if loaded.doc.get_heads() == before {
                return Ok(false);
            }
            let new = loaded.doc.get_changes(&before);
            check(&loaded.doc, &new)?;
            Ok(true)
        });
        let changed = match applied {
            Ok(c) => c,
            Err(e) => {
                // The cached document may hold the refused changes: reload from disk.
                self.cache.remove(doc);
                restore(state);
                return Err(e);
            }
        };
        if changed {
            if let Err(e) = self.persist_with_state(doc, Reach::Since(&before), at, peer, state) {
                restore(state);
                return Err(e);
            }
        } else {
            self.save_sync_state(doc, peer, state)?;
        }
        Ok(changed)
    }

    /// Runs `f` on a stored document without copying it.
    pub fn with_document<R>(&mut self, id: &str, f: impl FnOnce(&Automerge) -> R) -> Result<R> {
        if !self.ensure_loaded(id)? {
            return Err(Error::NotFound { kind: "document", id: id.to_string() });
        }
        Ok(f(&self.cache[id].1.doc))
    }

    /// Persists the durable part of a sync state.
    pub fn save_sync_state(&self, doc: &str, peer: &str, state: &State) -> Result<()> {
        write_sync_state(&self.conn, doc, peer, &state.encode())
    }
}

/// Upserts the encoded sync state of (`doc`, `peer`) on `conn` (or inside a
/// transaction, which derefs to its connection).
pub(super) fn write_sync_state(conn: &rusqlite::Connection, doc: &str, peer: &str, state: &[u8]) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_states (doc_id, peer, state) VALUES (?1, ?2, ?3)
         ON CONFLICT(doc_id, peer) DO UPDATE SET state = excluded.state",
    )?
    .execute(params![doc, peer, state])?;
    Ok(())
}

/// Decides the kind of a document that arrives from another replica, and
/// checks an inspection's id matches the id it arrives under.
pub(super) fn detect_kind(id: &str, doc: Automerge) -> Result<(DocKind, Automerge)> {
    match kind_of(&doc)?.as_deref() {
        None => {
            let checked = InspectionDoc::from_automerge(doc)?;
            if checked.id()?.to_string() != id {
                return Err(Error::validation("document", "the document belongs to another inspection"));
            }
            Ok((DocKind::Inspection, checked.into_automerge()))
        }
        Some(KIND_ENTERPRISE) => Ok((DocKind::Enterprise, doc)),
        Some(KIND_CHECKLIST) => Ok((DocKind::Checklist, doc)),
        Some(other) => Err(Error::Schema(format!("unknown document kind {other:?}"))),
    }
}
