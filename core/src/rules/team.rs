//! The composition rules for a team on site: at least two enforcement
//! officers, at least one qualified for the industry, exactly one lead.

use crate::error::{Error, Result};
use crate::model::{TeamMember, TeamRole};

/// Checks that `team` may carry out an inspection of `industry`.
pub fn validate_team<'a>(team: impl IntoIterator<Item = &'a TeamMember>, industry: &str) -> Result<()> {
    let members: Vec<&TeamMember> = team.into_iter().collect();
    let officers: Vec<&&TeamMember> = members.iter().filter(|m| m.is_enforcement_officer()).collect();
    if officers.len() < 2 {
        return Err(Error::validation(
            "team",
            format!("needs at least two enforcement officers, has {}", officers.len()),
        ));
    }
    if !officers.iter().any(|m| m.qualifications.iter().any(|q| q == industry)) {
        return Err(Error::validation("team", format!("no enforcement officer is qualified for {industry}")));
    }
    let leads = members.iter().filter(|m| m.role == TeamRole::Lead).count();
    if leads != 1 {
        return Err(Error::validation("team", format!("needs exactly one team lead, has {leads}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, PersonId};

    fn member(role: TeamRole, cert: Option<&str>, quals: &[&str]) -> TeamMember {
        TeamMember {
            person: PersonId::new(),
            name: "检查员".into(),
            department: Department::EmergencyManagement,
            role,
            certificate_no: cert.map(str::to_string),
            qualifications: quals.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn table() {
        let lead = member(TeamRole::Lead, Some("42010001"), &["mining"]);
        let insp = member(TeamRole::Inspector, Some("42010002"), &[]);
        let insp_no_cert = member(TeamRole::Inspector, None, &["mining"]);
        let expert = member(TeamRole::Expert, Some("x"), &["mining"]);
        assert!(validate_team([&lead, &insp], "mining").is_ok());
        assert!(validate_team([&lead, &insp_no_cert], "mining").is_err(), "one officer only");
        assert!(validate_team([&lead, &expert], "mining").is_err(), "experts are not officers");
        assert!(validate_team([&lead, &insp], "construction").is_err(), "nobody qualified");
        let lead2 = member(TeamRole::Lead, Some("42010003"), &[]);
        assert!(validate_team([&lead, &lead2], "mining").is_err(), "two leads");
    }
}
