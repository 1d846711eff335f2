//! The tests' own world, declared here and written by the world builder (`server::tasks::world`):
//! two or more organisations of every kind with their relationships stated — a province over two
//! cities and a neighbouring province, engagements active, ended, invited and declined, an agency
//! moved from one city's regulator to the other — and a year of reports. The tests reason from
//! this declaration, never from the demo data, which may change for its own audience.
use app::tenancy::{DeploymentModel, EngagementRole, EngagementStatus, OrgKind, Phase, ServiceModel, SupplierSubtype};
use server::tasks::world::{org, site, EngagementSpec, OrgSpec, SiteSpec, World};

/// Every account's password.
pub const PASSWORD: &str = "Test-World-2026";
pub const PLATFORM_ORG: &str = "门户平台运营中心";
pub const PLATFORM_ADMIN: &str = "platform@portal.example";
pub const PLATFORM_VIEWER: &str = "viewer@portal.example";

/// The agency the world moves to another regulator once written, and where it goes.
pub const MOVED: (&str, &str) = ("education", "west-regulator");

pub const TEST_WORLD: World = World {
    platform: (PLATFORM_ORG, (PLATFORM_ADMIN, "周敏"), (PLATFORM_VIEWER, "郑洁")),
    orgs: ORGS,
    sites: SITES,
    engagements: ENGAGEMENTS,
    moves: &[MOVED],
    names: &[("agency", "admin", "李伟"), ("agency", "security", "王芳"), ("agency", "duty", "张强")],
    must_change: &[("agency", "security")],
    report_history: true,
    security_checks: &[],
    written_by: "test world",
};

/// The organisation declared under `key`.
pub fn org_of(key: &str) -> &'static OrgSpec {
    TEST_WORLD.org(key).unwrap_or_else(|| panic!("no organisation {key} in the test world"))
}

/// The name of the organisation declared under `key`.
pub fn name_of(key: &str) -> &'static str {
    org_of(key).name
}

use OrgKind::{Agency, Assessor, Csp, Regulator, Supplier};

/// a province with two cities, a neighbouring province, eight agencies, three CSPs,
/// four supply-chain providers and two assessors (regulators before the agencies under them).
pub const ORGS: &[OrgSpec] = &[
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
    // An invitation the CSP declined.
    ("culture", "csp", EngagementRole::Csp, &[], EngagementStatus::Declined),
    (
        "culture",
        "assessor2",
        EngagementRole::Assessor,
        &["wlt.linsheng.gov.cn", "lvyou.linsheng.gov.cn"],
        EngagementStatus::Active,
    ),
];
