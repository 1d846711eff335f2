//! The signed-in person's start page: the same facts for everyone, then the panels of its kind of
//! organisation (each module adds its own panel here).
use leptos::prelude::*;

use super::{roles_text, ErrorNotice, FrameResource};
use crate::{
    i18n::{t, use_locale, Msg},
    tenancy::{
        api::engagements::AnswerEngagement,
        pages::{
            engagements::EngagementTable,
            platform::{Node, OutboxPanel},
            websites::{FlagBadges, WebsiteTable},
        },
        OrgKind, WebsiteFilter,
    },
    ui::ActionError,
    ui::NavPage,
};

#[component]
pub fn Dashboard() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let locale = use_locale();
    view! {
        // A Suspend, not a closure returning one: Suspense calls a closure child again for each
        // pass over its children, and every call would create the panels' resources anew (their
        // queries ran twice and the page carried both sets). The frame does not change under a page.
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {Suspend::new(async move {
                match frame.await {
                    Ok(f) => {
                        let Some(v) = f.viewer else { return ().into_any() };
                        let kind = v.organisation_kind;
                        let nav = f.nav.clone();
                        view! {
                            <h1>{t(Msg::Welcome)}", "{v.display_name.clone()}</h1>
                            <dl class="facts compact">
                                <dt>{t(Msg::YourOrganisation)}</dt>
                                <dd data-test="org-name">{v.organisation_name.clone()}" ("{v.organisation_kind.label().text(locale)}")"</dd>
                                <dt>{t(Msg::Roles)}</dt>
                                <dd>{roles_text(&v.roles, locale)}</dd>
                                <dt>{t(Msg::LastSignIn)}</dt>
                                <dd>{v.last_login_at.clone().unwrap_or_else(|| t(Msg::Never).to_string())}</dd>
                            </dl>
                            <KindPanels kind nav/>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn KindPanels(kind: OrgKind, nav: Vec<NavPage>) -> impl IntoView {
    match kind {
        // Where attention is needed first (the board's head), then reports to review: the websites
        // table below runs to hundreds of pages. A
        // jurisdiction's engagements run to thousands: they have their own page, not a panel.
        OrgKind::Regulator => view! {
            {nav.contains(&NavPage::Oversight).then(|| view! { <crate::oversight::pages::OversightPanel/> })}
            {nav.contains(&NavPage::Reports).then(|| view! { <crate::reports::pages::ReportsPanel/> })}
            {nav.contains(&NavPage::Rosters).then(|| view! { <crate::rosters::pages::overview::OverviewPanel/> })}
            {nav.contains(&NavPage::Incidents).then(|| view! { <crate::plans::pages::incident::IncidentsPanel/> })}
            {nav.contains(&NavPage::Changes).then(|| view! { <crate::changes::pages::ChangesPanel/> })}
            {nav.contains(&NavPage::Emergency).then(|| view! { <crate::plans::pages::EmergencyPanel jurisdiction=true/> })}
            {nav.contains(&NavPage::Exit).then(|| view! { <crate::exit::pages::ExitsPanel/> })}
            <section data-test="regulator-panel">
                <h2>{t(Msg::AgenciesInJurisdiction)}</h2>
                <WebsiteTable base="/" show_agency=true/>
            </section>
        }
        .into_any(),
        OrgKind::Platform => view! { <PlatformPanels nav/> }.into_any(),
        OrgKind::Agency => view! {
            {nav.contains(&NavPage::Rosters).then(|| view! { <crate::rosters::pages::duty::DutyPanel/> })}
            {nav.contains(&NavPage::Reports).then(|| view! { <crate::reports::pages::ReportsPanel/> })}
            {nav.contains(&NavPage::Incidents).then(|| view! { <crate::plans::pages::incident::IncidentsPanel/> })}
            {nav.contains(&NavPage::Changes).then(|| view! { <crate::changes::pages::ChangesPanel/> })}
            {nav.contains(&NavPage::Emergency).then(|| view! { <crate::plans::pages::EmergencyPanel jurisdiction=false/> })}
            {nav.contains(&NavPage::Exit).then(|| view! { <crate::exit::pages::ExitsPanel/> })}
            <WebsitesPanel title=Msg::Websites show_agency=false/>
            <EngagementsPanel/>
            {nav.contains(&NavPage::People).then(|| view! { <PeoplePanel/> })}
        }
        .into_any(),
        _ => view! {
            {nav.contains(&NavPage::Rosters).then(|| view! { <crate::rosters::pages::duty::DutyPanel/> })}
            {nav.contains(&NavPage::Reports).then(|| view! { <crate::reports::pages::ReportsPanel/> })}
            {nav.contains(&NavPage::Incidents).then(|| view! { <crate::plans::pages::incident::IncidentsPanel/> })}
            {nav.contains(&NavPage::Changes).then(|| view! { <crate::changes::pages::ChangesPanel/> })}
            {nav.contains(&NavPage::Emergency).then(|| view! { <crate::plans::pages::EmergencyPanel jurisdiction=false/> })}
            {nav.contains(&NavPage::Exit).then(|| view! { <crate::exit::pages::ExitsPanel/> })}
            <EngagementsPanel/>
            <WebsitesPanel title=Msg::WebsitesServed show_agency=true/>
        }
        .into_any(),
    }
}

/// The websites in the viewer's reach, compact (the full table with filters is on /websites).
#[component]
fn WebsitesPanel(title: Msg, show_agency: bool) -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::tenancy::api::websites::list_websites(WebsiteFilter::default()));
    let locale = use_locale();
    view! {
        <section class="card" data-test="websites-panel">
            <h2>{t(title)}" "<a href="/websites" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) if l.rows.is_empty() => view! { <p class="empty">{t(if l.can_create { Msg::NoWebsites } else { Msg::NoWebsitesInReach })}</p> }.into_any(),
                        Ok(l) => view! {
                            <div class="table-wrap"><table class="table" data-test="websites">
                                <thead><tr>
                                    {show_agency.then(|| view! { <th>{t(Msg::Agency)}</th> })}
                                    <th>{t(Msg::Website)}</th><th>{t(Msg::Domain)}</th><th>{t(Msg::ProtectionLevel)}</th><th>{t(Msg::PhaseLabel)}</th><th>{t(Msg::Flags)}</th>
                                </tr></thead>
                                <tbody>{l.rows.into_iter().map(|w| view! {
                                    <tr data-website=w.id.to_string()>
                                        {show_agency.then(|| view! { <td>{w.agency_name.clone()}</td> })}
                                        <td><a href=format!("/websites/{}", w.id)>{w.name.clone()}</a></td>
                                        <td class="domain">{w.domain.clone()}</td>
                                        <td class="num">{w.protection_level}</td>
                                        <td class="nowrap">{w.phase.label().text(locale)}</td>
                                        <td><FlagBadges flags=w.flags.clone()/></td>
                                    </tr>
                                }).collect_view()}</tbody>
                            </table></div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EngagementsPanel() -> impl IntoView {
    let answer = ServerAction::<AnswerEngagement>::new();
    crate::ui::notice::when_done(answer, None, crate::tenancy::api::engagements::answered);
    let list = Resource::new(move || answer.version().get(), |_| crate::tenancy::api::engagements::list_engagements());
    view! {
        <section class="card" data-test="engagements-panel">
            <h2>{t(Msg::Engagements)}" "<a href="/engagements" class="small">{t(Msg::OpenAll)}</a></h2>
            <ActionError value=Signal::derive(move || answer.value().get().map(|r| r.map(|_| ())))/>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) if l.rows.is_empty() => view! { <p class="empty">{t(Msg::NoEngagements)}</p> }.into_any(),
                        Ok(l) => view! { <EngagementTable rows=l.rows answer/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PeoplePanel() -> impl IntoView {
    let people = Resource::new(|| (), |_| crate::tenancy::api::list_people());
    let locale = use_locale();
    view! {
        <section class="card" data-test="people-panel">
            <h2>{t(Msg::YourPeople)}" "<a href="/people" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) if p.people.is_empty() => view! { <p class="empty">{t(Msg::NoPeople)}</p> }.into_any(),
                        Ok(p) => view! {
                            <ul class="plain columns">{p.people.into_iter().filter(|p| p.active).map(|p| view! {
                                <li>{p.display_name}" "<span class="muted">{roles_text(&p.roles, locale)}</span></li>
                            }).collect_view()}</ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The platform operator's panels, each only where the policy grants its module.
#[component]
fn PlatformPanels(nav: Vec<NavPage>) -> impl IntoView {
    if !nav.contains(&NavPage::Organisations) {
        return view! { <p class="empty">{t(Msg::DashboardIntro)}</p> }.into_any();
    }
    let tree = Resource::new(|| (), |_| crate::tenancy::api::platform::load_jurisdictions());
    let orgs = Resource::new(|| (), |_| crate::tenancy::api::list_organisations());
    let locale = use_locale();
    view! {
        <section class="card" data-test="organisations-panel">
            <h2>{t(Msg::Organisations)}" "<a href="/organisations" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match orgs.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(rows) => {
                            let mut counts: Vec<(OrgKind, usize)> = OrgKind::ALL.iter().map(|k| (*k, rows.iter().filter(|o| o.kind == *k).count())).collect();
                            counts.retain(|(_, n)| *n > 0);
                            view! { <ul class="plain columns">{counts.into_iter().map(|(k, n)| view! { <li>{k.label().text(locale)}": "<strong>{n}</strong></li> }).collect_view()}</ul> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
        <section class="card" data-test="jurisdiction-panel">
            <h2>{t(Msg::Jurisdictions)}" "<a href="/jurisdictions" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match tree.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(t2) if t2.roots.is_empty() => view! { <p class="empty">{t(Msg::NoRegulators)}</p> }.into_any(),
                        Ok(t2) => view! { <ul class="tree">{t2.roots.into_iter().map(|n| view! { <Node node=n/> }).collect_view()}</ul> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <OutboxPanel/>
    }
    .into_any()
}
