//! The module's two settings pages: an agency's notice terms per CSP engagement, and the platform
//! operator's corrections of the working calendar every business-day deadline is counted on.
use leptos::{form::ActionForm, prelude::*};

use crate::{
    changes::{
        api::{SetChangeTerms, SetWorkDay},
        Terms, TermsRow,
    },
    i18n::{t, Msg},
    ui::{ActionError, ErrorNotice},
};

/// The terms' fields, in the order the notice meets them, with each one's default.
const TERM_FIELDS: [(&str, Msg); 6] = [
    ("initial_bd", Msg::ChInitialBd),
    ("final_bd", Msg::ChFinalBd),
    ("interruption_hours", Msg::ChInterruptionHours),
    ("after_bd", Msg::ChAfterBd),
    ("assessment_bd", Msg::ChAssessmentBd),
    ("adaptive_bd", Msg::ChAdaptiveBd),
];

fn term_value(t: &Terms, field: &str) -> u16 {
    match field {
        "initial_bd" => t.initial_bd,
        "final_bd" => t.final_bd,
        "interruption_hours" => t.interruption_hours,
        "after_bd" => t.after_bd,
        "assessment_bd" => t.assessment_bd,
        _ => t.adaptive_bd,
    }
}

#[component]
pub fn ChangeTermsPage() -> impl IntoView {
    let save = ServerAction::<SetChangeTerms>::new();
    crate::ui::notice::when_done(save, None, |_| crate::ui::notice::Done::here(Msg::ChTermsSaved));
    let data = Resource::new(move || save.version().get(), |_| crate::changes::api::get_change_terms());
    view! {
        <p><a href="/changes">{t(Msg::ChNav)}</a></p>
        <h1>{t(Msg::ChTerms)}</h1>
        <p class="muted">{t(Msg::ChTermsIntro)}</p>
        <ActionError value=Signal::derive(move || save.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p class="empty" data-test="terms-empty">{t(Msg::ChNoCspEngagements)}</p> }.into_any(),
                    Ok(rows) => rows.into_iter().map(|r| terms_card(r, save)).collect_view().into_any(),
                }
            })}
        </Suspense>
    }
}

fn terms_card(r: TermsRow, save: ServerAction<SetChangeTerms>) -> impl IntoView {
    let defaults = Terms::default();
    view! {
        <section class="card" data-test="terms" data-engagement=r.engagement_id.to_string()>
            <h2>{r.csp.clone()}" "<span class=if r.own { "state st-due" } else { "state st-not_yet_due" }>{t(if r.own { Msg::ChTermsOwn } else { Msg::ChTermsDefault })}</span></h2>
            <ActionForm action=save attr:class="grid-form">
                <input type="hidden" name="engagement_id" value=r.engagement_id.to_string()/>
                {TERM_FIELDS.iter().map(|(field, label)| {
                    let value = term_value(&r.terms, field);
                    let default = term_value(&defaults, field);
                    view! {
                        <label><span>{t(*label)}</span>
                            <input type="number" min="0" max="365" step="1" name=format!("input[{field}]") value=value.to_string() placeholder=default.to_string()/>
                        </label>
                    }
                }).collect_view()}
                <div class="form-actions"><button type="submit" class="primary" data-test="save-terms">{t(Msg::Save)}</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn WorkCalendarPage() -> impl IntoView {
    let set = ServerAction::<SetWorkDay>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(set, Some(form), crate::ui::notice::saved);
    let days = Resource::new(move || set.version().get(), |_| crate::changes::api::get_work_days());
    view! {
        <h1>{t(Msg::WorkCalendar)}</h1>
        <p class="muted">{t(Msg::WcIntro)}</p>
        <section class="card" data-test="set-work-day">
            <ActionError value=Signal::derive(move || set.value().get())/>
            <ActionForm action=set node_ref=form attr:class="grid-form">
                <label><span>{t(Msg::WcDay)}</span><input type="date" name="day" required/></label>
                <label><span>{t(Msg::WcMark)}</span>
                    <select name="mark">
                        <option value="holiday">{t(Msg::WcHoliday)}</option>
                        <option value="workday">{t(Msg::WcWorkday)}</option>
                        <option value="seeded">{t(Msg::WcSeeded)}</option>
                    </select>
                </label>
                <label class="wide"><span>{t(Msg::WcNote)}</span><input type="text" name="note" maxlength="200"/></label>
                <div class="form-actions"><button type="submit" class="primary" data-test="save-day">{t(Msg::WcSet)}</button></div>
            </ActionForm>
        </section>
        <section class="card" data-test="corrections">
            <h2>{t(Msg::WcCorrections)}</h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match days.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(d) if d.is_empty() => view! { <p class="empty" data-test="no-corrections">{t(Msg::WcNoCorrections)}</p> }.into_any(),
                        Ok(d) => view! {
                            <div class="table-wrap"><table class="table compact">
                                <thead><tr><th>{t(Msg::WcDay)}</th><th>{t(Msg::WcMark)}</th><th>{t(Msg::WcNote)}</th></tr></thead>
                                <tbody>{d.into_iter().map(|r| view! {
                                    <tr data-day=r.day.clone()>
                                        <td class="nowrap">{r.day.clone()}</td>
                                        <td>{t(if r.holiday { Msg::WcHoliday } else { Msg::WcWorkday })}</td>
                                        <td>{r.note}</td>
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
