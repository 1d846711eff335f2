//! Engagement pages: the list (invitations awaiting an answer first), the agency's invitation form,
//! the provider's answer, ending by either side, and one engagement's page.
use leptos::{form::ActionForm, html::Form, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use crate::{
    error::AppError,
    i18n::{t, use_locale, Msg},
    tenancy::{
        api::engagements::{answered, ended, invited, AnswerEngagement, EndEngagement, InviteProvider},
        EngagementList, EngagementRow, EngagementStatus, MAX_REASON_CHARS,
    },
    ui::{
        confirm::{ConfirmButtons, ConfirmCard, ReasonField},
        notice::when_done,
        ActionError, DetailError, ErrorNotice,
    },
};

/// The engagement named by the page's address.
fn engagement_id(params: Memo<leptos_router::params::ParamsMap>) -> Option<Uuid> {
    params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

async fn engagement(id: Option<Uuid>) -> Result<EngagementRow, AppError> {
    match id {
        Some(id) => crate::tenancy::api::engagements::get_engagement(id).await,
        None => Err(AppError::NotFound),
    }
}

#[component]
pub fn StatusBadge(row: EngagementRow) -> impl IntoView {
    let locale = use_locale();
    // "Active" alone would read as in force: an accepted engagement outside its dates says which.
    let (class, label) = match row.status {
        _ if row.in_force => ("badge ok", Msg::InForce.text(locale).to_string()),
        EngagementStatus::Active if row.starts_later => {
            ("badge", format!("{} {}", Msg::AcceptedStartsOn.text(locale), row.starts_on))
        }
        EngagementStatus::Active => ("badge muted", format!("{} {}", Msg::LapsedOn.text(locale), row.ends_on)),
        EngagementStatus::Invited => ("badge warn", row.status.label().text(locale).to_string()),
        _ => ("badge muted", row.status.label().text(locale).to_string()),
    };
    view! { <span class=class data-status=row.status.code()>{label}</span> }
}

/// The engagements table with the row actions the viewer may take.
#[component]
pub fn EngagementTable(rows: Vec<EngagementRow>, answer: ServerAction<AnswerEngagement>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="table stack-narrow" data-test="engagements">
            <thead><tr>
                <th>{t(Msg::Agency)}</th><th>{t(Msg::Provider)}</th><th>{t(Msg::ServiceRole)}</th>
                <th>{t(Msg::Status)}</th><th>{t(Msg::StartsOn)}" – "{t(Msg::EndsOn)}</th><th>{t(Msg::CoveredWebsites)}</th><th>{t(Msg::Actions)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let id = r.id.to_string();
                    let (id2, id2b, id3) = (id.clone(), id.clone(), id.clone());
                    view! {
                        <tr data-engagement=id.clone() data-provider=r.provider_name.clone() data-agency=r.agency_name.clone()>
                            <td data-label=t(Msg::Agency)>{r.agency_name.clone()}</td>
                            <td data-label=t(Msg::Provider)>{r.provider_name.clone()}</td>
                            <td class="nowrap" data-label=t(Msg::ServiceRole)>{r.role.label().text(locale)}</td>
                            <td data-label=t(Msg::Status)><StatusBadge row=r.clone()/></td>
                            <td class="nowrap" data-label=t(Msg::StartsOn)>{r.starts_on.clone()}" – "{r.ends_on.clone()}</td>
                            <td data-label=t(Msg::CoveredWebsites)>{match r.websites.clone() {
                                Some(ws) => view! { <ul class="plain">{ws.into_iter().map(|(_, name, domain)| view! { <li>{name}" "<span class="muted domain">{domain}</span></li> }).collect_view()}</ul> }.into_any(),
                                None => view! { <span class="muted">{r.website_count}" "{t(Msg::HiddenWebsites)}</span> }.into_any(),
                            }}</td>
                            <td class="actions"><div class="row-actions">
                                <a href=format!("/engagements/{id}")>{t(Msg::Details)}</a>
                                {r.can_answer.then(move || view! {
                                    <ActionForm action=answer attr:class="inline">
                                        <input type="hidden" name="id" value=id2/>
                                        <input type="hidden" name="accept" value="true"/>
                                        <button type="submit" class="primary small" data-test="accept">{t(Msg::Accept)}</button>
                                    </ActionForm>
                                    // Declining and ending cannot be undone: each asks first, on a page of its own.
                                    <a href=format!("/engagements/{id2b}/decline") class="danger" data-test="decline">{t(Msg::Decline)}</a>
                                })}
                                {r.can_end.then(move || view! {
                                    <a href=format!("/engagements/{id3}/end") class="danger" data-test="end">{t(Msg::EndEngagement)}</a>
                                })}
                            </div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn InviteForm(list: EngagementList, invite: ServerAction<InviteProvider>, form: NodeRef<Form>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <details class="card" data-test="invite-provider">
            <summary><h2 class="inline-h">{t(Msg::InviteProvider)}</h2></summary>
            <ActionForm action=invite node_ref=form attr:class="grid-form">
                <label><span>{t(Msg::Provider)}</span>
                    <select name="provider_id" required>
                        {list.providers.into_iter().map(|p| view! {
                            <option value=p.id.to_string()>{p.name.clone()}" · "{p.kind.label().text(locale)}{p.subtype.map(|s| format!(" · {}", s.label().text(locale)))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label><span>{t(Msg::StartsOn)}</span><input type="date" name="starts_on" required/></label>
                <label><span>{t(Msg::EndsOn)}</span><input type="date" name="ends_on" required/></label>
                <label><span>{t(Msg::NdaSignedOn)}</span><input type="date" name="nda_signed_on"/></label>
                <label><span>{t(Msg::NdaSignedBy)}</span><input name="nda_signed_by" maxlength="200"/></label>
                <label><span>{t(Msg::ChangeNoticeDays)}</span><input type="number" name="change_notice_days" min="0" max="365" value="30"/></label>
                <fieldset class="roles">
                    <legend>{t(Msg::CoveredWebsites)}</legend>
                    {list.own_websites.into_iter().enumerate().map(|(i, (id, name, domain))| view! {
                        <label class="check"><input type="checkbox" name=format!("website_ids[{i}]") value=id.to_string()/>{name}" "<span class="muted">{domain}</span></label>
                    }).collect_view()}
                </fieldset>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Invite)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn EngagementsPage() -> impl IntoView {
    let invite = ServerAction::<InviteProvider>::new();
    let invite_form = NodeRef::<Form>::new();
    when_done(invite, Some(invite_form), invited);
    let answer = ServerAction::<AnswerEngagement>::new();
    when_done(answer, None, answered);
    let list = Resource::new(
        move || (invite.version().get(), answer.version().get()),
        |_| crate::tenancy::api::engagements::list_engagements(),
    );
    view! {
        <h1>{t(Msg::Engagements)}</h1>
        <ActionError value=Signal::derive(move || invite.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || answer.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(l) => {
                        let rows = l.rows.clone();
                        view! {
                            {l.can_invite.then(|| view! { <InviteForm list=l.clone() invite form=invite_form/> })}
                            {if rows.is_empty() {
                                view! { <p class="empty" data-test="engagements-empty">{t(Msg::NoEngagements)}</p> }.into_any()
                            } else {
                                view! { <EngagementTable rows answer/> }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EngagementPage() -> impl IntoView {
    let params = use_params_map();
    let answer = ServerAction::<AnswerEngagement>::new();
    when_done(answer, None, answered);
    let row = Resource::new(move || (engagement_id(params), answer.version().get()), |(id, _)| engagement(id));
    let locale = use_locale();
    view! {
        <p><A href="/engagements">{t(Msg::BackToList)}</A></p>
        <ActionError value=Signal::derive(move || answer.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match row.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(r) => view! {
                        <h1>{r.agency_name.clone()}" ↔ "{r.provider_name.clone()}</h1>
                        <dl class="facts" data-test="engagement-facts">
                            <dt>{t(Msg::ServiceRole)}</dt><dd>{r.role.label().text(locale)}</dd>
                            <dt>{t(Msg::Status)}</dt><dd><StatusBadge row=r.clone()/></dd>
                            <dt>{t(Msg::StartsOn)}</dt><dd>{r.starts_on.clone()}</dd>
                            <dt>{t(Msg::EndsOn)}</dt><dd>{r.ends_on.clone()}</dd>
                            <dt>{t(Msg::NdaSignedOn)}</dt><dd>{r.nda_signed_on.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::NdaSignedBy)}</dt><dd>{r.nda_signed_by.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{t(Msg::ChangeNoticeDays)}</dt><dd>{r.change_notice_days}</dd>
                            <dt>{t(Msg::CoveredWebsites)}</dt>
                            <dd>{match r.websites.clone() {
                                Some(ws) => view! { <ul class="plain">{ws.into_iter().map(|(_, n, d)| view! { <li>{n}" "<span class="muted domain">{d}</span></li> }).collect_view()}</ul> }.into_any(),
                                None => view! { <span class="muted">{r.website_count}" "{t(Msg::HiddenWebsites)}</span> }.into_any(),
                            }}</dd>
                            {r.closing.clone().map(|c| view! {
                                <dt>{t(Msg::ClosedOnBy)}</dt><dd data-test="closed-by">{c.on}" · "{c.by}</dd>
                                <dt>{t(Msg::ClosingReason)}</dt><dd data-test="closing-reason">{c.reason.unwrap_or_else(|| "—".into())}</dd>
                            })}
                        </dl>
                        <EngagementTable rows=vec![r] answer/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Asks before ending an engagement (or withdrawing an invitation): what follows, and why.
#[component]
pub fn EndEngagementPage() -> impl IntoView {
    let params = use_params_map();
    let end = ServerAction::<EndEngagement>::new();
    let id = move || engagement_id(params);
    when_done(end, None, move |_| ended(id().unwrap_or_default()));
    let row = Resource::new(id, engagement);
    view! {
        <ActionError value=Signal::derive(move || end.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match row.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(r) if !r.can_end => view! { <AlreadyClosed row=r/> }.into_any(),
                    Ok(r) => {
                        let back = format!("/engagements/{}", r.id);
                        let (title, confirm, follows) = if r.status == EngagementStatus::Invited {
                            (Msg::WithdrawTitle, Msg::WithdrawConfirm, vec![Msg::WithdrawFollows, Msg::OtherSideTold, Msg::CannotBeUndone])
                        } else {
                            (Msg::EndTitle, Msg::EndConfirm, vec![Msg::EndFollowsAccess, Msg::EndFollowsReports, Msg::OtherSideTold, Msg::CannotBeUndone])
                        };
                        view! {
                            <ConfirmCard title subject=format!("{} ↔ {}", r.agency_name, r.provider_name) follows>
                                <ActionForm action=end attr:class="stack" attr:data-test="end-form">
                                    <input type="hidden" name="id" value=r.id.to_string()/>
                                    <ReasonField label=Msg::EngagementEndReason max_chars=MAX_REASON_CHARS/>
                                    <ConfirmButtons confirm back/>
                                </ActionForm>
                            </ConfirmCard>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Asks before a provider declines an invitation, with the reason the agency will read.
#[component]
pub fn DeclineEngagementPage() -> impl IntoView {
    let params = use_params_map();
    let answer = ServerAction::<AnswerEngagement>::new();
    when_done(answer, None, answered);
    let row = Resource::new(move || engagement_id(params), engagement);
    view! {
        <ActionError value=Signal::derive(move || answer.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match row.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(r) if !r.can_answer => view! { <AlreadyClosed row=r/> }.into_any(),
                    Ok(r) => view! {
                        <ConfirmCard title=Msg::DeclineTitle subject=format!("{} ↔ {}", r.agency_name, r.provider_name)
                            follows=vec![Msg::DeclineFollows, Msg::CannotBeUndone]>
                            <ActionForm action=answer attr:class="stack" attr:data-test="decline-form">
                                <input type="hidden" name="id" value=r.id.to_string()/>
                                <input type="hidden" name="accept" value="false"/>
                                <ReasonField label=Msg::DeclineReason max_chars=MAX_REASON_CHARS/>
                                <ConfirmButtons confirm=Msg::DeclineConfirm back=format!("/engagements/{}", r.id)/>
                            </ActionForm>
                        </ConfirmCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A confirmation page opened for an engagement that can no longer take that step.
#[component]
fn AlreadyClosed(row: EngagementRow) -> impl IntoView {
    view! {
        <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ErrEngagementClosed)}</p></div>
        <p><a href=format!("/engagements/{}", row.id)>{t(Msg::BackToEngagement)}</a></p>
    }
}
