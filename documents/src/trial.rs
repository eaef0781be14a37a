//! Checking a template set before the office imports it: every form it
//! holds is laid out with a demo inspection (signed, with an interview and
//! a refusal-free findings list) on its first day in force. A set that does
//! not compile, names a font or a field that does not exist, or lacks an
//! issuer is refused with the form and the reason; nothing is imported.

use chrono::{FixedOffset, TimeZone};

use lianjian_core::model::Department;
use lianjian_core::signing::RecordRef;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::render::{render_inspection, Context, Request};
use crate::templates::{TemplateSet, Templates};

/// Lays out every form of `set` with demo data; the first failure is the error.
pub fn trial(engine: &Engine, set: &TemplateSet) -> Result<()> {
    let mut templates = Templates::bundled();
    templates.add(set.clone());
    let before = engine.templates();
    engine.set_templates(templates);
    let result = run(engine, set);
    engine.set_templates(before);
    result
}

fn run(engine: &Engine, set: &TemplateSet) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (mut store, insp, team, interview) = crate::demo::inspection_with_interview(dir.path(), 3, 2)?;
    for record in [RecordRef::Findings, RecordRef::SiteRecord] {
        crate::demo::sign(&mut store, &insp, &team, &record, None)?;
    }
    let interview = interview.expect("asked for one");
    crate::demo::sign_interview(&mut store, &insp, &team, interview)?;
    let ctx = Context { scheme: store.grade_scheme().clone(), enterprise: store.enterprise(&insp.enterprise).ok() };
    let doc = store.inspection_doc(&insp.id)?;
    let day = set.manifest.effective_from.and_hms_opt(12, 0, 0).expect("noon exists");
    let issued_at = FixedOffset::east_opt(8 * 3600).expect("UTC+8").from_local_datetime(&day).unwrap();
    let department = set
        .manifest
        .issuers
        .keys()
        .next()
        .and_then(|c| Department::from_code(c).ok())
        .ok_or_else(|| Error::BadTemplate("manifest.toml 未配置任何发文部门".into()))?;
    for code in set.manifest.forms.keys() {
        let kind = FormKind::from_code(code).expect("checked by TemplateSet::new");
        let mut req = Request::new(kind, department, issued_at);
        req.office = set.manifest.office.clone();
        req.number = kind.category().map(|c| format!("（试）{c}〔2026〕1号"));
        req.interview = Some(interview);
        req.origin = Some(("（试）责改〔2026〕1号".into(), req.date));
        req.delivered = vec!["责令限期整改指令书 （试）责改〔2026〕1号".into()];
        match render_inspection(engine, doc.automerge(), &ctx, &req) {
            Ok(_) | Err(Error::Incomplete { .. }) => {}
            Err(e) => return Err(Error::BadTemplate(format!("{}：{e}", kind.title()))),
        }
    }
    Ok(())
}
