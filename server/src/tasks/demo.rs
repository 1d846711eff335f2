//! Demo data: the world a fresh portal shows (`portal seed-demo`) — a province with two cities, a
//! neighbouring province, their agencies and providers, and a year of reports — declared here and
//! written by the world builder (`world.rs`), marked as demo data in the settings.
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use time::OffsetDateTime;

use app::{
    audit::{
        service::{append, AuditEntry},
        AuditAction,
    },
    auth::service::hash_password,
    backend::{
        db::write_txn,
        settings::{is_demo, mark_demo},
        ServiceError, ServiceResult,
    },
    tenancy::{
        entity::{organisation, person},
        DeploymentModel, EngagementRole, EngagementStatus, OrgKind, Phase, ServiceModel, SupplierSubtype,
    },
};

use super::world::{org, site, Account, EngagementSpec, OrgSpec, SiteSpec, World};

/// Every demo account's password (the README lists them).
pub const DEMO_PASSWORD: &str = "Demo-Portal-2026";

/// The platform operator's organisation and its administrator.
pub const PLATFORM_ORG: &str = "门户平台运营中心";
pub const PLATFORM_ADMIN: &str = "platform@portal.example";
/// The platform's read-only person: signs in, administers nothing.
pub const PLATFORM_VIEWER: &str = "viewer@portal.example";

use OrgKind::{Agency, Assessor, Csp, Regulator, Supplier};

/// The demo world: a province with two cities, a neighbouring province, eight agencies, three CSPs,
/// four supply-chain providers and two assessors (regulators before the agencies under them).
pub const DEMO: &[OrgSpec] = &[
    org("regulator", "示范省网信办", Regulator, None, None),
    org("east-regulator", "示范省东州市网信办", Regulator, None, Some("regulator")),
    org("west-regulator", "示范省西州市网信办", Regulator, None, Some("regulator")),
    org("neighbour-regulator", "邻省网信办", Regulator, None, None),
    org("agency", "示范市政务服务数据管理局", Agency, None, Some("east-regulator")),
    org("health", "东州市卫生健康委员会", Agency, None, Some("east-regulator")),
    org("education", "东州市教育局", Agency, None, Some("east-regulator")),
    org("transport", "西州市交通运输局", Agency, None, Some("west-regulator")),
    org("water", "西州市水利局", Agency, None, Some("west-regulator")),
    org("province", "示范省人民政府办公厅", Agency, None, Some("regulator")),
    org("market", "邻省市场监督管理局", Agency, None, Some("neighbour-regulator")),
    org("culture", "邻省文化和旅游厅", Agency, None, Some("neighbour-regulator")),
    org("csp", "示范云计算有限公司", Csp, None, None),
    org("csp2", "华东政务云服务有限公司", Csp, None, None),
    org("csp3", "天穹云科技股份有限公司", Csp, None, None),
    org("developer", "示范网站开发有限公司", Supplier, Some(SupplierSubtype::Developer), None),
    org("developer2", "青禾软件有限公司", Supplier, Some(SupplierSubtype::Developer), None),
    org("integrator", "恒信系统集成有限公司", Supplier, Some(SupplierSubtype::Integrator), None),
    org("security-service", "安盾网络安全服务有限公司", Supplier, Some(SupplierSubtype::SecurityService), None),
    org("assessor", "示范信息安全测评中心", Assessor, None, None),
    org("assessor2", "国信测评技术有限公司", Assessor, None, None),
];

use DeploymentModel::{Community, Government, Hybrid, Private, Public};
use Phase::{Exit, Migration, Operation, Planning, Trial};
use ServiceModel::{Iaas, Paas, Saas};

pub const SITES: &[SiteSpec] = &[
    site("agency", "示范市政务服务网", "zwfw.demo.gov.cn", 3, Iaas, Government, Operation, 620),
    site("agency", "示范市政府门户网站", "www.demo.gov.cn", 3, Paas, Government, Operation, 900),
    site("agency", "示范市数据开放平台", "data.demo.gov.cn", 2, Saas, Public, Trial, 40),
    // Level 4 on a public cloud: flagged (§6.3.2b).
    site("health", "东州市卫健委网站", "wjw.dongzhou.gov.cn", 4, Iaas, Public, Operation, 400),
    site("health", "东州市预约挂号平台", "yuyue.dongzhou.gov.cn", 3, Saas, Hybrid, Migration, 20),
    // A domain outside the government suffixes: flagged (§6.3.4.4c).
    site("education", "东州市教育局网站", "jyj.dongzhou-edu.com", 2, Paas, Community, Operation, 700),
    site("education", "东州市招生考试信息网", "zsks.dongzhou.gov.cn", 2, Saas, Government, Operation, 300),
    // Trial operation for more than three months: flagged (§7.4.1a).
    site("transport", "西州市交通运输局网站", "jtj.xizhou.gov.cn", 3, Iaas, Private, Trial, 130),
    site("water", "西州市水利局网站", "slj.xizhou.gov.cn", 2, Iaas, Government, Operation, 500),
    site("water", "西州市防汛信息平台", "fx.xizhou.gov.cn", 3, Paas, Government, Planning, 10),
    site("province", "示范省人民政府门户网站", "www.shifan.gov.cn", 3, Iaas, Government, Operation, 1000),
    site("province", "示范省政务服务网", "zwfw.shifan.gov.cn", 3, Paas, Government, Operation, 800),
    site("province", "示范省政务公开平台", "gk.示范.政务.cn", 2, Saas, Government, Operation, 365),
    site("province", "示范省旧版门户网站", "old.shifan.gov.cn", 2, Iaas, Government, Exit, 60),
    site("market", "邻省市场监管局网站", "amr.linsheng.gov.cn", 2, Iaas, Government, Operation, 450),
    site("culture", "邻省文旅厅网站", "wlt.linsheng.gov.cn", 2, Paas, Public, Operation, 380),
    site("culture", "邻省智慧旅游平台", "lvyou.linsheng.gov.cn", 3, Saas, Government, Migration, 15),
];

/// (agency, provider, role, websites by domain, status); dates are around the seeding day.
pub const ENGAGEMENTS: &[EngagementSpec] = &[
    ("agency", "csp", EngagementRole::Csp, &["zwfw.demo.gov.cn", "www.demo.gov.cn"], EngagementStatus::Active),
    ("agency", "developer", EngagementRole::Developer, &["www.demo.gov.cn"], EngagementStatus::Active),
    (
        "agency",
        "assessor",
        EngagementRole::Assessor,
        &["zwfw.demo.gov.cn", "www.demo.gov.cn", "data.demo.gov.cn"],
        EngagementStatus::Active,
    ),
    ("health", "csp", EngagementRole::Csp, &["wjw.dongzhou.gov.cn", "yuyue.dongzhou.gov.cn"], EngagementStatus::Active),
    (
        "education",
        "csp2",
        EngagementRole::Csp,
        &["jyj.dongzhou-edu.com", "zsks.dongzhou.gov.cn"],
        EngagementStatus::Active,
    ),
    // The one that has ended.
    ("transport", "csp2", EngagementRole::Csp, &["jtj.xizhou.gov.cn"], EngagementStatus::Ended),
    ("transport", "csp3", EngagementRole::Csp, &["jtj.xizhou.gov.cn"], EngagementStatus::Active),
    // An invitation still waiting for the CSP's answer.
    ("water", "csp3", EngagementRole::Csp, &["slj.xizhou.gov.cn", "fx.xizhou.gov.cn"], EngagementStatus::Invited),
    (
        "province",
        "csp3",
        EngagementRole::Csp,
        &["www.shifan.gov.cn", "zwfw.shifan.gov.cn", "gk.示范.政务.cn"],
        EngagementStatus::Active,
    ),
    ("province", "integrator", EngagementRole::Integrator, &["zwfw.shifan.gov.cn"], EngagementStatus::Active),
    (
        "province",
        "security-service",
        EngagementRole::SecurityService,
        &["www.shifan.gov.cn", "zwfw.shifan.gov.cn"],
        EngagementStatus::Active,
    ),
    ("market", "csp", EngagementRole::Csp, &["amr.linsheng.gov.cn"], EngagementStatus::Active),
    ("culture", "developer2", EngagementRole::Developer, &["lvyou.linsheng.gov.cn"], EngagementStatus::Active),
    (
        "culture",
        "assessor2",
        EngagementRole::Assessor,
        &["wlt.linsheng.gov.cn", "lvyou.linsheng.gov.cn"],
        EngagementStatus::Active,
    ),
];

/// The demo world as declared.
pub const DEMO_WORLD: World = World {
    platform: (PLATFORM_ORG, (PLATFORM_ADMIN, "周敏"), (PLATFORM_VIEWER, "郑洁")),
    orgs: DEMO,
    sites: SITES,
    engagements: ENGAGEMENTS,
    moves: &[],
    // The names the README and earlier journeys know.
    names: &[("agency", "admin", "李伟"), ("agency", "security", "王芳"), ("agency", "duty", "张强")],
    // One account shows the forced change of a default password at first sign-in (§8.3c).
    must_change: &[("agency", "security")],
    report_history: true,
    security_checks: &["agency", "province"],
    written_by: "seed-demo",
};

/// One person per role in the `index`th demo organisation.
pub fn demo_people(index: usize, org: &OrgSpec) -> Vec<Account> {
    DEMO_WORLD.people(index, org)
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded,
    AlreadyLoaded,
}

/// Loads the demo world, all in one transaction. Refuses a database that holds anything but demo
/// data.
/// `link_base` is the portal's public address, which mails written with the data link to.
/// `files` is the store the demo's attachments go to.
pub async fn seed(
    db: &DatabaseConnection,
    files: &app::backend::storage::FileStore,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<SeedOutcome> {
    let txn = write_txn(db).await?;
    if is_demo(&txn).await? {
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    if organisation::Entity::find().count(&txn).await? > 0 || person::Entity::find().count(&txn).await? > 0 {
        return Err(ServiceError::Internal(
            "this database holds data that is not demo data; seed-demo only runs on an empty or demo database".into(),
        ));
    }
    mark_demo(&txn).await?;
    let built = DEMO_WORLD.write(&txn, now, hash_password(DEMO_PASSWORD)?).await?;
    summarise(&txn, now, built.platform_id, built.obligations).await?;
    // What changed is read by cached views: they read again (here and on other instances).
    app::backend::epoch::bump(&txn).await?;
    txn.commit().await?;
    DEMO_WORLD.settle(db, now, &built).await?;
    duty_desks(db, now).await?;
    super::demo_emergency::seed(db, now, link_base).await?;
    super::demo_changes::seed(db, files, now, link_base).await?;
    super::demo_sla::seed(db, now, link_base).await?;
    super::demo_exit::seed(db, files, now, link_base).await?;
    Ok(SeedOutcome::Loaded)
}

/// A demo duty desk: (organisation, roster, cover, pattern, handoff, hours, members by role).
type Desk =
    (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static [&'static str]);

/// The demo's duty desks, set up through the rosters' services as each organisation's
/// administrator would.
const DESKS: &[Desk] = &[
    ("agency", "网络安全应急值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "security", "staff"]),
    ("health", "卫健委网络安全值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "security"]),
    ("education", "教育局网站值班", "out_of_hours", "weekly", "09:00", OUT_OF_HOURS, &["duty", "staff"]),
    ("transport", "交通局应急值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "security"]),
    ("province", "省政府网站 7×24 值班", "always", "daily", "09:00", "", &["duty", "security", "staff"]),
    ("csp", "云平台 7×24 运维值班", "always", "weekly", "09:00", "", &["duty", "staff", "security"]),
    ("csp2", "政务云安全值班", "always", "daily", "09:00", "", &["duty", "staff"]),
    ("csp3", "天穹云值班台", "always", "weekly", "09:00", "", &["duty", "security"]),
    ("security-service", "安全监测值守", "always", "daily", "08:30", "", &["duty", "staff", "security"]),
    ("water", "水利局网站值班", "out_of_hours", "weekly", "09:00", OUT_OF_HOURS, &["duty", "staff"]),
    ("market", "市场监管局网络安全值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "security"]),
    ("culture", "文旅厅网站值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "staff"]),
    ("developer", "开发运维值班", "out_of_hours", "weekly", "09:00", OUT_OF_HOURS, &["duty", "staff"]),
    ("developer2", "青禾运维值班", "out_of_hours", "weekly", "09:00", OUT_OF_HOURS, &["duty", "security"]),
    ("integrator", "集成运维值班", "out_of_hours", "daily", "18:00", OUT_OF_HOURS, &["duty", "staff"]),
    ("assessor", "测评中心应急联络", "none", "weekly", "09:00", "", &["duty", "security"]),
    ("assessor2", "国信测评应急联络", "none", "weekly", "09:00", "", &["duty", "staff"]),
];

/// Weekday nights and whole weekends, as a rotation's hours (the cover a roster asks by default).
const OUT_OF_HOURS: &str = app::rosters::OUT_OF_HOURS_CODE;

async fn duty_desks(db: &DatabaseConnection, now: OffsetDateTime) -> ServiceResult<()> {
    use app::rosters::{scope::roster_manager, service, RosterInput, RotationInput, SpecialInput};
    let meta =
        app::backend::request::RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None };
    let today = app::backend::time_fmt::date_in_zone(now, app::backend::time_fmt::DEFAULT_TIME_ZONE);
    let monday = today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let person = |email: String| async move {
        person::Entity::find()
            .filter(person::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("no demo person {email}")))
    };
    for (key, name, cover, pattern, handoff, hours, roles) in DESKS {
        let admin = person(format!("admin@{key}.example")).await?;
        let actor = app::auth::actor::load_actor(db, admin.id, app::backend::time_fmt::DEFAULT_TIME_ZONE)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("demo administrator of {key} inactive")))?;
        let by = app::backend::actor::Acting { actor: &actor, meta: &meta, now };
        let mgr = roster_manager(&actor)?;
        let phone = format!("0571-8{:03}-0000", name.chars().count());
        let input = RosterInput {
            name: (*name).into(),
            time_zone: app::backend::time_fmt::DEFAULT_TIME_ZONE.into(),
            cover: (*cover).into(),
            phone,
            email: format!("duty@{key}.example"),
            ..RosterInput::default()
        };
        let roster = service::create_roster(db, &by, &mgr, &input).await?;
        let mut members = Vec::new();
        for role in *roles {
            members.push(service::member(person(format!("{role}@{key}.example")).await?.id));
        }
        let rotation = RotationInput {
            name: if hours.is_empty() { "全天轮值".into() } else { "工作时间外轮值".into() },
            pattern: (*pattern).into(),
            handoff: (*handoff).into(),
            anchor: monday.to_string(),
            hours: (*hours).into(),
            members,
            ..RotationInput::default()
        };
        service::add_rotation(db, &by, &mgr, roster, &rotation).await?;
        if *key == "agency" {
            // A backup around the clock, and the New Year holiday's round-the-clock duty, whose
            // office hours nobody covers yet: the gap the demo shows.
            let backup = RotationInput {
                name: "备班".into(),
                layer: "backup".into(),
                pattern: "weekly".into(),
                handoff: "09:00".into(),
                anchor: monday.to_string(),
                members: vec![service::member(admin.id)],
                ..RotationInput::default()
            };
            service::add_rotation(db, &by, &mgr, roster, &backup).await?;
            let year = today.year() + 1;
            let special = SpecialInput {
                name: format!("{year}年元旦假期"),
                starts_at: format!("{}-12-31 18:00", year - 1),
                ends_at: format!("{year}-01-03 18:00"),
                round_the_clock: true,
                report_every_hours: "4".into(),
            };
            service::create_special(db, &by, &mgr, roster, &special).await?;
            // The staff member offers their next shift to colleagues: the duty officer's
            // dashboard shows it waiting to be taken.
            let staff = person(format!("staff@{key}.example")).await?;
            let staff = app::auth::actor::load_actor(db, staff.id, app::backend::time_fmt::DEFAULT_TIME_ZONE)
                .await?
                .ok_or_else(|| ServiceError::Internal("demo staff inactive".into()))?;
            let stander = app::rosters::scope::duty_stander(&staff)?;
            let mine = service::my_duty(db, &stander, None, now, app::backend::time_fmt::DEFAULT_TIME_ZONE).await?;
            if let Some(next) = mine.shifts.iter().find(|s| !s.now && s.roster_id == roster) {
                let offer = app::rosters::OfferInput {
                    roster_id: roster.to_string(),
                    layer: next.layer.clone(),
                    starts_at: next.starts_at.clone(),
                    ends_at: next.ends_at.clone(),
                    note: "孩子生病需陪护，求同事代班".into(),
                };
                let by_staff = app::backend::actor::Acting { actor: &staff, meta: &meta, now };
                service::offer_shift(db, &by_staff, &stander, &offer).await?;
            }
        }
    }
    // Who is on duty now, recorded as the duty job would (it runs again once the portal serves).
    service::record_duty(db, now, 1000).await?;
    Ok(())
}

/// The platform's audit entries that say what the demo world holds.
async fn summarise<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    platform_id: uuid::Uuid,
    obligations: usize,
) -> ServiceResult<()> {
    let system = |action, target: &str, summary: String| AuditEntry {
        actor_person_id: None,
        actor_email: Some("seed-demo".into()),
        organisation_id: Some(platform_id),
        action,
        target: target.into(),
        summary,
        source_addr: None,
        user_agent: None,
    };
    let reports = format!("{obligations} report obligations with their history (demo data)");
    append(txn, now, system(AuditAction::ObligationCreate, "demo reports", reports)).await?;
    let world = format!(
        "{} organisations, {} websites, {} engagements (demo data)",
        DEMO.len() + 1,
        SITES.len(),
        ENGAGEMENTS.len()
    );
    append(txn, now, system(AuditAction::OrganisationCreate, "demo world", world)).await?;
    Ok(())
}
