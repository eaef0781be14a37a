//! 文书送达回执: which documents were delivered (名称及文号), to whom, where,
//! how; signed by the recipient, or, when they refuse, 留置送达: the refusal's
//! reason and time, the officers who delivered and the witnesses present.

use serde_json::{json, Value};

use lianjian_core::model::Inspection;
use lianjian_core::signing::RecordRef;

use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::signatures::{print_date, Blocks};

/// The record whose signature stands for the recipient's (the findings list
/// the documents were issued on).
pub const RECORD: RecordRef = RecordRef::Findings;

/// Fills the receipt for `delivered` (each "名称 文号").
pub fn build(
    inspection: &Inspection,
    delivered: &[String],
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Result<Value> {
    if delivered.is_empty() {
        return Err(Error::Incomplete {
            form: FormKind::ServiceReceipt.title().into(),
            reason: "没有列出送达的文书".into(),
        });
    }
    let lodged = signatures.refusal.is_some();
    Ok(json!({
        "enterprise": inspection.enterprise_name,
        "place": inspection.location,
        "delivered": delivered,
        "method": if lodged { "留置送达" } else { "直接送达" },
        "lodged": lodged,
        "date": print_date(date),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    }))
}
