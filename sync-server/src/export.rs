//! The office's exports: the 隐患台账 as xlsx (every hazard of every
//! inspection the server holds, filtered by date, department and status)
//! with the 文书登记 sheet of every document number issued or voided. The
//! layout is the document engine's; this module reads the server's data.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use lianjian_core::model::{Department, Inspection};
use lianjian_documents::forms::FormKind;
use lianjian_documents::ledger::{rows_of, LedgerWriter};
use lianjian_documents::templates::Templates;

use crate::args;
use crate::state::AppState;

/// Which hazards to export.
#[derive(Clone, Debug, Default)]
pub struct LedgerFilter {
    /// Found on or after.
    pub from: Option<NaiveDate>,
    /// Found on or before.
    pub to: Option<NaiveDate>,
    /// The responsible department's code.
    pub department: Option<String>,
    /// The finding status code (`open`, `rectifying`, …, `closed`).
    pub status: Option<String>,
}

/// Exporting failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the server's records.
    #[error("读取数据失败：{0}")]
    Db(#[from] crate::sql::DbError),
    /// A stored document.
    #[error("读取文书失败：{0}")]
    Core(#[from] lianjian_core::Error),
    /// Writing the workbook.
    #[error("{0}")]
    Documents(#[from] lianjian_documents::Error),
}

/// A number as printed, with the issuer's 代字 from the templates in force
/// on 1 January of its year.
pub(crate) fn printed(templates: &Templates, key: &lianjian_core::numbering::NumberKey, seq: u32) -> String {
    let kind = FormKind::from_code(&key.form);
    let issuer = kind.and_then(|k| {
        let date = NaiveDate::from_ymd_opt(key.year, 12, 31)?;
        let dept = Department::from_code(&key.department).ok()?;
        templates.select("", k, date).ok()?.issuer(&dept).ok().cloned().map(|i| (k, i))
    });
    match issuer.and_then(|(k, i)| i.number(k, key.year, seq)) {
        Some(n) => n,
        None => format!("{}〔{}〕{}号", key.form, key.year, seq),
    }
}

/// Writes the ledger to `path`; returns the number of hazard rows.
pub fn export_ledger(state: &AppState, filter: &LedgerFilter, path: &Path) -> Result<u32, ExportError> {
    let ids: Vec<String> = {
        let mut db = state.lock();
        db.sql
            .query("SELECT doc_id FROM doc_access WHERE kind = $1 ORDER BY doc_id", args!["inspection"])?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?
    };
    write_ledger(state, &ids, path, |row| {
        filter.from.is_none_or(|f| row.found_on >= f)
            && filter.to.is_none_or(|t| row.found_on <= t)
            && filter.department.as_ref().is_none_or(|d| row.department.as_ref() == Some(d))
            && filter.status.as_ref().is_none_or(|s| &row.status == s)
    })
}

/// Writes to `path` the ledger of the hazards the office's ledger page
/// lists for `filter` on `today` (the same rows, in the workbook's layout);
/// returns the number of hazard rows.
pub fn export_page_filter(
    state: &AppState,
    filter: &crate::ledger::LedgerFilter,
    today: NaiveDate,
    path: &Path,
) -> Result<u32, ExportError> {
    let rows = crate::ledger::query::all(&mut **state.reports(), filter, today)?;
    let hazards: std::collections::BTreeSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    let inspections: std::collections::BTreeSet<String> = rows.into_iter().map(|r| r.inspection_id).collect();
    let inspections: Vec<String> = inspections.into_iter().collect();
    write_ledger(state, &inspections, path, |row| hazards.contains(&row.cells[0]))
}

/// Writes the rows of `inspections` that `keep` keeps, with the 文书登记
/// sheet, to `path`; one document in memory at a time.
fn write_ledger(
    state: &AppState,
    inspections: &[String],
    path: &Path,
    keep: impl Fn(&lianjian_documents::ledger::LedgerRow) -> bool,
) -> Result<u32, ExportError> {
    let templates = Templates::bundled();
    let uses = crate::numbers::ledger(&mut **state.reports())?;
    let numbered: Vec<_> = uses
        .into_iter()
        .map(|l| {
            let n = printed(&templates, &l.entry.key, l.entry.seq);
            (l.entry, n)
        })
        .collect();
    let by_document: BTreeMap<String, String> =
        numbered.iter().filter(|(u, _)| u.voided.is_none()).map(|(u, n)| (u.document.clone(), n.clone())).collect();
    let mut writer = LedgerWriter::new()?;
    for id in inspections {
        // The lock per document: an export of thousands of hazards does not
        // stall the devices' syncs.
        let mut db = state.lock();
        let was_loaded = db.cache.contains(id);
        let inspection: Inspection =
            db.docs().with_document(id, |am| autosurgeon::hydrate(am).map_err(lianjian_core::Error::from))??;
        // One document in memory at a time, whatever the ledger's size.
        if !was_loaded {
            db.cache.forget(id);
        }
        drop(db);
        for row in rows_of(&inspection, &by_document) {
            if keep(&row) {
                writer.push(&row)?;
            }
        }
    }
    let rows = writer.rows();
    writer.finish(&numbered, path)?;
    Ok(rows)
}
