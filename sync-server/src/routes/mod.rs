//! HTTP routes. `app(state)` builds the router so tests can drive it
//! directly or serve it on a loopback port.

mod auth;
mod blobs;
mod enroll;
mod health;
mod sync;

pub use blobs::{UPLOAD_LENGTH, UPLOAD_OFFSET};

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, head, post};
use axum::Router;

use crate::state::AppState;

/// The OpenAPI description of these routes (kept in the repository).
pub const OPENAPI: &str = include_str!("../../openapi.yaml");

/// Every route the router serves, for the test that keeps the OpenAPI
/// description complete.
pub const ROUTES: &[&str] = &[
    "/healthz",
    "/metrics",
    "/openapi.yaml",
    "/v1/enroll",
    "/v1/sync/digest",
    "/v1/sync/heads",
    "/v1/sync/batch",
    "/v1/uploads/{hash}",
    "/v1/blobs/{hash}",
];

/// Largest request body accepted (sync batches; blob chunks are smaller).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// The server's router.
pub fn app(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.yaml", get(health::openapi))
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/sync/digest", post(sync::digest))
        .route("/v1/sync/heads", post(sync::heads))
        .route("/v1/sync/batch", post(sync::batch))
        .route("/v1/uploads/{hash}", head(blobs::upload_status).patch(blobs::upload_chunk))
        .route("/v1/blobs/{hash}", get(blobs::download))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}
