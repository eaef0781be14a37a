//! Pure functions that encode the legal rules: credit codes, the holiday
//! calendar and deadlines, hazard grades, item verdicts and the inspection's
//! outcome, state transitions, the hazard life cycle, team
//! composition and permissions. No I/O, no clocks: everything they need is
//! passed in, so they are tested with tables.

pub mod calendar;
pub mod credit;
pub mod deadline;
pub mod draw;
pub mod frequency;
pub mod grades;
pub mod lifecycle;
pub mod office_access;
pub mod outcome;
pub mod permissions;
pub mod publication;
pub mod signing;
pub mod team;
pub mod transitions;
pub mod verdict;

/// GB 32100-2015 credit codes: a value type of the model, validated when made.
pub use crate::model::credit_code;
