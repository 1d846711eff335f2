//! Organisations and people through the server functions: who may do what, and nothing across tenants.
use crate::common;

use common::{backends, person_id, spawn};
use serde_json::Value;

/// Calls a server function as the hydrated app does (JSON back): the ones that only read by GET.
async fn call(app: &common::TestApp, c: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let url = app.url(&format!("/api/{name}"));
    let req = if matches!(name, "people" | "organisations") {
        c.get(url)
    } else {
        c.post(url).header("origin", &app.base).form(form)
    };
    common::json(req.header("accept", "application/json").send().await.expect("server fn")).await
}

#[tokio::test]
async fn platform_admin_creates_an_organisation_whose_admin_must_change_password() {
    for b in backends() {
        let app = spawn(b).await;
        let platform = app.signed_in("platform@portal.example").await;
        let (status, otp) = call(
            &app,
            &platform,
            "create_organisation",
            &[
                ("name", "示范区大数据中心"),
                ("kind", "agency"),
                ("admin_email", "first@district.example"),
                ("admin_name", "吴婷"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{b:?}: {otp}");
        let password = otp["password"].as_str().expect("one-time password").to_string();
        // The same name again is a clear conflict, and nothing half-written remains.
        let (status, err) = call(
            &app,
            &platform,
            "create_organisation",
            &[
                ("name", "示范区大数据中心"),
                ("kind", "agency"),
                ("admin_email", "second@district.example"),
                ("admin_name", "X"),
            ],
        )
        .await;
        assert_eq!(status, 409, "{b:?}: {err}");
        let c = app.client();
        let res = app.sign_in(&c, "second@district.example", "anything-at-all").await;
        assert!(common::location(&res).starts_with("/login?email="), "no person was left behind");
        // A supplier without subtype is refused with the field named.
        let (status, err) = call(
            &app,
            &platform,
            "create_organisation",
            &[("name", "X 公司"), ("kind", "supplier"), ("admin_email", "x@x.example"), ("admin_name", "X")],
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(err["Invalid"]["fields"][0]["field"], "subtype");
        // The new administrator signs in with the one-time password and is sent to change it.
        let res = app.sign_in(&c, "first@district.example", &password).await;
        assert_eq!(common::location(&res), "/account/password", "{b:?}");
        // Only the platform administrator may create organisations.
        let agency = app.signed_in("admin@agency.example").await;
        let (status, _) = call(
            &app,
            &agency,
            "create_organisation",
            &[("name", "Y"), ("kind", "agency"), ("admin_email", "y@y.example"), ("admin_name", "Y")],
        )
        .await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn an_org_admin_manages_its_own_people_and_cannot_touch_another_organisations() {
    for b in backends() {
        let app = spawn(b).await;
        let agency = app.signed_in("admin@agency.example").await;
        let (status, otp) = call(
            &app,
            &agency,
            "create_person",
            &[("email", "new.officer@agency.example"), ("display_name", "周杰"), ("role_security_officer", "on")],
        )
        .await;
        assert_eq!(status, 200, "{b:?}: {otp}");
        let (status, err) = call(
            &app,
            &agency,
            "create_person",
            &[("email", "NEW.officer@agency.example"), ("display_name", "重复"), ("role_viewer", "on")],
        )
        .await;
        assert_eq!((status, err["Conflict"]["field"].as_str()), (409, Some("email")), "{b:?}");
        let (status, err) = call(
            &app,
            &agency,
            "create_person",
            &[("email", "not-an-email"), ("display_name", "X"), ("role_viewer", "on")],
        )
        .await;
        assert_eq!((status, err["Invalid"]["fields"][0]["field"].as_str()), (422, Some("email")));
        let (status, _) =
            call(&app, &agency, "create_person", &[("email", "p@agency.example"), ("display_name", "X")]).await;
        assert_eq!(status, 422, "at least one role");
        let (status, _) = call(
            &app,
            &agency,
            "create_person",
            &[("email", "p@agency.example"), ("display_name", "X"), ("role_platform_admin", "on")],
        )
        .await;
        assert_eq!(status, 422, "platform administration cannot be granted by an agency");

        let (status, page) = call(&app, &agency, "people", &[]).await;
        assert_eq!(status, 200);
        let emails: Vec<&str> =
            page["people"].as_array().expect("people").iter().filter_map(|p| p["email"].as_str()).collect();
        assert!(emails.contains(&"new.officer@agency.example"));
        assert!(!emails.iter().any(|e| e.ends_with("csp.example")), "{b:?}: another organisation's people listed");

        // Another organisation's person: every action answers "not found", and changes nothing.
        let csp_admin = person_id(&app.db, "admin@csp.example").await;
        let (status, _) = call(
            &app,
            &agency,
            "update_person",
            &[("id", &csp_admin), ("display_name", "Hacked"), ("role_viewer", "on")],
        )
        .await;
        assert_eq!(status, 404, "{b:?}");
        let (status, _) = call(&app, &agency, "set_person_active", &[("id", &csp_admin), ("active", "false")]).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, &agency, "reset_person_password", &[("id", &csp_admin)]).await;
        assert_eq!(status, 404);
        app.signed_in("admin@csp.example").await;

        // Deactivating ends that person's sessions at once; the last administrator is protected.
        let duty = app.signed_in("duty@agency.example").await;
        let duty_id = person_id(&app.db, "duty@agency.example").await;
        let (status, _) = call(&app, &agency, "set_person_active", &[("id", &duty_id), ("active", "false")]).await;
        assert_eq!(status, 200);
        let res = duty.get(app.url("/")).send().await.expect("get");
        assert_eq!(res.status(), 303, "{b:?}: a deactivated person is signed out");
        let me = person_id(&app.db, "admin@agency.example").await;
        let (status, err) = call(&app, &agency, "set_person_active", &[("id", &me), ("active", "false")]).await;
        assert_eq!((status, err["Invalid"]["fields"][0]["msg"].as_str()), (422, Some("ErrSelfDeactivate")));
        let (status, err) =
            call(&app, &agency, "update_person", &[("id", &me), ("display_name", "李伟"), ("role_viewer", "on")]).await;
        // Nobody changes their own roles (issue 13), which also keeps the last administrator one.
        assert_eq!((status, err["Invalid"]["fields"][0]["msg"].as_str()), (422, Some("ErrOwnRoles")), "{b:?}");

        // Those without the administrator role cannot manage people at all.
        let officer = app.signed_in("duty@agency.example").await;
        let _ = officer;
        let viewer_client = app.client();
        let (status, _) = call(&app, &viewer_client, "people", &[]).await;
        assert_eq!(status, 401, "anonymous");
    }
}

#[tokio::test]
async fn the_platform_renames_and_deactivates_an_organisation() {
    for b in backends() {
        let app = spawn(b).await;
        let platform = app.signed_in("platform@portal.example").await;
        let csp_session = app.signed_in("admin@csp.example").await;
        let csp = common::id_where(&app.db, "organisation", "name", "示范云计算有限公司").await.to_string();
        let (status, err) =
            call(&app, &platform, "update_organisation", &[("id", &csp), ("name", "示范省网信办"), ("active", "on")])
                .await;
        assert_eq!((status, err["Conflict"]["field"].as_str()), (409, Some("name")), "{b:?}");
        let (status, _) =
            call(&app, &platform, "update_organisation", &[("id", &csp), ("name", "示范云服务股份有限公司")]).await;
        assert_eq!(status, 200, "{b:?}: renamed and deactivated (checkbox absent)");
        // Its people are signed out and cannot sign in.
        assert_eq!(csp_session.get(app.url("/")).send().await.expect("get").status(), 303, "{b:?}");
        let c = app.client();
        let res = app.sign_in(&c, "admin@csp.example", common::world::PASSWORD).await;
        assert!(common::location(&res).starts_with("/login?email="), "{b:?}");
        let (status, _) = call(
            &app,
            &platform,
            "update_organisation",
            &[("id", &uuid::Uuid::new_v4().to_string()), ("name", "X"), ("active", "on")],
        )
        .await;
        assert_eq!(status, 404);
        let platform_org = common::id_where(&app.db, "organisation", "name", "门户平台运营中心").await.to_string();
        let (status, _) =
            call(&app, &platform, "update_organisation", &[("id", &platform_org), ("name", "门户平台运营中心")]).await;
        assert_eq!(status, 422, "the platform cannot deactivate itself");
        let agency = app.signed_in("admin@agency.example").await;
        let (status, _) =
            call(&app, &agency, "update_organisation", &[("id", &csp), ("name", "X"), ("active", "on")]).await;
        assert_eq!(status, 403, "only the platform");
    }
}

#[tokio::test]
async fn a_page_outside_the_viewers_modules_shows_only_the_refusal() {
    for b in backends() {
        let app = spawn(b).await;
        let staff = app.signed_in("staff@csp.example").await;
        // The matrix is a jurisdiction's page; people are the administrator's.
        for page in
            ["/reports/matrix", "/people", "/people/00000000-0000-0000-0000-000000000000/deactivate", "/jurisdictions"]
        {
            let res = staff.get(app.url(page)).send().await.expect("page");
            assert_eq!(res.status(), 403, "{b:?}: {page}");
            let body = res.text().await.expect("body");
            assert!(body.contains("无权访问"), "{page}: the refusal is said");
            assert!(!body.contains("页面不存在"), "{page}: never 'not found' over a refusal");
            assert!(
                !body.contains("matrix-filter") && !body.contains("add-person"),
                "{page}: nothing of the page around it"
            );
        }
        // A page the viewer may open still opens.
        let res = staff.get(app.url("/reports")).send().await.expect("page");
        assert_eq!(res.status(), 200, "{b:?}");
    }
}

#[tokio::test]
async fn a_filter_address_keeps_only_what_was_chosen() {
    for b in backends() {
        let app = spawn(b).await;
        let agency = app.signed_in("admin@agency.example").await;
        for (asked, clean) in [
            ("/reports?side=&kind=&state=&q=", "/reports"),
            ("/reports?side=submit&kind=&q=", "/reports?side=submit"),
            ("/websites?q=&level=3&phase=", "/websites?level=3"),
        ] {
            let res = agency.get(app.url(asked)).send().await.expect("page");
            assert_eq!(res.status(), 303, "{asked}");
            assert_eq!(common::location(&res), clean, "{asked}");
        }
        // A clean address is served as it is; server functions keep their (empty) arguments.
        let res = agency.get(app.url("/reports?side=submit")).send().await.expect("page");
        assert_eq!(res.status(), 200);
        let (status, _) = app.get_json(&agency, "/api/report_work?filter[q]=").await;
        assert_eq!(status, 200, "{b:?}");
    }
}
