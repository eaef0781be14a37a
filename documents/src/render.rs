//! From a stored inspection to a laid-out form: read the record, verify its
//! signatures (a record changed after signing is refused), fill the form's
//! fields and images, and hand them to the engine.

use std::collections::BTreeMap;

use automerge::Automerge;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::to_value;

use lianjian_core::model::{Department, Enterprise, Inspection, InterviewId};
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::signing::verify::verify_all;
use lianjian_core::signing::RecordRef;

use crate::engine::{Engine, FormData, Rendered};
use crate::error::{Error, Result};
use crate::forms::{decision, hazard_list, interview, order, receipt, review, site_record, FormKind};
use crate::signatures::{blocks, record_hash, unsigned};

/// What to print.
#[derive(Clone, Debug)]
pub struct Request {
    /// The form.
    pub kind: FormKind,
    /// Its number, for numbered forms (from the number ledger).
    pub number: Option<String>,
    /// The issuing department (for a 隐患清单: the department it lists).
    pub department: Department,
    /// The office whose templates apply.
    pub office: String,
    /// The document's date (selects the template in force).
    pub date: NaiveDate,
    /// When it is issued.
    pub issued_at: DateTime<FixedOffset>,
    /// For a 询问笔录: which interview.
    pub interview: Option<InterviewId>,
    /// For a 整改复查意见书: the originating document's number and date.
    pub origin: Option<(String, NaiveDate)>,
    /// For a 送达回执: the documents delivered ("名称 文号").
    pub delivered: Vec<String>,
}

impl Request {
    /// A request for `kind` with no number and nothing form-specific.
    pub fn new(kind: FormKind, department: Department, issued_at: DateTime<FixedOffset>) -> Self {
        Request {
            kind,
            number: None,
            department,
            office: String::new(),
            date: issued_at.date_naive(),
            issued_at,
            interview: None,
            origin: None,
            delivered: vec![],
        }
    }
}

/// What the engine reads besides the inspection.
#[derive(Clone, Debug)]
pub struct Context {
    /// The inspection's grade scheme.
    pub scheme: GradeScheme,
    /// The enterprise's file, where the device holds it.
    pub enterprise: Option<Enterprise>,
}

/// The record a request prints (its signatures, its QR code).
pub fn record_of(req: &Request) -> Result<RecordRef> {
    Ok(match req.kind {
        FormKind::RectificationOrder => order::RECORD,
        FormKind::SiteRecord => site_record::RECORD,
        FormKind::OnSiteDecision => decision::RECORD,
        FormKind::ReviewOpinion => review::record(req.date),
        FormKind::ServiceReceipt => receipt::RECORD,
        FormKind::HazardList => hazard_list::RECORD,
        FormKind::Interview => interview::record(req.interview.ok_or_else(|| missing(req, "未指定询问记录"))?),
    })
}

fn missing(req: &Request, reason: &str) -> Error {
    Error::Incomplete { form: req.kind.title().into(), reason: reason.into() }
}

/// Renders `req.kind` for the inspection held in `doc`.
pub fn render_inspection(engine: &Engine, doc: &Automerge, ctx: &Context, req: &Request) -> Result<Rendered> {
    let inspection: Inspection = autosurgeon::hydrate(doc).map_err(lianjian_core::Error::from)?;
    let checks = verify_all(doc)?;
    let record = record_of(req)?;
    let mut images = BTreeMap::new();
    let sigs = match req.kind {
        FormKind::ServiceReceipt => unsigned(&inspection, &record),
        _ => blocks(&inspection, &checks, &record, &mut images)?,
    };
    let hash = record_hash(&inspection, &record)?;
    let number = || req.number.clone().ok_or_else(|| missing(req, "缺少文书编号"));
    let data = match req.kind {
        FormKind::RectificationOrder => {
            to_value(order::build(&inspection, &ctx.scheme, &number()?, req.date, sigs, hash.clone())?)
                .expect("forms serialize")
        }
        FormKind::SiteRecord => site_record::build(
            &inspection,
            ctx.enterprise.as_ref(),
            req.number.as_deref(),
            req.date,
            sigs,
            hash.clone(),
        ),
        FormKind::OnSiteDecision => decision::build(&inspection, &number()?, req.date, sigs, hash.clone())?,
        FormKind::ReviewOpinion => {
            let (n, d) = req.origin.as_ref().ok_or_else(|| missing(req, "缺少原指令书的编号和日期"))?;
            review::build(&inspection, &number()?, (n, *d), req.date, sigs, hash.clone())
        }
        FormKind::Interview => {
            interview::build(&inspection, req.interview.expect("checked by record_of"), sigs, hash.clone())?
        }
        FormKind::ServiceReceipt => receipt::build(&inspection, &req.delivered, req.date, sigs, hash.clone())?,
        FormKind::HazardList => hazard_list::build(&inspection, req.department, req.date, sigs, hash.clone()),
    };
    images.insert("/qr.svg".into(), crate::qr::svg(&hash));
    let form = FormData {
        kind: req.kind,
        office: req.office.clone(),
        department: req.department,
        date: req.date,
        issued_at: req.issued_at,
        ident: format!("{}-{}-{}", inspection.id, req.kind.code(), req.number.clone().unwrap_or_default()),
        data,
        images,
    };
    engine.render(&form)
}
