//! Server functions of the auth module: the page frame (viewer, language, demo flag, flash).
use leptos::prelude::*;

use super::Frame;
use crate::error::AppError;

#[server(endpoint = "frame")]
pub async fn get_frame() -> Result<Frame, AppError> {
    use crate::{
        auth::Viewer,
        backend::{actor, time_fmt::format_in_zone, AppState},
        ui::{flash, form::viewer_locale},
    };
    let state = expect_context::<AppState>();
    let current = actor::current();
    let nav = current.as_ref().filter(|a| !a.must_change_password).map(crate::ui::nav::nav_pages).unwrap_or_default();
    let viewer = current.map(|a| Viewer {
        person_id: a.person_id,
        display_name: a.display_name.clone(),
        email: a.email.clone(),
        organisation_name: a.organisation_name.clone(),
        organisation_kind: a.org_kind,
        roles: a.roles.clone(),
        must_change_password: a.must_change_password,
        last_login_at: a.last_login_at.map(|t| format_in_zone(t, &a.time_zone)),
        time_zone: a.time_zone.clone(),
    });
    let flash = match leptos_axum::extract::<tower_sessions::Session>().await {
        Ok(session) => flash::take(&session).await,
        Err(_) => None,
    };
    let demo = state
        .caches
        .views
        .get_or_compute("demo", state.generation(), || crate::backend::settings::is_demo(&state.db))
        .await
        .map(|d| *d)
        .unwrap_or(false);
    Ok(Frame { viewer, locale: viewer_locale(), demo, flash, nav })
}

/// The signed-in person's API tokens.
#[server(endpoint = "api_tokens", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_api_tokens() -> Result<Vec<super::TokenRow>, AppError> {
    use crate::ui::form::serve;
    serve(|c| async move { super::tokens::list(&c.state.db, c.now, &c.actor).await }).await
}

/// Mints a token; its secret is in the answer (and, for a plain form post, in the flash) once.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String, days: String) -> Result<String, AppError> {
    use crate::ui::form::serve_form;
    serve_form(
        |secret: &String, locale| super::Flash {
            ok: true,
            text: crate::i18n::Msg::TokenCreated.text(locale).into(),
            secret: Some(secret.clone()),
            field: None,
        },
        |c| async move { super::tokens::create(&c.state.db, &c.acting(), &name, &days).await },
    )
    .await
}

/// What revoking a token says.
pub fn revoked(_: &()) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::TokenRevoked)
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: uuid::Uuid) -> Result<(), AppError> {
    use crate::ui::form::serve_done;
    serve_done(revoked, |c| async move { super::tokens::revoke(&c.state.db, &c.acting(), id).await }).await
}
