//! The portal's server: configuration, router with its middleware, and the command-line tasks.
pub mod api;
pub mod config;
pub mod mail;
pub mod middleware;
pub mod tasks;

use std::{sync::Arc, time::Duration};

use app::{
    backend::{session_store::DbSessionStore, AppSettings, AppState, Clock},
    shell, App,
};
use axum::{
    extract::FromRef,
    middleware::from_fn_with_state,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
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
        ("POST", "/logout", post(app::auth::http::sign_out)),
        ("POST", "/account/password", post(app::auth::http::change_password)),
        ("POST", "/locale", post(app::auth::http::set_locale)),
        ("POST", "/account/preferences", post(app::auth::http::set_preferences)),
        ("GET", "/audit/export.csv", get(app::audit::http::export_csv)),
        ("GET", "/websites/export.csv", get(app::tenancy::http::export_websites_csv)),
        (
            "POST",
            "/reports/submit",
            post(app::reports::http::submit_form)
                .layer(axum::extract::DefaultBodyLimit::max(app::reports::http::MAX_REQUEST_BYTES)),
        ),
        ("GET", "/reports/files/{id}", get(app::reports::http::download)),
        ("GET", "/reports/export.csv", get(app::reports::http::export_work_csv)),
        ("GET", "/reports/matrix.csv", get(app::reports::http::export_matrix_csv)),
        ("GET", "/healthz", get(|| async { "ok" })),
        ("GET", "/favicon.ico", get(|| async { axum::response::Redirect::permanent("/pkg/favicon.svg") })),
    ]
}

/// The whole router: pages, server functions, forms, assets, and every middleware.
pub fn router(state: AppState, leptos: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
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
        .route_layer(axum::middleware::from_fn(middleware::retry_stalled_render));
    router
        .nest("/api/v1", api::router())
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .with_state(server_state)
        .layer(from_fn_with_state(state.clone(), middleware::page_cache))
        .layer(from_fn_with_state(state.clone(), middleware::resolve_actor))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), middleware::publish_changes))
        .layer(from_fn_with_state(state.clone(), middleware::refuse_cross_origin))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), middleware::request_meta))
}

/// Sends the report reminders due today, every ten minutes (each goes out once, whichever
/// server instance gets to it first).
pub fn spawn_report_reminders(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) =
                app::reports::service::send_reminders(&state.db, state.clock.now(), &state.settings.default_time_zone)
                    .await
            {
                tracing::warn!(error = %e, "could not send report reminders");
            }
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
}

/// Follows the database epoch once a second, so changes made by another instance (or a command
/// line tool) reach this one's caches. Await it before serving: the first epoch is read here, so
/// a change made after any cached read is always seen as a change.
pub async fn spawn_epoch_follower(state: AppState) {
    if let Err(e) = state.caches.follow(&state.db).await {
        tracing::warn!(error = %e, "could not read the data epoch");
    }
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Err(e) = state.caches.follow(&state.db).await {
                tracing::warn!(error = %e, "could not read the data epoch");
            }
        }
    });
}

/// How long stored bytes may sit unreferenced, and a partial upload untouched, before the
/// sweeper removes them: far longer than any transaction or upload stalls.
pub const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// Sweeps the file store at start (a crash's partial uploads) and every hour after.
pub fn spawn_file_sweeper(state: AppState) {
    tokio::spawn(async move {
        loop {
            let db = state.db.clone();
            let result = state
                .files
                .sweep(SWEEP_GRACE, |sha| {
                    let db = db.clone();
                    async move { app::reports::scope::bytes_referenced(&db, &sha).await.map_err(std::io::Error::other) }
                })
                .await;
            match result {
                Ok(s) if s.files + s.partial_uploads > 0 => {
                    tracing::info!(files = s.files, partial_uploads = s.partial_uploads, "file store swept")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not sweep the file store"),
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
}

/// Anchors the audit chain's head under the data directory once a second when it has moved (see
/// `app::audit::anchor`), so rows cut off the tail cannot go unnoticed.
pub fn spawn_audit_anchor(state: AppState) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = app::audit::anchor::record(&state.db, &state.settings.data_dir).await {
                tracing::warn!(error = %e, "could not anchor the audit chain's head");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

/// Hands the memory freed after a burst of requests back to the system once the server has been
/// quiet for three seconds. glibc keeps freed memory in its arenas for reuse: measured after the
/// benchmark on SQLite, 100 MB resident before a trim and 62 MB after (23–30 MB of it the
/// program's own code).
pub fn spawn_memory_trimmer(caches: std::sync::Arc<app::backend::epoch::Caches>, db: sea_orm::DatabaseConnection) {
    tokio::spawn(async move {
        // Start-up (the first reads, the first reminder pass) leaves freed memory behind too:
        // 16 MB on the 2,000-agency SQLite database, so the first quiet moment trims as well.
        let mut seen = middleware::requests_seen();
        let mut busy = true;
        let mut quiet = 0;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = middleware::requests_seen();
            if now != seen {
                (seen, busy, quiet) = (now, true, 0);
                continue;
            }
            quiet += 1;
            if busy && quiet >= 3 {
                busy = false;
                // What an earlier generation read can never be served again.
                caches.drop_stale();
                // SQLite's page caches first: what they free goes back to glibc, then to the system.
                app::backend::db::release_idle_memory(&db).await;
                let _ = tokio::task::spawn_blocking(release_freed_memory).await;
            }
        }
    });
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

/// Deletes expired sessions every ten minutes.
pub fn spawn_session_sweeper(state: AppState) {
    tokio::spawn(async move {
        let store = DbSessionStore::new(state.db.clone(), state.caches.clone());
        let mut minutes = 0u32;
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            minutes += 1;
            // One-time secrets never shown (the redirect's page was never loaded) go within minutes.
            let now = time::OffsetDateTime::now_utc();
            if let Err(e) = store.drop_unshown_secrets(now, SESSION_INACTIVITY, SECRET_SHOWN_WITHIN).await {
                tracing::warn!(error = %e, "could not clear unshown secrets from sessions");
            }
            if minutes.is_multiple_of(10) {
                if let Err(e) = store.delete_expired(state.clock.now()).await {
                    tracing::warn!(error = %e, "could not sweep expired sessions");
                }
            }
        }
    });
}
