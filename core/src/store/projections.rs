//! Projections: the lists the apps show (inspections by status, hazards by
//! deadline, an enterprise's history) as plain indexed tables.
//!
//! They are derived from the documents only, never from local clocks or who
//! happened to merge, so every replica that holds the same documents holds
//! the same rows. They are refreshed in the same SQLite transaction as the
//! change that affects them, using the automerge diff to touch only the rows
//! a change reaches, and can be rebuilt from the documents at any time.

use std::collections::BTreeSet;

use automerge::{Automerge, ChangeHash, Prop, ReadDoc, Value, ROOT};
use chrono::NaiveDate;
use rusqlite::{params, Transaction};

use crate::doc::closed_loop::standing;
use crate::doc::conflicts::{significant_conflict, SIGNIFICANT_FINDING_FIELDS, SIGNIFICANT_RESPONSE_FIELDS};
use crate::doc::fields::{object, root_map, string};
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::office::OfficeData;
use crate::rules::deadline::{local_date, Deadline};
use crate::rules::lifecycle::{EventKind, HazardState};

/// Which finding rows a change can have reached.
#[derive(Debug, Clone)]
pub enum Reach<'a> {
    /// Everything (a new or rebuilt document).
    Everything,
    /// Whatever changed since these heads, found with the automerge diff
    /// (merges from other replicas; the diff costs time proportional to the
    /// document, so local edits say what they touched instead).
    Since(&'a [ChangeHash]),
    /// Exactly these findings (ids), as known from the local edits.
    Findings(BTreeSet<String>),
}

/// What a set of changes touched.
#[derive(Debug, Default)]
struct Touched {
    findings: BTreeSet<String>,
    all_findings: bool,
}

fn touched(doc: &Automerge, reach: Reach<'_>) -> Touched {
    let before = match reach {
        Reach::Everything => return Touched { all_findings: true, ..Touched::default() },
        Reach::Findings(findings) => return Touched { findings, all_findings: false },
        Reach::Since([]) => return Touched { all_findings: true, ..Touched::default() },
        Reach::Since(before) => before,
    };
    let mut t = Touched::default();
    for patch in doc.diff(before, &doc.get_heads()) {
        let in_findings = matches!(patch.path.first(), Some((_, Prop::Map(k))) if k == "findings");
        // An event or report names its hazard inside its value: refresh them all.
        let in_loop = matches!(patch.path.first(), Some((_, Prop::Map(k)))
            if k == crate::doc::closed_loop::EVENTS || k == crate::doc::closed_loop::REPORTS
                || k == crate::doc::closed_loop::PLANS);
        if patch.obj == ROOT {
            if let automerge::PatchAction::PutMap { key, .. } = &patch.action {
                if key == "findings" || key == crate::doc::closed_loop::EVENTS {
                    t.all_findings = true;
                }
            }
        } else if in_loop {
            t.all_findings = true;
        } else if in_findings {
            match patch.path.get(1) {
                Some((_, Prop::Map(id))) => {
                    t.findings.insert(id.clone());
                }
                _ => match &patch.action {
                    automerge::PatchAction::PutMap { key, .. } | automerge::PatchAction::DeleteMap { key } => {
                        t.findings.insert(key.clone());
                    }
                    _ => t.all_findings = true,
                },
            }
        }
    }
    t
}

/// The time of the latest change among the heads: the "last edited" shown in
/// lists, the same on every replica.
fn updated_at(doc: &Automerge) -> String {
    let ms =
        doc.get_heads().iter().filter_map(|h| doc.get_change_meta_by_hash(h).map(|m| m.timestamp)).max().unwrap_or(0);
    Timestamp::from_unix_millis(ms).to_string()
}

fn count_conflicts(doc: &Automerge) -> Result<i64> {
    let mut n = 0;
    for (map, fields) in [("findings", SIGNIFICANT_FINDING_FIELDS), ("responses", SIGNIFICANT_RESPONSE_FIELDS)] {
        let parent = root_map(doc, map)?;
        for key in doc.keys(&parent) {
            if doc.get_all(&parent, key.as_str())?.len() > 1 {
                n += 1;
                continue;
            }
            let obj = object(doc, &parent, &key, map)?;
            for f in fields {
                if significant_conflict(doc, &obj, f)? {
                    n += 1;
                }
            }
        }
    }
    Ok(n)
}

/// Refreshes the rows of inspection `id` that `reach` covers. Only changes
/// from other replicas (and resolutions) can add or remove conflicts, so
/// local edits pass `recount_conflicts = false` and skip the scan of every
/// field.
pub fn refresh_inspection(
    tx: &Transaction<'_>,
    office: &OfficeData,
    id: &str,
    doc: &Automerge,
    reach: Reach<'_>,
    recount_conflicts: bool,
) -> Result<()> {
    let req = |k: &str| -> Result<String> {
        string(doc, &ROOT, k)?.ok_or_else(|| Error::Schema(format!("inspection {id} has no {k}")))
    };
    let enterprise = req("enterprise")?;
    let status = req("status")?;
    let started = string(doc, &ROOT, "started_at")?;
    let everything = matches!(reach, Reach::Everything);
    let conflicts = if recount_conflicts || everything { Some(count_conflicts(doc)?) } else { None };
    tx.prepare_cached(
        "INSERT INTO inspections (id, enterprise_id, enterprise_name, status, plan_id, started_at, updated_at, conflicts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, 0))
         ON CONFLICT(id) DO UPDATE SET enterprise_id = excluded.enterprise_id, enterprise_name = excluded.enterprise_name,
           status = excluded.status, plan_id = excluded.plan_id, started_at = excluded.started_at,
           updated_at = excluded.updated_at, conflicts = COALESCE(?8, inspections.conflicts)",
    )?
    .execute(params![id, enterprise, req("enterprise_name")?, status, string(doc, &ROOT, "plan")?, started, updated_at(doc), conflicts])?;

    let touched = touched(doc, reach);
    let findings = root_map(doc, "findings")?;
    let scheme = office.scheme(&req("grade_scheme")?).ok();
    let events = crate::doc::closed_loop::hazard_events(doc)?;
    let self_reported = matches!(doc.get(ROOT, "self_reported")?, Some((Value::Scalar(v), _))
        if matches!(v.as_ref(), automerge::ScalarValue::Boolean(true)));
    let rules = DeadlineRules {
        calendar: &office.calendar,
        scheme,
        loop_rules: &office.loop_rules,
        events: &events,
        self_reported,
    };
    if touched.all_findings {
        tx.prepare_cached("DELETE FROM findings WHERE inspection_id = ?1")?.execute([id])?;
        for key in doc.keys(&findings) {
            refresh_finding(tx, &rules, doc, id, &enterprise, &findings, &key)?;
        }
    } else {
        for key in &touched.findings {
            refresh_finding(tx, &rules, doc, id, &enterprise, &findings, key)?;
        }
    }

    let (total, open): (i64, i64) = tx
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE life_state != 'closed') FROM findings WHERE inspection_id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let inspected_on = match started.or(string(doc, &ROOT, "scheduled_at")?) {
        Some(t) => Some(local_date(&Timestamp::parse(&t)?.0).to_string()),
        None => None,
    };
    tx.prepare_cached(
        "INSERT INTO enterprise_history (enterprise_id, inspection_id, inspected_on, status, findings_total, findings_open)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(enterprise_id, inspection_id) DO UPDATE SET inspected_on = excluded.inspected_on,
           status = excluded.status, findings_total = excluded.findings_total, findings_open = excluded.findings_open",
    )?
    .execute(params![enterprise, id, inspected_on, status, total, open])?;
    refresh_evidence(tx, id, &enterprise, doc, everything)?;
    Ok(())
}

/// Re-indexes an inspection's evidence when it may have changed. Evidence
/// records are only ever added, so an unchanged count means unchanged rows
/// and the common edit costs one indexed count.
fn refresh_evidence(tx: &Transaction<'_>, id: &str, enterprise: &str, doc: &Automerge, everything: bool) -> Result<()> {
    let Some((Value::Object(_), map)) = doc.get(ROOT, "evidence")? else { return Ok(()) };
    let held: i64 = tx
        .prepare_cached("SELECT count(*) FROM evidence_index WHERE inspection_id = ?1")?
        .query_row([id], |r| r.get(0))?;
    if !everything && held == doc.length(&map) as i64 {
        return Ok(());
    }
    tx.prepare_cached("DELETE FROM evidence_index WHERE inspection_id = ?1")?.execute([id])?;
    let all: std::collections::BTreeMap<String, crate::evidence::EvidenceMeta> =
        autosurgeon::hydrate_prop(doc, ROOT, "evidence")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO evidence_index (inspection_id, sha256, enterprise_id, kind, purpose, phash, captured_at, flags)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (sha, meta) in all {
        insert.execute(params![
            id,
            sha,
            enterprise,
            meta.kind.code(),
            meta.purpose.code(),
            meta.phash,
            meta.captured_at.map(|t| t.to_string()),
            meta.flags.len() as i64
        ])?;
    }
    Ok(())
}

/// What a listed deadline is computed with.
struct DeadlineRules<'a> {
    calendar: &'a crate::rules::calendar::HolidayCalendar,
    /// The inspection's scheme; `None` if this device does not hold it yet
    /// (the deadline on file is listed then).
    scheme: Option<&'a crate::rules::grades::GradeScheme>,
    /// When the 复查 falls due.
    loop_rules: &'a crate::rules::lifecycle::LoopRules,
    /// The inspection's hazard events.
    events: &'a [crate::rules::lifecycle::HazardEvent],
    /// The enterprise's own self-inspection.
    self_reported: bool,
}

fn refresh_finding(
    tx: &Transaction<'_>,
    rules: &DeadlineRules<'_>,
    doc: &Automerge,
    inspection: &str,
    enterprise: &str,
    findings: &automerge::ObjId,
    key: &str,
) -> Result<()> {
    let all = doc.get_all(findings, key)?;
    let Some((Value::Object(_), obj)) = all.last().cloned() else {
        tx.prepare_cached("DELETE FROM findings WHERE id = ?1")?.execute([key])?;
        return Ok(());
    };
    let field = |k: &str| -> Result<String> {
        string(doc, &obj, k)?.ok_or_else(|| Error::Schema(format!("finding {key} has no {k}")))
    };
    let found_at = field("found_at")?;
    // A malformed time is refused here, not read as some other day.
    Timestamp::parse(&found_at)?;
    let finding = <crate::model::Finding as autosurgeon::Hydrate>::hydrate_map(doc, &obj)?;
    let (in_force, settled) = standing(rules.calendar, rules.scheme, &finding, rules.events);
    let deadline = in_force.deadline;
    let state = settled.state;
    let returned_reason = match settled.applied.last() {
        Some(e) if state == HazardState::Rectifying && matches!(e.kind, EventKind::Returned | EventKind::Failed) => {
            e.reason.clone()
        }
        _ => None,
    };
    let mut conflicted = all.len() > 1;
    for f in SIGNIFICANT_FINDING_FIELDS {
        conflicted |= significant_conflict(doc, &obj, f)?;
    }
    tx.prepare_cached(
        "INSERT INTO findings (id, inspection_id, enterprise_id, grade, due_date, immediate, status, description, found_at,
           conflicted, provisional, deadline_changed, life_state, original_due, reinspection_due, closed_at,
           returned_reason, escalation, self_reported, listing)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
         ON CONFLICT(id) DO UPDATE SET grade = excluded.grade, due_date = excluded.due_date, immediate = excluded.immediate,
           status = excluded.status, description = excluded.description, found_at = excluded.found_at,
           conflicted = excluded.conflicted, provisional = excluded.provisional,
           deadline_changed = excluded.deadline_changed, life_state = excluded.life_state,
           original_due = excluded.original_due, reinspection_due = excluded.reinspection_due,
           closed_at = excluded.closed_at, returned_reason = excluded.returned_reason,
           escalation = excluded.escalation, self_reported = excluded.self_reported,
           listing = excluded.listing",
    )?
    .execute(params![
        key,
        inspection,
        enterprise,
        field("grade")?,
        settled.deadline.to_string(),
        finding.immediate_measure.is_some() || deadline == Deadline::Immediate,
        field("status")?,
        field("description")?,
        found_at,
        conflicted,
        in_force.provisional.is_some(),
        in_force.changed_from.is_some(),
        state.code(),
        settled.original_deadline.to_string(),
        settled.reinspection_due(rules.calendar, rules.loop_rules).map(|d| d.to_string()),
        settled.closed_at.map(|t| t.to_string()),
        returned_reason,
        settled.escalation.map(|l| l.code()),
        rules.self_reported,
        settled.listing.as_ref().map(|l| l.level.code()),
    ])?;
    Ok(())
}

/// A hazard as listed (one row of the `findings` projection).
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    /// Finding id.
    pub id: String,
    /// Inspection it belongs to.
    pub inspection_id: String,
    /// Enterprise.
    pub enterprise_id: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Grade code.
    pub grade: String,
    /// Due date of the deadline in force (the day set, for a legacy
    /// immediate deadline).
    pub due_date: NaiveDate,
    /// Whether an immediate measure (stop work, evacuate, ...) was ordered.
    pub immediate: bool,
    /// Whether the deadline rests on the fallback rule (a year without an
    /// official calendar) and will be recomputed.
    pub provisional: bool,
    /// Whether the deadline in force differs from the one on file.
    pub deadline_changed: bool,
    /// Status code.
    pub status: String,
    /// Description.
    pub description: String,
    /// Whether a significant field is in conflict.
    pub conflicted: bool,
    /// Where the hazard stands in its life cycle (`rules::lifecycle`).
    pub life_state: String,
    /// The order's deadline (按期 is measured against it).
    pub original_due: Option<NaiveDate>,
    /// When the 复查 is due (none once closed).
    pub reinspection_due: Option<NaiveDate>,
    /// When it was closed (销号), RFC 3339.
    pub closed_at: Option<String>,
    /// Why the last report was returned or the 复查 failed, while the
    /// enterprise is at it again.
    pub returned_reason: Option<String>,
    /// The office's last step against it (`reminder` … `public_notice`).
    pub escalation: Option<String>,
    /// Found by the enterprise itself (自查自报).
    pub self_reported: bool,
    /// 挂牌督办 level while listed (`province`, `city`, `county`).
    pub listing: Option<String>,
}

/// One line of an enterprise's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryRow {
    /// Inspection id.
    pub inspection_id: String,
    /// Local date inspected (or scheduled).
    pub inspected_on: Option<NaiveDate>,
    /// Inspection status code.
    pub status: String,
    /// Hazards found.
    pub findings_total: i64,
    /// Hazards not yet closed.
    pub findings_open: i64,
}

/// An inspection as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectionRow {
    /// Id.
    pub id: String,
    /// Enterprise id.
    pub enterprise_id: String,
    /// Enterprise name.
    pub enterprise_name: String,
    /// Status code.
    pub status: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Unresolved conflicts on significant fields.
    pub conflicts: i64,
}

/// Deletes every projection row (before a rebuild).
pub fn clear(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM enterprise_history; DELETE FROM findings; DELETE FROM inspections; DELETE FROM evidence_index;
         DELETE FROM enterprises; DELETE FROM checklists;",
    )?;
    Ok(())
}
