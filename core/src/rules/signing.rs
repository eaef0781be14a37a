//! When a record counts as signed, and so when an inspection may be marked
//! signed (已签字). The findings list and the site inspection record each need
//! the enterprise responsible person's signature, or a complete refusal (拒签:
//! the reason recorded and at least two distinct enrolled inspectors of the
//! team signing it), and in every case the signatures of two distinct
//! inspectors. Each interview record needs the interviewee's signature, or
//! their refusal attested the same way, and those of its interviewers.
//! What is missing names roles and ids, never people: it ends up in error
//! messages and logs. Only signatures that verify and still match
//! the live record count: a record changed after signing must be signed again.

use std::collections::BTreeSet;

use crate::model::signature::SignerRole;
use crate::model::{Inspection, PersonId};
use crate::signing::record::RecordRef;
use crate::signing::verify::{SignatureCheck, SignatureStatus};

/// Where one record stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSigning {
    /// The record.
    pub record: RecordRef,
    /// Whether it is complete (final).
    pub complete: bool,
    /// What is still missing, in Chinese; empty when complete.
    pub missing: Vec<String>,
}

/// The records of an inspection that must be signed before it is final.
pub fn required_records(inspection: &Inspection) -> Vec<RecordRef> {
    let mut records = vec![RecordRef::Findings, RecordRef::SiteRecord];
    records.extend(inspection.interviews.values().map(|i| RecordRef::Interview(i.id)));
    records
}

/// Evaluates every required record against the verified signatures.
pub fn signing_state(inspection: &Inspection, checks: &[SignatureCheck]) -> Vec<RecordSigning> {
    required_records(inspection).into_iter().map(|r| record_state(inspection, checks, r)).collect()
}

/// The problems that keep the inspection from being marked signed (empty: ready).
pub fn finalize_problems(inspection: &Inspection, checks: &[SignatureCheck]) -> Vec<String> {
    signing_state(inspection, checks)
        .into_iter()
        .flat_map(|s| {
            let label = s.record.label();
            s.missing.into_iter().map(move |m| format!("{label}：{m}"))
        })
        .collect()
}

fn record_state(inspection: &Inspection, checks: &[SignatureCheck], record: RecordRef) -> RecordSigning {
    let code = record.code();
    let valid: Vec<&SignatureCheck> =
        checks.iter().filter(|c| c.entry.record == code && c.status == SignatureStatus::Valid).collect();
    let signed_by = |role: SignerRole| valid.iter().filter(move |c| c.entry.signer.role == role);
    // Distinct enrolled inspectors: team members with enforcement powers.
    let inspectors: BTreeSet<PersonId> = signed_by(SignerRole::Inspector)
        .filter_map(|c| c.entry.signer.person)
        .filter(|p| inspection.team.get(&p.to_string()).is_some_and(|m| m.is_enforcement_officer()))
        .collect();
    let mut missing = Vec::new();
    match &record {
        RecordRef::Findings | RecordRef::SiteRecord | RecordRef::Reinspection(_) => {
            let responsible = signed_by(SignerRole::ResponsiblePerson).next().is_some();
            if !responsible {
                refusal_problem(inspection, &code, "缺少企业负责人签字或拒签记录", &mut missing);
            }
            if inspectors.len() < 2 {
                missing.push(format!("需两名以上执法人员签字（现有 {} 名）", inspectors.len()));
            }
        }
        RecordRef::Interview(id) => match inspection.interviews.get(&id.to_string()) {
            None => missing.push("询问笔录不存在".to_string()),
            Some(interview) => {
                if signed_by(SignerRole::Interviewee).next().is_none() {
                    refusal_problem(inspection, &code, "缺少被询问人签字或拒签记录", &mut missing);
                }
                let unsigned: Vec<String> =
                    interview.interviewers.iter().filter(|p| !inspectors.contains(p)).map(|p| p.to_string()).collect();
                if !unsigned.is_empty() {
                    missing.push(format!("缺少询问人签字：{}", unsigned.join("、")));
                }
                if inspectors.len() < 2 {
                    missing.push(format!("需两名以上执法人员签字（现有 {} 名）", inspectors.len()));
                }
            }
        },
    }
    if !missing.is_empty() {
        for c in checks.iter().filter(|c| c.entry.record == code) {
            if let SignatureStatus::ChangedAfterSigning { .. } = c.status {
                missing.push(format!(
                    "{}的签字（{}）签字后记录已变化，需重新签字",
                    c.entry.signer.role.label(),
                    c.entry.id
                ));
            }
        }
    }
    // A tampered signature on a record blocks it until someone looks.
    for c in checks.iter().filter(|c| c.entry.record == code) {
        if let SignatureStatus::Invalid { reason } = &c.status {
            missing.push(format!("{}的签名（{}）无效：{reason}", c.entry.signer.role.label(), c.entry.id));
        }
    }
    RecordSigning { record, complete: missing.is_empty(), missing }
}

/// Without the signer's signature, a refusal with its reason must stand in.
fn refusal_problem(inspection: &Inspection, code: &str, absent: &str, missing: &mut Vec<String>) {
    match inspection.refusals.get(code) {
        None => missing.push(absent.to_string()),
        Some(r) if r.reason.trim().is_empty() => missing.push("拒签记录缺少拒签理由".to_string()),
        Some(_) => {}
    }
}
