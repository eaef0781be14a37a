//! What can go wrong when producing a document, typed, with Chinese text a
//! clerk can act on and no personal data.

/// Errors of the document engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No template version is in force for the document's office, form and date.
    #[error("没有适用于{date}的{form}模板（{office}）：请导入现行有效的文书模板")]
    NoTemplate {
        /// The form's Chinese name.
        form: String,
        /// The office asked for.
        office: String,
        /// The document's date.
        date: String,
    },
    /// The template version that would apply has expired.
    #[error("{form}模板 {version} 已于{until}失效，不能再用于{date}的文书")]
    TemplateExpired {
        /// The form's Chinese name.
        form: String,
        /// The version.
        version: String,
        /// Its last day in force.
        until: String,
        /// The document's date.
        date: String,
    },
    /// A template set (manifest or source) is invalid.
    #[error("文书模板无效：{0}")]
    BadTemplate(String),
    /// A font file is not a font Typst can use.
    #[error("字体文件无效：{0}")]
    BadFont(String),
    /// The template did not compile with the record's data.
    #[error("文书排版失败：{0}")]
    Layout(String),
    /// The PDF could not be written.
    #[error("PDF 生成失败：{0}")]
    Pdf(String),
    /// A record was changed after it was signed: it cannot be printed as signed.
    #[error("{record}签字后又被修改，不能按已签字文书打印：{}", changes.join("；"))]
    ChangedAfterSigning {
        /// The record's Chinese name.
        record: String,
        /// What changed (field paths).
        changes: Vec<String>,
    },
    /// A signature does not verify.
    #[error("{record}的签名无效：{reason}")]
    InvalidSignature {
        /// The record's Chinese name.
        record: String,
        /// Why.
        reason: String,
    },
    /// The record lacks what the form needs.
    #[error("无法生成{form}：{reason}")]
    Incomplete {
        /// The form's Chinese name.
        form: String,
        /// What is missing.
        reason: String,
    },
    /// The core could not read the record.
    #[error(transparent)]
    Core(#[from] lianjian_core::Error),
    /// Reading a file.
    #[error("文件读写失败：{0}")]
    Io(#[from] std::io::Error),
}

/// Results of the document engine.
pub type Result<T> = std::result::Result<T, Error>;
