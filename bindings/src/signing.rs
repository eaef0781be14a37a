//! The signing ceremony from the apps: the shell's signature pad sends
//! strokes; the core freezes the record, draws the signature and signs it
//! with the device key. Verification results and what is still missing
//! before the inspection can be marked signed come back as plain records.

use lianjian_core::model::Timestamp;
use lianjian_core::rules::signing::RecordSigning;
use lianjian_core::signing::strokes::{render_png, Pad};
use lianjian_core::signing::{
    RecordChange, RecordRef, SignatureCheck, SignatureEntry, SignatureStatus, Signer, SignerRole, Stroke, StrokePoint,
};

use crate::error::ApiResult;
use crate::store::LianjianStore;

/// One sampled point from the signature pad.
#[derive(Clone, Copy, Debug, PartialEq, uniffi::Record)]
pub struct StrokePointInput {
    /// X on the pad (points).
    pub x: f32,
    /// Y on the pad, downwards.
    pub y: f32,
    /// Milliseconds since the first point.
    pub t: u32,
    /// Pressure 0-1 (1.0 where the screen cannot sense it).
    pub pressure: f32,
}

/// One continuous pen movement.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct StrokeInput {
    /// The points, in order.
    pub points: Vec<StrokePointInput>,
}

/// Who signs.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignerInput {
    /// Name as written.
    pub name: String,
    /// `responsible_person`, `inspector`, `witness` or `interviewee`.
    pub role: String,
    /// The team member's person id, for inspectors.
    pub person_id: Option<String>,
}

/// A frozen, signed record: everything needed to verify it, on this device
/// or anywhere the package is sent.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignatureInfo {
    /// Signature id.
    pub id: String,
    /// The inspection.
    pub inspection_id: String,
    /// `findings`, `site_record` or `interview:<id>`.
    pub record: String,
    /// The record's canonical bytes as signed (UTF-8 JSON).
    pub snapshot: String,
    /// SHA-256 of `snapshot`.
    pub snapshot_sha256: String,
    /// Automerge heads the snapshot came from.
    pub heads: Vec<String>,
    /// Signer's name.
    pub signer_name: String,
    /// Signer's role code.
    pub signer_role: String,
    /// Signer's person id (inspectors).
    pub signer_person_id: Option<String>,
    /// When (RFC 3339).
    pub signed_at: String,
    /// The handwriting, as stored.
    pub strokes: String,
    /// The signature PNG (a blob).
    pub image_sha256: String,
    /// The device's public key (hex).
    pub device_key: String,
    /// The device's ed25519 signature (hex).
    pub device_signature: String,
}

impl From<SignatureEntry> for SignatureInfo {
    fn from(e: SignatureEntry) -> Self {
        SignatureInfo {
            id: e.id,
            inspection_id: e.inspection.to_string(),
            record: e.record,
            snapshot: e.snapshot,
            snapshot_sha256: e.snapshot_sha256,
            heads: e.heads,
            signer_name: e.signer.name,
            signer_role: e.signer.role.code().into(),
            signer_person_id: e.signer.person.map(|p| p.to_string()),
            signed_at: e.signed_at.to_string(),
            strokes: e.strokes,
            image_sha256: e.image_sha256,
            device_key: e.device_key,
            device_signature: e.device_signature,
        }
    }
}

impl SignatureInfo {
    fn to_core(&self) -> ApiResult<SignatureEntry> {
        Ok(SignatureEntry {
            id: self.id.clone(),
            inspection: self.inspection_id.parse()?,
            record: self.record.clone(),
            snapshot: self.snapshot.clone(),
            snapshot_sha256: self.snapshot_sha256.clone(),
            heads: self.heads.clone(),
            signer: Signer {
                name: self.signer_name.clone(),
                role: SignerRole::from_code(&self.signer_role)?,
                person: self.signer_person_id.as_deref().map(str::parse).transpose()?,
            },
            signed_at: Timestamp::parse(&self.signed_at)?,
            strokes: self.strokes.clone(),
            image_sha256: self.image_sha256.clone(),
            device_key: self.device_key.clone(),
            device_signature: self.device_signature.clone(),
        })
    }
}

/// One difference between the signed and the live record.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RecordChangeInfo {
    /// Path of keys and ids.
    pub path: String,
    /// The change, in Chinese.
    pub description: String,
}

impl From<RecordChange> for RecordChangeInfo {
    fn from(c: RecordChange) -> Self {
        RecordChangeInfo { path: c.path, description: c.description }
    }
}

/// The outcome of verifying a signature.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SignatureStatusInfo {
    /// Intact; the record is exactly what was signed.
    Valid,
    /// Intact, but the record changed since; the signature covers the
    /// frozen snapshot only.
    ChangedAfterSigning {
        /// What changed.
        changes: Vec<RecordChangeInfo>,
    },
    /// Not a valid signature of this record.
    Invalid {
        /// Why, in Chinese.
        reason: String,
    },
}

impl From<SignatureStatus> for SignatureStatusInfo {
    fn from(s: SignatureStatus) -> Self {
        match s {
            SignatureStatus::Valid => SignatureStatusInfo::Valid,
            SignatureStatus::ChangedAfterSigning { changes } => {
                SignatureStatusInfo::ChangedAfterSigning { changes: changes.into_iter().map(Into::into).collect() }
            }
            SignatureStatus::Invalid { reason } => SignatureStatusInfo::Invalid { reason },
        }
    }
}

/// A stored signature and its status.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SignatureCheckInfo {
    /// The signature.
    pub signature: SignatureInfo,
    /// Its status now.
    pub status: SignatureStatusInfo,
}

impl From<SignatureCheck> for SignatureCheckInfo {
    fn from(c: SignatureCheck) -> Self {
        SignatureCheckInfo { signature: c.entry.into(), status: c.status.into() }
    }
}

/// Where one record stands before the inspection can be marked signed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RecordSigningInfo {
    /// `findings`, `site_record` or `interview:<id>`.
    pub record: String,
    /// The document's name (隐患清单, 现场检查记录, 询问笔录).
    pub label: String,
    /// Whether it is final.
    pub complete: bool,
    /// What is missing, in Chinese.
    pub missing: Vec<String>,
}

impl From<RecordSigning> for RecordSigningInfo {
    fn from(s: RecordSigning) -> Self {
        RecordSigningInfo {
            record: s.record.code(),
            label: s.record.label().into(),
            complete: s.complete,
            missing: s.missing,
        }
    }
}

fn strokes(input: &[StrokeInput]) -> Vec<Stroke> {
    input
        .iter()
        .map(|s| Stroke {
            points: s.points.iter().map(|p| StrokePoint { x: p.x, y: p.y, t: p.t, pressure: p.pressure }).collect(),
        })
        .collect()
}

/// Draws strokes as the stored signature PNG will look (for the pad's
/// preview and for documents), `scale` pixels per pad unit.
#[uniffi::export]
pub fn render_signature(
    strokes_input: Vec<StrokeInput>,
    pad_width: f32,
    pad_height: f32,
    scale: f32,
) -> ApiResult<Vec<u8>> {
    Ok(render_png(&strokes(&strokes_input), Pad { width: pad_width, height: pad_height }, scale)?)
}

#[uniffi::export]
impl LianjianStore {
    /// Freezes `record` (`findings`, `site_record` or `interview:<id>`) as it
    /// stands and stores `signer`'s handwritten signature of it, signed
    /// with this device's key.
    pub fn sign_record(
        &self,
        inspection_id: String,
        record: String,
        signer: SignerInput,
        strokes_input: Vec<StrokeInput>,
        pad_width: f32,
        pad_height: f32,
    ) -> ApiResult<SignatureInfo> {
        let editor = self.editor()?;
        let signer = Signer {
            name: signer.name,
            role: SignerRole::from_code(&signer.role)?,
            person: signer.person_id.as_deref().map(str::parse).transpose()?,
        };
        let entry = self.core().sign_record(
            &inspection_id.parse()?,
            &editor,
            &record.parse::<RecordRef>()?,
            signer,
            &strokes(&strokes_input),
            Pad { width: pad_width, height: pad_height },
            self.now(),
        )?;
        Ok(entry.into())
    }

    /// Records the enterprise's refusal to sign (拒签) with its reason; two
    /// inspectors then sign the record.
    pub fn refuse_to_sign(&self, inspection_id: String, record: String, reason: String) -> ApiResult<()> {
        let editor = self.editor()?;
        self.core().refuse_to_sign(&inspection_id.parse()?, &editor, &record.parse()?, &reason, self.now())?;
        Ok(())
    }

    /// Verifies every signature of an inspection.
    pub fn verify_signatures(&self, inspection_id: String) -> ApiResult<Vec<SignatureCheckInfo>> {
        Ok(self.core().verify_signatures(&inspection_id.parse()?)?.into_iter().map(Into::into).collect())
    }

    /// Verifies a signature package (one exported from this or another
    /// device) against the inspection as this device holds it.
    pub fn verify_signature_package(
        &self,
        inspection_id: String,
        signature: SignatureInfo,
    ) -> ApiResult<SignatureStatusInfo> {
        let entry = signature.to_core()?;
        Ok(self.core().verify_signature_package(&inspection_id.parse()?, &entry)?.into())
    }

    /// What each record still needs before the inspection can be marked signed.
    pub fn signing_state(&self, inspection_id: String) -> ApiResult<Vec<RecordSigningInfo>> {
        Ok(self.core().signing_state(&inspection_id.parse()?)?.into_iter().map(Into::into).collect())
    }

    /// This device's public signing key (hex), for the device list.
    pub fn device_public_key(&self) -> ApiResult<String> {
        Ok(self.core().device_key()?.public_hex())
    }
}
