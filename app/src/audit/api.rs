//! Server functions of the audit module: the filtered page and the chain verification.
use leptos::prelude::*;

use super::{AuditFilter, AuditPage, VerifyReport};
use crate::error::AppError;

#[server(endpoint = "audit", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_audit(#[server(default)] filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::ui::form::serve;
    serve(|c| async move {
        let reader = crate::audit::scope::audit_reader(&c.actor)?;
        super::service::list(&c.state.db, &reader, &c.actor, &filter, crate::ui::form::viewer_locale()).await
    })
    .await
}

#[server(endpoint = "audit_verify")]
pub async fn verify_audit_chain() -> Result<VerifyReport, AppError> {
    use crate::ui::form::serve;
    serve(|c| async move {
        crate::tenancy::scope::platform_admin(&c.actor)?;
        let anchor = super::anchor::last(&c.state.settings.data_dir);
        super::service::verify_chain(&c.state.db, anchor).await
    })
    .await
}
