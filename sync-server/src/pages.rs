//! What every HTML answer of the server shares, pages or errors: the error
//! page a person reads and the way to the sign-in page. A leaf module, so the
//! one error type can answer in HTML without knowing the pages.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
    detail: Option<&'a str>,
}

/// An error as a page a person reads.
pub fn error_page(status: StatusCode, message: &str, detail: Option<&str>) -> Response {
    let page = ErrorPage { status: status.as_u16(), message, detail };
    let body = page.render().unwrap_or_else(|_| message.to_string());
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// To the sign-in page, then back to `next`; htmx is told with
/// `HX-Redirect`, since it would otherwise swap the sign-in page into a
/// table.
pub fn sign_in_redirect(next: &str, htmx: bool) -> Response {
    let to = format!("/office/sign-in?next={}", encode_component(next));
    let mut resp = if htmx {
        (StatusCode::UNAUTHORIZED, "请先登录").into_response()
    } else {
        (StatusCode::SEE_OTHER, "请先登录").into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&to) {
        let name = if htmx { header::HeaderName::from_static("hx-redirect") } else { header::LOCATION };
        resp.headers_mut().insert(name, v);
    }
    resp
}

/// Percent-encodes `s` for a query string value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
