//! The one injected clock. Every rule that needs "now" (a finding's time, a
//! deadline's start, "is it overdue today") takes it from a [`Clock`] passed
//! in, so the field behaves the same on any date and tests pin the date they
//! mean instead of depending on the day they run.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::NaiveDate;

use crate::model::time::local_date;
use crate::model::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant (China Standard Time offset).
    fn now(&self) -> Timestamp;

    /// Today's local date in Asia/Shanghai.
    fn today(&self) -> NaiveDate {
        local_date(&self.now().0)
    }
}

/// The device's (or server's) system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that shows a set instant until moved: for tests, previews and
/// demos. Shared between threads; moving it is visible to every holder.
#[derive(Debug)]
pub struct FixedClock {
    millis: AtomicI64,
}

impl FixedClock {
    /// A clock standing at `at`.
    pub fn at(at: Timestamp) -> Self {
        FixedClock { millis: AtomicI64::new(at.unix_millis()) }
    }

    /// A clock standing at an RFC 3339 instant; panics on bad text (tests).
    pub fn parse(rfc3339: &str) -> Self {
        Self::at(Timestamp::parse(rfc3339).expect("valid RFC 3339"))
    }

    /// Moves the clock to `at` (backwards too: device clocks do that).
    pub fn set(&self, at: Timestamp) {
        self.millis.store(at.unix_millis(), Ordering::SeqCst);
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance_millis(&self, ms: i64) {
        self.millis.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_millis(self.millis.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_stands_and_moves() {
        let c = FixedClock::parse("2026-12-31T23:30:00+08:00");
        assert_eq!(c.today().to_string(), "2026-12-31");
        c.advance_millis(60 * 60 * 1000);
        assert_eq!(c.today().to_string(), "2027-01-01");
        c.set(Timestamp::parse("2026-12-20T09:00:00+08:00").unwrap());
        assert_eq!(c.now().to_string(), "2026-12-20T09:00:00+08:00");
    }

    #[test]
    fn utc_evening_is_the_next_day_in_shanghai() {
        let c = FixedClock::parse("2026-12-16T17:00:00Z");
        assert_eq!(c.today().to_string(), "2026-12-17");
    }
}
