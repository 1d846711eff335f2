//! The work list page with its filters, and the dashboard's reports panel.
use super::*;

fn item_filter(q: &leptos_router::params::ParamsMap) -> ItemFilter {
    ItemFilter {
        side: q.get("side").unwrap_or_default(),
        kind: q.get("kind").unwrap_or_default(),
        state: q.get("state").unwrap_or_default(),
        q: q.get("q").unwrap_or_default(),
        period: q.get("period").unwrap_or_default(),
        page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

/// The rows of the work list (also the dashboard panels).
#[component]
pub fn WorkTable(
    items: Vec<PeriodItem>,
    viewer_may_submit: bool,
    viewer: Option<Uuid>,
    /// A jurisdiction's reminder of an overdue report, where the viewer may send one.
    #[prop(default = None)]
    remind: Option<ServerAction<RemindOverdue>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="table stack-narrow" data-test="report-items">
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
                            <td data-label=t(Msg::ReportKindLabel)>{i.kind.label().text(locale)}</td>
                            <td class="nowrap" data-label=t(Msg::Period)>{i.period.to_string()}</td>
                            <td class="nowrap" data-label=t(Msg::DueOn)>{i.due_on.clone()}</td>
                            <td data-label=t(Msg::State)><StateBadge state=i.state/>
                                {i.returned_because.clone().map(|c| view! { <div class="muted small returned-because" data-test="returned-because">{c}</div> })}
                            </td>
                            <td data-label=t(Msg::Submitter)>{i.submitter.name.clone()}</td>
                            <td data-label=t(Msg::Receiver)>{i.receiver.name.clone()}</td>
                            <td class="actions"><div class="row-actions">
                                {i.submission_id.map(|s| view! { <a href=format!("/reports/submissions/{s}") data-test="open-submission">{t(Msg::Open)}</a> })}
                                {submit_link.map(|href| view! { <a class="button primary small" href=href data-test="submit-report">{t(Msg::SubmitReport)}</a> })}
                                {resubmit_link.map(|href| view! { <a class="button primary small" href=href data-test="resubmit-report">{t(Msg::SubmitNewVersion)}</a> })}
                                {remind.filter(|_| matches!(i.state, PeriodState::Overdue { .. })).map(|action| view! {
                                    <ActionForm action attr:class="inline">
                                        <input type="hidden" name="obligation_id" value=i.obligation_id.to_string()/>
                                        <input type="hidden" name="period" value=i.period.to_string()/>
                                        <button type="submit" class="small" title=t(Msg::RemindOverdueTitle) data-test="remind">{t(Msg::RemindOverdue)}</button>
                                    </ActionForm>
                                })}
                            </div></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let create = ServerAction::<CreateObligation>::new();
    crate::ui::notice::when_done(create, None, crate::ui::notice::saved);
    let end = ServerAction::<EndObligation>::new();
    crate::ui::notice::when_done(end, None, crate::reports::api::obligation_ended);
    let remind = ServerAction::<RemindOverdue>::new();
    crate::ui::notice::when_done(remind, None, crate::reports::api::reminded);
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(item_filter));
    let work = Resource::new(
        move || (filter.get(), create.version().get(), end.version().get()),
        |(f, _, _)| crate::reports::api::list_report_work(f),
    );
    let _locale = use_locale();
    // Opened from the matrix: the way back keeps the matrix's filter.
    let matrix_back = move || {
        query
            .with(|q| q.get("matrix"))
            .map(|m| format!("/reports/matrix{}", if m.is_empty() { String::new() } else { format!("?{m}") }))
    };
    view! {
        {move || matrix_back().map(|href| view! { <p><a href=href data-test="back-to-matrix">{t(Msg::BackToMatrix)}</a></p> })}
        <h1>{t(Msg::Reports)}</h1>
        <ActionError value=Signal::derive(move || create.value().get().map(|r| r.map(|_| ())))/>
        <ActionError value=Signal::derive(move || end.value().get())/>
        <ActionError value=Signal::derive(move || remind.value().get())/>
        <Form method="GET" action="/reports" on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="report-filter">
            <FilterSelect label=Msg::Side name="side" choices=vec![("", Msg::AllReports), ("submit", Msg::ToSubmit), ("review", Msg::ToReview)] current=Signal::derive(move || filter.get().side)/>
            <FilterSelect label=Msg::ReportKindLabel name="kind" all=Msg::AllKinds choices=ReportKind::choices() current=Signal::derive(move || filter.get().kind)/>
            <FilterSelect label=Msg::State name="state" all=Msg::AllStates choices=StateCode::choices() current=Signal::derive(move || filter.get().state)/>
            <label><span>{t(Msg::Search)}</span><input type="search" name="q" value=move || filter.get().q/></label>
            // Any month, however old: the periods covering it (the list otherwise shows the latest).
            <label><span>{t(Msg::PeriodMonth)}</span><input type="month" name="period" min="2000-01" max="2100-12" placeholder="2025-11" value=move || filter.get().period/></label>
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
                                    let remind = w.may_remind.then_some(remind);
                                    view! { <WorkTable items viewer_may_submit=may_submit viewer=org remind=remind/>{pager} }.into_any()
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

/// A dashboard panel: the viewer's reports needing action (to submit, or to review).
#[component]
pub fn ReportsPanel() -> impl IntoView {
    let panel = Resource::new(|| (), |_| crate::reports::api::report_panel());
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
