//! Engagement pages: the list (invitations awaiting an answer first), the agency's invitation form,
//! the provider's answer, ending by either side, and one engagement's page.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use crate::{
    i18n::{t, use_locale, Msg},
    tenancy::{
        api::engagements::{AnswerEngagement, EndEngagement, InviteProvider},
        EngagementList, EngagementRow, EngagementStatus,
    },
    ui::{ActionError, DetailError, ErrorNotice},
};

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
pub fn EngagementTable(
    rows: Vec<EngagementRow>,
    answer: ServerAction<AnswerEngagement>,
    end: ServerAction<EndEngagement>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="table" data-test="engagements">
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
                            <td>{r.agency_name.clone()}</td>
                            <td>{r.provider_name.clone()}</td>
                            <td class="nowrap">{r.role.label().text(locale)}</td>
                            <td><StatusBadge row=r.clone()/></td>
                            <td class="nowrap">{r.starts_on.clone()}" – "{r.ends_on.clone()}</td>
                            <td>{match r.websites.clone() {
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
                                    <ActionForm action=answer attr:class="inline">
                                        <input type="hidden" name="id" value=id2b/>
                                        <input type="hidden" name="accept" value="false"/>
                                        <button type="submit" class="link-button" data-test="decline">{t(Msg::Decline)}</button>
                                    </ActionForm>
                                })}
                                {r.can_end.then(move || view! {
                                    <ActionForm action=end attr:class="inline">
                                        <input type="hidden" name="id" value=id3/>
                                        <button type="submit" class="link-button danger" data-test="end">{t(Msg::EndEngagement)}</button>
                                    </ActionForm>
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
fn InviteForm(list: EngagementList, invite: ServerAction<InviteProvider>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <details class="card" data-test="invite-provider">
            <summary><h2 class="inline-h">{t(Msg::InviteProvider)}</h2></summary>
            <ActionForm action=invite attr:class="grid-form">
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
    let answer = ServerAction::<AnswerEngagement>::new();
    let end = ServerAction::<EndEngagement>::new();
    let list = Resource::new(
        move || (invite.version().get(), answer.version().get(), end.version().get()),
        |_| crate::tenancy::api::engagements::list_engagements(),
    );
    view! {
        <h1>{t(Msg::Engagements)}</h1>
        <ActionError value=Signal::derive(move || invite.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || answer.value().get())/>
        <ActionError value=Signal::derive(move || end.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(l) => {
                        let rows = l.rows.clone();
                        view! {
                            {l.can_invite.then(|| view! { <InviteForm list=l.clone() invite/> })}
                            {if rows.is_empty() {
                                view! { <p class="empty" data-test="engagements-empty">{t(Msg::NoEngagements)}</p> }.into_any()
                            } else {
                                view! { <EngagementTable rows answer end/> }.into_any()
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
    let end = ServerAction::<EndEngagement>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let row = Resource::new(
        move || (id(), answer.version().get(), end.version().get()),
        |(id, _, _)| async move {
            match id {
                Some(id) => crate::tenancy::api::engagements::get_engagement(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let locale = use_locale();
    view! {
        <p><A href="/engagements">{t(Msg::BackToList)}</A></p>
        <ActionError value=Signal::derive(move || answer.value().get())/>
        <ActionError value=Signal::derive(move || end.value().get())/>
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
                        </dl>
                        <EngagementTable rows=vec![r] answer end/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
