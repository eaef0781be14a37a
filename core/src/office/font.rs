//! An office's imported font as an office document: which file (by its
//! SHA-256, stored as a blob on the server) holds which family, so every
//! device can fetch it once and print with the office's licensed
//! 仿宋_GB2312. The document engine checks the file is a usable CJK font
//! before the server imports it; the core checks only the record's shape.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Largest font file accepted (a CJK collection is 20–30 MB).
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// A font file the office imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontRef {
    /// The families its faces declare (what a template's manifest names).
    pub families: Vec<String>,
    /// The file name as imported (for people).
    pub file: String,
    /// SHA-256 of the file, lowercase hex: the blob devices fetch.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

impl FontRef {
    /// Parses a record (JSON) and checks its shape.
    pub fn parse(text: &str) -> Result<Self> {
        let f: FontRef =
            serde_json::from_str(text).map_err(|e| Error::validation("font", format!("字体记录格式错误：{e}")))?;
        crate::model::evidence::parse_hash(&f.sha256)?;
        if f.families.is_empty() || f.families.iter().any(|n| n.trim().is_empty()) {
            return Err(Error::validation("font", "字体记录缺少字体族名"));
        }
        if f.size == 0 || f.size > MAX_FONT_BYTES {
            return Err(Error::validation("font", "字体文件大小不正确（上限 64 MB）"));
        }
        Ok(f)
    }

    /// The document id: one per file content.
    pub fn doc_id(&self) -> String {
        format!("font-{}", &self.sha256[..16])
    }

    /// `families (file)`, as recorded.
    pub fn source(&self) -> String {
        format!("{}（{}）", self.families.join("、"), self.file)
    }

    /// The record as stored (JSON).
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("font records serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(sha: &str, size: u64, families: &[&str]) -> String {
        FontRef {
            families: families.iter().map(|s| s.to_string()).collect(),
            file: "f.ttf".into(),
            sha256: sha.into(),
            size,
        }
        .to_text()
    }

    #[test]
    fn a_font_record_names_a_hash_a_family_and_a_size() {
        let ok = FontRef::parse(&record(&"ab".repeat(32), 1000, &["FangSong_GB2312"])).unwrap();
        assert_eq!(ok.doc_id(), "font-abababababababab");
        assert!(FontRef::parse(&record("../etc", 1000, &["F"])).is_err());
        assert!(FontRef::parse(&record(&"ab".repeat(32), 0, &["F"])).is_err());
        assert!(FontRef::parse(&record(&"ab".repeat(32), MAX_FONT_BYTES + 1, &["F"])).is_err());
        assert!(FontRef::parse(&record(&"ab".repeat(32), 10, &[])).is_err());
        assert!(FontRef::parse("{\"families\":[\"F\"]}").is_err());
    }
}
