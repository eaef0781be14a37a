//! The message a device key signs for a signature entry: every field that
//! carries meaning, canonically. The entry itself is data of the inspection
//! (`model::signature`).

use serde_json::json;
use sha2::{Digest, Sha256};

use super::canonical::to_canonical_bytes;
pub use crate::model::signature::{Refusal, SignatureEntry, Signer, SignerRole, SIGNATURE_FORMAT};

impl SignatureEntry {
    /// The bytes the device key signs: every field that carries meaning,
    /// canonically. Binding the inspection and record ids means a signature
    /// cannot be replayed onto another record.
    pub fn message(&self) -> Vec<u8> {
        to_canonical_bytes(&json!({
            "format": SIGNATURE_FORMAT,
            "id": self.id,
            "inspection": self.inspection.to_string(),
            "record": self.record,
            "snapshot_sha256": self.snapshot_sha256,
            "heads": self.heads,
            "signer": {
                "name": self.signer.name,
                "role": self.signer.role.code(),
                "person": self.signer.person.map(|p| p.to_string()),
            },
            "signed_at": self.signed_at.to_string(),
            "strokes_sha256": hex::encode(Sha256::digest(self.strokes.as_bytes())),
            "image_sha256": self.image_sha256,
        }))
    }
}
