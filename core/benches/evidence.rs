//! Photo ingest of a 12-megapixel camera JPEG (original hash + EXIF +
//! upright display copy with the Chinese watermark + thumbnail + perceptual
//! hash), side by side with ImageMagick doing the same resize work
//! (`convert -auto-orient -resize 1600x1600`, then the 320 px thumbnail), in
//! one run on one core. First a summary (p50 of both, their ratio, peak heap
//! of ours), then criterion's statistics, and the whole store ingest as an
//! app runs it (the pipeline, three blobs written and fsynced, the evidence
//! recorded in the inspection in one SQLite transaction).
//!
//! ImageMagick comes from Debian (`scripts/bench` installs it);
//! `LIANJIAN_IMAGEMAGICK` names another `convert`. The font is Noto Sans CJK
//! (`LIANJIAN_CJK_FONT` overrides).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion};
use lianjian_core::doc::{Edit, Editor};
use lianjian_core::evidence::{
    EvidencePurpose, EvidenceTarget, FlagPolicy, PhotoPipeline, WatermarkContext, WatermarkFont,
};
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::evidence::EvidenceRequest;
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/photos/site-12mp.jpg")
}

fn pipeline() -> PhotoPipeline {
    let font = std::env::var("LIANJIAN_CJK_FONT")
        .unwrap_or_else(|_| "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc".into());
    PhotoPipeline::new(WatermarkFont::load(Path::new(&font), 2).expect("CJK font (scripts/setup installs it)"))
}

fn context() -> WatermarkContext {
    WatermarkContext {
        address: "湖北省咸宁市咸安区温泉街道发展大道16号".into(),
        enterprise: "咸宁市鑫源化工有限公司".into(),
        inspector: "张伟".into(),
        fallback_time: Timestamp::parse("2026-03-18T11:00:00+08:00").unwrap(),
    }
}

/// The `convert` of a real ImageMagick (a stand-in earlier on PATH is skipped).
fn imagemagick() -> Option<PathBuf> {
    let candidates = std::env::var("LIANJIAN_IMAGEMAGICK")
        .map(|p| vec![p])
        .unwrap_or_else(|_| vec!["/usr/bin/convert".into(), "/usr/bin/convert-im6.q16".into(), "convert".into()]);
    candidates.into_iter().map(PathBuf::from).find(|c| {
        Command::new(c)
            .arg("-version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("ImageMagick"))
    })
}

/// One ImageMagick run: display copy and thumbnail, one thread.
fn convert(bin: &Path, out: &Path) {
    let status = Command::new(bin)
        .args(["-limit", "thread", "1"])
        .arg(fixture())
        .args(["-auto-orient", "-resize", "1600x1600", "-quality", "85", "-write"])
        .arg(out.join("display.jpg"))
        .args(["-resize", "320x320"])
        .arg(out.join("thumb.jpg"))
        .status()
        .expect("run ImageMagick");
    assert!(status.success());
}

fn ours(p: &PhotoPipeline, ctx: &WatermarkContext) {
    // Reading the file is part of ingest.
    let bytes = std::fs::read(fixture()).unwrap();
    let out = p.process(&bytes, ctx).unwrap();
    assert!(out.display_jpeg.len() > 10_000);
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn summary(p: &PhotoPipeline, ctx: &WatermarkContext) {
    let runs = 21;
    let magick = imagemagick();
    let tmp = tempfile::tempdir().unwrap();
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    ours(p, ctx); // warm the page cache
    PEAK.reset_peak_usage();
    let before = PEAK.current_usage();
    for _ in 0..runs {
        // Alternate, so both see the same machine load.
        let t = Instant::now();
        ours(p, ctx);
        mine.push(t.elapsed());
        if let Some(bin) = &magick {
            let t = Instant::now();
            convert(bin, tmp.path());
            theirs.push(t.elapsed());
        }
    }
    let peak = PEAK.peak_usage();
    let ours_p50 = p50(mine);
    println!("photo ingest, 12 MP JPEG, {runs} runs each, alternating, one core:");
    println!(
        "  lianjian  p50 {:>7.1} ms   peak heap {:.1} MiB ({:.1} MiB held before: the font)",
        ours_p50.as_secs_f64() * 1e3,
        peak as f64 / 1048576.0,
        before as f64 / 1048576.0
    );
    match magick {
        Some(bin) => {
            let im = p50(theirs);
            println!("  imagemagick ({}) p50 {:>7.1} ms", bin.display(), im.as_secs_f64() * 1e3);
            println!("  ratio lianjian / imagemagick = {:.2}", ours_p50.as_secs_f64() / im.as_secs_f64());
        }
        None => println!("  imagemagick not found (scripts/bench installs it): no ratio"),
    }
}

fn bench(c: &mut Criterion) {
    let p = pipeline();
    let ctx = context();
    let mut g = c.benchmark_group("ingest_12mp");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("lianjian", |b| b.iter(|| ours(&p, &ctx)));
    if let Some(bin) = imagemagick() {
        let tmp = tempfile::tempdir().unwrap();
        g.bench_function("imagemagick", |b| b.iter(|| convert(&bin, tmp.path())));
    }
    g.finish();
}

/// A store on disk with one started inspection and one finding.
fn site_store(dir: &Path) -> (lianjian_core::store::Store, Inspection, Editor, FindingId) {
    use lianjian_core::import::{fixtures_dir, load_enterprises};
    let mut store = lianjian_core::store::Store::open(&dir.join("bench.db")).unwrap();
    let e = load_enterprises(&fixtures_dir().join("enterprises.json")).unwrap().remove(0);
    let at = Timestamp::parse("2026-03-18T09:00:00+08:00").unwrap();
    let lead = TeamMember {
        person: PersonId::new(),
        name: "张伟".into(),
        department: Department::EmergencyManagement,
        role: TeamRole::Lead,
        certificate_no: Some("42120001".into()),
        qualifications: vec![e.industry.clone()],
    };
    let second =
        TeamMember { person: PersonId::new(), name: "李强".into(), role: TeamRole::Inspector, ..lead.clone() };
    let editor = Editor { person: lead.person, name: lead.name.clone(), role: Role::TeamLead };
    store.put_enterprise(&e, at).unwrap();
    let insp = Inspection::planned(&e, vec![], &[lead, second], "three-level", at);
    store.create_inspection(&insp, &editor, at).unwrap();
    let finding = Finding {
        requirement: "立即修复".into(),
        ..Finding::new("储罐区防静电接地线断开", "储罐区", "二级", editor.person, at)
    };
    let edits = [Edit::SetStatus(InspectionStatus::InProgress), Edit::AddFinding(finding.clone())];
    store.edit(&insp.id, &editor, &edits, at).unwrap();
    (store, insp, editor, finding.id)
}

fn store_ingest(c: &mut Criterion) {
    let p = pipeline();
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, editor, finding) = site_store(dir.path());
    let request = EvidenceRequest { target: EvidenceTarget::Finding(finding), purpose: EvidencePurpose::Hazard };
    let original = std::fs::read(fixture()).unwrap();
    let mut n = 0u32;
    let mut g = c.benchmark_group("ingest_12mp");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("store_ingest_fsync", |b| {
        b.iter_batched(
            || {
                // A distinct photo each time (bytes after the end marker change
                // the hash, not the picture), so every ingest writes new blobs.
                n += 1;
                let path = dir.path().join(format!("photo-{n}.jpg"));
                let mut bytes = original.clone();
                bytes.extend_from_slice(&n.to_le_bytes());
                std::fs::write(&path, bytes).unwrap();
                path
            },
            |path| {
                let at = Timestamp::parse("2026-03-18T10:45:00+08:00").unwrap();
                store.ingest_photo(&insp.id, &editor, &request, &path, &p, &FlagPolicy::default(), at).unwrap();
                std::fs::remove_file(path).unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench, store_ingest);

fn main() {
    summary(&pipeline(), &context());
    benches();
    Criterion::default().configure_from_args().final_summary();
}
