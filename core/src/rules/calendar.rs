//! The official working-day calendar of mainland China.
//!
//! Deadlines in enforcement documents are legal periods: when the last day is
//! a day off the period ends on the next working day, and "working days" count
//! the make-up Saturdays and Sundays (调休上班). Those days are decided each
//! year by the State Council, so they come from data, never from a formula.
//!
//! The office imports each year's notice (`lianjian-sync-server
//! import-calendar`) and it reaches devices by sync; the years compiled in
//! (`fixtures/calendars/cn-holidays.toml`) only bootstrap a device that has
//! never synced. A date in a year without a calendar is not an error: the
//! fallback rule (weekends off, no holidays) answers and says it is
//! provisional, so an inspector can always record a hazard.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

/// The calendar shipped with the app (copied from the official notices).
pub const BUNDLED_CALENDAR: &str = include_str!("../../../fixtures/calendars/cn-holidays.toml");

/// A calendar file that cannot be used, with the line at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct CalendarError {
    /// 1-based line in the file, when the fault has a place.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    year: Vec<Spanned<YearFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: Option<Spanned<String>>,
    published: Option<Spanned<NaiveDate>>,
    off: Vec<Spanned<OffRange>>,
    makeup_workdays: Vec<Spanned<NaiveDate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffRange {
    name: String,
    from: Spanned<NaiveDate>,
    to: Spanned<NaiveDate>,
}

/// One year's official arrangement, as published in one notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// The notice it comes from, e.g. 国办发明电〔2025〕7号.
    pub source: String,
    /// The notice's date.
    pub published: NaiveDate,
    /// Day off -> holiday name.
    off: BTreeMap<NaiveDate, String>,
    makeup: BTreeSet<NaiveDate>,
}

impl CalendarYear {
    /// Parses an office import: a file holding exactly one year, with its
    /// source notice and date, every date inside that year, no date both off
    /// and a working day.
    pub fn parse_import(text: &str) -> Result<Self, CalendarError> {
        let mut years = parse_years(text)?;
        match years.len() {
            1 => Ok(years.remove(0)),
            n => Err(CalendarError {
                line: None, reason: format!("一个文件只能包含一个年度，此文件包含 {n} 个")
            }),
        }
    }

    /// Days off and their holiday names, in date order.
    pub fn days_off(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.off.iter().map(|(d, n)| (*d, n.as_str()))
    }

    /// Make-up working days, in date order.
    pub fn makeup_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.makeup.iter().copied()
    }
}

fn line_of(text: &str, span: std::ops::Range<usize>) -> Option<usize> {
    Some(text.get(..span.start)?.matches('\n').count() + 1)
}

fn parse_years(text: &str) -> Result<Vec<CalendarYear>, CalendarError> {
    let file: File = toml::from_str(text).map_err(|e| CalendarError {
        line: e.span().and_then(|s| line_of(text, s)),
        reason: e.message().to_string(),
    })?;
    let mut out: Vec<CalendarYear> = Vec::new();
    for spanned in file.year {
        let at = |span: std::ops::Range<usize>, reason: String| CalendarError { line: line_of(text, span), reason };
        let year_span = spanned.span();
        let y = spanned.into_inner();
        if out.iter().any(|c| c.year == y.year) {
            return Err(at(year_span, format!("{} 年重复出现", y.year)));
        }
        let source = y
            .source
            .filter(|s| !s.get_ref().trim().is_empty())
            .ok_or_else(|| {
                at(year_span.clone(), format!("{} 年缺少来源文号（source，如 国办发明电〔2024〕12号）", y.year))
            })?
            .into_inner();
        let published =
            y.published.ok_or_else(|| at(year_span.clone(), format!("{} 年缺少通知日期（published）", y.year)))?;
        if published.get_ref().year() > y.year {
            return Err(at(published.span(), format!("通知日期 {} 晚于 {} 年", published.get_ref(), y.year)));
        }
        let mut cal = CalendarYear {
            year: y.year,
            source,
            published: published.into_inner(),
            off: BTreeMap::new(),
            makeup: BTreeSet::new(),
        };
        for r in y.off {
            let span = r.span();
            let r = r.into_inner();
            let (from, to) = (*r.from.get_ref(), *r.to.get_ref());
            for d in [&r.from, &r.to] {
                if d.get_ref().year() != y.year {
                    return Err(at(d.span(), format!("日期 {} 不在 {} 年内", d.get_ref(), y.year)));
                }
            }
            if to < from || (to - from).num_days() > 15 {
                return Err(at(span, format!("{} 的起止日期 {from}..{to} 不合理", r.name)));
            }
            let mut d = from;
            while d <= to {
                if cal.off.insert(d, r.name.clone()).is_some() {
                    return Err(at(span, format!("日期 {d} 重复列为休息日")));
                }
                d = d.succ_opt().expect("inside the year");
            }
        }
        for d in y.makeup_workdays {
            let date = *d.get_ref();
            if date.year() != y.year {
                return Err(at(d.span(), format!("调休上班日 {date} 不在 {} 年内", y.year)));
            }
            if !is_weekend(date) {
                return Err(at(d.span(), format!("调休上班日 {date} 不是周六或周日")));
            }
            if cal.off.contains_key(&date) {
                return Err(at(d.span(), format!("日期 {date} 既是休息日又是调休上班日")));
            }
            if !cal.makeup.insert(date) {
                return Err(at(d.span(), format!("调休上班日 {date} 重复")));
            }
        }
        out.push(cal);
    }
    Ok(out)
}

/// What a calendar says of one date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day {
    /// Whether it is a working day.
    pub working: bool,
    /// Whether an official calendar decided it; `false` means the fallback
    /// rule (weekends off, no holidays) did, for a year without a calendar.
    pub official: bool,
}

/// Statutory days off and make-up working days, for the years it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeMap<i32, CalendarYear>,
}

impl HolidayCalendar {
    /// The calendar compiled into the library: the bootstrap for a device
    /// that has never synced.
    pub fn bundled() -> Self {
        Self::from_toml(BUNDLED_CALENDAR).expect("bundled calendar is valid (tested)")
    }

    /// Parses a calendar file with one or more years (the format of
    /// `fixtures/calendars/cn-holidays.toml`).
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let mut cal = HolidayCalendar::default();
        for y in parse_years(text)? {
            cal.insert(y);
        }
        Ok(cal)
    }

    /// Adds a year, replacing what was held for it; returns the replaced one.
    pub fn insert(&mut self, year: CalendarYear) -> Option<CalendarYear> {
        self.years.insert(year.year, year)
    }

    /// The years this calendar covers.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// One year's arrangement, if held.
    pub fn year(&self, year: i32) -> Option<&CalendarYear> {
        self.years.get(&year)
    }

    /// Whether `date` is a working day, and whether an official calendar said so.
    pub fn day(&self, date: NaiveDate) -> Day {
        match self.years.get(&date.year()) {
            Some(y) => Day {
                working: y.makeup.contains(&date) || (!y.off.contains_key(&date) && !is_weekend(date)),
                official: true,
            },
            None => Day { working: !is_weekend(date), official: false },
        }
    }

    /// The holiday name if `date` is an official statutory day off.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.years.get(&date.year())?.off.get(&date).map(String::as_str)
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
            ("2025-12-31", true),  // last day of 2025, a Wednesday
        ];
        for (date, working) in cases {
            assert_eq!(cal.day(d(date)), Day { working, official: true }, "{date}");
        }
        assert_eq!(cal.holiday_name(d("2026-02-17")), Some("春节"));
        assert_eq!(cal.year(2025).unwrap().source, "国办发明电〔2024〕12号");
    }

    #[test]
    fn unknown_year_falls_back_to_weekends_and_says_so() {
        let cal = HolidayCalendar::bundled();
        // 2027-01-01 is a Friday: a working day by the fallback rule.
        assert_eq!(cal.day(d("2027-01-01")), Day { working: true, official: false });
        assert_eq!(cal.day(d("2027-01-02")), Day { working: false, official: false });
        assert_eq!(cal.day(d("2024-12-31")), Day { working: true, official: false });
        assert_eq!(cal.holiday_name(d("2027-01-01")), None);
    }

    fn one_year(body: &str) -> String {
        format!("[[year]]\nyear = 2027\nsource = \"测试\"\npublished = \"2026-11-10\"\n{body}")
    }

    #[test]
    fn import_errors_name_the_line() {
        let cases = [
            (one_year("off = []\nmakeup_workdays = [\"2027-01-05\"]\n"), 6, "不是周六或周日"),
            (one_year("off = [{ name = \"x\", from = \"2026-12-31\", to = \"2027-01-01\" }]\nmakeup_workdays = []\n"), 5, "不在 2027 年内"),
            (
                one_year("off = [\n { name = \"a\", from = \"2027-01-01\", to = \"2027-01-02\" },\n { name = \"b\", from = \"2027-01-02\", to = \"2027-01-03\" },\n]\nmakeup_workdays = []\n"),
                7,
                "重复列为休息日",
            ),
            (
                one_year("off = [{ name = \"a\", from = \"2027-02-06\", to = \"2027-02-07\" }]\nmakeup_workdays = [\"2027-02-06\"]\n"),
                6,
                "既是休息日又是调休上班日",
            ),
            ("[[year]]\nyear = 2027\npublished = \"2026-11-10\"\noff = []\nmakeup_workdays = []\n".into(), 1, "缺少来源文号"),
            ("[[year]]\nyear = 2027\nsource = \"x\"\noff = []\nmakeup_workdays = []\n".into(), 1, "缺少通知日期"),
            ("[[year]]\nyear = 2027\nsource = \"x\"\npublished = \"2026-13-01\"\n".into(), 4, ""),
        ];
        for (text, line, words) in cases {
            let err = CalendarYear::parse_import(&text).unwrap_err();
            assert_eq!(err.line, Some(line), "{err} in\n{text}");
            assert!(err.reason.contains(words), "{err}");
        }
        let two = format!(
            "{}\n{}",
            one_year("off = []\nmakeup_workdays = []\n"),
            one_year("off = []\nmakeup_workdays = []\n").replace("2027", "2028")
        );
        assert!(CalendarYear::parse_import(&two).unwrap_err().reason.contains("只能包含一个年度"));
        assert!(HolidayCalendar::from_toml("not toml [").is_err());
    }

    #[test]
    fn the_test_calendar_for_2027_imports() {
        let text = std::fs::read_to_string(crate::import::fixtures_dir().join("calendars/test-2027.toml")).unwrap();
        let y = CalendarYear::parse_import(&text).unwrap();
        assert_eq!(y.year, 2027);
        let mut cal = HolidayCalendar::bundled();
        assert!(cal.insert(y).is_none());
        assert_eq!(cal.day(d("2027-01-01")), Day { working: false, official: true });
    }
}
