//! The enterprise's rectification report (整改报告): what it did about a
//! hazard, by whom, when, at what cost, with after-photos paired with the
//! finding's before-photos and supporting files, and whether it asks for the
//! 复查. It lives beside the signed records, never inside them: a report is
//! appended, and a new one follows a returned one.

use autosurgeon::{Hydrate, Reconcile};

use super::{Day, FindingId, PersonId, Timestamp};
use crate::error::{Error, Result};

/// An after-photo taken at the spot of a before-photo.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PhotoPair {
    /// The finding's photo (SHA-256).
    pub before: String,
    /// The rectification photo (SHA-256).
    pub after: String,
}

/// One rectification report.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct RectificationReport {
    /// Unique id (UUID v7).
    pub id: String,
    /// The hazard.
    pub finding: FindingId,
    /// Who submitted it (the enterprise's user).
    pub by: PersonId,
    /// When.
    pub submitted_at: Timestamp,
    /// 整改措施: what was done.
    pub measures: String,
    /// 整改责任人: who did it.
    pub responsible: String,
    /// 完成日期.
    pub completed_on: Day,
    /// 整改资金 in fen (1/100 yuan), when stated.
    pub cost_fen: Option<i64>,
    /// After-photos paired with the finding's before-photos.
    pub photos: Vec<PhotoPair>,
    /// Supporting files (receipts, certificates, training records): SHA-256.
    pub files: Vec<String>,
    /// 复查申请: the enterprise asks for the 复查.
    pub requests_reinspection: bool,
}

/// Longest text of a report field.
pub const MAX_TEXT_CHARS: usize = 2000;

impl RectificationReport {
    /// Checks what a report must say: measures and who, a completion day
    /// not after the submission, no negative cost, at least one after-photo,
    /// and hashes that are hashes.
    pub fn validate(&self) -> Result<()> {
        let text = |field: &'static str, value: &str, what: &str| -> Result<()> {
            if value.trim().is_empty() {
                return Err(Error::validation(field, format!("整改报告须写明{what}")));
            }
            if value.chars().count() > MAX_TEXT_CHARS {
                return Err(Error::validation(field, format!("{what}最长 {MAX_TEXT_CHARS} 字")));
            }
            Ok(())
        };
        text("measures", &self.measures, "整改措施")?;
        text("responsible", &self.responsible, "整改责任人")?;
        if self.completed_on.0 > super::time::local_date(&self.submitted_at.0) {
            return Err(Error::validation("completed_on", "完成日期不能晚于提交日期"));
        }
        if self.cost_fen.is_some_and(|c| c < 0) {
            return Err(Error::validation("cost", "整改资金不能为负数"));
        }
        if self.photos.is_empty() {
            return Err(Error::validation("photos", "整改报告须附整改后照片"));
        }
        for hash in self.photos.iter().flat_map(|p| [&p.before, &p.after]).chain(&self.files) {
            super::evidence::parse_hash(hash)?;
        }
        Ok(())
    }

    /// Every blob the report names (after-photos and files).
    pub fn submitted_blobs(&self) -> Vec<String> {
        self.photos.iter().map(|p| p.after.clone()).chain(self.files.iter().cloned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> RectificationReport {
        RectificationReport {
            id: "r1".into(),
            finding: FindingId::new(),
            by: PersonId::new(),
            submitted_at: Timestamp::parse("2026-09-25T09:00:00+08:00").unwrap(),
            measures: "更换防爆配电箱并重新接地".into(),
            responsible: "设备科 刘强".into(),
            completed_on: Day("2026-09-24".parse().unwrap()),
            cost_fen: Some(320_000),
            photos: vec![PhotoPair { before: "ab".repeat(32), after: "cd".repeat(32) }],
            files: vec!["ef".repeat(32)],
            requests_reinspection: true,
        }
    }

    #[test]
    fn a_report_says_what_was_done_by_whom_and_shows_it() {
        assert!(report().validate().is_ok());
        type Breaks = fn(&mut RectificationReport);
        let broken: [(Breaks, &str); 6] = [
            (|r| r.measures = " ".into(), "measures"),
            (|r| r.responsible.clear(), "responsible"),
            (|r| r.completed_on = Day("2026-09-26".parse().unwrap()), "completed_on"),
            (|r| r.cost_fen = Some(-1), "cost"),
            (|r| r.photos.clear(), "photos"),
            (|r| r.files.push("nope".into()), "sha256"),
        ];
        for (breaks, field) in broken {
            let mut r = report();
            breaks(&mut r);
            let e = r.validate().unwrap_err();
            assert!(format!("{e:?}").contains(field), "{field}: {e:?}");
        }
    }
}
