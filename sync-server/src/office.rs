//! The office's rule data as the server holds it (calendars, regions and
//! their grade schemes), read from its stored office documents. Incoming
//! inspections are checked against the scheme they name. An import from the
//! command line runs in another process, so the data is re-read when the
//! stored office documents' heads change (looked at only when the data
//! revision moved).

use std::sync::{Arc, Mutex};

use lianjian_core::office::documents::{read_office_doc, OfficeDoc};
use lianjian_core::office::OfficeData;
use lianjian_core::store::DocKind;

use crate::docs::DocTables;

/// The office data and what it was read from.
#[derive(Default)]
pub struct OfficeCache {
    inner: Mutex<Option<Cached>>,
}

struct Cached {
    revision: i64,
    heads: Vec<(String, Vec<u8>)>,
    data: Arc<OfficeData>,
}

impl OfficeCache {
    /// The office data as stored now; `revision` is the data revision the
    /// caller read (nothing is looked up while it is unchanged).
    pub fn get(&self, revision: i64, docs: &mut DocTables<'_>) -> lianjian_core::Result<Arc<OfficeData>> {
        let mut cached = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cached.as_ref().filter(|c| c.revision == revision) {
            return Ok(c.data.clone());
        }
        let heads = docs.heads_of_kind(DocKind::Office)?;
        if let Some(c) = cached.as_mut().filter(|c| c.heads == heads) {
            c.revision = revision;
            return Ok(c.data.clone());
        }
        let mut data = OfficeData::default();
        for (id, _) in &heads {
            match docs.with_document(id, read_office_doc)?? {
                (_, OfficeDoc::Calendar(year)) => {
                    data.calendar.insert(year);
                }
                (_, OfficeDoc::Region(region)) => data.put_region(region),
            }
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
