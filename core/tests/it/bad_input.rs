//! Bad input gets a typed error and loses nothing already stored.

use lianjian_core::doc::{Edit, FindingField};
use lianjian_core::model::{FindingId, FindingStatus, InspectionId, InspectionStatus};
use lianjian_core::store::Store;
use lianjian_core::Error;

use crate::support::*;

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn corrupt_chunk_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let (good, bad) = {
        let mut store = Store::open(&path).unwrap();
        let c = checklist("construction");
        let t = team("construction");
        let e = enterprise("construction");
        let good = new_inspection(&e, &c, &t, at("2026-03-02T08:00:00+08:00"));
        let bad = new_inspection(&e, &c, &t, at("2026-03-03T08:00:00+08:00"));
        store.put_checklist(&c, at("2026-03-01T08:00:00+08:00")).unwrap();
        store.create_inspection(&good, &t.lead, at("2026-03-02T08:00:00+08:00")).unwrap();
        store.create_inspection(&bad, &t.lead, at("2026-03-03T08:00:00+08:00")).unwrap();
        store
            .edit(&bad.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-03T08:05:00+08:00"))
            .unwrap();
        // Flip bytes in the middle of the bad inspection's snapshot.
        let (chunk, mut bytes): (i64, Vec<u8>) = store
            .connection()
            .query_row(
                "SELECT id, bytes FROM chunks WHERE doc_id = ?1 AND kind = 'snapshot'",
                [bad.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        for b in &mut bytes[40..48] {
            *b ^= 0xA5;
        }
        store
            .connection()
            .execute("UPDATE chunks SET bytes = ?2 WHERE id = ?1", rusqlite::params![chunk, bytes])
            .unwrap();
        (good.id, bad.id)
    };
    let mut store = Store::open(&path).unwrap();
    let chunks_before = store.chunk_count(&bad.to_string()).unwrap();
    let err = store.inspection(&bad).unwrap_err();
    assert!(matches!(&err, Error::CorruptDocument { doc, .. } if doc == &bad.to_string()), "{err}");
    assert!(store
        .edit(
            &bad,
            &team("construction").lead,
            &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
            at("2026-03-03T09:00:00+08:00")
        )
        .is_err());
    assert_eq!(store.chunk_count(&bad.to_string()).unwrap(), chunks_before, "nothing deleted");
    assert!(store.inspection(&good).is_ok(), "other documents unaffected");
    // Missing chunk (heads no longer add up) is corruption too, not silent data loss.
    store
        .connection()
        .execute("DELETE FROM chunks WHERE doc_id = ?1 AND kind = 'incremental'", [bad.to_string()])
        .unwrap();
    assert!(matches!(Store::open(&path).unwrap().inspection(&bad), Err(Error::CorruptDocument { .. })));
}

#[test]
fn newer_schema_is_refused_and_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    {
        let store = Store::open(&path).unwrap();
        store.connection().pragma_update(None, "user_version", 42).unwrap();
        store.connection().pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = file_bytes(&path);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedSchemaVersion { found: 42, supported } if supported == lianjian_core::store::migrations::latest_version()),
        "{err}"
    );
    assert_eq!(file_bytes(&path), before);
    assert!(path.exists());
}

#[test]
fn invalid_ids_bytes_and_edits_are_typed_errors() {
    assert!(matches!("zzz".parse::<InspectionId>(), Err(Error::InvalidId { kind: "inspection", .. })));
    let (mut store, insp, c, t) = started_store("fire_safety");
    let heads = store.heads(&insp.id.to_string()).unwrap();
    let chunks = store.chunk_count(&insp.id.to_string()).unwrap();

    // Garbage bytes from "another replica".
    assert!(matches!(
        store.receive(&insp.id.to_string(), b"not automerge", at("2026-03-02T10:00:00+08:00")),
        Err(Error::CorruptDocument { .. })
    ));
    assert!(matches!(
        store.receive("new-doc", &[0x85, 0x6f, 0x4a, 0x83, 1, 2, 3], at("2026-03-02T10:00:00+08:00")),
        Err(Error::CorruptDocument { .. })
    ));
    assert!(store.document_ids(lianjian_core::store::DocKind::Inspection).unwrap().len() == 1);
    // Well-formed bytes of another document under this id are refused too.
    let (mut other, other_insp, ..) = started_store("fire_safety");
    let foreign = other.export(&other_insp.id.to_string()).unwrap();
    assert!(matches!(
        store.receive(&insp.id.to_string(), &foreign, at("2026-03-02T10:00:00+08:00")),
        Err(Error::Validation { field: "document", .. })
    ));
    let enterprise_doc = other.export(&other_insp.enterprise.to_string()).unwrap();
    assert!(matches!(
        store.receive(&insp.id.to_string(), &enterprise_doc, at("2026-03-02T10:00:00+08:00")),
        Err(Error::Validation { field: "document", .. })
    ));

    let item = c.item("XF-08").unwrap();
    let mut f = finding(item, &t.a, at("2026-03-02T10:00:00+08:00"), "疏散走道宽度0.8m");
    f.grade = "四级".into();
    let e = store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:00:00+08:00")).unwrap_err();
    assert!(matches!(e, Error::Validation { field: "grade", .. }), "{e}");
    // A batch with one bad edit writes nothing, not even the good ones.
    f.grade = "二级".into();
    let batch = [
        Edit::AddFinding(f.clone()),
        Edit::UpdateFinding { id: FindingId::new(), field: FindingField::Location("x".into()) },
    ];
    assert!(matches!(
        store.edit(&insp.id, &t.a, &batch, at("2026-03-02T10:01:00+08:00")),
        Err(Error::NotFound { kind: "finding", .. })
    ));
    // Wrong role, wrong transition, wrong answer kind.
    let mut enterprise_user = t.a.clone();
    enterprise_user.role = lianjian_core::rules::permissions::Role::Enterprise;
    assert!(matches!(
        store.edit(&insp.id, &enterprise_user, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:02:00+08:00")),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        store.edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::Closed)], at("2026-03-02T10:03:00+08:00")),
        Err(Error::InvalidTransition { .. })
    ));
    let wrong = lianjian_core::rules::verdict::verdict_for(
        item,
        &lianjian_core::rules::verdict::Answer::Choices(vec!["是".into()]),
    );
    assert!(matches!(wrong, Err(Error::Validation { field: "answer", .. })));
    assert!(matches!(
        store.edit(
            &insp.id,
            &t.a,
            &[Edit::AttachEvidence { id: f.id, sha256: "../../etc/passwd".into() }],
            at("2026-03-02T10:04:00+08:00")
        ),
        Err(Error::Validation { .. })
    ));
    assert!(matches!(store.inspection(&InspectionId::new()), Err(Error::NotFound { .. })));

    assert_eq!(store.heads(&insp.id.to_string()).unwrap(), heads, "document untouched");
    assert_eq!(store.chunk_count(&insp.id.to_string()).unwrap(), chunks, "nothing written");

    // The closed loop refuses skipped steps with typed errors.
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:05:00+08:00")).unwrap();
    assert!(matches!(
        store.edit(
            &insp.id,
            &t.a,
            &[Edit::SetFindingStatus { id: f.id, to: FindingStatus::Reopened }],
            at("2026-03-02T10:06:00+08:00")
        ),
        Err(Error::InvalidTransition { entity: "finding", .. })
    ));
}

#[test]
fn the_server_check_refuses_malformed_times_and_a_finding_without_its_time() {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    use lianjian_core::doc::validate::check_schema;
    use lianjian_core::rules::grades::GradeScheme;

    let (mut store, insp, c, t) = started_store("construction");
    let f = finding(c.item("JZ-12").unwrap(), &t.a, at("2026-03-02T10:30:00+08:00"), "开关箱漏电保护器失效");
    store.edit(&insp.id, &t.a, &[Edit::AddFinding(f.clone())], at("2026-03-02T10:30:00+08:00")).unwrap();
    let doc = store.inspection_doc(&insp.id).unwrap();
    let id = insp.id.to_string();
    let scheme = GradeScheme::three_level();
    check_schema(doc.automerge(), &id, &scheme).unwrap();
    type Forge = fn(&mut automerge::transaction::Transaction<'_>, &str);
    let forgeries: [(&str, Forge); 4] = [
        ("found_at", |tx, key| {
            let (_, findings) = tx.get(automerge::ROOT, "findings").unwrap().unwrap();
            let (_, obj) = tx.get(&findings, key).unwrap().unwrap();
            tx.delete(&obj, "found_at").unwrap();
        }),
        ("found_at", |tx, key| {
            let (_, findings) = tx.get(automerge::ROOT, "findings").unwrap().unwrap();
            let (_, obj) = tx.get(&findings, key).unwrap().unwrap();
            tx.put(&obj, "found_at", "上午十点").unwrap();
        }),
        ("description", |tx, key| {
            let (_, findings) = tx.get(automerge::ROOT, "findings").unwrap().unwrap();
            let (_, obj) = tx.get(&findings, key).unwrap().unwrap();
            tx.put_object(&obj, "description", automerge::ObjType::Map).unwrap();
        }),
        ("started_at", |tx, _| {
            tx.put(automerge::ROOT, "started_at", 1.5).unwrap();
        }),
    ];
    for (field, forge) in forgeries {
        let mut forged = doc.fork(automerge::ActorId::random());
        let mut tx = forged.automerge_mut().transaction();
        forge(&mut tx, &f.id.to_string());
        tx.commit();
        let err = check_schema(forged.automerge(), &id, &scheme).unwrap_err().to_string();
        assert!(err.contains(field), "{field}: {err}");
    }
}
