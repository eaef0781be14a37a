//! The core's one error type. Each variant is something a caller can act on;
//! messages never carry personal data (names, phone numbers), only ids, field
//! names and codes, because they end up in logs and crash reports.

use thiserror::Error;

/// Everything that can go wrong in the core.
#[derive(Debug, Error)]
pub enum Error {
    /// A value failed validation; `field` names the input that was wrong.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The field (or input) that was rejected.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A string that should have been an id of the given kind was not.
    #[error("invalid {kind} id {value:?}")]
    InvalidId {
        /// Which kind of id was expected.
        kind: &'static str,
        /// The rejected text (truncated).
        value: String,
    },
    /// A unified social credit code failed the GB 32100-2015 rules.
    #[error("invalid unified social credit code: {0}")]
    CreditCode(#[from] crate::rules::credit_code::CreditCodeError),
    /// A deadline the rules refuse (before the find, beyond the grade's
    /// limit, set by hand without a reason).
    #[error("{0}")]
    Deadline(crate::rules::deadline::DeadlineError),
    /// An outcome weaker than the findings require, or a stronger one without reason.
    #[error("{0}")]
    Outcome(#[from] crate::rules::outcome::OutcomeError),
    /// The team may not carry out (start or sign) the inspection.
    #[error("{0}")]
    Team(#[from] crate::rules::team::TeamError),
    /// A holiday calendar file cannot be used; nothing was stored.
    #[error("calendar: {0}")]
    Calendar(#[from] crate::rules::calendar::CalendarError),
    /// A change to an inspection breaks a rule (see `doc::authorize`).
    #[error("{0}")]
    Refused(#[from] crate::doc::authorize::Refusal),
    /// A state machine refused a transition.
    #[error("{entity} cannot go from {from} to {to}")]
    InvalidTransition {
        /// "inspection" or "finding".
        entity: &'static str,
        /// Current state code.
        from: String,
        /// Requested state code.
        to: String,
    },
    /// The acting role may not perform the action.
    #[error("role {role} may not {action}")]
    Forbidden {
        /// The acting role's code.
        role: String,
        /// The action's code.
        action: String,
    },
    /// A referenced object does not exist.
    #[error("{kind} {id} not found")]
    NotFound {
        /// What was looked for.
        kind: &'static str,
        /// Its id or key.
        id: String,
    },
    /// Stored document bytes could not be decoded; nothing was changed.
    #[error("document {doc} is corrupt in storage: {reason}")]
    CorruptDocument {
        /// The document id.
        doc: String,
        /// What the decoder said.
        reason: String,
    },
    /// The database was written by a newer version of Lianjian.
    #[error("database schema version {found} is newer than this build supports ({supported}); it was left untouched")]
    UnsupportedSchemaVersion {
        /// `PRAGMA user_version` found on disk.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// A legally significant field has concurrent values that a person must
    /// resolve (see `conflicts()`) before it can be edited again.
    #[error("{field} has conflicting values; resolve the conflict first")]
    Conflicted {
        /// The conflicted field.
        field: &'static str,
    },
    /// A document's contents do not match the expected schema.
    #[error("document does not match the schema: {0}")]
    Schema(String),
    /// A fixture or import file could not be read or parsed.
    #[error("cannot load {path}: {reason}")]
    Import {
        /// The file.
        path: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The network or the server failed; safe to retry later.
    #[error("network: {0}")]
    Network(String),
    /// The server refused the device's credentials (revoked, disabled, unknown).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// SQLite failed.
    #[error("storage: {0}")]
    Storage(Box<rusqlite::Error>),
    /// Storage outside this crate failed (the sync server's database, which
    /// holds documents through [`crate::sync::serve::ServerDocs`]).
    #[error("storage: {0}")]
    External(Box<dyn std::error::Error + Send + Sync>),
    /// Automerge failed.
    #[error("document engine: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    /// Writing a domain value into a document failed.
    #[error("document mapping: {0}")]
    Reconcile(Box<autosurgeon::ReconcileError>),
    /// Reading a domain value out of a document failed.
    #[error("document mapping: {0}")]
    Hydrate(Box<autosurgeon::HydrateError>),
    /// A file was refused as evidence; nothing was stored.
    #[error("evidence rejected: {0}")]
    Evidence(#[from] crate::evidence::EvidenceError),
    /// File system access failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A document number cannot be given or accepted.
    #[error("{0}")]
    Numbering(#[from] crate::numbering::NumberingError),
}

macro_rules! boxed_from {
    ($($variant:ident($ty:ty)),+) => {
        $(impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::$variant(Box::new(e))
            }
        })+
    };
}

// Boxed so that `Result<T, Error>` stays small on the hot path.
boxed_from!(
    Storage(rusqlite::Error),
    Automerge(automerge::AutomergeError),
    Reconcile(autosurgeon::ReconcileError),
    Hydrate(autosurgeon::HydrateError)
);

impl Error {
    /// Shorthand for a validation error.
    pub fn validation(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Validation { field, reason: reason.into() }
    }
}

/// Result with the core's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
