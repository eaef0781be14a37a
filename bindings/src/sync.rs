//! Enrollment and sync, the only async calls (tokio). The session logic is
//! the core's sans-I/O `ClientSession`; this module only carries its
//! requests, holding the store's lock for the synchronous steps and never
//! across the network, checks for `interrupt()` between requests, reports
//! progress, and tells change listeners what a merge brought.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use lianjian_core::sync::client::{ClientSession, Progress};
use lianjian_core::sync::http::SyncClient;

use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;

/// What enrollment returns.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EnrollmentInfo {
    /// The device id.
    pub device_id: String,
    /// The bearer token (keep it in the Keystore / Keychain).
    pub token: String,
    /// The user's person id.
    pub user_id: String,
    /// The user's role code.
    pub role: String,
}

/// Progress of a sync, for the sync screen.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SyncProgress {
    /// Documents that needed sync.
    pub documents_total: u32,
    /// Of which finished.
    pub documents_done: u32,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Requests made.
    pub requests: u32,
}

impl From<&Progress> for SyncProgress {
    fn from(p: &Progress) -> Self {
        SyncProgress {
            documents_total: p.documents_total as u32,
            documents_done: p.documents_done as u32,
            bytes_sent: p.bytes_sent,
            bytes_received: p.bytes_received,
            requests: p.requests,
        }
    }
}

/// A document whose changes the server refused (nothing of them applied).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RejectionInfo {
    /// Document id.
    pub document_id: String,
    /// `forbidden`, `foreign_actor`, `schema`, `malformed`, ...
    pub code: String,
    /// Why, in Chinese.
    pub reason: String,
    /// The change that broke the rule (hex), when one did.
    pub change: Option<String>,
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Final progress.
    pub progress: SyncProgress,
    /// Documents that changed on this device.
    pub changed: Vec<String>,
    /// Documents whose changes the server refused.
    pub rejected: Vec<RejectionInfo>,
    /// Changes set aside because of those refusals (see `set_aside_changes`).
    pub set_aside: u32,
    /// Set-aside edits made again; the next sync sends them.
    pub reapplied: u32,
    /// Documents received in a form this device cannot keep (see `quarantined`).
    pub quarantined: Vec<String>,
    /// Some hazard moved in the loop (a report, a decision, a new deadline,
    /// an escalation): refresh the task lists.
    pub tasks_changed: bool,
}

/// Hears a sync's progress after every response.
#[uniffi::export(with_foreign)]
pub trait SyncListener: Send + Sync {
    /// Progress so far.
    fn on_progress(&self, progress: SyncProgress);
}

/// The device's connection to one sync server.
#[derive(uniffi::Object)]
pub struct SyncEngine {
    pub(crate) client: SyncClient,
    interrupted: AtomicBool,
}

#[uniffi::export(async_runtime = "tokio")]
impl SyncEngine {
    /// A sync engine for the server at `server_url` (e.g. https://sync.example.cn).
    #[uniffi::constructor]
    pub fn new(server_url: String) -> ApiResult<Arc<Self>> {
        Ok(Arc::new(SyncEngine { client: SyncClient::new(&server_url)?, interrupted: AtomicBool::new(false) }))
    }

    /// Redeems a one-time enrollment code for this device's store.
    pub async fn enroll(
        &self,
        store: Arc<LianjianStore>,
        code: String,
        device_name: String,
    ) -> ApiResult<EnrollmentInfo> {
        let actor = store.device_actor();
        let e = self.client.enroll_actor(&actor, &code, &device_name).await?;
        Ok(EnrollmentInfo { device_id: e.device_id, token: e.token, user_id: e.user_id, role: e.role })
    }

    /// Syncs every document with the server. On a transport error nothing
    /// in memory survives (the next sync starts from the persisted state).
    pub async fn sync(
        &self,
        store: Arc<LianjianStore>,
        token: String,
        listener: Option<Arc<dyn SyncListener>>,
    ) -> ApiResult<SyncReport> {
        self.interrupted.store(false, Ordering::SeqCst);
        // Documents may reference photos whose bytes are still on the way.
        let tasks_before = store.core().task_fingerprint()?;
        let pending = lianjian_core::sync::blobs::pending_declarations(&store.core())?;
        self.client.declare(pending, &token).await?;
        let session_id = uuid::Uuid::now_v7().to_string();
        let mut session = ClientSession::new(self.client.base_url().to_string());
        let mut next = Some(session.start(&store.core())?);
        while let Some(req) = next {
            if self.interrupted.load(Ordering::SeqCst) {
                return Err(ApiError::Interrupted);
            }
            let resp = self.client.exchange(&mut session, &token, &session_id, req).await?;
            next = session.handle(&mut store.core(), resp, store.now())?;
            if let Some(l) = &listener {
                l.on_progress(session.progress().into());
            }
        }
        let p = session.progress().clone();
        // Documents rebuilt without refused work changed on this device too.
        let mut touched = p.changed.clone();
        touched.extend(p.rejected.iter().map(|r| r.doc.clone()).filter(|d| !p.changed.contains(d)));
        store.notify(touched);
        let tasks_changed = store.core().task_fingerprint()? != tasks_before;
        if tasks_changed {
            store.notify_tasks();
        }
        Ok(SyncReport {
            tasks_changed,
            progress: (&p).into(),
            changed: p.changed,
            rejected: p
                .rejected
                .into_iter()
                .map(|r| RejectionInfo { document_id: r.doc, code: r.code, reason: r.reason, change: r.change })
                .collect(),
            set_aside: p.set_aside,
            reapplied: p.reapplied,
            quarantined: p.quarantined,
        })
    }

    /// Asks a running sync to stop before its next request.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }
}

/// Told as blob uploads progress.
#[uniffi::export(with_foreign)]
pub trait BlobListener: Send + Sync {
    /// Blobs and bytes done so far in this run.
    fn on_blob_progress(&self, progress: BlobProgressInfo);
}

/// Progress of a blob upload run.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BlobProgressInfo {
    /// Blobs in this run.
    pub blobs_total: u64,
    /// Of which acknowledged.
    pub blobs_done: u64,
    /// Bytes in this run.
    pub bytes_total: u64,
    /// Bytes the server holds.
    pub bytes_done: u64,
}

impl From<&lianjian_core::sync::blobs::BlobProgress> for BlobProgressInfo {
    fn from(p: &lianjian_core::sync::blobs::BlobProgress) -> Self {
        BlobProgressInfo {
            blobs_total: p.blobs_total as u64,
            blobs_done: p.blobs_done as u64,
            bytes_total: p.bytes_total,
            bytes_done: p.bytes_done,
        }
    }
}

/// A blob that could not be uploaded this time.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BlobFailure {
    /// The blob.
    pub sha256: String,
    /// Why (it is retried later unless the server refused it for good).
    pub reason: String,
}

/// What an upload run did.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct BlobUploadReport {
    /// Blobs the server now holds.
    pub acked: Vec<String>,
    /// Blobs that failed.
    pub failed: Vec<BlobFailure>,
    /// Final progress.
    pub progress: BlobProgressInfo,
}

#[uniffi::export(async_runtime = "tokio")]
impl SyncEngine {
    /// Uploads every photo, scan and signature image waiting in the outbox
    /// (resumable, chunk by chunk). Runs on its own database connection, so
    /// the app stays usable during a long upload.
    pub async fn upload_blobs(
        &self,
        store: Arc<LianjianStore>,
        token: String,
        listener: Option<Arc<dyn BlobListener>>,
    ) -> ApiResult<BlobUploadReport> {
        let client = self.client.clone().with_clock(store.clock());
        let report = on_own_connection(store, move |own| async move {
            let mut on_progress = |p: &lianjian_core::sync::blobs::BlobProgress| {
                if let Some(l) = &listener {
                    l.on_blob_progress(p.into());
                }
            };
            client.upload_blobs(&own, &token, &mut on_progress).await
        })
        .await?;
        Ok(BlobUploadReport {
            acked: report.acked,
            failed: report.failed.into_iter().map(|(sha256, reason)| BlobFailure { sha256, reason }).collect(),
            progress: (&report.progress).into(),
        })
    }

    /// Fetches the office's imported fonts this device does not hold yet
    /// (call after a sync); how many it fetched. Documents are set in them
    /// from then on.
    pub async fn fetch_office_fonts(&self, store: Arc<LianjianStore>, token: String) -> ApiResult<u32> {
        let client = self.client.clone().with_clock(store.clock());
        on_own_connection(store, move |own| async move { Ok(client.fetch_office_fonts(&own, &token).await? as u32) })
            .await
    }

    /// Downloads a blob a colleague uploaded (a photo on a shared finding),
    /// resuming a partial download; returns the local file.
    pub async fn download_blob(
        &self,
        store: Arc<LianjianStore>,
        token: String,
        sha256: String,
        media_type: String,
    ) -> ApiResult<String> {
        let client = self.client.clone().with_clock(store.clock());
        on_own_connection(store, move |own| async move {
            client.download_blob(&own, &token, &sha256, &media_type).await?;
            Ok(own.blob_path(&sha256)?.to_string_lossy().into_owned())
        })
        .await
    }
}

/// Runs a transfer on a second database connection, on a blocking thread
/// with its own small runtime: a SQLite connection cannot be shared across
/// the threads an async task may hop between, and the app's own connection
/// must not be held for the length of an upload.
async fn on_own_connection<T, F, Fut>(store: Arc<LianjianStore>, transfer: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(lianjian_core::store::Store) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = lianjian_core::Result<T>>,
{
    let joined = tokio::task::spawn_blocking(move || -> ApiResult<T> {
        let own = store.open_another()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ApiError::Storage { reason: e.to_string() })?;
        Ok(runtime.block_on(transfer(own))?)
    })
    .await;
    joined.map_err(|e| ApiError::Storage { reason: format!("transfer thread: {e}") })?
}
