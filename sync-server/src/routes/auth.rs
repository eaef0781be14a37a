//! Bearer-token authentication shared by every device endpoint: refused
//! requests are counted and logged, never answered with more than "who
//! are you".

use axum::http::{header, HeaderMap};

use crate::db::{self, Caller};
use crate::error::AppError;
use crate::sql::Sql;
use crate::state::AppState;

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

/// The calling device, from its bearer token (on a connection the caller
/// already holds).
pub fn authenticate(state: &AppState, db: &mut dyn Sql, headers: &HeaderMap) -> Result<Caller, AppError> {
    let fail = |why| {
        state.metrics.unauthorized();
        tracing::warn!(reason = why, "unauthorized request");
        AppError::Unauthorized(why)
    };
    let token = bearer(headers).ok_or_else(|| fail("missing bearer token"))?;
    if token.len() > 128 {
        return Err(fail("malformed token"));
    }
    db::caller(db, token)?.ok_or_else(|| fail("unknown or revoked device"))
}
