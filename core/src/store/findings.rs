//! Recording hazards on a device: the draft an inspector fills in becomes a
//! finding with its legal basis copied from the checklist item and the
//! deadline the rules give its grade (`rules::deadline`). The app and the
//! demo call these; none of them computes a rule itself.

use chrono::NaiveDate;

use super::Store;
use crate::doc::{Edit, Editor, FindingField};
use crate::error::Result;
use crate::model::{Deadline, DeadlineBasis, Finding, FindingId, ImmediateMeasure, InspectionId, Timestamp};
use crate::rules::deadline::{finding_deadline, FindingDeadline};

/// What the inspector records about a hazard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingDraft {
    /// What is wrong.
    pub description: String,
    /// Where.
    pub location: String,
    /// The checklist item it fails, if any (its legal basis is copied).
    pub item_code: Option<String>,
    /// Grade code from the inspection's scheme.
    pub grade: String,
    /// What must be done.
    pub requirement: String,
    /// The measure taken on site (required for grades that stop work).
    pub immediate_measure: Option<ImmediateMeasure>,
    /// A deadline set by hand, with its reason, instead of the grade's.
    pub deadline_override: Option<(NaiveDate, String)>,
}

/// An inspection's outcome as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeView {
    /// What the findings and readings give.
    pub derived: crate::model::InspectionOutcome,
    /// The inspector's stronger choice, with the reason.
    pub chosen: Option<crate::model::OutcomeChoice>,
    /// The stronger of the two.
    pub in_force: crate::model::InspectionOutcome,
}

impl Store {
    /// Records a hazard found at `at` by `editor`: the legal basis comes from
    /// the checklist item, the deadline from the grade (or the inspector's
    /// date, checked against the grade's limit). Returns it as stored.
    pub fn add_finding(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        draft: FindingDraft,
        at: Timestamp,
    ) -> Result<Finding> {
        let header = self.open_inspection(inspection)?;
        let mut legal_basis = None;
        if let Some(code) = &draft.item_code {
            for c in &header.checklists {
                if let Some(item) = self.checklist_shared(&c.id, c.version)?.item(code) {
                    legal_basis = Some(item.legal_basis.clone());
                }
            }
        }
        let mut f = Finding::new(&draft.description, &draft.location, &draft.grade, editor.person, at);
        f.item_code = draft.item_code;
        f.legal_basis = legal_basis;
        f.requirement = draft.requirement;
        f.immediate_measure = draft.immediate_measure;
        if let Some((date, reason)) = draft.deadline_override {
            f.deadline = Deadline::By(date);
            f.deadline_basis = DeadlineBasis::Manual;
            f.deadline_reason = Some(reason);
        }
        let id = f.id;
        self.edit(inspection, editor, &[Edit::AddFinding(f)], at)?;
        self.finding(inspection, &id)
    }

    /// Changes a finding's grade (with the immediate measure when the new
    /// grade stops work); a computed deadline follows, one set by hand stays.
    pub fn set_finding_grade(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        finding: &FindingId,
        grade: &str,
        immediate_measure: Option<ImmediateMeasure>,
        at: Timestamp,
    ) -> Result<Finding> {
        let mut edits = Vec::new();
        if immediate_measure.is_some() {
            edits.push(Edit::UpdateFinding { id: *finding, field: FindingField::ImmediateMeasure(immediate_measure) });
        }
        edits.push(Edit::UpdateFinding { id: *finding, field: FindingField::Grade(grade.to_string()) });
        self.edit(inspection, editor, &edits, at)?;
        self.finding(inspection, finding)
    }

    /// Sets a finding's deadline by hand with a reason, or (`None`) returns
    /// it to the deadline its grade gives.
    pub fn set_finding_deadline(
        &mut self,
        inspection: &InspectionId,
        editor: &Editor,
        finding: &FindingId,
        deadline: Option<(NaiveDate, String)>,
        at: Timestamp,
    ) -> Result<Finding> {
        let field = match deadline {
            Some((date, reason)) => FindingField::DeadlineOverride { date, reason },
            None => FindingField::DeadlineComputed,
        };
        self.edit(inspection, editor, &[Edit::UpdateFinding { id: *finding, field }], at)?;
        self.finding(inspection, finding)
    }

    /// The deadline in force for a finding on this device's calendars: the
    /// date, whether it is provisional and why, and whether it differs from
    /// the one on file.
    pub fn finding_deadline(&mut self, inspection: &InspectionId, finding: &Finding) -> Result<FindingDeadline> {
        let scheme_id =
            crate::doc::inspection::grade_scheme_of(&self.loaded(&inspection.to_string(), "inspection")?.doc)?;
        let scheme = self.office.scheme(&scheme_id)?;
        Ok(finding_deadline(&self.office.calendar, scheme, finding))
    }

    /// The inspection's outcome: derived from its findings and readings,
    /// the inspector's stronger choice if any, and the one in force.
    pub fn inspection_outcome(&mut self, inspection: &InspectionId) -> Result<OutcomeView> {
        let i = self.inspection(inspection)?;
        Ok(OutcomeView {
            derived: crate::rules::outcome::derived_outcome(&i),
            in_force: crate::rules::outcome::outcome(&i),
            chosen: i.outcome,
        })
    }
}
