//! The CSV export of the website table (a download, so a plain GET route): exactly the rows and
//! order the page shows for the same filter.
use axum::{
    extract::{Query, State},
    response::Response,
    Extension,
};

use super::WebsiteFilter;
use crate::{
    backend::{
        actor::Actor,
        csv_export::{csv_response, CsvExport},
        request::RequestMeta,
        route::{query, respond, signed_in},
        AppState,
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
    let result = async {
        let actor = signed_in(actor)?;
        let filter = query(filter)?;
        let today = state.today();
        let reader = crate::tenancy::scope::website_reader(&state.db, &actor, today).await?;
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
        Ok(csv_response("websites", today, w.finish()?))
    }
    .await;
    respond(result, &meta, locale)
}
