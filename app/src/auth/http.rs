//! Sign-in, sign-out, password change and language as plain form posts: they work the same with
//! or without JavaScript, and answer with exact statuses (303, 429 with Retry-After).
use crate::backend::actor::Acting;
use std::net::IpAddr;

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{
    actor::{SessionAuth, AUTH_KEY},
    second_factor,
    service::{self, PasswordChange, SignIn},
};
use crate::{
    backend::{actor::Actor, request::RequestMeta, time_fmt::format_in_zone, AppState, ServiceError},
    i18n::{Locale, Msg},
    ui::{flash, Flash},
};

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

/// A path of this portal to go on to after signing in, or `/`: never another site. The text is
/// read as a browser reads a relative reference against the portal's origin; anything that would
/// leave it (`//evil`, `/\\evil`, `/%09/evil`, a scheme), any control character or backslash,
/// raw or percent-encoded, and the sign-in page itself fall back to the home page.
pub fn safe_next(next: &str) -> String {
    const BASE: &str = "http://portal.invalid/";
    let forbidden = |s: &str| s.chars().any(|c| c.is_control() || c == '\\' || c.is_whitespace());
    if !next.starts_with('/') || next.starts_with("//") || forbidden(next) {
        return "/".into();
    }
    // Percent-encoded tricks: decoded, the path must still be a plain local path.
    let decoded = percent_decode(next);
    if decoded.starts_with("//") || forbidden(&decoded) || decoded.contains("/\\") {
        return "/".into();
    }
    let Ok(base) = url::Url::parse(BASE) else {
        return "/".into();
    };
    match base.join(next) {
        Ok(u) if u.origin() == base.origin() && u.fragment().is_none_or(|f| !forbidden(f)) => {
            let mut out = u.path().to_string();
            if out.starts_with("//") || out == "/login" || out.starts_with("/login/") {
                return "/".into();
            }
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            out
        }
        _ => "/".into(),
    }
}

/// `%XX` sequences decoded (invalid ones left as they are), lossily as UTF-8.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A refused account form goes back to its page, its message naming the field (shown once,
/// through the session: no code in the address bar); anything else is an error page.
async fn account_form_refused(session: &Session, meta: &RequestMeta, e: ServiceError, locale: Locale) -> Response {
    match e.first_field() {
        Some(first) => {
            let label = match first.field {
                "current" => Some(Msg::CurrentPassword),
                "new" => Some(Msg::NewPassword),
                "confirm" => Some(Msg::ConfirmPassword),
                "time_zone" => Some(Msg::TimeZone),
                _ => None,
            };
            let text = match label {
                Some(l) => {
                    let colon = if locale == Locale::Zh { "：" } else { ": " };
                    format!("{}{colon}{}", l.text(locale), first.msg.text(locale))
                }
                None => first.msg.text(locale).to_string(),
            };
            let field = Some(first.field.to_string());
            flash::set(session, Flash { ok: false, text, secret: None, field }).await;
            Redirect::to("/account/password").into_response()
        }
        None => internal(meta, e, locale),
    }
}

fn internal(meta: &RequestMeta, e: ServiceError, locale: Locale) -> Response {
    let app = e.into_app_error(&meta.request_id);
    (crate::backend::error::status_of(&app), simple_page(locale, &app.message(locale), "/")).into_response()
}

/// A minimal self-contained page, for answers that are not the app (429, 403 for cross-origin, 500).
pub fn simple_page(locale: Locale, message: &str, back: &str) -> axum::response::Html<String> {
    simple_page_with(locale, message, back, Msg::BackHome)
}

pub fn simple_page_with(locale: Locale, message: &str, back: &str, back_label: Msg) -> axum::response::Html<String> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    axum::response::Html(format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><link rel=\"stylesheet\" href=\"/pkg/portal.css\"></head>\
         <body><main class=\"simple-page\"><h1>{}</h1><p role=\"alert\">{}</p><p><a href=\"{}\">{}</a></p></main></body></html>",
        locale.html_lang(),
        esc(Msg::AppName.text(locale)),
        esc(Msg::AppName.text(locale)),
        esc(message),
        esc(back),
        esc(back_label.text(locale)),
    ))
}

/// The session key of a sign-in whose password was right and whose second factor comes next.
const PENDING_KEY: &str = "second_step";
/// How long the second step may take after the password.
const SECOND_STEP_WITHIN: i64 = 300;

/// A sign-in waiting for its second factor's code.
#[derive(Serialize, Deserialize)]
struct Pending {
    person_id: uuid::Uuid,
    generation: i32,
    at: i64,
    next: String,
    email: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
}

/// The per-address limit of sign-in attempts (a password or a code): the 429 page when used up.
async fn over_limit(state: &AppState, meta: &RequestMeta, locale: Locale, email: &str) -> Option<Response> {
    let ip: IpAddr = meta.source_addr.as_deref().and_then(|a| a.parse().ok()).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let not_until = state.sign_in_limiter.check_key(&ip).err()?;
    let secs = crate::backend::limits::wait_secs(&not_until);
    if state.rate_limit_audit.check_key(&ip).is_ok() {
        if let Err(e) = service::record_rate_limited(&state.db, state.clock.now(), email, meta).await {
            tracing::error!(request_id = meta.request_id, error = %e, "could not audit a rate-limited sign-in");
        }
    }
    let message = format!("{} {} {secs}", Msg::ErrRateLimited.text(locale), Msg::SecondsToWait.text(locale));
    let page = simple_page_with(locale, &message, "/login", Msg::BackToSignIn);
    let mut res = (StatusCode::TOO_MANY_REQUESTS, page).into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Some(res)
}

pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        flash::set(&session, refusal(Msg::ErrInvalidCredentials.text(locale).into())).await;
        return Redirect::to("/login").into_response();
    };
    if let Some(limited) = over_limit(&state, &meta, locale, &form.email).await {
        return limited;
    }
    let now = state.clock.now();
    let zone = &state.settings.default_time_zone;
    match service::sign_in(&state.db, now, &form.email, &form.password, &meta, zone).await {
        Ok(SignIn::SecondFactor { person_id, generation }) => {
            // A new session id before the second step too: nothing fixed before carries over.
            if let Err(e) = session.cycle_id().await {
                return internal(&meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            let email: String = form.email.trim().chars().take(254).collect();
            let pending = Pending { person_id, generation, at: now.unix_timestamp(), next: form.next.clone(), email };
            if let Err(e) = session.insert(PENDING_KEY, pending).await {
                return internal(&meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            Redirect::to("/login/code").into_response()
        }
        other => signed_in_or_refused(&state, &session, &meta, locale, other, &form.email, &form.next).await,
    }
}

/// `POST /login/code`: the sign-in's second step, a code from the app or a recovery code.
pub async fn sign_in_code(
    State(state): State<AppState>,
    session: Session,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    form: Result<Form<CodeForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let now = state.clock.now();
    let pending = session.get::<Pending>(PENDING_KEY).await.ok().flatten();
    let Some(pending) = pending.filter(|p| now.unix_timestamp() - p.at <= SECOND_STEP_WITHIN) else {
        let _ = session.remove_value(PENDING_KEY).await;
        flash::set(&session, refusal(Msg::ErrSecondStepExpired.text(locale).into())).await;
        return Redirect::to("/login").into_response();
    };
    if let Some(limited) = over_limit(&state, &meta, locale, &pending.email).await {
        return limited;
    }
    let code = form.map(|Form(f)| f.code).unwrap_or_default();
    let code: String = code.chars().take(64).collect();
    let zone = &state.settings.default_time_zone;
    let result =
        second_factor::complete_sign_in(&state.db, now, pending.person_id, pending.generation, &code, &meta, zone).await;
    match result {
        Ok(SignIn::Refused) => {
            // Another try, with the same pending sign-in (the failure counts toward the lockout).
            flash::set(&session, refusal(Msg::ErrTotpCode.text(locale).into())).await;
            Redirect::to("/login/code").into_response()
        }
        Ok(SignIn::Void) => {
            let _ = session.remove_value(PENDING_KEY).await;
            flash::set(&session, refusal(Msg::ErrSecondStepVoid.text(locale).into())).await;
            Redirect::to("/login").into_response()
        }
        other => {
            let _ = session.remove_value(PENDING_KEY).await;
            signed_in_or_refused(&state, &session, &meta, locale, other, &pending.email, &pending.next).await
        }
    }
}

/// The answer to a sign-in step: the session signed in and on to the page asked for (the
/// password page first when it must change), or the sign-in page with the refusal.
async fn signed_in_or_refused(
    state: &AppState,
    session: &Session,
    meta: &RequestMeta,
    locale: Locale,
    result: Result<SignIn, ServiceError>,
    email: &str,
    next: &str,
) -> Response {
    match result {
        Ok(SignIn::Accepted { person_id, must_change_password, generation, session: handle }) => {
            // A new session id at sign-in: a session fixed before sign-in is worthless.
            if let Err(e) = session.cycle_id().await {
                return internal(meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            let now = state.clock.now();
            let auth = SessionAuth {
                person_id,
                signed_in_at: now.unix_timestamp(),
                last_seen: now.unix_timestamp(),
                generation,
                handle: Some(handle),
            };
            if let Err(e) = session.insert(AUTH_KEY, auth).await {
                return internal(meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            let to = if must_change_password { "/account/password".to_string() } else { safe_next(next) };
            Redirect::to(&to).into_response()
        }
        Ok(SignIn::SecondFactor { .. }) => Redirect::to("/login/code").into_response(),
        Ok(refused @ (SignIn::Refused | SignIn::Locked { .. } | SignIn::Void)) => {
            // The message goes through the session, so no error code stands in the address bar.
            let text = match refused {
                SignIn::Locked { until, time_zone } => {
                    let zone = time_zone.unwrap_or_else(|| state.settings.default_time_zone.clone());
                    format!("{} {} ({zone})", Msg::ErrAccountLocked.text(locale), format_in_zone(until, &zone))
                }
                _ => Msg::ErrInvalidCredentials.text(locale).into(),
            };
            flash::set(session, refusal(text)).await;
            let email: String = email.chars().take(254).collect();
            let mut to = format!("/login?email={}", urlencode(&email));
            if !next.is_empty() {
                to.push_str(&format!("&next={}", urlencode(&safe_next(next))));
            }
            Redirect::to(&to).into_response()
        }
        Err(e) => internal(meta, e, locale),
    }
}

/// A refused sign-in's message, shown once by the sign-in page.
fn refusal(text: String) -> Flash {
    Flash { ok: false, text, secret: None, field: None }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
) -> Response {
    if let Some(Extension(actor)) = actor {
        let by = Acting { actor: &actor, meta: &meta, now: state.clock.now() };
        if let Err(e) = service::record_sign_out(&state.db, &by).await {
            tracing::error!(request_id = meta.request_id, error = %e, "could not audit a sign-out");
        }
        if let Err(e) = super::sessions::signed_out(&state.db, &by).await {
            tracing::error!(request_id = meta.request_id, error = %e, "could not end a session's row");
        }
    }
    // Deletes the session row: the old cookie is worthless from now on.
    if let Err(e) = session.flush().await {
        tracing::error!(request_id = meta.request_id, error = %e, "could not end a session");
    }
    Redirect::to("/login").into_response()
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub new: String,
    #[serde(default)]
    pub confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    form: Result<Form<PasswordForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return Redirect::to("/login?next=/account/password").into_response();
    };
    let Ok(Form(form)) = form else {
        let refused = ServiceError::invalid("new", Msg::ErrPasswordTooShort);
        return account_form_refused(&session, &meta, refused, locale).await;
    };
    let input = PasswordChange { current: form.current, new: form.new, confirm: form.confirm };
    let now = state.clock.now();
    match service::change_password(&state.db, &Acting { actor: &actor, meta: &meta, now }, input).await {
        Ok(generation) => {
            // This session goes on under the new generation (with a new id); every other has ended.
            let mut auth = session.get::<SessionAuth>(AUTH_KEY).await.ok().flatten().unwrap_or(SessionAuth {
                person_id: actor.person_id,
                signed_in_at: now.unix_timestamp(),
                last_seen: now.unix_timestamp(),
                generation,
                handle: actor.session,
            });
            auth.generation = generation;
            if let Err(e) = session.cycle_id().await {
                return internal(&meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            if let Err(e) = session.insert(AUTH_KEY, auth).await {
                return internal(&meta, ServiceError::Internal(format!("session: {e}")), locale);
            }
            flash::set(&session, Flash { ok: true, text: Msg::PasswordChanged.text(locale).into(), secret: None, field: None })
                .await;
            Redirect::to("/").into_response()
        }
        Err(e) => account_form_refused(&session, &meta, e, locale).await,
    }
}

#[derive(Deserialize)]
pub struct LocaleForm {
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub back: String,
}

pub const LOCALE_COOKIE: &str = "portal_lang";

pub async fn set_locale(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    form: Result<Form<LocaleForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let (lang, back) = match form {
        Ok(Form(f)) => (Locale::parse(&f.lang), f.back),
        Err(_) => (None, "/".into()),
    };
    let back = if back.starts_with('/') && !back.starts_with("//") { back } else { "/".into() };
    let Some(locale) = lang else {
        return Redirect::to(&back).into_response();
    };
    if let Some(Extension(actor)) = actor {
        if let Err(e) = service::set_locale(&state.db, &Acting { actor: &actor, meta: &meta, now: state.clock.now() }, locale).await {
            tracing::error!(request_id = meta.request_id, error = %e, "could not store a language preference");
        }
    }
    let secure = if state.settings.secure_cookies() { "; Secure" } else { "" };
    let cookie = format!("{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}", locale.code());
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, v);
    }
    (headers, Redirect::to(&back)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_always_local() {
        assert_eq!(safe_next("/people"), "/people");
        assert_eq!(safe_next("//evil.example/x"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next(""), "/");
        // Issue 13: each of these would leave the portal in some browser.
        for evil in [
            "/%09/evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "//evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nLocation: https://evil.example",
            "/%0d%0aSet-Cookie:x",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "evil.example",
            "/login",
            "/login?next=//evil",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
        assert_eq!(safe_next("/reports?side=submit&page=2"), "/reports?side=submit&page=2");
        assert_eq!(safe_next("/websites/../people"), "/people");
    }
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    pub time_zone: String,
}

pub async fn set_preferences(
    State(state): State<AppState>,
    session: Session,
    actor: Option<Extension<Actor>>,
    Extension(meta): Extension<RequestMeta>,
    Extension(locale): Extension<Locale>,
    form: Result<Form<PreferencesForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return Redirect::to("/login?next=/account/password").into_response();
    };
    let zone = form.map(|Form(f)| f.time_zone).unwrap_or_default();
    match service::set_time_zone(&state.db, &Acting { actor: &actor, meta: &meta, now: state.clock.now() }, &zone).await {
        Ok(()) => {
            flash::set(&session, Flash { ok: true, text: Msg::PreferencesSaved.text(locale).into(), secret: None, field: None })
                .await;
            Redirect::to("/account/password").into_response()
        }
        Err(e) => account_form_refused(&session, &meta, e, locale).await,
    }
}
