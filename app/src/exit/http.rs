//! Exits' routes that are not server functions: the inventory's forms, which carry files
//! (multipart) — the provider adds or corrects an item, the agency verifies one — an item's file
//! download, and the list's CSV through the shared writer.
use axum::{
    extract::{Multipart, Path, Query},
    http::HeaderMap,
    response::Response,
    Extension,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{scope, service, ExitFilter, ItemInput};
use crate::{
    backend::{
        actor::{Acting, Actor},
        csv_export::{csv_response, CsvExport},
        request::RequestMeta,
        route::{query, signed_in, Asker},
        AppState, ServiceError,
    },
    i18n::{Locale, Msg},
    reports::http::{read_multipart_into, upload_answer, ParsedUpload, UploadError},
};

type Multi = Result<Multipart, axum::extract::multipart::MultipartRejection>;
type Ids = Result<Path<(Uuid, Uuid)>, axum::extract::rejection::PathRejection>;

/// What an inventory form's request brings, once its sender is known.
struct Upload {
    state: AppState,
    actor: Actor,
    meta: RequestMeta,
    exit_id: Uuid,
}

impl Upload {
    /// The writer, and the exit in its reach (outside it: "not found" before a byte is read).
    async fn writer(&self) -> Result<scope::ExitWriter, UploadError> {
        let w = scope::exit_writer(&self.state.db, &self.actor, self.state.today()).await?;
        w.reader().exit(self.exit_id).one(&self.state.db).await.map_err(ServiceError::from)?.ok_or(ServiceError::NotFound)?;
        Ok(w)
    }

    /// The text fields and at most one file, of any type (a handover holds dumps and archives).
    async fn read(&self, multipart: Multi) -> Result<ParsedUpload, UploadError> {
        let multipart = multipart.map_err(|e| UploadError::Malformed(e.body_text()))?;
        let mut parsed = ParsedUpload { any_type: true, ..ParsedUpload::default() };
        read_multipart_into(&self.state, multipart, &mut parsed).await?;
        if parsed.files.len() > 1 {
            return Err(UploadError::Service(ServiceError::invalid("files", Msg::ExErrOneFile)));
        }
        Ok(parsed)
    }

    fn acting(&self) -> Acting<'_> {
        Acting { actor: &self.actor, meta: &self.meta, now: self.state.clock.now() }
    }
}

fn item_input(p: &ParsedUpload) -> ItemInput {
    let f = |k: &str| p.fields.get(k).cloned().unwrap_or_default();
    ItemInput {
        kind: f("kind"),
        name: f("name"),
        description: f("description"),
        format: f("format"),
        size_bytes: f("size_bytes"),
        sha256: f("sha256"),
        sensitivity: f("sensitivity"),
        medium: f("medium"),
    }
}

/// The pieces every inventory form's handler takes, as axum's extractors.
pub struct FormRequest {
    state: AppState,
    actor: Option<Extension<Actor>>,
    meta: RequestMeta,
    locale: Locale,
    session: tower_sessions::Session,
    headers: HeaderMap,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for FormRequest
where
    AppState: axum::extract::FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, s: &S) -> Result<Self, Response> {
        use axum::{extract::FromRef, response::IntoResponse};
        let session = tower_sessions::Session::from_request_parts(parts, s).await.map_err(|e| e.into_response())?;
        let ext = &parts.extensions;
        Ok(FormRequest {
            state: AppState::from_ref(s),
            actor: ext.get::<Actor>().cloned().map(Extension),
            meta: ext.get::<RequestMeta>().cloned().unwrap_or_default(),
            locale: ext.get::<Locale>().copied().unwrap_or_default(),
            session,
            headers: parts.headers.clone(),
        })
    }
}

impl FormRequest {
    /// Runs one inventory form for the exit `id` and answers as every upload form does.
    async fn run<F, Fut>(self, id: Option<Uuid>, work: F) -> Response
    where
        F: FnOnce(Upload) -> Fut,
        Fut: std::future::Future<Output = Result<Msg, UploadError>>,
    {
        let FormRequest { state, actor, meta, locale, session, headers } = self;
        let back = id.map(|id| format!("/exits/{id}")).unwrap_or_else(|| "/exits".into());
        let result = async {
            let actor = signed_in(actor)?;
            // An id that is not one names no exit in anyone's reach.
            let exit_id = id.ok_or(ServiceError::NotFound)?;
            let said = work(Upload { state, actor, meta: meta.clone(), exit_id }).await?;
            Ok::<_, UploadError>((format!("/exits/{exit_id}"), said))
        }
        .await;
        upload_answer(result, &headers, &session, locale, &meta, back).await
    }
}

/// `POST /exits/{id}/items`: the provider adds an item, with its file or described media.
pub async fn add_item(form: FormRequest, id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>, multipart: Multi) -> Response {
    let id = id.ok().map(|Path(id)| id);
    form.run(id, |u| async move {
        let w = u.writer().await?;
        let mut parsed = u.read(multipart).await?;
        let input = item_input(&parsed);
        let file = parsed.files.pop();
        let base = u.state.settings.public_base_url.clone();
        service::add_item(&u.state.db, &u.state.files, &u.acting(), &w, u.exit_id, &input, file, &base).await?;
        Ok(Msg::ExItemAdded)
    })
    .await
}

/// `POST /exits/{id}/items/{item}`: the provider corrects an item not yet verified.
pub async fn correct_item(form: FormRequest, ids: Ids, multipart: Multi) -> Response {
    let ids = ids.ok().map(|Path(ids)| ids);
    form.run(ids.map(|i| i.0), |u| async move {
        let w = u.writer().await?;
        let item = ids.ok_or(ServiceError::NotFound)?.1;
        let mut parsed = u.read(multipart).await?;
        let input = item_input(&parsed);
        let file = parsed.files.pop();
        let base = u.state.settings.public_base_url.clone();
        service::correct_item(&u.state.db, &u.state.files, &u.acting(), &w, u.exit_id, item, &input, file, &base).await?;
        Ok(Msg::ExItemCorrected)
    })
    .await
}

/// `POST /exits/{id}/items/{item}/verify`: the agency verifies an item — with a file it uploads
/// only to have it hashed, a checksum it typed, or (neither) the portal's stored bytes.
pub async fn verify_item(form: FormRequest, ids: Ids, multipart: Multi) -> Response {
    let ids = ids.ok().map(|Path(ids)| ids);
    form.run(ids.map(|i| i.0), |u| async move {
        let w = u.writer().await?;
        let item = ids.ok_or(ServiceError::NotFound)?.1;
        let mut parsed = u.read(multipart).await?;
        let typed = parsed.fields.get("sha256").map(|s| s.trim().to_string()).unwrap_or_default();
        let evidence = match (parsed.files.pop(), typed.is_empty()) {
            (Some(file), _) => service::Evidence::Uploaded(file),
            (None, false) => service::Evidence::Typed(typed),
            (None, true) => service::Evidence::Stored,
        };
        let base = u.state.settings.public_base_url.clone();
        let matched = service::verify_item(&u.state.db, &u.state.files, &u.acting(), &w, u.exit_id, item, evidence, &base).await?;
        Ok(if matched { Msg::ExItemVerified } else { Msg::ExItemMismatched })
    })
    .await
}

/// `GET /exits/files/{item}`: an item's file, to whoever reaches its exit.
pub async fn download(ask: Asker, id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>) -> Response {
    let (state, actor) = (&ask.state, &ask.actor);
    ask.answer(async {
        let Path(id) = id.map_err(|_| ServiceError::NotFound)?;
        let reader = scope::exit_reader(&state.db, actor, state.today()).await?;
        let (name, media_type, size, sha) = service::item_file(&state.db, &reader, id).await?;
        crate::backend::route::stored_file(&state.files, &sha, media_type, size, &name).await
    })
    .await
}

/// The list's filter as its form sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub overdue: String,
}

/// `GET /exits/export.csv?status=&overdue=1`: every exit of the list for the filter.
pub async fn export_csv(ask: Asker, filter: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let q = query(filter)?;
        let today = state.today();
        let reader = scope::exit_reader(&state.db, actor, today).await?;
        let filter = ExitFilter { status: Some(q.status).filter(|s| !s.trim().is_empty()), overdue: !q.overdue.trim().is_empty(), page: None };
        let (rows, _, _) = service::list(&state.db, &reader, &filter, &actor.time_zone, today, true).await?;
        let mut w = CsvExport::new();
        let head = [
            Msg::ExAgency,
            Msg::ExProvider,
            Msg::ExStatus,
            Msg::ExReason,
            Msg::ExTargetDate,
            Msg::ExOpenedAt,
            Msg::ExOverdue,
            Msg::ExItems,
            Msg::ExVerified,
            Msg::ExMismatched,
            Msg::ExId,
        ];
        w.row(head.iter().map(|m| m.text(locale)))?;
        for r in rows {
            w.row([
                r.agency.name,
                r.provider.name,
                r.status.label().text(locale).to_string(),
                r.reason.label().text(locale).to_string(),
                r.target_date,
                r.opened_at,
                if r.overdue { Msg::Yes } else { Msg::No }.text(locale).to_string(),
                r.items.to_string(),
                r.verified.to_string(),
                r.mismatched.to_string(),
                r.id.to_string(),
            ])?;
        }
        Ok(csv_response("exits", today, w.finish()?))
    })
    .await
}
