//! The audit page: filter by person, action and dates; export the filtered rows; verify the chain.
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{api::VerifyAuditChain, AuditAction, AuditFilter};
use crate::{
    i18n::{t, use_locale, Msg},
    tenancy::{OrgKind, Role},
    ui::{ErrorNotice, FrameResource},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| AuditFilter {
            person: q.get("person").and_then(|p| p.parse().ok()),
            action: q.get("action").filter(|a| !a.is_empty()),
            from: q.get("from").filter(|a| !a.is_empty()),
            to: q.get("to").filter(|a| !a.is_empty()),
        })
    });
    let page = Resource::new(move || filter.get(), super::api::load_audit);
    let locale = use_locale();
    let frame = expect_context::<FrameResource>();
    view! {
        <h1>{t(Msg::AuditTrail)}</h1>
        // The operator's check sits at the top, not under thousands of rows.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let platform = frame.await.ok().and_then(|f| f.viewer)
                    .is_some_and(|v| v.organisation_kind == OrgKind::Platform && v.has(Role::PlatformAdmin));
                platform.then(|| view! { <VerifyChain/> })
            })}
        </Suspense>
        <Form method="GET" action="/audit" on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="audit-filter">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let f = filter.get_untracked();
                    let people = page.await.map(|p| p.people).unwrap_or_default();
                    view! {
                        <label><span>{t(Msg::Person)}</span>
                            <select name="person">
                                <option value="">{t(Msg::AnyPerson)}</option>
                                {people.into_iter().map(|(id, email)| {
                                    let selected = f.person == Some(id);
                                    view! { <option value=id.to_string() selected=selected>{email}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    }
                })}
            </Suspense>
            <label><span>{t(Msg::Action)}</span>
                <select name="action">
                    <option value="">{t(Msg::AnyAction)}</option>
                    {move || {
                        let current = filter.get().action.unwrap_or_default();
                        AuditAction::ALL.iter().map(|a| view! {
                            <option value=a.code() selected=current == a.code()>{a.label().text(locale)}</option>
                        }).collect_view()
                    }}
                </select>
            </label>
            <label><span>{t(Msg::From)}</span><input type="date" name="from" value=move || filter.get().from.unwrap_or_default()/></label>
            <label><span>{t(Msg::To)}</span><input type="date" name="to" value=move || filter.get().to.unwrap_or_default()/></label>
            <div class="form-actions">
                <button type="submit" class="primary">{t(Msg::Filter)}</button>
                <a href="/audit" class="button">{t(Msg::ClearFilter)}</a>
                <a class="button" rel="external" data-test="export-csv"
                    href=move || format!("/audit/export.csv?{}", filter.get().query_string())>{t(Msg::ExportCsv)}</a>
            </div>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(p) if p.rows.is_empty() => view! { <p class="empty">{t(Msg::NoAuditRows)}</p> }.into_any(),
                    Ok(p) => view! {
                        <p class="muted">{t(Msg::ShowingRows)}": "{p.rows.len()}" / "{p.total}" · "{t(Msg::TimeZoneNote)}" "{p.time_zone.clone()}</p>
                        <div class="table-wrap"><table class="table audit" data-test="audit-rows">
                            <thead><tr>
                                <th>"#"</th><th>{t(Msg::When)}</th><th>{t(Msg::Who)}</th><th>{t(Msg::Action)}</th>
                                <th>{t(Msg::Target)}</th><th>{t(Msg::Details)}</th><th>{t(Msg::SourceAddress)}</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| {
                                    view! {
                                        <tr data-action=r.action.clone()>
                                            <td class="num">{r.seq}</td>
                                            <td class="nowrap">{r.at}</td>
                                            <td class="nowrap">{r.actor_email.unwrap_or_default()}</td>
                                            <td class="nowrap">{r.action_label}</td>
                                            <td class="wrap">{r.target}</td>
                                            <td class="wrap">{r.summary}</td>
                                            <td class="nowrap">{r.source_addr.unwrap_or_default()}</td>
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

#[component]
fn VerifyChain() -> impl IntoView {
    let verify = ServerAction::<VerifyAuditChain>::new();
    view! {
        <section class="card">
            <h2>{t(Msg::VerifyChain)}</h2>
            <leptos::form::ActionForm action=verify>
                <button type="submit" class="primary" data-test="verify-chain">{t(Msg::VerifyChain)}</button>
            </leptos::form::ActionForm>
            {move || verify.value().get().map(|r| match r {
                Ok(report) => match report.first_break {
                    None => view! { <div class="notice ok" data-test="chain-ok">{t(Msg::ChainIntact)}" "{t(Msg::RowsChecked)}": "{report.rows_checked}</div> }.into_any(),
                    Some(b) => view! { <div class="notice error" data-test="chain-broken">{t(Msg::ChainBroken)}" "{b.to_string()}</div> }.into_any(),
                },
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </section>
    }
}
