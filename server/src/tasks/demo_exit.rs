//! The demo's exits, written through the module's services as each organisation's people would:
//! the agency leaving its developer mid-handover (the plan agreed, one item verified, one found
//! mismatched, one on media still to verify, its assessor named), and the province leaving its
//! integrator with the plan still being agreed and a step already overdue.
use time::{Duration, OffsetDateTime};

use app::{
    backend::{actor::Acting, request::RequestMeta, storage::FileStore, time_fmt, ServiceResult},
    exit::{
        scope::exit_writer,
        service::{act, add_item, open, verify_item, Evidence},
        ActInput, ItemInput, OpenInput,
    },
    reports::service::IncomingFile,
};

use super::demo_emergency::Seeder;

fn day(now: OffsetDateTime, days: i64) -> String {
    time_fmt::date_in_zone(now + Duration::days(days), time_fmt::DEFAULT_TIME_ZONE).to_string()
}

fn step(title: &str, owner: &str, due: String) -> ActInput {
    ActInput { text: title.into(), owner: owner.into(), day: due, ..ActInput::default() }
}

/// Writes the demo's exits.
pub async fn seed(
    db: &sea_orm::DatabaseConnection,
    files: &FileStore,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    handover(db, files, now, link_base).await?;
    // Opened twenty days ago, so its first step is overdue today.
    planning(db, now - Duration::days(20), link_base).await
}

async fn handover(
    db: &sea_orm::DatabaseConnection,
    files: &FileStore,
    now: OffsetDateTime,
    link_base: &str,
) -> ServiceResult<()> {
    let s = Seeder {
        db,
        meta: RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None },
        now,
        link_base,
    };
    let today = time_fmt::date_in_zone(now, time_fmt::DEFAULT_TIME_ZONE);
    let agency = s.actor("security@agency.example".into()).await?;
    let developer = s.actor("admin@developer.example".into()).await?;
    let (wa, wd) = (exit_writer(db, &agency, today).await?, exit_writer(db, &developer, today).await?);
    let (by_a, by_d) =
        (Acting { actor: &agency, meta: &s.meta, now }, Acting { actor: &developer, meta: &s.meta, now });
    let engagement = wa
        .openable()
        .all(db)
        .await?
        .into_iter()
        .find(|e| e.role == "developer")
        .ok_or_else(|| app::backend::ServiceError::Internal("the demo's developer engagement".into()))?;
    let input = OpenInput {
        engagement_id: engagement.id.to_string(),
        reason: "provider_change".into(),
        reason_text: "门户网站改版由新的开发单位承担，原开发合同到期不再续签。".into(),
        target_date: day(now, 45),
        new_provider: "青禾软件有限公司".into(),
    };
    let id = open(db, &by_a, &wa, &input, link_base).await?;
    act(db, &by_a, &wa, id, "add_step", &step("移交源代码、构建脚本与部署文档", "provider", day(now, 10)), link_base)
        .await?;
    act(db, &by_d, &wd, id, "add_step", &step("核验移交内容并在测试环境完成构建", "agency", day(now, 20)), link_base)
        .await?;
    act(db, &by_a, &wa, id, "add_step", &step("撤销原开发单位的全部账号与密钥", "agency", day(now, 30)), link_base)
        .await?;
    act(db, &by_a, &wa, id, "agree_plan", &ActInput::default(), link_base).await?;
    act(db, &by_d, &wd, id, "agree_plan", &ActInput::default(), link_base).await?;
    let assessors = wa.assessors(agency.organisation_id).all(db).await?;
    if let Some(a) = assessors.first() {
        act(
            db,
            &by_a,
            &wa,
            id,
            "set_assessor",
            &ActInput { target: a.id.to_string(), ..ActInput::default() },
            link_base,
        )
        .await?;
    }
    // Three items: a document verified, an archive declared with a wrong checksum, media on a disk.
    let doc = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% deployment guide of the portal website\n%%EOF\n";
    let archive = b"PK\x03\x04 source archive of the portal website (demo bytes)\n";
    let item = |kind: &str, name: &str, sha: &str, medium: &str| ItemInput {
        kind: kind.into(),
        name: name.into(),
        description: String::new(),
        format: String::new(),
        size_bytes: if medium.is_empty() { String::new() } else { "5368709120".into() },
        sha256: sha.into(),
        sensitivity: if kind == "data" { "important".into() } else { "general".into() },
        medium: medium.into(),
    };
    let incoming = |name: &'static str, media: &'static str, bytes: &'static [u8]| async move {
        let received = files.receive(bytes).await.map_err(|e| app::backend::ServiceError::Internal(e.to_string()))?;
        Ok::<_, app::backend::ServiceError>(IncomingFile { name: name.into(), media_type: media.into(), received })
    };
    let guide = add_item(
        db,
        files,
        &by_d,
        &wd,
        id,
        &item("document", "部署与运维手册", "", ""),
        Some(incoming("部署手册.pdf", "application/pdf", doc).await?),
        link_base,
    )
    .await?;
    let wrong = "3f1c".repeat(16);
    let code = add_item(
        db,
        files,
        &by_d,
        &wd,
        id,
        &item("code", "网站源代码（含构建脚本）", &wrong, ""),
        Some(incoming("portal-src.zip", "application/zip", archive).await?),
        link_base,
    )
    .await?;
    add_item(
        db,
        files,
        &by_d,
        &wd,
        id,
        &item("data", "内容管理系统数据库备份", &"9b2e".repeat(16), "加密移动硬盘一块，当面交接给信息中心，附交接单"),
        None,
        link_base,
    )
    .await?;
    verify_item(db, files, &by_a, &wa, id, guide, Evidence::Stored, link_base).await?;
    verify_item(db, files, &by_a, &wa, id, code, Evidence::Stored, link_base).await?;
    Ok(())
}

async fn planning(db: &sea_orm::DatabaseConnection, at: OffsetDateTime, link_base: &str) -> ServiceResult<()> {
    let s = Seeder {
        db,
        meta: RequestMeta { request_id: "seed-demo".into(), source_addr: None, user_agent: None },
        now: at,
        link_base,
    };
    let day_at = time_fmt::date_in_zone(at, time_fmt::DEFAULT_TIME_ZONE);
    let province = s.actor("admin@province.example".into()).await?;
    let w = exit_writer(db, &province, day_at).await?;
    let by = Acting { actor: &province, meta: &s.meta, now: at };
    let engagement = w
        .openable()
        .all(db)
        .await?
        .into_iter()
        .find(|e| e.role == "integrator")
        .ok_or_else(|| app::backend::ServiceError::Internal("the demo's integrator engagement".into()))?;
    let input = OpenInput {
        engagement_id: engagement.id.to_string(),
        reason: "contract_end".into(),
        reason_text: "系统集成服务合同期满，运维转由本单位信息中心承担。".into(),
        target_date: day(at, 60),
        new_provider: String::new(),
    };
    let id = open(db, &by, &w, &input, link_base).await?;
    act(db, &by, &w, id, "add_step", &step("提交集成配置清单与网络拓扑", "provider", day(at, 14)), link_base).await?;
    act(db, &by, &w, id, "add_step", &step("交接运维账号并完成权限回收", "agency", day(at, 40)), link_base).await?;
    act(db, &by, &w, id, "agree_plan", &ActInput::default(), link_base).await?;
    Ok(())
}
