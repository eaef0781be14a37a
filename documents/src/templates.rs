//! Templates are versioned data, not code: a template set is a manifest
//! (office, version, the dates it is in force, each department's 机关名称,
//! 机关代字, 复议机关 and 法院, the fonts) and the Typst sources of the forms.
//! The remedy notice changed on 2024-01-01 (one 复议机关, the 本级人民政府), so a
//! document is set with the version in force on its own date; an office
//! imports its own sets, and the bundled default stands in until it does.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use lianjian_core::model::Department;

use crate::error::{Error, Result};
use crate::forms::FormKind;

/// One department's parameters as printed on its documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// 机关名称, e.g. 咸宁市咸安区应急管理局.
    pub authority: String,
    /// 机关代字 in the number, e.g. 咸安 (printed as （咸安）).
    pub code: String,
    /// The number's prefix before the form's 类别代字, e.g. 应急.
    pub prefix: String,
    /// 复议机关: since 2024 the 本级人民政府.
    pub review_body: String,
    /// The court for 行政诉讼.
    pub court: String,
}

impl Issuer {
    /// A document number as printed: `（咸安）应急责改〔2026〕12号`; none for
    /// forms without a number.
    pub fn number(&self, kind: FormKind, year: i32, seq: u32) -> Option<String> {
        kind.category().map(|c| format!("（{}）{}{}〔{}〕{}号", self.code, self.prefix, c, year, seq))
    }
}

/// The fonts a set's forms are set in, by family, in fallback order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// Body text (仿宋 where the office has one).
    pub body: Vec<String>,
    /// Titles (小标宋/中宋 stand-in).
    pub title: Vec<String>,
}

/// A template set's manifest (`manifest.toml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The set's id, e.g. `xianan-2024`.
    pub id: String,
    /// The version, e.g. `2024.1`.
    pub version: String,
    /// The office it belongs to; empty for the bundled default (any office).
    #[serde(default)]
    pub office: String,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if it has one.
    #[serde(default)]
    pub effective_until: Option<NaiveDate>,
    /// Fonts.
    pub fonts: Fonts,
    /// Each department's parameters, by department code.
    pub issuers: BTreeMap<String, Issuer>,
    /// Form code -> Typst file of the set.
    pub forms: BTreeMap<String, String>,
}

/// A template set: its manifest and its files by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateSet {
    /// The manifest.
    pub manifest: Manifest,
    /// File name -> Typst source.
    pub files: BTreeMap<String, String>,
}

impl TemplateSet {
    /// Reads and checks a set from its manifest and files. Every form the
    /// manifest names must be present; sources must be UTF-8 Typst; no
    /// file may import a Typst package (nothing is downloaded).
    pub fn new(manifest_toml: &str, files: BTreeMap<String, String>) -> Result<Self> {
        let manifest: Manifest =
            toml::from_str(manifest_toml).map_err(|e| Error::BadTemplate(format!("manifest.toml：{}", e.message())))?;
        if manifest.id.trim().is_empty() || manifest.version.trim().is_empty() {
            return Err(Error::BadTemplate("manifest.toml 缺少 id 或 version".into()));
        }
        if let Some(until) = manifest.effective_until {
            if until < manifest.effective_from {
                return Err(Error::BadTemplate("effective_until 早于 effective_from".into()));
            }
        }
        if manifest.fonts.body.is_empty() || manifest.fonts.title.is_empty() {
            return Err(Error::BadTemplate("manifest.toml 须指定正文和标题字体".into()));
        }
        for code in manifest.issuers.keys() {
            Department::from_code(code).map_err(|_| Error::BadTemplate(format!("未知部门代码 {code}")))?;
        }
        for (form, file) in &manifest.forms {
            FormKind::from_code(form).ok_or_else(|| Error::BadTemplate(format!("未知文书种类 {form}")))?;
            if !files.contains_key(file) {
                return Err(Error::BadTemplate(format!("缺少模板文件 {file}")));
            }
        }
        for (name, text) in &files {
            if !name.ends_with(".typ") || name.contains('/') || name.starts_with('.') {
                return Err(Error::BadTemplate(format!("模板文件名不合规：{name}")));
            }
            if text.contains("@preview/") || text.contains("@local/") {
                return Err(Error::BadTemplate(format!("{name} 引用了 Typst 包：模板须自包含")));
            }
        }
        Ok(TemplateSet { manifest, files })
    }

    /// Reads a set from a folder holding `manifest.toml` and `*.typ` files.
    pub fn from_dir(dir: &std::path::Path) -> Result<Self> {
        let manifest = std::fs::read_to_string(dir.join("manifest.toml"))?;
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "typ") {
                let name = path.file_name().expect("a file").to_string_lossy().into_owned();
                files.insert(name, std::fs::read_to_string(&path)?);
            }
        }
        Self::new(&manifest, files)
    }

    /// The set bundled with the app: the 2016 样式 in current wording,
    /// with the post-2024 remedy notice.
    pub fn bundled() -> Self {
        let files = [
            ("common.typ", include_str!("../templates/default/common.typ")),
            ("order.typ", include_str!("../templates/default/order.typ")),
            ("site_record.typ", include_str!("../templates/default/site_record.typ")),
            ("decision.typ", include_str!("../templates/default/decision.typ")),
            ("review.typ", include_str!("../templates/default/review.typ")),
            ("interview.typ", include_str!("../templates/default/interview.typ")),
            ("receipt.typ", include_str!("../templates/default/receipt.typ")),
            ("hazard_list.typ", include_str!("../templates/default/hazard_list.typ")),
        ];
        let files = files.into_iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        Self::new(include_str!("../templates/default/manifest.toml"), files).expect("the bundled templates are valid")
    }

    /// Whether the set is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        date >= self.manifest.effective_from && self.manifest.effective_until.is_none_or(|u| date <= u)
    }

    /// The department's parameters.
    pub fn issuer(&self, department: &Department) -> Result<&Issuer> {
        self.manifest.issuers.get(department.code()).ok_or_else(|| {
            Error::BadTemplate(format!("模板 {} 未配置{}部门的机关名称和代字", self.manifest.id, department.label()))
        })
    }
}

/// Every template set a device or the server holds.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    sets: Vec<TemplateSet>,
}

impl Templates {
    /// The bundled default only.
    pub fn bundled() -> Self {
        Templates { sets: vec![TemplateSet::bundled()] }
    }

    /// The bundled default and the office's sets held by a device or the
    /// server (each checked again: a set that no longer passes is an error,
    /// never a quiet fallback to the default wording).
    pub fn with_office<'a>(
        bundles: impl IntoIterator<Item = &'a lianjian_core::office::template::TemplateBundle>,
    ) -> Result<Self> {
        let mut t = Templates::bundled();
        for b in bundles {
            t.add(TemplateSet::new(&b.manifest, b.files.clone())?);
        }
        Ok(t)
    }

    /// The set as an office document bundle.
    pub fn bundle(set: &TemplateSet) -> Result<lianjian_core::office::template::TemplateBundle> {
        let manifest = toml::to_string(&set.manifest).map_err(|e| Error::BadTemplate(e.to_string()))?;
        Ok(lianjian_core::office::template::TemplateBundle { manifest, files: set.files.clone() })
    }

    /// Adds a set (an office's import).
    pub fn add(&mut self, set: TemplateSet) {
        self.sets.retain(|s| (&s.manifest.id, &s.manifest.version) != (&set.manifest.id, &set.manifest.version));
        self.sets.push(set);
    }

    /// The set to render `form` for `office` on `date` with: the office's own
    /// sets first, then the default; among those that began on or before the
    /// date, the latest. One that has expired by then is an error, not a
    /// fallback: an outdated legal text must not be printed quietly.
    pub fn select(&self, office: &str, form: FormKind, date: NaiveDate) -> Result<&TemplateSet> {
        let holds = |s: &&TemplateSet| s.manifest.forms.contains_key(form.code());
        let started = |s: &&TemplateSet| s.manifest.effective_from <= date;
        for scope in [office, ""] {
            let candidate = self
                .sets
                .iter()
                .filter(|s| s.manifest.office == scope)
                .filter(holds)
                .filter(started)
                .max_by_key(|s| (s.manifest.effective_from, s.manifest.version.clone()));
            if let Some(s) = candidate {
                return match s.manifest.effective_until {
                    Some(until) if until < date => Err(Error::TemplateExpired {
                        form: form.title().into(),
                        version: format!("{} {}", s.manifest.id, s.manifest.version),
                        until: until.to_string(),
                        date: date.to_string(),
                    }),
                    _ => Ok(s),
                };
            }
        }
        Err(Error::NoTemplate {
            form: form.title().into(),
            office: if office.is_empty() { "默认".into() } else { office.into() },
            date: date.to_string(),
        })
    }
}
