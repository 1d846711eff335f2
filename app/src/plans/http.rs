//! Emergency response's routes that are not server functions: the CSV of a jurisdiction's drill
//! overview and the CSV of the incident list (every row the filter matches, not one page).
use axum::{
    extract::Query,
    response::Response,
};
use serde::Deserialize;

use crate::{
    backend::{
        csv_export::{csv_response, CsvExport},
        route::{Asker, query}, ServiceError,
    },
    i18n::Msg,
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
    ask: Asker,
    filter: Result<Query<OverviewQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = super::scope::er_reader(&state.db, actor, state.today()).await?;
        // Only a jurisdiction compares agencies.
        if !reader.is_jurisdiction() {
            return Err(ServiceError::Forbidden);
        }
        let rows = super::service::drill_overview_rows(&state.db, &state.caches, &reader, &filter.search, !filter.overdue.is_empty(), state.today())
            .await?;
        let mut csv = CsvExport::new();
        csv.row([Msg::ErAgency, Msg::ErOverdueDrills, Msg::ErDueSoonDrills, Msg::ErPlansOverdue, Msg::ErActionsOverdue].map(|m| m.text(locale)))?;
        let words = |cs: &[super::DrillCategory]| cs.iter().map(|c| c.label().text(locale)).collect::<Vec<_>>().join("; ");
        for r in rows {
            csv.row([r.agency.name.clone(), words(&r.overdue), words(&r.due_soon), r.plans_overdue.to_string(), r.actions_overdue.to_string()])?;
        }
        Ok(csv_response("drill-overview", state.today(), csv.finish()?))
    })
    .await
}

/// `GET /incidents/export.csv`: every incident in reach matching the list's filter.
pub async fn export_incidents_csv(
    ask: Asker,
    filter: Result<Query<super::IncidentFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = super::scope::incident_reader(&state.db, actor, state.today()).await?;
        let rows = super::service::incident_rows_all(&state.db, &reader, &filter, state.clock.now(), &actor.time_zone).await?;
        let mut csv = CsvExport::new();
        csv.row(
            [
                Msg::ErIncident,
                Msg::ErAgency,
                Msg::ErWebsites,
                Msg::ErCategoryLabel,
                Msg::ErLevelLabel,
                Msg::ErStateLabel,
                Msg::ErOpenedBy,
                Msg::ErMsDetected,
                Msg::ErToCsp,
                Msg::ErToRegulator,
                Msg::ErMissedReports,
            ]
            .map(|m| m.text(locale)),
        )?;
        let timing = |t: &super::ReportTimingView| match (t.minutes, &t.due) {
            (Some(m), _) => format!("{m} min{}", if t.breached() { " !" } else { "" }),
            (None, Some(due)) => format!("{due}{}", if t.breached() { " !" } else { "" }),
            _ => String::new(),
        };
        for r in rows {
            csv.row([
                r.title.clone(),
                r.agency.clone(),
                r.websites.join("; "),
                r.category.label().text(locale).to_string(),
                r.level.code().to_string(),
                r.status.label().text(locale).to_string(),
                format!("{} {}", r.opened_by_org, r.opened_at),
                r.detected_at.clone().unwrap_or_default(),
                timing(&r.to_csp),
                timing(&r.to_regulator),
                r.missed_reports.to_string(),
            ])?;
        }
        Ok(csv_response("incidents", state.today(), csv.finish()?))
    })
    .await
}
