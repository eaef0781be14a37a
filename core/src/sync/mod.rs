//! Sync between devices and the server, sans I/O: the wire messages, the
//! heads digest, the device's session and the server's handlers. The HTTP
//! client and the axum server only carry bytes between these functions, so
//! the protocol is tested in memory as well as over loopback.
//!
//! The flow: (1) the device sends one digest of all its documents' heads; if
//! it matches the server's view of what the device may read, sync is done in
//! one request. (1b) Otherwise it sends per-document heads and learns which
//! documents differ and which are new. (2+) Batched automerge sync messages
//! for those documents only, until neither side has anything to say.

pub mod blobs;
pub mod client;
pub mod digest;
pub mod http;
pub mod numbers;
pub mod serve;
pub mod wire;

/// Applying a sync message to a document lives with the documents.
pub use crate::doc::apply;
