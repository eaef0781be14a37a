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
    /// A nullable integer column.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.get(i) {
            Value::Int(n) => Ok(Some(*n)),
            Value::Null => Ok(None),
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
