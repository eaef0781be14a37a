//! Applying one incoming automerge sync message to a document, with the
//! checks a receiver runs before keeping anything. Shared by the device
//! store and the server's document tables, which differ only in how they
//! persist the result.

use automerge::sync::{Message, State, SyncDoc};
use automerge::{ActorId, Automerge, Change, ChangeHash};

use super::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use super::kind::DocKind;
use super::InspectionDoc;
use crate::error::{Error, Result};

/// The receiver's check of a document after new changes: the merged
/// document, the heads the receiver held before (empty for a document new
/// to it), and the new changes in causal order.
pub type Check<'a> = dyn FnMut(&Automerge, &[ChangeHash], &[Change]) -> Result<()> + 'a;

/// What applying a sync message did.
#[derive(Debug)]
pub enum Applied {
    /// Nothing new arrived (the sync state may still have advanced).
    Unchanged,
    /// A document new to the receiver, checked, with its detected kind.
    Created(DocKind, Box<Automerge>),
    /// New changes were merged into the existing document; the heads it had
    /// before, so the receiver can persist exactly what is new.
    Changed(Vec<ChangeHash>),
}

/// Applies `message` to `existing` (or to a new document with `actor` when the
/// receiver does not hold `id`), then runs `check` on the result and the new
/// changes. On any error `state` is restored and the caller must discard
/// `existing`, which may hold the refused changes.
pub fn apply_sync_message(
    id: &str,
    existing: Option<&mut Automerge>,
    actor: &ActorId,
    state: &mut State,
    message: &[u8],
    check: &mut crate::doc::apply::Check<'_>,
) -> Result<Applied> {
    let message = Message::decode(message).map_err(|e| Error::validation("sync message", e.to_string()))?;
    let saved = state.clone();
    let result = match existing {
        None => {
            let mut fresh = Automerge::new().with_actor(actor.clone());
            fresh.receive_sync_message(state, message).map_err(Error::from).and_then(|()| {
                if fresh.get_heads().is_empty() {
                    return Ok(Applied::Unchanged);
                }
                check(&fresh, &[], &fresh.get_changes(&[]))?;
                let (kind, doc) = detect_kind(id, fresh)?;
                Ok(Applied::Created(kind, Box::new(doc)))
            })
        }
        Some(doc) => {
            let before = doc.get_heads();
            doc.receive_sync_message(state, message).map_err(Error::from).and_then(|()| {
                if doc.get_heads() == before {
                    return Ok(Applied::Unchanged);
                }
                check(doc, &before, &doc.get_changes(&before))?;
                Ok(Applied::Changed(before))
            })
        }
    };
    if result.is_err() {
        *state = saved;
    }
    result
}

/// Decides the kind of a document that arrives from another replica, and
/// checks an inspection's id matches the id it arrives under.
pub fn detect_kind(id: &str, doc: Automerge) -> Result<(DocKind, Automerge)> {
    match kind_of(&doc)?.as_deref() {
        None => {
            let checked = InspectionDoc::from_automerge(doc)?;
            if checked.id()?.to_string() != id {
                return Err(Error::validation("document", "the document belongs to another inspection"));
            }
            Ok((DocKind::Inspection, checked.into_automerge()))
        }
        Some(KIND_ENTERPRISE) => Ok((DocKind::Enterprise, doc)),
        Some(KIND_CHECKLIST) => Ok((DocKind::Checklist, doc)),
        Some(k) if crate::office::documents::is_office_kind(k) => Ok((DocKind::Office, doc)),
        Some(other) => Err(Error::Schema(format!("unknown document kind {other:?}"))),
    }
}
