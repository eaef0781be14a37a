//! Liveness and metrics.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use crate::state::AppState;

/// `GET /healthz`: the server answers and its databases respond.
pub async fn healthz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    state.metrics.request("healthz");
    let st = state.clone();
    let ok = tokio::task::spawn_blocking(move || st.lock().sql.query("SELECT 1", &[]).is_ok()).await.unwrap_or(false);
    let status = if ok { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(serde_json::json!({ "status": if ok { "ok" } else { "degraded" } })))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}

/// `GET /openapi.yaml`: the API description.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/yaml")], super::OPENAPI)
}
