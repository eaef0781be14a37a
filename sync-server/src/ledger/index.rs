//! Keeps `ledger_hazards` in step with the inspection documents: every time
//! the server stores a change to an inspection, that inspection's rows are
//! written again from the merged document, with each hazard's standing
//! computed by the core's closed-loop rules (the same function the devices'
//! task lists use), so the office reads what the devices read.

use automerge::Automerge;

use lianjian_core::doc::closed_loop::{hazard_events, issuing_department, standing};
use lianjian_core::model::enterprise::township_of;
use lianjian_core::model::time::local_date;
use lianjian_core::model::Inspection;
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::rules::lifecycle::EventKind;
use lianjian_core::Result;

use crate::args;
use crate::rule_data::RuleData;
use crate::sql::{DbError, Sql};

fn storage(e: DbError) -> lianjian_core::Error {
    e.into()
}

/// Writes the ledger rows of the inspection `doc` from its merged document.
/// `rules` are the office's calendars and grade schemes as the server holds
/// them (none: the deadlines on file are listed).
pub fn reindex(db: &mut dyn Sql, doc: &str, merged: &Automerge, rules: Option<&RuleData>) -> Result<()> {
    db.execute("DELETE FROM ledger_hazards WHERE inspection_id = $1", args![doc]).map_err(storage)?;
    db.execute("DELETE FROM office_inspections WHERE id = $1", args![doc]).map_err(storage)?;
    // Validation keeps unreadable records out; one that got in anyway (an
    // older server's) is left out of the ledger, not allowed to stop sync.
    let read = autosurgeon::hydrate::<_, Inspection>(merged)
        .map_err(lianjian_core::Error::from)
        .and_then(|i| Ok((i, hazard_events(merged)?)));
    let (inspection, events) = match read {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(document = doc, error = %e, "inspection left out of the ledger");
            return Ok(());
        }
    };
    let default_rules = RuleData::default();
    let rules = rules.unwrap_or(&default_rules);
    let fallback = GradeScheme::three_level();
    let scheme = rules
        .office
        .scheme(&inspection.grade_scheme)
        .ok()
        .or((fallback.id == inspection.grade_scheme).then_some(&fallback));
    let grid: Option<String> = db
        .query_opt("SELECT grid FROM doc_access WHERE doc_id = $1", args![inspection.enterprise.to_string()])
        .map_err(storage)?
        .map(|r| r.opt_text(0))
        .transpose()
        .map_err(storage)?
        .flatten();
    let township = grid.as_deref().map(township_of).unwrap_or("").to_string();
    let officers: Vec<&str> =
        inspection.team.values().filter(|m| m.is_enforcement_officer()).map(|m| m.name.as_str()).collect();
    let officers = officers.join("、");
    let mut departments: Vec<&str> = inspection.team.values().map(|m| m.department.code()).collect();
    departments.sort_unstable();
    departments.dedup();
    let on = inspection.started_at.or(inspection.scheduled_at).unwrap_or(inspection.created_at);
    let result_on = lianjian_core::rules::publication::result_formed(&inspection).map(|t| local_date(&t.0).to_string());
    db.execute(
        "INSERT INTO office_inspections (id, enterprise_id, on_day, status, departments, officers, self_reported, hazards,
           result_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            doc,
            inspection.enterprise.to_string(),
            local_date(&on.0).to_string(),
            inspection.status.code(),
            departments.join(","),
            &officers,
            i64::from(inspection.self_reported),
            inspection.findings.len() as i64,
            result_on
        ],
    )
    .map_err(storage)?;
    for f in inspection.findings.values() {
        let (_, lc) = standing(&rules.office.calendar, scheme, f, &events);
        let department = issuing_department(&inspection.team, f).map(|d| d.code().to_string());
        let checks = lc.reinspections(&rules.office.calendar, &rules.office.loop_rules);
        db.execute(
            "INSERT INTO ledger_hazards (id, inspection_id, enterprise_id, enterprise, department, industry, township,
               grade, major, state, found_on, original_due, due, closed_on, escalation, description, location,
               officers, self_reported, listed, reinspections, reinspections_on_time, reinspected_on, item_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
               $22, $23, $24)",
            args![
                f.id.to_string(),
                doc,
                inspection.enterprise.to_string(),
                &inspection.enterprise_name,
                department,
                &inspection.industry,
                &township,
                &f.grade,
                i64::from(lc.major),
                lc.state.code(),
                local_date(&f.found_at.0).to_string(),
                lc.original_deadline.to_string(),
                lc.deadline.to_string(),
                lc.closed_at.map(|t| local_date(&t.0).to_string()),
                lc.escalation.map(|l| l.code()),
                &f.description,
                &f.location,
                &officers,
                i64::from(inspection.self_reported),
                i64::from(lc.listing.is_some() || lc.applied.iter().any(|e| e.kind == EventKind::Listed)),
                checks.len() as i64,
                checks.iter().filter(|c| c.on_time).count() as i64,
                checks.last().map(|c| c.on.to_string()),
                f.item_code.as_ref()
            ],
        )
        .map_err(storage)?;
    }
    Ok(())
}

/// Writes an enterprise file's row (the dossiers' list and the statistics'
/// denominators).
pub fn enterprise(db: &mut dyn Sql, e: &lianjian_core::model::Enterprise) -> Result<()> {
    db.execute(
        "INSERT INTO office_enterprises (id, name, credit_code, industry, grid, township, risk)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code,
           industry = excluded.industry, grid = excluded.grid, township = excluded.township, risk = excluded.risk",
        args![
            e.id.to_string(),
            &e.name,
            e.credit_code.to_string(),
            &e.industry,
            &e.grid,
            township_of(&e.grid),
            e.risk.code()
        ],
    )
    .map_err(storage)?;
    Ok(())
}
