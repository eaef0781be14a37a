//! The attack matrix: an enrolled device with a patched app pushes raw
//! automerge changes that its own app would refuse. Each is refused with the
//! rule it breaks, the server's copy is untouched, and a second device that
//! reads the inspection afresh sees only the honest work; the honest edits
//! of the same people still pass.

use automerge::sync::{Message, State, SyncDoc};
use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ObjType, ReadDoc, ROOT};
use lianjian_core::doc::closed_loop::new_event;
use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::lifecycle::{EventKind, ReinspectionMode};
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;
use lianjian_core::sync::wire::{self, BatchRequest, BatchResponse, DocMessage};
use serde_bytes::ByteBuf;

use lianjian_sync_server::seed::Seeded;

use crate::support::*;

/// Pushes `doc`'s changes for inspection `id` with the automerge sync
/// protocol, straight to the batch endpoint; the server's refusals.
async fn push_raw(base: &str, token: &str, id: &str, doc: &mut Automerge) -> Vec<wire::Rejection> {
    let http = reqwest::Client::new();
    let mut state = State::new();
    for _ in 0..12 {
        let Some(msg) = doc.generate_sync_message(&mut state) else { break };
        let req = BatchRequest { messages: vec![DocMessage { doc: id.into(), message: ByteBuf::from(msg.encode()) }] };
        let resp = http.post(format!("{base}/v1/sync/batch")).bearer_auth(token).body(wire::encode(&req));
        let resp = resp.send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let resp: BatchResponse = wire::decode(&resp.bytes().await.unwrap()).unwrap();
        if !resp.rejected.is_empty() {
            return resp.rejected;
        }
        for m in resp.messages {
            doc.receive_sync_message(&mut state, Message::decode(&m.message).unwrap()).unwrap();
        }
    }
    vec![]
}

fn map(tx: &Transaction<'_>, key: &str) -> automerge::ObjId {
    tx.get(ROOT, key).unwrap().unwrap().1
}

fn entry(tx: &Transaction<'_>, collection: &str, key: &str) -> automerge::ObjId {
    tx.get(map(tx, collection), key).unwrap().unwrap().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_changes_that_break_the_rules_are_refused_and_the_honest_flow_passes() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    let (mut a, a_e, _) = server.device(&a_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();

    let summary = lead.search_enterprises("", 60).unwrap().into_iter().next().unwrap();
    let ent = lead.enterprise(&summary.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let insp = inspection(
        &ent,
        &checklist,
        &[member(&lead_user, TeamRole::Lead, &ent.industry), member(&a_user, TeamRole::Inspector, &ent.industry)],
    );
    let (lead_ed, a_ed) = (editor(&lead_user, Role::TeamLead), editor(&a_user, Role::Inspector));
    lead.create_inspection(&insp, &lead_ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    lead.edit(&insp.id, &lead_ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    let f = finding("安全出口堵塞", "二号车间", lead_ed.person, at("2026-03-02T09:10:00+08:00"), vec![]);
    lead.edit(&insp.id, &lead_ed, &[Edit::AddFinding(f.clone())], at("2026-03-02T09:10:00+08:00")).unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    assert!(client.sync(&mut a, &a_e.token).await.unwrap().rejected.is_empty());
    let id = insp.id.to_string();
    let fid = f.id.to_string();
    let lead_key = lead_ed.person.to_string();
    let honest = server_heads(&server.state, &id);

    // (who, what, expected code): each starts from the device's honest copy.
    type Write = Box<dyn FnOnce(&mut Transaction<'_>, &str)>;
    let attacks: Vec<(&str, bool, Write, &str)> = vec![
        (
            "an inspector adds someone to the team",
            false,
            Box::new(|tx, _| {
                let m = tx.put_object(map(tx, "team"), "intruder", ObjType::Map).unwrap();
                tx.put(&m, "role", "inspector").unwrap();
            }),
            "forbidden",
        ),
        (
            "an inspector removes the lead",
            false,
            Box::new(move |tx, _| tx.delete(map(tx, "team"), lead_key.as_str()).unwrap()),
            "forbidden",
        ),
        (
            "the lead marks it signed with no signature",
            true,
            Box::new(|tx, _| tx.put(ROOT, "status", "signed").unwrap()),
            "transition",
        ),
        (
            "the lead re-points it to another enterprise",
            true,
            Box::new(|tx, _| tx.put(ROOT, "enterprise", EnterpriseId::new().to_string()).unwrap()),
            "immutable",
        ),
        (
            "an inspector deletes a hazard",
            false,
            Box::new({
                let k = fid.clone();
                move |tx, _| tx.delete(map(tx, "findings"), k.as_str()).unwrap()
            }),
            "deleted",
        ),
        (
            "an inspector sets a deadline next year",
            false,
            Box::new({
                let k = fid.clone();
                move |tx, _| {
                    let f = entry(tx, "findings", &k);
                    tx.put(&f, "deadline", "2027-06-30").unwrap();
                    tx.put(&f, "deadline_basis", "manual").unwrap();
                    tx.put(&f, "deadline_reason", "企业申请").unwrap();
                }
            }),
            "deadline",
        ),
        (
            "an inspector registers the device in the lead's name",
            false,
            Box::new({
                let lead = lead_ed.person.to_string();
                move |tx, me| {
                    let e = tx.put_object(map(tx, "actors"), me, ObjType::Map).unwrap();
                    tx.put(&e, "person", lead.as_str()).unwrap();
                    tx.put(&e, "role", "team_lead").unwrap();
                }
            }),
            "actor",
        ),
        (
            "an inspector adds a hazard found at a malformed time",
            false,
            Box::new(|tx, _| {
                let f = tx.put_object(map(tx, "findings"), FindingId::new().to_string(), ObjType::Map).unwrap();
                tx.put(&f, "description", "无时间的隐患").unwrap();
                tx.put(&f, "found_at", "yesterday").unwrap();
            }),
            "schema",
        ),
        (
            "an inspector writes a 100 KB description",
            false,
            Box::new({
                let k = fid.clone();
                move |tx, _| tx.put(entry(tx, "findings", &k), "description", "隐".repeat(34_000)).unwrap()
            }),
            "too_large",
        ),
        (
            "an inspector of another department passes the lead's hazard",
            false,
            Box::new({
                let (f, by) = (f.id, a_ed.clone());
                move |tx, _| {
                    let mut e = new_event(f, EventKind::Passed, &by, at("2026-03-02T11:00:00+08:00"));
                    e.mode = Some(ReinspectionMode::OnSite);
                    autosurgeon::reconcile_prop(tx, map(tx, "hazard_events"), e.id.as_str(), &e).unwrap();
                }
            }),
            "forbidden",
        ),
        (
            "the lead closes a hazard with no report and no 复查",
            true,
            Box::new({
                let (f, by) = (f.id, lead_ed.clone());
                move |tx, _| {
                    let mut e = new_event(f, EventKind::Passed, &by, at("2026-03-02T11:00:00+08:00"));
                    e.mode = Some(ReinspectionMode::OnSite);
                    autosurgeon::reconcile_prop(tx, map(tx, "hazard_events"), e.id.as_str(), &e).unwrap();
                }
            }),
            "transition",
        ),
        (
            "an inspector hands over the order in the lead's name",
            false,
            Box::new({
                let (f, by) = (f.id, lead_ed.clone());
                move |tx, _| {
                    let e = new_event(f, EventKind::Ordered, &by, at("2026-03-02T11:00:00+08:00"));
                    autosurgeon::reconcile_prop(tx, map(tx, "hazard_events"), e.id.as_str(), &e).unwrap();
                }
            }),
            "forbidden",
        ),
        (
            "the lead rewrites the start time",
            true,
            Box::new(|tx, _| tx.put(ROOT, "started_at", "2026-03-01T09:00:00+08:00").unwrap()),
            "immutable",
        ),
    ];
    for (what, by_lead, write, code) in attacks {
        let (store, token): (&mut Store, &str) =
            if by_lead { (&mut lead, &lead_e.token) } else { (&mut a, &a_e.token) };
        let mut doc = Automerge::load(&store.export(&id).unwrap()).unwrap().with_actor(store.actor().clone());
        let actor = store.actor().to_hex_string();
        let mut tx = doc.transaction();
        write(&mut tx, &actor);
        tx.commit();
        let rejected = push_raw(&server.base, token, &id, &mut doc).await;
        assert_eq!(rejected.len(), 1, "{what}: not refused");
        assert_eq!(rejected[0].code, code, "{what}: {}", rejected[0].reason);
        assert!(!rejected[0].reason.is_empty() && !rejected[0].reason.contains(&lead_user.user.name));
        assert_eq!(server_heads(&server.state, &id), honest, "{what} changed the server's copy");
    }

    // A second device reads the inspection afresh: only the honest work.
    let office = server.user(Role::Office, 0).clone();
    let (mut reader, reader_e, _) = server.device(&office).await;
    client.sync(&mut reader, &reader_e.token).await.unwrap();
    assert_eq!(reader.inspection(&insp.id).unwrap(), lead.inspection(&insp.id).unwrap());

    // The same people's honest edits pass.
    let item = checklist.items().next().unwrap();
    let r = lianjian_core::rules::verdict::response_for(
        item,
        a_ed.person,
        &match &item.kind {
            ItemKind::Measurement { .. } => lianjian_core::rules::verdict::Answer::Measured(1.0),
            ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
                lianjian_core::rules::verdict::Answer::Choices(vec![options[0].clone()])
            }
            _ => lianjian_core::rules::verdict::Answer::Verdict(Verdict::Pass),
        },
        "现场核查".into(),
        at("2026-03-02T09:30:00+08:00"),
    )
    .unwrap();
    a.edit(&insp.id, &a_ed, &[Edit::RecordResponse(r)], at("2026-03-02T09:30:00+08:00")).unwrap();
    assert!(client.sync(&mut a, &a_e.token).await.unwrap().rejected.is_empty());
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    lead.edit(
        &insp.id,
        &lead_ed,
        &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
        at("2026-03-02T11:00:00+08:00"),
    )
    .unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    client.sync(&mut reader, &reader_e.token).await.unwrap();
    assert_eq!(reader.open_inspection(&insp.id).unwrap().status, InspectionStatus::AwaitingSignature);
}

/// Uploads `bytes` as a blob from the device holding `token`; its hash.
async fn upload(base: &str, token: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(bytes));
    let resp = reqwest::Client::new()
        .patch(format!("{base}/v1/uploads/{hash}"))
        .bearer_auth(token)
        .header("upload-offset", "0")
        .header("upload-length", bytes.len().to_string())
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    hash
}

async fn blob_status(base: &str, token: &str, hash: &str) -> u16 {
    let resp = reqwest::Client::new().get(format!("{base}/v1/blobs/{hash}")).bearer_auth(token).send().await.unwrap();
    resp.status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referencing_a_hash_grants_nothing_uploading_it_does() {
    let server = Server::start().await;
    let (lead_user, a_user, b_user) = (
        server.user(Role::TeamLead, 0).clone(),
        server.user(Role::Inspector, 0).clone(),
        server.user(Role::Inspector, 1).clone(),
    );
    let other_lead = server.add_user("吴建国", Role::TeamLead);
    // An emergency-management lead: the department oversees every industry.
    server
        .state
        .lock()
        .sql
        .execute(
            "UPDATE users SET department = 'emergency_management' WHERE id = $1",
            &[other_lead.user.id.as_str().into()],
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    let (mut other, other_e, _) = server.device(&other_lead).await;
    let (mut a, a_e, _) = server.device(&a_user).await;
    let (mut b, b_e, _) = server.device(&b_user).await;
    for (s, e) in [(&mut lead, &lead_e), (&mut other, &other_e)] {
        client.sync(s, &e.token).await.unwrap();
    }
    let ents = lead.search_enterprises("", 2).unwrap();
    let plan = |store: &mut Store, lead: &Seeded, teammate: &Seeded, ent: &str| {
        let ent = store.enterprise(&ent.parse().unwrap()).unwrap();
        let (insp, ed) = plan_inspection(store, lead, teammate, &ent, true);
        let f = finding("配电箱未接地", "一号车间", ed.person, at("2026-03-02T09:10:00+08:00"), vec![]);
        store.edit(&insp.id, &ed, &[Edit::AddFinding(f.clone())], at("2026-03-02T09:10:00+08:00")).unwrap();
        (insp.id, f.id, ed)
    };
    // Team 1 (lead + A) photographs a hazard; the document is synced before the upload finishes.
    let (i1, f1, ed1) = plan(&mut lead, &lead_user, &a_user, &ents[0].id);
    let photo = std::fs::read(lianjian_core::import::fixtures_dir().join("photos/site-12mp.jpg")).unwrap();
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(&photo));
    assert_eq!(lead.put_blob(&photo, "image/jpeg", at("2026-03-02T09:11:00+08:00")).unwrap(), hash);
    lead.edit(&i1, &ed1, &[Edit::AttachEvidence { id: f1, sha256: hash.clone() }], at("2026-03-02T09:11:00+08:00"))
        .unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    assert_eq!(upload(&server.base, &lead_e.token, &photo).await, hash);
    client.sync(&mut a, &a_e.token).await.unwrap();
    assert_eq!(blob_status(&server.base, &a_e.token, &hash).await, 200, "the team reads its own photo");

    // Team 2 (another lead + B) learns the hash and references it in its own inspection.
    let (i2, f2, ed2) = plan(&mut other, &other_lead, &b_user, &ents[1].id);
    other
        .edit(&i2, &ed2, &[Edit::AttachEvidence { id: f2, sha256: hash.clone() }], at("2026-03-02T09:12:00+08:00"))
        .unwrap();
    let refused = client.sync(&mut other, &other_e.token).await.unwrap().rejected;
    assert_eq!(refused.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["evidence"], "{refused:?}");
    // A hash nobody uploads is refused the same way.
    let dangling = "cd".repeat(32);
    other
        .edit(&i2, &ed2, &[Edit::AttachEvidence { id: f2, sha256: dangling.clone() }], at("2026-03-02T09:13:00+08:00"))
        .unwrap();
    let refused = client.sync(&mut other, &other_e.token).await.unwrap().rejected;
    assert_eq!(refused.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ["evidence"], "{refused:?}");
    // The honest rest goes through on the next sync; a fresh read from the
    // teammate: the hazard is there, no reference is.
    assert!(client.sync(&mut other, &other_e.token).await.unwrap().rejected.is_empty());
    client.sync(&mut b, &b_e.token).await.unwrap();
    let found: Vec<_> = b.inspection(&i2).unwrap().findings.into_values().collect();
    assert_eq!(found.len(), 1);
    assert!(found[0].evidence.is_empty(), "{:?}", found[0].evidence);
    assert_eq!(blob_status(&server.base, &other_e.token, &hash).await, 404, "a known hash opened the blob");
    assert_eq!(blob_status(&server.base, &b_e.token, &hash).await, 404, "a teammate of the referencer read it");
}

/// No enrolled device can fill the disk: uploads no document references
/// expire, and each device has a storage quota.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreferenced_uploads_expire_and_each_device_has_a_quota() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let photo = std::fs::read(lianjian_core::import::fixtures_dir().join("photos/site-12mp.jpg")).unwrap();
    let scan = std::fs::read(lianjian_core::import::fixtures_dir().join("enterprises.json")).unwrap();
    // The photo is referenced by an inspection; the scan by nothing.
    let summary = lead.search_enterprises("", 1).unwrap().remove(0);
    let ent = lead.enterprise(&summary.id.parse().unwrap()).unwrap();
    let a_user = server.user(Role::Inspector, 0).clone();
    let (insp, ed) = plan_inspection(&mut lead, &lead_user, &a_user, &ent, true);
    let photo_hash = upload(&server.base, &lead_e.token, &photo).await;
    let f = finding("配电箱未接地", "一号车间", ed.person, at("2026-03-02T09:10:00+08:00"), vec![photo_hash.clone()]);
    lead.edit(&insp.id, &ed, &[Edit::AddFinding(f)], at("2026-03-02T09:10:00+08:00")).unwrap();
    assert!(client.sync(&mut lead, &lead_e.token).await.unwrap().rejected.is_empty());
    let scan_hash = upload(&server.base, &lead_e.token, &scan).await;

    // The cutoff is "stored before": a month ago nothing was; a month on
    // (cutoff a minute from now), only the unreferenced scan goes.
    let removed = {
        let mut db = server.state.lock();
        let now = Timestamp::now().unix_millis();
        let month_ago = Timestamp::from_unix_millis(now - 30 * 86_400_000);
        let blobs = &server.state.blobs;
        let expire = |db: &mut dyn lianjian_sync_server::sql::Sql, cutoff| {
            lianjian_sync_server::blobs::expire_unreferenced(db, blobs, cutoff).unwrap()
        };
        assert_eq!(expire(&mut *db.sql, month_ago), (0, 0));
        expire(&mut *db.sql, Timestamp::from_unix_millis(now + 60_000))
    };
    assert_eq!(removed.0, 1);
    assert_eq!(blob_status(&server.base, &lead_e.token, &scan_hash).await, 404);
    assert_eq!(blob_status(&server.base, &lead_e.token, &photo_hash).await, 200);

    // A quota just above what the device holds: the next large upload is refused, in Chinese.
    server.state.device_quota.store(photo.len() as u64 + 1000, std::sync::atomic::Ordering::Relaxed);
    let big = vec![7u8; 4096];
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(&big));
    let resp = reqwest::Client::new()
        .patch(format!("{}/v1/uploads/{hash}", server.base))
        .bearer_auth(&lead_e.token)
        .header("upload-offset", "0")
        .header("upload-length", big.len().to_string())
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 507);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "quota");
    assert!(body["message"].as_str().unwrap().contains("存储空间"));
}
