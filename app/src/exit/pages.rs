//! Exits' pages: the list in reach with the agency's form to open one (`/exits`), one exit
//! (`/exits/:id`: what blocks completion, the plan and its agreement, the inventory with its
//! verification, the deletion, the assessor's sign-off, and the viewer's actions), the page that
//! asks before what cannot be undone (`/exits/:id/confirm`), and the exit's record as one
//! printable document (`/exits/:id/record`). Every form posts without JavaScript too; the
//! inventory's forms carry files, so they are plain multipart forms.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use crate::{
    exit::{
        api::{ExitAct, OpenExit},
        ExitAction, ExitDetail, ExitHome, ExitReason, ExitRow, ExitStatus, ItemKind, ItemView, Party, Sensitivity,
        Side, Verification,
    },
    i18n::{t, Msg},
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        size_text, ActionError, DetailError, ErrorNotice,
    },
};

fn exit_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

async fn read_exit(id: Option<Uuid>) -> Result<ExitDetail, crate::error::AppError> {
    match id {
        Some(id) => crate::exit::api::get_exit(id).await,
        None => Err(crate::error::AppError::NotFound),
    }
}

fn status_badge(s: ExitStatus) -> impl IntoView {
    let class = match s {
        ExitStatus::Planning | ExitStatus::Handover => "st-submitted",
        ExitStatus::Deletion | ExitStatus::SignOff | ExitStatus::Closing => "st-due",
        ExitStatus::Completed => "st-accepted",
        ExitStatus::Cancelled => "st-not_yet_due",
    };
    view! { <span class=format!("state {class}") data-status=s.code()>{t(s.label())}</span> }
}

fn verification_badge(v: Verification) -> impl IntoView {
    let class = match v {
        Verification::Pending => "st-due",
        Verification::Verified => "st-accepted",
        Verification::Mismatch => "st-overdue",
    };
    view! { <span class=format!("state {class}") data-verification=v.code()>{t(v.label())}</span> }
}

#[component]
pub fn ExitsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| {
            (
                q.get("status").unwrap_or_default(),
                q.get("overdue").unwrap_or_default(),
                q.get("page").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(filter, |(status, overdue, page)| crate::exit::api::get_exits(status, overdue, page));
    view! {
        <h1>{t(Msg::ExNav)}</h1>
        <p class="muted">{t(Msg::ExIntro)}</p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(h) => home_view(h).into_any(),
                }
            })}
        </Suspense>
    }
}

fn home_view(h: ExitHome) -> impl IntoView {
    let status = h.filter.status.clone().unwrap_or_default();
    let overdue = h.filter.overdue;
    let base = h.filter.query();
    let link = move |page: u64| if base.is_empty() { format!("?page={page}") } else { format!("?{base}&page={page}") };
    let csv = format!("/exits/export.csv?{}", h.filter.query());
    let (page, pages) = (h.page, h.pages);
    view! {
        {h.can_open.then(|| open_form(h.openable.clone()))}
        <section class="card" data-test="exits">
            <h2>{t(Msg::ExAll)}</h2>
            <Form method="GET" action="" attr:class="filters">
                <label><span>{t(Msg::ExStatus)}</span><select name="status">
                    <option value="">{t(Msg::ExAnyStatus)}</option>
                    <option value="open" selected=status == "open">{t(Msg::ExOpenOnes)}</option>
                    {ExitStatus::choices().into_iter().map(|(c, m)| view! { <option value=c selected=status == c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label class="check"><input type="checkbox" name="overdue" value="1" checked=overdue/>" "{t(Msg::ExOverdueOnly)}</label>
                <button type="submit">{t(Msg::Filter)}</button>
                <a class="button-link" href=csv data-test="exits-csv">{t(Msg::ExportCsv)}</a>
            </Form>
            <p class="muted" data-test="exit-total">{h.total}" "{t(Msg::ExCount)}</p>
            {if h.rows.is_empty() {
                view! { <p class="empty" data-test="exits-empty">{t(Msg::ExNone)}</p> }.into_any()
            } else {
                exit_table(h.rows).into_any()
            }}
            {(pages > 1).then(|| view! {
                <nav class="pager" data-test="pager">
                    {(page > 1).then(|| view! { <a href=link(page - 1)>{t(Msg::Previous)}</a> })}
                    <span>{page}" / "{pages}</span>
                    {(page < pages).then(|| view! { <a href=link(page + 1)>{t(Msg::Next)}</a> })}
                </nav>
            })}
        </section>
    }
}

fn exit_table(rows: Vec<ExitRow>) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-test="exit-list">
            <thead><tr>
                <th>{t(Msg::ExAgency)}</th><th>{t(Msg::ExProvider)}</th><th>{t(Msg::ExStatus)}</th>
                <th>{t(Msg::ExTargetDate)}</th><th>{t(Msg::ExItems)}</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(|r| view! {
                <tr data-exit=r.id.to_string() class=if r.overdue { "gap-row" } else { "" }>
                    <td><a href=format!("/exits/{}", r.id)>{r.agency.name.clone()}</a><br/><span class="muted small">{t(r.reason.label())}</span></td>
                    <td>{r.provider.name.clone()}</td>
                    <td>{status_badge(r.status)}{r.overdue.then(|| view! { " "<span class="flag" data-test="overdue">{t(Msg::ExOverdue)}</span> })}</td>
                    <td class="nowrap">{r.target_date.clone()}</td>
                    <td class="nowrap" data-test="item-counts">{r.verified}" / "{r.items}
                        {(r.mismatched > 0).then(|| view! { " "<span class="flag">{r.mismatched}" "{t(Msg::ExMismatched)}</span> })}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

fn open_form(openable: Vec<crate::exit::Openable>) -> impl IntoView {
    let open = ServerAction::<OpenExit>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(open, Some(form), |id: &Uuid| {
        crate::ui::notice::Done::then(Msg::ExOpened, format!("/exits/{id}"))
    });
    view! {
        <section class="card" data-test="open-exit">
            <h2>{t(Msg::ExOpen)}</h2>
            <p class="muted">{t(Msg::ExOpenHelp)}</p>
            {if openable.is_empty() {
                view! { <p class="empty" data-test="nothing-openable">{t(Msg::ExNothingOpenable)}</p> }.into_any()
            } else {
                view! {
                    <ActionError value=Signal::derive(move || open.value().get().map(|r| r.map(|_| ())))/>
                    <ActionForm action=open node_ref=form attr:class="grid-form">
                        <label><span>{t(Msg::ExEngagement)}</span><select name="input[engagement_id]" required data-test="engagement">
                            {openable.into_iter().map(|o| view! { <option value=o.engagement_id.to_string()>{o.provider.clone()}" ("{o.role.clone()}", "{t(Msg::ExEndsOn)}" "{o.ends_on.clone()}")"</option> }).collect_view()}
                        </select></label>
                        <label><span>{t(Msg::ExReason)}</span><select name="input[reason]" required>
                            {ExitReason::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                        </select></label>
                        <label><span>{t(Msg::ExTargetDate)}</span><input type="date" name="input[target_date]" required data-test="target-date"/></label>
                        <label><span>{t(Msg::ExNewProvider)}</span><input type="text" name="input[new_provider]" maxlength="200"/></label>
                        <label class="wide"><span>{t(Msg::ExReasonText)}</span><textarea name="input[reason_text]" rows="2" maxlength="5000"></textarea></label>
                        <div class="form-actions"><button type="submit" class="primary" data-test="open-exit-button">{t(Msg::ExOpen)}</button></div>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn ExitPage() -> impl IntoView {
    let id = exit_id();
    let act = ServerAction::<ExitAct>::new();
    crate::ui::notice::when_done(act, None, |_| crate::ui::notice::Done::here(Msg::ExRecorded));
    let data = Resource::new(move || (id(), act.version().get()), |(id, _)| read_exit(id));
    view! {
        <p><a href="/exits">{t(Msg::ExNav)}</a></p>
        <ActionError value=Signal::derive(move || act.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => detail_view(d, act).into_any(),
                }
            })}
        </Suspense>
    }
}

/// A one-button action form (the plan's agreement, a step done).
fn act_button(
    act: ServerAction<ExitAct>,
    id: Uuid,
    action: ExitAction,
    target: Option<Uuid>,
    label: Msg,
    test: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=act attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="action" value=action.code()/>
            {target.map(|t| view! { <input type="hidden" name="input[target]" value=t.to_string()/> })}
            <button type="submit" data-test=test>{t(label)}</button>
        </ActionForm>
    }
}

fn detail_view(d: ExitDetail, act: ServerAction<ExitAct>) -> impl IntoView {
    let id = d.id;
    let may = |a: ExitAction| d.may.contains(&a);
    let title = format!("{} → {}", d.agency.name, d.provider.name);
    view! {
        <h1 data-test="exit-title">{title}" "{status_badge(d.status)}{d.overdue.then(|| view! { " "<span class="flag" data-test="overdue">{t(Msg::ExOverdue)}</span> })}</h1>
        <p class="actions-row">
            <a class="button-link" href=format!("/exits/{id}/record") data-test="record-link">{t(Msg::ExRecord)}</a>
            {may(ExitAction::Complete).then(|| view! { " "<a class="button-link primary" href=format!("/exits/{id}/confirm?action=complete") data-test="complete-link">{t(Msg::ExActComplete)}</a> })}
            {may(ExitAction::Cancel).then(|| view! { " "<a class="button-link" href=format!("/exits/{id}/confirm?action=cancel") data-test="cancel-link">{t(Msg::ExActCancel)}</a> })}
        </p>
        <section class="card" data-test="exit-facts">
            <dl class="facts">
                <dt>{t(Msg::ExReason)}</dt><dd>{t(d.reason.label())}{(!d.reason_text.is_empty()).then(|| format!(" — {}", d.reason_text))}</dd>
                <dt>{t(Msg::ExTargetDate)}</dt><dd>{d.target_date.clone()}</dd>
                <dt>{t(Msg::ExNewProvider)}</dt><dd>{if d.new_provider.is_empty() { "—".to_string() } else { d.new_provider.clone() }}</dd>
                <dt>{t(Msg::ExOpenedAt)}</dt><dd>{d.opened_at.clone()}</dd>
                <dt>{t(Msg::ExAssessor)}</dt><dd data-test="assessor">{d.assessor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "—".into())}</dd>
                {d.completed_at.clone().map(|at| view! { <dt>{t(Msg::ExCompletedAt)}</dt><dd data-test="completed-at">{at}</dd> })}
                {d.cancelled_at.clone().map(|at| view! { <dt>{t(Msg::ExCancelledAt)}</dt><dd>{at}" — "{d.closing_reason.clone()}</dd> })}
            </dl>
            {(!d.blockers.is_empty()).then(|| view! {
                <h3>{t(Msg::ExBlockers)}</h3>
                <ul class="follows" data-test="blockers">{d.blockers.iter().map(|m| view! { <li>{t(*m)}</li> }).collect_view()}</ul>
            })}
        </section>
        {plan_section(&d, act)}
        {inventory_section(&d)}
        {deletion_section(&d, act)}
        {assessor_section(&d, act)}
    }
}

fn plan_section(d: &ExitDetail, act: ServerAction<ExitAct>) -> impl IntoView {
    let id = d.id;
    let may_add = d.may.contains(&ExitAction::AddStep);
    let may_agree = d.may.contains(&ExitAction::AgreePlan);
    let agreed = |at: &Option<String>| at.clone().unwrap_or_else(|| "—".into());
    let target_date = d.target_date.clone();
    view! {
        <section class="card" data-test="plan">
            <h2>{t(Msg::ExPlan)}</h2>
            <p class="muted">{t(Msg::ExPlanAgreedAgency)}": "<span data-test="agreed-agency">{agreed(&d.plan_agreed_agency)}</span>
                " · "{t(Msg::ExPlanAgreedProvider)}": "<span data-test="agreed-provider">{agreed(&d.plan_agreed_provider)}</span></p>
            {if d.steps.is_empty() {
                view! { <p class="empty" data-test="no-steps">{t(Msg::ExNoSteps)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table compact" data-test="steps">
                        <thead><tr><th>{t(Msg::ExStep)}</th><th>{t(Msg::ExOwner)}</th><th>{t(Msg::ExDue)}</th><th>{t(Msg::ExDone)}</th></tr></thead>
                        <tbody>{d.steps.iter().map(|s| view! {
                            <tr data-step=s.id.to_string() class=if s.overdue { "gap-row" } else { "" }>
                                <td>{s.title.clone()}</td>
                                <td>{t(s.owner.label())}</td>
                                <td class="nowrap">{s.due_on.clone()}{s.overdue.then(|| view! { " "<span class="flag">{t(Msg::ExOverdue)}</span> })}</td>
                                <td class="nowrap">{match (&s.done_at, s.may_mark) {
                                    (Some(at), _) => at.clone().into_any(),
                                    (None, true) => act_button(act, id, ExitAction::StepDone, Some(s.id), Msg::ExMarkDone, "step-done").into_any(),
                                    (None, false) => "—".into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {may_agree.then(|| act_button(act, id, ExitAction::AgreePlan, None, Msg::ExActAgreePlan, "agree-plan"))}
            {may_add.then(|| view! {
                <h3>{t(Msg::ExAddStep)}</h3>
                <ActionForm action=act attr:class="grid-form" attr:data-test="add-step">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="action" value="add_step"/>
                    <label class="wide"><span>{t(Msg::ExStep)}</span><input type="text" name="input[text]" required maxlength="200" data-test="step-title"/></label>
                    <label><span>{t(Msg::ExOwner)}</span><select name="input[owner]">
                        {Side::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                    </select></label>
                    <label><span>{t(Msg::ExDue)}</span><input type="date" name="input[day]" required max=target_date.clone() data-test="step-due"/></label>
                    <div class="form-actions"><button type="submit" data-test="add-step-button">{t(Msg::ExAddStep)}</button></div>
                </ActionForm>
                <p class="muted small">{t(Msg::ExPlanChangeHelp)}</p>
            })}
        </section>
    }
}

fn inventory_section(d: &ExitDetail) -> impl IntoView {
    let id = d.id;
    let party = d.party;
    let verifies = d.may.contains(&ExitAction::Verify);
    let corrects = d.may.contains(&ExitAction::CorrectItem);
    view! {
        <section class="card" data-test="inventory">
            <h2>{t(Msg::ExInventory)}</h2>
            <p class="muted">{t(Msg::ExInventoryHelp)}</p>
            {if d.items.is_empty() {
                view! { <p class="empty" data-test="no-items">{t(Msg::ExNoItems)}</p> }.into_any()
            } else {
                d.items.iter().map(|i| item_card(id, i, verifies, corrects)).collect_view().into_any()
            }}
            {(party == Some(Party::Provider) && d.may.contains(&ExitAction::AddItem)).then(|| add_item_form(id))}
        </section>
    }
}

fn kind_options(selected: Option<&str>) -> impl IntoView {
    let selected = selected.map(str::to_string);
    ItemKind::choices()
        .into_iter()
        .map(move |(c, m)| view! { <option value=c selected=selected.as_deref() == Some(c)>{t(m)}</option> })
        .collect_view()
}

fn add_item_form(id: Uuid) -> impl IntoView {
    view! {
        <h3>{t(Msg::ExAddItem)}</h3>
        <form method="post" enctype="multipart/form-data" action=format!("/exits/{id}/items") class="grid-form" data-test="add-item">
            <label><span>{t(Msg::ExKind)}</span><select name="kind">{kind_options(None)}</select></label>
            <label><span>{t(Msg::ExItemName)}</span><input type="text" name="name" required maxlength="200" data-test="item-name"/></label>
            <label><span>{t(Msg::ExFormat)}</span><input type="text" name="format" maxlength="64"/></label>
            <label><span>{t(Msg::ExSensitivity)}</span><select name="sensitivity">
                {Sensitivity::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
            </select></label>
            <label class="wide"><span>{t(Msg::ExDescription)}</span><textarea name="description" rows="2" maxlength="5000"></textarea></label>
            <label class="wide"><span>{t(Msg::ExFile)}</span><input type="file" name="files" data-test="item-file"/>
                <small class="muted">{t(Msg::ExFileHelp)}</small></label>
            <label><span>{t(Msg::ExSha256)}</span><input type="text" name="sha256" maxlength="64" pattern="[0-9a-fA-F]{64}" data-test="item-sha"/>
                <small class="muted">{t(Msg::ExShaHelp)}</small></label>
            <label><span>{t(Msg::ExSize)}</span><input type="number" name="size_bytes" min="0" step="1"/></label>
            <label class="wide"><span>{t(Msg::ExMedium)}</span><input type="text" name="medium" maxlength="5000" data-test="item-medium"/>
                <small class="muted">{t(Msg::ExMediumHelp)}</small></label>
            <div class="form-actions"><button type="submit" class="primary" data-test="add-item-button">{t(Msg::ExAddItem)}</button></div>
        </form>
    }
}

fn item_card(exit: Uuid, i: &ItemView, verifies: bool, corrects: bool) -> impl IntoView {
    let open = i.verification != Verification::Verified;
    // A stored file found mismatched gives the same answer until the provider corrects it.
    let checkable = open && !(i.verification == Verification::Mismatch && i.file_name.is_some());
    view! {
        <article class="item-card" data-item=i.id.to_string() data-name=i.name.clone()>
            <h3>{i.name.clone()}" "{verification_badge(i.verification)}</h3>
            <dl class="facts">
                <dt>{t(Msg::ExKind)}</dt><dd>{t(i.kind.label())}{(!i.format.is_empty()).then(|| format!(" · {}", i.format))}</dd>
                <dt>{t(Msg::ExSensitivity)}</dt><dd>{t(i.sensitivity.label())}</dd>
                <dt>{t(Msg::ExSize)}</dt><dd>{size_text(i.size_bytes)}</dd>
                <dt>{t(Msg::ExSha256)}</dt><dd><code class="hash" data-test="declared">{i.sha256.clone()}</code></dd>
                {i.file_name.clone().map(|name| view! {
                    <dt>{t(Msg::ExFile)}</dt><dd><a href=format!("/exits/files/{}", i.id) data-test="item-download">{name}</a>" ("{size_text(i.file_size)}")"
                        {i.file_differs.then(|| view! { " "<span class="flag" data-test="file-differs">{t(Msg::ExFileDiffers)}</span> })}</dd>
                })}
                {(!i.medium.is_empty()).then(|| view! { <dt>{t(Msg::ExMedium)}</dt><dd>{i.medium.clone()}</dd> })}
                {(!i.description.is_empty()).then(|| view! { <dt>{t(Msg::ExDescription)}</dt><dd>{i.description.clone()}</dd> })}
                {i.checked_at.clone().map(|at| view! {
                    <dt>{t(Msg::ExChecked)}</dt><dd data-test="checked">{at}" · "{i.checked_how.map(|h| t(h.label()))}<br/>
                        <code class="hash">{i.checked_sha256.clone().unwrap_or_default()}</code></dd>
                })}
            </dl>
            {(verifies && checkable).then(|| view! {
                <form method="post" enctype="multipart/form-data" action=format!("/exits/{exit}/items/{}/verify", i.id) class="grid-form" data-test="verify-item">
                    // A form of no other field still sends one part (an empty multipart body is none).
                    <input type="hidden" name="check" value="verify"/>
                    {if i.file_name.is_some() {
                        view! { <p class="muted small wide">{t(Msg::ExVerifyStoredHelp)}</p> }.into_any()
                    } else {
                        view! {
                            <label><span>{t(Msg::ExYourSha256)}</span><input type="text" name="sha256" maxlength="64" data-test="verify-sha"/></label>
                            <label><span>{t(Msg::ExOrUpload)}</span><input type="file" name="files"/></label>
                        }.into_any()
                    }}
                    <div class="form-actions"><button type="submit" data-test="verify-button">{t(Msg::ExActVerify)}</button></div>
                </form>
            })}
            {(corrects && open).then(|| view! {
                <details data-test="correct-item"><summary>{t(Msg::ExActCorrectItem)}</summary>
                    <form method="post" enctype="multipart/form-data" action=format!("/exits/{exit}/items/{}", i.id) class="grid-form">
                        <label class="wide"><span>{t(Msg::ExFile)}</span><input type="file" name="files" data-test="correct-file"/></label>
                        <label><span>{t(Msg::ExSha256)}</span><input type="text" name="sha256" maxlength="64" data-test="correct-sha"/></label>
                        <label><span>{t(Msg::ExSize)}</span><input type="number" name="size_bytes" min="0" step="1"/></label>
                        <label class="wide"><span>{t(Msg::ExMedium)}</span><input type="text" name="medium" maxlength="5000"/></label>
                        <p class="muted small wide">{t(Msg::ExCorrectHelp)}</p>
                        <div class="form-actions"><button type="submit" data-test="correct-button">{t(Msg::ExActCorrectItem)}</button></div>
                    </form>
                </details>
            })}
        </article>
    }
}

fn deletion_section(d: &ExitDetail, act: ServerAction<ExitAct>) -> impl IntoView {
    let id = d.id;
    let plans = d.may.contains(&ExitAction::DeletionPlan);
    let confirms = d.may.contains(&ExitAction::ConfirmDeletion);
    let plan_text = d.deletion_plan.clone();
    view! {
        <section class="card" data-test="deletion">
            <h2>{t(Msg::ExDeletion)}</h2>
            {if d.deletion_plan.is_empty() {
                view! { <p class="empty" data-test="no-deletion-plan">{t(Msg::ExNoDeletionPlan)}</p> }.into_any()
            } else {
                view! { <p class="pre" data-test="deletion-plan">{d.deletion_plan.clone()}</p><p class="muted small">{d.deletion_plan_at.clone()}</p> }.into_any()
            }}
            {d.deletion_confirmed_at.clone().map(|at| view! {
                <dl class="facts" data-test="deletion-confirmed">
                    <dt>{t(Msg::ExDataDeleted)}</dt><dd>{d.data_deleted_on.clone()}</dd>
                    <dt>{t(Msg::ExBackupsDeleted)}</dt><dd>{d.backups_deleted_on.clone()}</dd>
                    <dt>{t(Msg::ExConfirmedAt)}</dt><dd>{at}</dd>
                    {(!d.deletion_note.is_empty()).then(|| view! { <dt>{t(Msg::ExNote)}</dt><dd>{d.deletion_note.clone()}</dd> })}
                </dl>
            })}
            {plans.then(|| view! {
                <ActionForm action=act attr:class="stack" attr:data-test="deletion-plan-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="action" value="deletion_plan"/>
                    <label><span>{t(Msg::ExDeletionPlan)}</span><textarea name="input[text]" rows="3" required maxlength="5000" data-test="deletion-plan-text">{plan_text.clone()}</textarea></label>
                    <div class="form-actions"><button type="submit" data-test="deletion-plan-button">{t(Msg::ExActDeletionPlan)}</button></div>
                </ActionForm>
            })}
            {confirms.then(|| view! {
                <p><a class="button-link primary" href=format!("/exits/{id}/confirm?action=confirm_deletion") data-test="confirm-deletion-link">{t(Msg::ExActConfirmDeletion)}</a></p>
            })}
        </section>
    }
}

fn assessor_section(d: &ExitDetail, act: ServerAction<ExitAct>) -> impl IntoView {
    let id = d.id;
    let names = d.may.contains(&ExitAction::SetAssessor);
    let signs = d.may.contains(&ExitAction::SignOff);
    let current = d.assessor.as_ref().map(|a| a.id);
    let choices = d.assessor_choices.clone();
    view! {
        <section class="card" data-test="sign-off">
            <h2>{t(Msg::ExSignOff)}</h2>
            {match &d.signed_off_at {
                Some(at) => view! { <p data-test="signed-off">{t(Msg::ExSignedOffAt)}" "{at.clone()}{(!d.sign_off_note.is_empty()).then(|| format!(" — {}", d.sign_off_note))}</p> }.into_any(),
                None => view! { <p class="muted">{t(if d.assessor.is_some() { Msg::ExAwaitingSignOff } else { Msg::ExNoAssessor })}</p> }.into_any(),
            }}
            {names.then(|| view! {
                <ActionForm action=act attr:class="grid-form" attr:data-test="set-assessor">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="action" value="set_assessor"/>
                    <label><span>{t(Msg::ExAssessor)}</span><select name="input[target]" data-test="assessor-choice">
                        <option value="">{t(Msg::ExNoAssessorChoice)}</option>
                        {choices.iter().map(|a| view! { <option value=a.id.to_string() selected=current == Some(a.id)>{a.name.clone()}</option> }).collect_view()}
                    </select></label>
                    <div class="form-actions"><button type="submit" data-test="set-assessor-button">{t(Msg::ExActSetAssessor)}</button></div>
                </ActionForm>
            })}
            {signs.then(|| view! {
                <ActionForm action=act attr:class="stack" attr:data-test="sign-off-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="action" value="sign_off"/>
                    <label><span>{t(Msg::ExNote)}</span><textarea name="input[text]" rows="2" maxlength="5000"></textarea></label>
                    <div class="form-actions"><button type="submit" class="primary" data-test="sign-off-button">{t(Msg::ExActSignOff)}</button></div>
                </ActionForm>
            })}
        </section>
    }
}

/// Asks before completing, cancelling or confirming the deletion: none can be undone.
#[component]
pub fn ExitConfirmPage() -> impl IntoView {
    let id = exit_id();
    let query = use_query_map();
    let action = move || {
        query
            .with(|q| q.get("action").and_then(|a| ExitAction::parse(&a)))
            .filter(|a| matches!(a, ExitAction::Complete | ExitAction::Cancel | ExitAction::ConfirmDeletion))
    };
    let act = ServerAction::<ExitAct>::new();
    crate::ui::notice::when_done(act, None, move |_| {
        crate::ui::notice::Done::then(Msg::ExRecorded, format!("/exits/{}", id().unwrap_or_default()))
    });
    let data = Resource::new(id, read_exit);
    view! {
        <ActionError value=Signal::derive(move || act.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => match action().filter(|a| d.may.contains(a)) {
                        None => view! {
                            <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ExErrNotNow)}</p></div>
                            <p><a href=format!("/exits/{}", d.id)>{t(Msg::ExBack)}</a></p>
                        }.into_any(),
                        Some(a) => {
                            let follows = match a {
                                ExitAction::Complete => vec![Msg::ExCompleteFollows, Msg::ExCannotUndo],
                                ExitAction::Cancel => vec![Msg::ExCancelFollows, Msg::ExCannotUndo],
                                _ => vec![Msg::ExDeletionFollows, Msg::ExCannotUndo],
                            };
                            let subject = format!("{} → {}", d.agency.name, d.provider.name);
                            view! {
                                <ConfirmCard title=a.label() subject follows>
                                    <ActionForm action=act attr:class="stack" attr:data-test="confirm-form">
                                        <input type="hidden" name="id" value=d.id.to_string()/>
                                        <input type="hidden" name="action" value=a.code()/>
                                        {(a == ExitAction::Cancel).then(|| view! {
                                            <label><span>{t(Msg::ExCancelReason)}</span><textarea name="input[text]" required maxlength="5000" rows="3" data-test="reason"></textarea></label>
                                        })}
                                        {(a == ExitAction::ConfirmDeletion).then(|| view! {
                                            <label><span>{t(Msg::ExDataDeleted)}</span><input type="date" name="input[day]" required data-test="data-day"/></label>
                                            <label><span>{t(Msg::ExBackupsDeleted)}</span><input type="date" name="input[backups_day]" required data-test="backups-day"/></label>
                                            <label><span>{t(Msg::ExNote)}</span><textarea name="input[text]" maxlength="5000" rows="2"></textarea></label>
                                        })}
                                        <ConfirmButtons confirm=a.label() back=format!("/exits/{}", d.id)/>
                                    </ActionForm>
                                </ConfirmCard>
                            }.into_any()
                        }
                    },
                }
            })}
        </Suspense>
    }
}

/// The exit's record as one document: plan, inventory, verifications, deletion, sign-off;
/// printable to A4 (the print stylesheet drops the navigation).
#[component]
pub fn ExitRecordPage() -> impl IntoView {
    let id = exit_id();
    let data = Resource::new(id, read_exit);
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => record_view(d).into_any(),
                }
            })}
        </Suspense>
    }
}

fn record_view(d: ExitDetail) -> impl IntoView {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    view! {
        <article class="printable" data-test="exit-record">
            <p class="no-print"><a href=format!("/exits/{}", d.id)>{t(Msg::ExBack)}</a>" · "{t(Msg::ExPrintHint)}</p>
            <h1>{t(Msg::ExRecordTitle)}</h1>
            <p><strong>{d.agency.name.clone()}</strong>" → "<strong>{d.provider.name.clone()}</strong>" · "{t(d.status.label())}</p>
            <table class="table compact">
                <tbody>
                    <tr><th>{t(Msg::ExReason)}</th><td>{t(d.reason.label())}" "{d.reason_text.clone()}</td></tr>
                    <tr><th>{t(Msg::ExTargetDate)}</th><td>{d.target_date.clone()}</td></tr>
                    <tr><th>{t(Msg::ExNewProvider)}</th><td>{d.new_provider.clone()}</td></tr>
                    <tr><th>{t(Msg::ExOpenedAt)}</th><td>{d.opened_at.clone()}</td></tr>
                    <tr><th>{t(Msg::ExPlanAgreedAgency)}</th><td>{dash(&d.plan_agreed_agency)}</td></tr>
                    <tr><th>{t(Msg::ExPlanAgreedProvider)}</th><td>{dash(&d.plan_agreed_provider)}</td></tr>
                    <tr><th>{t(Msg::ExCompletedAt)}</th><td>{dash(&d.completed_at)}</td></tr>
                </tbody>
            </table>
            <h2>{t(Msg::ExPlan)}</h2>
            <table class="table compact">
                <thead><tr><th>{t(Msg::ExStep)}</th><th>{t(Msg::ExOwner)}</th><th>{t(Msg::ExDue)}</th><th>{t(Msg::ExDone)}</th></tr></thead>
                <tbody>{d.steps.iter().map(|s| view! {
                    <tr><td>{s.title.clone()}</td><td>{t(s.owner.label())}</td><td>{s.due_on.clone()}</td><td>{dash(&s.done_at)}</td></tr>
                }).collect_view()}</tbody>
            </table>
            <h2>{t(Msg::ExInventory)}</h2>
            <table class="table compact" data-test="record-items">
                <thead><tr><th>{t(Msg::ExItemName)}</th><th>{t(Msg::ExKind)}</th><th>{t(Msg::ExSize)}</th><th>{t(Msg::ExSha256)}</th><th>{t(Msg::ExVerification)}</th></tr></thead>
                <tbody>{d.items.iter().map(|i| view! {
                    <tr>
                        <td>{i.name.clone()}<br/><span class="muted small">{t(i.sensitivity.label())}{(!i.medium.is_empty()).then(|| format!(" · {}", i.medium))}</span></td>
                        <td>{t(i.kind.label())}</td>
                        <td class="nowrap">{size_text(i.size_bytes)}</td>
                        <td><code class="hash">{i.sha256.clone()}</code></td>
                        <td>{t(i.verification.label())}<br/><span class="muted small">{dash(&i.checked_at)}{i.checked_how.map(|h| format!(" · {}", t(h.label())))}</span></td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <h2>{t(Msg::ExDeletion)}</h2>
            <p class="pre">{d.deletion_plan.clone()}</p>
            <table class="table compact"><tbody>
                <tr><th>{t(Msg::ExDataDeleted)}</th><td>{dash(&d.data_deleted_on)}</td></tr>
                <tr><th>{t(Msg::ExBackupsDeleted)}</th><td>{dash(&d.backups_deleted_on)}</td></tr>
                <tr><th>{t(Msg::ExConfirmedAt)}</th><td>{dash(&d.deletion_confirmed_at)}</td></tr>
            </tbody></table>
            <h2>{t(Msg::ExSignOff)}</h2>
            <p>{d.assessor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| t(Msg::ExNoAssessor).to_string())}" · "{dash(&d.signed_off_at)}" "{d.sign_off_note.clone()}</p>
        </article>
    }
}

/// The dashboard's panel: the exits in progress in reach and how many are overdue, the overdue
/// first (an agency's own, a provider's or assessor's, a regulator's jurisdiction's).
#[component]
pub fn ExitsPanel() -> impl IntoView {
    let open = Resource::new(|| (), |_| super::api::get_exits("open".into(), String::new(), String::new()));
    let overdue = Resource::new(|| (), |_| super::api::get_exits("open".into(), "1".into(), String::new()));
    view! {
        <section class="card" data-test="exits-panel">
            <h2>{t(Msg::ExNav)}" "<a href="/exits?status=open" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (open.await, overdue.await) {
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                        (Ok(h), _) if h.total == 0 => view! { <p class="empty">{t(Msg::ExNoneInProgress)}</p> }.into_any(),
                        (Ok(h), Ok(late)) => {
                            let mut rows: Vec<ExitRow> = late.rows.iter().take(5).cloned().collect();
                            rows.extend(h.rows.into_iter().filter(|r| !r.overdue).take(5 - rows.len().min(5)));
                            view! {
                                <p data-test="exits-in-progress" class={if late.total > 0 { "flag-line" } else { "" }}>
                                    {t(Msg::ExInProgress)}": "{h.total}
                                    {(late.total > 0).then(|| view! {
                                        " · "<a href="/exits?status=open&overdue=1">{late.total}" "{t(Msg::ExOverdue)}</a>
                                    })}
                                </p>
                                <ul>{rows.into_iter().map(|r| view! {
                                    <li>
                                        <a href=format!("/exits/{}", r.id)>{r.agency.name.clone()}" → "{r.provider.name.clone()}</a>" "
                                        <span class="muted small">{t(r.status.label())}" · "{r.target_date.clone()}</span>
                                        {r.overdue.then(|| view! { " "<span class="badge warn">{t(Msg::ExOverdue)}</span> })}
                                    </li>
                                }).collect_view()}</ul>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
