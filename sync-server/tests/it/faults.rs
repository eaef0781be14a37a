//! Fault injection between clients and the server: dropped requests, dropped
//! responses, duplicated and delayed requests, truncated and corrupted blob
//! chunks, and server restarts (sessions and caches lost) mid-sync. Five
//! clients edit one inspection and attach photos; every run converges within
//! two clean rounds once faults stop, no edit made on any device is lost,
//! every blob reaches the server, and no blob is ever stored corrupt. Runs are seeded: a failing seed reproduces with
//! `LIANJIAN_FAULT_SEED=<seed> LIANJIAN_FAULT_RUNS=1`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lianjian_core::doc::Edit;
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::Store;
use lianjian_core::sync::http::SyncClient;
use lianjian_sync_server::app;
use lianjian_sync_server::seed::Seeded;

use crate::support::*;

/// A small deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Kinds of fault: dropped request, dropped response, duplicate, delay,
/// truncated blob chunk, corrupted blob chunk.
const KINDS: usize = 6;

/// What the fault layer does to the next request.
struct Faults {
    on: AtomicBool,
    rng: Mutex<Rng>,
    injected: Mutex<[u32; KINDS]>,
}

async fn inject(State(f): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    if !f.on.load(Ordering::SeqCst) {
        return next.run(req).await;
    }
    let roll = f.rng.lock().unwrap().below(100);
    let chunk = req.method() == axum::http::Method::PATCH;
    let kind = match roll {
        0..=11 => 0,           // drop the request
        12..=23 => 1,          // drop the response
        24..=33 => 2,          // duplicate
        34..=43 => 3,          // delay
        44..=55 if chunk => 4, // truncate the chunk on the way
        56..=63 if chunk => 5, // flip a bit of the chunk on the way
        _ => return next.run(req).await,
    };
    f.injected.lock().unwrap()[kind] += 1;
    match kind {
        0 => {
            // Read the body first so the connection stays usable: the fault is
            // the lost request, not a broken socket.
            let _ = axum::body::to_bytes(req.into_body(), 64 << 20).await;
            StatusCode::BAD_GATEWAY.into_response()
        }
        1 => {
            let _ = next.run(req).await;
            StatusCode::BAD_GATEWAY.into_response()
        }
        2 => {
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, 64 << 20).await.unwrap();
            let mut first = Request::builder().method(parts.method.clone()).uri(parts.uri.clone());
            for (k, v) in &parts.headers {
                first = first.header(k, v);
            }
            let _ = next.clone().run(first.body(Body::from(bytes.clone())).unwrap()).await;
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        4 | 5 => {
            let (parts, body) = req.into_parts();
            let mut bytes = axum::body::to_bytes(body, 64 << 20).await.unwrap().to_vec();
            if !bytes.is_empty() {
                let at = f.rng.lock().unwrap().below(bytes.len() as u64) as usize;
                if kind == 4 {
                    bytes.truncate(at);
                } else {
                    bytes[at] ^= 0x10;
                }
            }
            let mut parts = parts;
            parts.headers.insert(axum::http::header::CONTENT_LENGTH, bytes.len().into());
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        _ => {
            let ms = f.rng.lock().unwrap().below(15);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            next.run(req).await
        }
    }
}

struct Device {
    store: Store,
    token: String,
    editor: lianjian_core::doc::Editor,
    made: Vec<String>,
    photos: Vec<String>,
}

/// A photo's worth of deterministic bytes (3–12 KB: several 2 KiB chunks).
fn photo(rng: &mut Rng) -> Vec<u8> {
    let n = 3000 + rng.below(9000) as usize;
    (0..n).map(|_| rng.below(256) as u8).collect()
}

async fn one_run(seed: u64) -> [u32; KINDS] {
    let dir = tempfile::tempdir().unwrap();
    let state = open_state(dir.path()).await;
    let faults = Arc::new(Faults {
        on: AtomicBool::new(false),
        rng: Mutex::new(Rng(seed | 1)),
        injected: Mutex::new([0; KINDS]),
    });
    let router = app(state.clone()).layer(axum::middleware::from_fn_with_state(faults.clone(), inject));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    // Backoff is the client's politeness, not what is under test here.
    let client =
        SyncClient::new(&base).unwrap().with_backoff(std::time::Duration::from_millis(2)).with_chunk_size(2048);
    let device_dir = tempfile::tempdir().unwrap();

    // A lead and four inspectors, enrolled before the faults start.
    let mut devices = Vec::new();
    let mut team = Vec::new();
    for i in 0..5 {
        let role = if i == 0 { Role::TeamLead } else { Role::Inspector };
        let Seeded { user, code } = add_user(&state, &format!("检查员{i}"), role);
        let store = Store::open(&device_dir.path().join(format!("d{i}.db"))).unwrap();
        let e = client.enroll(&store, &code, "平板").await.unwrap();
        let person: PersonId = user.id.parse().unwrap();
        team.push(TeamMember {
            person,
            name: user.name.clone(),
            department: Department::EmergencyManagement,
            role: if i == 0 { TeamRole::Lead } else { TeamRole::Inspector },
            certificate_no: Some(format!("4212{i:04}")),
            qualifications: vec!["fire_safety".into()],
        });
        devices.push(Device {
            store,
            token: e.token,
            editor: lianjian_core::doc::Editor { person, name: user.name, role },
            made: vec![],
            photos: vec![],
        });
    }
    let fixtures = lianjian_core::import::fixtures_dir();
    let ent = lianjian_core::import::load_enterprises(&fixtures.join("enterprises.json")).unwrap().remove(0);
    let checklist = lianjian_core::import::load_checklists(
        &fixtures.join("checklists"),
        &lianjian_core::rules::grades::GradeScheme::three_level(),
    )
    .unwrap()
    .remove(0);
    let insp = inspection(&ent, &checklist, &team);
    let t0 = at("2026-03-02T09:00:00+08:00");
    let lead = devices[0].editor.clone();
    // The office publishes the checklist; the lead's tablet holds it before planning.
    let (st, published) = (state.clone(), checklist.clone());
    tokio::task::spawn_blocking(move || {
        lianjian_sync_server::seed::import_checklists(&st, &[published], |_, _| {}).unwrap()
    })
    .await
    .unwrap();
    let first = &mut devices[0];
    client.sync(&mut first.store, &first.token).await.unwrap();
    devices[0].store.create_inspection(&insp, &lead, t0).unwrap();
    devices[0].store.edit(&insp.id, &lead, &[Edit::SetStatus(InspectionStatus::InProgress)], t0).unwrap();
    for d in devices.iter_mut() {
        client.sync(&mut d.store, &d.token).await.unwrap();
    }
    let d0 = &mut devices[0];
    client.sync(&mut d0.store, &d0.token).await.unwrap();

    // Chaos: random edits and syncs through the faulty layer.
    faults.on.store(true, Ordering::SeqCst);
    let mut rng = Rng(seed.wrapping_mul(31) | 1);
    for step in 0..24 {
        let i = rng.below(5) as usize;
        let d = &mut devices[i];
        match rng.below(10) {
            0..=5 => {
                let marker = format!("d{i}-s{step}");
                let item = checklist.items().nth(rng.below(16) as usize).unwrap();
                let mut f = Finding {
                    item_code: Some(item.code.clone()),
                    legal_basis: Some(item.legal_basis.clone()),
                    requirement: "整改".into(),
                    ..Finding::new(&marker, "现场", "三级", d.editor.person, t0)
                };
                f.location.push_str(&step.to_string());
                if rng.below(2) == 0 {
                    // A photo taken offline, attached to the finding.
                    let hash = d.store.put_blob(&photo(&mut rng), "image/jpeg", t0).unwrap();
                    f.evidence.push(hash.clone());
                    d.photos.push(hash);
                }
                let editor = d.editor.clone();
                d.store.edit(&insp.id, &editor, &[Edit::AddFinding(f)], t0).unwrap();
                d.made.push(marker);
            }
            6 => {
                // Server restart: in-memory sessions and caches are gone.
                state.sessions.lock().unwrap().clear();
                state.lock().cache.clear();
            }
            _ => {
                // Transport failures are expected; anything else is a bug.
                match client.sync_with_retry(&mut d.store, &d.token, 3).await {
                    Ok(p) => assert!(p.rejected.is_empty(), "seed {seed}: {:?}", p.rejected),
                    Err(lianjian_core::Error::Network(_)) => {}
                    Err(e) => panic!("seed {seed}: unexpected sync error {e}"),
                }
                // Failed uploads stay in the outbox with their next attempt time.
                client.upload_blobs(&d.store, &d.token, &mut |_| {}).await.unwrap();
            }
        }
    }

    // Faults off: two clean rounds must converge (after the longest backoff).
    faults.on.store(false, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    for _ in 0..2 {
        for d in devices.iter_mut() {
            let p = client.sync(&mut d.store, &d.token).await.unwrap();
            assert!(p.rejected.is_empty(), "seed {seed}: {:?}", p.rejected);
            let r = client.upload_blobs(&d.store, &d.token, &mut |_| {}).await.unwrap();
            assert!(r.failed.is_empty(), "seed {seed}: {:?}", r.failed);
        }
    }
    let id = insp.id.to_string();
    let server_heads = server_heads(&state, &id);
    let merged = server_inspection(&state, &insp.id);
    let descriptions: std::collections::BTreeSet<String> =
        merged.findings.values().map(|f| f.description.clone()).collect();
    for (i, d) in devices.iter_mut().enumerate() {
        assert_eq!(d.store.heads(&id).unwrap(), server_heads, "seed {seed}: device {i} did not converge");
        for m in &d.made {
            assert!(descriptions.contains(m), "seed {seed}: edit {m} lost");
        }
    }
    assert_eq!(devices[3].store.inspection(&insp.id).unwrap(), merged, "seed {seed}");

    // Every photo reached the server, intact, and a teammate can fetch it.
    let referenced: std::collections::BTreeSet<String> =
        merged.findings.values().flat_map(|f| f.evidence.iter().cloned()).collect();
    for (i, d) in devices.iter().enumerate() {
        assert!(d.store.blob_outbox().unwrap().is_empty(), "seed {seed}: device {i} outbox not drained");
        for h in &d.photos {
            assert!(referenced.contains(h), "seed {seed}: photo {h} lost from its finding");
        }
    }
    let reader = &devices[3];
    for h in &referenced {
        client.download_blob(&reader.store, &reader.token, h, "image/jpeg").await.unwrap();
        reader.store.read_blob(h).unwrap();
    }
    assert_no_corrupt_blob(&dir.path().join("blobs"), seed);
    server.abort();
    let injected = *faults.injected.lock().unwrap();
    injected
}

/// Every file the server holds as a blob hashes to its name.
fn assert_no_corrupt_blob(root: &std::path::Path, seed: u64) {
    use sha2::Digest;
    for shard in std::fs::read_dir(root).unwrap() {
        let shard = shard.unwrap().path();
        if shard.file_name().unwrap() == "uploads" {
            continue;
        }
        for f in std::fs::read_dir(&shard).unwrap() {
            let f = f.unwrap().path();
            let hash = hex::encode(sha2::Sha256::digest(std::fs::read(&f).unwrap()));
            assert_eq!(hash, f.file_name().unwrap().to_str().unwrap(), "seed {seed}: corrupt blob stored");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_fault_runs_converge_without_loss() {
    let runs: u64 = std::env::var("LIANJIAN_FAULT_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(100);
    let base: u64 = std::env::var("LIANJIAN_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut total = [0u32; KINDS];
    for seed in base..base + runs {
        let injected = one_run(seed).await;
        for k in 0..KINDS {
            total[k] += injected[k];
        }
    }
    eprintln!(
        "faults: {runs} seeded runs (seeds {base}..{}) converged without loss; injected {} dropped requests, {} dropped responses, {} duplicates, {} delays, {} truncated and {} corrupted blob chunks",
        base + runs, total[0], total[1], total[2], total[3], total[4], total[5]
    );
    assert!(total.iter().all(|&n| n > 0), "every kind of fault was injected: {total:?}");
}
