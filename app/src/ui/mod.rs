//! Shared components: the page layout and navigation per role, messages, the not-found page.
pub mod confirm;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod flash;
#[cfg(feature = "ssr")]
pub mod form;
pub mod nav;
pub mod notice;

pub use nav::NavPage;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

use crate::{
    auth::{api::get_frame, Frame, Viewer},
    error::AppError,
    i18n::{t, use_locale, Locale, Msg},
    tenancy::Role,
};

/// A one-shot message shown at the top of the next page (kept in the session by [`flash`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
    pub secret: Option<String>,
    /// The field a refused plain form was refused for: the form shown again marks it.
    #[serde(default)]
    pub field: Option<String>,
}

pub type FrameResource = Resource<Result<Frame, AppError>>;

/// The frame of every signed-in page: header with navigation, language, sign-out; the flash; the
/// content. A page of a module (`page`) shows only when the access policy gives the viewer that
/// module — the same decision the navigation and the services take — and otherwise only the
/// refusal, never the page's title and filters around it.
#[component]
pub fn Layout(#[prop(optional)] page: Option<NavPage>, children: ChildrenFn) -> impl IntoView {
    let frame: FrameResource = Resource::new(|| (), |_| get_frame());
    provide_context(frame);
    let children = StoredValue::new(children);
    // One boundary for the header and the content, both after the frame: a second boundary
    // waiting on the same resource beside the first made the renderer's lost wake-ups (see
    // `retry_stalled_render`) frequent. A Suspend, not a closure returning one: Suspense would call
    // a closure again for each pass, making the page's resources anew (a hydration mismatch).
    view! {
        <Suspense fallback=|| view! { <header class="topbar"></header> }>
            {Suspend::new(async move {
                let frame = frame.await;
                let allowed = match (page, &frame) {
                    (Some(p), Ok(Frame { viewer: Some(v), nav, .. })) => {
                        v.must_change_password || v.must_enrol_second_factor || nav.contains(&p)
                    }
                    // Not signed in (the server sends such requests to sign-in) or no module asked.
                    _ => true,
                };
                let header = match frame {
                    Ok(f) => view! { <Header frame=f/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                };
                let content = if allowed {
                    children.with_value(|c| c()).into_any()
                } else {
                    view! { <Refusal/> }.into_any()
                };
                view! {
                    {header}
                    <main class="content"><notice::NoticeView/>{content}</main>
                }
            })}
        </Suspense>
    }
}

/// What a page the viewer may not open shows: the refusal alone, with status 403.
#[component]
pub fn Refusal() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    view! {
        <h1>{t(Msg::ForbiddenTitle)}</h1>
        <ErrorNotice error=AppError::Forbidden/>
        <p><a href="/">{t(Msg::BackHome)}</a></p>
    }
}

#[component]
fn Header(frame: Frame) -> impl IntoView {
    let Frame { viewer, demo, flash, nav, .. } = frame;
    view! {
        {demo.then(|| view! { <DemoBanner/> })}
        <header class="topbar">
            <a class="brand" href="/">{t(Msg::AppShort)}</a>
            <nav class="mainnav" aria-label=t(Msg::Dashboard)>
                {viewer.clone().map(|v| view! { <NavLinks viewer=v nav/> })}
            </nav>
            <div class="topbar-end">
                <LanguageSwitch/>
                {viewer.map(|v| view! {
                    // The account page sits behind one's own name, so the navigation keeps to one line at 1280 px.
                    <a class="who" href="/account/password" title=format!("{} · {} · {}", t(Msg::MyAccount), v.email, v.organisation_name) data-test="my-account">
                        {v.display_name.clone()}<span class="org">" · "{v.organisation_name.clone()}</span>
                    </a>
                    <form method="post" action="/logout" class="inline">
                        <button type="submit" class="link-button" data-test="sign-out">{t(Msg::SignOut)}</button>
                    </form>
                })}
            </div>
        </header>
        {flash.map(|f| view! { <FlashNotice flash=f/> })}
    }
}

#[component]
fn NavLinks(viewer: Viewer, nav: Vec<NavPage>) -> impl IntoView {
    let path = use_location().pathname;
    let link = move |href: &'static str, label: Msg| {
        let current = move || {
            let p = path.get();
            let here = if href == "/" {
                p == "/"
            } else if href == "/reports" {
                // The matrix has its own entry.
                p == href || (p.starts_with("/reports/") && !p.starts_with("/reports/matrix"))
            } else {
                p == href || p.starts_with(&format!("{href}/"))
            };
            here.then_some("page")
        };
        view! { <a href=href aria-current=current>{t(label)}</a> }
    };
    if viewer.must_change_password {
        return view! { {link("/account/password", Msg::ChangePassword)} }.into_any();
    }
    if viewer.must_enrol_second_factor {
        return view! { {link("/account/security", Msg::AccountSecurity)} }.into_any();
    }
    view! {
        {link("/", Msg::Dashboard)}
        {nav.into_iter().map(|p| match p {
            NavPage::Oversight => link("/oversight", Msg::OvNav),
            NavPage::Websites => link("/websites", Msg::Websites),
            NavPage::Engagements => link("/engagements", Msg::Engagements),
            NavPage::Reports => link("/reports", Msg::Reports),
            NavPage::ReportMatrix => link("/reports/matrix", Msg::ReportMatrix),
            NavPage::Rosters => link("/rosters", Msg::DutyNav),
            NavPage::Emergency => link("/emergency", Msg::ErNav),
            NavPage::Incidents => link("/incidents", Msg::ErIncidents),
            NavPage::Changes => link("/changes", Msg::ChNav),
            NavPage::Sla => link("/sla", Msg::SlaNav),
            NavPage::Exit => link("/exits", Msg::ExNav),
            NavPage::Organisations => link("/organisations", Msg::Organisations),
            NavPage::Jurisdictions => link("/jurisdictions", Msg::Jurisdictions),
            NavPage::People => link("/people", Msg::People),
            NavPage::Audit => link("/audit", Msg::AuditTrail),
            NavPage::WorkCalendar => link("/work-calendar", Msg::WorkCalendar),
        }).collect_view()}
    }
    .into_any()
}

#[component]
pub fn DemoBanner() -> impl IntoView {
    view! { <div class="demo-banner" role="note" data-test="demo-banner">{t(Msg::DemoBanner)}</div> }
}

/// Switches language on every page; a plain form, so it works without JavaScript.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let current = use_locale();
    let button = move |l: Locale, label: Msg| {
        view! {
            <button type="submit" name="lang" value=l.code() class="lang" aria-pressed=(current == l).to_string()
                data-test=format!("lang-{}", l.code())>
                {label.text(l)}
            </button>
        }
    };
    view! {
        <form method="post" action="/locale" class="inline lang-switch" aria-label=t(Msg::Language)>
            <input type="hidden" name="back" prop:value=back value=back/>
            {button(Locale::Zh, Msg::LangZh)}
            {button(Locale::En, Msg::LangEn)}
        </form>
    }
}

#[component]
pub fn FlashNotice(flash: Flash) -> impl IntoView {
    let class = if flash.ok { "notice ok" } else { "notice error" };
    view! {
        <div class=class role="status" data-test="flash">
            <p>{flash.text}</p>
            {flash.secret.map(|s| view! { <p><code class="secret" data-test="one-time-password">{s}</code></p> })}
        </div>
    }
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let locale = use_locale();
    if error == AppError::NotSignedIn {
        return view! { <div class="notice error" role="alert"><p>{error.message(locale)}" "<a href="/login">{t(Msg::SignIn)}</a></p></div> }.into_any();
    }
    view! { <div class="notice error" role="alert" data-test="error"><p>{error.message(locale)}</p></div> }.into_any()
}

/// Shows the outcome of a server action: its error, or nothing.
#[component]
pub fn ActionError(#[prop(into)] value: Signal<Option<Result<(), AppError>>>) -> impl IntoView {
    move || match value.get() {
        Some(Err(e)) => Some(view! { <ErrorNotice error=e/> }),
        _ => None,
    }
}

/// One select of a filter form: "all" first (when given), then the choices, the current one
/// selected. Every list's filters are built of these.
#[component]
pub fn FilterSelect(
    label: Msg,
    name: &'static str,
    #[prop(optional)] all: Option<Msg>,
    choices: Vec<(&'static str, Msg)>,
    #[prop(into)] current: Signal<String>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <label><span>{t(label)}</span>
            <select name=name>
                {all.map(|m| view! { <option value="">{t(m)}</option> })}
                {move || {
                    let cur = current.get();
                    choices.iter().map(|(code, m)| view! {
                        <option value=*code selected=cur == *code>{m.text(locale)}</option>
                    }).collect_view()
                }}
            </select>
        </label>
    }
}

/// A detail page whose record could not be read: "not found" (what a record outside the reach
/// also answers) sets the page's status to 404 as well; a refusal reads as one, not as "not found".
#[component]
pub fn DetailError(error: AppError) -> impl IntoView {
    if error == AppError::Forbidden {
        return view! { <Refusal/> }.into_any();
    }
    #[cfg(feature = "ssr")]
    if error == AppError::NotFound {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! { <h1>{t(Msg::NotFoundTitle)}</h1><ErrorNotice error/> }.into_any()
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="simple-page">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <p>{t(Msg::NotFoundBody)}</p>
            <p><a href="/">{t(Msg::BackHome)}</a></p>
        </main>
    }
}

/// For a filter form (`<Form on_form_data=...>`): leaves empty fields out of the address, so a
/// filter that chose nothing reads `/reports`, not `/reports?side=&kind=&q=`. (Without the wasm
/// the server redirects such an address to its clean form.)
pub fn drop_empty_fields() -> std::sync::Arc<dyn Fn(&web_sys::FormData)> {
    std::sync::Arc::new(|data: &web_sys::FormData| {
        use wasm_bindgen::JsCast;
        let mut empty = Vec::new();
        if let Ok(Some(entries)) = js_sys::try_iter(&data.entries()) {
            for entry in entries.flatten() {
                let pair: js_sys::Array = entry.unchecked_into();
                if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    if value.trim().is_empty() {
                        empty.push(name);
                    }
                }
            }
        }
        for name in empty {
            data.delete(&name);
        }
    })
}

/// Percent-encodes a query-string value (everything but unreserved ASCII).
pub fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Labels of roles, joined for a table cell.
pub fn roles_text(roles: &[Role], locale: Locale) -> String {
    roles.iter().map(|r| r.label().text(locale)).collect::<Vec<_>>().join("、")
}

/// A file's size in binary units, labelled as such (the limits are binary too: 200 MiB).
pub fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
