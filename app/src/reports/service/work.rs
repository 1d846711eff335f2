//! The work lists: every period of every obligation in reach with its computed state, the
//! submissions list, and the dashboard's panel.
use super::*;

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

/// The viewer's work: every period of the obligations in reach over the last [`LOOKBACK`] periods, with states.
pub async fn report_work(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &ItemFilter,
) -> ServiceResult<(Vec<PeriodItem>, Vec<ObligationRow>)> {
    let today = date_in_zone(now, &actor.time_zone);
    let viewer = reader.viewer();
    let reached = reader
        .obligations_where(db, |mut q| {
            match filter.side.as_str() {
                "submit" => q = q.filter(obligation::Column::SubmitterId.eq(viewer)),
                "review" => q = q.filter(obligation::Column::ReceiverId.eq(viewer)),
                _ => {}
            }
            if let Some(kind) = ReportKind::parse(filter.kind.trim()) {
                q = q.filter(obligation::Column::Kind.eq(kind.code()));
            }
            q.order_by_asc(obligation::Column::CreatedAt)
        })
        .await?;
    let obligations = reached.rows();
    let names = org_names(db, obligations.iter().flat_map(|o| [o.submitter_id, o.receiver_id, o.agency_id])).await?;
    let facts = submission_facts(db, &reached, None, &actor.time_zone).await?;
    let needle = filter.q.trim().to_lowercase();
    let state = StateCode::parse(filter.state.trim());
    let mut items = Vec::new();
    let mut rows = Vec::new();
    for o in obligations {
        let Some(row) = obligation_row(o, &names) else { continue };
        if !needle.is_empty()
            && ![&row.submitter.name, &row.receiver.name, &row.agency.name]
                .iter()
                .any(|n| n.to_lowercase().contains(&needle))
        {
            continue;
        }
        for p in rules::periods_begun(row.first_period, row.last_period, today, LOOKBACK) {
            let fact = facts.get(&(o.id, rules::start(p)));
            let st = rules::period_state(p, o.due_day as u8, today, fact.map(|f| f.1));
            if state.is_some_and(|s| s != st.code()) {
                continue;
            }
            items.push(PeriodItem {
                obligation_id: o.id,
                kind: row.kind,
                period: p,
                due_on: rules::due_date(p, o.due_day as u8).to_string(),
                state: st,
                submitter: row.submitter.clone(),
                receiver: row.receiver.clone(),
                agency: row.agency.clone(),
                submission_id: fact.map(|f| f.0),
            });
        }
        rows.push(row);
    }
    // Most urgent first, then by due date.
    items.sort_by(|a, b| {
        b.state
            .code()
            .severity()
            .cmp(&a.state.code().severity())
            .then_with(|| a.due_on.cmp(&b.due_on))
            .then_with(|| a.agency.name.cmp(&b.agency.name))
    });
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
    let page = filter.page.max(1);
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

/// The reports page's data.
pub async fn work_page(
    db: &DatabaseConnection,
    reader: &ReportReader,
    reviewer: Option<&ReportReviewer>,
    actor: &Actor,
    now: OffsetDateTime,
    filter: &ItemFilter,
) -> ServiceResult<ReportWork> {
    let (items, mut obligations) = report_work(db, reader, actor, now, filter).await?;
    let obligations_total = obligations.len() as u32;
    // A jurisdiction has thousands (6,500 at 2,000 agencies: a 5 MB page); the filter narrows them.
    obligations.truncate(LIST_ROWS);
    let (total, page, pages) = page_of(items.len(), filter.page);
    let items = items.into_iter().skip((page - 1) * LIST_ROWS).take(LIST_ROWS).collect();
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
        obligations_total,
        choices,
        viewer: reader.viewer(),
        may_submit: crate::reports::scope::may_submit(actor),
    })
}

/// Rows a dashboard panel shows of each side.
pub const PANEL_ROWS: usize = 10;

/// The dashboard panel: only the obligations the viewer's organisation submits or receives
/// (never the whole reach of a regulator), each side counted in full.
pub async fn panel(
    db: &DatabaseConnection,
    reader: &ReportReader,
    actor: &Actor,
    now: OffsetDateTime,
) -> ServiceResult<ReportPanelData> {
    let side = |s: &str| ItemFilter { side: s.into(), ..ItemFilter::default() };
    let (submit, _) = report_work(db, reader, actor, now, &side("submit")).await?;
    let (review, _) = report_work(db, reader, actor, now, &side("review")).await?;
    let to_submit: Vec<PeriodItem> = submit.into_iter().filter(|i| i.state.needs_submission()).collect();
    let to_review: Vec<PeriodItem> =
        review.into_iter().filter(|i| matches!(i.state, crate::reports::PeriodState::Submitted { .. })).collect();
    Ok(ReportPanelData {
        viewer: reader.viewer(),
        may_submit: crate::reports::scope::may_submit(actor),
        to_submit: to_submit.len() as u32,
        to_review: to_review.len() as u32,
        to_submit_first: to_submit.into_iter().take(PANEL_ROWS).collect(),
        to_review_first: to_review.into_iter().take(PANEL_ROWS).collect(),
    })
}
