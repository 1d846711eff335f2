//! Server functions for reports: the work list, one submission, the submission form's data, the
//! review, obligations, and the regulator's matrix. (Submitting with files is a multipart route.)
use leptos::prelude::*;
use uuid::Uuid;

use super::{
    ItemFilter, Matrix, MatrixFilter, ObligationInput, ReportPanelData, ReportWork, SubmissionView, SubmitForm,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::service;
#[cfg(feature = "ssr")]
use crate::backend::{request::RequestMeta, ServiceError};
#[cfg(feature = "ssr")]
use crate::ui::form::{saved_flash, serve, serve_form, Call};

#[server(endpoint = "report_work", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_report_work(filter: ItemFilter) -> Result<ReportWork, AppError> {
    serve(|Call { state, actor }| async move {
        let reader = crate::reports::scope::report_reader(&state.db, &actor, state.today()).await?;
        // Only those who set obligations get the form's choices (asking would be forbidden for the rest).
        let reviewer = match crate::reports::scope::may_review(&actor) {
            true => Some(crate::reports::scope::report_reviewer(&state.db, &actor).await?),
            false => None,
        };
        service::work_page(
            &state.db,
            &reader,
            reviewer.as_ref(),
            &actor,
            state.clock.now(),
            &filter,
        )
        .await
    })
    .await
}

/// The dashboard's report panel.
#[server(endpoint = "report_panel", input = leptos::server_fn::codec::GetUrl)]
pub async fn report_panel() -> Result<ReportPanelData, AppError> {
    serve(|Call { state, actor }| async move {
        let reader = crate::reports::scope::report_reader(&state.db, &actor, state.today()).await?;
        let now = state.clock.now();
        // The panel depends on the reach, the organisation and roles, and the day in the zone.
        let key = format!(
            "panel|{reader:?}|{}|{:?}|{}|{}",
            actor.organisation_id,
            actor.roles,
            actor.time_zone,
            crate::backend::time_fmt::date_in_zone(now, &actor.time_zone)
        );
        let panel = state
            .caches
            .views
            .get_or_compute(&key, state.generation(), || {
                service::panel(&state.db, &reader, &actor, now)
            })
            .await?;
        Ok((*panel).clone())
    })
    .await
}

#[server(endpoint = "submission", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_submission(id: Uuid) -> Result<SubmissionView, AppError> {
    serve(|Call { state, actor }| async move {
        let reader = crate::reports::scope::report_reader(&state.db, &actor, state.today()).await?;
        service::submission_view(&state.db, &reader, &actor, state.clock.now(), id).await
    })
    .await
}

#[server(endpoint = "submit_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_submit_form(obligation_id: Uuid, resubmit: Option<Uuid>) -> Result<SubmitForm, AppError> {
    serve(|Call { state, actor }| async move {
        let submitter = crate::reports::scope::report_submitter(&actor, state.today())?;
        let mut form = service::submit_form(
            &state.db,
            &submitter,
            &actor,
            state.clock.now(),
            obligation_id,
            resubmit,
        )
        .await?;
        if let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await {
            if let Some(draft) = crate::ui::flash::take_draft(&session, &obligation_id.to_string()).await {
                form.draft = draft;
            }
        }
        Ok(form)
    })
    .await
}

#[server(endpoint = "review_submission")]
pub async fn review_submission(id: Uuid, decision: String, comment: String) -> Result<(), AppError> {
    serve_form(saved_flash, |Call { state, actor }| async move {
        let reviewer = crate::reports::scope::report_reviewer(&state.db, &actor).await?;
        let decision = super::Decision::parse(decision.trim())
            .ok_or(ServiceError::invalid("decision", crate::i18n::Msg::ErrChoose))?;
        service::review(
            &state.db,
            state.clock.now(),
            &reviewer,
            &actor,
            &RequestMeta::current(),
            id,
            decision,
            &comment,
        )
        .await
    })
    .await
}

#[server(endpoint = "create_obligation")]
pub async fn create_obligation(#[server(flatten)] input: ObligationInput) -> Result<Uuid, AppError> {
    serve_form(saved_flash, |Call { state, actor }| async move {
        let reviewer = crate::reports::scope::report_reviewer(&state.db, &actor).await?;
        service::create_obligation(
            &state.db,
            state.clock.now(),
            state.today(),
            &reviewer,
            &actor,
            &RequestMeta::current(),
            &input,
        )
        .await
    })
    .await
}

#[server(endpoint = "end_obligation")]
pub async fn end_obligation(id: Uuid, reason: String) -> Result<(), AppError> {
    serve_form(
        |_: &(), locale| crate::ui::Flash {
            ok: true,
            text: crate::i18n::Msg::ObligationEndedFlash.text(locale).into(),
            secret: None,
        },
        |Call { state, actor }| async move {
            let reviewer = crate::reports::scope::report_reviewer(&state.db, &actor).await?;
            service::end_obligation(
                &state.db,
                state.clock.now(),
                state.today(),
                &reviewer,
                &actor,
                &RequestMeta::current(),
                id,
                &reason,
            )
            .await
        },
    )
    .await
}

#[server(endpoint = "report_matrix", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_matrix(filter: MatrixFilter) -> Result<Matrix, AppError> {
    serve(|Call { state, actor }| async move {
        let reader = crate::reports::scope::report_reader(&state.db, &actor, state.today()).await?;
        service::matrix(
            &state.db,
            &state.caches,
            &reader,
            &actor,
            state.clock.now(),
            &filter,
            true,
        )
        .await
    })
    .await
}
