//! Which industries each department's inspectors oversee: the office's
//! division of duties (职责分工), as office data. The server sends an
//! inspector the enterprise files and checklists of their department's
//! industries (within their grid, when the office gave them one) and the
//! inspections they are on, not the whole province.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::Department;

/// The division of duties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// Where the division comes from (the office's notice).
    pub source: String,
    /// Industries by department code.
    pub departments: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeFile {
    source: String,
    departments: BTreeMap<String, Vec<String>>,
}

impl Scope {
    /// Parses a scope file (`fixtures/scopes/*.toml`) and checks it: known
    /// departments, each with at least one industry.
    pub fn from_toml(text: &str) -> Result<Self> {
        let bad = |reason: String| Error::Import { path: "<scope>".into(), reason };
        let file: ScopeFile = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        if file.source.trim().is_empty() {
            return Err(bad("职责分工须注明依据（source）".into()));
        }
        let mut departments = BTreeMap::new();
        for (dept, industries) in file.departments {
            Department::from_code(&dept).map_err(|_| bad(format!("未知部门 {dept}")))?;
            if industries.is_empty() || industries.iter().any(|i| i.trim().is_empty()) {
                return Err(bad(format!("部门 {dept} 须列出所管行业")));
            }
            departments.insert(dept, industries.into_iter().collect());
        }
        if departments.is_empty() {
            return Err(bad("职责分工为空".into()));
        }
        Ok(Scope { source: file.source, departments })
    }

    /// Whether inspectors of `department` oversee `industry`.
    pub fn oversees(&self, department: Option<&str>, industry: &str) -> bool {
        department.and_then(|d| self.departments.get(d)).is_some_and(|set| set.contains(industry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_parses_and_bad_files_are_refused() {
        let text = std::fs::read_to_string(crate::import::fixtures_dir().join("scopes/departments.toml")).unwrap();
        let scope = Scope::from_toml(&text).unwrap();
        assert!(scope.oversees(Some("housing_construction"), "construction"));
        assert!(!scope.oversees(Some("housing_construction"), "mining"));
        assert!(!scope.oversees(None, "mining"));
        for bad in [
            "source = \"x\"\n[departments]\nnowhere = [\"mining\"]",
            "source = \"x\"\n[departments]\nfire_rescue = []",
            "source = \"\"\n[departments]\nfire_rescue = [\"fire_safety\"]",
            "source = \"x\"\n[departments]",
        ] {
            assert!(Scope::from_toml(bad).is_err(), "{bad}");
        }
    }
}
