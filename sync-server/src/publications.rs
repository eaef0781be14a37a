//! 抽查结果公示: each enterprise a draw sent inspectors to has a result once
//! its inspection is signed; the office publishes it on the draw's public
//! page within the period of its loop rules (default 20 working days, the
//! office's calendar), and the office's page shows which are due, overdue or
//! published. The published text is composed from the ledger (how many
//! hazards, how many major) and names no person.

use chrono::NaiveDate;

use lianjian_core::rules::deadline::Computed;
use lianjian_core::rules::publication::{self, Standing};

use crate::args;
use crate::rule_data::RuleData;
use crate::sql::{DbError, Sql};

/// Why a result cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The enterprise was not sent inspectors by this draw.
    #[error("这家企业不在本次抽取的检查计划中")]
    NotDrawn,
    /// Its inspection is not signed yet.
    #[error("检查结果尚未形成（检查未签字），不能公示")]
    NotFormed,
    /// Published already; a 公示 is not changed.
    #[error("该检查结果已经公示，不能重复公示")]
    AlreadyPublished,
    /// The calendar cannot count the period.
    #[error("无法计算公示期限：{0}")]
    Deadline(String),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One drawn enterprise's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRow {
    /// The enterprise.
    pub enterprise_id: String,
    /// Its name.
    pub enterprise: String,
    /// The day its result formed.
    pub formed: Option<NaiveDate>,
    /// Where its 公示 stands.
    pub standing: Standing,
    /// Whether its last day is counted without the official calendar of a
    /// year it crosses (weekends only until the office imports it).
    pub provisional: bool,
    /// The published text, once published.
    pub published: Option<String>,
}

/// The results of draw `draw` on `today`, in the draw's order of enterprises.
pub fn results(
    db: &mut dyn Sql,
    draw: &str,
    rules: &RuleData,
    today: NaiveDate,
) -> Result<Vec<ResultRow>, PublishError> {
    let rows = db.query(
        "SELECT d.enterprise_id, COALESCE(e.name, d.enterprise_id), i.result_on, p.published_on, p.result
         FROM draw_inspections d
         LEFT JOIN office_enterprises e ON e.id = d.enterprise_id
         LEFT JOIN office_inspections i ON i.id = d.inspection_id
         LEFT JOIN draw_publications p ON p.draw_id = d.draw_id AND p.enterprise_id = d.enterprise_id
         WHERE d.draw_id = $1 ORDER BY 2, 1",
        args![draw],
    )?;
    let day = |s: Option<String>| s.and_then(|s| s.parse::<NaiveDate>().ok());
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let formed = day(r.opt_text(2)?);
        let published = day(r.opt_text(3)?);
        let due = formed.map(|f| due_of(rules, f)).transpose()?;
        let provisional = due.as_ref().is_some_and(|d| !d.missing_years.is_empty());
        let due = due.map(|d| d.date);
        out.push(ResultRow {
            provisional,
            enterprise_id: r.text(0)?,
            enterprise: r.text(1)?,
            formed,
            standing: Standing::of(due, published, today),
            published: r.opt_text(4)?,
        });
    }
    Ok(out)
}

fn due_of(rules: &RuleData, formed: NaiveDate) -> Result<Computed, PublishError> {
    publication::due(&rules.office.calendar, rules.office.loop_rules.results_published_within, formed)
        .map_err(|e| PublishError::Deadline(e.to_string()))
}

/// Publishes the result of `enterprise` in draw `draw` on `today`, by
/// `by`; returns the published text.
pub fn publish(
    db: &mut dyn Sql,
    draw: &str,
    enterprise: &str,
    by: &str,
    today: NaiveDate,
) -> Result<String, PublishError> {
    db.transaction(|db| {
        let row = db
            .query_opt(
                "SELECT d.inspection_id, i.result_on FROM draw_inspections d
                 LEFT JOIN office_inspections i ON i.id = d.inspection_id
                 WHERE d.draw_id = $1 AND d.enterprise_id = $2",
                args![draw, enterprise],
            )?
            .ok_or(PublishError::NotDrawn)?;
        let inspection = row.text(0)?;
        if row.opt_text(1)?.is_none() {
            return Err(PublishError::NotFormed);
        }
        if db
            .query_opt(
                "SELECT 1 FROM draw_publications WHERE draw_id = $1 AND enterprise_id = $2",
                args![draw, enterprise],
            )?
            .is_some()
        {
            return Err(PublishError::AlreadyPublished);
        }
        let counts = db
            .query_opt(
                "SELECT COUNT(*), COUNT(CASE WHEN major = 1 THEN 1 END) FROM ledger_hazards WHERE inspection_id = $1",
                args![&inspection],
            )?
            .expect("an aggregate has a row");
        let text = publication::public_result(counts.int(0)? as u32, counts.int(1)? as u32);
        db.execute(
            "INSERT INTO draw_publications (draw_id, enterprise_id, published_on, result, published_by)
             VALUES ($1, $2, $3, $4, $5)",
            args![draw, enterprise, today.to_string(), &text, by],
        )?;
        Ok(text)
    })
}
