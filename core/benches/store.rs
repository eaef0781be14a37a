//! Store benchmarks (issue 2; the task lists of issue 15). Workload: one inspection with 300 findings and
//! 1,000 responses in Chinese, each written as its own change, on a file
//! database in WAL mode with synchronous=FULL. References measured in the
//! same run: a bare automerge commit, a bare SQLite WAL FULL commit, and a
//! bare automerge load of the same document.

use std::hint::black_box;

use automerge::transaction::Transactable;
use automerge::ReadDoc;
use criterion::{criterion_group, criterion_main, Criterion};
use lianjian_core::doc::{Edit, Editor};
use lianjian_core::import::{fixtures_dir, load_checklists, load_enterprises};
use lianjian_core::model::*;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::rules::permissions::Role;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::Store;

fn ts(ms_offset: i64) -> Timestamp {
    Timestamp::from_unix_millis(Timestamp::parse("2026-03-02T09:00:00+08:00").unwrap().unix_millis() + ms_offset)
}

struct Fixture {
    enterprises: Vec<Enterprise>,
    items: Vec<ChecklistItem>,
    checklists: Vec<ChecklistTemplate>,
}

fn fixture() -> Fixture {
    let checklists = load_checklists(&fixtures_dir().join("checklists"), &GradeScheme::three_level()).unwrap();
    let items = checklists.iter().flat_map(|c| c.items().cloned()).collect();
    Fixture { enterprises: load_enterprises(&fixtures_dir().join("enterprises.json")).unwrap(), items, checklists }
}

fn team(n: usize) -> (Editor, Vec<TeamMember>) {
    let members: Vec<TeamMember> = (0..n)
        .map(|i| TeamMember {
            person: PersonId::new(),
            name: format!("检查员{i}"),
            department: Department::EmergencyManagement,
            role: if i == 0 { TeamRole::Lead } else { TeamRole::Inspector },
            certificate_no: Some(format!("4212000{i:04}")),
            qualifications: vec!["hazardous_chemicals".into()],
        })
        .collect();
    (Editor { person: members[0].person, name: members[0].name.clone(), role: Role::TeamLead }, members)
}

/// An inspection using every fixture checklist (its responses cover them all).
fn inspection(f: &Fixture, e: &Enterprise, members: &[TeamMember], at: Timestamp) -> Inspection {
    let refs = f.checklists.iter().map(|c| ChecklistRef { id: c.id, version: c.version }).collect();
    Inspection::planned(e, refs, members, "three-level", at)
}

/// A device store holding the fixture checklists.
fn device(f: &Fixture, path: &std::path::Path) -> Store {
    let mut store = Store::open(path).unwrap();
    for c in &f.checklists {
        store.put_checklist(c, ts(0)).unwrap();
    }
    store
}

/// A 二级 hazard falling due on `due`: the store computes the deadline from
/// the grade (15 days), so it is found 15 days before (rolled forward past
/// days off, as the law does); `at` is used when no date is wanted.
fn hazard(item: &ChecklistItem, by: PersonId, i: usize, at: Timestamp, due: Option<chrono::NaiveDate>) -> Finding {
    let description = format!("第{i}处隐患：{}，现场未整改到位，存在较大安全风险", item.text);
    let found = match due {
        Some(d) => Timestamp::parse(&format!("{}T09:00:00+08:00", d - chrono::Duration::days(15))).unwrap(),
        None => at,
    };
    Finding {
        item_code: Some(item.code.clone()),
        legal_basis: Some(item.legal_basis.clone()),
        requirement: "限期整改，整改完成后书面报告检查组并申请复查".into(),
        evidence: vec![format!("{:064x}", i)],
        ..Finding::new(&description, &format!("{}号车间东侧", i % 40), "二级", by, found)
    }
}

/// An answer that fits the item's kind (the store settles the verdict on the item).
fn answer(item: &ChecklistItem, by: PersonId, v: f64, at: Timestamp) -> Response {
    let a = match &item.kind {
        ItemKind::Measurement { .. } => Answer::Measured(v),
        ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
            Answer::Choices(vec![options[0].clone()])
        }
        _ => Answer::Verdict(Verdict::Pass),
    };
    let note = format!("现场核查：{}，符合要求，已拍照留存", item.text);
    response_for(item, by, &a, note, at).unwrap()
}

/// A store with the big inspection (300 findings, 1,000 responses).
fn big_store(f: &Fixture, path: &std::path::Path) -> (Store, InspectionId, Editor, Vec<TeamMember>) {
    let mut store = device(f, path);
    let (lead, members) = team(9);
    let insp = inspection(f, &f.enterprises[0], &members, ts(0));
    store.create_inspection(&insp, &lead, ts(0)).unwrap();
    store.edit(&insp.id, &lead, &[Edit::SetStatus(InspectionStatus::InProgress)], ts(1)).unwrap();
    let mut n = 0;
    'outer: for m in &members {
        for item in &f.items {
            if n == 1000 {
                break 'outer;
            }
            n += 1;
            store
                .edit(&insp.id, &lead, &[Edit::RecordResponse(answer(item, m.person, n as f64, ts(n)))], ts(n))
                .unwrap();
        }
    }
    for i in 0..300 {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 2 + (i % 25) as u32);
        store
            .edit(
                &insp.id,
                &lead,
                &[Edit::AddFinding(hazard(&f.items[i % f.items.len()], lead.person, i, ts(2000), due))],
                ts(2000 + i as i64),
            )
            .unwrap();
    }
    (store, insp.id, lead, members)
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    let (mut store, id, lead, members) = big_store(&f, &path);

    let mut g = c.benchmark_group("record_response");
    g.sample_size(200);
    // A measurement: every iteration records a new reading.
    let item = f.items.iter().find(|i| matches!(i.kind, ItemKind::Measurement { .. })).unwrap();
    let mut v = 0.0;
    g.bench_function("store.edit (automerge commit + chunk + projections, WAL FULL)", |b| {
        b.iter(|| {
            v += 1.0;
            store
                .edit(&id, &lead, &[Edit::RecordResponse(answer(item, members[1].person, v, ts(9000)))], ts(9000))
                .unwrap();
        })
    });
    // Reference 1: the automerge commit alone, on a copy of the same document.
    let mut am = store.inspection_doc(&id).unwrap().into_automerge();
    let responses = match automerge::ReadDoc::get(&am, automerge::ROOT, "responses").unwrap() {
        Some((_, obj)) => obj,
        None => unreachable!(),
    };
    let key = response_key(&item.code, &members[1].person);
    let robj = automerge::ReadDoc::get(&am, &responses, key.as_str()).unwrap().unwrap().1;
    g.bench_function("reference: automerge commit of one put", |b| {
        b.iter(|| {
            v += 1.0;
            let mut tx = am.transaction();
            tx.put(&robj, "measured", v).unwrap();
            tx.commit();
        })
    });
    g.finish();

    // The authorization of one change, as the server runs it on every change
    // a device sends (issue 13: goal <= 2 ms on this 300-finding inspection).
    let mut g = c.benchmark_group("authorize");
    g.sample_size(100);
    let office = lianjian_core::office::OfficeData::default();
    let templates: Vec<std::sync::Arc<ChecklistTemplate>> =
        f.checklists.iter().cloned().map(std::sync::Arc::new).collect();
    let ctx = lianjian_core::doc::authorize::Context { office: &office, checklists: &templates };
    let author = lianjian_core::doc::authorize::Author {
        person: lead.person,
        role: Role::TeamLead,
        enterprise: None,
        department: None,
    };
    let base = store.inspection_doc(&id).unwrap().into_automerge();
    let known = base.get_heads();
    for (name, edit) in [
        // Another inspector's reading, recorded before: the reading the
        // record_response group rewrote thousands of times would measure the
        // history of one key instead (reads of an older state scan it).
        ("a re-recorded reading", Edit::RecordResponse(answer(item, members[2].person, 42.0, ts(9100)))),
        ("a new finding", Edit::AddFinding(hazard(&f.items[3], lead.person, 999, ts(9100), None))),
    ] {
        // The change exactly as the device commits it.
        let mut device = Store::open(&dir.path().join(format!("auth-{}.db", name.len()))).unwrap();
        for c in &f.checklists {
            device.put_checklist(c, ts(0)).unwrap();
        }
        device.receive(&id.to_string(), &base.save(), ts(9000)).unwrap();
        device.edit(&id, &lead, &[edit], ts(9100)).unwrap();
        let after = device.inspection_doc(&id).unwrap().into_automerge();
        let changes = after.get_changes(&known);
        assert_eq!(changes.len(), 1);
        g.bench_function(format!("authorize_changes: {name}"), |b| {
            b.iter(|| {
                lianjian_core::doc::authorize::authorize_changes(&after, &known, &changes, &author, &ctx).unwrap();
            })
        });
    }
    // Reference: automerge's diff of the same change (the first thing the authorization does).
    let after = store.inspection_doc(&id).unwrap().into_automerge();
    let heads = after.get_heads();
    let last = after.get_change_by_hash(&heads[0]).unwrap();
    g.bench_function("reference: automerge diff of one change", |b| {
        b.iter(|| black_box(after.diff(last.deps(), &heads).len()));
    });
    g.finish();

    let mut g = c.benchmark_group("record_response_references");
    // Reference 2: a bare SQLite WAL FULL commit of a small row.
    let raw = rusqlite::Connection::open(dir.path().join("raw.db")).unwrap();
    raw.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB);",
    )
    .unwrap();
    let blob = vec![7u8; 300];
    g.bench_function("reference: SQLite WAL FULL commit of one 300-byte row", |b| {
        b.iter(|| {
            raw.execute("INSERT INTO t (b) VALUES (?1)", [&blob]).unwrap();
        })
    });
    g.finish();

    let mut g = c.benchmark_group("open_inspection");
    g.sample_size(30);
    drop(store);
    g.bench_function("Store::open + open_inspection (load, check heads, header) + findings list", |b| {
        b.iter(|| {
            let mut s = Store::open(&path).unwrap();
            black_box(s.open_inspection(&id).unwrap());
            black_box(s.inspection_findings(&id).unwrap());
        })
    });
    g.bench_function("Store::open + full hydrate of every response and finding", |b| {
        b.iter(|| {
            let mut s = Store::open(&path).unwrap();
            black_box(s.inspection(&id).unwrap());
        })
    });
    let mut s = Store::open(&path).unwrap();
    let bytes = s.export(&id.to_string()).unwrap();
    g.bench_function("reference: automerge load of the same document", |b| {
        b.iter(|| black_box(automerge::Automerge::load(&bytes).unwrap()))
    });
    g.finish();
    println!("document size: {} bytes, chunks: {}", bytes.len(), s.chunk_count(&id.to_string()).unwrap());

    // 1,000 inspections with 3 findings each, due dates spread over March.
    let many_path = dir.path().join("many.db");
    let mut many = device(&f, &many_path);
    let (lead, members) = team(3);
    for i in 0..1000 {
        let e = &f.enterprises[i % f.enterprises.len()];
        // Findings only: no checklist, so no industry qualification to hold.
        let mut insp = inspection(&f, e, &members, ts(0));
        insp.checklists.clear();
        many.create_inspection(&insp, &lead, ts(0)).unwrap();
        let found: Vec<Finding> = (0..3)
            .map(|k| {
                let day = 1 + ((i * 3 + k) % 31) as u32;
                let due = chrono::NaiveDate::from_ymd_opt(2026, 3, day);
                hazard(&f.items[(i + k) % f.items.len()], lead.person, k, ts(10), due)
            })
            .collect();
        let edits: Vec<Edit> = std::iter::once(Edit::SetStatus(InspectionStatus::InProgress))
            .chain(found.iter().cloned().map(Edit::AddFinding))
            .collect();
        many.edit(&insp.id, &lead, &edits, ts(10)).unwrap();
        // The closed loop under way: one hazard ordered, one fixed on site.
        use lianjian_core::doc::closed_loop::new_event;
        use lianjian_core::rules::lifecycle::EventKind;
        let ordered = new_event(found[0].id, EventKind::Ordered, &lead, ts(20));
        let mut fixed = new_event(found[1].id, EventKind::ConfirmedOnSite, &lead, ts(20));
        fixed.evidence = vec![format!("{:064x}", i)];
        many.edit(&insp.id, &lead, &[Edit::RecordHazardEvent(ordered), Edit::RecordHazardEvent(fixed)], ts(20))
            .unwrap();
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
    let mut g = c.benchmark_group("findings_due");
    g.bench_function("due within 7 days across 1,000 inspections (3,000 findings)", |b| {
        b.iter(|| black_box(many.findings_due_between(today, today + chrono::Days::new(7)).unwrap()))
    });
    g.finish();
    println!(
        "due within 7 days: {} rows",
        many.findings_due_between(today, today + chrono::Days::new(7)).unwrap().len()
    );

    // Each role's task list from the same 3,000 hazards (issue 15: goal <= 10 ms).
    let mut g = c.benchmark_group("task_lists");
    g.bench_function("enterprise: rectifications due", |b| b.iter(|| black_box(many.rectifications_due().unwrap())));
    g.bench_function("officers: reviews due", |b| b.iter(|| black_box(many.reviews_due().unwrap())));
    g.bench_function("officers: 复查 due within 30 days", |b| {
        b.iter(|| black_box(many.reinspections_due_by(today + chrono::Days::new(30)).unwrap()))
    });
    g.bench_function("office: overdue", |b| b.iter(|| black_box(many.overdue_findings(today).unwrap())));
    g.finish();
    println!(
        "rows: rectifications due {}, 复查 due {}, overdue {}",
        many.rectifications_due().unwrap().len(),
        many.reinspections_due_by(today + chrono::Days::new(30)).unwrap().len(),
        many.overdue_findings(today).unwrap().len()
    );
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
