//! `POST /v1/numbers/blocks` grants the caller's device a block of document
//! numbers; `POST /v1/numbers/uses` takes the device's ledger back. Both
//! JSON, both audited.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use lianjian_core::numbering::{NumberBlock, NumberUse};

use crate::audit::{self, Event};
use crate::error::AppError;
use crate::numbers::{self, RefusedUse};
use crate::routes::auth::authenticate;
use crate::state::AppState;

/// `POST /v1/numbers/blocks` body.
#[derive(Debug, Deserialize, Serialize)]
pub struct BlockRequest {
    /// The form code (`rectification_order`).
    pub form: String,
    /// The year of the documents to number.
    pub year: i32,
}

/// `POST /v1/numbers/uses` answer.
#[derive(Debug, Deserialize, Serialize)]
pub struct UsesResponse {
    /// How many were recorded.
    pub accepted: usize,
    /// Those refused, with the reason.
    pub refused: Vec<RefusedUse>,
}

/// Grants a block.
pub async fn block(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(req): Json<BlockRequest>,
) -> Result<Json<NumberBlock>, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        let key = numbers::caller_key(&caller, &req.form, req.year)?;
        let now = state.clock.now();
        let block = numbers::grant_block(&mut *db.sql, &caller, key, now)?;
        let summary =
            format!("{} {} {}年 {}-{}", block.key.department, block.key.form, block.key.year, block.start, block.end);
        let e =
            Event { event: "number_block", summary, result: "granted".into(), ..Default::default() }.with(&caller, "");
        audit::append(&mut *db.sql, now, &e)?;
        Ok(Json(block))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

/// Records a device's ledger.
pub async fn uses(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(uses): Json<Vec<NumberUse>>,
) -> Result<Json<UsesResponse>, AppError> {
    if uses.len() > 10_000 {
        return Err(AppError::TooLarge("一次最多上报 10000 条编号".into()));
    }
    tokio::task::spawn_blocking(move || {
        let mut db = state.lock();
        let caller = authenticate(&state, &mut *db.sql, &headers)?;
        let now = state.clock.now();
        let refused = numbers::report_uses(&mut *db.sql, &caller, &uses, now)?;
        let accepted = uses.len() - refused.len();
        let summary = format!("{accepted} 条编号登记，{} 条被拒绝", refused.len());
        let result = if refused.is_empty() { "accepted".to_string() } else { "partly refused".to_string() };
        let e = Event { event: "number_use", summary, result, ..Default::default() }.with(&caller, "");
        audit::append(&mut *db.sql, now, &e)?;
        Ok(Json(UsesResponse { accepted, refused }))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}
