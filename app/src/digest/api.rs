//! Server functions of the daily digest: the person's settings, saving them, and what its digest
//! would say now (the settings page shows it, so a person sees what it chooses).
use leptos::prelude::*;

use crate::{
    digest::{Digest, DigestInput, DigestSettings},
    error::AppError,
};

#[server(endpoint = "digest_settings", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_digest_settings() -> Result<DigestSettings, AppError> {
    crate::ui::form::serve(|c| async move { crate::digest::service::settings(&c.state.db, &c.actor).await }).await
}

#[server(endpoint = "digest_preview", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_digest_preview() -> Result<Digest, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::digest::{rules, scope, service};
        let opted_out = scope::own_preference(&c.actor)
            .one(&c.state.db)
            .await?
            .map(|p| rules::parse_kinds(&p.opted_out))
            .unwrap_or_default();
        let composing = service::Composing {
            db: &c.state.db,
            caches: &c.state.caches,
            now: c.now,
            portal_zone: &c.state.settings.default_time_zone,
            link_base: "",
        };
        service::compose(&composing, &c.actor, &opted_out).await
    })
    .await
}

#[server(endpoint = "save_digest")]
pub async fn save_digest(#[server(default)] input: DigestInput) -> Result<(), AppError> {
    crate::ui::form::serve_done(
        |_: &()| crate::ui::notice::Done::here(crate::i18n::Msg::DgSaved),
        |c| async move { crate::digest::service::save(&c.state.db, &c.acting(), &input).await },
    )
    .await
}
