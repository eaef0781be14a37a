//! HTTP routes. `app(state)` builds the router so tests can drive it
//! directly or serve it on a loopback port.

mod enroll;
mod health;
mod sync;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The OpenAPI description of these routes (kept in the repository).
pub const OPENAPI: &str = include_str!("../../openapi.yaml");

/// Every route the router serves, for the test that keeps the OpenAPI
/// description complete.
pub const ROUTES: &[&str] =
    &["/healthz", "/metrics", "/openapi.yaml", "/v1/enroll", "/v1/sync/digest", "/v1/sync/heads", "/v1/sync/batch"];

/// Largest request body accepted (sync batches; blobs will have their own limit).
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
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}
