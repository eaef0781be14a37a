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
    for f in inspection.findings.values() {
        let (_, lc) = standing(&rules.office.calendar, scheme, f, &events);
        let department = issuing_department(&inspection.team, f).map(|d| d.code().to_string());
        db.execute(
            "INSERT INTO ledger_hazards (id, inspection_id, enterprise_id, enterprise, department, industry, township,
               grade, major, state, found_on, original_due, due, closed_on, escalation, description, location,
               officers, self_reported)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
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
                i64::from(inspection.self_reported)
            ],
        )
        .map_err(storage)?;
    }
    Ok(())
}
