//! Organisations and people: creation with a first administrator, people management, one-time passwords.
//! Websites, engagements and jurisdictions have a file each beside this one.
pub mod engagements;
pub mod invitations;
pub mod jurisdictions;
pub mod websites;

use crate::backend::actor::Acting;
use crate::tenancy::scope::{people_holding, OutboxReader, PeopleAdmin, PlatformAdmin};
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    entity::{organisation, person, person_role},
    MailRow, OneTimePassword, OrgKind, OrganisationRow, OutboxView, PersonRow, Role, SupplierSubtype,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    auth::{rules::parse_email, service::hash_password_off_thread},
    backend::{
        actor::Actor,
        db::write_txn,
        error::OnConstraint,
        mail::{self, MailTemplate, Recipient},
        time_fmt::format_in_zone,
        ServiceError, ServiceResult,
    },
    i18n::{Locale, Msg},
};

/// Where to write to these people, each in their own language.
pub fn recipients(people: &[person::Model]) -> Vec<Recipient> {
    people
        .iter()
        .map(|p| Recipient {
            email: p.email.clone(),
            locale: p.locale.as_deref().and_then(Locale::parse).unwrap_or_default(),
        })
        .collect()
}

/// Queues the mail to every active administrator of an organisation, each in its own language.
pub async fn notify_admins<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    organisation_id: Uuid,
    template: &dyn MailTemplate,
) -> ServiceResult<()> {
    let admins = people_holding(conn, organisation_id, &[Role::OrgAdmin]).await?;
    mail::enqueue_each(conn, now, &recipients(&admins), template).await
}

/// The outbox: counts by state, and the newest [`OUTBOX_ROWS`](super::OUTBOX_ROWS) mails, of
/// one state when `state` names one (an unknown state is refused, not ignored).
pub async fn outbox_state(
    db: &DatabaseConnection,
    _cap: &OutboxReader,
    time_zone: &str,
    state: Option<&str>,
) -> ServiceResult<OutboxView> {
    use crate::backend::{
        entity::outbox,
        mail::{DEAD, PENDING, SENT},
    };
    let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if [PENDING, SENT, DEAD].contains(&s) => Some(s.to_string()),
        Some(_) => return Err(ServiceError::invalid("state", Msg::ErrChoose)),
    };
    let count = |status: &'static str| outbox::Entity::find().filter(outbox::Column::Status.eq(status)).count(db);
    let (pending, sent, dead) = (count(PENDING).await?, count(SENT).await?, count(DEAD).await?);
    let mut list = outbox::Entity::find();
    if let Some(s) = &state {
        list = list.filter(outbox::Column::Status.eq(s.as_str()));
    }
    let mails = list
        .order_by_desc(outbox::Column::CreatedAt)
        .order_by_desc(outbox::Column::Id)
        .limit(super::OUTBOX_ROWS)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MailRow {
            to: m.to_addr,
            subject: m.subject,
            state: m.status,
            attempts: m.attempts,
            last_error: m.last_error.unwrap_or_default(),
            created_at: format_in_zone(m.created_at, time_zone),
            sent_at: m.sent_at.map(|t| format_in_zone(t, time_zone)),
        })
        .collect();
    Ok(OutboxView { pending, sent, dead, state, mails })
}

/// A one-time password: 20 characters from an alphabet without look-alikes, in groups of five.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub(super) fn parse_name(field: &'static str, input: &str, max: usize) -> ServiceResult<String> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > max || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid(field, Msg::ErrNameRequired));
    }
    Ok(name.to_string())
}

pub struct NewOrganisation {
    pub name: String,
    pub kind: String,
    pub subtype: Option<String>,
    pub admin_email: String,
    pub admin_name: String,
}

pub struct NewPerson {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
}

pub(super) fn parse_roles(codes: &[String], kind: OrgKind) -> ServiceResult<Vec<Role>> {
    let mut roles: Vec<Role> = Vec::new();
    for code in codes.iter().filter(|c| !c.is_empty()) {
        let role = Role::parse(code)
            .filter(|r| Role::grantable_in(kind).contains(r))
            .ok_or(ServiceError::invalid("roles", Msg::ErrRoleRequired))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        return Err(ServiceError::invalid("roles", Msg::ErrRoleRequired));
    }
    roles.sort();
    Ok(roles)
}

/// A new, active person with no sign-in history yet (also the bulk generator's row).
pub fn new_person(
    id: Uuid,
    organisation_id: Uuid,
    email: &str,
    display_name: &str,
    password_hash: String,
    must_change_password: bool,
    now: OffsetDateTime,
) -> person::ActiveModel {
    person::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation_id),
        email: Set(email.to_string()),
        display_name: Set(display_name.to_string()),
        password_hash: Set(password_hash),
        must_change_password: Set(must_change_password),
        active: Set(true),
        locale: Set(None),
        time_zone: Set(None),
        failed_attempts: Set(0),
        lockout_count: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        previous_login_at: Set(None),
        created_at: Set(now),
        session_generation: Set(0),
    }
}

/// Writes a person with roles; the one place a person is created one at a time. `password_hash`
/// is an Argon2id PHC string.
#[allow(clippy::too_many_arguments)]
pub async fn insert_person<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    organisation_id: Uuid,
    email: &str,
    display_name: &str,
    roles: &[Role],
    password_hash: String,
    must_change_password: bool,
) -> ServiceResult<Uuid> {
    let id = Uuid::new_v4();
    new_person(id, organisation_id, email, display_name, password_hash, must_change_password, now)
        .insert(conn)
        .await
        .on_unique("email", Msg::ErrEmailTaken)?;
    for role in roles {
        person_role::ActiveModel { person_id: Set(id), role: Set(role.code().to_string()) }.insert(conn).await?;
    }
    Ok(id)
}

pub(super) fn role_codes(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// Creates an organisation and its first administrator, who gets a one-time password.
pub async fn create_organisation(db: &DatabaseConnection, by: &Acting<'_>, _cap: &PlatformAdmin, input: NewOrganisation) -> ServiceResult<(OrganisationRow, OneTimePassword)> {
    let Acting { actor, meta, now } = *by;
    let name = parse_name("name", &input.name, 200)?;
    let kind = OrgKind::parse(&input.kind).ok_or(ServiceError::invalid("kind", Msg::ErrNameRequired))?;
    let subtype = match (kind, input.subtype.as_deref().filter(|s| !s.is_empty())) {
        (OrgKind::Supplier, Some(s)) => {
            Some(SupplierSubtype::parse(s).ok_or(ServiceError::invalid("subtype", Msg::ErrSubtypeRequired))?)
        }
        (OrgKind::Supplier, None) => return Err(ServiceError::invalid("subtype", Msg::ErrSubtypeRequired)),
        _ => None,
    };
    let admin_email = parse_email(&input.admin_email).map_err(|m| ServiceError::invalid("admin_email", m))?;
    let admin_name = parse_name("admin_name", &input.admin_name, 200)?;
    let password = one_time_password();
    let hash = hash_password_off_thread(password.clone()).await?;
    let txn = write_txn(db).await?;
    let org_id = Uuid::new_v4();
    organisation::ActiveModel {
        id: Set(org_id),
        name: Set(name.clone()),
        kind: Set(kind.code().into()),
        supplier_subtype: Set(subtype.map(|s| s.code().into())),
        regulator_id: Set(None),
        active: Set(true),
        created_at: Set(now),
        second_factor_required: Set(false),
    }
    .insert(&txn)
    .await
    .on_unique("name", Msg::ErrNameTaken)?;
    let admin_roles =
        if kind == OrgKind::Platform { vec![Role::OrgAdmin, Role::PlatformAdmin] } else { vec![Role::OrgAdmin] };
    insert_person(&txn, now, org_id, &admin_email, &admin_name, &admin_roles, hash, true).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::OrganisationCreate,
        format!("organisation {name}"),
        format!("kind={}{}", kind.code(), subtype.map(|s| format!(", subtype={}", s.code())).unwrap_or_default()),
    )
    .record(&txn, now)
    .await?;
    // The new organisation sees the creation of its own administrator in its audit trail.
    AuditEntry::by(
            actor,
            meta,
            AuditAction::PersonCreate,
            format!("person {admin_email}"),
            format!("first administrator of {name}; roles={}", role_codes(&admin_roles)),
        )
        .in_organisation(Some(org_id)).record(&txn, now).await?;
    crate::backend::epoch::commit_change(txn).await?;
    let row = OrganisationRow {
        id: org_id,
        name,
        kind,
        subtype,
        active: true,
        people: 1,
        created_at: format_in_zone(now, &actor.time_zone),
    };
    Ok((row, OneTimePassword { email: admin_email, password }))
}

pub async fn list_organisations(
    db: &DatabaseConnection,
    cap: &PlatformAdmin,
    actor: &Actor,
) -> ServiceResult<Vec<OrganisationRow>> {
    let orgs = cap.organisations().order_by_asc(organisation::Column::Name).all(db).await?;
    let mut rows = Vec::with_capacity(orgs.len());
    for o in orgs {
        let people = cap.people().filter(person::Column::OrganisationId.eq(o.id)).count(db).await?;
        rows.push(OrganisationRow {
            id: o.id,
            kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Agency),
            subtype: o.supplier_subtype.as_deref().and_then(SupplierSubtype::parse),
            name: o.name,
            active: o.active,
            people,
            created_at: format_in_zone(o.created_at, &actor.time_zone),
        });
    }
    Ok(rows)
}

pub struct OrganisationUpdate {
    pub name: String,
    pub active: bool,
}

/// Renames or (de)activates an organisation. The platform's own organisation cannot be deactivated.
pub async fn update_organisation(db: &DatabaseConnection, by: &Acting<'_>, cap: &PlatformAdmin, id: Uuid, input: OrganisationUpdate) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let name = parse_name("name", &input.name, 200)?;
    let txn = write_txn(db).await?;
    let org =
        cap.organisations().filter(organisation::Column::Id.eq(id)).one(&txn).await?.ok_or(ServiceError::NotFound)?;
    if !input.active && id == actor.organisation_id {
        return Err(ServiceError::invalid("active", Msg::ErrSelfDeactivate));
    }
    let mut changes = Vec::new();
    if org.name != name {
        changes.push(format!("name: {} → {name}", org.name));
    }
    if org.active != input.active {
        changes.push(format!("active: {} → {}", org.active, input.active));
    }
    if changes.is_empty() {
        return Ok(());
    }
    let renamed = org.name != name;
    let mut am = org.into_active_model();
    am.name = Set(name.clone());
    am.active = Set(input.active);
    am.update(&txn).await.on_unique("name", Msg::ErrNameTaken)?;
    if renamed {
        // The reports work list orders by the agency's name, kept on its rows.
        crate::reports::service::agency_renamed(&txn, id, &name).await?;
    }
    // Names and activity show in cached views (the regulators' matrices).
    crate::backend::epoch::bump(&txn).await?;
    AuditEntry::by(
            actor,
            meta,
            AuditAction::OrganisationUpdate,
            format!("organisation {name}"),
            changes.join("; "),
        )
        .in_organisation(Some(id)).record(&txn, now).await?;
    txn.commit().await?;
    Ok(())
}

async fn roles_of<C: ConnectionTrait>(conn: &C, cap: &PeopleAdmin, person_id: Uuid) -> ServiceResult<Vec<Role>> {
    let mut roles: Vec<Role> = cap
        .roles()
        .filter(person_role::Column::PersonId.eq(person_id))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|r| Role::parse(&r.role))
        .collect();
    roles.sort();
    Ok(roles)
}

pub async fn list_people(
    db: &DatabaseConnection,
    cap: &PeopleAdmin,
    actor: &Actor,
    now: OffsetDateTime,
) -> ServiceResult<Vec<PersonRow>> {
    let people = cap.people().order_by_asc(person::Column::DisplayName).all(db).await?;
    let with_second_factor = crate::auth::second_factor::enrolled_among(db, people.iter().map(|p| p.id)).await?;
    let mut rows = Vec::with_capacity(people.len());
    for p in people {
        rows.push(PersonRow {
            second_factor: with_second_factor.contains(&p.id),
            id: p.id,
            roles: roles_of(db, cap, p.id).await?,
            email: p.email,
            display_name: p.display_name,
            active: p.active,
            must_change_password: p.must_change_password,
            locked_until: p.locked_until.filter(|u| *u > now).map(|u| format_in_zone(u, &actor.time_zone)),
            last_login_at: p.last_login_at.map(|u| format_in_zone(u, &actor.time_zone)),
        });
    }
    Ok(rows)
}

/// Whether the administrator's organisation requires a second factor of its people.
pub async fn second_factor_required(db: &DatabaseConnection, cap: &PeopleAdmin) -> ServiceResult<bool> {
    Ok(cap.own_organisation().one(db).await?.is_some_and(|o| o.second_factor_required))
}

/// Finds a person of the capability's organisation; any other organisation's person is "not found".
async fn own_person<C: ConnectionTrait>(conn: &C, cap: &PeopleAdmin, id: Uuid) -> ServiceResult<person::Model> {
    cap.person(id).one(conn).await?.ok_or(ServiceError::NotFound)
}

/// Only a platform administrator gives or takes the platform administrator role.
fn check_grant(actor: &Actor, roles: &[Role], before: &[Role]) -> ServiceResult<()> {
    let changes_platform = roles.contains(&Role::PlatformAdmin) != before.contains(&Role::PlatformAdmin);
    if changes_platform && !actor.has(Role::PlatformAdmin) {
        return Err(ServiceError::invalid("roles", Msg::ErrPlatformAdminGrant));
    }
    Ok(())
}

pub async fn create_person(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, input: NewPerson) -> ServiceResult<OneTimePassword> {
    let Acting { actor, meta, now } = *by;
    let email = parse_email(&input.email).map_err(|m| ServiceError::invalid("email", m))?;
    let name = parse_name("display_name", &input.display_name, 200)?;
    let password = one_time_password();
    let hash = hash_password_off_thread(password.clone()).await?;
    let txn = write_txn(db).await?;
    let roles = parse_roles(&input.roles, cap.org_kind())?;
    check_grant(actor, &roles, &[])?;
    insert_person(&txn, now, cap.organisation_id(), &email, &name, &roles, hash, true).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::PersonCreate,
        format!("person {email}"),
        format!("name={name}; roles={}", role_codes(&roles)),
    )
    .record(&txn, now)
    .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(OneTimePassword { email, password })
}

/// Whether removing `person_id`'s administration would leave its organisation without an active admin.
async fn is_last_admin<C: ConnectionTrait>(conn: &C, cap: &PeopleAdmin, person_id: Uuid) -> ServiceResult<bool> {
    let admins = people_holding(conn, cap.organisation_id(), &[Role::OrgAdmin]).await?;
    Ok(!admins.iter().any(|a| a.id != person_id))
}

pub struct PersonUpdate {
    pub display_name: String,
    pub roles: Vec<String>,
}

pub async fn update_person(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, id: Uuid, input: PersonUpdate) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let name = parse_name("display_name", &input.display_name, 200)?;
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    let roles = parse_roles(&input.roles, cap.org_kind())?;
    let before = roles_of(&txn, cap, id).await?;
    if before != roles {
        // Nobody raises (or lowers) their own rights: another administrator must.
        if id == actor.person_id {
            return Err(ServiceError::invalid("roles", Msg::ErrOwnRoles));
        }
        check_grant(actor, &roles, &before)?;
    }
    if before.contains(&Role::OrgAdmin)
        && !roles.contains(&Role::OrgAdmin)
        && p.active
        && is_last_admin(&txn, cap, id).await?
    {
        return Err(ServiceError::invalid("roles", Msg::ErrLastAdmin));
    }
    if p.display_name != name {
        AuditEntry::by(
            actor,
            meta,
            AuditAction::PersonUpdate,
            format!("person {}", p.email),
            format!("name: {} → {name}", p.display_name),
        )
        .record(&txn, now)
        .await?;
        let mut am = p.clone().into_active_model();
        am.display_name = Set(name);
        am.update(&txn).await?;
    }
    if before != roles {
        person_role::Entity::delete_many().filter(person_role::Column::PersonId.eq(id)).exec(&txn).await?;
        for role in &roles {
            person_role::ActiveModel { person_id: Set(id), role: Set(role.code().to_string()) }.insert(&txn).await?;
        }
        AuditEntry::by(
            actor,
            meta,
            AuditAction::RolesChange,
            format!("person {}", p.email),
            format!("roles: {} → {}", role_codes(&before), role_codes(&roles)),
        )
        .record(&txn, now)
        .await?;
    }
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

pub async fn set_person_active(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, id: Uuid, active: bool) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    if p.active == active {
        return Ok(());
    }
    if !active {
        if id == actor.person_id {
            return Err(ServiceError::invalid("active", Msg::ErrSelfDeactivate));
        }
        if roles_of(&txn, cap, id).await?.contains(&Role::OrgAdmin) && is_last_admin(&txn, cap, id).await? {
            return Err(ServiceError::invalid("active", Msg::ErrLastAdmin));
        }
    }
    let email = p.email.clone();
    let mut am = p.into_active_model();
    am.active = Set(active);
    am.update(&txn).await?;
    if !active {
        use crate::auth::sessions::{end_all_of, EndReason};
        end_all_of(&txn, id, now, EndReason::Deactivated, Some(actor.person_id), None).await?;
    }
    let action = if active { AuditAction::PersonReactivate } else { AuditAction::PersonDeactivate };
    AuditEntry::by(
        actor,
        meta,
        action,
        format!("person {email}"),
        if active { "active: false → true" } else { "active: true → false" },
    )
    .record(&txn, now)
    .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

/// Ends every session of a person of the organisation (a lost laptop, a person leaving), audited
/// in the administrator's trail. Returns how many sessions ended.
pub async fn end_person_sessions(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, id: Uuid) -> ServiceResult<u64> {
    let Acting { actor, meta, now } = *by;
    if id == actor.person_id {
        // One's own sessions are ended from one's security page (this one would end too).
        return Err(ServiceError::invalid("id", Msg::ErrOwnSessionsHere));
    }
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    let reason = crate::auth::sessions::EndReason::EndedByAdmin;
    let ended = crate::auth::sessions::end_all_of(&txn, p.id, now, reason, Some(actor.person_id), None).await?;
    AuditEntry::by(actor, meta, AuditAction::SessionEnd, format!("person {}", p.email), format!("an administrator ended {ended} sessions"))
        .record(&txn, now)
        .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(ended)
}

/// Removes a person's second factor (a lost phone): audited, mailed to the person.
pub async fn reset_person_second_factor(
    db: &DatabaseConnection,
    by: &Acting<'_>,
    cap: &PeopleAdmin,
    id: Uuid,
    default_zone: &str,
) -> ServiceResult<()> {
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    if !crate::auth::second_factor::reset_of(&txn, by, &p, default_zone).await? {
        return Err(ServiceError::Conflict { field: "id", msg: Msg::ErrNoSecondFactor });
    }
    // The person's "must set up" is read with it.
    crate::backend::epoch::commit_change(txn).await
}

/// Whether every person of the administrator's organisation must sign in with a second factor;
/// those without one are taken to set it up at their next request. Audited.
pub async fn set_second_factor_required(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, on: bool) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let org = cap.own_organisation().one(&txn).await?.ok_or(ServiceError::NotFound)?;
    if org.second_factor_required == on {
        return Ok(());
    }
    // The administrator is one of its people: its own second factor comes first, so requiring
    // it does not shut the administrator out mid-task.
    if on && !crate::auth::second_factor::enrolled(&txn, actor.person_id).await? {
        return Err(ServiceError::invalid("on", Msg::ErrOwnSecondFactorFirst));
    }
    let name = org.name.clone();
    let mut am = org.into_active_model();
    am.second_factor_required = Set(on);
    am.update(&txn).await?;
    let summary = if on { "every person must use a second factor" } else { "a second factor is each person's choice" };
    AuditEntry::by(actor, meta, AuditAction::SecondFactorPolicy, format!("organisation {name}"), summary).record(&txn, now).await?;
    crate::backend::epoch::commit_change(txn).await
}

/// Lifts a person's lockout after failed sign-ins (the password stays as it is), audited.
pub async fn unlock_person(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, id: Uuid) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    let Some(until) = p.locked_until.filter(|u| *u > now) else {
        return Err(ServiceError::Conflict { field: "id", msg: Msg::ErrNotLocked });
    };
    let email = p.email.clone();
    let mut am = p.into_active_model();
    am.failed_attempts = Set(0);
    am.lockout_count = Set(0);
    am.locked_until = Set(None);
    am.update(&txn).await?;
    let summary = format!("lockout until {until} lifted");
    AuditEntry::by(actor, meta, AuditAction::PersonUnlock, format!("person {email}"), summary).record(&txn, now).await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(())
}

/// Gives a person of the organisation a new one-time password and unlocks it.
pub async fn reset_password(db: &DatabaseConnection, by: &Acting<'_>, cap: &PeopleAdmin, id: Uuid) -> ServiceResult<OneTimePassword> {
    let Acting { actor, meta, now } = *by;
    // Hashed before the write transaction: Argon2 must not hold SQLite's write lock.
    let password = one_time_password();
    let hash = hash_password_off_thread(password.clone()).await?;
    let txn = write_txn(db).await?;
    let p = own_person(&txn, cap, id).await?;
    if !p.active {
        // A deactivated person cannot sign in with it: reactivating comes first, on purpose.
        return Err(ServiceError::Conflict { field: "id", msg: Msg::ErrResetInactive });
    }
    let email = p.email.clone();
    let (person_id, generation) = (p.id, p.session_generation.wrapping_add(1));
    let mut am = p.into_active_model();
    am.password_hash = Set(hash);
    am.must_change_password = Set(true);
    am.failed_attempts = Set(0);
    am.locked_until = Set(None);
    // Every session of the person ends, and every API token is revoked: whoever held the old
    // password may have made either.
    am.session_generation = Set(generation);
    am.update(&txn).await?;
    let reason = crate::auth::sessions::EndReason::PasswordReset;
    crate::auth::sessions::end_all_of(&txn, person_id, now, reason, Some(actor.person_id), None).await?;
    let revoked = crate::auth::tokens::revoke_all_of(&txn, person_id, now).await?;
    AuditEntry::by(
        actor,
        meta,
        AuditAction::PasswordReset,
        format!("person {email}"),
        format!(
            "one-time password issued; must change at next sign-in; all sessions ended; {revoked} API tokens revoked"
        ),
    )
    .record(&txn, now)
    .await?;
    crate::backend::epoch::commit_change(txn).await?;
    Ok(OneTimePassword { email, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_and_differ() {
        let a = one_time_password();
        let b = one_time_password();
        assert_eq!(a.len(), 23);
        assert_ne!(a, b);
        assert!(!a.contains(['0', 'O', 'l', '1', 'I']));
    }

    #[test]
    fn roles_must_be_grantable_and_present() {
        assert!(parse_roles(&[], OrgKind::Agency).is_err());
        assert!(parse_roles(&["platform_admin".into()], OrgKind::Agency).is_err());
        assert_eq!(
            parse_roles(&["viewer".into(), "org_admin".into(), "viewer".into()], OrgKind::Csp).ok(),
            Some(vec![Role::OrgAdmin, Role::Viewer])
        );
    }
}
