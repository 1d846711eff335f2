//! The report routes that are not server functions: the multipart submission (streamed, shared with
//! the machine API), file downloads, and the CSV exports of the work list and the matrix.
use crate::backend::actor::Acting;
use std::collections::HashMap;

use axum::{
    extract::{multipart::MultipartError, Multipart, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension,
};
use uuid::Uuid;

use super::{
    rules::{self, FileFamily},
    service::{self, IncomingFile, NewVersion, SubmitOutcome},
    AssessmentSummary, Conclusion, CspMonthlySummary, ItemFilter, MatrixFilter, Period, ReportKind,
    SecurityCheckSummary, SelfCheckSummary, ServiceSummary, Severities, Summary, UploadProblem,
};
use crate::{
    backend::{
        actor::Actor,
        csv_export::{csv_response, CsvExport},
        error::status_of,
        request::RequestMeta,
        route::{Asker, query, signed_in},
        storage::IncomingError,
        AppState, ServiceError, ServiceResult,
    },
    error::AppError,
    i18n::{Locale, Msg},
    ui::flash,
};

/// Everything in one request, at most (20 files of up to 200 MB would be 4 GB; a request stops at 1 GB).
pub const MAX_REQUEST_BYTES: usize = 1024 * 1024 * 1024;

/// Why a submission request was refused.
#[derive(Debug)]
pub enum UploadError {
    /// A rule of the service (scope, period, summary, state).
    Service(ServiceError),
    /// One file is not acceptable.
    File(UploadProblem),
    /// The body ended before it was complete (cut off) or is not multipart.
    Malformed(String),
}

impl From<ServiceError> for UploadError {
    fn from(e: ServiceError) -> Self {
        UploadError::Service(e)
    }
}

impl UploadError {
    /// The field it concerns, the status, and a message naming the file where there is one.
    pub fn explain(self, locale: Locale, request_id: &str) -> (StatusCode, String, String) {
        match self {
            UploadError::Service(e) => {
                let e = e.into_app_error(request_id);
                let field = e.field().unwrap_or("").to_string();
                let message = super::naming_field(&field, &e.message(locale), locale);
                (status_of(&e), field, message)
            }
            UploadError::File(p) => {
                let status = match p {
                    UploadProblem::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                    UploadProblem::TypeNotAllowed { .. } | UploadProblem::TypeMismatch { .. } => {
                        StatusCode::UNSUPPORTED_MEDIA_TYPE
                    }
                    UploadProblem::Empty { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                };
                let text = match &p {
                    UploadProblem::Empty { name } | UploadProblem::TypeNotAllowed { name } => {
                        format!("{}: {name}", p.msg().text(locale))
                    }
                    UploadProblem::TooLarge { name, limit_mb } => {
                        format!("{} ({limit_mb} MB): {name}", p.msg().text(locale))
                    }
                    UploadProblem::TypeMismatch { name, detected } => {
                        format!("{}: {name} ({detected})", p.msg().text(locale))
                    }
                };
                (status, "files".into(), text)
            }
            UploadError::Malformed(detail) => {
                tracing::info!(request_id, detail, "malformed or cut-off upload");
                (status_of(&AppError::Malformed), "request".into(), Msg::ErrUploadIncomplete.text(locale).to_string())
            }
        }
    }
}

fn malformed(e: MultipartError) -> UploadError {
    UploadError::Malformed(e.body_text())
}

/// The canonical media type to store for a file whose content fits its name.
fn media_type_for(name: &str, family: FileFamily, sniffed: &str) -> String {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let by_ext = match ext.as_str() {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        _ => sniffed,
    };
    match family {
        FileFamily::Office => by_ext.to_string(),
        _ => sniffed.to_string(),
    }
}

/// One text field's limit (the longest, the notes, are 20,000 characters: 80 KB in UTF-8).
pub const MAX_TEXT_FIELD_BYTES: usize = 200_000;
/// All text fields' bytes together.
pub const MAX_TEXT_BYTES: usize = 1_000_000;
/// Text fields in one form (the largest summary has about 30).
pub const MAX_TEXT_FIELDS: usize = 200;

/// The text fields a submission form has: only these are kept as a refused form's draft.
fn is_form_field(name: &str) -> bool {
    const PLAIN: &[&str] = &[
        "obligation_id",
        "period",
        "summary",
        "availability_pct",
        "incidents",
        "patches_applied",
        "backups_succeeded",
        "backups_failed",
        "restore_test_done",
        "attacks_blocked",
        "notes",
        "changes_delivered",
        "websites_checked",
        "issues_found",
        "issues_fixed",
        "improvement_plan",
        "conclusion",
        "score",
    ];
    const SEVERITY_GROUPS: &[&str] = &["vulnerabilities_found", "vulnerabilities_fixed", "findings", "findings_fixed"];
    PLAIN.contains(&name)
        || name.split_once('.').is_some_and(|(group, level)| {
            SEVERITY_GROUPS.contains(&group) && ["critical", "high", "medium", "low"].contains(&level)
        })
}

/// Answers a page's upload form: on success, on to `Ok`'s page with its message as a flash (or
/// JSON when the client asked for it); on a refusal, back to `back` with the message naming the
/// field — but a person who may not see the record gets the plain refusal, not a way back to it.
pub async fn upload_answer(
    result: Result<(String, Msg), UploadError>,
    headers: &HeaderMap,
    session: &tower_sessions::Session,
    locale: Locale,
    meta: &RequestMeta,
    back: String,
) -> Response {
    let json = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    match result {
        Ok((location, said)) => {
            if json {
                return axum::Json(serde_json::json!({ "location": location })).into_response();
            }
            flash::set(session, crate::ui::Flash { ok: true, text: said.text(locale).to_string(), secret: None, field: None }).await;
            Redirect::to(&location).into_response()
        }
        Err(e) => {
            let (status, field, message) = e.explain(locale, &meta.request_id);
            if json {
                return (status, axum::Json(serde_json::json!({ "field": field, "message": message }))).into_response();
            }
            if matches!(status.as_u16(), 401 | 403 | 404) {
                return (status, message).into_response();
            }
            flash::set(session, crate::ui::Flash { ok: false, text: message, secret: None, field: Some(field) }).await;
            Redirect::to(&back).into_response()
        }
    }
}

/// The text fields and the received files of a multipart submission.
#[derive(Debug, Default)]
pub struct ParsedUpload {
    pub fields: HashMap<String, String>,
    pub files: Vec<IncomingFile>,
    /// `keep_files`, which may repeat (one per file, as checkboxes send them).
    pub keep_files: Vec<String>,
    /// Take files of any type (an exit's handover: database dumps, code archives), typed by
    /// their first bytes only; set by the caller before reading.
    pub any_type: bool,
}

/// Reads a multipart body: text fields into a map, each file streamed to the store while hashed,
/// its size limited and its type checked from its first bytes. Any failure drops what was
/// received, and the temporary files go with it.
pub async fn read_multipart(state: &AppState, multipart: Multipart) -> Result<ParsedUpload, UploadError> {
    let mut out = ParsedUpload::default();
    read_multipart_into(state, multipart, &mut out).await?;
    Ok(out)
}

/// As [`read_multipart`], into `out`, so the text fields read before a failure are still there.
pub async fn read_multipart_into(
    state: &AppState,
    mut multipart: Multipart,
    out: &mut ParsedUpload,
) -> Result<(), UploadError> {
    let (mut text_fields, mut text_bytes) = (0usize, 0usize);
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            // Text is read chunk by chunk against its limits and refused at the first chunk past
            // them: a huge text field never sits in memory whole.
            text_fields += 1;
            if text_fields > MAX_TEXT_FIELDS {
                return Err(UploadError::Service(ServiceError::invalid("request", Msg::ErrTooManyFields)));
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                text_bytes += chunk.len();
                if bytes.len() + chunk.len() > MAX_TEXT_FIELD_BYTES || text_bytes > MAX_TEXT_BYTES {
                    let field = if name == "notes" || name == "improvement_plan" { "notes" } else { "request" };
                    return Err(UploadError::Service(ServiceError::invalid(field, Msg::ErrTextTooLong)));
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| UploadError::Service(ServiceError::invalid("request", Msg::ErrBadRequest)))?;
            // No field takes a NUL, raw or escaped in the summary's JSON (as for forms, in the
            // server's middleware): PostgreSQL cannot store one and SQLite would.
            if text.contains('\0') || text.to_ascii_lowercase().contains("\\u0000") {
                let field = if name == "summary" { "summary" } else { "request" };
                return Err(UploadError::Service(ServiceError::invalid(field, Msg::ErrNulCharacter)));
            }
            if name == "keep_files" {
                if out.keep_files.len() >= rules::MAX_FILES {
                    return Err(UploadError::Service(ServiceError::invalid("files", Msg::ErrTooManyFiles)));
                }
                // A client may also send them comma-separated in one field.
                out.keep_files.extend(text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string));
            } else {
                out.fields.insert(name, text);
            }
            continue;
        };
        if name != "files" {
            return Err(UploadError::Service(ServiceError::invalid("files", Msg::ErrBadRequest)));
        }
        let clean = rules::clean_file_name(&file_name);
        // A file input left empty still sends an empty part without a name: skip it.
        if clean.is_empty() {
            while field.chunk().await.map_err(malformed)?.is_some() {}
            continue;
        }
        if out.files.len() >= rules::MAX_FILES {
            return Err(UploadError::Service(ServiceError::invalid("files", Msg::ErrTooManyFiles)));
        }
        let family = rules::family_of_name(&clean);
        if family.is_none() && !out.any_type {
            return Err(UploadError::File(UploadProblem::TypeNotAllowed { name: clean }));
        }
        let mut incoming = state
            .files
            .begin(rules::MAX_FILE_BYTES)
            .await
            .map_err(|e| UploadError::Service(ServiceError::Internal(e.to_string())))?;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            match incoming.write(chunk).await {
                Ok(()) => {}
                Err(IncomingError::TooLarge { limit }) => {
                    return Err(UploadError::File(UploadProblem::TooLarge {
                        name: clean,
                        limit_mb: limit / (1024 * 1024),
                    }))
                }
                Err(IncomingError::Io(e)) => return Err(UploadError::Service(ServiceError::Internal(e.to_string()))),
            }
        }
        let received =
            incoming.finish().await.map_err(|e| UploadError::Service(ServiceError::Internal(e.to_string())))?;
        if received.size == 0 {
            return Err(UploadError::File(UploadProblem::Empty { name: clean }));
        }
        let sniffed = rules::sniff(&received.head).unwrap_or("application/octet-stream");
        let media_type = match family {
            Some(family) if !out.any_type => {
                if !rules::content_fits(family, sniffed) {
                    return Err(UploadError::File(UploadProblem::TypeMismatch { name: clean, detected: sniffed.to_string() }));
                }
                media_type_for(&clean, family, sniffed)
            }
            _ => sniffed.to_string(),
        };
        out.files.push(IncomingFile { media_type, name: clean, received });
    }
    Ok(())
}

fn number(fields: &HashMap<String, String>, key: &'static str) -> ServiceResult<i64> {
    let raw = fields.get(key).map(|s| s.trim()).unwrap_or("");
    if raw.is_empty() {
        return Err(ServiceError::invalid(key, Msg::ErrRequired));
    }
    raw.parse::<i64>().map_err(|_| {
        // Digits that overflow are a number, just too large (or, negative, below zero).
        let digits = raw.strip_prefix('-').or(raw.strip_prefix('+')).unwrap_or(raw);
        match (digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty(), raw.starts_with('-')) {
            (true, true) => ServiceError::invalid(key, Msg::ErrNegative),
            (true, false) => ServiceError::invalid(key, Msg::ErrTooLarge),
            (false, _) => ServiceError::invalid(key, Msg::ErrNotANumber),
        }
    })
}

fn decimal(fields: &HashMap<String, String>, key: &'static str) -> ServiceResult<f64> {
    let raw = fields.get(key).map(|s| s.trim()).unwrap_or("");
    if raw.is_empty() {
        return Err(ServiceError::invalid(key, Msg::ErrRequired));
    }
    raw.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or(ServiceError::invalid(key, Msg::ErrNotANumber))
}

fn text(fields: &HashMap<String, String>, key: &str) -> String {
    fields.get(key).map(|s| s.trim().to_string()).unwrap_or_default()
}

fn checked(fields: &HashMap<String, String>, key: &str) -> bool {
    matches!(fields.get(key).map(|s| s.as_str()), Some("on" | "true" | "1" | "yes"))
}

macro_rules! severities {
    ($fields:expr, $p:literal) => {
        Severities {
            critical: number($fields, concat!($p, ".critical"))?,
            high: number($fields, concat!($p, ".high"))?,
            medium: number($fields, concat!($p, ".medium"))?,
            low: number($fields, concat!($p, ".low"))?,
        }
    };
}

/// A summary from the browser form's fields (named as the JSON paths), for the obligation's kind.
pub fn summary_from_form(kind: ReportKind, f: &HashMap<String, String>) -> ServiceResult<Summary> {
    Ok(match kind {
        ReportKind::CspMonthly => Summary::CspMonthly(CspMonthlySummary {
            availability_pct: decimal(f, "availability_pct")?,
            vulnerabilities_found: severities!(f, "vulnerabilities_found"),
            vulnerabilities_fixed: severities!(f, "vulnerabilities_fixed"),
            incidents: number(f, "incidents")?,
            patches_applied: number(f, "patches_applied")?,
            backups_succeeded: number(f, "backups_succeeded")?,
            backups_failed: number(f, "backups_failed")?,
            restore_test_done: checked(f, "restore_test_done"),
            attacks_blocked: number(f, "attacks_blocked")?,
            notes: text(f, "notes"),
        }),
        ReportKind::SupplierService => Summary::SupplierService(ServiceSummary {
            changes_delivered: number(f, "changes_delivered")?,
            incidents: number(f, "incidents")?,
            vulnerabilities_found: severities!(f, "vulnerabilities_found"),
            vulnerabilities_fixed: severities!(f, "vulnerabilities_fixed"),
            notes: text(f, "notes"),
        }),
        ReportKind::SelfCheck => Summary::SelfCheck(SelfCheckSummary {
            websites_checked: number(f, "websites_checked")?,
            issues_found: number(f, "issues_found")?,
            issues_fixed: number(f, "issues_fixed")?,
            notes: text(f, "notes"),
        }),
        ReportKind::SecurityCheck => Summary::SecurityCheck(SecurityCheckSummary {
            findings: severities!(f, "findings"),
            findings_fixed: severities!(f, "findings_fixed"),
            improvement_plan: text(f, "improvement_plan"),
            notes: text(f, "notes"),
        }),
        ReportKind::Assessment => Summary::Assessment(AssessmentSummary {
            conclusion: Conclusion::parse(text(f, "conclusion").as_str())
                .ok_or(ServiceError::invalid("conclusion", Msg::ErrChoose))?,
            score: decimal(f, "score")?,
            findings: severities!(f, "findings"),
            notes: text(f, "notes"),
        }),
    })
}

/// Turns the parsed fields into a version to submit. The summary comes as JSON (`summary`, the
/// API) or as form fields (the browser), and its kind must be the obligation's.
pub async fn new_version(
    state: &AppState,
    submitter: &crate::reports::scope::ReportSubmitter,
    parsed: ParsedUpload,
    key_header: Option<&str>,
    fixed: Option<(Uuid, Period)>,
) -> Result<NewVersion, UploadError> {
    let f = &parsed.fields;
    let (obligation_id, period) = match fixed {
        Some(fixed) => fixed,
        None => {
            let obligation_id = Uuid::parse_str(text(f, "obligation_id").as_str())
                .map_err(|_| ServiceError::invalid("obligation_id", Msg::ErrObligationUnknown))?;
            let period =
                Period::parse(&text(f, "period")).ok_or(ServiceError::invalid("period", Msg::ErrPeriodFormat))?;
            (obligation_id, period)
        }
    };
    let kind = service::obligation_kind(&state.db, submitter, obligation_id).await?;
    let summary = match f.get("summary") {
        Some(json) => serde_json::from_str::<Summary>(json).map_err(|e| {
            tracing::debug!(error = %e, "summary JSON refused");
            ServiceError::invalid("summary", Msg::ErrSummaryJson)
        })?,
        None => summary_from_form(kind, f)?,
    };
    let key = key_header.map(str::to_string).or_else(|| f.get("idempotency_key").cloned()).unwrap_or_default();
    let keep_files = parsed
        .keep_files
        .iter()
        .map(|id| Uuid::parse_str(id).map_err(|_| ServiceError::invalid("keep_files", Msg::ErrKeptFileUnknown)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NewVersion {
        obligation_id,
        period,
        summary,
        idempotency_key: service::parse_idempotency_key(&key)?,
        files: parsed.files,
        keep_files,
    })
}

/// Whether the browser's script sent the form (it wants JSON back), or a plain form post (HTML).
fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

/// `POST /reports/submit`: the browser's submission form (first version or resubmission).
pub async fn submit_form(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let json = wants_json(&headers);
    // The text typed into the form, kept if the submission is refused (see below).
    let mut typed = HashMap::new();
    let result: Result<SubmitOutcome, UploadError> = async {
        let actor = signed_in(actor)?;
        let submitter = crate::reports::scope::report_submitter(&actor, state.today())?;
        let multipart = multipart.map_err(|e| UploadError::Malformed(e.body_text()))?;
        let mut parsed = ParsedUpload::default();
        let read = read_multipart_into(&state, multipart, &mut parsed).await;
        typed = parsed.fields.clone();
        read?;
        let new = new_version(&state, &submitter, parsed, None, None).await?;
        Ok(service::submit(&state.db, &state.files, &Acting { actor: &actor, meta: &meta, now: state.clock.now() }, &submitter, new).await?)
    }
    .await;
    match (result, json) {
        (Ok(outcome), true) => {
            let id = outcome.submission_id();
            flash::set(&session, saved(locale)).await;
            axum::Json(serde_json::json!({ "submission_id": id, "location": format!("/reports/submissions/{id}") }))
                .into_response()
        }
        (Ok(outcome), false) => {
            flash::set(&session, saved(locale)).await;
            Redirect::to(&format!("/reports/submissions/{}", outcome.submission_id())).into_response()
        }
        (Err(e), json) => {
            let (status, field, message) = e.explain(locale, &meta.request_id);
            if json {
                (status, axum::Json(serde_json::json!({ "field": field, "message": message }))).into_response()
            } else {
                flash::set(&session, crate::ui::Flash { ok: false, text: message, secret: None, field: None }).await;
                // Without JavaScript the browser shows the form afresh: it gets back what was typed.
                if let Some(form) = typed.get("obligation_id").cloned() {
                    // Only the form's own fields, each already within its limit, go into the session.
                    typed.retain(|name, _| is_form_field(name));
                    // The refused field comes back marked, as the hydrated form marks it.
                    typed.insert(super::INVALID_FIELD.into(), field);
                    flash::set_draft(&session, &form, typed).await;
                }
                let back = headers
                    .get(header::REFERER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|r| r.split_once("://").map(|(_, rest)| rest.to_string()))
                    .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
                    .filter(|p| p.starts_with("/reports/"))
                    .unwrap_or_else(|| "/reports".into());
                Redirect::to(&back).into_response()
            }
        }
    }
}

fn saved(locale: Locale) -> crate::ui::Flash {
    crate::ui::Flash { ok: true, text: Msg::ReportSubmittedFlash.text(locale).into(), secret: None, field: None }
}

pub use crate::backend::route::attachment;

/// Streams a stored file to someone entitled to it.
pub async fn file_response(state: &AppState, actor: &Actor, file_id: Uuid) -> Result<Response, ServiceError> {
    let reader = crate::reports::scope::report_reader(&state.db, actor, state.today()).await?;
    let f = service::file_for_download(&state.db, &reader, file_id).await?;
    crate::backend::route::stored_file(&state.files, &f.sha256, f.media_type.clone(), f.size, &f.name).await
}

/// `GET /reports/files/{id}`.
pub async fn download(
    ask: Asker,
    Path(id): Path<String>,
) -> Response {
    let (state, actor) = (&ask.state, &ask.actor);
    ask.answer(async {
        // An id that is not one names no file: not found, as any file out of reach.
        let id = Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
        file_response(state, actor, id).await
    })
    .await
}

/// The state of a period as a table cell says it.
pub fn state_text(state: super::PeriodState, locale: Locale) -> String {
    use super::PeriodState as S;
    let label = state.code().label().text(locale);
    match state {
        S::Due { days_left } => format!("{label} ({days_left} {})", Msg::DaysLeft.text(locale)),
        S::Overdue { days } => format!("{label} ({days} {})", Msg::Days.text(locale)),
        S::Submitted { late: true, version } => format!("{label} v{version} · {}", Msg::Late.text(locale)),
        S::Submitted { version, .. } | S::Returned { version } => format!("{label} v{version}"),
        _ => label.to_string(),
    }
}

/// `GET /reports/export.csv`: the work list's rows for the same filter, all of them.
pub async fn export_work_csv(
    ask: Asker,
    filter: Result<Query<ItemFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = crate::reports::scope::report_reader(&state.db, actor, state.today()).await?;
        let (items, _) = service::report_work(
            &service::Viewing { db: &state.db, caches: &state.caches, reader: &reader, actor, now: state.clock.now() },
            &filter,
        )
        .await?;
        let mut w = CsvExport::new();
        w.row(
            [Msg::ReportKindLabel, Msg::Period, Msg::DueOn, Msg::State, Msg::Submitter, Msg::Receiver, Msg::Agency]
                .iter()
                .map(|m| m.text(locale)),
        )?;
        for i in items {
            w.row([
                i.kind.label().text(locale).to_string(),
                i.period.to_string(),
                i.due_on,
                state_text(i.state, locale),
                i.submitter.name,
                i.receiver.name,
                i.agency.name,
            ])?;
        }
        Ok(csv_response("reports", state.today(), w.finish()?))
    })
    .await
}

/// `GET /reports/matrix.csv`: every matching agency of the matrix (not one page), a column per period.
pub async fn export_matrix_csv(
    ask: Asker,
    filter: Result<Query<MatrixFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = crate::reports::scope::report_reader(&state.db, actor, state.today()).await?;
        let now = state.clock.now();
        // The file is kept as written until something changes, per reach, language, zone, day and filter.
        let key = format!(
            "matrix-csv|{reader:?}|{}|{}|{}|{filter:?}",
            locale.code(),
            actor.time_zone,
            crate::backend::time_fmt::date_in_zone(now, &actor.time_zone)
        );
        let caches = &state.caches;
        let bytes = caches
            .views
            .get_or_compute(&key, caches.generation.current(), || {
                matrix_csv(state, &reader, actor, now, &filter, locale)
            })
            .await?;
        Ok(csv_response("report-matrix", state.today(), (*bytes).clone()))
    })
    .await
}

/// The matrix's CSV: every matching agency, a column per period.
async fn matrix_csv(
    state: &AppState,
    reader: &crate::reports::scope::ReportReader,
    actor: &Actor,
    now: time::OffsetDateTime,
    filter: &MatrixFilter,
    locale: Locale,
) -> ServiceResult<axum::body::Bytes> {
    let m = service::matrix(&state.db, &state.caches, reader, actor, now, filter, false).await?;
    let mut w = CsvExport::new();
    let mut head = vec![Msg::Agency.text(locale).to_string()];
    head.extend(m.periods.iter().map(|p| p.to_string()));
    w.row(&head)?;
    for r in m.rows {
        let mut rec = vec![r.agency.name];
        rec.extend(r.cells.iter().map(|c| c.state.map(|s| s.label().text(locale).to_string()).unwrap_or_default()));
        w.row(&rec)?;
    }
    w.finish().map(axum::body::Bytes::from)
}
