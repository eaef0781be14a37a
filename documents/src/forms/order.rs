//! 责令限期整改指令书 (责改): the hazards not fixed on the spot, grouped by
//! deadline (each group its own 整改期限), 重大隐患 counted, with the remedy
//! notice of the template in force and the signatures of the findings list.

use std::collections::BTreeMap;

use serde::Serialize;

use lianjian_core::model::{Deadline, Finding, Inspection};
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::signing::RecordRef;

use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::signatures::{print_date, Blocks};

/// One numbered problem.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Item {
    /// Its number in the list (1-based).
    pub no: usize,
    /// 隐患描述, with where it is.
    pub text: String,
    /// 整改要求.
    pub requirement: String,
    /// Whether its grade is a 重大隐患.
    pub major: bool,
}

/// Items sharing one deadline.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Group {
    /// 第__项, e.g. "1、2、4".
    pub items: String,
    /// 整改期限, printed.
    pub deadline: String,
}

/// The order's fields.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Order {
    /// The document number, e.g. （咸安）应急责改〔2026〕12号.
    pub number: String,
    /// 被检查单位.
    pub enterprise: String,
    /// The problems.
    pub items: Vec<Item>,
    /// Deadlines, per group of items.
    pub groups: Vec<Group>,
    /// How many are 重大隐患.
    pub major: usize,
    /// The date printed at the seal.
    pub date: String,
    /// Signatures of the findings list.
    pub signatures: Blocks,
    /// Path of the QR code image.
    pub qr: String,
    /// The findings list's canonical hash.
    pub record_hash: String,
}

/// The hazards an order covers: open ones with a deadline (those fixed on
/// the spot, 立即整改, belong to the 现场处理措施决定书), ordered by finding time.
pub fn ordered_findings(inspection: &Inspection) -> Vec<&Finding> {
    let mut list: Vec<&Finding> =
        inspection.findings.values().filter(|f| matches!(f.deadline, Deadline::By(_)) && f.status.is_open()).collect();
    list.sort_by_key(|f| (f.found_at, f.id.to_string()));
    list
}

/// Fills the order from `inspection`.
pub fn build(
    inspection: &Inspection,
    scheme: &GradeScheme,
    number: &str,
    date: chrono::NaiveDate,
    signatures: Blocks,
    record_hash: String,
) -> Result<Order> {
    let list = ordered_findings(inspection);
    if list.is_empty() {
        return Err(Error::Incomplete {
            form: FormKind::RectificationOrder.title().into(),
            reason: "没有需要限期整改的隐患".into(),
        });
    }
    let mut items = Vec::new();
    let mut by_deadline: BTreeMap<chrono::NaiveDate, Vec<usize>> = BTreeMap::new();
    for (i, f) in list.iter().enumerate() {
        let major = scheme.grade(&f.grade).map(|g| g.major).unwrap_or(false);
        let text = if f.location.trim().is_empty() {
            f.description.clone()
        } else {
            format!("{}（{}）", f.description, f.location)
        };
        items.push(Item { no: i + 1, text, requirement: f.requirement.clone(), major });
        if let Deadline::By(d) = f.deadline {
            by_deadline.entry(d).or_default().push(i + 1);
        }
    }
    let groups = by_deadline
        .into_iter()
        .map(|(d, nos)| Group {
            items: nos.iter().map(|n| n.to_string()).collect::<Vec<_>>().join("、"),
            deadline: print_date(d),
        })
        .collect();
    let major = items.iter().filter(|i| i.major).count();
    Ok(Order {
        number: number.into(),
        enterprise: inspection.enterprise_name.clone(),
        items,
        groups,
        major,
        date: print_date(date),
        signatures,
        qr: "/qr.svg".into(),
        record_hash,
    })
}

/// The record whose signatures an order carries.
pub const RECORD: RecordRef = RecordRef::Findings;
