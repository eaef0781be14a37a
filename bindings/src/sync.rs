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
use crate::store::{now, LianjianStore};

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
    /// Why.
    pub reason: String,
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
    client: SyncClient,
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
        let session_id = uuid::Uuid::now_v7().to_string();
        let mut session = ClientSession::new(self.client.base_url().to_string());
        let mut next = Some(session.start(&store.core())?);
        while let Some(req) = next {
            if self.interrupted.load(Ordering::SeqCst) {
                return Err(ApiError::Interrupted);
            }
            let resp = self.client.exchange(&mut session, &token, &session_id, req).await?;
            next = session.handle(&mut store.core(), resp, now())?;
            if let Some(l) = &listener {
                l.on_progress(session.progress().into());
            }
        }
        let p = session.progress().clone();
        store.notify(p.changed.clone());
        Ok(SyncReport {
            progress: (&p).into(),
            changed: p.changed,
            rejected: p
                .rejected
                .into_iter()
                .map(|r| RejectionInfo { document_id: r.doc, code: r.code, reason: r.reason })
                .collect(),
        })
    }

    /// Asks a running sync to stop before its next request.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }
}
