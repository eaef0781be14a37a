//! Disagreements a person must see: concurrent values of a legally
//! significant field (a grade, a deadline, a verdict), with who wrote each
//! and when, and the lead's resolution, recorded in the document.

use lianjian_core::doc::{Candidate, ConflictTarget};
use lianjian_core::model::InspectionId;

use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;

/// One value in a conflict.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CandidateInfo {
    /// The value as text.
    pub value: String,
    /// Who wrote it, if known.
    pub author: Option<String>,
    /// When (RFC 3339), if known.
    pub at: Option<String>,
}

/// A conflict on one field.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ConflictInfo {
    /// `finding` or `response`.
    pub target_kind: String,
    /// The finding id, or the response key (`item/inspector`).
    pub target_id: String,
    /// The field (`grade`, `deadline`, `verdict`, ...).
    pub field: String,
    /// The concurrent values.
    pub candidates: Vec<CandidateInfo>,
}

fn target(t: &ConflictTarget) -> (String, String) {
    match t {
        ConflictTarget::Finding(id) => ("finding".into(), id.to_string()),
        ConflictTarget::Response(key) => ("response".into(), key.clone()),
    }
}

fn candidate(c: &Candidate) -> CandidateInfo {
    CandidateInfo { value: c.value.display(), author: c.name.clone(), at: c.at.map(|t| t.to_string()) }
}

#[uniffi::export]
impl LianjianStore {
    /// Conflicts on significant fields of an inspection.
    pub fn conflicts(&self, id: String) -> ApiResult<Vec<ConflictInfo>> {
        let list = self.core().conflicts(&id.parse::<InspectionId>()?)?;
        Ok(list
            .iter()
            .map(|c| {
                let (target_kind, target_id) = target(&c.target);
                ConflictInfo {
                    target_kind,
                    target_id,
                    field: c.field.clone(),
                    candidates: c.candidates.iter().map(candidate).collect(),
                }
            })
            .collect())
    }

    /// Resolves a conflict by choosing one of its candidate values (team lead).
    pub fn resolve_conflict(&self, id: String, conflict: ConflictInfo, chosen: String) -> ApiResult<()> {
        let editor = self.editor()?;
        let iid: InspectionId = id.parse()?;
        let mut store = self.core();
        let current = store.conflicts(&iid)?;
        let found = current
            .iter()
            .find(|c| {
                target(&c.target) == (conflict.target_kind.clone(), conflict.target_id.clone())
                    && c.field == conflict.field
            })
            .ok_or(ApiError::NotFound { kind: "conflict".into() })?;
        let value = found
            .candidates
            .iter()
            .find(|c| c.value.display() == chosen)
            .map(|c| c.value.clone())
            .ok_or_else(|| ApiError::validation("chosen", "not one of the conflicting values"))?;
        store.resolve(&iid, &editor, found, value, self.now())?;
        Ok(())
    }
}
