//! A jurisdiction's duty overview: who is on duty now at every desk of its agencies (as the duty
//! job recorded it, at most a minute old), filtered by name and by "uncovered now", a page of
//! organisations at a time, with the CSV of all pages and the special periods still without cover;
//! and its dashboard panel.
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::{desk_head, DeskRow};
use crate::{
    i18n::{t, Msg},
    rosters::{OverviewFilter, UncoveredSpecial},
    ui::ErrorNotice,
};

/// The filter as the address bar holds it (`page` counted from 1 there).
fn filter_from(q: &leptos_router::params::ParamsMap) -> OverviewFilter {
    OverviewFilter {
        q: q.get("q").unwrap_or_default(),
        uncovered: q.get("uncovered").is_some_and(|v| !v.is_empty()),
        page: q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(1).saturating_sub(1),
    }
}

fn query_string(f: &OverviewFilter, page: Option<u64>) -> String {
    let mut parts = Vec::new();
    if !f.q.trim().is_empty() {
        parts.push(format!("q={}", crate::ui::encode_query(f.q.trim())));
    }
    if f.uncovered {
        parts.push("uncovered=on".to_string());
    }
    if let Some(p) = page {
        parts.push(format!("page={}", p + 1));
    }
    parts.join("&")
}

/// Special periods without full cover, each linked to the week of its first gap.
#[component]
pub fn UncoveredList(specials: Vec<UncoveredSpecial>, show_org: bool) -> impl IntoView {
    view! {
        <ul class="plain" data-test="uncovered-specials">
            {specials.into_iter().map(|p| {
                let link = match &p.first_gap {
                    Some(w) => format!("/rosters/{}?week={w}", p.roster_id),
                    None => format!("/rosters/{}", p.roster_id),
                };
                view! {
                    <li data-special=p.special_id.to_string()>
                        {show_org.then(|| view! { <span>{p.organisation.clone()}" · "</span> })}
                        <strong>{p.name.clone()}</strong>" · "{p.roster.clone()}" · "{t(Msg::DutyStarts)}" "{p.starts_at.clone()}
                        " · "<a class="flag" href=link>{t(Msg::DutyUncovered)}" "{format!("{} h", p.gap_hours)}</a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The overview on `/rosters` for a jurisdiction.
#[component]
pub fn Overview() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(filter_from));
    let data = Resource::new(move || filter.get(), crate::rosters::api::get_duty_overview);
    view! {
        <Form method="GET" action="/rosters" on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="overview-filter">
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=move || filter.get().q/></label>
            <label class="check"><input type="checkbox" name="uncovered" checked=move || filter.get().uncovered/><span>{t(Msg::DutyOnlyUncovered)}</span></label>
            <div class="form-actions">
                <button type="submit" class="primary">{t(Msg::Filter)}</button>
                <a href="/rosters" class="button-link">{t(Msg::ClearFilter)}</a>
                <a href=move || format!("/rosters/overview.csv?{}", query_string(&filter.get(), None)) class="button-link" data-test="csv-link" download="">{t(Msg::ExportCsv)}</a>
            </div>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                let f = filter.get_untracked();
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(o) => {
                        let link = {
                            let f = f.clone();
                            move |p: u64| format!("/rosters?{}", query_string(&f, Some(p)))
                        };
                        let pager = (o.pages > 1).then(|| view! {
                            <nav class="pager" data-test="overview-pager">
                                {(o.page > 0).then(|| view! { <a href=link(o.page - 1)>{t(Msg::Previous)}</a> })}
                                <span>{o.page + 1}" / "{o.pages}</span>
                                {(o.page + 1 < o.pages).then(|| view! { <a href=link(o.page + 1)>{t(Msg::Next)}</a> })}
                            </nav>
                        });
                        let specials = if o.uncovered_specials.is_empty() {
                            view! { <p class="ok-text">{t(Msg::DutyAllSpecialsCovered)}</p> }.into_any()
                        } else {
                            view! {
                                <p class="muted">{o.uncovered_specials_total}" "{t(Msg::DutySpecialsUncoveredCount)}</p>
                                <UncoveredList specials=o.uncovered_specials.clone() show_org=true/>
                            }.into_any()
                        };
                        let table = if o.rows.is_empty() {
                            view! { <p class="empty" data-test="overview-empty">{t(if f == OverviewFilter::default() { Msg::DutyNoDesksInReach } else { Msg::NoMatches })}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table" data-test="desks">
                                    {desk_head()}
                                    <tbody>{o.rows.into_iter().map(|r| view! { <DeskRow d=r.desk uncovered_since=r.uncovered_since/> }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        };
                        view! {
                            <section class="card" data-test="overview-specials">
                                <h2>{t(Msg::DutySpecialsUncovered)}</h2>
                                {specials}
                            </section>
                            <p class="muted" data-test="overview-count">
                                {o.organisations}" "{t(Msg::DutyOrganisationsShown)}" · "
                                <span data-test="uncovered-now">{o.uncovered_now}</span>" "{t(Msg::DutyDesksUncoveredNow)}
                            </p>
                            {table}
                            {pager}
                            <p class="muted small">{t(Msg::DutyRecordedNote)}</p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The regulator's dashboard panel: desks uncovered now and special periods without cover soon.
#[component]
pub fn OverviewPanel() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| crate::rosters::api::get_duty_overview(OverviewFilter { uncovered: true, ..Default::default() }),
    );
    view! {
        <section class="card" data-test="duty-overview-panel">
            <h2>{t(Msg::DutyRosters)}" "<a href="/rosters" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(o) => view! {
                            <p>
                                <a href="/rosters?uncovered=on" data-test="uncovered-now">{o.uncovered_now}" "{t(Msg::DutyDesksUncoveredNow)}</a>
                                " · "{o.uncovered_specials_total}" "{t(Msg::DutySpecialsUncoveredCount)}
                            </p>
                            {(!o.uncovered_specials.is_empty()).then(|| view! {
                                <UncoveredList specials=o.uncovered_specials.into_iter().take(5).collect() show_org=true/>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
