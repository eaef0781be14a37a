//! Conflicts a person must see.
//!
//! Automerge settles concurrent writes of one key by op counter, which says
//! nothing about who was right. For fields with legal weight (a hazard's
//! grade, deadline, description and status; a response's verdict and
//! measured value) the losing value must not vanish silently: this module
//! lists every such key that holds more than one value, with who wrote each
//! and when, and resolves it by writing the chosen value and recording who
//! chose it.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{Hydrate, Reconcile};

use super::edit::Editor;
use super::fields::{object, root_map};
use super::inspection::InspectionDoc;
use crate::error::{Error, Result};
use crate::model::{FindingId, PersonId, Response, Timestamp};
use crate::rules::permissions::{authorize, Action};

/// Finding fields whose concurrent edits must be resolved by a person.
pub const SIGNIFICANT_FINDING_FIELDS: &[&str] = &["description", "grade", "deadline", "status"];
pub use super::fields::significant_conflict;

/// Response fields whose concurrent edits must be resolved by a person.
pub const SIGNIFICANT_RESPONSE_FIELDS: &[&str] = &["verdict", "measured"];

/// What a conflict is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConflictTarget {
    /// A field of a finding.
    Finding(FindingId),
    /// A field of a response (key `item/inspector`).
    Response(String),
}

impl ConflictTarget {
    fn path(&self) -> String {
        match self {
            ConflictTarget::Finding(id) => format!("findings/{id}"),
            ConflictTarget::Response(key) => format!("responses/{key}"),
        }
    }
}

/// A field value as shown to the person resolving.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// Text (grades, deadlines, descriptions, verdict codes).
    Text(String),
    /// A number (measured values).
    Number(f64),
    /// No value.
    Empty,
}

impl FieldValue {
    fn from_scalar(s: &ScalarValue) -> Self {
        match s {
            ScalarValue::Str(t) => FieldValue::Text(t.to_string()),
            ScalarValue::F64(f) => FieldValue::Number(*f),
            ScalarValue::Int(i) => FieldValue::Number(*i as f64),
            ScalarValue::Uint(u) => FieldValue::Number(*u as f64),
            ScalarValue::Null => FieldValue::Empty,
            other => FieldValue::Text(other.to_string()),
        }
    }

    fn to_scalar(&self) -> ScalarValue {
        match self {
            FieldValue::Text(t) => t.as_str().into(),
            FieldValue::Number(n) => ScalarValue::F64(*n),
            FieldValue::Empty => ScalarValue::Null,
        }
    }

    /// The value as text, for screens and foreign callers.
    pub fn display(&self) -> String {
        match self {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Number(n) => n.to_string(),
            FieldValue::Empty => String::new(),
        }
    }
}

/// One of the concurrent values.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The value.
    pub value: FieldValue,
    /// The automerge actor (device) that wrote it, hex.
    pub actor: String,
    /// The person that actor belongs to, if registered.
    pub person: Option<PersonId>,
    /// Their name, if registered.
    pub name: Option<String>,
    /// When the change was made (the device's clock).
    pub at: Option<Timestamp>,
}

/// A key with concurrent values.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// Which object.
    pub target: ConflictTarget,
    /// Which field (`response` when two devices created the same response).
    pub field: String,
    /// The values, winner first.
    pub candidates: Vec<Candidate>,
}

/// The record of a resolution kept in the document.
#[derive(Clone, Debug, PartialEq, Reconcile, Hydrate)]
pub struct Resolution {
    /// `findings/<id>` or `responses/<key>`.
    pub target: String,
    /// Field name.
    pub field: String,
    /// The value chosen.
    pub chosen: String,
    /// The values that were in conflict.
    pub candidates: Vec<String>,
    /// Who resolved it.
    pub by: PersonId,
    /// Their name.
    pub name: String,
    /// When.
    pub at: Timestamp,
}

fn candidate(doc: &Automerge, value: FieldValue, opid: &automerge::ObjId) -> Result<Candidate> {
    let meta = doc.hash_for_opid(opid).and_then(|h| doc.get_change_meta_by_hash(&h));
    let (actor, at) = match meta {
        Some(m) => (m.actor.to_hex_string(), Some(Timestamp::from_unix_millis(m.timestamp))),
        None => (String::new(), None),
    };
    let (mut person, mut name) = (None, None);
    if !actor.is_empty() {
        if let Ok(actors) = root_map(doc, "actors") {
            if let Ok(entry) = object(doc, &actors, &actor, "actor") {
                person = super::fields::string(doc, &entry, "person")?.and_then(|p| p.parse().ok());
                name = super::fields::string(doc, &entry, "name")?;
            }
        }
    }
    Ok(Candidate { value, actor, person, name, at })
}

fn field_conflicts(
    doc: &Automerge,
    target: &ConflictTarget,
    obj: &ObjId,
    fields: &[&str],
    out: &mut Vec<Conflict>,
) -> Result<()> {
    for &field in fields {
        if !significant_conflict(doc, obj, field)? {
            continue;
        }
        let all = doc.get_all(obj, field)?;
        let mut candidates = Vec::with_capacity(all.len());
        // get_all lists values in op order; the winner is the last.
        for (value, opid) in all.iter().rev() {
            let v = match value {
                Value::Scalar(s) => FieldValue::from_scalar(s),
                Value::Object(_) => FieldValue::Empty,
            };
            candidates.push(candidate(doc, v, opid)?);
        }
        out.push(Conflict { target: target.clone(), field: field.to_string(), candidates });
    }
    Ok(())
}

/// Every unresolved conflict on a legally significant field of an
/// inspection document.
pub fn conflicts(am: &Automerge) -> Result<Vec<Conflict>> {
    let mut out = Vec::new();
    let findings = root_map(am, "findings")?;
    for key in am.keys(&findings) {
        let id: FindingId = key.parse()?;
        let obj = object(am, &findings, &key, "finding")?;
        field_conflicts(am, &ConflictTarget::Finding(id), &obj, SIGNIFICANT_FINDING_FIELDS, &mut out)?;
    }
    let responses = root_map(am, "responses")?;
    for key in am.keys(&responses) {
        let target = ConflictTarget::Response(key.clone());
        let objects = am.get_all(&responses, key.as_str())?;
        if objects.len() > 1 {
            // Two devices created the same response concurrently.
            let mut candidates = Vec::new();
            for (_, obj) in objects.iter().rev() {
                let verdict =
                    super::fields::string(am, obj, "verdict")?.map(FieldValue::Text).unwrap_or(FieldValue::Empty);
                candidates.push(candidate(am, verdict, obj)?);
            }
            out.push(Conflict { target, field: "response".into(), candidates });
            continue;
        }
        let obj = object(am, &responses, &key, "response")?;
        field_conflicts(am, &target, &obj, SIGNIFICANT_RESPONSE_FIELDS, &mut out)?;
    }
    Ok(out)
}

impl InspectionDoc {
    /// Lists conflicts on legally significant fields.
    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        conflicts(self.automerge())
    }

    /// Resolves `conflict` by writing `chosen` (one of the candidates, or a
    /// new value the team lead decides on) and recording the resolution.
    pub fn resolve(
        &mut self,
        editor: &Editor,
        ctx: &super::authorize::Context<'_>,
        conflict: &Conflict,
        chosen: FieldValue,
        at: Timestamp,
    ) -> Result<()> {
        let before = self.heads();
        authorize(editor.role, Action::ResolveConflict)?;
        let current = self.conflicts()?;
        let live = current
            .iter()
            .find(|c| c.target == conflict.target && c.field == conflict.field)
            .ok_or_else(|| Error::NotFound {
                kind: "conflict",
                id: format!("{}/{}", conflict.target.path(), conflict.field),
            })?
            .clone();
        let record = Resolution {
            target: live.target.path(),
            field: live.field.clone(),
            chosen: chosen.display(),
            candidates: live.candidates.iter().map(|c| c.value.display()).collect(),
            by: editor.person,
            name: editor.name.clone(),
            at,
        };
        let options = CommitOptions::default()
            .with_time(at.unix_millis())
            .with_message(format!("resolve {}/{}", record.target, record.field));
        let am = self.automerge_mut();
        let hash = am
            .transact_with(
                |_| options,
                |tx| -> Result<()> {
                    match (&live.target, live.field.as_str()) {
                        (ConflictTarget::Response(key), "response") => {
                            // Keep the whole response whose verdict was chosen, as a new object.
                            let responses = root_map(tx, "responses")?;
                            let mut chosen_obj = None;
                            for (_, obj) in tx.get_all(&responses, key.as_str())? {
                                let verdict = super::fields::string(tx, &obj, "verdict")?;
                                if verdict.as_deref() == Some(chosen.display().as_str()) {
                                    chosen_obj = Some(obj);
                                    break;
                                }
                            }
                            let obj = chosen_obj.ok_or_else(|| {
                                Error::validation("chosen", "must be one of the candidates' verdicts")
                            })?;
                            let response = <Response as Hydrate>::hydrate_map(&*tx, &obj)?;
                            tx.put_object(&responses, key.as_str(), ObjType::Map)?;
                            autosurgeon::reconcile_prop(tx, &responses, key.as_str(), &response)?;
                        }
                        (target, field) => {
                            let (map, key) = match target {
                                ConflictTarget::Finding(id) => ("findings", id.to_string()),
                                ConflictTarget::Response(k) => ("responses", k.clone()),
                            };
                            let parent = root_map(tx, map)?;
                            let obj = object(tx, &parent, &key, "conflict target")?;
                            tx.put(&obj, field, chosen.to_scalar())?;
                        }
                    }
                    let list = match tx.get(ROOT, "resolutions")? {
                        Some((Value::Object(ObjType::List), id)) => id,
                        _ => tx.put_object(ROOT, "resolutions", ObjType::List)?,
                    };
                    let n = tx.length(&list);
                    autosurgeon::reconcile_insert(tx, list, n, &record)?;
                    Ok(())
                },
            )
            .map_err(|f| f.error)?
            .hash;
        if let Some(hash) = hash {
            self.authorize_own(&before, hash, editor, ctx)?;
        }
        Ok(())
    }

    /// Every resolution recorded so far.
    pub fn resolutions(&self) -> Result<Vec<Resolution>> {
        Ok(autosurgeon::hydrate_prop(self.automerge(), ROOT, "resolutions")?)
    }
}
