//! A drill (`/emergency/drills/:id`) with its follow-up actions and a form for more, and the
//! page that asks before an action is closed (`/emergency/actions/:id/close`), with its evidence.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::{action_inputs, ActionTable};
use crate::{
    i18n::{t, Msg},
    plans::{
        api::{AddDrillActions, CloseAction},
        DrillDetail, Named,
    },
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        ActionError, DetailError,
    },
};

fn id_param() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

#[component]
pub fn DrillPage() -> impl IntoView {
    let id = id_param();
    let add = ServerAction::<AddDrillActions>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(add, Some(form), crate::ui::notice::saved);
    let data = Resource::new(
        move || (id(), add.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::plans::api::get_drill(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <p><a href="/emergency">{t(Msg::ErNav)}</a></p>
        <ActionError value=Signal::derive(move || add.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => drill_view(d, add, form).into_any(),
                }
            })}
        </Suspense>
    }
}

fn drill_view(d: DrillDetail, add: ServerAction<AddDrillActions>, form: NodeRef<leptos::html::Form>) -> impl IntoView {
    let r = d.drill.clone();
    let back = format!("/emergency/drills/{}", r.id);
    // The agency itself is the first owner choice, sent as empty.
    let owners: Vec<Named> = d
        .owners
        .iter()
        .enumerate()
        .map(|(i, o)| if i == 0 { Named { id: Uuid::nil(), name: o.name.clone() } } else { o.clone() })
        .collect();
    view! {
        <h1 data-test="drill-title">{t(r.category.label())}" · "{r.held_on.clone()}</h1>
        <dl class="facts" data-test="drill-facts">
            <dt>{t(Msg::ErAgency)}</dt><dd>{r.agency.name.clone()}</dd>
            <dt>{t(Msg::ErPlanExercised)}</dt><dd>{match r.plan.clone() {
                Some(p) => view! { <a href=format!("/emergency/plans/{}", p.id)>{p.name}</a> }.into_any(),
                None => view! { "—" }.into_any(),
            }}</dd>
            <dt>{t(Msg::ErOutcome)}</dt><dd>{t(r.outcome.label())}</dd>
            <dt>{t(Msg::ErParticipants)}</dt><dd>{if r.participants.is_empty() { "—".to_string() } else { r.participants.join("、") }}</dd>
        </dl>
        <section class="card">
            <h2>{t(Msg::ErScenario)}</h2>
            {r.scenario.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}
            <h2>{t(Msg::ErFindings)}</h2>
            {if r.findings.is_empty() {
                view! { <p class="muted">"—"</p> }.into_any()
            } else {
                r.findings.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view().into_any()
            }}
        </section>
        <section class="card">
            <h2>{t(Msg::ErFollowUp)}</h2>
            {if d.actions.is_empty() {
                view! { <p class="empty">{t(Msg::ErNoFollowUps)}</p> }.into_any()
            } else {
                view! { <ActionTable actions=d.actions.clone() show_agency=false back=back.clone()/> }.into_any()
            }}
            {d.can_write.then(|| view! {
                <ActionForm action=add node_ref=form attr:class="grid-form" attr:data-test="add-actions">
                    <input type="hidden" name="drill_id" value=r.id.to_string()/>
                    {action_inputs("actions", &owners, 2)}
                    <div class="form-actions"><button type="submit">{t(Msg::ErAddActions)}</button></div>
                </ActionForm>
            })}
        </section>
    }
}

/// Asks before closing an action: closing is final, with the evidence of what was done.
#[component]
pub fn CloseActionPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let back =
        move || query.with(|q| q.get("back").filter(|b| b.starts_with('/')).unwrap_or_else(|| "/emergency".into()));
    let close = ServerAction::<CloseAction>::new();
    crate::ui::notice::when_done(close, None, move |_| crate::ui::notice::Done::then(Msg::ErActionClosedDone, back()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::plans::api::get_action(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <ActionError value=Signal::derive(move || close.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(a) if !a.can_close => view! {
                        <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ErActionClosed)}</p></div>
                        <p><a href=back()>{t(Msg::ErBack)}</a></p>
                    }.into_any(),
                    Ok(a) => view! {
                        <ConfirmCard title=Msg::ErCloseTitle subject=format!("{} · {} {}", a.title, t(Msg::ErDue), a.due_on)
                            follows=vec![Msg::ErCloseFollows, Msg::ErCannotBeUndone]>
                            <ActionForm action=close attr:class="stack" attr:data-test="close-form">
                                <input type="hidden" name="id" value=a.id.to_string()/>
                                <input type="hidden" name="back" value=back()/>
                                <label><span>{t(Msg::ErEvidence)}</span>
                                    <textarea name="evidence" required rows="4" maxlength="20000" data-test="evidence"></textarea>
                                </label>
                                <ConfirmButtons confirm=Msg::ErCloseAction back=back()/>
                            </ActionForm>
                        </ConfirmCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
