//! The fonts documents are set in. Nothing is looked up on the system or
//! downloaded: the app ships open fonts (Noto Serif CJK SC from Debian's
//! `fonts-noto-cjk` by default) and an office may import its own licensed
//! 仿宋_GB2312, each checked to be a usable font before it is accepted.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::error::{Error, Result};

/// Where Debian's `fonts-noto-cjk` puts the faces the bundled templates name.
pub const NOTO_DIR: &str = "/usr/share/fonts/opentype/noto";

/// The files of the bundled default faces, in [`NOTO_DIR`].
pub const DEFAULT_FILES: [&str; 2] = ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"];

/// A set of font faces and the book Typst selects from.
#[derive(Clone)]
pub struct FontSet {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet").field("faces", &self.fonts.len()).finish()
    }
}

/// The faces one file holds, or an error naming the file.
pub fn faces(name: &str, data: Bytes) -> Result<Vec<Font>> {
    let faces: Vec<Font> = Font::iter(data).collect();
    if faces.is_empty() {
        return Err(Error::BadFont(format!("{name} 不是 TrueType/OpenType 字体")));
    }
    if !faces.iter().any(|f| f.info().coverage.contains('中' as u32)) {
        return Err(Error::BadFont(format!("{name} 不含中文字形")));
    }
    Ok(faces)
}

/// The families a font file given as bytes declares, checked as [`faces`]
/// checks it (the server's `import-font`).
pub fn families_of(name: &str, data: Vec<u8>) -> Result<Vec<String>> {
    let mut names: Vec<String> = faces(name, Bytes::new(data))?.iter().map(|f| f.info().family.clone()).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

impl FontSet {
    /// A set of the given files' faces (memory-mapped).
    pub fn from_files(paths: &[PathBuf]) -> Result<Self> {
        let mut fonts = Vec::new();
        for path in paths {
            let file = std::fs::File::open(path)?;
            // SAFETY: font files are opened read-only and not modified while
            // mapped; a font replaced underneath would at worst render wrongly.
            let map = unsafe { memmap2::Mmap::map(&file)? };
            fonts.extend(faces(&display(path), Bytes::new(map))?);
        }
        Ok(Self::from_fonts(fonts))
    }

    /// The bundled default faces from `dir` (see [`DEFAULT_FILES`]).
    pub fn default_in(dir: &Path) -> Result<Self> {
        let paths: Vec<PathBuf> = DEFAULT_FILES.iter().map(|f| dir.join(f)).collect();
        for p in &paths {
            if !p.exists() {
                return Err(Error::BadFont(format!("缺少默认字体 {}（Debian 软件包 fonts-noto-cjk）", display(p))));
            }
        }
        Self::from_files(&paths)
    }

    /// Adds faces given as bytes (an office's imported font).
    pub fn with_bytes(mut self, name: &str, data: Vec<u8>) -> Result<Self> {
        self.fonts.extend(faces(name, Bytes::new(data))?);
        Ok(Self::from_fonts(self.fonts))
    }

    fn from_fonts(fonts: Vec<Font>) -> Self {
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        FontSet { fonts, book }
    }

    /// The book.
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The face at `index` of the book.
    pub fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// Whether a face of `family` is held (case-insensitive, as Typst
    /// matches families).
    pub fn has_family(&self, family: &str) -> bool {
        self.fonts.iter().any(|f| f.info().family.eq_ignore_ascii_case(family))
    }

    /// The family names held, sorted and without repeats.
    pub fn families(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts.iter().map(|f| f.info().family.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

fn display(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
