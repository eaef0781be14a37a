//! Document numbers for devices that work offline: the server grants each
//! inspector's device disjoint blocks of its department's sequences (the
//! block size is the office's setting) and accepts the ledger the device
//! reports back only as the core's `numbering::check_use` allows — inside a
//! block granted to that device, each number for one document only.

use lianjian_core::model::Timestamp;
use lianjian_core::numbering::{check_use, next_block, NumberBlock, NumberKey, NumberUse, NUMBERED_FORMS};
use lianjian_core::rules::permissions::Role;

use crate::args;
use crate::db::Caller;
use crate::error::AppError;
use crate::sql::{Backend, DbError, Sql};

/// The block size when the office has not set one.
pub const DEFAULT_BLOCK_SIZE: u32 = 20;
/// The setting holding the block size.
pub const BLOCK_SIZE_SETTING: &str = "number_block_size";

/// The office's block size.
pub fn block_size(db: &mut dyn Sql) -> Result<u32, DbError> {
    let row = db.query_opt("SELECT value FROM settings WHERE name = $1", args![BLOCK_SIZE_SETTING])?;
    Ok(match row {
        Some(r) => r.text(0)?.parse().unwrap_or(DEFAULT_BLOCK_SIZE),
        None => DEFAULT_BLOCK_SIZE,
    })
}

/// Sets the office's block size (1 to 1,000).
pub fn set_block_size(db: &mut dyn Sql, size: u32) -> Result<(), AppError> {
    if !(1..=1000).contains(&size) {
        return Err(AppError::BadRequest("编号段大小须在 1 到 1000 之间".into()));
    }
    db.execute(
        "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        args![BLOCK_SIZE_SETTING, size.to_string()],
    )?;
    Ok(())
}

/// The key of the caller's department's sequence of `form` in `year`:
/// only enforcement officers number documents, in their own department.
pub fn caller_key(caller: &Caller, form: &str, year: i32) -> Result<NumberKey, AppError> {
    if !matches!(caller.user.role, Role::Inspector | Role::TeamLead) {
        return Err(AppError::Forbidden("只有执法人员可以领取文书编号".into()));
    }
    let department =
        caller.user.department.clone().ok_or_else(|| AppError::Forbidden("该用户未登记所属部门".into()))?;
    if !NUMBERED_FORMS.contains(&form) {
        return Err(AppError::BadRequest(format!("{form} 不是编号文书")));
    }
    if !(2000..=2100).contains(&year) {
        return Err(AppError::BadRequest("年份无效".into()));
    }
    Ok(NumberKey { department, form: form.into(), year })
}

/// Grants the caller's device the next block of `key`.
pub fn grant_block(db: &mut dyn Sql, caller: &Caller, key: NumberKey, now: Timestamp) -> Result<NumberBlock, AppError> {
    let size = block_size(db)?;
    let block = db.transaction(|tx| {
        if tx.backend() == Backend::Postgres {
            tx.batch("LOCK TABLE number_blocks IN EXCLUSIVE MODE")?;
        }
        let max = tx.query_opt(
            "SELECT CAST(MAX(end_seq) AS BIGINT) FROM number_blocks WHERE department = $1 AND form = $2 AND year = $3",
            args![&key.department, &key.form, i64::from(key.year)],
        )?;
        let max = match max {
            Some(r) => r.opt_int(0)?.map(|m| m as u32),
            None => None,
        };
        let block = next_block(max, key.clone(), size);
        tx.execute(
            "INSERT INTO number_blocks (department, form, year, start_seq, end_seq, device_id, user_id, granted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                &key.department,
                &key.form,
                i64::from(key.year),
                i64::from(block.start),
                i64::from(block.end),
                &caller.device_id,
                &caller.user.id,
                now.to_string()
            ],
        )?;
        Ok::<_, DbError>(block)
    })?;
    Ok(block)
}

/// The blocks granted to `device` of `key`.
fn granted(db: &mut dyn Sql, device: &str, key: &NumberKey) -> Result<Vec<NumberBlock>, DbError> {
    let rows = db.query(
        "SELECT start_seq, end_seq FROM number_blocks WHERE department = $1 AND form = $2 AND year = $3 AND device_id = $4",
        args![&key.department, &key.form, i64::from(key.year), device],
    )?;
    rows.iter().map(|r| Ok(NumberBlock { key: key.clone(), start: r.int(0)? as u32, end: r.int(1)? as u32 })).collect()
}

/// One reported use the server refused, and why (Chinese).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct RefusedUse {
    /// The number.
    pub seq: u32,
    /// Why.
    pub reason: String,
}

/// Records the uses the caller's device reports; returns those refused.
pub fn report_uses(
    db: &mut dyn Sql,
    caller: &Caller,
    uses: &[NumberUse],
    now: Timestamp,
) -> Result<Vec<RefusedUse>, AppError> {
    let mut refused = Vec::new();
    for u in uses {
        let blocks = granted(db, &caller.device_id, &u.key)?;
        let existing = db
            .query_opt(
                "SELECT document, by_person, at, voided FROM number_uses WHERE department = $1 AND form = $2 AND year = $3 AND seq = $4",
                args![&u.key.department, &u.key.form, i64::from(u.key.year), i64::from(u.seq)],
            )?
            .map(|r| -> Result<NumberUse, DbError> {
                Ok(NumberUse {
                    key: u.key.clone(),
                    seq: u.seq,
                    document: r.text(0)?,
                    by: r.text(1)?,
                    at: Timestamp::parse(&r.text(2)?).unwrap_or(u.at),
                    voided: r.opt_text(3)?,
                })
            })
            .transpose()?;
        if let Err(e) = check_use(&blocks, existing.as_ref(), u) {
            refused.push(RefusedUse { seq: u.seq, reason: e.to_string() });
            continue;
        }
        db.execute(
            "INSERT INTO number_uses (department, form, year, seq, document, by_person, at, voided, device_id, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (department, form, year, seq) DO UPDATE SET voided = excluded.voided, reported_at = excluded.reported_at",
            args![
                &u.key.department,
                &u.key.form,
                i64::from(u.key.year),
                i64::from(u.seq),
                &u.document,
                &u.by,
                u.at.to_string(),
                u.voided.clone(),
                &caller.device_id,
                now.to_string()
            ],
        )?;
    }
    Ok(refused)
}

/// One line of the office's number ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    /// The use.
    pub entry: NumberUse,
    /// The device that issued it.
    pub device: String,
}

/// The whole number ledger (for the export), in sequence order.
pub fn ledger(db: &mut dyn Sql) -> Result<Vec<LedgerLine>, DbError> {
    let rows = db.query(
        "SELECT department, form, year, seq, document, by_person, at, voided, device_id FROM number_uses
         ORDER BY department, form, year, seq",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(LedgerLine {
                entry: NumberUse {
                    key: NumberKey { department: r.text(0)?, form: r.text(1)?, year: r.int(2)? as i32 },
                    seq: r.int(3)? as u32,
                    document: r.text(4)?,
                    by: r.text(5)?,
                    at: Timestamp::parse(&r.text(6)?)
                        .map_err(|_| DbError::Type { column: 6, expected: "a timestamp" })?,
                    voided: r.opt_text(7)?,
                },
                device: r.text(8)?,
            })
        })
        .collect()
}
