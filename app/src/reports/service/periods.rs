//! The work list's rows (`report_period`): each obligation's periods in the work window, kept as
//! obligations are set or ended, as periods begin and as their submissions move, so the list is
//! filtered, ordered and paged in SQL rather than computed in full for every page.
use super::*;
use crate::reports::entity::period;
use sea_orm::sea_query::ExprTrait;

/// Where a work-list period's submission is, as its row keeps it. With the viewer's day it gives
/// the period's state, and each stage's rows are one range of the list's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Nothing sent: not yet due, due or overdue, depending on the day.
    Open,
    Submitted,
    Returned,
    Accepted,
    AcceptedLate,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Open, Stage::Submitted, Stage::Returned, Stage::Accepted, Stage::AcceptedLate];

    pub const fn code(self) -> &'static str {
        match self {
            Stage::Open => "open",
            Stage::Submitted => "submitted",
            Stage::Returned => "returned",
            Stage::Accepted => "accepted",
            Stage::AcceptedLate => "accepted_late",
        }
    }

    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The stage of a submission in `status` whose first version came late or not.
    pub fn of(status: SubmissionStatus, late: bool) -> Stage {
        match status {
            SubmissionStatus::Submitted => Stage::Submitted,
            SubmissionStatus::Returned => Stage::Returned,
            SubmissionStatus::Accepted if late => Stage::AcceptedLate,
            SubmissionStatus::Accepted => Stage::Accepted,
        }
    }

    /// The submission's status at this stage (none when nothing was sent).
    pub fn status(self) -> Option<SubmissionStatus> {
        match self {
            Stage::Open => None,
            Stage::Submitted => Some(SubmissionStatus::Submitted),
            Stage::Returned => Some(SubmissionStatus::Returned),
            Stage::Accepted | Stage::AcceptedLate => Some(SubmissionStatus::Accepted),
        }
    }
}

/// Makes the obligation's rows those of its latest [`LOOKBACK`] periods begun by `today`: a new
/// period added (with its submission, if one came already), one that fell out of the window or is
/// no longer owed removed. Lateness is judged against the due day's end in `zone`.
pub async fn sync_periods<C: ConnectionTrait>(
    conn: &C,
    o: &obligation::Model,
    today: Date,
    zone: &str,
) -> ServiceResult<()> {
    sync_periods_of(conn, std::slice::from_ref(o), today, zone).await
}

/// [`sync_periods`] for several obligations, their submissions and agency names read at once.
async fn sync_periods_of<C: ConnectionTrait>(
    conn: &C,
    obligations: &[obligation::Model],
    today: Date,
    zone: &str,
) -> ServiceResult<()> {
    let mut wanted = Vec::with_capacity(obligations.len());
    for o in obligations {
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
        if !want.is_empty() {
            wanted.push((o, want));
        }
    }
    let Some(since) = wanted.iter().flat_map(|(_, w)| w.iter().map(|p| rules::start(*p))).min() else {
        return Ok(());
    };
    let sent: HashMap<(Uuid, Date), submission::Model> =
        crate::reports::scope::submissions_of_periods(wanted.iter().map(|(o, _)| o.id), since)
            .all(conn)
            .await?
            .into_iter()
            .map(|s| ((s.obligation_id, s.period_start), s))
            .collect();
    let names = org_names(conn, wanted.iter().map(|(o, _)| o.agency_id)).await?;
    let rows = wanted.iter().flat_map(|(o, want)| {
        let agency_name = names.get(&o.agency_id).cloned().unwrap_or_default();
        let sent = &sent;
        want.iter().map(move |p| {
            let due = rules::due_date(*p, o.due_day as u8);
            let late_from = start_of_day_in_zone(due.next_day().unwrap_or(due), zone).to_offset(time::UtcOffset::UTC);
            let s = sent.get(&(o.id, rules::start(*p)));
            let late = s.is_some_and(|s| s.first_submitted_at >= late_from);
            let stage = match s.and_then(|s| SubmissionStatus::parse(&s.status)) {
                Some(status) => Stage::of(status, late),
                None => Stage::Open,
            };
            period::ActiveModel {
                obligation_id: Set(o.id),
                period_start: Set(rules::start(*p)),
                end_on: Set(rules::end(*p)),
                due_on: Set(due),
                late_from: Set(late_from),
                agency_id: Set(o.agency_id),
                agency_name: Set(agency_name.clone()),
                stage: Set(stage.code().into()),
                late: Set(late),
                versions: Set(s.map_or(0, |s| s.versions)),
                submission_id: Set(s.map(|s| s.id)),
            }
        })
    });
    let rows: Vec<period::ActiveModel> = rows.collect();
    // Bounded statements: SQLite allows some 32,000 parameters, eleven a row.
    for chunk in rows.chunks(1000) {
        period::Entity::insert_many(chunk.to_vec()).on_conflict_do_nothing().exec_without_returning(conn).await?;
    }
    Ok(())
}

/// What moved a period's submission, for its work-list row.
#[derive(Clone, Copy, Debug)]
pub(super) enum Moved {
    /// A version arrived (the first one judges lateness).
    Version,
    Reviewed(Decision),
}

/// Keeps the work-list row of `s`'s period in step with it, in the transaction that changed it
/// (`s` as written). A period outside the work window has no row, and nothing changes.
pub(super) async fn period_follows<C: ConnectionTrait>(conn: &C, s: &submission::Model, moved: Moved) -> ServiceResult<()> {
    use sea_orm::sea_query::{CaseStatement, SimpleExpr};
    let stage = |st: Stage| SimpleExpr::from(Expr::val(st.code()));
    let mut q = period::Entity::update_many()
        .filter(period::Column::ObligationId.eq(s.obligation_id))
        .filter(period::Column::PeriodStart.eq(s.period_start));
    q = match moved {
        Moved::Version => {
            let q = q
                .col_expr(period::Column::Stage, stage(Stage::Submitted))
                .col_expr(period::Column::Versions, Expr::val(s.versions))
                .col_expr(period::Column::SubmissionId, Expr::val(Some(s.id)));
            if s.versions == 1 {
                q.col_expr(period::Column::Late, late_at(conn.get_database_backend(), s.first_submitted_at))
            } else {
                q
            }
        }
        Moved::Reviewed(Decision::Return) => q.col_expr(period::Column::Stage, stage(Stage::Returned)),
        Moved::Reviewed(Decision::Accept) => q.col_expr(
            period::Column::Stage,
            CaseStatement::new()
                .case(Expr::col(period::Column::Late).eq(true), stage(Stage::AcceptedLate))
                .finally(stage(Stage::Accepted))
                .into(),
        ),
    };
    q.exec(conn).await?;
    Ok(())
}

/// Keeps the agency's new name on its work-list rows (the list's third order), in the
/// transaction that renamed it.
pub async fn agency_renamed<C: ConnectionTrait>(conn: &C, agency_id: Uuid, name: &str) -> ServiceResult<()> {
    period::Entity::update_many()
        .col_expr(period::Column::AgencyName, Expr::val(name))
        .filter(period::Column::AgencyId.eq(agency_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Whether a first version sent at `at` is late against the row's own `late_from`. SQLite keeps
/// instants as RFC 3339 text, whose fractions and offsets do not compare as text does.
fn late_at(backend: DbBackend, at: OffsetDateTime) -> sea_orm::sea_query::SimpleExpr {
    let late_from = Expr::col(period::Column::LateFrom);
    match backend {
        DbBackend::Sqlite => Expr::cust_with_exprs("julianday(?) >= julianday(?)", [Expr::val(at), late_from]),
        _ => Expr::val(at).gte(late_from),
    }
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
            sync_periods_of(&txn, chunk, today, zone).await?;
            epoch::commit_change(txn).await?;
            touched += chunk.len() as u64;
        }
    }
    Ok(touched)
}
