//! Server functions for duty rosters: the desks in reach with who is on duty now (for a
//! jurisdiction, the recorded overview, paged), one roster's week, a manager's changes (a roster,
//! a rotation, an override, a special period and its publishing, a reassignment, a correction of
//! the record), and standing duty (one's shifts, offers, handovers, status reports).
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    rosters::{
        CorrectionInput, DutyOverview, FeedList, FixedShiftInput, HandoverInput, MyDuty, OfferInput, OverrideInput,
        OverviewFilter, QualityView, ReassignInput, RosterDetail, RosterInput, RosterList, RotationInput, SpecialInput,
        StatusReportInput,
    },
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done};

#[server(endpoint = "rosters", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_rosters() -> Result<RosterList, AppError> {
    serve(|c| async move {
        let reader = crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let can_manage = crate::rosters::scope::roster_manager(&c.actor).is_ok();
        let default_zone = c.actor.time_zone.clone();
        // A jurisdiction's thousands of desks are read from the record, a page at a time
        // (`duty_overview`), never resolved here.
        if reader.is_jurisdiction() {
            return Ok(RosterList { desks: Vec::new(), can_manage, default_zone, jurisdiction: true });
        }
        let desks = crate::rosters::service::on_duty_now(&c.state.db, &reader, c.now, &c.actor.time_zone).await?;
        Ok(RosterList { desks, can_manage, default_zone, jurisdiction: false })
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

/// A roster's quality over a quarter (`YYYY-Qn`; the current one when empty).
#[server(endpoint = "roster_quality", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_roster_quality(id: Uuid, #[server(default)] quarter: String) -> Result<QualityView, AppError> {
    serve(|c| async move {
        let reader = crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::rosters::service::quality(&c.state.db, &reader, id, &quarter, c.now).await
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

/// A new version of a rotation in force, from now (the past stays as it was).
#[server(endpoint = "edit_rotation")]
pub async fn edit_rotation(rotation_id: Uuid, input: RotationInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::edit_rotation(
            &c.state.db,
            &c.acting(),
            &mgr,
            rotation_id,
            &input.without_blank_members(),
        )
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

#[server(endpoint = "duty_overview", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_duty_overview(#[server(default)] filter: OverviewFilter) -> Result<DutyOverview, AppError> {
    serve(|c| async move {
        let reader = crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::rosters::service::overview_kept(
            &c.state.db,
            &c.state.caches,
            &reader,
            &filter,
            c.now,
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "my_duty", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_my_duty() -> Result<MyDuty, AppError> {
    serve(|c| async move {
        // Whoever reads rosters may ask; one who stands no duty (a viewer) has none to show.
        crate::rosters::scope::roster_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let Ok(stander) = crate::rosters::scope::duty_stander(&c.actor) else {
            // A viewer stands no duty: nothing to show, not an error on the dashboard.
            return Ok(MyDuty::default());
        };
        let manager = crate::rosters::scope::roster_manager(&c.actor).ok();
        crate::rosters::service::my_duty(&c.state.db, &stander, manager.as_ref(), c.now, &c.actor.time_zone).await
    })
    .await
}

#[server(endpoint = "offer_shift")]
pub async fn offer_shift(#[server(flatten)] input: OfferInput) -> Result<Uuid, AppError> {
    serve_done(
        |_: &Uuid| crate::ui::notice::Done::here(crate::i18n::Msg::DutyOffered),
        |c| async move {
            let stander = crate::rosters::scope::duty_stander(&c.actor)?;
            crate::rosters::service::offer_shift(&c.state.db, &c.acting(), &stander, &input).await
        },
    )
    .await
}

#[server(endpoint = "take_offer")]
pub async fn take_offer(id: Uuid) -> Result<(), AppError> {
    serve_done(
        |_: &()| crate::ui::notice::Done::here(crate::i18n::Msg::DutyTaken),
        |c| async move {
            let stander = crate::rosters::scope::duty_stander(&c.actor)?;
            crate::rosters::service::take_offer(&c.state.db, &c.acting(), &stander, id).await
        },
    )
    .await
}

#[server(endpoint = "withdraw_offer")]
pub async fn withdraw_offer(id: Uuid) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let stander = crate::rosters::scope::duty_stander(&c.actor)?;
        crate::rosters::service::withdraw_offer(&c.state.db, &c.acting(), &stander, id).await
    })
    .await
}

#[server(endpoint = "reassign_shift")]
pub async fn reassign_shift(roster_id: Uuid, #[server(flatten)] input: ReassignInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::reassign_shift(&c.state.db, &c.acting(), &mgr, roster_id, &input).await
    })
    .await
}

#[server(endpoint = "write_handover")]
pub async fn write_handover(#[server(flatten)] input: HandoverInput) -> Result<Uuid, AppError> {
    serve_done(
        |_: &Uuid| crate::ui::notice::Done::here(crate::i18n::Msg::DutyHandoverSaved),
        |c| async move {
            let stander = crate::rosters::scope::duty_stander(&c.actor)?;
            crate::rosters::service::write_handover(&c.state.db, &c.acting(), &stander, &input).await
        },
    )
    .await
}

#[server(endpoint = "acknowledge_handover")]
pub async fn acknowledge_handover(id: Uuid) -> Result<(), AppError> {
    serve_done(
        |_: &()| crate::ui::notice::Done::here(crate::i18n::Msg::DutyAcknowledged),
        |c| async move {
            let stander = crate::rosters::scope::duty_stander(&c.actor)?;
            crate::rosters::service::acknowledge_handover(&c.state.db, &c.acting(), &stander, id).await
        },
    )
    .await
}

#[server(endpoint = "write_status_report")]
pub async fn write_status_report(#[server(flatten)] input: StatusReportInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let stander = crate::rosters::scope::duty_stander(&c.actor)?;
        crate::rosters::service::write_status_report(&c.state.db, &c.acting(), &stander, &input).await
    })
    .await
}

#[server(endpoint = "add_fixed_shift")]
pub async fn add_fixed_shift(special_id: Uuid, #[server(flatten)] input: FixedShiftInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::add_fixed_shift(&c.state.db, &c.acting(), &mgr, special_id, &input).await
    })
    .await
}

#[server(endpoint = "publish_special")]
pub async fn publish_special(special_id: Uuid, #[server(default)] reason: String) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::publish_special(&c.state.db, &c.acting(), &mgr, special_id, &reason).await
    })
    .await
}

#[server(endpoint = "correct_stood")]
pub async fn correct_stood(#[server(flatten)] input: CorrectionInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let mgr = crate::rosters::scope::roster_manager(&c.actor)?;
        crate::rosters::service::correct_stood(&c.state.db, &c.acting(), &mgr, &input).await
    })
    .await
}

#[server(endpoint = "calendar_feeds", input = leptos::server_fn::codec::GetUrl)]
pub async fn calendar_feeds() -> Result<FeedList, AppError> {
    serve(|c| async move {
        use sea_orm::QueryFilter;
        let stander = crate::rosters::scope::duty_stander(&c.actor)?;
        let feeds = crate::rosters::service::my_feeds(&c.state.db, &stander, &c.actor.time_zone).await?;
        let rosters = stander
            .rosters()
            .filter(sea_orm::ColumnTrait::is_null(&crate::rosters::entity::roster::Column::ArchivedAt))
            .all(&c.state.db)
            .await?
            .into_iter()
            .map(|r| crate::rosters::PersonRef { id: r.id, name: r.name })
            .collect();
        Ok(FeedList { feeds, rosters })
    })
    .await
}

/// Makes a calendar feed; answers its full address, shown once.
#[server(endpoint = "create_calendar_feed")]
pub async fn create_calendar_feed(#[server(default)] roster_id: String) -> Result<String, AppError> {
    serve(|c| async move {
        let stander = crate::rosters::scope::duty_stander(&c.actor)?;
        let roster = match roster_id.trim() {
            "" => None,
            id => Some(id.parse::<Uuid>().map_err(|_| crate::backend::ServiceError::NotFound)?),
        };
        let token = crate::rosters::service::create_feed(&c.state.db, &c.acting(), &stander, roster).await?;
        Ok(format!("{}/calendar/{token}.ics", c.state.settings.public_base_url.trim_end_matches('/')))
    })
    .await
}

#[server(endpoint = "revoke_calendar_feed")]
pub async fn revoke_calendar_feed(id: Uuid) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let stander = crate::rosters::scope::duty_stander(&c.actor)?;
        let manager = crate::rosters::scope::roster_manager(&c.actor).is_ok();
        crate::rosters::service::revoke_feed(&c.state.db, &c.acting(), &stander, manager, id).await
    })
    .await
}
