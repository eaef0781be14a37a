//! The office's rule data as the device holds it: which years' official
//! holiday calendars it has, and from which notice, so a screen can say why
//! a deadline is still provisional.

use crate::error::ApiResult;
use crate::store::LianjianStore;

/// One year's official calendar on this device.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CalendarYearInfo {
    /// The year.
    pub year: i32,
    /// The State Council notice it comes from.
    pub source: String,
    /// Whether it arrived from the office by sync (rather than with the app).
    pub synced: bool,
}

#[uniffi::export]
impl LianjianStore {
    /// The years whose official calendar this device holds; deadlines in
    /// other years are provisional until the office's import arrives.
    pub fn calendars(&self) -> ApiResult<Vec<CalendarYearInfo>> {
        Ok(self
            .core()
            .calendars()?
            .into_iter()
            .map(|c| CalendarYearInfo { year: c.year, source: c.source, synced: c.synced })
            .collect())
    }
}
