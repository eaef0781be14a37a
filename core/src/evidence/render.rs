//! The derived copies of a photo: a display copy (about 1600 px on the long
//! edge, upright, watermarked) and a thumbnail (about 320 px). Orientation is
//! applied after shrinking, where rotating costs a twentieth of what it would
//! on the original; the original file itself is never re-encoded.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};

use super::error::EvidenceError;

/// The size that fits `(width, height)` within `long_edge` on its longer
/// side, keeping the aspect ratio; images already small enough keep their size.
pub fn fit(width: u32, height: u32, long_edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_edge {
        return (width.max(1), height.max(1));
    }
    let scale = long_edge as f64 / long as f64;
    (((width as f64 * scale).round() as u32).max(1), ((height as f64 * scale).round() as u32).max(1))
}

/// Shrinks an RGB image to fit `long_edge` (a convolution filter, so fine
/// detail averages instead of aliasing).
pub fn shrink(src: &RgbImage, long_edge: u32) -> Result<RgbImage, EvidenceError> {
    let (w, h) = fit(src.width(), src.height(), long_edge);
    if (w, h) == src.dimensions() {
        return Ok(src.clone());
    }
    let mut dst = DynamicImage::new_rgb8(w, h);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    Resizer::new().resize(src, &mut dst, &options).map_err(|e| EvidenceError::Corrupt(format!("resize: {e}")))?;
    Ok(dst.into_rgb8())
}

/// Turns the image upright according to its EXIF orientation (1-8).
pub fn orient(image: RgbImage, exif_orientation: Option<u8>) -> RgbImage {
    let Some(orientation) = exif_orientation.and_then(Orientation::from_exif) else { return image };
    match orientation {
        // Phones held upright (6) or upside-down-landscape (8): the common
        // case, done as a blocked transpose (the generic per-pixel rotation
        // costs as much as the whole resize).
        Orientation::Rotate90 => rotate_quarter(&image, true),
        Orientation::Rotate270 => rotate_quarter(&image, false),
        other => {
            let mut dynamic = DynamicImage::ImageRgb8(image);
            dynamic.apply_orientation(other);
            dynamic.into_rgb8()
        }
    }
}

/// Rotates an RGB image a quarter turn (clockwise or not), in 32 x 32
/// blocks so reads and writes both stay in cache.
fn rotate_quarter(src: &RgbImage, clockwise: bool) -> RgbImage {
    const B: u32 = 32;
    let (w, h) = src.dimensions();
    let mut dst = RgbImage::new(h, w);
    let (s, d) = (src.as_raw(), &mut *dst);
    for by in (0..h).step_by(B as usize) {
        for bx in (0..w).step_by(B as usize) {
            for y in by..(by + B).min(h) {
                for x in bx..(bx + B).min(w) {
                    // Clockwise: (x, y) -> (h - 1 - y, x); counter: (y, w - 1 - x).
                    let (nx, ny) = if clockwise { (h - 1 - y, x) } else { (y, w - 1 - x) };
                    let from = ((y * w + x) * 3) as usize;
                    let to = ((ny * h + nx) * 3) as usize;
                    d[to..to + 3].copy_from_slice(&s[from..from + 3]);
                }
            }
        }
    }
    dst
}

/// Encodes a derived copy as JPEG (SIMD encoder, 4:2:0).
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Result<Vec<u8>, EvidenceError> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    let (w, h) = image.dimensions();
    let (w, h) = (u16::try_from(w), u16::try_from(h));
    let (Ok(w), Ok(h)) = (w, h) else { return Err(EvidenceError::Corrupt("derived copy too large to encode".into())) };
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| EvidenceError::Corrupt(format!("encode: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_never_enlarges() {
        assert_eq!(fit(4032, 3024, 1600), (1600, 1200));
        assert_eq!(fit(3024, 4032, 320), (240, 320));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(10_000, 1, 320), (320, 1));
    }

    #[test]
    fn quarter_turns_match_the_image_crate() {
        let img = RgbImage::from_fn(37, 70, |x, y| image::Rgb([x as u8, y as u8, (x * y) as u8]));
        for (exif, op) in [(6u8, Orientation::Rotate90), (8, Orientation::Rotate270)] {
            let mut reference = DynamicImage::ImageRgb8(img.clone());
            reference.apply_orientation(op);
            assert_eq!(orient(img.clone(), Some(exif)), reference.into_rgb8(), "orientation {exif}");
        }
    }

    #[test]
    fn orientation_six_turns_landscape_pixels_upright() {
        let mut img = RgbImage::new(4, 2);
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let upright = orient(img, Some(6));
        assert_eq!(upright.dimensions(), (2, 4));
        // Rotated 90° clockwise: the top-left pixel moves to the top-right.
        assert_eq!(upright.get_pixel(1, 0), &image::Rgb([255, 0, 0]));
    }
}
