//! Server functions for exits: the list in reach (with what an agency may open), one exit whole,
//! opening an exit, and every action on it but the inventory's (those carry files: `http.rs`).
use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    error::AppError,
    exit::{ActInput, ExitDetail, ExitHome, ExitStatus, OpenInput},
};

#[server(endpoint = "exits", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_exits(
    #[server(default)] status: String,
    #[server(default)] overdue: String,
    #[server(default)] page: String,
) -> Result<ExitHome, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::exit::{scope, service, ExitFilter, PAGE_ROWS};
        let today = c.state.today();
        let (reader, writer) = scope::exit_reader_and_writer(&c.state.db, &c.actor, today).await?;
        let filter = ExitFilter {
            status: Some(status).filter(|s| !s.trim().is_empty()),
            overdue: !overdue.trim().is_empty(),
            page: page.trim().parse::<u64>().ok(),
        };
        let (rows, total, page) =
            service::list(&c.state.db, &reader, &filter, &c.actor.time_zone, today, false).await?;
        let can_open = writer.is_some() && reader.viewer_kind() == crate::domain::OrgKind::Agency;
        let openable = match (&writer, can_open) {
            (Some(w), true) => service::openable(&c.state.db, w).await?,
            _ => Vec::new(),
        };
        Ok(ExitHome { rows, total, page, pages: total.div_ceil(PAGE_ROWS).max(1), filter, openable, can_open })
    })
    .await
}

#[server(endpoint = "exit", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_exit(id: Uuid) -> Result<ExitDetail, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::exit::{scope, service};
        let today = c.state.today();
        let (reader, writer) = scope::exit_reader_and_writer(&c.state.db, &c.actor, today).await?;
        service::detail(&c.state.db, &reader, writer.as_ref(), id, &c.actor.time_zone, today).await
    })
    .await
}

#[server(endpoint = "open_exit")]
pub async fn open_exit(#[server(default)] input: OpenInput) -> Result<Uuid, AppError> {
    crate::ui::form::serve_done(
        |id: &Uuid| crate::ui::notice::Done::then(crate::i18n::Msg::ExOpened, format!("/exits/{id}")),
        |c| async move {
            let w = crate::exit::scope::exit_writer(&c.state.db, &c.actor, c.state.today()).await?;
            crate::exit::service::open(&c.state.db, &c.acting(), &w, &input, &c.state.settings.public_base_url).await
        },
    )
    .await
}

#[server(endpoint = "exit_act")]
pub async fn exit_act(id: Uuid, action: String, #[server(default)] input: ActInput) -> Result<ExitStatus, AppError> {
    crate::ui::form::serve_done(
        move |_: &ExitStatus| crate::ui::notice::Done::then(crate::i18n::Msg::ExRecorded, format!("/exits/{id}")),
        |c| async move {
            let w = crate::exit::scope::exit_writer(&c.state.db, &c.actor, c.state.today()).await?;
            crate::exit::service::act(
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
