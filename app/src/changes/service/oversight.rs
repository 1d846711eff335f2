//! What the regulator's oversight reads of change notices: each agency's notices in review that
//! await its acknowledgement or a regulator's decision.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, QuerySelect};
use uuid::Uuid;

use crate::{
    backend::ServiceResult,
    changes::{entity::notice_agency, scope::ChangeReader},
};

/// How many notices await an answer, by agency in the reader's jurisdiction.
pub async fn oversight_awaiting<C: ConnectionTrait>(db: &C, r: &ChangeReader) -> ServiceResult<HashMap<Uuid, u32>> {
    let rows: Vec<(Uuid, i64)> = r
        .awaiting_by_agency()
        .select_only()
        .column(notice_agency::Column::AgencyId)
        .column_as(notice_agency::Column::NoticeId.count(), "n")
        .group_by(notice_agency::Column::AgencyId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(a, n)| (a, n as u32)).collect())
}
