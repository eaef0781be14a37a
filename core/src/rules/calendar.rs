//! The official working-day calendar of mainland China.
//!
//! Deadlines in enforcement documents are legal periods: when the last day is
//! a day off the period ends on the next working day, and "working days" count
//! the make-up Saturdays and Sundays (调休上班). Those days are decided each
//! year by the State Council, so they come from data
//! (`fixtures/calendars/cn-holidays.toml`), never from a formula, and a date
//! outside the published years is an error rather than a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::error::{Error, Result};

/// The calendar shipped with the app (copied from the official notices).
pub const BUNDLED_CALENDAR: &str = include_str!("../../../fixtures/calendars/cn-holidays.toml");

#[derive(Deserialize)]
struct File {
    year: Vec<YearFile>,
}

#[derive(Deserialize)]
struct YearFile {
    year: i32,
    off: Vec<OffRange>,
    makeup_workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
struct OffRange {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

/// Statutory days off and make-up working days, for the years it knows.
#[derive(Debug, Clone)]
pub struct HolidayCalendar {
    years: BTreeSet<i32>,
    /// Day off -> holiday name.
    off: BTreeMap<NaiveDate, String>,
    makeup: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// The calendar compiled into the library.
    pub fn bundled() -> Self {
        Self::from_toml(BUNDLED_CALENDAR).expect("bundled calendar is valid (tested)")
    }

    /// Loads a calendar file (the format of `fixtures/calendars/cn-holidays.toml`).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)?;
        Self::from_toml(&text).map_err(|e| match e {
            Error::Import { reason, .. } => Error::Import { path: path.display().to_string(), reason },
            other => other,
        })
    }

    /// Parses calendar TOML, checking that every range lies in its year and
    /// that make-up days really are weekend days.
    pub fn from_toml(text: &str) -> Result<Self> {
        let bad = |reason: String| Error::Import { path: "<calendar>".into(), reason };
        let file: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        let mut cal = HolidayCalendar { years: BTreeSet::new(), off: BTreeMap::new(), makeup: BTreeSet::new() };
        for y in file.year {
            if !cal.years.insert(y.year) {
                return Err(bad(format!("year {} listed twice", y.year)));
            }
            for r in y.off {
                if r.from.year() != y.year || r.to < r.from || (r.to - r.from).num_days() > 15 {
                    return Err(bad(format!("range {} {}..{} is not inside {}", r.name, r.from, r.to, y.year)));
                }
                let mut d = r.from;
                while d <= r.to {
                    cal.off.insert(d, r.name.clone());
                    d = d.succ_opt().expect("in range");
                }
            }
            for d in y.makeup_workdays {
                if d.year() != y.year || !is_weekend(d) {
                    return Err(bad(format!("make-up day {d} is not a weekend day of {}", y.year)));
                }
                cal.makeup.insert(d);
            }
        }
        Ok(cal)
    }

    /// The years this calendar covers.
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    fn check_year(&self, date: NaiveDate) -> Result<()> {
        if self.years.contains(&date.year()) {
            Ok(())
        } else {
            Err(Error::CalendarYearUnknown { year: date.year(), known: self.years() })
        }
    }

    /// Whether `date` is a working day (weekday not in a holiday, or a make-up day).
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool> {
        self.check_year(date)?;
        if self.makeup.contains(&date) {
            return Ok(true);
        }
        Ok(!self.off.contains_key(&date) && !is_weekend(date))
    }

    /// The holiday name if `date` is a statutory holiday day off.
    pub fn holiday_name(&self, date: NaiveDate) -> Result<Option<&str>> {
        self.check_year(date)?;
        Ok(self.off.get(&date).map(String::as_str))
    }

    /// The first working day on or after `date`.
    pub fn next_working_day_from(&self, date: NaiveDate) -> Result<NaiveDate> {
        let mut d = date;
        while !self.is_working_day(d)? {
            d = d.succ_opt().ok_or_else(|| Error::validation("date", "out of range"))?;
        }
        Ok(d)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_table() {
        let cal = HolidayCalendar::bundled();
        let cases = [
            ("2026-01-01", false), // 元旦
            ("2026-01-04", true),  // Sunday, make-up working day
            ("2026-02-14", true),  // Saturday, make-up before 春节
            ("2026-02-16", false), // Monday in 春节
            ("2026-02-24", true),  // first day back
            ("2026-03-07", false), // ordinary Saturday
            ("2026-03-09", true),  // ordinary Monday
            ("2026-10-07", false), // 国庆节
            ("2026-10-10", true),  // Saturday make-up
            ("2025-10-08", false), // 国庆节、中秋节 2025
            ("2025-09-28", true),  // Sunday make-up 2025
        ];
        for (date, working) in cases {
            assert_eq!(cal.is_working_day(d(date)).unwrap(), working, "{date}");
        }
        assert_eq!(cal.holiday_name(d("2026-02-17")).unwrap(), Some("春节"));
    }

    #[test]
    fn unknown_year_is_an_error_not_a_guess() {
        let cal = HolidayCalendar::bundled();
        let err = cal.is_working_day(d("2027-03-01")).unwrap_err();
        assert!(matches!(err, Error::CalendarYearUnknown { year: 2027, .. }));
        assert!(cal.is_working_day(d("2024-12-31")).is_err());
    }

    #[test]
    fn rejects_malformed_calendars() {
        let bad_makeup = "[[year]]\nyear = 2026\noff = []\nmakeup_workdays = [\"2026-01-05\"]\n";
        assert!(HolidayCalendar::from_toml(bad_makeup).is_err());
        let wrong_year = "[[year]]\nyear = 2026\noff = [{ name = \"x\", from = \"2025-01-01\", to = \"2025-01-02\" }]\nmakeup_workdays = []\n";
        assert!(HolidayCalendar::from_toml(wrong_year).is_err());
        assert!(HolidayCalendar::from_toml("not toml [").is_err());
    }
}
