//! Tables and properties of the life cycle.

use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn hazard() -> FindingId {
    FindingId::from_uuid(uuid::Uuid::nil())
}

fn ev(n: u32, kind: EventKind, role: Role, at: &str) -> HazardEvent {
    let by = PersonId::from_uuid(uuid::Uuid::nil());
    let mut e = HazardEvent::new(format!("e{n:03}"), hazard(), kind, by, role, Timestamp::parse(at).unwrap());
    e.evidence = vec!["ab".repeat(32)];
    e.reason = Some("整改照片与隐患位置不符".into());
    e.deadline = Some(Day(d("2026-10-20")));
    e.requests_reinspection = true;
    e.mode = Some(ReinspectionMode::OnSite);
    e.escalation = Some(EscalationLevel::Reminder);
    e
}

#[test]
fn every_state_and_event() {
    use EventKind as E;
    use HazardState as S;
    let allowed = [
        (S::Found, E::Ordered, S::Rectifying),
        (S::Found, E::ConfirmedOnSite, S::Closed),
        (S::Found, E::Submitted, S::Submitted),
        (S::Rectifying, E::Submitted, S::Submitted),
        (S::Submitted, E::Accepted, S::ReinspectionDue),
        (S::Submitted, E::Returned, S::Rectifying),
        (S::ReinspectionDue, E::Passed, S::Closed),
        (S::ReinspectionDue, E::Failed, S::Rectifying),
        (S::Found, E::Escalated, S::Found),
        (S::Rectifying, E::Escalated, S::Rectifying),
        (S::Rectifying, E::PlanFiled, S::Rectifying),
        (S::Rectifying, E::Milestone, S::Rectifying),
        (S::Rectifying, E::Assessed, S::Rectifying),
        (S::Rectifying, E::ResumptionRequested, S::ReinspectionDue),
        (S::Found, E::Listed, S::Found),
        (S::Rectifying, E::Listed, S::Rectifying),
        (S::Submitted, E::Listed, S::Submitted),
        (S::ReinspectionDue, E::Listed, S::ReinspectionDue),
        (S::Found, E::ReferralAccepted, S::Found),
        (S::Rectifying, E::ReferralAccepted, S::Rectifying),
        (S::Submitted, E::ReferralAccepted, S::Submitted),
        (S::ReinspectionDue, E::ReferralAccepted, S::ReinspectionDue),
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
    let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &events);
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
    let calendar_days = LoopRules { reinspection_within: DeadlineRule::CalendarDays(10), ..LoopRules::default() };
    let ordered = [ev(1, EventKind::Ordered, Role::TeamLead, "2026-09-10T16:00:00+08:00")];
    let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &ordered);
    // The deadline day itself is in time; the next day is overdue, holiday or not.
    assert!(!lc.is_overdue(d("2026-09-30")));
    assert!(lc.is_overdue(d("2026-10-01")));
    // 10 working days after 09-30: 10-01..07 off, 10-10 a make-up Saturday.
    assert_eq!(lc.reinspection_due(&cal, &working), Some(d("2026-10-20")));
    assert_eq!(lc.reinspection_due(&cal, &calendar_days), Some(d("2026-10-10")));
    // A 复查申请 on 09-28 comes first.
    let mut asked = ordered.to_vec();
    asked.push(ev(2, EventKind::Submitted, Role::Enterprise, "2026-09-28T11:00:00+08:00"));
    let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &asked);
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
    let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &events);
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
    let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &events);
    assert_eq!(lc.state, HazardState::ReinspectionDue);
    assert_eq!(lc.ignored.len(), 1);
    assert!(lc.ignored[0].1.contains("待复查"), "{}", lc.ignored[0].1);
}

fn arb_event() -> impl Strategy<Value = HazardEvent> {
    (0u32..40, 0usize..EventKind::ALL.len(), 0usize..Role::ALL.len(), 0i64..30, any::<bool>(), any::<bool>()).prop_map(
        |(n, k, r, day, reason, request)| {
            let at = Timestamp::from_unix_millis(1_788_000_000_000 + day * 86_400_000 + i64::from(n));
            let mut e = ev(n, EventKind::ALL[k], Role::ALL[r], "2026-09-01T00:00:00+08:00");
            e.at = at;
            e.reason = reason.then(|| "理由".into());
            e.requests_reinspection = request;
            e.deadline = Some(Day(d("2026-12-31")));
            e
        },
    )
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
        let base = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &events);
        let mut shuffled = events.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut dup = shuffled.clone();
        dup.extend(events.iter().take(3).cloned());
        for other in [shuffled, dup] {
            let lc = life_cycle(&HazardFacts::new(hazard(), d("2026-09-30"), false), &other);
            prop_assert_eq!(&lc, &base);
        }
        let mut ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(base.applied.len() + base.ignored.len(), ids.len());
    }
}
