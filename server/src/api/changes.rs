//! The change-notice endpoints of `/api/v1`: the notices in reach, one notice's state (the shape
//! of its JSON export), a CSP's notice and its revisions, the implementation's record and the
//! other steps — the same services and policy as the pages.
use app::{
    backend::{actor::Acting, AppState},
    changes::{scope, service, Action, NoticeDetail, NoticeFilter, NoticeInput, NoticeList, NoticeStatus, StepInput},
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{duty::Created, incidents::body_problem, parse_id, ready, ApiActor, Problem};

/// A revision stored: its number (the first submission is 1).
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionCreated {
    pub revision: i32,
}

/// A notice's status after a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDone {
    pub status: NoticeStatus,
}

/// The implementation as it happened.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImplementationBody {
    /// RFC 3339, or the token's person's local time `YYYY-MM-DDTHH:MM`.
    pub actual_start: String,
    /// After the start, and not in the future.
    pub actual_end: String,
    /// The day the change was verified, `YYYY-MM-DD`; none: the actual end's day.
    #[serde(default)]
    pub verified_on: Option<String>,
    /// A note on how it went.
    #[serde(default)]
    pub body: Option<String>,
}

/// A step on a notice: an agency's answer, a regulator's decision, closing or cancelling.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepBody {
    /// `acknowledge`, `opt_out`, `ask`, `approve`, `reject`, `request_info`, `assess` (once the
    /// assessment's report is attached), `close` or `cancel` (a revision and the implementation
    /// have endpoints of their own).
    pub action: Action,
    /// Concerns, a question, a reason, the assessment's conclusion (required to reject, ask,
    /// request information, assess or cancel).
    #[serde(default)]
    pub body: Option<String>,
}

async fn writer(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
) -> Result<scope::ChangeWriter, Problem> {
    ready(actor, meta)?;
    scope::change_writer(&state.db, actor, state.today()).await.map_err(|e| Problem::from_service(e, meta))
}

/// The notice, if the writer reaches it: outside the reach is "not found", whatever the body says.
async fn in_reach(
    state: &AppState,
    w: &scope::ChangeWriter,
    raw_id: &str,
    meta: &app::backend::request::RequestMeta,
) -> Result<uuid::Uuid, Problem> {
    let id = parse_id(raw_id, meta)?;
    w.reader()
        .notice(id)
        .one(&state.db)
        .await
        .map_err(|e| Problem::from_service(e.into(), meta))?
        .ok_or_else(|| Problem::from_service(app::backend::ServiceError::NotFound, meta))?;
    Ok(id)
}

/// The notices in reach, what awaits the token's organisation first: a CSP's own (while it
/// serves one of their websites under an engagement in force), an agency's affecting it, a
/// regulator's affecting its jurisdiction.
#[utoipa::path(get, path = "/api/v1/changes", tag = "changes", params(NoticeFilter),
    responses(
        (status = 200, description = "Notices in reach, 50 a page", body = NoticeList),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to change notices", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    query: Result<Query<NoticeFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<NoticeList>, Problem> {
    ready(&actor, &meta)?;
    let Query(filter) = query.map_err(|_| Problem::from_service(app::backend::ServiceError::Malformed, &meta))?;
    let reader =
        scope::change_reader(&state.db, &actor, state.today()).await.map_err(|e| Problem::from_service(e, &meta))?;
    service::notice_list(&state.db, &reader, &filter, &actor.time_zone, state.clock.now())
        .await
        .map(Json)
        .map_err(|e| Problem::from_service(e, &meta))
}

/// One notice whole: its current revision and every earlier one, what changed, the deadlines and
/// how they stand, each agency's answer as the token's organisation may see it, the steps, the
/// files, and what the token's person may do now. `/changes/{id}/export.json` is this document.
#[utoipa::path(get, path = "/api/v1/changes/{id}", tag = "changes",
    params(("id" = Uuid, Path, description = "The notice")),
    responses(
        (status = 200, description = "The notice", body = NoticeDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to change notices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<NoticeDetail>, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let today = state.today();
    let reader = scope::change_reader(&state.db, &actor, today).await.map_err(|e| Problem::from_service(e, &meta))?;
    let writes = scope::change_writer(&state.db, &actor, today).await.is_ok();
    service::notice_detail(&state.db, &reader, id, writes, &actor.time_zone, state.clock.now())
        .await
        .map(Json)
        .map_err(|e| Problem::from_service(e, &meta))
}

/// Gives a notice (a CSP's security officer or administrator): the affected websites must be
/// among those the CSP serves under engagements in force; the affected agencies and their
/// regulators follow, and each is mailed. A type whose lead time can no longer be kept is refused
/// with the earliest start it allows, unless `emergency` is set.
#[utoipa::path(post, path = "/api/v1/changes", tag = "changes",
    request_body(content = NoticeInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Given", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a CSP's, or may not write change notices", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (type, category, times, websites, lead time)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    body: Result<Json<NoticeInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let id = service::submit(&state.db, &by, &w, &input, &state.settings.public_base_url)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    let mut res = (StatusCode::CREATED, Json(Created { id })).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/changes/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Revises a notice (its CSP): the whole notice again, with a `note` on what it answers. The
/// type stays; earlier revisions are kept, and the agencies see what changed.
#[utoipa::path(post, path = "/api/v1/changes/{id}/revisions", tag = "changes",
    params(("id" = Uuid, Path, description = "The notice")),
    request_body(content = NoticeInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The revision was stored", body = RevisionCreated),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a CSP's, or may not write change notices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or the notice can no longer be revised", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revise(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<NoticeInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    scope::require_csp(&w).map_err(|e| Problem::from_service(e, &meta))?;
    let id = in_reach(&state, &w, &id, &meta).await?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let revision = service::revise(&state.db, &by, &w, id, &input, &state.settings.public_base_url)
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    Ok((StatusCode::CREATED, Json(RevisionCreated { revision })).into_response())
}

async fn step(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
    w: &scope::ChangeWriter,
    id: uuid::Uuid,
    action: Action,
    input: StepInput,
) -> Result<Json<StepDone>, Problem> {
    let by = Acting { actor, meta, now: state.clock.now() };
    service::act(&state.db, &by, w, id, action, &input, &state.settings.public_base_url)
        .await
        .map(|status| Json(StepDone { status }))
        .map_err(|e| Problem::from_service(e, meta))
}

/// Records the implementation (the notice's CSP, once every required approval is in).
#[utoipa::path(post, path = "/api/v1/changes/{id}/implementation", tag = "changes",
    params(("id" = Uuid, Path, description = "The notice")),
    request_body(content = ImplementationBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = StepDone),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write change notices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A time is not valid, or the notice may not be implemented now (an approval is missing)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn implement(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<ImplementationBody>, JsonRejection>,
) -> Result<Json<StepDone>, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    scope::require_csp(&w).map_err(|e| Problem::from_service(e, &meta))?;
    let id = in_reach(&state, &w, &id, &meta).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    let input = StepInput {
        body: b.body.unwrap_or_default(),
        actual_start: b.actual_start,
        actual_end: b.actual_end,
        verified_on: b.verified_on.unwrap_or_default(),
    };
    step(&state, &actor, &meta, &w, id, Action::Implement, input).await
}

/// Takes a step on a notice: an agency acknowledges (with concerns in `body`), opts out or asks;
/// a regulator approves, rejects or asks for more information; the CSP records the assessment
/// (after attaching its report), closes or cancels.
#[utoipa::path(post, path = "/api/v1/changes/{id}/steps", tag = "changes",
    params(("id" = Uuid, Path, description = "The notice")),
    request_body(content = StepBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = StepDone),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not write change notices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a step this organisation may take now (answered already, no jurisdiction, a reason missing)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take_step(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<StepBody>, JsonRejection>,
) -> Result<Json<StepDone>, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let id = in_reach(&state, &w, &id, &meta).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    if matches!(b.action, Action::Revise | Action::Implement) {
        return Err(Problem::from_service(
            app::backend::ServiceError::invalid("action", app::i18n::Msg::ChErrActionEndpoint),
            &meta,
        ));
    }
    let input = StepInput { body: b.body.unwrap_or_default(), ..StepInput::default() };
    step(&state, &actor, &meta, &w, id, b.action, input).await
}

/// How many files were attached.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attached {
    pub attached: usize,
}

/// The multipart body of an upload to a notice.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FilesUpload {
    /// `attachment` (goes with the current revision) or `assessment` (the post-change
    /// assessment's report, once the change is implemented).
    purpose: app::changes::FilePurpose,
    /// PDF, office documents, CSV, ZIP or images, up to 200 MB each; at most 50 on a notice.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Attaches files to a notice (its CSP): attachments of the current revision, or the
/// assessment's report, which the `assess` step then names.
#[utoipa::path(post, path = "/api/v1/changes/{id}/files", tag = "changes",
    params(("id" = Uuid, Path, description = "The notice")),
    request_body(content = FilesUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = Attached),
        (status = 400, description = "The body was cut off or is not multipart", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a CSP's, or may not write change notices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file is larger than 200 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file's type is not accepted or does not match its content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file, an unknown purpose, too many files, or not the time for the assessment's report", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn attach(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let attached = app::changes::http::attach_upload(&state, &actor, &meta, id, multipart)
        .await
        .map_err(|e| Problem::from_upload(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Attached { attached })).into_response())
}
