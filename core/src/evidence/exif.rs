//! What the camera wrote about a photo: orientation, capture time, place and
//! device. EXIF is optional and often wrong; a photo without it is still
//! evidence (the missing facts are flagged, see `flags`), so damaged EXIF is
//! read as "unknown", never as an error.

use std::io::Cursor;

use chrono::{FixedOffset, NaiveDate, TimeZone};
use exif::{In, Reader, Tag, Value};

use crate::model::time::china_offset;
use crate::model::{Coordinates, Timestamp};

/// The facts read from a photo's EXIF.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhotoExif {
    /// EXIF orientation 1-8 (1: as stored); `None` when absent or invalid.
    pub orientation: Option<u8>,
    /// When the picture was taken (DateTimeOriginal with its offset; phones
    /// that omit the offset are taken to be on China Standard Time).
    pub captured_at: Option<Timestamp>,
    /// Where (WGS-84 as the phone's GPS reports it).
    pub gps: Option<Coordinates>,
    /// Camera make and model, e.g. "Xiaomi Redmi Note 12 Pro".
    pub device: Option<String>,
}

/// Reads the EXIF of a JPEG or PNG; missing or damaged EXIF gives defaults.
pub fn read_exif(bytes: &[u8]) -> PhotoExif {
    // Phone EXIF is often slightly malformed (odd IFD links, bad counts):
    // keep every field that parsed instead of discarding the lot.
    let exif = match Reader::new().continue_on_error(true).read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(exif::Error::PartialResult(partial)) => partial.into_inner().0,
        Err(_) => return PhotoExif::default(),
    };
    let field = |tag| exif.get_field(tag, In::PRIMARY);
    let ascii = |tag| -> Option<String> {
        match &field(tag)?.value {
            Value::Ascii(parts) => {
                let text = String::from_utf8_lossy(parts.first()?).trim().trim_matches('\0').to_string();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    };
    let orientation =
        field(Tag::Orientation).and_then(|f| f.value.get_uint(0)).filter(|o| (1..=8).contains(o)).map(|o| o as u8);
    let captured_at = ascii(Tag::DateTimeOriginal)
        .or_else(|| ascii(Tag::DateTime))
        .and_then(|t| capture_time(&t, ascii(Tag::OffsetTimeOriginal).or_else(|| ascii(Tag::OffsetTime))));
    let gps = match (
        coordinate(field(Tag::GPSLatitude).map(|f| &f.value), ascii(Tag::GPSLatitudeRef)),
        coordinate(field(Tag::GPSLongitude).map(|f| &f.value), ascii(Tag::GPSLongitudeRef)),
    ) {
        (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 && (lat, lon) != (0.0, 0.0) => {
            Some(Coordinates { lat, lon })
        }
        _ => None,
    };
    let device = match (ascii(Tag::Make), ascii(Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    PhotoExif { orientation, captured_at, gps, device }
}

fn capture_time(text: &str, offset: Option<String>) -> Option<Timestamp> {
    let dt = exif::DateTime::from_ascii(text.as_bytes()).ok()?;
    let date = NaiveDate::from_ymd_opt(dt.year.into(), dt.month.into(), dt.day.into())?;
    let naive = date.and_hms_opt(dt.hour.into(), dt.minute.into(), dt.second.into())?;
    let offset = offset.and_then(|o| parse_offset(&o)).unwrap_or_else(china_offset);
    offset.from_local_datetime(&naive).single().map(Timestamp)
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    FixedOffset::east_opt(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
}

fn coordinate(value: Option<&Value>, reference: Option<String>) -> Option<f64> {
    let Value::Rational(parts) = value? else { return None };
    if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    let degrees = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
    match reference.as_deref() {
        Some("S") | Some("W") => Some(-degrees),
        _ => Some(degrees),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fixture_camera_exif() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/photos/site-12mp.jpg")).unwrap();
        let exif = read_exif(&bytes);
        assert_eq!(exif.orientation, Some(6));
        assert_eq!(exif.captured_at.unwrap().to_string(), "2026-03-18T10:42:17+08:00");
        let gps = exif.gps.unwrap();
        assert!((gps.lat - 29.8619).abs() < 1e-4 && (gps.lon - 114.2971).abs() < 1e-4, "{gps:?}");
        assert_eq!(exif.device.as_deref(), Some("Xiaomi Redmi Note 12 Pro"));
    }

    #[test]
    fn no_exif_is_unknown_not_an_error() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/photos/plain.png")).unwrap();
        assert_eq!(read_exif(&bytes), PhotoExif::default());
        assert_eq!(read_exif(b"\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00garbage"), PhotoExif::default());
    }

    #[test]
    fn offsets_parse() {
        assert_eq!(parse_offset("+08:00"), FixedOffset::east_opt(8 * 3600));
        assert_eq!(parse_offset("-03:30"), FixedOffset::east_opt(-(3 * 3600 + 1800)));
        assert_eq!(parse_offset("08:00"), None);
    }
}
