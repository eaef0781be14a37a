//! The closed loop in an inspection document: hazard events
//! (`hazard_events`, by event id) and the enterprise's rectification reports
//! (`rectification_reports`, by report id), both append-only and beside the
//! signed records. Writing them (checked with `rules::lifecycle` before
//! anything is written) and reading them back as each hazard's life cycle.

use std::collections::BTreeMap;

use automerge::transaction::Transaction;
use automerge::{ReadDoc, ROOT};

use super::edit::Editor;
use super::fields::{object, put_significant, root_map, root_map_or_create, string};
use crate::error::{Error, Result};
use crate::model::{
    Department, Finding, FindingId, FindingStatus, GovernancePlan, PersonId, RectificationReport, TeamMember, Timestamp,
};
use crate::rules::calendar::HolidayCalendar;
use crate::rules::deadline::{finding_deadline, FindingDeadline};
use crate::rules::grades::GradeScheme;
use crate::rules::lifecycle::{
    action_of, finding_status_after, life_cycle, refusal_on, transition, EventKind, HazardEvent, HazardFacts,
    HazardState, LifeCycle,
};
use crate::rules::permissions::{allows, Role};
use crate::rules::transitions::finding_transition;

/// The document keys of the loop's collections.
pub const EVENTS: &str = "hazard_events";
/// See [`EVENTS`].
pub const REPORTS: &str = "rectification_reports";
/// See [`EVENTS`]: a major hazard's reports and 治理方案.
pub const PLANS: &str = "governance_plans";

/// Every hazard event the document holds (any order).
pub fn hazard_events<D: autosurgeon::ReadDoc>(doc: &D) -> Result<Vec<HazardEvent>> {
    let map: Option<BTreeMap<String, HazardEvent>> = match autosurgeon::ReadDoc::get(doc, &ROOT, EVENTS)? {
        Some(_) => autosurgeon::hydrate_prop(doc, ROOT, EVENTS)?,
        None => None,
    };
    Ok(map.unwrap_or_default().into_values().collect())
}

/// Every rectification report the document holds, oldest first.
pub fn rectification_reports<D: autosurgeon::ReadDoc>(doc: &D) -> Result<Vec<RectificationReport>> {
    let map: Option<BTreeMap<String, RectificationReport>> = match autosurgeon::ReadDoc::get(doc, &ROOT, REPORTS)? {
        Some(_) => autosurgeon::hydrate_prop(doc, ROOT, REPORTS)?,
        None => None,
    };
    let mut list: Vec<RectificationReport> = map.unwrap_or_default().into_values().collect();
    list.sort_by(|a, b| (a.submitted_at.unix_millis(), &a.id).cmp(&(b.submitted_at.unix_millis(), &b.id)));
    Ok(list)
}

/// The deadline on the order of `finding`: the deadline in force on
/// today's calendars (a computed one follows its grade).
pub fn order_deadline(cal: &HolidayCalendar, scheme: &GradeScheme, finding: &Finding) -> chrono::NaiveDate {
    let found_on = crate::model::time::local_date(&finding.found_at.0);
    finding_deadline(cal, scheme, finding).deadline.due_date(found_on)
}

/// What the life cycle needs to know of `finding`: the order's deadline,
/// whether its grade is major, whether it was referred.
pub fn facts_of(cal: &HolidayCalendar, scheme: &GradeScheme, finding: &Finding) -> HazardFacts {
    HazardFacts {
        finding: finding.id,
        deadline: order_deadline(cal, scheme, finding),
        major: is_major(scheme, finding),
        referred: finding.referred_to.is_some(),
    }
}

/// Whether `finding`'s grade is a 重大事故隐患 in `scheme`.
pub fn is_major(scheme: &GradeScheme, finding: &Finding) -> bool {
    scheme.grade(&finding.grade).is_ok_and(|g| g.major)
}

/// Each hazard's life cycle, from its events.
pub fn life_cycles(
    findings: &BTreeMap<String, Finding>,
    events: &[HazardEvent],
    cal: &HolidayCalendar,
    scheme: &GradeScheme,
) -> BTreeMap<FindingId, LifeCycle> {
    findings.values().map(|f| (f.id, life_cycle(&facts_of(cal, scheme, f), events))).collect()
}

/// Where a hazard stands, as every list shows it (the device's task lists
/// and the office's ledger): the deadline in force (computed from its grade
/// in `scheme` on `cal`, or the one on file while the scheme is unknown) and
/// the life cycle folded from `events`. A hazard no event has moved (a
/// record made before the loop) stands where its coarse status says.
pub fn standing(
    cal: &HolidayCalendar,
    scheme: Option<&GradeScheme>,
    finding: &Finding,
    events: &[HazardEvent],
) -> (FindingDeadline, LifeCycle) {
    let in_force = match scheme {
        Some(scheme) => finding_deadline(cal, scheme, finding),
        None => FindingDeadline {
            deadline: finding.deadline,
            basis: finding.deadline_basis,
            provisional: finding.deadline_provisional.clone(),
            changed_from: None,
        },
    };
    let set_on = crate::model::time::local_date(&finding.found_at.0);
    let facts = HazardFacts {
        finding: finding.id,
        deadline: in_force.deadline.due_date(set_on),
        major: scheme.is_some_and(|s| is_major(s, finding)),
        referred: finding.referred_to.is_some(),
    };
    let lc = life_cycle(&facts, events);
    let state = if lc.applied.is_empty() {
        match finding.status {
            FindingStatus::Open => HazardState::Found,
            FindingStatus::Rectifying | FindingStatus::Reopened => HazardState::Rectifying,
            FindingStatus::AwaitingReinspection => HazardState::ReinspectionDue,
            FindingStatus::Closed => HazardState::Closed,
        }
    } else {
        lc.state
    };
    (in_force, LifeCycle { state, ..lc })
}

/// The department whose officers decide on `finding` (accept or return a
/// report, pass or fail the 复查): the one it was referred to, otherwise
/// the department of the team member who found it.
pub fn issuing_department(team: &BTreeMap<String, TeamMember>, finding: &Finding) -> Option<Department> {
    finding.referred_to.or_else(|| team.get(&finding.found_by.to_string()).map(|m| m.department))
}

/// Whether `event` is a decision only the issuing department may take.
pub fn is_decision(kind: EventKind) -> bool {
    matches!(kind, EventKind::Accepted | EventKind::Returned | EventKind::Passed | EventKind::Failed)
}

/// Refuses a decision by an officer of another department than the
/// issuing one. `department` is the author's as the caller knows it (the
/// server: its own record); otherwise their team entry says.
pub fn check_decider(
    team: &BTreeMap<String, TeamMember>,
    finding: &Finding,
    kind: EventKind,
    person: PersonId,
    department: Option<Department>,
) -> Result<()> {
    if !is_decision(kind) {
        return Ok(());
    }
    let mine = department.or_else(|| team.get(&person.to_string()).map(|m| m.department));
    match (issuing_department(team, finding), mine) {
        (Some(issuing), Some(mine)) if issuing != mine => {
            Err(Error::validation("hazard_event", format!("须由{}的执法人员审核和复查", issuing.label())))
        }
        _ => Ok(()),
    }
}

/// Why `event` cannot be recorded on a hazard standing in `lc`, as an error.
pub fn check_event(lc: &LifeCycle, event: &HazardEvent) -> Result<()> {
    let Some(why) = refusal_on(lc, event) else { return Ok(()) };
    let action = action_of(event.kind);
    if !allows(event.role, action) {
        return Err(Error::Forbidden { role: event.role.code().into(), action: action.code().into() });
    }
    match transition(lc.state, event.kind) {
        None => Err(Error::InvalidTransition {
            entity: "hazard",
            from: lc.state.code().into(),
            to: event.kind.code().into(),
        }),
        Some(_) => Err(Error::validation("hazard_event", why)),
    }
}

/// Appends `event` to its hazard, after checking it against the hazard's
/// life cycle, and moves the finding's coarse status with it.
pub(super) fn record_event(
    tx: &mut Transaction<'_>,
    editor: &Editor,
    cal: &HolidayCalendar,
    scheme: &GradeScheme,
    event: &HazardEvent,
) -> Result<()> {
    if event.by != editor.person || event.role != editor.role {
        return Err(Error::validation("hazard_event", "事件须由本人以本人角色记录"));
    }
    let findings = root_map(tx, "findings")?;
    let obj = object(tx, &findings, &event.finding.to_string(), "finding")?;
    let finding: Finding = autosurgeon::hydrate_prop(tx, &findings, event.finding.to_string().as_str())?;
    let lc = life_cycle(&facts_of(cal, scheme, &finding), &hazard_events(tx)?);
    check_event(&lc, event)?;
    let team: BTreeMap<String, TeamMember> = autosurgeon::hydrate_prop(tx, ROOT, "team")?;
    check_decider(&team, &finding, event.kind, event.by, None)?;
    let events = root_map_or_create(tx, EVENTS)?;
    if tx.get(&events, event.id.as_str())?.is_some() {
        return Err(Error::validation("hazard_event", "an event with this id already exists"));
    }
    autosurgeon::reconcile_prop(tx, &events, event.id.as_str(), event)?;
    if let Some(to) = finding_status_after(event.kind) {
        let from = string(tx, &obj, "status")?.and_then(|s| FindingStatus::from_code(&s).ok());
        // The coarse status follows where the legacy machine allows it.
        if from.is_some_and(|from| from != to && finding_transition(from, to).is_ok()) {
            put_significant(tx, &obj, "status", to.code().into())?;
        }
    }
    Ok(())
}

/// Refuses a report or plan filed by anyone but the enterprise's own user
/// named on it.
fn enterprise_in_person(editor: &Editor, by: PersonId) -> Result<()> {
    if editor.role != Role::Enterprise || by != editor.person {
        return Err(Error::Forbidden { role: editor.role.code().into(), action: "submit_rectification".into() });
    }
    Ok(())
}

/// Stores the enterprise's report and its `submitted` event (one change).
pub(super) fn submit_report(
    tx: &mut Transaction<'_>,
    editor: &Editor,
    cal: &HolidayCalendar,
    scheme: &GradeScheme,
    report: &RectificationReport,
) -> Result<()> {
    enterprise_in_person(editor, report.by)?;
    report.validate()?;
    let findings = root_map(tx, "findings")?;
    let finding: Finding = autosurgeon::hydrate_prop(tx, &findings, report.finding.to_string().as_str())?;
    check_photos(&finding, report)?;
    let reports = root_map_or_create(tx, REPORTS)?;
    if tx.get(&reports, report.id.as_str())?.is_some() {
        return Err(Error::validation("report", "a report with this id already exists"));
    }
    autosurgeon::reconcile_prop(tx, &reports, report.id.as_str(), report)?;
    record_event(tx, editor, cal, scheme, &submitted_event(report))
}

/// Every governance plan the document holds, oldest first.
pub fn governance_plans<D: autosurgeon::ReadDoc>(doc: &D) -> Result<Vec<GovernancePlan>> {
    let map: Option<BTreeMap<String, GovernancePlan>> = match autosurgeon::ReadDoc::get(doc, &ROOT, PLANS)? {
        Some(_) => autosurgeon::hydrate_prop(doc, ROOT, PLANS)?,
        None => None,
    };
    let mut list: Vec<GovernancePlan> = map.unwrap_or_default().into_values().collect();
    list.sort_by(|a, b| (a.filed_at.unix_millis(), &a.id).cmp(&(b.filed_at.unix_millis(), &b.id)));
    Ok(list)
}

/// Stores a major hazard's report and 治理方案 and its `plan_filed` event
/// (one change); a plan missing an element is refused naming it.
pub(super) fn file_plan(
    tx: &mut Transaction<'_>,
    editor: &Editor,
    cal: &HolidayCalendar,
    scheme: &GradeScheme,
    plan: &GovernancePlan,
) -> Result<()> {
    enterprise_in_person(editor, plan.by)?;
    plan.validate()?;
    // Created lazily: documents made before the major path have no such map.
    let plans = super::fields::root_map_or_create(tx, PLANS)?;
    if tx.get(&plans, plan.id.as_str())?.is_some() {
        return Err(Error::validation("plan", "a plan with this id already exists"));
    }
    autosurgeon::reconcile_prop(tx, &plans, plan.id.as_str(), plan)?;
    let mut event = new_event(plan.finding, EventKind::PlanFiled, editor, plan.filed_at);
    event.id = format!("{}-filed", plan.id);
    event.report = Some(plan.id.clone());
    event.evidence = plan.files.clone();
    record_event(tx, editor, cal, scheme, &event)
}

/// The `submitted` event a report carries.
pub fn submitted_event(report: &RectificationReport) -> HazardEvent {
    let id = format!("{}-submitted", report.id);
    let mut e =
        HazardEvent::new(id, report.finding, EventKind::Submitted, report.by, Role::Enterprise, report.submitted_at);
    e.evidence = report.submitted_blobs();
    e.requests_reinspection = report.requests_reinspection;
    e.report = Some(report.id.clone());
    e
}

/// Each pair's before-photo is the finding's; each after-photo and file was
/// recorded as rectification evidence of it.
pub fn check_photos(finding: &Finding, report: &RectificationReport) -> Result<()> {
    for pair in &report.photos {
        if !finding.evidence.contains(&pair.before) {
            return Err(Error::validation("photos", "配对的整改前照片不是该隐患的照片"));
        }
    }
    for hash in report.submitted_blobs() {
        if !finding.rectification_evidence.contains(&hash) {
            return Err(Error::validation("photos", "整改照片或附件须先作为该隐患的整改证据录入"));
        }
    }
    Ok(())
}

/// A new event of `kind` on `finding` by `editor` at `at` (an id is minted).
pub fn new_event(finding: FindingId, kind: EventKind, editor: &Editor, at: Timestamp) -> HazardEvent {
    HazardEvent::new(uuid::Uuid::now_v7().to_string(), finding, kind, editor.person, editor.role, at)
}
