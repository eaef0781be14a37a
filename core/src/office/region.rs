//! A region's rules as office data: which enterprises it covers (by the
//! prefix of their grid, e.g. 赤壁市) and the grade scheme its findings use.
//! The enterprise's region selects the scheme when an inspection is
//! created; an enterprise in no region keeps the device's default scheme.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::rules::grades::GradeScheme;

/// One region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Stable id, e.g. `chibi`.
    pub id: String,
    /// Display name, e.g. 赤壁市.
    pub name: String,
    /// Grid prefixes of the enterprises it covers.
    pub grid_prefixes: Vec<String>,
    /// The grade scheme its findings use.
    pub scheme: GradeScheme,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFile {
    id: String,
    name: String,
    grid_prefixes: Vec<String>,
    scheme: toml::Value,
}

impl Region {
    /// Parses a region file (`fixtures/regions/*.toml`) and checks it.
    pub fn from_toml(text: &str) -> Result<Self> {
        let bad = |reason: String| Error::Import { path: "<region>".into(), reason };
        let file: RegionFile = toml::from_str(text).map_err(|e| bad(e.message().to_string()))?;
        if file.id.trim().is_empty() || file.name.trim().is_empty() {
            return Err(bad("区域须有 id 和名称".into()));
        }
        if file.grid_prefixes.is_empty() || file.grid_prefixes.iter().any(|p| p.trim().is_empty()) {
            return Err(bad("区域须列出所辖网格前缀".into()));
        }
        let scheme = GradeScheme::from_toml(&toml::to_string(&file.scheme).map_err(|e| bad(e.to_string()))?)?;
        Ok(Region { id: file.id, name: file.name, grid_prefixes: file.grid_prefixes, scheme })
    }

    /// How well this region covers `grid`: the length of its longest
    /// matching prefix, if any.
    pub fn covers(&self, grid: &str) -> Option<usize> {
        self.grid_prefixes.iter().filter(|p| grid.starts_with(p.as_str())).map(|p| p.len()).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::grades::DeadlineRule;

    #[test]
    fn the_fixture_region() {
        let text = std::fs::read_to_string(crate::import::fixtures_dir().join("regions/chibi.toml")).unwrap();
        let r = Region::from_toml(&text).unwrap();
        assert_eq!(r.scheme.grade("一般").unwrap().deadline, DeadlineRule::WorkingDays(10));
        assert!(r.scheme.grade("重大").unwrap().major);
        assert!(r.covers("赤壁市蒲圻街道第6网格").is_some());
        assert!(r.covers("咸安区温泉街道第4网格").is_none());
        assert!(Region::from_toml(&text.replace("grid_prefixes = [\"赤壁市\"]", "grid_prefixes = []")).is_err());
        assert!(Region::from_toml("id = 1").is_err());
    }
}
