//! One error type for every handler, so every bad request gets the same JSON
//! shape: `{"error": "<code>", "message": "<text>"}` with a fitting status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::blobs::UploadError;
use crate::sql::DbError;

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
    /// The request body or a declared length is too large.
    #[error("{0}")]
    TooLarge(String),
    /// An upload step was refused.
    #[error(transparent)]
    Upload(#[from] crate::blobs::UploadError),
    /// The server's own database failed.
    #[error("storage: {0}")]
    Db(#[from] crate::sql::DbError),
    /// A blocking task panicked or was cancelled.
    #[error("internal: {0}")]
    Internal(String),
    /// Too many attempts; try again later.
    #[error("too many attempts")]
    TooManyRequests,
    /// An office page asked for without a live session: to the sign-in page
    /// (an htmx request is told where to go instead).
    #[error("sign-in required")]
    SignInRequired {
        /// The page to return to afterwards.
        next: String,
        /// Asked by htmx (answered with `HX-Redirect`).
        htmx: bool,
    },
    /// An error on an office page: shown as a page, not as JSON.
    #[error(transparent)]
    Page(Box<AppError>),
}

impl AppError {
    /// This error, shown to a person in a browser as a page.
    pub fn page(self) -> Self {
        match self {
            AppError::Page(_) | AppError::SignInRequired { .. } => self,
            other => AppError::Page(Box::new(other)),
        }
    }

    /// The error's code and the Chinese sentence for it, for answers that
    /// report several outcomes in one body.
    pub fn public(&self) -> (&'static str, String) {
        let code = self.status_and_code().1;
        (code, message(code).to_string())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use lianjian_core::Error as E;
        match self {
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::Upload(UploadError::Offset(_)) => (StatusCode::CONFLICT, "offset_mismatch"),
            AppError::Upload(UploadError::Length(_)) => (StatusCode::BAD_REQUEST, "bad_length"),
            AppError::Upload(UploadError::HashMismatch) => (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch"),
            AppError::Upload(UploadError::Quota(_)) => (StatusCode::INSUFFICIENT_STORAGE, "quota"),
            AppError::Upload(UploadError::ChunkMismatch) => (StatusCode::UNPROCESSABLE_ENTITY, "chunk_mismatch"),
            AppError::Db(DbError::Contention(_)) => (StatusCode::SERVICE_UNAVAILABLE, "contention"),
            AppError::Core(E::External(e)) if matches!(e.downcast_ref(), Some(DbError::Contention(_))) => {
                (StatusCode::SERVICE_UNAVAILABLE, "contention")
            }
            AppError::Core(E::Validation { .. } | E::InvalidId { .. } | E::CreditCode(_)) => {
                (StatusCode::BAD_REQUEST, "invalid")
            }
            AppError::Core(E::Forbidden { .. }) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Core(E::NotFound { .. }) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Core(_) | AppError::Upload(_) | AppError::Db(_) | AppError::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            AppError::SignInRequired { .. } => (StatusCode::SEE_OTHER, "sign_in"),
            AppError::Page(inner) => inner.status_and_code(),
        }
    }
}

/// The Chinese sentence shown for an error code.
fn message(code: &str) -> &'static str {
    match code {
        "unauthorized" => "设备未登记、已停用或凭证无效，请重新登记",
        "forbidden" => "无权进行此操作",
        "bad_request" | "invalid" => "请求格式不正确",
        "not_found" => "未找到",
        "too_large" => "数据量超出限制",
        "rate_limited" => "尝试过于频繁，请稍后再试",
        "quota" => "本设备在服务器上的存储空间已满，请联系联检办",
        "offset_mismatch" => "上传位置不一致，将从服务器记录的位置继续",
        "bad_length" => "文件长度不正确",
        "hash_mismatch" | "chunk_mismatch" => "文件在传输中损坏，将重新上传",
        "contention" => "服务器繁忙，请稍后重试",
        "sign_in" => "请先登录",
        _ => "服务器内部错误，请稍后重试",
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let AppError::SignInRequired { next, htmx } = &self {
            return crate::pages::sign_in_redirect(next, *htmx);
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(error = %self, code, "request refused");
        }
        if let AppError::Page(inner) = &self {
            // A person reads this: the Chinese sentence, and what was wrong
            // unless the fault is the server's.
            let detail = (!status.is_server_error()).then(|| inner.to_string());
            return crate::pages::error_page(status, message(code), detail.as_deref());
        }
        // People read `message` (Chinese); `detail` says what in the request
        // was wrong, and is left out when the fault is the server's.
        let body = if status.is_server_error() {
            serde_json::json!({ "error": code, "message": message(code) })
        } else {
            serde_json::json!({ "error": code, "message": message(code), "detail": self.to_string() })
        };
        let mut resp = (status, Json(body)).into_response();
        if let AppError::Upload(UploadError::Offset(at)) = self {
            resp.headers_mut().insert(crate::blobs::UPLOAD_OFFSET, at.into());
        }
        resp
    }
}
