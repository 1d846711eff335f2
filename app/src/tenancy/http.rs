//! The CSV export of the website table (a download, so a plain GET route): exactly the rows and
//! order the page shows for the same filter.
use axum::{
    extract::Query,
    response::Response,
};

use super::WebsiteFilter;
use crate::{
    backend::{
        csv_export::{csv_response, CsvExport},
        route::{Asker, query},
    },
    i18n::Msg,
};

pub async fn export_websites_csv(
    ask: Asker,
    filter: Result<Query<WebsiteFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let today = state.today();
        let reader = crate::tenancy::scope::website_reader(&state.db, actor, today).await?;
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
    })
    .await
}
