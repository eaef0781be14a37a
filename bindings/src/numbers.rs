//! Document numbers from the apps: blocks fetched while online, consumed
//! offline by the core, and the ledger of issued and voided numbers reported
//! back. Apart from the document engine, so a build without it still numbers.

use std::sync::Arc;

use crate::error::ApiResult;
use crate::store::LianjianStore;
use crate::sync::SyncEngine;

/// A number block the server granted.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NumberBlockInfo {
    /// Department code.
    pub department: String,
    /// Form code.
    pub form: String,
    /// Year.
    pub year: i32,
    /// First number.
    pub start: u32,
    /// Last number.
    pub end: u32,
}

/// What the server said of the reported number ledger.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct NumbersReport {
    /// Entries recorded.
    pub accepted: u32,
    /// Entries refused: "编号 N：reason".
    pub refused: Vec<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl SyncEngine {
    /// Fetches the next block of `form` numbers of `year` for this device.
    pub async fn request_number_block(
        &self,
        store: Arc<LianjianStore>,
        token: String,
        form: String,
        year: i32,
    ) -> ApiResult<NumberBlockInfo> {
        let block = self.client.fetch_number_block(&token, &form, year).await?;
        store.core().add_number_block(&block)?;
        Ok(NumberBlockInfo {
            department: block.key.department,
            form: block.key.form,
            year: block.key.year,
            start: block.start,
            end: block.end,
        })
    }

    /// Reports the numbers this device issued or voided since the last report.
    pub async fn report_numbers(&self, store: Arc<LianjianStore>, token: String) -> ApiResult<NumbersReport> {
        let uses = store.core().number_uses(true)?;
        if uses.is_empty() {
            return Ok(NumbersReport { accepted: 0, refused: vec![] });
        }
        let r = self.client.send_number_uses(&token, &uses).await?;
        let ok: Vec<_> = uses.into_iter().filter(|u| !r.refused.iter().any(|x| x.seq == u.seq)).collect();
        store.core().mark_numbers_reported(&ok)?;
        Ok(NumbersReport {
            accepted: r.accepted as u32,
            refused: r.refused.into_iter().map(|x| format!("编号 {}：{}", x.seq, x.reason)).collect(),
        })
    }
}
