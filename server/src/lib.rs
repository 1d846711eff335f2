//! The portal's server: configuration, router with its middleware, and the command-line tasks.
pub mod api;
pub mod config;
pub mod mail;
pub mod middleware;
pub mod tasks;

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use app::{
    backend::{
        jobs::{Job, Ran, Scheduler},
        session_store::DbSessionStore,
        AppSettings, AppState, Clock,
    },
    shell, App,
};
use axum::{
    extract::FromRef,
    middleware::from_fn_with_state,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sea_orm::DatabaseConnection;
use tower_http::services::ServeDir;
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use crate::{config::Config, middleware::CspNonce};

#[derive(Clone)]
pub struct ServerState {
    pub app: AppState,
    pub leptos: LeptosOptions,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.leptos.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(s: &ServerState) -> Self {
        s.app.clone()
    }
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("portal")
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build()
}

pub fn app_state(db: DatabaseConnection, clock: Arc<dyn Clock>, config: &Config) -> AppState {
    AppState::new(
        db,
        clock,
        AppSettings {
            public_base_url: config.public_base_url.clone(),
            default_time_zone: config.time_zone.clone(),
            sign_in_per_minute: config.sign_in_per_minute,
            api_per_token_per_minute: config.api_per_token_per_minute,
            api_per_address_per_minute: config.api_per_address_per_minute,
            data_dir: config.data_dir.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
    )
}

/// A session ends after this long without a request.
pub const SESSION_INACTIVITY: time::Duration = time::Duration::minutes(30);
/// A one-time secret in a flash message is taken by the page the redirect leads to; one still
/// in a session this long after it was saved was never shown, and is removed.
pub const SECRET_SHOWN_WITHIN: time::Duration = time::Duration::minutes(2);

/// The plain axum routes — neither pages, server functions nor the machine API: forms that post
/// without JavaScript, downloads, exports, uploads. The router is built from this list and the
/// access matrix walks it, so no route can be added without its row there.
pub fn plain_routes() -> Vec<(&'static str, &'static str, axum::routing::MethodRouter<ServerState>)> {
    vec![
        ("POST", "/login", post(app::auth::http::sign_in)),
        ("POST", "/login/code", post(app::auth::http::sign_in_code)),
        ("POST", "/logout", post(app::auth::http::sign_out)),
        ("POST", "/account/password", post(app::auth::http::change_password)),
        ("POST", "/locale", post(app::auth::http::set_locale)),
        ("POST", "/account/preferences", post(app::auth::http::set_preferences)),
        ("GET", "/audit/export.csv", get(app::audit::http::export_csv)),
        ("GET", "/websites/export.csv", get(app::tenancy::http::export_websites_csv)),
        ("POST", "/reports/submit", middleware::upload(post(app::reports::http::submit_form))),
        ("GET", "/reports/files/{id}", get(app::reports::http::download)),
        ("GET", "/reports/export.csv", get(app::reports::http::export_work_csv)),
        ("GET", "/reports/matrix.csv", get(app::reports::http::export_matrix_csv)),
        ("GET", "/rosters/overview.csv", get(app::rosters::http::export_overview_csv)),
        ("GET", "/rosters/{id}/hours.csv", get(app::rosters::http::export_hours_csv)),
        ("GET", "/calendar/{token}", get(app::rosters::http::calendar_feed)),
        ("GET", "/emergency/drills.csv", get(app::plans::http::export_drill_overview_csv)),
        ("GET", "/incidents/export.csv", get(app::plans::http::export_incidents_csv)),
        ("GET", "/changes/{id}/export.json", get(app::changes::http::export_notice_json)),
        ("POST", "/changes/{id}/files", middleware::upload(post(app::changes::http::upload_form))),
        ("GET", "/changes/files/{id}", get(app::changes::http::download)),
        ("GET", "/sla/export.csv", get(app::sla::http::export_list_csv)),
        ("GET", "/sla/{id}/months.csv", get(app::sla::http::export_months_csv)),
        ("GET", "/sla/{id}/records.csv", get(app::sla::http::export_records_csv)),
        ("GET", "/sla/{id}/measures.csv", get(app::sla::http::export_measures_csv)),
        ("GET", "/exits/export.csv", get(app::exit::http::export_csv)),
        ("GET", "/oversight/export.csv", get(app::oversight::http::export_csv)),
        ("GET", "/organisation/archive.zip", get(app::portability::http::download)),
        ("POST", "/exits/{id}/items", middleware::upload(post(app::exit::http::add_item))),
        ("POST", "/exits/{id}/items/{item}", middleware::upload(post(app::exit::http::correct_item))),
        ("POST", "/exits/{id}/items/{item}/verify", middleware::upload(post(app::exit::http::verify_item))),
        ("GET", "/exits/files/{id}", get(app::exit::http::download)),
        ("GET", "/healthz", get(|| async { "ok" })),
        ("GET", "/favicon.ico", get(|| async { axum::response::Redirect::permanent("/pkg/favicon.svg") })),
    ]
}

/// The renderer's routes, generated once per process. Generating them runs the app with every
/// resource load suppressed by a flag that is global to the process (leptos#4773): a page whose
/// resource first polls meanwhile, in any router of the process, never finishes. Generated once,
/// before the first router exists, they leave no render to catch.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole router: pages, server functions, forms, assets, and every middleware.
pub fn router(state: AppState, leptos: LeptosOptions) -> Router {
    let routes = route_list();
    let pkg_dir = format!("{}/{}", leptos.site_root, leptos.site_pkg_dir);
    let server_state = ServerState { app: state.clone(), leptos: leptos.clone() };
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // The response's CSP nonce, for the hydration scripts.
            if let Some(nonce) =
                use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned())
            {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0));
            }
        }
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone(), state.caches.clone()))
        .with_name("portal_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_INACTIVITY));
    let mut router = Router::new();
    for (_, path, handler) in plain_routes() {
        router = router.route(path, handler);
    }
    // The renderer's routes (leptos_axum adds the server functions here too; a GET one is a read and
    // may be retried like a page, a POST is passed through). The API and plain routes are not here.
    let pages = Router::new()
        .leptos_routes_with_context(&server_state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .route_layer(axum::middleware::from_fn(middleware::retry_stalled_render))
        .route_layer(axum::middleware::from_fn(middleware::drop_empty_params));
    router
        .nest(
            "/api/v1",
            api::router()
                .layer(axum::middleware::from_fn(api::problems_only))
                .layer(from_fn_with_state(state.clone(), api::limit)),
        )
        // A path that ends at the API's root (`/api/v1/x/..` once its dots are resolved).
        .route("/api/v1/", axum::routing::any(api::not_found))
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .with_state(server_state)
        .layer(from_fn_with_state(state.clone(), middleware::page_cache))
        .layer(from_fn_with_state(state.clone(), middleware::resolve_actor))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), middleware::publish_changes))
        .layer(from_fn_with_state(state.clone(), middleware::refuse_cross_origin))
        .layer(axum::middleware::from_fn(middleware::refuse_nul))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), middleware::request_meta))
        .layer(axum::middleware::from_fn(middleware::linger))
}

/// Every periodic job of the portal, for one scheduler (`app::backend::jobs`): the fleet jobs run
/// once across instances under the job row's claim, the instance jobs on each instance. A module
/// with jobs of its own adds its `jobs(&state)` here.
pub fn jobs(state: &AppState, transport: Arc<mail::Transport>, from: lettre::message::Mailbox) -> Vec<Job> {
    let mut jobs = vec![
        mail::job(state, transport, from),
        file_sweep(state),
        audit_anchor(state),
        session_secrets(state),
        session_expiry(state),
        epoch_follow(state),
        memory_trim(state),
        limits_sweep(state),
    ];
    jobs.extend(app::reports::jobs::jobs(state));
    jobs.extend(app::rosters::jobs::jobs(state));
    jobs.extend(app::plans::jobs::jobs(state));
    jobs.extend(app::changes::jobs::jobs(state));
    jobs.extend(app::sla::jobs::jobs(state));
    jobs.extend(app::exit::jobs::jobs(state));
    jobs.extend(app::digest::jobs::jobs(state));
    jobs
}

/// Starts the scheduler with every job. Await [`follow_epoch`] first.
pub fn start_jobs(state: &AppState, transport: Arc<mail::Transport>, from: lettre::message::Mailbox) -> String {
    let scheduler = Scheduler::new(state.db.clone(), state.clock.clone()).with(jobs(state, transport, from));
    let instance = scheduler.instance().to_string();
    scheduler.start();
    instance
}

/// Reads the database epoch once before serving: a change made after any cached read is then
/// always seen as a change. The `epoch-follow` job reads it every second after.
pub async fn follow_epoch(state: &AppState) {
    if let Err(e) = state.caches.follow(&state.db).await {
        tracing::warn!(error = %e, "could not read the data epoch");
    }
}

/// Follows the data epoch once a second, so changes made by another instance (or a command line
/// tool) reach this one's caches within a second.
pub fn epoch_follow(state: &AppState) -> Job {
    let (caches, db) = (state.caches.clone(), state.db.clone());
    Job::instance("epoch-follow", Duration::from_secs(1), move |_| {
        let (caches, db) = (caches.clone(), db.clone());
        async move { caches.follow(&db).await.map(|_| Ran::Done).map_err(|e| e.to_string()) }
    })
}

/// How long stored bytes may sit unreferenced, and a partial upload untouched, before the
/// sweeper removes them: far longer than any transaction or upload stalls.
pub const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// Sweeps the file store (a crash's partial uploads, bytes no row refers to) every hour, the first
/// time at start. Instances share the store (one data directory), so one sweep serves all.
fn file_sweep(state: &AppState) -> Job {
    let (files, db) = (state.files.clone(), state.db.clone());
    Job::fleet("file-sweep", Duration::from_secs(3600), move |_| {
        let (files, db) = (files.clone(), db.clone());
        async move {
            let s = files
                .sweep(SWEEP_GRACE, |sha| {
                    let db = db.clone();
                    async move {
                        // Bytes are kept while a report's, a change notice's or an exit item's file names them.
                        let kept = app::reports::scope::bytes_referenced(&db, &sha)
                            .await
                            .map_err(std::io::Error::other)?
                            || app::changes::scope::bytes_referenced(&db, &sha).await.map_err(std::io::Error::other)?
                            || app::exit::scope::bytes_referenced(&db, &sha).await.map_err(std::io::Error::other)?;
                        Ok(kept)
                    }
                })
                .await
                .map_err(|e| e.to_string())?;
            if s.files + s.partial_uploads > 0 {
                tracing::info!(files = s.files, partial_uploads = s.partial_uploads, "file store swept");
            }
            Ok(Ran::Done)
        }
    })
}

/// Anchors the audit chain's head under the data directory once a second when it has moved (see
/// `app::audit::anchor`), so rows cut off the tail cannot go unnoticed. A fleet job: instances
/// share the data directory, and one writer keeps the anchors in order.
fn audit_anchor(state: &AppState) -> Job {
    let (db, dir) = (state.db.clone(), state.settings.data_dir.clone());
    Job::fleet("audit-anchor", Duration::from_secs(1), move |_| {
        let (db, dir) = (db.clone(), dir.clone());
        async move { app::audit::anchor::record(&db, &dir).await.map(|_| Ran::Done).map_err(|e| e.to_string()) }
    })
}

/// Hands the memory freed after a burst of requests back to the system once the server has been
/// quiet for three seconds. glibc keeps freed memory in its arenas for reuse: measured after the
/// benchmark on SQLite, 100 MB resident before a trim and 62 MB after (23–30 MB of it the
/// program's own code).
fn memory_trim(state: &AppState) -> Job {
    use std::sync::{Mutex, PoisonError};
    let (caches, db) = (state.caches.clone(), state.db.clone());
    // (requests seen, busy since the last trim, quiet seconds). Start-up (the first reads, the
    // first reminder pass) leaves freed memory behind too: 16 MB on the 2,000-agency SQLite
    // database, so the first quiet moment trims as well.
    let seen = Arc::new(Mutex::new((middleware::requests_seen(), true, 0u32)));
    Job::instance("memory-trim", Duration::from_secs(1), move |_| {
        let (caches, db, seen) = (caches.clone(), db.clone(), seen.clone());
        async move {
            let trim = {
                let mut s = seen.lock().unwrap_or_else(PoisonError::into_inner);
                let now = middleware::requests_seen();
                if now != s.0 {
                    *s = (now, true, 0);
                    false
                } else {
                    s.2 += 1;
                    let trim = s.1 && s.2 >= 3;
                    if trim {
                        s.1 = false;
                    }
                    trim
                }
            };
            if trim {
                // What an earlier generation read can never be served again.
                caches.drop_stale();
                // SQLite's page caches first: what they free goes back to glibc, then to the system.
                app::backend::db::release_idle_memory(&db).await;
                let _ = tokio::task::spawn_blocking(release_freed_memory).await;
            }
            Ok(Ran::Done)
        }
    })
}

/// Keeps the large buffers of a streamed upload (hyper's and the multipart parser's, a few hundred
/// KB each) in glibc's heap for reuse instead of mapping fresh pages for each: measured over three
/// 200 MB uploads, 66,644 page faults became 4,113 and the server's CPU time fell by 15 %. The
/// freed heap that this keeps during a burst goes back to the system in the next quiet moment
/// (the memory trimmer).
pub fn tune_allocator() {
    // SAFETY: mallopt only sets glibc's allocator parameters, under its own lock.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 8 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}

/// Returns the heap memory glibc holds free to the system (elsewhere, nothing to do).
fn release_freed_memory() {
    // SAFETY: malloc_trim only walks glibc's own arenas under their locks; it may be called from
    // any thread at any time.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Clears one-time secrets never shown (the redirect's page was never loaded) every minute.
fn session_secrets(state: &AppState) -> Job {
    let store = DbSessionStore::new(state.db.clone(), state.caches.clone());
    Job::fleet("session-secrets", Duration::from_secs(60), move |_| {
        let store = store.clone();
        async move {
            // The wall clock, as the sessions' own expiry reads it.
            let now = time::OffsetDateTime::now_utc();
            store
                .drop_unshown_secrets(now, SESSION_INACTIVITY, SECRET_SHOWN_WITHIN)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Ran::Done)
        }
    })
}

/// Deletes expired sessions every ten minutes.
/// Forgets idle keys of the sign-in and API limiters each minute, so addresses and made-up tokens
/// seen once do not stay in memory.
fn limits_sweep(state: &AppState) -> Job {
    let (sign_in, audit, api) =
        (state.sign_in_limiter.clone(), state.rate_limit_audit.clone(), state.api_limits.clone());
    Job::instance("limits-sweep", Duration::from_secs(60), move |_| {
        for l in [&sign_in, &audit] {
            l.retain_recent();
            l.shrink_to_fit();
        }
        api.sweep();
        async { Ok(Ran::Done) }
    })
}

fn session_expiry(state: &AppState) -> Job {
    let store = DbSessionStore::new(state.db.clone(), state.caches.clone());
    let db = state.db.clone();
    Job::fleet("session-expiry", Duration::from_secs(600), move |now| {
        let (store, db) = (store.clone(), db.clone());
        async move {
            store.delete_expired(now).await.map_err(|e| e.to_string())?;
            // The rows people see on their security page follow: idle or too old, ended.
            app::auth::sessions::expire(&db, now).await.map_err(|e| e.to_string())?;
            Ok(Ran::Done)
        }
    })
}
