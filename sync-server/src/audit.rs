//! The audit trail: every accepted and refused change, enrollment,
//! revocation and import, appended to a hash-chained log kept with the data.
//! Each entry's hash covers the previous entry's hash and its own fields, so
//! an entry changed, removed or inserted afterwards breaks the chain from
//! there on (`lianjian-sync-server audit verify`); the database also refuses
//! updates and deletes of the table outright. Entries carry ids, codes and
//! short summaries, never names. Records are kept at least five years (the
//! server never deletes them).

use sha2::{Digest, Sha256};

use lianjian_core::model::Timestamp;

use crate::args;
use crate::sql::{Backend, DbError, Row, Sql};

/// One entry of the trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// The person (user id), or `-` when unknown (a refused enrollment).
    pub person: String,
    /// The device id, or `-`.
    pub device: String,
    /// The document id, or `-`.
    pub document: String,
    /// What happened: `change`, `enroll`, `revoke_device`, `disable_user`, `import`, ...
    pub event: String,
    /// A short summary (change messages, file names, codes).
    pub summary: String,
    /// `accepted`, or `refused:<code>`.
    pub result: String,
    /// The previous entry's hash (hex; zeros for the first).
    pub prev: String,
    /// This entry's hash (hex).
    pub hash: String,
}

/// What is recorded (the chain fields are added by [`append`]).
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    /// The person.
    pub person: Option<&'a str>,
    /// The device.
    pub device: Option<&'a str>,
    /// The document.
    pub document: Option<&'a str>,
    /// What happened.
    pub event: &'a str,
    /// Summary.
    pub summary: String,
    /// `accepted` or `refused:<code>`.
    pub result: String,
}

impl<'a> Event<'a> {
    /// The same event, by `caller`'s device, about `document`.
    pub fn with(mut self, caller: &'a crate::db::Caller, document: &'a str) -> Self {
        self.person = Some(&caller.user.id);
        self.device = Some(&caller.device_id);
        self.document = Some(document);
        self
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(prev: &str, seq: i64, at: &str, fields: [&str; 6]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_string().as_bytes());
    for f in std::iter::once(at).chain(fields) {
        // Unit separator: no field can forge another's boundary.
        h.update([0x1f]);
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends `e` at `at`, in a transaction of its own.
pub fn append(db: &mut dyn Sql, at: Timestamp, e: &Event<'_>) -> Result<i64, DbError> {
    db.transaction(|tx| {
        if tx.backend() == Backend::Postgres {
            tx.batch("LOCK TABLE audit_log IN EXCLUSIVE MODE")?;
        }
        let last = tx.query_opt("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", &[])?;
        let (seq, prev) = match last {
            Some(r) => (r.int(0)? + 1, r.text(1)?),
            None => (1, GENESIS.to_string()),
        };
        let at = at.to_string();
        let fields = [
            e.person.unwrap_or("-"),
            e.device.unwrap_or("-"),
            e.document.unwrap_or("-"),
            e.event,
            e.summary.as_str(),
            e.result.as_str(),
        ];
        let hash = entry_hash(&prev, seq, &at, fields);
        tx.execute(
            "INSERT INTO audit_log (seq, at, person, device, document, event, summary, result, prev, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![seq, at, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], prev, hash],
        )?;
        Ok(seq)
    })
}

fn entry(r: &Row) -> Result<Entry, DbError> {
    Ok(Entry {
        seq: r.int(0)?,
        at: r.text(1)?,
        person: r.text(2)?,
        device: r.text(3)?,
        document: r.text(4)?,
        event: r.text(5)?,
        summary: r.text(6)?,
        result: r.text(7)?,
        prev: r.text(8)?,
        hash: r.text(9)?,
    })
}

const COLUMNS: &str = "seq, at, person, device, document, event, summary, result, prev, hash";

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// An entry's hash does not cover its fields and predecessor.
    #[error("entry {0} was altered, or an entry before it was removed or inserted")]
    Broken(i64),
    /// A sequence number is missing or repeated.
    #[error("entry {0} is missing")]
    Gap(i64),
}

/// Checks the whole chain; the number of entries when intact.
pub fn verify(db: &mut dyn Sql) -> Result<Result<i64, ChainError>, DbError> {
    let mut prev = GENESIS.to_string();
    let mut expected = 1;
    let mut from = 0;
    loop {
        let rows =
            db.query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000"), args![from])?;
        if rows.is_empty() {
            return Ok(Ok(expected - 1));
        }
        for r in &rows {
            let e = entry(r)?;
            if e.seq != expected {
                return Ok(Err(ChainError::Gap(expected)));
            }
            let fields = [&*e.person, &*e.device, &*e.document, &*e.event, &*e.summary, &*e.result];
            if e.prev != prev || entry_hash(&prev, e.seq, &e.at, fields) != e.hash {
                return Ok(Err(ChainError::Broken(e.seq)));
            }
            prev = e.hash;
            expected += 1;
            from = e.seq;
        }
    }
}

/// Entries matching every filter given, oldest first (`since`: RFC 3339).
pub fn list(
    db: &mut dyn Sql,
    person: Option<&str>,
    document: Option<&str>,
    since: Option<Timestamp>,
) -> Result<Vec<Entry>, DbError> {
    let rows = db.query(
        &format!(
            "SELECT {COLUMNS} FROM audit_log WHERE ($1 = '' OR person = $1) AND ($2 = '' OR document = $2) ORDER BY seq"
        ),
        args![person.unwrap_or(""), document.unwrap_or("")],
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let e = entry(r)?;
        let keep = match (&since, Timestamp::parse(&e.at)) {
            (Some(s), Ok(t)) => t.unix_millis() >= s.unix_millis(),
            _ => true,
        };
        if keep {
            out.push(e);
        }
    }
    Ok(out)
}
