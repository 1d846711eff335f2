//! Reminders of what is overdue on open exits, through the outbox: a plan step past its day to
//! its owner's officers, and an exit past its target date to both parties' — on the first day
//! overdue and each week after, never twice a day (the reminder table's key holds it across
//! instances).
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::*;
use crate::{
    backend::{db::write_txn, time_fmt},
    exit::{
        entity::reminder,
        scope::for_job::{open_exits, steps_of},
        Side,
    },
};

/// Open exits looked at per run.
pub const EXIT_REMINDER_BATCH: u64 = 500;

/// Whether a thing overdue since `due` is reminded on `today`: its first day overdue, then weekly.
pub fn reminds_on(due: time::Date, today: time::Date) -> bool {
    let late = (today - due).whole_days();
    late >= 1 && (late - 1) % 7 == 0
}

/// Sends the reminders due today; returns how many were sent.
pub async fn remind_exits(db: &DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<usize> {
    let today = time_fmt::date_in_zone(now, time_fmt::DEFAULT_TIME_ZONE);
    let exits = open_exits().order_by_asc(exit::Column::TargetDate).limit(EXIT_REMINDER_BATCH).all(db).await?;
    if exits.is_empty() {
        return Ok(0);
    }
    let steps = steps_of(exits.iter().map(|e| e.id).collect()).all(db).await?;
    let mut sent = 0;
    for e in &exits {
        let mut due: Vec<(Uuid, Vec<Uuid>, ExitMailKind, String)> = Vec::new();
        if reminds_on(e.target_date, today) {
            due.push((e.id, vec![e.agency_id, e.provider_id], ExitMailKind::Overdue, e.target_date.to_string()));
        }
        for s in steps.iter().filter(|s| s.exit_id == e.id && s.done_at.is_none() && reminds_on(s.due_on, today)) {
            let to = if s.owner == Side::Agency.code() { e.agency_id } else { e.provider_id };
            due.push((s.id, vec![to], ExitMailKind::StepOverdue, format!("{} ({})", s.title, s.due_on)));
        }
        for (subject, to, kind, detail) in due {
            let txn = write_txn(db).await?;
            // The key (subject, day) refuses a second reminder: another instance sent it already.
            let claimed = reminder::Entity::insert(reminder::ActiveModel {
                subject_id: Set(subject),
                day: Set(today),
                exit_id: Set(e.id),
                sent_at: Set(now),
            })
            .on_conflict(
                sea_orm::sea_query::OnConflict::columns([reminder::Column::SubjectId, reminder::Column::Day]).do_nothing().to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if claimed == 0 {
                continue;
            }
            for org in to {
                tell(&txn, e, org, kind, detail.clone(), now, link_base).await?;
            }
            txn.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_come_the_first_day_overdue_then_weekly() {
        let d = |n: i64| time::macros::date!(2026 - 12 - 01) + time::Duration::days(n);
        let due = d(0);
        let days: Vec<i64> = (0..20).filter(|n| reminds_on(due, d(*n))).collect();
        assert_eq!(days, vec![1, 8, 15]);
    }
}
