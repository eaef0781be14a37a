//! Evidence: photos and other files that prove what was on site. The
//! original file is never altered (its SHA-256 is the evidence id); photos
//! get an upright, watermarked display copy and a thumbnail; everything is
//! checked for plausibility and flagged for a person, never silently judged.
//!
//! `decode` refuses hostile files, `exif` reads what the camera said,
//! `render` and `watermark` make the copies, `pipeline` ties them together,
//! `flags` checks time, place and re-used pictures, `media` recognises
//! video, audio and scans. The store side (writing blobs, recording the
//! evidence in the inspection) is `store::evidence`.

pub mod decode;
pub mod error;
pub mod exif;
pub mod flags;
pub mod media;
pub mod phash;
pub mod pipeline;
pub mod render;
pub mod watermark;

pub use crate::model::evidence::{EvidenceFlag, EvidenceKind, EvidenceMeta, EvidencePurpose, EvidenceTarget, FlagKind};
pub use decode::{DecodeLimits, PhotoFormat};
pub use error::EvidenceError;
pub use flags::{FlagContext, FlagPolicy};
pub use pipeline::{PhotoPipeline, ProcessedPhoto, WatermarkContext};
pub use watermark::WatermarkFont;
