//! Resolving the Actor: the session's sign-in, checked against the expiry rules, and the person
//! with its organisation and roles loaded (once per generation, through the cache).
use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;
use uuid::Uuid;

use super::rules::{session_age, SessionAge};
pub use crate::backend::actor::Actor;
use crate::{
    backend::{epoch::Caches, policy, ServiceError, ServiceResult},
    domain::{OrgKind, Role},
    i18n::Locale,
    tenancy::entity::organisation,
};

/// The session key under which a signed-in person is remembered.
pub const AUTH_KEY: &str = "auth";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub person_id: Uuid,
    pub signed_in_at: i64,
    pub last_seen: i64,
    /// The person's session generation at sign-in; a session of another generation has ended.
    #[serde(default)]
    pub generation: i32,
    /// The session's row (`person_session`): ended there, it ends here. A session from before
    /// sessions had rows has none, and is ended (its person signs in again).
    #[serde(default)]
    pub handle: Option<Uuid>,
}

/// What resolving the session found.
pub enum Resolution {
    Anonymous,
    /// The session had a sign-in that has now expired (idle or absolute); it was ended.
    Expired,
    SignedIn(Box<Actor>),
}

/// Reads the session, applies the expiry rules at `now`, and loads the person if still valid.
pub async fn resolve(
    db: &DatabaseConnection,
    caches: &Caches,
    session: &Session,
    now: OffsetDateTime,
    default_time_zone: &str,
) -> ServiceResult<Resolution> {
    let auth: Option<SessionAuth> =
        session.get(AUTH_KEY).await.map_err(|e| ServiceError::Internal(format!("session: {e}")))?;
    let Some(mut auth) = auth else {
        return Ok(Resolution::Anonymous);
    };
    let at = |s: i64| OffsetDateTime::from_unix_timestamp(s).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    if session_age(at(auth.signed_in_at), at(auth.last_seen), now) != SessionAge::Fresh {
        session.flush().await.map_err(|e| ServiceError::Internal(format!("session: {e}")))?;
        return Ok(Resolution::Expired);
    }
    let actor = cached_actor(db, caches, auth.person_id, default_time_zone)
        .await?
        // A password change or reset since this session signed in ends it, as does ending its row.
        .filter(|a| a.session_generation == auth.generation)
        .filter(|a| auth.handle.is_some_and(|h| a.open_sessions.contains(&h)));
    let Some(mut actor) = actor else {
        // Deactivated (or removed) since signing in, or its sessions ended: this one ends at once.
        session.flush().await.map_err(|e| ServiceError::Internal(format!("session: {e}")))?;
        return Ok(Resolution::Anonymous);
    };
    // Touch at most once a minute, so a page's many requests do not each rewrite the session.
    actor.session = auth.handle;
    if now.unix_timestamp() - auth.last_seen >= 60 {
        auth.last_seen = now.unix_timestamp();
        if let Some(handle) = auth.handle {
            super::sessions::touch(db, handle, now).await?;
        }
        session.insert(AUTH_KEY, auth).await.map_err(|e| ServiceError::Internal(format!("session: {e}")))?;
    }
    Ok(Resolution::SignedIn(Box::new(actor)))
}

/// `load_actor` through the cache: a person is read once per generation (every change moves it).
pub async fn cached_actor(
    db: &DatabaseConnection,
    caches: &Caches,
    person_id: Uuid,
    default_time_zone: &str,
) -> ServiceResult<Option<Actor>> {
    let at = caches.generation.current();
    if let Some(actor) = caches.actors.get(&person_id, at) {
        return Ok(Some(actor));
    }
    let actor = load_actor(db, person_id, default_time_zone).await?;
    if let Some(a) = &actor {
        caches.actors.put(person_id, at, a.clone());
    }
    Ok(actor)
}

/// Loads an active person of an active organisation with its roles.
pub async fn load_actor(
    db: &DatabaseConnection,
    person_id: Uuid,
    default_time_zone: &str,
) -> ServiceResult<Option<Actor>> {
    let Some(p) = super::scope::session_account(person_id).one(db).await? else {
        return Ok(None);
    };
    let Some(org) = super::scope::organisation_of(&p).filter(organisation::Column::Active.eq(true)).one(db).await?
    else {
        return Ok(None);
    };
    let roles: Vec<Role> = super::scope::roles_of(&p).all(db).await?.into_iter().filter_map(|r| Role::parse(&r.role)).collect();
    let org_kind =
        OrgKind::parse(&org.kind).ok_or_else(|| ServiceError::Internal(format!("bad org kind {}", org.kind)))?;
    let subtree: Arc<[Uuid]> =
        if org_kind == OrgKind::Regulator { policy::regulator_subtree(db, org.id).await?.into() } else { Arc::new([]) };
    let must_enrol = super::second_factor::must_enrol(db, p.id, &org, &roles).await?;
    Ok(Some(Actor {
        person_id: p.id,
        organisation_id: org.id,
        organisation_name: org.name,
        org_kind,
        email: p.email,
        display_name: p.display_name,
        roles,
        must_change_password: p.must_change_password,
        must_enrol_second_factor: must_enrol,
        locale: p.locale.as_deref().and_then(Locale::parse),
        time_zone: p.time_zone.unwrap_or_else(|| default_time_zone.to_string()),
        last_login_at: p.previous_login_at,
        subtree,
        session_generation: p.session_generation,
        open_sessions: super::sessions::open_handles(db, p.id).await?.into(),
        session: None,
    }))
}
