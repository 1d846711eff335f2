//! SLA's routes that are not server functions: the CSVs of its tables through the shared writer
//! — the list in reach for a month (a regulator's breaches), one engagement's months of a year,
//! and one month's records and measured entries (a report's inputs).
use axum::{
    extract::{Path, Query},
    response::Response,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{pages::pct, service, MetricCell, MonthFigures, StandingFilter};
use crate::{
    backend::{
        csv_export::{csv_response, CsvExport},
        route::{Asker, query}, ServiceError, ServiceResult,
    },
    i18n::{Locale, Msg},
};

/// The list's filter as its form sends it (`breached=on`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub breached: String,
    pub month: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    pub year: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MonthQuery {
    pub month: String,
}

fn id_of(text: &str) -> ServiceResult<Uuid> {
    // An id that is not one names nothing: not found, as anything out of reach.
    Uuid::parse_str(text).map_err(|_| ServiceError::NotFound)
}

fn money(fen: i64) -> String {
    super::rules::money_text(fen)
}

/// `GET /sla/export.csv?q=&breached=on&month=YYYY-MM`: every row of the list for the filter.
pub async fn export_list_csv(
    ask: Asker,
    filter: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let q = query(filter)?;
        let reader = super::scope::sla_reader(&state.db, actor, state.today()).await?;
        let filter = StandingFilter { q: q.q, breached: !q.breached.trim().is_empty(), month: q.month, page: 1 };
        let (m, rows, _) = service::views::listed(&state.db, &state.caches, &reader, &filter, &actor.time_zone, state.clock.now()).await?;
        let mut w = CsvExport::new();
        let mut head: Vec<String> = [Msg::SlaMonth, Msg::SlaAgency, Msg::SlaCsp, Msg::SlaAgreementVersion].iter().map(|k| k.text(locale).to_string()).collect();
        head.extend(metric_heads(locale));
        head.extend([Msg::SlaBreached, Msg::SlaCompensation, Msg::SlaDisputedShort, Msg::CsvEngagementId].iter().map(|k| k.text(locale).to_string()));
        w.row(head)?;
        for r in rows {
            let mut cells = vec![m.to_string(), r.agency, r.csp, r.version.map(|v| v.to_string()).unwrap_or_default()];
            cells.extend(metric_cells(&r.metrics));
            cells.extend([yes(r.breached), money(r.compensation), r.disputed.to_string(), r.engagement_id.to_string()]);
            w.row(cells)?;
        }
        Ok(csv_response(&format!("sla-{m}"), state.today(), w.finish()?))
    })
    .await
}

/// The five metrics' headers, each as attained and target.
fn metric_heads(locale: Locale) -> Vec<String> {
    [Msg::SlaMetPower, Msg::SlaMetNetwork, Msg::SlaMetServer, Msg::SlaMetLevel1, Msg::SlaMetLevel2]
        .iter()
        .flat_map(|m| [m.text(locale).to_string(), format!("{} ({})", m.text(locale), Msg::SlaTarget.text(locale))])
        .collect()
}

/// Percents as plain numbers (`99.95`), so a spreadsheet reads them as numbers.
fn number(m: Option<u32>) -> String {
    pct(m).trim_end_matches(" %").replace('—', "")
}

fn metric_cells(cells: &[MetricCell]) -> Vec<String> {
    let mut out = Vec::new();
    for k in 0..5 {
        match cells.get(k) {
            Some(c) => out.extend([number(c.attained), number(Some(c.target))]),
            None => out.extend([String::new(), String::new()]),
        }
    }
    out
}

fn yes(b: bool) -> String {
    if b { "1" } else { "0" }.into()
}

/// A month's five cells, attained and target, as the list's.
fn cells_of(f: &MonthFigures) -> Vec<MetricCell> {
    f.availability
        .iter()
        .map(|x| MetricCell { metric: x.metric, attained: x.attained, target: x.target, met: x.met })
        .chain(f.resolution.iter().map(|x| MetricCell { metric: x.metric, attained: x.rate, target: x.target, met: x.met }))
        .collect()
}

/// `GET /sla/{id}/months.csv?year=YYYY`: an engagement's months of a year (none: the latest).
pub async fn export_months_csv(
    ask: Asker,
    Path(id): Path<String>,
    year: Result<Query<YearQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let (state, actor, locale) = (&ask.state, &ask.actor, ask.locale);
    ask.answer(async {
        let id = id_of(&id)?;
        let year = query(year)?.year;
        let reader = super::scope::sla_reader(&state.db, actor, state.today()).await?;
        let r = service::report::year_report(&state.db, &state.caches, &reader, id, &year, &actor.time_zone, state.clock.now()).await?;
        let mut w = CsvExport::new();
        let mut head: Vec<String> = [Msg::SlaMonth, Msg::SlaReport, Msg::SlaAgreementVersion].iter().map(|k| k.text(locale).to_string()).collect();
        head.extend(metric_heads(locale));
        head.push(format!("{} ({})", Msg::SlaInterrupted.text(locale), Msg::SlaMinutes.text(locale)));
        head.extend([Msg::SlaCompensation, Msg::SlaBreached, Msg::SlaDisputedShort].iter().map(|k| k.text(locale).to_string()));
        w.row(head)?;
        for m in &r.months {
            let f = &m.figures;
            let mut cells = vec![
                f.month.clone(),
                m.report_version.map(|v| format!("v{v}")).unwrap_or_else(|| Msg::SlaOpenMonth.text(locale).to_string()),
                f.version.to_string(),
            ];
            cells.extend(metric_cells(&cells_of(f)));
            cells.extend([(f.interrupted / 60).to_string(), money(f.compensation), yes(f.breached), f.disputed.to_string()]);
            w.row(cells)?;
        }
        Ok(csv_response(&format!("sla-{}", r.year), state.today(), w.finish()?))
    })
    .await
}

/// The month's report a month CSV lists (its records or its measured entries), for a reader.
async fn month_read(
    Asker { state, actor, .. }: &Asker,
    id: &str,
    month: Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> ServiceResult<crate::sla::SlaMonthReport> {
    let id = id_of(id)?;
    let month = query(month)?.month;
    let reader = super::scope::sla_reader(&state.db, actor, state.today()).await?;
    service::report::month_report(&state.db, &reader, id, &month, "", &actor.time_zone, state.clock.now()).await
}

/// `GET /sla/{id}/records.csv?month=YYYY-MM`: the records of a month (none: the latest), as the
/// month's report lists them.
pub async fn export_records_csv(
    ask: Asker,
    Path(id): Path<String>,
    month: Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let locale = ask.locale;
    ask.answer(async {
        let r = month_read(&ask, &id, month).await?;
        let mut w = CsvExport::new();
        w.row(
            [
                Msg::SlaStarted,
                Msg::SlaEnded,
                Msg::SlaKindCol,
                Msg::SlaClassCol,
                Msg::SlaWebsites,
                Msg::SlaMinutes,
                Msg::SlaCause,
                Msg::SlaRecordedBy,
                Msg::SlaReviewLabel,
                Msg::SlaComment,
                Msg::SlaReclassify,
                Msg::CsvRecordId,
            ]
            .iter()
            .map(|k| k.text(locale)),
        )?;
        for x in r.records {
            w.row([
                x.started_at,
                x.ended_at.unwrap_or_default(),
                x.kind.label().text(locale).to_string(),
                x.class.label().text(locale).to_string(),
                x.websites.join("; "),
                x.minutes.to_string(),
                x.cause,
                x.recorded_by,
                x.review.label().text(locale).to_string(),
                x.review_comment,
                x.reclassified.join(" | "),
                x.id.to_string(),
            ])?;
        }
        Ok(csv_response(&format!("sla-records-{}", r.figures.month), ask.today(), w.finish()?))
    })
    .await
}

/// `GET /sla/{id}/measures.csv?month=YYYY-MM`: the measured entries of a month (none: the
/// latest), as the month's report lists them, with each check's finding.
pub async fn export_measures_csv(
    ask: Asker,
    Path(id): Path<String>,
    month: Result<Query<MonthQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let locale = ask.locale;
    ask.answer(async {
        let r = month_read(&ask, &id, month).await?;
        let mut w = CsvExport::new();
        w.row(
            [
                Msg::SlaDay,
                Msg::SlaKindCol,
                Msg::SlaOutcome,
                Msg::SlaOldestOnHand,
                Msg::SlaRequiredOldest,
                Msg::SlaFNote,
                Msg::SlaRecordedBy,
                Msg::CsvRecordId,
            ]
            .iter()
            .map(|k| k.text(locale)),
        )?;
        for x in r.measured.entries {
            let outcome = match (x.kind.is_check(), x.passed) {
                (_, None) => "",
                (false, Some(true)) => Msg::SlaSucceeded.text(locale),
                (false, Some(false)) => Msg::SlaFailedWord.text(locale),
                (true, Some(true)) => Msg::SlaKept.text(locale),
                (true, Some(false)) => Msg::SlaShortWord.text(locale),
            };
            w.row([
                x.on_day,
                x.kind.label().text(locale).to_string(),
                outcome.to_string(),
                x.oldest.unwrap_or_default(),
                x.required.unwrap_or_default(),
                x.note,
                x.recorded_by,
                x.id.to_string(),
            ])?;
        }
        Ok(csv_response(&format!("sla-measures-{}", r.figures.month), ask.today(), w.finish()?))
    })
    .await
}
