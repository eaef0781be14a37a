//! The caller's rights over documents, computed from the access table.
//!
//! Readers: a team reads its inspections; everyone with a device reads the
//! office's catalogue (enterprise files, checklists) — except enterprise
//! users, who read their own file and their own inspections once signed; the
//! office reads everything. Writers: one group per document — the
//! inspection's team, or the office for the catalogue. The table itself
//! follows the documents in `docs::follow`.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, Change};

use lianjian_core::doc::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use lianjian_core::doc::validate::check_schema;
use lianjian_core::model::TeamMember;
use lianjian_core::office::documents::{is_office_kind, read_office_doc};
use lianjian_core::office::OfficeData;
use lianjian_core::rules::permissions::Role;
use lianjian_core::sync::serve::Access;
use lianjian_core::{Error, Result};

use crate::db::{self, AccessRow, Caller};
use crate::sql::Sql;

/// One caller's rights during one request, read from the access table once
/// at the start of the request.
pub struct CallerAccess<'a> {
    caller: &'a Caller,
    rows: BTreeMap<String, AccessRow>,
    readable: BTreeSet<String>,
    office: &'a OfficeData,
}

impl<'a> CallerAccess<'a> {
    /// Computes what `caller` may read and write.
    pub fn new(caller: &'a Caller, db: &mut dyn Sql, office: &'a OfficeData) -> Result<Self> {
        let user = &caller.user;
        let mut readable = BTreeSet::new();
        let mut rows = BTreeMap::new();
        for row in db::all_access(db, &user.id)? {
            if may_read(user, &row) {
                readable.insert(row.doc.clone());
            }
            rows.insert(row.doc.clone(), row);
        }
        Ok(CallerAccess { caller, rows, readable, office })
    }

    /// Documents the caller may read.
    pub fn readable_set(&self) -> &BTreeSet<String> {
        &self.readable
    }
}

/// The read rule, for one document.
pub fn may_read(user: &db::User, row: &AccessRow) -> bool {
    match (user.role, row.kind.as_str()) {
        (Role::Office, _) => true,
        (Role::Inspector | Role::TeamLead, "inspection") => row.writes,
        (Role::Inspector | Role::TeamLead, _) => true,
        (Role::Enterprise, "enterprise") => row.enterprise == user.enterprise_id,
        (Role::Enterprise, "office") => true,
        (Role::Enterprise, "inspection") => row.enterprise == user.enterprise_id && row.signed,
        (Role::Enterprise, _) => false,
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
        match self.rows.get(doc) {
            Some(a) if a.kind == "inspection" => matches!(role, Role::Inspector | Role::TeamLead) && a.writes,
            Some(_) => role == Role::Office,
            None => false,
        }
    }

    fn is_own_actor(&self, actor: &str) -> bool {
        self.caller.actors.iter().any(|a| a == actor)
    }

    fn validate(&self, doc: &str, merged: &Automerge, _new: &[Change]) -> Result<()> {
        match kind_of(merged)?.as_deref() {
            None => {
                let scheme: String = autosurgeon::hydrate_prop(merged, automerge::ROOT, "grade_scheme")?;
                check_schema(merged, doc, self.office.scheme(&scheme)?)?;
                let known = self.rows.contains_key(doc);
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
            // A calendar must read back as a valid year, or no device could use it.
            Some(k) if is_office_kind(k) && self.caller.user.role == Role::Office => {
                read_office_doc(merged).map(|_| ())
            }
            Some(_) => {
                Err(Error::Forbidden { role: self.caller.user.role.code().into(), action: "manage_catalog".into() })
            }
        }
    }
}
