//! 基础数据 on the office's pages: the office pastes a calendar, region,
//! division of duties, loop rules or enterprise list, sees what would change
//! (checked by the same parsers as the command line, the bad line named),
//! and imports it with a second click. Nothing is stored by the preview,
//! and a bad file stores nothing.

use std::path::Path as FsPath;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use lianjian_core::doc::catalog::read_enterprise;
use lianjian_core::office::documents::{read_office_doc, ImportOutcome, OfficeDoc};
use lianjian_core::rules::office_access::OfficeAction;

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
    ("enterprises", "企业名录（JSON）"),
];

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    chrome: Chrome,
    kinds: &'static [(&'static str, &'static str)],
    kind: String,
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

fn page(
    office: &Office,
    kind: String,
    text: String,
    error: Option<String>,
    preview: Vec<String>,
    done: Option<String>,
) -> Result<Response, AppError> {
    let p = DataPage { chrome: Chrome::new(office, "data"), kinds: KINDS, kind, text, error, preview, done };
    super::html(&p).map_err(AppError::page)
}

/// `GET /office/data`.
pub async fn form(office: Office) -> Result<Response, AppError> {
    office.require(OfficeAction::ImportData)?;
    page(&office, "calendar".into(), String::new(), None, vec![], None)
}

/// What importing `text` as `kind` would change, without storing anything.
fn preview(state: &AppState, kind: &str, text: &str) -> Result<Vec<String>, lianjian_core::Error> {
    let mut db = state.lock();
    let mut docs = db.docs();
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
    Ok(match docs.with_document(&id, read_office_doc) {
        Ok(Ok((_, old))) if old == parsed => vec![format!("{id}：与现有内容相同，导入不会改变任何内容")],
        Ok(Ok((_, old))) => vec![
            format!("{id}：将替换现有内容"),
            format!("原来源：{}", old.source()),
            format!("新来源：{}", parsed.source()),
        ],
        _ => vec![format!("{id}：将新增"), format!("来源：{}", parsed.source())],
    })
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
        Ok(lines) => page(&office, f.kind, f.text, None, lines, None),
        Err(e) => {
            let mut resp = page(&office, f.kind, f.text, Some(e.to_string()), vec![], None)?;
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
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
        let outcome = if kind == "enterprises" {
            lianjian_core::import::parse_enterprises(&text, FsPath::new("企业名录")).and_then(|list| {
                crate::seed::import_enterprises(state, &list, |_, _| {})
                    .map(|()| format!("已导入 {} 家企业", list.len()))
            })
        } else {
            crate::seed::import_office_doc(state, &kind, &text, &who, now).map(|o| match o {
                ImportOutcome::Added => "已导入（新增）".to_string(),
                ImportOutcome::Replaced(old) => format!("已导入，替换了「{old}」"),
                ImportOutcome::Unchanged => "内容与现有相同，未作改变".to_string(),
            })
        };
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
    match result {
        Ok(done) => page(&office, f.kind, String::new(), None, vec![], Some(done)),
        Err(e) => {
            let mut resp = page(&office, f.kind, f.text, Some(e.to_string()), vec![], None)?;
            *resp.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(resp)
        }
    }
}
