//! Server functions of the oversight: the board one page shows.
use leptos::prelude::*;

use crate::{
    error::AppError,
    oversight::{Board, BoardQuery},
};

#[server(endpoint = "oversight_board", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_board(#[server(default)] query: BoardQuery) -> Result<Board, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::oversight::{scope, service};
        let now = c.state.clock.now();
        let reader = scope::oversight_reader(&c.state.db, &c.actor, c.state.today()).await?;
        service::board(&c.state.db, &c.state.caches, &reader, now, &c.actor.time_zone, &query).await
    })
    .await
}

#[server(endpoint = "oversight_agency", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_agency(id: uuid::Uuid) -> Result<crate::oversight::AgencyDetail, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::oversight::{detail, scope};
        let now = c.state.clock.now();
        let reader = scope::oversight_reader(&c.state.db, &c.actor, c.state.today()).await?;
        detail::agency_detail(
            &c.state.db,
            &c.state.caches,
            &reader,
            id,
            now,
            &c.actor.time_zone,
            crate::current_locale(),
        )
        .await
    })
    .await
}

#[server(endpoint = "oversight_report", input = leptos::server_fn::codec::GetUrl)]
pub async fn get_report(
    #[server(default)] query: crate::oversight::ReportQuery,
) -> Result<crate::oversight::MonthlyReport, AppError> {
    crate::ui::form::serve(|c| async move {
        use crate::oversight::{report, scope};
        let now = c.state.clock.now();
        let reader = scope::oversight_reader(&c.state.db, &c.actor, c.state.today()).await?;
        report::monthly_report(&c.state.db, &c.state.caches, &reader, &query, now, &c.actor.time_zone).await
    })
    .await
}
