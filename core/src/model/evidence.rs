//! What the inspection document records about each piece of evidence. The
//! files themselves are blobs named by SHA-256; this record travels with the
//! inspection so every device (and the office) sees the same capture facts
//! and flags.

use autosurgeon::{Hydrate, Reconcile};

use super::code_enum;
use super::{Coordinates, FindingId, PersonId, Timestamp};

code_enum!(
    /// What kind of file the evidence is.
    EvidenceKind {
        /// 照片 (JPEG or PNG; has derived copies).
        Photo = ("photo", "照片"),
        /// 视频.
        Video = ("video", "视频"),
        /// 录音.
        Audio = ("audio", "录音"),
        /// 文档 (PDF scans).
        Document = ("document", "文档"),
    }
);

code_enum!(
    /// Why the evidence was taken.
    EvidencePurpose {
        /// 隐患证据: shows a hazard as found.
        Hazard = ("hazard", "隐患证据"),
        /// 检查项证据: documents a checklist item.
        Checklist = ("checklist", "检查项证据"),
        /// 整改照片: the enterprise's proof of rectification.
        Rectification = ("rectification", "整改证据"),
    }
);

code_enum!(
    /// Something implausible about a piece of evidence, shown to people and
    /// never acted on automatically.
    FlagKind {
        /// The camera recorded no capture time.
        NoCaptureTime = ("no_capture_time", "无拍摄时间"),
        /// Captured long before or after the inspection.
        TimeFarFromInspection = ("time_far_from_inspection", "拍摄时间与检查时间不符"),
        /// Capture time later than the device's clock.
        TimeInFuture = ("time_in_future", "拍摄时间晚于当前时间"),
        /// Taken far from the enterprise's address.
        FarFromEnterprise = ("far_from_enterprise", "拍摄地点远离企业"),
        /// The same or nearly the same picture is already on file.
        DuplicatePicture = ("duplicate_picture", "疑似重复照片"),
    }
);

/// One flag on a piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct EvidenceFlag {
    /// What kind of doubt.
    pub kind: FlagKind,
    /// The explanation shown to people, in Chinese.
    pub message: String,
    /// The earlier evidence (SHA-256) a duplicate matches.
    pub related: Option<String>,
}

/// Where evidence is attached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceTarget {
    /// A hazard.
    Finding(FindingId),
    /// A checklist item, on the editing inspector's response to it.
    Item(String),
}

impl EvidenceTarget {
    /// The stored form: `finding:<id>` or `item:<code>`.
    pub fn code(&self) -> String {
        match self {
            EvidenceTarget::Finding(id) => format!("finding:{id}"),
            EvidenceTarget::Item(code) => format!("item:{code}"),
        }
    }
}

/// The document's record of one piece of evidence, keyed by `sha256`.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct EvidenceMeta {
    /// SHA-256 (hex) of the original file: the evidence id.
    pub sha256: String,
    /// Kind of file.
    pub kind: EvidenceKind,
    /// Why it was taken.
    pub purpose: EvidencePurpose,
    /// `finding:<id>` or `item:<code>`.
    pub target: String,
    /// Media type of the original.
    pub media_type: String,
    /// Size of the original in bytes.
    pub size: u64,
    /// Original file name as the device had it (for scans and recordings).
    pub file_name: String,
    /// Pixel size as stored (photos).
    pub width: Option<u32>,
    /// Pixel height as stored (photos).
    pub height: Option<u32>,
    /// EXIF orientation (photos).
    pub orientation: Option<u8>,
    /// Capture time from the camera.
    pub captured_at: Option<Timestamp>,
    /// Capture place from the camera.
    pub gps: Option<Coordinates>,
    /// Camera make and model.
    pub device: Option<String>,
    /// SHA-256 of the watermarked display copy (photos).
    pub display: Option<String>,
    /// SHA-256 of the thumbnail (photos).
    pub thumbnail: Option<String>,
    /// Perceptual hash (photos).
    pub phash: Option<String>,
    /// Doubts about the evidence.
    pub flags: Vec<EvidenceFlag>,
    /// Who added it.
    pub added_by: PersonId,
    /// When it was added.
    pub added_at: Timestamp,
}

impl EvidenceMeta {
    /// Every blob this evidence consists of: the original and its copies.
    pub fn blobs(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.sha256.as_str()).chain(self.display.as_deref()).chain(self.thumbnail.as_deref())
    }
}

/// Checks a blob hash (SHA-256) is 64 hex digits; returns it lowercase.
pub fn parse_hash(hash: &str) -> crate::error::Result<String> {
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(crate::error::Error::validation("sha256", "must be 64 hexadecimal characters"));
    }
    Ok(hash.to_ascii_lowercase())
}
