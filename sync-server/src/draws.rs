//! 双随机 draws as the server keeps them: the pool frozen from its own
//! records (enterprises with the class the office's credit rule gives each,
//! inspectors with their departments, certificates and declared conflicts),
//! the rules, the commitment published before the draw, the secret and the
//! witnesses' numbers published after it, the result, and the planned
//! inspections it became (documents whose team is the drawn officers, so
//! they reach those officers' devices with their next sync). Anyone can
//! re-run a draw from its published package (`verify`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use lianjian_core::doc::{Editor, InspectionDoc};
use lianjian_core::model::enterprise::RiskColour;
use lianjian_core::model::{ChecklistRef, Department, Inspection, InspectionId, TeamMember, TeamRole, Timestamp};
use lianjian_core::rules::credit::{classify, Classed, Record};
use lianjian_core::rules::draw::{self, DrawResult, DrawRules, Pool, PoolEnterprise, PoolInspector};
use lianjian_core::rules::frequency::YearlyCaps;
use lianjian_core::rules::permissions::Role;
use lianjian_core::store::DocKind;

use crate::args;
use crate::incidents::IncidentKind;
use crate::sql::{DbError, Sql};
use crate::state::AppState;

/// Why a draw step was refused.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// No such draw.
    #[error("没有这次抽取")]
    Unknown,
    /// It has run already.
    #[error("这次抽取已经完成，不能重抽")]
    AlreadyDrawn,
    /// The ratio or team size makes no sense.
    #[error("{0}")]
    BadRules(String),
    /// The witnesses entered nothing.
    #[error("请输入见证人现场给出的数字")]
    NoWitnesses,
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Storing the planned inspections.
    #[error(transparent)]
    Core(#[from] lianjian_core::Error),
}

/// Everything anyone needs to re-run a draw (published once it ran).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Package {
    /// The algorithm's version.
    pub algorithm: String,
    /// The frozen pool.
    pub pool: Pool,
    /// The rules.
    pub rules: DrawRules,
    /// The commitment published before the draw.
    pub commitment: String,
    /// The secret seed (hex), revealed after the draw.
    pub secret: String,
    /// The witnesses' numbers as entered.
    pub witnesses: String,
    /// The result published.
    pub result: DrawResult,
}

/// What re-running a package says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The commitment recomputed from the pool, rules and secret matches.
    pub commitment_matches: bool,
    /// The draw re-run gives the published result.
    pub result_matches: bool,
}

/// Re-runs a published package.
pub fn verify(p: &Package) -> Verdict {
    let secret: Option<[u8; 32]> = hex::decode(&p.secret).ok().and_then(|b| b.try_into().ok());
    let Some(secret) = secret else { return Verdict { commitment_matches: false, result_matches: false } };
    let commitment_matches = draw::commitment(&p.pool, &p.rules, &draw::seed_hash(&secret)) == p.commitment;
    let result = draw::run(&p.pool, &p.rules, &draw::draw_seed(&secret, &p.witnesses));
    Verdict { commitment_matches, result_matches: result == p.result }
}

/// One stored draw.
#[derive(Clone, Debug)]
pub struct DrawRecord {
    /// Its id.
    pub id: String,
    /// The task's name.
    pub title: String,
    /// When the commitment was made.
    pub created_at: String,
    /// The commitment.
    pub commitment: String,
    /// The pool.
    pub pool: Pool,
    /// The rules.
    pub rules: DrawRules,
    /// Each enterprise's class with its reasons.
    pub classes: BTreeMap<String, Vec<String>>,
    /// The secret, hex (published only once drawn).
    pub secret: String,
    /// After the draw: the witnesses' numbers, when, and the result.
    pub drawn: Option<(String, String, DrawResult)>,
}

impl DrawRecord {
    /// The package to publish (only once drawn).
    pub fn package(&self) -> Option<Package> {
        let (witnesses, _, result) = self.drawn.clone()?;
        Some(Package {
            algorithm: draw::ALGORITHM.into(),
            pool: self.pool.clone(),
            rules: self.rules.clone(),
            commitment: self.commitment.clone(),
            secret: self.secret.clone(),
            witnesses,
            result,
        })
    }
}

/// The departments whose officers inspect each industry (the default
/// division of duties; an office's scope document refines what devices
/// receive, this only says who may be sent).
pub fn default_departments() -> Vec<(String, Vec<String>)> {
    let em = Department::EmergencyManagement.code().to_string();
    let with = |d: Department| vec![em.clone(), d.code().to_string()];
    vec![
        ("hazardous_chemicals".into(), vec![em.clone()]),
        ("industry_trade".into(), vec![em.clone()]),
        ("construction".into(), with(Department::HousingConstruction)),
        ("mining".into(), with(Department::NaturalResources)),
        ("road_transport".into(), with(Department::Transport)),
        ("special_equipment".into(), with(Department::MarketRegulation)),
        ("fire_safety".into(), with(Department::FireRescue)),
    ]
}

/// Each enterprise's record as the credit rule reads it, from the indexes
/// and the incidents the office recorded: every enterprise, or `only` one.
fn records(db: &mut dyn Sql, today: NaiveDate, only: Option<&str>) -> Result<BTreeMap<String, Record>, DbError> {
    let (filter, params) = match only {
        Some(id) => (" AND enterprise_id = $1", vec![crate::sql::Value::Text(id.to_string())]),
        None => ("", vec![]),
    };
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    let enterprises =
        format!("SELECT id, risk FROM office_enterprises WHERE 1 = 1{}", filter.replace("enterprise_id", "id"));
    for r in db.query(&enterprises, &params)? {
        let colour = RiskColour::from_code(&r.text(1)?).ok();
        out.insert(r.text(0)?, Record { colour, ..Default::default() });
    }
    let today_s = today.to_string();
    let hazards = format!(
        "SELECT enterprise_id, found_on, major, state, due, item_code FROM ledger_hazards WHERE self_reported = 0{filter}"
    );
    for r in db.query(&hazards, &params)? {
        let Some(rec) = out.get_mut(&r.text(0)?) else { continue };
        let Ok(found) = r.text(1)?.parse::<NaiveDate>() else { continue };
        if r.int(2)? == 1 {
            rec.major_hazards.push(found);
        }
        rec.hazards.push((r.opt_text(5)?, found));
        if matches!(r.text(3)?.as_str(), "found" | "rectifying") && r.text(4)? < today_s {
            rec.overdue += 1;
        }
    }
    let inspections = format!("SELECT enterprise_id, on_day FROM office_inspections WHERE self_reported = 0{filter}");
    for r in db.query(&inspections, &params)? {
        if let (Some(rec), Ok(d)) = (out.get_mut(&r.text(0)?), r.text(1)?.parse::<NaiveDate>()) {
            rec.inspected.push(d);
        }
    }
    let three_years = today - chrono::Days::new(3 * 365);
    for (enterprise, kind, day) in crate::incidents::all(db)? {
        let Some(rec) = out.get_mut(&enterprise) else { continue };
        match kind {
            IncidentKind::Accident => rec.accidents.push(day),
            IncidentKind::Complaint if day > three_years => rec.complaints += 1,
            IncidentKind::Complaint => {}
        }
    }
    Ok(out)
}

/// Every enterprise's class for the draw, with its reasons, on `today`.
pub fn classes(db: &mut dyn Sql, today: NaiveDate) -> Result<BTreeMap<String, Classed>, DbError> {
    Ok(records(db, today, None)?.into_iter().map(|(id, rec)| (id, classify(&rec, today))).collect())
}

/// One enterprise's class on `today`, with its reasons (its dossier).
pub fn class_of(db: &mut dyn Sql, enterprise: &str, today: NaiveDate) -> Result<Option<Classed>, DbError> {
    Ok(records(db, today, Some(enterprise))?.remove(enterprise).map(|rec| classify(&rec, today)))
}

/// Freezes the pool on `today` (enterprises of `industry`, or all).
fn freeze(
    db: &mut dyn Sql,
    today: NaiveDate,
    industry: Option<&str>,
) -> Result<(Pool, BTreeMap<String, Vec<String>>), DbError> {
    let classed = classes(db, today)?;
    let year = chrono::Datelike::year(&today);
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for r in db.query(
        "SELECT enterprise_id, count(*) FROM office_inspections WHERE self_reported = 0 AND on_day >= $1 AND on_day <= $2
         GROUP BY enterprise_id",
        args![format!("{year}-01-01"), format!("{year}-12-31")],
    )? {
        counts.insert(r.text(0)?, r.int(1)? as u32);
    }
    let mut pool = Pool::default();
    let mut reasons = BTreeMap::new();
    for r in db.query("SELECT id, name, industry FROM office_enterprises ORDER BY id", &[])? {
        let (id, name, ind) = (r.text(0)?, r.text(1)?, r.text(2)?);
        if industry.is_some_and(|i| i != ind) {
            continue;
        }
        let c = classed.get(&id).cloned().unwrap_or(Classed { class: RiskColour::Yellow, reasons: vec![] });
        pool.enterprises.push(PoolEnterprise {
            inspected_this_year: counts.get(&id).copied().unwrap_or(0),
            id: id.clone(),
            name,
            industry: ind,
            class: c.class.code().into(),
        });
        reasons.insert(id, c.reasons);
    }
    let mut conflicts: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in db.query("SELECT user_id, enterprise_id, reason, salt FROM inspector_conflicts", &[])? {
        let (user, enterprise, reason) = (r.text(0)?, r.text(1)?, r.text(2)?);
        let salt = match r.opt_text(3)? {
            Some(salt) => salt,
            None => {
                let salt = crate::db::new_secret();
                db.execute(
                    "UPDATE inspector_conflicts SET salt = $1 WHERE user_id = $2 AND enterprise_id = $3",
                    args![&salt, &user, &enterprise],
                )?;
                salt
            }
        };
        conflicts.entry(user).or_default().push((enterprise, draw::seal_reason(&reason, &salt)));
    }
    for r in db.query(
        "SELECT id, name, department, certificate FROM users
         WHERE role IN ('inspector', 'team_lead') AND disabled = 0 AND department IS NOT NULL ORDER BY id",
        &[],
    )? {
        let id = r.text(0)?;
        pool.inspectors.push(PoolInspector {
            conflicts: conflicts.remove(&id).unwrap_or_default(),
            id,
            name: r.text(1)?,
            department: r.text(2)?,
            certificate: r.opt_text(3)?,
        });
    }
    Ok((pool.normalized(), reasons))
}

/// The declared conflicts' reasons by (officer, enterprise): for the
/// office's own view of a draw, where the public one shows only seals.
pub fn conflict_reasons(db: &mut dyn Sql) -> Result<BTreeMap<(String, String), String>, DrawError> {
    let mut out = BTreeMap::new();
    for r in db.query("SELECT user_id, enterprise_id, reason FROM inspector_conflicts", &[])? {
        out.insert((r.text(0)?, r.text(1)?), r.text(2)?);
    }
    Ok(out)
}

/// The rules for a draw of `percent` of each class (red, orange, yellow,
/// blue) with the office's ceilings `caps`.
pub fn rules_for(percent: [u32; 4], team_size: u32, caps: YearlyCaps) -> Result<DrawRules, DrawError> {
    if percent.iter().any(|p| *p > 100) {
        return Err(DrawError::BadRules("抽取比例须在 0 到 100 之间".into()));
    }
    if !(2..=5).contains(&team_size) {
        return Err(DrawError::BadRules("每家企业须派 2 至 5 名执法人员".into()));
    }
    let colours = [RiskColour::Red, RiskColour::Orange, RiskColour::Yellow, RiskColour::Blue];
    Ok(DrawRules {
        ratio: colours.iter().zip(percent).map(|(c, p)| (c.code().to_string(), p)).collect(),
        cap: colours.iter().map(|c| (c.code().to_string(), caps.cap(*c))).collect(),
        team_size,
        departments: default_departments(),
    })
}

/// Freezes the pool, makes a secret, stores the draw and returns its id and
/// commitment (published at once).
pub fn commit(
    db: &mut dyn Sql,
    title: &str,
    industry: Option<&str>,
    rules: DrawRules,
    by: &str,
    now: Timestamp,
) -> Result<(String, String), DrawError> {
    let today = lianjian_core::model::time::local_date(&now.0);
    let (pool, reasons) = freeze(db, today, industry)?;
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("system randomness");
    let commitment = draw::commitment(&pool, &rules, &draw::seed_hash(&secret));
    let id = uuid::Uuid::now_v7().to_string();
    db.execute(
        "INSERT INTO draws (id, title, created_by, created_at, pool, rules, classes, secret, commitment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            &id,
            title,
            by,
            now.to_string(),
            serde_json::to_string(&pool).expect("serializes"),
            serde_json::to_string(&rules).expect("serializes"),
            serde_json::to_string(&reasons).expect("serializes"),
            hex::encode(secret),
            &commitment
        ],
    )?;
    Ok((id, commitment))
}

/// A stored draw.
pub fn load(db: &mut dyn Sql, id: &str) -> Result<DrawRecord, DrawError> {
    let r = db
        .query_opt(
            "SELECT id, title, created_at, commitment, pool, rules, classes, secret, witnesses, drawn_at, result
             FROM draws WHERE id = $1",
            args![id],
        )?
        .ok_or(DrawError::Unknown)?;
    let json = |i: usize| -> Result<String, DrawError> { Ok(r.text(i)?) };
    let bad = |_| DrawError::Db(DbError::Type { column: 0, expected: "a draw record" });
    let drawn = match (r.opt_text(8)?, r.opt_text(9)?, r.opt_text(10)?) {
        (Some(w), Some(at), Some(result)) => Some((w, at, serde_json::from_str(&result).map_err(bad)?)),
        _ => None,
    };
    Ok(DrawRecord {
        id: r.text(0)?,
        title: r.text(1)?,
        created_at: r.text(2)?,
        commitment: r.text(3)?,
        pool: serde_json::from_str(&json(4)?).map_err(bad)?,
        rules: serde_json::from_str(&json(5)?).map_err(bad)?,
        classes: serde_json::from_str(&json(6)?).map_err(bad)?,
        secret: r.text(7)?,
        drawn,
    })
}

/// Every draw, newest first: (id, title, created at, drawn).
pub fn list(db: &mut dyn Sql) -> Result<Vec<(String, String, String, bool)>, DbError> {
    db.query("SELECT id, title, created_at, drawn_at FROM draws ORDER BY created_at DESC, id", &[])?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.opt_text(3)?.is_some())))
        .collect()
}

/// Runs a committed draw with the witnesses' numbers, stores the result and
/// makes the planned inspections; returns the result.
pub fn run(state: &AppState, id: &str, witnesses: &str, by: &crate::db::User) -> Result<DrawResult, DrawError> {
    let witnesses = witnesses.trim();
    if witnesses.is_empty() {
        return Err(DrawError::NoWitnesses);
    }
    let now = state.clock.now();
    let mut db = state.lock();
    let record = load(&mut *db.sql, id)?;
    if record.drawn.is_some() {
        return Err(DrawError::AlreadyDrawn);
    }
    let secret: [u8; 32] = hex::decode(&record.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(DrawError::Db(DbError::Type { column: 7, expected: "a 32-byte secret" }))?;
    let result = draw::run(&record.pool, &record.rules, &draw::draw_seed(&secret, witnesses));
    let n = db.sql.execute(
        "UPDATE draws SET witnesses = $1, drawn_at = $2, drawn_by = $3, result = $4 WHERE id = $5 AND drawn_at IS NULL",
        args![witnesses, now.to_string(), &by.id, serde_json::to_string(&result).expect("serializes"), id],
    )?;
    if n != 1 {
        return Err(DrawError::AlreadyDrawn);
    }
    let rules = state.rule_data(&mut db)?;
    let editor =
        Editor { person: by.id.parse::<lianjian_core::model::PersonId>()?, name: by.name.clone(), role: Role::Office };
    let mut docs = db.docs();
    for pick in result.picks.iter().filter(|p| p.inspectors.len() >= 2) {
        let Some(e) = record.pool.enterprises.iter().find(|e| e.id == pick.enterprise) else { continue };
        let enterprise = docs.with_document(&e.id, lianjian_core::doc::catalog::read_enterprise)??;
        let mut team = Vec::new();
        for (k, person) in pick.inspectors.iter().enumerate() {
            let Some(i) = record.pool.inspectors.iter().find(|i| &i.id == person) else { continue };
            team.push(TeamMember {
                person: person.parse::<lianjian_core::model::PersonId>()?,
                name: i.name.clone(),
                department: Department::from_code(&i.department)?,
                role: if k == 0 { TeamRole::Lead } else { TeamRole::Inspector },
                certificate_no: i.certificate.clone(),
                qualifications: vec![e.industry.clone()],
            });
        }
        let mut checklists: Vec<&lianjian_core::model::ChecklistTemplate> =
            rules.checklists.values().map(|c| c.as_ref()).filter(|c| c.industry == e.industry).collect();
        checklists.sort_by_key(|c| std::cmp::Reverse(c.version));
        let refs: Vec<ChecklistRef> =
            checklists.first().map(|c| vec![ChecklistRef { id: c.id, version: c.version }]).unwrap_or_default();
        let mut inspection = Inspection::planned(&enterprise, refs, &team, "three-level", now);
        if let Some(region) = rules.office.region_of(&enterprise) {
            inspection.grade_scheme = region.scheme.id.clone();
        }
        inspection.id = InspectionId::new();
        let doc_id = inspection.id.to_string();
        docs.sql().execute(
            "INSERT INTO draw_inspections (draw_id, enterprise_id, inspection_id) VALUES ($1, $2, $3)",
            args![id, &e.id, &doc_id],
        )?;
        docs.put(
            &doc_id,
            DocKind::Inspection,
            now,
            |actor| Ok(InspectionDoc::create(&inspection, actor, &editor, now)?.into_automerge()),
            |_| Ok(()),
        )?;
    }
    drop(docs);
    crate::db::bump_revision(&mut *db.sql)?;
    Ok(result)
}
