//! The browser session of an office user: the [`Office`] extractor every
//! page takes (no session: to the sign-in page), and the CSRF check every
//! form's handler makes. The session id is only ever one the server made at
//! sign-in; a cookie it does not know opens nothing (no fixation).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;

use lianjian_core::rules::office_access::{office_allows, OfficeAction};

use crate::accounts::{self, WebSession};
use crate::error::AppError;
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "lj_session";
/// The cookie that ties the sign-in form to the browser that loaded it.
pub const SIGN_IN_COOKIE: &str = "lj_signin";

/// A cookie's value from the request's headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole site
/// (`Secure` too when `LIANJIAN_COOKIE_SECURE=1`, for offices on HTTPS).
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>) -> String {
    let secure = std::env::var("LIANJIAN_COOKIE_SECURE").is_ok_and(|v| v == "1");
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Whether two secrets are equal, in time that does not depend on where
/// they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Where to go after signing in: only a page of the office's own (an
/// absolute path under `/office/`), never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/office/")
                && !n.starts_with("//")
                && !n.contains("://")
                && !n.contains('\\')
                && n.chars().all(|c| !c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/office/ledger".to_string(),
    }
}

/// A signed-in office user, as every page takes it.
#[derive(Clone, Debug)]
pub struct Office(pub WebSession);

impl Office {
    /// Whether the user's rank allows `action` (pages show or hide forms by it).
    pub fn may(&self, action: OfficeAction) -> bool {
        office_allows(self.0.user.role, Some(self.0.rank), action)
    }

    /// Refuses the page or form unless the user's rank allows `action`.
    pub fn require(&self, action: OfficeAction) -> Result<(), AppError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("{} 无权{}", self.0.rank.label(), action.label())).page())
        }
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, sent: &str) -> Result<(), AppError> {
        if same_secret(sent, &self.0.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden("表单已失效（CSRF 校验未通过），请刷新页面后重试".into()).page())
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Office {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, AppError> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        let htmx = parts.headers.contains_key("hx-request");
        let token = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
        let refused = AppError::SignInRequired { next: safe_next(Some(&next)), htmx };
        let Some(token) = token else { return Err(refused) };
        let found = super::blocking(state, move |state| {
            let now = state.clock.now();
            let mut db = state.lock();
            Ok(accounts::session(&mut *db.sql, &token, now)?)
        })
        .await?;
        found.map(Office).ok_or(refused)
    }
}
