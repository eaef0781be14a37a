//! The forms used on site (2016 样式, 应急 prefixes) and how each is filled
//! from an inspection. One module per form builds the form's data; the
//! layout is the template's.

use serde::Serialize;

pub mod decision;
pub mod hazard_list;
pub mod interview;
pub mod order;
pub mod receipt;
pub mod review;
pub mod site_record;

/// A kind of enforcement document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum FormKind {
    /// 现场检查记录 (检记).
    SiteRecord,
    /// 现场处理措施决定书 (现决).
    OnSiteDecision,
    /// 责令限期整改指令书 (责改).
    RectificationOrder,
    /// 整改复查意见书 (复查).
    ReviewOpinion,
    /// 询问笔录.
    Interview,
    /// 文书送达回执.
    ServiceReceipt,
    /// 隐患清单 of the joint inspection, per department (not an enforcement document).
    HazardList,
}

impl FormKind {
    /// Every kind.
    pub const ALL: [FormKind; 7] = [
        FormKind::SiteRecord,
        FormKind::OnSiteDecision,
        FormKind::RectificationOrder,
        FormKind::ReviewOpinion,
        FormKind::Interview,
        FormKind::ServiceReceipt,
        FormKind::HazardList,
    ];

    /// Stable code (template manifests, the number ledger, the bindings).
    pub fn code(&self) -> &'static str {
        match self {
            FormKind::SiteRecord => "site_record",
            FormKind::OnSiteDecision => "on_site_decision",
            FormKind::RectificationOrder => "rectification_order",
            FormKind::ReviewOpinion => "review_opinion",
            FormKind::Interview => "interview",
            FormKind::ServiceReceipt => "service_receipt",
            FormKind::HazardList => "hazard_list",
        }
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The form's title.
    pub fn title(&self) -> &'static str {
        match self {
            FormKind::SiteRecord => "现场检查记录",
            FormKind::OnSiteDecision => "现场处理措施决定书",
            FormKind::RectificationOrder => "责令限期整改指令书",
            FormKind::ReviewOpinion => "整改复查意见书",
            FormKind::Interview => "询问笔录",
            FormKind::ServiceReceipt => "文书送达回执",
            FormKind::HazardList => "隐患清单",
        }
    }

    /// The 类别代字 of its number, for the numbered forms.
    pub fn category(&self) -> Option<&'static str> {
        match self {
            FormKind::SiteRecord => Some("检记"),
            FormKind::OnSiteDecision => Some("现决"),
            FormKind::RectificationOrder => Some("责改"),
            FormKind::ReviewOpinion => Some("复查"),
            _ => None,
        }
    }
}
