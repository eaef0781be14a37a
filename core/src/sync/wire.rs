//! The sync protocol's messages, as they travel over HTTP (CBOR bodies).
//!
//! CBOR rather than JSON because most of the payload is automerge bytes:
//! CBOR carries them as byte strings with a 1-3 byte header, where JSON would
//! need base64 (+33%).

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::error::{Error, Result};

/// Round 1: "here is one digest of everything I hold".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestRequest {
    /// SHA-256 over the sorted (document id, heads) pairs the device holds.
    pub digest: ByteBuf,
    /// How many documents the digest covers.
    pub documents: u32,
}

/// The server's answer to a digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DigestResponse {
    /// Nothing differs: sync is done in one request.
    InSync,
    /// Something differs: send per-document heads.
    SendHeads,
}

/// One document's heads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocHeads {
    /// Document id.
    pub doc: String,
    /// Its heads (32-byte hashes), sorted.
    pub heads: Vec<ByteBuf>,
}

/// Round 1b: the heads of every document the device holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadsRequest {
    /// Per-document heads.
    pub docs: Vec<DocHeads>,
}

/// Which documents need sync messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadsResponse {
    /// Documents both hold whose heads differ.
    pub differ: Vec<String>,
    /// Documents the device does not hold but may now read.
    pub new: Vec<String>,
    /// Documents the device holds that the server will not sync with it
    /// (unknown to the server and not writable by the caller, or no longer
    /// readable). The device keeps them; it just stops offering them.
    pub refused: Vec<String>,
}

/// One automerge sync message for one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    /// Document id.
    pub doc: String,
    /// `automerge::sync::Message::encode()` bytes.
    pub message: ByteBuf,
}

/// Round 2+: a batch of sync messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// Messages, at most one per document.
    pub messages: Vec<DocMessage>,
}

/// A document whose incoming changes were refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Document id.
    pub doc: String,
    /// Machine-readable code (e.g. `foreign_actor`, `schema`, `forbidden`).
    pub code: String,
    /// Human-readable reason (no personal data).
    pub reason: String,
    /// The change (hex hash) that broke the rule, when one change did.
    #[serde(default)]
    pub change: Option<String>,
    /// Every change of the refused message the server did not hold (hex);
    /// none of them was kept.
    #[serde(default)]
    pub changes: Vec<String>,
}

/// The server's replies to a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// Replies, at most one per document.
    pub messages: Vec<DocMessage>,
    /// Documents whose changes were refused; nothing of them was applied.
    pub rejected: Vec<Rejection>,
}

/// Encodes a message as CBOR.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// Decodes a CBOR message, with a typed error for malformed input.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T> {
    ciborium::from_reader(bytes).map_err(|e| Error::validation("sync message", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_overhead() {
        let payload = vec![0xABu8; 1000];
        let batch = BatchRequest {
            messages: vec![DocMessage {
                doc: "0193a000-0001-7000-8000-000000000001".into(),
                message: ByteBuf::from(payload),
            }],
        };
        let bytes = encode(&batch);
        assert_eq!(decode::<BatchRequest>(&bytes).unwrap(), batch);
        // Framing (field names, lengths) costs a few dozen bytes beyond the
        // payload and the document id, not a third of the payload as base64 would.
        let id_len = batch.messages[0].doc.len();
        assert!(bytes.len() < 1000 + id_len + 40, "{}", bytes.len());
        assert!(decode::<BatchRequest>(b"\xff\x00garbage").is_err());
        assert!(decode::<BatchRequest>(&bytes[..bytes.len() - 10]).is_err());
    }
}
