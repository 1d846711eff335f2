//! Server functions for change notices: the module's page (what awaits the viewer, then every
//! notice in reach), one notice whole, the CSP's form and its submission, a revision, and every
//! step on a notice (answers, decisions, implementation, assessment, closing, cancelling); a
//! month of planned windows; an agency's notice terms; the platform's working-calendar corrections.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    changes::{
        ChangesHome, NoticeDetail, NoticeForm, NoticeInput, NoticeStatus, PlannedMonth, StepInput, TermsInput,
        TermsRow, WorkDayRow,
    },
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done, Call};

#[cfg(feature = "ssr")]
async fn writer(c: &Call) -> Result<crate::changes::scope::ChangeWriter, crate::backend::ServiceError> {
    crate::changes::scope::change_writer(&c.state.db, &c.actor, c.state.today()).await
}

#[server(endpoint = "changes", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_changes(
    #[server(default)] status: String,
    #[server(default)] page: String,
) -> Result<ChangesHome, AppError> {
    serve(|c| async move {
        use crate::domain::OrgKind;
        let reader = crate::changes::scope::change_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let filter = crate::changes::NoticeFilter {
            status: Some(status).filter(|s| !s.trim().is_empty()),
            page: page.trim().parse::<u64>().ok(),
        };
        let list =
            crate::changes::service::notice_list(&c.state.db, &reader, &filter, &c.actor.time_zone, c.now).await?;
        let writes = writer(&c).await.is_ok();
        let kind = reader.viewer_kind();
        Ok(ChangesHome {
            list,
            filter,
            can_submit: writes && kind == OrgKind::Csp,
            answers: writes && kind == OrgKind::Agency,
            decides: writes && kind == OrgKind::Regulator,
        })
    })
    .await
}

#[server(endpoint = "change", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_change(id: Uuid) -> Result<NoticeDetail, AppError> {
    serve(|c| async move {
        let reader = crate::changes::scope::change_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let writes = writer(&c).await.is_ok();
        crate::changes::service::notice_detail(&c.state.db, &reader, id, writes, &c.actor.time_zone, c.now).await
    })
    .await
}

/// A month of planned windows in reach (`YYYY-MM`; empty: this month).
#[server(endpoint = "change_calendar", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_change_calendar(#[server(default)] month: String) -> Result<PlannedMonth, AppError> {
    serve(|c| async move {
        let reader = crate::changes::scope::change_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::changes::service::planned_month(&c.state.db, &reader, &month, &c.actor.time_zone, c.now).await
    })
    .await
}

/// The CSP's form: the websites it may name.
#[server(endpoint = "change_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_change_form() -> Result<NoticeForm, AppError> {
    serve(|c| async move { crate::changes::service::notice_form(&c.state.db, &writer(&c).await?).await }).await
}

#[server(endpoint = "submit_change")]
pub async fn submit_change(#[server(default)] input: NoticeInput) -> Result<Uuid, AppError> {
    serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::ChSubmitted, format!("/changes/{id}")),
        |c| async move {
            let w = writer(&c).await?;
            crate::changes::service::submit(&c.state.db, &c.acting(), &w, &input, &c.state.settings.public_base_url)
                .await
        },
    )
    .await
}

#[server(endpoint = "revise_change")]
pub async fn revise_change(id: Uuid, #[server(default)] input: NoticeInput) -> Result<i32, AppError> {
    serve_done(
        move |_: &i32| crate::ui::notice::Done::then(crate::i18n::Msg::ChRevised, format!("/changes/{id}")),
        |c| async move {
            let w = writer(&c).await?;
            crate::changes::service::revise(&c.state.db, &c.acting(), &w, id, &input, &c.state.settings.public_base_url)
                .await
        },
    )
    .await
}

#[server(endpoint = "change_step")]
pub async fn change_step(
    id: Uuid,
    action: String,
    #[server(default)] input: StepInput,
) -> Result<NoticeStatus, AppError> {
    serve_done(
        move |_: &NoticeStatus| {
            crate::ui::notice::Done::then(crate::i18n::Msg::ChStepRecorded, format!("/changes/{id}"))
        },
        |c| async move {
            let w = writer(&c).await?;
            crate::changes::service::act_named(
                &c.state.db,
                &c.acting(),
                &w,
                id,
                &action,
                &input,
                &c.state.settings.public_base_url,
            )
            .await
        },
    )
    .await
}

/// The agency's engagements with CSPs in force, and the notice terms each holds its CSP to.
#[server(endpoint = "change_terms", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_change_terms() -> Result<Vec<TermsRow>, AppError> {
    serve(
        |c| async move { crate::changes::service::terms_list(&c.state.db, &writer(&c).await?, c.state.today()).await },
    )
    .await
}

#[server(endpoint = "set_change_terms")]
pub async fn set_change_terms(engagement_id: Uuid, #[server(default)] input: TermsInput) -> Result<(), AppError> {
    serve_done(
        |_: &()| crate::ui::notice::Done::here(crate::i18n::Msg::ChTermsSaved),
        |c| async move {
            let w = writer(&c).await?;
            crate::changes::service::set_terms(&c.state.db, &c.acting(), &w, engagement_id, &input).await
        },
    )
    .await
}

/// The platform operator's corrections of the working calendar, newest day first.
#[server(endpoint = "work_days", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_work_days() -> Result<Vec<WorkDayRow>, AppError> {
    serve(|c| async move {
        let k = crate::changes::scope::calendar_keeper(&c.actor)?;
        crate::changes::service::work_days(&c.state.db, &k).await
    })
    .await
}

#[server(endpoint = "set_work_day")]
pub async fn set_work_day(
    #[server(default)] day: String,
    #[server(default)] mark: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    serve_done(
        |_: &()| crate::ui::notice::Done::here(crate::i18n::Msg::Saved),
        |c| async move {
            let k = crate::changes::scope::calendar_keeper(&c.actor)?;
            crate::changes::service::set_work_day(&c.state.db, &c.acting(), &k, &day, &mark, &note).await
        },
    )
    .await
}
