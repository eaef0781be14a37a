//! Durability: a child process commits edits and acknowledges each one on
//! stdout; the parent kills it with SIGKILL at a random moment, reopens the
//! store and checks every acknowledged edit is there and the database is
//! consistent. Repeated on the same database, so recovery after recovery is
//! exercised (compaction included).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lianjian_core::doc::Edit;
use lianjian_core::model::{InspectionId, InspectionStatus};
use lianjian_core::store::Store;

use crate::support::*;

const CHILD_ENV: &str = "LIANJIAN_DURABILITY_CHILD_DB";

/// The child's work: runs only when the parent started this binary with the
/// environment variable set, otherwise it is an empty test.
#[test]
fn child_process() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let id: InspectionId = std::env::var("LIANJIAN_DURABILITY_ID").unwrap().parse().unwrap();
    let start: usize = std::env::var("LIANJIAN_DURABILITY_START").unwrap().parse().unwrap();
    let mut store = Store::open(path.as_ref()).unwrap();
    let c = checklist("industry_trade");
    // The parent's inspector: only a member of the team may edit.
    let mut t = team("industry_trade");
    t.a.person = std::env::var("LIANJIAN_DURABILITY_PERSON").unwrap().parse().unwrap();
    let mut out = std::io::stdout().lock();
    for n in start.. {
        let item = c.items().nth(n % 17).unwrap();
        let f = finding(item, &t.a, at("2026-03-02T09:00:00+08:00"), &format!("edit-{n}"));
        store.edit(&id, &t.a, &[Edit::AddFinding(f)], at("2026-03-02T09:00:00+08:00")).unwrap();
        writeln!(out, "ACK {n}").unwrap();
        out.flush().unwrap();
    }
}

fn acked_numbers(store: &mut Store, id: &InspectionId) -> Vec<usize> {
    let mut v: Vec<usize> = store
        .inspection(id)
        .unwrap()
        .findings
        .values()
        .filter_map(|f| f.description.strip_prefix("edit-").and_then(|n| n.parse().ok()))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn sigkill_never_loses_an_acknowledged_edit() {
    let iterations: u64 =
        std::env::var("LIANJIAN_DURABILITY_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(50);
    let seed: u64 = std::env::var("LIANJIAN_DURABILITY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261123);
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.db");
    let c = checklist("industry_trade");
    let t = team("industry_trade");
    let insp = new_inspection(&enterprise("industry_trade"), &c, &t, at("2026-03-02T08:00:00+08:00"));
    {
        let mut store = Store::open(&path).unwrap();
        store.put_checklist(&c, at("2026-03-01T08:00:00+08:00")).unwrap();
        store.create_inspection(&insp, &t.lead, at("2026-03-02T08:00:00+08:00")).unwrap();
        store
            .edit(&insp.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-02T08:01:00+08:00"))
            .unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut acked_total = 0;
    for iteration in 0..iterations {
        let start = {
            let mut store = Store::open(&path).unwrap();
            acked_numbers(&mut store, &insp.id).last().map_or(0, |n| n + 1)
        };
        let mut child = Command::new(&exe)
            .args(["--exact", "durability::child_process", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &path)
            .env("LIANJIAN_DURABILITY_ID", insp.id.to_string())
            .env("LIANJIAN_DURABILITY_PERSON", t.a.person.to_string())
            .env("LIANJIAN_DURABILITY_START", start.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("ACK ") {
                    acks.push(n.trim().parse::<usize>().unwrap());
                }
            }
            acks
        });
        // Kill somewhere between start-up and a few dozen commits.
        let delay = Duration::from_millis(20 + rng.below(150));
        let t0 = Instant::now();
        while t0.elapsed() < delay {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("child exited early with {status} (iteration {iteration}, seed {seed})");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let acks = reader.join().unwrap();
        acked_total += acks.len();

        let mut store = Store::open(&path).unwrap();
        let integrity: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(integrity, "ok", "iteration {iteration}, seed {seed}");
        let present = acked_numbers(&mut store, &insp.id);
        for n in &acks {
            assert!(
                present.binary_search(n).is_ok(),
                "acknowledged edit {n} lost (iteration {iteration}, seed {seed})"
            );
        }
        let before = store.projection_dump().unwrap();
        store.rebuild_projections().unwrap();
        assert_eq!(
            store.projection_dump().unwrap(),
            before,
            "projections inconsistent after crash (iteration {iteration})"
        );
    }
    assert!(acked_total > iterations as usize, "the child barely committed anything ({acked_total} acks)");
    eprintln!("durability: {iterations} SIGKILLs (seed {seed}), {acked_total} acknowledged edits, none lost");
}
