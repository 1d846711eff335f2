//! Reading exits: the list in reach (filtered by status or overdue, paged, the same rows for the
//! CSV), one exit whole with what the viewer may do next, and the agency's engagements it may
//! open an exit on.
use std::collections::HashMap;

use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ColumnTrait, Condition, ConnectionTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::Date;
use uuid::Uuid;

use super::*;
use crate::{
    backend::{time_fmt::format_in_zone, ServiceError},
    domain::EngagementRole,
    exit::{
        entity::{exit, item, step},
        rules::Party,
        scope::{ExitReader, ExitWriter},
        CheckedHow, ExitAction, ExitDetail, ExitFilter, ExitReason, ExitRow, ItemKind, ItemView, Named, Openable,
        Sensitivity, Side, StepView, PAGE_ROWS,
    },
    tenancy::{entity::organisation, scope::org_names},
};

/// The condition the filter adds: a status (`open`: every one not final), overdue only.
fn filter_condition(filter: &ExitFilter, today: Date) -> ServiceResult<Condition> {
    let mut c = Condition::all();
    match filter.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {}
        Some("open") => c = c.add(exit::Column::OpenEngagementId.is_not_null()),
        Some(s) => {
            let st = ExitStatus::parse(s).ok_or_else(|| ServiceError::invalid("status", Msg::ErrChoose))?;
            c = c.add(exit::Column::Status.eq(st.code()));
        }
    }
    if filter.overdue {
        let late_step = Query::select()
            .expr(Expr::val(1))
            .from(step::Entity)
            .and_where(Expr::col((step::Entity, step::Column::ExitId)).equals((exit::Entity, exit::Column::Id)))
            .and_where(Expr::col((step::Entity, step::Column::DoneAt)).is_null())
            .and_where(Expr::col((step::Entity, step::Column::DueOn)).lt(today))
            .to_owned();
        c = c.add(exit::Column::OpenEngagementId.is_not_null()).add(
            Condition::any().add(exit::Column::TargetDate.lt(today)).add(Expr::exists(late_step)),
        );
    }
    Ok(c)
}

/// The rows of the exits given, in their order, with names, counts and the overdue flag.
async fn rows_of<C: ConnectionTrait>(db: &C, r: &ExitReader, exits: Vec<exit::Model>, zone: &str, today: Date) -> ServiceResult<Vec<ExitRow>> {
    let ids: Vec<Uuid> = exits.iter().map(|e| e.id).collect();
    let items = r.all_items().filter(item::Column::ExitId.is_in(ids.clone())).all(db).await?;
    let late: Vec<Uuid> = r
        .all_steps()
        .filter(step::Column::ExitId.is_in(ids))
        .filter(step::Column::DoneAt.is_null())
        .filter(step::Column::DueOn.lt(today))
        .select_only()
        .column(step::Column::ExitId)
        .into_tuple()
        .all(db)
        .await?;
    let names = org_names(db, exits.iter().flat_map(|e| [e.agency_id, e.provider_id])).await?;
    let mut counts: HashMap<Uuid, (u32, u32, u32)> = HashMap::new();
    for i in &items {
        let c = counts.entry(i.exit_id).or_default();
        c.0 += 1;
        c.1 += u32::from(i.verification == Verification::Verified.code());
        c.2 += u32::from(i.verification == Verification::Mismatch.code());
    }
    let named = |id: Uuid| Named { id, name: names.get(&id).cloned().unwrap_or_default() };
    Ok(exits
        .into_iter()
        .map(|e| {
            let status = ExitStatus::parse(&e.status).unwrap_or(ExitStatus::Planning);
            let (items, verified, mismatched) = counts.get(&e.id).copied().unwrap_or_default();
            ExitRow {
                id: e.id,
                agency: named(e.agency_id),
                provider: named(e.provider_id),
                status,
                reason: ExitReason::parse(&e.reason).unwrap_or(ExitReason::Other),
                target_date: e.target_date.to_string(),
                opened_at: format_in_zone(e.opened_at, zone),
                overdue: rules::exit_overdue(status, e.target_date, today) || (!status.is_final() && late.contains(&e.id)),
                items,
                verified,
                mismatched,
            }
        })
        .collect())
}

/// The exits in reach for the filter: one page, or (`page: None`) every row, for the CSV.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    r: &ExitReader,
    filter: &ExitFilter,
    zone: &str,
    today: Date,
    whole: bool,
) -> ServiceResult<(Vec<ExitRow>, u64, u64)> {
    let q = r
        .exits()
        .filter(filter_condition(filter, today)?)
        .order_by_desc(exit::Column::OpenedAt)
        .order_by_desc(exit::Column::Id);
    let total = q.clone().count(db).await?;
    let page = Ord::max(filter.page.unwrap_or(1), 1);
    let exits = if whole { q.all(db).await? } else { q.offset((page - 1) * PAGE_ROWS).limit(PAGE_ROWS).all(db).await? };
    Ok((rows_of(db, r, exits, zone, today).await?, total, page))
}

/// The agency's engagements it may open an exit on (none for anyone else).
pub async fn openable<C: ConnectionTrait>(db: &C, w: &ExitWriter) -> ServiceResult<Vec<Openable>> {
    use crate::tenancy::entity::engagement;
    let open: Vec<Uuid> = w
        .reader()
        .exits()
        .filter(exit::Column::OpenEngagementId.is_not_null())
        .select_only()
        .column(exit::Column::EngagementId)
        .into_tuple()
        .all(db)
        .await?;
    let rows = w.openable().filter(engagement::Column::Id.is_not_in(open)).order_by_asc(engagement::Column::EndsOn).all(db).await?;
    let names = org_names(db, rows.iter().map(|e| e.provider_id)).await?;
    Ok(rows
        .into_iter()
        .map(|e| Openable {
            engagement_id: e.id,
            provider: names.get(&e.provider_id).cloned().unwrap_or_default(),
            role: EngagementRole::parse(&e.role).map(|r| r.code().to_string()).unwrap_or_default(),
            ends_on: e.ends_on.to_string(),
        })
        .collect())
}

/// One exit whole, as the reader may see it; `w` is the viewer's writer when it has one.
pub async fn detail<C: ConnectionTrait>(
    db: &C,
    r: &ExitReader,
    w: Option<&ExitWriter>,
    id: Uuid,
    zone: &str,
    today: Date,
) -> ServiceResult<ExitDetail> {
    let e = r.exit(id).one(db).await?.ok_or(ServiceError::NotFound)?;
    let (steps, items) = parts(db, r, id).await?;
    let facts = facts_of(&e, &steps, &items);
    let status = rules::status(&facts);
    // Only a writer acts; a regulator or a read-only role sees the same page without controls.
    let party = w.and_then(|w| w.reader().party(&e));
    let may = party.map(|p| rules::allowed(&facts, p)).unwrap_or_default();
    let names = org_names(db, [Some(e.agency_id), Some(e.provider_id), e.assessor_id].into_iter().flatten()).await?;
    let named = |id: Uuid| Named { id, name: names.get(&id).cloned().unwrap_or_default() };
    let at = |t: Option<time::OffsetDateTime>| t.map(|t| format_in_zone(t, zone));
    let step_side = party.and_then(rules::side_of);
    let assessor_choices = match (w, party) {
        (Some(w), Some(Party::Agency)) if may.contains(&ExitAction::SetAssessor) => w
            .assessors(e.agency_id)
            .order_by_asc(organisation::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|o| Named { id: o.id, name: o.name })
            .collect(),
        _ => Vec::new(),
    };
    Ok(ExitDetail {
        id: e.id,
        engagement_id: e.engagement_id,
        agency: named(e.agency_id),
        provider: named(e.provider_id),
        assessor: e.assessor_id.map(named),
        status,
        reason: ExitReason::parse(&e.reason).unwrap_or(ExitReason::Other),
        reason_text: e.reason_text.clone(),
        target_date: e.target_date.to_string(),
        new_provider: e.new_provider.clone(),
        opened_at: format_in_zone(e.opened_at, zone),
        overdue: rules::exit_overdue(status, e.target_date, today),
        plan_agreed_agency: at(e.plan_agreed_agency_at),
        plan_agreed_provider: at(e.plan_agreed_provider_at),
        steps: steps
            .iter()
            .map(|s| {
                let owner = Side::parse(&s.owner).unwrap_or(Side::Agency);
                StepView {
                    id: s.id,
                    title: s.title.clone(),
                    owner,
                    due_on: s.due_on.to_string(),
                    done_at: at(s.done_at),
                    overdue: !status.is_final() && rules::step_overdue(s.due_on, s.done_at.is_some(), today),
                    may_mark: s.done_at.is_none() && step_side == Some(owner) && may.contains(&ExitAction::StepDone),
                }
            })
            .collect(),
        items: items
            .iter()
            .map(|i| ItemView {
                id: i.id,
                kind: ItemKind::parse(&i.kind).unwrap_or(ItemKind::Other),
                name: i.name.clone(),
                description: i.description.clone(),
                format: i.format.clone(),
                size_bytes: i.size_bytes,
                sha256: i.sha256.clone(),
                sensitivity: Sensitivity::parse(&i.sensitivity).unwrap_or(Sensitivity::General),
                medium: i.medium.clone(),
                file_name: i.file_name.clone(),
                file_size: i.file_size,
                file_differs: i.file_sha256.as_ref().is_some_and(|f| *f != i.sha256),
                verification: Verification::parse(&i.verification).unwrap_or(Verification::Pending),
                checked_sha256: i.checked_sha256.clone(),
                checked_how: i.checked_how.as_deref().and_then(CheckedHow::parse),
                checked_at: at(i.checked_at),
            })
            .collect(),
        deletion_plan: e.deletion_plan.clone(),
        deletion_plan_at: at(e.deletion_plan_at),
        data_deleted_on: e.data_deleted_on.map(|d| d.to_string()),
        backups_deleted_on: e.backups_deleted_on.map(|d| d.to_string()),
        deletion_note: e.deletion_note.clone(),
        deletion_confirmed_at: at(e.deletion_confirmed_at),
        signed_off_at: at(e.signed_off_at),
        sign_off_note: e.sign_off_note.clone(),
        completed_at: at(e.completed_at),
        cancelled_at: at(e.cancelled_at),
        closing_reason: e.closing_reason.clone(),
        party,
        may,
        blockers: if status.is_final() { Vec::new() } else { rules::blockers(&facts) },
        assessor_choices,
    })
}

/// An item's file for its download, through the reader's reach: (name, media type, size, hash).
pub async fn item_file<C: ConnectionTrait>(db: &C, r: &ExitReader, item_id: Uuid) -> ServiceResult<(String, String, i64, String)> {
    let i = r.item(item_id).one(db).await?.ok_or(ServiceError::NotFound)?;
    match (i.file_sha256, i.file_name) {
        (Some(sha), Some(name)) => Ok((name, i.file_type.unwrap_or_else(|| "application/octet-stream".into()), i.file_size, sha)),
        _ => Err(ServiceError::NotFound),
    }
}

/// What the regulator's oversight reads of exits: each agency's exits in progress and how many
/// of them are overdue (past their target date or with a late step), by the list's own filters.
pub async fn oversight_exits<C: ConnectionTrait>(db: &C, r: &ExitReader, today: Date) -> ServiceResult<HashMap<Uuid, (u32, u32)>> {
    let count = |overdue: bool| {
        let filter = ExitFilter { status: Some("open".into()), overdue, page: None };
        async move {
            let rows: Vec<(Uuid, i64)> = r
                .exits()
                .filter(filter_condition(&filter, today)?)
                .select_only()
                .column(exit::Column::AgencyId)
                .column_as(exit::Column::Id.count(), "n")
                .group_by(exit::Column::AgencyId)
                .into_tuple()
                .all(db)
                .await?;
            ServiceResult::Ok(rows)
        }
    };
    let mut out: HashMap<Uuid, (u32, u32)> = HashMap::new();
    for (a, n) in count(false).await? {
        out.entry(a).or_default().0 = n as u32;
    }
    for (a, n) in count(true).await? {
        out.entry(a).or_default().1 = n as u32;
    }
    Ok(out)
}
