//! The demo's change notices, given and answered through the module's services as each
//! organisation's people would: a transformative migration awaiting answers and both regulators'
//! decisions, an adaptive upgrade awaiting acknowledgement, a planned interruption one agency
//! opted out of, an emergency patch awaiting its assessment, and an impact-changing change that
//! went the whole way to closed.
use time::{Duration, OffsetDateTime};

use app::{
    backend::{actor::Acting, request::RequestMeta, time_fmt, ServiceResult},
    changes::{
        scope::change_writer,
        service::{act, revise, submit},
        Action, NoticeInput, StepInput,
    },
    reports::service::IncomingFile,
};

use super::demo_emergency::Seeder;

/// The form's local time, `days` from `now` at `hour` Beijing time.
fn local(now: OffsetDateTime, days: i64, hour: u8) -> String {
    let d = time_fmt::date_in_zone(now + Duration::days(days), time_fmt::DEFAULT_TIME_ZONE);
    format!("{d}T{hour:02}:00")
}

async fn sites(s: &Seeder<'_>, domains: &[&str]) -> ServiceResult<Vec<String>> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = app::tenancy::entity::website::Entity::find()
        .filter(app::tenancy::entity::website::Column::Domain.is_in(domains.iter().copied()))
        .all(s.db)
        .await?;
    Ok(rows.into_iter().map(|w| w.id.to_string()).collect())
}

fn notice(
    kind: &str,
    category: &str,
    title: &str,
    description: &str,
    start: String,
    end: String,
    websites: Vec<String>,
) -> NoticeInput {
    NoticeInput {
        change_type: kind.into(),
        category: category.into(),
        title: title.into(),
        description: description.into(),
        planned_start: start,
        planned_end: end,
        website_ids: websites,
        impact_analysis: "变更涉及计算与存储资源池；预计对网站访问的影响不超过计划窗口，数据不出境、不丢失。".into(),
        customer_impact: "计划窗口内网站可能出现短时访问缓慢或中断，请提前在网站发布公告。".into(),
        rollback_plan: "保留变更前快照与原环境 7 天；验证失败 30 分钟内回切。".into(),
        verification_plan: "变更后全量拨测、漏洞扫描与日志审计，结果随变更后安全评估报告提交。".into(),
        contact: "变更负责人 赵云 0571-8800-1001".into(),
        ..NoticeInput::default()
    }
}

/// The demo's post-change assessment report: a small PDF.
const ASSESSMENT_PDF: &[u8] =
    b"%PDF-1.7\n% demo post-change security assessment\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Writes the demo's change notices.
pub async fn seed(
    db: &sea_orm::DatabaseConnection,
    files: &app::backend::storage::FileStore,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    let s = Seeder {
        db,
        meta: RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None },
        now,
        link_base,
    };
    let at = |days: i64| now - Duration::days(days);
    let step = |body: &str| StepInput { body: body.into(), ..StepInput::default() };

    // 1. The CSP's migration, ten days in: one agency acknowledged, one asked, decisions pending.
    let csp = s.actor("admin@csp.example".into()).await?;
    let then = at(10);
    let w = change_writer(db, &csp, then.date()).await?;
    let migration = notice(
        "transformative",
        "technical",
        "政务云资源池迁移至二号数据中心",
        "将承载示范市、东州市卫健委与邻省市场监管局网站的资源池整体迁移至二号数据中心，提升容灾能力。",
        local(now, 55, 22),
        local(now, 56, 6),
        sites(&s, &["zwfw.demo.gov.cn", "wjw.dongzhou.gov.cn", "amr.linsheng.gov.cn"]).await?,
    );
    let id = submit(db, &Acting { actor: &csp, meta: &s.meta, now: then }, &w, &migration, link_base).await?;
    let agency = s.actor("security@agency.example".into()).await?;
    let aw = change_writer(db, &agency, at(9).date()).await?;
    act(
        db,
        &Acting { actor: &agency, meta: &s.meta, now: at(9) },
        &aw,
        id,
        Action::Acknowledge,
        &step("请提前一周在门户发布维护公告。"),
        link_base,
    )
    .await?;
    let health = s.actor("security@health.example".into()).await?;
    let hw = change_writer(db, &health, at(8).date()).await?;
    act(
        db,
        &Acting { actor: &health, meta: &s.meta, now: at(8) },
        &hw,
        id,
        Action::Ask,
        &step("预约挂号平台夜间仍有业务，迁移窗口能否改到周日凌晨？"),
        link_base,
    )
    .await?;
    let answer = NoticeInput {
        planned_start: local(now, 57, 1),
        planned_end: local(now, 57, 5),
        note: "应东州市卫健委要求，窗口调整至周日凌晨 1:00–5:00。".into(),
        ..migration.clone()
    };
    revise(db, &Acting { actor: &csp, meta: &s.meta, now: at(6) }, &w, id, &answer, link_base).await?;

    // 2. An adaptive upgrade done six days ago, notified two days ago: awaiting the agency.
    let adaptive = notice(
        "adaptive",
        "capacity",
        "Web 应用防火墙规则引擎升级",
        "WAF 规则引擎升级至 5.2 版，新增针对 API 接口的防护规则。",
        local(now, -6, 1),
        local(now, -6, 3),
        sites(&s, &["www.demo.gov.cn"]).await?,
    );
    submit(db, &Acting { actor: &csp, meta: &s.meta, now: at(2) }, &w, &adaptive, link_base).await?;

    // 3. A planned interruption in ten days: the province acknowledged, the transport bureau opted out.
    let csp3 = s.actor("admin@csp3.example".into()).await?;
    let w3 = change_writer(db, &csp3, at(4).date()).await?;
    let interruption = NoticeInput {
        opt_out_offered: "on".into(),
        ..notice(
            "adaptive",
            "planned_interruption",
            "核心交换机固件升级（计划中断 30 分钟）",
            "升级核心交换机固件，期间网络中断约 30 分钟。可选择退出：退出的单位其网站流量将临时切至备用链路。",
            local(now, 10, 2),
            local(now, 10, 3),
            sites(&s, &["www.shifan.gov.cn", "jtj.xizhou.gov.cn"]).await?,
        )
    };
    let id3 = submit(db, &Acting { actor: &csp3, meta: &s.meta, now: at(4) }, &w3, &interruption, link_base).await?;
    let province = s.actor("security@province.example".into()).await?;
    let pw = change_writer(db, &province, at(3).date()).await?;
    act(
        db,
        &Acting { actor: &province, meta: &s.meta, now: at(3) },
        &pw,
        id3,
        Action::Acknowledge,
        &StepInput::default(),
        link_base,
    )
    .await?;
    let transport = s.actor("security@transport.example".into()).await?;
    let tw = change_writer(db, &transport, at(3).date()).await?;
    act(
        db,
        &Acting { actor: &transport, meta: &s.meta, now: at(3) },
        &tw,
        id3,
        Action::OptOut,
        &step("本局网站切至备用链路。"),
        link_base,
    )
    .await?;

    // 4. An impact-changing change, the whole way: approved, implemented, assessed, closed.
    let full = notice(
        "impact_changing",
        "deployment_model",
        "省政府门户网站部署模式由混合云调整为政务云专区",
        "将省政府门户网站从混合云迁入政务云专区，部署模式变更。",
        local(now, -75, 22),
        local(now, -74, 4),
        sites(&s, &["www.shifan.gov.cn", "zwfw.shifan.gov.cn"]).await?,
    );
    let id4 = submit(db, &Acting { actor: &csp3, meta: &s.meta, now: at(130) }, &w3, &full, link_base).await?;
    act(
        db,
        &Acting { actor: &province, meta: &s.meta, now: at(128) },
        &pw,
        id4,
        Action::Acknowledge,
        &StepInput::default(),
        link_base,
    )
    .await?;
    let regulator = s.actor("admin@regulator.example".into()).await?;
    let rw = change_writer(db, &regulator, at(100).date()).await?;
    act(
        db,
        &Acting { actor: &regulator, meta: &s.meta, now: at(100) },
        &rw,
        id4,
        Action::Approve,
        &step("同意。请在变更后 5 个工作日内提交安全评估。"),
        link_base,
    )
    .await?;
    let done = StepInput { actual_start: local(now, -75, 22), actual_end: local(now, -74, 3), ..StepInput::default() };
    act(db, &Acting { actor: &csp3, meta: &s.meta, now: at(73) }, &w3, id4, Action::Implement, &done, link_base)
        .await?;
    let report = files
        .receive(ASSESSMENT_PDF)
        .await
        .map_err(|e| app::backend::ServiceError::Internal(format!("demo assessment report: {e}")))?;
    let report =
        IncomingFile {
            name: "变更后安全评估报告.pdf".into(), media_type: "application/pdf".into(), received: report
        };
    app::changes::service::attach(
        db,
        files,
        &Acting { actor: &csp3, meta: &s.meta, now: at(70) },
        &w3,
        id4,
        "assessment",
        vec![report],
    )
    .await?;
    act(
        db,
        &Acting { actor: &csp3, meta: &s.meta, now: at(70) },
        &w3,
        id4,
        Action::Assess,
        &step("变更后安全评估：等保测评复核通过，未发现新增高危风险。"),
        link_base,
    )
    .await?;
    act(
        db,
        &Acting { actor: &csp3, meta: &s.meta, now: at(69) },
        &w3,
        id4,
        Action::Close,
        &StepInput::default(),
        link_base,
    )
    .await?;

    // 5. An emergency patch, notified afterwards: implemented, its assessment not yet attached.
    let csp2 = s.actor("admin@csp2.example".into()).await?;
    let w2 = change_writer(db, &csp2, at(1).date()).await?;
    let patch = NoticeInput {
        emergency: "on".into(),
        ..notice(
            "transformative",
            "technical",
            "紧急修补 OpenSSL 高危漏洞",
            "官方通报高危漏洞后紧急升级 OpenSSL 并重启负载均衡。",
            local(now, -3, 23),
            local(now, -2, 1),
            sites(&s, &["zsks.dongzhou.gov.cn"]).await?,
        )
    };
    let id5 = submit(db, &Acting { actor: &csp2, meta: &s.meta, now: at(1) }, &w2, &patch, link_base).await?;
    // Done before it is notified a day ago at any hour: 01:00 on the day two days back is at most an
    // hour after that moment (a day's date is read in Beijing), so always before the notice.
    let patched = StepInput { actual_start: local(now, -3, 23), actual_end: local(now, -2, 1), ..StepInput::default() };
    act(db, &Acting { actor: &csp2, meta: &s.meta, now: at(1) }, &w2, id5, Action::Implement, &patched, link_base)
        .await?;
    Ok(())
}
