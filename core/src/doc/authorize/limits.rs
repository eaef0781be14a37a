//! How much one change and one inspection may hold. A device that is
//! allowed to write an inspection could otherwise fill the server and every
//! teammate's phone with one change. The figures are generous for real work
//! (the largest fixture inspection, 300 findings and 1,000 responses, is
//! about 40,000 operations) and small enough to stop abuse.

use automerge::legacy::OpType;
use automerge::{Automerge, Change, ReadDoc, ScalarValue};

use super::refusal::{Refusal, Rule};

/// Longest text value (bytes): a long description or a long interview answer.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Most operations in one change.
pub const MAX_CHANGE_OPS: usize = 50_000;
/// Most bytes of one change as encoded.
pub const MAX_CHANGE_BYTES: usize = 4 << 20;
/// Most operations in one inspection document.
pub const MAX_DOCUMENT_OPS: u64 = 2_000_000;

/// Refuses a change that is too large or holds a text value that is.
pub fn check_change(change: &Change) -> Result<(), Refusal> {
    if change.len() > MAX_CHANGE_OPS || change.raw_bytes().len() > MAX_CHANGE_BYTES {
        return Err(Refusal::new(
            Rule::TooLarge,
            format!("一次修改最多 {MAX_CHANGE_OPS} 项操作、{} MB", MAX_CHANGE_BYTES >> 20),
        ));
    }
    for op in change.decode().operations {
        if let OpType::Put(ScalarValue::Str(s)) = &op.action {
            if s.len() > MAX_STRING_BYTES {
                return Err(Refusal::new(Rule::TooLarge, format!("文字内容最长 {} KB", MAX_STRING_BYTES >> 10)));
            }
        }
    }
    Ok(())
}

/// Refuses a document grown beyond what one inspection may hold.
pub fn check_document(doc: &Automerge) -> Result<(), Refusal> {
    if doc.stats().num_ops > MAX_DOCUMENT_OPS {
        return Err(Refusal::new(Rule::TooLarge, format!("一次检查的记录最多 {MAX_DOCUMENT_OPS} 项操作")));
    }
    Ok(())
}
