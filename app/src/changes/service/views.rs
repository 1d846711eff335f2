//! Reading notices: the lists (what awaits the viewer first, then every notice in reach, paged
//! and filtered by status), and one notice whole — its deadlines with their dates, its counts,
//! its revisions and what the current one changed, the steps the viewer may read, and what the
//! viewer may do next. The JSON export is this same shape.
use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::{
    changes::{
        entity::{file, notice, revision, step},
        rules::{self, Due, Party, Situation},
        scope::ChangeReader,
        Action, AgencyAnswer, Allowed, ChangeCategory, FilePurpose, ChangeType, Counts, DeadlineView, FieldDiff, FileView, Named, NoticeDetail,
        NoticeFilter, NoticeList, NoticeRow, NoticeStatus, RevisionView, StepKind, StepView,
    },
    domain::{textdiff::diff_lines, OrgKind},
    tenancy::scope::person_names,
};

/// Notices per list page.
pub const NOTICE_PAGE: u64 = 50;
/// The most notices the "awaiting you" list shows.
pub const AWAITING_ROWS: u64 = 50;

fn terms_stored(n: &notice::Model) -> Terms {
    serde_json::from_str(&n.terms).unwrap_or_default()
}

/// The deadlines of a notice at `now`, with the steps that met them.
pub(crate) fn notice_deadlines(n: &notice::Model, cal: &crate::domain::workdays::WorkCalendar, now: OffsetDateTime) -> Vec<rules::Deadline> {
    let t = rules::Timeline {
        change_type: ChangeType::parse(&n.change_type).unwrap_or(ChangeType::Transformative),
        category: ChangeCategory::parse(&n.category).unwrap_or(ChangeCategory::Other),
        emergency: n.emergency,
        terms: terms_stored(n),
        planned_start: n.planned_start,
        planned_end: n.planned_end,
        first_submitted: n.submitted_at,
        last_revised: n.revised_at,
        approved: n.approved_at,
        implemented: n.implemented_at.zip(n.actual_end),
        verified_on: n.verified_on,
        assessed: n.assessed_at,
    };
    // A closed or cancelled notice owes nothing more: what was not met is left open, not overdue.
    let until = n.closed_at.unwrap_or(now);
    rules::deadlines(&t, until, cal)
}

fn row(n: &notice::Model, csp: &str, awaiting: bool, flagged: u32, zone: &str) -> NoticeRow {
    NoticeRow {
        id: n.id,
        title: n.title.clone(),
        csp: Named { id: n.csp_id, name: csp.to_string() },
        change_type: ChangeType::parse(&n.change_type).unwrap_or(ChangeType::Transformative),
        category: ChangeCategory::parse(&n.category).unwrap_or(ChangeCategory::Other),
        emergency: n.emergency,
        status: NoticeStatus::parse(&n.status).unwrap_or(NoticeStatus::InReview),
        revision: n.revision,
        planned_start: shown(n.planned_start, zone),
        planned_end: shown(n.planned_end, zone),
        submitted_at: shown(n.submitted_at, zone),
        affected: n.affected,
        answered: n.answered,
        awaiting_viewer: awaiting,
        flagged,
    }
}

async fn rows_of(db: &DatabaseConnection, notices: &[notice::Model], awaiting: &[Uuid], zone: &str, now: OffsetDateTime) -> ServiceResult<Vec<NoticeRow>> {
    let names = org_names(db, notices.iter().map(|n| n.csp_id).collect::<Vec<_>>()).await?;
    let cal = work_calendar(db).await?;
    Ok(notices
        .iter()
        .map(|n| {
            let flagged = notice_deadlines(n, &cal, now).iter().filter(|d| d.state.flagged()).count() as u32;
            row(n, names.get(&n.csp_id).map(String::as_str).unwrap_or(""), awaiting.contains(&n.id), flagged, zone)
        })
        .collect())
}

/// The viewer's lists: what awaits it (up to [`AWAITING_ROWS`], soonest start first), then a page
/// of every notice in reach, newest first, filtered by status.
pub async fn notice_list(db: &DatabaseConnection, r: &ChangeReader, filter: &NoticeFilter, zone: &str, now: OffsetDateTime) -> ServiceResult<NoticeList> {
    let mut f = Fields::new();
    let status = match filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => f.check("status", NoticeStatus::parse(s).map(Some).ok_or(Msg::ChErrStatus)).flatten(),
    };
    f.finish()?;
    let awaiting_q = r.awaiting();
    let awaiting_total = awaiting_q.clone().count(db).await?;
    let awaiting: Vec<notice::Model> = awaiting_q.order_by_asc(notice::Column::PlannedStart).order_by_asc(notice::Column::Id).limit(AWAITING_ROWS).all(db).await?;
    let mut q = r.notices();
    if let Some(s) = status {
        q = q.filter(notice::Column::Status.eq(s.code()));
    }
    let total = q.clone().count(db).await?;
    let pages = total.div_ceil(NOTICE_PAGE).max(1);
    let page = filter.page.unwrap_or(1).clamp(1, pages);
    let notices = q
        .order_by_desc(notice::Column::SubmittedAt)
        .order_by_desc(notice::Column::Id)
        .offset((page - 1) * NOTICE_PAGE)
        .limit(NOTICE_PAGE)
        .all(db)
        .await?;
    // Whether a row of the page awaits the viewer: one more query, for this page's ids only.
    let ids: Vec<Uuid> = notices.iter().map(|n| n.id).collect();
    let waiting: Vec<Uuid> = r.awaiting().filter(notice::Column::Id.is_in(ids)).select_only().column(notice::Column::Id).into_tuple().all(db).await?;
    let awaiting_ids: Vec<Uuid> = awaiting.iter().map(|n| n.id).collect();
    Ok(NoticeList {
        awaiting: rows_of(db, &awaiting, &awaiting_ids, zone, now).await?,
        awaiting_total,
        rows: rows_of(db, &notices, &waiting, zone, now).await?,
        total,
        page,
        pages,
    })
}

fn revision_view(rv: &revision::Model, people: &HashMap<Uuid, String>, zone: &str) -> RevisionView {
    RevisionView {
        number: rv.number,
        title: rv.title.clone(),
        description: rv.description.clone(),
        reason: rv.reason.clone(),
        planned_start: shown(rv.planned_start, zone),
        planned_end: shown(rv.planned_end, zone),
        websites: rv.websites.lines().map(str::to_string).collect(),
        impact_analysis: rv.impact_analysis.clone(),
        customer_impact: rv.customer_impact.clone(),
        rollback_plan: rv.rollback_plan.clone(),
        verification_plan: rv.verification_plan.clone(),
        contact: rv.contact.clone(),
        opt_out_offered: rv.opt_out_offered,
        note: rv.note.clone(),
        submitted_by: people.get(&rv.submitted_by).cloned().unwrap_or_default(),
        submitted_at: shown(rv.submitted_at, zone),
    }
}

/// A revision's fields against the one before, the changed ones only.
pub fn revision_diff(before: &RevisionView, after: &RevisionView) -> Vec<FieldDiff> {
    let window = |r: &RevisionView| format!("{} – {}", r.planned_start, r.planned_end);
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let pairs: [(&str, String, String); 11] = [
        ("title", before.title.clone(), after.title.clone()),
        ("planned_window", window(before), window(after)),
        ("websites", before.websites.join("\n"), after.websites.join("\n")),
        ("description", before.description.clone(), after.description.clone()),
        ("reason", before.reason.clone(), after.reason.clone()),
        ("impact_analysis", before.impact_analysis.clone(), after.impact_analysis.clone()),
        ("customer_impact", before.customer_impact.clone(), after.customer_impact.clone()),
        ("rollback_plan", before.rollback_plan.clone(), after.rollback_plan.clone()),
        ("verification_plan", before.verification_plan.clone(), after.verification_plan.clone()),
        ("contact", before.contact.clone(), after.contact.clone()),
        ("opt_out_offered", yes_no(before.opt_out_offered), yes_no(after.opt_out_offered)),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, a, b)| FieldDiff { field: field.to_string(), lines: diff_lines(&a, &b) })
        .collect()
}

fn due_text(d: Due, zone: &str) -> String {
    match d {
        Due::Day(d) => day(d),
        Due::At(at) => shown(at, zone),
    }
}

/// One notice, whole, as `r` may read it; `may_write`: whether to say what the viewer may do.
pub async fn notice_detail(db: &DatabaseConnection, r: &ChangeReader, id: Uuid, may_write: bool, zone: &str, now: OffsetDateTime) -> ServiceResult<NoticeDetail> {
    let n = r.notice(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let s = standing(db, r, &n).await?;
    let revisions = r.revisions(id).order_by_asc(revision::Column::Number).all(db).await?;
    let steps = r.steps(id).order_by_asc(step::Column::At).order_by_asc(step::Column::Id).all(db).await?;
    let files = r.files(id).order_by_asc(file::Column::UploadedAt).all(db).await?;
    let agencies = r.agencies(id).all(db).await?;
    let mut org_ids: Vec<Uuid> = steps.iter().map(|s| s.organisation_id).chain(agencies.iter().map(|a| a.agency_id)).collect();
    org_ids.push(n.csp_id);
    let orgs = org_names(db, org_ids).await?;
    let person_ids: Vec<Uuid> = steps.iter().filter_map(|s| s.person_id).chain(revisions.iter().map(|r| r.submitted_by)).collect();
    let people = person_names(db, person_ids).await?;
    let org = |id: Uuid| Named { id, name: orgs.get(&id).cloned().unwrap_or_default() };
    let cal = work_calendar(db).await?;
    let deadlines = notice_deadlines(&n, &cal, now);
    let flagged = deadlines.iter().filter(|d| d.state.flagged()).count() as u32;
    let file_view = |f: &file::Model| FileView {
        id: f.id,
        name: f.name.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        revision: f.revision,
        assessment: f.purpose == "assessment",
    };
    let revision_views: Vec<RevisionView> = revisions.iter().map(|rv| revision_view(rv, &people, zone)).collect();
    let current = revision_views.last().cloned().ok_or_else(|| ServiceError::Internal(format!("notice {id} has no revision")))?;
    let changed = match revision_views.len() {
        0 | 1 => Vec::new(),
        k => revision_diff(&revision_views[k - 2], &current),
    };
    let ack_due = rules::ack_due(n.submitted_at, &cal);
    let today = rules::day_of(now);
    let answers: Vec<AgencyAnswer> = agencies
        .iter()
        .map(|a| {
            let answer = s
                .facts
                .iter()
                .filter(|f| f.organisation == a.agency_id && matches!(f.kind, StepKind::Acknowledged | StepKind::OptedOut | StepKind::Question))
                .map(|f| f.kind)
                .fold(None, |acc: Option<StepKind>, k| match acc {
                    Some(StepKind::Acknowledged | StepKind::OptedOut) => acc,
                    _ => Some(k),
                });
            let answered = matches!(answer, Some(StepKind::Acknowledged | StepKind::OptedOut));
            AgencyAnswer {
                agency: org(a.agency_id),
                affected: a.affected,
                answer,
                ack_due: day(ack_due),
                overdue: a.affected && !answered && !s.status.is_final() && today > ack_due,
            }
        })
        .collect();
    let mut allowed = Allowed::default();
    if may_write {
        let me = r.viewer();
        let party = match r.viewer_kind() {
            OrgKind::Csp if n.csp_id == me => Some(Party::Csp),
            OrgKind::Agency => Some(Party::Agency {
                affected: agencies.iter().any(|a| a.agency_id == me && a.affected),
                answered: rules::has_answered(&s.facts, me),
            }),
            OrgKind::Regulator => {
                Some(Party::Regulator { decider: s.audience.deciders.contains(&me), decided: rules::decision_on(&s.facts, me, n.revision).is_some() })
            }
            _ => None,
        };
        if let Some(party) = party {
            let sit = Situation {
                status: s.status,
                requires_approval: n.requires_approval,
                emergency: n.emergency,
                opt_out_offered: n.opt_out_offered,
                all_approved: s.progress.all_approved(),
            };
            allowed.actions = Action::ALL.iter().copied().filter(|a| rules::check(*a, party, &sit).is_ok()).collect();
            if party == Party::Csp && !s.status.is_final() {
                allowed.attach.push(FilePurpose::Attachment);
                if s.status == NoticeStatus::Implemented {
                    allowed.attach.push(FilePurpose::Assessment);
                }
            }
        }
    }
    let step_views = steps
        .iter()
        .map(|st| StepView {
            kind: StepKind::parse(&st.kind).unwrap_or(StepKind::Submitted),
            revision: st.revision,
            organisation: org(st.organisation_id),
            person: st.person_id.map(|p| people.get(&p).cloned().unwrap_or_default()),
            at: shown(st.at, zone),
            body: st.body.clone(),
            actual: st.actual_start.zip(st.actual_end).map(|(a, b)| (shown(a, zone), shown(b, zone))),
            verified_on: st.verified_on.map(day),
            file: st.file_id.and_then(|f| files.iter().find(|x| x.id == f)).map(file_view),
        })
        .collect();
    let p = &s.progress;
    let c = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    let awaiting = allowed.actions.iter().any(|a| matches!(a, Action::Acknowledge | Action::Approve));
    let csp_name = orgs.get(&n.csp_id).cloned().unwrap_or_default();
    Ok(NoticeDetail {
        notice: row(&n, &csp_name, awaiting, flagged, zone),
        requires_approval: n.requires_approval,
        opt_out_offered: n.opt_out_offered,
        counts: Counts {
            affected: c(p.affected),
            acknowledged: c(p.acknowledged),
            concerns: c(p.concerns),
            opted_out: c(p.opted_out),
            questions: c(p.questions),
            deciders: c(p.deciders),
            approved: c(p.approved),
            rejected: c(p.rejected),
            info_requested: c(p.info_requested),
            percent: p.percent(),
        },
        deadlines: deadlines
            .iter()
            .map(|d| DeadlineView { kind: d.kind, due: due_text(d.due, zone), state: d.state, met: d.met.map(|m| shown(m, zone)) })
            .collect(),
        current,
        changed,
        revisions: revision_views,
        agencies: answers,
        steps: step_views,
        files: files.iter().map(file_view).collect(),
        actual: n.actual_start.zip(n.actual_end).map(|(a, b)| (shown(a, zone), shown(b, zone))),
        allowed,
    })
}

/// The most windows a month's calendar shows (soonest first); a regulator's busiest month has
/// far fewer.
pub const CALENDAR_ITEMS: u64 = 400;

/// The planned windows in reach that overlap a month (`YYYY-MM`; empty: this month in the
/// viewer's zone), on a grid that marks the working calendar's rest days.
pub async fn planned_month(db: &DatabaseConnection, r: &ChangeReader, month: &str, zone: &str, now: OffsetDateTime) -> ServiceResult<crate::changes::PlannedMonth> {
    use crate::changes::{CalendarDay, PlannedItem, PlannedMonth};
    use time::Date;
    let today = time_fmt::date_in_zone(now, zone);
    let first = match month.trim() {
        "" => today.replace_day(1).map_err(|e| ServiceError::Internal(e.to_string()))?,
        m => rules::month_start(m).ok_or_else(|| ServiceError::invalid("month", Msg::ChErrMonth))?,
    };
    let days_in = first.month().length(first.year());
    let next_first = first.replace_day(days_in).map_err(|e| ServiceError::Internal(e.to_string()))?.next_day().ok_or(ServiceError::Internal("the calendar's end".into()))?;
    let prev_first = first.previous_day().and_then(|d| d.replace_day(1).ok()).ok_or(ServiceError::Internal("the calendar's start".into()))?;
    let (from, until) = (time_fmt::start_of_day_in_zone(first, zone), time_fmt::start_of_day_in_zone(next_first, zone));
    let q = r
        .notices()
        .filter(notice::Column::Status.ne(NoticeStatus::Cancelled.code()))
        .filter(notice::Column::PlannedStart.lt(until))
        .filter(notice::Column::PlannedEnd.gte(from));
    let total = q.clone().count(db).await?;
    let rows = q.order_by_asc(notice::Column::PlannedStart).order_by_asc(notice::Column::Id).limit(CALENDAR_ITEMS).all(db).await?;
    let names = org_names(db, rows.iter().map(|n| n.csp_id).collect::<Vec<_>>()).await?;
    let cal = super::work_calendar(db).await?;
    let day_of = |at: OffsetDateTime| time_fmt::date_in_zone(at, zone);
    let items = rows
        .iter()
        .map(|n| PlannedItem {
            id: n.id,
            title: n.title.clone(),
            csp: names.get(&n.csp_id).cloned().unwrap_or_default(),
            status: NoticeStatus::parse(&n.status).unwrap_or(NoticeStatus::InReview),
            change_type: ChangeType::parse(&n.change_type).unwrap_or(ChangeType::Adaptive),
            emergency: n.emergency,
            start: shown(n.planned_start, zone),
            end: shown(n.planned_end, zone),
            first_day: if day_of(n.planned_start) < first { 1 } else { day_of(n.planned_start).day() },
            last_day: if day_of(n.planned_end) >= next_first { days_in } else { day_of(n.planned_end).day() },
        })
        .collect::<Vec<_>>();
    let days = (1..=days_in)
        .filter_map(|d| first.replace_day(d).ok())
        .map(|d| CalendarDay { day: d.day(), rest: !cal.is_business_day(d), today: d == today })
        .collect();
    let ym = |d: Date| format!("{:04}-{:02}", d.year(), d.month() as u8);
    Ok(PlannedMonth {
        month: ym(first),
        prev: ym(prev_first),
        next: ym(next_first),
        lead: first.weekday().number_days_from_monday(),
        days,
        more: total.saturating_sub(items.len() as u64),
        items,
    })
}
