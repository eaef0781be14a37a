//! The server's own database: users, enrollment codes, devices and their
//! actor ids, and the access table. None of this is in a CRDT: who may read
//! and write what is decided here, by the server, and nowhere else.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use lianjian_core::rules::permissions::Role;

/// Schema of the server database, applied by a `user_version` ladder.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    department    TEXT,
    enterprise_id TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE enrollment_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;
CREATE TABLE device_actors (
    actor     TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id)
) STRICT;
CREATE TABLE doc_access (
    doc_id        TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist')),
    enterprise_id TEXT
) STRICT;
CREATE TABLE doc_writers (
    doc_id  TEXT NOT NULL REFERENCES doc_access(doc_id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, user_id)
) STRICT;
"#];

/// Opens (and migrates) the server database.
pub fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let mut version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    while (version as usize) < MIGRATIONS.len() {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        version += 1;
    }
    Ok(conn)
}

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
}

/// Creates a user.
pub fn add_user(conn: &Connection, user: &User) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (id, name, role, department, enterprise_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user.id, user.name, user.role.code(), user.department, user.enterprise_id],
    )?;
    Ok(())
}

/// Disables a user: their devices are refused at once.
pub fn disable_user(conn: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE users SET disabled = 1 WHERE id = ?1", [user_id])? == 1)
}

/// Issues a one-time enrollment code for a user; returns the code.
pub fn issue_code(conn: &Connection, user_id: &str, now: &str) -> rusqlite::Result<String> {
    // Short enough to type from a printed slip: 12 hex characters, grouped.
    let secret = new_secret();
    let code = format!("{}-{}-{}", &secret[0..4], &secret[4..8], &secret[8..12]).to_uppercase();
    conn.execute(
        "INSERT INTO enrollment_codes (code_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![hash_secret(&code), user_id, now],
    )?;
    Ok(code)
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
    conn: &mut Connection,
    code: &str,
    device_name: &str,
    actors: &[String],
    now: &str,
) -> rusqlite::Result<Option<(String, String, User)>> {
    let tx = conn.transaction()?;
    let user_id: Option<String> = tx
        .query_row(
            "SELECT c.user_id FROM enrollment_codes c JOIN users u ON u.id = c.user_id
             WHERE c.code_hash = ?1 AND c.used_at IS NULL AND u.disabled = 0",
            [hash_secret(code.trim())],
            |r| r.get(0),
        )
        .optional()?;
    let Some(user_id) = user_id else { return Ok(None) };
    for a in actors {
        let taken: Option<String> =
            tx.query_row("SELECT device_id FROM device_actors WHERE actor = ?1", [a], |r| r.get(0)).optional()?;
        if taken.is_some() {
            return Ok(None);
        }
    }
    tx.execute(
        "UPDATE enrollment_codes SET used_at = ?2 WHERE code_hash = ?1",
        params![hash_secret(code.trim()), now],
    )?;
    let device_id = lianjian_core::model::PersonId::new().to_string();
    let token = new_secret();
    tx.execute(
        "INSERT INTO devices (id, user_id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device_id, user_id, device_name, hash_secret(&token), now],
    )?;
    for a in actors {
        tx.execute("INSERT INTO device_actors (actor, device_id) VALUES (?1, ?2)", params![a, device_id])?;
    }
    let user = user_by_id(&tx, &user_id)?.expect("joined above");
    tx.commit()?;
    Ok(Some((device_id, token, user)))
}

/// A user by id.
pub fn user_by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row("SELECT id, name, role, department, enterprise_id FROM users WHERE id = ?1", [id], |r| {
        let role: String = r.get(2)?;
        Ok(User {
            id: r.get(0)?,
            name: r.get(1)?,
            role: Role::from_code(&role).unwrap_or(Role::Enterprise),
            department: r.get(3)?,
            enterprise_id: r.get(4)?,
        })
    })
    .optional()
}

/// Resolves a bearer token; `None` for unknown or revoked devices and
/// disabled users.
pub fn caller(conn: &Connection, token: &str) -> rusqlite::Result<Option<Caller>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT d.id, d.user_id FROM devices d JOIN users u ON u.id = d.user_id
             WHERE d.token_hash = ?1 AND d.revoked_at IS NULL AND u.disabled = 0",
            [hash_secret(token)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((device_id, user_id)) = row else { return Ok(None) };
    let user = user_by_id(conn, &user_id)?.expect("joined above");
    let mut stmt = conn.prepare_cached("SELECT actor FROM device_actors WHERE device_id = ?1")?;
    let actors = stmt.query_map([&device_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(Caller { user, device_id, actors }))
}

/// Revokes a device; its token is refused from the next request on.
pub fn revoke_device(conn: &Connection, device_id: &str, now: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .execute("UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", params![device_id, now])?
        == 1)
}

/// Records a document in the access table (kind and enterprise) and sets
/// its writers.
pub fn set_access(
    conn: &Connection,
    doc: &str,
    kind: &str,
    enterprise: Option<&str>,
    writers: &[String],
) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO doc_access (doc_id, kind, enterprise_id) VALUES (?1, ?2, ?3)
         ON CONFLICT(doc_id) DO UPDATE SET kind = excluded.kind, enterprise_id = excluded.enterprise_id",
        params![doc, kind, enterprise],
    )?;
    tx.execute("DELETE FROM doc_writers WHERE doc_id = ?1", [doc])?;
    for w in writers {
        tx.execute("INSERT INTO doc_writers (doc_id, user_id) VALUES (?1, ?2)", params![doc, w])?;
    }
    tx.commit()
}

/// A document's entry in the access table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocAccess {
    /// `inspection`, `enterprise` or `checklist`.
    pub kind: String,
    /// The enterprise it concerns, if any.
    pub enterprise: Option<String>,
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
    /// Whether the asking user is in the writer group.
    pub writes: bool,
}

/// The access entry of a document.
pub fn access_of(conn: &Connection, doc: &str) -> rusqlite::Result<Option<DocAccess>> {
    let row: Option<(String, Option<String>)> = conn
        .query_row("SELECT kind, enterprise_id FROM doc_access WHERE doc_id = ?1", [doc], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((kind, enterprise)) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT user_id FROM doc_writers WHERE doc_id = ?1")?;
    let writers = stmt.query_map([doc], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(DocAccess { kind, enterprise, writers }))
}

/// Every document with its kind, enterprise and whether `user` writes it.
pub fn all_access(conn: &Connection, user: &str) -> rusqlite::Result<Vec<AccessRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.doc_id, a.kind, a.enterprise_id,
                EXISTS (SELECT 1 FROM doc_writers w WHERE w.doc_id = a.doc_id AND w.user_id = ?1)
         FROM doc_access a ORDER BY a.doc_id",
    )?;
    let rows = stmt.query_map([user], |r| {
        Ok(AccessRow { doc: r.get(0)?, kind: r.get(1)?, enterprise: r.get(2)?, writes: r.get(3)? })
    })?;
    rows.collect()
}
