//! Blobs through the server: resumable chunked upload from the outbox,
//! dedupe only for those who may read, range downloads by teammates, and
//! refusals for everyone else (foreign hashes, bad names, wrong content).

use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::blobs::BlobState;
use lianjian_core::Error;

use crate::support::*;

/// A real file from the fixtures, standing in for a scanned document.
fn scan() -> Vec<u8> {
    std::fs::read(lianjian_core::import::fixtures_dir().join("enterprises.json")).unwrap()
}

fn hex_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_reaches_the_team_and_nobody_else() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let a_user = server.user(Role::Inspector, 0).clone();
    let outsider = server.user(Role::Inspector, 1).clone();
    let (mut lead, lead_e, client) = server.file_device(&lead_user, dir.path()).await;
    let (mut a, a_e, _) = server.file_device(&a_user, dir.path()).await;
    let (_, out_e, _) = server.file_device(&outsider, dir.path()).await;
    client.sync(&mut lead, &lead_e.token).await.unwrap();

    let ent = lead.search_enterprises("化工", 1).unwrap().remove(0);
    let ent = lead.enterprise(&ent.id.parse().unwrap()).unwrap();
    let checklist = lead.latest_checklists(&ent.industry).unwrap().remove(0);
    let team = [member(&lead_user, TeamRole::Lead, &ent.industry), member(&a_user, TeamRole::Inspector, &ent.industry)];
    let insp = inspection(&ent, &checklist, &team);
    let lead_ed = editor(&lead_user, Role::TeamLead);
    let t = at("2026-03-02T09:00:00+08:00");
    lead.create_inspection(&insp, &lead_ed, t).unwrap();
    lead.edit(&insp.id, &lead_ed, &[Edit::SetStatus(InspectionStatus::InProgress)], t).unwrap();

    // Offline: the photo is stored and queued, the finding references it.
    let bytes = scan();
    assert!(bytes.len() > 3 * (4 << 10), "spans several chunks");
    let hash = lead.put_blob(&bytes, "application/json", t).unwrap();
    assert_eq!(hash, hex_sha(&bytes));
    assert_eq!(lead.blob(&hash).unwrap().unwrap().state, BlobState::Pending);
    let refused = lead.remove_local_blob(&hash).unwrap_err();
    assert!(matches!(refused, Error::Validation { field: "blob", .. }), "{refused}");
    let finding = finding("储罐区防火堤破损", "罐区", lead_ed.person, t, vec![hash.clone()]);
    lead.edit(&insp.id, &lead_ed, &[Edit::AddFinding(finding)], t).unwrap();

    // Before upload nobody can read it, not even the team (nothing stored).
    client.sync(&mut lead, &lead_e.token).await.unwrap();
    let err = client.download_blob(&a, &a_e.token, &hash, "application/json").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");

    // Upload in chunks, with progress; then the outbox is empty.
    let mut seen = Vec::new();
    let report = client.upload_blobs(&lead, &lead_e.token, &mut |p| seen.push(p.bytes_done)).await.unwrap();
    assert_eq!(report.acked, vec![hash.clone()]);
    assert_eq!(report.progress.bytes_done, bytes.len() as u64);
    assert!(seen.len() >= 4 && seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(lead.blob_outbox().unwrap().is_empty());
    // A second run has nothing to do; deleting the local copy is now allowed.
    assert!(client.upload_blobs(&lead, &lead_e.token, &mut |_| {}).await.unwrap().acked.is_empty());

    // The teammate downloads it, resuming a partial download with Range.
    client.sync(&mut a, &a_e.token).await.unwrap();
    let part_dir = a.blob_dir().unwrap().join("tmp");
    std::fs::create_dir_all(&part_dir).unwrap();
    std::fs::write(part_dir.join(format!("{hash}.part")), &bytes[..1000]).unwrap();
    client.download_blob(&a, &a_e.token, &hash, "application/json").await.unwrap();
    assert_eq!(a.read_blob(&hash).unwrap(), bytes);
    assert_eq!(a.blob(&hash).unwrap().unwrap().state, BlobState::Acked);
    lead.remove_local_blob(&hash).unwrap();
    assert!(!lead.blob_path(&hash).unwrap().exists());

    let http = reqwest::Client::new();
    let url = |h: &str| format!("{}/v1/blobs/{h}", server.base);
    // A byte range, as a resuming client asks.
    let part = http.get(url(&hash)).bearer_auth(&a_e.token).header("range", "bytes=10-19").send().await.unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[10..20]);

    // An inspector of another team: the hash from elsewhere reveals nothing.
    let r = http.get(url(&hash)).bearer_auth(&out_e.token).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let up = format!("{}/v1/uploads/{hash}", server.base);
    let r = http.head(&up).bearer_auth(&out_e.token).send().await.unwrap();
    assert_eq!(r.headers()["upload-offset"], "0", "no dedupe shortcut for a foreign blob");
    // Claiming it with an empty chunk does not complete it...
    let r = http
        .patch(&up)
        .bearer_auth(&out_e.token)
        .header("upload-offset", "0")
        .header("upload-length", bytes.len().to_string())
        .body(Vec::<u8>::new())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(http.get(url(&hash)).bearer_auth(&out_e.token).send().await.unwrap().status(), 404);
    // ...and other content under its name is refused at completion.
    let mut forged = bytes.clone();
    forged[5] ^= 1;
    let r = http
        .patch(&up)
        .bearer_auth(&out_e.token)
        .header("upload-offset", "0")
        .header("upload-length", bytes.len().to_string())
        .body(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(http.get(url(&hash)).bearer_auth(&out_e.token).send().await.unwrap().status(), 404);
    // The stored blob is intact.
    assert_eq!(std::fs::read(server.state.blobs.path(&blob_name(&hash))).unwrap(), bytes);
    // Uploading the real content is proof of holding it: then it is readable.
    let r = http
        .patch(&up)
        .bearer_auth(&out_e.token)
        .header("upload-offset", "0")
        .header("upload-length", bytes.len().to_string())
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(http.get(url(&hash)).bearer_auth(&out_e.token).send().await.unwrap().status(), 200);
}

fn blob_name(h: &str) -> lianjian_sync_server::blobs::BlobHash {
    lianjian_sync_server::blobs::BlobHash::parse(h).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_blob_requests_get_clear_errors() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let lead_user = server.user(Role::TeamLead, 0).clone();
    let (lead, lead_e, _) = server.file_device(&lead_user, dir.path()).await;
    let http = reqwest::Client::new();
    let data = b"\xff\xd8\xff\xe0 not really a jpeg".to_vec();
    let hash = hex_sha(&data);
    let up = format!("{}/v1/uploads/{hash}", server.base);
    let patch = |offset: &str, length: &str, body: Vec<u8>, token: &str| {
        http.patch(&up)
            .bearer_auth(token)
            .header("upload-offset", offset)
            .header("upload-length", length)
            .body(body)
            .send()
    };
    let code = |r: reqwest::Response| r.status().as_u16();

    // Bad names and path tricks never reach the file system.
    for bad in ["zz", "..%2F..%2Fserver.db", "..%5C..%5Cserver.db", &"g".repeat(64), &hash[..63], &format!("{hash}0")] {
        let r = http.get(format!("{}/v1/blobs/{bad}", server.base)).bearer_auth(&lead_e.token).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let r = http.head(format!("{}/v1/uploads/{bad}", server.base)).bearer_auth(&lead_e.token).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    // No token, a revoked-looking token.
    assert_eq!(code(patch("0", "30", data.clone(), "nope").await.unwrap()), 401);
    assert_eq!(code(http.get(format!("{}/v1/blobs/{hash}", server.base)).send().await.unwrap()), 401);
    // Missing or malformed headers.
    let r = http.patch(&up).bearer_auth(&lead_e.token).body(data.clone()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(code(patch("-1", "30", data.clone(), &lead_e.token).await.unwrap()), 400);
    // Too large a blob, a chunk running past the declared length.
    assert_eq!(code(patch("0", &(2u64 << 30).to_string(), data.clone(), &lead_e.token).await.unwrap()), 400);
    assert_eq!(code(patch("0", "3", data.clone(), &lead_e.token).await.unwrap()), 400);
    // A chunk damaged on the way (its declared digest differs): nothing kept.
    let r = http
        .patch(&up)
        .bearer_auth(&lead_e.token)
        .header("upload-offset", "0")
        .header("upload-length", data.len().to_string())
        .header("upload-chunk-sha256", hex_sha(b"something else"))
        .body(data[..10].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"], "chunk_mismatch");
    let r = http.head(&up).bearer_auth(&lead_e.token).send().await.unwrap();
    assert_eq!(r.headers()["upload-offset"], "0");
    // A chunk at the wrong offset: 409 and where the upload stands.
    let len = data.len().to_string();
    assert_eq!(code(patch("0", &len, data[..10].to_vec(), &lead_e.token).await.unwrap()), 204);
    let r = patch("3", &len, data[3..].to_vec(), &lead_e.token).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.headers()["upload-offset"], "10");
    let r = patch("10", &len, data[10..].to_vec(), &lead_e.token).await.unwrap();
    assert_eq!(r.status(), 201);
    // An oversized chunk (checked in-process; see flow.rs for why).
    let big = axum::http::Request::patch(format!("/v1/uploads/{}", "a".repeat(64)))
        .header("authorization", format!("Bearer {}", lead_e.token))
        .header("upload-offset", "0")
        .header("upload-length", (20u64 << 20).to_string())
        .body(axum::body::Body::from(vec![0u8; 9 << 20]))
        .unwrap();
    let resp = tower::ServiceExt::oneshot(lianjian_sync_server::app(server.state.clone()), big).await.unwrap();
    assert_eq!(resp.status(), 413);
    // The server keeps serving, and the device's store is untouched.
    assert_eq!(http.get(format!("{}/healthz", server.base)).send().await.unwrap().status(), 200);
    assert!(lead.blob_outbox().unwrap().is_empty());
    // A blob the device never stored cannot be uploaded or removed.
    let client = lianjian_core::sync::http::SyncClient::new(&server.base).unwrap();
    let err = client.upload_blob(&lead, &lead_e.token, &hash, &mut |_| {}).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert!(matches!(lead.remove_local_blob("not-a-hash").unwrap_err(), Error::Validation { .. }));
}
