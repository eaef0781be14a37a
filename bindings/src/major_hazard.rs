//! The 重大事故隐患 path from the apps: the enterprise's report and 治理方案
//! (a plan missing one of its six elements is refused naming it), the
//! office's 挂牌督办, progress, the assessment, the application to resume
//! production; the 现场审查 is `record_reinspection`.

use lianjian_core::doc::Edit;
use lianjian_core::model::{GovernancePlan, Listing, ListingLevel};
use lianjian_core::rules::lifecycle::EventKind;

use crate::error::ApiResult;
use crate::store::LianjianStore;

/// A major hazard's report and 治理方案.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct GovernancePlanInput {
    /// The hazard.
    pub finding_id: String,
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
    /// Attached files (SHA-256), ingested with purpose `rectification`.
    pub files: Vec<String>,
}

#[uniffi::export]
impl LianjianStore {
    /// The enterprise files its report and 治理方案 (a later one replaces
    /// it); returns the plan's id.
    pub fn file_governance_plan(&self, inspection_id: String, plan: GovernancePlanInput) -> ApiResult<String> {
        let editor = self.editor()?;
        let p = GovernancePlan {
            id: uuid::Uuid::now_v7().to_string(),
            finding: plan.finding_id.parse()?,
            by: editor.person,
            filed_at: self.now(),
            situation: plan.situation,
            harm_analysis: plan.harm_analysis,
            goals: plan.goals,
            methods: plan.methods,
            funds: plan.funds,
            organization: plan.organization,
            schedule: plan.schedule,
            safety: plan.safety,
            files: plan.files,
        };
        let id = p.id.clone();
        self.apply(&inspection_id, &[Edit::FileGovernancePlan(p)])?;
        Ok(id)
    }

    /// The office lists a major hazard for supervision (挂牌督办): `level`
    /// is `province`, `city` or `county`.
    pub fn list_for_supervision(
        &self,
        inspection_id: String,
        finding_id: String,
        level: String,
        supervisor: String,
        public: bool,
    ) -> ApiResult<()> {
        let level = ListingLevel::from_code(&level)?;
        self.record_event(&inspection_id, &finding_id, EventKind::Listed, |e| {
            e.listing = Some(Listing { level, supervisor, public });
        })
    }

    /// The enterprise reports progress on its treatment.
    pub fn report_milestone(
        &self,
        inspection_id: String,
        finding_id: String,
        progress: String,
        evidence: Vec<String>,
    ) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::Milestone, |e| {
            e.reason = Some(progress);
            e.evidence = evidence;
        })
    }

    /// The enterprise files the assessment of the treatment (评估报告, a
    /// file ingested with purpose `rectification`).
    pub fn file_assessment(&self, inspection_id: String, finding_id: String, report: Vec<String>) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::Assessed, |e| e.evidence = report)
    }

    /// The enterprise applies to resume production (恢复生产申请); the
    /// 现场审查 is due within the office's rule of it.
    pub fn request_resumption(&self, inspection_id: String, finding_id: String) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::ResumptionRequested, |e| {
            e.requests_reinspection = true;
        })
    }
}
