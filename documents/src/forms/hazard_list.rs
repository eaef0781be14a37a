//! The joint inspection's 隐患清单, per department: a coordination list
//! (交办/移交), never an enforcement document of the joint office — so no
//! number, no seal, no remedy notice. A hazard belongs to the department it
//! was referred to, else to the department of the officer who found it.

use serde_json::{json, Value};

use lianjian_core::model::{Deadline, Department, Finding, Inspection};
use lianjian_core::signing::RecordRef;

use crate::signatures::{print_date, Blocks};

/// The record whose signatures it carries.
pub const RECORD: RecordRef = RecordRef::Findings;

/// The department a hazard is for.
pub fn department_of(inspection: &Inspection, f: &Finding) -> Option<Department> {
    lianjian_core::doc::closed_loop::issuing_department(&inspection.team, f)
}

/// Fills the list of `department`'s hazards.
pub fn build(
    inspection: &Inspection,
    department: Department,
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Value {
    let mut findings: Vec<_> =
        inspection.findings.values().filter(|f| department_of(inspection, f) == Some(department)).collect();
    findings.sort_by_key(|f| (f.found_at, f.id.to_string()));
    let rows: Vec<Value> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({
                "no": i + 1,
                "text": f.description,
                "location": f.location,
                "grade": f.grade,
                "requirement": f.requirement,
                "deadline": match f.deadline { Deadline::Immediate => "立即".to_string(), Deadline::By(d) => print_date(d) },
            })
        })
        .collect();
    json!({
        "department": department.label(),
        "enterprise": inspection.enterprise_name,
        "visited": inspection.started_at.map(|t| print_date(lianjian_core::model::time::local_date(&t.0))).unwrap_or_default(),
        "rows": rows,
        "date": print_date(date),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    })
}
