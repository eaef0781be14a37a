//! The office's statistics (research C.2): the indicators with their
//! definitions, for a month, quarter or year, beside the period before
//! (环比) and the same period a year earlier (同比), computed from the
//! indexes the ledger keeps (`ledger_hazards`, `office_inspections`,
//! `office_enterprises`) and the number ledger.

pub mod indicators;
pub mod period;

pub use indicators::{compute, Indicators};
pub use period::{Period, PeriodKind};
