//! The file half of 基础数据: a document template set (its `manifest.toml`
//! and every `.typ` file, chosen together) or a font file, uploaded as a
//! multipart form and answered with the same preview page as a paste. The
//! preview's confirm button sends back the checked record, which the import
//! checks again before storing it.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::response::Response;

use lianjian_core::office::documents::{KIND_FONT, KIND_TEMPLATE};
use lianjian_core::office::template::TemplateBundle;
use lianjian_core::rules::office_access::OfficeAction;

use crate::error::AppError;
use crate::state::AppState;

use super::data::{page, preview, Step};
use super::session::Office;

/// The largest upload: a font file at its ceiling, and the form around it.
pub const MAX_UPLOAD: usize = lianjian_core::office::font::MAX_FONT_BYTES as usize + (1 << 20);

/// A form field's file name, without any folder a browser put in front.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_string()
}

/// Turns the uploaded files into the text the preview checks.
fn staged(state: &AppState, kind: &str, files: Vec<(String, Vec<u8>)>) -> Result<String, lianjian_core::Error> {
    let invalid = |why: String| lianjian_core::Error::validation("upload", why);
    match kind {
        KIND_TEMPLATE => {
            let mut manifest = None;
            let mut typ = BTreeMap::new();
            for (name, bytes) in files {
                let text = String::from_utf8(bytes).map_err(|_| invalid(format!("{name} 不是 UTF-8 文本")))?;
                if name == "manifest.toml" {
                    manifest = Some(text);
                } else {
                    typ.insert(name, text);
                }
            }
            let manifest = manifest.ok_or_else(|| invalid("请一并选择 manifest.toml".into()))?;
            Ok(TemplateBundle { manifest, files: typ }.to_text())
        }
        KIND_FONT => {
            let [(name, bytes)]: [(String, Vec<u8>); 1] =
                files.try_into().map_err(|_| invalid("请选择一个字体文件".into()))?;
            Ok(crate::font_import::stage(state, &name, bytes, state.clock.now())?.to_text())
        }
        _ => Err(invalid("请选择文书模板或字体".into())),
    }
}

/// `POST /office/data/upload`.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    office: Office,
    mut form: Multipart,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ImportData)?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(format!("上传不完整：{e}")).page();
    let (mut csrf, mut kind, mut files) = (String::new(), String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(bad)?,
            "kind" => kind = field.text().await.map_err(bad)?,
            "files" => {
                let name = base_name(field.file_name().unwrap_or_default());
                let bytes = field.bytes().await.map_err(bad)?;
                if !name.is_empty() {
                    files.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    office.check_csrf(&csrf)?;
    let k = kind.clone();
    let result = super::blocking(&state, move |state| {
        Ok(staged(state, &k, files).and_then(|text| preview(state, &k, &text).map(|lines| (text, lines))))
    })
    .await
    .map_err(AppError::page)?;
    match result {
        Ok((text, lines)) => page(&office, Step { kind, text, uploaded: true }, None, lines, None),
        Err(e) => page(&office, Step { kind, text: String::new(), uploaded: true }, Some(e.to_string()), vec![], None),
    }
}
