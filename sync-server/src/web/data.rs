//! 基础数据 on the office's pages: the office pastes a calendar, region,
//! division of duties, loop rules, checklist version or enterprise list, or
//! uploads a document template set or a font file, sees what would change
//! (checked by the same parsers as the command line, the bad line named; a
//! template set laid out with demo data first), and imports it with a
//! second click. The preview records nothing devices read (an uploaded
//! font's bytes are kept by their hash until confirmed), and a bad file
//! stores nothing.

use std::path::Path as FsPath;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use lianjian_core::doc::catalog::{read_checklist, read_enterprise};
use lianjian_core::office::documents::{read_office_doc, ImportOutcome, OfficeDoc, KIND_FONT, KIND_TEMPLATE};
use lianjian_core::office::font::FontRef;
use lianjian_core::rules::office_access::OfficeAction;
use lianjian_documents::fonts::NOTO_DIR;

use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

/// What can be imported here: code and label.
const KINDS: &[(&str, &str)] = &[
    ("calendar", "节假日安排（一年，TOML）"),
    ("region", "区域与隐患分级（TOML）"),
    ("scope", "部门职责分工（TOML）"),
    ("loop_rules", "闭环时限规则（TOML）"),
    ("checklist", "检查表（一个版本，TOML）"),
    ("enterprises", "企业名录（JSON）"),
];

/// What is uploaded as files rather than pasted: code and label.
const UPLOADS: &[(&str, &str)] =
    &[("template", "文书模板（manifest.toml 和全部 .typ 文件）"), ("font", "字体文件（TTF/OTF/TTC，含中文字形）")];

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    chrome: Chrome,
    kinds: &'static [(&'static str, &'static str)],
    uploads: &'static [(&'static str, &'static str)],
    kind: String,
    /// What the paste box shows (empty after an upload).
    pasted: String,
    /// What the confirm button sends back.
    text: String,
    error: Option<String>,
    preview: Vec<String>,
    done: Option<String>,
}

/// A pasted file.
#[derive(Deserialize)]
pub struct Pasted {
    #[serde(default)]
    csrf: String,
    kind: String,
    text: String,
}

/// The page after a step: the kind chosen, the text behind the preview,
/// and whether it was uploaded (then the paste box stays empty).
pub(super) struct Step {
    pub kind: String,
    pub text: String,
    pub uploaded: bool,
}

pub(super) fn page(
    office: &Office,
    step: Step,
    error: Option<String>,
    preview: Vec<String>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let pasted = if step.uploaded { String::new() } else { step.text.clone() };
    let p = DataPage {
        chrome: Chrome::new(office, "data"),
        kinds: KINDS,
        uploads: UPLOADS,
        kind: step.kind,
        pasted,
        text: step.text,
        error,
        preview,
        done,
    };
    let mut resp = super::html(&p).map_err(AppError::page)?;
    if p.error.is_some() {
        *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}

fn pasted(kind: String, text: String) -> Step {
    Step { kind, text, uploaded: false }
}

/// `GET /office/data`.
pub async fn form(office: Office) -> Result<Response, AppError> {
    office.require(OfficeAction::ImportData)?;
    page(&office, pasted("calendar".into(), String::new()), None, vec![], None)
}

/// What importing `text` as `kind` would change, without storing anything
/// devices read.
pub(super) fn preview(state: &AppState, kind: &str, text: &str) -> Result<Vec<String>, lianjian_core::Error> {
    let mut trial = None;
    match kind {
        KIND_TEMPLATE => {
            let b = crate::template_import::check_text(state, text, FsPath::new(NOTO_DIR))?;
            trial = Some(format!("试排通过：{} 种文书均已用示例数据排版", b.files.len()));
        }
        KIND_FONT => {
            let f = FontRef::parse(text)?;
            trial = Some(format!("字体：{}（{} 字节），字族 {}", f.file, f.size, f.families.join("、")));
        }
        _ => {}
    }
    let mut db = state.lock();
    let mut docs = db.docs();
    if kind == "checklist" {
        let c = lianjian_core::import::parse_checklist(text, FsPath::new("检查表"), &state.scheme)?;
        let id = c.version_key();
        let items = c.items().count();
        return match docs.with_document(&id, read_checklist) {
            Ok(Ok(old)) if old == c => Ok(vec![format!("{id}：已发布且内容相同，导入不会改变任何内容")]),
            Ok(_) => Err(lianjian_core::Error::validation(
                "version",
                format!("检查表 {id} 已发布，内容不同：请提高 version 后作为新版本发布"),
            )),
            Err(_) => Ok(vec![format!("{id}：将发布「{}」，{} 项检查内容", c.title, items)]),
        };
    }
    if kind == "enterprises" {
        let list = lianjian_core::import::parse_enterprises(text, FsPath::new("企业名录"))?;
        let (mut new, mut changed, mut same) = (0, 0, 0);
        for e in &list {
            match docs.with_document(&e.id.to_string(), read_enterprise) {
                Ok(Ok(stored)) if &stored == e => same += 1,
                Ok(_) => changed += 1,
                Err(_) => new += 1,
            }
        }
        return Ok(vec![format!("共 {} 家：新增 {new} 家，更新 {changed} 家，不变 {same} 家", list.len())]);
    }
    let parsed = OfficeDoc::parse(kind, text)?;
    let id = parsed.doc_id();
    let mut lines: Vec<String> = trial.into_iter().collect();
    lines.extend(match docs.with_document(&id, read_office_doc) {
        Ok(Ok((_, old))) if old == parsed => vec![format!("{id}：与现有内容相同，导入不会改变任何内容")],
        Ok(Ok((_, old))) => vec![
            format!("{id}：将替换现有内容"),
            format!("原来源：{}", old.source()),
            format!("新来源：{}", parsed.source()),
        ],
        _ => vec![format!("{id}：将新增"), format!("来源：{}", parsed.source())],
    });
    Ok(lines)
}

/// `POST /office/data/preview`.
pub async fn check(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<Pasted>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ImportData)?;
    office.check_csrf(&f.csrf)?;
    let (kind, text) = (f.kind.clone(), f.text.clone());
    let result =
        super::blocking(&state, move |state| Ok(preview(state, &kind, &text))).await.map_err(AppError::page)?;
    match result {
        Ok(lines) => page(&office, pasted(f.kind, f.text), None, lines, None),
        Err(e) => page(&office, pasted(f.kind, f.text), Some(e.to_string()), vec![], None),
    }
}

/// Imports `text` as `kind` by `who`, checked as the command line checks it.
fn import_one(state: &AppState, kind: &str, text: &str, who: &str) -> Result<String, lianjian_core::Error> {
    let now = state.clock.now();
    let said = |o: ImportOutcome| match o {
        ImportOutcome::Added => "已导入（新增）".to_string(),
        ImportOutcome::Replaced(old) => format!("已导入，替换了「{old}」"),
        ImportOutcome::Unchanged => "内容与现有相同，未作改变".to_string(),
    };
    match kind {
        "enterprises" => {
            let list = lianjian_core::import::parse_enterprises(text, FsPath::new("企业名录"))?;
            crate::seed::import_enterprises(state, &list, |_, _| {})?;
            Ok(format!("已导入 {} 家企业", list.len()))
        }
        "checklist" => {
            let c = lianjian_core::import::parse_checklist(text, FsPath::new("检查表"), &state.scheme)?;
            crate::seed::import_checklists(state, std::slice::from_ref(&c), |_, _| {})?;
            Ok(format!("已发布检查表 {}「{}」", c.version_key(), c.title))
        }
        KIND_TEMPLATE => {
            let bundle = crate::template_import::check_text(state, text, FsPath::new(NOTO_DIR))?;
            crate::template_import::import(state, &bundle, who, now).map(said)
        }
        KIND_FONT => crate::font_import::import_staged(state, text, who, now).map(|(_, o)| said(o)),
        _ => crate::seed::import_office_doc(state, kind, text, who, now).map(said),
    }
}

/// `POST /office/data/import`: the same import as the command line.
pub async fn import(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<Pasted>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ImportData)?;
    office.check_csrf(&f.csrf)?;
    let (kind, text, who) = (f.kind.clone(), f.text.clone(), office.0.user.id.clone());
    let result = super::blocking(&state, move |state| {
        let now = state.clock.now();
        let outcome = import_one(state, &kind, &text, &who);
        let mut db = state.lock();
        let event = Event {
            person: Some(&who),
            event: "import",
            summary: format!("办公页面导入 {kind}"),
            result: if outcome.is_ok() { "accepted".into() } else { "refused:invalid".into() },
            ..Default::default()
        };
        audit::append(&mut *db.sql, now, &event)?;
        Ok(outcome)
    })
    .await
    .map_err(AppError::page)?;
    let uploaded = UPLOADS.iter().any(|(k, _)| *k == f.kind);
    match result {
        Ok(done) => page(&office, Step { kind: f.kind, text: String::new(), uploaded }, None, vec![], Some(done)),
        Err(e) => page(&office, Step { kind: f.kind, text: f.text, uploaded }, Some(e.to_string()), vec![], None),
    }
}
