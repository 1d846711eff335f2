//! Server functions of the audit module: the filtered page and the chain verification.
use leptos::prelude::*;

use super::{AuditFilter, AuditPage, VerifyReport};
use crate::error::AppError;

#[server(endpoint = "audit", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_audit(#[server(default)] filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::backend::{actor, form::answer, policy, AppState};
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let reader = policy::audit_reader(&actor)?;
        super::service::list(&state.db, &reader, &actor, &filter).await
    }
    .await;
    answer(result)
}

#[server(endpoint = "audit_verify")]
pub async fn verify_audit_chain() -> Result<VerifyReport, AppError> {
    use crate::backend::{actor, form::answer, policy, AppState};
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        policy::platform_admin(&actor)?;
        let anchor = super::anchor::last(&state.settings.data_dir);
        super::service::verify_chain(&state.db, anchor).await
    }
    .await;
    answer(result)
}
