//! Request middleware: request ids and panics, security headers with the CSP nonce, the
//! cross-origin refusal, and resolving the Actor, language and page guard from the session.
use std::{
    net::SocketAddr,
    panic::AssertUnwindSafe,
    sync::atomic::{AtomicU64, Ordering},
};

use app::{
    auth::actor::Resolution,
    auth::http::{simple_page, urlencode, LOCALE_COOKIE},
    backend::{request::RequestMeta, AppState},
    i18n::{Locale, Msg},
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use base64::Engine as _;
use futures::FutureExt;
use rand::RngCore;
use tower_sessions::Session;

/// The nonce that this response's Content-Security-Policy allows scripts with.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Requests received since start (the memory trimmer's sign of a burst).
static REQUESTS: AtomicU64 = AtomicU64::new(0);

pub fn requests_seen() -> u64 {
    REQUESTS.load(Ordering::Relaxed)
}

/// A path as it may be written to a log: an invitation link's token is a secret (whoever has it
/// sets the invited person's password), so it is cut out.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/invite/") {
        Some(_) => "/invite/…".to_string(),
        None => path.to_string(),
    }
}

/// Gives each request an id and metadata; turns a panic into a 500 that shows only the id.
pub async fn request_meta(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
    let request_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    // Behind a trusted reverse proxy the client is named by its forwarding headers.
    let source_addr = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| {
        app::backend::request::client_addr(c.0.ip(), req.headers(), &state.settings.trusted_proxies).to_string()
    });
    let user_agent =
        req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(400).collect());
    let meta = RequestMeta { request_id: request_id.clone(), source_addr, user_agent };
    req.extensions_mut().insert(meta);
    let method = req.method().clone();
    let path = loggable_path(req.uri().path());
    let span = tracing::info_span!("request", id = %request_id, %method, %path);
    let _enter = span.enter();
    drop(_enter);
    let result = AssertUnwindSafe(next.run(req)).catch_unwind().await;
    let mut res = match result {
        Ok(res) => res,
        Err(panic) => {
            let detail = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!(request_id, %method, %path, detail, "handler panicked");
            let text = format!("{} {request_id}", Msg::ErrInternal.text(Locale::Zh));
            (StatusCode::INTERNAL_SERVER_ERROR, simple_page(Locale::Zh, &text, "/")).into_response()
        }
    };
    if res.status().is_server_error() {
        tracing::warn!(request_id, %method, %path, status = res.status().as_u16(), "server error");
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// After a request that may have changed something, looks at the data epoch (one read of one
/// row) and moves the generation if a service moved the epoch in a committed transaction, so
/// this instance's next read is fresh at once (others follow within a second). A request that
/// changed nothing a cached view reads — an anonymous `POST /locale`, a sign-out, a refused form,
/// a 404 — moves nothing, and keeps every cache warm.
pub async fn publish_changes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let res = next.run(req).await;
    if !safe {
        if let Err(e) = state.caches.follow(&state.db).await {
            tracing::warn!(error = %e, "could not read the data epoch");
        }
    }
    res
}

/// How long a page render may go without finishing before it is started again, attempt by
/// attempt; the last attempt has no limit, so a page that is merely slow is never refused.
const RENDER_ATTEMPT_LIMITS: [std::time::Duration; 2] =
    [std::time::Duration::from_secs(8), std::time::Duration::from_secs(16)];

/// Renders a page again when a render stalls. Leptos 0.8.23's server renderer, on a
/// multi-threaded runtime, now and then never finishes a page whose `<Suspense>` waits on a
/// resource that has in fact loaded (a lost wake-up between parallel Suspense boundaries, the
/// class of leptos#4851; measured here: about 1 page in 17,000 under parallel load, with no CPU
/// used and every database connection idle). A page is a read, so rendering it again is safe,
/// and the new render does not share the stalled one's reactive state. (The other known stall,
/// a render caught by a route-list generation in the same process, is closed in `route_list`.)
pub async fn retry_stalled_render(req: Request, next: Next) -> Response {
    render_within(&RENDER_ATTEMPT_LIMITS, req, next).await
}

async fn render_within(limits: &[std::time::Duration], req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    // A GET's body is empty (hyper gives it none), so the request can be rebuilt for each attempt.
    let (parts, _body) = req.into_parts();
    let path = loggable_path(parts.uri.path());
    for (attempt, limit) in limits.iter().enumerate() {
        let req = Request::from_parts(parts.clone(), axum::body::Body::empty());
        match tokio::time::timeout(*limit, next.clone().run(req)).await {
            Ok(res) => return res,
            Err(_) => tracing::warn!(path, attempt = attempt + 1, "a page render stalled; rendering it again"),
        }
    }
    next.run(Request::from_parts(parts, axum::body::Body::empty())).await
}

/// A page's address with a filter's empty fields (`/reports?side=&q=`, what a plain GET form
/// sends without the wasm) is sent on to its clean form, so an address reads only what was chosen
/// and the same filter has one address. (The hydrated forms leave empty fields out themselves.)
pub async fn drop_empty_params(req: Request, next: Next) -> Response {
    if req.method() == Method::GET && !req.uri().path().starts_with("/api/") {
        if let Some(query) = req.uri().query() {
            let kept: Vec<&str> =
                query.split('&').filter(|p| p.split_once('=').is_some_and(|(_, v)| !v.is_empty())).collect();
            if kept.len() != query.split('&').count() {
                let clean = if kept.is_empty() {
                    req.uri().path().to_string()
                } else {
                    format!("{}?{}", req.uri().path(), kept.join("&"))
                };
                return axum::response::Redirect::to(&clean).into_response();
            }
        }
    }
    next.run(req).await
}

/// Pages a person reloads more than they change: served again from memory while nothing has
/// changed (the generation stands), for the same person, language, address and day, and where a
/// page also moves with the clock (the incidents' time to report), for at most the seconds given.
/// Never a page with a one-time form key, a waiting flash message, or the platform's (whose outbox
/// moves by itself). A `{id}` segment stands for any UUID.
const CACHED_PAGES: [(&str, Option<i64>); 10] = [
    ("/", None),
    ("/reports", None),
    ("/reports/matrix", None),
    ("/websites", None),
    ("/emergency", None),
    ("/incidents", Some(15)),
    // A notice's deadlines turn overdue with the clock (a decision pending past the planned start).
    ("/changes", Some(60)),
    // SLA's list and reports judge the month in progress to date.
    ("/sla", Some(60)),
    ("/sla/{id}/report", Some(60)),
    ("/sla/{id}/year", Some(60)),
];

/// Whether `path` is the page `pattern` names.
fn page_matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some("{id}"), Some(seg)) if uuid::Uuid::parse_str(seg).is_ok() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}
/// Stands in for the script nonce in a kept page; each answer gets its own nonce.
const NONCE_MARK: &str = "@@portal-nonce@@";
/// The largest page kept.
const MAX_CACHED_PAGE: usize = 4 * 1024 * 1024;

pub async fn page_cache(State(state): State<AppState>, session: Session, req: Request, next: Next) -> Response {
    let actor = req.extensions().get::<app::backend::actor::Actor>().cloned();
    let nonce = req.extensions().get::<CspNonce>().cloned();
    let (Some(actor), Some(nonce)) = (actor, nonce) else {
        return next.run(req).await;
    };
    let Some((_, kept_seconds)) = CACHED_PAGES.iter().find(|(p, _)| page_matches(p, req.uri().path())) else {
        return next.run(req).await;
    };
    if req.method() != Method::GET
        || actor.org_kind == app::tenancy::OrgKind::Platform
        || app::ui::flash::pending(&session).await
    {
        return next.run(req).await;
    }
    let at = state.generation();
    let locale = req.extensions().get::<Locale>().copied().unwrap_or(Locale::Zh);
    // The page shows dates in the viewer's day, and its reach is judged by the portal's day (an
    // engagement ends at the portal's midnight): a kept page answers only while both stand.
    let today = app::backend::time_fmt::date_in_zone(state.clock.now(), &actor.time_zone);
    let portal_day = state.today();
    let slice = kept_seconds.map(|s| app::backend::epoch::slice(state.clock.now(), s)).unwrap_or(0);
    let key = format!(
        "{}|{}|{today}|{portal_day}|{slice}|{}",
        actor.person_id,
        locale.code(),
        req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    if let Some(page) = state.caches.pages.get(&key, at) {
        if let Ok(text) = std::str::from_utf8(&page) {
            return html(text.replace(NONCE_MARK, &nonce.0));
        }
    }
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::OK || !is_html || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "a page failed while it was rendered");
            return (StatusCode::INTERNAL_SERVER_ERROR, Msg::ErrInternal.text(locale)).into_response();
        }
    };
    if let Some(text) = (bytes.len() <= MAX_CACHED_PAGE).then(|| std::str::from_utf8(&bytes).ok()).flatten() {
        state.caches.pages.put(key, at, text.replace(&nonce.0, NONCE_MARK).into_bytes().into());
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn html(text: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], text).into_response()
}

/// Sets the security headers on every response, with a fresh script nonce per request.
pub async fn security_headers(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    // Only the client's own files may be kept by a browser or proxy; pages, server functions'
    // answers, exports and the API carry tenant data and one-time secrets.
    let path = req.uri().path();
    let static_asset = path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/favicon.ico";
    let mut res = next.run(req).await;
    if !static_asset && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set("content-security-policy", &csp);
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "strict-origin-when-cross-origin");
    set("cross-origin-opener-policy", "same-origin");
    set("permissions-policy", "camera=(), microphone=(), geolocation=()");
    if state.settings.secure_cookies() {
        set("strict-transport-security", "max-age=31536000; includeSubDomains");
    }
    res
}

/// Refuses every state-changing request that a browser says came from another site.
pub async fn refuse_cross_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // The machine API acts on a bearer token only, never on a cookie: a request from another
    // site carries no authority a browser added by itself, so there is nothing to forge.
    let api = req.uri().path().starts_with("/api/v1/");
    if !safe && !api && is_cross_origin(&req, &state.settings.public_origin()) {
        let locale =
            Locale::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
        tracing::warn!(path = loggable_path(req.uri().path()), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, simple_page(locale, Msg::ErrCrossOrigin.text(locale), "/")).into_response();
    }
    next.run(req).await
}

fn is_cross_origin(req: &Request, public_origin: &str) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // No Origin: not a browser's cross-site form or fetch (browsers send it on every POST).
        None => false,
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            !(origin == public_origin || (!host.is_empty() && origin_host == host))
        }
    }
}

fn cookie_locale(req: &Request) -> Option<Locale> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == LOCALE_COOKIE)
        .and_then(|(_, v)| Locale::parse(v))
}

/// The largest form or JSON body read to look for a NUL character; the extractors' own limit
/// (2 MB) refuses larger ones anyway.
const NUL_SCAN_LIMIT: usize = 2 * 1024 * 1024;

/// Refuses a NUL character (U+0000) in the address or in a form or JSON body, before any
/// handler reads it: PostgreSQL cannot store one in text and SQLite would, so no field takes it,
/// on either database, and the refusal is a 400 that names it instead of a failed write. Uploads
/// (multipart) are not read here: their text fields are checked where they are parsed.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let in_query = req.uri().query().is_some_and(holds_nul_escape) || holds_nul_escape(req.uri().path());
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    let json = content_type.starts_with("application/json");
    if !in_query && !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let refuse = |parts: &axum::http::request::Parts| {
        let locale =
            Locale::from_accept_language(parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
        let meta = parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default();
        if parts.uri.path().starts_with("/api/v1/") {
            return crate::api::Problem::malformed(Msg::ErrNulCharacter.text(Locale::En), &meta).into_response();
        }
        (StatusCode::BAD_REQUEST, Msg::ErrNulCharacter.text(locale)).into_response()
    };
    if in_query {
        return refuse(&parts);
    }
    let bytes = match axum::body::to_bytes(body, NUL_SCAN_LIMIT).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, Msg::ErrBadRequest.text(Locale::En)).into_response(),
    };
    let nul = bytes.contains(&0)
        || (form && holds_nul_escape(&String::from_utf8_lossy(&bytes)))
        || (json && bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")));
    if nul {
        return refuse(&parts);
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// Whether URL-encoded text holds `%00`.
fn holds_nul_escape(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| w == b"%00")
}

/// Paths that are pages (guarded by sign-in), as opposed to assets, server functions and forms.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path == "/healthz"
        || path == "/favicon.ico"
        || path == "/login"
        // The sign-in's second step comes before the person is signed in.
        || path == "/login/code"
        // An invitation link is opened before its person has an account.
        || path.starts_with("/invite/"))
}

/// Resolves the Actor and the language once per request, and sends people where they must go:
/// anonymous visitors to sign-in, people who must change their password to the password page.
pub async fn resolve_actor(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/pkg/") || req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let resolution = app::auth::actor::resolve(
        &state.db,
        &state.caches,
        &session,
        state.clock.now(),
        &state.settings.default_time_zone,
    )
    .await;
    let resolution = match resolution {
        Ok(r) => r,
        Err(e) => {
            let meta = req.extensions().get::<RequestMeta>().cloned().unwrap_or_default();
            let err = e.into_app_error(&meta.request_id);
            return (app::backend::error::status_of(&err), simple_page(Locale::Zh, &err.message(Locale::Zh), "/"))
                .into_response();
        }
    };
    let browser_locale =
        Locale::from_accept_language(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let cookie = cookie_locale(&req);
    let path = req.uri().path().to_string();
    let is_get = matches!(*req.method(), Method::GET | Method::HEAD);
    let target = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let (actor, expired) = match resolution {
        Resolution::SignedIn(a) => (Some(*a), false),
        Resolution::Expired => (None, true),
        Resolution::Anonymous => (None, false),
    };
    let locale = actor.as_ref().and_then(|a| a.locale).or(cookie).unwrap_or(browser_locale);
    req.extensions_mut().insert(locale);
    if is_get {
        match &actor {
            None if is_page(&path) => {
                let mut to = format!("/login?next={}", urlencode(&target));
                if expired {
                    to.push_str("&error=ErrSessionExpired");
                }
                return Redirect::to(&to).into_response();
            }
            Some(a) if a.must_change_password && is_page(&path) && path != "/account/password" => {
                return Redirect::to("/account/password").into_response();
            }
            // A second factor owed comes before anything else (its set-up is on the security page).
            Some(a) if a.must_enrol_second_factor && is_page(&path) && path != "/account/security" => {
                return Redirect::to("/account/security").into_response();
            }
            Some(a) if path == "/login" => {
                return Redirect::to(if a.must_change_password { "/account/password" } else { "/" }).into_response();
            }
            _ => {}
        }
    }
    if let Some(a) = actor {
        req.extensions_mut().insert(a);
    }
    next.run(req).await
}

/// How long, after answering an upload, the rest of its body is still read and thrown away.
const LINGER: std::time::Duration = std::time::Duration::from_secs(30);

/// An upload route: its body limit (the rest of a refused body is read by [`linger`]).
pub fn upload<S: Clone + Send + Sync + 'static>(
    route: axum::routing::MethodRouter<S>,
) -> axum::routing::MethodRouter<S> {
    route.layer(axum::extract::DefaultBodyLimit::max(app::reports::http::MAX_REQUEST_BYTES))
}

type HeldBody = std::sync::Arc<std::sync::Mutex<axum::body::BodyDataStream>>;

/// The handler's view of a body the middleware still holds.
struct Held(HeldBody);

impl futures::Stream for Held {
    type Item = Result<axum::body::Bytes, axum::Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        poll_held(&self.0, cx)
    }
}

fn poll_held(
    held: &HeldBody,
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<Option<Result<axum::body::Bytes, axum::Error>>> {
    use futures::StreamExt;
    // Only this request's handler, then its drain, ever poll it: the lock is never contended.
    match held.lock() {
        Ok(mut body) => body.poll_next_unpin(cx),
        Err(_) => std::task::Poll::Ready(None),
    }
}

/// The rest of a refused body read after the answer, for every request (the outermost layer).
///
/// A request refused half-way (a form field past its limit, a file of the wrong type, a NUL in
/// the address, a cross-site post, a rate limit) is answered at once, but the sender is still
/// sending. Closing the socket with its bytes unread resets the connection, and the browser (or
/// any client) then loses the answer and shows a broken pipe instead of the message. So the body
/// is held past the handler and drained, unkept, up to the request limit or `LINGER`, as servers
/// do in a "lingering close". A body the handler read whole costs nothing more.
pub async fn linger(req: Request, next: Next) -> Response {
    // Most requests have no body: nothing to hold, no task to spawn.
    let headers = req.headers();
    let sized = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if sized == Some(0) || (sized.is_none() && !headers.contains_key(axum::http::header::TRANSFER_ENCODING)) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let held: HeldBody = std::sync::Arc::new(std::sync::Mutex::new(body.into_data_stream()));
    let request = Request::from_parts(parts, axum::body::Body::from_stream(Held(held.clone())));
    let response = next.run(request).await;
    tokio::spawn(async move {
        let mut left = app::reports::http::MAX_REQUEST_BYTES;
        let deadline = tokio::time::Instant::now() + LINGER;
        while let Ok(Some(Ok(chunk))) =
            tokio::time::timeout_at(deadline, std::future::poll_fn(|cx| poll_held(&held, cx))).await
        {
            match left.checked_sub(chunk.len()) {
                Some(l) => left = l,
                None => break,
            }
        }
    });
    response
}

#[cfg(test)]
mod tests {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    use axum::{routing::get, Router};
    use tower::ServiceExt;

    use super::*;

    /// A router whose page hangs for its first `stalls` renders, counting every render.
    fn page_stalling(stalls: usize) -> (Router, Arc<AtomicUsize>) {
        let renders = Arc::new(AtomicUsize::new(0));
        let counted = renders.clone();
        let router = Router::new()
            .route(
                "/",
                get(move || {
                    let n = counted.fetch_add(1, Ordering::SeqCst);
                    async move {
                        if n < stalls {
                            std::future::pending::<()>().await;
                        }
                        format!("render {}", n + 1)
                    }
                }),
            )
            .route_layer(axum::middleware::from_fn(|req, next| render_within(&LIMITS, req, next)));
        (router, renders)
    }

    #[test]
    fn kept_pages_are_named_by_path_with_ids() {
        let id = "6f1c2d3e-0000-4000-8000-000000000001";
        assert!(page_matches("/sla", "/sla"));
        assert!(page_matches("/sla/{id}/year", &format!("/sla/{id}/year")));
        assert!(!page_matches("/sla/{id}/year", "/sla/not-an-id/year"));
        assert!(!page_matches("/sla/{id}/year", &format!("/sla/{id}")), "the engagement's page has forms");
        assert!(!page_matches("/sla", &format!("/sla/{id}")));
        assert!(!page_matches("/sla/{id}/report", &format!("/sla/{id}/report/x")));
    }

    async fn body(res: Response) -> String {
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    fn get_root() -> Request {
        Request::builder().uri("/").body(axum::body::Body::empty()).unwrap()
    }

    /// Short limits, so the tests take milliseconds.
    const LIMITS: [std::time::Duration; 2] =
        [std::time::Duration::from_millis(20), std::time::Duration::from_millis(40)];

    #[tokio::test]
    async fn a_stalled_render_is_started_again_and_its_answer_served() {
        let (router, renders) = page_stalling(1);
        let res = router.oneshot(get_root()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(body(res).await, "render 2");
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_last_attempt_waits_as_long_as_the_page_takes() {
        // Stalls past every limited attempt: the unlimited one still answers (a slow page is never refused).
        let (router, renders) = page_stalling(LIMITS.len());
        let res = router.oneshot(get_root()).await.unwrap();
        assert_eq!(body(res).await, format!("render {}", LIMITS.len() + 1));
        assert_eq!(renders.load(Ordering::SeqCst), LIMITS.len() + 1);
    }

    #[tokio::test]
    async fn a_page_that_answers_is_rendered_once() {
        let (router, renders) = page_stalling(0);
        let res = router.oneshot(get_root()).await.unwrap();
        assert_eq!(body(res).await, "render 1");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
