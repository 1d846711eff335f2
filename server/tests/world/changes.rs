//! Change notices through the services on both databases: a transformative change to two
//! agencies under different regulators — refused bad input that stores nothing, one agency's
//! acknowledgement, the other's question answered by a revision, implementation refused before
//! both regulators approve, decisions refused to a regulator without jurisdiction and to one that
//! does not decide, the implementation, closing refused without the assessment, then closed and
//! final; each party reading only what its reach allows; steps the database will not rewrite.
use crate::common;

use app::{
    backend::{actor::Acting, ServiceError},
    changes::{
        scope::{change_reader, change_writer},
        service, Action, NoticeFilter, NoticeInput, NoticeStatus, StepInput, StepKind,
    },
    i18n::Msg,
};
use common::backends;
use time::{Duration, OffsetDateTime};

use crate::rosters::{actor, meta};

fn fields<T: std::fmt::Debug>(r: Result<T, ServiceError>) -> Vec<(&'static str, Msg)> {
    match r {
        Err(ServiceError::Invalid(f)) => f.into_iter().map(|f| (f.field, f.msg)).collect(),
        other => panic!("expected refused fields, got {other:?}"),
    }
}

/// A local time the form would carry, `days` from `now` at 10:00 Beijing.
fn local(now: OffsetDateTime, days: i64, hour: u8) -> String {
    let d = app::backend::time_fmt::date_in_zone(now + Duration::days(days), "Asia/Shanghai");
    format!("{d}T{hour:02}:00")
}

async fn site(app: &common::TestApp, domain: &str) -> String {
    common::id_where(&app.db, "website", "domain", domain).await.to_string()
}

#[tokio::test]
async fn a_transformative_change_is_answered_revised_approved_implemented_assessed_and_closed() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let now = app.now();
        let today = now.date();
        let csp = actor(&app, "admin@csp.example").await;
        let by = Acting { actor: &csp, meta: &meta, now };
        let w = change_writer(&app.db, &csp, today).await.expect("the CSP's administrator gives notices");
        let zwfw = site(&app, "zwfw.demo.gov.cn").await;
        let amr = site(&app, "amr.linsheng.gov.cn").await;
        let transport = site(&app, "jtj.xizhou.gov.cn").await;
        let input = NoticeInput {
            change_type: "transformative".into(),
            category: "technical".into(),
            title: "数据中心迁移至二号机房".into(),
            description: "将政务云资源池整体迁移至二号机房。".into(),
            reason: "机房扩容".into(),
            planned_start: local(now, 70, 22),
            planned_end: local(now, 71, 6),
            website_ids: vec![zwfw.clone(), amr.clone()],
            impact_analysis: "迁移期间服务中断约 30 分钟。".into(),
            rollback_plan: "保留原机房资源 7 天，可随时切回。".into(),
            verification_plan: "迁移后全量拨测。".into(),
            contact: "王工 13800000000".into(),
            ..NoticeInput::default()
        };

        // Bad input names each field and stores nothing.
        let bad = NoticeInput {
            change_type: "transformative".into(),
            category: "acquisition_merger".into(),
            title: " ".into(),
            planned_start: local(now, 70, 10),
            planned_end: local(now, 69, 10),
            website_ids: vec![transport.clone()],
            ..NoticeInput::default()
        };
        let refused: Vec<&str> =
            fields(service::submit(&app.db, &by, &w, &bad, "").await).into_iter().map(|f| f.0).collect();
        assert_eq!(
            refused,
            vec![
                "change_type",
                "title",
                "description",
                "impact_analysis",
                "rollback_plan",
                "verification_plan",
                "planned_end",
                "website_ids"
            ],
            "{backend:?}"
        );
        // Too soon for the lead time: refused on the planned start, with the day it could start.
        let soon = NoticeInput { planned_start: local(now, 7, 22), planned_end: local(now, 8, 6), ..input.clone() };
        match service::submit(&app.db, &by, &w, &soon, "").await {
            Err(ServiceError::Invalid(f)) => {
                assert_eq!((f[0].field, f[0].msg), ("planned_start", Msg::ChErrLeadTooSoon));
                let earliest = f[0].detail.clone().expect("the earliest start is named");
                assert!(*earliest > local(now, 30, 0)[..10], "{earliest}");
            }
            other => panic!("expected the lead time refused, got {other:?}"),
        }
        let agency = actor(&app, "admin@agency.example").await;
        let agency_reader = change_reader(&app.db, &agency, today).await.expect("reader");
        let list = service::notice_list(&app.db, &agency_reader, &NoticeFilter::default(), "Asia/Shanghai", now)
            .await
            .expect("list");
        assert_eq!(list.total, 0, "{backend:?}: nothing stored");
        // An emergency may be notified now.
        let urgent = NoticeInput { emergency: "on".into(), ..soon.clone() };
        let urgent = service::submit(&app.db, &by, &w, &urgent, "").await.expect("an emergency");
        let cancel = StepInput { body: "误报，撤销。".into(), ..StepInput::default() };
        assert_eq!(
            service::act(&app.db, &by, &w, urgent, Action::Cancel, &cancel, "").await.expect("cancelled"),
            NoticeStatus::Cancelled
        );

        let id = service::submit(&app.db, &by, &w, &input, "https://portal.example").await.expect("submitted");
        let detail = |who: app::backend::actor::Actor| {
            let app = &app;
            async move {
                let r = change_reader(&app.db, &who, today).await.expect("reader");
                service::notice_detail(&app.db, &r, id, true, "Asia/Shanghai", now).await
            }
        };
        let d = detail(csp.clone()).await.expect("the CSP reads its notice");
        assert_eq!(d.notice.status, NoticeStatus::InReview);
        assert_eq!((d.counts.affected, d.counts.deciders), (2, 2), "two agencies, two regulators");
        assert_eq!(d.deadlines.len(), 5, "{:?}", d.deadlines);
        assert!(d.deadlines.iter().all(|d| !d.state.flagged()));

        // The agency sees it awaiting its answer; the market's agency too; the other CSP not at all.
        let list = service::notice_list(&app.db, &agency_reader, &NoticeFilter::default(), "Asia/Shanghai", now)
            .await
            .expect("list");
        assert_eq!((list.awaiting.len(), list.total), (1, 2), "{backend:?}: the cancelled one awaits nobody");
        let csp2 = actor(&app, "admin@csp2.example").await;
        assert!(matches!(detail(csp2.clone()).await, Err(ServiceError::NotFound)));
        let west = actor(&app, "admin@west-regulator.example").await;
        assert!(
            matches!(detail(west.clone()).await, Err(ServiceError::NotFound)),
            "no affected agency in its jurisdiction"
        );

        // One acknowledges (twice refused); the other asks a question.
        let aw = change_writer(&app.db, &agency, today).await.expect("writer");
        let a_by = Acting { actor: &agency, meta: &meta, now };
        service::act(&app.db, &a_by, &aw, id, Action::Acknowledge, &StepInput::default(), "")
            .await
            .expect("acknowledged");
        assert!(matches!(
            service::act(&app.db, &a_by, &aw, id, Action::Acknowledge, &StepInput::default(), "").await,
            Err(ServiceError::Conflict { field: "action", msg: Msg::ChErrAlreadyAnswered })
        ));
        let market = actor(&app, "admin@market.example").await;
        let mw = change_writer(&app.db, &market, today).await.expect("writer");
        let m_by = Acting { actor: &market, meta: &meta, now };
        assert_eq!(
            fields(service::act(&app.db, &m_by, &mw, id, Action::Ask, &StepInput::default(), "").await),
            vec![("body", Msg::ChErrRequired)]
        );
        let st = service::act(
            &app.db,
            &m_by,
            &mw,
            id,
            Action::Ask,
            &StepInput { body: "迁移窗口能否改到周末？".into(), ..StepInput::default() },
            "",
        )
        .await
        .expect("asked");
        assert_eq!(st, NoticeStatus::RevisionRequested);
        // The agency reads its own answer and the CSP's steps, not the market's question.
        let d = detail(agency.clone()).await.expect("agency reads");
        assert!(d.steps.iter().all(|s| s.kind != StepKind::Question), "{:?}", d.steps);
        assert_eq!((d.counts.acknowledged, d.counts.questions), (1, 1));
        assert_eq!(d.agencies.len(), 1, "only itself named");
        // An agency cannot implement; a CSP cannot acknowledge.
        assert!(matches!(
            service::act(&app.db, &a_by, &aw, id, Action::Implement, &StepInput::default(), "").await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            service::act(&app.db, &by, &w, id, Action::Acknowledge, &StepInput::default(), "").await,
            Err(ServiceError::Forbidden)
        ));

        // The CSP revises (a note is required; the type is fixed); the market acknowledges the revision.
        let revised = NoticeInput {
            planned_start: local(now, 72, 22),
            planned_end: local(now, 73, 6),
            note: "窗口改至周末。".into(),
            ..input.clone()
        };
        assert_eq!(
            fields(
                service::revise(&app.db, &by, &w, id, &NoticeInput { note: String::new(), ..revised.clone() }, "")
                    .await
            ),
            vec![("note", Msg::ChErrNoteRequired)]
        );
        assert_eq!(
            fields(
                service::revise(
                    &app.db,
                    &by,
                    &w,
                    id,
                    &NoticeInput { change_type: "adaptive".into(), ..revised.clone() },
                    ""
                )
                .await
            ),
            vec![("change_type", Msg::ChErrTypeFixed)]
        );
        assert_eq!(service::revise(&app.db, &by, &w, id, &revised, "").await.expect("revised"), 2);
        let d = detail(market.clone()).await.expect("market reads");
        assert!(d.changed.iter().any(|c| c.field == "planned_window"), "{:?}", d.changed);
        assert_eq!(d.notice.status, NoticeStatus::InReview);
        service::act(&app.db, &m_by, &mw, id, Action::Acknowledge, &StepInput::default(), "")
            .await
            .expect("acknowledged");

        // Implementing before both regulators approve is refused.
        assert_eq!(
            fields(service::act(&app.db, &by, &w, id, Action::Implement, &StepInput::default(), "").await),
            vec![("action", Msg::ChErrNeedsApproval)]
        );
        // The province's regulator reads it (its subtree holds the agency) but does not decide.
        let province = actor(&app, "admin@regulator.example").await;
        let pw = change_writer(&app.db, &province, today).await.expect("writer");
        let p_by = Acting { actor: &province, meta: &meta, now };
        assert_eq!(
            fields(service::act(&app.db, &p_by, &pw, id, Action::Approve, &StepInput::default(), "").await),
            vec![("action", Msg::ChErrNotDecider)]
        );
        let ww = change_writer(&app.db, &west, today).await.expect("writer");
        let w_by = Acting { actor: &west, meta: &meta, now };
        assert!(matches!(
            service::act(&app.db, &w_by, &ww, id, Action::Approve, &StepInput::default(), "").await,
            Err(ServiceError::NotFound)
        ));
        for email in ["admin@east-regulator.example", "admin@neighbour-regulator.example"] {
            let reg = actor(&app, email).await;
            let rr = change_reader(&app.db, &reg, today).await.expect("reader");
            let list =
                service::notice_list(&app.db, &rr, &NoticeFilter::default(), "Asia/Shanghai", now).await.expect("list");
            assert_eq!(list.awaiting.len(), 1, "{email}: awaiting its decision");
            let rw = change_writer(&app.db, &reg, today).await.expect("writer");
            service::act(
                &app.db,
                &Acting { actor: &reg, meta: &meta, now },
                &rw,
                id,
                Action::Approve,
                &StepInput::default(),
                "",
            )
            .await
            .expect("approved");
            let list =
                service::notice_list(&app.db, &rr, &NoticeFilter::default(), "Asia/Shanghai", now).await.expect("list");
            assert!(list.awaiting.is_empty(), "{email}: decided");
        }
        let d = detail(csp.clone()).await.expect("csp reads");
        assert_eq!(d.notice.status, NoticeStatus::Cleared);
        assert_eq!((d.counts.acknowledged, d.counts.approved, d.counts.percent), (2, 2, 100));
        assert!(d.allowed.actions.contains(&Action::Implement));

        // The implementation: its end not in the future; closing needs the assessment.
        let later = now + Duration::days(74);
        let by_later = Acting { actor: &csp, meta: &meta, now: later };
        let done =
            StepInput { actual_start: local(now, 72, 22), actual_end: local(now, 73, 5), ..StepInput::default() };
        assert_eq!(
            fields(service::act(&app.db, &by, &w, id, Action::Implement, &done, "").await),
            vec![("actual_end", Msg::ChErrActualFuture)]
        );
        assert_eq!(
            service::act(&app.db, &by_later, &w, id, Action::Implement, &done, "").await.expect("implemented"),
            NoticeStatus::Implemented
        );
        assert_eq!(
            fields(service::act(&app.db, &by_later, &w, id, Action::Close, &StepInput::default(), "").await),
            vec![("action", Msg::ChErrNoAssessment)]
        );
        let assessed =
            StepInput { body: "迁移后安全评估：未发现新增风险。".into(), ..StepInput::default() };
        // The assessment names its report: none attached, refused; an attachment is no report.
        assert_eq!(
            fields(service::act(&app.db, &by_later, &w, id, Action::Assess, &assessed, "").await),
            vec![("files", Msg::ChErrNeedAssessmentFile)]
        );
        let store = app::backend::storage::FileStore::new(app.data_dir.join("files"));
        let pdf = |name: &str| {
            let store = store.clone();
            let name = name.to_string();
            async move {
                app::reports::service::IncomingFile {
                    name,
                    media_type: "application/pdf".into(),
                    received: store.receive(common::PDF).await.expect("received"),
                }
            }
        };
        assert_eq!(
            service::attach(&app.db, &store, &by_later, &w, id, "attachment", vec![pdf("迁移方案附件.pdf").await])
                .await
                .expect("attached"),
            1
        );
        assert_eq!(
            fields(service::act(&app.db, &by_later, &w, id, Action::Assess, &assessed, "").await),
            vec![("files", Msg::ChErrNeedAssessmentFile)]
        );
        // Only the notice's CSP attaches; an agency is refused before anything is stored.
        let agency_w = change_writer(&app.db, &actor(&app, "admin@agency.example").await, today).await.expect("writer");
        let agency_admin = actor(&app, "admin@agency.example").await;
        let by_agency = Acting { actor: &agency_admin, meta: &meta, now: later };
        assert!(matches!(
            service::attach(&app.db, &store, &by_agency, &agency_w, id, "assessment", vec![pdf("x.pdf").await]).await,
            Err(ServiceError::Forbidden)
        ));
        assert_eq!(
            fields(service::attach(&app.db, &store, &by_later, &w, id, "report", vec![pdf("x.pdf").await]).await),
            vec![("purpose", Msg::ChErrPurpose)]
        );
        assert_eq!(
            fields(service::attach(&app.db, &store, &by_later, &w, id, "assessment", vec![]).await),
            vec![("files", Msg::ChErrChooseFile)]
        );
        service::attach(&app.db, &store, &by_later, &w, id, "assessment", vec![pdf("变更后安全评估报告.pdf").await])
            .await
            .expect("the report");
        assert_eq!(
            service::act(&app.db, &by_later, &w, id, Action::Assess, &assessed, "").await.expect("assessed"),
            NoticeStatus::Assessed
        );
        // The assessment step names the report; both files are listed, and a reader of the notice
        // downloads them (the agency), one outside the reach does not (another CSP).
        let agency_r = change_reader(&app.db, &agency_admin, today).await.expect("reader");
        let d = service::notice_detail(&app.db, &agency_r, id, false, "Asia/Shanghai", later).await.expect("detail");
        assert_eq!(d.files.len(), 2);
        let report = d.files.iter().find(|f| f.assessment).expect("the report is listed");
        assert_eq!(report.name, "变更后安全评估报告.pdf");
        let step = d.steps.iter().find(|s| s.kind == StepKind::Assessed).expect("assessed step");
        assert_eq!(step.file.as_ref().map(|f| f.id), Some(report.id));
        let (got, media, sha) = service::file_for_download(&app.db, &agency_r, report.id).await.expect("download");
        assert_eq!((got.size, media.as_str()), (common::PDF.len() as i64, "application/pdf"));
        assert!(store.path_of(&sha).is_some_and(|p| p.exists()));
        let other = actor(&app, "admin@csp2.example").await;
        let other_r = change_reader(&app.db, &other, today).await.expect("reader");
        assert!(matches!(service::file_for_download(&app.db, &other_r, report.id).await, Err(ServiceError::NotFound)));
        // The file sweep keeps bytes a notice's file names.
        assert!(app::changes::scope::bytes_referenced(&app.db, &sha).await.expect("query"));
        assert_eq!(
            service::act(&app.db, &by_later, &w, id, Action::Close, &StepInput::default(), "").await.expect("closed"),
            NoticeStatus::Closed
        );
        assert_eq!(
            fields(
                service::act(
                    &app.db,
                    &by_later,
                    &w,
                    id,
                    Action::Cancel,
                    &StepInput { body: "x".into(), ..StepInput::default() },
                    ""
                )
                .await
            ),
            vec![("action", Msg::ChErrFinal)]
        );
        let d = detail(csp.clone()).await.expect("csp reads");
        let kinds: Vec<StepKind> = d.steps.iter().map(|s| s.kind).collect();
        use StepKind::*;
        assert_eq!(
            kinds,
            vec![
                Submitted,
                Acknowledged,
                Question,
                Revised,
                Acknowledged,
                Approved,
                Approved,
                Implemented,
                Assessed,
                Closed
            ]
        );
        assert!(d.allowed.actions.is_empty());

        // Mail went to the agencies' and regulators' officers, and back to the CSP.
        let mails: Vec<(String, String)> = <app::backend::entity::outbox::Entity as sea_orm::EntityTrait>::find()
            .all(&app.db)
            .await
            .expect("outbox")
            .into_iter()
            .map(|m| (m.to_addr, m.subject))
            .collect();
        assert!(mails.iter().any(|(to, s)| to == "admin@market.example" && s.contains("数据中心迁移")), "{mails:?}");
        assert!(mails.iter().any(|(to, _)| to == "admin@neighbour-regulator.example"), "{mails:?}");
        assert!(mails.iter().any(|(to, s)| to == "admin@csp.example" && s.contains("提出问题")), "{mails:?}");

        // The steps and revisions are append-only: the database refuses to rewrite them.
        for sql in ["UPDATE ch_step SET body = 'x'", "DELETE FROM ch_revision"] {
            let r = sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql).await;
            assert!(r.is_err(), "{backend:?}: {sql} must be refused");
        }
    }
}

#[tokio::test]
async fn adaptive_and_opt_out_notices_and_the_csps_reach() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let now = app.now();
        let today = now.date();
        // A CSP whose engagement has ended names none of that agency's websites.
        let csp2 = actor(&app, "admin@csp2.example").await;
        let w2 = change_writer(&app.db, &csp2, today).await.expect("writer");
        let by2 = Acting { actor: &csp2, meta: &meta, now };
        let adaptive = NoticeInput {
            change_type: "adaptive".into(),
            category: "capacity".into(),
            title: "存储扩容".into(),
            description: "增加 200 TB 存储。".into(),
            planned_start: local(now, -3, 1),
            planned_end: local(now, -3, 5),
            website_ids: vec![site(&app, "jtj.xizhou.gov.cn").await],
            opt_out_offered: "on".into(),
            ..NoticeInput::default()
        };
        assert_eq!(
            fields(service::submit(&app.db, &by2, &w2, &adaptive, "").await),
            vec![("website_ids", Msg::ChErrWebsite)]
        );
        // Neither a supplier nor an agency gives notices.
        let developer = actor(&app, "admin@developer.example").await;
        assert!(matches!(change_writer(&app.db, &developer, today).await, Err(ServiceError::Forbidden)));
        let agency = actor(&app, "admin@agency.example").await;
        let aw = change_writer(&app.db, &agency, today).await.expect("writer");
        assert!(matches!(
            service::submit(&app.db, &Acting { actor: &agency, meta: &meta, now }, &aw, &adaptive, "").await,
            Err(ServiceError::Forbidden)
        ));

        // An adaptive change done three days ago, on the education bureau's websites: no decision.
        let input = NoticeInput { website_ids: vec![site(&app, "zsks.dongzhou.gov.cn").await], ..adaptive.clone() };
        let id = service::submit(&app.db, &by2, &w2, &input, "").await.expect("submitted");
        let education = actor(&app, "admin@education.example").await;
        let ew = change_writer(&app.db, &education, today).await.expect("writer");
        let e_by = Acting { actor: &education, meta: &meta, now };
        let r = change_reader(&app.db, &csp2, today).await.expect("reader");
        let d = service::notice_detail(&app.db, &r, id, true, "Asia/Shanghai", now).await.expect("detail");
        assert!(!d.requires_approval);
        assert_eq!(
            d.deadlines.iter().map(|d| d.kind).collect::<Vec<_>>(),
            vec![app::changes::DeadlineKind::NoticeAfter, app::changes::DeadlineKind::Assessment]
        );
        // The agency opts out; the notice is cleared (no decision needed); implementing needs no approval.
        let st = service::act(
            &app.db,
            &e_by,
            &ew,
            id,
            Action::OptOut,
            &StepInput { body: "本局不参与此次扩容。".into(), ..StepInput::default() },
            "",
        )
        .await
        .expect("opted out");
        assert_eq!(st, NoticeStatus::Cleared);
        // No regulator decides an adaptive change.
        let east = actor(&app, "admin@east-regulator.example").await;
        let rw = change_writer(&app.db, &east, today).await.expect("writer");
        let west = actor(&app, "admin@west-regulator.example").await;
        // The education bureau moved to the west regulator: the west reads it, the east no longer.
        let er = change_reader(&app.db, &east, today).await.expect("reader");
        assert!(matches!(
            service::notice_detail(&app.db, &er, id, true, "Asia/Shanghai", now).await,
            Err(ServiceError::NotFound)
        ));
        let wr = change_reader(&app.db, &west, today).await.expect("reader");
        assert!(service::notice_detail(&app.db, &wr, id, true, "Asia/Shanghai", now).await.is_ok());
        let ww = change_writer(&app.db, &west, today).await.expect("writer");
        assert_eq!(
            fields(
                service::act(
                    &app.db,
                    &Acting { actor: &west, meta: &meta, now },
                    &ww,
                    id,
                    Action::Approve,
                    &StepInput::default(),
                    ""
                )
                .await
            ),
            vec![("action", Msg::ChErrNoApprovalNeeded)]
        );
        assert!(matches!(
            service::act(
                &app.db,
                &Acting { actor: &east, meta: &meta, now },
                &rw,
                id,
                Action::Approve,
                &StepInput::default(),
                ""
            )
            .await,
            Err(ServiceError::NotFound)
        ));
        // Cancelling needs a reason; once cancelled, nothing more.
        assert_eq!(
            fields(service::act(&app.db, &by2, &w2, id, Action::Cancel, &StepInput::default(), "").await),
            vec![("body", Msg::ChErrRequired)]
        );
        let st = service::act(
            &app.db,
            &by2,
            &w2,
            id,
            Action::Cancel,
            &StepInput { body: "改为下月统一实施。".into(), ..StepInput::default() },
            "",
        )
        .await
        .expect("cancelled");
        assert_eq!(st, NoticeStatus::Cancelled);
        assert_eq!(
            fields(service::act(&app.db, &e_by, &ew, id, Action::Acknowledge, &StepInput::default(), "").await),
            vec![("action", Msg::ChErrFinal)]
        );
        // A status filter that is not one is named.
        assert_eq!(
            fields(
                service::notice_list(
                    &app.db,
                    &r,
                    &NoticeFilter { status: Some("lost".into()), page: None },
                    "Asia/Shanghai",
                    now
                )
                .await
            ),
            vec![("status", Msg::ChErrStatus)]
        );
        let list = service::notice_list(
            &app.db,
            &r,
            &NoticeFilter { status: Some("cancelled".into()), page: None },
            "Asia/Shanghai",
            now,
        )
        .await
        .expect("list");
        assert_eq!(list.total, 1);
    }
}

#[tokio::test]
async fn overdue_answers_decisions_and_assessments_are_reminded_once() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let now = app.now();
        let today = now.date();
        let csp = actor(&app, "admin@csp.example").await;
        let by = Acting { actor: &csp, meta: &meta, now };
        let w = change_writer(&app.db, &csp, today).await.expect("writer");
        let input = NoticeInput {
            change_type: "transformative".into(),
            category: "capacity".into(),
            title: "存储扩容至三号机房".into(),
            description: "扩容。".into(),
            planned_start: local(now, 60, 22),
            planned_end: local(now, 61, 2),
            website_ids: vec![site(&app, "zwfw.demo.gov.cn").await, site(&app, "amr.linsheng.gov.cn").await],
            impact_analysis: "无中断。".into(),
            rollback_plan: "回切。".into(),
            verification_plan: "拨测。".into(),
            ..NoticeInput::default()
        };
        let id = service::submit(&app.db, &by, &w, &input, "").await.expect("submitted");
        let agency = actor(&app, "admin@agency.example").await;
        let aw = change_writer(&app.db, &agency, today).await.expect("writer");
        service::act(
            &app.db,
            &Acting { actor: &agency, meta: &meta, now },
            &aw,
            id,
            Action::Acknowledge,
            &StepInput::default(),
            "",
        )
        .await
        .expect("acknowledged");
        // Nothing is due yet; a week on, the market has not answered: reminded once.
        assert_eq!(service::remind_changes(&app.db, now, "").await.expect("run"), 0, "{backend:?}");
        let week = now + Duration::days(7);
        assert_eq!(service::remind_changes(&app.db, week, "").await.expect("run"), 1, "{backend:?}: only the market");
        assert_eq!(service::remind_changes(&app.db, week + Duration::hours(1), "").await.expect("run"), 0, "once");
        // Past the planned start, both regulators are reminded of their decision, once.
        let started = now + Duration::days(62);
        assert_eq!(service::remind_changes(&app.db, started, "").await.expect("run"), 2, "{backend:?}");
        assert_eq!(service::remind_changes(&app.db, started, "").await.expect("run"), 0);
        // The market reads its reminder on the timeline (and its regulator's); the agency not the market's.
        let market = actor(&app, "admin@market.example").await;
        let r = change_reader(&app.db, &market, today).await.expect("reader");
        let d = service::notice_detail(&app.db, &r, id, true, "Asia/Shanghai", now).await.expect("detail");
        let reminded: Vec<&str> =
            d.steps.iter().filter(|s| s.kind == StepKind::Reminded).map(|s| s.body.as_str()).collect();
        assert_eq!(reminded, vec!["answer", "decision"], "its own reminder, and its regulator's: {:?}", d.steps);
        let r = change_reader(&app.db, &agency, today).await.expect("reader");
        let d = service::notice_detail(&app.db, &r, id, true, "Asia/Shanghai", now).await.expect("detail");
        let reminded: Vec<&str> =
            d.steps.iter().filter(|s| s.kind == StepKind::Reminded).map(|s| s.body.as_str()).collect();
        assert_eq!(reminded, vec!["decision"], "its regulator's, never the market's: {:?}", d.steps);
        // An emergency implemented and not assessed: the CSP is reminded once the deadline passes.
        let urgent = NoticeInput {
            emergency: "on".into(),
            planned_start: local(now, -2, 1),
            planned_end: local(now, -2, 3),
            website_ids: vec![site(&app, "wjw.dongzhou.gov.cn").await],
            ..input.clone()
        };
        let id2 = service::submit(&app.db, &by, &w, &urgent, "").await.expect("submitted");
        let done = StepInput { actual_start: local(now, -2, 1), actual_end: local(now, -2, 3), ..StepInput::default() };
        service::act(&app.db, &by, &w, id2, Action::Implement, &done, "").await.expect("implemented");
        let late = now + Duration::days(20);
        let sent = service::remind_changes(&app.db, late, "").await.expect("run");
        let r = change_reader(&app.db, &csp, today).await.expect("reader");
        let d = service::notice_detail(&app.db, &r, id2, true, "Asia/Shanghai", now).await.expect("detail");
        assert_eq!(d.steps.iter().filter(|s| s.kind == StepKind::Reminded).count(), 1, "{backend:?}: {sent} sent");
        let mails: Vec<String> = <app::backend::entity::outbox::Entity as sea_orm::EntityTrait>::find()
            .all(&app.db)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.subject.contains("逾期待办") || m.subject.contains("overdue"))
            .map(|m| m.to_addr)
            .collect();
        assert!(mails.iter().any(|m| m == "admin@market.example"), "{mails:?}");
        assert!(mails.iter().any(|m| m == "admin@neighbour-regulator.example"), "{mails:?}");
        assert!(mails.iter().any(|m| m == "admin@csp.example"), "{mails:?}");
    }
}

/// A JSON call of the machine API with a token: its status and body.
pub(crate) async fn call(
    app: &common::TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let c = reqwest::Client::new();
    let req = match method {
        "GET" => c.get(app.url(path)),
        _ => c.post(app.url(path)).json(&body.unwrap_or(serde_json::Value::Null)),
    };
    common::json(req.bearer_auth(token).send().await.expect("api")).await
}

#[tokio::test]
async fn the_api_gives_a_notice_revises_it_records_its_implementation_and_its_assessment() {
    use app::changes::entity::notice;
    use sea_orm::{EntityTrait, PaginatorTrait};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let now = app.now();
        let token = |email: &'static str| {
            let db = app.db.clone();
            async move { app::auth::tokens::issue_for(&db, now, email, "ci", 30).await.expect("token") }
        };
        let (csp, agency, csp2) =
            (token("admin@csp.example").await, token("admin@agency.example").await, token("admin@csp2.example").await);
        let zwfw = site(&app, "zwfw.demo.gov.cn").await;

        // The document names every endpoint of the module.
        let (_, doc) = app.get_json(&app.client(), "/api/v1/openapi.json").await;
        for path in [
            "/api/v1/changes",
            "/api/v1/changes/{id}",
            "/api/v1/changes/{id}/revisions",
            "/api/v1/changes/{id}/implementation",
            "/api/v1/changes/{id}/steps",
            "/api/v1/changes/{id}/files",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }

        // An adaptive change done three days ago, notified now (within its ten business days).
        let mut notice_json = serde_json::json!({
            "change_type": "adaptive", "category": "capacity", "title": "扩容存储集群",
            "description": "新增两台存储节点。", "reason": "容量", "contact": "运维值班 0571-1",
            "planned_start": local(now, -3, 22), "planned_end": local(now, -4, 2),
            "website_ids": [zwfw.clone()],
        });
        // The end before the start: refused, naming the field, nothing stored.
        let before = notice::Entity::find().count(&app.db).await.expect("count");
        let (status, p) = call(&app, &csp, "POST", "/api/v1/changes", Some(notice_json.clone())).await;
        assert_eq!(status, 422, "{p}");
        assert!(p["errors"].as_array().is_some_and(|e| e.iter().any(|f| f["field"] == "planned_end")), "{p}");
        assert_eq!(notice::Entity::find().count(&app.db).await.expect("count"), before);
        // Only a CSP gives notices.
        notice_json["planned_end"] = local(now, -2, 2).into();
        let (status, _) = call(&app, &agency, "POST", "/api/v1/changes", Some(notice_json.clone())).await;
        assert_eq!(status, 403);
        let (status, created) = call(&app, &csp, "POST", "/api/v1/changes", Some(notice_json.clone())).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().expect("id").to_string();

        // Its state: the CSP's and the affected agency's; another CSP does not find it.
        let (status, d) = call(&app, &csp, "GET", &format!("/api/v1/changes/{id}"), None).await;
        assert_eq!(
            (status, d["notice"]["status"].as_str(), d["current"]["number"].as_i64()),
            (200, Some("in_review"), Some(1)),
            "{d}"
        );
        let (status, _) = call(&app, &csp2, "GET", &format!("/api/v1/changes/{id}"), None).await;
        assert_eq!(status, 404);
        let (status, list) = call(&app, &agency, "GET", "/api/v1/changes", None).await;
        assert_eq!(status, 200, "{list}");
        assert!(list["awaiting"].as_array().is_some_and(|a| a.iter().any(|n| n["id"] == id.as_str())), "{list}");
        let (status, p) = call(&app, &agency, "GET", "/api/v1/changes?status=nothing", None).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("status")), "{p}");

        // The calendar of planned changes: the agency's month shows the window, another CSP's not.
        let month = local(now, -3, 22)[..7].to_string();
        let agency_actor = actor(&app, "admin@agency.example").await;
        let r = change_reader(&app.db, &agency_actor, now.date()).await.expect("reader");
        let m = service::planned_month(&app.db, &r, &month, "Asia/Shanghai", now).await.expect("month");
        let item = m.items.iter().find(|i| i.id.to_string() == id).expect("the window is on the calendar");
        assert!(item.first_day <= item.last_day && usize::from(item.last_day) <= m.days.len(), "{item:?}");
        assert_eq!((m.month.as_str(), m.more), (month.as_str(), 0));
        let other = actor(&app, "admin@csp2.example").await;
        let r2 = change_reader(&app.db, &other, now.date()).await.expect("reader");
        let m2 = service::planned_month(&app.db, &r2, &month, "Asia/Shanghai", now).await.expect("month");
        assert!(m2.items.iter().all(|i| i.id.to_string() != id));
        for bad in ["2026-13", "26-01", "1999-12", "next"] {
            assert_eq!(
                fields(service::planned_month(&app.db, &r, bad, "Asia/Shanghai", now).await),
                vec![("month", Msg::ChErrMonth)]
            );
        }

        // A revision: the CSP's only, with its note; the agency sees what changed.
        let mut revised = notice_json.clone();
        revised["customer_impact"] = "扩容期间无业务中断。".into();
        revised["note"] = "补充客户影响说明".into();
        let (status, _) =
            call(&app, &agency, "POST", &format!("/api/v1/changes/{id}/revisions"), Some(revised.clone())).await;
        assert_eq!(status, 403);
        let (status, r) = call(&app, &csp, "POST", &format!("/api/v1/changes/{id}/revisions"), Some(revised)).await;
        assert_eq!((status, r["revision"].as_i64()), (201, Some(2)), "{r}");
        let (_, d) = call(&app, &agency, "GET", &format!("/api/v1/changes/{id}"), None).await;
        assert!(d["changed"].as_array().is_some_and(|c| c.iter().any(|f| f["field"] == "customer_impact")), "{d}");
        // The agency acknowledges, once.
        let ack = serde_json::json!({"action": "acknowledge"});
        let (status, s) = call(&app, &agency, "POST", &format!("/api/v1/changes/{id}/steps"), Some(ack.clone())).await;
        assert_eq!(status, 200, "{s}");
        let (status, _) = call(&app, &agency, "POST", &format!("/api/v1/changes/{id}/steps"), Some(ack)).await;
        assert_eq!(status, 409);

        // The implementation: reversed times refused; then recorded.
        let path = format!("/api/v1/changes/{id}/implementation");
        let reversed = serde_json::json!({"actual_start": local(now, -2, 2), "actual_end": local(now, -3, 22)});
        let (status, p) = call(&app, &csp, "POST", &path, Some(reversed)).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("actual_end")), "{p}");
        let (status, _) =
            call(&app, &agency, "POST", &path, Some(serde_json::json!({"actual_start": "", "actual_end": ""}))).await;
        assert_eq!(status, 403);
        let done = serde_json::json!({"actual_start": local(now, -3, 22), "actual_end": local(now, -2, 1)});
        let (status, s) = call(&app, &csp, "POST", &path, Some(done)).await;
        assert_eq!((status, s["status"].as_str()), (200, Some("implemented")), "{s}");

        // The assessment: its report first, through the file upload; then the step, then closing.
        let steps = format!("/api/v1/changes/{id}/steps");
        let assess = serde_json::json!({"action": "assess", "body": "扩容后评估：无新增风险。"});
        let (status, p) = call(&app, &csp, "POST", &steps, Some(assess.clone())).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("files")), "{p}");
        let upload = |purpose: &str| {
            reqwest::multipart::Form::new()
                .text("purpose", purpose.to_string())
                .part("files", reqwest::multipart::Part::bytes(common::PDF.to_vec()).file_name("扩容后评估.pdf"))
        };
        let files = app.url(&format!("/api/v1/changes/{id}/files"));
        let res = reqwest::Client::new()
            .post(&files)
            .bearer_auth(&agency)
            .multipart(upload("assessment"))
            .send()
            .await
            .expect("upload");
        assert_eq!(res.status(), 403);
        let res = reqwest::Client::new()
            .post(&files)
            .bearer_auth(&csp2)
            .multipart(upload("assessment"))
            .send()
            .await
            .expect("upload");
        assert_eq!(res.status(), 404);
        let res = reqwest::Client::new()
            .post(&files)
            .bearer_auth(&csp)
            .multipart(upload("assessment"))
            .send()
            .await
            .expect("upload");
        let (status, a) = common::json(res).await;
        assert_eq!((status, a["attached"].as_u64()), (201, Some(1)), "{a}");
        let (status, s) = call(&app, &csp, "POST", &steps, Some(assess)).await;
        assert_eq!((status, s["status"].as_str()), (200, Some("assessed")), "{s}");
        let (status, s) = call(&app, &csp, "POST", &steps, Some(serde_json::json!({"action": "close"}))).await;
        assert_eq!((status, s["status"].as_str()), (200, Some("closed")), "{s}");
        let (status, p) = call(&app, &csp, "POST", &steps, Some(serde_json::json!({"action": "implement"}))).await;
        assert_eq!(status, 422, "{p}");

        // The report downloads for the agency, not for another CSP.
        let (_, d) = call(&app, &agency, "GET", &format!("/api/v1/changes/{id}"), None).await;
        let file = d["files"].as_array().and_then(|f| f.iter().find(|f| f["assessment"] == true)).expect("report")
            ["id"]
            .as_str()
            .expect("id")
            .to_string();
        let res = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/files/{file}")))
            .bearer_auth(&agency)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.expect("bytes").as_ref(), common::PDF);
        let res = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/files/{file}")))
            .bearer_auth(&csp2)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 404);
        let page = app.signed_in("admin@agency.example").await;
        let res = page.get(app.url(&format!("/changes/files/{file}"))).send().await.expect("get");
        assert_eq!(res.status(), 200);

        // The export a person downloads is the API's document, for the same person.
        let (status, export) = app.get_json(&page, &format!("/changes/{id}/export.json")).await;
        assert_eq!(status, 200);
        assert_eq!(export, d);
    }
}

#[tokio::test]
async fn an_agency_holds_its_csp_to_stricter_terms_and_the_platform_corrects_the_calendar() {
    use app::changes::{scope::calendar_keeper, Terms, TermsInput};
    for backend in backends() {
        let app = common::spawn(backend).await;
        let meta = meta();
        let now = app.now();
        let today = now.date();
        let agency = actor(&app, "admin@agency.example").await;
        let by = Acting { actor: &agency, meta: &meta, now };
        let w = change_writer(&app.db, &agency, today).await.expect("writer");
        let rows = service::terms_list(&app.db, &w, today).await.expect("terms");
        let row = rows.iter().find(|r| r.csp == common::world::name_of("csp")).expect("the CSP's engagement");
        assert_eq!((row.terms, row.own), (Terms::DEFAULT, false));
        let e = row.engagement_id;

        // Less notice than the default, a figure that is none: refused by field, nothing stored.
        let shorter = TermsInput { initial_bd: "20".into(), ..TermsInput::default() };
        assert_eq!(
            fields(service::set_terms(&app.db, &by, &w, e, &shorter).await),
            vec![("initial_bd", Msg::ChErrTermsShorter)]
        );
        let none = TermsInput { final_bd: "x".into(), ..TermsInput::default() };
        assert_eq!(
            fields(service::set_terms(&app.db, &by, &w, e, &none).await),
            vec![("final_bd", Msg::ChErrWholeNumber)]
        );
        // Another agency's engagement is not found; a CSP does not set terms.
        let health = actor(&app, "admin@health.example").await;
        let hw = change_writer(&app.db, &health, today).await.expect("writer");
        let by_health = Acting { actor: &health, meta: &meta, now };
        let stricter = TermsInput { initial_bd: "45".into(), after_bd: "3".into(), ..TermsInput::default() };
        assert!(matches!(
            service::set_terms(&app.db, &by_health, &hw, e, &stricter).await,
            Err(ServiceError::NotFound)
        ));
        let csp = actor(&app, "admin@csp.example").await;
        let cw = change_writer(&app.db, &csp, today).await.expect("writer");
        assert!(matches!(service::terms_list(&app.db, &cw, today).await, Err(ServiceError::Forbidden)));
        service::set_terms(&app.db, &by, &w, e, &stricter).await.expect("stricter terms");
        let rows = service::terms_list(&app.db, &w, today).await.expect("terms");
        let row = rows.iter().find(|r| r.engagement_id == e).expect("row");
        assert_eq!((row.terms.initial_bd, row.terms.after_bd, row.terms.final_bd, row.own), (45, 3, 10, true));

        // The CSP's next transformative notice to this agency is held to 45 business days: a start
        // about 35 business days away is refused with the earliest date it allows.
        let by_csp = Acting { actor: &csp, meta: &meta, now };
        let input = NoticeInput {
            change_type: "transformative".into(),
            category: "technical".into(),
            title: "核心网络设备替换".into(),
            description: "更换核心交换机。".into(),
            reason: "设备到期".into(),
            impact_analysis: "切换期间网络中断约 5 分钟。".into(),
            customer_impact: "门户短暂不可访问。".into(),
            rollback_plan: "保留旧设备，可即时回切。".into(),
            verification_plan: "切换后拨测。".into(),
            contact: "网络组 0571-2".into(),
            planned_start: local(now, 50, 22),
            planned_end: local(now, 51, 4),
            website_ids: vec![site(&app, "zwfw.demo.gov.cn").await],
            ..NoticeInput::default()
        };
        let refused = service::submit(&app.db, &by_csp, &cw, &input, "").await;
        let Err(ServiceError::Invalid(f)) = refused else { panic!("expected refused fields, got {refused:?}") };
        assert_eq!((f[0].field, f[0].msg), ("planned_start", Msg::ChErrLeadTooSoon));
        assert!(f[0].detail.as_deref().is_some_and(|d| d.len() == 10), "the earliest date: {:?}", f[0].detail);
        // The same change to an agency on the default terms is in time.
        let health_only = NoticeInput { website_ids: vec![site(&app, "wjw.dongzhou.gov.cn").await], ..input.clone() };
        service::submit(&app.db, &by_csp, &cw, &health_only, "").await.expect("30 business days are kept");

        // The platform operator's corrections: only the platform's administrator; a bad day is
        // refused; a holiday moves a deadline; "as seeded" removes the correction.
        assert!(matches!(calendar_keeper(&agency), Err(ServiceError::Forbidden)));
        let admin = actor(&app, common::world::PLATFORM_ADMIN).await;
        let k = calendar_keeper(&admin).expect("the platform keeps the calendar");
        let by_admin = Acting { actor: &admin, meta: &meta, now };
        assert_eq!(
            fields(service::set_work_day(&app.db, &by_admin, &k, "2027-02-30", "holiday", "").await),
            vec![("day", Msg::ChErrDate)]
        );
        assert_eq!(
            fields(service::set_work_day(&app.db, &by_admin, &k, "2027-03-01", "closed", "").await),
            vec![("mark", Msg::ChErrMark)]
        );
        let monday = time::macros::date!(2027 - 03 - 01);
        let before = service::work_calendar(&app.db).await.expect("calendar");
        assert!(before.is_business_day(monday));
        service::set_work_day(&app.db, &by_admin, &k, "2027-03-01", "holiday", "临时调休").await.expect("set");
        let after = service::work_calendar(&app.db).await.expect("calendar");
        assert!(!after.is_business_day(monday));
        let friday = time::macros::date!(2027 - 02 - 26);
        assert_eq!(
            after.add_business_days(friday, 1),
            before.add_business_days(friday, 2),
            "the next business day after Friday skips the new holiday"
        );
        let rows = service::work_days(&app.db, &k).await.expect("corrections");
        assert_eq!(
            (rows.len(), rows[0].day.as_str(), rows[0].holiday, rows[0].note.as_str()),
            (1, "2027-03-01", true, "临时调休")
        );
        service::set_work_day(&app.db, &by_admin, &k, "2027-03-01", "seeded", "").await.expect("seeded");
        assert!(service::work_days(&app.db, &k).await.expect("corrections").is_empty());
        assert!(service::work_calendar(&app.db).await.expect("calendar").is_business_day(monday));
    }
}
