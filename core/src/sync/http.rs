//! The HTTP transport of sync (reqwest with rustls): enrollment, and running
//! a [`ClientSession`] against the server. It only moves bytes; decisions are
//! the session's. After any transport error the session is dropped and the
//! next attempt starts again from the persisted sync states.

use serde::{Deserialize, Serialize};

use super::client::{ClientSession, Progress, Request, Response};
use super::wire;
use crate::error::{Error, Result};
use crate::store::Store;

/// Upload chunk size unless set otherwise (1 MiB: a few seconds on a weak link).
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// The header carrying the sync session id.
pub const SESSION_HEADER: &str = "x-lianjian-session";

/// What enrollment returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// Device id.
    pub device_id: String,
    /// Bearer token for every later request (keep it secret).
    pub token: String,
    /// The user's person id.
    pub user_id: String,
    /// The user's role code.
    pub role: String,
}

/// A client of one sync server.
#[derive(Clone, Debug)]
pub struct SyncClient {
    pub(super) base: String,
    pub(super) http: reqwest::Client,
    backoff: std::time::Duration,
    pub(super) chunk_size: usize,
    pub(super) clock: std::sync::Arc<dyn crate::clock::Clock>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    message: String,
    /// What exactly was wrong, for client errors.
    #[serde(default)]
    detail: Option<String>,
}

impl SyncClient {
    /// A client for the server at `base_url` (e.g. `https://sync.example.cn`).
    pub fn new(base_url: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        Ok(SyncClient {
            base: base_url.trim_end_matches('/').to_string(),
            http,
            backoff: std::time::Duration::from_millis(100),
            chunk_size: DEFAULT_CHUNK,
            clock: std::sync::Arc::new(crate::clock::SystemClock),
        })
    }

    /// Takes times (of stored chunks, outbox attempts) from `clock` instead
    /// of the system clock.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the first retry delay (doubled on each further attempt, up to
    /// 64 times it). 100 ms unless changed; tests of faults use less.
    pub fn with_backoff(mut self, first: std::time::Duration) -> Self {
        self.backoff = first;
        self
    }

    /// Sets the size of blob upload chunks (at most the server's 8 MiB);
    /// smaller chunks lose less on a flaky link.
    pub fn with_chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.clamp(1, 8 << 20);
        self
    }

    /// The delay before retry number `attempt` (0-based).
    pub(super) fn delay(&self, attempt: u32) -> std::time::Duration {
        self.backoff * (1u32 << attempt.min(6))
    }

    /// Turns a refusal into the core's error (the server's JSON body, if any).
    pub(super) fn refusal(status: reqwest::StatusCode, body: &[u8]) -> Error {
        let message = serde_json::from_slice::<ErrorBody>(body)
            .map(|b| match b.detail {
                Some(d) if !d.is_empty() => format!("{}: {}（{d}）", b.error, b.message),
                _ => format!("{}: {}", b.error, b.message),
            })
            .unwrap_or_else(|_| status.to_string());
        match status.as_u16() {
            401 => Error::Unauthorized(message),
            403 => Error::Forbidden { role: "device".into(), action: message },
            404 => Error::NotFound { kind: "blob", id: message },
            400 | 413 | 422 => Error::validation("request", message),
            _ => Error::Network(message),
        }
    }

    pub(super) async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        session: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>> {
        let mut req = self.http.post(format!("{}{}", self.base, path)).header("content-type", content_type).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(s) = session {
            req = req.header(SESSION_HEADER, s);
        }
        let resp = req.send().await.map_err(|e| Error::Network(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| Error::Network(e.to_string()))?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        Err(Self::refusal(status, &bytes))
    }

    /// Redeems a one-time enrollment code for this store's device.
    pub async fn enroll(&self, store: &Store, code: &str, device_name: &str) -> Result<Enrollment> {
        self.enroll_actor(&store.actor().to_hex_string(), code, device_name).await
    }

    /// [`SyncClient::enroll`] given the store's actor id (hex), for callers
    /// that must not hold the store across the network.
    pub async fn enroll_actor(&self, actor: &str, code: &str, device_name: &str) -> Result<Enrollment> {
        let body = serde_json::json!({
            "code": code,
            "device_name": device_name,
            "actors": [actor],
        });
        let bytes = self.post("/v1/enroll", None, None, "application/json", body.to_string().into_bytes()).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Network(format!("bad enrollment answer: {e}")))
    }

    /// Runs one sync session; on error nothing in memory survives it.
    pub async fn sync(&self, store: &mut Store, token: &str) -> Result<Progress> {
        self.sync_with_progress(store, token, &mut |_| {}).await
    }

    /// [`SyncClient::sync`], telling `listener` the progress after every
    /// response (documents and bytes done / total, for the sync screen).
    pub async fn sync_with_progress(
        &self,
        store: &mut Store,
        token: &str,
        listener: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Progress> {
        // Documents may reference photos whose bytes are still on the way.
        self.declare_uploads(store, token).await?;
        let session_id = uuid::Uuid::now_v7().to_string();
        let mut session = ClientSession::new(self.base.clone());
        let mut next = Some(session.start(store)?);
        while let Some(req) = next {
            let resp = self.exchange(&mut session, token, &session_id, req).await?;
            next = session.handle(store, resp, self.clock.now())?;
            listener(session.progress());
        }
        Ok(session.progress().clone())
    }

    /// Carries one request of `session` to the server and returns the
    /// answer, counting bytes. For callers that drive a session themselves
    /// (the bindings, which must not hold the store across the network).
    pub async fn exchange(
        &self,
        session: &mut ClientSession,
        token: &str,
        session_id: &str,
        req: Request,
    ) -> Result<Response> {
        let (path, body) = match &req {
            Request::Digest(r) => ("/v1/sync/digest", wire::encode(r)),
            Request::Heads(r) => ("/v1/sync/heads", wire::encode(r)),
            Request::Batch(r) => ("/v1/sync/batch", wire::encode(r)),
        };
        let sent = body.len();
        let bytes = self.post(path, Some(token), Some(session_id), "application/cbor", body).await?;
        session.count_bytes(sent, bytes.len());
        Ok(match req {
            Request::Digest(_) => Response::Digest(wire::decode(&bytes)?),
            Request::Heads(_) => Response::Heads(wire::decode(&bytes)?),
            Request::Batch(_) => Response::Batch(wire::decode(&bytes)?),
        })
    }

    /// The server this client talks to (the peer id of its sync states).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Syncs, retrying transport failures up to `attempts` times with a
    /// fresh session each time (backing off, by default, 100 ms, 200 ms, ...).
    pub async fn sync_with_retry(&self, store: &mut Store, token: &str, attempts: u32) -> Result<Progress> {
        let mut last = None;
        for i in 0..attempts.max(1) {
            match self.sync(store, token).await {
                Ok(p) => return Ok(p),
                Err(Error::Network(m)) => {
                    last = Some(Error::Network(m));
                    tokio::time::sleep(self.delay(i)).await;
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::Network("no attempt made".into())))
    }
}
