//! Checklist templates (检查表). A template version is immutable once
//! published: an inspection records the exact versions it used, so a finding
//! can always be traced to the wording and legal basis in force that day.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::ids::ChecklistId;

/// A legal basis (法律依据): the law or standard and the article.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// Title of the law, regulation or standard, e.g. 《中华人民共和国安全生产法》.
    pub law: String,
    /// Article or clause, e.g. 第四十二条.
    pub article: String,
}

impl LegalBasis {
    /// The form written in documents: law + article.
    pub fn cite(&self) -> String {
        format!("{}{}", self.law, self.article)
    }
}

/// Comparison of a measured value with its limit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Threshold {
    /// value <= limit.
    AtMost {
        /// The limit.
        limit: f64,
    },
    /// value < limit.
    Below {
        /// The limit.
        limit: f64,
    },
    /// value >= limit.
    AtLeast {
        /// The limit.
        limit: f64,
    },
    /// value > limit.
    Above {
        /// The limit.
        limit: f64,
    },
    /// min <= value <= max.
    Between {
        /// Lower limit.
        min: f64,
        /// Upper limit.
        max: f64,
    },
}

impl Threshold {
    /// Whether `value` satisfies the threshold.
    pub fn accepts(&self, value: f64) -> bool {
        match *self {
            Threshold::AtMost { limit } => value <= limit,
            Threshold::Below { limit } => value < limit,
            Threshold::AtLeast { limit } => value >= limit,
            Threshold::Above { limit } => value > limit,
            Threshold::Between { min, max } => (min..=max).contains(&value),
        }
    }

    /// Human form with a unit, e.g. `≤ 10 Ω`.
    pub fn describe(&self, unit: &str) -> String {
        match *self {
            Threshold::AtMost { limit } => format!("≤ {limit} {unit}"),
            Threshold::Below { limit } => format!("< {limit} {unit}"),
            Threshold::AtLeast { limit } => format!("≥ {limit} {unit}"),
            Threshold::Above { limit } => format!("> {limit} {unit}"),
            Threshold::Between { min, max } => format!("{min}–{max} {unit}"),
        }
    }
}

/// What kind of answer an item takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ItemKind {
    /// 符合 / 不符合 / 不适用.
    YesNo,
    /// A reading from an instrument, failed automatically when out of range.
    Measurement {
        /// Unit, e.g. `Ω`, `s`, `%LEL`.
        unit: String,
        /// The acceptable range.
        threshold: Threshold,
    },
    /// Exactly one option.
    SingleChoice {
        /// The options.
        options: Vec<String>,
        /// Options that mean the item fails.
        failing: Vec<String>,
    },
    /// Any number of options.
    MultipleChoice {
        /// The options.
        options: Vec<String>,
        /// Options any of which means the item fails.
        failing: Vec<String>,
    },
    /// Free text, judged by the inspector.
    Text,
    /// A photo is required; the inspector judges what it shows.
    Photo,
}

/// One checklist item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Code unique within the template, e.g. `WHP-05`.
    pub code: String,
    /// What to check, in the inspector's words.
    pub text: String,
    /// The provision it implements.
    pub legal_basis: LegalBasis,
    /// Answer kind.
    pub kind: ItemKind,
    /// Grade proposed when the item fails (a code of the region's scheme).
    pub default_grade: String,
    /// Whether a failure is a major hazard by the official criterion.
    #[serde(default)]
    pub major_hazard_criterion: bool,
}

/// A section of a checklist (资料检查, 现场检查, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct ChecklistSection {
    /// Section title.
    pub title: String,
    /// Items in order.
    pub items: Vec<ChecklistItem>,
}

/// One immutable version of a checklist template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(deny_unknown_fields)]
pub struct ChecklistTemplate {
    /// Template id, stable across versions.
    pub id: ChecklistId,
    /// Version number, increasing.
    pub version: u32,
    /// Industry code (e.g. `hazardous_chemicals`).
    pub industry: String,
    /// Title, e.g. 危险化学品企业安全检查表.
    pub title: String,
    /// The official criteria this template implements.
    pub sources: Vec<String>,
    /// Whether every enforcement officer on a team using it must hold a
    /// qualification for its industry (mines, hazardous chemicals).
    #[serde(default)]
    #[autosurgeon(missing = "Default::default")]
    pub qualification_required: bool,
    /// Sections in inspection order (documents first, then site).
    pub sections: Vec<ChecklistSection>,
}

impl ChecklistTemplate {
    /// All items in order.
    pub fn items(&self) -> impl Iterator<Item = &ChecklistItem> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// The item with `code`.
    pub fn item(&self, code: &str) -> Option<&ChecklistItem> {
        self.items().find(|i| i.code == code)
    }

    /// `id@version`, the key an inspection records.
    pub fn version_key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }
}
