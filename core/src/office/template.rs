//! An office's document template set as an office document: its manifest
//! and Typst files as imported, so every device prints with the office's
//! own wording and parameters (read-only there). The core checks only the
//! bundle's shape; the document engine checks the set itself before the
//! server imports it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest template bundle accepted (text: the manifest and .typ files).
pub const MAX_BUNDLE_BYTES: usize = 512 * 1024;

/// A template set as imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateBundle {
    /// `manifest.toml` as written by the office.
    pub manifest: String,
    /// File name -> Typst source.
    pub files: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Head {
    id: String,
    version: String,
}

impl TemplateBundle {
    /// Parses a bundle (JSON) and checks its shape: an id and version in the
    /// manifest, at least one `.typ` file, within the size limit.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_BUNDLE_BYTES {
            return Err(Error::validation("template", "模板包过大（上限 512 KB）"));
        }
        let bundle: TemplateBundle =
            serde_json::from_str(text).map_err(|e| Error::validation("template", format!("模板包格式错误：{e}")))?;
        bundle.head()?;
        if bundle.files.is_empty() || !bundle.files.keys().all(|k| k.ends_with(".typ")) {
            return Err(Error::validation("template", "模板包须包含 .typ 文件"));
        }
        Ok(bundle)
    }

    fn head(&self) -> Result<Head> {
        let head: Head = toml::from_str(&self.manifest)
            .map_err(|e| Error::validation("template", format!("manifest.toml：{}", e.message())))?;
        if head.id.trim().is_empty() || head.version.trim().is_empty() {
            return Err(Error::validation("template", "manifest.toml 缺少 id 或 version"));
        }
        Ok(head)
    }

    /// `id version`, as recorded.
    pub fn source(&self) -> String {
        self.head().map(|h| format!("{} {}", h.id, h.version)).unwrap_or_default()
    }

    /// The document id: one per set and version.
    pub fn doc_id(&self) -> String {
        self.head().map(|h| format!("template-{}-{}", h.id, h.version)).unwrap_or_default()
    }

    /// The bundle as stored (JSON).
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("bundles serialize")
    }
}
