//! People and devices: every user with their role, department and devices
//! (when each last synced, from where); the office adds users, issues
//! enrollment codes (shown once, to print), and revokes a lost device, whose
//! token is refused from that moment on. Every step is in the audit trail.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use lianjian_core::model::{Department, PersonId};
use lianjian_core::rules::office_access::{OfficeAction, OfficeRank};
use lianjian_core::rules::permissions::Role;

use crate::args;
use crate::audit::{self, Event};
use crate::db::{self, User};
use crate::error::AppError;
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

/// One device as listed.
pub struct DeviceView {
    id: String,
    name: String,
    enrolled: String,
    last_sync: String,
    address: String,
    revoked: Option<String>,
}

/// One user as listed.
pub struct UserView {
    id: String,
    name: String,
    role: &'static str,
    department: &'static str,
    login: String,
    rank: &'static str,
    disabled: bool,
    devices: Vec<DeviceView>,
    /// Officers only: the 执法证 number, and the declared conflicts.
    officer: bool,
    certificate: String,
    conflicts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    users: Vec<UserView>,
    roles: Vec<(&'static str, &'static str)>,
    departments: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodePage {
    chrome: Chrome,
    name: String,
    code: String,
    expires: String,
}

fn day_time(t: Option<String>) -> String {
    t.map(|t| super::minute(&t)).unwrap_or_default()
}

/// `GET /office/people`.
pub async fn page(State(state): State<Arc<AppState>>, office: Office) -> Result<Response, AppError> {
    office.require(OfficeAction::ManagePeople)?;
    let users = super::blocking(&state, |state| {
        let mut db = state.lock();
        let rows = db.sql.query(
            "SELECT id, name, role, department, login, office_rank, disabled, certificate FROM users
             ORDER BY role, name, id",
            &[],
        )?;
        let devices = db.sql.query(
            "SELECT id, user_id, name, created_at, last_sync, last_addr, revoked_at FROM devices ORDER BY created_at",
            &[],
        )?;
        let mut conflicts: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
        for c in db.sql.query(
            "SELECT c.user_id, COALESCE(e.name, c.enterprise_id), c.reason FROM inspector_conflicts c
             LEFT JOIN office_enterprises e ON e.id = c.enterprise_id ORDER BY c.declared_at",
            &[],
        )? {
            conflicts.entry(c.text(0)?).or_default().push((c.text(1)?, c.text(2)?));
        }
        let mut out = Vec::new();
        for r in rows {
            let id = r.text(0)?;
            let role = Role::from_code(&r.text(2)?).ok();
            let mut mine = Vec::new();
            for d in devices.iter().filter(|d| d.text(1).ok().as_deref() == Some(id.as_str())) {
                mine.push(DeviceView {
                    id: d.text(0)?,
                    name: d.text(2)?,
                    enrolled: day_time(d.opt_text(3)?),
                    last_sync: day_time(d.opt_text(4)?),
                    address: d.opt_text(5)?.unwrap_or_default(),
                    revoked: d.opt_text(6)?.map(|t| day_time(Some(t))),
                });
            }
            out.push(UserView {
                name: r.text(1)?,
                role: role.map_or("—", |r| r.label()),
                department: r.opt_text(3)?.and_then(|d| Department::from_code(&d).ok()).map_or("", |d| d.label()),
                login: r.opt_text(4)?.unwrap_or_default(),
                rank: match role {
                    Some(Role::Office) => {
                        r.opt_text(5)?.and_then(|c| OfficeRank::from_code(&c).ok()).unwrap_or(OfficeRank::Clerk).label()
                    }
                    _ => "",
                },
                disabled: r.int(6)? != 0,
                devices: mine,
                officer: matches!(role, Some(Role::Inspector | Role::TeamLead)),
                certificate: r.opt_text(7)?.unwrap_or_default(),
                conflicts: conflicts.remove(&id).unwrap_or_default(),
                id,
            });
        }
        Ok(out)
    })
    .await
    .map_err(AppError::page)?;
    let page = PeoplePage {
        chrome: Chrome::new(&office, "people"),
        users,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        departments: Department::ALL.iter().map(|d| (d.code(), d.label())).collect(),
    };
    super::html(&page).map_err(AppError::page)
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /office/devices/{id}/revoke`: the device's token is refused at once.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(device): Path<String>,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ManagePeople)?;
    office.check_csrf(&f.csrf)?;
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        if !db::revoke_device(&mut *db.sql, &device, &now.to_string())? {
            return Err(AppError::NotFound("没有这台在用的设备".into()));
        }
        // Its digest must not be answered from a cache either.
        db::bump_revision(&mut *db.sql)?;
        let event = Event {
            person: Some(&office.0.user.id),
            device: Some(&device),
            event: "revoke_device",
            summary: "办公页面停用设备".into(),
            result: "accepted".into(),
            ..Default::default()
        };
        audit::append(&mut *db.sql, now, &event)?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other("/office/people"))
}

/// `POST /office/users/{id}/code`: a new one-time enrollment code, shown once.
pub async fn issue_code(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(user): Path<String>,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ManagePeople)?;
    office.check_csrf(&f.csrf)?;
    let chrome = Chrome::new(&office, "people");
    let page = super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let who = db::user_by_id(&mut *db.sql, &user)?.ok_or_else(|| AppError::NotFound("用户".into()))?;
        let code = db::issue_code(&mut *db.sql, &who.id, now, db::CODE_VALIDITY)?;
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "enroll_code",
            None,
            format!("办公页面为 {} 签发登记码", who.id),
        )?;
        let expires =
            lianjian_core::model::Timestamp::from_unix_millis(now.unix_millis() + db::CODE_VALIDITY.as_millis() as i64);
        Ok(CodePage { chrome, name: who.name, code, expires: day_time(Some(expires.to_string())) })
    })
    .await
    .map_err(AppError::page)?;
    super::html(&page).map_err(AppError::page)
}

/// The add-user form.
#[derive(Deserialize)]
pub struct NewUser {
    #[serde(default)]
    csrf: String,
    name: String,
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    enterprise: String,
}

/// `POST /office/users`.
pub async fn add(
    State(state): State<Arc<AppState>>,
    office: Office,
    Form(f): Form<NewUser>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ManagePeople)?;
    office.check_csrf(&f.csrf)?;
    let name = f.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 32 {
        return Err(AppError::BadRequest("姓名须为 1 至 32 个字".into()).page());
    }
    let role = Role::from_code(&f.role).map_err(|_| AppError::BadRequest("没有这个角色".into()).page())?;
    let department = match f.department.trim() {
        "" => None,
        d => Some(Department::from_code(d).map_err(|_| AppError::BadRequest("没有这个部门".into()).page())?),
    };
    if matches!(role, Role::Inspector | Role::TeamLead) && department.is_none() {
        return Err(AppError::BadRequest("检查人员须填写所属部门".into()).page());
    }
    let enterprise = Some(f.enterprise.trim().to_string()).filter(|e| !e.is_empty());
    if role == Role::Enterprise && enterprise.is_none() {
        return Err(AppError::BadRequest("企业用户须填写企业编号".into()).page());
    }
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        if let Some(e) = &enterprise {
            if db.sql.query_opt("SELECT 1 FROM office_enterprises WHERE id = $1", args![e])?.is_none() {
                return Err(AppError::BadRequest("没有这个企业".into()));
            }
        }
        let user = User {
            id: PersonId::new().to_string(),
            name,
            role,
            department: department.map(|d| d.code().to_string()),
            enterprise_id: enterprise,
            grid: None,
        };
        db::add_user(&mut *db.sql, &user)?;
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "user_add",
            None,
            format!("办公页面添加用户 {}，角色 {}", user.id, user.role.code()),
        )?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other("/office/people"))
}

/// The officer form: a 执法证 number, or a declared conflict (回避).
#[derive(Deserialize)]
pub struct OfficerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    certificate: String,
    #[serde(default)]
    enterprise: String,
    #[serde(default)]
    reason: String,
}

/// `POST /office/users/{id}/officer`: records an officer's 执法证 number
/// and, when given, a declared conflict with an enterprise (by name or
/// credit code); the draw never sends them there.
pub async fn officer(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(user): Path<String>,
    Form(f): Form<OfficerForm>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::ManagePeople)?;
    office.check_csrf(&f.csrf)?;
    let certificate = f.certificate.trim().to_string();
    if certificate.chars().count() > 32 || !certificate.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::BadRequest("执法证号须为不超过 32 位的字母或数字".into()).page());
    }
    super::blocking(&state, move |state| {
        let now = state.clock.now();
        let mut db = state.lock();
        let who = db::user_by_id(&mut *db.sql, &user)?.ok_or_else(|| AppError::NotFound("用户".into()))?;
        if !matches!(who.role, Role::Inspector | Role::TeamLead) {
            return Err(AppError::BadRequest("只有检查人员有执法证和回避事项".into()));
        }
        let cert = Some(certificate.clone()).filter(|c| !c.is_empty());
        db.sql.execute("UPDATE users SET certificate = $1 WHERE id = $2", args![cert, &who.id])?;
        let enterprise = f.enterprise.trim();
        if !enterprise.is_empty() {
            let reason = f.reason.trim();
            if reason.is_empty() || reason.chars().count() > 100 {
                return Err(AppError::BadRequest("回避须写明理由（不超过 100 字）".into()));
            }
            let id = db
                .sql
                .query_opt(
                    "SELECT id FROM office_enterprises WHERE name = $1 OR credit_code = $1 OR id = $1",
                    args![enterprise],
                )?
                .ok_or_else(|| AppError::BadRequest("没有这个企业".into()))?
                .text(0)?;
            db.sql.execute(
                "INSERT INTO inspector_conflicts (user_id, enterprise_id, reason, declared_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, enterprise_id) DO UPDATE SET reason = excluded.reason",
                args![&who.id, &id, reason, now.to_string()],
            )?;
        }
        super::record(
            &mut *db.sql,
            now,
            &office.0.user.id,
            "officer_update",
            None,
            format!("办公页面更新 {} 的执法证与回避事项", who.id),
        )?;
        Ok(())
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other("/office/people"))
}
