//! Document numbers without a connection: `（机关代字）应急责改〔2026〕N号` is
//! unique per issuing department, form and year. The server hands each
//! device disjoint blocks of numbers while it is online; the device
//! consumes them offline and its ledger (which number, which document, who,
//! when, voided numbers and why) goes back to the server, which accepts a
//! use only inside a block granted to that device and only once. Blocks
//! never overlap, so no number is issued twice however many devices work
//! offline and in whatever order they come back.

use serde::{Deserialize, Serialize};

use crate::model::Timestamp;

/// The forms that carry a number (现场检查记录, 现场处理措施决定书,
/// 责令限期整改指令书, 整改复查意见书), by form code.
pub const NUMBERED_FORMS: [&str; 4] = ["site_record", "on_site_decision", "rectification_order", "review_opinion"];

/// What a sequence is unique over.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NumberKey {
    /// The issuing department's code (`emergency_management`).
    pub department: String,
    /// The form's code (`rectification_order`).
    pub form: String,
    /// The year of the document's date.
    pub year: i32,
}

/// A block of numbers granted to one device: `start..=end`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberBlock {
    /// The sequence.
    pub key: NumberKey,
    /// First number.
    pub start: u32,
    /// Last number.
    pub end: u32,
}

impl NumberBlock {
    /// Whether `seq` is in the block.
    pub fn contains(&self, seq: u32) -> bool {
        (self.start..=self.end).contains(&seq)
    }

    /// How many numbers it holds.
    pub fn len(&self) -> u32 {
        self.end + 1 - self.start
    }

    /// Whether it holds none (never, for a granted block).
    pub fn is_empty(&self) -> bool {
        self.end < self.start
    }
}

/// One number consumed (or voided) on a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberUse {
    /// The sequence.
    pub key: NumberKey,
    /// The number.
    pub seq: u32,
    /// The document it numbers: `<inspection id>/<form code>`.
    pub document: String,
    /// Who issued it (person id).
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Why it was voided (a misprint, a document withdrawn), if it was.
    pub voided: Option<String>,
}

/// Why a number cannot be given or accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    /// No number left in any block of the sequence: connect to get a block.
    #[error("{form}（{year}年）的文书编号已用完：请联网领取新的编号段")]
    Exhausted {
        /// The form code.
        form: String,
        /// The year.
        year: i32,
    },
    /// A use outside every block granted to the device.
    #[error("编号 {seq} 不在本设备领取的编号段内")]
    NotGranted {
        /// The number.
        seq: u32,
    },
    /// A number already used for another document.
    #[error("编号 {seq} 已被其他文书使用")]
    Taken {
        /// The number.
        seq: u32,
    },
    /// Voiding needs a reason.
    #[error("作废文书编号须说明理由")]
    VoidReason,
}

/// The next free number of `key` in `blocks` given the numbers already
/// `used`, lowest first, and how many remain after it.
pub fn next_number(blocks: &[NumberBlock], used: &[u32], key: &NumberKey) -> Result<(u32, u32), NumberingError> {
    let mut free = blocks
        .iter()
        .filter(|b| &b.key == key)
        .flat_map(|b| b.start..=b.end)
        .filter(|n| !used.contains(n))
        .collect::<Vec<_>>();
    free.sort_unstable();
    free.dedup();
    match free.first() {
        Some(&n) => Ok((n, free.len() as u32 - 1)),
        None => Err(NumberingError::Exhausted { form: key.form.clone(), year: key.year }),
    }
}

/// The server's check of a use a device reports: inside one of the blocks
/// granted to that device, and not already used for another document (the
/// same use again is accepted: a retried upload).
pub fn check_use(granted: &[NumberBlock], existing: Option<&NumberUse>, u: &NumberUse) -> Result<(), NumberingError> {
    if !granted.iter().any(|b| b.key == u.key && b.contains(u.seq)) {
        return Err(NumberingError::NotGranted { seq: u.seq });
    }
    if u.voided.as_deref().is_some_and(|r| r.trim().is_empty()) {
        return Err(NumberingError::VoidReason);
    }
    match existing {
        Some(e) if e.document != u.document => Err(NumberingError::Taken { seq: u.seq }),
        _ => Ok(()),
    }
}

/// The next block of `key` after those already granted (the server's
/// allocation): it starts after the highest number ever granted.
pub fn next_block(granted_max: Option<u32>, key: NumberKey, size: u32) -> NumberBlock {
    let start = granted_max.map_or(1, |m| m + 1);
    NumberBlock { key, start, end: start + size.max(1) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(year: i32) -> NumberKey {
        NumberKey { department: "emergency_management".into(), form: "rectification_order".into(), year }
    }

    #[test]
    fn numbers_come_lowest_first_and_run_out_with_a_clear_error() {
        let blocks = vec![next_block(None, key(2026), 3)];
        assert_eq!(next_number(&blocks, &[], &key(2026)), Ok((1, 2)));
        assert_eq!(next_number(&blocks, &[1, 2], &key(2026)), Ok((3, 0)));
        let e = next_number(&blocks, &[1, 2, 3], &key(2026)).unwrap_err();
        assert!(e.to_string().contains("已用完"), "{e}");
        // A new year is a new sequence: the old year's block does not serve it.
        assert!(next_number(&blocks, &[], &key(2027)).is_err());
        assert_eq!(next_block(Some(40), key(2027), 20), NumberBlock { key: key(2027), start: 41, end: 60 });
    }
}
