//! The legal rules as the store applies them to every edit, on fixed
//! clocks: the team rule at start and on team changes; the item
//! verdict settled on the checklist; the inspection's outcome; deadlines on
//! a device whose clock is behind what it received, and across a calendar
//! arriving.

use lianjian_core::clock::{Clock, FixedClock};
use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::office::documents::{calendar_doc_id, office_doc, OfficeDoc, KIND_CALENDAR};
use lianjian_core::rules::outcome::OutcomeError;
use lianjian_core::rules::team::TeamError;
use lianjian_core::store::findings::FindingDraft;
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

fn planned(industry: &str, team: &Team, members: Vec<TeamMember>) -> (Store, Inspection) {
    let mut store = Store::open_in_memory().unwrap();
    let (e, c) = (enterprise(industry), checklist(industry));
    let created = at("2026-03-02T08:30:00+08:00");
    store.put_enterprise(&e, created).unwrap();
    store.put_checklist(&c, created).unwrap();
    let mut insp = new_inspection(&e, &c, team, created);
    insp.team = members.iter().map(|m| (m.person.to_string(), m.clone())).collect();
    store.create_inspection(&insp, &team.lead, created).unwrap();
    (store, insp)
}

fn start(store: &mut Store, insp: &Inspection, t: &Team) -> lianjian_core::Result<()> {
    store.edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))?;
    Ok(())
}

#[test]
fn the_team_rule_holds_at_start_and_on_team_changes() {
    // Mines: the checklist requires every officer to be qualified.
    let t = team("mining");
    let mut unqualified = t.members.clone();
    unqualified[2].qualifications.clear();
    let (mut store, insp) = planned("mining", &t, unqualified.clone());
    assert!(store.inspection(&insp.id).unwrap().qualification_required, "copied from the checklist");
    let err = start(&mut store, &insp, &t).unwrap_err();
    assert!(
        matches!(&err, Error::Team(TeamError::Unqualified { persons, .. }) if *persons == unqualified[2].person.to_string()),
        "{err}"
    );
    assert_eq!(store.inspection(&insp.id).unwrap().status, InspectionStatus::Draft, "nothing written");

    // One officer alone may not start.
    let (mut store, insp) = planned("mining", &t, t.members[..1].to_vec());
    assert!(matches!(start(&mut store, &insp, &t), Err(Error::Team(TeamError::TooFewOfficers(1)))));
    // A lead without a certificate may not lead.
    let mut no_cert = t.members.clone();
    no_cert[0].certificate_no = None;
    let (mut store, insp) = planned("mining", &t, no_cert);
    assert!(matches!(start(&mut store, &insp, &t), Err(Error::Team(TeamError::LeadNotOfficer))));

    // Construction does not require qualifications; a joint team names an
    // officer of each department. Started, the team cannot drop below the rule.
    let t = team("construction");
    let mut joint = t.members.clone();
    joint[2].qualifications.clear();
    let (mut store, insp) = planned("construction", &t, joint);
    start(&mut store, &insp, &t).unwrap();
    let at_ = at("2026-03-02T10:00:00+08:00");
    let mut uncertified = t.members[2].clone();
    uncertified.certificate_no = None;
    let err = store.edit(&insp.id, &t.lead, &[Edit::PutMember(uncertified)], at_).unwrap_err();
    assert!(matches!(err, Error::Team(TeamError::DepartmentWithoutOfficer("市场监管"))), "{err}");
    store.edit(&insp.id, &t.lead, &[Edit::RemoveMember(t.members[2].person)], at_).unwrap();
    let err = store.edit(&insp.id, &t.lead, &[Edit::RemoveMember(t.members[1].person)], at_).unwrap_err();
    assert!(matches!(err, Error::Team(TeamError::TooFewOfficers(1))), "{err}");
    assert_eq!(store.inspection(&insp.id).unwrap().team.len(), 2);
}

#[test]
fn a_reading_out_of_range_fails_and_the_outcome_follows_the_findings() {
    let (mut store, insp, c, t) = started_store("hazardous_chemicals");
    let grounding = c.item("WHP-11").unwrap();
    let when = at("2026-03-02T09:30:00+08:00");
    // Nothing failed yet: no hazard.
    assert_eq!(store.inspection_outcome(&insp.id).unwrap().derived, InspectionOutcome::NoHazard);
    // A patched caller writes 18.5 Ω as 符合: the store records 不符合.
    let mut r = response(grounding, &t.a, 4.0, when);
    r.measured = Some(18.5);
    assert_eq!(r.verdict, Verdict::Pass);
    store.edit(&insp.id, &t.a, &[Edit::RecordResponse(r)], when).unwrap();
    let stored = store.inspection(&insp.id).unwrap();
    assert_eq!(stored.responses.values().next().unwrap().verdict, Verdict::Fail);
    // A response for an item the checklists do not have is refused.
    let mut stray = response(grounding, &t.a, 4.0, when);
    stray.item_code = "NOPE-1".into();
    assert!(store.edit(&insp.id, &t.a, &[Edit::RecordResponse(stray)], when).is_err());

    // A failed reading means rectification; the lead may not choose less …
    let o = store.inspection_outcome(&insp.id).unwrap();
    assert_eq!((o.derived, o.in_force), (InspectionOutcome::Rectify, InspectionOutcome::Rectify));
    let weaker = Edit::ChooseOutcome { outcome: InspectionOutcome::NoHazard, reason: "已当场整改".into() };
    let err = store.edit(&insp.id, &t.lead, &[weaker], when).unwrap_err();
    assert!(matches!(err, Error::Outcome(OutcomeError::Weaker { .. })), "{err}");
    // … but more, with a reason.
    let bare = Edit::ChooseOutcome { outcome: InspectionOutcome::ImmediateMeasures, reason: " ".into() };
    assert!(matches!(store.edit(&insp.id, &t.lead, &[bare], when), Err(Error::Outcome(OutcomeError::ReasonRequired))));
    let stronger = Edit::ChooseOutcome {
        outcome: InspectionOutcome::ImmediateMeasures,
        reason: "储罐区存在泄漏风险".into(),
    };
    store.edit(&insp.id, &t.lead, &[stronger], when).unwrap();
    let o = store.inspection_outcome(&insp.id).unwrap();
    assert_eq!((o.derived, o.in_force), (InspectionOutcome::Rectify, InspectionOutcome::ImmediateMeasures));
    assert_eq!(o.chosen.unwrap().reason, "储罐区存在泄漏风险");
}

#[test]
fn a_device_clock_behind_the_last_sync_still_records_with_its_own_time() {
    // Tablet A synced a change made on 2027-01-10; tablet B's clock says
    // 2026-12-20. B records a hazard: the deadline counts from B's date
    // (provisional: 2027 has no calendar here), and the merged record keeps
    // both times as the devices showed them.
    let (mut a, insp, c, t) = started_store("hazardous_chemicals");
    let mut b = Store::open_in_memory().unwrap();
    b.put_checklist(&c, at("2026-03-02T08:30:00+08:00")).unwrap();
    sync_into(&mut a, &mut b, &insp.id);
    let ahead =
        a.add_finding(&insp.id, &t.a, draft("三级", "安全警示标志缺失"), at("2027-01-10T09:00:00+08:00")).unwrap();
    sync_into(&mut a, &mut b, &insp.id);
    let behind = FixedClock::parse("2026-12-20T09:00:00+08:00");
    let f = b.add_finding(&insp.id, &t.b, draft("二级", "安全出口堵塞"), behind.now()).unwrap();
    assert_eq!(f.found_at, behind.now());
    let d = b.finding_deadline(&insp.id, &f).unwrap();
    assert_eq!(d.deadline, Deadline::By("2027-01-04".parse().unwrap()));
    assert!(d.provisional.is_some());
    assert_eq!(b.finding(&insp.id, &ahead.id).unwrap().found_at, at("2027-01-10T09:00:00+08:00"));
    // Overdue on B's clock: not yet.
    assert!(b.overdue_findings(behind.today()).unwrap().is_empty());
}

#[test]
fn a_2027_date_before_and_after_the_calendar_arrives() {
    let (mut store, insp, _, t) = started_store("hazardous_chemicals");
    // 2027-02-01 (Monday) + 7 days = 02-08: a working day by the fallback,
    // inside 春节 once the calendar is here (→ 02-15).
    let f = store.add_finding(&insp.id, &t.a, draft("三级", "消防通道堵塞"), at("2027-02-01T10:00:00+08:00")).unwrap();
    assert_eq!(f.deadline, Deadline::By("2027-02-08".parse().unwrap()));
    assert!(f.deadline_provisional.as_deref().is_some_and(|r| r.contains("2027年")));
    let row = &store.inspection_findings(&insp.id).unwrap()[0];
    assert_eq!((row.due_date, row.provisional), ("2027-02-08".parse().unwrap(), true));

    // The office's calendar document arrives (as sync would deliver it).
    let text = std::fs::read_to_string(lianjian_core::import::fixtures_dir().join("calendars/test-2027.toml")).unwrap();
    let parsed = OfficeDoc::parse(KIND_CALENDAR, &text).unwrap();
    let doc =
        office_doc(&parsed, &text, "office", automerge::ActorId::random(), at("2026-11-21T09:00:00+08:00")).unwrap();
    store.receive(&calendar_doc_id(2027), &doc.save(), at("2027-02-02T08:00:00+08:00")).unwrap();
    let row = &store.inspection_findings(&insp.id).unwrap()[0];
    assert_eq!((row.due_date, row.provisional, row.deadline_changed), ("2027-02-15".parse().unwrap(), false, true));
    // A finding recorded now is final from the start.
    let g = store.add_finding(&insp.id, &t.a, draft("三级", "灭火器过期"), at("2027-02-01T11:00:00+08:00")).unwrap();
    assert_eq!((g.deadline, g.deadline_provisional), (Deadline::By("2027-02-15".parse().unwrap()), None));
    // A deadline set by hand is never recomputed, and stays within the grade.
    let manual = store
        .set_finding_deadline(
            &insp.id,
            &t.lead,
            &g.id,
            Some(("2027-02-10".parse().unwrap(), "企业承诺提前完成".into())),
            at("2027-02-01T12:00:00+08:00"),
        )
        .unwrap();
    assert_eq!(
        (manual.deadline_basis, manual.deadline),
        (DeadlineBasis::Manual, Deadline::By("2027-02-10".parse().unwrap()))
    );
    let too_late = store.set_finding_deadline(
        &insp.id,
        &t.lead,
        &g.id,
        Some(("2027-03-01".parse().unwrap(), "x".into())),
        at("2027-02-01T12:00:00+08:00"),
    );
    assert!(matches!(too_late, Err(Error::Deadline(_))));
    let regraded =
        store.set_finding_grade(&insp.id, &t.lead, &g.id, "二级", None, at("2027-02-01T12:10:00+08:00")).unwrap();
    assert_eq!(regraded.deadline, Deadline::By("2027-02-10".parse().unwrap()), "a manual deadline stays");
    let back = store.set_finding_deadline(&insp.id, &t.lead, &g.id, None, at("2027-02-01T12:20:00+08:00")).unwrap();
    // 二级: 15 days from 2027-02-01 = 02-16, a working day after 春节.
    assert_eq!(
        (back.deadline_basis, back.deadline),
        (DeadlineBasis::Computed, Deadline::By("2027-02-16".parse().unwrap()))
    );
}

fn draft(grade: &str, description: &str) -> FindingDraft {
    FindingDraft {
        description: description.into(),
        location: "现场".into(),
        item_code: None,
        grade: grade.into(),
        requirement: "限期整改".into(),
        immediate_measure: None,
        deadline_override: None,
    }
}
