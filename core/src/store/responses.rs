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
    /// `edits` with every recorded response's verdict settled on its item.
    pub(super) fn settle_responses<'e>(&mut self, id: &InspectionId, edits: &'e [Edit]) -> Result<Cow<'e, [Edit]>> {
        if !edits.iter().any(|e| matches!(e, Edit::RecordResponse(_))) {
            return Ok(Cow::Borrowed(edits));
        }
        let checklists = self.open_inspection(id)?.checklists;
        let mut out = edits.to_vec();
        for edit in &mut out {
            let Edit::RecordResponse(r) = edit else { continue };
            let mut item = None;
            for c in &checklists {
                if let Some(found) = self.checklist(&c.id, c.version)?.item(&r.item_code) {
                    item = Some(found.clone());
                }
            }
            let item = item.ok_or_else(|| {
                Error::validation(
                    "item_code",
                    format!("{} is not an item of this inspection's checklists", r.item_code),
                )
            })?;
            settle_response(&item, r)?;
        }
        Ok(Cow::Owned(out))
    }
}
