//! The device's side of offline numbering: the blocks the server granted,
//! the next number for a document (the same one again if that document was
//! already numbered, so a reprint keeps its number), voiding with a reason,
//! and the ledger entries still to report to the server.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::error::Result;
use crate::model::{PersonId, Timestamp};
use crate::numbering::{next_number, NumberBlock, NumberKey, NumberUse, NumberingError};

/// Below this many numbers left in a sequence the app warns.
pub const LOW_NUMBERS: u32 = 5;

/// A number given to a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedNumber {
    /// The number.
    pub seq: u32,
    /// How many remain in the device's blocks of the sequence.
    pub remaining: u32,
    /// Whether few enough remain to warn (connect to get a block).
    pub low: bool,
}

impl Store {
    /// Keeps a block the server granted (again is harmless).
    pub fn add_number_block(&mut self, block: &NumberBlock) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO number_blocks (department, form, year, start, end) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![block.key.department, block.key.form, block.key.year, block.start, block.end],
        )?;
        Ok(())
    }

    /// The blocks held, of every sequence.
    pub fn number_blocks(&self) -> Result<Vec<NumberBlock>> {
        let mut stmt = self.conn.prepare(
            "SELECT department, form, year, start, end FROM number_blocks ORDER BY department, form, year, start",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(NumberBlock {
                key: NumberKey { department: r.get(0)?, form: r.get(1)?, year: r.get(2)? },
                start: r.get(3)?,
                end: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn used(&self, key: &NumberKey) -> Result<Vec<u32>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq FROM number_uses WHERE department = ?1 AND form = ?2 AND year = ?3")?;
        let rows = stmt.query_map(params![key.department, key.form, key.year], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<u32>>>()?)
    }

    /// How many numbers of `key` are left on this device.
    pub fn numbers_left(&self, key: &NumberKey) -> Result<u32> {
        let blocks = self.number_blocks()?;
        Ok(match next_number(&blocks, &self.used(key)?, key) {
            Ok((_, rest)) => rest + 1,
            Err(_) => 0,
        })
    }

    /// The number of `document` in sequence `key`: the one it already has
    /// (not voided), or the lowest free one of the device's blocks.
    pub fn issue_number(
        &mut self,
        key: &NumberKey,
        document: &str,
        by: &PersonId,
        at: Timestamp,
    ) -> Result<IssuedNumber> {
        let tx = self.conn.transaction()?;
        let existing: Option<u32> = tx
            .query_row(
                "SELECT seq FROM number_uses WHERE document = ?1 AND department = ?2 AND form = ?3 AND year = ?4
                 AND voided IS NULL",
                params![document, key.department, key.form, key.year],
                |r| r.get(0),
            )
            .optional()?;
        let blocks = {
            let mut stmt =
                tx.prepare("SELECT start, end FROM number_blocks WHERE department = ?1 AND form = ?2 AND year = ?3")?;
            let rows = stmt.query_map(params![key.department, key.form, key.year], |r| {
                Ok(NumberBlock { key: key.clone(), start: r.get(0)?, end: r.get(1)? })
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let used: Vec<u32> = {
            let mut stmt =
                tx.prepare("SELECT seq FROM number_uses WHERE department = ?1 AND form = ?2 AND year = ?3")?;
            let rows = stmt.query_map(params![key.department, key.form, key.year], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<Vec<u32>>>()?
        };
        let seq = match existing {
            Some(seq) => seq,
            None => {
                let (seq, _) = next_number(&blocks, &used, key)?;
                tx.execute(
                    "INSERT INTO number_uses (department, form, year, seq, document, by_person, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![key.department, key.form, key.year, seq, document, by.to_string(), at.to_string()],
                )?;
                seq
            }
        };
        tx.commit()?;
        let remaining = self.numbers_left(key)?;
        Ok(IssuedNumber { seq, remaining, low: remaining < LOW_NUMBERS })
    }

    /// Voids a number this device issued (a misprint, a withdrawn
    /// document); it is never given again, and the reason goes to the office.
    pub fn void_number(&mut self, key: &NumberKey, seq: u32, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(NumberingError::VoidReason.into());
        }
        let n = self.conn.execute(
            "UPDATE number_uses SET voided = ?5, synced = 0 WHERE department = ?1 AND form = ?2 AND year = ?3 AND seq = ?4",
            params![key.department, key.form, key.year, seq, reason.trim()],
        )?;
        if n == 0 {
            return Err(NumberingError::NotGranted { seq }.into());
        }
        Ok(())
    }

    /// The ledger: every number this device issued or voided, or only those
    /// not yet reported to the server.
    pub fn number_uses(&self, unreported_only: bool) -> Result<Vec<NumberUse>> {
        let mut stmt = self.conn.prepare(
            "SELECT department, form, year, seq, document, by_person, at, voided FROM number_uses
             WHERE synced = 0 OR ?1 = 0 ORDER BY department, form, year, seq",
        )?;
        let rows = stmt.query_map(params![unreported_only], |r| {
            Ok((
                NumberKey { department: r.get(0)?, form: r.get(1)?, year: r.get(2)? },
                r.get::<_, u32>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, seq, document, by, at, voided) = row?;
            out.push(NumberUse { key, seq, document, by, at: Timestamp::parse(&at)?, voided });
        }
        Ok(out)
    }

    /// Marks ledger entries as reported.
    pub fn mark_numbers_reported(&mut self, uses: &[NumberUse]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for u in uses {
            // Only if unchanged since it was read: a void made meanwhile is reported next time.
            tx.execute(
                "UPDATE number_uses SET synced = 1 WHERE department = ?1 AND form = ?2 AND year = ?3 AND seq = ?4
                 AND voided IS ?5",
                params![u.key.department, u.key.form, u.key.year, u.seq, u.voided],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
