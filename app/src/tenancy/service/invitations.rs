//! Invitations of people by email: the administrator names the person and roles, the portal mails
//! a one-time link (only its hash is stored), and the person sets a password through it.
use crate::backend::actor::Acting;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::super::{
    entity::invitation,
    InvitationRow, InvitationView, Role,
};
use super::{insert_person, parse_name, parse_roles, role_codes};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    auth::{
        rules::{check_new_password, parse_email},
        service::hash_password_off_thread,
    },
    backend::{
        actor::Actor, db::write_txn, mail, request::RequestMeta, time_fmt::format_in_zone, ServiceError, ServiceResult,
    },
    i18n::Msg,
    tenancy::{
        mail::TenancyMail,
        scope::{invited_into, open_invitation, EmailUse, PeopleAdmin},
    },
};

/// How long an invitation link works.
pub const VALID_FOR: Duration = Duration::days(7);

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub struct NewInvitation {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

/// Invites a person into the administrator's organisation and queues the mail with the link.
pub async fn invite_person(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, public_base_url: &str, input: NewInvitation) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let email = parse_email(&input.email).map_err(|m| ServiceError::invalid("email", m))?;
    let name = parse_name("display_name", &input.display_name, 200)?;
    let txn = write_txn(db).await?;
    let roles = parse_roles(&input.roles, cap.org_kind())?;
    match cap.email_in_use(&txn, &email, now).await? {
        EmailUse::Free => {}
        EmailUse::Account => return Err(ServiceError::Conflict { field: "email", msg: Msg::ErrEmailTaken }),
        EmailUse::Invited => return Err(ServiceError::Conflict { field: "email", msg: Msg::ErrInvitationPending }),
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let expires = now + VALID_FOR;
    invitation::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(cap.organisation_id()),
        email: Set(email.clone()),
        display_name: Set(name.clone()),
        roles: Set(role_codes(&roles)),
        token_hash: Set(token_hash(&token)),
        expires_at: Set(expires),
        accepted_at: Set(None),
        invited_by: Set(actor.person_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::InvitationSend,
        format!("person {email}"),
        format!("name={name}; roles={}; link valid until {}", role_codes(&roles), format_in_zone(expires, "UTC")),
    )
    .record(&txn, now)
    .await?;
    let template = TenancyMail::PersonInvited {
        organisation: actor.organisation_name.clone(),
        link: format!("{}/invite/{token}", public_base_url.trim_end_matches('/')),
        expires: format_in_zone(expires, &actor.time_zone),
    };
    // The invitee has no language yet: the inviter's is the best guess.
    mail::enqueue(&txn, now, &email, actor.locale.unwrap_or_default(), &template).await?;
    txn.commit().await?;
    Ok(())
}

/// The administrator's organisation's invitations not yet accepted, newest first.
pub async fn open_invitations(
    db: &DatabaseConnection,
    cap: &PeopleAdmin,
    actor: &Actor,
    now: OffsetDateTime,
) -> ServiceResult<Vec<InvitationRow>> {
    let rows = cap
        .invitations()
        .filter(invitation::Column::AcceptedAt.is_null())
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|i| InvitationRow {
            email: i.email,
            display_name: i.display_name,
            roles: i.roles.split(',').filter_map(Role::parse).collect(),
            expires_at: format_in_zone(i.expires_at, &actor.time_zone),
            expired: i.expires_at <= now,
        })
        .collect())
}

async fn open_by_token<C: sea_orm::ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    token: &str,
) -> ServiceResult<invitation::Model> {
    open_invitation(&token_hash(token.trim()), now)
        .one(conn)
        .await?
        .ok_or(ServiceError::invalid("token", Msg::ErrInvitationInvalid))
}

/// What the invitation page shows before the person sets a password.
pub async fn invitation_by_token(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    token: &str,
) -> ServiceResult<InvitationView> {
    let i = open_by_token(db, now, token).await?;
    let org = invited_into(&i).one(db).await?.ok_or(ServiceError::invalid("token", Msg::ErrInvitationInvalid))?;
    Ok(InvitationView { organisation: org.name, email: i.email, display_name: i.display_name })
}

/// Creates the person with the chosen password and uses up the link. Returns the email to sign in with.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    meta: &RequestMeta,
    token: &str,
    password: &str,
    confirm: &str,
) -> ServiceResult<String> {
    // Checked and hashed before the write transaction (Argon2 must not hold SQLite's write lock);
    // the link is opened again inside it, so a link used meanwhile is still refused.
    let i = open_by_token(db, now, token).await?;
    if password != confirm {
        return Err(ServiceError::invalid("confirm", Msg::ErrPasswordMismatch));
    }
    check_new_password(password, &i.display_name, &i.email).map_err(|m| ServiceError::invalid("password", m))?;
    let hash = hash_password_off_thread(password.to_string()).await?;
    let txn = write_txn(db).await?;
    let i = open_by_token(&txn, now, token).await?;
    let roles: Vec<Role> = i.roles.split(',').filter_map(Role::parse).collect();
    let person_id = insert_person(&txn, now, i.organisation_id, &i.email, &i.display_name, &roles, hash, false).await?;
    let email = i.email.clone();
    let organisation_id = i.organisation_id;
    let mut am = i.into_active_model();
    am.accepted_at = Set(Some(now));
    am.update(&txn).await?;
    AuditEntry {
            actor_person_id: Some(person_id),
            actor_email: Some(email.clone()),
            organisation_id: Some(organisation_id),
            action: AuditAction::InvitationAccept,
            target: format!("person {email}"),
            summary: format!("joined through an invitation link; roles={}", role_codes(&roles)),
            source_addr: meta.source_addr.clone(),
            user_agent: meta.user_agent.clone(),
        }.record(&txn, now).await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(email)
}
