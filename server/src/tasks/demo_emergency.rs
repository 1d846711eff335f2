//! The demo's emergency response, written through the module's services as each organisation's
//! people would: every agency's general plan (approved, some past their review, one with a new
//! draft), the providers' emergency contacts, and two years of drills with their follow-up
//! actions — some categories current, some due soon, some overdue or never drilled.
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use time::{Duration, OffsetDateTime};

use app::{
    backend::{actor::Acting, request::RequestMeta, time_fmt, ServiceError, ServiceResult},
    plans::{
        scope::{contact_keeper, plan_writer},
        service, ActionLine, ContactLine, DraftInput, DrillInput, PlanInput, Sections,
    },
    tenancy::entity::{organisation, person},
};

/// Each agency's plan: (agency, days since its approval, a new draft waiting).
const PLANS: &[(&str, i64, bool)] = &[
    ("agency", 200, true),
    ("health", 420, false),
    ("education", 90, false),
    ("transport", 380, false),
    ("water", 30, false),
    ("province", 300, false),
    ("market", 150, false),
    ("culture", 500, false),
];

/// Drills: (agency, category, days ago, outcome, providers taking part by key).
const DRILLS: &[(&str, &str, i64, &str, &[&str])] = &[
    ("agency", "network_attack", 40, "partly", &["csp", "developer"]),
    ("agency", "information_destruction", 300, "effective", &["developer"]),
    ("agency", "harmful_program", 690, "effective", &["csp"]),
    ("agency", "equipment_fault", 800, "effective", &["csp"]),
    ("agency", "backup_restore", 60, "effective", &["csp"]),
    ("health", "network_attack", 200, "effective", &["csp"]),
    ("health", "backup_restore", 120, "partly", &["csp"]),
    ("education", "information_content", 100, "effective", &[]),
    ("province", "network_attack", 20, "effective", &["csp3", "security-service"]),
    ("province", "disaster", 500, "effective", &["csp3"]),
    ("province", "backup_restore", 30, "effective", &["csp3", "integrator"]),
    ("transport", "equipment_fault", 650, "ineffective", &["csp3"]),
    ("market", "harmful_program", 400, "effective", &["csp"]),
    ("culture", "information_content", 710, "effective", &["developer2"]),
];

/// Providers' contacts: (provider, name, duty, phone).
const CONTACTS: &[(&str, &str, &str, &str)] = &[
    ("csp", "赵云", "7×24 运维值班经理", "0571-8800-1001"),
    ("csp2", "钱程", "政务云安全负责人", "0571-8800-2002"),
    ("csp3", "孙立", "客户应急联络人", "0571-8800-3003"),
    ("developer", "周航", "网站开发负责人", "0571-8800-4004"),
    ("integrator", "吴桐", "集成项目经理", "0571-8800-5005"),
    ("security-service", "郑毅", "安全监测组长", "0571-8800-6006"),
    ("assessor", "冯婧", "测评项目负责人", "0571-8800-7007"),
];

fn sections(agency: &str) -> Sections {
    Sections {
        general: format!("编制目的：规范{agency}门户网站及政务服务平台网络安全事件的应急处置。\n适用范围：本单位全部入云政府网站。\n工作原则：统一领导、分级负责、快速响应、协同处置。"),
        roles: "应急领导小组：组长由分管领导担任，负责重大事件决策。\n应急工作组：网络安全负责人牵头，值班人员、云服务商、开发商参与。\n云服务商：按合同约定提供技术支持与事件通报。".into(),
        prevention: "7×24 小时安全监测；每月漏洞扫描；页面篡改监测每 5 分钟一次。\n预警分级：红、橙、黄、蓝四级，按可能造成的影响发布。".into(),
        grading: "按 GB/Z 20986 分为 I 级（特别重大）、II 级（重大）、III 级（较大）、IV 级（一般）。\nI、II 级事件 1 小时内报告主管部门并通报云服务商。".into(),
        procedure: "1. 发现与报告：值班人员确认后立即报告应急工作组。\n2. 先期处置：隔离受影响系统，保全日志与证据。\n3. 应急响应：按级别启动响应，云服务商协同处置。\n4. 恢复与总结：恢复服务后 5 个工作日内提交总结报告。".into(),
        safeguards: "人员：保持值班表 24 小时有人值守。\n技术：每日数据库全量备份，每季度网站文件全量备份，异地备份。\n经费：应急经费纳入年度预算。".into(),
    }
}

/// Writes demo data as the demo's people: their actors, and organisations by key.
pub(super) struct Seeder<'a> {
    pub db: &'a DatabaseConnection,
    pub meta: RequestMeta,
    pub now: OffsetDateTime,
    pub link_base: &'a str,
}

impl Seeder<'_> {
    pub async fn actor(&self, email: String) -> ServiceResult<app::backend::actor::Actor> {
        let p = person::Entity::find()
            .filter(person::Column::Email.eq(email.as_str()))
            .one(self.db)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("no demo person {email}")))?;
        app::auth::actor::load_actor(self.db, p.id, time_fmt::DEFAULT_TIME_ZONE)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("demo person {email} inactive")))
    }

    pub async fn org_id(&self, key: &str) -> ServiceResult<uuid::Uuid> {
        let name = super::demo::DEMO_WORLD.org(key).map(|o| o.name).unwrap_or_default();
        organisation::Entity::find()
            .filter(organisation::Column::Name.eq(name))
            .one(self.db)
            .await?
            .map(|o| o.id)
            .ok_or_else(|| ServiceError::Internal(format!("no demo organisation {key}")))
    }
}

/// Writes the demo's emergency response.
pub async fn seed(db: &DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<()> {
    let s = Seeder {
        db,
        meta: RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None },
        now,
        link_base,
    };
    let today = time_fmt::date_in_zone(now, time_fmt::DEFAULT_TIME_ZONE);
    for (key, approved_days_ago, draft) in PLANS {
        let admin = s.actor(format!("admin@{key}.example")).await?;
        let security = s.actor(format!("security@{key}.example")).await?;
        let w = plan_writer(&admin)?;
        let then = now - Duration::days(*approved_days_ago);
        let by = Acting { actor: &admin, meta: &s.meta, now: then - Duration::days(3) };
        let name = super::demo::DEMO_WORLD.org(key).map(|o| o.name).unwrap_or_default();
        let plan = service::create_plan(
            db,
            &by,
            &w,
            &PlanInput {
                title: format!("{name}网站安全事件应急预案"),
                owner_id: security.person_id.to_string(),
                ..PlanInput::default()
            },
        )
        .await?;
        let text = DraftInput { sections: sections(name), change_note: "首版".into() };
        service::save_draft(db, &by, &w, plan, Some(1), &text).await?;
        let approve = Acting { actor: &security, meta: &s.meta, now: then };
        service::approve(db, &approve, &w, plan, 1).await?;
        if *draft {
            let mut next = sections(name);
            next.safeguards.push_str("\n新增：与云服务商签订异地灾备协议，RTO 4 小时。");
            next.grading = next.grading.replace("1 小时内", "30 分钟内");
            let by = Acting { actor: &security, meta: &s.meta, now: now - Duration::days(2) };
            service::save_draft(
                db,
                &by,
                &w,
                plan,
                None,
                &DraftInput { sections: next, change_note: "年度修订：灾备与报告时限".into() },
            )
            .await?;
        }
    }
    for (key, name, duty, phone) in CONTACTS {
        let admin = s.actor(format!("admin@{key}.example")).await?;
        let keeper = contact_keeper(&admin)?;
        let by = Acting { actor: &admin, meta: &s.meta, now: now - Duration::days(10) };
        for e in service::my_contacts(db, &keeper, today, time_fmt::DEFAULT_TIME_ZONE).await? {
            let lines = [
                ContactLine {
                    name: (*name).into(),
                    duty: (*duty).into(),
                    phone: (*phone).into(),
                    email: format!("oncall@{key}.example"),
                    hours: "7×24".into(),
                },
                ContactLine {
                    name: format!("{name}（备岗）"),
                    duty: "备岗联系人".into(),
                    phone: phone.replace("-1", "-9"),
                    email: String::new(),
                    hours: "工作日 8:30–17:30".into(),
                },
            ];
            service::save_contacts(db, &by, &keeper, e.engagement_id, &lines, today).await?;
        }
    }
    for (key, category, days_ago, outcome, providers) in DRILLS {
        let security = s.actor(format!("security@{key}.example")).await?;
        let w = plan_writer(&security)?;
        let mut participants = Vec::new();
        for p in providers.iter() {
            participants.push(s.org_id(p).await?.to_string());
        }
        let held = today - Duration::days(*days_ago);
        let by = Acting { actor: &security, meta: &s.meta, now: now - Duration::days(days_ago - 1) };
        let day = service::day;
        let actions = if *outcome == "effective" {
            Vec::new()
        } else {
            vec![
                ActionLine {
                    finding: String::new(),
                    title: "优化应急切换流程，缩短恢复时间".into(),
                    owner_org: participants.first().cloned().unwrap_or_default(),
                    owner_name: "赵云".into(),
                    due_on: day(held + Duration::days(30)),
                },
                ActionLine {
                    finding: String::new(),
                    title: "修订预案中的联络清单并组织复训".into(),
                    owner_org: String::new(),
                    owner_name: "王芳".into(),
                    due_on: day(today + Duration::days(20)),
                },
            ]
        };
        let input = DrillInput {
            held_on: day(held),
            category: (*category).into(),
            scenario: format!(
                "模拟{}场景：值班人员发现异常后按预案逐级报告，云服务商协同处置并验证恢复。",
                scenario_of(category)
            ),
            outcome: (*outcome).into(),
            findings: if *outcome == "effective" {
                "各方按预案响应，无重大问题。".into()
            } else {
                "跨单位联络耗时超出预期，部分联系人信息过期。".into()
            },
            participants,
            actions,
            ..DrillInput::default()
        };
        service::record_drill(db, &by, &w, &input, today).await?;
    }
    incidents(&s, today).await?;
    improvement_plans(&s, today).await
}

/// The improvement plans of the demo's security check reports: each agency that reports one
/// lists its findings with measures, owners and due dates — one overdue, one closed.
async fn improvement_plans(s: &Seeder<'_>, today: time::Date) -> ServiceResult<()> {
    use app::reports::{entity::obligation, scope::ObligationScope, ReportKind};
    for key in super::demo::DEMO_WORLD.security_checks {
        let admin = s.actor(format!("admin@{key}.example")).await?;
        let w = plan_writer(&admin)?;
        let reports = app::reports::scope::report_reader(s.db, &admin, today).await?;
        let checks = reports
            .obligations()
            .filter(obligation::Column::Kind.eq(ReportKind::SecurityCheck.code()))
            .all(s.db)
            .await?;
        let Some(check) = checks.first() else { continue };
        let submissions = reports
            .submissions()
            .filter(app::reports::entity::submission::Column::ObligationId.eq(check.id))
            .all(s.db)
            .await?;
        let Some(latest) = submissions.iter().max_by_key(|x| x.period_start) else { continue };
        let csp = s.org_id(if *key == "province" { "csp3" } else { "csp" }).await?.to_string();
        let by = Acting { actor: &admin, meta: &s.meta, now: s.now - Duration::days(60) };
        let day = service::day;
        let items = [
            (
                "门户网站存在弱口令管理账号",
                "全部管理账号启用强口令与双因素认证",
                String::new(),
                "王芳",
                today - Duration::days(20),
            ),
            (
                "云主机安全组开放了不必要的端口",
                "收敛安全组规则，仅开放 80/443",
                csp.clone(),
                "赵云",
                today + Duration::days(25),
            ),
            ("日志留存不足六个月", "日志接入集中审计平台并留存 180 天", csp, "赵云", today - Duration::days(40)),
        ];
        let lines: Vec<ActionLine> = items
            .iter()
            .map(|(finding, measure, owner, who, due)| ActionLine {
                finding: (*finding).into(),
                title: (*measure).into(),
                owner_org: owner.clone(),
                owner_name: (*who).into(),
                due_on: day(*due),
            })
            .collect();
        service::add_improvement_items(s.db, &by, &w, &reports, latest.id, &lines, today).await?;
        // The log item was done: closed with its evidence.
        let plan = service::improvement_plan(
            s.db,
            &app::plans::scope::er_reader(s.db, &admin, today).await?,
            &reports,
            (Some(&w), None),
            latest.id,
            today,
            time_fmt::DEFAULT_TIME_ZONE,
        )
        .await?;
        if let Some(done) = plan.items.iter().find(|i| i.finding.starts_with("日志")) {
            let by = Acting { actor: &admin, meta: &s.meta, now: s.now - Duration::days(5) };
            service::close_action(
                s.db,
                &by,
                service::Closer::Agency(&w),
                done.id,
                "已接入审计平台，留存策略 180 天，截图见附件",
                today,
            )
            .await?;
        }
    }
    Ok(())
}

/// A demo incident: (agency, opened by, title, category, level, domains, hours ago opened,
/// minutes detected before opening, steps after: (hours after opening, what)).
type DemoIncident = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    i64,
    i64,
    &'static [(i64, &'static str)],
);

const INCIDENTS: &[DemoIncident] = &[
    (
        "agency",
        "csp",
        "门户网站遭受大流量 DDoS 攻击",
        "network_attack",
        "II",
        &["www.demo.gov.cn"],
        50,
        95,
        &[
            (1, "status:已启用云清洗，访问恢复 80%"),
            (3, "status:攻击流量下降，持续监测"),
            (5, "contain"),
            (8, "note:开发商完成 CDN 回源配置调整"),
        ],
    ),
    (
        "agency",
        "agency",
        "政务服务网首页出现错误公告",
        "information_content",
        "IV",
        &["zwfw.demo.gov.cn"],
        2,
        20,
        &[(1, "status:已撤下公告，核查发布流程")],
    ),
    (
        "health",
        "health",
        "预约挂号平台数据库连接异常",
        "equipment_fault",
        "III",
        &["yuyue.dongzhou.gov.cn"],
        400,
        30,
        &[(2, "status:云服务商更换故障宿主机"), (4, "resolve"), (30, "close")],
    ),
    (
        "province",
        "csp3",
        "省政府门户网站页面被篡改",
        "information_destruction",
        "I",
        &["www.shifan.gov.cn"],
        9,
        40,
        &[(0, "note:已断开对外访问，保全日志")],
    ),
];

async fn incidents(s: &Seeder<'_>, today: time::Date) -> ServiceResult<()> {
    use app::plans::{scope::incident_writer, IncidentInput};
    use app::tenancy::entity::website;
    for (agency, opener, title, category, level, domains, hours_ago, detected_before, steps) in INCIDENTS {
        let who =
            if opener == agency { format!("security@{agency}.example") } else { format!("duty@{opener}.example") };
        let actor = s.actor(who).await?;
        let w = incident_writer(s.db, &actor, today).await?;
        let opened = s.now - Duration::hours(*hours_ago);
        let mut sites = Vec::new();
        for d in domains.iter() {
            let site = website::Entity::find()
                .filter(website::Column::Domain.eq(*d))
                .one(s.db)
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("no demo website {d}")))?;
            sites.push(site.id.to_string());
        }
        let input = IncidentInput {
            title: (*title).into(),
            category: (*category).into(),
            level: (*level).into(),
            website_ids: sites,
            summary: format!("{title}。值班人员发现后按预案启动响应。"),
            detected_at: (opened - Duration::minutes(*detected_before))
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            ..IncidentInput::default()
        };
        let by = Acting { actor: &actor, meta: &s.meta, now: opened };
        let id = service::open_incident(s.db, &by, &w, &input, s.link_base).await?;
        for (after, step) in steps.iter() {
            let by =
                Acting { actor: &actor, meta: &s.meta, now: opened + Duration::hours(*after) + Duration::minutes(5) };
            match step.split_once(':') {
                Some((kind, body)) => {
                    service::add_entry(s.db, &by, &w, id, kind, body, "").await?;
                }
                None if *step == "resolve" => {
                    service::transition(
                        s.db,
                        &by,
                        &w,
                        id,
                        "resolve",
                        "",
                        "宿主机硬盘控制器故障导致数据库实例中断",
                        "关键数据库应部署主备实例并定期演练切换",
                    )
                    .await?;
                }
                None => {
                    service::transition(s.db, &by, &w, id, step, "", "", "").await?;
                }
            }
        }
    }
    Ok(())
}

fn scenario_of(category: &str) -> &'static str {
    match category {
        "network_attack" => "大流量 DDoS 攻击",
        "information_destruction" => "网页被篡改",
        "harmful_program" => "服务器植入挖矿木马",
        "equipment_fault" => "云主机宿主机故障",
        "backup_restore" => "数据库误删后从备份恢复",
        "information_content" => "首页出现不当信息",
        "disaster" => "机房断电",
        _ => "其他安全事件",
    }
}
