//! The joint inspection office's web pages, served by the sync server
//! itself: rendered on the server with askama, partial updates with htmx,
//! every form working without JavaScript. Sign-in and sessions are in
//! [`session`] and [`sign_in`]; each page has its own module.

mod assets;
mod audit;
mod chrome;
mod data;
mod data_upload;
mod dossier;
mod draws;
mod hazard;
mod incidents;
mod ledger;
mod people;
mod plans;
mod session;
mod sign_in;
mod stats;

pub use session::{SESSION_COOKIE, SIGN_IN_COOKIE};

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

/// The office's pages and their static files.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/static/{*path}", get(assets::serve))
        .route("/", get(|| async { Redirect::to("/office/ledger") }))
        .route("/office", get(|| async { Redirect::to("/office/ledger") }))
        .route("/office/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/office/sign-out", post(sign_in::sign_out))
        .route("/office/ledger", get(ledger::page))
        .route("/office/ledger.xlsx", get(ledger::export))
        .route("/office/hazards/{id}", get(hazard::page))
        .route("/office/files/{hash}", get(hazard::file))
        .route("/office/enterprises", get(dossier::list))
        .route("/office/enterprises/{id}", get(dossier::dossier))
        .route("/office/enterprises/{id}/incidents", post(incidents::record))
        .route("/office/people", get(people::page))
        .route("/office/users", post(people::add))
        .route("/office/users/{id}/code", post(people::issue_code))
        .route("/office/users/{id}/officer", post(people::officer))
        .route("/office/devices/{id}/revoke", post(people::revoke))
        .route("/office/audit", get(audit::page))
        .route("/office/draws", get(draws::list).post(draws::create))
        .route("/office/draws/{id}", get(draws::show))
        .route("/office/draws/{id}/run", post(draws::run))
        .route("/office/draws/{id}/publish", post(draws::publish))
        .route("/public/draws/{id}", get(draws::public))
        .route("/public/draws/{id}/verify", get(draws::public_verify))
        .route("/public/draws/{id}/package.json", get(draws::public_package))
        .route("/office/plans", get(plans::list).post(plans::create))
        .route("/office/plans/{id}", get(plans::show))
        .route("/office/plans/{id}/rows", post(plans::add_row))
        .route("/office/plans/{id}/approve", post(plans::approve))
        .route("/office/caps", post(plans::set_caps))
        .route("/office/data", get(data::form))
        .route("/office/data/preview", post(data::check))
        .route("/office/data/import", post(data::import))
        .route(
            "/office/data/upload",
            post(data_upload::upload).layer(axum::extract::DefaultBodyLimit::max(data_upload::MAX_UPLOAD)),
        )
        .route("/office/stats", get(stats::page))
        .route("/office/stats.json", get(stats::json))
        .route("/office/stats.xlsx", get(stats::export))
        .layer(axum::middleware::map_response(harden))
}

/// Headers every page and file carries: nothing from another origin runs or
/// frames it, and pages (which hold personal data) are not cached.
async fn harden(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// An askama page as an HTML response; a template that fails to render is
/// the server's fault.
fn html(page: &impl askama::Template) -> Result<Response, AppError> {
    let body = page.render().map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// To `path` after a form (303, so a reload does not post again).
fn see_other(path: impl Into<String>) -> Response {
    let path: String = path.into();
    (axum::http::StatusCode::SEE_OTHER, [(header::LOCATION, path)]).into_response()
}

/// A stored time as the pages print it: `2026-12-04 10:00`.
fn minute(t: &str) -> String {
    t.chars().take(16).collect::<String>().replace('T', " ")
}

/// Appends an office user's accepted action to the audit trail.
fn record(
    db: &mut dyn crate::sql::Sql,
    now: lianjian_core::model::Timestamp,
    person: &str,
    event: &str,
    document: Option<&str>,
    summary: String,
) -> Result<(), AppError> {
    let e = crate::audit::Event {
        person: Some(person),
        document,
        event,
        summary,
        result: "accepted".into(),
        ..Default::default()
    };
    crate::audit::append(db, now, &e)?;
    Ok(())
}

/// The Chinese labels of a ledger row's codes.
struct Labels {
    department: &'static str,
    industry: String,
    state: &'static str,
    escalation: Option<&'static str>,
}

fn labels(row: &crate::ledger::LedgerRow) -> Labels {
    use lianjian_core::rules::lifecycle::{EscalationLevel, HazardState};
    Labels {
        department: row
            .department
            .as_deref()
            .and_then(|d| lianjian_core::model::Department::from_code(d).ok())
            .map_or("—", |d| d.label()),
        industry: lianjian_core::model::enterprise::industry_label(&row.industry).to_string(),
        state: HazardState::from_code(&row.state).map_or("—", |s| s.label()),
        escalation: row.escalation.as_deref().and_then(|e| EscalationLevel::from_code(e).ok()).map(|e| e.label()),
    }
}

/// Runs `f` with the database on a blocking thread.
async fn blocking<T: Send + 'static>(
    state: &Arc<AppState>,
    f: impl FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state)).await.map_err(|e| AppError::Internal(e.to_string()))?
}
