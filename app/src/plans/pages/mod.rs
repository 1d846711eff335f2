//! Emergency response's pages: the module's page (`/emergency`: plans, the drill grid, drills,
//! open actions, a provider's contacts; a regulator's drill overview), a plan, a drill, and the
//! confirmation pages of approving a version and closing an action. Every form posts without
//! JavaScript too.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::{
    i18n::{t, use_locale, Msg},
    plans::{
        api::{CreatePlan, RecordDrill, SaveContacts, SetRestoreInterval},
        ActionRow, DrillCategory, DrillOutcome, DrillOverview, DrillRow, DueState, EngagementContacts, ErHome,
        GridCell, Named, PlanRow,
    },
    ui::{ActionError, ErrorNotice},
};

pub mod drill;
pub mod improvement;
pub mod incident;
pub mod plan;

/// A due state as a badge.
pub(crate) fn due_badge(state: DueState) -> impl IntoView {
    let class = match state {
        DueState::Never | DueState::Overdue => "state st-overdue",
        DueState::DueSoon => "state st-due",
        DueState::Current => "state st-accepted",
    };
    view! { <span class=class data-state=format!("{state:?}").to_lowercase()>{t(state.label())}</span> }
}

/// Choices of named records for a select, with a first blank choice when asked.
pub(crate) fn named_options(items: &[Named], blank: bool) -> impl IntoView + use<> {
    // The nil id stands for "the viewer's own agency", which a form sends as empty.
    let value = |id: uuid::Uuid| if id.is_nil() { String::new() } else { id.to_string() };
    let options = items.iter().map(|n| view! { <option value=value(n.id)>{n.name.clone()}</option> }).collect_view();
    view! { {blank.then(|| view! { <option value="">"—"</option> })} {options} }
}

#[component]
fn PlanTable(plans: Vec<PlanRow>, show_agency: bool) -> impl IntoView {
    if plans.is_empty() {
        return view! { <p class="empty" data-test="plans-empty">{t(Msg::ErNoPlans)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="table" data-test="plans">
            <thead><tr>
                <th>{t(Msg::ErPlan)}</th>
                {show_agency.then(|| view! { <th>{t(Msg::ErAgency)}</th> })}
                <th>{t(Msg::ErScope)}</th>
                <th>{t(Msg::ErInForce)}</th>
                <th>{t(Msg::ErOwnerLabel)}</th>
                <th>{t(Msg::ErNextReview)}</th>
            </tr></thead>
            <tbody>{plans.into_iter().map(|p| {
                let scope = match (&p.website, p.category) {
                    (Some(w), _) => w.clone(),
                    (None, Some(c)) => t(c.label()).to_string(),
                    (None, None) => t(Msg::ErWholeAgency).to_string(),
                };
                view! {
                    <tr data-plan=p.id.to_string()>
                        <td><a href=format!("/emergency/plans/{}", p.id)>{p.title.clone()}</a>
                            {p.has_draft.then(|| view! { " "<span class="badge muted">{t(Msg::ErPlanDraft)}</span> })}</td>
                        {show_agency.then(|| view! { <td>{p.agency.name.clone()}</td> })}
                        <td>{scope}</td>
                        <td class="nowrap">{match p.approved.clone() {
                            Some((n, on)) => view! { "v"{n}" · "{on} }.into_any(),
                            None => view! { <span class="muted">{t(Msg::ErNotApproved)}</span> }.into_any(),
                        }}</td>
                        <td>{p.owner.clone()}</td>
                        <td class="nowrap">{p.next_review.clone().unwrap_or_else(|| "—".into())}" "{due_badge(p.review)}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

#[component]
fn Grid(grid: Vec<GridCell>) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-test="drill-grid">
            <thead><tr><th>{t(Msg::ErCategoryLabel)}</th><th>{t(Msg::ErLastDrill)}</th><th>{t(Msg::ErNextDue)}</th><th>{t(Msg::ErStateLabel)}</th></tr></thead>
            <tbody>{grid.into_iter().map(|g| view! {
                <tr data-category=g.category.code()>
                    <td>{t(g.category.label())}</td>
                    <td class="nowrap">{g.last.unwrap_or_else(|| "—".into())}</td>
                    <td class="nowrap">{g.next_due.unwrap_or_else(|| "—".into())}</td>
                    <td>{due_badge(g.state)}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

#[component]
fn DrillTable(drills: Vec<DrillRow>, show_agency: bool) -> impl IntoView {
    if drills.is_empty() {
        return view! { <p class="empty" data-test="drills-empty">{t(Msg::ErNoDrills)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="table" data-test="drills">
            <thead><tr>
                <th>{t(Msg::ErHeldOn)}</th>
                {show_agency.then(|| view! { <th>{t(Msg::ErAgency)}</th> })}
                <th>{t(Msg::ErCategoryLabel)}</th>
                <th>{t(Msg::ErScenario)}</th>
                <th>{t(Msg::ErOutcome)}</th>
                <th>{t(Msg::ErParticipants)}</th>
            </tr></thead>
            <tbody>{drills.into_iter().map(|d| {
                let scenario: String = d.scenario.chars().take(120).collect();
                view! {
                    <tr data-drill=d.id.to_string()>
                        <td class="nowrap"><a href=format!("/emergency/drills/{}", d.id)>{d.held_on.clone()}</a></td>
                        {show_agency.then(|| view! { <td>{d.agency.name.clone()}</td> })}
                        <td>{t(d.category.label())}</td>
                        <td>{scenario}</td>
                        <td>{t(d.outcome.label())}</td>
                        <td>{if d.participants.is_empty() { "—".to_string() } else { d.participants.join("、") }}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

/// Follow-up actions, each closable by whoever may close it (on a page that asks first).
#[component]
pub(crate) fn ActionTable(actions: Vec<ActionRow>, show_agency: bool, back: String) -> impl IntoView {
    if actions.is_empty() {
        return view! { <p class="empty" data-test="actions-empty">{t(Msg::ErNoActions)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="table" data-test="actions">
            <thead><tr>
                <th>{t(Msg::ErActionLabel)}</th>
                {show_agency.then(|| view! { <th>{t(Msg::ErAgency)}</th> })}
                <th>{t(Msg::ErSource)}</th>
                <th>{t(Msg::ErOwnerLabel)}</th>
                <th>{t(Msg::ErDue)}</th>
                <th></th>
            </tr></thead>
            <tbody>{actions.into_iter().map(|a| {
                let source_link = match a.source {
                    crate::plans::ActionSource::Drill => format!("/emergency/drills/{}", a.source_id),
                    crate::plans::ActionSource::Check => format!("/reports/submissions/{}", a.source_id),
                    crate::plans::ActionSource::Incident | crate::plans::ActionSource::Review => format!("/incidents/{}", a.source_id),
                };
                view! {
                    <tr data-action=a.id.to_string() class=if a.overdue { "gap-row" } else { "" }>
                        <td>{(!a.finding.is_empty()).then(|| view! { <span class="muted small">{t(Msg::ErFinding)}": "{a.finding.clone()}</span><br/> })}{a.title.clone()}</td>
                        {show_agency.then(|| view! { <td>{a.agency.name.clone()}</td> })}
                        <td><a href=source_link>{t(a.source.label())}</a></td>
                        <td>{a.owner.name.clone()}{(!a.owner_name.is_empty()).then(|| view! { <br/><span class="muted">{a.owner_name.clone()}</span> })}</td>
                        <td class="nowrap">{a.due_on.clone()}{a.overdue.then(|| view! { " "<span class="flag" data-test="action-overdue">{t(Msg::ErDueOverdue)}</span> })}</td>
                        <td>{match (a.closed_at.clone(), a.can_close) {
                            (Some(at), _) => view! { <span class="muted">{t(Msg::ErClosedAt)}" "{at}</span> }.into_any(),
                            (None, true) => view! { <a href=format!("/emergency/actions/{}/close?back={}", a.id, crate::ui::encode_query(&back))>{t(Msg::ErCloseAction)}</a> }.into_any(),
                            (None, false) => ().into_any(),
                        }}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

/// Lines of follow-up actions in a form (`{prefix}[i][…]`), owners from `owners`.
pub(crate) fn action_inputs(prefix: &'static str, owners: &[Named], rows: usize) -> impl IntoView + use<> {
    let owners = owners.to_vec();
    view! {
        <fieldset class="wide lines" data-test="action-lines">
            <legend>{t(Msg::ErFollowUp)}</legend>
            {(0..rows).map(|i| view! {
                <div class="line">
                    <label><span>{t(Msg::ErActionLabel)}</span><input name=format!("{prefix}[{i}][title]") maxlength="500"/></label>
                    <label><span>{t(Msg::ErOwnerLabel)}</span><select name=format!("{prefix}[{i}][owner_org]")>{named_options(&owners, false)}</select></label>
                    <label><span>{t(Msg::ErOwnerPerson)}</span><input name=format!("{prefix}[{i}][owner_name]") maxlength="200"/></label>
                    <label><span>{t(Msg::ErDue)}</span><input type="date" name=format!("{prefix}[{i}][due_on]")/></label>
                </div>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn NewPlanForm(h: ErHome) -> impl IntoView {
    let create = ServerAction::<CreatePlan>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(create, Some(form), |id| {
        crate::ui::notice::Done::then(Msg::ErPlanCreated, format!("/emergency/plans/{id}"))
    });
    view! {
        <details class="card" data-test="new-plan">
            <summary><h2 class="inline-h">{t(Msg::ErNewPlan)}</h2></summary>
            <ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=create node_ref=form attr:class="grid-form">
                <label class="wide"><span>{t(Msg::ErTitle)}</span><input name="input[title]" required maxlength="200"/></label>
                <label><span>{t(Msg::ErWebsite)}</span><select name="input[website_id]"><option value="">{t(Msg::ErWholeAgency)}</option>{named_options(&h.websites, false)}</select></label>
                <label><span>{t(Msg::ErCategoryLabel)}</span><select name="input[category]">
                    <option value="">{t(Msg::ErAllCategories)}</option>
                    {crate::plans::Category::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label><span>{t(Msg::ErOwnerLabel)}</span><select name="input[owner_id]">{named_options(&h.people, false)}</select></label>
                <label><span>{t(Msg::ErReviewMonths)}</span><input type="number" name="input[review_months]" min="1" max="60" value="12"/></label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn RecordDrillForm(h: ErHome) -> impl IntoView {
    let record = ServerAction::<RecordDrill>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(record, Some(form), |id| {
        crate::ui::notice::Done::then(Msg::ErDrillRecorded, format!("/emergency/drills/{id}"))
    });
    let plans: Vec<Named> = h.plans.iter().map(|p| Named { id: p.id, name: p.title.clone() }).collect();
    // A drill from a plan's scenario: the plan's page links here with `?plan=` (the form opens on it).
    let query = use_query_map();
    let from_plan = query.with_untracked(|q| q.get("plan")).and_then(|p| p.parse::<uuid::Uuid>().ok());
    let plan_options = plans
        .iter()
        .map(|p| view! { <option value=p.id.to_string() selected=Some(p.id) == from_plan>{p.name.clone()}</option> })
        .collect_view();
    view! {
        <details class="card" data-test="record-drill" id="record-drill" open=from_plan.is_some()>
            <summary><h2 class="inline-h">{t(Msg::ErRecordDrill)}</h2></summary>
            <ActionError value=Signal::derive(move || record.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=record node_ref=form attr:class="grid-form">
                <label><span>{t(Msg::ErHeldOn)}</span><input type="date" name="input[held_on]" required/></label>
                <label><span>{t(Msg::ErCategoryLabel)}</span><select name="input[category]" required>
                    {DrillCategory::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label><span>{t(Msg::ErPlanExercised)}</span><select name="input[plan_id]"><option value="">"—"</option>{plan_options}</select></label>
                <label><span>{t(Msg::ErOutcome)}</span><select name="input[outcome]">
                    {DrillOutcome::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label class="wide"><span>{t(Msg::ErScenario)}</span><textarea name="input[scenario]" required rows="3" maxlength="20000"></textarea></label>
                <label class="wide"><span>{t(Msg::ErFindings)}</span><textarea name="input[findings]" rows="3" maxlength="20000"></textarea></label>
                {(!h.providers.is_empty()).then(|| view! {
                    <fieldset class="wide" data-test="participants">
                        <legend>{t(Msg::ErParticipants)}</legend>
                        {h.providers.iter().enumerate().map(|(i, p)| view! {
                            <label class="check"><input type="checkbox" name=format!("input[participants][{i}]") value=p.id.to_string()/>" "{p.name.clone()}</label>
                        }).collect_view()}
                    </fieldset>
                })}
                {action_inputs("input[actions]", &own_and(&h), 2)}
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::ErRecord)}</button></div>
            </ActionForm>
        </details>
    }
}

/// The agency itself first, then the providers serving it: who may own an action.
fn own_and(h: &ErHome) -> Vec<Named> {
    let mut out = vec![Named { id: uuid::Uuid::nil(), name: t(Msg::ErOurAgency).to_string() }];
    out.extend(h.providers.iter().cloned());
    out
}

#[component]
fn RestoreIntervalForm(months: u32) -> impl IntoView {
    let set = ServerAction::<SetRestoreInterval>::new();
    crate::ui::notice::when_done(set, None, crate::ui::notice::saved);
    view! {
        <ActionError value=Signal::derive(move || set.value().get().map(|r| r.map(|_| ())))/>
        <ActionForm action=set attr:class="inline-form" attr:data-test="restore-interval">
            <label><span>{t(Msg::ErRestoreEvery)}</span><input type="number" name="months" min="1" max="60" value=months.to_string()/></label>
            <button type="submit">{t(Msg::Save)}</button>
        </ActionForm>
    }
}

#[component]
fn ContactsForm(e: EngagementContacts) -> impl IntoView {
    let save = ServerAction::<SaveContacts>::new();
    crate::ui::notice::when_done(save, None, crate::ui::notice::saved);
    let rows = (e.contacts.len() + 1).clamp(2, crate::plans::MAX_CONTACTS);
    let lines = e.contacts.clone();
    view! {
        <section class="card" data-test="contacts" data-engagement=e.engagement_id.to_string()>
            <h3>{e.agency.name.clone()}</h3>
            <p class="muted">{t(Msg::ErContactsIntro)}{e.updated_at.clone().map(|u| view! { " "{t(Msg::ErUpdatedAt)}" "{u} })}</p>
            <ActionError value=Signal::derive(move || save.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="engagement_id" value=e.engagement_id.to_string()/>
                {(0..rows).map(|i| {
                    let l = lines.get(i).cloned().unwrap_or_default();
                    view! {
                        <div class="line">
                            <label><span>{t(Msg::ErContactName)}</span><input name=format!("contacts[{i}][name]") maxlength="200" value=l.name/></label>
                            <label><span>{t(Msg::ErContactDuty)}</span><input name=format!("contacts[{i}][duty]") maxlength="200" value=l.duty/></label>
                            <label><span>{t(Msg::ErPhone)}</span><input name=format!("contacts[{i}][phone]") maxlength="64" value=l.phone/></label>
                            <label><span>{t(Msg::Email)}</span><input type="email" name=format!("contacts[{i}][email]") maxlength="254" value=l.email/></label>
                            <label><span>{t(Msg::ErReachable)}</span><input name=format!("contacts[{i}][hours]") maxlength="200" value=l.hours/></label>
                        </div>
                    }
                }).collect_view()}
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Save)}</button></div>
            </ActionForm>
        </section>
    }
}

/// The module's page: what the viewer's organisation has to see and do.
#[component]
pub fn EmergencyPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| crate::plans::api::get_emergency());
    view! {
        <h1>{t(Msg::ErNav)}</h1>
        <p class="muted">{t(Msg::ErIntro)}</p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(h) if h.jurisdiction => view! { <Overview/> }.into_any(),
                    Ok(h) => home_view(h).into_any(),
                }
            })}
        </Suspense>
    }
}

/// One agency's emergency response as its jurisdiction sees it (`/emergency/agencies/:id`).
#[component]
pub fn AgencyEmergencyPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| uuid::Uuid::parse_str(&s).ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::plans::api::get_agency_emergency(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <p class="muted"><a href="/emergency" data-test="back-to-overview">{t(Msg::ErBackToOverview)}</a></p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <h1>{t(Msg::ErNav)}</h1><ErrorNotice error=e/> }.into_any(),
                    Ok(h) => view! {
                        <h1 data-test="agency-name">{h.agency.clone().map(|a| a.name).unwrap_or_default()}</h1>
                        <p class="muted">{t(Msg::ErAgencyViewIntro)}" · "
                            <a href=format!("/incidents?status=all&search={}", crate::ui::encode_query(&h.agency.clone().map(|a| a.name).unwrap_or_default()))>{t(Msg::ErAgencyIncidents)}</a></p>
                        {home_view(h)}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn home_view(h: ErHome) -> impl IntoView {
    let agency = !h.grid.is_empty();
    let show_agency = !agency;
    view! {
        {h.can_write.then(|| view! { <NewPlanForm h=h.clone()/> <RecordDrillForm h=h.clone()/> })}
        <section class="card">
            <h2>{t(Msg::ErPlans)}</h2>
            <PlanTable plans=h.plans.clone() show_agency/>
        </section>
        {agency.then(|| view! {
            <section class="card">
                <h2>{t(Msg::ErDrillCompliance)}</h2>
                <p class="muted">{t(Msg::ErDrillRule)}</p>
                <Grid grid=h.grid.clone()/>
                {h.can_write.then(|| view! { <RestoreIntervalForm months=h.restore_every_months/> })}
            </section>
        })}
        <section class="card">
            <h2>{t(Msg::ErOpenActions)}</h2>
            <ActionTable actions=h.actions.clone() show_agency back="/emergency".to_string()/>
        </section>
        <section class="card">
            <h2>{t(Msg::ErDrills)}</h2>
            <DrillTable drills=h.drills.clone() show_agency/>
        </section>
        {h.can_keep_contacts.then(|| view! {
            <section class="card" data-test="my-contacts">
                <h2>{t(Msg::ErMyContacts)}</h2>
                {if h.contacts.is_empty() {
                    view! { <p class="empty">{t(Msg::ErNoEngagements)}</p> }.into_any()
                } else {
                    h.contacts.clone().into_iter().map(|e| view! { <ContactsForm e/> }).collect_view().into_any()
                }}
            </section>
        })}
    }
}

/// A jurisdiction's drill overview: filtered by name and to the overdue, paged.
#[component]
fn Overview() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        query.with(|q| {
            (
                q.get("search").unwrap_or_default(),
                q.get("overdue").unwrap_or_default(),
                q.get("page").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(args, |(s, o, p)| crate::plans::api::get_drill_overview(s, o, p));
    let locale = use_locale();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:data-test="drill-filters">
            <label><span>{t(Msg::Search)}</span><input name="search" value=move || args().0 maxlength="100"/></label>
            <label class="check"><input type="checkbox" name="overdue" value="on" checked=move || !args().1.is_empty()/>" "{t(Msg::ErOnlyOverdue)}</label>
            <button type="submit">{t(Msg::Filter)}</button>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(o) => overview_table(o, locale).into_any(),
                }
            })}
        </Suspense>
    }
}

fn overview_table(o: DrillOverview, locale: crate::i18n::Locale) -> impl IntoView {
    let categories = |cs: &[DrillCategory]| cs.iter().map(|c| c.label().text(locale)).collect::<Vec<_>>().join("、");
    let query = |page: u64| {
        let mut q = vec![format!("page={page}")];
        if !o.search.is_empty() {
            q.push(format!("search={}", crate::ui::encode_query(&o.search)));
        }
        if o.only_overdue {
            q.push("overdue=on".into());
        }
        format!("?{}", q.join("&"))
    };
    let csv = format!("/emergency/drills.csv{}", query(1).replacen("page=1&", "", 1).replacen("?page=1", "?", 1));
    let (page, pages) = (o.page, o.pages);
    view! {
        <p class="muted" data-test="overview-total">{o.total}" "{t(Msg::ErAgencies)}" · "<a href=csv data-test="overview-csv">{t(Msg::ExportCsv)}</a></p>
        {if o.rows.is_empty() {
            view! { <p class="empty" data-test="overview-empty">{t(Msg::ErNoAgencies)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap"><table class="table" data-test="drill-overview">
                    <thead><tr><th>{t(Msg::ErAgency)}</th><th>{t(Msg::ErOverdueDrills)}</th><th>{t(Msg::ErDueSoonDrills)}</th><th>{t(Msg::ErPlansOverdue)}</th><th>{t(Msg::ErActionsOverdue)}</th></tr></thead>
                    <tbody>{o.rows.iter().map(|r| view! {
                        <tr data-agency=r.agency.id.to_string() class=if r.overdue.is_empty() { "" } else { "gap-row" }>
                            <td><a href=format!("/emergency/agencies/{}", r.agency.id)>{r.agency.name.clone()}</a></td>
                            <td>{if r.overdue.is_empty() { "—".to_string() } else { categories(&r.overdue) }}</td>
                            <td class="muted">{if r.due_soon.is_empty() { "—".to_string() } else { categories(&r.due_soon) }}</td>
                            <td class="num">{r.plans_overdue}</td>
                            <td class="num">{r.actions_overdue}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table></div>
            }.into_any()
        }}
        {(pages > 1).then(|| view! {
            <nav class="pager" data-test="pager">
                {(page > 1).then(|| view! { <a href=query(page - 1)>{t(Msg::Previous)}</a> })}
                <span>{page}" / "{pages}</span>
                {(page < pages).then(|| view! { <a href=query(page + 1)>{t(Msg::Next)}</a> })}
            </nav>
        })}
    }
}

/// The dashboard's panel: an agency's overdue drills, plans past review and overdue actions; a
/// provider's open actions and contacts to keep; a jurisdiction's agencies with something overdue.
#[component]
pub fn EmergencyPanel(jurisdiction: bool) -> impl IntoView {
    let body = if jurisdiction {
        let data =
            Resource::new(|| (), |_| crate::plans::api::get_drill_overview(String::new(), "on".into(), String::new()));
        view! {
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(o) => view! {
                            <p><a href="/emergency?overdue=on" data-test="agencies-overdue">{o.total}" "{t(Msg::ErAgenciesWithOverdue)}</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    } else {
        let data = Resource::new(|| (), |_| crate::plans::api::get_emergency());
        view! {
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(h) => {
                            let overdue_drills = h.grid.iter().filter(|g| g.state.is_overdue()).count();
                            let plans_due = h.plans.iter().filter(|p| p.review.is_overdue()).count();
                            let actions_overdue = h.actions.iter().filter(|a| a.overdue).count();
                            let no_contacts = h.contacts.iter().filter(|c| c.contacts.is_empty()).count();
                            let (drills_flag, actions_flag) = (overdue_drills != 0, actions_overdue != 0);
                            view! {
                                <ul class="plain" data-test="emergency-flags">
                                    {(!h.grid.is_empty()).then(|| view! { <li class=if drills_flag { "flag-line" } else { "" }>{overdue_drills}" "{t(Msg::ErCategoriesOverdue)}</li> })}
                                    <li>{plans_due}" "{t(Msg::ErPlansPastReview)}</li>
                                    <li class=if actions_flag { "flag-line" } else { "" }>{h.actions.len()}" "{t(Msg::ErActionsOpen)}" · "{actions_overdue}" "{t(Msg::ErDueOverdue)}</li>
                                    {h.can_keep_contacts.then(|| view! { <li>{no_contacts}" "{t(Msg::ErEngagementsWithoutContacts)}</li> })}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }
        .into_any()
    };
    view! {
        <section class="card" data-test="emergency-panel">
            <h2>{t(Msg::ErNav)}" "<a href="/emergency" class="small">{t(Msg::OpenAll)}</a></h2>
            {body}
        </section>
    }
}
