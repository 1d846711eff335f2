//! The one shape of a plain axum route (downloads and exports): who is asking, the parsed query,
//! the service, and the answer or the error through the one mapping.
use axum::{
    extract::{rejection::QueryRejection, Query},
    response::Response,
    Extension,
};

use super::{actor::Actor, error::plain_error, request::RequestMeta, ServiceError, ServiceResult};
use crate::i18n::Locale;

/// The signed-in person behind a plain route, once any required password change is done.
pub fn signed_in(actor: Option<Extension<Actor>>) -> ServiceResult<Actor> {
    let Some(Extension(actor)) = actor else {
        return Err(ServiceError::NotSignedIn);
    };
    if actor.must_change_password {
        return Err(ServiceError::MustChangePassword);
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
