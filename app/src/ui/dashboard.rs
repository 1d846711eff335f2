//! The signed-in person's start page.
use leptos::prelude::*;

use super::{roles_text, ErrorNotice, FrameResource};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn Dashboard() -> impl IntoView {
    let frame = expect_context::<FrameResource>();
    let locale = use_locale();
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match frame.await {
                    Ok(f) => {
                        let Some(v) = f.viewer else { return ().into_any() };
                        view! {
                            <h1>{t(Msg::Welcome)}", "{v.display_name.clone()}</h1>
                            <p class="lead">{t(Msg::DashboardIntro)}</p>
                            <dl class="facts">
                                <dt>{t(Msg::YourOrganisation)}</dt>
                                <dd data-test="org-name">{v.organisation_name.clone()}" ("{v.organisation_kind.label().text(locale)}")"</dd>
                                <dt>{t(Msg::Roles)}</dt>
                                <dd>{roles_text(&v.roles, locale)}</dd>
                                <dt>{t(Msg::LastSignIn)}</dt>
                                <dd>{v.last_login_at.clone().unwrap_or_else(|| t(Msg::Never).to_string())}</dd>
                                <dt>{t(Msg::TimeZoneNote)}</dt>
                                <dd>{v.time_zone.clone()}</dd>
                            </dl>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
