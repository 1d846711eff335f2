//! Change notices' pages: the module's page (`/changes`: what awaits the viewer, then every
//! notice in reach), the CSP's classification and form (`/changes/new`), a notice
//! (`/changes/:id`: deadlines, counts, the current revision and what it changed, the agencies'
//! answers, the timeline, and the viewer's actions), a revision's form (`/changes/:id/revise`),
//! and the page that asks before a step that cannot be undone. Every form posts without
//! JavaScript too.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

mod settings;
pub use settings::{ChangeTermsPage, WorkCalendarPage};

use crate::{
    changes::{
        api::{ChangeStep, ReviseChange, SubmitChange},
        Action, ChangeCategory, ChangeType, ChangesHome, Classification, DeadlineState, FilePurpose, NoticeDetail,
        NoticeRow, NoticeStatus, PlannedMonth, RevisionView, StepKind,
    },
    domain::LineChange,
    i18n::{t, Msg},
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        ActionError, DetailError, ErrorNotice,
    },
};

fn notice_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

/// The notice the address names (an address that names none: "not found").
async fn read_notice(id: Option<Uuid>) -> Result<NoticeDetail, crate::error::AppError> {
    match id {
        Some(id) => crate::changes::api::get_change(id).await,
        None => Err(crate::error::AppError::NotFound),
    }
}

pub(crate) fn status_badge(s: NoticeStatus) -> impl IntoView {
    view! { <span class=format!("state {}", status_class(s)) data-status=s.code()>{t(s.label())}</span> }
}

/// The colour a status wears, in badges and on the calendar.
fn status_class(s: NoticeStatus) -> &'static str {
    match s {
        NoticeStatus::InReview => "st-submitted",
        NoticeStatus::RevisionRequested | NoticeStatus::Rejected => "st-overdue",
        NoticeStatus::Cleared | NoticeStatus::Implemented => "st-due",
        NoticeStatus::Assessed | NoticeStatus::Closed => "st-accepted",
        NoticeStatus::Cancelled => "st-not_yet_due",
    }
}

fn deadline_badge(s: DeadlineState) -> impl IntoView {
    let class = match s {
        DeadlineState::OnTime => "state st-accepted",
        DeadlineState::Late | DeadlineState::Overdue => "state st-overdue",
        DeadlineState::Open => "state st-due",
    };
    view! { <span class=class data-deadline=format!("{s:?}").to_lowercase()>{t(s.label())}</span> }
}

#[component]
fn NoticeTable(rows: Vec<NoticeRow>, test: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-test=test>
            <thead><tr>
                <th>{t(Msg::ChNotice)}</th>
                <th>{t(Msg::ChCsp)}</th>
                <th>{t(Msg::ChTypeLabel)}</th>
                <th>{t(Msg::ChPlanned)}</th>
                <th>{t(Msg::ChStatusLabel)}</th>
                <th>{t(Msg::ChAnswered)}</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(|r| view! {
                <tr data-notice=r.id.to_string() class={if r.flagged > 0 { "gap-row" } else { "" }}>
                    <td><a href=format!("/changes/{}", r.id)>{r.title.clone()}</a>
                        {r.emergency.then(|| view! { " "<span class="flag">{t(Msg::ChEmergency)}</span> })}
                        {r.awaiting_viewer.then(|| view! { " "<span class="badge">{t(Msg::ChAwaitsYou)}</span> })}
                        <br/><span class="muted small">{t(r.category.label())}" · "{t(Msg::ChRevisionShort)}" "{r.revision}</span></td>
                    <td>{r.csp.name.clone()}</td>
                    <td>{t(r.change_type.label())}</td>
                    <td class="nowrap">{r.planned_start.clone()}<br/><span class="muted small">{r.planned_end.clone()}</span></td>
                    <td>{status_badge(r.status)}{(r.flagged > 0).then(|| view! { " "<span class="flag" data-test="flagged">{r.flagged}" "{t(Msg::ChFlagged)}</span> })}</td>
                    <td class="nowrap" data-test="answered">{r.answered}" / "{r.affected}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

#[component]
pub fn ChangesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(|q| (q.get("status").unwrap_or_default(), q.get("page").unwrap_or_default()));
    let data = Resource::new(filter, |(status, page)| crate::changes::api::get_changes(status, page));
    view! {
        <h1>{t(Msg::ChNav)}</h1>
        <p class="muted">{t(Msg::ChIntro)}</p>
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

/// The month's planned windows in reach, on the working calendar.
#[component]
pub fn ChangeCalendarPage() -> impl IntoView {
    let query = use_query_map();
    let month = move || query.with(|q| q.get("month").unwrap_or_default());
    let data = Resource::new(month, crate::changes::api::get_change_calendar);
    view! {
        <p><a href="/changes">{t(Msg::ChNav)}</a></p>
        <h1>{t(Msg::ChCalendar)}</h1>
        <p class="muted">{t(Msg::ChCalendarIntro)}</p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(m) => calendar_view(m).into_any(),
                }
            })}
        </Suspense>
    }
}

fn calendar_view(m: PlannedMonth) -> impl IntoView {
    const WEEKDAYS: [Msg; 7] = [Msg::ChMon, Msg::ChTue, Msg::ChWed, Msg::ChThu, Msg::ChFri, Msg::ChSat, Msg::ChSun];
    let items = m.items.clone();
    view! {
        <nav class="pager" data-test="months">
            <a href=format!("?month={}", m.prev) data-test="prev-month">{t(Msg::ChPrevMonth)}</a>
            <strong data-test="month">{m.month.clone()}</strong>
            <a href=format!("?month={}", m.next) data-test="next-month">{t(Msg::ChNextMonth)}</a>
            <a href="/changes/calendar">{t(Msg::ChThisMonth)}</a>
        </nav>
        <section class="card">
            <div class="month-grid" data-test="month-grid">
                {WEEKDAYS.iter().map(|w| view! { <div class="month-head">{t(*w)}</div> }).collect_view()}
                {(0..m.lead).map(|_| view! { <div class="month-day blank"></div> }).collect_view()}
                {m.days.iter().map(|d| {
                    let day = d.day;
                    let here: Vec<_> = items.iter().filter(|i| i.first_day <= day && day <= i.last_day).cloned().collect();
                    let class = format!("month-day{}{}", if d.rest { " rest" } else { "" }, if d.today { " today" } else { "" });
                    view! {
                        <div class=class data-day=day>
                            <span class="month-num">{day}</span>
                            {here.into_iter().map(|i| view! {
                                <a class=format!("month-item {}", status_class(i.status)) data-status=i.status.code() href=format!("/changes/{}", i.id) title=format!("{} · {} – {}", i.csp, i.start, i.end)>{i.title}</a>
                            }).collect_view()}
                        </div>
                    }
                }).collect_view()}
            </div>
        </section>
        <section class="card" data-test="planned-list">
            <h2>{t(Msg::ChWindow)}</h2>
            {if m.items.is_empty() {
                view! { <p class="empty" data-test="planned-empty">{t(Msg::ChNoPlanned)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>{t(Msg::ChTitleLabel)}</th><th>{t(Msg::ChCsp)}</th><th>{t(Msg::ChTypeLabel)}</th><th>{t(Msg::ChPlanned)}</th><th>{t(Msg::ChStatusLabel)}</th></tr></thead>
                        <tbody>{m.items.iter().map(|i| view! {
                            <tr data-notice=i.id.to_string()>
                                <td><a href=format!("/changes/{}", i.id)>{i.title.clone()}</a>{i.emergency.then(|| view! { " "<span class="flag">{t(Msg::ChEmergency)}</span> })}</td>
                                <td>{i.csp.clone()}</td>
                                <td>{t(i.change_type.label())}</td>
                                <td class="nowrap">{i.start.clone()}" – "{i.end.clone()}</td>
                                <td>{status_badge(i.status)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {(m.more > 0).then(|| view! { <p class="muted">{m.more}" "{t(Msg::ChCalendarMore)}</p> })}
        </section>
    }
}

fn home_view(h: ChangesHome) -> impl IntoView {
    let l = h.list.clone();
    let status = h.filter.status.clone().unwrap_or_default();
    let query = {
        let status = status.clone();
        move |page: u64| {
            if status.is_empty() {
                format!("?page={page}")
            } else {
                format!("?status={}&page={page}", crate::ui::encode_query(&status))
            }
        }
    };
    let (page, pages) = (l.page, l.pages);
    let (prev, next) = (query(page.saturating_sub(1)), query(page + 1));
    view! {
        <p class="actions-row">
            {h.can_submit.then(|| view! { <a class="button-link primary" href="/changes/new" data-test="give-notice">{t(Msg::ChGiveNotice)}</a>" " })}
            <a class="button-link" href="/changes/calendar" data-test="calendar-link">{t(Msg::ChCalendar)}</a>
            {h.answers.then(|| view! { " "<a class="button-link" href="/changes/terms" data-test="terms-link">{t(Msg::ChTerms)}</a> })}
        </p>
        <section class="card" data-test="awaiting">
            <h2>{t(Msg::ChAwaiting)}" "<span class="muted">"("{l.awaiting_total}")"</span></h2>
            {if l.awaiting.is_empty() {
                view! { <p class="empty" data-test="awaiting-empty">{t(Msg::ChNothingAwaits)}</p> }.into_any()
            } else {
                view! { <NoticeTable rows=l.awaiting.clone() test="awaiting-list"/> }.into_any()
            }}
        </section>
        <section class="card" data-test="all-notices">
            <h2>{t(Msg::ChAll)}</h2>
            <Form method="GET" action="" attr:class="filters">
                <label><span>{t(Msg::ChStatusLabel)}</span><select name="status">
                    <option value="">{t(Msg::ChAnyStatus)}</option>
                    {NoticeStatus::choices().into_iter().map(|(c, m)| view! { <option value=c selected=status == c>{t(m)}</option> }).collect_view()}
                </select></label>
                <button type="submit">{t(Msg::Filter)}</button>
            </Form>
            <p class="muted" data-test="notice-total">{l.total}" "{t(Msg::ChNoticesCount)}</p>
            {if l.rows.is_empty() {
                view! { <p class="empty" data-test="notices-empty">{t(Msg::ChNoNotices)}</p> }.into_any()
            } else {
                view! { <NoticeTable rows=l.rows.clone() test="notices"/> }.into_any()
            }}
            {(pages > 1).then(|| view! {
                <nav class="pager" data-test="pager">
                    {(page > 1).then(|| view! { <a href=prev.clone()>{t(Msg::Previous)}</a> })}
                    <span>{page}" / "{pages}</span>
                    {(page < pages).then(|| view! { <a href=next.clone()>{t(Msg::Next)}</a> })}
                </nav>
            })}
        </section>
    }
}

/// The classification's answer as a query value.
fn yes(q: &leptos_router::params::ParamsMap, k: &str) -> Option<bool> {
    match q.get(k).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

#[component]
fn Question(name: &'static str, label: Msg, answer: Option<bool>) -> impl IntoView {
    view! {
        <fieldset class="wide question" data-question=name>
            <legend>{t(label)}</legend>
            <label class="check"><input type="radio" name=name value="yes" required checked=answer == Some(true)/>" "{t(Msg::Yes)}</label>
            <label class="check"><input type="radio" name=name value="no" checked=answer == Some(false)/>" "{t(Msg::No)}</label>
        </fieldset>
    }
}

/// The CSP's classification (FedRAMP's order), then the notice's form for the type it leads to.
#[component]
pub fn NewChangePage() -> impl IntoView {
    let query = use_query_map();
    let answers = move || {
        query.with(|q| {
            Some(Classification {
                significant: yes(q, "significant")?,
                routine: yes(q, "routine").unwrap_or(false),
                changes_impact: yes(q, "impact").unwrap_or(false),
                transformative: yes(q, "transformative").unwrap_or(false),
            })
        })
    };
    let form = Resource::new(|| (), |_| crate::changes::api::get_change_form());
    view! {
        <p><a href="/changes">{t(Msg::ChNav)}</a></p>
        <h1>{t(Msg::ChGiveNotice)}</h1>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(f) => {
                        let a = answers();
                        let q = query.get_untracked();
                        view! {
                            <section class="card" data-test="classify">
                                <h2>{t(Msg::ChClassifyTitle)}</h2>
                                <Form method="GET" action="" attr:class="grid-form">
                                    <Question name="significant" label=Msg::ChQSignificant answer=yes(&q, "significant")/>
                                    <Question name="routine" label=Msg::ChQRoutine answer=yes(&q, "routine")/>
                                    <Question name="impact" label=Msg::ChQImpact answer=yes(&q, "impact")/>
                                    <Question name="transformative" label=Msg::ChQTransformative answer=yes(&q, "transformative")/>
                                    <div class="form-actions"><button type="submit" data-test="classify-button">{t(Msg::ChClassify)}</button></div>
                                </Form>
                            </section>
                            {a.map(|a| match crate::changes::classify(a) {
                                None => view! { <div class="notice ok" role="status" data-test="no-notice"><p>{t(Msg::ChNoNoticeNeeded)}</p></div> }.into_any(),
                                Some(kind) => view! { <NoticeForm kind websites=f.websites.clone()/> }.into_any(),
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The fields a notice and its revision share.
#[component]
fn NoticeFields(
    current: Option<RevisionView>,
    websites: Vec<crate::changes::Named>,
    chosen: Vec<String>,
) -> impl IntoView {
    let c = current.unwrap_or(RevisionView {
        number: 0,
        title: String::new(),
        description: String::new(),
        reason: String::new(),
        planned_start: String::new(),
        planned_end: String::new(),
        websites: Vec::new(),
        impact_analysis: String::new(),
        customer_impact: String::new(),
        rollback_plan: String::new(),
        verification_plan: String::new(),
        contact: String::new(),
        opt_out_offered: false,
        note: String::new(),
        submitted_by: String::new(),
        submitted_at: String::new(),
    });
    // A shown time (`YYYY-MM-DD HH:MM`) as the datetime input takes it.
    let local = |s: &str| s.get(..16).unwrap_or("").replacen(' ', "T", 1);
    let text = |name: &'static str, label: Msg, value: String, required: bool| {
        view! { <label class="wide"><span>{t(label)}</span><textarea name=format!("input[{name}]") rows="3" maxlength="20000" required=required>{value}</textarea></label> }
    };
    view! {
        <label class="wide"><span>{t(Msg::ChTitleLabel)}</span><input name="input[title]" required maxlength="200" value=c.title.clone()/></label>
        <label><span>{t(Msg::ChStart)}</span><input type="datetime-local" name="input[planned_start]" required value=local(&c.planned_start)/></label>
        <label><span>{t(Msg::ChEnd)}</span><input type="datetime-local" name="input[planned_end]" required value=local(&c.planned_end)/></label>
        <fieldset class="wide" data-test="notice-websites">
            <legend>{t(Msg::ChWebsites)}</legend>
            {if websites.is_empty() {
                view! { <p class="empty">{t(Msg::ChNoWebsites)}</p> }.into_any()
            } else {
                websites.iter().enumerate().map(|(i, w)| view! {
                    <label class="check"><input type="checkbox" name=format!("input[website_ids][{i}]") value=w.id.to_string() checked=chosen.contains(&w.name)/>" "{w.name.clone()}</label>
                }).collect_view().into_any()
            }}
        </fieldset>
        {text("description", Msg::ChDescription, c.description.clone(), false)}
        {text("reason", Msg::ChReason, c.reason.clone(), false)}
        {text("impact_analysis", Msg::ChImpactAnalysis, c.impact_analysis.clone(), false)}
        {text("customer_impact", Msg::ChCustomerImpact, c.customer_impact.clone(), false)}
        {text("rollback_plan", Msg::ChRollback, c.rollback_plan.clone(), false)}
        {text("verification_plan", Msg::ChVerification, c.verification_plan.clone(), false)}
        <label class="wide"><span>{t(Msg::ChContact)}</span><input name="input[contact]" maxlength="500" value=c.contact.clone()/></label>
        <label class="check wide"><input type="checkbox" name="input[opt_out_offered]" value="on" checked=c.opt_out_offered/>" "{t(Msg::ChOptOutOffered)}</label>
    }
}

#[component]
fn NoticeForm(kind: ChangeType, websites: Vec<crate::changes::Named>) -> impl IntoView {
    let submit = ServerAction::<SubmitChange>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(submit, Some(form), |id| {
        crate::ui::notice::Done::then(Msg::ChSubmitted, format!("/changes/{id}"))
    });
    let categories: Vec<(&'static str, Msg)> = ChangeCategory::choices()
        .into_iter()
        .filter(|(c, _)| {
            let impact = ChangeCategory::parse(c).is_some_and(crate::changes::category_is_impact_changing);
            impact == (kind == ChangeType::ImpactChanging) || *c == "other"
        })
        .collect();
    view! {
        <section class="card" data-test="notice-form">
            <h2>{t(Msg::ChTypeIs)}" "<span data-test="change-type">{t(kind.label())}</span></h2>
            <p class="muted">{t(match kind {
                ChangeType::Adaptive => Msg::ChTypeAdaptiveHelp,
                ChangeType::Transformative => Msg::ChTypeTransformativeHelp,
                ChangeType::ImpactChanging => Msg::ChTypeImpactHelp,
            })}</p>
            <ActionError value=Signal::derive(move || submit.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=submit node_ref=form attr:class="grid-form">
                <input type="hidden" name="input[change_type]" value=kind.code()/>
                <label><span>{t(Msg::ChCategoryLabel)}</span><select name="input[category]" required>
                    {categories.into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label class="check"><input type="checkbox" name="input[emergency]" value="on"/>" "{t(Msg::ChEmergencyFlag)}</label>
                <NoticeFields current=None websites chosen=Vec::new()/>
                <div class="form-actions"><button type="submit" class="primary" data-test="submit-notice">{t(Msg::ChSubmit)}</button></div>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ChangePage() -> impl IntoView {
    let id = notice_id();
    // One action for every step form of the page, so the notice is read again after each.
    let step = ServerAction::<ChangeStep>::new();
    crate::ui::notice::when_done(step, None, |_| crate::ui::notice::Done::here(Msg::ChStepRecorded));
    let data = Resource::new(move || (id(), step.version().get()), |(id, _)| read_notice(id));
    view! {
        <ActionError value=Signal::derive(move || step.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => detail_view(d, step).into_any(),
                }
            })}
        </Suspense>
    }
}

fn field_label(field: &str) -> Msg {
    match field {
        "title" => Msg::ChTitleLabel,
        "planned_window" => Msg::ChPlanned,
        "websites" => Msg::ChWebsites,
        "description" => Msg::ChDescription,
        "reason" => Msg::ChReason,
        "impact_analysis" => Msg::ChImpactAnalysis,
        "customer_impact" => Msg::ChCustomerImpact,
        "rollback_plan" => Msg::ChRollback,
        "verification_plan" => Msg::ChVerification,
        "contact" => Msg::ChContact,
        _ => Msg::ChOptOutOffered,
    }
}

/// The actions that cannot be undone ask first, on a page of their own.
fn asks_first(a: Action) -> bool {
    matches!(a, Action::Reject | Action::Close | Action::Cancel)
}

#[component]
fn StepForm(id: Uuid, action: Action, step: ServerAction<ChangeStep>, hint: Option<Msg>) -> impl IntoView {
    let body_label = match action {
        Action::Acknowledge => Some((Msg::ChConcerns, false)),
        Action::OptOut => Some((Msg::ChBody, false)),
        Action::Ask | Action::RequestInfo => Some((Msg::ChQuestion, true)),
        Action::Approve => Some((Msg::ChBody, false)),
        Action::Assess => Some((Msg::ChAssessment, true)),
        _ => None,
    };
    view! {
        <details class="card step-form" data-action=action.code()>
            <summary><h3 class="inline-h">{t(action.label())}</h3></summary>
            {hint.map(|h| view! { <p class="notice" data-test="step-hint">{t(h)}</p> })}
            <ActionForm action=step attr:class="grid-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="action" value=action.code()/>
                {(action == Action::Implement).then(|| view! {
                    <label><span>{t(Msg::ChActualStart)}</span><input type="datetime-local" name="input[actual_start]" required/></label>
                    <label><span>{t(Msg::ChActualEnd)}</span><input type="datetime-local" name="input[actual_end]" required/></label>
                    <label><span>{t(Msg::ChVerifiedOn)}</span><input type="date" name="input[verified_on]"/></label>
                })}
                {body_label.map(|(label, required)| view! {
                    <label class="wide"><span>{t(label)}</span><textarea name="input[body]" rows="3" maxlength="20000" required=required></textarea></label>
                })}
                <div class="form-actions"><button type="submit" class="primary" data-test=format!("do-{}", action.code())>{t(action.label())}</button></div>
            </ActionForm>
        </details>
    }
}

fn detail_view(d: NoticeDetail, step: ServerAction<ChangeStep>) -> impl IntoView {
    let n = d.notice.clone();
    let c = d.counts.clone();
    let id = n.id;
    let has_report = d.files.iter().any(|f| f.assessment);
    view! {
        <p><a href="/changes">{t(Msg::ChNav)}</a>" · "<a href=format!("/changes/{id}/export.json") data-test="export-json">{t(Msg::ChExportJson)}</a></p>
        <h1 data-test="notice-title">{n.title.clone()}</h1>
        <dl class="facts compact" data-test="notice-facts">
            <dt>{t(Msg::ChStatusLabel)}</dt><dd data-test="notice-status">{status_badge(n.status)}</dd>
            <dt>{t(Msg::ChCsp)}</dt><dd>{n.csp.name.clone()}</dd>
            <dt>{t(Msg::ChTypeLabel)}</dt><dd>{t(n.change_type.label())}" · "{t(n.category.label())}{n.emergency.then(|| view! { " "<span class="flag">{t(Msg::ChEmergency)}</span> })}</dd>
            <dt>{t(Msg::ChPlanned)}</dt><dd>{n.planned_start.clone()}" – "{n.planned_end.clone()}</dd>
            {d.actual.clone().map(|(a, b)| view! { <dt>{t(Msg::ChActual)}</dt><dd>{a}" – "{b}</dd> })}
            <dt>{t(Msg::ChAnswered)}</dt><dd data-test="counts">
                {format!("{} / {}", c.acknowledged + c.opted_out, c.affected)}" ("{c.percent}"%) · "
                {t(Msg::ChAcknowledged)}" "{c.acknowledged}" · "{t(Msg::ChWithConcerns)}" "{c.concerns}" · "{t(Msg::ChOptedOut)}" "{c.opted_out}
                {(c.questions > 0).then(|| view! { " · "{t(Msg::ChQuestionsOpen)}" "{c.questions} })}
            </dd>
            {d.requires_approval.then(|| view! {
                <dt>{t(Msg::ChDecisions)}</dt><dd data-test="decisions">{format!("{} / {}", c.approved, c.deciders)}" "{t(Msg::ChApproved)}
                    {(c.rejected > 0).then(|| view! { " · "{t(Msg::ChStRejected)}" "{c.rejected} })}
                    {(c.info_requested > 0).then(|| view! { " · "{t(Msg::ChStepInfoRequested)}" "{c.info_requested} })}</dd>
            })}
        </dl>
        {(!d.allowed.actions.is_empty()).then(|| view! {
            <section class="card" data-test="actions">
                <h2>{t(Msg::ChYourActions)}</h2>
                {d.allowed.actions.iter().copied().map(|a| {
                    if a == Action::Revise {
                        view! { <p><a class="button-link" href=format!("/changes/{id}/revise") data-test="revise">{t(a.label())}</a></p> }.into_any()
                    } else if asks_first(a) {
                        view! { <p><a class="button-link danger" href=format!("/changes/{id}/confirm?action={}", a.code()) data-test=format!("ask-{}", a.code())>{t(a.label())}</a></p> }.into_any()
                    } else {
                        // The assessment names its report: until one is attached, the form says so.
                        let hint = (a == Action::Assess && !has_report).then_some(Msg::ChErrNeedAssessmentFile);
                        view! { <StepForm id action=a step hint/> }.into_any()
                    }
                }).collect_view()}
            </section>
        })}
        {(!d.allowed.attach.is_empty()).then(|| {
            let assessment_due = d.allowed.attach.contains(&FilePurpose::Assessment);
            view! {
                <section class="card" data-test="attach">
                    <h2>{t(if assessment_due { Msg::ChAttachAssessment } else { Msg::ChAttachFiles })}</h2>
                    <p class="muted small">{t(Msg::ChAttachHint)}</p>
                    // A plain multipart form: the bytes stream to the store, which a server function cannot.
                    <form method="post" action=format!("/changes/{id}/files") enctype="multipart/form-data" class="grid-form">
                        <label><span>{t(Msg::ChPurpose)}</span>
                            <select name="purpose" data-test="file-purpose">
                                {d.allowed.attach.iter().rev().map(|p| view! { <option value=p.code()>{t(p.label())}</option> }).collect_view()}
                            </select>
                        </label>
                        <label><span>{t(Msg::ChFiles)}</span><input type="file" name="files" multiple required data-test="file-input"/></label>
                        <div class="form-actions"><button type="submit" class="primary" data-test="upload">{t(Msg::ChAttachFiles)}</button></div>
                    </form>
                </section>
            }
        })}
        {(!d.files.is_empty()).then(|| view! {
            <section class="card" data-test="files">
                <h2>{t(Msg::ChFiles)}</h2>
                <div class="table-wrap"><table class="table">
                    <thead><tr><th>{t(Msg::ChFileName)}</th><th>{t(Msg::ChPurpose)}</th><th>{t(Msg::ChRevisionShort)}</th><th>{t(Msg::ChFileSize)}</th><th>"SHA-256"</th></tr></thead>
                    <tbody>{d.files.iter().map(|f| view! {
                        <tr data-file=f.id.to_string()>
                            <td><a href=format!("/changes/files/{}", f.id) data-test="file-link">{f.name.clone()}</a></td>
                            <td>{t(if f.assessment { FilePurpose::Assessment.label() } else { FilePurpose::Attachment.label() })}</td>
                            <td>{f.revision}</td>
                            <td class="nowrap">{crate::ui::size_text(f.size)}</td>
                            <td><code class="small" title=f.sha256.clone()>{f.sha256.chars().take(12).collect::<String>()}"…"</code></td>
                        </tr>
                    }).collect_view()}</tbody>
                </table></div>
            </section>
        })}
        <section class="card" data-test="deadlines">
            <h2>{t(Msg::ChDeadlines)}</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th>{t(Msg::ChDeadline)}</th><th>{t(Msg::ChDue)}</th><th>{t(Msg::ChMet)}</th><th>{t(Msg::ChStatusLabel)}</th></tr></thead>
                <tbody>{d.deadlines.iter().map(|dl| view! {
                    <tr data-kind=dl.kind.code()>
                        <td>{t(dl.kind.label())}</td>
                        <td class="nowrap">{dl.due.clone()}</td>
                        <td class="nowrap">{dl.met.clone().unwrap_or_else(|| "—".into())}</td>
                        <td>{deadline_badge(dl.state)}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        </section>
        <section class="card" data-test="current-revision">
            <h2>{t(Msg::ChRevisionShort)}" "{d.current.number}" · "<span class="muted small">{d.current.submitted_by.clone()}" · "{d.current.submitted_at.clone()}</span></h2>
            {(!d.current.note.is_empty()).then(|| view! { <p class="notice" data-test="revision-note">{d.current.note.clone()}</p> })}
            <dl class="facts">
                {[
                    (Msg::ChWebsites, d.current.websites.join("\n")),
                    (Msg::ChDescription, d.current.description.clone()),
                    (Msg::ChReason, d.current.reason.clone()),
                    (Msg::ChImpactAnalysis, d.current.impact_analysis.clone()),
                    (Msg::ChCustomerImpact, d.current.customer_impact.clone()),
                    (Msg::ChRollback, d.current.rollback_plan.clone()),
                    (Msg::ChVerification, d.current.verification_plan.clone()),
                    (Msg::ChContact, d.current.contact.clone()),
                ].into_iter().map(|(label, text)| view! {
                    <dt>{t(label)}</dt>
                    <dd class="pre">{if text.is_empty() { "—".to_string() } else { text }}</dd>
                }).collect_view()}
            </dl>
        </section>
        {(!d.changed.is_empty()).then(|| view! {
            <section class="card" data-test="revision-diff">
                <h2>{t(Msg::ChChanged)}</h2>
                {d.changed.iter().map(|f| view! {
                    <h3>{t(field_label(&f.field))}</h3>
                    <pre class="diff">{f.lines.iter().map(|(kind, line)| {
                        let (class, mark) = match kind {
                            LineChange::Added => ("add", "+ "),
                            LineChange::Removed => ("del", "− "),
                            LineChange::Same => ("same", "  "),
                        };
                        view! { <span class=class>{mark}{line.clone()}"\n"</span> }
                    }).collect_view()}</pre>
                }).collect_view()}
            </section>
        })}
        <section class="card" data-test="agencies">
            <h2>{t(Msg::ChAgencies)}</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th>{t(Msg::ChAgency)}</th><th>{t(Msg::ChAnswer)}</th><th>{t(Msg::ChAckDue)}</th></tr></thead>
                <tbody>{d.agencies.iter().map(|a| view! {
                    <tr data-agency=a.agency.id.to_string() class=if a.overdue { "gap-row" } else { "" }>
                        <td>{a.agency.name.clone()}{(!a.affected).then(|| view! { " "<span class="muted small">{t(Msg::ChNoLongerAffected)}</span> })}</td>
                        <td>{match a.answer { Some(k) => t(k.label()).to_string(), None => "—".into() }}</td>
                        <td class="nowrap">{a.ack_due.clone()}{a.overdue.then(|| view! { " "<span class="state st-overdue">{t(Msg::ChDsOverdue)}</span> })}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        </section>
        <section class="card" data-test="timeline">
            <h2>{t(Msg::ChTimeline)}</h2>
            <ol class="timeline">{d.steps.iter().map(|s| view! {
                <li data-step=s.kind.code()>
                    <span class="nowrap muted small">{s.at.clone()}</span>" "
                    <strong>{t(s.kind.label())}</strong>" · "{s.organisation.name.clone()}
                    {s.person.clone().map(|p| view! { " ("{p}")" })}
                    {(s.kind != StepKind::Submitted).then(|| view! { " · "<span class="muted small">{t(Msg::ChRevisionShort)}" "{s.revision}</span> })}
                    {s.actual.clone().map(|(a, b)| view! { <br/>{t(Msg::ChActual)}": "{a}" – "{b} })}
                    {(!s.body.is_empty() && s.kind != StepKind::Reminded).then(|| view! { <p class="pre">{s.body.clone()}</p> })}
                    {s.file.clone().map(|f| view! { <p><a href=format!("/changes/files/{}", f.id)>{f.name}</a></p> })}
                </li>
            }).collect_view()}</ol>
        </section>
        {(d.revisions.len() > 1).then(|| view! {
            <section class="card" data-test="revisions">
                <h2>{t(Msg::ChRevisions)}</h2>
                <ul>{d.revisions.iter().map(|r| view! {
                    <li>{t(Msg::ChRevisionShort)}" "{r.number}" · "{r.submitted_at.clone()}" · "{r.submitted_by.clone()}{(!r.note.is_empty()).then(|| view! { " — "{r.note.clone()} })}</li>
                }).collect_view()}</ul>
            </section>
        })}
    }
}

/// A revision's form, filled with the current revision.
#[component]
pub fn ReviseChangePage() -> impl IntoView {
    let id = notice_id();
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => {
                // The form first: only a CSP revises, whichever notice it names.
                let f = crate::changes::api::get_change_form().await?;
                let d = crate::changes::api::get_change(id).await?;
                Ok((d, f))
            }
            None => Err(crate::error::AppError::NotFound),
        }
    });
    let revise = ServerAction::<ReviseChange>::new();
    crate::ui::notice::when_done(revise, None, move |_| {
        crate::ui::notice::Done::then(Msg::ChRevised, format!("/changes/{}", id().unwrap_or_default()))
    });
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok((d, f)) => {
                        let id = d.notice.id;
                        view! {
                            <p><a href=format!("/changes/{id}")>{d.notice.title.clone()}</a></p>
                            <h1>{t(Msg::ChActRevise)}</h1>
                            <section class="card" data-test="revise-form">
                                <ActionError value=Signal::derive(move || revise.value().get().map(|r| r.map(|_| ())))/>
                                <ActionForm action=revise attr:class="grid-form">
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <label class="wide"><span>{t(Msg::ChNote)}</span><textarea name="input[note]" rows="3" required maxlength="20000" data-test="revision-note-input"></textarea></label>
                                    <NoticeFields current=Some(d.current.clone()) websites=f.websites.clone() chosen=d.current.websites.clone()/>
                                    <div class="form-actions"><button type="submit" class="primary" data-test="submit-revision">{t(Msg::ChActRevise)}</button></div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Asks before a step that cannot be undone: rejecting, closing, cancelling.
#[component]
pub fn ConfirmStepPage() -> impl IntoView {
    let id = notice_id();
    let query = use_query_map();
    let action = move || query.with(|q| q.get("action").and_then(|a| Action::parse(&a)).filter(|a| asks_first(*a)));
    let step = ServerAction::<ChangeStep>::new();
    crate::ui::notice::when_done(step, None, move |_| {
        crate::ui::notice::Done::then(Msg::ChStepRecorded, format!("/changes/{}", id().unwrap_or_default()))
    });
    let data = Resource::new(id, read_notice);
    view! {
        <ActionError value=Signal::derive(move || step.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => match action().filter(|a| d.allowed.actions.contains(a)) {
                        None => view! {
                            <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ChErrAction)}</p></div>
                            <p><a href=format!("/changes/{}", d.notice.id)>{d.notice.title.clone()}</a></p>
                        }.into_any(),
                        Some(a) => {
                            let follows = match a {
                                Action::Reject => vec![Msg::ChRejectFollows, Msg::ChCannotUndo],
                                Action::Close => vec![Msg::ChCloseFollows, Msg::ChCannotUndo],
                                _ => vec![Msg::ChCancelFollows, Msg::ChCannotUndo],
                            };
                            view! {
                                <ConfirmCard title=a.label() subject=d.notice.title.clone() follows>
                                    <ActionForm action=step attr:class="stack" attr:data-test="confirm-form">
                                        <input type="hidden" name="id" value=d.notice.id.to_string()/>
                                        <input type="hidden" name="action" value=a.code()/>
                                        {(a != Action::Close).then(|| view! {
                                            <label><span>{t(Msg::ChReasonRequired)}</span><textarea name="input[body]" required maxlength="20000" rows="3" data-test="reason"></textarea></label>
                                        })}
                                        <ConfirmButtons confirm=a.label() back=format!("/changes/{}", d.notice.id)/>
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

/// The dashboard's panel: how many notices await the viewer, the first few of them.
#[component]
pub fn ChangesPanel() -> impl IntoView {
    let data = Resource::new(|| (), |_| crate::changes::api::get_changes(String::new(), String::new()));
    view! {
        <section class="card" data-test="changes-panel">
            <h2>{t(Msg::ChNav)}" "<a href="/changes" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(h) => {
                            let l = h.list;
                            let flagged = l.awaiting.iter().filter(|r| r.flagged > 0).count();
                            view! {
                                <p data-test="changes-awaiting" class={if l.awaiting_total > 0 { "flag-line" } else { "" }}>
                                    {t(Msg::ChAwaiting)}": "{l.awaiting_total}
                                    {(flagged > 0).then(|| view! { " · "{flagged}" "{t(Msg::ChFlagged)} })}
                                </p>
                                <ul>{l.awaiting.iter().take(5).map(|r| view! {
                                    <li><a href=format!("/changes/{}", r.id)>{r.title.clone()}</a>" "<span class="muted small">{r.csp.name.clone()}" · "{r.planned_start.clone()}</span></li>
                                }).collect_view()}</ul>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
