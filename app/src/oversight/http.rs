//! The oversight's plain routes: the board's CSV, exactly the rows the page's filter selects.
use axum::{extract::Query, response::Response};

use super::{scope, service, BoardQuery};
use crate::backend::{
    csv_export::csv_response,
    route::{query, Asker},
};

/// `GET /oversight/export.csv?<the page's query>`: every row the filter selects, in its order.
pub async fn export_csv(ask: Asker, q: Result<Query<BoardQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let q = query(q)?;
        let now = state.clock.now();
        let reader = scope::oversight_reader(&state.db, actor, state.today()).await?;
        let bytes = service::board_csv(&state.db, &state.caches, &reader, now, &actor.time_zone, &q, locale).await?;
        Ok(csv_response("oversight", state.today(), bytes))
    })
    .await
}
