//! Server functions for emergency response: the module's page for each kind of organisation, a
//! jurisdiction's drill overview, a plan with its versions, creating and drafting and approving
//! plans, providers' contacts, drills and their follow-up actions, and closing an action.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    plans::{
        ActionLine, ActionRow, ContactLine, DraftInput, DrillDetail, DrillInput, DrillOverview, ErHome, PlanDetail,
        PlanInput,
    },
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done, Call};

/// The reader, the agency's writer and the provider's contact keeper an actor holds (the last
/// two only where the policy gives them).
#[cfg(feature = "ssr")]
async fn capabilities(
    c: &Call,
) -> Result<
    (
        crate::plans::scope::ErReader,
        Option<crate::plans::scope::PlanWriter>,
        Option<crate::plans::scope::ContactKeeper>,
    ),
    crate::backend::ServiceError,
> {
    let reader = crate::plans::scope::er_reader(&c.state.db, &c.actor, c.state.today()).await?;
    Ok((reader, crate::plans::scope::plan_writer(&c.actor).ok(), crate::plans::scope::contact_keeper(&c.actor).ok()))
}

#[server(endpoint = "emergency", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_emergency() -> Result<ErHome, AppError> {
    serve(|c| async move {
        let (reader, writer, keeper) = capabilities(&c).await?;
        crate::plans::service::home(
            &c.state.db,
            &reader,
            writer.as_ref(),
            keeper.as_ref(),
            c.state.today(),
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

/// One agency's plans, drill grid, drills and open actions, for its jurisdiction (read only).
#[server(endpoint = "emergency_agency", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_agency_emergency(id: Uuid) -> Result<ErHome, AppError> {
    serve(|c| async move {
        let reader = crate::plans::scope::er_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::agency_home(&c.state.db, &reader, id, c.state.today(), &c.actor.time_zone).await
    })
    .await
}

/// A jurisdiction's agencies with their drill, review and action flags, a page at a time.
#[server(endpoint = "drill_overview", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_drill_overview(
    #[server(default)] search: String,
    #[server(default)] overdue: String,
    #[server(default)] page: String,
) -> Result<DrillOverview, AppError> {
    serve(|c| async move {
        let reader = crate::plans::scope::er_reader(&c.state.db, &c.actor, c.state.today()).await?;
        // Only a jurisdiction compares agencies.
        if !reader.is_jurisdiction() {
            return Err(crate::backend::ServiceError::Forbidden);
        }
        let page = page.trim().parse::<u64>().unwrap_or(1);
        crate::plans::service::drill_overview(
            &c.state.db,
            &c.state.caches,
            &reader,
            &search,
            !overdue.is_empty(),
            page,
            c.state.today(),
        )
        .await
    })
    .await
}

/// A plan in reach; `v` picks a version (empty: the one in force).
#[server(endpoint = "plan", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_plan(id: Uuid, #[server(default)] v: String) -> Result<PlanDetail, AppError> {
    serve(|c| async move {
        let (reader, writer, _) = capabilities(&c).await?;
        let asked = match v.trim() {
            "" => None,
            n => Some(n.parse::<i32>().map_err(|_| crate::backend::ServiceError::NotFound)?),
        };
        crate::plans::service::plan_detail(
            &c.state.db,
            &reader,
            writer.is_some(),
            id,
            asked,
            c.state.today(),
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "create_plan")]
pub async fn create_plan(input: PlanInput) -> Result<Uuid, AppError> {
    serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::ErPlanCreated, format!("/emergency/plans/{id}")),
        |c| async move {
            let w = crate::plans::scope::plan_writer(&c.actor)?;
            crate::plans::service::create_plan(&c.state.db, &c.acting(), &w, &input).await
        },
    )
    .await
}

/// Saves the draft `number` (empty: starts a new draft after the version in force).
#[server(endpoint = "save_plan_draft")]
pub async fn save_plan_draft(
    plan_id: Uuid,
    #[server(default)] number: String,
    input: DraftInput,
) -> Result<i32, AppError> {
    serve_done(
        move |_: &i32| {
            crate::ui::notice::Done::then(crate::i18n::Msg::ErDraftSaved, format!("/emergency/plans/{plan_id}"))
        },
        |c| async move {
            let w = crate::plans::scope::plan_writer(&c.actor)?;
            let number = match number.trim() {
                "" => None,
                n => Some(n.parse::<i32>().map_err(|_| crate::backend::ServiceError::NotFound)?),
            };
            crate::plans::service::save_draft(&c.state.db, &c.acting(), &w, plan_id, number, &input).await
        },
    )
    .await
}

#[server(endpoint = "approve_plan")]
pub async fn approve_plan(plan_id: Uuid, number: i32) -> Result<(), AppError> {
    serve_done(
        move |_: &()| {
            crate::ui::notice::Done::then(crate::i18n::Msg::ErPlanApprovedDone, format!("/emergency/plans/{plan_id}"))
        },
        |c| async move {
            let w = crate::plans::scope::plan_writer(&c.actor)?;
            crate::plans::service::approve(&c.state.db, &c.acting(), &w, plan_id, number).await
        },
    )
    .await
}

#[server(endpoint = "save_contacts")]
pub async fn save_contacts(
    engagement_id: Uuid,
    #[server(default)] contacts: Vec<ContactLine>,
) -> Result<usize, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let k = crate::plans::scope::contact_keeper(&c.actor)?;
        crate::plans::service::save_contacts(&c.state.db, &c.acting(), &k, engagement_id, &contacts, c.state.today())
            .await
    })
    .await
}

#[server(endpoint = "record_drill")]
pub async fn record_drill(input: DrillInput) -> Result<Uuid, AppError> {
    serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::ErDrillRecorded, format!("/emergency/drills/{id}")),
        |c| async move {
            let w = crate::plans::scope::plan_writer(&c.actor)?;
            crate::plans::service::record_drill(&c.state.db, &c.acting(), &w, &input, c.state.today()).await
        },
    )
    .await
}

#[server(endpoint = "drill", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_drill(id: Uuid) -> Result<DrillDetail, AppError> {
    serve(|c| async move {
        let (reader, writer, keeper) = capabilities(&c).await?;
        crate::plans::service::drill_detail(
            &c.state.db,
            &reader,
            writer.as_ref(),
            keeper.as_ref(),
            id,
            c.state.today(),
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "add_drill_actions")]
pub async fn add_drill_actions(drill_id: Uuid, #[server(default)] actions: Vec<ActionLine>) -> Result<usize, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::plan_writer(&c.actor)?;
        crate::plans::service::add_drill_actions(&c.state.db, &c.acting(), &w, drill_id, &actions, c.state.today())
            .await
    })
    .await
}

/// One follow-up action in reach (for its closing page).
#[server(endpoint = "follow_up_action", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_action(id: Uuid) -> Result<ActionRow, AppError> {
    serve(|c| async move {
        let (reader, writer, keeper) = capabilities(&c).await?;
        crate::plans::service::action_detail(
            &c.state.db,
            &reader,
            writer.as_ref(),
            keeper.as_ref(),
            id,
            c.state.today(),
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "close_action")]
pub async fn close_action(id: Uuid, evidence: String, back: String) -> Result<(), AppError> {
    // Back to the page the action was closed from, when that is one of the module's own.
    let back =
        if back.starts_with("/emergency") || back.starts_with("/incidents") { back } else { "/emergency".into() };
    serve_done(
        move |_: &()| crate::ui::notice::Done::then(crate::i18n::Msg::ErActionClosedDone, back),
        |c| async move {
            let closer_w = crate::plans::scope::plan_writer(&c.actor).ok();
            let closer_k = crate::plans::scope::contact_keeper(&c.actor).ok();
            let closer = match (&closer_w, &closer_k) {
                (Some(w), _) => crate::plans::service::Closer::Agency(w),
                (None, Some(k)) => crate::plans::service::Closer::Owner(k),
                (None, None) => return Err(crate::backend::ServiceError::Forbidden),
            };
            crate::plans::service::close_action(&c.state.db, &c.acting(), closer, id, &evidence, c.state.today()).await
        },
    )
    .await
}

#[server(endpoint = "set_restore_interval")]
pub async fn set_restore_interval(months: String) -> Result<u32, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::plan_writer(&c.actor)?;
        crate::plans::service::set_restore_interval(&c.state.db, &c.acting(), &w, &months).await
    })
    .await
}

/// The incidents in reach, filtered and paged.
#[server(endpoint = "incidents", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_incidents(
    #[server(default)] filter: crate::plans::IncidentFilter,
) -> Result<crate::plans::IncidentList, AppError> {
    serve(|c| async move {
        let reader = crate::plans::scope::incident_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let writer = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await.ok();
        crate::plans::service::incident_list(
            &c.state.db,
            &c.state.caches,
            &reader,
            writer.as_ref(),
            &filter,
            c.now,
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "incident", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_incident(id: Uuid) -> Result<crate::plans::IncidentDetail, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let reader = crate::plans::scope::incident_reader(&c.state.db, &c.actor, today).await?;
        let writer = crate::plans::scope::incident_writer(&c.state.db, &c.actor, today).await.ok();
        let plan_writer = crate::plans::scope::plan_writer(&c.actor).ok();
        crate::plans::service::incident_detail(
            &c.state.db,
            &reader,
            (writer.as_ref(), plan_writer.as_ref()),
            id,
            c.now,
            today,
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "open_incident")]
pub async fn open_incident(input: crate::plans::IncidentInput) -> Result<Uuid, AppError> {
    serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::ErIncidentOpened, format!("/incidents/{id}")),
        |c| async move {
            let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
            crate::plans::service::open_incident(
                &c.state.db,
                &c.acting(),
                &w,
                &input,
                &c.state.settings.public_base_url,
            )
            .await
        },
    )
    .await
}

#[server(endpoint = "record_milestone")]
pub async fn record_milestone(id: Uuid, milestone: String, at: String) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::record_milestone(&c.state.db, &c.acting(), &w, id, &milestone, &at).await
    })
    .await
}

#[server(endpoint = "add_incident_entry")]
pub async fn add_incident_entry(
    id: Uuid,
    #[server(default)] kind: String,
    body: String,
    #[server(default)] at: String,
) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::add_entry(&c.state.db, &c.acting(), &w, id, &kind, &body, &at).await
    })
    .await
}

#[server(endpoint = "pin_incident_entry")]
pub async fn pin_incident_entry(id: Uuid, entry_id: Uuid, #[server(default)] pinned: String) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::pin_entry(&c.state.db, &c.acting(), &w, id, entry_id, pinned == "true").await
    })
    .await
}

#[server(endpoint = "change_incident_level")]
pub async fn change_incident_level(id: Uuid, level: String) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::change_level(&c.state.db, &c.acting(), &w, id, &level, &c.state.settings.public_base_url)
            .await
    })
    .await
}

#[server(endpoint = "incident_transition")]
pub async fn incident_transition(
    id: Uuid,
    transition: String,
    #[server(default)] at: String,
    #[server(default)] root_cause: String,
    #[server(default)] lessons: String,
) -> Result<crate::plans::IncidentStatus, AppError> {
    serve_done(
        move |_: &crate::plans::IncidentStatus| {
            crate::ui::notice::Done::then(crate::i18n::Msg::ErIncidentMoved, format!("/incidents/{id}"))
        },
        |c| async move {
            let w = crate::plans::scope::incident_writer(&c.state.db, &c.actor, c.state.today()).await?;
            crate::plans::service::transition(&c.state.db, &c.acting(), &w, id, &transition, &at, &root_cause, &lessons)
                .await
        },
    )
    .await
}

#[server(endpoint = "add_review_actions")]
pub async fn add_review_actions(id: Uuid, #[server(default)] actions: Vec<ActionLine>) -> Result<usize, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::plan_writer(&c.actor)?;
        let reader = crate::plans::scope::incident_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::add_review_actions(&c.state.db, &c.acting(), &w, &reader, id, &actions, c.state.today())
            .await
    })
    .await
}

/// A report's improvement plan (empty unless the report is a security check).
#[server(endpoint = "improvement_plan", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_improvement_plan(submission_id: Uuid) -> Result<crate::plans::ImprovementPlan, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let (reader, writer, keeper) = capabilities(&c).await?;
        let reports = crate::reports::scope::report_reader(&c.state.db, &c.actor, today).await?;
        crate::plans::service::improvement_plan(
            &c.state.db,
            &reader,
            &reports,
            (writer.as_ref(), keeper.as_ref()),
            submission_id,
            today,
            &c.actor.time_zone,
        )
        .await
    })
    .await
}

#[server(endpoint = "add_improvement_items")]
pub async fn add_improvement_items(
    submission_id: Uuid,
    #[server(default)] items: Vec<ActionLine>,
) -> Result<usize, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let w = crate::plans::scope::plan_writer(&c.actor)?;
        let reports = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::plans::service::add_improvement_items(
            &c.state.db,
            &c.acting(),
            &w,
            &reports,
            submission_id,
            &items,
            c.state.today(),
        )
        .await
    })
    .await
}
