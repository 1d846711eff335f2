//! The portal's server: configuration, router with its middleware, and the command-line tasks.
pub mod api;
pub mod config;
pub mod mail;
pub mod middleware;

use std::{sync::Arc, time::Duration};

use app::{
    backend::{session_store::DbSessionStore, AppSettings, AppState, Clock},
    shell, App,
};
use axum::{
    extract::FromRef,
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sea_orm::DatabaseConnection;
use tower_http::services::ServeDir;
use tower_sessions::{
    cookie::{time::Duration as CookieDuration, SameSite},
    Expiry, SessionManagerLayer,
};

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
        },
    )
}

/// The whole router: pages, server functions, forms, assets, and every middleware.
pub fn router(state: AppState, leptos: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let pkg_dir = format!("{}/{}", leptos.site_root, leptos.site_pkg_dir);
    let server_state = ServerState {
        app: state.clone(),
        leptos: leptos.clone(),
    };
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
        .with_expiry(Expiry::OnInactivity(CookieDuration::minutes(30)));
    Router::new()
        .route("/login", post(app::auth::http::sign_in))
        .route("/logout", post(app::auth::http::sign_out))
        .route("/account/password", post(app::auth::http::change_password))
        .route("/locale", post(app::auth::http::set_locale))
        .route("/account/preferences", post(app::auth::http::set_preferences))
        .route("/audit/export.csv", get(app::audit::http::export_csv))
        .route("/websites/export.csv", get(app::tenancy::http::export_websites_csv))
        .route(
            "/reports/submit",
            post(app::reports::http::submit_form).layer(axum::extract::DefaultBodyLimit::max(
                app::reports::http::MAX_REQUEST_BYTES,
            )),
        )
        .route("/reports/files/{id}", get(app::reports::http::download))
        .route("/reports/export.csv", get(app::reports::http::export_work_csv))
        .route("/reports/matrix.csv", get(app::reports::http::export_matrix_csv))
        .nest("/api/v1", api::router())
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/pkg/favicon.svg") }),
        )
        .nest_service("/pkg", ServeDir::new(pkg_dir).precompressed_gzip())
        .leptos_routes_with_context(&server_state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(
            context, shell,
        ))
        .with_state(server_state)
        .layer(from_fn_with_state(state.clone(), middleware::page_cache))
        .layer(from_fn_with_state(state.clone(), middleware::resolve_actor))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), middleware::publish_changes))
        .layer(from_fn_with_state(state.clone(), middleware::refuse_cross_origin))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(from_fn(middleware::request_meta))
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
    // Unreadable now: the first epoch read later moves the generation, to be safe.
    let mut seen = app::backend::epoch::current(&state.db).await.ok();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match app::backend::epoch::current(&state.db).await {
                Ok(now) => {
                    if seen.as_ref() != Some(&now) {
                        state.caches.generation.bump();
                    }
                    seen = Some(now);
                }
                Err(e) => tracing::warn!(error = %e, "could not read the data epoch"),
            }
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
        loop {
            tokio::time::sleep(Duration::from_secs(600)).await;
            if let Err(e) = store.delete_expired(state.clock.now()).await {
                tracing::warn!(error = %e, "could not sweep expired sessions");
            }
        }
    });
}
