//! Printing on the device: number the document from the device's blocks
//! (offline), lay it out, write the PDF and a page-1 preview next to it for
//! the screen, and answer whether a printed copy's QR hash still matches a
//! stored record.

use std::path::{Path, PathBuf};

use chrono::Datelike;

use lianjian_core::model::{InspectionId, PersonId, Timestamp};
use lianjian_core::numbering::NumberKey;
use lianjian_core::store::{DocKind, Store};

use crate::engine::Engine;
use crate::error::Result;
use crate::render::{render_inspection, Context, Request};
use crate::signatures::record_hash;

/// A document printed on the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    /// The PDF.
    pub pdf: PathBuf,
    /// Page 1 as PNG (144 dpi), for the preview screen.
    pub preview: PathBuf,
    /// Pages.
    pub pages: u32,
    /// The number printed, for numbered forms.
    pub number: Option<String>,
    /// Numbers left in the device's blocks of that sequence.
    pub numbers_left: Option<u32>,
    /// Whether so few are left that the app should warn.
    pub numbers_low: bool,
    /// The canonical hash of the record printed (the QR code's content).
    pub record_hash: String,
}

/// Gives the engine the office's imported fonts this device has fetched
/// (`SyncClient::fetch_office_fonts`); one not fetched yet is left out, and
/// a template that names only it is refused when rendered.
pub fn add_office_fonts(engine: &Engine, store: &Store) -> Result<()> {
    for f in store.office().fonts.values() {
        if engine.has_font(&f.sha256) {
            continue;
        }
        if let Ok(bytes) = store.read_blob(&f.sha256) {
            engine.add_font(&f.sha256, &f.file, bytes)?;
        }
    }
    Ok(())
}

/// Prints `req` for `inspection`: a numbered form takes the document's
/// number from the device's blocks (the same number again on a reprint),
/// and refuses with a clear error when none is left.
pub fn print(
    engine: &Engine,
    store: &mut Store,
    inspection: &InspectionId,
    mut req: Request,
    by: &PersonId,
    at: Timestamp,
    out: &Path,
) -> Result<Printed> {
    let insp = store.inspection(inspection)?;
    // The office's own template sets, as they arrived by sync.
    engine.set_templates(crate::templates::Templates::with_office(store.office().templates.values())?);
    add_office_fonts(engine, store)?;
    let (mut numbers_left, mut numbers_low) = (None, false);
    if req.kind.category().is_some() && req.number.is_none() {
        let issuer = engine.templates().select(&req.office, req.kind, req.date)?.issuer(&req.department)?.clone();
        let year = req.date.year();
        let key = NumberKey { department: req.department.code().into(), form: req.kind.code().into(), year };
        let issued = store.issue_number(&key, &format!("{inspection}/{}", req.kind.code()), by, at)?;
        req.number = issuer.number(req.kind, year, issued.seq);
        numbers_left = Some(issued.remaining);
        numbers_low = issued.low;
    }
    let ctx = Context { scheme: store.grade_scheme().clone(), enterprise: store.enterprise(&insp.enterprise).ok() };
    let doc = store.inspection_doc(inspection)?;
    let rendered = render_inspection(engine, doc.automerge(), &ctx, &req)?;
    std::fs::create_dir_all(out)?;
    let stem = format!("{inspection}-{}-{}", req.kind.code(), req.number.as_deref().map(digits).unwrap_or_default());
    let pdf = out.join(format!("{stem}.pdf"));
    let preview = out.join(format!("{stem}-1.png"));
    std::fs::write(&pdf, &rendered.pdf)?;
    std::fs::write(&preview, rendered.page_png(0, 2.0)?)?;
    let record = crate::render::record_of(&req)?;
    Ok(Printed {
        pdf,
        preview,
        pages: rendered.pages() as u32,
        number: req.number,
        numbers_left,
        numbers_low,
        record_hash: record_hash(&insp, &record)?,
    })
}

fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// What a printed copy's QR hash says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintedCheck {
    /// A stored record is exactly what was printed.
    Valid {
        /// The inspection.
        inspection: String,
        /// The record (`findings`, `site_record`, `interview:<id>`).
        record: String,
    },
    /// The record was signed as printed but has changed since.
    Changed {
        /// The inspection.
        inspection: String,
        /// The record.
        record: String,
    },
    /// No record here was ever in that state.
    Unknown,
}

/// Checks a printed copy's hash against every inspection this store holds.
pub fn verify_printed(store: &mut Store, hash: &str) -> Result<PrintedCheck> {
    let hash = hash.trim().to_ascii_lowercase();
    let mut changed = None;
    for id in store.document_ids(DocKind::Inspection)? {
        let Ok(inspection_id) = id.parse::<InspectionId>() else { continue };
        let insp = store.inspection(&inspection_id)?;
        for record in lianjian_core::rules::signing::required_records(&insp) {
            if record_hash(&insp, &record)? == hash {
                return Ok(PrintedCheck::Valid { inspection: id, record: record.code() });
            }
        }
        if let Some(sig) = insp.signatures.values().find(|s| s.snapshot_sha256 == hash) {
            changed = Some(PrintedCheck::Changed { inspection: id.clone(), record: sig.record.clone() });
        }
    }
    Ok(changed.unwrap_or(PrintedCheck::Unknown))
}
