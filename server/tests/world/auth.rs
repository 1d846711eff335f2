//! Sign-in, sessions and web security through the real router, on every test database.
use crate::common;

use app::audit::service::verify_chain;
use common::world::PASSWORD;
use common::{backends, header, location, session_cookie, spawn, spawn_with, Options};
use sea_orm::{ConnectionTrait, Statement};
use time::Duration;

async fn audit_actions<C: ConnectionTrait>(db: &C) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT action FROM audit_log ORDER BY seq".to_string(),
        ))
        .await
        .expect("audit rows");
    rows.iter().map(|r| r.try_get::<String>("", "action").expect("action")).collect()
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_audits() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        let first = app.sign_in(&c, "admin@agency.example", PASSWORD).await;
        assert_eq!(first.status(), 303, "{b:?}");
        assert_eq!(location(&first), "/");
        let old_cookie = session_cookie(&first).expect("session cookie set at sign-in");
        // Signing in again over an existing session gives a new id, and the old one is dead.
        let res = app.sign_in(&c, "admin@agency.example", PASSWORD).await;
        let cookie = session_cookie(&res).expect("session cookie set at sign-in");
        assert_ne!(cookie, old_cookie, "the session id changes at sign-in");
        let replay = app.client().get(app.url("/")).header("cookie", old_cookie).send().await.expect("replay");
        assert_eq!(replay.status(), 303, "{b:?}: the pre-sign-in session id is worthless");
        let set_cookie = header(&res, "set-cookie");
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        assert!(!set_cookie.contains("Secure"), "no Secure flag on http");
        let home = c.get(app.url("/")).send().await.expect("home");
        assert_eq!(home.status(), 200);
        let html = home.text().await.expect("html");
        assert!(html.contains("示范市政务服务数据管理局"), "dashboard shows the organisation");
        assert!(audit_actions(&app.db).await.contains(&"sign_in".to_string()));
        assert_eq!(verify_chain(&app.db, None).await.expect("verify").first_break, None);
    }
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        let unknown = app.sign_in(&c, "nobody@agency.example", "whatever-password").await;
        let wrong =
            app.sign_in(&c, "nobody@agency.example".replace("nobody", "admin").as_str(), "whatever-password").await;
        assert_eq!(unknown.status(), wrong.status(), "{b:?}");
        assert_eq!(unknown.status(), 303);
        let (lu, lw) = (location(&unknown), location(&wrong));
        // Identical apart from echoing the typed email back into the form, and no error code in
        // the address: the message comes once through the session.
        assert_eq!(lu.replace("nobody", "X"), lw.replace("admin", "X"));
        assert!(lu.starts_with("/login?email=") && !lu.contains("Err"), "{lu}");
        let (bu, bw) = (unknown.text().await.expect("body"), wrong.text().await.expect("body"));
        assert_eq!(bu.len(), bw.len());
        let said = app.sign_in_message(&c).await;
        assert!(said.contains("邮箱或密码不正确"), "{b:?}: {said}");
        assert_eq!(app.sign_in_message(&c).await, "", "shown once");
        let c2 = app.client();
        app.sign_in(&c2, "nobody@agency.example", "whatever-password").await;
        assert_eq!(app.sign_in_message(&c2).await, said, "the same words for an unknown address");
        let actions = audit_actions(&app.db).await;
        assert_eq!(actions.iter().filter(|a| *a == "sign_in_failed").count(), 3, "each refusal audited");
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_for_a_growing_delay() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        for _ in 0..4 {
            app.sign_in(&c, "admin@csp.example", "wrong-password-123").await;
        }
        assert!(app.sign_in_message(&c).await.contains("邮箱或密码不正确"), "{b:?}: four failures, not locked yet");
        // The fifth failure locks, and says until when in the person's time zone (Shanghai:
        // the clock stands at 02:00 UTC, the lock lasts 15 minutes).
        app.sign_in(&c, "admin@csp.example", "wrong-password-123").await;
        let said = app.sign_in_message(&c).await;
        assert!(said.contains("账户已锁定至 2026-11-25 10:15 (Asia/Shanghai)"), "{b:?}: {said}");
        // Locked: even the right password is refused, and told the same.
        let res = app.sign_in(&c, "admin@csp.example", PASSWORD).await;
        assert!(location(&res).starts_with("/login?email="), "{b:?}: locked account refused");
        assert_eq!(app.sign_in_message(&c).await, said, "{b:?}");
        assert!(audit_actions(&app.db).await.contains(&"lockout".to_string()));
        // After the first delay (15 minutes) the right password works.
        app.clock.advance(Duration::minutes(16));
        let res = app.sign_in(&c, "admin@csp.example", PASSWORD).await;
        assert_eq!(location(&res), "/", "{b:?}: unlocked after 15 minutes");
        // A success resets the count: a new lockout starts at 15 minutes again; but two lockouts
        // in a row double the delay.
        let c2 = app.client();
        for _ in 0..5 {
            app.sign_in(&c2, "admin@csp.example", "wrong-password-123").await;
        }
        app.clock.advance(Duration::minutes(16));
        for _ in 0..5 {
            app.sign_in(&c2, "admin@csp.example", "wrong-password-123").await;
        }
        app.clock.advance(Duration::minutes(16));
        let res = app.sign_in(&c2, "admin@csp.example", PASSWORD).await;
        assert!(location(&res).starts_with("/login?email="), "{b:?}: second lockout lasts 30 minutes");
        app.clock.advance(Duration::minutes(15));
        let res = app.sign_in(&c2, "admin@csp.example", PASSWORD).await;
        assert_eq!(location(&res), "/", "{b:?}: free after the second delay");
    }
}

#[tokio::test]
async fn an_administrator_unlocks_a_locked_person_audited() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        for _ in 0..5 {
            app.sign_in(&c, "staff@csp.example", "wrong-password-123").await;
        }
        let admin = app.signed_in("admin@csp.example").await;
        let staff = common::person_id(&app.db, "staff@csp.example").await;
        let (_, people) = app.get_json(&admin, "/api/people").await;
        let row = people["people"].as_array().expect("people").iter().find(|p| p["id"] == staff.as_str()).cloned();
        assert!(row.is_some_and(|r| r["locked_until"].is_string()), "{b:?}: listed as locked");
        // Another organisation's administrator does not reach the person.
        let other = app.signed_in("admin@agency.example").await;
        assert_eq!(app.call(&other, "unlock_person", &[("id", &staff)]).await.0, 404, "{b:?}");
        let (status, body) = app.call(&admin, "unlock_person", &[("id", &staff)]).await;
        assert_eq!(status, 200, "{b:?}: {body}");
        assert!(audit_actions(&app.db).await.contains(&"person_unlock".to_string()));
        let res = app.sign_in(&app.client(), "staff@csp.example", PASSWORD).await;
        assert_eq!(location(&res), "/", "{b:?}: the old password works again");
        // Nothing to unlock now.
        let (status, body) = app.call(&admin, "unlock_person", &[("id", &staff)]).await;
        assert_eq!(status, 409, "{b:?}: {body}");
        // A deactivated person's password is not reset: reactivating comes first.
        let (status, _) = app.call(&admin, "set_person_active", &[("id", &staff), ("active", "false")]).await;
        assert_eq!(status, 200);
        let (status, body) = app.call(&admin, "reset_person_password", &[("id", &staff)]).await;
        assert_eq!(status, 409, "{b:?}: {body}");
        assert!(body.to_string().contains("先启用") || body.to_string().contains("ErrResetInactive"), "{body}");
    }
}

#[tokio::test]
async fn each_source_address_is_rate_limited_with_retry_after() {
    for b in backends() {
        let app = spawn_with(b, Options { sign_in_per_minute: 3, ..Options::default() }).await;
        let c = app.client();
        for _ in 0..3 {
            let res = app.sign_in(&c, "admin@agency.example", "wrong-password-123").await;
            assert_eq!(res.status(), 303);
        }
        let res = app.sign_in(&c, "admin@agency.example", PASSWORD).await;
        assert_eq!(res.status(), 429, "{b:?}");
        let retry: u64 = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=60).contains(&retry), "retry after {retry}");
        // A flood of refusals writes one audit row a minute, not one per request.
        for _ in 0..5 {
            assert_eq!(app.sign_in(&c, "admin@agency.example", PASSWORD).await.status(), 429);
        }
        let limited = audit_actions(&app.db).await.iter().filter(|a| *a == "rate_limited").count();
        assert_eq!(limited, 1, "{b:?}");
    }
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        let res = app.sign_in(&c, "admin@agency.example", PASSWORD).await;
        let cookie = session_cookie(&res).expect("cookie");
        let out = c.post(app.url("/logout")).header("origin", &app.base).send().await.expect("logout");
        assert_eq!(out.status(), 303);
        assert_eq!(location(&out), "/login");
        // Replaying the old cookie from another client does not get in.
        let replay = app.client().get(app.url("/")).header("cookie", cookie).send().await.expect("replay");
        assert_eq!(replay.status(), 303, "{b:?}");
        assert!(location(&replay).starts_with("/login"));
        assert!(audit_actions(&app.db).await.contains(&"sign_out".to_string()));
    }
}

#[tokio::test]
async fn sessions_expire_when_idle_and_after_twelve_hours() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        app.clock.advance(Duration::minutes(29));
        assert_eq!(c.get(app.url("/")).send().await.expect("get").status(), 200, "{b:?}: still fresh");
        app.clock.advance(Duration::minutes(31));
        let res = c.get(app.url("/")).send().await.expect("get");
        assert_eq!(res.status(), 303, "{b:?}: idle for 31 minutes");
        assert!(location(&res).contains("ErrSessionExpired"));

        let c = app.signed_in("admin@agency.example").await;
        let signed_in_at = app.now();
        let mut ended_after = None;
        for _ in 0..30 {
            app.clock.advance(Duration::minutes(29));
            let res = c.get(app.url("/")).send().await.expect("get");
            if res.status() != 200 {
                assert!(location(&res).contains("ErrSessionExpired"), "{b:?}");
                ended_after = Some(app.now() - signed_in_at);
                break;
            }
        }
        let ended_after = ended_after.unwrap_or_else(|| panic!("{b:?}: a busy session outlived twelve hours"));
        assert!(
            ended_after >= Duration::hours(12) && ended_after < Duration::hours(12) + Duration::minutes(29),
            "{b:?}: {ended_after}"
        );
    }
}

#[tokio::test]
async fn must_change_password_is_enforced_on_every_page_until_changed() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.client();
        let res = app.sign_in(&c, "security@agency.example", PASSWORD).await;
        assert_eq!(location(&res), "/account/password", "{b:?}");
        for page in ["/", "/audit", "/people", "/nowhere"] {
            let res = c.get(app.url(page)).send().await.expect("get");
            assert_eq!((res.status().as_u16(), location(&res)), (303, "/account/password".to_string()), "{page}");
        }
        // Server functions refuse too.
        let res = c.get(app.url("/api/people")).send().await.expect("get");
        assert_eq!(res.status(), 403, "{b:?}");
        // A weak password is refused with the field named; nothing changes.
        let weak = app
            .post_form(
                &c,
                "/account/password",
                &[("current", PASSWORD), ("new", "password1234"), ("confirm", "password1234")],
            )
            .await;
        assert_eq!(location(&weak), "/account/password", "no code in the address");
        let said = app.get_text(&c, "/account/password").await;
        assert!(said.contains("新密码：") && said.contains("data-test=\"flash\""), "{b:?}: the field is named");
        let wrong_current = app
            .post_form(
                &c,
                "/account/password",
                &[
                    ("current", "not-it-at-all"),
                    ("new", "amber-lantern-rides-47-north"),
                    ("confirm", "amber-lantern-rides-47-north"),
                ],
            )
            .await;
        assert_eq!(location(&wrong_current), "/account/password");
        assert!(app.get_text(&c, "/account/password").await.contains("当前密码："), "{b:?}");
        let ok = app
            .post_form(
                &c,
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new", "amber-lantern-rides-47-north"),
                    ("confirm", "amber-lantern-rides-47-north"),
                ],
            )
            .await;
        assert_eq!(location(&ok), "/", "{b:?}");
        assert_eq!(c.get(app.url("/")).send().await.expect("get").status(), 200);
        // The old password no longer works; the new one does.
        let fresh = app.client();
        assert!(location(&app.sign_in(&fresh, "security@agency.example", PASSWORD).await).starts_with("/login?email="));
        assert_eq!(
            location(&app.sign_in(&fresh, "security@agency.example", "amber-lantern-rides-47-north").await),
            "/"
        );
        assert!(audit_actions(&app.db).await.contains(&"password_change".to_string()));
    }
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
            for path in ["/logout", "/api/create_person", "/locale", "/login"] {
                let res = c
                    .post(app.url(path))
                    .header(name, value)
                    .form(&[("email", "x@y.example")])
                    .send()
                    .await
                    .expect("post");
                assert_eq!(res.status(), 403, "{b:?}: {name}={value} POST {path}");
            }
        }
        // Still signed in: the refused sign-out did nothing.
        assert_eq!(c.get(app.url("/")).send().await.expect("get").status(), 200);
        // Same-origin is fine.
        let res = app
            .post_form_with(&c, "/locale", ("sec-fetch-site", "same-origin"), &[("lang", "en"), ("back", "/")])
            .await;
        assert_eq!(res.status(), 303);
    }
}

#[tokio::test]
async fn security_headers_are_on_every_response() {
    let app = spawn(backends()[0]).await;
    let c = app.client();
    for path in ["/login", "/nowhere", "/healthz"] {
        let res = c.get(app.url(path)).send().await.expect("get");
        let h = res.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'nonce-"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
        assert!(h.get("referrer-policy").is_some());
        assert!(h.get("x-request-id").is_some());
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over http");
    }
    // The page's inline hydration script carries this response's nonce.
    let res = c.get(app.url("/login")).send().await.expect("get");
    let csp = header(&res, "content-security-policy");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce").to_string();
    let html = res.text().await.expect("html");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "script nonce matches the header");
    // Two responses, two nonces.
    let again = c.get(app.url("/login")).send().await.expect("get");
    let csp2 = header(&again, "content-security-policy");
    assert_ne!(csp, csp2);
}

#[tokio::test]
async fn unknown_pages_are_404_and_language_follows_the_browser() {
    let app = spawn(backends()[0]).await;
    let c = app.signed_in("admin@agency.example").await;
    let res = c.get(app.url("/no/such/page")).send().await.expect("get");
    assert_eq!(res.status(), 404);
    assert!(res.text().await.expect("html").contains("页面不存在"));
    let anon = app.client();
    let en = anon.get(app.url("/login")).header("accept-language", "en-GB,en;q=0.9").send().await.expect("get");
    assert!(en.text().await.expect("html").contains("Sign in to the portal"));
    let none = anon.get(app.url("/login")).send().await.expect("get");
    assert!(none.text().await.expect("html").contains("登录监管平台"), "Chinese when the browser states nothing");
}

#[tokio::test]
async fn over_https_cookies_are_secure_and_hsts_is_sent() {
    let b = backends()[0];
    let app =
        spawn_with(b, Options { public_url: Some("https://portal.example.gov.cn".into()), ..Options::default() }).await;
    let c = app.client();
    let res = c
        .post(app.url("/login"))
        .header("origin", "https://portal.example.gov.cn")
        .form(&[("email", "admin@agency.example"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 303);
    let set_cookie = header(&res, "set-cookie");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    let hsts = res.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(hsts.contains("max-age="), "HSTS over https");
}

#[tokio::test]
async fn times_follow_the_persons_time_zone() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        // The clock stands at 02:00 UTC: 10:00 in Shanghai, the default.
        let csv = app.get_text(&c, "/audit/export.csv?action=sign_in").await;
        assert!(csv.contains("2026-11-25 10:00,Asia/Shanghai"), "{b:?}: {csv}");
        let bad = app.post_form(&c, "/account/preferences", &[("time_zone", "Mars/Olympus")]).await;
        assert_eq!(location(&bad), "/account/password");
        let ok = app.post_form(&c, "/account/preferences", &[("time_zone", "Europe/London")]).await;
        assert_eq!(location(&ok), "/account/password");
        let csv = app.get_text(&c, "/audit/export.csv?action=sign_in").await;
        assert!(csv.contains("2026-11-25 02:00,Europe/London"), "{b:?}: {csv}");
        assert!(audit_actions(&app.db).await.contains(&"preferences_change".to_string()));
    }
}

#[tokio::test]
async fn an_internal_error_shows_only_a_request_id() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        // Break the database under the running server.
        app.db.execute_unprepared("DROP TABLE person_role").await.expect("drop table");
        let res = c.get(app.url("/")).send().await.expect("get");
        assert_eq!(res.status(), 500, "{b:?}");
        let id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("request id").to_string();
        let body = res.text().await.expect("body");
        assert!(body.contains(&id), "{b:?}: the page names the request id");
        for leak in ["person_role", "no such table", "does not exist", "sqlx", "SELECT"] {
            assert!(!body.contains(leak), "{b:?}: internals leak ({leak}): {body}");
        }
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    for b in backends() {
        let app = spawn(b).await;
        let here = app.signed_in("staff@agency.example").await;
        let elsewhere = app.signed_in("staff@agency.example").await;
        assert_eq!(elsewhere.get(app.url("/")).send().await.unwrap().status(), 200);
        let ok = app
            .post_form(
                &here,
                "/account/password",
                &[
                    ("current", PASSWORD),
                    ("new", "amber-lantern-rides-47-north"),
                    ("confirm", "amber-lantern-rides-47-north"),
                ],
            )
            .await;
        assert_eq!(location(&ok), "/", "{b:?}");
        assert_eq!(here.get(app.url("/")).send().await.unwrap().status(), 200, "this session goes on");
        let other = elsewhere.get(app.url("/")).send().await.unwrap();
        assert_eq!(other.status(), 303, "the other session ended");
        assert!(location(&other).starts_with("/login"), "{}", location(&other));
    }
}

#[tokio::test]
async fn an_administrators_reset_ends_every_session_and_revokes_the_tokens() {
    for b in backends() {
        let app = spawn(b).await;
        let victim = app.signed_in("staff@agency.example").await;
        let token =
            app::auth::tokens::issue_for(&app.db, app.now(), "staff@agency.example", "ci", 30).await.expect("token");
        let api_status = |token: String| {
            let url = app.url("/api/v1/obligations");
            async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("api").status().as_u16() }
        };
        assert_eq!(api_status(token.clone()).await, 200);
        let admin = app.signed_in("admin@agency.example").await;
        let id = common::person_id(&app.db, "staff@agency.example").await;
        let (status, body) = app.call(&admin, "reset_person_password", &[("id", id.as_str())]).await;
        assert_eq!(status, 200, "{b:?} {body}");
        let res = victim.get(app.url("/")).send().await.unwrap();
        assert_eq!(res.status(), 303, "the session ended");
        assert_eq!(api_status(token).await, 401, "the token was revoked");
        // The confirmation says what the reset does.
        let confirm = app.get_text(&admin, &format!("/people/{id}/reset-password")).await;
        assert!(confirm.contains("API"), "the reset's confirmation names the tokens");
    }
}

#[tokio::test]
async fn nobody_changes_their_own_roles_and_only_the_platform_grants_platform_admin() {
    for b in backends() {
        let app = spawn(b).await;
        let admin = app.signed_in("admin@agency.example").await;
        let me = common::person_id(&app.db, "admin@agency.example").await;
        let (status, body) = app
            .call(
                &admin,
                "update_person",
                &[
                    ("id", me.as_str()),
                    ("display_name", "x"),
                    ("role_org_admin", "on"),
                    ("role_security_officer", "on"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{b:?}");
        assert!(body.to_string().contains("roles"), "{body}");
        // A platform person who is an organisation administrator but not a platform administrator
        // cannot make anyone a platform administrator.
        let platform = app.signed_in(common::world::PLATFORM_ADMIN).await;
        let (status, body) = app
            .call(
                &platform,
                "create_person",
                &[("email", "ops@portal.example"), ("display_name", "运维"), ("role_org_admin", "on")],
            )
            .await;
        assert_eq!(status, 200, "{b:?} {body}");
        let otp = body;
        let ops = app.client();
        app.sign_in(&ops, "ops@portal.example", otp["password"].as_str().unwrap()).await;
        let changed = app
            .post_form(
                &ops,
                "/account/password",
                &[
                    ("current", otp["password"].as_str().unwrap()),
                    ("new", "amber-lantern-rides-47-north"),
                    ("confirm", "amber-lantern-rides-47-north"),
                ],
            )
            .await;
        assert_eq!(location(&changed), "/");
        let viewer = common::person_id(&app.db, common::world::PLATFORM_VIEWER).await;
        let make_platform_admin: &[(&str, &str)] =
            &[("id", viewer.as_str()), ("display_name", "郑洁"), ("role_viewer", "on"), ("role_platform_admin", "on")];
        let (status, body) = app.call(&ops, "update_person", make_platform_admin).await;
        assert_eq!(status, 422, "{b:?} {body}");
        // The platform administrator can.
        let (status, body) = app.call(&platform, "update_person", make_platform_admin).await;
        assert_eq!(status, 200, "{b:?} {body}");
    }
}

#[tokio::test]
async fn the_sign_in_redirect_stays_on_the_portal() {
    for b in backends() {
        let app = spawn(b).await;
        for (next, want) in [
            ("/%09/evil.example", "/"),
            ("/%5Cevil.example", "/"),
            ("//evil", "/"),
            ("/\n/evil", "/"),
            ("https://evil.example/", "/"),
            ("/reports?side=submit", "/reports?side=submit"),
        ] {
            let c = app.client();
            let res = c
                .post(app.url("/login"))
                .header("origin", &app.base)
                .form(&[("email", "admin@agency.example"), ("password", PASSWORD), ("next", next)])
                .send()
                .await
                .expect("sign in");
            assert_eq!((res.status().as_u16(), location(&res)), (303, want.to_string()), "{next:?}");
        }
    }
}

/// A wrong password for the agency's administrator, sent with one header more.
async fn failed_sign_in_with(app: &common::TestApp, (name, value): (&str, &str)) {
    let wrong = [("email", "admin@agency.example"), ("password", "wrong")];
    let res = app.post_form_with(&app.client(), "/login", (name, value), &wrong).await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_limited_and_audited() {
    for b in backends() {
        let trusted =
            spawn_with(b, Options { trusted_proxies: Some("127.0.0.1/32".into()), ..Options::default() }).await;
        let untrusted = spawn(b).await;
        for (app, want) in [(&trusted, "203.0.113.9"), (&untrusted, "127.0.0.1")] {
            failed_sign_in_with(app, ("x-forwarded-for", "198.51.100.1, 203.0.113.9")).await;
            let row = app
                .db
                .query_one_raw(Statement::from_string(
                    app.db.get_database_backend(),
                    "SELECT source_addr FROM audit_log WHERE action = 'sign_in_failed' ORDER BY seq DESC".to_string(),
                ))
                .await
                .expect("query")
                .expect("row");
            assert_eq!(row.try_get::<String>("", "source_addr").unwrap(), want, "{b:?}");
        }
    }
}

#[tokio::test]
async fn a_crafted_user_agent_reaches_the_audit_export_as_text_not_a_formula() {
    for b in backends() {
        let app = spawn(b).await;
        failed_sign_in_with(&app, ("user-agent", "=HYPERLINK(\"http://evil.example\",\"x\")")).await;
        let admin = app.signed_in("admin@agency.example").await;
        let res = admin.get(app.url("/audit/export.csv")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(header(&res, "content-disposition").contains("audit-"));
        assert!(header(&res, "cache-control").contains("no-store"));
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "a BOM first");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let cells: Vec<String> =
            reader.records().flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>()).collect();
        assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK")), "neutralised");
        assert!(!cells.iter().any(|c| c.starts_with('=')), "a live formula");
    }
}

#[tokio::test]
async fn signed_in_pages_and_answers_are_not_stored() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        for path in ["/", "/people", "/api/people", "/reports/export.csv", "/websites/export.csv"] {
            let res = c.get(app.url(path)).header("accept", "application/json").send().await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            assert!(header(&res, "cache-control").contains("no-store"), "{path}");
        }
    }
}

#[tokio::test]
async fn a_one_time_password_never_shown_leaves_the_session_row() {
    for b in backends() {
        let app = spawn(b).await;
        let admin = app.signed_in("admin@agency.example").await;
        let id = common::person_id(&app.db, "staff@agency.example").await;
        // Without JavaScript: the answer is a redirect, the password waits in a flash message.
        let res = admin
            .post(app.url("/api/reset_person_password"))
            .header("origin", &app.base)
            .header("referer", app.url("/people"))
            .header("accept", "text/html")
            .form(&[("id", id.as_str())])
            .send()
            .await
            .expect("reset");
        assert!(res.status().is_redirection(), "{}", res.status());
        let holding = || async {
            app.db
                .query_all_raw(Statement::from_string(
                    app.db.get_database_backend(),
                    "SELECT data FROM session".to_string(),
                ))
                .await
                .expect("sessions")
                .iter()
                .filter(|r| r.try_get::<String>("", "data").unwrap().contains("\"secret\":\""))
                .count()
        };
        assert_eq!(holding().await, 1, "{b:?}: the flash holds the password until shown");
        let store = app::backend::session_store::DbSessionStore::new(app.db.clone(), Default::default());
        let now = time::OffsetDateTime::now_utc();
        let cleared =
            store.drop_unshown_secrets(now, server::SESSION_INACTIVITY, server::SECRET_SHOWN_WITHIN).await.unwrap();
        assert_eq!(cleared, 0, "a moment after the redirect it stays, to be shown");
        let cleared = store
            .drop_unshown_secrets(now + Duration::minutes(3), server::SESSION_INACTIVITY, server::SECRET_SHOWN_WITHIN)
            .await
            .unwrap();
        assert_eq!(cleared, 1);
        assert_eq!(holding().await, 0, "never shown, it is gone from the session row");
        // The administrator's session itself goes on.
        assert_eq!(admin.get(app.url("/")).send().await.unwrap().status(), 200);
    }
}

#[tokio::test]
async fn sent_mail_keeps_no_body_and_invitation_links_stay_out_of_logs() {
    assert_eq!(server::middleware::loggable_path("/invite/abcdef0123"), "/invite/…");
    assert_eq!(server::middleware::loggable_path("/people"), "/people");
    for b in backends() {
        let app = spawn(b).await;
        let now = app.now();
        app::backend::mail::enqueue(
            &app.db,
            now,
            "someone@agency.example",
            app::i18n::Locale::Zh,
            &app::tenancy::mail::TenancyMail::PersonInvited {
                organisation: "示范".into(),
                link: "http://portal/invite/secret-token".into(),
                expires: "2026-12-01".into(),
            },
        )
        .await
        .expect("enqueue");
        let claimed = app::backend::mail::claim_due(&app.db, now, 100, Duration::minutes(5)).await.expect("claim");
        for m in &claimed {
            app::backend::mail::mark_sent(&app.db, m.id, now).await.expect("sent");
        }
        let rows = app
            .db
            .query_all_raw(Statement::from_string(
                app.db.get_database_backend(),
                "SELECT body FROM outbox WHERE status = 'sent'".to_string(),
            ))
            .await
            .unwrap();
        assert!(!rows.is_empty());
        for r in rows {
            assert_eq!(r.try_get::<String>("", "body").unwrap(), "", "{b:?}");
        }
    }
}
