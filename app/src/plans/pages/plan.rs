//! A plan (`/emergency/plans/:id`): the version shown with its sections, approver and date (it
//! prints as an A4 document), its diff to the version before, the providers' contacts as they
//! keep them, the history, and for the agency's writers the draft and the way to approve it.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::{
    i18n::{t, Msg},
    plans::{
        api::{ApprovePlan, SavePlanDraft},
        ContactRow, LineChange, PlanDetail, PlanState, Section, SectionDiff, Sections,
    },
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        ActionError, DetailError,
    },
};

fn plan_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

#[component]
fn SectionsView(sections: Sections) -> impl IntoView {
    view! {
        <div class="plan-text" data-test="plan-text">
            {Section::ALL.iter().map(|s| {
                let text = sections.get(*s).to_string();
                view! {
                    <section class="plan-section" data-section=s.code()>
                        <h3>{t(s.label())}</h3>
                        {if text.is_empty() {
                            view! { <p class="muted">{t(Msg::ErSectionEmpty)}</p> }.into_any()
                        } else {
                            text.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view().into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn DiffView(diff: Vec<SectionDiff>) -> impl IntoView {
    let changed: Vec<SectionDiff> = diff.into_iter().filter(|d| d.changed).collect();
    view! {
        <details class="card no-print" data-test="plan-diff">
            <summary><h2 class="inline-h">{t(Msg::ErDiff)}</h2></summary>
            {if changed.is_empty() {
                view! { <p class="empty">{t(Msg::ErNoChanges)}</p> }.into_any()
            } else {
                changed.into_iter().map(|d| view! {
                    <h3>{t(d.section.label())}</h3>
                    <pre class="diff">{d.lines.into_iter().map(|(kind, line)| {
                        let (class, mark) = match kind {
                            LineChange::Added => ("add", "+ "),
                            LineChange::Removed => ("del", "− "),
                            LineChange::Same => ("same", "  "),
                        };
                        view! { <span class=class>{mark}{line}"\n"</span> }
                    }).collect_view()}</pre>
                }).collect_view().into_any()
            }}
        </details>
    }
}

#[component]
fn Contacts(contacts: Vec<ContactRow>) -> impl IntoView {
    view! {
        <section class="card" data-test="plan-contacts">
            <h2>{t(Msg::ErProviderContacts)}</h2>
            <p class="muted no-print">{t(Msg::ErContactsLive)}</p>
            {if contacts.is_empty() {
                view! { <p class="empty">{t(Msg::ErNoContacts)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>{t(Msg::ErProvider)}</th><th>{t(Msg::ErContactName)}</th><th>{t(Msg::ErContactDuty)}</th><th>{t(Msg::ErPhone)}</th><th>{t(Msg::Email)}</th><th>{t(Msg::ErReachable)}</th></tr></thead>
                        <tbody>{contacts.into_iter().map(|c| view! {
                            <tr>
                                <td>{c.provider.name}</td><td>{c.name}</td><td>{c.duty}</td>
                                <td class="nowrap">{c.phone}</td><td>{c.email}</td><td>{c.hours}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DraftForm(plan_id: Uuid, number: Option<i32>, sections: Sections, note: String) -> impl IntoView {
    let save = ServerAction::<SavePlanDraft>::new();
    crate::ui::notice::when_done(save, None, move |_| crate::ui::notice::Done::here(Msg::ErDraftSaved));
    let title = if number.is_some() { Msg::ErEditDraft } else { Msg::ErNewVersion };
    view! {
        <details class="card" data-test="draft-form" open=number.is_some()>
            <summary><h2 class="inline-h">{t(title)}{number.map(|n| format!(" (v{n})"))}</h2></summary>
            <ActionError value=Signal::derive(move || save.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="plan_id" value=plan_id.to_string()/>
                <input type="hidden" name="number" value=number.map(|n| n.to_string()).unwrap_or_default()/>
                {Section::ALL.iter().map(|s| view! {
                    <label><span>{t(s.label())}</span>
                        <textarea name=format!("input[{}]", s.code()) rows="6" maxlength="20000">{sections.get(*s).to_string()}</textarea>
                    </label>
                }).collect_view()}
                <label><span>{t(Msg::ErChangeNote)}</span><input name="input[change_note]" maxlength="1000" value=note/></label>
                <div class="form-actions">
                    <button type="submit" class="primary">{t(Msg::ErSaveDraft)}</button>
                    {number.map(|n| view! { <a class="button-link" href=format!("/emergency/plans/{plan_id}/approve?v={n}") data-test="approve-link">{t(Msg::ErApproveVersion)}</a> })}
                </div>
            </ActionForm>
        </details>
    }
}

/// A button that prints the page (the browser's "save as PDF" makes the A4 document).
#[component]
fn PrintButton() -> impl IntoView {
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! { <button type="button" class="no-print" on:click=print data-test="print">{t(Msg::ErPrint)}</button> }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let id = plan_id();
    let query = use_query_map();
    let v = move || query.with(|q| q.get("v").unwrap_or_default());
    let data = Resource::new(
        move || (id(), v()),
        |(id, v)| async move {
            match id {
                Some(id) => crate::plans::api::get_plan(id, v).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => plan_view(d).into_any(),
                }
            })}
        </Suspense>
    }
}

fn plan_view(d: PlanDetail) -> impl IntoView {
    let p = d.plan.clone();
    let scope = match (&p.website, p.category) {
        (Some(w), _) => w.clone(),
        (None, Some(c)) => t(c.label()).to_string(),
        (None, None) => t(Msg::ErWholeAgency).to_string(),
    };
    let shown = d.shown.clone();
    let approved_text = shown.as_ref().filter(|(_, s, _)| *s != PlanState::Draft).map(|(_, _, s)| s.clone());
    let draft_form = d.can_write.then(|| match d.draft.clone() {
        Some((n, sections, note)) => view! { <DraftForm plan_id=p.id number=Some(n) sections note/> }.into_any(),
        None => view! { <DraftForm plan_id=p.id number=None sections=approved_text.clone().unwrap_or_default() note=String::new()/> }.into_any(),
    });
    view! {
        <p class="no-print"><a href="/emergency">{t(Msg::ErNav)}</a></p>
        <article class="plan-doc">
            <h1 data-test="plan-title">{p.title.clone()}</h1>
            <dl class="facts compact" data-test="plan-facts">
                <dt>{t(Msg::ErAgency)}</dt><dd>{p.agency.name.clone()}</dd>
                <dt>{t(Msg::ErScope)}</dt><dd>{scope}</dd>
                <dt>{t(Msg::ErVersion)}</dt><dd data-test="plan-version">{match shown.clone() {
                    Some((n, s, _)) => view! { "v"{n}" · "<span class=format!("state st-{}", match s { PlanState::Approved => "accepted", PlanState::Draft => "submitted", PlanState::Superseded => "not_yet_due" })>{t(s.label())}</span> }.into_any(),
                    None => view! { "—" }.into_any(),
                }}</dd>
                <dt>{t(Msg::ErApprovedBy)}</dt><dd data-test="plan-approver">{d.approver.clone().map(|(who, at)| format!("{who} · {at}")).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t(Msg::ErOwnerLabel)}</dt><dd>{p.owner.clone()}</dd>
                <dt>{t(Msg::ErNextReview)}</dt><dd>{p.next_review.clone().unwrap_or_else(|| "—".into())}" "{super::due_badge(p.review)}<span class="muted">" ("{t(Msg::ErEvery)}" "{d.review_months}" "{t(Msg::ErMonthsUnit)}")"</span></dd>
            </dl>
            <p class="no-print">
                <PrintButton/>
                {d.can_write.then(|| view! { " "<a class="button-link" href=format!("/emergency?plan={}#record-drill", p.id) data-test="drill-from-plan">{t(Msg::ErDrillThisPlan)}</a> })}
            </p>
            {match shown {
                Some((_, _, sections)) => view! { <SectionsView sections/> }.into_any(),
                None => view! { <p class="empty">{t(Msg::ErNoVersion)}</p> }.into_any(),
            }}
            <Contacts contacts=d.contacts.clone()/>
        </article>
        {(!d.diff.is_empty()).then(|| view! { <DiffView diff=d.diff.clone()/> })}
        {draft_form}
        <section class="card no-print" data-test="plan-versions">
            <h2>{t(Msg::ErVersions)}</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th>{t(Msg::ErVersion)}</th><th>{t(Msg::ErStateLabel)}</th><th>{t(Msg::ErDrafted)}</th><th>{t(Msg::ErApprovedBy)}</th><th>{t(Msg::ErChangeNote)}</th></tr></thead>
                <tbody>{d.versions.iter().map(|v| view! {
                    <tr>
                        <td><a href=format!("/emergency/plans/{}?v={}", p.id, v.number)>"v"{v.number}</a></td>
                        <td>{t(v.state.label())}</td>
                        <td class="nowrap">{v.drafted_by.clone()}" · "{v.drafted_at.clone()}</td>
                        <td class="nowrap">{match (v.approved_by.clone(), v.approved_at.clone()) {
                            (Some(b), Some(a)) => format!("{b} · {a}"),
                            _ => "—".into(),
                        }}</td>
                        <td>{v.change_note.clone()}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        </section>
    }
}

/// Asks before approving a draft: approval makes it the plan in force, read-only for good.
#[component]
pub fn ApprovePlanPage() -> impl IntoView {
    let id = plan_id();
    let query = use_query_map();
    let v = move || query.with(|q| q.get("v").unwrap_or_default());
    let approve = ServerAction::<ApprovePlan>::new();
    crate::ui::notice::when_done(approve, None, move |_| {
        crate::ui::notice::Done::then(Msg::ErPlanApprovedDone, format!("/emergency/plans/{}", id().unwrap_or_default()))
    });
    let data = Resource::new(
        move || (id(), v()),
        |(id, v)| async move {
            match id {
                Some(id) => crate::plans::api::get_plan(id, v).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <ActionError value=Signal::derive(move || approve.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => match d.shown.clone().filter(|(_, s, _)| *s == PlanState::Draft && d.can_write) {
                        None => view! {
                            <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ErPlanReadOnly)}</p></div>
                            <p><a href=format!("/emergency/plans/{}", d.plan.id)>{t(Msg::ErBackToPlan)}</a></p>
                        }.into_any(),
                        Some((n, _, _)) => view! {
                            <ConfirmCard title=Msg::ErApproveTitle subject=format!("{} · v{n}", d.plan.title)
                                follows=vec![Msg::ErApproveFollowsInForce, Msg::ErApproveFollowsReadOnly, Msg::ErCannotBeUndone]>
                                <ActionForm action=approve attr:class="stack" attr:data-test="approve-form">
                                    <input type="hidden" name="plan_id" value=d.plan.id.to_string()/>
                                    <input type="hidden" name="number" value=n.to_string()/>
                                    <ConfirmButtons confirm=Msg::ErApproveVersion back=format!("/emergency/plans/{}", d.plan.id)/>
                                </ActionForm>
                            </ConfirmCard>
                        }.into_any(),
                    },
                }
            })}
        </Suspense>
    }
}
