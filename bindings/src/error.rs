//! The apps' error: the variants an app acts on, converted from the core's
//! error in this one place. Messages carry no personal data (names, ID
//! numbers, phone numbers): the core's reasons name fields and rules only.

use lianjian_core::Error as Core;

/// What went wrong, in the terms an app acts on.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    /// Input the rules refuse; `field` says which input to fix.
    #[error("{field}: {reason}")]
    Validation {
        /// The offending field.
        field: String,
        /// Why (safe to show).
        reason: String,
    },
    /// The record does not exist on this device (or the server).
    #[error("not found: {kind}")]
    NotFound {
        /// What kind of record.
        kind: String,
    },
    /// The field is in conflict; resolve it first.
    #[error("conflict on {field}")]
    Conflict {
        /// The field.
        field: String,
    },
    /// The user's role does not allow this.
    #[error("not allowed: {action}")]
    Forbidden {
        /// The refused action.
        action: String,
    },
    /// Local storage failed or holds data this build cannot read. Nothing
    /// stored was deleted.
    #[error("storage: {reason}")]
    Storage {
        /// Details.
        reason: String,
    },
    /// The network or server failed; retry later.
    #[error("network: {reason}")]
    Network {
        /// Details.
        reason: String,
    },
    /// The server refused this device (revoked, disabled, unknown): enroll again.
    #[error("unauthorized")]
    Unauthorized,
    /// A file was refused as evidence (not a JPEG/PNG photo, damaged,
    /// truncated, too large, an unknown media type); nothing was stored.
    #[error("evidence rejected: {reason}")]
    InvalidEvidence {
        /// Why, for the inspector (retake the photo or pick another file).
        reason: String,
    },
    /// A deadline the rules refuse: before the hazard was found, later than
    /// its grade allows, set by hand without a reason, or a grade that stops
    /// work recorded without its immediate measure.
    #[error("deadline: {reason}")]
    InvalidDeadline {
        /// Why, in Chinese (safe to show).
        reason: String,
    },
    /// A document could not be printed (no template in force, a record
    /// changed after signing, no number left, a form the record lacks
    /// data for); the reason is in Chinese and safe to show.
    #[error("document: {reason}")]
    Document {
        /// Why.
        reason: String,
    },
    /// The operation was interrupted by `interrupt()`.
    #[error("interrupted")]
    Interrupted,
}

impl ApiError {
    pub(crate) fn validation(field: &str, reason: impl Into<String>) -> Self {
        ApiError::Validation { field: field.into(), reason: reason.into() }
    }
}

impl From<Core> for ApiError {
    fn from(e: Core) -> Self {
        match e {
            Core::Validation { field, reason } => ApiError::Validation { field: field.into(), reason },
            Core::InvalidId { .. } => ApiError::validation("id", e.to_string()),
            Core::CreditCode(c) => ApiError::validation("credit_code", c.to_string()),
            Core::Deadline(d) => ApiError::InvalidDeadline { reason: d.to_string() },
            Core::Team(t) => ApiError::validation("team", t.to_string()),
            Core::Outcome(o) => ApiError::validation("outcome", o.to_string()),
            Core::Calendar(c) => ApiError::validation("calendar", c.to_string()),
            Core::InvalidTransition { .. } => ApiError::validation("status", e.to_string()),
            Core::Forbidden { action, .. } => ApiError::Forbidden { action },
            Core::NotFound { kind, .. } => ApiError::NotFound { kind: kind.into() },
            Core::Conflicted { field } => ApiError::Conflict { field: field.to_string() },
            Core::Network(reason) => ApiError::Network { reason },
            Core::Unauthorized(_) => ApiError::Unauthorized,
            Core::Evidence(e) => ApiError::InvalidEvidence { reason: e.to_string() },
            Core::Numbering(n) => ApiError::Document { reason: n.to_string() },
            other => ApiError::Storage { reason: other.to_string() },
        }
    }
}

#[cfg(feature = "documents")]
impl From<lianjian_documents::Error> for ApiError {
    fn from(e: lianjian_documents::Error) -> Self {
        match e {
            lianjian_documents::Error::Core(c) => c.into(),
            other => ApiError::Document { reason: other.to_string() },
        }
    }
}

/// Result at the boundary.
pub type ApiResult<T> = Result<T, ApiError>;
