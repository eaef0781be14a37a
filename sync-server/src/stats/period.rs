//! A reporting period: a month, a quarter or a year, with the period before
//! it (环比) and the same period a year earlier (同比).

use chrono::{Datelike, NaiveDate};

/// How long a period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodKind {
    /// 月.
    Month,
    /// 季度.
    Quarter,
    /// 年.
    Year,
}

/// One period: `n` is the month (1–12) or quarter (1–4); 1 for a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// Its length.
    pub kind: PeriodKind,
    /// The year.
    pub year: i32,
    /// The month or quarter.
    pub n: u32,
}

impl Period {
    /// The period of `kind` that holds `day`.
    pub fn holding(kind: PeriodKind, day: NaiveDate) -> Self {
        let n = match kind {
            PeriodKind::Month => day.month(),
            PeriodKind::Quarter => (day.month() - 1) / 3 + 1,
            PeriodKind::Year => 1,
        };
        Period { kind, year: day.year(), n }
    }

    /// From a query (`kind` = month/quarter/year); `None` for nonsense.
    pub fn parse(kind: &str, year: i32, n: u32) -> Option<Self> {
        let kind = match kind {
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "year" => PeriodKind::Year,
            _ => return None,
        };
        let ok = match kind {
            PeriodKind::Month => (1..=12).contains(&n),
            PeriodKind::Quarter => (1..=4).contains(&n),
            PeriodKind::Year => true,
        };
        (ok && (2000..=2100).contains(&year)).then_some(Period {
            kind,
            year,
            n: if kind == PeriodKind::Year { 1 } else { n },
        })
    }

    /// The query-string value of its kind.
    pub fn kind_code(&self) -> &'static str {
        match self.kind {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    /// Its first and last day.
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        let (first_month, months) = match self.kind {
            PeriodKind::Month => (self.n, 1),
            PeriodKind::Quarter => ((self.n - 1) * 3 + 1, 3),
            PeriodKind::Year => (1, 12),
        };
        let start = NaiveDate::from_ymd_opt(self.year, first_month, 1).expect("a valid month");
        let end =
            start.checked_add_months(chrono::Months::new(months)).expect("in range").pred_opt().expect("in range");
        (start, end)
    }

    /// The period just before (环比).
    pub fn previous(&self) -> Self {
        let (start, _) = self.range();
        Period::holding(self.kind, start.pred_opt().expect("in range"))
    }

    /// The same period a year earlier (同比).
    pub fn year_ago(&self) -> Self {
        Period { year: self.year - 1, ..*self }
    }

    /// How it is written: 2026年12月, 2026年第4季度, 2026年.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}年{}月", self.year, self.n),
            PeriodKind::Quarter => format!("{}年第{}季度", self.year, self.n),
            PeriodKind::Year => format!("{}年", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_know_their_days_their_predecessor_and_last_year() {
        let d: NaiveDate = "2026-02-14".parse().unwrap();
        let m = Period::holding(PeriodKind::Month, d);
        assert_eq!(m.range(), ("2026-02-01".parse().unwrap(), "2026-02-28".parse().unwrap()));
        assert_eq!(m.previous().label(), "2026年1月");
        let q = Period::holding(PeriodKind::Quarter, "2026-01-05".parse().unwrap());
        assert_eq!(q.previous().label(), "2025年第4季度");
        assert_eq!(q.year_ago().range().1, "2025-03-31".parse::<NaiveDate>().unwrap());
        assert_eq!(Period::parse("year", 2026, 0).unwrap().range().1, "2026-12-31".parse::<NaiveDate>().unwrap());
        assert!(Period::parse("month", 2026, 13).is_none() && Period::parse("week", 2026, 1).is_none());
    }
}
