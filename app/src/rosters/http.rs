//! The roster routes that are not server functions: the CSV of a jurisdiction's duty desks (every
//! page of the overview) and a roster's hours per person for a month (for duty pay).
use axum::{
    extract::{Path, Query, State},
    response::Response,
    Extension,
};
use serde::Deserialize;
use uuid::Uuid;

use super::OverviewFilter;
use crate::{
    backend::{
        csv_export::csv_response,
        request::RequestMeta,
        route::{Asker, query, respond},
        AppState,
    },
    i18n::{Locale, Msg},
};

/// `GET /rosters/overview.csv`: every desk in reach matching the overview's filter.
pub async fn export_overview_csv(
    ask: Asker,
    filter: Result<Query<OverviewFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = super::scope::roster_reader(&state.db, actor, state.today()).await?;
        let header = [
            Msg::DutyOrganisation,
            Msg::DutyRoster,
            Msg::DutyPrimary,
            Msg::DutyBackup,
            Msg::DutyPhone,
            Msg::Email,
            Msg::DutyNextChange,
            Msg::DutyUncoveredSince,
            Msg::CsvRosterId,
        ]
        .map(|m| m.text(locale));
        let bytes = super::service::overview_csv_kept(
            &state.db,
            &state.caches,
            &reader,
            &filter,
            state.clock.now(),
            &actor.time_zone,
            header,
        )
        .await?;
        Ok(csv_response("duty-desks", state.today(), bytes))
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; none: this month.
    pub month: Option<String>,
}

/// `GET /rosters/{id}/hours.csv?month=YYYY-MM`: hours stood per person at a roster in reach (this
/// month when none is named).
pub async fn export_hours_csv(
    ask: Asker,
    Path(id): Path<String>,
    month: Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let id = id.parse::<Uuid>().map_err(|_| crate::backend::ServiceError::NotFound)?;
        let month = query(month)?.month.unwrap_or_else(|| state.today().to_string()[..7].to_string());
        let reader = super::scope::roster_reader(&state.db, actor, state.today()).await?;
        let header = [Msg::DutyMonth, Msg::DutyPerson, Msg::DutyPrimaryHours, Msg::DutyBackupHours, Msg::CsvPersonId]
            .map(|m| m.text(locale));
        let (stem, bytes) =
            super::service::hours_csv(&state.db, &reader, id, &month, state.clock.now(), header).await?;
        Ok(csv_response(&stem, state.today(), bytes))
    })
    .await
}

/// `GET /calendar/{token}.ics`: a calendar feed, read by calendar programs with its secret (no
/// session); an unknown or revoked secret is "not found".
pub async fn calendar_feed(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    Path(token): Path<String>,
) -> Response {
    use axum::{http::header, response::IntoResponse};
    let result = async {
        let text = super::service::feed_ics(&state.db, &token, state.clock.now()).await?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
                // The secret is in the address: never sent on as a referrer.
                (header::REFERRER_POLICY, "no-referrer"),
            ],
            text,
        )
            .into_response())
    }
    .await;
    respond(result, &meta, locale)
}
