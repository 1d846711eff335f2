//! The CSV export of the filtered audit rows (a download, so a plain GET route rather than a server function).
use axum::{
    extract::{Query, State},
    response::Response,
    Extension,
};

use super::AuditFilter;
use crate::backend::{
    actor::Actor,
    csv_export::csv_response,
    request::RequestMeta,
    route::{query, respond, signed_in},
    AppState,
};

pub async fn export_csv(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<crate::i18n::Locale>,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = signed_in(actor)?;
        let filter = query(filter)?;
        let reader = crate::audit::scope::audit_reader(&actor)?;
        let bytes = super::service::export_csv(&state.db, &reader, &actor, &filter, locale).await?;
        Ok(csv_response("audit", state.today(), bytes))
    }
    .await;
    respond(result, &meta, locale)
}
