//! Checklist responses as the store records them: before an edit is applied
//! each response's verdict is settled on its item in the inspection's
//! checklist versions (`rules::verdict::settle_response`), so a reading out
//! of range is a failed item whatever verdict the caller wrote.

use std::borrow::Cow;

use super::Store;
use crate::doc::Edit;
use crate::error::{Error, Result};
use crate::model::InspectionId;
use crate::rules::verdict::settle_response;

impl Store {
    /// The checklist versions an inspection uses that this device holds
    /// (for the rules that read items); loads the inspection.
    pub(super) fn inspection_checklists(
        &mut self,
        key: &str,
    ) -> Result<Vec<std::sync::Arc<crate::model::ChecklistTemplate>>> {
        let refs: Vec<crate::model::ChecklistRef> =
            autosurgeon::hydrate_prop(&self.loaded(key, "inspection")?.doc, automerge::ROOT, "checklists")?;
        let mut out = Vec::with_capacity(refs.len());
        for c in refs {
            match self.checklist_shared(&c.id, c.version) {
                Ok(t) => out.push(t),
                // A checklist not held here: findings can still be edited;
                // a response on its items is refused for want of the item.
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// `edits` with every recorded response's verdict settled on its item.
    pub(super) fn settle_responses<'e>(&mut self, id: &InspectionId, edits: &'e [Edit]) -> Result<Cow<'e, [Edit]>> {
        if !edits.iter().any(|e| matches!(e, Edit::RecordResponse(_))) {
            return Ok(Cow::Borrowed(edits));
        }
        let checklists: Vec<crate::model::ChecklistRef> =
            autosurgeon::hydrate_prop(&self.loaded(&id.to_string(), "inspection")?.doc, automerge::ROOT, "checklists")?;
        let mut out = edits.to_vec();
        for edit in &mut out {
            let Edit::RecordResponse(r) = edit else { continue };
            let mut settled = false;
            for c in &checklists {
                if let Some(item) = self.checklist_shared(&c.id, c.version)?.item(&r.item_code) {
                    settle_response(item, r)?;
                    settled = true;
                    break;
                }
            }
            if !settled {
                return Err(Error::validation(
                    "item_code",
                    format!("{} is not an item of this inspection's checklists", r.item_code),
                ));
            }
        }
        Ok(Cow::Owned(out))
    }
}
