//! The exit endpoints of `/api/v1`: the exits in reach and one whole, opening one (an agency),
//! the state machine's actions (plan, deletion, sign-off, completion), inventory items handed
//! over outside the portal, and the agency's typed checksum — the same services and policy as the
//! pages. Files travel through the pages' multipart forms.
use app::{
    backend::{actor::Acting, AppState},
    exit::{
        scope,
        service::{self, Evidence},
        ActInput, ExitAction, ExitDetail, ExitFilter, ExitRow, ExitStatus, ItemInput, OpenInput, PAGE_ROWS,
    },
};
use axum::{
    extract::{rejection::JsonRejection, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{duty::Created, incidents::body_problem, parse_id, ready, ApiActor, Problem};

/// A page of exits.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExitPage {
    pub exits: Vec<ExitRow>,
    /// One-based.
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ExitQuery {
    /// `open` (every status not final) or one status: `planning`, `handover`, `deletion`,
    /// `sign_off`, `closing`, `completed`, `cancelled`; none: all.
    pub status: String,
    /// Only exits past their target date or with a step past its date.
    pub overdue: bool,
    /// One-based page of 50.
    pub page: Option<u64>,
}

/// An action on an exit, with the fields it reads.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActBody {
    pub action: ExitAction,
    #[serde(flatten)]
    pub input: ActInput,
}

/// Where the exit stands after an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExitState {
    pub status: ExitStatus,
}

/// The agency's own check of an item: the SHA-256 it computed on what it received.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyBody {
    /// 64 hex digits; none: recompute the bytes the portal holds for the item.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// The item's verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verified {
    /// Whether the checksums matched.
    pub verified: bool,
}

fn problem(e: app::backend::ServiceError, meta: &app::backend::request::RequestMeta) -> Problem {
    Problem::from_service(e, meta)
}

async fn writer(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
) -> Result<scope::ExitWriter, Problem> {
    ready(actor, meta)?;
    scope::exit_writer(&state.db, actor, state.today()).await.map_err(|e| problem(e, meta))
}

/// The writer and one exit in its reach: outside the reach is "not found", whatever the body says.
async fn writable(
    state: &AppState,
    actor: &app::backend::actor::Actor,
    meta: &app::backend::request::RequestMeta,
    raw: &str,
) -> Result<(uuid::Uuid, scope::ExitWriter), Problem> {
    let id = parse_id(raw, meta)?;
    let w = writer(state, actor, meta).await?;
    w.reader()
        .exit(id)
        .one(&state.db)
        .await
        .map_err(|e| problem(e.into(), meta))?
        .ok_or_else(|| problem(app::backend::ServiceError::NotFound, meta))?;
    Ok((id, w))
}

/// The exits in reach: an agency's own, a provider's and an assessor's on their engagements, a
/// regulator's across its jurisdiction; newest first.
#[utoipa::path(get, path = "/api/v1/exits", tag = "exits", params(ExitQuery),
    responses(
        (status = 200, description = "A page of exits", body = ExitPage),
        (status = 400, description = "The query does not read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to exits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    query: Result<Query<ExitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ExitPage>, Problem> {
    ready(&actor, &meta)?;
    let today = state.today();
    let reader = scope::exit_reader(&state.db, &actor, today).await.map_err(|e| problem(e, &meta))?;
    let Query(q) = query.map_err(|_| problem(app::backend::ServiceError::Malformed, &meta))?;
    let filter =
        ExitFilter { status: Some(q.status).filter(|s| !s.trim().is_empty()), overdue: q.overdue, page: q.page };
    let (exits, total, page) = service::list(&state.db, &reader, &filter, &actor.time_zone, today, false)
        .await
        .map_err(|e| problem(e, &meta))?;
    Ok(Json(ExitPage { exits, page, pages: total.div_ceil(PAGE_ROWS).max(1), total }))
}

/// One exit whole: plan, inventory with each item's verification, deletion, sign-off, and what
/// the token's person may do next.
#[utoipa::path(get, path = "/api/v1/exits/{id}", tag = "exits",
    params(("id" = Uuid, Path, description = "The exit")),
    responses(
        (status = 200, description = "The exit", body = ExitDetail),
        (status = 400, description = "Not an id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to exits", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<ExitDetail>, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    let today = state.today();
    let (reader, writer) =
        scope::exit_reader_and_writer(&state.db, &actor, today).await.map_err(|e| problem(e, &meta))?;
    service::detail(&state.db, &reader, writer.as_ref(), id, &actor.time_zone, today)
        .await
        .map(Json)
        .map_err(|e| problem(e, &meta))
}

/// The agency opens an exit on one of its engagements in force.
#[utoipa::path(post, path = "/api/v1/exits", tag = "exits",
    request_body(content = OpenInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Opened", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not open exits (only an agency's administrators and security officers)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The engagement already has an open exit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (engagement, reason, target date)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    body: Result<Json<OpenInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let w = writer(&state, &actor, &meta).await?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let id = service::open(&state.db, &by, &w, &input, &state.settings.public_base_url)
        .await
        .map_err(|e| problem(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// One step of the exit's state machine: `add_step` (text, owner, day), `agree_plan`,
/// `step_done` (target: the step), `deletion_plan` (text), `confirm_deletion` (day, backups_day,
/// text), `set_assessor` (target: the assessor organisation, empty for none), `sign_off` (text),
/// `complete`, `cancel` (text). Refused when it is not the token's side's turn.
#[utoipa::path(post, path = "/api/v1/exits/{id}/actions", tag = "exits",
    params(("id" = Uuid, Path, description = "The exit")),
    request_body(content = ActBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Done", body = ExitState),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this side's action", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the exit's state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid, or something blocks it (unverified items)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn act(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<ActBody>, JsonRejection>,
) -> Result<Json<ExitState>, Problem> {
    let (id, w) = writable(&state, &actor, &meta, &id).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    if matches!(b.action, ExitAction::AddItem | ExitAction::CorrectItem | ExitAction::Verify) {
        return Err(problem(app::backend::ServiceError::invalid("action", app::i18n::Msg::ErrChoose), &meta));
    }
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    service::act(&state.db, &by, &w, id, b.action.code(), &b.input, &state.settings.public_base_url)
        .await
        .map(|status| Json(ExitState { status }))
        .map_err(|e| problem(e, &meta))
}

/// The provider adds an inventory item handed over outside the portal (its medium said), with
/// its declared size and SHA-256. Items with a file go through the exit's page.
#[utoipa::path(post, path = "/api/v1/exits/{id}/items", tag = "exits",
    params(("id" = Uuid, Path, description = "The exit")),
    request_body(content = ItemInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Added", body = Created),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the exit's provider adds items", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The inventory is closed in the exit's state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (no checksum, no medium, a bad size)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_item(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    body: Result<Json<ItemInput>, JsonRejection>,
) -> Result<Response, Problem> {
    let (id, w) = writable(&state, &actor, &meta, &id).await?;
    let Json(input) = body.map_err(|e| body_problem(e, &meta))?;
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    let made = service::add_item(&state.db, &state.files, &by, &w, id, &input, None, &state.settings.public_base_url)
        .await
        .map_err(|e| problem(e, &meta))?;
    Ok((StatusCode::CREATED, Json(Created { id: made })).into_response())
}

/// The agency verifies an item: with `sha256`, the checksum it computed on what it received;
/// without, the portal recomputes the bytes it holds for the item. A mismatch is recorded (and
/// blocks completion) and answered `verified: false`.
#[utoipa::path(post, path = "/api/v1/exits/{id}/items/{item}/verification", tag = "exits",
    params(("id" = Uuid, Path, description = "The exit"), ("item" = Uuid, Path, description = "The item")),
    request_body(content = VerifyBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Checked", body = Verified),
        (status = 400, description = "The body is not JSON of this shape", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the exit's agency verifies", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or outside the reach", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not while the exit is in this state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a SHA-256, or no stored file to recompute", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_item(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path((id, item)): Path<(String, String)>,
    body: Result<Json<VerifyBody>, JsonRejection>,
) -> Result<Json<Verified>, Problem> {
    let item = parse_id(&item, &meta)?;
    let (id, w) = writable(&state, &actor, &meta, &id).await?;
    let Json(b) = body.map_err(|e| body_problem(e, &meta))?;
    let evidence = match b.sha256 {
        Some(s) => Evidence::Typed(s),
        None => Evidence::Stored,
    };
    let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
    service::verify_item(&state.db, &state.files, &by, &w, id, item, evidence, &state.settings.public_base_url)
        .await
        .map(|verified| Json(Verified { verified }))
        .map_err(|e| problem(e, &meta))
}
