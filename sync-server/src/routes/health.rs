//! Liveness and metrics.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;

use crate::state::AppState;

/// `GET /healthz`: the server answers and its databases respond.
pub async fn healthz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let st = state.clone();
    let ok = tokio::task::spawn_blocking(move || st.lock().sql.query("SELECT 1", &[]).is_ok()).await.unwrap_or(false);
    let status = if ok { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(serde_json::json!({ "status": if ok { "ok" } else { "degraded" } })))
}

/// `GET /metrics`: Prometheus text format, to callers on the same machine
/// or with the metrics token (`LIANJIAN_METRICS_TOKEN`); 404 to anyone else.
pub async fn metrics(State(state): State<Arc<AppState>>, req: axum::extract::Request) -> axum::response::Response {
    let loopback = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .is_some_and(|c| c.0.ip().is_loopback());
    let token = super::auth::bearer(req.headers());
    let allowed = loopback || state.metrics_token.as_deref().is_some_and(|t| Some(t) == token);
    if !allowed {
        return crate::error::AppError::NotFound("no such route".into()).into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], state.metrics.render())
        .into_response()
}

/// `GET /openapi.yaml`: the API description.
pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/yaml")], super::OPENAPI)
}
