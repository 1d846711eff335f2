//! Sign-in with lockout and constant-cost failure, password change and hashing, the language preference.
use crate::backend::actor::Acting;
use std::sync::OnceLock;

use argon2::{
    password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier},
    Argon2,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::rules::{check_new_password, lockout_delay, parse_email, MAX_FAILURES, MAX_PASSWORD_LEN};
use crate::{
    audit::{
        service::{append, AuditEntry, Record},
        AuditAction,
    },
    backend::{db::write_txn, request::RequestMeta, ServiceError, ServiceResult},
    i18n::{Locale, Msg},
    tenancy::entity::person,
};

/// Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane) — the crate's defaults.
fn argon2() -> Argon2<'static> {
    Argon2::default()
}

pub fn hash_password(password: &str) -> ServiceResult<String> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))
}

/// `hash_password` on a blocking thread, for request handlers: call it before opening a write
/// transaction, never inside one (Argon2 would hold SQLite's only write lock).
pub async fn hash_password_off_thread(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))?
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the email is unknown, so that answer costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password-for-timing").unwrap_or_default())
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignIn {
    Accepted {
        person_id: Uuid,
        must_change_password: bool,
        /// The session generation the new session belongs to.
        generation: i32,
        /// The new session's handle (its row in `person_session`).
        session: Uuid,
    },
    /// The password is right and the person has a second factor: its code comes next.
    SecondFactor { person_id: Uuid, generation: i32 },
    /// Unknown email, wrong password, or deactivated account: one answer for all, so no address
    /// is confirmed.
    Refused,
    /// Locked after repeated failures (this attempt's or earlier ones), whatever the password:
    /// until when, and the person's time zone to say it in (none: the portal's).
    Locked { until: OffsetDateTime, time_zone: Option<String> },
    /// A second step that can no longer complete: the account was deactivated, its sessions were
    /// ended or its second factor removed since the password was accepted. It starts over.
    Void,
}

pub async fn sign_in(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    email: &str,
    password: &str,
    meta: &RequestMeta,
    default_zone: &str,
) -> ServiceResult<SignIn> {
    let email_norm = email.trim().to_lowercase();
    let password = if password.len() > MAX_PASSWORD_LEN * 4 { "" } else { password };
    // Read and verify outside the write transaction: Argon2 takes tens of milliseconds, and on
    // SQLite a write transaction holds the database's only write lock for as long as it lasts.
    let found = if parse_email(&email_norm).is_ok() {
        super::scope::account_by_email(&email_norm).one(db).await?
    } else {
        None
    };
    let entry = sign_in_entry(&email_norm, meta);
    let org_active = match &found {
        Some(p) => super::scope::organisation_of(p).one(db).await?.is_some_and(|o| o.active),
        None => false,
    };
    let checked_hash = found.as_ref().map(|p| p.password_hash.clone());
    let hash = match found.as_ref().filter(|p| p.active && org_active) {
        Some(p) => p.password_hash.clone(),
        // Same work as a real check: an unknown email must not answer faster.
        None => dummy_hash().to_string(),
    };
    let given = password.to_string();
    let password_ok = tokio::task::spawn_blocking(move || verify_password(&given, &hash))
        .await
        .map_err(|e| ServiceError::Internal(format!("verifying: {e}")))?;
    let txn = write_txn(db).await?;
    // Read again inside the transaction: the counters may have moved meanwhile.
    let found = match found {
        Some(p) => super::scope::account_again(&p).one(&txn).await?,
        None => None,
    };
    let Some(p) = found.filter(|p| p.active && org_active) else {
        append(&txn, now, entry(AuditAction::SignInFailed, None, "unknown or inactive account".into())).await?;
        txn.commit().await?;
        return Ok(SignIn::Refused);
    };
    // A password changed between the check and now: the check was against the old one.
    let password_ok = password_ok && checked_hash.as_deref() == Some(p.password_hash.as_str());
    if let Some(until) = p.locked_until.filter(|u| *u > now) {
        append(&txn, now, entry(AuditAction::SignInFailed, Some(&p), format!("account locked until {until}"))).await?;
        txn.commit().await?;
        return Ok(SignIn::Locked { until, time_zone: p.time_zone.clone() });
    }
    if !password_ok {
        return failed_attempt(txn, p, now, &entry, "wrong password").await;
    }
    if super::second_factor::enrolled(&txn, p.id).await? {
        // Nothing is written until the code: a right password alone neither clears the failure
        // count (so codes cannot be guessed between right passwords) nor signs in.
        txn.rollback().await?;
        return Ok(SignIn::SecondFactor { person_id: p.id, generation: p.session_generation });
    }
    accept(txn, p, now, &entry, meta, default_zone, "signed in".into()).await
}

/// Counts a failed attempt (a wrong password or second-factor code) and locks the account after
/// [`MAX_FAILURES`] in a row, inside the attempt's transaction, which it commits.
pub(super) async fn failed_attempt(
    txn: sea_orm::DatabaseTransaction,
    p: person::Model,
    now: OffsetDateTime,
    entry: &impl Fn(AuditAction, Option<&person::Model>, String) -> AuditEntry,
    what: &str,
) -> ServiceResult<SignIn> {
    let failures = p.failed_attempts + 1;
    append(&txn, now, entry(AuditAction::SignInFailed, Some(&p), format!("{what} ({failures} consecutive)"))).await?;
    let time_zone = p.time_zone.clone();
    let mut am = p.clone().into_active_model();
    if failures >= MAX_FAILURES {
        let lockouts = p.lockout_count + 1;
        let until = now + lockout_delay(lockouts);
        am.failed_attempts = Set(0);
        am.lockout_count = Set(lockouts);
        am.locked_until = Set(Some(until));
        append(
            &txn,
            now,
            entry(AuditAction::Lockout, Some(&p), format!("lockout {lockouts} after {failures} failures, until {until}")),
        )
        .await?;
        am.update(&txn).await?;
        txn.commit().await?;
        return Ok(SignIn::Locked { until, time_zone });
    }
    am.failed_attempts = Set(failures);
    am.update(&txn).await?;
    txn.commit().await?;
    Ok(SignIn::Refused)
}

/// Signs the person in (its password, and its second factor if it has one, are right): clears
/// the failure count, notes the sign-in, opens the session and commits.
#[allow(clippy::too_many_arguments)]
pub(super) async fn accept(
    txn: sea_orm::DatabaseTransaction,
    p: person::Model,
    now: OffsetDateTime,
    entry: &impl Fn(AuditAction, Option<&person::Model>, String) -> AuditEntry,
    meta: &RequestMeta,
    default_zone: &str,
    summary: String,
) -> ServiceResult<SignIn> {
    let mut am = p.clone().into_active_model();
    am.failed_attempts = Set(0);
    am.lockout_count = Set(0);
    am.locked_until = Set(None);
    am.previous_login_at = Set(p.last_login_at);
    am.last_login_at = Set(Some(now));
    am.update(&txn).await?;
    append(&txn, now, entry(AuditAction::SignIn, Some(&p), summary)).await?;
    let session = super::sessions::open(&txn, &p, meta, now, default_zone).await?;
    // The dashboard shows the previous sign-in, and the person's open sessions are read, through
    // the actor cache.
    crate::backend::epoch::commit_change(txn).await?;
    Ok(SignIn::Accepted {
        person_id: p.id,
        must_change_password: p.must_change_password,
        generation: p.session_generation,
        session,
    })
}

/// The audit entry of a sign-in step for `email` (as typed, normalised), from `meta`.
pub(super) fn sign_in_entry<'a>(
    email: &'a str,
    meta: &'a RequestMeta,
) -> impl Fn(AuditAction, Option<&person::Model>, String) -> AuditEntry + 'a {
    move |action, person, summary| AuditEntry {
        actor_person_id: person.map(|p| p.id),
        actor_email: Some(email.chars().take(254).collect()),
        organisation_id: person.map(|p| p.organisation_id),
        action,
        target: email.chars().take(254).collect(),
        summary,
        source_addr: meta.source_addr.clone(),
        user_agent: meta.user_agent.clone(),
    }
}

pub async fn record_sign_out(db: &DatabaseConnection, by: &Acting<'_>) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    AuditEntry::by(actor, meta, AuditAction::SignOut, actor.email.clone(), "signed out").record(&txn, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Audits a refused burst of sign-ins from one address.
pub async fn record_rate_limited(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    email: &str,
    meta: &RequestMeta,
) -> ServiceResult<()> {
    let txn = write_txn(db).await?;
    let target: String = email.trim().to_lowercase().chars().take(254).collect();
    AuditEntry {
            actor_person_id: None,
            actor_email: Some(target.clone()),
            organisation_id: None,
            action: AuditAction::RateLimited,
            target,
            summary: "too many sign-in attempts from this address".into(),
            source_addr: meta.source_addr.clone(),
            user_agent: meta.user_agent.clone(),
        }.record(&txn, now).await?;
    txn.commit().await?;
    Ok(())
}

pub struct PasswordChange {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

/// Changes the actor's own password (the current one required), clears the must-change flag and
/// ends the person's other sessions: returns the new session generation, which the caller's own
/// session takes on so that it alone goes on.
pub async fn change_password(db: &DatabaseConnection, by: &Acting<'_>, input: PasswordChange) -> ServiceResult<i32> {
    let Acting { actor, meta, now } = *by;
    if input.new != input.confirm {
        return Err(ServiceError::invalid("confirm", Msg::ErrPasswordMismatch));
    }
    check_new_password(&input.new, &actor.display_name, &actor.email).map_err(|m| ServiceError::invalid("new", m))?;
    if input.current == input.new {
        return Err(ServiceError::invalid("new", Msg::ErrPasswordSame));
    }
    let p = super::scope::own_account(actor).one(db).await?.ok_or(ServiceError::NotFound)?;
    // Verify and hash outside the write transaction (Argon2 is slow on purpose).
    let (current, new, old_hash) = (input.current, input.new, p.password_hash.clone());
    let checked = old_hash.clone();
    let (ok, new_hash) = tokio::task::spawn_blocking(move || {
        let ok = verify_password(&current, &old_hash);
        (ok, ok.then(|| hash_password(&new)))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hashing: {e}")))?;
    if !ok {
        return Err(ServiceError::invalid("current", Msg::ErrWrongCurrentPassword));
    }
    let new_hash = new_hash.ok_or_else(|| ServiceError::Internal("no hash".into()))??;
    let txn = write_txn(db).await?;
    let p = super::scope::own_account(actor).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    // Changed meanwhile (another session, a reset): the current password checked is no longer it.
    if p.password_hash != checked {
        return Err(ServiceError::invalid("current", Msg::ErrWrongCurrentPassword));
    }
    let was_forced = p.must_change_password;
    let generation = p.session_generation.wrapping_add(1);
    let mut am = p.into_active_model();
    am.password_hash = Set(new_hash);
    am.must_change_password = Set(false);
    am.session_generation = Set(generation);
    am.update(&txn).await?;
    let reason = super::sessions::EndReason::PasswordChanged;
    super::sessions::end_all_of(&txn, actor.person_id, now, reason, Some(actor.person_id), actor.session).await?;
    let summary = if was_forced {
        "password changed (required change done); other sessions ended"
    } else {
        "password changed; other sessions ended"
    };
    AuditEntry::by(actor, meta, AuditAction::PasswordChange, actor.email.clone(), summary).record(&txn, now).await?;
    // Tell the person, so a change they did not make does not go unnoticed.
    crate::backend::mail::enqueue(
        &txn,
        now,
        &actor.email,
        actor.locale.unwrap_or_default(),
        &super::mail::AuthMail::PasswordChanged { at: crate::backend::time_fmt::format_in_zone(now, &actor.time_zone) },
    )
    .await?;
    // The actor (with its generation) is cached.
    crate::backend::epoch::commit_change(txn).await?;
    Ok(generation)
}

/// Remembers the person's language.
pub async fn set_locale(db: &DatabaseConnection, by: &Acting<'_>, locale: Locale) -> ServiceResult<()> {
    let actor = by.actor;
    if actor.locale == Some(locale) {
        return Ok(());
    }
    let summary = format!("language → {}", locale.code());
    update_own(db, by, person::Column::Locale, locale.code(), AuditAction::LocaleChange, summary).await
}

/// Sets the person's time zone (an IANA name known to the bundled database).
pub async fn set_time_zone(db: &DatabaseConnection, by: &Acting<'_>, zone: &str) -> ServiceResult<()> {
    let actor = by.actor;
    let zone = zone.trim();
    if !crate::backend::time_fmt::is_known_zone(zone) || zone.len() > 64 {
        return Err(ServiceError::invalid("time_zone", Msg::ErrTimeZone));
    }
    if actor.time_zone == zone {
        return Ok(());
    }
    let summary = format!("time zone: {} → {zone}", actor.time_zone);
    update_own(db, by, person::Column::TimeZone, zone, AuditAction::PreferencesChange, summary).await
}

/// Writes one column of the actor's own person row and audits it, in one transaction.
async fn update_own(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    column: person::Column,
    value: &str,
    action: AuditAction,
    summary: String,
) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    person::Entity::update_many()
        .col_expr(column, value.into())
        .filter(person::Column::Id.eq(actor.person_id))
        .exec(&txn)
        .await?;
    AuditEntry::by(actor, meta, action, actor.email.clone(), summary).record(&txn, now).await?;
    // The actor (language, time zone) is cached.
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}
