//! Who may carry out an enforcement inspection (执法检查): at least two
//! officers holding enforcement certificates, one lead who is one of them,
//! every officer qualified for the enterprise's industry where a checklist
//! requires it, and in a joint inspection every department taking part
//! represented by an officer of its own. The document holds everything the
//! rule reads, so the device and the server apply it to the same state.

use std::collections::BTreeSet;

use crate::model::{Department, TeamMember, TeamRole};

/// Why a team may not start or sign an inspection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    /// Fewer than two officers with enforcement certificates.
    #[error("执法检查须有两名以上持执法证的执法人员（现有 {0} 名）")]
    TooFewOfficers(usize),
    /// Not exactly one lead.
    #[error("检查组须有且只有一名组长（现有 {0} 名）")]
    Leads(usize),
    /// The lead holds no enforcement certificate.
    #[error("组长须为持执法证的执法人员")]
    LeadNotOfficer,
    /// An officer lacks the qualification the checklist requires (ids only).
    #[error("检查表要求执法人员具备 {industry} 行业资格：{persons} 不具备")]
    Unqualified {
        /// The industry code.
        industry: String,
        /// The person ids, comma-separated.
        persons: String,
    },
    /// A department of a joint inspection has no officer of its own.
    #[error("联合检查中 {0} 部门须有本部门持执法证的执法人员")]
    DepartmentWithoutOfficer(&'static str),
}

/// Checks that `team` may carry out an inspection of `industry`;
/// `qualification_required` when a checklist used demands it of every officer.
pub fn validate_team<'a>(
    team: impl IntoIterator<Item = &'a TeamMember>,
    industry: &str,
    qualification_required: bool,
) -> Result<(), TeamError> {
    let members: Vec<&TeamMember> = team.into_iter().collect();
    let officers: Vec<&TeamMember> = members.iter().copied().filter(|m| m.is_enforcement_officer()).collect();
    if officers.len() < 2 {
        return Err(TeamError::TooFewOfficers(officers.len()));
    }
    let leads: Vec<&&TeamMember> = members.iter().filter(|m| m.role == TeamRole::Lead).collect();
    if leads.len() != 1 {
        return Err(TeamError::Leads(leads.len()));
    }
    if !leads[0].is_enforcement_officer() {
        return Err(TeamError::LeadNotOfficer);
    }
    if qualification_required {
        let unqualified: Vec<String> = officers
            .iter()
            .filter(|m| !m.qualifications.iter().any(|q| q == industry))
            .map(|m| m.person.to_string())
            .collect();
        if !unqualified.is_empty() {
            return Err(TeamError::Unqualified { industry: industry.into(), persons: unqualified.join("、") });
        }
    }
    let departments: BTreeSet<Department> =
        members.iter().filter(|m| m.role != TeamRole::Expert).map(|m| m.department).collect();
    if departments.len() > 1 {
        for d in departments {
            if !officers.iter().any(|m| m.department == d) {
                return Err(TeamError::DepartmentWithoutOfficer(d.label()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PersonId;

    fn member(role: TeamRole, dept: Department, cert: Option<&str>, quals: &[&str]) -> TeamMember {
        TeamMember {
            person: PersonId::new(),
            name: "检查员".into(),
            department: dept,
            role,
            certificate_no: cert.map(str::to_string),
            qualifications: quals.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn table() {
        use Department::{EmergencyManagement as Em, FireRescue as Fire};
        use TeamRole::{Expert, Inspector, Lead};
        let lead = member(Lead, Em, Some("42010001"), &["mining"]);
        let insp = member(Inspector, Em, Some("42010002"), &["mining"]);
        let insp_unqualified = member(Inspector, Em, Some("42010004"), &[]);
        let insp_no_cert = member(Inspector, Em, None, &["mining"]);
        let expert = member(Expert, Fire, Some("x"), &["mining"]);
        let lead_no_cert = member(Lead, Em, None, &["mining"]);
        let fire_officer = member(Inspector, Fire, Some("42010005"), &["mining"]);
        let fire_no_cert = member(Inspector, Fire, None, &[]);
        let cases: Vec<(Vec<&TeamMember>, bool, Result<(), TeamError>)> = vec![
            (vec![&lead, &insp], true, Ok(())),
            (vec![&lead, &insp_no_cert], false, Err(TeamError::TooFewOfficers(1))),
            (vec![&lead, &expert], false, Err(TeamError::TooFewOfficers(1))),
            (vec![&lead_no_cert, &insp, &insp_unqualified], false, Err(TeamError::LeadNotOfficer)),
            (vec![&insp, &insp_unqualified], false, Err(TeamError::Leads(0))),
            (vec![&lead, &insp_unqualified], false, Ok(())),
            (
                vec![&lead, &insp_unqualified],
                true,
                Err(TeamError::Unqualified { industry: "mining".into(), persons: insp_unqualified.person.to_string() }),
            ),
            // An expert of another department does not make it joint.
            (vec![&lead, &insp, &expert], true, Ok(())),
            (vec![&lead, &insp, &fire_officer], true, Ok(())),
            (vec![&lead, &insp, &fire_no_cert], false, Err(TeamError::DepartmentWithoutOfficer("消防"))),
        ];
        for (team, required, expected) in cases {
            assert_eq!(validate_team(team.iter().copied(), "mining", required), expected);
        }
        let lead2 = member(Lead, Em, Some("42010003"), &[]);
        assert_eq!(validate_team([&lead, &lead2], "mining", false), Err(TeamError::Leads(2)));
    }
}
