//! The oversight board's page (`/oversight`): the jurisdiction's totals and twelve-month trend,
//! the filters (search, protection level, sub-regulator, any column or flag), the sub-regulators'
//! totals when grouped, one row per agency with its attention score and reasons, the weights the
//! score used, paging and the CSV of exactly the filter's rows. Every control is a plain GET form
//! or link, so it works before the script has loaded.
use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::{rules::Weights, Board, BoardGroup, BoardQuery, BoardRow, Has, SortKey, Totals, Trend};
use crate::{
    i18n::{t, use_locale, Locale, Msg},
    ui::ErrorNotice,
};

pub mod report;

/// An attention score's reasons, one a line.
fn reason_list(reasons: &[super::rules::Reason], locale: Locale) -> impl IntoView {
    let items: Vec<String> = reasons.iter().map(|x| super::reason_text(x, locale)).collect();
    (!items.is_empty()).then(
        || view! { <ul class="reasons-list">{items.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul> },
    )
}

fn query_from(q: &leptos_router::params::ParamsMap) -> BoardQuery {
    let get = |k: &str| q.get(k).unwrap_or_default();
    // Checkboxes arrive as one `has` each; a link carries them comma-separated.
    let has = q.get_all("has").unwrap_or_default().join(",");
    BoardQuery {
        q: get("q"),
        has,
        level: get("level"),
        under: get("under"),
        sort: get("sort"),
        dir: get("dir"),
        group: get("group"),
        page: get("page"),
    }
}

#[component]
pub fn OversightPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(query_from));
    let board = Resource::new(move || asked.get(), crate::oversight::api::get_board);
    view! {
        <h1>{t(Msg::OvNav)}</h1>
        <p class="muted">{t(Msg::OvIntro)}</p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(b) => board_view(b).into_any(),
                }
            })}
        </Suspense>
    }
}

fn board_view(b: Board) -> impl IntoView {
    let locale = use_locale();
    let base = b.query.query();
    let csv = format!("/oversight/export.csv?{base}");
    let link = {
        let base = base.clone();
        move |page: u64| if base.is_empty() { format!("?page={page}") } else { format!("?{base}&page={page}") }
    };
    let (page, pages) = (b.page, b.pages);
    view! {
        <p class="muted small" data-test="as-of">{t(Msg::OvAsOf)}" "{b.as_of.clone()}" · "{t(Msg::OvRefreshed)}" "{b.refresh_seconds}" "{t(Msg::OvSeconds)}
            " · "<a href="/oversight/report" data-test="open-report">{t(Msg::OvReportOpen)}</a></p>
        {totals_view(&b.all, locale)}
        {trend_view(&b.trend)}
        {filter_form(&b)}
        {(!b.groups.is_empty()).then(|| groups_view(&b.groups, &b.query))}
        <section class="card" data-test="board">
            <p class="muted" data-test="board-count">
                {b.total}" "{t(Msg::OvAgenciesShown)}
                {b.under.as_ref().map(|u| view! { " · "{t(Msg::OvUnder)}" "<strong>{u.name.clone()}</strong> })}
                " · "<a class="button-link" href=csv data-test="board-csv" download="">{t(Msg::ExportCsv)}</a>
            </p>
            {(b.total > 0).then(|| shown_totals(&b.totals))}
            {if b.rows.is_empty() {
                view! { <p class="empty" data-test="board-empty">{t(Msg::NoMatches)}</p> }.into_any()
            } else {
                board_table(b.rows.clone(), &b.query, b.sort, b.descending, locale).into_any()
            }}
            {(pages > 1).then(|| view! {
                <nav class="pager" data-test="pager">
                    {(page > 1).then(|| view! { <a href=link(page - 1)>{t(Msg::Previous)}</a> })}
                    <span>{page}" / "{pages}</span>
                    {(page < pages).then(|| view! { <a href=link(page + 1)>{t(Msg::Next)}</a> })}
                </nav>
            })}
        </section>
        {weights_view(&b.weights)}
    }
}

/// The jurisdiction's totals, one tile each.
fn totals_view(all: &Totals, locale: Locale) -> impl IntoView {
    let incidents: u32 = all.incidents.iter().sum();
    let tiles: Vec<(Msg, String, &'static str)> = vec![
        (Msg::OvTileAgencies, format!("{} / {}", all.attention, all.agencies), "agencies"),
        (Msg::OvColWebsites, all.websites.to_string(), "websites"),
        (Msg::OvColReports, all.reports_overdue.to_string(), "reports"),
        (
            Msg::OvColIncidents,
            format!(
                "{incidents} (I {} · II {} · III {} · IV {})",
                all.incidents[0], all.incidents[1], all.incidents[2], all.incidents[3]
            ),
            "incidents",
        ),
        (Msg::OvColLateReports, all.late_reports.to_string(), "late"),
        (Msg::OvColDrills, format!("{} / {}", all.drills_overdue, all.plans_overdue), "drills"),
        (Msg::OvColCover, all.uncovered_hours.to_string(), "cover"),
        (Msg::OvColSla, all.sla_breaches.to_string(), "sla"),
        (Msg::OvColChanges, all.changes_awaiting.to_string(), "changes"),
        (Msg::OvColExits, format!("{} / {}", all.exits_overdue, all.exits_open), "exits"),
    ];
    let _ = locale;
    view! {
        <dl class="tiles" data-test="totals">
            {tiles.into_iter().map(|(label, value, key)| view! {
                <div class="tile" data-total=key><dt>{t(label)}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}

/// A small line chart of twelve monthly counts.
fn spark(label: Msg, values: &[u32], months: &[String], key: &'static str) -> impl IntoView {
    let (w, h, pad) = (200.0_f64, 56.0_f64, 5.0_f64);
    let top = f64::from(values.iter().copied().max().unwrap_or(0).max(1));
    let n = values.len().max(1);
    let x = move |i: usize| if n <= 1 { w / 2.0 } else { pad + (w - 2.0 * pad) * i as f64 / (n - 1) as f64 };
    let y = move |v: u32| pad + (h - 2.0 * pad) * (1.0 - f64::from(v) / top);
    let line =
        values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ");
    let dots: Vec<(f64, f64, String)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (x(i), y(*v), format!("{}: {v}", months.get(i).cloned().unwrap_or_default())))
        .collect();
    let last = values.last().copied().unwrap_or(0);
    let (first_month, last_month) =
        (months.first().cloned().unwrap_or_default(), months.last().cloned().unwrap_or_default());
    view! {
        <figure class="trend" data-trend=key>
            <figcaption>{t(label)}" · "<strong>{last}</strong></figcaption>
            <svg viewBox=format!("0 0 {w} {h}") width="200" height="56" role="img" aria-label=t(label)>
                <rect x="0" y="0" width=w height=h class="trend-bg"/>
                <polyline points=line class="trend-line" fill="none"/>
                {dots.into_iter().map(|(cx, cy, title)| view! {
                    <circle cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="2.5" class="trend-dot"><title>{title}</title></circle>
                }).collect_view()}
            </svg>
            <div class="muted small trend-axis spark-axis"><span>{first_month}</span><span>{last_month}</span></div>
        </figure>
    }
}

fn trend_view(tr: &Trend) -> impl IntoView {
    view! {
        <section class="card" data-test="trend">
            <h2>{t(Msg::OvTrend)}</h2>
            <div class="trends">
                {spark(Msg::OvTrendIncidents, &tr.incidents_opened, &tr.months, "incidents")}
                {spark(Msg::OvTrendReportsLate, &tr.reports_late, &tr.months, "reports")}
                {spark(Msg::OvTrendSla, &tr.sla_breaches, &tr.months, "sla")}
                {spark(Msg::OvTrendDrills, &tr.drills_held, &tr.months, "drills")}
            </div>
        </section>
    }
}

fn filter_form(b: &Board) -> impl IntoView {
    let q = b.query.clone();
    let asked: Vec<String> = q.has_codes().into_iter().map(str::to_string).collect();
    let level = q.level.trim().to_string();
    let under = q.under.trim().to_string();
    let levels = (1..=5)
        .map(|l| view! { <option value=l.to_string() selected=level == l.to_string()>{format!("≥ {l}")}</option> })
        .collect_view();
    let subs = (!b.sub_regulators.is_empty()).then(|| {
        let options = b
            .sub_regulators
            .iter()
            .map(|s| view! { <option value=s.id.to_string() selected=under == s.id.to_string()>{s.name.clone()}</option> })
            .collect_view();
        view! {
            <label><span>{t(Msg::OvUnder)}</span>
                <select name="under" data-test="under">
                    <option value="">{t(Msg::OvWholeJurisdiction)}</option>
                    {options}
                </select>
            </label>
        }
    });
    let checks = Has::choices()
        .into_iter()
        .map(|(code, label)| {
            let on = asked.iter().any(|a| a == code);
            view! { <label class="check"><input type="checkbox" name="has" value=code checked=on/>" "{t(label)}</label> }
        })
        .collect_view();
    let grouped = !q.group.trim().is_empty();
    let (text, sort, dir) = (q.q.clone(), q.sort.clone(), q.dir.clone());
    view! {
        <Form method="GET" action="" on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="board-filter">
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=text maxlength="100"/></label>
            <label><span>{t(Msg::OvMinLevel)}</span>
                <select name="level">
                    <option value="">{t(Msg::AllLevels)}</option>
                    {levels}
                </select>
            </label>
            {subs}
            <fieldset class="checks" data-test="has">
                <legend>{t(Msg::OvOnlyWith)}</legend>
                {checks}
            </fieldset>
            <label class="check"><input type="checkbox" name="group" value="1" checked=grouped/>" "{t(Msg::OvGroup)}</label>
            <input type="hidden" name="sort" value=sort/>
            <input type="hidden" name="dir" value=dir/>
            <div class="form-actions">
                <button type="submit" class="primary">{t(Msg::Filter)}</button>
                <a href="/oversight" class="button-link">{t(Msg::ClearFilter)}</a>
            </div>
        </Form>
    }
}

fn shown_totals(tot: &Totals) -> impl IntoView {
    let incidents: u32 = tot.incidents.iter().sum();
    view! {
        <p class="muted small" data-test="shown-totals">
            {t(Msg::OvShownTotals)}": "
            {t(Msg::OvColReports)}" "{tot.reports_overdue}" · "
            {t(Msg::OvColIncidents)}" "{incidents}" · "
            {t(Msg::OvColSla)}" "{tot.sla_breaches}" · "
            {t(Msg::OvColChanges)}" "{tot.changes_awaiting}
        </p>
    }
}

fn groups_view(groups: &[BoardGroup], q: &BoardQuery) -> impl IntoView {
    let base = BoardQuery { under: String::new(), page: String::new(), ..q.clone() };
    view! {
        <section class="card" data-test="groups">
            <h2>{t(Msg::OvGroups)}</h2>
            <div class="table-wrap"><table class="table groups">
                <thead><tr>
                    <th>{t(Msg::OvColRegulator)}</th><th class="num">{t(Msg::OvTileAgencies)}</th><th class="num">{t(Msg::OvColScore)}</th>
                    <th class="num">{t(Msg::OvColReports)}</th><th class="num">{t(Msg::OvColIncidents)}</th><th class="num">{t(Msg::OvColLateReports)}</th>
                    <th class="num">{t(Msg::OvColSla)}</th><th class="num">{t(Msg::OvColChanges)}</th><th class="num">{t(Msg::OvColExits)}</th>
                </tr></thead>
                <tbody>{groups.iter().map(|g| {
                    let name = g.regulator.as_ref().map(|r| r.name.clone());
                    let href = g.regulator.as_ref().map(|r| {
                        let q = BoardQuery { under: r.id.to_string(), ..base.clone() }.query();
                        format!("/oversight?{q}")
                    });
                    let tot = &g.totals;
                    view! {
                        <tr data-group=g.regulator.as_ref().map(|r| r.id.to_string()).unwrap_or_default()>
                            <td>{match (name, href) {
                                (Some(n), Some(h)) => view! { <a href=h>{n}</a> }.into_any(),
                                _ => view! { <span class="muted">{t(Msg::OvDirectlyUnder)}</span> }.into_any(),
                            }}</td>
                            <td class="num">{tot.attention}" / "{tot.agencies}</td>
                            <td class="num">{tot.score}</td>
                            <td class="num">{tot.reports_overdue}</td>
                            <td class="num">{tot.incidents.iter().sum::<u32>()}</td>
                            <td class="num">{tot.late_reports}</td>
                            <td class="num">{tot.sla_breaches}</td>
                            <td class="num">{tot.changes_awaiting}</td>
                            <td class="num">{tot.exits_overdue}" / "{tot.exits_open}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table></div>
        </section>
    }
}

/// A header that sorts by `key` (its natural order first, then the other way).
fn sort_header(q: &BoardQuery, current: SortKey, descending: bool, key: SortKey, label: Msg) -> impl IntoView {
    let natural_desc = key != SortKey::Agency;
    let (dir, mark) = if current == key {
        (if descending { "asc" } else { "desc" }, if descending { " ▼" } else { " ▲" })
    } else {
        (if natural_desc { "desc" } else { "asc" }, "")
    };
    let href = format!(
        "/oversight?{}",
        BoardQuery { sort: key.code().into(), dir: dir.into(), page: String::new(), ..q.clone() }.query()
    );
    let sorted = (current == key).then_some(if descending { "descending" } else { "ascending" });
    view! { <th aria-sort=sorted data-sort=key.code()><a href=href class="sort">{t(label)}{mark}</a></th> }
}

fn count_cell(n: u32, key: &'static str, label: Msg) -> impl IntoView {
    view! { <td class={if n > 0 { "num hot" } else { "num quiet" }} data-col=key data-label=t(label)>{n}</td> }
}

fn board_table(rows: Vec<BoardRow>, q: &BoardQuery, sort: SortKey, desc: bool, locale: Locale) -> impl IntoView {
    let h = |key: SortKey, label: Msg| sort_header(q, sort, desc, key, label);
    view! {
        <div class="table-wrap"><table class="table board stack-narrow" data-test="board-table">
            <thead><tr>
                {h(SortKey::Score, Msg::OvColScore)}
                {h(SortKey::Agency, Msg::OvColAgency)}
                {h(SortKey::Websites, Msg::OvColWebsites)}
                {h(SortKey::Reports, Msg::OvColReports)}
                {h(SortKey::Incidents, Msg::OvColIncidents)}
                {h(SortKey::LateReports, Msg::OvColLateReports)}
                {h(SortKey::Drills, Msg::OvColDrills)}
                {h(SortKey::Cover, Msg::OvColCover)}
                {h(SortKey::Sla, Msg::OvColSla)}
                {h(SortKey::Changes, Msg::OvColChanges)}
                {h(SortKey::Exits, Msg::OvColExits)}
            </tr></thead>
            <tbody>{rows.into_iter().map(|r| row_view(r, locale)).collect_view()}</tbody>
        </table></div>
    }
}

fn row_view(r: BoardRow, locale: Locale) -> impl IntoView {
    let reasons: Vec<String> = r.score.reasons.iter().map(|x| super::reason_text(x, locale)).collect();
    let flags: Vec<(Msg, u32)> = vec![
        (Msg::OvHasLevel4, r.level4_public_cloud),
        (Msg::OvHasDomainOutside, r.domain_outside),
        (Msg::OvHasTrialOverdue, r.trial_overdue),
    ];
    let incidents: u32 = r.open_incidents();
    let detail_href = format!("/oversight/agencies/{}", r.agency_id);
    view! {
        <tr data-agency=r.agency_id.to_string() data-name=r.agency.clone() class={if r.score.total > 0 { "" } else { "quiet-row" }}>
            <td class="score" data-col="score" data-label=t(Msg::OvColScore)>
                <strong class="score-total">{r.score.total}</strong>
            </td>
            <td data-col="agency" data-label=t(Msg::OvColAgency)>
                <a href=detail_href>{r.agency.clone()}</a>
                <br/><span class="muted small">{r.regulator.clone()}</span>
                {(!reasons.is_empty()).then(|| view! {
                    <ul class="reasons">{reasons.into_iter().map(|x| view! { <li>{x}</li> }).collect_view()}</ul>
                })}
            </td>
            <td data-col="websites" data-label=t(Msg::OvColWebsites)>
                {r.websites}
                {(r.top_level > 0).then(|| view! { " · "<span class="state" title=t(Msg::ProtectionLevel)>{format!("L{}", r.top_level)}</span> })}
                <br/><span class="muted small">{super::phases_text(&r.phases, locale)}</span>
                {flags.into_iter().filter(|(_, n)| *n > 0).map(|(m, n)| view! {
                    <br/><span class="flag">{t(m)}{(n > 1).then(|| format!(" ×{n}"))}</span>
                }).collect_view()}
            </td>
            {count_cell(r.reports_overdue, "reports", Msg::OvColReports)}
            <td data-col="incidents" data-label=t(Msg::OvColIncidents) class={if incidents > 0 { "hot" } else { "quiet" }}>
                {if incidents == 0 {
                    view! { "0" }.into_any()
                } else {
                    view! {
                        {["I", "II", "III", "IV"].iter().zip(r.incidents).filter(|(_, n)| *n > 0).map(|(l, n)| view! {
                            <span class=format!("state lvl-{}", l.to_lowercase())>{format!("{l} ×{n}")}</span>" "
                        }).collect_view()}
                        {r.grave_days.map(|d| view! { <br/><span class="muted small">{d}" "{t(Msg::OvDays)}</span> })}
                    }.into_any()
                }}
            </td>
            {count_cell(r.late_reports, "late", Msg::OvColLateReports)}
            <td data-col="drills" data-label=t(Msg::OvColDrills) class={if r.drills_overdue + r.plans_overdue > 0 { "num hot" } else { "num quiet" }}>
                {r.drills_overdue}" / "{r.plans_overdue}
            </td>
            <td data-col="cover" data-label=t(Msg::OvColCover) class={if r.uncovered_hours > 0 { "hot" } else { "quiet" }}>
                {r.uncovered_hours}" h"
                <br/><span class="muted small">{r.staffed}" / "{r.desks}" "{t(Msg::OvStaffed)}</span>
                {(!r.on_duty.is_empty()).then(|| view! { <br/><span class="small">{r.on_duty.iter().take(2).cloned().collect::<Vec<_>>().join(", ")}</span> })}
            </td>
            {count_cell(r.sla_breaches, "sla", Msg::OvColSla)}
            {count_cell(r.changes_awaiting, "changes", Msg::OvColChanges)}
            <td data-col="exits" data-label=t(Msg::OvColExits) class={if r.exits_overdue > 0 { "num hot" } else { "num quiet" }}>{r.exits_overdue}" / "{r.exits_open}</td>
        </tr>
    }
}

fn weights_view(w: &Weights) -> impl IntoView {
    let rows: Vec<(Msg, String)> = vec![
        (
            Msg::OvConIncidentOpen,
            format!("I {} · II {} · III {} · IV {}", w.incident[0], w.incident[1], w.incident[2], w.incident[3]),
        ),
        (Msg::OvWeightPerDay, format!("+{} (≤ {})", w.incident_per_day, w.incident_days_cap)),
        (Msg::OvConReportLate, w.late_incident_report.to_string()),
        (Msg::OvConReportOverdue, w.overdue_report.to_string()),
        (Msg::OvConSlaBreach, w.sla_breach.to_string()),
        (Msg::OvConExitOverdue, w.overdue_exit.to_string()),
        (Msg::OvConCoverGap, format!("1 / {} h (≤ {})", w.cover_hours_per_point, w.cover_cap)),
        (Msg::OvConDrillOverdue, w.overdue_drill.to_string()),
        (Msg::OvConPlanReviewOverdue, w.overdue_plan_review.to_string()),
        (Msg::OvConChangeAwaiting, w.change_awaiting.to_string()),
        (Msg::OvConLevel4PublicCloud, w.level4_public_cloud.to_string()),
        (Msg::OvConTrialTooLong, w.trial_too_long.to_string()),
        (Msg::OvConDomainOutside, w.domain_outside.to_string()),
    ];
    view! {
        <section class="card" data-test="weights">
            <h2>{t(Msg::OvWeights)}</h2>
            <p class="muted small">{t(Msg::OvWeightsIntro)}</p>
            <dl class="facts compact">
                {rows.into_iter().map(|(m, v)| view! { <dt>{t(m)}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        </section>
    }
}

/// The regulator's dashboard panel: the jurisdiction's totals and the agencies that most need
/// attention, with the way to the whole board.
#[component]
pub fn OversightPanel() -> impl IntoView {
    let board = Resource::new(|| (), |_| crate::oversight::api::get_board(BoardQuery::default()));
    view! {
        <section class="card" data-test="oversight-panel">
            <h2>{t(Msg::OvPanelTitle)}</h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(b) => {
                            let locale = use_locale();
                            let top: Vec<BoardRow> = b.rows.iter().filter(|r| r.score.total > 0).take(5).cloned().collect();
                            view! {
                                <p class="muted small">{t(Msg::OvAsOf)}" "{b.as_of.clone()}</p>
                                {totals_view(&b.all, locale)}
                                {if top.is_empty() {
                                    view! { <p class="empty">{t(Msg::OvNothingNeedsAttention)}</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="attention-list">{top.into_iter().map(|r| {
                                            let why = r.score.reasons.iter().take(2).map(|x| super::reason_text(x, locale)).collect::<Vec<_>>().join("; ");
                                            view! { <li><strong>{r.score.total}</strong>" · "<a href=format!("/oversight/agencies/{}", r.agency_id)>{r.agency.clone()}</a><br/><span class="muted small">{why}</span></li> }
                                        }).collect_view()}</ol>
                                    }.into_any()
                                }}
                                <p><a href="/oversight" class="button-link" data-test="open-board">{t(Msg::OvOpenBoard)}</a></p>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One agency for its regulator (`/oversight/agencies/:id`): today's row with its reasons, twelve
/// months per module, and the records behind them.
#[component]
pub fn OversightAgencyPage() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| uuid::Uuid::parse_str(&s).ok()));
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => crate::oversight::api::get_agency(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <p><a href="/oversight" data-test="back-to-board">{t(Msg::OvBackToBoard)}</a></p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(d) => detail_view(d).into_any(),
                }
            })}
        </Suspense>
    }
}

fn detail_view(d: super::AgencyDetail) -> impl IntoView {
    let locale = use_locale();
    let r = d.row.clone();
    let facts: Vec<(Msg, String)> = vec![
        (Msg::OvColWebsites, format!("{} · {}", r.websites, super::phases_text(&r.phases, locale))),
        (Msg::OvColReports, r.reports_overdue.to_string()),
        (
            Msg::OvColIncidents,
            format!("I {} · II {} · III {} · IV {}", r.incidents[0], r.incidents[1], r.incidents[2], r.incidents[3]),
        ),
        (Msg::OvColLateReports, r.late_reports.to_string()),
        (Msg::OvColDrills, format!("{} / {}", r.drills_overdue, r.plans_overdue)),
        (Msg::OvColCover, format!("{} h · {} / {} {}", r.uncovered_hours, r.staffed, r.desks, t(Msg::OvStaffed))),
        (Msg::OvColOnDuty, r.on_duty.join(", ")),
        (Msg::OvColSla, r.sla_breaches.to_string()),
        (Msg::OvColChanges, r.changes_awaiting.to_string()),
        (Msg::OvColExits, format!("{} / {}", r.exits_overdue, r.exits_open)),
    ];
    let months = d.months.clone();
    view! {
        <h1 data-test="agency-name">{r.agency.clone()}</h1>
        <p class="muted">{r.regulator.clone()}" · "{t(Msg::OvAsOf)}" "{d.as_of.clone()}
            " · "<a href=format!("/oversight/agencies/{}/report", r.agency_id) data-test="open-report">{t(Msg::OvReportOpen)}</a></p>
        <p class="muted small">{t(Msg::OvDetailIntro)}</p>
        <section class="card" data-test="today">
            <h2>{t(Msg::OvToday)}" · "{t(Msg::OvColScore)}" "<strong data-test="score">{r.score.total}</strong></h2>
            {reason_list(&r.score.reasons, locale)}
            <dl class="facts compact">{facts.into_iter().map(|(m, v)| view! { <dt>{t(m)}</dt><dd>{v}</dd> }).collect_view()}</dl>
        </section>
        <section class="card" data-test="strips">
            <h2>{t(Msg::OvMonths)}</h2>
            <div class="table-wrap"><table class="table strips">
                <thead><tr><th></th>{months.iter().map(|m| view! { <th class="month">{m[2..].to_string()}</th> }).collect_view()}</tr></thead>
                <tbody>{d.strips.iter().map(|s| view! {
                    <tr data-strip=s.kind.code()>
                        <th scope="row">{t(s.kind.label())}</th>
                        {s.cells.iter().map(|c| view! { <td class=format!("strip-cell {}", c.tone.class()) title=c.detail.clone()>{c.text.clone()}</td> }).collect_view()}
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        </section>
        <section class="card" data-test="records">
            <h2>{t(Msg::OvRecords)}</h2>
            <div class="record-groups">
                {d.records.into_iter().map(|(kind, links)| view! {
                    <div class="record-group" data-records=kind.code()>
                        <h3>{t(kind.label())}</h3>
                        {links_view(links)}
                    </div>
                }).collect_view()}
                <div class="record-group" data-records="websites"><h3>{t(Msg::OvWebsitesTitle)}</h3>{links_view(d.websites)}</div>
                <div class="record-group" data-records="exits"><h3>{t(Msg::OvExitsTitle)}</h3>{links_view(d.exits)}</div>
            </div>
        </section>
    }
}

fn links_view(links: Vec<super::RecordLink>) -> impl IntoView {
    if links.is_empty() {
        return view! { <p class="muted small">{t(Msg::OvNoRecords)}</p> }.into_any();
    }
    view! {
        <ul class="record-links">{links.into_iter().map(|l| view! {
            <li class=l.tone.class()><a href=l.href>{l.text}</a>" "<span class="muted small">{l.note}</span></li>
        }).collect_view()}</ul>
    }
    .into_any()
}
