//! The mapping between domain types and automerge documents: what is stored
//! where, how edits become minimal automerge ops, and how conflicts on legally
//! significant fields are surfaced and resolved.

pub mod apply;
pub mod at;
pub mod authorize;
pub mod catalog;
pub mod closed_loop;
pub mod conflicts;
pub mod edit;
pub mod fields;
pub mod inspection;
pub mod journal;
pub mod kind;
mod scalar;
pub mod validate;

pub use conflicts::{Candidate, Conflict, ConflictTarget, FieldValue, Resolution};
pub use edit::{Edit, Editor, FindingField};
pub use inspection::{InspectionDoc, InspectionHeader, SCHEMA_VERSION};
