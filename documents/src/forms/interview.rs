//! 询问笔录: time, place, who asked and who recorded, the interviewee, the
//! opening formula, strict 问/答 in order, the closing line; the
//! interviewee's signature at the bottom of every page but the last, and
//! with the closing line on the last.

use serde_json::{json, Value};

use lianjian_core::model::{Inspection, InterviewId};
use lianjian_core::signing::RecordRef;

use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::signatures::{print_time, Blocks};

/// The record of interview `id`.
pub fn record(id: InterviewId) -> RecordRef {
    RecordRef::Interview(id)
}

/// Fills the record of interview `id`.
pub fn build(inspection: &Inspection, id: InterviewId, signatures: Blocks, record_hash: String) -> Result<Value> {
    let i = inspection.interviews.get(&id.to_string()).ok_or_else(|| Error::Incomplete {
        form: FormKind::Interview.title().into(),
        reason: "检查记录中没有这份询问".into(),
    })?;
    let name = |p: &lianjian_core::model::PersonId| inspection.team.get(&p.to_string());
    let askers: Vec<_> = i.interviewers.iter().filter_map(name).collect();
    let asker = askers.first().map(|m| m.name.clone()).unwrap_or_default();
    let recorder = askers.get(1).map(|m| m.name.clone()).unwrap_or_default();
    Ok(json!({
        "enterprise": inspection.enterprise_name,
        "started": print_time(&i.started_at),
        "place": i.place,
        "interviewee": {
            "name": i.interviewee.name,
            "id_number": i.interviewee.id_number,
            "position": i.interviewee.position,
            "phone": i.interviewee.phone,
            "unit": inspection.enterprise_name,
        },
        "asker": asker,
        "recorder": recorder,
        "officers": askers.iter().map(|m| m.name.clone()).collect::<Vec<_>>().join("、"),
        "certs": askers.iter().filter_map(|m| m.certificate_no.clone()).collect::<Vec<_>>().join("、"),
        "qa": i.qa.iter().map(|qa| json!({"q": qa.question, "a": qa.answer})).collect::<Vec<_>>(),
        "signatures": signatures,
        "qr": "/qr.svg",
        "record_hash": record_hash,
    }))
}
