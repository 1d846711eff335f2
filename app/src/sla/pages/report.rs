//! The printable SLA reports of one engagement: a month (`/sla/:id/report?month=&version=`: the
//! figures of the version shown with the formula each follows, the terms that judged them and
//! the records behind them) and a year (`/sla/:id/year?year=`: the months and their sum). Both
//! print to a clean A4 page (the print stylesheet hides the site's frame and the pickers).
use leptos::prelude::*;
use leptos_router::{
    components::Form,
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use super::{duration, pct, terms_list, yuan};
use crate::{
    i18n::{t, Msg},
    sla::{
        AvailabilityFigure, CompensationRule, DelayFigure, MaintenanceRule, MeasuredTerms, MonthFigures,
        ResolutionFigure, RetentionFigure, SlaMonthReport, SlaYearReport, TermState,
    },
    ui::DetailError,
};

fn id_param() -> impl Fn() -> Option<Uuid> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()))
}

/// Seconds as minutes with up to two decimals (`1 440 min`, `12.5 min`): the unit the formulas
/// print in.
pub fn minutes(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let hundredths = (i128::from(secs).abs() * 100 + 30) / 60;
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    if frac == 0 {
        format!("{sign}{whole} min")
    } else {
        format!("{sign}{whole}.{} min", format!("{frac:02}").trim_end_matches('0'))
    }
}

#[component]
pub fn SlaMonthPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let asked = move || query.with(|q| (q.get("month").unwrap_or_default(), q.get("version").unwrap_or_default()));
    let data = Resource::new(
        move || (id(), asked()),
        |(id, (m, v))| async move {
            match id {
                Some(id) => crate::sla::api::get_sla_month(id, m, v).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(r) => month_view(r).into_any(),
                }
            })}
        </Suspense>
    }
}

fn print_button() -> impl IntoView {
    view! {
        <button type="button" class="no-print" data-test="print" on:click=|_| { let _ = window().print(); }>{t(Msg::SlaPrint)}</button>
    }
}

fn month_view(r: SlaMonthReport) -> impl IntoView {
    let id = r.engagement_id;
    let f = &r.figures;
    let month = f.month.clone();
    let state = match r.report_version {
        Some(v) => {
            let issue = r.issues.iter().find(|i| i.version == v).cloned();
            let latest = r.issues.last().map(|i| i.version) == Some(v);
            view! {
                <span data-test="report-state">{t(Msg::SlaIssued)}" v"{v}
                    {issue.map(|i| format!(" · {} · {}", i.issued_at, reason_text(&i.reason)))}
                </span>
                {(!latest).then(|| view! { " "<span class="flag" data-test="superseded">{t(Msg::SlaSuperseded)}</span> })}
            }
            .into_any()
        }
        None => {
            view! { <span data-test="report-state" class="flag">{t(Msg::SlaOpenMonth)}" · "{t(Msg::SlaToDate)}</span> }
                .into_any()
        }
    };
    let verdict = if f.breached { ("flag", Msg::SlaBreached) } else { ("met", Msg::SlaAllMet) };
    let months = r.months.clone();
    let current = month.clone();
    let year_link = format!("/sla/{id}/year?year={}", &month[..4.min(month.len())]);
    view! {
        <p class="no-print"><a href=format!("/sla/{id}")>{r.agency.clone()}" ↔ "{r.csp.clone()}</a></p>
        <article class="report-doc" data-test="sla-month-report" data-month=month.clone() data-breached=f.breached.to_string()>
            <header class="report-head">
                <h1>{t(Msg::SlaMonthReport)}" · "{month.clone()}</h1>
                <p><strong>{r.agency.clone()}</strong>" ↔ "<strong>{r.csp.clone()}</strong></p>
                <p class="muted">{t(Msg::SlaAgreementVersion)}" v"{f.version}" · "{state}</p>
                <p class="muted">{t(Msg::SlaCounted)}" "{r.counted.clone()}" ("{f.zone.clone()}") · "{f.websites}" "{t(Msg::SlaWebsitesCount)}</p>
            </header>
            <div class="report-tools no-print">
                <Form method="GET" action=format!("/sla/{id}/report") attr:class="inline-form">
                    <label><span>{t(Msg::SlaMonth)}</span>
                        <select name="month" data-test="report-month">
                            {months.into_iter().map(|m| { let sel = m == current; view! { <option value=m.clone() selected=sel>{m.clone()}</option> } }).collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::SlaShow)}</button>
                </Form>
                {(r.issues.len() > 1).then(|| view! {
                    <span class="muted">{t(Msg::SlaVersions)}": "
                        {r.issues.iter().map(|i| view! {
                            <a href=format!("/sla/{id}/report?month={}&version={}", month, i.version) data-test="report-version-link">"v"{i.version}</a>" "
                        }).collect_view()}
                    </span>
                })}
                <a href=format!("/sla/{id}/records.csv?month={month}") data-test="records-csv">{t(Msg::SlaRecordsCsv)}</a>
                <a href=format!("/sla/{id}/measures.csv?month={month}") data-test="measures-csv">{t(Msg::SlaMeasuresCsv)}</a>
                <a href=year_link>{t(Msg::SlaYearReport)}</a>
                {print_button()}
            </div>
            <section class="report-summary">
                <p class=verdict.0 data-test="verdict"><strong>{t(verdict.1)}</strong></p>
                <dl class="terms">
                    <div><dt>{t(Msg::SlaInterrupted)}</dt><dd>{duration(f.interrupted)}</dd></div>
                    <div><dt>{t(Msg::SlaCompensation)}</dt><dd data-test="compensation">{yuan(f.compensation)}{f.capped.then(|| format!(" ({})", t(Msg::SlaCapped)))}</dd></div>
                    <div><dt>{t(Msg::SlaRecordsCounted)}</dt><dd>{f.records}</dd></div>
                    <div><dt>{t(Msg::SlaDisputedShort)}</dt><dd>{f.disputed}" · "{duration(f.disputed_secs)}</dd></div>
                </dl>
            </section>
            <section>
                <h2>{t(Msg::SlaAvailability)}</h2>
                {availability_table(&f.availability, !f.in_progress)}
                {formula_block(f)}
            </section>
            <section>
                <h2>{t(Msg::SlaResolution)}</h2>
                {resolution_table(&f.resolution)}
                <p class="formula">{t(Msg::SlaFormulaResolution)}</p>
            </section>
            <section>
                <h2>{t(Msg::SlaCompensation)}</h2>
                {compensation_block(f)}
            </section>
            {measured_section(&r.measured, true)}
            <section>
                <h2>{t(Msg::SlaAgreement)}</h2>
                {terms_list(&r.terms)}
            </section>
            <section>
                <h2>{t(Msg::SlaRecords)}" ("{r.records.len()}")"</h2>
                <p class="muted small">{t(Msg::SlaRecordsAsNow)}" · "{t(Msg::SlaTimesIn)}" "{r.viewer_zone.clone()}</p>
                {records_table(&r.records)}
            </section>
            <footer class="muted small">{t(Msg::SlaGenerated)}" "{r.generated_at.clone()}</footer>
        </article>
    }
}

fn reason_text(code: &str) -> String {
    let m = match code {
        "closed" => Msg::SlaReasonClosed,
        "reclassified" => Msg::SlaReasonReclassified,
        "recorded" => Msg::SlaReasonRecorded,
        "completed" => Msg::SlaReasonCompleted,
        "disputed" => Msg::SlaReasonDisputed,
        "notice" => Msg::SlaReasonNotice,
        other => return other.to_string(),
    };
    t(m).to_string()
}

fn availability_table(rows: &[AvailabilityFigure], closed: bool) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table compact" data-test="availability-table">
            <thead><tr>
                <th>{t(Msg::SlaMetric)}</th><th>{t(Msg::SlaTarget)}</th><th>{t(Msg::SlaScheduled)}</th>
                <th>{t(Msg::SlaMaintenanceTime)}</th><th>{t(Msg::SlaDowntime)}</th><th>{t(Msg::SlaAttained)}</th>
                <th>{t(Msg::SlaBudgetLeft)}</th>
            </tr></thead>
            <tbody>{rows.iter().map(|a| {
                let class = if a.met { "num met" } else { "num missed" };
                let budget = if closed { minutes(a.budget_to_date) } else { format!("{} / {}", minutes(a.budget_to_date), minutes(a.budget_projected)) };
                view! {
                    <tr data-metric=a.metric.code() data-met=a.met.to_string()>
                        <th scope="row">{t(a.metric.label())}</th>
                        <td class="num">"≥ "{pct(Some(a.target))}</td>
                        <td class="num">{minutes(a.scheduled)}</td>
                        <td class="num">{minutes(a.maintenance)}</td>
                        <td class="num">{minutes(a.downtime)}</td>
                        <td class=class>{pct(a.attained)}</td>
                        <td class="num">{budget}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
        {(!closed).then(|| view! { <p class="muted small">{t(Msg::SlaBudgetNote)}</p> })}
    }
}

fn resolution_table(rows: &[ResolutionFigure]) -> impl IntoView {
    view! {
        <div class="table-wrap"><table class="table compact" data-test="resolution-table">
            <thead><tr>
                <th>{t(Msg::SlaMetric)}</th><th>{t(Msg::SlaTarget)}</th><th>{t(Msg::SlaWithin)}</th>
                <th>{t(Msg::SlaFaults)}</th><th>{t(Msg::SlaOnTime)}</th><th>{t(Msg::SlaLate)}</th><th>{t(Msg::SlaPending)}</th>
                <th>{t(Msg::SlaRate)}</th>
            </tr></thead>
            <tbody>{rows.iter().map(|r| {
                let class = if r.met { "num met" } else { "num missed" };
                view! {
                    <tr data-metric=r.metric.code() data-met=r.met.to_string()>
                        <th scope="row">{t(r.metric.label())}</th>
                        <td class="num">"≥ "{pct(Some(r.target))}</td>
                        <td class="num">{r.hours}" h"</td>
                        <td class="num">{r.faults}</td>
                        <td class="num">{r.on_time}</td>
                        <td class="num">{r.late}</td>
                        <td class="num">{r.pending}</td>
                        <td class=class>{pct(r.rate)}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table></div>
    }
}

/// The availability formula the contract's maintenance rule gives, and each metric's figures put
/// into it.
fn formula_block(f: &MonthFigures) -> impl IntoView {
    let rule = match f.maintenance {
        MaintenanceRule::Excluded => Msg::SlaFormulaExcluded,
        MaintenanceRule::Available => Msg::SlaFormulaAvailable,
        MaintenanceRule::Downtime => Msg::SlaFormulaDowntime,
    };
    view! {
        <div class="formula" data-test="formula" data-rule=f.maintenance.code()>
            <p><strong>{t(Msg::SlaFMaintenance)}": "{t(f.maintenance.label())}</strong></p>
            <p>{t(rule)}</p>
            <ul class="plain">{f.availability.iter().map(|a| view! {
                <li>{t(a.metric.label())}": ("{minutes(a.scheduled)}" − "{minutes(a.downtime)}") ÷ "{minutes(a.scheduled)}" = "{pct(a.attained)}
                    {if a.met { " ≥ " } else { " < " }}{pct(Some(a.target))}</li>
            }).collect_view()}</ul>
            <p class="muted small">{t(Msg::SlaFormulaMerged)}</p>
        </div>
    }
}

fn compensation_block(f: &MonthFigures) -> impl IntoView {
    let how = match f.compensation_rule {
        CompensationRule::PerUnit => {
            format!("{} {} → {} {}", t(Msg::SlaFormulaPerUnit), duration(f.interrupted), f.units, t(Msg::SlaUnits))
        }
        CompensationRule::Bands => t(Msg::SlaFormulaBands).to_string(),
    };
    view! {
        <div class="formula" data-test="compensation-formula">
            <p>{how}</p>
            <p>{t(Msg::SlaCompensation)}": "<strong>{yuan(f.compensation)}</strong>" · "{t(Msg::SlaCap)}" "{yuan(f.fee_cap)}
                {f.capped.then(|| format!(" ({})", t(Msg::SlaCapped)))}</p>
        </div>
    }
}

fn records_table(records: &[crate::sla::RecordView]) -> impl IntoView {
    if records.is_empty() {
        return view! { <p class="empty">{t(Msg::SlaNoRecordsMonth)}</p> }.into_any();
    }
    view! {
        <div class="table-wrap"><table class="table compact" data-test="report-records">
            <thead><tr>
                <th>{t(Msg::SlaStarted)}</th><th>{t(Msg::SlaEnded)}</th><th>{t(Msg::SlaKindClass)}</th><th>{t(Msg::SlaWebsites)}</th>
                <th>{t(Msg::SlaMinutes)}</th><th>{t(Msg::SlaCause)}</th><th>{t(Msg::SlaRecordedBy)}</th><th>{t(Msg::SlaReviewLabel)}</th>
            </tr></thead>
            <tbody>{records.iter().map(|x| view! {
                <tr data-review=x.review.code()>
                    <td>{x.started_at.clone()}</td>
                    <td>{x.ended_at.clone().unwrap_or_else(|| "…".into())}</td>
                    <td>{t(x.kind.label())}" · "{t(x.class.label())}</td>
                    <td>{x.websites.join(", ")}</td>
                    <td class="num">{x.minutes}</td>
                    <td class="prewrap">{x.cause.clone()}
                        {x.reclassified.iter().map(|h| view! { <br/><span class="muted small">{h.clone()}</span> }).collect_view()}</td>
                    <td>{x.recorded_by.clone()}</td>
                    <td>{t(x.review.label())}{(!x.review_comment.is_empty()).then(|| format!(": {}", x.review_comment))}</td>
                </tr>
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

#[component]
pub fn SlaYearPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let asked = move || query.with(|q| q.get("year").unwrap_or_default());
    let data = Resource::new(
        move || (id(), asked()),
        |(id, y)| async move {
            match id {
                Some(id) => crate::sla::api::get_sla_year(id, y).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(r) => year_view(r).into_any(),
                }
            })}
        </Suspense>
    }
}

fn year_view(r: SlaYearReport) -> impl IntoView {
    let id = r.engagement_id;
    let year = r.year;
    let latest_first: Vec<crate::sla::MonthRow> = r.months.iter().rev().cloned().collect();
    let closed = r.months.iter().all(|m| !m.figures.in_progress);
    view! {
        <p class="no-print"><a href=format!("/sla/{id}")>{r.agency.clone()}" ↔ "{r.csp.clone()}</a></p>
        <article class="report-doc" data-test="sla-year-report" data-year=year>
            <header class="report-head">
                <h1>{t(Msg::SlaYearReport)}" · "{year}</h1>
                <p><strong>{r.agency.clone()}</strong>" ↔ "<strong>{r.csp.clone()}</strong></p>
                <p class="muted">{r.months.len()}" "{t(Msg::SlaMonthsCounted)}" · "{r.zone.clone()}
                    {(!closed).then(|| view! { " · "<span class="flag">{t(Msg::SlaToDate)}</span> })}</p>
            </header>
            <div class="report-tools no-print">
                <Form method="GET" action=format!("/sla/{id}/year") attr:class="inline-form">
                    <label><span>{t(Msg::SlaYear)}</span>
                        <select name="year" data-test="report-year">
                            {r.years.iter().map(|y| { let sel = *y == year; view! { <option value=y.to_string() selected=sel>{*y}</option> } }).collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::SlaShow)}</button>
                </Form>
                <a href=format!("/sla/{id}/months.csv?year={year}") data-test="months-csv">{t(Msg::SlaMonthsCsv)}</a>
                {print_button()}
            </div>
            <section class="report-summary">
                <dl class="terms">
                    <div><dt>{t(Msg::SlaBreachedMonths)}</dt><dd data-test="breached-months">{r.breached_months}</dd></div>
                    <div><dt>{t(Msg::SlaInterrupted)}</dt><dd>{duration(r.interrupted)}</dd></div>
                    <div><dt>{t(Msg::SlaCompensation)}</dt><dd data-test="year-compensation">{yuan(r.compensation)}</dd></div>
                    <div><dt>{t(Msg::SlaDisputedShort)}</dt><dd>{r.disputed}</dd></div>
                </dl>
            </section>
            <section>
                <h2>{t(Msg::SlaAvailability)}</h2>
                {availability_table(&r.availability, true)}
                <p class="formula">{t(Msg::SlaFormulaYear)}</p>
            </section>
            <section>
                <h2>{t(Msg::SlaResolution)}</h2>
                {resolution_table(&r.resolution)}
            </section>
            {measured_section(&r.measured, false)}
            <section>
                <h2>{t(Msg::SlaMonths)}</h2>
                {super::months_table(&latest_first, Some(id))}
                <div class="trends" data-test="sla-trends">{super::trends(&latest_first)}</div>
            </section>
            <footer class="muted small">{t(Msg::SlaGenerated)}" "{r.generated_at.clone()}</footer>
        </article>
    }
}

fn state_cell(s: TermState) -> impl IntoView {
    let class = match s {
        TermState::Met => "state st-accepted",
        TermState::Missed => "state st-overdue",
        TermState::Open => "state st-due",
        TermState::Unmeasured => "muted",
    };
    view! { <span class=class data-state=s.code()>{t(s.label())}</span> }
}

fn delay_found(d: &DelayFigure) -> String {
    let mut out = format!(
        "{} {} · {} {} · {} {} · {} {}",
        d.on_time,
        t(Msg::SlaDoneOnTime),
        d.late,
        t(Msg::SlaDoneLate),
        d.awaiting,
        t(Msg::SlaAwaiting),
        d.overdue,
        t(Msg::SlaOverdue)
    );
    if let Some(w) = d.worst_minutes {
        out.push_str(&format!(" · {} {w} min", t(Msg::SlaLongest)));
    }
    out
}

fn retention_found(r: &RetentionFigure) -> String {
    let mut out = format!("{} {} · {} {}", r.checks, t(Msg::SlaChecks), r.short, t(Msg::SlaShortChecks));
    if let Some(l) = &r.latest {
        out.push_str(&format!(
            " · {} {}: {} {}, {} {}",
            t(Msg::SlaLatestCheck),
            l.on_day,
            t(Msg::SlaOldestOnHand),
            l.oldest.clone().unwrap_or_default(),
            t(Msg::SlaRequiredOldest),
            l.required.clone().unwrap_or_default()
        ));
    }
    out
}

/// The terms the records and measured entries judge: one row each, with what was agreed, what
/// was found and how it stands; the month lists its entries too.
fn measured_section(m: &MeasuredTerms, entries: bool) -> impl IntoView {
    let b = &m.backups;
    let mut backups = format!(
        "{} / {} {} · {} {} · {} {}",
        b.met,
        b.periods,
        t(Msg::SlaPeriodsKept),
        b.runs,
        t(Msg::SlaRuns),
        b.failed,
        t(Msg::SlaFailedRuns)
    );
    if !b.missed.is_empty() {
        backups.push_str(&format!(" · {}: {}", t(Msg::SlaMissedPeriods), b.missed.join(", ")));
    }
    let r = &m.restores;
    let restores = format!(
        "{} {} · {} {} · {} {}",
        r.tests,
        t(Msg::SlaTests),
        r.passed,
        t(Msg::SlaPassedTests),
        t(Msg::SlaLastPassed),
        r.last_passed.clone().unwrap_or_else(|| t(Msg::SlaNoneRecorded).to_string())
    );
    let tr = &m.trainings;
    let rows: Vec<(&'static str, Msg, String, String, Option<TermState>)> = vec![
        (
            "response",
            Msg::SlaTermResponse,
            format!("≤ {} min", m.response.limit_minutes),
            delay_found(&m.response),
            Some(m.response.state),
        ),
        (
            "emergency",
            Msg::SlaTermEmergency,
            format!("≤ {} min", m.emergency.limit_minutes),
            delay_found(&m.emergency),
            Some(m.emergency.state),
        ),
        ("backups", Msg::SlaTermBackups, b.every.clone(), backups, Some(b.state)),
        (
            "backup_retention",
            Msg::SlaTermBackupRetention,
            m.backup_retention.kept.clone(),
            retention_found(&m.backup_retention),
            Some(m.backup_retention.state),
        ),
        (
            "log_retention",
            Msg::SlaTermLogRetention,
            m.log_retention.kept.clone(),
            retention_found(&m.log_retention),
            Some(m.log_retention.state),
        ),
        ("restores", Msg::SlaTermRestores, "—".into(), restores, None),
        (
            "trainings",
            Msg::SlaTermTrainings,
            format!("≥ {}", tr.target),
            format!("{}: {} / {}", tr.year, tr.held, tr.target),
            Some(tr.state),
        ),
    ];
    view! {
        <section data-test="measured-terms">
            <h2>{t(Msg::SlaMeasuredTitle)}</h2>
            <div class="table-wrap"><table class="table compact">
                <thead><tr><th>{t(Msg::SlaColTerm)}</th><th>{t(Msg::SlaColAgreed)}</th><th>{t(Msg::SlaColFound)}</th><th>{t(Msg::SlaColStanding)}</th></tr></thead>
                <tbody>{rows.into_iter().map(|(code, label, agreed, found, state)| view! {
                    <tr data-term=code>
                        <th scope="row" class="nowrap">{t(label)}</th>
                        <td class="nowrap">{agreed}</td>
                        <td>{found}</td>
                        <td>{match state {
                            Some(s) => state_cell(s).into_any(),
                            None => view! { <span class="muted">{t(Msg::SlaTermShown)}</span> }.into_any(),
                        }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
            <p class="formula">{t(Msg::SlaMeasuredNote)}</p>
            {entries.then(|| if m.entries.is_empty() {
                view! { <p class="empty">{t(Msg::SlaNoMeasuresSpan)}</p> }.into_any()
            } else {
                view! { <h3>{t(Msg::SlaMeasures)}" ("{m.entries.len()}")"</h3>{super::measures_table(&m.entries, None)} }.into_any()
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn minutes_print_with_up_to_two_decimals() {
        assert_eq!(minutes(0), "0 min");
        assert_eq!(minutes(86_400), "1440 min");
        assert_eq!(minutes(30), "0.5 min");
        assert_eq!(minutes(1), "0.02 min");
        assert_eq!(minutes(-90), "-1.5 min");
    }
}
