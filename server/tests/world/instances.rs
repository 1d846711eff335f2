//! Two `portal serve` processes over one database and one data directory, as a deployment runs
//! them behind a load balancer: a session and a change made through one are seen through the
//! other within the epoch follower's second, each reminder and each mail goes out exactly once,
//! a file uploaded through one downloads through the other, and every fleet job ran on one of them.
use crate::common;

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

use app::reports::entity::reminder;
use app::{backend::time_fmt, domain::period::Cadence, reports::service::due_days_reminded};
use common::{backends, fresh_db, number, TestApp, PDF};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

/// A `portal serve` child process, stopped when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

async fn serve(url: &str, dir: &std::path::Path) -> Served {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("serve")
        .env("PORTAL_DATABASE_URL", url)
        .env("PORTAL_DATA_DIR", dir)
        .env("PORTAL_BIND", format!("127.0.0.1:{port}"))
        .env("PORTAL_SIGNIN_PER_MINUTE", "1000")
        .env("PORTAL_SITE_ROOT", std::env::temp_dir())
        .env_remove("PORTAL_PUBLIC_URL")
        .env_remove("PORTAL_SMTP_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start portal serve");
    let served = Served { child, base: format!("http://127.0.0.1:{port}") };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(format!("{}/healthz", served.base)).send().await.is_ok_and(|r| r.status() == 200) {
            return served;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("portal serve on port {port} did not answer within 30 s");
}

/// The job table, for a failure's message.
async fn jobs_text(db: &DatabaseConnection) -> String {
    app::backend::jobs::status(db)
        .await
        .map(|rows| {
            rows.iter()
                .map(|j| format!("{} runs {} error {:?}", j.name, j.runs, j.last_error))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_else(|e| e.to_string())
}

fn mail_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("mail"))
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "eml")).count())
        .unwrap_or(0)
}

/// Waits up to ten seconds for `check` to hold.
async fn within_ten_seconds<F: std::future::Future<Output = bool>>(mut check: impl FnMut() -> F) -> bool {
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn two_instances_share_one_database_and_one_file_store() {
    for b in backends() {
        let (db, url) = fresh_db(b).await;
        let dir = std::env::temp_dir().join(format!("portal-two-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("data dir");
        common::build_world(&db, time::OffsetDateTime::now_utc()).await;

        // An obligation whose reminder is due today (the servers read the real clock), set through
        // an in-process instance before the two start.
        let today = time_fmt::date_in_zone(time::OffsetDateTime::now_utc(), time_fmt::DEFAULT_TIME_ZONE);
        let due_day = *due_days_reminded(Cadence::Monthly, today).first().expect("some due day is reminded today");
        let setter = TestApp::over(b, db.clone(), url.clone()).await;
        let agency_there = setter.signed_in("admin@agency.example").await;
        let engagement = common::csp_engagement(&setter, &agency_there).await;
        let mut form = common::csp_obligation_form(&engagement);
        let due = due_day.to_string();
        form[3].1 = &due;
        let (status, obligation) = setter.call(&agency_there, "create_obligation", &form).await;
        assert_eq!(status, 200, "{obligation}");
        let obligation = obligation.as_str().expect("id").to_string();

        let (one, two) = (serve(&url, &dir).await, serve(&url, &dir).await);
        let a = TestApp::external(b, db.clone(), url.clone(), one.base.clone(), dir.clone());
        let z = TestApp::external(b, db.clone(), url.clone(), two.base.clone(), dir.clone());

        // The reminder job ran once, on one instance, and each of its mails went out once.
        let id: uuid::Uuid = obligation.parse().expect("uuid");
        let reminded = || async {
            reminder::Entity::find().filter(reminder::Column::ObligationId.eq(id)).count(&db).await.expect("count")
        };
        assert!(
            within_ten_seconds(|| async { reminded().await > 0 }).await,
            "{b:?}: the reminder due today (due day {due_day}) was sent; jobs: {}",
            jobs_text(&db).await
        );
        let pending = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
        assert!(within_ten_seconds(|| async { number(&db, pending).await == 0 }).await, "{b:?}: all mail went out");
        let sent = number(&db, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'").await;
        assert!(sent > 0, "{b:?}: the reminder's mails were among them");
        // A little longer, for a second sending of any mail to show.
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert_eq!(mail_files(&dir) as i64, sent, "{b:?}: one mail file per mail sent, none twice");
        let runs = number(&db, "SELECT runs FROM job WHERE name = 'report-reminders'").await;
        assert_eq!(runs, 1, "{b:?}: two instances started together; the reminders ran once");

        // A session made through one instance is good on the other (one cookie jar, one database).
        let agency = a.signed_in("admin@agency.example").await;
        let (status, _) = z.get_json(&agency, "/api/engagements").await;
        assert_eq!(status, 200, "{b:?}: signed in on both");

        // A change through one is seen through the other within the epoch follower's second.
        let work = "/api/report_work?filter[side]=review";
        let (_, before) = z.get_json(&agency, work).await;
        let mut second = common::csp_obligation_form(&engagement);
        second[4].1 = "2026-06";
        let (status, created) = a.call(&agency, "create_obligation", &second).await;
        assert_eq!(status, 200, "{created}");
        let created = created.as_str().expect("id").to_string();
        assert!(!before["obligations"].to_string().contains(&created), "the other instance had not listed it before");
        assert!(
            within_ten_seconds(|| async {
                z.get_json(&agency, work).await.1["obligations"].to_string().contains(&created)
            })
            .await,
            "{b:?}: the other instance lists the new obligation"
        );

        // A file uploaded through one downloads, byte for byte, through the other.
        let csp = a.signed_in("staff@csp.example").await;
        let fields = crate::reports::csp_fields("99.9");
        let (status, submitted) = a
            .submit(
                &csp,
                crate::reports::form(&obligation, "2026-10", "two-1", &fields, vec![("report.pdf", PDF.to_vec())]),
            )
            .await;
        assert_eq!(status, 200, "{b:?}: {submitted}");
        let sid = submitted["submission_id"].as_str().expect("id").to_string();
        let (status, view) = z.get_json(&agency, &format!("/api/submission?id={sid}")).await;
        assert_eq!(status, 200, "{view}");
        let file = view["versions"][0]["files"][0]["id"].as_str().expect("file id").to_string();
        let res = agency.get(z.url(&format!("/reports/files/{file}"))).send().await.expect("download");
        assert_eq!(res.status(), 200, "{b:?}");
        assert_eq!(res.bytes().await.expect("bytes").as_ref(), PDF, "{b:?}: the same bytes");

        // Every fleet job ran, each once so far at most per interval, and none is held by a
        // process that has gone.
        let jobs = number(&db, "SELECT COUNT(*) FROM job WHERE runs > 0").await;
        assert!(jobs >= 5, "{b:?}: the fleet jobs ran ({jobs})");
        let hourly = number(&db, "SELECT runs FROM job WHERE name = 'file-sweep'").await;
        assert_eq!(hourly, 1, "{b:?}: the hourly sweep ran once between the two");
        drop((one, two));
        std::fs::remove_dir_all(&dir).ok();
    }
}
