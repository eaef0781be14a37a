//! Bearer-token authentication shared by every device endpoint: refused
//! requests are counted and logged, never answered with more than "who
//! are you".

use axum::http::{header, HeaderMap};

use crate::db::{self, Caller};
use crate::error::AppError;
use crate::sql::Sql;
use crate::state::AppState;

/// Where the server's own middleware puts the caller's network address.
pub(crate) const PEER_HEADER: &str = "x-lianjian-peer";

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
    let caller = db::caller(db, token)?.ok_or_else(|| fail("unknown or revoked device"))?;
    note_address(state, db, &caller, headers)?;
    Ok(caller)
}

/// Records in the audit trail a device's token used from an address it was
/// not last used from (remembered per process, so the common case costs no
/// query).
fn note_address(state: &AppState, db: &mut dyn Sql, caller: &Caller, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(addr) = headers.get(PEER_HEADER).and_then(|v| v.to_str().ok()) else { return Ok(()) };
    {
        let known = state.addresses.lock().unwrap_or_else(|p| p.into_inner());
        if known.get(&caller.device_id).map(String::as_str) == Some(addr) {
            return Ok(());
        }
    }
    if db::note_address(db, &caller.device_id, addr)? {
        let event = crate::audit::Event {
            person: Some(&caller.user.id),
            device: Some(&caller.device_id),
            event: "token_new_address",
            summary: format!("地址 {addr}"),
            result: "accepted".into(),
            ..Default::default()
        };
        crate::audit::append(db, state.clock.now(), &event)?;
    }
    state.addresses.lock().unwrap_or_else(|p| p.into_inner()).insert(caller.device_id.clone(), addr.to_string());
    Ok(())
}
