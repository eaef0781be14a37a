//! The office's catalogue on the device: enterprise files (found by credit
//! code, by the QR code on a business licence, or by search, with their
//! history and open hazards) and checklist versions — all offline.

use std::sync::Arc;

use lianjian_core::model::{ChecklistTemplate, Enterprise, ItemKind, Threshold};
use lianjian_core::rules::credit_code::CreditCode;

use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;
use crate::tasks::FindingSummary;

/// An enterprise file.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct EnterpriseInfo {
    /// Id.
    pub id: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Industry code.
    pub industry: String,
    /// Grid (网格).
    pub grid: String,
    /// Address.
    pub address: String,
    /// Risk colour code.
    pub risk: String,
    /// Risk colour label (红/橙/黄/蓝).
    pub risk_label: String,
}

impl From<&Enterprise> for EnterpriseInfo {
    fn from(e: &Enterprise) -> Self {
        EnterpriseInfo {
            id: e.id.to_string(),
            credit_code: e.credit_code.as_str().to_string(),
            name: e.name.clone(),
            industry: e.industry.clone(),
            grid: e.grid.clone(),
            address: e.address.clone(),
            risk: e.risk.code().into(),
            risk_label: e.risk.label().into(),
        }
    }
}

/// An enterprise in search results.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EnterpriseSummary {
    /// Id.
    pub id: String,
    /// Credit code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Industry code.
    pub industry: String,
    /// Grid.
    pub grid: String,
}

/// One past inspection of an enterprise.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    /// Inspection id.
    pub inspection_id: String,
    /// Date (YYYY-MM-DD), if started.
    pub inspected_on: Option<String>,
    /// Status code.
    pub status: String,
    /// Findings recorded.
    pub findings_total: i64,
    /// Of which still open.
    pub findings_open: i64,
}

/// One checklist item, flattened for screens.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ChecklistItemInfo {
    /// Item code (unique within the checklist).
    pub code: String,
    /// What to check.
    pub text: String,
    /// `yes_no`, `measurement`, `single_choice`, `multiple_choice`, `text`, `photo`.
    pub kind: String,
    /// Unit of a measurement.
    pub unit: Option<String>,
    /// Lowest passing value of a measurement, if bounded below.
    pub min: Option<f64>,
    /// Highest passing value of a measurement, if bounded above.
    pub max: Option<f64>,
    /// Choice options.
    pub options: Vec<String>,
    /// The law and article it rests on, e.g. 《安全生产法》第四十二条.
    pub legal_basis: String,
    /// Grade suggested when it fails.
    pub default_grade: String,
    /// Whether a failure is a 重大事故隐患 criterion.
    pub major_hazard: bool,
}

/// A checklist section.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ChecklistSectionInfo {
    /// Title.
    pub title: String,
    /// Items.
    pub items: Vec<ChecklistItemInfo>,
}

/// A checklist version.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ChecklistInfo {
    /// Checklist id.
    pub id: String,
    /// Version.
    pub version: u32,
    /// Industry code.
    pub industry: String,
    /// Title.
    pub title: String,
    /// Sections in order.
    pub sections: Vec<ChecklistSectionInfo>,
}

fn item_kind(kind: &ItemKind) -> (&'static str, Option<String>, Option<f64>, Option<f64>, Vec<String>) {
    match kind {
        ItemKind::YesNo => ("yes_no", None, None, None, vec![]),
        ItemKind::Measurement { unit, threshold } => {
            let (min, max) = match *threshold {
                Threshold::AtMost { limit } | Threshold::Below { limit } => (None, Some(limit)),
                Threshold::AtLeast { limit } | Threshold::Above { limit } => (Some(limit), None),
                Threshold::Between { min, max } => (Some(min), Some(max)),
            };
            ("measurement", Some(unit.clone()), min, max, vec![])
        }
        ItemKind::SingleChoice { options, .. } => ("single_choice", None, None, None, options.clone()),
        ItemKind::MultipleChoice { options, .. } => ("multiple_choice", None, None, None, options.clone()),
        ItemKind::Text => ("text", None, None, None, vec![]),
        ItemKind::Photo => ("photo", None, None, None, vec![]),
    }
}

impl From<&ChecklistTemplate> for ChecklistInfo {
    fn from(c: &ChecklistTemplate) -> Self {
        ChecklistInfo {
            id: c.id.to_string(),
            version: c.version,
            industry: c.industry.clone(),
            title: c.title.clone(),
            sections: c
                .sections
                .iter()
                .map(|s| ChecklistSectionInfo {
                    title: s.title.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|i| {
                            let (kind, unit, min, max, options) = item_kind(&i.kind);
                            ChecklistItemInfo {
                                code: i.code.clone(),
                                text: i.text.clone(),
                                kind: kind.into(),
                                unit,
                                min,
                                max,
                                options,
                                legal_basis: format!("{}{}", i.legal_basis.law, i.legal_basis.article),
                                default_grade: i.default_grade.clone(),
                                major_hazard: i.major_hazard_criterion,
                            }
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Finds the credit code in a scanned QR payload: the code itself, or the
/// text of a business licence's QR code (a URL or text that contains it).
fn code_in_payload(payload: &str) -> ApiResult<CreditCode> {
    let chars: Vec<char> = payload.trim().chars().collect();
    if chars.len() >= 18 {
        for start in 0..=chars.len() - 18 {
            let candidate: String = chars[start..start + 18].iter().collect();
            if let Ok(code) = CreditCode::parse(&candidate) {
                return Ok(code);
            }
        }
    }
    Err(ApiError::validation("qr", "the scanned code holds no valid 统一社会信用代码"))
}

#[uniffi::export]
impl LianjianStore {
    /// An enterprise file by its credit code (typed by the inspector).
    pub fn enterprise_by_credit_code(&self, code: String) -> ApiResult<EnterpriseInfo> {
        Ok((&self.core().enterprise_by_credit_code(&code)?).into())
    }

    /// An enterprise file from a scanned QR payload (business licence).
    pub fn enterprise_by_qr(&self, payload: String) -> ApiResult<EnterpriseInfo> {
        let code = code_in_payload(&payload)?;
        Ok((&self.core().enterprise_by_credit_code(code.as_str())?).into())
    }

    /// An enterprise file by id.
    pub fn enterprise(&self, id: String) -> ApiResult<EnterpriseInfo> {
        Ok((&self.core().enterprise(&id.parse()?)?).into())
    }

    /// Enterprises whose name, credit code or grid contains `query`.
    pub fn search_enterprises(&self, query: String, limit: u32) -> ApiResult<Vec<EnterpriseSummary>> {
        Ok(self
            .core()
            .search_enterprises(&query, limit as usize)?
            .into_iter()
            .map(|r| EnterpriseSummary {
                id: r.id,
                credit_code: r.credit_code,
                name: r.name,
                industry: r.industry,
                grid: r.grid,
            })
            .collect())
    }

    /// An enterprise's past inspections, newest first.
    pub fn enterprise_history(&self, enterprise_id: String) -> ApiResult<Vec<HistoryEntry>> {
        Ok(self
            .core()
            .enterprise_history(&enterprise_id)?
            .into_iter()
            .map(|h| HistoryEntry {
                inspection_id: h.inspection_id,
                inspected_on: h.inspected_on.map(|d| d.to_string()),
                status: h.status,
                findings_total: h.findings_total,
                findings_open: h.findings_open,
            })
            .collect())
    }

    /// An enterprise's hazards on file (open and closed), by deadline.
    pub fn enterprise_findings(&self, enterprise_id: String) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().enterprise_findings(&enterprise_id)?.into_iter().map(Into::into).collect())
    }

    /// The newest version of each checklist for an industry.
    pub fn latest_checklists(&self, industry: String) -> ApiResult<Vec<ChecklistInfo>> {
        Ok(self.core().latest_checklists(&industry)?.iter().map(Into::into).collect())
    }

    /// One checklist version.
    pub fn checklist(&self, id: String, version: u32) -> ApiResult<ChecklistInfo> {
        Ok((&self.core().checklist(&id.parse()?, version)?).into())
    }
}

/// Shared by the inspection module: the core template of a checklist ref.
pub(crate) fn template(store: &Arc<LianjianStore>, id: &str, version: u32) -> ApiResult<ChecklistTemplate> {
    Ok(store.core().checklist(&id.parse()?, version)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_found_in_licence_qr_payloads() {
        let fixtures = lianjian_core::import::fixtures_dir().join("enterprises.json");
        let first = lianjian_core::import::load_enterprises(&fixtures).unwrap().remove(0);
        let code = first.credit_code.as_str();
        assert_eq!(code_in_payload(code).unwrap().as_str(), code);
        let url = format!("https://gsxt.gov.cn/verify?uniscid={code}&t=1");
        assert_eq!(code_in_payload(&url).unwrap().as_str(), code);
        assert!(code_in_payload("hello").is_err());
        let mut wrong = code.to_string();
        wrong.replace_range(17..18, if code.ends_with('0') { "1" } else { "0" });
        assert!(code_in_payload(&wrong).is_err(), "a wrong check character is not a code");
    }
}
