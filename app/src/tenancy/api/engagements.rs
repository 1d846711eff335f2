//! Server functions for engagements: the list, one engagement, invite, answer, end.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    tenancy::{EngagementList, EngagementRow, InviteInput},
};

#[cfg(feature = "ssr")]
use crate::{
    backend::{
        actor,
        form::{answer, finish},
        policy::{self, Side},
        request::RequestMeta,
        AppState,
    },
    tenancy::service::{engagements, websites},
};

#[server(endpoint = "engagements", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_engagements() -> Result<EngagementList, AppError> {
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let today = state.today();
        let reader = policy::engagement_reader(&state.db, &actor, today).await?;
        let writer = policy::engagement_writer(&actor).ok();
        let rows = engagements::list_engagements(&state.db, &reader, writer.as_ref(), today).await?;
        let agency_writer = writer.filter(|w| matches!(w.side(), Side::Agency(_)));
        let (providers, own_websites) = match &agency_writer {
            Some(w) => {
                let site_reader = policy::website_reader(&state.db, &actor, today).await?;
                let sites = websites::list_websites(
                    &state.db,
                    &site_reader,
                    today,
                    &crate::tenancy::WebsiteFilter::default(),
                )
                .await?;
                (
                    engagements::provider_choices(&state.db, w).await?,
                    sites.into_iter().map(|s| (s.id, s.name, s.domain)).collect(),
                )
            }
            None => (Vec::new(), Vec::new()),
        };
        Ok(EngagementList {
            rows,
            can_invite: agency_writer.is_some(),
            providers,
            own_websites,
        })
    }
    .await;
    answer(result)
}

#[server(endpoint = "engagement", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_engagement(id: Uuid) -> Result<EngagementRow, AppError> {
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let today = state.today();
        let reader = policy::engagement_reader(&state.db, &actor, today).await?;
        let writer = policy::engagement_writer(&actor).ok();
        engagements::get_engagement(&state.db, &reader, writer.as_ref(), today, id).await
    }
    .await;
    answer(result)
}

#[server(endpoint = "invite_provider")]
pub async fn invite_provider(#[server(flatten)] input: InviteInput) -> Result<Uuid, AppError> {
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let writer = policy::engagement_writer(&actor)?;
        engagements::invite(
            &state.db,
            state.clock.now(),
            &writer,
            &actor,
            &RequestMeta::current(),
            &input,
        )
        .await
    }
    .await;
    finish(result, super::saved_flash).await
}

#[server(endpoint = "answer_engagement")]
pub async fn answer_engagement(id: Uuid, accept: bool) -> Result<(), AppError> {
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let writer = policy::engagement_writer(&actor)?;
        engagements::answer(
            &state.db,
            state.clock.now(),
            &writer,
            &actor,
            &RequestMeta::current(),
            id,
            accept,
        )
        .await
    }
    .await;
    finish(result, super::saved_flash).await
}

#[server(endpoint = "end_engagement")]
pub async fn end_engagement(id: Uuid) -> Result<(), AppError> {
    let state = expect_context::<AppState>();
    let result = async {
        let actor = actor::require()?;
        let writer = policy::engagement_writer(&actor)?;
        engagements::end(
            &state.db,
            state.clock.now(),
            state.today(),
            &writer,
            &actor,
            &RequestMeta::current(),
            id,
        )
        .await
    }
    .await;
    finish(result, super::saved_flash).await
}
