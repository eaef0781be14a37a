//! Creating and editing inspections: the team and sub-groups, checklist
//! responses (the verdict computed from the checklist's thresholds),
//! findings (the deadline computed from the grade and the official holiday
//! calendar), evidence and interview records. Each call is one durable edit.

use std::sync::Arc;

use lianjian_core::doc::{Edit, FindingField};
use lianjian_core::model::{
    ChecklistRef, Department, Finding, FindingId, FindingStatus, InspectionId, InspectionStatus, InterviewId,
    InterviewRecord, Interviewee, PersonId, QuestionAnswer, SubGroup, SubGroupId, SubGroupKind, TeamMember, TeamRole,
};
use lianjian_core::rules::calendar::HolidayCalendar;
use lianjian_core::rules::deadline::{deadline_for_grade, Deadline};
use lianjian_core::rules::verdict::{response_for, Answer};

use crate::catalog::template;
use crate::error::{ApiError, ApiResult};
use crate::store::{now, LianjianStore};

/// A member of an inspection team.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct TeamMemberInfo {
    /// Person id.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Department code (`emergency_management`, `fire_rescue`, ...).
    pub department: String,
    /// `lead`, `inspector` or `expert`.
    pub role: String,
    /// 执法证号, for inspectors with enforcement powers.
    pub certificate_no: Option<String>,
    /// Industry codes the member is qualified for.
    pub qualifications: Vec<String>,
}

impl TeamMemberInfo {
    fn to_core(&self) -> ApiResult<TeamMember> {
        Ok(TeamMember {
            person: self.person_id.parse()?,
            name: self.name.clone(),
            department: Department::from_code(&self.department)?,
            role: TeamRole::from_code(&self.role)?,
            certificate_no: self.certificate_no.clone(),
            qualifications: self.qualifications.clone(),
        })
    }
}

/// What the team lead fills in to plan an inspection.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct InspectionDraft {
    /// The enterprise.
    pub enterprise_id: String,
    /// Checklist (id, version) pairs, from `latest_checklists`.
    pub checklists: Vec<ChecklistKey>,
    /// The team (one lead).
    pub team: Vec<TeamMemberInfo>,
    /// When it is planned (RFC 3339).
    pub scheduled_at: String,
}

/// A checklist version.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistKey {
    /// Id.
    pub id: String,
    /// Version.
    pub version: u32,
}

/// An inspection's header, for its screen.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct InspectionInfo {
    /// Id.
    pub id: String,
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Industry code.
    pub industry: String,
    /// Status code.
    pub status: String,
    /// Status label (检查中, 待签字, ...).
    pub status_label: String,
    /// The team.
    pub team: Vec<TeamMemberInfo>,
    /// Checklists used.
    pub checklists: Vec<ChecklistKey>,
    /// Responses recorded.
    pub responses: u32,
    /// Findings recorded.
    pub findings: u32,
    /// Interview records.
    pub interviews: u32,
}

/// An answer to one checklist item.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum AnswerInput {
    /// 符合.
    Pass,
    /// 不符合.
    Fail,
    /// 不适用.
    NotApplicable,
    /// An instrument reading (the verdict follows from the threshold).
    Measured {
        /// The reading, in the item's unit.
        value: f64,
    },
    /// Chosen options.
    Choices {
        /// The options.
        options: Vec<String>,
    },
}

/// A recorded response, with the verdict the rules computed.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ResponseInfo {
    /// Item code.
    pub item_code: String,
    /// `pass`, `fail` or `not_applicable`.
    pub verdict: String,
    /// 符合 / 不符合 / 不适用.
    pub verdict_label: String,
}

/// A hazard as the inspector records it; grade and deadline rules apply.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct FindingInput {
    /// What is wrong.
    pub description: String,
    /// Where.
    pub location: String,
    /// The checklist item it fails, if any (its legal basis is copied).
    pub item_code: Option<String>,
    /// Grade code from the region's scheme (一级/二级/三级 or 重大/一般).
    pub grade: String,
    /// What must be done.
    pub requirement: String,
}

/// A finding on file.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct FindingInfo {
    /// Id.
    pub id: String,
    /// Description.
    pub description: String,
    /// Location.
    pub location: String,
    /// Grade.
    pub grade: String,
    /// The deadline: `immediate` or a date (YYYY-MM-DD), computed from the grade.
    pub deadline: String,
    /// Requirement.
    pub requirement: String,
    /// Legal basis, if from a checklist item.
    pub legal_basis: Option<String>,
    /// Status code.
    pub status: String,
    /// Evidence blob hashes.
    pub evidence: Vec<String>,
}

impl From<&Finding> for FindingInfo {
    fn from(f: &Finding) -> Self {
        FindingInfo {
            id: f.id.to_string(),
            description: f.description.clone(),
            location: f.location.clone(),
            grade: f.grade.clone(),
            deadline: f.deadline.code(),
            requirement: f.requirement.clone(),
            legal_basis: f.legal_basis.as_ref().map(|l| format!("{}{}", l.law, l.article)),
            status: f.status.code().into(),
            evidence: f.evidence.clone(),
        }
    }
}

/// An interview record's header and first facts.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct InterviewInput {
    /// Interviewee's name.
    pub name: String,
    /// Interviewee's ID card number.
    pub id_number: String,
    /// Position at the enterprise.
    pub position: String,
    /// Phone.
    pub phone: String,
    /// Interviewing inspectors (person ids; at least two).
    pub interviewers: Vec<String>,
    /// Where.
    pub place: String,
}

/// A sub-group of the team.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct SubGroupInput {
    /// Name (资料组, 现场一组, ...).
    pub name: String,
    /// `documents`, `site` or `interviews`.
    pub kind: String,
    /// Members' person ids.
    pub members: Vec<String>,
}

fn inspection_id(id: &str) -> ApiResult<InspectionId> {
    Ok(id.parse()?)
}

impl LianjianStore {
    fn apply(&self, id: &str, edits: &[Edit]) -> ApiResult<()> {
        let editor = self.editor()?;
        self.core().edit(&inspection_id(id)?, &editor, edits, now())?;
        Ok(())
    }
}

#[uniffi::export]
impl LianjianStore {
    /// Plans an inspection (team lead); returns its id.
    pub fn create_inspection(self: Arc<Self>, draft: InspectionDraft) -> ApiResult<String> {
        let editor = self.editor()?;
        let enterprise = self.core().enterprise(&draft.enterprise_id.parse()?)?;
        let mut refs = Vec::new();
        for c in &draft.checklists {
            refs.push(ChecklistRef { id: c.id.parse()?, version: c.version });
        }
        let team = draft.team.iter().map(TeamMemberInfo::to_core).collect::<ApiResult<Vec<_>>>()?;
        let at = lianjian_core::model::Timestamp::parse(&draft.scheduled_at)?;
        let mut store = self.core();
        let scheme = store.grade_scheme().id.clone();
        let inspection = lianjian_core::model::Inspection::planned(&enterprise, refs, &team, &scheme, at);
        store.create_inspection(&inspection, &editor, now())?;
        Ok(inspection.id.to_string())
    }

    /// The inspection's header.
    pub fn open_inspection(&self, id: String) -> ApiResult<InspectionInfo> {
        let h = self.core().open_inspection(&inspection_id(&id)?)?;
        Ok(InspectionInfo {
            id: h.id.to_string(),
            enterprise_id: h.enterprise.to_string(),
            enterprise_name: h.enterprise_name,
            industry: h.industry,
            status: h.status.code().into(),
            status_label: h.status.label().into(),
            team: h
                .team
                .iter()
                .map(|m| TeamMemberInfo {
                    person_id: m.person.to_string(),
                    name: m.name.clone(),
                    department: m.department.code().into(),
                    role: m.role.code().into(),
                    certificate_no: m.certificate_no.clone(),
                    qualifications: m.qualifications.clone(),
                })
                .collect(),
            checklists: h
                .checklists
                .iter()
                .map(|c| ChecklistKey { id: c.id.to_string(), version: c.version })
                .collect(),
            responses: h.responses as u32,
            findings: h.findings as u32,
            interviews: h.interviews as u32,
        })
    }

    /// Moves the inspection to `status` (`in_progress`, `awaiting_signature`, ...).
    pub fn set_inspection_status(&self, id: String, status: String) -> ApiResult<()> {
        self.apply(&id, &[Edit::SetStatus(InspectionStatus::from_code(&status)?)])
    }

    /// Adds or replaces a team member (team lead).
    pub fn put_team_member(&self, id: String, member: TeamMemberInfo) -> ApiResult<()> {
        self.apply(&id, &[Edit::PutMember(member.to_core()?)])
    }

    /// Creates a sub-group (team lead); returns its id.
    pub fn add_sub_group(&self, id: String, group: SubGroupInput) -> ApiResult<String> {
        let members = group.members.iter().map(|m| m.parse()).collect::<Result<Vec<PersonId>, _>>()?;
        let sub =
            SubGroup { id: SubGroupId::new(), name: group.name, kind: SubGroupKind::from_code(&group.kind)?, members };
        let sid = sub.id.to_string();
        self.apply(&id, &[Edit::PutSubGroup(sub)])?;
        Ok(sid)
    }

    /// Records the signed-in inspector's answer to a checklist item; the
    /// verdict follows from the item (a reading outside its threshold fails).
    pub fn record_response(
        self: Arc<Self>,
        id: String,
        checklist: ChecklistKey,
        item_code: String,
        answer: AnswerInput,
        note: String,
    ) -> ApiResult<ResponseInfo> {
        let editor = self.editor()?;
        let template = template(&self, &checklist.id, checklist.version)?;
        let item = template.item(&item_code).ok_or(ApiError::NotFound { kind: "checklist item".into() })?;
        let answer = match answer {
            AnswerInput::Pass => Answer::Verdict(lianjian_core::model::Verdict::Pass),
            AnswerInput::Fail => Answer::Verdict(lianjian_core::model::Verdict::Fail),
            AnswerInput::NotApplicable => Answer::NotApplicable,
            AnswerInput::Measured { value } => Answer::Measured(value),
            AnswerInput::Choices { options } => Answer::Choices(options),
        };
        let response = response_for(item, editor.person, &answer, note, now())?;
        let info = ResponseInfo {
            item_code: response.item_code.clone(),
            verdict: response.verdict.code().into(),
            verdict_label: response.verdict.label().into(),
        };
        self.apply(&id, &[Edit::RecordResponse(response)])?;
        Ok(info)
    }

    /// Records a hazard; its deadline is computed from the grade (working
    /// days counted on the official holiday calendar, Asia/Shanghai).
    pub fn add_finding(self: Arc<Self>, id: String, finding: FindingInput) -> ApiResult<FindingInfo> {
        let editor = self.editor()?;
        let at = now();
        let (deadline, legal_basis) = {
            let mut store = self.core();
            let header = store.open_inspection(&inspection_id(&id)?)?;
            let deadline =
                deadline_for_grade(&HolidayCalendar::bundled(), store.grade_scheme(), &finding.grade, &at.0)?;
            let mut basis = None;
            if let Some(code) = &finding.item_code {
                for c in &header.checklists {
                    if let Some(item) = store.checklist(&c.id, c.version)?.item(code) {
                        basis = Some(item.legal_basis.clone());
                    }
                }
            }
            (deadline, basis)
        };
        let f = Finding {
            id: FindingId::new(),
            description: finding.description,
            location: finding.location,
            item_code: finding.item_code,
            legal_basis,
            grade: finding.grade,
            deadline,
            requirement: finding.requirement,
            referred_to: None,
            evidence: vec![],
            rectification_evidence: vec![],
            status: FindingStatus::Open,
            found_by: editor.person,
            found_at: at,
        };
        let info = FindingInfo::from(&f);
        self.apply(&id, &[Edit::AddFinding(f)])?;
        Ok(info)
    }

    /// Changes a finding's grade; the deadline is recomputed from the new grade.
    pub fn set_finding_grade(&self, id: String, finding_id: String, grade: String) -> ApiResult<FindingInfo> {
        let fid: FindingId = finding_id.parse()?;
        let found_at = self.core().finding(&inspection_id(&id)?, &fid)?.found_at;
        let deadline: Deadline = {
            let store = self.core();
            deadline_for_grade(&HolidayCalendar::bundled(), store.grade_scheme(), &grade, &found_at.0)?
        };
        self.apply(
            &id,
            &[
                Edit::UpdateFinding { id: fid, field: FindingField::Grade(grade) },
                Edit::UpdateFinding { id: fid, field: FindingField::Deadline(deadline) },
            ],
        )?;
        Ok((&self.core().finding(&inspection_id(&id)?, &fid)?).into())
    }

    /// Attaches evidence (a blob's SHA-256) to a finding.
    pub fn attach_evidence(&self, id: String, finding_id: String, sha256: String) -> ApiResult<()> {
        self.apply(&id, &[Edit::AttachEvidence { id: finding_id.parse()?, sha256 }])
    }

    /// The inspection's findings.
    pub fn findings(&self, id: String) -> ApiResult<Vec<FindingInfo>> {
        let inspection = self.core().inspection(&inspection_id(&id)?)?;
        let mut out: Vec<FindingInfo> = inspection.findings.values().map(Into::into).collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Starts an interview record (询问笔录); returns its id.
    pub fn add_interview(&self, id: String, interview: InterviewInput) -> ApiResult<String> {
        let interviewers = interview.interviewers.iter().map(|p| p.parse()).collect::<Result<Vec<PersonId>, _>>()?;
        let record = InterviewRecord {
            id: InterviewId::new(),
            interviewee: Interviewee {
                name: interview.name,
                id_number: interview.id_number,
                position: interview.position,
                phone: interview.phone,
            },
            interviewers,
            place: interview.place,
            started_at: now(),
            qa: vec![],
        };
        let iid = record.id.to_string();
        self.apply(&id, &[Edit::AddInterview(record)])?;
        Ok(iid)
    }

    /// Appends a question and its answer to an interview record.
    pub fn append_qa(&self, id: String, interview_id: String, question: String, answer: String) -> ApiResult<()> {
        self.apply(&id, &[Edit::AppendQa { id: interview_id.parse()?, qa: QuestionAnswer { question, answer } }])
    }
}
