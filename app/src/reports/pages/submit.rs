//! The submission form: the summary's fields per kind, the files with upload progress.
use super::*;

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

/// Whether a refused post was refused for field `name` (it is shown marked).
fn refused_for(name: &str) -> Option<&'static str> {
    (typed(crate::reports::INVALID_FIELD).as_deref() == Some(name)).then_some("true")
}

fn num_input(name: &'static str, label: Msg, value: i64) -> impl IntoView {
    let value = typed(name).unwrap_or_else(|| value.to_string());
    view! { <label><span>{t(label)}</span><input type="number" name=name min="0" step="1" value=value required aria-invalid=refused_for(name)/></label> }
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
        _ => ["findings_fixed.critical", "findings_fixed.high", "findings_fixed.medium", "findings_fixed.low"],
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
            let restored = if redrafted() { typed("restore_test_done").is_some() } else { s.restore_test_done };
            view! {
                <label><span>{t(Msg::Availability)}</span><input type="number" name="availability_pct" min="0" max="100" step="0.001" value=availability placeholder="99.95" required aria-invalid=refused_for("availability_pct")/></label>
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
                <label><span>{t(Msg::Score)}</span><input type="number" name="score" min="0" max="100" step="0.1" value=score required aria-invalid=refused_for("score")/></label>
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

    /// Marks the refused field (and only it) and puts the cursor there; `""` clears the marks.
    fn mark_field(form: &HtmlFormElement, field: &str) {
        if let Ok(marked) = form.query_selector_all("[aria-invalid]") {
            for i in 0..marked.length() {
                if let Some(el) = marked.get(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                    let _ = el.remove_attribute("aria-invalid");
                }
            }
        }
        // Field names are the form's own ([a-z_.]); anything else marks nothing.
        if field.is_empty() || !field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.') {
            return;
        }
        if let Ok(Some(el)) = form.query_selector(&format!("[name=\"{field}\"]")) {
            let _ = el.set_attribute("aria-invalid", "true");
            if let Ok(input) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        }
    }

    pub fn send(
        form: HtmlFormElement,
        progress: WriteSignal<Progress>,
        current: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
    ) {
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        // The size is known before anything is sent: a file over the limit is refused here,
        // instead of after minutes of uploading (the server refuses it too).
        for entry in data.get_all("files").iter() {
            if let Ok(file) = entry.dyn_into::<web_sys::File>() {
                if file.size() > crate::reports::MAX_FILE_BYTES as f64 {
                    let limit = super::super::size_text(crate::reports::MAX_FILE_BYTES as i64);
                    let text = crate::i18n::t(crate::i18n::Msg::ErrFileTooLarge);
                    progress.set(Progress::Failed(format!("{}: {text} ({limit})", file.name())));
                    return;
                }
            }
        }
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
        let marked = form.clone();
        mark_field(&form, "");
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
                mark_field(&marked, parsed.get("field").and_then(|v| v.as_str()).unwrap_or(""));
                progress.set(Progress::Failed(message));
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            progress.set(Progress::Failed(crate::i18n::t(crate::i18n::Msg::ErrUploadIncomplete).to_string()));
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
    let SubmitForm { obligation, periods, resubmission, previous_files, idempotency_key, draft, returned_by } = form;
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
        // Why it came back, before anything else: what the new version must answer.
        {returned_by.map(|r| view! {
            <div class="notice warn" role="note" data-test="returned-because">
                <p><strong>{t(Msg::ReturnedBecause)}</strong>" "<span class="muted">{r.reviewer}" · "{r.reviewed_at}</span></p>
                <p class="pre">{r.comment}</p>
            </div>
        })}
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
                Some(id) => crate::reports::api::load_submit_form(id, resubmit).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <p><A href="/reports">{t(Msg::BackToList)}</A></p>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Err(e) => view! { <DetailError error=e/> }.into_any(),
                    Ok(f) => view! { <SubmitFormView form=f/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
