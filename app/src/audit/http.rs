//! The CSV export of the filtered audit rows (a download, so a plain GET route rather than a server function).
use axum::{
    extract::Query,
    response::Response,
};

use super::AuditFilter;
use crate::backend::{
    csv_export::csv_response,
    route::{Asker, query},
};

pub async fn export_csv(
    ask: Asker,
    filter: Result<Query<AuditFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let filter = query(filter)?;
        let reader = crate::audit::scope::audit_reader(actor)?;
        let bytes = super::service::export_csv(&state.db, &reader, actor, &filter, locale).await?;
        Ok(csv_response("audit", state.today(), bytes))
    })
    .await
}
