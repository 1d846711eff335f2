//! The monthly and yearly SLA reports of one engagement: a month as its issued (frozen) report
//! version says, or to date while open, with the terms and records behind it; a year as the sum
//! of its months (kept figures, never a scan of the year's records).
use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    days::{at, secs},
    months::{figures, terms, Terms},
    views::{input_of, record_views, rows_of, Viewing},
};
use crate::{
    backend::{
        epoch::Caches,
        time_fmt::format_in_zone,
        ServiceError, ServiceResult,
    },
    i18n::Msg,
    sla::{
        entity::{month, record},
        rules::{self, Month, Percent},
        scope::SlaReader,
        AvailabilityFigure, MonthFigures, ReportIssue, ResolutionFigure, SlaMonthReport, SlaYearReport,
    },
    tenancy::entity::engagement,
};

/// The most records a month's report lists (a month with more is a monitoring feed, not records).
pub const RECORDS_SHOWN: u64 = 2000;

/// An engagement in reach and its terms; one without an accepted agreement has no report yet
/// (said so, as a conflict with its state: the engagement itself is in reach).
async fn engaged<C: ConnectionTrait>(conn: &C, r: &SlaReader, id: Uuid) -> ServiceResult<(engagement::Model, Terms)> {
    let e = r.engagements().filter(engagement::Column::Id.eq(id)).one(conn).await?.ok_or(ServiceError::NotFound)?;
    let t = terms(conn, &e).await?.ok_or(ServiceError::Conflict { field: "month", msg: Msg::SlaErrNoAgreement })?;
    Ok((e, t))
}

/// A month typed in an address: `YYYY-MM` of the SLA up to now, or the latest when none is named.
fn month_asked(text: &str, months: &[Month]) -> ServiceResult<Month> {
    let text = text.trim();
    if text.is_empty() {
        return months.last().copied().ok_or(ServiceError::NotFound);
    }
    let m = Month::parse(text).ok_or_else(|| ServiceError::invalid("month", Msg::SlaErrMonth))?;
    if months.contains(&m) {
        Ok(m)
    } else {
        Err(ServiceError::invalid("month", Msg::SlaErrMonthOutside))
    }
}

/// A version typed in an address: a positive whole number, or none (the latest).
fn version_asked(text: &str) -> ServiceResult<Option<i32>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i32>().ok().filter(|v| *v > 0).map(Some).ok_or_else(|| ServiceError::invalid("version", Msg::SlaErrReportVersion))
}

/// The parties' names.
async fn names<C: ConnectionTrait>(conn: &C, e: &engagement::Model) -> ServiceResult<HashMap<Uuid, String>> {
    crate::tenancy::scope::org_names(conn, [e.agency_id, e.provider_id]).await
}

/// One month's report for a reader: `month` (`YYYY-MM`, none: the latest), `version` (none: the
/// latest issued; an open month has none).
pub async fn month_report<C: ConnectionTrait>(
    conn: &C,
    r: &SlaReader,
    id: Uuid,
    month_text: &str,
    version_text: &str,
    zone: &str,
    now: OffsetDateTime,
) -> ServiceResult<SlaMonthReport> {
    let (e, t) = engaged(conn, r, id).await?;
    let all = t.months_until(secs(now));
    let m = month_asked(month_text, &all)?;
    let asked = version_asked(version_text)?;
    let issued =
        r.months().filter(month::Column::EngagementId.eq(id)).filter(month::Column::Month.eq(m.to_string())).order_by_asc(month::Column::Version).all(conn).await?;
    let issues: Vec<ReportIssue> =
        issued.iter().map(|i| ReportIssue { version: i.version, reason: i.reason.clone(), issued_at: format_in_zone(i.issued_at, zone) }).collect();
    let shown = match asked {
        Some(v) => Some(issued.iter().find(|i| i.version == v).ok_or_else(|| ServiceError::invalid("version", Msg::SlaErrReportVersion))?),
        None => issued.last(),
    };
    let (figures, report_version) = match shown {
        Some(row) => (
            serde_json::from_str::<MonthFigures>(&row.figures).map_err(|x| ServiceError::Internal(format!("sla month {} {}: {x}", id, row.month)))?,
            Some(row.version),
        ),
        None => {
            let calendar = crate::changes::service::work_calendar(conn).await?;
            (figures(conn, &e, &t, m, now, &calendar).await?.ok_or(ServiceError::NotFound)?, None)
        }
    };
    let governing = t.versions.iter().find(|v| v.number == figures.version).or_else(|| t.governing(m)).ok_or(ServiceError::NotFound)?;
    let window = m.window(&t.zone);
    let records = r
        .records()
        .filter(record::Column::EngagementId.eq(id))
        .filter(record::Column::StartedAt.lt(at(window.end)?))
        .filter(Condition::any().add(record::Column::EndedAt.is_null()).add(record::Column::EndedAt.gt(at(window.start)?)))
        .order_by_asc(record::Column::StartedAt)
        .limit(RECORDS_SHOWN)
        .all(conn)
        .await?;
    let names = names(conn, &e).await?;
    let site_name: HashMap<Uuid, String> = r.websites_of(id).all(conn).await?.into_iter().map(|w| (w.id, w.name)).collect();
    let records = record_views(conn, r, &records, &Viewing { names: &names, site_name: &site_name, zone, now, writes: false }).await?;
    let name = |o: Uuid| names.get(&o).cloned().unwrap_or_default();
    let counted = counted_text(&figures);
    let measured = super::measures::terms_over(conn, &e, &t, &[m], &names, None, now).await?;
    Ok(SlaMonthReport {
        engagement_id: id,
        agency: name(e.agency_id),
        csp: name(e.provider_id),
        figures,
        report_version,
        counted,
        issues,
        terms: input_of(governing),
        records,
        measured,
        months: all.iter().rev().map(|m| m.to_string()).collect(),
        viewer_zone: zone.to_string(),
        generated_at: format_in_zone(now, zone),
    })
}

/// The counted time on the SLA's clock.
fn counted_text(f: &MonthFigures) -> String {
    let zone = jiff::tz::TimeZone::get(&f.zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |s: i64| jiff::Timestamp::from_second(s).map(|t| zone.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
    format!("{} – {}", at(f.counted_from), at(f.counted_until))
}

/// One year's report for a reader: `year` (none: the latest year of the SLA). Kept per reach,
/// engagement, year and zone until the data changes and about a minute (the year in progress
/// is judged to date): the page, its CSV and the API read it again and again.
pub async fn year_report<C: ConnectionTrait>(
    conn: &C,
    caches: &Caches,
    r: &SlaReader,
    id: Uuid,
    year_text: &str,
    zone: &str,
    now: OffsetDateTime,
) -> ServiceResult<SlaYearReport> {
    let year = year_text.trim();
    if !year.is_empty() && year.parse::<i32>().is_err() {
        // Refused without keeping anything under what was typed.
        return year_computed(conn, r, id, year, zone, now).await;
    }
    let key = format!("sla-year|{}|{id}|{year}|{zone}", r.reach_key());
    let kept = caches.kept_for(&key, now, YEAR_KEPT_SECONDS, || async { year_computed(conn, r, id, year, zone, now).await.map(std::sync::Arc::new) }).await?;
    Ok((*kept).clone())
}

/// How long a year's report is kept before one request computes it again, in seconds.
const YEAR_KEPT_SECONDS: i64 = 60;

async fn year_computed<C: ConnectionTrait>(conn: &C, r: &SlaReader, id: Uuid, year_text: &str, zone: &str, now: OffsetDateTime) -> ServiceResult<SlaYearReport> {
    let (e, t) = engaged(conn, r, id).await?;
    let all = t.months_until(secs(now));
    let mut years: Vec<i32> = all.iter().map(|m| i32::from(m.year)).collect();
    years.dedup();
    years.reverse();
    let year = match year_text.trim() {
        "" => *years.first().ok_or(ServiceError::NotFound)?,
        text => {
            let y = text.parse::<i32>().map_err(|_| ServiceError::invalid("year", Msg::SlaErrYear))?;
            if !years.contains(&y) {
                return Err(ServiceError::invalid("year", Msg::SlaErrYearOutside));
            }
            y
        }
    };
    let months: Vec<Month> = all.into_iter().filter(|m| i32::from(m.year) == year).collect();
    let names = names(conn, &e).await?;
    let mut measured = super::measures::terms_over(conn, &e, &t, &months, &names, None, now).await?;
    // A year lists no entries (its months' reports do): a daily backup alone is 365 lines.
    measured.entries.clear();
    let rows = rows_of(conn, r, &e, &t, months, now).await?;
    let figures: Vec<&MonthFigures> = rows.iter().map(|m| &m.figures).collect();
    let name = |o: Uuid| names.get(&o).cloned().unwrap_or_default();
    Ok(SlaYearReport {
        engagement_id: id,
        agency: name(e.agency_id),
        csp: name(e.provider_id),
        year,
        years,
        availability: year_availability(&figures),
        resolution: year_resolution(&figures),
        interrupted: figures.iter().map(|f| f.interrupted).sum(),
        compensation: figures.iter().map(|f| f.compensation).sum(),
        breached_months: figures.iter().filter(|f| f.breached).count() as u32,
        disputed: figures.iter().map(|f| f.disputed).sum(),
        measured,
        zone: figures.last().map(|f| f.zone.clone()).unwrap_or_default(),
        months: rows,
        generated_at: format_in_zone(now, zone),
    })
}

/// Each availability metric over the months: counted time, downtime and maintenance summed (each
/// month's already under its rule), judged against the latest month's target.
pub fn year_availability(months: &[&MonthFigures]) -> Vec<AvailabilityFigure> {
    let Some(last) = months.last() else { return Vec::new() };
    last.availability
        .iter()
        .enumerate()
        .map(|(k, latest)| {
            let of = |f: &&MonthFigures| f.availability.get(k).cloned();
            let (mut scheduled, mut downtime, mut maintenance) = (0, 0, 0);
            for a in months.iter().filter_map(of) {
                scheduled += a.scheduled;
                downtime += a.downtime;
                maintenance += a.maintenance;
            }
            let target = Percent::from_millionths(latest.target).unwrap_or(Percent::ZERO);
            let j = rules::judge(scheduled, downtime, maintenance, target);
            AvailabilityFigure {
                metric: latest.metric,
                target: latest.target,
                scheduled,
                downtime,
                maintenance,
                attained: j.attained.map(Percent::millionths),
                met: j.met,
                budget_to_date: j.budget_left,
                budget_projected: j.budget_left,
            }
        })
        .collect()
}

/// Each fault level over the months: the faults and their outcomes summed, judged against the
/// latest month's target.
pub fn year_resolution(months: &[&MonthFigures]) -> Vec<ResolutionFigure> {
    let Some(last) = months.last() else { return Vec::new() };
    last.resolution
        .iter()
        .enumerate()
        .map(|(k, latest)| {
            let mut sum = ResolutionFigure { faults: 0, on_time: 0, late: 0, pending: 0, ..latest.clone() };
            for f in months.iter().filter_map(|f| f.resolution.get(k)) {
                sum.faults += f.faults;
                sum.on_time += f.on_time;
                sum.late += f.late;
                sum.pending += f.pending;
            }
            let target = Percent::from_millionths(latest.target).unwrap_or(Percent::ZERO);
            let (rate, met) = rules::rate(sum.on_time, sum.late, target);
            ResolutionFigure { rate: rate.map(Percent::millionths), met, ..sum }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::{CompensationRule, MaintenanceRule, Metric};

    fn month(scheduled: i64, downtime: i64, on_time: u32, late: u32) -> MonthFigures {
        MonthFigures {
            month: "2026-01".into(),
            zone: "Asia/Shanghai".into(),
            version: 1,
            in_progress: false,
            counted_from: 0,
            counted_until: 0,
            websites: 1,
            maintenance: MaintenanceRule::Excluded,
            availability: vec![AvailabilityFigure {
                metric: Metric::Server,
                target: 999_000,
                scheduled,
                downtime,
                maintenance: 0,
                attained: None,
                met: true,
                budget_to_date: 0,
                budget_projected: 0,
            }],
            resolution: vec![ResolutionFigure {
                metric: Metric::Level1,
                target: 900_000,
                hours: 4,
                faults: on_time + late,
                on_time,
                late,
                pending: 0,
                rate: None,
                met: true,
            }],
            interrupted: downtime,
            compensation_rule: CompensationRule::PerUnit,
            compensation: 0,
            units: 0,
            capped: false,
            fee_cap: 0,
            records: 0,
            disputed: 0,
            disputed_secs: 0,
            breached: false,
        }
    }

    #[test]
    fn a_year_is_the_sum_of_its_months_not_the_mean_of_their_percentages() {
        // A 28-day month with an hour down and a 31-day month without: the year is judged on
        // the summed seconds, so the longer month weighs more.
        let feb = month(28 * 86_400, 3_600, 1, 0);
        let mar = month(31 * 86_400, 0, 0, 1);
        let year = year_availability(&[&feb, &mar]);
        let whole = (28 + 31) * 86_400;
        assert_eq!((year[0].scheduled, year[0].downtime), (whole, 3_600));
        assert_eq!(year[0].attained, Percent::of_ratio(whole - 3_600, whole).map(Percent::millionths));
        // 1 − 3600 / 5,097,600 = 99.9293… % ≥ 99.9 %: met over the year.
        assert!(year[0].met);
        assert_eq!(year[0].budget_to_date, whole * 1_000 / 1_000_000 - 3_600);
        // One of two faults on time: 50 % against 90 %.
        let r = year_resolution(&[&feb, &mar]);
        assert_eq!((r[0].faults, r[0].on_time, r[0].late, r[0].rate, r[0].met), (2, 1, 1, Some(500_000), false));
    }

    #[test]
    fn a_year_with_any_downtime_never_reads_100_percent() {
        let m = month(365 * 86_400, 1, 0, 0);
        let year = year_availability(&[&m]);
        assert!(year[0].attained.is_some_and(|a| a < 1_000_000), "{:?}", year[0].attained);
        assert_eq!(year_resolution(&[&m])[0].rate, None, "no settled fault: no rate");
    }

    #[test]
    fn a_month_or_version_typed_in_an_address_is_read_or_refused_by_name() {
        let months = [Month::parse("2026-10").unwrap(), Month::parse("2026-11").unwrap()];
        assert_eq!(month_asked("", &months).ok(), Month::parse("2026-11"));
        assert_eq!(month_asked(" 2026-10 ", &months).ok(), Month::parse("2026-10"));
        assert_eq!(month_asked("2026-13", &months).err().and_then(|e| e.first_field().map(|f| f.field)), Some("month"));
        assert_eq!(month_asked("2025-01", &months).err().and_then(|e| e.first_field().map(|f| f.field)), Some("month"));
        assert_eq!(version_asked("").ok(), Some(None));
        assert_eq!(version_asked("2").ok(), Some(Some(2)));
        assert!(version_asked("0").is_err() && version_asked("x").is_err() && version_asked("-1").is_err());
    }
}
