//! "My duty" (`/duty`): one's shifts now, next and in the fortnight ahead with an offer button
//! each, colleagues' offers to take, the handovers to write and to acknowledge, status reports due,
//! and for the organisation's managers its flags; and the dashboard's duty panel. Every button is
//! a plain form too.
use leptos::{form::ActionForm, prelude::*};

use super::{code_words, overview::UncoveredList};
use crate::{
    i18n::{t, use_locale, Msg},
    rosters::{
        api::{
            AcknowledgeHandover, CreateCalendarFeed, OfferShift, RevokeCalendarFeed, TakeOffer, WithdrawOffer,
            WriteHandover, WriteStatusReport,
        },
        DutyFlags, HandoverRow, MyDuty, OfferRow, ShiftRow,
    },
    ui::{ActionError, ErrorNotice},
};

/// The page's actions, made once so the data follows every one.
#[derive(Clone, Copy)]
struct Acts {
    offer: ServerAction<OfferShift>,
    take: ServerAction<TakeOffer>,
    withdraw: ServerAction<WithdrawOffer>,
    handover: ServerAction<WriteHandover>,
    ack: ServerAction<AcknowledgeHandover>,
    report: ServerAction<WriteStatusReport>,
}

impl Acts {
    fn new() -> Acts {
        let a = Acts {
            offer: ServerAction::new(),
            take: ServerAction::new(),
            withdraw: ServerAction::new(),
            handover: ServerAction::new(),
            ack: ServerAction::new(),
            report: ServerAction::new(),
        };
        crate::ui::notice::when_done(a.offer, None, |_| crate::ui::notice::Done::here(Msg::DutyOffered));
        crate::ui::notice::when_done(a.take, None, |_| crate::ui::notice::Done::here(Msg::DutyTaken));
        crate::ui::notice::when_done(a.withdraw, None, crate::ui::notice::saved);
        crate::ui::notice::when_done(a.handover, None, |_| crate::ui::notice::Done::here(Msg::DutyHandoverSaved));
        crate::ui::notice::when_done(a.ack, None, |_| crate::ui::notice::Done::here(Msg::DutyAcknowledged));
        crate::ui::notice::when_done(a.report, None, crate::ui::notice::saved);
        a
    }

    fn version(&self) -> usize {
        self.offer.version().get()
            + self.take.version().get()
            + self.withdraw.version().get()
            + self.handover.version().get()
            + self.ack.version().get()
            + self.report.version().get()
    }

    fn errors(&self) -> impl IntoView {
        let Acts { offer, take, withdraw, handover, ack, report } = *self;
        view! {
            <ActionError value=Signal::derive(move || offer.value().get().map(|r| r.map(|_| ())))/>
            <ActionError value=Signal::derive(move || take.value().get())/>
            <ActionError value=Signal::derive(move || withdraw.value().get())/>
            <ActionError value=Signal::derive(move || handover.value().get().map(|r| r.map(|_| ())))/>
            <ActionError value=Signal::derive(move || ack.value().get())/>
            <ActionError value=Signal::derive(move || report.value().get().map(|r| r.map(|_| ())))/>
        }
    }
}

/// "On duty now until …", or the next shift, and the week's hours.
#[component]
fn NowNext(d: MyDuty) -> impl IntoView {
    let now = d.shifts.iter().find(|s| s.now && s.layer == "primary").cloned();
    let next = d.shifts.iter().find(|s| !s.now).cloned();
    view! {
        <dl class="facts compact" data-test="now-next">
            <dt>{t(Msg::DutyNow)}</dt>
            <dd data-test="duty-now">{match now {
                Some(s) => view! { <strong>{s.roster.clone()}</strong>" · "{t(Msg::DutyUntil)}" "{s.end.clone()}" ("{t(Msg::DutyNextHandoff)}")" }.into_any(),
                None => view! { <span class="muted">{t(Msg::DutyOffDuty)}</span> }.into_any(),
            }}</dd>
            <dt>{t(Msg::DutyNextShift)}</dt>
            <dd>{match next {
                Some(s) => view! { {s.start.clone()}" – "{s.end.clone()}" · "{s.roster.clone()} }.into_any(),
                None => view! { "—" }.into_any(),
            }}</dd>
            <dt>{t(Msg::DutyWeekAhead)}</dt>
            <dd data-test="week-hours">{format!("{} h", d.week_hours)}</dd>
        </dl>
    }
}

#[component]
fn ShiftTable(shifts: Vec<ShiftRow>, acts: Acts) -> impl IntoView {
    let locale = use_locale();
    let words =
        move |code: &str| code_words(code).map(|m| m.text(locale).to_string()).unwrap_or_else(|| code.to_string());
    view! {
        <div class="table-wrap"><table class="table" data-test="my-shifts">
            <thead><tr><th>{t(Msg::DutyRoster)}</th><th>{t(Msg::DutyLayer)}</th><th>{t(Msg::DutyStarts)}</th><th>{t(Msg::DutyEnds)}</th><th>{t(Msg::DutyHours)}</th><th></th></tr></thead>
            <tbody>{shifts.into_iter().map(|s| view! {
                <tr class=if s.now { "current" } else { "" }>
                    <td>{s.roster.clone()}</td>
                    <td>{words(&s.layer)}</td>
                    <td class="nowrap">{s.start.clone()}</td>
                    <td class="nowrap">{s.end.clone()}</td>
                    <td class="num">{s.hours}</td>
                    <td>{match s.offered {
                        Some(_) => view! { <span class="muted">{t(Msg::DutyOfferedState)}</span> }.into_any(),
                        None => view! {
                            <ActionForm action=acts.offer attr:class="inline-form">
                                <input type="hidden" name="roster_id" value=s.roster_id.to_string()/>
                                <input type="hidden" name="layer" value=s.layer.clone()/>
                                <input type="hidden" name="starts_at" value=s.starts_at.clone()/>
                                <input type="hidden" name="ends_at" value=s.ends_at.clone()/>
                                <input name="note" maxlength="1000" placeholder=t(Msg::DutyOfferNote)/>
                                <button type="submit">{t(Msg::DutyOffer)}</button>
                            </ActionForm>
                        }.into_any(),
                    }}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

#[component]
fn OfferList(offers: Vec<OfferRow>, acts: Acts, mine: bool) -> impl IntoView {
    view! {
        <ul class="plain" data-test=if mine { "my-offers" } else { "open-offers" }>
            {offers.into_iter().map(|o| view! {
                <li data-offer=o.id.to_string()>
                    <strong>{o.start.clone()}" – "{o.end.clone()}</strong>" · "{o.roster.clone()}
                    {(!mine).then(|| view! { " · "{o.person.name.clone()} })}
                    {(!o.note.is_empty()).then(|| view! { <span class="muted">" · "{o.note.clone()}</span> })}
                    {if mine {
                        view! {
                            <ActionForm action=acts.withdraw attr:class="inline-form">
                                <input type="hidden" name="id" value=o.id.to_string()/>
                                <button type="submit">{t(Msg::DutyWithdraw)}</button>
                            </ActionForm>
                        }.into_any()
                    } else {
                        view! {
                            <ActionForm action=acts.take attr:class="inline-form">
                                <input type="hidden" name="id" value=o.id.to_string()/>
                                <button type="submit" class="primary">{t(Msg::DutyTake)}</button>
                            </ActionForm>
                        }.into_any()
                    }}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// A handover's text as written.
#[component]
pub fn HandoverText(h: HandoverRow) -> impl IntoView {
    view! {
        {if h.nothing_to_report && h.body.is_empty() {
            view! { <p class="muted">{t(Msg::DutyNothingToReport)}</p> }.into_any()
        } else {
            view! { <p class="pre">{h.body.clone()}</p> }.into_any()
        }}
    }
}

#[component]
fn Flags(f: DutyFlags) -> impl IntoView {
    view! {
        <section class="card" data-test="duty-flags">
            <h2>{t(Msg::DutyFlags)}</h2>
            {if f.uncovered.is_empty() && f.missing_handovers.is_empty() && f.missing_reports.is_empty() {
                view! { <p class="ok-text">{t(Msg::DutyNoFlags)}</p> }.into_any()
            } else {
                view! {
                    {(!f.uncovered.is_empty()).then(|| view! {
                        <h3>{t(Msg::DutySpecialsUncovered)}</h3>
                        <UncoveredList specials=f.uncovered.clone() show_org=false/>
                    })}
                    {(!f.missing_handovers.is_empty()).then(|| view! {
                        <h3>{t(Msg::DutyMissingHandovers)}" ("{f.missing_handovers.len()}")"</h3>
                        <ul class="plain" data-test="missing-handovers">{f.missing_handovers.iter().map(|s| view! {
                            <li>{s.layer.clone()}" · "{s.roster.clone()}" · "{s.start.clone()}" – "{s.end.clone()}</li>
                        }).collect_view()}</ul>
                    })}
                    {(!f.missing_reports.is_empty()).then(|| view! {
                        <h3>{t(Msg::DutyMissingReports)}" ("{f.missing_reports.len()}")"</h3>
                        <ul class="plain" data-test="missing-reports">{f.missing_reports.iter().map(|r| view! {
                            <li>{r.special.clone()}" · "{r.roster.clone()}" · "{t(Msg::DutyDue)}" "{r.due.clone()}</li>
                        }).collect_view()}</ul>
                    })}
                }.into_any()
            }}
        </section>
    }
}

/// `/duty`: the signed-in person's own duty.
#[component]
pub fn MyDutyPage() -> impl IntoView {
    let acts = Acts::new();
    let data = Resource::new(move || acts.version(), |_| crate::rosters::api::get_my_duty());
    view! {
        <p><a href="/rosters">{t(Msg::DutyRosters)}</a></p>
        <h1>{t(Msg::DutyMine)}</h1>
        {acts.errors()}
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) if !d.has_rosters => view! { <p class="empty" data-test="no-duty">{t(Msg::DutyNoneMine)}</p> }.into_any(),
                    Ok(d) => view! {
                        <NowNext d=d.clone()/>
                        {d.flags.clone().map(|f| view! { <Flags f/> })}
                        {(!d.to_acknowledge.is_empty()).then(|| view! {
                            <section class="card" data-test="to-acknowledge">
                                <h2>{t(Msg::DutyToAcknowledge)}</h2>
                                {d.to_acknowledge.iter().cloned().map(|h| view! {
                                    <article class="handover" data-handover=h.id.to_string()>
                                        <p><strong>{h.person.name.clone()}</strong>" · "{h.roster.clone()}" · "{h.shift_start.clone()}" – "{h.shift_end.clone()}</p>
                                        <HandoverText h=h.clone()/>
                                        <ActionForm action=acts.ack attr:class="inline-form">
                                            <input type="hidden" name="id" value=h.id.to_string()/>
                                            <button type="submit" class="primary">{t(Msg::DutyAcknowledge)}</button>
                                        </ActionForm>
                                    </article>
                                }).collect_view()}
                            </section>
                        })}
                        {(!d.to_hand_over.is_empty()).then(|| view! {
                            <section class="card" data-test="to-hand-over">
                                <h2>{t(Msg::DutyToHandOver)}</h2>
                                {d.to_hand_over.iter().cloned().map(|s| view! {
                                    <ActionForm action=acts.handover attr:class="grid-form">
                                        <p class="wide"><strong>{s.roster.clone()}</strong>" · "{s.start.clone()}" – "{s.end.clone()}
                                            {s.now.then(|| view! { " · "{t(Msg::DutyUnderWay)} })}</p>
                                        <input type="hidden" name="roster_id" value=s.roster_id.to_string()/>
                                        <input type="hidden" name="shift_start" value=s.starts_at.clone()/>
                                        <label class="wide"><span>{t(Msg::DutyHandoverBody)}</span><textarea name="body" rows="4" maxlength="10000"></textarea></label>
                                        <label class="check"><input type="checkbox" name="nothing_to_report"/><span>{t(Msg::DutyNothingToReport)}</span></label>
                                        <div class="form-actions"><button type="submit" class="primary">{t(Msg::DutyWriteHandover)}</button></div>
                                    </ActionForm>
                                }).collect_view()}
                            </section>
                        })}
                        {(!d.reports_due.is_empty()).then(|| view! {
                            <section class="card" data-test="reports-due">
                                <h2>{t(Msg::DutyReportsDue)}</h2>
                                {d.reports_due.iter().cloned().map(|r| view! {
                                    <ActionForm action=acts.report attr:class="grid-form">
                                        <p class="wide"><strong>{r.special.clone()}</strong>" · "{r.roster.clone()}" · "{t(Msg::DutyDue)}" "{r.due.clone()}
                                            {r.overdue.then(|| view! { " · "<span class="flag">{t(Msg::PsOverdue)}</span> })}</p>
                                        <input type="hidden" name="special_id" value=r.special_id.to_string()/>
                                        <input type="hidden" name="due_at" value=r.due_at.clone()/>
                                        <label class="wide"><span>{t(Msg::DutyStatusReport)}</span><textarea name="body" rows="3" required maxlength="10000"></textarea></label>
                                        <div class="form-actions"><button type="submit" class="primary">{t(Msg::Submit)}</button></div>
                                    </ActionForm>
                                }).collect_view()}
                            </section>
                        })}
                        <section class="card">
                            <h2>{t(Msg::DutyMyShifts)}</h2>
                            {if d.shifts.is_empty() {
                                view! { <p class="empty">{t(Msg::DutyNoShifts)}</p> }.into_any()
                            } else {
                                view! { <ShiftTable shifts=d.shifts.clone() acts/> }.into_any()
                            }}
                        </section>
                        <section class="card">
                            <h2>{t(Msg::DutyOpenOffers)}</h2>
                            {if d.offers.is_empty() {
                                view! { <p class="empty">{t(Msg::DutyNoOffers)}</p> }.into_any()
                            } else {
                                view! { <OfferList offers=d.offers.clone() acts mine=false/> }.into_any()
                            }}
                            {(!d.my_offers.is_empty()).then(|| view! {
                                <h3>{t(Msg::DutyMyOffers)}</h3>
                                <OfferList offers=d.my_offers.clone() acts mine=true/>
                            })}
                        </section>
                        <CalendarFeeds/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The person's calendar feeds: make one (its address is shown once), see when each was last
/// read, revoke it.
#[component]
fn CalendarFeeds() -> impl IntoView {
    let create = ServerAction::<CreateCalendarFeed>::new();
    let revoke = ServerAction::<RevokeCalendarFeed>::new();
    crate::ui::notice::when_done(revoke, None, crate::ui::notice::saved);
    let feeds = Resource::new(
        move || create.version().get() + revoke.version().get(),
        |_| crate::rosters::api::calendar_feeds(),
    );
    view! {
        <section class="card" data-test="calendar-feeds">
            <h2>{t(Msg::DutyCalendars)}</h2>
            <p class="muted small">{t(Msg::DutyCalendarsIntro)}</p>
            <ActionError value=Signal::derive(move || revoke.value().get())/>
            {move || match create.value().get() {
                Some(Ok(url)) => view! {
                    <p class="notice" data-test="feed-url">{t(Msg::DutyCalendarOnce)}<br/><code>{url}</code></p>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                None => ().into_any(),
            }}
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match feeds.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(l) => view! {
                            <ActionForm action=create attr:class="inline-form">
                                <select name="roster_id">
                                    <option value="">{t(Msg::DutyCalendarMine)}</option>
                                    {l.rosters.clone().into_iter().map(|r| view! { <option value=r.id.to_string()>{r.name}</option> }).collect_view()}
                                </select>
                                <button type="submit">{t(Msg::DutyCalendarCreate)}</button>
                            </ActionForm>
                            {(!l.feeds.is_empty()).then(move || view! {
                                <ul class="plain" data-test="feeds">{l.feeds.into_iter().map(|f| view! {
                                    <li>
                                        <strong>{f.roster.clone().unwrap_or_else(|| t(Msg::DutyCalendarMine).to_string())}</strong>
                                        " · "{t(Msg::CreatedAt)}" "{f.created_at.clone()}
                                        " · "{t(Msg::DutyCalendarLastRead)}" "{f.last_access_at.clone().unwrap_or_else(|| "—".into())}
                                        {if f.revoked {
                                            view! { " · "<span class="muted">{t(Msg::Revoked)}</span> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=revoke attr:class="inline-form">
                                                    <input type="hidden" name="id" value=f.id.to_string()/>
                                                    <button type="submit">{t(Msg::Revoke)}</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                    </li>
                                }).collect_view()}</ul>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The dashboard's duty panel: now, next and the week; what waits on the person; a manager's flags.
#[component]
pub fn DutyPanel() -> impl IntoView {
    let data = Resource::new(|| (), |_| crate::rosters::api::get_my_duty());
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) if !d.has_rosters => ().into_any(),
                    Ok(d) => {
                        let waiting = d.to_hand_over.len() + d.to_acknowledge.len() + d.reports_due.len();
                        view! {
                            <section class="card" data-test="duty-panel">
                                <h2>{t(Msg::DutyMine)}" "<a href="/duty" class="small">{t(Msg::OpenAll)}</a></h2>
                                <NowNext d=d.clone()/>
                                {(waiting > 0 || !d.offers.is_empty()).then(|| view! {
                                    <p><a href="/duty" data-test="duty-waiting">{waiting}" "{t(Msg::DutyWaiting)}" · "{d.offers.len()}" "{t(Msg::DutyOffersOpen)}</a></p>
                                })}
                                {d.flags.clone().filter(|f| !f.uncovered.is_empty()).map(|f| view! {
                                    <h3>{t(Msg::DutySpecialsUncovered)}</h3>
                                    <UncoveredList specials=f.uncovered show_org=false/>
                                })}
                                {d.flags.clone().filter(|f| !f.missing_handovers.is_empty() || !f.missing_reports.is_empty()).map(|f| view! {
                                    <p class="flag" data-test="missing-entries">{f.missing_handovers.len()}" "{t(Msg::DutyMissingHandovers)}" · "{f.missing_reports.len()}" "{t(Msg::DutyMissingReports)}</p>
                                })}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
