//! Office-owned data the legal rules consult: the official holiday
//! calendars and the grade schemes of regions. The office imports them and
//! they reach devices by sync; what is compiled in only bootstraps a device
//! that has never synced. Rules take this as plain data and never read it
//! themselves.

pub mod calendar_doc;

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::rules::calendar::HolidayCalendar;
use crate::rules::grades::GradeScheme;

/// The calendars and grade schemes one device or server knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeData {
    /// The official calendars held (bundled years, then synced ones).
    pub calendar: HolidayCalendar,
    schemes: BTreeMap<String, GradeScheme>,
}

impl Default for OfficeData {
    /// The compiled-in bootstrap: the bundled calendars and the two
    /// national schemes.
    fn default() -> Self {
        let mut data = OfficeData { calendar: HolidayCalendar::bundled(), schemes: BTreeMap::new() };
        data.put_scheme(GradeScheme::three_level());
        data.put_scheme(GradeScheme::major_general());
        data
    }
}

impl OfficeData {
    /// Adds or replaces a grade scheme.
    pub fn put_scheme(&mut self, scheme: GradeScheme) {
        self.schemes.insert(scheme.id.clone(), scheme);
    }

    /// The scheme with this id.
    pub fn scheme(&self, id: &str) -> Result<&GradeScheme> {
        self.schemes.get(id).ok_or_else(|| Error::NotFound { kind: "grade scheme", id: id.to_string() })
    }

    /// Every scheme held, by id.
    pub fn schemes(&self) -> impl Iterator<Item = &GradeScheme> {
        self.schemes.values()
    }
}
