//! Evidence that is not a photo: video, audio recordings and PDF scans. They
//! are stored as they are (hashed blobs, no transcoding: a re-encoded video
//! is no longer the original), recognised by their content, with the facts a
//! list needs.

use super::decode::describe;
use super::error::EvidenceError;
use crate::model::evidence::EvidenceKind;

/// What a non-photo file was recognised as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaType {
    /// Kind of evidence.
    pub kind: EvidenceKind,
    /// Media type stored with the blob.
    pub media_type: &'static str,
}

/// Recognises video (MP4/QuickTime/3GP), audio (M4A, AMR, MP3, WAV, AAC) and
/// PDF by their leading bytes.
pub fn sniff_media(head: &[u8]) -> Result<MediaType, EvidenceError> {
    let found = |kind, media_type| Ok(MediaType { kind, media_type });
    if head.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if head.starts_with(b"%PDF-") {
        return found(EvidenceKind::Document, "application/pdf");
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"M4A " | b"M4B " => found(EvidenceKind::Audio, "audio/mp4"),
            b"qt  " => found(EvidenceKind::Video, "video/quicktime"),
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" => found(EvidenceKind::Video, "video/3gpp"),
            b"heic" | b"heix" | b"mif1" | b"avif" => {
                Err(EvidenceError::UnsupportedFormat { detected: "HEIF/AVIF image (set the camera to JPEG)".into() })
            }
            _ => found(EvidenceKind::Video, "video/mp4"),
        };
    }
    if head.starts_with(b"#!AMR") {
        return found(EvidenceKind::Audio, "audio/amr");
    }
    if head.starts_with(b"ID3") || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 && head[1] & 0x06 != 0)
    {
        return found(EvidenceKind::Audio, "audio/mpeg");
    }
    if head.len() >= 2 && head[0] == 0xFF && head[1] & 0xF6 == 0xF0 {
        return found(EvidenceKind::Audio, "audio/aac");
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WAVE" {
        return found(EvidenceKind::Audio, "audio/wav");
    }
    Err(EvidenceError::UnsupportedFormat { detected: describe(head) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_recordings_and_scans() {
        assert_eq!(sniff_media(b"%PDF-1.7\n").unwrap().kind, EvidenceKind::Document);
        assert_eq!(sniff_media(b"\0\0\0\x18ftypmp42\0\0\0\0").unwrap().media_type, "video/mp4");
        assert_eq!(sniff_media(b"\0\0\0\x14ftypqt  \0\0\0\0").unwrap().media_type, "video/quicktime");
        assert_eq!(sniff_media(b"\0\0\0\x18ftypM4A \0\0\0\0").unwrap().kind, EvidenceKind::Audio);
        assert_eq!(sniff_media(b"#!AMR\n").unwrap().media_type, "audio/amr");
        assert_eq!(sniff_media(b"RIFF\x24\0\0\0WAVEfmt ").unwrap().media_type, "audio/wav");
        assert_eq!(sniff_media(b"ID3\x04\0").unwrap().media_type, "audio/mpeg");
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(matches!(sniff_media(b"hello"), Err(EvidenceError::UnsupportedFormat { .. })));
        assert!(matches!(sniff_media(b"\0\0\0\x18ftypheic"), Err(EvidenceError::UnsupportedFormat { .. })));
        assert_eq!(sniff_media(b""), Err(EvidenceError::Empty));
    }
}
