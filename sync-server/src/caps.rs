//! The office's yearly inspection ceilings per risk class (检查频次上限,
//! 国办发〔2024〕54号): local figures, so the office sets them on the plans
//! page; until it does, the core's defaults apply. The draw, the dossier,
//! the enterprise list and the statistics all read them from here.

use lianjian_core::model::enterprise::RiskColour;
use lianjian_core::rules::frequency::YearlyCaps;

use crate::args;
use crate::sql::{DbError, Sql};

const COLOURS: [RiskColour; 4] = [RiskColour::Red, RiskColour::Orange, RiskColour::Yellow, RiskColour::Blue];

/// The ceilings in force: the office's, or the core's defaults.
pub fn in_force(db: &mut dyn Sql) -> Result<YearlyCaps, DbError> {
    let mut caps = YearlyCaps::default();
    for r in db.query("SELECT risk, yearly FROM office_caps", &[])? {
        let n = u32::try_from(r.int(1)?).unwrap_or(0);
        match RiskColour::from_code(&r.text(0)?) {
            Ok(RiskColour::Red) => caps.red = n,
            Ok(RiskColour::Orange) => caps.orange = n,
            Ok(RiskColour::Yellow) => caps.yellow = n,
            Ok(RiskColour::Blue) => caps.blue = n,
            Err(_) => {}
        }
    }
    Ok(caps)
}

/// Who set the ceilings in force and when, if the office has.
pub fn set_by(db: &mut dyn Sql) -> Result<Option<(String, String)>, DbError> {
    let row = db.query_opt(
        "SELECT COALESCE(u.name, c.set_by), c.set_at FROM office_caps c LEFT JOIN users u ON u.id = c.set_by
         ORDER BY c.set_at DESC LIMIT 1",
        &[],
    )?;
    row.map(|r| Ok((r.text(0)?, r.text(1)?))).transpose()
}

/// Why ceilings were refused.
#[derive(Debug, thiserror::Error)]
pub enum CapsError {
    /// Out of range, or lower for a riskier class.
    #[error("{0}")]
    Invalid(String),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Sets the ceilings, checked by the core's rule, in one transaction.
pub fn set(db: &mut dyn Sql, caps: YearlyCaps, by: &str, at: &str) -> Result<(), CapsError> {
    caps.validate().map_err(CapsError::Invalid)?;
    db.transaction(|tx| -> Result<(), CapsError> {
        for c in COLOURS {
            tx.execute(
                "INSERT INTO office_caps (risk, yearly, set_by, set_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (risk) DO UPDATE SET yearly = excluded.yearly, set_by = excluded.set_by, set_at = excluded.set_at",
                args![c.code(), i64::from(caps.cap(c)), by, at],
            )?;
        }
        Ok(())
    })
}
