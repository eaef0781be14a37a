//! Reading the ledger index as the office asks: filters (department,
//! industry, township, grade, state, overdue on a given day, found between
//! two dates, enterprise), one sort column either way, and pages. Every value
//! the office types is a bound parameter; the sort column comes from a
//! closed list.

use chrono::NaiveDate;

use crate::sql::{DbError, Row, Sql, Value};

/// Rows per page unless asked otherwise.
pub const PAGE_SIZE: i64 = 50;
/// The most rows one page may hold.
pub const MAX_PAGE_SIZE: i64 = 500;

/// Which hazards to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerFilter {
    /// The responsible department's code.
    pub department: Option<String>,
    /// The inspection's industry code.
    pub industry: Option<String>,
    /// The enterprise's township (乡镇/街道).
    pub township: Option<String>,
    /// The grade as recorded (一般隐患, 重大事故隐患, …).
    pub grade: Option<String>,
    /// The life-cycle state code (`found`, `rectifying`, …, `closed`).
    pub state: Option<String>,
    /// Only hazards past their deadline in force and not yet with the
    /// officers, on the query's day.
    pub overdue: bool,
    /// Found on or after.
    pub from: Option<NaiveDate>,
    /// Found on or before.
    pub to: Option<NaiveDate>,
    /// One enterprise's hazards.
    pub enterprise: Option<String>,
}

/// The column a ledger is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// 发现日期.
    #[default]
    Found,
    /// 整改期限 (in force).
    Due,
    /// 企业名称.
    Enterprise,
    /// 隐患等级.
    Grade,
    /// 状态.
    State,
}

impl SortKey {
    /// The key for a query-string value; anything else sorts by date found.
    pub fn parse(s: &str) -> Self {
        match s {
            "due" => SortKey::Due,
            "enterprise" => SortKey::Enterprise,
            "grade" => SortKey::Grade,
            "state" => SortKey::State,
            _ => SortKey::Found,
        }
    }

    /// The query-string value.
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Found => "found",
            SortKey::Due => "due",
            SortKey::Enterprise => "enterprise",
            SortKey::Grade => "grade",
            SortKey::State => "state",
        }
    }

    fn column(self) -> &'static str {
        match self {
            SortKey::Found => "found_on",
            SortKey::Due => "due",
            SortKey::Enterprise => "enterprise",
            SortKey::Grade => "grade",
            SortKey::State => "state",
        }
    }
}

/// One hazard as the ledger lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    /// The hazard's id.
    pub id: String,
    /// Its inspection.
    pub inspection_id: String,
    /// The enterprise's id.
    pub enterprise_id: String,
    /// The enterprise's name.
    pub enterprise: String,
    /// The responsible department's code.
    pub department: Option<String>,
    /// The industry code.
    pub industry: String,
    /// The township.
    pub township: String,
    /// The grade.
    pub grade: String,
    /// A 重大事故隐患.
    pub major: bool,
    /// The life-cycle state code.
    pub state: String,
    /// Found on.
    pub found_on: String,
    /// The deadline on the order.
    pub original_due: String,
    /// The deadline in force.
    pub due: String,
    /// Closed (销号) on.
    pub closed_on: Option<String>,
    /// The office's last escalation step code.
    pub escalation: Option<String>,
    /// What is wrong.
    pub description: String,
    /// Where.
    pub location: String,
    /// The enforcement officers of the inspection.
    pub officers: String,
    /// Reported by the enterprise itself (自查自报).
    pub self_reported: bool,
}

const COLUMNS: &str =
    "id, inspection_id, enterprise_id, enterprise, department, industry, township, grade, major, state,
    found_on, original_due, due, closed_on, escalation, description, location, officers, self_reported";

impl LedgerRow {
    fn from_row(r: &Row) -> Result<Self, DbError> {
        Ok(LedgerRow {
            id: r.text(0)?,
            inspection_id: r.text(1)?,
            enterprise_id: r.text(2)?,
            enterprise: r.text(3)?,
            department: r.opt_text(4)?,
            industry: r.text(5)?,
            township: r.text(6)?,
            grade: r.text(7)?,
            major: r.int(8)? != 0,
            state: r.text(9)?,
            found_on: r.text(10)?,
            original_due: r.text(11)?,
            due: r.text(12)?,
            closed_on: r.opt_text(13)?,
            escalation: r.opt_text(14)?,
            description: r.text(15)?,
            location: r.text(16)?,
            officers: r.text(17)?,
            self_reported: r.int(18)? != 0,
        })
    }

    /// Whether it is past its deadline in force on `today` and not yet with
    /// the officers.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        matches!(self.state.as_str(), "found" | "rectifying") && self.due.as_str() < today.to_string().as_str()
    }
}

/// One page of the ledger.
#[derive(Clone, Debug)]
pub struct LedgerPage {
    /// The rows of this page.
    pub rows: Vec<LedgerRow>,
    /// Hazards matching the filter, on every page.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

impl LedgerPage {
    /// The number of pages (at least one).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// The WHERE clause and its parameters for `filter` on `today`.
fn conditions(filter: &LedgerFilter, today: NaiveDate) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    // `test` is the comparison with the next parameter, e.g. "found_on >=".
    let mut bind = |test: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            params.push(Value::Text(v));
            clauses.push(format!("{test} ${}", params.len()));
        }
    };
    bind("department =", filter.department.clone());
    bind("industry =", filter.industry.clone());
    bind("township =", filter.township.clone());
    bind("grade =", filter.grade.clone());
    bind("state =", filter.state.clone());
    bind("enterprise_id =", filter.enterprise.clone());
    bind("found_on >=", filter.from.map(|d| d.to_string()));
    bind("found_on <=", filter.to.map(|d| d.to_string()));
    if filter.overdue {
        bind("state IN ('found', 'rectifying') AND due <", Some(today.to_string()));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    (sql, params)
}

/// The ledger's page `page` (from 1) of `per_page` rows matching `filter`
/// on `today`, sorted by `sort` (`descending` or not; ties by hazard id).
pub fn page(
    db: &mut dyn Sql,
    filter: &LedgerFilter,
    today: NaiveDate,
    sort: SortKey,
    descending: bool,
    page: i64,
    per_page: i64,
) -> Result<LedgerPage, DbError> {
    let per_page = per_page.clamp(1, MAX_PAGE_SIZE);
    let (cond, params) = conditions(filter, today);
    let total =
        db.query_opt(&format!("SELECT count(*) FROM ledger_hazards{cond}"), &params)?.map_or(Ok(0), |r| r.int(0))?;
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = page.clamp(1, pages);
    let dir = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT {COLUMNS} FROM ledger_hazards{cond} ORDER BY {} {dir}, id {dir} LIMIT {per_page} OFFSET {}",
        sort.column(),
        (page - 1) * per_page
    );
    let rows = db.query(&sql, &params)?.iter().map(LedgerRow::from_row).collect::<Result<_, _>>()?;
    Ok(LedgerPage { rows, total, page, per_page })
}

/// Every row matching `filter` (for the export), in the ledger's order.
pub fn all(db: &mut dyn Sql, filter: &LedgerFilter, today: NaiveDate) -> Result<Vec<LedgerRow>, DbError> {
    let (cond, params) = conditions(filter, today);
    let sql = format!("SELECT {COLUMNS} FROM ledger_hazards{cond} ORDER BY found_on, id");
    db.query(&sql, &params)?.iter().map(LedgerRow::from_row).collect()
}

/// One hazard's row.
pub fn one(db: &mut dyn Sql, id: &str) -> Result<Option<LedgerRow>, DbError> {
    db.query_opt(&format!("SELECT {COLUMNS} FROM ledger_hazards WHERE id = $1"), &[Value::Text(id.to_string())])?
        .map(|r| LedgerRow::from_row(&r))
        .transpose()
}

/// The distinct values of a filter column present in the ledger (the
/// filter's choices).
pub fn choices(db: &mut dyn Sql, column: &str) -> Result<Vec<String>, DbError> {
    let column = match column {
        "department" | "industry" | "township" | "grade" => column,
        _ => return Ok(vec![]),
    };
    db.query(
        &format!("SELECT DISTINCT {column} FROM ledger_hazards WHERE {column} IS NOT NULL ORDER BY {column}"),
        &[],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}
