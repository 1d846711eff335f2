//! The sign-in page, the password page, API tokens and account security.
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
        <SignInFrame frame title=Msg::SignInTitle help=Msg::SignInHelp>
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
        </SignInFrame>
    }
}

/// The frame of the sign-in steps: the demo banner, the brand and language, the card with its
/// title and help, and the refusal a step's redirect brings once through the session.
#[component]
fn SignInFrame(
    frame: Resource<Result<super::Frame, crate::error::AppError>>,
    title: Msg,
    help: Msg,
    children: Children,
) -> impl IntoView {
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
                <h1>{t(title)}</h1>
                <p class="muted">{t(help)}</p>
                // The message comes once, through the session (no code in the address).
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        frame.await.ok().and_then(|f| f.flash).map(|f| {
                            let class = if f.ok { "notice ok" } else { "notice error" };
                            view! { <div class=class role="alert" data-test="signin-error">{f.text}</div> }
                        })
                    })}
                </Suspense>
                {children()}
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
                    <crate::digest::pages::DigestSettingsSection/>
                    <p>
                        <a href="/account/security" data-test="security-link">{t(Msg::AccountSecurity)}</a>
                        " · "
                        <a href="/account/tokens" data-test="tokens-link">{t(Msg::ApiTokens)}</a>
                    </p>
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

/// The person's account security: where it is signed in (each session can be ended) and its
/// sign-ins of the last 90 days, those from a new network or browser marked.
#[component]
pub fn SecurityPage() -> impl IntoView {
    use super::api::{EndOtherSessions, EndSession};
    use leptos::form::ActionForm;
    let end = ServerAction::<EndSession>::new();
    let others = ServerAction::<EndOtherSessions>::new();
    crate::ui::notice::when_done(end, None, super::api::session_ended);
    crate::ui::notice::when_done(others, None, super::api::others_ended);
    let view_ = Resource::new(move || (end.version().get(), others.version().get()), |_| super::api::get_security());
    view! {
        <h1>{t(Msg::AccountSecurity)}</h1>
        <SecondFactorSection/>
        <p class="muted">{t(Msg::AccountSecurityHelp)}</p>
        <crate::ui::ActionError value=Signal::derive(move || end.value().get())/>
        <crate::ui::ActionError value=Signal::derive(move || others.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match view_.await {
                    Err(e) => view! { <crate::ui::ErrorNotice error=e/> }.into_any(),
                    Ok(v) => {
                        let alone = v.sessions.iter().all(|s| s.current);
                        view! {
                            <h2>{t(Msg::OpenSessions)}</h2>
                            <div class="table-wrap"><table class="table" data-test="sessions">
                                <thead><tr><th>{t(Msg::Browser)}</th><th>{t(Msg::Address)}</th><th>{t(Msg::SignedInAt)}</th><th>{t(Msg::LastSeen)}</th><th>{t(Msg::Actions)}</th></tr></thead>
                                <tbody>
                                    {v.sessions.into_iter().map(|s| view! {
                                        <tr data-current=s.current.to_string()>
                                            <td>{format!("{} · {}", s.browser, s.platform)}
                                                {s.current.then(|| view! { " "<span class="badge ok">{t(Msg::ThisSession)}</span> })}</td>
                                            <td class="nowrap">{s.address.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td class="nowrap">{s.signed_in_at.clone()}</td>
                                            <td class="nowrap">{s.last_seen_at.clone()}</td>
                                            <td>
                                                <ActionForm action=end attr:class="inline">
                                                    <input type="hidden" name="id" value=s.id.to_string()/>
                                                    <button type="submit" class="link-button danger" data-test="end-session">{t(Msg::EndSession)}</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {if alone {
                                view! { <p class="empty">{t(Msg::NoOtherSessions)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="after-table">
                                        <ActionForm action=others attr:class="inline">
                                            <button type="submit" class="danger" data-test="end-other-sessions">{t(Msg::EndOtherSessions)}</button>
                                        </ActionForm>
                                    </div>
                                }.into_any()
                            }}
                            <h2>{t(Msg::RecentSignIns)}</h2>
                            {if v.sign_ins.is_empty() {
                                view! { <p class="empty">{t(Msg::NoSignIns)}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap"><table class="table" data-test="sign-ins">
                                        <thead><tr><th>{t(Msg::SignedInAt)}</th><th>{t(Msg::Address)}</th><th>{t(Msg::Browser)}</th></tr></thead>
                                        <tbody>
                                            {v.sign_ins.into_iter().map(|s| view! {
                                                <tr data-new=(s.new_network || s.new_browser).to_string()>
                                                    <td class="nowrap">{s.at}</td>
                                                    <td class="nowrap">{s.address.unwrap_or_else(|| "—".into())}
                                                        {s.new_network.then(|| view! { " "<span class="badge warn">{t(Msg::NewNetwork)}</span> })}</td>
                                                    <td>{format!("{} · {}", s.browser, s.platform)}
                                                        {s.new_browser.then(|| view! { " "<span class="badge warn">{t(Msg::NewBrowser)}</span> })}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The codes just handed out, shown once (with JavaScript; without it the flash shows them).
#[component]
fn CodesShown(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="notice ok" role="status" data-test="recovery-codes">
            <p>{t(Msg::RecoveryCodesShown)}</p>
            <ul class="codes">{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
        </div>
    }
}

/// The field of a current code from the app (new recovery codes, switching off).
#[component]
fn CodeField() -> impl IntoView {
    view! {
        <label><span>{t(Msg::TotpCode)}</span>
            <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required/></label>
    }
}

/// The second factor on the security page: set up (QR code and key, then the first code),
/// recovery codes, switching off.
#[component]
fn SecondFactorSection() -> impl IntoView {
    use super::api::{BeginSecondFactor, ConfirmSecondFactor, NewRecoveryCodes, TurnOffSecondFactor};
    use leptos::form::ActionForm;
    let begin = ServerAction::<BeginSecondFactor>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let regenerate = ServerAction::<NewRecoveryCodes>::new();
    let off = ServerAction::<TurnOffSecondFactor>::new();
    crate::ui::notice::when_done(off, None, super::api::second_factor_off);
    let status = Resource::new(
        move || (begin.version().get(), confirm.version().get(), regenerate.version().get(), off.version().get()),
        |_| super::api::get_second_factor(),
    );
    let frame = expect_context::<crate::ui::FrameResource>();
    let shown =
        move || confirm.value().get().and_then(|r| r.ok()).or_else(|| regenerate.value().get().and_then(|r| r.ok()));
    view! {
        <section class="card" data-test="second-factor">
            <h2>{t(Msg::SecondFactor)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    frame.await.ok().and_then(|f| f.viewer).filter(|v| v.must_enrol_second_factor).map(|_| view! {
                        <div class="notice warn" role="alert" data-test="must-enrol">{t(Msg::MustEnrolNotice)}</div>
                    })
                })}
            </Suspense>
            <p class="muted">{t(Msg::SecondFactorHelp)}</p>
            <crate::ui::ActionError value=Signal::derive(move || begin.value().get().map(|r| r.map(|_| ())))/>
            <crate::ui::ActionError value=Signal::derive(move || confirm.value().get().map(|r| r.map(|_| ())))/>
            <crate::ui::ActionError value=Signal::derive(move || regenerate.value().get().map(|r| r.map(|_| ())))/>
            <crate::ui::ActionError value=Signal::derive(move || off.value().get())/>
            {move || shown().map(|codes| view! { <CodesShown codes/> })}
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(e) => view! { <crate::ui::ErrorNotice error=e/> }.into_any(),
                        Ok(s) if s.enrolled => view! {
                            <p data-test="second-factor-on">
                                <span class="badge ok">{t(Msg::Active)}</span>" "
                                {t(Msg::SecondFactorOnSince)}" "{s.since.clone().unwrap_or_default()}
                                {s.required.then(|| view! { " · "{t(Msg::SecondFactorRequiredNote)} })}
                            </p>
                            <p>{t(Msg::RecoveryCodesLeft)}": "<strong data-test="recovery-left">{s.recovery_left}</strong></p>
                            <p class="muted">{t(Msg::CodeForChange)}</p>
                            <div class="form-actions">
                                <ActionForm action=regenerate attr:class="inline-form" attr:data-test="new-codes">
                                    <CodeField/>
                                    <button type="submit">{t(Msg::NewRecoveryCodes)}</button>
                                </ActionForm>
                                {(!s.required).then(|| view! {
                                    <ActionForm action=off attr:class="inline-form" attr:data-test="turn-off">
                                        <CodeField/>
                                        <button type="submit" class="danger">{t(Msg::TurnOffSecondFactor)}</button>
                                    </ActionForm>
                                })}
                            </div>
                        }.into_any(),
                        Ok(s) => match s.pending {
                            Some(e) => {
                                // The SVG is drawn by the server from the secret: markup, no script.
                                let svg = e.qr_svg.find("<svg").map(|i| e.qr_svg[i..].to_string()).unwrap_or_default();
                                view! {
                                    <p>{t(Msg::ScanQr)}</p>
                                    <div class="enrol">
                                        <div class="qr" data-test="qr" inner_html=svg></div>
                                        <div class="stack">
                                            <p>{t(Msg::SecretKey)}": "<code class="secret" data-test="totp-secret">{e.secret.clone()}</code></p>
                                            <ActionForm action=confirm attr:class="stack narrow" attr:data-test="confirm-second-factor">
                                                <label><span>{t(Msg::TotpCode)}</span>
                                                    <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus=true/></label>
                                                <button type="submit" class="primary">{t(Msg::ConfirmSecondFactor)}</button>
                                            </ActionForm>
                                        </div>
                                    </div>
                                }.into_any()
                            }
                            None => view! {
                                <p>{t(Msg::SecondFactorOff)}{s.required.then(|| view! { " "{t(Msg::SecondFactorRequiredNote)} })}</p>
                                <ActionForm action=begin attr:class="inline">
                                    <button type="submit" class="primary" data-test="begin-second-factor">{t(Msg::SetUpSecondFactor)}</button>
                                </ActionForm>
                            }.into_any(),
                        },
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The sign-in's second step: the code from the app, or a recovery code.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let frame = Resource::new(|| (), |_| get_frame());
    view! {
        <SignInFrame frame title=Msg::SignInCodeTitle help=Msg::SignInCodeHelp>
                <form method="post" action="/login/code" class="stack">
                    <label>
                        <span>{t(Msg::CodeOrRecovery)}</span>
                        <input name="code" autocomplete="one-time-code" required maxlength="32" autofocus=true data-test="code"/>
                    </label>
                    <button type="submit" class="primary" data-test="verify-code">{t(Msg::SignIn)}</button>
                </form>
                <p><a href="/login">{t(Msg::BackToSignIn)}</a></p>
        </SignInFrame>
    }
}
