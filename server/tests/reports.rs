//! Periodic reports end to end over HTTP, on every database: an agency sets an obligation, its CSP
//! submits with a file (once, however often the request is repeated), the agency returns and then
//! accepts, the regulator's matrix shows it; files only reach those entitled; every kind of bad
//! input is refused with its field named and nothing stored; the machine API with tokens.
mod common;

use app::reports::entity::{file, review, submission, version};
use common::{backends, spawn, TestApp};
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use sha2::Digest;

const PDF: &[u8] =
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn json(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body = res.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, Value) {
    json(
        c.get(app.url(path))
            .header("accept", "application/json")
            .send()
            .await
            .expect("get"),
    )
    .await
}

async fn server_fn(app: &TestApp, c: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
    json(
        c.post(app.url(&format!("/api/{name}")))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("post"),
    )
    .await
}

/// The CSP monthly summary fields as the browser form sends them.
fn csp_fields(availability: &str) -> Vec<(&'static str, String)> {
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

fn form(
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

async fn submit(app: &TestApp, c: &reqwest::Client, form: Form) -> (u16, Value) {
    json(
        c.post(app.url("/reports/submit"))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("submit"),
    )
    .await
}

/// The agency's engagement with its CSP.
async fn csp_engagement(app: &TestApp, agency: &reqwest::Client) -> String {
    let (status, list) = get(app, agency, "/api/engagements").await;
    assert_eq!(status, 200, "{list}");
    list["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["role"] == "Csp" && r["status"] == "Active" && r["provider_name"] == "示范云计算有限公司")
        .and_then(|r| r["id"].as_str())
        .expect("agency ↔ csp engagement")
        .to_string()
}

/// Sets a fresh monthly CSP obligation (due on the 10th) from 2026-01, returns its id.
async fn new_obligation(app: &TestApp, agency: &reqwest::Client) -> String {
    let engagement = csp_engagement(app, agency).await;
    let (status, id) = server_fn(
        app,
        agency,
        "create_obligation",
        &[
            ("kind", "csp_monthly"),
            ("engagement_id", &engagement),
            ("cadence", "monthly"),
            ("due_day", "10"),
            ("first_period", "2026-01"),
            ("last_period", ""),
        ],
    )
    .await;
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
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&app.data_dir.join("files"))
}

#[tokio::test]
async fn a_monthly_report_goes_from_upload_through_return_to_acceptance() {
    for backend in backends() {
        let app = spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let csp = app.signed_in("staff@csp.example").await;
        let obligation = new_obligation(&app, &agency).await;
        let (before_s, before_v, _) = counts(&app).await;

        // The CSP sees the obligation's periods: 2026-10 is overdue on 25 November (due 10 November).
        let (status, work) = get(&app, &csp, "/api/report_work?filter[side]=submit").await;
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
        let (status, first) = submit(
            &app,
            &csp,
            form(
                &obligation,
                "2026-10",
                "key-1",
                &fields,
                vec![("十月报告.pdf", PDF.to_vec())],
            ),
        )
        .await;
        assert_eq!(status, 200, "{first}");
        let sid = first["submission_id"].as_str().expect("id").to_string();
        let (status, again) = submit(
            &app,
            &csp,
            form(
                &obligation,
                "2026-10",
                "key-1",
                &fields,
                vec![("十月报告.pdf", PDF.to_vec())],
            ),
        )
        .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(
            again["submission_id"], first["submission_id"],
            "a repeated request is the same submission"
        );
        let (after_s, after_v, _) = counts(&app).await;
        assert_eq!((after_s - before_s, after_v - before_v), (1, 1), "stored once");
        // A second, different request for the same period while one waits for review.
        let (status, open) = submit(&app, &csp, form(&obligation, "2026-10", "key-2", &fields, vec![])).await;
        assert_eq!((status, open["field"].as_str()), (409, Some("period")), "{open}");

        // The stored file: under its SHA-256, downloadable by both sides, by nobody else.
        let (status, view) = get(&app, &agency, &format!("/api/submission?id={sid}")).await;
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
        for outsider in [
            "admin@csp2.example",
            "admin@health.example",
            "admin@neighbour-regulator.example",
        ] {
            let c = app.signed_in(outsider).await;
            assert_eq!(
                c.get(app.url(&file_url)).send().await.expect("get").status(),
                404,
                "{outsider}"
            );
            assert_eq!(
                get(&app, &c, &format!("/api/submission?id={sid}")).await.0,
                404,
                "{outsider}"
            );
        }

        // Only the receiving organisation reviews; a return needs a comment.
        let (status, e) = server_fn(
            &app,
            &csp,
            "review_submission",
            &[("id", &sid), ("decision", "accept"), ("comment", "")],
        )
        .await;
        assert_eq!(status, 403, "a CSP does not review: {e}");
        let other_agency = app.signed_in("admin@health.example").await;
        let (status, _) = server_fn(
            &app,
            &other_agency,
            "review_submission",
            &[("id", &sid), ("decision", "accept"), ("comment", "")],
        )
        .await;
        assert_eq!(status, 404, "another agency does not even see it");
        let (status, e) = server_fn(
            &app,
            &agency,
            "review_submission",
            &[("id", &sid), ("decision", "return"), ("comment", " ")],
        )
        .await;
        assert_eq!(status, 422, "{e}");
        let (status, _) = server_fn(
            &app,
            &agency,
            "review_submission",
            &[
                ("id", &sid),
                ("decision", "return"),
                ("comment", "请补充备份恢复测试记录"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        let mails = app::backend::entity::outbox::Entity::find()
            .filter(app::backend::entity::outbox::Column::Body.contains("请补充备份恢复测试记录"))
            .count(&app.db)
            .await
            .expect("outbox");
        assert!(
            mails >= 2,
            "the return is mailed to the CSP's submitter and its report people ({mails})"
        );

        // The CSP resubmits (a new version; the first stays), the agency accepts.
        let (status, re) = submit(
            &app,
            &csp,
            form(&obligation, "2026-10", "key-3", &csp_fields("99.97"), vec![]),
        )
        .await;
        assert_eq!(status, 200, "{re}");
        assert_eq!(re["submission_id"].as_str(), Some(sid.as_str()));
        let (status, _) = server_fn(
            &app,
            &agency,
            "review_submission",
            &[("id", &sid), ("decision", "accept"), ("comment", "")],
        )
        .await;
        assert_eq!(status, 200);
        let (_, view) = get(&app, &csp, &format!("/api/submission?id={sid}")).await;
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
        let (status, e) = submit(&app, &csp, form(&obligation, "2026-10", "key-4", &fields, vec![])).await;
        assert_eq!(status, 409, "{e}");

        // The east regulator's matrix shows the agency's October as accepted late, with the link.
        let regulator = app.signed_in("admin@east-regulator.example").await;
        let (status, m) = get(&app, &regulator, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert_eq!(status, 200, "{m}");
        let col = m["periods"]
            .as_array()
            .unwrap()
            .iter()
            .position(|p| p == "2026-10")
            .expect("2026-10 column");
        let row = m["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["agency"]["name"] == "示范市政务服务数据管理局")
            .expect("agency row");
        assert!(
            row["cells"][col]["count"].as_u64().unwrap() >= 2,
            "the demo obligation and the new one"
        );
        let csv = regulator
            .get(app.url("/reports/matrix.csv?kind=csp_monthly"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            csv.lines().count() as u64,
            1 + m["agencies"].as_u64().unwrap(),
            "the CSV has every agency"
        );
        // Another regulator's matrix does not list it.
        let neighbour = app.signed_in("admin@neighbour-regulator.example").await;
        let (_, m) = get(&app, &neighbour, "/api/report_matrix?filter[kind]=csp_monthly").await;
        assert!(!m.to_string().contains("示范市政务服务数据管理局"));
        // Agencies and providers have no matrix.
        assert_eq!(
            get(&app, &agency, "/api/report_matrix?filter[kind]=csp_monthly")
                .await
                .0,
            403
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_its_field_named_and_nothing_stored() {
    for backend in backends() {
        let app = spawn(backend).await;
        let agency = app.signed_in("admin@agency.example").await;
        let csp = app.signed_in("admin@csp.example").await;
        let obligation = new_obligation(&app, &agency).await;
        let ok = csp_fields("99.9");
        let before = counts(&app).await;
        let blobs = stored_blobs(&app);
        let mut negative = ok.clone();
        negative.retain(|(k, _)| *k != "vulnerabilities_found.high");
        negative.push(("vulnerabilities_found.high", "-1".into()));
        let cases: Vec<(Form, u16, &str)> = vec![
            (
                form(&uuid::Uuid::new_v4().to_string(), "2026-10", "", &ok, vec![]),
                422,
                "obligation_id",
            ),
            (form("not-a-uuid", "2026-10", "", &ok, vec![]), 422, "obligation_id"),
            (form(&obligation, "2025-12", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "2027-01", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "2026-Q3", "", &ok, vec![]), 422, "period"),
            (form(&obligation, "October", "", &ok, vec![]), 422, "period"),
            (
                form(&obligation, "2026-10", "", &csp_fields("100.5"), vec![]),
                422,
                "availability_pct",
            ),
            (
                form(&obligation, "2026-10", "", &csp_fields("lots"), vec![]),
                422,
                "availability_pct",
            ),
            (
                form(&obligation, "2026-10", "", &negative, vec![]),
                422,
                "vulnerabilities_found.high",
            ),
            (
                form(&obligation, "2026-10", "", &ok, vec![("empty.pdf", vec![])]),
                422,
                "files",
            ),
            (
                form(&obligation, "2026-10", "", &ok, vec![("picture.pdf", PNG.to_vec())]),
                415,
                "files",
            ),
            (
                form(
                    &obligation,
                    "2026-10",
                    "",
                    &ok,
                    vec![("tool.exe", b"MZ\x90\0".to_vec())],
                ),
                415,
                "files",
            ),
            (
                form(
                    &obligation,
                    "2026-10",
                    "",
                    &ok,
                    vec![("good.pdf", PDF.to_vec()), ("bad.zip", PDF.to_vec())],
                ),
                415,
                "files",
            ),
        ];
        for (i, (f, status, field)) in cases.into_iter().enumerate() {
            let (got, body) = submit(&app, &csp, f).await;
            assert_eq!((got, body["field"].as_str()), (status, Some(field)), "case {i}: {body}");
            assert!(!body["message"].as_str().unwrap_or("").is_empty(), "case {i} says why");
        }
        assert_eq!(counts(&app).await, before, "nothing stored");
        assert_eq!(stored_blobs(&app), blobs, "no file kept");
        assert!(app.state_files_tmp_empty(), "no temporary file left");

        // Someone who may not submit (a read-only person), and someone from another CSP.
        let viewer = app.signed_in("viewer@csp.example").await;
        let (status, _) = submit(&app, &viewer, form(&obligation, "2026-10", "", &ok, vec![])).await;
        assert_eq!(status, 403);
        let other = app.signed_in("admin@csp2.example").await;
        let (status, body) = submit(&app, &other, form(&obligation, "2026-10", "", &ok, vec![])).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some("obligation_id")),
            "out of scope is unknown"
        );
        // A key reused for a different request.
        let (status, _) = submit(&app, &csp, form(&obligation, "2026-10", "same", &ok, vec![])).await;
        assert_eq!(status, 200);
        let (status, body) = submit(&app, &csp, form(&obligation, "2026-09", "same", &ok, vec![])).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (409, Some("idempotency_key")),
            "{body}"
        );
        // Obligations: only over one's own engagements, with valid periods.
        let (status, body) = server_fn(
            &app,
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
        let engagement = csp_engagement(&app, &agency).await;
        for (due, first, last, field) in [
            ("0", "2026-01", "", "due_day"),
            ("32", "2026-01", "", "due_day"),
            ("10", "2026-Q1", "", "first_period"),
            ("10", "2026-05", "2026-04", "last_period"),
        ] {
            let (status, body) = server_fn(
                &app,
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
        let (status, _) = server_fn(
            &app,
            &csp,
            "create_obligation",
            &[
                ("kind", "csp_monthly"),
                ("engagement_id", &engagement),
                ("cadence", "monthly"),
                ("due_day", "10"),
                ("first_period", "2026-01"),
            ],
        )
        .await;
        assert_eq!(status, 403, "a provider sets no obligations");
    }
}

#[tokio::test]
async fn an_upload_cut_off_half_way_leaves_no_submission_and_no_file() {
    use tokio::io::AsyncWriteExt;
    let app = spawn(common::Backend::Sqlite).await;
    let agency = app.signed_in("admin@agency.example").await;
    let obligation = new_obligation(&app, &agency).await;
    let csp = app.client();
    let res = app
        .sign_in(&csp, "admin@csp.example", app::backend::demo::DEMO_PASSWORD)
        .await;
    let cookie = common::session_cookie(&res).expect("session cookie");
    let before = counts(&app).await;
    let boundary = "cutcutcut";
    let mut body = String::new();
    for (k, v) in [
        ("obligation_id", obligation.as_str()),
        ("period", "2026-10"),
        ("availability_pct", "99.9"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
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
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("api get");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (s, v) = json(res).await;
    (s, v, ct)
}

#[tokio::test]
async fn the_machine_api_acts_with_the_token_persons_rights() {
    for backend in backends() {
        let app = spawn(backend).await;
        let now = app.now();
        let csp_token = app::auth::tokens::issue_for(&app.db, now, "admin@csp.example", "ci", 30)
            .await
            .expect("token");
        let csp2_token = app::auth::tokens::issue_for(&app.db, now, "admin@csp2.example", "ci", 30)
            .await
            .expect("token");
        let agency = app.signed_in("admin@agency.example").await;
        let obligation = new_obligation(&app, &agency).await;

        // The document is OpenAPI 3.1, generated, and lists the endpoints.
        let (status, doc) = get(&app, &app.client(), "/api/v1/openapi.json").await;
        assert_eq!(status, 200);
        assert!(
            doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
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
        let ids: Vec<&str> = mine
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["obligation"]["id"].as_str())
            .collect();
        assert!(ids.contains(&obligation.as_str()));
        let (_, theirs, _) = api(&app, &csp2_token, "/api/v1/obligations").await;
        assert!(
            !theirs.to_string().contains(&obligation),
            "csp2 does not see csp's obligation"
        );

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
        assert_eq!(
            (status, p["errors"][0]["field"].as_str()),
            (422, Some("availability_pct")),
            "{p}"
        );
        // Another organisation's token: its obligation is unknown to it, the submission not found.
        let (status, _) = json(create(&csp2_token, "x", &summary).await.unwrap()).await;
        assert_eq!(status, 422);
        assert_eq!(
            api(&app, &csp2_token, &format!("/api/v1/submissions/{sid}")).await.0,
            404
        );
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
        let (_, page2, _) = api(
            &app,
            &csp2_token,
            &format!("/api/v1/submissions?obligation_id={obligation}"),
        )
        .await;
        assert_eq!(page2["total"], 0);
        for q in [
            "per_page=0",
            "per_page=101",
            "status=lost",
            "period=2026-13",
            "obligation_id=x",
            "kind=none",
        ] {
            let (status, p, ct) = api(&app, &csp_token, &format!("/api/v1/submissions?{q}")).await;
            assert_eq!((status, ct.as_str()), (422, "application/problem+json"), "{q}: {p}");
        }
        assert_eq!(api(&app, &csp_token, "/api/v1/submissions/not-a-uuid").await.0, 404);
        assert_eq!(api(&app, &csp_token, "/api/v1/nothing-here").await.0, 404);

        // Return it in the browser, resubmit through the API.
        let (status, _) = server_fn(
            &app,
            &agency,
            "review_submission",
            &[("id", &sid), ("decision", "return"), ("comment", "请附上补丁清单")],
        )
        .await;
        assert_eq!(status, 200);
        let form = Form::new().text("summary", summary.to_string());
        let (status, v) = json(
            reqwest::Client::new()
                .post(app.url(&format!("/api/v1/submissions/{sid}/versions")))
                .bearer_auth(&csp_token)
                .multipart(form)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{v}");
        assert_eq!(v["versions"].as_array().unwrap().len(), 2);
        assert_eq!(v["versions"][0]["review"]["comment"], "请附上补丁清单");

        // Revoked and expired tokens stop working; the last use is recorded.
        let tokens = app::backend::entity::api_token::Entity::find()
            .all(&app.db)
            .await
            .unwrap();
        assert!(tokens.iter().any(|t| t.last_used_at.is_some()));
        let csp2 = tokens
            .iter()
            .find(|t| t.prefix == csp2_token[..11])
            .expect("csp2 token")
            .clone();
        let mut m: app::backend::entity::api_token::ActiveModel = csp2.into();
        m.revoked_at = sea_orm::ActiveValue::Set(Some(now));
        sea_orm::ActiveModelTrait::update(m, &app.db).await.unwrap();
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
        let first = app::reports::service::send_reminders(&app.db, at, zone)
            .await
            .expect("send");
        assert!(first > 0, "the demo's unsent November reports get a reminder");
        let again = app::reports::service::send_reminders(&app.db, at + time::Duration::hours(1), zone)
            .await
            .expect("send");
        assert_eq!(again, 0, "once each");
        let overdue = app::reports::service::send_reminders(&app.db, at + time::Duration::days(4), zone)
            .await
            .expect("send");
        assert!(overdue > 0, "the first day overdue");
        let later = app::reports::service::send_reminders(&app.db, at + time::Duration::days(5), zone)
            .await
            .expect("send");
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
    let (status, body) = submit(
        &app,
        &csp,
        form(&obligation, "2026-10", "", &csp_fields("99.9"), vec![("huge.pdf", big)]),
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (413, Some("files")), "{body}");
    assert!(
        body["message"].as_str().unwrap_or("").contains("huge.pdf"),
        "names the file: {body}"
    );
    assert_eq!(counts(&app).await, before);
    assert_eq!(stored_blobs(&app), 0);
    assert!(app.state_files_tmp_empty());
}
