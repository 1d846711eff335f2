//! The Actor: who is acting — resolved once per request (by `auth::actor`) and carried in context.
use std::sync::Arc;

use leptos::prelude::use_context;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::{
    domain::{OrgKind, Role},
    i18n::Locale,
};

#[derive(Clone, Debug)]
pub struct Actor {
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub org_kind: OrgKind,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    /// Its organisation (or the platform) requires a second factor it has not set up: it is
    /// taken to its security page and can do nothing else first.
    pub must_enrol_second_factor: bool,
    pub locale: Option<Locale>,
    pub time_zone: String,
    /// The sign-in before this session's.
    pub last_login_at: Option<OffsetDateTime>,
    /// A regulator's own id and every regulator beneath it, read with the person (so no request
    /// walks the tree again); empty for other kinds.
    pub subtree: Arc<[Uuid]>,
    /// The person's session generation: sessions signed in under another one have ended.
    pub session_generation: i32,
    /// The person's sessions not ended (their handles): a session whose handle is not here has
    /// been ended (by the person, an administrator, a password change) and resolves to nobody.
    pub open_sessions: Arc<[Uuid]>,
    /// This request's session handle (none through an API token).
    pub session: Option<Uuid>,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// The actor of the current request, if signed in (inside server functions and page renders).
pub fn current() -> Option<Actor> {
    use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<Actor>().cloned())
}

/// The current actor for an action: signed in, its password already changed, and its second
/// factor set up where one is required.
pub fn require() -> ServiceResult<Actor> {
    let actor = require_enrolling()?;
    if actor.must_enrol_second_factor {
        return Err(ServiceError::MustEnrolSecondFactor);
    }
    Ok(actor)
}

/// The current actor for setting up its second factor: signed in, its password already changed.
pub fn require_enrolling() -> ServiceResult<Actor> {
    let actor = current().ok_or(ServiceError::NotSignedIn)?;
    if actor.must_change_password {
        return Err(ServiceError::MustChangePassword);
    }
    Ok(actor)
}

/// Who acts, when, and from where: what every change carries into its audit entries and mail.
/// Services that change something take it in one argument.
#[derive(Clone, Copy, Debug)]
pub struct Acting<'a> {
    pub actor: &'a Actor,
    pub meta: &'a super::request::RequestMeta,
    pub now: time::OffsetDateTime,
}
