//! Schema migrations: numbered SQL files applied in order by a
//! `PRAGMA user_version` ladder, each in its own transaction. A database
//! from a newer build is refused untouched; a database is never deleted.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The migrations, in order; `user_version` N means the first N are applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("001_documents", include_str!("migrations/001_documents.sql")),
    ("002_projections", include_str!("migrations/002_projections.sql")),
    ("003_sync", include_str!("migrations/003_sync.sql")),
    ("004_blobs", include_str!("migrations/004_blobs.sql")),
    ("005_evidence", include_str!("migrations/005_evidence.sql")),
    ("006_deadlines", include_str!("migrations/006_deadlines.sql")),
    ("007_office", include_str!("migrations/007_office.sql")),
    ("008_refusals", include_str!("migrations/008_refusals.sql")),
    ("009_numbers", include_str!("migrations/009_numbers.sql")),
    ("010_lifecycle", include_str!("migrations/010_lifecycle.sql")),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The version recorded in the database.
pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the database up to `target` (at most [`latest_version`]).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let found = current_version(conn)?;
    if found > latest_version() {
        return Err(Error::UnsupportedSchemaVersion { found, supported: latest_version() });
    }
    // A migration may rebuild a table to change a constraint, which SQLite
    // allows only with foreign keys off; they are checked before each commit.
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (|| -> Result<()> {
        for version in found..target.min(latest_version()) {
            let (name, sql) = MIGRATIONS[version as usize];
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            if tx.prepare("PRAGMA foreign_key_check")?.query([])?.next()?.is_some() {
                return Err(Error::Schema(format!("migration {name} leaves broken references")));
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", enforced)?;
    result
}

/// Brings the database up to the latest version.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, latest_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare("SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn upgrade_equals_fresh() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate(&mut fresh).unwrap();
        for start in 0..latest_version() {
            let mut old = Connection::open_in_memory().unwrap();
            migrate_to(&mut old, start).unwrap();
            assert_eq!(current_version(&old).unwrap(), start);
            migrate(&mut old).unwrap();
            assert_eq!(schema(&old), schema(&fresh), "upgrade from {start}");
            assert_eq!(current_version(&old).unwrap(), latest_version());
        }
    }

    #[test]
    fn newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x); PRAGMA user_version = 99;").unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, Error::UnsupportedSchemaVersion { found: 99, .. }));
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 1);
    }
}
