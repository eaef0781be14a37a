//! The lists the apps open with: my tasks (inspections under way), hazards
//! due soon and overdue — read from the store's projections, not from the
//! documents, so they stay fast on a weak phone.

use chrono::NaiveDate;
use lianjian_core::model::InspectionStatus;
use lianjian_core::store::{FindingRow, InspectionRow};

use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;

/// A hazard in a list.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FindingSummary {
    /// Finding id.
    pub id: String,
    /// Inspection id.
    pub inspection_id: String,
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Grade.
    pub grade: String,
    /// Due date (YYYY-MM-DD).
    pub due_date: String,
    /// An immediate measure was ordered on site (停止作业, 撤出人员, ...).
    pub immediate: bool,
    /// The deadline is provisional: its year's official calendar has not
    /// arrived yet.
    pub provisional: bool,
    /// The deadline in force differs from the one on file.
    pub deadline_changed: bool,
    /// Status code.
    pub status: String,
    /// Description.
    pub description: String,
    /// Whether a significant field is in conflict.
    pub conflicted: bool,
    /// Where it stands in its life cycle (`found`, `rectifying`,
    /// `submitted`, `reinspection_due`, `closed`).
    pub life_state: String,
    /// The order's deadline (YYYY-MM-DD).
    pub original_due: Option<String>,
    /// When the 复查 is due (YYYY-MM-DD).
    pub reinspection_due: Option<String>,
    /// Why the last report was returned or the 复查 failed, while the
    /// enterprise is at it again.
    pub returned_reason: Option<String>,
    /// The office's last step against it (`reminder`, `supervision_letter`,
    /// `interview`, `public_notice`).
    pub escalation: Option<String>,
    /// Found by the enterprise itself (自查自报).
    pub self_reported: bool,
    /// 挂牌督办 level while listed (`province`, `city`, `county`).
    pub listing: Option<String>,
}

impl From<FindingRow> for FindingSummary {
    fn from(r: FindingRow) -> Self {
        FindingSummary {
            id: r.id,
            inspection_id: r.inspection_id,
            enterprise_id: r.enterprise_id,
            enterprise_name: r.enterprise_name,
            grade: r.grade,
            due_date: r.due_date.to_string(),
            immediate: r.immediate,
            provisional: r.provisional,
            deadline_changed: r.deadline_changed,
            status: r.status,
            description: r.description,
            conflicted: r.conflicted,
            life_state: r.life_state,
            original_due: r.original_due.map(|d| d.to_string()),
            reinspection_due: r.reinspection_due.map(|d| d.to_string()),
            returned_reason: r.returned_reason,
            escalation: r.escalation,
            self_reported: r.self_reported,
            listing: r.listing,
        }
    }
}

/// An inspection in a list.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TaskSummary {
    /// Inspection id.
    pub inspection_id: String,
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Status code.
    pub status: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Open conflicts to resolve.
    pub conflicts: i64,
}

impl From<InspectionRow> for TaskSummary {
    fn from(r: InspectionRow) -> Self {
        TaskSummary {
            inspection_id: r.id,
            enterprise_id: r.enterprise_id,
            enterprise_name: r.enterprise_name,
            status: r.status,
            updated_at: r.updated_at,
            conflicts: r.conflicts,
        }
    }
}

fn date(s: &str) -> ApiResult<NaiveDate> {
    s.parse().map_err(|_| ApiError::validation("date", "expected YYYY-MM-DD"))
}

/// A closed-loop task on a hazard: what to do, and the hazard.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct HazardTaskInfo {
    /// `rectify`, `review` or `reinspect`.
    pub kind: String,
    /// Its Chinese label.
    pub label: String,
    /// The hazard.
    pub finding: FindingSummary,
}

#[uniffi::export]
impl LianjianStore {
    /// The signed-in user's closed-loop tasks today, as the core's rule gives
    /// them for the user's role (the enterprise's rectifications; the
    /// officers' reviews and 复查). Nobody signed in: none.
    pub fn hazard_tasks(&self) -> ApiResult<Vec<HazardTaskInfo>> {
        let Some(user) = self.current_user() else { return Ok(vec![]) };
        let role = lianjian_core::rules::permissions::Role::from_code(&user.role)?;
        let today = lianjian_core::model::time::local_date(&self.now().0);
        Ok(self
            .core()
            .hazard_tasks(role, today)?
            .into_iter()
            .map(|(task, row)| HazardTaskInfo {
                kind: task.code().into(),
                label: task.label().into(),
                finding: row.into(),
            })
            .collect())
    }

    /// Inspections that still need work: planned, under way, awaiting signature.
    pub fn my_tasks(&self) -> ApiResult<Vec<TaskSummary>> {
        let store = self.core();
        let mut out = Vec::new();
        for status in [InspectionStatus::InProgress, InspectionStatus::AwaitingSignature, InspectionStatus::Draft] {
            out.extend(store.inspections_by_status(status)?.into_iter().map(TaskSummary::from));
        }
        Ok(out)
    }

    /// Hazards due between two dates (inclusive, YYYY-MM-DD).
    pub fn findings_due(&self, from: String, to: String) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().findings_due_between(date(&from)?, date(&to)?)?.into_iter().map(Into::into).collect())
    }

    /// Open hazards past their deadline on `today` (YYYY-MM-DD).
    pub fn overdue_findings(&self, today: String) -> ApiResult<Vec<FindingSummary>> {
        Ok(self.core().overdue_findings(date(&today)?)?.into_iter().map(Into::into).collect())
    }

    /// Open hazards past their deadline today, by the store's clock.
    pub fn overdue_findings_now(&self) -> ApiResult<Vec<FindingSummary>> {
        let today = lianjian_core::rules::deadline::local_date(&self.now().0);
        Ok(self.core().overdue_findings(today)?.into_iter().map(Into::into).collect())
    }
}
