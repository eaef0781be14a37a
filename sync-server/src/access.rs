//! The caller's rights over documents, computed from the access table.
//!
//! Readers: a team reads its inspections; everyone with a device reads the
//! office's catalogue (enterprise files, checklists) — except enterprise
//! users, who read their own file and their own inspections once signed; the
//! office reads everything. Writers: an inspection's team, its enterprise
//! once it is signed, and the office write the inspection — what each may
//! change in it is decided change by change by the core's
//! `doc::authorize::authorize_changes`, with the role this server enrolled;
//! the office alone writes the catalogue. The table itself follows the
//! documents in `docs::follow`.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{Automerge, Change, ChangeHash};

use lianjian_core::doc::authorize::{authorize_changes, Author, Context};
use lianjian_core::doc::catalog::{kind_of, KIND_CHECKLIST, KIND_ENTERPRISE};
use lianjian_core::doc::validate::check_schema;
use lianjian_core::model::{ChecklistRef, Department};
use lianjian_core::office::documents::{is_office_kind, read_office_doc};
use lianjian_core::rules::permissions::Role;
use lianjian_core::sync::serve::Access;
use lianjian_core::{Error, Result};

use crate::db::{self, AccessRow, Caller};
use crate::office::RuleData;
use crate::sql::Sql;

/// One caller's rights during one request, read from the access table once
/// at the start of the request.
pub struct CallerAccess<'a> {
    caller: &'a Caller,
    rows: BTreeMap<String, AccessRow>,
    readable: BTreeSet<String>,
    rules: &'a RuleData,
}

impl<'a> CallerAccess<'a> {
    /// Computes what `caller` may read and write.
    pub fn new(caller: &'a Caller, db: &mut dyn Sql, rules: &'a RuleData) -> Result<Self> {
        let user = &caller.user;
        let mut readable = BTreeSet::new();
        let mut rows = BTreeMap::new();
        let scope = rules.office.scope.as_ref();
        let all = db::all_access(db, user)?;
        // An inspector also reads the enterprise file and the checklists of
        // every inspection they are on, whatever the division of duties.
        let mine: Vec<&AccessRow> = all.iter().filter(|r| r.kind == "inspection" && r.writes).collect();
        let their_enterprises: BTreeSet<&str> = mine.iter().filter_map(|r| r.enterprise.as_deref()).collect();
        let their_industries: BTreeSet<&str> = mine.iter().filter_map(|r| r.industry.as_deref()).collect();
        for row in &all {
            let on_their_inspection = match row.kind.as_str() {
                "enterprise" => their_enterprises.contains(row.doc.as_str()),
                "checklist" => row.industry.as_deref().is_some_and(|i| their_industries.contains(i)),
                _ => false,
            };
            let staff = matches!(user.role, Role::Inspector | Role::TeamLead);
            if may_read(user, row, scope) || (staff && on_their_inspection) {
                readable.insert(row.doc.clone());
            }
        }
        for row in all {
            rows.insert(row.doc.clone(), row);
        }
        Ok(CallerAccess { caller, rows, readable, rules })
    }

    /// Documents the caller may read.
    pub fn readable_set(&self) -> &BTreeSet<String> {
        &self.readable
    }
}

pub use crate::db::may_read;

impl Access for CallerAccess<'_> {
    fn readable(&self) -> Result<BTreeSet<String>> {
        Ok(self.readable.clone())
    }

    fn may_write(&self, doc: &str, exists: bool) -> bool {
        let role = self.caller.user.role;
        if !exists {
            // New inspections come from team leads' tablets (or the office);
            // validate() checks the creator is on the team.
            // (or an enterprise's own self-inspection: checked there too).
            return matches!(role, Role::TeamLead | Role::Office | Role::Enterprise);
        }
        match self.rows.get(doc) {
            // Within the document, `authorize_changes` decides what each may change:
            // the team its inspection, the enterprise its rectification once
            // signed, the office what the permission table gives it.
            Some(a) if a.kind == "inspection" => match role {
                Role::Inspector | Role::TeamLead => a.writes,
                Role::Enterprise => a.enterprise == self.caller.user.enterprise_id && a.signed,
                Role::Office => true,
            },
            Some(_) => role == Role::Office,
            None => false,
        }
    }

    fn is_own_actor(&self, actor: &str) -> bool {
        self.caller.actors.iter().any(|a| a == actor)
    }

    fn validate(&self, doc: &str, merged: &Automerge, known: &[ChangeHash], new: &[Change]) -> Result<()> {
        match kind_of(merged)?.as_deref() {
            None => {
                // Every rule the device applied, applied again here with the
                // role this server enrolled.
                let user = &self.caller.user;
                let author = Author {
                    person: user.id.parse()?,
                    role: user.role,
                    enterprise: user.enterprise_id.as_deref().map(str::parse).transpose()?,
                    department: user.department.as_deref().map(Department::from_code).transpose()?,
                };
                let refs: Vec<ChecklistRef> = autosurgeon::hydrate_prop(merged, automerge::ROOT, "checklists")?;
                let checklists: Vec<_> = refs
                    .iter()
                    .filter_map(|c| self.rules.checklists.get(&format!("{}@{}", c.id, c.version)).cloned())
                    .collect();
                let ctx = Context { office: &self.rules.office, checklists: &checklists };
                authorize_changes(merged, known, new, &author, &ctx)?;
                let scheme: String = autosurgeon::hydrate_prop(merged, automerge::ROOT, "grade_scheme")?;
                check_schema(merged, doc, self.rules.office.scheme(&scheme)?)?;
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
