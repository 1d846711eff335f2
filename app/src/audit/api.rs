//! Server functions of the audit module: the filtered page and the chain verification.
use leptos::prelude::*;

use super::{AuditFilter, AuditPage, VerifyReport};
use crate::error::AppError;

#[server(endpoint = "audit", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_audit(#[server(default)] filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::ui::form::{serve, Call};
    serve(|Call { state, actor }| async move {
        let reader = crate::audit::scope::audit_reader(&actor)?;
        super::service::list(&state.db, &reader, &actor, &filter).await
    })
    .await
}

#[server(endpoint = "audit_verify")]
pub async fn verify_audit_chain() -> Result<VerifyReport, AppError> {
    use crate::ui::form::{serve, Call};
    serve(|Call { state, actor }| async move {
        crate::tenancy::scope::platform_admin(&actor)?;
        let anchor = super::anchor::last(&state.settings.data_dir);
        super::service::verify_chain(&state.db, anchor).await
    })
    .await
}
