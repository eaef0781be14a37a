//! What the rules read besides the document itself, as the server holds it:
//! the office's calendars, regions, grade schemes and published checklist
//! versions. Filled and cached by [`crate::office`]; read wherever a rule
//! runs (authorizing a change, indexing the ledger).

use std::collections::HashMap;
use std::sync::Arc;

use lianjian_core::model::ChecklistTemplate;
use lianjian_core::office::OfficeData;

/// What the rules read besides the document itself.
#[derive(Default)]
pub struct RuleData {
    /// Calendars, regions, grade schemes.
    pub office: OfficeData,
    /// Checklist versions by document id (`id@version`).
    pub checklists: HashMap<String, Arc<ChecklistTemplate>>,
}
