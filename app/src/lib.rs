//! The portal's Leptos app: shell, routes and hydration entry; modules hold pages, server functions and services.
#![recursion_limit = "256"]

/// An enum with a stable storage code and a translated label per variant.
/// Items only the server builds (the browser's wasm has none of them): a module's server half
/// (entity, scope, service, http, mail, rules) is declared in one `ssr! { … }`.
macro_rules! ssr {
    ($($item:item)*) => { $( #[cfg(feature = "ssr")] $item )* };
}

/// A sea-orm entity with no relations declared (the modules join by hand, through their scopes):
/// the module, its table and the model's fields; the derives and the empty relation are the same
/// for every table.
#[cfg(feature = "ssr")]
macro_rules! entity {
    ($(#[$m:meta])* $module:ident = $table:literal { $($fields:tt)* }) => {
        $(#[$m])*
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model { $($fields)* }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal => $label:ident,)* }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        $(#[$m])*
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            pub fn label(self) -> Msg {
                match self { $($name::$variant => Msg::$label,)* }
            }

            /// Every code with its label, for a select.
            pub fn choices() -> Vec<(&'static str, Msg)> {
                vec![$(($code, Msg::$label),)*]
            }
        }
    };
}

pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod changes;
pub mod digest;
pub mod domain;
pub mod error;
pub mod exit;
#[cfg(all(test, feature = "ssr"))]
mod house;
pub mod i18n;
pub mod oversight;
pub mod plans;
pub mod portability;
pub mod reports;
pub mod rosters;
pub mod sla;
pub mod tenancy;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::i18n::{t, Locale, Msg};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = current_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.html_lang()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/pkg/favicon.svg"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The viewer's language: on the server from the request (resolved by the middleware), in the
/// browser from the document the server rendered.
pub fn current_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        crate::ui::form::viewer_locale()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|el| el.get_attribute("lang"))
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(current_locale());
    ui::notice::provide();
    // Marks the page once the wasm has taken over (end-to-end tests wait for it).
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="portal" href="/pkg/portal.css"/>
        <Title text=t(Msg::AppName)/>
        <Router>
            <Routes fallback=ui::NotFound>
                <Route ssr=SsrMode::Async path=path!("/login") view=auth::pages::SignInPage/>
                <Route ssr=SsrMode::Async path=path!("/login/code") view=auth::pages::SignInCodePage/>
                <Route ssr=SsrMode::Async path=path!("/invite/:token") view=tenancy::pages::InvitationPage/>
                <Route ssr=SsrMode::Async path=path!("/") view=|| view! { <ui::Layout><ui::dashboard::Dashboard/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/account/password") view=|| view! { <ui::Layout><auth::pages::PasswordPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/account/tokens") view=|| view! { <ui::Layout><auth::pages::TokensPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/account/security") view=|| view! { <ui::Layout><auth::pages::SecurityPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/organisations") view=|| view! { <ui::Layout page=ui::NavPage::Organisations><tenancy::pages::OrganisationsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/people") view=|| view! { <ui::Layout page=ui::NavPage::People><tenancy::pages::PeoplePage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/people/:id/deactivate") view=|| view! { <ui::Layout page=ui::NavPage::People><tenancy::pages::DeactivatePersonPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/people/:id/reset-password") view=|| view! { <ui::Layout page=ui::NavPage::People><tenancy::pages::ResetPasswordPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/websites") view=|| view! { <ui::Layout page=ui::NavPage::Websites><tenancy::pages::websites::WebsitesPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/websites/:id") view=|| view! { <ui::Layout page=ui::NavPage::Websites><tenancy::pages::websites::WebsitePage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/engagements") view=|| view! { <ui::Layout page=ui::NavPage::Engagements><tenancy::pages::engagements::EngagementsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/engagements/:id") view=|| view! { <ui::Layout page=ui::NavPage::Engagements><tenancy::pages::engagements::EngagementPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/engagements/:id/end") view=|| view! { <ui::Layout page=ui::NavPage::Engagements><tenancy::pages::engagements::EndEngagementPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/engagements/:id/decline") view=|| view! { <ui::Layout page=ui::NavPage::Engagements><tenancy::pages::engagements::DeclineEngagementPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/reports") view=|| view! { <ui::Layout page=ui::NavPage::Reports><reports::pages::ReportsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/reports/matrix") view=|| view! { <ui::Layout page=ui::NavPage::ReportMatrix><reports::pages::MatrixPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/reports/submit/:id") view=|| view! { <ui::Layout page=ui::NavPage::Reports><reports::pages::SubmitPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/reports/submissions/:id") view=|| view! { <ui::Layout page=ui::NavPage::Reports><reports::pages::SubmissionPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/rosters") view=|| view! { <ui::Layout page=ui::NavPage::Rosters><rosters::pages::RostersPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/duty") view=|| view! { <ui::Layout page=ui::NavPage::Rosters><rosters::pages::duty::MyDutyPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/rosters/:id") view=|| view! { <ui::Layout page=ui::NavPage::Rosters><rosters::pages::RosterPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::EmergencyPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency/agencies/:id") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::AgencyEmergencyPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency/plans/:id") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::plan::PlanPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency/plans/:id/approve") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::plan::ApprovePlanPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency/drills/:id") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::drill::DrillPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/emergency/actions/:id/close") view=|| view! { <ui::Layout page=ui::NavPage::Emergency><plans::pages::drill::CloseActionPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/incidents") view=|| view! { <ui::Layout page=ui::NavPage::Incidents><plans::pages::incident::IncidentsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/incidents/:id") view=|| view! { <ui::Layout page=ui::NavPage::Incidents><plans::pages::incident::IncidentPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/incidents/:id/close") view=|| view! { <ui::Layout page=ui::NavPage::Incidents><plans::pages::incident::CloseIncidentPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ChangesPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/new") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::NewChangePage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/calendar") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ChangeCalendarPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/terms") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ChangeTermsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/work-calendar") view=|| view! { <ui::Layout page=ui::NavPage::WorkCalendar><changes::pages::WorkCalendarPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/:id") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ChangePage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/sla") view=|| view! { <ui::Layout page=ui::NavPage::Sla><sla::pages::SlaPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/sla/:id") view=|| view! { <ui::Layout page=ui::NavPage::Sla><sla::pages::SlaEngagementPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/sla/:id/report") view=|| view! { <ui::Layout page=ui::NavPage::Sla><sla::pages::SlaMonthPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/sla/:id/year") view=|| view! { <ui::Layout page=ui::NavPage::Sla><sla::pages::SlaYearPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/:id/revise") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ReviseChangePage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/changes/:id/confirm") view=|| view! { <ui::Layout page=ui::NavPage::Changes><changes::pages::ConfirmStepPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/exits") view=|| view! { <ui::Layout page=ui::NavPage::Exit><exit::pages::ExitsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/exits/:id") view=|| view! { <ui::Layout page=ui::NavPage::Exit><exit::pages::ExitPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/exits/:id/confirm") view=|| view! { <ui::Layout page=ui::NavPage::Exit><exit::pages::ExitConfirmPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/exits/:id/record") view=|| view! { <ui::Layout page=ui::NavPage::Exit><exit::pages::ExitRecordPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/oversight") view=|| view! { <ui::Layout page=ui::NavPage::Oversight><oversight::pages::OversightPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/oversight/agencies/:id") view=|| view! { <ui::Layout page=ui::NavPage::Oversight><oversight::pages::OversightAgencyPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/oversight/report") view=|| view! { <ui::Layout page=ui::NavPage::Oversight><oversight::pages::report::MonthlyReportPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/oversight/agencies/:id/report") view=|| view! { <ui::Layout page=ui::NavPage::Oversight><oversight::pages::report::MonthlyReportPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/jurisdictions") view=|| view! { <ui::Layout page=ui::NavPage::Jurisdictions><tenancy::pages::platform::JurisdictionsPage/></ui::Layout> }/>
                <Route ssr=SsrMode::Async path=path!("/audit") view=|| view! { <ui::Layout page=ui::NavPage::Audit><audit::pages::AuditPage/></ui::Layout> }/>
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
