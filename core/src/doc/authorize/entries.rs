//! The keyed collections of an inspection, entry by entry: who may add or
//! change a finding, a response, an interview, a team member, a piece of
//! evidence, a signature or refusal, or a device's registration, and what
//! the entry must say for the rules to hold. Nothing is ever deleted, and
//! frozen entries are written once.

use std::collections::BTreeMap;

use automerge::{ObjId, ReadDoc, ROOT};

use super::entry::{all, root_obj, Entry};
use super::refusal::{under, Refusal, Rule};
use super::{hydrate_opt, Step};
use crate::doc::conflicts::{Resolution, SIGNIFICANT_FINDING_FIELDS, SIGNIFICANT_RESPONSE_FIELDS};
use crate::evidence::EvidencePurpose;
use crate::model::evidence::EvidenceMeta;
use crate::model::signature::{Refusal as SigningRefusal, SignatureEntry};
use crate::model::{Finding, FindingStatus, InspectionStatus, InterviewRecord, Response};
use crate::rules::permissions::{Action, Role};
use crate::rules::transitions::finding_transition;
use crate::signing::record::RecordRef;

/// Every touched entry of every collection.
pub(super) fn check(s: &Step<'_>) -> Result<(), Refusal> {
    for (collection, keys) in &s.touched.entries {
        for key in keys {
            let entry = Entry::read(s, collection, key)?;
            match *collection {
                "team" | "subgroups" => s.permit(Action::ManageTeam)?,
                "findings" => finding(s, &entry)?,
                "responses" => response(s, &entry)?,
                "interviews" => interview(s, &entry)?,
                "evidence" => evidence(s, &entry)?,
                "signatures" => signature(s, &entry)?,
                "refusals" => refusal(s, &entry)?,
                "actors" => actor(s, &entry)?,
                "hazard_events" => super::closed_loop::event(s, &entry)?,
                "rectification_reports" => super::closed_loop::report(s, &entry)?,
                "governance_plans" => super::closed_loop::plan(s, &entry)?,
                _ => return Err(Refusal::new(Rule::Immutable, format!("未知集合「{collection}」"))),
            }
        }
    }
    Ok(())
}

/// Whether this change appended a resolution of `target`/`field`.
fn resolved_here(s: &Step<'_>, target: &str, field: &str) -> Result<bool, Refusal> {
    let before: Vec<Resolution> = hydrate_opt(&s.before, ROOT, "resolutions")?.unwrap_or_default();
    let after: Vec<Resolution> = hydrate_opt(&s.after, ROOT, "resolutions")?.unwrap_or_default();
    Ok(after.iter().skip(before.len()).any(|r| r.target == target && r.field == field))
}

/// A conflict on a significant field ends only with a resolution (the
/// resolution itself is checked with the root fields).
fn settled_conflicts(s: &Step<'_>, e: &Entry<'_>, fields: &[&str]) -> Result<(), Refusal> {
    if e.before.is_none() || e.after.is_none() {
        return Ok(());
    }
    for field in fields {
        if e.conflicted(field, false)
            && !e.conflicted(field, true)
            && !resolved_here(s, &format!("{}/{}", e.collection, e.key), field)?
        {
            return Err(Refusal::new(Rule::Conflict, format!("{}/{} 的「{field}」", e.collection, e.key)));
        }
    }
    Ok(())
}

/// `before` is still there, in order, at the start of `after` or kept within
/// it (lists of hashes are only ever appended to).
fn appended(before: &[String], after: &[String]) -> bool {
    before.iter().all(|h| after.contains(h))
}

fn finding(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.replaced() {
        return Err(Refusal::new(Rule::Immutable, format!("隐患 {} 被整体替换", e.key)));
    }
    let after: Finding = e.value(s)?;
    let scheme = under(Rule::Deadline, s.ctx.office.scheme(&s.grade_scheme()?))?;
    let grade = under(Rule::Deadline, scheme.grade(&after.grade))?;
    if s.referral && !e.existed() {
        return Err(Refusal::new(Rule::NotOnTeam, format!("人员 {} 不在检查组中", s.author.person)));
    }
    if !e.existed() {
        s.permit(Action::RecordFinding)?;
        s.editable()?;
        if after.id.to_string() != e.key {
            return Err(Refusal::new(Rule::Schema, format!("隐患 {} 的编号不符", e.key)));
        }
        if after.description.trim().is_empty() {
            return Err(Refusal::new(Rule::Schema, format!("隐患 {} 没有描述", e.key)));
        }
        if after.status != FindingStatus::Open {
            return Err(Refusal::new(Rule::Transition, format!("新隐患 {} 须为待整改状态", e.key)));
        }
        return under(Rule::Deadline, crate::rules::deadline::check_finding(&s.ctx.office.calendar, grade, &after));
    }
    settled_conflicts(s, e, SIGNIFICANT_FINDING_FIELDS)?;
    let changed = e.changed();
    if s.referral {
        super::closed_loop::referred_status(s, &after, &changed)?;
    }
    let any = |fields: &[&str]| fields.iter().any(|f| changed.contains(*f));
    if any(&["id", "found_by", "found_at"]) {
        return Err(Refusal::new(Rule::Immutable, format!("隐患 {} 的编号、发现人或发现时间", e.key)));
    }
    if any(&["description", "location", "item_code", "legal_basis", "requirement", "referred_to"]) {
        s.permit(Action::RecordFinding)?;
        s.editable()?;
        if after.description.trim().is_empty() {
            return Err(Refusal::new(Rule::Schema, format!("隐患 {} 没有描述", e.key)));
        }
    }
    if any(&["grade", "deadline", "deadline_basis", "deadline_reason", "deadline_provisional", "immediate_measure"]) {
        s.permit(Action::GradeFinding)?;
        s.editable()?;
        // A computed date is a cache every device recomputes from the grade
        // (`rules::deadline::finding_deadline`); it is checked when written.
        let mut checked = after.clone();
        if checked.deadline_basis == crate::model::DeadlineBasis::Computed && !changed.contains("deadline") {
            checked.deadline = crate::model::Deadline::Immediate;
        }
        under(Rule::Deadline, crate::rules::deadline::check_finding(&s.ctx.office.calendar, grade, &checked))?;
    }
    if changed.contains("evidence") {
        s.permit(Action::RecordFinding)?;
        if !appended(&e.before_list("evidence"), &after.evidence) {
            return Err(Refusal::new(Rule::Deleted, format!("隐患 {} 的证据被移除", e.key)));
        }
    }
    if changed.contains("rectification_evidence") {
        s.permit(if s.role == Role::Enterprise { Action::SubmitRectification } else { Action::Reinspect })?;
        if !appended(&e.before_list("rectification_evidence"), &after.rectification_evidence) {
            return Err(Refusal::new(Rule::Deleted, format!("隐患 {} 的整改证据被移除", e.key)));
        }
    }
    if changed.contains("status") {
        let from = e
            .before_text("status")
            .and_then(|t| FindingStatus::from_code(&t).ok())
            .ok_or_else(|| Refusal::new(Rule::Schema, format!("隐患 {} 的状态无法识别", e.key)))?;
        let action = finding_transition(from, after.status).map_err(|_| {
            Refusal::new(
                Rule::Transition,
                format!("隐患 {} 不能从「{}」改为「{}」", e.key, from.label(), after.status.label()),
            )
        })?;
        s.permit(action)?;
    }
    Ok(())
}

fn response(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    let target = format!("responses/{}", e.key);
    if e.before_count > 1 && e.after_count == 1 {
        // Two concurrent responses end only in the team lead's resolution,
        // which keeps one of them as a new object.
        if !resolved_here(s, &target, "response")? {
            return Err(Refusal::new(Rule::Conflict, format!("检查项记录 {} 被整体替换", e.key)));
        }
        s.permit(Action::ResolveConflict)?;
    } else if e.replaced() {
        return Err(Refusal::new(Rule::Immutable, format!("检查项记录 {} 被整体替换", e.key)));
    }
    let after: Response = e.value(s)?;
    settled_conflicts(s, e, SIGNIFICANT_RESPONSE_FIELDS)?;
    if crate::model::response_key(&after.item_code, &after.inspector) != e.key {
        return Err(Refusal::new(Rule::Schema, format!("检查项记录 {} 的检查项或检查人不符", e.key)));
    }
    let in_place = e.existed() && !e.replaced();
    let changed = e.changed();
    let only = |field: &str| in_place && !changed.is_empty() && changed.iter().all(|c| c == field);
    if only("evidence") && appended(&e.before_list("evidence"), &after.evidence) {
        // Photos attached to one's item.
        return s.permit(Action::RecordFinding);
    }
    if only("rectification_evidence") {
        let after_list = strings(&s.after, e.after.as_ref().expect("present"), "rectification_evidence");
        if appended(&e.before_list("rectification_evidence"), &after_list) {
            return s.permit(if s.role == Role::Enterprise { Action::SubmitRectification } else { Action::Reinspect });
        }
    }
    s.permit(Action::RecordResponse)?;
    s.editable()?;
    if after.inspector != s.author.person && s.role != Role::TeamLead {
        return Err(Refusal::new(Rule::Forbidden, "只有组长可以代其他检查人员记录"));
    }
    if in_place && changed.contains("evidence") && !appended(&e.before_list("evidence"), &after.evidence) {
        return Err(Refusal::new(Rule::Deleted, format!("检查项记录 {} 的证据被移除", e.key)));
    }
    let item = s
        .ctx
        .item(&after.item_code)
        .ok_or_else(|| Refusal::new(Rule::Verdict, format!("{} 不是本次检查表的检查项", after.item_code)))?;
    let mut settled = after.clone();
    under(Rule::Verdict, crate::rules::verdict::settle_response(item, &mut settled))?;
    if settled.verdict != after.verdict {
        return Err(Refusal::new(
            Rule::Verdict,
            format!("检查项 {} 的结论应为「{}」", after.item_code, settled.verdict.label()),
        ));
    }
    Ok(())
}

/// A list of strings at `obj[key]` (empty when absent).
fn strings<D: ReadDoc + autosurgeon::ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Vec<String> {
    autosurgeon::hydrate_prop::<_, Option<Vec<String>>, _, _>(doc, obj, key).ok().flatten().unwrap_or_default()
}

fn interview(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    s.permit(Action::RecordInterview)?;
    s.editable()?;
    if e.replaced() {
        return Err(Refusal::new(Rule::Immutable, format!("询问笔录 {} 被整体替换", e.key)));
    }
    let after: InterviewRecord = e.value(s)?;
    if after.id.to_string() != e.key {
        return Err(Refusal::new(Rule::Schema, format!("询问笔录 {} 的编号不符", e.key)));
    }
    if e.existed() {
        let changed = e.changed();
        let qa_kept = match (
            e.before_fields.as_ref().and_then(|m| m.get("qa")),
            e.after_fields.as_ref().and_then(|m| m.get("qa")),
        ) {
            (Some(automerge::hydrate::Value::List(b)), Some(automerge::hydrate::Value::List(a))) => {
                let (b, a): (Vec<_>, Vec<_>) = (b.iter().collect(), a.iter().collect());
                a.len() >= b.len() && a[..b.len()] == b[..]
            }
            _ => false,
        };
        if !qa_kept || changed.iter().any(|c| c != "qa") {
            return Err(Refusal::new(Rule::Immutable, format!("询问笔录 {} 只能追加问答", e.key)));
        }
    }
    Ok(())
}

fn evidence(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Immutable, format!("证据 {} 的记录不能修改", short(e.key))));
    }
    let meta: EvidenceMeta = e.value(s)?;
    if meta.sha256 != e.key {
        return Err(Refusal::new(Rule::Schema, format!("证据 {} 的哈希不符", short(e.key))));
    }
    let action = match (meta.purpose, s.role) {
        (EvidencePurpose::Rectification, Role::Enterprise) => Action::SubmitRectification,
        (EvidencePurpose::Rectification, _) => Action::Reinspect,
        _ => Action::RecordFinding,
    };
    s.permit(action)
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// Whether `record` is before its signer at this change.
fn presented(s: &Step<'_>, record: &str) -> Result<(), Refusal> {
    let status = s.status_after;
    let ok = match record.parse::<RecordRef>() {
        Ok(RecordRef::Interview(id)) => {
            matches!(status, Some(InspectionStatus::InProgress | InspectionStatus::AwaitingSignature))
                && root_obj(&s.after, "interviews").is_some_and(|m| !all(&s.after, &m, &id.to_string()).is_empty())
        }
        Ok(RecordRef::Reinspection(_)) => {
            matches!(status, Some(InspectionStatus::Signed | InspectionStatus::Closed))
        }
        Ok(_) => status == Some(InspectionStatus::AwaitingSignature),
        Err(_) => return Err(Refusal::new(Rule::Schema, "签字所针对的记录无法识别")),
    };
    if ok {
        Ok(())
    } else {
        Err(Refusal::new(Rule::Signing, format!("记录 {record} 尚未提交签字")))
    }
}

fn signature(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Signing, format!("签字 {} 已固定，不能修改", e.key)));
    }
    s.permit(Action::CollectSignature)?;
    let entry: SignatureEntry = e.value(s)?;
    presented(s, &entry.record)?;
    let id: Option<String> = hydrate_opt(&s.after, ROOT, "id")?;
    if id.as_deref() != Some(entry.inspection.to_string().as_str()) || entry.id != e.key {
        return Err(Refusal::new(Rule::Signing, format!("签字 {} 属于其他检查", e.key)));
    }
    use sha2::Digest;
    if hex::encode(sha2::Sha256::digest(entry.snapshot.as_bytes())) != entry.snapshot_sha256 {
        return Err(Refusal::new(Rule::Signing, format!("签字 {} 的快照与哈希不符", e.key)));
    }
    // The key that signed is the one this device registered.
    let actors = root_obj(&s.after, "actors").ok_or_else(|| Refusal::new(Rule::Actor, "没有设备登记"))?;
    let mine = all(&s.after, &actors, &s.actor);
    let key = mine.last().and_then(|(_, obj)| crate::doc::fields::string(&s.after, obj, "device_key").ok().flatten());
    if key.as_deref() != Some(entry.device_key.as_str()) {
        return Err(Refusal::new(Rule::Signing, format!("签字 {} 的设备密钥不是本设备登记的密钥", e.key)));
    }
    Ok(())
}

fn refusal(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Signing, format!("拒签记录 {} 已固定，不能修改", e.key)));
    }
    s.permit(Action::CollectSignature)?;
    let r: SigningRefusal = e.value(s)?;
    presented(s, &r.record)?;
    if r.record != e.key {
        return Err(Refusal::new(Rule::Schema, format!("拒签记录 {} 所针对的记录不符", e.key)));
    }
    if r.reason.trim().is_empty() {
        return Err(Refusal::new(Rule::Signing, "拒签须记录理由"));
    }
    if r.recorded_by != s.author.person {
        return Err(Refusal::new(Rule::Signing, "拒签须由在场的检查人员本人记录"));
    }
    Ok(())
}

/// A device registers its own actor, for its own person, once; the only
/// later write is its signing key, once.
fn actor(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.key != s.actor {
        return Err(Refusal::new(Rule::Actor, "不能改写其他设备的登记"));
    }
    let after: BTreeMap<String, String> = e.value(s)?;
    if !e.existed() {
        if after.get("person").map(String::as_str) != Some(s.author.person.to_string().as_str()) {
            return Err(Refusal::new(Rule::Actor, "设备登记的人员不是本人"));
        }
        let role = after.get("role").map(|r| Role::from_code(r));
        if !matches!(role, Some(Ok(r)) if r == s.author.role || r == s.role) {
            return Err(Refusal::new(Rule::Actor, "设备登记的角色与服务器登记的不符"));
        }
        return Ok(());
    }
    let changed = e.changed();
    if e.before_text("device_key").is_some() || changed.iter().any(|c| c != "device_key") {
        return Err(Refusal::new(Rule::Actor, "设备登记只能补充一次签字密钥"));
    }
    Ok(())
}
