//! The CSV export of the filtered audit rows (a download, so a plain GET route rather than a server function).
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension,
};

use super::AuditFilter;
use crate::backend::{actor::Actor, policy, request::RequestMeta, AppState, ServiceError};

pub async fn export_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<crate::i18n::Locale>,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    let Ok(Query(filter)) = filter else {
        return (StatusCode::BAD_REQUEST, crate::i18n::Msg::ErrBadRequest.text(locale)).into_response();
    };
    let result = async {
        if actor.must_change_password {
            return Err(ServiceError::MustChangePassword);
        }
        let reader = policy::audit_reader(&actor)?;
        super::service::export_csv(&state.db, &reader, &actor, &filter).await
    }
    .await;
    match result {
        Ok(bytes) => crate::backend::csv_export::csv_response("audit", state.today(), bytes),
        Err(e) => {
            let status = match &e {
                ServiceError::Forbidden => StatusCode::FORBIDDEN,
                ServiceError::NotFound => StatusCode::NOT_FOUND,
                ServiceError::Invalid { .. } => StatusCode::BAD_REQUEST,
                ServiceError::MustChangePassword | ServiceError::NotSignedIn => StatusCode::UNAUTHORIZED,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, e.into_app_error(&meta.request_id).message(locale)).into_response()
        }
    }
}
