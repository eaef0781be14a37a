//! One hazard's full history for the office: where it stands (the same
//! standing the ledger lists), every event of its life cycle (by whom and
//! in order), its photos, the enterprise's rectification
//! reports with each before-photo beside its after-photo, the documents
//! numbered for its inspection, and every signature of the inspection with
//! the result of verifying it now.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use lianjian_core::doc::closed_loop::{hazard_events, rectification_reports};
use lianjian_core::model::{Finding, Inspection, RectificationReport};
use lianjian_core::rules::office_access::OfficeAction;
use lianjian_core::signing::verify::{verify_all, SignatureStatus};
use lianjian_documents::templates::Templates;

use crate::args;
use crate::blobs::BlobHash;
use crate::error::AppError;
use crate::ledger::query;
use crate::ledger::LedgerRow;
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

/// One event as listed.
pub struct EventView {
    at: String,
    what: &'static str,
    who: String,
    reason: String,
    deadline: String,
    evidence: Vec<String>,
}

/// One signature and what verifying it says.
pub struct SignatureView {
    record: String,
    signer: String,
    role: &'static str,
    at: String,
    valid: bool,
    result: String,
}

/// A document number issued for an inspection.
pub struct DocumentView {
    pub(super) form: String,
    pub(super) number: String,
    pub(super) at: String,
    pub(super) voided: Option<String>,
}

#[derive(Template)]
#[template(path = "hazard.html")]
struct HazardPage {
    chrome: Chrome,
    row: LedgerRow,
    finding: Finding,
    department: &'static str,
    industry: String,
    state: &'static str,
    escalation: &'static str,
    events: Vec<EventView>,
    reports: Vec<RectificationReport>,
    signatures: Vec<SignatureView>,
    documents: Vec<DocumentView>,
    basis: String,
}

/// `GET /office/hazards/{id}`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let page = super::blocking(&state, move |state| {
        let mut db = state.lock();
        let row = query::one(&mut *db.sql, &id)?.ok_or_else(|| AppError::NotFound("隐患".into()))?;
        let inspection_id = row.inspection_id.clone();
        let (inspection, events, reports, checks) = db.docs().with_document(&inspection_id, |doc| {
            let inspection: Inspection = autosurgeon::hydrate(doc)?;
            Ok::<_, lianjian_core::Error>((
                inspection,
                hazard_events(doc)?,
                rectification_reports(doc)?,
                verify_all(doc)?,
            ))
        })??;
        let finding = inspection
            .findings
            .values()
            .find(|f| f.id.to_string() == row.id)
            .cloned()
            .ok_or_else(|| AppError::NotFound("隐患".into()))?;
        let name_of = |person: &str| {
            inspection.team.get(person).map(|m| m.name.clone()).unwrap_or_else(|| {
                if inspection.enterprise.to_string() == person {
                    inspection.enterprise_name.clone()
                } else {
                    "—".into()
                }
            })
        };
        let mut views: Vec<EventView> = Vec::new();
        let mut mine: Vec<_> = events.iter().filter(|e| e.finding == finding.id).collect();
        mine.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        for e in mine {
            views.push(EventView {
                at: super::minute(&e.at.to_string()),
                what: e.kind.label(),
                who: format!("{}（{}）", name_of(&e.by.to_string()), e.role.label()),
                reason: e.reason.clone().unwrap_or_default(),
                deadline: e.deadline.map(|d| d.0.to_string()).unwrap_or_default(),
                evidence: e.evidence.clone(),
            });
        }
        let reports: Vec<RectificationReport> = reports.into_iter().filter(|r| r.finding == finding.id).collect();
        let signatures = checks
            .into_iter()
            .map(|c| {
                let (valid, result) = match &c.status {
                    SignatureStatus::Valid => (true, "有效".to_string()),
                    SignatureStatus::ChangedAfterSigning { changes } => {
                        (false, format!("签字后记录被修改（{} 处）", changes.len()))
                    }
                    SignatureStatus::Invalid { reason } => (false, format!("无效：{reason}")),
                };
                SignatureView {
                    record: c
                        .entry
                        .record
                        .parse::<lianjian_core::signing::RecordRef>()
                        .map_or_else(|_| c.entry.record.clone(), |r| r.label().to_string()),
                    signer: c.entry.signer.name.clone(),
                    role: c.entry.signer.role.label(),
                    at: super::minute(&c.entry.signed_at.to_string()),
                    valid,
                    result,
                }
            })
            .collect();
        let documents = documents_of(&mut *db.sql, &inspection_id, &Templates::bundled())?;
        let labels = super::labels(&row);
        Ok(HazardPage {
            chrome: Chrome::new(&office, "ledger"),
            department: labels.department,
            industry: labels.industry,
            state: labels.state,
            escalation: labels.escalation.unwrap_or("无"),
            basis: finding.legal_basis.as_ref().map(|b| b.cite()).unwrap_or_default(),
            row,
            finding,
            events: views,
            reports,
            signatures,
            documents,
        })
    })
    .await
    .map_err(AppError::page)?;
    super::html(&page).map_err(AppError::page)
}

/// The documents numbered for `inspection`, voided ones too, in order.
pub(super) fn documents_of(
    db: &mut dyn crate::sql::Sql,
    inspection: &str,
    templates: &Templates,
) -> Result<Vec<DocumentView>, crate::sql::DbError> {
    db.query(
        "SELECT department, form, year, seq, at, voided FROM number_uses WHERE document LIKE $1 ORDER BY at",
        args![format!("{inspection}/%")],
    )?
    .iter()
    .map(|r| {
        let key =
            lianjian_core::numbering::NumberKey { department: r.text(0)?, form: r.text(1)?, year: r.int(2)? as i32 };
        let form = lianjian_documents::forms::FormKind::from_code(&key.form)
            .map_or(key.form.clone(), |k| k.title().to_string());
        Ok(DocumentView {
            number: crate::export::printed(templates, &key, r.int(3)? as u32),
            form,
            at: r.text(4)?.chars().take(10).collect(),
            voided: r.opt_text(5)?,
        })
    })
    .collect()
}

/// `GET /office/files/{hash}`: a stored evidence file (photos shown on the
/// office's pages), for office users only.
pub async fn file(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(hash): Path<String>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let hash = BlobHash::parse(&hash).ok_or_else(|| AppError::NotFound("文件".into()).page())?;
    let path = state.blobs.path(&hash);
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|_| AppError::NotFound("文件".into()).page())?;
    let mime = if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "application/octet-stream"
    };
    Ok(([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "private, max-age=3600")], bytes).into_response())
}
