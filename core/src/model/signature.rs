//! What a signature and a refusal to sign (拒签) store in the inspection:
//! plain data, part of the inspection. Entries are written once and never
//! edited: the edit path refuses to touch an existing one, and verification
//! (`signing`) catches anything that changes them by other means.

use autosurgeon::{Hydrate, Reconcile};

use super::code_enum;
use super::{InspectionId, PersonId, Timestamp};

code_enum!(
    /// In what capacity someone signs.
    SignerRole {
        /// 企业负责人 (or the safety manager acting for them).
        ResponsiblePerson = ("responsible_person", "企业负责人"),
        /// 检查人员: an enforcement officer of the team.
        Inspector = ("inspector", "检查人员"),
        /// 见证人: a witness (for refusals and on-site decisions).
        Witness = ("witness", "见证人"),
        /// 被询问人: the person interviewed.
        Interviewee = ("interviewee", "被询问人"),
    }
);

/// Who signed.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Signer {
    /// Name as written under the signature.
    pub name: String,
    /// Capacity.
    pub role: SignerRole,
    /// The team member, for inspectors (others are not enrolled users).
    pub person: Option<PersonId>,
}

/// The format tag of the message a device key signs.
pub const SIGNATURE_FORMAT: &str = "lianjian-signature/1";

/// A frozen, signed record.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct SignatureEntry {
    /// Id (UUID v7).
    pub id: String,
    /// The inspection signed.
    pub inspection: InspectionId,
    /// The record signed (`RecordRef` code).
    pub record: String,
    /// The canonical bytes of the record as signed (UTF-8 JSON).
    pub snapshot: String,
    /// SHA-256 (hex) of `snapshot`.
    pub snapshot_sha256: String,
    /// The automerge heads (hex) the snapshot was rendered from.
    pub heads: Vec<String>,
    /// Who signed.
    pub signer: Signer,
    /// When.
    pub signed_at: Timestamp,
    /// The handwriting (see `strokes::encode`).
    pub strokes: String,
    /// SHA-256 of the rendered signature PNG (a blob).
    pub image_sha256: String,
    /// The signing device's ed25519 public key (hex).
    pub device_key: String,
    /// The device's signature (hex) over the entry's message
    /// (`signing::entry`).
    pub device_signature: String,
}

/// The enterprise's refusal to sign a record.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Refusal {
    /// The record refused (`RecordRef` code).
    pub record: String,
    /// 拒签理由, as stated or observed.
    pub reason: String,
    /// The inspector who recorded it.
    pub recorded_by: PersonId,
    /// When.
    pub recorded_at: Timestamp,
}
