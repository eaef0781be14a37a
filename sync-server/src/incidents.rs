//! An enterprise's accidents (生产安全事故) and substantiated complaints
//! (查实的投诉举报), as the office records them from the accident reports and
//! the 12350 hotline. They are not inspection data, so no device writes
//! them; the credit rule (`lianjian_core::rules::credit`) reads them to
//! raise the enterprise's class in the draw. Records are only appended: a
//! wrong one is answered by the audit trail, not by an edit.

use chrono::NaiveDate;

use crate::args;
use crate::sql::{DbError, Sql};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentKind {
    /// 生产安全事故.
    Accident,
    /// 查实的投诉举报.
    Complaint,
}

impl IncidentKind {
    /// Both, in the order the form offers them.
    pub const ALL: [IncidentKind; 2] = [IncidentKind::Accident, IncidentKind::Complaint];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            IncidentKind::Accident => "accident",
            IncidentKind::Complaint => "complaint",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            IncidentKind::Accident => "生产安全事故",
            IncidentKind::Complaint => "查实的投诉举报",
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The longest summary kept.
pub const MAX_SUMMARY_CHARS: usize = 500;

/// Why a record was refused.
#[derive(Debug, thiserror::Error)]
pub enum IncidentError {
    /// No such enterprise in the 名录库.
    #[error("名录库中没有这家企业")]
    UnknownEnterprise,
    /// The kind is neither accident nor complaint.
    #[error("请选择事故或查实的投诉举报")]
    UnknownKind,
    /// The day is not a date, or is after today.
    #[error("日期不正确：须为今天或以前的日期")]
    BadDay,
    /// The summary is empty or too long.
    #[error("请填写简要情况（不超过 500 字）")]
    BadSummary,
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One recorded incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    /// Accident or complaint.
    pub kind: IncidentKind,
    /// When it happened (the complaint: when it was substantiated).
    pub on_day: NaiveDate,
    /// What happened, in the office's words.
    pub summary: String,
    /// Who recorded it (their name), and when (to the minute).
    pub recorded: (String, String),
}

/// What the office typed.
pub struct NewIncident<'a> {
    /// The enterprise's id.
    pub enterprise: &'a str,
    /// `accident` or `complaint`.
    pub kind: &'a str,
    /// `YYYY-MM-DD`.
    pub on_day: &'a str,
    /// What happened.
    pub summary: &'a str,
}

/// Records `new` by `by` at `now`, checked against `today`; returns its id.
pub fn record(
    db: &mut dyn Sql,
    new: &NewIncident<'_>,
    by: &str,
    now: &str,
    today: NaiveDate,
) -> Result<String, IncidentError> {
    let kind = IncidentKind::from_code(new.kind).ok_or(IncidentError::UnknownKind)?;
    let day = new.on_day.trim().parse::<NaiveDate>().map_err(|_| IncidentError::BadDay)?;
    if day > today {
        return Err(IncidentError::BadDay);
    }
    let summary = new.summary.trim();
    if summary.is_empty() || summary.chars().count() > MAX_SUMMARY_CHARS {
        return Err(IncidentError::BadSummary);
    }
    if db.query_opt("SELECT 1 FROM office_enterprises WHERE id = $1", args![new.enterprise])?.is_none() {
        return Err(IncidentError::UnknownEnterprise);
    }
    let id = uuid::Uuid::now_v7().to_string();
    db.execute(
        "INSERT INTO enterprise_incidents (id, enterprise_id, kind, on_day, summary, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![&id, new.enterprise, kind.code(), day.to_string(), summary, by, now],
    )?;
    Ok(id)
}

/// Every incident of `enterprise`, newest first.
pub fn of(db: &mut dyn Sql, enterprise: &str) -> Result<Vec<Incident>, DbError> {
    let rows = db.query(
        "SELECT i.kind, i.on_day, i.summary, COALESCE(u.name, i.recorded_by), i.recorded_at
         FROM enterprise_incidents i LEFT JOIN users u ON u.id = i.recorded_by
         WHERE i.enterprise_id = $1 ORDER BY i.on_day DESC, i.recorded_at DESC",
        args![enterprise],
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let (Some(kind), Ok(on_day)) = (IncidentKind::from_code(&r.text(0)?), r.text(1)?.parse::<NaiveDate>()) else {
            continue;
        };
        let at: String = r.text(4)?.chars().take(16).collect();
        out.push(Incident { kind, on_day, summary: r.text(2)?, recorded: (r.text(3)?, at.replace('T', " ")) });
    }
    Ok(out)
}

/// Every incident of every enterprise: (enterprise, kind, day).
pub fn all(db: &mut dyn Sql) -> Result<Vec<(String, IncidentKind, NaiveDate)>, DbError> {
    let mut out = Vec::new();
    for r in db.query("SELECT enterprise_id, kind, on_day FROM enterprise_incidents", &[])? {
        if let (Some(kind), Ok(day)) = (IncidentKind::from_code(&r.text(1)?), r.text(2)?.parse::<NaiveDate>()) {
            out.push((r.text(0)?, kind, day));
        }
    }
    Ok(out)
}
