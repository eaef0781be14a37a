//! The office's statistics (research C.2): the indicators with their
//! definitions, for a month, quarter or year, beside the period before
//! (环比) and the same period a year earlier (同比), computed from the
//! indexes the ledger keeps (`ledger_hazards`, `office_inspections`,
//! `office_enterprises`) and the number ledger.

pub mod indicators;
pub mod period;

pub use indicators::{compute, headline, Headline, Indicators};
pub use period::{Period, PeriodKind};

/// What the statistics page shows: this period's indicators, the headlines
/// of the period before (环比) and of the same period a year earlier (同比),
/// and the year's plan completion (done, planned).
pub fn page_figures(
    db: &mut dyn crate::sql::Sql,
    period: Period,
    today: chrono::NaiveDate,
) -> Result<(Indicators, Headline, Headline, (i64, i64)), crate::plans::PlanError> {
    let now = compute(db, period, today)?;
    let before = headline(db, period.previous())?;
    // A year's period before is the year before: one query, not two.
    let year_ago = if period.year_ago() == period.previous() { before } else { headline(db, period.year_ago())? };
    Ok((now, before, year_ago, crate::plans::completion_of_year(db, period.year)?))
}
