//! The SLA endpoints of `/api/v1`: the engagements in reach with a month's standing, one
//! engagement's year and month reports, and its records — entered, completed, reviewed and
//! reclassified through the same services and policy as the pages (a monitoring system posts
//! its outages here) — and measured entries: backup runs, restore tests, trainings, retention
//! checks (a backup system posts its runs here).
use app::{
    backend::{actor::Acting, AppState},
    sla::{
        scope,
        service::{measures, records, report, views},
        FinishInput, MeasureInput, ReclassInput, RecordInput, ReviewInput, SlaHome, SlaMonthReport, SlaYearReport,
        StandingFilter,
    },
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{duty::Created, incidents::body_problem, parse_id, ready, ApiActor, Problem};

/// The list's filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// Part of an agency's or a CSP's name.
    pub q: String,
    /// Only the engagements that missed a target.
    pub breached: bool,
    /// `YYYY-MM` on the token's person's clock; none (or a later month): this month.
    pub month: String,
    /// From 1; 50 rows a page.
    pub page: Option<u64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct YearQuery {
    /// `YYYY`; none: the agreement's latest year.
    pub year: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct VersionQuery {
    /// The report version; none: the latest issued (an open month has none).
    pub version: String,
}

/// A record's state after a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordDone {
    pub id: uuid::Uuid,
}

fn malformed(meta: &app::backend::request::RequestMeta) -> Problem {
    Problem::from_service(app::backend::ServiceError::Malformed, meta)
}

async fn reader(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
) -> Result<scope::SlaReader, Problem> {
    ready(actor, meta)?;
    scope::sla_reader(&state.db, actor, state.today()).await.map_err(|e| Problem::from_service(e, meta))
}

async fn writer(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
) -> Result<scope::SlaWriter, Problem> {
    ready(actor, meta)?;
    scope::sla_writer(&state.db, actor, state.today()).await.map_err(|e| Problem::from_service(e, meta))
}

/// The engagements in reach with a month's standing, breaches first: an agency's CSPs, a CSP's
/// agencies, a regulator's agencies' CSP engagements.
#[utoipa::path(get, path = "/api/v1/sla", tag = "sla", params(ListQuery),
    responses(
        (status = 200, description = "Engagements in reach, 50 a page", body = SlaHome),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to SLA tracking", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlaHome>, Problem> {
    let r = reader(&state, &actor, &meta).await?;
    let Query(q) = query.map_err(|_| malformed(&meta))?;
    let filter = StandingFilter { q: q.q, breached: q.breached, month: q.month, page: q.page.unwrap_or(1).max(1) };
    views::home(&state.db, &state.caches, &r, &filter, &actor.time_zone, state.clock.now())
        .await
        .map(Json)
        .map_err(|e| Problem::from_service(e, &meta))
}

/// One engagement's year: each month as its latest report says (the open month to date), and the
/// year as the sum of its months.
#[utoipa::path(get, path = "/api/v1/sla/{id}/months", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement"), YearQuery),
    responses(
        (status = 200, description = "The year's report", body = SlaYearReport),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to SLA tracking", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No agreement accepted yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The year is not one the agreement counts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn year(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    query: Result<Query<YearQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlaYearReport>, Problem> {
    let r = reader(&state, &actor, &meta).await?;
    let id = parse_id(&id, &meta)?;
    let Query(q) = query.map_err(|_| malformed(&meta))?;
    report::year_report(&state.db, &state.caches, &r, id, &q.year, &actor.time_zone, state.clock.now())
        .await
        .map(Json)
        .map_err(|e| Problem::from_service(e, &meta))
}

/// One month's report: its figures (frozen in the version shown, or to date while the month is
/// open), the terms that judged them, and the records behind them.
#[utoipa::path(get, path = "/api/v1/sla/{id}/months/{month}", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement"), ("month" = String, Path, description = "`YYYY-MM`"), VersionQuery),
    responses(
        (status = 200, description = "The month's report", body = SlaMonthReport),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to SLA tracking", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No agreement accepted yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month or version is not one of the report's", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn month(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path((id, month)): Path<(String, String)>,
    query: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SlaMonthReport>, Problem> {
    let r = reader(&state, &actor, &meta).await?;
    let id = parse_id(&id, &meta)?;
    let Query(q) = query.map_err(|_| malformed(&meta))?;
    // An empty month would mean "the latest" to the service; in a path it is always named.
    if month.trim().is_empty() {
        return Err(Problem::from_service(
            app::backend::ServiceError::invalid("month", app::i18n::Msg::SlaErrMonth),
            &meta,
        ));
    }
    report::month_report(&state.db, &r, id, &month, &q.version, &actor.time_zone, state.clock.now())
        .await
        .map(Json)
        .map_err(|e| Problem::from_service(e, &meta))
}

/// Enters an outage, a fault or a maintenance window on an engagement in force (either party);
/// times in RFC 3339 or the token's person's local time. The other party is asked to confirm it;
/// a metric it moves below target is mailed to both parties.
#[utoipa::path(post, path = "/api/v1/sla/{id}/records", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement")),
    request_body(content = RecordInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write SLA records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, outside the reach, or not in force", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (class, websites, times, an overlapping record)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_record(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<RecordInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let id = parse_id(&id, &meta)?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let rid = records::record(&state.db, &by, &w, id, &input, records::Source::Api, &state.settings.public_base_url)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    let mut res = (StatusCode::CREATED, Json(Created { id: rid })).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/sla/{id}/records/{rid}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Enters a measured entry on an engagement in force (either party): a backup run or a restore
/// test with its outcome, a training, or a retention check with the oldest backup or log found.
#[utoipa::path(post, path = "/api/v1/sla/{id}/measures", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement")),
    request_body(content = MeasureInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write SLA entries", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, outside the reach, or not in force", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No agreement accepted yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (kind, day, outcome, oldest day, note)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_measure(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<MeasureInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let id = parse_id(&id, &meta)?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let mid = measures::record(&state.db, &by, &w, id, &input).await.map_err(|e| Problem::from_service(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id: mid })).into_response())
}

/// Completes a record its own party entered: the end, and a fault's response and resolution.
#[utoipa::path(post, path = "/api/v1/sla/{id}/records/{record_id}/completion", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement"), ("record_id" = Uuid, Path, description = "The record")),
    request_body(content = FinishInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Completed", body = RecordDone),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write SLA records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A time is not valid or already set, or the record is the other party's", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn complete(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path((id, record_id)): Path<(String, String)>,
    body: Result<Json<FinishInput>, JsonRejection>,
) -> Result<Json<RecordDone>, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let (id, rid) = (parse_id(&id, &meta)?, parse_id(&record_id, &meta)?);
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    records::finish(&state.db, &by, &w, id, rid, &input, &state.settings.public_base_url)
        .await
        .map(|()| Json(RecordDone { id: rid }))
        .map_err(|e| Problem::from_service(e, &meta))
}

/// The other party confirms or disputes a record (`confirmed` or `disputed`, with a comment).
#[utoipa::path(post, path = "/api/v1/sla/{id}/records/{record_id}/review", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement"), ("record_id" = Uuid, Path, description = "The record")),
    request_body(content = ReviewInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Reviewed", body = RecordDone),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write SLA records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a choice, no comment on a dispute, the reviewer's own record, or already reviewed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn review(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path((id, record_id)): Path<(String, String)>,
    body: Result<Json<ReviewInput>, JsonRejection>,
) -> Result<Json<RecordDone>, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let (id, rid) = (parse_id(&id, &meta)?, parse_id(&record_id, &meta)?);
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    records::review(&state.db, &by, &w, id, rid, &input)
        .await
        .map(|()| Json(RecordDone { id: rid }))
        .map_err(|e| Problem::from_service(e, &meta))
}

/// Reclassifies a record (for example an outage as maintenance) with its reason: the months it
/// touches are computed anew, and a closed month's report gets its next version.
#[utoipa::path(post, path = "/api/v1/sla/{id}/records/{record_id}/reclassification", tag = "sla",
    params(("id" = Uuid, Path, description = "The engagement"), ("record_id" = Uuid, Path, description = "The record")),
    request_body(content = ReclassInput, content_type = "application/json"),
    responses(
        (status = 200, description = "Reclassified", body = RecordDone),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write SLA records", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, not a class of the kind, the same class, or an overlapping record", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reclassify(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path((id, record_id)): Path<(String, String)>,
    body: Result<Json<ReclassInput>, JsonRejection>,
) -> Result<Json<RecordDone>, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let (id, rid) = (parse_id(&id, &meta)?, parse_id(&record_id, &meta)?);
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    records::reclassify(&state.db, &by, &w, id, rid, &input, &state.settings.public_base_url)
        .await
        .map(|()| Json(RecordDone { id: rid }))
        .map_err(|e| Problem::from_service(e, &meta))
}
