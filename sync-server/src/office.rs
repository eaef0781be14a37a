//! The office's rule data as the server holds it (calendars, regions and
//! their grade schemes), read from its stored office documents. Incoming
//! inspections are checked against the scheme they name. An import from the
//! command line runs in another process, so the data is re-read when the
//! stored office documents' heads change (looked at only when the data
//! revision moved).

use std::sync::{Arc, Mutex};

use lianjian_core::office::documents::{read_office_doc, OfficeDoc};
use lianjian_core::office::OfficeData;

use crate::db;
use crate::docs::storage;
use crate::state::Database;

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
    /// The office data as stored now.
    pub fn get(&self, db: &mut Database) -> lianjian_core::Result<Arc<OfficeData>> {
        let revision = db::revision(&mut *db.sql).map_err(storage)?;
        let mut cached = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cached.as_ref().filter(|c| c.revision == revision) {
            return Ok(c.data.clone());
        }
        let rows =
            db.sql.query("SELECT id, heads FROM documents WHERE kind = 'office' ORDER BY id", &[]).map_err(storage)?;
        let heads = rows
            .iter()
            .map(|r| Ok((r.text(0).map_err(storage)?, r.bytes(1).map_err(storage)?)))
            .collect::<lianjian_core::Result<Vec<_>>>()?;
        if let Some(c) = cached.as_mut().filter(|c| c.heads == heads) {
            c.revision = revision;
            return Ok(c.data.clone());
        }
        let mut data = OfficeData::default();
        let mut docs = db.docs();
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
