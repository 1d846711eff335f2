//! What the regulator's oversight reads of reports: each agency's overdue periods.
use super::*;

/// How many periods of each agency in reach are overdue on `today`: nothing sent and the due day
/// passed (a returned submission counts as sent: it is being corrected). Read from the work
/// list's rows, grouped in the database.
pub async fn oversight_overdue<C: ConnectionTrait>(
    db: &C,
    reader: &ReportReader,
    today: Date,
) -> ServiceResult<HashMap<Uuid, u32>> {
    let rows: Vec<(Uuid, i64)> = reader
        .periods_where(None::<fn(&mut sea_orm::sea_query::SelectStatement)>)
        .filter(period::Column::Stage.eq(Stage::Open.code()))
        .filter(period::Column::DueOn.lt(today))
        .select_only()
        .column(period::Column::AgencyId)
        .column_as(period::Column::ObligationId.count(), "n")
        .group_by(period::Column::AgencyId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(a, n)| (a, n as u32)).collect())
}

/// The due day of each period in reach due from `from` to before `today` that was missed (nothing
/// sent yet) or came late: the oversight's trend counts them by month.
pub async fn oversight_late_due_days<C: ConnectionTrait>(
    db: &C,
    reader: &ReportReader,
    from: Date,
    today: Date,
) -> ServiceResult<Vec<Date>> {
    Ok(reader
        .periods_where(None::<fn(&mut sea_orm::sea_query::SelectStatement)>)
        .filter(period::Column::DueOn.gte(from))
        .filter(period::Column::DueOn.lt(today))
        .filter(
            sea_orm::Condition::any()
                .add(period::Column::Late.eq(true))
                .add(period::Column::Stage.eq(Stage::Open.code())),
        )
        .select_only()
        .column(period::Column::DueOn)
        .into_tuple()
        .all(db)
        .await?)
}
