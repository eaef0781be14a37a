//! The inspection document: one automerge document per inspection, edited by
//! every member of the team on their own device and merged without loss.
//!
//! Layout (all keys at the root):
//! `schema, id, plan, enterprise, enterprise_name, industry, grade_scheme,
//! checklists[], team{person}, subgroups{id}, location, scheduled_at,
//! started_at, ended_at, status, responses{item/inspector}, findings{id},
//! interviews{id}, created_at, evidence{sha256}, signatures{id},
//! refusals{record}` as mapped from [`Inspection`] (the last three written
//! once per key, never edited), plus `actors{actor hex -> {person, name,
//! role, device_key}}` (who each device's changes belong to, and the signing
//! key that device registered itself) and `resolutions[]` (who resolved
//! which conflict).
//! Collections are maps keyed by id so concurrent additions never collide.

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ReadDoc, ScalarValue, ROOT};

use super::authorize::{authorize_changes, Author, Context};
use super::edit::{Edit, Editor, FindingField};
use super::fields::{
    append_unique, object, opt_str, put_if_changed, put_significant, root_map, root_map_or_create, string,
};
use crate::error::{Error, Result};
use crate::evidence::{EvidencePurpose, EvidenceTarget};
use crate::model::{DeadlineBasis, Finding, FindingStatus, Inspection, InspectionId, InspectionStatus, Timestamp};
use crate::rules::deadline::settle_finding;
use crate::rules::grades::GradeScheme;
use crate::rules::permissions::{authorize, authorize_in, Action};
use crate::rules::transitions::{check_finding_transition, check_inspection_transition, content_editable};
use crate::signing::record::RecordRef;

pub use crate::model::inspection::SCHEMA_VERSION;

/// An inspection's automerge document with typed operations.
#[derive(Debug, Clone)]
pub struct InspectionDoc {
    doc: Automerge,
}

impl InspectionDoc {
    /// Creates the document for a new inspection, authored by `editor`.
    pub fn create(inspection: &Inspection, actor: ActorId, editor: &Editor, at: Timestamp) -> Result<Self> {
        if inspection.self_reported {
            // The enterprise's own record: by its user, with no team.
            if editor.role != crate::rules::permissions::Role::Enterprise || !inspection.team.is_empty() {
                return Err(Error::Forbidden { role: editor.role.code().into(), action: "self_report".into() });
            }
        } else {
            authorize(editor.role, Action::CreateInspection)?;
        }
        if inspection.schema != SCHEMA_VERSION {
            return Err(Error::validation("schema", format!("new inspections use schema {SCHEMA_VERSION}")));
        }
        let actor_hex = actor.to_hex_string();
        let mut doc = Automerge::new().with_actor(actor);
        let options = CommitOptions::default().with_time(at.unix_millis()).with_message("create inspection");
        doc.transact_with(
            |_| options,
            |tx| -> Result<()> {
                autosurgeon::reconcile(tx, inspection)?;
                tx.put_object(ROOT, "resolutions", ObjType::List)?;
                tx.put_object(ROOT, "actors", ObjType::Map)?;
                // Created with the document: two devices creating a map at
                // the same key later would hide one another's entries.
                tx.put_object(ROOT, super::closed_loop::EVENTS, ObjType::Map)?;
                tx.put_object(ROOT, super::closed_loop::REPORTS, ObjType::Map)?;
                tx.put_object(ROOT, super::closed_loop::PLANS, ObjType::Map)?;
                register_actor(tx, &actor_hex, editor)?;
                Ok(())
            },
        )
        .map_err(|f| f.error)?;
        Ok(Self { doc })
    }

    /// Wraps a loaded document, checking it is an inspection this build understands.
    pub fn from_automerge(doc: Automerge) -> Result<Self> {
        let this = Self { doc };
        match super::fields::scalar(&this.doc, &ROOT, "schema")? {
            Some(ScalarValue::Uint(v)) if v == SCHEMA_VERSION => {}
            Some(ScalarValue::Uint(v)) => {
                return Err(Error::Schema(format!(
                    "inspection schema {v} is not supported (this build: {SCHEMA_VERSION})"
                )))
            }
            _ => return Err(Error::Schema("not an inspection document".into())),
        }
        this.id()?;
        Ok(this)
    }

    /// Wraps a document already checked by [`InspectionDoc::from_automerge`].
    pub(crate) fn from_automerge_unchecked(doc: Automerge) -> Self {
        Self { doc }
    }

    /// The underlying automerge document.
    pub fn automerge(&self) -> &Automerge {
        &self.doc
    }

    /// Mutable access for merging and sync.
    pub fn automerge_mut(&mut self) -> &mut Automerge {
        &mut self.doc
    }

    /// Gives up the wrapper.
    pub fn into_automerge(self) -> Automerge {
        self.doc
    }

    /// The inspection id stored in the document.
    pub fn id(&self) -> Result<InspectionId> {
        string(&self.doc, &ROOT, "id")?.ok_or_else(|| Error::Schema("inspection has no id".into()))?.parse()
    }

    /// The current status.
    pub fn status(&self) -> Result<InspectionStatus> {
        let s = string(&self.doc, &ROOT, "status")?.ok_or_else(|| Error::Schema("no status".into()))?;
        InspectionStatus::from_code(&s)
    }

    /// The inspection's header: everything but the large collections, read
    /// key by key (cheap even for an inspection with thousands of entries).
    pub fn header(&self) -> Result<InspectionHeader> {
        header(&self.doc)
    }

    /// The whole inspection as typed data.
    pub fn hydrate(&self) -> Result<Inspection> {
        Ok(autosurgeon::hydrate(&self.doc)?)
    }

    /// Current heads.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// A copy of this document that writes as another actor (another device).
    pub fn fork(&self, actor: ActorId) -> Self {
        Self { doc: self.doc.fork().with_actor(actor) }
    }

    /// Merges another replica into this one.
    pub fn merge(&mut self, other: &mut InspectionDoc) -> Result<Vec<ChangeHash>> {
        Ok(self.doc.merge(&mut other.doc)?)
    }

    /// The id of the grade scheme the inspection's findings use.
    pub fn grade_scheme_id(&self) -> Result<String> {
        grade_scheme_of(&self.doc)
    }

    /// Applies `edits` atomically as one change by `editor` at `at`, with
    /// the calendars and the inspection's grade scheme from `office`.
    /// Either every edit is valid and allowed and one change is committed, or
    /// none is and the document is untouched. Returns the change hash (none
    /// when the edits changed nothing).
    pub fn apply(
        &mut self,
        editor: &Editor,
        ctx: &Context<'_>,
        edits: &[Edit],
        at: Timestamp,
    ) -> Result<Option<ChangeHash>> {
        let office = ctx.office;
        let self_reported = matches!(self.doc.get(ROOT, "self_reported")?, Some((automerge::Value::Scalar(v), _))
            if matches!(v.as_ref(), ScalarValue::Boolean(true)));
        let rules =
            Rules { scheme: office.scheme(&self.grade_scheme_id()?)?, calendar: &office.calendar, self_reported };
        let before = self.doc.get_heads();
        if edits.iter().any(|e| matches!(e, Edit::SetStatus(InspectionStatus::Signed))) {
            self.check_finalizable()?;
        }
        let message = edits.iter().map(Edit::summary).collect::<Vec<_>>().join("; ");
        let options = CommitOptions::default().with_time(at.unix_millis()).with_message(message);
        let mut status = self.status()?;
        let actor_hex = self.doc.get_actor().to_hex_string();
        let hash = self
            .doc
            .transact_with(
                |_| options,
                |tx| -> Result<()> {
                    let before = tx.pending_ops();
                    for edit in edits {
                        apply_one(tx, editor, &rules, &mut status, edit, at, &actor_hex)?;
                    }
                    if edits.iter().any(changes_team_or_starts) && on_site(status) {
                        check_team(tx)?;
                    }
                    if tx.pending_ops() > before {
                        register_actor(tx, &actor_hex, editor)?;
                    }
                    Ok(())
                },
            )
            .map_err(|f| f.error)?
            .hash;
        if let Some(hash) = hash {
            self.authorize_own(&before, hash, editor, ctx)?;
        }
        Ok(hash)
    }

    /// Runs the authorization the server will run on the change this device
    /// just committed; a refused change is taken back out of the document,
    /// so it is never stored or sent.
    pub(crate) fn authorize_own(
        &mut self,
        before: &[ChangeHash],
        hash: ChangeHash,
        editor: &Editor,
        ctx: &Context<'_>,
    ) -> Result<()> {
        let change = self.doc.get_change_by_hash(&hash).ok_or_else(|| Error::Schema("lost a change".into()))?;
        let author = Author { person: editor.person, role: editor.role, enterprise: None, department: None };
        if let Err(refusal) = authorize_changes(&self.doc, before, &[change], &author, ctx) {
            let actor = self.doc.get_actor().clone();
            self.doc = self.doc.fork_at(before)?.with_actor(actor);
            return Err(refusal.into());
        }
        Ok(())
    }
}

impl InspectionDoc {
    /// Refuses unless every record is signed (or refused) as the rules
    /// require; the error lists what is missing.
    pub fn check_finalizable(&self) -> Result<()> {
        let checks = crate::signing::verify::verify_all(&self.doc)?;
        let inspection: Inspection = autosurgeon::hydrate(&self.doc)?;
        let problems = crate::rules::signing::finalize_problems(&inspection, &checks);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::validation("signatures", problems.join("；")))
        }
    }
}

/// The inspection without its responses, findings and interviews (which the
/// apps list from projections and open one at a time).
#[derive(Clone, Debug, PartialEq)]
pub struct InspectionHeader {
    /// Id.
    pub id: InspectionId,
    /// The enterprise.
    pub enterprise: crate::model::EnterpriseId,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Industry.
    pub industry: String,
    /// Status.
    pub status: InspectionStatus,
    /// Team.
    pub team: Vec<crate::model::TeamMember>,
    /// Checklist versions.
    pub checklists: Vec<crate::model::ChecklistRef>,
    /// Location.
    pub location: String,
    /// Started on site.
    pub started_at: Option<Timestamp>,
    /// Number of responses.
    pub responses: usize,
    /// Number of findings.
    pub findings: usize,
    /// Number of interview records.
    pub interviews: usize,
}

/// The id of the grade scheme an inspection document's findings use.
pub fn grade_scheme_of(doc: &Automerge) -> Result<String> {
    string(doc, &ROOT, "grade_scheme")?.ok_or_else(|| Error::Schema("inspection has no grade scheme".into()))
}

/// Reads the header of an inspection document.
pub fn header(doc: &Automerge) -> Result<InspectionHeader> {
    let team: std::collections::BTreeMap<String, crate::model::TeamMember> =
        autosurgeon::hydrate_prop(doc, ROOT, "team")?;
    let count = |k: &'static str| -> Result<usize> { Ok(doc.length(root_map(doc, k)?)) };
    Ok(InspectionHeader {
        id: autosurgeon::hydrate_prop(doc, ROOT, "id")?,
        enterprise: autosurgeon::hydrate_prop(doc, ROOT, "enterprise")?,
        enterprise_name: autosurgeon::hydrate_prop(doc, ROOT, "enterprise_name")?,
        industry: autosurgeon::hydrate_prop(doc, ROOT, "industry")?,
        status: autosurgeon::hydrate_prop(doc, ROOT, "status")?,
        team: team.into_values().collect(),
        checklists: autosurgeon::hydrate_prop(doc, ROOT, "checklists")?,
        location: autosurgeon::hydrate_prop(doc, ROOT, "location")?,
        started_at: autosurgeon::hydrate_prop(doc, ROOT, "started_at")?,
        responses: count("responses")?,
        findings: count("findings")?,
        interviews: count("interviews")?,
    })
}

/// One finding of an inspection document.
pub fn finding(doc: &Automerge, id: &crate::model::FindingId) -> Result<crate::model::Finding> {
    let findings = root_map(doc, "findings")?;
    let obj = object(doc, &findings, &id.to_string(), "finding")?;
    Ok(<crate::model::Finding as autosurgeon::Hydrate>::hydrate_map(doc, &obj)?)
}

/// Records which person the current actor belongs to (once per actor).
fn register_actor(tx: &mut Transaction<'_>, actor: &str, editor: &Editor) -> Result<()> {
    let actors = root_map(tx, "actors")?;
    let key = actor;
    if tx.get(&actors, key)?.is_none() {
        let entry = tx.put_object(&actors, key, ObjType::Map)?;
        tx.put(&entry, "person", editor.person.to_string())?;
        tx.put(&entry, "name", editor.name.as_str())?;
        tx.put(&entry, "role", editor.role.code())?;
    }
    Ok(())
}

fn require_editable(status: InspectionStatus) -> Result<()> {
    if content_editable(status) {
        Ok(())
    } else {
        Err(Error::validation("status", format!("the record is {}; reopen it for editing first", status.label())))
    }
}

/// Whether `record` is before its signer now, to be signed or refused: an
/// interview record on site, as it is read back to the interviewee; the
/// findings list and site record once presented for signature; a 复查's
/// opinion once the inspection is signed.
fn check_presented(tx: &Transaction<'_>, status: InspectionStatus, record: &RecordRef) -> Result<()> {
    match record {
        RecordRef::Interview(id) => {
            if !matches!(status, InspectionStatus::InProgress | InspectionStatus::AwaitingSignature) {
                return Err(Error::validation("status", "interview records are signed on site"));
            }
            object(tx, &root_map(tx, "interviews")?, &id.to_string(), "interview")?;
        }
        RecordRef::Reinspection(_) if !matches!(status, InspectionStatus::Signed | InspectionStatus::Closed) => {
            return Err(Error::validation("status", "the 复查 follows a signed inspection"));
        }
        RecordRef::Reinspection(_) => {}
        _ if status != InspectionStatus::AwaitingSignature => {
            return Err(Error::validation(
                "status",
                format!("submit the record for signature first (now {})", status.label()),
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Whether an edit starts or signs the inspection or changes its team.
fn changes_team_or_starts(edit: &Edit) -> bool {
    matches!(
        edit,
        Edit::SetStatus(InspectionStatus::InProgress | InspectionStatus::Signed)
            | Edit::PutMember(_)
            | Edit::RemoveMember(_)
    )
}

/// Whether the team is at work (or has signed): the team rule holds then.
fn on_site(status: InspectionStatus) -> bool {
    matches!(status, InspectionStatus::InProgress | InspectionStatus::AwaitingSignature | InspectionStatus::Signed)
}

/// The team rule on the document as it stands in the transaction.
fn check_team(tx: &Transaction<'_>) -> Result<()> {
    let team: std::collections::BTreeMap<String, crate::model::TeamMember> =
        autosurgeon::hydrate_prop(tx, ROOT, "team")?;
    let industry = string(tx, &ROOT, "industry")?.unwrap_or_default();
    let required = matches!(tx.get(ROOT, "qualification_required")?, Some((automerge::Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true)));
    crate::rules::team::validate_team(team.values(), &industry, required)?;
    Ok(())
}

/// What finding edits are checked against.
struct Rules<'a> {
    scheme: &'a GradeScheme,
    calendar: &'a crate::rules::calendar::HolidayCalendar,
    /// The enterprise's self-inspection (its user records hazards there).
    self_reported: bool,
}

/// Writes a finding's deadline fields as settled by the rules; only the
/// keys whose values change.
fn write_deadline(tx: &mut Transaction<'_>, obj: &automerge::ObjId, f: &Finding) -> Result<()> {
    if f.deadline_basis == DeadlineBasis::Computed {
        // Derived from the grade: a new value settles any concurrent ones.
        put_if_changed(tx, obj, "deadline", f.deadline.code().into())?;
    } else if super::fields::significant_conflict(&*tx, obj, "deadline")? {
        return Err(Error::Conflicted { field: "deadline" });
    } else {
        put_if_changed(tx, obj, "deadline", f.deadline.code().into())?;
    }
    put_if_changed(tx, obj, "deadline_basis", f.deadline_basis.code().into())?;
    put_if_changed(tx, obj, "deadline_reason", opt_str(f.deadline_reason.as_deref()))?;
    put_if_changed(tx, obj, "deadline_provisional", opt_str(f.deadline_provisional.as_deref()))?;
    put_if_changed(tx, obj, "immediate_measure", opt_str(f.immediate_measure.map(|m| m.code())))?;
    Ok(())
}

fn apply_one(
    tx: &mut Transaction<'_>,
    editor: &Editor,
    rules: &Rules<'_>,
    status: &mut InspectionStatus,
    edit: &Edit,
    at: Timestamp,
    actor: &str,
) -> Result<()> {
    match edit {
        Edit::SetStatus(to) => {
            check_inspection_transition(editor.role, *status, *to)?;
            put_if_changed(tx, &ROOT, "status", to.code().into())?;
            match to {
                InspectionStatus::InProgress if string(tx, &ROOT, "started_at")?.is_none() => {
                    tx.put(ROOT, "started_at", at.to_string())?;
                }
                InspectionStatus::AwaitingSignature => {
                    tx.put(ROOT, "ended_at", at.to_string())?;
                }
                _ => {}
            }
            *status = *to;
        }
        Edit::PutMember(member) => {
            authorize(editor.role, Action::ManageTeam)?;
            let team = root_map(tx, "team")?;
            autosurgeon::reconcile_prop(tx, &team, member.person.to_string().as_str(), member)?;
        }
        Edit::RemoveMember(person) => {
            authorize(editor.role, Action::ManageTeam)?;
            let team = root_map(tx, "team")?;
            object(tx, &team, &person.to_string(), "team member")?;
            tx.delete(&team, person.to_string().as_str())?;
        }
        Edit::PutSubGroup(group) => {
            authorize(editor.role, Action::ManageTeam)?;
            let groups = root_map(tx, "subgroups")?;
            autosurgeon::reconcile_prop(tx, &groups, group.id.to_string().as_str(), group)?;
        }
        Edit::RecordResponse(r) => {
            authorize(editor.role, Action::RecordResponse)?;
            require_editable(*status)?;
            if r.inspector != editor.person && editor.role != crate::rules::permissions::Role::TeamLead {
                return Err(Error::validation("inspector", "only the team lead may record for another inspector"));
            }
            let responses = root_map(tx, "responses")?;
            let key = r.key();
            match tx.get(&responses, key.as_str())? {
                None => autosurgeon::reconcile_prop(tx, &responses, key.as_str(), r)?,
                Some(_) => {
                    let obj = object(tx, &responses, &key, "response")?;
                    put_significant(tx, &obj, "verdict", r.verdict.code().into())?;
                    put_significant(
                        tx,
                        &obj,
                        "measured",
                        r.measured.map(ScalarValue::F64).unwrap_or(ScalarValue::Null),
                    )?;
                    put_if_changed(tx, &obj, "text", opt_str(r.text.as_deref()))?;
                    put_if_changed(tx, &obj, "note", r.note.as_str().into())?;
                    let current: Vec<String> = autosurgeon::hydrate_prop(&*tx, &obj, "choices")?;
                    if current != r.choices {
                        autosurgeon::reconcile_prop(tx, &obj, "choices", &r.choices)?;
                    }
                    for sha in &r.evidence {
                        append_unique(tx, &obj, "evidence", sha)?;
                    }
                    put_if_changed(tx, &obj, "recorded_at", r.recorded_at.to_string().into())?;
                }
            }
        }
        Edit::AddFinding(f) => {
            authorize_in(editor.role, Action::RecordFinding, rules.self_reported)?;
            require_editable(*status)?;
            let grade = rules.scheme.grade(&f.grade)?;
            if f.description.trim().is_empty() {
                return Err(Error::validation("description", "a hazard needs a description"));
            }
            let findings = root_map(tx, "findings")?;
            let key = f.id.to_string();
            if tx.get(&findings, key.as_str())?.is_some() {
                return Err(Error::validation("finding", "a finding with this id already exists"));
            }
            let mut f = f.clone();
            settle_finding(rules.calendar, grade, &mut f)?;
            autosurgeon::reconcile_prop(tx, &findings, key.as_str(), &f)?;
        }
        Edit::UpdateFinding { id, field } => {
            let action = match field {
                FindingField::Grade(_) | FindingField::DeadlineOverride { .. } | FindingField::DeadlineComputed => {
                    Action::GradeFinding
                }
                _ => Action::RecordFinding,
            };
            authorize_in(editor.role, action, rules.self_reported)?;
            require_editable(*status)?;
            let findings = root_map(tx, "findings")?;
            let obj = object(tx, &findings, &id.to_string(), "finding")?;
            match field {
                FindingField::Description(d) => {
                    if d.trim().is_empty() {
                        return Err(Error::validation("description", "a hazard needs a description"));
                    }
                    put_significant(tx, &obj, "description", d.as_str().into())?;
                }
                FindingField::Location(l) => {
                    put_if_changed(tx, &obj, "location", l.as_str().into())?;
                }
                FindingField::Grade(_)
                | FindingField::DeadlineOverride { .. }
                | FindingField::DeadlineComputed
                | FindingField::ImmediateMeasure(_) => {
                    let mut f = <Finding as autosurgeon::Hydrate>::hydrate_map(&*tx, &obj)?;
                    match field {
                        FindingField::Grade(g) => f.grade = g.clone(),
                        FindingField::DeadlineOverride { date, reason } => {
                            f.deadline = crate::model::Deadline::By(*date);
                            f.deadline_basis = DeadlineBasis::Manual;
                            f.deadline_reason = Some(reason.clone());
                        }
                        FindingField::DeadlineComputed => f.deadline_basis = DeadlineBasis::Computed,
                        FindingField::ImmediateMeasure(m) => f.immediate_measure = *m,
                        _ => unreachable!("matched above"),
                    }
                    settle_finding(rules.calendar, rules.scheme.grade(&f.grade)?, &mut f)?;
                    if let FindingField::Grade(g) = field {
                        put_significant(tx, &obj, "grade", g.as_str().into())?;
                    }
                    write_deadline(tx, &obj, &f)?;
                }
                FindingField::Requirement(r) => {
                    put_if_changed(tx, &obj, "requirement", r.as_str().into())?;
                }
                FindingField::ReferredTo(d) => {
                    put_if_changed(tx, &obj, "referred_to", opt_str(d.map(|d| d.code())))?;
                }
            }
        }
        Edit::AttachEvidence { id, sha256 } => {
            authorize_in(editor.role, Action::RecordFinding, rules.self_reported)?;
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::validation("sha256", "must be 64 hexadecimal characters"));
            }
            let findings = root_map(tx, "findings")?;
            let obj = object(tx, &findings, &id.to_string(), "finding")?;
            append_unique(tx, &obj, "evidence", &sha256.to_ascii_lowercase())?;
        }
        Edit::SetFindingStatus { id, to } => {
            let findings = root_map(tx, "findings")?;
            let obj = object(tx, &findings, &id.to_string(), "finding")?;
            let from = string(tx, &obj, "status")?.ok_or_else(|| Error::Schema("finding without status".into()))?;
            let from = FindingStatus::from_code(&from)?;
            check_finding_transition(editor.role, from, *to)?;
            put_significant(tx, &obj, "status", to.code().into())?;
        }
        Edit::AddInterview(record) => {
            authorize(editor.role, Action::RecordInterview)?;
            require_editable(*status)?;
            let interviews = root_map(tx, "interviews")?;
            let key = record.id.to_string();
            if tx.get(&interviews, key.as_str())?.is_some() {
                return Err(Error::validation("interview", "an interview with this id already exists"));
            }
            autosurgeon::reconcile_prop(tx, &interviews, key.as_str(), record)?;
        }
        Edit::AddEvidence { meta, target } => {
            use crate::rules::permissions::Role;
            let action = match meta.purpose {
                EvidencePurpose::Rectification if editor.role == Role::Enterprise => Action::SubmitRectification,
                EvidencePurpose::Rectification => Action::Reinspect,
                _ => Action::RecordFinding,
            };
            authorize_in(editor.role, action, rules.self_reported)?;
            if meta.purpose != EvidencePurpose::Rectification {
                require_editable(*status)?;
            }
            let sha = crate::model::evidence::parse_hash(&meta.sha256)?;
            if meta.target != target.code() {
                return Err(Error::validation("target", "the evidence record names another target"));
            }
            let obj = match target {
                EvidenceTarget::Finding(id) => object(tx, &root_map(tx, "findings")?, &id.to_string(), "finding")?,
                EvidenceTarget::Item(code) => {
                    let key = crate::model::response_key(code, &editor.person);
                    object(tx, &root_map(tx, "responses")?, &key, "response (record the item first)")?
                }
            };
            let evidence = root_map_or_create(tx, "evidence")?;
            if tx.get(&evidence, sha.as_str())?.is_none() {
                autosurgeon::reconcile_prop(tx, &evidence, sha.as_str(), meta)?;
            }
            if meta.purpose == EvidencePurpose::Rectification {
                if tx.get(&obj, "rectification_evidence")?.is_none() {
                    tx.put_object(&obj, "rectification_evidence", ObjType::List)?;
                }
                append_unique(tx, &obj, "rectification_evidence", &sha)?;
            } else {
                append_unique(tx, &obj, "evidence", &sha)?;
            }
        }
        Edit::AddSignature(entry) => {
            authorize(editor.role, Action::CollectSignature)?;
            check_presented(tx, *status, &entry.record.parse()?)?;
            if string(tx, &ROOT, "id")?.as_deref() != Some(entry.inspection.to_string().as_str()) {
                return Err(Error::validation("inspection", "the signature belongs to another inspection"));
            }
            use sha2::Digest;
            if hex::encode(sha2::Sha256::digest(entry.snapshot.as_bytes())) != entry.snapshot_sha256 {
                return Err(Error::validation("snapshot", "the snapshot does not match its hash"));
            }
            let signatures = root_map_or_create(tx, "signatures")?;
            if tx.get(&signatures, entry.id.as_str())?.is_some() {
                return Err(Error::validation("signature", "signatures are never replaced"));
            }
            // Bind the device key to this device's actor, once.
            register_actor(tx, actor, editor)?;
            let actors = root_map(tx, "actors")?;
            let mine = object(tx, &actors, actor, "actor")?;
            match string(tx, &mine, "device_key")? {
                None => {
                    tx.put(&mine, "device_key", entry.device_key.as_str())?;
                }
                Some(k) if k == entry.device_key => {}
                Some(_) => return Err(Error::validation("device_key", "this device already signs with another key")),
            }
            autosurgeon::reconcile_prop(tx, &signatures, entry.id.as_str(), entry)?;
        }
        Edit::RecordRefusal(refusal) => {
            authorize(editor.role, Action::CollectSignature)?;
            check_presented(tx, *status, &refusal.record.parse()?)?;
            if refusal.reason.trim().is_empty() {
                return Err(Error::validation("reason", "拒签须记录理由"));
            }
            if refusal.recorded_by != editor.person {
                return Err(Error::validation("recorded_by", "a refusal is recorded by the inspector present"));
            }
            let refusals = root_map_or_create(tx, "refusals")?;
            if tx.get(&refusals, refusal.record.as_str())?.is_some() {
                return Err(Error::validation("refusal", "the refusal is already recorded"));
            }
            autosurgeon::reconcile_prop(tx, &refusals, refusal.record.as_str(), refusal)?;
        }
        Edit::ChooseOutcome { outcome, reason } => {
            authorize_in(editor.role, Action::GradeFinding, rules.self_reported)?;
            require_editable(*status)?;
            let inspection: Inspection = autosurgeon::hydrate(&*tx)?;
            crate::rules::outcome::check_choice(crate::rules::outcome::derived_outcome(&inspection), *outcome, reason)?;
            let choice =
                crate::model::OutcomeChoice { outcome: *outcome, reason: reason.trim().into(), by: editor.person, at };
            autosurgeon::reconcile_prop(tx, ROOT, "outcome", &choice)?;
        }
        Edit::AppendQa { id, qa } => {
            authorize(editor.role, Action::RecordInterview)?;
            require_editable(*status)?;
            let interviews = root_map(tx, "interviews")?;
            let obj = object(tx, &interviews, &id.to_string(), "interview")?;
            let list = object(tx, &obj, "qa", "interview qa")?;
            let n = tx.length(&list);
            autosurgeon::reconcile_insert(tx, list, n, qa)?;
        }
        Edit::RecordHazardEvent(e) => super::closed_loop::record_event(tx, editor, rules.calendar, rules.scheme, e)?,
        Edit::SubmitRectification(r) => super::closed_loop::submit_report(tx, editor, rules.calendar, rules.scheme, r)?,
        Edit::FileGovernancePlan(p) => super::closed_loop::file_plan(tx, editor, rules.calendar, rules.scheme, p)?,
    }
    Ok(())
}
