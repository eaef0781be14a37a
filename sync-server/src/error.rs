//! One error type for every handler, so every bad request gets the same JSON
//! shape: `{"error": "<code>", "message": "<text>"}` with a fitting status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Missing, unknown or revoked credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// Something is missing.
    #[error("{0}")]
    NotFound(String),
    /// The core refused or failed.
    #[error(transparent)]
    Core(#[from] lianjian_core::Error),
    /// The server's own database failed.
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
    /// A blocking task panicked or was cancelled.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use lianjian_core::Error as E;
        match self {
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Core(E::Validation { .. } | E::InvalidId { .. } | E::CreditCode(_)) => {
                (StatusCode::BAD_REQUEST, "invalid")
            }
            AppError::Core(E::Forbidden { .. }) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Core(E::NotFound { .. }) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Core(_) | AppError::Storage(_) | AppError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(error = %self, code, "request refused");
        }
        (status, Json(serde_json::json!({ "error": code, "message": self.to_string() }))).into_response()
    }
}
