//! Emergency response's routes that are not server functions: the CSV of a jurisdiction's drill
//! overview (every row the filter matches, not one page).
use axum::{
    extract::{Query, State},
    response::Response,
    Extension,
};
use serde::Deserialize;

use crate::{
    backend::{
        actor::Actor,
        csv_export::{csv_response, CsvExport},
        request::RequestMeta,
        route::{query, respond, signed_in},
        AppState, ServiceError,
    },
    i18n::{Locale, Msg},
};

/// The overview's filter, as its page sends it.
#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub overdue: String,
}

/// `GET /emergency/drills.csv`: every agency in reach matching the overview's filter.
pub async fn export_drill_overview_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    filter: Result<Query<OverviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = signed_in(actor)?;
        let filter = query(filter)?;
        let reader = super::scope::er_reader(&state.db, &actor, state.today()).await?;
        // Only a jurisdiction compares agencies.
        if !reader.is_jurisdiction() {
            return Err(ServiceError::Forbidden);
        }
        let rows = super::service::drill_overview_rows(&state.db, &reader, &filter.search, !filter.overdue.is_empty(), state.today())
            .await?;
        let mut csv = CsvExport::new();
        csv.row([Msg::ErAgency, Msg::ErOverdueDrills, Msg::ErDueSoonDrills, Msg::ErPlansOverdue, Msg::ErActionsOverdue].map(|m| m.text(locale)))?;
        let words = |cs: &[super::DrillCategory]| cs.iter().map(|c| c.label().text(locale)).collect::<Vec<_>>().join("; ");
        for r in rows {
            csv.row([r.agency.name.clone(), words(&r.overdue), words(&r.due_soon), r.plans_overdue.to_string(), r.actions_overdue.to_string()])?;
        }
        Ok(csv_response("drill-overview", state.today(), csv.finish()?))
    }
    .await;
    respond(result, &meta, locale)
}
