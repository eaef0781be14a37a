//! Evidence through the store: a camera photo becomes an untouched original,
//! an upright watermarked display copy and a thumbnail, all fsynced blobs
//! referenced by the inspection; hostile files store nothing; flags show
//! what is implausible.

use lianjian_core::doc::{Edit, Editor};
use lianjian_core::evidence::{EvidenceKind, EvidencePurpose, EvidenceTarget, FlagKind, FlagPolicy, PhotoPipeline};
use lianjian_core::model::*;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::evidence::EvidenceRequest;
use lianjian_core::Error;

use crate::support::*;

fn hazard(id: FindingId) -> EvidenceRequest {
    EvidenceRequest { target: EvidenceTarget::Finding(id), purpose: EvidencePurpose::Hazard }
}

fn blob_files(dir: &std::path::Path) -> usize {
    let blobs = dir.join("lianjian.db.blobs");
    let Ok(entries) = std::fs::read_dir(&blobs) else { return 0 };
    entries
        .flatten()
        .filter(|e| e.file_name() != "tmp")
        .map(|e| std::fs::read_dir(e.path()).map(|d| d.count()).unwrap_or(0))
        .sum()
}

#[test]
fn a_camera_photo_is_stored_untouched_with_copies_and_referenced() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, finding) = site_store(dir.path());
    let pipeline = PhotoPipeline::new(watermark_font());
    let now = at("2026-03-18T10:43:00+08:00");
    let meta = store
        .ingest_photo(&insp.id, &t.a, &hazard(finding), &photo("site-12mp.jpg"), &pipeline, &FlagPolicy::default(), now)
        .unwrap();
    let original = std::fs::read(photo("site-12mp.jpg")).unwrap();
    assert_eq!(store.read_blob(&meta.sha256).unwrap(), original, "the original is stored byte for byte");
    assert_eq!(
        (meta.kind, meta.width, meta.height, meta.orientation),
        (EvidenceKind::Photo, Some(4032), Some(3024), Some(6))
    );
    assert_eq!(meta.captured_at, Some(at("2026-03-18T10:42:17+08:00")));
    assert_eq!(meta.device.as_deref(), Some("Xiaomi Redmi Note 12 Pro"));
    assert_eq!(meta.flags, vec![], "taken on site during the visit: nothing to flag");
    let display = image::load_from_memory(&store.read_blob(meta.display.as_ref().unwrap()).unwrap()).unwrap();
    assert_eq!((display.width(), display.height()), (1200, 1600));
    let thumb = image::load_from_memory(&store.read_blob(meta.thumbnail.as_ref().unwrap()).unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 320));
    // The finding references it; all three blobs are queued for upload and
    // readable by whoever may read the inspection.
    assert_eq!(store.finding(&insp.id, &finding).unwrap().evidence, vec![meta.sha256.clone()]);
    let refs =
        lianjian_core::doc::validate::evidence_refs(store.inspection_doc(&insp.id).unwrap().automerge()).unwrap();
    for blob in meta.blobs() {
        assert!(refs.contains(blob), "{blob} not referenced");
        assert!(store.blob_outbox().unwrap().iter().any(|b| b.hash == blob));
    }
    // The record survives a restart, as every device will see it.
    drop(store);
    let mut store = lianjian_core::store::Store::open(&dir.path().join("lianjian.db")).unwrap();
    assert_eq!(store.evidence(&insp.id).unwrap(), vec![meta]);
}

#[test]
fn hostile_and_broken_files_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, finding) = site_store(dir.path());
    let pipeline = PhotoPipeline::new(watermark_font());
    let heads = store.heads(&insp.id.to_string()).unwrap();
    let now = at("2026-03-18T10:43:00+08:00");
    for name in [
        "bad/bomb-50000.png",
        "bad/bomb-50000.jpg",
        "bad/crafted-30.png",
        "bad/not-an-image.jpg",
        "bad/truncated.jpg",
        "bad/animated.gif",
    ] {
        let err = store
            .ingest_photo(&insp.id, &t.a, &hazard(finding), &photo(name), &pipeline, &FlagPolicy::default(), now)
            .unwrap_err();
        assert!(matches!(err, Error::Evidence(_)), "{name}: {err:?}");
        assert!(!err.to_string().is_empty());
    }
    let missing = store.ingest_photo(
        &insp.id,
        &t.a,
        &hazard(finding),
        &dir.path().join("no-such.jpg"),
        &pipeline,
        &FlagPolicy::default(),
        now,
    );
    assert!(matches!(missing, Err(Error::Io(_))));
    // A checklist item nobody answered yet: refused before anything is written.
    let item =
        EvidenceRequest { target: EvidenceTarget::Item("no-such-item".into()), purpose: EvidencePurpose::Checklist };
    let err = store
        .ingest_photo(&insp.id, &t.a, &item, &photo("site-12mp.jpg"), &pipeline, &FlagPolicy::default(), now)
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(blob_files(dir.path()), 0, "a refused file left blobs behind");
    assert!(store.blob_outbox().unwrap().is_empty());
    assert_eq!(store.heads(&insp.id.to_string()).unwrap(), heads, "the inspection changed");
    assert!(store.evidence(&insp.id).unwrap().is_empty());
}

#[test]
fn implausible_time_place_and_reused_pictures_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, finding) = site_store(dir.path());
    let pipeline = PhotoPipeline::new(watermark_font());
    let policy = FlagPolicy::default();
    let first = store
        .ingest_photo(
            &insp.id,
            &t.a,
            &hazard(finding),
            &photo("site-12mp.jpg"),
            &pipeline,
            &policy,
            at("2026-03-18T10:43:00+08:00"),
        )
        .unwrap();
    // A PNG without EXIF: no capture time to check.
    let png = store
        .ingest_photo(
            &insp.id,
            &t.b,
            &hazard(finding),
            &photo("plain.png"),
            &pipeline,
            &policy,
            at("2026-03-18T10:50:00+08:00"),
        )
        .unwrap();
    assert_eq!(png.flags.iter().map(|f| f.kind).collect::<Vec<_>>(), [FlagKind::NoCaptureTime]);

    // The enterprise submits "rectification" photos weeks later.
    let enterprise = Editor { person: PersonId::new(), name: "袁海燕".into(), role: Role::Enterprise };
    let rect = EvidenceRequest { target: EvidenceTarget::Finding(finding), purpose: EvidencePurpose::Rectification };
    let later = at("2026-03-26T09:00:00+08:00");
    let again =
        store.ingest_photo(&insp.id, &enterprise, &rect, &photo("site-again.jpg"), &pipeline, &policy, later).unwrap();
    let dup: Vec<_> = again.flags.iter().filter(|f| f.kind == FlagKind::DuplicatePicture).collect();
    assert_eq!(dup.len(), 1, "{:?}", again.flags);
    assert_eq!(dup[0].related.as_deref(), Some(first.sha256.as_str()));
    assert!(dup[0].message.contains("高度相似"), "{}", dup[0].message);
    // Rectification evidence is kept apart from what the enterprise signed.
    let f = store.finding(&insp.id, &finding).unwrap();
    assert_eq!(
        (f.evidence, f.rectification_evidence),
        (vec![first.sha256.clone(), png.sha256.clone()], vec![again.sha256.clone()])
    );
    let other =
        store.ingest_photo(&insp.id, &enterprise, &rect, &photo("other-scene.jpg"), &pipeline, &policy, later).unwrap();
    assert!(other.flags.is_empty(), "a different scene taken after the visit: {:?}", other.flags);
    // The very same file again is named as such.
    let same = store.ingest_photo(&insp.id, &t.a, &rect, &photo("site-12mp.jpg"), &pipeline, &policy, later).unwrap();
    assert!(same.flags.iter().any(|f| f.kind == FlagKind::DuplicatePicture && f.message.contains("同一文件")));

    // Taken far from the enterprise and long before the visit.
    let mut moved = store.enterprise(&insp.enterprise).unwrap();
    moved.location = Some(Coordinates { lat: 30.5928, lon: 114.3055 });
    store.put_enterprise(&moved, later).unwrap();
    let mut early = store.inspection(&insp.id).unwrap();
    early.id = InspectionId::new();
    early.findings.clear();
    early.evidence.clear();
    early.status = InspectionStatus::Draft;
    early.started_at = None;
    store.create_inspection(&early, &t.lead, at("2026-03-25T08:00:00+08:00")).unwrap();
    store
        .edit(&early.id, &t.lead, &[Edit::SetStatus(InspectionStatus::InProgress)], at("2026-03-25T09:00:00+08:00"))
        .unwrap();
    let c = checklist("hazardous_chemicals");
    let f2 = crate::support::finding(&c.sections[0].items[1], &t.a, at("2026-03-25T09:30:00+08:00"), "消防通道堵塞");
    store.edit(&early.id, &t.a, &[Edit::AddFinding(f2.clone())], at("2026-03-25T09:31:00+08:00")).unwrap();
    let stale = store
        .ingest_photo(
            &early.id,
            &t.a,
            &hazard(f2.id),
            &photo("other-scene.jpg"),
            &pipeline,
            &policy,
            at("2026-03-25T09:35:00+08:00"),
        )
        .unwrap();
    let kinds: Vec<FlagKind> = stale.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FlagKind::TimeFarFromInspection, FlagKind::FarFromEnterprise], "{:?}", stale.flags);
    assert!(store.evidence_flags(&early.id).unwrap().iter().all(|(sha, _)| sha == &stale.sha256));
}

#[test]
fn video_audio_and_scans_are_stored_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, _, t, finding) = site_store(dir.path());
    let scan = dir.path().join("营业执照扫描件.pdf");
    let bytes = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    std::fs::write(&scan, &bytes).unwrap();
    let now = at("2026-03-18T11:00:00+08:00");
    let meta = store.ingest_media(&insp.id, &t.a, &hazard(finding), &scan, now).unwrap();
    assert_eq!(
        (meta.kind, meta.media_type.as_str(), meta.file_name.as_str()),
        (EvidenceKind::Document, "application/pdf", "营业执照扫描件.pdf")
    );
    assert_eq!(store.read_blob(&meta.sha256).unwrap(), bytes);
    let clip = dir.path().join("clip.mp4");
    std::fs::write(&clip, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom\0\0\0\x08free").unwrap();
    assert_eq!(store.ingest_media(&insp.id, &t.a, &hazard(finding), &clip, now).unwrap().kind, EvidenceKind::Video);
    let note = dir.path().join("note.txt");
    std::fs::write(&note, "现场记录").unwrap();
    assert!(matches!(store.ingest_media(&insp.id, &t.a, &hazard(finding), &note, now), Err(Error::Evidence(_))));
    let evidence = store.finding(&insp.id, &finding).unwrap().evidence;
    assert_eq!(evidence.len(), 2);
}

#[test]
fn a_checklist_item_photo_lands_on_the_inspectors_response() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, insp, c, t, _) = site_store(dir.path());
    let item = c.sections.iter().flat_map(|s| &s.items).find(|i| matches!(i.kind, ItemKind::YesNo)).unwrap();
    let r = response(item, &t.b, 0.0, at("2026-03-18T10:05:00+08:00"));
    store.edit(&insp.id, &t.b, &[Edit::RecordResponse(r.clone())], at("2026-03-18T10:05:00+08:00")).unwrap();
    let request =
        EvidenceRequest { target: EvidenceTarget::Item(item.code.clone()), purpose: EvidencePurpose::Checklist };
    let pipeline = PhotoPipeline::new(watermark_font());
    let meta = store
        .ingest_photo(
            &insp.id,
            &t.b,
            &request,
            &photo("plain.png"),
            &pipeline,
            &FlagPolicy::default(),
            at("2026-03-18T10:06:00+08:00"),
        )
        .unwrap();
    assert_eq!(meta.target, format!("item:{}", item.code));
    let stored = store.inspection(&insp.id).unwrap().responses[&r.key()].evidence.clone();
    assert_eq!(stored, vec![meta.sha256]);
}
