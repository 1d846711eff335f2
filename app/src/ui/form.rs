//! Finishing a form's server function, so forms also work before the wasm loads or without JavaScript.
use leptos::prelude::use_context;
use tower_sessions::Session;

use super::{flash, notice::Done, Flash};
use crate::{
    backend::{
        actor::{self, Actor},
        error::status_of,
        request::RequestMeta,
        AppState, ServiceError,
    },
    error::AppError,
    i18n::Locale,
};

/// Whether the current request is a server function posted by a plain HTML form (no JavaScript):
/// it wants HTML back. (During a page render the parts are the page's GET, never this.)
fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>()
        .filter(|p| p.method == axum::http::Method::POST && p.uri.path().starts_with("/api/"))
        .and_then(|p| {
            p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|a| a.contains("text/html"))
        })
        .unwrap_or(false)
}

/// Maps a read's result to the wire, with the error's status on the response.
pub fn answer<T>(result: Result<T, ServiceError>) -> Result<T, AppError> {
    let meta = RequestMeta::current();
    result.map_err(|e| {
        let e = e.into_app_error(&meta.request_id);
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status_of(&e));
        }
        e
    })
}

/// The local path of the page the form was on.
fn referer_path() -> String {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::REFERER).and_then(|v| v.to_str().ok()).map(str::to_string))
        .and_then(|r| {
            let after_scheme = r.split_once("://").map(|(_, rest)| rest.to_string())?;
            let path = after_scheme.find('/').map(|i| after_scheme[i..].to_string()).unwrap_or_else(|| "/".into());
            Some(path)
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into())
}

pub fn viewer_locale() -> Locale {
    use_context::<axum::http::request::Parts>().and_then(|p| p.extensions.get::<Locale>().copied()).unwrap_or_default()
}

/// Maps the service's result to the wire. For a plain form post the outcome also goes into
/// a flash message and the browser is sent back to the form's page, so nothing is lost.
pub async fn finish<T>(
    result: Result<T, ServiceError>,
    on_ok: impl FnOnce(&T, Locale) -> Flash,
) -> Result<T, AppError> {
    finish_to(result, |v, l| (on_ok(v, l), None)).await
}

/// [`finish`], with a success that may send the browser on elsewhere (a confirmation page hands
/// back to its record); a refusal always goes back to the form's page.
async fn finish_to<T>(
    result: Result<T, ServiceError>,
    on_ok: impl FnOnce(&T, Locale) -> (Flash, Option<String>),
) -> Result<T, AppError> {
    let result = answer(result);
    if is_plain_form_post() {
        let locale = viewer_locale();
        let (message, go) = match &result {
            Ok(v) => on_ok(v, locale),
            Err(e) => (Flash { ok: false, text: e.message(locale), secret: None, field: None }, None),
        };
        if let Ok(session) = leptos_axum::extract::<Session>().await {
            flash::set(&session, message).await;
        }
        leptos_axum::redirect(&go.unwrap_or_else(referer_path));
    }
    result
}

/// What a server function works with: the app's state, who is asking (signed in, password
/// changed), the portal's clock read once for the call, and where the request came from (for
/// the audit trail).
pub struct Call {
    pub state: AppState,
    pub actor: Actor,
    pub now: time::OffsetDateTime,
    pub meta: RequestMeta,
}

impl Call {
    /// The actor, the call's moment and its origin, for a service that changes something.
    pub fn acting(&self) -> actor::Acting<'_> {
        actor::Acting { actor: &self.actor, meta: &self.meta, now: self.now }
    }
}

/// Who is asking, for a server function: signed in, password changed.
fn call() -> Result<Call, ServiceError> {
    let state = leptos::prelude::expect_context::<AppState>();
    let actor = actor::require()?;
    Ok(Call { now: state.clock.now(), meta: RequestMeta::current(), state, actor })
}

/// Who is asking, for a server function of the second factor's set-up: signed in, password
/// changed, a second factor possibly still owed.
fn enrolling_call() -> Result<Call, ServiceError> {
    let state = leptos::prelude::expect_context::<AppState>();
    let actor = actor::require_enrolling()?;
    Ok(Call { now: state.clock.now(), meta: RequestMeta::current(), state, actor })
}

/// [`serve`] for the second factor's own set-up, which a person who owes one may call.
pub async fn serve_enrolling<T, F, Fut>(work: F) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    answer(match enrolling_call() {
        Ok(c) => work(c).await,
        Err(e) => Err(e),
    })
}

/// [`serve_form`] for the second factor's own set-up.
pub async fn serve_form_enrolling<T, F, Fut>(on_ok: impl FnOnce(&T, Locale) -> Flash, work: F) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    let done = match enrolling_call() {
        Ok(c) => work(c).await,
        Err(e) => Err(e),
    };
    finish(done, on_ok).await
}

/// Resolves the call and runs `work` with it.
async fn run<T, Fut: std::future::Future<Output = Result<T, ServiceError>>>(
    work: impl FnOnce(Call) -> Fut,
) -> Result<T, ServiceError> {
    work(call()?).await
}

/// The one shape of a server function that reads: resolve the actor, run `work` (which takes the
/// capability and calls the service), and map the answer — its error through the one mapping.
pub async fn serve<T, F, Fut>(work: F) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    answer(run(work).await)
}

/// The same for a change posted by a form, saying what `done` says: the page says it with
/// JavaScript ([`crate::ui::notice::when_done`] with the same function), the flash without.
pub async fn serve_done<T, F, Fut>(done: impl FnOnce(&T) -> Done, work: F) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    finish_to(run(work).await, |v, locale| {
        let Done { said, go } = done(v);
        (Flash { ok: true, text: said.text(locale).into(), secret: None, field: None }, go)
    })
    .await
}

/// [`serve_form`] whose success may send a plain form post on to another page (`on_ok`'s path).
pub async fn serve_form_then<T, F, Fut>(
    on_ok: impl FnOnce(&T, Locale) -> (Flash, Option<String>),
    work: F,
) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    finish_to(run(work).await, on_ok).await
}

/// The same for a change posted by a form: the outcome also goes to a flash message for a plain
/// form post (see [`finish`]).
pub async fn serve_form<T, F, Fut>(on_ok: impl FnOnce(&T, Locale) -> Flash, work: F) -> Result<T, AppError>
where
    F: FnOnce(Call) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    finish(run(work).await, on_ok).await
}
