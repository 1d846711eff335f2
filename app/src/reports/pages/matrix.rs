//! The regulator's matrix of agencies × periods, with its filters.
use super::*;

fn matrix_filter(q: &leptos_router::params::ParamsMap) -> MatrixFilter {
    MatrixFilter {
        kind: q.get("kind").unwrap_or_default(),
        cadence: q.get("cadence").unwrap_or_default(),
        q: q.get("q").unwrap_or_default(),
        state: q.get("state").unwrap_or_default(),
        under: q.get("under").unwrap_or_default(),
        page: q.get("page").unwrap_or_default(),
    }
}

fn matrix_query(f: &MatrixFilter, page: Option<u64>) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("kind", &f.kind), ("cadence", &f.cadence), ("q", &f.q), ("state", &f.state), ("under", &f.under)] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", encode_query(v.trim())));
        }
    }
    if let Some(p) = page {
        parts.push(format!("page={p}"));
    }
    parts.join("&")
}

/// The work list of one agency (and, given, one report kind and period), opened from the matrix:
/// `back` is the matrix's own query, so "back to the matrix" keeps its filter.
fn list_link(agency: &str, period: Option<(ReportKind, Period)>, back: &str) -> String {
    let mut link = format!("/reports?q={}", encode_query(agency));
    if let Some((kind, p)) = period {
        link.push_str(&format!("&kind={}&period={}-{:02}", kind.code(), p.year(), p.first_month()));
    }
    link.push_str(&format!("&matrix={}", encode_query(back)));
    link
}

/// The states a sub-regulator's row counts, worst first.
const GROUP_STATES: [StateCode; 6] = [
    StateCode::Overdue,
    StateCode::Returned,
    StateCode::Due,
    StateCode::Submitted,
    StateCode::AcceptedLate,
    StateCode::Accepted,
];

/// Each sub-regulator directly under the viewer with its agencies' totals; a name narrows the
/// matrix to it (keeping the other filters).
#[component]
fn Groups(groups: Vec<MatrixGroup>, filter: MatrixFilter) -> impl IntoView {
    let locale = use_locale();
    view! {
        <h2>{t(Msg::BySubRegulator)}</h2>
        <div class="table-wrap"><table class="table" data-test="matrix-groups">
            <thead><tr>
                <th>{t(Msg::SubRegulator)}</th><th class="num">{t(Msg::AgencyCount)}</th>
                {GROUP_STATES.iter().map(|s| view! { <th class="num"><span class=format!("state st-{}", s.code())>{s.label().text(locale)}</span></th> }).collect_view()}
            </tr></thead>
            <tbody>
                {groups.into_iter().map(|g| {
                    let name = match &g.regulator {
                        Some(r) => {
                            let f = MatrixFilter { under: r.id.to_string(), page: String::new(), ..filter.clone() };
                            view! { <a href=format!("/reports/matrix?{}", matrix_query(&f, None)) data-test="group-link">{r.name.clone()}</a> }.into_any()
                        }
                        None => view! { <span class="muted">{t(Msg::DirectlyUnderYou)}</span> }.into_any(),
                    };
                    view! {
                        <tr data-group=g.regulator.as_ref().map(|r| r.name.clone()).unwrap_or_default()>
                            <th>{name}</th>
                            <td class="num">{g.agencies}</td>
                            {GROUP_STATES.iter().map(|s| {
                                let n = g.totals.iter().find(|(c, _)| c == s).map(|(_, n)| *n).unwrap_or(0);
                                view! { <td class="num">{n}</td> }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

/// What the cell symbols mean.
#[component]
fn Legend() -> impl IntoView {
    let locale = use_locale();
    view! {
        <ul class="legend" data-test="matrix-legend" aria-label=t(Msg::Legend)>
            {[StateCode::Overdue, StateCode::Returned, StateCode::Due, StateCode::Submitted, StateCode::AcceptedLate, StateCode::Accepted, StateCode::NotYetDue].into_iter().map(|s| view! {
                <li><span class=format!("cell st-{}", s.code())>{short(s, locale)}</span>" "{s.label().text(locale)}</li>
            }).collect_view()}
            <li><span class="cell st-none">"·"</span>" "{t(Msg::NoObligation)}</li>
            <li class="muted">{t(Msg::LegendCount)}</li>
        </ul>
    }
}

#[component]
fn MatrixTable(m: Matrix, back: String) -> impl IntoView {
    let locale = use_locale();
    let cols = m.periods.len();
    let periods = m.periods.clone();
    let kind = m.kind;
    view! {
        <div class="table-wrap"><table class="table matrix" data-test="report-matrix">
            <thead><tr>
                <th>{t(Msg::Agency)}</th>
                {m.periods.iter().map(|p| view! { <th class="nowrap">{p.to_string()}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {m.rows.into_iter().map(|r| view! {
                    <tr data-agency=r.agency.name.clone()>
                        <th><a href=list_link(&r.agency.name, None, &back) data-test="agency-link">{r.agency.name.clone()}</a></th>
                        {r.cells.into_iter().enumerate().map(|(i, c)| {
                            let to_list = periods.get(i).map(|p| list_link(&r.agency.name, Some((kind, *p)), &back));
                            let code = c.state.map(|s| s.code()).unwrap_or("none");
                            let title = c.state.map(|s| s.label().text(locale).to_string()).unwrap_or_else(|| Msg::NoObligation.text(locale).into());
                            let text = match (c.state, c.count) {
                                (None, _) => "·".to_string(),
                                (Some(s), 1) => short(s, locale).to_string(),
                                (Some(s), n) => format!("{} ×{n}", short(s, locale)),
                            };
                            view! {
                                <td class=format!("cell st-{code}") title=title data-state=code>
                                    {match (c.submission_id, c.state, to_list) {
                                        (Some(id), _, _) => view! { <a href=format!("/reports/submissions/{id}?matrix={}", encode_query(&back))>{text}</a> }.into_any(),
                                        // Nothing sent (overdue, due, several obligations): the agency's list for the period.
                                        (None, Some(_), Some(href)) => view! { <a href=href data-test="cell-link">{text}</a> }.into_any(),
                                        _ => view! { <span>{text}</span> }.into_any(),
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
    let matrix = Resource::new(move || filter.get(), crate::reports::api::load_matrix);
    let _locale = use_locale();
    view! {
        <h1>{t(Msg::ReportMatrix)}</h1>
        <p class="muted">{t(Msg::MatrixHelp)}</p>
        <Form method="GET" action="/reports/matrix" on_form_data=crate::ui::drop_empty_fields() attr:class="filters card" attr:data-test="matrix-filter">
            <FilterSelect label=Msg::ReportKindLabel name="kind" choices=ReportKind::choices() current=Signal::derive(move || filter.get().kind)/>
            <FilterSelect label=Msg::CadenceLabel name="cadence" all=Msg::UsualCadence choices=Cadence::choices() current=Signal::derive(move || filter.get().cadence)/>
            <FilterSelect label=Msg::State name="state" all=Msg::AllStates choices=StateCode::choices() current=Signal::derive(move || filter.get().state)/>
            // The sub-regulators come with the matrix (a province has its cities, a city none).
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let subs = matrix.await.map(|m| m.sub_regulators).unwrap_or_default();
                    let current = filter.get_untracked().under;
                    (!subs.is_empty()).then(|| view! {
                        <label><span>{t(Msg::SubRegulator)}</span>
                            <select name="under" data-test="matrix-under-select">
                                <option value="">{t(Msg::AllSubRegulators)}</option>
                                {subs.into_iter().map(|r| {
                                    let id = r.id.to_string();
                                    let selected = id == current;
                                    view! { <option value=id selected=selected>{r.name}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    })
                })}
            </Suspense>
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
                        // The grouping shows only where there is more than one branch to compare.
                        let groups = (m.groups.len() > 1 || m.groups.iter().any(|g| g.regulator.is_some())).then(|| m.groups.clone());
                        let under = m.under.clone();
                        let all = MatrixFilter { under: String::new(), page: String::new(), ..f.clone() };
                        view! {
                            {(under.is_none()).then(|| groups.map(|g| view! { <Groups groups=g filter=f.clone()/> }))}
                            {under.map(|u| view! {
                                <p class="notice" data-test="matrix-under">{t(Msg::ShowingUnder)}" "<strong>{u.name}</strong>" · "
                                    <a href=format!("/reports/matrix?{}", matrix_query(&all, None))>{t(Msg::ShowAll)}</a></p>
                            })}
                            <p class="muted" data-test="matrix-count">{agencies}" "{t(Msg::AgenciesShown)}</p>
                            <Legend/>
                            <MatrixTable m back=matrix_query(&f, (page > 1).then_some(page))/>
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
