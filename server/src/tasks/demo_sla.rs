//! The demo's SLAs, agreed and recorded through the module's services as each party would: the
//! agency and its CSP agreed common 7×24 terms from the engagement's first day; over the last
//! three months the CSP recorded a power outage, a server outage on both websites, a level-1
//! fault resolved after six and a half hours (its target is four: a breach), and planned
//! maintenance; the agency recorded a network outage the CSP disputes; the ended months' reports
//! are issued. The CSP entered its daily backup runs (one failed last month), a restore test, a
//! backup-retention check that holds and a log-retention check that falls short, and a training.
//! The health bureau has proposed terms its CSP has not answered yet.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::OffsetDateTime;

use app::{
    backend::{actor::Acting, request::RequestMeta, ServiceResult},
    sla::{
        rules::Month,
        scope::sla_writer,
        service::{agreements, measures, months, records},
        AgreementInput, FinishInput, MeasureInput, RecordInput, ReviewInput,
    },
    tenancy::entity::{engagement, website},
};

use super::demo_emergency::Seeder;

/// An instant of day `d` of month `m` at `hm`, Beijing time (RFC 3339).
fn on(m: Month, d: u8, hm: &str) -> String {
    format!("{m}-{d:02}T{hm}:00+08:00")
}

async fn engagement_of(s: &Seeder<'_>, agency: &str, csp: &str) -> ServiceResult<engagement::Model> {
    let (a, c) = (s.org_id(agency).await?, s.org_id(csp).await?);
    engagement::Entity::find()
        .filter(engagement::Column::AgencyId.eq(a))
        .filter(engagement::Column::ProviderId.eq(c))
        .filter(engagement::Column::Status.eq("active"))
        .one(s.db)
        .await?
        .ok_or_else(|| app::backend::ServiceError::Internal(format!("no demo engagement {agency} ↔ {csp}")))
}

async fn site(s: &Seeder<'_>, domain: &str) -> ServiceResult<String> {
    let w = website::Entity::find()
        .filter(website::Column::Domain.eq(domain))
        .one(s.db)
        .await?
        .ok_or_else(|| app::backend::ServiceError::Internal(format!("no demo website {domain}")))?;
    Ok(w.id.to_string())
}

/// Writes the demo's SLAs.
pub async fn seed(db: &sea_orm::DatabaseConnection, now: OffsetDateTime, link_base: &str) -> ServiceResult<()> {
    let s = Seeder {
        db,
        meta: RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None },
        now,
        link_base,
    };
    let agency = s.actor("admin@agency.example".into()).await?;
    let csp = s.actor("admin@csp.example".into()).await?;
    let (by_agency, by_csp) =
        (Acting { actor: &agency, meta: &s.meta, now }, Acting { actor: &csp, meta: &s.meta, now });
    let today = now.date();
    let (wa, wc) = (sla_writer(db, &agency, today).await?, sla_writer(db, &csp, today).await?);
    let e = engagement_of(&s, "agency", "csp").await?;
    let proposal = AgreementInput {
        note: "依据政务云服务合同附件2；计划维护须经变更通知并提前告知。".into(),
        ..AgreementInput::typical(&e.starts_on.to_string())
    };
    let v = agreements::propose(db, &by_agency, &wa, e.id, &proposal, link_base).await?;
    agreements::accept(db, &by_csp, &wc, v, link_base).await?;

    let (portal, www) = (site(&s, "zwfw.demo.gov.cn").await?, site(&s, "www.demo.gov.cn").await?);
    let zone = jiff::tz::TimeZone::get(app::backend::time_fmt::DEFAULT_TIME_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
    let this = Month::of(jiff::Timestamp::from_second(now.unix_timestamp()).unwrap_or_default(), &zone);
    let (last, before) = (this.previous(), this.previous().previous());
    let record = |kind: &str, class: &str, sites: Vec<String>, a: String, b: String, cause: &str| RecordInput {
        kind: kind.into(),
        class: class.into(),
        website_ids: sites,
        started_at: a,
        ended_at: b,
        cause: cause.into(),
        ..RecordInput::default()
    };
    let entered = records::Source::Entered;
    records::record(
        db,
        &by_csp,
        &wc,
        e.id,
        &record(
            "outage",
            "power",
            vec![portal.clone()],
            on(before, 12, "03:10"),
            on(before, 12, "03:40"),
            "市电切换时 UPS 告警，机柜短时掉电",
        ),
        entered,
        link_base,
    )
    .await?;
    records::record(
        db,
        &by_csp,
        &wc,
        e.id,
        &record(
            "maintenance",
            "planned",
            vec![portal.clone(), www.clone()],
            on(last, 6, "01:00"),
            on(last, 6, "03:00"),
            "存储扩容，已按变更通知提前告知",
        ),
        entered,
        link_base,
    )
    .await?;
    let server = record(
        "outage",
        "server",
        vec![portal.clone(), www.clone()],
        on(last, 8, "02:00"),
        on(last, 8, "02:40"),
        "宿主机内核故障，虚拟机迁移恢复",
    );
    let outage = records::record(db, &by_csp, &wc, e.id, &server, entered, link_base).await?;
    let fault = RecordInput {
        responded_at: on(last, 15, "09:12"),
        ..record(
            "fault",
            "level1",
            vec![portal.clone()],
            on(last, 15, "09:00"),
            String::new(),
            "数据库主节点故障，门户全部功能不可用",
        )
    };
    let fault = records::record(db, &by_csp, &wc, e.id, &fault, entered, link_base).await?;
    records::finish(
        db,
        &by_csp,
        &wc,
        e.id,
        fault,
        &FinishInput { ended_at: on(last, 15, "15:30"), resolved_at: on(last, 15, "15:30"), ..FinishInput::default() },
        link_base,
    )
    .await?;
    let network = records::record(
        db,
        &by_agency,
        &wa,
        e.id,
        &record(
            "outage",
            "network",
            vec![www.clone()],
            on(last, 22, "10:00"),
            on(last, 22, "10:25"),
            "拨测显示网站无法访问",
        ),
        entered,
        link_base,
    )
    .await?;
    let confirmed = ReviewInput { review: "confirmed".into(), comment: String::new() };
    records::review(db, &by_agency, &wa, e.id, outage, &confirmed).await?;
    records::review(db, &by_agency, &wa, e.id, fault, &confirmed).await?;
    let dispute = ReviewInput {
        review: "disputed".into(),
        comment: "同时段网络监控无丢包，疑为拨测节点自身故障".into(),
    };
    records::review(db, &by_csp, &wc, e.id, network, &dispute).await?;

    // Daily backups from the month before last to yesterday; last month's 17th failed.
    let entry = |kind: &str, day: time::Date, outcome: &str, oldest: Option<time::Date>, note: &str| MeasureInput {
        kind: kind.into(),
        on_day: day.to_string(),
        outcome: outcome.into(),
        oldest: oldest.map(|d| d.to_string()).unwrap_or_default(),
        note: note.into(),
    };
    let first = app::sla::rules::date_of(before.first_day()).max(e.starts_on);
    let failed = app::sla::rules::date_of(last.first_day()).replace_day(17).unwrap_or(first);
    let mut day = first;
    while day < today {
        let outcome = if day == failed { "failed" } else { "passed" };
        let note = if day == failed { "备份任务超时，次日补做" } else { "" };
        measures::record(db, &by_csp, &wc, e.id, &entry("backup", day, outcome, None, note)).await?;
        day = day.next_day().unwrap_or(today);
    }
    let in_last = |d: u8| app::sla::rules::date_of(last.first_day()).replace_day(d).unwrap_or(first).max(first);
    let checks = [
        entry("restore_test", in_last(20), "passed", None, "从 30 天前的全量备份恢复至测试环境，校验通过"),
        entry(
            "backup_check",
            in_last(25),
            "",
            Some(in_last(25) - time::Duration::days(35)),
            "备份系统在存最早全量备份",
        ),
        entry(
            "log_check",
            in_last(25),
            "",
            Some(in_last(25) - time::Duration::days(120)),
            "日志平台保留策略误设为 120 天，已整改",
        ),
        entry("training", in_last(10), "", None, "政务云安全运维培训（线上，42 人）"),
    ];
    for c in &checks {
        measures::record(db, &by_csp, &wc, e.id, c).await?;
    }
    months::close_months(db, now, link_base).await?;

    // The health bureau proposed terms of its own; its CSP has not answered yet.
    let health = s.actor("admin@health.example".into()).await?;
    let wh = sla_writer(db, &health, today).await?;
    let eh = engagement_of(&s, "health", "csp").await?;
    let stricter = AgreementInput {
        server_pct: "99.95".into(),
        l1_hours: "2".into(),
        ..AgreementInput::typical(&today.to_string())
    };
    agreements::propose(db, &Acting { actor: &health, meta: &s.meta, now }, &wh, eh.id, &stricter, link_base).await?;
    Ok(())
}
