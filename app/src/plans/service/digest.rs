//! Each agency's weekly digest of emergency response (Dispatch's reminders and evergreen digest to
//! owners): drill categories overdue and coming due, plans past their review, follow-up actions
//! overdue or due within the week — mailed on Monday morning to the agency's administrators and
//! security officers, once a week however many instances run the job, and only when there is
//! something to say.
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::{Duration, OffsetDateTime};

use super::*;
use crate::{
    backend::db::write_txn,
    domain::Role,
    plans::{
        entity::{action, digest, plan},
        mail::DigestMail,
        rules,
        scope::{agencies_due_digest, ErReader},
        DueState,
    },
    tenancy::entity::organisation,
};

/// Agencies handled per run of the job: a full batch runs again at once.
pub const DIGEST_BATCH: u64 = 100;

/// The follow-up actions a digest lists at most.
const DIGEST_ACTIONS: u64 = 20;

/// Sends the week's digest to the next agencies that have not had it (see [`rules::digest_week`]),
/// marking each as sent in the same transaction as its mail. Returns how many agencies were handled.
pub async fn send_digests(db: &DatabaseConnection, now: OffsetDateTime, zone: &str, link_base: &str) -> ServiceResult<usize> {
    let local = time_fmt::local_in_zone(now, zone);
    let week = rules::digest_week(local);
    let today = local.date();
    let agencies = agencies_due_digest(week)
        .filter(organisation::Column::Active.eq(true))
        .order_by_asc(organisation::Column::Id)
        .limit(DIGEST_BATCH)
        .all(db)
        .await?;
    for a in &agencies {
        let mail = digest_of(db, a, today, zone, link_base).await?;
        let txn = write_txn(db).await?;
        digest::Entity::insert(digest::ActiveModel { agency_id: Set(a.id), week_of: Set(week), sent_at: Set(now) })
            .on_conflict(OnConflict::column(digest::Column::AgencyId).update_columns([digest::Column::WeekOf, digest::Column::SentAt]).to_owned())
            .exec(&txn)
            .await?;
        if !mail.is_empty() {
            let people = crate::tenancy::scope::people_holding(&txn, a.id, &[Role::OrgAdmin, Role::SecurityOfficer]).await?;
            crate::backend::mail::enqueue_each(&txn, now, &crate::tenancy::service::recipients(&people), &mail).await?;
        }
        // Nothing a page shows changed: no data epoch.
        txn.commit().await?;
    }
    Ok(agencies.len())
}

/// What one agency's digest says as of `today`.
async fn digest_of(db: &DatabaseConnection, a: &organisation::Model, today: time::Date, zone: &str, link_base: &str) -> ServiceResult<DigestMail> {
    let reader = ErReader::for_agency_digest(a.id);
    let (grid, _) = grid(db, &reader, a.id, today).await?;
    let plans = reader.plans().order_by_asc(plan::Column::Title).all(db).await?;
    let plans = plan_rows(db, &reader, plans, today, zone).await?;
    let actions = reader
        .actions()
        .filter(action::Column::ClosedAt.is_null())
        .filter(action::Column::DueOn.lt(today + Duration::days(7)))
        .order_by_asc(action::Column::DueOn)
        .limit(DIGEST_ACTIONS)
        .all(db)
        .await?;
    let actions = action_rows(db, actions, today, zone, |_| false).await?;
    Ok(DigestMail {
        agency: a.name.clone(),
        drills_overdue: grid.iter().filter(|c| c.state.is_overdue()).map(|c| c.category).collect(),
        drills_due: grid
            .iter()
            .filter(|c| c.state == DueState::DueSoon)
            .map(|c| (c.category, c.next_due.clone().unwrap_or_default()))
            .collect(),
        plans_past_review: plans.into_iter().filter(|p| p.review.is_overdue()).map(|p| p.title).collect(),
        actions: actions.into_iter().map(|r| (r.title, r.owner.name, r.due_on, r.overdue)).collect(),
        link: format!("{}/emergency", link_base.trim_end_matches('/')),
    })
}
