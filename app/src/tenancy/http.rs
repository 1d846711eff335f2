//! The CSV export of the website table (a download, so a plain GET route): exactly the rows and
//! order the page shows for the same filter.
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension,
};

use super::WebsiteFilter;
use crate::{
    backend::{
        actor::Actor,
        csv_export::{csv_response, CsvExport},
        form::status_of,
        policy,
        request::RequestMeta,
        AppState, ServiceError,
    },
    i18n::{Locale, Msg},
};

pub async fn export_websites_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    filter: Result<Query<WebsiteFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return (StatusCode::UNAUTHORIZED, Msg::ErrNotSignedIn.text(locale)).into_response();
    };
    let Ok(Query(filter)) = filter else {
        return (StatusCode::BAD_REQUEST, Msg::ErrBadRequest.text(locale)).into_response();
    };
    let result = async {
        if actor.must_change_password {
            return Err(ServiceError::MustChangePassword);
        }
        let today = state.today();
        let reader = policy::website_reader(&state.db, &actor, today).await?;
        let rows = super::service::websites::list_websites(&state.db, &reader, today, &filter).await?;
        let mut w = CsvExport::new();
        let header = [
            Msg::Agency,
            Msg::Website,
            Msg::Domain,
            Msg::ProtectionLevel,
            Msg::ServiceModelLabel,
            Msg::DeploymentModelLabel,
            Msg::PhaseLabel,
            Msg::PhaseSince,
            Msg::SecurityOfficer,
            Msg::Flags,
        ];
        w.row(header.iter().map(|m| m.text(locale)))?;
        for r in rows {
            let flags: Vec<&str> = r.flags.iter().map(|f| f.label().text(locale)).collect();
            w.row([
                r.agency_name.as_str(),
                r.name.as_str(),
                r.domain.as_str(),
                &r.protection_level.to_string(),
                r.service_model.label().text(locale),
                r.deployment_model.label().text(locale),
                r.phase.label().text(locale),
                r.phase_since.as_str(),
                r.security_officer.as_deref().unwrap_or(""),
                &flags.join("; "),
            ])?;
        }
        w.finish()
    }
    .await;
    match result {
        Ok(bytes) => csv_response("websites", state.today(), bytes),
        Err(e) => {
            let e = e.into_app_error(&meta.request_id);
            (status_of(&e), e.message(locale)).into_response()
        }
    }
}
