//! Blobs (photos, signatures, scans) on the server: content-addressed files
//! under the data folder, written only after their SHA-256 is verified, and
//! the rules of who may read them.
//!
//! Uploads are resumable: each device's partial upload of a hash is a file
//! of its own that grows chunk by chunk (fsynced after each), and becomes a
//! blob by an atomic rename only when the whole content hashes to its name.
//! A corrupt or truncated upload therefore never becomes a blob: it stays
//! partial (resumed from its length) or is discarded on a hash mismatch.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use lianjian_core::model::Timestamp;

use crate::args;
use crate::db::{self, Caller};
use crate::sql::{DbError, Sql};

/// Header: bytes of the upload the server holds / where a chunk starts.
pub const UPLOAD_OFFSET: &str = "upload-offset";
/// Header: the blob's total length.
pub const UPLOAD_LENGTH: &str = "upload-length";

/// Largest blob accepted (a long video of a site walk-through).
pub const MAX_BLOB: u64 = 1 << 30;
/// Largest chunk of one upload request.
pub const MAX_CHUNK: usize = 8 << 20;

/// A blob's name: 64 lowercase hexadecimal characters, the SHA-256 of its
/// content. Nothing else ever becomes part of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BlobHash(String);

impl BlobHash {
    /// Parses a hash as it appears in a URL; anything but 64 hex digits is refused.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| BlobHash(s.to_ascii_lowercase()))
    }

    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        BlobHash(hex::encode(Sha256::digest(bytes)))
    }

    /// Hex form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why an upload step was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The client's offset is not where the upload stands.
    #[error("the upload is at offset {0}")]
    Offset(u64),
    /// The declared length differs from the one the upload started with, or exceeds the limit.
    #[error("{0}")]
    Length(String),
    /// The chunk does not match the digest its request declared (damaged
    /// on the way); nothing of it was kept.
    #[error("the chunk does not match its declared SHA-256; nothing of it was stored")]
    ChunkMismatch,
    /// The content does not hash to the name it was uploaded under.
    #[error("the uploaded content does not match its SHA-256")]
    HashMismatch,
    /// The device's uploads would exceed its storage quota.
    #[error("the device's storage quota of {0} bytes would be exceeded")]
    Quota(u64),
    /// Disk failure.
    #[error("blob storage: {0}")]
    Io(#[from] std::io::Error),
    /// Database failure.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The blob directory.
#[derive(Debug)]
pub struct BlobDir {
    root: PathBuf,
    /// Partial uploads a request is appending to right now: chunks are
    /// written without the database lock, so two requests of one device
    /// for one blob must not interleave.
    busy: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

/// Where an upload stands after a chunk.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadState {
    /// More bytes expected; the offset to continue from.
    Partial(u64),
    /// The blob is stored (verified now or earlier).
    Complete(u64),
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

impl BlobDir {
    /// Opens (creating) the directory.
    pub fn open(root: &Path) -> std::io::Result<Self> {
        fs::create_dir_all(root.join("uploads"))?;
        Ok(BlobDir { root: root.to_path_buf(), busy: Default::default() })
    }

    /// Path of a complete blob.
    pub fn path(&self, hash: &BlobHash) -> PathBuf {
        self.root.join(&hash.0[..2]).join(&hash.0)
    }

    fn partial(&self, hash: &BlobHash, device: &str) -> PathBuf {
        // Device ids are UUIDs the server made; hex-encoding keeps any id path-safe.
        self.root.join("uploads").join(format!("{}-{}", hash.0, hex::encode(device)))
    }

    /// Bytes received so far of `device`'s upload of `hash`.
    pub fn received(&self, hash: &BlobHash, device: &str) -> u64 {
        fs::metadata(self.partial(hash, device)).map(|m| m.len()).unwrap_or(0)
    }

    /// Appends a chunk at `offset` of an upload of `length` bytes and, when it
    /// is whole, verifies it and moves it into place. Returns where it stands.
    pub fn append(
        &self,
        hash: &BlobHash,
        device: &str,
        offset: u64,
        length: u64,
        chunk: &[u8],
    ) -> Result<UploadState, UploadError> {
        let part = self.partial(hash, device);
        if !self.busy.lock().unwrap_or_else(|p| p.into_inner()).insert(part.clone()) {
            return Err(UploadError::Offset(self.received(hash, device)));
        }
        let result = self.append_unshared(hash, device, &part, offset, length, chunk);
        self.busy.lock().unwrap_or_else(|p| p.into_inner()).remove(&part);
        result
    }

    fn append_unshared(
        &self,
        hash: &BlobHash,
        device: &str,
        part: &Path,
        offset: u64,
        length: u64,
        chunk: &[u8],
    ) -> Result<UploadState, UploadError> {
        let have = self.received(hash, device);
        if offset != have {
            return Err(UploadError::Offset(have));
        }
        if offset + chunk.len() as u64 > length {
            return Err(UploadError::Length("the chunk runs past the declared length".into()));
        }
        if !chunk.is_empty() {
            let mut f = OpenOptions::new().create(true).append(true).open(part)?;
            f.write_all(chunk)?;
            f.sync_data()?;
        }
        let now = have + chunk.len() as u64;
        if now < length {
            return Ok(UploadState::Partial(now));
        }
        let mut hasher = Sha256::new();
        std::io::copy(&mut File::open(part)?, &mut hasher)?;
        if hex::encode(hasher.finalize()) != hash.0 {
            fs::remove_file(part)?;
            return Err(UploadError::HashMismatch);
        }
        let dest = self.path(hash);
        let dir = dest.parent().expect("two levels");
        fs::create_dir_all(dir)?;
        File::open(part)?.sync_all()?;
        fs::rename(part, &dest)?;
        sync_dir(dir)?;
        Ok(UploadState::Complete(length))
    }

    /// Forgets a device's partial upload (a restart with another length).
    pub fn discard(&self, hash: &BlobHash, device: &str) -> std::io::Result<()> {
        match fs::remove_file(self.partial(hash, device)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Size of a complete blob, if the server has it.
pub fn stored_size(db: &mut dyn Sql, hash: &BlobHash) -> Result<Option<u64>, DbError> {
    db.query_opt("SELECT size FROM blobs WHERE hash = $1", args![hash.as_str()])?
        .map(|r| r.int(0).map(|n| n as u64))
        .transpose()
}

/// Whether `caller` may read the blob: they uploaded it, or a document they
/// may read references it. (Knowing a hash proves nothing; uploading the
/// content does.)
pub fn may_read_blob(db: &mut dyn Sql, caller: &Caller, hash: &BlobHash) -> Result<bool, DbError> {
    user_may_read_blob(db, &caller.user, hash.as_str())
}

/// [`may_read_blob`] for a user: they uploaded it, or a document they may
/// read references it with a reference its author vouched for.
pub fn user_may_read_blob(db: &mut dyn Sql, user: &db::User, hash: &str) -> Result<bool, DbError> {
    let uploaded =
        db.query_opt("SELECT 1 FROM blob_uploaders WHERE hash = $1 AND user_id = $2", args![hash, &user.id])?;
    if uploaded.is_some() {
        return Ok(true);
    }
    let docs = db.query("SELECT doc_id FROM blob_refs WHERE hash = $1 AND vouched = 1", args![hash])?;
    for d in docs {
        if let Some(row) = db::access_row(db, &d.text(0)?, user)? {
            if db::may_read(user, &row, None) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether one of `user`'s devices has declared an upload of `hash` that
/// has not finished: a reference to it is vouched for once it does.
pub fn user_is_uploading(db: &mut dyn Sql, user: &db::User, hash: &str) -> Result<bool, DbError> {
    Ok(db
        .query_opt(
            "SELECT 1 FROM uploads u JOIN devices d ON d.id = u.device_id WHERE u.hash = $1 AND d.user_id = $2",
            args![hash, &user.id],
        )?
        .is_some())
}

/// Records the length an upload declares (the first chunk's); a different
/// length later restarts it. Returns the bytes already received.
pub fn begin_upload(
    db: &mut dyn Sql,
    dir: &BlobDir,
    hash: &BlobHash,
    device: &str,
    length: u64,
    now: &str,
    quota: u64,
) -> Result<u64, UploadError> {
    if length > MAX_BLOB {
        return Err(UploadError::Length(format!("blobs are limited to {MAX_BLOB} bytes")));
    }
    // What this device has stored, plus what its other uploads declare.
    let used = db
        .query_opt(
            // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
            "SELECT CAST(COALESCE((SELECT SUM(b.size) FROM blobs b JOIN blob_uploaders u ON u.hash = b.hash
                                   WHERE u.device_id = $1), 0)
                       + COALESCE((SELECT SUM(length) FROM uploads WHERE device_id = $1 AND hash <> $2), 0) AS BIGINT)",
            args![device, hash.as_str()],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0) as u64;
    if used.saturating_add(length) > quota {
        return Err(UploadError::Quota(quota));
    }
    let known =
        db.query_opt("SELECT length FROM uploads WHERE hash = $1 AND device_id = $2", args![hash.as_str(), device])?;
    match known.map(|r| r.int(0)).transpose()? {
        Some(l) if l as u64 == length => {}
        Some(_) => {
            dir.discard(hash, device)?;
            db.execute(
                "UPDATE uploads SET length = $1, updated_at = $2 WHERE hash = $3 AND device_id = $4",
                args![length as i64, now, hash.as_str(), device],
            )?;
        }
        None => {
            dir.discard(hash, device)?;
            db.execute(
                "INSERT INTO uploads (hash, device_id, length, received, updated_at) VALUES ($1, $2, $3, 0, $4)",
                args![hash.as_str(), device, length as i64, now],
            )?;
        }
    }
    Ok(dir.received(hash, device))
}

/// Records a verified blob and its uploader, and ends the upload.
pub fn finish_upload(db: &mut dyn Sql, hash: &BlobHash, caller: &Caller, size: u64, now: &str) -> Result<(), DbError> {
    db.transaction(|tx| {
        tx.execute(
            "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
            args![hash.as_str(), size as i64, now],
        )?;
        tx.execute(
            "INSERT INTO blob_uploaders (hash, user_id, device_id) VALUES ($1, $2, $3) ON CONFLICT (hash, user_id) DO NOTHING",
            args![hash.as_str(), &caller.user.id, &caller.device_id],
        )?;
        // References this user made before the upload finished now hold.
        tx.execute(
            "UPDATE blob_refs SET vouched = 1 WHERE hash = $1 AND by_user = $2",
            args![hash.as_str(), &caller.user.id],
        )?;
        tx.execute("DELETE FROM uploads WHERE hash = $1 AND device_id = $2", args![hash.as_str(), &caller.device_id])?;
        Ok(())
    })
}

/// Deletes the blobs no document references that were stored before
/// `cutoff`, and partial uploads untouched since then: an enrolled device
/// cannot fill the disk with uploads it never uses. Returns (blobs, partial
/// uploads) removed.
pub fn expire_unreferenced(db: &mut dyn Sql, dir: &BlobDir, cutoff: Timestamp) -> Result<(u64, u64), UploadError> {
    let old = |at: &str| Timestamp::parse(at).map(|t| t.unix_millis() < cutoff.unix_millis()).unwrap_or(false);
    let mut blobs = 0;
    let rows = db.query(
        "SELECT hash, created_at FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.hash = b.hash)",
        &[],
    )?;
    for r in rows {
        let (hash, at) = (r.text(0)?, r.text(1)?);
        let Some(hash) = BlobHash::parse(&hash).filter(|_| old(&at)) else { continue };
        db.transaction(|tx| -> Result<(), DbError> {
            tx.execute("DELETE FROM blob_uploaders WHERE hash = $1", args![hash.as_str()])?;
            tx.execute("DELETE FROM blobs WHERE hash = $1", args![hash.as_str()])?;
            Ok(())
        })?;
        match fs::remove_file(dir.path(&hash)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        blobs += 1;
    }
    let mut partial = 0;
    for r in db.query("SELECT hash, device_id, updated_at FROM uploads", &[])? {
        let (hash, device, at) = (r.text(0)?, r.text(1)?, r.text(2)?);
        let Some(hash) = BlobHash::parse(&hash).filter(|_| old(&at)) else { continue };
        dir.discard(&hash, &device)?;
        db.execute("DELETE FROM uploads WHERE hash = $1 AND device_id = $2", args![hash.as_str(), &device])?;
        partial += 1;
    }
    Ok((blobs, partial))
}
