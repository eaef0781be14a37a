//! The one authorization of a change (`doc::authorize`), as the server runs
//! it: a patched app writes raw automerge changes, and each is refused with
//! the rule it breaks; the same edits made honestly through the store pass
//! (every other test, and `merge_props` for random concurrent edits, runs
//! the same authorization on every edit the store commits).

use std::sync::Arc;

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, Change, ChangeHash, ObjType, ReadDoc, ROOT};
use lianjian_core::doc::authorize::{authorize_changes, Author, Context, Rule};
use lianjian_core::doc::{Edit, Editor, FindingField};
use lianjian_core::model::*;
use lianjian_core::office::OfficeData;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

struct Scene {
    store: Store,
    insp: Inspection,
    checklist: Arc<ChecklistTemplate>,
    team: Team,
    finding: FindingId,
    measured: ChecklistItem,
}

/// A construction inspection on site with one finding by inspector A and A's
/// response to a measured item.
fn scene() -> Scene {
    let (mut store, insp, c, t) = started_store("construction");
    let item = c.items().next().unwrap().clone();
    let f = finding(&item, &t.a, at("2026-03-02T10:00:00+08:00"), "脚手架连墙件缺失");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:01:00+08:00")).unwrap();
    let measured = c.items().find(|i| matches!(i.kind, ItemKind::Measurement { .. })).unwrap().clone();
    let r = response(&measured, &t.a, 50.0, at("2026-03-02T10:05:00+08:00"));
    store.edit(&insp.id, &t.a, &[Edit::RecordResponse(r)], at("2026-03-02T10:05:00+08:00")).unwrap();
    Scene { store, insp, checklist: Arc::new(c), team: t, finding: f.id, measured }
}

fn author(e: &Editor) -> Author {
    Author { person: e.person, role: e.role, enterprise: None, department: None }
}

/// A change written with raw automerge ops on a copy of the inspection,
/// as a patched app would, and the authorization of it.
fn forged(s: &mut Scene, by: &Author, write: impl FnOnce(&mut Transaction<'_>, &str)) -> Result<(), Rule> {
    let mut doc: Automerge = s.store.inspection_doc(&s.insp.id).unwrap().into_automerge().fork();
    let known: Vec<ChangeHash> = doc.get_heads();
    let actor = doc.get_actor().to_hex_string();
    let mut tx = doc.transaction();
    write(&mut tx, &actor);
    tx.commit();
    let new: Vec<Change> = doc.get_changes(&known);
    assert!(!new.is_empty(), "the forged change wrote nothing");
    let office = OfficeData::default();
    let ctx = Context { office: &office, checklists: std::slice::from_ref(&s.checklist) };
    authorize_changes(&doc, &known, &new, by, &ctx).map_err(|r| {
        assert!(!r.to_string().is_empty());
        r.rule
    })
}

fn map(tx: &Transaction<'_>, key: &str) -> automerge::ObjId {
    tx.get(ROOT, key).unwrap().unwrap().1
}

fn entry(tx: &Transaction<'_>, collection: &str, key: &str) -> automerge::ObjId {
    let m = map(tx, collection);
    tx.get(&m, key).unwrap().unwrap().1
}

#[test]
fn raw_changes_that_break_a_rule_are_refused_with_the_rule() {
    let mut s = scene();
    let (a, lead) = (author(&s.team.a), author(&s.team.lead));
    let lead_key = s.team.lead.person.to_string();
    let fid = s.finding.to_string();
    let stranger = Author { person: PersonId::new(), role: Role::Inspector, enterprise: None, department: None };
    let enterprise = Author {
        person: PersonId::new(),
        role: Role::Enterprise,
        enterprise: Some(s.insp.enterprise),
        department: None,
    };
    let key = response_key(&s.measured.code, &s.team.a.person);

    // The team: an inspector adds anyone, or removes the lead.
    assert_eq!(
        forged(&mut s, &a, |tx, _| {
            let team = map(tx, "team");
            let m = tx.put_object(&team, "someone", ObjType::Map).unwrap();
            tx.put(&m, "role", "inspector").unwrap();
        }),
        Err(Rule::Forbidden)
    );
    assert_eq!(
        forged(&mut s, &a, |tx, _| tx.delete(map(tx, "team"), lead_key.as_str()).unwrap()),
        Err(Rule::Forbidden)
    );
    // A person the server knows but who is not on the team.
    assert_eq!(
        forged(&mut s, &stranger, |tx, _| tx.put(entry(tx, "findings", &fid), "location", "别处").unwrap()),
        Err(Rule::NotOnTeam)
    );
    // The status: signed straight from on site, or by an inspector.
    assert_eq!(forged(&mut s, &lead, |tx, _| tx.put(ROOT, "status", "signed").unwrap()), Err(Rule::Transition));
    assert_eq!(
        forged(&mut s, &a, |tx, _| tx.put(ROOT, "status", "awaiting_signature").unwrap()),
        Err(Rule::Transition)
    );
    // The header: another enterprise, another grade scheme, a whole collection.
    assert_eq!(
        forged(&mut s, &lead, |tx, _| tx.put(ROOT, "enterprise", EnterpriseId::new().to_string()).unwrap()),
        Err(Rule::Immutable)
    );
    assert_eq!(
        forged(&mut s, &lead, |tx, _| tx.put(ROOT, "grade_scheme", "major-general").unwrap()),
        Err(Rule::Immutable)
    );
    assert_eq!(
        forged(&mut s, &lead, |tx, _| {
            tx.put_object(ROOT, "findings", ObjType::Map).unwrap();
        }),
        Err(Rule::Immutable)
    );
    // Records are never deleted.
    assert_eq!(
        forged(&mut s, &lead, |tx, _| tx.delete(map(tx, "findings"), fid.as_str()).unwrap()),
        Err(Rule::Deleted)
    );
    assert_eq!(
        forged(&mut s, &lead, |tx, _| tx.delete(map(tx, "responses"), key.as_str()).unwrap()),
        Err(Rule::Deleted)
    );
    // Another device's registration.
    assert_eq!(
        forged(&mut s, &a, |tx, _| {
            let actors = map(tx, "actors");
            let first = tx.keys(&actors).next().unwrap();
            tx.delete(&actors, first.as_str()).unwrap();
        }),
        Err(Rule::Deleted)
    );
    // A reading out of its threshold recorded as a pass.
    let bad = match &s.measured.kind {
        ItemKind::Measurement { threshold: Threshold::AtMost { limit }, .. } => limit + 1000.0,
        ItemKind::Measurement { threshold: Threshold::AtLeast { limit }, .. } => limit - 1000.0,
        ItemKind::Measurement { threshold: Threshold::Between { max, .. }, .. } => max + 1000.0,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(
        forged(&mut s, &a, |tx, _| {
            let r = entry(tx, "responses", &key);
            tx.put(&r, "measured", bad).unwrap();
            tx.put(&r, "verdict", "pass").unwrap();
        }),
        Err(Rule::Verdict)
    );
    // A deadline next year, set by hand.
    assert_eq!(
        forged(&mut s, &a, |tx, _| {
            let f = entry(tx, "findings", &fid);
            tx.put(&f, "deadline", "2027-03-01").unwrap();
            tx.put(&f, "deadline_basis", "manual").unwrap();
            tx.put(&f, "deadline_reason", "企业申请").unwrap();
        }),
        Err(Rule::Deadline)
    );
    // An enterprise grades a hazard, or closes it.
    assert_eq!(
        forged(&mut s, &enterprise, |tx, _| tx.put(entry(tx, "findings", &fid), "grade", "三级").unwrap()),
        Err(Rule::Forbidden)
    );
    assert_eq!(
        forged(&mut s, &enterprise, |tx, _| tx.put(entry(tx, "findings", &fid), "status", "closed").unwrap()),
        Err(Rule::Forbidden)
    );
    // A registration in someone else's name.
    assert_eq!(
        forged(&mut s, &a, |tx, me| {
            let actors = map(tx, "actors");
            let e = tx.put_object(&actors, me, ObjType::Map).unwrap();
            tx.put(&e, "person", s_lead_person()).unwrap();
            tx.put(&e, "role", "team_lead").unwrap();
        }),
        Err(Rule::Actor)
    );
    // A refusal recorded before anything was presented for signature.
    assert_eq!(
        forged(&mut s, &a, |tx, _| {
            let refusals = match tx.get(ROOT, "refusals").unwrap() {
                Some((_, id)) => id,
                None => tx.put_object(ROOT, "refusals", ObjType::Map).unwrap(),
            };
            tx.put_object(&refusals, "findings", ObjType::Map).unwrap();
        }),
        Err(Rule::Schema)
    );
}

fn s_lead_person() -> String {
    PersonId::new().to_string()
}

#[test]
fn a_conflict_ends_only_with_the_leads_resolution() {
    let mut s = scene();
    let mut b = Store::open_in_memory().unwrap();
    b.put_checklist(&s.checklist, at("2026-03-02T08:00:00+08:00")).unwrap();
    sync_into(&mut s.store, &mut b, &s.insp.id);
    let grade = |g: &str| [Edit::UpdateFinding { id: s.finding, field: FindingField::Grade(g.into()) }];
    s.store.edit(&s.insp.id, &s.team.a, &grade("三级"), at("2026-03-02T10:10:00+08:00")).unwrap();
    b.edit(&s.insp.id, &s.team.b, &grade("二级"), at("2026-03-02T10:11:00+08:00")).unwrap();
    sync_into(&mut b, &mut s.store, &s.insp.id);
    assert_eq!(s.store.conflicts(&s.insp.id).unwrap().len(), 1);
    // A patched app simply writes its value over the conflict.
    let (a, lead) = (author(&s.team.a), author(&s.team.lead));
    let fid = s.finding.to_string();
    assert_eq!(
        forged(&mut s, &a, |tx, _| tx.put(entry(tx, "findings", &fid), "grade", "三级").unwrap()),
        Err(Rule::Conflict)
    );
    assert_eq!(
        forged(&mut s, &lead, |tx, _| tx.put(entry(tx, "findings", &fid), "grade", "三级").unwrap()),
        Err(Rule::Conflict)
    );
    // The honest way passes the same authorization.
    let c = s.store.conflicts(&s.insp.id).unwrap().remove(0);
    s.store
        .resolve(
            &s.insp.id,
            &s.team.lead,
            &c,
            lianjian_core::doc::FieldValue::Text("二级".into()),
            at("2026-03-02T10:20:00+08:00"),
        )
        .unwrap();
    assert!(s.store.conflicts(&s.insp.id).unwrap().is_empty());
}

#[test]
fn the_device_refuses_early_what_the_server_would_refuse() {
    let (mut store, insp, _, t) = started_store("construction");
    // Signed in as a team lead, but only a member of this team.
    let claims_lead = Editor { role: Role::TeamLead, ..t.a.clone() };
    let heads = store.heads(&insp.id.to_string()).unwrap();
    let e = store
        .edit(
            &insp.id,
            &claims_lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-02T11:00:00+08:00"),
        )
        .unwrap_err();
    assert!(matches!(e, Error::Refused(ref r) if r.rule == Rule::Transition), "{e}");
    // Nothing of the refused change stays, on disk or in memory.
    assert_eq!(store.heads(&insp.id.to_string()).unwrap(), heads);
    assert_eq!(store.open_inspection(&insp.id).unwrap().status, InspectionStatus::InProgress);
    // The real lead may.
    store
        .edit(
            &insp.id,
            &t.lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-02T11:01:00+08:00"),
        )
        .unwrap();
}

#[test]
fn a_new_inspection_is_authorized_for_its_lead_and_nobody_else() {
    let (mut store, insp, c, t) = started_store("construction");
    let doc = store.inspection_doc(&insp.id).unwrap().into_automerge();
    let changes = doc.get_changes(&[]);
    let mut first = Automerge::new();
    first.apply_changes(changes[..1].to_vec()).unwrap();
    let office = OfficeData::default();
    let checklists = [Arc::new(c)];
    let ctx = Context { office: &office, checklists: &checklists };
    authorize_changes(&first, &[], &changes[..1], &author(&t.lead), &ctx).unwrap();
    let refused = authorize_changes(&first, &[], &changes[..1], &author(&t.a), &ctx).unwrap_err();
    assert_eq!(refused.rule, Rule::Forbidden);
    // The whole history at once, as a lead's first sync sends it.
    authorize_changes(&doc, &[], &changes, &author(&t.lead), &ctx).unwrap();
}
