//! The work lists: every period of every obligation in reach with its computed state, the
//! submissions list, and the dashboard's panel.
use super::*;
use sea_orm::{sea_query::ExprTrait, Order};

/// Facts about submissions, keyed by (obligation, period start), with dates in `zone`.
pub(super) async fn submission_facts<C: ConnectionTrait>(
    conn: &C,
    obligations: &Obligations,
    since: Option<Date>,
    zone: &str,
) -> ServiceResult<HashMap<(Uuid, Date), (Uuid, SubmissionFacts)>> {
    let mut out = HashMap::new();
    for mut q in obligations.submissions() {
        if let Some(since) = since {
            q = q.filter(submission::Column::PeriodStart.gte(since));
        }
        for s in q.all(conn).await? {
            let Some(status) = SubmissionStatus::parse(&s.status) else {
                continue;
            };
            out.insert(
                (s.obligation_id, s.period_start),
                (
                    s.id,
                    SubmissionFacts {
                        status,
                        first_submitted_on: date_in_zone(s.first_submitted_at, zone),
                        versions: s.versions,
                    },
                ),
            );
        }
    }
    Ok(out)
}

/// The work list's states as conditions on a row's own columns for the viewer's `today`, one
/// for each [`StateCode`] with its severity (the list's first order): each state's rows are one
/// range of the stage index (`idx_period_stage_order`), already in the list's further order.
struct WorkSql {
    today: Date,
}

impl WorkSql {
    /// Every state with its condition on the work-list rows, most urgent first.
    fn states(&self) -> Vec<(StateCode, Condition)> {
        self.states_on(period::Column::Stage, period::Column::EndOn, period::Column::DueOn)
    }

    /// Every state with its condition on a table with the rows' stage and dates (the rows
    /// themselves, or the tally that counts them), most urgent first.
    fn states_on<C: ColumnTrait>(&self, stage_col: C, end_on: C, due_on: C) -> Vec<(StateCode, Condition)> {
        let stage = |s: Stage| Condition::all().add(stage_col.eq(s.code()));
        let begun_ended = || stage(Stage::Open).add(end_on.lt(self.today));
        let mut all = vec![
            (StateCode::NotYetDue, stage(Stage::Open).add(end_on.gte(self.today))),
            (StateCode::Due, begun_ended().add(due_on.gte(self.today))),
            (StateCode::Overdue, begun_ended().add(due_on.lt(self.today))),
            (StateCode::Submitted, stage(Stage::Submitted)),
            (StateCode::Returned, stage(Stage::Returned)),
            (StateCode::Accepted, stage(Stage::Accepted)),
            (StateCode::AcceptedLate, stage(Stage::AcceptedLate)),
        ];
        all.sort_by_key(|(s, _)| std::cmp::Reverse(s.severity()));
        all
    }

    /// The severity of a row of the list (or of the tally), for counting every state in one read.
    fn severity_on<C: ColumnTrait>(&self, stage: C, end_on: C, due_on: C) -> sea_orm::sea_query::SimpleExpr {
        let mut case = sea_orm::sea_query::CaseStatement::new();
        for (state, cond) in self.states_on(stage, end_on, due_on) {
            case = case.case(cond, i32::from(state.severity()));
        }
        case.finally(-1).into()
    }
}

/// How many rows each severity has.
#[derive(Debug, sea_orm::FromQueryResult)]
struct SeverityCount {
    severity: i32,
    rows: i64,
}

/// Whether the filter narrows the obligations (by side, kind or name), or takes all in reach.
fn narrows(filter: &ItemFilter) -> bool {
    !filter.side.is_empty() || ReportKind::parse(filter.kind.trim()).is_some() || !filter.q.trim().is_empty()
}

/// The filter's side, kind and name search, as a condition on obligations in reach.
fn narrowing(filter: &ItemFilter, viewer: Uuid) -> Condition {
    let mut cond = Condition::all();
    match filter.side.as_str() {
        "submit" => cond = cond.add(Expr::col((obligation::Entity, obligation::Column::SubmitterId)).eq(viewer)),
        "review" => cond = cond.add(Expr::col((obligation::Entity, obligation::Column::ReceiverId)).eq(viewer)),
        _ => {}
    }
    if let Some(kind) = ReportKind::parse(filter.kind.trim()) {
        cond = cond.add(Expr::col((obligation::Entity, obligation::Column::Kind)).eq(kind.code()));
    }
    let needle = filter.q.trim();
    if !needle.is_empty() {
        cond = cond.add(
            Condition::any()
                .add(obligation::Column::SubmitterId.in_subquery(orgs_named_like(needle)))
                .add(obligation::Column::ReceiverId.in_subquery(orgs_named_like(needle)))
                .add(obligation::Column::AgencyId.in_subquery(orgs_named_like(needle))),
        );
    }
    cond
}

/// Which rows of the list to read: a page (offset, rows) or all of them, and which states.
struct Want {
    states: Vec<StateCode>,
    page: Option<(u64, u64)>,
}

/// Opens the periods begun by `today` if this instance has not yet done so today (the daily job
/// does it too; a read must not wait for the job to see a month that began at midnight).
async fn periods_open_for(db: &DatabaseConnection, caches: &Caches, today: Date, zone: &str) -> ServiceResult<()> {
    if !caches.done_for("report-periods", today) {
        open_periods(db, today, zone).await?;
        caches.mark_done_for("report-periods", today);
    }
    Ok(())
}

/// Who reads the work list, and when: what every work-list function is given.
pub struct Viewing<'a> {
    pub db: &'a DatabaseConnection,
    pub caches: &'a Caches,
    pub reader: &'a ReportReader,
    pub actor: &'a Actor,
    pub now: OffsetDateTime,
}

/// The work list's rows for the filter, most urgent first, then by due date and agency, and how
/// many rows the filter has in all. One grouped count gives each state's rows; a page then reads
/// only the states it overlaps, each in index order from its offset.
async fn work_rows(v: &Viewing<'_>, filter: &ItemFilter, want: Want) -> ServiceResult<(Vec<PeriodItem>, u64)> {
    let Viewing { db, caches, reader, actor, now } = *v;
    let today = date_in_zone(now, &actor.time_zone);
    if !filter.period.trim().is_empty() {
        let (year, month) = crate::reports::parse_month(&filter.period)
            .ok_or(ServiceError::invalid("period", Msg::ErrMonthFormat))?;
        return month_rows(v, filter, (year, month), today, want).await;
    }
    periods_open_for(db, caches, today, &actor.time_zone).await?;
    let viewer = reader.viewer();
    let sql = WorkSql { today };
    // Only a filter that narrows the obligations goes through them.
    let narrows = narrows(filter);
    let base = || {
        reader
            .periods_where(narrows.then_some(|ids: &mut SelectStatement| {
                ids.cond_where(narrowing(filter, viewer));
            }))
            .filter(period::Column::PeriodStart.lte(today))
    };
    // A jurisdiction's counts are a sum over its tally (a few hundred rows, kept by the
    // database); only a filter that narrows the obligations, or a smaller reach, counts rows.
    let counted = match reader.tally().filter(|_| !narrows) {
        Some(tally) => {
            use crate::reports::entity::tally::Column as T;
            tally
                .filter(T::PeriodStart.lte(today))
                .select_only()
                .column_as(sql.severity_on(T::Stage, T::EndOn, T::DueOn), "severity")
                .column_as(Expr::cust("CAST(SUM(periods) AS BIGINT)"), "rows")
                .group_by(Expr::col("severity"))
                .into_model::<SeverityCount>()
                .all(db)
                .await?
        }
        None => {
            use period::Column as P;
            base()
                .select_only()
                .column_as(sql.severity_on(P::Stage, P::EndOn, P::DueOn), "severity")
                .column_as(Expr::col(P::ObligationId).count(), "rows")
                .group_by(Expr::col("severity"))
                .into_model::<SeverityCount>()
                .all(db)
                .await?
        }
    };
    let counts: HashMap<i32, u64> = counted.into_iter().map(|c| (c.severity, std::cmp::max(c.rows, 0) as u64)).collect();
    let wanted = |s: StateCode| want.states.is_empty() || want.states.contains(&s);
    let states: Vec<(StateCode, Condition, u64)> = sql
        .states()
        .into_iter()
        .filter(|(s, _)| wanted(*s))
        .map(|(s, c)| (s, c, counts.get(&i32::from(s.severity())).copied().unwrap_or(0)))
        .collect();
    let total = states.iter().map(|(_, _, n)| n).sum();
    let (mut skip, mut room) = want.page.unwrap_or((0, u64::MAX));
    let mut rows: Vec<period::Model> = Vec::new();
    for (state, cond, n) in states {
        if room == 0 {
            break;
        }
        if skip >= n {
            skip -= n;
            continue;
        }
        // What is done reads newest first; what is still to do, the soonest due first.
        let due = if state.is_done() { Order::Desc } else { Order::Asc };
        let mut q = base()
            .filter(cond)
            .order_by(period::Column::DueOn, due)
            .order_by_asc(period::Column::AgencyName)
            .order_by_asc(period::Column::ObligationId)
            .order_by_asc(period::Column::PeriodStart);
        // A whole list (no page) reads every row; SQLite takes no OFFSET without a LIMIT.
        if want.page.is_some() {
            q = q.offset(skip).limit(std::cmp::min(room, n - skip));
        }
        let read = q.all(db).await?;
        room = room.saturating_sub(read.len() as u64);
        skip = 0;
        rows.extend(read);
    }
    let obligations = reader
        .obligations_where(db, |q| {
            q.filter(obligation::Column::Id.is_in(rows.iter().map(|r| r.obligation_id).collect::<HashSet<_>>()))
        })
        .await?;
    let rows = rows
        .into_iter()
        .filter_map(|r| {
            let stage = Stage::parse(&r.stage)?;
            let facts = stage.status().map(|status| (status, r.late, r.versions));
            Some(Owed { obligation_id: r.obligation_id, period_start: r.period_start, submission_id: r.submission_id, facts })
        })
        .collect();
    Ok((items_of(db, &obligations, rows, today).await?, total))
}

/// One period owed, as the list reads it: the obligation, the period's first day, and its
/// submission's id, status, first version's lateness and versions.
struct Owed {
    obligation_id: Uuid,
    period_start: Date,
    submission_id: Option<Uuid>,
    facts: Option<(SubmissionStatus, bool, i32)>,
}

/// The list's rows of `owed`, with the parties' names and a returned row's reason.
async fn items_of(
    db: &DatabaseConnection,
    obligations: &Obligations,
    owed: Vec<Owed>,
    today: Date,
) -> ServiceResult<Vec<PeriodItem>> {
    let by_id: HashMap<Uuid, &obligation::Model> = obligations.rows().iter().map(|o| (o.id, o)).collect();
    let names = org_names(db, by_id.values().flat_map(|o| [o.submitter_id, o.receiver_id, o.agency_id])).await?;
    // A returned row says why: its latest review's first line (read for the page's rows only).
    let returned: Vec<Uuid> = owed
        .iter()
        .filter(|r| matches!(r.facts, Some((SubmissionStatus::Returned, _, _))))
        .filter_map(|r| r.submission_id)
        .collect();
    let mut because: HashMap<Uuid, String> = HashMap::new();
    if !returned.is_empty() {
        let reviews = obligations.reviews_of(returned).order_by_desc(review::Column::VersionNumber).all(db).await?;
        for r in reviews {
            let first = r.comment.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
            because.entry(r.submission_id).or_insert_with(|| first.chars().take(200).collect());
        }
    }
    let mut items = Vec::with_capacity(owed.len());
    for r in owed {
        let Some(o) = by_id.get(&r.obligation_id) else { continue };
        let Some((kind, cadence, _, _)) = typed(o) else { continue };
        let Some(period) = rules::from_start(cadence, r.period_start) else { continue };
        items.push(PeriodItem {
            obligation_id: o.id,
            kind,
            period,
            due_on: rules::due_date(period, o.due_day as u8).to_string(),
            state: rules::state_with(period, o.due_day as u8, today, r.facts),
            submitter: org_ref(&names, o.submitter_id),
            receiver: org_ref(&names, o.receiver_id),
            agency: org_ref(&names, o.agency_id),
            returned_because: r.submission_id.and_then(|s| because.get(&s).cloned()).filter(|c| !c.is_empty()),
            submission_id: r.submission_id,
        });
    }
    Ok(items)
}

/// The list for one month (`period=YYYY-MM`): each obligation's period covering it, however old
/// (the kept rows hold only the latest [`LOOKBACK`]), read from the obligations and their
/// submissions, in the list's order.
async fn month_rows(
    v: &Viewing<'_>,
    filter: &ItemFilter,
    (year, month): (i32, u8),
    today: Date,
    want: Want,
) -> ServiceResult<(Vec<PeriodItem>, u64)> {
    let Viewing { db, reader, actor, .. } = *v;
    let narrowed = narrowing(filter, reader.viewer());
    let obligations = reader.obligations_where(db, |q| q.filter(narrowed)).await?;
    // Each obligation's period covering the month, if it was owed and has begun.
    let mut wanted: Vec<(Uuid, Period, u8)> = Vec::new();
    for o in obligations.rows() {
        let Some((_, cadence, first, last)) = typed(o) else { continue };
        let Some(p) = Period::containing(cadence, year, month) else { continue };
        if rules::period_open(p, first, last, today).is_ok() {
            wanted.push((o.id, p, o.due_day as u8));
        }
    }
    // Only the submissions of those periods: a month's periods start on at most four days (its
    // month's, quarter's, half-year's and year's first), however many months have passed since.
    let starts: HashSet<Date> = wanted.iter().map(|(_, p, _)| rules::start(*p)).collect();
    let mut submitted: HashMap<(Uuid, Date), submission::Model> = HashMap::new();
    if !starts.is_empty() {
        for q in obligations.submissions() {
            for s in q.filter(submission::Column::PeriodStart.is_in(starts.iter().copied())).all(db).await? {
                submitted.insert((s.obligation_id, s.period_start), s);
            }
        }
    }
    let mut owed: Vec<(u8, Date, Owed)> = Vec::new();
    for (obligation_id, p, due_day) in wanted {
        let start = rules::start(p);
        let s = submitted.get(&(obligation_id, start));
        let facts = s.and_then(|s| {
            let status = SubmissionStatus::parse(&s.status)?;
            let late = date_in_zone(s.first_submitted_at, &actor.time_zone) > rules::due_date(p, due_day);
            Some((status, late, s.versions))
        });
        let state = rules::state_with(p, due_day, today, facts);
        let code = state.code();
        if !want.states.is_empty() && !want.states.contains(&code) {
            continue;
        }
        let row = Owed { obligation_id, period_start: start, submission_id: s.map(|s| s.id), facts };
        owed.push((code.severity(), rules::due_date(p, due_day), row));
    }
    let total = owed.len() as u64;
    let names: HashMap<Uuid, &obligation::Model> = obligations.rows().iter().map(|o| (o.id, o)).collect();
    let agency_of = |id: Uuid| names.get(&id).map(|o| o.agency_id);
    let agency_names = org_names(db, obligations.rows().iter().map(|o| o.agency_id)).await?;
    let agency_name = |id: Uuid| agency_of(id).and_then(|a| agency_names.get(&a).cloned()).unwrap_or_default();
    // The list's order: most urgent first, then by due day (settled ones newest first) and agency.
    owed.sort_by(|(sa, da, a), (sb, db_, b)| {
        let due = if StateCode::from_severity(*sa).is_some_and(StateCode::is_done) { db_.cmp(da) } else { da.cmp(db_) };
        sb.cmp(sa)
            .then(due)
            .then_with(|| agency_name(a.obligation_id).cmp(&agency_name(b.obligation_id)))
            .then(a.obligation_id.cmp(&b.obligation_id))
    });
    let (skip, room) = want.page.unwrap_or((0, u64::MAX));
    let page: Vec<Owed> =
        owed.into_iter().skip(skip as usize).take(usize::try_from(room).unwrap_or(usize::MAX)).map(|(_, _, o)| o).collect();
    Ok((items_of(db, &obligations, page, today).await?, total))
}

/// The obligations of the filter (side, kind, name), oldest first: `limit` of them, and how many
/// there are in all.
async fn obligation_rows(
    db: &DatabaseConnection,
    reader: &ReportReader,
    filter: &ItemFilter,
    limit: Option<u64>,
) -> ServiceResult<(Vec<ObligationRow>, u64)> {
    // The reach and the filter in one condition: a subquery of the reach's ids again cost SQLite
    // 18 ms a read over a province's 6,500 obligations, this 4.
    let q = reader.obligations().filter(narrowing(filter, reader.viewer()));
    let total = q.clone().count(db).await?;
    let mut q = q.order_by_asc(obligation::Column::CreatedAt).order_by_asc(obligation::Column::Id);
    if let Some(limit) = limit {
        q = q.limit(limit);
    }
    let rows = q.all(db).await?;
    let names = org_names(db, rows.iter().flat_map(|o| [o.submitter_id, o.receiver_id, o.agency_id])).await?;
    Ok((rows.iter().filter_map(|o| obligation_row(o, &names)).collect(), total))
}

/// The viewer's whole work list (the CSV and the API): every period of the obligations in reach
/// over the last [`LOOKBACK`] periods, with states, and the obligations.
pub async fn report_work(v: &Viewing<'_>, filter: &ItemFilter) -> ServiceResult<(Vec<PeriodItem>, Vec<ObligationRow>)> {
    let states = StateCode::parse(filter.state.trim()).into_iter().collect();
    let (items, _) = work_rows(v, filter, Want { states, page: None }).await?;
    let (rows, _) = obligation_rows(v.db, v.reader, filter, None).await?;
    Ok((items, rows))
}

/// Submissions in reach, newest first, filtered and paged in SQL.
pub async fn list_submissions(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &SubmissionFilter,
) -> ServiceResult<SubmissionPage> {
    use sea_orm::QuerySelect;
    let mut q = reader.submissions_where(|ids| {
        if let Some(kind) = filter.kind {
            ids.and_where(obligation::Column::Kind.eq(kind.code()));
        }
    });
    if let Some(id) = filter.obligation_id {
        q = q.filter(submission::Column::ObligationId.eq(id));
    }
    if let Some(status) = filter.status {
        q = q.filter(submission::Column::Status.eq(status.code()));
    }
    if let Some(p) = filter.period {
        q = q.filter(submission::Column::PeriodStart.eq(rules::start(p)));
    }
    let per_page = filter.per_page.clamp(1, 100);
    let page = std::cmp::max(filter.page, 1);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(submission::Column::LastSubmittedAt)
        .order_by_asc(submission::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let obligations: HashMap<Uuid, obligation::Model> = reader
        .obligations()
        .filter(obligation::Column::Id.is_in(rows.iter().map(|s| s.obligation_id).collect::<HashSet<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let names = org_names(db, obligations.values().flat_map(|o| [o.submitter_id, o.receiver_id])).await?;
    let today = date_in_zone(now, &actor.time_zone);
    let rfc3339 = |t: OffsetDateTime| {
        t.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
    };
    let mut items = Vec::new();
    for s in rows {
        let Some(o) = obligations.get(&s.obligation_id) else {
            continue;
        };
        let Some((kind, cadence, _, _)) = typed(o) else {
            continue;
        };
        let (Some(period), Some(status)) =
            (rules::from_start(cadence, s.period_start), SubmissionStatus::parse(&s.status))
        else {
            continue;
        };
        let facts = SubmissionFacts {
            status,
            first_submitted_on: date_in_zone(s.first_submitted_at, &actor.time_zone),
            versions: s.versions,
        };
        items.push(SubmissionRow {
            id: s.id,
            obligation_id: o.id,
            kind,
            period,
            status,
            state: rules::period_state(period, o.due_day as u8, today, Some(facts)),
            versions: s.versions,
            first_submitted_at: rfc3339(s.first_submitted_at),
            last_submitted_at: rfc3339(s.last_submitted_at),
            submitter: org_ref(&names, o.submitter_id),
            receiver: org_ref(&names, o.receiver_id),
        });
    }
    Ok(SubmissionPage { items, page, per_page, total })
}

/// The submission's obligation and period, for a new version of it (the API's resubmission).
pub async fn submission_target(
    db: &DatabaseConnection,
    submitter: &ReportSubmitter,
    id: Uuid,
) -> ServiceResult<(Uuid, Period)> {
    let reached = submitter.submission(db, id).await?;
    let (s, o) = (reached.submission(), reached.obligation());
    let (_, cadence, _, _) = typed(o).ok_or(ServiceError::NotFound)?;
    Ok((o.id, rules::from_start(cadence, s.period_start).ok_or(ServiceError::NotFound)?))
}

/// The reports page's data: one page of the work list and the first obligations, each read
/// as a page in SQL.
pub async fn work_page(v: &Viewing<'_>, reviewer: Option<&ReportReviewer>, filter: &ItemFilter) -> ServiceResult<ReportWork> {
    let Viewing { db, reader, actor, now, .. } = *v;
    let states: Vec<StateCode> = StateCode::parse(filter.state.trim()).into_iter().collect();
    let asked = std::cmp::max(filter.page, 1) as u64;
    let rows = LIST_ROWS as u64;
    let (mut items, mut total) =
        work_rows(v, filter, Want { states: states.clone(), page: Some(((asked - 1) * rows, rows)) }).await?;
    let (_, page, pages) = page_of(total as usize, filter.page);
    let page = page as u64;
    if page != asked {
        // A page past the end shows the last.
        (items, total) =
            work_rows(v, filter, Want { states, page: Some(((page - 1) * rows, rows)) }).await?;
    }
    // A jurisdiction has thousands (6,500 at 2,000 agencies); the filter narrows them, and the
    // page shows the first few beside the work list (the CSV and the API hold them all).
    let (obligations, obligations_total) = obligation_rows(db, reader, filter, Some(OBLIGATION_ROWS)).await?;
    let choices = match reviewer {
        Some(r) => Some(obligation_choices(db, r, date_in_zone(now, &actor.time_zone)).await?),
        None => None,
    };
    Ok(ReportWork {
        items,
        total: total as u32,
        page: page as u32,
        pages: pages as u32,
        per_page: LIST_ROWS as u32,
        obligations,
        obligations_total: obligations_total as u32,
        choices,
        viewer: reader.viewer(),
        may_submit: crate::reports::scope::may_submit(actor),
        may_remind: reader.is_jurisdiction() && crate::reports::scope::may_remind(actor),
    })
}

/// Obligations the reports page shows below the work list.
pub const OBLIGATION_ROWS: u64 = 50;

/// Rows a dashboard panel shows of each side.
pub const PANEL_ROWS: usize = 10;

/// The dashboard panel: only the obligations the viewer's organisation submits or receives
/// (never the whole reach of a regulator), each side counted in full.
pub async fn panel(v: &Viewing<'_>) -> ServiceResult<ReportPanelData> {
    let side = |s: &str| ItemFilter { side: s.into(), ..ItemFilter::default() };
    let first = Some((0, PANEL_ROWS as u64));
    let to_submit = vec![StateCode::Overdue, StateCode::Returned, StateCode::Due];
    let (submit, to_submit) = work_rows(v, &side("submit"), Want { states: to_submit, page: first }).await?;
    let (review, to_review) =
        work_rows(v, &side("review"), Want { states: vec![StateCode::Submitted], page: first }).await?;
    Ok(ReportPanelData {
        viewer: v.reader.viewer(),
        may_submit: crate::reports::scope::may_submit(v.actor),
        to_submit: to_submit as u32,
        to_review: to_review as u32,
        to_submit_first: submit,
        to_review_first: review,
    })
}
