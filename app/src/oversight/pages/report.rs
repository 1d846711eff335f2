//! The monthly status report's page (`/oversight/report`, `/oversight/agencies/:id/report`): a
//! month chosen with a plain GET form, the report laid out for A4 (the print stylesheet leaves out
//! everything but the report), its status — provisional, frozen, corrected — with its versions,
//! short tables and SVG bar charts of the twelve months.
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{groups_view, reason_list, totals_view};
use crate::{
    i18n::{t, use_locale, Locale, Msg},
    oversight::{BoardQuery, MonthlyReport, ReportQuery, ReportScope},
    ui::ErrorNotice,
};

/// Opens the browser's print dialog.
fn print(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    let _ = window().print();
}

#[component]
pub fn MonthlyReportPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let get = |k: &str| query.with(|q| q.get(k).unwrap_or_default());
        ReportQuery {
            agency: params.with(|p| p.get("id").unwrap_or_default()),
            month: get("month"),
            version: get("version"),
        }
    });
    let report = Resource::new(move || asked.get(), crate::oversight::api::get_report);
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => view! {
                        <p class="no-print"><a href="/oversight">{t(Msg::OvBackToBoard)}</a></p>
                        <ErrorNotice error=e/>
                    }.into_any(),
                    Ok(r) => report_view(r).into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where this report lives, with a month and version.
fn report_href(r: &MonthlyReport, month: &str, version: Option<u32>) -> String {
    let base = match r.agency_id {
        Some(id) => format!("/oversight/agencies/{id}/report"),
        None => "/oversight/report".to_string(),
    };
    match version {
        Some(v) => format!("{base}?month={month}&version={v}"),
        None => format!("{base}?month={month}"),
    }
}

fn report_view(r: MonthlyReport) -> impl IntoView {
    let locale = use_locale();
    let back = match r.agency_id {
        Some(id) => format!("/oversight/agencies/{id}"),
        None => "/oversight".to_string(),
    };
    let action = report_href(&r, "", None).split('?').next().unwrap_or_default().to_string();
    let status = status_view(&r);
    let body = match r.scope {
        ReportScope::Jurisdiction => jurisdiction_view(&r, locale).into_any(),
        ReportScope::Agency => agency_view(&r, locale).into_any(),
    };
    view! {
        <div class="no-print report-controls" data-test="report-controls">
            <a href=back data-test="report-back">{t(Msg::OvBackToBoard)}</a>
            <form method="get" action=action class="inline-form">
                <label><span>{t(Msg::OvReportMonth)}</span>
                    <input type="month" name="month" value=r.month.clone() required data-test="report-month"/>
                </label>
                <button type="submit">{t(Msg::OvReportShow)}</button>
            </form>
            <button type="button" class="primary" on:click=print data-test="report-print">{t(Msg::OvReportPrint)}</button>
        </div>
        <article class="report" data-test="monthly-report" data-month=r.month.clone() data-version=r.version.to_string()>
            <header class="report-head">
                <h1>{t(Msg::OvReportTitle)}" · "{r.month.clone()}</h1>
                <p class="report-name" data-test="report-name"><strong>{r.name.clone()}</strong>" · "{t(r.scope.label())}</p>
                {status}
            </header>
            {body}
            <footer class="report-foot muted small">{t(Msg::OvReportFooter)}</footer>
        </article>
    }
}

fn status_view(r: &MonthlyReport) -> impl IntoView {
    if r.provisional {
        return view! {
            <p class="notice warn" data-test="report-status" data-status="provisional">{t(Msg::OvReportProvisional)}" "{r.as_of.clone()}</p>
        }
        .into_any();
    }
    let latest = r.versions.last().map(|v| v.version).unwrap_or(r.version);
    let others: Vec<(u32, String, String)> = r
        .versions
        .iter()
        .filter(|v| v.version != r.version)
        .map(|v| (v.version, v.frozen_at.clone(), report_href(r, &r.month, Some(v.version))))
        .collect();
    view! {
        <p class="report-status" data-test="report-status" data-status=if r.corrected() { "corrected" } else { "frozen" }>
            {t(Msg::OvReportVersion)}" "{r.version}" / "{latest}" · "{t(Msg::OvReportFrozenAt)}" "{r.as_of.clone()}
            {(r.version < latest).then(|| view! { " · "<strong>{t(Msg::OvReportSuperseded)}</strong> })}
        </p>
        {r.corrected().then(|| view! {
            <p class="notice warn" data-test="report-corrected">{t(Msg::OvReportCorrected)}" "{r.version - 1}"."</p>
        })}
        {(!others.is_empty()).then(|| view! {
            <p class="no-print small" data-test="report-versions">{t(Msg::OvReportVersions)}": "
                {others.into_iter().map(|(v, at, href)| view! { <a href=href>{t(Msg::OvReportVersion)}" "{v}" ("{at}")"</a>" " }).collect_view()}
            </p>
        })}
    }
    .into_any()
}

/// A bar chart of twelve monthly figures, the report's month last and marked.
fn bars(label: String, values: Vec<u32>, months: &[String], key: String) -> impl IntoView {
    let (w, h, top_pad, axis) = (300.0_f64, 110.0_f64, 14.0_f64, 16.0_f64);
    let max = f64::from(values.iter().copied().max().unwrap_or(0).max(1));
    let n = values.len().max(1);
    let slot = w / n as f64;
    let bar_w = slot * 0.7;
    let plot = h - top_pad - axis;
    let last = values.len().saturating_sub(1);
    let bars: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let bh = plot * f64::from(*v) / max;
            let x = slot * i as f64 + (slot - bar_w) / 2.0;
            let y = top_pad + plot - bh;
            let month = months.get(i).cloned().unwrap_or_default();
            let short = month.get(5..).unwrap_or_default().to_string();
            (x, y, bh, *v, month, short, i == last)
        })
        .collect();
    view! {
        <figure class="bar-chart" data-chart=key>
            <figcaption>{label.clone()}</figcaption>
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=label preserveAspectRatio="xMidYMid meet">
                <line x1="0" x2=w y1=top_pad + plot y2=top_pad + plot class="bar-axis"/>
                {bars.into_iter().map(|(x, y, bh, v, month, short, this)| view! {
                    <g class=if this { "bar this" } else { "bar" }>
                        <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{bar_w:.1}") height=format!("{:.1}", bh.max(0.5))><title>{format!("{month}: {v}")}</title></rect>
                        {(v > 0).then(|| view! { <text x=format!("{:.1}", x + bar_w / 2.0) y=format!("{:.1}", y - 3.0) class="bar-value">{v}</text> })}
                        <text x=format!("{:.1}", x + bar_w / 2.0) y=format!("{:.1}", h - 4.0) class="bar-month">{short}</text>
                    </g>
                }).collect_view()}
            </svg>
        </figure>
    }
}

fn jurisdiction_view(r: &MonthlyReport, locale: Locale) -> impl IntoView {
    let tr = &r.trend;
    let series: Vec<(Msg, &Vec<u32>, &'static str)> = vec![
        (Msg::OvTrendIncidents, &tr.incidents_opened, "incidents"),
        (Msg::OvTrendReportsLate, &tr.reports_late, "reports"),
        (Msg::OvTrendSla, &tr.sla_breaches, "sla"),
        (Msg::OvTrendDrills, &tr.drills_held, "drills"),
    ];
    let month_rows: Vec<(Msg, u32, u32, String)> = series
        .iter()
        .map(|(m, v, _)| {
            let this = v.last().copied().unwrap_or(0);
            let before = v.len().checked_sub(2).and_then(|i| v.get(i)).copied().unwrap_or(0);
            let avg = if v.is_empty() { 0.0 } else { f64::from(v.iter().sum::<u32>()) / v.len() as f64 };
            (*m, this, before, format!("{avg:.1}"))
        })
        .collect();
    let charts: Vec<_> =
        series.iter().map(|(m, v, key)| bars(t(*m).to_string(), (*v).clone(), &tr.months, key.to_string())).collect();
    view! {
        <section class="report-section" data-test="report-standing">
            <h2>{t(Msg::OvReportStanding)}</h2>
            {totals_view(&r.totals, locale)}
        </section>
        <section class="report-section" data-test="report-month-figures">
            <h2>{t(Msg::OvReportTheMonth)}</h2>
            <table class="table compact report-table">
                <thead><tr><th></th><th class="num">{r.month.clone()}</th><th class="num">{t(Msg::OvReportPrevious)}</th><th class="num">{t(Msg::OvReportAverage)}</th></tr></thead>
                <tbody>{month_rows.into_iter().map(|(m, this, before, avg)| view! {
                    <tr><th scope="row">{t(m)}</th><td class="num">{this}</td><td class="num">{before}</td><td class="num">{avg}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>
        <section class="report-section" data-test="report-charts">
            <h2>{t(Msg::OvReportCharts)}</h2>
            <div class="bar-charts">{charts}</div>
        </section>
        {(!r.groups.is_empty()).then(|| groups_view(&r.groups, &BoardQuery::default()))}
        <section class="report-section" data-test="report-top">
            <h2>{t(Msg::OvReportTop)}</h2>
            {if r.top.is_empty() {
                view! { <p class="empty">{t(Msg::OvNothingNeedsAttention)}</p> }.into_any()
            } else {
                view! {
                    <table class="table compact report-table">
                        <thead><tr><th class="num">{t(Msg::OvColScore)}</th><th>{t(Msg::OvColAgency)}</th><th>{t(Msg::OvColRegulator)}</th><th>{t(Msg::OvReportWhy)}</th></tr></thead>
                        <tbody>{r.top.iter().map(|row| view! {
                            <tr data-agency=row.agency_id.to_string()>
                                <td class="num"><strong>{row.score.total}</strong></td>
                                <td><a href=format!("/oversight/agencies/{}", row.agency_id)>{row.agency.clone()}</a></td>
                                <td>{row.regulator.clone()}</td>
                                <td>{reason_list(&row.score.reasons, locale)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

fn agency_view(r: &MonthlyReport, locale: Locale) -> impl IntoView {
    let strips = r.strips(locale).to_vec();
    let months = r.months.clone();
    let standing = r.row.clone().map(|row| {
        let facts: Vec<(Msg, String)> = vec![
            (Msg::OvColWebsites, format!("{} · {}", row.websites, super::super::phases_text(&row.phases, locale))),
            (Msg::OvColReports, row.reports_overdue.to_string()),
            (
                Msg::OvColIncidents,
                format!("I {} · II {} · III {} · IV {}", row.incidents[0], row.incidents[1], row.incidents[2], row.incidents[3]),
            ),
            (Msg::OvColLateReports, row.late_reports.to_string()),
            (Msg::OvColDrills, format!("{} / {}", row.drills_overdue, row.plans_overdue)),
            (Msg::OvColCover, format!("{} h", row.uncovered_hours)),
            (Msg::OvColSla, row.sla_breaches.to_string()),
            (Msg::OvColChanges, row.changes_awaiting.to_string()),
            (Msg::OvColExits, format!("{} / {}", row.exits_overdue, row.exits_open)),
        ];
        view! {
            <section class="report-section" data-test="report-standing">
                <h2>{t(Msg::OvReportStanding)}" · "{t(Msg::OvColScore)}" "<strong data-test="report-score">{row.score.total}</strong></h2>
                <p class="muted">{row.regulator.clone()}</p>
                {reason_list(&row.score.reasons, locale)}
                <dl class="facts compact">{facts.into_iter().map(|(m, v)| view! { <dt>{t(m)}</dt><dd>{v}</dd> }).collect_view()}</dl>
            </section>
        }
    });
    let charts: Vec<_> = strips
        .iter()
        .map(|s| {
            bars(
                t(s.kind.label()).to_string(),
                s.cells.iter().map(|c| c.value).collect(),
                &months,
                s.kind.code().to_string(),
            )
        })
        .collect();
    view! {
        {standing}
        <section class="report-section" data-test="report-strips">
            <h2>{t(Msg::OvMonths)}</h2>
            <table class="table strips report-table">
                <thead><tr><th></th>{months.iter().map(|m| view! { <th class="month">{m.get(2..).unwrap_or_default().to_string()}</th> }).collect_view()}</tr></thead>
                <tbody>{strips.iter().map(|s| view! {
                    <tr data-strip=s.kind.code()>
                        <th scope="row">{t(s.kind.label())}</th>
                        {s.cells.iter().map(|c| view! { <td class=format!("strip-cell {}", c.tone.class()) title=c.detail.clone()>{c.text.clone()}</td> }).collect_view()}
                    </tr>
                }).collect_view()}</tbody>
            </table>
            <p class="muted small">{t(Msg::OvReportChartNote)}</p>
        </section>
        <section class="report-section" data-test="report-charts">
            <h2>{t(Msg::OvReportCharts)}</h2>
            <div class="bar-charts">{charts}</div>
        </section>
    }
}
