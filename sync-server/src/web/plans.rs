//! 年度检查计划 on the office's pages: a clerk drafts the plan and its rows,
//! the head approves it (then it is frozen), and each row shows its
//! progress; a 双随机 row leads to a draw for its industry.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::Datelike;
use serde::Deserialize;

use lianjian_core::model::enterprise::industry_label;
use lianjian_core::model::Department;
use lianjian_core::rules::office_access::OfficeAction;

use crate::error::AppError;
use crate::plans::{self, PlanError, MODES};
use crate::state::AppState;
use lianjian_core::rules::frequency::YearlyCaps;

use super::chrome::Chrome;
use super::session::Office;

impl From<PlanError> for AppError {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Unknown => AppError::NotFound(e.to_string()),
            PlanError::Db(d) => AppError::Db(d),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    chrome: Chrome,
    plans: Vec<(String, i64, String, bool)>,
    year: i32,
    may_draft: bool,
    /// Each class's code, label and ceiling in force.
    caps: [(&'static str, &'static str, u32); 4],
    /// Who set them and when (none: the defaults).
    caps_set_by: Option<(String, String)>,
    may_set_caps: bool,
}

/// One row as shown.
pub struct RowView {
    seq: i64,
    department: &'static str,
    industry: String,
    item: String,
    basis: String,
    mode: &'static str,
    random: bool,
    planned: i64,
    done: i64,
    percent: String,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    id: String,
    year: i32,
    title: String,
    approved: Option<(String, String)>,
    rows: Vec<RowView>,
    completion: String,
    may_draft: bool,
    may_approve: bool,
    departments: Vec<(&'static str, &'static str)>,
    industries: Vec<(String, String)>,
    modes: &'static [(&'static str, &'static str)],
}

/// `GET /office/plans`.
pub async fn list(State(state): State<Arc<AppState>>, office: Office) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let (plans, caps, caps_set_by) = super::blocking(&state, |state| {
        let mut db = state.lock();
        Ok((plans::list(&mut *db.sql)?, crate::caps::in_force(&mut *db.sql)?, crate::caps::set_by(&mut *db.sql)?))
    })
    .await
    .map_err(AppError::page)?;
    let page = PlansPage {
        chrome: Chrome::new(&office, "plans"),
        plans,
        caps: [
            ("red", "红", caps.red),
            ("orange", "橙", caps.orange),
            ("yellow", "黄", caps.yellow),
            ("blue", "蓝", caps.blue),
        ],
        caps_set_by: caps_set_by.map(|(who, at)| (who, super::minute(&at))),
        may_set_caps: office.may(OfficeAction::SetCaps),
        year: state.clock.today().year() + 1,
        may_draft: office.may(OfficeAction::DraftPlan),
    };
    super::html(&page).map_err(AppError::page)
}

/// The ceilings form: one number per risk class.
#[derive(Deserialize)]
pub struct CapsForm {
    #[serde(default)]
    csrf: String,
    red: u32,
    orange: u32,
    yellow: u32,
    blue: u32,
}

impl From<crate::caps::CapsError> for AppError {
    fn from(e: crate::caps::CapsError) -> Self {
        match e {
            crate::caps::CapsError::Db(d) => AppError::Db(d),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// `POST /office/caps`: the head sets the yearly ceilings.
pub async fn set_caps(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<CapsForm>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::SetCaps)?;
    office.check_csrf(&f.csrf)?;
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let caps = YearlyCaps { red: f.red, orange: f.orange, yellow: f.yellow, blue: f.blue };
        crate::caps::set(&mut *db.sql, caps, &office.0.user.id, &now.to_string())?;
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "set_caps",
            None,
            format!("设定年度检查频次上限：红 {} 橙 {} 黄 {} 蓝 {}", f.red, f.orange, f.yellow, f.blue),
        )
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other("/office/plans"))
}

/// The new-plan form.
#[derive(Deserialize)]
pub struct NewPlan {
    #[serde(default)]
    csrf: String,
    year: i32,
    title: String,
}

/// `POST /office/plans`.
pub async fn create(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<NewPlan>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::DraftPlan)?;
    office.check_csrf(&f.csrf)?;
    let id = super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let id = plans::create(&mut *db.sql, f.year, &f.title, &office.0.user.id, &now.to_string())?;
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "plan_create",
            Some(&id),
            format!("编制 {} 年度检查计划", f.year),
        )?;
        Ok(id)
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(format!("/office/plans/{id}")))
}

/// `GET /office/plans/{id}`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let (plan, industries) = super::blocking(&state, move |state| {
        let mut db = state.lock();
        let plan = plans::load(&mut *db.sql, &id)?;
        let industries: Vec<String> = db
            .sql
            .query("SELECT DISTINCT industry FROM office_enterprises ORDER BY industry", &[])?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        Ok((plan, industries))
    })
    .await
    .map_err(AppError::page)?;
    let (done, planned) = plan.completion();
    let completion = if planned == 0 {
        "—".into()
    } else {
        format!("{:.1}%（{done}/{planned}）", done as f64 * 100.0 / planned as f64)
    };
    let rows = plan
        .rows
        .iter()
        .map(|r| RowView {
            seq: r.seq,
            department: Department::from_code(&r.department).map_or("—", |d| d.label()),
            industry: industry_label(&r.industry).to_string(),
            item: r.item.clone(),
            basis: r.basis.clone(),
            mode: MODES.iter().find(|(m, _)| *m == r.mode).map_or("—", |(_, l)| l),
            random: r.mode == "random",
            planned: r.planned,
            done: r.done,
            percent: format!("{:.0}%", r.done.min(r.planned) as f64 * 100.0 / r.planned.max(1) as f64),
        })
        .collect();
    let page = PlanPage {
        chrome: Chrome::new(&office, "plans"),
        id: plan.id,
        year: plan.year,
        title: plan.title,
        approved: plan.approved,
        rows,
        completion,
        may_draft: office.may(OfficeAction::DraftPlan),
        may_approve: office.may(OfficeAction::ApprovePlan),
        departments: Department::ALL.iter().map(|d| (d.code(), d.label())).collect(),
        industries: industries.into_iter().map(|i| (i.clone(), industry_label(&i).to_string())).collect(),
        modes: MODES,
    };
    super::html(&page).map_err(AppError::page)
}

/// A row as posted.
#[derive(Deserialize)]
pub struct NewRow {
    #[serde(default)]
    csrf: String,
    department: String,
    industry: String,
    item: String,
    basis: String,
    mode: String,
    planned: i64,
}

/// `POST /office/plans/{id}/rows`.
pub async fn add_row(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
    Form(f): Form<NewRow>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::DraftPlan)?;
    office.check_csrf(&f.csrf)?;
    let target = format!("/office/plans/{id}");
    super::blocking(&state, move |state| {
        let mut db = state.lock();
        plans::add_row(&mut *db.sql, &id, &f.department, &f.industry, &f.item, &f.basis, &f.mode, f.planned)?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(target))
}

/// The approval form.
#[derive(Deserialize)]
pub struct Approve {
    #[serde(default)]
    csrf: String,
}

/// `POST /office/plans/{id}/approve`: the head only.
pub async fn approve(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
    Form(f): Form<Approve>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ApprovePlan)?;
    office.check_csrf(&f.csrf)?;
    let target = format!("/office/plans/{id}");
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        plans::approve(&mut *db.sql, &id, &office.0.user.id, &now.to_string())?;
        super::record(&mut *db.sql, now, &office.0.user.id, "plan_approve", Some(&id), "审批年度检查计划".into())?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(target))
}
