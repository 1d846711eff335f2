//! One submission: its versions with their summaries and files, its history and the review form.
use super::*;

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
                                <span class="muted">" · "{size_text(f.size)}</span>
                                // The type and checksum are for whoever verifies a copy, not for every reader.
                                <details class="file-details">
                                    <summary>{t(Msg::Details)}</summary>
                                    <span class="muted">{f.media_type.clone()}</span>
                                    <br/><code class="sha" title="SHA-256">{f.sha256.clone()}</code>
                                </details>
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
    let query = use_query_map();
    let review = ServerAction::<ReviewSubmission>::new();
    crate::ui::notice::when_done(review, None, crate::reports::api::reviewed);
    let id = move || params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
    let view_res = Resource::new(
        move || (id(), review.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::reports::api::get_submission(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let locale = use_locale();
    view! {
        {move || {
            // Opened from the matrix: back to it, with its filter.
            let from_matrix = query.with(|q| q.get("matrix"));
            match from_matrix {
                Some(m) => view! { <p class="no-print"><a href=format!("/reports/matrix?{m}") data-test="back-to-matrix">{t(Msg::BackToMatrix)}</a></p> }.into_any(),
                None => view! { <p class="no-print"><A href="/reports">{t(Msg::BackToList)}</A></p> }.into_any(),
            }
        }}
        <ActionError value=Signal::derive(move || review.value().get().map(|r| r.map(|_| ())))/>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match view_res.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(s) => {
                        let SubmissionView { id, obligation, period, due_on, state, versions, can_review, can_resubmit, .. } = s;
                        let latest_review = versions.iter().rev().find_map(|v| v.review.clone());
                        // Newest first: the version to review, then the review form, then the earlier ones.
                        let mut newest_first = versions.into_iter().rev();
                        let newest = newest_first.next();
                        let earlier: Vec<VersionView> = newest_first.collect();
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
                            {latest_review.map(|r| view! {
                                <div class=if r.decision == Decision::Return { "notice warn" } else { "notice ok" } role="note" data-test="latest-review">
                                    <p><strong>{t(Msg::LatestReview)}" "{r.decision.label().text(locale)}</strong>
                                        <span class="muted">" · "{r.reviewer.clone()}" · "{r.reviewed_at.clone()}</span></p>
                                    {(!r.comment.is_empty()).then(|| view! { <p class="pre">{r.comment.clone()}</p> })}
                                </div>
                            })}
                            {newest.map(|v| view! { <VersionCard v/> })}
                            {(obligation.kind == crate::reports::ReportKind::SecurityCheck).then(|| view! {
                                <crate::plans::pages::improvement::ImprovementPlanCard submission_id=id/>
                            })}
                            {can_review.then(|| view! { <ReviewForm id review/> })}
                            {(!earlier.is_empty()).then(|| view! {
                                <h2>{t(Msg::EarlierVersions)}</h2>
                                {earlier.into_iter().map(|v| view! { <VersionCard v/> }).collect_view()}
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
