//! The work list's rows (`report_period`): each obligation's periods in the work window, kept as
//! obligations are set or ended and as periods begin, so the list is filtered, ordered and paged
//! in SQL rather than computed in full for every page.
use super::*;
use crate::reports::entity::period;

/// Makes the obligation's rows those of its latest [`LOOKBACK`] periods begun by `today`: a new
/// period added, one that fell out of the window or is no longer owed removed. Lateness is judged
/// against the due day's end in `zone`.
pub async fn sync_periods<C: ConnectionTrait>(
    conn: &C,
    o: &obligation::Model,
    today: Date,
    zone: &str,
) -> ServiceResult<()> {
    let want = match typed(o) {
        Some((_, _, first, last)) => rules::periods_begun(first, last, today, LOOKBACK),
        None => Vec::new(),
    };
    let starts: Vec<Date> = want.iter().map(|p| rules::start(*p)).collect();
    let mut gone = period::Entity::delete_many().filter(period::Column::ObligationId.eq(o.id));
    if !starts.is_empty() {
        gone = gone.filter(period::Column::PeriodStart.is_not_in(starts));
    }
    gone.exec(conn).await?;
    if want.is_empty() {
        return Ok(());
    }
    let rows = want.iter().map(|p| {
        let due = rules::due_date(*p, o.due_day as u8);
        let late_from = start_of_day_in_zone(due.next_day().unwrap_or(due), zone).to_offset(time::UtcOffset::UTC);
        period::ActiveModel {
            obligation_id: Set(o.id),
            period_start: Set(rules::start(*p)),
            end_on: Set(rules::end(*p)),
            due_on: Set(due),
            late_from: Set(late_from),
            agency_id: Set(o.agency_id),
        }
    });
    period::Entity::insert_many(rows).on_conflict_do_nothing().exec_without_returning(conn).await?;
    Ok(())
}

/// Opens the periods begun by `today` for the obligations still without them (and fills a
/// database that has none yet): work in proportion to the periods that began, not to the table.
/// Returns how many obligations it touched.
pub async fn open_periods(db: &DatabaseConnection, today: Date, zone: &str) -> ServiceResult<u64> {
    let mut touched = 0;
    for cadence in Cadence::ALL {
        let start = rules::start(rules::containing(*cadence, today));
        let due = crate::reports::scope::obligations_to_open(*cadence, start).all(db).await?;
        for chunk in due.chunks(500) {
            let txn = write_txn(db).await?;
            for o in chunk {
                sync_periods(&txn, o, today, zone).await?;
            }
            epoch::commit_change(txn).await?;
            touched += chunk.len() as u64;
        }
    }
    Ok(touched)
}
