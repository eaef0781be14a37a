//! Enforcement documents from the apps: a form rendered offline to a PDF (and a page-1 preview for the screen)
//! that the shell hands to the platform's print service, and the check of
//! a printed copy's QR hash.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use lianjian_core::model::{Department, InspectionId};
use lianjian_documents::device::{self, PrintedCheck};
use lianjian_documents::fonts::FontSet;
use lianjian_documents::templates::Templates;
use lianjian_documents::{Engine, FormKind, Request};

use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;

/// What a form needs beyond the inspection.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DocumentOptions {
    /// The issuing department's code (`emergency_management`); for a 隐患清单
    /// the department it lists.
    pub department: String,
    /// The office whose templates apply ("" for the bundled default).
    pub office: String,
    /// For a 询问笔录: the interview id.
    pub interview_id: Option<String>,
    /// For a 整改复查意见书: the original order's number.
    pub origin_number: Option<String>,
    /// For a 整改复查意见书: the original order's date (YYYY-MM-DD).
    pub origin_date: Option<String>,
    /// For a 送达回执: the documents delivered ("名称 文号").
    pub delivered: Vec<String>,
}

/// A document printed on this device.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PrintedDocument {
    /// Path of the PDF (hand it to PrintManager / UIPrintInteractionController).
    pub pdf_path: String,
    /// Path of page 1 as PNG, for the preview.
    pub preview_path: String,
    /// Pages.
    pub pages: u32,
    /// The number printed, for numbered forms.
    pub number: Option<String>,
    /// Numbers left in this device's blocks of that sequence.
    pub numbers_left: Option<u32>,
    /// Few numbers left: connect to fetch a block.
    pub numbers_low: bool,
    /// The record's canonical hash (what the QR code carries).
    pub record_hash: String,
}

/// What a printed copy's hash says: `valid`, `changed` or `unknown`, and
/// which record.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PrintedCheckInfo {
    /// `valid`, `changed` or `unknown`.
    pub status: String,
    /// The inspection, when known.
    pub inspection_id: Option<String>,
    /// The record, when known.
    pub record: Option<String>,
}

/// The document engine: fonts and templates loaded once per app run.
#[derive(uniffi::Object)]
pub struct DocumentEngine {
    engine: Engine,
}

fn date(field: &str, s: &str) -> ApiResult<NaiveDate> {
    s.parse().map_err(|_| ApiError::validation(field, "日期格式应为 YYYY-MM-DD"))
}

#[uniffi::export]
impl DocumentEngine {
    /// An engine with the bundled templates and the fonts in `font_dir`
    /// (the app ships Noto Serif CJK SC: NotoSerifCJK-Regular.ttc and -Bold.ttc).
    #[uniffi::constructor]
    pub fn new(font_dir: String) -> ApiResult<Arc<Self>> {
        let fonts = FontSet::default_in(Path::new(&font_dir))?;
        Ok(Arc::new(DocumentEngine { engine: Engine::new(fonts, Templates::bundled()) }))
    }

    /// Renders form `kind` (`rectification_order`, `site_record`, …) of the
    /// inspection into `out_dir`; a numbered form takes its number from the
    /// device's blocks (offline).
    pub fn render_document(
        &self,
        store: Arc<LianjianStore>,
        inspection_id: String,
        kind: String,
        options: DocumentOptions,
        out_dir: String,
    ) -> ApiResult<PrintedDocument> {
        let kind = FormKind::from_code(&kind).ok_or_else(|| ApiError::validation("kind", "未知的文书种类"))?;
        let department = Department::from_code(&options.department)?;
        let inspection: InspectionId = inspection_id.parse()?;
        let editor = store.editor()?;
        let now = store.now();
        let issued_at = now.0.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
        let mut req = Request::new(kind, department, issued_at);
        req.office = options.office;
        req.interview = options.interview_id.map(|i| i.parse()).transpose()?;
        req.origin = match (options.origin_number, options.origin_date) {
            (Some(n), Some(d)) => Some((n, date("origin_date", &d)?)),
            _ => None,
        };
        req.delivered = options.delivered;
        let p =
            device::print(&self.engine, &mut store.core(), &inspection, req, &editor.person, now, Path::new(&out_dir))?;
        Ok(PrintedDocument {
            pdf_path: p.pdf.display().to_string(),
            preview_path: p.preview.display().to_string(),
            pages: p.pages,
            number: p.number,
            numbers_left: p.numbers_left,
            numbers_low: p.numbers_low,
            record_hash: p.record_hash,
        })
    }

    /// Checks a printed copy's QR hash against the records on this device.
    pub fn verify_printed(&self, store: Arc<LianjianStore>, hash: String) -> ApiResult<PrintedCheckInfo> {
        let hash = hash.strip_prefix("lianjian:record:").unwrap_or(&hash).to_string();
        Ok(match device::verify_printed(&mut store.core(), &hash)? {
            PrintedCheck::Valid { inspection, record } => {
                PrintedCheckInfo { status: "valid".into(), inspection_id: Some(inspection), record: Some(record) }
            }
            PrintedCheck::Changed { inspection, record } => {
                PrintedCheckInfo { status: "changed".into(), inspection_id: Some(inspection), record: Some(record) }
            }
            PrintedCheck::Unknown => PrintedCheckInfo { status: "unknown".into(), inspection_id: None, record: None },
        })
    }
}
