//! The form on an enterprise's dossier that records an accident or a
//! substantiated complaint (`crate::incidents`), which the credit rule
//! reads for the draw.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use lianjian_core::rules::office_access::OfficeAction;

use crate::error::AppError;
use crate::incidents::{self, IncidentError, NewIncident};
use crate::state::AppState;

use super::session::Office;

/// What the form sends.
#[derive(Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    on_day: String,
    summary: String,
}

impl From<IncidentError> for AppError {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::UnknownEnterprise => AppError::NotFound("企业".into()),
            IncidentError::Db(d) => AppError::Db(d),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}

/// `POST /office/enterprises/{id}/incidents`.
pub async fn record(
    State(state): State<Arc<AppState>>,
    office: Office,
    Path(id): Path<String>,
    Form(f): Form<IncidentForm>,
) -> Result<Response, AppError> {
    office.require(OfficeAction::RecordIncident)?;
    office.check_csrf(&f.csrf)?;
    let back = format!("/office/enterprises/{}", crate::pages::encode_component(&id));
    super::blocking(&state, move |state| {
        let (now, today) = (state.clock.now(), state.clock.today());
        let mut db = state.lock();
        let new = NewIncident { enterprise: &id, kind: &f.kind, on_day: &f.on_day, summary: &f.summary };
        let who = office.0.user.id.clone();
        incidents::record(&mut *db.sql, &new, &who, &now.to_string(), today)?;
        let what = incidents::IncidentKind::from_code(&f.kind).map_or("", |k| k.label());
        super::record(
            &mut *db.sql,
            now,
            &who,
            "record_incident",
            None,
            format!("记录企业 {id} 的{what}（{}）", f.on_day),
        )
    })
    .await
    .map_err(AppError::page)?;
    Ok(super::see_other(back))
}
