//! What the server refused and what the device did about it: each refusal
//! with the record it concerns and the rule's reason in Chinese, and the
//! changes set aside because of it (kept, exportable to the office, some
//! made again). The sync screen lists them.

use crate::error::ApiResult;
use crate::store::LianjianStore;

/// A refusal the server sent.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RefusalInfo {
    /// Local id.
    pub id: i64,
    /// The document.
    pub document_id: String,
    /// The record, for people (e.g. 「鑫源化工有限公司」的检查).
    pub record: String,
    /// The rule's code (`forbidden`, `deadline`, `signing`, `foreign_actor`, ...).
    pub code: String,
    /// Why, in Chinese.
    pub reason: String,
    /// When the device learned of it (RFC 3339).
    pub at: String,
    /// Changes set aside for it.
    pub set_aside: u32,
}

/// A change taken out of a document.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SetAsideInfo {
    /// The change's hash (hex).
    pub hash: String,
    /// The document.
    pub document_id: String,
    /// The refusal it belongs to.
    pub refusal_id: i64,
    /// Refused itself, rather than set aside because it depended on one.
    pub refused: bool,
    /// `set_aside`, `reapplied` or `superseded`.
    pub state: String,
    /// The change that made the same edits again.
    pub reapplied_as: Option<String>,
    /// Why it could not be made again.
    pub note: Option<String>,
}

/// A document received in a form this device cannot keep (nothing of it was
/// stored; the other documents synced on).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct QuarantineInfo {
    /// The document.
    pub document_id: String,
    /// Why it could not be kept.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

#[uniffi::export]
impl LianjianStore {
    /// Documents in quarantine.
    pub fn quarantined(&self) -> ApiResult<Vec<QuarantineInfo>> {
        Ok(self
            .core()
            .quarantined()?
            .into_iter()
            .map(|(document_id, reason, at)| QuarantineInfo { document_id, reason, at: at.to_string() })
            .collect())
    }

    /// Every refusal, newest first.
    pub fn refusals(&self) -> ApiResult<Vec<RefusalInfo>> {
        Ok(self
            .core()
            .refusals()?
            .into_iter()
            .map(|r| RefusalInfo {
                id: r.id,
                document_id: r.doc,
                record: r.record,
                code: r.code,
                reason: r.reason,
                at: r.at.to_string(),
                set_aside: r.set_aside,
            })
            .collect())
    }

    /// Changes set aside, oldest first (of one document, or all).
    pub fn set_aside_changes(&self, document_id: Option<String>) -> ApiResult<Vec<SetAsideInfo>> {
        Ok(self
            .core()
            .set_aside_changes(document_id.as_deref())?
            .into_iter()
            .map(|c| SetAsideInfo {
                hash: c.hash,
                document_id: c.doc,
                refusal_id: c.refusal,
                refused: c.refused,
                state: c.state,
                reapplied_as: c.reapplied_as,
                note: c.note,
            })
            .collect())
    }

    /// The set-aside changes of a document as automerge bytes, for the office.
    pub fn export_set_aside(&self, document_id: String) -> ApiResult<Vec<u8>> {
        Ok(self.core().export_set_aside(&document_id)?)
    }
}
