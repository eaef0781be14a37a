//! The closed loop from the apps: the order handed over, a fix confirmed on
//! site, the enterprise's rectification report with paired photos, the
//! officers' review and 复查, the office's escalation of an overdue hazard,
//! each hazard's life cycle and each role's task lists. Types are converted
//! here; every rule is the core's.

use chrono::NaiveDate;

use lianjian_core::doc::closed_loop::new_event;
use lianjian_core::doc::Edit;
use lianjian_core::model::{Day, PhotoPair, RectificationReport};
use lianjian_core::rules::lifecycle::major::suspension_warning;
use lianjian_core::rules::lifecycle::{EscalationLevel, EventKind, HazardEvent, LifeCycle, ReinspectionMode};

use crate::error::{ApiError, ApiResult};
use crate::inspection::inspection_id as parse_inspection;
use crate::store::LianjianStore;
use crate::tasks::FindingSummary;

/// One event in a hazard's life.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HazardEventInfo {
    /// Event id.
    pub id: String,
    /// `ordered`, `confirmed_on_site`, `submitted`, `accepted`, `returned`, `passed`, `failed`.
    pub kind: String,
    /// The same, in Chinese.
    pub kind_label: String,
    /// Who (person id).
    pub by: String,
    /// In which role.
    pub role: String,
    /// When (RFC 3339).
    pub at: String,
    /// Why (a return, a failed 复查).
    pub reason: Option<String>,
    /// The new deadline it set (YYYY-MM-DD).
    pub deadline: Option<String>,
    /// Photos and files (SHA-256).
    pub evidence: Vec<String>,
    /// The report it submitted.
    pub report_id: Option<String>,
    /// A report asked for the 复查.
    pub requests_reinspection: bool,
    /// `on_site` or `written` for a 复查.
    pub mode: Option<String>,
    /// The step of an escalation (`reminder`, `supervision_letter`,
    /// `interview`, `public_notice`).
    pub escalation: Option<String>,
    /// Set when the event is kept but did not apply (e.g. a second review
    /// recorded offline), with why.
    pub ignored_because: Option<String>,
}

fn event_info(e: &HazardEvent, ignored: Option<&str>) -> HazardEventInfo {
    HazardEventInfo {
        id: e.id.clone(),
        kind: e.kind.code().into(),
        kind_label: e.kind.label().into(),
        by: e.by.to_string(),
        role: e.role.code().into(),
        at: e.at.to_string(),
        reason: e.reason.clone(),
        deadline: e.deadline.map(|d| d.to_string()),
        evidence: e.evidence.clone(),
        report_id: e.report.clone(),
        requests_reinspection: e.requests_reinspection,
        mode: e.mode.map(|m| m.code().into()),
        escalation: e.escalation.map(|l| l.code().into()),
        ignored_because: ignored.map(str::to_string),
    }
}

/// A hazard's life cycle.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LifeCycleInfo {
    /// The finding.
    pub finding_id: String,
    /// `found`, `rectifying`, `submitted`, `reinspection_due`, `closed`.
    pub state: String,
    /// The same, in Chinese.
    pub state_label: String,
    /// The order's deadline (YYYY-MM-DD).
    pub original_deadline: String,
    /// The deadline in force.
    pub deadline: String,
    /// When the 复查 is due, unless closed.
    pub reinspection_due: Option<String>,
    /// Past the deadline in force today (by the store's clock).
    pub overdue: bool,
    /// The 复查 is late today.
    pub reinspection_overdue: bool,
    /// When it was closed (销号).
    pub closed_at: Option<String>,
    /// Closed by the original deadline (按期整改), once closed.
    pub closed_on_time: Option<bool>,
    /// The office's last step against it.
    pub escalation: Option<String>,
    /// A 重大事故隐患: it goes the major path (治理方案, 评估, 恢复生产申请).
    pub major: bool,
    /// 重大: the 治理方案 in force.
    pub plan_id: Option<String>,
    /// 重大: the treatment's assessment was filed.
    pub assessed: bool,
    /// 重大: 挂牌督办 while listed: level (`province`, `city`, `county`).
    pub listing_level: Option<String>,
    /// 重大: the supervising office (督办单位).
    pub listing_supervisor: Option<String>,
    /// 重大: listed publicly.
    pub listing_public: bool,
    /// A warning for the office (production suspended for nearly six months).
    pub warning: Option<String>,
    /// Referred to another department (移交).
    pub referred: bool,
    /// Who of that department took it on.
    pub referral_accepted_by: Option<String>,
    /// Every event, in the order applied; ignored ones say why.
    pub events: Vec<HazardEventInfo>,
}

/// An after-photo paired with the finding's before-photo.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PhotoPairInput {
    /// The finding's photo (SHA-256).
    pub before: String,
    /// The rectification photo (SHA-256), ingested with purpose `rectification`.
    pub after: String,
}

/// The enterprise's rectification report.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RectificationInput {
    /// The hazard.
    pub finding_id: String,
    /// 整改措施.
    pub measures: String,
    /// 整改责任人.
    pub responsible: String,
    /// 完成日期 (YYYY-MM-DD).
    pub completed_on: String,
    /// 整改资金 in fen, when stated.
    pub cost_fen: Option<i64>,
    /// After-photos paired with before-photos.
    pub photos: Vec<PhotoPairInput>,
    /// Supporting files (SHA-256), ingested with purpose `rectification`.
    pub files: Vec<String>,
    /// 复查申请.
    pub requests_reinspection: bool,
}

pub(crate) fn day(field: &'static str, s: &str) -> ApiResult<Day> {
    s.parse::<NaiveDate>().map(Day).map_err(|_| ApiError::validation(field, "日期格式应为 YYYY-MM-DD"))
}

impl LianjianStore {
    pub(crate) fn record_event(
        &self,
        inspection: &str,
        finding: &str,
        kind: EventKind,
        fill: impl FnOnce(&mut HazardEvent),
    ) -> ApiResult<()> {
        let editor = self.editor()?;
        let mut event = new_event(finding.parse()?, kind, &editor, self.now());
        fill(&mut event);
        self.apply(inspection, &[Edit::RecordHazardEvent(event)])
    }

    fn cycle_info(&self, lc: &LifeCycle, finding: Option<&lianjian_core::model::Finding>) -> LifeCycleInfo {
        let store = self.core();
        let office = store.office();
        let today = lianjian_core::rules::deadline::local_date(&self.now().0);
        let mut events: Vec<(&HazardEvent, Option<&str>)> = lc.applied.iter().map(|e| (e, None)).collect();
        events.extend(lc.ignored.iter().map(|(e, why)| (e, Some(why.as_str()))));
        events.sort_by(|a, b| (a.0.at.unix_millis(), &a.0.id).cmp(&(b.0.at.unix_millis(), &b.0.id)));
        LifeCycleInfo {
            finding_id: lc.finding.to_string(),
            state: lc.state.code().into(),
            state_label: lc.state.label().into(),
            original_deadline: lc.original_deadline.to_string(),
            deadline: lc.deadline.to_string(),
            reinspection_due: lc.reinspection_due(&office.calendar, &office.loop_rules).map(|d| d.to_string()),
            overdue: lc.is_overdue(today),
            reinspection_overdue: lc.reinspection_overdue(&office.calendar, &office.loop_rules, today),
            closed_at: lc.closed_at.map(|t| t.to_string()),
            closed_on_time: lc.closed_on_time(),
            escalation: lc.escalation.map(|l| l.code().into()),
            major: lc.major,
            plan_id: lc.plan.clone(),
            assessed: lc.assessed,
            listing_level: lc.listing.as_ref().map(|l| l.level.code().into()),
            listing_supervisor: lc.listing.as_ref().map(|l| l.supervisor.clone()),
            listing_public: lc.listing.as_ref().is_some_and(|l| l.public),
            warning: finding.and_then(|f| suspension_warning(f, lc, today)),
            referred: lc.referred,
            referral_accepted_by: lc.referral_accepted_by.map(|p| p.to_string()),
            events: events.into_iter().map(|(e, why)| event_info(e, why)).collect(),
        }
    }
}

#[uniffi::export]
impl LianjianStore {
    /// Each hazard of the inspection with its life cycle.
    pub fn life_cycles(&self, inspection_id: String) -> ApiResult<Vec<LifeCycleInfo>> {
        let id = parse_inspection(&inspection_id)?;
        let cycles = self.core().life_cycles(&id)?;
        let findings = self.core().inspection(&id)?.findings;
        Ok(cycles.iter().map(|lc| self.cycle_info(lc, findings.get(&lc.finding.to_string()))).collect())
    }

    /// 限期整改: the order with the hazard's deadline is handed over (officer).
    pub fn order_rectification(&self, inspection_id: String, finding_id: String) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::Ordered, |_| {})
    }

    /// 立即整改: the hazard was fixed while the team was there; `evidence`
    /// is the after-photo (officer).
    pub fn confirm_fixed_on_site(
        &self,
        inspection_id: String,
        finding_id: String,
        evidence: Vec<String>,
    ) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::ConfirmedOnSite, |e| e.evidence = evidence)
    }

    /// The enterprise's rectification report (with its 复查申请 if asked);
    /// returns the report id.
    pub fn submit_rectification(&self, inspection_id: String, report: RectificationInput) -> ApiResult<String> {
        let editor = self.editor()?;
        let r = RectificationReport {
            id: uuid::Uuid::now_v7().to_string(),
            finding: report.finding_id.parse()?,
            by: editor.person,
            submitted_at: self.now(),
            measures: report.measures,
            responsible: report.responsible,
            completed_on: day("completed_on", &report.completed_on)?,
            cost_fen: report.cost_fen,
            photos: report.photos.into_iter().map(|p| PhotoPair { before: p.before, after: p.after }).collect(),
            files: report.files,
            requests_reinspection: report.requests_reinspection,
        };
        let id = r.id.clone();
        self.apply(&inspection_id, &[Edit::SubmitRectification(r)])?;
        Ok(id)
    }

    /// The reports on the inspection, oldest first.
    pub fn rectification_reports(&self, inspection_id: String) -> ApiResult<Vec<RectificationReportInfo>> {
        let reports = self.core().rectification_reports(&parse_inspection(&inspection_id)?)?;
        Ok(reports
            .into_iter()
            .map(|r| RectificationReportInfo {
                id: r.id,
                by: r.by.to_string(),
                submitted_at: r.submitted_at.to_string(),
                report: RectificationInput {
                    finding_id: r.finding.to_string(),
                    measures: r.measures,
                    responsible: r.responsible,
                    completed_on: r.completed_on.to_string(),
                    cost_fen: r.cost_fen,
                    photos: r.photos.into_iter().map(|p| PhotoPairInput { before: p.before, after: p.after }).collect(),
                    files: r.files,
                    requests_reinspection: r.requests_reinspection,
                },
            })
            .collect())
    }

    /// The officers accept the report: the 复查 comes next.
    pub fn accept_rectification(&self, inspection_id: String, finding_id: String) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::Accepted, |_| {})
    }

    /// 退回补正: the report goes back with the reason and a new deadline
    /// (YYYY-MM-DD); the original deadline stays on record.
    pub fn return_rectification(
        &self,
        inspection_id: String,
        finding_id: String,
        reason: String,
        new_deadline: String,
    ) -> ApiResult<()> {
        let deadline = day("new_deadline", &new_deadline)?;
        self.record_event(&inspection_id, &finding_id, EventKind::Returned, |e| {
            e.reason = Some(reason);
            e.deadline = Some(deadline);
        })
    }

    /// The 复查: `passed` closes the hazard (销号); otherwise a reason and a
    /// new deadline are required. `mode`: `on_site` or `written`.
    pub fn record_reinspection(
        &self,
        inspection_id: String,
        finding_id: String,
        passed: bool,
        mode: String,
        reason: Option<String>,
        new_deadline: Option<String>,
    ) -> ApiResult<()> {
        let mode = ReinspectionMode::from_code(&mode)?;
        let deadline = new_deadline.map(|d| day("new_deadline", &d)).transpose()?;
        let kind = if passed { EventKind::Passed } else { EventKind::Failed };
        self.record_event(&inspection_id, &finding_id, kind, |e| {
            e.mode = Some(mode);
            e.reason = reason;
            e.deadline = deadline;
        })
    }

    /// The office escalates an overdue hazard: `level` is `reminder` (提醒),
    /// `supervision_letter` (督办函), `interview` (约谈) or `public_notice`
    /// (通报), each after the last; `note` says what was done.
    pub fn escalate_hazard(
        &self,
        inspection_id: String,
        finding_id: String,
        level: String,
        note: String,
    ) -> ApiResult<()> {
        let level = EscalationLevel::from_code(&level)?;
        self.record_event(&inspection_id, &finding_id, EventKind::Escalated, |e| {
            e.escalation = Some(level);
            e.reason = Some(note);
        })
    }

    /// The enterprise starts its own record of hazards it found itself
    /// (自查自报); returns its id. Hazards are added with `add_finding` and
    /// go the same loop; the office reviews them.
    pub fn start_self_inspection(&self, enterprise_id: String) -> ApiResult<String> {
        let editor = self.editor()?;
        let mut store = self.core();
        let enterprise = store.enterprise(&enterprise_id.parse()?)?;
        let scheme = store.grade_scheme().id.clone();
        let now = self.now();
        let record = lianjian_core::model::Inspection::self_inspection(&enterprise, &scheme, now);
        store.create_inspection(&record, &editor, now)?;
        Ok(record.id.to_string())
    }

    /// The team refers a hazard to another department (移交: `department`
    /// is its code, e.g. `housing_construction`), while the record is open;
    /// that department's officers receive the inspection with their next
    /// sync and take the hazard on with [`LianjianStore::accept_referral`].
    pub fn refer_finding(&self, inspection_id: String, finding_id: String, department: String) -> ApiResult<()> {
        let department = lianjian_core::model::Department::from_code(&department)?;
        self.apply(
            &inspection_id,
            &[Edit::UpdateFinding {
                id: finding_id.parse()?,
                field: lianjian_core::doc::FindingField::ReferredTo(Some(department)),
            }],
        )
    }

    /// An officer of the department a hazard was referred to takes it on
    /// (接收移交); from then on it goes the same loop with them.
    pub fn accept_referral(&self, inspection_id: String, finding_id: String) -> ApiResult<()> {
        self.record_event(&inspection_id, &finding_id, EventKind::ReferralAccepted, |_| {})
    }

    /// The enterprise's tasks: hazards to rectify, earliest deadline first
    /// (a returned one carries the reason).
    pub fn rectifications_due(&self) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().rectifications_due()?.into_iter().map(Into::into).collect())
    }

    /// The office presses an enterprise as a whole: `level` on each of its
    /// overdue hazards not yet pressed that far; how many were pressed.
    pub fn escalate_enterprise(&self, enterprise_id: String, level: String, note: String) -> ApiResult<u32> {
        let level = EscalationLevel::from_code(&level)?;
        let editor = self.editor()?;
        let n = self.core().escalate_enterprise(&enterprise_id, &editor, level, &note, self.now())?;
        Ok(n as u32)
    }

    /// The office's listed major hazards (挂牌督办) not yet written off.
    pub fn listed_hazards(&self) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().listed_hazards()?.into_iter().map(Into::into).collect())
    }

    /// The officers' tasks: reports waiting for review.
    pub fn reviews_due(&self) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().reviews_due()?.into_iter().map(Into::into).collect())
    }

    /// The officers' tasks: 复查 due by `date` (YYYY-MM-DD), late ones included.
    pub fn reinspections_due_by(&self, date: String) -> ApiResult<Vec<FindingSummary>> {
        let date = day("date", &date)?.0;
        Ok(self.core().reinspections_due_by(date)?.into_iter().map(Into::into).collect())
    }
}

/// A rectification report as listed: who submitted it, when, and what it says.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RectificationReportInfo {
    /// Report id.
    pub id: String,
    /// Who submitted it.
    pub by: String,
    /// When (RFC 3339).
    pub submitted_at: String,
    /// The report as submitted.
    pub report: RectificationInput,
}
