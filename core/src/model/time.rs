//! Instants as recorded on site: a local time with its UTC offset, because a
//! legal record must show the time the inspector's device showed, and the
//! offset makes it unambiguous.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A point in time with the offset it was recorded in (RFC 3339 in storage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// Now, in China Standard Time (UTC+8).
    pub fn now() -> Self {
        Timestamp(Utc::now().with_timezone(&china_offset()))
    }

    /// Parses RFC 3339 text.
    pub fn parse(s: &str) -> Result<Self> {
        DateTime::parse_from_rfc3339(s)
            .map(Timestamp)
            .map_err(|_| Error::validation("timestamp", format!("{s:?} is not RFC 3339")))
    }

    /// Milliseconds since the Unix epoch (what automerge change times hold).
    pub fn unix_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// From Unix milliseconds, shown at UTC+8.
    pub fn from_unix_millis(ms: i64) -> Self {
        let utc = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        Timestamp(utc.with_timezone(&china_offset()))
    }
}

/// The local date in Asia/Shanghai of an instant recorded with any offset
/// (the date every legal period counts from).
pub fn local_date<Tz: chrono::TimeZone>(at: &DateTime<Tz>) -> chrono::NaiveDate {
    at.with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// UTC+8, the offset of Asia/Shanghai (no DST since 1991).
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339())
    }
}

impl autosurgeon::Reconcile for Timestamp {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.0.to_rfc3339())
    }
}

impl autosurgeon::Hydrate for Timestamp {
    fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
        Timestamp::parse(s).map_err(|e| autosurgeon::HydrateError::unexpected("RFC 3339 timestamp", e.to_string()))
    }
}

/// A calendar day in China (a deadline, a completion date), stored in
/// documents as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Day(pub chrono::NaiveDate);

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl autosurgeon::Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.0.to_string())
    }
}

impl autosurgeon::Hydrate for Day {
    fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
        s.parse().map(Day).map_err(|_| autosurgeon::HydrateError::unexpected("YYYY-MM-DD", s.to_string()))
    }
}
