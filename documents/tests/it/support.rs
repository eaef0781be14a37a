//! Shared helpers: an engine with the bundled fonts and templates, a signed
//! demo inspection, and Poppler's tools.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use lianjian_core::model::Department;
use lianjian_core::signing::RecordRef;
use lianjian_core::store::Store;
use lianjian_documents::fonts::{FontSet, NOTO_DIR};
use lianjian_documents::templates::Templates;
use lianjian_documents::{demo, Engine, FormKind, Request};

/// One engine for the whole binary (fonts load once, as in the app).
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(FontSet::default_in(Path::new(NOTO_DIR)).unwrap(), Templates::bundled()))
}

/// A request for `kind` numbered `number`, issued on 2026-03-18.
pub fn request(kind: FormKind, number: &str) -> Request {
    let issued_at = chrono::DateTime::parse_from_rfc3339("2026-03-18T11:50:00+08:00").unwrap();
    Request { number: Some(number.into()), ..Request::new(kind, Department::EmergencyManagement, issued_at) }
}

/// A demo inspection with `findings` hazards, its findings list signed (or refused).
pub fn signed(dir: &Path, findings: usize, refuse: Option<&str>) -> (Store, lianjian_core::model::Inspection) {
    let (mut store, insp, team) = demo::inspection(dir, findings).unwrap();
    demo::sign(&mut store, &insp, &team, &RecordRef::Findings, refuse).unwrap();
    (store, insp)
}

/// Runs a Poppler tool on `pdf` and returns its standard output.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { vec!["-"] } else { vec![] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (scripts/setup installs poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
