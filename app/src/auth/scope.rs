//! The auth module's reach: what signing in, a session and a bearer token reach before any
//! module's capability exists — one account by its email, the signed-in person's own row and
//! tokens, and a token by its hash. Each is written here once.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use super::entity::{person_session, person_totp, recovery_code};
use crate::{
    backend::{actor::Actor, entity::api_token},
    tenancy::entity::{organisation, person, person_role},
};

/// Signing in reaches one account by its email (already normalised), before anyone is signed in.
pub fn account_by_email(email: &str) -> Select<person::Entity> {
    person::Entity::find().filter(person::Column::Email.eq(email))
}

/// The same account read again (inside the sign-in's write transaction).
pub fn account_again(found: &person::Model) -> Select<person::Entity> {
    person::Entity::find_by_id(found.id)
}

/// The organisation an account belongs to.
pub fn organisation_of(account: &person::Model) -> Select<organisation::Entity> {
    organisation::Entity::find_by_id(account.organisation_id)
}

/// The signed-in person's own organisation.
pub fn own_organisation(actor: &Actor) -> Select<organisation::Entity> {
    organisation::Entity::find_by_id(actor.organisation_id)
}

/// The roles an account holds.
pub fn roles_of(account: &person::Model) -> Select<person_role::Entity> {
    person_role::Entity::find().filter(person_role::Column::PersonId.eq(account.id))
}

/// A session names its person: the active account it resolves to.
pub fn session_account(person_id: Uuid) -> Select<person::Entity> {
    person::Entity::find_by_id(person_id).filter(person::Column::Active.eq(true))
}

/// The signed-in person's own account row.
pub fn own_account(actor: &Actor) -> Select<person::Entity> {
    person::Entity::find_by_id(actor.person_id)
}

/// The signed-in person's own API tokens.
pub fn own_tokens(actor: &Actor) -> Select<api_token::Entity> {
    api_token::Entity::find().filter(api_token::Column::PersonId.eq(actor.person_id))
}

/// A bearer's token is its own capability: its hash reaches that one token.
pub fn token_by_hash(hash: &str) -> Select<api_token::Entity> {
    api_token::Entity::find().filter(api_token::Column::TokenHash.eq(hash))
}

/// The operator's `issue-token` command names an active account by its email (it runs on the
/// server, with the database's own rights).
pub fn operator_named_account(email: &str) -> Select<person::Entity> {
    person::Entity::find()
        .filter(person::Column::Email.eq(email.trim().to_lowercase()))
        .filter(person::Column::Active.eq(true))
}

/// The sessions of the person signing in (its history, which a new network or browser is judged
/// by), or of the person a session names: reached by the person's id, before any capability.
pub fn sessions_of(person_id: Uuid) -> Select<person_session::Entity> {
    person_session::Entity::find().filter(person_session::Column::PersonId.eq(person_id))
}

/// The signed-in person's own sessions.
pub fn own_sessions(actor: &Actor) -> Select<person_session::Entity> {
    sessions_of(actor.person_id)
}

/// The sessions still open with no request since `before`, of anyone: the expiry job's, which
/// runs with the server's own rights.
pub fn idle_sessions(before: time::OffsetDateTime) -> Select<person_session::Entity> {
    person_session::Entity::find()
        .filter(person_session::Column::EndedAt.is_null())
        .filter(person_session::Column::LastSeenAt.lt(before))
}

/// A person's TOTP secret (pending or confirmed): the person's own, or the one signing in.
pub fn totp_of(person_id: Uuid) -> Select<person_totp::Entity> {
    person_totp::Entity::find().filter(person_totp::Column::PersonId.eq(person_id))
}

/// The TOTP rows of these people (their administrator's list says who has one).
pub fn totp_among(people: &[Uuid]) -> Select<person_totp::Entity> {
    person_totp::Entity::find().filter(person_totp::Column::PersonId.is_in(people.iter().copied()))
}

/// A person's recovery codes not used yet.
pub fn unused_codes_of(person_id: Uuid) -> Select<recovery_code::Entity> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::PersonId.eq(person_id))
        .filter(recovery_code::Column::UsedAt.is_null())
}
