//! Signing in the store: freezing a record with a handwritten signature,
//! recording a refusal, and verifying what is stored. The signature image is
//! written and fsynced as a blob before the entry that references it.

use super::Store;
use crate::doc::{Edit, Editor};
use crate::error::{Error, Result};
use crate::model::{Inspection, InspectionId, Timestamp};
use crate::rules::signing::{signing_state, RecordSigning};
use crate::signing::canonical::canonical_record;
use crate::signing::strokes::{self, Pad};
use crate::signing::verify::verify_all;
use crate::signing::{DeviceKey, RecordRef, Refusal, SignatureCheck, SignatureEntry, Signer, SignerRole, Stroke};

/// Pixels per pad unit of the stored signature PNG.
pub const SIGNATURE_SCALE: f32 = 2.0;

impl Store {
    /// This device's signing key, created on first use.
    pub fn device_key(&self) -> Result<DeviceKey> {
        DeviceKey::load_or_create(&self.conn)
    }

    /// Freezes `record` as it stands now and stores `signer`'s handwritten
    /// signature of it, signed with the device key.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_record(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        record: &RecordRef,
        signer: Signer,
        handwriting: &[Stroke],
        pad: Pad,
        at: Timestamp,
    ) -> Result<SignatureEntry> {
        strokes::validate(handwriting, pad)?;
        if signer.name.trim().is_empty() {
            return Err(Error::validation("signer", "the signer's name is required"));
        }
        let live = self.inspection(inspection)?;
        check_signer(&live, record, &signer)?;
        let snapshot = String::from_utf8(canonical_record(&live, record)?).expect("canonical records are UTF-8");
        let heads = self.heads(&inspection.to_string())?.iter().map(|h| h.to_string()).collect();
        let png = strokes::render_png(handwriting, pad, SIGNATURE_SCALE)?;
        let image_sha256 = self.put_blob(&png, "image/png", at)?;
        let key = self.device_key()?;
        let mut entry = SignatureEntry {
            id: uuid::Uuid::now_v7().to_string(),
            inspection: *inspection,
            record: record.code(),
            snapshot_sha256: {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(snapshot.as_bytes()))
            },
            snapshot,
            heads,
            signer,
            signed_at: at,
            strokes: strokes::encode(handwriting),
            image_sha256,
            device_key: key.public_hex(),
            device_signature: String::new(),
        };
        entry.device_signature = key.sign_hex(&entry.message());
        self.edit(inspection, editor, &[Edit::AddSignature(entry.clone())], at)?;
        Ok(entry)
    }

    /// Records the enterprise's refusal to sign `record` (拒签). Two
    /// inspectors then sign the record, which now includes the refusal.
    pub fn refuse_to_sign(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        record: &RecordRef,
        reason: &str,
        at: Timestamp,
    ) -> Result<Refusal> {
        let refusal = Refusal {
            record: record.code(),
            reason: reason.trim().to_string(),
            recorded_by: editor.person,
            recorded_at: at,
        };
        self.edit(inspection, editor, &[Edit::RecordRefusal(refusal.clone())], at)?;
        Ok(refusal)
    }

    /// Verifies every signature of an inspection.
    pub fn verify_signatures(&mut self, inspection: &InspectionId) -> Result<Vec<SignatureCheck>> {
        verify_all(&self.loaded(&inspection.to_string(), "inspection")?.doc)
    }

    /// Verifies a signature presented on its own (an exported signed
    /// record) against the inspection as this device holds it.
    pub fn verify_signature_package(
        &mut self,
        inspection: &InspectionId,
        entry: &SignatureEntry,
    ) -> Result<crate::signing::SignatureStatus> {
        crate::signing::verify::verify_detached(&self.loaded(&inspection.to_string(), "inspection")?.doc, entry)
    }

    /// Where each record of an inspection stands (what is still missing).
    pub fn signing_state(&mut self, inspection: &InspectionId) -> Result<Vec<RecordSigning>> {
        let checks = self.verify_signatures(inspection)?;
        let live = self.inspection(inspection)?;
        Ok(signing_state(&live, &checks))
    }
}

/// Who may sign what: inspectors must be enforcement officers of the team,
/// interviewees sign only their interview, the responsible person the
/// findings and the site record.
fn check_signer(inspection: &Inspection, record: &RecordRef, signer: &Signer) -> Result<()> {
    match signer.role {
        SignerRole::Inspector => {
            let person =
                signer.person.ok_or_else(|| Error::validation("signer", "an inspector signs as a team member"))?;
            let member =
                inspection.team.get(&person.to_string()).filter(|m| m.is_enforcement_officer()).ok_or_else(|| {
                    Error::validation("signer", "only enforcement officers of the team sign as inspectors")
                })?;
            if member.name != signer.name {
                return Err(Error::validation("signer", "the name differs from the team member's"));
            }
        }
        SignerRole::Interviewee => match record {
            RecordRef::Interview(id) => {
                let interview = inspection
                    .interviews
                    .get(&id.to_string())
                    .ok_or_else(|| Error::NotFound { kind: "interview", id: id.to_string() })?;
                if interview.interviewee.name != signer.name {
                    return Err(Error::validation("signer", "the interviewee signs their own record"));
                }
            }
            _ => return Err(Error::validation("signer", "an interviewee signs only the interview record")),
        },
        SignerRole::ResponsiblePerson => {
            if matches!(record, RecordRef::Interview(_)) {
                return Err(Error::validation("signer", "the interviewee signs an interview record"));
            }
        }
        SignerRole::Witness => {}
    }
    Ok(())
}
