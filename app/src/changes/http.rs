//! Change notices' routes that are not server functions: a notice's machine-readable export,
//! the same JSON the API answers, as a file; the CSP's file upload (multipart, which a server
//! function does not take); and a file's download.
use axum::{
    extract::{Multipart, Path, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    Extension,
};
use uuid::Uuid;

use crate::{
    backend::{
        actor::{Acting, Actor},
        request::RequestMeta,
        route::{Asker, signed_in},
        AppState, ServiceError,
    },
    i18n::{Locale, Msg},
    reports::http::{read_multipart, upload_answer, UploadError},
};

/// Reads a multipart body of files and a `purpose`, and attaches them to the notice: the one
/// path of the page's form and the API. Returns how many files were attached.
pub async fn attach_upload(
    state: &AppState,
    actor: &Actor,
    meta: &RequestMeta,
    id: Uuid,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<usize, UploadError> {
    let w = super::scope::change_writer(&state.db, actor, state.today()).await?;
    super::scope::require_csp(&w)?;
    // Outside the reach is "not found" before a byte of the body is read.
    w.reader().notice(id).one(&state.db).await.map_err(ServiceError::from)?.ok_or(ServiceError::NotFound)?;
    let multipart = multipart.map_err(|e| UploadError::Malformed(e.body_text()))?;
    let parsed = read_multipart(state, multipart).await?;
    let purpose = parsed.fields.get("purpose").cloned().unwrap_or_default();
    let by = Acting { actor, meta, now: state.clock.now() };
    Ok(super::service::attach(&state.db, &state.files, &by, &w, id, &purpose, parsed.files).await?)
}

/// `POST /changes/{id}/files`: the notice page's upload form. Back to the notice, with what
/// happened; a refused file changes nothing (and nothing typed elsewhere is on this form).
// Each argument is one of axum's extractors; a struct of them would only rename them.
#[allow(clippy::too_many_arguments)]
pub async fn upload_form(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let id = id.ok().map(|Path(id)| id);
    let result = async {
        let actor = signed_in(actor)?;
        // An id that is not one names no notice in anyone's reach.
        let id = id.ok_or(ServiceError::NotFound)?;
        let n = attach_upload(&state, &actor, &meta, id, multipart).await?;
        Ok::<_, UploadError>((format!("/changes/{id}"), n))
    }
    .await
    .map(|(location, _)| (location, Msg::ChFilesAttached));
    let back = id.map(|id| format!("/changes/{id}")).unwrap_or_else(|| "/changes".into());
    upload_answer(result, &headers, &session, locale, &meta, back).await
}

/// Streams a notice's file to someone who reaches the notice.
pub async fn file_response(state: &AppState, actor: &Actor, file_id: Uuid) -> Result<Response, ServiceError> {
    let reader = super::scope::change_reader(&state.db, actor, state.today()).await?;
    let (f, media_type, sha256) = super::service::file_for_download(&state.db, &reader, file_id).await?;
    crate::backend::route::stored_file(&state.files, &sha256, media_type, f.size, &f.name).await
}

/// `GET /changes/files/{id}`.
pub async fn download(
    ask: Asker,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> Response {
    let (state, actor) = (&ask.state, &ask.actor);
    ask.answer(async {
        let Path(id) = id.map_err(|_| ServiceError::NotFound)?;
        file_response(state, actor, id).await
    })
    .await
}

/// `GET /changes/{id}/export.json`: the notice whole, as the viewer may read it.
pub async fn export_notice_json(
    ask: Asker,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> Response {
    let (state, actor) = (&ask.state, &ask.actor);
    ask.answer(async {
        // An id that is not one names no notice in anyone's reach.
        let Path(id) = id.map_err(|_| ServiceError::NotFound)?;
        let reader = super::scope::change_reader(&state.db, actor, state.today()).await?;
        // What the viewer may do next, as the API's document says it (the same shape, whole).
        let writes = super::scope::change_writer(&state.db, actor, state.today()).await.is_ok();
        let detail = super::service::notice_detail(&state.db, &reader, id, writes, &actor.time_zone, state.clock.now()).await?;
        let body = serde_json::to_vec_pretty(&detail).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Ok((
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"change-notice-{id}.json\"")),
            ],
            body,
        )
            .into_response())
    })
    .await
}
