//! Evidence into the store. The order matters for a legal record: the file
//! is checked completely (a bad file stores nothing), then every blob is
//! written and fsynced, and only then does the inspection reference it, so a
//! document never points at a photo the device does not hold.

use std::path::Path;

use rusqlite::params;

use super::Store;
use crate::doc::Editor;
use crate::error::{Error, Result};
use crate::evidence::flags::{check, Captured};
use crate::evidence::media::sniff_media;
use crate::evidence::{
    EvidenceError, EvidenceFlag, EvidenceKind, EvidenceMeta, EvidencePurpose, EvidenceTarget, FlagContext, FlagPolicy,
    PhotoPipeline, WatermarkContext,
};
use crate::model::{InspectionId, Timestamp};

/// Where a new piece of evidence goes and why it was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRequest {
    /// The hazard or checklist item.
    pub target: EvidenceTarget,
    /// Why.
    pub purpose: EvidencePurpose,
}

/// Most bytes a video, recording or scan may have (a few minutes of phone video).
pub const MAX_MEDIA_BYTES: u64 = 1 << 30;

impl Store {
    /// Ingests a photo (JPEG or PNG) from `path` as evidence: stores the
    /// untouched original, a watermarked display copy and a thumbnail,
    /// checks capture time, place and re-use, and records it on the target.
    /// A file that is not a usable photo is refused and nothing is stored.
    #[allow(clippy::too_many_arguments)]
    pub fn ingest_photo(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        request: &EvidenceRequest,
        path: &Path,
        pipeline: &PhotoPipeline,
        policy: &FlagPolicy,
        at: Timestamp,
    ) -> Result<EvidenceMeta> {
        let header = self.check_target(inspection, editor, &request.target)?;
        let size = std::fs::metadata(path)?.len();
        if size > pipeline.limits.max_file_bytes {
            return Err(EvidenceError::FileTooLarge { size, limit: pipeline.limits.max_file_bytes }.into());
        }
        let original = std::fs::read(path)?;
        let context = WatermarkContext {
            address: header.location.clone(),
            enterprise: header.enterprise_name.clone(),
            inspector: editor.name.clone(),
            fallback_time: at,
        };
        let photo = pipeline.process(&original, &context)?;
        let enterprise_location = self.enterprise(&header.enterprise).ok().and_then(|e| e.location);
        let on_file = self.phashes_on_file(&header.enterprise.to_string())?;
        let start = header.started_at.or(self.scheduled_at(inspection)?);
        let flags = check(
            &Captured {
                sha256: &photo.sha256,
                purpose: request.purpose,
                captured_at: photo.exif.captured_at,
                gps: photo.exif.gps,
                phash: Some(&photo.phash),
            },
            &FlagContext {
                inspection_start: start,
                inspection_end: self.ended_at(inspection)?,
                enterprise_location,
                on_file: &on_file,
            },
            policy,
            at,
        );
        let display = self.put_blob(&photo.display_jpeg, "image/jpeg", at)?;
        let thumbnail = self.put_blob(&photo.thumbnail_jpeg, "image/jpeg", at)?;
        let sha = self.put_blob(&original, photo.format.media_type(), at)?;
        debug_assert_eq!(sha, photo.sha256);
        let meta = EvidenceMeta {
            width: Some(photo.width),
            height: Some(photo.height),
            orientation: photo.exif.orientation,
            captured_at: photo.exif.captured_at,
            gps: photo.exif.gps,
            device: photo.exif.device,
            display: Some(display),
            thumbnail: Some(thumbnail),
            phash: Some(photo.phash),
            flags,
            ..record(photo.sha256, EvidenceKind::Photo, photo.format.media_type(), size, request, path, editor, at)
        };
        self.record_evidence(inspection, editor, request, meta, at)
    }

    /// Ingests a video, audio recording or PDF scan from `path` as it is
    /// (hashed, never transcoded). Photos go through [`Store::ingest_photo`].
    pub fn ingest_media(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        request: &EvidenceRequest,
        path: &Path,
        at: Timestamp,
    ) -> Result<EvidenceMeta> {
        self.check_target(inspection, editor, &request.target)?;
        let size = std::fs::metadata(path)?.len();
        if size > MAX_MEDIA_BYTES {
            return Err(EvidenceError::FileTooLarge { size, limit: MAX_MEDIA_BYTES }.into());
        }
        let mut head = [0u8; 16];
        let n = std::io::Read::read(&mut std::fs::File::open(path)?, &mut head)?;
        if crate::evidence::decode::sniff(&head[..n]).is_some() {
            return Err(Error::validation("file", "photos are ingested with ingest_photo"));
        }
        let media = sniff_media(&head[..n])?;
        let sha = self.put_blob_file(path, media.media_type, at)?;
        let meta = record(sha, media.kind, media.media_type, size, request, path, editor, at);
        self.record_evidence(inspection, editor, request, meta, at)
    }

    /// Records stored evidence on its target: the last step of an ingest.
    fn record_evidence(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        request: &EvidenceRequest,
        meta: EvidenceMeta,
        at: Timestamp,
    ) -> Result<EvidenceMeta> {
        let edit = crate::doc::Edit::AddEvidence { meta: meta.clone(), target: request.target.clone() };
        self.edit(inspection, editor, &[edit], at)?;
        Ok(meta)
    }

    /// The evidence recorded on an inspection, oldest first.
    pub fn evidence(&mut self, inspection: &InspectionId) -> Result<Vec<EvidenceMeta>> {
        let doc = &self.loaded(&inspection.to_string(), "inspection")?.doc;
        let map: std::collections::BTreeMap<String, EvidenceMeta> =
            match automerge::ReadDoc::get(doc, automerge::ROOT, "evidence")? {
                Some(_) => autosurgeon::hydrate_prop(doc, automerge::ROOT, "evidence")?,
                None => Default::default(),
            };
        let mut list: Vec<EvidenceMeta> = map.into_values().collect();
        list.sort_by(|a, b| (a.added_at, &a.sha256).cmp(&(b.added_at, &b.sha256)));
        Ok(list)
    }

    /// Every flag raised on an inspection's evidence, with the evidence id.
    pub fn evidence_flags(&mut self, inspection: &InspectionId) -> Result<Vec<(String, EvidenceFlag)>> {
        Ok(self
            .evidence(inspection)?
            .into_iter()
            .flat_map(|m| {
                let sha = m.sha256;
                m.flags.into_iter().map(move |f| (sha.clone(), f))
            })
            .collect())
    }

    /// Perceptual hashes of every photo on file for an enterprise.
    fn phashes_on_file(&self, enterprise: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT sha256, phash FROM evidence_index WHERE enterprise_id = ?1 AND phash IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![enterprise], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn scheduled_at(&mut self, inspection: &InspectionId) -> Result<Option<Timestamp>> {
        self.root_time(inspection, "scheduled_at")
    }

    fn ended_at(&mut self, inspection: &InspectionId) -> Result<Option<Timestamp>> {
        self.root_time(inspection, "ended_at")
    }

    fn root_time(&mut self, inspection: &InspectionId, key: &str) -> Result<Option<Timestamp>> {
        let doc = &self.loaded(&inspection.to_string(), "inspection")?.doc;
        crate::doc::fields::string(doc, &automerge::ROOT, key)?.map(|t| Timestamp::parse(&t)).transpose()
    }

    /// Checks that the evidence's target exists before anything is written.
    fn check_target(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        target: &EvidenceTarget,
    ) -> Result<crate::doc::InspectionHeader> {
        let doc = &self.loaded(&inspection.to_string(), "inspection")?.doc;
        match target {
            EvidenceTarget::Finding(id) => {
                crate::doc::inspection::finding(doc, id)?;
            }
            EvidenceTarget::Item(code) => {
                let responses = crate::doc::fields::root_map(doc, "responses")?;
                let key = crate::model::response_key(code, &editor.person);
                crate::doc::fields::object(doc, &responses, &key, "response (record the item first)")?;
            }
        }
        crate::doc::inspection::header(doc)
    }
}

/// The evidence record of a stored file, without the facts only photos have.
#[allow(clippy::too_many_arguments)]
fn record(
    sha256: String,
    kind: EvidenceKind,
    media_type: &str,
    size: u64,
    request: &EvidenceRequest,
    path: &Path,
    editor: &Editor,
    at: Timestamp,
) -> EvidenceMeta {
    EvidenceMeta {
        sha256,
        kind,
        purpose: request.purpose,
        target: request.target.code(),
        media_type: media_type.into(),
        size,
        file_name: file_name(path),
        width: None,
        height: None,
        orientation: None,
        captured_at: None,
        gps: None,
        device: None,
        display: None,
        thumbnail: None,
        phash: None,
        flags: Vec::new(),
        added_by: editor.person,
        added_at: at,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
