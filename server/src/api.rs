//! The machine API `/api/v1`: bearer-token authentication, the report endpoints over the same
//! services and policy as the pages, errors as RFC 9457 problem JSON, and the OpenAPI 3.1 document
//! generated from the handlers and wire types.
// A problem is built only on the error path of a request, once; boxing it would buy nothing.
#![allow(clippy::result_large_err)]
use app::backend::actor::Acting;
use std::collections::HashMap;

use app::{
    auth::tokens::{self, TokenRefusal},
    backend::{actor::Actor, error::status_of, request::RequestMeta, AppState, ServiceError},
    error::AppError,
    i18n::{Locale, Msg},
    reports::{
        http::{self as report_http, UploadError},
        service::{self, SubmitOutcome},
        Cadence, ObligationRow, Period, PeriodItem, ReportKind, StateCode, SubmissionFilter, SubmissionPage,
        SubmissionStatus, SubmissionView, Summary,
    },
};
use axum::{
    extract::{FromRequestParts, Multipart, Path, Query, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Extension, Json, Router,
};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::ServerState;

mod changes;
mod duty;
mod exits;
mod incidents;
mod sla;

/// An RFC 9457 problem: what went wrong, for a program and for the person reading its log.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request id (also in the `x-request-id` header).
    pub instance: String,
    /// Field-level detail: which input was refused and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name, as in the request (`summary.availability_pct`, `period`, `files`).
    pub field: String,
    pub detail: String,
}

impl Problem {
    fn new(status: StatusCode, kind: &str, detail: impl Into<String>, meta: &RequestMeta) -> Problem {
        Problem {
            kind: format!("/problems/{kind}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            instance: format!("urn:request:{}", meta.request_id),
            errors: Vec::new(),
        }
    }

    /// A request that does not read, for the layers in front of the API's handlers.
    pub fn malformed(detail: &str, meta: &RequestMeta) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "malformed-request", detail, meta)
    }

    fn field(mut self, field: &str, detail: &str) -> Problem {
        self.errors.push(FieldProblem { field: field.to_string(), detail: detail.to_string() });
        self
    }

    /// The one mapping from the service's error to a problem.
    fn from_service(e: ServiceError, meta: &RequestMeta) -> Problem {
        let en = Locale::En;
        let e = e.into_app_error(&meta.request_id);
        let status = status_of(&e);
        match &e {
            AppError::Invalid { fields } => {
                let detail =
                    fields.iter().map(|f| format!("{}: {}", f.field, f.text(en))).collect::<Vec<_>>().join("; ");
                fields
                    .iter()
                    .fold(Problem::new(status, "invalid-field", detail, meta), |p, f| p.field(&f.field, &f.text(en)))
            }
            AppError::Conflict { field, msg } => {
                Problem::new(status, "conflict", format!("{field}: {}", msg.text(en)), meta).field(field, msg.text(en))
            }
            other => {
                let kind = match other {
                    AppError::NotSignedIn => "unauthorized",
                    AppError::MustChangePassword => "password-change-required",
                    AppError::MustEnrolSecondFactor => "second-factor-required",
                    AppError::Forbidden | AppError::CrossOrigin => "forbidden",
                    AppError::NotFound => "not-found",
                    AppError::Malformed => "malformed-request",
                    _ => "internal",
                };
                // The request id is the problem's `instance`; the detail names no internals.
                let detail = match other {
                    AppError::Internal { .. } | AppError::Transport(_) => Msg::ErrInternal.text(en).to_string(),
                    _ => other.message(en),
                };
                Problem::new(status, kind, detail, meta)
            }
        }
    }

    fn from_upload(e: UploadError, meta: &RequestMeta) -> Problem {
        match e {
            UploadError::Service(e) => Problem::from_service(e, meta),
            other => {
                let (status, field, message) = other.explain(Locale::En, &meta.request_id);
                let kind = match status {
                    StatusCode::PAYLOAD_TOO_LARGE => "file-too-large",
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => "file-type",
                    StatusCode::BAD_REQUEST => "malformed-request",
                    _ => "invalid-file",
                };
                Problem::new(status, kind, message.clone(), meta).field(&field, &message)
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (status, Json(self)).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"portal\""));
        }
        res
    }
}

/// The person a bearer token belongs to, with exactly that person's rights.
pub struct ApiActor(pub Actor, pub RequestMeta);

impl FromRequestParts<ServerState> for ApiActor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, Self::Rejection> {
        let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let refusal = match bearer {
            None => TokenRefusal::Missing,
            Some(token) => {
                let app = &state.app;
                match tokens::authenticate(
                    &app.db,
                    &app.caches,
                    token,
                    app.clock.now(),
                    &app.settings.default_time_zone,
                )
                .await
                {
                    Ok(actor) => return Ok(ApiActor(actor, meta)),
                    Err(Err(e)) => return Err(Problem::from_service(e, &meta)),
                    Err(Ok(r)) => r,
                }
            }
        };
        let detail = match refusal {
            TokenRefusal::Missing => "send a personal API token as `Authorization: Bearer <token>`",
            TokenRefusal::Unknown => "the token is not known",
            TokenRefusal::Expired => "the token has expired",
            TokenRefusal::Revoked => "the token was revoked",
            TokenRefusal::Inactive => "the token's person or organisation is deactivated",
        };
        Err(Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail, &meta))
    }
}

/// An obligation with the state of each of its recent periods.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationStatus {
    pub obligation: ObligationRow,
    /// The last 12 periods that have begun, newest first.
    pub periods: Vec<PeriodItem>,
}

/// The multipart body of a submission.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmissionUpload {
    /// The obligation (not sent when resubmitting: the submission says it).
    obligation_id: Option<Uuid>,
    /// The period, as `2026-10`, `2026-Q3`, `2026-H1` or `2026` (not sent when resubmitting).
    #[schema(example = "2026-10")]
    period: Option<String>,
    /// The summary as JSON; its `kind` must be the obligation's.
    #[schema(value_type = String, content_media_type = "application/json")]
    summary: Summary,
    /// Attached files: PDF, office documents, CSV, ZIP or images, up to 200 MB each.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
    /// When resubmitting: ids of the returned version's files to carry into the new version
    /// without sending them again (repeat the field, or separate ids with commas). At most 20
    /// files in all, kept and sent.
    keep_files: Vec<Uuid>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Supervision portal API", version = "1", description = "Report obligations and submissions, duty rosters (who is on duty, a roster's timeline, overrides) and incidents (open one, add timeline entries, record milestones, read state) significant-change notices (give one and its revisions, read its state, record the implementation, answer and decide) and SLA tracking (the engagements' standing, a year's and a month's report, outage and fault records entered, completed, reviewed and reclassified) and exits (open one, its plan, inventory items handed over outside the portal, the agency's checksum verification, deletion, sign-off and completion), for automation. Authenticate with a personal API token (`Authorization: Bearer pt_…`), created on the account page or by `portal issue-token`. A token has exactly its person's rights. Errors are RFC 9457 problem JSON."),
    paths(list_obligations, list_submissions, create_submission, get_submission, resubmit, download_file, duty::duty_now, duty::timeline, duty::add_override, incidents::list, incidents::get, incidents::open, incidents::add_entry, incidents::record_milestone, changes::list, changes::get, changes::submit, changes::revise, changes::implement, changes::take_step, changes::attach, sla::list, sla::year, sla::month, sla::add_record, sla::add_measure, sla::complete, sla::review, sla::reclassify, exits::list, exits::get, exits::open, exits::act, exits::add_item, exits::verify_item),
    components(schemas(Problem, FieldProblem, ObligationStatus, SubmissionUpload, SubmissionPage, SubmissionView, Summary, StateCode, Cadence, ReportKind, SubmissionStatus, duty::DutyNowPage, duty::Created, app::rosters::OnDutyRow, app::rosters::PersonRef, app::rosters::Timeline, app::rosters::SegmentView, app::rosters::GapView, app::rosters::OverrideInput, incidents::IncidentPage, incidents::IncidentState, incidents::EntryBody, incidents::MilestoneBody, app::plans::IncidentRow, app::plans::IncidentInput, app::plans::ReportTimingView, app::plans::MilestoneView, app::plans::EntryView, app::plans::Category, app::plans::Level, app::plans::IncidentStatus, app::plans::Milestone, app::plans::EntryKind, app::plans::Transition, changes::RevisionCreated, changes::StepDone, changes::Attached, changes::FilesUpload, app::changes::FilePurpose, changes::ImplementationBody, changes::StepBody, app::changes::NoticeList, app::changes::NoticeRow, app::changes::NoticeDetail, app::changes::NoticeInput, app::changes::NoticeStatus, app::changes::Action, app::changes::ChangeType, app::changes::ChangeCategory, app::changes::StepKind, app::changes::DeadlineKind, app::changes::DeadlineState, app::changes::DeadlineView, app::changes::Counts, app::changes::Named, app::changes::StepView, app::changes::FileView, app::changes::RevisionView, app::changes::FieldDiff, app::changes::AgencyAnswer, app::changes::Allowed, sla::RecordDone, app::sla::SlaHome, app::sla::Standing, app::sla::StandingFilter, app::sla::MetricCell, app::sla::Metric, app::sla::SlaYearReport, app::sla::SlaMonthReport, app::sla::MonthRow, app::sla::MonthFigures, app::sla::AvailabilityFigure, app::sla::ResolutionFigure, app::sla::MaintenanceRule, app::sla::CompensationRule, app::sla::ReportIssue, app::sla::AgreementInput, app::sla::RecordView, app::sla::RecordKind, app::sla::RecordClass, app::sla::Review, app::sla::RecordInput, app::sla::MeasureInput, app::sla::MeasuredTerms, app::sla::MeasureView, app::sla::MeasureKind, app::sla::TermState, app::sla::DelayFigure, app::sla::ScheduleFigure, app::sla::RetentionFigure, app::sla::RestoreFigure, app::sla::TrainingFigure, app::sla::FinishInput, app::sla::ReviewInput, app::sla::ReclassInput, exits::ExitPage, exits::ActBody, exits::ExitState, exits::VerifyBody, exits::Verified, app::exit::ExitRow, app::exit::ExitDetail, app::exit::Named, app::exit::StepView, app::exit::ItemView, app::exit::OpenInput, app::exit::ActInput, app::exit::ItemInput, app::exit::ExitStatus, app::exit::ExitReason, app::exit::ItemKind, app::exit::Sensitivity, app::exit::Verification, app::exit::CheckedHow, app::exit::Side, app::exit::ExitAction, app::exit::Party)),
    modifiers(&BearerAuth, &RateLimited, &CommonAnswers),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every operation may answer 429 when its token or address has used its minute's requests.
struct RateLimited;

impl utoipa::Modify for RateLimited {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{
            header::HeaderBuilder, response::ResponseBuilder, ContentBuilder, Object, Ref, RefOr, Type,
        };
        let limited = ResponseBuilder::new()
            .description(
                "Too many requests: the token (PORTAL_API_PER_TOKEN_PER_MINUTE, default 600) or the address \
                 (PORTAL_API_PER_ADDRESS_PER_MINUTE, default 1200) has used its minute; wait `Retry-After` seconds",
            )
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Object::with_type(Type::Integer))
                    .description(Some("Whole seconds to wait before the next request"))
                    .build(),
            )
            .content(
                "application/problem+json",
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                op.responses.responses.entry("429".into()).or_insert_with(|| RefOr::T(limited.clone()));
            }
        }
    }
}

/// The refusals any operation can give, documented where its own annotation does not: a request
/// that does not read (400), no valid token (401), a person who may not or must first change its
/// password (403), a path naming nothing in reach (404), a body of another media type (415).
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{response::ResponseBuilder, ContentBuilder, Ref, RefOr};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            for op in
                [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
            {
                let has_body = op.request_body.is_some();
                let answers = &mut op.responses.responses;
                answers
                    .entry("400".into())
                    .or_insert_with(|| problem("The request does not read: a parameter or the body is malformed"));
                answers.entry("401".into()).or_insert_with(|| problem("No valid token"));
                answers.entry("403".into()).or_insert_with(|| {
                    problem("The token's person may not do this, or must first change its password")
                });
                if path.contains('{') {
                    answers.entry("404".into()).or_insert_with(|| problem("Not found, or outside the token's reach"));
                }
                if has_body {
                    answers
                        .entry("415".into())
                        .or_insert_with(|| problem("The body is not of the documented media type"));
                }
            }
        }
    }
}

/// Counts each API request against its address's and token's limits before anything else reads
/// it (the token is not even looked up when refused): 429 with `Retry-After` and problem JSON.
pub async fn limit(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let meta = req.extensions().get::<RequestMeta>().cloned().unwrap_or_default();
    let address: std::net::IpAddr =
        meta.source_addr.as_deref().and_then(|a| a.parse().ok()).unwrap_or(std::net::IpAddr::from([127, 0, 0, 1]));
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    match state.api_limits.check(address, token) {
        Ok(()) => next.run(req).await,
        Err(refusal) => {
            let (secs, what) = match refusal {
                app::backend::limits::ApiRefusal::Token { retry_after } => (retry_after, "this token"),
                app::backend::limits::ApiRefusal::Address { retry_after } => (retry_after, "this address"),
            };
            let detail = format!("too many requests from {what} this minute; try again in {secs} s");
            let mut res =
                Problem::new(StatusCode::TOO_MANY_REQUESTS, "too-many-requests", detail, &meta).into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}

/// Turns the framework's own refusals — a path that does not read as text, a method the path
/// does not take, a body of another media type — into problem JSON: a client of the API reads
/// one error format whatever refused it.
pub async fn problems_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let meta = req.extensions().get::<RequestMeta>().cloned().unwrap_or_default();
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json") || v.starts_with("application/json"));
    if !status.is_client_error() || is_json {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    // The framework's refusal is a line of text; more than that is no refusal of its making.
    let text = axum::body::to_bytes(res.into_body(), 4096).await.map(|b| String::from_utf8_lossy(&b).to_string());
    let detail = text.ok().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| status.to_string());
    let kind = match status {
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "media-type",
        _ => "malformed-request",
    };
    let mut res = Problem::new(status, kind, detail, &meta).into_response();
    if let Some(allow) = allow {
        res.headers_mut().insert(header::ALLOW, allow);
    }
    res
}

/// The API's routes, relative to `/api/v1`.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/obligations", get(list_obligations))
        .route("/submissions", get(list_submissions).merge(crate::middleware::upload(post(create_submission))))
        .route("/submissions/{id}", get(get_submission))
        .route("/submissions/{id}/versions", crate::middleware::upload(post(resubmit)))
        .route("/files/{id}", get(download_file))
        .route("/duty/now", get(duty::duty_now))
        .route("/rosters/{id}/timeline", get(duty::timeline))
        .route("/rosters/{id}/overrides", post(duty::add_override))
        .route("/incidents", get(incidents::list).post(incidents::open))
        .route("/incidents/{id}", get(incidents::get))
        .route("/incidents/{id}/entries", post(incidents::add_entry))
        .route("/incidents/{id}/milestones", post(incidents::record_milestone))
        .route("/changes", get(changes::list).post(changes::submit))
        .route("/changes/{id}", get(changes::get))
        .route("/changes/{id}/revisions", post(changes::revise))
        .route("/changes/{id}/implementation", post(changes::implement))
        .route("/changes/{id}/steps", post(changes::take_step))
        .route("/changes/{id}/files", crate::middleware::upload(post(changes::attach)))
        .route("/sla", get(sla::list))
        .route("/sla/{id}/months", get(sla::year))
        .route("/sla/{id}/months/{month}", get(sla::month))
        .route("/sla/{id}/records", post(sla::add_record))
        .route("/sla/{id}/measures", post(sla::add_measure))
        .route("/sla/{id}/records/{record_id}/completion", post(sla::complete))
        .route("/sla/{id}/records/{record_id}/review", post(sla::review))
        .route("/sla/{id}/records/{record_id}/reclassification", post(sla::reclassify))
        .route("/exits", get(exits::list).post(exits::open))
        .route("/exits/{id}", get(exits::get))
        .route("/exits/{id}/actions", post(exits::act))
        .route("/exits/{id}/items", post(exits::add_item))
        .route("/exits/{id}/items/{item}/verification", post(exits::verify_item))
        .fallback(not_found)
}

pub async fn not_found(meta: Option<Extension<RequestMeta>>) -> Problem {
    let meta = meta.map(|m| m.0).unwrap_or_default();
    Problem::new(StatusCode::NOT_FOUND, "not-found", "no such endpoint", &meta)
}

async fn openapi_json() -> Response {
    let mut res = Json(ApiDoc::openapi()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn parse_id(raw: &str, meta: &RequestMeta) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw)
        .map_err(|_| Problem::new(StatusCode::NOT_FOUND, "not-found", Msg::ErrNotFound.text(Locale::En), meta))
}

fn ready(actor: &Actor, meta: &RequestMeta) -> Result<(), Problem> {
    if actor.must_change_password {
        return Err(Problem::from_service(ServiceError::MustChangePassword, meta));
    }
    Ok(())
}

/// My obligations, each with its recent periods' states (in the token's person's time zone).
#[utoipa::path(get, path = "/api/v1/obligations", tag = "reports",
    responses(
        (status = 200, description = "Obligations in reach", body = Vec<ObligationStatus>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to reports", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_obligations(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
) -> Result<Json<Vec<ObligationStatus>>, Problem> {
    ready(&actor, &meta)?;
    let reader = app::reports::scope::report_reader(&state.db, &actor, state.today())
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    let viewing = service::Viewing {
        db: &state.db,
        caches: &state.caches,
        reader: &reader,
        actor: &actor,
        now: state.clock.now(),
    };
    let (items, obligations) =
        service::report_work(&viewing, &Default::default()).await.map_err(|e| Problem::from_service(e, &meta))?;
    let mut by_obligation: HashMap<Uuid, Vec<PeriodItem>> = HashMap::new();
    for i in items {
        by_obligation.entry(i.obligation_id).or_default().push(i);
    }
    Ok(Json(
        obligations
            .into_iter()
            .map(|o| {
                let mut periods = by_obligation.remove(&o.id).unwrap_or_default();
                periods.sort_by_key(|p| std::cmp::Reverse(p.period.ordinal()));
                ObligationStatus { obligation: o, periods }
            })
            .collect(),
    ))
}

fn parse_filter(q: &HashMap<String, String>, meta: &RequestMeta) -> Result<SubmissionFilter, Problem> {
    let bad = |field: &str, detail: &str| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-field", format!("{field}: {detail}"), meta)
            .field(field, detail)
    };
    let get = |k: &str| q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let number = |k: &str, default: u64, max: u64| -> Result<u64, Problem> {
        match get(k) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| bad(k, &format!("a whole number from 1 to {max}"))),
        }
    };
    Ok(SubmissionFilter {
        obligation_id: get("obligation_id")
            .map(|v| Uuid::parse_str(v).map_err(|_| bad("obligation_id", "not a UUID")))
            .transpose()?,
        kind: get("kind").map(|v| ReportKind::parse(v).ok_or_else(|| bad("kind", "not a report kind"))).transpose()?,
        status: get("status")
            .map(|v| SubmissionStatus::parse(v).ok_or_else(|| bad("status", "one of submitted, returned, accepted")))
            .transpose()?,
        period: get("period")
            .map(|v| Period::parse(v).ok_or_else(|| bad("period", Msg::ErrPeriodFormat.text(Locale::En))))
            .transpose()?,
        page: number("page", 1, 1_000_000)?,
        per_page: number("per_page", 50, 100)?,
    })
}

/// Submissions in reach, newest first.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "reports",
    params(
        ("obligation_id" = Option<Uuid>, Query, description = "Only this obligation's"),
        ("kind" = Option<ReportKind>, Query, description = "Only this kind"),
        ("status" = Option<SubmissionStatus>, Query, description = "Only this status"),
        ("period" = Option<String>, Query, description = "Only this period (2026-10, 2026-Q3, 2026-H1, 2026)"),
        ("page" = Option<u64>, Query, description = "1-based page, default 1", minimum = 1),
        ("per_page" = Option<u64>, Query, description = "Rows per page, 1–100, default 50", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "One page", body = SubmissionPage),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No access to reports", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter is not valid", body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_submissions(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    ready(&actor, &meta)?;
    let filter = parse_filter(&q, &meta)?;
    let reader = app::reports::scope::report_reader(&state.db, &actor, state.today())
        .await
        .map_err(|e| Problem::from_service(e, &meta))?;
    let now = state.clock.now();
    // One computation per generation for each reach, zone, day and filter (the key names them all).
    let key = format!(
        "api-submissions|{reader:?}|{}|{}|{filter:?}",
        actor.time_zone,
        app::backend::time_fmt::date_in_zone(now, &actor.time_zone)
    );
    state
        .caches
        .views
        .get_or_compute(&key, state.generation(), || async {
            let page = service::list_submissions(&state.db, &reader, &actor, now, &filter).await?;
            // Kept as its JSON text: a repeated request is then answered without re-encoding.
            serde_json::to_vec(&page)
                .map(axum::body::Bytes::from)
                .map_err(|e| ServiceError::Internal(format!("encode a page: {e}")))
        })
        .await
        .map(|body: std::sync::Arc<axum::body::Bytes>| {
            ([(header::CONTENT_TYPE, "application/json")], (*body).clone()).into_response()
        })
        .map_err(|e| Problem::from_service(e, &meta))
}

async fn view_of(state: &AppState, actor: &Actor, id: Uuid) -> Result<SubmissionView, ServiceError> {
    let reader = app::reports::scope::report_reader(&state.db, actor, state.today()).await?;
    service::submission_view(&state.db, &reader, actor, state.clock.now(), id).await
}

async fn upload(
    state: &AppState,
    actor: &Actor,
    meta: &RequestMeta,
    headers: &HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    resubmit_of: Option<Uuid>,
) -> Result<Response, Problem> {
    ready(actor, meta)?;
    let result: Result<SubmitOutcome, UploadError> = async {
        let submitter = app::reports::scope::report_submitter(actor, state.today())?;
        let fixed = match resubmit_of {
            Some(id) => Some(service::submission_target(&state.db, &submitter, id).await?),
            None => None,
        };
        let multipart = multipart.map_err(|e| UploadError::Malformed(e.body_text()))?;
        let parsed = report_http::read_multipart(state, multipart).await?;
        let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
        let new = report_http::new_version(state, &submitter, parsed, key, fixed).await?;
        Ok(service::submit(&state.db, &state.files, &Acting { actor, meta, now: state.clock.now() }, &submitter, new)
            .await?)
    }
    .await;
    let outcome = result.map_err(|e| Problem::from_upload(e, meta))?;
    let id = outcome.submission_id();
    let view = view_of(state, actor, id).await.map_err(|e| Problem::from_service(e, meta))?;
    let status = match outcome {
        SubmitOutcome::Created(_) => StatusCode::CREATED,
        SubmitOutcome::Replayed(_) => StatusCode::OK,
    };
    let mut res = (status, Json(view)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/submissions/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// Creates the submission of a period (its first version), with its summary and files.
/// Send an `Idempotency-Key` header to make retries safe: the same key and request answer the
/// same submission (200) instead of creating another.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "reports",
    params(("Idempotency-Key" = Option<String>, Header, description = "1–100 visible ASCII characters; repeat it on retries")),
    request_body(content = SubmissionUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Created", body = SubmissionView),
        (status = 200, description = "A retry of an earlier request with the same Idempotency-Key", body = SubmissionView),
        (status = 400, description = "The body was cut off or is not multipart", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not submit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A version is already waiting for review, the period was accepted, or the key was used for another request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file is larger than 200 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file's type is not accepted or does not match its content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (unknown obligation, period outside it, figure out of range, empty file)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_submission(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    upload(&state, &actor, &meta, &headers, multipart, None).await
}

/// One submission with every version, file and review.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "reports",
    params(("id" = Uuid, Path, description = "The submission")),
    responses(
        (status = 200, description = "The submission", body = SubmissionView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or not in reach", body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_submission(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    view_of(&state, &actor, id).await.map(Json).map_err(|e| Problem::from_service(e, &meta))
}

/// Submits a new version after the submission was returned (send `summary` and `files` only).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/versions", tag = "reports",
    params(
        ("id" = Uuid, Path, description = "The returned submission"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–100 visible ASCII characters; repeat it on retries"),
    ),
    request_body(content = SubmissionUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The new version was stored", body = SubmissionView),
        (status = 200, description = "A retry of an earlier request with the same Idempotency-Key", body = SubmissionView),
        (status = 400, description = "The body was cut off or is not multipart", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not submit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or not this organisation's to submit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not returned: waiting for review or accepted", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file is larger than 200 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A file's type is not accepted or does not match its content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid", body = Problem, content_type = "application/problem+json"),
    ))]
async fn resubmit(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    let id = parse_id(&id, &meta)?;
    upload(&state, &actor, &meta, &headers, multipart, Some(id)).await
}

/// Downloads an attached file: a report's, or a change notice's.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "reports",
    params(("id" = Uuid, Path, description = "The file")),
    responses(
        (status = 200, description = "The file's bytes, with its media type", content_type = "application/octet-stream"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found, or not in reach", body = Problem, content_type = "application/problem+json"),
    ))]
async fn download_file(
    State(state): State<AppState>,
    ApiActor(actor, meta): ApiActor,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    ready(&actor, &meta)?;
    let id = parse_id(&id, &meta)?;
    // A report's file, else a change notice's: each looked up through its own module's reach.
    match report_http::file_response(&state, &actor, id).await {
        Err(ServiceError::NotFound | ServiceError::Forbidden) => {
            app::changes::http::file_response(&state, &actor, id).await.map_err(|e| Problem::from_service(e, &meta))
        }
        other => other.map_err(|e| Problem::from_service(e, &meta)),
    }
}
