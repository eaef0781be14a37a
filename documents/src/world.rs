//! Our own Typst `World`: the template set's sources, the record's data
//! (`/data.json`) and images (signatures, the QR code) as in-memory files,
//! the fonts we hold, and a date fixed by the document. Nothing is read
//! from disk by path and no package is ever fetched, so a template can
//! neither reach the network nor the device's files, and the same record
//! and template give the same bytes.

use std::collections::{BTreeMap, HashMap};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use crate::fonts::FontSet;

/// The files of one compilation.
pub(crate) struct FormWorld<'a> {
    library: &'a LazyHash<Library>,
    fonts: &'a FontSet,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

/// The id of a file at `path` (absolute, in the project root).
pub(crate) fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")))
}

impl<'a> FormWorld<'a> {
    /// A world compiling `main` among `sources`, with `files` readable.
    pub(crate) fn new(
        library: &'a LazyHash<Library>,
        fonts: &'a FontSet,
        main: &str,
        sources: &BTreeMap<String, String>,
        files: BTreeMap<String, Vec<u8>>,
        today: Datetime,
    ) -> Self {
        let sources = sources
            .iter()
            .map(|(name, text)| {
                let id = file_id(&format!("/{name}"));
                (id, Source::new(id, text.clone()))
            })
            .collect();
        let files = files.into_iter().map(|(path, bytes)| (file_id(&path), Bytes::new(bytes))).collect();
        FormWorld { library, fonts, main: file_id(&format!("/{main}")), sources, files, today }
    }
}

impl World for FormWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(s) = self.sources.get(&id) {
            return Ok(Bytes::from_string(s.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
