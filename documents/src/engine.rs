//! The engine: picks the template version in force, lays the form out with
//! Typst and writes the PDF (fonts subset and embedded, text extractable,
//! the same bytes for the same record and template), and rasterises a page
//! for the app's preview.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Timelike};
use serde_json::{json, Value};
use typst::foundations::{Datetime, Smart};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use lianjian_core::model::Department;

use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::forms::FormKind;
use crate::templates::Templates;
use crate::world::FormWorld;

/// Documents after which a memoized result none of them used is dropped.
/// Never evicting is about a fifth faster per document (the next one
/// reuses more) but grows the heap by about a megabyte a document.
const EVICT_AFTER: usize = 3;

/// A form filled from a record, ready to lay out.
#[derive(Clone, Debug)]
pub struct FormData {
    /// Which form.
    pub kind: FormKind,
    /// The office whose templates apply ("" for the bundled default only).
    pub office: String,
    /// The department issuing it (its 机关名称 and 代字 are printed).
    pub department: Department,
    /// The document's date: selects the template version in force.
    pub date: NaiveDate,
    /// When it was issued (the PDF's creation time, China time).
    pub issued_at: chrono::DateTime<chrono::FixedOffset>,
    /// A stable id of this document (the PDF's identifier).
    pub ident: String,
    /// The form's fields, read by the template as `data`.
    pub data: Value,
    /// Images the data names (signature PNGs, the QR code), by path.
    pub images: BTreeMap<String, Vec<u8>>,
}

/// A laid-out document.
pub struct Rendered {
    /// The pages, for previews.
    pub document: PagedDocument,
    /// The PDF bytes.
    pub pdf: Vec<u8>,
}

impl Rendered {
    /// Pages.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// Page `index` (0-based) as PNG at `pixels_per_pt` (2.0 is 144 dpi).
    pub fn page_png(&self, index: usize, pixels_per_pt: f32) -> Result<Vec<u8>> {
        let page = self.document.pages().get(index).ok_or_else(|| Error::Pdf(format!("没有第 {} 页", index + 1)))?;
        let options = typst_render::RenderOptions { pixel_per_pt: (pixels_per_pt as f64).into(), ..Default::default() };
        typst_render::render(page, &options).encode_png().map_err(|e| Error::Pdf(e.to_string()))
    }
}

/// Fonts, templates and Typst's standard library, loaded once.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: std::sync::RwLock<std::sync::Arc<FontSet>>,
    /// Keys of the office fonts added (so each is added once).
    added: std::sync::Mutex<std::collections::BTreeSet<String>>,
    templates: std::sync::RwLock<Templates>,
}

impl Engine {
    /// An engine with these fonts and templates.
    pub fn new(fonts: FontSet, templates: Templates) -> Self {
        Engine {
            library: LazyHash::new(Library::default()),
            fonts: std::sync::RwLock::new(std::sync::Arc::new(fonts)),
            added: Default::default(),
            templates: std::sync::RwLock::new(templates),
        }
    }

    /// The templates held (a copy: they are small).
    pub fn templates(&self) -> Templates {
        self.templates.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the templates (the bundled default plus the office's sets
    /// that arrived by sync).
    pub fn set_templates(&self, templates: Templates) {
        *self.templates.write().unwrap_or_else(|p| p.into_inner()) = templates;
    }

    /// The fonts held.
    pub fn fonts(&self) -> std::sync::Arc<FontSet> {
        self.fonts.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether the font added under `key` is held.
    pub fn has_font(&self, key: &str) -> bool {
        self.added.lock().unwrap_or_else(|p| p.into_inner()).contains(key)
    }

    /// Adds an office's font file (checked as [`crate::fonts::faces`] checks
    /// it) once per `key` (its hash); whether it was new.
    pub fn add_font(&self, key: &str, name: &str, data: Vec<u8>) -> Result<bool> {
        let mut added = self.added.lock().unwrap_or_else(|p| p.into_inner());
        if added.contains(key) {
            return Ok(false);
        }
        let grown = FontSet::clone(&self.fonts()).with_bytes(name, data)?;
        *self.fonts.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(grown);
        added.insert(key.to_string());
        Ok(true)
    }

    /// Lays out `form` with the template version in force on its date and
    /// writes the PDF.
    pub fn render(&self, form: &FormData) -> Result<Rendered> {
        let templates = self.templates();
        let set = templates.select(&form.office, form.kind, form.date)?;
        // A 隐患清单 is not issued in a department's name: it may list one
        // the template set has no parameters for.
        let issuer = match set.issuer(&form.department) {
            Ok(i) => json!(i),
            Err(_) if form.kind == FormKind::HazardList => Value::Null,
            Err(e) => return Err(e),
        };
        let main = &set.manifest.forms[form.kind.code()];
        let data = json!({
            "issuer": issuer,
            "fonts": set.manifest.fonts,
            "kind": form.kind.code(),
            "title": form.kind.title(),
            "form": form.data,
        });
        let mut files = form.images.clone();
        files.insert("/data.json".into(), serde_json::to_vec(&data).expect("JSON values serialize"));
        let d = form.issued_at;
        let today = Datetime::from_ymd(d.year(), d.month() as u8, d.day() as u8).expect("a valid date");
        let fonts = self.fonts();
        // A template naming only fonts this engine lacks would silently be
        // set in a fallback face: refuse instead.
        for list in [&set.manifest.fonts.body, &set.manifest.fonts.title] {
            if !list.iter().any(|f| fonts.has_family(f)) {
                return Err(Error::BadFont(format!("模板所需字体「{}」尚未收到，请联网同步后再打印", list.join("、"))));
            }
        }
        let world = FormWorld::new(&self.library, &fonts, main, &set.files, files, today);
        let warned = typst::compile::<PagedDocument>(&world);
        let document = warned.output.map_err(|errors| {
            Error::Layout(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("；"))
        })?;
        let when = Datetime::from_ymd_hms(
            d.year(),
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
        )
        .expect("a valid time");
        let offset = d.offset().local_minus_utc() / 60;
        let options = PdfOptions {
            ident: Smart::Custom(form.ident.clone()),
            timestamp: Timestamp::new_local(when, offset),
            ..Default::default()
        };
        let pdf = typst_pdf::pdf(&document, &options)
            .map_err(|errors| Error::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("；")));
        // Typst's memo cache is global and grows with every new document: a
        // device or server printing all day keeps only what the last few
        // few documents used (the fonts' and templates' parsed forms stay hot).
        typst::comemo::evict(EVICT_AFTER);
        Ok(Rendered { document, pdf: pdf? })
    }
}
