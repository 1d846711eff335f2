//! A security check report's improvement plan, on the report's page: its items with their state
//! (overdue computed, closing with evidence), and for the reporting agency the form to add items.
use leptos::{form::ActionForm, prelude::*};
use uuid::Uuid;

use super::{named_options, ActionTable};
use crate::{
    i18n::{t, Msg},
    plans::{api::AddImprovementItems, ImprovementPlan, Named},
    ui::{ActionError, ErrorNotice},
};

#[component]
pub fn ImprovementPlanCard(submission_id: Uuid) -> impl IntoView {
    let add = ServerAction::<AddImprovementItems>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(add, Some(form), crate::ui::notice::saved);
    let data =
        Resource::new(move || add.version().get(), move |_| crate::plans::api::get_improvement_plan(submission_id));
    view! {
        <section class="card" data-test="improvement-plan">
            <h2>{t(Msg::ErImprovementPlan)}</h2>
            <p class="muted">{t(Msg::ErImprovementIntro)}</p>
            <ActionError value=Signal::derive(move || add.value().get().map(|r| r.map(|_| ())))/>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(p) => plan_view(p, submission_id, add, form).into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn plan_view(
    p: ImprovementPlan,
    submission_id: Uuid,
    add: ServerAction<AddImprovementItems>,
    form: NodeRef<leptos::html::Form>,
) -> impl IntoView {
    let back = format!("/reports/submissions/{submission_id}");
    let owners: Vec<Named> = p
        .owners
        .iter()
        .enumerate()
        .map(|(i, o)| if i == 0 { Named { id: Uuid::nil(), name: o.name.clone() } } else { o.clone() })
        .collect();
    view! {
        {if p.items.is_empty() {
            view! { <p class="empty" data-test="items-empty">{t(Msg::ErNoItems)}</p> }.into_any()
        } else {
            view! { <ActionTable actions=p.items.clone() show_agency=false back/> }.into_any()
        }}
        {p.can_add.then(|| view! {
            <ActionForm action=add node_ref=form attr:class="stack" attr:data-test="add-items">
                <input type="hidden" name="submission_id" value=submission_id.to_string()/>
                {(0..3).map(|i| view! {
                    <div class="line">
                        <label><span>{t(Msg::ErFinding)}</span><input name=format!("items[{i}][finding]") maxlength="2000"/></label>
                        <label><span>{t(Msg::ErMeasure)}</span><input name=format!("items[{i}][title]") maxlength="500"/></label>
                        <label><span>{t(Msg::ErOwnerLabel)}</span><select name=format!("items[{i}][owner_org]")>{named_options(&owners, false)}</select></label>
                        <label><span>{t(Msg::ErOwnerPerson)}</span><input name=format!("items[{i}][owner_name]") maxlength="200"/></label>
                        <label><span>{t(Msg::ErDue)}</span><input type="date" name=format!("items[{i}][due_on]")/></label>
                    </div>
                }).collect_view()}
                <div class="form-actions"><button type="submit">{t(Msg::ErAddItems)}</button></div>
            </ActionForm>
        })}
    }
}
