//! The on-device store: SQLite (WAL, `synchronous=FULL`) holding document
//! chunks, the projections the apps list from, and this install's identity.
//!
//! Every change follows one path: apply it to the in-memory document, then in
//! a single SQLite transaction write its incremental chunk, the new saved
//! heads and the projection rows it reaches. If the transaction fails the
//! cached document is dropped and reloaded from disk, so memory never claims
//! more than the disk holds. Errors never delete or rewrite stored data.

pub mod blobs;
mod catalog;
pub mod chunks;
pub mod evidence;
pub mod findings;
mod hazards;
pub use hazards::HazardTask;
pub mod migrations;
pub mod numbers;
mod office;
pub mod projections;
mod refusals;
pub use refusals::{RefusalOutcome, RefusalRecord, ServerRefusal, SetAsideChange};
mod responses;
pub mod signing;
mod sync;

use std::collections::HashMap;
use std::path::Path;

use automerge::{ActorId, Automerge, ChangeHash};
use rusqlite::{params, Connection, OptionalExtension};

pub use chunks::DocKind;
use chunks::LoadedDoc;
pub use office::CalendarInfo;
pub use projections::{FindingRow, HistoryRow, InspectionRow, Reach};

use crate::doc::authorize::Context;
use crate::doc::{Conflict, Edit, Editor, FieldValue, InspectionDoc, InspectionHeader};
use crate::error::{Error, Result};
use crate::model::{Finding, FindingId, Inspection, InspectionId, InspectionStatus, Timestamp};
use crate::office::OfficeData;
use crate::rules::grades::GradeScheme;

/// How many documents stay loaded in memory.
pub const DEFAULT_CACHE_SIZE: usize = 8;

/// The local store of one device.
pub struct Store {
    conn: Connection,
    blob_dir: Option<std::path::PathBuf>,
    actor: ActorId,
    office: OfficeData,
    /// The scheme new inspections grade with.
    scheme: String,
    cache: HashMap<String, (u64, LoadedDoc)>,
    /// Checklist versions read so far, by `id@version` (see `checklist_shared`).
    templates: HashMap<String, std::sync::Arc<crate::model::ChecklistTemplate>>,
    tick: u64,
    cache_size: usize,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("actor", &self.actor.to_hex_string()).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path`, migrating its schema.
    /// A database from a newer build is refused and left untouched.
    pub fn open(path: &Path) -> Result<Self> {
        let mut store = Self::init(Connection::open(path)?)?;
        // Blob files live beside the database: `lianjian.db` → `lianjian.db.blobs/`.
        let mut dir = path.as_os_str().to_owned();
        dir.push(".blobs");
        store.blob_dir = Some(dir.into());
        Ok(store)
    }

    /// A store in memory (tests, previews).
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        // Check the version before anything writes (WAL switch included).
        let found = migrations::current_version(&conn)?;
        if found > migrations::latest_version() {
            return Err(Error::UnsupportedSchemaVersion { found, supported: migrations::latest_version() });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut conn)?;
        let actor = Self::device_actor(&conn)?;
        let office_data = office::load_office(&conn)?;
        Ok(Store {
            conn,
            blob_dir: None,
            actor,
            office: office_data,
            scheme: GradeScheme::three_level().id,
            cache: HashMap::new(),
            templates: HashMap::new(),
            tick: 0,
            cache_size: DEFAULT_CACHE_SIZE,
        })
    }

    /// This install's automerge actor id, created once and kept.
    fn device_actor(conn: &Connection) -> Result<ActorId> {
        let existing: Option<Vec<u8>> =
            conn.query_row("SELECT value FROM device WHERE key = 'actor'", [], |r| r.get(0)).optional()?;
        if let Some(bytes) = existing {
            return Ok(ActorId::from(bytes));
        }
        let actor = ActorId::from(uuid::Uuid::now_v7().as_bytes().as_slice());
        conn.execute("INSERT INTO device (key, value) VALUES ('actor', ?1)", [actor.to_bytes()])?;
        Ok(actor)
    }

    /// Uses a region's grade scheme for new inspections instead of the
    /// default 一级/二级/三级 (inspections keep the scheme they were created with).
    pub fn set_grade_scheme(&mut self, scheme: GradeScheme) {
        self.scheme = scheme.id.clone();
        self.office.put_scheme(scheme);
    }

    /// The grade scheme new inspections use.
    pub fn grade_scheme(&self) -> &GradeScheme {
        self.office.scheme(&self.scheme).expect("the default scheme is always held")
    }

    /// The calendars and grade schemes the rules consult on this device.
    pub fn office(&self) -> &OfficeData {
        &self.office
    }

    /// Sets how many documents stay loaded in memory (at least one).
    pub fn set_cache_size(&mut self, n: usize) {
        self.cache_size = n.max(1);
    }

    /// Drops every loaded document from memory (they reload from disk on
    /// next use): for memory pressure, and what a restart looks like.
    pub fn clear_cache(&mut self) {
        self.cache.clear();
    }

    /// This device's actor id.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// The SQLite connection, for read-only diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Loads `id` into the cache if needed; `Ok(false)` if it is not stored.
    fn ensure_loaded(&mut self, id: &str) -> Result<bool> {
        self.tick += 1;
        if let Some(entry) = self.cache.get_mut(id) {
            entry.0 = self.tick;
            return Ok(true);
        }
        let Some(mut loaded) = chunks::load(&self.conn, id)? else { return Ok(false) };
        if loaded.kind == DocKind::Inspection {
            // Check the layout once, at load.
            InspectionDoc::from_automerge(std::mem::take(&mut loaded.doc)).map(|d| loaded.doc = d.into_automerge())?;
        }
        loaded.doc.set_actor(self.actor.clone());
        self.insert_cached(loaded);
        Ok(true)
    }

    fn insert_cached(&mut self, loaded: LoadedDoc) {
        while self.cache.len() >= self.cache_size {
            let oldest = self.cache.iter().min_by_key(|(_, (t, _))| *t).map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.cache.remove(&k),
                None => break,
            };
        }
        self.tick += 1;
        self.cache.insert(loaded.id.clone(), (self.tick, loaded));
    }

    fn loaded(&mut self, id: &str, kind: &'static str) -> Result<&mut LoadedDoc> {
        if !self.ensure_loaded(id)? {
            return Err(Error::NotFound { kind, id: id.to_string() });
        }
        Ok(&mut self.cache.get_mut(id).expect("just loaded").1)
    }

    /// Writes what changed in the cached document `id` (chunk, heads, the
    /// projection rows `reach` covers) in one transaction.
    fn persist(&mut self, id: &str, reach: Reach<'_>, recount_conflicts: bool, at: Timestamp) -> Result<()> {
        self.persist_inner(id, reach, recount_conflicts, at, None, None)
    }

    /// Like `persist`, also saving the sync state with `peer` in the same
    /// transaction, so state and document never disagree after a crash.
    fn persist_with_state(
        &mut self,
        id: &str,
        reach: Reach<'_>,
        at: Timestamp,
        peer: &str,
        state: &automerge::sync::State,
    ) -> Result<()> {
        self.persist_inner(id, reach, true, at, Some((peer, state.encode())), None)
    }

    fn persist_inner(
        &mut self,
        id: &str,
        reach: Reach<'_>,
        recount_conflicts: bool,
        at: Timestamp,
        sync_state: Option<(&str, Vec<u8>)>,
        journal: Option<(ChangeHash, Vec<u8>)>,
    ) -> Result<()> {
        let result = (|| -> Result<Option<DocKind>> {
            let (_, loaded) = self.cache.get_mut(id).expect("persist of a loaded document");
            let tx = self.conn.transaction()?;
            let Some(appended) = chunks::append(&tx, loaded, at)? else { return Ok(None) };
            refresh(&tx, &self.office, loaded, reach, recount_conflicts)?;
            if let Some((peer, state)) = sync_state {
                sync::write_sync_state(&tx, id, peer, &state)?;
            }
            if let Some((hash, entry)) = journal {
                refusals::write_journal(&tx, id, hash, &entry, at)?;
            }
            loaded.appended(appended);
            let compacted = if loaded.needs_compaction() { Some(chunks::compact(&tx, loaded, at)?) } else { None };
            tx.commit()?;
            if let Some(c) = compacted {
                loaded.compacted(c);
            }
            Ok(Some(loaded.kind))
        })();
        match result {
            Ok(Some(DocKind::Office)) => self.office_changed(),
            Ok(Some(DocKind::Checklist)) => {
                // Published versions do not change, but a merge may still bring a change.
                self.templates.remove(id);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) => {
                // Memory may be ahead of disk now; reload from disk next time.
                self.cache.remove(id);
                Err(e)
            }
        }
    }

    /// Stores a new inspection created by `editor`. Whether its team must
    /// be qualified for the industry follows from the checklists it uses,
    /// and its grade scheme from the enterprise's region (as this device
    /// holds them), whatever the caller set.
    pub fn create_inspection(&mut self, inspection: &Inspection, editor: &Editor, at: Timestamp) -> Result<()> {
        let mut inspection = inspection.clone();
        if let Ok(enterprise) = self.enterprise(&inspection.enterprise) {
            if let Some(region) = self.office.region_of(&enterprise) {
                inspection.grade_scheme = region.scheme.id.clone();
            }
        }
        inspection.qualification_required = false;
        for c in &inspection.checklists {
            inspection.qualification_required |= self.checklist_shared(&c.id, c.version)?.qualification_required;
        }
        let inspection = &inspection;
        let id = inspection.id.to_string();
        self.office.scheme(&inspection.grade_scheme)?;
        if self.ensure_loaded(&id)? {
            return Err(Error::validation("inspection", "an inspection with this id already exists"));
        }
        let doc = InspectionDoc::create(inspection, self.actor.clone(), editor, at)?.into_automerge();
        let tx = self.conn.transaction()?;
        let loaded = chunks::insert(&tx, &id, DocKind::Inspection, doc, at)?;
        refresh(&tx, &self.office, &loaded, Reach::Everything, true)?;
        tx.commit()?;
        self.insert_cached(loaded);
        Ok(())
    }

    /// Applies `edits` by `editor` to inspection `id` as one durable change.
    /// Returns the change hash, or `None` when nothing changed. On any error
    /// nothing is written.
    pub fn edit(
        &mut self,
        id: &InspectionId,
        editor: &Editor,
        edits: &[Edit],
        at: Timestamp,
    ) -> Result<Option<ChangeHash>> {
        let key = id.to_string();
        if !self.ensure_loaded(&key)? {
            return Err(Error::NotFound { kind: "inspection", id: key });
        }
        let edits = &*self.settle_responses(id, edits)?;
        let checklists = self.inspection_checklists(&key)?;
        let ctx = Context { office: &self.office, checklists: &checklists };
        let (_, loaded) = self.cache.get_mut(&key).expect("loaded");
        let mut idoc = InspectionDoc::from_automerge_unchecked(std::mem::take(&mut loaded.doc));
        let result = idoc.apply(editor, &ctx, edits, at);
        loaded.doc = idoc.into_automerge();
        let hash = result?;
        if let Some(h) = hash {
            let reach = Reach::Findings(edits.iter().filter_map(Edit::finding).map(|f| f.to_string()).collect());
            // The edit journal is written in the same transaction as the change.
            let entry = crate::doc::journal::encode(editor, edits)?;
            self.persist_inner(&key, reach, false, at, None, Some((h, entry)))?;
        }
        Ok(hash)
    }

    /// Opens an inspection for the inspection screen: loads and checks the
    /// document and returns its header; lists come from
    /// [`Store::inspection_findings`], single items from [`Store::finding`].
    pub fn open_inspection(&mut self, id: &InspectionId) -> Result<InspectionHeader> {
        crate::doc::inspection::header(&self.loaded(&id.to_string(), "inspection")?.doc)
    }

    /// One finding of an inspection.
    pub fn finding(&mut self, id: &InspectionId, finding: &FindingId) -> Result<Finding> {
        crate::doc::inspection::finding(&self.loaded(&id.to_string(), "inspection")?.doc, finding)
    }

    /// The findings of one inspection as listed, earliest due first.
    pub fn inspection_findings(&self, id: &InspectionId) -> Result<Vec<FindingRow>> {
        self.finding_rows("f.inspection_id = ?1", &[&id.to_string()])
    }

    /// The inspection as typed data (every response, finding and interview).
    pub fn inspection(&mut self, id: &InspectionId) -> Result<Inspection> {
        let loaded = self.loaded(&id.to_string(), "inspection")?;
        Ok(autosurgeon::hydrate(&loaded.doc)?)
    }

    /// A copy of the inspection's document (to fork, inspect or send).
    pub fn inspection_doc(&mut self, id: &InspectionId) -> Result<InspectionDoc> {
        let loaded = self.loaded(&id.to_string(), "inspection")?;
        Ok(InspectionDoc::from_automerge_unchecked(loaded.doc.clone()))
    }

    /// The full saved form of any stored document.
    pub fn export(&mut self, id: &str) -> Result<Vec<u8>> {
        Ok(self.loaded(id, "document")?.doc.save())
    }

    /// The current heads of a stored document.
    pub fn heads(&mut self, id: &str) -> Result<Vec<ChangeHash>> {
        Ok(self.loaded(id, "document")?.doc.get_heads())
    }

    /// Merges document bytes from another replica (a full save or changes).
    /// Creates the document if it is new here. Returns whether anything
    /// changed. Bytes that do not decode are refused before anything is
    /// touched.
    pub fn receive(&mut self, id: &str, bytes: &[u8], at: Timestamp) -> Result<bool> {
        let incoming = Automerge::load(bytes)
            .map_err(|e| Error::CorruptDocument { doc: id.to_string(), reason: e.to_string() })?;
        let (kind, mut incoming) = crate::doc::apply::detect_kind(id, incoming)?;
        if !self.ensure_loaded(id)? {
            incoming.set_actor(self.actor.clone());
            let tx = self.conn.transaction()?;
            let loaded = chunks::insert(&tx, id, kind, incoming, at)?;
            refresh(&tx, &self.office, &loaded, Reach::Everything, true)?;
            tx.commit()?;
            self.insert_cached(loaded);
            if kind == DocKind::Office {
                self.office_changed()?;
            }
            return Ok(true);
        }
        let (_, loaded) = self.cache.get_mut(id).expect("loaded");
        if loaded.kind != kind {
            return Err(Error::validation(
                "document",
                format!("a {} cannot be merged into a {}", kind.code(), loaded.kind.code()),
            ));
        }
        let before = loaded.saved_heads.clone();
        if let Err(e) = loaded.doc.merge(&mut incoming) {
            self.cache.remove(id);
            return Err(e.into());
        }
        if loaded.doc.get_heads() == before {
            return Ok(false);
        }
        self.persist(id, Reach::Since(&before), true, at)?;
        Ok(true)
    }

    /// Conflicts on legally significant fields of an inspection.
    pub fn conflicts(&mut self, id: &InspectionId) -> Result<Vec<Conflict>> {
        crate::doc::conflicts::conflicts(&self.loaded(&id.to_string(), "inspection")?.doc)
    }

    /// Resolves a conflict (team lead), durably, recording who resolved it.
    pub fn resolve(
        &mut self,
        id: &InspectionId,
        editor: &Editor,
        conflict: &Conflict,
        chosen: FieldValue,
        at: Timestamp,
    ) -> Result<()> {
        let key = id.to_string();
        let checklists = self.inspection_checklists(&key)?;
        let ctx = Context { office: &self.office, checklists: &checklists };
        let (_, loaded) =
            self.cache.get_mut(&key).ok_or_else(|| Error::NotFound { kind: "inspection", id: key.clone() })?;
        let before = loaded.saved_heads.clone();
        let mut idoc = InspectionDoc::from_automerge_unchecked(std::mem::take(&mut loaded.doc));
        let result = idoc.resolve(editor, &ctx, conflict, chosen, at);
        loaded.doc = idoc.into_automerge();
        result?;
        self.persist(&key, Reach::Since(&before), true, at)
    }

    /// Inspections in a status, most recently changed first.
    pub fn inspections_by_status(&self, status: InspectionStatus) -> Result<Vec<InspectionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, enterprise_id, enterprise_name, status, updated_at, conflicts FROM inspections
             WHERE status = ?1 ORDER BY updated_at DESC, id",
        )?;
        let rows = stmt.query_map([status.code()], |r| {
            Ok(InspectionRow {
                id: r.get(0)?,
                enterprise_id: r.get(1)?,
                enterprise_name: r.get(2)?,
                status: r.get(3)?,
                updated_at: r.get(4)?,
                conflicts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The inspections of one enterprise, newest first.
    pub fn enterprise_history(&self, enterprise_id: &str) -> Result<Vec<HistoryRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT inspection_id, inspected_on, status, findings_total, findings_open FROM enterprise_history
             WHERE enterprise_id = ?1 ORDER BY inspected_on DESC, inspection_id",
        )?;
        let rows = stmt.query_map([enterprise_id], |r| {
            let on: Option<String> = r.get(1)?;
            Ok(HistoryRow {
                inspection_id: r.get(0)?,
                inspected_on: on.and_then(|s| s.parse().ok()),
                status: r.get(2)?,
                findings_total: r.get(3)?,
                findings_open: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of every stored document of a kind.
    pub fn document_ids(&self, kind: DocKind) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM documents WHERE kind = ?1 ORDER BY id")?;
        let rows = stmt.query_map([kind.code()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Rebuilds every projection from the documents, in one transaction.
    pub fn rebuild_projections(&mut self) -> Result<()> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT id FROM documents ORDER BY kind, id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let tx = self.conn.transaction()?;
        projections::clear(&tx)?;
        for id in ids {
            let loaded = chunks::load(&tx, &id)?.ok_or_else(|| Error::NotFound { kind: "document", id: id.clone() })?;
            refresh(&tx, &self.office, &loaded, Reach::Everything, true)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every projection row as text, in a fixed order: for tests that
    /// compare replicas and rebuilds.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for table in ["inspections", "findings", "enterprise_history", "enterprises", "checklists"] {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cols = (0..n)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                out.push(format!("{table}: {}", cols.join(" | ")));
            }
        }
        Ok(out)
    }

    /// Number of chunk rows stored for a document (diagnostics, tests).
    pub fn chunk_count(&self, id: &str) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM chunks WHERE doc_id = ?1", params![id], |r| r.get(0))?)
    }
}

/// Refreshes the projection rows of a loaded document.
fn refresh(
    tx: &rusqlite::Transaction<'_>,
    office: &OfficeData,
    loaded: &LoadedDoc,
    reach: Reach<'_>,
    recount: bool,
) -> Result<()> {
    match loaded.kind {
        DocKind::Inspection => projections::refresh_inspection(tx, office, &loaded.id, &loaded.doc, reach, recount),
        DocKind::Enterprise => catalog::refresh_enterprise(tx, &loaded.id, &loaded.doc),
        DocKind::Checklist => catalog::refresh_checklist(tx, &loaded.id, &loaded.doc),
        DocKind::Office => office::refresh_office_doc(tx, &loaded.id, &loaded.doc),
    }
}
