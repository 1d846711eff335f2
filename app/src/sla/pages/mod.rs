//! SLA tracking's pages: the list of engagements with this month's standing (`/sla`: an
//! agency's CSPs, a CSP's agencies, a regulator's breaches first), and one engagement
//! (`/sla/:id`: the months with a trend per metric, the agreement in its versions with the
//! proposal form, the records with their forms). Every form posts without JavaScript too.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

mod report;
pub use report::{SlaMonthPage, SlaYearPage};

use crate::{
    i18n::{t, Msg},
    sla::{
        api::{
            AnswerSla, FinishSlaRecord, MeasureSla, ProposeSla, ReclassifySlaRecord, RecordSla, ReviewSlaRecord,
            WithdrawSlaMeasure,
        },
        AgreementInput, MeasureKind, MeasureView, MetricCell, MonthRow, RecordClass, RecordKind, RecordView, Review,
        SlaEngagement, SlaHome, VersionStatus, VersionView,
    },
    ui::{ActionError, DetailError, ErrorNotice},
};

/// A share in millionths as a percent with up to four decimals (`99.95 %`), or a dash.
pub fn pct(m: Option<u32>) -> String {
    match m {
        None => "—".into(),
        Some(m) => {
            let (whole, frac) = (m / 10_000, m % 10_000);
            if frac == 0 {
                format!("{whole} %")
            } else {
                format!("{whole}.{} %", format!("{frac:04}").trim_end_matches('0'))
            }
        }
    }
}

/// Fen as yuan with two decimals.
pub fn yuan(fen: i64) -> String {
    format!("¥{}.{:02}", fen / 100, (fen % 100).abs())
}

/// Seconds as hours and minutes (`3 h 05 min`).
pub fn duration(secs: i64) -> String {
    let m = secs.max(0) / 60;
    if m >= 60 {
        format!("{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{m} min")
    }
}

fn cell(c: &MetricCell) -> impl IntoView {
    let class = if c.met { "met" } else { "missed" };
    view! {
        <td class=format!("num {class}") data-metric=c.metric.code() data-met=c.met.to_string()>
            {pct(c.attained)}<br/><span class="muted small">"≥ "{pct(Some(c.target))}</span>
        </td>
    }
}

#[component]
pub fn SlaPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).unwrap_or_default();
            (get("q"), get("breached"), get("month"), get("page"))
        })
    };
    let data = Resource::new(filter, |(q, b, m, p)| crate::sla::api::get_sla(q, b, m, p));
    view! {
        <h1>{t(Msg::SlaNav)}</h1>
        <p class="muted">{t(Msg::SlaIntro)}</p>
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

fn home_view(h: SlaHome) -> impl IntoView {
    let SlaHome { month, rows, total, breaches, page, pages, filter, regulator: _ } = h;
    let q = filter.q.clone();
    let breach_class = if breaches > 0 { "flag" } else { "" };
    let month_value = month.clone();
    let link = move |p: u64| {
        let mut s = format!("/sla?page={p}");
        if !filter.q.is_empty() {
            s.push_str(&format!("&q={}", crate::ui::encode_query(&filter.q)));
        }
        if filter.breached {
            s.push_str("&breached=on");
        }
        s.push_str(&format!("&month={}", filter.month));
        s
    };
    view! {
        <section class="card">
            <Form method="GET" action="/sla" attr:class="filters" attr:data-test="sla-filter">
                <label><span>{t(Msg::SlaSearch)}</span><input type="search" name="q" value=q/></label>
                <label><span>{t(Msg::SlaMonth)}</span><input type="month" name="month" value=month_value/></label>
                <label class="check"><input type="checkbox" name="breached" value="on" checked=filter.breached/>" "{t(Msg::SlaBreachesOnly)}</label>
                <button type="submit">{t(Msg::SlaFilter)}</button>
            </Form>
            <p data-test="sla-summary"><strong>{month.clone()}</strong>" · "{total}" "{t(Msg::SlaEngagements)}" · "
                <span class=breach_class data-test="breach-count">{breaches}" "{t(Msg::SlaBreaches)}</span></p>
            {if rows.is_empty() {
                view! { <p class="empty">{t(Msg::SlaNone)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-test="sla-list">
                        <thead><tr>
                            <th>{t(Msg::SlaAgency)}</th><th>{t(Msg::SlaCsp)}</th>
                            <th title=t(Msg::SlaMetPower)>{t(Msg::SlaShortPower)}</th>
                            <th title=t(Msg::SlaMetNetwork)>{t(Msg::SlaShortNetwork)}</th>
                            <th title=t(Msg::SlaMetServer)>{t(Msg::SlaShortServer)}</th>
                            <th title=t(Msg::SlaMetLevel1)>{t(Msg::SlaShortLevel1)}</th>
                            <th title=t(Msg::SlaMetLevel2)>{t(Msg::SlaShortLevel2)}</th>
                            <th>{t(Msg::SlaCompensation)}</th><th>{t(Msg::SlaDisputedShort)}</th>
                        </tr></thead>
                        <tbody>{rows.into_iter().map(|r| {
                            let href = format!("/sla/{}", r.engagement_id);
                            let status = r.version.is_none().then_some(Msg::SlaNoAgreement);
                            view! {
                                <tr data-engagement=r.engagement_id.to_string() class=if r.breached { "gap-row" } else { "" } data-breached=r.breached.to_string()>
                                    <td><a href=href.clone()>{r.agency.clone()}</a></td>
                                    <td><a href=href>{r.csp.clone()}</a>
                                        {r.pending.then(|| view! { " "<span class="badge">{t(Msg::SlaPendingShort)}</span> })}</td>
                                    {match status {
                                        Some(m) => view! { <td colspan="5" class="muted">{t(m)}</td> }.into_any(),
                                        None => r.metrics.iter().map(cell).collect_view().into_any(),
                                    }}
                                    <td class="num" data-test="compensation">{yuan(r.compensation)}</td>
                                    <td class="num">{r.disputed}</td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            {(pages > 1).then(|| view! {
                <nav class="pager">
                    {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">{t(Msg::Previous)}</a> })}
                    <span>{page}" / "{pages}</span>
                    {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">{t(Msg::Next)}</a> })}
                </nav>
            })}
        </section>
    }
}

fn engagement_id() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

async fn read(id: Option<Uuid>) -> Result<SlaEngagement, crate::error::AppError> {
    match id {
        Some(id) => crate::sla::api::get_sla_engagement(id).await,
        None => Err(crate::error::AppError::NotFound),
    }
}

/// The server actions of the engagement page, one each, so the page is read again after any.
#[derive(Clone, Copy)]
struct Actions {
    propose: ServerAction<ProposeSla>,
    answer: ServerAction<AnswerSla>,
    record: ServerAction<RecordSla>,
    finish: ServerAction<FinishSlaRecord>,
    review: ServerAction<ReviewSlaRecord>,
    reclassify: ServerAction<ReclassifySlaRecord>,
    measure: ServerAction<MeasureSla>,
    unmeasure: ServerAction<WithdrawSlaMeasure>,
}

impl Actions {
    fn version(&self) -> usize {
        self.propose.version().get()
            + self.answer.version().get()
            + self.record.version().get()
            + self.finish.version().get()
            + self.review.version().get()
            + self.reclassify.version().get()
            + self.measure.version().get()
            + self.unmeasure.version().get()
    }
}

#[component]
pub fn SlaEngagementPage() -> impl IntoView {
    let id = engagement_id();
    let a = Actions {
        propose: ServerAction::new(),
        answer: ServerAction::new(),
        record: ServerAction::new(),
        finish: ServerAction::new(),
        review: ServerAction::new(),
        reclassify: ServerAction::new(),
        measure: ServerAction::new(),
        unmeasure: ServerAction::new(),
    };
    use crate::ui::notice::{when_done, Done};
    when_done(a.propose, None, |_| Done::here(Msg::SlaProposedDone));
    when_done(a.answer, None, |_| Done::here(Msg::Saved));
    when_done(a.record, None, |_| Done::here(Msg::SlaRecordedDone));
    when_done(a.finish, None, |_| Done::here(Msg::Saved));
    when_done(a.review, None, |_| Done::here(Msg::Saved));
    when_done(a.reclassify, None, |_| Done::here(Msg::SlaReclassifiedDone));
    when_done(a.measure, None, |_| Done::here(Msg::SlaMeasuredDone));
    when_done(a.unmeasure, None, |_| Done::here(Msg::SlaMeasureWithdrawnDone));
    let data = Resource::new(move || (id(), a.version()), |(id, _)| read(id));
    let error = Signal::derive(move || {
        let first = |v: Option<Result<Uuid, crate::error::AppError>>| v.and_then(|r| r.err());
        first(a.propose.value().get())
            .or_else(|| first(a.answer.value().get()))
            .or_else(|| first(a.record.value().get()))
            .or_else(|| first(a.finish.value().get()))
            .or_else(|| first(a.review.value().get()))
            .or_else(|| first(a.reclassify.value().get()))
            .or_else(|| first(a.measure.value().get()))
            .or_else(|| first(a.unmeasure.value().get()))
            .map(Err)
    });
    view! {
        <p><a href="/sla">{t(Msg::SlaNav)}</a></p>
        <ActionError value=error/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(d) => engagement_view(d, a).into_any(),
                }
            })}
        </Suspense>
    }
}

fn engagement_view(d: SlaEngagement, a: Actions) -> impl IntoView {
    let id = d.engagement_id;
    let has_agreement = d.versions.iter().any(|v| v.status == VersionStatus::Accepted);
    view! {
        <h1 data-test="sla-title">{d.agency.clone()}" ↔ "{d.csp.clone()}</h1>
        <p class="muted">{t(Msg::SlaPeriod)}" "{d.starts_on.clone()}" – "{d.ends_on.clone()}" · "{t(Msg::SlaTimesIn)}" "{d.zone.clone()}</p>
        <section class="card" data-test="sla-months">
            <h2>{t(Msg::SlaMonths)}</h2>
            {if d.months.is_empty() {
                view! { <p class="empty">{t(if has_agreement { Msg::SlaNoMonths } else { Msg::SlaNoAgreementYet })}</p> }.into_any()
            } else {
                view! {
                    <p class="no-print links">
                        <a href=format!("/sla/{id}/report") data-test="month-report-link">{t(Msg::SlaMonthReport)}</a>" · "
                        <a href=format!("/sla/{id}/year") data-test="year-report-link">{t(Msg::SlaYearReport)}</a>" · "
                        <a href=format!("/sla/{id}/months.csv") data-test="months-csv">{t(Msg::SlaMonthsCsv)}</a>
                    </p>
                    {months_table(&d.months, Some(id))}
                    <div class="trends" data-test="sla-trends">{trends(&d.months)}</div>
                }.into_any()
            }}
        </section>
        {agreement_view(&d, a)}
        {records_view(&d, a, id)}
        {measures_view(&d, a, id, has_agreement)}
    }
}

/// The months, latest first; each month links to its report when `report` names the engagement.
fn months_table(months: &[MonthRow], report: Option<Uuid>) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-test="month-table">
            <thead><tr>
                <th>{t(Msg::SlaMonth)}</th>
                <th title=t(Msg::SlaMetPower)>{t(Msg::SlaShortPower)}</th>
                <th title=t(Msg::SlaMetNetwork)>{t(Msg::SlaShortNetwork)}</th>
                <th title=t(Msg::SlaMetServer)>{t(Msg::SlaShortServer)}</th>
                <th title=t(Msg::SlaMetLevel1)>{t(Msg::SlaShortLevel1)}</th>
                <th title=t(Msg::SlaMetLevel2)>{t(Msg::SlaShortLevel2)}</th>
                <th>{t(Msg::SlaInterrupted)}</th><th>{t(Msg::SlaCompensation)}</th><th>{t(Msg::SlaReport)}</th>
            </tr></thead>
            <tbody>{months.iter().map(|m| {
                let f = &m.figures;
                let cells: Vec<MetricCell> = f.availability.iter().map(|x| MetricCell { metric: x.metric, attained: x.attained, target: x.target, met: x.met })
                    .chain(f.resolution.iter().map(|x| MetricCell { metric: x.metric, attained: x.rate, target: x.target, met: x.met }))
                    .collect();
                view! {
                    <tr data-month=f.month.clone() data-breached=f.breached.to_string() class=if f.breached { "gap-row" } else { "" }>
                        <th scope="row">{match report {
                            Some(id) => view! { <a href=format!("/sla/{id}/report?month={}", f.month) data-test="month-report">{f.month.clone()}</a> }.into_any(),
                            None => view! { <span>{f.month.clone()}</span> }.into_any(),
                        }}{f.in_progress.then(|| view! { <br/><span class="muted small">{t(Msg::SlaToDate)}</span> })}</th>
                        {cells.iter().map(cell).collect_view()}
                        <td class="num" data-test="interrupted">{duration(f.interrupted)}</td>
                        <td class="num" data-test="compensation">{yuan(f.compensation)}{f.capped.then(|| view! { <br/><span class="muted small">{t(Msg::SlaCapped)}</span> })}</td>
                        <td>{match m.report_version {
                            Some(v) => view! { <span data-test="report-version">{t(Msg::SlaIssued)}" v"{v}</span> }.into_any(),
                            None if f.in_progress => view! { <span class="muted">{t(Msg::SlaOpenMonth)}</span> }.into_any(),
                            // Ended, its report not issued yet (the hourly job issues it).
                            None => view! { <span class="muted">{t(Msg::SlaAwaitingIssue)}</span> }.into_any(),
                        }}{(f.disputed > 0).then(|| view! { <br/><span class="flag">{f.disputed}" "{t(Msg::SlaDisputedShort)}</span> })}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
}

/// One small chart per metric: the months' attainment as a line, oldest left, with the target as
/// a dashed line; drawn on the server as SVG, so it reads without JavaScript and prints.
fn trends(months: &[MonthRow]) -> impl IntoView {
    let ordered: Vec<&MonthRow> = months.iter().rev().collect();
    let series = |pick: &dyn Fn(&MonthRow) -> (Option<u32>, u32)| -> (Vec<(usize, Option<u32>)>, u32) {
        let target = ordered.last().map(|m| pick(m).1).unwrap_or(0);
        (ordered.iter().enumerate().map(|(i, m)| (i, pick(m).0)).collect(), target)
    };
    let metrics = [Msg::SlaMetPower, Msg::SlaMetNetwork, Msg::SlaMetServer, Msg::SlaMetLevel1, Msg::SlaMetLevel2];
    metrics
        .into_iter()
        .enumerate()
        .map(|(k, label)| {
            let pick = move |m: &MonthRow| -> (Option<u32>, u32) {
                let f = &m.figures;
                if k < 3 {
                    f.availability.get(k).map_or((None, 0), |a| (a.attained, a.target))
                } else {
                    f.resolution.get(k - 3).map_or((None, 0), |r| (r.rate, r.target))
                }
            };
            let (points, target) = series(&pick);
            chart(
                label,
                &points,
                target,
                ordered.len(),
                ordered.first().map(|m| m.figures.month.clone()).unwrap_or_default(),
                ordered.last().map(|m| m.figures.month.clone()).unwrap_or_default(),
            )
        })
        .collect_view()
}

/// A line chart of shares (millionths) over `n` months; the scale's floor is the lowest of the
/// points and the target, less a margin, so a month at 99.5 % against 99.9 % is visibly apart.
fn chart(
    label: Msg,
    points: &[(usize, Option<u32>)],
    target: u32,
    n: usize,
    first: String,
    last: String,
) -> impl IntoView {
    let (w, h, pad) = (240.0_f64, 90.0_f64, 6.0_f64);
    let lowest = points.iter().filter_map(|p| p.1).chain([target]).min().unwrap_or(0);
    let floor = f64::from(lowest.saturating_sub((1_000_000 - lowest) / 2 + 1));
    let y = move |m: u32| pad + (h - 2.0 * pad) * (1.0 - (f64::from(m) - floor) / (1_000_000.0 - floor).max(1.0));
    let x = move |i: usize| if n <= 1 { w / 2.0 } else { pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64 };
    let line: String =
        points.iter().filter_map(|(i, p)| p.map(|m| format!("{:.1},{:.1}", x(*i), y(m)))).collect::<Vec<_>>().join(" ");
    let dots: Vec<(f64, f64, bool, String)> =
        points.iter().filter_map(|(i, p)| p.map(|m| (x(*i), y(m), m >= target, pct(Some(m))))).collect();
    let ty = y(target);
    view! {
        <figure class="trend">
            <figcaption>{t(label)}" · "{t(Msg::SlaTarget)}" "{pct(Some(target))}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") width="240" height="90" role="img" aria-label=t(label)>
                <rect x="0" y="0" width=w height=h class="trend-bg"/>
                <line x1="0" x2=w y1=format!("{ty:.1}") y2=format!("{ty:.1}") class="trend-target"/>
                <polyline points=line class="trend-line" fill="none"/>
                {dots.into_iter().map(|(cx, cy, met, title)| view! {
                    <circle cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="3" class=if met { "trend-met" } else { "trend-missed" }><title>{title}</title></circle>
                }).collect_view()}
            </svg>
            <div class="muted small trend-axis"><span>{first}</span><span>{last}</span></div>
        </figure>
    }
}

fn terms_list(terms: &AgreementInput) -> impl IntoView {
    let comp = if terms.compensation == crate::sla::CompensationRule::PerUnit.code() {
        format!("{} min × {}", terms.unit_minutes, terms.multiple)
    } else {
        terms.bands.replace('\n', "; ")
    };
    let maintenance =
        crate::sla::MaintenanceRule::parse(&terms.maintenance).map(|m| t(m.label()).to_string()).unwrap_or_default();
    let rows: Vec<(Msg, String)> = vec![
        (Msg::SlaFEffective, terms.effective_from.clone()),
        (Msg::SlaMetPower, format!("≥ {} %", terms.power_pct)),
        (Msg::SlaMetNetwork, format!("≥ {} %", terms.network_pct)),
        (Msg::SlaMetServer, format!("≥ {} %", terms.server_pct)),
        (Msg::SlaMetLevel1, format!("≥ {} % · ≤ {} h", terms.l1_pct, terms.l1_hours)),
        (Msg::SlaMetLevel2, format!("≥ {} % · ≤ {} h", terms.l2_pct, terms.l2_hours)),
        (Msg::SlaFServiceHours, terms.service_hours.clone()),
        (Msg::SlaFResponse, format!("≤ {} min", terms.response_minutes)),
        (Msg::SlaFEmergency, format!("≤ {} min", terms.emergency_minutes)),
        (Msg::SlaFBackupEvery, terms.backup_every.clone()),
        (Msg::SlaFBackupRetention, terms.backup_retention.clone()),
        (Msg::SlaFLogRetention, terms.log_retention.clone()),
        (Msg::SlaFTrainings, terms.trainings.clone()),
        (Msg::SlaFMaintenance, maintenance),
        (Msg::SlaFCompensation, comp),
        (Msg::SlaFFee, format!("¥{}", terms.monthly_fee)),
        (Msg::SlaFZone, terms.zone.clone()),
    ];
    view! {
        <dl class="terms">
            {rows.into_iter().map(|(k, v)| view! { <div><dt>{t(k)}</dt><dd>{v}</dd></div> }).collect_view()}
            {(!terms.note.is_empty()).then(|| view! { <div><dt>{t(Msg::SlaFNote)}</dt><dd class="prewrap">{terms.note.clone()}</dd></div> })}
        </dl>
    }
}

fn version_card(v: VersionView, engagement: Uuid, a: Actions) -> impl IntoView {
    let state = match v.status {
        VersionStatus::Accepted => "state st-accepted",
        VersionStatus::Proposed => "state st-due",
        _ => "state st-not_yet_due",
    };
    view! {
        <article class="version" data-version=v.number data-status=v.status.code()>
            <h3>{t(Msg::SlaVersion)}" "{v.number}" "<span class=state>{t(v.status.label())}</span></h3>
            <p class="muted small">{t(Msg::SlaProposedBy)}" "{v.proposed_by.clone()}" · "{v.proposed_at.clone()}</p>
            {terms_list(&v.terms)}
            {(v.can_accept || v.can_withdraw).then(|| view! {
                <ActionForm action=a.answer attr:class="inline-form">
                    <input type="hidden" name="engagement_id" value=engagement.to_string()/>
                    <input type="hidden" name="version_id" value=v.id.to_string()/>
                    {v.can_accept.then(|| view! { <button type="submit" name="action" value="accept" class="primary" data-test="accept-version">{t(Msg::SlaAccept)}</button> })}
                    {v.can_withdraw.then(|| view! { <button type="submit" name="action" value="withdraw" data-test="withdraw-version">{t(Msg::SlaWithdraw)}</button> })}
                </ActionForm>
            })}
        </article>
    }
}

fn agreement_view(d: &SlaEngagement, a: Actions) -> impl IntoView {
    let id = d.engagement_id;
    let (current, older): (Vec<VersionView>, Vec<VersionView>) =
        d.versions.iter().cloned().partition(|v| matches!(v.status, VersionStatus::Proposed | VersionStatus::Accepted));
    // The accepted versions and the pending proposal first; answered and withdrawn ones folded.
    let p = d.proposal.clone();
    view! {
        <section class="card" data-test="sla-agreement">
            <h2>{t(Msg::SlaAgreement)}</h2>
            {if d.versions.is_empty() {
                view! { <p class="empty">{t(Msg::SlaNoAgreementYet)}</p> }.into_any()
            } else {
                current.into_iter().map(|v| version_card(v, id, a)).collect_view().into_any()
            }}
            {(!older.is_empty()).then(|| view! {
                <details><summary>{t(Msg::SlaOlderVersions)}" ("{older.len()}")"</summary>
                    {older.into_iter().map(|v| version_card(v, id, a)).collect_view()}
                </details>
            })}
            {d.writes.then(|| view! {
                <details class="card" data-test="propose-form">
                    <summary><h3 class="inline-h">{t(Msg::SlaPropose)}</h3></summary>
                    <p class="muted">{t(Msg::SlaProposeHelp)}</p>
                    <ActionForm action=a.propose attr:class="grid-form">
                        <input type="hidden" name="engagement_id" value=id.to_string()/>
                        {field("effective_from", Msg::SlaFEffective, "date", p.effective_from.clone())}
                        {field("zone", Msg::SlaFZone, "text", p.zone.clone())}
                        {field("power_pct", Msg::SlaMetPower, "text", p.power_pct.clone())}
                        {field("network_pct", Msg::SlaMetNetwork, "text", p.network_pct.clone())}
                        {field("server_pct", Msg::SlaMetServer, "text", p.server_pct.clone())}
                        {field("l1_pct", Msg::SlaMetLevel1, "text", p.l1_pct.clone())}
                        {field("l1_hours", Msg::SlaFL1Hours, "number", p.l1_hours.clone())}
                        {field("l2_pct", Msg::SlaMetLevel2, "text", p.l2_pct.clone())}
                        {field("l2_hours", Msg::SlaFL2Hours, "number", p.l2_hours.clone())}
                        {field("service_hours", Msg::SlaFServiceHours, "text", p.service_hours.clone())}
                        {field("response_minutes", Msg::SlaFResponse, "number", p.response_minutes.clone())}
                        {field("emergency_minutes", Msg::SlaFEmergency, "number", p.emergency_minutes.clone())}
                        {field("backup_every", Msg::SlaFBackupEvery, "text", p.backup_every.clone())}
                        {field("backup_retention", Msg::SlaFBackupRetention, "text", p.backup_retention.clone())}
                        {field("log_retention", Msg::SlaFLogRetention, "text", p.log_retention.clone())}
                        {field("trainings", Msg::SlaFTrainings, "number", p.trainings.clone())}
                        <label><span>{t(Msg::SlaFMaintenance)}</span><select name="input[maintenance]">
                            {crate::sla::MaintenanceRule::choices().into_iter().map(|(c, m)| view! { <option value=c selected=p.maintenance == c>{t(m)}</option> }).collect_view()}
                        </select></label>
                        <label><span>{t(Msg::SlaFCompensation)}</span><select name="input[compensation]">
                            {crate::sla::CompensationRule::choices().into_iter().map(|(c, m)| view! { <option value=c selected=p.compensation == c>{t(m)}</option> }).collect_view()}
                        </select></label>
                        {field("unit_minutes", Msg::SlaFUnit, "number", p.unit_minutes.clone())}
                        {field("multiple", Msg::SlaFMultiple, "text", p.multiple.clone())}
                        {field("monthly_fee", Msg::SlaFFee, "text", p.monthly_fee.clone())}
                        <label class="wide"><span>{t(Msg::SlaFBands)}</span><textarea name="input[bands]" rows="3">{p.bands.clone()}</textarea></label>
                        <label class="wide"><span>{t(Msg::SlaFNote)}</span><textarea name="input[note]" rows="2" maxlength="4000">{p.note.clone()}</textarea></label>
                        <div class="form-actions"><button type="submit" class="primary" data-test="propose">{t(Msg::SlaPropose)}</button></div>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

fn field(name: &'static str, label: Msg, kind: &'static str, value: String) -> impl IntoView {
    view! { <label><span>{t(label)}</span><input type=kind name=format!("input[{name}]") value=value required=name != "zone"/></label> }
}

fn records_view(d: &SlaEngagement, a: Actions, id: Uuid) -> impl IntoView {
    let kinds: Vec<(RecordKind, RecordClass)> = [RecordKind::Outage, RecordKind::Fault, RecordKind::Maintenance]
        .into_iter()
        .flat_map(|k| RecordClass::of(k).iter().map(move |c| (k, *c)))
        .collect();
    let websites = d.websites.clone();
    view! {
        <section class="card" data-test="sla-records">
            <h2>{t(Msg::SlaRecords)}</h2>
            {d.writes.then(|| view! {
                <details class="card" data-test="record-form">
                    <summary><h3 class="inline-h">{t(Msg::SlaNewRecord)}</h3></summary>
                    <ActionForm action=a.record attr:class="grid-form">
                        <input type="hidden" name="engagement_id" value=id.to_string()/>
                        <label><span>{t(Msg::SlaKindClass)}</span><select name="input[class]" data-test="record-class">
                            {kinds.iter().map(|(k, c)| view! { <option value=c.code() data-kind=k.code()>{t(k.label())}" · "{t(c.label())}</option> }).collect_view()}
                        </select></label>
                        <fieldset class="wide" data-test="record-websites">
                            <legend>{t(Msg::SlaWebsites)}</legend>
                            {websites.iter().enumerate().map(|(i, w)| view! {
                                <label class="check"><input type="checkbox" name=format!("input[website_ids][{i}]") value=w.id.to_string() checked=websites.len() == 1/>" "{w.name.clone()}</label>
                            }).collect_view()}
                        </fieldset>
                        <label><span>{t(Msg::SlaStarted)}</span><input type="datetime-local" name="input[started_at]" required/></label>
                        <label><span>{t(Msg::SlaEnded)}</span><input type="datetime-local" name="input[ended_at]"/></label>
                        <label><span>{t(Msg::SlaResponded)}</span><input type="datetime-local" name="input[responded_at]"/></label>
                        <label><span>{t(Msg::SlaResolved)}</span><input type="datetime-local" name="input[resolved_at]"/></label>
                        <label class="wide"><span>{t(Msg::SlaCause)}</span><textarea name="input[cause]" rows="2" maxlength="4000"></textarea></label>
                        <div class="form-actions"><button type="submit" class="primary" data-test="save-record">{t(Msg::SlaSaveRecord)}</button></div>
                    </ActionForm>
                </details>
            })}
            {if d.records.is_empty() {
                view! { <p class="empty">{t(Msg::SlaNoRecords)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="table" data-test="record-list">
                        <thead><tr>
                            <th>{t(Msg::SlaKindClass)}</th><th>{t(Msg::SlaWhen)}</th><th>{t(Msg::SlaWebsites)}</th>
                            <th>{t(Msg::SlaRecordedBy)}</th><th>{t(Msg::SlaReviewLabel)}</th><th></th>
                        </tr></thead>
                        <tbody>{d.records.iter().cloned().map(|r| record_row(r, a, id)).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

fn record_row(r: RecordView, a: Actions, engagement: Uuid) -> impl IntoView {
    let review_class = match r.review {
        Review::Confirmed => "state st-accepted",
        Review::Disputed => "state st-overdue",
        Review::Pending => "state st-due",
    };
    let record = r.id;
    let hidden = move || {
        view! {
            <input type="hidden" name="engagement_id" value=engagement.to_string()/>
            <input type="hidden" name="record_id" value=record.to_string()/>
        }
    };
    let classes: Vec<(RecordKind, RecordClass)> = [RecordKind::Outage, RecordKind::Fault, RecordKind::Maintenance]
        .into_iter()
        .flat_map(|k| RecordClass::of(k).iter().map(move |c| (k, *c)))
        .filter(|(k, c)| !(*k == r.kind && *c == r.class))
        .collect();
    view! {
        <tr data-record=r.id.to_string() data-kind=r.kind.code() data-class=r.class.code() data-review=r.review.code()>
            <td>{t(r.kind.label())}<br/><span class="muted small">{t(r.class.label())}</span></td>
            <td class="nowrap">{r.started_at.clone()}<br/>
                {match r.ended_at.clone() {
                    Some(e) => view! { <span class="muted small">{e}" · "{duration(r.minutes * 60)}</span> }.into_any(),
                    None => view! { <span class="flag">{t(Msg::SlaOngoing)}</span> }.into_any(),
                }}
                {r.resolved_at.clone().map(|x| view! { <br/><span class="muted small">{t(Msg::SlaResolved)}" "{x}</span> })}
            </td>
            <td>{r.websites.join("、")}</td>
            <td>{r.recorded_by.clone()}{(!r.cause.is_empty()).then(|| view! { <br/><span class="muted small">{r.cause.clone()}</span> })}</td>
            <td><span class=review_class>{t(r.review.label())}</span>
                {(!r.review_comment.is_empty()).then(|| view! { <br/><span class="muted small">{r.review_comment.clone()}</span> })}
                {r.reclassified.iter().map(|h| view! { <br/><span class="muted small" data-test="reclassified">{h.clone()}</span> }).collect_view()}
            </td>
            <td class="actions">
                {r.can_review.then(|| view! {
                    <details data-test="review-form"><summary>{t(Msg::SlaReviewAction)}</summary>
                        <ActionForm action=a.review attr:class="grid-form">
                            {hidden()}
                            <label><span>{t(Msg::SlaReviewLabel)}</span><select name="input[review]">
                                <option value="confirmed">{t(Msg::SlaRevConfirmed)}</option>
                                <option value="disputed">{t(Msg::SlaRevDisputed)}</option>
                            </select></label>
                            <label class="wide"><span>{t(Msg::SlaComment)}</span><textarea name="input[comment]" rows="2" maxlength="4000"></textarea></label>
                            <div class="form-actions"><button type="submit">{t(Msg::SlaReviewAction)}</button></div>
                        </ActionForm>
                    </details>
                })}
                {r.can_finish.then(|| view! {
                    <details data-test="finish-form"><summary>{t(Msg::SlaComplete)}</summary>
                        <ActionForm action=a.finish attr:class="grid-form">
                            {hidden()}
                            {r.ended_at.is_none().then(|| view! { <label><span>{t(Msg::SlaEnded)}</span><input type="datetime-local" name="input[ended_at]"/></label> })}
                            {r.responded_at.is_none().then(|| view! { <label><span>{t(Msg::SlaResponded)}</span><input type="datetime-local" name="input[responded_at]"/></label> })}
                            {r.resolved_at.is_none().then(|| view! { <label><span>{t(Msg::SlaResolved)}</span><input type="datetime-local" name="input[resolved_at]"/></label> })}
                            <div class="form-actions"><button type="submit">{t(Msg::SlaComplete)}</button></div>
                        </ActionForm>
                    </details>
                })}
                {r.can_reclassify.then(|| view! {
                    <details data-test="reclassify-form"><summary>{t(Msg::SlaReclassify)}</summary>
                        <ActionForm action=a.reclassify attr:class="grid-form">
                            {hidden()}
                            <label><span>{t(Msg::SlaKindClass)}</span><select name="input[class]">
                                {classes.iter().map(|(k, c)| view! { <option value=c.code()>{t(k.label())}" · "{t(c.label())}</option> }).collect_view()}
                            </select></label>
                            <label class="wide"><span>{t(Msg::SlaReason)}</span><textarea name="input[reason]" rows="2" maxlength="4000" required></textarea></label>
                            <div class="form-actions"><button type="submit">{t(Msg::SlaReclassify)}</button></div>
                        </ActionForm>
                    </details>
                })}
            </td>
        </tr>
    }
}

/// A measured entry's outcome: a run's or a test's success, a check's retention kept or short.
pub fn measure_outcome(m: &MeasureView) -> impl IntoView {
    let (word, class) = match (m.kind.is_check(), m.passed) {
        (_, None) => return view! { <span>"—"</span> }.into_any(),
        (false, Some(true)) => (Msg::SlaSucceeded, "state st-accepted"),
        (false, Some(false)) => (Msg::SlaFailedWord, "state st-overdue"),
        (true, Some(true)) => (Msg::SlaKept, "state st-accepted"),
        (true, Some(false)) => (Msg::SlaShortWord, "state st-overdue"),
    };
    view! {
        <span class=class>{t(word)}</span>
        {m.oldest.clone().map(|o| view! {
            <br/><span class="muted small">{t(Msg::SlaOldestOnHand)}" "{o}" · "{t(Msg::SlaRequiredOldest)}" "{m.required.clone().unwrap_or_default()}</span>
        })}
    }
    .into_any()
}

/// Measured entries as a table; `withdraw`: the action that withdraws one's own.
pub fn measures_table(
    entries: &[MeasureView],
    withdraw: Option<(ServerAction<WithdrawSlaMeasure>, Uuid)>,
) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table" data-test="measure-list">
            <thead><tr>
                <th>{t(Msg::SlaDay)}</th><th>{t(Msg::SlaKindClass)}</th><th>{t(Msg::SlaOutcome)}</th>
                <th>{t(Msg::SlaFNote)}</th><th>{t(Msg::SlaRecordedBy)}</th>{withdraw.map(|_| view! { <th class="no-print"></th> })}
            </tr></thead>
            <tbody>{entries.iter().map(|m| view! {
                <tr data-measure=m.id.to_string() data-kind=m.kind.code()>
                    <td class="nowrap">{m.on_day.clone()}</td>
                    <td>{t(m.kind.label())}</td>
                    <td>{measure_outcome(m)}</td>
                    <td>{m.note.clone()}</td>
                    <td>{m.recorded_by.clone()}</td>
                    {withdraw.map(|(action, engagement)| { let measure = m.id; view! {
                        <td class="actions no-print">{m.can_withdraw.then(move || view! {
                            <ActionForm action=action>
                                <input type="hidden" name="engagement_id" value=engagement.to_string()/>
                                <input type="hidden" name="measure_id" value=measure.to_string()/>
                                <button type="submit" class="link-button" data-test="withdraw-measure">{t(Msg::SlaWithdraw)}</button>
                            </ActionForm>
                        })}</td>
                    }})}
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
}

fn measures_view(d: &SlaEngagement, a: Actions, id: Uuid, has_agreement: bool) -> impl IntoView {
    let kinds = [
        MeasureKind::Backup,
        MeasureKind::RestoreTest,
        MeasureKind::Training,
        MeasureKind::BackupCheck,
        MeasureKind::LogCheck,
    ];
    view! {
        <section class="card" id="measures" data-test="sla-measures">
            <h2>{t(Msg::SlaMeasures)}</h2>
            <p class="muted">{t(Msg::SlaMeasuresHelp)}</p>
            {(d.writes && has_agreement).then(|| view! {
                <details class="card" data-test="measure-form">
                    <summary><h3 class="inline-h">{t(Msg::SlaNewMeasure)}</h3></summary>
                    <ActionForm action=a.measure attr:class="grid-form">
                        <input type="hidden" name="engagement_id" value=id.to_string()/>
                        <label><span>{t(Msg::SlaKindClass)}</span><select name="input[kind]" data-test="measure-kind">
                            {kinds.iter().map(|k| view! { <option value=k.code()>{t(k.label())}</option> }).collect_view()}
                        </select></label>
                        <label><span>{t(Msg::SlaDay)}</span><input type="date" name="input[on_day]" required data-test="measure-day"/></label>
                        <label><span>{t(Msg::SlaOutcome)}</span><select name="input[outcome]" data-test="measure-outcome">
                            <option value="passed">{t(Msg::SlaSucceeded)}</option>
                            <option value="failed">{t(Msg::SlaFailedWord)}</option>
                        </select></label>
                        <label><span>{t(Msg::SlaFOldest)}</span><input type="date" name="input[oldest]" data-test="measure-oldest"/></label>
                        <label class="wide"><span>{t(Msg::SlaFNote)}</span><textarea name="input[note]" rows="2" maxlength="4000"></textarea></label>
                        <div class="form-actions"><button type="submit" class="primary" data-test="save-measure">{t(Msg::SlaSaveMeasure)}</button></div>
                    </ActionForm>
                </details>
            })}
            {if d.measures.is_empty() {
                view! { <p class="empty">{t(Msg::SlaNoMeasures)}</p> }.into_any()
            } else {
                measures_table(&d.measures, d.writes.then_some((a.unmeasure, id))).into_any()
            }}
        </section>
    }
}
