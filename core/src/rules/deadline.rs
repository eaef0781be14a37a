//! Rectification deadlines (整改期限) in Asia/Shanghai local dates.
//!
//! Chinese periods do not count the day they start on; a calendar-day period
//! whose last day is a statutory day off ends on the next working day; a
//! working-day period skips weekends and holidays but counts make-up days.
//!
//! A deadline is always produced, on any date: where a day it consults lies
//! in a year without an official calendar, the fallback rule (weekends off)
//! answers and the deadline is marked provisional, to be recomputed when
//! that year's calendar arrives. An inspector may set another deadline with
//! a reason, never before the day the hazard was found and never beyond
//! what the grade allows.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, NaiveDate, TimeZone};

use super::calendar::HolidayCalendar;
use super::grades::{DeadlineRule, GradeDef, GradeScheme};
use crate::error::{Error, Result};
pub use crate::model::deadline::{Deadline, DeadlineBasis};
use crate::model::Finding;

/// Why a deadline cannot be set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// The deadline is before the day the hazard was found.
    #[error("整改期限 {deadline} 早于发现隐患的日期 {found_on}")]
    BeforeFound {
        /// The requested deadline.
        deadline: NaiveDate,
        /// The local date the hazard was found.
        found_on: NaiveDate,
    },
    /// The deadline is later than the grade allows.
    #[error("{grade}隐患的整改期限最迟为 {latest}，不能定为 {deadline}")]
    BeyondLimit {
        /// The grade code.
        grade: String,
        /// The requested deadline.
        deadline: NaiveDate,
        /// The latest date the grade allows.
        latest: NaiveDate,
    },
    /// A deadline set by hand needs a reason.
    #[error("指定整改期限须说明理由")]
    ReasonRequired,
    /// The date is outside the range dates can be computed in.
    #[error("日期超出可计算范围")]
    OutOfRange,
    /// A deadline set by hand must be a date.
    #[error("指定的整改期限须为具体日期")]
    DateRequired,
    /// A grade that stops work needs the immediate measure taken on site.
    #[error("{grade}隐患须记录现场采取的处理措施（如停止作业、撤出人员）")]
    ImmediateMeasureRequired {
        /// The grade code.
        grade: String,
    },
}

/// A date a rule computed, and the years whose official calendar it lacked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    /// The date.
    pub date: NaiveDate,
    /// Years consulted that have no official calendar: the date is
    /// provisional exactly when this is not empty.
    pub missing_years: BTreeSet<i32>,
}

impl Computed {
    /// Whether the date rests on the fallback rule for some day.
    pub fn is_provisional(&self) -> bool {
        !self.missing_years.is_empty()
    }

    /// The reason shown with a provisional deadline, in Chinese.
    pub fn provisional_reason(&self) -> Option<String> {
        provisional_reason(&self.missing_years)
    }
}

/// The Chinese reason for a deadline computed without the calendars of `years`.
pub fn provisional_reason(years: &BTreeSet<i32>) -> Option<String> {
    if years.is_empty() {
        return None;
    }
    let list = years.iter().map(|y| format!("{y}年")).collect::<Vec<_>>().join("、");
    Some(format!("{list}官方节假日安排尚未收到，暂按周末休息推算，收到后自动重算"))
}

pub use crate::model::time::local_date;

fn next_day(d: NaiveDate) -> Result<NaiveDate, DeadlineError> {
    d.succ_opt().ok_or(DeadlineError::OutOfRange)
}

/// `start` plus `days` calendar days; if that day is off, the next working day.
pub fn add_calendar_days(cal: &HolidayCalendar, start: NaiveDate, days: u32) -> Result<Computed, DeadlineError> {
    let mut d = start.checked_add_days(Days::new(days.into())).ok_or(DeadlineError::OutOfRange)?;
    let mut missing = BTreeSet::new();
    loop {
        let day = cal.day(d);
        if !day.official {
            missing.insert(chrono::Datelike::year(&d));
        }
        if day.working {
            return Ok(Computed { date: d, missing_years: missing });
        }
        d = next_day(d)?;
    }
}

/// The date `days` working days after `start` (`start` itself not counted).
pub fn add_working_days(cal: &HolidayCalendar, start: NaiveDate, days: u32) -> Result<Computed, DeadlineError> {
    let mut d = start;
    let mut left = days;
    let mut missing = BTreeSet::new();
    while left > 0 {
        d = next_day(d)?;
        let day = cal.day(d);
        if !day.official {
            missing.insert(chrono::Datelike::year(&d));
        }
        if day.working {
            left -= 1;
        }
    }
    Ok(Computed { date: d, missing_years: missing })
}

/// The date a rule gives a hazard found on local date `found_on`.
pub fn apply_rule(cal: &HolidayCalendar, rule: DeadlineRule, found_on: NaiveDate) -> Result<Computed, DeadlineError> {
    match rule {
        DeadlineRule::CalendarDays(n) => add_calendar_days(cal, found_on, n),
        DeadlineRule::WorkingDays(n) => add_working_days(cal, found_on, n),
    }
}

/// The default deadline of a hazard of `grade` found at `found_at`.
pub fn default_deadline<Tz: TimeZone>(
    cal: &HolidayCalendar,
    grade: &GradeDef,
    found_at: &DateTime<Tz>,
) -> Result<Computed, DeadlineError> {
    apply_rule(cal, grade.deadline, local_date(found_at))
}

/// Checks a deadline the inspector sets by hand: a reason, not before the
/// day found, not beyond the grade's limit.
pub fn check_manual<Tz: TimeZone>(
    cal: &HolidayCalendar,
    grade: &GradeDef,
    found_at: &DateTime<Tz>,
    deadline: NaiveDate,
    reason: &str,
) -> Result<(), DeadlineError> {
    if reason.trim().is_empty() {
        return Err(DeadlineError::ReasonRequired);
    }
    let found_on = local_date(found_at);
    if deadline < found_on {
        return Err(DeadlineError::BeforeFound { deadline, found_on });
    }
    let latest = apply_rule(cal, grade.limit(), found_on)?.date;
    if deadline > latest {
        return Err(DeadlineError::BeyondLimit { grade: grade.code.clone(), deadline, latest });
    }
    Ok(())
}

/// Makes a finding's deadline agree with its grade before it is written: a
/// computed deadline is (re)computed, with the provisional reason when a
/// year lacks its calendar; a deadline set by hand is checked and kept; a
/// grade that stops work needs its immediate measure.
pub fn settle_finding(cal: &HolidayCalendar, grade: &GradeDef, finding: &mut Finding) -> Result<(), DeadlineError> {
    if grade.immediate_measure && finding.immediate_measure.is_none() {
        return Err(DeadlineError::ImmediateMeasureRequired { grade: grade.code.clone() });
    }
    match finding.deadline_basis {
        DeadlineBasis::Computed => {
            let c = default_deadline(cal, grade, &finding.found_at.0)?;
            finding.deadline = Deadline::By(c.date);
            finding.deadline_provisional = c.provisional_reason();
            finding.deadline_reason = None;
        }
        DeadlineBasis::Manual => {
            let Deadline::By(date) = finding.deadline else { return Err(DeadlineError::DateRequired) };
            check_manual(cal, grade, &finding.found_at.0, date, finding.deadline_reason.as_deref().unwrap_or(""))?;
            finding.deadline_provisional = None;
        }
    }
    Ok(())
}

/// Checks a finding as written by another replica, without rewriting it: a
/// grade that stops work has its immediate measure; a deadline set by hand
/// passes [`check_manual`]; a computed one lies between the day found and
/// the grade's limit (the writer's calendars may differ from ours, so its
/// exact date is the writer's to compute).
pub fn check_finding(cal: &HolidayCalendar, grade: &GradeDef, finding: &Finding) -> Result<(), DeadlineError> {
    if grade.immediate_measure && finding.immediate_measure.is_none() {
        return Err(DeadlineError::ImmediateMeasureRequired { grade: grade.code.clone() });
    }
    let Deadline::By(date) = finding.deadline else {
        return match finding.deadline_basis {
            DeadlineBasis::Manual => Err(DeadlineError::DateRequired),
            DeadlineBasis::Computed => Ok(()),
        };
    };
    let reason = match finding.deadline_basis {
        DeadlineBasis::Manual => finding.deadline_reason.as_deref().unwrap_or(""),
        DeadlineBasis::Computed => "computed",
    };
    check_manual(cal, grade, &finding.found_at.0, date, reason)
}

/// A finding's deadline as it stands now, with what the rules say of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingDeadline {
    /// The deadline in force.
    pub deadline: Deadline,
    /// How it was set.
    pub basis: DeadlineBasis,
    /// Why it is provisional, when it rests on the fallback rule.
    pub provisional: Option<String>,
    /// The deadline on file, when the one in force differs from it (a
    /// calendar arrived, or a merge changed the grade).
    pub changed_from: Option<Deadline>,
}

/// The deadline in force for `finding`: a deadline set by hand stands; a
/// computed one follows the finding's grade in `scheme` on today's
/// calendars, so a new calendar or a merged grade recomputes it the same way
/// on every device.
pub fn finding_deadline(cal: &HolidayCalendar, scheme: &GradeScheme, finding: &Finding) -> FindingDeadline {
    let on_file = FindingDeadline {
        deadline: finding.deadline,
        basis: finding.deadline_basis,
        provisional: finding.deadline_provisional.clone(),
        changed_from: None,
    };
    if finding.deadline_basis == DeadlineBasis::Manual {
        return FindingDeadline { provisional: None, ..on_file };
    }
    let Ok(grade) = scheme.grade(&finding.grade) else { return on_file };
    match default_deadline(cal, grade, &finding.found_at.0) {
        Ok(c) => {
            let now = Deadline::By(c.date);
            FindingDeadline {
                deadline: now,
                basis: DeadlineBasis::Computed,
                provisional: c.provisional_reason(),
                changed_from: (now != finding.deadline).then_some(finding.deadline),
            }
        }
        Err(_) => on_file,
    }
}

/// Whether a deadline has passed on local date `today` (the deadline day
/// itself is still in time).
pub fn is_overdue(deadline: Deadline, set_on: NaiveDate, today: NaiveDate) -> bool {
    today > deadline.due_date(set_on)
}

impl From<DeadlineError> for Error {
    fn from(e: DeadlineError) -> Self {
        Error::Deadline(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::calendar::CalendarYear;
    use chrono::FixedOffset;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal_2027() -> HolidayCalendar {
        let mut cal = HolidayCalendar::bundled();
        let text = std::fs::read_to_string(crate::import::fixtures_dir().join("calendars/test-2027.toml")).unwrap();
        cal.insert(CalendarYear::parse_import(&text).unwrap());
        cal
    }

    #[test]
    fn calendar_days_table() {
        let cal = HolidayCalendar::bundled();
        let cases = [
            // (found, days, due, why)
            ("2026-03-02", 7, "2026-03-09", "Monday + 7 = Monday"),
            ("2026-03-05", 7, "2026-03-12", "Thursday + 7 = Thursday"),
            ("2026-03-06", 1, "2026-03-09", "lands on Saturday: rolls to Monday"),
            ("2026-09-24", 7, "2026-10-08", "lands on 10-01 国庆: rolls past the whole holiday"),
            ("2026-02-01", 15, "2026-02-24", "lands in 春节: next working day"),
            ("2026-02-06", 8, "2026-02-14", "lands on make-up Saturday: stays"),
            ("2026-04-20", 15, "2026-05-06", "lands on 05-05 劳动节: rolls to 05-06"),
            ("2025-12-25", 7, "2026-01-04", "lands on 元旦; 01-04 is a make-up Sunday, a working day"),
            ("2024-02-29", 7, "2024-03-07", "leap day, 2024 without a calendar: provisional"),
        ];
        for (found, days, due, why) in cases {
            let c = add_calendar_days(&cal, d(found), days).unwrap();
            assert_eq!(c.date, d(due), "{why}");
            assert_eq!(c.is_provisional(), found.starts_with("2024"), "{why}");
        }
    }

    #[test]
    fn working_days_table() {
        let cal = HolidayCalendar::bundled();
        let cases = [
            ("2026-03-02", 5, "2026-03-09", "Mon + 5 working days skips the weekend"),
            ("2026-09-30", 1, "2026-10-08", "skips 国庆"),
            ("2026-10-09", 1, "2026-10-10", "counts the make-up Saturday"),
            ("2026-02-12", 3, "2026-02-24", "13th Fri, 14th make-up Sat, then 春节 to 23rd"),
            ("2026-01-04", 0, "2026-01-04", "zero days is the start day"),
        ];
        for (found, days, due, why) in cases {
            let c = add_working_days(&cal, d(found), days).unwrap();
            assert_eq!((c.date, c.is_provisional()), (d(due), false), "{why}");
        }
    }

    #[test]
    fn into_a_year_without_calendar_is_provisional_then_official() {
        let bundled = HolidayCalendar::bundled();
        let with_2027 = cal_2027();
        // (found, rule, provisional due, due once 2027 is official)
        let cases = [
            // 二级 on 2026-12-20: 15 days = 2027-01-04 (Monday) either way.
            ("2026-12-20", DeadlineRule::CalendarDays(15), "2027-01-04", "2027-01-04"),
            // 三级 on 2026-12-28: 7 days = 2027-01-04 either way.
            ("2026-12-28", DeadlineRule::CalendarDays(7), "2027-01-04", "2027-01-04"),
            // 2026-12-25 + 7 = 2027-01-01, a Friday by the fallback, 元旦 officially.
            ("2026-12-25", DeadlineRule::CalendarDays(7), "2027-01-01", "2027-01-04"),
            // 2027-02-01 + 7 = 02-08 in 春节 (test calendar): rolls to 02-15.
            ("2027-02-01", DeadlineRule::CalendarDays(7), "2027-02-08", "2027-02-15"),
            // 10 working days from 2027-02-01 (Monday): 02-15 by weekends; with
            // the calendar 春节 (02-06..14) is skipped and the make-up Saturday
            // 02-20 is the tenth.
            ("2027-02-01", DeadlineRule::WorkingDays(10), "2027-02-15", "2027-02-20"),
        ];
        for (found, rule, provisional, official) in cases {
            let p = apply_rule(&bundled, rule, d(found)).unwrap();
            assert_eq!((p.date, p.missing_years.iter().copied().collect::<Vec<_>>()), (d(provisional), vec![2027]));
            assert!(p.provisional_reason().unwrap().contains("2027年"));
            let o = apply_rule(&with_2027, rule, d(found)).unwrap();
            assert_eq!((o.date, o.is_provisional()), (d(official), false), "{found} {rule:?}");
        }
    }

    #[test]
    fn year_edges_2025_2026() {
        let cal = HolidayCalendar::bundled();
        // 2025-12-31 + 1 = 2026-01-01 元旦 (to 01-03) → 01-04, the make-up Sunday.
        assert_eq!(add_calendar_days(&cal, d("2025-12-31"), 1).unwrap().date, d("2026-01-04"));
        // One working day after 2025-12-31 is 2026-01-04 as well.
        assert_eq!(add_working_days(&cal, d("2025-12-31"), 1).unwrap().date, d("2026-01-04"));
        // 2024-12-31 + 1 = 2025-01-01 元旦 → 01-02; the start year 2024 is not consulted.
        let c = add_calendar_days(&cal, d("2024-12-31"), 1).unwrap();
        assert_eq!((c.date, c.is_provisional()), (d("2025-01-02"), false));
    }

    #[test]
    fn found_time_is_taken_in_shanghai() {
        let cal = HolidayCalendar::bundled();
        // 2026-03-05 23:30 in Urumqi-style UTC+6 is already 03-06 01:30 in Shanghai.
        let at = FixedOffset::east_opt(6 * 3600).unwrap().with_ymd_and_hms(2026, 3, 5, 23, 30, 0).unwrap();
        assert_eq!(local_date(&at), d("2026-03-06"));
        let grade = GradeScheme::three_level().grade("三级").unwrap().clone();
        assert_eq!(default_deadline(&cal, &grade, &at).unwrap().date, d("2026-03-13"));
    }

    #[test]
    fn manual_deadlines_stay_inside_the_law() {
        let cal = HolidayCalendar::bundled();
        let scheme = GradeScheme::three_level();
        let at = FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let g2 = scheme.grade("二级").unwrap();
        assert_eq!(check_manual(&cal, g2, &at, d("2026-03-10"), "企业承诺提前完成"), Ok(()));
        assert_eq!(check_manual(&cal, g2, &at, d("2026-03-17"), "上限当天"), Ok(()));
        assert_eq!(check_manual(&cal, g2, &at, d("2026-03-10"), " "), Err(DeadlineError::ReasonRequired));
        assert!(matches!(check_manual(&cal, g2, &at, d("2026-03-01"), "x"), Err(DeadlineError::BeforeFound { .. })));
        assert_eq!(
            check_manual(&cal, g2, &at, d("2026-03-18"), "x"),
            Err(DeadlineError::BeyondLimit {
                grade: "二级".into(),
                deadline: d("2026-03-18"),
                latest: d("2026-03-17")
            })
        );
        let g1 = scheme.grade("一级").unwrap();
        assert!(check_manual(&cal, g1, &at, d("2027-03-01"), "明年").is_err());
    }

    #[test]
    fn deadline_codes_round_trip() {
        for dl in [Deadline::Immediate, Deadline::By(d("2026-05-06"))] {
            assert_eq!(Deadline::parse(&dl.code()).unwrap(), dl);
        }
        assert!(Deadline::parse("next week").is_err());
        assert!(is_overdue(Deadline::By(d("2026-05-06")), d("2026-04-20"), d("2026-05-07")));
        assert!(!is_overdue(Deadline::By(d("2026-05-06")), d("2026-04-20"), d("2026-05-06")));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any date 2020–2040, any grade of either scheme: a deadline is
            /// produced, never before the day found, provisional exactly when
            /// a year it consults has no calendar.
            #[test]
            fn any_date_gives_a_deadline(days in 0i64..(21 * 366), grade in 0usize..5, with_2027 in any::<bool>()) {
                let cal = if with_2027 { cal_2027() } else { HolidayCalendar::bundled() };
                let found = d("2020-01-01") + chrono::Duration::days(days);
                let grades: Vec<GradeDef> = GradeScheme::three_level().grades.into_iter()
                    .chain(GradeScheme::major_general().grades).collect();
                let g = &grades[grade];
                let c = apply_rule(&cal, g.deadline, found).unwrap();
                prop_assert!(c.date >= found);
                let known = cal.years();
                // The days a rule consults: from the landing day (calendar
                // days) or the day after the find (working days) to the result.
                let mut day = match g.deadline {
                    DeadlineRule::CalendarDays(n) => found + chrono::Duration::days(n.into()),
                    DeadlineRule::WorkingDays(_) => found.succ_opt().unwrap(),
                };
                let mut missing = BTreeSet::new();
                while day <= c.date {
                    if !known.contains(&chrono::Datelike::year(&day)) {
                        missing.insert(chrono::Datelike::year(&day));
                    }
                    day = day.succ_opt().unwrap();
                }
                prop_assert_eq!(&c.missing_years, &missing);
                prop_assert_eq!(c.is_provisional(), !missing.is_empty());
            }
        }
    }
}
