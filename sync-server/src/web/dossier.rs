//! 一企一档: the enterprises (searchable by name or credit code, with their
//! open hazards and this year's inspections against their ceiling) and one
//! enterprise's dossier — its file and risk colour, every inspection,
//! hazard and numbered document, the rectification reports with each
//! before-photo beside its after-photo, the escalations, and the year's
//! inspections counted against the ceiling for its class; the class the
//! office's credit rule gives it, with the accidents and complaints the
//! office records here.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;

use lianjian_core::doc::catalog::read_enterprise;
use lianjian_core::doc::closed_loop::{hazard_events, rectification_reports};
use lianjian_core::model::enterprise::{industry_label, township_of, RiskColour};
use lianjian_core::model::{Department, Enterprise, Inspection, InspectionStatus, PhotoPair};
use lianjian_core::rules::frequency::CapUse;
use lianjian_core::rules::lifecycle::EventKind;
use lianjian_core::rules::office_access::OfficeAction;
use lianjian_documents::templates::Templates;

use crate::args;
use crate::error::AppError;
use crate::ledger::query;
use crate::ledger::LedgerFilter;
use crate::sql::{Sql, Value};
use crate::state::AppState;

use super::chrome::Chrome;
use super::session::Office;

fn cap_label(u: CapUse) -> &'static str {
    match u {
        CapUse::Under => "",
        CapUse::Near => "接近上限",
        CapUse::Reached => "已达上限",
    }
}

/// An enterprise in the list.
pub struct EnterpriseRow {
    id: String,
    name: String,
    credit_code: String,
    industry: String,
    township: String,
    risk: &'static str,
    open: i64,
    this_year: i64,
    cap: u32,
    cap_use: &'static str,
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    rows: Vec<EnterpriseRow>,
    year: i32,
}

/// The list's query string.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
}

/// Inspections of each enterprise in `year`, government ones only (an
/// enterprise's own self-inspection is not counted against the ceiling).
fn inspections_in(db: &mut dyn Sql, year: i32, enterprise: Option<&str>) -> Result<Vec<(String, i64)>, AppError> {
    let rows = db.query(
        "SELECT enterprise_id, count(*) FROM office_inspections
         WHERE self_reported = 0 AND on_day >= $1 AND on_day <= $2 AND ($3 = '' OR enterprise_id = $3)
         GROUP BY enterprise_id",
        args![format!("{year}-01-01"), format!("{year}-12-31"), enterprise.unwrap_or("")],
    )?;
    Ok(rows.iter().map(|r| Ok::<_, crate::sql::DbError>((r.text(0)?, r.int(1)?))).collect::<Result<_, _>>()?)
}

/// `GET /office/enterprises`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    office: Office,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let year = state.clock.today().year();
    let search = q.q.unwrap_or_default().trim().to_string();
    let s = search.clone();
    let rows = super::blocking(&state, move |state| {
        let mut db = state.lock();
        let pattern = format!("%{}%", s.replace(['%', '_'], ""));
        let rows = db.sql.query(
            "SELECT e.id, e.name, e.credit_code, e.industry, e.township, e.risk,
                    (SELECT count(*) FROM ledger_hazards h WHERE h.enterprise_id = e.id AND h.state <> 'closed')
             FROM office_enterprises e WHERE e.name LIKE $1 OR e.credit_code LIKE $1 ORDER BY e.township, e.name",
            &[Value::Text(pattern)],
        )?;
        let counts: std::collections::HashMap<String, i64> =
            inspections_in(&mut *db.sql, year, None)?.into_iter().collect();
        let caps = crate::caps::in_force(&mut *db.sql)?;
        let mut out = Vec::new();
        for r in rows {
            let id = r.text(0)?;
            let risk = RiskColour::from_code(&r.text(5)?).unwrap_or(RiskColour::Blue);
            let this_year = counts.get(&id).copied().unwrap_or(0);
            out.push(EnterpriseRow {
                name: r.text(1)?,
                credit_code: r.text(2)?,
                industry: industry_label(&r.text(3)?).to_string(),
                township: r.text(4)?,
                risk: risk.label(),
                open: r.int(6)?,
                this_year,
                cap: caps.cap(risk),
                cap_use: cap_label(caps.standing(risk, this_year as u32)),
                id,
            });
        }
        Ok(out)
    })
    .await
    .map_err(AppError::page)?;
    let page = ListPage { chrome: Chrome::new(&office, "enterprises"), q: search, rows, year };
    super::html(&page).map_err(AppError::page)
}

/// One inspection in the dossier.
pub struct InspectionView {
    on_day: String,
    status: &'static str,
    departments: String,
    officers: String,
    hazards: i64,
    self_reported: bool,
}

/// One rectification report with the hazard it answers.
pub struct ReportView {
    hazard: String,
    hazard_id: String,
    submitted: String,
    measures: String,
    responsible: String,
    photos: Vec<PhotoPair>,
}

/// One escalation or listing.
pub struct EscalationView {
    on: String,
    what: String,
    hazard: String,
    hazard_id: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    chrome: Chrome,
    e: Enterprise,
    industry: String,
    township: String,
    year: i32,
    this_year: i64,
    cap: u32,
    cap_use: &'static str,
    inspections: Vec<InspectionView>,
    hazards: Vec<crate::ledger::LedgerRow>,
    reports: Vec<ReportView>,
    escalations: Vec<EscalationView>,
    documents: Vec<super::hazard::DocumentView>,
    /// The class the draw uses, and why (the credit rule).
    credit: Option<lianjian_core::rules::credit::Classed>,
    incidents: Vec<crate::incidents::Incident>,
    kinds: [crate::incidents::IncidentKind; 2],
    today: String,
}

fn day_time(t: &lianjian_core::model::Timestamp) -> String {
    super::minute(&t.to_string())
}

/// `GET /office/enterprises/{id}`.
pub async fn dossier(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::Read)?;
    let today = state.clock.today();
    let chrome = Chrome::new(&office, "enterprises");
    let page = super::blocking(&state, move |state| {
        let mut db = state.lock();
        if db.sql.query_opt("SELECT 1 FROM office_enterprises WHERE id = $1", args![&id])?.is_none() {
            return Err(AppError::NotFound("企业".into()));
        }
        let e = db.docs().with_document(&id, read_enterprise)??;
        let year = today.year();
        let this_year = inspections_in(&mut *db.sql, year, Some(&id))?.first().map_or(0, |(_, n)| *n);
        let rows = db.sql.query(
            "SELECT id, on_day, status, departments, officers, hazards, self_reported FROM office_inspections
             WHERE enterprise_id = $1 ORDER BY on_day DESC, id",
            args![&id],
        )?;
        let mut inspections = Vec::new();
        let mut inspection_ids = Vec::new();
        for r in &rows {
            inspection_ids.push(r.text(0)?);
            inspections.push(InspectionView {
                on_day: r.text(1)?,
                status: InspectionStatus::from_code(&r.text(2)?).map_or("—", |s| s.label()),
                departments: r
                    .text(3)?
                    .split(',')
                    .filter_map(|d| Department::from_code(d).ok())
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                officers: r.text(4)?,
                hazards: r.int(5)?,
                self_reported: r.int(6)? != 0,
            });
        }
        let filter = LedgerFilter { enterprise: Some(id.clone()), ..Default::default() };
        let hazards = query::all(&mut *db.sql, &filter, today)?;
        let mut reports = Vec::new();
        let mut escalations = Vec::new();
        let mut documents = Vec::new();
        let templates = Templates::bundled();
        for insp in &inspection_ids {
            let (inspection, events, found) = db.docs().with_document(insp, |doc| {
                let inspection: Inspection = autosurgeon::hydrate(doc)?;
                Ok::<_, lianjian_core::Error>((inspection, hazard_events(doc)?, rectification_reports(doc)?))
            })??;
            let described = |f: &lianjian_core::model::FindingId| {
                inspection.findings.get(&f.to_string()).map(|x| x.description.clone()).unwrap_or_default()
            };
            for r in found {
                reports.push(ReportView {
                    hazard: described(&r.finding),
                    hazard_id: r.finding.to_string(),
                    submitted: day_time(&r.submitted_at),
                    measures: r.measures,
                    responsible: r.responsible,
                    photos: r.photos,
                });
            }
            for ev in events.iter().filter(|e| matches!(e.kind, EventKind::Escalated | EventKind::Listed)) {
                let what = match (ev.escalation, &ev.listing) {
                    (Some(level), _) => level.label().to_string(),
                    (None, Some(l)) => format!("挂牌督办（{}，{}）", l.level.label(), l.supervisor),
                    _ => ev.kind.label().to_string(),
                };
                escalations.push(EscalationView {
                    on: day_time(&ev.at),
                    what,
                    hazard: described(&ev.finding),
                    hazard_id: ev.finding.to_string(),
                });
            }
            documents.extend(super::hazard::documents_of(&mut *db.sql, insp, &templates)?);
        }
        reports.sort_by(|a, b| b.submitted.cmp(&a.submitted));
        escalations.sort_by(|a, b| b.on.cmp(&a.on));
        let credit = crate::draws::class_of(&mut *db.sql, &id, today)?;
        let caps = crate::caps::in_force(&mut *db.sql)?;
        let incidents = crate::incidents::of(&mut *db.sql, &id)?;
        Ok(DossierPage {
            credit,
            incidents,
            kinds: crate::incidents::IncidentKind::ALL,
            today: today.to_string(),
            chrome,
            industry: industry_label(&e.industry).to_string(),
            township: township_of(&e.grid).to_string(),
            year,
            this_year,
            cap: caps.cap(e.risk),
            cap_use: cap_label(caps.standing(e.risk, this_year as u32)),
            e,
            inspections,
            hazards,
            reports,
            escalations,
            documents,
        })
    })
    .await
    .map_err(AppError::page)?;
    super::html(&page).map_err(AppError::page)
}
