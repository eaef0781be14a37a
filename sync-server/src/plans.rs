//! The annual inspection plan (年度监督检查计划): rows per department and
//! industry (检查事项, 依据, 重点 or 双随机, planned inspections), drafted by
//! a clerk, approved by the office head (then frozen), and progress against
//! each row counted from the inspections the server holds: government
//! inspections of that year, of that industry, in which that department
//! took part.

use crate::args;
use crate::sql::{DbError, Sql};

/// Why a plan step was refused.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// No such plan.
    #[error("没有这个计划")]
    Unknown,
    /// Approved plans do not change.
    #[error("计划已审批，不能再修改")]
    Approved,
    /// A field is missing or wrong.
    #[error("{0}")]
    Invalid(String),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// How a row's enterprises are chosen.
pub const MODES: &[(&str, &str)] = &[("key", "重点检查"), ("random", "双随机抽查")];

/// One row of a plan with its progress.
#[derive(Clone, Debug)]
pub struct PlanRow {
    /// Its number in the plan.
    pub seq: i64,
    /// Department code.
    pub department: String,
    /// Industry code.
    pub industry: String,
    /// 检查事项.
    pub item: String,
    /// 实施依据.
    pub basis: String,
    /// `key` or `random`.
    pub mode: String,
    /// Inspections planned.
    pub planned: i64,
    /// Inspections done so far.
    pub done: i64,
}

/// A plan.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Its id.
    pub id: String,
    /// The year it covers.
    pub year: i32,
    /// Its title.
    pub title: String,
    /// Approved (by whom, when).
    pub approved: Option<(String, String)>,
    /// Its rows.
    pub rows: Vec<PlanRow>,
}

impl Plan {
    /// Rows done (capped at planned) ÷ planned, over every row: 计划完成率.
    pub fn completion(&self) -> (i64, i64) {
        let planned: i64 = self.rows.iter().map(|r| r.planned).sum();
        let done: i64 = self.rows.iter().map(|r| r.done.min(r.planned)).sum();
        (done, planned)
    }
}

/// Creates a draft plan for `year`.
pub fn create(db: &mut dyn Sql, year: i32, title: &str, by: &str, at: &str) -> Result<String, PlanError> {
    if !(2000..=2100).contains(&year) {
        return Err(PlanError::Invalid("年份不正确".into()));
    }
    if title.trim().is_empty() || title.chars().count() > 60 {
        return Err(PlanError::Invalid("计划名称须为 1 至 60 个字".into()));
    }
    let id = uuid::Uuid::now_v7().to_string();
    db.execute(
        "INSERT INTO plans (id, year, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![&id, i64::from(year), title.trim(), by, at],
    )?;
    Ok(id)
}

/// Adds a row to a draft plan.
#[allow(clippy::too_many_arguments)]
pub fn add_row(
    db: &mut dyn Sql,
    plan: &str,
    department: &str,
    industry: &str,
    item: &str,
    basis: &str,
    mode: &str,
    planned: i64,
) -> Result<(), PlanError> {
    let p = load(db, plan)?;
    if p.approved.is_some() {
        return Err(PlanError::Approved);
    }
    if lianjian_core::model::Department::from_code(department).is_err() {
        return Err(PlanError::Invalid("没有这个部门".into()));
    }
    if industry.trim().is_empty() || item.trim().is_empty() || basis.trim().is_empty() {
        return Err(PlanError::Invalid("行业、检查事项和实施依据都须填写".into()));
    }
    if !MODES.iter().any(|(m, _)| *m == mode) {
        return Err(PlanError::Invalid("检查方式须为重点检查或双随机抽查".into()));
    }
    if !(1..=100_000).contains(&planned) {
        return Err(PlanError::Invalid("计划检查次数须为 1 至 100000".into()));
    }
    let seq = p.rows.iter().map(|r| r.seq).max().unwrap_or(0) + 1;
    db.execute(
        "INSERT INTO plan_rows (plan_id, seq, department, industry, item, basis, mode, planned)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![plan, seq, department, industry.trim(), item.trim(), basis.trim(), mode, planned],
    )?;
    Ok(())
}

/// Approves a draft plan with at least one row.
pub fn approve(db: &mut dyn Sql, plan: &str, by: &str, at: &str) -> Result<(), PlanError> {
    let p = load(db, plan)?;
    if p.approved.is_some() {
        return Err(PlanError::Approved);
    }
    if p.rows.is_empty() {
        return Err(PlanError::Invalid("计划没有任何检查事项，不能审批".into()));
    }
    db.execute(
        "UPDATE plans SET approved_by = $1, approved_at = $2 WHERE id = $3 AND approved_at IS NULL",
        args![by, at, plan],
    )?;
    Ok(())
}

/// A plan with its rows' progress.
pub fn load(db: &mut dyn Sql, id: &str) -> Result<Plan, PlanError> {
    let r = db
        .query_opt("SELECT id, year, title, approved_by, approved_at FROM plans WHERE id = $1", args![id])?
        .ok_or(PlanError::Unknown)?;
    let year = r.int(1)? as i32;
    let approved = match (r.opt_text(3)?, r.opt_text(4)?) {
        (Some(b), Some(a)) => Some((b, a)),
        _ => None,
    };
    let mut rows = Vec::new();
    for row in db.query(
        "SELECT seq, department, industry, item, basis, mode, planned FROM plan_rows WHERE plan_id = $1 ORDER BY seq",
        args![id],
    )? {
        let (department, industry) = (row.text(1)?, row.text(2)?);
        let done = db
            .query_opt(
                "SELECT count(*) FROM office_inspections i JOIN office_enterprises e ON e.id = i.enterprise_id
                 WHERE i.self_reported = 0 AND i.on_day >= $1 AND i.on_day <= $2 AND e.industry = $3
                   AND (',' || i.departments || ',') LIKE $4",
                args![format!("{year}-01-01"), format!("{year}-12-31"), &industry, format!("%,{department},%")],
            )?
            .map_or(Ok(0), |r| r.int(0))?;
        rows.push(PlanRow {
            seq: row.int(0)?,
            department,
            industry,
            item: row.text(3)?,
            basis: row.text(4)?,
            mode: row.text(5)?,
            planned: row.int(6)?,
            done,
        });
    }
    Ok(Plan { id: r.text(0)?, year, title: r.text(2)?, approved, rows })
}

/// Every plan, newest year first: (id, year, title, approved).
pub fn list(db: &mut dyn Sql) -> Result<Vec<(String, i64, String, bool)>, DbError> {
    db.query("SELECT id, year, title, approved_at FROM plans ORDER BY year DESC, created_at DESC", &[])?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?, r.text(2)?, r.opt_text(3)?.is_some())))
        .collect()
}

/// The 计划完成率 of `year`'s approved plans: (done, planned).
pub fn completion_of_year(db: &mut dyn Sql, year: i32) -> Result<(i64, i64), PlanError> {
    let ids: Vec<String> = db
        .query("SELECT id FROM plans WHERE year = $1 AND approved_at IS NOT NULL", args![i64::from(year)])?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    let mut total = (0, 0);
    for id in ids {
        let (d, p) = load(db, &id)?.completion();
        total = (total.0 + d, total.1 + p);
    }
    Ok(total)
}
