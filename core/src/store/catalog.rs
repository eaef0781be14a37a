//! Enterprise files and checklist versions in the store: written by the
//! office (or imported from fixtures), looked up offline by inspectors.

use std::sync::Arc;

use rusqlite::{params, OptionalExtension, Transaction};

use super::chunks::{self, DocKind, LoadedDoc};
use super::Store;
use crate::doc::catalog::{checklist_doc, enterprise_doc, read_checklist, read_enterprise, update_enterprise};
use crate::error::{Error, Result};
use crate::model::{ChecklistId, ChecklistTemplate, Enterprise, EnterpriseId, Timestamp};
use crate::rules::credit_code::CreditCode;

pub(super) fn refresh_enterprise(tx: &Transaction<'_>, id: &str, doc: &automerge::Automerge) -> Result<()> {
    let e = read_enterprise(doc)?;
    tx.prepare_cached(
        "INSERT INTO enterprises (id, credit_code, name, industry, grid, risk) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET credit_code = excluded.credit_code, name = excluded.name,
           industry = excluded.industry, grid = excluded.grid, risk = excluded.risk",
    )?
    .execute(params![id, e.credit_code.as_str(), e.name, e.industry, e.grid, e.risk.code()])?;
    Ok(())
}

pub(super) fn refresh_checklist(tx: &Transaction<'_>, id: &str, doc: &automerge::Automerge) -> Result<()> {
    let c = read_checklist(doc)?;
    tx.prepare_cached(
        "INSERT INTO checklists (id, version, doc_id, industry, title) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id, version) DO UPDATE SET doc_id = excluded.doc_id, industry = excluded.industry, title = excluded.title",
    )?
    .execute(params![c.id.to_string(), c.version, id, c.industry, c.title])?;
    Ok(())
}

/// An enterprise as listed in search results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseRow {
    /// Id.
    pub id: String,
    /// Credit code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Industry code.
    pub industry: String,
    /// Grid.
    pub grid: String,
    /// Risk colour code.
    pub risk: String,
}

impl Store {
    fn insert_new(&mut self, id: &str, kind: DocKind, doc: automerge::Automerge, at: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let loaded: LoadedDoc = chunks::insert(&tx, id, kind, doc, at)?;
        super::refresh(&tx, &self.office, &loaded, super::Reach::Everything, true)?;
        tx.commit()?;
        self.insert_cached(loaded);
        Ok(())
    }

    /// Stores an enterprise file (office). An existing file with the same id is
    /// updated in place, as a new change of its document.
    pub fn put_enterprise(&mut self, enterprise: &Enterprise, at: Timestamp) -> Result<()> {
        let id = enterprise.id.to_string();
        let clash: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM enterprises WHERE credit_code = ?1 AND id != ?2",
                params![enterprise.credit_code.as_str(), id],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(Error::validation("credit_code", "another enterprise already has this code"));
        }
        if !self.ensure_loaded(&id)? {
            return self.insert_new(&id, DocKind::Enterprise, enterprise_doc(enterprise, self.actor.clone(), at)?, at);
        }
        let (_, loaded) = self.cache.get_mut(&id).expect("loaded");
        let before = loaded.saved_heads.clone();
        update_enterprise(&mut loaded.doc, enterprise, at)?;
        self.persist(&id, super::Reach::Since(&before), false, at)
    }

    /// An enterprise file by id.
    pub fn enterprise(&mut self, id: &EnterpriseId) -> Result<Enterprise> {
        read_enterprise(&self.loaded(&id.to_string(), "enterprise")?.doc)
    }

    /// An enterprise file by its credit code (what an inspector types or scans).
    pub fn enterprise_by_credit_code(&mut self, code: &str) -> Result<Enterprise> {
        let code = CreditCode::parse(code)?;
        let id: Option<String> = self
            .conn
            .query_row("SELECT id FROM enterprises WHERE credit_code = ?1", [code.as_str()], |r| r.get(0))
            .optional()?;
        let id = id.ok_or_else(|| Error::NotFound { kind: "enterprise", id: code.to_string() })?;
        self.enterprise(&id.parse()?)
    }

    /// Enterprises whose name, credit code or grid contains `query`.
    pub fn search_enterprises(&self, query: &str, limit: usize) -> Result<Vec<EnterpriseRow>> {
        let pattern = format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, credit_code, name, industry, grid, risk FROM enterprises
             WHERE name LIKE ?1 ESCAPE '\\' OR credit_code LIKE ?1 ESCAPE '\\' OR grid LIKE ?1 ESCAPE '\\'
             ORDER BY name LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![pattern, limit as i64], |r| {
            Ok(EnterpriseRow {
                id: r.get(0)?,
                credit_code: r.get(1)?,
                name: r.get(2)?,
                industry: r.get(3)?,
                grid: r.get(4)?,
                risk: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Publishes a checklist version. Versions are immutable: publishing the
    /// same id and version again with other content is refused.
    pub fn put_checklist(&mut self, template: &ChecklistTemplate, at: Timestamp) -> Result<()> {
        let doc_id = template.version_key();
        if self.ensure_loaded(&doc_id)? {
            let existing = read_checklist(&self.cache[&doc_id].1.doc)?;
            if &existing == template {
                return Ok(());
            }
            return Err(Error::validation(
                "version",
                format!("checklist {doc_id} is published; publish a new version"),
            ));
        }
        self.insert_new(&doc_id, DocKind::Checklist, checklist_doc(template, self.actor.clone(), at)?, at)
    }

    /// A checklist version.
    pub fn checklist(&mut self, id: &ChecklistId, version: u32) -> Result<ChecklistTemplate> {
        Ok((*self.checklist_shared(id, version)?).clone())
    }

    /// A checklist version, read once and kept: published versions never
    /// change, so the rules that consult an item on every recorded response
    /// do not hydrate the document each time.
    pub(super) fn checklist_shared(&mut self, id: &ChecklistId, version: u32) -> Result<Arc<ChecklistTemplate>> {
        let key = format!("{id}@{version}");
        if let Some(t) = self.templates.get(&key) {
            return Ok(t.clone());
        }
        let template = Arc::new(read_checklist(&self.loaded(&key, "checklist")?.doc)?);
        self.templates.insert(key, template.clone());
        Ok(template)
    }

    /// The newest version of each checklist for an industry.
    pub fn latest_checklists(&mut self, industry: &str) -> Result<Vec<ChecklistTemplate>> {
        let keys: Vec<(String, u32)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, max(version) FROM checklists WHERE industry = ?1 GROUP BY id ORDER BY title",
            )?;
            let rows = stmt.query_map([industry], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        keys.into_iter().map(|(id, v)| self.checklist(&id.parse()?, v)).collect()
    }
}
