//! The signing ceremony through the store: freezing records, the rules for
//! finalizing, refusals (拒签), interview records, and a tampering matrix in
//! which every forgery must be detected.

use automerge::transaction::Transactable;
use automerge::{ActorId, ReadDoc, ROOT};
use lianjian_core::doc::{Edit, Editor, FindingField, InspectionDoc};
use lianjian_core::model::*;
use lianjian_core::signing::strokes::Pad;
use lianjian_core::signing::verify::{verify_all, verify_detached};
use lianjian_core::signing::{
    DeviceKey, RecordRef, SignatureEntry, SignatureStatus, Signer, SignerRole, Stroke, StrokePoint,
};
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

const PAD: Pad = Pad { width: 400.0, height: 160.0 };

/// Handwriting-like strokes (the shells send what the pad recorded).
fn handwriting(seed: u32) -> Vec<Stroke> {
    (0..3)
        .map(|s| Stroke {
            points: (0..30)
                .map(|i| StrokePoint {
                    x: 30.0 + s as f32 * 110.0 + i as f32 * 3.0,
                    y: 80.0 + ((i + seed * 7 + s * 3) as f32 * 0.5).sin() * 45.0,
                    t: s * 700 + i * 9,
                    pressure: 0.4 + (i % 4) as f32 * 0.1,
                })
                .collect(),
        })
        .collect()
}

fn inspector(t: &Editor) -> Signer {
    Signer { name: t.name.clone(), role: SignerRole::Inspector, person: Some(t.person) }
}

fn responsible() -> Signer {
    Signer { name: "袁海燕".into(), role: SignerRole::ResponsiblePerson, person: None }
}

/// A site store with its inspection presented for signature.
fn presented(dir: &std::path::Path) -> (Store, Inspection, Team) {
    let (mut store, insp, _, t, _) = site_store(dir);
    store
        .edit(
            &insp.id,
            &t.lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-18T11:30:00+08:00"),
        )
        .unwrap();
    (store, insp, t)
}

fn sign(
    store: &mut Store,
    insp: &Inspection,
    by: &Editor,
    record: &RecordRef,
    signer: Signer,
    minute: u32,
) -> SignatureEntry {
    let when = at(&format!("2026-03-18T11:{minute:02}:00+08:00"));
    store.sign_record(&insp.id, by, record, signer, &handwriting(minute), PAD, when).unwrap()
}

fn mark_signed(store: &mut Store, insp: &Inspection, t: &Team) -> Result<(), Error> {
    store
        .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::Signed)], at("2026-03-18T11:59:00+08:00"))
        .map(|_| ())
}

#[test]
fn signed_by_the_responsible_person_and_two_inspectors_the_record_is_final() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, t) = presented(dir.path());
    let err = mark_signed(&mut store, &insp, &t).unwrap_err().to_string();
    assert!(err.contains("隐患清单：缺少企业负责人签字或拒签记录"), "{err}");
    assert!(err.contains("需两名以上执法人员签字（现有 0 名）"), "{err}");
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        sign(&mut store, &insp, &t.a, &record, responsible(), 31);
        sign(&mut store, &insp, &t.a, &record, inspector(&t.a), 32);
        // The same inspector twice is still one inspector.
        sign(&mut store, &insp, &t.a, &record, inspector(&t.a), 33);
    }
    let err = mark_signed(&mut store, &insp, &t).unwrap_err().to_string();
    assert!(err.contains("现有 1 名"), "{err}");
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        sign(&mut store, &insp, &t.lead, &record, inspector(&t.b), 34);
    }
    let checks = store.verify_signatures(&insp.id).unwrap();
    assert_eq!(checks.len(), 8);
    assert!(checks.iter().all(|c| c.status == SignatureStatus::Valid), "{checks:?}");
    assert!(store.signing_state(&insp.id).unwrap().iter().all(|s| s.complete));
    mark_signed(&mut store, &insp, &t).unwrap();
    // The signature images are blobs the document references (and uploads).
    let refs =
        lianjian_core::doc::validate::evidence_refs(store.inspection_doc(&insp.id).unwrap().automerge()).unwrap();
    for c in &checks {
        assert!(refs.contains(&c.entry.image_sha256));
        let png = image::load_from_memory(&store.read_blob(&c.entry.image_sha256).unwrap()).unwrap();
        assert_eq!((png.width(), png.height()), (800, 320));
    }
}

#[test]
fn a_refusal_needs_its_reason_and_two_distinct_enrolled_inspectors() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, t) = presented(dir.path());
    let when = at("2026-03-18T11:40:00+08:00");
    // An expert (no enforcement powers) is on the team too.
    let mut expert = t.members[2].clone();
    expert.role = TeamRole::Expert;
    expert.certificate_no = None;
    let expert_editor = Editor { person: PersonId::new(), name: "孙工".into(), role: t.b.role };
    expert.person = expert_editor.person;
    expert.name = expert_editor.name.clone();
    store.edit(&insp.id, &t.lead, &[Edit::PutMember(expert)], when).unwrap();
    let blank = store.refuse_to_sign(&insp.id, &t.a, &RecordRef::Findings, "  ", when);
    assert!(matches!(blank, Err(Error::Validation { field: "reason", .. })));
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        store.refuse_to_sign(&insp.id, &t.a, &record, "企业负责人对隐患等级有异议，拒绝签字", when).unwrap();
        sign(&mut store, &insp, &t.a, &record, inspector(&t.a), 41);
    }
    let again = store.refuse_to_sign(&insp.id, &t.a, &RecordRef::Findings, "再次拒签", when);
    assert!(matches!(again, Err(Error::Validation { field: "refusal", .. })), "a refusal is recorded once");
    // The expert cannot be the second inspector.
    let not_officer = store.sign_record(
        &insp.id,
        &t.a,
        &RecordRef::Findings,
        Signer { name: "孙工".into(), role: SignerRole::Inspector, person: Some(expert_editor.person) },
        &handwriting(1),
        PAD,
        when,
    );
    assert!(matches!(not_officer, Err(Error::Validation { field: "signer", .. })));
    let err = mark_signed(&mut store, &insp, &t).unwrap_err().to_string();
    assert!(err.contains("现有 1 名") && !err.contains("拒签记录"), "{err}");
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        sign(&mut store, &insp, &t.b, &record, inspector(&t.b), 42);
    }
    mark_signed(&mut store, &insp, &t).unwrap();
    let frozen = &store.verify_signatures(&insp.id).unwrap()[0].entry;
    assert!(
        frozen.snapshot.contains("企业负责人对隐患等级有异议，拒绝签字"),
        "the refusal is part of what the inspectors signed"
    );
}

#[test]
fn interview_records_are_signed_by_the_interviewee_and_the_interviewers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, _) = site_store(dir.path());
    let interview = interview(InterviewId::new(), &t, "储罐区接地检测记录在哪里？", "在安全科，最近一次是去年十月。");
    store.edit(&insp.id, &t.a, &[Edit::AddInterview(interview.clone())], at("2026-03-18T10:30:00+08:00")).unwrap();
    let record = RecordRef::Interview(interview.id);
    let wrong = Signer { name: "袁海燕".into(), role: SignerRole::Interviewee, person: None };
    assert!(store
        .sign_record(&insp.id, &t.a, &record, wrong, &handwriting(1), PAD, at("2026-03-18T10:40:00+08:00"))
        .is_err());
    let interviewee = Signer { name: "董秀英".into(), role: SignerRole::Interviewee, person: None };
    store
        .sign_record(&insp.id, &t.a, &record, interviewee, &handwriting(2), PAD, at("2026-03-18T10:41:00+08:00"))
        .unwrap();
    store
        .sign_record(&insp.id, &t.a, &record, inspector(&t.a), &handwriting(3), PAD, at("2026-03-18T10:42:00+08:00"))
        .unwrap();
    let state = store.signing_state(&insp.id).unwrap();
    let mine = state.iter().find(|s| s.record == record).unwrap();
    // Ids, never names: these lines end up in error messages.
    assert_eq!(mine.missing, [format!("缺少询问人签字：{}", t.b.person), "需两名以上执法人员签字（现有 1 名）".into()]);
    store
        .sign_record(&insp.id, &t.b, &record, inspector(&t.b), &handwriting(4), PAD, at("2026-03-18T10:43:00+08:00"))
        .unwrap();
    assert!(store.signing_state(&insp.id).unwrap().iter().find(|s| s.record == record).unwrap().complete);
    // An answer appended after signing shows as a change.
    let qa = QuestionAnswer { question: "补充：".into(), answer: "接地线上周被叉车撞断。".into() };
    store.edit(&insp.id, &t.a, &[Edit::AppendQa { id: interview.id, qa }], at("2026-03-18T10:50:00+08:00")).unwrap();
    let changed = store.verify_signatures(&insp.id).unwrap();
    assert!(changed.iter().all(|c| matches!(&c.status, SignatureStatus::ChangedAfterSigning { changes } if changes.iter().any(|x| x.description.contains("新增询问笔录问答")))), "{changed:?}");
}

#[test]
fn an_interviewee_who_refuses_is_attested_by_two_officers() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, _) = site_store(dir.path());
    let interview = interview(InterviewId::new(), &t, "为何未设置防静电接地？", "（拒绝回答）");
    store.edit(&insp.id, &t.a, &[Edit::AddInterview(interview.clone())], at("2026-03-18T10:30:00+08:00")).unwrap();
    let record = RecordRef::Interview(interview.id);
    let state = |s: &mut Store| s.signing_state(&insp.id).unwrap().into_iter().find(|r| r.record == record).unwrap();
    assert!(state(&mut store).missing.contains(&"缺少被询问人签字或拒签记录".to_string()));
    // The refusal to mark it signed names what is missing, never who: no
    // names, ID numbers or phone numbers in an error.
    let err = store
        .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::Signed)], at("2026-03-18T10:35:00+08:00"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("询问笔录"), "{err}");
    let personal = [&interview.interviewee.name, &interview.interviewee.id_number, &interview.interviewee.phone];
    for p in personal.into_iter().chain([&t.a.name, &t.b.name, &t.lead.name]) {
        assert!(!err.contains(p.as_str()), "{p} in {err}");
    }
    // A refusal needs its reason, and is recorded once.
    let at_ = at("2026-03-18T10:40:00+08:00");
    assert!(store.refuse_to_sign(&insp.id, &t.a, &record, "  ", at_).is_err());
    let refusal = store.refuse_to_sign(&insp.id, &t.a, &record, "被询问人拒绝在笔录上签字", at_).unwrap();
    assert!(store.refuse_to_sign(&insp.id, &t.b, &record, "再次记录", at_).is_err());
    assert_eq!(refusal.record, record.code());
    // The two interviewers sign the record, refusal included: it is final.
    for (who, n) in [(&t.a, 5), (&t.b, 6)] {
        let signed = store
            .sign_record(&insp.id, who, &record, inspector(who), &handwriting(n), PAD, at("2026-03-18T10:45:00+08:00"))
            .unwrap();
        assert!(signed.snapshot.contains("被询问人拒绝在笔录上签字"), "the refusal is part of what they signed");
    }
    assert!(state(&mut store).complete, "{:?}", state(&mut store).missing);
}

#[test]
fn a_merge_arriving_after_signing_shows_as_changed_never_inside_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, finding) = site_store(dir.path());
    // Inspector B's tablet holds a copy and keeps editing offline.
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = Store::open(&other_dir.path().join("lianjian.db")).unwrap();
    sync_into(&mut store, &mut other, &insp.id);
    other
        .edit(
            &insp.id,
            &t.b,
            &[Edit::UpdateFinding { id: finding, field: FindingField::Grade("二级".into()) }],
            at("2026-03-18T11:20:00+08:00"),
        )
        .unwrap();
    store
        .edit(
            &insp.id,
            &t.lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-18T11:30:00+08:00"),
        )
        .unwrap();
    let signed = sign(&mut store, &insp, &t.a, &RecordRef::Findings, responsible(), 31);
    assert!(signed.snapshot.contains("\"grade\":\"一级\""));
    sync_into(&mut other, &mut store, &insp.id);
    let checks = store.verify_signatures(&insp.id).unwrap();
    let SignatureStatus::ChangedAfterSigning { changes } = &checks[0].status else { panic!("{checks:?}") };
    // The grade, and the deadline that follows it (30 days for 一级, 15 for 二级).
    assert_eq!(changes.len(), 2, "{changes:?}");
    let lines: Vec<&str> = changes.iter().map(|c| c.description.as_str()).collect();
    assert!(lines.iter().any(|l| l.contains("隐患等级 由「一级」改为「二级」")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("整改期限 由「2026-04-17」改为「2026-04-02」")), "{lines:?}");
    assert_eq!(checks[0].entry, signed, "the frozen snapshot is untouched by the merge");
}

/// Writes into a copy of the inspection as another device would, with raw
/// automerge (no checks), and returns the statuses afterwards.
fn tampered(
    doc: &InspectionDoc,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>),
) -> Vec<(String, SignatureStatus)> {
    let mut copy = doc.fork(ActorId::random());
    let mut tx = copy.automerge_mut().transaction();
    f(&mut tx);
    tx.commit();
    verify_all(copy.automerge()).unwrap().into_iter().map(|c| (c.entry.id, c.status)).collect()
}

fn sig_obj(tx: &automerge::transaction::Transaction<'_>, id: &str) -> automerge::ObjId {
    let (_, sigs) = tx.get(ROOT, "signatures").unwrap().unwrap();
    tx.get(&sigs, id).unwrap().unwrap().1
}

fn text(tx: &automerge::transaction::Transaction<'_>, obj: &automerge::ObjId, key: &str) -> String {
    match tx.get(obj, key).unwrap().unwrap().0 {
        automerge::Value::Scalar(s) => s.as_str().unwrap().to_string(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, t) = presented(dir.path());
    let a = sign(&mut store, &insp, &t.a, &RecordRef::Findings, responsible(), 31);
    let b = sign(&mut store, &insp, &t.a, &RecordRef::SiteRecord, inspector(&t.a), 32);
    let doc = store.inspection_doc(&insp.id).unwrap();
    let invalid = |statuses: &[(String, SignatureStatus)], id: &str| {
        matches!(statuses.iter().find(|(i, _)| i == id).map(|(_, s)| s), Some(SignatureStatus::Invalid { .. }))
    };
    let mut detected = 0;
    let mut cases = 0;
    let mut expect = |name: &str, ok: bool| {
        cases += 1;
        assert!(ok, "undetected: {name}");
        detected += 1;
    };

    // 1. Edit the snapshot bytes (hash left alone, then hash fixed up too).
    for fix_hash in [false, true] {
        let s = tampered(&doc, |tx| {
            let obj = sig_obj(tx, &a.id);
            let snap = text(tx, &obj, "snapshot").replace("储罐区防静电接地线断开", "储罐区接地线松动");
            if fix_hash {
                use sha2::Digest;
                tx.put(&obj, "snapshot_sha256", hex::encode(sha2::Sha256::digest(snap.as_bytes()))).unwrap();
            }
            tx.put(&obj, "snapshot", snap).unwrap();
        });
        expect("edited snapshot", invalid(&s, &a.id));
    }
    // 2. Swap the device signatures of two entries.
    let s = tampered(&doc, |tx| {
        let (oa, ob) = (sig_obj(tx, &a.id), sig_obj(tx, &b.id));
        tx.put(&oa, "device_signature", b.device_signature.as_str()).unwrap();
        tx.put(&ob, "device_signature", a.device_signature.as_str()).unwrap();
    });
    expect("swapped signature a", invalid(&s, &a.id));
    expect("swapped signature b", invalid(&s, &b.id));
    // 3. Change who signed, or when.
    for (field, value) in [("signed_at", "2026-03-17T11:31:00+08:00"), ("image_sha256", &"0".repeat(64)[..])] {
        let s = tampered(&doc, |tx| {
            let obj = sig_obj(tx, &a.id);
            tx.put(&obj, field, value).unwrap();
        });
        expect(field, invalid(&s, &a.id));
    }
    let s = tampered(&doc, |tx| {
        let obj = sig_obj(tx, &a.id);
        let (_, signer) = tx.get(&obj, "signer").unwrap().unwrap();
        tx.put(&signer, "name", "王某").unwrap();
    });
    expect("signer renamed", invalid(&s, &a.id));
    // 4. Replay a signature onto another record of the same inspection.
    let s = tampered(&doc, |tx| {
        let obj = sig_obj(tx, &a.id);
        tx.put(&obj, "record", "site_record").unwrap();
    });
    expect("replayed onto another record", invalid(&s, &a.id));
    // 5. Re-sign with another key, in place or registered in the signer's name.
    let forger = DeviceKey::generate().unwrap();
    let mut forged = a.clone();
    forged.device_key = forger.public_hex();
    forged.device_signature = forger.sign_hex(&forged.message());
    for register in [false, true] {
        let s = tampered(&doc, |tx| {
            let obj = sig_obj(tx, &a.id);
            tx.put(&obj, "device_key", forged.device_key.as_str()).unwrap();
            tx.put(&obj, "device_signature", forged.device_signature.as_str()).unwrap();
            if register {
                let (_, actors) = tx.get(ROOT, "actors").unwrap().unwrap();
                for actor in tx.keys(&actors).collect::<Vec<_>>() {
                    let (_, entry) = tx.get(&actors, &actor).unwrap().unwrap();
                    tx.put(&entry, "device_key", forged.device_key.as_str()).unwrap();
                }
            }
        });
        expect("forged key", invalid(&s, &a.id));
    }
    // 6. Replay the whole entry into another inspection of the same enterprise.
    let mut other = insp.clone();
    other.id = InspectionId::new();
    other.status = InspectionStatus::Draft;
    other.findings.clear();
    store.create_inspection(&other, &t.lead, at("2026-03-18T12:00:00+08:00")).unwrap();
    let other_doc = store.inspection_doc(&other.id).unwrap();
    let s = tampered(&other_doc, |tx| {
        let (_, sigs) = tx.get(ROOT, "signatures").unwrap().unwrap();
        autosurgeon::reconcile_prop(tx, &sigs, a.id.as_str(), &a).unwrap();
    });
    expect("replayed into another inspection", invalid(&s, &a.id));
    let mut moved = a.clone();
    moved.inspection = other.id;
    expect(
        "re-addressed package",
        matches!(verify_detached(other_doc.automerge(), &moved).unwrap(), SignatureStatus::Invalid { .. }),
    );
    expect(
        "package to another inspection",
        matches!(verify_detached(other_doc.automerge(), &a).unwrap(), SignatureStatus::Invalid { .. }),
    );
    // 7. A detached copy (an exported package) edited anywhere.
    let mut edited = a.clone();
    edited.snapshot = edited.snapshot.replace("储罐区", "仓库");
    expect(
        "package snapshot",
        matches!(verify_detached(doc.automerge(), &edited).unwrap(), SignatureStatus::Invalid { .. }),
    );
    let mut swapped = a.clone();
    swapped.device_signature = b.device_signature.clone();
    expect(
        "package signature",
        matches!(verify_detached(doc.automerge(), &swapped).unwrap(), SignatureStatus::Invalid { .. }),
    );
    assert_eq!(verify_detached(doc.automerge(), &a).unwrap(), SignatureStatus::Valid);
    // 8. The live record changed after signing: reported with what changed.
    store
        .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-18T12:10:00+08:00"))
        .unwrap();
    let f = store.inspection(&insp.id).unwrap().findings.into_values().next().unwrap();
    store
        .edit(
            &insp.id,
            &t.a,
            &[Edit::UpdateFinding { id: f.id, field: FindingField::Requirement("三日内整改".into()) }],
            at("2026-03-18T12:11:00+08:00"),
        )
        .unwrap();
    let checks = store.verify_signatures(&insp.id).unwrap();
    let SignatureStatus::ChangedAfterSigning { changes } = &checks.iter().find(|c| c.entry.id == a.id).unwrap().status
    else {
        panic!("{checks:?}")
    };
    expect("live change", changes.iter().any(|c| c.description.contains("整改要求 由「立即整改")));
    assert_eq!(detected, cases);
    assert!(cases >= 14);
}

#[test]
fn the_server_check_refuses_writes_into_frozen_entries() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, t) = presented(dir.path());
    let a = sign(&mut store, &insp, &t.a, &RecordRef::Findings, responsible(), 31);
    store.refuse_to_sign(&insp.id, &t.a, &RecordRef::SiteRecord, "拒绝签字", at("2026-03-18T11:40:00+08:00")).unwrap();
    let doc = store.inspection_doc(&insp.id).unwrap();
    let scheme = lianjian_core::rules::grades::GradeScheme::three_level();
    let check =
        |d: &InspectionDoc| lianjian_core::doc::validate::check_schema(d.automerge(), &insp.id.to_string(), &scheme);
    check(&doc).unwrap();
    let tamper = |f: &dyn Fn(&mut automerge::transaction::Transaction<'_>)| {
        let mut copy = doc.fork(ActorId::random());
        let mut tx = copy.automerge_mut().transaction();
        f(&mut tx);
        tx.commit();
        copy
    };
    let edited = tamper(&|tx| {
        let obj = sig_obj(tx, &a.id);
        tx.put(&obj, "signed_at", "2026-03-17T00:00:00+08:00").unwrap();
    });
    assert!(check(&edited).unwrap_err().to_string().contains("changed after it was frozen"));
    let refusal = tamper(&|tx| {
        let (_, refusals) = tx.get(ROOT, "refusals").unwrap().unwrap();
        let (_, r) = tx.get(&refusals, "site_record").unwrap().unwrap();
        tx.put(&r, "reason", "已同意").unwrap();
    });
    assert!(check(&refusal).is_err());
    let key = tamper(&|tx| {
        let (_, actors) = tx.get(ROOT, "actors").unwrap().unwrap();
        let first = tx.keys(&actors).next().unwrap();
        let (_, entry) = tx.get(&actors, &first).unwrap().unwrap();
        tx.put(&entry, "device_key", "00").unwrap();
    });
    assert!(check(&key).unwrap_err().to_string().contains("another device"));
}
