//! Signing in and out. The sign-in form is tied to the browser that loaded
//! it (a random value in a cookie and in the form, which must agree), so no
//! other site can sign a clerk in to an account of its choosing; each
//! success opens a new session with a new id, and each attempt, good or
//! bad, is in the audit trail.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::accounts::{self, AccountError};
use crate::audit::{self, Event};
use crate::db::new_secret;
use crate::error::AppError;
use crate::state::AppState;

use super::session::{cookie, safe_next, same_secret, set_cookie, Office, SESSION_COOKIE, SIGN_IN_COOKIE};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    next: &'a str,
    form_token: &'a str,
    login: &'a str,
    error: Option<String>,
}

/// The query of the sign-in page.
#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn render(status: StatusCode, next: &str, login: &str, error: Option<String>) -> Result<Response, AppError> {
    let form_token = new_secret();
    let mut resp = super::html(&SignInPage { next, form_token: &form_token, login, error })?;
    *resp.status_mut() = status;
    let c = set_cookie(SIGN_IN_COOKIE, &form_token, Some(1800));
    resp.headers_mut().insert(header::SET_COOKIE, c.parse().map_err(|_| AppError::Internal("cookie".into()))?);
    Ok(resp)
}

/// `GET /office/sign-in`.
pub async fn form(Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    render(StatusCode::OK, &safe_next(q.next.as_deref()), "", None).map_err(AppError::page)
}

/// The sign-in form as posted.
#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    form_token: String,
}

/// `POST /office/sign-in`.
pub async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    let tied =
        cookie(&headers, SIGN_IN_COOKIE).is_some_and(|c| !f.form_token.is_empty() && same_secret(c, &f.form_token));
    if !tied {
        return render(StatusCode::FORBIDDEN, &next, "", Some("登录表单已失效，请重新输入".into()))
            .map_err(AppError::page);
    }
    let login = f.login.trim().to_string();
    let outcome = super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let r = accounts::sign_in(&mut *db.sql, &f.login, &f.password, now);
        let (person, result) = match &r {
            Ok(s) => (Some(s.session.user.id.clone()), "accepted".to_string()),
            Err(AccountError::Locked { .. }) => (None, "refused:locked".to_string()),
            Err(_) => (None, "refused:password".to_string()),
        };
        // The sign-in name (an account, not a person's name) shows which
        // account was tried.
        let summary = format!("办公页面登录 登录名 {}", f.login.trim().chars().take(32).collect::<String>());
        let event = Event { person: person.as_deref(), event: "office_sign_in", summary, result, ..Default::default() };
        audit::append(&mut *db.sql, now, &event)?;
        Ok(r)
    })
    .await
    .map_err(AppError::page)?;
    match outcome {
        Ok(signed) => {
            let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
            let h = resp.headers_mut();
            for c in [set_cookie(SESSION_COOKIE, &signed.token, None), set_cookie(SIGN_IN_COOKIE, "", Some(0))] {
                h.append(header::SET_COOKIE, c.parse().map_err(|_| AppError::Internal("cookie".into()))?);
            }
            Ok(resp)
        }
        Err(AccountError::Db(e)) => Err(AppError::Db(e).page()),
        Err(e) => render(StatusCode::UNAUTHORIZED, &next, &login, Some(e.to_string())).map_err(AppError::page),
    }
}

/// The sign-out form.
#[derive(Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /office/sign-out`.
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    office: Office,
    headers: HeaderMap,
    Form(f): Form<SignOutForm>,
) -> Result<Response, AppError> {
    office.check_csrf(&f.csrf)?;
    let token = cookie(&headers, SESSION_COOKIE).unwrap_or_default().to_string();
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        accounts::sign_out(&mut *db.sql, &token)?;
        super::record(&mut *db.sql, now, &office.0.user.id, "office_sign_out", None, "办公页面退出".into())?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, "/office/sign-in")]).into_response();
    let c = set_cookie(SESSION_COOKIE, "", Some(0));
    resp.headers_mut().insert(header::SET_COOKIE, c.parse().map_err(|_| AppError::Internal("cookie".into()))?);
    Ok(resp)
}
