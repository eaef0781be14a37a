//! 统计分析: the indicators for a month, quarter or year with 同比 and 环比,
//! their definitions on the page, the breakdowns as tables (each exportable
//! to xlsx) and as ECharts charts fed by JSON from this module.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Datelike;
use serde::Deserialize;

use lianjian_core::rules::office_access::OfficeAction;
use lianjian_documents::forms::FormKind;

use crate::error::AppError;
use crate::state::AppState;
use crate::stats::indicators::{monthly, Ratio, DEFINITIONS};
use crate::stats::{compute, page_figures, Indicators, Period, PeriodKind};

use super::chrome::Chrome;
use super::session::Office;

/// The period asked for: `kind` (month, quarter, year), `year`, `n`.
#[derive(Deserialize, Default, Clone)]
pub struct StatsQuery {
    kind: Option<String>,
    year: Option<i32>,
    n: Option<u32>,
    table: Option<String>,
}

impl StatsQuery {
    fn period(&self, today: chrono::NaiveDate) -> Result<Period, AppError> {
        let kind = self.kind.as_deref().unwrap_or("year");
        let default = Period::holding(
            match kind {
                "month" => PeriodKind::Month,
                "quarter" => PeriodKind::Quarter,
                _ => PeriodKind::Year,
            },
            today,
        );
        Period::parse(kind, self.year.unwrap_or(default.year), self.n.unwrap_or(default.n))
            .ok_or_else(|| AppError::BadRequest("统计期间不正确".into()).page())
    }
}

/// A headline number with its 同比 and 环比.
pub struct Card {
    name: &'static str,
    value: String,
    yoy: String,
    mom: String,
}

fn change_count(now: i64, before: i64) -> String {
    if before == 0 {
        "—".into()
    } else {
        format!("{:+.1}%", (now - before) as f64 * 100.0 / before as f64)
    }
}

fn change_ratio(now: Ratio, before: Ratio) -> String {
    if now.whole == 0 || before.whole == 0 {
        "—".into()
    } else {
        let p = |r: Ratio| r.part as f64 * 100.0 / r.whole as f64;
        format!("{:+.1} 个百分点", p(now) - p(before))
    }
}

/// A table: its key (for the export), title, column heading and rows.
pub struct Table {
    key: &'static str,
    title: &'static str,
    column: &'static str,
    rows: Vec<(String, i64)>,
}

fn form_label(code: &str) -> String {
    FormKind::from_code(code).map_or(code.to_string(), |k| k.title().to_string())
}

fn tables(i: &Indicators) -> Vec<Table> {
    vec![
        Table {
            key: "department", title: "检查次数（按部门）", column: "部门", rows: i.by_department.clone()
        },
        Table { key: "industry", title: "检查次数（按行业）", column: "行业", rows: i.by_industry.clone() },
        Table {
            key: "township",
            title: "检查次数（按乡镇、街道）",
            column: "乡镇（街道）",
            rows: i.by_township.clone(),
        },
        Table {
            key: "inspector", title: "检查次数（按检查人员）", column: "检查人员", rows: i.by_inspector.clone()
        },
        Table {
            key: "documents",
            title: "执法文书（按种类）",
            column: "文书",
            rows: i.documents.iter().map(|(k, n)| (form_label(k), *n)).collect(),
        },
    ]
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    chrome: Chrome,
    period: String,
    kind: &'static str,
    year: i32,
    n: u32,
    query: String,
    cards: Vec<Card>,
    i: Indicators,
    tables: Vec<Table>,
    definitions: &'static [(&'static str, &'static str)],
    years: Vec<i32>,
}

/// `GET /office/stats`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<StatsQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let today = state.clock.today();
    let period = q.period(today)?;
    let (i, mom, yoy, plan) = super::blocking(&state, move |state| {
        page_figures(&mut **state.reports(), period, today).map_err(AppError::from)
    })
    .await
    .map_err(AppError::page)?;
    let cards = vec![
        Card {
            name: "检查次数",
            value: i.inspections.to_string(),
            yoy: change_count(i.inspections, yoy.inspections),
            mom: change_count(i.inspections, mom.inspections),
        },
        Card {
            name: "计划完成率",
            value: if plan.1 == 0 {
                "尚无已审批计划".into()
            } else {
                format!("{:.1}%（{}/{}）", plan.0 as f64 * 100.0 / plan.1 as f64, plan.0, plan.1)
            },
            yoy: "".into(),
            mom: "".into(),
        },
        Card {
            name: "覆盖率",
            value: format!("{}（{}/{}）", i.coverage.percent(), i.coverage.part, i.coverage.whole),
            yoy: change_ratio(i.coverage, yoy.coverage),
            mom: change_ratio(i.coverage, mom.coverage),
        },
        Card {
            name: "隐患数",
            value: format!("{}（重大 {}）", i.hazards, i.major_hazards),
            yoy: change_count(i.hazards, yoy.hazards),
            mom: change_count(i.hazards, mom.hazards),
        },
        Card {
            name: "户均隐患",
            value: if i.hazards_per_enterprise.whole == 0 {
                "—".into()
            } else {
                format!("{:.2}", i.hazards_per_enterprise.part as f64 / i.hazards_per_enterprise.whole as f64)
            },
            yoy: "".into(),
            mom: "".into(),
        },
        Card {
            name: "整改率",
            value: format!("{}（{}/{}）", i.rectified.percent(), i.rectified.part, i.rectified.whole),
            yoy: change_ratio(i.rectified, yoy.rectified),
            mom: change_ratio(i.rectified, mom.rectified),
        },
        Card {
            name: "按期整改率",
            value: format!("{}（{}/{}）", i.on_time.percent(), i.on_time.part, i.on_time.whole),
            yoy: change_ratio(i.on_time, yoy.on_time),
            mom: change_ratio(i.on_time, mom.on_time),
        },
        Card {
            name: "复查及时率",
            value: format!(
                "{}（{}/{}）",
                i.reinspection_timely.percent(),
                i.reinspection_timely.part,
                i.reinspection_timely.whole
            ),
            yoy: change_ratio(i.reinspection_timely, yoy.reinspection_timely),
            mom: change_ratio(i.reinspection_timely, mom.reinspection_timely),
        },
        Card {
            name: "频次上限",
            value: format!("达 80% {} 家，达上限 {} 家", i.near_cap + i.at_cap, i.at_cap),
            yoy: "".into(),
            mom: "".into(),
        },
    ];
    let query = format!("kind={}&year={}&n={}", period.kind_code(), period.year, period.n);
    let page = StatsPage {
        chrome: Chrome::new(&office, "stats"),
        period: period.label(),
        kind: period.kind_code(),
        year: period.year,
        n: period.n,
        query,
        cards,
        tables: tables(&i),
        i,
        definitions: DEFINITIONS,
        years: (today.year() - 4..=today.year()).rev().collect(),
    };
    super::html(&page).map_err(AppError::page)
}

/// `GET /office/stats.json`: what the charts draw.
pub async fn json(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<StatsQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let today = state.clock.today();
    let period = q.period(today)?;
    let (i, months) = super::blocking(&state, move |state| {
        let mut db = state.reports();
        Ok((compute(&mut **db, period, today)?, monthly(&mut **db, period.year)?))
    })
    .await?;
    let body = serde_json::json!({
        "period": period.label(),
        "indicators": i,
        "monthly": months.iter().map(|(m, a, b)| serde_json::json!({"month": m, "inspections": a, "hazards": b})).collect::<Vec<_>>(),
    });
    Ok(Json(body).into_response())
}

/// `GET /office/stats.xlsx?table=…`: one table of the page as a workbook.
pub async fn export(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<StatsQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Export)?;
    let today = state.clock.today();
    let period = q.period(today)?;
    let key = q.table.clone().unwrap_or_default();
    let bytes = super::blocking(&state, move |state| {
        let i = compute(&mut **state.reports(), period, today)?;
        let table = tables(&i)
            .into_iter()
            .find(|t| t.key == key)
            .ok_or_else(|| AppError::BadRequest("没有这张统计表".into()))?;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let x = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
        sheet.set_name("统计").map_err(x)?;
        sheet.write_string(0, 0, format!("{} {}", period.label(), table.title)).map_err(x)?;
        sheet.write_string(1, 0, table.column).map_err(x)?;
        sheet.write_string(1, 1, "次数").map_err(x)?;
        for (r, (name, n)) in table.rows.iter().enumerate() {
            sheet.write_string(r as u32 + 2, 0, name).map_err(x)?;
            sheet.write_number(r as u32 + 2, 1, *n as f64).map_err(x)?;
        }
        sheet.set_column_width(0, 28).map_err(x)?;
        let bytes = book.save_to_buffer().map_err(x)?;
        super::record(
            &mut *state.lock().sql,
            state.clock.now(),
            &office.0.user.id,
            "office_export",
            None,
            format!("导出统计表 {} {}，{} 行", period.label(), table.title, table.rows.len()),
        )?;
        Ok(bytes)
    })
    .await
    .map_err(AppError::page)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"stats-{}.xlsx\"", q.table.unwrap_or_default()),
            ),
        ],
        bytes,
    )
        .into_response())
}
