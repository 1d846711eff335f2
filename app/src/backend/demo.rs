//! Demo data: the marker that a database holds only demo data, and the seeding of it.
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{db::write_txn, entity::setting, ServiceError, ServiceResult};
use crate::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    auth::service::hash_password,
    tenancy::{
        entity::{organisation, person},
        service::insert_person,
        OrgKind, Role, SupplierSubtype,
    },
};

const DEMO_KEY: &str = "demo_data";
/// Every demo account's password (the README lists them).
pub const DEMO_PASSWORD: &str = "Demo-Portal-2026";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub roles: &'static [Role],
    pub must_change: bool,
}

pub struct DemoOrg {
    pub name: &'static str,
    pub kind: OrgKind,
    pub subtype: Option<SupplierSubtype>,
    pub people: &'static [DemoAccount],
}

pub const DEMO: &[DemoOrg] = &[
    DemoOrg {
        name: "门户平台运营中心",
        kind: OrgKind::Platform,
        subtype: None,
        people: &[DemoAccount {
            email: "platform@portal.example",
            name: "平台管理员 周敏",
            roles: &[Role::PlatformAdmin, Role::OrgAdmin],
            must_change: false,
        }],
    },
    DemoOrg {
        name: "示范市政务服务数据管理局",
        kind: OrgKind::Agency,
        subtype: None,
        people: &[
            DemoAccount {
                email: "admin@agency.example",
                name: "李伟",
                roles: &[Role::OrgAdmin],
                must_change: false,
            },
            DemoAccount {
                email: "security@agency.example",
                name: "王芳",
                roles: &[Role::SecurityOfficer],
                must_change: true,
            },
            DemoAccount {
                email: "duty@agency.example",
                name: "张强",
                roles: &[Role::DutyOfficer],
                must_change: false,
            },
        ],
    },
    DemoOrg {
        name: "示范云计算有限公司",
        kind: OrgKind::Csp,
        subtype: None,
        people: &[DemoAccount {
            email: "admin@csp.example",
            name: "陈静",
            roles: &[Role::OrgAdmin],
            must_change: false,
        }],
    },
    DemoOrg {
        name: "示范网站开发有限公司",
        kind: OrgKind::Supplier,
        subtype: Some(SupplierSubtype::Developer),
        people: &[DemoAccount {
            email: "admin@developer.example",
            name: "刘洋",
            roles: &[Role::OrgAdmin],
            must_change: false,
        }],
    },
    DemoOrg {
        name: "示范信息安全测评中心",
        kind: OrgKind::Assessor,
        subtype: None,
        people: &[DemoAccount {
            email: "admin@assessor.example",
            name: "赵磊",
            roles: &[Role::OrgAdmin],
            must_change: false,
        }],
    },
    DemoOrg {
        name: "示范省网信办",
        kind: OrgKind::Regulator,
        subtype: None,
        people: &[DemoAccount {
            email: "admin@regulator.example",
            name: "孙丽",
            roles: &[Role::OrgAdmin],
            must_change: false,
        }],
    },
];

pub async fn is_demo<C: ConnectionTrait>(db: &C) -> ServiceResult<bool> {
    Ok(setting::Entity::find_by_id(DEMO_KEY.to_string())
        .one(db)
        .await?
        .is_some_and(|s| s.value == "true"))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded,
    AlreadyLoaded,
}

/// Loads the demo organisations and people, all in one transaction. Refuses a database that
/// holds anything but demo data.
pub async fn seed(db: &DatabaseConnection, now: OffsetDateTime) -> ServiceResult<SeedOutcome> {
    let txn = write_txn(db).await?;
    if is_demo(&txn).await? {
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    if organisation::Entity::find().count(&txn).await? > 0 || person::Entity::find().count(&txn).await? > 0 {
        return Err(ServiceError::Internal(
            "this database holds data that is not demo data; seed-demo only runs on an empty or demo database".into(),
        ));
    }
    setting::ActiveModel {
        key: Set(DEMO_KEY.into()),
        value: Set("true".into()),
    }
    .insert(&txn)
    .await?;
    let hash = hash_password(DEMO_PASSWORD)?;
    for org in DEMO {
        let org_id = Uuid::new_v4();
        organisation::ActiveModel {
            id: Set(org_id),
            name: Set(org.name.into()),
            kind: Set(org.kind.code().into()),
            supplier_subtype: Set(org.subtype.map(|s| s.code().into())),
            regulator_id: Set(None),
            active: Set(true),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        let system = |action, organisation_id, target: String, summary: String| AuditEntry {
            actor_person_id: None,
            actor_email: Some("seed-demo".into()),
            organisation_id,
            action,
            target,
            summary,
            source_addr: None,
            user_agent: None,
        };
        append(
            &txn,
            now,
            system(
                AuditAction::OrganisationCreate,
                Some(org_id),
                format!("organisation {}", org.name),
                format!("kind={} (demo data)", org.kind.code()),
            ),
        )
        .await?;
        for p in org.people {
            insert_person(&txn, now, org_id, p.email, p.name, p.roles, hash.clone(), p.must_change).await?;
            let roles = p.roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
            append(
                &txn,
                now,
                system(
                    AuditAction::PersonCreate,
                    Some(org_id),
                    format!("person {}", p.email),
                    format!("roles={roles} (demo data)"),
                ),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(SeedOutcome::Loaded)
}

/// Creates a platform administrator (and the platform organisation if there is none yet) with a
/// one-time password that must be changed at first sign-in. Returns the password.
pub async fn create_platform_admin(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    email: &str,
    name: &str,
) -> ServiceResult<String> {
    let email = crate::auth::rules::parse_email(email).map_err(|m| ServiceError::invalid("email", m))?;
    let txn = write_txn(db).await?;
    if person::Entity::find()
        .filter(person::Column::Email.eq(email.clone()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict {
            field: "email",
            msg: crate::i18n::Msg::ErrEmailTaken,
        });
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
            }
            .insert(&txn)
            .await?;
            id
        }
    };
    let password = crate::tenancy::service::one_time_password();
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
    txn.commit().await?;
    Ok(password)
}
