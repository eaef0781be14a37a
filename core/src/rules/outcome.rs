//! The inspection's outcome (检查结论), derived from what was found: no
//! hazard, rectify within deadlines, or immediate measures on site. The
//! inspector may record a stronger outcome with a reason, never a weaker
//! one; the outcome in force is the stronger of the two, so a hazard found
//! after the choice still counts.

use crate::model::{Inspection, InspectionOutcome, Verdict};

/// Why an outcome cannot be chosen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    /// The chosen outcome is weaker than what the findings require.
    #[error("检查结论不能轻于检查结果：应为「{derived}」，不能定为「{chosen}」")]
    Weaker {
        /// What the findings require (label).
        derived: &'static str,
        /// What was chosen (label).
        chosen: &'static str,
    },
    /// A stronger outcome needs its reason.
    #[error("选择更严格的检查结论须说明理由")]
    ReasonRequired,
}

/// What the findings and readings give: immediate measures when a hazard
/// carries one, rectification when any hazard was recorded or any item
/// failed (a reading out of range included), otherwise no hazard.
pub fn derived_outcome(inspection: &Inspection) -> InspectionOutcome {
    if inspection.findings.values().any(|f| f.immediate_measure.is_some()) {
        InspectionOutcome::ImmediateMeasures
    } else if !inspection.findings.is_empty() || inspection.responses.values().any(|r| r.verdict == Verdict::Fail) {
        InspectionOutcome::Rectify
    } else {
        InspectionOutcome::NoHazard
    }
}

/// Checks an outcome the inspector chooses against the derived one.
pub fn check_choice(derived: InspectionOutcome, chosen: InspectionOutcome, reason: &str) -> Result<(), OutcomeError> {
    if chosen < derived {
        return Err(OutcomeError::Weaker { derived: derived.label(), chosen: chosen.label() });
    }
    if chosen > derived && reason.trim().is_empty() {
        return Err(OutcomeError::ReasonRequired);
    }
    Ok(())
}

/// The outcome in force: the derived one, or the inspector's stronger choice.
pub fn outcome(inspection: &Inspection) -> InspectionOutcome {
    let derived = derived_outcome(inspection);
    match &inspection.outcome {
        Some(choice) => derived.max(choice.outcome),
        None => derived,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InspectionOutcome::*;

    #[test]
    fn choices_table() {
        let cases = [
            (NoHazard, NoHazard, "", Ok(())),
            (NoHazard, Rectify, "企业自查隐患台账不全", Ok(())),
            (NoHazard, Rectify, " ", Err(OutcomeError::ReasonRequired)),
            (Rectify, ImmediateMeasures, "现场存在重大风险", Ok(())),
            (
                Rectify,
                NoHazard,
                "企业已当场整改",
                Err(OutcomeError::Weaker { derived: "责令限期整改", chosen: "未发现隐患" }),
            ),
            (
                ImmediateMeasures,
                Rectify,
                "x",
                Err(OutcomeError::Weaker { derived: "采取现场处理措施", chosen: "责令限期整改" }),
            ),
        ];
        for (derived, chosen, reason, expected) in cases {
            assert_eq!(check_choice(derived, chosen, reason), expected, "{derived} → {chosen}");
        }
    }
}
