//! Server functions for duty rosters: the desks in reach with who is on duty now, one roster's
//! week, and a manager's changes (a roster, a rotation, an override, a special period).
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    rosters::{OverrideInput, RosterDetail, RosterInput, RosterList, RotationInput, SpecialInput},
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done};

#[server(endpoint = "rosters", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_rosters() -> Result<RosterList, AppError> {
    serve(|c| async move {
        let reader = crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let desks = crate::rosters::service::on_duty_now(&c.state.db, &reader, c.now, &c.actor.time_zone).await?;
        let can_manage = crate::rosters::scope::roster_manager(&c.actor).is_ok();
        Ok(RosterList { desks, can_manage, default_zone: c.actor.time_zone.clone() })
    })
    .await
}

#[server(endpoint = "roster", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_roster(id: Uuid, #[server(default)] week: String) -> Result<RosterDetail, AppError> {
    serve(|c| async move {
        let reader = crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let manager = crate::rosters::scope::roster_manager(&c.actor).ok();
        crate::rosters::service::detail(&c.state.db, &reader, manager.as_ref(), id, &week, c.now, &c.actor.time_zone)
            .await
    })
    .await
}

#[server(endpoint = "create_roster")]
pub async fn create_roster(#[server(flatten)] input: RosterInput) -> Result<Uuid, AppError> {
    serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::DutyRosterCreated, format!("/rosters/{id}")),
        |c| async move {
            let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
            crate::rosters::service::create_roster(&c.state.db, &c.acting(), &mgr, &input).await
        },
    )
    .await
}

#[server(endpoint = "add_rotation")]
pub async fn add_rotation(roster_id: Uuid, input: RotationInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::add_rotation(&c.state.db, &c.acting(), &mgr, roster_id, &input.without_blank_members())
            .await
    })
    .await
}

#[server(endpoint = "add_override")]
pub async fn add_override(roster_id: Uuid, #[server(flatten)] input: OverrideInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::add_override(&c.state.db, &c.acting(), &mgr, roster_id, &input).await
    })
    .await
}

#[server(endpoint = "create_special")]
pub async fn create_special(roster_id: Uuid, #[server(flatten)] input: SpecialInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::create_special(&c.state.db, &c.acting(), &mgr, roster_id, &input).await
    })
    .await
}
