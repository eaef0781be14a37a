//! The canonical byte form of a record: what a signature attests. It must
//! render identically on every device and every future build, so it is
//! deliberately plain: JSON with object keys sorted by code point, no
//! insignificant whitespace, text in Unicode NFC with `\n` line ends, numbers
//! only as integers, measurements as decimal strings of fixed precision, and
//! every collection in a defined order. The format is versioned
//! (`lianjian-record/1`); snapshot tests pin it.

use serde_json::{json, Map, Value};
use unicode_normalization::UnicodeNormalization;

use super::record::RecordRef;
use crate::error::{Error, Result};
use crate::model::signature::Refusal;
use crate::model::{Finding, Inspection, InterviewRecord, Response};

/// The format tag written into every record.
pub const RECORD_FORMAT: &str = "lianjian-record/1";

/// The canonical bytes of `record` of `inspection` as it stands now.
pub fn canonical_record(inspection: &Inspection, record: &RecordRef) -> Result<Vec<u8>> {
    Ok(to_canonical_bytes(&record_value(inspection, record)?))
}

/// The record as a JSON tree (before canonical serialization).
pub fn record_value(inspection: &Inspection, record: &RecordRef) -> Result<Value> {
    let mut root = Map::new();
    root.insert("format".into(), RECORD_FORMAT.into());
    root.insert("record".into(), record.code().into());
    root.insert("inspection".into(), inspection.id.to_string().into());
    root.insert(
        "enterprise".into(),
        json!({ "id": inspection.enterprise.to_string(), "name": inspection.enterprise_name }),
    );
    let refusal = inspection.refusals.get(&record.code());
    match record {
        RecordRef::Findings => {
            root.insert("findings".into(), findings(inspection));
            root.insert("refusal".into(), refusal_value(refusal));
        }
        RecordRef::SiteRecord => {
            root.insert("location".into(), inspection.location.as_str().into());
            root.insert("industry".into(), inspection.industry.as_str().into());
            root.insert("started_at".into(), opt(inspection.started_at.map(|t| t.to_string())));
            root.insert("ended_at".into(), opt(inspection.ended_at.map(|t| t.to_string())));
            let team: Vec<Value> = inspection
                .team
                .values()
                .map(|m| {
                    json!({
                        "person": m.person.to_string(),
                        "name": m.name,
                        "department": m.department.code(),
                        "role": m.role.code(),
                        "certificate_no": m.certificate_no,
                    })
                })
                .collect();
            root.insert("team".into(), team.into());
            let checklists: Vec<Value> =
                inspection.checklists.iter().map(|c| json!({ "id": c.id.to_string(), "version": c.version })).collect();
            root.insert("checklists".into(), checklists.into());
            root.insert("responses".into(), inspection.responses.values().map(response).collect::<Vec<_>>().into());
            root.insert("findings".into(), findings(inspection));
            root.insert("refusal".into(), refusal_value(refusal));
        }
        RecordRef::Reinspection(day) => {
            // What the 复查 found, hazard by hazard, as the record stands.
            let mut list: Vec<&Finding> = inspection.findings.values().collect();
            list.sort_by_key(|f| (f.found_at, f.id.to_string()));
            let results: Vec<Value> = list
                .into_iter()
                .map(|f| {
                    json!({
                        "id": f.id.to_string(),
                        "description": f.description,
                        "location": f.location,
                        "status": f.status.code(),
                    })
                })
                .collect();
            root.insert("reinspected_on".into(), day.to_string().into());
            root.insert("results".into(), results.into());
            root.insert("refusal".into(), refusal_value(refusal));
        }
        RecordRef::Interview(id) => {
            let interview = inspection
                .interviews
                .get(&id.to_string())
                .ok_or_else(|| Error::NotFound { kind: "interview", id: id.to_string() })?;
            root.insert("interview".into(), interview_value(interview));
            // Only when the interviewee refused: records signed without a
            // refusal render exactly as they were signed.
            if refusal.is_some() {
                root.insert("refusal".into(), refusal_value(refusal));
            }
        }
    }
    Ok(Value::Object(root))
}

fn opt(v: Option<String>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

fn findings(inspection: &Inspection) -> Value {
    let mut list: Vec<&Finding> = inspection.findings.values().collect();
    list.sort_by_key(|f| (f.found_at, f.id.to_string()));
    list.into_iter().map(finding).collect::<Vec<_>>().into()
}

fn finding(f: &Finding) -> Value {
    let mut evidence = f.evidence.clone();
    evidence.sort();
    let mut out = json!({
        "id": f.id.to_string(),
        "description": f.description,
        "location": f.location,
        "item_code": f.item_code,
        "legal_basis": f.legal_basis.as_ref().map(|b| b.cite()),
        "grade": f.grade,
        "deadline": f.deadline.code(),
        "requirement": f.requirement,
        "referred_to": f.referred_to.map(|d| d.code()),
        "evidence": evidence,
        "found_by": f.found_by.to_string(),
        "found_at": f.found_at.to_string(),
    });
    // Written only when present, so records of findings made before these
    // fields existed render (and verify) exactly as they were signed.
    let extra = [
        ("immediate_measure", f.immediate_measure.map(|m| m.code().to_string())),
        ("deadline_reason", f.deadline_reason.clone()),
        ("deadline_provisional", f.deadline_provisional.clone()),
    ];
    for (key, value) in extra {
        if let Some(v) = value {
            out[key] = Value::String(v);
        }
    }
    out
}

fn response(r: &Response) -> Value {
    let mut evidence = r.evidence.clone();
    evidence.sort();
    json!({
        "item_code": r.item_code,
        "inspector": r.inspector.to_string(),
        "verdict": r.verdict.code(),
        "measured": r.measured.map(decimal),
        "choices": r.choices,
        "text": r.text,
        "note": r.note,
        "evidence": evidence,
    })
}

fn interview_value(i: &InterviewRecord) -> Value {
    json!({
        "id": i.id.to_string(),
        "interviewee": {
            "name": i.interviewee.name,
            "id_number": i.interviewee.id_number,
            "position": i.interviewee.position,
            "phone": i.interviewee.phone,
        },
        "interviewers": i.interviewers.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "place": i.place,
        "started_at": i.started_at.to_string(),
        "qa": i.qa.iter().map(|qa| json!({ "question": qa.question, "answer": qa.answer })).collect::<Vec<_>>(),
    })
}

fn refusal_value(r: Option<&Refusal>) -> Value {
    match r {
        None => Value::Null,
        Some(r) => json!({
            "reason": r.reason,
            "recorded_by": r.recorded_by.to_string(),
            "recorded_at": r.recorded_at.to_string(),
        }),
    }
}

/// A measurement as a decimal string with at most six fraction digits
/// (never a binary float in signed bytes).
pub fn decimal(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Serializes a JSON tree canonically: sorted keys, no whitespace, NFC text.
pub fn to_canonical_bytes(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            // Only integers are ever put in records; a float here is a bug.
            debug_assert!(n.is_i64() || n.is_u64(), "float in a canonical record");
            out.extend_from_slice(n.to_string().as_bytes())
        }
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut keys: Vec<(String, &Value)> = map.iter().map(|(k, v)| (normalize(k), v)).collect();
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            out.push(b'{');
            for (i, (k, v)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write(v, out);
            }
            out.push(b'}');
        }
    }
}

fn normalize(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n").nfc().collect()
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    let s = normalize(s);
    out.extend_from_slice(serde_json::to_string(&s).expect("strings serialize").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_and_text_normalized() {
        // "é" decomposed (e + combining acute) becomes the composed form.
        let v = json!({ "b": 1, "a": ["x\r\ny", "e\u{301}"], "c": null, "中": true });
        assert_eq!(
            String::from_utf8(to_canonical_bytes(&v)).unwrap(),
            "{\"a\":[\"x\\ny\",\"é\"],\"b\":1,\"c\":null,\"中\":true}"
        );
    }

    #[test]
    fn decimals_have_fixed_precision() {
        assert_eq!(decimal(10.0), "10");
        assert_eq!(decimal(4.25), "4.25");
        assert_eq!(decimal(0.1 + 0.2), "0.3");
        assert_eq!(decimal(-0.0000001), "0");
        assert_eq!(decimal(1.0 / 3.0), "0.333333");
    }
}
