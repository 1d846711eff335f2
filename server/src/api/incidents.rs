//! The incident endpoints of `/api/v1`: list the incidents in reach, read one, open one, add a
//! timeline entry, record a milestone — the same services and policy as the pages.
use app::{
    backend::{actor::Acting, AppState},
    plans::{scope, service, EntryKind, IncidentFilter, IncidentInput, IncidentRow, Milestone},
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{duty::Created, parse_id, ready, ApiActor, Problem};

/// A page of incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentPage {
    pub incidents: Vec<IncidentRow>,
    /// One-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct IncidentQuery {
    /// `open` (the default: not closed), `all`, `contained`, `resolved` or `closed`.
    status: Option<String>,
    /// `I`, `II`, `III` or `IV`.
    level: Option<String>,
    /// `true`: only those with a late report.
    breach: Option<bool>,
    /// One-based page of 50.
    page: Option<u64>,
}

/// An incident's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentState {
    #[serde(flatten)]
    pub incident: IncidentRow,
    pub summary: String,
    pub root_cause: String,
    pub lessons: String,
    pub police_required: bool,
    /// Each recorded milestone's first and latest value, on the token's person's wall clock.
    pub milestones: Vec<app::plans::MilestoneView>,
    pub entries: Vec<app::plans::EntryView>,
    /// The steps the token's person may take now.
    pub transitions: Vec<app::plans::Transition>,
}

/// A timeline entry to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EntryBody {
    /// `note` (the default) or `status` (a status report, counted against the level's cadence).
    #[serde(default)]
    pub kind: Option<EntryKind>,
    pub body: String,
    /// RFC 3339; none: now.
    #[serde(default)]
    pub at: Option<String>,
}

/// A milestone's time to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MilestoneBody {
    /// `occurred`, `detected`, `reported_csp`, `reported_leaders`, `reported_regulator` or `reported_police`.
    pub milestone: Milestone,
    /// RFC 3339.
    pub at: String,
}

pub(super) fn body_problem(e: JsonRejection, meta: &app::backend::request::RequestMeta) -> Problem {
    let status = e.status();
    let kind = if status == StatusCode::UNPROCESSABLE_ENTITY { "invalid-body" } else { "malformed" };
    Problem::new(status, kind, e.body_text(), meta)
}

/// The token's person's writer and one incident it reaches: outside the reach is "not found",
/// whatever the body says.
async fn writable(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
    raw: &str,
) -> Result<(uuid::Uuid, scope::IncidentWriter), Problem> {
    ready(actor, meta)?;
    let id = parse_id(raw, meta)?;
    let w =
        scope::incident_writer(&state.db, actor, state.today()).await.map_err(|e| Problem::from_service(e, meta))?;
    w.incident(id)
        .one(&state.db)
        .await
        .map_err(|e| Problem::from_service(e.into(), meta))?
        .ok_or_else(|| Problem::from_service(app::backend::ServiceError::NotFound, meta))?;
    Ok((id, w))
}

/// The incidents in reach: an agency's own, a provider's on the websites it serves under an
/// engagement in force, a regulator's across its jurisdiction; newest first.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses(
        (status = 200, description = "Incidents in reach", body = IncidentPage),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to incidents", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<IncidentPage>, Problem> {
    ready(&actor, &meta)?;
    let Query(q) = query.map_err(|_| Problem::from_service(app::backend::ServiceError::Malformed, &meta))?;
    let reader =
        scope::incident_reader(&state.db, &actor, state.today()).await.map_err(|e| Problem::from_service(e, &meta))?;
    let filter = IncidentFilter {
        status: q.status.unwrap_or_default(),
        level: q.level.unwrap_or_default(),
        breach: if q.breach.unwrap_or(false) { "on".into() } else { String::new() },
        search: String::new(),
        page: q.page.unwrap_or(1).to_string(),
    };
    let l =
        service::incident_list(&state.db, &state.caches, &reader, None, &filter, state.clock.now(), &actor.time_zone)
            .await
            .map_err(|e| Problem::from_service(e, &meta))?;
    Ok(Json(IncidentPage { incidents: l.rows, page: l.page, pages: l.pages, total: l.total }))
}

/// One incident in reach.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents",
    params(("id" = Uuid, Path, description = "The incident")),
    responses(
        (status = 200, description = "The incident", body = IncidentState),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<IncidentState>, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let today = state.today();
    let reader = scope::incident_reader(&state.db, &actor, today).await.map_err(|e| Problem::from_service(e, &meta))?;
    let writer = scope::incident_writer(&state.db, &actor, today).await.ok();
    let d = service::incident_detail(
        &state.db,
        &reader,
        (writer.as_ref(), None),
        id,
        state.clock.now(),
        today,
        &actor.time_zone,
    )
    .await
    .map_err(|e| Problem::from_service(e, &meta))?;
    Ok(Json(IncidentState {
        incident: d.row,
        summary: d.summary,
        root_cause: d.root_cause,
        lessons: d.lessons,
        police_required: d.police_required,
        milestones: d.milestones,
        entries: d.entries,
        transitions: d.transitions,
    }))
}

/// Opens an incident on websites in the token's reach (an agency's own; a provider's under an
/// engagement in force). Level I and II mail the regulator and the CSP at once.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents",
    request_body(content = IncidentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Opened", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not open incidents", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (category, level, websites, times)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    body: Result<Json<IncidentInput>, JsonRejection>,
) -> Result<Response, Problem> {
    ready(&actor, &meta)?;
    let w =
        scope::incident_writer(&state.db, &actor, state.today()).await.map_err(|e| Problem::from_service(e, &meta))?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let id = service::open_incident(&state.db, &by, &w, &input, &state.settings.public_base_url)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Adds a note or a status report to an incident's timeline.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/entries", tag = "incidents",
    params(("id" = Uuid, Path, description = "The incident")),
    request_body(content = EntryBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Added", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write incidents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the incident is closed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_entry(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<EntryBody>, JsonRejection>,
) -> Result<Response, Problem> {
    let (id, w) = writable(&state, &actor, &meta, &id).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let kind = b.kind.unwrap_or(EntryKind::Note).code();
    let made = service::add_entry(&state.db, &by, &w, id, kind, &b.body, b.at.as_deref().unwrap_or(""))
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id: made })).into_response())
}

/// Records a milestone's time (the first value is kept; a later one is shown beside it).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/milestones", tag = "incidents",
    params(("id" = Uuid, Path, description = "The incident")),
    request_body(content = MilestoneBody, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write incidents", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Out of order, in the future, or the incident is closed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_milestone(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<MilestoneBody>, JsonRejection>,
) -> Result<Response, Problem> {
    let (id, w) = writable(&state, &actor, &meta, &id).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    service::record_milestone(&state.db, &by, &w, id, b.milestone.code(), &b.at)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
