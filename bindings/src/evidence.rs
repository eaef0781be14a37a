//! Evidence from the apps: photos through the core's pipeline (original
//! kept, watermarked display copy, thumbnail, flags), other files as they
//! are, and the lists the evidence screens show.

use std::sync::Arc;

use lianjian_core::evidence::{
    EvidenceFlag, EvidenceMeta, EvidencePurpose, EvidenceTarget, FlagPolicy, PhotoPipeline, WatermarkFont,
};
use lianjian_core::store::evidence::EvidenceRequest;

use crate::error::ApiResult;
use crate::store::LianjianStore;

/// The photo pipeline with its watermark font: create once per app run
/// (CJK fonts are large) and pass to every `ingest_photo`.
#[derive(uniffi::Object)]
pub struct PhotoProcessor {
    pipeline: PhotoPipeline,
    policy: FlagPolicy,
}

#[uniffi::export]
impl PhotoProcessor {
    /// Loads face `font_index` of the CJK font at `font_path` for the
    /// watermark (Android: /system/fonts/NotoSansCJK-Regular.ttc, face 2 is
    /// Simplified Chinese; iOS: a bundled font file).
    #[uniffi::constructor]
    pub fn new(font_path: String, font_index: u32) -> ApiResult<Arc<Self>> {
        let font =
            WatermarkFont::load(std::path::Path::new(&font_path), font_index).map_err(lianjian_core::Error::from)?;
        Ok(Arc::new(PhotoProcessor { pipeline: PhotoPipeline::new(font), policy: FlagPolicy::default() }))
    }
}

/// Where evidence goes.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum EvidenceTargetInput {
    /// A hazard.
    Finding {
        /// The finding id.
        finding_id: String,
    },
    /// A checklist item (on the signed-in inspector's response to it).
    Item {
        /// The item code.
        item_code: String,
    },
}

/// A doubt about a piece of evidence, to show beside it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceFlagInfo {
    /// `no_capture_time`, `time_far_from_inspection`, `time_in_future`,
    /// `far_from_enterprise` or `duplicate_picture`.
    pub kind: String,
    /// Short Chinese label.
    pub label: String,
    /// Explanation in Chinese.
    pub message: String,
    /// The earlier evidence a duplicate matches.
    pub related_sha256: Option<String>,
}

impl From<&EvidenceFlag> for EvidenceFlagInfo {
    fn from(f: &EvidenceFlag) -> Self {
        EvidenceFlagInfo {
            kind: f.kind.code().into(),
            label: f.kind.label().into(),
            message: f.message.clone(),
            related_sha256: f.related.clone(),
        }
    }
}

/// One piece of evidence as recorded in the inspection.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct EvidenceInfo {
    /// SHA-256 of the original: the evidence id.
    pub sha256: String,
    /// `photo`, `video`, `audio` or `document`.
    pub kind: String,
    /// `hazard`, `checklist` or `rectification`.
    pub purpose: String,
    /// `finding:<id>` or `item:<code>`.
    pub target: String,
    /// Media type of the original.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// File name on the capturing device.
    pub file_name: String,
    /// Pixel width as stored (photos).
    pub width: Option<u32>,
    /// Pixel height as stored (photos).
    pub height: Option<u32>,
    /// EXIF orientation 1-8 (photos).
    pub orientation: Option<u8>,
    /// Capture time (RFC 3339) from the camera.
    pub captured_at: Option<String>,
    /// Latitude from the camera's GPS.
    pub latitude: Option<f64>,
    /// Longitude from the camera's GPS.
    pub longitude: Option<f64>,
    /// Camera make and model.
    pub device: Option<String>,
    /// The watermarked display copy (a blob; `blob_path` gives its file).
    pub display_sha256: Option<String>,
    /// The thumbnail (a blob).
    pub thumbnail_sha256: Option<String>,
    /// Doubts to show.
    pub flags: Vec<EvidenceFlagInfo>,
    /// Who added it.
    pub added_by: String,
    /// When (RFC 3339).
    pub added_at: String,
}

impl From<EvidenceMeta> for EvidenceInfo {
    fn from(m: EvidenceMeta) -> Self {
        EvidenceInfo {
            flags: m.flags.iter().map(Into::into).collect(),
            sha256: m.sha256,
            kind: m.kind.code().into(),
            purpose: m.purpose.code().into(),
            target: m.target,
            media_type: m.media_type,
            size: m.size,
            file_name: m.file_name,
            width: m.width,
            height: m.height,
            orientation: m.orientation,
            captured_at: m.captured_at.map(|t| t.to_string()),
            latitude: m.gps.map(|g| g.lat),
            longitude: m.gps.map(|g| g.lon),
            device: m.device,
            display_sha256: m.display,
            thumbnail_sha256: m.thumbnail,
            added_by: m.added_by.to_string(),
            added_at: m.added_at.to_string(),
        }
    }
}

fn request(target: EvidenceTargetInput, purpose: &str) -> ApiResult<EvidenceRequest> {
    let target = match target {
        EvidenceTargetInput::Finding { finding_id } => EvidenceTarget::Finding(finding_id.parse()?),
        EvidenceTargetInput::Item { item_code } => EvidenceTarget::Item(item_code),
    };
    Ok(EvidenceRequest { target, purpose: EvidencePurpose::from_code(purpose)? })
}

#[uniffi::export]
impl LianjianStore {
    /// Ingests the photo at `path` (the camera's JPEG or PNG) for a hazard
    /// or checklist item. `purpose`: `hazard`, `checklist` or
    /// `rectification`. A file that is not a usable photo raises
    /// `InvalidEvidence` and nothing is stored.
    pub fn ingest_photo(
        &self,
        inspection_id: String,
        target: EvidenceTargetInput,
        purpose: String,
        path: String,
        processor: Arc<PhotoProcessor>,
    ) -> ApiResult<EvidenceInfo> {
        let editor = self.editor()?;
        let request = request(target, &purpose)?;
        let meta = self.core().ingest_photo(
            &inspection_id.parse()?,
            &editor,
            &request,
            std::path::Path::new(&path),
            &processor.pipeline,
            &processor.policy,
            self.now(),
        )?;
        Ok(meta.into())
    }

    /// Ingests a video, audio recording or PDF scan as it is.
    pub fn ingest_media(
        &self,
        inspection_id: String,
        target: EvidenceTargetInput,
        purpose: String,
        path: String,
    ) -> ApiResult<EvidenceInfo> {
        let editor = self.editor()?;
        let request = request(target, &purpose)?;
        let meta = self.core().ingest_media(
            &inspection_id.parse()?,
            &editor,
            &request,
            std::path::Path::new(&path),
            self.now(),
        )?;
        Ok(meta.into())
    }

    /// The evidence of an inspection, oldest first.
    pub fn evidence(&self, inspection_id: String) -> ApiResult<Vec<EvidenceInfo>> {
        Ok(self.core().evidence(&inspection_id.parse()?)?.into_iter().map(Into::into).collect())
    }

    /// The evidence of an inspection that carries flags.
    pub fn flagged_evidence(&self, inspection_id: String) -> ApiResult<Vec<EvidenceInfo>> {
        Ok(self
            .core()
            .evidence(&inspection_id.parse()?)?
            .into_iter()
            .filter(|m| !m.flags.is_empty())
            .map(Into::into)
            .collect())
    }

    /// The file of a blob this device holds (to show a photo or signature).
    pub fn blob_path(&self, sha256: String) -> ApiResult<String> {
        let core = self.core();
        let path = core.blob_path(&sha256)?;
        if !path.exists() {
            return Err(lianjian_core::Error::NotFound { kind: "blob", id: sha256 }.into());
        }
        Ok(path.to_string_lossy().into_owned())
    }
}
