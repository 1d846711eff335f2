//! The duty endpoints of `/api/v1`: who is on duty now at the desks in reach (a jurisdiction's as
//! recorded, a page of organisations at a time), a roster's timeline over a window, and a manager
//! adding an override — over the same services and policy as the pages.
use app::{
    backend::{actor::Acting, AppState, ServiceError},
    rosters::{rules::Span, service as duty, OnDutyRow, OverrideInput, OverviewFilter, Timeline},
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{parse_id, ready, ApiActor, Problem};

/// Desks with who is on duty now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DutyNowPage {
    pub desks: Vec<OnDutyRow>,
    /// Zero-based; a jurisdiction's desks come a page of 50 organisations at a time.
    pub page: u64,
    pub pages: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DutyNowQuery {
    /// Part of an organisation's name (a jurisdiction's view).
    q: Option<String>,
    /// Zero-based page (a jurisdiction's view).
    page: Option<u64>,
}

/// Who is on duty now at each desk in reach: one's own organisation's, the providers' serving an
/// agency, or — for a regulator — every desk of its agencies as last recorded (at most a minute old).
#[utoipa::path(get, path = "/api/v1/duty/now", tag = "duty", params(DutyNowQuery),
    responses(
        (status = 200, description = "Desks in reach", body = DutyNowPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to duty rosters", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn duty_now(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    query: Result<Query<DutyNowQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DutyNowPage>, Problem> {
    ready(&actor, &meta)?;
    let Query(q) = query.map_err(|e| Problem::from_service(malformed(e.body_text()), &meta))?;
    let reader = reader(&state, &actor, &meta).await?;
    let now = state.clock.now();
    if reader.is_jurisdiction() {
        let filter = OverviewFilter { q: q.q.unwrap_or_default(), uncovered: false, page: q.page.unwrap_or(0) };
        let o = duty::overview_kept(&state.db, &state.caches, &reader, &filter, now, &actor.time_zone)
            .await
            .map_err(|e| Problem::from_service(e, &meta))?;
        return Ok(Json(DutyNowPage {
            desks: o.rows.into_iter().map(|r| r.desk).collect(),
            page: o.page,
            pages: o.pages,
        }));
    }
    let desks = duty::on_duty_now(&state.db, &reader, now, &actor.time_zone)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok(Json(DutyNowPage { desks, page: 0, pages: 1 }))
}

/// A query string that does not read: the one "malformed request" answer.
fn malformed(_why: String) -> ServiceError {
    ServiceError::Malformed
}

/// The token's person's reach in rosters, or the problem saying why there is none.
async fn reader(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
) -> Result<app::rosters::scope::RosterReader, Problem> {
    app::rosters::scope::roster_reader(&state.db, actor, state.today())
        .await
        .map_err(|e| Problem::from_service(e, meta))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct WindowQuery {
    /// RFC 3339 (`2026-10-01T00:00:00+08:00`), or `YYYY-MM-DDTHH:MM` in the token's person's time
    /// zone; none: now.
    from: Option<String>,
    /// As `from`, at most 62 days after it; none: seven days after `from`.
    to: Option<String>,
}

/// A roster's timeline over a window: who is on duty stretch by stretch, the gaps in the required
/// cover (backups shown apart), and the covered share.
#[utoipa::path(get, path = "/api/v1/rosters/{id}/timeline", tag = "duty",
    params(("id" = Uuid, Path, description = "The roster"), WindowQuery),
    responses(
        (status = 200, description = "The timeline", body = Timeline),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or not in reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A window end unreadable, reversed, or longer than 62 days", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    query: Result<Query<WindowQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Timeline>, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let Query(q) = query.map_err(|e| Problem::from_service(malformed(e.body_text()), &meta))?;
    let reader = reader(&state, &actor, &meta).await?;
    let zone = duty::zone_of(&actor.time_zone);
    let instant = |field: &'static str, text: Option<&str>, default: jiff::Timestamp| match text.map(str::trim) {
        None | Some("") => Ok(default),
        Some(t) => duty::parse_instant(t, &zone)
            .ok_or_else(|| Problem::from_service(ServiceError::invalid(field, app::i18n::Msg::ErrDutyDateTime), &meta)),
    };
    let from = instant("from", q.from.as_deref(), duty::to_rules(state.clock.now()))?;
    let week = from.checked_add(jiff::SignedDuration::from_hours(24 * 7)).unwrap_or(from);
    let to = instant("to", q.to.as_deref(), week)?;
    let window = Span::new(from, to).ok_or_else(|| {
        Problem::from_service(ServiceError::invalid("to", app::i18n::Msg::ErrDutyEndsBeforeStart), &meta)
    })?;
    let t = duty::timeline(&state.db, &reader, id, window, &actor.time_zone)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok(Json(t))
}

/// The id of what was made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// Adds an override to one of the token's organisation's rosters (its administrators and security
/// officers): refused when it conflicts with another or changes nothing.
#[utoipa::path(post, path = "/api/v1/rosters/{id}/overrides", tag = "duty",
    params(("id" = Uuid, Path, description = "The roster")),
    request_body(content = OverrideInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage rosters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or not one's own", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (times, people, a conflict, no change)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_override(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<OverrideInput>, JsonRejection>,
) -> Result<Response, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let mgr = app::rosters::scope::roster_manager(&actor).map_err(|e| Problem::from_service(e, &meta))?;
    // Another organisation's roster is "not found" whatever the body says.
    mgr.roster(&state.db, id).await.map_err(|e| Problem::from_service(e, &meta))?;
    let Json(input) = body.map_err(|e| {
        let status = e.status();
        let kind = if status == StatusCode::UNPROCESSABLE_ENTITY { "invalid-body" } else { "malformed" };
        Problem::new(status, kind, e.body_text(), &meta)
    })?;
    let made =
        duty::add_override(&state.db, &Acting { actor: &actor, meta: &meta, now: state.clock.now() }, &mgr, id, &input)
            .await
            .map_err(|e| Problem::from_service(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id: made })).into_response())
}
