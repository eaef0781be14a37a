//! Handwriting as captured by the shells' signature pads: strokes of points
//! with time and pressure. The core keeps the points (they show how the
//! signature was written, which a picture alone cannot) and draws the PNG
//! itself, so a signature looks the same on Android, iOS and paper.

use serde::{Deserialize, Serialize};
use tiny_skia::{LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke as SkStroke, Transform};

use crate::error::{Error, Result};

/// One sampled point of a stroke.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StrokePoint {
    /// Horizontal position on the pad, in pad units (points).
    pub x: f32,
    /// Vertical position, downwards.
    pub y: f32,
    /// Milliseconds since the first point of the signature.
    pub t: u32,
    /// Pen pressure 0-1 (1.0 where the device cannot sense it).
    pub pressure: f32,
}

/// One continuous pen movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    /// The points, in order.
    pub points: Vec<StrokePoint>,
}

/// The pad's size in the same units as the points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pad {
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// Most points a signature may have (a long name written slowly at 120 Hz
/// stays far below).
pub const MAX_POINTS: usize = 20_000;

/// Checks that strokes are a plausible handwritten signature on `pad`: at
/// least one stroke with real movement, finite coordinates on the pad, time
/// not running backwards, pressure within 0-1.
pub fn validate(strokes: &[Stroke], pad: Pad) -> Result<()> {
    if !(pad.width.is_finite() && pad.height.is_finite() && pad.width >= 10.0 && pad.height >= 10.0) {
        return Err(Error::validation("pad", "the signature pad size is invalid"));
    }
    let total: usize = strokes.iter().map(|s| s.points.len()).sum();
    if total == 0 {
        return Err(Error::validation("strokes", "签名为空：请手写签名"));
    }
    if total > MAX_POINTS {
        return Err(Error::validation("strokes", format!("too many points ({total} > {MAX_POINTS})")));
    }
    let mut last_t = 0;
    let mut ink = 0.0f32;
    for stroke in strokes {
        for (i, p) in stroke.points.iter().enumerate() {
            if !(p.x.is_finite() && p.y.is_finite() && p.pressure.is_finite()) {
                return Err(Error::validation("strokes", "a point is not a number"));
            }
            if p.x < 0.0 || p.y < 0.0 || p.x > pad.width || p.y > pad.height {
                return Err(Error::validation("strokes", "a point lies outside the pad"));
            }
            if !(0.0..=1.0).contains(&p.pressure) {
                return Err(Error::validation("strokes", "pressure must be between 0 and 1"));
            }
            if p.t < last_t {
                return Err(Error::validation("strokes", "point times must not go backwards"));
            }
            last_t = p.t;
            if i > 0 {
                let q = stroke.points[i - 1];
                ink += ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
            }
        }
    }
    // A tap or a dot is not a signature.
    if ink < pad.width.min(pad.height) * 0.1 {
        return Err(Error::validation("strokes", "签名过短：请完整手写签名"));
    }
    Ok(())
}

/// The strokes as stored and signed: JSON with coordinates in tenths of a
/// unit and pressure in thousandths, all integers, so the bytes are the same
/// on every platform.
pub fn encode(strokes: &[Stroke]) -> String {
    let rounded: Vec<Vec<[i64; 4]>> = strokes
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|p| {
                    [
                        (p.x * 10.0).round() as i64,
                        (p.y * 10.0).round() as i64,
                        i64::from(p.t),
                        (p.pressure * 1000.0).round() as i64,
                    ]
                })
                .collect()
        })
        .collect();
    serde_json::to_string(&rounded).expect("integers serialize")
}

/// Reads strokes back from [`encode`]'s form.
pub fn decode(text: &str) -> Result<Vec<Stroke>> {
    let raw: Vec<Vec<[i64; 4]>> =
        serde_json::from_str(text).map_err(|e| Error::validation("strokes", format!("malformed strokes: {e}")))?;
    Ok(raw
        .into_iter()
        .map(|s| Stroke {
            points: s
                .into_iter()
                .map(|[x, y, t, p]| StrokePoint {
                    x: x as f32 / 10.0,
                    y: y as f32 / 10.0,
                    t: t.clamp(0, u32::MAX as i64) as u32,
                    pressure: p as f32 / 1000.0,
                })
                .collect(),
        })
        .collect())
}

/// Draws the signature as a PNG `scale` pixels per pad unit: black ink on
/// transparent, line width following pressure.
pub fn render_png(strokes: &[Stroke], pad: Pad, scale: f32) -> Result<Vec<u8>> {
    let (w, h) = ((pad.width * scale).ceil() as u32, (pad.height * scale).ceil() as u32);
    let mut pixmap = Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| Error::validation("pad", "pad too large"))?;
    let mut paint = Paint::default();
    paint.set_color_rgba8(0x10, 0x10, 0x20, 0xFF);
    paint.anti_alias = true;
    let base = 2.2 * scale;
    let transform = Transform::from_scale(scale, scale);
    for stroke in strokes {
        match stroke.points.as_slice() {
            [] => {}
            [p] => {
                if let Some(dot) = PathBuilder::from_circle(p.x, p.y, base / scale * 0.5) {
                    pixmap.fill_path(&dot, &paint, tiny_skia::FillRule::Winding, transform, None);
                }
            }
            points => {
                // One segment per pair of points so the width can follow pressure.
                for pair in points.windows(2) {
                    let mut pb = PathBuilder::new();
                    pb.move_to(pair[0].x, pair[0].y);
                    pb.line_to(pair[1].x, pair[1].y);
                    let Some(path) = pb.finish() else { continue };
                    let pressure = (pair[0].pressure + pair[1].pressure) / 2.0;
                    let sk = SkStroke {
                        width: base / scale * (0.45 + pressure),
                        line_cap: LineCap::Round,
                        line_join: LineJoin::Round,
                        ..SkStroke::default()
                    };
                    pixmap.stroke_path(&path, &paint, &sk, transform, None);
                }
            }
        }
    }
    pixmap.encode_png().map_err(|e| Error::validation("strokes", format!("cannot encode the signature: {e}")))
}

/// Draws the signature as SVG in pad units, with the geometry of
/// [`render_png`] (the same ink, line widths and round caps): what a printed
/// document embeds, as vector strokes that stay sharp on paper at any size
/// and cost nothing to rasterize.
pub fn render_svg(strokes: &[Stroke], pad: Pad) -> String {
    use std::fmt::Write;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><g fill="#101020" stroke="#101020" stroke-linecap="round" stroke-linejoin="round">"##,
        w = pad.width.max(1.0),
        h = pad.height.max(1.0)
    );
    const BASE: f32 = 2.2;
    for stroke in strokes {
        match stroke.points.as_slice() {
            [] => {}
            [p] => {
                let _ = write!(svg, r#"<circle cx="{}" cy="{}" r="{}" stroke="none"/>"#, p.x, p.y, BASE * 0.5);
            }
            points => {
                for pair in points.windows(2) {
                    let pressure = (pair[0].pressure + pair[1].pressure) / 2.0;
                    let _ = write!(
                        svg,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{:.2}"/>"#,
                        pair[0].x,
                        pair[0].y,
                        pair[1].x,
                        pair[1].y,
                        BASE * (0.45 + pressure)
                    );
                }
            }
        }
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const PAD: Pad = Pad { width: 400.0, height: 160.0 };

    /// A signature-like scribble: two strokes of a few dozen points.
    pub(crate) fn scribble(seed: u32) -> Vec<Stroke> {
        let stroke = |offset: f32, t0: u32| Stroke {
            points: (0..40)
                .map(|i| {
                    let x = 40.0 + offset + i as f32 * 6.0;
                    let y = 80.0 + ((i as f32 + seed as f32) * 0.7).sin() * 40.0;
                    StrokePoint { x, y, t: t0 + i * 8, pressure: 0.3 + (i % 5) as f32 * 0.1 }
                })
                .collect(),
        };
        vec![stroke(0.0, 0), stroke(20.0, 500)]
    }

    #[test]
    fn a_scribble_is_a_signature_and_renders() {
        validate(&scribble(1), PAD).unwrap();
        let png = render_png(&scribble(1), PAD, 2.0).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.dimensions(), (800, 320));
        let inked = img.pixels().filter(|p| p.0[3] > 128).count();
        assert!(inked > 2_000, "{inked} inked pixels");
        // The vector twin: one line per pair of points, in pad units.
        let svg = render_svg(&scribble(1), PAD);
        assert!(svg.starts_with("<svg") && svg.contains(r#"viewBox="0 0 400 160""#), "{svg}");
        assert_eq!(svg.matches("<line ").count(), 2 * 39);
        // Same strokes, same bytes: both platforms draw the same PNG.
        assert_eq!(png, render_png(&scribble(1), PAD, 2.0).unwrap());
    }

    #[test]
    fn encode_round_trips_at_stored_precision() {
        let s = scribble(3);
        let back = decode(&encode(&s)).unwrap();
        assert_eq!(encode(&back), encode(&s));
        assert!((back[0].points[5].x - s[0].points[5].x).abs() <= 0.05);
    }

    #[test]
    fn taps_empty_pads_and_garbage_are_refused() {
        assert!(validate(&[], PAD).is_err());
        let tap = vec![Stroke { points: vec![StrokePoint { x: 10.0, y: 10.0, t: 0, pressure: 0.5 }] }];
        assert!(validate(&tap, PAD).is_err());
        let mut off = scribble(1);
        off[0].points[3].x = 900.0;
        assert!(validate(&off, PAD).is_err());
        let mut nan = scribble(1);
        nan[1].points[0].y = f32::NAN;
        assert!(validate(&nan, PAD).is_err());
        let mut back = scribble(1);
        back[1].points[0].t = 1;
        assert!(validate(&back, PAD).is_err());
        assert!(decode("[[1,2]]").is_err());
    }
}
