//! A 重大事故隐患's report and 治理方案 (国家安监总局令第16号): the enterprise
//! states the situation and its cause and how hard the hazard is to remove,
//! and the plan's six required elements — goals and tasks, methods and
//! measures, funds and materials, the body and people in charge, time
//! limits and requirements, safety measures and the emergency plan. A plan
//! missing one is refused naming it. And the office's 挂牌督办 of it.

use autosurgeon::{Hydrate, Reconcile};

use super::{code_enum, FindingId, PersonId, Timestamp};
use crate::error::{Error, Result};

/// The enterprise's 重大隐患报告 with its 治理方案.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct GovernancePlan {
    /// Unique id (UUID v7).
    pub id: String,
    /// The hazard.
    pub finding: FindingId,
    /// Who filed it (the enterprise's user).
    pub by: PersonId,
    /// When.
    pub filed_at: Timestamp,
    /// 现状及产生原因.
    pub situation: String,
    /// 危害程度和整改难易程度分析.
    pub harm_analysis: String,
    /// 治理的目标和任务.
    pub goals: String,
    /// 采取的方法和措施.
    pub methods: String,
    /// 经费和物资的落实.
    pub funds: String,
    /// 负责治理的机构和人员.
    pub organization: String,
    /// 治理的时限和要求.
    pub schedule: String,
    /// 安全措施和应急预案.
    pub safety: String,
    /// Attached files (SHA-256).
    pub files: Vec<String>,
}

/// Longest text of one element.
pub const MAX_ELEMENT_CHARS: usize = 5000;

impl GovernancePlan {
    /// The report's two parts and the plan's six elements, with their names.
    pub fn elements(&self) -> [(&'static str, &str); 8] {
        [
            ("现状及产生原因", &self.situation),
            ("危害程度和整改难易程度分析", &self.harm_analysis),
            ("治理的目标和任务", &self.goals),
            ("采取的方法和措施", &self.methods),
            ("经费和物资的落实", &self.funds),
            ("负责治理的机构和人员", &self.organization),
            ("治理的时限和要求", &self.schedule),
            ("安全措施和应急预案", &self.safety),
        ]
    }

    /// Refuses a plan with an element missing (naming the first), too long,
    /// or with a file that is not a hash.
    pub fn validate(&self) -> Result<()> {
        for (name, text) in self.elements() {
            if text.trim().is_empty() {
                return Err(Error::validation("plan", format!("治理方案缺少「{name}」")));
            }
            if text.chars().count() > MAX_ELEMENT_CHARS {
                return Err(Error::validation("plan", format!("「{name}」最长 {MAX_ELEMENT_CHARS} 字")));
            }
        }
        for f in &self.files {
            super::evidence::parse_hash(f)?;
        }
        Ok(())
    }
}

code_enum!(
    /// Who supervises a listed major hazard.
    ListingLevel {
        /// 省级挂牌督办.
        Province = ("province", "省级"),
        /// 市级挂牌督办.
        City = ("city", "市级"),
        /// 县级挂牌督办.
        County = ("county", "县级"),
    }
);

/// The office's 挂牌督办 of a major hazard.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    /// The level.
    pub level: ListingLevel,
    /// The supervising office (督办单位).
    pub supervisor: String,
    /// Whether it is announced to the public (公开).
    pub public: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn plan() -> GovernancePlan {
        GovernancePlan {
            id: "p1".into(),
            finding: FindingId::new(),
            by: PersonId::new(),
            filed_at: Timestamp::parse("2026-03-20T09:00:00+08:00").unwrap(),
            situation: "液氯储罐区防泄漏围堰破损，系地基沉降所致".into(),
            harm_analysis: "泄漏可致周边人员中毒；须停用储罐并重建围堰，难度较大".into(),
            goals: "四十五日内完成围堰重建并通过评估".into(),
            methods: "倒空储罐，拆除旧围堰，按设计重建并做防渗处理".into(),
            funds: "安排专项资金 80 万元，材料由设备科落实".into(),
            organization: "总经理牵头，设备科、安全科负责".into(),
            schedule: "2026-05-05 前完成，每周报告进度".into(),
            safety: "施工期间停用储罐，现场设警戒，修订泄漏应急预案并演练".into(),
            files: vec![],
        }
    }

    #[test]
    fn a_plan_missing_an_element_is_refused_naming_it() {
        assert!(plan().validate().is_ok());
        let mut p = plan();
        p.funds = " ".into();
        let e = p.validate().unwrap_err();
        assert!(e.to_string().contains("经费和物资的落实"), "{e}");
        let mut p = plan();
        p.situation.clear();
        assert!(p.validate().unwrap_err().to_string().contains("现状及产生原因"));
    }
}
