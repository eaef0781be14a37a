//! The edits a team makes to an inspection, as data. Every change to an
//! inspection document goes through [`Edit`], which is what lets the store
//! check permissions and state once, record who did it, and know which
//! projection rows to refresh.

use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use crate::model::{
    Department, Finding, FindingId, FindingStatus, ImmediateMeasure, InspectionStatus, InterviewId, InterviewRecord,
    PersonId, QuestionAnswer, Response, SubGroup, TeamMember,
};
use crate::rules::permissions::Role;

/// Who is editing: a person in a role. Written into the document's actor
/// register so every change is attributable.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Editor {
    /// The person.
    pub person: PersonId,
    /// Their name (for conflict displays and documents).
    pub name: String,
    /// The role they act in.
    pub role: Role,
}

/// A change to one field of a finding.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub enum FindingField {
    /// Description (legally significant).
    Description(String),
    /// Location on site.
    Location(String),
    /// Grade code (legally significant). A computed deadline follows it; a
    /// deadline set by hand stays.
    Grade(String),
    /// A deadline set by the inspector, with the reason (legally
    /// significant); refused before the find or beyond the grade's limit.
    DeadlineOverride {
        /// The date.
        #[autosurgeon(with = "date_codec")]
        date: NaiveDate,
        /// Why the default does not fit.
        reason: String,
    },
    /// Back to the deadline the grade gives.
    DeadlineComputed,
    /// The immediate measure taken on site (grades that stop work need one).
    ImmediateMeasure(Option<ImmediateMeasure>),
    /// Rectification requirement.
    Requirement(String),
    /// Referral to another department.
    ReferredTo(Option<Department>),
}

/// One edit of an inspection. Edits are kept (as automerge data) in the
/// device's journal, so that work set aside behind a refused change can be
/// made again.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub enum Edit {
    /// Move the inspection to another state.
    SetStatus(InspectionStatus),
    /// Add a member or update a member's details.
    PutMember(TeamMember),
    /// Remove a member.
    RemoveMember(PersonId),
    /// Create or replace a sub-group.
    PutSubGroup(SubGroup),
    /// Record (or re-record) a response; see `Response::from_answer`.
    RecordResponse(Response),
    /// Record a new hazard.
    AddFinding(Finding),
    /// Change one field of a hazard.
    UpdateFinding {
        /// Which finding.
        id: FindingId,
        /// The new value.
        field: FindingField,
    },
    /// Attach evidence (SHA-256 hex) to a hazard.
    AttachEvidence {
        /// Which finding.
        id: FindingId,
        /// Blob hash.
        sha256: String,
    },
    /// Move a hazard in its closed loop.
    SetFindingStatus {
        /// Which finding.
        id: FindingId,
        /// New status.
        to: FindingStatus,
    },
    /// Start an interview record.
    AddInterview(InterviewRecord),
    /// Record evidence already stored as blobs and attach it to a hazard or
    /// to the editor's response to a checklist item.
    AddEvidence {
        /// The evidence record.
        meta: crate::evidence::EvidenceMeta,
        /// Where it belongs.
        #[autosurgeon(with = "target_codec")]
        target: crate::evidence::EvidenceTarget,
    },
    /// Store a signature: a frozen, signed record.
    AddSignature(crate::signing::SignatureEntry),
    /// Record the enterprise's refusal to sign a record.
    RecordRefusal(crate::signing::Refusal),
    /// Record a stronger outcome than the findings give, with the reason.
    ChooseOutcome {
        /// The outcome.
        outcome: crate::model::InspectionOutcome,
        /// Why.
        reason: String,
    },
    /// Append a question and answer to an interview record.
    AppendQa {
        /// Which record.
        id: InterviewId,
        /// The exchange.
        qa: QuestionAnswer,
    },
    /// Append an event to a hazard's life cycle (order, on-site fix, review,
    /// 复查); see `rules::lifecycle`.
    RecordHazardEvent(crate::rules::lifecycle::HazardEvent),
    /// The enterprise's rectification report, with its `submitted` event.
    SubmitRectification(crate::model::RectificationReport),
    /// A major hazard's report and 治理方案, with its `plan_filed` event.
    FileGovernancePlan(crate::model::GovernancePlan),
}

impl Edit {
    /// The finding this edit changes, if any.
    pub fn finding(&self) -> Option<FindingId> {
        match self {
            Edit::AddFinding(f) => Some(f.id),
            Edit::AddEvidence { target: crate::evidence::EvidenceTarget::Finding(id), .. } => Some(*id),
            Edit::UpdateFinding { id, .. } | Edit::AttachEvidence { id, .. } | Edit::SetFindingStatus { id, .. } => {
                Some(*id)
            }
            Edit::RecordHazardEvent(e) => Some(e.finding),
            Edit::SubmitRectification(r) => Some(r.finding),
            Edit::FileGovernancePlan(p) => Some(p.finding),
            _ => None,
        }
    }

    /// A short, personal-data-free description for the change message.
    pub fn summary(&self) -> String {
        match self {
            Edit::SetStatus(s) => format!("status {s}"),
            Edit::PutMember(m) => format!("member {}", m.person),
            Edit::RemoveMember(p) => format!("remove member {p}"),
            Edit::PutSubGroup(g) => format!("sub-group {}", g.id),
            Edit::RecordResponse(r) => format!("response {}", r.item_code),
            Edit::AddFinding(f) => format!("finding {}", f.id),
            Edit::UpdateFinding { id, .. } => format!("update finding {id}"),
            Edit::AttachEvidence { id, .. } => format!("evidence for {id}"),
            Edit::SetFindingStatus { id, to } => format!("finding {id} {to}"),
            Edit::AddInterview(i) => format!("interview {}", i.id),
            Edit::AppendQa { id, .. } => format!("interview {id} qa"),
            Edit::AddEvidence { meta, target } => {
                format!("evidence {} for {}", &meta.sha256[..12.min(meta.sha256.len())], target.code())
            }
            Edit::AddSignature(e) => format!("signature {} on {}", e.id, e.record),
            Edit::RecordRefusal(r) => format!("refusal on {}", r.record),
            Edit::ChooseOutcome { outcome, .. } => format!("outcome {outcome}"),
            Edit::RecordHazardEvent(e) => format!("hazard {} {}", e.finding, e.kind),
            Edit::SubmitRectification(r) => format!("rectification report for {}", r.finding),
            Edit::FileGovernancePlan(p) => format!("governance plan for {}", p.finding),
        }
    }
}

/// Dates as `YYYY-MM-DD` text.
mod date_codec {
    use autosurgeon::{HydrateError, Prop, ReadDoc, Reconciler};
    use chrono::NaiveDate;

    pub(super) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<NaiveDate, HydrateError> {
        let text: String = autosurgeon::hydrate_prop(doc, obj, prop)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| HydrateError::unexpected("a date", e.to_string()))
    }

    pub(super) fn reconcile<R: Reconciler>(date: &NaiveDate, reconciler: R) -> Result<(), R::Error> {
        autosurgeon::Reconcile::reconcile(&date.format("%Y-%m-%d").to_string(), reconciler)
    }
}

/// Evidence targets in their stored form (`finding:<id>`, `item:<code>`).
mod target_codec {
    use autosurgeon::{HydrateError, Prop, ReadDoc, Reconciler};

    use crate::evidence::EvidenceTarget;

    pub(super) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<EvidenceTarget, HydrateError> {
        let text: String = autosurgeon::hydrate_prop(doc, obj, prop)?;
        let parsed = match text.split_once(':') {
            Some(("finding", id)) => id.parse().ok().map(EvidenceTarget::Finding),
            Some(("item", code)) => Some(EvidenceTarget::Item(code.to_string())),
            _ => None,
        };
        parsed.ok_or_else(|| HydrateError::unexpected("an evidence target", text))
    }

    pub(super) fn reconcile<R: Reconciler>(target: &EvidenceTarget, reconciler: R) -> Result<(), R::Error> {
        autosurgeon::Reconcile::reconcile(&target.code(), reconciler)
    }
}
