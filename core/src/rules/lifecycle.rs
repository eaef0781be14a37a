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
}

/// The rules of the loop an office may set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopRules {
    /// The 复查 is due within this of the deadline or of the 复查申请,
    /// whichever comes first. Default: 10 working days. The sources read
    /// say "10 日" without saying whether working days are meant
    /// (unverified), so an office may set calendar days instead.
    pub reinspection_within: DeadlineRule,
}

impl Default for LoopRules {
    fn default() -> Self {
        LoopRules { reinspection_within: DeadlineRule::WorkingDays(10) }
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
        (S::Rectifying, E::Submitted) => S::Submitted,
        (S::Submitted, E::Accepted) => S::ReinspectionDue,
        (S::Submitted, E::Returned) => S::Rectifying,
        (S::ReinspectionDue, E::Passed) => S::Closed,
        (S::ReinspectionDue, E::Failed) => S::Rectifying,
        // An escalation presses; it moves nothing.
        (S::Found | S::Rectifying, E::Escalated) => state,
        _ => return None,
    };
    Some((next, action_of(kind)))
}

/// The coarse status a finding shows once `kind` moved it (the field the
/// signed record carries; the life cycle itself is the fold of events).
/// `None`: the event leaves it as it is.
pub fn finding_status_after(kind: EventKind) -> Option<FindingStatus> {
    match kind {
        EventKind::Ordered | EventKind::Accepted | EventKind::Escalated => None,
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
        _ => None,
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
    /// of the 复查申请, whichever comes first. `None` once closed, or
    /// before the order is handed over.
    pub fn reinspection_due(&self, cal: &HolidayCalendar, rules: &LoopRules) -> Option<NaiveDate> {
        if matches!(self.state, HazardState::Found | HazardState::Closed) {
            return None;
        }
        let from_deadline = apply_rule(cal, rules.reinspection_within, self.deadline).ok().map(|c| c.date);
        let from_request = self
            .reinspection_requested
            .and_then(|d| apply_rule(cal, rules.reinspection_within, d).ok())
            .map(|c| c.date);
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

/// Folds `events` (any order, any replica; others' hazards are skipped)
/// into the life cycle of hazard `finding`, whose order carries `deadline`.
pub fn life_cycle(finding: FindingId, deadline: NaiveDate, events: &[HazardEvent]) -> LifeCycle {
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
            _ => {}
        }
        if next == HazardState::Closed {
            lc.closed_at = Some(e.at);
        }
        lc.state = next;
        lc.applied.push(e.clone());
    }
    lc
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn hazard() -> FindingId {
        FindingId::from_uuid(uuid::Uuid::nil())
    }

    fn ev(n: u32, kind: EventKind, role: Role, at: &str) -> HazardEvent {
        HazardEvent {
            id: format!("e{n:03}"),
            finding: hazard(),
            kind,
            by: PersonId::from_uuid(uuid::Uuid::nil()),
            role,
            at: Timestamp::parse(at).unwrap(),
            evidence: vec!["ab".repeat(32)],
            reason: Some("整改照片与隐患位置不符".into()),
            deadline: Some(Day(d("2026-10-20"))),
            requests_reinspection: true,
            report: None,
            mode: Some(ReinspectionMode::OnSite),
            escalation: Some(EscalationLevel::Reminder),
        }
    }

    #[test]
    fn every_state_and_event() {
        use EventKind as E;
        use HazardState as S;
        let allowed = [
            (S::Found, E::Ordered, S::Rectifying),
            (S::Found, E::ConfirmedOnSite, S::Closed),
            (S::Rectifying, E::Submitted, S::Submitted),
            (S::Submitted, E::Accepted, S::ReinspectionDue),
            (S::Submitted, E::Returned, S::Rectifying),
            (S::ReinspectionDue, E::Passed, S::Closed),
            (S::ReinspectionDue, E::Failed, S::Rectifying),
            (S::Found, E::Escalated, S::Found),
            (S::Rectifying, E::Escalated, S::Rectifying),
        ];
        for &s in HazardState::ALL {
            for &k in EventKind::ALL {
                let expected = allowed.iter().find(|(a, b, _)| *a == s && *b == k).map(|t| t.2);
                assert_eq!(transition(s, k).map(|t| t.0), expected, "{s} {k}");
            }
        }
        // Who may: the enterprise reports, officers decide, the office does neither.
        let e = |k, r| ev(1, k, r, "2026-09-01T10:00:00+08:00");
        assert!(refusal(S::Rectifying, &e(E::Submitted, Role::Enterprise)).is_none());
        assert!(refusal(S::Rectifying, &e(E::Submitted, Role::Inspector)).is_some());
        assert!(refusal(S::Submitted, &e(E::Accepted, Role::Enterprise)).is_some());
        assert!(refusal(S::Submitted, &e(E::Accepted, Role::Inspector)).is_none());
        assert!(refusal(S::ReinspectionDue, &e(E::Passed, Role::Enterprise)).is_some());
        assert!(refusal(S::Found, &e(E::Ordered, Role::TeamLead)).is_none());
        // What each needs.
        let mut bare = e(E::ConfirmedOnSite, Role::Inspector);
        bare.evidence.clear();
        assert!(refusal(S::Found, &bare).unwrap().contains("照片"));
        let mut no_reason = e(E::Returned, Role::Inspector);
        no_reason.reason = Some("  ".into());
        assert!(refusal(S::Submitted, &no_reason).unwrap().contains("理由"));
        let mut early = e(E::Failed, Role::Inspector);
        early.deadline = Some(Day(d("2026-08-31")));
        assert!(refusal(S::ReinspectionDue, &early).unwrap().contains("期限"));
        let mut no_mode = e(E::Passed, Role::Inspector);
        no_mode.mode = None;
        assert!(refusal(S::ReinspectionDue, &no_mode).unwrap().contains("书面"));
    }

    #[test]
    fn a_returned_report_keeps_the_original_deadline_and_counts_late() {
        use EventKind as E;
        let events = [
            ev(1, E::Ordered, Role::TeamLead, "2026-09-10T16:00:00+08:00"),
            ev(2, E::Submitted, Role::Enterprise, "2026-09-25T09:00:00+08:00"),
            ev(3, E::Returned, Role::Inspector, "2026-09-28T09:00:00+08:00"),
            ev(4, E::Submitted, Role::Enterprise, "2026-10-12T09:00:00+08:00"),
            ev(5, E::Accepted, Role::Inspector, "2026-10-13T09:00:00+08:00"),
            ev(6, E::Passed, Role::Inspector, "2026-10-15T09:00:00+08:00"),
        ];
        let lc = life_cycle(hazard(), d("2026-09-30"), &events);
        assert_eq!(lc.state, HazardState::Closed);
        assert_eq!((lc.original_deadline, lc.deadline), (d("2026-09-30"), d("2026-10-20")));
        assert_eq!(lc.closed_on_time(), Some(false), "closed after the original deadline");
        assert_eq!(lc.applied.len(), 6);
        assert!(lc.ignored.is_empty());
    }

    #[test]
    fn overdue_and_reinspection_due_around_the_2026_national_day() {
        let cal = HolidayCalendar::bundled();
        let working = LoopRules::default();
        let calendar_days = LoopRules { reinspection_within: DeadlineRule::CalendarDays(10) };
        let ordered = [ev(1, EventKind::Ordered, Role::TeamLead, "2026-09-10T16:00:00+08:00")];
        let lc = life_cycle(hazard(), d("2026-09-30"), &ordered);
        // The deadline day itself is in time; the next day is overdue, holiday or not.
        assert!(!lc.is_overdue(d("2026-09-30")));
        assert!(lc.is_overdue(d("2026-10-01")));
        // 10 working days after 09-30: 10-01..07 off, 10-10 a make-up Saturday.
        assert_eq!(lc.reinspection_due(&cal, &working), Some(d("2026-10-20")));
        assert_eq!(lc.reinspection_due(&cal, &calendar_days), Some(d("2026-10-10")));
        // A 复查申请 on 09-28 comes first.
        let mut asked = ordered.to_vec();
        asked.push(ev(2, EventKind::Submitted, Role::Enterprise, "2026-09-28T11:00:00+08:00"));
        let lc = life_cycle(hazard(), d("2026-09-30"), &asked);
        assert_eq!(lc.state, HazardState::Submitted);
        assert!(!lc.is_overdue(d("2026-10-05")), "a report in time is with the officers");
        assert_eq!(lc.reinspection_due(&cal, &working), Some(d("2026-10-16")));
        assert_eq!(lc.reinspection_due(&cal, &calendar_days), Some(d("2026-10-08")));
        assert!(!lc.reinspection_overdue(&cal, &working, d("2026-10-16")));
        assert!(lc.reinspection_overdue(&cal, &working, d("2026-10-17")));
    }

    #[test]
    fn the_office_escalates_an_overdue_hazard_step_by_step() {
        use EscalationLevel as L;
        let esc = |n, level: Option<L>, at: &str| {
            let mut e = ev(n, EventKind::Escalated, Role::Office, at);
            e.escalation = level;
            e
        };
        let mut events = vec![
            ev(1, EventKind::Ordered, Role::TeamLead, "2026-09-10T16:00:00+08:00"),
            // Too early: the deadline (09-30) has not passed.
            esc(2, Some(L::Reminder), "2026-09-30T09:00:00+08:00"),
            esc(3, Some(L::Reminder), "2026-10-01T09:00:00+08:00"),
            // The same step again, and a step back: ignored.
            esc(4, Some(L::Reminder), "2026-10-05T09:00:00+08:00"),
            esc(5, Some(L::SupervisionLetter), "2026-10-09T09:00:00+08:00"),
            esc(6, Some(L::Reminder), "2026-10-12T09:00:00+08:00"),
            esc(7, Some(L::Interview), "2026-10-15T09:00:00+08:00"),
            esc(8, None, "2026-10-16T09:00:00+08:00"),
        ];
        // An inspector may not escalate.
        events.push({
            let mut e = esc(9, Some(L::PublicNotice), "2026-10-20T09:00:00+08:00");
            e.role = Role::Inspector;
            e
        });
        let lc = life_cycle(hazard(), d("2026-09-30"), &events);
        assert_eq!(lc.state, HazardState::Rectifying);
        assert_eq!(lc.escalation, Some(L::Interview));
        let ignored: Vec<&str> = lc.ignored.iter().map(|(e, _)| e.id.as_str()).collect();
        assert_eq!(ignored, ["e002", "e004", "e006", "e008", "e009"]);
        assert!(lc.ignored[0].1.contains("未逾期"));
        assert!(lc.ignored[4].1.contains("检查人员"), "{}", lc.ignored[4].1);
    }

    #[test]
    fn two_officers_reviewing_offline_the_first_decides_on_every_replica() {
        use EventKind as E;
        let events = vec![
            ev(1, E::Ordered, Role::TeamLead, "2026-09-10T16:00:00+08:00"),
            ev(2, E::Submitted, Role::Enterprise, "2026-09-25T09:00:00+08:00"),
            ev(4, E::Returned, Role::Inspector, "2026-09-26T10:00:00+08:00"),
            ev(3, E::Accepted, Role::TeamLead, "2026-09-26T09:00:00+08:00"),
        ];
        let lc = life_cycle(hazard(), d("2026-09-30"), &events);
        assert_eq!(lc.state, HazardState::ReinspectionDue);
        assert_eq!(lc.ignored.len(), 1);
        assert!(lc.ignored[0].1.contains("待复查"), "{}", lc.ignored[0].1);
    }

    fn arb_event() -> impl Strategy<Value = HazardEvent> {
        (0u32..40, 0usize..EventKind::ALL.len(), 0usize..Role::ALL.len(), 0i64..30, any::<bool>(), any::<bool>())
            .prop_map(|(n, k, r, day, reason, request)| {
                let at = Timestamp::from_unix_millis(1_788_000_000_000 + day * 86_400_000 + i64::from(n));
                let mut e = ev(n, EventKind::ALL[k], Role::ALL[r], "2026-09-01T00:00:00+08:00");
                e.at = at;
                e.reason = reason.then(|| "理由".into());
                e.requests_reinspection = request;
                e.deadline = Some(Day(d("2026-12-31")));
                e
            })
    }

    proptest! {
        /// Events recorded on three replicas and merged in any order (each
        /// replica may also hold duplicates of what it relayed): one life
        /// cycle, and every event applied or ignored, never lost.
        #[test]
        fn any_merge_order_gives_one_life_cycle(
            mut events in proptest::collection::vec(arb_event(), 0..25),
            seed in any::<u64>(),
        ) {
            for (i, e) in events.iter_mut().enumerate() {
                e.id = format!("e{i:03}");
            }
            let base = life_cycle(hazard(), d("2026-09-30"), &events);
            let mut shuffled = events.clone();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            let mut dup = shuffled.clone();
            dup.extend(events.iter().take(3).cloned());
            for other in [shuffled, dup] {
                let lc = life_cycle(hazard(), d("2026-09-30"), &other);
                prop_assert_eq!(&lc, &base);
            }
            let mut ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            prop_assert_eq!(base.applied.len() + base.ignored.len(), ids.len());
        }
    }
}
