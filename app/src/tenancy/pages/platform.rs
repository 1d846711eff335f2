//! The platform operator's pages: the jurisdiction tree with its placing form, and the outbox.
use leptos::{form::ActionForm, prelude::*};

use crate::{
    i18n::{t, Msg},
    tenancy::{api::platform::PlaceInJurisdiction, JurisdictionNode},
    ui::{ActionError, ErrorNotice},
};

#[component]
pub fn Node(node: JurisdictionNode) -> impl IntoView {
    view! {
        <li class="tree-node" data-regulator=node.name.clone()>
            <strong>{node.name.clone()}</strong>
            {(!node.agencies.is_empty()).then(|| view! {
                <ul class="tree-agencies">
                    {node.agencies.iter().map(|(_, n)| view! { <li data-agency=n.clone()>{n.clone()}</li> }).collect_view()}
                </ul>
            })}
            {(!node.children.is_empty()).then(|| view! {
                <ul class="tree">{node.children.into_iter().map(|c| view! { <Node node=c/> }).collect_view()}</ul>
            })}
        </li>
    }
    .into_any()
}

#[component]
pub fn JurisdictionsPage() -> impl IntoView {
    let place = ServerAction::<PlaceInJurisdiction>::new();
    crate::ui::notice::when_done(place, None, crate::ui::notice::saved);
    let tree = Resource::new(move || place.version().get(), |_| crate::tenancy::api::platform::load_jurisdictions());
    view! {
        <h1>{t(Msg::Jurisdictions)}</h1>
        <ActionError value=Signal::derive(move || place.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match tree.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(tree) => {
                        let orgs: Vec<(uuid::Uuid, String)> = tree.regulators.iter().chain(tree.agencies.iter()).cloned().collect();
                        view! {
                            <section class="card" data-test="place-form">
                                <h2>{t(Msg::PlaceUnder)}" / "{t(Msg::Move)}</h2>
                                <ActionForm action=place attr:class="grid-form">
                                    <label><span>{t(Msg::OrganisationToPlace)}</span>
                                        <select name="organisation_id">
                                            {orgs.into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <label><span>{t(Msg::UnderRegulator)}</span>
                                        <select name="regulator_id">
                                            <option value="">{t(Msg::NoRegulator)}</option>
                                            {tree.regulators.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="check"><input type="checkbox" name="moving" value="on"/>{t(Msg::Move)}</label>
                                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::Save)}</button></div>
                                </ActionForm>
                            </section>
                            {if tree.roots.is_empty() {
                                view! { <p class="empty">{t(Msg::NoRegulators)}</p> }.into_any()
                            } else {
                                view! { <ul class="tree card" data-test="jurisdiction-tree">{tree.roots.into_iter().map(|n| view! { <Node node=n/> }).collect_view()}</ul> }.into_any()
                            }}
                            <section class="card">
                                <h2>{t(Msg::Unplaced)}</h2>
                                {if tree.unplaced_agencies.is_empty() {
                                    view! { <p class="empty">{t(Msg::NoFlags)}</p> }.into_any()
                                } else {
                                    view! { <ul class="plain" data-test="unplaced">{tree.unplaced_agencies.into_iter().map(|(_, n)| view! { <li>{n}</li> }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The outbox panel: counts by state (each a filter), and the newest mails with their state and
/// attempts; a mail given up on shows its last error.
#[component]
pub fn OutboxPanel() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let wanted = move || query.with(|q| q.get("outbox").filter(|s| !s.is_empty()));
    let state = Resource::new(wanted, crate::tenancy::api::platform::outbox_state);
    let label = move |code: &str| match code {
        "pending" => t(Msg::MailPending),
        "sent" => t(Msg::MailSent),
        _ => t(Msg::MailDead),
    };
    view! {
        <section class="card" data-test="outbox">
            <h2>{t(Msg::Outbox)}</h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => {
                            let current = s.state.clone();
                            let link = move |code: Option<&'static str>, text: String| {
                                let href = code.map(|c| format!("/?outbox={c}")).unwrap_or_else(|| "/".into());
                                let here = current.as_deref() == code;
                                view! { <a href=href aria-current=here.then_some("true") data-state=code.unwrap_or("all")>{text}</a> }
                            };
                            view! {
                                <p class="row-actions" data-test="outbox-counts">
                                    {link(None, t(Msg::AllMails).to_string())}
                                    {link(Some("pending"), format!("{} {}", s.pending, t(Msg::MailPending)))}
                                    {link(Some("sent"), format!("{} {}", s.sent, t(Msg::MailSent)))}
                                    {link(Some("dead"), format!("{} {}", s.dead, t(Msg::MailDead)))}
                                </p>
                                {if s.mails.is_empty() {
                                    view! { <p class="empty">{t(Msg::NoMails)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap"><table class="table stack-narrow" data-test="mails">
                                            <thead><tr><th>{t(Msg::Recipient)}</th><th>{t(Msg::Subject)}</th><th>{t(Msg::State)}</th><th>{t(Msg::Attempts)}</th><th>{t(Msg::Time)}</th><th>{t(Msg::LastError)}</th></tr></thead>
                                            <tbody>{s.mails.into_iter().map(|m| {
                                                let badge = match m.state.as_str() { "sent" => "badge ok", "dead" => "badge warn", _ => "badge" };
                                                view! {
                                                    <tr data-state=m.state.clone()>
                                                        <td data-label=t(Msg::Recipient)>{m.to}</td>
                                                        <td data-label=t(Msg::Subject)>{m.subject}</td>
                                                        <td data-label=t(Msg::State)><span class=badge>{label(&m.state)}</span></td>
                                                        <td data-label=t(Msg::Attempts) class="num">{m.attempts}</td>
                                                        <td data-label=t(Msg::Time) class="nowrap">{m.created_at}{m.sent_at.map(|s| format!(" → {s}"))}</td>
                                                        <td data-label=t(Msg::LastError) class="wrap">{m.last_error}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}</tbody>
                                        </table></div>
                                        <p class="muted">{t(Msg::NewestMails)}</p>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
