//! A year's official calendar as an office-owned document: the office
//! imports the State Council's notice on the server, the document reaches
//! every device with sync, devices read it and never write it. Importing the
//! year again replaces the arrangement and appends to the document's import
//! record who replaced which notice with which, and when.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};

use crate::doc::fields::string;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::rules::calendar::CalendarYear;

/// The `doc_kind` of a calendar document.
pub const KIND_CALENDAR: &str = "calendar";

/// The document id of a year's calendar.
pub fn calendar_doc_id(year: i32) -> String {
    format!("calendar-{year}")
}

/// One import of a year's calendar.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CalendarImport {
    /// When it was imported.
    pub at: Timestamp,
    /// Who imported it (an office user id, or the operator of the command).
    pub by: String,
    /// The notice imported.
    pub source: String,
    /// The notice it replaced, if the year was imported before.
    pub replaced: Option<String>,
}

/// What a calendar document holds.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CalendarRecord {
    /// The year.
    pub year: i64,
    /// The notice in force.
    pub source: String,
    /// The file as imported (the fixtures' format, one year), which every
    /// reader parses with the same rules the import checked.
    pub text: String,
    /// Every import, oldest first.
    pub imports: Vec<CalendarImport>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The year was new.
    Added,
    /// The year replaced an earlier import (its notice).
    Replaced(String),
    /// The same file was already in force; nothing changed.
    Unchanged,
}

fn commit(doc: &mut Automerge, record: &CalendarRecord, at: Timestamp) -> Result<()> {
    let options =
        CommitOptions::default().with_time(at.unix_millis()).with_message(format!("calendar {}", record.year));
    doc.transact_with(
        |_| options,
        |tx| -> Result<()> {
            autosurgeon::reconcile(tx, record)?;
            tx.put(ROOT, "doc_kind", KIND_CALENDAR)?;
            Ok(())
        },
    )
    .map_err(|f| f.error)?;
    Ok(())
}

/// A new calendar document for a year parsed from `text`.
pub fn calendar_doc(text: &str, by: &str, actor: ActorId, at: Timestamp) -> Result<Automerge> {
    let year = CalendarYear::parse_import(text)?;
    let mut doc = Automerge::new().with_actor(actor);
    let record = CalendarRecord {
        year: year.year.into(),
        source: year.source.clone(),
        text: text.to_string(),
        imports: vec![CalendarImport { at, by: by.into(), source: year.source, replaced: None }],
    };
    commit(&mut doc, &record, at)?;
    Ok(doc)
}

/// Replaces the arrangement in a year's document with `text` (same year),
/// recording the import; nothing changes when the text is the same.
pub fn update_calendar(doc: &mut Automerge, text: &str, by: &str, at: Timestamp) -> Result<ImportOutcome> {
    let (mut record, _) = read_calendar(doc)?;
    let year = CalendarYear::parse_import(text)?;
    if i64::from(year.year) != record.year {
        return Err(Error::validation("year", format!("this document holds {}, the file {}", record.year, year.year)));
    }
    if record.text == text {
        return Ok(ImportOutcome::Unchanged);
    }
    let replaced = std::mem::replace(&mut record.source, year.source.clone());
    record.text = text.to_string();
    record.imports.push(CalendarImport { at, by: by.into(), source: year.source, replaced: Some(replaced.clone()) });
    commit(doc, &record, at)?;
    Ok(ImportOutcome::Replaced(replaced))
}

/// Reads a calendar document: the record and the year it holds.
pub fn read_calendar(doc: &Automerge) -> Result<(CalendarRecord, CalendarYear)> {
    match string(doc, &ROOT, "doc_kind")? {
        Some(k) if k == KIND_CALENDAR => {}
        other => return Err(Error::Schema(format!("expected a calendar document, found {other:?}"))),
    }
    let record: CalendarRecord = autosurgeon::hydrate(doc)?;
    let year = CalendarYear::parse_import(&record.text)?;
    if i64::from(year.year) != record.year {
        return Err(Error::Schema("the calendar's text is for another year".into()));
    }
    Ok((record, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(source: &str) -> String {
        std::fs::read_to_string(crate::import::fixtures_dir().join("calendars/test-2027.toml"))
            .unwrap()
            .replace("测试用日历（非官方）", source)
    }

    #[test]
    fn import_replace_and_record() {
        let at = Timestamp::parse("2026-11-21T09:00:00+08:00").unwrap();
        let mut doc = calendar_doc(&text("第一版"), "office-1", ActorId::random(), at).unwrap();
        let (record, year) = read_calendar(&doc).unwrap();
        assert_eq!((record.year, year.year, record.imports.len()), (2027, 2027, 1));
        assert_eq!(update_calendar(&mut doc, &text("第一版"), "office-1", at).unwrap(), ImportOutcome::Unchanged);
        let later = Timestamp::parse("2026-12-01T09:00:00+08:00").unwrap();
        assert_eq!(
            update_calendar(&mut doc, &text("第二版"), "office-2", later).unwrap(),
            ImportOutcome::Replaced("第一版".into())
        );
        let (record, year) = read_calendar(&doc).unwrap();
        assert_eq!(year.source, "第二版");
        let last = record.imports.last().unwrap();
        assert_eq!((last.by.as_str(), last.replaced.as_deref(), last.at), ("office-2", Some("第一版"), later));
        // Another year's file, or a broken one, changes nothing.
        let heads = doc.get_heads();
        assert!(update_calendar(&mut doc, &text("x").replace("2027", "2028"), "office-2", later).is_err());
        assert!(update_calendar(&mut doc, "year = ", "office-2", later).is_err());
        assert_eq!(doc.get_heads(), heads);
    }
}
