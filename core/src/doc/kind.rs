//! The kinds of document the store and the server keep: inspections (the
//! team's), enterprise files, checklist versions and the office's rule data
//! (the office's). Stored as a code beside each document.

use crate::error::{Error, Result};

/// The kind of a stored document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    /// An inspection (team-written).
    Inspection,
    /// An enterprise file (office-written).
    Enterprise,
    /// A checklist version (office-written).
    Checklist,
    /// Office rule data: a year's calendar, a region (office-written).
    Office,
}

impl DocKind {
    /// The code in the `documents.kind` column.
    pub fn code(&self) -> &'static str {
        match self {
            DocKind::Inspection => "inspection",
            DocKind::Enterprise => "enterprise",
            DocKind::Checklist => "checklist",
            DocKind::Office => "office",
        }
    }

    /// Parses the code of the `documents.kind` column.
    pub fn from_code(s: &str) -> Result<Self> {
        match s {
            "inspection" => Ok(DocKind::Inspection),
            "enterprise" => Ok(DocKind::Enterprise),
            "checklist" => Ok(DocKind::Checklist),
            "office" => Ok(DocKind::Office),
            other => Err(Error::Schema(format!("unknown document kind {other:?}"))),
        }
    }
}
