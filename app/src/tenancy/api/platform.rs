//! Server functions of the platform operator: the jurisdiction tree and the mail outbox's state.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{error::AppError, tenancy::JurisdictionTree};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done};

#[server(endpoint = "jurisdictions", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_jurisdictions() -> Result<JurisdictionTree, AppError> {
    serve(|c| async move {
        let cap = crate::tenancy::scope::jurisdiction_admin(&c.actor)?;
        crate::tenancy::service::jurisdictions::tree(&c.state.db, &cap).await
    })
    .await
}

/// `regulator_id` empty removes the organisation from its regulator; `moving` confirms a move.
#[server(endpoint = "place_in_jurisdiction")]
pub async fn place_in_jurisdiction(
    organisation_id: Uuid,
    #[server(default)] regulator_id: Option<String>,
    #[server(default)] moving: Option<String>,
) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let cap = crate::tenancy::scope::jurisdiction_admin(&c.actor)?;
        let regulator = match regulator_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Uuid::parse_str(s).map_err(|_| {
                crate::backend::ServiceError::invalid("regulator_id", crate::i18n::Msg::ErrNotRegulator)
            })?),
        };
        let moving = moving.as_deref().is_some_and(|v| v == "on" || v == "true");
        crate::tenancy::service::jurisdictions::place(
            &c.state.db,
            &c.acting(),
            &cap,
            organisation_id,
            regulator,
            moving,
        )
        .await
    })
    .await
}

/// The outbox: counts, and the newest mails (of one state: `pending`, `sent` or `dead`).
#[server(endpoint = "outbox", input = leptos::server_fn::codec::GetUrl)]
pub async fn outbox_state(#[server(default)] state: Option<String>) -> Result<crate::tenancy::OutboxView, AppError> {
    serve(|c| async move {
        let cap = crate::tenancy::scope::outbox_reader(&c.actor)?;
        crate::tenancy::service::outbox_state(&c.state.db, &cap, &c.actor.time_zone, state.as_deref()).await
    })
    .await
}
