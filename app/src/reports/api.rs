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
use crate::backend::ServiceError;
#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done};

#[server(endpoint = "report_work", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_report_work(filter: ItemFilter) -> Result<ReportWork, AppError> {
    serve(|c| async move {
        let reader = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        // Only those who set obligations get the form's choices (asking would be forbidden for the rest).
        let reviewer = match crate::reports::scope::may_review(&c.actor) {
            true => Some(crate::reports::scope::report_reviewer(&c.state.db, &c.actor).await?),
            false => None,
        };
        let v =
            service::Viewing { db: &c.state.db, caches: &c.state.caches, reader: &reader, actor: &c.actor, now: c.now };
        service::work_page(&v, reviewer.as_ref(), &filter).await
    })
    .await
}

/// The obligation form's agency search: the regulator's active agencies whose name contains `q`.
#[server(endpoint = "find_obligation_agencies", input = leptos::server_fn::codec::GetUrl)]
pub async fn find_obligation_agencies(q: String) -> Result<Vec<super::OrgRef>, AppError> {
    serve(|c| async move {
        let reviewer = crate::reports::scope::report_reviewer(&c.state.db, &c.actor).await?;
        service::find_agencies(&c.state.db, &reviewer, &q).await
    })
    .await
}

/// The dashboard's report panel.
#[server(endpoint = "report_panel", input = leptos::server_fn::codec::GetUrl)]
pub async fn report_panel() -> Result<ReportPanelData, AppError> {
    serve(|c| async move {
        let reader = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let _now = c.now;
        // The panel depends on the reach, the organisation and roles, and the day in the zone.
        let key = format!(
            "panel|{reader:?}|{}|{:?}|{}|{}",
            c.actor.organisation_id,
            c.actor.roles,
            c.actor.time_zone,
            crate::backend::time_fmt::date_in_zone(c.now, &c.actor.time_zone)
        );
        let panel = c
            .state
            .caches
            .views
            .get_or_compute(&key, c.state.generation(), || async {
                let v = service::Viewing {
                    db: &c.state.db,
                    caches: &c.state.caches,
                    reader: &reader,
                    actor: &c.actor,
                    now: c.now,
                };
                service::panel(&v).await
            })
            .await?;
        Ok((*panel).clone())
    })
    .await
}

#[server(endpoint = "submission", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_submission(id: Uuid) -> Result<SubmissionView, AppError> {
    serve(|c| async move {
        let reader = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        service::submission_view(&c.state.db, &reader, &c.actor, c.now, id).await
    })
    .await
}

#[server(endpoint = "submit_form", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_submit_form(obligation_id: Uuid, resubmit: Option<Uuid>) -> Result<SubmitForm, AppError> {
    serve(|c| async move {
        let submitter = crate::reports::scope::report_submitter(&c.actor, c.state.today())?;
        let mut form = service::submit_form(&c.state.db, &submitter, &c.actor, c.now, obligation_id, resubmit).await?;
        if let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await {
            if let Some(draft) = crate::ui::flash::take_draft(&session, &obligation_id.to_string()).await {
                form.draft = draft;
            }
        }
        Ok(form)
    })
    .await
}

/// What a review says: accepted, or returned to the provider with the comment.
pub fn reviewed(decision: &super::Decision) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(match decision {
        super::Decision::Accept => crate::i18n::Msg::ReportAcceptedDone,
        super::Decision::Return => crate::i18n::Msg::ReportReturnedDone,
    })
}

/// Accepts or returns the newest version; answers the decision taken.
#[server(endpoint = "review_submission")]
pub async fn review_submission(id: Uuid, decision: String, comment: String) -> Result<super::Decision, AppError> {
    serve_done(reviewed, |c| async move {
        let reviewer = crate::reports::scope::report_reviewer(&c.state.db, &c.actor).await?;
        let decision = super::Decision::parse(decision.trim())
            .ok_or(ServiceError::invalid("decision", crate::i18n::Msg::ErrChoose))?;
        service::review(&c.state.db, &c.acting(), &reviewer, id, decision, &comment).await?;
        Ok(decision)
    })
    .await
}

#[server(endpoint = "create_obligation")]
pub async fn create_obligation(#[server(flatten)] input: ObligationInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let reviewer = crate::reports::scope::report_reviewer(&c.state.db, &c.actor).await?;
        service::create_obligation(&c.state.db, &c.acting(), c.state.today(), &reviewer, &input).await
    })
    .await
}

/// What a regulator's reminder says.
pub fn reminded(_: &()) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::ReminderSent)
}

/// A regulator reminds the submitter of an overdue report (at most once a day for each).
#[server(endpoint = "remind_overdue")]
pub async fn remind_overdue(obligation_id: Uuid, period: String) -> Result<(), AppError> {
    serve_done(reminded, |c| async move {
        let period = super::Period::parse(period.trim())
            .ok_or(ServiceError::invalid("period", crate::i18n::Msg::ErrPeriodOutside))?;
        let reader = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        service::remind_overdue(&c.state.db, &c.acting(), &reader, obligation_id, period).await
    })
    .await
}

/// What ending an obligation says.
pub fn obligation_ended(_: &()) -> crate::ui::notice::Done {
    crate::ui::notice::Done::here(crate::i18n::Msg::ObligationEndedFlash)
}

#[server(endpoint = "end_obligation")]
pub async fn end_obligation(id: Uuid, reason: String) -> Result<(), AppError> {
    serve_done(obligation_ended, |c| async move {
        let reviewer = crate::reports::scope::report_reviewer(&c.state.db, &c.actor).await?;
        service::end_obligation(&c.state.db, &c.acting(), c.state.today(), &reviewer, id, &reason).await
    })
    .await
}

#[server(endpoint = "report_matrix", input = leptos::server_fn::codec::GetUrl)]
pub async fn load_matrix(filter: MatrixFilter) -> Result<Matrix, AppError> {
    serve(|c| async move {
        let reader = crate::reports::scope::report_reader(&c.state.db, &c.actor, c.state.today()).await?;
        service::matrix(&c.state.db, &c.state.caches, &reader, &c.actor, c.now, &filter, true).await
    })
    .await
}
