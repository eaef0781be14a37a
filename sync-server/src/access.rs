//! The caller's rights over documents, computed from the access table.
//!
//! Readers: a team reads its inspections; everyone with a device reads the
//! office's catalogue (enterprise files, checklists) — except enterprise
//! users, who read their own file and their own inspections once signed; the
//! office reads everything. Writers: one group per document — the
//! inspection's team, or the office for the catalogue.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, Change};
use rusqlite::Connection;

use lianjian_core::doc::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use lianjian_core::doc::inspection::check_schema;
use lianjian_core::model::TeamMember;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::rules::permissions::Role;
use lianjian_core::sync::serve::Access;
use lianjian_core::{Error, Result};

use crate::db::{self, Caller};

/// One caller's rights during one request.
pub struct CallerAccess<'a> {
    caller: &'a Caller,
    db: &'a Connection,
    readable: BTreeSet<String>,
    scheme: &'a GradeScheme,
}

fn storage(e: rusqlite::Error) -> Error {
    Error::Storage(Box::new(e))
}

impl<'a> CallerAccess<'a> {
    /// Computes what `caller` may read. `signed` lists inspections whose
    /// status is signed or closed (from the server's projections).
    pub fn new(
        caller: &'a Caller,
        db: &'a Connection,
        signed: &BTreeSet<String>,
        scheme: &'a GradeScheme,
    ) -> Result<Self> {
        let user = &caller.user;
        let mut readable = BTreeSet::new();
        for row in db::all_access(db, &user.id).map_err(storage)? {
            let ok = match (user.role, row.kind.as_str()) {
                (Role::Office, _) => true,
                (Role::Inspector | Role::TeamLead, "inspection") => row.writes,
                (Role::Inspector | Role::TeamLead, _) => true,
                (Role::Enterprise, "enterprise") => row.enterprise == user.enterprise_id,
                (Role::Enterprise, "inspection") => row.enterprise == user.enterprise_id && signed.contains(&row.doc),
                (Role::Enterprise, _) => false,
            };
            if ok {
                readable.insert(row.doc);
            }
        }
        Ok(CallerAccess { caller, db, readable, scheme })
    }
}

impl Access for CallerAccess<'_> {
    fn readable(&self) -> Result<BTreeSet<String>> {
        Ok(self.readable.clone())
    }

    fn may_write(&self, doc: &str, exists: bool) -> bool {
        let role = self.caller.user.role;
        if !exists {
            // New inspections come from team leads' tablets (or the office);
            // validate() checks the creator is on the team.
            return matches!(role, Role::TeamLead | Role::Office);
        }
        match db::access_of(self.db, doc) {
            Ok(Some(a)) => match a.kind.as_str() {
                "inspection" => {
                    matches!(role, Role::Inspector | Role::TeamLead) && a.writers.contains(&self.caller.user.id)
                }
                _ => role == Role::Office,
            },
            _ => false,
        }
    }

    fn is_own_actor(&self, actor: &str) -> bool {
        self.caller.actors.iter().any(|a| a == actor)
    }

    fn validate(&self, doc: &str, merged: &Automerge, _new: &[Change]) -> Result<()> {
        match kind_of(merged)?.as_deref() {
            None => {
                check_schema(merged, doc, self.scheme)?;
                let known = db::access_of(self.db, doc).map_err(storage)?.is_some();
                if !known && self.caller.user.role != Role::Office {
                    let team: BTreeMap<String, TeamMember> =
                        autosurgeon::hydrate_prop(merged, automerge::ROOT, "team")?;
                    let me = team.get(&self.caller.user.id);
                    if me.is_none_or(|m| m.role != lianjian_core::model::TeamRole::Lead) {
                        return Err(Error::Forbidden {
                            role: self.caller.user.role.code().into(),
                            action: "create_inspection".into(),
                        });
                    }
                }
                Ok(())
            }
            Some(KIND_ENTERPRISE) | Some(KIND_CHECKLIST) if self.caller.user.role == Role::Office => Ok(()),
            Some(_) => {
                Err(Error::Forbidden { role: self.caller.user.role.code().into(), action: "manage_catalog".into() })
            }
        }
    }

    fn accepted(&self, doc: &str, merged: &Automerge, _created: bool) -> Result<()> {
        record_access(self.db, doc, merged)
    }
}

/// Makes the access table follow a document: an inspection's writers are its
/// team; catalogue documents are the office's.
pub fn record_access(db: &Connection, doc: &str, merged: &Automerge) -> Result<()> {
    match kind_of(merged)?.as_deref() {
        None => {
            let team: BTreeMap<String, TeamMember> = autosurgeon::hydrate_prop(merged, automerge::ROOT, "team")?;
            let enterprise: String = autosurgeon::hydrate_prop(merged, automerge::ROOT, "enterprise")?;
            let writers: Vec<String> = team.into_keys().collect();
            db::set_access(db, doc, "inspection", Some(&enterprise), &writers).map_err(storage)
        }
        Some(KIND_ENTERPRISE) => db::set_access(db, doc, "enterprise", Some(doc), &[]).map_err(storage),
        Some(KIND_CHECKLIST) => db::set_access(db, doc, "checklist", None, &[]).map_err(storage),
        Some(other) => Err(Error::Schema(format!("unknown document kind {other:?}"))),
    }
}
