//! Document engine benchmarks (issue 14), release, on this machine:
//! 1. the first 责令限期整改指令书 after process start (fonts mapped, Typst's
//!    library built, nothing cached), then a new document each time in a
//!    warm process (the number changes, so nothing is reused from the
//!    previous layout): 20 findings, three signature images, from a stored,
//!    signed inspection; the PDF's size and the process's peak memory;
//! 2. the 隐患台账 xlsx with 10,000 and 100,000 rows: time and peak heap.
//!
//! The reference (research documents.md, part G) is a minimal Typst World
//! rendering a similar two-page form: 100 ms first, 3 ms compile + 8 ms PDF
//! warm, 121 KB, 92 MB peak RSS.

use std::path::Path;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use peak_alloc::PeakAlloc;

use lianjian_core::model::Department;
use lianjian_core::signing::RecordRef;
use lianjian_documents::fonts::{FontSet, NOTO_DIR};
use lianjian_documents::ledger::{LedgerRow, LedgerWriter};
use lianjian_documents::render::Context;
use lianjian_documents::templates::Templates;
use lianjian_documents::{demo, render_inspection, Engine, FormKind, Request};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn order(n: u32) -> Request {
    let issued_at = chrono::DateTime::parse_from_rfc3339("2026-03-18T11:50:00+08:00").unwrap();
    Request {
        number: Some(format!("（咸安）应急责改〔2026〕{n}号")),
        ..Request::new(FormKind::RectificationOrder, Department::EmergencyManagement, issued_at)
    }
}

fn render(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, team) = demo::inspection(dir.path(), 20).unwrap();
    demo::sign(&mut store, &insp, &team, &RecordRef::Findings, None).unwrap();
    let doc = store.inspection_doc(&insp.id).unwrap();
    let ctx = Context { scheme: store.grade_scheme().clone(), enterprise: store.enterprise(&insp.enterprise).ok() };
    let rss_before = peak_rss_mb();

    let t0 = Instant::now();
    let engine = Engine::new(FontSet::default_in(Path::new(NOTO_DIR)).unwrap(), Templates::bundled());
    let first = render_inspection(&engine, doc.automerge(), &ctx, &order(1)).unwrap();
    let first_ms = t0.elapsed().as_secs_f64() * 1e3;
    println!(
        "first document after start: {first_ms:.1} ms (fonts mapped + layout + PDF), {} pages, {} bytes; peak RSS {:.0} MB",
        first.pages(),
        first.pdf.len(),
        peak_rss_mb()
    );
    // Memory over a working day: 300 new documents in a row.
    for i in 0..300u32 {
        render_inspection(&engine, doc.automerge(), &ctx, &order(1000 + i)).unwrap();
        if i % 100 == 99 {
            println!(
                "after {} documents: heap in use {:.0} MB, peak heap {:.0} MB, peak RSS {:.0} MB",
                i + 2,
                PEAK.current_usage_as_mb(),
                PEAK.peak_usage_as_mb(),
                peak_rss_mb()
            );
        }
    }
    let mut n = 2;
    let mut g = c.benchmark_group("documents");
    g.sample_size(30);
    g.bench_function("责令限期整改指令书, 20 findings, 3 signatures, a new document each time", |b| {
        b.iter(|| {
            n += 1;
            render_inspection(&engine, doc.automerge(), &ctx, &order(n)).unwrap()
        })
    });
    g.finish();
    println!(
        "peak RSS {:.0} MB (before the engine: {rss_before:.0} MB), peak heap {:.0} MB, after {n} documents",
        peak_rss_mb(),
        PEAK.peak_usage_as_mb()
    );
}

fn row(i: u32) -> LedgerRow {
    LedgerRow {
        cells: [
            format!("0193a000-0001-7000-8000-{i:012}"),
            "2026年3月18日 09时00分".into(),
            "应急管理".into(),
            "陈立新、王芳".into(),
            format!("咸宁市第{i}化工有限公司"),
            "储罐区2号罐".into(),
            "储罐区防静电接地线断开，接地电阻未检测".into(),
            "hazardous_chemicals".into(),
            "二级".into(),
            "《危险化学品安全管理条例》第二十条".into(),
            "立即恢复接地并委托有资质机构检测".into(),
            "2026年4月2日".into(),
            format!("咸宁市第{i}化工有限公司"),
            format!("（咸安）应急责改〔2026〕{i}号"),
            "整改中".into(),
            "未销号".into(),
        ],
        department: Some("emergency_management".into()),
        status: "rectifying".into(),
        found_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 18).unwrap(),
    }
}

fn ledger(_c: &mut Criterion) {
    for rows in [10_000u32, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        PEAK.reset_peak_usage();
        let base = PEAK.current_usage_as_mb();
        let t0 = Instant::now();
        let mut w = LedgerWriter::new().unwrap();
        for i in 0..rows {
            w.push(&row(i)).unwrap();
        }
        let path = dir.path().join("ledger.xlsx");
        w.finish(&[], &path).unwrap();
        println!(
            "ledger xlsx, {rows} rows: {:.2} s, {} bytes, peak heap above start {:.1} MB",
            t0.elapsed().as_secs_f64(),
            std::fs::metadata(&path).unwrap().len(),
            PEAK.peak_usage_as_mb() - base
        );
    }
}

criterion_group!(benches, render, ledger);
criterion_main!(benches);
