//! Server functions of the auth module: the page frame (viewer, language, demo flag, flash).
use leptos::prelude::*;

use super::Frame;
use crate::error::AppError;

#[server(endpoint = "frame")]
pub async fn get_frame() -> Result<Frame, AppError> {
    use crate::{
        auth::Viewer,
        backend::{actor, flash, form::viewer_locale, time_fmt::format_in_zone, AppState},
    };
    let state = expect_context::<AppState>();
    let current = actor::current();
    let nav = current
        .as_ref()
        .filter(|a| !a.must_change_password)
        .map(crate::backend::policy::nav_pages)
        .unwrap_or_default();
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
    let demo = crate::backend::demo::is_demo(&state.db).await.unwrap_or(false);
    Ok(Frame {
        viewer,
        locale: viewer_locale(),
        demo,
        flash,
        nav,
    })
}
