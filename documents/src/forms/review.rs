//! 整改复查意见书 (复查): links back to the originating document's number and
//! date, and lists each hazard as 已整改合格 or 未整改合格 from where it stands
//! in the closed loop.

use serde_json::{json, Value};

use lianjian_core::model::{FindingStatus, Inspection};
use lianjian_core::signing::RecordRef;

use crate::signatures::{print_date, Blocks};

/// The record it prints: the 复查 of `date`, signed then by the enterprise
/// and two officers (or refused); unsigned, it prints lines to sign by hand.
pub fn record(date: chrono::NaiveDate) -> RecordRef {
    RecordRef::Reinspection(date)
}

/// Fills the opinion.
pub fn build(
    inspection: &Inspection,
    number: &str,
    origin: (&str, chrono::NaiveDate),
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Value {
    let mut findings: Vec<_> = inspection.findings.values().collect();
    findings.sort_by_key(|f| (f.found_at, f.id.to_string()));
    let line = |f: &&lianjian_core::model::Finding| format!("{}（{}）", f.description, f.location);
    let passed: Vec<String> = findings.iter().filter(|f| f.status == FindingStatus::Closed).map(line).collect();
    let failed: Vec<String> = findings.iter().filter(|f| f.status != FindingStatus::Closed).map(line).collect();
    json!({
        "number": number,
        "enterprise": inspection.enterprise_name,
        "origin_number": origin.0,
        "origin_date": print_date(origin.1),
        "passed": passed,
        "failed": failed,
        "date": print_date(date),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    })
}
