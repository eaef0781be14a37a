//! The hazard life cycle (发现—整改—复查—销号), computed from an append-only
//! list of events. Every step a person takes on a hazard — the order handed
//! over, a fix confirmed on site, the enterprise's report, its review, the
//! 复查 — is an event (who, role, when, evidence, reason, new deadline);
//! nothing is overwritten, so "closed on time" is exact later and a
//! returned report never erases the original deadline.
//!
//! Devices record events offline and merge them in any order. The life
//! cycle is a fold over the events sorted by (time, id): each replica that
//! holds the same events computes the same states, and an event that is not
//! legal where it falls (two officers reviewing the same report offline) is
//! kept but ignored, with the reason, on every replica alike.
//!
//! Overdue and 复查-due are computed here from the deadline in force, the
//! official calendar and a clock the caller passes in; never stored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calendar::HolidayCalendar;
use super::deadline::apply_rule;
use super::grades::DeadlineRule;
use super::permissions::{allows, Action, Role};
use crate::model::governance::Listing;
use crate::model::time::local_date;
use crate::model::{code_enum, Day, FindingId, FindingStatus, PersonId, Timestamp};

code_enum!(
    /// Where a hazard stands.
    HazardState {
        /// 已发现: recorded on site; the order with its deadline not yet handed over.
        Found = ("found", "已发现"),
        /// 整改中: the enterprise is rectifying, by the deadline in force.
        Rectifying = ("rectifying", "整改中"),
        /// 待审核: the enterprise's report awaits the issuing officers' review.
        Submitted = ("submitted", "待审核"),
        /// 待复查: the report is accepted; the 复查 decides.
        ReinspectionDue = ("reinspection_due", "待复查"),
        /// 已销号: fixed on site, or passed at 复查.
        Closed = ("closed", "已销号"),
    }
);

code_enum!(
    /// What happened to a hazard.
    EventKind {
        /// 限期整改: the order is handed over; the deadline is the hazard's.
        Ordered = ("ordered", "下达限期整改"),
        /// 立即整改: fixed while the team was there, confirmed with a photo.
        ConfirmedOnSite = ("confirmed_on_site", "现场整改确认"),
        /// The enterprise's rectification report (with or without a 复查申请).
        Submitted = ("submitted", "提交整改报告"),
        /// The issuing officers accept the report: the 复查 comes next.
        Accepted = ("accepted", "整改报告审核通过"),
        /// 退回补正: the report is returned with a reason and a new deadline.
        Returned = ("returned", "退回补正"),
        /// 复查合格 (已整改合格): the hazard is closed (销号).
        Passed = ("passed", "复查合格"),
        /// 复查不合格 (未整改合格): back to rectifying, with a new deadline.
        Failed = ("failed", "复查不合格"),
        /// The office escalates an overdue hazard (提醒, 督办函, 约谈, 通报).
        Escalated = ("escalated", "督促升级"),
        /// 重大: the enterprise files its report and 治理方案 (a new one replaces it).
        PlanFiled = ("plan_filed", "报送治理方案"),
        /// 重大: the office lists it for supervision (挂牌督办).
        Listed = ("listed", "挂牌督办"),
        /// 重大: the enterprise reports progress on a milestone.
        Milestone = ("milestone", "治理进展"),
        /// 重大: the assessment of the treatment (评估报告) is filed.
        Assessed = ("assessed", "治理效果评估"),
        /// 重大: the enterprise applies to resume production (恢复生产申请);
        /// the 现场审查 comes next.
        ResumptionRequested = ("resumption_requested", "申请恢复生产"),
        /// The department the hazard was referred to (移交) takes it on.
        ReferralAccepted = ("referral_accepted", "接收移交"),
    }
);

code_enum!(
    /// The office's steps against an overdue hazard, in order.
    EscalationLevel {
        /// 提醒.
        Reminder = ("reminder", "提醒"),
        /// 督办函.
        SupervisionLetter = ("supervision_letter", "督办函"),
        /// 约谈.
        Interview = ("interview", "约谈"),
        /// 通报.
        PublicNotice = ("public_notice", "通报"),
    }
);

impl EscalationLevel {
    /// Its rank (提醒 first).
    pub fn rank(self) -> usize {
        EscalationLevel::ALL.iter().position(|l| *l == self).unwrap_or(0)
    }
}

code_enum!(
    /// How a 复查 was made.
    ReinspectionMode {
        /// 现场复查.
        OnSite = ("on_site", "现场复查"),
        /// 书面复查 (on the report and its photos).
        Written = ("written", "书面复查"),
    }
);

/// One event in a hazard's life, as recorded (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, autosurgeon::Reconcile, autosurgeon::Hydrate)]
pub struct HazardEvent {
    /// Unique id (UUID v7: ordered by creation on one device).
    pub id: String,
    /// The hazard.
    pub finding: FindingId,
    /// What happened.
    pub kind: EventKind,
    /// Who.
    pub by: PersonId,
    /// In which role.
    pub role: Role,
    /// When.
    pub at: Timestamp,
    /// Photos and files (SHA-256) that back it.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Why (required when a report is returned or a 复查 fails).
    #[serde(default)]
    pub reason: Option<String>,
    /// A new deadline (required when a report is returned or a 复查 fails).
    #[serde(default)]
    pub deadline: Option<Day>,
    /// On a report: the enterprise asks for the 复查 (复查申请).
    #[serde(default)]
    pub requests_reinspection: bool,
    /// On a report: its id in `rectification_reports`.
    #[serde(default)]
    pub report: Option<String>,
    /// On a 复查: how it was made.
    #[serde(default)]
    pub mode: Option<ReinspectionMode>,
    /// On an escalation: which step.
    #[serde(default)]
    #[autosurgeon(missing = "Option::default")]
    pub escalation: Option<EscalationLevel>,
    /// On a 挂牌督办: level, supervising office, public or not.
    #[serde(default)]
    #[autosurgeon(missing = "Option::default")]
    pub listing: Option<Listing>,
}

impl HazardEvent {
    /// An event `id` of `kind` on `finding` by `by` in `role` at `at`, with
    /// nothing else said yet (the caller sets what its kind needs).
    pub fn new(id: String, finding: FindingId, kind: EventKind, by: PersonId, role: Role, at: Timestamp) -> Self {
        HazardEvent {
            id,
            finding,
            kind,
            by,
            role,
            at,
            evidence: vec![],
            reason: None,
            deadline: None,
            requests_reinspection: false,
            report: None,
            mode: None,
            escalation: None,
            listing: None,
        }
    }
}

/// The rules of the loop an office may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopRules {
    /// The 复查 is due within this of the deadline or of the 复查申请,
    /// whichever comes first. Default: 10 working days. The sources read
    /// say "10 日" without saying whether working days are meant
    /// (unverified), so an office may set calendar days instead.
    pub reinspection_within: DeadlineRule,
    /// A drawn inspection's result is published (抽查结果公示) within this of
    /// its forming ([`crate::rules::publication`]). Default: 20 working days,
    /// widely attributed to 国发〔2019〕5号 but unverified, so an office sets it.
    #[serde(default = "default_publication")]
    pub results_published_within: DeadlineRule,
}

fn default_publication() -> DeadlineRule {
    DeadlineRule::WorkingDays(20)
}

/// The office's own time rules of the loop, as imported
/// (`lianjian-sync-server import-loop-rules FILE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopRulesImport {
    /// The notice it comes from.
    pub source: String,
    /// The rules.
    pub rules: LoopRules,
}

impl LoopRulesImport {
    /// Parses the TOML an office writes; the period must be 1–60 days.
    pub fn from_toml(text: &str) -> crate::error::Result<Self> {
        let parsed: LoopRulesImport = toml::from_str(text).map_err(|e| {
            crate::error::Error::validation("loop_rules", format!("复查时限文件格式错误：{}", e.message()))
        })?;
        if parsed.source.trim().is_empty() {
            return Err(crate::error::Error::validation("loop_rules", "须注明依据（source）"));
        }
        let days = match parsed.rules.reinspection_within {
            DeadlineRule::CalendarDays(n) | DeadlineRule::WorkingDays(n) => n,
        };
        if !(1..=60).contains(&days) {
            return Err(crate::error::Error::validation("loop_rules", "复查时限须在 1 至 60 日之间"));
        }
        let publication = match parsed.rules.results_published_within {
            DeadlineRule::CalendarDays(n) | DeadlineRule::WorkingDays(n) => n,
        };
        if !(1..=60).contains(&publication) {
            return Err(crate::error::Error::validation("loop_rules", "抽查结果公示时限须在 1 至 60 日之间"));
        }
        Ok(parsed)
    }
}

impl Default for LoopRules {
    fn default() -> Self {
        LoopRules {
            reinspection_within: DeadlineRule::WorkingDays(10),
            results_published_within: default_publication(),
        }
    }
}

/// The action an event needs, wherever the hazard stands.
pub fn action_of(kind: EventKind) -> Action {
    match kind {
        EventKind::Ordered => Action::IssueOrder,
        EventKind::ConfirmedOnSite => Action::CloseOnSite,
        EventKind::Submitted => Action::SubmitRectification,
        EventKind::Accepted | EventKind::Returned => Action::ReviewRectification,
        EventKind::Passed | EventKind::Failed => Action::Reinspect,
        EventKind::Escalated => Action::Escalate,
        EventKind::Listed => Action::SuperviseMajor,
        EventKind::ReferralAccepted => Action::AcceptReferral,
        EventKind::PlanFiled | EventKind::Milestone | EventKind::Assessed | EventKind::ResumptionRequested => {
            Action::SubmitRectification
        }
    }
}

/// The state an event moves a hazard from `state` to, and the action it
/// needs; `None` if the event cannot happen there.
pub fn transition(state: HazardState, kind: EventKind) -> Option<(HazardState, Action)> {
    use EventKind as E;
    use HazardState as S;
    let next = match (state, kind) {
        (S::Found, E::Ordered) => S::Rectifying,
        (S::Found, E::ConfirmedOnSite) => S::Closed,
        // A report may come before the order's event (a self-reported
        // hazard has none): the enterprise is at it either way.
        (S::Found | S::Rectifying, E::Submitted) => S::Submitted,
        (S::Submitted, E::Accepted) => S::ReinspectionDue,
        (S::Submitted, E::Returned) => S::Rectifying,
        (S::ReinspectionDue, E::Passed) => S::Closed,
        (S::ReinspectionDue, E::Failed) => S::Rectifying,
        // An escalation presses; it moves nothing.
        (S::Found | S::Rectifying, E::Escalated) => state,
        (S::Rectifying, E::PlanFiled | E::Milestone | E::Assessed) => state,
        (S::Found | S::Rectifying | S::Submitted | S::ReinspectionDue, E::Listed | E::ReferralAccepted) => state,
        // The 现场审查 decides, as a 复查 does (Passed: 核销 and 摘牌).
        (S::Rectifying, E::ResumptionRequested) => S::ReinspectionDue,
        _ => return None,
    };
    Some((next, action_of(kind)))
}

/// The coarse status a finding shows once `kind` moved it (the field the
/// signed record carries; the life cycle itself is the fold of events).
/// `None`: the event leaves it as it is.
pub fn finding_status_after(kind: EventKind) -> Option<FindingStatus> {
    match kind {
        EventKind::Ordered
        | EventKind::Accepted
        | EventKind::Escalated
        | EventKind::PlanFiled
        | EventKind::Listed
        | EventKind::Milestone
        | EventKind::Assessed
        | EventKind::ReferralAccepted => None,
        EventKind::ResumptionRequested => Some(FindingStatus::AwaitingReinspection),
        EventKind::ConfirmedOnSite | EventKind::Passed => Some(FindingStatus::Closed),
        EventKind::Submitted => Some(FindingStatus::AwaitingReinspection),
        EventKind::Returned | EventKind::Failed => Some(FindingStatus::Reopened),
    }
}

/// Why an event does not apply where it falls, in Chinese.
pub fn refusal(state: HazardState, event: &HazardEvent) -> Option<String> {
    // Who may comes first: a step that is never theirs is not "too early".
    let action = action_of(event.kind);
    if !allows(event.role, action) {
        return Some(format!("{}不能{}", event.role.label(), action.label()));
    }
    if transition(state, event.kind).is_none() {
        return Some(format!("隐患「{}」时不能{}", state.label(), event.kind.label()));
    }
    let day = local_date(&event.at.0);
    if matches!(event.kind, EventKind::Passed | EventKind::Failed) && event.mode.is_none() {
        return Some("复查须注明现场或书面".into());
    }
    match event.kind {
        EventKind::ConfirmedOnSite if event.evidence.is_empty() => Some("现场整改须附整改后照片".into()),
        EventKind::Returned | EventKind::Failed => {
            if event.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                Some(format!("{}须写明理由", event.kind.label()))
            } else if event.deadline.is_none_or(|d| d.0 < day) {
                Some(format!("{}须给出不早于当日的新整改期限", event.kind.label()))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Why an escalation cannot be recorded on `lc` (beyond [`refusal`]): the
/// hazard must be overdue on the day, and each step comes after the last.
pub fn escalation_refusal(lc: &LifeCycle, event: &HazardEvent) -> Option<String> {
    let Some(level) = event.escalation else {
        return Some("督促须注明提醒、督办函、约谈或通报".into());
    };
    if !lc.is_overdue(local_date(&event.at.0)) {
        return Some("隐患未逾期，不能督促升级".into());
    }
    match lc.escalation {
        Some(done) if done.rank() >= level.rank() => Some(format!("已{}，不能再{}", done.label(), level.label())),
        _ => None,
    }
}

/// Why `event` cannot happen to the hazard as `lc` stands: [`refusal`], and
/// for an escalation [`escalation_refusal`].
pub fn refusal_on(lc: &LifeCycle, event: &HazardEvent) -> Option<String> {
    refusal(lc.state, event).or_else(|| match event.kind {
        EventKind::Escalated => escalation_refusal(lc, event),
        EventKind::ReferralAccepted if !lc.referred => Some("该隐患未移交".into()),
        EventKind::ReferralAccepted if lc.referral_accepted_by.is_some() => Some("移交已被接收".into()),
        _ => major::refusal(lc, event),
    })
}

/// A hazard's life as its events make it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifeCycle {
    /// The hazard.
    pub finding: FindingId,
    /// Where it stands.
    pub state: HazardState,
    /// The deadline on the order: "按期" is measured against it, whatever
    /// came later.
    pub original_deadline: NaiveDate,
    /// The deadline in force (a return or a failed 复查 sets a new one).
    pub deadline: NaiveDate,
    /// The day of the 复查申请 in force, if the enterprise asked.
    pub reinspection_requested: Option<NaiveDate>,
    /// When it was closed (销号).
    pub closed_at: Option<Timestamp>,
    /// The office's last step against it (提醒 … 通报).
    pub escalation: Option<EscalationLevel>,
    /// A 重大事故隐患 (its grade says so): it goes the major path.
    pub major: bool,
    /// 重大: the 治理方案 in force (its id).
    pub plan: Option<String>,
    /// 重大: the treatment's assessment was filed.
    pub assessed: bool,
    /// 重大: the office's 挂牌督办, while listed (摘牌 when closed).
    pub listing: Option<Listing>,
    /// Referred to another department (移交).
    pub referred: bool,
    /// Who of that department accepted the referral.
    pub referral_accepted_by: Option<PersonId>,
    /// The events that applied, in order.
    pub applied: Vec<HazardEvent>,
    /// Events kept but not applied, with the reason.
    pub ignored: Vec<(HazardEvent, String)>,
}

impl LifeCycle {
    /// Whether the hazard is past its deadline in force on `today` and not
    /// yet with the officers (found or rectifying).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.state, HazardState::Found | HazardState::Rectifying) && today > self.deadline
    }

    /// Whether it was closed by the original deadline (按期整改).
    pub fn closed_on_time(&self) -> Option<bool> {
        self.closed_at.map(|t| local_date(&t.0) <= self.original_deadline)
    }

    /// The day the 复查 is due: within the rule of the deadline in force or
    /// of the 复查申请, whichever comes first (for a major hazard, of its
    /// application to resume, once made). `None` once closed, or before the
    /// order is handed over.
    pub fn reinspection_due(&self, cal: &HolidayCalendar, rules: &LoopRules) -> Option<NaiveDate> {
        if matches!(self.state, HazardState::Found | HazardState::Closed) {
            return None;
        }
        let from_request = self
            .reinspection_requested
            .and_then(|d| apply_rule(cal, rules.reinspection_within, d).ok())
            .map(|c| c.date);
        // A major hazard's 现场审查 counts from the application to resume.
        if self.major && from_request.is_some() {
            return from_request;
        }
        let from_deadline = apply_rule(cal, rules.reinspection_within, self.deadline).ok().map(|c| c.date);
        match (from_deadline, from_request) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the 复查 is late on `today`.
    pub fn reinspection_overdue(&self, cal: &HolidayCalendar, rules: &LoopRules, today: NaiveDate) -> bool {
        self.reinspection_due(cal, rules).is_some_and(|d| today > d)
    }
}

/// What the fold needs to know of a hazard besides its events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HazardFacts {
    /// The hazard.
    pub finding: FindingId,
    /// The deadline on its order.
    pub deadline: NaiveDate,
    /// Its grade is a 重大事故隐患.
    pub major: bool,
    /// The team referred it to another department (移交).
    pub referred: bool,
}

impl HazardFacts {
    /// An ordinary or major hazard, not referred.
    pub fn new(finding: FindingId, deadline: NaiveDate, major: bool) -> Self {
        HazardFacts { finding, deadline, major, referred: false }
    }
}

/// Folds `events` (any order, any replica; others' hazards are skipped)
/// into the life cycle of the hazard `facts` describe.
pub fn life_cycle(facts: &HazardFacts, events: &[HazardEvent]) -> LifeCycle {
    let HazardFacts { finding, deadline, major, referred } = *facts;
    let mut mine: Vec<&HazardEvent> = events.iter().filter(|e| e.finding == finding).collect();
    mine.sort_by(|a, b| (a.at.unix_millis(), &a.id).cmp(&(b.at.unix_millis(), &b.id)));
    mine.dedup_by(|a, b| a.id == b.id);
    let mut lc = LifeCycle {
        finding,
        state: HazardState::Found,
        original_deadline: deadline,
        deadline,
        reinspection_requested: None,
        closed_at: None,
        escalation: None,
        major,
        plan: None,
        assessed: false,
        listing: None,
        referred,
        referral_accepted_by: None,
        applied: vec![],
        ignored: vec![],
    };
    for e in mine {
        if let Some(why) = refusal_on(&lc, e) {
            lc.ignored.push((e.clone(), why));
            continue;
        }
        let (next, _) = transition(lc.state, e.kind).expect("checked by refusal");
        match e.kind {
            EventKind::Submitted if e.requests_reinspection => lc.reinspection_requested = Some(local_date(&e.at.0)),
            EventKind::Returned | EventKind::Failed => {
                lc.deadline = e.deadline.expect("checked by refusal").0;
                lc.reinspection_requested = None;
            }
            EventKind::Escalated => lc.escalation = e.escalation,
            EventKind::PlanFiled => lc.plan = e.report.clone(),
            EventKind::Assessed => lc.assessed = true,
            EventKind::Listed => lc.listing = e.listing.clone(),
            EventKind::ReferralAccepted => lc.referral_accepted_by = Some(e.by),
            EventKind::ResumptionRequested => lc.reinspection_requested = Some(local_date(&e.at.0)),
            _ => {}
        }
        if next == HazardState::Closed {
            lc.closed_at = Some(e.at);
            lc.listing = None;
        }
        lc.state = next;
        lc.applied.push(e.clone());
    }
    lc
}

pub mod major;
pub mod timeliness;

#[cfg(test)]
mod tests;
