//! The photo pipeline as one pure function: original bytes in; hash, EXIF,
//! watermarked display copy, thumbnail and perceptual hash out. No I/O, so
//! the store, the benchmark and the tests run exactly the same code.

use image::DynamicImage;
use sha2::{Digest, Sha256};

use super::decode::{decode_for_display, DecodeLimits, Decoded, PhotoFormat};
use super::error::EvidenceError;
use super::exif::{read_exif, PhotoExif};
use super::phash::perceptual_hash;
use super::render::{encode_jpeg, orient, shrink};
use super::watermark::{burn, WatermarkFont, WatermarkText};
use crate::model::Timestamp;

/// Long edge of the display copy, in pixels.
pub const DISPLAY_EDGE: u32 = 1600;
/// Long edge of the thumbnail, in pixels.
pub const THUMBNAIL_EDGE: u32 = 320;

/// What the watermark needs besides the photo's own EXIF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatermarkContext {
    /// The enterprise's address (the place line).
    pub address: String,
    /// Enterprise name.
    pub enterprise: String,
    /// Inspector's name.
    pub inspector: String,
    /// Shown when the camera recorded no time: the time of ingest.
    pub fallback_time: Timestamp,
}

/// The settings of the photo pipeline; build once, reuse for every photo.
#[derive(Debug)]
pub struct PhotoPipeline {
    /// Decoder caps.
    pub limits: DecodeLimits,
    /// The watermark font.
    pub font: WatermarkFont,
    /// JPEG quality of the derived copies.
    pub quality: u8,
}

/// A processed photo, ready to be stored.
#[derive(Clone, Debug)]
pub struct ProcessedPhoto {
    /// SHA-256 (hex) of the untouched original.
    pub sha256: String,
    /// Its format.
    pub format: PhotoFormat,
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// Camera facts.
    pub exif: PhotoExif,
    /// The upright, watermarked display copy (JPEG).
    pub display_jpeg: Vec<u8>,
    /// The upright thumbnail (JPEG, no watermark: too small to read).
    pub thumbnail_jpeg: Vec<u8>,
    /// Perceptual hash of the picture.
    pub phash: String,
}

impl PhotoPipeline {
    /// A pipeline with default limits and quality 85.
    pub fn new(font: WatermarkFont) -> Self {
        PhotoPipeline { limits: DecodeLimits::default(), font, quality: 85 }
    }

    /// Runs the pipeline on a photo's bytes.
    pub fn process(&self, original: &[u8], context: &WatermarkContext) -> Result<ProcessedPhoto, EvidenceError> {
        let Decoded { format, width, height, pixels } = decode_for_display(original, &self.limits, DISPLAY_EDGE)?;
        let sha256 = hex::encode(Sha256::digest(original));
        let exif = read_exif(original);
        let display = orient(shrink(&pixels, DISPLAY_EDGE)?, exif.orientation);
        drop(pixels);
        let thumbnail = shrink(&display, THUMBNAIL_EDGE)?;
        let phash = perceptual_hash(&DynamicImage::ImageRgb8(thumbnail.clone()));
        let mut display = display;
        burn(&mut display, &self.font, &watermark_text(&exif, context));
        Ok(ProcessedPhoto {
            sha256,
            format,
            width,
            height,
            display_jpeg: encode_jpeg(&display, self.quality)?,
            thumbnail_jpeg: encode_jpeg(&thumbnail, self.quality)?,
            exif,
            phash,
        })
    }
}

/// The watermark's lines for a photo.
pub fn watermark_text(exif: &PhotoExif, context: &WatermarkContext) -> WatermarkText {
    let time = exif.captured_at.unwrap_or(context.fallback_time);
    let place = match exif.gps {
        Some(g) => format!(
            "{}（{:.5}°{} {:.5}°{}）",
            context.address,
            g.lat.abs(),
            if g.lat >= 0.0 { "N" } else { "S" },
            g.lon.abs(),
            if g.lon >= 0.0 { "E" } else { "W" }
        ),
        None => context.address.clone(),
    };
    WatermarkText {
        time: time.0.format("%Y-%m-%d %H:%M:%S").to_string(),
        place,
        enterprise: context.enterprise.clone(),
        inspector: context.inspector.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evidence::phash::distance;

    /// The CJK font the tests burn watermarks with (installed by `scripts/setup`).
    pub(crate) fn test_font() -> WatermarkFont {
        let path = std::env::var("LIANJIAN_CJK_FONT")
            .unwrap_or_else(|_| "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc".into());
        WatermarkFont::load(std::path::Path::new(&path), 2)
            .unwrap_or_else(|e| panic!("{e}: run scripts/setup (installs fonts-noto-cjk) or set LIANJIAN_CJK_FONT"))
    }

    pub(crate) fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../fixtures/photos/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn context() -> WatermarkContext {
        WatermarkContext {
            address: "湖北省咸宁市咸安区温泉街道发展大道16号".into(),
            enterprise: "咸宁市鑫源化工有限公司".into(),
            inspector: "张伟".into(),
            fallback_time: Timestamp::parse("2026-03-18T11:00:00+08:00").unwrap(),
        }
    }

    #[test]
    fn a_camera_photo_becomes_upright_watermarked_copies() {
        let pipeline = PhotoPipeline::new(test_font());
        let original = fixture("site-12mp.jpg");
        let out = pipeline.process(&original, &context()).unwrap();
        assert_eq!(out.sha256, hex::encode(Sha256::digest(&original)));
        assert_eq!((out.width, out.height, out.format), (4032, 3024, PhotoFormat::Jpeg));
        let display = image::load_from_memory(&out.display_jpeg).unwrap();
        // Orientation 6: stored landscape, shown portrait.
        assert_eq!((display.width(), display.height()), (1200, 1600));
        let thumb = image::load_from_memory(&out.thumbnail_jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (240, 320));
        // The watermark band: the bottom of the display copy is darkened with
        // bright glyphs on it; the top is the untouched picture.
        let rgb = display.to_rgb8();
        let bright = |y0: u32, y1: u32| {
            (y0..y1)
                .flat_map(|y| (0..1200).map(move |x| (x, y)))
                .filter(|&(x, y)| rgb.get_pixel(x, y).0[0] > 230)
                .count()
        };
        let dark = |y0: u32, y1: u32| {
            (y0..y1)
                .flat_map(|y| (0..1200).map(move |x| (x, y)))
                .filter(|&(x, y)| rgb.get_pixel(x, y).0[0] < 110)
                .count()
        };
        assert!(dark(1500, 1600) > 60_000, "no watermark band");
        assert!(bright(1450, 1600) > 2_000, "no watermark text");
        assert!(dark(0, 100) < 1_000, "top of the picture was darkened");
    }

    #[test]
    fn the_watermark_names_time_place_enterprise_and_inspector() {
        let exif = crate::evidence::exif::read_exif(&fixture("site-12mp.jpg"));
        let lines = watermark_text(&exif, &context()).lines();
        assert_eq!(lines[0], "时间：2026-03-18 10:42:17");
        assert_eq!(lines[1], "地点：湖北省咸宁市咸安区温泉街道发展大道16号（29.86190°N 114.29710°E）");
        assert_eq!(lines[2], "企业：咸宁市鑫源化工有限公司");
        assert_eq!(lines[3], "检查人员：张伟");
        let none = watermark_text(&Default::default(), &context()).lines();
        assert_eq!(none[0], "时间：2026-03-18 11:00:00");
    }

    #[test]
    fn png_without_exif_is_accepted() {
        let out = PhotoPipeline::new(test_font()).process(&fixture("plain.png"), &context()).unwrap();
        assert_eq!((out.width, out.height, out.format), (800, 600, PhotoFormat::Png));
        assert_eq!(out.exif.orientation, None);
    }

    #[test]
    fn the_same_scene_hashes_near_and_another_scene_far() {
        let pipeline = PhotoPipeline::new(test_font());
        let a = pipeline.process(&fixture("site-12mp.jpg"), &context()).unwrap().phash;
        let again = pipeline.process(&fixture("site-again.jpg"), &context()).unwrap().phash;
        let other = pipeline.process(&fixture("other-scene.jpg"), &context()).unwrap().phash;
        let near = distance(&a, &again).unwrap();
        let far = distance(&a, &other).unwrap();
        assert!(near <= crate::evidence::phash::NEAR_DUPLICATE_BITS, "same scene at distance {near}");
        assert!(far > crate::evidence::phash::NEAR_DUPLICATE_BITS + 8, "other scene at distance {far}");
    }

    #[test]
    fn hostile_files_are_refused_with_a_clear_error() {
        use crate::evidence::EvidenceError as E;
        let pipeline = PhotoPipeline::new(test_font());
        type Expect = fn(&E) -> bool;
        let cases: &[(&str, Expect)] = &[
            ("bad/bomb-50000.png", |e| matches!(e, E::TooLarge { width: 50000, height: 50000, .. })),
            ("bad/bomb-50000.jpg", |e| matches!(e, E::TooLarge { .. })),
            ("bad/crafted-30.png", |e| matches!(e, E::Corrupt(_) | E::Truncated)),
            ("bad/not-an-image.jpg", |e| matches!(e, E::UnsupportedFormat { .. })),
            ("bad/truncated.jpg", |e| matches!(e, E::Truncated)),
            ("bad/animated.gif", |e| matches!(e, E::UnsupportedFormat { .. })),
        ];
        for (name, expected) in cases {
            let err = pipeline.process(&fixture(name), &context()).unwrap_err();
            assert!(expected(&err), "{name}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
        assert_eq!(pipeline.process(&[], &context()).unwrap_err(), E::Empty);
        let png = fixture("plain.png");
        assert!(matches!(pipeline.process(&png[..png.len() / 2], &context()), Err(E::Truncated | E::Corrupt(_))));
    }
}
