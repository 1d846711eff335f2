//! Each sign-in's session as the person sees it: opened at sign-in (with the new-place alert),
//! seen at most once a minute, listed on the security page, ended by the person, an
//! administrator, a password change or reset, a sign-out, or its expiry.
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, UpdateMany,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    entity::person_session,
    rules::{browser_of, network_of, new_place, NEW_PLACE_WINDOW, SESSION_ABSOLUTE, SESSION_IDLE},
    scope, SecurityView, SessionRow, SignInRow,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::{Acting, Actor},
        db::write_txn,
        epoch,
        request::RequestMeta,
        time_fmt::format_in_zone,
        ServiceError, ServiceResult,
    },
    i18n::Locale,
    tenancy::entity::person,
};

/// Why a session ended, as the row keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    SignedOut,
    /// By the person, from its security page.
    Ended,
    EndedByAdmin,
    PasswordChanged,
    PasswordReset,
    Deactivated,
    Expired,
}

impl EndReason {
    pub fn code(self) -> &'static str {
        match self {
            EndReason::SignedOut => "signed_out",
            EndReason::Ended => "ended",
            EndReason::EndedByAdmin => "ended_by_admin",
            EndReason::PasswordChanged => "password_changed",
            EndReason::PasswordReset => "password_reset",
            EndReason::Deactivated => "deactivated",
            EndReason::Expired => "expired",
        }
    }
}

/// Where a request comes from, as the new-place rule reads it.
struct Place {
    address: Option<String>,
    network: Option<String>,
    browser: String,
    platform: String,
}

impl Place {
    fn of(meta: &RequestMeta) -> Place {
        let ip = meta.source_addr.as_deref().and_then(|a| a.parse::<std::net::IpAddr>().ok());
        let (browser, platform) = browser_of(meta.user_agent.as_deref().unwrap_or_default());
        Place {
            address: ip.map(|ip| ip.to_string()),
            network: ip.map(network_of),
            browser,
            platform,
        }
    }
}

/// Opens the session of a person whose sign-in was just accepted, inside the sign-in's
/// transaction (which moves the generation, so the person's open sessions are read again).
/// A network or browser family not seen for the person in [`NEW_PLACE_WINDOW`] mails the person
/// and is audited. Returns the session's handle.
pub async fn open<C: ConnectionTrait>(
    txn: &C,
    p: &person::Model,
    meta: &RequestMeta,
    now: OffsetDateTime,
    default_zone: &str,
) -> ServiceResult<Uuid> {
    let place = Place::of(meta);
    let since = now - NEW_PLACE_WINDOW;
    let before = scope::sessions_of(p.id).select_only().column(person_session::Column::Id).limit(1);
    let signed_in_before = before.clone().into_tuple::<Uuid>().one(txn).await?.is_some();
    let recent = || before.clone().filter(person_session::Column::SignedInAt.gte(since));
    let network_seen = match &place.network {
        Some(n) => recent().filter(person_session::Column::Network.eq(n.as_str())).into_tuple::<Uuid>().one(txn).await?.is_some(),
        // No address to judge by (never on a real connection): nothing new to say.
        None => true,
    };
    let browser_seen = recent()
        .filter(person_session::Column::Browser.eq(place.browser.as_str()))
        .into_tuple::<Uuid>()
        .one(txn)
        .await?
        .is_some();
    let (new_network, new_browser) = new_place(signed_in_before, network_seen, browser_seen);
    let id = Uuid::now_v7();
    person_session::Entity::insert(person_session::ActiveModel {
        id: Set(id),
        person_id: Set(p.id),
        signed_in_at: Set(now),
        last_seen_at: Set(now),
        ended_at: Set(None),
        end_reason: Set(None),
        ended_by: Set(None),
        address: Set(place.address.clone()),
        network: Set(place.network.clone()),
        browser: Set(place.browser.clone()),
        platform: Set(place.platform.clone()),
        new_network: Set(new_network),
        new_browser: Set(new_browser),
    })
    .exec_without_returning(txn)
    .await?;
    if new_network || new_browser {
        let address = place.address.clone().unwrap_or_else(|| "-".into());
        let what = match (new_network, new_browser) {
            (true, true) => "a new network and browser",
            (true, false) => "a new network",
            _ => "a new browser",
        };
        AuditEntry {
            actor_person_id: Some(p.id),
            actor_email: Some(p.email.clone()),
            organisation_id: Some(p.organisation_id),
            action: AuditAction::SignInNewPlace,
            target: p.email.clone(),
            summary: format!(
                "signed in from {what}: {address} ({}), {} on {}",
                place.network.as_deref().unwrap_or("-"),
                place.browser,
                place.platform
            ),
            source_addr: meta.source_addr.clone(),
            user_agent: meta.user_agent.clone(),
        }
        .record(txn, now)
        .await?;
        let zone = p.time_zone.as_deref().unwrap_or(default_zone);
        crate::backend::mail::enqueue(
            txn,
            now,
            &p.email,
            p.locale.as_deref().and_then(Locale::parse).unwrap_or_default(),
            &super::mail::AuthMail::NewPlace {
                at: format!("{} ({zone})", format_in_zone(now, zone)),
                address,
                browser: format!("{} / {}", place.browser, place.platform),
                new_network,
                new_browser,
            },
        )
        .await?;
    }
    Ok(id)
}

/// Notes a request of an open session (the resolver calls it at most once a minute a session).
/// Moves no generation: nothing kept depends on when a session was last seen.
pub async fn touch(db: &DatabaseConnection, handle: Uuid, now: OffsetDateTime) -> ServiceResult<()> {
    person_session::Entity::update_many()
        .col_expr(person_session::Column::LastSeenAt, Expr::value(now))
        .filter(person_session::Column::Id.eq(handle))
        .filter(person_session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The update that ends a person's open sessions for `reason` (narrow it further to end fewer).
fn ending(person_id: Uuid, now: OffsetDateTime, reason: EndReason, by: Option<Uuid>) -> UpdateMany<person_session::Entity> {
    person_session::Entity::update_many()
        .col_expr(person_session::Column::EndedAt, Expr::value(now))
        .col_expr(person_session::Column::EndReason, Expr::value(reason.code()))
        .col_expr(person_session::Column::EndedBy, Expr::value(by))
        .filter(person_session::Column::PersonId.eq(person_id))
        .filter(person_session::Column::EndedAt.is_null())
}

/// Ends the person's open sessions (all, or all but `except`) for `reason`, inside the caller's
/// transaction; the caller moves the generation. Returns how many ended.
pub async fn end_all_of<C: ConnectionTrait>(
    txn: &C,
    person_id: Uuid,
    now: OffsetDateTime,
    reason: EndReason,
    by: Option<Uuid>,
    except: Option<Uuid>,
) -> ServiceResult<u64> {
    let mut q = ending(person_id, now, reason, by);
    if let Some(keep) = except {
        q = q.filter(person_session::Column::Id.ne(keep));
    }
    Ok(q.exec(txn).await?.rows_affected)
}

/// A sign-out ends its own session's row (the session record itself is deleted by the caller).
/// Moves no generation: the session is gone with its record.
pub async fn signed_out(db: &DatabaseConnection, by: &Acting<'_>) -> ServiceResult<()> {
    let actor = by.actor;
    if let Some(handle) = actor.session {
        ending(actor.person_id, by.now, EndReason::SignedOut, Some(actor.person_id))
            .filter(person_session::Column::Id.eq(handle))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Ends one of the signed-in person's own open sessions (this one included: it signs out on its
/// next request). Another person's session, or one already ended, is "not found".
pub async fn end_own(db: &DatabaseConnection, by: &Acting<'_>, handle: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let row = scope::own_sessions(actor)
        .filter(person_session::Column::Id.eq(handle))
        .filter(person_session::Column::EndedAt.is_null())
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ending(actor.person_id, now, EndReason::Ended, Some(actor.person_id))
        .filter(person_session::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    let this = if actor.session == Some(row.id) { " (this session)" } else { "" };
    AuditEntry::by(
        actor,
        meta,
        AuditAction::SessionEnd,
        actor.email.clone(),
        format!("ended a session{this}: {} on {}, {}", row.browser, row.platform, row.address.as_deref().unwrap_or("-")),
    )
    .record(&txn, now)
    .await?;
    epoch::commit_change(txn).await
}

/// Ends every open session of the signed-in person but the one asking. Returns how many ended.
pub async fn end_others(db: &DatabaseConnection, by: &Acting<'_>) -> ServiceResult<u64> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let ended = end_all_of(&txn, actor.person_id, now, EndReason::Ended, Some(actor.person_id), actor.session).await?;
    AuditEntry::by(actor, meta, AuditAction::SessionEnd, actor.email.clone(), format!("ended {ended} other sessions"))
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await?;
    Ok(ended)
}

/// Marks sessions with no request within the idle limit, or past the absolute one, as expired
/// (the resolver refuses them already; this keeps the list true). Moves no generation.
pub async fn expire(db: &DatabaseConnection, now: OffsetDateTime) -> ServiceResult<u64> {
    let idle = person_session::Entity::update_many()
        .col_expr(person_session::Column::EndedAt, Expr::value(now))
        .col_expr(person_session::Column::EndReason, Expr::value(EndReason::Expired.code()))
        .filter(person_session::Column::EndedAt.is_null())
        .filter(
            Condition::any()
                .add(person_session::Column::LastSeenAt.lt(now - SESSION_IDLE))
                .add(person_session::Column::SignedInAt.lt(now - SESSION_ABSOLUTE)),
        )
        .exec(db)
        .await?;
    Ok(idle.rows_affected)
}

/// The handles of a person's sessions not ended, read with the person (see [`Actor`]).
pub async fn open_handles(db: &DatabaseConnection, person_id: Uuid) -> ServiceResult<Vec<Uuid>> {
    Ok(scope::sessions_of(person_id)
        .filter(person_session::Column::EndedAt.is_null())
        .select_only()
        .column(person_session::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// How many sign-ins the security page lists.
pub const SIGN_INS_SHOWN: u64 = 30;

/// The signed-in person's security page: its sessions still open (this one first), and its
/// sign-ins of the last 90 days, newest first, the ones from a new place marked.
pub async fn security_view(db: &DatabaseConnection, actor: &Actor, now: OffsetDateTime) -> ServiceResult<SecurityView> {
    let zone = actor.time_zone.as_str();
    let shown = |t: OffsetDateTime| format_in_zone(t, zone);
    let open = scope::own_sessions(actor)
        .filter(person_session::Column::EndedAt.is_null())
        .filter(person_session::Column::LastSeenAt.gte(now - SESSION_IDLE))
        .filter(person_session::Column::SignedInAt.gte(now - SESSION_ABSOLUTE))
        .order_by_desc(person_session::Column::LastSeenAt)
        .all(db)
        .await?;
    let mut sessions: Vec<SessionRow> = open
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            current: actor.session == Some(s.id),
            browser: s.browser,
            platform: s.platform,
            address: s.address,
            signed_in_at: shown(s.signed_in_at),
            last_seen_at: shown(s.last_seen_at),
        })
        .collect();
    sessions.sort_by_key(|s| !s.current);
    let sign_ins = scope::own_sessions(actor)
        .filter(person_session::Column::SignedInAt.gte(now - NEW_PLACE_WINDOW))
        .order_by_desc(person_session::Column::SignedInAt)
        .limit(SIGN_INS_SHOWN)
        .all(db)
        .await?
        .into_iter()
        .map(|s| SignInRow {
            at: shown(s.signed_in_at),
            address: s.address,
            network: s.network,
            browser: s.browser,
            platform: s.platform,
            new_network: s.new_network,
            new_browser: s.new_browser,
        })
        .collect();
    Ok(SecurityView { sessions, sign_ins })
}
