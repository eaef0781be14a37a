//! The indicators of research C.2, each with the definition the page shows.
//! Government inspections only (an enterprise's self-inspection is its own
//! work, not the office's); a joint inspection counts once for each
//! department that took part, and once for each officer.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use lianjian_core::model::enterprise::{industry_label, RiskColour};
use lianjian_core::model::Department;
use lianjian_core::rules::frequency::CapUse;

use crate::args;
use crate::sql::{DbError, Sql};

use super::Period;

/// The definitions shown beside the numbers (research C.2).
pub const DEFINITIONS: &[(&str, &str)] = &[
    ("覆盖率", "期内至少受过一次政府检查的企业数 ÷ 企业名录库中的企业数"),
    ("计划完成率", "统计期所在年度已审批的年度检查计划中，各检查事项已完成的检查次数（不超过计划数）之和 ÷ 计划检查次数之和"),
    ("检查次数", "期内政府检查的次数（企业自查不计）；联合检查按参加部门各计一次、按检查人员各计一次"),
    ("户均隐患", "期内发现的隐患数 ÷ 期内受检企业数"),
    ("整改率", "期内发现的隐患中已销号的数量 ÷ 期内发现的隐患数"),
    ("按期整改率", "原整改期限在期内的隐患中，在原期限当日或之前销号的数量 ÷ 原整改期限在期内的隐患数（延期后的期限不计）"),
    ("复查及时率", "期内完成的复查中，自复查申请或当时的整改期限起（取先到者）在规定时限（默认 10 个工作日）内完成的数量 ÷ 期内完成的复查数"),
    ("重大隐患", "期内新发现、期内挂牌督办、期内销号的重大事故隐患，截至今日仍未销号的数量，及已销号者从发现到销号的平均天数"),
    ("文书", "期内编号的执法文书份数，按文书种类（作废的不计）"),
    ("频次上限", "本年度政府检查次数达到该企业风险等级年度上限 80% 及 100% 的企业数"),
];

/// A count and the ratio it is part of.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Ratio {
    /// The part.
    pub part: i64,
    /// The whole.
    pub whole: i64,
}

impl Ratio {
    /// The percentage with one decimal, or "—" when there is no whole.
    pub fn percent(&self) -> String {
        if self.whole == 0 {
            "—".into()
        } else {
            format!("{:.1}%", self.part as f64 * 100.0 / self.whole as f64)
        }
    }
}

/// Every indicator for one period.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Indicators {
    /// Enterprises inspected ÷ enterprises in the 名录库.
    pub coverage: Ratio,
    /// Government inspections.
    pub inspections: i64,
    /// Per department (a joint inspection once for each).
    pub by_department: Vec<(String, i64)>,
    /// Per officer.
    pub by_inspector: Vec<(String, i64)>,
    /// Per industry.
    pub by_industry: Vec<(String, i64)>,
    /// Per township.
    pub by_township: Vec<(String, i64)>,
    /// Hazards found.
    pub hazards: i64,
    /// Of which major.
    pub major_hazards: i64,
    /// Hazards per inspected enterprise (×100, to keep integers exact).
    pub hazards_per_enterprise: Ratio,
    /// Closed ÷ found.
    pub rectified: Ratio,
    /// Closed by the original deadline ÷ originally due in the period.
    pub on_time: Ratio,
    /// Timely 复查 ÷ all 复查 in the period.
    pub reinspection_timely: Ratio,
    /// Major hazards: new, listed, closed in the period; open today.
    pub major: MajorProgress,
    /// Documents numbered, per form code.
    pub documents: Vec<(String, i64)>,
    /// Enterprises at 80% and at 100% of their yearly ceiling.
    pub near_cap: i64,
    /// See [`Indicators::near_cap`].
    pub at_cap: i64,
}

/// 重大隐患 progress.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct MajorProgress {
    /// Found in the period.
    pub new: i64,
    /// Listed (挂牌督办), found in the period.
    pub listed: i64,
    /// Closed in the period.
    pub closed: i64,
    /// Not closed today.
    pub open: i64,
    /// Average days from found to closed, of those closed in the period.
    pub avg_days_to_close: Option<f64>,
}

fn counted(map: BTreeMap<String, i64>) -> Vec<(String, i64)> {
    let mut v: Vec<_> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

fn one(db: &mut dyn Sql, sql: &str, params: &[crate::sql::Value]) -> Result<i64, DbError> {
    db.query_opt(sql, params)?.map_or(Ok(0), |r| r.int(0))
}

/// The figures of a period that the page compares with the period before
/// (环比) and the same period a year earlier (同比): each one aggregate
/// query over an index, so three periods cost little more than one.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Headline {
    /// Government inspections.
    pub inspections: i64,
    /// Enterprises inspected ÷ enterprises in the 名录库.
    pub coverage: Ratio,
    /// Hazards found.
    pub hazards: i64,
    /// Of which major.
    pub major_hazards: i64,
    /// Of the major ones, listed (挂牌督办).
    pub major_listed: i64,
    /// Closed ÷ found.
    pub rectified: Ratio,
    /// Closed by the original deadline ÷ originally due in the period.
    pub on_time: Ratio,
    /// Timely 复查 ÷ all 复查 in the period.
    pub reinspection_timely: Ratio,
}

/// The [`Headline`] of `period`.
pub fn headline(db: &mut dyn Sql, period: Period) -> Result<Headline, DbError> {
    let (from, to) = period.range();
    let (from, to) = (from.to_string(), to.to_string());
    let mut out = Headline::default();
    if let Some(r) = db.query_opt(
        "SELECT count(*), count(DISTINCT enterprise_id) FROM office_inspections
         WHERE on_day >= $1 AND on_day <= $2 AND self_reported = 0",
        args![&from, &to],
    )? {
        out.inspections = r.int(0)?;
        out.coverage.part = r.int(1)?;
    }
    out.coverage.whole = one(db, "SELECT count(*) FROM office_enterprises", &[])?;
    if let Some(r) = db.query_opt(
        "SELECT count(*),
                CAST(COALESCE(SUM(CASE WHEN major = 1 THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN major = 1 AND listed = 1 THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM ledger_hazards WHERE found_on >= $1 AND found_on <= $2 AND self_reported = 0",
        args![&from, &to],
    )? {
        out.hazards = r.int(0)?;
        out.major_hazards = r.int(1)?;
        out.major_listed = r.int(2)?;
        out.rectified = Ratio { part: r.int(3)?, whole: out.hazards };
    }
    if let Some(r) = db.query_opt(
        "SELECT count(*),
                CAST(COALESCE(SUM(CASE WHEN closed_on IS NOT NULL AND closed_on <= original_due THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM ledger_hazards WHERE original_due >= $1 AND original_due <= $2 AND self_reported = 0",
        args![&from, &to],
    )? {
        out.on_time = Ratio { part: r.int(1)?, whole: r.int(0)? };
    }
    if let Some(r) = db.query_opt(
        "SELECT CAST(COALESCE(SUM(reinspections_on_time), 0) AS BIGINT), CAST(COALESCE(SUM(reinspections), 0) AS BIGINT)
         FROM ledger_hazards WHERE reinspected_on >= $1 AND reinspected_on <= $2",
        args![&from, &to],
    )? {
        out.reinspection_timely = Ratio { part: r.int(0)?, whole: r.int(1)? };
    }
    Ok(out)
}

/// The indicators of `period`, with "today" (open major hazards, the
/// ceiling's year) on `today`.
pub fn compute(db: &mut dyn Sql, period: Period, today: NaiveDate) -> Result<Indicators, DbError> {
    let (from, to) = period.range();
    let (from, to) = (from.to_string(), to.to_string());
    let h = headline(db, period)?;
    let mut out = Indicators {
        coverage: h.coverage,
        inspections: h.inspections,
        hazards: h.hazards,
        major_hazards: h.major_hazards,
        hazards_per_enterprise: Ratio { part: h.hazards, whole: h.coverage.part },
        rectified: h.rectified,
        on_time: h.on_time,
        reinspection_timely: h.reinspection_timely,
        ..Default::default()
    };

    // Inspections by department, officer, industry and township: the
    // department and officer lists are split here, the rest grouped in SQL.
    let rows = db.query(
        "SELECT departments, officers, count(*) FROM office_inspections
         WHERE on_day >= $1 AND on_day <= $2 AND self_reported = 0 GROUP BY departments, officers",
        args![&from, &to],
    )?;
    let (mut dept, mut officer) = (BTreeMap::new(), BTreeMap::new());
    for r in &rows {
        let n = r.int(2)?;
        for d in r.text(0)?.split(',').filter(|d| !d.is_empty()) {
            let label = Department::from_code(d).map_or(d.to_string(), |d| d.label().to_string());
            *dept.entry(label).or_insert(0) += n;
        }
        for o in r.text(1)?.split('、').filter(|o| !o.is_empty()) {
            *officer.entry(o.to_string()).or_insert(0) += n;
        }
    }
    out.by_department = counted(dept);
    out.by_inspector = counted(officer);
    let places = db.query(
        "SELECT COALESCE(e.industry, ''), COALESCE(e.township, ''), count(*)
         FROM office_inspections i LEFT JOIN office_enterprises e ON e.id = i.enterprise_id
         WHERE i.on_day >= $1 AND i.on_day <= $2 AND i.self_reported = 0
         GROUP BY COALESCE(e.industry, ''), COALESCE(e.township, '')",
        args![&from, &to],
    )?;
    let (mut industry, mut town) = (BTreeMap::new(), BTreeMap::new());
    for r in &places {
        let n = r.int(2)?;
        *industry.entry(industry_label(&r.text(0)?).to_string()).or_insert(0) += n;
        *town.entry(r.text(1)?).or_insert(0) += n;
    }
    out.by_industry = counted(industry);
    out.by_township = counted(town);

    // 重大隐患.
    out.major.new = h.major_hazards;
    out.major.listed = h.major_listed;
    let closed = db.query(
        "SELECT found_on, closed_on FROM ledger_hazards WHERE major = 1 AND closed_on >= $1 AND closed_on <= $2",
        args![&from, &to],
    )?;
    out.major.closed = closed.len() as i64;
    let mut days = Vec::new();
    for r in &closed {
        let (f, c) = (r.text(0)?.parse::<NaiveDate>(), r.text(1)?.parse::<NaiveDate>());
        if let (Ok(f), Ok(c)) = (f, c) {
            days.push((c - f).num_days() as f64);
        }
    }
    out.major.avg_days_to_close = (!days.is_empty()).then(|| days.iter().sum::<f64>() / days.len() as f64);
    out.major.open = one(db, "SELECT count(*) FROM ledger_hazards WHERE major = 1 AND state <> 'closed'", &[])?;

    // Documents numbered in the period.
    let docs = db.query(
        "SELECT form, count(*) FROM number_uses WHERE voided IS NULL AND at >= $1 AND at < $2 GROUP BY form ORDER BY form",
        args![&from, (period.range().1 + chrono::Days::new(1)).to_string()],
    )?;
    out.documents = docs.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect::<Result<_, DbError>>()?;

    // The yearly ceiling, this year.
    let year = today.year();
    let counts = db.query(
        "SELECT e.risk, count(*) FROM office_inspections i JOIN office_enterprises e ON e.id = i.enterprise_id
         WHERE i.on_day >= $1 AND i.on_day <= $2 AND i.self_reported = 0 GROUP BY i.enterprise_id, e.risk",
        args![format!("{year}-01-01"), format!("{year}-12-31")],
    )?;
    let caps = crate::caps::in_force(db)?;
    for r in &counts {
        let risk = RiskColour::from_code(&r.text(0)?).unwrap_or(RiskColour::Blue);
        match caps.standing(risk, r.int(1)? as u32) {
            CapUse::Near => out.near_cap += 1,
            CapUse::Reached => out.at_cap += 1,
            CapUse::Under => {}
        }
    }
    Ok(out)
}

/// Inspections and hazards found in each month of `year` (the chart's line).
pub fn monthly(db: &mut dyn Sql, year: i32) -> Result<Vec<(u32, i64, i64)>, DbError> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let counts = |db: &mut dyn Sql, table: &str, day: &str| -> Result<[i64; 12], DbError> {
        let sql = format!(
            "SELECT substr({day}, 6, 2), count(*) FROM {table}
             WHERE {day} >= $1 AND {day} <= $2 AND self_reported = 0 GROUP BY substr({day}, 6, 2)"
        );
        let mut months = [0; 12];
        for r in db.query(&sql, args![&from, &to])? {
            if let Some(slot) = r.text(0)?.parse::<usize>().ok().and_then(|m| months.get_mut(m.wrapping_sub(1))) {
                *slot = r.int(1)?;
            }
        }
        Ok(months)
    };
    let inspections = counts(db, "office_inspections", "on_day")?;
    let hazards = counts(db, "ledger_hazards", "found_on")?;
    Ok((0..12).map(|i| (i as u32 + 1, inspections[i], hazards[i])).collect())
}
