//! Seeding a fresh server from the fixtures: the office's catalogue
//! (enterprise files, checklists) as office-written documents, and demo
//! users (an office admin, inspectors of two departments, one enterprise
//! user) with enrollment codes.

use std::path::Path;

use lianjian_core::import::{load_checklists, load_enterprises};
use lianjian_core::model::{PersonId, Timestamp};
use lianjian_core::rules::permissions::Role;

use crate::access::record_access;
use crate::db::{self, User};
use crate::state::AppState;

/// A seeded user and a fresh enrollment code for them.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The user.
    pub user: User,
    /// A one-time enrollment code.
    pub code: String,
}

/// Imports enterprise files (new ones created, existing ones updated as a
/// new change), recording them in the access table. `progress` is called
/// after each with (done, total).
pub fn import_enterprises(
    state: &AppState,
    list: &[lianjian_core::model::Enterprise],
    mut progress: impl FnMut(usize, usize),
) -> lianjian_core::Result<()> {
    let now = Timestamp::now();
    let mut store = state.store.lock().expect("store lock");
    let db = state.db.lock().expect("db lock");
    for (i, e) in list.iter().enumerate() {
        let id = e.id.to_string();
        store.put_enterprise(e, now)?;
        store.with_document(&id, |doc| record_access(&db, &id, doc))??;
        progress(i + 1, list.len());
    }
    state.bump();
    Ok(())
}

/// Publishes checklist versions (an already published identical version is
/// accepted; a changed one is refused) and records them in the access table.
pub fn import_checklists(
    state: &AppState,
    list: &[lianjian_core::model::ChecklistTemplate],
    mut progress: impl FnMut(usize, usize),
) -> lianjian_core::Result<()> {
    let now = Timestamp::now();
    let mut store = state.store.lock().expect("store lock");
    let db = state.db.lock().expect("db lock");
    for (i, c) in list.iter().enumerate() {
        let id = c.version_key();
        store.put_checklist(c, now)?;
        store.with_document(&id, |doc| record_access(&db, &id, doc))??;
        progress(i + 1, list.len());
    }
    state.bump();
    Ok(())
}

/// Imports the catalogue (idempotent) and, on an empty server, creates the
/// demo users. Issues a fresh enrollment code for every demo user.
pub fn seed(state: &AppState, fixtures: &Path) -> lianjian_core::Result<Vec<Seeded>> {
    let now = Timestamp::now();
    let storage = |e: rusqlite::Error| lianjian_core::Error::Storage(Box::new(e));
    let enterprises = load_enterprises(&fixtures.join("enterprises.json"))?;
    let checklists = load_checklists(&fixtures.join("checklists"), &state.scheme)?;
    import_enterprises(state, &enterprises, |_, _| {})?;
    import_checklists(state, &checklists, |_, _| {})?;
    let db = state.db.lock().expect("db lock");
    let existing: i64 = db.query_row("SELECT count(*) FROM users", [], |r| r.get(0)).map_err(storage)?;
    if existing == 0 {
        let demo = [
            ("联检办管理员", Role::Office, None, None),
            ("陈立新", Role::TeamLead, Some("emergency_management"), None),
            ("刘海燕", Role::Inspector, Some("housing_construction"), None),
            ("赵德胜", Role::Inspector, Some("market_regulation"), None),
            ("企业安全负责人", Role::Enterprise, None, Some(enterprises[0].id.to_string())),
        ];
        for (name, role, dept, ent) in demo {
            let user = User {
                id: PersonId::new().to_string(),
                name: name.into(),
                role,
                department: dept.map(Into::into),
                enterprise_id: ent,
            };
            db::add_user(&db, &user).map_err(storage)?;
        }
    }
    let users: Vec<User> = {
        let mut stmt = db.prepare("SELECT id FROM users WHERE disabled = 0 ORDER BY rowid").map_err(storage)?;
        let ids: Vec<String> =
            stmt.query_map([], |r| r.get(0)).map_err(storage)?.collect::<rusqlite::Result<_>>().map_err(storage)?;
        drop(stmt);
        ids.iter().filter_map(|id| db::user_by_id(&db, id).ok().flatten()).collect()
    };
    let mut out = Vec::new();
    for user in users {
        let code = db::issue_code(&db, &user.id, &now.to_string()).map_err(storage)?;
        out.push(Seeded { user, code });
    }
    Ok(out)
}
