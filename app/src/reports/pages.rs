//! Report pages: the work list with filters and obligations, the submission form with its upload
//! progress, one submission with its history and review, and the regulator's matrix.
use leptos::{form::ActionForm, prelude::*};
use leptos_router::{
    components::{Form, A},
    hooks::{use_params_map, use_query_map},
};
use uuid::Uuid;

use super::{
    api::{CreateObligation, EndObligation, ReviewSubmission},
    Cadence, Conclusion, Decision, ItemFilter, Matrix, MatrixFilter, ObligationChoices, ObligationRow, PeriodItem,
    PeriodState, ReportKind, Severities, StateCode, SubmissionView, SubmitForm, Summary, VersionView,
};
use crate::{
    error::AppError,
    i18n::{t, use_locale, Locale, Msg},
    ui::{encode_query, ActionError, ErrorNotice},
};

/// The state of a period as a badge (its code drives the colour).
#[component]
pub fn StateBadge(state: PeriodState) -> impl IntoView {
    let locale = use_locale();
    let code = state.code();
    let text = match state {
        PeriodState::Due { days_left } => format!(
            "{} · {days_left} {}",
            code.label().text(locale),
            Msg::DaysLeft.text(locale)
        ),
        PeriodState::Overdue { days } => format!("{} · {days} {}", code.label().text(locale), Msg::Days.text(locale)),
        PeriodState::Submitted { late: true, version } => {
            format!("{} v{version} · {}", code.label().text(locale), Msg::Late.text(locale))
        }
        PeriodState::Submitted { version, .. } | PeriodState::Returned { version } => {
            format!("{} v{version}", code.label().text(locale))
        }
        _ => code.label().text(locale).to_string(),
    };
    view! { <span class=format!("state st-{}", code.code()) data-state=code.code()>{text}</span> }
}

fn set_status_not_found(e: &AppError) {
    #[cfg(feature = "ssr")]
    if *e == AppError::NotFound {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = e;
}

fn item_filter(q: &leptos_router::params::ParamsMap) -> ItemFilter {
    ItemFilter {
        side: q.get("side").unwrap_or_default(),
        kind: q.get("kind").unwrap_or_default(),
        state: q.get("state").unwrap_or_default(),
        q: q.get("q").unwrap_or_default(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

/// The rows of the work list (also the dashboard panels).
#[component]
pub fn WorkTable(items: Vec<PeriodItem>, viewer_may_submit: bool, viewer: Option<Uuid>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="table" data-test="report-items">
            <thead><tr>
                <th>{t(Msg::ReportKindLabel)}</th><th>{t(Msg::Period)}</th><th>{t(Msg::DueOn)}</th><th>{t(Msg::State)}</th>
                <th>{t(Msg::Submitter)}</th><th>{t(Msg::Receiver)}</th><th>{t(Msg::Actions)}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|i| {
                    let mine = viewer == Some(i.submitter.id);
                    let submit_link = (mine && viewer_may_submit && matches!(i.state, PeriodState::NotYetDue | PeriodState::Due { .. } | PeriodState::Overdue { .. }) && i.submission_id.is_none())
                        .then(|| format!("/reports/submit/{}?period={}", i.obligation_id, encode_query(&i.period.to_string())));
                    let resubmit_link = (mine && viewer_may_submit && matches!(i.state, PeriodState::Returned { .. }))
                        .then(|| i.submission_id.map(|s| format!("/reports/submit/{}?resubmit={s}", i.obligation_id))).flatten();
                    view! {
                        <tr data-obligation=i.obligation_id.to_string() data-period=i.period.to_string() data-state=i.state.code().code()>
                            <td>{i.kind.label().text(locale)}</td>
                            <td class="nowrap">{i.period.to_string()}</td>
                            <td class="nowrap">{i.due_on.clone()}</td>
                            <td><StateBadge state=i.state/></td>
                            <td>{i.submitter.name.clone()}</td>
                            <td>{i.receiver.name.clone()}</td>
                            <td class="actions"><div class="row-actions">
                                {i.submission_id.map(|s| view! { <a href=format!("/reports/submissions/{s}") data-test="open-submission">{t(Msg::Open)}</a> })}
                                {submit_link.map(|href| view! { <a class="button primary small" href=href data-test="submit-report">{t(Msg::SubmitReport)}</a> })}
                                {resubmit_link.map(|href| view! { <a class="button primary small" href=href data-test="resubmit-report">{t(Msg::SubmitNewVersion)}</a> })}
                            </div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// The obligations in reach; the receiving side's reviewers may end theirs, with a reason.
#[component]
fn ObligationTable(
    rows: Vec<ObligationRow>,
    viewer: Uuid,
    may_end: bool,
    end: ServerAction<EndObligation>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="table" data-test="obligations">
            <thead><tr>
                <th>{t(Msg::ReportKindLabel)}</th><th>{t(Msg::Submitter)}</th><th>{t(Msg::Receiver)}</th>
                <th>{t(Msg::CadenceLabel)}</th><th>{t(Msg::DueDay)}</th><th>{t(Msg::FirstPeriod)}</th><th>{t(Msg::LastPeriod)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|o| view! {
                    <tr data-obligation=o.id.to_string()>
                        <td>{o.kind.label().text(locale)}</td>
                        <td>{o.submitter.name.clone()}</td>
                        <td>{o.receiver.name.clone()}</td>
                        <td>{o.cadence.label().text(locale)}</td>
                        <td>{o.due_day}</td>
                        <td>{o.first_period.to_string()}</td>
                        <td>
                            {o.last_period.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}
                            {o.ended_on.clone().map(|d| view! {
                                <div class="muted" data-test="obligation-ended">
                                    {t(Msg::EndedOn)}" "{d}" · "
                                    {o.end_reason.clone().unwrap_or_else(|| Msg::EndedWithEngagement.text(locale).to_string())}
                                </div>
                            })}
                            {(may_end && o.receiver.id == viewer && o.ended_on.is_none()).then(|| view! {
                                <details data-test="end-obligation">
                                    <summary>{t(Msg::EndObligation)}</summary>
                                    <p class="muted">{t(Msg::EndObligationHelp)}</p>
                                    <ActionForm action=end attr:class="end-obligation">
                                        <input type="hidden" name="id" value=o.id.to_string()/>
                                        <label><span>{t(Msg::EndReason)}</span><input name="reason" required maxlength="2000"/></label>
                                        <button type="submit">{t(Msg::EndObligation)}</button>
                                    </ActionForm>
                                </details>
                            })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
fn ObligationForm(choices: ObligationChoices, create: ServerAction<CreateObligation>) -> impl IntoView {
    let locale = use_locale();
    let regulator = choices.engagements.is_empty() && !choices.agencies.is_empty();
    let kinds: Vec<ReportKind> = ReportKind::ALL
        .iter()
        .copied()
        .filter(|k| k.is_engagement_report() != regulator)
        .collect();
    view! {
        <details class="card" data-test="set-obligation">
            <summary><h2 class="inline-h">{t(Msg::SetObligation)}</h2></summary>
            <p class="muted">{t(Msg::ObligationHelp)}</p>
            <ActionForm action=create attr:class="grid-form">
                <label><span>{t(Msg::ReportKindLabel)}</span>
                    <select name="kind">
                        {kinds.into_iter().map(|k| view! { <option value=k.code()>{k.label().text(locale)}</option> }).collect_view()}
                    </select>
                </label>
                {(!regulator).then(|| view! {
                    <label><span>{t(Msg::Engagements)}</span>
                        <select name="engagement_id" required>
                            {choices.engagements.iter().map(|(id, label, kind)| view! {
                                <option value=id.to_string()>{label.clone()}" · "{kind.label().text(locale)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
                {regulator.then(|| view! {
                    <label><span>{t(Msg::Agency)}</span>
                        <select name="agency_id" required>
                            {choices.agencies.iter().map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                <label><span>{t(Msg::CadenceLabel)}</span>
                    <select name="cadence">
                        {Cadence::ALL.iter().map(|c| view! { <option value=c.code()>{c.label().text(locale)}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{t(Msg::DueDay)}</span><input type="number" name="due_day" min="1" max="31" value="10" required/></label>
                <label><span>{t(Msg::FirstPeriod)}</span><input name="first_period" placeholder="2026-01 · 2026-Q1 · 2026-H1 · 2026" required/></label>
                <label><span>{t(Msg::LastPeriod)}</span><input name="last_period" placeholder="—"/></label>
                <p class="muted span-all">{t(Msg::PeriodHelp)}</p>
                <div class="form-actions"><button type="submit" class="primary">{t(Msg::Create)}</button></div>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let create = ServerAction::<CreateObligation>::new();
    let end = ServerAction::<EndObligation>::new();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(item_filter));
    let work = Resource::new(
        move || (filter.get(), create.version().get(), end.version().get()),
        |(f, _, _)| super::api::list_report_work(f),
    );
    let locale = use_locale();
    view! {
        <h1>{t(Msg::Reports)}</h1>
        <ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || end.value().get())/>
        {move || matches!(create.value().get(), Some(Ok(_))).then(|| view! { <div class="notice ok" role="status"><p>{t(Msg::Saved)}</p></div> })}
        <Form method="GET" action="/reports" attr:class="filters card" attr:data-test="report-filter">
            <label><span>{t(Msg::Side)}</span>
                <select name="side">
                    {move || { let cur = filter.get().side; [("", Msg::AllReports), ("submit", Msg::ToSubmit), ("review", Msg::ToReview)].into_iter().map(|(v, m)| view! {
                        <option value=v selected=cur == v>{m.text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::ReportKindLabel)}</span>
                <select name="kind">
                    <option value="">{t(Msg::AllKinds)}</option>
                    {move || { let cur = filter.get().kind; ReportKind::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=cur == k.code()>{k.label().text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::State)}</span>
                <select name="state">
                    <option value="">{t(Msg::AllStates)}</option>
                    {move || { let cur = filter.get().state; StateCode::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=cur == s.code()>{s.label().text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=move || filter.get().q/></label>
            <div class="form-actions">
                <button type="submit">{t(Msg::Filter)}</button>
                <a href="/reports">{t(Msg::ClearFilter)}</a>
                <a href=move || format!("/reports/export.csv?{}", filter.get().query_string()) data-test="reports-csv" rel="external">{t(Msg::ExportCsv)}</a>
            </div>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || {
                Suspend::new(async move {
                    match work.await {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(w) => {
                            let may_submit = w.may_submit;
                            let org = Some(w.viewer);
                            let items = w.items.clone();
                            let f = filter.get_untracked();
                            let (total, page, pages) = (w.total, w.page, w.pages);
                            let first = (page - 1) * w.per_page + 1;
                            let last = (first + items.len() as u32).saturating_sub(1);
                            let pager = (pages > 1).then(|| view! {
                                <nav class="pager" data-test="reports-pager">
                                    {(page > 1).then(|| view! { <a href=f.page_link(page - 1)>{t(Msg::Previous)}</a> })}
                                    <span>{format!("{first}–{last} / {total}")}</span>
                                    {(page < pages).then(|| view! { <a href=f.page_link(page + 1)>{t(Msg::Next)}</a> })}
                                </nav>
                            });
                            let obligations = w.obligations.clone();
                            let may_end = w.choices.is_some();
                            let viewer = w.viewer;
                            let form = w.choices.clone().filter(|c| !(c.engagements.is_empty() && c.agencies.is_empty()));
                            view! {
                                {if items.is_empty() {
                                    view! { <p class="empty" data-test="reports-empty">{t(Msg::NoReportItems)}</p> }.into_any()
                                } else {
                                    view! { <WorkTable items viewer_may_submit=may_submit viewer=org/>{pager} }.into_any()
                                }}
                                <h2>{t(Msg::Obligations)}</h2>
                                {if obligations.is_empty() {
                                    view! { <p class="empty">{t(Msg::NoObligations)}</p> }.into_any()
                                } else {
                                    let capped = (w.obligations_total as usize > obligations.len()).then(|| view! {
                                        <p class="muted" data-test="obligations-capped">{t(Msg::ObligationsCapped)}" "{w.obligations_total}</p>
                                    });
                                    view! { <ObligationTable rows=obligations viewer may_end end/>{capped} }.into_any()
                                }}
                                {form.map(|choices| view! { <ObligationForm choices create/> })}
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

fn sev_row(label: Msg, s: Severities) -> impl IntoView {
    view! { <tr><th>{t(label)}</th><td>{s.critical}</td><td>{s.high}</td><td>{s.medium}</td><td>{s.low}</td></tr> }
}

/// A summary as a read-only table.
#[component]
fn SummaryView(summary: Summary) -> impl IntoView {
    let locale = use_locale();
    let yes_no = move |b: bool| if b { Msg::Yes.text(locale) } else { Msg::No.text(locale) };
    let fact = |m: Msg, v: String| view! { <dt>{t(m)}</dt><dd>{v}</dd> };
    let sev_table = |rows: Vec<(Msg, Severities)>| {
        view! {
            <table class="table compact severities">
                <thead><tr><th></th><th>{t(Msg::Critical)}</th><th>{t(Msg::High)}</th><th>{t(Msg::Medium)}</th><th>{t(Msg::Low)}</th></tr></thead>
                <tbody>{rows.into_iter().map(|(m, s)| sev_row(m, s)).collect_view()}</tbody>
            </table>
        }
    };
    let notes = |n: String| (!n.is_empty()).then(|| view! { <h4>{t(Msg::Notes)}</h4><p class="pre">{n}</p> });
    match summary {
        Summary::CspMonthly(s) => view! {
            <dl class="facts">
                {fact(Msg::Availability, format!("{:.2} %", s.availability_pct))}
                {fact(Msg::Incidents, s.incidents.to_string())}
                {fact(Msg::PatchesApplied, s.patches_applied.to_string())}
                {fact(Msg::BackupsSucceeded, s.backups_succeeded.to_string())}
                {fact(Msg::BackupsFailed, s.backups_failed.to_string())}
                {fact(Msg::RestoreTestDone, yes_no(s.restore_test_done).to_string())}
                {fact(Msg::AttacksBlocked, s.attacks_blocked.to_string())}
            </dl>
            {sev_table(vec![(Msg::VulnFound, s.vulnerabilities_found), (Msg::VulnFixed, s.vulnerabilities_fixed)])}
            {notes(s.notes)}
        }
        .into_any(),
        Summary::SupplierService(s) => view! {
            <dl class="facts">
                {fact(Msg::ChangesDelivered, s.changes_delivered.to_string())}
                {fact(Msg::Incidents, s.incidents.to_string())}
            </dl>
            {sev_table(vec![(Msg::VulnFound, s.vulnerabilities_found), (Msg::VulnFixed, s.vulnerabilities_fixed)])}
            {notes(s.notes)}
        }
        .into_any(),
        Summary::SelfCheck(s) => view! {
            <dl class="facts">
                {fact(Msg::WebsitesChecked, s.websites_checked.to_string())}
                {fact(Msg::IssuesFound, s.issues_found.to_string())}
                {fact(Msg::IssuesFixed, s.issues_fixed.to_string())}
            </dl>
            {notes(s.notes)}
        }
        .into_any(),
        Summary::SecurityCheck(s) => view! {
            {sev_table(vec![(Msg::Findings, s.findings), (Msg::FindingsFixed, s.findings_fixed)])}
            <h4>{t(Msg::ImprovementPlan)}</h4><p class="pre">{s.improvement_plan}</p>
            {notes(s.notes)}
        }
        .into_any(),
        Summary::Assessment(s) => view! {
            <dl class="facts">
                {fact(Msg::ConclusionLabel, s.conclusion.label().text(locale).to_string())}
                {fact(Msg::Score, format!("{:.1}", s.score))}
            </dl>
            {sev_table(vec![(Msg::Findings, s.findings)])}
            {notes(s.notes)}
        }
        .into_any(),
    }
}

fn size_text(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[component]
fn VersionCard(v: VersionView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card version" data-version=v.number>
            <h3>{t(Msg::Version)}" "{v.number}<span class="muted">" · "{v.submitted_by.clone()}" · "{v.submitted_at.clone()}</span></h3>
            <SummaryView summary=v.summary.clone()/>
            <h4>{t(Msg::Files)}</h4>
            {if v.files.is_empty() {
                view! { <p class="muted">{t(Msg::NoFiles)}</p> }.into_any()
            } else {
                view! {
                    <ul class="files">
                        {v.files.iter().map(|f| view! {
                            <li>
                                <a href=format!("/reports/files/{}", f.id) rel="external" data-test="file-link">{f.name.clone()}</a>
                                <span class="muted">" · "{size_text(f.size)}" · "{f.media_type.clone()}</span>
                                <br/><code class="sha" title="SHA-256">{f.sha256.clone()}</code>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {v.review.clone().map(|r| view! {
                <div class=format!("review review-{}", r.decision.code()) data-test="review">
                    <strong>{r.decision.label().text(locale)}</strong>
                    <span class="muted">" · "{r.reviewer.clone()}" · "{r.reviewed_at.clone()}</span>
                    {(!r.comment.is_empty()).then(|| view! { <p class="pre">{r.comment.clone()}</p> })}
                </div>
            })}
        </section>
    }
}

#[component]
fn ReviewForm(id: Uuid, review: ServerAction<ReviewSubmission>) -> impl IntoView {
    view! {
        <section class="card no-print" data-test="review-form">
            <h2>{t(Msg::Review)}</h2>
            <ActionForm action=review attr:class="stack-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <label><span>{t(Msg::Comment)}</span><textarea name="comment" rows="4" maxlength="20000"></textarea></label>
                <p class="muted">{t(Msg::ReturnNeedsComment)}</p>
                <div class="form-actions">
                    <button type="submit" name="decision" value=Decision::Accept.code() class="primary" data-test="accept-report">{t(Msg::AcceptReport)}</button>
                    <button type="submit" name="decision" value=Decision::Return.code() class="danger" data-test="return-report">{t(Msg::ReturnReport)}</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// Opens the browser's print dialog (the print stylesheet leaves out navigation and controls).
fn print(_: leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    let _ = window().print();
}

#[component]
pub fn SubmissionPage() -> impl IntoView {
    let params = use_params_map();
    let review = ServerAction::<ReviewSubmission>::new();
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let view_res = Resource::new(
        move || (id(), review.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => super::api::get_submission(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let locale = use_locale();
    view! {
        <p class="no-print"><A href="/reports">{t(Msg::BackToList)}</A></p>
        <ActionError value=Signal::derive(move || review.value().get())/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Err(e) => {
                        set_status_not_found(&e);
                        view! { <h1>{t(Msg::NotFoundTitle)}</h1><ErrorNotice error=e/> }.into_any()
                    }
                    Ok(s) => {
                        let SubmissionView { id, obligation, period, due_on, state, versions, can_review, can_resubmit, .. } = s;
                        view! {
                            <h1>{obligation.kind.label().text(locale)}" · "{period.to_string()}</h1>
                            <dl class="facts" data-test="submission-facts">
                                <dt>{t(Msg::State)}</dt><dd><StateBadge state/></dd>
                                <dt>{t(Msg::Submitter)}</dt><dd>{obligation.submitter.name.clone()}</dd>
                                <dt>{t(Msg::Receiver)}</dt><dd>{obligation.receiver.name.clone()}</dd>
                                <dt>{t(Msg::Agency)}</dt><dd>{obligation.agency.name.clone()}</dd>
                                <dt>{t(Msg::DueOn)}</dt><dd>{due_on}</dd>
                            </dl>
                            <p class="no-print row-actions">
                                <button type="button" class="link-button" on:click=print data-test="print">{t(Msg::Print)}</button>
                                {can_resubmit.then(|| view! {
                                    <a class="button primary" href=format!("/reports/submit/{}?resubmit={id}", obligation.id) data-test="resubmit-report">{t(Msg::SubmitNewVersion)}</a>
                                })}
                            </p>
                            {can_review.then(|| view! { <ReviewForm id review/> })}
                            <h2>{t(Msg::Versions)}</h2>
                            {versions.into_iter().rev().map(|v| view! { <VersionCard v/> }).collect_view()}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The fields of a refused post of this form, typed back in (given by the form as context).
#[derive(Clone, Default)]
struct Draft(std::sync::Arc<std::collections::HashMap<String, String>>);

/// What was typed into field `name` before a refused post, if anything.
fn typed(name: &str) -> Option<String> {
    use_context::<Draft>().and_then(|d| d.0.get(name).cloned())
}

/// Whether the form comes back from a refused post (a checkbox left unticked sends nothing).
fn redrafted() -> bool {
    use_context::<Draft>().is_some_and(|d| !d.0.is_empty())
}

fn num_input(name: &'static str, label: Msg, value: i64) -> impl IntoView {
    let value = typed(name).unwrap_or_else(|| value.to_string());
    view! { <label><span>{t(label)}</span><input type="number" name=name min="0" step="1" value=value required/></label> }
}

fn sev_inputs(prefix: &'static str, label: Msg, s: Severities) -> impl IntoView {
    let names: [&'static str; 4] = match prefix {
        "vulnerabilities_found" => [
            "vulnerabilities_found.critical",
            "vulnerabilities_found.high",
            "vulnerabilities_found.medium",
            "vulnerabilities_found.low",
        ],
        "vulnerabilities_fixed" => [
            "vulnerabilities_fixed.critical",
            "vulnerabilities_fixed.high",
            "vulnerabilities_fixed.medium",
            "vulnerabilities_fixed.low",
        ],
        "findings" => ["findings.critical", "findings.high", "findings.medium", "findings.low"],
        _ => [
            "findings_fixed.critical",
            "findings_fixed.high",
            "findings_fixed.medium",
            "findings_fixed.low",
        ],
    };
    view! {
        <fieldset class="severities span-all">
            <legend>{t(label)}</legend>
            {num_input(names[0], Msg::Critical, s.critical)}
            {num_input(names[1], Msg::High, s.high)}
            {num_input(names[2], Msg::Medium, s.medium)}
            {num_input(names[3], Msg::Low, s.low)}
        </fieldset>
    }
}

fn notes_input(value: String) -> impl IntoView {
    let value = typed("notes").unwrap_or(value);
    view! { <label class="span-all"><span>{t(Msg::Notes)}</span><textarea name="notes" rows="3" maxlength="20000">{value}</textarea></label> }
}

/// The summary fields of one kind, prefilled from the last version when resubmitting.
#[component]
fn SummaryFields(kind: ReportKind, prefill: Option<Summary>) -> impl IntoView {
    let locale = use_locale();
    match (kind, prefill) {
        (ReportKind::CspMonthly, p) => {
            let s = match p {
                Some(Summary::CspMonthly(s)) => s,
                _ => Default::default(),
            };
            let availability = typed("availability_pct").unwrap_or_else(|| {
                if s.availability_pct == 0.0 {
                    String::new()
                } else {
                    format!("{}", s.availability_pct)
                }
            });
            let restored = if redrafted() {
                typed("restore_test_done").is_some()
            } else {
                s.restore_test_done
            };
            view! {
                <label><span>{t(Msg::Availability)}</span><input type="number" name="availability_pct" min="0" max="100" step="0.001" value=availability placeholder="99.95" required/></label>
                {num_input("incidents", Msg::Incidents, s.incidents)}
                {num_input("patches_applied", Msg::PatchesApplied, s.patches_applied)}
                {num_input("attacks_blocked", Msg::AttacksBlocked, s.attacks_blocked)}
                {num_input("backups_succeeded", Msg::BackupsSucceeded, s.backups_succeeded)}
                {num_input("backups_failed", Msg::BackupsFailed, s.backups_failed)}
                <label class="check"><input type="checkbox" name="restore_test_done" value="true" checked=restored/>{t(Msg::RestoreTestDone)}</label>
                {sev_inputs("vulnerabilities_found", Msg::VulnFound, s.vulnerabilities_found)}
                {sev_inputs("vulnerabilities_fixed", Msg::VulnFixed, s.vulnerabilities_fixed)}
                {notes_input(s.notes)}
            }.into_any()
        }
        (ReportKind::SupplierService, p) => {
            let s = match p {
                Some(Summary::SupplierService(s)) => s,
                _ => Default::default(),
            };
            view! {
                {num_input("changes_delivered", Msg::ChangesDelivered, s.changes_delivered)}
                {num_input("incidents", Msg::Incidents, s.incidents)}
                {sev_inputs("vulnerabilities_found", Msg::VulnFound, s.vulnerabilities_found)}
                {sev_inputs("vulnerabilities_fixed", Msg::VulnFixed, s.vulnerabilities_fixed)}
                {notes_input(s.notes)}
            }
            .into_any()
        }
        (ReportKind::SelfCheck, p) => {
            let s = match p {
                Some(Summary::SelfCheck(s)) => s,
                _ => Default::default(),
            };
            view! {
                {num_input("websites_checked", Msg::WebsitesChecked, s.websites_checked)}
                {num_input("issues_found", Msg::IssuesFound, s.issues_found)}
                {num_input("issues_fixed", Msg::IssuesFixed, s.issues_fixed)}
                {notes_input(s.notes)}
            }
            .into_any()
        }
        (ReportKind::SecurityCheck, p) => {
            let s = match p {
                Some(Summary::SecurityCheck(s)) => s,
                _ => Default::default(),
            };
            view! {
                {sev_inputs("findings", Msg::Findings, s.findings)}
                {sev_inputs("findings_fixed", Msg::FindingsFixed, s.findings_fixed)}
                <label class="span-all"><span>{t(Msg::ImprovementPlan)}</span><textarea name="improvement_plan" rows="5" required maxlength="20000">{typed("improvement_plan").unwrap_or(s.improvement_plan)}</textarea></label>
                {notes_input(s.notes)}
            }.into_any()
        }
        (ReportKind::Assessment, p) => {
            let (conclusion, score, findings, notes) = match p {
                Some(Summary::Assessment(s)) => (Some(s.conclusion), s.score.to_string(), s.findings, s.notes),
                _ => (None, String::new(), Severities::default(), String::new()),
            };
            let conclusion = typed("conclusion").and_then(|c| Conclusion::parse(&c)).or(conclusion);
            let score = typed("score").unwrap_or(score);
            view! {
                <label><span>{t(Msg::ConclusionLabel)}</span>
                    <select name="conclusion">
                        {Conclusion::ALL.iter().map(|c| view! { <option value=c.code() selected=conclusion == Some(*c)>{c.label().text(locale)}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>{t(Msg::Score)}</span><input type="number" name="score" min="0" max="100" step="0.1" value=score required/></label>
                {sev_inputs("findings", Msg::Findings, findings)}
                {notes_input(notes)}
            }.into_any()
        }
    }
}

/// Sends the form with XMLHttpRequest, so the upload shows progress and can be cancelled; without
/// the wasm the same form posts as a plain multipart form.
#[cfg(feature = "hydrate")]
mod upload {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

    #[derive(Clone, Debug, PartialEq)]
    pub enum Progress {
        Idle,
        Sending(f64),
        Failed(String),
        Cancelled,
    }

    pub fn send(
        form: HtmlFormElement,
        progress: WriteSignal<Progress>,
        current: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
    ) {
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        let Ok(xhr) = XmlHttpRequest::new() else { return };
        if xhr.open("POST", "/reports/submit").is_err() {
            return;
        }
        let _ = xhr.set_request_header("Accept", "application/json");
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress.set(Progress::Sending(e.loaded() / e.total()));
            }
        });
        if let Ok(upload) = xhr.upload() {
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        on_progress.forget();
        let done = xhr.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = done.status().unwrap_or(0);
            let body = done.response_text().ok().flatten().unwrap_or_default();
            let parsed: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if (200..300).contains(&status) {
                if let Some(loc) = parsed.get("location").and_then(|v| v.as_str()) {
                    let _ = window().location().assign(loc);
                }
            } else {
                let message = parsed
                    .get("message")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("HTTP {status}"));
                progress.set(Progress::Failed(message));
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            progress.set(Progress::Failed(
                crate::i18n::t(crate::i18n::Msg::ErrUploadIncomplete).to_string(),
            ));
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        progress.set(Progress::Sending(0.0));
        if xhr.send_with_opt_form_data(Some(&data)).is_ok() {
            current.set_value(Some(xhr));
        }
    }
}

#[component]
fn SubmitFormView(form: SubmitForm) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let SubmitForm {
        obligation,
        periods,
        resubmission,
        previous_files,
        idempotency_key,
        draft,
    } = form;
    provide_context(Draft(std::sync::Arc::new(draft)));
    let wanted = typed("period").unwrap_or_else(|| query.with_untracked(|q| q.get("period").unwrap_or_default()));
    let prefill = resubmission.as_ref().map(|(_, _, s)| s.clone());
    #[cfg(feature = "hydrate")]
    let (progress, set_progress) = signal(upload::Progress::Idle);
    #[cfg(feature = "hydrate")]
    let current = StoredValue::new_local(None::<web_sys::XmlHttpRequest>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            ev.prevent_default();
            if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                upload::send(form, set_progress, current);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let cancel = move |_: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            if let Some(xhr) = current.get_value() {
                let _ = xhr.abort();
            }
            current.set_value(None);
            set_progress.set(upload::Progress::Cancelled);
        }
    };
    #[cfg(feature = "hydrate")]
    let status_view = move || {
        match progress.get() {
        upload::Progress::Idle => ().into_any(),
        upload::Progress::Sending(f) => {
            let pct = (f * 100.0).round();
            view! {
                <div class="upload-progress" data-test="upload-progress">
                    <progress max="100" value=pct.to_string()></progress>
                    <span>{t(Msg::Uploading)}" "{pct}" %"</span>
                    <button type="button" class="link-button danger" on:click=cancel data-test="cancel-upload">{t(Msg::CancelUpload)}</button>
                </div>
            }
            .into_any()
        }
        upload::Progress::Failed(m) => view! { <div class="notice error" role="alert" data-test="upload-error"><p>{m}</p></div> }.into_any(),
        upload::Progress::Cancelled => view! { <div class="notice" role="status" data-test="upload-cancelled"><p>{t(Msg::UploadCancelled)}</p></div> }.into_any(),
    }
    };
    #[cfg(not(feature = "hydrate"))]
    let status_view = move || {
        let _ = cancel;
    };
    // One upload at a time: the button waits while one is on its way.
    #[cfg(feature = "hydrate")]
    let sending = move || matches!(progress.get(), upload::Progress::Sending(_));
    #[cfg(not(feature = "hydrate"))]
    let sending = || false;
    view! {
        <h1>{if resubmission.is_some() { t(Msg::SubmitNewVersion) } else { t(Msg::SubmitReport) }}</h1>
        <dl class="facts">
            <dt>{t(Msg::ReportKindLabel)}</dt><dd>{obligation.kind.label().text(locale)}</dd>
            <dt>{t(Msg::Receiver)}</dt><dd>{obligation.receiver.name.clone()}</dd>
            <dt>{t(Msg::Agency)}</dt><dd>{obligation.agency.name.clone()}</dd>
        </dl>
        <form method="post" action="/reports/submit" enctype="multipart/form-data" class="grid-form card" data-test="submit-form" on:submit=on_submit>
            <input type="hidden" name="obligation_id" value=obligation.id.to_string()/>
            <input type="hidden" name="idempotency_key" value=idempotency_key/>
            {match resubmission.clone() {
                Some((_, period, _)) => view! {
                    <input type="hidden" name="period" value=period.to_string()/>
                    <label><span>{t(Msg::Period)}</span><input value=period.to_string() disabled/></label>
                }.into_any(),
                None => view! {
                    <label><span>{t(Msg::Period)}</span>
                        <select name="period" required data-test="period">
                            {periods.iter().map(|(p, st)| {
                                let text = format!("{p} · {}", st.code().label().text(locale));
                                view! { <option value=p.to_string() selected=wanted == p.to_string()>{text}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }.into_any(),
            }}
            <SummaryFields kind=obligation.kind prefill/>
            {(!previous_files.is_empty()).then(|| view! {
                <fieldset class="span-all keep-files" data-test="keep-files">
                    <legend>{t(Msg::KeepFiles)}</legend>
                    {previous_files.into_iter().map(|f| view! {
                        <label class="check">
                            <input type="checkbox" name="keep_files" value=f.id.to_string() checked/>
                            <span>{f.name}" "<small class="muted">{size_text(f.size)}</small></span>
                        </label>
                    }).collect_view()}
                    <small class="muted">{t(Msg::KeepFilesHelp)}</small>
                </fieldset>
            })}
            <label class="span-all"><span>{t(Msg::AttachFiles)}</span>
                <input type="file" name="files" multiple accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.csv,.zip,.png,.jpg,.jpeg,.gif,.webp" data-test="files"/>
            </label>
            <p class="muted span-all">{t(Msg::FilesHelp)}</p>
            <div class="span-all">{status_view}</div>
            <div class="form-actions"><button type="submit" class="primary" data-test="send-report" disabled=sending>{t(Msg::Submit)}</button></div>
        </form>
    }
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let form = Resource::new(
        move || {
            (
                params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())),
                query.with(|q| q.get("resubmit").and_then(|s| Uuid::parse_str(&s).ok())),
            )
        },
        |(id, resubmit)| async move {
            match id {
                Some(id) => super::api::load_submit_form(id, resubmit).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <p><A href="/reports">{t(Msg::BackToList)}</A></p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Err(e) => {
                        set_status_not_found(&e);
                        view! { <h1>{t(Msg::NotFoundTitle)}</h1><ErrorNotice error=e/> }.into_any()
                    }
                    Ok(f) => view! { <SubmitFormView form=f/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn matrix_filter(q: &leptos_router::params::ParamsMap) -> MatrixFilter {
    MatrixFilter {
        kind: q.get("kind").unwrap_or_default(),
        cadence: q.get("cadence").unwrap_or_default(),
        q: q.get("q").unwrap_or_default(),
        state: q.get("state").unwrap_or_default(),
        page: q.get("page").unwrap_or_default(),
    }
}

fn matrix_query(f: &MatrixFilter, page: Option<u64>) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("kind", &f.kind),
        ("cadence", &f.cadence),
        ("q", &f.q),
        ("state", &f.state),
    ] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", encode_query(v.trim())));
        }
    }
    if let Some(p) = page {
        parts.push(format!("page={p}"));
    }
    parts.join("&")
}

#[component]
fn MatrixTable(m: Matrix) -> impl IntoView {
    let locale = use_locale();
    let cols = m.periods.len();
    view! {
        <div class="table-wrap"><table class="table matrix" data-test="report-matrix">
            <thead><tr>
                <th>{t(Msg::Agency)}</th>
                {m.periods.iter().map(|p| view! { <th class="nowrap">{p.to_string()}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {m.rows.into_iter().map(|r| view! {
                    <tr data-agency=r.agency.name.clone()>
                        <th>{r.agency.name.clone()}</th>
                        {r.cells.into_iter().map(|c| {
                            let code = c.state.map(|s| s.code()).unwrap_or("none");
                            let title = c.state.map(|s| s.label().text(locale).to_string()).unwrap_or_else(|| Msg::NoObligation.text(locale).into());
                            let text = match (c.state, c.count) {
                                (None, _) => "·".to_string(),
                                (Some(s), 1) => short(s, locale).to_string(),
                                (Some(s), n) => format!("{} ×{n}", short(s, locale)),
                            };
                            view! {
                                <td class=format!("cell st-{code}") title=title data-state=code>
                                    {match c.submission_id {
                                        Some(id) => view! { <a href=format!("/reports/submissions/{id}")>{text}</a> }.into_any(),
                                        None => view! { <span>{text}</span> }.into_any(),
                                    }}
                                </td>
                            }
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                {[StateCode::Overdue, StateCode::Returned, StateCode::Due, StateCode::Submitted, StateCode::AcceptedLate, StateCode::Accepted].into_iter().map(|s| {
                    let totals = m.totals.clone();
                    view! {
                        <tr data-total=s.code()>
                            <th><span class=format!("state st-{}", s.code())>{s.label().text(locale)}</span></th>
                            {(0..cols).map(|i| {
                                let n = totals.get(i).and_then(|col| col.iter().find(|(c, _)| *c == s).map(|(_, n)| *n)).unwrap_or(0);
                                view! { <td class="num">{n}</td> }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tfoot>
        </table></div>
    }
}

/// A cell's short text (the colour carries most of it; the title has the full label).
fn short(s: StateCode, locale: Locale) -> &'static str {
    match (s, locale) {
        (StateCode::Accepted, Locale::Zh) => "✓",
        (StateCode::Accepted, Locale::En) => "✓",
        (StateCode::AcceptedLate, _) => "✓!",
        (StateCode::Submitted, _) => "…",
        (StateCode::Returned, _) => "↩",
        (StateCode::Due, _) => "○",
        (StateCode::Overdue, _) => "✗",
        (StateCode::NotYetDue, _) => "·",
    }
}

#[component]
pub fn MatrixPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(matrix_filter));
    let matrix = Resource::new(move || filter.get(), super::api::load_matrix);
    let locale = use_locale();
    view! {
        <h1>{t(Msg::ReportMatrix)}</h1>
        <p class="muted">{t(Msg::MatrixHelp)}</p>
        <Form method="GET" action="/reports/matrix" attr:class="filters card" attr:data-test="matrix-filter">
            <label><span>{t(Msg::ReportKindLabel)}</span>
                <select name="kind">
                    {move || { let cur = filter.get().kind; ReportKind::ALL.iter().map(|k| view! {
                        <option value=k.code() selected=cur == k.code()>{k.label().text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::CadenceLabel)}</span>
                <select name="cadence">
                    <option value="">{t(Msg::UsualCadence)}</option>
                    {move || { let cur = filter.get().cadence; Cadence::ALL.iter().map(|c| view! {
                        <option value=c.code() selected=cur == c.code()>{c.label().text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::State)}</span>
                <select name="state">
                    <option value="">{t(Msg::AllStates)}</option>
                    {move || { let cur = filter.get().state; StateCode::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=cur == s.code()>{s.label().text(locale)}</option>
                    }).collect_view() }}
                </select>
            </label>
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=move || filter.get().q/></label>
            <div class="form-actions">
                <button type="submit">{t(Msg::Filter)}</button>
                <a href="/reports/matrix">{t(Msg::ClearFilter)}</a>
                <a href=move || format!("/reports/matrix.csv?{}", matrix_query(&filter.get(), None)) rel="external" data-test="matrix-csv">{t(Msg::ExportCsv)}</a>
            </div>
        </Form>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match matrix.await {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(m) if m.rows.is_empty() => view! { <p class="empty" data-test="matrix-empty">{t(Msg::NoAgenciesInJurisdiction)}</p> }.into_any(),
                    Ok(m) => {
                        let f = filter.get_untracked();
                        let (page, pages, agencies) = (m.page, m.pages, m.agencies);
                        view! {
                            <p class="muted" data-test="matrix-count">{agencies}" "{t(Msg::AgenciesShown)}</p>
                            <MatrixTable m/>
                            {(pages > 1).then(|| view! {
                                <nav class="pager">
                                    {(page > 1).then(|| view! { <a href=format!("/reports/matrix?{}", matrix_query(&f, Some(page - 1)))>{t(Msg::Previous)}</a> })}
                                    <span>{page}" / "{pages}</span>
                                    {(page < pages).then(|| view! { <a href=format!("/reports/matrix?{}", matrix_query(&f, Some(page + 1)))>{t(Msg::Next)}</a> })}
                                </nav>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// A dashboard panel: the viewer's reports needing action (to submit, or to review).
#[component]
pub fn ReportsPanel() -> impl IntoView {
    let panel = Resource::new(|| (), |_| super::api::report_panel());
    view! {
        <section class="card" data-test="reports-panel">
            <h2><a href="/reports">{t(Msg::Reports)}</a></h2>
            <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
                {move || {
                    Suspend::new(async move {
                        match panel.await {
                            Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            Ok(p) => {
                                let org = Some(p.viewer);
                                view! {
                                    <h3>{t(Msg::ToSubmit)}" ("{p.to_submit}")"</h3>
                                    {if p.to_submit_first.is_empty() {
                                        view! { <p class="empty">{t(Msg::NothingToSubmit)}</p> }.into_any()
                                    } else {
                                        view! { <WorkTable items=p.to_submit_first viewer_may_submit=p.may_submit viewer=org/> }.into_any()
                                    }}
                                    <h3>{t(Msg::ToReview)}" ("{p.to_review}")"</h3>
                                    {if p.to_review_first.is_empty() {
                                        view! { <p class="empty">{t(Msg::NothingToReview)}</p> }.into_any()
                                    } else {
                                        view! { <WorkTable items=p.to_review_first viewer_may_submit=false viewer=org/> }.into_any()
                                    }}
                                }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
