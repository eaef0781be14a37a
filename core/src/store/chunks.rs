//! Document bytes on disk: one snapshot plus incremental chunks per document.
//!
//! Each local commit appends `save_after(saved_heads)` (a few hundred bytes),
//! never `save_incremental()` after a load, which would re-emit the whole
//! history. When incremental bytes outgrow the snapshot or there are too many
//! chunks, the document is compacted: one new snapshot, and exactly the
//! chunks that were loaded are deleted, in one transaction.

use automerge::{Automerge, ChangeHash};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::{Error, Result};
use crate::model::Timestamp;

/// Compact when there are more chunks than this.
pub const MAX_CHUNKS: usize = 50;

pub use crate::doc::kind::DocKind;

/// A document in memory together with what is on disk for it.
#[derive(Debug)]
pub struct LoadedDoc {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: DocKind,
    /// The automerge document.
    pub doc: Automerge,
    /// The heads the stored chunks add up to.
    pub saved_heads: Vec<ChangeHash>,
    /// Ids of the chunk rows loaded or written since.
    pub chunk_ids: Vec<i64>,
    /// Size of the snapshot chunk.
    pub snapshot_bytes: usize,
    /// Total size of incremental chunks.
    pub incremental_bytes: usize,
}

impl LoadedDoc {
    /// Whether compaction is due.
    pub fn needs_compaction(&self) -> bool {
        self.chunk_ids.len() > MAX_CHUNKS || self.incremental_bytes > self.snapshot_bytes
    }
}

/// Encodes heads as concatenated 32-byte hashes, sorted.
pub fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

/// Decodes [`encode_heads`].
pub fn decode_heads(bytes: &[u8]) -> Result<Vec<ChangeHash>> {
    if !bytes.len().is_multiple_of(32) {
        return Err(Error::Schema("stored heads are not a multiple of 32 bytes".into()));
    }
    Ok(bytes.chunks_exact(32).map(|c| ChangeHash(c.try_into().expect("32 bytes"))).collect())
}

/// Loads a document; `Ok(None)` if it is not stored. Corrupt bytes, or bytes
/// that do not add up to the saved heads, give [`Error::CorruptDocument`]
/// and change nothing.
pub fn load(conn: &Connection, id: &str) -> Result<Option<LoadedDoc>> {
    let row: Option<(String, Vec<u8>)> = conn
        .query_row("SELECT kind, heads FROM documents WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((kind, heads)) = row else { return Ok(None) };
    let kind = DocKind::from_code(&kind)?;
    let saved_heads = decode_heads(&heads)?;
    let mut stmt = conn.prepare_cached("SELECT id, kind, bytes FROM chunks WHERE doc_id = ?1 ORDER BY id")?;
    let mut rows = stmt.query([id])?;
    let mut all = Vec::new();
    let (mut chunk_ids, mut snapshot_bytes, mut incremental_bytes) = (Vec::new(), 0, 0);
    while let Some(r) = rows.next()? {
        let chunk_id: i64 = r.get(0)?;
        let chunk_kind: String = r.get(1)?;
        let bytes = r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
        if chunk_kind == "snapshot" {
            snapshot_bytes += bytes.len();
        } else {
            incremental_bytes += bytes.len();
        }
        all.extend_from_slice(bytes);
        chunk_ids.push(chunk_id);
    }
    let corrupt = |reason: String| Error::CorruptDocument { doc: id.to_string(), reason };
    let doc = Automerge::load(&all).map_err(|e| corrupt(e.to_string()))?;
    let mut have = doc.get_heads();
    have.sort();
    let mut want = saved_heads.clone();
    want.sort();
    if have != want {
        return Err(corrupt("stored chunks do not add up to the saved heads".into()));
    }
    Ok(Some(LoadedDoc { id: id.to_string(), kind, doc, saved_heads, chunk_ids, snapshot_bytes, incremental_bytes }))
}

/// Stores a new document as one snapshot.
pub fn insert(tx: &Transaction<'_>, id: &str, kind: DocKind, doc: Automerge, at: Timestamp) -> Result<LoadedDoc> {
    tx.execute(
        "INSERT INTO documents (id, kind, heads, updated_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, kind.code(), encode_heads(&doc.get_heads()), at.to_string()],
    )?;
    snapshot(tx, id, kind, doc, at)
}

/// Replaces a stored document's whole content with `doc` (one snapshot):
/// for a document rebuilt without changes that were set aside.
pub fn replace(tx: &Transaction<'_>, id: &str, kind: DocKind, doc: Automerge, at: Timestamp) -> Result<LoadedDoc> {
    tx.execute("DELETE FROM chunks WHERE doc_id = ?1", [id])?;
    tx.execute(
        "UPDATE documents SET heads = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, encode_heads(&doc.get_heads()), at.to_string()],
    )?;
    snapshot(tx, id, kind, doc, at)
}

/// Writes `doc` as the document's one snapshot chunk.
fn snapshot(tx: &Transaction<'_>, id: &str, kind: DocKind, doc: Automerge, at: Timestamp) -> Result<LoadedDoc> {
    let bytes = doc.save();
    tx.execute(
        "INSERT INTO chunks (doc_id, kind, bytes, created_at) VALUES (?1, 'snapshot', ?2, ?3)",
        params![id, bytes, at.to_string()],
    )?;
    let chunk_id = tx.last_insert_rowid();
    Ok(LoadedDoc {
        id: id.to_string(),
        kind,
        saved_heads: doc.get_heads(),
        doc,
        chunk_ids: vec![chunk_id],
        snapshot_bytes: bytes.len(),
        incremental_bytes: 0,
    })
}

/// What [`append`] wrote, applied to the cached document once the SQLite
/// transaction has committed.
#[derive(Debug)]
pub struct Appended {
    heads: Vec<ChangeHash>,
    chunk_id: i64,
    bytes: usize,
}

/// Writes the changes made since the saved heads as one incremental chunk.
/// Returns `None` when there is nothing new.
pub fn append(tx: &Transaction<'_>, loaded: &LoadedDoc, at: Timestamp) -> Result<Option<Appended>> {
    let heads = loaded.doc.get_heads();
    if heads == loaded.saved_heads {
        return Ok(None);
    }
    let bytes = loaded.doc.save_after(&loaded.saved_heads);
    tx.prepare_cached("INSERT INTO chunks (doc_id, kind, bytes, created_at) VALUES (?1, 'incremental', ?2, ?3)")?
        .execute(params![loaded.id, bytes, at.to_string()])?;
    let chunk_id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE documents SET heads = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        loaded.id,
        encode_heads(&heads),
        at.to_string()
    ])?;
    Ok(Some(Appended { heads, chunk_id, bytes: bytes.len() }))
}

impl LoadedDoc {
    /// Records a committed [`append`].
    pub fn appended(&mut self, a: Appended) {
        self.saved_heads = a.heads;
        self.chunk_ids.push(a.chunk_id);
        self.incremental_bytes += a.bytes;
    }
}

/// Replaces all loaded chunks with one snapshot (in `tx`); returns the new
/// chunk id and size to record with [`LoadedDoc::compacted`] after commit.
pub fn compact(tx: &Transaction<'_>, loaded: &LoadedDoc, at: Timestamp) -> Result<(i64, usize)> {
    let bytes = loaded.doc.save();
    tx.execute(
        "INSERT INTO chunks (doc_id, kind, bytes, created_at) VALUES (?1, 'snapshot', ?2, ?3)",
        params![loaded.id, bytes, at.to_string()],
    )?;
    let new_id = tx.last_insert_rowid();
    let mut del = tx.prepare_cached("DELETE FROM chunks WHERE id = ?1 AND doc_id = ?2")?;
    for id in &loaded.chunk_ids {
        del.execute(params![id, loaded.id])?;
    }
    Ok((new_id, bytes.len()))
}

impl LoadedDoc {
    /// Records a committed [`compact`].
    pub fn compacted(&mut self, (chunk_id, bytes): (i64, usize)) {
        self.chunk_ids = vec![chunk_id];
        self.snapshot_bytes = bytes;
        self.incremental_bytes = 0;
    }
}
