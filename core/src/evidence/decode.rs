//! Strict decoding of the camera's photo. Decoders are the part of an image
//! pipeline that crafted files attack (30-byte files have crashed them), so
//! only JPEG and PNG are accepted, recognised by their signatures rather than
//! by file name, and dimensions and allocations are capped before a single
//! pixel is decoded: a 50,000 x 50,000 "decompression bomb" is refused from
//! its header.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

use super::error::EvidenceError;

/// Caps on what a photo may make the decoder allocate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Widest accepted image, in pixels.
    pub max_width: u32,
    /// Tallest accepted image, in pixels.
    pub max_height: u32,
    /// Most bytes the decoder may allocate (the decoded pixels dominate).
    pub max_alloc: u64,
    /// Largest accepted file, in bytes.
    pub max_file_bytes: u64,
}

impl Default for DecodeLimits {
    /// Room for a 24-megapixel phone photo (RGB: 72 MB decoded) within a
    /// 96 MiB allocation cap; phones save 12 MP by default.
    fn default() -> Self {
        DecodeLimits { max_width: 12_000, max_height: 12_000, max_alloc: 96 << 20, max_file_bytes: 64 << 20 }
    }
}

/// The photo formats accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoFormat {
    /// JPEG (what cameras write).
    Jpeg,
    /// PNG (screenshots, scanner apps).
    Png,
}

impl PhotoFormat {
    /// The media type stored with the blob.
    pub fn media_type(&self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
        }
    }
}

/// Recognises a photo by its leading bytes.
pub fn sniff(bytes: &[u8]) -> Option<PhotoFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoFormat::Png)
    } else {
        None
    }
}

/// Decodes a PNG with the `image` crate under `limits`.
fn decode_png(bytes: &[u8], limits: &DecodeLimits) -> Result<DynamicImage, EvidenceError> {
    // The header alone, without limits, to report the declared size; the
    // decoding below enforces the caps.
    let mut probe = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
    probe.no_limits();
    let declared = probe.into_dimensions().ok();
    if let Some((width, height)) = declared {
        if width > limits.max_width || height > limits.max_height {
            return Err(map_error(
                ImageError::Limits(image::error::LimitError::from_kind(image::error::LimitErrorKind::DimensionError)),
                declared,
                limits,
            ));
        }
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), ImageFormat::Png);
    let mut caps = image::Limits::default();
    caps.max_image_width = Some(limits.max_width);
    caps.max_image_height = Some(limits.max_height);
    caps.max_alloc = Some(limits.max_alloc);
    reader.limits(caps);
    let decoder = reader.into_decoder().map_err(|e| map_error(e, declared, limits))?;
    let (width, height) = decoder.dimensions();
    DynamicImage::from_decoder(decoder).map_err(|e| map_error(e, Some((width, height)), limits))
}

/// Whether a JPEG's last scan is followed by its end-of-image marker. Data
/// after the marker (phones append motion clips) is allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(last_scan) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else { return false };
    bytes[last_scan..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn map_error(e: ImageError, dims: Option<(u32, u32)>, limits: &DecodeLimits) -> EvidenceError {
    match e {
        ImageError::Limits(l) => {
            let (width, height) = dims.unwrap_or((0, 0));
            let limit =
                format!("{} x {} pixels and {} MiB ({l})", limits.max_width, limits.max_height, limits.max_alloc >> 20);
            EvidenceError::TooLarge { width, height, limit }
        }
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => EvidenceError::Truncated,
        ImageError::Unsupported(u) => EvidenceError::UnsupportedFormat { detected: u.to_string() },
        other => {
            let text = other.to_string();
            if text.contains("end of file") || text.contains("EOF") || text.contains("No more bytes") {
                EvidenceError::Truncated
            } else {
                EvidenceError::Corrupt(text)
            }
        }
    }
}

/// A decoded photo, possibly at a reduced scale.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The format.
    pub format: PhotoFormat,
    /// Width of the stored image (full scale).
    pub width: u32,
    /// Height of the stored image (full scale).
    pub height: u32,
    /// The pixels, at least `min_long_edge` on the long side when the image
    /// is that large (JPEG decodes at 1/2, 1/4 or 1/8 in the DCT domain when
    /// that suffices, which is faster and needs a quarter of the memory or less).
    pub pixels: RgbImage,
}

/// Decodes a JPEG or PNG within `limits`, for derived copies no larger than
/// `min_long_edge`. A panic inside a decoder (crafted headers have caused
/// them) is caught and reported as a damaged image.
pub fn decode_for_display(bytes: &[u8], limits: &DecodeLimits, min_long_edge: u32) -> Result<Decoded, EvidenceError> {
    if bytes.is_empty() {
        return Err(EvidenceError::Empty);
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(EvidenceError::FileTooLarge { size: bytes.len() as u64, limit: limits.max_file_bytes });
    }
    let format = sniff(bytes).ok_or_else(|| EvidenceError::UnsupportedFormat { detected: describe(bytes) })?;
    if format == PhotoFormat::Jpeg && !jpeg_is_complete(bytes) {
        // JPEG decoders fill a truncated scan with grey instead of failing;
        // half a photo must not become evidence.
        return Err(EvidenceError::Truncated);
    }
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        PhotoFormat::Jpeg => decode_jpeg_scaled(bytes, limits, min_long_edge),
        PhotoFormat::Png => decode_png(bytes, limits).map(|image| Decoded {
            format,
            width: image.width(),
            height: image.height(),
            pixels: match image {
                DynamicImage::ImageRgb8(rgb) => rgb,
                other => other.to_rgb8(),
            },
        }),
    }));
    run.unwrap_or_else(|_| Err(EvidenceError::Corrupt("the decoder failed on a malformed image".into())))
}

fn decode_jpeg_scaled(bytes: &[u8], limits: &DecodeLimits, min_long_edge: u32) -> Result<Decoded, EvidenceError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(limits.max_alloc as usize);
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder.info().ok_or_else(|| EvidenceError::Corrupt("no frame header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width == 0 || height == 0 {
        return Err(EvidenceError::Corrupt("the image has no pixels".into()));
    }
    let pixel_limit = (limits.max_alloc / 3).min(u64::from(limits.max_width) * u64::from(limits.max_height));
    if width > limits.max_width || height > limits.max_height || u64::from(width) * u64::from(height) > pixel_limit {
        let limit = format!("{} x {} pixels and {} MiB", limits.max_width, limits.max_height, limits.max_alloc >> 20);
        return Err(EvidenceError::TooLarge { width, height, limit });
    }
    // Ask for the long edge at `min_long_edge`, the short edge in proportion.
    let (rw, rh) = super::render::fit(width, height, min_long_edge);
    let (w, h) = decoder.scale(rw as u16, rh as u16).map_err(jpeg_error)?;
    let raw = decoder.decode().map_err(jpeg_error)?;
    let (w, h) = (u32::from(w), u32::from(h));
    let format = decoder.info().map(|i| i.pixel_format);
    let rgb: Vec<u8> = match format {
        Some(jpeg_decoder::PixelFormat::RGB24) => raw,
        Some(jpeg_decoder::PixelFormat::L8) => raw.iter().flat_map(|&l| [l, l, l]).collect(),
        Some(jpeg_decoder::PixelFormat::L16) => raw.chunks_exact(2).flat_map(|c| [c[0], c[0], c[0]]).collect(),
        Some(jpeg_decoder::PixelFormat::CMYK32) => raw
            .chunks_exact(4)
            .flat_map(|c| {
                // Adobe CMYK JPEGs store inverted values.
                let k = u16::from(c[3]);
                [c[0], c[1], c[2]].map(|v| (u16::from(v) * k / 255) as u8)
            })
            .collect(),
        None => return Err(EvidenceError::Corrupt("no frame header".into())),
    };
    let pixels = RgbImage::from_raw(w, h, rgb).ok_or_else(|| EvidenceError::Corrupt("pixel data is short".into()))?;
    Ok(Decoded { format: PhotoFormat::Jpeg, width, height, pixels })
}

fn jpeg_error(e: jpeg_decoder::Error) -> EvidenceError {
    match e {
        jpeg_decoder::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => EvidenceError::Truncated,
        jpeg_decoder::Error::Unsupported(u) => {
            EvidenceError::UnsupportedFormat { detected: format!("JPEG with {u:?}") }
        }
        other => EvidenceError::Corrupt(other.to_string()),
    }
}

/// A short description of an unrecognised file for the error message.
pub fn describe(bytes: &[u8]) -> String {
    if bytes.starts_with(b"GIF8") {
        "GIF".into()
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        format!("ISO media ({})", String::from_utf8_lossy(&bytes[8..12]))
    } else if bytes.starts_with(b"%PDF") {
        "PDF".into()
    } else if std::str::from_utf8(&bytes[..bytes.len().min(64)]).is_ok() {
        "text".into()
    } else {
        format!("unknown, starting {}", hex::encode(&bytes[..bytes.len().min(8)]))
    }
}
