//! 现场处理措施决定书 (现决): the hazards that called for a measure on the
//! spot (安全生产法 第六十五条), and the measures decided, each tied to its
//! hazard; the legal basis is the template's to word.

use serde_json::{json, Value};

use lianjian_core::model::Inspection;
use lianjian_core::signing::RecordRef;

use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::signatures::{print_date, Blocks};

/// The record whose signatures it carries.
pub const RECORD: RecordRef = RecordRef::Findings;

/// Fills the decision; an inspection without an immediate measure has none.
pub fn build(
    inspection: &Inspection,
    number: &str,
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Result<Value> {
    let mut findings: Vec<_> = inspection.findings.values().filter(|f| f.immediate_measure.is_some()).collect();
    if findings.is_empty() {
        return Err(Error::Incomplete {
            form: FormKind::OnSiteDecision.title().into(),
            reason: "没有采取现场处理措施的隐患".into(),
        });
    }
    findings.sort_by_key(|f| (f.found_at, f.id.to_string()));
    let problems: Vec<String> = findings.iter().map(|f| format!("{}（{}）", f.description, f.location)).collect();
    let measures: Vec<String> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let m = f.immediate_measure.as_ref().expect("filtered").label();
            format!("对第{}项，{}", i + 1, m)
        })
        .collect();
    Ok(json!({
        "number": number,
        "enterprise": inspection.enterprise_name,
        "visited": inspection.started_at.map(|t| print_date(lianjian_core::model::time::local_date(&t.0))).unwrap_or_default(),
        "problems": problems,
        "measures": measures,
        "date": print_date(date),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    }))
}
