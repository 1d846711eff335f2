//! Test harness: a fresh database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL is
//! set), the real router on a loopback port, a client with a cookie jar, a clock tests can move.
#![allow(dead_code)]

pub mod world;

use std::{net::SocketAddr, sync::Arc};

use app::backend::{db, ManualClock};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value;
use server::config::Config;
use time::macros::datetime;

/// The audit chain's key in tests (the server's comes from its configuration).
pub const TEST_AUDIT_KEY: &[u8] = b"test-audit-key-of-thirty-two-bytes!!";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The databases every database test runs on.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        b.push(Backend::Postgres);
    }
    b
}

/// A new, empty database of the given kind, migrated.
pub async fn fresh_db(backend: Backend) -> (DatabaseConnection, String) {
    let url = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("portal-test-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            format!("sqlite://{}/portal.db?mode=rwc", dir.display())
        }
        Backend::Postgres => {
            let base = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
            let (server, run_db) = base.rsplit_once('/').expect("database URL with a database name");
            let run_db = run_db.split('?').next().unwrap_or(run_db);
            // Named after the run's database, so CI drops them all at the end.
            let name = format!("{run_db}_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
            let admin = db::connect(&base).await.expect("connect to TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            format!("{server}/{name}")
        }
    };
    let conn = db::connect(&url).await.expect("connect");
    Migrator::up(&conn, None).await.expect("migrate");
    app::audit::service::install_key(TEST_AUDIT_KEY);
    app::audit::service::ensure_keyed(&conn, time::OffsetDateTime::now_utc()).await.expect("audit key");
    (conn, url)
}

pub struct TestApp {
    pub base: String,
    /// The server's data directory (uploaded files are under `files/`).
    pub data_dir: std::path::PathBuf,
    pub db: DatabaseConnection,
    pub clock: Arc<ManualClock>,
    pub backend: Backend,
    /// The database's URL (to serve a second instance over it).
    pub db_url: String,
    caches: Arc<app::backend::epoch::Caches>,
}

pub struct Options {
    pub sign_in_per_minute: u32,
    /// Whether the database starts with the tests' world (`world.rs`) or empty.
    pub world: bool,
    pub public_url: Option<String>,
    /// `PORTAL_TRUSTED_PROXIES`.
    pub trusted_proxies: Option<String>,
    /// The machine API's requests per minute, per token and per address.
    pub api_per_minute: (u32, u32),
}

impl Default for Options {
    fn default() -> Self {
        Options {
            sign_in_per_minute: 1000,
            world: true,
            public_url: None,
            trusted_proxies: None,
            api_per_minute: (1_000_000, 1_000_000),
        }
    }
}

/// Writes the tests' world into an empty database as of `now`.
pub async fn build_world(db: &DatabaseConnection, now: time::OffsetDateTime) {
    let hash = app::auth::service::hash_password(world::PASSWORD).expect("hash");
    let txn = app::backend::db::write_txn(db).await.expect("transaction");
    let built = world::TEST_WORLD.write(&txn, now, hash).await.expect("write the test world");
    txn.commit().await.expect("commit the test world");
    world::TEST_WORLD.settle(db, now, &built).await.expect("settle the test world");
}

pub async fn spawn(backend: Backend) -> TestApp {
    spawn_with(backend, Options::default()).await
}

pub async fn spawn_with(backend: Backend, opts: Options) -> TestApp {
    // PORTAL_TEST_LOG=warn (a tracing filter) shows the servers' own log, e.g. stalled renders.
    if let Ok(filter) = std::env::var("PORTAL_TEST_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
    }
    let (db, url) = fresh_db(backend).await;
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-25 02:00 UTC)));
    if opts.world {
        build_world(&db, clock_now(&clock)).await;
    }
    serve(backend, db, url, clock, opts).await
}

impl TestApp {
    /// The router over a database a test has already filled.
    pub async fn over(backend: Backend, db: DatabaseConnection, url: String) -> TestApp {
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-25 02:00 UTC)));
        serve(backend, db, url, clock, Options::default()).await
    }
}

impl TestApp {
    /// A handle on a `portal serve` process of the test's own at `base`, over `db`.
    pub fn external(
        backend: Backend,
        db: DatabaseConnection,
        db_url: String,
        base: String,
        data_dir: std::path::PathBuf,
    ) -> TestApp {
        let clock = Arc::new(ManualClock::new(time::OffsetDateTime::now_utc()));
        TestApp { base, data_dir, db, clock, backend, db_url, caches: Arc::new(app::backend::epoch::Caches::default()) }
    }
}

async fn serve(
    backend: Backend,
    db: DatabaseConnection,
    url: String,
    clock: Arc<ManualClock>,
    opts: Options,
) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let public_url = opts.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let db_url = url.clone();
    let data_dir = std::env::temp_dir().join(format!("portal-data-{}", uuid::Uuid::new_v4().simple()));
    let vars = [
        ("PORTAL_DATA_DIR", data_dir.display().to_string()),
        ("PORTAL_PUBLIC_URL", public_url),
        ("PORTAL_DATABASE_URL", url),
        ("PORTAL_BIND", addr.to_string()),
        ("PORTAL_SIGNIN_PER_MINUTE", opts.sign_in_per_minute.to_string()),
        ("PORTAL_SITE_ROOT", std::env::temp_dir().display().to_string()),
        ("PORTAL_TRUSTED_PROXIES", opts.trusted_proxies.clone().unwrap_or_default()),
        ("PORTAL_API_PER_TOKEN_PER_MINUTE", opts.api_per_minute.0.to_string()),
        ("PORTAL_API_PER_ADDRESS_PER_MINUTE", opts.api_per_minute.1.to_string()),
    ];
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).expect("config");
    let state = server::app_state(db.clone(), clock.clone(), &config);
    let caches = state.caches.clone();
    server::follow_epoch(&state).await;
    app::backend::jobs::Scheduler::new(state.db.clone(), state.clock.clone())
        // Only the epoch follower: the tests run the other jobs themselves, when they mean to.
        .with([server::epoch_follow(&state)])
        .start();
    let router = server::router(state, server::leptos_options(&config));
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.ok();
    });
    TestApp { base: format!("http://{addr}"), data_dir, db, clock, backend, db_url, caches }
}

fn clock_now(clock: &ManualClock) -> time::OffsetDateTime {
    use app::backend::Clock;
    clock.now()
}

impl TestApp {
    /// Says that the test changed the database behind the server's back (as only the server's own
    /// requests do in use), so its caches read again.
    pub fn changed(&self) {
        self.caches.generation.bump();
    }

    /// The server's cache generation (it moves only when data a cached view reads changed).
    pub fn generation(&self) -> u64 {
        self.caches.generation.current()
    }

    /// Moves the clock the server reads.
    pub fn advance(&self, by: time::Duration) {
        self.clock.advance(by);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: cookie jar, no automatic redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        browser_client()
    }

    pub async fn sign_in(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        client
            .post(self.url("/login"))
            .header("origin", &self.base)
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .expect("sign-in request")
    }

    /// Posts a same-origin form, as a browser on the portal's own page does.
    pub async fn post_form(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client.post(self.url(path)).header("origin", &self.base).form(form).send().await.expect("post")
    }

    /// Posts a same-origin form with one header more (a fetch-metadata header, a forwarded
    /// address, a crafted user agent).
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        (name, value): (&str, &str),
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", &self.base)
            .header(name, value)
            .form(form)
            .send()
            .await
            .expect("post")
    }

    /// A GET asking for JSON: the status and the body (parsed, or the text as a JSON string).
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> (u16, Value) {
        json(client.get(self.url(path)).header("accept", "application/json").send().await.expect("get")).await
    }

    /// Calls a server function by POST as the hydrated app does (JSON back).
    pub async fn call(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        json(
            client
                .post(self.url(&format!("/api/{name}")))
                .header("origin", &self.base)
                .header("accept", "application/json")
                .form(form)
                .send()
                .await
                .expect("post"),
        )
        .await
    }

    /// Posts a report's multipart form as the browser's page does (JSON back).
    pub async fn submit(&self, client: &reqwest::Client, form: reqwest::multipart::Form) -> (u16, Value) {
        json(
            client
                .post(self.url("/reports/submit"))
                .header("origin", &self.base)
                .header("accept", "application/json")
                .multipart(form)
                .send()
                .await
                .expect("submit"),
        )
        .await
    }

    /// The body of a GET as text.
    pub async fn get_text(&self, client: &reqwest::Client, path: &str) -> String {
        client.get(self.url(path)).send().await.expect("get").text().await.expect("text")
    }

    /// The message the sign-in page shows this client once, after a refused sign-in (it comes
    /// through the session, not the address).
    pub async fn sign_in_message(&self, client: &reqwest::Client) -> String {
        let html = self.get_text(client, "/login").await;
        let Some((_, after)) = html.split_once("data-test=\"signin-error\"") else {
            return String::new();
        };
        let text = after.split_once('>').map(|(_, t)| t).unwrap_or_default();
        text.split("</div>").next().unwrap_or_default().to_string()
    }

    /// A signed-in client for an account of the tests' world.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        self.signed_in_with(email, world::PASSWORD).await
    }

    /// A signed-in client for an account of another world (the generated one's password is the
    /// demo's).
    pub async fn signed_in_with(&self, email: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let res = self.sign_in(&c, email, password).await;
        assert_eq!(res.status(), 303, "sign-in of {email}");
        c
    }

    pub fn now(&self) -> time::OffsetDateTime {
        clock_now(&self.clock)
    }

    /// Whether no upload's temporary file is left in the store.
    pub fn state_files_tmp_empty(&self) -> bool {
        std::fs::read_dir(self.data_dir.join("files").join("tmp")).map(|mut d| d.next().is_none()).unwrap_or(true)
    }
}

/// A browser-like client of no app in particular: cookie jar, no automatic redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // A response that never comes fails the test instead of hanging the run.
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .expect("client")
}

/// A response header's text ("" when absent or not text).
pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

pub fn location(res: &reqwest::Response) -> String {
    header(res, "location")
}

pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portal_session="))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
}

/// The smallest files each type check accepts.
pub const PDF: &[u8] =
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// A response's status and body (parsed JSON, or the text as a JSON string).
pub async fn json(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body = res.text().await.expect("body");
    (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
}

/// Runs one SQL statement, failing the test if it fails.
pub async fn exec<C: ConnectionTrait>(db: &C, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_string())).await.expect(sql);
}

/// What someone who can write the database does first: drop the audit trail's append-only triggers.
pub async fn drop_guards<C: ConnectionTrait>(db: &C) {
    let statements: &[&str] = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        &["DROP TRIGGER audit_log_no_update ON audit_log", "DROP TRIGGER audit_log_no_truncate ON audit_log"]
    } else {
        &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
    };
    for sql in statements {
        exec(db, sql).await;
    }
}

/// The id of the one row of `table` whose `column` is `value` (a person by email, an
/// organisation by name).
pub async fn id_where<C: ConnectionTrait>(db: &C, table: &str, column: &str, value: &str) -> uuid::Uuid {
    let backend = db.get_database_backend();
    let param = if backend == sea_orm::DbBackend::Postgres { "$1" } else { "?" };
    db.query_one_raw(Statement::from_sql_and_values(
        backend,
        format!("SELECT id FROM {table} WHERE {column} = {param}"),
        [value.into()],
    ))
    .await
    .expect("query")
    .unwrap_or_else(|| panic!("no {table} with {column} = {value}"))
    .try_get::<uuid::Uuid>("", "id")
    .expect("id")
}

/// The one number a query gives (a count).
pub async fn number<C: ConnectionTrait>(db: &C, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_string()))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

/// How many rows `table` holds.
pub async fn count<C: ConnectionTrait>(db: &C, table: &str) -> i64 {
    number(db, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// A person's id by email.
pub async fn person_id<C: ConnectionTrait>(db: &C, email: &str) -> String {
    id_where(db, "person", "email", email).await.to_string()
}

/// The demo agency's active engagement with its CSP (示范云计算有限公司), as its administrator lists it.
pub async fn csp_engagement(app: &TestApp, agency: &reqwest::Client) -> String {
    let (status, list) = app.get_json(agency, "/api/engagements").await;
    assert_eq!(status, 200, "{list}");
    list["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["role"] == "Csp" && r["status"] == "Active" && r["provider_name"] == world::name_of("csp"))
        .and_then(|r| r["id"].as_str())
        .expect("agency ↔ csp engagement")
        .to_string()
}

/// The form that sets a monthly CSP report obligation, due on the 10th, from 2026-01 on, on an
/// engagement.
pub fn csp_obligation_form(engagement: &str) -> [(&'static str, &str); 6] {
    [
        ("kind", "csp_monthly"),
        ("engagement_id", engagement),
        ("cadence", "monthly"),
        ("due_day", "10"),
        ("first_period", "2026-01"),
        ("last_period", ""),
    ]
}
