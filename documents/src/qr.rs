//! The small QR code every document carries: the canonical hash of the
//! record it prints, so a paper copy can be checked against the stored
//! record (`verify_printed`).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// What the code holds for a record hash.
pub fn payload(record_hash: &str) -> String {
    format!("lianjian:record:{record_hash}")
}

/// The QR code of `record_hash` as SVG (dark modules on white).
pub fn svg(record_hash: &str) -> Vec<u8> {
    let code = QrCode::with_error_correction_level(payload(record_hash).as_bytes(), EcLevel::M)
        .expect("a 90-byte payload fits a QR code");
    code.render::<svg::Color>().min_dimensions(120, 120).quiet_zone(true).build().into_bytes()
}
