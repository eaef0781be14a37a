//! One small SQL interface over the server's two backends: embedded SQLite
//! (rusqlite, the default) and PostgreSQL (the `postgres` crate, for scale
//! out), chosen by a database URL. Everything above this module — identity,
//! access, documents, blobs — is written once against [`Sql`], so both
//! backends run the same queries, the same migrations and the same tests.
//!
//! Why not sqlx's `Any` driver: its SQLite driver links its own
//! `libsqlite3-sys`, which Cargo refuses beside rusqlite's (`links =
//! "sqlite3"`), and the core needs rusqlite. The queries here use `$1`
//! placeholders and the portable subset both databases share (TEXT, BIGINT,
//! BYTEA, `ON CONFLICT`); the SQLite side rewrites `$n` to `?n`.

use std::collections::HashMap;
use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};

/// A failure of the server's database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// A column did not hold what the query expected.
    #[error("column {column} is not {expected}")]
    Type {
        /// Column index.
        column: usize,
        /// What was expected.
        expected: &'static str,
    },
    /// The database URL names no backend this server has.
    #[error("unsupported database URL {0:?} (use a path, sqlite://PATH or postgres://...)")]
    Url(String),
    /// The database was written by a newer server.
    #[error("database schema version {found} is newer than this server's {supported}")]
    NewerSchema {
        /// Version found.
        found: i64,
        /// Latest version this build knows.
        supported: i64,
    },
    /// A write lost a race with another server process; retry.
    #[error("concurrent update of {0}; retry")]
    Contention(String),
    /// A schema migration would leave the database inconsistent; it was rolled back.
    #[error("migration: {0}")]
    Migration(String),
}

impl From<DbError> for lianjian_core::Error {
    fn from(e: DbError) -> Self {
        lianjian_core::Error::External(Box::new(e))
    }
}

/// A parameter or column value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (BIGINT; booleans read as 0 or 1).
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes (BYTEA).
    Bytes(Vec<u8>),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Value::Bytes(b)
    }
}
impl From<&[u8]> for Value {
    fn from(b: &[u8]) -> Self {
        Value::Bytes(b.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// Parameters from a list of values of mixed types.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::sql::Value::from($v)),*] as &[$crate::sql::Value] };
}

/// One result row.
#[derive(Clone, Debug)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> &Value {
        self.0.get(i).unwrap_or(&Value::Null)
    }
    /// A text column.
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        self.opt_text(i)?.ok_or(DbError::Type { column: i, expected: "text" })
    }
    /// A nullable text column.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.get(i) {
            Value::Text(s) => Ok(Some(s.clone())),
            Value::Null => Ok(None),
            _ => Err(DbError::Type { column: i, expected: "text" }),
        }
    }
    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match self.get(i) {
            Value::Int(n) => Ok(*n),
            _ => Err(DbError::Type { column: i, expected: "an integer" }),
        }
    }
    /// A bytes column.
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, DbError> {
        match self.get(i) {
            Value::Bytes(b) => Ok(b.clone()),
            _ => Err(DbError::Type { column: i, expected: "bytes" }),
        }
    }
}

/// Which database is behind a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A connection to the server's database.
pub trait Sql: Send {
    /// Runs a statement; rows affected.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    /// Runs a query; all rows.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;
    /// Runs several statements without parameters (migrations, BEGIN/COMMIT).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// The backend.
    fn backend(&self) -> Backend;
}

impl dyn Sql + '_ {
    /// At most one row.
    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs `f` in a transaction: committed if it returns `Ok`, rolled back
    /// otherwise (or if the commit fails).
    pub fn transaction<R, E: From<DbError>>(&mut self, f: impl FnOnce(&mut dyn Sql) -> Result<R, E>) -> Result<R, E> {
        // SQLite: take the write lock up front, so two writers never
        // deadlock upgrading read locks.
        self.batch(match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        })?;
        match f(self) {
            Ok(r) => match self.batch("COMMIT") {
                Ok(()) => Ok(r),
                Err(e) => {
                    let _ = self.batch("ROLLBACK");
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Opens the database named by `url`: `postgres://…`/`postgresql://…`, or
/// `sqlite://PATH` or a plain path for SQLite.
pub fn connect(url: &str) -> Result<Box<dyn Sql>, DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let client = blocking(|| postgres::Client::connect(url, postgres::NoTls))?;
        return Ok(Box::new(Postgres { client: Some(client), statements: HashMap::new() }));
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    if path.is_empty() || path.contains("://") {
        return Err(DbError::Url(url.to_string()));
    }
    let conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(Box::new(Sqlite { conn, translated: HashMap::new() }))
}

struct Sqlite {
    conn: rusqlite::Connection,
    translated: HashMap<String, String>,
}

impl Sqlite {
    /// `$n` → `?n` (the statement text is the cache key of both maps).
    fn sql(&mut self, sql: &str) -> String {
        if let Some(s) = self.translated.get(sql) {
            return s.clone();
        }
        let mut out = String::with_capacity(sql.len());
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                out.push('?');
            } else {
                out.push(c);
            }
        }
        self.translated.insert(sql.to_string(), out.clone());
        out
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl Sql for Sqlite {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let sql = self.sql(sql);
        let n = self.conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(params))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        use rusqlite::types::ValueRef;
        let sql = self.sql(sql);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(_) => return Err(DbError::Type { column: i, expected: "not a float" }),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                });
            }
            out.push(Row(row));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

/// Runs `f`, which blocks on the `postgres` client's own runtime. On a
/// multi-threaded tokio worker (an admin or test call from async code) the
/// worker is first handed over to tokio, as `block_in_place` does; the
/// server's handlers already call from blocking threads.
fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

struct Postgres {
    /// Always `Some` until dropped (see `Drop`).
    client: Option<postgres::Client>,
    statements: HashMap<String, postgres::Statement>,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // The client owns a runtime, which must not be dropped on a tokio worker.
        if let Some(c) = self.client.take() {
            blocking(move || drop(c));
        }
    }
}

impl Postgres {
    fn client(&mut self) -> &mut postgres::Client {
        self.client.as_mut().expect("present until dropped")
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = blocking(|| self.client().prepare(sql))?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl Sql for Postgres {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        Ok(blocking(|| self.client().execute(&stmt, &refs))?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let rows = blocking(|| self.client().query(&stmt, &refs))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut row = Vec::with_capacity(r.len());
            for (i, col) in r.columns().iter().enumerate() {
                let ty = col.type_();
                let v = if *ty == Type::INT8 {
                    r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
                } else if *ty == Type::INT4 {
                    r.try_get::<_, Option<i32>>(i)?.map(|v| Value::Int(v.into()))
                } else if *ty == Type::BOOL {
                    r.try_get::<_, Option<bool>>(i)?.map(|v| Value::Int(v.into()))
                } else if *ty == Type::BYTEA {
                    r.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes)
                } else {
                    r.try_get::<_, Option<String>>(i)?.map(Value::Text)
                };
                row.push(v.unwrap_or(Value::Null));
            }
            out.push(Row(row));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        Ok(blocking(|| self.client().batch_execute(sql))?)
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}

/// One version of the server's schema.
pub enum Migration {
    /// SQL both backends accept.
    Shared(&'static str),
    /// Where the dialects differ (changing a constraint: SQLite rebuilds the
    /// table, PostgreSQL alters it).
    PerBackend {
        /// For SQLite (run with foreign keys off, checked before commit).
        sqlite: &'static str,
        /// For PostgreSQL.
        postgres: &'static str,
    },
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match (self, backend) {
            (Migration::Shared(sql), _) => sql,
            (Migration::PerBackend { sqlite, .. }, Backend::Sqlite) => sqlite,
            (Migration::PerBackend { postgres, .. }, Backend::Postgres) => postgres,
        }
    }
}

/// The server's schema, one entry per version, in the SQL both backends
/// share where they can. Never edit a released entry; add one.
pub const MIGRATIONS: &[Migration] = &[
    // 1: identity and access.
    Migration::Shared(
        r#"
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    department    TEXT,
    enterprise_id TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE enrollment_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE TABLE devices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE device_actors (
    actor     TEXT PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(id)
);
CREATE TABLE doc_access (
    doc_id        TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist')),
    enterprise_id TEXT,
    signed        BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE doc_writers (
    doc_id  TEXT NOT NULL REFERENCES doc_access(doc_id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, user_id)
);
CREATE TABLE revision (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO revision (id, value) VALUES (1, 0);
"#,
    ),
    // 2: the server's copies of documents and per-peer sync states.
    Migration::Shared(
        r#"
CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    heads      BYTEA NOT NULL,
    chunks     BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE doc_chunks (
    doc_id TEXT NOT NULL REFERENCES documents(id),
    seq    BIGINT NOT NULL,
    bytes  BYTEA NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
CREATE TABLE sync_states (
    doc_id TEXT NOT NULL,
    peer   TEXT NOT NULL,
    state  BYTEA NOT NULL,
    PRIMARY KEY (doc_id, peer)
);
"#,
    ),
    // 3: blobs: complete ones, who uploaded them, which documents reference
    // them, and uploads in progress.
    Migration::Shared(
        r#"
CREATE TABLE blobs (
    hash       TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE blob_uploaders (
    hash    TEXT NOT NULL REFERENCES blobs(hash),
    user_id TEXT NOT NULL,
    PRIMARY KEY (hash, user_id)
);
CREATE TABLE blob_refs (
    doc_id TEXT NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (doc_id, hash)
);
CREATE INDEX blob_refs_by_hash ON blob_refs (hash);
CREATE TABLE uploads (
    hash       TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    length     BIGINT NOT NULL,
    received   BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (hash, device_id)
);
"#,
    ),
    // 4: the office's rule documents (calendars, regions) join the access table.
    Migration::PerBackend {
        sqlite: r#"
CREATE TABLE doc_access_new (
    doc_id        TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('inspection', 'enterprise', 'checklist', 'office')),
    enterprise_id TEXT,
    signed        BIGINT NOT NULL DEFAULT 0
);
INSERT INTO doc_access_new (doc_id, kind, enterprise_id, signed) SELECT doc_id, kind, enterprise_id, signed FROM doc_access;
DROP TABLE doc_access;
ALTER TABLE doc_access_new RENAME TO doc_access;
"#,
        postgres: r#"
ALTER TABLE doc_access DROP CONSTRAINT doc_access_kind_check;
ALTER TABLE doc_access ADD CONSTRAINT doc_access_kind_check
    CHECK (kind IN ('inspection', 'enterprise', 'checklist', 'office'));
"#,
    },
    // 5: enrollment codes expire.
    Migration::Shared("ALTER TABLE enrollment_codes ADD COLUMN expires_ms BIGINT;"),
    // 6: who made a document's reference to a blob, and whether they could
    // read the blob (only such references let the document's readers read it).
    Migration::Shared(
        r#"
ALTER TABLE blob_refs ADD COLUMN by_user TEXT;
ALTER TABLE blob_refs ADD COLUMN vouched BIGINT NOT NULL DEFAULT 1;
"#,
    ),
    // 7: the audit trail, hash-chained and append-only (see audit.rs).
    Migration::PerBackend {
        sqlite: r#"
CREATE TABLE audit_log (
    seq      BIGINT PRIMARY KEY,
    at       TEXT NOT NULL,
    person   TEXT NOT NULL,
    device   TEXT NOT NULL,
    document TEXT NOT NULL,
    event    TEXT NOT NULL,
    summary  TEXT NOT NULL,
    result   TEXT NOT NULL,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX audit_by_person ON audit_log (person);
CREATE INDEX audit_by_document ON audit_log (document);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#,
        postgres: r#"
CREATE TABLE audit_log (
    seq      BIGINT PRIMARY KEY,
    at       TEXT NOT NULL,
    person   TEXT NOT NULL,
    device   TEXT NOT NULL,
    document TEXT NOT NULL,
    event    TEXT NOT NULL,
    summary  TEXT NOT NULL,
    result   TEXT NOT NULL,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX audit_by_person ON audit_log (person);
CREATE INDEX audit_by_document ON audit_log (document);
CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"#,
    },
    // 8: which device uploaded a blob (the storage quota is per device).
    Migration::Shared("ALTER TABLE blob_uploaders ADD COLUMN device_id TEXT;"),
    // 9: jurisdiction: an inspector's grid; a document's industry and grid.
    Migration::Shared(
        r#"
ALTER TABLE users ADD COLUMN grid TEXT;
ALTER TABLE doc_access ADD COLUMN industry TEXT;
ALTER TABLE doc_access ADD COLUMN grid TEXT;
"#,
    ),
    // 10: the address a device's token was last used from (audit trail).
    Migration::Shared("ALTER TABLE devices ADD COLUMN last_addr TEXT;"),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version of `db` (0 when empty).
pub fn current_version(db: &mut dyn Sql) -> Result<i64, DbError> {
    db.batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    Ok(db.query_opt("SELECT max(version) FROM schema_version", &[])?.map(|r| r.int(0).unwrap_or(0)).unwrap_or(0))
}

/// Brings `db` to the latest schema, one transaction per version. A database
/// from a newer server is refused untouched.
pub fn migrate(db: &mut dyn Sql) -> Result<(), DbError> {
    let found = current_version(db)?;
    if found > latest_version() {
        return Err(DbError::NewerSchema { found, supported: latest_version() });
    }
    let backend = db.backend();
    if backend == Backend::Sqlite {
        // SQLite changes a constraint by rebuilding the table, which is only
        // safe with foreign keys off (they are checked before each commit).
        db.batch("PRAGMA foreign_keys = OFF")?;
    }
    let result = run_migrations(db, found);
    if backend == Backend::Sqlite {
        db.batch("PRAGMA foreign_keys = ON")?;
    }
    result
}

fn run_migrations(db: &mut dyn Sql, found: i64) -> Result<(), DbError> {
    for (i, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        db.transaction(|tx| -> Result<(), DbError> {
            if tx.backend() == Backend::Postgres {
                // Two servers starting at once: the second waits, then skips.
                tx.batch("LOCK TABLE schema_version IN EXCLUSIVE MODE")?;
            }
            let now = tx.query_opt("SELECT max(version) FROM schema_version", &[])?;
            if now.and_then(|r| r.int(0).ok()).unwrap_or(0) > i as i64 {
                return Ok(());
            }
            tx.batch(step.sql(tx.backend()))?;
            if tx.backend() == Backend::Sqlite && tx.query_opt("PRAGMA foreign_key_check", &[])?.is_some() {
                return Err(DbError::Migration(format!("version {} leaves broken references", i + 1)));
            }
            tx.execute("INSERT INTO schema_version (version) VALUES ($1)", args![i as i64 + 1])?;
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_placeholders_and_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let mut db = connect(&url).unwrap();
        migrate(&mut *db).unwrap();
        migrate(&mut *db).unwrap();
        assert_eq!(current_version(&mut *db).unwrap(), latest_version());
        db.execute("INSERT INTO users (id, name, role) VALUES ($1, $2, $3)", args!["u1", "张三", "office"]).unwrap();
        let row = db.query_opt("SELECT name, disabled, department FROM users WHERE id = $1", args!["u1"]).unwrap();
        let row = row.unwrap();
        assert_eq!((row.text(0).unwrap(), row.int(1).unwrap(), row.opt_text(2).unwrap()), ("张三".into(), 0, None));
        assert!(matches!(row.bytes(0), Err(DbError::Type { column: 0, .. })));
        // A failed transaction leaves nothing behind.
        let r: Result<(), DbError> = db.transaction(|tx| {
            tx.execute("INSERT INTO users (id, name, role) VALUES ($1, $2, $3)", args!["u2", "李四", "office"])?;
            tx.execute("INSERT INTO users (id, name, role) VALUES ($1, $2, $3)", args!["u2", "重复", "office"])?;
            Ok(())
        });
        assert!(r.is_err());
        assert!(db.query_opt("SELECT 1 FROM users WHERE id = $1", args!["u2"]).unwrap().is_none());
        // A database from a newer server is refused untouched.
        db.execute("INSERT INTO schema_version (version) VALUES ($1)", args![latest_version() + 1]).unwrap();
        drop(db);
        let mut db = connect(&url).unwrap();
        assert!(matches!(migrate(&mut *db), Err(DbError::NewerSchema { .. })));
        assert!(matches!(connect("mysql://x"), Err(DbError::Url(_))));
    }
}
