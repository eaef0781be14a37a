//! The client side of offline numbering: fetch a block while online, report
//! the device's ledger back (after each sync, and whenever the app asks).

use serde::Deserialize;

use super::http::SyncClient;
use crate::error::{Error, Result};
use crate::numbering::NumberBlock;
use crate::store::Store;

/// What the server said of a reported ledger.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Reported {
    /// Entries recorded.
    pub accepted: usize,
    /// Entries refused, with the reason.
    pub refused: Vec<RefusedUse>,
}

/// One ledger entry the server refused.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct RefusedUse {
    /// The number.
    pub seq: u32,
    /// Why (Chinese).
    pub reason: String,
}

impl SyncClient {
    /// Asks the server for the next block of `form` numbers of `year` for
    /// this device's department (the caller keeps it in its store).
    pub async fn fetch_number_block(&self, token: &str, form: &str, year: i32) -> Result<NumberBlock> {
        let body = serde_json::json!({ "form": form, "year": year }).to_string().into_bytes();
        let bytes = self.post("/v1/numbers/blocks", Some(token), None, "application/json", body).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Network(format!("bad number block: {e}")))
    }

    /// Sends ledger entries; the server answers which it recorded.
    pub async fn send_number_uses(&self, token: &str, uses: &[crate::numbering::NumberUse]) -> Result<Reported> {
        let body = serde_json::to_vec(uses).expect("ledger entries serialize");
        let bytes = self.post("/v1/numbers/uses", Some(token), None, "application/json", body).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Network(format!("bad ledger answer: {e}")))
    }

    /// Fetches a block and keeps it in `store`.
    pub async fn request_number_block(
        &self,
        store: &mut Store,
        token: &str,
        form: &str,
        year: i32,
    ) -> Result<NumberBlock> {
        let block = self.fetch_number_block(token, form, year).await?;
        store.add_number_block(&block)?;
        Ok(block)
    }

    /// Reports the ledger entries not yet reported; those the server
    /// recorded are marked reported.
    pub async fn report_numbers(&self, store: &mut Store, token: &str) -> Result<Reported> {
        let uses = store.number_uses(true)?;
        if uses.is_empty() {
            return Ok(Reported { accepted: 0, refused: vec![] });
        }
        let reported = self.send_number_uses(token, &uses).await?;
        let ok: Vec<_> = uses.into_iter().filter(|u| !reported.refused.iter().any(|r| r.seq == u.seq)).collect();
        store.mark_numbers_reported(&ok)?;
        Ok(reported)
    }
}
