//! Demo data: the organisations, people, websites, engagements and reports a fresh portal shows
//! (`portal seed-demo`), marked as demo data in the settings.
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};
use std::collections::HashMap;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

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
    reports::{
        rules as report_rules, AssessmentSummary, Cadence, Conclusion, CspMonthlySummary, Decision, ReportKind,
        SecurityCheckSummary, SelfCheckSummary, ServiceSummary, Severities, SubmissionStatus, Summary,
    },
    tenancy::{
        entity::{engagement, engagement_website, organisation, person, website},
        service::insert_person,
        DeploymentModel, EngagementRole, EngagementStatus, OrgKind, Phase, Role, ServiceModel, SupplierSubtype,
    },
};

/// Every demo account's password (the README lists them).
pub const DEMO_PASSWORD: &str = "Demo-Portal-2026";

pub struct DemoAccount {
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub must_change: bool,
}

pub struct DemoOrg {
    /// Short key: the people's mail domain is `<key>.example`.
    pub key: &'static str,
    pub name: &'static str,
    pub kind: OrgKind,
    pub subtype: Option<SupplierSubtype>,
    /// The key of the regulator above it, if any.
    pub regulator: Option<&'static str>,
}

const fn org(
    key: &'static str,
    name: &'static str,
    kind: OrgKind,
    subtype: Option<SupplierSubtype>,
    regulator: Option<&'static str>,
) -> DemoOrg {
    DemoOrg { key, name, kind, subtype, regulator }
}

use OrgKind::{Agency, Assessor, Csp, Regulator, Supplier};

/// The demo world: a province with two cities, a neighbouring province, eight agencies, three CSPs,
/// four supply-chain providers and two assessors (regulators before the agencies under them).
pub const DEMO: &[DemoOrg] = &[
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

/// The platform operator's organisation and its administrator.
pub const PLATFORM_ORG: &str = "门户平台运营中心";
pub const PLATFORM_ADMIN: &str = "platform@portal.example";
/// The platform's read-only person: signs in, administers nothing.
pub const PLATFORM_VIEWER: &str = "viewer@portal.example";

const SURNAMES: &[&str] = &[
    "李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "强", "静", "洋", "磊", "丽", "敏", "军", "婷", "杰", "娟", "涛", "霞", "斌", "艳", "超", "琳", "鹏",
    "雪", "浩", "颖", "宇", "倩", "晨",
];

/// The roles every demo organisation has a person for, with the address's local part.
pub const DEMO_ROLES: &[(&str, Role)] = &[
    ("admin", Role::OrgAdmin),
    ("security", Role::SecurityOfficer),
    ("duty", Role::DutyOfficer),
    ("staff", Role::Staff),
    ("viewer", Role::Viewer),
];

/// One person per role in an organisation; names are stable for the same world.
pub fn demo_people(index: usize, org: &DemoOrg) -> Vec<DemoAccount> {
    DEMO_ROLES
        .iter()
        .enumerate()
        .map(|(j, (local, role))| {
            let n = index * DEMO_ROLES.len() + j;
            let name = match (org.key, *local) {
                // The names the README and earlier journeys know.
                ("agency", "admin") => "李伟".to_string(),
                ("agency", "security") => "王芳".to_string(),
                ("agency", "duty") => "张强".to_string(),
                _ => format!("{}{}", SURNAMES[(n * 7) % SURNAMES.len()], GIVEN[(n * 11 + 3) % GIVEN.len()]),
            };
            DemoAccount {
                email: format!("{local}@{}.example", org.key),
                name,
                roles: vec![*role],
                // One account shows the forced change of a default password at first sign-in (§8.3c).
                must_change: org.key == "agency" && *local == "security",
            }
        })
        .collect()
}

/// A demo website (public so tests can reason about the world independently of the policy).
pub struct DemoSite {
    pub agency: &'static str,
    pub name: &'static str,
    pub domain: &'static str,
    pub level: i16,
    pub service: ServiceModel,
    pub deployment: DeploymentModel,
    pub phase: Phase,
    /// Days before the seeding day that the phase began.
    pub since_days: i64,
}

#[allow(clippy::too_many_arguments)]
const fn site(
    agency: &'static str,
    name: &'static str,
    domain: &'static str,
    level: i16,
    service: ServiceModel,
    deployment: DeploymentModel,
    phase: Phase,
    since_days: i64,
) -> DemoSite {
    DemoSite { agency, name, domain, level, service, deployment, phase, since_days }
}

use DeploymentModel::{Community, Government, Hybrid, Private, Public};
use Phase::{Exit, Migration, Operation, Planning, Trial};
use ServiceModel::{Iaas, Paas, Saas};

pub const SITES: &[DemoSite] = &[
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
pub const ENGAGEMENTS: &[(&str, &str, EngagementRole, &[&str], EngagementStatus)] = &[
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
    mark_demo(&txn).await?;
    let hash = hash_password(DEMO_PASSWORD)?;
    let today = now.date();
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
    let mut ids: HashMap<&str, Uuid> = HashMap::new();
    let mut officers: HashMap<&str, Uuid> = HashMap::new();
    let platform_id = Uuid::new_v4();
    insert_org(&txn, now, platform_id, PLATFORM_ORG, OrgKind::Platform, None, None).await?;
    insert_person(
        &txn,
        now,
        platform_id,
        PLATFORM_ADMIN,
        "周敏",
        &[Role::PlatformAdmin, Role::OrgAdmin],
        hash.clone(),
        false,
    )
    .await?;
    insert_person(&txn, now, platform_id, PLATFORM_VIEWER, "郑洁", &[Role::Viewer], hash.clone(), false).await?;
    for (i, o) in DEMO.iter().enumerate() {
        let id = Uuid::new_v4();
        let regulator = o.regulator.and_then(|k| ids.get(k).copied());
        insert_org(&txn, now, id, o.name, o.kind, o.subtype, regulator).await?;
        ids.insert(o.key, id);
        append(
            &txn,
            now,
            system(
                AuditAction::OrganisationCreate,
                Some(id),
                format!("organisation {}", o.name),
                format!("kind={} (demo data)", o.kind.code()),
            ),
        )
        .await?;
        for p in demo_people(i, o) {
            let pid = insert_person(&txn, now, id, &p.email, &p.name, &p.roles, hash.clone(), p.must_change).await?;
            if p.roles.contains(&Role::SecurityOfficer) {
                officers.insert(o.key, pid);
            }
        }
        append(
            &txn,
            now,
            system(
                AuditAction::PersonCreate,
                Some(id),
                format!("{} people", DEMO_ROLES.len()),
                "one person per role (demo data)".into(),
            ),
        )
        .await?;
    }
    let mut sites: HashMap<&str, Uuid> = HashMap::new();
    for (n, s) in SITES.iter().enumerate() {
        let domain = app::tenancy::rules::Domain::parse(s.domain)
            .map_err(|m| ServiceError::Internal(format!("demo domain {}: {m:?}", s.domain)))?;
        let id = Uuid::new_v4();
        let agency_id = ids[s.agency];
        website::ActiveModel {
            id: Set(id),
            agency_id: Set(agency_id),
            name: Set(s.name.into()),
            domain: Set(domain.unicode),
            domain_ascii: Set(domain.ascii),
            protection_level: Set(s.level),
            service_model: Set(s.service.code().into()),
            deployment_model: Set(s.deployment.code().into()),
            phase: Set(s.phase.code().into()),
            phase_since: Set(today - Duration::days(s.since_days)),
            // Every third website still lacks a named security officer.
            security_officer_id: Set(if n % 3 == 2 { None } else { officers.get(s.agency).copied() }),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        sites.insert(s.domain, id);
    }
    let mut engaged = Vec::new();
    for (agency, provider, role, domains, status) in ENGAGEMENTS {
        let id = Uuid::new_v4();
        let ended = *status == EngagementStatus::Ended;
        let (starts, ends) = if ended {
            (today - Duration::days(800), today - Duration::days(100))
        } else {
            (today - Duration::days(300), today + Duration::days(700))
        };
        // The ended one keeps the reports it owed until it ended (its provider reaches none now).
        if matches!(status, EngagementStatus::Active | EngagementStatus::Ended) {
            engaged.push(DemoEngagement {
                id,
                agency: ids[agency],
                provider: ids[provider],
                role: *role,
                agency_officer: officers.get(agency).copied(),
                provider_officer: officers.get(provider).copied(),
                ended_on: ended.then_some(ends),
            });
        }
        engagement::ActiveModel {
            id: Set(id),
            agency_id: Set(ids[agency]),
            provider_id: Set(ids[provider]),
            role: Set(role.code().into()),
            status: Set(status.code().into()),
            starts_on: Set(starts),
            ends_on: Set(ends),
            nda_signed_on: Set((*status != EngagementStatus::Invited).then_some(starts - Duration::days(10))),
            nda_signed_by: Set((*status != EngagementStatus::Invited).then(|| "双方法定代表人".to_string())),
            change_notice_days: Set(if *role == EngagementRole::Csp { 30 } else { 0 }),
            invited_by: Set(platform_id),
            invited_at: Set(now - Duration::days(if ended { 810 } else { 310 })),
            answered_at: Set((*status != EngagementStatus::Invited).then_some(now - Duration::days(305))),
            ended_at: Set(ended.then_some(now - Duration::days(100))),
            ended_by_org: Set(ended.then(|| ids[agency])),
        }
        .insert(&txn)
        .await?;
        for d in *domains {
            engagement_website::ActiveModel { engagement_id: Set(id), website_id: Set(sites[d]) }.insert(&txn).await?;
        }
    }
    let regulated: Vec<(Uuid, Uuid, Option<Uuid>, Option<Uuid>)> = DEMO
        .iter()
        .filter(|o| o.kind == OrgKind::Agency)
        .filter_map(|o| {
            let regulator = o.regulator?;
            Some((ids[o.key], ids[regulator], officers.get(o.key).copied(), officers.get(regulator).copied()))
        })
        .collect();
    let reports = seed_reports(&txn, now, &engaged, &regulated).await?;
    append(
        &txn,
        now,
        system(
            AuditAction::ObligationCreate,
            Some(platform_id),
            "demo reports".into(),
            format!("{} report obligations with their history (demo data)", reports),
        ),
    )
    .await?;
    append(
        &txn,
        now,
        system(
            AuditAction::OrganisationCreate,
            Some(platform_id),
            "demo world".into(),
            format!(
                "{} organisations, {} websites, {} engagements (demo data)",
                DEMO.len() + 1,
                SITES.len(),
                ENGAGEMENTS.len()
            ),
        ),
    )
    .await?;
    // What changed is read by cached views: they read again (here and on other instances).
    app::backend::epoch::bump(&txn).await?;
    txn.commit().await?;
    let zone = app::backend::time_fmt::DEFAULT_TIME_ZONE;
    app::reports::service::open_periods(db, app::backend::time_fmt::date_in_zone(now, zone), zone).await?;
    Ok(SeedOutcome::Loaded)
}

/// A demo engagement that owes reports (active, or ended on `ended_on`).
struct DemoEngagement {
    id: Uuid,
    agency: Uuid,
    provider: Uuid,
    role: EngagementRole,
    agency_officer: Option<Uuid>,
    provider_officer: Option<Uuid>,
    ended_on: Option<time::Date>,
}

/// What happened to one demo period: mostly accepted on time, with every other state present.
fn demo_outcome(obligation: usize, back: usize) -> Option<(SubmissionStatus, i64)> {
    // (status, days after the due date the first version came; negative is early)
    match (obligation % 4, back) {
        (0, 0) => None,                                    // the latest period: overdue
        (1, 0) => Some((SubmissionStatus::Submitted, -3)), // waiting for review
        (2, 0) => Some((SubmissionStatus::Returned, -2)),  // returned with comments
        (3, 1) => None,                                    // an older gap: overdue by weeks
        (_, 2) => Some((SubmissionStatus::Accepted, 4)),   // accepted late
        _ => Some((SubmissionStatus::Accepted, -5)),
    }
}

/// A plausible summary of `kind`, varied by `seed`.
pub fn demo_summary(kind: ReportKind, seed: usize) -> Summary {
    let n = seed as i64;
    let sev = |a: i64| Severities { critical: a % 2, high: 1 + a % 3, medium: 3 + a % 5, low: 6 + a % 7 };
    match kind {
        ReportKind::CspMonthly => Summary::CspMonthly(CspMonthlySummary {
            availability_pct: 99.9 + (n % 9) as f64 / 100.0,
            vulnerabilities_found: sev(n),
            vulnerabilities_fixed: sev(n + 1),
            incidents: n % 3,
            patches_applied: 12 + n % 10,
            backups_succeeded: 30,
            backups_failed: n % 2,
            restore_test_done: n % 3 == 0,
            attacks_blocked: 1200 + 37 * n,
            notes: "本月运行平稳（演示数据）。".into(),
        }),
        ReportKind::SupplierService => Summary::SupplierService(ServiceSummary {
            changes_delivered: 3 + n % 4,
            incidents: n % 2,
            vulnerabilities_found: sev(n),
            vulnerabilities_fixed: sev(n),
            notes: "按计划交付（演示数据）。".into(),
        }),
        ReportKind::Assessment => Summary::Assessment(AssessmentSummary {
            conclusion: Conclusion::BasicallyConforming,
            score: 82.5,
            findings: sev(n),
            notes: "等级保护测评（演示数据）。".into(),
        }),
        ReportKind::SelfCheck => Summary::SelfCheck(SelfCheckSummary {
            websites_checked: 3,
            issues_found: 4 + n % 3,
            issues_fixed: 4,
            notes: "年度自查（演示数据）。".into(),
        }),
        ReportKind::SecurityCheck => Summary::SecurityCheck(SecurityCheckSummary {
            findings: sev(n),
            findings_fixed: sev(n),
            improvement_plan: "一季度内完成全部中高危问题整改（演示数据）。".into(),
            notes: String::new(),
        }),
    }
}

/// One demo obligation with a year of history.
#[allow(clippy::too_many_arguments)]
async fn seed_obligation<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    index: usize,
    kind: ReportKind,
    (submitter, receiver, agency): (Uuid, Uuid, Uuid),
    (engagement_id, ended_on): (Option<Uuid>, Option<time::Date>),
    submitted_by: Option<Uuid>,
    reviewer: Option<Uuid>,
) -> ServiceResult<()> {
    use app::reports::entity::{obligation, review, submission, version};
    let cadence = kind.usual_cadence();
    let today = now.date();
    let current = report_rules::containing(cadence, today);
    // An obligation that ended with its engagement owes up to the period the end fell in.
    let last = ended_on.map(|d| report_rules::containing(cadence, d));
    let history = match cadence {
        Cadence::Monthly => 12,
        Cadence::Quarterly => 6,
        Cadence::HalfYearly => 4,
        Cadence::Yearly => 3,
    };
    let mut first = current;
    for _ in 0..history {
        first = first.prev();
    }
    let id = Uuid::new_v4();
    let due_day = 10u8;
    obligation::ActiveModel {
        id: Set(id),
        kind: Set(kind.code().into()),
        submitter_id: Set(submitter),
        receiver_id: Set(receiver),
        agency_id: Set(agency),
        engagement_id: Set(engagement_id),
        cadence: Set(cadence.code().into()),
        due_day: Set(i16::from(due_day)),
        first_period: Set(report_rules::start(first)),
        last_period: Set(last.map(report_rules::start)),
        created_by: Set(submitted_by.or(reviewer).unwrap_or_default()),
        created_at: Set(now - Duration::days(400)),
        ended_on: Set(ended_on),
        end_reason: Set(None),
        ended_by: Set(None),
    }
    .insert(txn)
    .await?;
    let (Some(by), Some(reviewer)) = (submitted_by, reviewer) else {
        return Ok(());
    };
    // Periods that have ended and are past their due date (or nearly), newest first.
    let mut p = match last {
        Some(l) if l.ordinal() < current.ordinal() => l,
        _ => current.prev(),
    };
    let mut back = 0;
    while p.ordinal() >= first.ordinal() {
        let due = report_rules::due_date(p, due_day);
        let due_at = due.midnight().assume_utc() + Duration::hours(2);
        if let Some((status, offset)) = demo_outcome(index, back) {
            let first_at = due_at + Duration::days(offset);
            if first_at < now {
                let sid = Uuid::new_v4();
                let returned_first =
                    status == SubmissionStatus::Returned || (status == SubmissionStatus::Accepted && back == 3);
                let versions = if returned_first && status == SubmissionStatus::Accepted { 2 } else { 1 };
                let last_at = first_at + Duration::days(if versions == 2 { 2 } else { 0 });
                submission::ActiveModel {
                    id: Set(sid),
                    obligation_id: Set(id),
                    period_start: Set(report_rules::start(p)),
                    status: Set(status.code().into()),
                    versions: Set(versions),
                    first_submitted_at: Set(first_at),
                    last_submitted_at: Set(last_at),
                    decided_at: Set((status != SubmissionStatus::Submitted).then_some(last_at + Duration::days(1))),
                }
                .insert(txn)
                .await?;
                for number in 1..=versions {
                    let at = if number == 1 { first_at } else { last_at };
                    version::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        submission_id: Set(sid),
                        number: Set(number),
                        summary: Set(serde_json::to_string(&demo_summary(kind, index * 31 + back + number as usize))
                            .map_err(|e| ServiceError::Internal(e.to_string()))?),
                        submitted_by: Set(by),
                        submitted_at: Set(at),
                        idempotency_key: Set(None),
                        fingerprint: Set(format!("{:064x}", index * 1000 + back * 10 + number as usize)),
                    }
                    .insert(txn)
                    .await?;
                    let decision = match (status, number == versions) {
                        (SubmissionStatus::Submitted, true) => None,
                        (SubmissionStatus::Returned, true) => {
                            Some((Decision::Return, "请补充本月漏洞修复明细及备份恢复测试记录（演示数据）。"))
                        }
                        (SubmissionStatus::Accepted, true) => Some((Decision::Accept, "")),
                        (_, false) => {
                            Some((Decision::Return, "可用性统计口径与合同不一致，请按合同口径重新计算（演示数据）。"))
                        }
                    };
                    if let Some((decision, comment)) = decision {
                        review::ActiveModel {
                            id: Set(Uuid::new_v4()),
                            submission_id: Set(sid),
                            version_number: Set(number),
                            decision: Set(decision.code().into()),
                            comment: Set(comment.into()),
                            reviewer_id: Set(reviewer),
                            reviewed_at: Set(at + Duration::days(1)),
                        }
                        .insert(txn)
                        .await?;
                    }
                }
            }
        }
        p = p.prev();
        back += 1;
    }
    Ok(())
}

/// Report obligations for every active engagement and every regulated agency, with history.
async fn seed_reports<C: ConnectionTrait>(
    txn: &C,
    now: OffsetDateTime,
    engaged: &[DemoEngagement],
    regulated: &[(Uuid, Uuid, Option<Uuid>, Option<Uuid>)],
) -> ServiceResult<usize> {
    let mut n = 0;
    for e in engaged {
        let kind = app::reports::service::kind_for_role(e.role);
        seed_obligation(
            txn,
            now,
            n,
            kind,
            (e.provider, e.agency, e.agency),
            (Some(e.id), e.ended_on),
            e.provider_officer,
            e.agency_officer,
        )
        .await?;
        n += 1;
    }
    for (agency, regulator, agency_officer, regulator_officer) in regulated {
        seed_obligation(
            txn,
            now,
            n,
            ReportKind::SelfCheck,
            (*agency, *regulator, *agency),
            (None, None),
            *agency_officer,
            *regulator_officer,
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

async fn insert_org<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    id: Uuid,
    name: &str,
    kind: OrgKind,
    subtype: Option<SupplierSubtype>,
    regulator_id: Option<Uuid>,
) -> ServiceResult<()> {
    organisation::ActiveModel {
        id: Set(id),
        name: Set(name.into()),
        kind: Set(kind.code().into()),
        supplier_subtype: Set(subtype.map(|s| s.code().into())),
        active: Set(true),
        regulator_id: Set(regulator_id),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}
