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
    let nav = current
        .as_ref()
        .filter(|a| !a.must_change_password && !a.must_enrol_second_factor)
        .map(crate::ui::nav::nav_pages)
        .unwrap_or_default();
    let viewer = current.map(|a| Viewer {
        person_id: a.person_id,
        display_name: a.display_name.clone(),
        email: a.email.clone(),
        organisation_name: a.organisation_name.clone(),
        organisation_kind: a.org_kind,
        roles: a.roles.clone(),
        must_change_password: a.must_change_password,
        must_enrol_second_factor: a.must_enrol_second_factor,
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

/// The signed-in person's security page: open sessions and recent sign-ins.
#[server(endpoint = "account_security", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_security() -> Result<super::SecurityView, AppError> {
    // Open while a second factor is owed: the page where it is set up lists the sessions too.
    use crate::ui::form::serve_enrolling;
    serve_enrolling(|c| async move { super::sessions::security_view(&c.state.db, &c.actor, c.now).await }).await
}

/// What ending one session says.
pub fn session_ended(_: &()) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::SessionEndedDone)
}

/// Ends one of the person's own sessions (this one too: it signs out on its next request).
#[server(endpoint = "end_session")]
pub async fn end_session(id: uuid::Uuid) -> Result<(), AppError> {
    use crate::ui::form::serve_done;
    serve_done(session_ended, |c| async move { super::sessions::end_own(&c.state.db, &c.acting(), id).await }).await
}

/// What ending the other sessions says.
pub fn others_ended(_: &u64) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::OtherSessionsEndedDone)
}

/// Ends every open session of the person but this one.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    use crate::ui::form::serve_done;
    serve_done(others_ended, |c| async move { super::sessions::end_others(&c.state.db, &c.acting()).await }).await
}

/// The person's second factor, for its security page (open to a person who still owes one).
#[server(endpoint = "second_factor", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_second_factor() -> Result<super::SecondFactorStatus, AppError> {
    use crate::ui::form::serve_enrolling;
    serve_enrolling(|c| async move { super::second_factor::status(&c.state.db, &c.actor).await }).await
}

/// Starts setting up the second factor: a new secret, shown as a QR code and as text.
#[server(endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<super::Enrolment, AppError> {
    use crate::ui::form::serve_enrolling;
    serve_enrolling(|c| async move { super::second_factor::begin(&c.state.db, &c.acting()).await }).await
}

/// The flash of a change that hands out recovery codes (shown once, without JavaScript too).
#[cfg(feature = "ssr")]
fn codes_flash(said: crate::i18n::Msg) -> impl FnOnce(&Vec<String>, crate::i18n::Locale) -> super::Flash {
    move |codes, locale| super::Flash {
        ok: true,
        text: said.text(locale).into(),
        secret: Some(codes.join("  ")),
        field: None,
    }
}

/// Switches the second factor on with the app's first code; answers the ten recovery codes.
#[server(endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(code: String) -> Result<Vec<String>, AppError> {
    use crate::ui::form::serve_form_enrolling;
    serve_form_enrolling(codes_flash(crate::i18n::Msg::SecondFactorOnDone), |c| async move {
        super::second_factor::confirm(&c.state.db, &c.acting(), &code).await
    })
    .await
}

/// Ten new recovery codes, on a current code from the app.
#[server(endpoint = "new_recovery_codes")]
pub async fn new_recovery_codes(code: String) -> Result<Vec<String>, AppError> {
    use crate::ui::form::serve_form;
    serve_form(codes_flash(crate::i18n::Msg::RecoveryCodesDone), |c| async move {
        super::second_factor::regenerate_codes(&c.state.db, &c.acting(), &code).await
    })
    .await
}

/// Whether every administrator (organisation or platform) must use a second factor: the
/// platform administrator's setting.
#[server(endpoint = "set_admins_second_factor")]
pub async fn set_admins_second_factor(#[server(default)] on: bool) -> Result<(), AppError> {
    use crate::ui::form::serve_done;
    serve_done(crate::ui::notice::saved, |c| async move {
        crate::tenancy::scope::platform_admin(&c.actor)?;
        super::second_factor::set_admins_required(&c.state.db, &c.acting(), on).await
    })
    .await
}

/// Whether every administrator must use a second factor (for the platform administrator's page).
#[server(endpoint = "admins_second_factor", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_admins_second_factor() -> Result<bool, AppError> {
    use crate::ui::form::serve;
    serve(|c| async move {
        crate::tenancy::scope::platform_admin(&c.actor)?;
        super::second_factor::admins_required(&c.state.db).await
    })
    .await
}

/// What switching the second factor off says.
pub fn second_factor_off(_: &()) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::SecondFactorOffDone)
}

/// Switches the second factor off, on a current code (refused where it is required).
#[server(endpoint = "turn_off_second_factor")]
pub async fn turn_off_second_factor(code: String) -> Result<(), AppError> {
    use crate::ui::form::serve_done;
    serve_done(
        second_factor_off,
        |c| async move { super::second_factor::turn_off(&c.state.db, &c.acting(), &code).await },
    )
    .await
}
