//! The records a person signs. Each inspection has one findings list
//! (隐患清单) and one site inspection record (现场检查记录), and any number of
//! interview records (询问笔录).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
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
}

impl RecordRef {
    /// Stable text form: `findings`, `site_record` or `interview:<id>`.
    pub fn code(&self) -> String {
        match self {
            RecordRef::Findings => "findings".into(),
            RecordRef::SiteRecord => "site_record".into(),
            RecordRef::Interview(id) => format!("interview:{id}"),
        }
    }

    /// The document's Chinese name.
    pub fn label(&self) -> &'static str {
        match self {
            RecordRef::Findings => "隐患清单",
            RecordRef::SiteRecord => "现场检查记录",
            RecordRef::Interview(_) => "询问笔录",
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
            _ => match s.strip_prefix("interview:") {
                Some(id) => Ok(RecordRef::Interview(id.parse()?)),
                None => Err(Error::validation("record", format!("unknown record {s:?}"))),
            },
        }
    }
}
