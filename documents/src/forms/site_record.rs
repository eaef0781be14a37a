//! 现场检查记录 (检记): who inspected whom, where and when, the opening
//! statement with the officers' names and 证号, and 检查情况 written from the
//! responses and hazards, signed by the officers and the enterprise's
//! on-site responsible person (a record: a date, no seal).

use serde_json::{json, Value};

use lianjian_core::model::{Enterprise, Inspection, Verdict};
use lianjian_core::signing::RecordRef;

use crate::signatures::{print_time, Blocks};

/// The record whose signatures it carries.
pub const RECORD: RecordRef = RecordRef::SiteRecord;

/// What the team found, in prose: counts of items and hazards, then each
/// hazard and each failed item's note.
pub fn findings_text(inspection: &Inspection) -> String {
    let responses: Vec<_> = inspection.responses.values().collect();
    let pass = responses.iter().filter(|r| r.verdict == Verdict::Pass).count();
    let fail = responses.iter().filter(|r| r.verdict == Verdict::Fail).count();
    let mut text = format!(
        "检查组依据检查表对该单位进行了现场检查，共记录检查项{}项，其中符合{}项，不符合{}项；发现事故隐患{}项。",
        responses.len(),
        pass,
        fail,
        inspection.findings.len()
    );
    let mut findings: Vec<_> = inspection.findings.values().collect();
    findings.sort_by_key(|f| (f.found_at, f.id.to_string()));
    for (i, f) in findings.iter().enumerate() {
        text.push_str(&format!("{}．{}（{}，{}）。", i + 1, f.description, f.location, f.grade));
    }
    for r in responses.iter().filter(|r| r.verdict == Verdict::Fail && !r.note.trim().is_empty()) {
        text.push_str(&format!("检查项{}：{}。", r.item_code, r.note.trim()));
    }
    text
}

/// Fills the record.
pub fn build(
    inspection: &Inspection,
    enterprise: Option<&Enterprise>,
    number: Option<&str>,
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Value {
    let officers: Vec<_> = inspection.team.values().filter(|m| m.is_enforcement_officer()).collect();
    let (person, position, phone) = enterprise
        .map(|e| {
            (
                e.responsible_person.name.clone(),
                e.responsible_person.position.clone(),
                e.responsible_person.phone.clone(),
            )
        })
        .unwrap_or_default();
    json!({
        "number": number,
        "enterprise": inspection.enterprise_name,
        "address": enterprise.map(|e| e.address.clone()).unwrap_or_else(|| inspection.location.clone()),
        "person": person,
        "position": position,
        "phone": phone,
        "place": inspection.location,
        "started": inspection.started_at.as_ref().map(print_time).unwrap_or_default(),
        "ended": inspection.ended_at.as_ref().map(print_time).unwrap_or_default(),
        "officers": officers.iter().map(|m| m.name.clone()).collect::<Vec<_>>().join("、"),
        "certs": officers.iter().filter_map(|m| m.certificate_no.clone()).collect::<Vec<_>>().join("、"),
        "findings": findings_text(inspection),
        "date": crate::signatures::print_date(date),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    })
}
