//! The hazard lists every role works from, read from the `findings`
//! projection: hazards due and overdue, and each role's tasks in the closed
//! loop (the enterprise's rectifications, the officers' reviews and 复查,
//! the office's overdue hazards, late 复查 and listed major hazards), each
//! with its date.

use chrono::NaiveDate;

use super::{FindingRow, Store};
use crate::doc::closed_loop;
use crate::doc::{Edit, Editor};
use crate::error::Result;
use crate::model::{InspectionId, RectificationReport, Timestamp};
use crate::rules::lifecycle::{EscalationLevel, EventKind, LifeCycle};
use crate::rules::permissions::Role;

/// The hazard states in which the enterprise is at work.
const RECTIFYING: &str = "f.life_state IN ('found', 'rectifying')";

fn date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = r.get(i)?;
    Ok(text.filter(|t| !t.is_empty()).and_then(|t| t.parse().ok()))
}

/// A step of the closed loop someone must take on a hazard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HazardTask {
    /// The enterprise rectifies it and reports (整改).
    Rectify,
    /// The officers review the report it submitted (审核整改报告).
    Review,
    /// The officers' 复查 falls due.
    Reinspect,
}

impl HazardTask {
    /// The code the apps receive.
    pub fn code(self) -> &'static str {
        match self {
            HazardTask::Rectify => "rectify",
            HazardTask::Review => "review",
            HazardTask::Reinspect => "reinspect",
        }
    }

    /// The Chinese label the task list shows.
    pub fn label(self) -> &'static str {
        match self {
            HazardTask::Rectify => "整改",
            HazardTask::Review => "审核整改报告",
            HazardTask::Reinspect => "复查",
        }
    }

    /// Which steps of the loop are a role's own: the enterprise rectifies;
    /// the officers and the office review reports and hold the 复查.
    pub fn of_role(role: Role) -> &'static [HazardTask] {
        match role {
            Role::Enterprise => &[HazardTask::Rectify],
            Role::Inspector | Role::TeamLead | Role::Office => &[HazardTask::Review, HazardTask::Reinspect],
        }
    }
}

impl Store {
    /// The closed-loop tasks of a user of `role` on `today`: each of the
    /// role's steps ([`HazardTask::of_role`]) with its hazards, a hazard
    /// listed once (under its first step), earliest deadline first within
    /// each step.
    pub fn hazard_tasks(&self, role: Role, today: NaiveDate) -> Result<Vec<(HazardTask, FindingRow)>> {
        let mut out: Vec<(HazardTask, FindingRow)> = Vec::new();
        for task in HazardTask::of_role(role) {
            let rows = match task {
                HazardTask::Rectify => self.rectifications_due()?,
                HazardTask::Review => self.reviews_due()?,
                HazardTask::Reinspect => self.reinspections_due_by(today)?,
            };
            for row in rows {
                if out.iter().all(|(_, r)| r.id != row.id) {
                    out.push((*task, row));
                }
            }
        }
        Ok(out)
    }

    /// Open hazards falling due between `from` and `to` inclusive ("due
    /// within 7 days": `from` = today), earliest first.
    pub fn findings_due_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<FindingRow>> {
        self.finding_rows(
            "f.life_state != 'closed' AND f.due_date BETWEEN ?1 AND ?2",
            &[&from.to_string(), &to.to_string()],
        )
    }

    /// Open hazards due on or before `date` (overdue ones included), earliest first.
    pub fn findings_due_by(&self, date: NaiveDate) -> Result<Vec<FindingRow>> {
        self.finding_rows("f.life_state != 'closed' AND f.due_date <= ?1", &[&date.to_string()])
    }

    /// Hazards past their deadline in force on `today` while the enterprise
    /// is at them (a report handed in on time is with the officers).
    pub fn overdue_findings(&self, today: NaiveDate) -> Result<Vec<FindingRow>> {
        self.finding_rows(&format!("{RECTIFYING} AND f.due_date < ?1"), &[&today.to_string()])
    }

    /// The enterprise's tasks: its hazards to rectify (returned ones with
    /// the reason), earliest deadline first.
    pub fn rectifications_due(&self) -> Result<Vec<FindingRow>> {
        self.finding_rows(RECTIFYING, &[])
    }

    /// The office's list of the major hazards it listed for supervision
    /// (挂牌督办) and not yet written off.
    pub fn listed_hazards(&self) -> Result<Vec<FindingRow>> {
        self.finding_rows("f.listing IS NOT NULL AND f.life_state != 'closed'", &[])
    }

    /// The officers' tasks: reports waiting for review.
    pub fn reviews_due(&self) -> Result<Vec<FindingRow>> {
        self.finding_rows("f.life_state = 'submitted'", &[])
    }

    /// The officers' tasks: hazards whose 复查 falls due by `date`
    /// (late ones included), whatever the enterprise has done.
    pub fn reinspections_due_by(&self, date: NaiveDate) -> Result<Vec<FindingRow>> {
        self.finding_rows(
            "f.life_state IN ('rectifying', 'submitted', 'reinspection_due') AND f.reinspection_due <= ?1",
            &[&date.to_string()],
        )
    }

    /// Every hazard of one enterprise, earliest due first.
    pub fn enterprise_findings(&self, enterprise_id: &str) -> Result<Vec<FindingRow>> {
        self.finding_rows("f.enterprise_id = ?1", &[&enterprise_id])
    }

    pub(super) fn finding_rows(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<FindingRow>> {
        let sql = format!(
            "SELECT f.id, f.inspection_id, f.enterprise_id, i.enterprise_name, f.grade, f.due_date, f.immediate, f.status,
                    f.description, f.conflicted, f.provisional, f.deadline_changed, f.life_state, f.original_due,
                    f.reinspection_due, f.closed_at, f.returned_reason, f.escalation, f.self_reported, f.listing
             FROM findings f JOIN inspections i ON i.id = f.inspection_id
             WHERE {filter} ORDER BY f.due_date, f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args, |r| {
            let due: String = r.get(5)?;
            Ok(FindingRow {
                id: r.get(0)?,
                inspection_id: r.get(1)?,
                enterprise_id: r.get(2)?,
                enterprise_name: r.get(3)?,
                grade: r.get(4)?,
                due_date: due.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e))
                })?,
                immediate: r.get(6)?,
                status: r.get(7)?,
                description: r.get(8)?,
                conflicted: r.get(9)?,
                provisional: r.get(10)?,
                deadline_changed: r.get(11)?,
                life_state: r.get(12)?,
                original_due: date(r, 13)?,
                reinspection_due: date(r, 14)?,
                closed_at: r.get(15)?,
                returned_reason: r.get(16)?,
                escalation: r.get(17)?,
                self_reported: r.get(18)?,
                listing: r.get(19)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Each hazard of `inspection` with its life cycle (the events applied
    /// and those ignored, with why), in the order of the findings' ids.
    pub fn life_cycles(&mut self, inspection: &InspectionId) -> Result<Vec<LifeCycle>> {
        let doc = self.inspection_doc(inspection)?;
        let insp = doc.hydrate()?;
        let events = closed_loop::hazard_events(doc.automerge())?;
        let scheme = self.office.scheme(&insp.grade_scheme)?;
        Ok(closed_loop::life_cycles(&insp.findings, &events, &self.office.calendar, scheme).into_values().collect())
    }

    /// The rectification reports on `inspection`, oldest first.
    pub fn rectification_reports(&mut self, inspection: &InspectionId) -> Result<Vec<RectificationReport>> {
        closed_loop::rectification_reports(self.inspection_doc(inspection)?.automerge())
    }

    /// The office presses an enterprise as a whole: `level` on each of its
    /// overdue hazards not yet pressed that far (each an event, checked as
    /// any); how many were pressed.
    pub fn escalate_enterprise(
        &mut self,
        enterprise: &str,
        editor: &Editor,
        level: EscalationLevel,
        note: &str,
        at: Timestamp,
    ) -> Result<usize> {
        let today = crate::model::time::local_date(&at.0);
        let due: Vec<FindingRow> =
            self.overdue_findings(today)?.into_iter().filter(|r| r.enterprise_id == enterprise).collect();
        let mut pressed = 0;
        for r in due {
            let done = r.escalation.as_deref().and_then(|c| EscalationLevel::from_code(c).ok());
            if done.is_some_and(|d| d.rank() >= level.rank()) {
                continue;
            }
            let mut e = closed_loop::new_event(r.id.parse()?, EventKind::Escalated, editor, at);
            e.escalation = Some(level);
            e.reason = Some(note.to_string());
            self.edit(&r.inspection_id.parse()?, editor, &[Edit::RecordHazardEvent(e)], at)?;
            pressed += 1;
        }
        Ok(pressed)
    }

    /// A fingerprint of every hazard's place in the loop (state, deadlines,
    /// return reason, escalation): equal before and after a sync when no
    /// task list can have changed, so the app knows when to refresh them.
    pub fn task_fingerprint(&self) -> Result<String> {
        use sha2::Digest;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, life_state, due_date, reinspection_due, returned_reason, escalation, listing FROM findings
             ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut hash = sha2::Sha256::new();
        while let Some(r) = rows.next()? {
            for i in 0..7 {
                let v: Option<String> = r.get(i)?;
                hash.update(v.unwrap_or_default().as_bytes());
                hash.update([0]);
            }
        }
        Ok(hex::encode(hash.finalize()))
    }
}
