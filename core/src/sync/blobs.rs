//! Moving blobs between the device and the server over HTTP: resumable
//! uploads from the outbox (ask the server's offset, send chunks, the
//! server verifies the hash at the end) and resumable downloads with
//! `Range`. A blob leaves the outbox only when the server acknowledges its
//! hash; a transport failure schedules a retry with backoff.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};

use super::http::SyncClient;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::store::blobs::{parse_hash, BlobState};
use crate::store::Store;

pub use super::http::DEFAULT_CHUNK;

const OFFSET: &str = "upload-offset";
const LENGTH: &str = "upload-length";
const CHUNK_SHA256: &str = "upload-chunk-sha256";

/// Progress of a blob transfer run, for the sync screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobProgress {
    /// Blobs in this run.
    pub blobs_total: usize,
    /// Of which acknowledged.
    pub blobs_done: usize,
    /// Bytes of all blobs in this run.
    pub bytes_total: u64,
    /// Bytes the server holds of them.
    pub bytes_done: u64,
}

/// What an upload run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobReport {
    /// Blobs the server acknowledged.
    pub acked: Vec<String>,
    /// Blobs that failed, with the reason (retried later unless refused).
    pub failed: Vec<(String, String)>,
    /// Final progress.
    pub progress: BlobProgress,
}

/// One blob a device announces before its documents reference it
/// (`POST /v1/uploads`), so the server accepts the reference while the
/// bytes are still on their way.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UploadDeclaration {
    /// SHA-256, lowercase hex.
    pub hash: String,
    /// Its size in bytes.
    pub length: u64,
}

/// `POST /v1/uploads` body.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeclareRequest {
    /// The blobs this device will upload.
    pub uploads: Vec<UploadDeclaration>,
}

/// A declaration the server did not take (over the quota, too long).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeclarationRefused {
    /// The blob.
    pub hash: String,
    /// The error code (`quota`, `bad_length`).
    pub code: String,
    /// Why, in Chinese.
    pub message: String,
}

/// `POST /v1/uploads` answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeclareResponse {
    /// How many declarations the server holds (or blobs it already has).
    pub declared: usize,
    /// Those it did not take.
    pub refused: Vec<DeclarationRefused>,
}

fn header(resp: &reqwest::Response, name: &str) -> Option<u64> {
    resp.headers().get(name)?.to_str().ok()?.parse().ok()
}

fn network(e: reqwest::Error) -> Error {
    Error::Network(e.to_string())
}

impl SyncClient {
    /// Uploads every blob due in the outbox, one after another; failures are
    /// recorded in the outbox (with the next attempt time) and reported,
    /// and do not stop the others. Only an unauthorized device stops the run.
    pub async fn upload_blobs(
        &self,
        store: &Store,
        token: &str,
        listener: &mut (dyn FnMut(&BlobProgress) + Send),
    ) -> Result<BlobReport> {
        let due = store.due_uploads(self.clock.now())?;
        let mut report = BlobReport::default();
        report.progress.blobs_total = due.len();
        report.progress.bytes_total = due.iter().map(|b| b.size).sum();
        listener(&report.progress);
        for blob in due {
            let base = report.progress.bytes_done;
            let mut progress = report.progress.clone();
            let result = self
                .upload_blob(store, token, &blob.hash, &mut |sent| {
                    progress.bytes_done = base + sent;
                    listener(&progress);
                })
                .await;
            match result {
                Ok(()) => {
                    report.progress.blobs_done += 1;
                    report.progress.bytes_done = base + blob.size;
                    report.acked.push(blob.hash);
                }
                Err(Error::Unauthorized(m)) => {
                    store.mark_blob_failed(&blob.hash, &m, Some(self.clock.now()))?;
                    return Err(Error::Unauthorized(m));
                }
                Err(e) => report.failed.push((blob.hash, e.to_string())),
            }
            listener(&report.progress);
        }
        Ok(report)
    }

    /// Announces the blobs of `store`'s outbox to the server, so that the
    /// documents about to be synced may reference them before their bytes
    /// arrive (the server refuses a reference to a blob nobody is
    /// uploading). Nothing is sent when the outbox is empty.
    pub async fn declare_uploads(&self, store: &Store, token: &str) -> Result<DeclareResponse> {
        let uploads = pending_declarations(store)?;
        self.declare(uploads, token).await
    }

    /// [`SyncClient::declare_uploads`] given the declarations, for callers
    /// that must not hold the store across the network.
    pub async fn declare(&self, uploads: Vec<UploadDeclaration>, token: &str) -> Result<DeclareResponse> {
        if uploads.is_empty() {
            return Ok(DeclareResponse::default());
        }
        let body = serde_json::to_vec(&DeclareRequest { uploads })
            .map_err(|e| Error::Network(format!("cannot encode declarations: {e}")))?;
        let bytes = self.post("/v1/uploads", Some(token), None, "application/json", body).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Network(format!("bad declaration answer: {e}")))
    }

    /// Uploads one blob, resuming where the server stands; `sent` hears the
    /// bytes the server holds. The outbox records the outcome: acked, retry
    /// later with backoff, or refused for good (content does not match).
    pub async fn upload_blob(
        &self,
        store: &Store,
        token: &str,
        hash: &str,
        sent: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        let entry = store.blob(hash)?.ok_or_else(|| Error::NotFound { kind: "blob", id: hash.to_string() })?;
        if entry.state == BlobState::Acked {
            return Ok(());
        }
        store.mark_blob_uploading(&entry.hash)?;
        match self.send_blob(store, token, &entry.hash, entry.size, sent).await {
            Ok(()) => store.mark_blob_acked(&entry.hash, self.clock.now()),
            Err(e) => {
                // The server refused the content: if the local file still
                // matches its hash, the bytes were damaged on the way (retry);
                // otherwise the local file is damaged (never retried).
                let mismatch = matches!(&e, Error::Validation { reason, .. } if reason.starts_with("hash_mismatch"));
                let refused = mismatch && store.read_blob(&entry.hash).is_err();
                let retry_at = (!refused).then(|| {
                    let wait = self.delay(entry.attempts);
                    Timestamp::from_unix_millis(self.clock.now().unix_millis() + wait.as_millis() as i64)
                });
                store.mark_blob_failed(&entry.hash, &e.to_string(), retry_at)?;
                Err(e)
            }
        }
    }

    async fn send_blob(
        &self,
        store: &Store,
        token: &str,
        hash: &str,
        size: u64,
        sent: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        let url = format!("{}/v1/uploads/{hash}", self.base);
        let resp = self.http.head(&url).bearer_auth(token).send().await.map_err(network)?;
        if !resp.status().is_success() {
            return Err(Self::refusal(resp.status(), &[]));
        }
        let mut offset = header(&resp, OFFSET).unwrap_or(0);
        if header(&resp, LENGTH) == Some(size) && offset == size {
            sent(size);
            return Ok(());
        }
        let mut file = File::open(store.blob_path(hash)?)?;
        let mut buf = vec![0u8; self.chunk_size];
        loop {
            if offset > size {
                return Err(Error::Network(format!("server reports offset {offset} past the blob's {size} bytes")));
            }
            file.seek(SeekFrom::Start(offset))?;
            let want = ((size - offset) as usize).min(buf.len());
            file.read_exact(&mut buf[..want])?;
            let resp = self
                .http
                .patch(&url)
                .bearer_auth(token)
                .header(OFFSET, offset)
                .header(LENGTH, size)
                .header(CHUNK_SHA256, hex::encode(Sha256::digest(&buf[..want])))
                .header("content-type", "application/octet-stream")
                .body(buf[..want].to_vec())
                .send()
                .await
                .map_err(network)?;
            let status = resp.status().as_u16();
            let at = header(&resp, OFFSET);
            match (status, at) {
                (201, _) => {
                    sent(size);
                    return Ok(());
                }
                // Partial, or the chunk did not start where the server stands.
                (204 | 409, Some(n)) => {
                    offset = n;
                    sent(n);
                }
                _ => {
                    let body = resp.bytes().await.unwrap_or_default();
                    return Err(Self::refusal(reqwest::StatusCode::from_u16(status).expect("valid"), &body));
                }
            }
        }
    }

    /// Fetches the office's imported fonts (their documents came with a
    /// sync) that this device does not hold yet; how many it fetched. The
    /// document engine sets forms in them once they are here.
    pub async fn fetch_office_fonts(&self, store: &Store, token: &str) -> Result<usize> {
        let wanted: Vec<String> = store.office().fonts.values().map(|f| f.sha256.clone()).collect();
        let mut fetched = 0;
        for hash in wanted {
            if store.blob_path(&hash)?.exists() {
                continue;
            }
            self.download_blob(store, token, &hash, "font/otf").await?;
            fetched += 1;
        }
        Ok(fetched)
    }

    /// Downloads a blob the device does not hold (a colleague's photo),
    /// resuming a partial download with `Range`, and keeps it only if it
    /// matches its hash.
    pub async fn download_blob(&self, store: &Store, token: &str, hash: &str, media_type: &str) -> Result<()> {
        let hash = parse_hash(hash)?;
        if store.blob_path(&hash)?.exists() {
            return Ok(());
        }
        let dir = store.blob_dir()?.join("tmp");
        fs::create_dir_all(&dir)?;
        let part = dir.join(format!("{hash}.part"));
        let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let mut req = self.http.get(format!("{}/v1/blobs/{hash}", self.base)).bearer_auth(token);
        if have > 0 {
            req = req.header("range", format!("bytes={have}-"));
        }
        let mut resp = req.send().await.map_err(network)?;
        let mut file = match resp.status().as_u16() {
            206 => OpenOptions::new().append(true).open(&part)?,
            200 => File::create(&part)?,
            // The partial file already holds everything.
            416 if have > 0 => OpenOptions::new().append(true).open(&part)?,
            _ => {
                let status = resp.status();
                let body = resp.bytes().await.unwrap_or_default();
                return Err(Self::refusal(status, &body));
            }
        };
        while let Some(chunk) = resp.chunk().await.map_err(network)? {
            file.write_all(&chunk)?;
        }
        file.sync_all()?;
        drop(file);
        let mut hasher = Sha256::new();
        let mut f = File::open(&part)?;
        let size = std::io::copy(&mut f, &mut hasher)?;
        if hex::encode(hasher.finalize()) != hash {
            fs::remove_file(&part)?;
            return Err(Error::Network(format!("downloaded blob {hash} does not match its hash; discarded")));
        }
        store.place_blob(&part, &hash, size, media_type, BlobState::Acked, self.clock.now())
    }
}

/// The outbox's blobs as declarations (refused-for-good ones left out).
pub fn pending_declarations(store: &Store) -> Result<Vec<UploadDeclaration>> {
    Ok(store
        .blob_outbox()?
        .into_iter()
        .filter(|b| b.state != BlobState::Failed)
        .map(|b| UploadDeclaration { hash: b.hash, length: b.size })
        .collect())
}
