//! The second factor (§6.3.4.2a): TOTP enrolment, pending until a correct code confirms it;
//! codes checked within one step either side, each step taken once; ten single-use recovery
//! codes kept hashed; turning it off, new recovery codes; the sign-in's second step, whose
//! failures count toward the lockout; what an organisation, or the platform for administrators,
//! requires; an administrator's reset.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use super::{
    entity::{person_totp, recovery_code},
    scope,
    service::{accept, failed_attempt, sign_in_entry, SignIn},
    Enrolment, SecondFactorStatus,
};
use crate::{
    audit::{
        service::{AuditEntry, Record},
        AuditAction,
    },
    backend::{
        actor::{Acting, Actor},
        db::write_txn,
        entity::setting,
        epoch,
        request::RequestMeta,
        time_fmt::format_in_zone,
        ServiceError, ServiceResult,
    },
    domain::Role,
    i18n::Msg,
    tenancy::entity::{organisation, person},
};

/// Seconds a code lasts (RFC 6238's default, what every authenticator app uses).
pub const STEP: u64 = 30;
/// How many recovery codes a person holds.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show above the code.
const ISSUER: &str = "Gov Cloud Supervision Portal";
/// The setting that makes every administrator (organisation or platform) enrol.
const ADMINS_KEY: &str = "second_factor_admins";

/// The TOTP of a base32 secret for `account` (SHA-1, 6 digits, 30 s: what apps expect).
pub fn totp(secret: &str, account: &str) -> ServiceResult<TOTP> {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|e| ServiceError::Internal(format!("a stored TOTP secret does not decode: {e:?}")))?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes, Some(ISSUER.to_string()), account.replace(':', "_"))
        .map_err(|e| ServiceError::Internal(format!("TOTP: {e:?}")))
}

/// The step a typed code matches at `now` (one step either side, for clocks that drift and
/// people who type slowly), if it is later than `last_step`: a code, once taken, is never
/// taken again, nor is one of an earlier step.
pub fn matching_step(totp: &TOTP, code: &str, now: OffsetDateTime, last_step: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = now.unix_timestamp().max(0) / STEP as i64;
    (current - 1..=current + 1).filter(|s| *s > last_step).find(|s| {
        let expected = totp.generate((*s as u64) * STEP);
        // Compared in constant time: the code is a secret until it is used.
        expected.len() == code.len() && expected.bytes().zip(code.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

/// A recovery code as typed, made comparable: lower case, without spaces or dashes.
pub fn normalise_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// How a recovery code is kept: SHA-256 of the normalised code (each has 50 random bits: a slow
/// hash buys nothing a lockout after five failures does not already give).
pub fn hash_code(typed: &str) -> String {
    hex::encode(Sha256::digest(normalise_code(typed).as_bytes()))
}

/// Ten new recovery codes, as shown once: `xxxxx-xxxxx`, lower-case base32 without look-alikes.
pub fn new_recovery_codes() -> Vec<String> {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut s: String = (0..10).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
            s.insert(5, '-');
            s
        })
        .collect()
}

/// Whether the person has a confirmed second factor (the sign-in asks for its code then).
pub async fn enrolled<C: ConnectionTrait>(conn: &C, person_id: Uuid) -> ServiceResult<bool> {
    Ok(scope::totp_of(person_id)
        .filter(person_totp::Column::ConfirmedAt.is_not_null())
        .select_only()
        .column(person_totp::Column::Id)
        .into_tuple::<Uuid>()
        .one(conn)
        .await?
        .is_some())
}

/// Which of these people have a confirmed second factor (for their administrator's list).
pub async fn enrolled_among<C: ConnectionTrait>(
    conn: &C,
    people: impl IntoIterator<Item = Uuid>,
) -> ServiceResult<std::collections::HashSet<Uuid>> {
    let ids: Vec<Uuid> = people.into_iter().collect();
    let mut out = std::collections::HashSet::new();
    for chunk in ids.chunks(500) {
        out.extend(
            scope::totp_among(chunk)
                .filter(person_totp::Column::ConfirmedAt.is_not_null())
                .select_only()
                .column(person_totp::Column::PersonId)
                .into_tuple::<Uuid>()
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// Whether every administrator must enrol (the platform's setting).
pub async fn admins_required<C: ConnectionTrait>(conn: &C) -> ServiceResult<bool> {
    Ok(setting::Entity::find_by_id(ADMINS_KEY.to_string()).one(conn).await?.is_some_and(|s| s.value == "true"))
}

/// Whether a person must enrol before doing anything else: its organisation requires it, or it
/// is an administrator and the platform requires it of administrators.
pub fn required(org_requires: bool, admins_required: bool, roles: &[Role]) -> bool {
    org_requires || (admins_required && (roles.contains(&Role::OrgAdmin) || roles.contains(&Role::PlatformAdmin)))
}

/// Whether `person` must enrol now (read with the person, see `load_actor`).
pub async fn must_enrol<C: ConnectionTrait>(
    conn: &C,
    person_id: Uuid,
    org: &organisation::Model,
    roles: &[Role],
) -> ServiceResult<bool> {
    if !required(org.second_factor_required, admins_required(conn).await?, roles) {
        return Ok(false);
    }
    Ok(!enrolled(conn, person_id).await?)
}

fn qr_svg(url: &str) -> ServiceResult<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| ServiceError::Internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

fn enrolment(secret: &str, actor: &Actor) -> ServiceResult<Enrolment> {
    let url = totp(secret, &actor.email)?.get_url();
    Ok(Enrolment { secret: secret.to_string(), qr_svg: qr_svg(&url)?, url })
}

/// The person's second factor as its security page shows it.
pub async fn status(db: &DatabaseConnection, actor: &Actor) -> ServiceResult<SecondFactorStatus> {
    let row = scope::totp_of(actor.person_id).one(db).await?;
    let left = scope::unused_codes_of(actor.person_id).all(db).await?.len();
    let confirmed = row.as_ref().and_then(|r| r.confirmed_at);
    let pending = match &row {
        Some(r) if r.confirmed_at.is_none() => Some(enrolment(&r.secret, actor)?),
        _ => None,
    };
    Ok(SecondFactorStatus {
        enrolled: confirmed.is_some(),
        since: confirmed.map(|t| format_in_zone(t, &actor.time_zone)),
        recovery_left: if confirmed.is_some() { left } else { 0 },
        required: actor.must_enrol_second_factor || required_of(db, actor).await?,
        pending,
    })
}

async fn required_of<C: ConnectionTrait>(conn: &C, actor: &Actor) -> ServiceResult<bool> {
    let org = scope::own_organisation(actor).one(conn).await?.ok_or(ServiceError::NotFound)?;
    Ok(required(org.second_factor_required, admins_required(conn).await?, &actor.roles))
}

/// Starts enrolment: a new secret, pending until [`confirm`] takes a correct code (starting
/// again replaces a pending one). Refused when a second factor is already on.
pub async fn begin(db: &DatabaseConnection, by: &Acting<'_>) -> ServiceResult<Enrolment> {
    let Acting { actor, now, .. } = *by;
    let txn = write_txn(db).await?;
    let row = scope::totp_of(actor.person_id).one(&txn).await?;
    if row.as_ref().is_some_and(|r| r.confirmed_at.is_some()) {
        return Err(ServiceError::Conflict { field: "code", msg: Msg::TotpAlreadyOn });
    }
    let secret = Secret::generate_secret().to_encoded().to_string();
    match row {
        Some(r) => {
            let mut am = r.into_active_model();
            am.secret = Set(secret.clone());
            am.created_at = Set(now);
            am.update(&txn).await?;
        }
        None => {
            person_totp::ActiveModel {
                id: Set(Uuid::now_v7()),
                person_id: Set(actor.person_id),
                secret: Set(secret.clone()),
                created_at: Set(now),
                confirmed_at: Set(None),
                last_step: Set(0),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    enrolment(&secret, actor)
}

/// Replaces the person's recovery codes with ten new ones (inside the caller's transaction).
async fn replace_codes<C: ConnectionTrait>(txn: &C, person_id: Uuid, now: OffsetDateTime) -> ServiceResult<Vec<String>> {
    recovery_code::Entity::delete_many().filter(recovery_code::Column::PersonId.eq(person_id)).exec(txn).await?;
    let codes = new_recovery_codes();
    recovery_code::Entity::insert_many(codes.iter().map(|c| recovery_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(person_id),
        code_hash: Set(hash_code(c)),
        created_at: Set(now),
        used_at: Set(None),
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(codes)
}

/// The person's current code checked against its (confirmed or pending) secret: the row with
/// the step taken, to be written by the caller.
fn take_code(
    actor: &Actor,
    row: person_totp::Model,
    code: &str,
    now: OffsetDateTime,
) -> ServiceResult<person_totp::ActiveModel> {
    let t = totp(&row.secret, &actor.email)?;
    let Some(step) = matching_step(&t, code, now, row.last_step) else {
        return Err(ServiceError::invalid("code", Msg::ErrTotpCode));
    };
    let mut am = row.into_active_model();
    am.last_step = Set(step);
    Ok(am)
}

/// Switches the second factor on with the first correct code from the app; answers the ten
/// recovery codes, shown once.
pub async fn confirm(db: &DatabaseConnection, by: &Acting<'_>, code: &str) -> ServiceResult<Vec<String>> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let row = scope::totp_of(actor.person_id).one(&txn).await?.ok_or(ServiceError::invalid("code", Msg::ErrTotpNotStarted))?;
    if row.confirmed_at.is_some() {
        return Err(ServiceError::Conflict { field: "code", msg: Msg::TotpAlreadyOn });
    }
    let mut am = take_code(actor, row, code, now)?;
    am.confirmed_at = Set(Some(now));
    am.update(&txn).await?;
    let codes = replace_codes(&txn, actor.person_id, now).await?;
    AuditEntry::by(actor, meta, AuditAction::SecondFactorOn, actor.email.clone(), "TOTP switched on; 10 recovery codes issued")
        .record(&txn, now)
        .await?;
    // The actor's "must enrol" is read with it.
    epoch::commit_change(txn).await?;
    Ok(codes)
}

/// Ten new recovery codes (the old ones stop working), on a current code from the app.
pub async fn regenerate_codes(db: &DatabaseConnection, by: &Acting<'_>, code: &str) -> ServiceResult<Vec<String>> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    let row = confirmed_row(&txn, actor).await?;
    take_code(actor, row, code, now)?.update(&txn).await?;
    let codes = replace_codes(&txn, actor.person_id, now).await?;
    AuditEntry::by(actor, meta, AuditAction::RecoveryCodesNew, actor.email.clone(), "10 new recovery codes; the old ones no longer work")
        .record(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Switches the second factor off, on a current code; refused where it is required.
pub async fn turn_off(db: &DatabaseConnection, by: &Acting<'_>, code: &str) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    let txn = write_txn(db).await?;
    if required_of(&txn, actor).await? {
        return Err(ServiceError::Conflict { field: "code", msg: Msg::ErrTotpRequired });
    }
    let row = confirmed_row(&txn, actor).await?;
    take_code(actor, row, code, now)?;
    remove(&txn, actor.person_id).await?;
    AuditEntry::by(actor, meta, AuditAction::SecondFactorOff, actor.email.clone(), "TOTP switched off; recovery codes removed")
        .record(&txn, now)
        .await?;
    epoch::commit_change(txn).await
}

async fn confirmed_row<C: ConnectionTrait>(txn: &C, actor: &Actor) -> ServiceResult<person_totp::Model> {
    scope::totp_of(actor.person_id)
        .filter(person_totp::Column::ConfirmedAt.is_not_null())
        .one(txn)
        .await?
        .ok_or(ServiceError::Conflict { field: "code", msg: Msg::ErrTotpNotOn })
}

/// Removes a person's second factor and recovery codes (inside the caller's transaction).
pub async fn remove<C: ConnectionTrait>(txn: &C, person_id: Uuid) -> ServiceResult<bool> {
    let removed = person_totp::Entity::delete_many().filter(person_totp::Column::PersonId.eq(person_id)).exec(txn).await?;
    recovery_code::Entity::delete_many().filter(recovery_code::Column::PersonId.eq(person_id)).exec(txn).await?;
    Ok(removed.rows_affected > 0)
}

/// The sign-in's second step: a code from the app, or a recovery code (consumed). A wrong one
/// counts toward the lockout like a wrong password. `generation` is the person's at the first
/// step: a password changed or reset in between makes the step void.
pub async fn complete_sign_in(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    person_id: Uuid,
    generation: i32,
    code: &str,
    meta: &RequestMeta,
    default_zone: &str,
) -> ServiceResult<SignIn> {
    let txn = write_txn(db).await?;
    let Some(p) = scope::session_account(person_id).one(&txn).await? else {
        return Ok(SignIn::Void);
    };
    let org_active = scope::organisation_of(&p).one(&txn).await?.is_some_and(|o| o.active);
    let email = p.email.clone();
    let entry = sign_in_entry(&email, meta);
    if !org_active || p.session_generation != generation {
        return Ok(SignIn::Void);
    }
    if let Some(until) = p.locked_until.filter(|u| *u > now) {
        crate::audit::service::append(&txn, now, entry(AuditAction::SignInFailed, Some(&p), format!("account locked until {until}"))).await?;
        txn.commit().await?;
        return Ok(SignIn::Locked { until, time_zone: p.time_zone.clone() });
    }
    let Some(row) = scope::totp_of(p.id).filter(person_totp::Column::ConfirmedAt.is_not_null()).one(&txn).await? else {
        return Ok(SignIn::Void);
    };
    let t = totp(&row.secret, &p.email)?;
    if let Some(step) = matching_step(&t, code, now, row.last_step) {
        let mut am = row.into_active_model();
        am.last_step = Set(step);
        am.update(&txn).await?;
        return accept(txn, p, now, &entry, meta, default_zone, "signed in with a second factor".into()).await;
    }
    let hash = hash_code(code);
    let recovery = scope::unused_codes_of(p.id).filter(recovery_code::Column::CodeHash.eq(hash)).one(&txn).await?;
    if let Some(r) = recovery {
        let mut am = r.into_active_model();
        am.used_at = Set(Some(now));
        am.update(&txn).await?;
        let left = scope::unused_codes_of(p.id).all(&txn).await?.len();
        let summary = format!("signed in with a recovery code ({left} left)");
        return accept(txn, p, now, &entry, meta, default_zone, summary).await;
    }
    failed_attempt(txn, p, now, &entry, "wrong second-factor code").await
}

/// An administrator removes a person's second factor (a lost phone): audited, and the person is
/// told by mail. The person enrols again at its next sign-in if its organisation requires it.
pub async fn reset_of<C: ConnectionTrait>(
    txn: &C,
    by: &Acting<'_>,
    p: &person::Model,
    default_zone: &str,
) -> ServiceResult<bool> {
    let Acting { actor, meta, now } = *by;
    if !remove(txn, p.id).await? {
        return Ok(false);
    }
    AuditEntry::by(actor, meta, AuditAction::SecondFactorReset, format!("person {}", p.email), "second factor and recovery codes removed by an administrator")
        .record(txn, now)
        .await?;
    let zone = p.time_zone.as_deref().unwrap_or(default_zone);
    crate::backend::mail::enqueue(
        txn,
        now,
        &p.email,
        p.locale.as_deref().and_then(crate::i18n::Locale::parse).unwrap_or_default(),
        &super::mail::AuthMail::SecondFactorReset { at: format!("{} ({zone})", format_in_zone(now, zone)), by: actor.display_name.clone() },
    )
    .await?;
    Ok(true)
}

/// The platform's setting: every administrator must enrol. Audited.
pub async fn set_admins_required(db: &DatabaseConnection, by: &Acting<'_>, on: bool) -> ServiceResult<()> {
    let Acting { actor, meta, now } = *by;
    if !actor.has(Role::PlatformAdmin) {
        return Err(ServiceError::Forbidden);
    }
    let txn = write_txn(db).await?;
    // The platform administrator is an administrator too: its own second factor comes first.
    if on && !enrolled(&txn, actor.person_id).await? {
        return Err(ServiceError::invalid("on", Msg::ErrOwnSecondFactorFirst));
    }
    setting::Entity::delete_by_id(ADMINS_KEY.to_string()).exec(&txn).await?;
    if on {
        setting::ActiveModel { key: Set(ADMINS_KEY.into()), value: Set("true".into()) }.insert(&txn).await?;
    }
    let summary = if on { "every administrator must use a second factor" } else { "administrators may sign in without a second factor" };
    AuditEntry::by(actor, meta, AuditAction::SecondFactorPolicy, "platform", summary).record(&txn, now).await?;
    epoch::commit_change(txn).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_code_is_taken_within_one_step_either_side_and_only_once() {
        let t = totp(SECRET, "li@agency.example").unwrap();
        let now = datetime!(2026-12-07 02:00:15 UTC);
        let step = now.unix_timestamp() / 30;
        let code = |s: i64| t.generate((s as u64) * 30);
        assert_eq!(matching_step(&t, &code(step), now, 0), Some(step));
        assert_eq!(matching_step(&t, &code(step - 1), now, 0), Some(step - 1));
        assert_eq!(matching_step(&t, &code(step + 1), now, 0), Some(step + 1));
        assert_eq!(matching_step(&t, &code(step - 2), now, 0), None, "too old");
        assert_eq!(matching_step(&t, &code(step + 2), now, 0), None, "too far ahead");
        // Taken once: the same step again, or an earlier one, is refused.
        assert_eq!(matching_step(&t, &code(step), now, step), None);
        assert_eq!(matching_step(&t, &code(step - 1), now, step), None);
        assert_eq!(matching_step(&t, &code(step + 1), now, step), Some(step + 1));
        // Typed with a space, as apps show it.
        let c = code(step);
        assert_eq!(matching_step(&t, &format!("{} {}", &c[..3], &c[3..]), now, 0), Some(step));
        assert_eq!(matching_step(&t, "12345", now, 0), None);
        assert_eq!(matching_step(&t, "abcdef", now, 0), None);
    }

    #[test]
    fn the_rfc_6238_vector_holds() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); its last six digits.
        let t = TOTP::new(Algorithm::SHA1, 6, 1, 30, b"12345678901234567890".to_vec(), None, "x".into()).unwrap();
        assert_eq!(t.generate(59), "287082");
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_compare_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        let c = &codes[0];
        assert_eq!(hash_code(c), hash_code(&c.to_uppercase().replace('-', " ")));
        assert_ne!(hash_code(c), hash_code(&codes[1]));
    }

    #[test]
    fn who_must_enrol() {
        assert!(required(true, false, &[Role::Staff]));
        assert!(!required(false, false, &[Role::OrgAdmin]));
        assert!(required(false, true, &[Role::OrgAdmin]));
        assert!(required(false, true, &[Role::PlatformAdmin]));
        assert!(!required(false, true, &[Role::Staff, Role::Viewer]));
    }
}
