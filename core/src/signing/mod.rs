//! Signatures that hold up as evidence. Signing freezes a record (the
//! findings list, the site inspection record, an interview record): the core
//! renders it to canonical bytes, and those bytes, their SHA-256, the
//! automerge heads they came from, the handwritten strokes and their PNG, the
//! signer and the time are stored immutably in the inspection and signed with
//! the device's ed25519 key. Later edits and merges change the live record,
//! never the frozen one, and verification says so (see `verify`).
//!
//! `record` names what can be signed, `canonical` renders it, `strokes`
//! holds and draws handwriting, `keys` the device key, `entry` the stored
//! signature and refusal (拒签), `verify` checks them, `diff` explains what
//! changed after signing. The rules for finalizing live in `rules::signing`.

pub mod canonical;
pub mod diff;
pub mod entry;
pub mod frozen;
pub mod keys;
pub mod record;
pub mod strokes;
pub mod verify;

pub use diff::RecordChange;
pub use entry::{Refusal, SignatureEntry, Signer, SignerRole};
pub use keys::DeviceKey;
pub use record::RecordRef;
pub use strokes::{Stroke, StrokePoint};
pub use verify::{SignatureCheck, SignatureStatus};
