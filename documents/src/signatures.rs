//! The signature blocks of a printed record: each signer's stroke image
//! from the frozen entry, with name, 证号 and time; a refusal as 拒绝签字 with
//! its reason, time and the two attesting officers. A record changed after
//! it was signed, or a signature that does not verify, cannot be printed as
//! signed: that is an error listing the changes.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use lianjian_core::model::signature::SignerRole;
use lianjian_core::model::{Inspection, Timestamp};
use lianjian_core::signing::canonical::canonical_record;
use lianjian_core::signing::strokes::{self, Pad};
use lianjian_core::signing::{RecordRef, SignatureCheck, SignatureStatus};

use crate::error::{Error, Result};

/// One signature line.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Line {
    /// Name as printed.
    pub name: String,
    /// 执法证号 (officers).
    pub cert: Option<String>,
    /// Path of the stroke image among the document's images, once signed.
    pub image: Option<String>,
    /// When signed, as printed (年月日 时分).
    pub at: Option<String>,
}

/// A refusal to sign, as printed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RefusalBlock {
    /// 拒签理由.
    pub reason: String,
    /// When it was recorded, as printed.
    pub at: String,
}

/// Every signature block of one record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Blocks {
    /// The enforcement officers (at least two lines; blank ones for signing by hand).
    pub officers: Vec<Line>,
    /// The enterprise's responsible person (or the interviewee), if signed.
    pub party: Option<Line>,
    /// The refusal, if the party refused.
    pub refusal: Option<RefusalBlock>,
    /// Witnesses.
    pub witnesses: Vec<Line>,
    /// Whether the record is printed as signed (any signature present).
    pub signed: bool,
}

/// A time as printed on forms: 2026年3月2日 09时30分 (China time).
pub fn print_time(t: &Timestamp) -> String {
    let local = t.0.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    local.format("%Y年%-m月%-d日 %H时%M分").to_string()
}

/// A date as printed: 2026年3月2日.
pub fn print_date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// SHA-256 (hex) of the record's canonical form: what the QR code carries.
pub fn record_hash(inspection: &Inspection, record: &RecordRef) -> Result<String> {
    Ok(hex::encode(Sha256::digest(canonical_record(inspection, record)?)))
}

/// The signature as vector strokes (SVG): drawing it as a PNG took three
/// quarters of a document's rendering time, and paper wants vectors anyway.
fn stroke_svg(strokes_text: &str) -> Result<Vec<u8>> {
    let strokes = strokes::decode(strokes_text)?;
    let (mut w, mut h) = (10.0f32, 10.0f32);
    for p in strokes.iter().flat_map(|s| s.points.iter()) {
        w = w.max(p.x + 6.0);
        h = h.max(p.y + 6.0);
    }
    Ok(strokes::render_svg(&strokes, Pad { width: w, height: h }).into_bytes())
}

/// Blocks to be signed by hand on paper: the officers' names and 证号 on
/// empty lines (the 复查意见书 and the 送达回执 are signed when they are
/// handed over, not with the record they derive from), keeping the
/// record's refusal, if any, for a 留置送达.
pub fn unsigned(inspection: &Inspection, record: &RecordRef) -> Blocks {
    let mut officers: Vec<Line> = inspection
        .team
        .values()
        .filter(|m| m.is_enforcement_officer())
        .take(2)
        .map(|m| Line { name: m.name.clone(), cert: m.certificate_no.clone(), image: None, at: None })
        .collect();
    while officers.len() < 2 {
        officers.push(Line { name: String::new(), cert: None, image: None, at: None });
    }
    let refusal = inspection
        .refusals
        .get(&record.code())
        .map(|r| RefusalBlock { reason: r.reason.clone(), at: print_time(&r.recorded_at) });
    Blocks { officers, party: None, refusal, witnesses: vec![], signed: false }
}

/// The blocks of `record`, adding the stroke images to `images`. Only
/// signatures of this record count; each must verify and still match the
/// live record.
pub fn blocks(
    inspection: &Inspection,
    checks: &[SignatureCheck],
    record: &RecordRef,
    images: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Blocks> {
    let code = record.code();
    let mine: Vec<&SignatureCheck> = checks.iter().filter(|c| c.entry.record == code).collect();
    for c in &mine {
        match &c.status {
            SignatureStatus::Valid => {}
            SignatureStatus::ChangedAfterSigning { changes } => {
                return Err(Error::ChangedAfterSigning {
                    record: record.label().into(),
                    changes: changes.iter().map(|c| c.description.clone()).collect(),
                })
            }
            SignatureStatus::Invalid { reason } => {
                return Err(Error::InvalidSignature { record: record.label().into(), reason: reason.clone() })
            }
        }
    }
    if mine.is_empty() {
        // Unsigned: the officers' names and 证号 printed, lines left to sign by hand.
        return Ok(unsigned(inspection, record));
    }
    let mut line_of = |c: &SignatureCheck| -> Result<Line> {
        let path = format!("/signatures/{}.svg", c.entry.id);
        images.insert(path.clone(), stroke_svg(&c.entry.strokes)?);
        let cert = c
            .entry
            .signer
            .person
            .and_then(|p| inspection.team.get(&p.to_string()))
            .and_then(|m| m.certificate_no.clone());
        Ok(Line {
            name: c.entry.signer.name.clone(),
            cert,
            image: Some(path),
            at: Some(print_time(&c.entry.signed_at)),
        })
    };
    let mut officers = Vec::new();
    let mut party = None;
    let mut witnesses = Vec::new();
    for c in &mine {
        match c.entry.signer.role {
            SignerRole::Inspector => officers.push(line_of(c)?),
            SignerRole::ResponsiblePerson | SignerRole::Interviewee => party = Some(line_of(c)?),
            SignerRole::Witness => witnesses.push(line_of(c)?),
        }
    }
    while officers.len() < 2 {
        officers.push(Line { name: String::new(), cert: None, image: None, at: None });
    }
    Ok(Blocks { officers, party, witnesses, signed: true, ..unsigned(inspection, record) })
}
