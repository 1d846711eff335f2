//! Server functions for websites: the scoped list, one website, and an agency's changes.
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    tenancy::{WebsiteDetail, WebsiteFilter, WebsiteInput, WebsiteList},
};

#[cfg(feature = "ssr")]
use crate::ui::form::{serve, serve_done};

#[server(endpoint = "websites", input = leptos::server_fn::codec::GetUrl)]
pub async fn list_websites(#[server(default)] filter: WebsiteFilter) -> Result<WebsiteList, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let reader = crate::tenancy::scope::website_reader(&c.state.db, &c.actor, today).await?;
        // One computation per generation for each reach, day and filter (the key names them all).
        let key = format!("websites|{reader:?}|{today}|{filter:?}");
        let listed = c
            .state
            .caches
            .views
            .get_or_compute(&key, c.state.generation(), || {
                crate::tenancy::service::websites::page_websites(&c.state.db, &reader, today, &filter)
            })
            .await?;
        let (rows, total, page, pages) = (*listed).clone();
        let writer = crate::tenancy::scope::website_writer(&c.actor).ok();
        let officer_choices = match &writer {
            Some(w) => crate::tenancy::service::websites::officer_choices(&c.state.db, w).await?,
            None => Vec::new(),
        };
        Ok(WebsiteList { rows, total, page, pages, can_create: writer.is_some(), officer_choices })
    })
    .await
}

#[server(endpoint = "website", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_website(id: Uuid) -> Result<WebsiteDetail, AppError> {
    serve(|c| async move {
        let today = c.state.today();
        let reader = crate::tenancy::scope::website_reader(&c.state.db, &c.actor, today).await?;
        crate::tenancy::service::websites::get_website(&c.state.db, &reader, &c.actor, today, id).await
    })
    .await
}

#[server(endpoint = "create_website")]
pub async fn create_website(#[server(flatten)] input: WebsiteInput) -> Result<Uuid, AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let writer = crate::tenancy::scope::website_writer(&c.actor)?;
        crate::tenancy::service::websites::create_website(&c.state.db, &c.acting(), c.state.today(), &writer, &input)
            .await
    })
    .await
}

#[server(endpoint = "update_website")]
pub async fn update_website(id: Uuid, #[server(flatten)] input: WebsiteInput) -> Result<(), AppError> {
    serve_done(crate::ui::notice::saved, |c| async move {
        let writer = crate::tenancy::scope::website_writer(&c.actor)?;
        crate::tenancy::service::websites::update_website(
            &c.state.db,
            &c.acting(),
            c.state.today(),
            &writer,
            id,
            &input,
        )
        .await
    })
    .await
}
