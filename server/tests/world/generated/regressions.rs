//! What the generated inputs found, each kept as a named test of its own.
use serde_json::Value;

use crate::common::{backends, header, json, spawn, TestApp};

async fn raw(app: &TestApp, req: reqwest::RequestBuilder) -> (u16, String, Value) {
    let res = req.send().await.expect("an answer");
    let ct = header(&res, "content-type");
    let (status, body) = json(res).await;
    let _ = app;
    (status, ct, body)
}

/// Found: a server function's body of bytes that are no UTF-8 was answered 500 ("error
/// deserializing server function results"). It is the request's fault: 400.
#[tokio::test]
async fn a_server_function_body_that_is_no_utf8_is_a_400() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        let req = c
            .post(app.url("/api/measure_sla"))
            .header("origin", &app.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(vec![0x80u8, 0xff]);
        let (status, _, _) = raw(&app, req).await;
        assert_eq!(status, 400, "{b:?}");
    }
}

/// Found on PostgreSQL only: a NUL character in a sign-in's email, a list's search or an API
/// body reached the database, which cannot store one in text: 500. Now refused before any
/// handler on both databases, and nothing is written.
#[tokio::test]
async fn a_nul_character_anywhere_in_a_request_is_a_400_on_both_databases() {
    for b in backends() {
        let app = spawn(b).await;
        let c = app.signed_in("admin@agency.example").await;
        let anon = app.client();
        let res = app.post_form(&anon, "/login", &[("email", "a\0b@agency.example"), ("password", "x")]).await;
        assert_eq!(res.status(), 400, "{b:?}: sign-in");
        for path in ["/reports/export.csv?q=%00", "/sla/export.csv?q=a%00b", "/calendar/%00"] {
            let res = c.get(app.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 400, "{b:?}: {path}");
        }
        let token =
            app::auth::tokens::issue_for(&app.db, app.now(), "admin@agency.example", "nul", 30).await.expect("token");
        let before = count(&app, "er_incident").await;
        let body = r#"{"title":"a\u0000b","category":"other","level":"IV","occurred_at":"2026-11-24T08:00:00Z","detected_at":"2026-11-24T08:00:00Z","website_ids":[]}"#;
        let req = reqwest::Client::new()
            .post(app.url("/api/v1/incidents"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body);
        let (status, ct, problem) = raw(&app, req).await;
        assert_eq!((status, ct.as_str()), (400, "application/problem+json"), "{b:?}: {problem}");
        assert!(problem["detail"].as_str().unwrap_or_default().contains("NUL"), "{problem}");
        assert_eq!(count(&app, "er_incident").await, before, "{b:?}: nothing written");
        // An upload's summary with an escaped NUL is refused by field.
        let csp = app::auth::tokens::issue_for(&app.db, app.now(), "admin@csp.example", "nul", 30).await.expect("t");
        let form = reqwest::multipart::Form::new()
            .text("obligation_id", uuid::Uuid::nil().to_string())
            .text("period", "2026-10")
            .text("summary", r#"{"kind":"csp_monthly","notes":"a\u0000b"}"#);
        let req = reqwest::Client::new().post(app.url("/api/v1/submissions")).bearer_auth(&csp).multipart(form);
        let (status, _, problem) = raw(&app, req).await;
        assert_eq!(status, 422, "{b:?}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "summary", "{problem}");
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = format!("SELECT COUNT(*) AS n FROM {table}");
    let row = app.db.query_one_raw(Statement::from_string(app.db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

/// Found: the API answered some refusals in the framework's own words, not as its document says
/// — a path parameter that is no UTF-8 (400 text/plain), a path whose dots resolve to the API's
/// root (404 HTML), a body of another media type (415 not documented), a request carrying a
/// browser's cross-site headers (403 HTML, though a bearer token is no ambient credential).
#[tokio::test]
async fn the_api_refuses_only_in_problem_json_and_only_as_documented() {
    let b = backends()[0];
    let app = spawn(b).await;
    let token =
        app::auth::tokens::issue_for(&app.db, app.now(), "admin@agency.example", "doc", 30).await.expect("token");
    let api = reqwest::Client::new();
    let doc: Value = api.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (api.get(app.url("/api/v1/changes/%FF")).bearer_auth(&token), 400, "/api/v1/changes/{id}"),
        (api.get(app.url("/api/v1/rosters/%FF/timeline")).bearer_auth(&token), 400, "/api/v1/rosters/{id}/timeline"),
        (api.get(app.url("/api/v1/")).bearer_auth(&token), 404, ""),
        (
            api.post(app.url("/api/v1/changes")).bearer_auth(&token).header("content-type", "text/plain").body("{}"),
            415,
            "/api/v1/changes",
        ),
        (
            api.post(app.url("/api/v1/incidents"))
                .bearer_auth(&token)
                .header("origin", "http://evil.example")
                .header("sec-fetch-site", "cross-site")
                .header("content-type", "application/json")
                .body("{}"),
            422,
            "/api/v1/incidents",
        ),
    ];
    for (req, want, path) in cases {
        let (status, ct, body) = raw(&app, req).await;
        assert_eq!(status, want, "{path}: {body}");
        assert_eq!(ct, "application/problem+json", "{path}");
        assert_eq!(body["status"], want, "{path}: {body}");
        if !path.is_empty() {
            let method = if want == 400 { "get" } else { "post" };
            assert!(
                doc["paths"][path][method]["responses"][want.to_string()].is_object(),
                "{path}: {want} is documented"
            );
        }
    }
    // Every operation documents the refusals any request can meet.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in ["400", "401", "403", "429"] {
                assert!(op["responses"][status].is_object(), "{method} {path} documents {status}");
            }
            if op["requestBody"].is_object() {
                assert!(op["responses"]["415"].is_object(), "{method} {path} documents 415");
            }
        }
    }
}
