//! The obligations table and the form that sets one.
use super::*;

/// The obligations in reach; the receiving side's reviewers may end theirs, with a reason.
#[component]
pub fn ObligationTable(
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
pub fn ObligationForm(choices: ObligationChoices, create: ServerAction<CreateObligation>) -> impl IntoView {
    let locale = use_locale();
    let regulator = choices.engagements.is_empty() && choices.agencies_total > 0;
    // More agencies than the list shows: a search asks the server for the matching ones.
    let searched = choices.agencies_total as usize > choices.agencies.len();
    let needle = RwSignal::new(String::new());
    // Asked in the browser as the person types; the page as served lists the first agencies.
    let find = ServerAction::<crate::reports::api::FindObligationAgencies>::new();
    let initial = choices.agencies.clone();
    let kinds: Vec<ReportKind> =
        ReportKind::ALL.iter().copied().filter(|k| k.is_engagement_report() != regulator).collect();
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
                    {searched.then(|| view! {
                        <label><span>{t(Msg::FindAgency)}</span>
                            <input type="search" data-test="agency-search" placeholder=Msg::FindAgencyHint.text(locale)
                                on:input=move |ev| {
                                    let q = event_target_value(&ev);
                                    if !q.trim().is_empty() {
                                        find.dispatch(crate::reports::api::FindObligationAgencies { q: q.clone() });
                                    }
                                    needle.set(q);
                                }/>
                        </label>
                    })}
                    <label><span>{t(Msg::Agency)}</span>
                        <select name="agency_id" required data-test="agency-choice">
                            {move || {
                                let rows = match find.value().get() {
                                    Some(r) if !needle.get().trim().is_empty() => r.unwrap_or_default(),
                                    _ => initial.clone(),
                                };
                                if rows.is_empty() {
                                    view! { <option value="" disabled selected>{t(Msg::NoAgencyFound)}</option> }.into_any()
                                } else {
                                    rows.into_iter().map(|a| view! { <option value=a.id.to_string()>{a.name}</option> }).collect_view().into_any()
                                }
                            }}
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
