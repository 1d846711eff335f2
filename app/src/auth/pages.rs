//! The sign-in page and the password page.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    auth::api::get_frame,
    i18n::{t, Msg},
    ui::{DemoBanner, LanguageSwitch},
};

/// A message named in the query string (`?error=ErrInvalidCredentials`) after a form's redirect.
fn query_message(key: &'static str) -> impl Fn() -> Option<&'static str> + Copy {
    let query = use_query_map();
    move || query.with(|q| q.get(key)).as_deref().and_then(Msg::from_name).map(t)
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let info = query_message("info");
    let email = move || query.with(|q| q.get("email")).unwrap_or_default();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let frame = Resource::new(|| (), |_| get_frame());
    // Only works once the wasm has hydrated: a plain button that flips the field's type.
    let (revealed, set_revealed) = signal(false);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                frame.await.ok().filter(|f| f.demo).map(|_| view! { <DemoBanner/> })
            })}
        </Suspense>
        <div class="signin-wrap">
            <div class="signin-top">
                <span class="signin-brand">{t(Msg::AppName)}</span>
                <LanguageSwitch/>
            </div>
            <main class="card signin">
                <h1>{t(Msg::SignInTitle)}</h1>
                <p class="muted">{t(Msg::SignInHelp)}</p>
                // A refused sign-in's message comes once, through the session (no code in the address).
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        frame.await.ok().and_then(|f| f.flash).map(|f| {
                            let class = if f.ok { "notice ok" } else { "notice error" };
                            view! { <div class=class role="alert" data-test="signin-error">{f.text}</div> }
                        })
                    })}
                </Suspense>
                {move || info().map(|m| view! { <div class="notice ok" role="status" data-test="signin-info">{m}</div> })}
                <form method="post" action="/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label>
                        <span>{t(Msg::Email)}</span>
                        <input type="email" name="email" autocomplete="username" required value=email autofocus=true/>
                    </label>
                    <label>
                        <span>{t(Msg::Password)}</span>
                        <span class="with-button">
                            <input type=move || if revealed.get() { "text" } else { "password" } name="password"
                                autocomplete="current-password" required data-test="password"/>
                            <button type="button" class="ghost" data-test="reveal"
                                aria-pressed=move || revealed.get().to_string()
                                on:click=move |_| set_revealed.update(|r| *r = !*r)>
                                {move || if revealed.get() { t(Msg::HidePassword) } else { t(Msg::ShowPassword) }}
                            </button>
                        </span>
                    </label>
                    <button type="submit" class="primary" data-test="sign-in">{t(Msg::SignIn)}</button>
                </form>
            </main>
        </div>
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let frame = expect_context::<crate::ui::FrameResource>();
    view! {
        <h1>{t(Msg::ChangePassword)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                frame.await.ok().and_then(|f| f.viewer).filter(|v| v.must_change_password).map(|_| view! {
                    <div class="notice warn" role="alert" data-test="must-change">{t(Msg::MustChangeNotice)}</div>
                })
            })}
        </Suspense>
        // In the frame's boundary: a refused post comes back with its field marked.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let refused = frame.await.ok().and_then(|f| f.flash).filter(|f| !f.ok).and_then(|f| f.field);
                let mark = move |name: &str| (refused.as_deref() == Some(name)).then_some("true");
                view! {
                    <form method="post" action="/account/password" class="card stack narrow">
                        <label>
                            <span>{t(Msg::CurrentPassword)}</span>
                            <input type="password" name="current" autocomplete="current-password" required aria-invalid=mark("current")/>
                        </label>
                        <label>
                            <span>{t(Msg::NewPassword)}</span>
                            <input type="password" name="new" autocomplete="new-password" required minlength="12" maxlength="128" aria-invalid=mark("new")/>
                            <small class="muted">{t(Msg::PasswordRules)}</small>
                        </label>
                        <label>
                            <span>{t(Msg::ConfirmPassword)}</span>
                            <input type="password" name="confirm" autocomplete="new-password" required minlength="12" maxlength="128" aria-invalid=mark("confirm")/>
                        </label>
                        <button type="submit" class="primary" data-test="change-password">{t(Msg::Save)}</button>
                    </form>
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                frame.await.ok().and_then(|f| f.viewer).filter(|v| !v.must_change_password).map(|v| view! {
                    <h2>{t(Msg::Preferences)}</h2>
                    <form method="post" action="/account/preferences" class="card stack narrow" data-test="preferences">
                        <label>
                            <span>{t(Msg::TimeZone)}</span>
                            <select name="time_zone">
                                {crate::auth::TIME_ZONES.iter().map(|z| view! {
                                    <option value=*z selected=v.time_zone == *z>{*z}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class="primary">{t(Msg::Save)}</button>
                    </form>
                    <p><a href="/account/tokens" data-test="tokens-link">{t(Msg::ApiTokens)}</a></p>
                })
            })}
        </Suspense>
    }
}

/// The person's API tokens: create (the secret is shown once), see last use, revoke.
#[component]
pub fn TokensPage() -> impl IntoView {
    use super::{
        api::{CreateApiToken, RevokeApiToken},
        TokenState,
    };
    use leptos::form::ActionForm;
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    crate::ui::notice::when_done(revoke, None, super::api::revoked);
    let tokens =
        Resource::new(move || (create.version().get(), revoke.version().get()), |_| super::api::list_api_tokens());
    view! {
        <h1>{t(Msg::ApiTokens)}</h1>
        <p class="muted">{t(Msg::ApiTokensHelp)}" "<a href="/api/v1/openapi.json" rel="external">"OpenAPI"</a></p>
        <crate::ui::ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
        <crate::ui::ActionError value=Signal::derive(move || revoke.value().get())/>
        {move || create.value().get().and_then(|r| r.ok()).map(|secret| view! {
            <div class="notice ok" role="status" data-test="token-secret">
                <p>{t(Msg::TokenCreated)}</p>
                <p><code class="secret">{secret}</code></p>
            </div>
        })}
        <ActionForm action=create attr:class="card grid-form" attr:data-test="create-token">
            <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="100" placeholder="monthly-upload"/></label>
            <label><span>{t(Msg::TokenDays)}</span><input type="number" name="days" min="1" max="366" value="90" required/></label>
            <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
        </ActionForm>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Err(e) => view! { <crate::ui::ErrorNotice error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">{t(Msg::NoTokens)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap"><table class="table" data-test="tokens">
                            <thead><tr><th>{t(Msg::Name)}</th><th>{t(Msg::TokenPrefix)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::CreatedAt)}</th><th>{t(Msg::ExpiresAt)}</th><th>{t(Msg::LastUsed)}</th><th>{t(Msg::Actions)}</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let (class, label) = match r.state {
                                        TokenState::Active => ("badge ok", Msg::Active),
                                        TokenState::Expired => ("badge muted", Msg::Expired),
                                        TokenState::Revoked => ("badge muted", Msg::Revoked),
                                    };
                                    view! {
                                        <tr data-token=r.name.clone()>
                                            <td>{r.name.clone()}</td>
                                            <td><code>{r.prefix.clone()}"…"</code></td>
                                            <td><span class=class>{t(label)}</span></td>
                                            <td class="nowrap">{r.created_at.clone()}</td>
                                            <td class="nowrap">{r.expires_at.clone()}</td>
                                            <td class="nowrap">{r.last_used_at.clone().unwrap_or_else(|| t(Msg::Never).to_string())}</td>
                                            <td>{(r.state == TokenState::Active).then(|| view! {
                                                <ActionForm action=revoke attr:class="inline">
                                                    <input type="hidden" name="id" value=r.id.to_string()/>
                                                    <button type="submit" class="link-button danger" data-test="revoke-token">{t(Msg::Revoke)}</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
