//! The 重大事故隐患 path (安监总局令第16号; research B.1): the enterprise
//! files its report and 治理方案, the office may list the hazard for
//! supervision (挂牌督办, once), the enterprise reports progress, files the
//! assessment of the treatment and applies to resume production; the
//! 现场审查 then passes (核销, 摘牌) or fails (停产整改 goes on, with a new
//! deadline). A major hazard does not take the ordinary report; an ordinary
//! one does not take this path. And the warning when an order to suspend
//! production nears six months.

use chrono::{Months, NaiveDate};

use super::{EventKind, HazardEvent, HazardState, LifeCycle};
use crate::model::{Finding, ImmediateMeasure};

/// Why `event` does not fit the major path where `lc` stands (the state
/// machine and the role are checked before).
pub fn refusal(lc: &LifeCycle, event: &HazardEvent) -> Option<String> {
    use EventKind::*;
    let path_step = matches!(event.kind, PlanFiled | Listed | Milestone | Assessed | ResumptionRequested);
    if path_step && !lc.major {
        return Some(format!("一般隐患不{}", event.kind.label()));
    }
    match event.kind {
        Submitted if lc.major => Some("重大事故隐患须报送治理方案，经评估后申请恢复生产".into()),
        PlanFiled if event.report.is_none() => Some("报送治理方案须附治理方案".into()),
        Listed if event.listing.is_none() => Some("挂牌督办须注明级别和督办单位".into()),
        Listed if event.listing.as_ref().is_some_and(|l| l.supervisor.trim().is_empty()) => {
            Some("挂牌督办须注明督办单位".into())
        }
        Listed if lc.listing.is_some() => Some("该隐患已挂牌督办".into()),
        Milestone if event.reason.as_deref().is_none_or(|r| r.trim().is_empty()) => Some("治理进展须写明内容".into()),
        Assessed | ResumptionRequested if lc.plan.is_none() => Some("须先报送治理方案".into()),
        Assessed if event.evidence.is_empty() => Some("治理效果评估须附评估报告".into()),
        ResumptionRequested if !lc.assessed => Some("申请恢复生产须先提交治理效果评估报告".into()),
        _ => None,
    }
}

/// Months after which an order to suspend production (责令暂时停产停业) is
/// flagged, and the six months it nears.
pub const SUSPENSION_WARN_AFTER: u32 = 5;
/// See [`SUSPENSION_WARN_AFTER`].
pub const SUSPENSION_LIMIT: u32 = 6;

/// The warning for a hazard whose order suspended production and is not
/// closed, from five months after it was found until it is: the office
/// must decide before six months pass.
pub fn suspension_warning(finding: &Finding, lc: &LifeCycle, today: NaiveDate) -> Option<String> {
    if finding.immediate_measure != Some(ImmediateMeasure::SuspendProduction) || lc.state == HazardState::Closed {
        return None;
    }
    let since = crate::model::time::local_date(&finding.found_at.0);
    let warn = since.checked_add_months(Months::new(SUSPENSION_WARN_AFTER))?;
    let limit = since.checked_add_months(Months::new(SUSPENSION_LIMIT))?;
    (today >= warn).then(|| {
        if today >= limit {
            format!("责令暂时停产停业自{since}起已满六个月（{limit}），须作出处理决定")
        } else {
            format!("责令暂时停产停业自{since}起将满六个月（{limit}）")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::{life_cycle, HazardEvent, HazardFacts, ReinspectionMode};
    use super::*;
    use crate::model::governance::{Listing, ListingLevel};
    use crate::model::{FindingId, PersonId, Timestamp};
    use crate::rules::permissions::Role;

    fn facts(major: bool) -> HazardFacts {
        HazardFacts::new(FindingId::from_uuid(uuid::Uuid::nil()), "2026-04-17".parse().unwrap(), major)
    }

    fn ev(n: u32, kind: EventKind, role: Role, at: &str) -> HazardEvent {
        let (f, by) = (FindingId::from_uuid(uuid::Uuid::nil()), PersonId::from_uuid(uuid::Uuid::nil()));
        HazardEvent::new(format!("e{n:03}"), f, kind, by, role, Timestamp::parse(at).unwrap())
    }

    #[test]
    fn a_major_hazard_goes_from_plan_to_resumption_review_and_is_delisted() {
        use EventKind::*;
        let mut plan = ev(2, PlanFiled, Role::Enterprise, "2026-03-20T09:00:00+08:00");
        plan.report = Some("p1".into());
        let mut listed = ev(3, Listed, Role::Office, "2026-03-21T09:00:00+08:00");
        listed.listing =
            Some(Listing { level: ListingLevel::City, supervisor: "咸宁市安委办".into(), public: true });
        let mut again = listed.clone();
        again.id = "e004".into();
        again.at = Timestamp::parse("2026-03-22T09:00:00+08:00").unwrap();
        let early = ev(5, ResumptionRequested, Role::Enterprise, "2026-04-01T09:00:00+08:00");
        let mut progress = ev(6, Milestone, Role::Enterprise, "2026-04-10T09:00:00+08:00");
        progress.reason = Some("旧围堰已拆除".into());
        let mut assessed = ev(7, Assessed, Role::Enterprise, "2026-04-28T09:00:00+08:00");
        assessed.evidence = vec!["ab".repeat(32)];
        let resume = ev(8, ResumptionRequested, Role::Enterprise, "2026-04-29T09:00:00+08:00");
        let mut review = ev(9, Passed, Role::TeamLead, "2026-05-08T09:00:00+08:00");
        review.mode = Some(ReinspectionMode::OnSite);
        let events = [
            ev(1, Ordered, Role::TeamLead, "2026-03-18T16:00:00+08:00"),
            plan,
            listed,
            again,
            early,
            progress,
            assessed,
            resume,
            review,
        ];
        let mid = life_cycle(&facts(true), &events[..8]);
        assert_eq!(mid.state, HazardState::ReinspectionDue);
        assert!(mid.listing.as_ref().is_some_and(|l| l.public));
        let ignored: Vec<(&str, &str)> = mid.ignored.iter().map(|(e, why)| (e.id.as_str(), why.as_str())).collect();
        assert_eq!(ignored, [("e004", "该隐患已挂牌督办"), ("e005", "申请恢复生产须先提交治理效果评估报告")]);
        let cal = crate::rules::calendar::HolidayCalendar::bundled();
        // 现场审查 within 10 working days of the application (04-29), whatever the
        // deadline: 05-01..05 off, 05-09 a make-up Saturday.
        assert_eq!(mid.reinspection_due(&cal, &Default::default()), Some("2026-05-15".parse().unwrap()));
        let done = life_cycle(&facts(true), &events);
        assert_eq!(done.state, HazardState::Closed);
        assert!(done.listing.is_none(), "摘牌 when closed");
        // The ordinary report is not the major path, and the major path is not the ordinary one's.
        let mut report = ev(10, Submitted, Role::Enterprise, "2026-03-25T09:00:00+08:00");
        report.report = Some("r1".into());
        let ordered = [ev(1, Ordered, Role::TeamLead, "2026-03-18T16:00:00+08:00")];
        let lc = life_cycle(&facts(true), &ordered);
        assert!(refusal(&lc, &report).unwrap().contains("治理方案"));
        let ordinary = life_cycle(&facts(false), &ordered);
        assert!(refusal(&ordinary, &events[1]).unwrap().contains("一般隐患"));
    }

    #[test]
    fn suspended_production_is_flagged_from_five_months_on() {
        let mut f = Finding::new(
            "液氯储罐区围堰破损",
            "储罐区",
            "一级",
            PersonId::new(),
            Timestamp::parse("2026-03-18T10:00:00+08:00").unwrap(),
        );
        f.immediate_measure = Some(ImmediateMeasure::SuspendProduction);
        let lc = life_cycle(&HazardFacts::new(f.id, "2026-04-17".parse().unwrap(), true), &[]);
        let on = |d: &str| suspension_warning(&f, &lc, d.parse().unwrap());
        assert_eq!(on("2026-08-17"), None);
        assert!(on("2026-08-18").unwrap().contains("将满六个月（2026-09-18）"));
        assert!(on("2026-09-18").unwrap().contains("已满六个月"));
        f.immediate_measure = Some(ImmediateMeasure::StopWork);
        assert_eq!(suspension_warning(&f, &lc, "2026-09-18".parse().unwrap()), None);
    }
}
