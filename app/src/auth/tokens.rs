//! Personal API tokens: minted once (only their SHA-256 is kept), named, expiring, revocable, with
//! their last use recorded; a token resolves to its person's Actor, so it has exactly its rights.
use crate::backend::actor::Acting;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{actor::cached_actor, TokenRow, TokenState};
use crate::{
    audit::{
        service::{append, AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::Actor, db::write_txn, entity::api_token, epoch::Caches, time_fmt::format_in_zone,
        ServiceError, ServiceResult,
    },
    i18n::Msg,
};

/// Every token starts with this, so a leaked one is easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "pt_";
/// Longest lifetime a token may have.
pub const MAX_DAYS: i64 = 366;
/// How often the last use is written (not on every request).
const TOUCH_EVERY: Duration = Duration::minutes(1);

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn mint() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

pub fn state_of(t: &api_token::Model, now: OffsetDateTime) -> TokenState {
    if t.revoked_at.is_some() {
        TokenState::Revoked
    } else if t.expires_at <= now {
        TokenState::Expired
    } else {
        TokenState::Active
    }
}

fn row(t: &api_token::Model, now: OffsetDateTime, zone: &str) -> TokenRow {
    TokenRow {
        id: t.id,
        name: t.name.clone(),
        prefix: t.prefix.clone(),
        created_at: format_in_zone(t.created_at, zone),
        expires_at: format_in_zone(t.expires_at, zone),
        last_used_at: t.last_used_at.map(|at| format_in_zone(at, zone)),
        state: state_of(t, now),
    }
}

/// Parses the form's name and lifetime.
pub fn parse_request(name: &str, days: &str) -> ServiceResult<(String, i64)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid("name", Msg::ErrNameRequired));
    }
    if name.chars().count() > 100 {
        return Err(ServiceError::invalid("name", Msg::ErrTextTooLong));
    }
    let days: i64 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=MAX_DAYS).contains(d))
        .ok_or(ServiceError::invalid("days", Msg::ErrTokenDays))?;
    Ok((name.to_string(), days))
}

async fn insert(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    person_id: Uuid,
    name: &str,
    days: i64,
    audit: AuditEntry,
) -> ServiceResult<String> {
    let secret = mint();
    let txn = write_txn(db).await?;
    api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        person_id: Set(person_id),
        name: Set(name.to_string()),
        prefix: Set(secret[..TOKEN_PREFIX.len() + 8].to_string()),
        token_hash: Set(hash_token(&secret)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days)),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    append(&txn, now, audit).await?;
    txn.commit().await?;
    Ok(secret)
}

/// Mints a token for the signed-in person; the secret is returned once and never stored.
pub async fn create(db: &DatabaseConnection, by: &Acting<'_>, name: &str, days: &str) -> ServiceResult<String> {
    let Acting { actor, meta, now } = *by;
    let (name, days) = parse_request(name, days)?;
    let audit = AuditEntry::by(
        actor,
        meta,
        AuditAction::ApiTokenCreate,
        format!("person {}", actor.person_id),
        format!("API token \"{name}\" for {days} days"),
    );
    insert(db, now, actor.person_id, &name, days, audit).await
}

/// The operator's `issue-token`: mints a token for the person with this email.
pub async fn issue_for(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    email: &str,
    name: &str,
    days: i64,
) -> ServiceResult<String> {
    let (name, days) = parse_request(name, &days.to_string())?;
    let p = super::scope::operator_named_account(email).one(db).await?.ok_or(ServiceError::NotFound)?;
    let audit = AuditEntry {
        actor_person_id: None,
        actor_email: Some("operator (issue-token)".into()),
        organisation_id: Some(p.organisation_id),
        action: AuditAction::ApiTokenCreate,
        target: format!("person {}", p.id),
        summary: format!("API token \"{name}\" for {} ({days} days) issued by the operator", p.email),
        source_addr: None,
        user_agent: None,
    };
    insert(db, now, p.id, &name, days, audit).await
}

/// The person's own tokens, newest first.
pub async fn list(db: &DatabaseConnection, now: OffsetDateTime, actor: &Actor) -> ServiceResult<Vec<TokenRow>> {
    Ok(super::scope::own_tokens(actor)
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?
        .iter()
        .map(|t| row(t, now, &actor.time_zone))
        .collect())
}

/// Revokes one of the person's own tokens (another person's is "not found").
pub async fn revoke(db: &DatabaseConnection, by: &Acting<'_>, id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let t = super::scope::own_tokens(actor)
        .filter(api_token::Column::Id.eq(id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if t.revoked_at.is_some() {
        return Ok(());
    }
    let name = t.name.clone();
    let mut m: api_token::ActiveModel = t.into();
    m.revoked_at = Set(Some(now));
    m.update(&txn).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::ApiTokenRevoke,
        format!("person {}", actor.person_id),
        format!("API token \"{name}\" revoked"),
    )
    .record(&txn, now)
    .await?;
    // Tokens are cached by their hash.
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

/// Revokes every live token of a person (an administrator's password reset); returns how many.
pub async fn revoke_all_of<C: sea_orm::ConnectionTrait>(
    conn: &C,
    person_id: Uuid,
    now: OffsetDateTime,
) -> ServiceResult<u64> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Some(now)))
        .filter(api_token::Column::PersonId.eq(person_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    crate::backend::epoch::bump(conn).await?;
    Ok(res.rows_affected)
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    Missing,
    Unknown,
    Expired,
    Revoked,
    /// The person or its organisation was deactivated.
    Inactive,
}

/// Resolves a bearer token to its person's Actor, recording its use.
pub async fn authenticate(
    db: &DatabaseConnection,
    caches: &Caches,
    token: &str,
    now: OffsetDateTime,
    default_time_zone: &str,
) -> Result<Actor, Result<TokenRefusal, ServiceError>> {
    let token = token.trim();
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Err(Ok(TokenRefusal::Unknown));
    }
    let hash = hash_token(token);
    // Read once per generation: a revocation is a change, so it moves the generation.
    let at = caches.generation.current();
    let t = match caches.tokens.get(&hash, at) {
        Some(t) => t,
        None => {
            let t = super::scope::token_by_hash(&hash)
                .one(db)
                .await
                .map_err(|e| Err(e.into()))?
                .ok_or(Ok(TokenRefusal::Unknown))?;
            caches.tokens.put(hash.clone(), at, t.clone());
            t
        }
    };
    match state_of(&t, now) {
        TokenState::Revoked => return Err(Ok(TokenRefusal::Revoked)),
        TokenState::Expired => return Err(Ok(TokenRefusal::Expired)),
        TokenState::Active => {}
    }
    let actor = cached_actor(db, caches, t.person_id, default_time_zone)
        .await
        .map_err(Err)?
        .ok_or(Ok(TokenRefusal::Inactive))?;
    if t.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY) {
        let mut touched = t.clone();
        touched.last_used_at = Some(now);
        caches.tokens.put(hash, at, touched);
        let mut m: api_token::ActiveModel = t.into();
        m.last_used_at = Set(Some(now));
        // A failed touch must not refuse the request.
        if let Err(e) = m.update(db).await {
            tracing::warn!(error = %e, "could not record a token's use");
        }
    }
    Ok(actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let a = mint();
        let b = mint();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
    }

    #[test]
    fn requests_are_checked() {
        assert_eq!(parse_request(" ci ", "90").unwrap(), ("ci".to_string(), 90));
        assert!(parse_request("", "90").is_err());
        assert!(parse_request("x", "0").is_err());
        assert!(parse_request("x", "367").is_err());
        assert!(parse_request("x", "ten").is_err());
        assert!(parse_request(&"n".repeat(101), "1").is_err());
    }
}
