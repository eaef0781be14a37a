//! The office's rule data on the device: the official calendars that arrived
//! by sync. They are read when the store opens and whenever a calendar
//! document changes; then every listed deadline is recomputed, so a
//! provisional deadline becomes final (and shows whether it moved) as soon
//! as its year's calendar is here.

use rusqlite::{params, Connection, Transaction};

use super::chunks::{self, DocKind};
use super::{Reach, Store};
use crate::error::Result;
use crate::office::calendar_doc::read_calendar;
use crate::rules::calendar::{CalendarYear, HolidayCalendar};

/// Records a calendar document's year in the `calendars` table.
pub(super) fn refresh_calendar(tx: &Transaction<'_>, id: &str, doc: &automerge::Automerge) -> Result<()> {
    let (record, year) = read_calendar(doc)?;
    tx.prepare_cached(
        "INSERT INTO calendars (year, doc_id, source, text) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(year) DO UPDATE SET doc_id = excluded.doc_id, source = excluded.source, text = excluded.text",
    )?
    .execute(params![year.year, id, year.source, record.text])?;
    Ok(())
}

/// The bundled calendars with every synced year on top (a synced year
/// replaces the bundled one: the office may correct it).
pub(super) fn load_calendar(conn: &Connection) -> Result<HolidayCalendar> {
    let mut cal = HolidayCalendar::bundled();
    let mut stmt = conn.prepare("SELECT text FROM calendars ORDER BY year")?;
    let texts = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for text in texts {
        // Checked when it was stored; a row that no longer parses is skipped
        // rather than blocking the store from opening.
        if let Ok(year) = CalendarYear::parse_import(&text) {
            cal.insert(year);
        }
    }
    Ok(cal)
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
        let mut stmt = self.conn.prepare_cached("SELECT year FROM calendars")?;
        let synced = stmt.query_map([], |r| r.get::<_, i32>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        let cal = &self.office.calendar;
        Ok(cal
            .years()
            .into_iter()
            .filter_map(|y| cal.year(y))
            .map(|y| CalendarInfo { year: y.year, source: y.source.clone(), synced: synced.contains(&y.year) })
            .collect())
    }

    /// Re-reads the calendars and recomputes every inspection's listed
    /// deadlines, in one transaction. Called after a calendar document
    /// changed here.
    pub(super) fn calendars_changed(&mut self) -> Result<()> {
        self.office.calendar = load_calendar(&self.conn)?;
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
