//! Seeding a fresh server from the fixtures: the office's catalogue
//! (enterprise files, checklists) as office-written documents, and demo
//! users (an office admin, inspectors of two departments, one enterprise
//! user) with enrollment codes.

use std::path::Path;

use lianjian_core::doc::catalog::{checklist_doc, enterprise_doc, read_checklist, update_enterprise};
use lianjian_core::import::{load_checklists, load_enterprises};
use lianjian_core::model::{PersonId, Timestamp};
use lianjian_core::office::documents::{
    office_doc, update_office_doc, ImportOutcome, OfficeDoc, KIND_REGION, KIND_SCOPE,
};
use lianjian_core::rules::office_access::OfficeRank;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::DocKind;
use lianjian_core::Error;

use crate::db::{self, User};
use crate::sql::DbError;
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
    let now = state.clock.now();
    let mut db = state.lock();
    let mut docs = db.docs();
    for (i, e) in list.iter().enumerate() {
        docs.put(
            &e.id.to_string(),
            DocKind::Enterprise,
            now,
            |actor| enterprise_doc(e, actor, now),
            |doc| update_enterprise(doc, e, now),
        )?;
        progress(i + 1, list.len());
    }
    Ok(())
}

/// Publishes checklist versions (an already published identical version is
/// accepted; a changed one is refused) and records them in the access table.
pub fn import_checklists(
    state: &AppState,
    list: &[lianjian_core::model::ChecklistTemplate],
    mut progress: impl FnMut(usize, usize),
) -> lianjian_core::Result<()> {
    let now = state.clock.now();
    let mut db = state.lock();
    let mut docs = db.docs();
    for (i, c) in list.iter().enumerate() {
        let id = c.version_key();
        docs.put(
            &id,
            DocKind::Checklist,
            now,
            |actor| checklist_doc(c, actor, now),
            |doc| {
                if &read_checklist(doc)? == c {
                    Ok(())
                } else {
                    Err(Error::validation(
                        "version",
                        format!("检查表 {id} 已发布，内容不同：请提高 version 后作为新版本发布"),
                    ))
                }
            },
        )?;
        progress(i + 1, list.len());
    }
    Ok(())
}

/// Imports an office rule file: a year's official holiday calendar
/// (`kind` = `calendar`: the fixtures' format, one year, with its notice and
/// date) or a region with its grade scheme (`region`). Every device receives
/// it by sync. The file is checked before anything is written; a bad file
/// changes nothing. Importing it again replaces it, and the document records
/// who replaced which source with which, and when.
pub fn import_office_doc(
    state: &AppState,
    kind: &str,
    text: &str,
    by: &str,
    at: Timestamp,
) -> lianjian_core::Result<ImportOutcome> {
    let parsed = OfficeDoc::parse(kind, text)?;
    let mut db = state.lock();
    let mut docs = db.docs();
    let mut outcome = ImportOutcome::Added;
    docs.put(
        &parsed.doc_id(),
        DocKind::Office,
        at,
        |actor| office_doc(&parsed, text, by, actor, at),
        |doc| {
            outcome = update_office_doc(doc, text, by, at)?;
            Ok(())
        },
    )?;
    state.office.invalidate();
    Ok(outcome)
}

/// The demo officers' 执法证 numbers.
const DEMO_CERTIFICATES: &[(&str, &str)] = &[
    ("陈立新", "42120001001"),
    ("王建军", "42120001014"),
    ("李红梅", "42120001027"),
    ("刘海燕", "42120002017"),
    ("赵德胜", "42120005033"),
];

/// Demo data: imports the fixtures' catalogue (idempotent) and regions, and
/// on an empty server creates the demo users. Issues an enrollment code only
/// to a user who has never enrolled a device and holds no open code, so a
/// restart mints nothing new; returns the codes it issued.
pub fn seed(state: &AppState, fixtures: &Path) -> lianjian_core::Result<Vec<Seeded>> {
    let now = state.clock.now();
    let storage = |e: DbError| Error::from(e);
    let enterprises = load_enterprises(&fixtures.join("enterprises.json"))?;
    let checklists = load_checklists(&fixtures.join("checklists"), &state.scheme)?;
    import_enterprises(state, &enterprises, |_, _| {})?;
    import_checklists(state, &checklists, |_, _| {})?;
    for region in lianjian_core::import::region_files(&fixtures.join("regions"))? {
        import_office_doc(state, KIND_REGION, &std::fs::read_to_string(&region)?, "demo", now)?;
    }
    let scope = fixtures.join("scopes").join("departments.toml");
    if scope.is_file() {
        import_office_doc(state, KIND_SCOPE, &std::fs::read_to_string(&scope)?, "demo", now)?;
    }
    let mut db = state.lock();
    let db = &mut *db.sql;
    if db::active_users(db).map_err(storage)?.is_empty() {
        let demo = [
            ("联检办管理员", Role::Office, None, None),
            ("联检办科员", Role::Office, None, None),
            ("陈立新", Role::TeamLead, Some("emergency_management"), None),
            ("刘海燕", Role::Inspector, Some("housing_construction"), None),
            ("赵德胜", Role::Inspector, Some("market_regulation"), None),
            ("企业安全负责人", Role::Enterprise, None, Some(enterprises[0].id.to_string())),
            ("王建军", Role::TeamLead, Some("emergency_management"), None),
            ("李红梅", Role::Inspector, Some("emergency_management"), None),
        ];
        for (name, role, dept, ent) in demo {
            let user = User {
                id: PersonId::new().to_string(),
                name: name.into(),
                role,
                department: dept.map(Into::into),
                enterprise_id: ent,
                grid: None,
            };
            db::add_user(db, &user).map_err(storage)?;
            match user.name.as_str() {
                "联检办管理员" => name_office_user(db, &user.id, "admin", OfficeRank::Head)?,
                "联检办科员" => {
                    name_office_user(db, &user.id, "clerk", OfficeRank::Clerk)?;
                    // A record for the credit rule to read: the second
                    // enterprise had an accident in the spring.
                    let day = lianjian_core::model::time::local_date(&now.0) - chrono::Days::new(240);
                    if let Some(e) = enterprises.get(1) {
                        db.execute(
                        "INSERT INTO enterprise_incidents (id, enterprise_id, kind, on_day, summary, recorded_by, recorded_at)
                         VALUES ($1, $2, 'accident', $3, $4, $5, $6)",
                        crate::args![
                            uuid::Uuid::now_v7().to_string(),
                            e.id.to_string(),
                            day.to_string(),
                            "储罐区检修时一人高处坠落受伤（一般事故）",
                            &user.id,
                            now.to_string()
                        ],
                    )
                    .map_err(storage)?;
                    }
                }
                _ => {}
            }
            if let Some(cert) = DEMO_CERTIFICATES.iter().find(|(n, _)| *n == user.name).map(|(_, c)| *c) {
                db.execute("UPDATE users SET certificate = $1 WHERE id = $2", crate::args![cert, &user.id])
                    .map_err(storage)?;
            }
            // 刘海燕's brother runs the first enterprise: she may never be drawn for it.
            if user.name == "刘海燕" {
                db.execute(
                    "INSERT INTO inspector_conflicts (user_id, enterprise_id, reason, declared_at) VALUES ($1, $2, $3, $4)",
                    crate::args![&user.id, enterprises[0].id.to_string(), "近亲属在该企业任职", now.to_string()],
                )
                .map_err(storage)?;
            }
        }
    }
    issue_missing_codes(db, now).map_err(storage)
}

/// A production start: on a server without users, creates the first office
/// administrator and issues its code (the office enrolls everyone else);
/// otherwise nothing. Loads no demo data.
pub fn first_admin(state: &AppState) -> lianjian_core::Result<Vec<Seeded>> {
    let storage = |e: DbError| Error::from(e);
    let mut db = state.lock();
    let db = &mut *db.sql;
    if !db::active_users(db).map_err(storage)?.is_empty() {
        return Ok(vec![]);
    }
    let user = User {
        id: PersonId::new().to_string(),
        name: "联检办管理员".into(),
        role: Role::Office,
        department: None,
        enterprise_id: None,
        grid: None,
    };
    db::add_user(db, &user).map_err(storage)?;
    name_office_user(db, &user.id, "admin", OfficeRank::Head)?;
    issue_missing_codes(db, state.clock.now()).map_err(storage)
}

/// Gives an office user a sign-in name and rank (no password yet: the
/// office sets it with `admin set-password`, or the demo prints one).
fn name_office_user(
    db: &mut dyn crate::sql::Sql,
    id: &str,
    login: &str,
    rank: OfficeRank,
) -> lianjian_core::Result<()> {
    db.execute("UPDATE users SET login = $1, office_rank = $2 WHERE id = $3", crate::args![login, rank.code(), id])
        .map_err(Error::from)?;
    Ok(())
}

/// Demo only: a fresh random password for every office user who has a
/// sign-in name and none yet; returns (sign-in name, password) to print
/// once. A restart sets none.
pub fn demo_passwords(state: &AppState) -> lianjian_core::Result<Vec<(String, String)>> {
    let mut db = state.lock();
    let db = &mut *db.sql;
    let logins: Vec<String> = db
        .query("SELECT login FROM users WHERE login IS NOT NULL AND password_hash IS NULL ORDER BY login", &[])
        .map_err(Error::from)?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()
        .map_err(Error::from)?;
    let mut out = Vec::new();
    for login in logins {
        let password: String = db::new_secret().chars().take(16).collect();
        crate::accounts::set_password(db, &login, None, None, &password)
            .map_err(|e| Error::validation("password", e.to_string()))?;
        out.push((login, password));
    }
    Ok(out)
}

/// Demo only: on a server holding no inspection yet, a year of inspections
/// before `today` made from the fixtures (see [`crate::demo_year`]);
/// returns how many inspections and hazards were made (none on a restart).
pub fn demo_year(
    state: &AppState,
    fixtures: &Path,
    today: chrono::NaiveDate,
    count: usize,
) -> lianjian_core::Result<crate::demo_year::YearMade> {
    let held = {
        let mut db = state.lock();
        db.sql.query_opt("SELECT 1 FROM doc_access WHERE kind = 'inspection' LIMIT 1", &[]).map_err(Error::from)?
    };
    if held.is_some() {
        return Ok(crate::demo_year::YearMade { inspections: 0, hazards: 0 });
    }
    let scratch = std::env::temp_dir().join(format!("lianjian-demo-year-{}", db::new_secret()));
    std::fs::create_dir_all(&scratch)?;
    let made = crate::demo_year::generate(state, fixtures, today, count, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    made
}

fn issue_missing_codes(db: &mut dyn crate::sql::Sql, now: Timestamp) -> Result<Vec<Seeded>, DbError> {
    let mut out = Vec::new();
    for id in db::active_users(db)? {
        let Some(user) = db::user_by_id(db, &id)? else { continue };
        if db::has_device(db, &id)? || db::has_open_code(db, &id, now)? {
            continue;
        }
        let code = db::issue_code(db, &user.id, now, db::CODE_VALIDITY)?;
        out.push(Seeded { user, code });
    }
    Ok(out)
}

/// Builds the ledger's index from every stored inspection when it is empty
/// (a database from before the index existed); returns the rows written.
pub fn rebuild_ledger_if_empty(state: &AppState) -> lianjian_core::Result<i64> {
    let mut db = state.lock();
    let has_rows = db.sql.query_opt("SELECT 1 FROM office_inspections LIMIT 1", &[]).map_err(Error::from)?.is_some();
    if has_rows {
        return Ok(0);
    }
    let enterprises: Vec<String> = db
        .sql
        .query("SELECT doc_id FROM doc_access WHERE kind = 'enterprise'", &[])
        .map_err(Error::from)?
        .iter()
        .map(|r| r.text(0))
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::from)?;
    for id in &enterprises {
        let e = db.docs().with_document(id, lianjian_core::doc::catalog::read_enterprise)??;
        crate::ledger::index::enterprise(&mut *db.sql, &e)?;
    }
    let ids: Vec<String> = db
        .sql
        .query("SELECT doc_id FROM doc_access WHERE kind = 'inspection' ORDER BY doc_id", &[])
        .map_err(Error::from)?
        .iter()
        .map(|r| r.text(0))
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::from)?;
    let rules = state.rule_data(&mut db)?;
    for id in &ids {
        let was_loaded = db.cache.contains(id);
        let doc = db.docs().with_document(id, |am| am.clone())?;
        if !was_loaded {
            db.cache.forget(id);
        }
        crate::ledger::index::reindex(&mut *db.sql, id, &doc, Some(&rules))?;
    }
    db.sql
        .query_opt("SELECT count(*) FROM ledger_hazards", &[])
        .map_err(Error::from)?
        .map_or(Ok(0), |r| r.int(0))
        .map_err(Error::from)
}
