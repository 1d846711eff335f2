//! Periodic reports end to end over HTTP, on every database: an agency sets an obligation, its CSP
//! submits with a file (once, however often the request is repeated), the agency returns and then
//! accepts, the regulator's matrix shows it; files only reach those entitled; every kind of bad
//! input is refused with its field named and nothing stored; the machine API with tokens.
use crate::common;

use app::reports::entity::{file, review, submission, version};
use common::{backends, header, json, spawn, TestApp, PDF, PNG};
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use sha2::Digest;

/// The CSP monthly summary fields as the browser form sends them.
pub(crate) fn csp_fields(availability: &str) -> Vec<(&'static str, String)> {
    let mut f = vec![
        ("availability_pct", availability.to_string()),
        ("incidents", "1".into()),
        ("patches_applied", "14".into()),
        ("backups_succeeded", "30".into()),
        ("backups_failed", "0".into()),
        ("restore_test_done", "true".into()),
        ("attacks_blocked", "2048".into()),
        ("notes", "十月运行平稳".into()),
    ];
    for p in ["vulnerabilities_found", "vulnerabilities_fixed"] {
        for s in ["critical", "high", "medium", "low"] {
            let name: &'static str = Box::leak(format!("{p}.{s}").into_boxed_str());
            f.push((name, "1".into()));
        }
    }
    f
}

pub(crate) fn form(
    obligation: &str,
    period: &str,
    key: &str,
    fields: &[(&'static str, String)],
    files: Vec<(&str, Vec<u8>)>,
) -> Form {
    let mut form = Form::new()
        .text("obligation_id", obligation.to_string())
        .text("period", period.to_string())
        .text("idempotency_key", key.to_string());
    for (k, v) in fields {
        form = form.text(*k, v.clone());
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    form
}

/// A world with the agency's administrator and a CSP person signed in, and a fresh monthly
/// obligation from the CSP to the agency.
async fn with_obligation(
    backend: common::Backend,
    csp_email: &str,
) -> (TestApp, reqwest::Client, reqwest::Client, String) {
    let app = spawn(backend).await;
    let agency = app.signed_in("admin@agency.example").await;
    let csp = app.signed_in(csp_email).await;
    let obligation = new_obligation(&app, &agency).await;
    (app, agency, csp, obligation)
}

/// Sets a fresh monthly CSP obligation (due on the 10th) from 2026-01, returns its id.
async fn new_obligation(app: &TestApp, agency: &reqwest::Client) -> String {
    let engagement = common::csp_engagement(app, agency).await;
    let (status, id) = app.call(agency, "create_obligation", &common::csp_obligation_form(&engagement)).await;
    assert_eq!(status, 200, "{id}");
    id.as_str().expect("obligation id").to_string()
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        submission::Entity::find().count(&app.db).await.expect("count"),
        version::Entity::find().count(&app.db).await.expect("count"),
        file::Entity::find().count(&app.db).await.expect("count"),
    )
}

fn stored_blobs(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
            .unwrap_or(0)
    }
    walk(&app.data_dir.join("files"))
}

#[tokio::test]
async fn a_monthly_report_goes_from_upload_through_return_to_acceptance() {
    for backend in backends() {
        let (app, agency, csp, obligation) = with_obligation(backend, "staff@csp.example").await;
        let (before_s, before_v, _) = counts(&app).await;

        // The CSP sees the obligation's periods: 2026-10 is overdue on 25 November (due 10 November).
        let (status, work) = app.get_json(&csp, "/api/report_work?filter[side]=submit").await;
        assert_eq!(status, 200, "{work}");
        let oct = work["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["obligation_id"] == obligation.as_str() && i["period"] == "2026-10")
            .expect("2026-10 listed")
            .clone();
        assert_eq!(oct["state"]["state"], "overdue", "{oct}");
        assert_eq!(oct["state"]["days"], 15);

        // Submit with a file; the same request again (a double click) finds the same submission.
        let fields = csp_fields("99.95");
        let (status, first) = app
            .submit(&csp, form(&obligation, "2026-10", "key-1", &fields, vec![("十月报告.pdf", PDF.to_vec())]))
            .await;
        assert_eq!(status, 200, "{first}");
        let sid = first["submission_id"].as_str().expect("id").to_string();
        let (status, again) = app
            .submit(&csp, form(&obligation, "2026-10", "key-1", &fields, vec![("十月报告.pdf", PDF.to_vec())]))
            .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["submission_id"], first["submission_id"], "a repeated request is the same submission");
        let (after_s, after_v, _) = counts(&app).await;
        assert_eq!((after_s - before_s, after_v - before_v), (1, 1), "stored once");
        // A second, different request for the same period while one waits for review.
        let (status, open) = app.submit(&csp, form(&obligation, "2026-10", "key-2", &fields, vec![])).await;
        assert_eq!((status, open["field"].as_str()), (409, Some("period")), "{open}");

        // The stored file: under its SHA-256, downloadable by both sides, by nobody else.
        let (status, view) = app.get_json(&agency, &format!("/api/submission?id={sid}")).await;
        assert_eq!(status, 200, "{view}");
        let f = &view["versions"][0]["files"][0];
        let want = hex::encode(sha2::Sha256::digest(PDF));
        assert_eq!(f["sha256"], want.as_str());
        assert_eq!(f["size"], PDF.len());
        assert_eq!(f["media_type"], "application/pdf");
        let file_url = format!("/reports/files/{}", f["id"].as_str().expect("file id"));
        for who in [&agency, &csp] {
            let res = who.get(app.url(&file_url)).send().await.expect("download");
            assert_eq!(res.status(), 200);
            assert_eq!(res.bytes().await.expect("bytes").as_ref(), PDF);
        }
        for outsider in ["admin@csp2.example", "admin@health.example", "admin@neighbour-regulator.example"] {
            let c = app.signed_in(outsider).await;
            assert_eq!(c.get(app.url(&file_url)).send().await.expect("get").status(), 404, "{outsider}");
            assert_eq!(app.get_json(&c, &format!("/api/submission?id={sid}")).await.0, 404, "{outsider}");
        }

        // Only the receiving organisation reviews; a return needs a comment.
        let (status, e) =
            app.call(&csp, "review_submission", &[("id", &sid), ("decision", "accept"), ("comment", "")]).await;
        assert_eq!(status, 403, "a CSP does not review: {e}");
        let other_agency = app.signed_in("admin@health.example").await;
        let (status, _) = app
            .call(&other_agency, "review_submission", &[("id", &sid), ("decision", "accept"), ("comment", "")])
            .await;
        assert_eq!(status, 404, "another agency does not even see it");
        let (status, e) =
            app.call(&agency, "review_submission", &[("id", &sid), ("decision", "return"), ("comment", " ")]).await;
        assert_eq!(status, 422, "{e}");
        let (status, _) = app
            .call(
                &agency,
                "review_submission",
                &[("id", &sid), ("decision", "return"), ("comment", "请补充备份恢复测试记录")],
            )
            .await;
        assert_eq!(status, 200);
        let mails = app::backend::entity::outbox::Entity::find()
            .filter(app::backend::entity::outbox::Column::Body.contains("请补充备份恢复测试记录"))
            .count(&app.db)
            .await
            .expect("outbox");
        assert!(mails >= 2, "the return is mailed to the CSP's submitter and its report people ({mails})");

        // The CSP resubmits (a new version; the first stays), the agency accepts.
        let (status, re) = app.submit(&csp, form(&obligation, "2026-10", "key-3", &csp_fields("99.97"), vec![])).await;
        assert_eq!(status, 200, "{re}");
        assert_eq!(re["submission_id"].as_str(), Some(sid.as_str()));
        let (status, _) =
            app.call(&agency, "review_submission", &[("id", &sid), ("decision", "accept"), ("comment", "")]).await;
        assert_eq!(status, 200);
        let (_, view) = app.get_json(&csp, &format!("/api/submission?id={sid}")).await;
        assert_eq!(view["status"], "accepted");
        assert_eq!(view["state"]["state"], "accepted_late", "first sent after the 10th");
        let versions = view["versions"].as_array().expect("versions");
        assert_eq!(versions.len(), 2, "nothing overwritten");
        assert_eq!(versions[0]["review"]["decision"], "return");
        assert_eq!(versions[0]["summary"]["availability_pct"], 99.95);
        assert_eq!(versions[1]["review"]["decision"], "accept");
        assert_eq!(
            review::Entity::find()
                .filter(review::Column::SubmissionId.eq(uuid::Uuid::parse_str(&sid).unwrap()))
                .count(&app.db)
                .await
                .unwrap(),
            2
        );
        // Accepted is final.
        let (status, e) = app.submit(&csp, form(&obligation, "2026-10", "key-4", &fields, vec![])).await;
        assert_eq!(status, 409, "{e}");

        // The east regulator's matrix shows the agency's October as accepted late, with the link.
        let regulator = app.signed_in("admin@east-regulator.example").await;
        let (status, m) = app.get_json(&regulator, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert_eq!(status, 200, "{m}");
        let col = m["periods"].as_array().unwrap().iter().position(|p| p == "2026-10").expect("2026-10 column");
        let row = m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["agency"]["name"] == "示范市政务服务数据管理局")
            .expect("agency row");
        assert!(row["cells"][col]["count"].as_u64().unwrap() >= 2, "the demo obligation and the new one");
        let csv =
            regulator.get(app.url("/reports/matrix.csv?kind=csp_monthly")).send().await.unwrap().text().await.unwrap();
        assert_eq!(csv.lines().count() as u64, 1 + m["agencies"].as_u64().unwrap(), "the CSV has every agency");
        // Another regulator's matrix does not list it.
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;
        let (_, m) = app.get_json(&neighbour, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert!(!m.to_string().contains("示范市政务服务数据管理局"));
        // Agencies and providers have no matrix.
        assert_eq!(app.get_json(&agency, "/api/report_matrix?filter[kind]=csp_monthly").await.0, 403);
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_its_field_named_and_nothing_stored() {
    for backend in backends() {
        let (app, agency, csp, obligation) = with_obligation(backend, "admin@csp.example").await;
        let ok = csp_fields("99.9");
        let before = counts(&app).await;
        let blobs = stored_blobs(&app);
        let mut negative = ok.clone();
        negative.retain(|(k, _)| *k != "vulnerabilities_found.high");
        negative.push(("vulnerabilities_found.high", "-1".into()));
        let cases: Vec<(Form, u16, &str)> = vec![
            (form(&uuid::Uuid::new_v4().to_string(), "2026-10", "", &ok, vec![]), 422, "obligation_id"),
            (form("not-a-uuid", "2026-10", "", &ok, vec![]), 422, "obligation_id"),
            (form(&obligation, "2025-12", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "2027-01", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "2026-Q3", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "October", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "2026-10", "", &csp_fields("100.5"), vec![]), 422, "availability_pct"),
            (form(&obligation, "2026-10", "", &csp_fields("lots"), vec![]), 422, "availability_pct"),
            (form(&obligation, "2026-10", "", &negative, vec![]), 422, "vulnerabilities_found.high"),
            (form(&obligation, "2026-10", "", &ok, vec![("empty.pdf", vec![])]), 422, "files"),
            (form(&obligation, "2026-10", "", &ok, vec![("picture.pdf", PNG.to_vec())]), 415, "files"),
            (form(&obligation, "2026-10", "", &ok, vec![("tool.exe", b"MZ\x90\0".to_vec())]), 415, "files"),
            (
                form(&obligation, "2026-10", "", &ok, vec![("good.pdf", PDF.to_vec()), ("bad.zip", PDF.to_vec())]),
                415,
                "files",
            ),
        ];
        for (i, (f, status, field)) in cases.into_iter().enumerate() {
            let (got, body) = app.submit(&csp, f).await;
            assert_eq!((got, body["field"].as_str()), (status, Some(field)), "case {i}: {body}");
            assert!(!body["message"].as_str().unwrap_or("").is_empty(), "case {i} says why");
        }
        assert_eq!(counts(&app).await, before, "nothing stored");
        assert_eq!(stored_blobs(&app), blobs, "no file kept");
        assert!(app.state_files_tmp_empty(), "no temporary file left");

        // Someone who may not submit (a read-only person), and someone from another CSP.
        let viewer = app.signed_in("viewer@csp.example").await;
        let (status, _) = app.submit(&viewer, form(&obligation, "2026-10", "", &ok, vec![])).await;
        assert_eq!(status, 403);
        let other = app.signed_in("admin@csp2.example").await;
        let (status, body) = app.submit(&other, form(&obligation, "2026-10", "", &ok, vec![])).await;
        assert_eq!((status, body["field"].as_str()), (422, Some("obligation_id")), "out of scope is unknown");
        // A key reused for a different request.
        let (status, _) = app.submit(&csp, form(&obligation, "2026-10", "same", &ok, vec![])).await;
        assert_eq!(status, 200);
        let (status, body) = app.submit(&csp, form(&obligation, "2026-09", "same", &ok, vec![])).await;
        assert_eq!((status, body["field"].as_str()), (409, Some("idempotency_key")), "{body}");
        // Obligations: only over one's own engagements, with valid periods.
        let (status, body) = app
            .call(
                &agency,
                "create_obligation",
                &[
                    ("kind", "csp_monthly"),
                    ("engagement_id", &uuid::Uuid::new_v4().to_string()),
                    ("cadence", "monthly"),
                    ("due_day", "10"),
                    ("first_period", "2026-01"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{body}");
        let engagement = common::csp_engagement(&app, &agency).await;
        for (due, first, last, field) in [
            ("0", "2026-01", "", "due_day"),
            ("32", "2026-01", "", "due_day"),
            ("10", "2026-Q1", "", "first_period"),
            ("10", "2026-05", "2026-04", "last_period"),
        ] {
            let (status, body) = app
                .call(
                    &agency,
                    "create_obligation",
                    &[
                        ("kind", "csp_monthly"),
                        ("engagement_id", &engagement),
                        ("cadence", "monthly"),
                        ("due_day", due),
                        ("first_period", first),
                        ("last_period", last),
                    ],
                )
                .await;
            assert_eq!(status, 422, "{field}: {body}");
        }
        let (status, _) = app.call(&csp, "create_obligation", &common::csp_obligation_form(&engagement)).await;
        assert_eq!(status, 403, "a provider sets no obligations");
    }
}

#[tokio::test]
async fn a_refused_post_without_javascript_shows_the_form_again_with_what_was_typed() {
    for backend in backends() {
        let (app, _agency, csp, obligation) = with_obligation(backend, "admin@csp.example").await;
        let page = format!("/reports/submit/{obligation}?period=2026-10");
        let mut fields = csp_fields("100.5");
        fields.push(("notes", "补丁清单见附件".into()));
        // A plain form post (no JSON asked for), as a browser without the script sends it.
        let refused = |period: &str, key: &str| {
            csp.post(app.url("/reports/submit"))
                .header("origin", &app.base)
                .header("referer", app.url(&page))
                .multipart(form(&obligation, period, key, &fields, vec![]))
                .send()
        };
        let html = |c: &reqwest::Client| c.get(app.url(&page)).send();
        let res = refused("2026-09", "nojs-1").await.expect("post");
        assert_eq!(res.status(), 303);
        assert_eq!(header(&res, "location"), page, "back to the form");
        let shown = html(&csp).await.unwrap().text().await.unwrap();
        assert!(shown.contains("value=\"100.5\""), "the refused figure is typed back in");
        assert!(shown.contains("补丁清单见附件"), "the notes too");
        assert!(shown.contains("<option value=\"2026-09\" selected"), "and the period chosen, not the link's");
        // Once: the next visit starts afresh.
        let again = html(&csp).await.unwrap().text().await.unwrap();
        assert!(!again.contains("value=\"100.5\""));
        assert!(!again.contains("补丁清单见附件"));
        // Another person's form never gets it.
        assert_eq!(refused("2026-10", "nojs-2").await.expect("post").status(), 303);
        let other = app.signed_in("security@csp.example").await;
        let theirs = html(&other).await.unwrap().text().await.unwrap();
        assert!(theirs.contains("data-test=\"submit-form\""), "the form is there");
        assert!(!theirs.contains("补丁清单见附件"), "a draft lives in its own session");
    }
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_submission_and_no_file() {
    use tokio::io::AsyncWriteExt;
    let app = spawn(common::Backend::Sqlite).await;
    let agency = app.signed_in("admin@agency.example").await;
    let obligation = new_obligation(&app, &agency).await;
    let csp = app.client();
    let res = app.sign_in(&csp, "admin@csp.example", common::world::PASSWORD).await;
    let cookie = common::session_cookie(&res).expect("session cookie");
    let before = counts(&app).await;
    let boundary = "cutcutcut";
    let mut body = String::new();
    for (k, v) in [("obligation_id", obligation.as_str()), ("period", "2026-10"), ("availability_pct", "99.9")] {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    ));
    let partial = body.into_bytes();
    let mut chunk = vec![b'x'; 256 * 1024];
    chunk[0] = b'\n';
    let host = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.expect("connect");
    let head = format!(
        "POST /reports/submit HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nCookie: {cookie}\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        app.base,
        partial.len() + 10 * chunk.len() + 1000
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&partial).await.unwrap();
    for _ in 0..4 {
        stream.write_all(&chunk).await.unwrap();
    }
    // The connection breaks half-way through the file.
    drop(stream);
    // The server notices the broken body; give it a moment, then nothing may be left behind.
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if app.state_files_tmp_empty() {
            break;
        }
    }
    assert!(app.state_files_tmp_empty(), "the partial file was removed");
    assert_eq!(counts(&app).await, before, "no submission");
    assert_eq!(stored_blobs(&app), 0, "no stored file");
}

async fn api(app: &TestApp, token: &str, path: &str) -> (u16, Value, String) {
    let res = reqwest::Client::new().get(app.url(path)).bearer_auth(token).send().await.expect("api get");
    let ct = header(&res, "content-type");
    let (s, v) = json(res).await;
    (s, v, ct)
}

#[tokio::test]
async fn the_machine_api_acts_with_the_token_persons_rights() {
    for backend in backends() {
        let app = spawn(backend).await;
        let now = app.now();
        let csp_token = app::auth::tokens::issue_for(&app.db, now, "admin@csp.example", "ci", 30).await.expect("token");
        let csp2_token =
            app::auth::tokens::issue_for(&app.db, now, "admin@csp2.example", "ci", 30).await.expect("token");
        let agency = app.signed_in("admin@agency.example").await;
        let obligation = new_obligation(&app, &agency).await;

        // The document is OpenAPI 3.1, generated, and lists the endpoints.
        let (status, doc) = app.get_json(&app.client(), "/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"), "{}", doc["openapi"]);
        for path in [
            "/api/v1/obligations",
            "/api/v1/submissions",
            "/api/v1/submissions/{id}",
            "/api/v1/submissions/{id}/versions",
            "/api/v1/files/{id}",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }

        // No token, a wrong one: problem JSON.
        let res = reqwest::get(app.url("/api/v1/obligations")).await.unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let (status, p, _) = api(&app, "pt_0000", "/api/v1/obligations").await;
        assert_eq!((status, p["status"].as_u64()), (401, Some(401)), "{p}");

        // Each token sees its own organisation's obligations only.
        let (status, mine, _) = api(&app, &csp_token, "/api/v1/obligations").await;
        assert_eq!(status, 200, "{mine}");
        let ids: Vec<&str> = mine.as_array().unwrap().iter().filter_map(|o| o["obligation"]["id"].as_str()).collect();
        assert!(ids.contains(&obligation.as_str()));
        let (_, theirs, _) = api(&app, &csp2_token, "/api/v1/obligations").await;
        assert!(!theirs.to_string().contains(&obligation), "csp2 does not see csp's obligation");

        // Create with an Idempotency-Key; the retry answers the same submission.
        let summary = serde_json::json!({
            "kind": "csp_monthly", "availability_pct": 99.99,
            "vulnerabilities_found": {"critical": 0, "high": 1, "medium": 2, "low": 3},
            "vulnerabilities_fixed": {"critical": 0, "high": 1, "medium": 2, "low": 3},
            "incidents": 0, "patches_applied": 9, "backups_succeeded": 31, "backups_failed": 0,
            "restore_test_done": true, "attacks_blocked": 4096, "notes": "api"
        });
        let create = |token: &str, key: &str, summary: &Value| {
            let form = Form::new()
                .text("obligation_id", obligation.clone())
                .text("period", "2026-09")
                .text("summary", summary.to_string())
                .part("files", Part::bytes(PDF.to_vec()).file_name("september.pdf"));
            reqwest::Client::new()
                .post(app.url("/api/v1/submissions"))
                .bearer_auth(token)
                .header("idempotency-key", key)
                .multipart(form)
                .send()
        };
        let (status, created) = json(create(&csp_token, "sep-1", &summary).await.unwrap()).await;
        assert_eq!(status, 201, "{created}");
        let (status, retried) = json(create(&csp_token, "sep-1", &summary).await.unwrap()).await;
        assert_eq!(status, 200, "{retried}");
        assert_eq!(created["id"], retried["id"]);
        assert_eq!(retried["versions"].as_array().unwrap().len(), 1);
        let sid = created["id"].as_str().unwrap().to_string();
        // A figure out of range names its field.
        let mut bad = summary.clone();
        bad["availability_pct"] = serde_json::json!(101);
        let res = create(&csp_token, "sep-2", &bad).await.unwrap();
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let (status, p) = json(res).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("availability_pct")), "{p}");
        // Another organisation's token: its obligation is unknown to it, the submission not found.
        let (status, _) = json(create(&csp2_token, "x", &summary).await.unwrap()).await;
        assert_eq!(status, 422);
        assert_eq!(api(&app, &csp2_token, &format!("/api/v1/submissions/{sid}")).await.0, 404);
        let file_id = created["versions"][0]["files"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(api(&app, &csp2_token, &format!("/api/v1/files/{file_id}")).await.0, 404);
        let res = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/files/{file_id}")))
            .bearer_auth(&csp_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

        // Lists page and filter; bad filters are 422 with the field.
        let (status, page, _) = api(&app, &csp_token, "/api/v1/submissions?per_page=1&status=submitted").await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert!(page["total"].as_u64().unwrap() >= 1);
        let (_, page2, _) = api(&app, &csp2_token, &format!("/api/v1/submissions?obligation_id={obligation}")).await;
        assert_eq!(page2["total"], 0);
        for q in ["per_page=0", "per_page=101", "status=lost", "period=2026-13", "obligation_id=x", "kind=none"] {
            let (status, p, ct) = api(&app, &csp_token, &format!("/api/v1/submissions?{q}")).await;
            assert_eq!((status, ct.as_str()), (422, "application/problem+json"), "{q}: {p}");
        }
        assert_eq!(api(&app, &csp_token, "/api/v1/submissions/not-a-uuid").await.0, 404);
        assert_eq!(api(&app, &csp_token, "/api/v1/nothing-here").await.0, 404);

        // Return it in the browser, resubmit through the API.
        let (status, _) = app
            .call(&agency, "review_submission", &[("id", &sid), ("decision", "return"), ("comment", "请附上补丁清单")])
            .await;
        assert_eq!(status, 200);
        // Why it came back stands above the resubmission form, and first on the submission page.
        let csp_web = app.signed_in("security@csp.example").await;
        let (status, form) =
            app.get_json(&csp_web, &format!("/api/submit_form?obligation_id={obligation}&resubmit={sid}")).await;
        assert_eq!(status, 200, "{form}");
        assert_eq!(
            (form["returned_by"]["decision"].as_str(), form["returned_by"]["comment"].as_str()),
            (Some("return"), Some("请附上补丁清单")),
            "{form}"
        );
        let page = app.get_text(&csp_web, &format!("/reports/submit/{obligation}?resubmit={sid}")).await;
        let (before, after) = page.split_once("data-test=\"returned-because\"").expect("the return's comment is shown");
        assert!(after.contains("请附上补丁清单") && !before.contains("data-test=\"submit-form\""), "above the form");
        let page = app.get_text(&agency, &format!("/reports/submissions/{sid}")).await;
        let latest = page.find("data-test=\"latest-review\"").expect("the latest review is shown");
        assert!(latest < page.find("data-version=").expect("a version"), "before the versions");
        let resubmit = |keep: &[&str]| {
            let mut form = Form::new().text("summary", summary.to_string());
            for id in keep {
                form = form.text("keep_files", id.to_string());
            }
            reqwest::Client::new()
                .post(app.url(&format!("/api/v1/submissions/{sid}/versions")))
                .bearer_auth(&csp_token)
                .multipart(form)
                .send()
        };
        // Only the returned version's own files can be kept: an unknown id, a malformed one, or a
        // file of another submission refuses the whole request and stores nothing.
        let july = Form::new()
            .text("obligation_id", obligation.clone())
            .text("period", "2026-07")
            .text("summary", summary.to_string())
            .part("files", Part::bytes([PDF, b"\n% july".as_slice()].concat()).file_name("july.pdf"));
        let first_version = |form: Form| {
            reqwest::Client::new().post(app.url("/api/v1/submissions")).bearer_auth(&csp_token).multipart(form).send()
        };
        let (status, july) = json(first_version(july).await.unwrap()).await;
        assert_eq!(status, 201, "{july}");
        let other = july["versions"][0]["files"][0]["id"].as_str().unwrap().to_string();
        let unknown = uuid::Uuid::new_v4().to_string();
        for id in [unknown.as_str(), "not-an-id", other.as_str()] {
            let (status, p) = json(resubmit(&[id]).await.unwrap()).await;
            assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("keep_files")), "{id}: {p}");
        }
        let (_, still, _) = api(&app, &csp_token, &format!("/api/v1/submissions/{sid}")).await;
        assert_eq!(still["versions"].as_array().unwrap().len(), 1, "nothing stored");
        // A first version has nothing to keep.
        let form = Form::new()
            .text("obligation_id", obligation.clone())
            .text("period", "2026-08")
            .text("summary", summary.to_string())
            .text("keep_files", file_id.clone());
        let (status, p) = json(first_version(form).await.unwrap()).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("keep_files")), "{p}");
        // The new version keeps the PDF without sending it again: same bytes, a row of its own.
        let (status, v) = json(resubmit(&[&file_id]).await.unwrap()).await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["versions"].as_array().unwrap().len(), 2);
        assert_eq!(v["versions"][0]["review"]["comment"], "请附上补丁清单");
        let (first, second) = (&v["versions"][0]["files"][0], &v["versions"][1]["files"]);
        assert_eq!(second.as_array().unwrap().len(), 1, "{v}");
        assert_eq!(second[0]["sha256"], first["sha256"]);
        assert_eq!(second[0]["name"], first["name"]);
        assert_ne!(second[0]["id"], first["id"]);
        let kept_id = second[0]["id"].as_str().unwrap();
        let res = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/files/{kept_id}")))
            .bearer_auth(&csp_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);

        // Revoked and expired tokens stop working; the last use is recorded.
        let tokens = app::backend::entity::api_token::Entity::find().all(&app.db).await.unwrap();
        assert!(tokens.iter().any(|t| t.last_used_at.is_some()));
        let csp2 = tokens.iter().find(|t| t.prefix == csp2_token[..11]).expect("csp2 token").clone();
        let mut m: app::backend::entity::api_token::ActiveModel = csp2.into();
        m.revoked_at = sea_orm::ActiveValue::Set(Some(now));
        sea_orm::ActiveModelTrait::update(m, &app.db).await.unwrap();
        // Revoked behind the server's back (the account page's revoke is covered in caches.rs).
        app.changed();
        let (status, p, _) = api(&app, &csp2_token, "/api/v1/obligations").await;
        assert_eq!(status, 401);
        assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");
        app.clock.advance(time::Duration::days(31));
        let (status, p, _) = api(&app, &csp_token, "/api/v1/obligations").await;
        assert_eq!(status, 401);
        assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
    }
}

#[tokio::test]
async fn reminders_go_out_once_before_the_due_date_and_once_when_overdue() {
    for backend in backends() {
        let app = spawn(backend).await;
        let zone = "Asia/Shanghai";
        // 7 December: the demo's November periods are due on the 10th (three days left).
        let at = time::macros::datetime!(2026-12-07 01:00 UTC);
        let first = app::reports::service::send_reminders(&app.db, at, zone).await.expect("send");
        assert!(first > 0, "the demo's unsent November reports get a reminder");
        let again =
            app::reports::service::send_reminders(&app.db, at + time::Duration::hours(1), zone).await.expect("send");
        assert_eq!(again, 0, "once each");
        let overdue =
            app::reports::service::send_reminders(&app.db, at + time::Duration::days(4), zone).await.expect("send");
        assert!(overdue > 0, "the first day overdue");
        let later =
            app::reports::service::send_reminders(&app.db, at + time::Duration::days(5), zone).await.expect("send");
        assert_eq!(later, 0, "and not every day after");
        let mails = app::backend::entity::outbox::Entity::find()
            .filter(app::backend::entity::outbox::Column::Subject.contains("2026-11"))
            .count(&app.db)
            .await
            .unwrap();
        assert!(mails >= first as u64, "mails queued ({mails})");
    }
}

#[tokio::test]
async fn a_file_over_200_mb_is_refused_while_it_streams_and_nothing_is_kept() {
    let app = spawn(common::Backend::Sqlite).await;
    let agency = app.signed_in("admin@agency.example").await;
    let csp = app.signed_in("admin@csp.example").await;
    let obligation = new_obligation(&app, &agency).await;
    let before = counts(&app).await;
    let mut big = vec![b' '; 200 * 1024 * 1024 + 1];
    big[..PDF.len()].copy_from_slice(PDF);
    let (status, body) =
        app.submit(&csp, form(&obligation, "2026-10", "", &csp_fields("99.9"), vec![("huge.pdf", big)])).await;
    assert_eq!((status, body["field"].as_str()), (413, Some("files")), "{body}");
    assert!(body["message"].as_str().unwrap_or("").contains("huge.pdf"), "names the file: {body}");
    assert_eq!(counts(&app).await, before);
    assert_eq!(stored_blobs(&app), 0);
    assert!(app.state_files_tmp_empty());
}

/// The matrix the slow way, as the oracle: every obligation's every period through
/// `rules::period_state`, folded to the worst state per agency and period.
async fn matrix_one_by_one(
    db: &sea_orm::DatabaseConnection,
    actor: &app::backend::actor::Actor,
    kind: app::reports::ReportKind,
    now: time::OffsetDateTime,
) -> Vec<(uuid::Uuid, Vec<(Option<app::reports::StateCode>, u32, Option<uuid::Uuid>)>)> {
    use app::{
        backend::time_fmt::date_in_zone,
        reports::{entity::obligation, rules, SubmissionStatus},
        tenancy::entity::organisation,
    };
    let today = date_in_zone(now, &actor.time_zone);
    let periods = rules::last_ended(kind.usual_cadence(), today, 12);
    let orgs = organisation::Entity::find().all(db).await.expect("orgs");
    // The regulator's subtree, then the agencies directly under it.
    let mut subtree = vec![actor.organisation_id];
    loop {
        let more: Vec<uuid::Uuid> = orgs
            .iter()
            .filter(|o| o.kind == "regulator" && o.regulator_id.is_some_and(|r| subtree.contains(&r)))
            .map(|o| o.id)
            .filter(|id| !subtree.contains(id))
            .collect();
        if more.is_empty() {
            break;
        }
        subtree.extend(more);
    }
    let mut agencies: Vec<&organisation::Model> =
        orgs.iter().filter(|o| o.kind == "agency" && o.regulator_id.is_some_and(|r| subtree.contains(&r))).collect();
    agencies.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for a in agencies {
        let mut cells = vec![(None, 0u32, None); periods.len()];
        let obligations = obligation::Entity::find()
            .filter(obligation::Column::AgencyId.eq(a.id))
            .filter(obligation::Column::Kind.eq(kind.code()))
            .filter(obligation::Column::Cadence.eq(kind.usual_cadence().code()))
            .all(db)
            .await
            .expect("obligations");
        for o in obligations {
            for (i, p) in periods.iter().enumerate() {
                let start = rules::start(*p);
                if start < o.first_period || o.last_period.is_some_and(|l| start > l) {
                    continue;
                }
                let sub = submission::Entity::find()
                    .filter(submission::Column::ObligationId.eq(o.id))
                    .filter(submission::Column::PeriodStart.eq(start))
                    .one(db)
                    .await
                    .expect("submission");
                let facts = sub.as_ref().map(|s| rules::SubmissionFacts {
                    status: SubmissionStatus::parse(&s.status).expect("status"),
                    first_submitted_on: date_in_zone(s.first_submitted_at, &actor.time_zone),
                    versions: s.versions,
                });
                let state = rules::period_state(*p, o.due_day as u8, today, facts).code();
                let cell = &mut cells[i];
                cell.1 += 1;
                cell.2 = if cell.1 == 1 { sub.map(|s| s.id) } else { None };
                if cell.0.is_none_or(|s: app::reports::StateCode| state.severity() > s.severity()) {
                    cell.0 = Some(state);
                }
            }
        }
        out.push((a.id, cells));
    }
    // The columns begin with the first period an obligation ran in (a yearly view shows the years
    // reports were owed, not twelve years of nothing).
    let unowed = (0..periods.len()).take_while(|i| out.iter().all(|(_, cells)| cells[*i].0.is_none())).count();
    if unowed < periods.len() {
        for (_, cells) in &mut out {
            cells.drain(..unowed);
        }
    }
    out
}

#[tokio::test]
async fn the_matrix_aggregated_in_sql_matches_every_state_computed_one_by_one() {
    use app::{
        auth::actor::load_actor,
        backend::time_fmt::start_of_day_in_zone,
        reports::{entity::obligation, rules, service, Cadence, MatrixFilter, ReportKind, StateCode},
        tenancy::entity::{organisation, person},
    };
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    use std::collections::BTreeMap;
    let now = time::macros::datetime!(2026-11-25 02:00 UTC);
    for backend in backends() {
        let (db, _) = common::fresh_db(backend).await;
        common::build_world(&db, now).await;
        let org = |name: &'static str| {
            let db = db.clone();
            async move {
                organisation::Entity::find()
                    .filter(organisation::Column::Name.eq(name))
                    .one(&db)
                    .await
                    .expect("org")
                    .expect(name)
            }
        };
        let health = org("东州市卫生健康委员会").await;
        let csp = org("示范云计算有限公司").await;
        let someone = person::Entity::find().one(&db).await.expect("person").expect("a person");
        // A second CSP obligation for the health agency: due on the 31st (clamped in short
        // months), for six periods only, so cells behind two obligations count 2.
        let periods = rules::last_ended(Cadence::Monthly, time::macros::date!(2026 - 11 - 25), 12);
        let extra = uuid::Uuid::new_v4();
        obligation::ActiveModel {
            id: Set(extra),
            kind: Set("csp_monthly".into()),
            submitter_id: Set(csp.id),
            receiver_id: Set(health.id),
            agency_id: Set(health.id),
            engagement_id: Set(None),
            cadence: Set("monthly".into()),
            due_day: Set(31),
            first_period: Set(rules::start(periods[3])),
            last_period: Set(Some(rules::start(periods[8]))),
            created_by: Set(someone.id),
            created_at: Set(now),
            ended_on: Set(None),
            end_reason: Set(None),
            ended_by: Set(None),
        }
        .insert(&db)
        .await
        .expect("obligation");
        // Accepted reports sent right around the due date's end: late in Shanghai, on time in UTC.
        let due_end = |i: usize| start_of_day_in_zone(rules::due_date(periods[i], 31).next_day().unwrap(), "UTC");
        let shanghai_end =
            |i: usize| start_of_day_in_zone(rules::due_date(periods[i], 31).next_day().unwrap(), "Asia/Shanghai");
        let sent = [
            (4, "accepted", due_end(4) - time::Duration::hours(1)),
            (5, "accepted", shanghai_end(5) + time::Duration::milliseconds(500)),
            (6, "accepted", shanghai_end(6) - time::Duration::milliseconds(500)),
            (7, "submitted", due_end(7)),
            (8, "returned", due_end(8)),
        ];
        for (i, status, at) in sent {
            submission::ActiveModel {
                id: Set(uuid::Uuid::new_v4()),
                obligation_id: Set(extra),
                period_start: Set(rules::start(periods[i])),
                status: Set(status.into()),
                versions: Set(1),
                first_submitted_at: Set(at),
                last_submitted_at: Set(at),
                decided_at: Set(None),
            }
            .insert(&db)
            .await
            .expect("submission");
        }
        // One cache for every call below: the data no longer changes, so filters and pages are
        // served from the grid computed once per jurisdiction, kind and zone.
        let cache = app::backend::epoch::Caches::default();
        for (email, zone) in [
            ("security@regulator.example", "Asia/Shanghai"),
            ("security@regulator.example", "UTC"),
            ("security@east-regulator.example", "Asia/Shanghai"),
            ("security@neighbour-regulator.example", "UTC"),
        ] {
            let p = person::Entity::find()
                .filter(person::Column::Email.eq(email))
                .one(&db)
                .await
                .expect("person")
                .expect(email);
            let mut actor = load_actor(&db, p.id, "Asia/Shanghai").await.expect("actor").expect("active");
            actor.time_zone = zone.into();
            let reader = app::reports::scope::report_reader(&db, &actor, now.date()).await.expect("reader");
            for kind in [ReportKind::CspMonthly, ReportKind::SelfCheck, ReportKind::Assessment] {
                let expected = matrix_one_by_one(&db, &actor, kind, now).await;
                let filter = MatrixFilter { kind: kind.code().into(), ..MatrixFilter::default() };
                let all = service::matrix(&db, &cache, &reader, &actor, now, &filter, false).await.expect("matrix");
                let got: Vec<_> = all
                    .rows
                    .iter()
                    .map(|r| {
                        (r.agency.id, r.cells.iter().map(|c| (c.state, c.count, c.submission_id)).collect::<Vec<_>>())
                    })
                    .collect();
                assert_eq!(got, expected, "{email} in {zone}, {kind:?}");
                assert_eq!(all.agencies, expected.len() as u64);
                assert_eq!(all.periods.len(), expected.first().map_or(all.periods.len(), |(_, c)| c.len()), "{kind:?}");
                let mut totals = vec![BTreeMap::<StateCode, u32>::new(); all.periods.len()];
                for (_, cells) in &expected {
                    for (i, (state, _, _)) in cells.iter().enumerate() {
                        if let Some(s) = state {
                            *totals[i].entry(*s).or_default() += 1;
                        }
                    }
                }
                let totals: Vec<Vec<(StateCode, u32)>> = totals.into_iter().map(|t| t.into_iter().collect()).collect();
                assert_eq!(all.totals, totals, "{email} in {zone}, {kind:?}: totals");
                // Each state filter keeps exactly the agencies with a cell in that state, and the
                // totals count only them.
                for state in StateCode::ALL {
                    let filtered = service::matrix(
                        &db,
                        &cache,
                        &reader,
                        &actor,
                        now,
                        &MatrixFilter {
                            kind: kind.code().into(),
                            state: state.code().into(),
                            ..MatrixFilter::default()
                        },
                        true,
                    )
                    .await
                    .expect("filtered");
                    let want: Vec<_> = expected
                        .iter()
                        .filter(|(_, cells)| cells.iter().any(|c| c.0 == Some(*state)))
                        .map(|(id, _)| *id)
                        .collect();
                    let ids: Vec<_> = filtered.rows.iter().map(|r| r.agency.id).collect();
                    assert_eq!(ids, want, "{email} in {zone}, {kind:?}, only {state:?}");
                    let counted: u32 = filtered.totals.iter().flatten().map(|(_, n)| n).sum();
                    let cells: u32 = expected
                        .iter()
                        .filter(|(id, _)| want.contains(id))
                        .flat_map(|(_, cells)| cells.iter().filter(|c| c.0.is_some()))
                        .count() as u32;
                    assert_eq!(counted, cells, "{email} in {zone}, {kind:?}, only {state:?}: totals");
                }
            }
        }
        // The reports sent around midnight make the health agency's row differ between zones,
        // so the comparisons above covered both readings of "late".
        let east = person::Entity::find()
            .filter(person::Column::Email.eq("security@east-regulator.example"))
            .one(&db)
            .await
            .expect("person")
            .expect("east");
        let mut actor = load_actor(&db, east.id, "UTC").await.expect("actor").expect("active");
        let mut rows = Vec::new();
        for zone in ["UTC", "Asia/Shanghai"] {
            actor.time_zone = zone.into();
            let m = matrix_one_by_one(&db, &actor, ReportKind::CspMonthly, now).await;
            rows.push(m.into_iter().find(|(id, _)| *id == health.id).expect("health row").1);
        }
        assert_ne!(rows[0], rows[1], "the zone changes some cell of the health agency");
        // Searching is literal: a '%' matches no name.
        let p = person::Entity::find()
            .filter(person::Column::Email.eq("security@regulator.example"))
            .one(&db)
            .await
            .expect("person")
            .expect("regulator");
        let actor = load_actor(&db, p.id, "Asia/Shanghai").await.expect("actor").expect("active");
        let reader = app::reports::scope::report_reader(&db, &actor, now.date()).await.expect("reader");
        for (q, n) in [("%", 0), ("东州市", 2), ("", 6)] {
            let m = service::matrix(
                &db,
                &cache,
                &reader,
                &actor,
                now,
                &MatrixFilter { q: q.into(), ..MatrixFilter::default() },
                true,
            )
            .await
            .expect("search");
            assert_eq!(m.agencies, n, "search {q:?}");
        }
    }
}

#[tokio::test]
async fn the_generated_world_keeps_every_rule_and_fills_only_an_empty_database() {
    use app::{
        reports::entity::obligation,
        tenancy::entity::{organisation, website},
    };
    use server::tasks::generate::{self, Plan};
    let now = time::macros::datetime!(2026-11-25 02:00 UTC);
    for backend in backends() {
        let (db, url) = common::fresh_db(backend).await;
        let files = std::env::temp_dir().join(format!("portal-gen-{}", uuid::Uuid::new_v4().simple()));
        let plan = Plan { agencies: 40, months: 6, websites_per_agency: 3 };
        let done = generate::generate(&db, &files, now, &plan).await.expect("generate");
        let rows = |t: &str| done.rows.iter().find(|(n, _)| *n == t).map(|(_, n)| *n).unwrap_or(0);
        assert_eq!(
            organisation::Entity::find()
                .filter(organisation::Column::Kind.eq("agency"))
                .count(&db)
                .await
                .expect("count"),
            40
        );
        assert_eq!(website::Entity::find().count(&db).await.expect("count"), 120);
        assert_eq!(rows("website"), 120);
        // Exits: every tenth agency completed one (its engagement ended), two of the forty are
        // mid-handover on an engagement in force, each with the status its facts give.
        let exits = app::exit::entity::exit::Entity::find().all(&db).await.expect("exits");
        assert_eq!(exits.iter().filter(|e| e.status == "completed" && e.open_engagement_id.is_none()).count(), 4);
        assert_eq!(exits.iter().filter(|e| e.status == "handover" && e.open_engagement_id.is_some()).count(), 2);
        assert_eq!(rows("exit"), 6);
        // CSP, supplier, self-check for each; an assessor for every fourth agency.
        assert_eq!(obligation::Entity::find().count(&db).await.expect("count"), 40 * 3 + 10);
        let subs = submission::Entity::find().count(&db).await.expect("count");
        assert_eq!(subs, rows("report_submission"));
        assert!(subs > 40 * 4, "six months of monthly reports, mostly sent: {subs}");
        assert_eq!(file::Entity::find().count(&db).await.expect("count"), done.files);
        assert_eq!(version::Entity::find().count(&db).await.expect("count"), done.files);
        // Every file row has its bytes on disk under its hash.
        let store = app::backend::storage::FileStore::new(&files);
        for f in file::Entity::find().all(&db).await.expect("files") {
            let path = store.path_of(&f.sha256).expect("a sha-256");
            let bytes = std::fs::read(&path).expect("file on disk");
            assert_eq!(bytes.len() as i64, f.size);
            assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), f.sha256);
        }
        // The audit chain it wrote verifies.
        let report = app::audit::service::verify_chain(&db, None).await.expect("verify");
        assert!(report.first_break.is_none(), "{:?}", report.first_break);
        assert!(report.rows_checked >= subs, "an audit row per version at least");
        // The generated people sign in, and the top regulator's matrix lists all 40 agencies.
        let app = common::TestApp::over(backend, db.clone(), url).await;
        let regulator = app
            .signed_in_with(&generate::account("security", generate::TOP_REGULATOR), server::tasks::demo::DEMO_PASSWORD)
            .await;
        let (status, m) = app.get_json(&regulator, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert_eq!(status, 200, "{m}");
        assert_eq!(m["agencies"], 40);
        let county =
            app.signed_in_with(&generate::account("security", "reg-07"), server::tasks::demo::DEMO_PASSWORD).await;
        let (_, m) = app.get_json(&county, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert_eq!(m["agencies"], 2, "a county sees only its own two agencies");
        // A year of duty: a desk per agency, every night and weekend stood, the last under way;
        // the top regulator's overview pages them with who is on duty now, from the record.
        assert_eq!(rows("roster"), 40);
        let stood = rows("duty_stood");
        assert!((40 * 250..=40 * 370).contains(&stood), "about a shift a night, weekends joined: {stood}");
        let (status, o) = app.get_json(&regulator, "/api/duty_overview").await;
        assert_eq!(status, 200, "{o}");
        assert_eq!(o["organisations"], 40, "{o}");
        assert_eq!(o["rows"].as_array().map(Vec::len), Some(40), "one page of 50 organisations holds them all");
        let on_now = o["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| !r["desk"]["primary"].as_array().expect("primary").is_empty())
            .count();
        // 2026-11-25 02:00 UTC is 10:00 on a Wednesday in Shanghai: office hours, nobody on.
        assert_eq!(on_now, 0, "{backend:?}");
        assert_eq!(o["uncovered_specials_total"], 4, "every tenth agency's special period: {o}");
        // Every CSP engagement has its SLA: accepted terms, months of records, each ended month's
        // report issued; the regulator's list reads them and their kept days agree with the reports.
        assert_eq!(rows("sla_version"), 40);
        assert!(rows("sla_record") > 40 * 6, "a maintenance window a month at least: {}", rows("sla_record"));
        assert!(rows("sla_month") >= 40 * 5, "each ended month issued: {}", rows("sla_month"));
        assert!(rows("sla_measure") >= 40 * 60, "sixty days of backups at least: {}", rows("sla_measure"));
        let (status, sla) = app.get_json(&regulator, "/api/sla?month=2026-10").await;
        assert_eq!(status, 200, "{sla}");
        assert_eq!(sla["total"], 40, "{sla}");
        let reported: i64 = app::sla::entity::month::Entity::find()
            .filter(app::sla::entity::month::Column::Month.eq("2026-10"))
            .all(&db)
            .await
            .expect("months")
            .iter()
            .map(|m| m.compensation)
            .sum();
        let listed: i64 =
            sla["rows"].as_array().expect("rows").iter().map(|r| r["compensation"].as_i64().unwrap_or(0)).sum();
        assert_eq!(listed, reported, "the list's sums of kept days owe what the frozen reports owe");
        // Two years of change notices, two a month per CSP, with the status their steps give; a
        // county regulator's list has the notices awaiting its decision.
        assert_eq!(rows("ch_notice"), 3 * 48);
        assert!(rows("ch_step") > rows("ch_notice") * 3, "answers, decisions, implementation: {}", rows("ch_step"));
        let (status, l) = app.get_json(&county, "/api/changes").await;
        assert_eq!(status, 200, "{l}");
        assert!(l["list"]["total"].as_u64().unwrap_or(0) > 0, "{l}");
        // A second run refuses: the database is no longer empty, and nothing is added.
        let before = organisation::Entity::find().count(&db).await.expect("count");
        assert!(generate::generate(&db, &files, now, &plan).await.is_err());
        assert_eq!(organisation::Entity::find().count(&db).await.expect("count"), before);
        std::fs::remove_dir_all(&files).ok();
    }
}

#[tokio::test]
async fn a_huge_text_field_is_refused_while_it_streams_and_too_many_fields_too() {
    for backend in backends() {
        let (app, _agency, csp, obligation) = with_obligation(backend, "security@csp.example").await;
        let before = counts(&app).await;
        // 8 MB of notes: refused at the first chunk past the field's limit, the field named.
        let mut fields = csp_fields("99.9");
        fields.retain(|(k, _)| *k != "notes");
        fields.push(("notes", "备".repeat(8 * 1024 * 1024 / 3)));
        let (status, body) = app.submit(&csp, form(&obligation, "2026-10", "huge-1", &fields, vec![])).await;
        assert_eq!(status, 422, "{backend:?}: {body}");
        assert!(body.to_string().contains("notes"), "{body}");
        // Thousands of small fields: refused as too many.
        let mut many = csp_fields("99.9");
        for i in 0..1000 {
            many.push((Box::leak(format!("x{i}").into_boxed_str()), "1".to_string()));
        }
        let (status, body) = app.submit(&csp, form(&obligation, "2026-10", "huge-2", &many, vec![])).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(counts(&app).await, before, "nothing stored");
    }
}

/// The database's refusal of a second decision on one version is recognised by the index's name
/// (PostgreSQL names it, SQLite names its columns), so the race answers "already reviewed".
#[tokio::test]
async fn a_second_decision_on_one_version_is_told_apart_by_its_constraint() {
    use app::backend::error::{violated, Constraint};
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    for backend in backends() {
        let app = common::spawn_with(backend, common::Options { world: true, ..Default::default() }).await;
        let first = review::Entity::find().one(&app.db).await.expect("query").expect("the demo data has a review");
        let mut twin = first.clone().into_active_model();
        twin.id = sea_orm::ActiveValue::Set(uuid::Uuid::new_v4());
        let twin = twin.reset_all();
        let e = twin.insert(&app.db).await.expect_err("one decision per version");
        let other =
            Constraint { name: "uq_version_number", columns: "report_version.submission_id, report_version.number" };
        let named = [
            (other, "number", app::i18n::Msg::ErrSubmissionOpen),
            (review::UQ_REVIEW_VERSION, "decision", app::i18n::Msg::ErrAlreadyReviewed),
        ];
        assert_eq!(violated(&e, &named), Some(("decision", app::i18n::Msg::ErrAlreadyReviewed)), "{backend:?}: {e}");
    }
}

/// The periods of a work list page.
fn periods_of(work: &Value) -> Vec<String> {
    work["items"].as_array().expect("items").iter().map(|i| i["period"].as_str().expect("period").to_string()).collect()
}

#[tokio::test]
async fn any_month_of_the_list_opens_however_old() {
    for b in backends() {
        let app = spawn(b).await;
        let csp = app.signed_in("admin@csp.example").await;
        // The list keeps the latest twelve months: 2025-11, owed since the obligation began, is not in it...
        let (status, latest) = app.get_json(&csp, "/api/report_work?filter[side]=submit").await;
        assert_eq!(status, 200, "{latest}");
        assert!(!periods_of(&latest).contains(&"2025-11".to_string()), "{b:?}");
        // ...but the month filter reaches it, and only the periods covering that month.
        let (status, nov) = app.get_json(&csp, "/api/report_work?filter[side]=submit&filter[period]=2025-11").await;
        assert_eq!(status, 200, "{nov}");
        let periods = periods_of(&nov);
        assert!(periods.contains(&"2025-11".to_string()), "{b:?}: {periods:?}");
        assert!(periods.iter().all(|p| ["2025-11", "2025-Q4", "2025-H2", "2025"].contains(&p.as_str())), "{periods:?}");
        assert_eq!(nov["total"].as_u64(), Some(periods.len() as u64), "{nov}");
        // Each row opens: its submission is the one of that period.
        for item in nov["items"].as_array().expect("items") {
            if let Some(id) = item["submission_id"].as_str() {
                let (status, s) = app.get_json(&csp, &format!("/api/submission?id={id}")).await;
                assert_eq!(status, 200, "{s}");
                assert_eq!(s["period"], item["period"], "{s}");
            }
        }
        // Before any obligation ran, nothing; a month that is not one is refused by name.
        let (status, none) = app.get_json(&csp, "/api/report_work?filter[period]=2001-01").await;
        assert_eq!((status, none["total"].as_u64()), (200, Some(0)), "{none}");
        for bad in ["2025-13", "2025-1", "november", "2025-11-01"] {
            let (status, e) = app.get_json(&csp, &format!("/api/report_work?filter[period]={bad}")).await;
            assert_eq!(status, 422, "{bad}: {e}");
            assert_eq!(e["Invalid"]["fields"][0]["field"], "period", "{e}");
        }
    }
}

#[tokio::test]
async fn settled_rows_read_newest_first() {
    for b in backends() {
        let app = spawn(b).await;
        let csp = app.signed_in("admin@csp.example").await;
        let (status, work) = app.get_json(&csp, "/api/report_work?filter[state]=accepted").await;
        assert_eq!(status, 200, "{work}");
        let due: Vec<&str> =
            work["items"].as_array().expect("items").iter().map(|i| i["due_on"].as_str().expect("due")).collect();
        assert!(due.len() > 2, "{b:?}: {due:?}");
        assert!(due.windows(2).all(|w| w[0] >= w[1]), "{b:?}: newest first: {due:?}");
    }
}

#[tokio::test]
async fn a_regulator_reminds_the_submitter_of_an_overdue_report_once_a_day() {
    for b in backends() {
        let app = spawn(b).await;
        let regulator = app.signed_in("admin@regulator.example").await;
        let (status, work) = app.get_json(&regulator, "/api/report_work?filter[state]=overdue").await;
        assert_eq!(status, 200, "{work}");
        assert_eq!(work["may_remind"], true, "{work}");
        let item = work["items"][0].clone();
        let (obligation, period) = (item["obligation_id"].as_str().expect("id"), item["period"].as_str().expect("p"));
        let mails = || async { app::backend::entity::outbox::Entity::find().count(&app.db).await.expect("count") };
        let before = mails().await;
        let args = [("obligation_id", obligation), ("period", period)];
        let (status, e) = app.call(&regulator, "remind_overdue", &args).await;
        assert_eq!(status, 200, "{b:?}: {e}");
        assert!(mails().await > before, "{b:?}: the reminder went to the outbox");
        let queued = mails().await;
        // Once a day: the second is refused and mails nothing.
        let (status, e) = app.call(&regulator, "remind_overdue", &args).await;
        assert_eq!(status, 409, "{b:?}: {e}");
        assert_eq!(mails().await, queued);
        // The next day it may go again.
        app.advance(time::Duration::days(1));
        let regulator = app.signed_in("admin@regulator.example").await;
        let (status, e) = app.call(&regulator, "remind_overdue", &args).await;
        assert_eq!(status, 200, "{b:?}: {e}");
        // It is in the regulator's trail.
        let (_, trail) = app.get_json(&regulator, "/api/audit?filter[action]=report_remind").await;
        assert!(trail.to_string().contains("report_remind"), "{trail}");

        // A regulator's viewer reads but does not remind; the parties have their own reminders.
        let viewer = app.signed_in("viewer@regulator.example").await;
        let (status, work) = app.get_json(&viewer, "/api/report_work?filter[state]=overdue").await;
        assert_eq!((status, &work["may_remind"]), (200, &Value::Bool(false)), "{work}");
        let (status, _) = app.call(&viewer, "remind_overdue", &args).await;
        assert_eq!(status, 403, "{b:?}");
        let agency = app.signed_in("admin@agency.example").await;
        let (status, _) = app.call(&agency, "remind_overdue", &args).await;
        assert_eq!(status, 403, "{b:?}");
        // A report that is not overdue is not reminded of; a bad period is refused by name.
        let (_, sent) = app.get_json(&regulator, "/api/report_work?filter[state]=submitted").await;
        let s = &sent["items"][0];
        let (status, _) = app
            .call(
                &regulator,
                "remind_overdue",
                &[
                    ("obligation_id", s["obligation_id"].as_str().expect("id")),
                    ("period", s["period"].as_str().expect("p")),
                ],
            )
            .await;
        assert_eq!(status, 409, "{b:?}");
        let (status, _) =
            app.call(&regulator, "remind_overdue", &[("obligation_id", obligation), ("period", "2026-13")]).await;
        assert_eq!(status, 422, "{b:?}");
    }
}

#[tokio::test]
async fn a_too_large_figure_is_refused_naming_its_field() {
    for backend in backends() {
        let (app, _agency, csp, obligation) = with_obligation(backend, "staff@csp.example").await;
        for (value, words) in
            [("99999999999999999999", "不能超过 1,000,000,000"), ("1000000001", "不能超过 1,000,000,000")]
        {
            let mut fields = csp_fields("99.95");
            fields.retain(|(k, _)| *k != "backups_failed");
            fields.push(("backups_failed", value.to_string()));
            let (status, e) =
                app.submit(&csp, form(&obligation, "2026-10", "key-big", &fields, vec![("r.pdf", PDF.to_vec())])).await;
            assert_eq!(status, 422, "{value}: {e}");
            assert_eq!(e["field"], "backups_failed", "{e}");
            let message = e["message"].as_str().expect("message");
            assert!(message.starts_with("备份失败次数"), "names the field: {message}");
            assert!(message.contains(words), "says why: {message}");
        }
    }
}

#[tokio::test]
async fn the_province_sees_each_city_with_its_totals_and_narrows_to_one() {
    for b in backends() {
        let app = spawn(b).await;
        let province = app.signed_in("admin@regulator.example").await;
        let (status, m) = app.get_json(&province, "/api/report_matrix?filter[kind]=self_check").await;
        assert_eq!(status, 200, "{m}");
        let groups = m["groups"].as_array().expect("groups");
        let named: Vec<&str> = groups.iter().filter_map(|g| g["regulator"]["name"].as_str()).collect();
        let east = common::world::name_of("east-regulator");
        let west = common::world::name_of("west-regulator");
        assert!(named.contains(&east) && named.contains(&west), "{b:?}: {named:?}");
        // Each agency is counted in exactly one group.
        let counted: u64 = groups.iter().map(|g| g["agencies"].as_u64().expect("n")).sum();
        assert_eq!(Some(counted), m["agencies"].as_u64(), "{m}");
        // Narrowed to the east city: its agencies only, and the city named.
        let east_id = m["sub_regulators"]
            .as_array()
            .expect("subs")
            .iter()
            .find(|r| r["name"] == east)
            .and_then(|r| r["id"].as_str())
            .expect("east listed")
            .to_string();
        let east_group = groups.iter().find(|g| g["regulator"]["name"] == east).expect("east group");
        let (status, narrowed) = app
            .get_json(&province, &format!("/api/report_matrix?filter[kind]=self_check&filter[under]={east_id}"))
            .await;
        assert_eq!(status, 200, "{narrowed}");
        assert_eq!(narrowed["agencies"], east_group["agencies"], "{narrowed}");
        assert_eq!(narrowed["under"]["name"], east, "{narrowed}");
        // The city sees its own agencies and no grouping above it; a regulator not below is refused.
        let city = app.signed_in("admin@east-regulator.example").await;
        let (status, own) =
            app.get_json(&city, &format!("/api/report_matrix?filter[kind]=self_check&filter[under]={east_id}")).await;
        assert_eq!(status, 422, "{b:?}: its own id is not below it: {own}");
        let (status, bad) = app.get_json(&province, "/api/report_matrix?filter[under]=not-an-id").await;
        assert_eq!(status, 422, "{bad}");
    }
}
