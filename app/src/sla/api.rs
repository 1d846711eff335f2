//! Server functions for SLA tracking: the list of engagements with this month's standing, one
//! engagement's page (agreement, records, months), and every step: propose, accept and withdraw
//! a version; enter, complete, review and reclassify a record; enter and withdraw a measured entry.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    sla::{AgreementInput, FinishInput, MeasureInput, ReclassInput, RecordInput, ReviewInput, SlaEngagement, SlaHome},
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done, Call};

#[cfg(feature = "ssr")]
async fn writer(c: &Call) -> Result<crate::sla::scope::SlaWriter, crate::backend::ServiceError> {
    crate::sla::scope::sla_writer(&c.state.db, &c.actor, c.state.today()).await
}

#[cfg(feature = "ssr")]
fn back(id: Uuid) -> impl FnOnce(&Uuid) -> crate::ui::notice::Done {
    move |_| crate::ui::notice::Done::then(crate::i18n::Msg::Saved, format!("/sla/{id}"))
}

/// The engagements in reach with this month's standing: filtered by a name, breaches only, paged.
#[server(endpoint = "sla", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_sla(
    #[server(default)] q: String,
    #[server(default)] breached: String,
    #[server(default)] month: String,
    #[server(default)] page: String,
) -> Result<SlaHome, AppError> {
    serve(|c| async move {
        let reader = crate::sla::scope::sla_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let filter = crate::sla::StandingFilter {
            q,
            breached: !breached.trim().is_empty(),
            month,
            page: page.trim().parse().unwrap_or(1),
        };
        crate::sla::service::views::home(&c.state.db, &c.state.caches, &reader, &filter, &c.actor.time_zone, c.now)
            .await
    })
    .await
}

#[server(endpoint = "sla_engagement", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_sla_engagement(id: Uuid) -> Result<SlaEngagement, AppError> {
    serve(|c| async move {
        let reader = crate::sla::scope::sla_reader(&c.state.db, &c.actor, c.state.today()).await?;
        let w = writer(&c).await.ok();
        crate::sla::service::views::engagement_view(&c.state.db, &reader, w.as_ref(), id, &c.actor.time_zone, c.now)
            .await
    })
    .await
}

#[server(endpoint = "propose_sla")]
pub async fn propose_sla(engagement_id: Uuid, #[server(default)] input: AgreementInput) -> Result<Uuid, AppError> {
    serve_done(
        move |_: &Uuid| {
            crate::ui::notice::Done::then(crate::i18n::Msg::SlaProposedDone, format!("/sla/{engagement_id}"))
        },
        |c| async move {
            let w = writer(&c).await?;
            crate::sla::service::agreements::propose(
                &c.state.db,
                &c.acting(),
                &w,
                engagement_id,
                &input,
                &c.state.settings.public_base_url,
            )
            .await
        },
    )
    .await
}

/// Accepts (`accept`) or withdraws (`withdraw`) a pending version.
#[server(endpoint = "answer_sla")]
pub async fn answer_sla(engagement_id: Uuid, version_id: Uuid, action: String) -> Result<Uuid, AppError> {
    serve_done(back(engagement_id), |c| async move {
        let w = writer(&c).await?;
        crate::sla::service::agreements::answer(
            &c.state.db,
            &c.acting(),
            &w,
            engagement_id,
            version_id,
            &action,
            &c.state.settings.public_base_url,
        )
        .await?;
        Ok(version_id)
    })
    .await
}

#[server(endpoint = "record_sla")]
pub async fn record_sla(engagement_id: Uuid, #[server(default)] input: RecordInput) -> Result<Uuid, AppError> {
    serve_done(back(engagement_id), |c| async move {
        let w = writer(&c).await?;
        crate::sla::service::records::record(
            &c.state.db,
            &c.acting(),
            &w,
            engagement_id,
            &input,
            crate::sla::service::records::Source::Entered,
            &c.state.settings.public_base_url,
        )
        .await
    })
    .await
}

#[server(endpoint = "finish_sla_record")]
pub async fn finish_sla_record(
    engagement_id: Uuid,
    record_id: Uuid,
    #[server(default)] input: FinishInput,
) -> Result<Uuid, AppError> {
    serve_done(back(engagement_id), |c| async move {
        let w = writer(&c).await?;
        crate::sla::service::records::finish(
            &c.state.db,
            &c.acting(),
            &w,
            engagement_id,
            record_id,
            &input,
            &c.state.settings.public_base_url,
        )
        .await?;
        Ok(record_id)
    })
    .await
}

#[server(endpoint = "review_sla_record")]
pub async fn review_sla_record(
    engagement_id: Uuid,
    record_id: Uuid,
    #[server(default)] input: ReviewInput,
) -> Result<Uuid, AppError> {
    serve_done(back(engagement_id), |c| async move {
        let w = writer(&c).await?;
        crate::sla::service::records::review(&c.state.db, &c.acting(), &w, engagement_id, record_id, &input).await?;
        Ok(record_id)
    })
    .await
}

#[server(endpoint = "reclassify_sla_record")]
pub async fn reclassify_sla_record(
    engagement_id: Uuid,
    record_id: Uuid,
    #[server(default)] input: ReclassInput,
) -> Result<Uuid, AppError> {
    serve_done(back(engagement_id), |c| async move {
        let w = writer(&c).await?;
        crate::sla::service::records::reclassify(
            &c.state.db,
            &c.acting(),
            &w,
            engagement_id,
            record_id,
            &input,
            &c.state.settings.public_base_url,
        )
        .await?;
        Ok(record_id)
    })
    .await
}

#[server(endpoint = "measure_sla")]
pub async fn measure_sla(engagement_id: Uuid, #[server(default)] input: MeasureInput) -> Result<Uuid, AppError> {
    serve_done(
        move |_: &Uuid| {
            crate::ui::notice::Done::then(crate::i18n::Msg::SlaMeasuredDone, format!("/sla/{engagement_id}#measures"))
        },
        |c| async move {
            let w = writer(&c).await?;
            crate::sla::service::measures::record(&c.state.db, &c.acting(), &w, engagement_id, &input).await
        },
    )
    .await
}

#[server(endpoint = "withdraw_sla_measure")]
pub async fn withdraw_sla_measure(engagement_id: Uuid, measure_id: Uuid) -> Result<Uuid, AppError> {
    serve_done(
        move |_: &Uuid| {
            crate::ui::notice::Done::then(
                crate::i18n::Msg::SlaMeasureWithdrawnDone,
                format!("/sla/{engagement_id}#measures"),
            )
        },
        |c| async move {
            let w = writer(&c).await?;
            crate::sla::service::measures::withdraw(&c.state.db, &c.acting(), &w, engagement_id, measure_id).await?;
            Ok(measure_id)
        },
    )
    .await
}

/// One month's report: `month` as `YYYY-MM` (none: the latest), `version` (none: the latest
/// issued; the open month has none).
#[server(endpoint = "sla_month", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_sla_month(
    id: Uuid,
    #[server(default)] month: String,
    #[server(default)] version: String,
) -> Result<crate::sla::SlaMonthReport, AppError> {
    serve(|c| async move {
        let reader = crate::sla::scope::sla_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::sla::service::report::month_report(&c.state.db, &reader, id, &month, &version, &c.actor.time_zone, c.now)
            .await
    })
    .await
}

/// One year's report: `year` (none: the latest of the agreement).
#[server(endpoint = "sla_year", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_sla_year(id: Uuid, #[server(default)] year: String) -> Result<crate::sla::SlaYearReport, AppError> {
    serve(|c| async move {
        let reader = crate::sla::scope::sla_reader(&c.state.db, &c.actor, c.state.today()).await?;
        crate::sla::service::report::year_report(
            &c.state.db,
            &c.state.caches,
            &reader,
            id,
            &year,
            &c.actor.time_zone,
            c.now,
        )
        .await
    })
    .await
}
