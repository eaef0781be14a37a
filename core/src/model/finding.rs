//! A hazard (隐患) found during an inspection, and its closed loop
//! (发现 -> 整改 -> 复查 -> 销号).

use autosurgeon::{Hydrate, Reconcile};

use super::checklist::LegalBasis;
use super::codes::code_enum;
use super::deadline::{Deadline, DeadlineBasis, ImmediateMeasure};
use super::department::Department;
use super::ids::{FindingId, PersonId};
use super::time::Timestamp;

code_enum!(
    /// Where a finding stands in the closed loop.
    FindingStatus {
        /// 待整改: found, nothing done yet.
        Open = ("open", "待整改"),
        /// 整改中: the enterprise is rectifying.
        Rectifying = ("rectifying", "整改中"),
        /// 待复查: the enterprise reports it done.
        AwaitingReinspection = ("awaiting_reinspection", "待复查"),
        /// 已销号: verified and closed.
        Closed = ("closed", "已销号"),
        /// 重新整改: re-inspection found it not fixed.
        Reopened = ("reopened", "重新整改"),
    }
);

impl FindingStatus {
    /// Whether the hazard still needs action (counts towards overdue lists).
    pub fn is_open(&self) -> bool {
        *self != FindingStatus::Closed
    }
}

/// One hazard.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct Finding {
    /// Id.
    pub id: FindingId,
    /// What is wrong (legally significant).
    pub description: String,
    /// Where on site.
    pub location: String,
    /// The checklist item it fails, if any.
    pub item_code: Option<String>,
    /// Legal basis.
    pub legal_basis: Option<LegalBasis>,
    /// Grade code from the inspection's scheme (legally significant).
    pub grade: String,
    /// Rectification deadline as written (legally significant). For a
    /// computed deadline the rules may hold a newer one: see
    /// `rules::deadline::finding_deadline`.
    pub deadline: Deadline,
    /// How the deadline was set.
    #[autosurgeon(missing = "DeadlineBasis::default")]
    pub deadline_basis: DeadlineBasis,
    /// Why the inspector set the deadline by hand.
    #[autosurgeon(missing = "Option::default")]
    pub deadline_reason: Option<String>,
    /// Why the deadline as written is provisional (a year it consulted had
    /// no official calendar on the writing device).
    #[autosurgeon(missing = "Option::default")]
    pub deadline_provisional: Option<String>,
    /// The immediate measure taken on site, for grades that stop work.
    #[autosurgeon(missing = "Option::default")]
    pub immediate_measure: Option<ImmediateMeasure>,
    /// 整改要求.
    pub requirement: String,
    /// Department the issue is referred to, if not the finder's.
    pub referred_to: Option<Department>,
    /// Evidence (SHA-256 of photos and other blobs) of the hazard as found:
    /// part of what the enterprise signs.
    pub evidence: Vec<String>,
    /// The enterprise's rectification evidence, added after signing; kept
    /// apart so it never alters the signed findings list.
    #[autosurgeon(missing = "Vec::new")]
    pub rectification_evidence: Vec<String>,
    /// Closed-loop status.
    pub status: FindingStatus,
    /// Who found it.
    pub found_by: PersonId,
    /// When.
    pub found_at: Timestamp,
}

impl Finding {
    /// A new open hazard of `grade`, found by `found_by` at `found_at`, with
    /// no checklist item, evidence or referral yet and the deadline left to
    /// the rules (computed from the grade when the finding is recorded).
    pub fn new(description: &str, location: &str, grade: &str, found_by: PersonId, found_at: Timestamp) -> Self {
        Finding {
            id: FindingId::new(),
            description: description.into(),
            location: location.into(),
            item_code: None,
            legal_basis: None,
            grade: grade.into(),
            deadline: Deadline::By(super::time::local_date(&found_at.0)),
            deadline_basis: DeadlineBasis::Computed,
            deadline_reason: None,
            deadline_provisional: None,
            immediate_measure: None,
            requirement: String::new(),
            referred_to: None,
            evidence: vec![],
            rectification_evidence: vec![],
            status: FindingStatus::Open,
            found_by,
            found_at,
        }
    }
}
