//! `import-template` and the office data page: a template set is checked
//! by laying every form out with demo data, in the fonts devices will hold
//! (the bundled ones and every font the office imported), before it is
//! stored as an office document that reaches devices with their next sync.

use std::collections::BTreeMap;
use std::path::Path;

use lianjian_core::model::Timestamp;
use lianjian_core::office::documents::{ImportOutcome, KIND_TEMPLATE};
use lianjian_core::office::template::TemplateBundle;
use lianjian_core::{Error, Result};
use lianjian_documents::templates::{TemplateSet, Templates};

use crate::seed::import_office_doc;
use crate::state::AppState;

fn document_error(e: lianjian_documents::Error) -> Error {
    Error::validation("template", e.to_string())
}

/// Checks a set given as its manifest and `.typ` files: the manifest's
/// rules, then a trial layout of every form with `fonts` (a folder holding
/// the bundled faces) and the office's imported fonts. Returns the bundle
/// to store.
pub fn check(
    state: &AppState,
    manifest: &str,
    files: BTreeMap<String, String>,
    fonts: &Path,
) -> Result<TemplateBundle> {
    let set = TemplateSet::new(manifest, files).map_err(document_error)?;
    let mut font_set = lianjian_documents::fonts::FontSet::default_in(fonts).map_err(document_error)?;
    for (name, bytes) in crate::font_import::imported_fonts(state)? {
        font_set = font_set.with_bytes(&name, bytes).map_err(document_error)?;
    }
    let engine = lianjian_documents::Engine::new(font_set, Templates::bundled());
    lianjian_documents::trial::trial(&engine, &set).map_err(document_error)?;
    Ok(TemplateBundle { manifest: manifest.to_string(), files: set.files.clone() })
}

/// Checks a stored bundle's text again (what the data page's confirm
/// button sends back) and returns it.
pub fn check_text(state: &AppState, text: &str, fonts: &Path) -> Result<TemplateBundle> {
    let bundle = TemplateBundle::parse(text)?;
    check(state, &bundle.manifest, bundle.files, fonts)
}

/// Checks and imports a set by `by` at `at`.
pub fn import(state: &AppState, bundle: &TemplateBundle, by: &str, at: Timestamp) -> Result<ImportOutcome> {
    import_office_doc(state, KIND_TEMPLATE, &bundle.to_text(), by, at)
}
