//! Blobs on the device: files named by their SHA-256 in the store's blob
//! folder, and the upload outbox that tracks each one until the server has
//! acknowledged its hash. The file is written and fsynced before its row
//! exists, so a document never references a blob the device does not hold,
//! and a blob is never deleted before the server acknowledged it.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::Store;
use crate::error::{Error, Result};
use crate::model::Timestamp;

/// Where a blob stands in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobState {
    /// Waiting to be uploaded (possibly after a failed attempt).
    Pending,
    /// An upload is under way (or was, when the app stopped: resumed).
    Uploading,
    /// The server holds it (uploaded, or downloaded from it).
    Acked,
    /// The server refused the content (it does not match its hash): the
    /// local file is damaged. Kept for the user to see; never retried.
    Failed,
}

impl BlobState {
    fn code(self) -> &'static str {
        match self {
            BlobState::Pending => "pending",
            BlobState::Uploading => "uploading",
            BlobState::Acked => "acked",
            BlobState::Failed => "failed",
        }
    }

    fn from_code(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => BlobState::Pending,
            "uploading" => BlobState::Uploading,
            "acked" => BlobState::Acked,
            "failed" => BlobState::Failed,
            other => return Err(Error::Schema(format!("unknown blob state {other:?}"))),
        })
    }
}

/// One blob the device holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobEntry {
    /// SHA-256, lowercase hex.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (image/jpeg, application/pdf, ...).
    pub media_type: String,
    /// Outbox state.
    pub state: BlobState,
    /// Upload attempts that failed so far.
    pub attempts: u32,
    /// Not before this time is the next attempt due.
    pub next_attempt: Option<Timestamp>,
    /// The last failure, for the sync screen.
    pub last_error: Option<String>,
}

pub use crate::model::evidence::parse_hash;

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

const COLUMNS: &str = "hash, size, media_type, state, attempts, next_attempt, last_error";

/// A `blobs` row as SQLite returns it, before parsing.
type RawEntry = (String, i64, String, String, i64, Option<String>, Option<String>);

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_entry((hash, size, media_type, state, attempts, next, last_error): RawEntry) -> Result<BlobEntry> {
    Ok(BlobEntry {
        hash,
        size: size as u64,
        media_type,
        state: BlobState::from_code(&state)?,
        attempts: attempts as u32,
        next_attempt: next.map(|t| Timestamp::parse(&t)).transpose()?,
        last_error,
    })
}

impl Store {
    /// The folder holding this store's blob files.
    pub fn blob_dir(&self) -> Result<&Path> {
        self.blob_dir.as_deref().ok_or_else(|| Error::validation("blobs", "an in-memory store keeps no blob files"))
    }

    /// Path of a blob's file (which exists once the blob is stored).
    pub fn blob_path(&self, hash: &str) -> Result<PathBuf> {
        let hash = parse_hash(hash)?;
        Ok(self.blob_dir()?.join(&hash[..2]).join(&hash))
    }

    /// A temporary file in the blob folder (same file system: renames are atomic).
    pub(crate) fn blob_temp(&self) -> Result<(PathBuf, File)> {
        let dir = self.blob_dir()?.join("tmp");
        fs::create_dir_all(&dir)?;
        let path = dir.join(uuid::Uuid::now_v7().to_string());
        let file = File::create(&path)?;
        Ok((path, file))
    }

    /// Moves a verified temporary file into place as blob `hash` and records
    /// it (idempotent: a blob already held keeps its row and state).
    pub(crate) fn place_blob(
        &self,
        temp: &Path,
        hash: &str,
        size: u64,
        media_type: &str,
        state: BlobState,
        at: Timestamp,
    ) -> Result<()> {
        let dest = self.blob_path(hash)?;
        let dir = dest.parent().expect("two levels");
        fs::create_dir_all(dir)?;
        File::open(temp)?.sync_all()?;
        fs::rename(temp, &dest)?;
        sync_dir(dir)?;
        let acked = (state == BlobState::Acked).then(|| at.to_string());
        self.conn.execute(
            "INSERT INTO blobs (hash, size, media_type, state, created_at, acked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(hash) DO UPDATE SET acked_at = coalesce(blobs.acked_at, excluded.acked_at),
               state = CASE WHEN excluded.state = 'acked' THEN 'acked' ELSE blobs.state END",
            params![hash, size as i64, media_type, state.code(), at.to_string(), acked],
        )?;
        Ok(())
    }

    /// Stores `bytes` as a blob and queues it for upload; returns its SHA-256.
    pub fn put_blob(&self, bytes: &[u8], media_type: &str, at: Timestamp) -> Result<String> {
        let hash = hex::encode(Sha256::digest(bytes));
        let (temp, mut f) = self.blob_temp()?;
        let written = f.write_all(bytes).map_err(Error::from);
        drop(f);
        let result = written
            .and_then(|()| self.place_blob(&temp, &hash, bytes.len() as u64, media_type, BlobState::Pending, at));
        let _ = fs::remove_file(&temp);
        result.map(|()| hash)
    }

    /// Copies a file (a camera's photo, a scan) into the blob folder,
    /// hashing as it goes, and queues it for upload; returns its SHA-256.
    pub fn put_blob_file(&self, path: &Path, media_type: &str, at: Timestamp) -> Result<String> {
        let mut src = File::open(path)?;
        let (temp, mut f) = self.blob_temp()?;
        let result = (|| {
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            let mut size = 0u64;
            loop {
                let n = src.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                f.write_all(&buf[..n])?;
                size += n as u64;
            }
            drop(f);
            let hash = hex::encode(hasher.finalize());
            self.place_blob(&temp, &hash, size, media_type, BlobState::Pending, at)?;
            Ok(hash)
        })();
        let _ = fs::remove_file(&temp);
        result
    }

    /// A blob's bytes, verified against its hash (a damaged file is an
    /// error, never silently returned).
    pub fn read_blob(&self, hash: &str) -> Result<Vec<u8>> {
        let path = self.blob_path(hash)?;
        let bytes = fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound { kind: "blob", id: hash.to_string() },
            _ => e.into(),
        })?;
        if hex::encode(Sha256::digest(&bytes)) != parse_hash(hash)? {
            return Err(Error::CorruptDocument {
                doc: hash.to_string(),
                reason: "blob file does not match its hash".into(),
            });
        }
        Ok(bytes)
    }

    /// A blob's outbox entry.
    pub fn blob(&self, hash: &str) -> Result<Option<BlobEntry>> {
        let hash = parse_hash(hash)?;
        let row =
            self.conn.query_row(&format!("SELECT {COLUMNS} FROM blobs WHERE hash = ?1"), [hash], entry).optional()?;
        row.map(to_entry).transpose()
    }

    /// Blobs the server has not acknowledged yet, oldest first.
    pub fn blob_outbox(&self) -> Result<Vec<BlobEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM blobs WHERE state != 'acked' ORDER BY created_at, hash"))?;
        let rows = stmt.query_map([], entry)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(to_entry).collect()
    }

    /// Blobs due for an upload attempt at `now`.
    pub fn due_uploads(&self, now: Timestamp) -> Result<Vec<BlobEntry>> {
        Ok(self
            .blob_outbox()?
            .into_iter()
            .filter(|b| b.state != BlobState::Failed)
            .filter(|b| b.next_attempt.is_none_or(|t| t.unix_millis() <= now.unix_millis()))
            .collect())
    }

    /// Marks a blob's upload as under way.
    pub fn mark_blob_uploading(&self, hash: &str) -> Result<()> {
        self.set_blob_state(hash, BlobState::Uploading, None, None)
    }

    /// Records that the server acknowledged the blob's hash.
    pub fn mark_blob_acked(&self, hash: &str, at: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE blobs SET state = 'acked', acked_at = ?2, next_attempt = NULL, last_error = NULL WHERE hash = ?1",
            params![parse_hash(hash)?, at.to_string()],
        )?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or never (`None`:
    /// the server refused the content).
    pub fn mark_blob_failed(&self, hash: &str, error: &str, retry_at: Option<Timestamp>) -> Result<()> {
        let state = if retry_at.is_some() { BlobState::Pending } else { BlobState::Failed };
        self.set_blob_state(hash, state, Some(error), retry_at)
    }

    fn set_blob_state(
        &self,
        hash: &str,
        state: BlobState,
        error: Option<&str>,
        retry: Option<Timestamp>,
    ) -> Result<()> {
        let failed = error.is_some();
        self.conn.execute(
            "UPDATE blobs SET state = ?2, attempts = attempts + ?3, last_error = coalesce(?4, last_error),
               next_attempt = ?5 WHERE hash = ?1 AND state != 'acked'",
            params![parse_hash(hash)?, state.code(), i64::from(failed), error, retry.map(|t| t.to_string())],
        )?;
        Ok(())
    }

    /// Deletes a blob's local file to free space. Refused until the server
    /// has acknowledged the blob: evidence is never lost to a full phone.
    pub fn remove_local_blob(&self, hash: &str) -> Result<()> {
        let entry = self.blob(hash)?.ok_or_else(|| Error::NotFound { kind: "blob", id: hash.to_string() })?;
        if entry.state != BlobState::Acked {
            return Err(Error::validation("blob", "the server has not acknowledged this blob yet; it is kept"));
        }
        match fs::remove_file(self.blob_path(hash)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("device.db")).unwrap();
        (dir, store)
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_blob_stays_until_acknowledged() {
        let (_dir, store) = store();
        let at = t("2026-03-02T09:00:00+08:00");
        let hash = store.put_blob(b"photo bytes", "image/jpeg", at).unwrap();
        assert_eq!(store.put_blob(b"photo bytes", "image/jpeg", at).unwrap(), hash, "idempotent");
        assert_eq!(store.blob_outbox().unwrap().len(), 1);
        assert!(store.remove_local_blob(&hash).is_err());
        // A failed attempt is retried after its backoff, not before.
        store.mark_blob_failed(&hash, "network: timeout", Some(t("2026-03-02T09:05:00+08:00"))).unwrap();
        let e = store.blob(&hash).unwrap().unwrap();
        assert_eq!((e.state, e.attempts, e.last_error.as_deref()), (BlobState::Pending, 1, Some("network: timeout")));
        assert!(store.due_uploads(t("2026-03-02T09:01:00+08:00")).unwrap().is_empty());
        assert_eq!(store.due_uploads(t("2026-03-02T09:06:00+08:00")).unwrap().len(), 1);
        store.mark_blob_acked(&hash, at).unwrap();
        assert!(store.blob_outbox().unwrap().is_empty());
        // Acknowledged blobs never go back into the outbox.
        store.mark_blob_failed(&hash, "late", None).unwrap();
        assert_eq!(store.blob(&hash).unwrap().unwrap().state, BlobState::Acked);
        store.remove_local_blob(&hash).unwrap();
        assert!(matches!(store.read_blob(&hash), Err(Error::NotFound { .. })));
    }

    #[test]
    fn damaged_files_and_bad_names_are_errors() {
        let (dir, store) = store();
        let src = dir.path().join("camera.jpg");
        std::fs::write(&src, vec![7u8; 200_000]).unwrap();
        let at = Timestamp::parse("2026-03-02T10:00:00+08:00").unwrap();
        let hash = store.put_blob_file(&src, "image/jpeg", at).unwrap();
        assert_eq!(store.read_blob(&hash).unwrap().len(), 200_000);
        std::fs::write(store.blob_path(&hash).unwrap(), b"bit rot").unwrap();
        assert!(matches!(store.read_blob(&hash), Err(Error::CorruptDocument { .. })));
        for bad in ["", "../../etc/passwd", &"g".repeat(64), &hash[..63]] {
            assert!(matches!(store.blob_path(bad), Err(Error::Validation { .. })), "{bad}");
        }
        let memory = Store::open_in_memory().unwrap();
        assert!(memory.put_blob(b"x", "image/png", at).is_err());
        assert!(std::fs::read_dir(store.blob_dir().unwrap().join("tmp")).unwrap().next().is_none(), "no temp left");
    }
}
