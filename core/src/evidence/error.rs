//! Why a file was refused as evidence. Each variant tells the inspector what
//! to do (retake, pick another file); none carries the file's content.

use thiserror::Error;

/// A file that cannot become evidence. Nothing is stored when this is returned.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EvidenceError {
    /// Not a JPEG or PNG (for photos), or not a recognised video, audio or
    /// PDF file (for other evidence).
    #[error("unsupported file type ({detected}); photos must be JPEG or PNG")]
    UnsupportedFormat {
        /// What the file looked like.
        detected: String,
    },
    /// The image declares more pixels than the decoder will allocate.
    #[error("image of {width} x {height} pixels exceeds the limit of {limit}")]
    TooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit that was exceeded, in words.
        limit: String,
    },
    /// The file is larger than evidence files may be.
    #[error("file of {size} bytes exceeds the limit of {limit} bytes")]
    FileTooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file ends before the image does.
    #[error("the file is truncated")]
    Truncated,
    /// The image data is damaged or crafted.
    #[error("the image is damaged: {0}")]
    Corrupt(String),
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The watermark font could not be read.
    #[error("watermark font: {0}")]
    Font(String),
}
