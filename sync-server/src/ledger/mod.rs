//! The office's 隐患台账: an index of every hazard the server holds (one row
//! per hazard, kept in step with the documents by [`index`]) and the
//! filtered, sorted, paged reading of it the ledger page shows
//! ([`query`]). The documents stay the record; the index can be rebuilt
//! from them at any time.

pub mod index;
pub mod query;

pub use query::{LedgerFilter, LedgerPage, LedgerRow, SortKey};
