//! `portal create-admin`: the first platform administrator, with a one-time password.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use time::OffsetDateTime;
use uuid::Uuid;

use app::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    auth::service::hash_password,
    backend::{db::write_txn, ServiceError, ServiceResult},
    domain::{OrgKind, Role},
    tenancy::{
        entity::{organisation, person},
        service::insert_person,
    },
};

/// Creates a platform administrator (and the platform organisation if there is none yet) with a
/// one-time password that must be changed at first sign-in. Returns the password.
pub async fn create_platform_admin(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    email: &str,
    name: &str,
) -> ServiceResult<String> {
    let email = app::auth::rules::parse_email(email).map_err(|m| ServiceError::invalid("email", m))?;
    let txn = write_txn(db).await?;
    if person::Entity::find().filter(person::Column::Email.eq(email.clone())).one(&txn).await?.is_some() {
        return Err(ServiceError::Conflict { field: "email", msg: app::i18n::Msg::ErrEmailTaken });
    }
    let org_id = match organisation::Entity::find()
        .filter(organisation::Column::Kind.eq(OrgKind::Platform.code()))
        .one(&txn)
        .await?
    {
        Some(o) => o.id,
        None => {
            let id = Uuid::new_v4();
            organisation::ActiveModel {
                id: Set(id),
                name: Set("Platform operator / 平台运营方".into()),
                kind: Set(OrgKind::Platform.code().into()),
                supplier_subtype: Set(None),
                regulator_id: Set(None),
                active: Set(true),
                created_at: Set(now),
                second_factor_required: Set(false),
            }
            .insert(&txn)
            .await?;
            id
        }
    };
    let password = app::tenancy::service::one_time_password();
    let roles = [Role::PlatformAdmin, Role::OrgAdmin];
    insert_person(&txn, now, org_id, &email, name, &roles, hash_password(&password)?, true).await?;
    append(
        &txn,
        now,
        AuditEntry {
            actor_person_id: None,
            actor_email: Some("create-admin (command line)".into()),
            organisation_id: Some(org_id),
            action: AuditAction::PersonCreate,
            target: format!("person {email}"),
            summary: "platform administrator created; one-time password, must change".into(),
            source_addr: None,
            user_agent: None,
        },
    )
    .await?;
    // What changed is read by cached views: they read again (here and on other instances).
    app::backend::epoch::bump(&txn).await?;
    txn.commit().await?;
    Ok(password)
}
