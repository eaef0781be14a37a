//! Device enrollment: a one-time code becomes a device token, and the
//! device's automerge actor ids are bound to it.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// `POST /v1/enroll` body.
#[derive(Debug, Deserialize, Serialize)]
pub struct EnrollRequest {
    /// The one-time code from the office.
    pub code: String,
    /// A name for the device (e.g. 平板A).
    pub device_name: String,
    /// The device's automerge actor ids (hex).
    pub actors: Vec<String>,
}

/// `POST /v1/enroll` answer.
#[derive(Debug, Deserialize, Serialize)]
pub struct EnrollResponse {
    /// The device id.
    pub device_id: String,
    /// The bearer token (shown once; the server keeps only its hash).
    pub token: String,
    /// The user's person id.
    pub user_id: String,
    /// The user's role code.
    pub role: String,
}

/// Redeems an enrollment code.
pub async fn enroll(
    State(state): State<Arc<AppState>>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Json(req): Json<EnrollRequest>,
) -> Result<Json<EnrollResponse>, AppError> {
    // Guessing codes: a few tries per code, and per address (loopback, where
    // a reverse proxy would sit, is not limited by address).
    let now = std::time::Instant::now();
    if let Some(axum::Extension(axum::extract::ConnectInfo(addr))) = peer {
        if !addr.ip().is_loopback() && !state.enroll_limits.per_address.allow(&addr.ip().to_string(), now) {
            return Err(AppError::TooManyRequests);
        }
    }
    if !state.enroll_limits.per_code.allow(&crate::db::hash_secret(req.code.trim()), now) {
        return Err(AppError::TooManyRequests);
    }
    if req.actors.is_empty() || req.actors.len() > 16 {
        return Err(AppError::BadRequest("enroll with 1 to 16 actor ids".into()));
    }
    if req.actors.iter().any(|a| a.len() > 64 || a.is_empty() || !a.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(AppError::BadRequest("actor ids are hex strings of at most 64 characters".into()));
    }
    if req.device_name.chars().count() > 64 {
        return Err(AppError::BadRequest("device name is too long".into()));
    }
    let st = state.clone();
    let out = tokio::task::spawn_blocking(move || {
        let mut db = st.lock();
        let now = st.clock.now();
        let out = db::enroll(&mut *db.sql, &req.code, &req.device_name, &req.actors, now)?;
        let event = match &out {
            Some((device, _, user)) => crate::audit::Event {
                person: Some(&user.id),
                device: Some(device),
                event: "enroll",
                summary: format!("设备「{}」", req.device_name),
                result: "accepted".into(),
                ..Default::default()
            },
            None => crate::audit::Event {
                event: "enroll",
                summary: "登记码无效、已使用或已过期".into(),
                result: "refused:unauthorized".into(),
                ..Default::default()
            },
        };
        crate::audit::append(&mut *db.sql, now, &event)?;
        Ok::<_, crate::sql::DbError>(out)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    match out {
        Some((device_id, token, user)) => {
            tracing::info!(device = %device_id, user = %user.id, "device enrolled");
            Ok(Json(EnrollResponse { device_id, token, user_id: user.id, role: user.role.code().into() }))
        }
        None => {
            state.metrics.unauthorized();
            Err(AppError::Unauthorized("unknown, used or expired enrollment code, or an actor id already enrolled"))
        }
    }
}
