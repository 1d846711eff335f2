//! Pages for organisations (platform administrator) and people (organisation administrator); websites,
//! engagements and the platform's pages beside it.
pub mod engagements;
pub mod platform;
pub mod websites;

use leptos::{form::ActionForm, prelude::*};
use uuid::Uuid;

use super::{
    api::{
        AcceptInvitation, CreateOrganisation, CreatePerson, EndPersonSessions, InvitePerson, ResetPersonPassword,
        ResetPersonSecondFactor, SetPersonActive, SetSecondFactorRequired, UnlockPerson, UpdateOrganisation,
        UpdatePerson,
    },
    OneTimePassword, OrgKind, PersonRow, Role, SupplierSubtype,
};
use crate::{
    error::AppError,
    i18n::{t, use_locale, Msg},
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        notice::{saved, when_done},
        roles_text, ActionError, DetailError, ErrorNotice,
    },
};

/// A one-time password shown once, after what made it (a new person by default, or a reset).
#[component]
fn OneTimePasswordBox(otp: OneTimePassword, #[prop(default = Msg::OneTimePasswordIntro)] intro: Msg) -> impl IntoView {
    view! {
        <div class="notice ok" role="status" data-test="otp-box">
            <p>{t(intro)}" "<strong>{otp.email}</strong></p>
            <p><code class="secret" data-test="one-time-password">{otp.password}</code></p>
        </div>
    }
}

/// Clears a create form once its action succeeded, so the next entry starts empty.
fn reset_on_success(succeeded: Signal<bool>, form: NodeRef<leptos::html::Form>) {
    Effect::new(move |_| {
        if succeeded.get() {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
}

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let create = ServerAction::<CreateOrganisation>::new();
    let create_form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(Signal::derive(move || matches!(create.value().get(), Some(Ok(_)))), create_form);
    let update = ServerAction::<UpdateOrganisation>::new();
    when_done(update, None, saved);
    let orgs =
        Resource::new(move || (create.version().get(), update.version().get()), |_| super::api::list_organisations());
    let locale = use_locale();
    let (kind, set_kind) = signal("agency".to_string());
    view! {
        <h1>{t(Msg::Organisations)}</h1>
        <AdminsSecondFactor/>
        <section class="card">
            <h2>{t(Msg::NewOrganisation)}</h2>
            {move || match create.value().get() {
                Some(Ok(otp)) => Some(view! { <OneTimePasswordBox otp/> }.into_any()),
                Some(Err(e)) => Some(view! { <ErrorNotice error=e/> }.into_any()),
                None => None,
            }}
            <ActionError value=Signal::derive(move || update.value().get())/>
            <ActionForm action=create node_ref=create_form attr:class="grid-form" attr:data-test="create-organisation">
                <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="200"/></label>
                <label><span>{t(Msg::Kind)}</span>
                    <select name="kind" on:change=move |ev| set_kind.set(event_target_value(&ev))>
                        {OrgKind::ALL.iter().filter(|k| **k != OrgKind::Platform).map(|k| view! {
                            <option value=k.code()>{k.label().text(locale)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class:dim=move || kind.get() != "supplier"><span>{t(Msg::Subtype)}</span>
                    <select name="subtype">
                        <option value="">{t(Msg::NoSubtype)}</option>
                        {SupplierSubtype::ALL.iter().map(|s| view! { <option value=s.code()>{s.label().text(locale)}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{t(Msg::FirstAdminEmail)}</span><input name="admin_email" type="email" required maxlength="254"/></label>
                <label><span>{t(Msg::FirstAdminName)}</span><input name="admin_name" required maxlength="200"/></label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </section>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match orgs.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">{t(Msg::NoOrganisations)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table" data-test="organisations">
                            <thead><tr>
                                <th>{t(Msg::Name)}</th><th>{t(Msg::Kind)}</th><th>{t(Msg::PeopleCount)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::Actions)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|o| view! {
                                    <tr>
                                        <td>{o.name.clone()}</td>
                                        <td>{o.kind.label().text(locale)}{o.subtype.map(|s| format!(" · {}", s.label().text(locale)))}</td>
                                        <td class="num">{o.people}</td>
                                        <td>{if o.active { t(Msg::Active) } else { t(Msg::Inactive) }}</td>
                                        <td class="actions"><div class="row-actions">
                                            <details>
                                                <summary>{t(Msg::Edit)}</summary>
                                                <ActionForm action=update attr:class="stack">
                                                    <input type="hidden" name="id" value=o.id.to_string()/>
                                                    <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="200" value=o.name.clone()/></label>
                                                    <label class="check"><input type="checkbox" name="active" value="on" checked=o.active/>{t(Msg::Active)}</label>
                                                    <button type="submit" class="primary">{t(Msg::Save)}</button>
                                                </ActionForm>
                                            </details>
                                        </div></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoleBoxes(grantable: Vec<Role>, checked: Vec<Role>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <fieldset class="roles">
            <legend>{t(Msg::Roles)}</legend>
            {grantable.into_iter().map(|r| view! {
                <label class="check">
                    <input type="checkbox" name=format!("role_{}", r.code()) value="on" checked=checked.contains(&r)/>
                    {r.label().text(locale)}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let create = ServerAction::<CreatePerson>::new();
    let create_form = NodeRef::<leptos::html::Form>::new();
    reset_on_success(Signal::derive(move || matches!(create.value().get(), Some(Ok(_)))), create_form);
    let invite = ServerAction::<InvitePerson>::new();
    let invite_form = NodeRef::<leptos::html::Form>::new();
    let invitations = Resource::new(move || invite.version().get(), |_| super::api::list_invitations());
    when_done(invite, Some(invite_form), super::api::invitation_sent);
    let update = ServerAction::<UpdatePerson>::new();
    when_done(update, None, saved);
    let set_active = ServerAction::<SetPersonActive>::new();
    when_done(set_active, None, super::api::activity_set);
    let unlock = ServerAction::<UnlockPerson>::new();
    when_done(unlock, None, super::api::unlocked);
    let end_sessions = ServerAction::<EndPersonSessions>::new();
    when_done(end_sessions, None, super::api::sessions_ended);
    let reset_second = ServerAction::<ResetPersonSecondFactor>::new();
    when_done(reset_second, None, super::api::second_factor_reset);
    let require_second = ServerAction::<SetSecondFactorRequired>::new();
    when_done(require_second, None, saved);
    let people = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                set_active.version().get(),
                unlock.version().get(),
                (reset_second.version().get(), require_second.version().get()),
            )
        },
        |_| super::api::list_people(),
    );
    view! {
        <h1>{t(Msg::PeopleOf)}</h1>
        {move || match create.value().get() {
            Some(Ok(otp)) => Some(view! { <OneTimePasswordBox otp/> }.into_any()),
            Some(Err(e)) => Some(view! { <ErrorNotice error=e/> }.into_any()),
            None => None,
        }}
        <ActionError value=Signal::derive(move || update.value().get())/>
        <ActionError value=Signal::derive(move || set_active.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || unlock.value().get())/>
        <ActionError value=Signal::derive(move || end_sessions.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || reset_second.value().get())/>
        <ActionError value=Signal::derive(move || require_second.value().get())/>
        <ActionError value=Signal::derive(move || invite.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let open = invitations.await.unwrap_or_default();
                match people.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(page) => {
                        let grantable = page.grantable.clone();
                        let grantable_invite = page.grantable.clone();
                        let me = page.me;
                        let required = page.second_factor_required;
                        let can_export = page.can_export;
                        view! {
                            <ActionForm action=require_second attr:class="card inline-form" attr:data-test="require-second-factor">
                                <label class="check">
                                    <input type="checkbox" name="on" value="true" checked=required/>
                                    <span>{t(Msg::RequireSecondFactor)}</span>
                                </label>
                                <button type="submit">{t(Msg::Save)}</button>
                            </ActionForm>
                            {can_export.then(|| view! {
                                <section class="card" data-test="agency-archive">
                                    <h2>{t(Msg::PortArchiveTitle)}</h2>
                                    <p class="muted">{t(Msg::PortArchiveExplain)}</p>
                                    <p><a class="button-link" href="/organisation/archive.zip" rel="external" download="">{t(Msg::PortArchiveDownload)}</a></p>
                                </section>
                            })}
                            <section class="card">
                                <h2>{t(Msg::AddPerson)}</h2>
                                <ActionForm action=create node_ref=create_form attr:class="grid-form" attr:data-test="add-person">
                                    <label><span>{t(Msg::Email)}</span><input name="email" type="email" required maxlength="254"/></label>
                                    <label><span>{t(Msg::DisplayName)}</span><input name="display_name" required maxlength="200"/></label>
                                    <RoleBoxes grantable=page.grantable.clone() checked=vec![Role::Viewer]/>
                                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
                                </ActionForm>
                            </section>
                            <details class="card" data-test="invite-person">
                                <summary><h2 class="inline-h">{t(Msg::InvitePerson)}</h2></summary>
                                <ActionForm action=invite node_ref=invite_form attr:class="grid-form">
                                    <label><span>{t(Msg::Email)}</span><input name="email" type="email" required maxlength="254"/></label>
                                    <label><span>{t(Msg::DisplayName)}</span><input name="display_name" required maxlength="200"/></label>
                                    <RoleBoxes grantable=grantable_invite checked=vec![Role::Staff]/>
                                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::Invite)}</button></div>
                                </ActionForm>
                            </details>
                            {(!open.is_empty()).then(|| view! { <InvitationTable rows=open.clone()/> })}
                            {if page.people.is_empty() {
                                view! { <p class="empty">{t(Msg::NoPeople)}</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table stack-narrow" data-test="people">
                                        <thead><tr>
                                            <th>{t(Msg::DisplayName)}</th><th>{t(Msg::Email)}</th><th>{t(Msg::Roles)}</th>
                                            <th>{t(Msg::Status)}</th><th>{t(Msg::LastSignIn)}</th><th>{t(Msg::Actions)}</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.people.into_iter().map(|p| {
                                                let is_me = p.id == me;
                                                view! { <PersonRowView person=p grantable=grantable.clone() is_me update set_active unlock end_sessions reset_second/> }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The platform's rule: every administrator (organisation or platform) must use a second factor.
#[component]
fn AdminsSecondFactor() -> impl IntoView {
    use crate::auth::api::SetAdminsSecondFactor;
    let set = ServerAction::<SetAdminsSecondFactor>::new();
    when_done(set, None, saved);
    let now = Resource::new(move || set.version().get(), |_| crate::auth::api::get_admins_second_factor());
    view! {
        <ActionError value=Signal::derive(move || set.value().get())/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                now.await.ok().map(|on| view! {
                    <ActionForm action=set attr:class="card inline-form" attr:data-test="admins-second-factor">
                        <label class="check">
                            <input type="checkbox" name="on" value="true" checked=on/>
                            <span>{t(Msg::RequireAdminsSecondFactor)}</span>
                        </label>
                        <button type="submit">{t(Msg::Save)}</button>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}

#[component]
fn InvitationTable(rows: Vec<super::InvitationRow>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{t(Msg::OpenInvitations)}</h2>
        <div class="table-wrap"><table class="table" data-test="invitations">
            <thead><tr><th>{t(Msg::DisplayName)}</th><th>{t(Msg::Email)}</th><th>{t(Msg::Roles)}</th><th>{t(Msg::ValidUntil)}</th></tr></thead>
            <tbody>{rows.into_iter().map(|i| view! {
                <tr class:inactive=i.expired>
                    <td>{i.display_name}</td><td>{i.email}</td><td>{roles_text(&i.roles, locale)}</td>
                    <td class="nowrap">{i.expires_at}{i.expired.then(|| format!(" · {}", t(Msg::Expired)))}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

#[component]
fn PersonRowView(
    person: PersonRow,
    grantable: Vec<Role>,
    is_me: bool,
    update: ServerAction<UpdatePerson>,
    set_active: ServerAction<SetPersonActive>,
    unlock: ServerAction<UnlockPerson>,
    end_sessions: ServerAction<EndPersonSessions>,
    reset_second: ServerAction<ResetPersonSecondFactor>,
) -> impl IntoView {
    let locale = use_locale();
    let id = person.id.to_string();
    let id_sessions = id.clone();
    let id_second = id.clone();
    let id_active = id.clone();
    let id_reset = id.clone();
    let id_unlock = id.clone();
    let locked = person.locked_until.is_some();
    let status = if !person.active {
        t(Msg::Inactive).to_string()
    } else if let Some(until) = &person.locked_until {
        format!("{} {until}", t(Msg::LockedUntil))
    } else if person.must_change_password {
        format!("{} · {}", t(Msg::Active), t(Msg::MustChange))
    } else {
        t(Msg::Active).to_string()
    };
    view! {
        <tr class:inactive=!person.active data-email=person.email.clone()>
            <td class="nowrap" data-label=t(Msg::DisplayName)>{person.display_name.clone()}</td>
            <td data-label=t(Msg::Email)>{person.email.clone()}</td>
            <td data-label=t(Msg::Roles)>{roles_text(&person.roles, locale)}</td>
            <td class="nowrap" data-label=t(Msg::Status)>{status}
                {person.second_factor.then(|| view! { " "<span class="badge ok" data-test="has-second-factor">{t(Msg::SecondFactorOnBadge)}</span> })}</td>
            <td class="nowrap" data-label=t(Msg::LastSignIn)>{person.last_login_at.clone().unwrap_or_else(|| t(Msg::Never).to_string())}</td>
            <td class="actions"><div class="row-actions">
                <details>
                    <summary>{t(Msg::Edit)}</summary>
                    <ActionForm action=update attr:class="stack">
                        <input type="hidden" name="id" value=id/>
                        <label><span>{t(Msg::DisplayName)}</span><input name="display_name" required maxlength="200" value=person.display_name.clone()/></label>
                        {if is_me {
                            // One's own roles are another administrator's to change: sent back as they are.
                            view! {
                                {person.roles.iter().map(|r| view! {
                                    <input type="hidden" name=format!("role_{}", r.code()) value="on"/>
                                }).collect_view()}
                                <p class="muted" data-test="own-roles">{t(Msg::OwnRolesHelp)}</p>
                            }.into_any()
                        } else {
                            view! { <RoleBoxes grantable checked=person.roles.clone()/> }.into_any()
                        }}
                        <button type="submit" class="primary">{t(Msg::Save)}</button>
                    </ActionForm>
                </details>
                // Deactivating asks first, on a page of its own; reactivating is undone as easily.
                {(!is_me && person.active).then(|| view! {
                    <a href=format!("/people/{id_active}/deactivate") class="danger" data-test="deactivate">{t(Msg::Deactivate)}</a>
                })}
                {(!is_me && !person.active).then(|| view! {
                    <ActionForm action=set_active attr:class="inline">
                        <input type="hidden" name="id" value=id_active.clone()/>
                        <input type="hidden" name="active" value="true"/>
                        <button type="submit" class="link-button" data-test="reactivate">{t(Msg::Reactivate)}</button>
                    </ActionForm>
                })}
                {locked.then(|| view! {
                    <ActionForm action=unlock attr:class="inline">
                        <input type="hidden" name="id" value=id_unlock/>
                        <button type="submit" class="link-button" data-test="unlock">{t(Msg::Unlock)}</button>
                    </ActionForm>
                })}
                {person.active.then(|| view! {
                    <a href=format!("/people/{id_reset}/reset-password") data-test="reset-password">{t(Msg::ResetPassword)}</a>
                })}
                {person.second_factor.then(|| view! {
                    <ActionForm action=reset_second attr:class="inline">
                        <input type="hidden" name="id" value=id_second/>
                        <button type="submit" class="link-button" data-test="reset-second-factor">{t(Msg::ResetSecondFactor)}</button>
                    </ActionForm>
                })}
                // One's own sessions are ended from one's security page.
                {(!is_me && person.active).then(|| view! {
                    <ActionForm action=end_sessions attr:class="inline">
                        <input type="hidden" name="id" value=id_sessions/>
                        <button type="submit" class="link-button" data-test="end-sessions">{t(Msg::EndSessions)}</button>
                    </ActionForm>
                })}
            </div></td>
        </tr>
    }
}

/// The public page an invitation link opens: the person sets a password and joins.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let invitation = Resource::new(token, super::api::get_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    view! {
        <div class="signin-wrap">
            <div class="signin-top">
                <span class="signin-brand">{t(Msg::AppName)}</span>
                <crate::ui::LanguageSwitch/>
            </div>
            <main class="card signin">
                <h1>{t(Msg::AcceptInvitation)}</h1>
                <ActionError value=Signal::derive(move || accept.value().get())/>
                <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Err(e) => view! { <ErrorNotice error=e/><p><a href="/login">{t(Msg::SignIn)}</a></p> }.into_any(),
                            Ok(i) => view! {
                                <p class="muted">{t(Msg::InvitationIntro)}</p>
                                <p data-test="invitation-org"><strong>{i.organisation.clone()}</strong></p>
                                <ActionForm action=accept attr:class="stack" attr:data-test="accept-invitation">
                                    <input type="hidden" name="token" value=token()/>
                                    <label><span>{t(Msg::Email)}</span><input type="email" value=i.email.clone() readonly autocomplete="username"/></label>
                                    <label><span>{t(Msg::ChoosePassword)}</span><input type="password" name="password" required minlength="12" maxlength="128" autocomplete="new-password"/></label>
                                    <label><span>{t(Msg::RepeatPassword)}</span><input type="password" name="confirm" required minlength="12" maxlength="128" autocomplete="new-password"/></label>
                                    <button type="submit" class="primary">{t(Msg::AcceptInvitation)}</button>
                                </ActionForm>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}

/// The person named by the page's address, among the people of the administrator's organisation.
async fn person_of_page(id: Option<Uuid>) -> Result<PersonRow, AppError> {
    let page = super::api::list_people().await?;
    let id = id.ok_or(AppError::NotFound)?;
    page.people.into_iter().find(|p| p.id == id).ok_or(AppError::NotFound)
}

fn person_id(params: Memo<leptos_router::params::ParamsMap>) -> Option<Uuid> {
    params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

/// Asks before deactivating a person, saying what follows.
#[component]
pub fn DeactivatePersonPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let set_active = ServerAction::<SetPersonActive>::new();
    when_done(set_active, None, super::api::activity_set);
    let person = Resource::new(move || person_id(params), person_of_page);
    view! {
        <ActionError value=Signal::derive(move || set_active.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match person.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(p) => view! {
                        <ConfirmCard title=Msg::DeactivateTitle subject=format!("{} <{}>", p.display_name, p.email)
                            follows=vec![Msg::DeactivateFollowsSignIn, Msg::DeactivateFollowsRecords, Msg::DeactivateFollowsUndo]>
                            <ActionForm action=set_active attr:class="stack" attr:data-test="deactivate-form">
                                <input type="hidden" name="id" value=p.id.to_string()/>
                                <input type="hidden" name="active" value="false"/>
                                <ConfirmButtons confirm=Msg::DeactivateConfirm back="/people".to_string()/>
                            </ActionForm>
                        </ConfirmCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Asks before resetting a person's password; with JavaScript the one-time password shows here.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let reset = ServerAction::<ResetPersonPassword>::new();
    let person = Resource::new(move || person_id(params), person_of_page);
    view! {
        {move || match reset.value().get() {
            Some(Ok(otp)) => Some(view! {
                <OneTimePasswordBox otp intro=Msg::PasswordResetIntro/>
                <p><a href="/people" data-test="back-to-people">{t(Msg::BackToPeople)}</a></p>
            }.into_any()),
            Some(Err(e)) => Some(view! { <ErrorNotice error=e/> }.into_any()),
            None => None,
        }}
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match person.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    // Done: the one-time password above is what the page is for now.
                    Ok(_) if matches!(reset.value().get_untracked(), Some(Ok(_))) => ().into_any(),
                    Ok(p) => view! {
                        <ConfirmCard title=Msg::ResetTitle subject=format!("{} <{}>", p.display_name, p.email)
                            follows=vec![Msg::ResetPasswordHelp, Msg::ResetFollowsHandOver]>
                            <ActionForm action=reset attr:class="stack" attr:data-test="reset-form">
                                <input type="hidden" name="id" value=p.id.to_string()/>
                                <ConfirmButtons confirm=Msg::ResetConfirm back="/people".to_string()/>
                            </ActionForm>
                        </ConfirmCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
