//! The mail outbox: mails are written in the same transaction as the change they tell of, and a
//! background sender (server/src/mail.rs) claims, sends, retries with backoff, or gives up.
use sea_orm::{
    sea_query::{LockBehavior, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{db::write_txn, entity::outbox, ServiceResult};
use crate::i18n::Locale;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";
/// Attempts before a mail is given up on and shown to the platform administrator.
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait before the next attempt after `attempts` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 30) - 1;
    let minutes = 1i64.checked_shl(exp as u32).unwrap_or(i64::MAX).min(360);
    Duration::minutes(minutes)
}

/// What a module's mail says, rendered in the recipient's language: (subject, body). Each module
/// keeps its own templates (`<module>/mail.rs`).
pub trait MailTemplate: Send + Sync {
    fn render(&self, locale: Locale) -> (String, String);
}

/// Someone to write to, in their language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub email: String,
    pub locale: Locale,
}

/// Queues one mail (call inside the transaction of the change it tells of).
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    to: &str,
    locale: Locale,
    template: &dyn MailTemplate,
) -> ServiceResult<()> {
    let (subject, body) = template.render(locale);
    outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        to_addr: Set(to.to_string()),
        subject: Set(subject.chars().take(300).collect()),
        body: Set(body),
        status: Set(PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Queues the mail to each recipient once, each in its own language.
pub async fn enqueue_each<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    recipients: &[Recipient],
    template: &dyn MailTemplate,
) -> ServiceResult<()> {
    let mut seen = std::collections::HashSet::new();
    for r in recipients {
        if seen.insert(r.email.as_str()) {
            enqueue(conn, now, &r.email, r.locale, template).await?;
        }
    }
    Ok(())
}

/// Claims up to `limit` due mails for `lease`: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
/// two senders never take the same mail; the lease keeps it theirs while they send.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    limit: u64,
    lease: Duration,
) -> ServiceResult<Vec<outbox::Model>> {
    let txn = write_txn(db).await?;
    let mut query = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(PENDING))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now)))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = query.all(&txn).await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let mut am = row.into_active_model();
        am.claimed_until = Set(Some(now + lease));
        claimed.push(am.update(&txn).await?);
    }
    txn.commit().await?;
    Ok(claimed)
}

pub async fn mark_sent(db: &DatabaseConnection, id: Uuid, now: OffsetDateTime) -> ServiceResult<()> {
    if let Some(row) = outbox::Entity::find_by_id(id).one(db).await? {
        let mut am = row.into_active_model();
        am.status = Set(SENT.into());
        am.sent_at = Set(Some(now));
        // The outbox is a queue, not an archive: a sent mail's body (an invitation's one-time
        // link among them) is not kept.
        am.body = Set(String::new());
        am.claimed_until = Set(None);
        am.attempts = Set(am.attempts.as_ref() + 1);
        am.update(db).await?;
    }
    Ok(())
}

/// Records a failed attempt: retried after a growing wait, or dead after [`MAX_ATTEMPTS`].
pub async fn mark_failed(db: &DatabaseConnection, id: Uuid, now: OffsetDateTime, error: &str) -> ServiceResult<()> {
    if let Some(row) = outbox::Entity::find_by_id(id).one(db).await? {
        let attempts = row.attempts + 1;
        let mut am = row.into_active_model();
        am.attempts = Set(attempts);
        am.last_error = Set(Some(error.chars().take(1000).collect()));
        am.claimed_until = Set(None);
        if attempts >= MAX_ATTEMPTS {
            am.status = Set(DEAD.into());
            // Never to be sent: its body (which may hold a one-time link) goes.
            am.body = Set(String::new());
        } else {
            am.next_attempt_at = Set(now + backoff(attempts));
        }
        am.update(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(5), Duration::minutes(16));
        assert_eq!(backoff(9), Duration::minutes(256));
        assert_eq!(backoff(10), Duration::minutes(360));
        assert_eq!(backoff(1000), Duration::minutes(360));
        assert_eq!(backoff(0), Duration::minutes(1));
    }
}
