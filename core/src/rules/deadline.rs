//! Rectification deadlines (整改期限) in Asia/Shanghai local dates.
//!
//! Chinese periods do not count the day they start on; a calendar-day period
//! whose last day is a statutory day off ends on the next working day; a
//! working-day period skips weekends and holidays but counts make-up days.
//! All of this depends on the official calendar, so every function takes one.

use chrono::{DateTime, Days, NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};

use super::calendar::HolidayCalendar;
use super::grades::DeadlineRule;
use crate::error::{Error, Result};

/// The deadline written on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Deadline {
    /// Stop immediately (立即停产整改).
    Immediate,
    /// Rectify by the end of this local date.
    By(NaiveDate),
}

impl Deadline {
    /// Stable text form: `immediate` or `YYYY-MM-DD`.
    pub fn code(&self) -> String {
        match self {
            Deadline::Immediate => "immediate".into(),
            Deadline::By(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Parses the text form produced by [`Deadline::code`].
    pub fn parse(s: &str) -> Result<Self> {
        if s == "immediate" {
            return Ok(Deadline::Immediate);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Deadline::By)
            .map_err(|_| Error::validation("deadline", format!("{s:?} is neither `immediate` nor a date")))
    }

    /// The date used to sort and filter ("due within N days"); immediate
    /// deadlines fall due on the day they are set.
    pub fn due_date(&self, set_on: NaiveDate) -> NaiveDate {
        match self {
            Deadline::Immediate => set_on,
            Deadline::By(d) => *d,
        }
    }
}

/// The local date in Asia/Shanghai of an instant recorded with any offset.
pub fn local_date<Tz: TimeZone>(at: &DateTime<Tz>) -> NaiveDate {
    at.with_timezone(&Shanghai).date_naive()
}

/// `start` plus `days` calendar days; if that day is off, the next working day.
pub fn add_calendar_days(cal: &HolidayCalendar, start: NaiveDate, days: u32) -> Result<NaiveDate> {
    let last = start
        .checked_add_days(Days::new(days.into()))
        .ok_or_else(|| Error::validation("deadline", "date out of range"))?;
    cal.next_working_day_from(last)
}

/// The date `days` working days after `start` (`start` itself not counted).
pub fn add_working_days(cal: &HolidayCalendar, start: NaiveDate, days: u32) -> Result<NaiveDate> {
    let mut d = start;
    let mut left = days;
    while left > 0 {
        d = d.succ_opt().ok_or_else(|| Error::validation("deadline", "date out of range"))?;
        if cal.is_working_day(d)? {
            left -= 1;
        }
    }
    Ok(d)
}

/// The deadline a rule gives a hazard found at `found_at`.
pub fn deadline_for<Tz: TimeZone>(
    cal: &HolidayCalendar,
    rule: DeadlineRule,
    found_at: &DateTime<Tz>,
) -> Result<Deadline> {
    let start = local_date(found_at);
    Ok(match rule {
        DeadlineRule::StopImmediately => Deadline::Immediate,
        DeadlineRule::CalendarDays(n) => Deadline::By(add_calendar_days(cal, start, n)?),
        DeadlineRule::WorkingDays(n) => Deadline::By(add_working_days(cal, start, n)?),
    })
}

/// The default deadline for a hazard of grade `grade` (a code of `scheme`)
/// found at `found_at`.
pub fn deadline_for_grade<Tz: TimeZone>(
    cal: &HolidayCalendar,
    scheme: &super::grades::GradeScheme,
    grade: &str,
    found_at: &DateTime<Tz>,
) -> Result<Deadline> {
    deadline_for(cal, scheme.grade(grade)?.deadline, found_at)
}

/// Whether a deadline has passed on local date `today` (the deadline day
/// itself is still in time).
pub fn is_overdue(deadline: Deadline, set_on: NaiveDate, today: NaiveDate) -> bool {
    today > deadline.due_date(set_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
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
        ];
        for (found, days, due, why) in cases {
            assert_eq!(add_calendar_days(&cal, d(found), days).unwrap(), d(due), "{why}");
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
            assert_eq!(add_working_days(&cal, d(found), days).unwrap(), d(due), "{why}");
        }
    }

    #[test]
    fn outside_known_years_is_an_error() {
        let cal = HolidayCalendar::bundled();
        assert!(matches!(
            add_calendar_days(&cal, d("2026-12-28"), 7),
            Err(Error::CalendarYearUnknown { year: 2027, .. })
        ));
        assert!(add_working_days(&cal, d("2026-12-30"), 5).is_err());
    }

    #[test]
    fn found_time_is_taken_in_shanghai() {
        let cal = HolidayCalendar::bundled();
        // 2026-03-05 23:30 in Urumqi-style UTC+6 is already 03-06 01:30 in Shanghai.
        let at = FixedOffset::east_opt(6 * 3600).unwrap().with_ymd_and_hms(2026, 3, 5, 23, 30, 0).unwrap();
        assert_eq!(local_date(&at), d("2026-03-06"));
        let dl = deadline_for(&cal, DeadlineRule::CalendarDays(7), &at).unwrap();
        assert_eq!(dl, Deadline::By(d("2026-03-13")));
        assert_eq!(deadline_for(&cal, DeadlineRule::StopImmediately, &at).unwrap(), Deadline::Immediate);
        assert_eq!(deadline_for(&cal, DeadlineRule::WorkingDays(2), &at).unwrap(), Deadline::By(d("2026-03-10")));
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
}
