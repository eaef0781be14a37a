//! One inspection (联合检查) as the team sees it: who is on the team, which
//! checklist versions they use, their responses, the hazards found and the
//! interview records. This is the shape hydrated from (and written into) the
//! inspection's automerge document.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use super::codes::code_enum;
pub use super::department::Department;
use super::finding::Finding;
use super::ids::{ChecklistId, EnterpriseId, InspectionId, PersonId, PlanId, SubGroupId};
use super::interview::InterviewRecord;
use super::time::Timestamp;

code_enum!(
    /// The inspection's lifecycle. Transitions are checked by
    /// `rules::transitions`.
    InspectionStatus {
        /// Planned, not started.
        Draft = ("draft", "草稿"),
        /// The team is on site.
        InProgress = ("in_progress", "检查中"),
        /// Findings are complete and shown to the enterprise.
        AwaitingSignature = ("awaiting_signature", "待签字"),
        /// Signed by the responsible person, or refusal recorded.
        Signed = ("signed", "已签字"),
        /// Documents issued, record closed.
        Closed = ("closed", "已办结"),
    }
);

code_enum!(
    /// A member's role in the team.
    TeamRole {
        /// 组长: assigns sub-groups, decides grades, resolves conflicts.
        Lead = ("lead", "组长"),
        /// 组员 with enforcement powers.
        Inspector = ("inspector", "组员"),
        /// 专家: advises, no enforcement powers.
        Expert = ("expert", "专家"),
    }
);

code_enum!(
    /// What a sub-group does on site.
    SubGroupKind {
        /// 资料检查组.
        Documents = ("documents", "资料检查组"),
        /// 现场检查组.
        Site = ("site", "现场检查组"),
        /// 询问组.
        Interviews = ("interviews", "询问组"),
    }
);

code_enum!(
    /// The verdict on one checklist item.
    Verdict {
        /// 符合.
        Pass = ("pass", "符合"),
        /// 不符合.
        Fail = ("fail", "不符合"),
        /// 不适用.
        NotApplicable = ("not_applicable", "不适用"),
    }
);

code_enum!(
    /// The inspection's outcome (检查结论), weakest first.
    InspectionOutcome {
        /// 未发现隐患.
        NoHazard = ("no_hazard", "未发现隐患"),
        /// 责令限期整改.
        Rectify = ("rectify", "责令限期整改"),
        /// 采取现场处理措施 (stop work, evacuate, ...).
        ImmediateMeasures = ("immediate_measures", "采取现场处理措施"),
    }
);

/// An outcome the inspector chose over the derived one (never weaker).
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct OutcomeChoice {
    /// The outcome.
    pub outcome: InspectionOutcome,
    /// Why the derived one was not enough.
    pub reason: String,
    /// Who chose it.
    pub by: PersonId,
    /// When.
    pub at: Timestamp,
}

/// A member of the inspection team.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct TeamMember {
    /// The person.
    pub person: PersonId,
    /// Name as printed on documents.
    pub name: String,
    /// Department.
    pub department: Department,
    /// Role in this team.
    pub role: TeamRole,
    /// 执法证号; experts have none.
    pub certificate_no: Option<String>,
    /// Industry qualifications (industry codes) held.
    pub qualifications: Vec<String>,
}

impl TeamMember {
    /// Whether this member can act as an enforcement officer.
    pub fn is_enforcement_officer(&self) -> bool {
        self.role != TeamRole::Expert && self.certificate_no.as_deref().is_some_and(|c| !c.trim().is_empty())
    }
}

/// A sub-group of the team.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct SubGroup {
    /// Id.
    pub id: SubGroupId,
    /// Name, e.g. 现场检查一组.
    pub name: String,
    /// What it does.
    pub kind: SubGroupKind,
    /// Members (person ids).
    pub members: Vec<PersonId>,
}

/// The exact checklist version an inspection uses.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ChecklistRef {
    /// Template id.
    pub id: ChecklistId,
    /// Version.
    pub version: u32,
}

/// One inspector's response to one checklist item.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct Response {
    /// Item code.
    pub item_code: String,
    /// Who answered.
    pub inspector: PersonId,
    /// The verdict (computed for measurements).
    pub verdict: Verdict,
    /// Measured value, for measurement items.
    pub measured: Option<f64>,
    /// Chosen options, for choice items.
    pub choices: Vec<String>,
    /// Free text answer, for text items.
    pub text: Option<String>,
    /// Inspector's note.
    pub note: String,
    /// Evidence (SHA-256 of photos) for this item.
    pub evidence: Vec<String>,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

impl Response {
    /// The key of this response in the inspection: one per item per inspector.
    pub fn key(&self) -> String {
        response_key(&self.item_code, &self.inspector)
    }
}

/// The key of a response: `item code / inspector id`.
pub fn response_key(item_code: &str, inspector: &PersonId) -> String {
    format!("{item_code}/{inspector}")
}

/// The inspection document layout version this build writes and understands.
pub const SCHEMA_VERSION: u64 = 1;

/// A whole inspection.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct Inspection {
    /// Document schema version ([`SCHEMA_VERSION`]).
    pub schema: u64,
    /// Id.
    pub id: InspectionId,
    /// The plan it belongs to, if any.
    pub plan: Option<PlanId>,
    /// The enterprise inspected.
    pub enterprise: EnterpriseId,
    /// Enterprise name at the time (documents print it).
    pub enterprise_name: String,
    /// Industry inspected (selects qualifications and checklists).
    pub industry: String,
    /// Whether a checklist used requires every enforcement officer to be
    /// qualified for the industry (copied from the checklists when the
    /// inspection is created, so the team rule reads the document alone).
    #[autosurgeon(missing = "Default::default")]
    pub qualification_required: bool,
    /// Grade scheme id used for findings.
    pub grade_scheme: String,
    /// Checklist versions used.
    pub checklists: Vec<ChecklistRef>,
    /// Team, by person id.
    pub team: BTreeMap<String, TeamMember>,
    /// Sub-groups, by id.
    pub subgroups: BTreeMap<String, SubGroup>,
    /// Where the inspection takes place.
    pub location: String,
    /// Planned date/time.
    pub scheduled_at: Option<Timestamp>,
    /// When the team started on site.
    pub started_at: Option<Timestamp>,
    /// When it ended.
    pub ended_at: Option<Timestamp>,
    /// Lifecycle state.
    pub status: InspectionStatus,
    /// Responses, by [`response_key`].
    pub responses: BTreeMap<String, Response>,
    /// Findings, by finding id.
    pub findings: BTreeMap<String, Finding>,
    /// Interview records, by id.
    pub interviews: BTreeMap<String, InterviewRecord>,
    /// When the record was created.
    pub created_at: Timestamp,
    /// Evidence records, by SHA-256 of the original file.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub evidence: BTreeMap<String, super::evidence::EvidenceMeta>,
    /// Frozen, signed records, by signature id. Written once, never edited.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub signatures: BTreeMap<String, super::signature::SignatureEntry>,
    /// Refusals to sign (拒签), by record code. Written once, never edited.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub refusals: BTreeMap<String, super::signature::Refusal>,
    /// The outcome the inspector chose, when stronger than the derived one
    /// (`rules::outcome`).
    #[autosurgeon(missing = "Option::default")]
    pub outcome: Option<OutcomeChoice>,
    /// The enterprise's own self-inspection (自查自报): no team; its hazards
    /// go the same loop and the office reviews them.
    #[autosurgeon(missing = "Default::default")]
    pub self_reported: bool,
}

impl Inspection {
    /// A new, planned inspection (status draft) of `enterprise` by `team`,
    /// using the given checklist versions and grade scheme.
    pub fn planned(
        enterprise: &super::Enterprise,
        checklists: Vec<ChecklistRef>,
        team: &[TeamMember],
        grade_scheme: &str,
        scheduled_at: Timestamp,
    ) -> Self {
        Inspection {
            schema: SCHEMA_VERSION,
            id: InspectionId::new(),
            plan: None,
            enterprise: enterprise.id,
            enterprise_name: enterprise.name.clone(),
            industry: enterprise.industry.clone(),
            qualification_required: false,
            grade_scheme: grade_scheme.into(),
            checklists,
            team: team.iter().map(|m| (m.person.to_string(), m.clone())).collect(),
            subgroups: BTreeMap::new(),
            location: enterprise.address.clone(),
            scheduled_at: Some(scheduled_at),
            started_at: None,
            ended_at: None,
            status: InspectionStatus::Draft,
            responses: BTreeMap::new(),
            findings: BTreeMap::new(),
            interviews: BTreeMap::new(),
            created_at: scheduled_at,
            evidence: BTreeMap::new(),
            signatures: BTreeMap::new(),
            refusals: BTreeMap::new(),
            outcome: None,
            self_reported: false,
        }
    }

    /// The enterprise's own record of hazards it found itself (自查自报),
    /// on `at`: no team, no checklist.
    pub fn self_inspection(enterprise: &super::Enterprise, grade_scheme: &str, at: Timestamp) -> Self {
        Inspection { self_reported: true, ..Inspection::planned(enterprise, vec![], &[], grade_scheme, at) }
    }
}
