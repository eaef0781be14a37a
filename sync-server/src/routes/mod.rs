//! HTTP routes. `app(state)` builds the router so tests can drive it
//! directly or serve it on a loopback port.

mod auth;
mod blobs;
mod enroll;
mod health;
mod numbers;
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
    "/v1/numbers/blocks",
    "/v1/numbers/uses",
    "/v1/uploads",
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
        .route("/v1/numbers/blocks", post(numbers::block))
        .route("/v1/numbers/uses", post(numbers::uses))
        .route("/v1/uploads", post(blobs::declare))
        .route("/v1/uploads/{hash}", head(blobs::upload_status).patch(blobs::upload_chunk))
        .route("/v1/blobs/{hash}", get(blobs::download))
        .merge(crate::web::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(state.clone(), measure))
        .with_state(state)
}

/// Counts every request by its route and status, with its latency.
async fn measure(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    // The caller's address as the connection says it, for the audit trail;
    // whatever a client put in this header itself is dropped first.
    req.headers_mut().remove(auth::PEER_HEADER);
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    if let Some(ip) = peer.and_then(|ip| axum::http::HeaderValue::from_str(&ip.to_string()).ok()) {
        req.headers_mut().insert(auth::PEER_HEADER, ip);
    }
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    state.metrics.answered(&route, resp.status().as_u16(), started.elapsed().as_secs_f64());
    resp
}
