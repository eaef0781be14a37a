//! The store's side of sync: the inventory and digest of what it holds, sync
//! state per (document, peer), and applying or producing automerge sync
//! messages durably. Used by the device (`sync::client`) and by the server
//! when it keeps documents in SQLite (`sync::serve`).

use automerge::sync::{Message, State, SyncDoc};
use automerge::{Automerge, ChangeHash};
use rusqlite::{params, OptionalExtension};

use super::chunks;
use super::{Reach, Store};
use crate::doc::apply::{apply_sync_message, Applied};
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
    pub fn receive_sync_message(
        &mut self,
        doc: &str,
        peer: &str,
        state: &mut State,
        message: &[u8],
        at: Timestamp,
        check: &mut crate::doc::apply::Check<'_>,
    ) -> Result<bool> {
        let saved_state = state.clone();
        let loaded = self.ensure_loaded(doc)?;
        let existing = if loaded { Some(&mut self.cache.get_mut(doc).expect("loaded").1.doc) } else { None };
        let applied = match apply_sync_message(doc, existing, &self.actor, state, message, check) {
            Ok(a) => a,
            Err(e) => {
                // The cached document may hold the refused changes: reload from disk.
                self.cache.remove(doc);
                return Err(e);
            }
        };
        let persisted = match applied {
            Applied::Unchanged => return self.save_sync_state(doc, peer, state).map(|()| false),
            Applied::Created(kind, fresh) => (|| {
                let tx = self.conn.transaction()?;
                let loaded = chunks::insert(&tx, doc, kind, *fresh, at)?;
                super::refresh(&tx, &self.office, &loaded, Reach::Everything, true)?;
                write_sync_state(&tx, doc, peer, &state.encode())?;
                tx.commit()?;
                self.insert_cached(loaded);
                if kind == super::DocKind::Office {
                    self.office_changed()?;
                }
                Ok(())
            })(),
            Applied::Changed(before) => self.persist_with_state(doc, Reach::Since(&before), at, peer, state),
        };
        match persisted {
            Ok(()) => Ok(true),
            Err(e) => {
                *state = saved_state;
                Err(e)
            }
        }
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
