//! Duty roster pages: the desks in reach with who is on duty now, and one roster's week — its
//! timeline with the gaps, rotations, overrides and special periods, and the manager's forms.
//! Every form is a plain form too, so it works before the wasm loads.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

pub mod duty;
pub mod overview;

use crate::{
    i18n::{t, use_locale, Msg},
    rosters::{
        api::{
            AddFixedShift, AddOverride, AddRotation, CorrectStood, CreateRoster, CreateSpecial, EditRotation,
            PublishSpecial, ReassignShift,
        },
        OnDutyRow, PersonRef, RosterDetail, RotationRow, SegmentView,
    },
    ui::{ActionError, DetailError, ErrorNotice},
};

/// Names, comma-separated; a dash for no one.
fn names(people: &[PersonRef]) -> String {
    if people.is_empty() {
        "—".into()
    } else {
        people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、")
    }
}

/// A stored code in words (layers, patterns, override kinds); an unknown code as it is.
fn code_words(code: &str) -> Option<Msg> {
    Some(match code {
        "primary" => Msg::DutyPrimary,
        "backup" => Msg::DutyBackup,
        "daily" => Msg::DutyDaily,
        "weekly" => Msg::DutyWeekly,
        "every_days" => Msg::DutyEveryDaysLabel,
        "weekdays" => Msg::DutyOnWeekdays,
        "add" => Msg::DutyKindAdd,
        "remove" => Msg::DutyKindRemove,
        "replace" => Msg::DutyKindReplace,
        _ => return None,
    })
}

/// The cover a roster asks for, in words.
fn cover_words(code: &str) -> Msg {
    match code {
        "none" => Msg::DutyCoverNone,
        "always" => Msg::DutyCoverAlways,
        c if c == crate::rosters::OUT_OF_HOURS_CODE => Msg::DutyCoverOutOfHours,
        _ => Msg::DutyCoverCustom,
    }
}

/// The head of a table of desks.
pub(super) fn desk_head() -> impl IntoView + use<> {
    view! {
        <thead><tr>
            <th>{t(Msg::DutyOrganisation)}</th>
            <th>{t(Msg::DutyRoster)}</th>
            <th>{t(Msg::DutyOnNow)}</th>
            <th>{t(Msg::DutyBackup)}</th>
            <th>{t(Msg::DutyContact)}</th>
            <th>{t(Msg::DutyNextChange)}</th>
        </tr></thead>
    }
}

/// A desk with who is on duty now; `uncovered_since` marks a required cover nobody stands.
#[component]
pub(super) fn DeskRow(d: OnDutyRow, #[prop(default = None)] uncovered_since: Option<String>) -> impl IntoView {
    let class = if uncovered_since.is_some() { "gap-row" } else { "" };
    view! {
        <tr data-roster=d.roster_id.to_string() class=class>
            <td>{d.organisation.clone()}</td>
            <td><a href=format!("/rosters/{}", d.roster_id)>{d.roster.clone()}</a></td>
            <td data-test="on-duty">{names(&d.primary)}
                {uncovered_since.map(|s| view! { <br/><span class="flag">{t(Msg::DutyUncoveredSince)}" "{s}</span> })}
            </td>
            <td class="muted">{names(&d.backup)}</td>
            <td class="nowrap">{d.phone.clone()}<br/><span class="muted">{d.email.clone()}</span></td>
            <td class="nowrap">{d.next_change.clone().unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

/// The desks a person sees, with who is on duty now; a manager sets up a new one.
#[component]
pub fn RostersPage() -> impl IntoView {
    let create = ServerAction::<CreateRoster>::new();
    let create_form = NodeRef::<leptos::html::Form>::new();
    crate::ui::notice::when_done(create, Some(create_form), |id| {
        crate::ui::notice::Done::then(Msg::DutyRosterCreated, format!("/rosters/{id}"))
    });
    let list = Resource::new(move || create.version().get(), |_| crate::rosters::api::list_rosters());
    view! {
        <h1>{t(Msg::DutyRosters)}</h1>
        <p class="muted">{t(Msg::DutyRostersIntro)}</p>
        <ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(l) if l.jurisdiction => view! { <overview::Overview/> }.into_any(),
                    Ok(l) => {
                        let form = l.can_manage.then(|| view! {
                            <details class="card" data-test="add-roster">
                                <summary><h2 class="inline-h">{t(Msg::DutyAddRoster)}</h2></summary>
                                <ActionForm action=create node_ref=create_form attr:class="grid-form">
                                    <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="200"/></label>
                                    <label><span>{t(Msg::TimeZone)}</span><input name="time_zone" value=l.default_zone.clone() maxlength="64"/></label>
                                    <label><span>{t(Msg::DutyCover)}</span>
                                        <select name="cover">
                                            <option value="out_of_hours" selected>{t(Msg::DutyCoverOutOfHours)}</option>
                                            <option value="always">{t(Msg::DutyCoverAlways)}</option>
                                            <option value="none">{t(Msg::DutyCoverNone)}</option>
                                            <option value="custom">{t(Msg::DutyCoverCustom)}</option>
                                        </select>
                                    </label>
                                    <label><span>{t(Msg::DutyHoursLabel)}</span><input name="hours" placeholder="mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00"/></label>
                                    <label><span>{t(Msg::DutyPhone)}</span><input name="phone" maxlength="64"/></label>
                                    <label><span>{t(Msg::Email)}</span><input type="email" name="email" maxlength="254"/></label>
                                    <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
                                </ActionForm>
                            </details>
                        });
                        let table = if l.desks.is_empty() {
                            view! { <p class="empty" data-test="rosters-empty">{t(if l.can_manage { Msg::DutyNoRosters } else { Msg::DutyNoDesksInReach })}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap"><table class="table" data-test="desks">
                                    {desk_head()}
                                    <tbody>{l.desks.into_iter().map(|d| view! { <DeskRow d/> }).collect_view()}</tbody>
                                </table></div>
                            }.into_any()
                        };
                        view! { <p><a href="/duty" data-test="my-duty-link">{t(Msg::DutyMine)}</a></p> {form} {table} }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SegmentRow(s: SegmentView) -> impl IntoView {
    view! {
        <tr class=if s.gap { "gap-row" } else { "" }>
            <td class="nowrap">{s.start.clone()}</td>
            <td class="nowrap">{s.end.clone()}</td>
            <td>{names(&s.primary)}</td>
            <td class="muted">{names(&s.backup)}</td>
        </tr>
    }
}

/// Person choices for a select, with a first blank choice.
fn person_options(people: &[PersonRef]) -> impl IntoView + use<> {
    let options =
        people.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view();
    view! { <option value="">"—"</option> {options} }
}

/// A form's choice of layer (`layer`: primary or backup).
fn layer_select() -> impl IntoView + use<> {
    view! {
        <label><span>{t(Msg::DutyLayer)}</span>
            <select name="layer">
                <option value="primary">{t(Msg::DutyPrimary)}</option>
                <option value="backup">{t(Msg::DutyBackup)}</option>
            </select>
        </label>
    }
}

/// A form's span on the roster's wall clock (`starts_at`, `ends_at`).
fn span_inputs() -> impl IntoView + use<> {
    view! {
        <label><span>{t(Msg::DutyStarts)}</span><input type="datetime-local" name="starts_at" required/></label>
        <label><span>{t(Msg::DutyEnds)}</span><input type="datetime-local" name="ends_at" required/></label>
    }
}

/// Person choices for a select, the current one selected.
fn person_options_with(people: &[PersonRef], current: Option<Uuid>) -> impl IntoView + use<> {
    let options = people
        .iter()
        .map(|p| view! { <option value=p.id.to_string() selected=Some(p.id) == current>{p.name.clone()}</option> })
        .collect_view();
    view! { <option value="">"—"</option> {options} }
}

/// A rotation's edit form, filled in with the version in force: saving starts a new version now.
#[component]
fn EditRotationForm(r: RotationRow, people: Vec<PersonRef>, action: ServerAction<EditRotation>) -> impl IntoView {
    let rows = MEMBER_ROWS.max(r.members.len() + 2);
    let pattern = r.pattern.clone();
    let option = move |value: &'static str, label: Msg| {
        let selected = pattern == value;
        view! { <option value=value selected=selected>{t(label)}</option> }
    };
    view! {
        <details class="edit-rotation" data-test="edit-rotation">
            <summary>{t(Msg::Edit)}</summary>
            <ActionForm action=action attr:class="grid-form">
                <input type="hidden" name="rotation_id" value=r.id.to_string()/>
                <label><span>{t(Msg::Name)}</span><input name="input[name]" required maxlength="200" value=r.name.clone()/></label>
                <label><span>{t(Msg::DutyLayer)}</span>
                    <select name="input[layer]">
                        <option value="primary" selected=r.layer == "primary">{t(Msg::DutyPrimary)}</option>
                        <option value="backup" selected=r.layer == "backup">{t(Msg::DutyBackup)}</option>
                    </select>
                </label>
                <label><span>{t(Msg::DutyPattern)}</span>
                    <select name="input[pattern]">
                        {option("daily", Msg::DutyDaily)}
                        {option("weekly", Msg::DutyWeekly)}
                        {option("every_days", Msg::DutyEveryDaysLabel)}
                        {option("weekdays", Msg::DutyOnWeekdays)}
                    </select>
                </label>
                <label><span>{t(Msg::DutyEveryDaysCount)}</span><input type="number" name="input[every_days]" min="1" max="366" value=r.every_days.map(|n| n.to_string()).unwrap_or_default()/></label>
                <label><span>{t(Msg::DutyWeekdaysLabel)}</span><input name="input[weekdays]" value=r.weekdays.clone()/></label>
                <label><span>{t(Msg::DutyHandoff)}</span><input type="time" name="input[handoff]" required value=r.handoff.clone()/></label>
                <label><span>{t(Msg::DutyAnchor)}</span><input type="date" name="input[anchor]" required value=r.anchor.clone()/></label>
                <label class="wide"><span>{t(Msg::DutyHoursLabel)}</span><input name="input[hours]" value=r.hours.clone()/></label>
                <fieldset class="members">
                    <legend>{t(Msg::DutyMembers)}</legend>
                    {(0..rows).map(|i| view! {
                        <label><span>{format!("{}.", i + 1)}</span>
                            <select name=format!("input[members][{i}][person_id]")>{person_options_with(&people, r.members.get(i).map(|m| m.id))}</select>
                        </label>
                    }).collect_view()}
                </fieldset>
                <p class="muted small wide">{t(Msg::DutyEditNote)}</p>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Save)}</button></div>
            </ActionForm>
        </details>
    }
}

/// How many member rows a new rotation's form offers.
const MEMBER_ROWS: usize = 6;

/// A roster page's changes: the three forms' actions and the forms themselves (made once for the
/// page, so the page's data follows every change and each finished form closes and clears).
#[derive(Clone, Copy)]
struct Changes {
    rotation: ServerAction<AddRotation>,
    override_: ServerAction<AddOverride>,
    special: ServerAction<CreateSpecial>,
    reassign: ServerAction<ReassignShift>,
    publish: ServerAction<PublishSpecial>,
    correct: ServerAction<CorrectStood>,
    edit: ServerAction<EditRotation>,
    fixed: ServerAction<AddFixedShift>,
    forms: [NodeRef<leptos::html::Form>; 5],
}

impl Changes {
    fn new() -> Changes {
        let c = Changes {
            rotation: ServerAction::new(),
            override_: ServerAction::new(),
            special: ServerAction::new(),
            reassign: ServerAction::new(),
            publish: ServerAction::new(),
            correct: ServerAction::new(),
            edit: ServerAction::new(),
            fixed: ServerAction::new(),
            forms: [NodeRef::new(), NodeRef::new(), NodeRef::new(), NodeRef::new(), NodeRef::new()],
        };
        crate::ui::notice::when_done(c.rotation, Some(c.forms[0]), crate::ui::notice::saved);
        crate::ui::notice::when_done(c.override_, Some(c.forms[1]), crate::ui::notice::saved);
        crate::ui::notice::when_done(c.special, Some(c.forms[2]), crate::ui::notice::saved);
        crate::ui::notice::when_done(c.reassign, Some(c.forms[3]), crate::ui::notice::saved);
        crate::ui::notice::when_done(c.correct, Some(c.forms[4]), crate::ui::notice::saved);
        crate::ui::notice::when_done(c.publish, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(c.edit, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(c.fixed, None, crate::ui::notice::saved);
        c
    }

    /// Moves whenever one of the changes is made.
    fn version(&self) -> usize {
        self.rotation.version().get()
            + self.override_.version().get()
            + self.special.version().get()
            + self.reassign.version().get()
            + self.publish.version().get()
            + self.correct.version().get()
            + self.edit.version().get()
            + self.fixed.version().get()
    }
}

/// The manager's forms on a roster's page.
#[component]
fn ManagerForms(d: RosterDetail, changes: Changes) -> impl IntoView {
    let Changes { rotation, override_, special, reassign, forms: [rf, of, sf, af, _], .. } = changes;
    let (id, id2, id3, id4) = (d.id.to_string(), d.id.to_string(), d.id.to_string(), d.id.to_string());
    let people = d.people.clone();
    let (who, replaces, from, to) =
        (person_options(&d.people), person_options(&d.people), person_options(&d.people), person_options(&d.people));
    view! {
        <details class="card" data-test="add-rotation">
            <summary><h2 class="inline-h">{t(Msg::DutyAddRotation)}</h2></summary>
            <ActionForm action=rotation node_ref=rf attr:class="grid-form">
                <input type="hidden" name="roster_id" value=id/>
                <label><span>{t(Msg::Name)}</span><input name="input[name]" required maxlength="200"/></label>
                <label><span>{t(Msg::DutyLayer)}</span>
                    <select name="input[layer]">
                        <option value="primary">{t(Msg::DutyPrimary)}</option>
                        <option value="backup">{t(Msg::DutyBackup)}</option>
                    </select>
                </label>
                <label><span>{t(Msg::DutyPattern)}</span>
                    <select name="input[pattern]">
                        <option value="daily">{t(Msg::DutyDaily)}</option>
                        <option value="weekly">{t(Msg::DutyWeekly)}</option>
                        <option value="every_days">{t(Msg::DutyEveryDaysLabel)}</option>
                        <option value="weekdays">{t(Msg::DutyOnWeekdays)}</option>
                    </select>
                </label>
                <label><span>{t(Msg::DutyEveryDaysCount)}</span><input type="number" name="input[every_days]" min="1" max="366"/></label>
                <label><span>{t(Msg::DutyWeekdaysLabel)}</span><input name="input[weekdays]" placeholder="mon,thu"/></label>
                <label><span>{t(Msg::DutyHandoff)}</span><input type="time" name="input[handoff]" required value="09:00"/></label>
                <label><span>{t(Msg::DutyAnchor)}</span><input type="date" name="input[anchor]" required value=d.week.clone()/></label>
                <label><span>{t(Msg::DutyHoursLabel)}</span><input name="input[hours]" placeholder="mon,tue,wed,thu,fri 18:00-08:30; sat,sun 00:00-00:00"/></label>
                <fieldset class="members">
                    <legend>{t(Msg::DutyMembers)}</legend>
                    {(0..MEMBER_ROWS).map(|i| view! {
                        <label><span>{format!("{}.", i + 1)}</span>
                            <select name=format!("input[members][{i}][person_id]")>{person_options(&people)}</select>
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </details>
        <details class="card" data-test="add-override">
            <summary><h2 class="inline-h">{t(Msg::DutyAddOverride)}</h2></summary>
            <ActionForm action=override_ node_ref=of attr:class="grid-form">
                <input type="hidden" name="roster_id" value=id2/>
                <label><span>{t(Msg::DutyOverrideKind)}</span>
                    <select name="kind">
                        <option value="add">{t(Msg::DutyKindAdd)}</option>
                        <option value="remove">{t(Msg::DutyKindRemove)}</option>
                        <option value="replace">{t(Msg::DutyKindReplace)}</option>
                    </select>
                </label>
                <label><span>{t(Msg::DutyPerson)}</span><select name="person_id" required>{who}</select></label>
                <label><span>{t(Msg::DutyReplaces)}</span><select name="replaces_id">{replaces}</select></label>
                {layer_select()}
                {span_inputs()}
                <label class="wide"><span>{t(Msg::DutyReason)}</span><input name="reason" maxlength="1000"/></label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </details>
        <details class="card" data-test="add-special">
            <summary><h2 class="inline-h">{t(Msg::DutyAddSpecial)}</h2></summary>
            <ActionForm action=special node_ref=sf attr:class="grid-form">
                <input type="hidden" name="roster_id" value=id3/>
                <label><span>{t(Msg::Name)}</span><input name="name" required maxlength="200"/></label>
                {span_inputs()}
                <label><span>{t(Msg::DutyReportEvery)}</span><input type="number" name="report_every_hours" min="1" max="24"/></label>
                <label class="check"><input type="checkbox" name="round_the_clock" checked/><span>{t(Msg::DutyRoundTheClock)}</span></label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </details>
        <details class="card" data-test="reassign">
            <summary><h2 class="inline-h">{t(Msg::DutyReassign)}</h2></summary>
            <ActionForm action=reassign node_ref=af attr:class="grid-form">
                <input type="hidden" name="roster_id" value=id4/>
                <label><span>{t(Msg::DutyReassignFrom)}</span><select name="from_id" required>{from}</select></label>
                <label><span>{t(Msg::DutyReassignTo)}</span><select name="to_id" required>{to}</select></label>
                {layer_select()}
                {span_inputs()}
                <label class="wide"><span>{t(Msg::DutyReason)}</span><input name="reason" maxlength="1000"/></label>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::DutyReassign)}</button></div>
            </ActionForm>
        </details>
    }
}

/// One roster's week: its desk, the timeline with the gaps, and what shapes it.
#[component]
pub fn RosterPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let week = move || query.with(|q| q.get("week").unwrap_or_default());
    let changes = Changes::new();
    let detail = Resource::new(
        move || (id(), week(), changes.version()),
        |(id, week, _)| async move {
            match id {
                Some(id) => crate::rosters::api::get_roster(id, week).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let locale = use_locale();
    let words =
        move |code: &str| code_words(code).map(|m| m.text(locale).to_string()).unwrap_or_else(|| code.to_string());
    view! {
        <p><a href="/rosters">{t(Msg::BackToList)}</a></p>
        <ActionError value=Signal::derive(move || changes.rotation.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.override_.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.special.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.reassign.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.publish.value().get())/>
        <ActionError value=Signal::derive(move || changes.correct.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.edit.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || changes.fixed.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => {
                        let tl = d.timeline.clone();
                        let base = format!("/rosters/{}", d.id);
                        let gaps = if tl.gaps.is_empty() {
                            view! { <p class="ok-text" data-test="no-gaps">{t(Msg::DutyNoGaps)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="gaps" data-test="gaps">
                                    {tl.gaps.iter().map(|g| view! {
                                        <li><strong>{g.start.clone()}" – "{g.end.clone()}</strong>" · "{format!("{} h", g.hours)}
                                            {(!g.backup.is_empty()).then(|| view! { " · "{t(Msg::DutyBackupOnly)}" "{names(&g.backup)} })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        };
                        view! {
                            <h1 data-test="roster-name">{d.name.clone()}</h1>
                            <dl class="facts">
                                <dt>{t(Msg::DutyOrganisation)}</dt><dd>{d.organisation.clone()}</dd>
                                <dt>{t(Msg::DutyCover)}</dt><dd>{cover_words(&d.cover).text(locale)}</dd>
                                <dt>{t(Msg::TimeZone)}</dt><dd>{d.time_zone.clone()}</dd>
                                <dt>{t(Msg::DutyContact)}</dt><dd>{d.phone.clone()}" "{d.email.clone()}</dd>
                            </dl>
                            <section class="card" data-test="timeline">
                                <h2>{t(Msg::DutyWeek)}" "{tl.from.clone()}" – "{tl.to.clone()}</h2>
                                <nav class="pager">
                                    <a href=format!("{base}?week={}", d.previous_week)>{t(Msg::Previous)}</a>
                                    <a href=base.clone()>{t(Msg::DutyThisWeek)}</a>
                                    <a href=format!("{base}?week={}", d.next_week)>{t(Msg::Next)}</a>
                                </nav>
                                <p data-test="coverage">{t(Msg::DutyCoverage)}" "{format!("{:.1} %", tl.coverage_permille as f64 / 10.0)}</p>
                                <h3>{t(Msg::DutyGaps)}</h3>
                                {gaps}
                                <div class="table-wrap"><table class="table">
                                    <thead><tr><th>{t(Msg::DutyStarts)}</th><th>{t(Msg::DutyEnds)}</th><th>{t(Msg::DutyPrimary)}</th><th>{t(Msg::DutyBackup)}</th></tr></thead>
                                    <tbody>{tl.segments.iter().cloned().map(|s| view! { <SegmentRow s/> }).collect_view()}</tbody>
                                </table></div>
                            </section>
                            <section class="card" data-test="specials">
                                <h2>{t(Msg::DutySpecials)}</h2>
                                {if d.specials.is_empty() {
                                    view! { <p class="empty">{t(Msg::DutyNoSpecials)}</p> }.into_any()
                                } else {
                                    view! { <ul class="plain">{d.specials.iter().map(|p| {
                                        let gap = p.gap_hours > 0.0;
                                        let link = p.first_gap.clone().map(|w| format!("{base}?week={w}"));
                                        let publishable = d.can_manage && !p.published;
                                        let special_id = p.id.to_string();
                                        let publish = changes.publish;
                                        let fixed_form = d.can_manage.then(|| {
                                            let (options, id, action) = (person_options(&d.people), p.id.to_string(), changes.fixed);
                                            view! {
                                                <details data-test="add-fixed">
                                                    <summary>{t(Msg::DutyAddFixed)}</summary>
                                                    <ActionForm action=action attr:class="grid-form">
                                                        <input type="hidden" name="special_id" value=id/>
                                                        <label><span>{t(Msg::DutyPerson)}</span><select name="person_id" required>{options}</select></label>
                                                        {layer_select()}
                                                        {span_inputs()}
                                                        <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
                                                    </ActionForm>
                                                </details>
                                            }
                                        });
                                        let fixed_list = (!p.fixed.is_empty()).then(|| {
                                            let shifts = p.fixed.clone();
                                            view! {
                                                <br/><span class="muted">{t(Msg::DutyFixedRoster)}":"</span>
                                                <ul class="plain small">{shifts.into_iter().map(|f| view! {
                                                    <li>{f.start}" – "{f.end}" · "{f.person.name}" · "{f.layer}</li>
                                                }).collect_view()}</ul>
                                            }
                                        });
                                        view! {
                                            <li data-special=p.id.to_string()>
                                                <strong>{p.name.clone()}</strong>" · "{p.starts_at.clone()}" – "{p.ends_at.clone()}
                                                {p.round_the_clock.then(|| view! { " · "{t(Msg::DutyRoundTheClock)} })}
                                                {if gap {
                                                    view! { " · "<a class="flag" href=link.unwrap_or_default() data-test="special-gap">{t(Msg::DutyUncovered)}" "{format!("{} h", p.gap_hours)}</a> }.into_any()
                                                } else {
                                                    view! { " · "<span class="ok-text">{t(Msg::DutyCovered)}</span> }.into_any()
                                                }}
                                                {p.published.then(|| view! { " · "<span class="muted">{t(Msg::DutyPublished)}</span> })}
                                                {p.gaps_accepted.clone().map(|r| view! { <br/><span class="muted">{t(Msg::DutyGapsAccepted)}" "{r}</span> })}
                                                {fixed_list}
                                                {fixed_form}
                                                {publishable.then(move || view! {
                                                    <ActionForm action=publish attr:class="inline-form" attr:data-test="publish-special">
                                                        <input type="hidden" name="special_id" value=special_id/>
                                                        {gap.then(|| view! { <input name="reason" maxlength="1000" required placeholder=t(Msg::DutyGapsReason)/> })}
                                                        <button type="submit">{t(Msg::DutyPublish)}</button>
                                                    </ActionForm>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                            <section class="card" data-test="rotations">
                                <h2>{t(Msg::DutyRotations)}</h2>
                                {if d.rotations.is_empty() {
                                    view! { <p class="empty">{t(Msg::DutyNoRotations)}</p> }.into_any()
                                } else {
                                    view! { <ul class="plain">{d.rotations.iter().map(|r| view! {
                                        <li><strong>{r.name.clone()}</strong>" · "{words(&r.layer)}" · "{words(&r.pattern)}
                                            {r.every_days.map(|n| format!(" ({n})"))}
                                            {(r.pattern == "weekdays").then(|| format!(" ({})", r.weekdays))}
                                            " · "{t(Msg::DutyHandoff)}" "{r.handoff.clone()}" · "{t(Msg::DutyAnchor)}" "{r.anchor.clone()}
                                            {(!r.hours.is_empty()).then(|| view! { " · "<code>{r.hours.clone()}</code> })}
                                            <br/><span class="muted">{names(&r.members)}</span>
                                            {{
                                                let (r, people, edit) = (r.clone(), d.people.clone(), changes.edit);
                                                d.can_manage.then(move || view! { <EditRotationForm r people action=edit/> })
                                            }}
                                        </li>
                                    }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                            <section class="card" data-test="overrides">
                                <h2>{t(Msg::DutyOverrides)}</h2>
                                {if d.overrides.is_empty() {
                                    view! { <p class="empty">{t(Msg::DutyNoOverrides)}</p> }.into_any()
                                } else {
                                    view! { <ul class="plain">{d.overrides.iter().map(|o| view! {
                                        <li>{words(&o.kind)}" "{o.person.name.clone()}" · "{words(&o.layer)}
                                            {o.replaces.clone().map(|r| view! { " ← "{r.name} })}
                                            " · "{o.starts_at.clone()}" – "{o.ends_at.clone()}
                                            {(!o.reason.is_empty()).then(|| view! { <span class="muted">" · "{o.reason.clone()}</span> })}
                                        </li>
                                    }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                            <QualitySection id=d.id/>
                            <RecordSections d=d.clone() changes/>
                            {d.can_manage.then(|| view! { <ManagerForms d=d.clone() changes/> })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A roster page's record: swaps and offers to come, the handover log, the duty stood over the
/// past week (a manager corrects it), and the hours per month as CSV.
#[component]
fn RecordSections(d: RosterDetail, changes: Changes) -> impl IntoView {
    let locale = use_locale();
    let words =
        move |code: &str| code_words(code).map(|m| m.text(locale).to_string()).unwrap_or_else(|| code.to_string());
    let people = d.people.clone();
    let manage = d.can_manage;
    let correct = changes.correct;
    let cf = changes.forms[4];
    view! {
        <section class="card" data-test="offers">
            <h2>{t(Msg::DutySwaps)}</h2>
            {if d.offers.is_empty() {
                view! { <p class="empty">{t(Msg::DutyNoOffers)}</p> }.into_any()
            } else {
                view! { <ul class="plain">{d.offers.iter().map(|o| view! {
                    <li>{o.start.clone()}" – "{o.end.clone()}" · "{words(&o.layer)}" · "{o.person.name.clone()}
                        {match &o.taken_by {
                            Some(p) => view! { " → "<strong>{p.name.clone()}</strong>
                                {o.assigned.then(|| view! { <span class="muted">" ("{t(Msg::DutyReassigned)}")"</span> })} }.into_any(),
                            None => view! { " · "<span class="muted">{t(Msg::DutyOfferedState)}</span> }.into_any(),
                        }}
                        {(!o.note.is_empty()).then(|| view! { <span class="muted">" · "{o.note.clone()}</span> })}
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" data-test="handovers">
            <h2>{t(Msg::DutyHandovers)}</h2>
            {if d.handovers.is_empty() {
                view! { <p class="empty">{t(Msg::DutyNoHandovers)}</p> }.into_any()
            } else {
                view! { {d.handovers.clone().into_iter().map(|h| view! {
                    <article class="handover" data-handover=h.id.to_string()>
                        <p><strong>{h.person.name.clone()}</strong>" · "{h.shift_start.clone()}" – "{h.shift_end.clone()}
                            <span class="muted">" · "{t(Msg::DutyWritten)}" "{h.written_at.clone()}</span>
                            {match (&h.acknowledged_by, &h.acknowledged_at) {
                                (Some(p), Some(at)) => view! { " · "<span class="ok-text" data-test="acknowledged">{t(Msg::DutyAcknowledgedBy)}" "{p.name.clone()}" "{at.clone()}</span> }.into_any(),
                                _ => view! { " · "<span class="flag">{t(Msg::DutyNotAcknowledged)}</span> }.into_any(),
                            }}
                        </p>
                        <duty::HandoverText h=h.clone()/>
                    </article>
                }).collect_view()} }.into_any()
            }}
        </section>
        <section class="card" data-test="stood">
            <h2>{t(Msg::DutyStood)}</h2>
            <p class="muted small">{t(Msg::DutyStoodNote)}</p>
            {if d.stood.is_empty() {
                view! { <p class="empty">{t(Msg::DutyNoStood)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table">
                        <thead><tr><th>{t(Msg::DutyPerson)}</th><th>{t(Msg::DutyLayer)}</th><th>{t(Msg::DutyStarts)}</th><th>{t(Msg::DutyEnds)}</th><th></th></tr></thead>
                        <tbody>{d.stood.iter().map(|s| view! {
                            <tr data-stood=s.id.to_string()>
                                <td>{s.person.name.clone()}</td>
                                <td>{words(&s.layer)}</td>
                                <td class="nowrap">{s.start.clone()}</td>
                                <td class="nowrap">{s.end.clone().unwrap_or_else(|| t(Msg::DutyUnderWay).to_string())}</td>
                                <td class="muted">{s.correction.clone().map(|r| format!("{} {r}", t(Msg::DutyCorrected)))}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {(manage && d.stood.iter().any(|s| s.end.is_some())).then(|| view! {
                <details data-test="correct-stood">
                    <summary>{t(Msg::DutyCorrect)}</summary>
                    <ActionForm action=correct node_ref=cf attr:class="grid-form">
                        <label><span>{t(Msg::DutyStoodRow)}</span>
                            <select name="stood_id" required>
                                {d.stood.iter().filter(|s| s.end.is_some()).map(|s| view! {
                                    <option value=s.id.to_string()>{format!("{} · {} – {}", s.person.name, s.start, s.end.clone().unwrap_or_default())}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label><span>{t(Msg::DutyPerson)}</span><select name="person_id" required>{person_options(&people)}</select></label>
                        {span_inputs()}
                        <label class="wide"><span>{t(Msg::DutyReason)}</span><input name="reason" required maxlength="1000"/></label>
                        <div class="form-actions"><button type="submit" class="primary">{t(Msg::DutyCorrect)}</button></div>
                    </ActionForm>
                </details>
            })}
            <form method="GET" action=format!("/rosters/{}/hours.csv", d.id) class="inline-form" data-test="hours-csv">
                <label><span>{t(Msg::DutyHoursCsv)}</span><input type="month" name="month" required value=d.month.clone()/></label>
                <button type="submit">{t(Msg::ExportCsv)}</button>
            </form>
        </section>
    }
}

/// A roster's quality over a quarter (`?quarter=`): coverage and the most-loaded people.
#[component]
fn QualitySection(id: Uuid) -> impl IntoView {
    let query = use_query_map();
    let quarter = move || query.with(|q| q.get("quarter").unwrap_or_default());
    let data = Resource::new(quarter, move |q| crate::rosters::api::get_roster_quality(id, q));
    let base = format!("/rosters/{id}");
    view! {
        <section class="card" data-test="quality">
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || {
                    let base = base.clone();
                    Suspend::new(async move {
                        match data.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(q) => view! {
                                <h2>{t(Msg::DutyQuality)}" "{q.quarter.clone()}</h2>
                                <nav class="pager">
                                    <a href=format!("{base}?quarter={}", q.previous)>{t(Msg::Previous)}</a>
                                    <a href=format!("{base}?quarter={}", q.next)>{t(Msg::Next)}</a>
                                </nav>
                                <p data-test="quarter-coverage">{t(Msg::DutyCoverage)}" "{format!("{:.1} %", q.coverage_permille as f64 / 10.0)}
                                    <span class="muted">{format!(" ({} / {} h)", q.covered_hours, q.required_hours)}</span></p>
                                {if q.people.is_empty() {
                                    view! { <p class="empty">{t(Msg::DutyNoShifts)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap"><table class="table" data-test="load">
                                            <thead><tr><th>{t(Msg::DutyPerson)}</th><th>{t(Msg::DutyPrimaryHours)}</th><th>{t(Msg::DutyShare)}</th></tr></thead>
                                            <tbody>{q.people.into_iter().map(|l| view! {
                                                <tr><td>{l.person.name}</td><td class="num">{l.hours}</td><td class="num">{format!("{:.1} %", l.share_permille as f64 / 10.0)}</td></tr>
                                            }).collect_view()}</tbody>
                                        </table></div>
                                    }.into_any()
                                }}
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
