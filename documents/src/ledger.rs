//! The office's 隐患台账 as xlsx (research A.4 / D): one row per hazard with
//! the ledger's columns and Chinese headers, widths set for CJK (autofit
//! under-sizes them), a frozen header with filters, and a second sheet, 文书
//! 登记, with every document number issued or voided. Written in
//! rust_xlsxwriter's constant-memory mode: rows go to disk as they come, so
//! memory does not grow with the ledger.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use lianjian_core::model::{Deadline, Inspection};
use lianjian_core::numbering::NumberUse;

use crate::error::{Error, Result};
use crate::forms::hazard_list::department_of;
use crate::signatures::{print_date, print_time};

/// The ledger's columns: header and width (in Excel characters; a CJK
/// character counts two).
pub const COLUMNS: [(&str, f64); 17] = [
    ("序号", 6.0),
    ("隐患编号", 38.0),
    ("检查时间", 22.0),
    ("检查单位", 14.0),
    ("检查人", 16.0),
    ("被检查单位", 28.0),
    ("部位/场所", 16.0),
    ("隐患描述", 40.0),
    ("隐患类别", 12.0),
    ("等级", 8.0),
    ("判定依据", 30.0),
    ("整改要求", 36.0),
    ("整改期限", 14.0),
    ("整改责任单位", 28.0),
    ("文书编号", 30.0),
    ("整改状态", 10.0),
    ("销号情况", 10.0),
];

/// One hazard as the ledger shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    /// The cells, in [`COLUMNS`] order after 序号.
    pub cells: [String; 16],
    /// The responsible department's code (for filtering).
    pub department: Option<String>,
    /// The finding's status code (for filtering).
    pub status: String,
    /// The date it was found (for filtering).
    pub found_on: chrono::NaiveDate,
}

/// The rows of one inspection; `numbers` maps `<inspection>/<form>` to the
/// printed number of that document.
pub fn rows_of(inspection: &Inspection, numbers: &BTreeMap<String, String>) -> Vec<LedgerRow> {
    let officers: Vec<&str> =
        inspection.team.values().filter(|m| m.is_enforcement_officer()).map(|m| m.name.as_str()).collect();
    let order = numbers.get(&format!("{}/rectification_order", inspection.id)).cloned().unwrap_or_default();
    let mut findings: Vec<_> = inspection.findings.values().collect();
    findings.sort_by_key(|f| (f.found_at, f.id.to_string()));
    findings
        .into_iter()
        .map(|f| {
            let department = department_of(inspection, f);
            let found_on = lianjian_core::model::time::local_date(&f.found_at.0);
            LedgerRow {
                cells: [
                    f.id.to_string(),
                    print_time(&inspection.started_at.unwrap_or(f.found_at)),
                    // A hazard the enterprise reported itself (自查自报) says so.
                    if inspection.self_reported {
                        "企业自查自报".into()
                    } else {
                        department.map(|d| d.label().to_string()).unwrap_or_default()
                    },
                    if inspection.self_reported { "—".into() } else { officers.join("、") },
                    inspection.enterprise_name.clone(),
                    f.location.clone(),
                    f.description.clone(),
                    f.item_code.clone().unwrap_or_else(|| inspection.industry.clone()),
                    f.grade.clone(),
                    f.legal_basis.as_ref().map(|b| b.cite()).unwrap_or_default(),
                    f.requirement.clone(),
                    match f.deadline {
                        Deadline::Immediate => "立即".into(),
                        Deadline::By(d) => print_date(d),
                    },
                    inspection.enterprise_name.clone(),
                    order.clone(),
                    f.status.label().to_string(),
                    if f.status.is_open() { "未销号".into() } else { "已销号".into() },
                ],
                department: department.map(|d| d.code().to_string()),
                status: f.status.code().to_string(),
                found_on,
            }
        })
        .collect()
}

fn xlsx(e: XlsxError) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}

/// Writes the ledger as it comes, row by row.
pub struct LedgerWriter {
    workbook: Workbook,
    rows: u32,
}

fn header(sheet: &mut Worksheet, columns: &[(&str, f64)]) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    for (i, (name, width)) in columns.iter().enumerate() {
        sheet.set_column_width(i as u16, *width)?;
        sheet.write_string_with_format(0, i as u16, *name, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

impl LedgerWriter {
    /// A workbook whose first sheet, 隐患台账, has its header written.
    pub fn new() -> Result<Self> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx)?;
        sheet.set_name("隐患台账").map_err(xlsx)?;
        header(sheet, &COLUMNS).map_err(xlsx)?;
        Ok(LedgerWriter { workbook, rows: 0 })
    }

    /// Appends one hazard.
    pub fn push(&mut self, row: &LedgerRow) -> Result<()> {
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        let r = self.rows + 1;
        sheet.write_number(r, 0, f64::from(self.rows + 1)).map_err(xlsx)?;
        for (i, cell) in row.cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r, i as u16 + 1, cell).map_err(xlsx)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Adds the 文书登记 sheet (`numbers`: each use and its printed number)
    /// and saves the workbook to `path`.
    pub fn finish(mut self, numbers: &[(NumberUse, String)], path: &Path) -> Result<()> {
        let rows = self.rows;
        let first = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        first.autofilter(0, 0, rows, COLUMNS.len() as u16 - 1).map_err(xlsx)?;
        let sheet = self.workbook.add_worksheet_with_constant_memory().map_err(xlsx)?;
        sheet.set_name("文书登记").map_err(xlsx)?;
        let cols = [
            ("文书编号", 30.0),
            ("文书", 44.0),
            ("发文部门", 18.0),
            ("签发人", 38.0),
            ("时间", 26.0),
            ("作废原因", 24.0),
        ];
        header(sheet, &cols).map_err(xlsx)?;
        for (i, (u, number)) in numbers.iter().enumerate() {
            let r = i as u32 + 1;
            let cells = [number.clone(), u.document.clone(), u.key.department.clone(), u.by.clone(), u.at.to_string()];
            for (c, v) in cells.iter().enumerate() {
                sheet.write_string(r, c as u16, v).map_err(xlsx)?;
            }
            if let Some(v) = &u.voided {
                sheet.write_string(r, 5, v).map_err(xlsx)?;
            }
        }
        sheet.autofilter(0, 0, numbers.len() as u32, cols.len() as u16 - 1).map_err(xlsx)?;
        self.workbook.save(path).map_err(xlsx)?;
        Ok(())
    }
}
