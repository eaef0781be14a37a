//! 双随机、一公开 on the office's pages: the head commits a draw (the pool
//! frozen, the commitment published at once on a public page), runs it with
//! the witnesses' numbers, and the result becomes planned inspections. The
//! public pages (no sign-in) show the commitment, then the secret, the
//! numbers and the result, offer the package for download and re-run the
//! draw on request.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;

use lianjian_core::model::enterprise::{industry_label, RiskColour};
use lianjian_core::rules::office_access::OfficeAction;

use crate::draws::{self, DrawError, DrawRecord};
use crate::error::AppError;
use crate::publications::{self, PublishError, ResultRow};
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

impl From<DrawError> for AppError {
    fn from(e: DrawError) -> Self {
        match e {
            DrawError::Unknown => AppError::NotFound(e.to_string()),
            DrawError::Db(d) => AppError::Db(d),
            DrawError::Core(c) => AppError::Core(c),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

impl From<PublishError> for AppError {
    fn from(e: PublishError) -> Self {
        match e {
            PublishError::NotDrawn => AppError::NotFound(e.to_string()),
            PublishError::Db(d) => AppError::Db(d),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// One drawn enterprise's result as shown: the office sees every one with
/// its standing, the public only the published ones.
pub struct ResultView {
    enterprise_id: String,
    enterprise: String,
    formed: String,
    standing: String,
    overdue: bool,
    may_publish: bool,
    published: String,
}

fn result_views(rows: Vec<ResultRow>, public: bool) -> Vec<ResultView> {
    use lianjian_core::rules::publication::Standing;
    rows.into_iter()
        .filter(|r| !public || r.published.is_some())
        .map(|r| ResultView {
            formed: r.formed.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            overdue: matches!(r.standing, Standing::Overdue { .. } | Standing::Published { on_time: false, .. }),
            may_publish: matches!(r.standing, Standing::Due { .. } | Standing::Overdue { .. }),
            standing: match (&r.standing, r.provisional) {
                (Standing::Due { .. } | Standing::Overdue { .. }, true) => {
                    format!("{}，暂定：跨年放假安排未导入，按周末推算", r.standing.label())
                }
                _ => r.standing.label(),
            },
            published: r.published.unwrap_or_default(),
            enterprise_id: r.enterprise_id,
            enterprise: r.enterprise,
        })
        .collect()
}

/// A draw in the list.
pub struct DrawRow {
    id: String,
    title: String,
    created: String,
    drawn: bool,
}

#[derive(Template)]
#[template(path = "draws.html")]
struct DrawsPage {
    chrome: Chrome,
    draws: Vec<DrawRow>,
    may_run: bool,
    industries: Vec<(String, String)>,
}

/// One drawn enterprise as shown.
pub struct PickView {
    enterprise: String,
    class: &'static str,
    officers: String,
    reasons: String,
}

/// A draw as shown (to the office and the public).
pub struct DrawView {
    id: String,
    title: String,
    created: String,
    commitment: String,
    enterprises: usize,
    inspectors: usize,
    classes: Vec<(&'static str, usize, u32, u32)>,
    drawn: Option<DrawnView>,
    results: Vec<ResultView>,
}

/// What the public sees once drawn.
pub struct DrawnView {
    at: String,
    witnesses: String,
    secret: String,
    picks: Vec<PickView>,
    exclusions: Vec<(String, String, String)>,
    at_cap: Vec<String>,
    unstaffed: Vec<String>,
}

/// The conflicts' reasons by (officer, enterprise), for the office's view;
/// the public sees their seals.
type Reasons = BTreeMap<(String, String), String>;

fn view(r: &DrawRecord, reasons: Option<&Reasons>, results: Vec<ResultView>) -> DrawView {
    let name_of = |id: &str| r.pool.enterprises.iter().find(|e| e.id == id).map_or(id.to_string(), |e| e.name.clone());
    let officer = |id: &str| r.pool.inspectors.iter().find(|i| i.id == id).map_or(id.to_string(), |i| i.name.clone());
    let classes = r
        .rules
        .ratio
        .iter()
        .map(|(c, p)| {
            let colour = RiskColour::from_code(c).map_or("—", |c| c.label());
            let n = r.pool.enterprises.iter().filter(|e| &e.class == c).count();
            let cap = r.rules.cap.iter().find(|(k, _)| k == c).map_or(0, |(_, n)| *n);
            (colour, n, *p, cap)
        })
        .collect();
    DrawView {
        id: r.id.clone(),
        title: r.title.clone(),
        created: super::minute(&r.created_at),
        commitment: r.commitment.clone(),
        enterprises: r.pool.enterprises.len(),
        inspectors: r.pool.inspectors.len(),
        classes,
        results,
        drawn: r.drawn.as_ref().map(|(w, at, result)| DrawnView {
            at: super::minute(at),
            witnesses: w.clone(),
            secret: r.secret.clone(),
            picks: result
                .picks
                .iter()
                .map(|p| {
                    let class = r
                        .pool
                        .enterprises
                        .iter()
                        .find(|e| e.id == p.enterprise)
                        .and_then(|e| RiskColour::from_code(&e.class).ok())
                        .map_or("—", |c| c.label());
                    PickView {
                        enterprise: name_of(&p.enterprise),
                        class,
                        officers: p.inspectors.iter().map(|i| officer(i)).collect::<Vec<_>>().join("、"),
                        reasons: r.classes.get(&p.enterprise).map(|v| v.join("；")).unwrap_or_default(),
                    }
                })
                .collect(),
            exclusions: result
                .exclusions
                .iter()
                .map(|x| {
                    let known = (x.rule == "conflict")
                        .then(|| reasons?.get(&(x.inspector.clone(), x.enterprise.clone())))
                        .flatten();
                    let why = known.map_or_else(|| x.reason.clone(), |why| format!("回避：{why}"));
                    (officer(&x.inspector), name_of(&x.enterprise), why)
                })
                .collect(),
            at_cap: result.at_cap.iter().map(|e| name_of(e)).collect(),
            unstaffed: result.unstaffed.iter().map(|e| name_of(e)).collect(),
        }),
    }
}

/// `GET /office/draws`.
pub async fn list(State(state): State<Arc<AppState>>, office: Office) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let (rows, industries) = super::blocking(&state, |state| {
        let mut db = state.lock();
        let rows = draws::list(&mut *db.sql)?;
        let industries: Vec<String> = db
            .sql
            .query("SELECT DISTINCT industry FROM office_enterprises ORDER BY industry", &[])?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        Ok((rows, industries))
    })
    .await
    .map_err(AppError::page)?;
    let page = DrawsPage {
        chrome: Chrome::new(&office, "draws"),
        draws: rows
            .into_iter()
            .map(|(id, title, created, drawn)| DrawRow { id, title, created: super::minute(&created), drawn })
            .collect(),
        may_run: office.may(OfficeAction::RunDraw),
        industries: industries.into_iter().map(|i| (i.clone(), industry_label(&i).to_string())).collect(),
    };
    super::html(&page).map_err(AppError::page)
}

/// The new-draw form.
#[derive(Deserialize)]
pub struct NewDraw {
    #[serde(default)]
    csrf: String,
    title: String,
    #[serde(default)]
    industry: String,
    red: u32,
    orange: u32,
    yellow: u32,
    blue: u32,
    team_size: u32,
}

/// `POST /office/draws`: freeze the pool and publish the commitment.
pub async fn create(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<NewDraw>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::RunDraw)?;
    office.check_csrf(&f.csrf)?;
    let title = f.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 60 {
        return Err(AppError::BadRequest("抽查任务名称须为 1 至 60 个字".into()).page());
    }
    let industry = Some(f.industry.trim().to_string()).filter(|i| !i.is_empty());
    let id = super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let caps = crate::caps::in_force(&mut *db.sql)?;
        let rules = draws::rules_for([f.red, f.orange, f.yellow, f.blue], f.team_size, caps)?;
        let (id, commitment) = draws::commit(&mut *db.sql, &title, industry.as_deref(), rules, &office.0.user.id, now)?;
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "draw_commit",
            Some(&id),
            format!("双随机抽取承诺值 {commitment}"),
        )?;
        Ok(id)
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(format!("/office/draws/{id}")))
}

#[derive(Template)]
#[template(path = "draw.html")]
struct DrawPage {
    chrome: Chrome,
    d: DrawView,
    may_run: bool,
    may_publish: bool,
    /// The 公示 period as the office's loop rules set it, in words.
    period: String,
}

/// `GET /office/draws/{id}`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let today = state.clock.today();
    let (record, reasons, results, period) = super::blocking(&state, move |state| {
        let mut db = state.lock();
        let record = draws::load(&mut *db.sql, &id)?;
        let rules = state.rule_data(&mut db)?;
        let results = publications::results(&mut *db.sql, &id, &rules, today)?;
        let period = match rules.office.loop_rules.results_published_within {
            lianjian_core::rules::grades::DeadlineRule::WorkingDays(n) => format!("{n} 个工作日"),
            lianjian_core::rules::grades::DeadlineRule::CalendarDays(n) => format!("{n} 日"),
        };
        Ok((record, draws::conflict_reasons(&mut *db.sql)?, results, period))
    })
    .await
    .map_err(AppError::page)?;
    let page = DrawPage {
        chrome: Chrome::new(&office, "draws"),
        may_publish: office.may(OfficeAction::PublishResult),
        period,
        d: view(&record, Some(&reasons), result_views(results, false)),
        may_run: office.may(OfficeAction::RunDraw),
    };
    super::html(&page).map_err(AppError::page)
}

/// The run form: the witnesses' numbers.
#[derive(Deserialize)]
pub struct RunDraw {
    #[serde(default)]
    csrf: String,
    witnesses: String,
}

/// `POST /office/draws/{id}/run`.
pub async fn run(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
    Form(f): Form<RunDraw>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::RunDraw)?;
    office.check_csrf(&f.csrf)?;
    let target = format!("/office/draws/{id}");
    super::blocking(&state, move |state| {
        let result = draws::run(state, &id, &f.witnesses, &office.0.user)?;
        let mut db = state.lock();
        super::record(
            &mut *db.sql,
            state.clock.now(),
            &office.0.user.id,
            "draw_run",
            Some(&id),
            format!("抽取 {} 家企业，生成检查计划", result.picks.len()),
        )?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(target))
}

#[derive(Template)]
#[template(path = "public_draw.html")]
struct PublicDraw {
    d: DrawView,
    verdict: Option<(bool, bool)>,
}

async fn public_record(state: &Arc<AppState>, id: String) -> Result<(DrawRecord, Vec<ResultRow>), AppError> {
    let today = state.clock.today();
    super::blocking(state, move |state| {
        let mut db = state.lock();
        let record = draws::load(&mut *db.sql, &id)?;
        let rules = state.rule_data(&mut db)?;
        Ok((record, publications::results(&mut *db.sql, &id, &rules, today)?))
    })
    .await
    .map_err(AppError::page)
}

/// The 公示 form: which enterprise's result.
#[derive(Deserialize)]
pub struct Publish {
    #[serde(default)]
    csrf: String,
    enterprise: String,
}

/// `POST /office/draws/{id}/publish`: publishes one drawn enterprise's
/// result on the draw's public page.
pub async fn publish(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
    Form(f): Form<Publish>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::PublishResult)?;
    office.check_csrf(&f.csrf)?;
    let target = format!("/office/draws/{id}#results");
    let today = state.clock.today();
    super::blocking(&state, move |state| {
        let mut db = state.lock();
        let text = publications::publish(&mut *db.sql, &id, &f.enterprise, &office.0.user.id, today)?;
        super::record(
            &mut *db.sql,
            state.clock.now(),
            &office.0.user.id,
            "result_published",
            Some(&id),
            format!("公示抽查结果：{}，{text}", f.enterprise),
        )?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(target))
}

/// `GET /public/draws/{id}`: no sign-in.
pub async fn public(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response, AppError> {
    let (record, results) = public_record(&state, id).await?;
    super::html(&PublicDraw { d: view(&record, None, result_views(results, true)), verdict: None })
        .map_err(AppError::page)
}

/// `GET /public/draws/{id}/verify`: re-runs the draw from its package.
pub async fn public_verify(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response, AppError> {
    let (record, results) = public_record(&state, id).await?;
    let package = record.package().ok_or_else(|| AppError::BadRequest("尚未抽取，无法核验".into()).page())?;
    let v = draws::verify(&package);
    super::html(&PublicDraw {
        d: view(&record, None, result_views(results, true)),
        verdict: Some((v.commitment_matches, v.result_matches)),
    })
    .map_err(AppError::page)
}

/// `GET /public/draws/{id}/package.json`: everything needed to re-run it.
pub async fn public_package(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response, AppError> {
    let (record, _) = public_record(&state, id).await?;
    let package = record.package().ok_or_else(|| AppError::BadRequest("尚未抽取".into()))?;
    Ok(Json(package).into_response())
}
