//! Incidents: the list (`/incidents`: open ones by level, filtered and paged, with the form to
//! open one), an incident (`/incidents/:id`: its milestones, time to report, the people on duty,
//! the timeline and its forms, the steps of its state machine, the review's actions), and the
//! page that asks before an incident is closed.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use super::{action_inputs, ActionTable};
use crate::{
    i18n::{t, Msg},
    plans::{
        api::{
            AddIncidentEntry, AddReviewActions, ChangeIncidentLevel, IncidentTransition, OpenIncident,
            PinIncidentEntry, RecordMilestone,
        },
        Category, EntryKind, IncidentDetail, IncidentFilter, IncidentList, IncidentRow, IncidentStatus, Level,
        Milestone, Named, ReportTimingView, SystemEvent, Transition,
    },
    ui::{
        confirm::{ConfirmButtons, ConfirmCard},
        ActionError, DetailError, ErrorNotice,
    },
};

fn status_badge(s: IncidentStatus) -> impl IntoView {
    let class = match s {
        IncidentStatus::Open => "state st-overdue",
        IncidentStatus::Contained => "state st-due",
        IncidentStatus::Resolved => "state st-submitted",
        IncidentStatus::Closed => "state st-accepted",
    };
    view! { <span class=class data-status=s.code()>{t(s.label())}</span> }
}

/// How a report stands: minutes taken and whether in time, or due by when.
fn timing(v: &ReportTimingView) -> impl IntoView + use<> {
    let (class, text) = match v.state.as_str() {
        "on_time" => ("state st-accepted", format!("{} min", v.minutes.unwrap_or_default())),
        "late" => ("state st-overdue", format!("{} min", v.minutes.unwrap_or_default())),
        "overdue" => ("state st-overdue", v.due.clone().unwrap_or_default()),
        "pending" => ("state st-due", v.due.clone().unwrap_or_default()),
        _ => ("state st-not_yet_due", "—".to_string()),
    };
    let label = match v.state.as_str() {
        "late" => Some(Msg::ErLate),
        "overdue" => Some(Msg::ErReportOverdue),
        "pending" => Some(Msg::ErReportDue),
        _ => None,
    };
    view! {
        <span class=class data-timing=v.state.clone()>{label.map(|m| view! { {t(m)}" " })}{text}</span>
        <span class="muted small">" ≤ "{v.deadline_minutes}" min"</span>
    }
}

#[component]
fn IncidentTable(rows: Vec<IncidentRow>, show_agency: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty" data-test="incidents-empty">{t(Msg::ErNoIncidents)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="table" data-test="incidents">
            <thead><tr>
                <th>{t(Msg::ErIncident)}</th>
                {show_agency.then(|| view! { <th>{t(Msg::ErAgency)}</th> })}
                <th>{t(Msg::ErLevelLabel)}</th>
                <th>{t(Msg::ErStateLabel)}</th>
                <th>{t(Msg::ErMsDetected)}</th>
                <th>{t(Msg::ErToCsp)}</th>
                <th>{t(Msg::ErToRegulator)}</th>
            </tr></thead>
            <tbody>{rows.into_iter().map(|r| {
                let breach = r.to_csp.breached() || r.to_regulator.breached();
                view! {
                    <tr data-incident=r.id.to_string() class=if breach { "gap-row" } else { "" }>
                        <td><a href=format!("/incidents/{}", r.id)>{r.title.clone()}</a><br/><span class="muted small">{t(r.category.label())}" · "{r.websites.join("、")}</span></td>
                        {show_agency.then(|| view! { <td>{r.agency.clone()}</td> })}
                        <td class="nowrap"><strong>{r.level.code()}</strong></td>
                        <td>{status_badge(r.status)}{(r.missed_reports > 0).then(|| view! { " "<span class="flag" data-test="missed-reports">{r.missed_reports}" "{t(Msg::ErMissedReports)}</span> })}</td>
                        <td class="nowrap">{r.detected_at.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class="nowrap">{timing(&r.to_csp)}</td>
                        <td class="nowrap">{timing(&r.to_regulator)}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

#[component]
fn OpenIncidentForm(websites: Vec<Named>) -> impl IntoView {
    let open = ServerAction::<OpenIncident>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(open, Some(form), |id| {
        crate::ui::notice::Done::then(Msg::ErIncidentOpened, format!("/incidents/{id}"))
    });
    view! {
        <details class="card" data-test="open-incident">
            <summary><h2 class="inline-h">{t(Msg::ErOpenIncident)}</h2></summary>
            <ActionError value=Signal::derive(move || open.value().get().map(|r| r.map(|_| ())))/>
            <ActionForm action=open node_ref=form attr:class="grid-form">
                <label class="wide"><span>{t(Msg::ErTitle)}</span><input name="input[title]" required maxlength="200"/></label>
                <label><span>{t(Msg::ErCategoryLabel)}</span><select name="input[category]" required>
                    {Category::choices().into_iter().map(|(c, m)| view! { <option value=c>{t(m)}</option> }).collect_view()}
                </select></label>
                <label><span>{t(Msg::ErLevelLabel)}</span><select name="input[level]" required>
                    {Level::choices().into_iter().map(|(c, m)| view! { <option value=c selected=c == "IV">{t(m)}</option> }).collect_view()}
                </select></label>
                <label><span>{t(Msg::ErMsOccurred)}</span><input type="datetime-local" name="input[occurred_at]"/></label>
                <label><span>{t(Msg::ErMsDetected)}</span><input type="datetime-local" name="input[detected_at]"/><small class="muted">{t(Msg::ErEmptyIsNow)}</small></label>
                <fieldset class="wide" data-test="incident-websites">
                    <legend>{t(Msg::ErWebsites)}</legend>
                    {websites.iter().enumerate().map(|(i, w)| view! {
                        <label class="check"><input type="checkbox" name=format!("input[website_ids][{i}]") value=w.id.to_string()/>" "{w.name.clone()}</label>
                    }).collect_view()}
                </fieldset>
                <label class="wide"><span>{t(Msg::ErSummary)}</span><textarea name="input[summary]" rows="3" maxlength="20000"></textarea></label>
                <label class="check wide"><input type="checkbox" name="input[suspected_crime]" value="on"/>" "{t(Msg::ErSuspectedCrime)}</label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::ErOpen)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn IncidentsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| IncidentFilter {
            status: q.get("status").unwrap_or_default(),
            level: q.get("level").unwrap_or_default(),
            breach: q.get("breach").unwrap_or_default(),
            search: q.get("search").unwrap_or_default(),
            page: q.get("page").unwrap_or_default(),
        })
    };
    let data = Resource::new(filter, crate::plans::api::list_incidents);
    view! {
        <h1>{t(Msg::ErIncidents)}</h1>
        <p class="muted">{t(Msg::ErIncidentsIntro)}</p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(l) => list_view(l).into_any(),
                }
            })}
        </Suspense>
    }
}

fn list_view(l: IncidentList) -> impl IntoView {
    let f = l.filter.clone();
    let query = {
        let f = f.clone();
        move |page: u64| {
            let mut q = vec![format!("page={page}")];
            for (k, v) in [("status", &f.status), ("level", &f.level), ("breach", &f.breach), ("search", &f.search)] {
                if !v.is_empty() {
                    q.push(format!("{k}={}", crate::ui::encode_query(v)));
                }
            }
            format!("?{}", q.join("&"))
        }
    };
    let (page, pages) = (l.page, l.pages);
    // The CSV has every row the filter matches.
    let csv = format!("/incidents/export.csv{}", query(1).replacen("page=1&", "", 1).replacen("?page=1", "?", 1));
    let prev = query(page.saturating_sub(1));
    let next = query(page + 1);
    view! {
        {l.can_open.then(|| view! { <OpenIncidentForm websites=l.websites.clone()/> })}
        <p data-test="open-by-level">{t(Msg::ErOpenByLevel)}": "{l.open_by_level.iter().map(|(lv, n)| format!("{} {n}", lv.code())).collect::<Vec<_>>().join(" · ")}</p>
        <Form method="GET" action="" attr:class="filters" attr:data-test="incident-filters">
            <label><span>{t(Msg::ErStateLabel)}</span><select name="status">
                <option value="open" selected=f.status.is_empty() || f.status == "open">{t(Msg::ErNotClosed)}</option>
                <option value="all" selected=f.status == "all">{t(Msg::ErAll)}</option>
                {IncidentStatus::choices().into_iter().map(|(c, m)| view! { <option value=c selected=f.status == c>{t(m)}</option> }).collect_view()}
            </select></label>
            <label><span>{t(Msg::ErLevelLabel)}</span><select name="level">
                <option value="">{t(Msg::ErAll)}</option>
                {Level::choices().into_iter().map(|(c, m)| view! { <option value=c selected=f.level == c>{t(m)}</option> }).collect_view()}
            </select></label>
            <label><span>{t(Msg::Search)}</span><input name="search" value=f.search.clone() maxlength="100"/></label>
            <label class="check"><input type="checkbox" name="breach" value="on" checked=!f.breach.is_empty()/>" "{t(Msg::ErOnlyBreaches)}</label>
            <button type="submit">{t(Msg::Filter)}</button>
        </Form>
        <p class="muted" data-test="incident-total">{l.total}" "{t(Msg::ErIncidentsCount)}" · "<a href=csv data-test="incidents-csv">{t(Msg::ExportCsv)}</a></p>
        <IncidentTable rows=l.rows.clone() show_agency=l.jurisdiction || !l.can_open || l.rows.iter().any(|r| r.agency_id != l.rows[0].agency_id)/>
        {(pages > 1).then(|| view! {
            <nav class="pager" data-test="pager">
                {(page > 1).then(|| view! { <a href=prev.clone()>{t(Msg::Previous)}</a> })}
                <span>{page}" / "{pages}</span>
                {(page < pages).then(|| view! { <a href=next.clone()>{t(Msg::Next)}</a> })}
            </nav>
        })}
    }
}

fn incident_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

/// The forms of an incident's page, made once so the data follows every one.
#[derive(Clone, Copy)]
struct Acts {
    entry: ServerAction<AddIncidentEntry>,
    pin: ServerAction<PinIncidentEntry>,
    milestone: ServerAction<RecordMilestone>,
    level: ServerAction<ChangeIncidentLevel>,
    step: ServerAction<IncidentTransition>,
    review: ServerAction<AddReviewActions>,
}

impl Acts {
    fn new() -> Acts {
        let a = Acts {
            entry: ServerAction::new(),
            pin: ServerAction::new(),
            milestone: ServerAction::new(),
            level: ServerAction::new(),
            step: ServerAction::new(),
            review: ServerAction::new(),
        };
        crate::ui::notice::when_done(a.entry, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(a.pin, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(a.milestone, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(a.level, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(a.step, None, |_| crate::ui::notice::Done::here(Msg::ErIncidentMoved));
        crate::ui::notice::when_done(a.review, None, crate::ui::notice::saved);
        a
    }

    fn version(&self) -> usize {
        self.entry.version().get()
            + self.pin.version().get()
            + self.milestone.version().get()
            + self.level.version().get()
            + self.step.version().get()
            + self.review.version().get()
    }

    fn errors(&self) -> impl IntoView {
        let Acts { entry, pin, milestone, level, step, review } = *self;
        view! {
            <ActionError value=Signal::derive(move || entry.value().get().map(|r| r.map(|_| ())))/>
            <ActionError value=Signal::derive(move || pin.value().get())/>
            <ActionError value=Signal::derive(move || milestone.value().get())/>
            <ActionError value=Signal::derive(move || level.value().get())/>
            <ActionError value=Signal::derive(move || step.value().get().map(|r| r.map(|_| ())))/>
            <ActionError value=Signal::derive(move || review.value().get().map(|r| r.map(|_| ())))/>
        }
    }
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let id = incident_id();
    let acts = Acts::new();
    let data = Resource::new(
        move || (id(), acts.version()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::plans::api::get_incident(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <p><a href="/incidents">{t(Msg::ErIncidents)}</a></p>
        {acts.errors()}
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => incident_view(d, acts).into_any(),
                }
            })}
        </Suspense>
    }
}

fn incident_view(d: IncidentDetail, acts: Acts) -> impl IntoView {
    let r = d.row.clone();
    let id = r.id;
    let pinned: Vec<_> = d.entries.iter().filter(|e| e.pinned).cloned().collect();
    let reviewable = matches!(r.status, IncidentStatus::Resolved | IncidentStatus::Closed) && !d.owners.is_empty();
    // A closed incident's record changes no more: its forms are not offered.
    let writable = d.can_write && r.status != IncidentStatus::Closed;
    view! {
        <h1 data-test="incident-title">{r.title.clone()}</h1>
        <dl class="facts" data-test="incident-facts">
            <dt>{t(Msg::ErAgency)}</dt><dd>{r.agency.clone()}</dd>
            <dt>{t(Msg::ErWebsites)}</dt><dd>{r.websites.join("、")}</dd>
            <dt>{t(Msg::ErCategoryLabel)}</dt><dd>{t(r.category.label())}</dd>
            <dt>{t(Msg::ErLevelLabel)}</dt><dd data-test="incident-level">{t(r.level.label())}</dd>
            <dt>{t(Msg::ErStateLabel)}</dt><dd data-test="incident-status">{status_badge(r.status)}</dd>
            <dt>{t(Msg::ErOpenedBy)}</dt><dd>{r.opened_by_org.clone()}" · "{r.opened_at.clone()}</dd>
            <dt>{t(Msg::ErToCsp)}</dt><dd data-test="to-csp">{timing(&r.to_csp)}</dd>
            <dt>{t(Msg::ErToRegulator)}</dt><dd data-test="to-regulator">{timing(&r.to_regulator)}</dd>
            <dt>{t(Msg::ErNextReport)}</dt><dd>{d.next_report_due.clone().unwrap_or_else(|| "—".into())}
                {(r.missed_reports > 0).then(|| view! { " "<span class="flag">{r.missed_reports}" "{t(Msg::ErMissedReports)}</span> })}</dd>
            <dt>{t(Msg::ErOnDuty)}</dt><dd data-test="on-duty">{if d.on_duty.is_empty() { "—".to_string() } else { d.on_duty.join("、") }}</dd>
            {d.police_required.then(|| view! { <dt>{t(Msg::ErPolice)}</dt><dd class="flag-line">{t(Msg::ErPoliceRequired)}</dd> })}
        </dl>
        {(!d.summary.is_empty()).then(|| view! { <section class="card"><h2>{t(Msg::ErSummary)}</h2>{d.summary.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</section> })}
        {(!pinned.is_empty()).then(|| view! {
            <section class="card" data-test="pinned">
                <h2>{t(Msg::ErPinned)}</h2>
                <ul class="plain">{pinned.into_iter().map(|e| view! { <li><span class="muted">{e.at.clone()}" · "{e.organisation.clone()}</span>" "{e.body.clone()}</li> }).collect_view()}</ul>
            </section>
        })}
        {(!d.root_cause.is_empty()).then(|| view! {
            <section class="card" data-test="resolution">
                <h2>{t(Msg::ErRootCause)}</h2><p>{d.root_cause.clone()}</p>
                <h2>{t(Msg::ErLessons)}</h2><p>{d.lessons.clone()}</p>
            </section>
        })}
        {writable.then(|| steps(id, &d, acts))}
        <section class="card" data-test="milestones">
            <h2>{t(Msg::ErMilestones)}</h2>
            <div class="table-wrap"><table class="table">
                <thead><tr><th></th><th>{t(Msg::ErFirstRecorded)}</th><th>{t(Msg::ErLatest)}</th></tr></thead>
                <tbody>{d.milestones.iter().map(|m| view! {
                    <tr data-milestone=m.milestone.code()>
                        <td>{t(m.milestone.label())}</td>
                        <td class="nowrap">{m.first.clone()}<br/><span class="muted small">{m.first_by.clone()}</span></td>
                        <td class="nowrap">{match (m.last.clone(), m.last_by.clone()) {
                            (Some(l), Some(b)) => view! { {l}<br/><span class="muted small">{b}</span> }.into_any(),
                            _ => view! { "—" }.into_any(),
                        }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
            {writable.then(|| view! {
                <ActionForm action=acts.milestone attr:class="inline-form" attr:data-test="milestone-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <select name="milestone">
                        {[Milestone::Occurred, Milestone::Detected, Milestone::ReportedCsp, Milestone::ReportedLeaders, Milestone::ReportedRegulator, Milestone::ReportedPolice]
                            .into_iter().map(|m| view! { <option value=m.code()>{t(m.label())}</option> }).collect_view()}
                    </select>
                    <input type="datetime-local" name="at" required/>
                    <button type="submit">{t(Msg::ErRecordTime)}</button>
                </ActionForm>
            })}
        </section>
        <section class="card" data-test="timeline">
            <h2>{t(Msg::ErTimeline)}</h2>
            {writable.then(|| view! {
                <ActionForm action=acts.entry attr:class="stack" attr:data-test="entry-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <div class="line">
                        <label><span>{t(Msg::ErEntryKindLabel)}</span><select name="kind">
                            <option value="note">{t(EntryKind::Note.label())}</option>
                            <option value="status">{t(EntryKind::Status.label())}</option>
                        </select></label>
                        <label><span>{t(Msg::ErWhen)}</span><input type="datetime-local" name="at"/></label>
                    </div>
                    <label><span>{t(Msg::ErEntryBody)}</span><textarea name="body" required rows="3" maxlength="20000"></textarea></label>
                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::ErAddEntry)}</button></div>
                </ActionForm>
            })}
            <ol class="timeline">{d.entries.clone().into_iter().rev().map(|e| {
                let pin_to = if e.pinned { "false" } else { "true" };
                view! {
                    <li class=format!("entry entry-{}", e.kind.code()) data-entry=e.id.to_string()>
                        <div class="muted small">{e.at.clone()}" · "{e.organisation.clone()}{e.person.clone().map(|p| format!(" · {p}"))}" · "{t(e.kind.label())}
                            {e.pinned.then_some(" · 📌")}</div>
                        <div>{match e.event.clone() {
                            Some(ev) => event_text(ev),
                            None => e.body.clone(),
                        }}</div>
                        {writable.then(|| view! {
                            <ActionForm action=acts.pin attr:class="inline-form">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="entry_id" value=e.id.to_string()/>
                                <input type="hidden" name="pinned" value=pin_to/>
                                <button type="submit" class="link-button">{t(if e.pinned { Msg::ErUnpin } else { Msg::ErPin })}</button>
                            </ActionForm>
                        })}
                    </li>
                }
            }).collect_view()}</ol>
        </section>
        <section class="card" data-test="review">
            <h2>{t(Msg::ErFollowUp)}</h2>
            {if d.actions.is_empty() {
                view! { <p class="empty">{t(Msg::ErNoFollowUps)}</p> }.into_any()
            } else {
                view! { <ActionTable actions=d.actions.clone() show_agency=false back=format!("/incidents/{id}")/> }.into_any()
            }}
            {reviewable.then(|| view! {
                <ActionForm action=acts.review attr:class="grid-form" attr:data-test="review-actions">
                    <input type="hidden" name="id" value=id.to_string()/>
                    {action_inputs("actions", &own_first(&d.owners), 2)}
                    <div class="form-actions"><button type="submit">{t(Msg::ErAddActions)}</button></div>
                </ActionForm>
            })}
        </section>
    }
}

/// A system entry in the reader's language.
fn event_text(ev: SystemEvent) -> String {
    match ev {
        SystemEvent::Opened { level, category } => {
            format!("{} · {} · {}", t(Msg::ErSysOpened), t(level.label()), t(category.label()))
        }
        SystemEvent::Status { from, to } => {
            format!("{}: {} → {}", t(Msg::ErStateLabel), t(from.label()), t(to.label()))
        }
        SystemEvent::Level { from, to } => format!("{}: {} → {}", t(Msg::ErLevelLabel), t(from.label()), t(to.label())),
        SystemEvent::Milestone { milestone, at } => format!("{}: {at}", t(milestone.label())),
        SystemEvent::Reminder { due } => format!("{}: {due}", t(Msg::ErStatusReminded)),
    }
}

/// The owner choices with the agency first (named "our agency").
fn own_first(owners: &[Named]) -> Vec<Named> {
    owners
        .iter()
        .enumerate()
        .map(|(i, o)| if i == 0 { Named { id: Uuid::nil(), name: t(Msg::ErOurAgency).to_string() } } else { o.clone() })
        .collect()
}

/// The next steps: level, contain, resolve (with root cause and lessons), reopen, close.
fn steps(id: Uuid, d: &IncidentDetail, acts: Acts) -> impl IntoView + use<> {
    let can = |t: Transition| d.transitions.contains(&t);
    let (contain, resolve, reopen, close) =
        (can(Transition::Contain), can(Transition::Resolve), can(Transition::Reopen), can(Transition::Close));
    let level = d.row.level;
    let open = d.row.status != IncidentStatus::Closed;
    view! {
        <section class="card" data-test="incident-steps">
            <h2>{t(Msg::ErSteps)}</h2>
            {open.then(|| view! {
                <ActionForm action=acts.level attr:class="inline-form" attr:data-test="level-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <select name="level">{Level::choices().into_iter().map(|(c, m)| view! { <option value=c selected=c == level.code()>{t(m)}</option> }).collect_view()}</select>
                    <button type="submit">{t(Msg::ErChangeLevel)}</button>
                </ActionForm>
            })}
            {contain.then(|| view! {
                <ActionForm action=acts.step attr:class="inline-form" attr:data-test="contain-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="transition" value="contain"/>
                    <label><span>{t(Msg::ErWhen)}</span><input type="datetime-local" name="at"/></label>
                    <button type="submit">{t(Msg::ErTrContain)}</button>
                </ActionForm>
            })}
            {resolve.then(|| view! {
                <ActionForm action=acts.step attr:class="stack" attr:data-test="resolve-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="transition" value="resolve"/>
                    <label><span>{t(Msg::ErRootCause)}</span><textarea name="root_cause" required rows="2" maxlength="20000"></textarea></label>
                    <label><span>{t(Msg::ErLessons)}</span><textarea name="lessons" required rows="2" maxlength="20000"></textarea></label>
                    <label><span>{t(Msg::ErWhen)}</span><input type="datetime-local" name="at"/></label>
                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::ErTrResolve)}</button></div>
                </ActionForm>
            })}
            {reopen.then(|| view! {
                <ActionForm action=acts.step attr:class="inline-form" attr:data-test="reopen-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="transition" value="reopen"/>
                    <button type="submit">{t(Msg::ErTrReopen)}</button>
                </ActionForm>
            })}
            {close.then(|| view! { <p><a class="button-link" href=format!("/incidents/{id}/close") data-test="close-link">{t(Msg::ErTrClose)}</a></p> })}
        </section>
    }
}

/// Asks before closing an incident: closed is final, and the review's actions follow.
#[component]
pub fn CloseIncidentPage() -> impl IntoView {
    let id = incident_id();
    let step = ServerAction::<IncidentTransition>::new();
    crate::ui::notice::when_done(step, None, move |_| {
        crate::ui::notice::Done::then(Msg::ErIncidentMoved, format!("/incidents/{}", id().unwrap_or_default()))
    });
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::plans::api::get_incident(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <ActionError value=Signal::derive(move || step.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) if !d.transitions.contains(&Transition::Close) => view! {
                        <div class="notice error" role="alert" data-test="error"><p>{t(Msg::ErTransition)}</p></div>
                        <p><a href=format!("/incidents/{}", d.row.id)>{t(Msg::ErBack)}</a></p>
                    }.into_any(),
                    Ok(d) => view! {
                        <ConfirmCard title=Msg::ErCloseIncidentTitle subject=d.row.title.clone()
                            follows=vec![Msg::ErCloseIncidentFollows, Msg::ErCloseIncidentReview, Msg::ErCannotBeUndone]>
                            <ActionForm action=step attr:class="stack" attr:data-test="close-incident-form">
                                <input type="hidden" name="id" value=d.row.id.to_string()/>
                                <input type="hidden" name="transition" value="close"/>
                                <ConfirmButtons confirm=Msg::ErTrClose back=format!("/incidents/{}", d.row.id)/>
                            </ActionForm>
                        </ConfirmCard>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The dashboard's panel: open incidents by level and how many reported late, for every kind of
/// organisation that reads incidents.
#[component]
pub fn IncidentsPanel() -> impl IntoView {
    let data = Resource::new(|| (), |_| crate::plans::api::list_incidents(IncidentFilter::default()));
    let late = Resource::new(
        || (),
        |_| crate::plans::api::list_incidents(IncidentFilter { breach: "on".into(), ..IncidentFilter::default() }),
    );
    view! {
        <section class="card" data-test="incidents-panel">
            <h2>{t(Msg::ErIncidents)}" "<a href="/incidents" class="small">{t(Msg::OpenAll)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (data.await, late.await) {
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                        (Ok(l), Ok(b)) => { let flagged = b.total != 0; view! {
                            <p data-test="open-by-level">{t(Msg::ErOpenByLevel)}": "{l.open_by_level.iter().map(|(lv, n)| format!("{} {n}", lv.code())).collect::<Vec<_>>().join(" · ")}</p>
                            <p><a href="/incidents?breach=on" data-test="late-reports" class=if flagged { "flag-line" } else { "" }>{b.total}" "{t(Msg::ErOpenLate)}</a></p>
                        }.into_any() }
                    }
                })}
            </Suspense>
        </section>
    }
}
