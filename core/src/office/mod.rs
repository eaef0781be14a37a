//! Office-owned data the legal rules consult: the official holiday
//! calendars and the grade schemes of regions. The office imports them and
//! they reach devices by sync; what is compiled in only bootstraps a device
//! that has never synced. Rules take this as plain data and never read it
//! themselves.

pub mod documents;
pub mod font;
pub mod region;
pub mod scope;
pub mod template;

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::Enterprise;
use crate::rules::calendar::HolidayCalendar;
use crate::rules::grades::GradeScheme;
use region::Region;

/// The calendars, grade schemes and regions one device or server knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeData {
    /// The official calendars held (bundled years, then synced ones).
    pub calendar: HolidayCalendar,
    schemes: BTreeMap<String, GradeScheme>,
    regions: BTreeMap<String, Region>,
    /// The division of duties, once the office imported one (the server
    /// scopes what inspectors receive by it).
    pub scope: Option<scope::Scope>,
    /// The office's document template sets, by document id.
    pub templates: BTreeMap<String, template::TemplateBundle>,
    /// The office's imported fonts, by document id.
    pub fonts: BTreeMap<String, font::FontRef>,
    /// The closed loop's time rules (when the 复查 is due).
    pub loop_rules: crate::rules::lifecycle::LoopRules,
}

impl Default for OfficeData {
    /// The compiled-in bootstrap: the bundled calendars and the two
    /// national schemes.
    fn default() -> Self {
        let mut data = OfficeData {
            calendar: HolidayCalendar::bundled(),
            schemes: BTreeMap::new(),
            regions: BTreeMap::new(),
            scope: None,
            templates: BTreeMap::new(),
            fonts: BTreeMap::new(),
            loop_rules: Default::default(),
        };
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

    /// Adds or replaces a region, and its scheme.
    pub fn put_region(&mut self, region: Region) {
        self.put_scheme(region.scheme.clone());
        self.regions.insert(region.id.clone(), region);
    }

    /// The region covering an enterprise (the longest matching grid prefix).
    pub fn region_of(&self, enterprise: &Enterprise) -> Option<&Region> {
        self.regions
            .values()
            .filter_map(|r| r.covers(&enterprise.grid).map(|n| (n, r)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, r)| r)
    }
}
