//! Access probes: every sync endpoint x every role x a foreign object (an
//! inspection of another team and another enterprise), a revoked token and
//! a forged actor id. Every probe must be refused, none may change the
//! server's copy, and every refusal is counted in the metrics.

use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::sync::wire::{self, BatchRequest, BatchResponse, DocHeads, DocMessage, HeadsRequest, HeadsResponse};
use serde_bytes::ByteBuf;

use crate::support::*;

async fn post(base: &str, path: &str, token: &str, body: Vec<u8>) -> (u16, Vec<u8>) {
    let resp = reqwest::Client::new().post(format!("{base}{path}")).bearer_auth(token).body(body).send().await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_is_refused_on_foreign_objects() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let member_user = server.user(Role::Inspector, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();

    // Team A's inspection of an enterprise other than the probing enterprise user's.
    let ent_user = server.user(Role::Enterprise, 0).clone();
    let other_ent = lead
        .search_enterprises("", 60)
        .unwrap()
        .into_iter()
        .find(|e| Some(&e.id) != ent_user.user.enterprise_id.as_ref())
        .unwrap();
    let ent = lead.enterprise(&other_ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let insp = inspection(
        &ent,
        &checklist,
        &[member(&lead_user, TeamRole::Lead, &ent.industry), member(&member_user, TeamRole::Inspector, &ent.industry)],
    );
    let lead_ed = editor(&lead_user, Role::TeamLead);
    lead.create_inspection(&insp, &lead_ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    lead.edit(&insp.id, &lead_ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    // Evidence on the inspection: a blob the lead uploaded and referenced.
    let photo = std::fs::read(lianjian_core::import::fixtures_dir().join("regions/chibi.toml")).unwrap();
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&photo))
    };
    let http = reqwest::Client::new();
    let uploaded = http
        .patch(format!("{}/v1/uploads/{hash}", server.base))
        .bearer_auth(&lead_e.token)
        .header("upload-offset", "0")
        .header("upload-length", photo.len().to_string())
        .body(photo.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let finding =
        finding("安全出口堵塞", "二号车间", lead_ed.person, at("2026-03-02T09:10:00+08:00"), vec![hash.clone()]);
    lead.edit(&insp.id, &lead_ed, &[Edit::AddFinding(finding)], at("2026-03-02T09:10:00+08:00")).unwrap();
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let blob_url = format!("{}/v1/blobs/{hash}", server.base);
    let upload_url = format!("{}/v1/uploads/{hash}", server.base);
    let id = insp.id.to_string();
    let x_bytes = lead.export(&id).unwrap();
    let server_heads = || server_heads(&server.state, &id);
    let before = server_heads();

    // Probers: the office, an inspector of another team, the enterprise user
    // (of another enterprise), and a second team lead.
    let other_lead = server.add_user("吴建国", Role::TeamLead);
    let probers =
        [server.user(Role::Office, 0).clone(), server.user(Role::Inspector, 1).clone(), ent_user.clone(), other_lead];
    let mut refusals = 0;
    let mut blob_refusals = 0;
    for who in &probers {
        let (mut dev, e, _) = server.device(who).await;
        // The prober somehow holds a copy and, with a patched app (its own
        // device refuses the edit), writes the status with raw automerge ops.
        let mut forged = automerge::Automerge::load(&x_bytes).unwrap().with_actor(dev.actor().clone());
        let mut tx = forged.transaction();
        automerge::transaction::Transactable::put(&mut tx, automerge::ROOT, "status", "awaiting_signature").unwrap();
        tx.commit();
        dev.receive(&id, &forged.save(), at("2026-03-02T10:01:00+08:00")).unwrap();

        // heads: the office may read it (differ); nobody else learns anything.
        let req = HeadsRequest {
            docs: vec![DocHeads {
                doc: id.clone(),
                heads: dev.heads(&id).unwrap().iter().map(|h| ByteBuf::from(h.0.to_vec())).collect(),
            }],
        };
        let (status, body) = post(&server.base, "/v1/sync/heads", &e.token, wire::encode(&req)).await;
        assert_eq!(status, 200);
        let heads: HeadsResponse = wire::decode(&body).unwrap();
        if who.user.role == Role::Office {
            assert_eq!(heads.differ, vec![id.clone()]);
        } else {
            assert_eq!(heads.refused, vec![id.clone()], "{}", who.user.name);
        }

        // A full sync session: whatever it tries, the changes are refused.
        let p = client.sync(&mut dev, &e.token).await.unwrap();
        if who.user.role == Role::Office {
            // The office writes inspections only as the permission table
            // says (create, close); presenting for signature is the lead's.
            assert_eq!(p.rejected.len(), 1, "the office may not present the record");
            assert_eq!(p.rejected[0].code, "transition");
            refusals += 1;
        }
        // batch: a sync message for the foreign document, sent directly.
        let mut state = automerge::sync::State::new();
        let msg = dev.generate_sync_message(&id, &mut state).unwrap().unwrap();
        let req = BatchRequest { messages: vec![DocMessage { doc: id.clone(), message: ByteBuf::from(msg) }] };
        let (status, body) = post(&server.base, "/v1/sync/batch", &e.token, wire::encode(&req)).await;
        assert_eq!(status, 200);
        let resp: BatchResponse = wire::decode(&body).unwrap();
        if who.user.role != Role::Office {
            assert_eq!(resp.rejected.len(), 1, "{}", who.user.name);
            assert_eq!(resp.rejected[0].code, "forbidden");
            assert!(resp.messages.is_empty(), "nothing of the document leaks");
            refusals += 1;
        }
        assert_eq!(server_heads(), before, "{} changed the server's copy", who.user.name);

        // The inspection's blob: the office may read it; for everyone else it does not exist.
        let get = http.get(&blob_url).bearer_auth(&e.token).send().await.unwrap();
        let head = http.head(&upload_url).bearer_auth(&e.token).send().await.unwrap();
        if who.user.role == Role::Office {
            assert_eq!(get.status(), 200);
            assert_eq!(get.bytes().await.unwrap().as_ref(), photo.as_slice());
            assert_eq!(head.headers()["upload-offset"].to_str().unwrap(), photo.len().to_string());
        } else {
            assert_eq!(get.status(), 404, "{}", who.user.name);
            assert_eq!(head.headers()["upload-offset"], "0", "{}", who.user.name);
            blob_refusals += 1;
        }

        // Revoked: every endpoint answers 401.
        lianjian_sync_server::db::revoke_device(&mut *server.state.lock().sql, &e.device_id, "now").unwrap();
        for path in ["/v1/sync/digest", "/v1/sync/heads", "/v1/sync/batch"] {
            let (status, body) = post(&server.base, path, &e.token, wire::encode(&req)).await;
            assert_eq!(status, 401, "{path}");
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v["error"], "unauthorized");
        }
        assert_eq!(http.get(&blob_url).bearer_auth(&e.token).send().await.unwrap().status(), 401);
        assert_eq!(http.head(&upload_url).bearer_auth(&e.token).send().await.unwrap().status(), 401);
    }

    // Forged actor: a team member uploads changes made under the lead's actor.
    let (mut member_dev, member_e, _) = server.device(&member_user).await;
    client.sync(&mut member_dev, &member_e.token).await.unwrap();
    lead.edit(
        &insp.id,
        &lead_ed,
        &[Edit::SetStatus(InspectionStatus::AwaitingSignature)],
        at("2026-03-02T11:00:00+08:00"),
    )
    .unwrap();
    member_dev.receive(&id, &lead.export(&id).unwrap(), at("2026-03-02T11:01:00+08:00")).unwrap();
    let p = client.sync(&mut member_dev, &member_e.token).await.unwrap();
    assert_eq!(p.rejected.len(), 1);
    assert_eq!(p.rejected[0].code, "foreign_actor");
    refusals += 1;
    assert_eq!(server_heads(), before);
    // Enrolling a device with an actor id that is already bound is refused.
    let code = lianjian_sync_server::db::issue_code(
        &mut *server.state.lock().sql,
        &member_user.user.id,
        Timestamp::now(),
        lianjian_sync_server::db::CODE_VALIDITY,
    )
    .unwrap();
    let body = serde_json::json!({ "code": code, "device_name": "仿冒", "actors": [lead.actor().to_hex_string()] });
    let resp = reqwest::Client::new().post(format!("{}/v1/enroll", server.base)).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 401);

    let metrics = reqwest::get(format!("{}/metrics", server.base)).await.unwrap().text().await.unwrap();
    // Refusals by rule, summed.
    let rejections: u64 = metrics
        .lines()
        .filter(|l| l.starts_with("lianjian_refusals_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert!(rejections >= refusals, "{rejections} < {refusals}");
    assert_eq!(blob_refusals, 3);
    let unauthorized: u64 =
        metrics.lines().find_map(|l| l.strip_prefix("lianjian_unauthorized_total ")).unwrap().parse().unwrap();
    assert_eq!(unauthorized, 4 * 5 + 1);
}
