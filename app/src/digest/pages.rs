//! The digest's part of the account page: when it comes and which kinds it tells of, and what it
//! would say now.
use leptos::{form::ActionForm, prelude::*};

use super::{api::SaveDigest, Digest, DigestSettings};
use crate::{
    i18n::{t, use_locale, Msg},
    ui::{ActionError, ErrorNotice},
};

/// The settings form and today's preview, on the account page.
#[component]
pub fn DigestSettingsSection() -> impl IntoView {
    let settings = Resource::new(|| (), |_| super::api::get_digest_settings());
    let preview = Resource::new(|| (), |_| super::api::get_digest_preview());
    view! {
        <section class="card" id="digest" data-test="digest-settings">
            <h2>{t(Msg::DgTitle)}</h2>
            <p class="muted">{t(Msg::DgIntro)}</p>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(s) => view! { <SettingsForm s/> }.into_any(),
                    }
                })}
            </Suspense>
            <h3>{t(Msg::DgPreview)}</h3>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(d) => view! { <Preview d/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsForm(s: DigestSettings) -> impl IntoView {
    let save = ServerAction::<SaveDigest>::new();
    crate::ui::notice::when_done(save, None, |_| crate::ui::notice::Done::here(Msg::DgSaved));
    let locale = use_locale();
    let last = s.last_sent.clone();
    view! {
        <ActionError value=Signal::derive(move || save.value().get())/>
        <ActionForm action=save attr:class="stack narrow" attr:data-test="digest-form">
            <label>
                <span>{t(Msg::DgSendAt)}" ("{s.time_zone.clone()}")"</span>
                <input type="time" name="input[send_at]" value=s.send_at.clone() required data-test="digest-time"/>
            </label>
            <fieldset class="checks">
                <legend>{t(Msg::DgReceive)}</legend>
                {s.kinds.iter().map(|k| {
                    let on = !s.opted_out.contains(k);
                    view! {
                        <label class="check">
                            <input type="checkbox" name=format!("input[{}]", k.code()) value="on" checked=on data-kind=k.code()/>
                            <span>{k.label().text(locale)}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <p class="muted small" data-test="digest-last">
                {t(Msg::DgLastSent)}": "{last.unwrap_or_else(|| t(Msg::DgNeverSent).to_string())}
            </p>
            <div class="form-actions"><button type="submit" class="primary" data-test="digest-save">{t(Msg::Save)}</button></div>
        </ActionForm>
    }
}

#[component]
fn Preview(d: Digest) -> impl IntoView {
    let locale = use_locale();
    if d.is_empty() {
        return view! { <p class="empty" data-test="digest-preview-empty">{t(Msg::DgNothingToday)}</p> }.into_any();
    }
    view! {
        <div data-test="digest-preview">
            {d.sections.into_iter().map(|s| {
                let more = s.total.saturating_sub(s.lines.len() as u64);
                view! {
                    <h4 data-kind=s.kind.code()>{s.kind.label().text(locale)}" ("{s.total}")"</h4>
                    <ul class="plain">
                        {s.lines.into_iter().map(|l| view! {
                            <li class=if l.overdue { "flag-line" } else { "" }><a href=l.link>{l.text}</a></li>
                        }).collect_view()}
                        {(more > 0).then(|| view! { <li><a href=s.link.clone()>{t(Msg::DgAllOfThem)}" (+"{more}")"</a></li> })}
                    </ul>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}
