//! One authorization of a change to an inspection, used by both sides: the
//! device runs it on every edit it commits, the server on every change a
//! device sends. It compares the document before and after each change
//! (read from the document's own history, see [`super::at`]) and applies the
//! same permission table, state machines, team, signing, verdict and
//! deadline rules `InspectionDoc::apply` applies to an edit — on the
//! resulting state and on what changed, whatever ops produced it, so a
//! patched app that writes raw automerge changes is held to the same rules
//! as an honest one.
//!
//! The author's role is what the caller knows: on the server the role it
//! enrolled, never one an app claims. Within an inspection the team decides
//! the rest: an officer is its team lead only if the team says so.

mod closed_loop;
mod entries;
mod entry;
mod header;
pub mod limits;
pub mod refusal;
pub mod touched;

use std::sync::Arc;

use automerge::{Automerge, Change, ChangeHash, ReadDoc, ROOT};

pub use refusal::{Refusal, Rule};
use touched::Touched;

use super::at::DocAt;
use crate::model::{ChecklistItem, ChecklistTemplate, Department, EnterpriseId, InspectionStatus, PersonId, TeamRole};
use crate::office::OfficeData;
use crate::rules::permissions::{allows_in, Action, Role};

/// Who wrote the changes, as the caller knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// The person.
    pub person: PersonId,
    /// The role the server enrolled (on a device: the role signed in).
    pub role: Role,
    /// An enterprise user's enterprise; the server always knows it, a
    /// device (which holds only its own inspections) may pass `None`.
    pub enterprise: Option<EnterpriseId>,
    /// An officer's department; the server always knows it. An officer not
    /// on the team acts only on hazards referred to their department; a
    /// device that does not know its department passes `None` and leaves
    /// that check to the server.
    pub department: Option<Department>,
}

/// What the rules consult besides the document.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Calendars and grade schemes.
    pub office: &'a OfficeData,
    /// The inspection's checklist versions (for verdicts).
    pub checklists: &'a [Arc<ChecklistTemplate>],
}

impl Context<'_> {
    fn item(&self, code: &str) -> Option<&ChecklistItem> {
        self.checklists.iter().find_map(|c| c.item(code))
    }
}

/// Authorizes `changes` (new to `doc`, which already holds them, in causal
/// order) by `author`. `known` are the heads the receiver held before: the
/// author's standing in the team is read there (for a new document, from
/// the document its first change creates). Each change is judged on the
/// state it was made on and the state it produced; then the merged result
/// must still be signable when a change signed it.
pub fn authorize_changes(
    doc: &Automerge,
    known: &[ChangeHash],
    changes: &[Change],
    author: &Author,
    ctx: &Context<'_>,
) -> Result<(), Refusal> {
    let Some(first) = changes.first() else { return Ok(()) };
    let standing_at = if known.is_empty() { vec![first.hash()] } else { known.to_vec() };
    // An officer not on the team may still act on a hazard referred to
    // their department (移交), and on nothing else (checked per change).
    let (role, referral) = match effective_role(&DocAt::new(doc, &standing_at), author) {
        Ok(role) => (role, false),
        Err(r) if r.rule == Rule::NotOnTeam && matches!(author.role, Role::Inspector | Role::TeamLead) => {
            (Role::Inspector, true)
        }
        Err(r) => return Err(r),
    };
    let mut signed = false;
    let mut frozen = Vec::new();
    for change in changes {
        limits::check_change(change).map_err(|r| r.by(change.hash()))?;
        let (deps, produced) = (change.deps().to_vec(), [change.hash()]);
        let actor = change.actor_id().to_hex_string();
        let mut step =
            Step::new(doc, change, &deps, &produced, actor, role, author, ctx).map_err(|r| r.by(change.hash()))?;
        step.referral = referral;
        if referral {
            closed_loop::referral_only(&step).map_err(|r| r.by(change.hash()))?;
        }
        // Who may create comes first; otherwise what was done to a record
        // says more than the state it left the header in.
        let checked = if step.creating {
            header::check(&step).and_then(|()| entries::check(&step))
        } else {
            entries::check(&step).and_then(|()| header::check(&step))
        };
        checked.map_err(|r| r.by(change.hash()))?;
        signed |= step.touched.root.contains("status") && step.status_after == Some(InspectionStatus::Signed);
        for c in ["signatures", "refusals"] {
            frozen.extend(step.touched.entries(c).map(|k| (c, k.clone(), change.hash())));
        }
    }
    limits::check_document(doc).map_err(|r| r.by(changes[changes.len() - 1].hash()))?;
    // Two officers who each recorded the same refusal (or a signature twice)
    // offline: the one that arrives second is refused.
    for (collection, key, hash) in frozen {
        if entry::concurrent(doc, collection, &key) > 1 {
            let what = if collection == "refusals" { "拒签" } else { "签字" };
            return Err(Refusal::new(Rule::Signing, format!("{what}记录 {key} 已由其他人员记录")).by(hash));
        }
    }
    if signed && header::status(doc)? == Some(InspectionStatus::Signed) {
        header::check_signable(doc)?;
    }
    Ok(())
}

/// The role `author` acts in on this inspection: the office and enterprises
/// as enrolled; an officer as the team says (lead or member), and not at all
/// when not on the team.
pub fn effective_role<D: autosurgeon::ReadDoc>(doc: &D, author: &Author) -> Result<Role, Refusal> {
    match author.role {
        Role::Office => Ok(Role::Office),
        Role::Enterprise => {
            let enterprise: Option<String> = hydrate_opt(doc, ROOT, "enterprise")?;
            match (&author.enterprise, enterprise) {
                (Some(mine), Some(theirs)) if mine.to_string() != theirs => {
                    Err(Refusal::new(Rule::NotOnTeam, "该检查不属于本企业"))
                }
                _ => Ok(Role::Enterprise),
            }
        }
        Role::Inspector | Role::TeamLead => {
            // Two reads, not the whole team: on an older state every read
            // recomputes the document's clock.
            let not_on_team = || Refusal::new(Rule::NotOnTeam, format!("人员 {} 不在检查组中", author.person));
            let member = match autosurgeon::ReadDoc::get(doc, &ROOT, "team") {
                Ok(Some((automerge::Value::Object(_), team))) => {
                    match autosurgeon::ReadDoc::get(doc, &team, author.person.to_string().as_str()) {
                        Ok(Some((automerge::Value::Object(_), m))) => m,
                        _ => return Err(not_on_team()),
                    }
                }
                _ => return Err(not_on_team()),
            };
            let role: Option<String> = hydrate_opt(doc, &member, "role")?;
            match role.as_deref().map(TeamRole::from_code) {
                Some(Ok(TeamRole::Lead)) => Ok(Role::TeamLead),
                Some(Ok(_)) => Ok(Role::Inspector),
                _ => Err(Refusal::new(Rule::Schema, "检查组成员的角色无法识别")),
            }
        }
    }
}

static EMPTY: std::sync::LazyLock<Automerge> = std::sync::LazyLock::new(Automerge::new);

/// One change with the views before and after it.
pub(super) struct Step<'a> {
    pub before: DocAt<'a, Automerge>,
    pub after: DocAt<'a, Automerge>,
    pub touched: Touched,
    pub role: Role,
    pub author: &'a Author,
    pub actor: String,
    pub ctx: &'a Context<'a>,
    /// The change creates the inspection.
    pub creating: bool,
    pub status_before: Option<InspectionStatus>,
    pub status_after: Option<InspectionStatus>,
    /// The author is not on the team: an officer of the department a hazard
    /// was referred to.
    pub referral: bool,
    /// The enterprise's own self-inspection (自查自报).
    pub self_reported: bool,
}

impl<'a> Step<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        doc: &'a Automerge,
        change: &Change,
        deps: &'a [ChangeHash],
        produced: &'a [ChangeHash],
        actor: String,
        role: Role,
        author: &'a Author,
        ctx: &'a Context<'a>,
    ) -> Result<Self, Refusal> {
        // Automerge reads "at no heads" as "now": the state before a
        // document's first change is the empty document.
        let before = if deps.is_empty() { DocAt::new(&*EMPTY, deps) } else { DocAt::new(doc, deps) };
        let after = DocAt::new(doc, produced);
        let creating = deps.is_empty() || ReadDoc::get(&before, ROOT, "id").ok().flatten().is_none();
        let self_reported = hydrate_opt::<_, bool>(&after, ROOT, "self_reported")?.unwrap_or(false);
        Ok(Step {
            touched: Touched::of_change(doc, change),
            status_before: header::status(&before)?,
            status_after: header::status(&after)?,
            before,
            after,
            role,
            author,
            actor,
            ctx,
            creating,
            referral: false,
            self_reported,
        })
    }

    /// The grade scheme the inspection's findings use.
    pub fn grade_scheme(&self) -> Result<String, Refusal> {
        hydrate(&self.after, ROOT, "grade_scheme")
    }

    /// Refuses unless the author's role may take `action`.
    pub fn permit(&self, action: Action) -> Result<(), Refusal> {
        if allows_in(self.role, action, self.self_reported) {
            Ok(())
        } else {
            Err(Refusal::new(Rule::Forbidden, format!("{}不能{}", self.role.label(), action.label())))
        }
    }

    /// Refuses unless content may be edited around this change.
    pub fn editable(&self) -> Result<(), Refusal> {
        let open = |s: Option<InspectionStatus>| s.is_none_or(crate::rules::transitions::content_editable);
        if open(self.status_before) || open(self.status_after) {
            Ok(())
        } else {
            Err(Refusal::new(
                Rule::NotEditable,
                format!("检查当前为「{}」", self.status_after.map(|s| s.label()).unwrap_or("")),
            ))
        }
    }
}

/// Reads a typed value, a malformed one being a schema refusal.
pub(super) fn hydrate<D: autosurgeon::ReadDoc, T: autosurgeon::Hydrate>(
    doc: &D,
    obj: impl AsRef<automerge::ObjId>,
    key: &str,
) -> Result<T, Refusal> {
    autosurgeon::hydrate_prop(doc, obj, key).map_err(|_| Refusal::new(Rule::Schema, format!("{key} 无法读取")))
}

/// Reads a typed value that may be absent (`None` then).
pub(super) fn hydrate_opt<D: autosurgeon::ReadDoc, T: autosurgeon::Hydrate>(
    doc: &D,
    obj: impl AsRef<automerge::ObjId>,
    key: &str,
) -> Result<Option<T>, Refusal> {
    match autosurgeon::ReadDoc::get(doc, obj.as_ref(), key) {
        Ok(None) => Ok(None),
        _ => hydrate(doc, obj, key).map(Some),
    }
}
