//! The closed loop on one device and under the server's authorization: a
//! hazard ordered, reported with paired photos (one reused, flagged),
//! returned with a reason, reported again, accepted, re-inspected and
//! closed, every step an event; the task lists follow; raw changes that
//! skip a step, claim another role or rewrite an event are refused.

use automerge::transaction::Transactable;
use automerge::ROOT;
use lianjian_core::doc::authorize::{authorize_changes, Author, Context, Rule};
use lianjian_core::doc::closed_loop::{new_event, submitted_event};
use lianjian_core::doc::{Edit, Editor};
use lianjian_core::evidence::{EvidencePurpose, EvidenceTarget, FlagKind, FlagPolicy, PhotoPipeline};
use lianjian_core::model::*;
use lianjian_core::office::OfficeData;
use lianjian_core::rules::lifecycle::{EventKind, HazardState, ReinspectionMode};
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::evidence::EvidenceRequest;
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

fn request(f: FindingId, purpose: EvidencePurpose) -> EvidenceRequest {
    EvidenceRequest { target: EvidenceTarget::Finding(f), purpose }
}

fn event(store: &mut Store, insp: &InspectionId, who: &Editor, e: lianjian_core::rules::lifecycle::HazardEvent) {
    store.edit(insp, who, &[Edit::RecordHazardEvent(e)], at("2026-03-30T09:00:00+08:00")).unwrap();
}

/// A 二级 hazard on the checklist's first item (the deadline follows the grade).
fn ordinary(c: &ChecklistTemplate, by: &Editor, found: Timestamp, description: &str) -> Finding {
    let mut f = finding(c.items().next().unwrap(), by, found, description);
    f.grade = "二级".into();
    f.immediate_measure = None;
    f
}

fn report(f: FindingId, by: &Editor, before: &str, after: &str, when: &str) -> RectificationReport {
    RectificationReport {
        id: uuid::Uuid::now_v7().to_string(),
        finding: f,
        by: by.person,
        submitted_at: at(when),
        measures: "重新敷设防静电接地线并检测接地电阻".into(),
        responsible: "设备科 刘强".into(),
        completed_on: Day("2026-03-24".parse().unwrap()),
        cost_fen: Some(180_000),
        photos: vec![PhotoPair { before: before.into(), after: after.into() }],
        files: vec![],
        requests_reinspection: true,
    }
}

#[test]
fn a_hazard_goes_round_the_loop_and_every_step_is_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, c, t, _) = site_store(dir.path());
    // An ordinary (二级) hazard: a major one takes the 治理方案 path instead.
    let f = ordinary(&c, &t.a, at("2026-03-18T10:40:00+08:00"), "储罐区防静电接地线断开");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-18T10:41:00+08:00")).unwrap();
    let f = f.id;
    let pipeline = PhotoPipeline::new(watermark_font());
    let policy = FlagPolicy::default();
    let hazard = request(f, EvidencePurpose::Hazard);
    let before = store
        .ingest_photo(
            &insp.id,
            &t.a,
            &hazard,
            &photo("site-12mp.jpg"),
            &pipeline,
            &policy,
            at("2026-03-18T10:43:00+08:00"),
        )
        .unwrap();
    let mut ordered = new_event(f, EventKind::Ordered, &t.lead, at("2026-03-18T16:00:00+08:00"));
    ordered.id = "0-ordered".into();
    event(&mut store, &insp.id, &t.lead, ordered);
    let of_f = |rows: Vec<lianjian_core::store::FindingRow>| -> Vec<lianjian_core::store::FindingRow> {
        rows.into_iter().filter(|r| r.id == f.to_string()).collect()
    };
    let due = of_f(store.rectifications_due().unwrap());
    assert_eq!((due.len(), due[0].life_state.as_str()), (1, "rectifying"));
    // Whose task it is, by role: the enterprise's, not yet the officers'.
    let tasks_of = |store: &lianjian_core::store::Store, role: Role| -> Vec<&'static str> {
        let today = "2026-03-20".parse().unwrap();
        let tasks = store.hazard_tasks(role, today).unwrap();
        tasks.into_iter().filter(|(_, r)| r.id == f.to_string()).map(|(t, _)| t.code()).collect()
    };
    assert_eq!(tasks_of(&store, Role::Enterprise), ["rectify"]);
    assert!(tasks_of(&store, Role::Inspector).is_empty());
    let original = due[0].due_date;
    assert_eq!(due[0].original_due, Some(original));

    // The enterprise photographs the same spot (the reused picture is flagged) and reports.
    let ent = Editor { person: PersonId::new(), name: "袁海燕".into(), role: Role::Enterprise };
    let rect = request(f, EvidencePurpose::Rectification);
    let later = at("2026-03-25T09:00:00+08:00");
    let after = store.ingest_photo(&insp.id, &ent, &rect, &photo("site-again.jpg"), &pipeline, &policy, later).unwrap();
    assert!(after.flags.iter().any(|x| x.kind == FlagKind::DuplicatePicture));
    let foreign = report(f, &ent, &"00".repeat(32), &after.sha256, "2026-03-25T09:05:00+08:00");
    let refused = store.edit(&insp.id, &ent, &[Edit::SubmitRectification(foreign)], later).unwrap_err();
    assert!(refused.to_string().contains("不是该隐患的照片"), "{refused}");
    let first = report(f, &ent, &before.sha256, &after.sha256, "2026-03-25T09:05:00+08:00");
    store.edit(&insp.id, &ent, &[Edit::SubmitRectification(first)], later).unwrap();
    assert_eq!(of_f(store.reviews_due().unwrap()).len(), 1);
    assert!(of_f(store.rectifications_due().unwrap()).is_empty());
    assert_eq!((tasks_of(&store, Role::TeamLead), tasks_of(&store, Role::Office)), (vec!["review"], vec!["review"]));
    assert!(tasks_of(&store, Role::Enterprise).is_empty());

    // Only officers review; a return needs a reason and a new deadline.
    let accept = new_event(f, EventKind::Accepted, &ent, at("2026-03-26T09:00:00+08:00"));
    assert!(matches!(
        store.edit(&insp.id, &ent, &[Edit::RecordHazardEvent(accept)], later),
        Err(Error::Forbidden { .. })
    ));
    let bare = new_event(f, EventKind::Returned, &t.a, at("2026-03-26T09:00:00+08:00"));
    assert!(store.edit(&insp.id, &t.a, &[Edit::RecordHazardEvent(bare)], later).is_err());
    let mut returned = new_event(f, EventKind::Returned, &t.a, at("2026-03-26T09:00:00+08:00"));
    returned.reason = Some("整改后照片未显示接地电阻检测结果".into());
    returned.deadline = Some(Day("2026-04-10".parse().unwrap()));
    event(&mut store, &insp.id, &t.a, returned);
    let due = of_f(store.rectifications_due().unwrap());
    assert_eq!(due[0].returned_reason.as_deref(), Some("整改后照片未显示接地电阻检测结果"));
    assert_eq!((due[0].due_date, due[0].original_due), ("2026-04-10".parse().unwrap(), Some(original)));

    // Again; accepted; the 复查 passes on site: closed (销号).
    let second = report(f, &ent, &before.sha256, &after.sha256, "2026-04-02T09:00:00+08:00");
    store.edit(&insp.id, &ent, &[Edit::SubmitRectification(second)], at("2026-04-02T09:00:00+08:00")).unwrap();
    // Only the issuing department (住建, who found it) decides; the lead is 应急.
    let by_lead = new_event(f, EventKind::Accepted, &t.lead, at("2026-04-03T09:00:00+08:00"));
    let refused = store.edit(&insp.id, &t.lead, &[Edit::RecordHazardEvent(by_lead)], later).unwrap_err();
    assert!(refused.to_string().contains("须由住建的执法人员"), "{refused}");
    event(&mut store, &insp.id, &t.a, new_event(f, EventKind::Accepted, &t.a, at("2026-04-03T09:00:00+08:00")));
    let due = of_f(store.reinspections_due_by("2026-12-31".parse().unwrap()).unwrap());
    assert_eq!(due.len(), 1);
    let mut passed = new_event(f, EventKind::Passed, &t.a, at("2026-04-07T10:00:00+08:00"));
    passed.mode = Some(ReinspectionMode::OnSite);
    event(&mut store, &insp.id, &t.a, passed);
    let lc = store.life_cycles(&insp.id).unwrap().into_iter().find(|lc| lc.finding == f).unwrap();
    assert_eq!(lc.state, HazardState::Closed);
    let kinds: Vec<EventKind> = lc.applied.iter().map(|e| e.kind).collect();
    use EventKind::*;
    assert_eq!(kinds, [Ordered, Submitted, Returned, Submitted, Accepted, Passed]);
    // 二级: 15 days from 03-18; the return's later date never replaced it.
    assert_eq!((lc.original_deadline, original), ("2026-04-02".parse().unwrap(), "2026-04-02".parse().unwrap()));
    assert_eq!(lc.closed_on_time(), Some(false));
    assert_eq!(store.finding(&insp.id, &f).unwrap().status, FindingStatus::Closed);
    assert!(of_f(store.reviews_due().unwrap()).is_empty() && of_f(store.rectifications_due().unwrap()).is_empty());

    // Every change of that history passes the server's authorization by its author.
    let doc = store.inspection_doc(&insp.id).unwrap().into_automerge();
    let office = OfficeData::default();
    let checklists = [std::sync::Arc::new(checklist("hazardous_chemicals"))];
    let ctx = Context { office: &office, checklists: &checklists };
    // One device made them all here: each must pass for one of the people.
    let who = [&t.lead, &t.a, &t.b, &ent];
    for change in doc.get_changes(&[]) {
        let passes = who.iter().any(|e| {
            let author = Author { person: e.person, role: e.role, enterprise: None, department: None };
            authorize_changes(&doc, change.deps(), std::slice::from_ref(&change), &author, &ctx).is_ok()
        });
        assert!(passes, "{:?} refused for everyone", change.message());
    }
}

/// Raw changes a patched app could write: refused with the rule they break.
#[test]
fn forged_loop_changes_are_refused_with_the_rule() {
    let (mut store, insp, c, t) = started_store("construction");
    let f = ordinary(&c, &t.a, at("2026-03-02T10:00:00+08:00"), "脚手架连墙件缺失");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:01:00+08:00")).unwrap();
    let mut ordered = new_event(f.id, EventKind::Ordered, &t.lead, at("2026-03-02T16:00:00+08:00"));
    ordered.id = "ordered".into();
    store.edit(&insp.id, &t.lead, &[Edit::RecordHazardEvent(ordered)], at("2026-03-02T16:00:00+08:00")).unwrap();
    let base = store.inspection_doc(&insp.id).unwrap().into_automerge();
    let known = base.get_heads();
    let office = OfficeData::default();
    let checklists = [std::sync::Arc::new(c.clone())];
    let ctx = Context { office: &office, checklists: &checklists };
    let ent = Editor { person: PersonId::new(), name: "企业".into(), role: Role::Enterprise };
    let forge = |by: &Editor, write: &dyn Fn(&mut automerge::transaction::Transaction<'_>)| -> Result<(), Rule> {
        let mut doc = base.fork();
        let mut tx = doc.transaction();
        write(&mut tx);
        tx.commit();
        let change = doc.get_changes(&known);
        let author = Author { person: by.person, role: by.role, enterprise: None, department: None };
        authorize_changes(&doc, &known, &change, &author, &ctx).map_err(|r| r.rule)
    };
    let put = |tx: &mut automerge::transaction::Transaction<'_>, e: &lianjian_core::rules::lifecycle::HazardEvent| {
        let (_, events) = automerge::ReadDoc::get(tx, ROOT, "hazard_events").unwrap().unwrap();
        autosurgeon::reconcile_prop(tx, &events, e.id.as_str(), e).unwrap();
    };
    // The enterprise closes its own hazard: never its step.
    let mut passed = new_event(f.id, EventKind::Passed, &ent, at("2026-03-03T09:00:00+08:00"));
    passed.mode = Some(ReinspectionMode::Written);
    assert_eq!(forge(&ent, &|tx| put(tx, &passed)), Err(Rule::Forbidden));
    // An inspector's event claiming to be the lead's.
    let claimed = new_event(f.id, EventKind::ConfirmedOnSite, &t.lead, at("2026-03-03T09:00:00+08:00"));
    assert_eq!(forge(&t.a, &|tx| put(tx, &claimed)), Err(Rule::Forbidden));
    // A report event with no report.
    let ghost = submitted_event(&report(f.id, &ent, &"ab".repeat(32), &"cd".repeat(32), "2026-03-03T09:00:00+08:00"));
    assert_eq!(forge(&ent, &|tx| put(tx, &ghost)), Err(Rule::Schema));
    // Rewriting the order's event.
    let rewrite = |tx: &mut automerge::transaction::Transaction<'_>| {
        let (_, events) = automerge::ReadDoc::get(tx, ROOT, "hazard_events").unwrap().unwrap();
        let (_, e) = automerge::ReadDoc::get(tx, &events, "ordered").unwrap().unwrap();
        tx.put(&e, "reason", "改写").unwrap();
    };
    assert_eq!(forge(&t.lead, &rewrite), Err(Rule::Immutable));
    // An order handed over is not "fixed on site" afterwards: that skips the report.
    let mut fixed = new_event(f.id, EventKind::ConfirmedOnSite, &t.a, at("2026-03-03T09:00:00+08:00"));
    fixed.evidence = vec!["ab".repeat(32)];
    assert_eq!(forge(&t.a, &|tx| put(tx, &fixed)), Err(Rule::Transition));
}

/// An officer not on the team acts only on a hazard referred to their
/// department (移交), and only through its events.
#[test]
fn a_referral_lets_that_department_act_on_that_hazard_and_nothing_else() {
    use lianjian_core::doc::FindingField;
    let (mut store, insp, c, t) = started_store("construction");
    let referred = ordinary(&c, &t.a, at("2026-03-02T10:00:00+08:00"), "违规搭建临时彩钢板房");
    let kept = ordinary(&c, &t.a, at("2026-03-02T10:05:00+08:00"), "配电箱未接地");
    let when = at("2026-03-02T10:10:00+08:00");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(referred.clone()), Edit::AddFinding(kept.clone())], when).unwrap();
    let refer = FindingField::ReferredTo(Some(Department::HousingConstruction));
    store.edit(&insp.id, &t.lead, &[Edit::UpdateFinding { id: referred.id, field: refer }], when).unwrap();
    let base = store.inspection_doc(&insp.id).unwrap().into_automerge();
    let known = base.get_heads();
    let office = OfficeData::default();
    let checklists = [std::sync::Arc::new(c.clone())];
    let ctx = Context { office: &office, checklists: &checklists };
    let outsider = Editor { person: PersonId::new(), name: "刘海燕".into(), role: Role::Inspector };
    let forge = |department: Department, write: &dyn Fn(&mut automerge::transaction::Transaction<'_>)| {
        let mut doc = base.fork();
        let mut tx = doc.transaction();
        write(&mut tx);
        tx.commit();
        let change = doc.get_changes(&known);
        let author =
            Author { person: outsider.person, role: Role::Inspector, enterprise: None, department: Some(department) };
        authorize_changes(&doc, &known, &change, &author, &ctx).map_err(|r| r.rule)
    };
    let accept = |f: FindingId| {
        let by = outsider.clone();
        move |tx: &mut automerge::transaction::Transaction<'_>| {
            let e = new_event(f, EventKind::ReferralAccepted, &by, at("2026-03-03T09:00:00+08:00"));
            let (_, events) = automerge::ReadDoc::get(tx, ROOT, "hazard_events").unwrap().unwrap();
            autosurgeon::reconcile_prop(tx, &events, e.id.as_str(), &e).unwrap();
        }
    };
    assert_eq!(forge(Department::HousingConstruction, &accept(referred.id)), Ok(()));
    assert_eq!(forge(Department::MarketRegulation, &accept(referred.id)), Err(Rule::NotOnTeam));
    assert_eq!(forge(Department::HousingConstruction, &accept(kept.id)), Err(Rule::NotOnTeam));
    let rewrite = |tx: &mut automerge::transaction::Transaction<'_>| {
        let (_, findings) = automerge::ReadDoc::get(tx, ROOT, "findings").unwrap().unwrap();
        let (_, f) = automerge::ReadDoc::get(tx, &findings, referred.id.to_string().as_str()).unwrap().unwrap();
        tx.put(&f, "description", "改写的隐患描述").unwrap();
    };
    assert_eq!(forge(Department::HousingConstruction, &rewrite), Err(Rule::NotOnTeam));
    let add = |tx: &mut automerge::transaction::Transaction<'_>| {
        let f = ordinary(&c, &outsider, at("2026-03-03T09:00:00+08:00"), "外部门新增隐患");
        let (_, findings) = automerge::ReadDoc::get(tx, ROOT, "findings").unwrap().unwrap();
        autosurgeon::reconcile_prop(tx, &findings, f.id.to_string().as_str(), &f).unwrap();
    };
    assert_eq!(forge(Department::HousingConstruction, &add), Err(Rule::NotOnTeam));
}

/// 自查自报: the enterprise's own record, kept by its user alone.
#[test]
fn only_the_enterprise_keeps_its_own_self_inspection() {
    let e = enterprise("construction");
    let c = checklist("construction");
    let ent = Editor { person: PersonId::new(), name: "企业安全负责人".into(), role: Role::Enterprise };
    let mut store = Store::open_in_memory().unwrap();
    let when = at("2026-06-01T09:00:00+08:00");
    store.put_enterprise(&e, when).unwrap();
    let record = Inspection::self_inspection(&e, "three-level", when);
    store.create_inspection(&record, &ent, when).unwrap();
    let f = ordinary(&c, &ent, when, "灭火器压力不足");
    store.edit(&record.id, &ent, &[Edit::AddFinding(f)], when).unwrap();
    assert!(store.inspection_findings(&record.id).unwrap()[0].self_reported);
    // Not with a team, and not by an officer in the enterprise's name.
    let mut teamed = Inspection::self_inspection(&e, "three-level", when);
    teamed.team = team("construction").members.into_iter().map(|m| (m.person.to_string(), m)).collect();
    assert!(matches!(store.create_inspection(&teamed, &ent, when), Err(Error::Forbidden { .. })));
    let t = team("construction");
    let other = Inspection::self_inspection(&e, "three-level", when);
    assert!(matches!(store.create_inspection(&other, &t.lead, when), Err(Error::Forbidden { .. })));
    // The enterprise records nothing in an inspection by officers.
    let (mut officers, insp, c2, _) = started_store("construction");
    let g = ordinary(&c2, &ent, when, "企业自行添加");
    assert!(matches!(officers.edit(&insp.id, &ent, &[Edit::AddFinding(g)], when), Err(Error::Forbidden { .. })));
    // Another enterprise's user creating it is refused by the server's rule.
    let doc = store.inspection_doc(&record.id).unwrap().into_automerge();
    let office = OfficeData::default();
    let ctx = Context { office: &office, checklists: &[] };
    let stranger =
        Author { person: ent.person, role: Role::Enterprise, enterprise: Some(EnterpriseId::new()), department: None };
    let created = doc.get_changes(&[]);
    assert_eq!(authorize_changes(&doc, &[], &created, &stranger, &ctx).map_err(|r| r.rule), Err(Rule::NotOnTeam));
    let owner = Author { enterprise: Some(e.id), ..stranger };
    assert_eq!(authorize_changes(&doc, &[], &created, &owner, &ctx), Ok(()));
}
