//! The closed loop's collections, entry by entry: a hazard event is written
//! once, by its own author in the role the server enrolled, and only where
//! the hazard's life cycle (folded from the events before the change) lets
//! it happen; a rectification report is written once, by the enterprise's
//! own user, saying what the rules require, with photos that are the
//! hazard's. Nothing here touches a signed record.

use automerge::{ObjId, Value, ROOT};

use super::entry::Entry;
use super::refusal::{under, Refusal, Rule};
use super::Step;
use crate::doc::closed_loop::{check_decider, check_photos, facts_of, hazard_events};
use crate::model::{Finding, GovernancePlan, RectificationReport, TeamMember};
use crate::rules::lifecycle::{action_of, life_cycle, refusal_on, EventKind, HazardEvent};
use crate::rules::permissions::{allows, Action};

/// The finding `key` as the change left it.
fn finding(s: &Step<'_>, key: &str) -> Result<Finding, Refusal> {
    let missing = || Refusal::new(Rule::Schema, format!("隐患 {key} 不存在"));
    let findings: ObjId = match autosurgeon::ReadDoc::get(&s.after, &ROOT, "findings") {
        Ok(Some((Value::Object(_), id))) => id,
        _ => return Err(missing()),
    };
    autosurgeon::hydrate_prop::<_, Option<Finding>, _, _>(&s.after, &findings, key)
        .map_err(|_| Refusal::new(Rule::Schema, format!("隐患 {key} 无法读取")))?
        .ok_or_else(missing)
}

/// What an officer not on the team may write: hazard events and the status
/// they move, nothing else (both are checked against the referral: events
/// in [`event`], the status in [`referred_status`]).
pub(super) fn referral_only(s: &Step<'_>) -> Result<(), Refusal> {
    let not_on_team = || Refusal::new(Rule::NotOnTeam, format!("人员 {} 不在检查组中", s.author.person));
    let root_ok = s.touched.root.iter().all(|k| k == "hazard_events" || k == "actors");
    let entries_ok = s.touched.entries.keys().all(|c| matches!(*c, "hazard_events" | "actors" | "findings"));
    if s.creating || !root_ok || !entries_ok {
        return Err(not_on_team());
    }
    Ok(())
}

/// Whether `f` was referred to the author's department (any department when
/// the caller does not know the author's: the server always does).
fn referred_here(s: &Step<'_>, f: &Finding) -> bool {
    match (f.referred_to, s.author.department) {
        (Some(to), Some(mine)) => to == mine,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// An officer of the department a hazard was referred to changed the
/// finding: only its status, moved by their event on a hazard referred there.
pub(super) fn referred_status(
    s: &Step<'_>,
    f: &Finding,
    changed: &std::collections::BTreeSet<String>,
) -> Result<(), Refusal> {
    if !referred_here(s, f) || changed.iter().any(|c| c != "status") {
        return Err(Refusal::new(Rule::NotOnTeam, format!("隐患 {} 未移交本部门", f.id)));
    }
    Ok(())
}

/// A new hazard event.
pub(super) fn event(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Immutable, format!("隐患事件 {} 已记录，不能修改", e.key)));
    }
    let ev: HazardEvent = e.value(s)?;
    if ev.id != e.key {
        return Err(Refusal::new(Rule::Schema, format!("隐患事件 {} 的编号不符", e.key)));
    }
    if ev.by != s.author.person || ev.role != s.role {
        return Err(Refusal::new(Rule::Forbidden, "隐患事件须由本人以本人角色记录"));
    }
    let f = finding(s, &ev.finding.to_string())?;
    if s.referral && !referred_here(s, &f) {
        return Err(Refusal::new(Rule::NotOnTeam, format!("隐患 {} 未移交本部门", ev.finding)));
    }
    let team: std::collections::BTreeMap<String, TeamMember> = super::hydrate(&s.after, automerge::ROOT, "team")?;
    under(Rule::Forbidden, check_decider(&team, &f, ev.kind, ev.by, s.author.department))?;
    let scheme = under(Rule::Deadline, s.ctx.office.scheme(&s.grade_scheme()?))?;
    let before = hazard_events(&s.before).map_err(|_| Refusal::new(Rule::Schema, "隐患事件无法读取"))?;
    let lc = life_cycle(&facts_of(&s.ctx.office.calendar, scheme, &f), &before);
    if let Some(why) = refusal_on(&lc, &ev) {
        let rule = if allows(ev.role, action_of(ev.kind)) { Rule::Transition } else { Rule::Forbidden };
        return Err(Refusal::new(rule, why));
    }
    if ev.kind == EventKind::PlanFiled {
        let plans = crate::doc::closed_loop::governance_plans(&s.after)
            .map_err(|_| Refusal::new(Rule::Schema, "治理方案无法读取"))?;
        if !plans.iter().any(|p| Some(&p.id) == ev.report.as_ref() && p.finding == ev.finding) {
            return Err(Refusal::new(Rule::Schema, "报送治理方案须附该隐患的治理方案"));
        }
    }
    if ev.kind == EventKind::Submitted {
        let reports = crate::doc::closed_loop::rectification_reports(&s.after)
            .map_err(|_| Refusal::new(Rule::Schema, "整改报告无法读取"))?;
        if !reports.iter().any(|r| Some(&r.id) == ev.report.as_ref() && r.finding == ev.finding) {
            return Err(Refusal::new(Rule::Schema, "提交整改须附该隐患的整改报告"));
        }
    }
    Ok(())
}

/// A new rectification report.
pub(super) fn report(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Immutable, format!("整改报告 {} 已提交，不能修改", e.key)));
    }
    s.permit(Action::SubmitRectification)?;
    let r: RectificationReport = e.value(s)?;
    if r.id != e.key {
        return Err(Refusal::new(Rule::Schema, format!("整改报告 {} 的编号不符", e.key)));
    }
    if r.by != s.author.person {
        return Err(Refusal::new(Rule::Forbidden, "整改报告须由提交人本人提交"));
    }
    under(Rule::Schema, r.validate())?;
    under(Rule::Schema, check_photos(&finding(s, &r.finding.to_string())?, &r))
}

/// A new governance plan (重大隐患报告 and 治理方案).
pub(super) fn plan(s: &Step<'_>, e: &Entry<'_>) -> Result<(), Refusal> {
    if e.existed() {
        return Err(Refusal::new(Rule::Immutable, format!("治理方案 {} 已报送，不能修改", e.key)));
    }
    s.permit(Action::SubmitRectification)?;
    let p: GovernancePlan = e.value(s)?;
    if p.id != e.key {
        return Err(Refusal::new(Rule::Schema, format!("治理方案 {} 的编号不符", e.key)));
    }
    if p.by != s.author.person {
        return Err(Refusal::new(Rule::Forbidden, "治理方案须由报送人本人报送"));
    }
    finding(s, &p.finding.to_string())?;
    under(Rule::Schema, p.validate())
}
