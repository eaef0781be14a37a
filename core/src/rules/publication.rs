//! 抽查结果公示: the result of an inspection drawn by a 双随机 draw is
//! published within the office's period of its forming. The period is office
//! data (`LoopRules::results_published_within`, default 20 working days): it
//! is widely attributed to 国发〔2019〕5号 but unverified in the sources
//! read. Working days follow the office's holiday calendar (调休 included).
//! The published text names no person: only the enterprise and what was
//! found.

use chrono::NaiveDate;

use crate::model::{Inspection, InspectionStatus, Timestamp};
use crate::rules::calendar::HolidayCalendar;
use crate::rules::deadline::{apply_rule, Computed, DeadlineError};
use crate::rules::grades::DeadlineRule;

/// When an inspection's result formed: once signed (or closed), the last
/// signature or refusal on it, else its end; `None` while it is open.
pub fn result_formed(i: &Inspection) -> Option<Timestamp> {
    if !matches!(i.status, InspectionStatus::Signed | InspectionStatus::Closed) {
        return None;
    }
    let signed = i.signatures.values().map(|s| s.signed_at);
    let refused = i.refusals.values().map(|r| r.recorded_at);
    signed.chain(refused).max_by_key(Timestamp::unix_millis).or(i.ended_at).or(i.started_at)
}

/// The last day to publish a result formed on `formed`.
pub fn due(cal: &HolidayCalendar, rule: DeadlineRule, formed: NaiveDate) -> Result<Computed, DeadlineError> {
    apply_rule(cal, rule, formed)
}

/// Where one drawn enterprise's result stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Not inspected, or not signed yet.
    NotFormed,
    /// Formed; to publish by `by`.
    Due {
        /// The last day.
        by: NaiveDate,
    },
    /// Formed and not published by its last day.
    Overdue {
        /// The last day, passed.
        by: NaiveDate,
    },
    /// Published on `on`.
    Published {
        /// The day.
        on: NaiveDate,
        /// Whether by the last day.
        on_time: bool,
    },
}

impl Standing {
    /// Where a result stands on `today`: `due` is its last day (none while it
    /// has not formed), `published` the day it was published, if it was.
    pub fn of(due: Option<NaiveDate>, published: Option<NaiveDate>, today: NaiveDate) -> Standing {
        match (due, published) {
            (_, Some(on)) => Standing::Published { on, on_time: due.is_none_or(|by| on <= by) },
            (None, None) => Standing::NotFormed,
            (Some(by), None) if today > by => Standing::Overdue { by },
            (Some(by), None) => Standing::Due { by },
        }
    }

    /// In Chinese, for the office's page.
    pub fn label(&self) -> String {
        match self {
            Standing::NotFormed => "结果未形成".into(),
            Standing::Due { by } => format!("待公示（{} 前）", by.format("%Y年%-m月%-d日")),
            Standing::Overdue { by } => format!("公示逾期（应于 {} 前）", by.format("%Y年%-m月%-d日")),
            Standing::Published { on, on_time: true } => format!("已公示（{}）", on.format("%Y年%-m月%-d日")),
            Standing::Published { on, on_time: false } => format!("逾期公示（{}）", on.format("%Y年%-m月%-d日")),
        }
    }
}

/// The published result: what was found, in the words of a 抽查结果公告,
/// with no person's name.
pub fn public_result(hazards: u32, major: u32) -> String {
    match (hazards, major) {
        (0, _) => "未发现安全生产违法违规行为和事故隐患".into(),
        (n, 0) => format!("发现一般事故隐患 {n} 项，已责令限期整改"),
        (n, m) => format!("发现事故隐患 {n} 项，其中重大事故隐患 {m} 项，已责令限期整改"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn twenty_working_days_skip_the_holidays_and_count_the_make_up_days() {
        let cal = crate::rules::calendar::HolidayCalendar::bundled();
        // Formed on Friday 2026-09-25: 国庆 (10-01..07) falls inside; the
        // make-up working days of that calendar count.
        let by = due(&cal, DeadlineRule::WorkingDays(20), d("2026-09-25")).unwrap();
        let weekends_only = due(&HolidayCalendar::default(), DeadlineRule::WorkingDays(20), d("2026-09-25")).unwrap();
        assert!(by.date > weekends_only.date, "{} vs {}", by.date, weekends_only.date);
        assert!(by.missing_years.is_empty());
    }

    #[test]
    fn a_result_is_due_then_overdue_unless_published() {
        let by = d("2026-04-20");
        assert_eq!(Standing::of(None, None, d("2026-05-01")), Standing::NotFormed);
        assert_eq!(Standing::of(Some(by), None, by), Standing::Due { by });
        assert_eq!(Standing::of(Some(by), None, d("2026-04-21")), Standing::Overdue { by });
        assert_eq!(
            Standing::of(Some(by), Some(d("2026-04-22")), d("2026-05-01")),
            Standing::Published { on: d("2026-04-22"), on_time: false }
        );
        assert!(Standing::of(Some(by), Some(by), by).label().starts_with("已公示"));
    }

    #[test]
    fn the_published_result_says_what_was_found() {
        assert_eq!(public_result(0, 0), "未发现安全生产违法违规行为和事故隐患");
        assert!(public_result(3, 1).contains("重大事故隐患 1 项"));
    }
}
