//! The state machines of inspections and findings. Each allowed transition
//! names the action it needs, so a single call checks both "is this move
//! legal" and "may this role make it".

use super::permissions::{authorize, Action, Role};
use crate::error::{Error, Result};
use crate::model::{FindingStatus, InspectionStatus};

/// The action an inspection transition needs, or an error if it is not allowed.
pub fn inspection_transition(from: InspectionStatus, to: InspectionStatus) -> Result<Action> {
    use InspectionStatus::*;
    let action = match (from, to) {
        (Draft, InProgress) => Action::StartInspection,
        (InProgress, AwaitingSignature) => Action::SubmitForSignature,
        (AwaitingSignature, InProgress) => Action::ReopenForEditing,
        (AwaitingSignature, Signed) => Action::MarkSigned,
        (Signed, Closed) => Action::CloseInspection,
        _ => {
            return Err(Error::InvalidTransition {
                entity: "inspection",
                from: from.code().into(),
                to: to.code().into(),
            })
        }
    };
    Ok(action)
}

/// The action a finding transition needs, or an error if it is not allowed.
pub fn finding_transition(from: FindingStatus, to: FindingStatus) -> Result<Action> {
    use FindingStatus::*;
    let action = match (from, to) {
        (Open, Rectifying) | (Reopened, Rectifying) => Action::StartRectification,
        // A report may come straight after the order (the enterprise does
        // not have to say "started" first).
        (Open, AwaitingReinspection) | (Rectifying, AwaitingReinspection) | (Reopened, AwaitingReinspection) => {
            Action::SubmitRectification
        }
        (AwaitingReinspection, Closed) | (AwaitingReinspection, Reopened) => Action::Reinspect,
        (Open, Closed) => Action::CloseOnSite,
        _ => {
            return Err(Error::InvalidTransition { entity: "finding", from: from.code().into(), to: to.code().into() })
        }
    };
    Ok(action)
}

/// Checks an inspection transition for a role.
pub fn check_inspection_transition(role: Role, from: InspectionStatus, to: InspectionStatus) -> Result<()> {
    authorize(role, inspection_transition(from, to)?)
}

/// Checks a finding transition for a role.
pub fn check_finding_transition(role: Role, from: FindingStatus, to: FindingStatus) -> Result<()> {
    authorize(role, finding_transition(from, to)?)
}

/// Whether the inspection's content (responses, findings, interviews) may
/// still be edited: only while the team is at work. After it is presented
/// for signature, edits need an explicit `ReopenForEditing`.
pub fn content_editable(status: InspectionStatus) -> bool {
    matches!(status, InspectionStatus::Draft | InspectionStatus::InProgress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inspection_pair() {
        use InspectionStatus::*;
        let allowed = [
            (Draft, InProgress),
            (InProgress, AwaitingSignature),
            (AwaitingSignature, InProgress),
            (AwaitingSignature, Signed),
            (Signed, Closed),
        ];
        for &from in InspectionStatus::ALL {
            for &to in InspectionStatus::ALL {
                let ok = inspection_transition(from, to).is_ok();
                assert_eq!(ok, allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
        assert!(check_inspection_transition(Role::Inspector, Draft, InProgress).is_err());
        assert!(check_inspection_transition(Role::TeamLead, Draft, InProgress).is_ok());
        assert!(matches!(
            check_inspection_transition(Role::TeamLead, Draft, Signed),
            Err(Error::InvalidTransition { entity: "inspection", .. })
        ));
    }

    #[test]
    fn every_finding_pair() {
        use FindingStatus::*;
        let allowed = [
            (Open, Rectifying),
            (Reopened, Rectifying),
            (Open, AwaitingReinspection),
            (Rectifying, AwaitingReinspection),
            (Reopened, AwaitingReinspection),
            (AwaitingReinspection, Closed),
            (AwaitingReinspection, Reopened),
            (Open, Closed),
        ];
        for &from in FindingStatus::ALL {
            for &to in FindingStatus::ALL {
                assert_eq!(finding_transition(from, to).is_ok(), allowed.contains(&(from, to)), "{from} -> {to}");
            }
        }
        assert!(check_finding_transition(Role::Enterprise, Open, Rectifying).is_ok());
        assert!(check_finding_transition(Role::Enterprise, AwaitingReinspection, Closed).is_err());
        assert!(check_finding_transition(Role::Inspector, AwaitingReinspection, Closed).is_ok());
    }
}
