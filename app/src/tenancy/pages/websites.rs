//! Website pages: the scoped list with filters, sorting and CSV export; one website; the forms.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::{Form, A},
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use crate::{
    i18n::{t, use_locale, Locale, Msg},
    tenancy::{
        api::websites::{CreateWebsite, UpdateWebsite},
        DeploymentModel, Phase, ServiceModel, WebsiteFilter, WebsiteFlag, WebsiteRow,
    },
    ui::{ActionError, DetailError, ErrorNotice, FilterSelect},
};

/// The flags of a website as small labelled badges.
#[component]
pub fn FlagBadges(flags: Vec<WebsiteFlag>) -> impl IntoView {
    let locale = use_locale();
    if flags.is_empty() {
        return view! { <span class="muted">{t(Msg::NoFlags)}</span> }.into_any();
    }
    view! {
        <ul class="flags">
            {flags.into_iter().map(|f| view! { <li class="flag" data-flag=f.code()>{f.label().text(locale)}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

fn filter_from_query(q: &leptos_router::params::ParamsMap) -> WebsiteFilter {
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
    WebsiteFilter {
        q: get("q"),
        level: get("level"),
        phase: get("phase"),
        flag: get("flag"),
        sort: get("sort"),
        page: get("page"),
    }
}

/// A column header that sorts by `key`, flipping the order when already sorted by it.
fn sort_header(
    filter: &WebsiteFilter,
    base: &'static str,
    key: &'static str,
    label: Msg,
    locale: Locale,
) -> impl IntoView {
    let current = filter.sort.clone().unwrap_or_else(|| "agency".into());
    let (next, mark) = if current == key {
        (format!("-{key}"), " ▲")
    } else if current == format!("-{key}") {
        (key.to_string(), " ▼")
    } else {
        (key.to_string(), "")
    };
    let href = format!(
        "{base}?{}",
        WebsiteFilter {
            sort: Some(next),
            // A new order starts at the first page.
            page: None,
            ..filter.clone()
        }
        .query_string()
    );
    let sorted = if mark.is_empty() { None } else { Some(if mark == " ▲" { "ascending" } else { "descending" }) };
    view! { <th aria-sort=sorted><a href=href class="sort">{label.text(locale)}{mark}</a></th> }
}

/// The website table with its filter bar and CSV link; used by the websites page and the regulator's dashboard.
#[component]
pub fn WebsiteTable(#[prop(into)] base: &'static str, show_agency: bool) -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from_query));
    let list = Resource::new(move || filter.get(), crate::tenancy::api::websites::list_websites);
    let locale = use_locale();
    view! {
        <Form method="GET" action=base on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="website-filter">
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=move || filter.get().q.unwrap_or_default()/></label>
            <label><span>{t(Msg::ProtectionLevel)}</span>
                <select name="level">
                    <option value="">{t(Msg::AllLevels)}</option>
                    {move || { let cur = filter.get().level.unwrap_or_default(); (1..=5).map(|l| view! {
                        <option value=l.to_string() selected=cur == l.to_string()>{l}</option>
                    }).collect_view() }}
                </select>
            </label>
            <FilterSelect label=Msg::PhaseLabel name="phase" all=Msg::AllPhases choices=Phase::choices() current=Signal::derive(move || filter.get().phase.unwrap_or_default())/>
            <FilterSelect label=Msg::Flags name="flag" all=Msg::AllFlags choices=WebsiteFlag::choices() current=Signal::derive(move || filter.get().flag.unwrap_or_default())/>
            <input type="hidden" name="sort" value=move || filter.get().sort.unwrap_or_default()/>
            <div class="form-actions">
                <button type="submit" class="primary">{t(Msg::Filter)}</button>
                <a href=base class="button-link">{t(Msg::ClearFilter)}</a>
                <a href=move || format!("/websites/export.csv?{}", WebsiteFilter { page: None, ..filter.get() }.query_string()) class="button-link" data-test="csv-link" download="">{t(Msg::ExportCsv)}</a>
            </div>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.rows.is_empty() => {
                        let filtered = f != WebsiteFilter { sort: f.sort.clone(), ..Default::default() };
                        let msg = if filtered { Msg::NoMatches } else if list.can_create { Msg::NoWebsites } else { Msg::NoWebsitesInReach };
                        view! { <p class="empty" data-test="websites-empty">{t(msg)}</p> }.into_any()
                    }
                    Ok(list) => {
                        let (total, page, pages) = (list.total, list.page, list.pages);
                        let at_page = f.clone();
                        let link = move |p: u64| format!("{base}?{}", WebsiteFilter { page: Some(p.to_string()), ..at_page.clone() }.query_string());
                        let pager = (pages > 1).then(|| view! {
                            <nav class="pager" data-test="websites-pager">
                                {(page > 1).then(|| view! { <a href=link(page - 1)>{t(Msg::Previous)}</a> })}
                                <span>{page}" / "{pages}</span>
                                {(page < pages).then(|| view! { <a href=link(page + 1)>{t(Msg::Next)}</a> })}
                            </nav>
                        });
                        view! {
                            <p class="muted" data-test="websites-count">{total}" "{t(Msg::Shown)}</p>
                            <div class="table-wrap"><table class="table" data-test="websites">
                                <thead><tr>
                                    {show_agency.then(|| sort_header(&f, base, "agency", Msg::Agency, locale))}
                                    {sort_header(&f, base, "name", Msg::Website, locale)}
                                    {sort_header(&f, base, "domain", Msg::Domain, locale)}
                                    {sort_header(&f, base, "level", Msg::ProtectionLevel, locale)}
                                    <th>{t(Msg::DeploymentModelLabel)}</th>
                                    {sort_header(&f, base, "phase", Msg::PhaseLabel, locale)}
                                    <th>{t(Msg::Flags)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.rows.into_iter().map(|w| view! { <WebsiteRowView w show_agency/> }).collect_view()}
                                </tbody>
                            </table></div>
                            {pager}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn WebsiteRowView(w: WebsiteRow, show_agency: bool) -> impl IntoView {
    let locale = use_locale();
    view! {
        <tr data-website=w.id.to_string()>
            {show_agency.then(|| view! { <td>{w.agency_name.clone()}</td> })}
            <td><a href=format!("/websites/{}", w.id)>{w.name.clone()}</a></td>
            <td class="domain">{w.domain.clone()}</td>
            <td class="num">{w.protection_level}</td>
            <td class="nowrap">{w.service_model.label().text(locale)}" · "{w.deployment_model.label().text(locale)}</td>
            <td class="nowrap">{w.phase.label().text(locale)}<br/><span class="muted">{w.phase_since.clone()}</span></td>
            <td><FlagBadges flags=w.flags.clone()/></td>
        </tr>
    }
}

/// The fields of a website form, filled with `w` when editing.
#[component]
fn WebsiteFields(w: Option<WebsiteRow>, officer: Option<Uuid>, officers: Vec<(Uuid, String)>) -> impl IntoView {
    let locale = use_locale();
    let w2 = w.clone();
    let get = move |f: fn(&WebsiteRow) -> String| w2.as_ref().map(f).unwrap_or_default();
    let level = w.as_ref().map(|w| w.protection_level).unwrap_or(2);
    let service = w.as_ref().map(|w| w.service_model).unwrap_or(ServiceModel::Iaas);
    let deploy = w.as_ref().map(|w| w.deployment_model).unwrap_or(DeploymentModel::Government);
    let phase = w.as_ref().map(|w| w.phase).unwrap_or(Phase::Planning);
    view! {
        <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="200" value=get(|w| w.name.clone())/></label>
        <label><span>{t(Msg::Domain)}</span><input name="domain" required maxlength="253" placeholder="www.example.gov.cn" value=get(|w| w.domain.clone())/></label>
        <label><span>{t(Msg::ProtectionLevel)}</span>
            <select name="protection_level">
                {(1..=5).map(|l| view! { <option value=l.to_string() selected=l == level>{l}</option> }).collect_view()}
            </select>
        </label>
        <label><span>{t(Msg::ServiceModelLabel)}</span>
            <select name="service_model">
                {ServiceModel::ALL.iter().map(|m| view! { <option value=m.code() selected=*m == service>{m.label().text(locale)}</option> }).collect_view()}
            </select>
        </label>
        <label><span>{t(Msg::DeploymentModelLabel)}</span>
            <select name="deployment_model">
                {DeploymentModel::ALL.iter().map(|m| view! { <option value=m.code() selected=*m == deploy>{m.label().text(locale)}</option> }).collect_view()}
            </select>
        </label>
        <label><span>{t(Msg::PhaseLabel)}</span>
            <select name="phase">
                {Phase::ALL.iter().map(|p| view! { <option value=p.code() selected=*p == phase>{p.label().text(locale)}</option> }).collect_view()}
            </select>
        </label>
        <label><span>{t(Msg::PhaseSince)}</span><input type="date" name="phase_since" value=get(|w| w.phase_since.clone())/></label>
        <label><span>{t(Msg::SecurityOfficer)}</span>
            <select name="security_officer_id">
                <option value="">{t(Msg::NotNamed)}</option>
                {officers.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=officer == Some(id)>{name}</option> }).collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn WebsitesPage() -> impl IntoView {
    let create = ServerAction::<CreateWebsite>::new();
    let create_form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(create, Some(create_form), crate::ui::notice::saved);
    let list = Resource::new(
        move || create.version().get(),
        |_| crate::tenancy::api::websites::list_websites(WebsiteFilter::default()),
    );
    view! {
        <h1>{t(Msg::Websites)}</h1>
        <ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) if l.can_create => view! {
                        <details class="card" data-test="add-website">
                            <summary><h2 class="inline-h">{t(Msg::AddWebsite)}</h2></summary>
                            <ActionForm action=create node_ref=create_form attr:class="grid-form">
                                <WebsiteFields w=None officer=None officers=l.officer_choices.clone()/>
                                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
                            </ActionForm>
                        </details>
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        {move || { create.version().get(); view! { <WebsiteTable base="/websites" show_agency=true/> } }}
    }
}

#[component]
pub fn WebsitePage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateWebsite>::new();
    crate::ui::notice::when_done(update, None, crate::ui::notice::saved);
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let detail = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::tenancy::api::websites::get_website(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let locale = use_locale();
    view! {
        <p><A href="/websites">{t(Msg::BackToList)}</A></p>
        <ActionError value=Signal::derive(move || update.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => {
                        let w = d.website.clone();
                        view! {
                            <h1 data-test="website-name">{w.name.clone()}</h1>
                            <dl class="facts" data-test="website-facts">
                                <dt>{t(Msg::Agency)}</dt><dd>{w.agency_name.clone()}</dd>
                                <dt>{t(Msg::Domain)}</dt><dd class="domain">{w.domain.clone()}</dd>
                                <dt>{t(Msg::ProtectionLevel)}</dt><dd>{w.protection_level}</dd>
                                <dt>{t(Msg::ServiceModelLabel)}</dt><dd>{w.service_model.label().text(locale)}</dd>
                                <dt>{t(Msg::DeploymentModelLabel)}</dt><dd>{w.deployment_model.label().text(locale)}</dd>
                                <dt>{t(Msg::PhaseLabel)}</dt><dd>{w.phase.label().text(locale)}" · "{t(Msg::PhaseSince)}" "{w.phase_since.clone()}</dd>
                                <dt>{t(Msg::SecurityOfficer)}</dt><dd>{w.security_officer.clone().unwrap_or_else(|| t(Msg::NotNamed).to_string())}</dd>
                                <dt>{t(Msg::Flags)}</dt><dd><FlagBadges flags=w.flags.clone()/></dd>
                                <dt>{t(Msg::ServedBy)}</dt>
                                <dd>{if d.providers.is_empty() {
                                    view! { <span class="muted">{t(Msg::NoProviders)}</span> }.into_any()
                                } else {
                                    view! { <ul class="plain">{d.providers.iter().map(|(n, r)| view! { <li>{n.clone()}" · "{r.label().text(locale)}</li> }).collect_view()}</ul> }.into_any()
                                }}</dd>
                            </dl>
                            {d.can_edit.then(|| view! {
                                <section class="card" data-test="edit-website">
                                    <h2>{t(Msg::Edit)}</h2>
                                    <ActionForm action=update attr:class="grid-form">
                                        <input type="hidden" name="id" value=w.id.to_string()/>
                                        <WebsiteFields w=Some(w.clone()) officer=d.security_officer_id officers=d.officer_choices.clone()/>
                                        <div class="form-actions"><button type="submit" class="primary">{t(Msg::Save)}</button></div>
                                    </ActionForm>
                                </section>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
