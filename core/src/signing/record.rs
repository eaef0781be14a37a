//! The records a person signs. Each inspection has one findings list
//! (隐患清单) and one site inspection record (现场检查记录), any number of
//! interview records (询问笔录), and after signing, one 整改复查意见书 per day
//! of 复查.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use chrono::NaiveDate;

use crate::model::InterviewId;

/// A signable record of an inspection.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordRef {
    /// 隐患清单: the hazards found.
    Findings,
    /// 现场检查记录: team, checklist responses and findings.
    SiteRecord,
    /// 询问笔录: one interview.
    Interview(InterviewId),
    /// 整改复查意见书: the 复查 of one day, signed after the inspection was
    /// (by the enterprise and two officers, or refused).
    Reinspection(NaiveDate),
}

impl RecordRef {
    /// Stable text form: `findings`, `site_record`, `interview:<id>` or
    /// `reinspection:<YYYY-MM-DD>`.
    pub fn code(&self) -> String {
        match self {
            RecordRef::Findings => "findings".into(),
            RecordRef::SiteRecord => "site_record".into(),
            RecordRef::Interview(id) => format!("interview:{id}"),
            RecordRef::Reinspection(day) => format!("reinspection:{day}"),
        }
    }

    /// The document's Chinese name.
    pub fn label(&self) -> &'static str {
        match self {
            RecordRef::Findings => "隐患清单",
            RecordRef::SiteRecord => "现场检查记录",
            RecordRef::Interview(_) => "询问笔录",
            RecordRef::Reinspection(_) => "整改复查意见书",
        }
    }
}

impl fmt::Display for RecordRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for RecordRef {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "findings" => Ok(RecordRef::Findings),
            "site_record" => Ok(RecordRef::SiteRecord),
            _ => {
                if let Some(id) = s.strip_prefix("interview:") {
                    return Ok(RecordRef::Interview(id.parse()?));
                }
                match s.strip_prefix("reinspection:").map(|d| d.parse::<NaiveDate>()) {
                    Some(Ok(day)) => Ok(RecordRef::Reinspection(day)),
                    _ => Err(Error::validation("record", format!("unknown record {s:?}"))),
                }
            }
        }
    }
}
