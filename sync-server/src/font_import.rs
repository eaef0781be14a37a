//! `import-font`: an office's own font (a licensed 仿宋_GB2312, say) is
//! checked to be a usable CJK font, stored once as a blob, and recorded in
//! an office document that names its families and hash. The document
//! reaches every device with sync and grants them the blob; devices fetch
//! it once and the document engine sets forms in it where a template names
//! its family.

use std::path::Path;

use lianjian_core::model::Timestamp;
use lianjian_core::office::documents::{ImportOutcome, KIND_FONT};
use lianjian_core::office::font::{FontRef, MAX_FONT_BYTES};
use lianjian_core::{Error, Result};

use crate::args;
use crate::blobs::{BlobHash, UploadState};
use crate::seed::import_office_doc;
use crate::state::AppState;

/// The device name an import's blob is staged under (no device uploads it).
const IMPORTER: &str = "office-import";

/// Imports the font file at `file`: validated, stored as a blob, recorded
/// as an office document. A bad file changes nothing.
pub fn import_font(state: &AppState, file: &Path, by: &str, at: Timestamp) -> Result<(FontRef, ImportOutcome)> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let size = std::fs::metadata(file)?.len();
    if size == 0 || size > MAX_FONT_BYTES {
        return Err(too_big(&name));
    }
    let font = stage(state, &name, std::fs::read(file)?, at)?;
    let outcome = import_office_doc(state, KIND_FONT, &font.to_text(), by, at)?;
    Ok((font, outcome))
}

fn too_big(name: &str) -> Error {
    Error::validation("font", format!("{name}：字体文件大小不正确（上限 64 MB）"))
}

/// Checks `bytes` (a file called `name`) as a usable CJK font and stores
/// them as a blob, without recording anything devices read: the data
/// page's preview. The blob is content-addressed, so staging twice or never
/// importing leaves nothing wrong behind.
pub fn stage(state: &AppState, name: &str, bytes: Vec<u8>, at: Timestamp) -> Result<FontRef> {
    let size = bytes.len() as u64;
    if size == 0 || size > MAX_FONT_BYTES {
        return Err(too_big(name));
    }
    let families = lianjian_documents::fonts::families_of(name, bytes.clone())
        .map_err(|e| Error::validation("font", e.to_string()))?;
    let hash = BlobHash::of(&bytes);
    let font = FontRef { families, file: name.to_string(), sha256: hash.as_str().to_string(), size };
    store_blob(state, &hash, &bytes, at)?;
    Ok(font)
}

/// Imports a font record that [`stage`] made (what the data page's confirm
/// button sends back): its blob must be held and still be that font.
pub fn import_staged(state: &AppState, text: &str, by: &str, at: Timestamp) -> Result<(FontRef, ImportOutcome)> {
    let font = FontRef::parse(text)?;
    let hash = BlobHash::parse(&font.sha256).ok_or_else(|| Error::validation("font", "字体记录的哈希不正确"))?;
    let bytes = std::fs::read(state.blobs.path(&hash))
        .map_err(|_| Error::validation("font", "服务器上没有这个字体文件：请重新上传"))?;
    if BlobHash::of(&bytes) != hash || stage(state, &font.file, bytes, at)? != font {
        return Err(Error::validation("font", "字体记录与文件不符：请重新上传"));
    }
    let outcome = import_office_doc(state, KIND_FONT, text, by, at)?;
    Ok((font, outcome))
}

/// Every imported font's bytes the server holds, by file name (the trial
/// of a template set lays its forms out with them).
pub fn imported_fonts(state: &AppState) -> Result<Vec<(String, Vec<u8>)>> {
    let rules = {
        let mut db = state.lock();
        let revision = crate::db::revision(&mut *db.sql).map_err(|e| Error::External(Box::new(e)))?;
        state.office.get(revision, &mut db.docs())?
    };
    let mut out = Vec::new();
    for f in rules.office.fonts.values() {
        let hash = BlobHash::parse(&f.sha256).ok_or_else(|| Error::Schema("font hash".into()))?;
        out.push((f.file.clone(), std::fs::read(state.blobs.path(&hash))?));
    }
    Ok(out)
}

fn store_blob(state: &AppState, hash: &BlobHash, bytes: &[u8], at: Timestamp) -> Result<()> {
    let external = |e: crate::blobs::UploadError| Error::External(Box::new(e));
    match state.blobs.append(hash, IMPORTER, 0, bytes.len() as u64, bytes).map_err(external)? {
        UploadState::Complete(_) => {}
        UploadState::Partial(_) => return Err(Error::Schema("font blob incomplete".into())),
    }
    state
        .lock()
        .sql
        .execute(
            "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
            args![hash.as_str(), bytes.len() as i64, at.to_string()],
        )
        .map_err(|e| Error::External(Box::new(e)))?;
    Ok(())
}
