//! 隐患台账: every hazard the server holds, filtered (department, industry,
//! township, grade, state, overdue, dates found), sorted and paged, and the
//! same selection exported as the office's xlsx ledger. The filter is a GET
//! form, so it works without JavaScript and a filtered ledger is a link;
//! htmx replaces only the table.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use lianjian_core::model::enterprise::industry_label;
use lianjian_core::model::Department;
use lianjian_core::rules::lifecycle::HazardState;
use lianjian_core::rules::office_access::OfficeAction;

use crate::error::AppError;
use crate::ledger::query::{self, PAGE_SIZE};
use crate::ledger::{LedgerFilter, LedgerPage, LedgerRow, SortKey};
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;
use crate::pages::encode_component;

/// The ledger's query string: the filter, the sort and the page.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct LedgerQuery {
    department: Option<String>,
    industry: Option<String>,
    township: Option<String>,
    grade: Option<String>,
    state: Option<String>,
    overdue: Option<String>,
    from: Option<String>,
    to: Option<String>,
    enterprise: Option<String>,
    sort: Option<String>,
    desc: Option<String>,
    page: Option<i64>,
}

fn date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("{field} 不是日期（年-月-日）")).page()),
    }
}

impl LedgerQuery {
    /// The filter it asks for.
    fn filter(&self) -> Result<LedgerFilter, AppError> {
        let some = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(LedgerFilter {
            department: some(&self.department),
            industry: some(&self.industry),
            township: some(&self.township),
            grade: some(&self.grade),
            state: some(&self.state),
            overdue: self.overdue.as_deref() == Some("1"),
            from: date("起始日期", &self.from)?,
            to: date("截止日期", &self.to)?,
            enterprise: some(&self.enterprise),
        })
    }

    fn sort(&self) -> SortKey {
        SortKey::parse(self.sort.as_deref().unwrap_or(""))
    }

    fn descending(&self) -> bool {
        // Newest first unless asked otherwise.
        self.desc.as_deref() != Some("0")
    }

    /// The query string of the same filter with another sort or page.
    fn href(&self, sort: SortKey, descending: bool, page: i64) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                parts.push(format!("{k}={}", encode_component(v)));
            }
        };
        push("department", &self.department);
        push("industry", &self.industry);
        push("township", &self.township);
        push("grade", &self.grade);
        push("state", &self.state);
        push("overdue", &self.overdue);
        push("from", &self.from);
        push("to", &self.to);
        push("enterprise", &self.enterprise);
        parts.push(format!("sort={}", sort.code()));
        parts.push(format!("desc={}", u8::from(descending)));
        parts.push(format!("page={page}"));
        parts.join("&")
    }
}

/// A row with its labels, for the template.
pub struct RowView {
    row: LedgerRow,
    department: &'static str,
    industry: String,
    state: &'static str,
    escalation: &'static str,
    overdue: bool,
}

impl RowView {
    fn new(row: LedgerRow, today: NaiveDate) -> Self {
        let l = super::labels(&row);
        RowView {
            department: l.department,
            industry: l.industry,
            state: l.state,
            escalation: l.escalation.unwrap_or(""),
            overdue: row.is_overdue(today),
            row,
        }
    }
}

/// A filter's choice: value, label, chosen.
pub struct Choice {
    value: String,
    label: String,
    chosen: bool,
}

fn choices(values: Vec<(String, String)>, chosen: &Option<String>) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice { chosen: chosen.as_deref() == Some(value.as_str()), value, label })
        .collect()
}

/// A sortable column heading.
pub struct Heading {
    label: &'static str,
    href: String,
    mark: &'static str,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerTemplate {
    chrome: Chrome,
    q: LedgerQuery,
    rows: Vec<RowView>,
    page: LedgerPage,
    departments: Vec<Choice>,
    industries: Vec<Choice>,
    townships: Vec<Choice>,
    grades: Vec<Choice>,
    states: Vec<Choice>,
    headings: Vec<Heading>,
    prev: Option<String>,
    next: Option<String>,
    export: String,
    today: String,
}

#[derive(Template)]
#[template(path = "ledger_table.html")]
struct LedgerTable<'a> {
    rows: &'a [RowView],
    page: &'a LedgerPage,
    headings: &'a [Heading],
    prev: &'a Option<String>,
    next: &'a Option<String>,
    export: &'a str,
    today: &'a str,
}

/// `GET /office/ledger`: the page, or only its table for htmx.
pub async fn page(
    State(state): State<Arc<AppState>>,
    office: Office,
    headers: HeaderMap,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let filter = q.filter()?;
    let today = state.clock.today();
    let (sort, descending, page_no) = (q.sort(), q.descending(), q.page.unwrap_or(1));
    let (page, lists) = super::blocking(&state, move |state| {
        let mut db = state.reports();
        let page = query::page(&mut **db, &filter, today, sort, descending, page_no, PAGE_SIZE)?;
        let mut lists = Vec::new();
        for column in ["department", "industry", "township", "grade"] {
            lists.push(query::choices(&mut **db, column)?);
        }
        Ok((page, lists))
    })
    .await
    .map_err(AppError::page)?;
    let rows: Vec<RowView> = page.rows.iter().cloned().map(|r| RowView::new(r, today)).collect();
    let headings = [
        (SortKey::Found, "发现日期"),
        (SortKey::Enterprise, "企业"),
        (SortKey::Grade, "等级"),
        (SortKey::Due, "整改期限"),
        (SortKey::State, "状态"),
    ]
    .into_iter()
    .map(|(key, label)| {
        let here = key == sort;
        // A second click on the sorted column turns its order round.
        let desc = if here { !descending } else { true };
        Heading {
            label,
            href: format!("/office/ledger?{}", q.href(key, desc, 1)),
            mark: match (here, descending) {
                (true, true) => " ▼",
                (true, false) => " ▲",
                _ => "",
            },
        }
    })
    .collect::<Vec<_>>();
    let prev = (page.page > 1).then(|| format!("/office/ledger?{}", q.href(sort, descending, page.page - 1)));
    let next =
        (page.page < page.pages()).then(|| format!("/office/ledger?{}", q.href(sort, descending, page.page + 1)));
    let export = format!("/office/ledger.xlsx?{}", q.href(sort, descending, 1));
    let today = today.to_string();
    if headers.get("hx-target").and_then(|v| v.to_str().ok()) == Some("ledger-table") {
        let table = LedgerTable {
            rows: &rows,
            page: &page,
            headings: &headings,
            prev: &prev,
            next: &next,
            export: &export,
            today: &today,
        };
        return super::html(&table).map_err(AppError::page);
    }
    let [departments, industries, townships, grades] =
        <[Vec<String>; 4]>::try_from(lists).map_err(|_| AppError::Internal("filter lists".into()).page())?;
    let label_dept = |d: String| {
        let label = Department::from_code(&d).map_or(d.clone(), |x| x.label().to_string());
        (d, label)
    };
    let page_view = LedgerTemplate {
        chrome: Chrome::new(&office, "ledger"),
        departments: choices(departments.into_iter().map(label_dept).collect(), &q.department),
        industries: choices(
            industries.into_iter().map(|i| (i.clone(), industry_label(&i).to_string())).collect(),
            &q.industry,
        ),
        townships: choices(townships.into_iter().map(|t| (t.clone(), t)).collect(), &q.township),
        grades: choices(grades.into_iter().map(|g| (g.clone(), g)).collect(), &q.grade),
        states: choices(
            HazardState::ALL.iter().map(|s| (s.code().to_string(), s.label().to_string())).collect(),
            &q.state,
        ),
        q,
        rows,
        page,
        headings,
        prev,
        next,
        export,
        today,
    };
    super::html(&page_view).map_err(AppError::page)
}

/// `GET /office/ledger.xlsx`: the filtered ledger as the office's workbook.
pub async fn export(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Export)?;
    let filter = q.filter()?;
    let today = state.clock.today();
    let bytes = super::blocking(&state, move |state| {
        let dir = tempfile_dir()?;
        let path = dir.join("ledger.xlsx");
        let rows = crate::export::export_page_filter(state, &filter, today, &path)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let bytes = std::fs::read(&path).map_err(|e| AppError::Internal(e.to_string()))?;
        let _ = std::fs::remove_dir_all(&dir);
        let mut db = state.lock();
        super::record(
            &mut *db.sql,
            state.clock.now(),
            &office.0.user.id,
            "office_export",
            None,
            format!("导出隐患台账 {rows} 条"),
        )?;
        Ok(bytes)
    })
    .await
    .map_err(AppError::page)?;
    let name = format!("attachment; filename=\"ledger-{today}.xlsx\"; filename*=UTF-8''%E9%9A%90%E6%82%A3%E5%8F%B0%E8%B4%A6-{today}.xlsx");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

/// A fresh private folder for one export.
fn tempfile_dir() -> Result<std::path::PathBuf, AppError> {
    let dir = std::env::temp_dir().join(format!("lianjian-export-{}", crate::db::new_secret()));
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(dir)
}
