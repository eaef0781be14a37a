//! Office-written documents: enterprise files and checklist templates. They
//! are automerge documents like inspections so the same store, sync and
//! history serve them, but only the office writes them (one writer group),
//! so they never hold concurrent edits.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT};

use super::fields::string;
use crate::error::{Error, Result};
use crate::model::{ChecklistTemplate, Enterprise, Timestamp};

/// Which kind of document a catalog document is.
pub const KIND_ENTERPRISE: &str = "enterprise";
/// Which kind of document a catalog document is.
pub const KIND_CHECKLIST: &str = "checklist";

fn write<T: autosurgeon::Reconcile>(doc: &mut Automerge, kind: &str, value: &T, at: Timestamp) -> Result<()> {
    let options = CommitOptions::default().with_time(at.unix_millis()).with_message(format!("write {kind}"));
    doc.transact_with(
        |_| options,
        |tx| -> Result<()> {
            autosurgeon::reconcile(tx, value)?;
            tx.put(ROOT, "doc_kind", kind)?;
            Ok(())
        },
    )
    .map_err(|f| f.error)?;
    Ok(())
}

fn check_kind(doc: &Automerge, kind: &str) -> Result<()> {
    match string(doc, &ROOT, "doc_kind")? {
        Some(k) if k == kind => Ok(()),
        other => Err(Error::Schema(format!("expected a {kind} document, found {other:?}"))),
    }
}

/// A new document holding an enterprise file.
pub fn enterprise_doc(enterprise: &Enterprise, actor: ActorId, at: Timestamp) -> Result<Automerge> {
    let mut doc = Automerge::new().with_actor(actor);
    write(&mut doc, KIND_ENTERPRISE, enterprise, at)?;
    Ok(doc)
}

/// Updates an enterprise file in place, as one change (nothing when equal).
pub fn update_enterprise(doc: &mut Automerge, enterprise: &Enterprise, at: Timestamp) -> Result<()> {
    let options =
        automerge::transaction::CommitOptions::default().with_time(at.unix_millis()).with_message("update enterprise");
    doc.transact_with(|_| options, |tx| autosurgeon::reconcile(tx, enterprise).map_err(Error::from))
        .map_err(|f| f.error)?;
    Ok(())
}

/// Reads an enterprise file back.
pub fn read_enterprise(doc: &Automerge) -> Result<Enterprise> {
    check_kind(doc, KIND_ENTERPRISE)?;
    Ok(autosurgeon::hydrate(doc)?)
}

/// A new document holding one checklist version. Versions are immutable, so
/// each version is its own document.
pub fn checklist_doc(template: &ChecklistTemplate, actor: ActorId, at: Timestamp) -> Result<Automerge> {
    let mut doc = Automerge::new().with_actor(actor);
    write(&mut doc, KIND_CHECKLIST, template, at)?;
    Ok(doc)
}

/// Reads a checklist version back.
pub fn read_checklist(doc: &Automerge) -> Result<ChecklistTemplate> {
    check_kind(doc, KIND_CHECKLIST)?;
    Ok(autosurgeon::hydrate(doc)?)
}

/// The kind recorded in any of our documents (`inspection` has none).
pub fn kind_of(doc: &Automerge) -> Result<Option<String>> {
    string(doc, &ROOT, "doc_kind")
}
