//! The office pages' queries over a province-sized ledger (issue 16):
//! 100,000 hazards of 40,000 inspections of 5,000 enterprises, written
//! straight into the indexes the pages read, then the ledger filtered,
//! sorted and paged (goal <= 100 ms server time) and the statistics of a
//! year and of a quarter with 同比 and 环比 (goal <= 200 ms). SQLite always;
//! PostgreSQL too when `LIANJIAN_BENCH_POSTGRES` names a server (a fresh
//! schema is made there).

use criterion::{criterion_group, criterion_main, Criterion};
use lianjian_sync_server::ledger::query::{self, SortKey};
use lianjian_sync_server::ledger::LedgerFilter;
use lianjian_sync_server::sql::{Sql, Value};
use lianjian_sync_server::stats::indicators::monthly;
use lianjian_sync_server::stats::{compute, page_figures, Period, PeriodKind};
use lianjian_sync_server::{AppState, Config};

const ENTERPRISES: usize = 5_000;
const INSPECTIONS: usize = 40_000;
const HAZARDS: usize = 100_000;

/// A small deterministic generator.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

const INDUSTRIES: &[&str] = &["hazardous_chemicals", "construction", "mining", "road_transport", "industry_trade"];
const DEPARTMENTS: &[&str] = &["emergency_management", "housing_construction", "market_regulation", "transport"];
const STATES: &[&str] =
    &["found", "rectifying", "rectifying", "submitted", "reinspection_due", "closed", "closed", "closed"];

fn day(n: usize) -> String {
    (chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(n as u64 % 700)).to_string()
}

/// Inserts `rows` in batches of multi-row VALUES.
fn insert(db: &mut dyn Sql, table: &str, columns: &[&str], rows: Vec<Vec<Value>>) {
    for chunk in rows.chunks(200) {
        let mut params = Vec::new();
        let mut groups = Vec::new();
        for row in chunk {
            let start = params.len();
            groups.push(format!(
                "({})",
                (1..=row.len()).map(|k| format!("${}", start + k)).collect::<Vec<_>>().join(", ")
            ));
            params.extend(row.iter().cloned());
        }
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), groups.join(", "));
        db.execute(&sql, &params).unwrap();
    }
}

fn fill(state: &AppState) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut db = state.lock();
    let db = &mut *db.sql;
    let t = |s: String| Value::Text(s);
    let enterprises: Vec<Vec<Value>> = (0..ENTERPRISES)
        .map(|e| {
            vec![
                t(format!("e{e:05}")),
                t(format!("企业{e}")),
                t(format!("91421202MA{e:08}")),
                t(INDUSTRIES[e % INDUSTRIES.len()].into()),
                t(format!("某区第{}镇第1网格", e % 40)),
                t(format!("某区第{}镇", e % 40)),
                t(["red", "orange", "yellow", "blue"][e % 4].into()),
            ]
        })
        .collect();
    insert(
        db,
        "office_enterprises",
        &["id", "name", "credit_code", "industry", "grid", "township", "risk"],
        enterprises,
    );
    let inspections: Vec<Vec<Value>> = (0..INSPECTIONS)
        .map(|i| {
            let e = rng.below(ENTERPRISES);
            vec![
                t(format!("i{i:06}")),
                t(format!("e{e:05}")),
                t(day(i * 7 / 4)),
                t("signed".into()),
                t(format!("{},{}", DEPARTMENTS[0], DEPARTMENTS[1 + i % 3])),
                t(format!("检查员{}、检查员{}", i % 60, (i + 7) % 60)),
                Value::Int(0),
                Value::Int(2),
            ]
        })
        .collect();
    insert(
        db,
        "office_inspections",
        &["id", "enterprise_id", "on_day", "status", "departments", "officers", "self_reported", "hazards"],
        inspections,
    );
    let hazards: Vec<Vec<Value>> = (0..HAZARDS)
        .map(|h| {
            let i = h * INSPECTIONS / HAZARDS;
            let e = rng.below(ENTERPRISES);
            let found = i * 7 / 4;
            let state = STATES[rng.below(STATES.len())];
            let closed = (state == "closed").then(|| day(found + 5 + rng.below(20)));
            vec![
                t(format!("h{h:06}")),
                t(format!("i{i:06}")),
                t(format!("e{e:05}")),
                t(format!("企业{e}")),
                t(DEPARTMENTS[h % DEPARTMENTS.len()].into()),
                t(INDUSTRIES[e % INDUSTRIES.len()].into()),
                t(format!("某区第{}镇", e % 40)),
                t(["一级", "二级", "三级"][rng.below(3)].into()),
                Value::Int(i64::from(h % 50 == 0)),
                t(state.into()),
                t(day(found)),
                t(day(found + 15)),
                t(day(found + 15 + if h % 9 == 0 { 10 } else { 0 })),
                closed.map_or(Value::Null, Value::Text),
                Value::Null,
                t(format!("隐患描述{h}")),
                t("生产车间".into()),
                t(format!("检查员{}", h % 60)),
                Value::Int(0),
                Value::Int(0),
                Value::Int(i64::from(state == "closed")),
                Value::Int(i64::from(state == "closed" && h % 7 != 0)),
                if state == "closed" { t(day(found + 20)) } else { Value::Null },
                t(format!("ITEM-{}", h % 300)),
            ]
        })
        .collect();
    insert(
        db,
        "ledger_hazards",
        &[
            "id",
            "inspection_id",
            "enterprise_id",
            "enterprise",
            "department",
            "industry",
            "township",
            "grade",
            "major",
            "state",
            "found_on",
            "original_due",
            "due",
            "closed_on",
            "escalation",
            "description",
            "location",
            "officers",
            "self_reported",
            "listed",
            "reinspections",
            "reinspections_on_time",
            "reinspected_on",
            "item_code",
        ],
        hazards,
    );
    if db.backend() == lianjian_sync_server::sql::Backend::Postgres {
        db.batch("ANALYZE").unwrap();
    }
}

fn open(name: &str) -> Option<(AppState, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let config = match name {
        "SQLite" => Config::sqlite(dir.path()),
        _ => {
            let base = std::env::var("LIANJIAN_BENCH_POSTGRES").ok()?;
            let schema = format!("bench_{}", std::process::id());
            let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap();
            admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")).unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            Config {
                data: dir.path().to_path_buf(),
                database_url: Some(format!("{base}{sep}options=-csearch_path%3D{schema}")),
            }
        }
    };
    Some((AppState::open(&config).unwrap(), dir))
}

fn benches(c: &mut Criterion) {
    let today: chrono::NaiveDate = "2026-12-04".parse().unwrap();
    for backend in ["SQLite", "PostgreSQL"] {
        let Some((state, _dir)) = open(backend) else {
            println!("{backend}: LIANJIAN_BENCH_POSTGRES not set, not measured");
            continue;
        };
        fill(&state);
        let mut g = c.benchmark_group(format!("office pages, 100,000 hazards, {backend}"));
        g.sample_size(20);
        let overdue =
            LedgerFilter { department: Some("emergency_management".into()), overdue: true, ..Default::default() };
        g.bench_function("ledger: department + overdue, by deadline, page 1", |b| {
            b.iter(|| query::page(&mut *state.lock().sql, &overdue, today, SortKey::Due, false, 1, 50).unwrap())
        });
        let all = LedgerFilter::default();
        g.bench_function("ledger: everything, newest first, page 1,000", |b| {
            b.iter(|| query::page(&mut *state.lock().sql, &all, today, SortKey::Found, true, 1000, 50).unwrap())
        });
        let town = LedgerFilter {
            township: Some("某区第7镇".into()),
            from: "2026-01-01".parse().ok(),
            to: "2026-06-30".parse().ok(),
            state: Some("rectifying".into()),
            ..Default::default()
        };
        g.bench_function("ledger: township + state + dates, by enterprise, page 1", |b| {
            b.iter(|| query::page(&mut *state.lock().sql, &town, today, SortKey::Enterprise, false, 1, 50).unwrap())
        });
        let year = Period { kind: PeriodKind::Year, year: 2026, n: 1 };
        g.bench_function("statistics: the year", |b| b.iter(|| compute(&mut *state.lock().sql, year, today).unwrap()));
        let quarter = Period { kind: PeriodKind::Quarter, year: 2026, n: 3 };
        g.bench_function("statistics: the page, a quarter with 环比 and 同比", |b| {
            b.iter(|| page_figures(&mut *state.lock().sql, quarter, today).unwrap())
        });
        g.bench_function("statistics: the page, the year with 环比 and 同比", |b| {
            b.iter(|| page_figures(&mut *state.lock().sql, year, today).unwrap())
        });
        g.bench_function("statistics: the charts' JSON, the year", |b| {
            b.iter(|| {
                let mut db = state.lock();
                (compute(&mut *db.sql, year, today).unwrap(), monthly(&mut *db.sql, 2026).unwrap())
            })
        });
        g.finish();
    }
}

criterion_group!(office, benches);
criterion_main!(office);
