//! Reach follows relationships as they are today (issue 13): a provider's reach into an agency's
//! reports ends with its engagement, obligations end with their engagement or by the agency's
//! hand, a regulator sees the agencies of its jurisdiction today, a provider sees only its own
//! engagement on a website, and a kept page never outlives its reader's reach.
use crate::common;

use app::{
    reports::entity::obligation,
    tenancy::entity::{engagement, organisation, person, website},
};
use common::world;
use common::{backends, json, spawn, TestApp, PDF};
use reqwest::multipart::{Form, Part};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

pub(crate) async fn org_id(app: &TestApp, key: &str) -> Uuid {
    let name = world::name_of(key);
    organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(&app.db)
        .await
        .expect("query")
        .expect("organisation")
        .id
}

pub(crate) async fn engagement_between(app: &TestApp, agency: &str, provider: &str, status: &str) -> engagement::Model {
    engagement::Entity::find()
        .filter(engagement::Column::AgencyId.eq(org_id(app, agency).await))
        .filter(engagement::Column::ProviderId.eq(org_id(app, provider).await))
        .filter(engagement::Column::Status.eq(status))
        .one(&app.db)
        .await
        .expect("query")
        .expect("engagement")
}

/// A monthly CSP obligation from 2026-01 on the agency ↔ csp engagement.
async fn csp_obligation(app: &TestApp, agency: &reqwest::Client) -> String {
    let e = engagement_between(app, "agency", "csp", "active").await;
    let (status, id) = app.call(agency, "create_obligation", &common::csp_obligation_form(&e.id.to_string())).await;
    assert_eq!(status, 200, "{id}");
    id.as_str().expect("id").to_string()
}

fn csp_form(obligation: &str, period: &str) -> Form {
    let mut form = Form::new()
        .text("obligation_id", obligation.to_string())
        .text("period", period.to_string())
        .text("availability_pct", "99.95")
        .text("incidents", "0")
        .text("patches_applied", "3")
        .text("backups_succeeded", "30")
        .text("backups_failed", "0")
        .text("restore_test_done", "true")
        .text("attacks_blocked", "10")
        .text("notes", "ok");
    for p in ["vulnerabilities_found", "vulnerabilities_fixed"] {
        for s in ["critical", "high", "medium", "low"] {
            form = form.text(format!("{p}.{s}"), "0");
        }
    }
    form.part("files", Part::bytes(PDF.to_vec()).file_name("report.pdf"))
}

/// The obligation ids in a report work list answer.
fn obligation_ids(work: &Value) -> Vec<String> {
    work["obligations"]
        .as_array()
        .map(|a| a.iter().filter_map(|o| o["id"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

async fn api(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    json(reqwest::Client::new().get(app.url(path)).bearer_auth(token).send().await.expect("api")).await
}

#[tokio::test]
async fn a_provider_reaches_nothing_of_an_agency_once_the_engagement_ends() {
    for backend in backends() {
        let app = spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let csp = app.signed_in("admin@csp.example").await;
        let token =
            app::auth::tokens::issue_for(&app.db, app.now(), "admin@csp.example", "reach", 30).await.expect("token");
        let obligation = csp_obligation(&app, &agency).await;
        let (status, sent) = app.submit(&csp, csp_form(&obligation, "2026-10")).await;
        assert_eq!(status, 200, "{sent}");
        let submission = sent["submission_id"].as_str().expect("submission id").to_string();
        let (_, view) = app.get_json(&csp, &format!("/api/submission?id={submission}")).await;
        let file = view["versions"][0]["files"][0]["id"].as_str().expect("file id").to_string();

        // While in force, the provider reaches all of it.
        let (status, work) = app.get_json(&csp, "/api/report_work?filter[q]=").await;
        assert_eq!(status, 200, "{work}");
        assert!(obligation_ids(&work).contains(&obligation));
        let res = csp.get(app.url(&format!("/reports/files/{file}"))).send().await.unwrap();
        assert_eq!(res.status(), 200);

        // The agency ends the engagement.
        let e = engagement_between(&app, "agency", "csp", "active").await;
        let (status, body) =
            app.call(&agency, "end_engagement", &[("id", &e.id.to_string()), ("reason", "合同期满")]).await;
        assert_eq!(status, 200, "{body}");

        // Pages, server functions, files, CSV and the API: nothing of that agency any more.
        let (status, work) = app.get_json(&csp, "/api/report_work?filter[q]=").await;
        assert_eq!(status, 200, "{work}");
        assert!(!obligation_ids(&work).contains(&obligation), "obligation still listed");
        assert!(!work.to_string().contains(&submission), "submission still listed: {work}");
        let (status, _) = app.get_json(&csp, &format!("/api/submission?id={submission}")).await;
        assert_eq!(status, 404, "submission still readable");
        let res = csp.get(app.url(&format!("/reports/files/{file}"))).send().await.unwrap();
        assert_eq!(res.status(), 404, "file still downloadable");
        let (status, _) = app.get_json(&csp, &format!("/api/submit_form?obligation_id={obligation}")).await;
        assert_eq!(status, 404, "submission form still offered");
        let csv = csp.get(app.url("/reports/export.csv")).send().await.unwrap().text().await.unwrap();
        let agency_name = world::name_of("agency");
        assert!(!csv.contains(agency_name), "the CSV still names the agency:\n{csv}");
        let (status, list) = api(&app, &token, "/api/v1/obligations").await;
        assert_eq!(status, 200, "{list}");
        assert!(!list.to_string().contains(&obligation), "API still lists the obligation");
        let (status, _) = api(&app, &token, &format!("/api/v1/submissions/{submission}")).await;
        assert_eq!(status, 404);
        let (status, _) = api(&app, &token, &format!("/api/v1/files/{file}")).await;
        assert_eq!(status, 404);
        let (status, refused) = app.submit(&csp, csp_form(&obligation, "2026-11")).await;
        assert_eq!(status, 422, "{refused}");
        assert!(refused.to_string().contains("obligation_id"), "{refused}");

        // The agency keeps everything, and the obligation ended with the engagement: the period
        // the end fell in (November) is the last one owed.
        let (_, work) = app.get_json(&agency, "/api/report_work?filter[q]=").await;
        let row = work["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == obligation.as_str())
            .expect("agency still lists it")
            .clone();
        assert_eq!(row["last_period"], "2026-11", "{row}");
        assert!(row["ended_on"].is_string(), "{row}");
        let (status, _) = app.get_json(&agency, &format!("/api/submission?id={submission}")).await;
        assert_eq!(status, 200);
        let res = agency.get(app.url(&format!("/reports/files/{file}"))).send().await.unwrap();
        assert_eq!(res.status(), 200);

        // Nor is the provider reminded: December's reminders skip the ended engagement.
        let at = time::macros::datetime!(2026-12-07 01:00 UTC);
        app::reports::service::send_reminders(&app.db, at, "Asia/Shanghai").await.expect("reminders");
        let reminded = app::reports::entity::reminder::Entity::find()
            .filter(app::reports::entity::reminder::Column::ObligationId.eq(Uuid::parse_str(&obligation).unwrap()))
            .all(&app.db)
            .await
            .unwrap();
        assert!(reminded.is_empty(), "reminded after the end: {reminded:?}");
    }
}

#[tokio::test]
async fn obligations_sit_only_on_accepted_engagements_and_end_by_the_agencys_hand() {
    for backend in backends() {
        let app = spawn(backend).await;
        let water = app.signed_in("admin@water.example").await;
        let invited = engagement_between(&app, "water", "csp3", "invited").await;
        let (status, body) = app
            .call(
                &water,
                "create_obligation",
                &[
                    ("kind", "csp_monthly"),
                    ("engagement_id", &invited.id.to_string()),
                    ("cadence", "monthly"),
                    ("due_day", "10"),
                    ("first_period", "2026-01"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("engagement_id"), "{body}");

        // The last period is clamped to the period the engagement ends in.
        let agency = app.signed_in("admin@agency.example").await;
        let obligation = csp_obligation(&app, &agency).await;
        let row =
            obligation::Entity::find_by_id(Uuid::parse_str(&obligation).unwrap()).one(&app.db).await.unwrap().unwrap();
        let e = engagement_between(&app, "agency", "csp", "active").await;
        let end = app::reports::rules::containing(app::reports::Cadence::Monthly, e.ends_on);
        assert_eq!(row.last_period, Some(app::reports::rules::start(end)));

        // Ending it needs a reason; then the running period (November, nothing sent) is not owed.
        let (status, body) = app.call(&agency, "end_obligation", &[("id", &obligation), ("reason", " ")]).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("reason"), "{body}");
        let csp = app.signed_in("admin@csp.example").await;
        let (status, body) =
            app.call(&csp, "end_obligation", &[("id", &obligation), ("reason", "not mine to end")]).await;
        assert_eq!(status, 403, "a provider never ends what it owes: {body}");
        let (status, body) = app.call(&agency, "end_obligation", &[("id", &obligation), ("reason", "合同变更")]).await;
        assert_eq!(status, 200, "{body}");
        let row =
            obligation::Entity::find_by_id(Uuid::parse_str(&obligation).unwrap()).one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.last_period, Some(time::macros::date!(2026 - 10 - 01)));
        assert_eq!(row.end_reason.as_deref(), Some("合同变更"));
        let (status, body) = app.call(&agency, "end_obligation", &[("id", &obligation), ("reason", "again")]).await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = app.submit(&csp, csp_form(&obligation, "2026-11")).await;
        assert_eq!(status, 422, "November is no longer owed: {body}");
        assert!(body.to_string().contains("period"), "{body}");
        let (status, body) = app.submit(&csp, csp_form(&obligation, "2026-10")).await;
        assert_eq!(status, 200, "October still is: {body}");
        let audited = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.eq("obligation_end"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(audited.len(), 2, "in the agency's trail and the provider's");
        assert!(audited.iter().all(|a| a.summary.contains("合同变更")));
    }
}

#[tokio::test]
async fn an_agency_moved_to_another_regulator_takes_its_reports_along() {
    for backend in backends() {
        let app = spawn(backend).await;
        let health = org_id(&app, "health").await;
        let west = org_id(&app, "west-regulator").await;
        let east_admin = app.signed_in("admin@east-regulator.example").await;
        let west_admin = app.signed_in("admin@west-regulator.example").await;
        let province = app.signed_in("admin@regulator.example").await;
        let self_check = obligation::Entity::find()
            .filter(obligation::Column::AgencyId.eq(health))
            .filter(obligation::Column::EngagementId.is_null())
            .one(&app.db)
            .await
            .unwrap()
            .expect("health's self-check");
        let id = self_check.id.to_string();
        let (_, east_work) = app.get_json(&east_admin, "/api/report_work?filter[q]=").await;
        assert!(obligation_ids(&east_work).contains(&id), "east sees it before the move");
        // Warm the east regulator's cached matrix first: the move must not leave it stale.
        let (status, _) = app.get_json(&east_admin, "/api/report_matrix?filter[kind]=self_check").await;
        assert_eq!(status, 200);

        let platform = app.signed_in(world::PLATFORM_ADMIN).await;
        let (status, body) = app
            .call(
                &platform,
                "place_in_jurisdiction",
                &[("organisation_id", &health.to_string()), ("regulator_id", &west.to_string()), ("moving", "true")],
            )
            .await;
        assert_eq!(status, 200, "{body}");

        let (_, east_work) = app.get_json(&east_admin, "/api/report_work?filter[q]=").await;
        assert!(!obligation_ids(&east_work).contains(&id), "east still sees it after the move");
        let (_, matrix) = app.get_json(&east_admin, "/api/report_matrix?filter[kind]=self_check").await;
        let health_name = world::name_of("health");
        assert!(!matrix.to_string().contains(health_name), "east's matrix still lists health");
        let csv =
            east_admin.get(app.url("/reports/matrix.csv?kind=self_check")).send().await.unwrap().text().await.unwrap();
        assert!(!csv.contains(health_name), "east's CSV still lists health");
        let (_, west_work) = app.get_json(&west_admin, "/api/report_work?filter[q]=").await;
        let row = west_work["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id.as_str())
            .expect("west sees health's self-check")
            .clone();
        assert_eq!(row["receiver"]["id"], west.to_string(), "owed to west now: {row}");
        let (_, province_work) = app.get_json(&province, "/api/report_work?filter[q]=").await;
        assert!(obligation_ids(&province_work).contains(&id), "the province still has it");
        let moved = app::audit::entity::audit_log::Entity::find()
            .filter(app::audit::entity::audit_log::Column::Action.eq("obligation_move"))
            .filter(app::audit::entity::audit_log::Column::Target.eq(format!("obligation {id}")))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(moved.len(), 2, "audited for the agency and the new regulator");
    }
}

#[tokio::test]
async fn a_provider_sees_only_its_own_engagement_on_a_website() {
    for backend in backends() {
        let app = spawn(backend).await;
        let site = website::Entity::find()
            .filter(website::Column::DomainAscii.eq("www.demo.gov.cn"))
            .one(&app.db)
            .await
            .unwrap()
            .expect("site");
        let csp = app.signed_in("admin@csp.example").await;
        let (status, detail) = app.get_json(&csp, &format!("/api/website?id={}", site.id)).await;
        assert_eq!(status, 200, "{detail}");
        let providers = detail["providers"].as_array().expect("providers");
        let csp_name = world::name_of("csp");
        assert_eq!(providers.len(), 1, "{providers:?}");
        assert_eq!(providers[0][0], csp_name);
        let agency = app.signed_in("admin@agency.example").await;
        let (_, detail) = app.get_json(&agency, &format!("/api/website?id={}", site.id)).await;
        assert!(detail["providers"].as_array().expect("providers").len() >= 3, "the agency sees all of them: {detail}");
    }
}

#[tokio::test]
async fn a_kept_page_is_not_served_past_the_portals_midnight_when_reach_ends() {
    for backend in backends() {
        let app = spawn(backend).await;
        // The CSP's person reads in Los Angeles: its day does not change at the portal's midnight.
        let csp_person = person::Entity::find()
            .filter(person::Column::Email.eq("admin@csp.example"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut am = csp_person.into_active_model();
        am.time_zone = Set(Some("America/Los_Angeles".into()));
        am.update(&app.db).await.unwrap();
        // The engagement with health ends today, by the portal's day (Shanghai).
        let e = engagement_between(&app, "health", "csp", "active").await;
        let mut am = e.into_active_model();
        am.ends_on = Set(time::macros::date!(2026 - 11 - 25));
        am.update(&app.db).await.unwrap();
        app.changed();
        // 2026-11-25 15:50 UTC: 23:50 in Shanghai, 07:50 in Los Angeles.
        app.advance(time::Duration::minutes(13 * 60 + 50));
        let csp = app.signed_in("admin@csp.example").await;
        let before = app.get_text(&csp, "/websites").await;
        assert!(before.contains("wjw.dongzhou.gov.cn"), "health's site in reach before midnight");
        let again = app.get_text(&csp, "/websites").await;
        assert!(again.contains("wjw.dongzhou.gov.cn"));
        // 16:20 UTC: past midnight in Shanghai, still the same morning in Los Angeles.
        app.advance(time::Duration::minutes(30));
        let after = app.get_text(&csp, "/websites").await;
        assert!(!after.contains("wjw.dongzhou.gov.cn"), "a kept page served after the engagement ended");
    }
}

#[tokio::test]
async fn reads_failures_and_anonymous_posts_leave_the_caches_warm() {
    for backend in backends() {
        let app = spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let anon = app.client();
        let before = app.generation();
        for _ in 0..3 {
            let res = app.post_form(&anon, "/locale", &[("lang", "en"), ("back", "/")]).await;
            assert!(res.status().is_redirection(), "{}", res.status());
            let res = app.post_form(&anon, "/login", &[("email", "nobody@x.example"), ("password", "x")]).await;
            assert_eq!(res.status(), 303);
            let res = app.post_form(&agency, "/nowhere", &[]).await;
            assert!(res.status().is_client_error(), "{}", res.status());
            let (status, _) = app.call(&agency, "create_website", &[("name", "")]).await;
            assert!((400..500).contains(&status), "{status}");
            let (status, _) = app.get_json(&agency, "/api/people").await;
            assert_eq!(status, 200);
        }
        assert_eq!(app.generation(), before, "a read, a refusal or an anonymous POST moved the caches");
        // A committed change does move them, at once.
        let (status, body) = app
            .call(
                &agency,
                "end_engagement",
                &[
                    ("id", &engagement_between(&app, "agency", "developer", "active").await.id.to_string()),
                    ("reason", "项目验收完成"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(app.generation() > before, "a change left the caches as they were");
    }
}
