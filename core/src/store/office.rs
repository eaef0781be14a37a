//! The office's rule data on the device: the calendars and regions that
//! arrived by sync. They are read when the store opens and whenever an
//! office document changes; then every listed deadline is recomputed, so a
//! provisional deadline becomes final (and shows whether it moved) as soon
//! as its year's calendar is here.

use rusqlite::{params, Connection, Transaction};

use super::chunks::{self, DocKind};
use super::{Reach, Store};
use crate::error::Result;
use crate::office::documents::{calendar_doc_id, read_office_doc, OfficeDoc, KIND_CALENDAR};
use crate::office::OfficeData;

/// Records an office document in the `office_docs` table.
pub(super) fn refresh_office_doc(tx: &Transaction<'_>, id: &str, doc: &automerge::Automerge) -> Result<()> {
    let (record, parsed) = read_office_doc(doc)?;
    tx.prepare_cached(
        "INSERT INTO office_docs (doc_id, kind, source, text) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(doc_id) DO UPDATE SET kind = excluded.kind, source = excluded.source, text = excluded.text",
    )?
    .execute(params![id, parsed.kind(), record.source, record.text])?;
    Ok(())
}

/// The compiled-in office data with every synced document on top (a synced
/// calendar year replaces the bundled one: the office may correct it).
pub(super) fn load_office(conn: &Connection) -> Result<OfficeData> {
    let mut office = OfficeData::default();
    let mut stmt = conn.prepare("SELECT kind, text FROM office_docs ORDER BY doc_id")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (kind, text) in rows {
        // Checked when it was stored; a row that no longer parses is skipped
        // rather than blocking the store from opening.
        match OfficeDoc::parse(&kind, &text) {
            Ok(OfficeDoc::Calendar(year)) => {
                office.calendar.insert(year);
            }
            Ok(OfficeDoc::Region(region)) => office.put_region(region),
            Ok(OfficeDoc::Scope(scope)) => office.scope = Some(scope),
            Ok(OfficeDoc::Template(t)) => {
                office.templates.insert(t.doc_id(), t);
            }
            Ok(OfficeDoc::Font(f)) => {
                office.fonts.insert(f.doc_id(), f);
            }
            Ok(OfficeDoc::LoopRules(l)) => office.loop_rules = l.rules,
            Err(_) => {}
        }
    }
    Ok(office)
}

/// A year's calendar as the device holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarInfo {
    /// The year.
    pub year: i32,
    /// The notice it comes from.
    pub source: String,
    /// Whether it arrived from the office (rather than compiled in).
    pub synced: bool,
}

impl Store {
    /// The official calendars this device holds, by year.
    pub fn calendars(&self) -> Result<Vec<CalendarInfo>> {
        let mut stmt = self.conn.prepare_cached("SELECT doc_id FROM office_docs WHERE kind = ?1")?;
        let synced: Vec<String> = stmt.query_map([KIND_CALENDAR], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let cal = &self.office.calendar;
        Ok(cal
            .years()
            .into_iter()
            .filter_map(|y| cal.year(y))
            .map(|y| CalendarInfo {
                year: y.year,
                source: y.source.clone(),
                synced: synced.contains(&calendar_doc_id(y.year)),
            })
            .collect())
    }

    /// Re-reads the office data (keeping schemes set on this device) and
    /// recomputes every inspection's listed deadlines, in one transaction.
    /// Called after an office document changed here.
    pub(super) fn office_changed(&mut self) -> Result<()> {
        let mut fresh = load_office(&self.conn)?;
        for scheme in self.office.schemes() {
            if fresh.scheme(&scheme.id).is_err() {
                fresh.put_scheme(scheme.clone());
            }
        }
        self.office = fresh;
        let ids = self.document_ids(DocKind::Inspection)?;
        let tx = self.conn.transaction()?;
        for id in ids {
            if let Some(loaded) = chunks::load(&tx, &id)? {
                super::refresh(&tx, &self.office, &loaded, Reach::Everything, false)?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
