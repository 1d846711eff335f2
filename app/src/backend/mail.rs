//! The mail outbox: mails are written in the same transaction as the change they tell of, and a
//! background sender (server/src/mail.rs) claims, sends, retries with backoff, or gives up.
use sea_orm::{
    sea_query::{LockBehavior, LockType},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{db::write_txn, entity::outbox, policy::OutboxReader, time_fmt::format_in_zone, ServiceResult};
use crate::{
    i18n::Locale,
    reports::ReportKind,
    tenancy::{
        entity::{person, person_role},
        DeadLetterRow, EngagementRole, OutboxView, Role,
    },
};

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

/// What a mail says; rendered in the recipient's language.
#[derive(Clone, Debug, PartialEq)]
pub enum Template {
    EngagementInvited {
        agency: String,
        role: EngagementRole,
    },
    EngagementAnswered {
        provider: String,
        accepted: bool,
    },
    EngagementEnded {
        by: String,
        other: String,
    },
    PersonInvited {
        organisation: String,
        link: String,
        expires: String,
    },
    PasswordChanged {
        at: String,
    },
    ReportSubmitted {
        submitter: String,
        kind: ReportKind,
        period: String,
        version: i32,
    },
    ReportReturned {
        receiver: String,
        kind: ReportKind,
        period: String,
        comment: String,
    },
    ReportReminder {
        receiver: String,
        kind: ReportKind,
        period: String,
        due: String,
        overdue: bool,
    },
}

impl Template {
    pub fn render(&self, locale: Locale) -> (String, String) {
        let zh = locale == Locale::Zh;
        match self {
            Template::EngagementInvited { agency, role } => {
                let role = role.label().text(locale);
                if zh {
                    (
                        format!("{agency} 邀请贵单位作为{role}提供服务"),
                        format!("{agency} 在政务网站云服务监管平台上邀请贵单位作为“{role}”提供服务。\n请登录平台，在“服务合作”页面接受或拒绝。\n"),
                    )
                } else {
                    (
                        format!("{agency} invites you to serve as {role}"),
                        format!("{agency} has invited your organisation to serve as {role} on the supervision portal.\nSign in and open Engagements to accept or decline.\n"),
                    )
                }
            }
            Template::EngagementAnswered { provider, accepted } => match (zh, accepted) {
                (true, true) => (
                    format!("{provider} 已接受合作邀请"),
                    format!("{provider} 已接受贵单位的服务合作邀请，合作现已生效。\n"),
                ),
                (true, false) => (
                    format!("{provider} 拒绝了合作邀请"),
                    format!("{provider} 拒绝了贵单位的服务合作邀请。\n"),
                ),
                (false, true) => (
                    format!("{provider} accepted your invitation"),
                    format!("{provider} accepted your engagement invitation; the engagement is now active.\n"),
                ),
                (false, false) => (
                    format!("{provider} declined your invitation"),
                    format!("{provider} declined your engagement invitation.\n"),
                ),
            },
            Template::EngagementEnded { by, other } => {
                if zh {
                    (
                        format!("{by} 终止了与 {other} 的服务合作"),
                        format!("{by} 已终止与 {other} 的服务合作。该合作涉及的网站数据不再对服务商开放。\n"),
                    )
                } else {
                    (format!("{by} ended the engagement with {other}"), format!("{by} ended its engagement with {other}. The provider no longer sees the websites it covered.\n"))
                }
            }
            Template::PersonInvited {
                organisation,
                link,
                expires,
            } => {
                if zh {
                    (
                        format!("邀请您加入 {organisation}（政务网站云服务监管平台）"),
                        format!("{organisation} 邀请您使用政务网站云服务监管平台。\n请在 {expires} 前打开以下链接设置密码：\n{link}\n如果您不认识该单位，请忽略本邮件。\n"),
                    )
                } else {
                    (
                        format!("You are invited to join {organisation} on the supervision portal"),
                        format!("{organisation} invites you to the supervision portal for government websites.\nOpen this link before {expires} to set your password:\n{link}\nIf you do not know this organisation, ignore this mail.\n"),
                    )
                }
            }
            Template::ReportSubmitted {
                submitter,
                kind,
                period,
                version,
            } => {
                let kind = kind.label().text(locale);
                if zh {
                    (
                        format!("{submitter} 提交了{kind}（{period}）"),
                        format!("{submitter} 提交了{kind}，报告期 {period}，第 {version} 版。\n请登录平台，在“定期报告”页面审阅并接受或退回。\n"),
                    )
                } else {
                    (
                        format!("{submitter} submitted a {kind} for {period}"),
                        format!("{submitter} submitted a {kind} for {period} (version {version}).\nSign in and open Reports to accept it or return it with comments.\n"),
                    )
                }
            }
            Template::ReportReturned {
                receiver,
                kind,
                period,
                comment,
            } => {
                let kind = kind.label().text(locale);
                if zh {
                    (
                        format!("{receiver} 退回了{kind}（{period}）"),
                        format!("{receiver} 退回了贵单位的{kind}（报告期 {period}），意见如下：\n\n{comment}\n\n请修改后在“定期报告”页面重新提交。\n"),
                    )
                } else {
                    (
                        format!("{receiver} returned your {kind} for {period}"),
                        format!("{receiver} returned your {kind} for {period} with these comments:\n\n{comment}\n\nPlease submit a new version from Reports.\n"),
                    )
                }
            }
            Template::ReportReminder {
                receiver,
                kind,
                period,
                due,
                overdue,
            } => {
                let kind = kind.label().text(locale);
                match (zh, overdue) {
                    (true, false) => (
                        format!("提醒：{kind}（{period}）将于 {due} 到期"),
                        format!("贵单位应向 {receiver} 提交的{kind}（报告期 {period}）将于 {due} 到期，尚未提交。\n"),
                    ),
                    (true, true) => (
                        format!("逾期：{kind}（{period}）已于 {due} 到期"),
                        format!("贵单位应向 {receiver} 提交的{kind}（报告期 {period}）已于 {due} 到期，至今未提交，请尽快提交。\n"),
                    ),
                    (false, false) => (
                        format!("Reminder: {kind} for {period} is due on {due}"),
                        format!("Your {kind} for {period}, owed to {receiver}, is due on {due} and has not been submitted yet.\n"),
                    ),
                    (false, true) => (
                        format!("Overdue: {kind} for {period} was due on {due}"),
                        format!("Your {kind} for {period}, owed to {receiver}, was due on {due} and has not been submitted. Please submit it as soon as possible.\n"),
                    ),
                }
            }
            Template::PasswordChanged { at } => {
                if zh {
                    ("您的密码已修改".into(), format!("您在政务网站云服务监管平台的密码已于 {at} 修改。\n如果不是您本人操作，请立即联系本单位管理员。\n"))
                } else {
                    ("Your password was changed".into(), format!("Your password on the supervision portal was changed at {at}.\nIf this was not you, contact your organisation's administrator at once.\n"))
                }
            }
        }
    }
}

/// Queues one mail (call inside the transaction of the change it tells of).
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    to: &str,
    locale: Locale,
    template: &Template,
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

/// Queues the mail to every active administrator of an organisation, each in its own language.
pub async fn notify_admins<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    organisation_id: Uuid,
    template: Template,
) -> ServiceResult<()> {
    let admins = person::Entity::find()
        .filter(person::Column::OrganisationId.eq(organisation_id))
        .filter(person::Column::Active.eq(true))
        .filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person_role::Column::PersonId)
                    .from(person_role::Entity)
                    .and_where(person_role::Column::Role.eq(Role::OrgAdmin.code()))
                    .to_owned(),
            ),
        )
        .all(conn)
        .await?;
    for a in admins {
        let locale = a.locale.as_deref().and_then(Locale::parse).unwrap_or_default();
        enqueue(conn, now, &a.email, locale, &template).await?;
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
        .filter(
            Condition::any()
                .add(outbox::Column::ClaimedUntil.is_null())
                .add(outbox::Column::ClaimedUntil.lt(now)),
        )
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

/// The outbox at a glance: counts by state, and the newest 200 dead letters.
pub async fn outbox_state(db: &DatabaseConnection, _cap: &OutboxReader, time_zone: &str) -> ServiceResult<OutboxView> {
    let count = |status: &'static str| {
        outbox::Entity::find()
            .filter(outbox::Column::Status.eq(status))
            .count(db)
    };
    let pending = count(PENDING).await?;
    let sent = count(SENT).await?;
    let dead = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(DEAD))
        .order_by_desc(outbox::Column::CreatedAt)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(|m| DeadLetterRow {
            to: m.to_addr,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
            created_at: format_in_zone(m.created_at, time_zone),
        })
        .collect();
    Ok(OutboxView { pending, sent, dead })
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

    #[test]
    fn templates_render_in_both_languages() {
        let t = Template::EngagementInvited {
            agency: "示范局".into(),
            role: EngagementRole::Csp,
        };
        let (zh, _) = t.render(Locale::Zh);
        let (en, body) = t.render(Locale::En);
        assert!(zh.contains("云服务商"), "{zh}");
        assert!(en.contains("Cloud service provider"), "{en}");
        assert!(body.contains("Engagements"));
        let link = Template::PersonInvited {
            organisation: "X".into(),
            link: "http://x/invite/abc".into(),
            expires: "2026-12-01 10:00".into(),
        };
        assert!(link.render(Locale::Zh).1.contains("http://x/invite/abc"));
    }
}
