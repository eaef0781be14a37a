//! The server's schema as numbered migrations, and the runner that brings a
//! database to the latest one (one transaction per version; a database from
//! a newer server is refused untouched). Both backends run the same list,
//! in the SQL they share where they can.

use crate::args;
use crate::sql::{Backend, DbError, Sql};

/// The audit trail's table, the same on both backends (their append-only
/// guards differ).
macro_rules! audit_table {
    () => {
        r#"
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
"#
    };
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
        sqlite: concat!(
            audit_table!(),
            r#"
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#
        ),
        postgres: concat!(
            audit_table!(),
            r#"
CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"#
        ),
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
    // 11: the revision each document last changed at (cached digests).
    Migration::Shared("ALTER TABLE doc_access ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;"),
    // 12: document numbers: blocks granted to devices, the ledger they
    // report back, and the office's settings (the block size).
    Migration::Shared(
        r#"
CREATE TABLE number_blocks (
    department TEXT NOT NULL,
    form       TEXT NOT NULL,
    year       BIGINT NOT NULL,
    start_seq  BIGINT NOT NULL,
    end_seq    BIGINT NOT NULL,
    device_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (department, form, year, start_seq)
);
CREATE TABLE number_uses (
    department  TEXT NOT NULL,
    form        TEXT NOT NULL,
    year        BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    document    TEXT NOT NULL,
    by_person   TEXT NOT NULL,
    at          TEXT NOT NULL,
    voided      TEXT,
    device_id   TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (department, form, year, seq)
);
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    ),
    // 13: the office's web pages: sign-in names, argon2 password hashes and
    // ranks of office users, browser sessions, failed sign-ins (lockout), the
    // indexes of every hazard, enterprise and inspection (rebuilt from the
    // documents), each device's last sync, inspectors' certificates and
    // declared conflicts, the 双随机 draws, and the annual plans.
    Migration::Shared(
        r#"
ALTER TABLE users ADD COLUMN login TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN office_rank TEXT;
CREATE UNIQUE INDEX users_by_login ON users (login);
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    seen_ms    BIGINT NOT NULL
);
CREATE TABLE sign_in_failures (
    login        TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
CREATE TABLE ledger_hazards (
    id             TEXT PRIMARY KEY,
    inspection_id  TEXT NOT NULL,
    enterprise_id  TEXT NOT NULL,
    enterprise     TEXT NOT NULL,
    department     TEXT,
    industry       TEXT NOT NULL,
    township       TEXT NOT NULL,
    grade          TEXT NOT NULL,
    major          BIGINT NOT NULL,
    state          TEXT NOT NULL,
    found_on       TEXT NOT NULL,
    original_due   TEXT NOT NULL,
    due            TEXT NOT NULL,
    closed_on      TEXT,
    escalation     TEXT,
    description    TEXT NOT NULL,
    location       TEXT NOT NULL,
    officers       TEXT NOT NULL,
    self_reported  BIGINT NOT NULL,
    listed         BIGINT NOT NULL,
    reinspections  BIGINT NOT NULL,
    reinspections_on_time BIGINT NOT NULL,
    reinspected_on TEXT,
    item_code      TEXT
);
CREATE INDEX ledger_by_found ON ledger_hazards (found_on);
CREATE INDEX ledger_by_state_due ON ledger_hazards (state, due);
CREATE INDEX ledger_by_inspection ON ledger_hazards (inspection_id);
CREATE INDEX ledger_by_enterprise ON ledger_hazards (enterprise_id);
CREATE TABLE office_enterprises (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    industry    TEXT NOT NULL,
    grid        TEXT NOT NULL,
    township    TEXT NOT NULL,
    risk        TEXT NOT NULL
);
CREATE TABLE office_inspections (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    on_day        TEXT NOT NULL,
    status        TEXT NOT NULL,
    departments   TEXT NOT NULL,
    officers      TEXT NOT NULL,
    self_reported BIGINT NOT NULL,
    hazards       BIGINT NOT NULL
);
CREATE INDEX office_inspections_by_enterprise ON office_inspections (enterprise_id, on_day);
ALTER TABLE devices ADD COLUMN last_sync TEXT;
ALTER TABLE users ADD COLUMN certificate TEXT;
CREATE TABLE inspector_conflicts (
    user_id       TEXT NOT NULL REFERENCES users(id),
    enterprise_id TEXT NOT NULL,
    reason        TEXT NOT NULL,
    declared_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, enterprise_id)
);
CREATE TABLE draws (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pool       TEXT NOT NULL,
    rules      TEXT NOT NULL,
    classes    TEXT NOT NULL,
    secret     TEXT NOT NULL,
    commitment TEXT NOT NULL,
    witnesses  TEXT,
    drawn_at   TEXT,
    drawn_by   TEXT,
    result     TEXT
);
CREATE TABLE plans (
    id          TEXT PRIMARY KEY,
    year        BIGINT NOT NULL,
    title       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT
);
CREATE TABLE plan_rows (
    plan_id    TEXT NOT NULL REFERENCES plans(id),
    seq        BIGINT NOT NULL,
    department TEXT NOT NULL,
    industry   TEXT NOT NULL,
    item       TEXT NOT NULL,
    basis      TEXT NOT NULL,
    mode       TEXT NOT NULL,
    planned    BIGINT NOT NULL,
    PRIMARY KEY (plan_id, seq)
);
"#,
    ),
    // 14: indexes for the statistics page's period queries; accidents and
    // complaints the office records for the credit rule; the office's yearly
    // inspection ceilings.
    Migration::Shared(
        r#"
CREATE INDEX office_inspections_by_day ON office_inspections (on_day, self_reported, enterprise_id);
CREATE INDEX ledger_by_original_due ON ledger_hazards (original_due);
CREATE INDEX ledger_by_reinspected ON ledger_hazards (reinspected_on);
CREATE INDEX ledger_by_major_closed ON ledger_hazards (major, closed_on);
CREATE INDEX ledger_by_major_state ON ledger_hazards (major, state);
CREATE TABLE enterprise_incidents (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    on_day        TEXT NOT NULL,
    summary       TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX enterprise_incidents_by_enterprise ON enterprise_incidents (enterprise_id, on_day);
CREATE TABLE office_caps (
    risk    TEXT PRIMARY KEY,
    yearly  BIGINT NOT NULL,
    set_by  TEXT NOT NULL,
    set_at  TEXT NOT NULL
);
"#,
    ),
    // 15: a conflict's reason is published only as a seal; its salt (made
    // when a draw first freezes it) stays here.
    // The drawn inspections, when each result formed, and its 公示.
    Migration::Shared(
        r#"
ALTER TABLE inspector_conflicts ADD COLUMN salt TEXT;
ALTER TABLE office_inspections ADD COLUMN result_on TEXT;
CREATE TABLE draw_inspections (
    draw_id       TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    inspection_id TEXT NOT NULL,
    PRIMARY KEY (draw_id, enterprise_id)
);
CREATE TABLE draw_publications (
    draw_id       TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    published_on  TEXT NOT NULL,
    result        TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    PRIMARY KEY (draw_id, enterprise_id)
);
"#,
    ),
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
    use crate::sql::connect;

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
