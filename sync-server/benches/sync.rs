//! Sync benchmarks (issue 3), on loopback with the real server and SQLite:
//! 1. five clients x 200 edits each: bytes on the wire vs the raw automerge
//!    change bytes, and round trips per document;
//! 2. "nothing new" for a device holding 1,000 documents: requests and bytes;
//! 3. throughput of small syncs ("nothing new") with the load generator on
//!    the same 2 cores, against a bare axum + SQLite insert handler measured
//!    the same way in the same run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lianjian_core::doc::{Edit, Editor};
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::{DocKind, Store};
use lianjian_core::sync::http::SyncClient;
use lianjian_sync_server::db::{self, User};
use lianjian_sync_server::{app, AppState, Config};

fn ts() -> Timestamp {
    Timestamp::parse("2026-03-02T09:00:00+08:00").unwrap()
}

struct Bench {
    rt: tokio::runtime::Runtime,
    state: Arc<AppState>,
    base: String,
    /// The fire-safety checklist the office published.
    checklist: ChecklistTemplate,
    _dir: tempfile::TempDir,
}

fn start() -> Bench {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = Arc::new(AppState::open(&Config::sqlite(dir.path())).unwrap());
    let st = state.clone();
    let base = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app(st)).await.unwrap() });
        format!("http://{addr}")
    });
    let fixtures = lianjian_core::import::fixtures_dir().join("checklists");
    let checklist = lianjian_core::import::load_checklists(&fixtures, &state.scheme)
        .unwrap()
        .into_iter()
        .find(|c| c.industry == "fire_safety")
        .unwrap();
    lianjian_sync_server::seed::import_checklists(&state, std::slice::from_ref(&checklist), |_, _| {}).unwrap();
    Bench { rt, state, base, checklist, _dir: dir }
}

fn user(b: &Bench, name: &str, role: Role) -> (User, String) {
    let u = User {
        id: PersonId::new().to_string(),
        name: name.into(),
        role,
        department: None,
        enterprise_id: None,
        grid: None,
    };
    let mut db = b.state.lock();
    db::add_user(&mut *db.sql, &u).unwrap();
    let code = db::issue_code(&mut *db.sql, &u.id, lianjian_core::model::Timestamp::now(), db::CODE_VALIDITY).unwrap();
    (u, code)
}

fn member(u: &User, lead: bool) -> TeamMember {
    TeamMember {
        person: u.id.parse().unwrap(),
        name: u.name.clone(),
        department: Department::EmergencyManagement,
        role: if lead { TeamRole::Lead } else { TeamRole::Inspector },
        certificate_no: Some("42120001".into()),
        qualifications: vec!["fire_safety".into()],
    }
}

/// An inspection of a fire-safety enterprise, using `checklist` if given.
fn inspection(team: &[TeamMember], checklist: Option<&ChecklistTemplate>) -> Inspection {
    let enterprise = Enterprise {
        id: EnterpriseId::new(),
        credit_code: "91350100M000100Y43".parse().unwrap(),
        name: "咸宁市百货大楼".into(),
        address: "湖北省咸宁市咸安区温泉街道".into(),
        location: None,
        industry: "fire_safety".into(),
        grid: "咸安区温泉街道第1网格".into(),
        responsible_person: Contact {
            name: "王建国".into(),
            position: "主要负责人".into(),
            phone: "13400000000".into(),
        },
        contacts: vec![],
        risk: RiskColour::Yellow,
    };
    let refs = checklist.map(|c| vec![ChecklistRef { id: c.id, version: c.version }]).unwrap_or_default();
    Inspection::planned(&enterprise, refs, team, "three-level", ts())
}

/// A response to the checklist's `i`-th item (modulo), fitting its kind; a
/// reading `v` on measurement items, a note that changes with `v` on others.
fn response(checklist: &ChecklistTemplate, i: usize, who: PersonId, v: f64) -> Response {
    let items: Vec<&ChecklistItem> = checklist.items().collect();
    let item = items[i % items.len()];
    let a = match &item.kind {
        ItemKind::Measurement { .. } => Answer::Measured(v),
        ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
            Answer::Choices(vec![options[0].clone()])
        }
        _ => Answer::Verdict(Verdict::Pass),
    };
    response_for(item, who, &a, format!("现场核查第{i}项（{v}）：符合要求，已拍照留存"), ts()).unwrap()
}

fn five_clients(c: &mut Criterion) {
    let b = start();
    let client = SyncClient::new(&b.base).unwrap();
    let mut devices = Vec::new();
    for i in 0..5 {
        let (u, code) = user(&b, &format!("检查员{i}"), if i == 0 { Role::TeamLead } else { Role::Inspector });
        let store = Store::open_in_memory().unwrap();
        let e = b.rt.block_on(client.enroll(&store, &code, "平板")).unwrap();
        devices.push((u, store, e.token));
    }
    let team: Vec<TeamMember> = devices.iter().enumerate().map(|(i, d)| member(&d.0, i == 0)).collect();
    let insp = inspection(&team, Some(&b.checklist));
    let lead = Editor { person: team[0].person, name: team[0].name.clone(), role: Role::TeamLead };
    // The lead's tablet holds the published checklist before planning.
    let (_, first, first_token) = &mut devices[0];
    b.rt.block_on(client.sync(first, first_token)).unwrap();
    devices[0].1.create_inspection(&insp, &lead, ts()).unwrap();
    devices[0].1.edit(&insp.id, &lead, &[Edit::SetStatus(InspectionStatus::InProgress)], ts()).unwrap();
    let (mut wire, mut requests) = (0u64, 0u32);
    for (_, store, token) in devices.iter_mut() {
        let p = b.rt.block_on(client.sync(store, token)).unwrap();
        wire += p.bytes_sent + p.bytes_received;
        requests += p.requests;
    }
    // 200 edits each, syncing after every 50.
    for round in 0..4 {
        for (i, (u, store, token)) in devices.iter_mut().enumerate() {
            let ed = Editor {
                person: u.id.parse().unwrap(),
                name: u.name.clone(),
                role: if i == 0 { Role::TeamLead } else { Role::Inspector },
            };
            for k in 0..50 {
                let r = response(&b.checklist, k, ed.person, (round * 50 + k) as f64);
                store.edit(&insp.id, &ed, &[Edit::RecordResponse(r)], ts()).unwrap();
            }
            let p = b.rt.block_on(client.sync(store, token)).unwrap();
            wire += p.bytes_sent + p.bytes_received;
            requests += p.requests;
        }
    }
    for _ in 0..2 {
        for (_, store, token) in devices.iter_mut() {
            let p = b.rt.block_on(client.sync(store, token)).unwrap();
            wire += p.bytes_sent + p.bytes_received;
            requests += p.requests;
        }
    }
    let id = insp.id.to_string();
    let raw: usize = b
        .state
        .lock()
        .docs()
        .with_document(&id, |d| d.get_changes(&[]).iter().map(|c| c.raw_bytes().len()).sum())
        .unwrap();
    // Every change must reach the server once and the four other devices once.
    let necessary = raw * 5;
    println!(
        "five clients x 200 edits: {wire} bytes on the wire (CBOR bodies), raw change bytes {raw} (x5 deliveries = {necessary}), overhead {:+.1}%, {requests} requests for 1 document",
        (wire as f64 / necessary as f64 - 1.0) * 100.0
    );
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);
    let (_, store, token) = &mut devices[1];
    g.bench_function("nothing new, 1 document (HTTP round trip + digest)", |bch| {
        bch.iter(|| b.rt.block_on(client.sync(store, token)).unwrap())
    });
    g.finish();
}

fn thousand_documents(c: &mut Criterion) {
    let b = start();
    let client = SyncClient::new(&b.base).unwrap();
    let (u, code) = user(&b, "陈立新", Role::TeamLead);
    let mut store = Store::open_in_memory().unwrap();
    let e = b.rt.block_on(client.enroll(&store, &code, "平板")).unwrap();
    let lead = Editor { person: u.id.parse().unwrap(), name: u.name.clone(), role: Role::TeamLead };
    let team = [member(&u, true)];
    for _ in 0..1000 {
        let insp = inspection(&team, None);
        store.create_inspection(&insp, &lead, ts()).unwrap();
    }
    b.rt.block_on(client.sync(&mut store, &e.token)).unwrap();
    let p = b.rt.block_on(client.sync(&mut store, &e.token)).unwrap();
    // 1,000 inspections, and the checklist the office published.
    let held: usize =
        [DocKind::Inspection, DocKind::Checklist].into_iter().map(|k| store.document_ids(k).unwrap().len()).sum();
    println!(
        "nothing new, {held} documents: {} request(s), {} bytes sent + {} received = {} bytes",
        p.requests,
        p.bytes_sent,
        p.bytes_received,
        p.bytes_sent + p.bytes_received
    );
    let mut g = c.benchmark_group("sync");
    g.sample_size(20);
    g.bench_function("nothing new, 1,000 inspections and the checklist", |bch| {
        bch.iter(|| b.rt.block_on(client.sync(&mut store, &e.token)).unwrap())
    });
    g.finish();

    // Throughput of small syncs: 32 concurrent devices' worth of digest
    // requests for 5 s, generator and server sharing the machine.
    let rate = |url: String, body: Vec<u8>, token: Option<String>| -> f64 {
        let done = Arc::new(AtomicU64::new(0));
        let http = reqwest::Client::new();
        let t0 = Instant::now();
        b.rt.block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..32 {
                let (done, http, url, body, token) =
                    (done.clone(), http.clone(), url.clone(), body.clone(), token.clone());
                tasks.push(tokio::spawn(async move {
                    while t0.elapsed() < Duration::from_secs(5) {
                        let mut req = http.post(&url).body(body.clone());
                        if let Some(t) = &token {
                            req = req.bearer_auth(t);
                        }
                        let resp = req.send().await.unwrap();
                        assert!(resp.status().is_success());
                        resp.bytes().await.unwrap();
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        });
        done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64()
    };
    let digest = {
        let mut s = lianjian_core::sync::client::ClientSession::new("x");
        match s.start(&store).unwrap() {
            lianjian_core::sync::client::Request::Digest(d) => lianjian_core::sync::wire::encode(&d),
            _ => unreachable!(),
        }
    };
    let ours = rate(format!("{}/v1/sync/digest", b.base), digest, Some(e.token.clone()));

    // Reference: a bare axum handler inserting one row into SQLite (WAL).
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB);",
    )
    .unwrap();
    let conn = Arc::new(Mutex::new(conn));
    let base = b.rt.block_on(async move {
        let router = axum::Router::new().route(
            "/insert",
            axum::routing::post(move |body: axum::body::Bytes| {
                let conn = conn.clone();
                async move {
                    tokio::task::spawn_blocking(move || {
                        conn.lock().unwrap().execute("INSERT INTO t (b) VALUES (?1)", [body.to_vec()]).unwrap();
                    })
                    .await
                    .unwrap();
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{addr}")
    });
    let bare = rate(format!("{base}/insert"), vec![7u8; 48], None);
    println!("throughput: small syncs (digest, 1,000 docs held) {ours:.0} req/s; bare axum + SQLite insert {bare:.0} req/s; ratio {:.2}", ours / bare);
}

/// Latencies of one device's "nothing new" syncs, sequential, for `secs`.
fn latencies(b: &Bench, client: &SyncClient, store: &mut Store, token: &str, secs: u64) -> Vec<Duration> {
    let mut out = Vec::new();
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(secs) {
        let t = Instant::now();
        b.rt.block_on(client.sync(store, token)).unwrap();
        out.push(t.elapsed());
    }
    out.sort();
    out
}

fn describe(l: &[Duration]) -> String {
    let at = |q: f64| l[((l.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    format!("{} syncs, median {:.2} ms, p99 {:.2} ms, max {:.2} ms", l.len(), at(0.5), at(0.99), at(1.0))
}

fn under_load(_c: &mut Criterion) {
    let b = start();
    let client = SyncClient::new(&b.base).unwrap();
    let (reader, code) = user(&b, "李明", Role::TeamLead);
    let mut quiet = Store::open_in_memory().unwrap();
    let quiet_token = b.rt.block_on(client.enroll(&quiet, &code, "手机")).unwrap().token;
    let lead = Editor { person: reader.id.parse().unwrap(), name: reader.name.clone(), role: Role::TeamLead };
    quiet.create_inspection(&inspection(&[member(&reader, true)], None), &lead, ts()).unwrap();
    b.rt.block_on(client.sync(&mut quiet, &quiet_token)).unwrap();
    let alone = latencies(&b, &client, &mut quiet, &quiet_token, 5);

    // The busy device: 50 inspections, one new reading in each per sync.
    let (writer, code) = user(&b, "张伟", Role::TeamLead);
    let mut busy = Store::open_in_memory().unwrap();
    let busy_token = b.rt.block_on(client.enroll(&busy, &code, "平板")).unwrap().token;
    b.rt.block_on(client.sync(&mut busy, &busy_token)).unwrap();
    let ed = Editor { person: writer.id.parse().unwrap(), name: writer.name.clone(), role: Role::TeamLead };
    let (colleague, _) = user(&b, "王芳", Role::Inspector);
    let ids: Vec<InspectionId> = (0..50)
        .map(|_| {
            let insp = inspection(&[member(&writer, true), member(&colleague, false)], Some(&b.checklist));
            busy.create_inspection(&insp, &ed, ts()).unwrap();
            busy.edit(&insp.id, &ed, &[Edit::SetStatus(InspectionStatus::InProgress)], ts()).unwrap();
            insp.id
        })
        .collect();
    b.rt.block_on(client.sync(&mut busy, &busy_token)).unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pushed = Arc::new(AtomicU64::new(0));
    let handle = b.rt.handle().clone();
    let (checklist, base) = (b.checklist.clone(), b.base.clone());
    let (stop2, pushed2) = (stop.clone(), pushed.clone());
    let pusher = std::thread::spawn(move || {
        let client = SyncClient::new(&base).unwrap();
        let t0 = Instant::now();
        let mut round = 0usize;
        while !stop2.load(Ordering::Relaxed) {
            for id in &ids {
                let r = response(&checklist, round, ed.person, round as f64);
                busy.edit(id, &ed, &[Edit::RecordResponse(r)], ts()).unwrap();
            }
            handle.block_on(client.sync(&mut busy, &busy_token)).unwrap();
            pushed2.fetch_add(ids.len() as u64, Ordering::Relaxed);
            round += 1;
        }
        t0.elapsed()
    });
    let loaded = latencies(&b, &client, &mut quiet, &quiet_token, 5);
    stop.store(true, Ordering::Relaxed);
    let took = pusher.join().unwrap();
    let changes = pushed.load(Ordering::Relaxed);
    println!("nothing new, alone: {}", describe(&alone));
    println!("nothing new, while another device pushes 50-document batches: {}", describe(&loaded));
    println!(
        "pushed meanwhile: {changes} changes in {} syncs of 50 documents, {:.0} changes/s (each edited, authorized on the device and on the server, stored)",
        changes / 50,
        changes as f64 / took.as_secs_f64()
    );
}

criterion_group!(benches, five_clients, thousand_documents, under_load);
criterion_main!(benches);
