//! Changes the server refused, handled on the device instead of re-sent
//! forever. Each refusal is recorded as the server said it; the refused
//! change and every local change that depends on it are set aside (kept
//! whole, exportable to the office) and the document is rebuilt from what
//! remains, so the next sync converges. Work that was set aside only because
//! it depended on a refused change is made again from the edit journal, by
//! the same person, where the rules allow — unless the refusal says the
//! device may not write the document at all (removed from the team).

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, ReadDoc};
use rusqlite::{params, OptionalExtension};

use super::projections::Reach;
use super::refresh;
use super::{chunks, Store};
use crate::doc::journal;
use crate::error::{Error, Result};
use crate::model::{InspectionId, Timestamp};

/// A refusal as the server sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerRefusal {
    /// The document.
    pub doc: String,
    /// The rule's code (`forbidden`, `deadline`, `foreign_actor`, ...).
    pub code: String,
    /// The reason, in Chinese.
    pub reason: String,
    /// The change that broke the rule, when one did (hex).
    pub change: Option<String>,
    /// Every change of the refused message (hex).
    pub changes: Vec<String>,
}

/// A recorded refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusalRecord {
    /// Local id.
    pub id: i64,
    /// The document.
    pub doc: String,
    /// The record, for people: 「企业名称」的检查 (or the document id).
    pub record: String,
    /// The rule's code.
    pub code: String,
    /// The reason, in Chinese.
    pub reason: String,
    /// When the device learned of it.
    pub at: Timestamp,
    /// How many changes were set aside for it.
    pub set_aside: u32,
}

/// A change taken out of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAsideChange {
    /// Its hash (hex).
    pub hash: String,
    /// The document.
    pub doc: String,
    /// The refusal it belongs to.
    pub refusal: i64,
    /// Refused itself (not only set aside because it depended on one).
    pub refused: bool,
    /// `set_aside`, `reapplied` or `superseded`.
    pub state: String,
    /// The change that made the same edits again, when re-applied.
    pub reapplied_as: Option<String>,
    /// Why it could not be made again (the rule, in Chinese).
    pub note: Option<String>,
}

/// What handling one refusal did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefusalOutcome {
    /// The recorded refusal's id.
    pub refusal: i64,
    /// Changes taken out of the document.
    pub set_aside: u32,
    /// Of those, edits made again.
    pub reapplied: u32,
}

/// Keeps the edits of a change this store commits (in the caller's
/// transaction), for re-application.
pub(super) fn write_journal(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    hash: ChangeHash,
    entry: &[u8],
    at: Timestamp,
) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO edit_journal (change_hash, doc_id, entry, at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![hash.to_string(), doc, entry, at.to_string()])?;
    Ok(())
}

/// Codes that mean the device may not write the document at all: nothing
/// set aside is made again.
fn not_a_writer(code: &str) -> bool {
    code == "forbidden" || code == "not_on_team"
}

/// Removes an inspection from the device's tables: its chunks, sync states
/// and projections (its changes are set aside before this).
fn forget_document(tx: &rusqlite::Transaction<'_>, doc: &str) -> Result<()> {
    for sql in [
        "DELETE FROM enterprise_history WHERE inspection_id = ?1",
        "DELETE FROM evidence_index WHERE inspection_id = ?1",
        "DELETE FROM findings WHERE inspection_id = ?1",
        "DELETE FROM inspections WHERE id = ?1",
        "DELETE FROM sync_states WHERE doc_id = ?1",
        "DELETE FROM edit_journal WHERE doc_id = ?1",
        "DELETE FROM chunks WHERE doc_id = ?1",
        "DELETE FROM documents WHERE id = ?1",
    ] {
        tx.execute(sql, [doc])?;
    }
    Ok(())
}

impl Store {
    /// Handles a refusal from the server: records it, sets the refused
    /// changes and those that depend on them aside, rebuilds the document
    /// from the rest, and makes set-aside edits again where the rules allow.
    pub fn handle_refusal(&mut self, r: &ServerRefusal, at: Timestamp) -> Result<RefusalOutcome> {
        self.conn.execute(
            "INSERT INTO refusals (doc_id, code, reason, change_hash, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![r.doc, r.code, r.reason, r.change, at.to_string()],
        )?;
        let refusal = self.conn.last_insert_rowid();
        let mut outcome = RefusalOutcome { refusal, ..Default::default() };
        if !self.ensure_loaded(&r.doc)? {
            return Ok(outcome);
        }
        let roots: BTreeSet<String> = match &r.change {
            Some(c) => BTreeSet::from([c.clone()]),
            None => r.changes.iter().cloned().collect(),
        };
        let (_, loaded) = self.cache.get_mut(&r.doc).expect("loaded");
        let all = loaded.doc.get_changes(&[]);
        let mut tainted: BTreeSet<ChangeHash> = BTreeSet::new();
        for c in &all {
            if roots.contains(&c.hash().to_string()) || c.deps().iter().any(|d| tainted.contains(d)) {
                tainted.insert(c.hash());
            }
        }
        if tainted.is_empty() {
            return Ok(outcome);
        }
        let mut rebuilt = Automerge::new().with_actor(self.actor.clone());
        rebuilt.apply_changes(all.iter().filter(|c| !tainted.contains(&c.hash())).cloned())?;
        let kind = loaded.kind;
        let whole = tainted.len() == all.len();
        let tx = self.conn.transaction()?;
        for c in all.iter().filter(|c| tainted.contains(&c.hash())) {
            tx.execute(
                "INSERT OR REPLACE INTO set_aside (change_hash, doc_id, refusal_id, bytes, refused, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'set_aside')",
                params![c.hash().to_string(), r.doc, refusal, c.raw_bytes(), roots.contains(&c.hash().to_string())],
            )?;
            outcome.set_aside += 1;
        }
        if whole {
            // The server refused the document's creation: nothing of it is
            // shared, so it leaves this device's records (kept whole, set
            // aside and exportable) instead of being rebuilt as nothing.
            forget_document(&tx, &r.doc)?;
            tx.commit()?;
            self.cache.remove(&r.doc);
            return Ok(outcome);
        }
        // The persisted sync states keep only the heads both sides share,
        // which never include a change the server refused: they stay.
        let fresh = chunks::replace(&tx, &r.doc, kind, rebuilt, at)?;
        refresh(&tx, &self.office, &fresh, Reach::Everything, true)?;
        tx.commit()?;
        self.cache.remove(&r.doc);
        self.insert_cached(fresh);
        if !not_a_writer(&r.code) {
            outcome.reapplied = self.reapply_set_aside(&r.doc, at)?;
        }
        Ok(outcome)
    }

    /// This device's own changes to inspection `doc` that `peer` has not
    /// acknowledged (hex), from the persisted sync state. Catalogue and
    /// office documents are never a device's to write: none of theirs count.
    pub fn unsynced_changes(&mut self, doc: &str, peer: &str) -> Result<Vec<String>> {
        let state = self.sync_state(doc, peer)?;
        if !self.ensure_loaded(doc)? {
            return Ok(vec![]);
        }
        let actor = self.actor.clone();
        let loaded = self.loaded(doc, "document")?;
        if loaded.kind != super::DocKind::Inspection {
            return Ok(vec![]);
        }
        let changes = loaded.doc.get_changes(&state.shared_heads);
        Ok(changes.iter().filter(|c| c.actor_id() == &actor).map(|c| c.hash().to_string()).collect())
    }

    /// Makes the set-aside edits of `doc` that were not refused themselves
    /// again, oldest first, where the rules allow; the others stay set aside
    /// with the reason. Changes the document holds again (a colleague's
    /// change its own device synced) are marked superseded.
    pub fn reapply_set_aside(&mut self, doc: &str, at: Timestamp) -> Result<u32> {
        let rows: Vec<(String, bool)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT change_hash, refused FROM set_aside WHERE doc_id = ?1 AND state = 'set_aside' ORDER BY rowid",
            )?;
            let rows = stmt.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let id: InspectionId = doc.parse()?;
        let mut reapplied = 0;
        for (hash, refused) in rows {
            let parsed: ChangeHash = hash.parse().map_err(|_| Error::validation("change", "not a change hash"))?;
            let held = self.loaded(doc, "document")?.doc.get_change_by_hash(&parsed).is_some();
            if held {
                self.conn.execute("UPDATE set_aside SET state = 'superseded' WHERE change_hash = ?1", [&hash])?;
                continue;
            }
            if refused {
                continue;
            }
            let entry: Option<Vec<u8>> = self
                .conn
                .query_row("SELECT entry FROM edit_journal WHERE change_hash = ?1", [&hash], |r| r.get(0))
                .optional()?;
            let Some(entry) = entry else {
                self.note_set_aside(&hash, "不是本机的编辑，无法重做")?;
                continue;
            };
            let (editor, edits) = journal::decode(&entry)?;
            match self.edit(&id, &editor, &edits, at) {
                Ok(again) => {
                    self.conn.execute(
                        "UPDATE set_aside SET state = 'reapplied', reapplied_as = ?2, note = NULL WHERE change_hash = ?1",
                        params![hash, again.map(|h| h.to_string())],
                    )?;
                    reapplied += 1;
                }
                Err(
                    e @ (Error::Refused(_)
                    | Error::Forbidden { .. }
                    | Error::Validation { .. }
                    | Error::InvalidTransition { .. }
                    | Error::Conflicted { .. }
                    | Error::Deadline(_)
                    | Error::Team(_)
                    | Error::Outcome(_)
                    | Error::NotFound { .. }),
                ) => {
                    self.note_set_aside(&hash, &e.to_string())?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(reapplied)
    }

    fn note_set_aside(&self, hash: &str, note: &str) -> Result<()> {
        self.conn.execute("UPDATE set_aside SET note = ?2 WHERE change_hash = ?1", params![hash, note])?;
        Ok(())
    }

    /// Records that `doc` arrived in a form this device cannot keep; nothing
    /// of it was stored.
    pub fn quarantine(&self, doc: &str, reason: &str, at: Timestamp) -> Result<()> {
        self.conn.execute(
            "INSERT INTO quarantine (doc_id, reason, at) VALUES (?1, ?2, ?3)
             ON CONFLICT(doc_id) DO UPDATE SET reason = excluded.reason, at = excluded.at",
            params![doc, reason, at.to_string()],
        )?;
        Ok(())
    }

    /// `doc` arrived whole again: out of quarantine.
    pub fn release(&self, doc: &str) -> Result<()> {
        self.conn.execute("DELETE FROM quarantine WHERE doc_id = ?1", [doc])?;
        Ok(())
    }

    /// Documents in quarantine: (document, reason, when).
    pub fn quarantined(&self) -> Result<Vec<(String, String, Timestamp)>> {
        let mut stmt = self.conn.prepare_cached("SELECT doc_id, reason, at FROM quarantine ORDER BY doc_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (doc, reason, at) = row?;
            out.push((doc, reason, Timestamp::parse(&at)?));
        }
        Ok(out)
    }

    /// Every refusal recorded, newest first.
    pub fn refusals(&self) -> Result<Vec<RefusalRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.doc_id, r.code, r.reason, r.at, (SELECT count(*) FROM set_aside s WHERE s.refusal_id = r.id),
                    i.enterprise_name
             FROM refusals r LEFT JOIN inspections i ON i.id = r.doc_id ORDER BY r.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, String>(4)?,
                r.get(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc, code, reason, at, set_aside, enterprise) = row?;
            let record = enterprise.map_or_else(|| doc.clone(), |e| format!("「{e}」的检查"));
            out.push(RefusalRecord { id, doc, record, code, reason, at: Timestamp::parse(&at)?, set_aside });
        }
        Ok(out)
    }

    /// The changes set aside, oldest first (all documents when `doc` is
    /// `None`). A change the document holds again (a colleague's change that
    /// its own device synced since) is marked superseded first.
    pub fn set_aside_changes(&mut self, doc: Option<&str>) -> Result<Vec<SetAsideChange>> {
        let waiting: Vec<(String, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT change_hash, doc_id FROM set_aside WHERE state = 'set_aside' AND (?1 IS NULL OR doc_id = ?1)",
            )?;
            let rows = stmt.query_map([doc], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (hash, d) in waiting {
            let Ok(parsed) = hash.parse::<ChangeHash>() else { continue };
            if self.ensure_loaded(&d)? && self.loaded(&d, "document")?.doc.get_change_by_hash(&parsed).is_some() {
                self.conn.execute("UPDATE set_aside SET state = 'superseded' WHERE change_hash = ?1", [&hash])?;
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT change_hash, doc_id, refusal_id, refused, state, reapplied_as, note FROM set_aside
             WHERE ?1 IS NULL OR doc_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([doc], |r| {
            Ok(SetAsideChange {
                hash: r.get(0)?,
                doc: r.get(1)?,
                refusal: r.get(2)?,
                refused: r.get(3)?,
                state: r.get(4)?,
                reapplied_as: r.get(5)?,
                note: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The set-aside changes of `doc` as automerge bytes (the changes one
    /// after another), for the office: loadable onto the document.
    pub fn export_set_aside(&self, doc: &str) -> Result<Vec<u8>> {
        let mut stmt = self.conn.prepare_cached("SELECT bytes FROM set_aside WHERE doc_id = ?1 ORDER BY rowid")?;
        let rows = stmt.query_map([doc], |r| r.get::<_, Vec<u8>>(0))?;
        let mut out = Vec::new();
        for bytes in rows {
            out.extend(bytes?);
        }
        Ok(out)
    }
}
