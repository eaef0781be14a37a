//! The server's own records: users, enrollment codes, devices and their
//! actor ids, and the access table. None of this is in a CRDT: who may read
//! and write what is decided here, by the server, and nowhere else.

use sha2::{Digest, Sha256};

use lianjian_core::model::Timestamp;
use lianjian_core::rules::permissions::Role;

use crate::args;
use crate::sql::{DbError, Row, Sql};

/// SHA-256 hex of a secret (tokens and codes are never stored in clear).
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new random secret: 32 bytes, hex.
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("system randomness");
    hex::encode(b)
}

/// A user as the server knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Person id (the same id the documents use).
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Department code, for inspectors.
    pub department: Option<String>,
    /// The enterprise an enterprise user is bound to.
    pub enterprise_id: Option<String>,
    /// The grid (prefix, e.g. 赤壁市) an inspector works in; none: every grid.
    pub grid: Option<String>,
}

/// Creates a user.
pub fn add_user(db: &mut dyn Sql, user: &User) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO users (id, name, role, department, enterprise_id, grid) VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            &user.id,
            &user.name,
            user.role.code(),
            user.department.as_ref(),
            user.enterprise_id.as_ref(),
            user.grid.as_ref()
        ],
    )?;
    bump_revision(db)
}

/// Records that documents or access changed (cached digests are stale).
pub fn bump_revision(db: &mut dyn Sql) -> Result<(), DbError> {
    db.execute("UPDATE revision SET value = value + 1 WHERE id = 1", &[])?;
    Ok(())
}

/// The data revision: changes whenever documents or access change, in this
/// process or another (admin commands, other server instances).
pub fn revision(db: &mut dyn Sql) -> Result<i64, DbError> {
    db.query_opt("SELECT value FROM revision WHERE id = 1", &[])?.map_or(Ok(0), |r| r.int(0))
}

/// Active users' ids, oldest first (ids are time-ordered UUIDs).
pub fn active_users(db: &mut dyn Sql) -> Result<Vec<String>, DbError> {
    db.query("SELECT id FROM users WHERE disabled = 0 ORDER BY id", &[])?.iter().map(|r| r.text(0)).collect()
}

/// Disables a user: their devices are refused at once.
pub fn disable_user(db: &mut dyn Sql, user_id: &str) -> Result<bool, DbError> {
    let n = db.execute("UPDATE users SET disabled = 1 WHERE id = $1", args![user_id])?;
    bump_revision(db)?;
    Ok(n == 1)
}

/// Issues a one-time enrollment code for a user; returns the code.
pub fn issue_code(
    db: &mut dyn Sql,
    user_id: &str,
    now: Timestamp,
    valid: std::time::Duration,
) -> Result<String, DbError> {
    // Short enough to type from a printed slip: 12 hex characters, grouped.
    let secret = new_secret();
    let code = format!("{}-{}-{}", &secret[0..4], &secret[4..8], &secret[8..12]).to_uppercase();
    let expires = now.unix_millis().saturating_add(valid.as_millis().min(i64::MAX as u128) as i64);
    db.execute(
        "INSERT INTO enrollment_codes (code_hash, user_id, created_at, expires_ms) VALUES ($1, $2, $3, $4)",
        args![hash_secret(&code), user_id, now.to_string(), expires],
    )?;
    Ok(code)
}

/// How long an enrollment code stays valid unless the office says otherwise.
pub const CODE_VALIDITY: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Whether `user_id` holds an enrollment code that is unused and unexpired at `now`.
pub fn has_open_code(db: &mut dyn Sql, user_id: &str, now: Timestamp) -> Result<bool, DbError> {
    Ok(db
        .query_opt(
            "SELECT 1 FROM enrollment_codes WHERE user_id = $1 AND used_at IS NULL
               AND (expires_ms IS NULL OR expires_ms > $2)",
            args![user_id, now.unix_millis()],
        )?
        .is_some())
}

/// Whether `user_id` has ever enrolled a device.
pub fn has_device(db: &mut dyn Sql, user_id: &str) -> Result<bool, DbError> {
    Ok(db.query_opt("SELECT 1 FROM devices WHERE user_id = $1", args![user_id])?.is_some())
}

/// The calling device, resolved from its token.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// The device id.
    pub device_id: String,
    /// Actor ids bound to the device (hex).
    pub actors: Vec<String>,
}

/// Redeems an enrollment code: creates the device with its token and binds
/// its actor ids. Returns (device id, token, user) or `None` if the code is
/// unknown, used, or the user disabled.
pub fn enroll(
    db: &mut dyn Sql,
    code: &str,
    device_name: &str,
    actors: &[String],
    at: Timestamp,
) -> Result<Option<(String, String, User)>, DbError> {
    let now = at.to_string();
    let now = now.as_str();
    db.transaction(|tx| {
        let code_hash = hash_secret(code.trim());
        let row = tx.query_opt(
            "SELECT c.user_id FROM enrollment_codes c JOIN users u ON u.id = c.user_id
             WHERE c.code_hash = $1 AND c.used_at IS NULL AND u.disabled = 0
               AND (c.expires_ms IS NULL OR c.expires_ms > $2)",
            args![&code_hash, at.unix_millis()],
        )?;
        let Some(row) = row else { return Ok(None) };
        let user_id = row.text(0)?;
        for a in actors {
            if tx.query_opt("SELECT device_id FROM device_actors WHERE actor = $1", args![a])?.is_some() {
                return Ok(None);
            }
        }
        tx.execute("UPDATE enrollment_codes SET used_at = $1 WHERE code_hash = $2", args![now, &code_hash])?;
        let device_id = lianjian_core::model::PersonId::new().to_string();
        let token = new_secret();
        tx.execute(
            "INSERT INTO devices (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            args![&device_id, &user_id, device_name, hash_secret(&token), now],
        )?;
        for a in actors {
            tx.execute("INSERT INTO device_actors (actor, device_id) VALUES ($1, $2)", args![a, &device_id])?;
        }
        let user = user_by_id(tx, &user_id)?.ok_or(DbError::Type { column: 0, expected: "a user" })?;
        Ok(Some((device_id, token, user)))
    })
}

fn user_from(r: &Row) -> Result<User, DbError> {
    Ok(User {
        id: r.text(0)?,
        name: r.text(1)?,
        role: Role::from_code(&r.text(2)?).unwrap_or(Role::Enterprise),
        department: r.opt_text(3)?,
        enterprise_id: r.opt_text(4)?,
        grid: r.opt_text(5)?,
    })
}

/// A user by id.
pub fn user_by_id(db: &mut dyn Sql, id: &str) -> Result<Option<User>, DbError> {
    db.query_opt("SELECT id, name, role, department, enterprise_id, grid FROM users WHERE id = $1", args![id])?
        .map(|r| user_from(&r))
        .transpose()
}

/// Resolves a bearer token; `None` for unknown or revoked devices and
/// disabled users.
pub fn caller(db: &mut dyn Sql, token: &str) -> Result<Option<Caller>, DbError> {
    let rows = db.query(
        "SELECT u.id, u.name, u.role, u.department, u.enterprise_id, u.grid, d.id, a.actor
         FROM devices d JOIN users u ON u.id = d.user_id LEFT JOIN device_actors a ON a.device_id = d.id
         WHERE d.token_hash = $1 AND d.revoked_at IS NULL AND u.disabled = 0",
        args![hash_secret(token)],
    )?;
    let Some(first) = rows.first() else { return Ok(None) };
    let user = user_from(first)?;
    let device_id = first.text(6)?;
    let actors = rows.iter().filter_map(|r| r.opt_text(7).transpose()).collect::<Result<_, _>>()?;
    Ok(Some(Caller { user, device_id, actors }))
}

/// Records that a device began a sync at `at` (the office's devices list).
pub fn note_sync(db: &mut dyn Sql, device_id: &str, at: Timestamp) -> Result<(), DbError> {
    db.execute("UPDATE devices SET last_sync = $1 WHERE id = $2", args![at.to_string(), device_id])?;
    Ok(())
}

/// Records the address a device's token was used from; whether it differs
/// from the one it was last used from (or is its first).
pub fn note_address(db: &mut dyn Sql, device_id: &str, addr: &str) -> Result<bool, DbError> {
    let last = db.query_opt("SELECT last_addr FROM devices WHERE id = $1", args![device_id])?;
    let last = last.map(|r| r.opt_text(0)).transpose()?.flatten();
    if last.as_deref() == Some(addr) {
        return Ok(false);
    }
    db.execute("UPDATE devices SET last_addr = $1 WHERE id = $2", args![addr, device_id])?;
    Ok(true)
}

/// Revokes a device; its token is refused from the next request on.
pub fn revoke_device(db: &mut dyn Sql, device_id: &str, now: &str) -> Result<bool, DbError> {
    Ok(db.execute("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", args![now, device_id])?
        == 1)
}

/// Records a document in the access table (kind, enterprise, whether it is
/// signed) and sets its writers. Runs inside the caller's transaction.
pub fn set_access(
    db: &mut dyn Sql,
    doc: &str,
    kind: &str,
    enterprise: Option<&str>,
    signed: bool,
    writers: &[String],
) -> Result<(), DbError> {
    db.execute(
        "INSERT INTO doc_access (doc_id, kind, enterprise_id, signed) VALUES ($1, $2, $3, $4)
         ON CONFLICT (doc_id) DO UPDATE SET kind = excluded.kind, enterprise_id = excluded.enterprise_id,
           signed = excluded.signed",
        args![doc, kind, enterprise, i64::from(signed)],
    )?;
    db.execute("DELETE FROM doc_writers WHERE doc_id = $1", args![doc])?;
    for w in writers {
        db.execute("INSERT INTO doc_writers (doc_id, user_id) VALUES ($1, $2)", args![doc, w])?;
    }
    bump_revision(db)?;
    // The revision this document last changed at: a user's cached digest
    // stays valid while no document they read (or may now read) moved.
    db.execute("UPDATE doc_access SET rev = (SELECT value FROM revision WHERE id = 1) WHERE doc_id = $1", args![doc])?;
    Ok(())
}

/// The writer key that stands for every officer of a department: an
/// inspection lists it when one of its hazards was referred there (移交).
pub fn department_key(department: &str) -> String {
    format!("dept:{department}")
}

/// The department key `user` writes under, if an officer with a
/// department; otherwise their own id again (matches nothing more).
fn department_writer(user: &User) -> String {
    match (&user.department, user.role) {
        (Some(d), Role::Inspector | Role::TeamLead) => department_key(d),
        _ => user.id.clone(),
    }
}

/// The access rows of documents changed after revision `since`, as `user` sees them.
pub fn access_changed_since(db: &mut dyn Sql, user: &User, since: i64) -> Result<Vec<AccessRow>, DbError> {
    db.query(
        "SELECT a.doc_id, a.kind, a.enterprise_id, a.signed,
                EXISTS (SELECT 1 FROM doc_writers w WHERE w.doc_id = a.doc_id AND w.user_id IN ($1, $3)),
                a.industry, a.grid
         FROM doc_access a WHERE a.rev > $2",
        args![&user.id, since, &department_writer(user)],
    )?
    .iter()
    .map(access_row_from)
    .collect()
}

/// A document's entry in the access table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocAccess {
    /// `inspection`, `enterprise` or `checklist`.
    pub kind: String,
    /// The enterprise it concerns, if any.
    pub enterprise: Option<String>,
    /// Whether it is a signed (or closed) inspection.
    pub signed: bool,
    /// The writer group (user ids); empty for office documents.
    pub writers: Vec<String>,
}

/// One row of [`all_access`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRow {
    /// Document id.
    pub doc: String,
    /// Kind.
    pub kind: String,
    /// Enterprise, if any.
    pub enterprise: Option<String>,
    /// Whether it is a signed (or closed) inspection.
    pub signed: bool,
    /// Whether the asking user is in the writer group.
    pub writes: bool,
    /// The industry (enterprise files, checklists, inspections).
    pub industry: Option<String>,
    /// The enterprise's grid (enterprise files).
    pub grid: Option<String>,
}

/// The access entry of a document.
pub fn access_of(db: &mut dyn Sql, doc: &str) -> Result<Option<DocAccess>, DbError> {
    let Some(row) = db.query_opt("SELECT kind, enterprise_id, signed FROM doc_access WHERE doc_id = $1", args![doc])?
    else {
        return Ok(None);
    };
    let writers = db
        .query("SELECT user_id FROM doc_writers WHERE doc_id = $1", args![doc])?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    Ok(Some(DocAccess { kind: row.text(0)?, enterprise: row.opt_text(1)?, signed: row.int(2)? != 0, writers }))
}

/// One document's access row as seen by `user`.
pub fn access_row(db: &mut dyn Sql, doc: &str, user: &User) -> Result<Option<AccessRow>, DbError> {
    db.query_opt(
        "SELECT a.doc_id, a.kind, a.enterprise_id, a.signed,
                EXISTS (SELECT 1 FROM doc_writers w WHERE w.doc_id = a.doc_id AND w.user_id IN ($1, $3)),
                a.industry, a.grid
         FROM doc_access a WHERE a.doc_id = $2",
        args![&user.id, doc, &department_writer(user)],
    )?
    .map(|r| access_row_from(&r))
    .transpose()
}

fn access_row_from(r: &Row) -> Result<AccessRow, DbError> {
    Ok(AccessRow {
        doc: r.text(0)?,
        kind: r.text(1)?,
        enterprise: r.opt_text(2)?,
        signed: r.int(3)? != 0,
        writes: r.int(4)? != 0,
        industry: r.opt_text(5)?,
        grid: r.opt_text(6)?,
    })
}

/// Records what scopes a document: its industry, and an enterprise file's grid.
pub fn set_scope(db: &mut dyn Sql, doc: &str, industry: Option<&str>, grid: Option<&str>) -> Result<(), DbError> {
    db.execute("UPDATE doc_access SET industry = $1, grid = $2 WHERE doc_id = $3", args![industry, grid, doc])?;
    Ok(())
}

/// Every document with its kind, enterprise, whether it is signed and
/// whether `user` writes it.
pub fn all_access(db: &mut dyn Sql, user: &User) -> Result<Vec<AccessRow>, DbError> {
    db.query(
        "SELECT a.doc_id, a.kind, a.enterprise_id, a.signed,
                EXISTS (SELECT 1 FROM doc_writers w WHERE w.doc_id = a.doc_id AND w.user_id IN ($1, $2)),
                a.industry, a.grid
         FROM doc_access a ORDER BY a.doc_id",
        args![&user.id, &department_writer(user)],
    )?
    .iter()
    .map(access_row_from)
    .collect()
}

/// The read rule, for one document. With a division of duties (`scope`),
/// an inspector reads the enterprise files and checklists of their
/// department's industries, enterprise files only within their grid when
/// they have one; [`crate::access::CallerAccess`] adds those of the
/// inspections they are on. Without one, every catalogue document.
pub fn may_read(user: &User, row: &AccessRow, scope: Option<&lianjian_core::office::scope::Scope>) -> bool {
    let oversees = |row: &AccessRow| match (scope, row.industry.as_deref()) {
        (None, _) => true,
        (Some(s), Some(industry)) => s.oversees(user.department.as_deref(), industry),
        (Some(_), None) => false,
    };
    let in_grid = |row: &AccessRow| match (&user.grid, &row.grid) {
        (None, _) => true,
        (Some(mine), Some(theirs)) => theirs.starts_with(mine.as_str()),
        (Some(_), None) => false,
    };
    match (user.role, row.kind.as_str()) {
        (Role::Office, _) => true,
        (Role::Inspector | Role::TeamLead, "inspection") => row.writes,
        (Role::Inspector | Role::TeamLead, "enterprise") => oversees(row) && in_grid(row),
        (Role::Inspector | Role::TeamLead, "checklist") => oversees(row),
        (Role::Inspector | Role::TeamLead, _) => true,
        (Role::Enterprise, "enterprise") => row.enterprise == user.enterprise_id,
        (Role::Enterprise, "office") => true,
        (Role::Enterprise, "inspection") => row.enterprise == user.enterprise_id && row.signed,
        (Role::Enterprise, _) => false,
    }
}
