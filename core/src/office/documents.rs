//! The office's rule data as documents: a year's official calendar, a
//! region's grade scheme. The office imports them on the server, they reach
//! every device with sync, devices read them and never write them. Each
//! holds the file as imported, which every reader parses with the same
//! rules the import checked; importing it again replaces it and appends to
//! the document's record who replaced which source with which, and when.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};
use autosurgeon::{Hydrate, Reconcile};

use super::region::Region;
use super::scope::Scope;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::rules::calendar::CalendarYear;

/// The `doc_kind` of a calendar document.
pub const KIND_CALENDAR: &str = "calendar";
/// The `doc_kind` of a region document.
pub const KIND_REGION: &str = "region";
/// The `doc_kind` of the division of duties (one per office).
pub const KIND_SCOPE: &str = "scope";
/// The `doc_kind` of a document template set (one per set and version).
pub const KIND_TEMPLATE: &str = "template";
/// The `doc_kind` of an imported font (one per file).
pub const KIND_FONT: &str = "font";
/// The `doc_kind` of the loop's time rules (one per office).
pub const KIND_LOOP_RULES: &str = "loop_rules";

/// The document id of a year's calendar.
pub fn calendar_doc_id(year: i32) -> String {
    format!("calendar-{year}")
}

/// The document id of a region.
pub fn region_doc_id(id: &str) -> String {
    format!("region-{id}")
}

/// Whether a `doc_kind` is one of the office's rule documents.
pub fn is_office_kind(kind: &str) -> bool {
    matches!(kind, KIND_CALENDAR | KIND_REGION | KIND_SCOPE | KIND_TEMPLATE | KIND_FONT | KIND_LOOP_RULES)
}

/// What an office rule document holds, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfficeDoc {
    /// A year's official calendar.
    Calendar(CalendarYear),
    /// A region and its grade scheme.
    Region(Region),
    /// The division of duties: which industries each department oversees.
    Scope(Scope),
    /// A document template set.
    Template(super::template::TemplateBundle),
    /// A font file the office imported (its bytes are a blob).
    Font(super::font::FontRef),
    /// The closed loop's time rules (when the 复查 is due).
    LoopRules(crate::rules::lifecycle::LoopRulesImport),
}

impl OfficeDoc {
    /// Parses an import file of `kind`.
    pub fn parse(kind: &str, text: &str) -> Result<Self> {
        match kind {
            KIND_CALENDAR => Ok(OfficeDoc::Calendar(CalendarYear::parse_import(text)?)),
            KIND_REGION => Ok(OfficeDoc::Region(Region::from_toml(text)?)),
            KIND_SCOPE => Ok(OfficeDoc::Scope(Scope::from_toml(text)?)),
            KIND_TEMPLATE => Ok(OfficeDoc::Template(super::template::TemplateBundle::parse(text)?)),
            KIND_FONT => Ok(OfficeDoc::Font(super::font::FontRef::parse(text)?)),
            KIND_LOOP_RULES => Ok(OfficeDoc::LoopRules(crate::rules::lifecycle::LoopRulesImport::from_toml(text)?)),
            other => Err(Error::Schema(format!("unknown office document kind {other:?}"))),
        }
    }

    /// Its `doc_kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            OfficeDoc::Calendar(_) => KIND_CALENDAR,
            OfficeDoc::Region(_) => KIND_REGION,
            OfficeDoc::Scope(_) => KIND_SCOPE,
            OfficeDoc::Template(_) => KIND_TEMPLATE,
            OfficeDoc::Font(_) => KIND_FONT,
            OfficeDoc::LoopRules(_) => KIND_LOOP_RULES,
        }
    }

    /// Its document id.
    pub fn doc_id(&self) -> String {
        match self {
            OfficeDoc::Calendar(y) => calendar_doc_id(y.year),
            OfficeDoc::Region(r) => region_doc_id(&r.id),
            OfficeDoc::Scope(_) => "scope".into(),
            OfficeDoc::Template(t) => t.doc_id(),
            OfficeDoc::Font(f) => f.doc_id(),
            OfficeDoc::LoopRules(_) => "loop-rules".into(),
        }
    }

    /// What it comes from: the calendar's notice, the region's scheme.
    pub fn source(&self) -> String {
        match self {
            OfficeDoc::Calendar(y) => y.source.clone(),
            OfficeDoc::Region(r) => format!("{}（{}）", r.scheme.name, r.scheme.id),
            OfficeDoc::Scope(s) => s.source.clone(),
            OfficeDoc::Template(t) => t.source(),
            OfficeDoc::Font(f) => f.source(),
            OfficeDoc::LoopRules(l) => l.source.clone(),
        }
    }
}

/// One import of an office document.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct OfficeImport {
    /// When it was imported.
    pub at: Timestamp,
    /// Who imported it (an office user id, or the operator of the command).
    pub by: String,
    /// The source imported.
    pub source: String,
    /// The source it replaced, if imported before.
    pub replaced: Option<String>,
}

/// What an office document stores.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct OfficeRecord {
    /// The source in force.
    pub source: String,
    /// The file as imported.
    pub text: String,
    /// Every import, oldest first.
    pub imports: Vec<OfficeImport>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The document was new.
    Added,
    /// It replaced an earlier import (its source).
    Replaced(String),
    /// The same file was already in force; nothing changed.
    Unchanged,
}

fn commit(doc: &mut Automerge, kind: &str, record: &OfficeRecord, at: Timestamp) -> Result<()> {
    let options = CommitOptions::default().with_time(at.unix_millis()).with_message(format!("import {kind}"));
    doc.transact_with(
        |_| options,
        |tx| -> Result<()> {
            autosurgeon::reconcile(tx, record)?;
            tx.put(ROOT, "doc_kind", kind)?;
            Ok(())
        },
    )
    .map_err(|f| f.error)?;
    Ok(())
}

/// A new document holding `parsed`, imported from `text`.
pub fn office_doc(parsed: &OfficeDoc, text: &str, by: &str, actor: ActorId, at: Timestamp) -> Result<Automerge> {
    let mut doc = Automerge::new().with_actor(actor);
    let source = parsed.source();
    let record = OfficeRecord {
        source: source.clone(),
        text: text.to_string(),
        imports: vec![OfficeImport { at, by: by.into(), source, replaced: None }],
    };
    commit(&mut doc, parsed.kind(), &record, at)?;
    Ok(doc)
}

/// Replaces a document's content with `text` (same kind and id), recording
/// the import; nothing changes when the text is the same.
pub fn update_office_doc(doc: &mut Automerge, text: &str, by: &str, at: Timestamp) -> Result<ImportOutcome> {
    let (mut record, current) = read_office_doc(doc)?;
    let parsed = OfficeDoc::parse(current.kind(), text)?;
    if parsed.doc_id() != current.doc_id() {
        return Err(Error::validation(
            "document",
            format!("this is {}, the file is {}", current.doc_id(), parsed.doc_id()),
        ));
    }
    if record.text == text {
        return Ok(ImportOutcome::Unchanged);
    }
    let replaced = std::mem::replace(&mut record.source, parsed.source());
    record.text = text.to_string();
    record.imports.push(OfficeImport { at, by: by.into(), source: parsed.source(), replaced: Some(replaced.clone()) });
    commit(doc, current.kind(), &record, at)?;
    Ok(ImportOutcome::Replaced(replaced))
}

/// Reads an office document: the record and what it holds.
pub fn read_office_doc(doc: &Automerge) -> Result<(OfficeRecord, OfficeDoc)> {
    let kind = match automerge::ReadDoc::get(doc, ROOT, "doc_kind")? {
        Some((automerge::Value::Scalar(s), _)) => s.as_str().unwrap_or_default().to_string(),
        _ => String::new(),
    };
    if !is_office_kind(&kind) {
        return Err(Error::Schema(format!("expected an office document, found {kind:?}")));
    }
    let record: OfficeRecord = autosurgeon::hydrate(doc)?;
    let parsed = OfficeDoc::parse(&kind, &record.text)?;
    Ok((record, parsed))
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
        let first = OfficeDoc::parse(KIND_CALENDAR, &text("第一版")).unwrap();
        assert_eq!(first.doc_id(), "calendar-2027");
        let mut doc = office_doc(&first, &text("第一版"), "office-1", ActorId::random(), at).unwrap();
        let (record, parsed) = read_office_doc(&doc).unwrap();
        assert_eq!((parsed, record.imports.len()), (first, 1));
        assert_eq!(update_office_doc(&mut doc, &text("第一版"), "office-1", at).unwrap(), ImportOutcome::Unchanged);
        let later = Timestamp::parse("2026-12-01T09:00:00+08:00").unwrap();
        assert_eq!(
            update_office_doc(&mut doc, &text("第二版"), "office-2", later).unwrap(),
            ImportOutcome::Replaced("第一版".into())
        );
        let (record, _) = read_office_doc(&doc).unwrap();
        assert_eq!(record.source, "第二版");
        let last = record.imports.last().unwrap();
        assert_eq!((last.by.as_str(), last.replaced.as_deref(), last.at), ("office-2", Some("第一版"), later));
        // Another year's file, or a broken one, changes nothing.
        let heads = doc.get_heads();
        assert!(update_office_doc(&mut doc, &text("x").replace("2027", "2028"), "office-2", later).is_err());
        assert!(update_office_doc(&mut doc, "year = ", "office-2", later).is_err());
        assert_eq!(doc.get_heads(), heads);
    }

    #[test]
    fn a_region_document() {
        let text = std::fs::read_to_string(crate::import::fixtures_dir().join("regions/chibi.toml")).unwrap();
        let parsed = OfficeDoc::parse(KIND_REGION, &text).unwrap();
        assert_eq!(parsed.doc_id(), "region-chibi");
        let at = Timestamp::parse("2026-11-21T09:00:00+08:00").unwrap();
        let doc = office_doc(&parsed, &text, "office", ActorId::random(), at).unwrap();
        assert!(matches!(read_office_doc(&doc).unwrap().1, OfficeDoc::Region(r) if r.id == "chibi"));
    }
}
