//! Loading the office's files: enterprise lists (JSON) and checklist versions
//! (TOML), in the formats documented by `fixtures/schema/`. The same code
//! seeds the demo and, later, the server's import command, so a file that a
//! person edited by hand gets a precise error (file, item, field) instead of
//! a half-imported catalogue.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{ChecklistTemplate, Enterprise, ItemKind, Threshold};
use crate::rules::grades::GradeScheme;

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Import { path: path.display().to_string(), reason: e.to_string() })
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::Import { path: path.display().to_string(), reason: reason.into() }
}

/// Parses an enterprise list; every credit code is validated and ids and
/// codes must be unique.
pub fn parse_enterprises(text: &str, path: &Path) -> Result<Vec<Enterprise>> {
    let list: Vec<Enterprise> = serde_json::from_str(text).map_err(|e| bad(path, e.to_string()))?;
    let mut ids = HashSet::new();
    let mut codes = HashSet::new();
    for e in &list {
        if !ids.insert(e.id) {
            return Err(bad(path, format!("duplicate enterprise id {}", e.id)));
        }
        if !codes.insert(e.credit_code.clone()) {
            return Err(bad(path, format!("duplicate credit code {}", e.credit_code)));
        }
        if e.name.trim().is_empty() {
            return Err(bad(path, format!("enterprise {} has no name", e.id)));
        }
    }
    Ok(list)
}

/// Loads `enterprises.json`.
pub fn load_enterprises(path: &Path) -> Result<Vec<Enterprise>> {
    parse_enterprises(&read(path)?, path)
}

/// Parses one checklist version and checks it against the grade scheme.
pub fn parse_checklist(text: &str, path: &Path, scheme: &GradeScheme) -> Result<ChecklistTemplate> {
    let t: ChecklistTemplate = toml::from_str(text).map_err(|e| bad(path, e.to_string()))?;
    if t.version == 0 {
        return Err(bad(path, "version numbers start at 1"));
    }
    let mut codes = HashSet::new();
    for item in t.items() {
        let at = |reason: String| bad(path, format!("item {}: {reason}", item.code));
        if !codes.insert(item.code.as_str()) {
            return Err(at("duplicate code".into()));
        }
        scheme.grade(&item.default_grade).map_err(|e| at(e.to_string()))?;
        match &item.kind {
            ItemKind::Measurement { unit, threshold } => {
                if unit.trim().is_empty() {
                    return Err(at("a measurement needs a unit".into()));
                }
                if let Threshold::Between { min, max } = threshold {
                    if min > max {
                        return Err(at("threshold min is above max".into()));
                    }
                }
            }
            ItemKind::SingleChoice { options, failing } | ItemKind::MultipleChoice { options, failing } => {
                if let Some(f) = failing.iter().find(|f| !options.contains(f)) {
                    return Err(at(format!("failing option {f:?} is not an option")));
                }
            }
            _ => {}
        }
    }
    if codes.is_empty() {
        return Err(bad(path, "a checklist needs at least one item"));
    }
    Ok(t)
}

/// Loads one checklist file.
pub fn load_checklist(path: &Path, scheme: &GradeScheme) -> Result<ChecklistTemplate> {
    parse_checklist(&read(path)?, path, scheme)
}

/// Loads every `*.toml` in a folder, sorted by file name.
pub fn load_checklists(dir: &Path, scheme: &GradeScheme) -> Result<Vec<ChecklistTemplate>> {
    toml_files(dir)?.iter().map(|p| load_checklist(p, scheme)).collect()
}

/// The region files in a folder (`*.toml`, sorted); an absent folder has none.
pub fn region_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(vec![]);
    }
    toml_files(dir)
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| bad(dir, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The repository's `fixtures/` folder (for tests, benches and the demo).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fixtures")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RiskColour;

    #[test]
    fn fixture_enterprises_load() {
        let list = load_enterprises(&fixtures_dir().join("enterprises.json")).unwrap();
        assert!(list.len() >= 50);
        for colour in RiskColour::ALL {
            assert!(list.iter().any(|e| e.risk == *colour), "no {colour} enterprise");
        }
        let industries: HashSet<&str> = list.iter().map(|e| e.industry.as_str()).collect();
        assert!(industries.len() >= 7);
        let grids: HashSet<&str> = list.iter().map(|e| e.grid.as_str()).collect();
        assert!(grids.len() >= 10);
    }

    #[test]
    fn fixture_checklists_load() {
        let scheme = GradeScheme::three_level();
        let all = load_checklists(&fixtures_dir().join("checklists"), &scheme).unwrap();
        let industries: HashSet<&str> = all.iter().map(|c| c.industry.as_str()).collect();
        for want in [
            "hazardous_chemicals",
            "construction",
            "mining",
            "road_transport",
            "special_equipment",
            "fire_safety",
            "industry_trade",
        ] {
            assert!(industries.contains(want), "missing {want}");
        }
        for c in &all {
            assert!(c.items().count() >= 15, "{} has {} items", c.title, c.items().count());
            assert!(
                c.items().any(|i| matches!(i.kind, ItemKind::Measurement { .. })),
                "{} has no measurement",
                c.title
            );
            assert!(c.items().all(|i| !i.legal_basis.article.is_empty()));
        }
    }

    #[test]
    fn bad_files_give_precise_errors() {
        let p = Path::new("x.json");
        let e = parse_enterprises(
            r#"[{"id":"0193a000-0001-7000-8000-000000000001","credit_code":"91350100M000100Y44"}]"#,
            p,
        )
        .unwrap_err();
        assert!(e.to_string().contains("check character"), "{e}");
        let good = std::fs::read_to_string(fixtures_dir().join("enterprises.json")).unwrap();
        let list: Vec<serde_json::Value> = serde_json::from_str(&good).unwrap();
        let dup = serde_json::to_string(&vec![list[0].clone(), list[0].clone()]).unwrap();
        assert!(parse_enterprises(&dup, p).unwrap_err().to_string().contains("duplicate"));

        let scheme = GradeScheme::three_level();
        let text = std::fs::read_to_string(fixtures_dir().join("checklists/mining.toml")).unwrap();
        let wrong_grade = text.replacen("default_grade = \"一级\"", "default_grade = \"特级\"", 1);
        let e = parse_checklist(&wrong_grade, Path::new("mining.toml"), &scheme).unwrap_err();
        assert!(e.to_string().contains("KS-01") && e.to_string().contains("特级"), "{e}");
        let dup_code = text.replace("code = \"KS-02\"", "code = \"KS-01\"");
        assert!(parse_checklist(&dup_code, Path::new("m"), &scheme).unwrap_err().to_string().contains("duplicate"));
        let unknown_field = text.replacen("major_hazard_criterion = true", "major_hazard = true", 1);
        assert!(parse_checklist(&unknown_field, Path::new("m"), &scheme).is_err());
    }
}
