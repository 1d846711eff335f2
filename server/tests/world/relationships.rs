//! Engagements and jurisdictions grant access, at every request: a provider sees an agency's
//! website only through an engagement in force; a regulator sees its subtree; the rest is "not found".
use crate::common;

use common::{backends, spawn, TestApp};
use serde_json::Value;

/// Domain → id of the websites the client can list.
async fn websites(app: &TestApp, c: &reqwest::Client) -> Vec<(String, String)> {
    let (status, list) = app.get_json(c, "/api/websites").await;
    assert_eq!(status, 200, "{list}");
    list["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["domain"].as_str().unwrap_or("").to_string(), r["id"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn id_of(list: &[(String, String)], domain: &str) -> String {
    list.iter()
        .find(|(d, _)| d == domain)
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("{domain} not in {list:?}"))
}

async fn website_status(app: &TestApp, c: &reqwest::Client, id: &str) -> u16 {
    app.get_json(c, &format!("/api/website?id={id}")).await.0
}

#[tokio::test]
async fn an_engagement_grants_access_only_while_in_force() {
    for b in backends() {
        let app = spawn(b).await;
        let agency = app.signed_in("admin@agency.example").await;
        let own = websites(&app, &agency).await;
        assert_eq!(own.len(), 3, "{b:?}: {own:?}");
        let data = id_of(&own, "data.demo.gov.cn");
        let portal = id_of(&own, "zwfw.demo.gov.cn");

        // The demo CSP serves two of the agency's websites, not the third, and not the water bureau's.
        let csp = app.signed_in("admin@csp.example").await;
        assert_eq!(website_status(&app, &csp, &portal).await, 200, "{b:?}");
        assert_eq!(website_status(&app, &csp, &data).await, 404, "{b:?}");
        let csp_sees = websites(&app, &csp).await;
        assert!(csp_sees.iter().all(|(d, _)| d != "data.demo.gov.cn" && d != "slj.xizhou.gov.cn"), "{csp_sees:?}");

        // A CSP with no engagement with this agency sees nothing of it.
        let csp2 = app.signed_in("admin@csp2.example").await;
        assert_eq!(website_status(&app, &csp2, &data).await, 404);

        // Bad invitations are refused on the field concerned, and nothing is stored.
        let provider = app.get_json(&agency, "/api/engagements").await.1["providers"]
            .as_array()
            .expect("providers")
            .iter()
            .find(|p| p["name"] == "华东政务云服务有限公司")
            .map(|p| p["id"].as_str().unwrap_or("").to_string())
            .expect("csp2 offered");
        let base = [
            ("provider_id", provider.as_str()),
            ("role", "csp"),
            ("website_ids[0]", data.as_str()),
            ("starts_on", "2026-01-01"),
            ("ends_on", "2027-12-31"),
        ];
        let with = |k: &'static str, v: &'static str| -> Vec<(&str, &str)> {
            base.iter().map(|(a, b)| if *a == k { (*a, v) } else { (*a, *b) }).collect()
        };
        let (s, e) = app.call(&agency, "invite_provider", &with("role", "developer")).await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("role")), "{e}");
        let (s, e) = app.call(&agency, "invite_provider", &with("ends_on", "2025-12-31")).await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("ends_on")), "{e}");
        let water_site = {
            let reg = app.signed_in("admin@regulator.example").await;
            id_of(&websites(&app, &reg).await, "slj.xizhou.gov.cn")
        };
        let foreign: Vec<(&str, &str)> = base
            .iter()
            .map(|(a, b)| if *a == "website_ids[0]" { (*a, water_site.as_str()) } else { (*a, *b) })
            .collect();
        let (s, e) = app.call(&agency, "invite_provider", &foreign).await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("website_ids")), "{e}");

        // Invited: still nothing. Accepted: the covered website, and only it. Ended: gone again.
        let (s, invited) = app.call(&agency, "invite_provider", &base).await;
        assert_eq!(s, 200, "{invited}");
        let engagement = invited.as_str().expect("id").to_string();
        assert_eq!(website_status(&app, &csp2, &data).await, 404, "invited is not in force");
        // Only the provider answers; the agency cannot accept its own invitation.
        let (s, _) = app.call(&agency, "answer_engagement", &[("id", &engagement), ("accept", "true")]).await;
        assert_eq!(s, 404);
        let (s, e) = app.call(&csp2, "answer_engagement", &[("id", &engagement), ("accept", "true")]).await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(website_status(&app, &csp2, &data).await, 200, "{b:?}: accepted is in force");
        assert_eq!(website_status(&app, &csp2, &portal).await, 404, "not covered");
        let (s, _) = app.call(&csp2, "answer_engagement", &[("id", &engagement), ("accept", "false")]).await;
        assert_eq!(s, 409, "answered twice");
        // Another provider cannot end it: for it the engagement does not exist.
        let (s, _) = app.call(&csp, "end_engagement", &[("id", &engagement), ("reason", "不是我们的")]).await;
        assert_eq!(s, 404);
        // Ending asks why: without a reason (or with only spaces) nothing ends.
        for reason in [None, Some("   ")] {
            let mut args = vec![("id", engagement.as_str())];
            args.extend(reason.map(|r| ("reason", r)));
            let (s, e) = app.call(&agency, "end_engagement", &args).await;
            assert_eq!(s, 422, "{b:?}: {e}");
            assert!(e.to_string().contains("reason"), "{e}");
            assert_eq!(website_status(&app, &csp2, &data).await, 200, "{b:?}: a refused end changed nothing");
        }
        let (s, e) = app.call(&agency, "end_engagement", &[("id", &engagement), ("reason", " 合同期满 ")]).await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(website_status(&app, &csp2, &data).await, 404, "{b:?}: ended");
        // The provider still sees the record, without the websites, and who ended it and why.
        let (_, row) = app.get_json(&csp2, &format!("/api/engagement?id={engagement}")).await;
        assert_eq!(row["status"], "Ended", "{row}");
        assert!(row["websites"].is_null(), "{row}");
        assert_eq!(row["closing"]["reason"], "合同期满", "{row}");
        assert_eq!(row["closing"]["by"], common::world::name_of("agency"), "{row}");
        // The invitation, the answer and the end were mailed through the outbox.
        use sea_orm::{EntityTrait, PaginatorTrait};
        let mails = app::backend::entity::outbox::Entity::find().count(&app.db).await.expect("count");
        assert!(mails >= 3, "{b:?}: {mails} mails queued");

        // Invited without a role (as the form does): the role follows from the provider's kind.
        // Accepted before its first day, it reads "accepted, starts on …", not in force.
        let later: Vec<(&str, &str)> = base
            .iter()
            .filter(|(k, _)| *k != "role")
            .map(|(k, v)| if *k == "starts_on" { (*k, "2027-03-01") } else { (*k, *v) })
            .collect();
        let (s, invited) = app.call(&agency, "invite_provider", &later).await;
        assert_eq!(s, 200, "{b:?}: {invited}");
        let later_id = invited.as_str().expect("id").to_string();
        let (s, e) = app.call(&csp2, "answer_engagement", &[("id", &later_id), ("accept", "true")]).await;
        assert_eq!(s, 200, "{e}");
        let (_, row) = app.get_json(&agency, &format!("/api/engagement?id={later_id}")).await;
        assert_eq!((row["role"].as_str(), row["status"].as_str()), (Some("Csp"), Some("Active")), "{row}");
        assert_eq!((row["in_force"].as_bool(), row["starts_later"].as_bool()), (Some(false), Some(true)), "{row}");
        assert_eq!(website_status(&app, &csp2, &data).await, 404, "{b:?}: not yet in force");
        let page = app.get_text(&agency, &format!("/engagements/{later_id}")).await;
        assert!(page.contains("已接受，起始于 2027-03-01"), "{b:?}: the badge says when it starts");

        // Declining asks why too; the agency reads the reason on the engagement's page.
        let (s, invited) = app.call(&agency, "invite_provider", &later).await;
        assert_eq!(s, 200, "{b:?}: {invited}");
        let third = invited.as_str().expect("id").to_string();
        let (s, e) = app.call(&csp2, "answer_engagement", &[("id", &third), ("accept", "false")]).await;
        assert_eq!(s, 422, "{b:?}: {e}");
        let (_, row) = app.get_json(&agency, &format!("/api/engagement?id={third}")).await;
        assert_eq!(row["status"], "Invited", "{b:?}: a refused decline changed nothing: {row}");
        let too_long = "因".repeat(1001);
        let (s, _) =
            app.call(&csp2, "answer_engagement", &[("id", &third), ("accept", "false"), ("reason", &too_long)]).await;
        assert_eq!(s, 422, "{b:?}");
        let (s, e) = app
            .call(&csp2, "answer_engagement", &[("id", &third), ("accept", "false"), ("reason", "本季度无承接能力")])
            .await;
        assert_eq!(s, 200, "{b:?}: {e}");
        let page = app.get_text(&agency, &format!("/engagements/{third}")).await;
        assert!(page.contains("本季度无承接能力"), "{b:?}: the agency reads why");
    }
}

#[tokio::test]
async fn a_regulator_sees_exactly_its_jurisdiction() {
    for b in backends() {
        let app = spawn(b).await;
        let domains = |list: Vec<(String, String)>| {
            let mut d: Vec<String> = list.into_iter().map(|(d, _)| d).collect();
            d.sort();
            d
        };
        let province = app.signed_in("admin@regulator.example").await;
        let all = domains(websites(&app, &province).await);
        assert_eq!(all.len(), 14, "{b:?}: {all:?}");
        assert!(!all.iter().any(|d| d.contains("linsheng")), "{all:?}");
        let east = app.signed_in("viewer@east-regulator.example").await;
        // The east city has the agency's and health's websites; education moved to the west city.
        let east_sees = domains(websites(&app, &east).await);
        assert_eq!(east_sees.len(), 5, "{east_sees:?}");
        assert!(east_sees.iter().all(|d| d.contains("demo") || d.contains("dongzhou")), "{east_sees:?}");
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;
        let theirs = websites(&app, &neighbour).await;
        assert_eq!(theirs.len(), 3);
        let market = id_of(&theirs, "amr.linsheng.gov.cn");
        assert_eq!(website_status(&app, &province, &market).await, 404);
        assert_eq!(website_status(&app, &neighbour, &market).await, 200);
        // A regulator reads; it does not write.
        let (s, _) = app
            .call(
                &province,
                "create_website",
                &[
                    ("name", "X"),
                    ("domain", "x.gov.cn"),
                    ("protection_level", "2"),
                    ("service_model", "iaas"),
                    ("deployment_model", "government"),
                    ("phase", "planning"),
                ],
            )
            .await;
        assert_eq!(s, 403);

        // The platform moves the water bureau from the west city to the east one; access follows at once.
        let platform = app.signed_in("platform@portal.example").await;
        let (_, tree) = app.get_json(&platform, "/api/jurisdictions").await;
        let find = |list: &Value, name: &str| {
            list.as_array()
                .expect("list")
                .iter()
                .find(|p| p[1] == name)
                .map(|p| p[0].as_str().unwrap_or("").to_string())
                .unwrap_or_else(|| panic!("{name}"))
        };
        let water = find(&tree["agencies"], "西州市水利局");
        let east_id = find(&tree["regulators"], "示范省东州市网信办");
        let province_id = find(&tree["regulators"], "示范省网信办");
        let (s, e) = app
            .call(&platform, "place_in_jurisdiction", &[("organisation_id", &water), ("regulator_id", &east_id)])
            .await;
        assert_eq!((s, e["Conflict"]["field"].as_str()), (409, Some("regulator_id")), "{b:?}: {e}");
        let (s, e) = app
            .call(
                &platform,
                "place_in_jurisdiction",
                &[("organisation_id", &water), ("regulator_id", &east_id), ("moving", "on")],
            )
            .await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(domains(websites(&app, &east).await).len(), 7);
        // A regulator under its own subordinate is refused.
        let (s, e) = app
            .call(
                &platform,
                "place_in_jurisdiction",
                &[("organisation_id", &province_id), ("regulator_id", &east_id), ("moving", "on")],
            )
            .await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("regulator_id")), "{e}");
        // Only the platform administers jurisdictions.
        let (s, _) =
            app.call(&province, "place_in_jurisdiction", &[("organisation_id", &water), ("regulator_id", "")]).await;
        assert_eq!(s, 403);
    }
}

#[tokio::test]
async fn an_agency_adds_and_edits_its_websites_with_every_field_checked() {
    for b in backends() {
        let app = spawn(b).await;
        let agency = app.signed_in("security@agency.example").await;
        // security@ must change its password first; use the administrator instead.
        drop(agency);
        let agency = app.signed_in("admin@agency.example").await;
        let good = [
            ("name", "示范市 12345 热线"),
            ("domain", "12345.示范.政务.cn"),
            ("protection_level", "3"),
            ("service_model", "saas"),
            ("deployment_model", "public"),
            ("phase", "trial"),
            ("phase_since", "2026-01-10"),
        ];
        let with = |k: &'static str, v: &'static str| -> Vec<(&str, &str)> {
            good.iter().map(|(a, b)| if *a == k { (*a, v) } else { (*a, *b) }).collect()
        };
        for (field, value) in [
            ("domain", "https://x.gov.cn/"),
            ("domain", "not a domain"),
            ("protection_level", "6"),
            ("protection_level", "0"),
            ("phase", "finished"),
            ("phase_since", "2026-02-30"),
        ] {
            let (s, e) = app.call(&agency, "create_website", &with(field, value)).await;
            assert_eq!(
                (s, e["Invalid"]["fields"][0]["field"].as_str()),
                (422, Some(field)),
                "{b:?} {field}={value}: {e}"
            );
        }
        // Every bad field is named in one answer, so the form can show them all at once.
        let several: Vec<(&str, &str)> = good
            .iter()
            .map(|(k, v)| match *k {
                "domain" => (*k, "not a domain"),
                "protection_level" => (*k, "9"),
                "phase" => (*k, "finished"),
                _ => (*k, *v),
            })
            .collect();
        let (s, e) = app.call(&agency, "create_website", &several).await;
        let named: Vec<&str> = e["Invalid"]["fields"]
            .as_array()
            .map(|fs| fs.iter().filter_map(|f| f["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!((s, named), (422, vec!["domain", "protection_level", "phase"]), "{e}");
        let (s, id) = app.call(&agency, "create_website", &good).await;
        assert_eq!(s, 200, "{id}");
        let id = id.as_str().expect("id").to_string();
        let (_, detail) = app.get_json(&agency, &format!("/api/website?id={id}")).await;
        assert_eq!(detail["website"]["domain"], "12345.示范.政务.cn");
        let flags = detail["website"]["flags"].to_string();
        assert!(flags.contains("TrialOverdue") && flags.contains("NoSecurityOfficer"), "{flags}");
        assert!(!flags.contains("DomainOutsideGov"), "{flags}");
        // The same domain in punycode is the same domain.
        let (s, e) = app.call(&agency, "create_website", &with("domain", "12345.xn--biz93r.xn--zfr164b.cn")).await;
        assert_eq!((s, e["Conflict"]["field"].as_str()), (409, Some("domain")), "{e}");
        // Another agency's administrator cannot change it: not found.
        let other = app.signed_in("admin@health.example").await;
        let mut edit: Vec<(&str, &str)> = good.to_vec();
        edit.push(("id", &id));
        let (s, _) = app.call(&other, "update_website", &edit).await;
        assert_eq!(s, 404);
        let (s, e) = app.call(&agency, "update_website", &edit).await;
        assert_eq!(s, 200, "{e}");
    }
}

fn accept_form<'a>(token: &'a str, password: &'a str, confirm: &'a str) -> [(&'static str, &'a str); 3] {
    [("token", token), ("password", password), ("confirm", confirm)]
}

/// The invitation link in the newest mail to `to`.
async fn invitation_token(app: &TestApp, to: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mail = app::backend::entity::outbox::Entity::find()
        .filter(app::backend::entity::outbox::Column::ToAddr.eq(to))
        .order_by_desc(app::backend::entity::outbox::Column::CreatedAt)
        .one(&app.db)
        .await
        .expect("query")
        .expect("an invitation mail");
    let at = mail.body.find("/invite/").expect("link in the mail") + "/invite/".len();
    mail.body[at..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

#[tokio::test]
async fn a_person_joins_through_an_invitation_link_once() {
    for b in backends() {
        let app = spawn(b).await;
        let admin = app.signed_in("admin@csp2.example").await;
        let invite = [("email", "new.engineer@csp2.example"), ("display_name", "韩梅"), ("role_staff", "on")];
        let (s, e) = app.call(&admin, "invite_person", &invite).await;
        assert_eq!(s, 200, "{b:?}: {e}");
        // The same address again while open, or an address that already has an account: refused.
        let (s, e) = app.call(&admin, "invite_person", &invite).await;
        assert_eq!((s, e["Conflict"]["field"].as_str()), (409, Some("email")), "{e}");
        let (s, e) = app
            .call(
                &admin,
                "invite_person",
                &[("email", "duty@csp2.example"), ("display_name", "X"), ("role_staff", "on")],
            )
            .await;
        assert_eq!((s, e["Conflict"]["field"].as_str()), (409, Some("email")), "{e}");
        // Only administrators invite.
        let staff = app.signed_in("staff@csp2.example").await;
        let (s, _) = app
            .call(&staff, "invite_person", &[("email", "y@csp2.example"), ("display_name", "Y"), ("role_staff", "on")])
            .await;
        assert_eq!(s, 403);

        let token = invitation_token(&app, "new.engineer@csp2.example").await;
        assert_eq!(token.len(), 64, "{token}");
        let anonymous = app.client();
        let (s, view) = app.get_json(&anonymous, &format!("/api/invitation?token={token}")).await;
        assert_eq!(s, 200, "{view}");
        assert_eq!(view["organisation"], "华东政务云服务有限公司");
        let (s, _) = app.get_json(&anonymous, "/api/invitation?token=0000").await;
        assert_eq!(s, 422);
        let page = app.get_text(&anonymous, &format!("/invite/{token}")).await;
        assert!(page.contains("华东政务云服务有限公司"), "the page opens without signing in");

        let (s, e) = app.call(&anonymous, "accept_invitation", &accept_form(&token, "password", "password")).await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("password")), "{e}");
        let (s, e) = app
            .call(
                &anonymous,
                "accept_invitation",
                &accept_form(&token, "Quiet-Harbour-Lantern-58", "Quiet-Harbour-Lantern-59"),
            )
            .await;
        assert_eq!((s, e["Invalid"]["fields"][0]["field"].as_str()), (422, Some("confirm")), "{e}");
        let (s, e) = app
            .call(
                &anonymous,
                "accept_invitation",
                &accept_form(&token, "Quiet-Harbour-Lantern-58", "Quiet-Harbour-Lantern-58"),
            )
            .await;
        assert!(s < 400, "{b:?}: {s} {e}");
        // The link is used up.
        let (s, _) = app
            .call(
                &anonymous,
                "accept_invitation",
                &accept_form(&token, "Quiet-Harbour-Lantern-58", "Quiet-Harbour-Lantern-58"),
            )
            .await;
        assert_eq!(s, 422);
        let c = app.client();
        let res = app.sign_in(&c, "new.engineer@csp2.example", "Quiet-Harbour-Lantern-58").await;
        assert_eq!(common::location(&res), "/", "{b:?}: signs in straight to the dashboard");

        // An unused link expires after seven days.
        let (s, _) = app
            .call(
                &admin,
                "invite_person",
                &[("email", "late@csp2.example"), ("display_name", "迟到"), ("role_viewer", "on")],
            )
            .await;
        assert_eq!(s, 200);
        let late = invitation_token(&app, "late@csp2.example").await;
        app.clock.advance(time::Duration::days(8));
        let (s, _) = app.get_json(&anonymous, &format!("/api/invitation?token={late}")).await;
        assert_eq!(s, 422, "{b:?}: expired");
    }
}
