//! SLA agreements through the services on both databases: bad terms refused field by field with
//! nothing stored; the agency proposes, the CSP answers with a proposal of its own, the agency
//! accepts it; a later version may neither rewrite the months before it nor start in the past;
//! each party is told by mail and both trails record it; a provider without an engagement in
//! force, another CSP and a regulator cannot write, and each reader sees only its own reach.
//! Records: bad ones refused by field, duplicates refused, the other party confirms or disputes
//! (a dispute counts apart), the month closes into a frozen report with its breach mailed to
//! both parties, and a reclassification with its reason issues the report's next version.
use crate::common;

use app::{
    backend::{
        actor::{Acting, Actor},
        request::RequestMeta,
        ServiceError,
    },
    i18n::Msg,
    sla::{
        entity::{day, month, record, version},
        rules::{self, Month},
        scope::{sla_reader, sla_writer, SlaWriter},
        service::{agreements, months, records, views},
        AgreementInput, FinishInput, Metric, ReclassInput, RecordInput, ReviewInput, VersionStatus,
    },
    tenancy::entity::{engagement, engagement_website},
};
use common::backends;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    reach::engagement_between,
    rosters::{actor, meta, refused},
};

const LINK: &str = "http://portal.test";

/// Terms as a form carries them, from `from` (`YYYY-MM-DD`).
fn terms(from: &str) -> AgreementInput {
    AgreementInput::typical(from)
}

/// The agency and the CSP of the demo's engagement in force, each with its SLA writer, and the
/// request and clock they act at.
async fn parties(
    app: &common::TestApp,
) -> (RequestMeta, time::OffsetDateTime, engagement::Model, [Actor; 2], [SlaWriter; 2]) {
    let now = app.now();
    let e = engagement_between(app, "agency", "csp", "active").await;
    let agency = actor(app, "admin@agency.example").await;
    let csp = actor(app, "admin@csp.example").await;
    let wa = sla_writer(&app.db, &agency, now.date()).await.expect("the agency writes its SLAs");
    let wc = sla_writer(&app.db, &csp, now.date()).await.expect("the CSP writes its SLAs");
    (meta(), now, e, [agency, csp], [wa, wc])
}

/// Mails in the outbox to addresses at `domain` (any: "") whose subject holds either text (the
/// English and the Chinese of one subject).
async fn mails(app: &common::TestApp, domain: &str, subject: [&str; 2]) -> u64 {
    use app::backend::entity::outbox;
    outbox::Entity::find()
        .filter(outbox::Column::ToAddr.like(if domain.is_empty() { "%".to_string() } else { format!("%@{domain}") }))
        .filter(
            sea_orm::Condition::any()
                .add(outbox::Column::Subject.contains(subject[0]))
                .add(outbox::Column::Subject.contains(subject[1])),
        )
        .count(&app.db)
        .await
        .expect("count")
}

async fn mails_to(app: &common::TestApp, domain: &str) -> u64 {
    mails(app, domain, ["SLA", "服务水平协议"]).await
}

#[tokio::test]
async fn an_agency_proposes_the_csp_answers_and_the_agency_accepts_the_answer() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let (meta, now, e, [agency, csp], [wa, wc]) = parties(&app).await;
        let today = now.date();
        let (by_agency, by_csp) =
            (Acting { actor: &agency, meta: &meta, now }, Acting { actor: &csp, meta: &meta, now });
        let first_day = e.starts_on.to_string();
        let stored = || async {
            version::Entity::find().filter(version::Column::EngagementId.eq(e.id)).count(&app.db).await.expect("count")
        };

        // Bad terms: every bad field named at once, nothing stored.
        let bad = AgreementInput {
            power_pct: "101".into(),
            l2_hours: "0".into(),
            monthly_fee: "abc".into(),
            ..terms(&first_day)
        };
        assert_eq!(
            refused(agreements::propose(&app.db, &by_agency, &wa, e.id, &bad, LINK).await),
            [("power_pct", Msg::SlaErrPercentRange), ("l2_hours", Msg::SlaErrWhole), ("monthly_fee", Msg::SlaErrMoney)]
        );
        let before = (e.starts_on - time::Duration::days(1)).to_string();
        assert_eq!(
            refused(agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&before), LINK).await),
            [("effective_from", Msg::SlaErrBeforeEngagement)]
        );
        assert_eq!(stored().await, 0);

        // The agency proposes from the engagement's first day; the CSP is told.
        let v1 = agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&first_day), LINK).await.expect("proposed");
        // Each of the CSP's officers (its administrator and security officer) is told once.
        let officers = mails_to(&app, "csp.example").await;
        assert!(officers >= 1);
        assert_eq!(mails_to(&app, "csp2.example").await, 0);
        assert_eq!(
            refused(agreements::accept(&app.db, &by_agency, &wa, v1, LINK).await),
            [("version", Msg::SlaErrOwnProposal)],
            "a party cannot accept its own proposal"
        );
        // The CSP answers: maintenance counted as available.
        let answer = AgreementInput { maintenance: "available".into(), ..terms(&first_day) };
        let v2 = agreements::propose(&app.db, &by_csp, &wc, e.id, &answer, LINK).await.expect("answered");
        assert_eq!(
            refused(agreements::accept(&app.db, &by_agency, &wa, v1, LINK).await),
            [("version", Msg::SlaErrNotPending)],
            "an answered proposal is no longer open"
        );
        assert_eq!(
            refused(agreements::withdraw(&app.db, &by_agency, &wa, v2).await),
            [("version", Msg::SlaErrNotYours)]
        );
        agreements::accept(&app.db, &by_agency, &wa, v2, LINK).await.expect("accepted");
        assert_eq!(mails_to(&app, "csp.example").await, 2 * officers, "the proposer is told of the acceptance");
        assert!(mails_to(&app, "agency.example").await >= 1, "the agency was told of the answer");
        let rows =
            version::Entity::find().filter(version::Column::EngagementId.eq(e.id)).all(&app.db).await.expect("rows");
        let status = |id| rows.iter().find(|v| v.id == id).map(|v| v.status.clone()).expect("row");
        assert_eq!(status(v1), VersionStatus::Answered.code());
        assert_eq!(status(v2), VersionStatus::Accepted.code());
        assert_eq!(
            rows.iter().find(|v| v.id == v2).map(|v| (v.number, v.maintenance.as_str())),
            Some((2, "available"))
        );

        // A later version starts after the accepted one, and not in the past.
        let days = |n: i64| (today + time::Duration::days(n)).to_string();
        assert_eq!(
            refused(agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&first_day), LINK).await),
            [("effective_from", Msg::SlaErrNotAfterAccepted)]
        );
        if e.starts_on < today - time::Duration::days(1) {
            assert_eq!(
                refused(agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&days(-1)), LINK).await),
                [("effective_from", Msg::SlaErrInThePast)]
            );
        }
        let v3 = agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&days(10)), LINK)
            .await
            .expect("a later version");
        agreements::withdraw(&app.db, &by_agency, &wa, v3).await.expect("withdrawn by its proposer");

        // Others: another CSP and a regulator cannot write; an ended engagement is closed to both.
        let csp2 = actor(&app, "admin@csp2.example").await;
        let w2 = sla_writer(&app.db, &csp2, today).await.expect("another CSP writes its own");
        let by2 = Acting { actor: &csp2, meta: &meta, now };
        assert!(matches!(
            agreements::propose(&app.db, &by2, &w2, e.id, &terms(&days(10)), LINK).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(agreements::accept(&app.db, &by2, &w2, v2, LINK).await, Err(ServiceError::NotFound)));
        let ended = engagement_between(&app, "transport", "csp2", "ended").await;
        assert!(matches!(
            agreements::propose(&app.db, &by2, &w2, ended.id, &terms(&days(10)), LINK).await,
            Err(ServiceError::NotFound)
        ));
        let east = actor(&app, "admin@east-regulator.example").await;
        assert!(matches!(sla_writer(&app.db, &east, today).await, Err(ServiceError::Forbidden)));
        let developer = actor(&app, "admin@developer.example").await;
        assert!(matches!(sla_reader(&app.db, &developer, today).await, Err(ServiceError::Forbidden)));

        // Readers: both parties and the agency's regulators; not the neighbouring province.
        let count = |who: app::backend::actor::Actor| {
            let db = app.db.clone();
            async move {
                let r = sla_reader(&db, &who, today).await.expect("a reader");
                r.versions().filter(version::Column::EngagementId.eq(e.id)).count(&db).await.expect("count")
            }
        };
        assert_eq!(count(agency.clone()).await, 3);
        assert_eq!(count(csp.clone()).await, 3);
        assert_eq!(count(east).await, 3);
        assert_eq!(count(actor(&app, "admin@regulator.example").await).await, 3);
        assert_eq!(count(actor(&app, "admin@neighbour-regulator.example").await).await, 0);
        assert_eq!(count(csp2).await, 0);
        let trail = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.eq("sla_accepted"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(trail, 2, "the acceptance is in both parties' trails");
    }
}

/// An instant of day `d` of month `m` at `hm`, Shanghai time, as the API would send it.
fn on(m: Month, d: u8, hm: &str) -> String {
    format!("{m}-{d:02}T{hm}:00+08:00")
}

async fn breach_mails(app: &common::TestApp) -> u64 {
    mails(app, "", ["missed its targets", "未达标"]).await
}

#[tokio::test]
async fn records_compute_the_month_disputes_count_apart_and_a_reclassification_reissues_it() {
    for backend in backends() {
        let app = common::spawn(backend).await;
        let (meta, now, e, [agency, csp], [wa, wc]) = parties(&app).await;
        let today = now.date();
        let (by_agency, by_csp) =
            (Acting { actor: &agency, meta: &meta, now }, Acting { actor: &csp, meta: &meta, now });
        let v = agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&e.starts_on.to_string()), LINK)
            .await
            .expect("proposed");
        agreements::accept(&app.db, &by_csp, &wc, v, LINK).await.expect("accepted");
        let site = engagement_website::Entity::find()
            .filter(engagement_website::Column::EngagementId.eq(e.id))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the engagement covers a website")
            .website_id;
        let zone = jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone");
        let m = Month::of(jiff::Timestamp::from_second(now.unix_timestamp()).expect("now"), &zone).previous();
        let outage = |class: &str, a: String, b: String| RecordInput {
            kind: "outage".into(),
            class: class.into(),
            website_ids: vec![site.to_string()],
            started_at: a,
            ended_at: b,
            cause: "机房交换机故障".into(),
            ..RecordInput::default()
        };
        let stored = || async {
            record::Entity::find().filter(record::Column::EngagementId.eq(e.id)).count(&app.db).await.expect("count")
        };

        // Bad records: every bad field named, nothing stored.
        let bad = RecordInput {
            kind: "fault".into(),
            class: "power".into(),
            website_ids: vec![uuid::Uuid::new_v4().to_string()],
            started_at: on(m, 10, "09:00"),
            ended_at: on(m, 10, "08:00"),
            cause: "x".repeat(4001),
            ..RecordInput::default()
        };
        assert_eq!(
            refused(records::record(&app.db, &by_csp, &wc, e.id, &bad, records::Source::Api, "").await),
            [
                ("class", Msg::SlaErrClassOfKind),
                ("website_ids", Msg::SlaErrWebsiteOutside),
                ("ended_at", Msg::SlaErrEndBeforeStart),
                ("cause", Msg::SlaErrTextLong)
            ]
        );
        let later =
            (now + time::Duration::days(2)).format(&time::format_description::well_known::Rfc3339).expect("format");
        let future = outage("server", later, String::new());
        assert_eq!(
            refused(records::record(&app.db, &by_csp, &wc, e.id, &future, records::Source::Api, "").await),
            [("started_at", Msg::SlaErrFuture)]
        );
        let none = RecordInput { website_ids: vec![], ..outage("server", on(m, 10, "09:00"), on(m, 10, "11:00")) };
        assert_eq!(
            refused(records::record(&app.db, &by_csp, &wc, e.id, &none, records::Source::Api, "").await),
            [("website_ids", Msg::SlaErrNoWebsite)]
        );
        assert_eq!(stored().await, 0);

        // The CSP records a server outage (2 h) and a level-1 fault resolved after 6 h (its
        // target is 4 h); the agency records a network outage the CSP disputes.
        let r1 = records::record(
            &app.db,
            &by_csp,
            &wc,
            e.id,
            &outage("server", on(m, 10, "09:00"), on(m, 10, "11:00")),
            records::Source::Entered,
            "",
        )
        .await
        .expect("recorded");
        let twice = outage("server", on(m, 10, "10:00"), on(m, 10, "12:00"));
        assert_eq!(
            refused(records::record(&app.db, &by_agency, &wa, e.id, &twice, records::Source::Entered, "").await),
            [("started_at", Msg::SlaErrOverlap)],
            "the same class on the same website at the same time is one record"
        );
        let fault = RecordInput {
            kind: "fault".into(),
            class: "level1".into(),
            website_ids: vec![site.to_string()],
            started_at: on(m, 12, "09:00"),
            responded_at: on(m, 12, "09:10"),
            ..RecordInput::default()
        };
        let r3 = records::record(&app.db, &by_csp, &wc, e.id, &fault, records::Source::Entered, "")
            .await
            .expect("a fault under way");
        let late = FinishInput { resolved_at: on(m, 12, "15:00"), ..FinishInput::default() };
        assert_eq!(
            refused(records::finish(&app.db, &by_agency, &wa, e.id, r3, &late, "").await),
            [("record", Msg::SlaErrNotOpen)]
        );
        records::finish(&app.db, &by_csp, &wc, e.id, r3, &late, "").await.expect("resolved");
        assert_eq!(
            refused(records::finish(&app.db, &by_csp, &wc, e.id, r3, &late, "").await),
            [("resolved_at", Msg::SlaErrEndSet)]
        );
        let r2 = records::record(
            &app.db,
            &by_agency,
            &wa,
            e.id,
            &outage("network", on(m, 20, "10:00"), on(m, 20, "12:00")),
            records::Source::Entered,
            "",
        )
        .await
        .expect("recorded");
        let confirm = ReviewInput { review: "confirmed".into(), comment: String::new() };
        assert_eq!(
            refused(records::review(&app.db, &by_csp, &wc, e.id, r1, &confirm).await),
            [("review", Msg::SlaErrReviewOwn)]
        );
        records::review(&app.db, &by_agency, &wa, e.id, r1, &confirm).await.expect("confirmed");
        let dispute = ReviewInput { review: "disputed".into(), comment: String::new() };
        assert_eq!(
            refused(records::review(&app.db, &by_csp, &wc, e.id, r2, &dispute).await),
            [("comment", Msg::SlaErrDisputeComment)]
        );
        let dispute = ReviewInput { comment: "监控显示网络正常，系应用自身问题".into(), ..dispute };
        records::review(&app.db, &by_csp, &wc, e.id, r2, &dispute).await.expect("disputed");

        // Another CSP reaches none of it.
        let csp2 = actor(&app, "admin@csp2.example").await;
        let w2 = sla_writer(&app.db, &csp2, today).await.expect("another CSP");
        let by2 = Acting { actor: &csp2, meta: &meta, now };
        assert!(matches!(
            records::record(
                &app.db,
                &by2,
                &w2,
                e.id,
                &outage("power", on(m, 3, "01:00"), on(m, 3, "02:00")),
                records::Source::Api,
                ""
            )
            .await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(records::review(&app.db, &by2, &w2, e.id, r1, &confirm).await, Err(ServiceError::NotFound)));

        // The month closes: its report is issued once, breached, and both parties are told.
        assert_eq!(breach_mails(&app).await, 0);
        months::close_months(&app.db, now, LINK).await.expect("closed");
        months::close_months(&app.db, now, LINK).await.expect("closed again: nothing new");
        let report = |version: i32| {
            let db = app.db.clone();
            async move {
                let row = month::Entity::find()
                    .filter(month::Column::EngagementId.eq(e.id))
                    .filter(month::Column::Month.eq(m.to_string()))
                    .filter(month::Column::Version.eq(version))
                    .one(&db)
                    .await
                    .expect("query")
                    .expect("the month's report");
                let f: months::MonthFigures = serde_json::from_str(&row.figures).expect("figures");
                (row, f)
            }
        };
        let (row, f) = report(1).await;
        assert!(row.breached && f.breached);
        let server = f.availability.iter().find(|a| a.metric == Metric::Server).expect("server");
        // The outage (2 h) and the fault (6 h) on the one website; the disputed network outage apart.
        assert_eq!(server.downtime, 8 * 3600);
        assert!(!server.met);
        let network = f.availability.iter().find(|a| a.metric == Metric::Network).expect("network");
        assert_eq!((network.downtime, network.met, f.disputed, f.disputed_secs), (0, true, 1, 2 * 3600));
        let l1 = f.resolution.iter().find(|r| r.metric == Metric::Level1).expect("level 1");
        assert_eq!((l1.faults, l1.on_time, l1.late, l1.rate, l1.met), (1, 0, 1, Some(0), false));
        let month_secs = m.window(&zone).secs();
        let owed = rules::compensation(
            &rules::Compensation::PerUnit { unit_minutes: 60, multiple: 200 },
            8 * 3600,
            7_200_000,
            month_secs,
            month_secs,
            None,
        );
        assert_eq!((f.interrupted, f.units, f.compensation, row.compensation), (8 * 3600, 8, owed.amount, owed.amount));
        assert!(owed.amount > 0);
        let mails = breach_mails(&app).await;
        assert!(mails >= 2, "both parties' officers are told of the breach");
        let again = month::Entity::find()
            .filter(month::Column::EngagementId.eq(e.id))
            .filter(month::Column::Month.eq(m.to_string()))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(again, 1, "a closed month is issued once");
        // The kept days sum to the month.
        let days: Vec<day::Model> = day::Entity::find()
            .filter(day::Column::EngagementId.eq(e.id))
            .filter(day::Column::Class.eq("server"))
            .all(&app.db)
            .await
            .expect("days");
        assert_eq!(days.iter().map(|d| d.down - d.overlap).sum::<i64>(), server.downtime);

        // The agency reclassifies the outage as maintenance, with a reason: the month is
        // reissued, and the server's downtime is the fault's alone.
        let to_maint = ReclassInput { kind: "maintenance".into(), class: "planned".into(), reason: String::new() };
        assert_eq!(
            refused(records::reclassify(&app.db, &by_agency, &wa, e.id, r1, &to_maint, "").await),
            [("reason", Msg::SlaErrReason)]
        );
        let to_maint = ReclassInput { reason: "经核实为已通知的计划维护窗口".into(), ..to_maint };
        records::reclassify(&app.db, &by_agency, &wa, e.id, r1, &to_maint, "").await.expect("reclassified");
        let (row2, f2) = report(2).await;
        assert_eq!(row2.reason, "经核实为已通知的计划维护窗口");
        let server2 = f2.availability.iter().find(|a| a.metric == Metric::Server).expect("server");
        assert_eq!((server2.downtime, server2.maintenance), (6 * 3600, 2 * 3600));
        assert!(server2.scheduled < server.scheduled, "maintenance is taken out of the month under this contract");
        assert!(f2.compensation < f.compensation);
        let days: Vec<day::Model> = day::Entity::find()
            .filter(day::Column::EngagementId.eq(e.id))
            .filter(day::Column::Class.eq("server"))
            .all(&app.db)
            .await
            .expect("days");
        assert_eq!(days.iter().map(|d| d.down - d.overlap).sum::<i64>(), server2.downtime);
        let trail = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.eq("sla_reclassified"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(trail, 2, "the reclassification is in both parties' trails");

        // The regulator's list judges the month from the kept days, as the report does from the
        // records; the neighbouring province sees none of it.
        let reg = sla_reader(&app.db, &actor(&app, "admin@regulator.example").await, today).await.expect("a reader");
        let rows = views::standings(&app.db, &reg, m, now, "").await.expect("standings");
        let row = rows.iter().find(|s| s.engagement_id == e.id).expect("the regulator sees the engagement");
        assert!(row.breached);
        assert_eq!(row.compensation, f2.compensation, "the kept days judge the month as the records do");
        let cell = row.metrics.iter().find(|c| c.metric == Metric::Server).expect("server");
        assert_eq!((cell.attained, cell.met), (server2.attained, server2.met));
        let named = views::standings(&app.db, &reg, m, now, "no such agency").await.expect("standings");
        assert!(named.is_empty());
        let neighbour = sla_reader(&app.db, &actor(&app, "admin@neighbour-regulator.example").await, today)
            .await
            .expect("a reader");
        let rows = views::standings(&app.db, &neighbour, m, now, "").await.expect("standings");
        assert!(rows.iter().all(|s| s.engagement_id != e.id));

        // A record entered late for the closed month issues its next report version too.
        records::record(
            &app.db,
            &by_csp,
            &wc,
            e.id,
            &outage("power", on(m, 25, "01:00"), on(m, 25, "02:00")),
            records::Source::Api,
            "",
        )
        .await
        .expect("recorded late");
        let (row3, f3) = report(3).await;
        assert_eq!(row3.reason, "recorded");
        let power = f3.availability.iter().find(|a| a.metric == Metric::Power).expect("power");
        assert_eq!(power.downtime, 3600);
    }
}

/// The API's paths of the module, as the document must name them.
const API_PATHS: [&str; 8] = [
    "/api/v1/sla",
    "/api/v1/sla/{id}/measures",
    "/api/v1/sla/{id}/months",
    "/api/v1/sla/{id}/months/{month}",
    "/api/v1/sla/{id}/records",
    "/api/v1/sla/{id}/records/{record_id}/completion",
    "/api/v1/sla/{id}/records/{record_id}/review",
    "/api/v1/sla/{id}/records/{record_id}/reclassification",
];

/// The month's report and the year's, through the API and as CSV; a monitoring system's outage
/// posted through the API that pushes a metric below target is mailed to both parties at once;
/// and a planned interruption notice, once the agency answered it, is a confirmed maintenance
/// window on the SLA, withdrawn when the notice is cancelled.
#[tokio::test]
async fn reports_read_the_months_the_api_records_outages_and_notices_give_maintenance_windows() {
    use app::changes::{scope::change_writer, service as changes, Action, NoticeInput, StepInput};

    use crate::changes::call;
    for backend in backends() {
        let app = common::spawn(backend).await;
        let (meta, now, e, [agency, csp], [wa, wc]) = parties(&app).await;
        let today = now.date();
        let (by_agency, by_csp) =
            (Acting { actor: &agency, meta: &meta, now }, Acting { actor: &csp, meta: &meta, now });
        let token = |email: &'static str| {
            let db = app.db.clone();
            async move { app::auth::tokens::issue_for(&db, now, email, "ci", 30).await.expect("token") }
        };
        let (csp_token, csp2_token) = (token("admin@csp.example").await, token("admin@csp2.example").await);
        let (_, doc) = app.get_json(&app.client(), "/api/v1/openapi.json").await;
        for path in API_PATHS {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }

        // Before an agreement, the engagement has no report: said so, not "not found".
        let (status, body) = call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months", e.id), None).await;
        assert_eq!(status, 409, "{body}");

        let v = agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&e.starts_on.to_string()), LINK)
            .await
            .expect("proposed");
        agreements::accept(&app.db, &by_csp, &wc, v, LINK).await.expect("accepted");
        let site = engagement_website::Entity::find()
            .filter(engagement_website::Column::EngagementId.eq(e.id))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the engagement covers a website")
            .website_id;
        let zone = jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone");
        let m = Month::of(jiff::Timestamp::from_second(now.unix_timestamp()).expect("now"), &zone).previous();

        // A monitoring system posts an outage of three hours last month: the server metric falls
        // below its target and both parties hear of it at once.
        let below = || async {
            app::backend::entity::outbox::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(app::backend::entity::outbox::Column::Subject.contains("fell below its target"))
                        .add(app::backend::entity::outbox::Column::Subject.contains("降至目标以下")),
                )
                .all(&app.db)
                .await
                .expect("mails")
        };
        assert!(below().await.is_empty());
        let outage = serde_json::json!({
            "class": "server",
            "website_ids": [site.to_string()],
            "started_at": on(m, 5, "01:00"),
            "ended_at": on(m, 5, "04:00"),
            "cause": "存储控制器故障",
        });
        let records_path = format!("/api/v1/sla/{}/records", e.id);
        let (status, body) = call(&app, &csp2_token, "POST", &records_path, Some(outage.clone())).await;
        assert_eq!(status, 404, "another CSP reaches no engagement of others: {body}");
        let (status, body) =
            call(&app, &csp_token, "POST", &records_path, Some(serde_json::json!({"class": "server"}))).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("website_ids")), "{body}");
        let (status, body) = call(&app, &csp_token, "POST", &records_path, Some(outage.clone())).await;
        assert_eq!(status, 201, "{body}");
        let rid = body["id"].as_str().expect("id").to_string();
        let mails = below().await;
        assert!(mails.iter().any(|m| m.to_addr.ends_with("@agency.example")), "the agency is told");
        assert!(mails.iter().any(|m| m.to_addr.ends_with("@csp.example")), "the CSP is told");
        let told = mails.len();
        let (status, _) = call(&app, &csp_token, "POST", &records_path, Some(outage)).await;
        assert_eq!(status, 422, "the same outage twice is one record");

        // Another hour the same month: already below target, no new mail.
        let more = serde_json::json!({
            "class": "server", "website_ids": [site.to_string()],
            "started_at": on(m, 6, "01:00"), "ended_at": on(m, 6, "02:00"),
        });
        assert_eq!(call(&app, &csp_token, "POST", &records_path, Some(more)).await.0, 201);
        assert_eq!(below().await.len(), told, "a metric already below target is not told again");

        // The month's report and the year's, by the API.
        let (status, month_report) =
            call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months/{m}", e.id), None).await;
        assert_eq!(status, 200, "{month_report}");
        let server = month_report["figures"]["availability"]
            .as_array()
            .expect("availability")
            .iter()
            .find(|a| a["metric"] == "server")
            .expect("server")
            .clone();
        assert_eq!((server["downtime"].as_i64(), server["met"].as_bool()), (Some(4 * 3600), Some(false)));
        assert_eq!(month_report["records"].as_array().map(Vec::len), Some(2));
        assert!(month_report["report_version"].is_null(), "not closed yet");
        let (status, body) = call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months/2019-01", e.id), None).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("month")), "{body}");
        let (status, body) =
            call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months/{m}?version=7", e.id), None).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("version")), "{body}");
        assert_eq!(call(&app, &csp2_token, "GET", &format!("/api/v1/sla/{}/months/{m}", e.id), None).await.0, 404);
        months::close_months(&app.db, now, LINK).await.expect("closed");
        let (_, closed) = call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months/{m}", e.id), None).await;
        assert_eq!(closed["report_version"].as_i64(), Some(1));
        assert_eq!(closed["issues"][0]["reason"], "closed");
        assert_eq!(
            closed["figures"],
            month_report["figures"]
                .clone()
                .as_object()
                .map(|f| {
                    let mut f = f.clone();
                    f.insert("in_progress".into(), false.into());
                    serde_json::Value::Object(f)
                })
                .expect("figures"),
            "the frozen report is the month as computed"
        );
        let (status, year) =
            call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months?year={}", e.id, m.year), None).await;
        assert_eq!(status, 200, "{year}");
        let months_of_year = year["months"].as_array().expect("months");
        assert!(months_of_year.iter().any(|x| x["figures"]["month"] == m.to_string()));
        let summed: i64 = months_of_year.iter().map(|x| x["figures"]["compensation"].as_i64().unwrap_or(0)).sum();
        assert_eq!(year["compensation"].as_i64(), Some(summed), "the year is the sum of its months");
        assert!(year["breached_months"].as_u64().unwrap_or(0) >= 1);
        let (status, body) =
            call(&app, &csp_token, "GET", &format!("/api/v1/sla/{}/months?year=1999", e.id), None).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("year")), "{body}");

        // The same tables as CSV, through the shared writer.
        let web = app.signed_in("admin@agency.example").await;
        let csv = app.get_text(&web, &format!("/sla/{}/months.csv?year={}", e.id, m.year)).await;
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        assert!(rows.iter().any(|r| r.get(0) == Some(m.to_string().as_str()) && r.get(1) == Some("v1")), "{csv}");
        let csv = app.get_text(&web, &format!("/sla/{}/records.csv?month={m}", e.id)).await;
        assert!(csv.contains(&rid), "{csv}");
        let regulator = app.signed_in("admin@regulator.example").await;
        let csv = app.get_text(&regulator, &format!("/sla/export.csv?breached=on&month={m}")).await;
        assert!(csv.contains(&e.id.to_string()), "the regulator's breach list has it: {csv}");
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;
        let csv = app.get_text(&neighbour, &format!("/sla/export.csv?month={m}")).await;
        assert!(!csv.contains(&e.id.to_string()), "the neighbouring province's has not");

        // The CSP notifies a planned interruption of the website four days ahead; once the agency
        // acknowledges it, it is a confirmed maintenance window on the SLA.
        let cw = change_writer(&app.db, &csp, today).await.expect("the CSP gives notices");
        let local = |days: i64, hour: u8| {
            let d = app::backend::time_fmt::date_in_zone(now + time::Duration::days(days), "Asia/Shanghai");
            format!("{d}T{hour:02}:00")
        };
        let notice = NoticeInput {
            change_type: "adaptive".into(),
            category: "planned_interruption".into(),
            title: "存储扩容停机".into(),
            description: "扩容存储阵列。".into(),
            reason: "容量不足".into(),
            planned_start: local(4, 1),
            planned_end: local(4, 3),
            website_ids: vec![site.to_string()],
            impact_analysis: "网站停止服务两小时。".into(),
            rollback_plan: "回退至原阵列。".into(),
            verification_plan: "拨测。".into(),
            contact: "李工 13900000000".into(),
            ..NoticeInput::default()
        };
        let nid = changes::submit(&app.db, &by_csp, &cw, &notice, "").await.expect("notified");
        let windows = || async {
            record::Entity::find().filter(record::Column::NoticeId.eq(nid)).all(&app.db).await.expect("windows")
        };
        assert!(windows().await.is_empty(), "not a window before the agency answers");
        let aw = change_writer(&app.db, &agency, today).await.expect("the agency answers notices");
        changes::act(&app.db, &by_agency, &aw, nid, Action::Acknowledge, &StepInput::default(), "")
            .await
            .expect("acknowledged");
        let w = windows().await;
        assert_eq!(w.len(), 1, "one window on the engagement");
        assert_eq!((w[0].engagement_id, w[0].kind.as_str(), w[0].review.as_str()), (e.id, "maintenance", "confirmed"));
        let sites = app::sla::entity::record_site::Entity::find()
            .filter(app::sla::entity::record_site::Column::RecordId.eq(w[0].id))
            .all(&app.db)
            .await
            .expect("sites");
        assert_eq!(sites.iter().map(|s| s.website_id).collect::<Vec<_>>(), vec![site]);
        let cancel = StepInput { body: "推迟至下季度".into(), ..StepInput::default() };
        changes::act(&app.db, &by_csp, &cw, nid, Action::Cancel, &cancel, "").await.expect("cancelled");
        assert!(windows().await.is_empty(), "a cancelled notice withdraws its window");
    }
}

#[tokio::test]
async fn measured_entries_fault_responses_and_incident_reports_judge_the_other_terms() {
    use app::{
        plans::{scope::incident_writer, service as incidents, IncidentInput},
        sla::{entity::measure, service::measures, MeasureInput, TermState},
    };

    use crate::changes::call;
    for backend in backends() {
        let app = common::spawn(backend).await;
        let (meta, now, e, [agency, csp], [wa, wc]) = parties(&app).await;
        let today = now.date();
        let (by_agency, by_csp) =
            (Acting { actor: &agency, meta: &meta, now }, Acting { actor: &csp, meta: &meta, now });
        let entry = |kind: &str, day: time::Date, outcome: &str, oldest: Option<time::Date>| MeasureInput {
            kind: kind.into(),
            on_day: day.to_string(),
            outcome: outcome.into(),
            oldest: oldest.map(|d| d.to_string()).unwrap_or_default(),
            note: String::new(),
        };
        let yesterday = today.previous_day().expect("yesterday");

        // Before an agreement nothing can be judged: said so.
        assert!(matches!(
            measures::record(&app.db, &by_csp, &wc, e.id, &entry("backup", yesterday, "passed", None)).await,
            Err(ServiceError::Conflict { field: "kind", .. })
        ));
        let v = agreements::propose(&app.db, &by_agency, &wa, e.id, &terms(&e.starts_on.to_string()), LINK)
            .await
            .expect("proposed");
        agreements::accept(&app.db, &by_csp, &wc, v, LINK).await.expect("accepted");
        let zone = jiff::tz::TimeZone::get("Asia/Shanghai").expect("zone");
        let m = Month::of(jiff::Timestamp::from_second(now.unix_timestamp()).expect("now"), &zone).previous();
        let day = |d: u8| rules::date_of(m.first_day()).replace_day(d).expect("a day of the month");
        assert!(e.starts_on <= day(1), "the world's engagement covers last month");

        // Bad entries: each refused by its field, nothing stored.
        let bad: [(MeasureInput, &str, Msg); 8] = [
            (entry("nap", yesterday, "passed", None), "kind", Msg::ErrChoose),
            (entry("backup", yesterday, "", None), "outcome", Msg::ErrChoose),
            (
                MeasureInput { on_day: "2026-02-30".into(), ..entry("training", yesterday, "", None) },
                "on_day",
                Msg::ErrDateInvalid,
            ),
            (entry("training", today.next_day().expect("tomorrow"), "", None), "on_day", Msg::SlaErrMeasureFuture),
            (
                entry("training", e.starts_on.previous_day().expect("before"), "", None),
                "on_day",
                Msg::SlaErrMeasureOutside,
            ),
            (entry("log_check", day(20), "", None), "oldest", Msg::SlaErrOldestNeeded),
            (entry("log_check", day(20), "", Some(day(21))), "oldest", Msg::SlaErrOldestAfter),
            (entry("backup", day(20), "passed", Some(day(1))), "oldest", Msg::SlaErrOldestNotAsked),
        ];
        for (input, field, msg) in &bad {
            let got = refused(measures::record(&app.db, &by_csp, &wc, e.id, input).await);
            assert!(got.contains(&(*field, *msg)), "{input:?}: {got:?}");
        }
        let long = MeasureInput { note: "长".repeat(4001), ..entry("training", day(5), "", None) };
        assert_eq!(
            refused(measures::record(&app.db, &by_csp, &wc, e.id, &long).await),
            [("note", Msg::SlaErrTextLong)]
        );
        let stored = || async {
            measure::Entity::find().filter(measure::Column::EngagementId.eq(e.id)).count(&app.db).await.expect("count")
        };
        assert_eq!(stored().await, 0, "nothing stored");
        // Another CSP reaches no engagement of others; a regulator writes nothing.
        let csp2 = actor(&app, "admin@csp2.example").await;
        let w2 = sla_writer(&app.db, &csp2, today).await.expect("another CSP writes its own");
        let by2 = Acting { actor: &csp2, meta: &meta, now };
        assert!(matches!(
            measures::record(&app.db, &by2, &w2, e.id, &entry("training", day(5), "", None)).await,
            Err(ServiceError::NotFound)
        ));

        // Last month: a daily backup every day but the 10th, a restore test, a backup check that
        // holds (30 days agreed, 31 on hand), a log check that falls short (6 months agreed, 2
        // on hand), one training of the two a year.
        for d in 1..=m.days() as u8 {
            if d != 10 {
                measures::record(&app.db, &by_csp, &wc, e.id, &entry("backup", day(d), "passed", None))
                    .await
                    .expect("a run");
            }
        }
        measures::record(&app.db, &by_csp, &wc, e.id, &entry("restore_test", day(12), "passed", None))
            .await
            .expect("restore");
        measures::record(&app.db, &by_csp, &wc, e.id, &entry("restore_test", day(13), "failed", None))
            .await
            .expect("restore");
        let backup_check = measures::record(
            &app.db,
            &by_csp,
            &wc,
            e.id,
            &entry("backup_check", day(20), "", Some(day(20) - time::Duration::days(31))),
        )
        .await
        .expect("a backup check");
        let log_check = entry("log_check", day(20), "", Some(day(20) - time::Duration::days(62)));
        measures::record(&app.db, &by_csp, &wc, e.id, &log_check).await.expect("a log check");
        let training = measures::record(&app.db, &by_agency, &wa, e.id, &entry("training", day(5), "", None))
            .await
            .expect("a training");

        // Faults: one answered in 10 minutes (15 agreed), one in 40; an incident on the engagement's
        // website detected on the 7th and reported to the CSP 50 minutes later (30 agreed).
        let site = engagement_website::Entity::find()
            .filter(engagement_website::Column::EngagementId.eq(e.id))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the engagement covers a website")
            .website_id;
        for (d, class, answered) in [(3, "level1", "10:10"), (4, "level2", "10:40")] {
            let fault = RecordInput {
                kind: "fault".into(),
                class: class.into(),
                website_ids: vec![site.to_string()],
                started_at: on(m, d, "10:00"),
                responded_at: on(m, d, answered),
                resolved_at: on(m, d, "11:00"),
                ..RecordInput::default()
            };
            records::record(&app.db, &by_csp, &wc, e.id, &fault, records::Source::Entered, LINK)
                .await
                .expect("a fault");
        }
        let wi = incident_writer(&app.db, &agency, today).await.expect("the agency writes incidents");
        let incident = IncidentInput {
            title: "门户网站被篡改".into(),
            category: "information_destruction".into(),
            level: "III".into(),
            website_ids: vec![site.to_string()],
            detected_at: on(m, 7, "08:00"),
            ..IncidentInput::default()
        };
        let iid = incidents::open_incident(&app.db, &by_agency, &wi, &incident, LINK).await.expect("an incident");
        incidents::record_milestone(&app.db, &by_agency, &wi, iid, "reported_csp", &on(m, 7, "08:50"))
            .await
            .expect("reported");

        let reader = sla_reader(&app.db, &agency, today).await.expect("reader");
        let report = || async {
            app::sla::service::report::month_report(&app.db, &reader, e.id, &m.to_string(), "", "Asia/Shanghai", now)
                .await
                .expect("the month's report")
                .measured
        };
        let got = report().await;
        let days = u32::from(m.days() as u8);
        assert_eq!((got.backups.periods, got.backups.met, got.backups.runs), (days, days - 1, days - 1));
        assert_eq!(got.backups.missed, [day(10).to_string()]);
        assert_eq!(got.backups.state, TermState::Missed);
        assert_eq!(
            (got.backup_retention.checks, got.backup_retention.short, got.backup_retention.state),
            (1, 0, TermState::Met)
        );
        let latest = got.log_retention.latest.clone().expect("the latest log check");
        assert_eq!(
            latest.required.as_deref(),
            Some(
                rules::measured::required_oldest(day(20), rules::parse_kept("6 month").expect("kept"))
                    .to_string()
                    .as_str()
            )
        );
        assert_eq!(
            (got.log_retention.short, got.log_retention.state, latest.passed),
            (1, TermState::Missed, Some(false))
        );
        assert_eq!(
            (got.restores.tests, got.restores.passed, got.restores.last_passed.clone()),
            (2, 1, Some(day(12).to_string()))
        );
        assert_eq!(got.trainings.held, 1);
        let year_over = i32::from(m.year) < today.year();
        assert_eq!(got.trainings.state, if year_over { TermState::Missed } else { TermState::Open });
        assert_eq!((got.response.on_time, got.response.late, got.response.state), (1, 1, TermState::Missed));
        assert_eq!(
            (got.emergency.late, got.emergency.worst_minutes, got.emergency.state),
            (1, Some(50), TermState::Missed)
        );
        assert_eq!(got.entries.len() as u32, days - 1 + 5, "the month's entries are listed");

        // Only the party that entered an entry withdraws it; twice is a conflict; both trails record it.
        assert_eq!(
            refused(measures::withdraw(&app.db, &by_agency, &wa, e.id, backup_check).await),
            [("measure", Msg::SlaErrMeasureNotYours)]
        );
        measures::withdraw(&app.db, &by_csp, &wc, e.id, backup_check).await.expect("withdrawn");
        assert!(matches!(
            measures::withdraw(&app.db, &by_csp, &wc, e.id, backup_check).await,
            Err(ServiceError::Conflict { field: "measure", .. })
        ));
        assert!(matches!(measures::withdraw(&app.db, &by2, &w2, e.id, training).await, Err(ServiceError::NotFound)));
        assert_eq!(
            report().await.backup_retention.state,
            TermState::Unmeasured,
            "an ended month with no check has nothing to judge"
        );
        let trail = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.eq("sla_measure_withdrawn"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(trail, 2, "the CSP's trail and the agency's");

        // The year sums its months; the API takes an entry as the page does.
        let year = app::sla::service::report::year_report(
            &app.db,
            &Default::default(),
            &reader,
            e.id,
            &m.year.to_string(),
            "Asia/Shanghai",
            now,
        )
        .await
        .expect("the year's report");
        assert!(year.measured.backups.periods >= days && year.measured.entries.is_empty());
        let token = app::auth::tokens::issue_for(&app.db, now, "admin@csp.example", "ci", 30).await.expect("token");
        let path = format!("/api/v1/sla/{}/measures", e.id);
        let (status, body) = call(
            &app,
            &token,
            "POST",
            &path,
            Some(serde_json::json!({"kind": "backup", "on_day": yesterday.to_string()})),
        )
        .await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("outcome")), "{body}");
        let (status, body) = call(
            &app,
            &token,
            "POST",
            &path,
            Some(serde_json::json!({"kind": "backup", "on_day": yesterday.to_string(), "outcome": "passed"})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        // The year is kept across requests; an entry shows in it at once.
        let year_path = format!("/api/v1/sla/{}/months?year={}", e.id, yesterday.year());
        let held = |y: &serde_json::Value| y["measured"]["trainings"]["held"].as_u64();
        let (_, before) = call(&app, &token, "GET", &year_path, None).await;
        let (_, again) = call(&app, &token, "GET", &year_path, None).await;
        assert_eq!(held(&before), held(&again), "{before}");
        let (status, body) = call(
            &app,
            &token,
            "POST",
            &path,
            Some(serde_json::json!({"kind": "training", "on_day": yesterday.to_string()})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (_, after) = call(&app, &token, "GET", &year_path, None).await;
        assert_eq!(held(&after), held(&before).map(|h| h + 1), "{after}");
        let (status, month_report) = call(&app, &token, "GET", &format!("/api/v1/sla/{}/months/{m}", e.id), None).await;
        assert_eq!(
            (status, month_report["measured"]["backups"]["state"].as_str()),
            (200, Some("missed")),
            "{month_report}"
        );
    }
}
