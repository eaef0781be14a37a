//! Blob endpoints: resumable upload (`HEAD` for the offset, `PATCH` chunks,
//! verified at completion) and download with range support, each behind
//! the caller's right to the blob.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use lianjian_core::sync::blobs::{DeclarationRefused, DeclareRequest, DeclareResponse};

use crate::blobs::{self, BlobHash, UploadError, UploadState, MAX_CHUNK};
use crate::error::AppError;
use crate::routes::auth::authenticate;
use crate::state::AppState;

pub use crate::blobs::{UPLOAD_LENGTH, UPLOAD_OFFSET};
/// Header (optional): SHA-256 hex of this chunk, so a chunk damaged on the
/// way is refused before it is appended.
pub const CHUNK_SHA256: &str = "upload-chunk-sha256";
/// Most blobs one declaration may announce.
pub const MAX_DECLARATIONS: usize = 10_000;

fn hash(raw: &str) -> Result<BlobHash, AppError> {
    BlobHash::parse(raw).ok_or_else(|| AppError::BadRequest("a blob is named by 64 hexadecimal characters".into()))
}

fn number(headers: &HeaderMap, name: &str) -> Result<u64, AppError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest(format!("header {name} must be a non-negative integer")))
}

fn offset_response(status: StatusCode, offset: u64, length: Option<u64>) -> Response {
    let mut r = status.into_response();
    r.headers_mut().insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    if let Some(l) = length {
        r.headers_mut().insert(UPLOAD_LENGTH, HeaderValue::from(l));
    }
    r
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(e.to_string()))?
}

/// `HEAD /v1/uploads/{hash}`: where this device's upload stands; a blob the
/// caller may already read counts as complete.
pub async fn upload_status(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let hash = hash(&raw)?;
    blocking(move || {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        if let Some(size) = blobs::stored_size(&mut *db.sql, &hash)? {
            if blobs::may_read_blob(&mut *db.sql, &caller, &hash)? {
                return Ok(offset_response(StatusCode::OK, size, Some(size)));
            }
        }
        Ok(offset_response(StatusCode::OK, state.blobs.received(&hash, &caller.device_id), None))
    })
    .await
}

/// `POST /v1/uploads`: the device announces the blobs it will upload, so
/// its documents may reference them before their bytes arrive. Each is an
/// upload begun with no bytes (counted against the quota, expired like any
/// stale upload); a blob the caller may already read needs nothing.
pub async fn declare(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(req): Json<DeclareRequest>,
) -> Result<Json<DeclareResponse>, AppError> {
    if req.uploads.len() > MAX_DECLARATIONS {
        return Err(AppError::TooLarge(format!("at most {MAX_DECLARATIONS} uploads per declaration")));
    }
    blocking(move || {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        let now = state.clock.now().to_string();
        let quota = state.device_quota.load(std::sync::atomic::Ordering::Relaxed);
        let mut resp = DeclareResponse::default();
        for d in req.uploads {
            let h = hash(&d.hash)?;
            if blobs::stored_size(&mut *db.sql, &h)?.is_some() && blobs::may_read_blob(&mut *db.sql, &caller, &h)? {
                resp.declared += 1;
                continue;
            }
            match blobs::begin_upload(&mut *db.sql, &state.blobs, &h, &caller.device_id, d.length, &now, quota) {
                Ok(_) => resp.declared += 1,
                Err(e @ (UploadError::Quota(_) | UploadError::Length(_))) => {
                    let (code, message) = AppError::from(e).public();
                    resp.refused.push(DeclarationRefused { hash: d.hash, code: code.into(), message });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Json(resp))
    })
    .await
}

/// `PATCH /v1/uploads/{hash}`: one chunk at `Upload-Offset` of a blob of
/// `Upload-Length` bytes. 204 while partial, 201 once verified and stored.
pub async fn upload_chunk(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    state.metrics.bytes_in(body.len() as u64);
    let hash = hash(&raw)?;
    blocking(move || {
        let offset = number(&headers, UPLOAD_OFFSET)?;
        let length = number(&headers, UPLOAD_LENGTH)?;
        if body.len() > MAX_CHUNK {
            return Err(AppError::TooLarge(format!("chunks are limited to {MAX_CHUNK} bytes")));
        }
        let caller = authenticate(&state, &mut *state.lock().sql, &headers)?;
        if let Some(declared) = headers.get(CHUNK_SHA256) {
            let actual = BlobHash::of(&body);
            if declared.to_str().ok().and_then(BlobHash::parse).as_ref() != Some(&actual) {
                return Err(UploadError::ChunkMismatch.into());
            }
        }
        let now = state.clock.now().to_string();
        {
            let mut db = state.lock();
            if let Some(size) = blobs::stored_size(&mut *db.sql, &hash)? {
                if blobs::may_read_blob(&mut *db.sql, &caller, &hash)? {
                    return Ok(offset_response(StatusCode::CREATED, size, Some(size)));
                }
            }
            blobs::begin_upload(
                &mut *db.sql,
                &state.blobs,
                &hash,
                &caller.device_id,
                length,
                &now,
                state.device_quota.load(std::sync::atomic::Ordering::Relaxed),
            )?;
        }
        // Writing the chunk, and hashing a whole blob at its end, happen
        // without the database lock: other devices' syncs go on meanwhile.
        match state.blobs.append(&hash, &caller.device_id, offset, length, &body) {
            Ok(UploadState::Partial(n)) => Ok(offset_response(StatusCode::NO_CONTENT, n, Some(length))),
            Ok(UploadState::Complete(n)) => {
                blobs::finish_upload(&mut *state.lock().sql, &hash, &caller, n, &now)?;
                tracing::info!(blob = %hash.as_str(), bytes = n, device = %caller.device_id, "blob stored");
                Ok(offset_response(StatusCode::CREATED, n, Some(n)))
            }
            Err(UploadError::HashMismatch) => {
                tracing::warn!(blob = %hash.as_str(), device = %caller.device_id, "upload did not match its hash");
                state.lock().sql.execute(
                    "DELETE FROM uploads WHERE hash = $1 AND device_id = $2",
                    crate::args![hash.as_str(), &caller.device_id],
                )?;
                Err(UploadError::HashMismatch.into())
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// `GET /v1/blobs/{hash}` (and `HEAD`): the blob, with `Range` support, to a
/// caller who may read it; 404 otherwise, so a hash from elsewhere reveals
/// nothing, not even that it exists.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let hash = hash(&raw)?;
    let headers = req.headers().clone();
    let st = state.clone();
    let path = blocking(move || {
        let mut db = st.lock();
        let caller = authenticate(&st, &mut *db.sql, &headers)?;
        let found =
            blobs::stored_size(&mut *db.sql, &hash)?.is_some() && blobs::may_read_blob(&mut *db.sql, &caller, &hash)?;
        if !found {
            tracing::info!(blob = %hash.as_str(), user = %caller.user.id, "blob refused or missing");
            return Err(AppError::NotFound("no such blob".into()));
        }
        Ok(st.blobs.path(&hash))
    })
    .await?;
    let resp = ServeFile::new(path).oneshot(req).await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(resp.map(Body::new))
}
