//! The server's copies of documents in its SQL database: a snapshot plus
//! incremental chunks per document, heads, and per-peer sync states, with a
//! small in-memory cache of loaded documents. Implements the core's
//! [`ServerDocs`] so the sans-I/O protocol runs on either backend.
//!
//! Several server processes may share one PostgreSQL database: a cached
//! document is used only while its heads equal the stored heads, and a write
//! succeeds only if the stored heads are still the ones it started from
//! (otherwise [`DbError::Contention`], and the client's next round retries).
//! The access table and the blob references follow each document in the
//! same transaction as its changes, so a crash never leaves a document that
//! nobody may write.

use std::collections::{BTreeMap, HashMap};

use automerge::sync::{State, SyncDoc};
use automerge::{ActorId, Automerge, ChangeHash};

use lianjian_core::doc::authorize::{Refusal, Rule};
use lianjian_core::doc::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use lianjian_core::doc::validate::{change_writing, evidence_refs};
use lianjian_core::model::{InspectionStatus, TeamMember, Timestamp};
use lianjian_core::office::documents::{is_office_kind, read_office_doc, OfficeDoc, KIND_FONT};
use lianjian_core::store::chunks::{decode_heads, encode_heads};
use lianjian_core::store::DocKind;
use lianjian_core::sync::apply::{apply_sync_message, Applied};
use lianjian_core::sync::serve::ServerDocs;
use lianjian_core::{Error, Result};

use crate::args;
use crate::db;
use crate::sql::{DbError, Sql};

/// Compact a document into one snapshot when it has more chunks than this.
pub const MAX_CHUNKS: i64 = 64;

/// Documents kept loaded in memory.
const CACHE_SIZE: usize = 256;

fn storage(e: DbError) -> Error {
    Error::from(e)
}

struct Cached {
    doc: Automerge,
    heads: Vec<ChangeHash>,
    chunks: i64,
}

/// Loaded documents, shared by all requests of one server process.
#[derive(Default)]
pub struct DocCache {
    docs: HashMap<String, Cached>,
}

impl DocCache {
    /// Forgets every loaded document (what a restart looks like).
    pub fn clear(&mut self) {
        self.docs.clear();
    }

    /// Whether `id` is loaded.
    pub fn contains(&self, id: &str) -> bool {
        self.docs.contains_key(id)
    }

    /// Forgets one loaded document (a reader that passes over every
    /// document once, like an export, leaves the cache as it found it).
    pub fn forget(&mut self, id: &str) {
        self.docs.remove(id);
    }
}

/// The document tables seen through one connection and the shared cache.
pub struct DocTables<'a> {
    /// The user whose device sends the changes being stored (none for the
    /// server's own writes): the blobs a document newly references are
    /// vouched for by them.
    pub author: Option<db::User>,
    /// The office's calendars and grade schemes, for the hazards' standing
    /// in the ledger index (none: the deadlines on file are listed).
    pub rules: Option<std::sync::Arc<crate::rule_data::RuleData>>,
    db: &'a mut dyn Sql,
    cache: &'a mut DocCache,
    actor: ActorId,
}

impl<'a> DocTables<'a> {
    /// Documents on `db`, loaded through `cache`; new documents created here
    /// (from what a device sends) get the server's `actor`.
    pub fn new(db: &'a mut dyn Sql, cache: &'a mut DocCache, actor: ActorId) -> Self {
        DocTables { db, cache, actor, author: None, rules: None }
    }

    /// The database these tables live in (for records kept beside a change,
    /// such as the audit trail).
    pub fn sql(&mut self) -> &mut dyn Sql {
        &mut *self.db
    }

    /// Loads `id` if it is stored (reusing the cached copy while its heads
    /// are current); `Ok(false)` if it is not stored.
    fn ensure_loaded(&mut self, id: &str) -> Result<bool> {
        let row = self.db.query_opt("SELECT heads, chunks FROM documents WHERE id = $1", args![id]).map_err(storage)?;
        let Some(row) = row else {
            self.cache.docs.remove(id);
            return Ok(false);
        };
        let heads = decode_heads(&row.bytes(0).map_err(storage)?)?;
        if self.cache.docs.get(id).is_some_and(|c| c.heads == heads) {
            return Ok(true);
        }
        let chunks =
            self.db.query("SELECT bytes FROM doc_chunks WHERE doc_id = $1 ORDER BY seq", args![id]).map_err(storage)?;
        let mut bytes = Vec::new();
        for c in &chunks {
            bytes.extend_from_slice(&c.bytes(0).map_err(storage)?);
        }
        let corrupt = |reason: String| Error::CorruptDocument { doc: id.to_string(), reason };
        let doc = Automerge::load(&bytes).map_err(|e| corrupt(e.to_string()))?;
        let mut loaded = doc.get_heads();
        loaded.sort();
        if loaded != heads {
            return Err(corrupt("stored chunks do not add up to the stored heads".into()));
        }
        if self.cache.docs.len() >= CACHE_SIZE {
            self.cache.docs.clear();
        }
        let n = row.int(1).map_err(storage)?;
        self.cache.docs.insert(id.to_string(), Cached { doc, heads, chunks: n });
        Ok(true)
    }

    /// The id and stored heads of every document of a kind, by id.
    pub fn heads_of_kind(&mut self, kind: DocKind) -> Result<Vec<(String, Vec<u8>)>> {
        let rows = self
            .db
            .query("SELECT id, heads FROM documents WHERE kind = $1 ORDER BY id", args![kind.code()])
            .map_err(storage)?;
        rows.iter().map(|r| Ok((r.text(0).map_err(storage)?, r.bytes(1).map_err(storage)?))).collect()
    }

    /// Runs `f` on a stored document.
    pub fn with_document<R>(&mut self, id: &str, f: impl FnOnce(&Automerge) -> R) -> Result<R> {
        if !self.ensure_loaded(id)? {
            return Err(Error::NotFound { kind: "document", id: id.to_string() });
        }
        Ok(f(&self.cache.docs[id].doc))
    }

    /// Stores a document made here (the office's catalogue): created when new,
    /// otherwise `update` runs on the stored copy and what it changed is
    /// appended. `build` makes the new document. Returns whether anything was
    /// written.
    pub fn put(
        &mut self,
        id: &str,
        kind: DocKind,
        at: Timestamp,
        build: impl FnOnce(ActorId) -> Result<Automerge>,
        update: impl FnOnce(&mut Automerge) -> Result<()>,
    ) -> Result<bool> {
        if !self.ensure_loaded(id)? {
            let doc = build(self.actor.clone())?;
            self.create(id, kind, doc, at, None)?;
            return Ok(true);
        }
        let cached = self.cache.docs.get_mut(id).expect("loaded");
        cached.doc.set_actor(self.actor.clone());
        let before = cached.heads.clone();
        if let Err(e) = update(&mut cached.doc) {
            self.cache.docs.remove(id);
            return Err(e);
        }
        if sorted(self.cache.docs[id].doc.get_heads()) == before {
            return Ok(false);
        }
        self.append(id, &before, at, None)?;
        Ok(true)
    }

    fn create(
        &mut self,
        id: &str,
        kind: DocKind,
        doc: Automerge,
        at: Timestamp,
        state: Option<(&str, &State)>,
    ) -> Result<()> {
        let heads = sorted(doc.get_heads());
        let bytes = doc.save();
        let result = self.db.transaction(|tx| -> Result<()> {
            tx.execute(
                "INSERT INTO documents (id, kind, heads, chunks, updated_at) VALUES ($1, $2, $3, 1, $4)",
                args![id, kind.code(), encode_heads(&heads), at.to_string()],
            )
            .map_err(|e| contention(id, e))?;
            tx.execute("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES ($1, 1, $2)", args![id, bytes])
                .map_err(storage)?;
            if let Some((peer, state)) = state {
                write_sync_state(tx, id, peer, state)?;
            }
            follow(tx, id, &doc, &[], self.author.as_ref(), self.rules.as_deref())
        });
        match result {
            Ok(()) => {
                self.cache.docs.insert(id.to_string(), Cached { doc, heads, chunks: 1 });
                Ok(())
            }
            Err(e) => {
                self.cache.docs.remove(id);
                Err(e)
            }
        }
    }

    /// Appends what the cached `id` holds beyond `before`, in one transaction
    /// that fails if another process moved the document meanwhile. Compacts
    /// when the chunks pile up.
    fn append(&mut self, id: &str, before: &[ChangeHash], at: Timestamp, state: Option<(&str, &State)>) -> Result<()> {
        let cached = self.cache.docs.get(id).expect("loaded");
        let heads = sorted(cached.doc.get_heads());
        let compact = cached.chunks >= MAX_CHUNKS;
        let seq = cached.chunks + 1;
        let bytes = if compact { cached.doc.save() } else { cached.doc.save_after(before) };
        let doc = &cached.doc;
        let author = self.author.as_ref();
        let rules = self.rules.as_deref();
        let db = &mut *self.db;
        let result = db.transaction(|tx| -> Result<()> {
            let n = tx
                .execute(
                    "UPDATE documents SET heads = $1, chunks = $2, updated_at = $3 WHERE id = $4 AND heads = $5",
                    args![
                        encode_heads(&heads),
                        if compact { 1 } else { seq },
                        at.to_string(),
                        id,
                        encode_heads(before)
                    ],
                )
                .map_err(storage)?;
            if n != 1 {
                return Err(storage(DbError::Contention(id.to_string())));
            }
            if compact {
                tx.execute("DELETE FROM doc_chunks WHERE doc_id = $1", args![id]).map_err(storage)?;
                tx.execute("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES ($1, 1, $2)", args![id, bytes])
                    .map_err(storage)?;
            } else {
                tx.execute("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES ($1, $2, $3)", args![id, seq, bytes])
                    .map_err(|e| contention(id, e))?;
            }
            if let Some((peer, state)) = state {
                write_sync_state(tx, id, peer, state)?;
            }
            follow(tx, id, doc, before, author, rules)
        });
        match result {
            Ok(()) => {
                let c = self.cache.docs.get_mut(id).expect("loaded");
                c.heads = heads;
                c.chunks = if compact { 1 } else { seq };
                Ok(())
            }
            Err(e) => {
                // Memory must not claim more than the database holds.
                self.cache.docs.remove(id);
                Err(e)
            }
        }
    }

    /// Number of chunk rows of a document (tests of compaction).
    pub fn chunk_count(&mut self, id: &str) -> Result<i64> {
        let r = self.db.query_opt("SELECT count(*) FROM doc_chunks WHERE doc_id = $1", args![id]).map_err(storage)?;
        r.map_or(Ok(0), |r| r.int(0).map_err(storage))
    }
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}

/// An insert that collides with another process's insert is contention.
fn contention(id: &str, e: DbError) -> Error {
    let unique = match &e {
        DbError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => f.code == rusqlite::ErrorCode::ConstraintViolation,
        DbError::Postgres(p) => p.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
        _ => false,
    };
    storage(if unique { DbError::Contention(id.to_string()) } else { e })
}

fn write_sync_state(db: &mut dyn Sql, doc: &str, peer: &str, state: &State) -> Result<()> {
    db.execute(
        "INSERT INTO sync_states (doc_id, peer, state) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id, peer) DO UPDATE SET state = excluded.state",
        args![doc, peer, state.encode()],
    )
    .map_err(storage)?;
    Ok(())
}

/// The departments an inspection's hazards are referred to (read key by
/// key: this runs on every stored change).
fn referred_departments(doc: &Automerge) -> Result<std::collections::BTreeSet<String>> {
    use automerge::ReadDoc;
    let mut out = std::collections::BTreeSet::new();
    let Some((automerge::Value::Object(_), findings)) = doc.get(automerge::ROOT, "findings")? else { return Ok(out) };
    for key in doc.keys(&findings) {
        let Some((automerge::Value::Object(_), f)) = doc.get(&findings, key.as_str())? else { continue };
        if let Some((automerge::Value::Scalar(v), _)) = doc.get(&f, "referred_to")? {
            if let Some(code) = v.as_str() {
                out.insert(code.to_string());
            }
        }
    }
    Ok(out)
}

/// Makes the access table and the blob references follow a document: an
/// inspection's writers are its team, it is readable by its enterprise once
/// signed, and it references the blobs of its evidence; catalogue documents
/// are the office's. A reference added since `since` by an `author` who may
/// not read the blob and is not uploading it is refused (rule `evidence`),
/// naming the change that added it.
pub fn follow(
    db: &mut dyn Sql,
    doc: &str,
    merged: &Automerge,
    since: &[ChangeHash],
    author: Option<&db::User>,
    rules: Option<&crate::rule_data::RuleData>,
) -> Result<()> {
    match kind_of(merged)?.as_deref() {
        None => {
            let team: BTreeMap<String, TeamMember> = autosurgeon::hydrate_prop(merged, automerge::ROOT, "team")?;
            let enterprise: String = autosurgeon::hydrate_prop(merged, automerge::ROOT, "enterprise")?;
            let status: InspectionStatus = autosurgeon::hydrate_prop(merged, automerge::ROOT, "status")?;
            // The enterprise reads (and writes its part of) its inspections
            // once signed, and its own self-inspection always.
            let self_reported: bool =
                autosurgeon::hydrate_prop::<_, Option<bool>, _, _>(merged, automerge::ROOT, "self_reported")?
                    .unwrap_or(false);
            let signed = self_reported || matches!(status, InspectionStatus::Signed | InspectionStatus::Closed);
            let mut writers: Vec<String> = team.into_keys().collect();
            // A hazard referred to another department (移交) reaches its officers.
            writers.extend(referred_departments(merged)?.into_iter().map(|d| db::department_key(&d)));
            db::set_access(db, doc, "inspection", Some(&enterprise), signed, &writers).map_err(storage)?;
            let industry: String = autosurgeon::hydrate_prop(merged, automerge::ROOT, "industry")?;
            db::set_scope(db, doc, Some(&industry), None).map_err(storage)?;
            for hash in evidence_refs(merged)? {
                if db
                    .query_opt("SELECT 1 FROM blob_refs WHERE doc_id = $1 AND hash = $2", args![doc, &hash])
                    .map_err(storage)?
                    .is_some()
                {
                    continue;
                }
                // A reference grants the document's readers the blob only if
                // its author could read it: uploaded it (now or later), or
                // read it through a document they may read. Knowing a hash
                // is not enough.
                let vouched = match author {
                    None => true,
                    Some(u) => crate::blobs::user_may_read_blob(db, u, &hash).map_err(storage)?,
                };
                // Unreadable and not being uploaded by the author: the
                // reference would point at nothing, or at someone else's file.
                if !vouched
                    && !crate::blobs::user_is_uploading(db, author.expect("vouched without author"), &hash)
                        .map_err(storage)?
                {
                    let refusal = Refusal::new(Rule::Evidence, format!("证据文件 {} 未由本人上传", &hash[..12]));
                    return Err(match change_writing(merged, since, &hash) {
                        Some(change) => refusal.by(change),
                        None => refusal,
                    }
                    .into());
                }
                db.execute(
                    "INSERT INTO blob_refs (doc_id, hash, by_user, vouched) VALUES ($1, $2, $3, $4)",
                    args![doc, &hash, author.map(|u| u.id.as_str()), i64::from(vouched)],
                )
                .map_err(storage)?;
            }
            crate::ledger::index::reindex(db, doc, merged, rules)
        }
        Some(KIND_ENTERPRISE) => {
            db::set_access(db, doc, "enterprise", Some(doc), false, &[]).map_err(storage)?;
            let e = lianjian_core::doc::catalog::read_enterprise(merged)?;
            crate::ledger::index::enterprise(db, &e)?;
            db::set_scope(db, doc, Some(&e.industry), Some(&e.grid)).map_err(storage)
        }
        Some(KIND_CHECKLIST) => {
            db::set_access(db, doc, "checklist", None, false, &[]).map_err(storage)?;
            let c = lianjian_core::doc::catalog::read_checklist(merged)?;
            db::set_scope(db, doc, Some(&c.industry), None).map_err(storage)
        }
        Some(KIND_FONT) => {
            // An imported font's document grants every device its file.
            db::set_access(db, doc, "office", None, false, &[]).map_err(storage)?;
            let (_, parsed) = read_office_doc(merged)?;
            if let OfficeDoc::Font(f) = parsed {
                db.execute(
                    "INSERT INTO blob_refs (doc_id, hash, by_user, vouched) VALUES ($1, $2, NULL, 1)
                     ON CONFLICT DO NOTHING",
                    args![doc, &f.sha256],
                )
                .map_err(storage)?;
            }
            Ok(())
        }
        Some(k) if is_office_kind(k) => db::set_access(db, doc, "office", None, false, &[]).map_err(storage),
        Some(other) => Err(Error::Schema(format!("unknown document kind {other:?}"))),
    }
}

impl ServerDocs for DocTables<'_> {
    fn inventory(&mut self) -> Result<Vec<(String, Vec<ChangeHash>)>> {
        let rows = self.db.query("SELECT id, heads FROM documents ORDER BY id", &[]).map_err(storage)?;
        rows.iter().map(|r| Ok((r.text(0).map_err(storage)?, decode_heads(&r.bytes(1).map_err(storage)?)?))).collect()
    }

    fn stored_heads(&mut self, doc: &str) -> Result<Vec<ChangeHash>> {
        match self.db.query_opt("SELECT heads FROM documents WHERE id = $1", args![doc]).map_err(storage)? {
            Some(r) => decode_heads(&r.bytes(0).map_err(storage)?),
            None => Ok(vec![]),
        }
    }

    fn sync_state(&mut self, doc: &str, peer: &str) -> Result<State> {
        let row = self
            .db
            .query_opt("SELECT state FROM sync_states WHERE doc_id = $1 AND peer = $2", args![doc, peer])
            .map_err(storage)?;
        // A state that does not decode is only an optimisation lost.
        Ok(row.and_then(|r| r.bytes(0).ok()).and_then(|b| State::decode(&b).ok()).unwrap_or_default())
    }

    fn receive_sync_message(
        &mut self,
        doc: &str,
        peer: &str,
        state: &mut State,
        message: &[u8],
        at: Timestamp,
        check: &mut lianjian_core::doc::apply::Check<'_>,
    ) -> Result<bool> {
        let saved = state.clone();
        let existing =
            if self.ensure_loaded(doc)? { Some(&mut self.cache.docs.get_mut(doc).expect("loaded").doc) } else { None };
        let applied = apply_sync_message(doc, existing, &self.actor, state, message, check);
        let result = match applied {
            Err(e) => {
                self.cache.docs.remove(doc);
                return Err(e);
            }
            Ok(Applied::Unchanged) => {
                write_sync_state(self.db, doc, peer, state)?;
                return Ok(false);
            }
            Ok(Applied::Created(kind, fresh)) => self.create(doc, kind, *fresh, at, Some((peer, &*state))),
            Ok(Applied::Changed(before)) => self.append(doc, &sorted(before), at, Some((peer, &*state))),
        };
        match result {
            Ok(()) => Ok(true),
            Err(e) => {
                *state = saved;
                Err(e)
            }
        }
    }

    fn generate_sync_message(&mut self, doc: &str, state: &mut State) -> Result<Option<Vec<u8>>> {
        let msg = if self.ensure_loaded(doc)? {
            self.cache.docs[doc].doc.generate_sync_message(state)
        } else {
            Automerge::new().generate_sync_message(state)
        };
        Ok(msg.map(automerge::sync::Message::encode))
    }
}
