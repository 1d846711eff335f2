//! Server functions for engagements: the list, one engagement, invite, answer, end.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    i18n::Msg,
    tenancy::{EngagementList, EngagementRow, InviteInput},
    ui::notice::Done,
};

#[cfg(feature = "ssr")]
use crate::{
    tenancy::{
        scope::Side,
        service::{engagements, websites},
    },
    ui::form::{serve, serve_done},
};

#[server(endpoint = "engagements", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_engagements() -> Result<EngagementList, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let reader = crate::tenancy::scope::engagement_reader(&c.state.db, &c.actor, today).await?;
        let writer = crate::tenancy::scope::engagement_writer(&c.actor).ok();
        let rows = engagements::list_engagements(&c.state.db, &reader, writer.as_ref(), today).await?;
        let agency_writer = writer.filter(|w| matches!(w.side(), Side::Agency(_)));
        let (providers, own_websites) = match &agency_writer {
            Some(w) => {
                let site_reader = crate::tenancy::scope::website_reader(&c.state.db, &c.actor, today).await?;
                let sites = websites::list_websites(
                    &c.state.db,
                    &site_reader,
                    today,
                    &crate::tenancy::WebsiteFilter::default(),
                )
                .await?;
                (
                    engagements::provider_choices(&c.state.db, w).await?,
                    sites.into_iter().map(|s| (s.id, s.name, s.domain)).collect(),
                )
            }
            None => (Vec::new(), Vec::new()),
        };
        Ok(EngagementList { rows, can_invite: agency_writer.is_some(), providers, own_websites })
    })
    .await
}

#[server(endpoint = "engagement", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_engagement(id: Uuid) -> Result<EngagementRow, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let reader = crate::tenancy::scope::engagement_reader(&c.state.db, &c.actor, today).await?;
        let writer = crate::tenancy::scope::engagement_writer(&c.actor).ok();
        engagements::get_engagement(&c.state.db, &reader, writer.as_ref(), today, id).await
    })
    .await
}

/// What sending an invitation says; the list shows it waiting for the provider's answer.
pub fn invited(_: &Uuid) -> Done {
    Done::here(Msg::ProviderInvited)
}

/// What answering says: accepted or declined (declining is confirmed on its own page, then back
/// to the list).
pub fn answered(accepted: &bool) -> Done {
    if *accepted {
        Done::here(Msg::InvitationAcceptedByProvider)
    } else {
        Done::then(Msg::InvitationDeclined, "/engagements")
    }
}

/// What ending says, on the engagement's page (which now shows who ended it, when and why).
pub fn ended(id: Uuid) -> Done {
    Done::then(Msg::EngagementEnded, format!("/engagements/{id}"))
}

#[server(endpoint = "invite_provider")]
pub async fn invite_provider(#[server(flatten)] input: InviteInput) -> Result<Uuid, AppError> {
    serve_done(invited, |c| async move {
        let writer = crate::tenancy::scope::engagement_writer(&c.actor)?;
        engagements::invite(&c.state.db, &c.acting(), &writer, &input).await
    })
    .await
}

/// The provider accepts or declines an invitation (declining gives a reason); answers whether it
/// accepted.
#[server(endpoint = "answer_engagement")]
pub async fn answer_engagement(id: Uuid, accept: bool, reason: Option<String>) -> Result<bool, AppError> {
    serve_done(answered, |c| async move {
        let writer = crate::tenancy::scope::engagement_writer(&c.actor)?;
        engagements::answer(&c.state.db, &c.acting(), &writer, id, accept, reason.as_deref()).await?;
        Ok(accept)
    })
    .await
}

/// Either side ends an engagement (the agency also withdraws an invitation), giving a reason.
#[server(endpoint = "end_engagement")]
pub async fn end_engagement(id: Uuid, reason: Option<String>) -> Result<(), AppError> {
    serve_done(
        |_| ended(id),
        |c| async move {
            let writer = crate::tenancy::scope::engagement_writer(&c.actor)?;
            engagements::end(&c.state.db, &c.acting(), c.state.today(), &writer, id, reason.as_deref()).await
        },
    )
    .await
}
