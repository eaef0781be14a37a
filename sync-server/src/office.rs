//! The data the rules consult as the server holds it: calendars, regions and
//! their grade schemes from the stored office documents, and every published
//! checklist version (responses' verdicts are checked on their items).
//! Incoming inspections are checked against them. An import from the
//! command line runs in another process, so the data is re-read when the
//! stored documents' heads change (looked at only when the data revision
//! moved); checklist versions never change, so each is read once.

use std::sync::{Arc, Mutex};

use lianjian_core::doc::catalog::read_checklist;
use lianjian_core::office::documents::{read_office_doc, OfficeDoc};
use lianjian_core::store::DocKind;

use crate::docs::DocTables;
pub use crate::rule_data::RuleData;

/// The office data and what it was read from.
#[derive(Default)]
pub struct OfficeCache {
    inner: Mutex<Option<Cached>>,
}

struct Cached {
    revision: i64,
    heads: Vec<(String, Vec<u8>)>,
    data: Arc<RuleData>,
}

impl OfficeCache {
    /// The office data as stored now; `revision` is the data revision the
    /// caller read (nothing is looked up while it is unchanged).
    pub fn get(&self, revision: i64, docs: &mut DocTables<'_>) -> lianjian_core::Result<Arc<RuleData>> {
        let mut cached = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cached.as_ref().filter(|c| c.revision == revision) {
            return Ok(c.data.clone());
        }
        let office_heads = docs.heads_of_kind(DocKind::Office)?;
        let checklist_heads = docs.heads_of_kind(DocKind::Checklist)?;
        let heads: Vec<(String, Vec<u8>)> = office_heads.iter().chain(&checklist_heads).cloned().collect();
        if let Some(c) = cached.as_mut().filter(|c| c.heads == heads) {
            c.revision = revision;
            return Ok(c.data.clone());
        }
        let mut data = RuleData::default();
        for (id, _) in &office_heads {
            match docs.with_document(id, read_office_doc)?? {
                (_, OfficeDoc::Calendar(year)) => {
                    data.office.calendar.insert(year);
                }
                (_, OfficeDoc::Region(region)) => data.office.put_region(region),
                (_, OfficeDoc::Scope(scope)) => data.office.scope = Some(scope),
                (_, OfficeDoc::Template(t)) => {
                    data.office.templates.insert(t.doc_id(), t);
                }
                (_, OfficeDoc::Font(f)) => {
                    data.office.fonts.insert(f.doc_id(), f);
                }
                (_, OfficeDoc::LoopRules(l)) => data.office.loop_rules = l.rules,
            }
        }
        let known = cached.as_ref().map(|c| &c.data.checklists);
        for (id, _) in &checklist_heads {
            let template = match known.and_then(|k| k.get(id)) {
                Some(t) => t.clone(),
                None => Arc::new(docs.with_document(id, read_checklist)??),
            };
            data.checklists.insert(id.clone(), template);
        }
        let data = Arc::new(data);
        *cached = Some(Cached { revision, heads, data: data.clone() });
        Ok(data)
    }

    /// Forgets what is cached; the next request reads the office data again.
    pub fn invalidate(&self) {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
