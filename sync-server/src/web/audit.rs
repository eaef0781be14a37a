//! The audit trail as the office reads it: searchable by person, enterprise,
//! document, event and dates, newest first, with the chain checked on every
//! view. The pages only read it: there is no form, and the database refuses
//! updates and deletes of the table anyway.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

use lianjian_core::rules::office_access::OfficeAction;

use crate::audit::{self, ChainError};
use crate::error::AppError;
use crate::sql::Value;
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

/// Entries per page.
const PAGE: i64 = 100;

/// The search.
#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    person: Option<String>,
    enterprise: Option<String>,
    document: Option<String>,
    event: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

/// One entry as shown.
pub struct EntryView {
    seq: i64,
    at: String,
    person: String,
    device: String,
    document: String,
    event: String,
    summary: String,
    result: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    q: AuditQuery,
    entries: Vec<EntryView>,
    chain: String,
    chain_ok: bool,
    total: i64,
    next: Option<String>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn day(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    some(v)
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest(format!("{field} 不是日期（年-月-日）")).page())
        })
        .transpose()
}

/// `GET /office/audit`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ReadAudit)?;
    let from = day("起始日期", &q.from)?;
    let to = day("截止日期", &q.to)?;
    let query = q.clone();
    let (entries, total, chain) = super::blocking(&state, move |state| {
        let mut db = state.lock();
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        let mut bind = |sql: &str, v: String| {
            params.push(Value::Text(v));
            clauses.push(sql.replace("$?", &format!("${}", params.len())));
        };
        if let Some(p) = some(&query.person) {
            // A person by id, or by name through the users the server knows.
            bind("(a.person = $? OR a.person IN (SELECT id FROM users WHERE name = $?))", p);
        }
        if let Some(e) = some(&query.enterprise) {
            bind(
                "(a.document = $? OR a.document IN (SELECT id FROM office_inspections WHERE enterprise_id = $?)
                  OR a.document IN (SELECT e.id FROM office_enterprises e WHERE e.name = $?))",
                e,
            );
        }
        if let Some(d) = some(&query.document) {
            bind("a.document = $?", d);
        }
        if let Some(ev) = some(&query.event) {
            bind("a.event = $?", ev);
        }
        if let Some(f) = from {
            bind("a.at >= $?", f.to_string());
        }
        if let Some(t) = to {
            bind("a.at < $?", (t + chrono::Days::new(1)).to_string());
        }
        let cond = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
        let total = db
            .sql
            .query_opt(&format!("SELECT count(*) FROM audit_log a{cond}"), &params)?
            .map_or(Ok(0), |r| r.int(0))?;
        let page = query.page.unwrap_or(1).max(1);
        let rows = db.sql.query(
            &format!(
                "SELECT a.seq, a.at, a.person, COALESCE(u.name, ''), a.device, a.document, a.event, a.summary, a.result
                 FROM audit_log a LEFT JOIN users u ON u.id = a.person{cond}
                 ORDER BY a.seq DESC LIMIT {PAGE} OFFSET {}",
                (page - 1) * PAGE
            ),
            &params,
        )?;
        let mut entries = Vec::new();
        for r in rows {
            let (id, name) = (r.text(2)?, r.text(3)?);
            entries.push(EntryView {
                seq: r.int(0)?,
                at: r.text(1)?.chars().take(19).collect::<String>().replace('T', " "),
                person: if name.is_empty() { id } else { format!("{name}（{id}）") },
                device: r.text(4)?,
                document: r.text(5)?,
                event: r.text(6)?,
                summary: r.text(7)?,
                result: r.text(8)?,
            });
        }
        let chain = audit::verify(&mut *db.sql)?;
        Ok((entries, total, chain))
    })
    .await
    .map_err(AppError::page)?;
    let (chain, chain_ok) = match chain {
        Ok(n) => (format!("审计链完整（共 {n} 条）"), true),
        Err(ChainError::Gap(at)) => (format!("审计链在第 {at} 条处缺失"), false),
        Err(ChainError::Broken(at)) => (format!("审计链在第 {at} 条处被改动"), false),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let next = (page_no * PAGE < total).then(|| {
        let mut parts = vec![format!("page={}", page_no + 1)];
        for (k, v) in [
            ("person", &q.person),
            ("enterprise", &q.enterprise),
            ("document", &q.document),
            ("event", &q.event),
            ("from", &q.from),
            ("to", &q.to),
        ] {
            if let Some(v) = some(v) {
                parts.push(format!("{k}={}", crate::pages::encode_component(&v)));
            }
        }
        format!("/office/audit?{}", parts.join("&"))
    });
    let page = AuditPage { chrome: Chrome::new(&office, "audit"), q, entries, chain, chain_ok, total, next };
    super::html(&page).map_err(AppError::page)
}
