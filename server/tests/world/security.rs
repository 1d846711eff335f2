//! Account security (issue 21): sign-ins from a new network or browser, the sessions a person
//! sees and ends (and its administrator ends), and the machine API's limits per token and per
//! address.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::common::{backends, spawn_with, world::PASSWORD, Options, TestApp};

const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const CHROME_LATER: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const WHO: &str = "duty@agency.example";

/// A browser at `address` (behind the tests' trusted proxy) with `agent`, signed in as `email`.
async fn browser_at(app: &TestApp, email: &str, agent: &str, address: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().expect("header"));
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(agent)
        .default_headers(headers)
        .build()
        .expect("client");
    let res = app.sign_in(&c, email, PASSWORD).await;
    assert_eq!(res.status(), 303, "sign-in of {email}");
    c
}

/// The new-place mails to `email` so far.
async fn alerts(app: &TestApp, email: &str) -> Vec<String> {
    use app::backend::entity::outbox;
    outbox::Entity::find()
        .filter(outbox::Column::ToAddr.eq(email))
        .all(&app.db)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.subject == "新的登录地点" || m.subject == "A sign-in from a new place")
        .map(|m| m.body)
        .collect()
}

async fn audited(app: &TestApp, action: &str) -> usize {
    use app::audit::entity::audit_log;
    audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).all(&app.db).await.expect("audit").len()
}

fn proxied() -> Options {
    Options { trusted_proxies: Some("127.0.0.1/32".into()), ..Options::default() }
}

#[tokio::test]
async fn a_sign_in_from_a_network_or_browser_not_seen_in_90_days_mails_the_person_and_is_audited() {
    for b in backends() {
        let app = spawn_with(b, proxied()).await;
        // The first sign-in ever has nothing to compare with.
        browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        assert_eq!(alerts(&app, WHO).await.len(), 0, "{b:?}");
        // Same /24, a later version of the same browser: nothing new.
        browser_at(&app, WHO, CHROME_LATER, "192.0.2.200").await;
        assert_eq!(alerts(&app, WHO).await.len(), 0, "{b:?}");
        // A new browser family on a known network.
        browser_at(&app, WHO, FIREFOX, "192.0.2.11").await;
        let said = alerts(&app, WHO).await;
        assert_eq!(said.len(), 1, "{b:?}");
        assert!(said[0].contains("192.0.2.11") && said[0].contains("Firefox"), "{}", said[0]);
        // A new /24 with a known browser.
        browser_at(&app, WHO, CHROME, "198.51.100.5").await;
        assert_eq!(alerts(&app, WHO).await.len(), 2, "{b:?}");
        // IPv6: a new /48, then another address in it, then another /48.
        browser_at(&app, WHO, CHROME, "2001:db8:1:2::1").await;
        assert_eq!(alerts(&app, WHO).await.len(), 3, "{b:?}");
        browser_at(&app, WHO, CHROME, "2001:db8:1:ffff::2").await;
        assert_eq!(alerts(&app, WHO).await.len(), 3, "{b:?}: the same /48");
        browser_at(&app, WHO, CHROME, "2001:db8:2::1").await;
        assert_eq!(alerts(&app, WHO).await.len(), 4, "{b:?}");
        assert_eq!(audited(&app, "sign_in_new_place").await, 4, "{b:?}");
        // Ninety days on, the network and the browser seen last are new again.
        app.advance(time::Duration::days(91));
        browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        let said = alerts(&app, WHO).await;
        assert_eq!(said.len(), 5, "{b:?}");
        // The person's security page lists the sign-ins and marks the new ones.
        let c = browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        let (status, page) = app.get_json(&c, "/api/account_security").await;
        assert_eq!(status, 200, "{page}");
        let sign_ins = page["sign_ins"].as_array().expect("sign-ins");
        assert_eq!(sign_ins.len(), 2, "only the last 90 days: {page}");
        assert_eq!(sign_ins[0]["new_network"], false);
        assert_eq!(sign_ins[1]["new_network"], true);
        assert_eq!(sign_ins[1]["new_browser"], true);
        assert_eq!(sign_ins[1]["address"], "192.0.2.10");
    }
}

#[tokio::test]
async fn a_person_sees_its_sessions_and_ends_one_or_all_others() {
    for b in backends() {
        let app = spawn_with(b, proxied()).await;
        let first = browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        let second = browser_at(&app, WHO, FIREFOX, "192.0.2.11").await;
        let third = browser_at(&app, WHO, CHROME, "198.51.100.7").await;
        let (status, page) = app.get_json(&first, "/api/account_security").await;
        assert_eq!(status, 200, "{page}");
        let sessions = page["sessions"].as_array().expect("sessions").clone();
        assert_eq!(sessions.len(), 3, "{page}");
        assert_eq!(sessions[0]["current"], true, "this session first");
        assert_eq!(sessions[0]["address"], "192.0.2.10");
        let firefox = sessions.iter().find(|s| s["browser"] == "Firefox").expect("the Firefox session");
        // Another person cannot end it.
        let other = app.signed_in("admin@agency.example").await;
        let id = firefox["id"].as_str().expect("id");
        assert_eq!(app.call(&other, "end_session", &[("id", id)]).await.0, 404, "{b:?}");
        assert_eq!(app.get_json(&second, "/api/account_security").await.0, 200, "still signed in");
        // Its person can: that browser is signed out at its next request.
        assert_eq!(app.call(&first, "end_session", &[("id", id)]).await.0, 200, "{b:?}");
        assert_eq!(app.get_json(&second, "/api/account_security").await.0, 401, "{b:?}: ended");
        assert_eq!(app.call(&first, "end_session", &[("id", id)]).await.0, 404, "ended already");
        // All others: the third ends, the first goes on.
        let (status, ended) = app.call(&first, "end_other_sessions", &[]).await;
        assert_eq!((status, ended), (200, Value::from(1)), "{b:?}");
        assert_eq!(app.get_json(&third, "/api/account_security").await.0, 401, "{b:?}");
        let (_, page) = app.get_json(&first, "/api/account_security").await;
        assert_eq!(page["sessions"].as_array().map(Vec::len), Some(1), "{page}");
        assert_eq!(audited(&app, "session_end").await, 2, "{b:?}");
        // The first ends itself: signed out.
        let own = page["sessions"][0]["id"].as_str().expect("id").to_string();
        assert_eq!(app.call(&first, "end_session", &[("id", &own)]).await.0, 200);
        assert_eq!(app.get_json(&first, "/api/account_security").await.0, 401, "{b:?}");
    }
}

#[tokio::test]
async fn an_administrator_ends_every_session_of_a_person_of_its_own_organisation_only() {
    for b in backends() {
        let app = spawn_with(b, proxied()).await;
        let officer = browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        let officer_too = browser_at(&app, WHO, FIREFOX, "192.0.2.10").await;
        let id = crate::common::person_id(&app.db, WHO).await;
        // Another organisation's administrator: not its person.
        let csp_admin = app.signed_in("admin@csp.example").await;
        assert_eq!(app.call(&csp_admin, "end_person_sessions", &[("id", &id)]).await.0, 404, "{b:?}");
        // A person who is not an administrator may not.
        let staff = app.signed_in("staff@agency.example").await;
        assert_eq!(app.call(&staff, "end_person_sessions", &[("id", &id)]).await.0, 403, "{b:?}");
        assert_eq!(app.get_json(&officer, "/api/account_security").await.0, 200);
        let admin = app.signed_in("admin@agency.example").await;
        let (status, ended) = app.call(&admin, "end_person_sessions", &[("id", &id)]).await;
        assert_eq!((status, ended), (200, Value::from(2)), "{b:?}");
        for c in [&officer, &officer_too] {
            assert_eq!(app.get_json(c, "/api/account_security").await.0, 401, "{b:?}");
        }
        assert_eq!(audited(&app, "session_end").await, 1, "{b:?}");
        // The administrator's own session goes on.
        assert_eq!(app.get_json(&admin, "/api/account_security").await.0, 200);
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_rows_and_keeps_this_one() {
    for b in backends() {
        let app = spawn_with(b, proxied()).await;
        let here = browser_at(&app, WHO, CHROME, "192.0.2.10").await;
        let there = browser_at(&app, WHO, FIREFOX, "192.0.2.10").await;
        let new = "violet-harbour-71-cobalt";
        let res =
            app.post_form(&here, "/account/password", &[("current", PASSWORD), ("new", new), ("confirm", new)]).await;
        assert_eq!(res.status(), 303);
        assert_eq!(app.get_json(&there, "/api/account_security").await.0, 401, "{b:?}");
        let (status, page) = app.get_json(&here, "/api/account_security").await;
        assert_eq!(status, 200, "{b:?}: {page}");
        let sessions = page["sessions"].as_array().expect("sessions");
        assert_eq!(sessions.len(), 1, "{page}");
        assert_eq!(sessions[0]["current"], true);
    }
}

async fn get(token: &str, url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("api get")
}

#[tokio::test]
async fn the_api_refuses_a_token_past_its_minute_with_retry_after_and_problem_json() {
    for b in backends() {
        let app = spawn_with(b, Options { api_per_minute: (3, 5), ..Options::default() }).await;
        let now = app.now();
        let csp = app::auth::tokens::issue_for(&app.db, now, "admin@csp.example", "ci", 30).await.expect("token");
        let csp2 = app::auth::tokens::issue_for(&app.db, now, "admin@csp2.example", "ci", 30).await.expect("token");
        let url = app.url("/api/v1/obligations");
        for _ in 0..3 {
            assert_eq!(get(&csp, &url).await.status(), 200, "{b:?}");
        }
        let res = get(&csp, &url).await;
        assert_eq!(res.status(), 429, "{b:?}");
        assert_eq!(crate::common::header(&res, "content-type"), "application/problem+json");
        let retry: u64 = crate::common::header(&res, "retry-after").parse().expect("Retry-After");
        assert!((1..=60).contains(&retry), "retry after {retry}");
        let body: Value = res.json().await.expect("problem");
        assert_eq!(body["status"], 429);
        assert_eq!(body["type"], "/problems/too-many-requests");
        assert!(body["detail"].as_str().unwrap_or_default().contains("token"), "{body}");
        // Another token from the same address still has its own minute, until the address's five.
        assert_eq!(get(&csp2, &url).await.status(), 200, "{b:?}");
        let res = get(&csp2, &url).await;
        assert_eq!(res.status(), 429, "{b:?}: the address has made its five");
        let body: Value = res.json().await.expect("problem");
        assert!(body["detail"].as_str().unwrap_or_default().contains("address"), "{body}");
        // A made-up token counts against the address too, before any lookup.
        assert_eq!(get("pt_made_up", &url).await.status(), 429);
    }
}

#[tokio::test]
async fn the_openapi_document_names_the_limit_on_every_operation() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let doc: Value =
            reqwest::get(app.url("/api/v1/openapi.json")).await.expect("get").json().await.expect("openapi json");
        let paths = doc["paths"].as_object().expect("paths");
        let mut operations = 0;
        for (path, item) in paths {
            for (method, op) in item.as_object().expect("path item") {
                if !["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    continue;
                }
                operations += 1;
                let limited = &op["responses"]["429"];
                assert!(limited["headers"]["Retry-After"].is_object(), "{method} {path}: {limited}");
                assert!(limited["content"]["application/problem+json"].is_object(), "{method} {path}");
            }
        }
        assert!(operations >= 20, "{operations} operations");
    }
}

/// The code the person's app shows at the test clock's now.
fn code_now(app: &TestApp, secret: &str, email: &str) -> String {
    let t = app::auth::second_factor::totp(secret, email).expect("totp");
    t.generate(app.now().unix_timestamp() as u64)
}

/// Sets up the second factor of a signed-in client: the secret and the ten recovery codes.
async fn enrol(app: &TestApp, c: &reqwest::Client, email: &str) -> (String, Vec<String>) {
    let (status, e) = app.call(c, "begin_second_factor", &[]).await;
    assert_eq!(status, 200, "{e}");
    let secret = e["secret"].as_str().expect("secret").to_string();
    assert!(e["qr_svg"].as_str().unwrap_or_default().contains("<svg"), "a QR code as SVG");
    assert!(e["url"].as_str().unwrap_or_default().starts_with("otpauth://totp/"));
    // A wrong code does not switch it on.
    let (status, body) = app.call(c, "confirm_second_factor", &[("code", "000000")]).await;
    assert_eq!(status, 422, "{body}");
    let (status, codes) = app.call(c, "confirm_second_factor", &[("code", &code_now(app, &secret, email))]).await;
    assert_eq!(status, 200, "{codes}");
    let codes: Vec<String> = codes.as_array().expect("codes").iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Signs in with the password, then answers the second step with `code`: where it leads.
async fn two_steps(app: &TestApp, email: &str, code: &str) -> (reqwest::Client, String) {
    let c = app.client();
    let res = app.sign_in(&c, email, PASSWORD).await;
    assert_eq!(crate::common::location(&res), "/login/code");
    let res = app.post_form(&c, "/login/code", &[("code", code)]).await;
    (c.clone(), crate::common::location(&res))
}

#[tokio::test]
async fn a_second_factor_is_set_up_with_a_correct_code_and_asked_at_every_sign_in_each_code_once() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let c = app.signed_in(WHO).await;
        let (secret, recovery) = enrol(&app, &c, WHO).await;
        let (_, status) = app.get_json(&c, "/api/second_factor").await;
        assert_eq!(status["enrolled"], true, "{status}");
        assert_eq!(status["recovery_left"], 10);
        // Switching it on again is refused.
        assert_eq!(app.call(&c, "begin_second_factor", &[]).await.0, 409);
        // The code just used to switch it on is not taken again.
        let used = code_now(&app, &secret, WHO);
        let (_, to) = two_steps(&app, WHO, &used).await;
        assert_eq!(to, "/login/code", "{b:?}: a code is taken once");
        // The next step's code signs in.
        app.advance(time::Duration::seconds(30));
        let (signed, to) = two_steps(&app, WHO, &code_now(&app, &secret, WHO)).await;
        assert_eq!(to, "/", "{b:?}");
        assert_eq!(app.get_json(&signed, "/api/account_security").await.0, 200);
        // A password alone is not signed in.
        let half = app.client();
        app.sign_in(&half, WHO, PASSWORD).await;
        assert_eq!(app.get_json(&half, "/api/account_security").await.0, 401, "{b:?}");
        // A recovery code signs in once; typed in upper case with spaces too.
        let typed = recovery[0].to_uppercase().replace('-', " ");
        let (_, to) = two_steps(&app, WHO, &typed).await;
        assert_eq!(to, "/", "{b:?}");
        let (_, to) = two_steps(&app, WHO, &recovery[0]).await;
        assert_eq!(to, "/login/code", "{b:?}: consumed");
        let (_, status) = app.get_json(&signed, "/api/second_factor").await;
        assert_eq!(status["recovery_left"], 9);
        // New recovery codes need a current code; the old ones stop working.
        app.advance(time::Duration::seconds(30));
        assert_eq!(app.call(&signed, "new_recovery_codes", &[("code", "123456")]).await.0, 422);
        let (status, fresh) = app.call(&signed, "new_recovery_codes", &[("code", &code_now(&app, &secret, WHO))]).await;
        assert_eq!(status, 200, "{fresh}");
        let (_, to) = two_steps(&app, WHO, &recovery[1]).await;
        assert_eq!(to, "/login/code", "{b:?}: the old codes no longer work");
        let (_, to) = two_steps(&app, WHO, fresh[0].as_str().unwrap()).await;
        assert_eq!(to, "/", "{b:?}");
        // Switching off needs a current code too.
        app.advance(time::Duration::seconds(30));
        assert_eq!(
            app.call(&signed, "turn_off_second_factor", &[("code", &code_now(&app, &secret, WHO))]).await.0,
            200
        );
        assert_eq!(crate::common::location(&app.sign_in(&app.client(), WHO, PASSWORD).await), "/");
        for action in ["second_factor_on", "recovery_codes_new", "second_factor_off"] {
            assert_eq!(audited(&app, action).await, 1, "{b:?}: {action}");
        }
    }
}

#[tokio::test]
async fn wrong_second_factor_codes_count_toward_the_lockout() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let c = app.signed_in(WHO).await;
        enrol(&app, &c, WHO).await;
        let client = app.client();
        app.sign_in(&client, WHO, PASSWORD).await;
        for _ in 0..4 {
            let res = app.post_form(&client, "/login/code", &[("code", "000000")]).await;
            assert_eq!(crate::common::location(&res), "/login/code", "{b:?}");
        }
        // The fifth locks the account: back to the sign-in page, locked even with the right code.
        let res = app.post_form(&client, "/login/code", &[("code", "000000")]).await;
        assert!(crate::common::location(&res).starts_with("/login?email="), "{b:?}");
        app.advance(time::Duration::seconds(30));
        let res = app.sign_in(&app.client(), WHO, PASSWORD).await;
        assert!(crate::common::location(&res).starts_with("/login?email="), "{b:?}: locked");
        assert_eq!(audited(&app, "lockout").await, 1, "{b:?}");
        // A second step left too long is void.
        let app = spawn_with(b, Options::default()).await;
        let c = app.signed_in(WHO).await;
        let (secret, _) = enrol(&app, &c, WHO).await;
        let slow = app.client();
        app.sign_in(&slow, WHO, PASSWORD).await;
        app.advance(time::Duration::minutes(6));
        let res = app.post_form(&slow, "/login/code", &[("code", &code_now(&app, &secret, WHO))]).await;
        assert_eq!(crate::common::location(&res), "/login", "{b:?}: expired");
    }
}

#[tokio::test]
async fn a_second_step_whose_account_changed_meanwhile_starts_over_at_once() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let admin = app.signed_in("admin@agency.example").await;
        let c = app.signed_in(WHO).await;
        let (secret, _) = enrol(&app, &c, WHO).await;
        let id = crate::common::person_id(&app.db, WHO).await;
        // The administrator removes the second factor while the person is between the two steps.
        let halfway = app.client();
        app.sign_in(&halfway, WHO, PASSWORD).await;
        assert_eq!(app.call(&admin, "reset_person_second_factor", &[("id", &id)]).await.0, 200, "{b:?}");
        app.advance(time::Duration::seconds(30));
        let res = app.post_form(&halfway, "/login/code", &[("code", &code_now(&app, &secret, WHO))]).await;
        assert_eq!(crate::common::location(&res), "/login", "{b:?}: back to the first step, not 'wrong code'");
        assert!(app.sign_in_message(&halfway).await.contains("本次登录已无法完成"), "{b:?}: sign in again");
        // Deactivated between the steps: the same, and no code is even tried.
        let (secret, _) = enrol(&app, &c, WHO).await;
        let halfway = app.client();
        app.sign_in(&halfway, WHO, PASSWORD).await;
        assert_eq!(app.call(&admin, "set_person_active", &[("id", &id), ("active", "false")]).await.0, 200, "{b:?}");
        app.advance(time::Duration::seconds(30));
        let res = app.post_form(&halfway, "/login/code", &[("code", &code_now(&app, &secret, WHO))]).await;
        assert_eq!(crate::common::location(&res), "/login", "{b:?}");
        assert_eq!(audited(&app, "sign_in_failed").await, 0, "{b:?}: nothing was tried");
    }
}

#[tokio::test]
async fn an_organisation_that_requires_a_second_factor_sends_its_people_to_set_it_up_first() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let admin = app.signed_in("admin@agency.example").await;
        let person = app.signed_in(WHO).await;
        let other_org = app.signed_in("duty@csp.example").await;
        // The administrator's own second factor comes first.
        let (status, body) = app.call(&admin, "set_second_factor_required", &[("on", "true")]).await;
        assert_eq!(status, 422, "{b:?}: {body}");
        enrol(&app, &admin, "admin@agency.example").await;
        assert_eq!(app.call(&admin, "set_second_factor_required", &[("on", "true")]).await.0, 200, "{b:?}");
        // Its people can do nothing else first: pages lead to the security page, calls are refused.
        let res = person.get(app.url("/websites")).send().await.unwrap();
        assert_eq!(crate::common::location(&res), "/account/security", "{b:?}");
        let (status, body) = app.get_json(&person, "/api/websites").await;
        assert_eq!(status, 403, "{b:?}: {body}");
        assert_eq!(person.get(app.url("/account/security")).send().await.unwrap().status(), 200);
        // Another organisation's people are not concerned.
        assert_eq!(app.get_json(&other_org, "/api/my_duty").await.0, 200, "{b:?}");
        // Once set up, the person goes on.
        enrol(&app, &person, WHO).await;
        assert_eq!(person.get(app.url("/websites")).send().await.unwrap().status(), 200, "{b:?}");
        // It cannot be switched off while required.
        let (_, s) = app.get_json(&person, "/api/second_factor").await;
        assert_eq!(s["required"], true);
        // The administrator resets it (a lost phone): the person is mailed and must set it up again.
        let id = crate::common::person_id(&app.db, WHO).await;
        let (_, people) = app.get_json(&admin, "/api/people").await;
        let row = people["people"].as_array().unwrap().iter().find(|p| p["email"] == WHO).cloned().unwrap();
        assert_eq!(row["second_factor"], true);
        assert_eq!(app.call(&other_org, "reset_person_second_factor", &[("id", &id)]).await.0, 403, "{b:?}");
        assert_eq!(app.call(&admin, "reset_person_second_factor", &[("id", &id)]).await.0, 200, "{b:?}");
        assert_eq!(app.call(&admin, "reset_person_second_factor", &[("id", &id)]).await.0, 409, "nothing to reset");
        assert_eq!(audited(&app, "second_factor_reset").await, 1);
        use app::backend::entity::outbox;
        let mails = outbox::Entity::find().filter(outbox::Column::ToAddr.eq(WHO)).all(&app.db).await.unwrap();
        assert!(mails.iter().any(|m| m.subject.contains("双因素") || m.subject.contains("second factor")), "{b:?}");
        let res = person.get(app.url("/websites")).send().await.unwrap();
        assert_eq!(crate::common::location(&res), "/account/security", "{b:?}");
    }
}

#[tokio::test]
async fn the_platform_can_require_a_second_factor_of_every_administrator() {
    for b in backends() {
        let app = spawn_with(b, Options::default()).await;
        let platform = app.signed_in("platform@portal.example").await;
        let admin = app.signed_in("admin@csp.example").await;
        let staff = app.signed_in("staff@csp.example").await;
        assert_eq!(app.call(&admin, "set_admins_second_factor", &[("on", "true")]).await.0, 403, "{b:?}");
        assert_eq!(app.call(&platform, "set_admins_second_factor", &[("on", "true")]).await.0, 422, "own first");
        enrol(&app, &platform, "platform@portal.example").await;
        assert_eq!(app.call(&platform, "set_admins_second_factor", &[("on", "true")]).await.0, 200, "{b:?}");
        assert_eq!(app.get_json(&platform, "/api/admins_second_factor").await.1, Value::Bool(true));
        assert_eq!(app.get_json(&admin, "/api/people").await.0, 403, "{b:?}: an administrator must set it up");
        assert_eq!(app.get_json(&staff, "/api/my_duty").await.0, 200, "{b:?}: others are not concerned");
        assert_eq!(audited(&app, "second_factor_policy").await, 1);
    }
}
