//! The inspection's own fields: created once, then only its status moves
//! (with the times that go with it), its outcome is chosen, conflicts are
//! resolved, and its team changes under the team rule. Everything else the
//! creating change wrote stays as written.

use automerge::{Automerge, ReadDoc, ROOT};

use super::refusal::{under, Refusal, Rule};
use super::touched::COLLECTIONS;
use super::{hydrate, hydrate_opt, Step};
use crate::doc::conflicts::Resolution;
use crate::model::{Inspection, InspectionStatus, OutcomeChoice, TeamMember};
use crate::rules::permissions::{Action, Role};
use crate::rules::transitions::inspection_transition;

/// The inspection's status at a view (`None` before it exists).
pub(super) fn status<D: autosurgeon::ReadDoc>(doc: &D) -> Result<Option<InspectionStatus>, Refusal> {
    let code: Option<String> = hydrate_opt(doc, ROOT, "status")?;
    code.map(|c| InspectionStatus::from_code(&c).map_err(|_| Refusal::new(Rule::Schema, "检查状态无法识别")))
        .transpose()
}

/// The root fields a change wrote.
pub(super) fn check(s: &Step<'_>) -> Result<(), Refusal> {
    if s.creating {
        return check_creation(s);
    }
    for key in &s.touched.root {
        match key.as_str() {
            "status" => check_status(s)?,
            "started_at" | "ended_at" if s.touched.root.contains("status") => {}
            "outcome" => check_outcome(s)?,
            "resolutions" => check_resolutions(s)?,
            // Maps added to the layout later are created by the first writer.
            c if COLLECTIONS.contains(&c) && ReadDoc::get(&s.before, ROOT, c).ok().flatten().is_none() => {}
            c if COLLECTIONS.contains(&c) => {
                return Err(Refusal::new(Rule::Immutable, format!("整个「{c}」集合被替换或删除")));
            }
            other => {
                return Err(Refusal::new(Rule::Immutable, format!("检查创建后不能修改「{other}」")));
            }
        }
    }
    if (s.touched.root.contains("status") || s.touched.entries.contains_key("team"))
        && s.status_after.is_some_and(on_site)
    {
        check_team(&s.after)?;
    }
    Ok(())
}

/// Whether the team is at work or has signed: the team rule holds then.
fn on_site(status: InspectionStatus) -> bool {
    matches!(status, InspectionStatus::InProgress | InspectionStatus::AwaitingSignature | InspectionStatus::Signed)
}

/// A new inspection: created by the office or by its own team lead, as a draft.
fn check_creation(s: &Step<'_>) -> Result<(), Refusal> {
    // The enterprise's own self-inspection: its user, no team (the author's
    // enterprise was matched against the record's when the role was read).
    if s.self_reported {
        let team: std::collections::BTreeMap<String, TeamMember> = hydrate(&s.after, ROOT, "team")?;
        if s.role != Role::Enterprise || !team.is_empty() {
            return Err(Refusal::new(Rule::Forbidden, "自查记录须由企业本身创建，且不设检查组"));
        }
    } else if !matches!(s.role, Role::Office | Role::TeamLead) {
        return Err(Refusal::new(Rule::Forbidden, "检查须由联检办或本组组长创建"));
    }
    if s.status_after != Some(InspectionStatus::Draft) {
        return Err(Refusal::new(Rule::Transition, "新检查须为草稿状态"));
    }
    for c in ["signatures", "refusals", "resolutions"] {
        if ReadDoc::get(&s.after, ROOT, c).ok().flatten().is_some_and(|(_, obj)| s.after.length(&obj) > 0) {
            return Err(Refusal::new(Rule::Signing, format!("新检查不能带有「{c}」")));
        }
    }
    Ok(())
}

/// The status moves by one allowed transition, allowed for the role.
fn check_status(s: &Step<'_>) -> Result<(), Refusal> {
    let (Some(from), Some(to)) = (s.status_before, s.status_after) else {
        return Err(Refusal::new(Rule::Schema, "检查状态缺失"));
    };
    if from == to {
        return Ok(());
    }
    let allowed = inspection_transition(from, to).is_ok_and(|action| crate::rules::permissions::allows(s.role, action));
    if allowed {
        Ok(())
    } else {
        Err(Refusal::new(
            Rule::Transition,
            format!("{}不能将检查从「{}」改为「{}」", s.role.label(), from.label(), to.label()),
        ))
    }
}

/// A stronger outcome than the findings give, with its reason, by the one who chose it.
fn check_outcome(s: &Step<'_>) -> Result<(), Refusal> {
    s.permit(Action::GradeFinding)?;
    s.editable()?;
    let choice: Option<OutcomeChoice> = hydrate_opt(&s.after, ROOT, "outcome")?;
    let Some(choice) = choice else { return Err(Refusal::new(Rule::Deleted, "检查结论的选择不能删除")) };
    if choice.by != s.author.person {
        return Err(Refusal::new(Rule::Forbidden, "检查结论须由本人选择"));
    }
    let inspection: Inspection =
        autosurgeon::hydrate(&s.after).map_err(|_| Refusal::new(Rule::Schema, "检查无法读取"))?;
    let derived = crate::rules::outcome::derived_outcome(&inspection);
    under(Rule::Deadline, crate::rules::outcome::check_choice(derived, choice.outcome, &choice.reason))
}

/// Resolutions are appended, by the team lead, in their own name.
fn check_resolutions(s: &Step<'_>) -> Result<(), Refusal> {
    let before: Vec<Resolution> = hydrate_opt(&s.before, ROOT, "resolutions")?.unwrap_or_default();
    let after: Vec<Resolution> = hydrate_opt(&s.after, ROOT, "resolutions")?.unwrap_or_default();
    if after.len() < before.len() || after[..before.len()] != before[..] {
        return Err(Refusal::new(Rule::Deleted, "冲突处理记录只能追加"));
    }
    if after.len() > before.len() {
        s.permit(Action::ResolveConflict)?;
    }
    if after[before.len()..].iter().any(|r| r.by != s.author.person) {
        return Err(Refusal::new(Rule::Forbidden, "冲突处理记录须以本人名义记录"));
    }
    Ok(())
}

/// The team rule on a view.
pub(super) fn check_team<D: autosurgeon::ReadDoc>(doc: &D) -> Result<(), Refusal> {
    let team: std::collections::BTreeMap<String, TeamMember> = hydrate(doc, ROOT, "team")?;
    let industry: String = hydrate(doc, ROOT, "industry")?;
    let required: Option<bool> = hydrate_opt(doc, ROOT, "qualification_required")?;
    under(Rule::Team, crate::rules::team::validate_team(team.values(), &industry, required.unwrap_or(false)))
}

/// A signed inspection has every record signed or refused.
pub(super) fn check_signable(doc: &Automerge) -> Result<(), Refusal> {
    let checks = under(Rule::Signing, crate::signing::verify::verify_all(doc))?;
    let inspection: Inspection = autosurgeon::hydrate(doc).map_err(|_| Refusal::new(Rule::Schema, "检查无法读取"))?;
    let problems = crate::rules::signing::finalize_problems(&inspection, &checks);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Refusal::new(Rule::Signing, problems.join("；")))
    }
}
