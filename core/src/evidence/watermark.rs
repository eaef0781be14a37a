//! The watermark burned into the display copy: time, place, enterprise and
//! inspector, in Chinese, so a printed or forwarded photo still says where it
//! belongs. The caller passes the font (a CJK font file: phones have one, the
//! tests use Debian's Noto Sans CJK); the core ships none.

use std::path::Path;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use image::RgbImage;

use super::error::EvidenceError;

/// A loaded font for watermarks. Load once and reuse: CJK fonts are large.
pub struct WatermarkFont {
    font: FontVec,
}

impl std::fmt::Debug for WatermarkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatermarkFont").finish_non_exhaustive()
    }
}

impl WatermarkFont {
    /// Loads face `index` of a TrueType/OpenType file or collection (in
    /// Noto Sans CJK's `.ttc`, face 2 is Simplified Chinese).
    pub fn load(path: &Path, index: u32) -> Result<Self, EvidenceError> {
        let bytes = std::fs::read(path).map_err(|e| EvidenceError::Font(format!("{}: {e}", path.display())))?;
        Self::from_bytes(bytes, index)
    }

    /// From font bytes already in memory.
    pub fn from_bytes(bytes: Vec<u8>, index: u32) -> Result<Self, EvidenceError> {
        let font = FontVec::try_from_vec_and_index(bytes, index).map_err(|e| EvidenceError::Font(e.to_string()))?;
        if font.glyph_id('检').0 == 0 {
            return Err(EvidenceError::Font("the font has no Chinese characters".into()));
        }
        Ok(WatermarkFont { font })
    }
}

/// What the watermark says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatermarkText {
    /// 时间: capture time (or time of ingest when the camera gave none).
    pub time: String,
    /// 地点: address, with coordinates when known.
    pub place: String,
    /// 企业: enterprise name.
    pub enterprise: String,
    /// 检查人员: the inspector who took it.
    pub inspector: String,
}

impl WatermarkText {
    /// The printed lines.
    pub fn lines(&self) -> [String; 4] {
        [
            format!("时间：{}", self.time),
            format!("地点：{}", self.place),
            format!("企业：{}", self.enterprise),
            format!("检查人员：{}", self.inspector),
        ]
    }
}

/// Burns `text` into the bottom of `image` over a darkened band. Lines too
/// long for the width wrap; the band grows to fit them.
pub fn burn(image: &mut RgbImage, font: &WatermarkFont, text: &WatermarkText) {
    let (width, height) = image.dimensions();
    let px = (width.min(height) as f32 * 0.032).clamp(10.0, 64.0);
    let scaled = font.font.as_scaled(PxScale::from(px));
    let margin = px * 0.6;
    let line_height = scaled.height() + scaled.line_gap() + px * 0.15;
    let max_x = width as f32 - margin;
    // Lay out first (wrapping), then draw the band, then the glyphs.
    let mut rows: Vec<Vec<(ab_glyph::GlyphId, f32)>> = Vec::new();
    for line in text.lines() {
        let mut row = Vec::new();
        let mut x = margin;
        for c in line.chars() {
            let id = scaled.glyph_id(c);
            let advance = scaled.h_advance(id);
            if x + advance > max_x && !row.is_empty() {
                rows.push(std::mem::take(&mut row));
                x = margin + px;
            }
            row.push((id, x));
            x += advance;
        }
        rows.push(row);
    }
    let band = (rows.len() as f32 * line_height + margin * 1.5).min(height as f32) as u32;
    let top = height - band;
    for y in top..height {
        for x in 0..width {
            let p = image.get_pixel_mut(x, y);
            for c in p.0.iter_mut() {
                *c = (*c as u16 * 2 / 5) as u8;
            }
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let baseline = top as f32 + margin * 0.75 + scaled.ascent() + i as f32 * line_height;
        for &(id, x) in row {
            let glyph = id.with_scale_and_position(px, ab_glyph::point(x, baseline));
            let Some(outline) = font.font.outline_glyph(glyph) else { continue };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let (x, y) = (bounds.min.x as i64 + gx as i64, bounds.min.y as i64 + gy as i64);
                if x < 0 || y < 0 || x >= width as i64 || y >= height as i64 {
                    return;
                }
                let p = image.get_pixel_mut(x as u32, y as u32);
                let a = coverage.clamp(0.0, 1.0);
                for c in p.0.iter_mut() {
                    *c = (*c as f32 * (1.0 - a) + 255.0 * a) as u8;
                }
            });
        }
    }
}
