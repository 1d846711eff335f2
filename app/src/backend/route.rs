//! The one shape of a plain axum route (downloads and exports): who is asking, the parsed query,
//! the service, and the answer or the error through the one mapping.
use axum::{
    extract::{rejection::QueryRejection, FromRef, FromRequestParts, Query},
    http::request::Parts,
    response::Response,
    Extension,
};

use super::{actor::Actor, error::plain_error, request::RequestMeta, AppState, ServiceError, ServiceResult};
use crate::i18n::Locale;

/// Who asks a plain route, and in what language: the extractor every download and export takes
/// first, so a handler names only what is its own (the path, the query, the body). Refuses with
/// the one mapping when nobody is signed in or a password change is still due.
pub struct Asker {
    pub state: AppState,
    pub actor: Actor,
    pub meta: RequestMeta,
    pub locale: Locale,
}

impl<S> FromRequestParts<S> for Asker
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
        let locale = parts.extensions.get::<Locale>().copied().unwrap_or_default();
        let actor = parts.extensions.get::<Actor>().cloned().map(Extension);
        match signed_in(actor) {
            Ok(actor) => Ok(Asker { state: AppState::from_ref(state), actor, meta, locale }),
            Err(e) => Err(plain_error(e, &meta.request_id, locale)),
        }
    }
}

impl Asker {
    /// The route's answer: what the work returns, or its error through the one mapping.
    pub async fn answer(&self, work: impl std::future::Future<Output = ServiceResult<Response>>) -> Response {
        respond(work.await, &self.meta, self.locale)
    }

    /// Today in the portal's default zone.
    pub fn today(&self) -> time::Date {
        self.state.today()
    }
}

/// The signed-in person behind a plain route, once any required password change is done.
pub fn signed_in(actor: Option<Extension<Actor>>) -> ServiceResult<Actor> {
    let Some(Extension(actor)) = actor else {
        return Err(ServiceError::NotSignedIn);
    };
    if actor.must_change_password {
        return Err(ServiceError::MustChangePassword);
    }
    if actor.must_enrol_second_factor {
        return Err(ServiceError::MustEnrolSecondFactor);
    }
    Ok(actor)
}

/// A query string parsed into its type, or "malformed request".
pub fn query<T>(parsed: Result<Query<T>, QueryRejection>) -> ServiceResult<T> {
    parsed.map(|Query(q)| q).map_err(|_| ServiceError::Malformed)
}

/// A plain route's answer: the response, or the error as the one mapping says.
pub fn respond(result: ServiceResult<Response>, meta: &RequestMeta, locale: Locale) -> Response {
    result.unwrap_or_else(|e| plain_error(e, &meta.request_id, locale))
}

/// A header value for `Content-Disposition` that keeps non-ASCII names (RFC 6266 / 5987).
pub fn attachment(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    // RFC 5987's attr-char allows a few more bare characters; leaving only these keeps the value
    // valid in every reader and the usual file-name characters readable.
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');
    let encoded = percent_encoding::utf8_percent_encode(name, KEEP);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file as a download, streamed from the store: the one answer of every module's file
/// route, once the module has found the file in the asker's reach.
pub async fn stored_file(
    files: &super::storage::FileStore,
    sha256: &str,
    media_type: String,
    size: i64,
    name: &str,
) -> ServiceResult<Response> {
    use axum::{body::Body, http::header, response::IntoResponse};
    let handle = files
        .open(sha256)
        .await
        .map_err(|e| ServiceError::Internal(format!("file {name:?} ({sha256}) missing from storage: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::CONTENT_DISPOSITION, attachment(name)),
            (header::CACHE_CONTROL, "private, no-store".into()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(handle)),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn attachment_names_keep_their_non_ascii_characters_encoded() {
        assert_eq!(
            super::attachment("月报 2026-11.pdf"),
            "attachment; filename=\"__ 2026-11.pdf\"; filename*=UTF-8''%E6%9C%88%E6%8A%A5%202026-11.pdf"
        );
    }
}
