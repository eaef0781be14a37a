//! From a stored inspection to a laid-out form: read the record, verify its
//! signatures (a record changed after signing is refused), fill the form's
//! fields and images, and hand them to the engine.

use std::collections::BTreeMap;

use automerge::Automerge;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::to_value;

use lianjian_core::model::{Department, Inspection};
use lianjian_core::rules::grades::GradeScheme;
use lianjian_core::signing::verify::verify_all;

use crate::engine::{Engine, FormData, Rendered};
use crate::error::{Error, Result};
use crate::forms::{order, FormKind};
use crate::signatures::{blocks, record_hash};

/// What to print.
#[derive(Clone, Debug)]
pub struct Request {
    /// The form.
    pub kind: FormKind,
    /// Its number, for numbered forms (from the number ledger).
    pub number: Option<String>,
    /// The issuing department.
    pub department: Department,
    /// The office whose templates apply.
    pub office: String,
    /// The document's date (selects the template in force).
    pub date: NaiveDate,
    /// When it is issued.
    pub issued_at: DateTime<FixedOffset>,
}

/// Renders `req.kind` for the inspection held in `doc`.
pub fn render_inspection(engine: &Engine, doc: &Automerge, scheme: &GradeScheme, req: &Request) -> Result<Rendered> {
    let inspection: Inspection = autosurgeon::hydrate(doc).map_err(lianjian_core::Error::from)?;
    let checks = verify_all(doc)?;
    let mut images = BTreeMap::new();
    let number = || {
        req.number
            .clone()
            .ok_or_else(|| Error::Incomplete { form: req.kind.title().into(), reason: "缺少文书编号".into() })
    };
    let (data, record) = match req.kind {
        FormKind::RectificationOrder => {
            let record = order::RECORD;
            let sigs = blocks(&inspection, &checks, &record, &mut images)?;
            let hash = record_hash(&inspection, &record)?;
            let form = order::build(&inspection, scheme, &number()?, req.date, sigs, hash.clone())?;
            (to_value(form).expect("forms serialize"), hash)
        }
        other => {
            return Err(Error::Incomplete { form: other.title().into(), reason: "此文书种类尚未提供".into() });
        }
    };
    images.insert("/qr.svg".into(), crate::qr::svg(&record));
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
