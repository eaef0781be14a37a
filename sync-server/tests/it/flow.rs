//! A team syncing one inspection through the server, and the server's
//! refusals: revoked devices, other teams, enterprises before signing,
//! malformed bodies.

use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::DocKind;
use lianjian_core::Error;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_syncs_an_inspection_through_the_server() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let outsider_user = server.user(Role::Inspector, 1).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    let (mut a, a_e, _) = server.device(&a_user).await;

    // First sync brings the office's catalogue to the tablet.
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    assert_eq!(lead.document_ids(DocKind::Enterprise).unwrap().len(), 55);
    assert_eq!(lead.document_ids(DocKind::Checklist).unwrap().len(), 7);
    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);

    // The lead creates the inspection offline and uploads it.
    let insp = inspection(
        &ent,
        &checklist,
        &[member(&lead_user, TeamRole::Lead, &ent.industry), member(&a_user, TeamRole::Inspector, &ent.industry)],
    );
    let lead_ed = editor(&lead_user, Role::TeamLead);
    let a_ed = editor(&a_user, Role::Inspector);
    lead.create_inspection(&insp, &lead_ed, at("2026-03-02T08:30:00+08:00")).unwrap();
    lead.edit(&insp.id, &lead_ed, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T09:00:00+08:00"))
        .unwrap();
    let p = client.sync(&mut lead, &lead_e.token).await.unwrap();
    assert!(p.rejected.is_empty(), "{:?}", p.rejected);

    // Inspector A's tablet gets the catalogue and the inspection.
    client.sync(&mut a, &a_e.token).await.unwrap();
    assert_eq!(a.inspection(&insp.id).unwrap(), lead.inspection(&insp.id).unwrap());

    // Offline work on both tablets, then sync.
    for (i, item) in checklist.items().take(8).enumerate() {
        let when = at("2026-03-02T10:00:00+08:00");
        let answer = |_: &str| match &item.kind {
            ItemKind::Measurement { .. } => Answer::Measured(i as f64),
            ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
                Answer::Choices(vec![options[0].clone()])
            }
            _ => Answer::Verdict(Verdict::Pass),
        };
        let r = response_for(item, lead_ed.person, &answer("lead"), "组长核查".into(), when).unwrap();
        lead.edit(&insp.id, &lead_ed, &[Edit::RecordResponse(r)], when).unwrap();
        let r = response_for(item, a_ed.person, &answer("a"), "现场核查".into(), when).unwrap();
        a.edit(&insp.id, &a_ed, &[Edit::RecordResponse(r)], when).unwrap();
    }
    client.sync(&mut a, &a_e.token).await.unwrap();
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    client.sync(&mut a, &a_e.token).await.unwrap();
    let id = insp.id.to_string();
    let server_heads = server_heads(&server.state, &id);
    assert_eq!(lead.heads(&id).unwrap(), server_heads);
    assert_eq!(a.heads(&id).unwrap(), server_heads);
    assert_eq!(a.inspection(&insp.id).unwrap().responses.len(), 16);

    // Nothing new: one small request.
    let p = client.sync(&mut a, &a_e.token).await.unwrap();
    assert_eq!(p.requests, 1);
    assert!(p.bytes_sent + p.bytes_received < 2048, "{p:?}");

    // Another team's inspector never receives this inspection.
    let (mut other, other_e, _) = server.device(&outsider_user).await;
    client.sync(&mut other, &other_e.token).await.unwrap();
    assert!(other.stored_heads(&id).unwrap().is_empty());
    // Their department's enterprises only (市场监管: special equipment and
    // industry and trade, 8 + 8 in the fixtures; see jurisdiction.rs).
    assert_eq!(other.document_ids(DocKind::Enterprise).unwrap().len(), 16);

    // The enterprise sees its own file only, and no unsigned inspection.
    let ent_user = server.user(Role::Enterprise, 0).clone();
    let (mut ent_dev, ent_e, _) = server.device(&ent_user).await;
    client.sync(&mut ent_dev, &ent_e.token).await.unwrap();
    assert_eq!(ent_dev.document_ids(DocKind::Enterprise).unwrap(), vec![ent_user.user.enterprise_id.clone().unwrap()]);
    assert!(ent_dev.document_ids(DocKind::Inspection).unwrap().is_empty());

    // A revoked device is refused at once.
    lianjian_sync_server::db::revoke_device(&mut *server.state.lock().sql, &a_e.device_id, "now").unwrap();
    assert!(matches!(client.sync(&mut a, &a_e.token).await, Err(Error::Unauthorized(_))));
    assert!(matches!(client.sync(&mut a, "not-a-token").await, Err(Error::Unauthorized(_))));
    // An enrollment code works once.
    assert!(matches!(client.enroll(&a, &a_user.code, "again").await, Err(Error::Unauthorized(_))));

    // Malformed bodies get a clear 400 and the server keeps serving.
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/v1/sync/batch", server.base))
        .bearer_auth(&lead_e.token)
        .body(vec![0xff, 0x00, 0x13])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid");
    // Heads that are not 32 bytes, and a body over the 16 MiB limit.
    let bad_heads = lianjian_core::sync::wire::HeadsRequest {
        docs: vec![lianjian_core::sync::wire::DocHeads {
            doc: "x".into(),
            heads: vec![serde_bytes::ByteBuf::from(vec![1u8; 31])],
        }],
    };
    let resp = http
        .post(format!("{}/v1/sync/heads", server.base))
        .bearer_auth(&lead_e.token)
        .body(lianjian_core::sync::wire::encode(&bad_heads))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    // The body limit is checked in-process: over a socket the server closes
    // the connection after refusing, which races with the client's upload.
    let oversized = axum::http::Request::post("/v1/sync/batch")
        .header("authorization", format!("Bearer {}", lead_e.token))
        .body(axum::body::Body::from(vec![0u8; 17 << 20]))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(lianjian_sync_server::app(server.state.clone()), oversized).await.unwrap();
    assert_eq!(resp.status(), 413);
    let health = http.get(format!("{}/healthz", server.base)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let metrics = http.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("lianjian_http_requests_total{route=\"/v1/sync/batch\",status=\"200\"}"), "{metrics}");
    assert!(metrics.contains("lianjian_http_request_duration_seconds_bucket{le="), "{metrics}");
    assert!(metrics.contains("lianjian_sync_bytes_total{direction=\"in\"}"), "{metrics}");
    // Revoked device, bad token, reused enrollment code.
    assert!(metrics.contains("lianjian_unauthorized_total 3\n"), "{metrics}");
    client.sync(&mut lead, &lead_e.token).await.unwrap();

    // The served API description is the repository's, and covers every route.
    let spec = http.get(format!("{}/openapi.yaml", server.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(spec, lianjian_sync_server::routes::OPENAPI);
    for route in lianjian_sync_server::routes::ROUTES {
        assert!(spec.contains(&format!("\n  {route}:\n")), "{route} missing from openapi.yaml");
    }
}

/// The office's reports read through their own connection: while one holds
/// it (a year's statistics, a large export), devices still sync; and what
/// they stored is what the reports read next.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
// Held across the sync on purpose: it stands for a report in progress.
#[allow(clippy::await_holding_lock)]
async fn a_long_office_report_does_not_stall_device_syncs() {
    let server = Server::start().await;
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (mut lead, lead_e, client) = server.device(&lead_user).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let insp = inspection(&ent, &checklist, &[member(&lead_user, TeamRole::Lead, &ent.industry)]);
    lead.create_inspection(&insp, &editor(&lead_user, Role::TeamLead), at("2026-03-02T08:30:00+08:00")).unwrap();

    let count = |state: &lianjian_sync_server::AppState| {
        let mut guard = state.reports();
        let db: &mut dyn lianjian_sync_server::sql::Sql = &mut **guard;
        let row = db.query_opt(
            "SELECT COUNT(*) FROM office_inspections WHERE id = $1",
            lianjian_sync_server::args![insp.id.to_string()],
        );
        row.unwrap().unwrap().int(0).unwrap()
    };
    assert_eq!(count(&server.state), 0);
    {
        let _report = server.state.reports();
        let synced = tokio::time::timeout(std::time::Duration::from_secs(20), client.sync(&mut lead, &lead_e.token));
        let p = synced.await.expect("a sync waited for the office's report").unwrap();
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
    }
    assert_eq!(count(&server.state), 1);
}
