//! The in-process caches never serve what a change has replaced: the instance that made the change
//! reads again at once, another instance over the same database within seconds.
use crate::common;

use app::{
    auth::tokens::{self, hash_token},
    backend::entity::api_token,
};
use common::{backends, header, spawn, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn api_status(app: &TestApp, token: &str) -> u16 {
    app.client()
        .get(app.url("/api/v1/submissions"))
        .bearer_auth(token)
        .send()
        .await
        .expect("api request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_here_and_within_seconds_on_another_instance() {
    for backend in backends() {
        let a = spawn(backend).await;
        let b = TestApp::over(backend, a.db.clone(), a.db_url.clone()).await;
        let secret = tokens::issue_for(&a.db, a.now(), "admin@csp.example", "ci", 30).await.expect("token");
        assert_eq!(api_status(&a, &secret).await, 200, "{backend:?}");
        assert_eq!(api_status(&b, &secret).await, 200, "both instances have read the token");
        let id = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash_token(&secret)))
            .one(&a.db)
            .await
            .expect("query")
            .expect("token row")
            .id;
        let client = a.signed_in("admin@csp.example").await;
        let res = a.post_form(&client, "/api/revoke_api_token", &[("id", &id.to_string())]).await;
        assert!(res.status().as_u16() < 400, "revoke answered {}", res.status());
        assert_eq!(api_status(&a, &secret).await, 401, "the revoking instance refuses it at once");
        let mut refused = false;
        for _ in 0..100 {
            if api_status(&b, &secret).await == 401 {
                refused = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(refused, "the other instance follows the change within ten seconds ({backend:?})");
    }
}

/// The script nonce of a page: the CSP header's and every one in the body.
fn nonces(csp: &str, body: &str) -> (String, Vec<String>) {
    let header = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).unwrap_or("").to_string();
    let in_body = body.split("nonce=\"").skip(1).filter_map(|r| r.split('"').next()).map(str::to_string).collect();
    (header, in_body)
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (String, String) {
    let res = client.get(app.url(path)).send().await.expect("page");
    assert_eq!(res.status(), 200, "{path}");
    let csp = header(&res, "content-security-policy");
    (csp, res.text().await.expect("body"))
}

#[tokio::test]
async fn a_kept_page_gets_its_own_nonce_and_shows_a_change_at_once() {
    for backend in backends() {
        let app = spawn(backend).await;
        let province = app.signed_in("admin@regulator.example").await;
        let (csp1, first) = page(&app, &province, "/websites").await;
        let (csp2, again) = page(&app, &province, "/websites").await;
        let (n1, in1) = nonces(&csp1, &first);
        let (n2, in2) = nonces(&csp2, &again);
        assert!(!n1.is_empty() && n1 != n2, "each answer has a fresh nonce");
        assert!(!in2.is_empty() && in2.iter().all(|n| *n == n2), "the kept page carries this answer's nonce");
        assert!(in1.iter().all(|n| *n == n1));
        assert_eq!(first.replace(&n1, "N"), again.replace(&n2, "N"), "the same page otherwise");

        // An agency of the jurisdiction adds a website: the regulator's next view shows it.
        let agency = app.signed_in("admin@agency.example").await;
        let res = agency
            .post(app.url("/api/create_website"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .form(&[
                ("name", "缓存检验网站"),
                ("domain", "cache-check.demo.gov.cn"),
                ("protection_level", "2"),
                ("service_model", "saas"),
                ("deployment_model", "government"),
                ("phase", "planning"),
            ])
            .send()
            .await
            .expect("create");
        assert!(res.status().is_success(), "create answered {}", res.status());
        let (_, after) = page(&app, &province, "/websites?q=cache-check").await;
        assert!(after.contains("cache-check.demo.gov.cn"), "{backend:?}: the new website is listed");
        let (csp3, home) = page(&app, &province, "/websites").await;
        let (n3, _) = nonces(&csp3, &home);
        assert_ne!(
            home.replace(&n3, "N"),
            first.replace(&n1, "N"),
            "the page kept before the change is not served after it"
        );

        // A person of another organisation never gets this person's page.
        let other = app.signed_in("admin@neighbour-regulator.example").await;
        let (_, theirs) = page(&app, &other, "/websites").await;
        assert!(!theirs.contains("cache-check.demo.gov.cn"), "another jurisdiction's page");
    }
}
