//! Creating and editing inspections: the team and sub-groups, checklist
//! responses, findings, evidence and interview records. Each call is one
//! durable edit; the verdicts, deadlines and grade rules are the core's
//! (`rules::verdict`, `rules::deadline`, `store::findings`), converted here.

use std::sync::Arc;

use lianjian_core::doc::Edit;
use lianjian_core::model::{
    ChecklistRef, Department, Finding, ImmediateMeasure, InspectionId, InspectionStatus, InterviewId, InterviewRecord,
    Interviewee, PersonId, QuestionAnswer, SubGroup, SubGroupId, SubGroupKind, TeamMember, TeamRole,
};
use lianjian_core::rules::deadline::FindingDeadline;
use lianjian_core::rules::verdict::{response_for, Answer};
use lianjian_core::store::findings::FindingDraft;

use crate::catalog::template;
use crate::error::{ApiError, ApiResult};
use crate::store::LianjianStore;

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

/// Whether `team` may carry out an inspection of `industry` (the core's
/// team rule, the one the server applies): `None` when it may, else the
/// reason in Chinese, for the team screen to show before 开始检查.
#[uniffi::export]
pub fn check_team(
    team: Vec<TeamMemberInfo>,
    industry: String,
    qualification_required: bool,
) -> ApiResult<Option<String>> {
    let team = team.iter().map(TeamMemberInfo::to_core).collect::<ApiResult<Vec<_>>>()?;
    Ok(lianjian_core::rules::team::validate_team(&team, &industry, qualification_required).err().map(|e| e.to_string()))
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
    /// The immediate measure taken on site (`stop_work`, `evacuate`,
    /// `suspend_production`, `stop_using_equipment`, `eliminate_danger`);
    /// required for grades that stop work (一级, 重大).
    #[uniffi(default)]
    pub immediate_measure: Option<String>,
    /// A deadline set by hand instead of the grade's.
    #[uniffi(default)]
    pub deadline_override: Option<DeadlineOverride>,
}

/// A deadline the inspector sets by hand.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct DeadlineOverride {
    /// The date (YYYY-MM-DD, Asia/Shanghai).
    pub date: String,
    /// Why the grade's default does not fit.
    pub reason: String,
}

impl DeadlineOverride {
    fn to_core(&self) -> ApiResult<(chrono::NaiveDate, String)> {
        let date = self.date.parse().map_err(|_| ApiError::validation("deadline", "not a date (YYYY-MM-DD)"))?;
        Ok((date, self.reason.clone()))
    }
}

fn measure(code: &Option<String>) -> ApiResult<Option<ImmediateMeasure>> {
    Ok(code.as_deref().map(ImmediateMeasure::from_code).transpose()?)
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
    /// The deadline in force: a date (YYYY-MM-DD), or `immediate` for a
    /// hazard recorded by an old build.
    pub deadline: String,
    /// `computed` (from the grade) or `manual` (set by the inspector).
    pub deadline_basis: String,
    /// Why the inspector set the deadline, for a manual one.
    pub deadline_reason: Option<String>,
    /// Why the deadline is provisional (its year's official calendar has
    /// not arrived yet); `None` when it is final.
    pub deadline_provisional: Option<String>,
    /// The deadline on file, when the one in force differs from it (the
    /// year's calendar arrived, or a merge changed the grade).
    pub deadline_changed_from: Option<String>,
    /// The immediate measure taken on site, if any (code).
    pub immediate_measure: Option<String>,
    /// Its label (停止作业, 撤出作业人员, ...).
    pub immediate_measure_label: Option<String>,
    /// Requirement.
    pub requirement: String,
    /// Legal basis, if from a checklist item.
    pub legal_basis: Option<String>,
    /// Status code.
    pub status: String,
    /// Evidence blob hashes.
    pub evidence: Vec<String>,
}

impl FindingInfo {
    fn new(f: &Finding, d: &FindingDeadline) -> Self {
        FindingInfo {
            id: f.id.to_string(),
            description: f.description.clone(),
            location: f.location.clone(),
            grade: f.grade.clone(),
            deadline: d.deadline.code(),
            deadline_basis: d.basis.code().into(),
            deadline_reason: f.deadline_reason.clone(),
            deadline_provisional: d.provisional.clone(),
            deadline_changed_from: d.changed_from.map(|c| c.code()),
            immediate_measure: f.immediate_measure.map(|m| m.code().into()),
            immediate_measure_label: f.immediate_measure.map(|m| m.label().into()),
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

/// The inspection's outcome (检查结论): what the findings give, the lead's
/// stronger choice, and the one in force.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OutcomeInfo {
    /// Derived from findings and readings: `no_hazard`, `rectify` or `immediate_measures`.
    pub derived: String,
    /// The outcome in force (code).
    pub in_force: String,
    /// Its label (未发现隐患 / 责令限期整改 / 采取现场处理措施).
    pub in_force_label: String,
    /// The reason for a stronger outcome the lead chose, if any.
    pub chosen_reason: Option<String>,
}

impl From<lianjian_core::store::findings::OutcomeView> for OutcomeInfo {
    fn from(o: lianjian_core::store::findings::OutcomeView) -> Self {
        OutcomeInfo {
            derived: o.derived.code().into(),
            in_force: o.in_force.code().into(),
            in_force_label: o.in_force.label().into(),
            chosen_reason: o.chosen.map(|c| c.reason),
        }
    }
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

fn info(store: &mut lianjian_core::store::Store, id: &InspectionId, f: &Finding) -> ApiResult<FindingInfo> {
    Ok(FindingInfo::new(f, &store.finding_deadline(id, f)?))
}

pub(crate) fn inspection_id(id: &str) -> ApiResult<InspectionId> {
    Ok(id.parse()?)
}

impl LianjianStore {
    pub(crate) fn apply(&self, id: &str, edits: &[Edit]) -> ApiResult<()> {
        let editor = self.editor()?;
        self.core().edit(&inspection_id(id)?, &editor, edits, self.now())?;
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
        store.create_inspection(&inspection, &editor, self.now())?;
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

    /// Removes a team member (team lead).
    pub fn remove_team_member(&self, id: String, person_id: String) -> ApiResult<()> {
        self.apply(&id, &[Edit::RemoveMember(person_id.parse()?)])
    }

    /// Moves a hazard in its closed loop (`rectifying`, `awaiting_reinspection`,
    /// `closed`, `reopened`); the rules say who may make which move.
    pub fn set_finding_status(&self, id: String, finding_id: String, status: String) -> ApiResult<()> {
        let to = lianjian_core::model::FindingStatus::from_code(&status)?;
        self.apply(&id, &[Edit::SetFindingStatus { id: finding_id.parse()?, to }])
    }

    /// The whole document, to hand to a tablet next to this one.
    pub fn export_document(&self, id: String) -> ApiResult<Vec<u8>> {
        Ok(self.core().export(&id)?)
    }

    /// Merges a document handed over by a tablet next to this one; whether
    /// anything new arrived.
    pub fn receive_document(&self, id: String, bytes: Vec<u8>) -> ApiResult<bool> {
        let changed = self.core().receive(&id, &bytes, self.now())?;
        if changed {
            self.notify(vec![id]);
        }
        Ok(changed)
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
        let response = response_for(item, editor.person, &answer, note, self.now())?;
        let info = ResponseInfo {
            item_code: response.item_code.clone(),
            verdict: response.verdict.code().into(),
            verdict_label: response.verdict.label().into(),
        };
        self.apply(&id, &[Edit::RecordResponse(response)])?;
        Ok(info)
    }

    /// Records a hazard found now by the signed-in inspector; the core
    /// copies the item's legal basis and gives the deadline its grade
    /// allows (provisional when its year's calendar is not here yet).
    pub fn add_finding(&self, id: String, finding: FindingInput) -> ApiResult<FindingInfo> {
        let editor = self.editor()?;
        let iid = inspection_id(&id)?;
        let draft = FindingDraft {
            description: finding.description,
            location: finding.location,
            item_code: finding.item_code,
            grade: finding.grade,
            requirement: finding.requirement,
            immediate_measure: measure(&finding.immediate_measure)?,
            deadline_override: finding.deadline_override.as_ref().map(DeadlineOverride::to_core).transpose()?,
        };
        let mut store = self.core();
        let f = store.add_finding(&iid, &editor, draft, self.now())?;
        info(&mut store, &iid, &f)
    }

    /// Changes a finding's grade (with the immediate measure when the new
    /// grade stops work); a computed deadline follows the grade.
    #[uniffi::method(default(immediate_measure = None))]
    pub fn set_finding_grade(
        &self,
        id: String,
        finding_id: String,
        grade: String,
        immediate_measure: Option<String>,
    ) -> ApiResult<FindingInfo> {
        let editor = self.editor()?;
        let iid = inspection_id(&id)?;
        let mut store = self.core();
        let f = store.set_finding_grade(
            &iid,
            &editor,
            &finding_id.parse()?,
            &grade,
            measure(&immediate_measure)?,
            self.now(),
        )?;
        info(&mut store, &iid, &f)
    }

    /// Sets a finding's deadline by hand with a reason, or (`None`) returns
    /// it to the deadline its grade gives.
    pub fn set_finding_deadline(
        &self,
        id: String,
        finding_id: String,
        deadline: Option<DeadlineOverride>,
    ) -> ApiResult<FindingInfo> {
        let editor = self.editor()?;
        let iid = inspection_id(&id)?;
        let over = deadline.as_ref().map(DeadlineOverride::to_core).transpose()?;
        let mut store = self.core();
        let f = store.set_finding_deadline(&iid, &editor, &finding_id.parse()?, over, self.now())?;
        info(&mut store, &iid, &f)
    }

    /// The inspection's outcome as the core derives it.
    pub fn inspection_outcome(&self, id: String) -> ApiResult<OutcomeInfo> {
        Ok(self.core().inspection_outcome(&inspection_id(&id)?)?.into())
    }

    /// Records a stronger outcome than the findings give, with the reason
    /// (team lead); a weaker one is refused.
    pub fn choose_outcome(&self, id: String, outcome: String, reason: String) -> ApiResult<OutcomeInfo> {
        let outcome = lianjian_core::model::InspectionOutcome::from_code(&outcome)?;
        self.apply(&id, &[Edit::ChooseOutcome { outcome, reason }])?;
        self.inspection_outcome(id)
    }

    /// Attaches evidence (a blob's SHA-256) to a finding.
    pub fn attach_evidence(&self, id: String, finding_id: String, sha256: String) -> ApiResult<()> {
        self.apply(&id, &[Edit::AttachEvidence { id: finding_id.parse()?, sha256 }])
    }

    /// The inspection's findings, with the deadlines in force.
    pub fn findings(&self, id: String) -> ApiResult<Vec<FindingInfo>> {
        let iid = inspection_id(&id)?;
        let mut store = self.core();
        let inspection = store.inspection(&iid)?;
        let mut out =
            inspection.findings.values().map(|f| info(&mut store, &iid, f)).collect::<ApiResult<Vec<FindingInfo>>>()?;
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
            started_at: self.now(),
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
