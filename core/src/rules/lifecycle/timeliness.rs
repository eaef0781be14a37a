//! Whether each 复查 came in time (复查及时率): a 复查, passed or failed,
//! is timely when it is made within the office's rule (10 working days by
//! default, `LoopRules`) from the enterprise's 复查申请 before it or from
//! the deadline then in force, whichever comes first. The office's
//! statistics count these; the rule lives here so a device and the office
//! agree on what "in time" means.

use chrono::NaiveDate;

use super::{EventKind, LifeCycle, LoopRules};
use crate::model::time::local_date;
use crate::rules::calendar::HolidayCalendar;
use crate::rules::deadline::apply_rule;

/// One 复查: the day it was made and whether it came in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reinspection {
    /// The day of the 复查.
    pub on: NaiveDate,
    /// Within the rule.
    pub on_time: bool,
}

impl LifeCycle {
    /// Every 复查 of the hazard, in order, with whether it came in time.
    pub fn reinspections(&self, cal: &HolidayCalendar, rules: &LoopRules) -> Vec<Reinspection> {
        let mut deadline = self.original_deadline;
        let mut requested: Option<NaiveDate> = None;
        let mut out = Vec::new();
        for e in &self.applied {
            let on = local_date(&e.at.0);
            match e.kind {
                EventKind::Submitted if e.requests_reinspection => requested = Some(on),
                EventKind::Passed | EventKind::Failed => {
                    let due = |from: NaiveDate| apply_rule(cal, rules.reinspection_within, from).ok().map(|c| c.date);
                    let by = [requested.and_then(due), due(deadline)].into_iter().flatten().min();
                    out.push(Reinspection { on, on_time: by.is_some_and(|by| on <= by) });
                    requested = None;
                }
                _ => {}
            }
            if matches!(e.kind, EventKind::Returned | EventKind::Failed) {
                if let Some(d) = e.deadline {
                    deadline = d.0;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Day, FindingId, PersonId, Timestamp};
    use crate::rules::lifecycle::{life_cycle, HazardEvent, HazardFacts, ReinspectionMode};
    use crate::rules::permissions::Role;

    fn event(f: FindingId, kind: EventKind, at: &str) -> HazardEvent {
        let role = if kind == EventKind::Submitted { Role::Enterprise } else { Role::Inspector };
        let mut e = HazardEvent::new(at.to_string(), f, kind, PersonId::new(), role, Timestamp::parse(at).unwrap());
        if kind == EventKind::Submitted {
            e.report = Some(format!("report-{at}"));
        }
        if matches!(kind, EventKind::Passed | EventKind::Failed) {
            e.mode = Some(ReinspectionMode::OnSite);
        }
        e
    }

    #[test]
    fn a_reinspection_is_timely_within_ten_working_days_of_the_request_or_the_deadline() {
        let f = FindingId::new();
        let facts = HazardFacts::new(f, "2026-03-20".parse().unwrap(), false);
        let cal = HolidayCalendar::bundled();
        let rules = LoopRules::default();
        let mut submitted = event(f, EventKind::Submitted, "2026-03-18T09:00:00+08:00");
        submitted.requests_reinspection = true;
        let mut events = vec![
            event(f, EventKind::Ordered, "2026-03-10T16:00:00+08:00"),
            submitted,
            event(f, EventKind::Accepted, "2026-03-19T09:00:00+08:00"),
        ];
        // Ten working days from Wednesday 03-18 is 04-01; 04-01 is in time.
        let mut on_time = events.clone();
        on_time.push(event(f, EventKind::Passed, "2026-04-01T15:00:00+08:00"));
        let lc = life_cycle(&facts, &on_time);
        assert_eq!(
            lc.reinspections(&cal, &rules),
            [Reinspection { on: "2026-04-01".parse().unwrap(), on_time: true }],
            "{:?}",
            lc.ignored
        );
        // 04-02 is late.
        events.push(event(f, EventKind::Passed, "2026-04-02T15:00:00+08:00"));
        let lc = life_cycle(&facts, &events);
        assert!(!lc.reinspections(&cal, &rules)[0].on_time);
        // A failed 复查 sets a new deadline; the next is measured from it.
        let mut failed = event(f, EventKind::Failed, "2026-03-25T10:00:00+08:00");
        failed.deadline = Some(Day("2026-04-20".parse().unwrap()));
        failed.reason = Some("接地电阻仍不合格".into());
        let mut resubmitted = event(f, EventKind::Submitted, "2026-04-27T09:00:00+08:00");
        resubmitted.requests_reinspection = false;
        let again = vec![
            event(f, EventKind::Ordered, "2026-03-10T16:00:00+08:00"),
            events[1].clone(),
            events[2].clone(),
            failed,
            resubmitted,
            event(f, EventKind::Accepted, "2026-04-28T09:00:00+08:00"),
            event(f, EventKind::Passed, "2026-04-30T15:00:00+08:00"),
        ];
        let lc = life_cycle(&facts, &again);
        let seen: Vec<bool> = lc.reinspections(&cal, &rules).iter().map(|r| r.on_time).collect();
        assert_eq!(seen, [true, true], "{:?}", lc.ignored);
    }
}
