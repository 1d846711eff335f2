//! The monthly status report of a jurisdiction or of one agency: the board's figures at the
//! month's close and the twelve months to it, computed as the board and the agency's detail
//! compute them (through the same readers). While the month runs the report is provisional; the
//! first reading after it closes freezes version 1; a later reading that finds the month's figures
//! changed (a late correction) freezes a new version with the same standing at the close and the
//! corrected months, and the report says so. No version is ever rewritten.
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::{
    detail::agency_detail_at,
    entity::status_report,
    scope::{self, OversightReader},
    service::{board_at, kept_snapshot, month_code, month_start},
    BoardQuery, MonthlyReport, ReportQuery, ReportScope, ReportVersion, Totals, Trend,
};
use crate::{
    backend::{
        db::write_txn,
        epoch::Caches,
        time_fmt::{date_in_zone, format_in_zone, start_of_day_in_zone},
        ServiceError, ServiceResult,
    },
    i18n::{Locale, Msg},
};

/// The agencies most needing attention a jurisdiction's report lists.
pub const TOP_ROWS: usize = 10;

/// A month asked for: `YYYY-MM` from 2000 on, its first day.
pub fn parse_month(text: &str) -> Option<Date> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
    if y < 2000 {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, 1).ok()
}

/// The report asked for, as of `now` (the viewer's zone decides where months end).
pub async fn monthly_report(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    q: &ReportQuery,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<MonthlyReport> {
    let today = date_in_zone(now, zone);
    let this_month = month_start(today, 0);
    let agency = match q.agency.trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).map_err(|_| ServiceError::NotFound)?),
    };
    let first = match q.month.trim() {
        "" => month_start(today, 1),
        raw => {
            let m = parse_month(raw).ok_or_else(|| ServiceError::invalid("month", Msg::OvErrMonth))?;
            if m > this_month {
                return Err(ServiceError::invalid("month", Msg::OvErrMonthAhead));
            }
            m
        }
    };
    let version = match q.version.trim() {
        "" => None,
        raw => Some(raw.parse::<u32>().ok().filter(|v| *v >= 1).ok_or_else(|| ServiceError::invalid("version", Msg::OvErrVersion))?),
    };
    // An agency must be in the jurisdiction today, for its frozen versions too.
    if let Some(id) = agency {
        let (snap, _) = kept_snapshot(db, caches, r, now, zone).await?;
        snap.row(id).ok_or(ServiceError::NotFound)?;
    }
    let next = month_start(first + Duration::days(40), 0);
    let closed = today >= next;
    // The figures at the month's last moment (its close), or now while it runs.
    let at = if closed { start_of_day_in_zone(next, zone) - Duration::seconds(1) } else { now };
    let fresh = compute(db, caches, r, agency, at, now, zone).await?;
    if !closed {
        if version.is_some() {
            return Err(ServiceError::NotFound);
        }
        let fresh = english(db, caches, r, fresh, at, now, zone).await?;
        return Ok(MonthlyReport { provisional: true, version: 0, as_of: format_in_zone(now, zone), ..fresh });
    }
    let (kind, scope_id) = match agency {
        Some(id) => (ReportScope::Agency, id),
        None => (ReportScope::Jurisdiction, r.viewer()),
    };
    let month = month_code(first);
    let mut versions = scope::status_reports(kind, scope_id, &month).all(db).await?;
    let hash = figures_hash(&fresh);
    let next_body = match versions.last() {
        None => Some(fresh),
        Some(last) if last.figures_hash != hash => {
            // The standing at the close stays as frozen; the months are corrected.
            let before: MonthlyReport = serde_json::from_str(&last.body).map_err(|e| ServiceError::Internal(format!("report body: {e}")))?;
            Some(MonthlyReport { trend: fresh.trend, strips_zh: fresh.strips_zh, strips_en: fresh.strips_en, months: fresh.months, ..before })
        }
        Some(_) => None,
    };
    if let Some(body) = next_body {
        let body = english(db, caches, r, body, at, now, zone).await?;
        let number = versions.last().map_or(1, |v| v.version + 1);
        freeze(db, kind, scope_id, &month, number, &body, &hash, now).await?;
        versions = scope::status_reports(kind, scope_id, &month).all(db).await?;
    }
    let chosen = match version {
        None => versions.last(),
        Some(v) => versions.iter().find(|x| x.version == v as i32),
    }
    .ok_or(ServiceError::NotFound)?;
    let body: MonthlyReport =
        serde_json::from_str(&chosen.body).map_err(|e| ServiceError::Internal(format!("report body: {e}")))?;
    Ok(MonthlyReport {
        provisional: false,
        version: chosen.version as u32,
        as_of: format_in_zone(chosen.frozen_at, zone),
        versions: versions
            .iter()
            .map(|v| ReportVersion { version: v.version as u32, frozen_at: format_in_zone(v.frozen_at, zone) })
            .collect(),
        ..body
    })
}

/// The report's figures as of `at`.
#[allow(clippy::too_many_arguments)]
async fn compute(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    agency: Option<Uuid>,
    at: OffsetDateTime,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<MonthlyReport> {
    let month = month_code(date_in_zone(at, zone));
    let base = MonthlyReport {
        scope: ReportScope::Jurisdiction,
        name: String::new(),
        agency_id: agency,
        month,
        months: Vec::new(),
        provisional: false,
        as_of: String::new(),
        version: 0,
        versions: Vec::new(),
        trend: Trend::default(),
        totals: Totals::default(),
        groups: Vec::new(),
        top: Vec::new(),
        row: None,
        strips_zh: Vec::new(),
        strips_en: Vec::new(),
        weights: super::rules::WEIGHTS,
    };
    match agency {
        Some(id) => {
            // The English strips only when shown or frozen (see `english`): a frozen version's
            // reading compares the months by the Chinese ones alone.
            let zh = agency_detail_at(db, caches, r, id, at, now, zone, Locale::Zh).await?;
            Ok(MonthlyReport {
                scope: ReportScope::Agency,
                name: zh.row.agency.clone(),
                months: zh.months,
                row: Some(zh.row),
                strips_zh: zh.strips,
                ..base
            })
        }
        None => {
            let query = BoardQuery { group: "1".into(), ..BoardQuery::default() };
            let b = board_at(db, caches, r, at, now, zone, &query).await?;
            let name = r
                .regulators()
                .filter(crate::tenancy::entity::organisation::Column::Id.eq(r.viewer()))
                .one(db)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            Ok(MonthlyReport {
                name,
                months: b.trend.months.clone(),
                trend: b.trend,
                totals: b.all,
                groups: b.groups,
                top: b.rows.into_iter().filter(|row| row.score.total > 0).take(TOP_ROWS).collect(),
                ..base
            })
        }
    }
}

/// An agency's report with its strips in English too (a jurisdiction's has none).
async fn english(
    db: &DatabaseConnection,
    caches: &Caches,
    r: &OversightReader,
    report: MonthlyReport,
    at: OffsetDateTime,
    now: OffsetDateTime,
    zone: &str,
) -> ServiceResult<MonthlyReport> {
    match report.agency_id {
        Some(id) => {
            let en = agency_detail_at(db, caches, r, id, at, now, zone, Locale::En).await?;
            Ok(MonthlyReport { strips_en: en.strips, ..report })
        }
        None => Ok(report),
    }
}

/// SHA-256 of what a correction is judged by: the months (the standing at the close is of its
/// moment and is never recomputed).
fn figures_hash(r: &MonthlyReport) -> String {
    let figures = match r.scope {
        ReportScope::Jurisdiction => serde_json::to_string(&r.trend),
        ReportScope::Agency => serde_json::to_string(
            &r.strips_zh.iter().map(|s| s.cells.iter().map(|c| (&c.text, c.value)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        ),
    }
    .unwrap_or_default();
    hex::encode(Sha256::digest(figures.as_bytes()))
}

/// Stores one version; a concurrent reader that froze the same version first wins, unchanged.
#[allow(clippy::too_many_arguments)]
async fn freeze(
    db: &DatabaseConnection,
    kind: ReportScope,
    scope_id: Uuid,
    month: &str,
    version: i32,
    body: &MonthlyReport,
    hash: &str,
    now: OffsetDateTime,
) -> ServiceResult<()> {
    let body = MonthlyReport { versions: Vec::new(), provisional: false, ..body.clone() };
    let txn = write_txn(db).await?;
    status_report::Entity::insert(status_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        scope_id: Set(scope_id),
        scope_kind: Set(kind.code().to_string()),
        month: Set(month.to_string()),
        version: Set(version),
        body: Set(serde_json::to_string(&body).map_err(|e| ServiceError::Internal(format!("report body: {e}")))?),
        figures_hash: Set(hash.to_string()),
        frozen_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            status_report::Column::ScopeId,
            status_report::Column::ScopeKind,
            status_report::Column::Month,
            status_report::Column::Version,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_month_is_four_digits_a_dash_and_two() {
        assert_eq!(parse_month("2026-11"), Some(date!(2026 - 11 - 01)));
        assert_eq!(parse_month(" 2000-01 "), Some(date!(2000 - 01 - 01)));
        for bad in ["", "2026-13", "2026-00", "2026-1", "26-11", "1999-12", "2026/11", "2026-11-01", "abcd-ef"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }
}
